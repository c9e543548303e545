//! Instrument transformers: the CT behind each relay, the VTs, and the utility's metering unit
//! (VCT), judged by the data the project gives (docs/engineering.md §11).
//!
//! Rules (ids), each described with its sources in `docs/rules/instrument_transformers.md`:
//! - `ct_overcurrent_constant` — the relay CT's overcurrent constant, corrected for the burden
//!   actually connected (n' = n·(S_n + S_ct)/(S_b + S_ct)), reaches the largest fault current
//!   at its location as a multiple of its rated primary current (or the relay's instantaneous
//!   pickup, [`CtBasis`]): a saturated CT would starve the relay.
//! - `ct_overcurrent_strength` — its overcurrent strength (過電流強度, × rated primary for
//!   1 s) carries that fault for as long as it lasts.
//! - `ct_burden`, `vt_burden` — the burden connected to a CT or VT (relays, wiring and the
//!   meters that name it) is within its rated burden, for which its accuracy class holds.
//! - `vt_fuse` — a VT has a primary fuse that can break the fault at its bus.
//! - `vct_rating` — the metering unit's accuracy class and CT rating suit the contract demand.
//!
//! A rule whose data the project does not give (no `ct` on a VCB, no burden anywhere, no
//! contract demand) yields no result rather than a guess.

use crate::model::{CurrentTransformer, Device, Vcb, Vct, VctClass, Vt};

use super::{fmt_a, fmt_num as num, fmt_s, ratings, CheckResult, Ctx, Margin, Status};

/// Which current a relay CT must reproduce without saturating.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum CtBasis {
    /// The largest fault current at the CT's location (the customary criterion, default).
    MaxFault,
    /// The relay's instantaneous pickup plus its tolerance (the largest current at which the
    /// instantaneous element may still have to start; above it a saturated CT still delivers
    /// enough to keep it operating). The largest fault when the instantaneous element is
    /// locked or the fault is smaller.
    Instantaneous,
}

/// Thresholds of these rules; every field has a documented default.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct InstrumentTransformerSettings {
    /// The current `ct_overcurrent_constant` requires the CT to reproduce (default
    /// `max_fault`).
    pub ct_basis: CtBasis,
    /// Contract demand from which the transaction VCT is of class 0.5W, kW (default 500).
    pub vct_precision_from_kw: f64,
    /// Contract demand from which the transaction VCT is of class 0.3W, kW (default 10 000).
    pub vct_special_precision_from_kw: f64,
}

impl Default for InstrumentTransformerSettings {
    fn default() -> Self {
        InstrumentTransformerSettings { ct_basis: CtBasis::MaxFault, vct_precision_from_kw: 500.0, vct_special_precision_from_kw: 10_000.0 }
    }
}

/// The overcurrent constant at the burden actually connected: n' = n·(S_n + S_ct)/(S_b + S_ct)
/// (S_n rated burden, S_ct the CT's internal burden, S_b the connected burden, all VA).
/// Without a connected burden, n. Without the internal burden, S_ct = 0 is taken only where it
/// is conservative (S_b above the rating); below the rating no credit is given (n).
pub fn effective_overcurrent_constant(n: f64, rated_va: f64, internal_va: Option<f64>, connected_va: Option<f64>) -> f64 {
    let Some(sb) = connected_va else { return n };
    match internal_va {
        Some(sct) if sb + sct > 0.0 => n * (rated_va + sct) / (sb + sct),
        None if sb > rated_va => n * rated_va / sb,
        _ => n,
    }
}

/// Run these rules.
pub(crate) fn run(ctx: &Ctx<'_>, out: &mut Vec<CheckResult>) {
    for (i, d) in ctx.project.devices.iter().enumerate() {
        match d {
            Device::Vcb(v) => {
                if let Some(ct) = &v.ct {
                    let burden = connected(ctx, &v.id, Circuit::Current, ct.relay_burden_va);
                    overcurrent_constant(ctx, i, v, ct, &burden, out);
                    overcurrent_strength(ctx, i, v, ct, out);
                    burden_result(ctx, "ct_burden", i, ct.rated_burden_va, &burden, ("CT", "CT"), out);
                }
            }
            Device::Vt(vt) => {
                fuse(ctx, i, vt, out);
                let burden = connected(ctx, &vt.id, Circuit::Voltage, vt.relay_burden_va);
                burden_result(ctx, "vt_burden", i, vt.rated_burden_va, &burden, ("VT", "VT"), out);
            }
            Device::Vct(vct) => {
                if let Some(rated) = vct.vt_rated_burden_va {
                    let burden = connected(ctx, &vct.id, Circuit::Voltage, None);
                    burden_result(ctx, "vt_burden", i, rated, &burden, ("VCT の VT 部", "the VT part of VCT"), out);
                }
                if let Some(rated) = vct.ct_rated_burden_va {
                    let burden = connected(ctx, &vct.id, Circuit::Current, None);
                    burden_result(ctx, "ct_burden", i, rated, &burden, ("VCT の CT 部", "the CT part of VCT"), out);
                }
                vct_rating(ctx, i, vct, out);
            }
            _ => {}
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Circuit {
    Voltage,
    Current,
}

/// The burden on one instrument transformer's secondary.
struct Burden {
    /// Relays and wiring plus the meters with a stated burden, VA; `None` when nothing is
    /// known.
    total_va: Option<f64>,
    /// Meters counted (device indices).
    meters: Vec<usize>,
    /// Meters on it without a stated burden.
    unknown: usize,
}

/// The burden on the `circuit` of the instrument transformer `source` (a VT/VCT id for the
/// voltage circuit, a VCT/VCB id for the current circuit).
fn connected(ctx: &Ctx<'_>, source: &str, circuit: Circuit, relay_va: Option<f64>) -> Burden {
    let mut b = Burden { total_va: relay_va, meters: Vec::new(), unknown: 0 };
    for (k, d) in ctx.project.devices.iter().enumerate() {
        let Device::Meter(m) = d else { continue };
        let (feeder, burden) = match circuit {
            Circuit::Voltage => (&m.vt, m.voltage_burden_va),
            Circuit::Current => (&m.ct, m.current_burden_va),
        };
        if feeder.as_deref() != Some(source) {
            continue;
        }
        match burden {
            Some(va) => {
                b.total_va = Some(b.total_va.unwrap_or(0.0) + va);
                b.meters.push(k);
            }
            None => b.unknown += 1,
        }
    }
    b
}

fn unknown_note(b: &Burden) -> (String, String) {
    if b.unknown == 0 {
        (String::new(), String::new())
    } else {
        (format!("（負担の入力がない計器 {} 台は含みません）", b.unknown), format!(" ({} meter(s) without a stated burden not counted)", b.unknown))
    }
}

/// `ct_overcurrent_constant` for the CT of VCB `i`.
fn overcurrent_constant(ctx: &Ctx<'_>, i: usize, v: &Vcb, ct: &CurrentTransformer, burden: &Burden, out: &mut Vec<CheckResult>) {
    let Some(up) = ctx.topo.upstream_bus(ctx.project, i) else { return };
    let Some((fault, _)) = ctx.bus_fault(up) else { return };
    let i1n = v.ocr.ct_primary_a;
    let inst = v.ocr.instantaneous_primary_a().map(|p| p * (1.0 + ctx.settings.relay_tolerance.instantaneous_pickup));
    let (required, basis_ja, basis_en) = match (ctx.settings.instrument_transformers.ct_basis, inst) {
        (CtBasis::Instantaneous, Some(p)) if p < fault => (p, "瞬時要素の整定（許容差込み）", "the instantaneous pickup with its tolerance"),
        _ => (fault, "設置点の最大短絡電流", "the largest fault current at its location"),
    };
    let n_req = required / i1n;
    let n_eff = effective_overcurrent_constant(ct.overcurrent_constant, ct.rated_burden_va, ct.internal_burden_va, burden.total_va);
    let ratio = n_eff / n_req;
    let ok = ratio >= 1.0 - 1e-9;
    let name = ctx.name(i);
    let ratio_txt = format!("{}/{} A", num(i1n), num(v.ocr.ct_secondary_a));
    let (load_ja, load_en) = match (burden.total_va, ct.internal_burden_va) {
        (None, _) => ("使用負担の入力がないため定格値".to_string(), "no connected burden given: the rated value".to_string()),
        (Some(sb), Some(sct)) => (
            format!("使用負担 {} VA、内部負担 {} VA で n' = {}×({}+{})/({}+{})", num(sb), num(sct), num(ct.overcurrent_constant), num(ct.rated_burden_va), num(sct), num(sb), num(sct)),
            format!("at {} VA connected and {} VA internal burden, n' = {}×({}+{})/({}+{})", num(sb), num(sct), num(ct.overcurrent_constant), num(ct.rated_burden_va), num(sct), num(sb), num(sct)),
        ),
        (Some(sb), None) => (
            format!("使用負担 {} VA（内部負担の入力がないため軽負担の補正なし）", num(sb)),
            format!("at {} VA connected (internal burden not given: no credit for a light burden)", num(sb)),
        ),
    };
    let (unk_ja, unk_en) = unknown_note(burden);
    let mut devices = vec![ctx.id(i)];
    devices.extend(burden.meters.iter().map(|&m| ctx.id(m)));
    out.push(CheckResult {
        rule: "ct_overcurrent_constant",
        devices,
        status: if ok { Status::Pass } else { Status::Fail },
        worst_margin: Some(Margin::ratio(ratio)),
        at_current_a: Some(required),
        current_basis_v: Some(ctx.bus_voltage(up)),
        message_ja: format!(
            "{name} の CT {ratio_txt}（n>{}、定格負担 {} VA）: {load_ja}、実効過電流定数 {}。{basis_ja} {} は定格一次電流の {} 倍: {}{unk_ja}",
            num(ct.overcurrent_constant),
            num(ct.rated_burden_va),
            num(n_eff),
            fmt_a(required),
            num(n_req),
            if ok { "適合" } else { "過電流定数不足（CT が飽和し、継電器に電流が十分に伝わらないおそれ）" }
        ),
        message_en: format!(
            "CT {ratio_txt} of {name} (n>{}, rated burden {} VA): {load_en}, effective overcurrent constant {}; {basis_en} {} is {} × its rated primary current: {}{unk_en}",
            num(ct.overcurrent_constant),
            num(ct.rated_burden_va),
            num(n_eff),
            fmt_a(required),
            num(n_req),
            if ok { "sufficient" } else { "overcurrent constant too low (the CT saturates and starves the relay)" }
        ),
    });
}

/// `ct_overcurrent_strength` for the CT of VCB `i`, when its strength is given.
fn overcurrent_strength(ctx: &Ctx<'_>, i: usize, v: &Vcb, ct: &CurrentTransformer, out: &mut Vec<CheckResult>) {
    let Some(strength) = ct.overcurrent_strength else { return };
    let Some(up) = ctx.topo.upstream_bus(ctx.project, i) else { return };
    let Some((fault, chart)) = ctx.bus_fault_duty(up) else { return };
    let i1n = v.ocr.ct_primary_a;
    // The strength is rated for 1 s; a fault lasting t > 1 s needs √t times more (I²t).
    let t = ctx.prot_tcc(i).map(|p| p.tcc.band(chart).max_s).filter(|t| t.is_finite() && *t > 0.0);
    let factor = t.map_or(1.0, |t| t.sqrt().max(1.0));
    let required = fault / i1n * factor;
    let ratio = strength / required;
    let ok = ratio >= 1.0 - 1e-9;
    let name = ctx.name(i);
    let (t_ja, t_en) = match t {
        Some(t) => (format!("（遮断 {}）", fmt_s(t)), format!(" (cleared in {})", fmt_s(t))),
        None => (String::new(), String::new()),
    };
    out.push(CheckResult {
        rule: "ct_overcurrent_strength",
        devices: vec![ctx.id(i)],
        status: if ok { Status::Pass } else { Status::Fail },
        worst_margin: Some(Margin::ratio(ratio)),
        at_current_a: Some(fault),
        current_basis_v: Some(ctx.bus_voltage(up)),
        message_ja: format!(
            "{name} の CT（定格一次 {} A）の過電流強度 {} 倍に対し、設置点の短絡電流 {}{t_ja} は {} 倍を要します: {}",
            num(i1n),
            num(strength),
            fmt_a(fault),
            num(required),
            if ok { "適合" } else { "過電流強度不足（短絡電流で CT が損傷するおそれ）" }
        ),
        message_en: format!(
            "the CT of {name} ({} A rated primary) has an overcurrent strength of {} ×; the fault current {} at its location{t_en} needs {} ×: {}",
            num(i1n),
            num(strength),
            fmt_a(fault),
            num(required),
            if ok { "sufficient" } else { "insufficient (the fault current may damage the CT)" }
        ),
    });
}

/// `ct_burden` / `vt_burden`: the connected burden against the rated burden, when it is known.
fn burden_result(ctx: &Ctx<'_>, rule: &'static str, i: usize, rated_va: f64, b: &Burden, what: (&str, &str), out: &mut Vec<CheckResult>) {
    let Some(total) = b.total_va else { return };
    let ratio = rated_va / total;
    let ok = total <= rated_va * (1.0 + 1e-9);
    let name = ctx.name(i);
    let (unk_ja, unk_en) = unknown_note(b);
    let mut devices = vec![ctx.id(i)];
    devices.extend(b.meters.iter().map(|&m| ctx.id(m)));
    out.push(CheckResult {
        rule,
        devices,
        status: if ok { Status::Pass } else { Status::Fail },
        worst_margin: Some(Margin::ratio(ratio)),
        at_current_a: None,
        current_basis_v: None,
        message_ja: format!(
            "{name}（{}）の使用負担 {} VA、定格負担 {} VA: {}{unk_ja}",
            what.0,
            num(total),
            num(rated_va),
            if ok { "適合" } else { "定格負担超過（確度階級が保証されません）" }
        ),
        message_en: format!(
            "{name} ({}): connected burden {} VA against a rated burden of {} VA: {}{unk_en}",
            what.1,
            num(total),
            num(rated_va),
            if ok { "within the rating" } else { "above the rating (its accuracy class no longer holds)" }
        ),
    });
}

/// `vt_fuse` for VT `i`.
fn fuse(ctx: &Ctx<'_>, i: usize, vt: &Vt, out: &mut Vec<CheckResult>) {
    let name = ctx.name(i);
    let Some(bus) = ctx.topo.upstream_bus(ctx.project, i) else { return };
    let fault = ctx.bus_fault_duty(bus).map(|(own, _)| own);
    let (status, ratio, ja, en) = match (&vt.fuse, fault) {
        (None, _) => (
            Status::Warning,
            None,
            format!("{name} の一次側に限流ヒューズがありません。VT の内部短絡が母線の短絡になり、上位の遮断器まで停止します"),
            format!("{name} has no primary fuse: an internal fault of the VT becomes a bus fault and trips the breaker above"),
        ),
        (Some(f), Some(fault)) if f.breaking_capacity_ka.is_some() => {
            let cap = f.breaking_capacity_ka.unwrap_or(0.0);
            let r = cap * 1000.0 / fault;
            let ok = r >= 1.0 - 1e-9;
            (
                if ok { Status::Pass } else { Status::Fail },
                Some(r),
                format!("{name} の一次側限流ヒューズ {} A（遮断容量 {} kA）、設置点の短絡電流 {:.2} kA: {}", num(f.rating_a), num(cap), fault / 1000.0, if ok { "適合" } else { "遮断容量不足" }),
                format!("{name} has a {} A primary fuse breaking {} kA against {:.2} kA at its bus: {}", num(f.rating_a), num(cap), fault / 1000.0, if ok { "sufficient" } else { "insufficient breaking capacity" }),
            )
        }
        (Some(f), _) => (
            Status::Pass,
            None,
            format!("{name} の一次側に限流ヒューズ {} A があります（遮断容量の入力なし）", num(f.rating_a)),
            format!("{name} has a {} A primary fuse (breaking capacity not given)", num(f.rating_a)),
        ),
    };
    out.push(CheckResult {
        rule: "vt_fuse",
        devices: vec![ctx.id(i)],
        status,
        worst_margin: ratio.map(Margin::ratio),
        at_current_a: fault.filter(|_| ratio.is_some()),
        current_basis_v: ratio.map(|_| ctx.bus_voltage(bus)),
        message_ja: ja,
        message_en: en,
    });
}

/// The VCT class the contract demand calls for.
fn required_vct_class(ctx: &Ctx<'_>, kw: f64) -> VctClass {
    let s = &ctx.settings.instrument_transformers;
    if kw >= s.vct_special_precision_from_kw {
        VctClass::W03
    } else if kw >= s.vct_precision_from_kw {
        VctClass::W05
    } else {
        VctClass::W10
    }
}

/// `vct_rating` for VCT `i`, when the contract demand is given.
fn vct_rating(ctx: &Ctx<'_>, i: usize, vct: &Vct, out: &mut Vec<CheckResult>) {
    let Some(kw) = ctx.project.contract_demand_kw else { return };
    let Some(current) = ratings::contract_current_a(ctx) else { return };
    let required = required_vct_class(ctx, kw);
    let class_ok = vct.accuracy_class <= required;
    let ratio = vct.ct_primary_a / current;
    let current_ok = ratio >= 1.0 - 1e-9;
    let name = ctx.name(i);
    let mut ja = vec![format!(
        "契約電力 {} kW に対し {} の確度階級は {}（{} 以上が必要）: {}",
        num(kw),
        name,
        vct.accuracy_class.label(),
        required.label(),
        if class_ok { "適合" } else { "確度階級不足" }
    )];
    let mut en = vec![format!(
        "contract demand {} kW: {name} is of class {} ({} or better needed): {}",
        num(kw),
        vct.accuracy_class.label(),
        required.label(),
        if class_ok { "suitable" } else { "class too low" }
    )];
    ja.push(format!(
        "契約電力の電流 {}（力率 {}）に対し CT 定格一次電流 {} A: {}",
        fmt_a(current),
        num(ctx.settings.ratings.demand_power_factor),
        num(vct.ct_primary_a),
        if current_ok { "適合" } else { "定格不足" }
    ));
    en.push(format!(
        "the contract demand's current {} (power factor {}) against a rated primary current of {} A: {}",
        fmt_a(current),
        num(ctx.settings.ratings.demand_power_factor),
        num(vct.ct_primary_a),
        if current_ok { "within" } else { "above the rating" }
    ));
    let ok = class_ok && current_ok;
    if !ok {
        ja.push("VCT は電力会社の設備です。仕様を電力会社と確認してください".into());
        en.push("the VCT is the utility's equipment: confirm its rating with the utility".into());
    }
    out.push(CheckResult {
        rule: "vct_rating",
        devices: vec![ctx.id(i)],
        status: if ok { Status::Pass } else { Status::Warning },
        worst_margin: Some(Margin::ratio(ratio)),
        at_current_a: Some(current),
        current_basis_v: Some(ctx.chart_v),
        message_ja: ja.join("。"),
        message_en: en.join("; "),
    });
}

