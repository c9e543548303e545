//! The company's own device library: relays, power fuses, MCCB/ACB frames, cables and
//! transformers entered from a maker's catalogue, beside the generic built-in items.
//!
//! Every [`CompanyItem`] names its maker, model, the catalogue it was taken from and that
//! catalogue's revision, and carries an id and an integer version. The company library keeps
//! every version; a project keeps its own *copy* of the version its devices use
//! ([`crate::model::Project::company_library`]) and refers to it as
//! `library_ref: {"id", "version"}`. Studies read only the copy, so publishing version 4 of an
//! item changes no project until its engineer adopts it ([`outdated_devices`] lists the
//! devices for which a newer version exists).
//!
//! Curves entered as points are plain lists here; [`super::company_validate`] checks them
//! (monotone, in range, dense enough, bands ordered) and the conversions below turn a valid
//! item into the engine's characteristics. Formats and limits: docs/library.md.

use serde::{Deserialize, Serialize};

use crate::curves::{
    pt, BreakerTrip, CurveError, CurvePoint, ElectronicTrip, FuseCurves, InverseShape, LongTimeBand, PointCurve, ThermalMagneticTrip,
};
use crate::model::{Device, FuseType, LibraryRef, LvBreakerKind, OcrCurve, Phases, Project, TimeCurrentPoint};

/// One version of one company library item.
///
/// Invariant once validated ([`super::company_validate::validate_item`]): `id` is 1–64
/// characters of `A–Z a–z 0–9 . _ -`, `version ≥ 1`, the texts are non-empty, and the device
/// data passes its own checks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CompanyItem {
    /// The item's id in the company library, stable across versions, e.g. `acme.pf.t-30`.
    pub id: String,
    /// Version number, 1 for the first; every published edit adds one.
    pub version: u32,
    /// Maker (メーカー), e.g. `三菱電機`.
    pub maker: String,
    /// Model or type designation (形式), e.g. `MOC-A3V-R`.
    pub model: String,
    /// The document the data was taken from: catalogue or drawing name and number.
    pub source_document: String,
    /// The revision (版) of that document, e.g. `2023-04 第3版`.
    pub revision: String,
    /// Free text: what was read from where, assumptions made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The device data.
    pub device: CompanyDevice,
}

/// The device data of a company item, tagged by `type` (as the project's devices are).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum CompanyDevice {
    Relay(CompanyRelay),
    Fuse(CompanyFuse),
    Breaker(CompanyBreaker),
    Cable(CompanyCable),
    Transformer(CompanyTransformer),
}

impl CompanyDevice {
    /// The library kind of this item.
    pub fn kind(&self) -> crate::model::LibraryKind {
        use crate::model::LibraryKind as K;
        match self {
            CompanyDevice::Relay(_) => K::Relay,
            CompanyDevice::Fuse(_) => K::Fuse,
            CompanyDevice::Breaker(_) => K::Breaker,
            CompanyDevice::Cable(_) => K::Cable,
            CompanyDevice::Transformer(_) => K::Transformer,
        }
    }
}

/// An overcurrent relay: the family it is sold as and how its curve is computed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CompanyRelay {
    /// The standard family the relay's time element is sold as (e.g. `ei` for 超反限時). A
    /// device using the item must declare the same `curve`; it also fixes the dial scale
    /// (JIS lever, lever 10 = TMS 1, or TMS).
    pub curve: OcrCurve,
    /// The time element's characteristic.
    pub characteristic: RelayCharacteristic,
}

/// How a company relay's inverse-time element is computed, tagged by `form`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "form", rename_all = "snake_case")]
pub enum RelayCharacteristic {
    /// Exactly the standard equation of `curve` (docs/engineering.md §1).
    Standard,
    /// The maker's constants of the standard form.
    Equation(RelayEquation),
    /// The catalogue curve as points.
    Points(RelayPoints),
}

/// The maker's constants of `t = TMS·[k/(M^α − 1) + c]`, s at TMS 1 (lever 10).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RelayEquation {
    /// Numerator k, s.
    pub k: f64,
    /// Exponent α.
    pub alpha: f64,
    /// Constant adder c, s.
    pub c: f64,
}

/// Catalogue points at TMS 1 (lever 10): multiple of the tap against operating time,
/// interpolated in log-log, held flat beyond the last point; the set TMS scales the time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RelayPoints {
    /// Multiples of tap rising, times falling.
    pub points: Vec<MultiplePoint>,
}

/// A point of a curve drawn against a multiple of a setting (the relay's tap, the breaker's
/// rated current In).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct MultiplePoint {
    /// Multiple of the setting (× tap, × In).
    pub multiple: f64,
    /// Time, s.
    pub time_s: f64,
}

/// A power fuse (限流ヒューズ) range: one type, the catalogue curves of each rating.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CompanyFuse {
    /// JIS C 4604 type (G, T, M, C).
    pub fuse_type: FuseType,
    /// Rated voltage, kV (7.2 for 6.6 kV systems).
    pub rated_voltage_kv: f64,
    /// Rated breaking current, kA symmetrical.
    pub breaking_capacity_ka: f64,
    /// The curves of each rating the catalogue shows.
    pub ratings: Vec<FuseRating>,
}

/// The three catalogue curves of one fuse rating, in amperes of the fuse's own circuit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct FuseRating {
    /// Rated current, A.
    pub rating_a: f64,
    /// Allowable (許容) curve: no deterioration below it.
    pub allowable: Vec<TimeCurrentPoint>,
    /// Average melting (溶断) curve.
    pub melting: Vec<TimeCurrentPoint>,
    /// Operating / total clearing (動作) curve.
    pub clearing: Vec<TimeCurrentPoint>,
}

/// An MCCB or ACB frame with the trip data the catalogue gives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CompanyBreaker {
    /// MCCB or ACB.
    pub kind: LvBreakerKind,
    /// Frame size AF, A.
    pub frame_a: f64,
    /// Rated currents In (AT) the frame is made in, A.
    pub ratings_a: Vec<f64>,
    /// Rated ultimate breaking capacity Icu at AC 230 V, kA.
    pub icu_230v_ka: f64,
    /// The trip characteristic.
    pub trip: CompanyTrip,
}

/// Trip data of a company breaker, tagged by `form`. Curves are in multiples of In, so one
/// item serves every rating of the frame.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "form", rename_all = "snake_case")]
pub enum CompanyTrip {
    /// Thermal-magnetic.
    ThermalMagnetic(ThermalMagneticData),
    /// Electronic LT/ST/I.
    Electronic(ElectronicData),
}

/// A thermal-magnetic frame: the catalogue's long-time band as points (the generic band of
/// docs/engineering.md §4 when absent) and the instantaneous pickup.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ThermalMagneticData {
    /// Long-time band: `min` (no trip before) and `max` (tripped by), × In.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub long_time: Option<BandPoints>,
    /// Instantaneous pickup, × In (the device's `instantaneous_multiple` overrides).
    pub instantaneous_multiple: f64,
    /// Instantaneous pickup tolerance, ±fraction (e.g. 0.2).
    pub instantaneous_tolerance: f64,
}

/// An electronic trip unit: the maker's tolerances; the settings are the device's.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ElectronicData {
    /// Long-time pickup: may trip from `lt_pickup_min × Ir` (e.g. 1.05)…
    pub lt_pickup_min: f64,
    /// …and certainly trips from `lt_pickup_max × Ir` (e.g. 1.20).
    pub lt_pickup_max: f64,
    /// Long-time delay tolerance, ±fraction.
    pub lt_time_tolerance: f64,
    /// Short-time and instantaneous pickup tolerance, ±fraction.
    pub pickup_tolerance: f64,
}

/// A breaker's long-time band as two point curves, × In.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct BandPoints {
    /// Lower edge: the breaker does not trip before this time.
    pub min: Vec<MultiplePoint>,
    /// Upper edge: the breaker has tripped by this time.
    pub max: Vec<MultiplePoint>,
}

/// A cable from the maker's table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CompanyCable {
    /// Type designation, e.g. `CVT`, `CV`, `EM-CE`.
    pub cable_type: String,
    /// Rated voltage class, V.
    pub voltage_class_v: f64,
    /// Conductor size, mm².
    pub size_mm2: f64,
    /// Conductor resistance at 20 °C, Ω/km.
    pub r_ohm_per_km: f64,
    /// Positive-sequence reactance, Ω/km.
    pub x_ohm_per_km: f64,
    /// Capacitance per phase, µF/km (0 when not given).
    #[serde(default)]
    pub c_uf_per_km: f64,
    /// Short-circuit withstand constant K of `I = K·S/√t`, A·√s/mm².
    pub withstand_k: f64,
    /// Current-carrying capacity of one circuit under the maker's stated conditions, A.
    pub ampacity_a: f64,
}

/// A transformer from the maker's test report or catalogue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CompanyTransformer {
    pub phases: Phases,
    /// Rated power, kVA.
    pub rated_kva: f64,
    /// Rated primary voltage, V.
    pub primary_v: f64,
    /// Rated secondary voltage, V.
    pub secondary_v: f64,
    /// %R on the transformer's own rating.
    pub r_percent: f64,
    /// %X on the transformer's own rating.
    pub x_percent: f64,
}

/// Points of a [`TimeCurrentPoint`] list as engine curve points.
pub(crate) fn curve_points(v: &[TimeCurrentPoint]) -> Vec<CurvePoint> {
    v.iter().map(|p| pt(p.current_a, p.time_s)).collect()
}

/// Points of a [`MultiplePoint`] list scaled by `base` (× In → A; 1 keeps multiples).
pub(crate) fn multiple_points(v: &[MultiplePoint], base: f64) -> Vec<CurvePoint> {
    v.iter().map(|p| pt(p.multiple * base, p.time_s)).collect()
}

impl CompanyRelay {
    /// The time element's equation constants and, for a `points` relay, its catalogue curve
    /// (multiple of tap → time at TMS 1). A `points` relay keeps its family's constants beside
    /// the curve, for labels only. An error when the numbers do not make a curve (an
    /// unvalidated item): the relay is then not drawn rather than drawn from other data.
    pub fn time_element(&self) -> Result<(InverseShape, Option<PointCurve>), CurveError> {
        let family = crate::checks::devices::family_of(self.curve).shape();
        match &self.characteristic {
            RelayCharacteristic::Standard => Ok((family, None)),
            RelayCharacteristic::Equation(e) => Ok((InverseShape::new(e.k, e.alpha, e.c)?, None)),
            RelayCharacteristic::Points(p) => Ok((family, Some(PointCurve::new("points", multiple_points(&p.points, 1.0))?))),
        }
    }
}

impl CompanyFuse {
    /// The curves of the rating `rating_a` (exact match, as in the catalogue) with the
    /// built-in default melting spread (0.20); `None` when the item lacks the rating or its
    /// points do not form valid curves.
    pub fn curves(&self, rating_a: f64) -> Option<FuseCurves> {
        let r = self.ratings.iter().find(|r| same_rating(r.rating_a, rating_a))?;
        Some(FuseCurves {
            allowable: PointCurve::new("allowable", curve_points(&r.allowable)).ok()?,
            melting: PointCurve::new("melting", curve_points(&r.melting)).ok()?,
            clearing: PointCurve::new("clearing", curve_points(&r.clearing)).ok()?,
            melting_spread: 0.20,
        })
    }

    /// The ratings the item has curves for, A.
    pub fn ratings_a(&self) -> Vec<f64> {
        self.ratings.iter().map(|r| r.rating_a).collect()
    }
}

/// Two ratings are the same when they agree to one part in 10⁹.
pub(crate) fn same_rating(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

/// The device's own trip settings, as the company breaker needs them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum BreakerSettings {
    /// A thermal-magnetic unit: rated current In (A) and the device's instantaneous pickup
    /// × In when it sets one.
    ThermalMagnetic { rated_a: f64, instantaneous_multiple: Option<f64> },
    /// An electronic unit's settings.
    Electronic(super::ElectronicSettings),
}

impl CompanyBreaker {
    /// The trip band of this frame at the device's settings, in amperes of its circuit.
    /// `None` when the device's trip unit is of the other technology or a number is unusable.
    pub fn trip(&self, s: BreakerSettings) -> Option<BreakerTrip> {
        let ok = |v: f64| v.is_finite() && v > 0.0;
        match (&self.trip, s) {
            (
                CompanyTrip::ThermalMagnetic(ThermalMagneticData { long_time, instantaneous_multiple, instantaneous_tolerance }),
                BreakerSettings::ThermalMagnetic { rated_a, instantaneous_multiple: own },
            ) => {
                if !ok(rated_a) {
                    return None;
                }
                let long_time = match long_time {
                    Some(b) => LongTimeBand {
                        min: PointCurve::new("long_time.min", multiple_points(&b.min, rated_a)).ok()?,
                        max: PointCurve::new("long_time.max", multiple_points(&b.max, rated_a)).ok()?,
                    },
                    None => super::thermal_magnetic_long_time(rated_a)?,
                };
                let multiple = own.unwrap_or(*instantaneous_multiple);
                if !ok(multiple) {
                    return None;
                }
                Some(BreakerTrip::ThermalMagnetic(ThermalMagneticTrip {
                    long_time,
                    instantaneous_a: multiple * rated_a,
                    instantaneous_tolerance: *instantaneous_tolerance,
                    instantaneous_min_s: 0.005,
                    instantaneous_max_s: 0.02,
                }))
            }
            (
                CompanyTrip::Electronic(ElectronicData { lt_pickup_min, lt_pickup_max, lt_time_tolerance, pickup_tolerance }),
                BreakerSettings::Electronic(e),
            ) => {
                // The generic unit with the maker's tolerances in place of the generic ones.
                match super::electronic_trip(e)? {
                    BreakerTrip::Electronic(generic) => Some(BreakerTrip::Electronic(ElectronicTrip {
                        lt_pickup_min: *lt_pickup_min,
                        lt_pickup_max: *lt_pickup_max,
                        lt_time_tolerance: *lt_time_tolerance,
                        pickup_tolerance: *pickup_tolerance,
                        ..generic
                    })),
                    other => Some(other),
                }
            }
            _ => None,
        }
    }

    /// Whether the frame's trip unit is electronic.
    pub fn is_electronic(&self) -> bool {
        matches!(self.trip, CompanyTrip::Electronic(_))
    }
}

/// A device whose project copy of a company item is older than the company's current version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct OutdatedDevice {
    /// The device's id (`utility` for the utility's own relay).
    pub device_id: String,
    /// JSON pointer of the device's `library_ref`.
    pub pointer: String,
    /// The company item's id.
    pub item_id: String,
    /// The version the project uses.
    pub project_version: u32,
    /// The newest version in the company library.
    pub latest_version: u32,
}

/// Every device that uses a company item at a version older than the newest one in
/// `current` (the company library as it is now; several versions of one id may be given, the
/// highest counts). Devices whose item is no longer in `current` are not listed.
pub fn outdated_devices(project: &Project, current: &[CompanyItem]) -> Vec<OutdatedDevice> {
    let latest = |id: &str| current.iter().filter(|i| i.id == id).map(|i| i.version).max();
    let mut out = Vec::new();
    for (device_id, pointer, r) in library_refs(project) {
        let Some(c) = r.company() else { continue };
        if let Some(v) = latest(&c.id) {
            if v > c.version {
                out.push(OutdatedDevice {
                    device_id,
                    pointer,
                    item_id: c.id.clone(),
                    project_version: c.version,
                    latest_version: v,
                });
            }
        }
    }
    out
}

/// Every `library_ref` of the project with its device id and JSON pointer.
pub fn library_refs(project: &Project) -> Vec<(String, String, &LibraryRef)> {
    let mut out = Vec::new();
    if let Some(r) = project.utility.ocr.as_ref().and_then(|o| o.library_ref.as_ref()) {
        out.push((crate::checks::UTILITY_ID.to_string(), "/utility/ocr/library_ref".to_string(), r));
    }
    for (i, d) in project.devices.iter().enumerate() {
        let (r, at) = match d {
            Device::Cable(c) => (c.library_ref.as_ref(), "library_ref"),
            Device::Transformer(t) => (t.library_ref.as_ref(), "library_ref"),
            Device::Vcb(v) => (v.ocr.library_ref.as_ref(), "ocr/library_ref"),
            Device::LbsPf(l) => (l.fuse.library_ref.as_ref(), "fuse/library_ref"),
            Device::LvBreaker(b) => (b.library_ref.as_ref(), "library_ref"),
            _ => (None, ""),
        };
        if let Some(r) = r {
            out.push((d.id().to_string(), format!("/devices/{i}/{at}"), r));
        }
    }
    out
}

/// Adopts `item` in the project: its copy of `item.id` becomes `item`, and every reference to
/// that id moves to `item.version`. Returns how many device references changed. The engineer
/// does this on purpose ("use the new version"); the project is re-validated and re-analysed
/// afterwards like any other edit.
pub fn adopt(project: &mut Project, item: &CompanyItem) -> usize {
    match project.company_library.iter_mut().find(|c| c.id == item.id) {
        Some(copy) => *copy = item.clone(),
        None => project.company_library.push(item.clone()),
    }
    let mut changed = 0;
    let mut update = |r: Option<&mut LibraryRef>| {
        if let Some(LibraryRef::Company(c)) = r {
            if c.id == item.id && c.version != item.version {
                c.version = item.version;
                changed += 1;
            }
        }
    };
    update(project.utility.ocr.as_mut().and_then(|o| o.library_ref.as_mut()));
    for d in &mut project.devices {
        match d {
            Device::Cable(c) => update(c.library_ref.as_mut()),
            Device::Transformer(t) => update(t.library_ref.as_mut()),
            Device::Vcb(v) => update(v.ocr.library_ref.as_mut()),
            Device::LbsPf(l) => update(l.fuse.library_ref.as_mut()),
            Device::LvBreaker(b) => update(b.library_ref.as_mut()),
            _ => {}
        }
    }
    changed
}
