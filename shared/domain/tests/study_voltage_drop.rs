//! Voltage drop (docs/engineering.md §10.4) and the rule `voltage_drop`
//! (docs/rules/design_study.md): the simplified and exact drops of cables and transformers,
//! marched from every load to the service point, and the 内線規程 1310-1 limits of the LV
//! wiring.

mod mutate;

use domain::checks::Status;
use domain::study::voltage_drop::{exact_drop_three_phase_v, simplified_drop_v, transformer_regulation_exact_percent, transformer_regulation_percent, Section, VoltageDropRow, WiringLimits};
use mutate::{device, find, fixture, margin, of_rule, run};
use serde_json::{json, Value};

const SQRT3: f64 = 1.732_050_807_568_877_2;

fn project(devices: Vec<Value>) -> Value {
    json!({
        "schema_version": 1,
        "name": "voltage drop",
        "utility": {"bus": "SP", "voltage_v": 6600, "frequency_hz": "50",
                    "short_circuit": {"form": "current", "ik_ka": 12.5, "x_over_r": 10}},
        "devices": devices
    })
}

fn cable(id: &str, from: &str, to: &str, length_m: f64, r: f64, x: f64) -> Value {
    json!({"type": "cable", "id": id, "from": from, "to": to, "cable_type": "CV", "size_mm2": 38, "length_m": length_m,
           "r_ohm_per_km": r, "x_ohm_per_km": x})
}

fn row<'a>(a: &'a domain::analysis::Analysis, load: &str) -> &'a VoltageDropRow {
    a.design_study.voltage_drop.iter().find(|r| r.load_id == load).expect("row")
}

#[test]
fn worked_example_denken3_h26_denryoku_q7() {
    // Source: 第三種電気主任技術者試験 平成26年度 電力 問7. A 6.6 kV three-phase line with
    // R = 0.9 Ω and X = 0.5 Ω per conductor feeds a load at lagging power factor 0.85; its
    // drop may be 5 % of the 6 600 V receiving voltage (330 V). √3·I·(0.9 × 0.85 + 0.5 ×
    // 0.53) ≤ 330 gives I ≤ 185 A, i.e. √3 × 6 600 × 185 × 0.85 ≈ 1 798 kW (answer (2)).
    let e = simplified_drop_v(SQRT3, 185.0, 0.9, 0.5, 0.85);
    assert!((e - 330.0).abs() / 330.0 < 0.005, "{e} V against 330 V");
    // The exact form, |E_r + Z·I| − E_r, differs by the quadrature term I (X cos φ − R sin φ)
    // = 185 × (0.425 − 0.474) = −9.1 V per phase: 0.02 V on 330 V.
    let exact = exact_drop_three_phase_v(6600.0, 185.0, 0.9, 0.5, 0.85);
    let er = 6600.0 / SQRT3;
    let sin = (1.0f64 - 0.85 * 0.85).sqrt();
    let by_hand = SQRT3 * ((er + 185.0 * (0.9 * 0.85 + 0.5 * sin)).hypot(185.0 * (0.5 * 0.85 - 0.9 * sin)) - er);
    assert!((exact - by_hand).abs() < 1e-9 && exact > e && exact - e < 0.05, "{exact} {e}");

    // Through the model: the 1 798 kW load (2 115.3 kVA at 0.85) at the end of 1 km of line
    // of 0.9 + j0.5 Ω/km draws 185.0 A and sees a 5.0 % drop.
    let v = project(vec![
        json!({"type": "bus", "id": "SP", "voltage_v": 6600}),
        json!({"type": "bus", "id": "F", "voltage_v": 6600}),
        cable("LINE", "SP", "F", 1000.0, 0.9, 0.5),
        json!({"type": "load", "id": "LOAD", "bus": "F", "rated_kva": 1798.0 / 0.85, "power_factor": 0.85, "rated_voltage_v": 6600}),
    ]);
    let a = run(&v);
    let r = row(&a, "LOAD");
    assert!((r.segments[0].current_a - 185.0).abs() / 185.0 < 0.005, "{}", r.segments[0].current_a);
    assert_eq!(r.segments[0].section, Section::Supply);
    assert!((r.total_percent.simplified - 5.0).abs() / 5.0 < 0.005, "{:?}", r.total_percent);
    assert!(r.total_percent.exact >= r.total_percent.simplified, "exact ≥ simplified for a lagging load");
    assert_eq!(r.limits, None, "no transformer: 内線規程 does not apply");
    assert!(of_rule(&a, "voltage_drop").is_empty());
}

#[test]
fn worked_example_denken3_h26_kikai_q8_transformer_regulation() {
    // Source: 第三種電気主任技術者試験 平成26年度 機械 問8. A transformer whose resistance and
    // reactance drops at rated current are 1 % and 3 % of its 100 V secondary (r = 0.001 Ω,
    // x = 0.003 Ω at 1 000 A), at lagging power factor 0.8: ε = 1 × 0.8 + 3 × 0.6 = 2.6 %.
    assert!((transformer_regulation_percent(1.0, 1.0, 3.0, 0.8) - 2.6).abs() < 1e-12);
    // Exact (receiving end at rated voltage): √((1 + 0.026)² + 0.018²) − 1 = 2.6158 %; the
    // textbook's second-order form 2.6 + (3 × 0.8 − 1 × 0.6)² / 200 = 2.6162 % agrees to 0.001.
    let exact = transformer_regulation_exact_percent(1.0, 1.0, 3.0, 0.8);
    assert!((exact - (2.6 + 1.8f64.powi(2) / 200.0)).abs() < 1e-3, "{exact}");

    // Through the model: a 100 kVA transformer with %R 1, %X 3 at full load, power factor 0.8.
    let v = project(vec![
        json!({"type": "bus", "id": "SP", "voltage_v": 6600}),
        json!({"type": "bus", "id": "LV", "voltage_v": 210}),
        json!({"type": "transformer", "id": "TR", "from": "SP", "to": "LV", "phases": "three", "rated_kva": 100,
               "primary_v": 6600, "secondary_v": 210, "impedance": {"form": "rx", "r_percent": 1.0, "x_percent": 3.0}}),
        json!({"type": "load", "id": "LOAD", "bus": "LV", "rated_kva": 100, "power_factor": 0.8, "rated_voltage_v": 200}),
    ]);
    let a = run(&v);
    let r = row(&a, "LOAD");
    assert!((r.transformer_percent.simplified - 2.6).abs() / 2.6 < 0.005, "{:?}", r.transformer_percent);
    assert!((r.transformer_percent.exact - exact).abs() < 1e-9, "{:?}", r.transformer_percent);
    assert_eq!(r.limits, None, "no LV cable: nothing for 内線規程 to judge");
}

/// A 100 kVA 210 V transformer, a trunk cable to the LV main board, an MCCB, a branch cable of
/// `branch_m` to a 30 kVA load at power factor 1 (82.48 A).
fn lv_site(branch_m: f64) -> Value {
    project(vec![
        json!({"type": "bus", "id": "SP", "voltage_v": 6600}),
        json!({"type": "bus", "id": "LV", "voltage_v": 210}),
        json!({"type": "bus", "id": "LVM", "voltage_v": 210}),
        json!({"type": "bus", "id": "LVB", "voltage_v": 210}),
        json!({"type": "bus", "id": "LVL", "voltage_v": 210}),
        json!({"type": "transformer", "id": "TR", "from": "SP", "to": "LV", "phases": "three", "rated_kva": 100,
               "primary_v": 6600, "secondary_v": 210, "impedance": {"form": "rx", "r_percent": 1.0, "x_percent": 3.0}}),
        cable("TRUNK", "LV", "LVM", 20.0, 0.5, 0.08),
        json!({"type": "lv_breaker", "id": "MCCB", "from": "LVM", "to": "LVB", "kind": "mccb", "rated_current_a": 100, "frame_a": 100,
               "breaking_capacity_ka": 25, "trip": {"kind": "thermal_magnetic"}}),
        cable("BRANCH", "LVB", "LVL", branch_m, 1.0, 0.1),
        json!({"type": "load", "id": "LOAD", "bus": "LVL", "rated_kva": 30, "power_factor": 1.0, "rated_voltage_v": 200}),
    ])
}

#[test]
fn trunk_and_branch_are_judged_apart_up_to_60_m() {
    // I = 30 kVA / (√3 × 210 V) = 82.48 A at power factor 1. Trunk 20 m of 0.5 Ω/km:
    // √3 × 82.48 × 0.5 × 0.020 = 1.429 V = 0.680 %. Branch of 1.0 Ω/km: 25 m → 3.571 V =
    // 1.701 % (passes the 2 % branch limit); 30 m → 4.286 V = 2.041 % (fails). Route 45 / 50 m.
    let i = 30_000.0 / (SQRT3 * 210.0);
    let a = run(&lv_site(25.0));
    let r = row(&a, "LOAD");
    assert!((r.trunk_percent.simplified - SQRT3 * i * 0.5 * 0.020 / 210.0 * 100.0).abs() < 1e-9, "{:?}", r.trunk_percent);
    assert!((r.branch_percent.simplified - 1.701).abs() < 0.001, "{:?}", r.branch_percent);
    assert_eq!(r.limits, Some(WiringLimits::Split { trunk_percent: 3.0, branch_percent: 2.0 }));
    assert_eq!(r.wiring_length_m, 45.0);
    let c = find(&a, "voltage_drop", &["TR", "TRUNK", "BRANCH", "LOAD"]);
    assert_eq!(c.status, Status::Pass, "{}", c.message_en);

    // One mistake: the branch is 30 m.
    let a = run(&lv_site(30.0));
    let r = row(&a, "LOAD");
    assert!((r.branch_percent.simplified - 2.041).abs() < 0.001, "{:?}", r.branch_percent);
    let c = find(&a, "voltage_drop", &["TR", "TRUNK", "BRANCH", "LOAD"]);
    assert_eq!(c.status, Status::Fail, "{}", c.message_en);
    assert!((margin(c) - 2.0 / r.branch_percent.exact).abs() < 1e-9, "judged on the larger (exact) drop");
    assert!(c.message_en.contains("branch 2.04 % (limit 2 %)"), "{}", c.message_en);
}

#[test]
fn longer_routes_are_judged_on_the_total_by_the_table() {
    // 内線規程 表1310-1, supply from a transformer: a 70 m route (20 + 50) may drop 5 % in
    // all: 0.680 + 3.402 = 4.08 % passes, although the branch alone is above 2 %.
    let a = run(&lv_site(50.0));
    let r = row(&a, "LOAD");
    assert_eq!(r.limits, Some(WiringLimits::Total { percent: 5.0 }));
    assert_eq!(find(&a, "voltage_drop", &["TR", "TRUNK", "BRANCH", "LOAD"]).status, Status::Pass);
    // 100 m (20 + 80): 0.680 + 5.443 = 6.12 % against 5 % (up to 120 m): fails.
    let a = run(&lv_site(80.0));
    let c = find(&a, "voltage_drop", &["TR", "TRUNK", "BRANCH", "LOAD"]);
    assert_eq!(c.status, Status::Fail, "{}", c.message_en);
    assert!(c.message_en.contains("limit 5 % for a 100.0 m route"), "{}", c.message_en);
}

#[test]
fn single_phase_wiring_uses_the_loop_of_both_conductors() {
    // 1φ3W 210/105 V, balanced: a 21 kVA load draws 100 A on the outer conductors; 20 m of
    // 1.0 Ω/km drops 2 × 100 × 0.020 = 4 V of 210 V (= 2 V of 105 V, K = 1): 1.905 %.
    let v = project(vec![
        json!({"type": "bus", "id": "SP", "voltage_v": 6600}),
        json!({"type": "bus", "id": "LV", "voltage_v": 210, "single_phase": true}),
        json!({"type": "bus", "id": "LVL", "voltage_v": 210, "single_phase": true}),
        json!({"type": "transformer", "id": "TR", "from": "SP", "to": "LV", "phases": "single", "rated_kva": 50,
               "primary_v": 6600, "secondary_v": 210, "impedance": {"form": "rx", "r_percent": 1.5, "x_percent": 2.0}}),
        cable("C", "LV", "LVL", 20.0, 1.0, 0.0),
        json!({"type": "load", "id": "LOAD", "bus": "LVL", "rated_kva": 21, "power_factor": 1.0, "rated_voltage_v": 210}),
    ]);
    let a = run(&v);
    let r = row(&a, "LOAD");
    assert!((r.segments.iter().find(|s| s.device_id == "C").unwrap().current_a - 100.0).abs() < 1e-9);
    assert!((r.trunk_percent.simplified - 4.0 / 210.0 * 100.0).abs() < 1e-9, "{:?}", r.trunk_percent);
}

#[test]
fn the_sample_feeder_passes_and_a_400_m_route_fails_naming_it() {
    // cb_multi: L2 400 kVA at 0.85 on 420 V (549.9 A) through C_LV2, CV 325 mm² 40 m below
    // ACB2 (the branch): 0.83 %, within 2 %.
    let a = run(&fixture("cb_multi.json"));
    let c = find(&a, "voltage_drop", &["TR2", "C_LV2", "L2"]);
    assert_eq!(c.status, Status::Pass, "{}", c.message_en);
    let r = row(&a, "L2");
    assert!((r.branch_percent.simplified - 0.8286).abs() < 0.001, "{:?}", r.branch_percent);
    // One mistake: the same cable 400 m long — 8.29 % against 7 % (routes beyond 200 m).
    let mut v = fixture("cb_multi.json");
    device(&mut v, "C_LV2")["length_m"] = 400.0.into();
    let a = run(&v);
    let c = find(&a, "voltage_drop", &["TR2", "C_LV2", "L2"]);
    assert_eq!(c.status, Status::Fail, "{}", c.message_en);
    assert!(c.message_ja.contains("上限を超えます") && c.message_en.contains("limit 7 %"), "{}", c.message_en);
    assert!((row(&a, "L2").branch_percent.simplified - 8.286).abs() < 0.01);
}

#[test]
fn the_analysis_json_carries_the_design_study_with_named_fields() {
    // What the web client and `kyocho analyze --json` receive.
    let a = run(&fixture("cb_multi.json"));
    let v = serde_json::to_value(&a).expect("serializable");
    let l2 = v["design_study"]["voltage_drop"].as_array().unwrap().iter().find(|r| r["load_id"] == "L2").expect("L2");
    assert!(l2["branch_percent"]["exact"].as_f64().unwrap() > 0.82);
    assert_eq!(l2["limits"], json!({"kind": "split", "trunk_percent": 3.0, "branch_percent": 2.0}));
    assert_eq!(v["design_study"]["transformers"][1]["selected_kva"], json!(500.0), "TR2: 400 kVA / 0.8 → 500 kVA");
    assert_eq!(v["settings"]["design_study"]["long_route_limits"][2], json!({"up_to_m": null, "limit_percent": 7.0}));
}

#[test]
fn the_exact_march_agrees_with_an_ohmic_calculation_of_the_whole_chain() {
    // lv_site(25 m): every segment carries the same 82.48 A at power factor 1. Referred to
    // 210 V the transformer is (0.01 + j0.03) × 210² / 100 kVA = 0.00441 + j0.01323 Ω; the trunk
    // 20 m of 0.5 + j0.08 Ω/km, the branch 25 m of 1.0 + j0.1 Ω/km. Sending-end phase voltage
    // E_s = |E_r + I·ΣZ| with E_r = 210 / √3; the exact drop is (E_s − E_r) / E_r.
    let a = run(&lv_site(25.0));
    let r = row(&a, "LOAD");
    let i = 30_000.0 / (SQRT3 * 210.0);
    let (rt, xt) = (0.01 * 210.0 * 210.0 / 100_000.0 + 0.5 * 0.020 + 1.0 * 0.025, 0.03 * 210.0 * 210.0 / 100_000.0 + 0.08 * 0.020 + 0.1 * 0.025);
    let er = 210.0 / SQRT3;
    let es = (er + i * rt).hypot(i * xt);
    let by_hand = (es - er) / er * 100.0;
    let engine = r.transformer_percent.exact + r.trunk_percent.exact + r.branch_percent.exact + r.supply_percent.exact;
    assert!((engine - by_hand).abs() < 1e-9, "{engine} vs {by_hand}");
    assert!((r.total_percent.exact - by_hand).abs() < 1e-9);
    // The simplified sum is I·ΣR·√3 / V here (power factor 1): smaller by the quadrature term.
    assert!((r.total_percent.simplified - i * rt / er * 100.0).abs() < 1e-9);
    assert!(r.total_percent.exact > r.total_percent.simplified);
}
