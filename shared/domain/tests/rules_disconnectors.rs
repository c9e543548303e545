//! Disconnecting switches (`docs/rules/disconnectors.md`) and the incoming panel: a DS with a
//! breaking device below it passes; a DS that is the only device able to open a load warns
//! unless it is interlocked with a breaker in series with it. The VCT, the DS, the arrester and
//! the VT of the incoming panel are not loads ahead of the main device.

use domain::checks::Status;
use serde_json::{json, Value};

mod mutate;
use mutate::{device, find, fixture, of_rule, push, run};

/// cb_multi with a further 6.6 kV branch from the main bus `HV`: a DS straight to a 100 kVA
/// transformer (no LBS, no breaker in between).
fn with_ds_fed_transformer() -> Value {
    let mut v = fixture("cb_multi.json");
    push(&mut v, json!({ "type": "bus", "id": "F4", "voltage_v": 6600 }));
    push(&mut v, json!({ "type": "bus", "id": "LV4", "voltage_v": 210 }));
    push(&mut v, json!({ "type": "ds", "id": "DS_TR4", "from": "HV", "to": "F4", "rated_current_a": 200 }));
    push(&mut v, json!({ "type": "transformer", "id": "TR4", "from": "F4", "to": "LV4", "phases": "three", "rated_kva": 100,
                         "primary_v": 6600, "secondary_v": 210, "impedance": { "form": "rx", "r_percent": 1.5, "x_percent": 3.5 } }));
    v
}

#[test]
fn the_incoming_ds_is_opened_after_the_main_breaker_below_it() {
    let a = run(&fixture("cb_multi.json"));
    let c = find(&a, "ds_interlock", &["DS1", "VCB_MAIN"]);
    assert_eq!(c.status, Status::Pass, "{}", c.message_en);
    assert!(c.message_en.contains("open it first") && c.message_ja.contains("第340条"), "{}", c.message_en);
}

#[test]
fn a_ds_that_alone_opens_a_transformer_warns() {
    let a = run(&with_ds_fed_transformer());
    let c = find(&a, "ds_interlock", &["DS_TR4", "TR4"]);
    assert_eq!(c.status, Status::Warning, "{}", c.message_en);
    assert!(c.message_en.contains("cannot open load current"), "{}", c.message_en);
}

#[test]
fn an_interlock_with_a_breaker_in_series_passes_and_with_another_one_warns() {
    // Interlocked with the main VCB above it: the DS cannot open while VCB_MAIN is closed.
    let mut v = with_ds_fed_transformer();
    device(&mut v, "DS_TR4")["interlock"] = json!("VCB_MAIN");
    let c = find(&run(&v), "ds_interlock", &["DS_TR4", "VCB_MAIN"]).clone();
    assert_eq!(c.status, Status::Pass, "{}", c.message_en);
    // Interlocked with a feeder breaker on another branch: it proves nothing about TR4.
    device(&mut v, "DS_TR4")["interlock"] = json!("VCB_TR1");
    let c = find(&run(&v), "ds_interlock", &["DS_TR4", "VCB_TR1"]).clone();
    assert_eq!(c.status, Status::Warning, "{}", c.message_en);
    assert!(c.message_en.contains("not in series"), "{}", c.message_en);
    // The incoming DS interlocked with the main VCB below it passes too.
    let mut v = fixture("cb_multi.json");
    device(&mut v, "DS1")["interlock"] = json!("VCB_MAIN");
    let c = find(&run(&v), "ds_interlock", &["DS1", "VCB_MAIN"]).clone();
    assert_eq!(c.status, Status::Pass, "{}", c.message_en);
    assert!(c.message_en.contains("interlocked"), "{}", c.message_en);
}

#[test]
fn the_incoming_panel_is_not_ahead_of_the_main_device() {
    // UGS → C_IN → VCT → DS1 → (LA1, VT1) → VCB_MAIN: the walk passes the VCT and the DS, and
    // the arrester and the VT on HV_DS are not loads.
    let a = run(&fixture("cb_multi.json"));
    assert_eq!(find(&a, "main_device", &["VCB_MAIN"]).status, Status::Pass);
    assert!(of_rule(&a, "load_ahead_of_main").is_empty(), "{}", mutate::listing(&a));
    assert_eq!(find(&a, "service_ground_relay", &["UGS"]).status, Status::Pass);
    // A capacitor on the incoming panel's bus still is.
    let mut v = fixture("cb_multi.json");
    device(&mut v, "SC1")["bus"] = json!("HV_DS");
    let a = run(&v);
    assert_eq!(find(&a, "load_ahead_of_main", &["SC1"]).status, Status::Fail);
}

#[test]
fn a_main_breaker_behind_a_vct_and_a_ds_at_the_service_point_keeps_its_ground_relay() {
    // case A has its main VCB directly at the service point. Put a VCT and a DS before it: the
    // VCB still is the service-point switching device with its ground relay.
    let mut v = fixture("case_a.json");
    let main = device(&mut v, "VCB1");
    let from = main["from"].as_str().unwrap().to_string();
    main["from"] = json!("X2");
    push(&mut v, json!({ "type": "bus", "id": "X1", "voltage_v": 6600 }));
    push(&mut v, json!({ "type": "bus", "id": "X2", "voltage_v": 6600 }));
    push(&mut v, json!({ "type": "vct", "id": "VCT", "from": from, "to": "X1", "primary_v": 6600, "secondary_v": 110, "ct_primary_a": 30, "ct_secondary_a": 5, "accuracy_class": "1.0W" }));
    push(&mut v, json!({ "type": "ds", "id": "DS", "from": "X1", "to": "X2", "rated_current_a": 400 }));
    let a = run(&v);
    assert_eq!(find(&a, "service_ground_relay", &["VCB1"]).status, Status::Pass);
    assert_eq!(find(&a, "main_device", &["VCB1"]).status, Status::Pass);
    assert_eq!(find(&a, "ds_interlock", &["DS", "VCB1"]).status, Status::Pass);
}
