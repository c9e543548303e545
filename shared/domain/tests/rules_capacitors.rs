//! Capacitor-bank rules (issue 8, item 6): `capacitor_reactor` (a bank without the
//! customary 6 % series reactor warns) and `capacitor_bank_inrush` (the banks behind one
//! switch energised together), beside the per-bank `capacitor_inrush`.
//!
//! Inrush of a bank: rated current × (1 + √(100/L)) with a reactor of L % (5.08 × at 6 %),
//! × 70 without, for 0.01 s. Rated current at 6.6 kV: kvar / (√3 × 6.6 kV) = 0.08748 A per
//! kvar. The generic C-type PF allowable curve is 0.8 × the melting current of the JIS C 4604
//! melting table, which passes 50 × In at 0.025 s and 100 × In at 0.006 s.

mod mutate;

use domain::checks::Status;
use mutate::{device, find, fixture, margin, of_rule, push, run};
use serde_json::json;

const A_PER_KVAR: f64 = 1000.0 / (1.732_050_807_568_877_2 * 6600.0);

/// Allowable time (s) of a generic C-type PF of rating `in_a` at `i` (A), between the
/// melting points (50 × In, 0.025 s) and (100 × In, 0.006 s), interpolated in log–log.
fn c_allowable_s(i: f64, in_a: f64) -> f64 {
    let m = i / 0.8 / in_a;
    assert!((50.0..=100.0).contains(&m), "outside the interpolated span: {m}");
    let f = (m / 50.0).ln() / 2f64.ln();
    (0.025f64.ln() + f * (0.006f64 / 0.025).ln()).exp()
}

#[test]
fn the_samples_banks_have_6_percent_reactors_and_their_summed_inrush_passes() {
    for name in ["pfs_300kva.json", "cb_multi.json"] {
        let a = run(&fixture(name));
        let reactors = of_rule(&a, "capacitor_reactor");
        assert!(!reactors.is_empty(), "{name}");
        for c in reactors.iter().chain(of_rule(&a, "capacitor_bank_inrush").iter()) {
            assert_eq!(c.status, Status::Pass, "{name}: {} {:?}: {}", c.rule, c.devices, c.message_en);
        }
    }
    // cb_multi: SC1 100 kvar + SC2 50 kvar, both 6 %, behind PF_SC (C 30 A): 150 × 0.08748 ×
    // 5.082 = 66.7 A for 10 ms, far below the fuse's allowable curve.
    let a = run(&fixture("cb_multi.json"));
    let c = find(&a, "capacitor_bank_inrush", &["PF_SC", "SC1", "SC2"]);
    let sum = 150.0 * A_PER_KVAR * (1.0 + (100.0f64 / 6.0).sqrt());
    assert!((c.at_current_a.unwrap() - sum).abs() < 0.1, "{c:#?}");
    // The main VCB sees the same 66.7 A: below its time-element pickup (120 A −10 %).
    assert_eq!(find(&a, "capacitor_bank_inrush", &["VCB_MAIN", "SC1", "SC2"]).status, Status::Pass);
}

#[test]
fn a_bank_without_series_reactor_warns_naming_it() {
    // pfs_300kva with one mistake: SC1's 6 % reactor removed.
    let mut v = fixture("pfs_300kva.json");
    device(&mut v, "SC1")["reactor_percent"] = 0.0.into();
    let a = run(&v);
    let c = find(&a, "capacitor_reactor", &["SC1"]);
    assert_eq!(c.status, Status::Warning, "{}", c.message_en);
    assert_eq!(margin(c), 0.0, "0 % of the customary 6 %");
    assert!(c.message_en.contains("no series reactor") && c.message_en.contains("6 %"), "{}", c.message_en);
    assert!(c.message_ja.contains("直列リアクトルがありません"), "{}", c.message_ja);

    // A 3 % reactor resonates at harmonic √(100/3) = 5.77, above the 5th: also a warning.
    device(&mut v, "SC1")["reactor_percent"] = 3.0.into();
    let a = run(&v);
    let c = find(&a, "capacitor_reactor", &["SC1"]);
    assert_eq!(c.status, Status::Warning);
    assert!((margin(c) - 0.5).abs() < 1e-12);
    assert!(c.message_en.contains("5.77"), "{}", c.message_en);
}

#[test]
fn banks_that_pass_one_by_one_fail_together_behind_one_fuse() {
    // pfs_300kva with one mistake: a second bank, 100 kvar without a reactor, hung on the
    // same C 10 A fuse as SC1 (50 kvar, 6 %). Alone its inrush is 100 × 0.08748 × 70 =
    // 612.4 A, just inside the fuse's allowable 0.8 × 78.0 × 10 A = 624 A at 10 ms, so
    // `capacitor_inrush` passes; with SC1's 50 × 0.08748 × 5.082 = 22.2 A the two draw
    // 634.6 A, and the fuse allows that for only 9.67 ms < 10 ms → fail.
    let mut v = fixture("pfs_300kva.json");
    push(&mut v, json!({ "type": "capacitor", "id": "SC2", "bus": "SC", "rated_kvar": 100, "reactor_percent": 0, "rated_voltage_v": 6600 }));
    let a = run(&v);
    let alone = 100.0 * A_PER_KVAR * 70.0;
    let c = find(&a, "capacitor_inrush", &["PF_SC", "SC2"]);
    assert_eq!(c.status, Status::Pass, "{}", c.message_en);
    assert!((margin(c) - (c_allowable_s(alone, 10.0) - 0.01)).abs() < 1e-4, "{} vs {}", margin(c), c_allowable_s(alone, 10.0) - 0.01);

    let sum = alone + 50.0 * A_PER_KVAR * (1.0 + (100.0f64 / 6.0).sqrt());
    let c = find(&a, "capacitor_bank_inrush", &["PF_SC", "SC1", "SC2"]);
    assert_eq!(c.status, Status::Fail, "{}", c.message_en);
    assert!((c.at_current_a.unwrap() - sum).abs() < 0.1, "{} vs {sum}", c.at_current_a.unwrap());
    let expected = c_allowable_s(sum, 10.0) - 0.01;
    assert!(expected < 0.0 && (margin(c) - expected).abs() < 1e-4, "{} vs {expected}", margin(c));
    assert!(c.message_en.contains("2 capacitor bank(s)") && c.message_en.contains("150 kvar"), "{}", c.message_en);
    // The bank without a reactor also warns on its own.
    assert_eq!(find(&a, "capacitor_reactor", &["SC2"]).status, Status::Warning);
}

#[test]
fn every_switch_above_the_banks_is_checked_not_only_the_nearest() {
    // pfs_300kva: the main LBS + PF T 40 A also energises SC1 (22.2 A) when it closes. With
    // ten 100 kvar banks without reactors behind PF_SC (10 × 612.4 = 6 124 A) the main's
    // allowable at 10 ms (0.8 × T 40 A melting: 50 × In at 0.013 s, 80 × In at 0.005 s →
    // 1 820 A) is exceeded: the main fails too, naming every bank.
    let mut v = fixture("pfs_300kva.json");
    for k in 0..10 {
        push(&mut v, json!({ "type": "capacitor", "id": format!("SCX{k}"), "bus": "SC", "rated_kvar": 100, "reactor_percent": 0, "rated_voltage_v": 6600 }));
    }
    let a = run(&v);
    let main = of_rule(&a, "capacitor_bank_inrush").into_iter().find(|c| c.devices[0] == "LBS_MAIN").expect("the main is checked");
    assert_eq!(main.status, Status::Fail, "{}", main.message_en);
    assert_eq!(main.devices.len(), 12, "LBS_MAIN, SC1 and the ten banks: {:?}", main.devices);
    assert!(main.at_current_a.unwrap() > 1820.0);
}
