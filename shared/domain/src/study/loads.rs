//! The load list (負荷一覧): every load and motor with its installed input, demand factor
//! (需要率) and demand in kW / kvar / kVA, and the feeder and transformer that supply it
//! (docs/engineering.md §10.1).

use serde::Serialize;

use crate::model::topology::Topology;
use crate::model::{Device, Project};

/// Kind of consuming device.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum LoadKind {
    Load,
    Motor,
}

/// One load or motor of the load list.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct LoadRow {
    pub device_id: String,
    pub name: String,
    pub kind: LoadKind,
    pub bus_id: String,
    /// Bus voltage, V (line-to-line; 210 on a 1φ3W bus).
    pub voltage_v: f64,
    pub single_phase: bool,
    /// The feeder (the circuit the load is on): the nearest LV breaker above the load below
    /// its transformer; without one, the series device leaving the transformer's secondary
    /// bus on the way; for a load without a transformer above it, the device feeding its
    /// bus. `None` for a load directly on the transformer's secondary bus.
    pub feeder_id: Option<String>,
    /// The nearest transformer above the load, if any.
    pub transformer_id: Option<String>,
    /// Installed input, kVA (a motor: kW / (η·cos φ)).
    pub installed_kva: f64,
    /// Power factor 0 … 1 (lagging).
    pub power_factor: f64,
    /// Demand factor (需要率) 0 … 1.
    pub demand_factor: f64,
    /// Demand: installed × demand factor, kW, kvar, kVA.
    pub demand_kw: f64,
    pub demand_kvar: f64,
    pub demand_kva: f64,
    /// Demand current at the bus voltage, A (`kVA / (√3·V)`, `kVA / V` single-phase).
    pub current_a: f64,
}

/// A load with what the other parts of the study need about its place in the tree.
#[derive(Debug, Clone)]
pub(crate) struct LoadDemand {
    /// Series devices from the source to the load's bus, source side first.
    pub path: Vec<usize>,
    pub row: LoadRow,
}

/// Load rows with their paths, in project order; loads the topology does not reach are
/// left out.
pub(crate) fn demands(project: &Project, topo: &Topology) -> Vec<LoadDemand> {
    let mut out = Vec::new();
    for d in &project.devices {
        let (kind, bus_id, installed_kva, pf, df) = match d {
            Device::Load(l) => (LoadKind::Load, &l.bus, l.rated_kva, l.power_factor.unwrap_or(0.9), l.demand_factor_or_default()),
            Device::Motor(m) => (LoadKind::Motor, &m.bus, m.input_kva(), m.power_factor_or_default(), m.demand_factor_or_default()),
            _ => continue,
        };
        let Some(&bus) = topo.bus_index.get(bus_id.as_str()) else { continue };
        if topo.depth.get(bus).copied().flatten().is_none() {
            continue;
        }
        let Some(Device::Bus(b)) = project.devices.get(bus) else { continue };
        let path = topo.path_to_bus(project, bus);
        let tr_pos = path.iter().rposition(|&i| matches!(project.devices.get(i), Some(Device::Transformer(_))));
        let transformer_id = tr_pos.map(|p| project.devices[path[p]].id().to_string());
        let last_breaker = path.iter().rposition(|&i| matches!(project.devices.get(i), Some(Device::LvBreaker(_))));
        let feeder = match (tr_pos, last_breaker) {
            (Some(t), Some(b)) if b > t => Some(b),
            (Some(t), _) => (t + 1 < path.len()).then_some(t + 1),
            (None, _) => path.len().checked_sub(1),
        };
        let feeder_id = feeder.map(|p| project.devices[path[p]].id().to_string());
        let pf = pf.clamp(0.0, 1.0);
        let demand_kva = installed_kva * df;
        let demand_kw = demand_kva * pf;
        let demand_kvar = demand_kva * (1.0 - pf * pf).max(0.0).sqrt();
        let k = if b.single_phase { 1.0 } else { 3f64.sqrt() };
        out.push(LoadDemand {
            path,
            row: LoadRow {
                device_id: d.id().to_string(),
                name: d.display_name().to_string(),
                kind,
                bus_id: b.id.clone(),
                voltage_v: b.voltage_v,
                single_phase: b.single_phase,
                feeder_id,
                transformer_id,
                installed_kva,
                power_factor: pf,
                demand_factor: df,
                demand_kw,
                demand_kvar,
                demand_kva,
                current_a: demand_kva * 1000.0 / (k * b.voltage_v),
            },
        });
    }
    out
}

/// Per device index: the loads (positions in `demands`, ascending) whose path runs through
/// the device — every load below it. Linear in the total length of the paths.
pub(crate) fn loads_through(demands: &[LoadDemand], devices: usize) -> Vec<Vec<usize>> {
    let mut through: Vec<Vec<usize>> = vec![Vec::new(); devices];
    for (k, l) in demands.iter().enumerate() {
        for &seg in &l.path {
            // A path names a device once; a repeat (not a tree) must not count twice.
            if let Some(list) = through.get_mut(seg) {
                if list.last() != Some(&k) {
                    list.push(k);
                }
            }
        }
    }
    through
}
