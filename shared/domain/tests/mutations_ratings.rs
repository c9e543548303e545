//! Mutation suite for the rating and motor-starting rules: for each rule, mistakes of its
//! kind are generated over the samples of `tests/fixtures/` (a fuse, switch or breaker rated
//! at a random fraction below what it carries; a load, transformer or motor scaled up beyond
//! its device; a rated current off its frame's steps; a motor start made longer or larger
//! until it crosses the band above it) and the rule must fail, naming the device.
//!
//! The thresholds each generator crosses are computed here from first principles (rated
//! currents from kVA, kW and kvar), not read back from the engine. 24 cases per property.

use domain::checks::Status;
use proptest::prelude::*;
use serde_json::Value;

mod mutate;
use mutate::{fixture, device as dev, run};

const SQRT3: f64 = 1.732_050_807_568_877_2;




/// The rule's result for exactly these devices is a failure.
fn fails(v: &Value, rule: &str, devices: &[&str]) -> Result<(), TestCaseError> {
    let a = run(v);
    let c = a.checks.iter().find(|c| c.rule == rule && c.devices == devices);
    prop_assert!(c.is_some(), "no {} {:?}", rule, devices);
    let c = c.unwrap();
    prop_assert_eq!(c.status, Status::Fail, "{}", c.message_en);
    Ok(())
}

/// Three-phase current at 6.6 kV, A.
fn hv(kva: f64) -> f64 {
    kva * 1000.0 / (SQRT3 * 6600.0)
}

/// A 6.6 kV capacitor bank with a 6 % reactor, A.
fn cap(kvar: f64) -> f64 {
    hv(kvar) / 0.94
}

const PF_RATINGS: [f64; 14] = [3.0, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0, 75.0, 100.0, 125.0, 150.0, 200.0];

/// (sample, fuse id, current it must carry by its type).
fn fuses() -> Vec<(&'static str, &'static str, f64)> {
    vec![
        // T main: 200 kVA 3φ + 100 kVA 1φ + 50 kvar × 1.35.
        ("pfs_300kva.json", "LBS_MAIN", hv(200.0) + 100_000.0 / 6600.0 + 1.35 * cap(50.0)),
        // C fuses: the banks' rated current.
        ("pfs_300kva.json", "PF_SC", cap(50.0)),
        ("cb_multi.json", "PF_SC", cap(150.0)),
        // T feeder: 1φ 150 kVA.
        ("cb_multi.json", "PF_TR3", 150_000.0 / 6600.0),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn pf_rated_below_what_it_carries_fails(which in 0usize..4, pick in any::<prop::sample::Index>()) {
        let (sample, id, need) = fuses()[which];
        let below: Vec<f64> = PF_RATINGS.iter().copied().filter(|&r| r < need).collect();
        let rating = below[pick.index(below.len())];
        let mut v = fixture(sample);
        dev(&mut v, id)["fuse"]["rating_a"] = rating.into();
        fails(&v, "pf_rating", &[id])?;
    }

    #[test]
    fn g_fuse_below_the_capacitor_table_fails(which in 0usize..2, pick in any::<prop::sample::Index>()) {
        // Hitachi 7.2 kV single-bank table: 50 kvar → G 20 A, 150 kvar → G 40 A.
        let (sample, table) = [("pfs_300kva.json", 20.0), ("cb_multi.json", 40.0)][which];
        let below: Vec<f64> = PF_RATINGS.iter().copied().filter(|&r| r < table).collect();
        let rating = below[pick.index(below.len())];
        let mut v = fixture(sample);
        let f = &mut dev(&mut v, "PF_SC")["fuse"];
        f["fuse_type"] = "G".into();
        f["rating_a"] = rating.into();
        fails(&v, "pf_selection", &["PF_SC"])?;
    }

    #[test]
    fn switch_rated_below_what_it_carries_fails(which in 0usize..3, fraction in 0.05f64..0.99) {
        let (sample, id, need) = [
            ("pfs_300kva.json", "LBS_MAIN", hv(200.0) + 100_000.0 / 6600.0 + 1.35 * cap(50.0)),
            ("cb_multi.json", "PF_TR3", 150_000.0 / 6600.0),
            ("cb_multi.json", "PF_SC", 1.35 * cap(150.0)),
        ][which];
        let mut v = fixture(sample);
        dev(&mut v, id)["rated_current_a"] = (fraction * need).into();
        fails(&v, "lbs_rating", &[id])?;
    }

    #[test]
    fn vcb_rated_below_what_it_carries_fails(which in 0usize..4, fraction in 0.05f64..0.99) {
        let (sample, id, need) = [
            ("case_b.json", "VCB1", hv(500.0)),
            ("cb_multi.json", "VCB_TR1", hv(500.0)),
            ("cb_multi.json", "VCB_TR2", hv(750.0)),
            // Installed capacity, not the contract demand, for the breaker's own rating.
            ("cb_multi.json", "VCB_MAIN", hv(500.0) + hv(750.0) + 150_000.0 / 6600.0 + 1.35 * cap(150.0)),
        ][which];
        let mut v = fixture(sample);
        dev(&mut v, id)["rated_current_a"] = (fraction * need).into();
        fails(&v, "vcb_rating", &[id])?;
    }

    #[test]
    fn transformer_beyond_its_feeder_relay_pickup_fails(which in 0usize..2, over in 1.001f64..3.0) {
        // VCB_TR1 picks up at 3.5 × 15 = 52.5 A, VCB_TR2 at 5 × 15 = 75 A: a transformer whose
        // rated current exceeds it.
        let (id, tr, pickup) = [("VCB_TR1", "TR1", 52.5), ("VCB_TR2", "TR2", 75.0)][which];
        let kva = over * pickup * SQRT3 * 6600.0 / 1000.0;
        let mut v = fixture("cb_multi.json");
        dev(&mut v, tr)["rated_kva"] = kva.into();
        fails(&v, "ocr_pickup", &[id])?;
    }

    #[test]
    fn load_beyond_its_lv_breaker_fails(which in 0usize..3, over in 1.001f64..2.5) {
        let mut v = fixture(["cb_multi.json", "pfs_300kva.json", "cb_multi.json"][which]);
        let id = match which {
            0 => {
                // ACB2 Ir 1 000 A at 420 V.
                dev(&mut v, "L2")["rated_kva"] = (over * 1000.0 * SQRT3 * 420.0 / 1000.0).into();
                "ACB2"
            }
            1 => {
                // MCCB_L 400 A on the single-phase 210 V bus.
                dev(&mut v, "L1")["rated_kva"] = (over * 400.0 * 210.0 / 1000.0).into();
                "MCCB_L"
            }
            _ => {
                // MCCB1 200 A: motor kW = I · √3 · 200 V · 0.9 · 0.85.
                dev(&mut v, "M1")["rated_kw"] = (over * 200.0 * SQRT3 * 200.0 * 0.9 * 0.85 / 1000.0).into();
                "MCCB1"
            }
        };
        fails(&v, "lv_breaker_rating", &[id])?;
    }

    #[test]
    fn rated_current_off_the_frame_steps_fails(rated in 1u32..225) {
        let steps = [100, 125, 150, 175, 200, 225];
        prop_assume!(!steps.contains(&rated));
        // Without a library reference (with one, validation already refuses a rating the
        // frame is not made in: `mutations_input.rs`).
        let mut v = fixture("cb_multi.json");
        dev(&mut v, "MCCB1").as_object_mut().unwrap().remove("library_ref");
        dev(&mut v, "MCCB1")["rated_current_a"] = rated.into();
        fails(&v, "lv_breaker_frame", &["MCCB1"])?;
    }

    #[test]
    fn load_beyond_its_cable_fails(over in 1.001f64..1.3) {
        // C_LV2: CV 325 mm², 555 A (JCS 0168-2); L2 scaled past it (still under ACB2's 1 000 A).
        let mut v = fixture("cb_multi.json");
        dev(&mut v, "L2")["rated_kva"] = (over * 555.0 * SQRT3 * 420.0 / 1000.0).into();
        fails(&v, "cable_ampacity", &["C_LV2"])?;
    }

    #[test]
    fn start_longer_than_the_breaker_allows_fails(time in 14.0f64..120.0) {
        // MCCB1's earliest long-time operation at 1 019 A is 13.86 s.
        let mut v = fixture("cb_multi.json");
        dev(&mut v, "M1")["starting_time_s"] = time.into();
        fails(&v, "motor_start", &["MCCB1", "M1"])?;
    }

    #[test]
    fn starting_current_into_the_instantaneous_fails(multiple in 6.3f64..15.0) {
        // 1.5 × multiple × 169.8 A above 1 600 A (10 × 200 A − 20 %) from 6.28 ×.
        let mut v = fixture("cb_multi.json");
        dev(&mut v, "M1")["starting_current_multiple"] = multiple.into();
        fails(&v, "motor_start_instantaneous", &["MCCB1", "M1"])?;
    }
}
