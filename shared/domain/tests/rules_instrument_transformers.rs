//! Instrument transformers (`docs/rules/instrument_transformers.md`): each rule passes on the
//! CB sample and fails (or warns) on the sample with one mistake. The numbers that make the
//! mistake a mistake are in each test; ratios are compared to 1e-6 relative unless stated.

use domain::checks::instrument_transformers::{effective_overcurrent_constant, CtBasis};
use domain::checks::{run_checks, CheckSettings, Status};
use domain::model::parse_project;
use serde_json::{json, Value};

mod mutate;
use mutate::{device, find, fixture, margin, run};

/// The largest fault at the main VCB of cb_multi (bus HV_DS, the same as HV_IN: the VCT and
/// the DS are zero impedance), %Z method: source 142.9 MVA, X/R 10, on 6.6 kV:
/// Z_s = 6.6² / 142.9 = 0.304829 Ω, R_s = Z_s/√101, X_s = 10 R_s; cable CVT 60 mm² 150 m:
/// 0.311 × 0.15 + j 0.112 × 0.15 Ω. I = 6 600 / (√3 · |Z|) = 11 573.6 A.
fn main_fault_a() -> f64 {
    let zs = 6600f64.powi(2) / 142.9e6;
    let rs = zs / 101f64.sqrt();
    let (r, x) = (rs + 0.311 * 0.15, 10.0 * rs + 0.112 * 0.15);
    6600.0 / (3f64.sqrt() * r.hypot(x))
}

fn close(a: f64, b: f64) -> bool {
    (a / b - 1.0).abs() < 1e-6
}

#[test]
fn the_hand_calculated_fault_is_the_engines() {
    let f = main_fault_a();
    assert!((f - 11_573.6).abs() < 0.5, "{f}");
    let c = find(&run(&fixture("cb_multi.json")), "ct_overcurrent_constant", &["VCB_MAIN", "AM"]).clone();
    assert!(close(c.at_current_a.unwrap(), f), "{:?} vs {f}", c.at_current_a);
}

#[test]
fn the_burden_correction_is_the_textbook_formula() {
    // n' = n (Sn + Sct) / (Sb + Sct): 10 × (40 + 2.5) / (2.5 + 2.5) = 85.
    assert!((effective_overcurrent_constant(10.0, 40.0, Some(2.5), Some(2.5)) - 85.0).abs() < 1e-12);
    // 10 × (15 + 2.5) / (2.5 + 2.5) = 35.
    assert!((effective_overcurrent_constant(10.0, 15.0, Some(2.5), Some(2.5)) - 35.0).abs() < 1e-12);
    // Without the internal burden: a burden above the rating lowers n (10 × 40/50 = 8) …
    assert!((effective_overcurrent_constant(10.0, 40.0, None, Some(50.0)) - 8.0).abs() < 1e-12);
    // … a burden below it earns no credit, and without a connected burden n stays.
    assert_eq!(effective_overcurrent_constant(10.0, 40.0, None, Some(5.0)), 10.0);
    assert_eq!(effective_overcurrent_constant(10.0, 40.0, Some(2.5), None), 10.0);
}

#[test]
fn the_main_ct_passes_with_its_light_burden() {
    // cb_multi VCB_MAIN: CT 150/5 A, 40 VA, n>10, internal 2.5 VA; relay and wiring 2 VA +
    // ammeter AM 0.5 VA = 2.5 VA → n' = 85 against 11 573.6 / 150 = 77.16: ratio 1.1017.
    let a = run(&fixture("cb_multi.json"));
    let c = find(&a, "ct_overcurrent_constant", &["VCB_MAIN", "AM"]);
    assert_eq!(c.status, Status::Pass, "{}", c.message_en);
    assert!(close(margin(c), 85.0 / (main_fault_a() / 150.0)), "{}", margin(c));
    assert!(c.message_en.contains("n' = 10×(40+2.5)/(2.5+2.5)") && c.message_ja.contains("実効過電流定数 85"), "{}\n{}", c.message_en, c.message_ja);
}

#[test]
fn a_ct_whose_overcurrent_constant_is_too_low_fails() {
    // The same CT rated for 15 VA: n' = 10 × 17.5 / 5 = 35 < 77.16 — it saturates at
    // 35 × 150 = 5 250 A, below the 11 574 A fault. Ratio 35 / 77.16 = 0.4536.
    let mut v = fixture("cb_multi.json");
    device(&mut v, "VCB_MAIN")["ct"]["rated_burden_va"] = json!(15);
    let a = run(&v);
    let c = find(&a, "ct_overcurrent_constant", &["VCB_MAIN", "AM"]);
    assert_eq!(c.status, Status::Fail, "{}", c.message_en);
    assert!(close(margin(c), 35.0 / (main_fault_a() / 150.0)), "{}", margin(c));
    assert!((margin(c) - 0.4536).abs() < 1e-4);
    assert!(c.message_en.contains("too low") && c.message_ja.contains("過電流定数不足"), "{}", c.message_en);
    // It is the only failure the mistake makes.
    assert_eq!(a.summary.fail, 1, "{}", mutate::listing(&a));

    // Without any burden data the rated n>10 is all that is known: 10 / 77.16 = 0.1296.
    let mut v = fixture("cb_multi.json");
    let ct = &mut device(&mut v, "VCB_MAIN")["ct"];
    ct.as_object_mut().unwrap().remove("relay_burden_va");
    device(&mut v, "AM").as_object_mut().unwrap().remove("current_burden_va");
    let a = run(&v);
    let c = find(&a, "ct_overcurrent_constant", &["VCB_MAIN"]);
    assert_eq!(c.status, Status::Fail, "{}", c.message_en);
    assert!(close(margin(c), 10.0 / (main_fault_a() / 150.0)), "{}", margin(c));
}

#[test]
fn on_the_instantaneous_basis_the_ct_need_only_reach_the_instantaneous_pickup() {
    // VCB_MAIN's instantaneous: 55 A × 150/5 = 1 650 A, + 15 % = 1 897.5 A → n 12.65. The
    // 15 VA CT (n' = 35) that fails on the fault basis passes: 35 / 12.65 = 2.767.
    let mut v = fixture("cb_multi.json");
    device(&mut v, "VCB_MAIN")["ct"]["rated_burden_va"] = json!(15);
    let p = parse_project(&v.to_string()).unwrap();
    let sc = domain::shortcircuit::study(&p, domain::library::builtin());
    let mut settings = CheckSettings::from_project(&p);
    settings.instrument_transformers.ct_basis = CtBasis::Instantaneous;
    let checks = run_checks(&p, &sc, &settings);
    let c = checks.iter().find(|c| c.rule == "ct_overcurrent_constant").unwrap();
    assert_eq!(c.status, Status::Pass, "{}", c.message_en);
    assert!(close(margin(c), 35.0 / (1650.0 * 1.15 / 150.0)), "{}", margin(c));
    assert!(close(c.at_current_a.unwrap(), 1897.5));
}

#[test]
fn the_overcurrent_strength_must_carry_the_fault() {
    // 150 × 150 A = 22.5 kA against 11.57 kA, cleared by the main's instantaneous in 0.1 s
    // (< 1 s: no √t factor): 150 / 77.16 = 1.944.
    let a = run(&fixture("cb_multi.json"));
    let c = find(&a, "ct_overcurrent_strength", &["VCB_MAIN"]);
    assert_eq!(c.status, Status::Pass, "{}", c.message_en);
    assert!(close(margin(c), 150.0 / (main_fault_a() / 150.0)), "{}", margin(c));
    // A 75 × CT (11.25 kA) is below the fault: 75 / 77.16 = 0.972.
    let mut v = fixture("cb_multi.json");
    device(&mut v, "VCB_MAIN")["ct"]["overcurrent_strength"] = json!(75);
    let c = find(&run(&v), "ct_overcurrent_strength", &["VCB_MAIN"]).clone();
    assert_eq!(c.status, Status::Fail, "{}", c.message_en);
    assert!(close(margin(&c), 75.0 / (main_fault_a() / 150.0)), "{}", margin(&c));
}

#[test]
fn connected_burdens_must_stay_within_the_rated_burden() {
    let a = run(&fixture("cb_multi.json"));
    // CT: 2 + 0.5 = 2.5 VA of 40 VA; VT1: 3 + voltmeter 1 = 4 VA of 50 VA; VCT: the
    // transaction meter 2 VA of 50 VA (VT part) and 1 VA of 15 VA (CT part).
    for (rule, devices, ratio) in [
        ("ct_burden", &["VCB_MAIN", "AM"][..], 40.0 / 2.5),
        ("vt_burden", &["VT1", "VM"], 50.0 / 4.0),
        ("vt_burden", &["VCT", "WH"], 50.0 / 2.0),
        ("ct_burden", &["VCT", "WH"], 15.0 / 1.0),
    ] {
        let c = find(&a, rule, devices);
        assert_eq!(c.status, Status::Pass, "{rule} {devices:?}: {}", c.message_en);
        assert!(close(margin(c), ratio), "{rule} {devices:?}: {}", margin(c));
    }
    // An ammeter of 38.5 VA (an old moving-iron meter on a long run): 2 + 38.5 = 40.5 VA > 40.
    let mut v = fixture("cb_multi.json");
    device(&mut v, "AM")["current_burden_va"] = json!(38.5);
    let c = find(&run(&v), "ct_burden", &["VCB_MAIN", "AM"]).clone();
    assert_eq!(c.status, Status::Fail, "{}", c.message_en);
    assert!(close(margin(&c), 40.0 / 40.5));
    // A 3 VA VT carrying 4 VA: 0.75.
    let mut v = fixture("cb_multi.json");
    device(&mut v, "VT1")["rated_burden_va"] = json!(3);
    let c = find(&run(&v), "vt_burden", &["VT1", "VM"]).clone();
    assert_eq!(c.status, Status::Fail, "{}", c.message_en);
    assert!(close(margin(&c), 0.75));
}

#[test]
fn a_vt_needs_a_primary_fuse_that_breaks_its_bus_fault() {
    // VT1's 1 A fuse breaks 40 kA against 11.57 kA at HV_DS: 40 000 / 11 573.6 = 3.456.
    let c = find(&run(&fixture("cb_multi.json")), "vt_fuse", &["VT1"]).clone();
    assert_eq!(c.status, Status::Pass, "{}", c.message_en);
    assert!(close(margin(&c), 40_000.0 / main_fault_a()), "{}", margin(&c));
    // Without its fuse: a warning that a VT fault becomes a bus fault.
    let mut v = fixture("cb_multi.json");
    device(&mut v, "VT1").as_object_mut().unwrap().remove("fuse");
    let c = find(&run(&v), "vt_fuse", &["VT1"]).clone();
    assert_eq!(c.status, Status::Warning, "{}", c.message_en);
    assert!(c.message_en.contains("no primary fuse"), "{}", c.message_en);
    // A fuse breaking only 10 kA: 10 000 / 11 573.6 = 0.864.
    let mut v = fixture("cb_multi.json");
    device(&mut v, "VT1")["fuse"]["breaking_capacity_ka"] = json!(10);
    let c = find(&run(&v), "vt_fuse", &["VT1"]).clone();
    assert_eq!(c.status, Status::Fail, "{}", c.message_en);
    assert!(close(margin(&c), 10_000.0 / main_fault_a()), "{}", margin(&c));
}

#[test]
fn the_vct_suits_the_contract_demand() {
    // 900 kW at power factor 0.9 on 6.6 kV: 900 000 / (√3 · 6 600 · 0.9) = 87.48 A against a
    // 100 A VCT: 1.143; 900 kW calls for class 0.5W (500 … 10 000 kW).
    let contract_a = 900_000.0 / (3f64.sqrt() * 6600.0 * 0.9);
    let c = find(&run(&fixture("cb_multi.json")), "vct_rating", &["VCT"]).clone();
    assert_eq!(c.status, Status::Pass, "{}", c.message_en);
    assert!(close(margin(&c), 100.0 / contract_a), "{}", margin(&c));
    // A 1.0W unit (for sites below 500 kW) warns, as does a 75 A one (75 / 87.48 = 0.857).
    for (field, value) in [("accuracy_class", json!("1.0W")), ("ct_primary_a", json!(75))] {
        let mut v = fixture("cb_multi.json");
        device(&mut v, "VCT")[field] = value;
        let c = find(&run(&v), "vct_rating", &["VCT"]).clone();
        assert_eq!(c.status, Status::Warning, "{field}: {}", c.message_en);
        assert!(c.message_en.contains("confirm its rating with the utility"), "{}", c.message_en);
    }
    // Without a contract demand there is nothing to judge.
    let mut v: Value = fixture("cb_multi.json");
    v.as_object_mut().unwrap().remove("contract_demand_kw");
    assert!(run(&v).checks.iter().all(|c| c.rule != "vct_rating"));
}

#[test]
fn samples_without_instrument_transformer_data_get_no_such_check() {
    for name in ["case_a.json", "case_b.json", "pfs_300kva.json", "bad_coordination.json"] {
        let a = run(&fixture(name));
        let rules = ["ct_overcurrent_constant", "ct_overcurrent_strength", "ct_burden", "vt_burden", "vt_fuse", "vct_rating"];
        assert!(a.checks.iter().all(|c| !rules.contains(&c.rule)), "{name}");
    }
}
