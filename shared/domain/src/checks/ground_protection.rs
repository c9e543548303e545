//! Ground protection: a ground relay at the service-point switch covering the lead-in cable,
//! DGR voltage settings, customer ground relays in series, the customer's relays against the
//! utility's and the DGR-needed rule.
//!
//! Rules (ids), each described with its sources in `docs/rules/ground_protection.md`:
//! - `ground_vs_utility` — every customer ground relay operates before the utility's
//!   (pickup below, time shorter with the margin).
//! - `dgr_required` — a non-directional GR whose downstream cable charging current reaches
//!   its pickup needs a DGR.
//! - `service_ground_relay` — the service-point switch (the first switching device from the
//!   utility bus) carries a ground relay: a PAS/UGS with GR/DGR or a VCB with one.
//! - `ground_relay_coverage` — every 6.6 kV cable lies downstream of a ground relay (a cable
//!   between the utility bus and the first ground relay is not protected against ground
//!   faults).
//! - `dgr_voltage` — a customer DGR's zero-sequence voltage pickup is not above the
//!   utility's, tolerances included.
//! - `ground_series` — of two customer ground relays in series the downstream one operates
//!   first (its latest clearing before the upstream's earliest operation, by the margin)
//!   and its pickup is not higher.
//!
//! `project.settings.ground_protection_exemption` (a reason) turns the failures of
//! `service_ground_relay` and `ground_relay_coverage` into warnings that quote it.

#![allow(clippy::neg_cmp_op_on_partial_ord)] // `!(x > 0.0)` is meant: NaN must take the refusing branch.

use crate::model::{Device, GroundRelaySettings};

use super::{devices, fmt_s, CheckResult, Ctx, Margin, Status, UTILITY_ID};

/// Thresholds of these rules; every field has a documented default.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct GroundProtectionSettings {
    /// Tolerance of a DGR's zero-sequence voltage pickup, ± fraction (default 0.25: the
    /// operating-voltage tolerance of JIS C 4609 directional ground relays).
    pub v0_tolerance: f64,
    /// Required time between two customer ground relays in series, s: the downstream's latest
    /// clearing (time + tolerance + breaker) before the upstream's earliest operation (time −
    /// tolerance) by at least this much (default 0.1: one time step of digital ground relays).
    pub series_margin_s: f64,
    /// Lowest voltage of the cables that must lie in a ground relay's zone, V (default 1000:
    /// every high-voltage cable).
    pub hv_cable_min_v: f64,
}

impl Default for GroundProtectionSettings {
    fn default() -> Self {
        GroundProtectionSettings { v0_tolerance: 0.25, series_margin_s: 0.1, hv_cable_min_v: 1000.0 }
    }
}

/// Run these rules (the moved `ground_vs_utility` and `dgr_required` run from
/// [`utility_and_dgr`], in their old place).
pub(crate) fn run(ctx: &Ctx<'_>, out: &mut Vec<CheckResult>) {
    service_point(ctx, out);
    dgr_voltage(ctx, out);
    series(ctx, out);
}

/// The ground relay of a device, if it is a ground switch or a VCB with one.
fn relay_of(d: &Device) -> Option<&GroundRelaySettings> {
    match d {
        Device::GroundSwitch(g) => g.ground_relay.as_ref(),
        Device::Vcb(v) => v.ground_relay.as_ref(),
        _ => None,
    }
}

/// Breaker opening time added to a ground relay's own time: the VCB's, none for a PAS/UGS.
fn breaker_time(ctx: &Ctx<'_>, d: &Device) -> f64 {
    match d {
        Device::Vcb(v) => v.ocr.breaker_time_s.unwrap_or_else(|| ctx.settings.breaker_time_s(ctx.frequency_hz)),
        _ => 0.0,
    }
}

/// A failure, or a warning quoting the exemption when the project gives one.
fn exempted(ctx: &Ctx<'_>, ja: String, en: String) -> (Status, String, String) {
    match ctx.project.settings.ground_protection_exemption.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
        Some(reason) => (
            Status::Warning,
            format!("{ja}。地絡保護の適用除外: 「{reason}」"),
            format!("{en}; ground-protection exemption: \"{reason}\""),
        ),
        None => (Status::Fail, ja, en),
    }
}

/// The first switching devices met going down from the utility bus through cables, metering
/// units and disconnecting switches (which open nothing under fault), and the cables passed on
/// the way. Every other series device ends a path.
fn service_switches(ctx: &Ctx<'_>) -> Vec<usize> {
    let mut found = Vec::new();
    let mut stack = vec![ctx.topo.source_bus];
    let mut guard = 0;
    while let Some(bus) = stack.pop() {
        guard += 1;
        if guard > ctx.project.devices.len() * 2 + 2 {
            break;
        }
        for &c in ctx.children.get(bus).map(|v| v.as_slice()).unwrap_or(&[]) {
            match ctx.project.devices.get(c) {
                Some(Device::Cable(_) | Device::Ds(_) | Device::Vct(_)) => {
                    if let Some(down) = ctx.topo.downstream_bus(c) {
                        stack.push(down);
                    }
                }
                Some(Device::GroundSwitch(_) | Device::Vcb(_) | Device::LbsPf(_) | Device::LvBreaker(_)) => found.push(c),
                _ => {}
            }
        }
    }
    found.sort_unstable();
    found
}

/// `service_ground_relay` and `ground_relay_coverage`.
fn service_point(ctx: &Ctx<'_>, out: &mut Vec<CheckResult>) {
    let switches = service_switches(ctx);
    if switches.is_empty() {
        let (status, ja, en) = exempted(
            ctx,
            "受電点に開閉器・遮断器がなく、地絡継電器を設けられません".into(),
            "there is no switching device at the service point, so no ground relay".into(),
        );
        out.push(CheckResult {
            rule: "service_ground_relay",
            devices: vec![ctx.id(ctx.topo.source_bus)],
            status,
            worst_margin: None,
            at_current_a: None,
            current_basis_v: None,
            message_ja: ja,
            message_en: en,
        });
    }
    for &s in &switches {
        let Some(d) = ctx.project.devices.get(s) else { continue };
        let name = ctx.name(s);
        let (status, ja, en) = match relay_of(d) {
            Some(g) => (
                Status::Pass,
                format!("受電点の {name} に地絡継電器（{}、{} A、{}）があります", kind_name(g), g.current_a, fmt_s(g.time_s)),
                format!("the service-point switch {name} has a ground relay ({}, {} A, {})", kind_name(g), g.current_a, fmt_s(g.time_s)),
            ),
            None => exempted(
                ctx,
                format!("受電点の開閉器 {name} に地絡継電器がありません。構内の地絡で電力会社の配電線が停止します（波及事故）"),
                format!("the service-point switch {name} has no ground relay: a ground fault on the site trips the utility's feeder"),
            ),
        };
        out.push(CheckResult {
            rule: "service_ground_relay",
            devices: vec![ctx.id(s)],
            status,
            worst_margin: None,
            at_current_a: None,
            current_basis_v: None,
            message_ja: ja,
            message_en: en,
        });
    }
    let min_v = ctx.settings.ground_protection.hv_cable_min_v;
    for (c, d) in ctx.project.devices.iter().enumerate() {
        let Device::Cable(_) = d else { continue };
        let Some(up) = ctx.topo.upstream_bus(ctx.project, c) else { continue };
        if !(ctx.bus_voltage(up) >= min_v) {
            continue;
        }
        // The nearest ground relay above the cable.
        let covering = ctx.topo.path_to_bus(ctx.project, up).into_iter().rev().find(|&e| ctx.project.devices.get(e).and_then(relay_of).is_some());
        let name = ctx.name(c);
        let (devices, status, ja, en) = match covering {
            Some(g) => (
                vec![ctx.id(g), ctx.id(c)],
                Status::Pass,
                format!("{name} は {} の地絡継電器の保護範囲にあります", ctx.name(g)),
                format!("{name} lies in the zone of the ground relay of {}", ctx.name(g)),
            ),
            None => {
                let (st, ja, en) = exempted(
                    ctx,
                    format!("{name} は地絡継電器より電源側にあり、その地絡を構内で検出できません（引込ケーブルの地絡は波及事故になります）"),
                    format!("{name} lies on the supply side of every ground relay: a ground fault on it is not detected on the site and trips the utility's feeder"),
                );
                (vec![ctx.id(c)], st, ja, en)
            }
        };
        out.push(CheckResult {
            rule: "ground_relay_coverage",
            devices,
            status,
            worst_margin: None,
            at_current_a: None,
            current_basis_v: None,
            message_ja: ja,
            message_en: en,
        });
    }
}

fn kind_name(g: &GroundRelaySettings) -> &'static str {
    match g.kind {
        crate::model::GroundRelayKind::Gr => "GR",
        crate::model::GroundRelayKind::Dgr => "DGR",
    }
}

/// `dgr_voltage`: each customer DGR's V0 pickup against the utility's.
fn dgr_voltage(ctx: &Ctx<'_>, out: &mut Vec<CheckResult>) {
    let tol = ctx.settings.ground_protection.v0_tolerance;
    let utility_v0 = ctx.project.utility.ground_relay.as_ref().and_then(|g| g.voltage_percent);
    for (i, d) in ctx.project.devices.iter().enumerate() {
        let Some(g) = relay_of(d) else { continue };
        if g.kind != crate::model::GroundRelayKind::Dgr {
            continue;
        }
        let name = ctx.name(i);
        let devices = vec![UTILITY_ID.to_string(), ctx.id(i)];
        let (status, margin, ja, en) = match (g.voltage_percent, utility_v0) {
            (None, _) => (
                Status::Warning,
                None,
                format!("{name} の DGR の零相電圧整定値が未入力のため、電力会社との協調を確認できません"),
                format!("the zero-sequence voltage setting of the DGR of {name} is not given: not checked against the utility's"),
            ),
            (Some(_), None) => (
                Status::Warning,
                None,
                format!("電力会社の零相電圧整定値が未入力のため、{name} の DGR との協調を確認できません"),
                format!("the utility's zero-sequence voltage setting is not given: the DGR of {name} is not checked against it"),
            ),
            (Some(c), Some(u)) => {
                let c_max = c * (1.0 + tol);
                let u_min = u * (1.0 - tol);
                let ratio = u_min / c_max;
                let ok = ratio >= 1.0;
                (
                    if ok { Status::Pass } else { Status::Fail },
                    Some(Margin::ratio(ratio)),
                    format!(
                        "{name} の DGR 零相電圧 {c} %（+{:.0} % で {c_max:.2} %）は電力会社の {u} %（−{:.0} % で {u_min:.2} %）{}",
                        tol * 100.0,
                        tol * 100.0,
                        if ok { "以下です" } else { "を超えます。電力会社が先に検出する地絡があります" }
                    ),
                    format!(
                        "DGR zero-sequence voltage of {name} {c} % (+{:.0} %: {c_max:.2} %) against the utility's {u} % (−{:.0} %: {u_min:.2} %): {}",
                        tol * 100.0,
                        tol * 100.0,
                        if ok { "coordinated" } else { "above it: the utility may detect ground faults the customer's DGR does not" }
                    ),
                )
            }
        };
        out.push(CheckResult {
            rule: "dgr_voltage",
            devices,
            status,
            worst_margin: margin,
            at_current_a: None,
            current_basis_v: None,
            message_ja: ja,
            message_en: en,
        });
    }
}

/// `ground_series`: each customer ground relay against the nearest one above it.
fn series(ctx: &Ctx<'_>, out: &mut Vec<CheckResult>) {
    let s = ctx.settings;
    let required = s.ground_protection.series_margin_s;
    for (i, d) in ctx.project.devices.iter().enumerate() {
        let Some(down) = relay_of(d) else { continue };
        let Some(up_bus) = ctx.topo.upstream_bus(ctx.project, i) else { continue };
        let Some(u) = ctx.topo.path_to_bus(ctx.project, up_bus).into_iter().rev().find(|&e| ctx.project.devices.get(e).and_then(relay_of).is_some())
        else {
            continue;
        };
        let Some(up_dev) = ctx.project.devices.get(u) else { continue };
        let Some(up) = relay_of(up_dev) else { continue };
        let (ur, dr) = (devices::ground_relay(up, s), devices::ground_relay(down, s));
        let up_min = ur.earliest_s();
        let down_max = dr.latest_s() + breaker_time(ctx, d);
        let m = up_min - down_max;
        let pickup_bad = down.current_a > up.current_a;
        let time_bad = !(m >= required);
        let (un, dn) = (ctx.name(u), ctx.name(i));
        let status = if pickup_bad || time_bad { Status::Fail } else { Status::Pass };
        let ja = if pickup_bad {
            format!("下位の {dn} の地絡整定電流 {} A が上位の {un} の {} A より大きく、協調しません", down.current_a, up.current_a)
        } else {
            format!(
                "下位の {dn}（最大 {}、遮断時間を含む）と上位の {un}（最短 {}）の時間差 {} は必要な {} {}",
                fmt_s(down_max),
                fmt_s(up_min),
                fmt_s(m),
                fmt_s(required),
                if time_bad { "未満です。上位が先に動作し得ます" } else { "以上です" }
            )
        };
        let en = if pickup_bad {
            format!("ground pickup of the downstream {dn} ({} A) is above the upstream {un}'s ({} A): not coordinated", down.current_a, up.current_a)
        } else {
            format!(
                "downstream {dn} (latest {}, breaker included) against upstream {un} (earliest {}): margin {} {} the required {}",
                fmt_s(down_max),
                fmt_s(up_min),
                fmt_s(m),
                if time_bad { "is below" } else { "meets" },
                fmt_s(required)
            )
        };
        out.push(CheckResult {
            rule: "ground_series",
            devices: vec![ctx.id(u), ctx.id(i)],
            status,
            worst_margin: Some(Margin::seconds(m)),
            at_current_a: Some(down.current_a),
            current_basis_v: Some(ctx.chart_v),
            message_ja: ja,
            message_en: en,
        });
    }
}

/// Zero-sequence charging current of the HV cables below a device (A), and their length
/// (m); `None` in the first slot when a cable's capacitance is unknown.
fn charging_below(ctx: &Ctx<'_>, device: usize) -> (Option<f64>, f64) {
    let below = ctx.below_mask(device);
    let omega = 2.0 * std::f64::consts::PI * ctx.frequency_hz;
    let mut total = Some(0.0);
    let mut length = 0.0;
    for (i, d) in ctx.project.devices.iter().enumerate() {
        let Device::Cable(c) = d else { continue };
        let Some(up) = ctx.topo.upstream_bus(ctx.project, i) else { continue };
        let v = ctx.bus_voltage(up);
        if !below.get(up).copied().unwrap_or(false) || !(v >= 1000.0) {
            continue;
        }
        length += c.length_m;
        let item = crate::library::resolve::Resolver::of(ctx.project).cable_or_by_size(c);
        match item.map(|it| it.c_uf_per_km).filter(|&cap| cap > 0.0) {
            Some(cap) => {
                let per_km = 3f64.sqrt() * omega * cap * 1e-6 * v;
                total = total.map(|t| t + per_km * c.length_m / 1000.0 * f64::from(c.parallel.max(1)));
            }
            None => total = None,
        }
    }
    (total, length)
}

/// `ground_vs_utility` and `dgr_required` for every customer ground relay.
pub(crate) fn utility_and_dgr(ctx: &Ctx<'_>, out: &mut Vec<CheckResult>) {
    let s = ctx.settings;
    let util = ctx.project.utility.ground_relay.as_ref().map(|g| devices::ground_relay(g, s));
    for (i, d) in ctx.project.devices.iter().enumerate() {
        let g = match d {
            Device::GroundSwitch(gs) => gs.ground_relay.as_ref(),
            Device::Vcb(v) => v.ground_relay.as_ref(),
            _ => None,
        };
        let Some(g) = g else { continue };
        let gr = devices::ground_relay(g, s);
        let cust_max_t = gr.latest_s() + breaker_time(ctx, d);
        let cust_pick_max = gr.pickup_max_a();
        let (util_min_t, util_pick_min, assumed) = match &util {
            Some(u) => (u.earliest_s(), Some(u.pickup_min_a()), false),
            None => (s.assumed_utility_ground_time_s * (1.0 - s.ground_time_tolerance), None, true),
        };
        let m = util_min_t - cust_max_t;
        let pickup_bad = util_pick_min.is_some_and(|u| cust_pick_max > u);
        let status = if pickup_bad || m <= 0.0 {
            Status::Fail
        } else if m < s.margin_s {
            Status::Warning
        } else {
            Status::Pass
        };
        let note_ja = if assumed { "（電力会社の整定は未入力のため 0.9 s と仮定）" } else { "" };
        let note_en = if assumed { " (utility setting not given: 0.9 s assumed)" } else { "" };
        out.push(CheckResult {
            rule: "ground_vs_utility",
            devices: vec![UTILITY_ID.into(), ctx.id(i)],
            status,
            worst_margin: Some(Margin::seconds(m)),
            at_current_a: Some(cust_pick_max),
            current_basis_v: Some(ctx.chart_v),
            message_ja: if pickup_bad {
                format!("{} の地絡整定電流 {} A は電力会社の整定以上です{note_ja}", ctx.name(i), g.current_a)
            } else if m <= 0.0 {
                format!("{} の地絡動作時間（最大 {}）が電力会社（最短 {}）より遅く、協調しません{note_ja}", ctx.name(i), fmt_s(cust_max_t), fmt_s(util_min_t))
            } else {
                format!("{} の地絡動作時間（最大 {}）は電力会社（最短 {}）より {} 短い{note_ja}", ctx.name(i), fmt_s(cust_max_t), fmt_s(util_min_t), fmt_s(m))
            },
            message_en: if pickup_bad {
                format!("ground pickup of {} ({} A) is not below the utility's{note_en}", ctx.name(i), g.current_a)
            } else {
                format!("ground relay of {} (latest {}) against the utility (earliest {}): margin {}{note_en}", ctx.name(i), fmt_s(cust_max_t), fmt_s(util_min_t), fmt_s(m))
            },
        });
        if !gr.directional {
            let (charging, length) = charging_below(ctx, i);
            let threshold = gr.pickup_min_a();
            let (status, ja, en, margin) = match charging {
                None => (
                    Status::Warning,
                    format!("{} 以降のケーブルの静電容量が不明なため、DGR の要否を判定できません（ケーブル長 {length:.0} m）", ctx.name(i)),
                    format!("cable capacitance below {} unknown: cannot judge whether a DGR is needed ({length:.0} m of cable)", ctx.name(i)),
                    None,
                ),
                Some(ic) if ic >= threshold => (
                    Status::Fail,
                    format!("{} 以降のケーブル {length:.0} m の対地充電電流 {ic:.2} A が GR の最小動作電流 {threshold:.2} A 以上です。構外地絡で不要動作するため DGR が必要です", ctx.name(i)),
                    format!("charging current of {length:.0} m of cable below {} is {ic:.2} A, at or above the GR's lowest pickup {threshold:.2} A: it may trip on outside faults; a DGR is needed", ctx.name(i)),
                    Some(Margin::ratio(threshold / ic)),
                ),
                Some(ic) if length >= s.dgr_advised_length_m => (
                    Status::Warning,
                    format!("{} 以降のケーブルが {length:.0} m あります（充電電流 {ic:.2} A）。DGR の採用を推奨します", ctx.name(i)),
                    format!("{length:.0} m of cable below {} (charging current {ic:.2} A): a DGR is advised", ctx.name(i)),
                    Some(Margin::ratio(threshold / ic)),
                ),
                Some(ic) => (
                    Status::Pass,
                    format!("{} 以降のケーブル充電電流 {ic:.2} A は GR の最小動作電流 {threshold:.2} A 未満です", ctx.name(i)),
                    format!("charging current below {} is {ic:.2} A, under the GR's lowest pickup {threshold:.2} A", ctx.name(i)),
                    Some(Margin::ratio(if ic > 0.0 { threshold / ic } else { f64::INFINITY })),
                ),
            };
            out.push(CheckResult {
                rule: "dgr_required",
                devices: vec![ctx.id(i)],
                status,
                worst_margin: margin,
                at_current_a: charging,
                current_basis_v: Some(ctx.chart_v),
                message_ja: ja,
                message_en: en,
            });
        }
    }
}


