//! Lightning arresters and earthing (docs/engineering.md §11).
//!
//! Rules (ids), each described with its sources in `docs/rules/earthing.md`:
//! - `la_rating` — an LA's rated voltage suits the system (8.4 kV on 6.6 kV, JIS C 4608), its
//!   nominal discharge current is at least the customary 2.5 kA, and it is bonded to a class A
//!   earthing (電気設備技術基準の解釈 第37条).
//! - `earthing_resistance` — an earthing's resistance is within its class's limit
//!   (電気設備技術基準の解釈 第17条: A 10 Ω, B 150/I₁ Ω, C 10 Ω, D 100 Ω, with the relaxations
//!   for automatic disconnection).

use crate::model::{Device, Earthing, EarthingClass, La};

use super::{fmt_num as num, CheckResult, Ctx, Margin, Status};

/// Thresholds of these rules; every field has a documented default.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct EarthingSettings {
    /// Smallest LA rated voltage per volt of the system's nominal voltage (default
    /// 8 400 / 6 600 = 1.2727: JIS C 4608 rates arresters for 6.6 kV systems at 8.4 kV and for
    /// 3.3 kV systems at 4.2 kV).
    pub la_rated_voltage_ratio: f64,
    /// Smallest nominal discharge current of an LA, kA (default 2.5: the class used in
    /// customers' receiving stations).
    pub la_min_discharge_ka: f64,
    /// Class A limit, Ω (default 10).
    pub a_max_ohm: f64,
    /// Class B: the limit is this voltage / I₁ without automatic disconnection of the
    /// high-voltage side, V (default 150).
    pub b_volts: f64,
    /// Class B with disconnection within 2 s (more than 1 s), V (default 300).
    pub b_volts_within_2s: f64,
    /// Class B with disconnection within 1 s, V (default 600).
    pub b_volts_within_1s: f64,
    /// Class C limit, Ω (default 10).
    pub c_max_ohm: f64,
    /// Class D limit, Ω (default 100).
    pub d_max_ohm: f64,
    /// Classes C and D where the low-voltage circuit is disconnected automatically within
    /// `cd_relaxed_within_s`: limit, Ω (default 500).
    pub cd_relaxed_max_ohm: f64,
    /// The disconnection time that earns the relaxed C/D limit, s (default 0.5).
    pub cd_relaxed_within_s: f64,
}

impl Default for EarthingSettings {
    fn default() -> Self {
        EarthingSettings {
            la_rated_voltage_ratio: 8_400.0 / 6_600.0,
            la_min_discharge_ka: 2.5,
            a_max_ohm: 10.0,
            b_volts: 150.0,
            b_volts_within_2s: 300.0,
            b_volts_within_1s: 600.0,
            c_max_ohm: 10.0,
            d_max_ohm: 100.0,
            cd_relaxed_max_ohm: 500.0,
            cd_relaxed_within_s: 0.5,
        }
    }
}

/// Relative tolerance of the comparisons: a value at the limit passes.
const AT_LIMIT: f64 = 1e-9;

/// Run these rules.
pub(crate) fn run(ctx: &Ctx<'_>, out: &mut Vec<CheckResult>) {
    for (i, d) in ctx.project.devices.iter().enumerate() {
        match d {
            Device::La(la) => la_rating(ctx, i, la, out),
            Device::Earthing(e) => resistance(ctx, i, e, out),
            _ => {}
        }
    }
}

/// The earthing limit of `e`, Ω, and how it was found (Japanese, English).
pub fn limit_ohm(s: &EarthingSettings, e: &Earthing) -> (f64, String, String) {
    let within = |limit: f64| e.disconnection_time_s.is_some_and(|t| t <= limit * (1.0 + AT_LIMIT));
    match e.class {
        EarthingClass::A => (s.a_max_ohm, "A 種".into(), "class A".into()),
        EarthingClass::B => {
            let i1 = e.ground_fault_current_a.unwrap_or(f64::NAN);
            let (v, ja, en) = if within(1.0) {
                (s.b_volts_within_1s, "高圧側を 1 秒以内に自動遮断", "high-voltage side disconnected within 1 s")
            } else if within(2.0) {
                (s.b_volts_within_2s, "高圧側を 2 秒以内に自動遮断", "high-voltage side disconnected within 2 s")
            } else {
                (s.b_volts, "自動遮断の条件なし", "no automatic disconnection counted")
            };
            (
                v / i1,
                format!("B 種 {}/I₁、I₁ = {} A（{ja}）", num(v), num(i1)),
                format!("class B {}/I₁ with I₁ = {} A ({en})", num(v), num(i1)),
            )
        }
        EarthingClass::C | EarthingClass::D => {
            let (base, class_ja, class_en) = if e.class == EarthingClass::C { (s.c_max_ohm, "C 種", "class C") } else { (s.d_max_ohm, "D 種", "class D") };
            if within(s.cd_relaxed_within_s) {
                (
                    s.cd_relaxed_max_ohm,
                    format!("{class_ja}（地絡を {} 秒以内に自動遮断）", num(s.cd_relaxed_within_s)),
                    format!("{class_en} (ground faults disconnected within {} s)", num(s.cd_relaxed_within_s)),
                )
            } else {
                (base, class_ja.into(), class_en.into())
            }
        }
    }
}

/// `earthing_resistance`.
fn resistance(ctx: &Ctx<'_>, i: usize, e: &Earthing, out: &mut Vec<CheckResult>) {
    let (limit, basis_ja, basis_en) = limit_ohm(&ctx.settings.earthing, e);
    let ratio = limit / e.resistance_ohm;
    let ok = ratio >= 1.0 - AT_LIMIT;
    let name = ctx.name(i);
    out.push(CheckResult {
        rule: "earthing_resistance",
        devices: vec![ctx.id(i)],
        status: if ok { Status::Pass } else { Status::Fail },
        worst_margin: Some(Margin::ratio(ratio)),
        at_current_a: None,
        current_basis_v: None,
        message_ja: format!(
            "{name} の接地抵抗 {} Ω、{basis_ja} の上限 {} Ω: {}",
            num(e.resistance_ohm),
            num(limit),
            if ok { "適合" } else { "接地抵抗が上限を超えます" }
        ),
        message_en: format!(
            "{name}: earth resistance {} Ω against the {basis_en} limit of {} Ω: {}",
            num(e.resistance_ohm),
            num(limit),
            if ok { "within the limit" } else { "above the limit" }
        ),
    });
}

/// `la_rating`.
fn la_rating(ctx: &Ctx<'_>, i: usize, la: &La, out: &mut Vec<CheckResult>) {
    let s = &ctx.settings.earthing;
    let Some(bus) = ctx.topo.upstream_bus(ctx.project, i) else { return };
    let system_v = ctx.bus_voltage(bus);
    let required_v = system_v * s.la_rated_voltage_ratio;
    let v_ratio = la.rated_voltage_v / required_v;
    let d_ratio = la.nominal_discharge_current_ka / s.la_min_discharge_ka;
    let v_ok = v_ratio >= 1.0 - AT_LIMIT;
    let d_ok = d_ratio >= 1.0 - AT_LIMIT;
    let earthings: Vec<(usize, &Earthing)> = ctx
        .project
        .devices
        .iter()
        .enumerate()
        .filter_map(|(k, d)| match d {
            Device::Earthing(e) if e.devices.contains(&la.id) => Some((k, e)),
            _ => None,
        })
        .collect();
    let not_a: Vec<&(usize, &Earthing)> = earthings.iter().filter(|(_, e)| e.class != EarthingClass::A).collect();
    let earth_status = if earthings.is_empty() {
        Status::Warning
    } else if not_a.is_empty() {
        Status::Pass
    } else {
        Status::Fail
    };
    let status = [if v_ok { Status::Pass } else { Status::Fail }, if d_ok { Status::Pass } else { Status::Fail }, earth_status].into_iter().max().unwrap_or(Status::Pass);
    let name = ctx.name(i);
    let ja_v = format!(
        "定格電圧 {} kV（系統 {} kV に {} kV 以上）: {}",
        num(la.rated_voltage_v / 1000.0),
        num(system_v / 1000.0),
        num(required_v / 1000.0),
        if v_ok { "適合" } else { "不足（地絡時の健全相の電圧上昇で動作・焼損するおそれ）" }
    );
    let en_v = format!(
        "rated voltage {} kV ({} kV or more on a {} kV system): {}",
        num(la.rated_voltage_v / 1000.0),
        num(required_v / 1000.0),
        num(system_v / 1000.0),
        if v_ok { "suitable" } else { "too low (the healthy phases' rise during a ground fault may make it conduct and fail)" }
    );
    let ja_d = format!(
        "公称放電電流 {} kA（{} kA 以上）: {}",
        num(la.nominal_discharge_current_ka),
        num(s.la_min_discharge_ka),
        if d_ok { "適合" } else { "不足" }
    );
    let en_d = format!(
        "nominal discharge current {} kA ({} kA or more): {}",
        num(la.nominal_discharge_current_ka),
        num(s.la_min_discharge_ka),
        if d_ok { "suitable" } else { "too low" }
    );
    let names = |list: &[&(usize, &Earthing)]| list.iter().map(|(k, _)| ctx.name(*k)).collect::<Vec<_>>().join(", ");
    let (ja_e, en_e) = match earth_status {
        Status::Warning => ("接地の入力がありません（A 種接地が必要）".to_string(), "no earthing given (class A is required)".to_string()),
        Status::Pass => {
            let all: Vec<&(usize, &Earthing)> = earthings.iter().collect();
            (format!("A 種接地 {} に接続", names(&all)), format!("bonded to class A earthing {}", names(&all)))
        }
        Status::Fail => (
            format!("{} は A 種ではありません（避雷器には A 種接地工事が必要）", names(&not_a)),
            format!("{} is not class A (an arrester needs class A earthing)", names(&not_a)),
        ),
    };
    let mut devices = vec![ctx.id(i)];
    devices.extend(earthings.iter().map(|(k, _)| ctx.id(*k)));
    out.push(CheckResult {
        rule: "la_rating",
        devices,
        status,
        worst_margin: Some(Margin::ratio(v_ratio.min(d_ratio))),
        at_current_a: None,
        current_basis_v: Some(system_v),
        message_ja: format!("{name}: {ja_v}。{ja_d}。{ja_e}"),
        message_en: format!("{name}: {en_v}; {en_d}; {en_e}"),
    });
}
