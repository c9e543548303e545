//! Transformer sizing (docs/engineering.md §10.2) and the rule `transformer_loading`
//! (docs/rules/design_study.md): the demand of a transformer from its loads' demand factors
//! (需要率) and the diversity factor (不等率), the standard size that demand calls for, and
//! the check that an installed transformer is not overloaded.

mod mutate;

use domain::analysis::analyze;
use domain::checks::{CheckSettings, Status};
use domain::model::Phases;
use domain::study::transformer_sizing::{select_standard_kva, SINGLE_PHASE_SIZES_KVA, THREE_PHASE_SIZES_KVA};
use mutate::{device, find, fixture, margin, of_rule, run};
use serde_json::{json, Value};

/// A 6.6 kV site with one 3φ transformer feeding `loads` (JSON objects without `type`/`bus`).
fn site(rated_kva: f64, loads: Vec<Value>) -> Value {
    let mut devices = vec![
        json!({"type": "bus", "id": "HV", "voltage_v": 6600}),
        json!({"type": "bus", "id": "LV", "voltage_v": 210}),
        json!({"type": "transformer", "id": "TR", "from": "HV", "to": "LV", "phases": "three", "rated_kva": rated_kva,
               "primary_v": 6600, "secondary_v": 210, "impedance": {"form": "rx", "r_percent": 1.2, "x_percent": 4.0}}),
    ];
    for mut l in loads {
        l["type"] = "load".into();
        l["bus"] = "LV".into();
        l["rated_voltage_v"] = 200.into();
        devices.push(l);
    }
    json!({
        "schema_version": 1,
        "name": "sizing",
        "utility": {"bus": "HV", "voltage_v": 6600, "frequency_hz": "50",
                    "short_circuit": {"form": "current", "ik_ka": 12.5, "x_over_r": 10}},
        "devices": devices
    })
}

fn analyse(v: &Value, settings: &CheckSettings) -> domain::analysis::Analysis {
    let p = domain::validate::parse_project_with(&v.to_string(), domain::library::builtin()).expect("valid project");
    analyze(&p, settings)
}

#[test]
fn the_standard_sizes_are_those_of_jis_c_4304() {
    assert_eq!(THREE_PHASE_SIZES_KVA.first(), Some(&20.0));
    assert_eq!(THREE_PHASE_SIZES_KVA.last(), Some(&2000.0));
    assert_eq!(SINGLE_PHASE_SIZES_KVA.first(), Some(&10.0));
    assert_eq!(SINGLE_PHASE_SIZES_KVA.last(), Some(&500.0));
    // Exactly at the limit selects that size; a hair above selects the next one.
    assert_eq!(select_standard_kva(Phases::Three, 400.0, 0.8), Some(500.0));
    assert_eq!(select_standard_kva(Phases::Three, 400.1, 0.8), Some(750.0));
    assert_eq!(select_standard_kva(Phases::Single, 120.0, 0.8), Some(150.0));
    assert_eq!(select_standard_kva(Phases::Three, 1700.0, 0.8), None, "beyond 2 000 kVA at 80 %");
}

#[test]
fn worked_example_denken3_r4_kamiki_hoki_q12a() {
    // Source: 第三種電気主任技術者試験 令和4年度上期 法規 問12(a). A high-voltage customer with
    // 800 kW of load equipment, demand factor 70 %, overall power factor 90 %, supplied by
    // 100 kV·A transformers: maximum demand 0.7 × 800 = 560 kW, 560 / 0.9 = 622.2 kV·A, so at
    // least 7 transformers of 100 kV·A (answer (3)).
    // Here: two LV loads of 500 kW and 300 kW at power factor 0.9 (555.6 and 333.3 kVA),
    // each with demand factor 0.7, on one transformer.
    let v = site(
        750.0,
        vec![
            json!({"id": "L1", "rated_kva": 500.0 / 0.9, "power_factor": 0.9, "demand_factor": 0.7}),
            json!({"id": "L2", "rated_kva": 300.0 / 0.9, "power_factor": 0.9, "demand_factor": 0.7}),
        ],
    );
    let mut settings = CheckSettings::default();
    settings.design_study.transformer_loading_limit = 1.0; // the example loads to the rating
    let a = analyse(&v, &settings);
    let t = &a.design_study.transformers[0];
    let expected_kva = 560.0 / 0.9; // 622.2 kVA
    assert!((t.demand_kw - 560.0).abs() / 560.0 < 0.005, "{} kW", t.demand_kw);
    assert!((t.demand_kva - expected_kva).abs() / expected_kva < 0.005, "{} kVA against 622.2", t.demand_kva);
    assert_eq!((t.demand_kva / 100.0).ceil(), 7.0, "seven 100 kVA units, as the source answers");
    // One transformer instead: the next JIS standard size above 622.2 kVA is 750 kVA; with the
    // default 80 % loading limit 622.2 / 0.8 = 777.8 kVA calls for 1 000 kVA.
    assert_eq!(t.selected_kva, Some(750.0));
    assert_eq!(analyse(&v, &CheckSettings::default()).design_study.transformers[0].selected_kva, Some(1000.0));
    // 622.2 / 750 = 83.0 %: passes at the 100 % limit, warns at the default 80 %.
    assert_eq!(find(&a, "transformer_loading", &["TR"]).status, Status::Pass);
    let warn = analyse(&v, &CheckSettings::default());
    let c = find(&warn, "transformer_loading", &["TR"]);
    assert_eq!(c.status, Status::Warning, "{}", c.message_en);
    assert!(c.message_en.contains("1000 kVA"), "names the size to select: {}", c.message_en);
}

#[test]
fn the_diversity_factor_divides_the_summed_demands() {
    // 不等率 = Σ individual maximum demands / combined maximum demand: three loads whose own
    // maxima are 4, 3 and 3 kW (power factor 1) and whose combined maximum is 8 kW have a
    // diversity factor of 10 / 8 = 1.25.
    let v = site(
        20.0,
        vec![
            json!({"id": "A", "rated_kva": 4.0, "power_factor": 1.0}),
            json!({"id": "B", "rated_kva": 3.0, "power_factor": 1.0}),
            json!({"id": "C", "rated_kva": 3.0, "power_factor": 1.0}),
        ],
    );
    let mut settings = CheckSettings::default();
    settings.design_study.diversity_factor = 1.25;
    let t = analyse(&v, &settings).design_study.transformers[0].clone();
    assert!((t.demand_kva - 8.0).abs() < 1e-9, "{}", t.demand_kva);
    assert!((t.installed_kva - 10.0).abs() < 1e-9);
    assert_eq!(t.selected_kva, Some(20.0), "8 kVA ≤ 0.8 × 20 kVA");
}

#[test]
fn motors_count_with_their_input_and_demand_factor() {
    // A 37 kW motor at η 0.9, cos φ 0.85 draws 37 / (0.9 × 0.85) = 48.37 kVA; at demand factor
    // 0.5, 24.18 kVA.
    let mut v = site(50.0, vec![]);
    v["devices"].as_array_mut().unwrap().push(json!({"type": "motor", "id": "M", "bus": "LV", "rated_kw": 37, "rated_voltage_v": 200, "demand_factor": 0.5}));
    let a = analyse(&v, &CheckSettings::default());
    let row = &a.design_study.loads[0];
    assert!((row.installed_kva - 37.0 / 0.765).abs() < 1e-9);
    assert!((row.demand_kva - 0.5 * 37.0 / 0.765).abs() < 1e-9);
    assert_eq!(row.transformer_id.as_deref(), Some("TR"));
    assert_eq!(row.feeder_id, None, "directly on the transformer's bus");
}

#[test]
fn the_samples_transformers_carry_their_demand() {
    // case_b: 400 kVA on the 500 kVA TR1 — 80.0 %, exactly the default limit: passes.
    let a = run(&fixture("case_b.json"));
    let c = find(&a, "transformer_loading", &["TR1"]);
    assert_eq!(c.status, Status::Pass, "{}", c.message_en);
    assert!((margin(c) - 1.25).abs() < 1e-9, "500 / 400");
    // case_a has no load: nothing to judge.
    assert!(of_rule(&run(&fixture("case_a.json")), "transformer_loading").is_empty());
}

#[test]
fn an_overloaded_transformer_fails_naming_it() {
    // case_b with one mistake: the load L1 grows from 400 to 520 kVA on the 500 kVA TR1
    // (104 %).
    let mut v = fixture("case_b.json");
    device(&mut v, "L1")["rated_kva"] = 520.0.into();
    let a = run(&v);
    let c = find(&a, "transformer_loading", &["TR1"]);
    assert_eq!(c.status, Status::Fail, "{}", c.message_en);
    assert!((margin(c) - 500.0 / 520.0).abs() < 1e-9);
    assert!(c.message_en.contains("520.0 kVA") && c.message_en.contains("overloaded"), "{}", c.message_en);
    assert!(c.message_ja.contains("過負荷"), "{}", c.message_ja);
    // 450 kVA (90 %): within the rating but above the 80 % loading limit — a warning.
    device(&mut v, "L1")["rated_kva"] = 450.0.into();
    assert_eq!(find(&run(&v), "transformer_loading", &["TR1"]).status, Status::Warning);
    // The same 520 kVA with a demand factor of 0.75 is 390 kVA: passes again.
    device(&mut v, "L1")["rated_kva"] = 520.0.into();
    device(&mut v, "L1")["demand_factor"] = 0.75.into();
    let a = run(&v);
    let c = find(&a, "transformer_loading", &["TR1"]);
    assert_eq!(c.status, Status::Pass, "{}", c.message_en);
    assert!(c.message_en.contains("390.0 kVA") && c.message_en.contains("installed 520.0 kVA"), "the assumption is visible: {}", c.message_en);
}

#[test]
fn demand_factors_outside_0_to_1_are_refused_naming_the_field() {
    for bad in [0.0, -0.2, 1.2] {
        let mut v = fixture("case_b.json");
        device(&mut v, "L1")["demand_factor"] = bad.into();
        let errs = domain::validate::parse_project_with(&v.to_string(), domain::library::builtin()).expect_err("refused");
        assert!(errs.iter().any(|e| e.pointer.ends_with("/demand_factor")), "{bad}: {errs:?}");
    }
    let mut v = fixture("cb_multi.json");
    device(&mut v, "M1")["demand_factor"] = 1.5.into();
    let errs = domain::validate::parse_project_with(&v.to_string(), domain::library::builtin()).expect_err("refused");
    assert!(errs.iter().any(|e| e.pointer.ends_with("/demand_factor")), "{errs:?}");
}
