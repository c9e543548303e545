//! The built-in library of generic devices: OCR curves, power fuses, low-voltage breakers,
//! cables and transformers, each with a stable id (`pf.t.30a`, `cable.cvt.38`,
//! `mccb.100af`, `tr.3ph.500kva`, `ocr.jis.ei`) and a statement of where its data comes from.
//!
//! Every item here is *generic*: representative of the standard it names, not any maker's
//! product. Engineers replace it with the maker's catalogue data (user-defined items) before
//! stamping drawings; the `source` of each item says so.
//!
//! [`builtin`] returns the library (built once). It implements [`crate::model::Library`] so
//! that validation and the short-circuit study can resolve `library_ref`s.

pub mod company;
pub mod company_validate;
pub mod csv_import;
pub mod pf_selection;
pub mod resolve;

use std::sync::OnceLock;

use serde::Serialize;

use crate::curves::{
    pt, BreakerTrip, CurveFamily, CurvePoint, ElectronicTrip, FuseCurves, LongTimeBand, PointCurve,
    ShortTimeElement, ThermalMagneticTrip,
};
use crate::model::{CableImpedance, Library, LibraryFacts, LibraryKind, LibraryRef};

/// A relay curve item: the family and the setting ranges of a typical JIS receiving OCR.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RelayItem {
    /// Stable id, e.g. `ocr.jis.ei`.
    pub id: String,
    /// Names in Japanese and English.
    pub name_ja: String,
    pub name_en: String,
    pub family: CurveFamily,
    /// Time-element taps for a 5 A secondary, A.
    pub taps_a: Vec<f64>,
    /// Lever (JIS) or TMS range, inclusive.
    pub dial_min: f64,
    pub dial_max: f64,
    /// Instantaneous tap range for a 5 A secondary, A.
    pub instantaneous_tap_min_a: f64,
    pub instantaneous_tap_max_a: f64,
    /// Where the data comes from.
    pub source: &'static str,
}

/// Power fuse type (JIS C 4604): G general, T transformer, M motor, C capacitor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum PfType {
    G,
    T,
    M,
    C,
}

impl PfType {
    /// Lower-case letter used in ids.
    pub fn letter(self) -> &'static str {
        match self {
            PfType::G => "g",
            PfType::T => "t",
            PfType::M => "m",
            PfType::C => "c",
        }
    }
}

/// A power fuse item (7.2 kV current-limiting PF).
///
/// Invariant: `curves` satisfy allowable ≤ minimum melting ≤ melting ≤ clearing at every
/// current (checked by the library's tests).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FuseItem {
    pub id: String,
    pub fuse_type: PfType,
    /// Rated current, A.
    pub rating_a: f64,
    /// Rated voltage, kV.
    pub rated_voltage_kv: f64,
    /// Rated breaking current, kA (symmetrical).
    pub breaking_capacity_ka: f64,
    pub curves: FuseCurves,
    pub source: &'static str,
}

/// Kind of breaker item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum BreakerItemKind {
    Mccb,
    Acb,
}

/// Trip technology of a breaker frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum TripTechnology {
    ThermalMagnetic,
    Electronic,
}

/// A breaker frame (MCCB or ACB) with its rated currents and typical trip data.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct BreakerItem {
    pub id: String,
    pub kind: BreakerItemKind,
    /// Frame size AF, A.
    pub frame_a: f64,
    /// Available rated currents In (AT), A.
    pub ratings_a: Vec<f64>,
    /// Rated ultimate breaking capacity Icu at AC 230 V, kA.
    pub icu_230v_ka: f64,
    pub technology: TripTechnology,
    /// Default instantaneous pickup, × In.
    pub instantaneous_multiple: f64,
    pub source: &'static str,
}

/// A cable item: conductor data for short-circuit studies and withstand checks.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CableItem {
    pub id: String,
    /// `"CVT"` (6.6 kV triplex XLPE) or `"CV"` (600 V three-core XLPE).
    pub cable_type: &'static str,
    /// Rated voltage class, V.
    pub voltage_class_v: f64,
    /// Conductor size, mm².
    pub size_mm2: f64,
    /// Conductor resistance at 20 °C, Ω/km.
    pub r_ohm_per_km: f64,
    /// Positive-sequence reactance, Ω/km (representative for 50/60 Hz within about ±10 %).
    pub x_ohm_per_km: f64,
    /// Electrostatic capacitance per phase, µF/km (6.6 kV cables; 0 when not given).
    pub c_uf_per_km: f64,
    /// Short-circuit withstand constant K of `I = K·S/√t`, A·√s/mm².
    pub withstand_k: f64,
    /// Current-carrying capacity of one circuit in air or in a trough (気中・暗きょ), A:
    /// conductor 90 °C, ambient 40 °C ([`SRC_AMPACITY`]).
    pub ampacity_a: f64,
    pub source: &'static str,
}

/// Transformer phases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum TransformerPhases {
    Three,
    Single,
}

/// A standard transformer size with typical impedance.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TransformerItem {
    pub id: String,
    pub phases: TransformerPhases,
    pub rated_kva: f64,
    pub primary_v: f64,
    pub secondary_v: f64,
    /// %R and %X on the transformer's own rating.
    pub r_percent: f64,
    pub x_percent: f64,
    pub source: &'static str,
}

/// The whole built-in library.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "Library"))]
pub struct BuiltinLibrary {
    pub relays: Vec<RelayItem>,
    pub fuses: Vec<FuseItem>,
    pub breakers: Vec<BreakerItem>,
    pub cables: Vec<CableItem>,
    pub transformers: Vec<TransformerItem>,
}

const SRC_RELAY: &str = "docs/engineering.md §1: JIS C 4602 curve shapes per IEC 60255-151 with lever 10 = TMS 1.0; \
tap, lever and instantaneous ranges typical of digital receiving OCRs (e.g. MELPRO MOC-A3 class). Generic.";
const SRC_RELAY_IEC: &str = "IEC 60255-151 standard curve constants (docs/engineering.md §1). Generic.";
const SRC_RELAY_IEEE: &str = "IEEE C37.112 standard curve constants (docs/engineering.md §1). Generic.";
const SRC_FUSE: &str = "Generic, representative curve made for Kyocho — NOT a maker's data. Shape: typical \
log-log slope of 7.2 kV current-limiting PF catalogue curves, fitted so that the JIS C 4604 \
repeated-overcurrent duties of docs/engineering.md §3 lie under the allowable curve (T: 10×In 0.1 s; \
M: 5×In 10 s; C: 70×In 0.002 s). Allowable = melting curve at 0.8 × current; clearing = \
1.1 × melting + 4 ms. Replace with the maker's catalogue for stamped drawings.";
const SRC_MCCB: &str = "Generic frame data typical of JIS C 8201-2-1 MCCBs: long-time band from the \
conventional currents (no trip 1.05×In, trip 1.3×In within 1 h/2 h) and the 200 % maximum times \
of former JIS C 8370 (2 … 14 min by rating), instantaneous ±20 %; Icu typical of standard \
(not economy) frames. Not a maker's data.";
const SRC_ELECTRONIC: &str = "Generic electronic trip unit typical of JIS C 8201-2-1 MCCB/ACB: LT Ir = In, \
10 s at 6×Ir (I²t), ST 5×Ir 0.1 s, I 12×In; tolerances LT pickup 1.05–1.20×Ir, time ±20 %, \
ST/I ±10 %. Not a maker's data.";
const SRC_CVT: &str = "6.6 kV CVT (XLPE, copper, triplex): R = maximum conductor resistance at 20 °C of \
JIS C 3606 (38 mm² 0.491 Ω/km as in docs/engineering.md case B); X and C representative of JCS \
catalogue tables; K = 134 for XLPE copper 90 → 230 °C (docs/engineering.md §6); ampacity JCS 0168-3 \
(triplex, in air, 1 circuit, 40 °C ambient). Generic.";
const SRC_CV: &str = "600 V CV (XLPE, copper, three-core): R = maximum conductor resistance at 20 °C \
(JIS C 3605); X representative of catalogue tables; K = 134 (XLPE copper, docs/engineering.md §6); ampacity \
JCS 0168-2 (three-core, in air, 1 circuit, 40 °C ambient). Generic.";
const SRC_TR: &str = "Standard sizes of JIS C 4304 oil-immersed distribution transformers, 6600 V primary; \
%R/%X typical of JEM 1500 top-runner units (500 kVA 1.2 + j4.0 % as in docs/engineering.md case B). \
Generic, not a maker's data.";

/// Where the cable ampacities come from.
pub const SRC_AMPACITY: &str = "Current-carrying capacity in air or in a trough, one circuit, conductor 90 °C, \
ambient 40 °C: JCS 0168-3 (6.6 kV CVT, triplex; 14 mm² is not tabulated for triplex, the three-core value \
is used) and JCS 0168-2 (600 V CV three-core). Derate for other ambients, grouping or conduits.";

/// Ratings (A) of every PF type in the library.
pub const PF_LIBRARY_RATINGS_A: [f64; 14] =
    [3.0, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0, 75.0, 100.0, 125.0, 150.0, 200.0];

/// Average melting curve per unit of rating (multiple of In, seconds) for each type.
fn pf_melting_pu(t: PfType) -> &'static [(f64, f64)] {
    match t {
        PfType::G => &[
            (2.0, 300.0),
            (2.5, 60.0),
            (3.0, 20.0),
            (4.0, 6.0),
            (5.0, 2.5),
            (7.0, 0.8),
            (10.0, 0.25),
            (15.0, 0.075),
            (20.0, 0.035),
            (30.0, 0.013),
            (50.0, 0.0045),
        ],
        PfType::T => &[
            (2.0, 600.0),
            (2.5, 200.0),
            (3.0, 80.0),
            (4.0, 25.0),
            (5.0, 10.0),
            (7.0, 3.0),
            (10.0, 0.9),
            (15.0, 0.25),
            (20.0, 0.11),
            (30.0, 0.04),
            (50.0, 0.013),
            (80.0, 0.005),
        ],
        PfType::M => &[
            (2.0, 3000.0),
            (3.0, 600.0),
            (4.0, 250.0),
            (5.0, 100.0),
            (7.0, 20.0),
            (10.0, 4.0),
            (15.0, 0.9),
            (20.0, 0.3),
            (30.0, 0.08),
            (50.0, 0.02),
            (80.0, 0.007),
        ],
        PfType::C => &[
            (2.0, 600.0),
            (3.0, 100.0),
            (5.0, 15.0),
            (7.0, 5.0),
            (10.0, 1.5),
            (20.0, 0.25),
            (30.0, 0.08),
            (50.0, 0.025),
            (100.0, 0.006),
            (150.0, 0.0027),
        ],
    }
}

/// Allowable curve current as a fraction of the melting current at the same time.
const PF_ALLOWABLE_CURRENT_RATIO: f64 = 0.8;

/// The generic curves of a PF of `fuse_type` and `rating_a` (any positive rating; the
/// library lists the standard ones). `None` for a non-positive rating.
pub fn generic_fuse_curves(fuse_type: PfType, rating_a: f64) -> Option<FuseCurves> {
    if !(rating_a.is_finite() && rating_a > 0.0) {
        return None;
    }
    let pu = pf_melting_pu(fuse_type);
    let melting: Vec<CurvePoint> = pu.iter().map(|&(m, t)| pt(m * rating_a, t)).collect();
    let allowable: Vec<CurvePoint> =
        pu.iter().map(|&(m, t)| pt(m * rating_a * PF_ALLOWABLE_CURRENT_RATIO, t)).collect();
    let clearing: Vec<CurvePoint> = pu.iter().map(|&(m, t)| pt(m * rating_a, 1.1 * t + 0.004)).collect();
    Some(FuseCurves {
        allowable: PointCurve::new("allowable", allowable).ok()?,
        melting: PointCurve::new("melting", melting).ok()?,
        clearing: PointCurve::new("clearing", clearing).ok()?,
        melting_spread: 0.20,
    })
}

/// Maximum trip time at 200 % of In for a thermal-magnetic MCCB (former JIS C 8370), s.
pub fn mccb_max_time_at_200_percent_s(rated_a: f64) -> f64 {
    let min = match rated_a {
        r if r <= 30.0 => 2.0,
        r if r <= 50.0 => 4.0,
        r if r <= 100.0 => 6.0,
        r if r <= 225.0 => 8.0,
        r if r <= 400.0 => 10.0,
        r if r <= 600.0 => 12.0,
        _ => 14.0,
    };
    min * 60.0
}

/// Generic thermal-magnetic long-time band for a breaker of rated current `rated_a` (A).
/// `None` for a non-positive rating.
pub fn thermal_magnetic_long_time(rated_a: f64) -> Option<LongTimeBand> {
    if !(rated_a.is_finite() && rated_a > 0.0) {
        return None;
    }
    let t2 = mccb_max_time_at_200_percent_s(rated_a);
    let conventional = if rated_a <= 63.0 { 3600.0 } else { 7200.0 };
    let min = [
        (1.05, conventional),
        (1.3, 1200.0),
        (1.5, 0.8 * t2),
        (2.0, 0.25 * t2),
        (3.0, 0.1 * t2),
        (5.0, 0.03 * t2),
        (7.0, 0.015 * t2),
        (10.0, 0.007 * t2),
    ];
    let max = [
        (1.3, conventional),
        (1.5, 3.0 * t2),
        (2.0, t2),
        (3.0, 0.4 * t2),
        (5.0, 0.12 * t2),
        (7.0, 0.06 * t2),
        (10.0, 0.03 * t2),
    ];
    let to_pts = |v: &[(f64, f64)]| v.iter().map(|&(m, t)| pt(m * rated_a, t)).collect::<Vec<_>>();
    Some(LongTimeBand {
        min: PointCurve::new("long_time.min", to_pts(&min)).ok()?,
        max: PointCurve::new("long_time.max", to_pts(&max)).ok()?,
    })
}

/// Generic thermal-magnetic trip: long-time band of [`thermal_magnetic_long_time`] plus an
/// instantaneous pickup `instantaneous_multiple × In` with ±20 % and 5 … 20 ms clearing.
pub fn thermal_magnetic_trip(rated_a: f64, instantaneous_multiple: f64) -> Option<BreakerTrip> {
    if !(instantaneous_multiple.is_finite() && instantaneous_multiple > 0.0) {
        return None;
    }
    Some(BreakerTrip::ThermalMagnetic(ThermalMagneticTrip {
        long_time: thermal_magnetic_long_time(rated_a)?,
        instantaneous_a: instantaneous_multiple * rated_a,
        instantaneous_tolerance: 0.20,
        instantaneous_min_s: 0.005,
        instantaneous_max_s: 0.02,
    }))
}

/// Settings of an electronic trip unit in multiples (as set on the unit).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ElectronicSettings {
    /// Rated current In, A.
    pub rated_a: f64,
    /// Ir / In (0.4 … 1).
    pub lt_multiple: f64,
    /// Long-time delay at 6 × Ir, s.
    pub lt_time_s: f64,
    /// Isd / Ir and tsd (s); `None` when no ST element.
    pub short_time: Option<(f64, f64)>,
    /// Ii / In; `None` when no I element.
    pub i_multiple: Option<f64>,
}

/// Generic electronic trip with the tolerances of [`SRC_ELECTRONIC`]. `None` for
/// non-positive or non-finite settings.
pub fn electronic_trip(s: ElectronicSettings) -> Option<BreakerTrip> {
    let ok = |v: f64| v.is_finite() && v > 0.0;
    if !(ok(s.rated_a) && ok(s.lt_multiple) && ok(s.lt_time_s)) {
        return None;
    }
    let ir = s.rated_a * s.lt_multiple;
    let short_time = match s.short_time {
        Some((m, t)) if ok(m) && ok(t) => Some(ShortTimeElement { pickup_a: m * ir, delay_s: t }),
        Some(_) => return None,
        None => None,
    };
    let instantaneous_a = match s.i_multiple {
        Some(m) if ok(m) => Some(m * s.rated_a),
        Some(_) => return None,
        None => None,
    };
    Some(BreakerTrip::Electronic(ElectronicTrip {
        ir_a: ir,
        tr_at_6ir_s: s.lt_time_s,
        lt_pickup_min: 1.05,
        lt_pickup_max: 1.20,
        lt_time_tolerance: 0.20,
        short_time,
        instantaneous_a,
        pickup_tolerance: 0.10,
        instantaneous_min_s: 0.005,
        instantaneous_max_s: 0.03,
    }))
}

fn build() -> BuiltinLibrary {
    let mut relays = Vec::new();
    for family in CurveFamily::ALL {
        let (ja, en) = family.names();
        let (prefix, source, dial_min, dial_max) = match family.dial() {
            crate::curves::DialScale::JisLever => ("ocr.jis", SRC_RELAY, 0.25, 20.0),
            crate::curves::DialScale::Tms => ("ocr.iec", SRC_RELAY_IEC, 0.025, 2.0),
            crate::curves::DialScale::TimeDial => ("ocr.ieee", SRC_RELAY_IEEE, 0.025, 2.0),
        };
        let suffix = match family {
            CurveFamily::JisEi | CurveFamily::IecEi | CurveFamily::IeeeEi => "ei",
            CurveFamily::JisVi | CurveFamily::IecVi | CurveFamily::IeeeVi => "vi",
            CurveFamily::JisNi => "ni",
            CurveFamily::JisDt => "dt",
            CurveFamily::IecSi => "si",
            CurveFamily::IecLti => "lti",
            CurveFamily::IeeeMi => "mi",
        };
        relays.push(RelayItem {
            id: format!("{prefix}.{suffix}"),
            name_ja: format!("{ja} OCR"),
            name_en: format!("{en} OCR"),
            family,
            taps_a: vec![3.0, 3.5, 4.0, 4.5, 5.0, 6.0],
            dial_min,
            dial_max,
            instantaneous_tap_min_a: 10.0,
            instantaneous_tap_max_a: 60.0,
            source,
        });
    }

    let mut fuses = Vec::new();
    for t in [PfType::G, PfType::T, PfType::M, PfType::C] {
        for r in PF_LIBRARY_RATINGS_A {
            if let Some(curves) = generic_fuse_curves(t, r) {
                fuses.push(FuseItem {
                    id: format!("pf.{}.{}a", t.letter(), r),
                    fuse_type: t,
                    rating_a: r,
                    rated_voltage_kv: 7.2,
                    breaking_capacity_ka: 40.0,
                    curves,
                    source: SRC_FUSE,
                });
            }
        }
    }

    let mccb = |frame: f64, ratings: &[f64], icu: f64, tech: TripTechnology, inst: f64| BreakerItem {
        id: format!("mccb.{frame}af"),
        kind: BreakerItemKind::Mccb,
        frame_a: frame,
        ratings_a: ratings.to_vec(),
        icu_230v_ka: icu,
        technology: tech,
        instantaneous_multiple: inst,
        source: if tech == TripTechnology::ThermalMagnetic { SRC_MCCB } else { SRC_ELECTRONIC },
    };
    let tm = TripTechnology::ThermalMagnetic;
    let el = TripTechnology::Electronic;
    let mut breakers = vec![
        // Rated currents per frame: the standard steps of JIS C 8201-2-1 MCCB ranges
    // (preferred values of IEC 60059 / the 10-15-20-30-40-50-60-75-100-125-… series).
        mccb(50.0, &[10.0, 15.0, 20.0, 30.0, 40.0, 50.0], 25.0, tm, 10.0),
        mccb(100.0, &[15.0, 20.0, 30.0, 40.0, 50.0, 60.0, 75.0, 100.0], 50.0, tm, 10.0),
        mccb(225.0, &[100.0, 125.0, 150.0, 175.0, 200.0, 225.0], 50.0, tm, 10.0),
        mccb(400.0, &[250.0, 300.0, 350.0, 400.0], 50.0, el, 12.0),
        mccb(600.0, &[400.0, 500.0, 600.0], 50.0, el, 12.0),
        mccb(800.0, &[700.0, 800.0], 65.0, el, 12.0),
    ];
    for (frame, icu) in [(1000.0, 65.0), (1600.0, 65.0), (2000.0, 85.0), (2500.0, 85.0), (3200.0, 100.0), (4000.0, 100.0)] {
        breakers.push(BreakerItem {
            id: format!("acb.{frame}af"),
            kind: BreakerItemKind::Acb,
            frame_a: frame,
            ratings_a: vec![frame],
            icu_230v_ka: icu,
            technology: el,
            instantaneous_multiple: 12.0,
            source: SRC_ELECTRONIC,
        });
    }

    // size, R20 (Ω/km), X CVT, C CVT (µF/km), X CV, ampacity CVT 6.6 kV, ampacity CV 600 V 3C (A)
    #[allow(clippy::type_complexity)]
    let sizes: [(f64, f64, f64, f64, f64, f64, f64); 9] = [
        (14.0, 1.31, 0.14, 0.22, 0.100, 83.0, 76.0),
        (22.0, 0.850, 0.13, 0.25, 0.095, 120.0, 100.0),
        (38.0, 0.491, 0.12, 0.32, 0.090, 170.0, 140.0),
        (60.0, 0.311, 0.11, 0.37, 0.088, 225.0, 190.0),
        (100.0, 0.187, 0.10, 0.45, 0.085, 310.0, 260.0),
        (150.0, 0.124, 0.095, 0.53, 0.083, 405.0, 340.0),
        (200.0, 0.0933, 0.092, 0.58, 0.082, 485.0, 410.0),
        (250.0, 0.0754, 0.090, 0.64, 0.081, 560.0, 470.0),
        (325.0, 0.0579, 0.088, 0.71, 0.080, 660.0, 555.0),
    ];
    let mut cables = Vec::new();
    for (s, r, x_cvt, c, x_cv, amp_cvt, amp_cv) in sizes {
        cables.push(CableItem {
            id: format!("cable.cvt.{s}"),
            cable_type: "CVT",
            voltage_class_v: 6600.0,
            size_mm2: s,
            r_ohm_per_km: r,
            x_ohm_per_km: x_cvt,
            c_uf_per_km: c,
            withstand_k: 134.0,
            ampacity_a: amp_cvt,
            source: SRC_CVT,
        });
        cables.push(CableItem {
            id: format!("cable.cv.{s}"),
            cable_type: "CV",
            voltage_class_v: 600.0,
            size_mm2: s,
            r_ohm_per_km: r,
            x_ohm_per_km: x_cv,
            c_uf_per_km: 0.0,
            withstand_k: 134.0,
            ampacity_a: amp_cv,
            source: SRC_CV,
        });
    }

    let mut transformers = Vec::new();
    let three: [(f64, f64, f64); 11] = [
        (50.0, 1.6, 2.0),
        (75.0, 1.5, 2.2),
        (100.0, 1.4, 2.4),
        (150.0, 1.3, 2.7),
        (200.0, 1.25, 3.0),
        (300.0, 1.2, 3.5),
        (500.0, 1.2, 4.0),
        (750.0, 1.1, 4.5),
        (1000.0, 1.0, 5.0),
        (1500.0, 0.9, 5.5),
        (2000.0, 0.85, 6.0),
    ];
    for (kva, r, x) in three {
        transformers.push(TransformerItem {
            id: format!("tr.3ph.{kva}kva"),
            phases: TransformerPhases::Three,
            rated_kva: kva,
            primary_v: 6600.0,
            secondary_v: 210.0,
            r_percent: r,
            x_percent: x,
            source: SRC_TR,
        });
    }
    let single: [(f64, f64, f64); 10] = [
        (10.0, 1.9, 1.3),
        (20.0, 1.7, 1.5),
        (30.0, 1.6, 1.6),
        (50.0, 1.5, 1.8),
        (75.0, 1.4, 2.0),
        (100.0, 1.3, 2.2),
        (150.0, 1.2, 2.5),
        (200.0, 1.1, 2.8),
        (300.0, 1.0, 3.2),
        (500.0, 1.0, 3.8),
    ];
    for (kva, r, x) in single {
        transformers.push(TransformerItem {
            id: format!("tr.1ph.{kva}kva"),
            phases: TransformerPhases::Single,
            rated_kva: kva,
            primary_v: 6600.0,
            secondary_v: 210.0,
            r_percent: r,
            x_percent: x,
            source: SRC_TR,
        });
    }

    BuiltinLibrary { relays, fuses, breakers, cables, transformers }
}

/// The built-in library (built on first use, then shared).
pub fn builtin() -> &'static BuiltinLibrary {
    static LIB: OnceLock<BuiltinLibrary> = OnceLock::new();
    LIB.get_or_init(build)
}

impl BuiltinLibrary {
    /// Relay item by id.
    pub fn relay(&self, id: &str) -> Option<&RelayItem> {
        self.relays.iter().find(|i| i.id == id)
    }
    /// Fuse item by id.
    pub fn fuse(&self, id: &str) -> Option<&FuseItem> {
        self.fuses.iter().find(|i| i.id == id)
    }
    /// The library fuse of a type and rating (exact rating).
    pub fn fuse_by_rating(&self, fuse_type: PfType, rating_a: f64) -> Option<&FuseItem> {
        self.fuses.iter().find(|i| i.fuse_type == fuse_type && i.rating_a == rating_a)
    }
    /// Breaker frame by id.
    pub fn breaker(&self, id: &str) -> Option<&BreakerItem> {
        self.breakers.iter().find(|i| i.id == id)
    }
    /// Cable item by id.
    pub fn cable(&self, id: &str) -> Option<&CableItem> {
        self.cables.iter().find(|i| i.id == id)
    }
    /// Cable item by type (`"CVT"`, `"CV"`; case-insensitive, `"CV-3C"` reads as CV) and size.
    pub fn cable_by_size(&self, cable_type: &str, size_mm2: f64) -> Option<&CableItem> {
        let t = cable_type.to_ascii_uppercase();
        let t = if t.starts_with("CVT") { "CVT" } else if t.starts_with("CV") { "CV" } else { return None };
        self.cables.iter().find(|i| i.cable_type == t && i.size_mm2 == size_mm2)
    }
    /// Transformer item by id.
    pub fn transformer(&self, id: &str) -> Option<&TransformerItem> {
        self.transformers.iter().find(|i| i.id == id)
    }
    /// Every item id, for listings.
    pub fn ids(&self) -> Vec<&str> {
        let mut v: Vec<&str> = Vec::new();
        v.extend(self.relays.iter().map(|i| i.id.as_str()));
        v.extend(self.fuses.iter().map(|i| i.id.as_str()));
        v.extend(self.breakers.iter().map(|i| i.id.as_str()));
        v.extend(self.cables.iter().map(|i| i.id.as_str()));
        v.extend(self.transformers.iter().map(|i| i.id.as_str()));
        v
    }
}

impl Library for BuiltinLibrary {
    fn contains(&self, kind: LibraryKind, reference: &LibraryRef) -> bool {
        let Some(reference) = reference.builtin_id() else { return false };
        match kind {
            LibraryKind::Cable => self.cable(reference).is_some(),
            LibraryKind::Transformer => self.transformer(reference).is_some(),
            LibraryKind::Relay => self.relay(reference).is_some(),
            LibraryKind::Fuse => self.fuse(reference).is_some(),
            LibraryKind::Breaker => self.breaker(reference).is_some(),
        }
    }

    fn cable_impedance(&self, reference: &LibraryRef) -> Option<CableImpedance> {
        self.cable(reference.builtin_id()?)
            .map(|c| CableImpedance { r_ohm_per_km: c.r_ohm_per_km, x_ohm_per_km: c.x_ohm_per_km })
    }

    fn facts(&self, kind: LibraryKind, reference: &LibraryRef) -> Option<LibraryFacts> {
        use crate::model::{FuseType, LvBreakerKind, OcrCurve, Phases};
        let reference = reference.builtin_id()?;
        match kind {
            LibraryKind::Cable => self
                .cable(reference)
                .map(|c| LibraryFacts::Cable { cable_type: c.cable_type.to_string(), size_mm2: c.size_mm2 }),
            LibraryKind::Transformer => self.transformer(reference).map(|t| LibraryFacts::Transformer {
                phases: match t.phases {
                    TransformerPhases::Three => Phases::Three,
                    TransformerPhases::Single => Phases::Single,
                },
                rated_kva: t.rated_kva,
                primary_v: t.primary_v,
                secondary_v: t.secondary_v,
            }),
            LibraryKind::Relay => self.relay(reference).map(|r| LibraryFacts::Relay {
                curve: match r.family {
                    CurveFamily::JisEi => OcrCurve::Ei,
                    CurveFamily::JisVi => OcrCurve::Vi,
                    CurveFamily::JisNi => OcrCurve::Ni,
                    CurveFamily::JisDt => OcrCurve::Dt,
                    CurveFamily::IecSi => OcrCurve::IecSi,
                    CurveFamily::IecVi => OcrCurve::IecVi,
                    CurveFamily::IecEi => OcrCurve::IecEi,
                    CurveFamily::IecLti => OcrCurve::IecLti,
                    CurveFamily::IeeeMi => OcrCurve::IeeeMi,
                    CurveFamily::IeeeVi => OcrCurve::IeeeVi,
                    CurveFamily::IeeeEi => OcrCurve::IeeeEi,
                },
            }),
            LibraryKind::Fuse => self.fuse(reference).map(|f| LibraryFacts::Fuse {
                fuse_type: match f.fuse_type {
                    PfType::G => FuseType::G,
                    PfType::T => FuseType::T,
                    PfType::M => FuseType::M,
                    PfType::C => FuseType::C,
                },
                ratings_a: vec![f.rating_a],
            }),
            LibraryKind::Breaker => self.breaker(reference).map(|b| LibraryFacts::Breaker {
                kind: match b.kind {
                    BreakerItemKind::Mccb => LvBreakerKind::Mccb,
                    BreakerItemKind::Acb => LvBreakerKind::Acb,
                },
                frame_a: b.frame_a,
                ratings_a: b.ratings_a.clone(),
                electronic: None,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_stable() {
        let lib = builtin();
        let mut ids = lib.ids();
        let n = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), n);
        for id in ["pf.t.30a", "pf.c.3a", "pf.m.200a", "cable.cvt.38", "cable.cv.325", "mccb.100af", "acb.1600af", "tr.3ph.500kva", "tr.1ph.50kva", "ocr.jis.ei", "ocr.ieee.mi"] {
            assert!(lib.ids().contains(&id), "{id}");
        }
    }

    #[test]
    fn cable_ampacities_follow_jcs_0168_in_air() {
        // 6.6 kV CVT triplex (JCS 0168-3) and 600 V CV three-core (JCS 0168-2), one circuit,
        // 40 °C ambient; ampacity grows with the size.
        let lib = builtin();
        assert_eq!(lib.cable("cable.cvt.38").unwrap().ampacity_a, 170.0);
        assert_eq!(lib.cable("cable.cv.150").unwrap().ampacity_a, 340.0);
        for t in ["CVT", "CV"] {
            let mut v: Vec<&CableItem> = lib.cables.iter().filter(|c| c.cable_type == t).collect();
            v.sort_by(|a, b| a.size_mm2.total_cmp(&b.size_mm2));
            assert!(v.windows(2).all(|w| w[1].ampacity_a > w[0].ampacity_a), "{t}");
        }
    }

    #[test]
    fn every_mccb_frame_lists_rated_currents_up_to_the_frame() {
        for b in &builtin().breakers {
            assert!(!b.ratings_a.is_empty() && b.ratings_a.iter().all(|&r| r > 0.0 && r <= b.frame_a), "{}", b.id);
            assert!(b.ratings_a.contains(&b.frame_a), "{}: the frame's own rating", b.id);
        }
    }

    #[test]
    fn case_b_cable_and_transformer_data() {
        let c = builtin().cable("cable.cvt.38").unwrap();
        assert_eq!((c.r_ohm_per_km, c.x_ohm_per_km, c.withstand_k), (0.491, 0.12, 134.0));
        let t = builtin().transformer("tr.3ph.500kva").unwrap();
        assert_eq!((t.r_percent, t.x_percent), (1.2, 4.0));
    }
}
