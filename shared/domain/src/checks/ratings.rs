//! Ratings against what each device carries: fuses, switches, breakers, relay pickups and
//! cables against the continuous current downstream; PF selection for transformers and
//! capacitors; the PF·S main against the transformer capacity it may serve; LV breaker rated
//! currents as steps of their frame.
//!
//! The continuous current a series device carries is the sum, over its subtree, of every
//! load (kVA at its bus voltage), motor (kW, efficiency, power factor at its rated voltage),
//! capacitor (kvar with its series reactor, × [`RatingSettings::capacitor_current_factor`])
//! and, where a transformer is met, the transformer's rated current on the side facing the
//! device — not its loads. Generators are sources and are not counted. Currents are added
//! arithmetically (a capacitor's leading current is not netted against the loads').
//!
//! Rules, thresholds and sources: `docs/rules/ratings.md`.

use crate::library::{self, pf_selection, PfType};
use crate::model::{Device, TripUnit};

use super::{devices, fmt_a, CheckResult, Ctx, Margin, Status};

/// Thresholds of these rules; every field has a documented default.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RatingSettings {
    /// Continuous current of a capacitor bank as a multiple of its rated current, for every
    /// device but a C-type PF (whose rating is itself a capacitor rating). Default 1.35: the
    /// customary allowance for harmonics and over-voltage (JIS C 4902-1 capacitors carry
    /// 130 % of rated current continuously; Japanese practice sizes capacitor circuits for
    /// 135 %).
    pub capacitor_current_factor: f64,
    /// Power factor used to turn the contract demand (kW) into the main relay's load
    /// current (default 0.9).
    pub demand_power_factor: f64,
    /// An OCR time-element pickup below this multiple of its continuous current warns
    /// (default 1.1: practice sets 110–150 % of the contract demand); below 1.0 it fails.
    pub ocr_pickup_warn_ratio: f64,
    /// Ampacity of each circuit of a cable laid in parallel, as a fraction of one circuit
    /// alone (default 0.85: the two-circuit values of JCS 0168 are 0.83–0.85 of one).
    pub parallel_cable_factor: f64,
    /// Range of an electronic trip unit's long-time pickup Ir / In (default 0.4 … 1.0).
    pub ir_min_multiple: f64,
    pub ir_max_multiple: f64,
}

impl Default for RatingSettings {
    fn default() -> Self {
        RatingSettings {
            capacitor_current_factor: 1.35,
            demand_power_factor: 0.9,
            ocr_pickup_warn_ratio: 1.1,
            parallel_cable_factor: 0.85,
            ir_min_multiple: 0.4,
            ir_max_multiple: 1.0,
        }
    }
}

/// Rated currents preferred for electronic trip units' sensors and rating plugs, A
/// (IEC 60059 R10 series, as used by MCCB/ACB ranges).
const ELECTRONIC_IN_STEPS_A: [f64; 17] = [
    100.0, 125.0, 160.0, 200.0, 250.0, 320.0, 400.0, 500.0, 630.0, 800.0, 1000.0, 1250.0, 1600.0, 2000.0, 2500.0, 3200.0,
    4000.0,
];

/// What a device carries: the total, and what it is made of.
#[derive(Debug, Clone, Default)]
pub(crate) struct Demand {
    /// Continuous current at the device's voltage, A.
    pub amps: f64,
    /// Transformers met (device indices) and their kVA.
    pub transformers: Vec<usize>,
    pub transformer_kva: f64,
    /// Capacitors below (indices), their kvar and their rated current (no allowance), A.
    pub capacitors: Vec<usize>,
    pub capacitor_kvar: f64,
    pub capacitor_amps: f64,
    /// Loads and motors below (indices).
    pub loads: Vec<usize>,
}

/// The continuous current through series device `device` (A at its own voltage), capacitors
/// counted at `capacitor_factor` × their rated current.
pub(crate) fn demand(ctx: &Ctx<'_>, device: usize, capacitor_factor: f64) -> Demand {
    let mut d = Demand::default();
    let Some(start) = ctx.topo.downstream_bus(device) else { return d };
    let mut stack = vec![start];
    let mut seen = vec![false; ctx.project.devices.len()];
    while let Some(b) = stack.pop() {
        if std::mem::replace(seen.get_mut(b).unwrap_or(&mut true), true) {
            continue;
        }
        let Some(Device::Bus(bus)) = ctx.project.devices.get(b) else { continue };
        for &i in ctx.shunts_named(b) {
            let dev = &ctx.project.devices[i];
            match dev {
                Device::Load(l) => {
                    d.amps += l.rated_current_a(bus.voltage_v, bus.single_phase);
                    d.loads.push(i);
                }
                Device::Motor(m) => {
                    d.amps += m.rated_current_a(bus.single_phase);
                    d.loads.push(i);
                }
                Device::Capacitor(c) => {
                    let i_c = c.rated_current_a(bus.voltage_v);
                    d.amps += i_c * capacitor_factor;
                    d.capacitor_amps += i_c;
                    d.capacitor_kvar += c.rated_kvar;
                    d.capacitors.push(i);
                }
                _ => {}
            }
        }
        for &c in ctx.children.get(b).map(|v| v.as_slice()).unwrap_or(&[]) {
            match ctx.project.devices.get(c) {
                Some(Device::Transformer(t)) => {
                    let up = ctx.topo.upstream_bus(ctx.project, c);
                    let primary_up = up.is_some_and(|u| ctx.bus_id(u) == t.from);
                    d.amps += if primary_up { t.primary_rated_current_a() } else { t.secondary_rated_current_a() };
                    d.transformer_kva += t.rated_kva;
                    d.transformers.push(c);
                }
                _ => {
                    if let Some(down) = ctx.topo.downstream_bus(c) {
                        stack.push(down);
                    }
                }
            }
        }
    }
    d
}

/// True when no protective device lies between the utility and `device`.
fn is_main(ctx: &Ctx<'_>, device: usize) -> bool {
    ctx.topo.upstream_bus(ctx.project, device).is_some_and(|b| ctx.upstream_protective(b).is_empty())
}

/// The current the main relay carries by the contract demand, A at the utility voltage.
pub(crate) fn contract_current_a(ctx: &Ctx<'_>) -> Option<f64> {
    let kw = ctx.project.contract_demand_kw?;
    let i = kw * 1000.0 / (3f64.sqrt() * ctx.chart_v * ctx.settings.ratings.demand_power_factor);
    (i.is_finite() && i > 0.0).then_some(i)
}

/// The continuous current a protective device carries, A at its own voltage: the demand
/// below it (capacitors with their allowance), limited for the main relay by the contract
/// demand when the project gives one.
pub(crate) fn carried_current_a(ctx: &Ctx<'_>, device: usize) -> f64 {
    let dm = demand(ctx, device, ctx.settings.ratings.capacitor_current_factor).amps;
    match (ctx.project.devices.get(device), contract_current_a(ctx)) {
        (Some(Device::Vcb(_)), Some(c)) if is_main(ctx, device) => dm.min(c),
        _ => dm,
    }
}

/// Voltage at a series device, V.
fn device_voltage(ctx: &Ctx<'_>, device: usize) -> Option<f64> {
    ctx.topo.upstream_bus(ctx.project, device).map(|b| ctx.bus_voltage(b))
}

struct Rated<'s> {
    rule: &'static str,
    devices: Vec<String>,
    /// What is rated, in words (e.g. "PF T 40 A").
    what_ja: &'s str,
    what_en: &'s str,
    capacity_a: f64,
    demand_a: f64,
    /// Ratio below which the rule warns (≥ 1); 1 means no warning band.
    warn_ratio: f64,
    basis_v: Option<f64>,
    note_ja: String,
    note_en: String,
}

fn rated_result(ctx: &Ctx<'_>, device: usize, r: Rated<'_>) -> CheckResult {
    let name = ctx.name(device);
    let ratio = r.capacity_a / r.demand_a;
    let status = if !(ratio >= 1.0) {
        Status::Fail
    } else if ratio < r.warn_ratio {
        Status::Warning
    } else {
        Status::Pass
    };
    let (verdict_ja, verdict_en) = match status {
        Status::Pass => ("適合", "sufficient"),
        Status::Warning => ("余裕不足", "little margin"),
        Status::Fail => ("定格不足", "too small"),
    };
    CheckResult {
        rule: r.rule,
        devices: r.devices,
        status,
        worst_margin: Some(Margin::ratio(ratio)),
        at_current_a: Some(r.demand_a),
        current_basis_v: r.basis_v,
        message_ja: format!(
            "{name} の{} {} に対し、負担する連続電流は {}{}（比 {:.2}）: {verdict_ja}",
            r.what_ja,
            fmt_a(r.capacity_a),
            fmt_a(r.demand_a),
            r.note_ja,
            ratio
        ),
        message_en: format!(
            "{name}: {} {} against a continuous current of {}{} (ratio {:.2}): {verdict_en}",
            r.what_en,
            fmt_a(r.capacity_a),
            fmt_a(r.demand_a),
            r.note_en,
            ratio
        ),
    }
}

fn warn_unknown(ctx: &Ctx<'_>, rule: &'static str, device: usize, ja: String, en: String) -> CheckResult {
    CheckResult {
        rule,
        devices: vec![ctx.id(device)],
        status: Status::Warning,
        worst_margin: None,
        at_current_a: None,
        current_basis_v: device_voltage(ctx, device),
        message_ja: format!("{}: {ja}", ctx.name(device)),
        message_en: format!("{}: {en}", ctx.name(device)),
    }
}

/// Run these rules.
pub(crate) fn run(ctx: &Ctx<'_>, out: &mut Vec<CheckResult>) {
    let s = &ctx.settings.ratings;
    for (i, d) in ctx.project.devices.iter().enumerate() {
        if ctx.topo.oriented.get(i).copied().flatten().is_none() {
            continue;
        }
        let basis = device_voltage(ctx, i);
        match d {
            Device::LbsPf(l) => {
                let t = devices::pf_type_of(l.fuse.fuse_type);
                let cap_factor = if t == PfType::C { 1.0 } else { s.capacitor_current_factor };
                let dm = demand(ctx, i, cap_factor);
                if dm.amps > 0.0 {
                    let what = format!("PF {:?} {} A", l.fuse.fuse_type, l.fuse.rating_a);
                    out.push(rated_result(
                        ctx,
                        i,
                        Rated {
                            rule: "pf_rating",
                            devices: vec![ctx.id(i)],
                            what_ja: &format!("ヒューズ定格 ({what})"),
                            what_en: &format!("fuse rating ({what})"),
                            capacity_a: l.fuse.rating_a,
                            demand_a: dm.amps,
                            warn_ratio: 1.0,
                            basis_v: basis,
                            note_ja: capacitor_note_ja(&dm, cap_factor),
                            note_en: capacitor_note_en(&dm, cap_factor),
                        },
                    ));
                    if let Some(sel) = pf_selection_result(ctx, i, l.fuse.rating_a, t, &dm, basis) {
                        out.push(sel);
                    }
                    if let Some(rated) = l.rated_current_a {
                        let dm = if cap_factor == s.capacitor_current_factor { dm.clone() } else { demand(ctx, i, s.capacitor_current_factor) };
                        out.push(rated_result(
                            ctx,
                            i,
                            Rated {
                                rule: "lbs_rating",
                                devices: vec![ctx.id(i)],
                                what_ja: "開閉器定格電流",
                                what_en: "switch rated current",
                                capacity_a: rated,
                                demand_a: dm.amps,
                                warn_ratio: 1.0,
                                basis_v: basis,
                                note_ja: capacitor_note_ja(&dm, s.capacitor_current_factor),
                                note_en: capacitor_note_en(&dm, s.capacitor_current_factor),
                            },
                        ));
                    }
                }
            }
            Device::Vcb(v) => {
                let dm = demand(ctx, i, s.capacitor_current_factor);
                if dm.amps <= 0.0 {
                    continue;
                }
                let (note_ja, note_en) = (capacitor_note_ja(&dm, s.capacitor_current_factor), capacitor_note_en(&dm, s.capacitor_current_factor));
                out.push(rated_result(
                    ctx,
                    i,
                    Rated {
                        rule: "vcb_rating",
                        devices: vec![ctx.id(i)],
                        what_ja: "遮断器定格電流",
                        what_en: "breaker rated current",
                        capacity_a: v.rated_current_a,
                        demand_a: dm.amps,
                        warn_ratio: 1.0,
                        basis_v: basis,
                        note_ja: note_ja.clone(),
                        note_en: note_en.clone(),
                    },
                ));
                let Some(pickup) = v.ocr.pickup_primary_a() else { continue };
                // The main relay carries at most the contract demand (the utility holds the
                // customer to it), however much transformer capacity is installed.
                let (load, note_ja, note_en) = match contract_current_a(ctx).filter(|&c| is_main(ctx, i) && c < dm.amps) {
                    Some(c) => (
                        c,
                        format!("（契約電力 {} kW、力率 {}）", ctx.project.contract_demand_kw.unwrap_or(0.0), s.demand_power_factor),
                        format!(" (contract demand {} kW at power factor {})", ctx.project.contract_demand_kw.unwrap_or(0.0), s.demand_power_factor),
                    ),
                    None => (dm.amps, note_ja, note_en),
                };
                out.push(rated_result(
                    ctx,
                    i,
                    Rated {
                        rule: "ocr_pickup",
                        devices: vec![ctx.id(i)],
                        what_ja: "OCR 限時要素の整定電流（一次）",
                        what_en: "OCR time-element pickup (primary)",
                        capacity_a: pickup,
                        demand_a: load,
                        warn_ratio: s.ocr_pickup_warn_ratio,
                        basis_v: basis,
                        note_ja,
                        note_en,
                    },
                ));
            }
            Device::LvBreaker(b) => {
                frame_step(ctx, i, b, out);
                let dm = demand(ctx, i, s.capacitor_current_factor);
                if dm.amps <= 0.0 {
                    continue;
                }
                let (capacity, what_ja, what_en) = match b.trip {
                    TripUnit::ThermalMagnetic { .. } => (b.rated_current_a, "定格電流 In", "rated current In"),
                    TripUnit::Electronic { lt_multiple, .. } => (b.rated_current_a * lt_multiple, "長限時整定 Ir", "long-time pickup Ir"),
                };
                out.push(rated_result(
                    ctx,
                    i,
                    Rated {
                        rule: "lv_breaker_rating",
                        devices: vec![ctx.id(i)],
                        what_ja,
                        what_en,
                        capacity_a: capacity,
                        demand_a: dm.amps,
                        warn_ratio: 1.0,
                        basis_v: basis,
                        note_ja: capacitor_note_ja(&dm, s.capacitor_current_factor),
                        note_en: capacitor_note_en(&dm, s.capacitor_current_factor),
                    },
                ));
            }
            Device::Cable(c) => {
                let dm = demand(ctx, i, s.capacitor_current_factor);
                if dm.amps <= 0.0 {
                    continue;
                }
                let item = crate::library::resolve::Resolver::of(ctx.project).cable_or_by_size(c);
                let Some(item) = item.filter(|it| it.ampacity_a > 0.0) else {
                    out.push(warn_unknown(
                        ctx,
                        "cable_ampacity",
                        i,
                        format!("{} {} mm² の許容電流が不明なため、連続電流 {} に対する太さを確認できません", c.cable_type, c.size_mm2, fmt_a(dm.amps)),
                        format!("ampacity of {} {} mm² unknown: its size against the continuous current {} is not checked", c.cable_type, c.size_mm2, fmt_a(dm.amps)),
                    ));
                    continue;
                };
                let n = f64::from(c.parallel.max(1));
                let factor = if c.parallel > 1 { s.parallel_cable_factor } else { 1.0 };
                let capacity = item.ampacity_a * n * factor;
                let (pja, pen) = if c.parallel > 1 {
                    (format!("（{} 条 × {} A × {factor}）", c.parallel, item.ampacity_a), format!(" ({} circuits × {} A × {factor})", c.parallel, item.ampacity_a))
                } else {
                    (String::new(), String::new())
                };
                let mut note_ja = capacitor_note_ja(&dm, s.capacitor_current_factor);
                note_ja.push_str(&pja);
                let mut note_en = capacitor_note_en(&dm, s.capacitor_current_factor);
                note_en.push_str(&pen);
                out.push(rated_result(
                    ctx,
                    i,
                    Rated {
                        rule: "cable_ampacity",
                        devices: vec![ctx.id(i)],
                        what_ja: &format!("許容電流（{} {} mm²、{}）", item.cable_type, item.size_mm2, item.ampacity_basis_ja()),
                        what_en: &format!("ampacity ({} {} mm², {})", item.cable_type, item.size_mm2, item.ampacity_basis_en()),
                        capacity_a: capacity,
                        demand_a: dm.amps,
                        warn_ratio: 1.0,
                        basis_v: basis,
                        note_ja,
                        note_en,
                    },
                ));
            }
            _ => {}
        }
    }
}

fn capacitor_note_ja(dm: &Demand, factor: f64) -> String {
    if dm.capacitors.is_empty() || factor == 1.0 {
        String::new()
    } else {
        format!("（コンデンサ定格電流 {} × {factor} を含む）", fmt_a(dm.capacitor_amps))
    }
}

fn capacitor_note_en(dm: &Demand, factor: f64) -> String {
    if dm.capacitors.is_empty() || factor == 1.0 {
        String::new()
    } else {
        format!(" (capacitor rated current {} × {factor} included)", fmt_a(dm.capacitor_amps))
    }
}

/// `pf_selection`: the selection tables of [`pf_selection`] for a fuse protecting
/// transformers (T) or capacitor banks only (C, G).
fn pf_selection_result(ctx: &Ctx<'_>, i: usize, rating_a: f64, t: PfType, dm: &Demand, basis: Option<f64>) -> Option<CheckResult> {
    let only_capacitors = !dm.capacitors.is_empty() && dm.transformers.is_empty() && dm.loads.is_empty();
    let (min, ja, en) = match t {
        PfType::T if !dm.transformers.is_empty() => {
            let min = pf_selection::load_specific_min_rating_a(dm.amps);
            (min, format!("変圧器 {} kVA（{}）", dm.transformer_kva, fmt_a(dm.amps)), format!("transformers of {} kVA ({})", dm.transformer_kva, fmt_a(dm.amps)))
        }
        PfType::C | PfType::G if only_capacitors => {
            let min = pf_selection::capacitor_min_rating_a(t, dm.capacitor_kvar, dm.capacitor_amps);
            (
                min,
                format!("コンデンサ {} kvar（定格電流 {}）", dm.capacitor_kvar, fmt_a(dm.capacitor_amps)),
                format!("capacitor banks of {} kvar (rated current {})", dm.capacitor_kvar, fmt_a(dm.capacitor_amps)),
            )
        }
        PfType::C if !dm.transformers.is_empty() => {
            return Some(warn_unknown(
                ctx,
                "pf_selection",
                i,
                "C 種（コンデンサ用）ヒューズが変圧器を保護しています。T 種または G 種を選定してください".into(),
                "a C-type (capacitor) fuse protects transformers: select a T-type or G-type fuse".into(),
            ));
        }
        PfType::T if only_capacitors => {
            return Some(warn_unknown(
                ctx,
                "pf_selection",
                i,
                "T 種（変圧器用）ヒューズがコンデンサを保護しています。C 種または G 種を選定してください".into(),
                "a T-type (transformer) fuse protects capacitor banks: select a C-type or G-type fuse".into(),
            ));
        }
        _ => return None,
    };
    let Some(min) = min else {
        return Some(warn_unknown(
            ctx,
            "pf_selection",
            i,
            format!("{ja} は選定表の範囲外です。メーカーの選定表で確認してください"),
            format!("{en} are beyond the selection table: check the maker's table"),
        ));
    };
    let ok = rating_a >= min;
    Some(CheckResult {
        rule: "pf_selection",
        devices: vec![ctx.id(i)],
        status: if ok { Status::Pass } else { Status::Fail },
        worst_margin: Some(Margin::ratio(rating_a / min)),
        at_current_a: Some(dm.amps),
        current_basis_v: basis,
        message_ja: format!(
            "{} の PF {:?} {} A に対し、{ja} の選定表の最小定格は {} A: {}",
            ctx.name(i),
            t,
            rating_a,
            min,
            if ok { "適合" } else { "定格不足" }
        ),
        message_en: format!(
            "{}: PF {:?} {} A; the selection table asks at least {} A for {en}: {}",
            ctx.name(i),
            t,
            rating_a,
            min,
            if ok { "passes" } else { "too small" }
        ),
    })
}

/// `lv_breaker_frame`: In is a rated current of its frame; an electronic unit's Ir/In lies
/// in its range.
fn frame_step(ctx: &Ctx<'_>, i: usize, b: &crate::model::LvBreaker, out: &mut Vec<CheckResult>) {
    let s = &ctx.settings.ratings;
    let lib = library::builtin();
    let frames: Vec<&library::BreakerItem> = lib.breakers.iter().filter(|it| it.frame_a == b.frame_a).collect();
    let electronic = matches!(b.trip, TripUnit::Electronic { .. });
    // A company frame states its own rated currents; the generic steps apply otherwise.
    let company = crate::library::resolve::Resolver::of(ctx.project).company_breaker(b);
    let mut steps: Vec<f64> = match company {
        Some(item) => item.ratings_a.clone(),
        None => frames.iter().flat_map(|it| it.ratings_a.iter().copied()).collect(),
    };
    if electronic && company.is_none() {
        steps.extend(ELECTRONIC_IN_STEPS_A.iter().copied().filter(|&r| r <= b.frame_a));
        steps.push(b.frame_a);
    }
    steps.sort_by(f64::total_cmp);
    steps.dedup();
    let basis = device_voltage(ctx, i);
    if frames.is_empty() && company.is_none() && !electronic {
        out.push(warn_unknown(
            ctx,
            "lv_breaker_frame",
            i,
            format!("フレーム {} AF の定格電流の段階がライブラリにないため、In {} A を確認できません", b.frame_a, b.rated_current_a),
            format!("the rated currents of a {} AF frame are not in the library: In {} A is not checked", b.frame_a, b.rated_current_a),
        ));
        return;
    }
    let list = steps.iter().map(|v| format!("{v}")).collect::<Vec<_>>().join(", ");
    let step_ok = b.rated_current_a <= b.frame_a && steps.iter().any(|&r| (r - b.rated_current_a).abs() < 1e-6);
    let ir = match b.trip {
        TripUnit::Electronic { lt_multiple, .. } => Some(lt_multiple),
        TripUnit::ThermalMagnetic { .. } => None,
    };
    let ir_ok = ir.is_none_or(|m| m >= s.ir_min_multiple - 1e-9 && m <= s.ir_max_multiple + 1e-9);
    let ok = step_ok && ir_ok;
    let (ja, en) = if !step_ok {
        (
            format!("In {} A は {} AF の定格電流（{list} A）のいずれでもありません", b.rated_current_a, b.frame_a),
            format!("In {} A is not a rated current of the {} AF frame ({list} A)", b.rated_current_a, b.frame_a),
        )
    } else if !ir_ok {
        (
            format!("Ir/In = {} は範囲 {} … {} の外です", ir.unwrap_or(f64::NAN), s.ir_min_multiple, s.ir_max_multiple),
            format!("Ir/In = {} is outside {} … {}", ir.unwrap_or(f64::NAN), s.ir_min_multiple, s.ir_max_multiple),
        )
    } else {
        (
            format!("In {} A は {} AF の定格電流です", b.rated_current_a, b.frame_a),
            format!("In {} A is a rated current of the {} AF frame", b.rated_current_a, b.frame_a),
        )
    };
    out.push(CheckResult {
        rule: "lv_breaker_frame",
        devices: vec![ctx.id(i)],
        status: if ok { Status::Pass } else { Status::Fail },
        worst_margin: None,
        at_current_a: Some(b.rated_current_a),
        current_basis_v: basis,
        message_ja: format!("{}: {ja}", ctx.name(i)),
        message_en: format!("{}: {en}", ctx.name(i)),
    });
}
