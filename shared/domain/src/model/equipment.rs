//! The equipment a receiving substation's single-line diagram shows beside the devices the
//! protection study needs: the disconnecting switch (DS, 断路器), lightning arresters (LA,
//! 避雷器), the utility's metering unit (VCT, 電力需給用計器用変成器) and the meters, voltage
//! transformers (VT, 計器用変圧器), the ratings of the current transformers (CT, 変流器) and
//! of the zero-phase devices (ZCT 零相変流器, ZPD 零相基準入力装置) behind the relays, and
//! earthing (接地).
//!
//! Where each sits in the diagram:
//! - in series between two buses, like a breaker: [`Ds`], [`Vct`] (`from`, `to`); the
//!   short-circuit study takes them as zero impedance;
//! - on a bus: [`La`], [`Vt`] (`bus`); they draw no current any study counts;
//! - attached to other devices by id: [`Meter`] (`vt`, `ct`) and [`Earthing`] (`devices`);
//! - part of a breaker position: [`CurrentTransformer`] (`vcb.ct`: the CT feeding the VCB's
//!   OCR, whose ratio stays `ocr.ct_primary_a / ocr.ct_secondary_a`), [`Zct`] and [`Zpd`]
//!   (`ground_relay.zct`, `ground_relay.zpd` of a PAS/UGS or a VCB).
//!
//! Every field is optional where older documents lack it: a project without any of these
//! devices reads and analyses exactly as before. Rules: `docs/rules/instrument_transformers.md`,
//! `docs/rules/earthing.md`, `docs/rules/disconnectors.md`.

use serde::{Deserialize, Serialize};

/// A disconnecting switch (断路器, DS). It isolates a circuit for work and must not open a
/// load current (労働安全衛生規則 第340条): it is opened after the breaking device in series
/// with it, or is interlocked with that device.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Ds {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub from: String,
    pub to: String,
    /// Rated current, A (JIS C 4606: 200, 400, 600 A).
    pub rated_current_a: f64,
    /// Rated short-time withstand current, kA rms (e.g. 12.5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub short_time_ka: Option<f64>,
    /// Id of the breaking device (VCB, LBS + PF or PAS/UGS) the DS is interlocked with
    /// (緊錠装置): the DS cannot open while that device is closed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interlock: Option<String>,
}

/// A lightning arrester (避雷器, LA) on a high-voltage bus.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct La {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub bus: String,
    /// Rated voltage, V (JIS C 4608: 8 400 V for 6.6 kV systems, 4 200 V for 3.3 kV).
    pub rated_voltage_v: f64,
    /// Nominal discharge current, kA (2.5, 5 or 10; 2.5 kA is usual for customers' stations).
    pub nominal_discharge_current_ka: f64,
}

/// Accuracy class of a metering unit for transactions (JIS C 1736-1: the "W" classes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum VctClass {
    /// 0.3W級 (special precision; contract demand 10 000 kW and above).
    #[serde(rename = "0.3W")]
    W03,
    /// 0.5W級 (precision; 500 kW up to 10 000 kW).
    #[serde(rename = "0.5W")]
    W05,
    /// 1.0W級 (ordinary; below 500 kW).
    #[serde(rename = "1.0W")]
    W10,
}

impl VctClass {
    /// The class as printed on the nameplate.
    pub fn label(self) -> &'static str {
        match self {
            VctClass::W03 => "0.3W",
            VctClass::W05 => "0.5W",
            VctClass::W10 => "1.0W",
        }
    }
}

/// The utility's metering unit (電力需給用計器用変成器, VCT): a VT and CTs in one tank, in series
/// in the incoming circuit, feeding the transaction meters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Vct {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub from: String,
    pub to: String,
    /// VT rated primary voltage, V (6 600).
    pub primary_v: f64,
    /// VT rated secondary voltage, V (110).
    pub secondary_v: f64,
    /// CT rated primary current, A (e.g. 100 for a 100/5 A unit).
    pub ct_primary_a: f64,
    /// CT rated secondary current, A: 5 or 1.
    pub ct_secondary_a: f64,
    pub accuracy_class: VctClass,
    /// Rated burden of the VT part, VA.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vt_rated_burden_va: Option<f64>,
    /// Rated burden of the CT part, VA.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ct_rated_burden_va: Option<f64>,
}

impl Vct {
    /// Voltage ratio primary/secondary.
    pub fn vt_ratio(&self) -> f64 {
        self.primary_v / self.secondary_v
    }
    /// Current ratio primary/secondary.
    pub fn ct_ratio(&self) -> f64 {
        self.ct_primary_a / self.ct_secondary_a
    }
}

/// Accuracy class of a voltage transformer (JIS C 1731-2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum VtClass {
    #[serde(rename = "0.1")]
    C01,
    #[serde(rename = "0.2")]
    C02,
    #[serde(rename = "0.5")]
    C05,
    #[serde(rename = "1.0")]
    C10,
    #[serde(rename = "3.0")]
    C30,
}

impl VtClass {
    /// The class as printed on the nameplate.
    pub fn label(self) -> &'static str {
        match self {
            VtClass::C01 => "0.1",
            VtClass::C02 => "0.2",
            VtClass::C05 => "0.5",
            VtClass::C10 => "1.0",
            VtClass::C30 => "3.0",
        }
    }
}

/// The current-limiting fuse on a VT's primary (VT 用限流ヒューズ).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct VtFuse {
    /// Rated current, A (e.g. 1 or 3).
    pub rating_a: f64,
    /// Rated breaking current, kA (commonly 40).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub breaking_capacity_ka: Option<f64>,
}

/// A voltage transformer (計器用変圧器, VT) on a bus, feeding meters and relays.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Vt {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub bus: String,
    /// Rated primary voltage, V (line-to-line; must match its bus within ±10 %).
    pub primary_v: f64,
    /// Rated secondary voltage, V (110).
    pub secondary_v: f64,
    /// Rated burden, VA.
    pub rated_burden_va: f64,
    pub accuracy_class: VtClass,
    /// Burden of the relays and secondary wiring, VA; the meters that name this VT add their
    /// own `voltage_burden_va`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relay_burden_va: Option<f64>,
    /// The primary fuse. Absent: the VT has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fuse: Option<VtFuse>,
}

impl Vt {
    /// Voltage ratio primary/secondary.
    pub fn ratio(&self) -> f64 {
        self.primary_v / self.secondary_v
    }
}

/// What a meter measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum MeterKind {
    /// Active-energy meter (電力量計, Wh).
    WattHour,
    /// Reactive-energy meter (無効電力量計, varh).
    VarHour,
    /// Maximum-demand meter (最大需要電力計).
    MaxDemand,
    /// Voltmeter (電圧計).
    Voltmeter,
    /// Ammeter (電流計).
    Ammeter,
    /// Wattmeter (電力計).
    Wattmeter,
    /// Power-factor meter (力率計).
    PowerFactor,
    /// Frequency meter (周波数計).
    Frequency,
}

impl MeterKind {
    /// Whether the meter has a voltage circuit (needs `vt`) and a current circuit (needs `ct`).
    pub fn circuits(self) -> (bool, bool) {
        match self {
            MeterKind::Voltmeter | MeterKind::Frequency => (true, false),
            MeterKind::Ammeter => (false, true),
            _ => (true, true),
        }
    }

    /// The usual symbol letters (Wh, varh, A, V, …).
    pub fn symbol(self) -> &'static str {
        match self {
            MeterKind::WattHour => "Wh",
            MeterKind::VarHour => "varh",
            MeterKind::MaxDemand => "DM",
            MeterKind::Voltmeter => "V",
            MeterKind::Ammeter => "A",
            MeterKind::Wattmeter => "W",
            MeterKind::PowerFactor => "PF",
            MeterKind::Frequency => "F",
        }
    }
}

/// A meter, attached to the instrument transformers that feed it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Meter {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub kind: MeterKind,
    /// Id of the VT or VCT feeding its voltage circuit (required for every kind but the
    /// ammeter).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vt: Option<String>,
    /// Id of the device whose CT feeds its current circuit: a VCT, or a VCB (the CT of its
    /// OCR). Required for the ammeter, wattmeter, power-factor and energy meters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ct: Option<String>,
    /// Burden of its voltage circuit, VA.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voltage_burden_va: Option<f64>,
    /// Burden of its current circuit, VA.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_burden_va: Option<f64>,
}

/// Earthing class of 電気設備技術基準の解釈 第17条.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum EarthingClass {
    /// A種: high-voltage equipment frames, lightning arresters; ≤ 10 Ω.
    A,
    /// B種: the low-voltage side of a transformer joining a high-voltage and a low-voltage
    /// circuit; ≤ 150/I₁ Ω (300/I₁ or 600/I₁ with automatic disconnection of the
    /// high-voltage side within 2 s or 1 s).
    B,
    /// C種: low-voltage equipment above 300 V; ≤ 10 Ω (500 Ω with disconnection within 0.5 s).
    C,
    /// D種: low-voltage equipment up to 300 V, instrument-transformer secondaries; ≤ 100 Ω
    /// (500 Ω with disconnection within 0.5 s).
    D,
}

impl EarthingClass {
    /// The class as written on drawings (A種 …).
    pub fn label_ja(self) -> &'static str {
        match self {
            EarthingClass::A => "A種",
            EarthingClass::B => "B種",
            EarthingClass::C => "C種",
            EarthingClass::D => "D種",
        }
    }
}

/// An earthing electrode (接地極) and what is bonded to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Earthing {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub class: EarthingClass,
    /// Earth resistance, Ω (the measured or designed value).
    pub resistance_ohm: f64,
    /// Ids of the devices bonded to it: the lightning arresters and high-voltage frames for
    /// class A, the transformer whose low-voltage side it earths for class B, …
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub devices: Vec<String>,
    /// Class B: the one-line ground-fault current I₁ of the high-voltage system, A, as the
    /// utility states it (電気設備技術基準の解釈 第17条). Required for class B.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ground_fault_current_a: Option<f64>,
    /// Time within which a ground fault is disconnected automatically, s: class B the
    /// high-voltage side, classes C and D the low-voltage circuit. Absent: no such device.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disconnection_time_s: Option<f64>,
}

/// Accuracy class of a current transformer (JIS C 1731-1 measuring classes, JEC-1201 and
/// IEC 61869-2 protection classes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum CtClass {
    #[serde(rename = "0.1")]
    C01,
    #[serde(rename = "0.2")]
    C02,
    #[serde(rename = "0.5")]
    C05,
    #[serde(rename = "1.0")]
    C10,
    #[serde(rename = "3.0")]
    C30,
    #[serde(rename = "1PS")]
    P1s,
    #[serde(rename = "3PS")]
    P3s,
    #[serde(rename = "5P")]
    P5,
    #[serde(rename = "10P")]
    P10,
}

impl CtClass {
    /// The class as printed on the nameplate.
    pub fn label(self) -> &'static str {
        match self {
            CtClass::C01 => "0.1",
            CtClass::C02 => "0.2",
            CtClass::C05 => "0.5",
            CtClass::C10 => "1.0",
            CtClass::C30 => "3.0",
            CtClass::P1s => "1PS",
            CtClass::P3s => "3PS",
            CtClass::P5 => "5P",
            CtClass::P10 => "10P",
        }
    }
}

/// The ratings of the CT that feeds a VCB's OCR (its ratio is the OCR's
/// `ct_primary_a / ct_secondary_a`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CurrentTransformer {
    /// Rated burden S_n, VA (e.g. 15, 25, 40).
    pub rated_burden_va: f64,
    /// Overcurrent constant n (過電流定数, "n>10"): the multiple of the rated primary current
    /// up to which the ratio error stays within −10 % at the rated burden.
    pub overcurrent_constant: f64,
    pub accuracy_class: CtClass,
    /// Burden of the relays and secondary wiring, VA; the meters that name this VCB as their
    /// `ct` add their own `current_burden_va`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relay_burden_va: Option<f64>,
    /// The CT's own secondary loss S_ct = I₂ₙ²·R_ct, VA (maker data).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub internal_burden_va: Option<f64>,
    /// Rated overcurrent strength (過電流強度) as a multiple of the rated primary current for
    /// 1 s (40, 75, 150, 300).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overcurrent_strength: Option<f64>,
}

/// A zero-phase current transformer (零相変流器, ZCT) feeding a ground relay.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Zct {
    /// Rated zero-sequence primary current, mA (200).
    pub rated_primary_ma: f64,
    /// Rated zero-sequence secondary current, mA (1.5).
    pub rated_secondary_ma: f64,
    /// Rated overcurrent strength of the through conductors, kA rms for 1 s.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub short_time_ka: Option<f64>,
}

/// A zero-phase voltage device (零相基準入力装置, ZPD) feeding a directional ground relay.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Zpd {
    /// Rated voltage, V (line-to-line of the system: 6 600).
    pub rated_voltage_v: f64,
}
