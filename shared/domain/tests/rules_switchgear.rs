//! Switchgear duty (`docs/rules/switchgear.md`): each rule passes on the unmutated sample
//! and fails, naming the device, on a sample with one mistake. The numbers that make the
//! mistake a mistake are in each test; ratios are compared to 1e-3 unless stated.

use domain::checks::{CheckResult, Status};
use domain::model::parse_project;
use serde_json::{json, Value};

mod mutate;
use mutate::{fixture as sample, device, run, find};





fn ratio(c: &CheckResult) -> f64 {
    c.worst_margin.and_then(|m| m.value).unwrap_or_else(|| panic!("no margin: {c:#?}"))
}

#[test]
fn ugs_without_so_lock_at_12_5_ka_fails_when_it_can_interrupt_only_900_a() {
    // Given cb_multi: UGS with DGR, interrupting current 900 A, at the 142.9 MVA service
    // point (12.501 kA), with SO lock.
    let v = sample("cb_multi.json");
    let c = find(&run(&v), "so_lock_required", &["UGS"]).clone();
    assert_eq!(c.status, Status::Pass, "{}", c.message_en);
    // When the SO lock is removed: 12 501 A > 900 A and nothing keeps the ground relay from
    // opening a short-circuit current.
    let mut bad = v.clone();
    let ugs = device(&mut bad, "UGS");
    ugs["so_lock"] = json!(false);
    ugs.as_object_mut().unwrap().remove("so_lock_current_a");
    let c = find(&run(&bad), "so_lock_required", &["UGS"]).clone();
    assert_eq!(c.status, Status::Fail, "{}", c.message_en);
    assert!((ratio(&c) - 900.0 / 12_501.0).abs() < 1e-3, "{}", ratio(&c));
    assert!(c.message_en.contains("no SO lock"), "{}", c.message_en);
}

#[test]
fn without_a_ground_relay_the_switch_never_opens_on_its_own_and_needs_no_so_lock() {
    let mut v = sample("cb_multi.json");
    let ugs = device(&mut v, "UGS");
    ugs["so_lock"] = json!(false);
    ugs.as_object_mut().unwrap().remove("so_lock_current_a");
    ugs.as_object_mut().unwrap().remove("ground_relay");
    assert!(run(&v).checks.iter().all(|c| c.rule != "so_lock_required"));
}

#[test]
fn lock_current_above_the_interrupting_current_fails() {
    // pfs_300kva: lock 600 A + 10 % = 660 A ≤ 800 A interrupting.
    let v = sample("pfs_300kva.json");
    let c = find(&run(&v), "so_lock_current", &["PAS"]).clone();
    assert_eq!(c.status, Status::Pass, "{}", c.message_en);
    assert!((ratio(&c) - 800.0 / 660.0).abs() < 1e-3);
    // A PAS that interrupts only 600 A (JIS C 4607 300 A class): 660 A > 600 A.
    let mut bad = v.clone();
    device(&mut bad, "PAS")["interrupting_current_a"] = json!(600);
    let c = find(&run(&bad), "so_lock_current", &["PAS"]).clone();
    assert_eq!(c.status, Status::Fail, "{}", c.message_en);
    assert!((ratio(&c) - 600.0 / 660.0).abs() < 1e-3);
}

#[test]
fn an_assumed_interrupting_current_is_named_in_the_message() {
    // Without `interrupting_current_a` a 200 A PAS is taken to interrupt 2 × 200 = 400 A:
    // the 600 A lock (660 A with tolerance) then fails, and the message says what was assumed.
    let mut v = sample("pfs_300kva.json");
    device(&mut v, "PAS").as_object_mut().unwrap().remove("interrupting_current_a");
    let c = find(&run(&v), "so_lock_current", &["PAS"]).clone();
    assert_eq!(c.status, Status::Fail);
    assert!(c.message_en.contains("2 × the rated current assumed"), "{}", c.message_en);
    assert!(c.message_ja.contains("2 倍と仮定"), "{}", c.message_ja);
}

#[test]
fn lock_current_below_the_utility_pickup_leaves_currents_nobody_clears() {
    // case_b: utility OCR tap 4 A × 600/5 = 480 A, certain from 480 × 1.1 = 528 A; the PAS
    // locks from 600 × 0.9 = 540 A ≥ 528 A.
    let v = sample("case_b.json");
    let c = find(&run(&v), "so_lock_vs_utility", &["utility", "PAS"]).clone();
    assert_eq!(c.status, Status::Pass, "{}", c.message_en);
    assert!((ratio(&c) - 540.0 / 528.0).abs() < 1e-3);
    // Lock current 550 A: it may lock from 495 A < 528 A.
    let mut bad = v.clone();
    device(&mut bad, "PAS")["so_lock_current_a"] = json!(550);
    let c = find(&run(&bad), "so_lock_vs_utility", &["utility", "PAS"]).clone();
    assert_eq!(c.status, Status::Fail, "{}", c.message_en);
    assert!((ratio(&c) - 495.0 / 528.0).abs() < 1e-3);
    // Without the utility's settings the rule cannot judge: a warning, never a pass.
    let mut unknown = v.clone();
    unknown["utility"].as_object_mut().unwrap().remove("ocr");
    assert_eq!(find(&run(&unknown), "so_lock_vs_utility", &["utility", "PAS"]).status, Status::Warning);
}

#[test]
fn short_time_rating_below_the_fault_duty_fails() {
    // case_b VCB1: 11.661 kA cleared by its own relay in 0.105 s (EI lever 2 flat 0.0401 s
    // + 12 % + 0.06 s breaker) → I²t = 11.661² × 0.105 = 14.3 kA²s, within the assumed
    // 12.5 kA × 1 s = 156 kA²s.
    let v = sample("case_b.json");
    let c = find(&run(&v), "short_time_withstand", &["VCB1"]).clone();
    assert_eq!(c.status, Status::Pass, "{}", c.message_en);
    assert!(c.message_en.contains("12.5 kA, duration 1 s is assumed"), "{}", c.message_en);
    let i2t = 11.661f64.powi(2) * 0.10491;
    assert!((ratio(&c) - (12.5f64.powi(2) / i2t).sqrt()).abs() < 1e-2, "{}", ratio(&c));
    // Rated 3.5 kA for 1 s: 12.25 kA²s < 14.3 kA²s.
    let mut bad = v.clone();
    device(&mut bad, "VCB1")["short_time_ka"] = json!(3.5);
    let c = find(&run(&bad), "short_time_withstand", &["VCB1"]).clone();
    assert_eq!(c.status, Status::Fail, "{}", c.message_en);
    assert!((ratio(&c) - (3.5f64.powi(2) / i2t).sqrt()).abs() < 1e-2, "{}", ratio(&c));
}

#[test]
fn an_8_ka_pas_behind_a_slow_utility_relay_fails_its_short_time_duty() {
    // bad_coordination: the utility's instantaneous (12 kA, certain from 13.8 kA) does not
    // act at the 12.5 kA service point, so the PAS carries the fault until the time element
    // clears it in 0.448 s: 12.5² × 0.448 = 70.0 kA²s. The JIS C 4607 12.5 kA class
    // (156 kA²s) passes; the 8 kA class (8² × 1 = 64 kA²s) fails.
    let v = sample("bad_coordination.json");
    assert_eq!(find(&run(&v), "short_time_withstand", &["PAS"]).status, Status::Pass);
    let mut bad = v.clone();
    device(&mut bad, "PAS")["short_time_ka"] = json!(8);
    let c = find(&run(&bad), "short_time_withstand", &["PAS"]).clone();
    assert_eq!(c.status, Status::Fail, "{}", c.message_en);
    assert!((ratio(&c) - (64.0f64 / (12.5f64.powi(2) * 0.448)).sqrt()).abs() < 5e-3, "{}", ratio(&c));
}

#[test]
fn making_current_below_the_peak_fault_current_fails() {
    // pfs_300kva: 12.5 kA with X/R 10 → κ = 1.02 + 0.98·e^(−0.3) = 1.746, i_p = 30.87 kA,
    // within the assumed 31.5 kA of the JIS C 4607 12.5 kA class.
    let v = sample("pfs_300kva.json");
    let a = run(&v);
    let ip = a.short_circuit.bus("SP").unwrap().percent_z.ip_ka;
    assert!((ip - 30.87).abs() < 0.01, "{ip}");
    let c = find(&a, "making_current", &["PAS"]).clone();
    assert_eq!(c.status, Status::Pass, "{}", c.message_en);
    assert!((ratio(&c) - 31.5 / ip).abs() < 1e-6);
    // An 8 kA class PAS makes only 20 kA peak: 20 < 30.87.
    let mut bad = v.clone();
    device(&mut bad, "PAS")["making_peak_ka"] = json!(20);
    let c = find(&run(&bad), "making_current", &["PAS"]).clone();
    assert_eq!(c.status, Status::Fail, "{}", c.message_en);
    assert!((ratio(&c) - 20.0 / ip).abs() < 1e-6);
}

#[test]
fn lbs_pf_making_is_judged_on_the_prospective_peak() {
    // cb_multi PF_TR3 on the 6.6 kV bus: i_p 24.49 kA (prospective) against the assumed
    // 31.5 kA combination rating; rated 20 kA it fails, current-limiting fuse or not.
    let v = sample("cb_multi.json");
    assert_eq!(find(&run(&v), "making_current", &["PF_TR3"]).status, Status::Pass);
    let mut bad = v.clone();
    device(&mut bad, "PF_TR3")["making_peak_ka"] = json!(20);
    let c = find(&run(&bad), "making_current", &["PF_TR3"]).clone();
    assert_eq!(c.status, Status::Fail, "{}", c.message_en);
    assert!(c.message_en.contains("prospective"), "{}", c.message_en);
}

#[test]
fn ratings_are_validated_with_pointers() {
    let mut v = sample("cb_multi.json");
    // devices: the UGS, VCB_MAIN and PF_TR3 by position.
    let pos = |v: &Value, id: &str| v["devices"].as_array().unwrap().iter().position(|d| d["id"] == id).unwrap();
    let (u, m, p) = (pos(&v, "UGS"), pos(&v, "VCB_MAIN"), pos(&v, "PF_TR3"));
    device(&mut v, "UGS")["interrupting_current_a"] = json!(200); // below the 300 A rating
    device(&mut v, "UGS")["short_time_s"] = json!(0);
    device(&mut v, "VCB_MAIN")["short_time_ka"] = json!(12.5);
    device(&mut v, "VCB_MAIN")["making_peak_ka"] = json!(15); // < √2 × 12.5 = 17.7
    device(&mut v, "PF_TR3")["making_peak_ka"] = json!(-1);
    let errs = parse_project(&v.to_string()).expect_err("must be refused");
    for (pointer, code) in [
        (format!("/devices/{u}/interrupting_current_a"), "inconsistent_ratings"),
        (format!("/devices/{u}/short_time_s"), "out_of_range"),
        (format!("/devices/{m}/making_peak_ka"), "inconsistent_ratings"),
        (format!("/devices/{p}/making_peak_ka"), "out_of_range"),
    ] {
        let e = errs.iter().find(|e| e.pointer == pointer && e.code == code).unwrap_or_else(|| panic!("no {code} at {pointer}: {errs:#?}"));
        assert!(!e.message_ja.is_empty() && !e.message_en.is_empty());
    }
}
