//! One main protective device (issue 8, item 7): `main_device` (exactly one VCB + OCR or
//! LBS + PF after the service-point switch and its cables), `load_ahead_of_main` (nothing is
//! fed before it) and `pf_main_capacity` (a PF・S main serves at most 300 kVA of receiving
//! equipment, JIS C 4620 / 高圧受電設備規程).

mod mutate;

use domain::analysis::analyze;
use domain::checks::{CheckSettings, Status};
use domain::model::parse_project_with;
use mutate::{device, find, fixture, margin, of_rule, push, remove, run, SAMPLES};
use serde_json::json;

#[test]
fn every_sample_has_exactly_one_main_with_every_load_behind_it() {
    for (name, main) in [
        ("case_a.json", "VCB1"),
        ("case_b.json", "VCB1"),
        ("pfs_300kva.json", "LBS_MAIN"),
        ("cb_multi.json", "VCB_MAIN"),
        ("bad_coordination.json", "VCB_MAIN"),
    ] {
        let a = run(&fixture(name));
        let c = find(&a, "main_device", &[main]);
        assert_eq!(c.status, Status::Pass, "{name}: {}", c.message_en);
        assert!(of_rule(&a, "load_ahead_of_main").is_empty(), "{name}");
    }
    assert_eq!(SAMPLES.len(), 5);
    // The PF・S site: 3φ 200 kVA + 1φ 100 kVA = 300 kVA, exactly the limit (ratio 1.0).
    let a = run(&fixture("pfs_300kva.json"));
    let c = find(&a, "pf_main_capacity", &["LBS_MAIN", "TR3", "TR1"]);
    assert_eq!(c.status, Status::Pass, "{}", c.message_en);
    assert_eq!(margin(c), 1.0);
}

#[test]
fn a_transformer_fed_straight_from_the_pas_fails_naming_both() {
    // case B with one mistake: no VCB1 — the transformer hangs on the cable from the PAS.
    let mut v = fixture("case_b.json");
    remove(&mut v, "VCB1");
    remove(&mut v, "TRP");
    device(&mut v, "TR1")["from"] = "HV".into();
    let a = run(&v);
    let c = find(&a, "main_device", &["PAS", "TR1"]);
    assert_eq!(c.status, Status::Fail);
    assert!(c.message_en.starts_with("no main protective device"), "{}", c.message_en);
    assert!(c.message_en.contains("PAS") && c.message_en.contains("3φ 500 kVA"), "{}", c.message_en);
    assert!(c.message_ja.contains("主遮断装置"), "{}", c.message_ja);
    let t = find(&a, "load_ahead_of_main", &["TR1"]);
    assert_eq!(t.status, Status::Fail);
    assert!(t.message_en.starts_with("transformer"), "{}", t.message_en);
}

#[test]
fn two_main_devices_in_parallel_at_the_service_point_fail_naming_both() {
    // pfs_300kva with one mistake: the 1φ 100 kVA transformer gets its own LBS + PF from
    // the incoming bus, in parallel with the main.
    let mut v = fixture("pfs_300kva.json");
    push(&mut v, json!({ "type": "bus", "id": "HV2", "voltage_v": 6600 }));
    push(&mut v, json!({ "type": "lbs_pf", "id": "LBS_MAIN2", "from": "HV_IN", "to": "HV2", "fuse": { "fuse_type": "T", "rating_a": 30 } }));
    device(&mut v, "TR1")["from"] = "HV2".into();
    let a = run(&v);
    let c = find(&a, "main_device", &["LBS_MAIN", "LBS_MAIN2"]);
    assert_eq!(c.status, Status::Fail);
    assert!(c.message_en.starts_with("2 main devices in parallel"), "{}", c.message_en);
    assert!(c.message_ja.contains("2 台並列"), "{}", c.message_ja);
    assert!(of_rule(&a, "pf_main_capacity").is_empty(), "no single PF main to judge");
}

#[test]
fn a_capacitor_between_the_ugs_and_the_main_fails_naming_it() {
    // cb_multi with one mistake: SC1 moved from behind its PF to the incoming bus HV_IN,
    // between the UGS (and its cable) and VCB_MAIN.
    let mut v = fixture("cb_multi.json");
    device(&mut v, "SC1")["bus"] = "HV_IN".into();
    let a = run(&v);
    assert_eq!(find(&a, "main_device", &["VCB_MAIN"]).status, Status::Pass);
    let c = find(&a, "load_ahead_of_main", &["SC1"]);
    assert_eq!(c.status, Status::Fail);
    assert!(c.message_en.contains("capacitor") && c.message_en.contains("主遮断器 VCB") && c.message_en.contains("UGS"), "{}", c.message_en);
}

#[test]
fn a_pf_main_serving_more_than_300_kva_fails() {
    // pfs_300kva with one mistake: TR3 250 kVA instead of 200 → 250 + 100 = 350 kVA > 300:
    // ratio 300/350 = 0.857.
    let mut v = fixture("pfs_300kva.json");
    device(&mut v, "TR3")["rated_kva"] = 250.0.into();
    let a = run(&v);
    let c = find(&a, "pf_main_capacity", &["LBS_MAIN", "TR3", "TR1"]);
    assert_eq!(c.status, Status::Fail, "{}", c.message_en);
    assert!((margin(c) - 300.0 / 350.0).abs() < 1e-12);
    assert!(c.message_en.contains("350 kVA") && c.message_en.contains("CB-type"), "{}", c.message_en);
}

#[test]
fn the_pf_limit_is_a_setting() {
    // The same 300 kVA site against a stricter 250 kVA limit fails.
    let p = parse_project_with(&fixture("pfs_300kva.json").to_string(), domain::library::builtin()).unwrap();
    let mut s = CheckSettings::from_project(&p);
    assert_eq!(s.main_device.pf_main_max_kva, 300.0, "documented default");
    s.main_device.pf_main_max_kva = 250.0;
    let a = analyze(&p, &s);
    let c = find(&a, "pf_main_capacity", &["LBS_MAIN", "TR3", "TR1"]);
    assert_eq!(c.status, Status::Fail);
    assert!((margin(c) - 250.0 / 300.0).abs() < 1e-12);
}

#[test]
fn a_main_vcb_with_its_time_element_locked_is_no_main_protection() {
    let mut v = fixture("case_b.json");
    device(&mut v, "VCB1")["ocr"]["tap_a"] = serde_json::Value::Null;
    let a = run(&v);
    let c = find(&a, "main_device", &["VCB1"]);
    assert_eq!(c.status, Status::Fail);
    assert!(c.message_en.contains("locked"), "{}", c.message_en);
}
