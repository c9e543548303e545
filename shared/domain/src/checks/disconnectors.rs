//! Disconnecting switches (docs/engineering.md §11).
//!
//! Rule (id), described with its sources in `docs/rules/disconnectors.md`:
//! - `ds_interlock` — a DS must never have to open a load current. It passes when it is
//!   interlocked with a breaking device in series with it, or when every load below it lies
//!   behind a breaking device (VCB, LBS + PF, PAS/UGS, LV breaker) that is opened first; it
//!   warns when some load below it has no breaking device in between, so that the DS is the
//!   only device of that load path that can open it.

use crate::model::{Device, Ds};

use super::{CheckResult, Ctx, Status};

/// Devices that open load current.
fn is_breaking(d: &Device) -> bool {
    matches!(d, Device::Vcb(_) | Device::LbsPf(_) | Device::GroundSwitch(_) | Device::LvBreaker(_))
}

/// Devices that draw (or give) load current.
fn is_load(d: &Device) -> bool {
    matches!(d, Device::Transformer(_) | Device::Load(_) | Device::Motor(_) | Device::Capacitor(_) | Device::Generator(_))
}

/// Below series device `device`: the first breaking devices on each path, and the loads
/// reached with no breaking device in between (device indices).
fn below(ctx: &Ctx<'_>, device: usize) -> (Vec<usize>, Vec<usize>) {
    let (mut breakers, mut loads) = (Vec::new(), Vec::new());
    let mut stack: Vec<usize> = ctx.topo.downstream_bus(device).into_iter().collect();
    let mut seen = vec![false; ctx.project.devices.len()];
    while let Some(bus) = stack.pop() {
        if std::mem::replace(seen.get_mut(bus).unwrap_or(&mut true), true) {
            continue;
        }
        for k in ctx.shunts_at(bus) {
            if is_load(&ctx.project.devices[k]) {
                loads.push(k);
            }
        }
        for &c in ctx.children.get(bus).map(|v| v.as_slice()).unwrap_or(&[]) {
            match ctx.project.devices.get(c) {
                Some(d) if is_breaking(d) => breakers.push(c),
                Some(d) if is_load(d) => loads.push(c),
                Some(_) => stack.extend(ctx.topo.downstream_bus(c)),
                None => {}
            }
        }
    }
    breakers.sort_unstable();
    loads.sort_unstable();
    (breakers, loads)
}

/// Whether `other` is in series with series device `device` (above or below it).
fn in_series(ctx: &Ctx<'_>, device: usize, other: usize) -> bool {
    let above = ctx.topo.upstream_bus(ctx.project, device).is_some_and(|b| ctx.topo.path_to_bus(ctx.project, b).contains(&other));
    let below = ctx.topo.upstream_bus(ctx.project, other).is_some_and(|b| ctx.topo.path_to_bus(ctx.project, b).contains(&device));
    above || below
}

/// Run this rule.
pub(crate) fn run(ctx: &Ctx<'_>, out: &mut Vec<CheckResult>) {
    for (i, d) in ctx.project.devices.iter().enumerate() {
        if let Device::Ds(ds) = d {
            if ctx.topo.downstream_bus(i).is_some() {
                judge(ctx, i, ds, out);
            }
        }
    }
}

fn names(ctx: &Ctx<'_>, list: &[usize]) -> String {
    list.iter().map(|&k| ctx.name(k)).collect::<Vec<_>>().join(", ")
}

fn judge(ctx: &Ctx<'_>, i: usize, ds: &Ds, out: &mut Vec<CheckResult>) {
    let name = ctx.name(i);
    let interlock = ds.interlock.as_deref().and_then(|x| ctx.project.devices.iter().position(|d| d.id() == x));
    let (status, devices, ja, en) = if let Some(x) = interlock {
        if in_series(ctx, i, x) {
            (
                Status::Pass,
                vec![ctx.id(i), ctx.id(x)],
                format!("{name} は {} とインターロック（緊錠）されており、{} が閉じている間は開路できません", ctx.name(x), ctx.name(x)),
                format!("{name} is interlocked with {}: it cannot open while {} is closed", ctx.name(x), ctx.name(x)),
            )
        } else {
            (
                Status::Warning,
                vec![ctx.id(i), ctx.id(x)],
                format!("{name} のインターロック先 {} は {name} と直列ではなく、{name} の回路が無負荷であることを保証しません", ctx.name(x)),
                format!("{name} is interlocked with {}, which is not in series with it: the interlock does not ensure its circuit is unloaded", ctx.name(x)),
            )
        }
    } else {
        let (breakers, loads) = below(ctx, i);
        if loads.is_empty() {
            let mut devices = vec![ctx.id(i)];
            devices.extend(breakers.iter().map(|&b| ctx.id(b)));
            let (ja, en) = if breakers.is_empty() {
                (format!("{name} の下位には負荷電流を流す機器がありません"), format!("nothing below {name} carries load current"))
            } else {
                (
                    format!("{name} の下位の負荷はすべて {} の後にあります。{} を開いて無負荷を確認してから {name} を開路します（労働安全衛生規則 第340条）", names(ctx, &breakers), names(ctx, &breakers)),
                    format!("every load below {name} lies behind {}: open it first and confirm no load before opening {name} (Industrial Safety and Health Regulations, art. 340)", names(ctx, &breakers)),
                )
            };
            (Status::Pass, devices, ja, en)
        } else {
            let mut devices = vec![ctx.id(i)];
            devices.extend(loads.iter().map(|&l| ctx.id(l)));
            (
                Status::Warning,
                devices,
                format!(
                    "{name} と {} の間に遮断器・負荷開閉器がなく、この回路を開けるのは断路器だけです。断路器は負荷電流を開閉できません: 下位に VCB または LBS を設けるか、遮断器とインターロックしてください",
                    names(ctx, &loads)
                ),
                format!(
                    "no breaker or load-break switch lies between {name} and {}: the disconnector is the only device that opens that circuit, and it cannot open load current; add a VCB or LBS below it, or interlock it with a breaker",
                    names(ctx, &loads)
                ),
            )
        }
    };
    out.push(CheckResult { rule: "ds_interlock", devices, status, worst_margin: None, at_current_a: None, current_basis_v: None, message_ja: ja, message_en: en });
}
