//! Rules 4, 5, 7 and 9 on small hand-built projects, each turned from pass to fail (or
//! warning) by one setting, with the boundary worked out by hand in the comments.

use domain::analysis::{parse_and_analyze, Analysis};
use domain::checks::{CheckResult, Status};
use serde_json::{json, Value};

/// Utility 12.5 kA at 6.6 kV (no utility relays) → main LBS + PF T 50 A → HV bus →
/// 300 kVA transformer → 210 V bus `LV` → `extra` devices.
fn site(main_fuse: Value, extra: Vec<Value>) -> Value {
    let mut devices = vec![
        json!({ "type": "bus", "id": "SP", "voltage_v": 6600 }),
        json!({ "type": "bus", "id": "HV", "voltage_v": 6600 }),
        json!({ "type": "bus", "id": "LV", "voltage_v": 210 }),
        json!({ "type": "lbs_pf", "id": "PF_MAIN", "from": "SP", "to": "HV", "fuse": main_fuse }),
        json!({ "type": "transformer", "id": "TR", "from": "HV", "to": "LV", "phases": "three", "rated_kva": 300,
                "primary_v": 6600, "secondary_v": 210, "impedance": { "form": "rx", "r_percent": 1.2, "x_percent": 3.5 } }),
    ];
    devices.extend(extra);
    json!({
        "schema_version": 1, "name": "rules",
        "utility": { "bus": "SP", "voltage_v": 6600, "frequency_hz": "60", "short_circuit": { "form": "current", "ik_ka": 12.5, "x_over_r": 10 } },
        "devices": devices
    })
}

fn run(v: &Value) -> Analysis {
    parse_and_analyze(&v.to_string()).unwrap_or_else(|e| panic!("{e:#?}"))
}

fn find<'a>(a: &'a Analysis, rule: &str, devices: &[&str]) -> &'a CheckResult {
    a.checks.iter().find(|c| c.rule == rule && c.devices == devices).unwrap_or_else(|| panic!("no {rule} {devices:?}: {:#?}", a.checks))
}

fn mccb(id: &str, from: &str, to: &str, rated: f64, icu_ka: f64) -> Value {
    json!({ "type": "lv_breaker", "id": id, "from": from, "to": to, "kind": "mccb", "rated_current_a": rated,
            "frame_a": if rated <= 225.0 { 225.0 } else { 800.0 }, "breaking_capacity_ka": icu_ka,
            "trip": { "kind": "thermal_magnetic", "instantaneous_multiple": 10 } })
}

fn lv_chain(upstream_rated: f64, downstream_rated: f64, feeder_m: f64) -> Vec<Value> {
    vec![
        json!({ "type": "bus", "id": "LVM", "voltage_v": 210 }),
        json!({ "type": "bus", "id": "LVC", "voltage_v": 210 }),
        json!({ "type": "bus", "id": "LVF", "voltage_v": 210 }),
        mccb("MAIN_LV", "LV", "LVM", upstream_rated, 50.0),
        json!({ "type": "cable", "id": "C_LV", "from": "LVM", "to": "LVC", "cable_type": "CV", "size_mm2": 38, "length_m": feeder_m, "library_ref": "cable.cv.38" }),
        mccb("FEED", "LVC", "LVF", downstream_rated, 50.0),
    ]
}

#[test]
fn rule_5_lv_breakers_in_series() {
    let t = json!({ "fuse_type": "T", "rating_a": 50 });
    // Upstream 800 A (instantaneous 8 kA, −20 % → 6.4 kA), downstream 100 A behind 150 m of
    // CV 38 mm² (0.491 + j0.09 Ω/km → 74 mΩ): the fault at the feeder is about 1.6 kA, far
    // below 6.4 kA, and the long-time bands are apart → selective.
    let a = run(&site(t.clone(), lv_chain(800.0, 100.0, 150.0)));
    assert_eq!(find(&a, "lv_series", &["MAIN_LV", "FEED"]).status, Status::Pass);
    // Right at the LV bus (1 m of cable) the fault is ≈ 19 kA, above the upstream's
    // instantaneous: both may trip — partial selectivity, a warning.
    let a = run(&site(t.clone(), lv_chain(800.0, 100.0, 1.0)));
    let c = find(&a, "lv_series", &["MAIN_LV", "FEED"]);
    assert_eq!(c.status, Status::Warning, "{}", c.message_en);
    // An upstream rated below the downstream trips first on overloads: fail.
    let a = run(&site(t, lv_chain(100.0, 225.0, 150.0)));
    assert_eq!(find(&a, "lv_series", &["MAIN_LV", "FEED"]).status, Status::Fail);
}

#[test]
fn rule_7_breaking_capacity_against_the_bus_fault() {
    // 300 kVA, 1.2 + j3.5 % → the 210 V fault is close to 21 kA: Icu 25 kA passes, 15 kA fails.
    let ok = run(&site(json!({ "fuse_type": "T", "rating_a": 50 }), vec![json!({ "type": "bus", "id": "LVM", "voltage_v": 210 }), mccb("MAIN_LV", "LV", "LVM", 800.0, 25.0)]));
    let fault_ka = ok.short_circuit.bus("LV").unwrap().percent_z.ik_ka;
    assert!(fault_ka > 15.0 && fault_ka < 25.0, "{fault_ka}");
    let c = find(&ok, "breaking_capacity", &["MAIN_LV"]);
    assert_eq!(c.status, Status::Pass);
    assert!((c.worst_margin.unwrap().value.unwrap() - 25.0 / fault_ka).abs() < 1e-9);
    let bad = run(&site(json!({ "fuse_type": "T", "rating_a": 50 }), vec![json!({ "type": "bus", "id": "LVM", "voltage_v": 210 }), mccb("MAIN_LV", "LV", "LVM", 800.0, 15.0)]));
    assert_eq!(find(&bad, "breaking_capacity", &["MAIN_LV"]).status, Status::Fail);
}

#[test]
fn rule_4_pf_melting_against_the_lv_main() {
    // LV main MCCB 400 A at 210 V (12.7 A at 6.6 kV; instantaneous 4 kA ±20 %, certain from
    // 4.8 kA = 153 A at 6.6 kV). A T 50 A PF starts melting at 2 × 50 = 100 A (about 480 s
    // at its earliest), where the MCCB's long-time band (7.9 × In) clears within about 25 s;
    // above 153 A the MCCB is instantaneous → pass. A T 10 A PF melts from 20 A at 6.6 kV
    // (1.6 × In of the MCCB, whose band there reaches beyond 1 000 s): the PF melts first →
    // fail.
    let lv = vec![json!({ "type": "bus", "id": "LVM", "voltage_v": 210 }), mccb("MAIN_LV", "LV", "LVM", 400.0, 50.0)];
    let a = run(&site(json!({ "fuse_type": "T", "rating_a": 50 }), lv.clone()));
    let c = find(&a, "pf_vs_lv_main", &["PF_MAIN", "MAIN_LV"]);
    assert_eq!(c.status, Status::Pass, "{c:#?}");
    let a = run(&site(json!({ "fuse_type": "T", "rating_a": 10 }), lv));
    assert_eq!(find(&a, "pf_vs_lv_main", &["PF_MAIN", "MAIN_LV"]).status, Status::Fail);
}

#[test]
fn rule_9_capacitor_inrush_against_its_fuse() {
    let cap = |fuse: Value, reactor: f64| {
        vec![
            json!({ "type": "bus", "id": "FC", "voltage_v": 6600 }),
            json!({ "type": "lbs_pf", "id": "PF_C", "from": "HV", "to": "FC", "fuse": fuse }),
            json!({ "type": "capacitor", "id": "SC", "bus": "FC", "rated_kvar": 100, "reactor_percent": reactor, "rated_voltage_v": 6600 }),
        ]
    };
    // 100 kvar at 6.6 kV: 8.75 A; with a 6 % reactor the inrush is 1 + √(100/6) = 5.08 ×
    // = 44.4 A for 0.01 s. A C 10 A PF allows that for seconds → pass.
    let a = run(&site(json!({ "fuse_type": "T", "rating_a": 50 }), cap(json!({ "fuse_type": "C", "rating_a": 10 }), 6.0)));
    let c = find(&a, "capacitor_inrush", &["PF_C", "SC"]);
    assert_eq!(c.status, Status::Pass);
    assert!((c.at_current_a.unwrap() - 100_000.0 / (3f64.sqrt() * 6600.0) * (1.0 + (100.0f64 / 6.0).sqrt())).abs() < 1e-6);
    // Without a reactor: 70 × 8.75 = 612 A for 0.01 s. A G 10 A PF (61 × In, beyond its
    // last catalogue point: allowable 0.0045 × (40/612)²… ≈ 2 ms) cannot carry it → fail.
    let a = run(&site(json!({ "fuse_type": "T", "rating_a": 50 }), cap(json!({ "fuse_type": "G", "rating_a": 10 }), 0.0)));
    assert_eq!(find(&a, "capacitor_inrush", &["PF_C", "SC"]).status, Status::Fail);
}

#[test]
fn a_main_pf_has_no_utility_relay_to_check_against_without_one() {
    let a = run(&site(json!({ "fuse_type": "T", "rating_a": 50 }), vec![]));
    let c = find(&a, "main_vs_utility", &["utility", "PF_MAIN"]);
    assert_eq!(c.status, Status::Warning);
    assert!(c.message_en.contains("not given"));
}
