//! Coordination checks on docs/engineering.md §5 reference case B (`tests/fixtures/case_b.json`):
//! OCR CT 75/5, tap 4.5 A (67.5 A), EI, lever 2, instantaneous 40 A (600 A); 500 kVA
//! 6.6 kV/210 V transformer; LV main ACB. Every expected number is worked out by hand from
//! the §1/§5 formulas in the comments, with the tolerance stated in the assertion.

use domain::analysis::{analyze, parse_and_analyze, Analysis};
use domain::checks::{devices, CheckResult, CheckSettings, MarginUnit, Status};
use domain::model::{parse_project_with, Device, Project};
use serde_json::Value;

fn case_b_json() -> Value {
    let path = format!("{}/../../tests/fixtures/case_b.json", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).expect("fixture")).expect("json")
}

fn project(v: &Value) -> Project {
    parse_project_with(&v.to_string(), domain::library::builtin()).expect("valid project")
}

fn run(v: &Value) -> Analysis {
    parse_and_analyze(&v.to_string()).expect("valid project")
}

fn find<'a>(a: &'a Analysis, rule: &str, devices: &[&str]) -> &'a CheckResult {
    a.checks
        .iter()
        .find(|c| c.rule == rule && c.devices == devices)
        .unwrap_or_else(|| panic!("no {rule} {devices:?} in {:#?}", a.checks))
}

fn rel(a: f64, b: f64) -> f64 {
    ((a - b) / b).abs()
}

fn vcb1_index(v: &Value) -> usize {
    v["devices"].as_array().unwrap().iter().position(|d| d["id"] == "VCB1").unwrap()
}

#[test]
fn test_sheet_gives_2_00_s_at_300_and_0_333_s_at_700_percent() {
    let a = run(&case_b_json());
    let row = a.test_sheet.iter().find(|r| r.device_id == "VCB1").unwrap();
    // 80/(3² − 1) × 2/10 = 2.000 s; 80/(7² − 1) × 2/10 = 0.3333 s.
    assert!(rel(row.points[0].nominal_s, 2.0) < 1e-9);
    assert!(rel(row.points[1].nominal_s, 1.0 / 3.0) < 1e-9);
    assert_eq!(row.points[0].current_secondary_a, 13.5);
    assert_eq!(row.points[1].current_primary_a, 7.0 * 67.5);
    // Bands ±17 % and ±12 %.
    assert!(rel(row.points[0].min_s, 1.66) < 1e-9 && rel(row.points[0].max_s, 2.34) < 1e-9);
    assert!(rel(row.points[1].min_s, 0.88 / 3.0) < 1e-9 && rel(row.points[1].max_s, 1.12 / 3.0) < 1e-9);
    let inst = row.instantaneous.as_ref().unwrap();
    assert_eq!((inst.tap_a, inst.test_current_secondary_a, inst.max_s), (40.0, 80.0, 0.05));
}

#[test]
fn inrush_437_a_does_not_trip_the_main_ocr() {
    let v = case_b_json();
    let a = run(&v);
    let c = find(&a, "transformer_inrush", &["VCB1", "TR1"]);
    assert_eq!(c.status, Status::Pass);
    // 10 × 500 kVA/(√3 × 6.6 kV) = 437.4 A (0.1 %).
    let inrush = 10.0 * 500_000.0 / (3f64.sqrt() * 6600.0);
    assert!(rel(c.at_current_a.unwrap(), inrush) < 1e-3);
    // Nominal relay time there: M = 6.48, 80/(M² − 1) × 0.2 = 0.390 s (0.5 %).
    let p = project(&v);
    let Some(Device::Vcb(vcb)) = p.device("VCB1") else { panic!() };
    let relay = devices::relay_from_ocr(&vcb.ocr, &domain::library::resolve::Resolver::builtin_only(), &CheckSettings::default(), 50.0).unwrap();
    assert!(rel(relay.nominal(inrush), 0.390) < 5e-3);
    // The check used the earliest edge (pickup −10 %: M = 7.20 → 0.315 s), still above 0.1 s.
    let m = 437.4 / 60.75;
    let earliest = 80.0 / (m * m - 1.0) * 0.2;
    let margin = c.worst_margin.unwrap();
    assert_eq!(margin.unit, MarginUnit::Seconds);
    assert!((margin.value.unwrap() - (earliest - 0.1)).abs() < 2e-3, "{margin:?}");
}

#[test]
fn lv_fault_961_a_is_cleared_by_the_main_ocr_and_is_within_transformer_withstand() {
    let v = case_b_json();
    let a = run(&v);
    let lv = a.short_circuit.bus("LV").unwrap();
    assert!(rel(lv.percent_z.ik_at_utility_a, 961.1) < 1e-3);
    let p = project(&v);
    let Some(Device::Vcb(vcb)) = p.device("VCB1") else { panic!() };
    let relay = devices::relay_from_ocr(&vcb.ocr, &domain::library::resolve::Resolver::builtin_only(), &CheckSettings::default(), 50.0).unwrap();
    // Time element at 961 A: M = 14.24, 80/(M² − 1) × 0.2 = 0.079 s (0.5 %).
    assert!(rel(relay.time_element_nominal(961.1), 0.079) < 5e-3);
    // Withstand 25 × 43.74 A = 1093 A for 2 s → at 961 A: 2 × (1093/961)² = 2.589 s (I²t);
    // the instantaneous element (600 A, certain from 690 A) clears in 0.05 s + 3 cycles at 50 Hz.
    let c = find(&a, "transformer_protection", &["VCB1", "TR1"]);
    assert_eq!(c.status, Status::Pass);
    let withstand = 2.0 * (25.0 * 500_000.0 / (3f64.sqrt() * 6600.0) / 961.1f64).powi(2);
    assert!((c.worst_margin.unwrap().value.unwrap() - (withstand - 0.11)).abs() < 5e-3);
}

#[test]
fn instantaneous_600_a_below_the_lv_fault_is_a_selectivity_warning_with_the_lv_main() {
    let a = run(&case_b_json());
    let c = find(&a, "ocr_vs_lv_main", &["VCB1", "ACB1"]);
    assert_eq!(c.status, Status::Warning);
    assert!(c.message_en.contains("instantaneous element") && c.message_en.contains("600 A"), "{}", c.message_en);
    assert!(c.message_ja.contains("瞬時要素"));
}

#[test]
fn breaking_capacity_ratio_is_12_5_over_11_661() {
    let a = run(&case_b_json());
    let c = find(&a, "breaking_capacity", &["VCB1"]);
    assert_eq!(c.status, Status::Pass);
    assert!(rel(c.worst_margin.unwrap().value.unwrap(), 12.5 / 11.661) < 1e-3);
}

#[test]
fn instantaneous_just_above_inrush_fails_once_its_tolerance_is_counted() {
    // Instantaneous 32 A × 15 = 480 A: above the 437 A inrush nominally, but −15 % gives
    // 408 A, below it. A nominal-only check would pass; this one must fail.
    let mut v = case_b_json();
    let i = vcb1_index(&v);
    v["devices"][i]["ocr"]["instantaneous_tap_a"] = 32.into();
    let a = run(&v);
    let c = find(&a, "transformer_inrush", &["VCB1", "TR1"]);
    assert_eq!(c.status, Status::Fail, "{}", c.message_en);
    assert!(c.worst_margin.unwrap().value.unwrap() < 0.0);
}

#[test]
fn main_vs_utility_uses_the_margin_setting() {
    // Below the utility's instantaneous pickup (80 A × 120 = 9.6 kA, which is also 20 × its
    // 480 A time pickup) the smallest nominal gap is where both curves are flat (≥ 20 ×
    // pickup): utility VI lever 5: 13.5/19 × 0.5 = 0.3553 s; main EI lever 2: 80/399 × 0.2 =
    // 0.0401 s (faster than its 0.05 s instantaneous) → 0.315 s. It passes the 0.3 s default
    // (the utility's own instantaneous element, which may act from 8.16 kA, gives a
    // partial-selectivity warning) and fails a 0.4 s margin.
    let mut v = case_b_json();
    let a = run(&v);
    let c = find(&a, "main_vs_utility", &["utility", "VCB1"]);
    assert_eq!(c.status, Status::Warning, "{}", c.message_en);
    v["settings"] = serde_json::json!({ "margin_s": 0.4 });
    let a = run(&v);
    let c = find(&a, "main_vs_utility", &["utility", "VCB1"]);
    assert_eq!(c.status, Status::Fail);
    assert!((c.worst_margin.unwrap().value.unwrap() - (13.5 / 19.0 * 0.5 - 80.0 / 399.0 * 0.2)).abs() < 1e-6, "{c:#?}");
}

#[test]
fn incoming_cable_is_judged_against_the_utility_relay_that_protects_it() {
    // C1 (CVT 38 mm²) withstands (134 × 38 / 12 435)² = 0.168 s. The fixture's utility
    // instantaneous element is 80 A × 120 = 9.6 kA, certain from 11.04 kA (+15 %): at the
    // 12.4 kA service-point fault the utility clears in 0.05 + 0.06 s and the cable passes.
    let mut v = case_b_json();
    assert_eq!(v["utility"]["ocr"]["instantaneous_tap_a"], 80);
    let a = run(&v);
    let c = find(&a, "cable_withstand", &["utility", "C1"]);
    assert_eq!(c.status, Status::Pass, "{}", c.message_en);
    let limit = (134.0 * 38.0 / 12_434.7f64).powi(2);
    assert!((c.worst_margin.unwrap().value.unwrap() - (limit - 0.11)).abs() < 2e-3);
    // With the utility's instantaneous at 100 A (12 kA) it is certain only from 13.8 kA, so
    // at 12.4 kA the utility clears on its time element: 0.3553 × 1.12 + 0.06 = 0.458 s →
    // fail. The check judges the cable against the relay that really protects it.
    v["utility"]["ocr"]["instantaneous_tap_a"] = 100.into();
    let a = run(&v);
    let c = find(&a, "cable_withstand", &["utility", "C1"]);
    assert_eq!(c.status, Status::Fail);
    assert!((c.worst_margin.unwrap().value.unwrap() - (limit - (13.5 / 19.0 * 0.5 * 1.12 + 0.06))).abs() < 2e-3);
}

#[test]
fn checks_run_from_the_settings_the_project_gives() {
    let mut v = case_b_json();
    v["settings"] = serde_json::json!({ "inrush_multiple": 12, "inrush_duration_s": 0.2 });
    let p = project(&v);
    let s = CheckSettings::from_project(&p);
    assert_eq!((s.inrush_multiple, s.inrush_duration_s, s.margin_s), (12.0, 0.2, 0.3));
    let a = analyze(&p, &s);
    let c = find(&a, "transformer_inrush", &["VCB1", "TR1"]);
    assert!(rel(c.at_current_a.unwrap(), 12.0 * 500_000.0 / (3f64.sqrt() * 6600.0)) < 1e-3);
}
