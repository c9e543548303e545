//! From the project model to time–current characteristics: OCR settings to relay curves,
//! PF settings to fuse curves (library or generic), LV breaker settings to breaker bands,
//! ground-relay settings to ground relays. All currents in the device's own circuit; the
//! caller refers them to the chart. A device's `library_ref` is resolved by a
//! [`Resolver`]: the project's copies of company items first, then the built-in library.

use crate::curves::{
    BreakerTrip, Characteristic, CurveError, CurveFamily, FuseCurves, GroundRelay, InstantaneousElement,
    OvercurrentRelay,
};
use crate::library::company::BreakerSettings;
use crate::library::resolve::Resolver;
use crate::library::{self, ElectronicSettings, PfType};
use crate::model::{FuseType, GroundRelaySettings, LvBreaker, OcrCurve, OcrSettings, PowerFuseSettings, TripUnit};

use super::CheckSettings;

/// The curve family of a model OCR curve.
pub fn family_of(curve: OcrCurve) -> CurveFamily {
    match curve {
        OcrCurve::Ei => CurveFamily::JisEi,
        OcrCurve::Vi => CurveFamily::JisVi,
        OcrCurve::Ni => CurveFamily::JisNi,
        OcrCurve::Dt => CurveFamily::JisDt,
        OcrCurve::IecSi => CurveFamily::IecSi,
        OcrCurve::IecVi => CurveFamily::IecVi,
        OcrCurve::IecEi => CurveFamily::IecEi,
        OcrCurve::IecLti => CurveFamily::IecLti,
        OcrCurve::IeeeMi => CurveFamily::IeeeMi,
        OcrCurve::IeeeVi => CurveFamily::IeeeVi,
        OcrCurve::IeeeEi => CurveFamily::IeeeEi,
    }
}

/// The library PF type of a model fuse type.
pub fn pf_type_of(t: FuseType) -> PfType {
    match t {
        FuseType::G => PfType::G,
        FuseType::T => PfType::T,
        FuseType::M => PfType::M,
        FuseType::C => PfType::C,
    }
}

/// The relay (with its breaker) described by OCR settings, in primary amperes.
///
/// TMS: `tms` when given, else lever/10 (model rule). Instantaneous: pickup = instantaneous
/// tap × CT ratio, operating between `settings.instantaneous_min_time_s` and the relay's
/// `instantaneous_time_s` (default `settings.instantaneous_max_time_s`). Breaker opening time:
/// `breaker_time_s`, default `settings.breaker_time_s(frequency)`. A company relay item
/// supplies its own equation constants or catalogue curve in place of the family's.
pub fn relay_from_ocr(
    ocr: &OcrSettings,
    lib: &Resolver<'_>,
    settings: &CheckSettings,
    frequency_hz: f64,
) -> Result<OvercurrentRelay, CurveError> {
    let family = family_of(ocr.curve);
    let (shape, catalogue) = match lib.relay(ocr) {
        Some(item) => item.time_element()?,
        None => (family.shape(), None),
    };
    // A locked time element needs no multiplier; otherwise a missing one is an error.
    let tms = ocr.effective_tms().unwrap_or(if ocr.tap_a.is_none() { 1.0 } else { f64::NAN });
    let inst_max = ocr.instantaneous_time_s.unwrap_or(settings.instantaneous_max_time_s);
    let instantaneous = ocr.instantaneous_primary_a().map(|pickup_a| InstantaneousElement {
        pickup_a,
        min_time_s: settings.instantaneous_min_time_s.min(inst_max).max(0.0),
        max_time_s: inst_max,
    });
    let mut relay = OvercurrentRelay::new(
        shape,
        tms,
        ocr.pickup_primary_a(),
        instantaneous,
        None,
        settings.relay_tolerance,
    )?;
    if let Some(curve) = catalogue {
        relay = relay.with_catalogue(curve);
    }
    Ok(relay.with_breaker_time(ocr.breaker_time_s.unwrap_or_else(|| settings.breaker_time_s(frequency_hz))))
}

/// The curves of a PF: the item named by `library_ref` (the project's company copy, or the
/// built-in item), else the generic curve of its type and rating. The melting spread comes
/// from the settings.
pub fn fuse_curves(fuse: &PowerFuseSettings, lib: &Resolver<'_>, settings: &CheckSettings) -> Option<FuseCurves> {
    let mut curves = lib.fuse_curves(fuse)?;
    curves.melting_spread = settings.fuse_melting_spread;
    Some(curves)
}

/// Breaking capacity of a PF, kA: its own, else the library item's, else the generic 40 kA.
pub fn fuse_breaking_ka(fuse: &PowerFuseSettings, lib: &Resolver<'_>) -> f64 {
    lib.fuse_breaking_ka(fuse)
}

/// The trip band of an LV breaker, in amperes of its own circuit: the company frame's data
/// when it refers to one, else the generic bands (with the built-in frame's default
/// instantaneous multiple).
pub fn breaker_trip(b: &LvBreaker, lib: &Resolver<'_>) -> Option<BreakerTrip> {
    if let Some(item) = lib.company_breaker(b) {
        let settings = match b.trip {
            TripUnit::ThermalMagnetic { instantaneous_multiple } => {
                BreakerSettings::ThermalMagnetic { rated_a: b.rated_current_a, instantaneous_multiple }
            }
            TripUnit::Electronic { lt_multiple, lt_time_s, st_multiple, st_time_s, i_multiple } => {
                BreakerSettings::Electronic(ElectronicSettings {
                    rated_a: b.rated_current_a,
                    lt_multiple,
                    lt_time_s,
                    short_time: short_time_of(st_multiple, st_time_s),
                    i_multiple,
                })
            }
        };
        return item.trip(settings);
    }
    match b.trip {
        TripUnit::ThermalMagnetic { instantaneous_multiple } => {
            let default_multiple = lib.builtin_breaker(b).map(|i| i.instantaneous_multiple).unwrap_or(10.0);
            library::thermal_magnetic_trip(b.rated_current_a, instantaneous_multiple.unwrap_or(default_multiple))
        }
        TripUnit::Electronic { lt_multiple, lt_time_s, st_multiple, st_time_s, i_multiple } => {
            library::electronic_trip(ElectronicSettings {
                rated_a: b.rated_current_a,
                lt_multiple,
                lt_time_s,
                short_time: short_time_of(st_multiple, st_time_s),
                i_multiple,
            })
        }
    }
}

/// The short-time element of electronic settings: ST pickup with its delay (0.1 s when the
/// delay is not given); none without a pickup.
fn short_time_of(st_multiple: Option<f64>, st_time_s: Option<f64>) -> Option<(f64, f64)> {
    match (st_multiple, st_time_s) {
        (Some(m), Some(t)) => Some((m, t)),
        (Some(m), None) => Some((m, 0.1)),
        _ => None,
    }
}

/// A ground relay from its settings with the tolerances of the check settings.
pub fn ground_relay(g: &GroundRelaySettings, settings: &CheckSettings) -> GroundRelay {
    GroundRelay {
        pickup_a: g.current_a,
        time_s: g.time_s,
        directional: matches!(g.kind, crate::model::GroundRelayKind::Dgr),
        pickup_tolerance: settings.ground_pickup_tolerance,
        time_tolerance: settings.ground_time_tolerance,
    }
}

/// Wrap a relay as a characteristic.
pub fn relay_characteristic(r: OvercurrentRelay) -> Characteristic {
    Characteristic::Relay(r)
}
