//! Validation of the station equipment (DS, VCT, LA, VT, meters, earthing, the CT of a VCB and
//! the ZCT/ZPD of a ground relay): a sound sample parses, and each one mistake is refused with
//! the JSON pointer of the failing field and a stable code. Documents without any of this
//! equipment read exactly as before.

use domain::model::{parse_project, Device, EarthingClass, MeterKind, VctClass};
use domain::validate::ValidationError;
use serde_json::{json, Value};

mod mutate;
use mutate::{fixture, push};

/// The index of a device in the sample, for the pointer.
fn index(v: &Value, id: &str) -> usize {
    v["devices"].as_array().unwrap().iter().position(|d| d["id"] == id).unwrap_or_else(|| panic!("no device {id}"))
}

fn errors(v: &Value) -> Vec<ValidationError> {
    parse_project(&v.to_string()).expect_err("must be refused")
}

/// The mutated sample is refused with `code` at the pointer `field` of device `id`.
fn refused(v: &Value, id: &str, field: &str, code: &str) {
    let pointer = format!("/devices/{}/{field}", index(v, id));
    let e = errors(v);
    assert!(e.iter().any(|x| x.pointer == pointer && x.code == code), "expected {code} at {pointer}, got {e:#?}");
}

fn dev<'a>(v: &'a mut Value, id: &str) -> &'a mut Value {
    mutate::device(v, id)
}

#[test]
fn the_cb_sample_reads_every_kind_of_station_equipment() {
    let p = parse_project(&fixture("cb_multi.json").to_string()).unwrap_or_else(|e| panic!("{e:#?}"));
    let find = |id: &str| p.device(id).unwrap_or_else(|| panic!("{id}"));
    assert!(matches!(find("DS1"), Device::Ds(d) if d.rated_current_a == 400.0 && d.short_time_ka == Some(12.5)));
    assert!(matches!(find("VCT"), Device::Vct(v) if v.accuracy_class == VctClass::W05 && (v.vt_ratio() - 60.0).abs() < 1e-12 && (v.ct_ratio() - 20.0).abs() < 1e-12));
    assert!(matches!(find("LA1"), Device::La(l) if l.rated_voltage_v == 8400.0));
    assert!(matches!(find("VT1"), Device::Vt(v) if v.fuse.is_some() && (v.ratio() - 60.0).abs() < 1e-12));
    assert!(matches!(find("AM"), Device::Meter(m) if m.kind == MeterKind::Ammeter && m.ct.as_deref() == Some("VCB_MAIN")));
    assert!(matches!(find("EB"), Device::Earthing(e) if e.class == EarthingClass::B && e.ground_fault_current_a == Some(7.0)));
    assert!(matches!(find("VCB_MAIN"), Device::Vcb(v) if v.ct.is_some_and(|c| c.overcurrent_constant == 10.0)));
    assert!(matches!(find("UGS"), Device::GroundSwitch(g) if g.ground_relay.as_ref().is_some_and(|r| r.zct.is_some() && r.zpd.is_some())));
    // Series, shunt and attached as the model says.
    assert_eq!(find("VCT").series_terminals(), Some(("HV_IN", "HV_M")));
    assert_eq!(find("LA1").shunt_bus(), Some("HV_DS"));
    assert!(find("WH").terminals().is_empty());
    assert_eq!(find("EA").attachments().iter().map(|(f, id)| format!("{f}={id}")).collect::<Vec<_>>(), ["devices/0=LA1", "devices/1=DS1", "devices/2=VT1", "devices/3=VCB_MAIN"]);
}

#[test]
fn ratios_must_be_positive_and_step_down() {
    let mut v = fixture("cb_multi.json");
    dev(&mut v, "VCT")["secondary_v"] = json!(-110);
    refused(&v, "VCT", "secondary_v", "out_of_range");

    let mut v = fixture("cb_multi.json");
    dev(&mut v, "VT1")["primary_v"] = json!(100);
    refused(&v, "VT1", "secondary_v", "inconsistent_ratings");
    refused(&v, "VT1", "primary_v", "voltage_mismatch");

    let mut v = fixture("cb_multi.json");
    dev(&mut v, "VCT")["ct_primary_a"] = json!(0);
    refused(&v, "VCT", "ct_primary_a", "not_allowed");

    let mut v = fixture("cb_multi.json");
    dev(&mut v, "VCB_MAIN")["ct"]["overcurrent_constant"] = json!(0);
    refused(&v, "VCB_MAIN", "ct/overcurrent_constant", "out_of_range");

    let mut v = fixture("cb_multi.json");
    dev(&mut v, "UGS")["ground_relay"]["zct"]["rated_secondary_ma"] = json!(0);
    refused(&v, "UGS", "ground_relay/zct/rated_secondary_ma", "out_of_range");
}

#[test]
fn classes_must_be_known() {
    for (id, field, bad) in [("VT1", "accuracy_class", "2.0"), ("VCT", "accuracy_class", "1.0"), ("EA", "class", "e"), ("WH", "kind", "clock")] {
        let mut v = fixture("cb_multi.json");
        dev(&mut v, id)[field] = json!(bad);
        let pointer = format!("/devices/{}", index(&v, id));
        let e = errors(&v);
        assert!(e.iter().any(|x| x.pointer.starts_with(&pointer) && x.code == "unknown_variant"), "{id}.{field} = {bad}: {e:#?}");
    }
    let mut v = fixture("cb_multi.json");
    dev(&mut v, "VCB_MAIN")["ct"]["accuracy_class"] = json!("2.0");
    let e = errors(&v);
    assert!(e.iter().any(|x| x.pointer.starts_with(&format!("/devices/{}", index(&v, "VCB_MAIN"))) && x.code == "unknown_variant"), "{e:#?}");
}

#[test]
fn ratings_must_be_present() {
    for (id, field) in [("LA1", "rated_voltage_v"), ("LA1", "nominal_discharge_current_ka"), ("VT1", "rated_burden_va"), ("DS1", "rated_current_a"), ("EA", "resistance_ohm")] {
        let mut v = fixture("cb_multi.json");
        dev(&mut v, id).as_object_mut().unwrap().remove(field);
        refused(&v, id, field, "missing_field");
    }
    let mut v = fixture("cb_multi.json");
    dev(&mut v, "VCB_MAIN")["ct"].as_object_mut().unwrap().remove("overcurrent_constant");
    refused(&v, "VCB_MAIN", "ct/overcurrent_constant", "missing_field");
    // Class B needs the utility's one-line ground-fault current (its limit is 150/I₁).
    let mut v = fixture("cb_multi.json");
    dev(&mut v, "EB").as_object_mut().unwrap().remove("ground_fault_current_a");
    refused(&v, "EB", "ground_fault_current_a", "missing_field");
    // A voltmeter needs the VT that feeds it; an ammeter has no voltage circuit.
    let mut v = fixture("cb_multi.json");
    dev(&mut v, "VM").as_object_mut().unwrap().remove("vt");
    dev(&mut v, "VM").as_object_mut().unwrap().remove("voltage_burden_va");
    refused(&v, "VM", "vt", "missing_field");
    let mut v = fixture("cb_multi.json");
    dev(&mut v, "AM")["vt"] = json!("VT1");
    refused(&v, "AM", "vt", "conflicting_fields");
}

#[test]
fn references_must_name_a_device_of_the_right_kind() {
    let mut v = fixture("cb_multi.json");
    dev(&mut v, "VM")["vt"] = json!("VT9");
    refused(&v, "VM", "vt", "unknown_device");

    let mut v = fixture("cb_multi.json");
    dev(&mut v, "AM")["ct"] = json!("TR1");
    refused(&v, "AM", "ct", "wrong_device_type");

    let mut v = fixture("cb_multi.json");
    dev(&mut v, "EA")["devices"][1] = json!("DS9");
    refused(&v, "EA", "devices/1", "unknown_device");

    let mut v = fixture("cb_multi.json");
    dev(&mut v, "EA")["devices"][1] = json!("HV");
    refused(&v, "EA", "devices/1", "wrong_device_type");

    let mut v = fixture("cb_multi.json");
    dev(&mut v, "EA")["devices"][1] = json!("LA1");
    refused(&v, "EA", "devices/1", "duplicate_reference");

    let mut v = fixture("cb_multi.json");
    dev(&mut v, "DS1")["interlock"] = json!("C_IN");
    refused(&v, "DS1", "interlock", "wrong_device_type");
}

#[test]
fn placement_and_voltages_are_checked() {
    // An arrester belongs on a high-voltage bus.
    let mut v = fixture("cb_multi.json");
    dev(&mut v, "LA1")["bus"] = json!("LV1");
    refused(&v, "LA1", "bus", "wrong_voltage_class");
    // A 3.3 kV VT on the 6.6 kV bus.
    let mut v = fixture("cb_multi.json");
    dev(&mut v, "VT1")["primary_v"] = json!(3300);
    refused(&v, "VT1", "primary_v", "voltage_mismatch");
    // A ZPD feeds a DGR, not a GR.
    let mut v = fixture("cb_multi.json");
    dev(&mut v, "VCB_MAIN")["ground_relay"]["zpd"] = json!({ "rated_voltage_v": 6600 });
    refused(&v, "VCB_MAIN", "ground_relay/zpd", "conflicting_fields");
    // Only class B takes I₁; class A has no relaxation by disconnection time.
    let mut v = fixture("cb_multi.json");
    dev(&mut v, "EA")["ground_fault_current_a"] = json!(7);
    dev(&mut v, "EA")["disconnection_time_s"] = json!(0.5);
    refused(&v, "EA", "ground_fault_current_a", "conflicting_fields");
    refused(&v, "EA", "disconnection_time_s", "conflicting_fields");
    // An unknown field in a new device points at it.
    let mut v = fixture("cb_multi.json");
    dev(&mut v, "DS1")["rated_kv"] = json!(7.2);
    refused(&v, "DS1", "rated_kv", "unknown_field");
}

#[test]
fn a_ds_and_a_vct_in_series_change_no_fault_current() {
    // Given case B, when a VCT and a DS are put between the lead-in cable and the main VCB,
    // then every bus keeps its fault current (they are zero impedance) and the new buses have
    // the current of the bus they hang from.
    let mut v = fixture("case_b.json");
    let before = domain::shortcircuit::study(&parse_project(&v.to_string()).unwrap(), domain::library::builtin());
    let main = mutate::device(&mut v, "VCB1");
    let from = main["from"].as_str().unwrap().to_string();
    main["from"] = json!("X2");
    push(&mut v, json!({ "type": "bus", "id": "X1", "voltage_v": 6600 }));
    push(&mut v, json!({ "type": "bus", "id": "X2", "voltage_v": 6600 }));
    push(&mut v, json!({ "type": "vct", "id": "VCT", "from": from, "to": "X1", "primary_v": 6600, "secondary_v": 110, "ct_primary_a": 50, "ct_secondary_a": 5, "accuracy_class": "1.0W" }));
    push(&mut v, json!({ "type": "ds", "id": "DS", "from": "X1", "to": "X2", "rated_current_a": 400 }));
    let after = domain::shortcircuit::study(&parse_project(&v.to_string()).unwrap(), domain::library::builtin());
    for b in &before.buses {
        let a = after.buses.iter().find(|x| x.bus_id == b.bus_id).unwrap();
        assert!((a.percent_z.ik_ka - b.percent_z.ik_ka).abs() < 1e-9 && (a.iec_max.ik_ka - b.iec_max.ik_ka).abs() < 1e-9, "{}", b.bus_id);
    }
    let up = before.buses.iter().find(|x| x.bus_id == from).unwrap().percent_z.ik_ka;
    for id in ["X1", "X2"] {
        assert!((after.buses.iter().find(|x| x.bus_id == id).unwrap().percent_z.ik_ka - up).abs() < 1e-9, "{id}");
    }
}
