//! Power-factor correction (力率改善): the site's demand power factor, the capacitor
//! reactive power that raises it to the target, and what the installed banks deliver
//! (docs/engineering.md §10.3).
//!
//! Required: `Q = P · (tan φ₁ − tan φ₂)` with `cos φ₁` the demand's and `cos φ₂` the target.
//! A bank of capacitor rating `Q_C` at its rated voltage `V_C` with a series reactor of
//! `L` % of the capacitor reactance delivers at the bus voltage `V`
//! `Q_eff = Q_C · (V / V_C)² / (1 − L/100)` (the bank's net reactance is `(1 − L)·X_C`). For the
//! JIS C 4902 bank with a 6 % reactor the capacitor is rated `V_C = V / (1 − 0.06)` (7 020 V
//! on 6 600 V), which gives `Q_eff = Q_C · (1 − 0.06)`: its 設備容量 (equipment output) is
//! 94 % of the capacitor's own rating (a 50 kvar bank has a 53.2 kvar capacitor).

use serde::Serialize;

use super::loads::LoadDemand;
use crate::checks::design_study::DesignStudySettings;
use crate::model::topology::Topology;
use crate::model::{Device, Project};

/// Capacitor reactive power that raises the power factor of `p_kw` from `pf_from` to
/// `pf_to` (both lagging, 0 < pf ≤ 1), kvar; 0 when it is already there.
pub fn required_kvar(p_kw: f64, pf_from: f64, pf_to: f64) -> f64 {
    let tan = |pf: f64| (1.0 - pf * pf).max(0.0).sqrt() / pf;
    if !(pf_from > 0.0 && pf_to > 0.0) || pf_from >= pf_to {
        return 0.0;
    }
    p_kw * (tan(pf_from) - tan(pf_to))
}

/// Reactive power a bank delivers at `bus_voltage_v`, kvar: `Q_C · (V/V_C)² / (1 − L/100)`.
pub fn effective_kvar(rated_kvar: f64, rated_voltage_v: f64, bus_voltage_v: f64, reactor_percent: f64) -> f64 {
    let l = (reactor_percent / 100.0).clamp(0.0, 0.5);
    rated_kvar * (bus_voltage_v / rated_voltage_v).powi(2) / (1.0 - l)
}

/// Power factor of `p_kw` with `q_kvar` of net reactive power (negative = leading), 0 … 1.
pub fn power_factor(p_kw: f64, q_kvar: f64) -> f64 {
    let s = p_kw.hypot(q_kvar);
    if s > 0.0 {
        p_kw / s
    } else {
        1.0
    }
}

/// One installed capacitor bank.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct BankRow {
    pub device_id: String,
    pub name: String,
    pub bus_id: String,
    /// Bus voltage, V.
    pub bus_voltage_v: f64,
    /// The capacitor's own rating, kvar at `rated_voltage_v`.
    pub rated_kvar: f64,
    pub rated_voltage_v: f64,
    /// Series reactor, % of the capacitor reactance.
    pub reactor_percent: f64,
    /// Reactive power delivered at the bus voltage, kvar.
    pub effective_kvar: f64,
}

/// The site's power factor before and after the installed banks.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PowerFactorStudy {
    /// Site demand: Σ (installed × demand factor) / diversity, kW and kvar (lagging).
    pub demand_kw: f64,
    pub demand_kvar: f64,
    /// Power factor of the demand without capacitors.
    pub power_factor_before: f64,
    /// Design target of the correction.
    pub target_power_factor: f64,
    /// Power factor below which the check warns (the tariff's reference).
    pub min_power_factor: f64,
    /// Reactive power needed to reach the target, kvar (at the bus).
    pub required_kvar: f64,
    /// Capacitor rating that delivers `required_kvar` in a bank with the reference series
    /// reactor (`reference_reactor_percent`), kvar: `required / (1 − L)`, at `V / (1 − L)`.
    pub required_capacitor_kvar: f64,
    pub reference_reactor_percent: f64,
    pub banks: Vec<BankRow>,
    /// Σ effective kvar of the banks.
    pub installed_kvar: f64,
    /// Demand kvar − installed kvar (negative: leading).
    pub net_kvar: f64,
    /// Power factor with every bank in service.
    pub power_factor_after: f64,
    /// The site leads at its demand with every bank in service.
    pub leading: bool,
    /// Reactive power still missing to reach the target, kvar (0 when reached).
    pub additional_kvar: f64,
}

/// The site's power-factor study; `None` when no load has real power.
pub(crate) fn study(project: &Project, topo: &Topology, demands: &[LoadDemand], settings: &DesignStudySettings) -> Option<PowerFactorStudy> {
    let p: f64 = demands.iter().map(|l| l.row.demand_kw).sum::<f64>() / settings.diversity_factor;
    let q: f64 = demands.iter().map(|l| l.row.demand_kvar).sum::<f64>() / settings.diversity_factor;
    if p.is_nan() || p <= 0.0 {
        return None;
    }
    let mut banks = Vec::new();
    for d in &project.devices {
        let Device::Capacitor(c) = d else { continue };
        let Some(&bus) = topo.bus_index.get(c.bus.as_str()) else { continue };
        let Some(Device::Bus(b)) = project.devices.get(bus) else { continue };
        banks.push(BankRow {
            device_id: c.id.clone(),
            name: d.display_name().to_string(),
            bus_id: b.id.clone(),
            bus_voltage_v: b.voltage_v,
            rated_kvar: c.rated_kvar,
            rated_voltage_v: c.rated_voltage_v,
            reactor_percent: c.reactor_percent,
            effective_kvar: effective_kvar(c.rated_kvar, c.rated_voltage_v, b.voltage_v, c.reactor_percent),
        });
    }
    let installed: f64 = banks.iter().fold(0.0, |a, b| a + b.effective_kvar);
    let before = power_factor(p, q);
    let target = settings.target_power_factor;
    let required = required_kvar(p, before, target);
    let net = q - installed;
    let l = (settings.reference_reactor_percent / 100.0).clamp(0.0, 0.5);
    Some(PowerFactorStudy {
        demand_kw: p,
        demand_kvar: q,
        power_factor_before: before,
        target_power_factor: target,
        min_power_factor: settings.min_power_factor,
        required_kvar: required,
        required_capacitor_kvar: required / (1.0 - l),
        reference_reactor_percent: settings.reference_reactor_percent,
        banks,
        installed_kvar: installed,
        net_kvar: net,
        power_factor_after: power_factor(p, net),
        leading: net < -1e-9 * q.abs().max(1.0),
        additional_kvar: (required - installed).max(0.0),
    })
}
