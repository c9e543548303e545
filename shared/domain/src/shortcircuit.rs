//! Short-circuit currents at every bus of a radial project, by two methods:
//!
//! * **%Z method** (Japanese practice, docs/engineering.md §5): 10 MVA base, voltage factor 1, no
//!   transformer correction, cables at 20 °C. This is the number utilities and inspectors
//!   expect on a receiving-substation drawing.
//! * **IEC 60909-0** maximum and minimum case: equivalent voltage source c·U_n/√3 at the fault;
//!   network feeder Z_Q = c·U_nQ²/S''_kQ with the feeder's own c; c_max 1.10 / c_min 1.00 at
//!   MV, c_max 1.10 / c_min 0.90 (LV tolerance 10 %) or 1.05 / 0.95 (6 %) at LV (< 1 kV);
//!   transformer correction K_T = 0.95·c_max/(1 + 0.6·x_T) in the maximum case only, with
//!   c_max of the transformer's LV side; cable resistance at the end-of-fault temperature in the
//!   minimum case, R = R_20·[1 + 0.004·(θ_e − 20 °C)]; κ from the R/X of the total impedance at
//!   the fault (radial network, method of IEC 60909-0 §8.1.3.1); i_th = I_k''·√(m + n) with
//!   n = 1 (far from generators) and m from κ, f and T_k. This is the model pandapower 3.5.6
//!   uses for a radial network fed by one `ext_grid` (`calc_sc`, κ method "C" reduces to this
//!   when there are no shunt capacitances), except that pandapower takes f = 50 Hz for m
//!   whatever the network frequency, and sets m = 0 where κ > 1.99.
//!
//! Impedances are complex ohms referred to each bus's nominal voltage: per phase at
//! three-phase buses; the two-conductor loop at single-phase buses. Across a transformer they
//! are referred with its rated ratio t_r = primary_v/secondary_v; the transformer's own
//! impedance is u_k·U_rLV²/S_r on its secondary. The fault current at a bus uses the bus's
//! nominal voltage U_n: I_k3 = c·U_n/(√3·|Z|) at three-phase buses; at a single-phase
//! secondary (1φ transformer connected line-to-line) I_k = c·U_n/|Z_loop|, the loop holding
//! twice the upstream per-phase impedance. When every transformer's rated voltages equal its
//! buses' voltages the %Z method here is exactly the textbook %Z computation.
//!
//! Machine contribution ([`motors`], docs/engineering.md §5 "Motors and generators"):
//! asynchronous motors and generators in parallel operation add their currents in the rows
//! `percent_z_with_contribution` and `iec_max_with_contribution`, whose κ follows IEC 60909-0
//! method C; `percent_z`, `iec_max` and `iec_min` stay the currents from the utility alone
//! (the minimum case never includes machines).
//!
//! 1φ3W secondaries (docs/engineering.md §5, "Single-phase three-wire secondaries"): every
//! single-phase bus is a 210/105 V three-wire bus. Besides the 210 V fault across the outer
//! conductors (`ik1_ka`), the line-to-neutral 105 V fault (`ik_ln_ka`) uses the half-winding
//! impedance 1.5·%R + j1.2·%X of the transformer (on its kVA at 105 V) and a quarter of the
//! upstream loop; a cable adds its line-and-neutral loop.
//!
//! Not included: capacitor discharge, fault impedance, machines on single-phase buses.

pub mod motors;

use serde::Serialize;

use crate::model::topology::Topology;
use crate::model::{Device, Library, Phases, Project, BASE_KVA};

/// Options of a study. [`StudyOptions::from_project`] takes them from the project's settings.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StudyOptions {
    /// LV voltage tolerance for the IEC c factors: 6 or 10 (%). Other values act as 10.
    pub lv_tolerance_percent: f64,
    /// Fault duration T_k for i_th, s.
    pub fault_duration_s: f64,
    /// Cable temperature at the end of the fault in the IEC minimum case, °C.
    pub cable_end_temperature_c: f64,
}

impl Default for StudyOptions {
    fn default() -> Self {
        StudyOptions {
            lv_tolerance_percent: crate::model::Settings::DEFAULT_LV_TOLERANCE_PERCENT,
            fault_duration_s: crate::model::Settings::DEFAULT_FAULT_DURATION_S,
            cable_end_temperature_c: crate::model::Settings::DEFAULT_CABLE_END_TEMPERATURE_C,
        }
    }
}

impl StudyOptions {
    /// The options the project's `settings` ask for (defaults where absent).
    pub fn from_project(project: &Project) -> Self {
        let s = &project.settings;
        StudyOptions {
            lv_tolerance_percent: s.lv_tolerance_percent_or_default(),
            fault_duration_s: s.fault_duration_s_or_default(),
            cable_end_temperature_c: s.cable_end_temperature_c_or_default(),
        }
    }

    /// IEC 60909-0 Table 1 voltage factors (c_max, c_min) for a bus of nominal voltage `v`.
    pub fn c_factors(&self, voltage_v: f64) -> (f64, f64) {
        if voltage_v < 1000.0 {
            if (self.lv_tolerance_percent - 6.0).abs() < 1e-9 {
                (1.05, 0.95)
            } else {
                (1.10, 0.90)
            }
        } else {
            (1.10, 1.00)
        }
    }
}

/// The calculation methods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Japanese %Z method (c = 1, no K_T, cables at 20 °C).
    PercentZ,
    /// IEC 60909-0 maximum case.
    IecMax,
    /// IEC 60909-0 minimum case.
    IecMin,
}

/// Fault currents at one bus by one method. Currents in kA at the bus's nominal voltage
/// unless the name says otherwise.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FaultCurrents {
    /// Voltage factor c used at this bus (1 for the %Z method).
    pub c: f64,
    /// Resistance at the fault, Ω at the bus voltage (per phase; loop at a 1φ bus).
    pub r_ohm: f64,
    /// Reactance at the fault, Ω at the bus voltage (per phase; loop at a 1φ bus).
    pub x_ohm: f64,
    /// Impedance at the fault as %R on the 10 MVA base at the bus voltage.
    pub r_percent: f64,
    /// Impedance at the fault as %X on the 10 MVA base at the bus voltage.
    pub x_percent: f64,
    /// X/R at the fault.
    pub x_over_r: f64,
    /// Peak factor κ = 1.02 + 0.98·e^(−3R/X).
    pub kappa: f64,
    /// Three-phase initial symmetrical current I_k3'' (three-phase buses only).
    pub ik3_ka: Option<f64>,
    /// Phase-to-phase current I_k2'' = √3/2·I_k3'' (three-phase buses only).
    pub ik2_ka: Option<f64>,
    /// Bolted fault across a single-phase secondary (1φ buses only).
    pub ik1_ka: Option<f64>,
    /// The largest bolted fault current at the bus: `ik3_ka`, or `ik1_ka` at a 1φ bus (the
    /// 210 V fault; the 105 V fault is `ik_ln_ka`).
    pub ik_ka: f64,
    /// Line-to-neutral (105 V) fault at a 1φ3W bus (1φ buses only), kA.
    pub ik_ln_ka: Option<f64>,
    /// Peak current of the line-to-neutral fault (1φ buses only), kA.
    pub ip_ln_ka: Option<f64>,
    /// Peak current i_p = κ·√2·I_k of `ik_ka`.
    pub ip_ka: f64,
    /// Peak current of the phase-to-phase fault (three-phase buses only).
    pub ip2_ka: Option<f64>,
    /// Largest asymmetric RMS current at half a cycle, √(1 + 2·e^(−2π·R/X))·I_k.
    pub i_asym_ka: f64,
    /// Thermal equivalent current i_th = I_k·√(m + n) for the study's T_k.
    pub ith_ka: f64,
    /// Thermal equivalent current of the phase-to-phase fault (three-phase buses only).
    pub ith2_ka: Option<f64>,
    /// Factor m of i_th (n = 1).
    pub m: f64,
    /// Short-circuit power, MVA: √3·U_n·I_k3 (three-phase) or U_n·I_k (1φ).
    pub sk_mva: f64,
    /// `ik_ka` referred to the utility voltage (I·V_bus/V_utility through the transformer
    /// ratios), A.
    pub ik_at_utility_a: f64,
}

/// Short-circuit results for one bus.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct BusShortCircuit {
    pub bus_id: String,
    pub name: String,
    /// Nominal voltage, V.
    pub voltage_v: f64,
    pub single_phase: bool,
    /// Factor that refers a current at this bus to the utility voltage (product of
    /// secondary_v/primary_v of the transformers on the way), dimensionless.
    pub ratio_to_utility: f64,
    /// Series devices between the utility and this bus, source side first.
    pub path: Vec<String>,
    pub percent_z: FaultCurrents,
    pub iec_max: FaultCurrents,
    pub iec_min: FaultCurrents,
    /// %Z method with the contribution of motors and generators in parallel (equal to
    /// `percent_z` where nothing contributes or the motors are neglected).
    pub percent_z_with_contribution: FaultCurrents,
    /// IEC 60909-0 maximum case with the contribution of motors and generators in parallel.
    pub iec_max_with_contribution: FaultCurrents,
    /// Σ rated current of the motors that may contribute, referred to this bus, A.
    pub motors_rated_current_a: f64,
    /// Whether the motors were neglected at this bus (Σ I_rM ≤ 1 % of the fault current
    /// without them), by method: %Z, IEC max.
    pub motors_neglected: [bool; 2],
}

/// Fault currents a device must withstand, carry or detect.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DeviceShortCircuit {
    pub device_id: String,
    pub device_type: &'static str,
    /// Source-side bus (series devices) or the device's bus (shunt devices).
    pub upstream_bus_id: Option<String>,
    /// Load-side bus of a series device.
    pub downstream_bus_id: Option<String>,
    /// Nominal voltage of the device's location (the downstream side of a transformer), V.
    pub voltage_v: f64,
    /// Bus whose fault gives the largest current through the device: the upstream bus for a
    /// switch, breaker, fuse or cable (fault at its load-side terminals); the secondary bus
    /// for a transformer; the device's own bus for shunt devices.
    pub max_fault_bus_id: String,
    /// Largest through-fault current, %Z method, kA at `voltage_v`.
    pub ik_max_percent_z_ka: f64,
    /// Largest through-fault current, IEC maximum case, kA at `voltage_v`.
    pub ik_max_iec_ka: f64,
    /// `ik_max_percent_z_ka` with the contribution of motors and generators in parallel, kA.
    pub ik_max_percent_z_with_contribution_ka: f64,
    /// `ik_max_iec_ka` with the contribution of motors and generators in parallel, kA.
    pub ik_max_iec_with_contribution_ka: f64,
    /// The 105 V line-to-neutral fault at `max_fault_bus_id` when it is a 1φ3W bus (%Z
    /// method), kA at 105 V.
    pub ik_ln_max_percent_z_ka: Option<f64>,
    /// Peak of the IEC maximum through-fault current, kA.
    pub ip_max_iec_ka: f64,
    /// Smallest fault current at the end of the device's zone (downstream bus for series
    /// devices): IEC minimum case, phase-to-phase at three-phase buses, kA at the
    /// downstream bus voltage.
    pub ik_min_iec_ka: f64,
    /// `ik_max_percent_z_ka` referred to the utility voltage, A.
    pub ik_max_percent_z_at_utility_a: f64,
    /// `ik_max_iec_ka` referred to the utility voltage, A.
    pub ik_max_iec_at_utility_a: f64,
    /// `ik_min_iec_ka` referred to the utility voltage, A.
    pub ik_min_iec_at_utility_a: f64,
}

/// A remark about what the study did not include.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StudyNote {
    pub device_id: Option<String>,
    pub code: &'static str,
    pub message_ja: String,
    pub message_en: String,
}

/// The short-circuit study of a project.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ShortCircuitStudy {
    /// Base power of the %Z method, kVA.
    pub base_kva: f64,
    pub frequency_hz: f64,
    pub options: StudyOptions,
    /// One row per bus reached from the utility, in breadth-first order from the source.
    pub buses: Vec<BusShortCircuit>,
    /// One row per non-bus device reached from the utility, in project order.
    pub devices: Vec<DeviceShortCircuit>,
    pub notes: Vec<StudyNote>,
}

impl ShortCircuitStudy {
    /// The row of a bus.
    pub fn bus(&self, id: &str) -> Option<&BusShortCircuit> {
        self.buses.iter().find(|b| b.bus_id == id)
    }
    /// The row of a device.
    pub fn device(&self, id: &str) -> Option<&DeviceShortCircuit> {
        self.devices.iter().find(|d| d.device_id == id)
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct Z {
    r: f64,
    x: f64,
}

impl Z {
    fn add(self, o: Z) -> Z {
        Z {
            r: self.r + o.r,
            x: self.x + o.x,
        }
    }
    fn scale(self, k: f64) -> Z {
        Z {
            r: self.r * k,
            x: self.x * k,
        }
    }
    fn abs(self) -> f64 {
        self.r.hypot(self.x)
    }
}

/// Per-bus state during the sweep: impedance by method, ratio to utility.
#[derive(Debug, Clone, Copy)]
struct BusState {
    z: [Z; 3],
    /// 105 V line-to-neutral loop at a 1φ3W bus, by method, Ω at 105 V.
    z_ln: Option<[Z; 3]>,
    ratio_to_utility: f64,
    single_phase: bool,
}

const METHODS: [Method; 3] = [Method::PercentZ, Method::IecMax, Method::IecMin];

/// Runs the study with the project's own settings. See [`study_with`].
pub fn study(project: &Project, library: &dyn Library) -> ShortCircuitStudy {
    study_with(project, library, &StudyOptions::from_project(project))
}

/// Computes every bus and device reached from the utility. Meant for a validated project
/// ([`crate::validate`]); on other input it does not panic, but rows may hold non-finite
/// numbers (serialized as `null`) or be missing.
pub fn study_with(
    project: &Project,
    library: &dyn Library,
    options: &StudyOptions,
) -> ShortCircuitStudy {
    // The project's copies of company items come before `library`.
    let with_copies = crate::library::resolve::ProjectLibrary::new(&project.company_library, library);
    let library: &dyn Library = &with_copies;
    let (topo, _) = Topology::build(project);
    let n = project.devices.len();
    let u = &project.utility;
    let f_hz = u.frequency_hz.hz();
    let v_util = u.voltage_v;
    let mut states: Vec<Option<BusState>> = vec![None; n];

    if n > 0 && topo.bus_order.first() == Some(&topo.source_bus) {
        let z_base = v_util * v_util / (BASE_KVA * 1000.0);
        let src = |s: &crate::model::SourceImpedance| {
            let (r, x) = s.percent_on_base(v_util);
            Z {
                r: r / 100.0 * z_base,
                x: x / 100.0 * z_base,
            }
        };
        let z_max = src(&u.short_circuit);
        let z_min = u.short_circuit_min.as_ref().map(src).unwrap_or(z_max);
        let (c_max, c_min) = options.c_factors(v_util);
        states[topo.source_bus] = Some(BusState {
            z: [z_max, z_max.scale(c_max), z_min.scale(c_min)],
            z_ln: None,
            ratio_to_utility: 1.0,
            single_phase: false,
        });
    }

    let temp_factor = 1.0 + 0.004 * (options.cable_end_temperature_c - 20.0);
    let mut branches: Vec<Option<(usize, [Z; 2])>> = vec![None; n];
    let mut feeding_three_phase: Vec<Option<usize>> = vec![None; n];
    for &bus in topo.bus_order.iter().skip(1) {
        let Some(edge) = topo.feeder_of_bus[bus] else {
            continue;
        };
        let Some((up, _)) = topo.oriented[edge] else {
            continue;
        };
        let Some(up_state) = states[up] else { continue };
        let down_v = bus_voltage(project, bus);
        let single_phase = matches!(&project.devices[bus], Device::Bus(b) if b.single_phase);
        let next = match &project.devices[edge] {
            Device::Cable(c) => {
                let imp = project.cable_impedance(c, library);
                let (r, x) = imp
                    .map(|i| (i.r_ohm_per_km, i.x_ohm_per_km))
                    .unwrap_or((f64::NAN, f64::NAN));
                let km = c.length_m / 1000.0 / f64::from(c.parallel.max(1));
                let loop_factor = if up_state.single_phase { 2.0 } else { 1.0 };
                let z20 = Z {
                    r: r * km,
                    x: x * km,
                }
                .scale(loop_factor);
                let zt = Z {
                    r: z20.r * temp_factor,
                    x: z20.x,
                };
                if !up_state.single_phase {
                    branches[bus] = Some((up, [z20, z20]));
                }
                BusState {
                    z: [
                        up_state.z[0].add(z20),
                        up_state.z[1].add(z20),
                        up_state.z[2].add(zt),
                    ],
                    // Line and neutral conductors of the 105 V loop: the same loop factor 2.
                    z_ln: up_state
                        .z_ln
                        .map(|l| [l[0].add(z20), l[1].add(z20), l[2].add(zt)]),
                    ..up_state
                }
            }
            Device::Transformer(t) => {
                // Winding rated voltages on the upstream and downstream side.
                let (v_up, v_down) = if t.from == bus_id(project, up) {
                    (t.primary_v, t.secondary_v)
                } else {
                    (t.secondary_v, t.primary_v)
                };
                let ratio = v_up / v_down;
                let (r_pct, x_pct) = t.impedance.r_x();
                let z_base_t = v_down * v_down / (t.rated_kva * 1000.0);
                let zt = Z {
                    r: r_pct / 100.0 * z_base_t,
                    x: x_pct / 100.0 * z_base_t,
                };
                let to_single = t.phases == Phases::Single && !up_state.single_phase;
                let loop_factor = if to_single { 2.0 } else { 1.0 };
                let lv_v = down_v.min(bus_voltage(project, up));
                let k_t = if t.phases == Phases::Three {
                    let (c_max_lv, _) = options.c_factors(lv_v);
                    0.95 * c_max_lv / (1.0 + 0.6 * x_pct / 100.0)
                } else {
                    1.0
                };
                let refer = |z: Z| z.scale(loop_factor / (ratio * ratio));
                if to_single {
                    feeding_three_phase[bus] = Some(up);
                } else if !up_state.single_phase {
                    branches[bus] = Some((up, [zt, zt.scale(k_t)]));
                }
                let z = [
                    refer(up_state.z[0]).add(zt),
                    refer(up_state.z[1]).add(zt.scale(k_t)),
                    refer(up_state.z[2]).add(zt),
                ];
                // 105 V loop of a 1φ3W secondary: a quarter of the 210 V loop's upstream part
                // (half the turns) plus the half winding, 1.5·%R + j1.2·%X on the
                // transformer's kVA at 105 V (docs/engineering.md §5).
                let half = Z {
                    r: 1.5 * zt.r,
                    x: 1.2 * zt.x,
                };
                let z_ln = to_single.then(|| {
                    [
                        refer(up_state.z[0]).add(half).scale(0.25),
                        refer(up_state.z[1]).add(half).scale(0.25),
                        refer(up_state.z[2]).add(half).scale(0.25),
                    ]
                });
                BusState {
                    z,
                    z_ln,
                    ratio_to_utility: up_state.ratio_to_utility / ratio,
                    single_phase: single_phase || up_state.single_phase || to_single,
                }
            }
            _ => {
                if !up_state.single_phase {
                    branches[bus] = Some((up, [Z { r: 0.0, x: 0.0 }; 2]));
                } else {
                    feeding_three_phase[bus] = feeding_three_phase[up];
                }
                up_state
            }
        };
        if next.single_phase && feeding_three_phase[bus].is_none() {
            feeding_three_phase[bus] = feeding_three_phase[up];
        }
        states[bus] = Some(BusState {
            single_phase: next.single_phase || single_phase,
            ..next
        });
    }

    let mut notes = Vec::new();
    let bus_index = |id: &str| topo.bus_index.get(id).copied();
    let with = if n > 0 {
        motors::with_machines(
            &motors::Network {
                project,
                states: &states,
                branches: &branches,
                feeding_three_phase: &feeding_three_phase,
                source_bus: topo.source_bus,
                bus_index: &bus_index,
            },
            options,
            &mut notes,
        )
    } else {
        Vec::new()
    };

    let mut buses = Vec::new();
    for &bus in &topo.bus_order {
        let Some(state) = states[bus] else { continue };
        let Device::Bus(b) = &project.devices[bus] else {
            continue;
        };
        let (c_max, c_min) = options.c_factors(b.voltage_v);
        let c_of = |i: usize| match METHODS[i] {
            Method::PercentZ => 1.0,
            Method::IecMax => c_max,
            Method::IecMin => c_min,
        };
        let currents = |z: Z, z_ln: Option<Z>, i: usize, rx_kappa: Option<f64>| {
            fault_currents(
                z,
                z_ln,
                rx_kappa,
                c_of(i),
                b.voltage_v,
                state.single_phase,
                state.ratio_to_utility,
                f_hz,
                options.fault_duration_s,
            )
        };
        let own = |i: usize| currents(state.z[i], state.z_ln.map(|l| l[i]), i, None);
        let machine = with.get(bus).copied().flatten();
        let with_machines = |i: usize| match machine {
            Some(w) => currents(w.z[i], w.z_ln.map(|l| l[i]), i, w.rx_kappa[i]),
            None => own(i),
        };
        buses.push(BusShortCircuit {
            bus_id: b.id.clone(),
            name: b.name.clone().unwrap_or_else(|| b.id.clone()),
            voltage_v: b.voltage_v,
            single_phase: state.single_phase,
            ratio_to_utility: state.ratio_to_utility,
            path: topo
                .path_to_bus(project, bus)
                .iter()
                .map(|&i| project.devices[i].id().to_string())
                .collect(),
            percent_z: own(0),
            iec_max: own(1),
            iec_min: own(2),
            percent_z_with_contribution: with_machines(0),
            iec_max_with_contribution: with_machines(1),
            motors_rated_current_a: machine.map_or(0.0, |w| w.motors_rated_current_a),
            motors_neglected: machine.map_or([false; 2], |w| w.motors_neglected),
        });
    }

    let mut first_row: std::collections::HashMap<&str, usize> = std::collections::HashMap::with_capacity(buses.len());
    for (k, r) in buses.iter().enumerate() {
        first_row.entry(r.bus_id.as_str()).or_insert(k);
    }
    let row_of = |bus_idx: usize| first_row.get(bus_id(project, bus_idx)).map(|&k| &buses[k]);
    let mut devices = Vec::new();
    for (i, d) in project.devices.iter().enumerate() {
        if matches!(d, Device::Bus(_)) {
            continue;
        }
        let (up, down) = match (topo.oriented[i], d.shunt_bus()) {
            (Some((up, down)), _) => (up, Some(down)),
            (None, Some(b)) => match topo.bus_index.get(b) {
                Some(&bi) => (bi, None),
                None => continue,
            },
            _ => continue,
        };
        let Some(up_row) = row_of(up) else { continue };
        let down_row = down.and_then(row_of);
        let max_row = match (d, down_row) {
            (Device::Transformer(_), Some(r)) => r,
            _ => up_row,
        };
        let min_row = down_row.unwrap_or(up_row);
        let min_ka = min_row.iec_min.ik2_ka.unwrap_or(min_row.iec_min.ik_ka);
        let ratio = max_row.ratio_to_utility;
        devices.push(DeviceShortCircuit {
            device_id: d.id().to_string(),
            device_type: d.type_name(),
            upstream_bus_id: Some(up_row.bus_id.clone()),
            downstream_bus_id: down_row.map(|r| r.bus_id.clone()),
            voltage_v: max_row.voltage_v,
            max_fault_bus_id: max_row.bus_id.clone(),
            ik_max_percent_z_ka: max_row.percent_z.ik_ka,
            ik_max_iec_ka: max_row.iec_max.ik_ka,
            ik_max_percent_z_with_contribution_ka: max_row.percent_z_with_contribution.ik_ka,
            ik_max_iec_with_contribution_ka: max_row.iec_max_with_contribution.ik_ka,
            ik_ln_max_percent_z_ka: max_row.percent_z.ik_ln_ka,
            ip_max_iec_ka: max_row.iec_max.ip_ka,
            ik_min_iec_ka: min_ka,
            ik_max_percent_z_at_utility_a: max_row.percent_z.ik_ka * 1000.0 * ratio,
            ik_max_iec_at_utility_a: max_row.iec_max.ik_ka * 1000.0 * ratio,
            ik_min_iec_at_utility_a: min_ka * 1000.0 * min_row.ratio_to_utility,
        });
    }

    ShortCircuitStudy {
        base_kva: BASE_KVA,
        frequency_hz: f_hz,
        options: *options,
        buses,
        devices,
        notes,
    }
}

fn bus_id(project: &Project, idx: usize) -> &str {
    project.devices.get(idx).map(|d| d.id()).unwrap_or("")
}

fn bus_voltage(project: &Project, idx: usize) -> f64 {
    match project.devices.get(idx) {
        Some(Device::Bus(b)) => b.voltage_v,
        _ => f64::NAN,
    }
}

/// Peak factor κ = 1.02 + 0.98·e^(−3R/X) (IEC 60909-0 eq. 55).
pub fn kappa(r_over_x: f64) -> f64 {
    1.02 + 0.98 * (-3.0 * r_over_x).exp()
}

/// Factor m of the thermal equivalent current (IEC 60909-0 Annex A, eq. A.1):
/// m = [e^(4·f·T_k·ln(κ−1)) − 1] / [2·f·T_k·ln(κ−1)]; its limit 2 as κ → 2.
pub fn thermal_m(kappa: f64, f_hz: f64, tk_s: f64) -> f64 {
    let a = (kappa - 1.0).ln();
    let ft = f_hz * tk_s;
    if ft <= 0.0 {
        return f64::NAN;
    }
    if a.abs() < 1e-12 {
        return 2.0;
    }
    ((4.0 * ft * a).exp() - 1.0) / (2.0 * ft * a)
}

#[allow(clippy::too_many_arguments)]
fn fault_currents(
    z: Z,
    z_ln: Option<Z>,
    rx_kappa: Option<f64>,
    c: f64,
    v: f64,
    single_phase: bool,
    ratio: f64,
    f_hz: f64,
    tk_s: f64,
) -> FaultCurrents {
    let zabs = z.abs();
    let r_over_x = if z.x > 0.0 { z.r / z.x } else { f64::INFINITY };
    let k = kappa(rx_kappa.unwrap_or(r_over_x));
    let m = thermal_m(k, f_hz, tk_s);
    let th = (m + 1.0).sqrt();
    let asym = (1.0 + 2.0 * (-2.0 * std::f64::consts::PI * r_over_x).exp()).sqrt();
    let pct = BASE_KVA * 1000.0 / (v * v) * 100.0;
    let sqrt3 = 3f64.sqrt();
    let (ik3, ik2, ik1, ik, sk) = if single_phase {
        let i = c * v / zabs / 1000.0;
        (None, None, Some(i), i, v * i / 1000.0)
    } else {
        let i3 = c * v / (sqrt3 * zabs) / 1000.0;
        let i2 = i3 * sqrt3 / 2.0;
        (Some(i3), Some(i2), None, i3, sqrt3 * v * i3 / 1000.0)
    };
    let peak = |i: f64| k * std::f64::consts::SQRT_2 * i;
    let ln = z_ln.filter(|_| single_phase).map(|zl| {
        let i = c * v / 2.0 / zl.abs() / 1000.0;
        let rx = if zl.x > 0.0 { zl.r / zl.x } else { f64::INFINITY };
        (i, kappa(rx) * std::f64::consts::SQRT_2 * i)
    });
    FaultCurrents {
        c,
        r_ohm: z.r,
        x_ohm: z.x,
        r_percent: z.r * pct,
        x_percent: z.x * pct,
        x_over_r: if z.r > 0.0 { z.x / z.r } else { f64::INFINITY },
        kappa: k,
        ik3_ka: ik3,
        ik2_ka: ik2,
        ik1_ka: ik1,
        ik_ka: ik,
        ik_ln_ka: ln.map(|l| l.0),
        ip_ln_ka: ln.map(|l| l.1),
        ip_ka: peak(ik),
        ip2_ka: ik2.map(peak),
        i_asym_ka: asym * ik,
        ith_ka: ik * th,
        ith2_ka: ik2.map(|i| i * th),
        m,
        sk_mva: sk,
        ik_at_utility_a: ik * 1000.0 * ratio,
    }
}
