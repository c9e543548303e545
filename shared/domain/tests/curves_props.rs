//! Properties every characteristic must have, over random settings and currents:
//! time never increases with current, relay time scales with the lever, and a band's
//! latest time is never earlier than its earliest.

use domain::curves::*;
use domain::library;
use proptest::prelude::*;

fn family() -> impl Strategy<Value = CurveFamily> {
    proptest::sample::select(CurveFamily::ALL.to_vec())
}

fn relay_strategy() -> impl Strategy<Value = OvercurrentRelay> {
    (family(), 0.25f64..20.0, 1.0f64..2000.0, proptest::option::of(1.5f64..50.0), 0.0f64..0.2).prop_map(
        |(f, dial, pickup, inst_mult, breaker)| {
            let inst = inst_mult.map(|k| InstantaneousElement { pickup_a: pickup * k, min_time_s: 0.02, max_time_s: 0.05 });
            let dial = if f.dial() == DialScale::JisLever { dial } else { dial / 10.0 };
            OvercurrentRelay::from_family(f, dial, Some(pickup), inst, RelayTolerance::default())
                .expect("valid")
                .with_breaker_time(breaker)
        },
    )
}

fn fuse_strategy() -> impl Strategy<Value = FuseCurves> {
    (proptest::sample::select(vec![library::PfType::G, library::PfType::T, library::PfType::M, library::PfType::C]), 1.0f64..300.0)
        .prop_map(|(t, r)| library::generic_fuse_curves(t, r).expect("positive rating"))
}

fn breaker_strategy() -> impl Strategy<Value = BreakerTrip> {
    prop_oneof![
        (5.0f64..4000.0, 2.0f64..20.0).prop_map(|(i, m)| library::thermal_magnetic_trip(i, m).expect("valid")),
        (
            100.0f64..4000.0,
            0.4f64..1.0,
            2.0f64..30.0,
            proptest::option::of((1.5f64..10.0, 0.05f64..0.5)),
            proptest::option::of(2.0f64..16.0)
        )
            .prop_map(|(i, lt, tr, st, ii)| library::electronic_trip(library::ElectronicSettings {
                rated_a: i,
                lt_multiple: lt,
                lt_time_s: tr,
                short_time: st,
                i_multiple: ii
            })
            .expect("valid")),
    ]
}

fn tcc_strategy() -> impl Strategy<Value = Tcc> {
    prop_oneof![
        relay_strategy().prop_map(|r| Tcc::new(Characteristic::Relay(r))),
        fuse_strategy().prop_map(|f| Tcc::new(Characteristic::Fuse(f))),
        breaker_strategy().prop_map(|b| Tcc::new(Characteristic::Breaker(b))),
        (0.05f64..2.0, 0.05f64..2.0, any::<bool>()).prop_map(|(p, t, d)| Tcc::new(Characteristic::GroundRelay(GroundRelay {
            pickup_a: p,
            time_s: t,
            directional: d,
            pickup_tolerance: 0.1,
            time_tolerance: 0.1
        }))),
        (50.0f64..300.0, 8.0f64..325.0).prop_map(|(k, s)| Tcc::new(Characteristic::CableWithstand(CableWithstand { k, size_mm2: s }))),
    ]
}

fn currents() -> impl Strategy<Value = (f64, f64)> {
    (-2.0f64..6.0, 0.0f64..3.0).prop_map(|(a, d)| (10f64.powf(a), 10f64.powf(a + d)))
}

fn nonincreasing(t1: f64, t2: f64) -> bool {
    // t at the higher current is not above t at the lower (infinite allowed at both).
    t2 <= t1 || (t1.is_infinite() && t2.is_infinite()) || (t2 - t1) <= 1e-12 * t1.abs()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn time_never_increases_with_current(tcc in tcc_strategy(), (i1, i2) in currents(), scale in 0.01f64..10.0) {
        let tcc = tcc.referred(scale);
        let (b1, b2) = (tcc.band(i1), tcc.band(i2));
        prop_assert!(nonincreasing(b1.min_s, b2.min_s), "min {} at {} then {} at {}", b1.min_s, i1, b2.min_s, i2);
        prop_assert!(nonincreasing(b1.max_s, b2.max_s), "max {} at {} then {} at {}", b1.max_s, i1, b2.max_s, i2);
        let (l1, l2) = (tcc.limit_time(i1), tcc.limit_time(i2));
        prop_assert!(nonincreasing(l1, l2));
        if let Characteristic::Relay(r) = &tcc.characteristic {
            prop_assert!(nonincreasing(r.nominal(i1 / scale), r.nominal(i2 / scale)));
        }
        if let Characteristic::Fuse(f) = &tcc.characteristic {
            for c in [&f.allowable, &f.melting, &f.clearing] {
                prop_assert!(nonincreasing(c.time_at(i1 / scale), c.time_at(i2 / scale)));
            }
        }
    }

    #[test]
    fn band_max_is_never_below_band_min(tcc in tcc_strategy(), (i, _) in currents()) {
        let b = tcc.band(i);
        prop_assert!(b.max_s >= b.min_s, "{} < {} at {}", b.max_s, b.min_s, i);
        prop_assert!(b.min_s >= 0.0);
    }

    #[test]
    fn relay_time_scales_with_the_lever(f in family(), dial in 0.25f64..20.0, k in 0.1f64..4.0, m in 1.01f64..100.0) {
        let a = OvercurrentRelay::from_family(f, dial, Some(50.0), None, RelayTolerance::default()).unwrap();
        let b = OvercurrentRelay::from_family(f, dial * k, Some(50.0), None, RelayTolerance::default()).unwrap();
        let (ta, tb) = (a.nominal(50.0 * m), b.nominal(50.0 * m));
        prop_assert!(((tb - k * ta) / (k * ta)).abs() < 1e-9, "{} vs {}·{}", tb, k, ta);
        // The whole band scales too (no breaker time).
        let (ba, bb) = (a.band(50.0 * m), b.band(50.0 * m));
        if ba.min_s.is_finite() { prop_assert!(((bb.min_s - k * ba.min_s) / (k * ba.min_s)).abs() < 1e-9); }
        if ba.max_s.is_finite() { prop_assert!(((bb.max_s - k * ba.max_s) / (k * ba.max_s)).abs() < 1e-9); }
    }

    #[test]
    fn fuse_curves_keep_their_order(f in fuse_strategy(), (i, _) in currents()) {
        let allow = f.allowable_at(i);
        let min_melt = f.minimum_melting(i);
        let melt = f.melting.time_at(i);
        let clear = f.clearing.time_at(i);
        prop_assert!(allow <= min_melt || allow.is_infinite() && min_melt.is_infinite() || min_melt.is_infinite());
        prop_assert!(min_melt <= melt || melt.is_infinite());
        prop_assert!(melt <= clear || clear.is_infinite());
    }

    #[test]
    fn sampling_never_panics_and_keeps_currents_sorted(tcc in tcc_strategy(), lo in -3.0f64..3.0, span in -1.0f64..5.0, n in 0usize..5000) {
        let lines = tcc.sample(10f64.powf(lo), 10f64.powf(lo + span), n);
        for l in lines {
            prop_assert!(l.points.len() <= 2000 + 64);
            for w in l.points.windows(2) {
                prop_assert!(w[0].current_a <= w[1].current_a);
            }
            for p in &l.points {
                prop_assert!(p.time_s.is_finite() && p.time_s > 0.0);
            }
        }
    }

    #[test]
    fn hostile_numbers_never_panic(x in proptest::num::f64::ANY, y in proptest::num::f64::ANY) {
        let _ = PointCurve::new("p", vec![pt(x, y), pt(y, x)]);
        let _ = OvercurrentRelay::from_family(CurveFamily::JisEi, x, Some(y), None, RelayTolerance::default());
        let _ = referral_factor(x, y, true);
        let t = Tcc::new(Characteristic::CableWithstand(CableWithstand { k: 134.0, size_mm2: 38.0 })).referred(x);
        let _ = t.band(y);
        let _ = t.sample(x, y, 10);
        let _ = withstand_time(&[pt(x, y)], y);
        let _ = library::generic_fuse_curves(library::PfType::T, x).map(|f| f.band(y));
        let _ = library::thermal_magnetic_trip(x, y).map(|b| b.band(y));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2048, ..ProptestConfig::default() })]

    /// Currents drawn around the pickup, where tolerances interact (0.5 … 50 × pickup).
    #[test]
    fn relay_bands_fall_with_current_near_pickup(r in relay_strategy(), m1 in 0.5f64..50.0, dm in 1.0f64..1.5) {
        let p = r.pickup_a.unwrap_or(1.0);
        let (b1, b2) = (r.band(p * m1), r.band(p * m1 * dm));
        prop_assert!(nonincreasing(b1.min_s, b2.min_s), "min {} then {} at M {} ×{}", b1.min_s, b2.min_s, m1, dm);
        prop_assert!(nonincreasing(b1.max_s, b2.max_s), "max {} then {} at M {} ×{}", b1.max_s, b2.max_s, m1, dm);
        prop_assert!(b2.max_s >= b2.min_s);
    }
}

/// Distance in decades of (log10 i, log10 t) from the segment a–b on log-log axes.
fn log_distance(i: f64, t: f64, a: &CurvePoint, b: &CurvePoint) -> f64 {
    let (u, v) = (i.log10(), t.log10());
    let (au, av, bu, bv) = (a.current_a.log10(), a.time_s.log10(), b.current_a.log10(), b.time_s.log10());
    let (du, dv) = (bu - au, bv - av);
    let len2 = du * du + dv * dv;
    let k = if len2 > 0.0 { (((u - au) * du + (v - av) * dv) / len2).clamp(0.0, 1.0) } else { 0.0 };
    (u - (au + k * du)).hypot(v - (av + k * dv))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// A line drawn through the chart samples stays within CHART_TOLERANCE_DECADES of the
    /// true curve (evaluated at 48 currents between each two consecutive samples), whatever
    /// the characteristic, its referral and the chart range.
    #[test]
    fn chart_samples_draw_the_true_curve_within_the_tolerance(
        tcc in tcc_strategy(), scale in -2.0f64..2.0, lo in -2.0f64..3.0, span in 1.0f64..6.0, n in 2usize..200
    ) {
        let tcc = tcc.referred(10f64.powf(scale));
        for l in tcc.sample(10f64.powf(lo), 10f64.powf(lo + span), n) {
            for w in l.points.windows(2) {
                prop_assert!(w[0].current_a < w[1].current_a);
                for k in 1..48 {
                    let i = (w[0].current_a.ln() + (w[1].current_a.ln() - w[0].current_a.ln()) * k as f64 / 48.0).exp();
                    let t = tcc.line_time(l.line, i);
                    if t.is_finite() && t > 0.0 {
                        let d = log_distance(i, t, &w[0], &w[1]);
                        prop_assert!(d <= CHART_TOLERANCE_DECADES, "{:?} at {} A: {} decade from the drawn line", l.line, i, d);
                    }
                }
            }
        }
    }
}
