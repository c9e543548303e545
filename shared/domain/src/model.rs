//! The versioned Kyocho project model: the utility supply, the single-line diagram as a list of
//! devices joined at buses, and the settings of every protective device.
//!
//! Shape of the diagram: every node is a [`Bus`] device with a nominal voltage. Every other
//! device names the bus ids of its terminals: series devices (cable, transformer, VCB, LBS+PF,
//! PAS/UGS, MCCB/ACB, DS, VCT) have `from` and `to`; shunt devices (capacitor, load, motor,
//! generator, LA, VT) have `bus`; meters and earthing name the devices they are attached to
//! (see [`equipment`]). The utility supply feeds one bus (`utility.bus`). `from`/`to` need not
//! point away from the source: [`topology::Topology`] orients the radial tree from the utility.
//!
//! Units are in the field names (`rated_kva`, `length_m`, `ct_primary_a`). Voltages are
//! line-to-line volts. Percent impedances are on the device's own rating unless the name says
//! otherwise (`utility` %R/%X are on the 10 MVA base).
//!
//! Parse untrusted input with [`parse_project`], which returns a project that has passed
//! [`crate::validate`] or the complete list of errors.

pub mod equipment;
pub mod library_ref;
pub mod topology;

pub use library_ref::{CompanyRef, LibraryRef};
pub use equipment::{
    CtClass, CurrentTransformer, Ds, Earthing, EarthingClass, La, Meter, MeterKind, Vct, VctClass, Vt, VtClass, VtFuse, Zct, Zpd,
};

use serde::{Deserialize, Serialize};

pub use crate::validate::{parse_project, parse_project_with, ValidationError};

/// The schema version this build reads and writes.
pub const SCHEMA_VERSION: u32 = 1;

/// Base power of the Japanese %Z method, kVA (10 MVA).
pub const BASE_KVA: f64 = 10_000.0;

/// A whole project: utility supply, diagram and study settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "ProjectDocument"))]
#[serde(deny_unknown_fields)]
pub struct Project {
    /// Must equal [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// Project name (1–200 characters).
    pub name: String,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Contract demand (契約電力), kW. Used by setting-practice checks (OCR tap 110–150 %).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contract_demand_kw: Option<f64>,
    /// The utility supply at the service point.
    pub utility: UtilitySupply,
    /// The single-line diagram: buses and devices, each with a unique `id`.
    pub devices: Vec<Device>,
    /// Study and coordination settings; every field has a documented default.
    #[serde(default)]
    pub settings: Settings,
    /// Notes (注記) the engineer attaches to the drawing or to a device: site conditions,
    /// the utility's instructions, reasons for a setting. Not used by the calculations.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<Note>,
    /// The project's own copies of the company library items its devices refer to
    /// (`library_ref: {"id", "version"}`). Studies use these copies, never the company's
    /// current library, so an edited item changes no finished design until the engineer
    /// adopts the new version (docs/library.md).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub company_library: Vec<crate::library::company::CompanyItem>,
}

/// A free-text note on the drawing, optionally attached to one device.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Note {
    /// Unique among the project's notes.
    pub id: String,
    /// 1–4 000 characters.
    pub text: String,
    /// The device the note is about, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device: Option<String>,
}

/// Supply frequency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum Frequency {
    /// 50 Hz (eastern Japan).
    #[serde(rename = "50")]
    Hz50,
    /// 60 Hz (western Japan).
    #[serde(rename = "60")]
    Hz60,
}

impl Frequency {
    /// The frequency in hertz.
    pub fn hz(self) -> f64 {
        match self {
            Frequency::Hz50 => 50.0,
            Frequency::Hz60 => 60.0,
        }
    }
}

/// The utility supply (電力会社の供給条件).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct UtilitySupply {
    /// Id of the service-point bus the utility feeds.
    pub bus: String,
    /// Nominal supply voltage, V (6600 for the systems Kyocho is made for).
    pub voltage_v: f64,
    /// Supply frequency: `"50"` or `"60"`.
    pub frequency_hz: Frequency,
    /// Short-circuit level at the service point, as given by the utility (maximum).
    pub short_circuit: SourceImpedance,
    /// Short-circuit level for the IEC 60909 minimum case; the maximum level when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub short_circuit_min: Option<SourceImpedance>,
    /// The utility's distribution-substation OCR, as given in its setting table.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ocr: Option<OcrSettings>,
    /// The utility's ground protection (typically a DGR at about 0.9 s).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ground_relay: Option<GroundRelaySettings>,
}

/// The source's short-circuit level, in one of the forms utilities give it.
///
/// JSON: `{"form": "current", "ik_ka": 12.5, "x_over_r": 10}`,
/// `{"form": "power", "sk_mva": 142.9, "x_over_r": 10}` or
/// `{"form": "percent", "r_percent": 0.7, "x_percent": 7.0}` (on the 10 MVA base).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "form", rename_all = "snake_case", deny_unknown_fields)]
pub enum SourceImpedance {
    /// Three-phase short-circuit current at the utility voltage, kA, and the source X/R.
    Current { ik_ka: f64, x_over_r: f64 },
    /// Three-phase short-circuit power, MVA, and the source X/R.
    Power { sk_mva: f64, x_over_r: f64 },
    /// Source impedance %R + j%X on the 10 MVA base.
    Percent { r_percent: f64, x_percent: f64 },
}

impl SourceImpedance {
    /// Source impedance as (%R, %X) on the 10 MVA base, `voltage_v` being the supply voltage.
    /// With X/R given, %R = %Z / √(1 + (X/R)²).
    pub fn percent_on_base(&self, voltage_v: f64) -> (f64, f64) {
        let split = |z: f64, xr: f64| {
            let r = z / (1.0 + xr * xr).sqrt();
            (r, r * xr)
        };
        match *self {
            SourceImpedance::Current { ik_ka, x_over_r } => {
                let sk_kva = 3f64.sqrt() * voltage_v * ik_ka; // V·kA = kVA
                split(BASE_KVA / sk_kva * 100.0, x_over_r)
            }
            SourceImpedance::Power { sk_mva, x_over_r } => {
                split(BASE_KVA / (sk_mva * 1000.0) * 100.0, x_over_r)
            }
            SourceImpedance::Percent {
                r_percent,
                x_percent,
            } => (r_percent, x_percent),
        }
    }
}

/// One device of the single-line diagram. JSON: an object with `"type"` naming the variant
/// (`"bus"`, `"cable"`, `"transformer"`, `"vcb"`, `"lbs_pf"`, `"ground_switch"`,
/// `"lv_breaker"`, `"capacitor"`, `"load"`, `"motor"`, `"generator"`, `"ds"`, `"vct"`,
/// `"la"`, `"vt"`, `"meter"`, `"earthing"`) and the variant's fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Device {
    Bus(Bus),
    Cable(Cable),
    Transformer(Transformer),
    Vcb(Vcb),
    LbsPf(LbsPf),
    GroundSwitch(GroundSwitch),
    LvBreaker(LvBreaker),
    Capacitor(Capacitor),
    Load(Load),
    Motor(Motor),
    Generator(Generator),
    Ds(Ds),
    Vct(Vct),
    La(La),
    Vt(Vt),
    Meter(Meter),
    Earthing(Earthing),
}

/// The `"type"` names of [`Device`] variants, in declaration order.
pub const DEVICE_TYPES: [&str; 17] = [
    "bus",
    "cable",
    "transformer",
    "vcb",
    "lbs_pf",
    "ground_switch",
    "lv_breaker",
    "capacitor",
    "load",
    "motor",
    "generator",
    "ds",
    "vct",
    "la",
    "vt",
    "meter",
    "earthing",
];

impl Device {
    /// The device's stable id.
    pub fn id(&self) -> &str {
        match self {
            Device::Bus(d) => &d.id,
            Device::Cable(d) => &d.id,
            Device::Transformer(d) => &d.id,
            Device::Vcb(d) => &d.id,
            Device::LbsPf(d) => &d.id,
            Device::GroundSwitch(d) => &d.id,
            Device::LvBreaker(d) => &d.id,
            Device::Capacitor(d) => &d.id,
            Device::Load(d) => &d.id,
            Device::Motor(d) => &d.id,
            Device::Generator(d) => &d.id,
            Device::Ds(d) => &d.id,
            Device::Vct(d) => &d.id,
            Device::La(d) => &d.id,
            Device::Vt(d) => &d.id,
            Device::Meter(d) => &d.id,
            Device::Earthing(d) => &d.id,
        }
    }

    /// The display name, falling back to the id.
    pub fn display_name(&self) -> &str {
        self.name().unwrap_or_else(|| self.id())
    }

    /// The `name` field, when given.
    pub fn name(&self) -> Option<&str> {
        let name = match self {
            Device::Bus(d) => &d.name,
            Device::Cable(d) => &d.name,
            Device::Transformer(d) => &d.name,
            Device::Vcb(d) => &d.name,
            Device::LbsPf(d) => &d.name,
            Device::GroundSwitch(d) => &d.name,
            Device::LvBreaker(d) => &d.name,
            Device::Capacitor(d) => &d.name,
            Device::Load(d) => &d.name,
            Device::Motor(d) => &d.name,
            Device::Generator(d) => &d.name,
            Device::Ds(d) => &d.name,
            Device::Vct(d) => &d.name,
            Device::La(d) => &d.name,
            Device::Vt(d) => &d.name,
            Device::Meter(d) => &d.name,
            Device::Earthing(d) => &d.name,
        };
        name.as_deref()
    }

    /// The `"type"` tag of this device.
    pub fn type_name(&self) -> &'static str {
        match self {
            Device::Bus(_) => "bus",
            Device::Cable(_) => "cable",
            Device::Transformer(_) => "transformer",
            Device::Vcb(_) => "vcb",
            Device::LbsPf(_) => "lbs_pf",
            Device::GroundSwitch(_) => "ground_switch",
            Device::LvBreaker(_) => "lv_breaker",
            Device::Capacitor(_) => "capacitor",
            Device::Load(_) => "load",
            Device::Motor(_) => "motor",
            Device::Generator(_) => "generator",
            Device::Ds(_) => "ds",
            Device::Vct(_) => "vct",
            Device::La(_) => "la",
            Device::Vt(_) => "vt",
            Device::Meter(_) => "meter",
            Device::Earthing(_) => "earthing",
        }
    }

    /// Series devices: `Some((from, to))` bus ids.
    pub fn series_terminals(&self) -> Option<(&str, &str)> {
        match self {
            Device::Cable(d) => Some((&d.from, &d.to)),
            Device::Transformer(d) => Some((&d.from, &d.to)),
            Device::Vcb(d) => Some((&d.from, &d.to)),
            Device::LbsPf(d) => Some((&d.from, &d.to)),
            Device::GroundSwitch(d) => Some((&d.from, &d.to)),
            Device::LvBreaker(d) => Some((&d.from, &d.to)),
            Device::Ds(d) => Some((&d.from, &d.to)),
            Device::Vct(d) => Some((&d.from, &d.to)),
            _ => None,
        }
    }

    /// Shunt devices: `Some(bus id)`.
    pub fn shunt_bus(&self) -> Option<&str> {
        match self {
            Device::Capacitor(d) => Some(&d.bus),
            Device::Load(d) => Some(&d.bus),
            Device::Motor(d) => Some(&d.bus),
            Device::Generator(d) => Some(&d.bus),
            Device::La(d) => Some(&d.bus),
            Device::Vt(d) => Some(&d.bus),
            _ => None,
        }
    }

    /// Attached devices (meters, earthing): every device id they name, with the JSON pointer
    /// of the field holding it relative to the device (`vt`, `ct`, `devices/0`, …).
    pub fn attachments(&self) -> Vec<(String, &str)> {
        match self {
            Device::Meter(m) => [("vt", &m.vt), ("ct", &m.ct)]
                .into_iter()
                .filter_map(|(f, r)| r.as_deref().map(|r| (f.to_string(), r)))
                .collect(),
            Device::Earthing(e) => e.devices.iter().enumerate().map(|(i, d)| (format!("devices/{i}"), d.as_str())).collect(),
            _ => Vec::new(),
        }
    }

    /// Equipment that is drawn and rated but carries no load current and protects nothing in
    /// the studies: DS and VCT in series, LA and VT on a bus, meters, earthing.
    pub fn is_auxiliary(&self) -> bool {
        matches!(self, Device::Ds(_) | Device::Vct(_) | Device::La(_) | Device::Vt(_) | Device::Meter(_) | Device::Earthing(_))
    }

    /// Every bus id this device is connected to, with the JSON field name holding it.
    pub fn terminals(&self) -> Vec<(&'static str, &str)> {
        if let Some((f, t)) = self.series_terminals() {
            vec![("from", f), ("to", t)]
        } else if let Some(b) = self.shunt_bus() {
            vec![("bus", b)]
        } else {
            Vec::new()
        }
    }
}

/// A node of the diagram (母線 or a connection point).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Bus {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Nominal line-to-line voltage, V (e.g. 6600, 3300, 420, 210). For a single-phase
    /// three-wire secondary, the voltage across the outer conductors (210).
    pub voltage_v: f64,
    /// Single-phase bus (downstream of a single-phase transformer). Default false. A
    /// single-phase bus is a 1φ3W 210/105 V bus: the study gives both its 210 V and its
    /// 105 V line-to-neutral faults (docs/engineering.md §5).
    #[serde(default)]
    pub single_phase: bool,
}

/// Cable impedance data, per km of route, per circuit.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CableImpedance {
    /// Conductor resistance at 20 °C, Ω/km.
    pub r_ohm_per_km: f64,
    /// Reactance at the supply frequency, Ω/km.
    pub x_ohm_per_km: f64,
}

/// A cable run. Impedance from `r_ohm_per_km`/`x_ohm_per_km`, or from the library item
/// `library_ref` when those are absent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Cable {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub from: String,
    pub to: String,
    /// Cable type designation, e.g. `"CVT"`, `"CV"`, `"CV-3C"`, `"IV"`.
    pub cable_type: String,
    /// Conductor cross-section, mm².
    pub size_mm2: f64,
    /// Route length, m.
    pub length_m: f64,
    /// Number of parallel circuits (default 1).
    #[serde(default = "one_u32")]
    pub parallel: u32,
    /// Resistance at 20 °C, Ω/km (with `x_ohm_per_km`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub r_ohm_per_km: Option<f64>,
    /// Reactance, Ω/km (with `r_ohm_per_km`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x_ohm_per_km: Option<f64>,
    /// Library cable item id (used when R/X are not given, and for withstand data).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub library_ref: Option<LibraryRef>,
    /// Short-circuit withstand constant K in I = K·S/√t (A·√s/mm²); XLPE copper 134.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withstand_k: Option<f64>,
}

fn one_u32() -> u32 {
    1
}

/// Number of phases of a transformer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Phases {
    Three,
    Single,
}

/// A transformer's short-circuit impedance on its own rating.
///
/// JSON: `{"form": "rx", "r_percent": 1.2, "x_percent": 4.0}` or
/// `{"form": "z", "z_percent": 4.5, "x_over_r": 3.0}`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "form", rename_all = "snake_case", deny_unknown_fields)]
pub enum PercentImpedance {
    Rx { r_percent: f64, x_percent: f64 },
    Z { z_percent: f64, x_over_r: f64 },
}

impl PercentImpedance {
    /// (%R, %X) on the device's own rating.
    pub fn r_x(&self) -> (f64, f64) {
        match *self {
            PercentImpedance::Rx {
                r_percent,
                x_percent,
            } => (r_percent, x_percent),
            PercentImpedance::Z {
                z_percent,
                x_over_r,
            } => {
                let r = z_percent / (1.0 + x_over_r * x_over_r).sqrt();
                (r, r * x_over_r)
            }
        }
    }
}

/// A point of a time–current characteristic: current in A (at the device's own voltage),
/// time in s.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct TimeCurrentPoint {
    pub current_a: f64,
    pub time_s: f64,
}

/// Transformer inrush as a multiple of primary rated current lasting `duration_s`.
/// Defaults (coordination settings) are 10 × for 0.1 s.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct InrushSpec {
    pub multiple: f64,
    pub duration_s: f64,
}

/// A transformer. `from` is the primary bus, `to` the secondary bus.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Transformer {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Primary bus id.
    pub from: String,
    /// Secondary bus id.
    pub to: String,
    pub phases: Phases,
    /// Rated power, kVA.
    pub rated_kva: f64,
    /// Rated primary voltage, V (line-to-line).
    pub primary_v: f64,
    /// Rated secondary voltage, V (line-to-line; 210 for a 1φ3W 210/105 V secondary).
    pub secondary_v: f64,
    /// Short-circuit impedance on the transformer's own rating.
    pub impedance: PercentImpedance,
    /// Inrush; the coordination defaults apply when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inrush: Option<InrushSpec>,
    /// Short-time withstand points (primary current, A); default 25 × rated for 2 s.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub withstand_points: Vec<TimeCurrentPoint>,
    /// Library transformer item id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub library_ref: Option<LibraryRef>,
}

impl Transformer {
    /// Rated primary current, A.
    pub fn primary_rated_current_a(&self) -> f64 {
        match self.phases {
            Phases::Three => self.rated_kva * 1000.0 / (3f64.sqrt() * self.primary_v),
            Phases::Single => self.rated_kva * 1000.0 / self.primary_v,
        }
    }
    /// Rated secondary current, A.
    pub fn secondary_rated_current_a(&self) -> f64 {
        match self.phases {
            Phases::Three => self.rated_kva * 1000.0 / (3f64.sqrt() * self.secondary_v),
            Phases::Single => self.rated_kva * 1000.0 / self.secondary_v,
        }
    }
}

/// Inverse-time curve of an overcurrent relay. JIS names (docs/engineering.md §1) use the lever D
/// with lever 10 = TMS 1.0; the IEC/IEEE families use `t = TMS·[k/(M^α − 1) + c]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum OcrCurve {
    /// 超反限時: 80/(M²−1) × D/10.
    Ei,
    /// 強反限時: 13.5/(M−1) × D/10.
    Vi,
    /// 普通反限時: 0.14/(M^0.02−1) × D/10.
    Ni,
    /// 定限時: 2 × D/10.
    Dt,
    IecSi,
    IecVi,
    IecEi,
    IecLti,
    IeeeMi,
    IeeeVi,
    IeeeEi,
}

impl OcrCurve {
    /// Whether this is one of the JIS curves set by a lever D (EI, VI, NI, DT).
    pub fn is_jis(self) -> bool {
        matches!(
            self,
            OcrCurve::Ei | OcrCurve::Vi | OcrCurve::Ni | OcrCurve::Dt
        )
    }
}

/// Settings of an overcurrent relay (OCR, 過電流継電器). Currents in relay (CT secondary)
/// amps unless the name says primary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct OcrSettings {
    pub curve: OcrCurve,
    /// CT rated primary current, A (e.g. 75 for a 75/5 CT).
    pub ct_primary_a: f64,
    /// CT rated secondary current, A: 5 or 1.
    pub ct_secondary_a: f64,
    /// Time-element tap, A secondary (JIS steps 3, 3.5, 4, 4.5, 5, 6 for 5 A relays).
    /// Absent or null: time element locked (整定ロック).
    #[serde(default)]
    pub tap_a: Option<f64>,
    /// Lever D (0.25 … 20; lever 10 = TMS 1.0). For IEC/IEEE curves give `lever` or `tms`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lever: Option<f64>,
    /// Time multiplier setting (IEC/IEEE curves only), 0.025 … 2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tms: Option<f64>,
    /// Instantaneous tap, A secondary (10 … 60 for 5 A relays). Absent or null: locked.
    #[serde(default)]
    pub instantaneous_tap_a: Option<f64>,
    /// Instantaneous element operating time, s (relay ≤ 0.05 s at 200 %). Absent: the
    /// coordination default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instantaneous_time_s: Option<f64>,
    /// Breaker opening time added to relay time, s. Absent: the coordination default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub breaker_time_s: Option<f64>,
    /// Library relay item id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub library_ref: Option<LibraryRef>,
}

impl OcrSettings {
    /// CT ratio (primary/secondary).
    pub fn ct_ratio(&self) -> f64 {
        self.ct_primary_a / self.ct_secondary_a
    }
    /// Time-element pickup in primary amps, `None` when locked.
    pub fn pickup_primary_a(&self) -> Option<f64> {
        self.tap_a.map(|t| t * self.ct_ratio())
    }
    /// Instantaneous pickup in primary amps, `None` when locked.
    pub fn instantaneous_primary_a(&self) -> Option<f64> {
        self.instantaneous_tap_a.map(|t| t * self.ct_ratio())
    }
    /// Effective TMS: `tms` when given, else lever/10. `None` when neither is set.
    pub fn effective_tms(&self) -> Option<f64> {
        self.tms.or(self.lever.map(|d| d / 10.0))
    }
}

/// Kind of ground relay.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum GroundRelayKind {
    /// Non-directional ground relay (GR, ZCT only).
    Gr,
    /// Directional ground relay (DGR, ZCT + ZPD).
    Dgr,
}

/// Ground relay settings (地絡継電器).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct GroundRelaySettings {
    pub kind: GroundRelayKind,
    /// Zero-sequence current pickup, A primary (customer typically 0.2 A; 0.1 … 1.0).
    pub current_a: f64,
    /// Operating time, s (customer typically 0.2 s; utility about 0.9 s).
    pub time_s: f64,
    /// DGR zero-sequence voltage pickup, % of the complete ground-fault voltage (e.g. 5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voltage_percent: Option<f64>,
    /// The ZCT feeding the relay.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zct: Option<Zct>,
    /// The ZPD feeding a DGR's voltage input (DGR only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zpd: Option<Zpd>,
}

/// A vacuum circuit breaker with its OCR (CB type main device or feeder breaker).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Vcb {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub from: String,
    pub to: String,
    /// Rated current, A (e.g. 600).
    pub rated_current_a: f64,
    /// Rated breaking current, kA (e.g. 12.5).
    pub breaking_capacity_ka: f64,
    pub ocr: OcrSettings,
    /// Ratings of the CT feeding `ocr` (burden, overcurrent constant, class); its ratio is
    /// `ocr.ct_primary_a / ocr.ct_secondary_a`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ct: Option<CurrentTransformer>,
    /// Ground relay tripping this breaker.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ground_relay: Option<GroundRelaySettings>,
    /// Rated short-time withstand current, kA rms (JIS C 4603: equal to the rated breaking
    /// current when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub short_time_ka: Option<f64>,
    /// Rated duration of the short-time withstand current, s (default: the switchgear
    /// settings' standard duration).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub short_time_s: Option<f64>,
    /// Rated short-circuit making current, kA peak (JIS C 4603: 2.5 × the rated breaking
    /// current when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub making_peak_ka: Option<f64>,
}

/// Power fuse type (JIS C 4604).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum FuseType {
    /// General purpose.
    G,
    /// Transformer.
    T,
    /// Motor.
    M,
    /// Capacitor.
    C,
}

/// A current-limiting power fuse (限流ヒューズ).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PowerFuseSettings {
    pub fuse_type: FuseType,
    /// Rated current, A (3 … 200).
    pub rating_a: f64,
    /// Rated breaking current, kA (commonly 40).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub breaking_capacity_ka: Option<f64>,
    /// Library fuse item id; the generic curve for `fuse_type`/`rating_a` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub library_ref: Option<LibraryRef>,
}

/// A load-break switch with power fuses (LBS + PF; PF・S type main device or a feeder).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct LbsPf {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub from: String,
    pub to: String,
    /// Switch rated current, A (e.g. 200).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rated_current_a: Option<f64>,
    pub fuse: PowerFuseSettings,
    /// Rated short-time withstand current of the switch, kA rms (JIS C 4605 class; the
    /// switchgear settings' default when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub short_time_ka: Option<f64>,
    /// Rated duration of the short-time withstand current, s.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub short_time_s: Option<f64>,
    /// Rated making current of the switch–fuse combination, kA peak, on the prospective
    /// current (JIS C 4611; the switchgear settings' default when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub making_peak_ka: Option<f64>,
}

/// Kind of service-point ground switch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum GroundSwitchKind {
    /// Pole-mounted air switch (PAS).
    Pas,
    /// Underground switch (UGS).
    Ugs,
}

/// PAS/UGS at the service point with GR/DGR and optional SO (storage overcurrent) lock.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct GroundSwitch {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub from: String,
    pub to: String,
    pub kind: GroundSwitchKind,
    /// Rated current, A (e.g. 200 or 300).
    pub rated_current_a: f64,
    /// GR or DGR setting. Absent: no ground relay.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ground_relay: Option<GroundRelaySettings>,
    /// SOG: the switch locks under overcurrent and opens in the utility's dead time.
    #[serde(default)]
    pub so_lock: bool,
    /// SO lock current, A primary (when `so_lock`): at and above it the switch does not open
    /// on its own and waits for the utility's dead time. Absent: a fraction of the
    /// interrupting current (switchgear settings).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub so_lock_current_a: Option<f64>,
    /// Largest current the switch can interrupt, A (JIS C 4607 rated overload breaking
    /// current, e.g. 400, 600 or 800 A). Absent: a multiple of `rated_current_a`
    /// (switchgear settings).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interrupting_current_a: Option<f64>,
    /// Rated short-time withstand current, kA rms (JIS C 4607: 8 or 12.5 kA).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub short_time_ka: Option<f64>,
    /// Rated duration of the short-time withstand current, s (JIS C 4607: 1 s).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub short_time_s: Option<f64>,
    /// Rated short-circuit making current, kA peak (JIS C 4607: 20 or 31.5 kA).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub making_peak_ka: Option<f64>,
}

/// Kind of low-voltage breaker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum LvBreakerKind {
    Mccb,
    Acb,
}

/// Trip unit of a low-voltage breaker.
///
/// JSON: `{"kind": "thermal_magnetic", "instantaneous_multiple": 10}` or
/// `{"kind": "electronic", "lt_multiple": 0.8, "lt_time_s": 10, ...}`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum TripUnit {
    /// Thermal-magnetic: the long-time band comes from the library table for the frame;
    /// the instantaneous pickup is `instantaneous_multiple` × In (band about ±20 %).
    ThermalMagnetic {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        instantaneous_multiple: Option<f64>,
    },
    /// Electronic LT/ST/I.
    Electronic {
        /// Long-time pickup Ir = `lt_multiple` × In (0.4 … 1.0).
        lt_multiple: f64,
        /// Long-time delay band: trip time at 6 × Ir, s (e.g. 5 … 30).
        lt_time_s: f64,
        /// Short-time pickup as a multiple of Ir (1.5 … 10); absent: no ST element.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        st_multiple: Option<f64>,
        /// Short-time delay, s (0.05 … 0.5; commonly 0.1 or 0.2).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        st_time_s: Option<f64>,
        /// Instantaneous pickup as a multiple of In (2 … 16); absent: no I element.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        i_multiple: Option<f64>,
    },
}

/// A low-voltage breaker (MCCB 配線用遮断器, ACB 気中遮断器).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct LvBreaker {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub from: String,
    pub to: String,
    pub kind: LvBreakerKind,
    /// Rated current In, A.
    pub rated_current_a: f64,
    /// Frame size, A (≥ In).
    pub frame_a: f64,
    /// Rated ultimate breaking capacity Icu at the bus voltage, kA.
    pub breaking_capacity_ka: f64,
    pub trip: TripUnit,
    /// Library breaker item id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub library_ref: Option<LibraryRef>,
}

/// A capacitor bank with series reactor (進相コンデンサ + 直列リアクトル).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Capacitor {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub bus: String,
    /// Rated output, kvar.
    pub rated_kvar: f64,
    /// Series reactor, % of capacitor reactance (0, 6 or 13 typical).
    pub reactor_percent: f64,
    /// Rated voltage, V (line-to-line). Must match its bus within ±10 % (a 6 % series
    /// reactor raises the capacitor's own rating to 7020 V on a 6600 V bus: still a match).
    pub rated_voltage_v: f64,
}

impl Capacitor {
    /// Continuous current at a bus voltage, A: `kvar / (√3·V) / (1 − L/100)` — the
    /// capacitor current rises by 1/(1 − L) with a series reactor of L % (JIS C 4902-1).
    pub fn rated_current_a(&self, bus_voltage_v: f64) -> f64 {
        let l = (self.reactor_percent / 100.0).clamp(0.0, 0.5);
        self.rated_kvar * 1000.0 / (3f64.sqrt() * bus_voltage_v) / (1.0 - l)
    }
}

/// A general load.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Load {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub bus: String,
    /// Apparent power, kVA.
    pub rated_kva: f64,
    /// Power factor 0 … 1 (default 0.9 when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub power_factor: Option<f64>,
    /// Rated voltage, V (line-to-line; on a single-phase three-wire bus 210 or 105 V
    /// class). Must match its bus within ±10 %.
    pub rated_voltage_v: f64,
    /// Demand factor (需要率) 0 < d ≤ 1: the load's largest demand as a fraction of its
    /// rating (default [`Load::DEFAULT_DEMAND_FACTOR`]). Used by the design study
    /// (docs/engineering.md §10), not by the protection checks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub demand_factor: Option<f64>,
}

impl Load {
    /// Demand factor assumed when the load does not give one (1.0: the whole rating, the
    /// conservative reading).
    pub const DEFAULT_DEMAND_FACTOR: f64 = 1.0;

    /// Demand factor, or the default.
    pub fn demand_factor_or_default(&self) -> f64 {
        self.demand_factor.unwrap_or(Self::DEFAULT_DEMAND_FACTOR)
    }

    /// Current drawn at its bus, A: `kVA / (√3·V)` on a three-phase bus, `kVA / V` on a
    /// single-phase bus (`V` the bus voltage: a 1φ3W bus's loads are taken as balanced
    /// between its two halves, so they load the outer conductors at 210 V).
    pub fn rated_current_a(&self, bus_voltage_v: f64, single_phase: bool) -> f64 {
        let k = if single_phase { 1.0 } else { 3f64.sqrt() };
        self.rated_kva * 1000.0 / (k * bus_voltage_v)
    }
}

/// An induction motor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Motor {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub bus: String,
    /// Rated output, kW.
    pub rated_kw: f64,
    /// Starting current as a multiple of rated current (typically 5 … 8).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub starting_current_multiple: Option<f64>,
    /// Starting time, s.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub starting_time_s: Option<f64>,
    /// Rated voltage, V (line-to-line). Must match its bus within ±10 % (a 200 V motor on a
    /// 210 V bus, a 400 V motor on a 420 V bus).
    pub rated_voltage_v: f64,
    /// Full-load efficiency 0 … 1 (default [`Motor::DEFAULT_EFFICIENCY`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub efficiency: Option<f64>,
    /// Full-load power factor 0 … 1 (default [`Motor::DEFAULT_POWER_FACTOR`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub power_factor: Option<f64>,
    /// Demand factor (需要率) 0 < d ≤ 1 of the motor's full-load input (default
    /// [`Load::DEFAULT_DEMAND_FACTOR`], 1.0). Used by the design study only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub demand_factor: Option<f64>,
    /// Pairs of poles (1 … 12; default [`Motor::DEFAULT_POLE_PAIRS`], a 4-pole motor). Used
    /// for the R/X of a motor above 1 kV, which IEC 60909-0 sets by the rated power per pole
    /// pair (docs/engineering.md §5, "Motors and generators").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pole_pairs: Option<u32>,
}

impl Motor {
    /// Locked-rotor current assumed for the fault contribution when the motor gives no
    /// `starting_current_multiple`: 6 × rated current (*practice*; general-purpose cage motors
    /// are 5–7 ×).
    pub const DEFAULT_LOCKED_ROTOR_MULTIPLE: f64 = 6.0;
    /// Pole pairs assumed when the motor does not give them (2: a 4-pole motor).
    pub const DEFAULT_POLE_PAIRS: u32 = 2;

    /// Locked-rotor current I_LR/I_rM: the starting current multiple, or the default.
    pub fn locked_rotor_multiple_or_default(&self) -> f64 {
        self.starting_current_multiple.unwrap_or(Self::DEFAULT_LOCKED_ROTOR_MULTIPLE)
    }

    /// Rated apparent power S_rM = P_rM / (η·cos φ), kVA.
    pub fn rated_kva(&self) -> f64 {
        self.rated_kw / (self.efficiency_or_default() * self.power_factor_or_default())
    }

    /// Efficiency assumed when the motor does not give one (0.9: a general-purpose
    /// totally-enclosed induction motor of about 11–75 kW; smaller motors are less
    /// efficient — enter the nameplate value).
    pub const DEFAULT_EFFICIENCY: f64 = 0.9;
    /// Power factor assumed when the motor does not give one (0.85, as above).
    pub const DEFAULT_POWER_FACTOR: f64 = 0.85;

    /// Efficiency, or the default.
    pub fn efficiency_or_default(&self) -> f64 {
        self.efficiency.unwrap_or(Self::DEFAULT_EFFICIENCY)
    }

    /// Power factor, or the default.
    pub fn power_factor_or_default(&self) -> f64 {
        self.power_factor.unwrap_or(Self::DEFAULT_POWER_FACTOR)
    }

    /// Demand factor, or the default (1.0).
    pub fn demand_factor_or_default(&self) -> f64 {
        self.demand_factor.unwrap_or(Load::DEFAULT_DEMAND_FACTOR)
    }

    /// Full-load electrical input, kVA: `kW / (η·cos φ)`.
    pub fn input_kva(&self) -> f64 {
        self.rated_kw / (self.efficiency_or_default() * self.power_factor_or_default())
    }

    /// Rated (full-load) current, A: `P / (√3·V·η·cos φ)` at its rated voltage (`P / (V·η·cos φ)`
    /// on a single-phase bus).
    pub fn rated_current_a(&self, single_phase: bool) -> f64 {
        let k = if single_phase { 1.0 } else { 3f64.sqrt() };
        self.rated_kw * 1000.0 / (k * self.rated_voltage_v * self.efficiency_or_default() * self.power_factor_or_default())
    }
}

/// A private generator. A standby generator (the default) never runs in parallel with the
/// utility, so it adds nothing to a fault on the utility supply; a generator with
/// `parallel_operation: true` contributes through its subtransient reactance
/// (docs/engineering.md §5, "Motors and generators").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Generator {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub bus: String,
    /// Rated power, kVA.
    pub rated_kva: f64,
    /// Subtransient reactance x_d'', % on own rating.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub xd_subtransient_percent: Option<f64>,
    /// Rated voltage, V (line-to-line). Must match its bus within ±10 %.
    pub rated_voltage_v: f64,
    /// Runs in parallel with the utility supply (系統連系). Default false (standby).
    /// Required with it: `xd_subtransient_percent`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parallel_operation: Option<bool>,
    /// Rated power factor cos φ_rG, 0 … 1 (default [`Generator::DEFAULT_POWER_FACTOR`]); sets
    /// the correction factor K_G.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub power_factor: Option<f64>,
}

impl Generator {
    /// Rated power factor assumed when not given (0.8: the usual rating of a private
    /// synchronous generator).
    pub const DEFAULT_POWER_FACTOR: f64 = 0.8;

    /// Whether it runs in parallel with the utility (default false).
    pub fn in_parallel(&self) -> bool {
        self.parallel_operation.unwrap_or(false)
    }

    /// Rated power factor, or the default.
    pub fn power_factor_or_default(&self) -> f64 {
        self.power_factor.unwrap_or(Self::DEFAULT_POWER_FACTOR)
    }
}

/// Study and coordination settings. Every field is optional; the documented default is used
/// when it is absent (`*_or_default` accessors).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// LV voltage tolerance for IEC 60909 c factors: 6 or 10 (%). Default 10.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lv_tolerance_percent: Option<f64>,
    /// Fault duration T_k for the thermal equivalent current i_th, s. Default 1.0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fault_duration_s: Option<f64>,
    /// Cable conductor temperature at the end of the fault for the IEC minimum case, °C.
    /// Default 20 (which makes the 6.6 kV minimum case equal the %Z method).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cable_end_temperature_c: Option<f64>,
    /// Time margin between relays in series, s. Default 0.3 (practice 0.2–0.3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub margin_s: Option<f64>,
    /// Default transformer inrush multiple of rated current. Default 10.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inrush_multiple: Option<f64>,
    /// Default transformer inrush duration, s. Default 0.1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inrush_duration_s: Option<f64>,
    /// Default transformer withstand multiple of rated current. Default 25.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transformer_withstand_multiple: Option<f64>,
    /// Default transformer withstand duration, s. Default 2.0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transformer_withstand_duration_s: Option<f64>,
    /// Which short-circuit result the breaking-capacity and duty checks take as the maximum
    /// fault current: `"percent_z"` (default), `"iec_max"` or `"larger"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fault_basis: Option<FaultBasis>,
    /// Impedance of a motor in the %Z method, % on its own kVA (*practice*: 25 %, i.e. a
    /// contribution of 4 × rated current). Default 25.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub motor_percent_z: Option<f64>,
    /// Why the service-point switch has no ground relay (e.g. the utility's written
    /// instruction). Without it a missing ground relay fails; with it the check warns and
    /// repeats the reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ground_protection_exemption: Option<String>,
}

/// Which short-circuit result the checks take as "the maximum fault current".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum FaultBasis {
    /// Japanese %Z method (voltage factor 1): the number utilities and inspectors use.
    PercentZ,
    /// IEC 60909-0 maximum case (c_max, K_T).
    IecMax,
    /// The larger of the two at every bus.
    Larger,
}


impl Settings {
    pub const DEFAULT_LV_TOLERANCE_PERCENT: f64 = 10.0;
    pub const DEFAULT_FAULT_DURATION_S: f64 = 1.0;
    pub const DEFAULT_CABLE_END_TEMPERATURE_C: f64 = 20.0;
    pub const DEFAULT_MARGIN_S: f64 = 0.3;
    pub const DEFAULT_INRUSH_MULTIPLE: f64 = 10.0;
    pub const DEFAULT_INRUSH_DURATION_S: f64 = 0.1;
    pub const DEFAULT_TRANSFORMER_WITHSTAND_MULTIPLE: f64 = 25.0;
    pub const DEFAULT_TRANSFORMER_WITHSTAND_DURATION_S: f64 = 2.0;
    pub const DEFAULT_MOTOR_PERCENT_Z: f64 = 25.0;

    pub fn motor_percent_z_or_default(&self) -> f64 {
        self.motor_percent_z.unwrap_or(Self::DEFAULT_MOTOR_PERCENT_Z)
    }

    pub fn lv_tolerance_percent_or_default(&self) -> f64 {
        self.lv_tolerance_percent
            .unwrap_or(Self::DEFAULT_LV_TOLERANCE_PERCENT)
    }
    pub fn fault_duration_s_or_default(&self) -> f64 {
        self.fault_duration_s
            .unwrap_or(Self::DEFAULT_FAULT_DURATION_S)
    }
    pub fn cable_end_temperature_c_or_default(&self) -> f64 {
        self.cable_end_temperature_c
            .unwrap_or(Self::DEFAULT_CABLE_END_TEMPERATURE_C)
    }
    pub fn margin_s_or_default(&self) -> f64 {
        self.margin_s.unwrap_or(Self::DEFAULT_MARGIN_S)
    }
    pub fn inrush_multiple_or_default(&self) -> f64 {
        self.inrush_multiple
            .unwrap_or(Self::DEFAULT_INRUSH_MULTIPLE)
    }
    pub fn inrush_duration_s_or_default(&self) -> f64 {
        self.inrush_duration_s
            .unwrap_or(Self::DEFAULT_INRUSH_DURATION_S)
    }
    pub fn transformer_withstand_multiple_or_default(&self) -> f64 {
        self.transformer_withstand_multiple
            .unwrap_or(Self::DEFAULT_TRANSFORMER_WITHSTAND_MULTIPLE)
    }
    pub fn transformer_withstand_duration_s_or_default(&self) -> f64 {
        self.transformer_withstand_duration_s
            .unwrap_or(Self::DEFAULT_TRANSFORMER_WITHSTAND_DURATION_S)
    }
}

/// Kinds of library item a project can refer to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum LibraryKind {
    Cable,
    Transformer,
    Relay,
    Fuse,
    Breaker,
}

/// What validation and the short-circuit study need from a device library. The built-in
/// library implements it; [`NoLibrary`] knows no items; the project's copies of company items
/// are consulted first by [`crate::library::resolve::ProjectLibrary`].
pub trait Library {
    /// Whether `reference` names an item of `kind`.
    fn contains(&self, kind: LibraryKind, reference: &LibraryRef) -> bool;
    /// Impedance of a library cable, when `reference` is a cable item.
    fn cable_impedance(&self, reference: &LibraryRef) -> Option<CableImpedance>;
    /// What the item of `kind` named `reference` is, so that validation can refuse a device
    /// whose declared type or rating disagrees with the item it refers to. `None` when the
    /// library does not know the item (or does not describe it).
    fn facts(&self, kind: LibraryKind, reference: &LibraryRef) -> Option<LibraryFacts> {
        let _ = (kind, reference);
        None
    }
}

/// The declared type and rating of a library item, in the model's own terms.
#[derive(Debug, Clone, PartialEq)]
pub enum LibraryFacts {
    Cable { cable_type: String, size_mm2: f64 },
    Transformer { phases: Phases, rated_kva: f64, primary_v: f64, secondary_v: f64 },
    Relay { curve: OcrCurve },
    /// A fuse item: its type and the ratings it has curves for.
    Fuse { fuse_type: FuseType, ratings_a: Vec<f64> },
    /// A breaker frame: its kind, frame size and the rated currents it is made in;
    /// `electronic` when the item fixes the trip technology (company items), `None` when any
    /// trip unit may be declared.
    Breaker { kind: LvBreakerKind, frame_a: f64, ratings_a: Vec<f64>, electronic: Option<bool> },
}

/// A library without items: every `library_ref` is unknown.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoLibrary;

impl Library for NoLibrary {
    fn contains(&self, _kind: LibraryKind, _reference: &LibraryRef) -> bool {
        false
    }
    fn cable_impedance(&self, _reference: &LibraryRef) -> Option<CableImpedance> {
        None
    }
}

impl Project {
    /// The device with this id.
    pub fn device(&self, id: &str) -> Option<&Device> {
        self.devices.iter().find(|d| d.id() == id)
    }

    /// The bus with this id.
    pub fn bus(&self, id: &str) -> Option<&Bus> {
        self.devices.iter().find_map(|d| match d {
            Device::Bus(b) if b.id == id => Some(b),
            _ => None,
        })
    }

    /// Cable impedance per km: the cable's own R/X, else the library's.
    pub fn cable_impedance(&self, cable: &Cable, library: &dyn Library) -> Option<CableImpedance> {
        match (cable.r_ohm_per_km, cable.x_ohm_per_km) {
            (Some(r), Some(x)) => Some(CableImpedance {
                r_ohm_per_km: r,
                x_ohm_per_km: x,
            }),
            _ => cable
                .library_ref
                .as_ref()
                .and_then(|r| library.cable_impedance(r)),
        }
    }
}
