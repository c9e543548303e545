//! Mutation suite for the stricter input rules: over every sample, generate mistakes of each
//! kind and assert that validation refuses them at the mutated field.
//! - A declared rating or size that disagrees with the device's library item (scaled by a
//!   factor at least 5 % away from 1) → `library_mismatch` at that field.
//! - An instantaneous element slower than 0.1 s → `out_of_range`.
//! - A margin ≤ 0 → `out_of_range`.

use domain::model::parse_project;
use proptest::prelude::*;
use serde_json::{json, Value};

const SAMPLES: [&str; 5] = ["case_a.json", "case_b.json", "pfs_300kva.json", "cb_multi.json", "bad_coordination.json"];

fn fixture(name: &str) -> Value {
    let path = format!("{}/../../tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// (sample, JSON pointer of a numeric field that a library item fixes) over every sample.
fn library_fixed_fields() -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    for s in SAMPLES {
        let v = fixture(s);
        for (i, d) in v["devices"].as_array().unwrap().iter().enumerate() {
            let has_ref = |p: &str| d.pointer(p).is_some_and(|r| r.is_string());
            match d["type"].as_str().unwrap() {
                "cable" if has_ref("/library_ref") => out.push((s, format!("/devices/{i}/size_mm2"))),
                "lv_breaker" if has_ref("/library_ref") => out.push((s, format!("/devices/{i}/frame_a"))),
                "transformer" if has_ref("/library_ref") => out.push((s, format!("/devices/{i}/rated_kva"))),
                "lbs_pf" if has_ref("/fuse/library_ref") => out.push((s, format!("/devices/{i}/fuse/rating_a"))),
                _ => {}
            }
        }
    }
    out
}

fn refused_at(v: &Value, pointer: &str, code: &str) -> bool {
    match parse_project(&v.to_string()) {
        Ok(_) => false,
        Err(errs) => errs.iter().any(|e| e.pointer == pointer && e.code == code),
    }
}

fn relays() -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    for s in SAMPLES {
        let v = fixture(s);
        for (i, d) in v["devices"].as_array().unwrap().iter().enumerate() {
            if d["type"] == "vcb" && d["ocr"]["instantaneous_tap_a"].is_number() {
                out.push((s, format!("/devices/{i}/ocr")));
            }
        }
    }
    out
}

#[test]
fn the_samples_have_library_references_to_mutate() {
    // The suite below is only as good as the fields it can mutate.
    assert!(library_fixed_fields().len() >= 6, "{:?}", library_fixed_fields());
    assert!(relays().len() >= 4);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn a_declared_value_off_its_library_item_is_refused(
        pick in any::<prop::sample::Index>(),
        up in any::<bool>(),
        factor in 1.05f64..3.0,
    ) {
        let fields = library_fixed_fields();
        let (sample, pointer) = &fields[pick.index(fields.len())];
        let mut v = fixture(sample);
        let x = v.pointer(pointer).and_then(Value::as_f64).unwrap();
        let mutated = if up { x * factor } else { x / factor };
        *v.pointer_mut(pointer).unwrap() = json!(mutated);
        prop_assert!(refused_at(&v, pointer, "library_mismatch"), "{sample} {pointer}: {x} → {mutated} accepted");
    }

    #[test]
    fn a_slow_instantaneous_element_is_refused(pick in any::<prop::sample::Index>(), t in 0.1001f64..5.0) {
        let rs = relays();
        let (sample, ocr) = &rs[pick.index(rs.len())];
        let mut v = fixture(sample);
        v.pointer_mut(ocr).unwrap()["instantaneous_time_s"] = json!(t);
        let pointer = format!("{ocr}/instantaneous_time_s");
        prop_assert!(refused_at(&v, &pointer, "out_of_range"), "{sample} {pointer} = {t} accepted");
    }

    #[test]
    fn a_margin_of_zero_or_less_is_refused(pick in 0usize..SAMPLES.len(), m in -2.0f64..=0.0) {
        let mut v = fixture(SAMPLES[pick]);
        v["settings"]["margin_s"] = json!(m);
        prop_assert!(refused_at(&v, "/settings/margin_s", "out_of_range"));
    }
}
