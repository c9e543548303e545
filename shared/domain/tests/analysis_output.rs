//! The shape of [`domain::analysis::Analysis`] as the web client and `kyocho analyze --json`
//! receive it, on every sample project, and robustness on unvalidated input.

use domain::analysis::{analyze, parse_and_analyze, report_text};
use domain::checks::CheckSettings;
use domain::model::Project;
use proptest::prelude::*;
use serde_json::Value;

const FIXTURES: [&str; 5] = ["case_a.json", "case_b.json", "pfs_300kva.json", "cb_multi.json", "bad_coordination.json"];

fn fixture(name: &str) -> String {
    let path = format!("{}/../../tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn every_sample_project_analyses_to_the_documented_shape() {
    for f in FIXTURES {
        let a = parse_and_analyze(&fixture(f)).unwrap_or_else(|e| panic!("{f}: {e:?}"));
        let v = serde_json::to_value(&a).unwrap();
        for key in ["analysis_version", "project_name", "short_circuit", "chart", "checks", "summary", "test_sheet", "setting_table", "settings"] {
            assert!(v.get(key).is_some(), "{f}: no `{key}`");
        }
        assert!(v["short_circuit"]["buses"].as_array().is_some_and(|b| !b.is_empty()), "{f}");
        let curves = v["chart"]["curves"].as_array().unwrap();
        assert!(!curves.is_empty(), "{f}");
        for c in curves {
            for line in c["lines"].as_array().unwrap() {
                for p in line["points"].as_array().unwrap() {
                    assert!(p["current_a"].is_f64() && p["time_s"].is_f64(), "{f}: {p}");
                }
            }
        }
        for c in v["checks"].as_array().unwrap() {
            assert!(["pass", "warning", "fail"].contains(&c["status"].as_str().unwrap()));
            assert!(!c["message_ja"].as_str().unwrap().is_empty() && !c["message_en"].as_str().unwrap().is_empty());
            assert!(!c["devices"].as_array().unwrap().is_empty());
        }
        let s = &v["summary"];
        assert_eq!(
            s["pass"].as_u64().unwrap() + s["warning"].as_u64().unwrap() + s["fail"].as_u64().unwrap(),
            v["checks"].as_array().unwrap().len() as u64
        );
        let text = report_text(&a);
        assert!(text.contains("Short-circuit") && text.contains("Coordination checks"), "{f}");
    }
}

#[test]
fn case_b_chart_is_referred_to_6_6_kv() {
    let a = parse_and_analyze(&fixture("case_b.json")).unwrap();
    assert_eq!(a.chart.voltage_v, 6600.0);
    let acb = a.chart.curves.iter().find(|c| c.device_id == "ACB1").unwrap();
    assert!((acb.current_scale - 210.0 / 6600.0).abs() < 1e-12);
    let lv = a.chart.fault_markers.iter().find(|m| m.bus_id == "LV").unwrap();
    assert!((lv.current_a / 961.1 - 1.0).abs() < 1e-3);
}

#[test]
fn invalid_input_is_refused_with_pointers() {
    let errors = parse_and_analyze(r#"{"schema_version": 1, "name": "x"}"#).unwrap_err();
    assert!(!errors.is_empty());
    assert!(parse_and_analyze("not json").is_err());
}

/// Replace numbers at random with hostile values, keeping the JSON structure.
fn mutate(v: &mut Value, picks: &mut impl Iterator<Item = (bool, f64)>) {
    match v {
        Value::Number(_) => {
            if let Some((true, x)) = picks.next() {
                if let Some(n) = serde_json::Number::from_f64(x) {
                    *v = Value::Number(n);
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|x| mutate(x, picks)),
        Value::Object(o) => o.values_mut().for_each(|x| mutate(x, picks)),
        _ => {}
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// `analyze` is meant for validated projects, but must not panic on anything the model
    /// can hold: zero, negative, tiny and huge numbers anywhere.
    #[test]
    fn analyze_never_panics_on_unvalidated_projects(
        which in 0usize..FIXTURES.len(),
        picks in proptest::collection::vec((proptest::bool::weighted(0.15), prop_oneof![Just(0.0), Just(-1.0), Just(1e-300), Just(1e300), Just(0.5), Just(1e6), -1e4f64..1e4]), 400)
    ) {
        let mut v: Value = serde_json::from_str(&fixture(FIXTURES[which])).unwrap();
        mutate(&mut v, &mut picks.into_iter());
        if let Ok(p) = serde_json::from_value::<Project>(v) {
            let a = analyze(&p, &CheckSettings::default());
            let _ = serde_json::to_string(&a).unwrap();
            let _ = report_text(&a);
        }
    }
}
