//! Validation of company library items: every error names the failing field by JSON pointer
//! (relative to the item, or under `/company_library/<i>` inside a project), with the same
//! codes and bilingual messages as project validation.
//!
//! What a curve entered as points must satisfy, and why (docs/library.md §Validation):
//! - at least two points, at most [`MAX_CURVE_POINTS`];
//! - every current and time finite and within the stated physical ranges
//!   ([`CURRENT_RANGE_A`], [`MULTIPLE_RANGE`], [`TIME_RANGE_S`]);
//! - strictly monotone: current rising, time falling, point after point;
//! - dense enough for log-log interpolation: at least [`MIN_POINTS_PER_DECADE`] intervals per
//!   decade of current over the curve's span, and no two neighbours more than
//!   [`MAX_GAP_DECADES`] apart;
//! - bands ordered: for fuses allowable < melting < clearing at every current, for breakers
//!   the long-time `min` edge below the `max` edge.

#![allow(clippy::neg_cmp_op_on_partial_ord)] // `!(a < b)` is meant: NaN must take the refusing branch.

use std::collections::HashMap;

use crate::curves::{CurvePoint, PointCurve};
use crate::model::TimeCurrentPoint;
use crate::validate::{text_error, ValidationError, MAX_ID_CHARS, MAX_NAME_CHARS, MAX_NOTE_CHARS};

use super::company::{
    curve_points, multiple_points, same_rating, BandPoints, CompanyBreaker, CompanyCable, CompanyDevice, CompanyFuse,
    CompanyItem, CompanyRelay, CompanyTransformer, CompanyTrip, ElectronicData, FuseRating, MultiplePoint, RelayCharacteristic,
    RelayEquation, RelayPoints, ThermalMagneticData,
};

/// Currents a catalogue point may state, A: 0.1 A (below any 6.6 kV or LV protective device's
/// pickup) to 200 kA (above any fault current of a receiving station, LV included).
pub const CURRENT_RANGE_A: (f64, f64) = (0.1, 200_000.0);
/// Multiples of a setting (× tap, × In) a point may state: above 1 (nothing operates at its own
/// setting) up to 100 (relay curves are flat above 20 ×, breaker curves end at the
/// instantaneous region).
pub const MULTIPLE_RANGE: (f64, f64) = (1.0, 100.0);
/// Times a catalogue point may state, s: 1 ms (a quarter cycle at 50 Hz — catalogue fuse curves
/// stop near 10 ms; below, current limiting governs) to 10 000 s (≈ 2.8 h, beyond the 2 h
/// conventional time of JIS C 8201-2-1 breakers).
pub const TIME_RANGE_S: (f64, f64) = (0.001, 10_000.0);
/// Fewest intervals per decade of current over a curve's span (a one-decade curve needs four
/// points): enough for log-log interpolation to follow a catalogue curve's bend.
pub const MIN_POINTS_PER_DECADE: f64 = 3.0;
/// Widest gap between neighbouring points, decades of current (a factor √10 ≈ 3.16).
pub const MAX_GAP_DECADES: f64 = 0.5;
/// Most points per curve.
pub const MAX_CURVE_POINTS: usize = 200;
/// Most ratings per fuse item and rated currents per breaker item.
pub const MAX_RATINGS: usize = 40;
/// Most company items a project may carry copies of.
pub const MAX_PROJECT_COPIES: usize = 500;
/// A relay curve given as points must start at or below this multiple of tap (below its first
/// point the time element is taken as not operating)…
pub const RELAY_POINTS_MAX_FIRST_MULTIPLE: f64 = 1.5;
/// …and reach at least this multiple: beyond its last point the time is held flat, as the
/// standard families are above 20 × (docs/engineering.md §1). A curve that stopped earlier
/// would be held flat where the real relay is still getting faster, and an upstream relay
/// drawn too slow makes a coordination margin look larger than it is.
pub const RELAY_POINTS_MIN_LAST_MULTIPLE: f64 = 20.0;

/// Every problem of one item, pointers relative to the item (`/device/ratings/0/melting/3`).
pub fn validate_item(item: &CompanyItem) -> Vec<ValidationError> {
    let mut c = Check { errors: Vec::new(), at: String::new() };
    c.item(item);
    c.errors
}

/// Every problem of a project's copies (`/company_library/<i>/…`): each item as in
/// [`validate_item`], at most [`MAX_PROJECT_COPIES`], and one copy per id.
pub fn validate_copies(copies: &[CompanyItem]) -> Vec<ValidationError> {
    let mut c = Check { errors: Vec::new(), at: String::new() };
    if copies.len() > MAX_PROJECT_COPIES {
        c.push(
            "/company_library",
            "too_many_items",
            format!("会社ライブラリの写しが多すぎます（{} 件、上限 {MAX_PROJECT_COPIES} 件）", copies.len()),
            format!("too many company library copies ({}, limit {MAX_PROJECT_COPIES})", copies.len()),
        );
        return c.errors;
    }
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (i, item) in copies.iter().enumerate() {
        c.at = format!("/company_library/{i}");
        c.item(item);
        if let Some(first) = seen.insert(item.id.as_str(), i) {
            c.push(
                &format!("/company_library/{i}/id"),
                "duplicate_id",
                format!("品目 ID「{}」は /company_library/{first} と重複しています（プロジェクトは各品目を一つの版だけ持ちます）", short(&item.id)),
                format!("item id \"{}\" duplicates /company_library/{first} (a project holds one version of each item)", short(&item.id)),
            );
        }
    }
    c.errors
}

fn short(s: &str) -> String {
    s.chars().take(60).collect()
}

fn num(x: f64) -> String {
    if x.is_finite() {
        format!("{x}")
    } else {
        "non-finite".into()
    }
}

struct Check {
    errors: Vec<ValidationError>,
    /// Pointer prefix of the item being checked.
    at: String,
}

impl Check {
    fn push(&mut self, pointer: &str, code: &str, ja: String, en: String) {
        self.errors.push(ValidationError::new(pointer, code, ja, en));
    }

    fn p(&self, rel: &str) -> String {
        format!("{}{rel}", self.at)
    }

    fn text(&mut self, rel: &str, s: &str, max: usize, required: bool) {
        if let Some(e) = text_error(&self.p(rel), s, max, required) {
            self.errors.push(e);
        }
    }

    /// `lo <= x <= hi` (`lo < x` when `lo_open`).
    fn range(&mut self, rel: &str, x: f64, (lo, hi): (f64, f64), lo_open: bool, unit: &str) -> bool {
        let ok = x.is_finite() && (if lo_open { x > lo } else { x >= lo }) && x <= hi;
        if !ok {
            let b = if lo_open { "(" } else { "[" };
            self.push(
                &self.p(rel),
                "out_of_range",
                format!("値 {} {unit} は範囲 {b}{lo}, {hi}] の外です", num(x)),
                format!("value {} {unit} is outside {b}{lo}, {hi}]", num(x)),
            );
        }
        ok
    }

    fn item(&mut self, item: &CompanyItem) {
        let id_ok = !item.id.is_empty()
            && item.id.chars().count() <= MAX_ID_CHARS
            && item.id.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
        if !id_ok {
            self.push(
                &self.p("/id"),
                "invalid_id",
                format!("品目 ID は英数字と . _ - の 1～{MAX_ID_CHARS} 文字です"),
                format!("an item id is 1–{MAX_ID_CHARS} characters of A–Z a–z 0–9 . _ -"),
            );
        }
        if item.version == 0 {
            self.push(&self.p("/version"), "out_of_range", "版は 1 以上です".into(), "version must be 1 or more".into());
        }
        self.text("/maker", &item.maker, MAX_NAME_CHARS, true);
        self.text("/model", &item.model, MAX_NAME_CHARS, true);
        self.text("/source_document", &item.source_document, MAX_NAME_CHARS, true);
        self.text("/revision", &item.revision, MAX_NAME_CHARS, true);
        if let Some(n) = &item.note {
            self.text("/note", n, MAX_NOTE_CHARS, false);
        }
        match &item.device {
            CompanyDevice::Relay(r) => self.relay(r),
            CompanyDevice::Fuse(f) => self.fuse(f),
            CompanyDevice::Breaker(b) => self.breaker(b),
            CompanyDevice::Cable(c) => self.cable(c),
            CompanyDevice::Transformer(t) => self.transformer(t),
        }
    }

    fn relay(&mut self, r: &CompanyRelay) {
        match &r.characteristic {
            RelayCharacteristic::Standard => {}
            RelayCharacteristic::Equation(RelayEquation { k, alpha, c }) => {
                let a = self.range("/device/characteristic/k", *k, (0.0, 1_000.0), false, "s");
                let b = self.range("/device/characteristic/alpha", *alpha, (0.0, 10.0), true, "");
                let d = self.range("/device/characteristic/c", *c, (0.0, 100.0), false, "s");
                if a && b && d {
                    // The curve at TMS 1 must give sensible times over 2 … 20 × tap.
                    for m in [2.0, 20.0] {
                        let t = crate::curves::InverseShape::new(*k, *alpha, *c).map(|s| s.time_at_tms1(m)).unwrap_or(f64::NAN);
                        if !(t.is_finite() && t >= TIME_RANGE_S.0 && t <= TIME_RANGE_S.1) {
                            self.push(
                                &self.p("/device/characteristic"),
                                "curve_out_of_range",
                                format!("{m} 倍での動作時間 {} s が範囲 [{}, {}] s の外です", num(t), TIME_RANGE_S.0, TIME_RANGE_S.1),
                                format!("operating time {} s at {m} × tap is outside [{}, {}] s", num(t), TIME_RANGE_S.0, TIME_RANGE_S.1),
                            );
                            break;
                        }
                    }
                }
            }
            RelayCharacteristic::Points(RelayPoints { points }) => {
                let rel = "/device/characteristic/points";
                if let Some(pts) = self.multiple_curve(rel, points) {
                    let (first, last) = (pts[0].current_a, pts[pts.len() - 1].current_a);
                    if first > RELAY_POINTS_MAX_FIRST_MULTIPLE || last < RELAY_POINTS_MIN_LAST_MULTIPLE {
                        self.push(
                            &self.p(rel),
                            "curve_span_too_short",
                            format!(
                                "点は {RELAY_POINTS_MAX_FIRST_MULTIPLE} 倍以下から {RELAY_POINTS_MIN_LAST_MULTIPLE} 倍以上までを覆う必要があります（{} ～ {} 倍）",
                                num(first),
                                num(last)
                            ),
                            format!(
                                "the points must cover {RELAY_POINTS_MAX_FIRST_MULTIPLE} × tap or less to {RELAY_POINTS_MIN_LAST_MULTIPLE} × or more (they cover {} … {} ×)",
                                num(first),
                                num(last)
                            ),
                        );
                    }
                }
            }
        }
    }

    fn fuse(&mut self, f: &CompanyFuse) {
        self.range("/device/rated_voltage_kv", f.rated_voltage_kv, (0.0, 36.0), true, "kV");
        self.range("/device/breaking_capacity_ka", f.breaking_capacity_ka, (0.0, 200.0), true, "kA");
        if f.ratings.is_empty() || f.ratings.len() > MAX_RATINGS {
            self.push(
                &self.p("/device/ratings"),
                "out_of_range",
                format!("定格は 1～{MAX_RATINGS} 件です（{} 件）", f.ratings.len()),
                format!("give 1–{MAX_RATINGS} ratings (got {})", f.ratings.len()),
            );
            return;
        }
        for (i, r) in f.ratings.iter().enumerate() {
            if f.ratings[..i].iter().any(|o| same_rating(o.rating_a, r.rating_a)) {
                self.push(
                    &self.p(&format!("/device/ratings/{i}/rating_a")),
                    "duplicate_rating",
                    format!("定格 {} A が重複しています", num(r.rating_a)),
                    format!("rating {} A appears twice", num(r.rating_a)),
                );
            }
            self.fuse_rating(&format!("/device/ratings/{i}"), r);
        }
    }

    fn fuse_rating(&mut self, at: &str, r: &FuseRating) {
        let rating_ok = self.range(&format!("{at}/rating_a"), r.rating_a, (0.0, 1_000.0), true, "A");
        let mut curves: Vec<(&str, Option<PointCurve>)> = Vec::new();
        for (name, pts) in [("allowable", &r.allowable), ("melting", &r.melting), ("clearing", &r.clearing)] {
            let rel = format!("{at}/{name}");
            let curve = self.current_curve(&rel, pts);
            if let (Some(c), true) = (&curve, rating_ok) {
                let first = c.points()[0].current_a;
                if !(first > r.rating_a) {
                    self.push(
                        &self.p(&format!("{rel}/0/current_a")),
                        "below_rating",
                        format!("曲線は定格電流 {} A を超える電流から始まります（{} A）", num(r.rating_a), num(first)),
                        format!("the curve must start above the rated current {} A (it starts at {} A)", num(r.rating_a), num(first)),
                    );
                }
            }
            curves.push((name, curve));
        }
        if let [(_, Some(a)), (_, Some(m)), (_, Some(c))] = curves.as_slice() {
            self.ordered(&format!("{at}/melting"), ("allowable", a), ("melting", m), "A");
            self.ordered(&format!("{at}/clearing"), ("melting", m), ("clearing", c), "A");
        }
    }

    fn breaker(&mut self, b: &CompanyBreaker) {
        let frame_ok = self.range("/device/frame_a", b.frame_a, (0.0, 10_000.0), true, "A");
        self.range("/device/icu_230v_ka", b.icu_230v_ka, (0.0, 300.0), true, "kA");
        if b.ratings_a.is_empty() || b.ratings_a.len() > MAX_RATINGS {
            self.push(
                &self.p("/device/ratings_a"),
                "out_of_range",
                format!("定格電流は 1～{MAX_RATINGS} 件です（{} 件）", b.ratings_a.len()),
                format!("give 1–{MAX_RATINGS} rated currents (got {})", b.ratings_a.len()),
            );
        } else if frame_ok {
            for (i, &r) in b.ratings_a.iter().enumerate() {
                self.range(&format!("/device/ratings_a/{i}"), r, (0.0, b.frame_a), true, "A");
            }
        }
        match &b.trip {
            CompanyTrip::ThermalMagnetic(ThermalMagneticData { long_time, instantaneous_multiple, instantaneous_tolerance }) => {
                if let Some(band) = long_time {
                    self.band("/device/trip/long_time", band);
                }
                self.range("/device/trip/instantaneous_multiple", *instantaneous_multiple, MULTIPLE_RANGE, true, "×");
                self.range("/device/trip/instantaneous_tolerance", *instantaneous_tolerance, (0.0, 0.5), false, "");
            }
            CompanyTrip::Electronic(ElectronicData { lt_pickup_min, lt_pickup_max, lt_time_tolerance, pickup_tolerance }) => {
                let a = self.range("/device/trip/lt_pickup_min", *lt_pickup_min, (1.0, 1.5), false, "× Ir");
                let c = self.range("/device/trip/lt_pickup_max", *lt_pickup_max, (1.0, 1.5), false, "× Ir");
                if a && c && lt_pickup_max < lt_pickup_min {
                    self.push(
                        &self.p("/device/trip/lt_pickup_max"),
                        "bands_out_of_order",
                        "lt_pickup_max は lt_pickup_min 以上です".into(),
                        "lt_pickup_max must not be below lt_pickup_min".into(),
                    );
                }
                self.range("/device/trip/lt_time_tolerance", *lt_time_tolerance, (0.0, 0.5), false, "");
                self.range("/device/trip/pickup_tolerance", *pickup_tolerance, (0.0, 0.5), false, "");
            }
        }
    }

    fn band(&mut self, at: &str, band: &BandPoints) {
        let min = self.multiple_curve(&format!("{at}/min"), &band.min);
        let max = self.multiple_curve(&format!("{at}/max"), &band.max);
        if let (Some(min), Some(max)) = (min, max) {
            if let (Ok(lo), Ok(hi)) = (PointCurve::new("min", min), PointCurve::new("max", max)) {
                self.ordered(&format!("{at}/max"), ("min", &lo), ("max", &hi), "× In");
            }
        }
    }

    fn cable(&mut self, c: &CompanyCable) {
        self.text("/device/cable_type", &c.cable_type, 40, true);
        self.range("/device/voltage_class_v", c.voltage_class_v, (0.0, 36_000.0), true, "V");
        self.range("/device/size_mm2", c.size_mm2, (0.0, 2_000.0), true, "mm²");
        self.range("/device/r_ohm_per_km", c.r_ohm_per_km, (0.0, 100.0), true, "Ω/km");
        self.range("/device/x_ohm_per_km", c.x_ohm_per_km, (0.0, 100.0), false, "Ω/km");
        self.range("/device/c_uf_per_km", c.c_uf_per_km, (0.0, 10.0), false, "µF/km");
        self.range("/device/withstand_k", c.withstand_k, (0.0, 500.0), true, "A·√s/mm²");
        self.range("/device/ampacity_a", c.ampacity_a, (0.0, 10_000.0), true, "A");
    }

    fn transformer(&mut self, t: &CompanyTransformer) {
        self.range("/device/rated_kva", t.rated_kva, (0.0, 100_000.0), true, "kVA");
        self.range("/device/primary_v", t.primary_v, (50.0, 36_000.0), false, "V");
        self.range("/device/secondary_v", t.secondary_v, (50.0, 36_000.0), false, "V");
        self.range("/device/r_percent", t.r_percent, (0.0, 50.0), false, "%");
        self.range("/device/x_percent", t.x_percent, (0.0, 50.0), true, "%");
    }

    /// A curve in amperes: checked points, or `None` after reporting why not.
    fn current_curve(&mut self, rel: &str, pts: &[TimeCurrentPoint]) -> Option<PointCurve> {
        let ok = self.points(rel, &curve_points(pts), CURRENT_RANGE_A, "current_a", "A");
        ok.then(|| PointCurve::new("points", curve_points(pts)).ok()).flatten()
    }

    /// A curve in multiples of a setting: checked points, or `None` after reporting why not.
    fn multiple_curve(&mut self, rel: &str, pts: &[MultiplePoint]) -> Option<Vec<CurvePoint>> {
        let v = multiple_points(pts, 1.0);
        self.points(rel, &v, MULTIPLE_RANGE, "multiple", "×").then_some(v)
    }

    /// Count, ranges, strict monotonicity and density of one curve's points (`x` is the
    /// current or the multiple, named `x_field` in pointers). True when all hold.
    fn points(&mut self, rel: &str, pts: &[CurvePoint], x_range: (f64, f64), x_field: &str, unit: &str) -> bool {
        if pts.len() < 2 || pts.len() > MAX_CURVE_POINTS {
            self.push(
                &self.p(rel),
                "point_count",
                format!("点は 2～{MAX_CURVE_POINTS} 点です（{} 点）", pts.len()),
                format!("a curve needs 2–{MAX_CURVE_POINTS} points (got {})", pts.len()),
            );
            return false;
        }
        let before = self.errors.len();
        for (i, p) in pts.iter().enumerate() {
            // Multiples lie strictly above 1; currents from the range's lower end.
            self.range(&format!("{rel}/{i}/{x_field}"), p.current_a, x_range, x_field == "multiple", unit);
            self.range(&format!("{rel}/{i}/time_s"), p.time_s, TIME_RANGE_S, false, "s");
        }
        if self.errors.len() > before {
            return false;
        }
        for (i, w) in pts.windows(2).enumerate() {
            let j = i + 1;
            if !(w[1].current_a > w[0].current_a) {
                self.push(
                    &self.p(&format!("{rel}/{j}/{x_field}")),
                    "not_monotone",
                    format!("点 {j} の電流 {} は前の点 {} より大きくなければなりません", num(w[1].current_a), num(w[0].current_a)),
                    format!("point {j}: {} {unit} must be above the previous point's {} {unit}", num(w[1].current_a), num(w[0].current_a)),
                );
                return false;
            }
            if !(w[1].time_s < w[0].time_s) {
                self.push(
                    &self.p(&format!("{rel}/{j}/time_s")),
                    "not_monotone",
                    format!("点 {j} の時間 {} s は前の点 {} s より短くなければなりません", num(w[1].time_s), num(w[0].time_s)),
                    format!("point {j}: time {} s must be below the previous point's {} s (time falls as current rises)", num(w[1].time_s), num(w[0].time_s)),
                );
                return false;
            }
        }
        if let Some((i, gap)) = widest_gap(pts) {
            let j = i + 1;
            self.push(
                &self.p(&format!("{rel}/{j}/{x_field}")),
                "too_sparse",
                format!("点 {i} と点 {j} の間（{gap:.2} ディケード）が広すぎます（上限 {MAX_GAP_DECADES}）"),
                format!("points {i} and {j} are {gap:.2} decades apart (limit {MAX_GAP_DECADES}): add points between them"),
            );
            return false;
        }
        if let Some((span, needed)) = too_few_points(pts) {
            self.push(
                &self.p(rel),
                "too_sparse",
                format!("{span:.2} ディケードの曲線には {needed} 点以上が必要です（1 ディケードあたり {MIN_POINTS_PER_DECADE} 区間、{} 点）", pts.len()),
                format!(
                    "a curve spanning {span:.2} decades needs at least {needed} points ({MIN_POINTS_PER_DECADE} intervals per decade; got {})",
                    pts.len()
                ),
            );
            return false;
        }
        true
    }

    /// `lower` must lie strictly below `upper` (shorter time) at every current where `upper`
    /// operates. Both are log-log piecewise linear with parallel I²t tails, so comparing at
    /// every breakpoint of either curve from `upper`'s first point on is exact.
    fn ordered(&mut self, rel: &str, (lo_name, lower): (&str, &PointCurve), (hi_name, upper): (&str, &PointCurve), unit: &str) {
        let start = upper.points()[0].current_a;
        let mut xs: Vec<f64> = lower.points().iter().chain(upper.points()).map(|p| p.current_a).filter(|&x| x >= start).collect();
        xs.sort_by(f64::total_cmp);
        for x in xs {
            let (tl, tu) = (lower.time_at(x), upper.time_at(x));
            if !(tl < tu) {
                let tl_text = if tl.is_finite() { format!("{} s", short_num(tl)) } else { "∞".into() };
                self.push(
                    &self.p(rel),
                    "bands_out_of_order",
                    format!("{} {unit} で {lo_name} 曲線（{tl_text}）が {hi_name} 曲線（{} s）より下にありません", short_num(x), short_num(tu)),
                    format!("at {} {unit} the {lo_name} curve ({tl_text}) is not below the {hi_name} curve ({} s)", short_num(x), short_num(tu)),
                );
                return;
            }
        }
    }
}

/// The first pair of neighbours (index of the lower one, gap in decades) further apart than
/// [`MAX_GAP_DECADES`]. Points must be positive and rising.
pub(crate) fn widest_gap(pts: &[CurvePoint]) -> Option<(usize, f64)> {
    pts.windows(2)
        .enumerate()
        .map(|(i, w)| (i, (w[1].current_a / w[0].current_a).log10()))
        .find(|&(_, gap)| gap > MAX_GAP_DECADES + 1e-12)
}

/// `(span in decades, points needed)` when the curve has fewer points than
/// [`MIN_POINTS_PER_DECADE`] intervals per decade of its span require (at least two points).
pub(crate) fn too_few_points(pts: &[CurvePoint]) -> Option<(f64, usize)> {
    let (first, last) = (pts.first()?, pts.last()?);
    let span = (last.current_a / first.current_a).log10();
    let needed = ((MIN_POINTS_PER_DECADE * span) - 1e-9).ceil().max(1.0) as usize + 1;
    (pts.len() < needed).then_some((span, needed))
}

/// Four significant figures, for messages.
fn short_num(x: f64) -> String {
    format!("{}", (x * 1e4).round() / 1e4).chars().take(12).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_span_of_one_decade_needs_four_points() {
        // 2 → 20 × tap is one decade: 3 intervals per decade means 4 points.
        let mut c = Check { errors: Vec::new(), at: String::new() };
        let three = [CurvePoint { current_a: 2.0, time_s: 10.0 }, CurvePoint { current_a: 6.0, time_s: 2.0 }, CurvePoint { current_a: 20.0, time_s: 0.5 }];
        assert!(!c.points("/p", &three, MULTIPLE_RANGE, "multiple", "×"));
        assert_eq!(c.errors[0].code, "too_sparse");
        let mut c = Check { errors: Vec::new(), at: String::new() };
        let four = [
            CurvePoint { current_a: 2.0, time_s: 10.0 },
            CurvePoint { current_a: 4.0, time_s: 3.0 },
            CurvePoint { current_a: 8.0, time_s: 1.0 },
            CurvePoint { current_a: 20.0, time_s: 0.5 },
        ];
        assert!(c.points("/p", &four, MULTIPLE_RANGE, "multiple", "×"), "{:?}", c.errors);
    }
}
