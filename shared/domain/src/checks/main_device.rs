//! One main protective device (主遮断装置) after the service-point switch, with every load
//! behind it.
//!
//! From the service-point bus, the engine walks through the devices a receiving substation
//! may have before its main device — the service-point switch (PAS/UGS), 6.6 kV cables, the
//! metering unit (VCT) and the disconnecting switch (DS) — and looks at what it reaches first
//! (arresters and VTs on the buses passed are not loads):
//! - `main_device` — exactly one main device must be reached: a VCB with its OCR (CB type)
//!   or an LBS + PF (PF・S type). None (e.g. a transformer fed straight from the PAS) or two
//!   or more in parallel fails, naming them.
//! - `load_ahead_of_main` — a transformer, load, motor, capacitor or generator reached
//!   before any main device (e.g. a capacitor hung between the PAS and the main) fails, one
//!   result per device.
//! - `pf_main_capacity` — a PF・S main may serve at most 300 kVA of equipment at the receiving
//!   voltage (JIS C 4620; 高圧受電設備規程): the installed transformer capacity below it, plus
//!   any 6.6 kV load or motor, against [`MainDeviceSettings::pf_main_max_kva`].
//!
//! Sources and thresholds: `docs/rules/main_device.md`.

use super::{CheckResult, Ctx, Margin, Status};
use crate::model::Device;

/// Thresholds of the main-device rules; every field has a documented default.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct MainDeviceSettings {
    /// Largest receiving-equipment capacity a PF・S (LBS + PF) main may serve, kVA: installed
    /// transformer capacity plus loads and motors at the receiving voltage (default 300,
    /// JIS C 4620 and 高圧受電設備規程).
    pub pf_main_max_kva: f64,
    /// Buses at or above this voltage count as the receiving voltage, V (default 1000).
    pub hv_threshold_v: f64,
}

impl Default for MainDeviceSettings {
    fn default() -> Self {
        MainDeviceSettings { pf_main_max_kva: 300.0, hv_threshold_v: 1000.0 }
    }
}

/// What the walk from the service point found before any main device.
struct Zone {
    /// Service-point switches (PAS/UGS) passed.
    switches: Vec<usize>,
    /// Main-device candidates reached (VCB, LBS + PF).
    mains: Vec<usize>,
    /// Loads and other devices reached before any main device.
    ahead: Vec<usize>,
}

/// Walk from the service-point bus through ground switches and HV cables.
fn walk(ctx: &Ctx<'_>) -> Zone {
    let hv = ctx.settings.main_device.hv_threshold_v;
    let mut zone = Zone { switches: Vec::new(), mains: Vec::new(), ahead: Vec::new() };
    let n = ctx.project.devices.len();
    let mut seen = vec![false; n];
    let mut stack = vec![ctx.topo.source_bus];
    while let Some(bus) = stack.pop() {
        if std::mem::replace(seen.get_mut(bus).unwrap_or(&mut true), true) {
            continue;
        }
        for &s in ctx.children.get(bus).map(|v| v.as_slice()).unwrap_or(&[]) {
            match ctx.project.devices.get(s) {
                Some(Device::GroundSwitch(_)) => {
                    zone.switches.push(s);
                    stack.extend(ctx.topo.downstream_bus(s));
                }
                Some(Device::Cable(_)) if ctx.bus_voltage(bus) >= hv => stack.extend(ctx.topo.downstream_bus(s)),
                // The metering unit and the disconnecting switch of the incoming panel carry the
                // whole site's current but open nothing under load: the walk goes on.
                Some(Device::Ds(_) | Device::Vct(_)) => stack.extend(ctx.topo.downstream_bus(s)),
                Some(Device::Vcb(_) | Device::LbsPf(_)) => zone.mains.push(s),
                Some(_) => zone.ahead.push(s),
                None => {}
            }
        }
        for k in ctx.shunts_at(bus) {
            // Arresters and VTs belong on the incoming bus; they draw no load.
            if !ctx.project.devices[k].is_auxiliary() {
                zone.ahead.push(k);
            }
        }
    }
    zone.mains.sort_unstable();
    zone.ahead.sort_unstable();
    zone
}

fn kind(d: &Device) -> (&'static str, &'static str) {
    match d {
        Device::Vcb(_) => ("VCB + OCR（CB 形）", "VCB + OCR (CB type)"),
        Device::LbsPf(_) => ("LBS + PF（PF・S 形）", "LBS + PF (PF・S type)"),
        Device::Transformer(_) => ("変圧器", "transformer"),
        Device::Capacitor(_) => ("コンデンサ", "capacitor"),
        Device::Load(_) => ("負荷", "load"),
        Device::Motor(_) => ("電動機", "motor"),
        Device::Generator(_) => ("発電機", "generator"),
        Device::LvBreaker(_) => ("低圧遮断器", "LV breaker"),
        _ => ("機器", "device"),
    }
}

fn names(ctx: &Ctx<'_>, devices: &[usize]) -> String {
    devices.iter().map(|&d| ctx.name(d)).collect::<Vec<_>>().join(", ")
}

/// Run these rules.
pub(crate) fn run(ctx: &Ctx<'_>, out: &mut Vec<CheckResult>) {
    let zone = walk(ctx);
    let after_ja = if zone.switches.is_empty() { "受電点".to_string() } else { format!("受電点の区分開閉器 {} の後", names(ctx, &zone.switches)) };
    let after_en = if zone.switches.is_empty() { "the service point".to_string() } else { format!("the service-point switch {}", names(ctx, &zone.switches)) };
    match zone.mains.as_slice() {
        [] => {
            let mut devices: Vec<String> = zone.switches.iter().chain(&zone.ahead).map(|&d| ctx.id(d)).collect();
            if devices.is_empty() {
                devices.push(ctx.id(ctx.topo.source_bus));
            }
            let first_ja = if zone.ahead.is_empty() { String::new() } else { format!("（{} が直接つながっています）", names(ctx, &zone.ahead)) };
            let first_en = if zone.ahead.is_empty() { String::new() } else { format!(" ({} fed directly)", names(ctx, &zone.ahead)) };
            out.push(CheckResult {
                rule: "main_device",
                devices,
                status: Status::Fail,
                worst_margin: None,
                at_current_a: None,
                current_basis_v: None,
                message_ja: format!("{after_ja}に主遮断装置（VCB + OCR または LBS + PF）がありません{first_ja}"),
                message_en: format!("no main protective device (VCB + OCR or LBS + PF) after {after_en}{first_en}"),
            });
        }
        [m] => {
            let (kja, ken) = kind(&ctx.project.devices[*m]);
            let locked = matches!(&ctx.project.devices[*m], Device::Vcb(v) if v.ocr.tap_a.is_none());
            let (status, ja, en) = if locked {
                (
                    Status::Fail,
                    format!("主遮断装置 {} の OCR 限時要素がロックされています。過負荷と短絡を限時要素で保護できません", ctx.name(*m)),
                    format!("the time element of the main device {}'s OCR is locked: the main gives no overload or time-graded short-circuit protection", ctx.name(*m)),
                )
            } else {
                (
                    Status::Pass,
                    format!("{after_ja}の主遮断装置は {}（{kja}）の 1 台です", ctx.name(*m)),
                    format!("{} ({ken}) is the one main protective device after {after_en}", ctx.name(*m)),
                )
            };
            out.push(CheckResult {
                rule: "main_device",
                devices: vec![ctx.id(*m)],
                status,
                worst_margin: None,
                at_current_a: None,
                current_basis_v: None,
                message_ja: ja,
                message_en: en,
            });
            if let Device::LbsPf(_) = &ctx.project.devices[*m] {
                pf_main_capacity(ctx, *m, out);
            }
        }
        many => out.push(CheckResult {
            rule: "main_device",
            devices: many.iter().map(|&d| ctx.id(d)).collect(),
            status: Status::Fail,
            worst_margin: None,
            at_current_a: None,
            current_basis_v: None,
            message_ja: format!("{after_ja}に主遮断装置が {} 台並列にあります（{}）。主遮断装置は 1 台とし、各回路はその下に設けてください", many.len(), names(ctx, many)),
            message_en: format!("{} main devices in parallel after {after_en} ({}): exactly one main protective device is required, with every circuit behind it", many.len(), names(ctx, many)),
        }),
    }
    // Where the device sits: ahead of the one main, or with no single main before it.
    let (where_ja, where_en) = match zone.mains.as_slice() {
        [m] => (format!("主遮断装置 {} より電源側（{after_ja}）", ctx.name(*m)), format!("ahead of the main device {} (after {after_en})", ctx.name(*m))),
        _ => (format!("主遮断装置を介さずに{after_ja}"), format!("after {after_en} with no single main protective device before it")),
    };
    for &a in &zone.ahead {
        let (kja, ken) = kind(&ctx.project.devices[a]);
        out.push(CheckResult {
            rule: "load_ahead_of_main",
            devices: vec![ctx.id(a)],
            status: Status::Fail,
            worst_margin: None,
            at_current_a: None,
            current_basis_v: None,
            message_ja: format!("{kja} {} が{where_ja}に接続されています。すべての負荷は主遮断装置の負荷側に設けてください", ctx.name(a)),
            message_en: format!("{ken} {} is connected {where_en}: every load must be behind the main protective device", ctx.name(a)),
        });
    }
}

/// Rule `pf_main_capacity`: the receiving-voltage equipment a PF・S main serves.
fn pf_main_capacity(ctx: &Ctx<'_>, main: usize, out: &mut Vec<CheckResult>) {
    let s = &ctx.settings.main_device;
    let below = ctx.below_mask(main);
    let mut kva = 0.0;
    let mut devices = vec![ctx.id(main)];
    for (k, d) in ctx.project.devices.iter().enumerate() {
        let Some(bus) = ctx.topo.upstream_bus(ctx.project, k) else { continue };
        if !below.get(bus).copied().unwrap_or(false) {
            continue;
        }
        let at_hv = ctx.bus_voltage(bus) >= s.hv_threshold_v;
        let add = match d {
            Device::Transformer(t) if at_hv => t.rated_kva,
            Device::Load(l) if at_hv => l.rated_kva,
            // kW as a lower bound of the motor's kVA: never a false failure.
            Device::Motor(m) if at_hv => m.rated_kw,
            _ => continue,
        };
        kva += add;
        devices.push(ctx.id(k));
    }
    let limit = s.pf_main_max_kva;
    let ok = kva <= limit;
    let name = ctx.name(main);
    out.push(CheckResult {
        rule: "pf_main_capacity",
        devices,
        status: if ok { Status::Pass } else { Status::Fail },
        worst_margin: Some(Margin::ratio(if kva > 0.0 { limit / kva } else { f64::INFINITY })),
        at_current_a: None,
        current_basis_v: None,
        message_ja: format!(
            "PF・S 形主遮断装置 {name} の受電設備容量（変圧器等の合計）は {kva} kVA、上限 {limit} kVA: {}",
            if ok { "適合" } else { "超過。CB 形（VCB + OCR）が必要です" }
        ),
        message_en: format!(
            "the PF・S main {name} serves {kva} kVA of receiving equipment (transformers and 6.6 kV loads), limit {limit} kVA: {}",
            if ok { "within the limit" } else { "exceeded; a CB-type main (VCB + OCR) is required" }
        ),
    });
}
