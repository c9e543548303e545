//! The protection coordination checks of docs/engineering.md §8, run on a validated project and its
//! short-circuit study.
//!
//! Every check yields a [`CheckResult`]: the rule id, the devices it concerns, pass / warning
//! / fail, the worst margin with its unit, the current where it occurs and a sentence in
//! Japanese and English. Comparisons use the devices' *bands* (earliest and latest
//! operation, tolerances and breaker opening time included, see [`crate::curves`]) on one
//! chart at the utility voltage, so a pass never rests on nominal curves alone.
//!
//! Rules (ids):
//! 1. `main_vs_utility` — customer main device (OCR or PF) before the utility OCR.
//! 2. `transformer_inrush`, `main_inrush` — inrush does not trip the protecting device
//!    (relay earliest time, PF allowable curve), per transformer and summed at the main.
//! 3. `transformer_protection` — the primary device clears the secondary fault within the
//!    transformer's short-time withstand.
//! 4. `pf_vs_upstream_ocr`, `pf_vs_lv_main` (and `ocr_vs_lv_main`, `pf_series`,
//!    `hv_series` for the other pairs of high-voltage devices).
//! 5. `lv_series` — LV breakers in series.
//! 6. `cable_withstand`.
//! 7. `breaking_capacity`.
//! 8. `ground_vs_utility`, `dgr_required`.
//! 9. `capacitor_inrush` (in [`capacitor_banks`], with the reactor and summed-bank rules).
//!
//! Further rule families live in the submodules (ratings, motor starting, switchgear duty,
//! ground protection, the main device, capacitor banks, the HV relay against the LV main,
//! instrument transformers, arresters and earthing, disconnectors, study criteria);
//! `docs/rules.md` lists every rule with its thresholds and sources.
//!
//! Status policy for device pairs, at every current up to the largest fault through the
//! downstream device:
//! - the bands overlap where the upstream's instantaneous element cannot act → fail;
//! - two relays in series whose nominal curves are closer than the margin setting (0.3 s)
//!   below the upstream's instantaneous pickup → fail (docs/engineering.md §2, §8 rule 1);
//! - the bands overlap only where the upstream's instantaneous element acts → warning
//!   (partial selectivity: the upstream instantaneous trips too for the largest faults);
//! - the HV relay against the LV main breaker (`ocr_vs_lv_main`, [`lv_main`]) follows the
//!   same split with its own messages: its time element overlapping the LV main fails, its
//!   instantaneous element alone warns.
//!
//! Every rule, its thresholds and sources: `docs/rules/coordination.md`.

#![allow(clippy::neg_cmp_op_on_partial_ord)] // `!(x > 0.0)` is meant: NaN must take the refusing branch.

pub mod capacitor_banks;
pub mod design_study;
pub mod devices;
pub mod disconnectors;
pub mod earthing;
pub mod ground_protection;
pub mod instrument_transformers;
mod lv_main;
pub mod main_device;
pub mod motor_start;
pub mod ratings;
pub mod sheets;
pub mod study_settings;
pub mod switchgear;

use serde::Serialize;

use crate::curves::{withstand_time, pt, referral_factor, sample_grid, Characteristic, CurvePoint, Tcc, TimeBand};
use crate::model::topology::Topology;
use crate::library::resolve::Resolver;
use crate::model::{Device, Project};
use crate::shortcircuit::{BusShortCircuit, ShortCircuitStudy};

pub use crate::model::FaultBasis;

/// Settings of the coordination checks. Every field has a documented default
/// ([`CheckSettings::default`]); [`CheckSettings::from_project`] takes the project's own
/// settings where it gives them. Times in s, currents as multiples unless named.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CheckSettings {
    /// Margin between two relays in series, s (practice 0.2–0.3; default 0.3).
    pub margin_s: f64,
    /// Margin between bands of pairs involving a fuse or an LV breaker, s (default 0: the
    /// bands must not touch).
    pub device_margin_s: f64,
    /// Transformer inrush, × rated primary current (default 10).
    pub inrush_multiple: f64,
    /// Transformer inrush duration, s (default 0.1).
    pub inrush_duration_s: f64,
    /// Transformer short-time withstand, × rated current (default 25).
    pub transformer_withstand_multiple: f64,
    /// Transformer short-time withstand duration, s (default 2.0).
    pub transformer_withstand_duration_s: f64,
    /// Relay tolerances (pickup ±10 %, instantaneous ±15 %, time ±17 % / ±12 %).
    pub relay_tolerance: crate::curves::RelayTolerance,
    /// Fastest instantaneous operation, s (default 0.02).
    pub instantaneous_min_time_s: f64,
    /// Slowest instantaneous relay operation when the relay does not say, s (default 0.05:
    /// ≤ 50 ms at 200 %).
    pub instantaneous_max_time_s: f64,
    /// VCB opening time when the relay does not give one, in cycles of the supply
    /// (default 3: 0.06 s at 50 Hz, 0.05 s at 60 Hz).
    pub breaker_cycles: f64,
    /// Spread of PF melting times about the catalogue average (default 0.20).
    pub fuse_melting_spread: f64,
    /// Cable withstand constant K when neither the cable nor its library item gives one
    /// (default 134: XLPE copper).
    pub default_cable_k: f64,
    /// Ground relay pickup tolerance (default 0.10).
    pub ground_pickup_tolerance: f64,
    /// Ground relay time tolerance (default 0.10).
    pub ground_time_tolerance: f64,
    /// Utility ground relay time assumed when the project does not give it, s (default 0.9).
    pub assumed_utility_ground_time_s: f64,
    /// Length of the customer's 6.6 kV cable from which a DGR is advised, m (default 100:
    /// some utilities require a DGR from 100 m).
    pub dgr_advised_length_m: f64,
    /// Capacitor inrush duration, s (default 0.01).
    pub capacitor_inrush_duration_s: f64,
    /// Capacitor inrush multiple of its rated current without a series reactor (default 70).
    /// With a reactor of L % the multiple is 1 + √(100/L).
    pub capacitor_inrush_multiple_no_reactor: f64,
    /// Refer LV devices through Δ-Y transformers for phase-to-phase faults (÷0.866;
    /// default false: three-phase referral).
    pub delta_wye_phase_to_phase: bool,
    /// Which short-circuit result counts as the maximum fault current (default %Z method).
    pub fault_basis: FaultBasis,
    /// Currents evaluated per device pair (log-spaced, plus every pickup; default 240).
    pub samples: usize,
    /// Ratings against continuous current ([`ratings`]).
    pub ratings: ratings::RatingSettings,
    /// Motor starting ([`motor_start`]).
    pub motor_start: motor_start::MotorStartSettings,
    /// Switchgear duty and SO lock ([`switchgear`]).
    pub switchgear: switchgear::SwitchgearSettings,
    /// Ground protection ([`ground_protection`]).
    pub ground_protection: ground_protection::GroundProtectionSettings,
    /// The main protective device ([`main_device`]).
    pub main_device: main_device::MainDeviceSettings,
    /// Capacitor banks ([`capacitor_banks`]).
    pub capacitors: capacitor_banks::CapacitorSettings,
    /// Bounds of customary study criteria ([`study_settings`]).
    pub study: study_settings::StudySettings,
    /// The design study: transformer loading, power factor, voltage drop ([`design_study`]).
    pub design_study: design_study::DesignStudySettings,
    /// CTs, VTs and the metering unit ([`instrument_transformers`]).
    pub instrument_transformers: instrument_transformers::InstrumentTransformerSettings,
    /// Lightning arresters and earthing ([`earthing`]).
    pub earthing: earthing::EarthingSettings,
}

impl Default for CheckSettings {
    fn default() -> Self {
        CheckSettings {
            margin_s: 0.3,
            device_margin_s: 0.0,
            inrush_multiple: 10.0,
            inrush_duration_s: 0.1,
            transformer_withstand_multiple: 25.0,
            transformer_withstand_duration_s: 2.0,
            relay_tolerance: crate::curves::RelayTolerance::default(),
            instantaneous_min_time_s: 0.02,
            instantaneous_max_time_s: 0.05,
            breaker_cycles: 3.0,
            fuse_melting_spread: 0.20,
            default_cable_k: 134.0,
            ground_pickup_tolerance: 0.10,
            ground_time_tolerance: 0.10,
            assumed_utility_ground_time_s: 0.9,
            dgr_advised_length_m: 100.0,
            capacitor_inrush_duration_s: 0.01,
            capacitor_inrush_multiple_no_reactor: 70.0,
            delta_wye_phase_to_phase: false,
            fault_basis: FaultBasis::PercentZ,
            samples: 240,
            ratings: Default::default(),
            motor_start: Default::default(),
            switchgear: Default::default(),
            ground_protection: Default::default(),
            main_device: Default::default(),
            capacitors: Default::default(),
            study: Default::default(),
            design_study: Default::default(),
            instrument_transformers: Default::default(),
            earthing: Default::default(),
        }
    }
}

impl CheckSettings {
    /// Defaults overridden by the project's settings (margin, inrush, withstand).
    pub fn from_project(project: &Project) -> CheckSettings {
        let s = &project.settings;
        let d = CheckSettings::default();
        CheckSettings {
            margin_s: s.margin_s_or_default(),
            inrush_multiple: s.inrush_multiple_or_default(),
            inrush_duration_s: s.inrush_duration_s_or_default(),
            transformer_withstand_multiple: s.transformer_withstand_multiple_or_default(),
            transformer_withstand_duration_s: s.transformer_withstand_duration_s_or_default(),
            fault_basis: s.fault_basis.unwrap_or(d.fault_basis),
            ..d
        }
    }

    /// Default breaker opening time at a frequency, s.
    pub fn breaker_time_s(&self, frequency_hz: f64) -> f64 {
        if frequency_hz > 0.0 && self.breaker_cycles.is_finite() && self.breaker_cycles >= 0.0 {
            self.breaker_cycles / frequency_hz
        } else {
            0.1
        }
    }
}

/// Outcome of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Pass,
    Warning,
    Fail,
}

/// Unit of a margin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum MarginUnit {
    /// Seconds: positive = the required order holds with this much time to spare.
    Seconds,
    /// Ratio: capacity / demand; ≥ 1 passes.
    Ratio,
}

/// A margin with its unit. `value` is `None` when it is unbounded below (one device may
/// operate where the other never does).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Margin {
    pub value: Option<f64>,
    pub unit: MarginUnit,
}

impl Margin {
    fn seconds(v: f64) -> Margin {
        Margin { value: v.is_finite().then_some(v), unit: MarginUnit::Seconds }
    }
    fn ratio(v: f64) -> Margin {
        Margin { value: v.is_finite().then_some(v), unit: MarginUnit::Ratio }
    }
}

/// The result of one coordination check.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CheckResult {
    /// Stable rule id, e.g. `main_vs_utility` (see the module documentation).
    pub rule: &'static str,
    /// Ids of the devices concerned, upstream first; `utility` names the utility's relay.
    pub devices: Vec<String>,
    pub status: Status,
    /// Worst margin found, if the rule has one.
    pub worst_margin: Option<Margin>,
    /// Current where the worst margin occurs, A, at `current_basis_v`.
    pub at_current_a: Option<f64>,
    /// Voltage the current is expressed at, V (the chart voltage for pair checks).
    pub current_basis_v: Option<f64>,
    pub message_ja: String,
    pub message_en: String,
}

/// Id used for the utility's relays in [`CheckResult::devices`].
pub const UTILITY_ID: &str = "utility";

/// Kind of protective device in the tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ProtKind {
    Ocr,
    Fuse,
    LvBreaker,
}

/// A protective device with its characteristic referred to the chart.
#[derive(Debug, Clone)]
pub(crate) struct Prot {
    pub kind: ProtKind,
    pub tcc: Tcc,
}

/// Everything the checks need about one project, computed once.
pub(crate) struct Ctx<'a> {
    pub project: &'a Project,
    pub sc: &'a ShortCircuitStudy,
    pub settings: &'a CheckSettings,
    pub topo: Topology,
    /// Chart voltage (the utility's), V.
    pub chart_v: f64,
    pub frequency_hz: f64,
    /// Per device index: its protective characteristic, if it is a protective device.
    pub prot: Vec<Option<Prot>>,
    /// Per device index: why a protective device has no characteristic.
    pub prot_errors: Vec<Option<String>>,
    /// The utility's OCR on the chart, if given.
    pub utility_ocr: Option<Tcc>,
    /// Per bus index: series devices leaving it downstream.
    pub children: Vec<Vec<usize>>,
    /// Per device index: the position in `sc.buses` of the first row with the device's id.
    bus_rows: Vec<Option<usize>>,
    /// Shunt devices (loads, motors, capacitors, …) by the id of their bus, in project order.
    shunts_by_id: std::collections::HashMap<&'a str, Vec<usize>>,
}

impl<'a> Ctx<'a> {
    pub fn new(project: &'a Project, sc: &'a ShortCircuitStudy, settings: &'a CheckSettings) -> Ctx<'a> {
        let (topo, _) = Topology::build(project);
        let n = project.devices.len();
        let chart_v = project.utility.voltage_v;
        let frequency_hz = project.utility.frequency_hz.hz();
        let mut children = vec![Vec::new(); n];
        for i in 0..n {
            if let Some((up, _)) = topo.oriented.get(i).copied().flatten() {
                if let Some(c) = children.get_mut(up) {
                    c.push(i);
                }
            }
        }
        let mut first_row: std::collections::HashMap<&str, usize> = std::collections::HashMap::with_capacity(sc.buses.len());
        for (k, r) in sc.buses.iter().enumerate() {
            first_row.entry(r.bus_id.as_str()).or_insert(k);
        }
        let bus_rows = project.devices.iter().map(|d| first_row.get(d.id()).copied()).collect();
        let mut shunts_by_id: std::collections::HashMap<&'a str, Vec<usize>> = std::collections::HashMap::new();
        for (k, d) in project.devices.iter().enumerate() {
            if let Some(b) = d.shunt_bus() {
                shunts_by_id.entry(b).or_default().push(k);
            }
        }
        let mut ctx = Ctx {
            project,
            sc,
            settings,
            topo,
            bus_rows,
            shunts_by_id,
            chart_v,
            frequency_hz,
            prot: vec![None; n],
            prot_errors: vec![None; n],
            utility_ocr: None,
            children,
        };
        ctx.utility_ocr = project
            .utility
            .ocr
            .as_ref()
            .and_then(|o| devices::relay_from_ocr(o, &Resolver::of(project), settings, frequency_hz).ok())
            .map(|r| Tcc::new(Characteristic::Relay(r)));
        for (i, d) in project.devices.iter().enumerate() {
            let Some(up) = ctx.topo.oriented.get(i).copied().flatten().map(|(u, _)| u) else { continue };
            let factor = ctx.referral(up);
            let built: Option<Result<(ProtKind, Characteristic), String>> = match d {
                Device::Vcb(v) => Some(
                    devices::relay_from_ocr(&v.ocr, &Resolver::of(project), settings, frequency_hz)
                        .map(|r| (ProtKind::Ocr, Characteristic::Relay(r)))
                        .map_err(|e| e.to_string()),
                ),
                Device::LbsPf(l) => Some(
                    devices::fuse_curves(&l.fuse, &Resolver::of(project), settings)
                        .map(|f| (ProtKind::Fuse, Characteristic::Fuse(f)))
                        .ok_or_else(|| "no curve for this fuse".to_string()),
                ),
                Device::LvBreaker(b) => Some(
                    devices::breaker_trip(b, &Resolver::of(project))
                        .map(|t| (ProtKind::LvBreaker, Characteristic::Breaker(t)))
                        .ok_or_else(|| "no trip band for this breaker".to_string()),
                ),
                _ => None,
            };
            match built {
                Some(Ok((kind, ch))) => {
                    ctx.prot[i] = Some(Prot { kind, tcc: Tcc::new(ch).referred(factor) });
                }
                Some(Err(e)) => ctx.prot_errors[i] = Some(e),
                None => {}
            }
        }
        ctx
    }

    fn bus_id(&self, bus: usize) -> &str {
        self.project.devices.get(bus).map(|d| d.id()).unwrap_or("")
    }

    pub fn bus_voltage(&self, bus: usize) -> f64 {
        match self.project.devices.get(bus) {
            Some(Device::Bus(b)) => b.voltage_v,
            _ => f64::NAN,
        }
    }

    fn bus_row(&self, bus: usize) -> Option<&'a BusShortCircuit> {
        let sc: &'a ShortCircuitStudy = self.sc;
        match self.bus_rows.get(bus) {
            Some(row) => row.and_then(|k| sc.buses.get(k)),
            // Not a device index: the row of the empty id, as before.
            None => sc.buses.iter().find(|b| b.bus_id.is_empty()),
        }
    }

    /// Factor referring currents at a bus to the chart.
    pub fn referral(&self, bus: usize) -> f64 {
        let v = self.bus_voltage(bus);
        let base = match self.bus_row(bus) {
            Some(r) if r.ratio_to_utility.is_finite() && r.ratio_to_utility > 0.0 => r.ratio_to_utility,
            _ => referral_factor(v, self.chart_v, false).unwrap_or(1.0),
        };
        if self.settings.delta_wye_phase_to_phase && v < self.chart_v {
            base / (3f64.sqrt() / 2.0)
        } else {
            base
        }
    }

    /// Largest fault current at a bus (per the fault basis): (own A, chart A).
    pub fn bus_fault(&self, bus: usize) -> Option<(f64, f64)> {
        let r = self.bus_row(bus)?;
        let ka = match self.settings.fault_basis {
            FaultBasis::PercentZ => r.percent_z.ik_ka,
            FaultBasis::IecMax => r.iec_max.ik_ka,
            FaultBasis::Larger => r.percent_z.ik_ka.max(r.iec_max.ik_ka),
        };
        let own = ka * 1000.0;
        (own.is_finite() && own > 0.0).then(|| (own, own * self.referral(bus)))
    }

    /// Largest fault current at a bus for the duty of switching devices (per the fault
    /// basis, with the contribution of motors and generators in parallel — the larger of
    /// with and without): (own A, chart A). docs/rules/coordination.md, rule 7.
    pub fn bus_fault_duty(&self, bus: usize) -> Option<(f64, f64)> {
        let r = self.bus_row(bus)?;
        let pz = r.percent_z.ik_ka.max(r.percent_z_with_contribution.ik_ka);
        let iec = r.iec_max.ik_ka.max(r.iec_max_with_contribution.ik_ka);
        let ka = match self.settings.fault_basis {
            FaultBasis::PercentZ => pz,
            FaultBasis::IecMax => iec,
            FaultBasis::Larger => pz.max(iec),
        };
        let own = ka * 1000.0;
        (own.is_finite() && own > 0.0).then(|| (own, own * self.referral(bus)))
    }

    /// [`Ctx::bus_fault_duty`] and, at a 1φ3W bus, the 105 V line-to-neutral fault when it is
    /// larger: the current an LV breaker on that bus must break. (own A, chart A, whether the
    /// 105 V fault governs).
    pub fn bus_fault_lv(&self, bus: usize) -> Option<(f64, f64, bool)> {
        let (own, _) = self.bus_fault_duty(bus)?;
        let r = self.bus_row(bus)?;
        let ln = |f: &crate::shortcircuit::FaultCurrents| f.ik_ln_ka.unwrap_or(0.0);
        let pz = ln(&r.percent_z).max(ln(&r.percent_z_with_contribution));
        let iec = ln(&r.iec_max).max(ln(&r.iec_max_with_contribution));
        let ln_a = 1000.0
            * match self.settings.fault_basis {
                FaultBasis::PercentZ => pz,
                FaultBasis::IecMax => iec,
                FaultBasis::Larger => pz.max(iec),
            };
        let (own, by_ln) = if ln_a.is_finite() && ln_a > own { (ln_a, true) } else { (own, false) };
        Some((own, own * self.referral(bus), by_ln))
    }

    /// Peak current at a bus for the making duty (per the fault basis, with contribution), kA.
    pub fn bus_peak_duty(&self, bus: usize) -> Option<f64> {
        let r = self.bus_row(bus)?;
        let pz = r.percent_z.ip_ka.max(r.percent_z_with_contribution.ip_ka);
        let iec = r.iec_max.ip_ka.max(r.iec_max_with_contribution.ip_ka);
        let ka = match self.settings.fault_basis {
            FaultBasis::PercentZ => pz,
            FaultBasis::IecMax => iec,
            FaultBasis::Larger => pz.max(iec),
        };
        (ka.is_finite() && ka > 0.0).then_some(ka)
    }

    /// Whether machines add to the fault current at a bus (per the fault basis).
    pub fn contribution_at(&self, bus: usize) -> bool {
        self.bus_row(bus).is_some_and(|r| {
            r.percent_z_with_contribution.ik_ka > r.percent_z.ik_ka * (1.0 + 1e-9) || r.iec_max_with_contribution.ik_ka > r.iec_max.ik_ka * (1.0 + 1e-9)
        })
    }

    /// Smallest fault at a bus (IEC minimum, phase-to-phase at three-phase buses): (own A,
    /// chart A).
    pub fn bus_fault_min(&self, bus: usize) -> Option<(f64, f64)> {
        let r = self.bus_row(bus)?;
        let own = r.iec_min.ik2_ka.unwrap_or(r.iec_min.ik_ka) * 1000.0;
        (own.is_finite() && own > 0.0).then(|| (own, own * self.referral(bus)))
    }

    /// Protective devices above a bus, nearest first (the feeder of the bus first).
    pub fn upstream_protective(&self, bus: usize) -> Vec<usize> {
        let mut out = Vec::new();
        let mut cur = bus;
        let mut guard = 0;
        while let Some(edge) = self.topo.feeder_of_bus.get(cur).copied().flatten() {
            if self.prot.get(edge).is_some_and(|p| p.is_some()) || self.prot_errors.get(edge).is_some_and(|e| e.is_some()) {
                out.push(edge);
            }
            match self.topo.oriented.get(edge).copied().flatten() {
                Some((up, _)) => cur = up,
                None => break,
            }
            guard += 1;
            if guard > self.project.devices.len() {
                break;
            }
        }
        out
    }

    /// Every bus in the subtree below a series device, the device's downstream bus included.
    pub fn buses_below(&self, device: usize) -> Vec<usize> {
        let mut out = Vec::new();
        let Some(start) = self.topo.downstream_bus(device) else { return out };
        let mut stack = vec![start];
        let mut seen = vec![false; self.project.devices.len()];
        while let Some(b) = stack.pop() {
            if std::mem::replace(seen.get_mut(b).unwrap_or(&mut true), true) {
                continue;
            }
            out.push(b);
            for &c in self.children.get(b).map(|v| v.as_slice()).unwrap_or(&[]) {
                if let Some(down) = self.topo.downstream_bus(c) {
                    stack.push(down);
                }
            }
        }
        out
    }

    /// Shunt devices whose bus id is this bus's id, in project order (every device with
    /// `shunt_bus() == Some(id)`).
    pub fn shunts_named(&self, bus: usize) -> &[usize] {
        self.shunts_by_id.get(self.bus_id(bus)).map(|v| v.as_slice()).unwrap_or(&[])
    }

    /// Shunt devices at a bus (`shunt_bus()` given and `upstream_bus` this bus), in project
    /// order.
    pub fn shunts_at(&self, bus: usize) -> impl Iterator<Item = usize> + '_ {
        self.shunts_named(bus).iter().copied().filter(move |&k| self.topo.upstream_bus(self.project, k) == Some(bus))
    }

    /// Per device index: whether it is one of [`Ctx::buses_below`] `device`.
    pub fn below_mask(&self, device: usize) -> Vec<bool> {
        let mut mask = vec![false; self.project.devices.len()];
        for b in self.buses_below(device) {
            if let Some(m) = mask.get_mut(b) {
                *m = true;
            }
        }
        mask
    }

    fn id(&self, device: usize) -> String {
        self.project.devices.get(device).map(|d| d.id().to_string()).unwrap_or_default()
    }

    fn name(&self, device: usize) -> String {
        self.project.devices.get(device).map(|d| d.display_name().to_string()).unwrap_or_default()
    }

    fn prot_tcc(&self, device: usize) -> Option<&Prot> {
        self.prot.get(device).and_then(|p| p.as_ref())
    }
}

/// Result of comparing an upstream device with a downstream device over a range of currents.
#[derive(Debug, Clone, Copy)]
struct PairOutcome {
    /// Worst band margin `up.min − down.max` over the whole range (−∞: the upstream may
    /// operate where the downstream does not), and its current.
    band_worst: f64,
    band_worst_at: f64,
    /// Worst band margin where the upstream instantaneous element cannot act.
    band_worst_out: f64,
    band_worst_out_at: f64,
    /// Worst time ratio `up.min / down.max` over the whole range and outside the upstream
    /// instantaneous zone (0 where the downstream never operates), with their currents.
    ratio_worst: f64,
    ratio_worst_at: f64,
    ratio_worst_out: f64,
    ratio_worst_out_at: f64,
    /// Worst nominal margin (`up` nominal − `down` nominal) below the upstream's nominal
    /// instantaneous pickup, where both nominal times are finite.
    nominal_worst: f64,
    nominal_worst_at: f64,
    /// Lowest current with a negative band margin.
    first_overlap_at: Option<f64>,
    /// Any current evaluated at all.
    evaluated: bool,
}

/// Nominal time of an upstream device: relay curve, PF average melting, breaker minimum.
fn nominal_up(t: &Tcc, i: f64) -> f64 {
    let own = i / t.current_scale;
    match &t.characteristic {
        Characteristic::Relay(r) => r.nominal(own),
        Characteristic::Fuse(f) => f.melting.time_at(own),
        _ => t.band(i).min_s,
    }
}

/// Nominal time of a downstream device: relay curve, PF total clearing, breaker maximum.
fn nominal_down(t: &Tcc, i: f64) -> f64 {
    let own = i / t.current_scale;
    match &t.characteristic {
        Characteristic::Relay(r) => r.nominal(own),
        Characteristic::Fuse(f) => f.clearing.time_at(own),
        _ => t.band(i).max_s,
    }
}

/// Nominal instantaneous pickup of an upstream relay, chart A.
fn nominal_inst_pickup(t: &Tcc) -> Option<f64> {
    match &t.characteristic {
        Characteristic::Relay(r) => r.instantaneous.map(|i| i.pickup_a * t.current_scale),
        _ => t.instantaneous_min_pickup_a(),
    }
}

/// Compare an upstream with a downstream device at currents up to `i_hi` (chart A). With
/// `from_down_range`, currents below the downstream's operating range are skipped (fuses do
/// not clear overloads, so an upstream relay acting there is by design).
fn compare_pair(up: &Tcc, down: &Tcc, i_hi: f64, from_down_range: bool, samples: usize) -> PairOutcome {
    let mut bps = up.breakpoints();
    bps.extend(down.breakpoints());
    let lowest = bps.iter().copied().filter(|v| v.is_finite() && *v > 0.0).fold(f64::INFINITY, f64::min);
    let lo = if lowest.is_finite() { (lowest * 0.5).min(i_hi * 0.5) } else { i_hi / 1000.0 };
    let mut grid = sample_grid(lo, i_hi, samples, &bps);
    if grid.is_empty() && i_hi.is_finite() && i_hi > 0.0 {
        grid.push(i_hi);
    }
    let up_inst = up.instantaneous_min_pickup_a();
    let up_inst_nominal = nominal_inst_pickup(up);
    let mut out = PairOutcome {
        band_worst: f64::INFINITY,
        band_worst_at: i_hi,
        band_worst_out: f64::INFINITY,
        band_worst_out_at: i_hi,
        ratio_worst: f64::INFINITY,
        ratio_worst_at: i_hi,
        ratio_worst_out: f64::INFINITY,
        ratio_worst_out_at: i_hi,
        nominal_worst: f64::INFINITY,
        nominal_worst_at: i_hi,
        first_overlap_at: None,
        evaluated: false,
    };
    let mut in_range = !from_down_range;
    for &i in &grid {
        let d = down.band(i);
        if !in_range {
            if d.operates() {
                in_range = true;
            } else {
                continue;
            }
        }
        out.evaluated = true;
        let u = up.band(i);
        if u.may_operate() {
            let m = u.min_s - d.max_s;
            let r = if d.max_s > 0.0 { u.min_s / d.max_s } else { f64::INFINITY };
            let outside = !up_inst.is_some_and(|p| i >= p);
            if m < out.band_worst {
                out.band_worst = m;
                out.band_worst_at = i;
            }
            if r < out.ratio_worst {
                out.ratio_worst = r;
                out.ratio_worst_at = i;
            }
            if outside && m < out.band_worst_out {
                out.band_worst_out = m;
                out.band_worst_out_at = i;
            }
            if outside && r < out.ratio_worst_out {
                out.ratio_worst_out = r;
                out.ratio_worst_out_at = i;
            }
            if m < 0.0 && out.first_overlap_at.is_none() {
                out.first_overlap_at = Some(i);
            }
        }
        if !up_inst_nominal.is_some_and(|p| i >= p) {
            let (nu, nd) = (nominal_up(up, i), nominal_down(down, i));
            if nu.is_finite() && nd.is_finite() && nu - nd < out.nominal_worst {
                out.nominal_worst = nu - nd;
                out.nominal_worst_at = i;
            }
        }
    }
    out
}

fn fmt_s(v: f64) -> String {
    if v.is_finite() {
        format!("{v:.3} s")
    } else if v < 0.0 {
        "−∞".into()
    } else {
        "∞".into()
    }
}

/// A rating or a ratio in a message: integers without decimals, others to three decimals.
fn fmt_num(v: f64) -> String {
    if v.is_finite() && (v - v.round()).abs() < 1e-9 {
        format!("{v:.0}")
    } else if v.is_finite() {
        format!("{}", (v * 1000.0).round() / 1000.0)
    } else {
        "∞".into()
    }
}

fn fmt_a(v: f64) -> String {
    if !v.is_finite() {
        "∞".into()
    } else if v >= 100.0 {
        format!("{v:.0} A")
    } else {
        format!("{v:.1} A")
    }
}

/// How a device pair is judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PairPolicy {
    /// Overlap or a short margin fails, unless the overlap is only where the upstream
    /// instantaneous element acts (a warning).
    Selective,
    /// An HV relay against the LV main breaker below its transformer ([`lv_main`]): overlap
    /// with the relay's time element fails, overlap only where its instantaneous element
    /// may act is the partial-selectivity warning; each with its own message and margin.
    HvRelayOverLvMain,
}

struct PairSpec<'s> {
    rule: &'static str,
    up_id: String,
    up_name: String,
    down_id: String,
    down_name: String,
    up: &'s Tcc,
    down: &'s Tcc,
    i_hi: f64,
    from_down_range: bool,
    /// Required nominal margin, s (relay pairs: the margin setting; 0 for other pairs).
    required_margin_s: f64,
    policy: PairPolicy,
}

fn judge_pair(spec: PairSpec<'_>, ctx: &Ctx<'_>) -> CheckResult {
    let o = compare_pair(spec.up, spec.down, spec.i_hi, spec.from_down_range, ctx.settings.samples);
    let devices = vec![spec.up_id.clone(), spec.down_id.clone()];
    let (un, dn) = (&spec.up_name, &spec.down_name);
    let basis = Some(ctx.chart_v);
    if !o.evaluated {
        return CheckResult {
            rule: spec.rule,
            devices,
            status: Status::Pass,
            worst_margin: None,
            at_current_a: Some(spec.i_hi),
            current_basis_v: basis,
            message_ja: format!("{dn} は最大故障電流 {} まで動作域に入らないため、{un} との協調対象外です", fmt_a(spec.i_hi)),
            message_en: format!("{dn} does not operate up to the maximum fault current {}; nothing to coordinate with {un}", fmt_a(spec.i_hi)),
        };
    }
    if spec.policy == PairPolicy::HvRelayOverLvMain {
        return lv_main::judge(&spec, &o, ctx);
    }
    let required = spec.required_margin_s;
    let device_margin = ctx.settings.device_margin_s;
    let (status, margin, at, ja, en);
    if o.band_worst_out < device_margin {
        let (m, i) = (o.band_worst_out, o.band_worst_out_at);
        status = Status::Fail;
        margin = m;
        at = i;
        let from = o.first_overlap_at.unwrap_or(i);
        if m.is_finite() {
            ja = format!("{un} と {dn} の動作帯（許容差・遮断時間を含む）が {} 以上で重なります（最小余裕 {}、{} において）。選択遮断できません", fmt_a(from), fmt_s(m), fmt_a(i));
            en = format!("the bands of {un} and {dn} (tolerances and breaker time included) overlap from {} (worst margin {} at {}): not selective", fmt_a(from), fmt_s(m), fmt_a(i));
        } else {
            ja = format!("{un} は {} で動作し得ますが、{dn} はその電流で確実には動作しません。選択遮断できません", fmt_a(i));
            en = format!("{un} may operate at {} where {dn} does not certainly operate: not selective", fmt_a(i));
        }
    } else if required > 0.0 && o.nominal_worst < required {
        status = Status::Fail;
        margin = o.nominal_worst;
        at = o.nominal_worst_at;
        ja = format!("{un} と {dn} の動作時間差 {}（{} において）が必要な時限差 {} 未満です", fmt_s(margin), fmt_a(at), fmt_s(required));
        en = format!("time margin between {un} and {dn} is {} at {}, less than the required {}", fmt_s(margin), fmt_a(at), fmt_s(required));
    } else if o.band_worst < 0.0 {
        status = Status::Warning;
        margin = o.band_worst;
        at = o.band_worst_at;
        let from = o.first_overlap_at.unwrap_or(at);
        ja = format!("{un} の瞬時要素が {} 以上の故障で {dn} と同時に動作し得ます（部分的な選択遮断）", fmt_a(from));
        en = format!("the instantaneous element of {un} may operate together with {dn} for faults above {} (partial selectivity)", fmt_a(from));
    } else {
        status = Status::Pass;
        let (m, i) = if required > 0.0 { (o.nominal_worst, o.nominal_worst_at) } else { (o.band_worst, o.band_worst_at) };
        margin = m;
        at = i;
        ja = format!("{dn} は {un} より先に動作します（最小時限差 {}、{} において、最大故障電流 {} まで）", fmt_s(m), fmt_a(i), fmt_a(spec.i_hi));
        en = format!("{dn} operates before {un} (worst margin {} at {}, up to the maximum fault current {})", fmt_s(m), fmt_a(i), fmt_a(spec.i_hi));
    }
    // Pairs without a required time margin (fuses, breakers) report the time ratio
    // earliest-upstream / latest-downstream: ≥ 1 is selective, and it stays meaningful at
    // the millisecond end of the chart where time differences vanish.
    let (worst_margin, at) = if required > 0.0 {
        (Margin::seconds(margin), at)
    } else if status == Status::Pass || (status == Status::Warning && o.band_worst_out >= device_margin) {
        (Margin::ratio(o.ratio_worst), o.ratio_worst_at)
    } else if o.band_worst_out < device_margin {
        (Margin::ratio(o.ratio_worst_out), o.ratio_worst_out_at)
    } else {
        (Margin::ratio(o.ratio_worst), o.ratio_worst_at)
    };
    let (mut ja, mut en) = (ja, en);
    if status == Status::Pass && required <= 0.0 {
        ja = format!("{dn} は {un} より先に動作します（時間比 最小 {:.2}、{} において、最大故障電流 {} まで）", o.ratio_worst, fmt_a(o.ratio_worst_at), fmt_a(spec.i_hi));
        en = format!("{dn} operates before {un} (worst time ratio {:.2} at {}, up to the maximum fault current {})", o.ratio_worst, fmt_a(o.ratio_worst_at), fmt_a(spec.i_hi));
    }
    CheckResult {
        rule: spec.rule,
        devices,
        status,
        worst_margin: Some(worst_margin),
        at_current_a: Some(at),
        current_basis_v: basis,
        message_ja: ja,
        message_en: en,
    }
}

/// Run every check of docs/engineering.md §8 on a validated project and its short-circuit study.
/// Never panics; parts that cannot be judged (missing data) come back as warnings saying so.
pub fn run_checks(project: &Project, sc: &ShortCircuitStudy, settings: &CheckSettings) -> Vec<CheckResult> {
    run_checks_in(&Ctx::new(project, sc, settings))
}

/// [`run_checks`] on a context already built (the analysis shares one with the chart).
pub(crate) fn run_checks_in(ctx: &Ctx) -> Vec<CheckResult> {
    let mut out = Vec::new();
    missing_curves(ctx, &mut out);
    device_pairs(ctx, &mut out);
    inrush(ctx, &mut out);
    transformer_protection(ctx, &mut out);
    cable_withstand(ctx, &mut out);
    breaking_capacity(ctx, &mut out);
    ground_protection::utility_and_dgr(ctx, &mut out);
    capacitor_banks::capacitor_inrush(ctx, &mut out);
    ratings::run(ctx, &mut out);
    motor_start::run(ctx, &mut out);
    switchgear::run(ctx, &mut out);
    ground_protection::run(ctx, &mut out);
    main_device::run(ctx, &mut out);
    capacitor_banks::run(ctx, &mut out);
    study_settings::run(ctx, &mut out);
    design_study::run(ctx, &mut out);
    instrument_transformers::run(ctx, &mut out);
    earthing::run(ctx, &mut out);
    disconnectors::run(ctx, &mut out);
    out
}

fn missing_curves(ctx: &Ctx<'_>, out: &mut Vec<CheckResult>) {
    for (i, e) in ctx.prot_errors.iter().enumerate() {
        if let Some(e) = e {
            out.push(CheckResult {
                rule: "device_curve",
                devices: vec![ctx.id(i)],
                status: Status::Fail,
                worst_margin: None,
                at_current_a: None,
                current_basis_v: None,
                message_ja: format!("{} の動作特性を作成できません（{e}）", ctx.name(i)),
                message_en: format!("cannot build the characteristic of {} ({e})", ctx.name(i)),
            });
        }
    }
}

/// Rules 1, 4, 5 and the other series pairs.
fn device_pairs(ctx: &Ctx<'_>, out: &mut Vec<CheckResult>) {
    for (d, p) in ctx.prot.iter().enumerate() {
        let Some(p) = p else { continue };
        let Some(up_bus) = ctx.topo.upstream_bus(ctx.project, d) else { continue };
        let Some((_, i_hi)) = ctx.bus_fault(up_bus) else { continue };
        let upstream = ctx.upstream_protective(up_bus);
        // Two LV breakers carry the same current: judge them up to the largest fault the
        // downstream one may see, the 105 V fault of a 1φ3W bus and machine contribution
        // included (docs/rules/coordination.md, rule 5).
        let lv_pair = p.kind == ProtKind::LvBreaker && upstream.first().and_then(|&u| ctx.prot_tcc(u)).is_some_and(|u| u.kind == ProtKind::LvBreaker);
        let i_hi = if lv_pair { ctx.bus_fault_lv(up_bus).map_or(i_hi, |(_, chart, _)| chart.max(i_hi)) } else { i_hi };
        match upstream.first() {
            None => {
                // A main device: against the utility's relay.
                match &ctx.utility_ocr {
                    Some(u) => out.push(judge_pair(
                        PairSpec {
                            rule: "main_vs_utility",
                            up_id: UTILITY_ID.into(),
                            up_name: "電力会社 OCR / utility OCR".into(),
                            down_id: ctx.id(d),
                            down_name: ctx.name(d),
                            up: u,
                            down: &p.tcc,
                            i_hi,
                            from_down_range: p.kind == ProtKind::Fuse,
                            required_margin_s: if p.kind == ProtKind::Ocr { ctx.settings.margin_s } else { ctx.settings.device_margin_s },
                            policy: PairPolicy::Selective,
                        },
                        ctx,
                    )),
                    None => out.push(CheckResult {
                        rule: "main_vs_utility",
                        devices: vec![UTILITY_ID.into(), ctx.id(d)],
                        status: Status::Warning,
                        worst_margin: None,
                        at_current_a: None,
                        current_basis_v: None,
                        message_ja: "電力会社の OCR 整定が入力されていないため、受電点の協調を確認できません".into(),
                        message_en: "the utility's OCR settings are not given: coordination at the service point is not checked".into(),
                    }),
                }
            }
            Some(&u) => {
                let Some(up) = ctx.prot_tcc(u) else { continue };
                // Fuses do not clear overloads, and below an LV breaker's certain long-time
                // pickup the breaker need not trip at all: those pairs are judged from the
                // first current at which the downstream device must operate.
                let from_down_range = p.kind == ProtKind::Fuse || (up.kind == ProtKind::Ocr && p.kind == ProtKind::LvBreaker);
                let (rule, policy, margin) = match (up.kind, p.kind) {
                    (ProtKind::Ocr, ProtKind::Ocr) | (ProtKind::Fuse, ProtKind::Ocr) => ("hv_series", PairPolicy::Selective, ctx.settings.margin_s),
                    (ProtKind::Ocr, ProtKind::Fuse) => ("pf_vs_upstream_ocr", PairPolicy::Selective, ctx.settings.device_margin_s),
                    (ProtKind::Fuse, ProtKind::Fuse) => ("pf_series", PairPolicy::Selective, ctx.settings.device_margin_s),
                    (ProtKind::Ocr, ProtKind::LvBreaker) => ("ocr_vs_lv_main", PairPolicy::HvRelayOverLvMain, ctx.settings.device_margin_s),
                    (ProtKind::Fuse, ProtKind::LvBreaker) => ("pf_vs_lv_main", PairPolicy::Selective, ctx.settings.device_margin_s),
                    (ProtKind::LvBreaker, _) => ("lv_series", PairPolicy::Selective, ctx.settings.device_margin_s),
                };
                out.push(judge_pair(
                    PairSpec {
                        rule,
                        up_id: ctx.id(u),
                        up_name: ctx.name(u),
                        down_id: ctx.id(d),
                        down_name: ctx.name(d),
                        up: &up.tcc,
                        down: &p.tcc,
                        i_hi,
                        from_down_range,
                        required_margin_s: margin,
                        policy,
                    },
                    ctx,
                ));
            }
        }
    }
}

/// Operating time that inrush must not reach at a chart current: the relay or breaker's
/// earliest operation, the PF's allowable time.
fn inrush_limit(p: &Prot, chart_a: f64) -> f64 {
    match &p.tcc.characteristic {
        Characteristic::Fuse(f) => f.allowable_at(chart_a / p.tcc.current_scale),
        _ => p.tcc.band(chart_a).min_s,
    }
}

#[allow(clippy::too_many_arguments)]
fn inrush_result(
    ctx: &Ctx<'_>,
    rule: &'static str,
    devices: Vec<String>,
    p: &Prot,
    device_name: &str,
    what_ja: &str,
    what_en: &str,
    i_chart: f64,
    duration_s: f64,
) -> CheckResult {
    let t = inrush_limit(p, i_chart);
    let margin = t - duration_s;
    let nominal = match &p.tcc.characteristic {
        Characteristic::Relay(r) => Some(r.nominal(i_chart / p.tcc.current_scale)),
        _ => None,
    };
    let (nom_ja, nom_en) = match nominal {
        Some(n) => (format!("（公称 {}）", fmt_s(n)), format!(" (nominal {})", fmt_s(n))),
        None => (String::new(), String::new()),
    };
    let ok = margin > 0.0;
    let kind_ja = if p.kind == ProtKind::Fuse { "許容時間" } else { "最短動作時間" };
    let kind_en = if p.kind == ProtKind::Fuse { "allowable time" } else { "earliest operating time" };
    CheckResult {
        rule,
        devices,
        status: if ok { Status::Pass } else { Status::Fail },
        worst_margin: Some(Margin::seconds(margin)),
        at_current_a: Some(i_chart),
        current_basis_v: Some(ctx.chart_v),
        message_ja: format!(
            "{what_ja}（{}、{}）に対し {device_name} の{kind_ja}は {}{nom_ja}: {}",
            fmt_a(i_chart),
            fmt_s(duration_s),
            fmt_s(t),
            if ok { "突入電流で動作しません" } else { "突入電流で動作（溶断・劣化）するおそれがあります" }
        ),
        message_en: format!(
            "{what_en} ({} for {}): {kind_en} of {device_name} is {}{nom_en}: {}",
            fmt_a(i_chart),
            fmt_s(duration_s),
            fmt_s(t),
            if ok { "inrush does not trip it" } else { "inrush may trip (melt or deteriorate) it" }
        ),
    }
}

/// Transformer inrush (multiple × rated primary current for the duration), chart amperes.
fn transformer_inrush_chart(ctx: &Ctx<'_>, t: usize) -> Option<(f64, f64)> {
    let Some(Device::Transformer(tr)) = ctx.project.devices.get(t) else { return None };
    let up = ctx.topo.upstream_bus(ctx.project, t)?;
    let (mult, dur) = match tr.inrush {
        Some(s) => (s.multiple, s.duration_s),
        None => (ctx.settings.inrush_multiple, ctx.settings.inrush_duration_s),
    };
    // Rated current on the upstream winding (the primary when fed from the primary side).
    let rated = if ctx.bus_id(up) == tr.from { tr.primary_rated_current_a() } else { tr.secondary_rated_current_a() };
    let i = mult * rated * ctx.referral(up);
    (i.is_finite() && i > 0.0 && dur.is_finite() && dur > 0.0).then_some((i, dur))
}

/// Rule 2.
fn inrush(ctx: &Ctx<'_>, out: &mut Vec<CheckResult>) {
    for (t, d) in ctx.project.devices.iter().enumerate() {
        if !matches!(d, Device::Transformer(_)) {
            continue;
        }
        let Some(up_bus) = ctx.topo.upstream_bus(ctx.project, t) else { continue };
        let Some((i, dur)) = transformer_inrush_chart(ctx, t) else { continue };
        let Some(&p) = ctx.upstream_protective(up_bus).first() else { continue };
        let Some(prot) = ctx.prot_tcc(p) else { continue };
        out.push(inrush_result(
            ctx,
            "transformer_inrush",
            vec![ctx.id(p), ctx.id(t)],
            prot,
            &ctx.name(p),
            &format!("{} の励磁突入電流", ctx.name(t)),
            &format!("inrush of {}", ctx.name(t)),
            i,
            dur,
        ));
    }
    // Summed inrush at each main device: every HV transformer below it energised together.
    for (m, p) in ctx.prot.iter().enumerate() {
        let Some(prot) = p else { continue };
        if prot.kind == ProtKind::LvBreaker {
            continue;
        }
        let Some(up_bus) = ctx.topo.upstream_bus(ctx.project, m) else { continue };
        if !ctx.upstream_protective(up_bus).is_empty() {
            continue;
        }
        let below = ctx.below_mask(m);
        let trs: Vec<usize> = ctx
            .project
            .devices
            .iter()
            .enumerate()
            .filter(|(i, d)| {
                matches!(d, Device::Transformer(_))
                    && ctx.topo.upstream_bus(ctx.project, *i).is_some_and(|b| below.get(b).copied().unwrap_or(false))
                    && ctx.bus_voltage(ctx.topo.upstream_bus(ctx.project, *i).unwrap_or(usize::MAX)) >= ctx.chart_v * 0.5
            })
            .map(|(i, _)| i)
            .collect();
        // One transformer protected by the main itself is already checked above.
        let single_direct = trs.len() == 1
            && ctx.topo.upstream_bus(ctx.project, trs[0]).is_some_and(|b| ctx.upstream_protective(b).first() == Some(&m));
        if trs.is_empty() || single_direct {
            continue;
        }
        let mut sum = 0.0;
        for &t in &trs {
            if let Some((i, _)) = transformer_inrush_chart(ctx, t) {
                sum += i;
            }
        }
        let mut devices = vec![ctx.id(m)];
        devices.extend(trs.iter().map(|&t| ctx.id(t)));
        out.push(inrush_result(
            ctx,
            "main_inrush",
            devices,
            prot,
            &ctx.name(m),
            &format!("変圧器 {} 台の励磁突入電流の合計", trs.len()),
            &format!("summed inrush of {} transformer(s)", trs.len()),
            sum,
            ctx.settings.inrush_duration_s,
        ));
    }
}

/// Rule 3.
fn transformer_protection(ctx: &Ctx<'_>, out: &mut Vec<CheckResult>) {
    for (t, d) in ctx.project.devices.iter().enumerate() {
        let Device::Transformer(tr) = d else { continue };
        let (Some(up_bus), Some(down_bus)) = (ctx.topo.upstream_bus(ctx.project, t), ctx.topo.downstream_bus(t)) else { continue };
        let protector = ctx.upstream_protective(up_bus).first().copied();
        let Some(p) = protector.and_then(|p| ctx.prot_tcc(p).map(|x| (p, x))) else {
            out.push(CheckResult {
                rule: "transformer_protection",
                devices: vec![ctx.id(t)],
                status: Status::Fail,
                worst_margin: None,
                at_current_a: None,
                current_basis_v: None,
                message_ja: format!("{} の一次側に保護装置がありません", ctx.name(t)),
                message_en: format!("{} has no protective device on its primary side", ctx.name(t)),
            });
            continue;
        };
        let (pi, prot) = p;
        let up_factor = ctx.referral(up_bus);
        let rated = if ctx.bus_id(up_bus) == tr.from { tr.primary_rated_current_a() } else { tr.secondary_rated_current_a() };
        let points: Vec<CurvePoint> = if tr.withstand_points.is_empty() {
            vec![pt(ctx.settings.transformer_withstand_multiple * rated * up_factor, ctx.settings.transformer_withstand_duration_s)]
        } else {
            tr.withstand_points.iter().map(|p| pt(p.current_a * up_factor, p.time_s)).collect()
        };
        let mut worst: Option<(f64, f64, f64, f64)> = None; // margin, current, clearing, withstand
        for i in [ctx.bus_fault(down_bus).map(|f| f.1), ctx.bus_fault_min(down_bus).map(|f| f.1)].into_iter().flatten() {
            let clear = prot.tcc.band(i).max_s;
            let limit = withstand_time(&points, i);
            let m = limit - clear;
            if worst.is_none_or(|w| m < w.0 || m.is_nan()) {
                worst = Some((m, i, clear, limit));
            }
        }
        let Some((m, i, clear, limit)) = worst else { continue };
        let ok = m > 0.0;
        out.push(CheckResult {
            rule: "transformer_protection",
            devices: vec![ctx.id(pi), ctx.id(t)],
            status: if ok { Status::Pass } else { Status::Fail },
            worst_margin: Some(Margin::seconds(m)),
            at_current_a: Some(i),
            current_basis_v: Some(ctx.chart_v),
            message_ja: format!(
                "{} の二次側短絡（一次換算 {}）を {} は {} で遮断し、耐量 {} {}",
                ctx.name(t),
                fmt_a(i),
                ctx.name(pi),
                fmt_s(clear),
                fmt_s(limit),
                if ok { "以内です" } else { "を超えます" }
            ),
            message_en: format!(
                "{} clears the secondary fault of {} ({} referred to the primary) in {}, {} its withstand of {}",
                ctx.name(pi),
                ctx.name(t),
                fmt_a(i),
                fmt_s(clear),
                if ok { "within" } else { "beyond" },
                fmt_s(limit)
            ),
        });
    }
}

/// Rule 6.
fn cable_withstand(ctx: &Ctx<'_>, out: &mut Vec<CheckResult>) {
    for (c, d) in ctx.project.devices.iter().enumerate() {
        let Device::Cable(cable) = d else { continue };
        let Some(up_bus) = ctx.topo.upstream_bus(ctx.project, c) else { continue };
        let Some((own, chart)) = ctx.bus_fault(up_bus) else { continue };
        let k = cable
            .withstand_k
            .or_else(|| Resolver::of(ctx.project).cable(cable).map(|i| i.withstand_k))
            .unwrap_or(ctx.settings.default_cable_k);
        let per_circuit = own / f64::from(cable.parallel.max(1));
        let limit = crate::curves::CableWithstand { k, size_mm2: cable.size_mm2 }.time_at(per_circuit);
        let protector = ctx.upstream_protective(up_bus).first().copied();
        let (dev_id, dev_name, band): (String, String, Option<TimeBand>) = match protector {
            Some(p) => (ctx.id(p), ctx.name(p), ctx.prot_tcc(p).map(|x| x.tcc.band(chart))),
            None => (UTILITY_ID.into(), "電力会社 OCR / utility OCR".into(), ctx.utility_ocr.as_ref().map(|u| u.band(chart))),
        };
        let Some(band) = band else {
            out.push(CheckResult {
                rule: "cable_withstand",
                devices: vec![dev_id, ctx.id(c)],
                status: Status::Warning,
                worst_margin: None,
                at_current_a: Some(own),
                current_basis_v: Some(ctx.bus_voltage(up_bus)),
                message_ja: format!("{} を保護する装置の特性が不明なため、短絡強度を確認できません", ctx.name(c)),
                message_en: format!("the device protecting {} is unknown: its short-circuit withstand is not checked", ctx.name(c)),
            });
            continue;
        };
        let clear = band.max_s;
        let m = limit - clear;
        let ok = m > 0.0;
        out.push(CheckResult {
            rule: "cable_withstand",
            devices: vec![dev_id, ctx.id(c)],
            status: if ok { Status::Pass } else { Status::Fail },
            worst_margin: Some(Margin::seconds(m)),
            at_current_a: Some(own),
            current_basis_v: Some(ctx.bus_voltage(up_bus)),
            message_ja: format!(
                "{}（{} mm²、K={}）は {} で {} 耐え、{} の遮断時間は {}: {}",
                ctx.name(c),
                cable.size_mm2,
                k,
                fmt_a(own),
                fmt_s(limit),
                dev_name,
                fmt_s(clear),
                if ok { "適合" } else { "短絡強度不足" }
            ),
            message_en: format!(
                "{} ({} mm², K={}) withstands {} at {}; {} clears in {}: {}",
                ctx.name(c),
                cable.size_mm2,
                k,
                fmt_s(limit),
                fmt_a(own),
                dev_name,
                fmt_s(clear),
                if ok { "passes" } else { "withstand exceeded" }
            ),
        });
    }
}

/// Rule 7. The fault current is the larger of with and without machine contribution and, for
/// an LV breaker on a 1φ3W bus, of the 210 V and the 105 V faults.
fn breaking_capacity(ctx: &Ctx<'_>, out: &mut Vec<CheckResult>) {
    for (i, d) in ctx.project.devices.iter().enumerate() {
        let cap_ka = match d {
            Device::Vcb(v) => v.breaking_capacity_ka,
            Device::LbsPf(l) => devices::fuse_breaking_ka(&l.fuse, &Resolver::of(ctx.project)),
            Device::LvBreaker(b) => b.breaking_capacity_ka,
            _ => continue,
        };
        let Some(up_bus) = ctx.topo.upstream_bus(ctx.project, i) else { continue };
        let lv = matches!(d, Device::LvBreaker(_));
        let Some((own, by_ln)) = (if lv {
            ctx.bus_fault_lv(up_bus).map(|(own, _, ln)| (own, ln))
        } else {
            ctx.bus_fault_duty(up_bus).map(|(own, _)| (own, false))
        }) else {
            continue;
        };
        let fault_ka = own / 1000.0;
        let ratio = cap_ka / fault_ka;
        let ok = ratio >= 1.0;
        let contribution = ctx.contribution_at(up_bus);
        let (basis_ja, basis_en) = match (by_ln, contribution) {
            (true, true) => ("（105 V 線間–中性線短絡、電動機・発電機の寄与込み）", " (105 V line-to-neutral fault, with motor and generator contribution)"),
            (true, false) => ("（105 V 線間–中性線短絡）", " (105 V line-to-neutral fault)"),
            (false, true) => ("（電動機・発電機の寄与込み）", " (with motor and generator contribution)"),
            (false, false) => ("", ""),
        };
        out.push(CheckResult {
            rule: "breaking_capacity",
            devices: vec![ctx.id(i)],
            status: if ok { Status::Pass } else { Status::Fail },
            worst_margin: Some(Margin::ratio(ratio)),
            at_current_a: Some(own),
            current_basis_v: Some(if by_ln { ctx.bus_voltage(up_bus) / 2.0 } else { ctx.bus_voltage(up_bus) }),
            message_ja: format!(
                "{} の遮断容量 {cap_ka} kA、設置点の短絡電流 {fault_ka:.2} kA{basis_ja}: {}",
                ctx.name(i),
                if ok { "適合" } else { "遮断容量不足" }
            ),
            message_en: format!(
                "{}: breaking capacity {cap_ka} kA against {fault_ka:.2} kA at its location{basis_en}: {}",
                ctx.name(i),
                if ok { "sufficient" } else { "insufficient" }
            ),
        });
    }
}

/// The worst status of a list (pass when empty).
pub fn overall(results: &[CheckResult]) -> Status {
    results.iter().map(|r| r.status).max().unwrap_or(Status::Pass)
}
