//! Time–current characteristics of protective devices and of the equipment they protect.
//!
//! Every protective device is modelled as a *band*: at a current `I` (amperes, in the
//! device's own circuit unless referred) it operates no sooner than `min_s` and no later
//! than `max_s` seconds ([`TimeBand`]). A time of `f64::INFINITY` means "does not
//! operate". Equipment limits (transformer inrush and withstand points, cable withstand
//! lines) are kept beside the bands as [`Characteristic`] variants of their own.
//!
//! The models follow docs/engineering.md: inverse-time relays `t = TMS·[k/(M^α − 1) + c]` with
//! the JIS lever (lever 10 = TMS 1.0) and flat above 20 × pickup (§1); power-fuse
//! catalogue curves with log-log interpolation and an I²t tail (§3); breaker bands (§4);
//! cable withstand `I = K·S/√t` (§6); definite-time ground relays (§7).
//!
//! A [`Tcc`] is a characteristic plus a current scale, so that a low-voltage device can be
//! drawn on (and compared on) the 6.6 kV chart: `I_HV = I_LV · V_LV / V_HV`.

#![allow(clippy::neg_cmp_op_on_partial_ord)] // `!(x > 0.0)` is meant: NaN must take the refusing branch.

use serde::{Deserialize, Serialize};

/// Why a characteristic could not be built from the given numbers.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CurveError {
    /// A number that must be finite and strictly positive is not.
    #[error("{field} must be a finite positive number (got {value})")]
    NotPositive { field: &'static str, value: f64 },
    /// A catalogue curve needs at least two points.
    #[error("{field} needs at least two points")]
    TooFewPoints { field: &'static str },
    /// Catalogue points must have strictly increasing currents and non-increasing times.
    #[error("{field}: points must have increasing currents and non-increasing times")]
    NotMonotonic { field: &'static str },
    /// A fraction (tolerance, spread) outside `[0, 1)`.
    #[error("{field} must lie in [0, 1) (got {value})")]
    BadFraction { field: &'static str, value: f64 },
}

fn positive(field: &'static str, value: f64) -> Result<f64, CurveError> {
    if value.is_finite() && value > 0.0 {
        Ok(value)
    } else {
        Err(CurveError::NotPositive { field, value })
    }
}

fn fraction(field: &'static str, value: f64) -> Result<f64, CurveError> {
    if value.is_finite() && (0.0..1.0).contains(&value) {
        Ok(value)
    } else {
        Err(CurveError::BadFraction { field, value })
    }
}

/// Serialize an `f64` time, writing `null` for "never" (infinite or not a number).
fn ser_time<S: serde::Serializer>(t: &f64, s: S) -> Result<S::Ok, S::Error> {
    if t.is_finite() {
        s.serialize_some(t)
    } else {
        s.serialize_none()
    }
}

/// The operating time of a device at one current, as a band.
///
/// Invariant: `0 ≤ min_s ≤ max_s`; `f64::INFINITY` means "does not operate" (serialized as
/// `null`). A device that certainly operates has a finite `max_s`; one that may operate has a
/// finite `min_s`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TimeBand {
    /// Earliest operating time, seconds.
    #[serde(serialize_with = "ser_time")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<f64>"))]
    pub min_s: f64,
    /// Latest operating (clearing) time, seconds.
    #[serde(serialize_with = "ser_time")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<f64>"))]
    pub max_s: f64,
}

impl TimeBand {
    /// The device does not operate.
    pub const NEVER: TimeBand = TimeBand { min_s: f64::INFINITY, max_s: f64::INFINITY };

    /// A band from two times, sorted and cleaned: NaN and negatives become "never" / 0.
    pub fn new(a: f64, b: f64) -> TimeBand {
        let clean = |t: f64| if t.is_nan() { f64::INFINITY } else { t.max(0.0) };
        let (a, b) = (clean(a), clean(b));
        TimeBand { min_s: a.min(b), max_s: a.max(b) }
    }

    /// A single time (zero-width band).
    pub fn exact(t: f64) -> TimeBand {
        TimeBand::new(t, t)
    }

    /// The band of two elements that both act on the same breaker: the first to operate
    /// trips it, so both edges take the minimum.
    pub fn first_of(self, other: TimeBand) -> TimeBand {
        TimeBand { min_s: self.min_s.min(other.min_s), max_s: self.max_s.min(other.max_s) }
    }

    /// True when the device may operate at all (finite earliest time).
    pub fn may_operate(&self) -> bool {
        self.min_s.is_finite()
    }

    /// True when the device certainly operates (finite latest time).
    pub fn operates(&self) -> bool {
        self.max_s.is_finite()
    }
}

// ---------------------------------------------------------------------------------------
// Inverse-time relays
// ---------------------------------------------------------------------------------------

/// Constants of `t = TMS·[k/(M^α − 1) + c]` (seconds at TMS 1.0).
///
/// Invariant: `k ≥ 0`, `α > 0`, `c ≥ 0`, `k + c > 0`. With `k = 0` the curve is definite-time
/// (`t = TMS·c`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct InverseShape {
    /// Numerator k, s at TMS 1.
    pub k: f64,
    /// Exponent α of M.
    pub alpha: f64,
    /// Constant adder c, s at TMS 1.
    pub c: f64,
}

impl InverseShape {
    /// Checked constructor.
    pub fn new(k: f64, alpha: f64, c: f64) -> Result<InverseShape, CurveError> {
        let nonneg = |field, v: f64| {
            if v.is_finite() && v >= 0.0 {
                Ok(v)
            } else {
                Err(CurveError::NotPositive { field, value: v })
            }
        };
        let k = nonneg("k", k)?;
        let c = nonneg("c", c)?;
        let alpha = positive("alpha", alpha)?;
        if k + c <= 0.0 {
            return Err(CurveError::NotPositive { field: "k + c", value: k + c });
        }
        Ok(InverseShape { k, alpha, c })
    }

    /// Time at TMS 1.0 for a multiple `m` of pickup; `INFINITY` when `m ≤ 1`.
    pub fn time_at_tms1(&self, m: f64) -> f64 {
        if !(m > 1.0) {
            return f64::INFINITY;
        }
        if self.k == 0.0 {
            return self.c;
        }
        let d = m.powf(self.alpha) - 1.0;
        if d <= 0.0 {
            return f64::INFINITY;
        }
        self.k / d + self.c
    }
}

/// The standard curve families of docs/engineering.md §1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum CurveFamily {
    /// JIS extremely inverse 超反限時: 80/(M²−1) × D/10.
    JisEi,
    /// JIS very inverse 強反限時: 13.5/(M−1) × D/10.
    JisVi,
    /// JIS normal inverse 普通反限時: 0.14/(M^0.02−1) × D/10.
    JisNi,
    /// JIS definite time 定限時: 2 × D/10.
    JisDt,
    /// IEC 60255-151 standard inverse (A).
    IecSi,
    /// IEC 60255-151 very inverse (B).
    IecVi,
    /// IEC 60255-151 extremely inverse (C).
    IecEi,
    /// IEC 60255-151 long-time inverse.
    IecLti,
    /// IEEE C37.112 moderately inverse.
    IeeeMi,
    /// IEEE C37.112 very inverse.
    IeeeVi,
    /// IEEE C37.112 extremely inverse.
    IeeeEi,
}

impl CurveFamily {
    /// All families, for libraries and tests.
    pub const ALL: [CurveFamily; 11] = [
        CurveFamily::JisEi,
        CurveFamily::JisVi,
        CurveFamily::JisNi,
        CurveFamily::JisDt,
        CurveFamily::IecSi,
        CurveFamily::IecVi,
        CurveFamily::IecEi,
        CurveFamily::IecLti,
        CurveFamily::IeeeMi,
        CurveFamily::IeeeVi,
        CurveFamily::IeeeEi,
    ];

    /// The `k, α, c` constants of the family (docs/engineering.md §1 table).
    pub fn shape(self) -> InverseShape {
        let (k, alpha, c) = match self {
            CurveFamily::JisEi | CurveFamily::IecEi => (80.0, 2.0, 0.0),
            CurveFamily::JisVi | CurveFamily::IecVi => (13.5, 1.0, 0.0),
            CurveFamily::JisNi | CurveFamily::IecSi => (0.14, 0.02, 0.0),
            CurveFamily::JisDt => (0.0, 1.0, 2.0),
            CurveFamily::IecLti => (120.0, 1.0, 0.0),
            CurveFamily::IeeeMi => (0.0515, 0.02, 0.1140),
            CurveFamily::IeeeVi => (19.61, 2.0, 0.491),
            CurveFamily::IeeeEi => (28.2, 2.0, 0.1217),
        };
        InverseShape { k, alpha, c }
    }

    /// How the family's dial is read: JIS relays use the lever (TMS = lever/10), IEC the
    /// TMS, IEEE the time dial (used as the multiplier of C37.112's equation).
    pub fn dial(self) -> DialScale {
        match self {
            CurveFamily::JisEi | CurveFamily::JisVi | CurveFamily::JisNi | CurveFamily::JisDt => {
                DialScale::JisLever
            }
            CurveFamily::IecSi | CurveFamily::IecVi | CurveFamily::IecEi | CurveFamily::IecLti => {
                DialScale::Tms
            }
            CurveFamily::IeeeMi | CurveFamily::IeeeVi | CurveFamily::IeeeEi => DialScale::TimeDial,
        }
    }

    /// Japanese and English names.
    pub fn names(self) -> (&'static str, &'static str) {
        match self {
            CurveFamily::JisEi => ("超反限時", "JIS extremely inverse"),
            CurveFamily::JisVi => ("強反限時", "JIS very inverse"),
            CurveFamily::JisNi => ("普通反限時", "JIS normal inverse"),
            CurveFamily::JisDt => ("定限時", "JIS definite time"),
            CurveFamily::IecSi => ("IEC 標準反限時", "IEC standard inverse"),
            CurveFamily::IecVi => ("IEC 強反限時", "IEC very inverse"),
            CurveFamily::IecEi => ("IEC 超反限時", "IEC extremely inverse"),
            CurveFamily::IecLti => ("IEC 長反限時", "IEC long-time inverse"),
            CurveFamily::IeeeMi => ("IEEE 中反限時", "IEEE moderately inverse"),
            CurveFamily::IeeeVi => ("IEEE 強反限時", "IEEE very inverse"),
            CurveFamily::IeeeEi => ("IEEE 超反限時", "IEEE extremely inverse"),
        }
    }
}

/// How a relay's time dial maps to the multiplier of its equation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum DialScale {
    /// JIS lever D: multiplier = D / 10 (lever 10 = TMS 1.0).
    JisLever,
    /// IEC time multiplier setting, used as is.
    Tms,
    /// IEEE time dial, used as is.
    TimeDial,
}

impl DialScale {
    /// The equation multiplier for a dial setting.
    pub fn multiplier(self, dial: f64) -> f64 {
        match self {
            DialScale::JisLever => dial / 10.0,
            DialScale::Tms | DialScale::TimeDial => dial,
        }
    }
}

/// Tolerances of an overcurrent relay (docs/engineering.md §1).
///
/// All values are fractions (0.10 = ±10 %). The operating-time tolerance is given at 300 %
/// and 700 % of tap and interpolated linearly in log(M) between them, held constant outside.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RelayTolerance {
    /// Time-element pickup, ±fraction. Default 0.10.
    pub pickup: f64,
    /// Instantaneous-element pickup, ±fraction. Default 0.15.
    pub instantaneous_pickup: f64,
    /// Operating-time tolerance at 300 % of tap, ±fraction. Default 0.17.
    pub time_at_300: f64,
    /// Operating-time tolerance at 700 % of tap, ±fraction. Default 0.12.
    pub time_at_700: f64,
    /// Definite-time element time tolerance, ±fraction. Default 0.10.
    pub definite_time: f64,
}

impl Default for RelayTolerance {
    fn default() -> Self {
        RelayTolerance {
            pickup: 0.10,
            instantaneous_pickup: 0.15,
            time_at_300: 0.17,
            time_at_700: 0.12,
            definite_time: 0.10,
        }
    }
}

impl RelayTolerance {
    /// Checked: every fraction in `[0, 1)`.
    pub fn validated(self) -> Result<RelayTolerance, CurveError> {
        fraction("pickup", self.pickup)?;
        fraction("instantaneous_pickup", self.instantaneous_pickup)?;
        fraction("time_at_300", self.time_at_300)?;
        fraction("time_at_700", self.time_at_700)?;
        fraction("definite_time", self.definite_time)?;
        Ok(self)
    }

    /// Operating-time tolerance (fraction) at a multiple `m` of tap.
    pub fn time_tolerance_at(&self, m: f64) -> f64 {
        if !(m > 3.0) {
            return self.time_at_300;
        }
        if m >= 7.0 {
            return self.time_at_700;
        }
        let f = (m.ln() - 3f64.ln()) / (7f64.ln() - 3f64.ln());
        self.time_at_300 + f * (self.time_at_700 - self.time_at_300)
    }
}

/// Instantaneous element: operates above `pickup_a` within `[min_time_s, max_time_s]`.
///
/// Invariant: `pickup_a > 0`, `0 ≤ min_time_s ≤ max_time_s`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct InstantaneousElement {
    /// Primary pickup current, A.
    pub pickup_a: f64,
    /// Fastest operation (including breaker), s. Typically 0.02.
    pub min_time_s: f64,
    /// Slowest operation, s (relay ≤ 50 ms at 200 % plus the breaker's interrupting time).
    pub max_time_s: f64,
}

/// Definite-time element: operates above `pickup_a` after `time_s`.
///
/// Invariant: `pickup_a > 0`, `time_s > 0`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DefiniteTimeElement {
    /// Primary pickup current, A.
    pub pickup_a: f64,
    /// Set time, s.
    pub time_s: f64,
}

/// An inverse-time overcurrent relay (with optional instantaneous and definite-time
/// elements), in primary amperes.
///
/// Invariant (enforced by [`OvercurrentRelay::new`]): every current and multiplier is
/// finite and positive; tolerances are fractions in `[0, 1)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct OvercurrentRelay {
    /// Curve constants.
    pub shape: InverseShape,
    /// Equation multiplier (TMS); for JIS relays lever/10.
    pub tms: f64,
    /// Time-element pickup in primary A (tap × CT ratio); `None` when the element is locked.
    pub pickup_a: Option<f64>,
    /// Above this multiple of pickup the time is constant (docs/engineering.md §1: 20).
    pub flat_above_multiple: f64,
    /// Instantaneous element, if set.
    pub instantaneous: Option<InstantaneousElement>,
    /// Additional definite-time element, if set.
    pub definite_time: Option<DefiniteTimeElement>,
    /// Tolerances used for the band.
    pub tolerance: RelayTolerance,
    /// Opening time of the breaker the relay trips, s (≥ 0). Added to the band's latest
    /// edge (clearing), not to its earliest (the relay commits to a trip at its own time).
    #[serde(default)]
    pub breaker_time_s: f64,
    /// A maker's catalogue curve replacing `shape`: multiples of pickup (as the points'
    /// "current") against time at TMS 1, interpolated in log-log; below its first point the
    /// element does not operate, beyond its last the time is held flat. `shape` then only
    /// names the family.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub catalogue: Option<PointCurve>,
}

/// The primary pickup of a relay: tap (secondary A) × CT ratio (primary/secondary).
pub fn pickup_primary_a(tap_a: f64, ct_primary_a: f64, ct_secondary_a: f64) -> f64 {
    tap_a * ct_primary_a / ct_secondary_a
}

impl OvercurrentRelay {
    /// Checked constructor.
    pub fn new(
        shape: InverseShape,
        tms: f64,
        pickup_a: Option<f64>,
        instantaneous: Option<InstantaneousElement>,
        definite_time: Option<DefiniteTimeElement>,
        tolerance: RelayTolerance,
    ) -> Result<OvercurrentRelay, CurveError> {
        let shape = InverseShape::new(shape.k, shape.alpha, shape.c)?;
        positive("tms", tms)?;
        if let Some(p) = pickup_a {
            positive("pickup_a", p)?;
        }
        if let Some(i) = &instantaneous {
            positive("instantaneous.pickup_a", i.pickup_a)?;
            positive("instantaneous.max_time_s", i.max_time_s)?;
            if !(i.min_time_s.is_finite() && i.min_time_s >= 0.0 && i.min_time_s <= i.max_time_s) {
                return Err(CurveError::NotPositive {
                    field: "instantaneous.min_time_s",
                    value: i.min_time_s,
                });
            }
        }
        if let Some(d) = &definite_time {
            positive("definite_time.pickup_a", d.pickup_a)?;
            positive("definite_time.time_s", d.time_s)?;
        }
        Ok(OvercurrentRelay {
            shape,
            tms,
            pickup_a,
            flat_above_multiple: 20.0,
            instantaneous,
            definite_time,
            tolerance: tolerance.validated()?,
            breaker_time_s: 0.0,
            catalogue: None,
        })
    }

    /// The same relay with a catalogue time element (multiple of pickup → time at TMS 1).
    pub fn with_catalogue(mut self, curve: PointCurve) -> OvercurrentRelay {
        self.catalogue = Some(curve);
        self
    }

    /// The same relay tripping a breaker that opens in `breaker_time_s` seconds (negative or
    /// non-finite values count as 0).
    pub fn with_breaker_time(mut self, breaker_time_s: f64) -> OvercurrentRelay {
        self.breaker_time_s = if breaker_time_s.is_finite() && breaker_time_s > 0.0 { breaker_time_s } else { 0.0 };
        self
    }

    /// A relay of a standard family with its dial as printed on the relay (lever for JIS).
    pub fn from_family(
        family: CurveFamily,
        dial: f64,
        pickup_a: Option<f64>,
        instantaneous: Option<InstantaneousElement>,
        tolerance: RelayTolerance,
    ) -> Result<OvercurrentRelay, CurveError> {
        OvercurrentRelay::new(
            family.shape(),
            family.dial().multiplier(dial),
            pickup_a,
            instantaneous,
            None,
            tolerance,
        )
    }

    /// Nominal time of the inverse-time element at a multiple of its pickup (flat above
    /// `flat_above_multiple`); `INFINITY` when `m ≤ 1`.
    pub fn time_element_at_multiple(&self, m: f64) -> f64 {
        if !(m > 1.0) {
            return f64::INFINITY;
        }
        if let Some(c) = &self.catalogue {
            let last = c.points().last().map_or(1.0, |p| p.current_a);
            return self.tms * c.time_at(m.min(last));
        }
        let flat = if self.flat_above_multiple > 1.0 { self.flat_above_multiple } else { 20.0 };
        self.tms * self.shape.time_at_tms1(m.min(flat))
    }

    /// Nominal time of the inverse-time element at a primary current; `INFINITY` at or below
    /// pickup or when locked.
    pub fn time_element_nominal(&self, current_a: f64) -> f64 {
        match self.pickup_a {
            Some(p) => self.time_element_at_multiple(current_a / p),
            None => f64::INFINITY,
        }
    }

    /// Band of the inverse-time element alone.
    ///
    /// The band is the envelope of the two stated tolerances, each applied on its own:
    /// the pickup tolerance (the curve drawn with pickup × (1 ∓ p)) and the operating-time
    /// tolerance (latest edge `t × (1 + e(M))`, earliest edge `t × (1 − max e)`). Neither
    /// edge is tighter than either tolerance alone, and both edges fall with current.
    pub fn time_element_band(&self, current_a: f64) -> TimeBand {
        let Some(p) = self.pickup_a else { return TimeBand::NEVER };
        if !(current_a > 0.0) {
            return TimeBand::NEVER;
        }
        let tol = &self.tolerance;
        let m = current_a / p;
        let e = tol.time_tolerance_at(m);
        let nominal = self.time_element_at_multiple(m);
        let lo_pick = self.time_element_at_multiple(current_a / (p * (1.0 - tol.pickup)));
        let hi_pick = self.time_element_at_multiple(current_a / (p * (1.0 + tol.pickup)));
        // The earliest edge takes the larger of the two stated time tolerances at every
        // multiple: with `e(M)` falling from 300 % to 700 %, `t·(1 − e(M))` could rise with
        // current on a flat curve, and an earliest edge must never do that.
        let e_min = tol.time_at_300.max(tol.time_at_700);
        let min_s = lo_pick.min(nominal * (1.0 - e_min));
        // Below (1 + p)·pickup the relay is not certain to pick up at all.
        let max_s = if m < 1.0 + tol.pickup {
            f64::INFINITY
        } else {
            hi_pick.max(nominal * (1.0 + e))
        };
        TimeBand::new(min_s, max_s)
    }

    /// Band of the instantaneous element alone (pickup ± instantaneous tolerance).
    pub fn instantaneous_band(&self, current_a: f64) -> TimeBand {
        let Some(i) = &self.instantaneous else { return TimeBand::NEVER };
        let tol = self.tolerance.instantaneous_pickup;
        let min_s = if current_a >= i.pickup_a * (1.0 - tol) { i.min_time_s } else { f64::INFINITY };
        let max_s = if current_a >= i.pickup_a * (1.0 + tol) { i.max_time_s } else { f64::INFINITY };
        TimeBand::new(min_s, max_s)
    }

    /// Band of the definite-time element alone.
    pub fn definite_time_band(&self, current_a: f64) -> TimeBand {
        let Some(d) = &self.definite_time else { return TimeBand::NEVER };
        let (p, e) = (self.tolerance.pickup, self.tolerance.definite_time);
        let min_s = if current_a > d.pickup_a * (1.0 - p) { d.time_s * (1.0 - e) } else { f64::INFINITY };
        let max_s = if current_a >= d.pickup_a * (1.0 + p) { d.time_s * (1.0 + e) } else { f64::INFINITY };
        TimeBand::new(min_s, max_s)
    }

    /// Nominal operating time of the whole relay (fastest element, no tolerance).
    pub fn nominal(&self, current_a: f64) -> f64 {
        let mut t = self.time_element_nominal(current_a);
        if let Some(i) = &self.instantaneous {
            if current_a >= i.pickup_a {
                t = t.min(i.max_time_s);
            }
        }
        if let Some(d) = &self.definite_time {
            if current_a > d.pickup_a {
                t = t.min(d.time_s);
            }
        }
        t
    }

    /// Band of the relay alone: the first element to operate trips the breaker.
    pub fn relay_band(&self, current_a: f64) -> TimeBand {
        self.time_element_band(current_a)
            .first_of(self.instantaneous_band(current_a))
            .first_of(self.definite_time_band(current_a))
    }

    /// Band of relay and breaker: earliest = the relay's earliest operation; latest = the
    /// relay's latest operation plus the breaker opening time (clearing).
    pub fn band(&self, current_a: f64) -> TimeBand {
        let r = self.relay_band(current_a);
        TimeBand::new(r.min_s, r.max_s + self.breaker_time_s)
    }

    /// Lowest current at which the instantaneous element may operate (pickup × (1 − tol)).
    pub fn instantaneous_min_pickup_a(&self) -> Option<f64> {
        self.instantaneous.map(|i| i.pickup_a * (1.0 - self.tolerance.instantaneous_pickup))
    }

    fn breakpoints(&self) -> Vec<f64> {
        let mut v = Vec::new();
        let p = self.tolerance.pickup;
        if let Some(pk) = self.pickup_a {
            v.extend([pk * (1.0 - p), pk, pk * (1.0 + p), pk * self.flat_above_multiple]);
            if let Some(c) = &self.catalogue {
                v.extend(c.points().iter().map(|q| pk * q.current_a));
            }
        }
        if let Some(i) = &self.instantaneous {
            let t = self.tolerance.instantaneous_pickup;
            v.extend([i.pickup_a * (1.0 - t), i.pickup_a, i.pickup_a * (1.0 + t)]);
        }
        if let Some(d) = &self.definite_time {
            v.extend([d.pickup_a * (1.0 - p), d.pickup_a, d.pickup_a * (1.0 + p)]);
        }
        v
    }
}

// ---------------------------------------------------------------------------------------
// Catalogue curves (fuses, breakers, withstand)
// ---------------------------------------------------------------------------------------

/// One catalogue point: at `current_a` amperes the curve's time is `time_s` seconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CurvePoint {
    /// Current, A.
    pub current_a: f64,
    /// Time, s.
    pub time_s: f64,
}

/// Shorthand for a catalogue point.
pub fn pt(current_a: f64, time_s: f64) -> CurvePoint {
    CurvePoint { current_a, time_s }
}

/// A time–current curve given by catalogue points, interpolated linearly in
/// (log I, log t).
///
/// Invariant: at least two points, currents strictly increasing, times non-increasing, all
/// finite and positive. Below the first point the time is infinite (the fuse never melts,
/// the breaker never trips); above the last point the curve continues as constant I²t
/// (`t = t_last · (I_last / I)²`), the adiabatic model of docs/engineering.md §3.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PointCurve {
    points: Vec<CurvePoint>,
}

impl PointCurve {
    /// Checked constructor; `field` names the curve in the error.
    pub fn new(field: &'static str, points: Vec<CurvePoint>) -> Result<PointCurve, CurveError> {
        if points.len() < 2 {
            return Err(CurveError::TooFewPoints { field });
        }
        for p in &points {
            positive(field, p.current_a)?;
            positive(field, p.time_s)?;
        }
        for w in points.windows(2) {
            if !(w[1].current_a > w[0].current_a && w[1].time_s <= w[0].time_s) {
                return Err(CurveError::NotMonotonic { field });
            }
        }
        Ok(PointCurve { points })
    }

    /// The catalogue points.
    pub fn points(&self) -> &[CurvePoint] {
        &self.points
    }

    /// A copy with every current multiplied by `k` (e.g. a curve per unit of rating scaled to
    /// a rating). `k` must be finite and positive.
    pub fn scaled_current(&self, k: f64) -> Result<PointCurve, CurveError> {
        positive("scale", k)?;
        PointCurve::new(
            "scaled",
            self.points.iter().map(|p| pt(p.current_a * k, p.time_s)).collect(),
        )
    }

    /// Time at a current (seconds); `INFINITY` below the first point.
    pub fn time_at(&self, current_a: f64) -> f64 {
        let pts = &self.points;
        let (Some(first), Some(last)) = (pts.first(), pts.last()) else {
            return f64::INFINITY;
        };
        if !(current_a >= first.current_a) {
            return f64::INFINITY;
        }
        if current_a >= last.current_a {
            let r = last.current_a / current_a;
            return last.time_s * r * r;
        }
        // Index of the first point with a current above `current_a` (≥ 1 here).
        let j = pts.partition_point(|p| p.current_a <= current_a);
        let (a, b) = (pts[j - 1], pts[j]);
        let f = (current_a.ln() - a.current_a.ln()) / (b.current_a.ln() - a.current_a.ln());
        (a.time_s.ln() + f * (b.time_s.ln() - a.time_s.ln())).exp()
    }

    /// Lowest current at which the curve's time is `time_s` or less (inverse of
    /// [`PointCurve::time_at`]). For times above the first point's time this is the first
    /// point's current; `None` for a non-positive or non-finite time.
    pub fn current_at(&self, time_s: f64) -> Option<f64> {
        let pts = &self.points;
        let (first, last) = (pts.first()?, pts.last()?);
        if !(time_s > 0.0) || time_s > first.time_s {
            return if time_s.is_finite() && time_s > first.time_s {
                Some(first.current_a)
            } else {
                None
            };
        }
        if time_s <= last.time_s {
            return Some(last.current_a * (last.time_s / time_s).sqrt());
        }
        for w in pts.windows(2) {
            let (a, b) = (w[0], w[1]);
            if time_s <= a.time_s && time_s >= b.time_s {
                if a.time_s == b.time_s {
                    return Some(a.current_a);
                }
                let f = (time_s.ln() - a.time_s.ln()) / (b.time_s.ln() - a.time_s.ln());
                return Some((a.current_a.ln() + f * (b.current_a.ln() - a.current_a.ln())).exp());
            }
        }
        None
    }

    fn breakpoints(&self) -> Vec<f64> {
        self.points.iter().map(|p| p.current_a).collect()
    }
}

impl<'de> Deserialize<'de> for PointCurve {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Raw {
            points: Vec<CurvePoint>,
        }
        let raw = Raw::deserialize(d)?;
        PointCurve::new("points", raw.points).map_err(serde::de::Error::custom)
    }
}

/// The three curves of a current-limiting power fuse (PF, JIS C 4604), in amperes of the
/// fuse's own circuit.
///
/// Invariant: each curve is a valid [`PointCurve`]; `melting_spread` in `[0, 1)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FuseCurves {
    /// Allowable (許容): no deterioration below this curve. Used for inrush checks.
    pub allowable: PointCurve,
    /// Average melting (溶断).
    pub melting: PointCurve,
    /// Operating / total clearing (動作), arcing included.
    pub clearing: PointCurve,
    /// Spread of the melting time about the average (fraction, default 0.20): the minimum
    /// melting time is `melting × (1 − spread)`.
    pub melting_spread: f64,
}

impl FuseCurves {
    /// Band: earliest = minimum melting, latest = total clearing.
    pub fn band(&self, current_a: f64) -> TimeBand {
        let min = self.minimum_melting(current_a);
        let max = self.clearing.time_at(current_a).max(min);
        TimeBand::new(min, max)
    }

    /// Minimum melting time at a current: the average melting time × (1 − spread).
    pub fn minimum_melting(&self, current_a: f64) -> f64 {
        self.melting.time_at(current_a) * (1.0 - self.melting_spread)
    }

    /// Allowable time at a current (no deterioration if the current lasts less).
    pub fn allowable_at(&self, current_a: f64) -> f64 {
        self.allowable.time_at(current_a)
    }
}

/// Long-time (thermal / overload) band of a breaker, tabulated in primary-circuit amperes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct LongTimeBand {
    /// Minimum-trip (no-trip-before) curve.
    pub min: PointCurve,
    /// Maximum-clearing curve.
    pub max: PointCurve,
}

/// A thermal-magnetic breaker: tabulated long-time band plus an instantaneous band.
///
/// Invariant: `instantaneous_a > 0`, `instantaneous_tolerance` in `[0, 1)`,
/// `0 ≤ instantaneous_min_s ≤ instantaneous_max_s`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ThermalMagneticTrip {
    /// Long-time band.
    pub long_time: LongTimeBand,
    /// Instantaneous (magnetic) pickup, A.
    pub instantaneous_a: f64,
    /// Instantaneous pickup tolerance (fraction, about 0.20).
    pub instantaneous_tolerance: f64,
    /// Fastest instantaneous clearing, s.
    pub instantaneous_min_s: f64,
    /// Slowest instantaneous clearing, s.
    pub instantaneous_max_s: f64,
}

/// An electronic trip unit: long time (LT), optional short time (ST) and instantaneous (I).
///
/// Units: currents in A of the breaker's circuit, times in s. Invariant: all positive and
/// finite, tolerances in `[0, 1)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ElectronicTrip {
    /// Long-time pickup Ir, A (0.4 … 1 × In).
    pub ir_a: f64,
    /// Long-time delay: nominal time at 6 × Ir, s; the curve is I²t (`t = tr·(6·Ir/I)²`).
    pub tr_at_6ir_s: f64,
    /// Long-time pickup band: may operate from `ir × lt_pickup_min` (1.05)…
    pub lt_pickup_min: f64,
    /// …and certainly operates from `ir × lt_pickup_max` (1.20).
    pub lt_pickup_max: f64,
    /// Long-time delay tolerance, ±fraction.
    pub lt_time_tolerance: f64,
    /// Short-time element (pickup A, delay s), if fitted.
    pub short_time: Option<ShortTimeElement>,
    /// Instantaneous pickup A, if fitted.
    pub instantaneous_a: Option<f64>,
    /// Pickup tolerance of ST and I, ±fraction.
    pub pickup_tolerance: f64,
    /// Fastest instantaneous clearing, s.
    pub instantaneous_min_s: f64,
    /// Slowest instantaneous clearing, s.
    pub instantaneous_max_s: f64,
}

/// Short-time element of an electronic trip unit.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ShortTimeElement {
    /// Pickup Isd, A.
    pub pickup_a: f64,
    /// Delay setting tsd, s (typically 0.1 or 0.2).
    pub delay_s: f64,
}

impl ShortTimeElement {
    /// Band of the short-time delay: `[0.8·tsd, tsd + 0.05 s]` (generic; maker data wins).
    pub fn time_band(&self) -> (f64, f64) {
        (0.8 * self.delay_s, self.delay_s + 0.05)
    }
}

/// Trip characteristic of a low-voltage breaker (MCCB/ACB).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum BreakerTrip {
    /// Tabulated long-time band and magnetic instantaneous.
    ThermalMagnetic(ThermalMagneticTrip),
    /// Electronic LT/ST/I.
    Electronic(ElectronicTrip),
}

impl BreakerTrip {
    /// The breaker's band at a current.
    pub fn band(&self, current_a: f64) -> TimeBand {
        if !(current_a > 0.0) {
            return TimeBand::NEVER;
        }
        match self {
            BreakerTrip::ThermalMagnetic(t) => {
                let lt = TimeBand::new(t.long_time.min.time_at(current_a), t.long_time.max.time_at(current_a));
                let tol = t.instantaneous_tolerance;
                let inst_min =
                    if current_a >= t.instantaneous_a * (1.0 - tol) { t.instantaneous_min_s } else { f64::INFINITY };
                let inst_max =
                    if current_a >= t.instantaneous_a * (1.0 + tol) { t.instantaneous_max_s } else { f64::INFINITY };
                lt.first_of(TimeBand::new(inst_min, inst_max))
            }
            BreakerTrip::Electronic(e) => {
                let lt_t = |pickup: f64, factor: f64| {
                    if current_a >= pickup {
                        let r = 6.0 * e.ir_a / current_a;
                        e.tr_at_6ir_s * r * r * factor
                    } else {
                        f64::INFINITY
                    }
                };
                let lt = TimeBand::new(
                    lt_t(e.ir_a * e.lt_pickup_min, 1.0 - e.lt_time_tolerance),
                    lt_t(e.ir_a * e.lt_pickup_max, 1.0 + e.lt_time_tolerance),
                );
                let tol = e.pickup_tolerance;
                let mut band = lt;
                if let Some(st) = &e.short_time {
                    let (lo, hi) = st.time_band();
                    let min = if current_a >= st.pickup_a * (1.0 - tol) { lo } else { f64::INFINITY };
                    let max = if current_a >= st.pickup_a * (1.0 + tol) { hi } else { f64::INFINITY };
                    band = band.first_of(TimeBand::new(min, max));
                }
                if let Some(ii) = e.instantaneous_a {
                    let min = if current_a >= ii * (1.0 - tol) { e.instantaneous_min_s } else { f64::INFINITY };
                    let max = if current_a >= ii * (1.0 + tol) { e.instantaneous_max_s } else { f64::INFINITY };
                    band = band.first_of(TimeBand::new(min, max));
                }
                band
            }
        }
    }

    /// The lowest current at which the breaker may trip at all (its minimum pickup), A.
    pub fn minimum_pickup_a(&self) -> f64 {
        match self {
            BreakerTrip::ThermalMagnetic(t) => t.long_time.min.points().first().map_or(f64::INFINITY, |p| p.current_a),
            BreakerTrip::Electronic(e) => e.ir_a * e.lt_pickup_min,
        }
    }

    fn breakpoints(&self) -> Vec<f64> {
        match self {
            BreakerTrip::ThermalMagnetic(t) => {
                let mut v = t.long_time.min.breakpoints();
                v.extend(t.long_time.max.breakpoints());
                let tol = t.instantaneous_tolerance;
                v.extend([t.instantaneous_a * (1.0 - tol), t.instantaneous_a * (1.0 + tol)]);
                v
            }
            BreakerTrip::Electronic(e) => {
                let tol = e.pickup_tolerance;
                let mut v = vec![e.ir_a * e.lt_pickup_min, e.ir_a * e.lt_pickup_max];
                if let Some(st) = &e.short_time {
                    v.extend([st.pickup_a * (1.0 - tol), st.pickup_a * (1.0 + tol)]);
                }
                if let Some(ii) = e.instantaneous_a {
                    v.extend([ii * (1.0 - tol), ii * (1.0 + tol)]);
                }
                v
            }
        }
    }
}

/// A definite-time ground-fault relay (GR, DGR), in zero-sequence primary amperes.
///
/// Invariant: `pickup_a > 0`, `time_s > 0`, tolerances in `[0, 1)`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct GroundRelay {
    /// Zero-sequence current pickup, A (customer practice 0.2 A).
    pub pickup_a: f64,
    /// Operating time, s (customer practice 0.2 s; utility about 0.9 s).
    pub time_s: f64,
    /// True for a directional relay (DGR: ZCT + ZPD).
    pub directional: bool,
    /// Pickup tolerance, ±fraction (default 0.10).
    pub pickup_tolerance: f64,
    /// Time tolerance, ±fraction (default 0.10).
    pub time_tolerance: f64,
}

impl GroundRelay {
    /// Lowest current at which it may operate, A.
    pub fn pickup_min_a(&self) -> f64 {
        self.pickup_a * (1.0 - self.pickup_tolerance)
    }
    /// Current from which it certainly operates, A.
    pub fn pickup_max_a(&self) -> f64 {
        self.pickup_a * (1.0 + self.pickup_tolerance)
    }
    /// Earliest operating time, s.
    pub fn earliest_s(&self) -> f64 {
        self.time_s * (1.0 - self.time_tolerance)
    }
    /// Latest operating time, s (the relay's own, without a breaker).
    pub fn latest_s(&self) -> f64 {
        self.time_s * (1.0 + self.time_tolerance)
    }

    /// Band at a zero-sequence current.
    pub fn band(&self, current_a: f64) -> TimeBand {
        let min = if current_a >= self.pickup_min_a() { self.earliest_s() } else { f64::INFINITY };
        let max = if current_a >= self.pickup_max_a() { self.latest_s() } else { f64::INFINITY };
        TimeBand::new(min, max)
    }
}

/// Short-circuit withstand line of a cable: `I = K·S/√t`, so `t = (K·S/I)²`.
///
/// Invariant: `k > 0` (A·√s/mm²; 134 for XLPE copper 90 → 230 °C), `size_mm2 > 0`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CableWithstand {
    /// Withstand constant K, A·√s/mm².
    pub k: f64,
    /// Conductor cross-section, mm² (all parallel circuits together).
    pub size_mm2: f64,
}

impl CableWithstand {
    /// Withstand time at a current, s.
    pub fn time_at(&self, current_a: f64) -> f64 {
        if !(current_a > 0.0) {
            return f64::INFINITY;
        }
        let r = self.k * self.size_mm2 / current_a;
        r * r
    }
}

/// Named points on the chart (transformer inrush, withstand), current A and time s.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ChartPoints {
    /// The points, in amperes of the device's own circuit.
    pub points: Vec<CurvePoint>,
}

/// What a [`Tcc`] draws.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Characteristic {
    /// Overcurrent relay (with its breaker), primary A.
    Relay(OvercurrentRelay),
    /// Power fuse.
    Fuse(FuseCurves),
    /// Low-voltage breaker.
    Breaker(BreakerTrip),
    /// Ground relay (zero-sequence A).
    GroundRelay(GroundRelay),
    /// Cable withstand line.
    CableWithstand(CableWithstand),
    /// Transformer inrush points (must lie left of / below protective devices).
    Inrush(ChartPoints),
    /// Transformer short-time withstand points (must lie right of / above the clearing time).
    Withstand(ChartPoints),
}

/// Which line of a characteristic a sampled series is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum LineKind {
    /// Relay curve without tolerances.
    Nominal,
    /// Earliest operation (band's lower edge).
    Min,
    /// Latest operation / clearing (band's upper edge).
    Max,
    /// PF allowable (no deterioration below).
    Allowable,
    /// PF average melting.
    Melting,
    /// PF total clearing.
    Clearing,
    /// Equipment withstand limit (cable line, transformer points).
    Withstand,
    /// Transformer inrush points.
    Inrush,
}

/// One sampled series: finite points only, currents ascending (chart amperes).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SampledLine {
    /// Which line this is.
    pub line: LineKind,
    /// Chart amperes ascending, seconds. Sampled curves ([`Tcc::sample`]) have currents of
    /// [`CHART_SIGNIFICANT_DIGITS`] and times of [`CHART_TIME_SIGNIFICANT_DIGITS`]
    /// significant digits.
    pub points: Vec<CurvePoint>,
}

/// Multiply currents by this to refer a device drawn at `from_v` volts to a chart at `to_v`
/// volts: `I_to = I_from · V_from / V_to`.
///
/// With `delta_wye_phase_to_phase`, the transformer between them is Δ-Y and the fault is
/// phase-to-phase on the Y (low-voltage) side: the worst primary line then carries the
/// three-phase current while the secondary device sees √3/2 = 0.866 of it, so an LV device
/// referred up is shifted right by 1/0.866 and an HV device referred down left by 0.866.
/// Returns `None` for non-positive or non-finite voltages.
pub fn referral_factor(from_v: f64, to_v: f64, delta_wye_phase_to_phase: bool) -> Option<f64> {
    if !(from_v.is_finite() && to_v.is_finite() && from_v > 0.0 && to_v > 0.0) {
        return None;
    }
    let mut k = from_v / to_v;
    if delta_wye_phase_to_phase {
        let s = 3f64.sqrt() / 2.0;
        if from_v < to_v {
            k /= s;
        } else if from_v > to_v {
            k *= s;
        }
    }
    Some(k)
}

/// A characteristic drawn on a chart: `current_scale` multiplies the device's own currents
/// to give chart currents (1.0 when the chart is at the device's voltage).
///
/// Invariant: `current_scale` finite and positive.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Tcc {
    /// What is drawn, in the device's own amperes.
    pub characteristic: Characteristic,
    /// Chart amperes per device ampere.
    pub current_scale: f64,
}

impl Tcc {
    /// At the device's own voltage.
    pub fn new(characteristic: Characteristic) -> Tcc {
        Tcc { characteristic, current_scale: 1.0 }
    }

    /// The same characteristic referred by a further factor (see [`referral_factor`]).
    /// Non-positive or non-finite factors leave the curve unchanged.
    pub fn referred(&self, factor: f64) -> Tcc {
        let f = if factor.is_finite() && factor > 0.0 { factor } else { 1.0 };
        Tcc { characteristic: self.characteristic.clone(), current_scale: self.current_scale * f }
    }

    fn own(&self, chart_current_a: f64) -> f64 {
        chart_current_a / self.current_scale
    }

    /// The operating band of a protective device at a chart current. Equipment limits
    /// (inrush, withstand, cable) have no band and return [`TimeBand::NEVER`].
    pub fn band(&self, chart_current_a: f64) -> TimeBand {
        let i = self.own(chart_current_a);
        if !(i > 0.0) {
            return TimeBand::NEVER;
        }
        match &self.characteristic {
            Characteristic::Relay(r) => r.band(i),
            Characteristic::Fuse(f) => f.band(i),
            Characteristic::Breaker(b) => b.band(i),
            Characteristic::GroundRelay(g) => g.band(i),
            _ => TimeBand::NEVER,
        }
    }

    /// The time of a limit line at a chart current (cable withstand; transformer withstand
    /// as the I²t curve through its points); `INFINITY` for other characteristics.
    pub fn limit_time(&self, chart_current_a: f64) -> f64 {
        let i = self.own(chart_current_a);
        match &self.characteristic {
            Characteristic::CableWithstand(c) => c.time_at(i),
            Characteristic::Withstand(p) => withstand_time(&p.points, i),
            _ => f64::INFINITY,
        }
    }

    /// Lowest chart current at which a dedicated instantaneous element may operate (relay
    /// instantaneous, breaker instantaneous; not fuses, not short-time delays).
    pub fn instantaneous_min_pickup_a(&self) -> Option<f64> {
        let own = match &self.characteristic {
            Characteristic::Relay(r) => r.instantaneous_min_pickup_a(),
            Characteristic::Breaker(BreakerTrip::ThermalMagnetic(t)) => {
                Some(t.instantaneous_a * (1.0 - t.instantaneous_tolerance))
            }
            Characteristic::Breaker(BreakerTrip::Electronic(e)) => {
                e.instantaneous_a.map(|i| i * (1.0 - e.pickup_tolerance))
            }
            _ => None,
        };
        own.map(|i| i * self.current_scale)
    }

    /// Exact currents (chart amperes) where the characteristic steps or bends.
    pub fn breakpoints(&self) -> Vec<f64> {
        let v = match &self.characteristic {
            Characteristic::Relay(r) => r.breakpoints(),
            Characteristic::Fuse(f) => {
                let mut v = f.melting.breakpoints();
                v.extend(f.clearing.breakpoints());
                v.extend(f.allowable.breakpoints());
                v
            }
            Characteristic::Breaker(b) => b.breakpoints(),
            Characteristic::GroundRelay(g) => vec![
                g.pickup_a * (1.0 - g.pickup_tolerance),
                g.pickup_a,
                g.pickup_a * (1.0 + g.pickup_tolerance),
            ],
            _ => Vec::new(),
        };
        v.into_iter().map(|i| i * self.current_scale).collect()
    }

    /// Sample the characteristic for a log-log chart between the chart currents `i_min_a` and
    /// `i_max_a`, as few points as a line drawn through them needs to stay within
    /// [`CHART_TOLERANCE_DECADES`] of the true curve.
    ///
    /// Each line starts from `n` log-spaced currents plus the exact pickup breakpoints inside
    /// the range (each also taken just below, so that steps draw vertical), is refined where
    /// it bends ([`adaptive_line`]) and then keeps only the points the drawing needs. Only
    /// times up to [`CHART_TIME_CEILING_S`] are kept; where a line begins or ends inside the
    /// range (a pickup, the ceiling) its end is found to five significant digits. `n` is clamped to 2 … 2000; an
    /// empty or invalid range gives no lines.
    pub fn sample(&self, i_min_a: f64, i_max_a: f64, n: usize) -> Vec<SampledLine> {
        let s = self.current_scale;
        let pts_line = |line, pts: &[CurvePoint]| SampledLine {
            line,
            points: pts.iter().map(|p| pt(p.current_a * s, p.time_s)).collect(),
        };
        match &self.characteristic {
            Characteristic::Inrush(p) => return vec![pts_line(LineKind::Inrush, &p.points)],
            Characteristic::Withstand(p) => return vec![pts_line(LineKind::Withstand, &p.points)],
            _ => {}
        }
        let grid = chart_grid(i_min_a, i_max_a, n, &self.chart_knots());
        // The lines are sampled one by one, mostly at the same currents: each current's times
        // are computed once for all of them.
        let cache = std::cell::RefCell::new(std::collections::HashMap::<u64, [f64; 3], std::hash::BuildHasherDefault<BitsHasher>>::with_capacity_and_hasher(
            grid.len() * 4,
            Default::default(),
        ));
        let times_at = |i: f64| *cache.borrow_mut().entry(i.to_bits()).or_insert_with(|| self.line_times(i));
        self.line_kinds()
            .iter()
            .enumerate()
            .map(|(k, &line)| SampledLine { line, points: adaptive_line(&|i| times_at(i)[k], &grid) })
            .collect()
    }

    /// [`Tcc::line_time`] of each of [`Tcc::line_kinds`] at one chart current (the rest
    /// `INFINITY`), computing what the lines share once.
    fn line_times(&self, chart_current_a: f64) -> [f64; 3] {
        let i = self.own(chart_current_a);
        let never = f64::INFINITY;
        match &self.characteristic {
            Characteristic::Relay(r) => {
                let b = r.band(i);
                [r.nominal(i), b.min_s, b.max_s]
            }
            Characteristic::Breaker(br) => {
                let b = br.band(i);
                [b.min_s, b.max_s, never]
            }
            Characteristic::GroundRelay(g) => {
                let b = g.band(i);
                [b.min_s, b.max_s, never]
            }
            _ => {
                let mut t = [never; 3];
                for (k, &line) in self.line_kinds().iter().enumerate().take(3) {
                    t[k] = self.line_time(line, chart_current_a);
                }
                t
            }
        }
    }

    /// [`Tcc::breakpoints`] and, for a relay, where its band's edges stop falling (the
    /// inverse curve drawn with pickup × (1 ∓ tolerance) reaching its flat multiple): kinks of
    /// the chart lines that the checks do not need as breakpoints.
    fn chart_knots(&self) -> Vec<f64> {
        let mut v = self.breakpoints();
        if let Characteristic::Relay(r) = &self.characteristic {
            if let Some(pk) = r.pickup_a {
                let p = r.tolerance.pickup;
                v.extend([pk * (1.0 - p) * r.flat_above_multiple, pk * (1.0 + p) * r.flat_above_multiple].map(|i| i * self.current_scale));
            }
        }
        v
    }

    /// The lines [`Tcc::sample`] draws for this characteristic, in order.
    pub fn line_kinds(&self) -> &'static [LineKind] {
        match &self.characteristic {
            Characteristic::Relay(_) => &[LineKind::Nominal, LineKind::Min, LineKind::Max],
            Characteristic::Fuse(_) => &[LineKind::Allowable, LineKind::Melting, LineKind::Clearing],
            Characteristic::Breaker(_) | Characteristic::GroundRelay(_) => &[LineKind::Min, LineKind::Max],
            Characteristic::CableWithstand(_) => &[LineKind::Withstand],
            Characteristic::Inrush(_) => &[LineKind::Inrush],
            Characteristic::Withstand(_) => &[LineKind::Withstand],
        }
    }

    /// The time of one of the lines of [`Tcc::sample`] at a chart current (the true curve the
    /// samples are drawn from); `INFINITY` where the line does not exist, and for the point
    /// lines of transformer inrush and withstand.
    pub fn line_time(&self, line: LineKind, chart_current_a: f64) -> f64 {
        let i = self.own(chart_current_a);
        match (&self.characteristic, line) {
            (Characteristic::Relay(r), LineKind::Nominal) => r.nominal(i),
            (Characteristic::Relay(r), LineKind::Min) => r.band(i).min_s,
            (Characteristic::Relay(r), LineKind::Max) => r.band(i).max_s,
            (Characteristic::Fuse(f), LineKind::Allowable) => f.allowable_at(i),
            (Characteristic::Fuse(f), LineKind::Melting) => f.melting.time_at(i),
            (Characteristic::Fuse(f), LineKind::Clearing) => f.clearing.time_at(i),
            (Characteristic::Breaker(b), LineKind::Min) => b.band(i).min_s,
            (Characteristic::Breaker(b), LineKind::Max) => b.band(i).max_s,
            (Characteristic::GroundRelay(g), LineKind::Min) => g.band(i).min_s,
            (Characteristic::GroundRelay(g), LineKind::Max) => g.band(i).max_s,
            (Characteristic::CableWithstand(c), LineKind::Withstand) => c.time_at(i),
            _ => f64::INFINITY,
        }
    }
}

/// Largest distance between a chart line drawn through the points of [`Tcc::sample`] and the
/// true curve between them, in decades on log-log axes with decades of equal length on both
/// axes (the shortest distance on the chart): 0.001 decade, 0.23 % — an eighth of a pixel
/// at 120 pixels per decade, 0.05 mm on a printed chart of 5 cm per decade. A time read off
/// the drawn line at a current where the curve falls at slope s (decades per decade; about 2
/// for an extremely inverse relay at large multiples) is within 0.001·√(1 + s²) decade:
/// 0.5 % at s = 2. Steps draw as (nearly) vertical lines.
pub const CHART_TOLERANCE_DECADES: f64 = 0.001;

/// Significant digits of the currents of sampled chart points: each curve is evaluated at
/// currents with this many digits (the points are on the curve at those currents).
pub const CHART_SIGNIFICANT_DIGITS: i32 = 5;

/// Significant digits of the times of sampled chart points (a relative error of at most
/// 5·10⁻⁷: a drawn point lies on a catalogue curve to 10⁻⁶).
pub const CHART_TIME_SIGNIFICANT_DIGITS: i32 = 7;

/// An interval is split while the curve at its (logarithmic) midpoint is farther than this
/// from the chord. The deviation of a smooth arc or a single kink from its chord is a small
/// multiple of the midpoint's (twice for a kink; up to about 3.5 times, seen near the pickup
/// of the flattest inverse curves, IEC standard inverse with α = 0.02).
const REFINE_DECADES: f64 = 0.00015;
/// Points are dropped while the line through the rest stays this close to every dropped
/// point (Ramer–Douglas–Peucker). With the refinement, the width of the narrowest interval
/// (4.3·10⁻⁵ decade between neighbouring currents of five digits) and the rounding of times
/// this stays within [`CHART_TOLERANCE_DECADES`].
const SIMPLIFY_DECADES: f64 = 0.0004;
/// Halvings of a grid interval to find where a line begins or ends (a thousandth of the
/// interval; these ends are where a curve rises above [`CHART_TIME_CEILING_S`], off the chart,
/// or starts within a grid interval).
const EDGE_HALVINGS: u32 = 10;
/// Longest time sampled, s: ten times the top of the chart (1000 s). Above it a line does not
/// exist on the chart; where a curve rises above it (towards a pickup) its line ends at it.
pub const CHART_TIME_CEILING_S: f64 = 10_000.0;
/// Upper bound of points refined per line (the simplification keeps far fewer).
const MAX_REFINED_POINTS: usize = 20_000;

/// Hashes an `f64`'s bits with one multiplication (the sampling cache's keys).
#[derive(Default)]
struct BitsHasher(u64);

impl std::hash::Hasher for BitsHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    fn write_u64(&mut self, x: u64) {
        self.0 = (self.0 ^ x).wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(29);
    }
}

/// A sampled point: (log10 I, log10 t) in decades, with the current and time themselves.
#[derive(Clone, Copy)]
struct LogPoint {
    u: f64,
    v: f64,
    i: f64,
    t: f64,
}

/// Square of the distance of `p` from the segment `a`–`b`, in decades².
fn distance2_to_segment(p: LogPoint, a: LogPoint, b: LogPoint) -> f64 {
    let (du, dv) = (b.u - a.u, b.v - a.v);
    let len2 = du * du + dv * dv;
    let k = if len2 > 0.0 { (((p.u - a.u) * du + (p.v - a.v) * dv) / len2).clamp(0.0, 1.0) } else { 0.0 };
    let (eu, ev) = (p.u - (a.u + k * du), p.v - (a.v + k * dv));
    eu * eu + ev * ev
}

/// The points of one chart line of `f` (time at a chart current; non-finite where the device
/// does not operate) over the ascending currents `grid`: evaluated at currents of
/// [`CHART_SIGNIFICANT_DIGITS`] digits, refined between grid currents where the curve bends,
/// the ends of finite stretches (up to [`CHART_TIME_CEILING_S`]) found between grid
/// currents, then simplified. Within [`CHART_TOLERANCE_DECADES`] of `f` between consecutive
/// points where `f` is finite; currents strictly ascending, times positive and at most
/// [`CHART_TIME_CEILING_S`].
pub fn adaptive_line(f: &dyn Fn(f64) -> f64, grid: &[f64]) -> Vec<CurvePoint> {
    // `None` where the curve does not exist or lies above the chart (or the current is not a
    // positive number).
    let eval = |i: f64| {
        let t = round_significant_with(f(i), CHART_TIME_SIGNIFICANT_DIGITS, f64::round);
        (i > 0.0 && i.is_finite() && t > 0.0 && t <= CHART_TIME_CEILING_S).then(|| LogPoint { u: i.log10(), v: t.log10(), i, t })
    };
    let mut dense: Vec<LogPoint> = Vec::with_capacity(grid.len() * 2);
    let mut prev: Option<(f64, Option<LogPoint>)> = None;
    for i in grid.iter().map(|&i| round_significant(i)) {
        if prev.is_some_and(|(p, _)| !(i > p)) {
            continue;
        }
        let here = eval(i);
        match (prev, here) {
            (None, Some(p)) => dense.push(p),
            (Some((_, Some(a))), Some(b)) => {
                refine(&eval, a, b, &mut dense);
                dense.push(b);
            }
            (Some((_, Some(a))), None) => {
                // The line ends between a and i: the last finite current.
                let (mut lo, mut hi) = (a.i, i);
                let mut last = a;
                for _ in 0..EDGE_HALVINGS {
                    let m = round_significant((lo * hi).sqrt());
                    if !(m > lo && m < hi) {
                        break;
                    }
                    match eval(m) {
                        Some(p) => {
                            lo = m;
                            last = p;
                        }
                        None => hi = m,
                    }
                }
                if last.i > a.i {
                    refine(&eval, a, last, &mut dense);
                    dense.push(last);
                }
            }
            (Some((i0, None)), Some(b)) => {
                // The line begins between i0 and b: the first finite current.
                let (mut lo, mut hi) = (i0, b.i);
                let mut first = b;
                for _ in 0..EDGE_HALVINGS {
                    let m = round_significant((lo * hi).sqrt());
                    if !(m > lo && m < hi) {
                        break;
                    }
                    match eval(m) {
                        Some(p) => {
                            hi = m;
                            first = p;
                        }
                        None => lo = m,
                    }
                }
                if first.i < b.i {
                    dense.push(first);
                    refine(&eval, first, b, &mut dense);
                }
                dense.push(b);
            }
            _ => {}
        }
        prev = Some((i, here));
    }
    let kept = simplify(&dense);
    // Check the drawn line against the curve itself between the kept points, at a third and
    // two thirds of each interval; where it strays, keep the worst of them and check again.
    let mut out: Vec<LogPoint> = Vec::with_capacity(kept.len() + 8);
    for w in kept.windows(2) {
        out.push(w[0]);
        verify(&eval, w[0], w[1], 0, &mut out);
    }
    out.extend(kept.last().copied());
    out.into_iter().map(|p| pt(p.i, p.t)).collect()
}

/// Points to add strictly between the kept points `a` and `b` (ascending) until the curve at
/// a third and two thirds of every interval is within 0.6 × [`CHART_TOLERANCE_DECADES`] of
/// the line drawn (an arc strays at most 9/8 of that between the two).
fn verify(eval: &dyn Fn(f64) -> Option<LogPoint>, a: LogPoint, b: LogPoint, depth: u32, out: &mut Vec<LogPoint>) {
    let limit = 0.6 * CHART_TOLERANCE_DECADES;
    if depth > 40 || out.len() > MAX_REFINED_POINTS {
        return;
    }
    let mut worst: Option<(f64, LogPoint)> = None;
    for f in [1.0 / 3.0, 2.0 / 3.0] {
        let i = round_significant(10f64.powf(a.u + f * (b.u - a.u)));
        if !(i > a.i && i < b.i) {
            continue;
        }
        let Some(p) = eval(i) else { continue };
        let d = distance2_to_segment(p, a, b);
        if d > limit * limit && worst.is_none_or(|w| d > w.0) {
            worst = Some((d, p));
        }
    }
    if let Some((_, p)) = worst {
        verify(eval, a, p, depth + 1, out);
        out.push(p);
        verify(eval, p, b, depth + 1, out);
    }
}

/// Points strictly between `a` and `b` (ascending) until every interval's midpoint is within
/// [`REFINE_DECADES`] of its chord or the interval has no current of five digits inside. A
/// midpoint where `f` is not finite ends the refinement of that interval (the line is drawn
/// across, as between two samples).
fn refine(eval: &dyn Fn(f64) -> Option<LogPoint>, a: LogPoint, b: LogPoint, out: &mut Vec<LogPoint>) {
    if out.len() > MAX_REFINED_POINTS {
        return;
    }
    let mid = round_significant(10f64.powf(0.5 * (a.u + b.u)));
    if !(mid > a.i && mid < b.i) {
        return;
    }
    let Some(m) = eval(mid) else { return };
    if distance2_to_segment(m, a, b) <= REFINE_DECADES * REFINE_DECADES {
        return;
    }
    refine(eval, a, m, out);
    out.push(m);
    refine(eval, m, b, out);
}

/// Ramer–Douglas–Peucker in decades: the first and last points and every point whose
/// removal would move the line more than [`SIMPLIFY_DECADES`] from a dropped point.
fn simplify(points: &[LogPoint]) -> Vec<LogPoint> {
    if points.len() <= 2 {
        return points.to_vec();
    }
    let mut keep = vec![false; points.len()];
    keep[0] = true;
    keep[points.len() - 1] = true;
    let mut stack = vec![(0usize, points.len() - 1)];
    while let Some((a, b)) = stack.pop() {
        let mut worst = (0.0, 0usize);
        for k in a + 1..b {
            let d = distance2_to_segment(points[k], points[a], points[b]);
            if d > worst.0 {
                worst = (d, k);
            }
        }
        if worst.0 > SIMPLIFY_DECADES * SIMPLIFY_DECADES {
            keep[worst.1] = true;
            stack.push((a, worst.1));
            stack.push((worst.1, b));
        }
    }
    points.iter().zip(keep).filter(|(_, k)| *k).map(|(p, _)| *p).collect()
}

/// 10⁻¹⁷ … 10²⁶ (exact from 10⁰ to 10²²).
const POW10: [f64; 44] = [
    1e-17, 1e-16, 1e-15, 1e-14, 1e-13, 1e-12, 1e-11, 1e-10, 1e-9, 1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6,
    1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22, 1e23, 1e24, 1e25, 1e26,
];

/// The currents a chart line starts from: `n` log-spaced currents from `lo` to `hi` and every
/// breakpoint inside, as [`sample_grid`], with [`CHART_SIGNIFICANT_DIGITS`] digits: the
/// current just below a breakpoint rounded down and the breakpoint itself rounded up, so that
/// the two still fall on either side of a step there.
pub fn chart_grid(lo: f64, hi: f64, n: usize, breakpoints: &[f64]) -> Vec<f64> {
    let mut v: Vec<f64> = sample_grid(lo, hi, n, &[]).into_iter().map(round_significant).collect();
    for &bp in breakpoints {
        if bp.is_finite() && bp > lo && bp < hi {
            v.push(round_significant_with(bp * (1.0 - 1e-9), CHART_SIGNIFICANT_DIGITS, f64::floor));
            v.push(round_significant_with(bp, CHART_SIGNIFICANT_DIGITS, f64::ceil));
        }
    }
    v.sort_by(f64::total_cmp);
    v.dedup();
    v
}

/// `x` rounded to [`CHART_SIGNIFICANT_DIGITS`] significant digits (non-finite and zero
/// unchanged); the nearest `f64` to the rounded decimal, so it prints with at most that many
/// digits.
pub fn round_significant(x: f64) -> f64 {
    round_significant_with(x, CHART_SIGNIFICANT_DIGITS, f64::round)
}

/// [`round_significant`] with another rounding of the last digit (`f64::floor`, `f64::ceil`).
fn round_significant_with(x: f64, digits: i32, rounding: fn(f64) -> f64) -> f64 {
    if !x.is_finite() || x == 0.0 {
        return x;
    }
    // Decimal exponent of |x| from its binary exponent (no logarithm): ⌊e₂·log10 2⌋ is the
    // exponent or one less.
    let a = x.abs();
    if !(1e-17..1e26).contains(&a) {
        return x;
    }
    let e2 = ((a.to_bits() >> 52) & 0x7ff) as i32 - 1023;
    let mut e = (f64::from(e2) * std::f64::consts::LOG10_2).floor() as i32;
    if POW10[(e + 18) as usize] <= a {
        e += 1;
    }
    let k = digits - 1 - e;
    if !(-22..=22).contains(&k) {
        return x;
    }
    let p = POW10[(k.abs() + 17) as usize];
    if k >= 0 {
        let m = rounding(x * p);
        // Near a power of ten `x·p` may round up to one more digit: still exact in the
        // decimal, and at most one digit longer.
        m / p
    } else {
        rounding(x / p) * p
    }
}

/// Time allowed by transformer withstand points at a current: the constant-I²t line through
/// the point with the highest current not above `current_a` (through the lowest point when
/// the current is below all of them); `INFINITY` without points or for a non-positive current.
pub fn withstand_time(points: &[CurvePoint], current_a: f64) -> f64 {
    let valid = || points.iter().filter(|p| p.current_a > 0.0 && p.time_s > 0.0 && p.current_a.is_finite() && p.time_s.is_finite());
    let mut best: Option<CurvePoint> = None;
    for p in valid() {
        if p.current_a <= current_a && best.is_none_or(|b| p.current_a > b.current_a) {
            best = Some(*p);
        }
    }
    if best.is_none() {
        best = valid().min_by(|a, b| a.current_a.total_cmp(&b.current_a)).copied();
    }
    match best {
        Some(p) if current_a > 0.0 => {
            let r = p.current_a / current_a;
            p.time_s * r * r
        }
        _ => f64::INFINITY,
    }
}

/// `n` log-spaced currents from `lo` to `hi` plus the breakpoints inside, sorted, each
/// breakpoint also just below itself.
pub fn sample_grid(lo: f64, hi: f64, n: usize, breakpoints: &[f64]) -> Vec<f64> {
    if !(lo.is_finite() && hi.is_finite() && lo > 0.0 && hi > lo) {
        return Vec::new();
    }
    let n = n.clamp(2, 2000);
    let (a, b) = (lo.ln(), hi.ln());
    let mut v: Vec<f64> = (0..n).map(|k| (a + (b - a) * k as f64 / (n - 1) as f64).exp()).collect();
    for &bp in breakpoints {
        if bp.is_finite() && bp > lo && bp < hi {
            v.push(bp * (1.0 - 1e-9));
            v.push(bp);
        }
    }
    v.sort_by(f64::total_cmp);
    v.dedup();
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rel(a: f64, b: f64) -> f64 {
        ((a - b) / b).abs()
    }

    #[test]
    fn round_significant_keeps_five_digits_and_prints_short() {
        for (x, r) in [(123.456789, 123.46), (0.000123456, 0.00012346), (99999.5, 100000.0), (1234567.0, 1234600.0), (1.0, 1.0), (-2.718281828, -2.7183), (1e-5, 1e-5)] {
            assert_eq!(round_significant(x), r, "{x}");
        }
        let mut x = 1.7e-9;
        while x < 1e12 {
            let r = round_significant(x);
            assert!(((r - x) / x).abs() <= 5.0000001e-5, "{x} → {r}");
            assert_eq!(round_significant(r), r, "idempotent at {x}");
            let digits = format!("{r:e}").split('e').next().unwrap().replace(['.', '-'], "").len();
            assert!(digits <= 5, "{x} → {r} prints {digits} digits");
            x *= 1.37;
        }
        assert!(round_significant(f64::INFINITY).is_infinite() && round_significant(f64::NAN).is_nan());
    }

    #[test]
    fn ei_lever_2_reproduces_case_b() {
        // docs/engineering.md §5: CT 75/5, tap 4.5 A → 67.5 A, EI, lever 2.
        let r = OvercurrentRelay::from_family(
            CurveFamily::JisEi,
            2.0,
            Some(pickup_primary_a(4.5, 75.0, 5.0)),
            None,
            RelayTolerance::default(),
        )
        .unwrap();
        // 300 %: 80/(9−1)·0.2 = 2.0 s; 700 %: 80/48·0.2 = 0.3333 s.
        assert!(rel(r.nominal(3.0 * 67.5), 2.0) < 1e-12);
        assert!(rel(r.nominal(7.0 * 67.5), 1.0 / 3.0) < 1e-12);
        // 437 A: M = 6.474, 80/(41.92−1)·0.2 = 0.3910 s (doc: 0.390, ±0.5 %).
        assert!(rel(r.nominal(437.0), 0.390) < 5e-3);
        // 961 A: M = 14.24, 0.0793 s (doc: 0.079, ±0.5 %).
        assert!(rel(r.nominal(961.0), 0.079) < 5e-3);
    }

    #[test]
    fn point_curve_interpolates_log_log_and_has_i2t_tail() {
        let c = PointCurve::new("t", vec![pt(10.0, 100.0), pt(100.0, 1.0)]).unwrap();
        assert_eq!(c.time_at(9.99), f64::INFINITY);
        // Midpoint in log I (31.62 A) → midpoint in log t (10 s).
        assert!(rel(c.time_at(10f64.powf(1.5)), 10.0) < 1e-12);
        // Beyond the last point: I²t constant, 200 A → 0.25 s.
        assert!(rel(c.time_at(200.0), 0.25) < 1e-12);
        assert!(rel(c.current_at(10.0).unwrap(), 10f64.powf(1.5)) < 1e-12);
        assert!(rel(c.current_at(0.25).unwrap(), 200.0) < 1e-12);
    }

    #[test]
    fn point_curve_rejects_bad_points() {
        assert!(PointCurve::new("t", vec![pt(10.0, 1.0)]).is_err());
        assert!(PointCurve::new("t", vec![pt(10.0, 1.0), pt(5.0, 0.5)]).is_err());
        assert!(PointCurve::new("t", vec![pt(10.0, 1.0), pt(20.0, 2.0)]).is_err());
        assert!(PointCurve::new("t", vec![pt(f64::NAN, 1.0), pt(20.0, 0.5)]).is_err());
    }

    #[test]
    fn cable_withstand_matches_section_6() {
        // CVT 38 mm² at 12.43 kA: (134·38/12430)² = 0.1678 s; 22 mm²: 0.0562 s.
        let c38 = CableWithstand { k: 134.0, size_mm2: 38.0 };
        let c22 = CableWithstand { k: 134.0, size_mm2: 22.0 };
        assert!(rel(c38.time_at(12_430.0), 0.168) < 3e-3);
        assert!(rel(c22.time_at(12_430.0), 0.056) < 5e-3);
    }

    #[test]
    fn referral_factor_steps_down_by_voltage_ratio() {
        assert!(rel(referral_factor(210.0, 6600.0, false).unwrap(), 210.0 / 6600.0) < 1e-15);
        let up = referral_factor(210.0, 6600.0, true).unwrap();
        assert!(rel(up, 210.0 / 6600.0 / 0.8660254037844386) < 1e-12);
        assert!(referral_factor(0.0, 6600.0, false).is_none());
    }
}
