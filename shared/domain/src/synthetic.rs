//! A synthetic receiving station of any size, for benchmarks and size tests: a PAS, a lead-in
//! cable and a main VCB, then feeders of VCB → cable → 300 kVA transformer → ACB → two MCCBs
//! with a load and a motor, and every fifth feeder a capacitor bank behind a C-type PF, until
//! the device count is reached. Valid input by construction (`tests` check it).

use serde_json::{json, Value};

/// The project JSON of a site with about `target` devices (at least the seven of the
/// service entrance).
pub fn site_json(target: usize) -> String {
    let mut devices: Vec<Value> = vec![
        json!({ "type": "bus", "id": "SP", "voltage_v": 6600 }),
        json!({ "type": "bus", "id": "P1", "voltage_v": 6600 }),
        json!({ "type": "bus", "id": "HV_IN", "voltage_v": 6600 }),
        json!({ "type": "bus", "id": "HV", "voltage_v": 6600 }),
        json!({ "type": "ground_switch", "id": "PAS", "from": "SP", "to": "P1", "kind": "pas", "rated_current_a": 300, "so_lock": true,
                "ground_relay": { "kind": "dgr", "current_a": 0.2, "time_s": 0.2, "voltage_percent": 5 } }),
        json!({ "type": "cable", "id": "C_IN", "from": "P1", "to": "HV_IN", "cable_type": "CVT", "size_mm2": 100, "length_m": 80, "library_ref": "cable.cvt.100" }),
        json!({ "type": "vcb", "id": "VCB_MAIN", "from": "HV_IN", "to": "HV", "rated_current_a": 600, "breaking_capacity_ka": 12.5,
                "ocr": { "curve": "ei", "ct_primary_a": 400, "ct_secondary_a": 5, "tap_a": 5.0, "lever": 4, "instantaneous_tap_a": 60 } }),
    ];
    let mut f = 0;
    while devices.len() < target {
        f += 1;
        let remaining = target - devices.len();
        if f % 5 == 0 && remaining >= 4 {
            devices.push(json!({ "type": "bus", "id": format!("FC{f}"), "voltage_v": 6600 }));
            devices.push(json!({ "type": "lbs_pf", "id": format!("PF{f}"), "from": "HV", "to": format!("FC{f}"), "fuse": { "fuse_type": "C", "rating_a": 20 } }));
            devices.push(json!({ "type": "capacitor", "id": format!("SC{f}"), "bus": format!("FC{f}"), "rated_kvar": 100, "reactor_percent": 6, "rated_voltage_v": 7020 }));
            devices.push(json!({ "type": "load", "id": format!("LC{f}"), "bus": format!("FC{f}"), "rated_kva": 10, "rated_voltage_v": 6600 }));
            continue;
        }
        if remaining < 14 {
            devices.push(json!({ "type": "load", "id": format!("L{f}"), "bus": "HV", "rated_kva": 50, "rated_voltage_v": 6600 }));
            continue;
        }
        let (fb, tb, lv, lvm) = (format!("F{f}"), format!("T{f}"), format!("LV{f}"), format!("LVM{f}"));
        devices.push(json!({ "type": "bus", "id": fb, "voltage_v": 6600 }));
        devices.push(json!({ "type": "bus", "id": tb, "voltage_v": 6600 }));
        devices.push(json!({ "type": "bus", "id": lv, "voltage_v": 210 }));
        devices.push(json!({ "type": "bus", "id": lvm, "voltage_v": 210 }));
        devices.push(json!({ "type": "vcb", "id": format!("VCB{f}"), "from": "HV", "to": fb, "rated_current_a": 600, "breaking_capacity_ka": 12.5,
                "ocr": { "curve": "ei", "ct_primary_a": 75, "ct_secondary_a": 5, "tap_a": 4.0, "lever": 1, "instantaneous_tap_a": 40 } }));
        devices.push(json!({ "type": "cable", "id": format!("C{f}"), "from": fb, "to": tb, "cable_type": "CVT", "size_mm2": 38, "length_m": 30, "library_ref": "cable.cvt.38" }));
        devices.push(json!({ "type": "transformer", "id": format!("TR{f}"), "from": tb, "to": lv, "phases": "three", "rated_kva": 300,
                "primary_v": 6600, "secondary_v": 210, "impedance": { "form": "rx", "r_percent": 1.2, "x_percent": 3.5 } }));
        devices.push(json!({ "type": "lv_breaker", "id": format!("ACB{f}"), "from": lv, "to": lvm, "kind": "acb", "rated_current_a": 1000, "frame_a": 1000,
                "breaking_capacity_ka": 65, "trip": { "kind": "electronic", "lt_multiple": 1.0, "lt_time_s": 10, "st_multiple": 4, "st_time_s": 0.2 } }));
        for k in 0..2 {
            let b = format!("LVF{f}_{k}");
            devices.push(json!({ "type": "bus", "id": b, "voltage_v": 210 }));
            devices.push(json!({ "type": "lv_breaker", "id": format!("MCCB{f}_{k}"), "from": lvm, "to": b, "kind": "mccb", "rated_current_a": 200, "frame_a": 225,
                    "breaking_capacity_ka": 50, "trip": { "kind": "thermal_magnetic", "instantaneous_multiple": 10 } }));
        }
        devices.push(json!({ "type": "load", "id": format!("L{f}"), "bus": format!("LVF{f}_0"), "rated_kva": 100, "rated_voltage_v": 200 }));
        devices.push(json!({ "type": "motor", "id": format!("M{f}"), "bus": format!("LVF{f}_1"), "rated_kw": 30, "rated_voltage_v": 200 }));
    }
    json!({
        "schema_version": 1,
        "name": "bench: 200 devices",
        "utility": {
            "bus": "SP", "voltage_v": 6600, "frequency_hz": "60",
            "short_circuit": { "form": "current", "ik_ka": 12.5, "x_over_r": 10 },
            "ocr": { "curve": "vi", "ct_primary_a": 600, "ct_secondary_a": 5, "tap_a": 5.0, "lever": 6, "instantaneous_tap_a": 120 },
            "ground_relay": { "kind": "dgr", "current_a": 0.6, "time_s": 0.9, "voltage_percent": 10 }
        },
        "devices": devices
    })
    .to_string()
}

