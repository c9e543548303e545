//! Validation: every error at once, each with the JSON pointer of the failing field and a
//! stable code; hostile input refused cleanly.

use domain::model::parse_project;
use domain::validate::{ValidationError, MAX_DEVICES};
use serde_json::{json, Value};

fn case_b() -> Value {
    let path = format!(
        "{}/../../tests/fixtures/case_b.json",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn errors(v: &Value) -> Vec<ValidationError> {
    parse_project(&v.to_string()).expect_err("must be refused")
}

fn has(errs: &[ValidationError], pointer: &str, code: &str) -> bool {
    errs.iter().any(|e| e.pointer == pointer && e.code == code)
}

fn assert_has(errs: &[ValidationError], pointer: &str, code: &str) {
    assert!(
        has(errs, pointer, code),
        "expected {code} at {pointer}, got {errs:#?}"
    );
}

// devices of case_b: 0 SP, 1 P1, 2 HV, 3 TRP, 4 LV, 5 LV1, 6 PAS, 7 C1, 8 VCB1, 9 TR1, 10 ACB1, 11 L1

#[test]
fn unknown_field_points_at_the_field() {
    let mut v = case_b();
    v["devices"][8]["ocr"]["tapp_a"] = json!(4.5);
    v["utility"]["colour"] = json!("red");
    let e = errors(&v);
    assert_has(&e, "/devices/8/ocr/tapp_a", "unknown_field");
    assert_has(&e, "/utility/colour", "unknown_field");
}

#[test]
fn wrong_type_and_missing_field_point_into_the_device() {
    let mut v = case_b();
    v["devices"][7]["length_m"] = json!("100 m");
    v["devices"][9].as_object_mut().unwrap().remove("rated_kva");
    v["devices"][4]["type"] = json!("busbar");
    let e = errors(&v);
    assert_has(&e, "/devices/7/length_m", "invalid_type");
    assert_has(&e, "/devices/9/rated_kva", "missing_field");
    assert!(
        e.iter()
            .any(|x| x.pointer.starts_with("/devices/4") && x.code == "unknown_variant"),
        "{e:#?}"
    );
    assert_eq!(e.len(), 3, "one error per malformed device: {e:#?}");
}

#[test]
fn settings_out_of_range_are_all_reported_with_messages_in_both_languages() {
    let mut v = case_b();
    v["devices"][8]["ocr"]["tap_a"] = json!(4.2); // not a JIS step
    v["devices"][8]["ocr"]["lever"] = json!(25); // above 20
    v["devices"][8]["ocr"]["ct_primary_a"] = json!(70); // not a standard CT
    v["devices"][8]["ocr"]["instantaneous_tap_a"] = json!(90); // above 60
    v["devices"][7]["length_m"] = json!(-5);
    v["devices"][9]["rated_kva"] = json!(1e300);
    v["devices"][4]["voltage_v"] = json!(0);
    v["utility"]["short_circuit"]["x_percent"] = json!(0);
    let e = errors(&v);
    assert_has(&e, "/devices/8/ocr/tap_a", "not_allowed");
    assert_has(&e, "/devices/8/ocr/lever", "out_of_range");
    assert_has(&e, "/devices/8/ocr/ct_primary_a", "not_allowed");
    assert_has(&e, "/devices/8/ocr/instantaneous_tap_a", "out_of_range");
    assert_has(&e, "/devices/7/length_m", "out_of_range");
    assert_has(&e, "/devices/9/rated_kva", "out_of_range");
    assert_has(&e, "/devices/4/voltage_v", "out_of_range");
    assert_has(&e, "/utility/short_circuit/x_percent", "out_of_range");
    for x in &e {
        assert!(
            !x.message_ja.is_empty() && !x.message_en.is_empty(),
            "{x:?}"
        );
    }
}

#[test]
fn one_ampere_relays_use_one_fifth_of_the_taps() {
    let mut v = case_b();
    v["devices"][8]["ocr"]["ct_secondary_a"] = json!(1);
    v["devices"][8]["ocr"]["tap_a"] = json!(0.9);
    v["devices"][8]["ocr"]["instantaneous_tap_a"] = json!(8);
    assert!(parse_project(&v.to_string()).is_ok());
}

#[test]
fn duplicate_ids_and_dangling_references() {
    let mut v = case_b();
    v["devices"][5]["id"] = json!("LV"); // duplicates device 4
    v["devices"][7]["to"] = json!("NOWHERE");
    v["devices"][11]["bus"] = json!("VCB1"); // a device, not a bus
    v["utility"]["bus"] = json!("SPX");
    let e = errors(&v);
    assert_has(&e, "/devices/5/id", "duplicate_id");
    assert_has(&e, "/devices/7/to", "unknown_bus");
    assert_has(&e, "/devices/11/bus", "not_a_bus");
    assert_has(&e, "/utility/bus", "unknown_bus");
}

#[test]
fn loops_parallel_paths_and_islands_are_refused() {
    let mut v = case_b();
    let devices = v["devices"].as_array_mut().unwrap();
    // A second cable P1 → HV closes a loop with C1.
    let mut c2 = devices[7].clone();
    c2["id"] = json!("C2");
    devices.push(c2);
    // An island: a bus and a load that nothing feeds.
    devices.push(json!({"type": "bus", "id": "ISLAND", "voltage_v": 6600}));
    devices.push(json!({"type": "load", "id": "L9", "bus": "ISLAND", "rated_kva": 10, "rated_voltage_v": 6600}));
    let e = errors(&v);
    assert!(e.iter().any(|x| x.code == "cycle" && (x.pointer == "/devices/7" || x.pointer == "/devices/12")), "{e:#?}");
    assert_has(&e, "/devices/13", "disconnected");
    assert_has(&e, "/devices/14", "disconnected");
}

#[test]
fn terminals_must_match_voltages_and_phases() {
    let mut v = case_b();
    v["devices"][7]["to"] = json!("LV"); // a 6.6 kV cable landing on the 210 V bus
    v["devices"][10]["from"] = json!("HV"); // an ACB on 6.6 kV
    v["devices"][9]["secondary_v"] = json!(420); // 210 V bus on a 420 V winding
    let e = errors(&v);
    assert_has(&e, "/devices/7/to", "voltage_mismatch");
    assert_has(&e, "/devices/10/from", "wrong_voltage_class");
    assert_has(&e, "/devices/9/to", "voltage_mismatch");

    let mut v = case_b();
    v["devices"][9]["phases"] = json!("single"); // 1φ transformer onto a 3φ bus
    assert_has(&errors(&v), "/devices/9/to", "phase_mismatch");
}

#[test]
fn library_references_must_exist() {
    let mut v = case_b();
    v["devices"][7]
        .as_object_mut()
        .unwrap()
        .remove("r_ohm_per_km");
    v["devices"][7]
        .as_object_mut()
        .unwrap()
        .remove("x_ohm_per_km");
    v["devices"][7]["library_ref"] = json!("cable.cvt.37");
    v["devices"][10]["library_ref"] = json!("acb.9999af");
    let e = errors(&v);
    assert_has(&e, "/devices/7/library_ref", "unknown_library_item");
    assert_has(&e, "/devices/10/library_ref", "unknown_library_item");
    v["devices"][7]["library_ref"] = json!("cable.cvt.38");
    v["devices"][10]["library_ref"] = json!("acb.1600af");
    assert!(parse_project(&v.to_string()).is_ok());
}

#[test]
fn schema_version_must_be_supported() {
    let mut v = case_b();
    v["schema_version"] = json!(2);
    assert_has(&errors(&v), "/schema_version", "unsupported_schema_version");
}

#[test]
fn hostile_documents_are_refused_cleanly() {
    // Not JSON, not an object, numbers beyond f64, deep nesting.
    let e = parse_project("{\"schema_version\": 1,").unwrap_err();
    assert_eq!(e[0].code, "json_syntax");
    assert_eq!(parse_project("[]").unwrap_err()[0].code, "invalid_type");
    assert_eq!(parse_project("").unwrap_err()[0].code, "json_syntax");
    let mut v = case_b().to_string();
    v = v.replacen("\"length_m\":100", "\"length_m\":1e400", 1);
    assert_eq!(
        parse_project(&v).unwrap_err()[0].code,
        "number_out_of_range"
    );
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert_eq!(parse_project(&deep).unwrap_err()[0].code, "json_too_deep");
    let deep_obj = format!("{}1{}", "{\"a\":".repeat(5_000), "}".repeat(5_000));
    assert_eq!(
        parse_project(&deep_obj).unwrap_err()[0].code,
        "json_too_deep"
    );
    // A string id of a megabyte is refused, and the message does not echo it whole.
    let mut v = case_b();
    v["devices"][11]["id"] = json!("x".repeat(1_000_000));
    let e = errors(&v);
    assert_has(&e, "/devices/11/id", "invalid_id");
    assert!(e.iter().all(|x| x.message_en.len() < 1_000));
}

#[test]
fn too_many_devices_are_refused_before_any_other_work() {
    let mut v = case_b();
    let bus = json!({"type": "bus", "id": "B", "voltage_v": 6600});
    v["devices"] = Value::Array(vec![bus; 100_000]);
    let e = errors(&v);
    assert_eq!(e.len(), 1, "{:?}", &e[..e.len().min(3)]);
    assert_has(&e, "/devices", "too_many_devices");
}

#[test]
fn input_beyond_the_size_limit_is_refused() {
    let big = format!(
        "{{\"name\": \"{}\"}}",
        "x".repeat(domain::validate::MAX_INPUT_BYTES)
    );
    assert_eq!(parse_project(&big).unwrap_err()[0].code, "input_too_large");
}

/// A radial chain of `MAX_DEVICES` devices: buses joined by cables, one load at the end.
pub fn chain_project(devices: usize) -> Value {
    let buses = devices / 2;
    let mut list = vec![];
    for i in 0..buses {
        list.push(json!({"type": "bus", "id": format!("B{i}"), "voltage_v": 6600}));
    }
    for i in 1..buses {
        list.push(json!({"type": "cable", "id": format!("C{i}"), "from": format!("B{}", i - 1), "to": format!("B{i}"),
            "cable_type": "CVT", "size_mm2": 38, "length_m": 1, "r_ohm_per_km": 0.491, "x_ohm_per_km": 0.12}));
    }
    while list.len() < devices {
        let n = list.len();
        list.push(json!({"type": "load", "id": format!("L{n}"), "bus": "B0", "rated_kva": 10, "rated_voltage_v": 6600}));
    }
    json!({"schema_version": 1, "name": "chain", "utility": {"bus": "B0", "voltage_v": 6600, "frequency_hz": "50",
        "short_circuit": {"form": "current", "ik_ka": 12.5, "x_over_r": 10}}, "devices": list})
}

#[test]
fn the_largest_allowed_project_is_accepted_and_studied() {
    let v = chain_project(MAX_DEVICES);
    let p = parse_project(&v.to_string()).unwrap_or_else(|e| panic!("{:?}", &e[..e.len().min(3)]));
    assert_eq!(p.devices.len(), MAX_DEVICES);
    let s = domain::shortcircuit::study(&p, domain::library::builtin());
    assert_eq!(s.buses.len(), MAX_DEVICES / 2);
    // Currents fall along the chain.
    assert!(s
        .buses
        .windows(2)
        .all(|w| w[1].percent_z.ik_ka < w[0].percent_z.ik_ka));
    let mut v = chain_project(MAX_DEVICES + 1);
    v["name"] = json!("one too many");
    assert_has(&errors(&v), "/devices", "too_many_devices");
}

#[test]
fn a_vanishing_source_impedance_is_refused() {
    let mut v = case_b();
    v["utility"]["short_circuit"] =
        json!({"form": "percent", "r_percent": 0.0, "x_percent": 1e-300});
    assert_has(
        &errors(&v),
        "/utility/short_circuit/x_percent",
        "out_of_range",
    );
}

#[test]
fn a_transformer_fed_from_its_secondary_is_refused() {
    let mut v = case_b();
    // Swap TR1's terminals and ratings: 210 V "primary" on the load side.
    v["devices"][9]["from"] = json!("LV");
    v["devices"][9]["to"] = json!("TRP");
    v["devices"][9]["primary_v"] = json!(210);
    v["devices"][9]["secondary_v"] = json!(6600);
    assert_has(&errors(&v), "/devices/9/from", "reversed_transformer");
}
