//! Shunt devices (loads, motors, capacitors, generators) carry a rated voltage that must
//! match their bus (±10 %; on a single-phase three-wire bus the 210 V or the 105 V class);
//! a mismatch is refused before any study with the field's JSON pointer, a stable code and a
//! message in Japanese and English.

use domain::model::parse_project;
use domain::validate::ValidationError;
use serde_json::{json, Value};

fn fixture(name: &str) -> Value {
    let path = format!("{}/../../tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))).unwrap()
}

/// Index and object of the device with this id.
fn dev<'a>(v: &'a mut Value, id: &str) -> (usize, &'a mut Value) {
    let list = v["devices"].as_array_mut().unwrap();
    let i = list.iter().position(|d| d["id"] == id).unwrap_or_else(|| panic!("no device {id}"));
    (i, &mut list[i])
}

fn errors(v: &Value) -> Vec<ValidationError> {
    parse_project(&v.to_string()).err().unwrap_or_default()
}

fn only_error_at(v: &Value, pointer: &str, code: &str) {
    let e = errors(v);
    assert_eq!(e.len(), 1, "{e:#?}");
    assert_eq!((e[0].pointer.as_str(), e[0].code.as_str()), (pointer, code), "{e:#?}");
    assert!(!e[0].message_ja.is_empty() && !e[0].message_en.is_empty());
}

#[test]
fn the_samples_rated_voltages_match_their_buses() {
    // 200 V motors on 210 V buses (−4.8 %), 7 020 V capacitors with 6 % reactors on 6.6 kV
    // (+6.4 %), 100 V lighting loads on 210-105 V buses (105 V class, −4.8 %).
    for s in ["case_a.json", "case_b.json", "pfs_300kva.json", "cb_multi.json", "bad_coordination.json"] {
        assert!(errors(&fixture(s)).is_empty(), "{s}: {:#?}", errors(&fixture(s)));
    }
}

#[test]
fn a_6600_v_capacitor_on_a_210_v_bus_is_refused() {
    let mut v = fixture("pfs_300kva.json");
    // Move the capacitor to the 210 V power bus: 6 600 V is 31 × the bus voltage.
    let (i, c) = dev(&mut v, "SC1");
    c["bus"] = "LV3".into();
    c["rated_voltage_v"] = 6600.into();
    only_error_at(&v, &format!("/devices/{i}/rated_voltage_v"), "voltage_mismatch");
    let e = &errors(&v)[0];
    assert!(e.message_en.contains("6600") && e.message_en.contains("LV3"), "{}", e.message_en);
    assert!(e.message_ja.contains("LV3"), "{}", e.message_ja);
}

#[test]
fn ten_percent_either_side_of_the_bus_matches() {
    // cb_multi's M1 on a 210 V bus: 189 V (−10 %) and 231 V (+10 %) match; 188 V and 232 V do not.
    for (volts, ok) in [(189.0, true), (231.0, true), (188.0, false), (232.0, false), (400.0, false)] {
        let mut v = fixture("cb_multi.json");
        let (i, m) = dev(&mut v, "M1");
        m["rated_voltage_v"] = json!(volts);
        if ok {
            assert!(errors(&v).is_empty(), "{volts} V: {:#?}", errors(&v));
        } else {
            only_error_at(&v, &format!("/devices/{i}/rated_voltage_v"), "voltage_mismatch");
        }
    }
}

#[test]
fn the_105_v_class_matches_only_a_single_phase_three_wire_bus() {
    // pfs_300kva L1 (100 V) sits on the 1φ3W bus LV1_F1; on the three-phase 210 V bus LV3_F1
    // a 100 V load is refused (−52 %).
    let mut v = fixture("pfs_300kva.json");
    assert!(errors(&v).is_empty());
    let (i, l) = dev(&mut v, "L1");
    l["bus"] = "LV3_F1".into();
    only_error_at(&v, &format!("/devices/{i}/rated_voltage_v"), "voltage_mismatch");
}

#[test]
fn every_shunt_device_needs_a_rated_voltage() {
    for id in ["SC1", "M1", "L1"] {
        let mut v = fixture("pfs_300kva.json");
        let (i, d) = dev(&mut v, id);
        d.as_object_mut().unwrap().remove("rated_voltage_v");
        let e = errors(&v);
        assert!(!e.is_empty(), "{id}");
        assert!(e.iter().any(|e| e.pointer.starts_with(&format!("/devices/{i}")) && e.message_en.contains("rated_voltage_v")), "{id}: {e:#?}");
    }
    let mut v = fixture("cb_multi.json");
    let (i, g) = dev(&mut v, "G1");
    g.as_object_mut().unwrap().remove("rated_voltage_v");
    assert!(errors(&v).iter().any(|e| e.pointer.starts_with(&format!("/devices/{i}"))), "{:#?}", errors(&v));
}

#[test]
fn motor_efficiency_and_power_factor_are_fractions() {
    let mut v = fixture("cb_multi.json");
    let (i, m) = dev(&mut v, "M1");
    m["efficiency"] = json!(1.2);
    only_error_at(&v, &format!("/devices/{i}/efficiency"), "out_of_range");
    let (i, m) = dev(&mut v, "M1");
    m["efficiency"] = json!(0.93);
    m["power_factor"] = json!(0.0);
    only_error_at(&v, &format!("/devices/{i}/power_factor"), "out_of_range");
}
