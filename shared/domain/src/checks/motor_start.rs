//! Motor starting: the starting current for the starting time lies below the minimum band of
//! every protective device upstream, and above no instantaneous element.
//!
//! For a motor with starting data (`starting_current_multiple`, `starting_time_s`), the
//! starting current is the multiple × its rated current (kW, efficiency, power factor at its
//! rated voltage), taken as constant over the starting time (the usual rectangle). At each
//! protective device above it — LV breakers, PFs and HV relays, through transformers — the
//! device sees that current referred to its own side plus the rest of the continuous current
//! it carries ([`super::ratings`]). Rules:
//!
//! - `motor_start`: the device's earliest operation at that current (relay and breaker band
//!   with tolerances, the PF's allowable curve) comes after the starting time.
//! - `motor_start_instantaneous`: every instantaneous element (relay instantaneous, breaker
//!   magnetic or electronic I) may operate only above the asymmetric first-cycle starting
//!   current, [`MotorStartSettings::asymmetric_factor`] × the symmetrical one.
//!
//! Thresholds and sources: `docs/rules/motor_start.md`.

use crate::curves::Characteristic;
use crate::model::Device;

use super::{fmt_a, fmt_s, ratings, CheckResult, Ctx, Margin, ProtKind, Status};

/// Thresholds of these rules; every field has a documented default.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct MotorStartSettings {
    /// Peak of the first cycles of a direct-on-line start relative to the symmetrical
    /// starting current, seen by instantaneous elements (default 1.5; practice 1.5–2: the
    /// DC offset of a locked-rotor current at power factor 0.2–0.3 gives an asymmetric
    /// half-cycle RMS of about 1.1–1.25 × and a peak of about 1.4–1.56 × the symmetrical
    /// peak, κ = 1.02 + 0.98·e^(−3R/X)).
    pub asymmetric_factor: f64,
}

impl Default for MotorStartSettings {
    fn default() -> Self {
        MotorStartSettings { asymmetric_factor: 1.5 }
    }
}

/// Run these rules.
pub(crate) fn run(ctx: &Ctx<'_>, out: &mut Vec<CheckResult>) {
    for (k, d) in ctx.project.devices.iter().enumerate() {
        let Device::Motor(m) = d else { continue };
        let (mult, t_start) = match (m.starting_current_multiple, m.starting_time_s) {
            (Some(x), Some(t)) => (x, t),
            (None, None) => continue,
            _ => {
                out.push(CheckResult {
                    rule: "motor_start",
                    devices: vec![ctx.id(k)],
                    status: Status::Warning,
                    worst_margin: None,
                    at_current_a: None,
                    current_basis_v: None,
                    message_ja: format!("{} の始動電流倍率と始動時間の一方しかないため、始動を確認できません", ctx.name(k)),
                    message_en: format!("{} gives only one of starting current multiple and starting time: its start is not checked", ctx.name(k)),
                });
                continue;
            }
        };
        let Some(bus) = ctx.topo.upstream_bus(ctx.project, k) else { continue };
        let single_phase = matches!(ctx.project.devices.get(bus), Some(Device::Bus(b)) if b.single_phase);
        let rated = m.rated_current_a(single_phase);
        let start = mult * rated;
        let motor_factor = ctx.referral(bus);
        if !(start.is_finite() && start > 0.0 && motor_factor > 0.0) {
            continue;
        }
        for p in ctx.upstream_protective(bus) {
            let Some(prot) = ctx.prot_tcc(p) else { continue };
            let Some(dev_bus) = ctx.topo.upstream_bus(ctx.project, p) else { continue };
            let dev_factor = ctx.referral(dev_bus);
            // Rest of what the device carries, in its own amperes.
            let carried = ratings::carried_current_a(ctx, p);
            let rest_own = (carried - rated * motor_factor / dev_factor).max(0.0);
            let rest_chart = rest_own * dev_factor;
            let start_chart = start * motor_factor;
            let total_chart = start_chart + rest_chart;
            let own = total_chart / dev_factor;
            let dev_v = ctx.bus_voltage(dev_bus);
            let devices = vec![ctx.id(p), ctx.id(k)];
            let (limit, kind_ja, kind_en) = match &prot.tcc.characteristic {
                Characteristic::Fuse(f) => (f.allowable_at(total_chart / prot.tcc.current_scale), "許容時間", "allowable time"),
                _ => (prot.tcc.band(total_chart).min_s, "最短動作時間", "earliest operating time"),
            };
            let margin = limit - t_start;
            let ok = margin > 0.0;
            let rest_ja = if rest_own > 0.0 { format!("（他の負荷 {} を含む）", fmt_a(rest_own)) } else { String::new() };
            let rest_en = if rest_own > 0.0 { format!(" (other loads {} included)", fmt_a(rest_own)) } else { String::new() };
            out.push(CheckResult {
                rule: "motor_start",
                devices: devices.clone(),
                status: if ok { Status::Pass } else { Status::Fail },
                worst_margin: Some(Margin::seconds(margin)),
                at_current_a: Some(own),
                current_basis_v: Some(dev_v),
                message_ja: format!(
                    "{} の始動電流（定格 {} の {mult} 倍、{}）で {} が受ける電流 {}{rest_ja} に対し、{} の{kind_ja}は {}: {}",
                    ctx.name(k),
                    fmt_a(rated),
                    fmt_s(t_start),
                    ctx.name(p),
                    fmt_a(own),
                    ctx.name(p),
                    fmt_s(limit),
                    if ok { "始動で動作しません" } else { "始動中に動作（溶断・劣化）するおそれがあります" }
                ),
                message_en: format!(
                    "start of {} ({mult} × {} for {}): {} sees {}{rest_en}; its {kind_en} there is {}: {}",
                    ctx.name(k),
                    fmt_a(rated),
                    fmt_s(t_start),
                    ctx.name(p),
                    fmt_a(own),
                    fmt_s(limit),
                    if ok { "the start does not trip it" } else { "the start may trip (melt or deteriorate) it" }
                ),
            });
            if prot.kind == ProtKind::Fuse {
                continue;
            }
            let Some(inst_chart) = prot.tcc.instantaneous_min_pickup_a() else { continue };
            let asym = ctx.settings.motor_start.asymmetric_factor;
            let peak_chart = asym * start_chart + rest_chart;
            let ratio = inst_chart / peak_chart;
            let ok = ratio > 1.0;
            let (inst_own, peak_own) = (inst_chart / dev_factor, peak_chart / dev_factor);
            out.push(CheckResult {
                rule: "motor_start_instantaneous",
                devices,
                status: if ok { Status::Pass } else { Status::Fail },
                worst_margin: Some(Margin::ratio(ratio)),
                at_current_a: Some(peak_own),
                current_basis_v: Some(dev_v),
                message_ja: format!(
                    "{} の瞬時要素の最小動作電流 {} に対し、{} の非対称始動電流（{asym} × 始動電流）は {}: {}",
                    ctx.name(p),
                    fmt_a(inst_own),
                    ctx.name(k),
                    fmt_a(peak_own),
                    if ok { "始動で動作しません" } else { "始動時に瞬時要素が動作するおそれがあります" }
                ),
                message_en: format!(
                    "instantaneous element of {} may operate from {}; the asymmetric start of {} ({asym} × the starting current) reaches {}: {}",
                    ctx.name(p),
                    fmt_a(inst_own),
                    ctx.name(k),
                    fmt_a(peak_own),
                    if ok { "the start does not trip it" } else { "it may trip at the start" }
                ),
            });
        }
    }
}
