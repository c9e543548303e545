//! Property-style mutations for the switchgear-duty and ground-protection rules: for each
//! rule, mistakes of its kind are generated over the sample projects and the rule must fail
//! naming the device (and pass on the unmutated sample). See `docs/rules/switchgear.md` and
//! `docs/rules/ground_protection.md` for the thresholds used below.

use domain::checks::{CheckResult, Status};
use proptest::prelude::*;
use serde_json::{json, Value};

mod mutate;
use mutate::{fixture as sample, device, run, find};

const CASES: u32 = 32;

/// The samples and their service-point switch.
const SAMPLES: [(&str, &str); 5] = [
    ("case_a.json", "VCB1"),
    ("case_b.json", "PAS"),
    ("pfs_300kva.json", "PAS"),
    ("cb_multi.json", "UGS"),
    ("bad_coordination.json", "PAS"),
];

/// Samples whose service-point switch is a PAS/UGS with SO lock and a utility OCR.
const GROUND_SWITCH_SAMPLES: [usize; 4] = [1, 2, 3, 4];





fn margin(c: &CheckResult) -> f64 {
    c.worst_margin.and_then(|m| m.value).unwrap_or_else(|| panic!("no margin: {c:#?}"))
}

/// Ids of the switching devices whose duty is checked (VCB, LBS + PF, PAS/UGS).
fn switching_devices(v: &Value) -> Vec<String> {
    v["devices"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| ["vcb", "lbs_pf", "ground_switch"].contains(&d["type"].as_str().unwrap()))
        .map(|d| d["id"].as_str().unwrap().to_string())
        .collect()
}

/// The short-time rating (kA, s) a device is judged with: its own or the documented default
/// (PAS/UGS and LBS 12.5 kA; VCB its breaking current; 1 s).
fn short_time_rating(d: &Value) -> (f64, f64) {
    let default_ka = if d["type"] == "vcb" { d["breaking_capacity_ka"].as_f64().unwrap() } else { 12.5 };
    (d["short_time_ka"].as_f64().unwrap_or(default_ka), d["short_time_s"].as_f64().unwrap_or(1.0))
}

/// Where the utility's OCR certainly operates: time-element pickup + 10 %, A.
fn utility_certain_a(v: &Value) -> f64 {
    let o = &v["utility"]["ocr"];
    o["tap_a"].as_f64().unwrap() * o["ct_primary_a"].as_f64().unwrap() / o["ct_secondary_a"].as_f64().unwrap() * 1.1
}

#[test]
fn every_sample_passes_the_new_rules() {
    let rules = [
        "so_lock_required",
        "so_lock_current",
        "so_lock_vs_utility",
        "short_time_withstand",
        "making_current",
        "service_ground_relay",
        "ground_relay_coverage",
        "dgr_voltage",
        "ground_series",
    ];
    for (name, _) in SAMPLES {
        let a = run(&sample(name));
        for c in a.checks.iter().filter(|c| rules.contains(&c.rule)) {
            assert_eq!(c.status, Status::Pass, "{name}: {} {:?}: {}", c.rule, c.devices, c.message_en);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: CASES, ..ProptestConfig::default() })]

    /// Remove the SO lock from a PAS/UGS that interrupts at most 10 kA at a ≈ 12.5 kA
    /// service point.
    #[test]
    fn so_lock_removed_fails(which in 0usize..GROUND_SWITCH_SAMPLES.len(), interrupting in 400.0f64..10_000.0) {
        let (name, id) = SAMPLES[GROUND_SWITCH_SAMPLES[which]];
        let mut v = sample(name);
        let s = device(&mut v, id);
        s["so_lock"] = json!(false);
        s.as_object_mut().unwrap().remove("so_lock_current_a");
        s["interrupting_current_a"] = json!(interrupting);
        let a = run(&v);
        let c = find(&a, "so_lock_required", &[id]);
        prop_assert_eq!(c.status, Status::Fail, "{}", c.message_en);
        prop_assert!(margin(c) < 1.0);
    }

    /// A lock current whose upper tolerance (+10 %) exceeds the interrupting current.
    #[test]
    fn lock_current_above_interrupting_fails(which in 0usize..GROUND_SWITCH_SAMPLES.len(), interrupting in 400.0f64..3_000.0, over in 1.001f64..3.0) {
        let (name, id) = SAMPLES[GROUND_SWITCH_SAMPLES[which]];
        let mut v = sample(name);
        let lock = interrupting * over / 1.1;
        let s = device(&mut v, id);
        s["interrupting_current_a"] = json!(interrupting);
        s["so_lock_current_a"] = json!(lock);
        let a = run(&v);
        let c = find(&a, "so_lock_current", &[id]);
        prop_assert_eq!(c.status, Status::Fail, "{}", c.message_en);
        prop_assert!((margin(c) - 1.0 / over).abs() < 1e-9);
    }

    /// A lock current whose lower tolerance (−10 %) is below where the utility's OCR is certain.
    #[test]
    fn lock_current_below_utility_fails(which in 0usize..GROUND_SWITCH_SAMPLES.len(), under in 0.2f64..0.999) {
        let (name, id) = SAMPLES[GROUND_SWITCH_SAMPLES[which]];
        let mut v = sample(name);
        let lock = utility_certain_a(&v) / 0.9 * under;
        device(&mut v, id)["so_lock_current_a"] = json!(lock);
        let a = run(&v);
        let c = find(&a, "so_lock_vs_utility", &["utility", id]);
        prop_assert_eq!(c.status, Status::Fail, "{}", c.message_en);
        prop_assert!((margin(c) - under).abs() < 1e-9);
    }

    /// Lower a switching device's short-time rating (current and duration) below the I²t of
    /// the largest fault it carries.
    #[test]
    fn short_time_rating_below_duty_fails(which in 0usize..SAMPLES.len(), pick in 0usize..64, duration_s in 0.5f64..3.0, under in 0.3f64..0.97) {
        let (name, _) = SAMPLES[which];
        let v = sample(name);
        let ids = switching_devices(&v);
        let id = ids[pick % ids.len()].clone();
        let before = margin(find(&run(&v), "short_time_withstand", &[&id]));
        let mut bad = v.clone();
        let d = device(&mut bad, &id);
        let (ka, s) = short_time_rating(d);
        let i2t = ka * ka * s / (before * before);
        d["short_time_ka"] = json!((i2t / duration_s).sqrt() * under);
        d["short_time_s"] = json!(duration_s);
        let a = run(&bad);
        let c = find(&a, "short_time_withstand", &[&id]);
        prop_assert_eq!(c.status, Status::Fail, "{}", c.message_en);
        prop_assert!((margin(c) - under).abs() < 1e-6, "{} vs {}", margin(c), under);
    }

    /// Lower a switching device's making current below the peak fault current at it.
    #[test]
    fn making_current_below_peak_fails(which in 0usize..SAMPLES.len(), pick in 0usize..64, under in 0.2f64..0.99) {
        let (name, _) = SAMPLES[which];
        let v = sample(name);
        let ids = switching_devices(&v);
        let id = ids[pick % ids.len()].clone();
        let ip_ka = find(&run(&v), "making_current", &[&id]).at_current_a.unwrap() / 1000.0;
        let mut bad = v.clone();
        device(&mut bad, &id)["making_peak_ka"] = json!(ip_ka * under);
        let a = run(&bad);
        let c = find(&a, "making_current", &[&id]);
        prop_assert_eq!(c.status, Status::Fail, "{}", c.message_en);
        prop_assert!((margin(c) - under).abs() < 1e-9);
    }

    /// Remove the ground relay of the service-point switch; with an exemption the failure
    /// becomes a warning quoting it.
    #[test]
    fn service_ground_relay_removed_fails(which in 0usize..SAMPLES.len(), exempt in proptest::bool::ANY) {
        let (name, id) = SAMPLES[which];
        let mut v = sample(name);
        device(&mut v, id).as_object_mut().unwrap().remove("ground_relay");
        if exempt {
            v["settings"]["ground_protection_exemption"] = json!("utility instruction 2026-01");
        }
        let a = run(&v);
        let c = find(&a, "service_ground_relay", &[id]);
        prop_assert_eq!(c.status, if exempt { Status::Warning } else { Status::Fail }, "{}", c.message_en);
        if exempt {
            prop_assert!(c.message_en.contains("utility instruction 2026-01"));
        }
    }

    /// Put a cable between the utility bus and the service-point switch.
    #[test]
    fn cable_before_the_ground_relay_fails(which in 0usize..SAMPLES.len(), length_m in 5.0f64..2_000.0) {
        let (name, id) = SAMPLES[which];
        let mut v = sample(name);
        let devices = v["devices"].as_array_mut().unwrap();
        devices.push(json!({ "type": "bus", "id": "SP_X", "voltage_v": 6600 }));
        devices.push(json!({ "type": "cable", "id": "C_X", "from": "SP", "to": "SP_X", "cable_type": "CVT", "size_mm2": 38,
                             "length_m": length_m, "r_ohm_per_km": 0.491, "x_ohm_per_km": 0.12 }));
        device(&mut v, id)["from"] = json!("SP_X");
        let a = run(&v);
        let c = find(&a, "ground_relay_coverage", &["C_X"]);
        prop_assert_eq!(c.status, Status::Fail, "{}", c.message_en);
        prop_assert_eq!(find(&a, "service_ground_relay", &[id]).status, Status::Pass);
    }

    /// Raise a customer DGR's zero-sequence voltage pickup above the utility's (10 %):
    /// anything over 10 × 0.75 / 1.25 = 6 %.
    #[test]
    fn dgr_voltage_above_utility_fails(which in 0usize..3, v0 in 6.01f64..100.0) {
        let (name, id) = SAMPLES[[1, 2, 3][which]];
        let mut v = sample(name);
        device(&mut v, id)["ground_relay"]["voltage_percent"] = json!(v0);
        let a = run(&v);
        let c = find(&a, "dgr_voltage", &["utility", id]);
        prop_assert_eq!(c.status, Status::Fail, "{}", c.message_en);
        prop_assert!((margin(c) - 7.5 / (v0 * 1.25)).abs() < 1e-9);
    }

    /// A ground relay on the main VCB below the service-point switch that is not faster by
    /// the 0.1 s margin, or whose pickup is higher.
    #[test]
    fn downstream_ground_relay_not_graded_fails(which in 0usize..3, slow in 0.005f64..2.0, pickup_up in proptest::bool::ANY, extra_a in 0.01f64..1.5) {
        // (sample, upstream switch, its time s, its pickup A, downstream VCB, breaker time s)
        let (name, up, up_t, up_a, down, breaker) = [
            ("case_b.json", "PAS", 0.2, 0.2, "VCB1", 0.06),
            ("cb_multi.json", "UGS", 0.3, 0.2, "VCB_MAIN", 0.05),
            ("bad_coordination.json", "PAS", 1.0, 0.2, "VCB_MAIN", 0.05),
        ][which];
        let mut v = sample(name);
        // Fastest failing time: 0.9·t_up − (1.1·t + breaker) < 0.1 s.
        let t_fail = ((0.9 * up_t - breaker - 0.1) / 1.1f64).max(0.0);
        let (t, a) = if pickup_up { (0.05, up_a + extra_a) } else { (t_fail + slow, up_a) };
        device(&mut v, down)["ground_relay"] = json!({ "kind": "gr", "current_a": a, "time_s": t });
        let r = run(&v);
        let c = find(&r, "ground_series", &[up, down]);
        prop_assert_eq!(c.status, Status::Fail, "{}", c.message_en);
    }

    /// A customer ground relay whose latest time reaches the utility's earliest (0.81 s).
    #[test]
    fn customer_ground_slower_than_utility_fails(which in 0usize..3, time_s in 0.7364f64..5.0) {
        let (name, id) = SAMPLES[[1, 2, 3][which]];
        let mut v = sample(name);
        device(&mut v, id)["ground_relay"]["time_s"] = json!(time_s);
        let a = run(&v);
        let c = find(&a, "ground_vs_utility", &["utility", id]);
        prop_assert_eq!(c.status, Status::Fail, "{}", c.message_en);
    }

    /// A non-directional GR in front of more than 1.5 km of lead-in cable.
    #[test]
    fn gr_on_long_cable_fails(which in 0usize..2, length_m in 1_500.0f64..10_000.0) {
        let (name, id, cable) = [("case_b.json", "PAS", "C1"), ("pfs_300kva.json", "PAS", "C_IN")][which];
        let mut v = sample(name);
        device(&mut v, id)["ground_relay"] = json!({ "kind": "gr", "current_a": 0.2, "time_s": 0.2 });
        device(&mut v, cable)["length_m"] = json!(length_m);
        let a = run(&v);
        let c = find(&a, "dgr_required", &[id]);
        prop_assert_eq!(c.status, Status::Fail, "{}", c.message_en);
    }
}
