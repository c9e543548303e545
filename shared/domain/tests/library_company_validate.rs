//! Company library items are refused, with the failing field's JSON pointer, when their data
//! could not be trusted for interpolation (docs/library.md §Validation). Each test starts from a
//! sound item that passes and makes one mistake.

use domain::library::company::CompanyItem;
use domain::library::company_validate::{validate_item, MAX_GAP_DECADES, MIN_POINTS_PER_DECADE, TIME_RANGE_S};
use serde_json::{json, Value};

fn item(v: &Value) -> CompanyItem {
    serde_json::from_value(v.clone()).unwrap_or_else(|e| panic!("item shape: {e}"))
}

fn errors(v: &Value) -> Vec<(String, String)> {
    validate_item(&item(v)).into_iter().map(|e| (e.pointer, e.code)).collect()
}

fn one(v: &Value, pointer: &str, code: &str) {
    assert_eq!(errors(v), vec![(pointer.to_string(), code.to_string())]);
}

fn meta(kind: Value) -> Value {
    json!({ "id": "acme.x", "version": 3, "maker": "Acme", "model": "X-1", "source_document": "Catalogue No. 12", "revision": "rev. C", "device": kind })
}

fn relay() -> Value {
    let pts: Vec<Value> = [(1.2, 200.0), (1.5, 90.0), (2.0, 30.0), (3.0, 12.0), (5.0, 4.0), (7.0, 2.0), (10.0, 1.0), (20.0, 0.3)]
        .iter()
        .map(|&(m, t)| json!({ "multiple": m, "time_s": t }))
        .collect();
    meta(json!({ "type": "relay", "curve": "ei", "characteristic": { "form": "points", "points": pts } }))
}

fn pts(v: &[(f64, f64)]) -> Vec<Value> {
    v.iter().map(|&(i, t)| json!({ "current_a": i, "time_s": t })).collect()
}

const MELTING: [(f64, f64); 10] =
    [(100.0, 300.0), (150.0, 40.0), (200.0, 12.0), (300.0, 3.0), (400.0, 1.2), (600.0, 0.35), (1000.0, 0.09), (1500.0, 0.035), (2500.0, 0.012), (4000.0, 0.005)];
const CLEARING: [(f64, f64); 10] =
    [(100.0, 340.0), (150.0, 46.0), (200.0, 14.0), (300.0, 3.5), (400.0, 1.4), (600.0, 0.42), (1000.0, 0.12), (1500.0, 0.05), (2500.0, 0.02), (4000.0, 0.01)];

fn fuse() -> Value {
    let allowable: Vec<(f64, f64)> = MELTING.iter().map(|&(i, t)| (0.8 * i, t)).collect();
    meta(json!({
        "type": "fuse", "fuse_type": "T", "rated_voltage_kv": 7.2, "breaking_capacity_ka": 40,
        "ratings": [{ "rating_a": 40, "allowable": pts(&allowable), "melting": pts(&MELTING), "clearing": pts(&CLEARING) }]
    }))
}

fn breaker() -> Value {
    let m = |v: &[(f64, f64)]| -> Vec<Value> { v.iter().map(|&(x, t)| json!({ "multiple": x, "time_s": t })).collect() };
    meta(json!({
        "type": "breaker", "kind": "mccb", "frame_a": 100, "ratings_a": [50, 75, 100], "icu_230v_ka": 50,
        "trip": {
            "form": "thermal_magnetic", "instantaneous_multiple": 10, "instantaneous_tolerance": 0.2,
            "long_time": {
                "min": m(&[(1.05, 3600.0), (1.3, 1200.0), (1.5, 300.0), (2.0, 90.0), (3.0, 36.0), (5.0, 11.0), (7.0, 5.4), (10.0, 2.5)]),
                "max": m(&[(1.3, 7200.0), (1.5, 1000.0), (2.0, 360.0), (3.0, 144.0), (5.0, 43.0), (7.0, 21.0), (10.0, 10.0)])
            }
        }
    }))
}

#[test]
fn sound_items_of_every_kind_pass() {
    for v in [
        relay(),
        fuse(),
        breaker(),
        meta(json!({ "type": "relay", "curve": "ei", "characteristic": { "form": "standard" } })),
        meta(json!({ "type": "relay", "curve": "iec_si", "characteristic": { "form": "equation", "k": 0.14, "alpha": 0.02, "c": 0 } })),
        meta(json!({ "type": "breaker", "kind": "acb", "frame_a": 1600, "ratings_a": [1600], "icu_230v_ka": 65,
            "trip": { "form": "electronic", "lt_pickup_min": 1.05, "lt_pickup_max": 1.2, "lt_time_tolerance": 0.2, "pickup_tolerance": 0.1 } })),
        meta(json!({ "type": "cable", "cable_type": "CVT", "voltage_class_v": 6600, "size_mm2": 38, "r_ohm_per_km": 0.491, "x_ohm_per_km": 0.12,
            "c_uf_per_km": 0.32, "withstand_k": 134, "ampacity_a": 170 })),
        meta(json!({ "type": "transformer", "phases": "three", "rated_kva": 500, "primary_v": 6600, "secondary_v": 210, "r_percent": 1.2, "x_percent": 4.0 })),
    ] {
        assert_eq!(errors(&v), vec![], "{v}");
    }
}

#[test]
fn points_must_fall_in_time_as_current_rises() {
    // Time rising: point 4 (5 ×) at 13 s after point 3 (3 ×) at 12 s.
    let mut v = relay();
    v["device"]["characteristic"]["points"][4]["time_s"] = json!(13.0);
    one(&v, "/device/characteristic/points/4/time_s", "not_monotone");
    // Equal times are refused too (strictly monotone).
    v["device"]["characteristic"]["points"][4]["time_s"] = json!(12.0);
    one(&v, "/device/characteristic/points/4/time_s", "not_monotone");
    // Current not rising: 2.9 × after 3 ×.
    let mut v = relay();
    v["device"]["characteristic"]["points"][4]["multiple"] = json!(2.9);
    one(&v, "/device/characteristic/points/4/multiple", "not_monotone");
}

#[test]
fn currents_and_times_must_be_physically_sensible() {
    // Below 1 ms.
    let mut v = fuse();
    v["device"]["ratings"][0]["clearing"][9]["time_s"] = json!(TIME_RANGE_S.0 / 2.0);
    one(&v, "/device/ratings/0/clearing/9/time_s", "out_of_range");
    // A negative current.
    let mut v = fuse();
    v["device"]["ratings"][0]["melting"][0]["current_a"] = json!(-100.0);
    assert!(errors(&v).contains(&("/device/ratings/0/melting/0/current_a".into(), "out_of_range".into())));
    // A multiple of 1 (nothing operates at its own setting).
    let mut v = relay();
    v["device"]["characteristic"]["points"][0]["multiple"] = json!(1.0);
    one(&v, "/device/characteristic/points/0/multiple", "out_of_range");
    // Not-a-number cannot come through JSON; through the Rust type it is refused as well.
    let mut it = item(&relay());
    if let domain::library::company::CompanyDevice::Relay(r) = &mut it.device {
        if let domain::library::company::RelayCharacteristic::Points(p) = &mut r.characteristic {
            p.points[2].time_s = f64::NAN;
        }
    }
    let e: Vec<String> = validate_item(&it).into_iter().map(|e| e.pointer).collect();
    assert_eq!(e, vec!["/device/characteristic/points/2/time_s"]);
}

#[test]
fn points_must_be_dense_enough_to_interpolate() {
    // Removing 150 A and 200 A leaves 100 A → 300 A: 0.48 decades, still within the
    // 0.5-decade gap; removing 300 A as well makes 100 A → 400 A a 0.60-decade gap.
    assert!(MAX_GAP_DECADES < (400f64 / 100.0).log10());
    let mut v = fuse();
    for name in ["allowable", "melting", "clearing"] {
        let a = v["device"]["ratings"][0][name].as_array_mut().unwrap();
        a.drain(1..4);
    }
    let got = errors(&v);
    assert!(got.contains(&("/device/ratings/0/melting/1/current_a".into(), "too_sparse".into())), "{got:?}");

    // Count: 1.5 × … 20 × tap spans 1.12 decades, so MIN_POINTS_PER_DECADE = 3 intervals per
    // decade need ⌈3.37⌉ + 1 = 5 points; four points with gaps under half a decade (0.37,
    // 0.39, 0.37) are still refused.
    assert_eq!(MIN_POINTS_PER_DECADE, 3.0);
    let mut v = meta(json!({ "type": "relay", "curve": "ei", "characteristic": { "form": "points", "points": [
        { "multiple": 1.5, "time_s": 60 }, { "multiple": 3.5, "time_s": 6 }, { "multiple": 8.5, "time_s": 1 }, { "multiple": 20, "time_s": 0.25 } ] } }));
    one(&v, "/device/characteristic/points", "too_sparse");
    // One more point makes five.
    v["device"]["characteristic"]["points"].as_array_mut().unwrap().insert(2, json!({ "multiple": 5.5, "time_s": 2.5 }));
    assert_eq!(errors(&v), vec![]);
}

#[test]
fn a_relay_curve_must_cover_one_and_a_half_to_twenty_times() {
    // Starting at 2 × leaves 1 … 2 × tap without a curve.
    let mut v = relay();
    v["device"]["characteristic"]["points"].as_array_mut().unwrap().drain(0..2);
    one(&v, "/device/characteristic/points", "curve_span_too_short");
    // Ending at 10 × would hold 1 s flat up to 20 × where the relay takes 0.3 s.
    let mut v = relay();
    v["device"]["characteristic"]["points"].as_array_mut().unwrap().pop();
    one(&v, "/device/characteristic/points", "curve_span_too_short");
}

#[test]
fn fuse_curves_must_be_ordered_allowable_melting_clearing() {
    // Allowable above melting at 150 A: the allowable point (160 A, 12 s) moved to 40 s…
    // at 150 A allowable (log-log between 120 A 40 s and 160 A) is no longer below melting.
    let mut v = fuse();
    v["device"]["ratings"][0]["allowable"][1]["time_s"] = json!(290.0);
    one(&v, "/device/ratings/0/melting", "bands_out_of_order");

    // Clearing faster than melting at 400 A: 1.1 s < 1.2 s.
    let mut v = fuse();
    v["device"]["ratings"][0]["clearing"][4]["time_s"] = json!(1.1);
    one(&v, "/device/ratings/0/clearing", "bands_out_of_order");

    // A clearing curve that starts at a higher current than melting is the catalogue's
    // chart cut at its top time: accepted, as long as it lies above melting where it exists.
    let mut v = fuse();
    v["device"]["ratings"][0]["clearing"].as_array_mut().unwrap().remove(0);
    assert_eq!(errors(&v), vec![]);
    // Melting that starts at a higher current than allowable is the same; but an allowable
    // curve starting to the right of melting leaves currents where the fuse melts with no
    // allowable limit at all, and the allowable edge must lie left of melting: refused.
    let mut v = fuse();
    v["device"]["ratings"][0]["allowable"].as_array_mut().unwrap().drain(0..2);
    one(&v, "/device/ratings/0/melting", "bands_out_of_order");

    // A curve that starts at the rated current (a fuse carries it indefinitely).
    let mut v = fuse();
    v["device"]["ratings"][0]["rating_a"] = json!(100);
    let got = errors(&v);
    assert!(got.contains(&("/device/ratings/0/melting/0/current_a".into(), "below_rating".into())), "{got:?}");

    // Two curves for one rating.
    let mut v = fuse();
    let r = v["device"]["ratings"][0].clone();
    v["device"]["ratings"].as_array_mut().unwrap().push(r);
    one(&v, "/device/ratings/1/rating_a", "duplicate_rating");
}

#[test]
fn breaker_band_edges_must_be_ordered() {
    // The max edge below the min edge at 10 × In: 2.0 s < 2.5 s.
    let mut v = breaker();
    v["device"]["trip"]["long_time"]["max"][6]["time_s"] = json!(2.0);
    one(&v, "/device/trip/long_time/max", "bands_out_of_order");
    // A rated current above the frame.
    let mut v = breaker();
    v["device"]["ratings_a"][2] = json!(125);
    one(&v, "/device/ratings_a/2", "out_of_range");
    // Electronic pickup band inverted.
    let mut v = meta(json!({ "type": "breaker", "kind": "acb", "frame_a": 1600, "ratings_a": [1600], "icu_230v_ka": 65,
        "trip": { "form": "electronic", "lt_pickup_min": 1.2, "lt_pickup_max": 1.05, "lt_time_tolerance": 0.2, "pickup_tolerance": 0.1 } }));
    one(&v, "/device/trip/lt_pickup_max", "bands_out_of_order");
    v["device"]["trip"]["lt_pickup_max"] = json!(1.25);
    assert_eq!(errors(&v), vec![]);
}

#[test]
fn item_identity_is_required() {
    let mut v = relay();
    v["id"] = json!("has space");
    v["version"] = json!(0);
    v["maker"] = json!(" ");
    v["revision"] = json!("rev\u{202E}");
    let got = errors(&v);
    for (p, c) in [("/id", "invalid_id"), ("/version", "out_of_range"), ("/maker", "empty"), ("/revision", "control_character")] {
        assert!(got.contains(&(p.to_string(), c.to_string())), "{p} {c}: {got:?}");
    }
}

#[test]
fn an_equation_relay_must_give_sensible_times() {
    // k = 0.0001 s with α = 2 gives 33 µs at 2 ×: below the 1 ms floor.
    let v = meta(json!({ "type": "relay", "curve": "ei", "characteristic": { "form": "equation", "k": 0.0001, "alpha": 2, "c": 0 } }));
    one(&v, "/device/characteristic", "curve_out_of_range");
}

mod properties {
    //! Whatever numbers an item holds, validation never panics, and an item it accepts always
    //! gives the engine usable curves: validation is the only gate before the studies.
    use super::*;
    use domain::library::company::{BreakerSettings, CompanyDevice};
    use proptest::prelude::*;

    /// Any number, hostile ones often.
    fn number() -> impl Strategy<Value = f64> {
        prop_oneof![
            4 => 0.001f64..10_000.0,
            1 => any::<f64>(),
            1 => Just(f64::NAN),
            1 => Just(f64::INFINITY),
            1 => Just(-1.0),
            1 => Just(0.0),
        ]
    }

    /// Curves that are often sound: rising currents, falling times, with an occasional
    /// hostile number.
    fn curve() -> impl Strategy<Value = Vec<(f64, f64)>> {
        (1.05f64..200.0, 1.0f64..5_000.0, proptest::collection::vec((1.05f64..2.2, 0.3f64..0.95, number(), 0u8..20), 1..12)).prop_map(
            |(x0, t0, steps)| {
                let (mut x, mut t) = (x0, t0);
                let mut v = vec![(x, t)];
                for (rx, rt, wild, pick) in steps {
                    x *= rx;
                    t *= rt;
                    // One step in twenty carries a hostile number.
                    v.push(if pick == 0 { (wild, t) } else if pick == 1 { (x, wild) } else { (x, t) });
                }
                v
            },
        )
    }

    fn tc(v: &[(f64, f64)]) -> Vec<domain::model::TimeCurrentPoint> {
        v.iter().map(|&(i, t)| domain::model::TimeCurrentPoint { current_a: i, time_s: t }).collect()
    }

    fn mp(v: &[(f64, f64)]) -> Vec<domain::library::company::MultiplePoint> {
        v.iter().map(|&(m, t)| domain::library::company::MultiplePoint { multiple: m, time_s: t }).collect()
    }

    proptest! {
        #[test]
        fn an_accepted_fuse_gives_ordered_bands(
            m in curve(), gap in 1.0f64..1.6, extra in 1.0f64..1.5, pick in 0u8..10, wild in number(), frac in 0.3f64..0.95,
        ) {
            // Mostly a rating below the curve's first current, sometimes any number.
            let rating = if pick == 0 { wild } else { m[0].0 * frac };
            let mut it = item(&fuse());
            if let CompanyDevice::Fuse(f) = &mut it.device {
                f.ratings[0].rating_a = rating;
                f.ratings[0].melting = tc(&m);
                f.ratings[0].allowable = tc(&m.iter().map(|&(i, t)| (i / gap, t)).collect::<Vec<_>>());
                f.ratings[0].clearing = tc(&m.iter().map(|&(i, t)| (i, t * extra)).collect::<Vec<_>>());
            }
            let accepted = validate_item(&it).is_empty();
            if let (true, CompanyDevice::Fuse(f)) = (accepted, &it.device) {
                let curves = f.curves(rating).expect("an accepted fuse has curves");
                for w in m.windows(2) {
                    let i = (w[0].0 * w[1].0).sqrt();
                    let band = curves.band(i);
                    prop_assert!(band.min_s <= band.max_s && band.max_s.is_finite(), "{i} A: {band:?}");
                    prop_assert!(curves.allowable_at(i) < curves.melting.time_at(i));
                }
            }
        }

        #[test]
        fn an_accepted_relay_or_breaker_gives_a_curve(pts in curve(), rated in number()) {
            let scaled: Vec<(f64, f64)> = pts.iter().map(|&(x, t)| (x / pts[0].0 * 1.2, t)).collect();
            let mut it = item(&relay());
            if let CompanyDevice::Relay(r) = &mut it.device {
                r.characteristic = domain::library::company::RelayCharacteristic::Points(domain::library::company::RelayPoints { points: mp(&scaled) });
            }
            if let (true, CompanyDevice::Relay(r)) = (validate_item(&it).is_empty(), &it.device) {
                prop_assert!(matches!(r.time_element(), Ok((_, Some(_)))));
            }
            let mut it = item(&breaker());
            if let CompanyDevice::Breaker(b) = &mut it.device {
                if let domain::library::company::CompanyTrip::ThermalMagnetic(t) = &mut b.trip {
                    let band = t.long_time.as_mut().unwrap();
                    band.min = mp(&scaled);
                    band.max = mp(&scaled.iter().map(|&(x, t)| (x * 1.2, t * 3.0)).collect::<Vec<_>>());
                }
            }
            if let (true, CompanyDevice::Breaker(b)) = (validate_item(&it).is_empty(), &it.device) {
                let settings = BreakerSettings::ThermalMagnetic { rated_a: 100.0, instantaneous_multiple: None };
                prop_assert!(b.trip(settings).is_some());
            }
            // Hostile device settings are refused by the conversion, never a panic.
            if let CompanyDevice::Breaker(b) = &it.device {
                let _ = b.trip(BreakerSettings::ThermalMagnetic { rated_a: rated, instantaneous_multiple: Some(rated) });
            }
        }
    }
}

#[test]
fn an_item_parsed_from_json_is_checked_whole() {
    use domain::validate::parse_company_item;
    let good = parse_company_item(&relay().to_string()).expect("sound item");
    assert_eq!((good.id.as_str(), good.version), ("acme.x", 3));
    let codes = |text: &str| -> Vec<(String, String)> {
        parse_company_item(text).expect_err("refused").into_iter().map(|e| (e.pointer, e.code)).collect()
    };
    // Syntax, structure (pointed into the tagged device), then values.
    assert_eq!(codes("{"), vec![(String::new(), "json_syntax".to_string())]);
    let mut v = fuse();
    v["device"]["ratings"][0]["melting"][2]["current_a"] = json!("200 A");
    assert_eq!(codes(&v.to_string()), vec![("/device/ratings/0/melting/2/current_a".to_string(), "invalid_type".to_string())]);
    let mut v = fuse();
    v["device"]["ratings"][0]["melting"][2]["current_a"] = json!(140);
    assert_eq!(codes(&v.to_string()), vec![("/device/ratings/0/melting/2/current_a".to_string(), "not_monotone".to_string())]);
}
