//! Capacitor banks (進相コンデンサ): the series reactor, the inrush of each bank against the
//! device that switches it, and the inrush of all banks behind one switch energised together.
//!
//! Rules (ids; thresholds in [`CapacitorSettings`] and [`super::CheckSettings`], sources in
//! `docs/rules/capacitor_banks.md`):
//! - `capacitor_reactor` — a bank without a series reactor, or with less than the customary
//!   6 % (JIS C 4902; 高圧受電設備規程), warns.
//! - `capacitor_inrush` — one bank's inrush (rated current × (1 + √(100/L)) with a reactor of
//!   L %, × 70 without, for 0.01 s) against the allowable curve (PF) or earliest operation
//!   (relay, LV breaker) of the nearest protective device above it.
//! - `capacitor_bank_inrush` — the summed inrush of every bank below a protective device,
//!   energised together when that device closes, against the same curve of that device.

use super::{inrush_result, CheckResult, Ctx, Margin, Status};
use crate::model::Device;

/// Thresholds of the capacitor-bank rules; every field has a documented default.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CapacitorSettings {
    /// Smallest series reactor that passes, % of the capacitor's reactance (default 6: the
    /// customary reactor of JIS C 4902 and 高圧受電設備規程; a bank with L % resonates at
    /// harmonic order √(100/L) — 4.08 at 6 %, safely below the 5th).
    pub min_reactor_percent: f64,
}

impl Default for CapacitorSettings {
    fn default() -> Self {
        CapacitorSettings { min_reactor_percent: 6.0 }
    }
}

/// Run the rules of this module other than `capacitor_inrush` (which keeps its place in
/// the order of the coordination rules, see [`capacitor_inrush`]).
pub(crate) fn run(ctx: &Ctx<'_>, out: &mut Vec<CheckResult>) {
    reactor(ctx, out);
    banks_behind_one_switch(ctx, out);
}

/// A bank's inrush on the chart: (chart A, multiple of rated current), `None` when it
/// cannot be computed (no bus, zero rating).
fn bank_inrush_chart(ctx: &Ctx<'_>, k: usize) -> Option<(f64, f64)> {
    let Some(Device::Capacitor(c)) = ctx.project.devices.get(k) else { return None };
    let bus = ctx.topo.upstream_bus(ctx.project, k)?;
    let rated = c.rated_kvar * 1000.0 / (3f64.sqrt() * ctx.bus_voltage(bus));
    let mult = if c.reactor_percent > 0.0 {
        1.0 + (100.0 / c.reactor_percent).sqrt()
    } else {
        ctx.settings.capacitor_inrush_multiple_no_reactor
    };
    let i_chart = rated * mult * ctx.referral(bus);
    (i_chart.is_finite() && i_chart > 0.0).then_some((i_chart, mult))
}

/// Rule `capacitor_inrush` (coordination rule 9): each bank against the nearest
/// protective device above it.
pub(crate) fn capacitor_inrush(ctx: &Ctx<'_>, out: &mut Vec<CheckResult>) {
    for (k, d) in ctx.project.devices.iter().enumerate() {
        if !matches!(d, Device::Capacitor(_)) {
            continue;
        }
        let Some(bus) = ctx.topo.upstream_bus(ctx.project, k) else { continue };
        let Some((i_chart, mult)) = bank_inrush_chart(ctx, k) else { continue };
        let Some(&p) = ctx.upstream_protective(bus).first() else { continue };
        let Some(prot) = ctx.prot_tcc(p) else { continue };
        out.push(inrush_result(
            ctx,
            "capacitor_inrush",
            vec![ctx.id(p), ctx.id(k)],
            prot,
            &ctx.name(p),
            &format!("{} の突入電流（定格の {mult:.1} 倍）", ctx.name(k)),
            &format!("inrush of {} ({mult:.1} × rated)", ctx.name(k)),
            i_chart,
            ctx.settings.capacitor_inrush_duration_s,
        ));
    }
}

/// Rule `capacitor_reactor`.
fn reactor(ctx: &Ctx<'_>, out: &mut Vec<CheckResult>) {
    let min = ctx.settings.capacitors.min_reactor_percent;
    for d in &ctx.project.devices {
        let Device::Capacitor(c) = d else { continue };
        let l = c.reactor_percent;
        let name = d.display_name();
        let ok = l >= min;
        let (ja, en) = if ok {
            (
                format!("{name} の直列リアクトル {l} % は慣用値 {min} % 以上です（共振次数 {:.2}、第 5 調波未満）", (100.0 / l).sqrt()),
                format!("{name} has a series reactor of {l} %, at least the customary {min} % (resonance at harmonic {:.2}, below the 5th)", (100.0 / l).sqrt()),
            )
        } else if l > 0.0 {
            (
                format!("{name} の直列リアクトル {l} % は慣用値 {min} % 未満です（共振次数 {:.2}）。高調波の拡大と突入電流に注意し、{min} % のリアクトルを検討してください", (100.0 / l).sqrt()),
                format!("{name} has a series reactor of only {l} %, below the customary {min} % (resonance at harmonic {:.2}): harmonics may be amplified and inrush is higher; a {min} % reactor is advised", (100.0 / l).sqrt()),
            )
        } else {
            (
                format!("{name} に直列リアクトルがありません。突入電流（定格の {} 倍）と高調波の拡大を抑えるため、{min} % の直列リアクトルが慣用です", ctx.settings.capacitor_inrush_multiple_no_reactor),
                format!("{name} has no series reactor: its inrush ({} × rated) and harmonic amplification are not limited; a {min} % series reactor is customary", ctx.settings.capacitor_inrush_multiple_no_reactor),
            )
        };
        out.push(CheckResult {
            rule: "capacitor_reactor",
            devices: vec![d.id().to_string()],
            status: if ok { Status::Pass } else { Status::Warning },
            worst_margin: Some(Margin::ratio(if min > 0.0 { l / min } else { f64::INFINITY })),
            at_current_a: None,
            current_basis_v: None,
            message_ja: ja,
            message_en: en,
        });
    }
}

/// Rule `capacitor_bank_inrush`: for every protective device with banks below it, their
/// inrush summed (all energised together when the device closes). A device whose only bank
/// is directly below it is already judged by `capacitor_inrush`.
fn banks_behind_one_switch(ctx: &Ctx<'_>, out: &mut Vec<CheckResult>) {
    for (p, prot) in ctx.prot.iter().enumerate() {
        let Some(prot) = prot else { continue };
        // The banks on the buses below, in project order.
        let mut banks: Vec<usize> = Vec::new();
        for b in ctx.buses_below(p) {
            banks.extend(ctx.shunts_at(b).filter(|&k| matches!(ctx.project.devices[k], Device::Capacitor(_))));
        }
        banks.sort_unstable();
        banks.dedup();
        let only_own = banks.len() == 1
            && ctx.topo.upstream_bus(ctx.project, banks[0]).is_some_and(|b| ctx.upstream_protective(b).first() == Some(&p));
        if banks.is_empty() || only_own {
            continue;
        }
        let sum: f64 = banks.iter().filter_map(|&k| bank_inrush_chart(ctx, k)).map(|(i, _)| i).sum();
        if !(sum.is_finite() && sum > 0.0) {
            continue;
        }
        let kvar: f64 = banks
            .iter()
            .filter_map(|&k| match ctx.project.devices.get(k) {
                Some(Device::Capacitor(c)) => Some(c.rated_kvar),
                _ => None,
            })
            .sum();
        let mut devices = vec![ctx.id(p)];
        devices.extend(banks.iter().map(|&k| ctx.id(k)));
        out.push(inrush_result(
            ctx,
            "capacitor_bank_inrush",
            devices,
            prot,
            &ctx.name(p),
            &format!("{} の下のコンデンサ {} 台（計 {kvar} kvar）を同時に投入したときの突入電流の合計", ctx.name(p), banks.len()),
            &format!("summed inrush of the {} capacitor bank(s) below {} ({kvar} kvar) energised together", banks.len(), ctx.name(p)),
            sum,
            ctx.settings.capacitor_inrush_duration_s,
        ));
    }
}
