//! Relay times against the formulas and the table of docs/engineering.md §1.
//!
//! Two references: the closed-form expressions written out independently here (agreement
//! 1e-6 relative), and the printed table (rounded to four significant figures, so 5e-4).

use domain::curves::{CurveFamily, OvercurrentRelay, RelayTolerance};

const MULTIPLES: [f64; 6] = [2.0, 3.0, 5.0, 7.0, 10.0, 20.0];

fn relay(family: CurveFamily, dial: f64) -> OvercurrentRelay {
    OvercurrentRelay::from_family(family, dial, Some(100.0), None, RelayTolerance::default()).expect("valid relay")
}

fn rel(a: f64, b: f64) -> f64 {
    ((a - b) / b).abs()
}

#[test]
fn jis_curves_match_their_formulas_at_every_table_point_and_lever() {
    for lever in [0.25, 1.0, 2.0, 5.0, 10.0, 20.0] {
        for m in MULTIPLES {
            let i = 100.0 * m;
            let d = lever / 10.0;
            let cases = [
                (CurveFamily::JisEi, 80.0 / (m * m - 1.0) * d),
                (CurveFamily::JisVi, 13.5 / (m - 1.0) * d),
                (CurveFamily::JisNi, 0.14 / (m.powf(0.02) - 1.0) * d),
                (CurveFamily::JisDt, 2.0 * d),
            ];
            for (family, expected) in cases {
                let t = relay(family, lever).nominal(i);
                assert!(rel(t, expected) < 1e-6, "{family:?} lever {lever} M {m}: {t} vs {expected}");
            }
        }
    }
}

#[test]
fn lever_10_reproduces_the_printed_table() {
    let table: [(CurveFamily, [f64; 6]); 3] = [
        (CurveFamily::JisEi, [26.67, 10.00, 3.333, 1.667, 0.8081, 0.2005]),
        (CurveFamily::JisVi, [13.50, 6.750, 3.375, 2.250, 1.500, 0.7105]),
        (CurveFamily::JisNi, [10.03, 6.302, 4.280, 3.528, 2.971, 2.267]),
    ];
    for (family, row) in table {
        let r = relay(family, 10.0);
        for (m, printed) in MULTIPLES.iter().zip(row) {
            let t = r.nominal(100.0 * m);
            assert!(rel(t, printed) < 5e-4, "{family:?} M {m}: {t} vs printed {printed}");
        }
    }
}

#[test]
fn iec_and_ieee_families_match_their_constants() {
    // (family, k, alpha, c) from the §1 table, TMS used as is.
    let constants = [
        (CurveFamily::IecSi, 0.14, 0.02, 0.0),
        (CurveFamily::IecVi, 13.5, 1.0, 0.0),
        (CurveFamily::IecEi, 80.0, 2.0, 0.0),
        (CurveFamily::IecLti, 120.0, 1.0, 0.0),
        (CurveFamily::IeeeMi, 0.0515, 0.02, 0.1140),
        (CurveFamily::IeeeVi, 19.61, 2.0, 0.491),
        (CurveFamily::IeeeEi, 28.2, 2.0, 0.1217),
    ];
    for (family, k, alpha, c) in constants {
        for tms in [0.05, 0.1, 0.5, 1.0] {
            let r = relay(family, tms);
            for m in MULTIPLES {
                let expected = tms * (k / (f64::powf(m, alpha) - 1.0) + c);
                let t = r.nominal(100.0 * m);
                assert!(rel(t, expected) < 1e-6, "{family:?} TMS {tms} M {m}: {t} vs {expected}");
            }
        }
    }
}

#[test]
fn curve_is_flat_above_20_times_pickup_and_silent_at_pickup() {
    let r = relay(CurveFamily::JisEi, 10.0);
    let t20 = 80.0 / 399.0;
    for m in [20.0, 25.0, 50.0, 1000.0] {
        assert!(rel(r.nominal(100.0 * m), t20) < 1e-12);
    }
    assert!(r.nominal(100.0).is_infinite());
    assert!(r.nominal(99.0).is_infinite());
    assert!(r.band(99.0).min_s.is_finite(), "pickup −10 %: may already operate at 0.99 × pickup");
    assert!(r.band(109.0).max_s.is_infinite(), "pickup +10 %: not certain below 1.1 × pickup");
}

#[test]
fn time_band_holds_the_stated_tolerances_at_the_test_points() {
    // At 300 % and 700 % the band is at least ±17 % / ±12 % around nominal.
    let r = relay(CurveFamily::JisEi, 2.0);
    for (m, e) in [(3.0, 0.17), (7.0, 0.12)] {
        let n = r.nominal(100.0 * m);
        let b = r.band(100.0 * m);
        assert!(b.min_s <= n * (1.0 - e) * (1.0 + 1e-12));
        assert!(b.max_s >= n * (1.0 + e) * (1.0 - 1e-12));
    }
}
