//! Power-factor correction (docs/engineering.md §10.3) and the rule
//! `power_factor_correction` (docs/rules/design_study.md): the capacitor reactive power
//! that raises the site's power factor to the target, what a bank with its series reactor
//! delivers, and the check of the installed banks.

mod mutate;

use domain::checks::Status;
use domain::study::power_factor::{effective_kvar, power_factor, required_kvar};
use mutate::{device, find, fixture, margin, run};

#[test]
fn worked_example_shizuki_technical_note_a_01_f() {
    // Source: 指月電機製作所 技術資料 No.A-01-F「高圧進相コンデンサおよび低圧進相コンデンサの
    // 選定・設置・保守上の指針」(2002), 用例(1): a 500 kW load at power factor 0.65 raised to
    // 0.95 needs Q = P × kθ with kθ = 0.84 (its Table 4): 500 × 0.84 = 420 kvar.
    let q = required_kvar(500.0, 0.65, 0.95);
    assert!((q - 420.0).abs() / 420.0 < 0.005, "{q} kvar against 420");
    // The exact factor: tan(acos 0.65) − tan(acos 0.95) = 1.16913 − 0.32868 = 0.84045.
    assert!((q / 500.0 - 0.84045).abs() < 1e-4, "{}", q / 500.0);
}

#[test]
fn worked_example_100_kw_from_70_to_85_percent() {
    // Source: 日本財団図書館「3・3 負荷力率改善用コンデンサの容量計算」例題: a three-phase
    // 100 kW load at lagging power factor 70 % raised to 85 % needs 40 kVA of capacitors
    // (Q/P = 0.40 read from its figure 3.1). Computed: 100 × (1.02020 − 0.61974) = 40.05 kvar.
    let q = required_kvar(100.0, 0.70, 0.85);
    assert!((q - 40.0).abs() / 40.0 < 0.005, "{q}");
    assert_eq!(required_kvar(100.0, 0.96, 0.95), 0.0, "already above the target");
}

#[test]
fn a_jis_bank_with_6_percent_reactor_delivers_94_percent_of_its_capacitor_rating() {
    // JIS C 4902-1: with a 6 % series reactor on 6.6 kV the capacitor is rated
    // 6 600 / 0.94 = 7 020 V and 1 / 0.94 of the bank's output: the 50 kvar bank (設備容量)
    // has a 53.2 kvar capacitor. Q_eff = Q_C · (V/V_C)² / (1 − L) = 53.2 × (6600/7020)² / 0.94.
    let q = effective_kvar(53.2, 7020.0, 6600.0, 6.0);
    assert!((q - 50.0).abs() / 50.0 < 0.005, "{q}");
    // With V_C exactly V / (1 − L) (7 021.3 V; the nameplate rounds it to 7 020 V):
    let exact = effective_kvar(53.2, 6600.0 / 0.94, 6600.0, 6.0);
    assert!((exact - 53.2 * 0.94).abs() < 1e-9, "Q_eff = Q_C (1 − L) when V_C = V / (1 − L): {exact}");
    // A capacitor rated at the bus voltage with the same reactor delivers more, Q_C / (1 − L):
    // the reactor cancels 6 % of the capacitor reactance.
    assert!((effective_kvar(100.0, 6600.0, 6600.0, 6.0) - 100.0 / 0.94).abs() < 1e-9);
    assert!((effective_kvar(100.0, 6600.0, 6600.0, 0.0) - 100.0).abs() < 1e-9);
}

#[test]
fn the_samples_power_factor_is_corrected_by_their_banks() {
    // cb_multi: M1 45 kW (input 50 kW, 31.0 kvar at η 0.9, cos φ 0.85), L2 400 kVA at 0.85
    // (340 kW, 210.7 kvar), L3 120 kVA at 0.95 (114 kW, 37.5 kvar): 504.0 kW, 279.2 kvar,
    // cos φ 0.875. Banks SC1 100 + SC2 50 kvar at 7 020 V with 6 % reactors: 141.0 kvar.
    let a = run(&fixture("cb_multi.json"));
    let pf = a.design_study.power_factor.as_ref().expect("loads");
    assert!((pf.demand_kw - 504.0).abs() < 1e-9, "{}", pf.demand_kw);
    assert!((pf.demand_kvar - 279.2).abs() < 0.05, "{}", pf.demand_kvar);
    assert!((pf.installed_kvar - 150.0 * (6600.0f64 / 7020.0).powi(2) / 0.94).abs() < 1e-6);
    assert!((pf.power_factor_after - power_factor(pf.demand_kw, pf.demand_kvar - pf.installed_kvar)).abs() < 1e-12);
    let c = find(&a, "power_factor_correction", &["SP", "SC1", "SC2"]);
    assert_eq!(c.status, Status::Pass, "{}", c.message_en);
    assert!(pf.power_factor_after > 0.95 && !pf.leading, "{pf:?}");
}

#[test]
fn an_oversized_bank_leads_and_warns_naming_it() {
    // pfs_300kva: demand 117.1 kW, 50.5 kvar (M1 37 kW, L1 80 kVA at 0.95). SC1 50 kvar at
    // 7 020 V with 6 % delivers 47.0 kvar: power factor 0.9996 lagging, passes.
    let a = run(&fixture("pfs_300kva.json"));
    assert_eq!(find(&a, "power_factor_correction", &["SP", "SC1"]).status, Status::Pass);
    // One mistake: SC1 of 75 kvar delivers 70.5 kvar > 50.5 kvar: the site leads at its demand.
    let mut v = fixture("pfs_300kva.json");
    device(&mut v, "SC1")["rated_kvar"] = 75.0.into();
    let a = run(&v);
    let pf = a.design_study.power_factor.as_ref().unwrap();
    assert!(pf.leading && (pf.installed_kvar - 75.0 * (6600.0f64 / 7020.0).powi(2) / 0.94).abs() < 1e-6);
    let c = find(&a, "power_factor_correction", &["SP", "SC1"]);
    assert_eq!(c.status, Status::Warning, "{}", c.message_en);
    assert!(margin(c) < 1.0, "demand kvar / bank kvar = {}", margin(c));
    assert!(c.message_en.contains("over-compensated") && c.message_ja.contains("過補償"), "{}", c.message_en);
}

#[test]
fn an_under_compensated_site_warns() {
    // case_b: one 400 kVA load at 0.85 and no bank — exactly the 0.85 reference: passes, and
    // the message gives the 98.9 kvar that would reach the 0.95 target (340 × (0.6197 −
    // 0.3287)).
    let a = run(&fixture("case_b.json"));
    let pf = a.design_study.power_factor.as_ref().unwrap();
    assert!((pf.required_kvar - 340.0 * (0.619_744_6 - 0.328_684_1)).abs() < 0.01, "{}", pf.required_kvar);
    assert!((pf.required_capacitor_kvar - pf.required_kvar / 0.94).abs() < 1e-9);
    let c = find(&a, "power_factor_correction", &["SP"]);
    assert_eq!(c.status, Status::Pass, "{}", c.message_en);
    assert!(c.message_en.contains("99.0 kvar more"), "{}", c.message_en);
    // One mistake: the load's power factor is 0.80 — below the reference, no bank: a warning.
    let mut v = fixture("case_b.json");
    device(&mut v, "L1")["power_factor"] = 0.80.into();
    let a = run(&v);
    let c = find(&a, "power_factor_correction", &["SP"]);
    assert_eq!(c.status, Status::Warning, "{}", c.message_en);
    assert!((margin(c) - 0.80 / 0.85).abs() < 1e-9);
    assert!(c.message_en.contains("under-compensated") && c.message_ja.contains("補償不足"), "{}", c.message_en);
}
