//! Lightning arresters and earthing (`docs/rules/earthing.md`): each rule passes on the CB
//! sample and fails on the sample with one mistake; limits by hand from 電気設備技術基準の解釈
//! 第17条 and JIS C 4608. Ratios are compared to 1e-9 relative unless stated.

use domain::checks::earthing::EarthingSettings;
use domain::checks::Status;
use serde_json::json;

mod mutate;
use mutate::{device, find, fixture, margin, run};

fn close(a: f64, b: f64) -> bool {
    (a / b - 1.0).abs() < 1e-9
}

#[test]
fn every_earthing_of_the_sample_is_within_its_class() {
    let a = run(&fixture("cb_multi.json"));
    // A 8 Ω ≤ 10 Ω; B 15 Ω ≤ 150 / 7 A = 21.43 Ω; C 6 Ω ≤ 10 Ω; D 40 Ω ≤ 100 Ω.
    for (id, limit, r) in [("EA", 10.0, 8.0), ("EB", 150.0 / 7.0, 15.0), ("EC", 10.0, 6.0), ("ED", 100.0, 40.0)] {
        let c = find(&a, "earthing_resistance", &[id]);
        assert_eq!(c.status, Status::Pass, "{id}: {}", c.message_en);
        assert!(close(margin(c), limit / r), "{id}: {}", margin(c));
    }
}

#[test]
fn a_class_b_earthing_above_150_over_i1_fails_unless_the_high_voltage_side_trips_fast() {
    // 25 Ω against 150 / 7 = 21.43 Ω: 0.857.
    let mut v = fixture("cb_multi.json");
    device(&mut v, "EB")["resistance_ohm"] = json!(25);
    let c = find(&run(&v), "earthing_resistance", &["EB"]).clone();
    assert_eq!(c.status, Status::Fail, "{}", c.message_en);
    assert!(close(margin(&c), 150.0 / 7.0 / 25.0));
    // With the high-voltage side disconnected within 2 s: 300 / 7 = 42.86 Ω; within 1 s:
    // 600 / 7 = 85.71 Ω.
    for (t, volts) in [(1.5, 300.0), (2.0, 300.0), (1.0, 600.0), (0.2, 600.0), (2.5, 150.0)] {
        device(&mut v, "EB")["disconnection_time_s"] = json!(t);
        let c = find(&run(&v), "earthing_resistance", &["EB"]).clone();
        assert!(close(margin(&c), volts / 7.0 / 25.0), "{t} s: {}", margin(&c));
        assert_eq!(c.status, if volts > 150.0 { Status::Pass } else { Status::Fail }, "{t} s: {}", c.message_en);
    }
}

#[test]
fn class_a_c_and_d_limits_and_the_half_second_relaxation() {
    // Exactly at the limit passes; above it fails.
    let mut v = fixture("cb_multi.json");
    device(&mut v, "EA")["resistance_ohm"] = json!(10);
    assert_eq!(find(&run(&v), "earthing_resistance", &["EA"]).status, Status::Pass);
    device(&mut v, "EA")["resistance_ohm"] = json!(10.5);
    let c = find(&run(&v), "earthing_resistance", &["EA"]).clone();
    assert_eq!(c.status, Status::Fail, "{}", c.message_en);
    assert!(close(margin(&c), 10.0 / 10.5));
    // D at 150 Ω fails (100 Ω) unless ground faults are cleared within 0.5 s (500 Ω).
    let mut v = fixture("cb_multi.json");
    device(&mut v, "ED")["resistance_ohm"] = json!(150);
    assert_eq!(find(&run(&v), "earthing_resistance", &["ED"]).status, Status::Fail);
    device(&mut v, "ED")["disconnection_time_s"] = json!(0.5);
    let c = find(&run(&v), "earthing_resistance", &["ED"]).clone();
    assert_eq!(c.status, Status::Pass, "{}", c.message_en);
    assert!(close(margin(&c), 500.0 / 150.0));
    device(&mut v, "ED")["disconnection_time_s"] = json!(0.6);
    assert_eq!(find(&run(&v), "earthing_resistance", &["ED"]).status, Status::Fail);
    // C at 12 Ω fails (10 Ω).
    let mut v = fixture("cb_multi.json");
    device(&mut v, "EC")["resistance_ohm"] = json!(12);
    let c = find(&run(&v), "earthing_resistance", &["EC"]).clone();
    assert_eq!(c.status, Status::Fail);
    assert!(close(margin(&c), 10.0 / 12.0));
}

#[test]
fn the_arrester_is_rated_for_the_system_and_earthed_class_a() {
    let a = run(&fixture("cb_multi.json"));
    // 8.4 kV on 6.6 kV (8 400 / (6 600 × 8 400/6 600) = 1), 2.5 kA of 2.5 kA, bonded to EA.
    let c = find(&a, "la_rating", &["LA1", "EA"]);
    assert_eq!(c.status, Status::Pass, "{}", c.message_en);
    assert!(close(margin(c), 1.0), "{}", margin(c));
    // The default ratio gives 4.2 kV on a 3.3 kV system as well (JIS C 4608).
    assert!((EarthingSettings::default().la_rated_voltage_ratio * 3300.0 - 4200.0).abs() < 1e-9);
}

#[test]
fn an_arrester_rated_below_the_system_or_not_earthed_class_a_fails() {
    // A 6.9 kV arrester on 6.6 kV: 6 900 / 8 400 = 0.821.
    let mut v = fixture("cb_multi.json");
    device(&mut v, "LA1")["rated_voltage_v"] = json!(6900);
    let c = find(&run(&v), "la_rating", &["LA1", "EA"]).clone();
    assert_eq!(c.status, Status::Fail, "{}", c.message_en);
    assert!(close(margin(&c), 6900.0 / 8400.0));
    // 2 kA nominal discharge current: 0.8.
    let mut v = fixture("cb_multi.json");
    device(&mut v, "LA1")["nominal_discharge_current_ka"] = json!(2);
    let c = find(&run(&v), "la_rating", &["LA1", "EA"]).clone();
    assert_eq!(c.status, Status::Fail, "{}", c.message_en);
    assert!(close(margin(&c), 0.8));
    // Bonded to the class D earthing instead of A: fails, naming it.
    let mut v = fixture("cb_multi.json");
    device(&mut v, "EA")["devices"] = json!(["DS1", "VT1", "VCB_MAIN"]);
    device(&mut v, "ED")["devices"] = json!(["VCT", "VT1", "M1", "LA1"]);
    let c = find(&run(&v), "la_rating", &["LA1", "ED"]).clone();
    assert_eq!(c.status, Status::Fail, "{}", c.message_en);
    assert!(c.message_en.contains("is not class A"), "{}", c.message_en);
    // Bonded to no earthing at all: a warning that says class A is required.
    let mut v = fixture("cb_multi.json");
    device(&mut v, "EA")["devices"] = json!(["DS1", "VT1", "VCB_MAIN"]);
    let c = find(&run(&v), "la_rating", &["LA1"]).clone();
    assert_eq!(c.status, Status::Warning, "{}", c.message_en);
    assert!(c.message_en.contains("class A is required"), "{}", c.message_en);
}
