//! Ground-switch and switchgear duty: SO lock at the service point, short-time and making
//! ratings of PAS/UGS/LBS/VCB against the fault currents.
//!
//! Rules (ids), each described with its sources in `docs/rules/switchgear.md`:
//! - `so_lock_required` — a PAS/UGS with a ground relay whose location's fault current
//!   exceeds what the switch can interrupt has SO lock (過電流ロック / 過電流蓄勢トリップ).
//! - `so_lock_current` — the highest current at which the switch may still open (lock
//!   current + tolerance) is within its interrupting current.
//! - `so_lock_vs_utility` — every current at which the switch may lock (lock current −
//!   tolerance) is one the utility's OCR certainly operates at (pickup + tolerance).
//! - `short_time_withstand` — the thermal duty I²·t of the largest fault through the device,
//!   for the time the protective device that clears it takes, is within the rated
//!   short-time current for its rated duration (I²t equivalence).
//! - `making_current` — the peak short-circuit current i_p at the device is within its rated
//!   making (peak withstand) current.
//!
//! A rating the project does not give is taken from these settings; the result message then
//! names the assumed value.

use crate::model::Device;

use super::{fmt_a, fmt_num as num, fmt_s, CheckResult, Ctx, Margin, Status, UTILITY_ID};

/// Thresholds and assumed ratings of these rules; every field has a documented default.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SwitchgearSettings {
    /// Tolerance of the SO lock current, ± fraction (default 0.10; maker data of SOG control
    /// units: 350 ± 50 A, 550 ± 50 A).
    pub so_lock_tolerance: f64,
    /// PAS/UGS interrupting current when the project does not give it, × rated current
    /// (default 2.0: JIS C 4607 rated overload breaking current 400 A for 200 A and 600 A
    /// for 300 A switches).
    pub interrupting_multiple: f64,
    /// SO lock current when the project does not give it, × the interrupting current
    /// (default 0.9: the maker settings 350 A / 400 A and 550 A / 600 A).
    pub so_lock_fraction: f64,
    /// PAS/UGS rated short-time current when not given, kA rms (default 12.5: JIS C 4607
    /// 12.5 kA class).
    pub ground_switch_short_time_ka: f64,
    /// PAS/UGS rated short-time duration when not given, s (default 1.0: JIS C 4607).
    pub ground_switch_short_time_s: f64,
    /// PAS/UGS rated making current when not given, kA peak (default 31.5: JIS C 4607
    /// 12.5 kA class).
    pub ground_switch_making_peak_ka: f64,
    /// LBS rated short-time current when not given, kA rms (default 12.5: JIS C 4605).
    pub lbs_short_time_ka: f64,
    /// LBS rated short-time duration when not given, s (default 1.0).
    pub lbs_short_time_s: f64,
    /// LBS + PF rated making current when not given, kA peak on the prospective current
    /// (default 31.5: JIS C 4611, 12.5 kA × 2.5).
    pub lbs_making_peak_ka: f64,
    /// VCB rated short-time duration when not given, s (default 1.0, the shorter standard
    /// duration; the short-time current itself defaults to the rated breaking current).
    pub vcb_short_time_s: f64,
    /// VCB rated making current when not given, × the rated breaking current (default 2.5:
    /// JIS C 4603).
    pub vcb_making_multiple: f64,
}

impl Default for SwitchgearSettings {
    fn default() -> Self {
        SwitchgearSettings {
            so_lock_tolerance: 0.10,
            interrupting_multiple: 2.0,
            so_lock_fraction: 0.9,
            ground_switch_short_time_ka: 12.5,
            ground_switch_short_time_s: 1.0,
            ground_switch_making_peak_ka: 31.5,
            lbs_short_time_ka: 12.5,
            lbs_short_time_s: 1.0,
            lbs_making_peak_ka: 31.5,
            vcb_short_time_s: 1.0,
            vcb_making_multiple: 2.5,
        }
    }
}

/// Run these rules.
pub(crate) fn run(ctx: &Ctx<'_>, out: &mut Vec<CheckResult>) {
    for (i, d) in ctx.project.devices.iter().enumerate() {
        if let Device::GroundSwitch(_) = d {
            so_lock(ctx, i, out);
        }
        if let Some(r) = ratings(ctx, d) {
            short_time(ctx, i, &r, out);
            making(ctx, i, &r, out);
        }
    }
}

/// A value given by the project or assumed from the settings.
#[derive(Debug, Clone, Copy)]
struct Rated {
    value: f64,
    assumed: bool,
}

impl Rated {
    fn of(given: Option<f64>, default: f64) -> Rated {
        match given {
            Some(v) => Rated { value: v, assumed: false },
            None => Rated { value: default, assumed: true },
        }
    }
}

/// Short-time and making ratings of a switching device.
struct Ratings {
    short_time_ka: Rated,
    short_time_s: Rated,
    making_peak_ka: Rated,
    /// Where the defaults come from, for the message.
    standard: &'static str,
}

fn ratings(ctx: &Ctx<'_>, d: &Device) -> Option<Ratings> {
    let s = &ctx.settings.switchgear;
    Some(match d {
        Device::GroundSwitch(g) => Ratings {
            short_time_ka: Rated::of(g.short_time_ka, s.ground_switch_short_time_ka),
            short_time_s: Rated::of(g.short_time_s, s.ground_switch_short_time_s),
            making_peak_ka: Rated::of(g.making_peak_ka, s.ground_switch_making_peak_ka),
            standard: "JIS C 4607",
        },
        Device::LbsPf(l) => Ratings {
            short_time_ka: Rated::of(l.short_time_ka, s.lbs_short_time_ka),
            short_time_s: Rated::of(l.short_time_s, s.lbs_short_time_s),
            making_peak_ka: Rated::of(l.making_peak_ka, s.lbs_making_peak_ka),
            standard: "JIS C 4605 / C 4611",
        },
        Device::Vcb(v) => Ratings {
            short_time_ka: Rated::of(v.short_time_ka, v.breaking_capacity_ka),
            short_time_s: Rated::of(v.short_time_s, s.vcb_short_time_s),
            making_peak_ka: Rated::of(v.making_peak_ka, s.vcb_making_multiple * v.breaking_capacity_ka),
            standard: "JIS C 4603",
        },
        _ => return None,
    })
}

/// "(assumed …)" notes for the message, in Japanese and English.
fn assumed_note(items: &[(&str, &str, Rated, &str)], standard: &str) -> (String, String) {
    let list: Vec<&(&str, &str, Rated, &str)> = items.iter().filter(|(_, _, r, _)| r.assumed).collect();
    if list.is_empty() {
        return (String::new(), String::new());
    }
    let ja = list.iter().map(|(ja, _, r, unit)| format!("{ja} {}{unit}", num(r.value))).collect::<Vec<_>>().join("、");
    let en = list.iter().map(|(_, en, r, unit)| format!("{en} {}{unit}", num(r.value))).collect::<Vec<_>>().join(", ");
    (
        format!("（未入力のため {standard} の標準値 {ja} と仮定）"),
        format!(" (not given: the {standard} standard value {en} is assumed)"),
    )
}


/// The current at and above which the utility's OCR certainly operates (pickup plus its
/// tolerance; the instantaneous element's when the time element is locked), chart A.
fn utility_certain_a(ctx: &Ctx<'_>) -> Option<f64> {
    let ocr = ctx.project.utility.ocr.as_ref()?;
    let tol = &ctx.settings.relay_tolerance;
    match (ocr.pickup_primary_a(), ocr.instantaneous_primary_a()) {
        (Some(p), _) => Some(p * (1.0 + tol.pickup)),
        (None, Some(p)) => Some(p * (1.0 + tol.instantaneous_pickup)),
        _ => None,
    }
}

/// `so_lock_required`, `so_lock_current`, `so_lock_vs_utility` for one PAS/UGS.
fn so_lock(ctx: &Ctx<'_>, i: usize, out: &mut Vec<CheckResult>) {
    let Some(Device::GroundSwitch(g)) = ctx.project.devices.get(i) else { return };
    let s = &ctx.settings.switchgear;
    let Some(up) = ctx.topo.upstream_bus(ctx.project, i) else { return };
    let v = ctx.bus_voltage(up);
    let name = ctx.name(i);
    let interrupting = Rated::of(g.interrupting_current_a, s.interrupting_multiple * g.rated_current_a);
    let (int_ja, int_en) = if interrupting.assumed {
        (
            format!("（開閉できる電流は未入力のため定格電流の {} 倍と仮定: JIS C 4607 の過負荷遮断電流）", num(s.interrupting_multiple)),
            format!(" (interrupting current not given: {} × the rated current assumed, the JIS C 4607 overload breaking current)", num(s.interrupting_multiple)),
        )
    } else {
        (String::new(), String::new())
    };
    if g.ground_relay.is_some() {
        if let Some((fault, _)) = ctx.bus_fault(up) {
            let ratio = interrupting.value / fault;
            let needs = fault > interrupting.value;
            let status = if needs && !g.so_lock { Status::Fail } else { Status::Pass };
            let (ja, en) = match (needs, g.so_lock) {
                (true, false) => (
                    format!(
                        "{name} の設置点の短絡電流 {} が開閉できる電流 {} を超えますが、SO（過電流ロック）がありません。地絡継電器が短絡電流を開こうとして開閉器が破損します{int_ja}",
                        fmt_a(fault),
                        fmt_a(interrupting.value)
                    ),
                    format!(
                        "the fault current at {name} ({}) exceeds what it can interrupt ({}) and it has no SO lock: its ground relay would try to open a short-circuit current{int_en}",
                        fmt_a(fault),
                        fmt_a(interrupting.value)
                    ),
                ),
                (true, true) => (
                    format!("{name} の設置点の短絡電流 {} は開閉できる電流 {} を超えますが、SO（過電流ロック）付きです{int_ja}", fmt_a(fault), fmt_a(interrupting.value)),
                    format!("the fault current at {name} ({}) exceeds what it can interrupt ({}); it has SO lock{int_en}", fmt_a(fault), fmt_a(interrupting.value)),
                ),
                (false, _) => (
                    format!("{name} の設置点の短絡電流 {} は開閉できる電流 {} 以下です{int_ja}", fmt_a(fault), fmt_a(interrupting.value)),
                    format!("the fault current at {name} ({}) is within what it can interrupt ({}){int_en}", fmt_a(fault), fmt_a(interrupting.value)),
                ),
            };
            out.push(CheckResult {
                rule: "so_lock_required",
                devices: vec![ctx.id(i)],
                status,
                worst_margin: Some(Margin::ratio(ratio)),
                at_current_a: Some(fault),
                current_basis_v: Some(v),
                message_ja: ja,
                message_en: en,
            });
        }
    }
    if !g.so_lock {
        return;
    }
    let lock = Rated::of(g.so_lock_current_a, s.so_lock_fraction * interrupting.value);
    let (lock_ja, lock_en) = if lock.assumed {
        (
            format!("（ロック電流は未入力のため開閉できる電流の {} 倍 {} と仮定）", num(s.so_lock_fraction), fmt_a(lock.value)),
            format!(" (lock current not given: {} × the interrupting current = {} assumed)", num(s.so_lock_fraction), fmt_a(lock.value)),
        )
    } else {
        (String::new(), String::new())
    };
    let tol = s.so_lock_tolerance;
    let lock_max = lock.value * (1.0 + tol);
    let ratio = interrupting.value / lock_max;
    let ok = ratio >= 1.0;
    out.push(CheckResult {
        rule: "so_lock_current",
        devices: vec![ctx.id(i)],
        status: if ok { Status::Pass } else { Status::Fail },
        worst_margin: Some(Margin::ratio(ratio)),
        at_current_a: Some(lock_max),
        current_basis_v: Some(v),
        message_ja: format!(
            "{name} のロック電流 {}（許容差 +{:.0} % で {}）は開閉できる電流 {} {}{lock_ja}{int_ja}",
            fmt_a(lock.value),
            tol * 100.0,
            fmt_a(lock_max),
            fmt_a(interrupting.value),
            if ok { "以下です" } else { "を超えます。ロックする前に開閉器が開こうとする電流があります" }
        ),
        message_en: format!(
            "lock current of {name} {} (+{:.0} %: {}) against what it can interrupt, {}: {}{lock_en}{int_en}",
            fmt_a(lock.value),
            tol * 100.0,
            fmt_a(lock_max),
            fmt_a(interrupting.value),
            if ok { "within" } else { "exceeded: the switch may try to open currents it cannot interrupt" }
        ),
    });
    let factor = ctx.referral(up);
    let lock_min_chart = lock.value * (1.0 - tol) * factor;
    let devices = vec![UTILITY_ID.to_string(), ctx.id(i)];
    let Some(util) = utility_certain_a(ctx) else {
        out.push(CheckResult {
            rule: "so_lock_vs_utility",
            devices,
            status: Status::Warning,
            worst_margin: None,
            at_current_a: Some(lock_min_chart),
            current_basis_v: Some(ctx.chart_v),
            message_ja: format!("電力会社の OCR 整定が入力されていないため、{name} のロック電流との協調を確認できません"),
            message_en: format!("the utility's OCR settings are not given: the lock current of {name} is not checked against it"),
        });
        return;
    };
    let ratio = lock_min_chart / util;
    let ok = ratio >= 1.0;
    out.push(CheckResult {
        rule: "so_lock_vs_utility",
        devices,
        status: if ok { Status::Pass } else { Status::Fail },
        worst_margin: Some(Margin::ratio(ratio)),
        at_current_a: Some(lock_min_chart),
        current_basis_v: Some(ctx.chart_v),
        message_ja: format!(
            "{name} がロックし得る最小電流 {}（ロック電流 {} −{:.0} %）は、電力会社 OCR が確実に動作する電流 {} {}{lock_ja}",
            fmt_a(lock_min_chart),
            fmt_a(lock.value),
            tol * 100.0,
            fmt_a(util),
            if ok { "以上です" } else { "未満です。ロックしたまま電力会社も遮断しない電流域があります" }
        ),
        message_en: format!(
            "{name} may lock from {} (lock current {} −{:.0} %); the utility's OCR certainly operates from {}: {}{lock_en}",
            fmt_a(lock_min_chart),
            fmt_a(lock.value),
            tol * 100.0,
            fmt_a(util),
            if ok { "every locked current is cleared by the utility" } else { "between them the switch is locked and the utility does not trip" }
        ),
    });
}

/// Latest clearing time of a fault at `bus` (chart current `chart_a`): the nearest
/// protective device above the bus that certainly operates, else the utility's OCR.
fn clearing_time(ctx: &Ctx<'_>, bus: usize, chart_a: f64) -> Option<(f64, String)> {
    for p in ctx.upstream_protective(bus) {
        if let Some(prot) = ctx.prot_tcc(p) {
            let t = prot.tcc.band(chart_a).max_s;
            if t.is_finite() {
                return Some((t, ctx.name(p)));
            }
        }
    }
    let t = ctx.utility_ocr.as_ref()?.band(chart_a).max_s;
    t.is_finite().then(|| (t, "電力会社 OCR / utility OCR".to_string()))
}

/// `short_time_withstand` for one switching device.
fn short_time(ctx: &Ctx<'_>, i: usize, r: &Ratings, out: &mut Vec<CheckResult>) {
    let Some(up) = ctx.topo.upstream_bus(ctx.project, i) else { return };
    let factor = ctx.referral(up);
    let fallback_s = ctx.project.settings.fault_duration_s_or_default();
    // Worst I²t over faults anywhere below the device (current through it, clearing time).
    let mut worst: Option<(f64, f64, f64, Option<String>)> = None; // i2t kA²s, current A, time s, clearer
    for b in ctx.buses_below(i) {
        // With machine contribution (the larger): docs/rules/switchgear.md.
        let Some((_, chart)) = ctx.bus_fault_duty(b) else { continue };
        let through = chart / factor;
        let (t, by) = match clearing_time(ctx, b, chart) {
            Some((t, by)) => (t, Some(by)),
            None => (fallback_s, None),
        };
        let i2t = (through / 1000.0).powi(2) * t;
        if worst.as_ref().is_none_or(|w| i2t > w.0) {
            worst = Some((i2t, through, t, by));
        }
    }
    let Some((i2t, through, t, by)) = worst else { return };
    let rated = r.short_time_ka.value.powi(2) * r.short_time_s.value;
    let ratio = (rated / i2t).sqrt();
    let ok = ratio >= 1.0;
    let name = ctx.name(i);
    let (note_ja, note_en) = assumed_note(
        &[("短時間耐電流", "short-time current", r.short_time_ka, " kA"), ("通電時間", "duration", r.short_time_s, " s")],
        r.standard,
    );
    let (note_ja, note_en) = with_contribution(ctx, up, note_ja, note_en);
    let (by_ja, by_en) = match &by {
        Some(n) => (format!("{n} が {} で遮断", fmt_s(t)), format!("cleared by {n} in {}", fmt_s(t))),
        None => (
            format!("遮断する装置の特性が不明なため故障継続時間 {} と仮定", fmt_s(t)),
            format!("no device certainly clears it: the fault duration {} is assumed", fmt_s(t)),
        ),
    };
    out.push(CheckResult {
        rule: "short_time_withstand",
        devices: vec![ctx.id(i)],
        status: if ok { Status::Pass } else { Status::Fail },
        worst_margin: Some(Margin::ratio(ratio)),
        at_current_a: Some(through),
        current_basis_v: Some(ctx.bus_voltage(up)),
        message_ja: format!(
            "{name} を通過する故障電流 {}（{by_ja}）の I²t {:.1} kA²s は、短時間耐電流 {} kA {} s の {:.1} kA²s {}{note_ja}",
            fmt_a(through),
            i2t,
            num(r.short_time_ka.value),
            num(r.short_time_s.value),
            rated,
            if ok { "以内です" } else { "を超えます" }
        ),
        message_en: format!(
            "fault current through {name} {} ({by_en}): I²t {:.1} kA²s against the short-time rating {} kA for {} s = {:.1} kA²s: {}{note_en}",
            fmt_a(through),
            i2t,
            num(r.short_time_ka.value),
            num(r.short_time_s.value),
            rated,
            if ok { "within" } else { "exceeded" }
        ),
    });
}

/// Appends to a message that the fault current includes machine contribution, where it does.
fn with_contribution(ctx: &Ctx<'_>, bus: usize, ja: String, en: String) -> (String, String) {
    if ctx.contribution_at(bus) {
        (format!("{ja}（電動機・発電機の寄与込み）"), format!("{en} (with motor and generator contribution)"))
    } else {
        (ja, en)
    }
}

/// `making_current` for one switching device.
fn making(ctx: &Ctx<'_>, i: usize, r: &Ratings, out: &mut Vec<CheckResult>) {
    let Some(up) = ctx.topo.upstream_bus(ctx.project, i) else { return };
    // With machine contribution (the larger): docs/rules/switchgear.md.
    let Some(ip_ka) = ctx.bus_peak_duty(up) else { return };
    if !(ip_ka.is_finite() && ip_ka > 0.0) {
        return;
    }
    let ratio = r.making_peak_ka.value / ip_ka;
    let ok = ratio >= 1.0;
    let name = ctx.name(i);
    let (note_ja, note_en) = assumed_note(&[("投入電流", "making current", r.making_peak_ka, " kA")], r.standard);
    let (note_ja, note_en) = with_contribution(ctx, up, note_ja, note_en);
    let fuse = matches!(ctx.project.devices.get(i), Some(Device::LbsPf(_)));
    let (fuse_ja, fuse_en) = if fuse {
        ("（限流ヒューズ付の組合せ定格は推定短絡電流で表すため、推定値で比較）", " (a switch–fuse combination is rated on the prospective current, which is compared here)")
    } else {
        ("", "")
    };
    out.push(CheckResult {
        rule: "making_current",
        devices: vec![ctx.id(i)],
        status: if ok { Status::Pass } else { Status::Fail },
        worst_margin: Some(Margin::ratio(ratio)),
        at_current_a: Some(ip_ka * 1000.0),
        current_basis_v: Some(ctx.bus_voltage(up)),
        message_ja: format!(
            "{name} の設置点の短絡電流波高値 i_p {ip_ka:.2} kA に対し投入電流 {} kA: {}{fuse_ja}{note_ja}",
            num(r.making_peak_ka.value),
            if ok { "適合" } else { "投入電流不足" }
        ),
        message_en: format!(
            "{name}: peak short-circuit current i_p {ip_ka:.2} kA at its location against its making current {} kA peak: {}{fuse_en}{note_en}",
            num(r.making_peak_ka.value),
            if ok { "sufficient" } else { "insufficient" }
        ),
    });
}
