//! Voltage drop (電圧降下) from the service point to every load, through cables and
//! transformers (docs/engineering.md §10.4).
//!
//! Each cable and transformer on the way carries the demand of every load below it (demand
//! factors applied, no diversity: the conservative reading), each load drawing its current
//! at its power factor as at nominal voltage. Two results per segment and per load:
//!
//! - **simplified** — `e = K · I · (R cos φ + X sin φ) · L` with `K = √3` three-phase and
//!   `K = 2` single-phase (the outer conductors of a balanced 1φ3W circuit: the same percent
//!   as `K = 1` on 105 V); a transformer `ε = α (p cos φ + q sin φ)` with `α` its loading and
//!   `p`, `q` its %R, %X;
//! - **exact** — the sending-end voltage from the receiving end in complex form,
//!   `V_s = V_r + Z · I`, marched from the load (at its nominal voltage) back to the
//!   service point through every segment with the currents above; the drop is
//!   `|V_s| − |V_r|`.
//!
//! Both are percent of the nominal bus voltage. The sections judged by the `voltage_drop`
//! rule are the low-voltage wiring below the nearest transformer: the **trunk** (幹線, from
//! the transformer secondary to the last LV breaker on the way) and the **branch** (分岐回路,
//! below that breaker).

use serde::Serialize;

use super::loads::LoadDemand;
use crate::checks::design_study::DesignStudySettings;
use crate::model::topology::Topology;
use crate::model::{Device, Project};

/// Simplified drop of a run, V: `K · I · (R cos φ + X sin φ)`, `r_ohm`/`x_ohm` per conductor
/// for the whole run, `k` = √3 (three-phase), 2 (single-phase two-wire) or 1 (line to
/// neutral).
pub fn simplified_drop_v(k: f64, current_a: f64, r_ohm: f64, x_ohm: f64, power_factor: f64) -> f64 {
    let sin = (1.0 - power_factor * power_factor).max(0.0).sqrt();
    k * current_a * (r_ohm * power_factor + x_ohm * sin)
}

/// Exact drop of a three-phase run, V line-to-line: `√3 (|E_r + (R + jX)·I∠−φ| − E_r)` with
/// `E_r = V_r / √3` the receiving-end phase voltage.
pub fn exact_drop_three_phase_v(receiving_v: f64, current_a: f64, r_ohm: f64, x_ohm: f64, power_factor: f64) -> f64 {
    let sin = (1.0 - power_factor * power_factor).max(0.0).sqrt();
    let e_r = receiving_v / 3f64.sqrt();
    let re = e_r + current_a * (r_ohm * power_factor + x_ohm * sin);
    let im = current_a * (x_ohm * power_factor - r_ohm * sin);
    3f64.sqrt() * (re.hypot(im) - e_r)
}

/// Transformer voltage regulation, % (simplified): `α (p cos φ + q sin φ)`.
pub fn transformer_regulation_percent(loading: f64, r_percent: f64, x_percent: f64, power_factor: f64) -> f64 {
    let sin = (1.0 - power_factor * power_factor).max(0.0).sqrt();
    loading * (r_percent * power_factor + x_percent * sin)
}

/// Transformer voltage regulation, % (exact, receiving end at rated voltage):
/// `100 (|1 + α (p + jq)(cos φ − j sin φ)/100| − 1)`.
pub fn transformer_regulation_exact_percent(loading: f64, r_percent: f64, x_percent: f64, power_factor: f64) -> f64 {
    let sin = (1.0 - power_factor * power_factor).max(0.0).sqrt();
    let re = 1.0 + loading * (r_percent * power_factor + x_percent * sin) / 100.0;
    let im = loading * (x_percent * power_factor - r_percent * sin) / 100.0;
    100.0 * (re.hypot(im) - 1.0)
}

/// Where a segment lies on the way to a load.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Section {
    /// Above the nearest transformer (6.6 kV cables, an upstream transformer's LV cables).
    Supply,
    /// The nearest transformer.
    Transformer,
    /// LV wiring from the transformer to the last LV breaker on the way (幹線).
    Trunk,
    /// LV wiring below that breaker (分岐回路).
    Branch,
}

/// One cable or transformer on the way to a load.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SegmentDrop {
    pub device_id: String,
    pub section: Section,
    /// Cable route length, m (0 for a transformer).
    pub length_m: f64,
    /// Current through it, A at its voltage.
    pub current_a: f64,
    /// Power factor of that current.
    pub power_factor: f64,
    pub simplified_percent: f64,
    pub exact_percent: f64,
}

/// A voltage drop by both formulas, % of the nominal voltage.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DropPercent {
    pub simplified: f64,
    pub exact: f64,
}

impl DropPercent {
    /// The larger of the two (the one the rule judges).
    pub fn worst(self) -> f64 {
        self.simplified.max(self.exact)
    }
}

/// The voltage drop from the service point to one load.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct VoltageDropRow {
    pub load_id: String,
    pub name: String,
    pub transformer_id: Option<String>,
    /// Source side first.
    pub segments: Vec<SegmentDrop>,
    /// Per section, %.
    pub supply_percent: DropPercent,
    pub transformer_percent: DropPercent,
    pub trunk_percent: DropPercent,
    pub branch_percent: DropPercent,
    /// Service point to load, %.
    pub total_percent: DropPercent,
    /// LV wiring route length from the transformer's secondary terminals, m (こう長).
    pub wiring_length_m: f64,
    /// The limits that apply to the wiring (see [`WiringLimits`]); `None` when the load has
    /// no transformer above it or no cable below it.
    pub limits: Option<WiringLimits>,
}

/// Limits of the LV wiring drop for one load (内線規程 1310-1, docs/rules/design_study.md).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum WiringLimits {
    /// Route up to the long-route length: trunk and branch each limited, %.
    Split { trunk_percent: f64, branch_percent: f64 },
    /// Longer route: trunk + branch together, %.
    Total { percent: f64 },
}

/// Minimal complex arithmetic for the exact march.
#[derive(Debug, Clone, Copy)]
struct C {
    re: f64,
    im: f64,
}

impl C {
    fn mul(self, o: C) -> C {
        C { re: self.re * o.re - self.im * o.im, im: self.re * o.im + self.im * o.re }
    }
    fn add(self, o: C) -> C {
        C { re: self.re + o.re, im: self.im + o.im }
    }
    fn abs(self) -> f64 {
        self.re.hypot(self.im)
    }
}

/// Per-unit base power of the march, kVA (any value gives the same percentages).
const BASE_KVA: f64 = 1000.0;

/// Per-unit impedance of a series device, or `None` for a device without impedance here.
fn segment_z(project: &Project, topo: &Topology, i: usize) -> Option<(C, f64)> {
    match project.devices.get(i)? {
        Device::Cable(c) => {
            let z = project.cable_impedance(c, &crate::library::resolve::Resolver::of(project).library())?;
            let (up, _) = topo.oriented.get(i).copied().flatten()?;
            let Some(Device::Bus(b)) = project.devices.get(up) else { return None };
            let loop_factor = if b.single_phase { 2.0 } else { 1.0 };
            let km = c.length_m / 1000.0 / f64::from(c.parallel.max(1));
            let scale = loop_factor * km * BASE_KVA * 1000.0 / (b.voltage_v * b.voltage_v);
            Some((C { re: z.r_ohm_per_km * scale, im: z.x_ohm_per_km * scale }, c.length_m))
        }
        Device::Transformer(t) => {
            let (r, x) = t.impedance.r_x();
            let scale = BASE_KVA / t.rated_kva / 100.0;
            Some((C { re: r * scale, im: x * scale }, 0.0))
        }
        _ => None,
    }
}

/// Rows for every load, in project order.
pub(crate) fn rows(project: &Project, topo: &Topology, demands: &[LoadDemand], settings: &DesignStudySettings) -> Vec<VoltageDropRow> {
    // Per-unit current of every segment: Σ conj(S) of the loads below it (in project order).
    let through = super::loads::loads_through(demands, project.devices.len());
    let current = |seg: usize| -> C {
        through.get(seg).map(|v| v.as_slice()).unwrap_or(&[]).iter().map(|&k| &demands[k]).fold(C { re: 0.0, im: 0.0 }, |a, l| {
            a.add(C { re: l.row.demand_kw / BASE_KVA, im: -l.row.demand_kvar / BASE_KVA })
        })
    };
    let mut out = Vec::new();
    for l in demands {
        let tr_pos = l.path.iter().rposition(|&i| matches!(project.devices.get(i), Some(Device::Transformer(_))));
        let last_breaker = l.path.iter().rposition(|&i| matches!(project.devices.get(i), Some(Device::LvBreaker(_))));
        let mut segs = Vec::new();
        let mut v = C { re: 1.0, im: 0.0 };
        for (pos, &i) in l.path.iter().enumerate().rev() {
            let Some((z, length_m)) = segment_z(project, topo, i) else { continue };
            let cur = current(i);
            let drop = z.mul(cur);
            let before = v.abs();
            v = v.add(drop);
            let section = match tr_pos {
                Some(t) if pos == t => Section::Transformer,
                Some(t) if pos > t => match last_breaker {
                    Some(b) if b > t && pos > b => Section::Branch,
                    _ => Section::Trunk,
                },
                _ => Section::Supply,
            };
            let (up_v, single) = match topo.oriented.get(i).copied().flatten().and_then(|(up, _)| project.devices.get(up)) {
                Some(Device::Bus(b)) => (b.voltage_v, b.single_phase),
                _ => (f64::NAN, false),
            };
            let amps_base = BASE_KVA * 1000.0 / (if single { 1.0 } else { 3f64.sqrt() } * up_v);
            segs.push(SegmentDrop {
                device_id: project.devices[i].id().to_string(),
                section,
                length_m,
                current_a: cur.abs() * amps_base,
                power_factor: if cur.abs() > 0.0 { cur.re / cur.abs() } else { 1.0 },
                simplified_percent: drop.re * 100.0,
                exact_percent: (v.abs() - before) * 100.0,
            });
        }
        segs.reverse();
        let sum = |s: Option<Section>| -> DropPercent {
            segs.iter().filter(|g| s.is_none_or(|s| g.section == s)).fold(DropPercent { simplified: 0.0, exact: 0.0 }, |a, g| DropPercent {
                simplified: a.simplified + g.simplified_percent,
                exact: a.exact + g.exact_percent,
            })
        };
        let wiring_length_m: f64 = segs.iter().filter(|g| matches!(g.section, Section::Trunk | Section::Branch)).fold(0.0, |a, g| a + g.length_m);
        let has_wiring = segs.iter().any(|g| matches!(g.section, Section::Trunk | Section::Branch));
        let limits = (tr_pos.is_some() && has_wiring).then(|| settings.wiring_limits(wiring_length_m));
        out.push(VoltageDropRow {
            load_id: l.row.device_id.clone(),
            name: l.row.name.clone(),
            transformer_id: l.row.transformer_id.clone(),
            supply_percent: sum(Some(Section::Supply)),
            transformer_percent: sum(Some(Section::Transformer)),
            trunk_percent: sum(Some(Section::Trunk)),
            branch_percent: sum(Some(Section::Branch)),
            total_percent: sum(None),
            wiring_length_m,
            limits,
            segments: segs,
        });
    }
    out
}
