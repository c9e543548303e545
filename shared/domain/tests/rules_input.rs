//! Stricter input (issue "no wrong pass", item 8): a library reference must agree with the
//! declared type and rating, an instantaneous element acts within what real relays do, study
//! criteria outside practice are refused or reported on the project, and the fault basis of
//! the duty checks is a project setting. Each rule: the sound sample passes, a one-mistake
//! mutation is refused or reported, naming the field.

use domain::analysis::{analyze, Analysis};
use domain::checks::{CheckSettings, Status};
use domain::model::parse_project;
use domain::validate::ValidationError;
use serde_json::{json, Value};

fn fixture(name: &str) -> Value {
    let path = format!("{}/../../tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn device_index(v: &Value, id: &str) -> usize {
    v["devices"].as_array().unwrap().iter().position(|d| d["id"] == id).unwrap_or_else(|| panic!("no device {id}"))
}

fn errors(v: &Value) -> Vec<ValidationError> {
    parse_project(&v.to_string()).expect_err("must be refused")
}

fn assert_refused(v: &Value, pointer: &str, code: &str) {
    let errs = errors(v);
    assert!(errs.iter().any(|e| e.pointer == pointer && e.code == code), "expected {code} at {pointer}, got {errs:#?}");
}

fn assert_valid(v: &Value) {
    if let Err(e) = parse_project(&v.to_string()) {
        panic!("sample must stay valid: {e:#?}");
    }
}

fn run(v: &Value) -> Analysis {
    let p = parse_project(&v.to_string()).unwrap_or_else(|e| panic!("{e:#?}"));
    analyze(&p, &CheckSettings::from_project(&p))
}

#[test]
fn a_breaker_frame_that_disagrees_with_its_library_item_is_refused() {
    // Given the PF・S sample whose power main refers to the 600 AF MCCB item
    let mut v = fixture("pfs_300kva.json");
    assert_valid(&v);
    let i = device_index(&v, "MCCB_P");
    assert_eq!(v["devices"][i]["library_ref"], "mccb.600af");
    // When the device declares an 800 AF frame (the item is 600 AF)
    v["devices"][i]["frame_a"] = json!(800);
    // Then the frame is refused, naming the field
    assert_refused(&v, &format!("/devices/{i}/frame_a"), "library_mismatch");
}

#[test]
fn a_breaker_rating_the_frame_is_not_made_in_is_refused() {
    // 225 AF is made in 125/150/175/200/225 AT: 210 A does not exist.
    let mut v = fixture("cb_multi.json");
    let i = device_index(&v, "MCCB1");
    v["devices"][i]["rated_current_a"] = json!(210);
    assert_refused(&v, &format!("/devices/{i}/rated_current_a"), "library_mismatch");
    // An ACB item is made in its frame rating only: a 1 000 AF ACB item declared as MCCB.
    let mut v = fixture("cb_multi.json");
    let i = device_index(&v, "ACB2");
    v["devices"][i]["kind"] = json!("mccb");
    assert_refused(&v, &format!("/devices/{i}/kind"), "library_mismatch");
}

#[test]
fn a_cable_whose_size_disagrees_with_its_library_item_is_refused() {
    // The lead-in refers to CVT 38 mm²; declaring 60 mm² would give the withstand check a
    // conductor 1.6 × larger than the one whose impedance the study uses.
    let mut v = fixture("pfs_300kva.json");
    let i = device_index(&v, "C_IN");
    assert_eq!(v["devices"][i]["library_ref"], "cable.cvt.38");
    v["devices"][i]["size_mm2"] = json!(60);
    assert_refused(&v, &format!("/devices/{i}/size_mm2"), "library_mismatch");
    let mut v = fixture("pfs_300kva.json");
    v["devices"][i]["cable_type"] = json!("CV");
    assert_refused(&v, &format!("/devices/{i}/cable_type"), "library_mismatch");
}

#[test]
fn a_fuse_or_relay_that_disagrees_with_its_library_item_is_refused() {
    let mut v = fixture("pfs_300kva.json");
    let i = device_index(&v, "LBS_MAIN");
    // The main is a T 40 A fuse; the T 40 A item agrees …
    v["devices"][i]["fuse"]["library_ref"] = json!("pf.t.40a");
    assert_valid(&v);
    // … the T 30 A item does not: the curves would be a 30 A fuse's under a 40 A label.
    v["devices"][i]["fuse"]["library_ref"] = json!("pf.t.30a");
    assert_refused(&v, &format!("/devices/{i}/fuse/rating_a"), "library_mismatch");
    v["devices"][i]["fuse"]["library_ref"] = json!("pf.c.40a");
    assert_refused(&v, &format!("/devices/{i}/fuse/fuse_type"), "library_mismatch");

    let mut v = fixture("case_b.json");
    let i = device_index(&v, "VCB1");
    v["devices"][i]["ocr"]["library_ref"] = json!("ocr.jis.ei");
    assert_valid(&v);
    // An EI relay declared against the VI item.
    v["devices"][i]["ocr"]["library_ref"] = json!("ocr.jis.vi");
    assert_refused(&v, &format!("/devices/{i}/ocr/curve"), "library_mismatch");
}

#[test]
fn a_transformer_that_disagrees_with_its_library_item_is_refused() {
    let mut v = fixture("case_b.json");
    let i = device_index(&v, "TR1");
    v["devices"][i]["library_ref"] = json!("tr.3ph.500kva");
    assert_valid(&v);
    v["devices"][i]["rated_kva"] = json!(300);
    assert_refused(&v, &format!("/devices/{i}/rated_kva"), "library_mismatch");
}

#[test]
fn an_instantaneous_element_slower_than_real_relays_is_refused() {
    // JIS C 4602: an instantaneous element acts within 50 ms at 200 %; up to 0.1 s accepted.
    let mut v = fixture("case_b.json");
    let i = device_index(&v, "VCB1");
    v["devices"][i]["ocr"]["instantaneous_time_s"] = json!(0.05);
    assert_valid(&v);
    v["devices"][i]["ocr"]["instantaneous_time_s"] = json!(0.3);
    assert_refused(&v, &format!("/devices/{i}/ocr/instantaneous_time_s"), "out_of_range");
    // 0 s would make the instantaneous element faster than any breaker can see it.
    v["devices"][i]["ocr"]["instantaneous_time_s"] = json!(0.0);
    assert_refused(&v, &format!("/devices/{i}/ocr/instantaneous_time_s"), "out_of_range");
}

#[test]
fn a_zero_margin_is_refused_and_a_small_one_is_reported() {
    let mut v = fixture("case_b.json");
    v["settings"] = json!({"margin_s": 0});
    assert_refused(&v, "/settings/margin_s", "out_of_range");

    // The sample as given: no study_settings warning.
    let a = run(&fixture("case_b.json"));
    assert!(a.checks.iter().all(|c| c.rule != "study_settings"));

    // 0.1 s is below the customary 0.2–0.3 s: accepted, but reported on the project.
    v["settings"] = json!({"margin_s": 0.1});
    let a = run(&v);
    let w = a.checks.iter().find(|c| c.rule == "study_settings").expect("reported");
    assert_eq!(w.status, Status::Warning);
    assert!(w.message_en.contains("/settings/margin_s"), "{}", w.message_en);
    assert_eq!(w.worst_margin.and_then(|m| m.value), Some(0.1));
}

#[test]
fn an_inrush_far_below_the_customary_one_is_reported() {
    // 3 × rated for 0.1 s instead of 10 ×: the inrush checks would pass relays that trip on
    // energisation.
    let mut v = fixture("case_b.json");
    v["settings"] = json!({"inrush_multiple": 3});
    let a = run(&v);
    assert!(a.checks.iter().any(|c| c.rule == "study_settings" && c.status == Status::Warning && c.message_en.contains("/settings/inrush_multiple")));
    // Per transformer: 5 × for 0.05 s.
    let mut v = fixture("case_b.json");
    let i = device_index(&v, "TR1");
    v["devices"][i]["inrush"] = json!({"multiple": 5, "duration_s": 0.05});
    let a = run(&v);
    let w = a.checks.iter().find(|c| c.rule == "study_settings").expect("reported");
    assert_eq!(w.devices, vec!["TR1".to_string()]);
    // A withstand more generous than JIS (40 × for 3 s).
    let mut v = fixture("case_b.json");
    v["settings"] = json!({"transformer_withstand_multiple": 40, "transformer_withstand_duration_s": 3});
    let a = run(&v);
    assert_eq!(a.checks.iter().filter(|c| c.rule == "study_settings").count(), 2);
}

#[test]
fn an_implausibly_fast_breaker_is_reported() {
    // 0.01 s is less than one cycle; the usual VCB interrupts in 3 cycles (0.06 s at 50 Hz).
    let mut v = fixture("case_b.json");
    let i = device_index(&v, "VCB1");
    v["devices"][i]["ocr"]["breaker_time_s"] = json!(0.01);
    let a = run(&v);
    let w = a.checks.iter().find(|c| c.rule == "study_settings").expect("reported");
    assert_eq!(w.devices, vec!["VCB1".to_string()]);
}

#[test]
fn the_fault_basis_of_the_duty_checks_is_a_project_setting() {
    // Case B's 210 V bus: 30.206 kA by the %Z method, 32.372 kA IEC 60909 c_max (10 % LV
    // tolerance). An ACB with Icu 31 kA passes on the %Z basis and fails on the IEC basis.
    let mut v = fixture("case_b.json");
    let i = device_index(&v, "ACB1");
    v["devices"][i]["breaking_capacity_ka"] = json!(31);
    let status = |v: &Value| {
        let a = run(v);
        a.checks.iter().find(|c| c.rule == "breaking_capacity" && c.devices == ["ACB1"]).map(|c| c.status).unwrap()
    };
    assert_eq!(status(&v), Status::Pass);
    v["settings"] = json!({"fault_basis": "iec_max"});
    assert_eq!(status(&v), Status::Fail);
    v["settings"] = json!({"fault_basis": "larger"});
    assert_eq!(status(&v), Status::Fail);
    v["settings"] = json!({"fault_basis": "percent_z"});
    assert_eq!(status(&v), Status::Pass);
    v["settings"] = json!({"fault_basis": "iec"});
    let errs = errors(&v);
    assert!(errs.iter().any(|e| e.pointer == "/settings/fault_basis"), "{errs:#?}");
}

#[test]
fn a_ground_protection_exemption_must_say_why() {
    let mut v = fixture("case_b.json");
    v["settings"] = json!({"ground_protection_exemption": "  "});
    assert_refused(&v, "/settings/ground_protection_exemption", "empty");
    v["settings"] = json!({"ground_protection_exemption": "utility\u{0007}"});
    assert_refused(&v, "/settings/ground_protection_exemption", "control_character");
}

#[test]
fn a_capacitor_may_state_the_voltage_its_series_reactor_raises_it_to() {
    // JIS C 4902-1: behind a 13 % reactor a 6.6 kV bank's capacitors are rated
    // 6 600 / (1 − 0.13) = 7 586 V, 15 % above the bus: accepted with the reactor …
    let mut v = fixture("pfs_300kva.json");
    let i = device_index(&v, "SC1");
    v["devices"][i]["reactor_percent"] = json!(13);
    v["devices"][i]["rated_voltage_v"] = json!(7590);
    assert_valid(&v);
    // … refused without it: a 7.6 kV bank on a 6.6 kV bus without a reactor is not this bank.
    v["devices"][i]["reactor_percent"] = json!(0);
    assert_refused(&v, &format!("/devices/{i}/rated_voltage_v"), "voltage_mismatch");
}
