//! Motor starting (`docs/rules/motor_start.md`): the samples' motors start without tripping
//! anything above them, and one deliberate mistake — a longer start, a larger starting
//! current, an instantaneous element set too low, a fuse of the wrong type — fails the rule,
//! naming the device and the motor. Numbers are worked out in the comments.

use domain::checks::{CheckResult, Status};
use serde_json::{json, Value};

mod mutate;
use mutate::{fixture, device as dev, run, find};





fn margin(c: &CheckResult) -> f64 {
    c.worst_margin.and_then(|m| m.value).unwrap()
}

/// cb_multi's 45 kW motor at 200 V: 45 000 / (√3 · 200 · 0.9 · 0.85) = 169.8 A.
fn m1_rated() -> f64 {
    45_000.0 / (3f64.sqrt() * 200.0 * 0.9 * 0.85)
}

#[test]
fn the_samples_motors_start_without_tripping_anything() {
    let a = run(&fixture("cb_multi.json"));
    for up in ["MCCB1", "ACB1", "VCB_TR1", "VCB_MAIN"] {
        let c = find(&a, "motor_start", &[up, "M1"]);
        assert_eq!(c.status, Status::Pass, "{}", c.message_en);
    }
    for up in ["MCCB1", "VCB_TR1", "VCB_MAIN"] {
        let c = find(&a, "motor_start_instantaneous", &[up, "M1"]);
        assert_eq!(c.status, Status::Pass, "{}", c.message_en);
    }
    // MCCB1: 10 × 200 A instantaneous, −20 % → 1 600 A, against 1.5 × 6 × 169.8 = 1 528 A.
    let c = find(&a, "motor_start_instantaneous", &["MCCB1", "M1"]);
    assert!((margin(c) - 1600.0 / (1.5 * 6.0 * m1_rated())).abs() < 1e-9, "{}", margin(c));
    let a = run(&fixture("pfs_300kva.json"));
    for up in ["MCCB_P", "LBS_MAIN"] {
        assert_eq!(find(&a, "motor_start", &[up, "M1"]).status, Status::Pass);
    }
    assert_eq!(find(&a, "motor_start_instantaneous", &["MCCB_P", "M1"]).status, Status::Pass);
}

#[test]
fn a_longer_start_trips_the_lv_breaker_and_the_hv_feeder() {
    // cb_multi M1 starting 6 × 169.8 = 1 019 A. MCCB1 (200 A, thermal-magnetic): the earliest
    // edge of its long-time band at 5.09 × In is 13.86 s (0.03 × 480 s at 5 × In, slope −2.06
    // to 7 × In). The sample's 6 s start passes; a 20 s start fails by about 6.1 s.
    let mut v = fixture("cb_multi.json");
    let before = margin(find(&run(&v), "motor_start", &["MCCB1", "M1"]));
    assert!((before - (13.86 - 6.0)).abs() < 0.05, "{before}");
    dev(&mut v, "M1")["starting_time_s"] = 20.into();
    let a = run(&v);
    let c = find(&a, "motor_start", &["MCCB1", "M1"]);
    assert_eq!(c.status, Status::Fail, "{}", c.message_en);
    assert!((margin(c) - (13.86 - 20.0)).abs() < 0.05, "{}", margin(c));
    // At 6.6 kV the feeder relay VCB_TR1 sees 1 019 × 210/6600 = 32.4 A plus the rest of TR1
    // (43.7 − 5.4 = 38.3 A) = 70.8 A: EI lever 6, pickup 52.5 A − 10 % → M = 1.50, earliest
    // about 80/(1.50² − 1) × 0.6 = 38.6 s: a 20 s start passes it, a 45 s start does not.
    assert_eq!(find(&a, "motor_start", &["VCB_TR1", "M1"]).status, Status::Pass);
    dev(&mut v, "M1")["starting_time_s"] = 45.into();
    let a = run(&v);
    let c = find(&a, "motor_start", &["VCB_TR1", "M1"]);
    assert!((c.worst_margin.and_then(|m| m.value).unwrap() - (38.638 - 45.0)).abs() < 0.01, "{}", c.message_en);
    assert_eq!(c.status, Status::Fail, "{}", c.message_en);
    assert!((c.at_current_a.unwrap() - 70.8).abs() < 0.1, "{}", c.message_en);
    assert!(c.message_en.contains("other loads"), "{}", c.message_en);
}

#[test]
fn a_larger_starting_current_reaches_the_mccb_instantaneous() {
    // 7 × 169.8 = 1 189 A; × 1.5 (asymmetric first cycles) = 1 783 A > 1 600 A → fails.
    let mut v = fixture("cb_multi.json");
    dev(&mut v, "M1")["starting_current_multiple"] = 7.into();
    let c = find(&run(&v), "motor_start_instantaneous", &["MCCB1", "M1"]).clone();
    assert_eq!(c.status, Status::Fail, "{}", c.message_en);
    assert!((margin(&c) - 1600.0 / (1.5 * 7.0 * m1_rated())).abs() < 1e-9);
}

/// A 300 kW 6.6 kV motor (34.3 A, 5 × for `time_s`) behind `protection` on its own feeder.
fn hv_motor_site(protection: Value, time_s: f64) -> Value {
    json!({
        "schema_version": 1, "name": "HV motor",
        "utility": { "bus": "SP", "voltage_v": 6600, "frequency_hz": "50", "short_circuit": { "form": "current", "ik_ka": 12.5, "x_over_r": 10 } },
        "devices": [
            { "type": "bus", "id": "SP", "voltage_v": 6600 },
            { "type": "bus", "id": "MB", "voltage_v": 6600 },
            protection,
            { "type": "motor", "id": "HM", "bus": "MB", "rated_kw": 300, "rated_voltage_v": 6600,
              "starting_current_multiple": 5, "starting_time_s": time_s }
        ]
    })
}

fn vcb(inst_tap: f64) -> Value {
    json!({ "type": "vcb", "id": "VCB_M", "from": "SP", "to": "MB", "rated_current_a": 600, "breaking_capacity_ka": 12.5,
            "ocr": { "curve": "ei", "ct_primary_a": 75, "ct_secondary_a": 5, "tap_a": 4.0, "lever": 5, "instantaneous_tap_a": inst_tap } })
}

#[test]
fn an_hv_relay_set_too_low_for_the_start_fails() {
    // 300 000 / (√3 · 6600 · 0.9 · 0.85) = 34.3 A; start 5 × = 171.5 A. Relay: pickup 4 A ×
    // 75/5 = 60 A (−10 % → 54 A), EI lever 5: earliest 80/((171.5/54)² − 1) × 0.5 = 4.40 s.
    // Instantaneous 40 A × 15 = 600 A, −15 % → 510 A > 1.5 × 171.5 = 257 A.
    let a = run(&hv_motor_site(vcb(40.0), 2.0));
    let c = find(&a, "motor_start", &["VCB_M", "HM"]);
    assert_eq!(c.status, Status::Pass, "{}", c.message_en);
    let start = 5.0 * 300_000.0 / (3f64.sqrt() * 6600.0 * 0.9 * 0.85);
    let earliest = 80.0 / ((start / 54.0).powi(2) - 1.0) * 0.5;
    assert!((margin(c) - (earliest - 2.0)).abs() < 0.01, "{} vs {}", margin(c), earliest - 2.0);
    assert_eq!(find(&a, "motor_start_instantaneous", &["VCB_M", "HM"]).status, Status::Pass);
    // A 5 s start outlasts the 4.40 s → fails.
    let c = find(&run(&hv_motor_site(vcb(40.0), 5.0)), "motor_start", &["VCB_M", "HM"]).clone();
    assert_eq!(c.status, Status::Fail, "{}", c.message_en);
    // Instantaneous 15 A × 15 = 225 A (−15 % → 191 A) is above the symmetrical 171.5 A but
    // below the asymmetric 257 A → only the instantaneous rule fails.
    let a = run(&hv_motor_site(vcb(15.0), 2.0));
    assert_eq!(find(&a, "motor_start", &["VCB_M", "HM"]).status, Status::Pass);
    let c = find(&a, "motor_start_instantaneous", &["VCB_M", "HM"]);
    assert_eq!(c.status, Status::Fail, "{}", c.message_en);
    assert!((margin(c) - 225.0 * 0.85 / (1.5 * start)).abs() < 1e-9);
}

#[test]
fn a_transformer_fuse_on_a_motor_melts_during_a_long_start() {
    // The same motor, 10 s start (171.5 A). PF T 40 A: allowable = melting at 171.5/0.8 =
    // 214 A = 5.36 × In, between (5 ×, 10 s) and (7 ×, 3 s) → 7.8 s < 10 s → fails. An M-type
    // 40 A fuse carries it: (5 ×, 100 s) to (7 ×, 20 s) → 72 s.
    let pf = |t: &str| {
        json!({ "type": "lbs_pf", "id": "PF_M", "from": "SP", "to": "MB", "rated_current_a": 200,
                "fuse": { "fuse_type": t, "rating_a": 40 } })
    };
    let c = find(&run(&hv_motor_site(pf("T"), 10.0)), "motor_start", &["PF_M", "HM"]).clone();
    assert_eq!(c.status, Status::Fail, "{}", c.message_en);
    assert!((margin(&c) - (7.8 - 10.0)).abs() < 0.1, "{}", margin(&c));
    let c = find(&run(&hv_motor_site(pf("M"), 10.0)), "motor_start", &["PF_M", "HM"]).clone();
    assert_eq!(c.status, Status::Pass, "{}", c.message_en);
    assert!((margin(&c) - (71.7 - 10.0)).abs() < 1.0, "{}", margin(&c));
}

#[test]
fn incomplete_starting_data_warns() {
    let mut v = fixture("cb_multi.json");
    dev(&mut v, "M1").as_object_mut().unwrap().remove("starting_time_s");
    let a = run(&v);
    assert_eq!(find(&a, "motor_start", &["M1"]).status, Status::Warning);
    // Without any starting data there is nothing to check.
    dev(&mut v, "M1").as_object_mut().unwrap().remove("starting_current_multiple");
    assert!(!run(&v).checks.iter().any(|c| c.rule.starts_with("motor_start")));
}
