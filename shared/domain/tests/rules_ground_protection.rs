//! Ground protection (`docs/rules/ground_protection.md`): each rule passes on the unmutated
//! sample and fails, naming the device, on a sample with one mistake, with the numbers that
//! make it a mistake written here. Times are compared to 1e-9 s.

use domain::checks::{CheckResult, Status};
use serde_json::json;

mod mutate;
use mutate::{fixture as sample, device, run, find};





fn seconds(c: &CheckResult) -> f64 {
    c.worst_margin.and_then(|m| m.value).unwrap_or_else(|| panic!("no margin: {c:#?}"))
}

#[test]
fn a_service_point_switch_without_a_ground_relay_fails() {
    // case_b: PAS with DGR at the service point.
    let v = sample("case_b.json");
    assert_eq!(find(&run(&v), "service_ground_relay", &["PAS"]).status, Status::Pass);
    // The same PAS without its DGR: a ground fault on the site trips the utility's feeder.
    let mut bad = v.clone();
    device(&mut bad, "PAS").as_object_mut().unwrap().remove("ground_relay");
    let a = run(&bad);
    let c = find(&a, "service_ground_relay", &["PAS"]);
    assert_eq!(c.status, Status::Fail, "{}", c.message_en);
    // …and the lead-in cable behind it is in no ground relay's zone.
    assert_eq!(find(&a, "ground_relay_coverage", &["C1"]).status, Status::Fail);
}

#[test]
fn case_a_has_its_ground_relay_on_the_service_point_vcb() {
    let v = sample("case_a.json");
    assert_eq!(find(&run(&v), "service_ground_relay", &["VCB1"]).status, Status::Pass);
    let mut bad = v.clone();
    device(&mut bad, "VCB1").as_object_mut().unwrap().remove("ground_relay");
    assert_eq!(find(&run(&bad), "service_ground_relay", &["VCB1"]).status, Status::Fail);
}

#[test]
fn a_ground_relay_after_the_lead_in_cable_leaves_the_cable_uncovered() {
    // case_b with PAS and cable swapped: SP → C1 → P1 → PAS → HV. The service-point switch
    // (the first one met from the utility bus) still has its DGR, but C1 lies between the
    // utility bus and that relay: a ground fault on it trips the utility.
    let v = sample("case_b.json");
    assert_eq!(find(&run(&v), "ground_relay_coverage", &["PAS", "C1"]).status, Status::Pass);
    let mut bad = v.clone();
    let c1 = device(&mut bad, "C1");
    c1["from"] = json!("SP");
    c1["to"] = json!("P1");
    let pas = device(&mut bad, "PAS");
    pas["from"] = json!("P1");
    pas["to"] = json!("HV");
    let a = run(&bad);
    assert_eq!(find(&a, "service_ground_relay", &["PAS"]).status, Status::Pass);
    let c = find(&a, "ground_relay_coverage", &["C1"]);
    assert_eq!(c.status, Status::Fail, "{}", c.message_en);
}

#[test]
fn a_documented_exemption_turns_the_failure_into_a_warning_quoting_it() {
    let mut v = sample("case_b.json");
    device(&mut v, "PAS").as_object_mut().unwrap().remove("ground_relay");
    let reason = "電力会社の指示により受電点の地絡保護は配電線側で行う";
    v["settings"] = json!({ "ground_protection_exemption": reason });
    let a = run(&v);
    for (rule, devices) in [("service_ground_relay", &["PAS"][..]), ("ground_relay_coverage", &["C1"])] {
        let c = find(&a, rule, devices);
        assert_eq!(c.status, Status::Warning, "{rule}: {}", c.message_en);
        assert!(c.message_ja.contains(reason) && c.message_en.contains(reason), "{rule}: {}", c.message_en);
    }
}

#[test]
fn customer_dgr_voltage_above_the_utility_s_fails() {
    // case_b: customer 5 % (+25 % → 6.25 %) against the utility's 10 % (−25 % → 7.5 %).
    let v = sample("case_b.json");
    let c = find(&run(&v), "dgr_voltage", &["utility", "PAS"]).clone();
    assert_eq!(c.status, Status::Pass, "{}", c.message_en);
    assert!((seconds(&c) - 7.5 / 6.25).abs() < 1e-9);
    // 8 %: up to 10 % > 7.5 %.
    let mut bad = v.clone();
    device(&mut bad, "PAS")["ground_relay"]["voltage_percent"] = json!(8);
    let c = find(&run(&bad), "dgr_voltage", &["utility", "PAS"]).clone();
    assert_eq!(c.status, Status::Fail, "{}", c.message_en);
    assert!((seconds(&c) - 7.5 / 10.0).abs() < 1e-9);
    // The utility's V0 unknown: a warning, never a pass.
    let mut unknown = v.clone();
    unknown["utility"]["ground_relay"].as_object_mut().unwrap().remove("voltage_percent");
    assert_eq!(find(&run(&unknown), "dgr_voltage", &["utility", "PAS"]).status, Status::Warning);
}

#[test]
fn a_downstream_ground_relay_slower_than_the_upstream_fails() {
    // cb_multi: UGS DGR 0.3 s (earliest 0.27 s) above VCB_MAIN GR 0.1 s (latest 0.11 s +
    // 0.05 s breaker at 60 Hz = 0.16 s): 0.11 s ≥ the 0.1 s series margin.
    let v = sample("cb_multi.json");
    let c = find(&run(&v), "ground_series", &["UGS", "VCB_MAIN"]).clone();
    assert_eq!(c.status, Status::Pass, "{}", c.message_en);
    assert!((seconds(&c) - (0.27 - 0.16)).abs() < 1e-9, "{}", seconds(&c));
    // VCB_MAIN at 0.3 s (the sample's old setting): latest 0.38 s after the UGS's 0.27 s.
    let mut bad = v.clone();
    device(&mut bad, "VCB_MAIN")["ground_relay"]["time_s"] = json!(0.3);
    let c = find(&run(&bad), "ground_series", &["UGS", "VCB_MAIN"]).clone();
    assert_eq!(c.status, Status::Fail, "{}", c.message_en);
    assert!((seconds(&c) - (0.27 - 0.38)).abs() < 1e-9, "{}", seconds(&c));
    // A downstream pickup above the upstream's: 0.4 A > 0.2 A.
    let mut bad = v.clone();
    device(&mut bad, "VCB_MAIN")["ground_relay"]["current_a"] = json!(0.4);
    let c = find(&run(&bad), "ground_series", &["UGS", "VCB_MAIN"]).clone();
    assert_eq!(c.status, Status::Fail, "{}", c.message_en);
    assert!(c.message_en.contains("0.4 A"), "{}", c.message_en);
}

#[test]
fn a_customer_ground_relay_slower_than_the_utility_fails() {
    // case_b: PAS 0.2 s (latest 0.22 s) against the utility's 0.9 s (earliest 0.81 s).
    let v = sample("case_b.json");
    let c = find(&run(&v), "ground_vs_utility", &["utility", "PAS"]).clone();
    assert_eq!(c.status, Status::Pass);
    assert!((seconds(&c) - (0.81 - 0.22)).abs() < 1e-9);
    // 0.8 s: latest 0.88 s > 0.81 s.
    let mut bad = v.clone();
    device(&mut bad, "PAS")["ground_relay"]["time_s"] = json!(0.8);
    assert_eq!(find(&run(&bad), "ground_vs_utility", &["utility", "PAS"]).status, Status::Fail);
}

#[test]
fn a_non_directional_gr_on_a_long_cable_needs_a_dgr() {
    // pfs_300kva with a GR instead of the DGR: 60 m of CVT 38 mm² charge far below the
    // 0.18 A lowest pickup; 400 m (≈ 0.46 A at 50 Hz) reach it.
    let mut v = sample("pfs_300kva.json");
    device(&mut v, "PAS")["ground_relay"] = json!({ "kind": "gr", "current_a": 0.2, "time_s": 0.2 });
    assert_eq!(find(&run(&v), "dgr_required", &["PAS"]).status, Status::Pass);
    device(&mut v, "C_IN")["length_m"] = json!(400);
    let c = find(&run(&v), "dgr_required", &["PAS"]).clone();
    assert_eq!(c.status, Status::Fail, "{}", c.message_en);
    assert!(c.at_current_a.unwrap() > 0.18, "{c:#?}");
}
