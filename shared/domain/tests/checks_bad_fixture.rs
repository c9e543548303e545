//! `tests/fixtures/bad_coordination.json` fails exactly the rules its README lists, naming
//! the right devices, with the numbers the README gives.

use std::collections::BTreeSet;

use domain::analysis::parse_and_analyze;
use domain::checks::Status;

fn fixture(name: &str) -> String {
    let path = format!("{}/../../tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The README's list: rule 1 `VCB_MAIN` against the utility (0.155 s < 0.3 s), rule 2
/// `VCB_TR1` tripped by the inrush of `TR1`, rule 4 `hv_series VCB_MAIN > VCB_TR1` (0.180 s
/// < 0.3 s) and `ocr_vs_lv_main VCB_TR1 > MCCB_LV1` (time element from about 70 A), rule 6
/// `C_TR1` protected by `VCB_TR1`, rule 7 `MCCB_LV1`, rule 8 `PAS` slower than the utility
/// and needing a DGR; ratings (`docs/rules/ratings.md`): `VCB_TR1`'s pickup below its
/// transformer's rated current and `MCCB_LV1` below its load.
///
/// The rule-4 failure comes from the same main setting as rule 1: its flat 0.2005 s (EI
/// lever 10, instantaneous locked) leaves the feeder relay (EI lever 1, flat 0.020 s) only
/// 0.18 s, below the 0.3 s series margin of docs/engineering.md §2. No feeder setting can
/// coordinate with that main, so the README lists it as part of the fixture's premise.
#[test]
fn bad_coordination_fails_exactly_the_intended_rules() {
    let a = parse_and_analyze(&fixture("bad_coordination.json")).expect("the fixture is valid input");
    let failed: BTreeSet<(String, Vec<String>)> =
        a.checks.iter().filter(|c| c.status == Status::Fail).map(|c| (c.rule.to_string(), c.devices.clone())).collect();
    let expected: BTreeSet<(String, Vec<String>)> = [
        ("main_vs_utility", vec!["utility", "VCB_MAIN"]),
        ("hv_series", vec!["VCB_MAIN", "VCB_TR1"]),
        ("ocr_vs_lv_main", vec!["VCB_TR1", "MCCB_LV1"]),
        ("transformer_inrush", vec!["VCB_TR1", "TR1"]),
        ("cable_withstand", vec!["VCB_TR1", "C_TR1"]),
        ("breaking_capacity", vec!["MCCB_LV1"]),
        ("ground_vs_utility", vec!["utility", "PAS"]),
        ("dgr_required", vec!["PAS"]),
        // Ratings: pickup 60 A < 65.6 A of TR1; 200 A MCCB for 412 A of load.
        ("ocr_pickup", vec!["VCB_TR1"]),
        ("lv_breaker_rating", vec!["MCCB_LV1"]),
    ]
    .into_iter()
    .map(|(r, d)| (r.to_string(), d.into_iter().map(String::from).collect()))
    .collect();
    assert_eq!(failed, expected, "{:#?}", a.checks);
    assert_eq!(a.summary.status, Status::Fail);

    // The numbers the README gives, within its own rounding.
    let margin = |rule: &str| a.checks.iter().find(|c| c.rule == rule).and_then(|c| c.worst_margin).and_then(|m| m.value).unwrap();
    // Rule 1: 0.3553 − 0.2005 = 0.155 s.
    assert!((margin("main_vs_utility") - (13.5 / 19.0 * 0.5 - 80.0 / 399.0)).abs() < 1e-6);
    // Rule 4: main flat 80/399 × 10/10 = 0.2005 s, feeder flat 80/399 × 1/10 = 0.0201 s (its
    // time element is faster than its 0.05 s instantaneous) → 0.180 s at 20 × 90 A = 1800 A.
    let series = a.checks.iter().find(|c| c.rule == "hv_series" && c.devices == ["VCB_MAIN", "VCB_TR1"]).unwrap();
    assert!((series.worst_margin.unwrap().value.unwrap() - 80.0 / 399.0 * 0.9).abs() < 1e-6, "{series:#?}");
    assert!((series.at_current_a.unwrap() - 1800.0).abs() < 1.0, "{series:#?}");
    // Rule 7: 10 kA / 37.033 kA.
    let mccb = a.checks.iter().find(|c| c.rule == "breaking_capacity" && c.devices == ["MCCB_LV1"]).unwrap();
    assert!((mccb.worst_margin.unwrap().value.unwrap() - 10.0 / 37.033).abs() < 1e-3);
    // Rule 6: (134 × 14 / 10 556)² = 0.0316 s against the feeder's 0.05 s + 0.05 s (60 Hz).
    let cable = a.checks.iter().find(|c| c.rule == "cable_withstand" && c.devices == ["VCB_TR1", "C_TR1"]).unwrap();
    assert!(cable.message_en.contains("0.032 s"), "{}", cable.message_en);
    // Rule 8: charging current of 430 m of HV cable below the PAS ≈ 0.80 A > 0.18 A.
    let dgr = a.checks.iter().find(|c| c.rule == "dgr_required").unwrap();
    assert!(dgr.at_current_a.unwrap() > 0.5);
}
