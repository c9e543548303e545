//! Mutation suite (property style) for the rules of issue 8 items 5–7: for each rule,
//! generate mistakes of its kind over the samples of `tests/fixtures/` and assert that the
//! rule fails (the reactor rule: warns) naming the device. Every mutated project is still
//! valid input. 32 cases per property.

mod mutate;

use domain::checks::Status;
use mutate::{device, find, fixture, ids_of_type, listing, of_rule, push, remove, run};
use proptest::prelude::*;
use serde_json::{json, Value};

fn config() -> ProptestConfig {
    ProptestConfig { cases: 32, ..ProptestConfig::default() }
}

/// HV relay over LV main pairs of the samples: (sample, relay, LV main), each warning only
/// for its instantaneous element with a time-element ratio of at most 1.53 (case B 1.525,
/// cb_multi 1.164 and 1.36; see rules_pairs.rs).
const LV_MAIN_PAIRS: [(&str, &str, &str); 3] =
    [("case_b.json", "VCB1", "ACB1"), ("cb_multi.json", "VCB_TR1", "ACB1"), ("cb_multi.json", "VCB_TR2", "ACB2")];

fn assert_time_element_fails(v: &Value, relay: &str, lv: &str) {
    let a = run(v);
    let c = find(&a, "ocr_vs_lv_main", &[relay, lv]);
    assert_eq!(c.status, Status::Fail, "{}", c.message_en);
    assert!(c.message_en.starts_with("the time element of"), "{}", c.message_en);
    assert!(c.worst_margin.and_then(|m| m.value).is_some_and(|r| r < 1.0), "{c:#?}");
}

proptest! {
    #![proptest_config(config())]

    /// Lowering an HV relay's lever to 15–60 % scales its whole time element (both band
    /// edges are proportional to the lever): the time ratio drops to at most 0.6 × 1.53 =
    /// 0.92 below the instantaneous, so the pair fails on the time element.
    #[test]
    fn lowering_the_relay_lever_fails_ocr_vs_lv_main(pair in 0usize..3, factor in 0.15f64..0.6) {
        let (sample, relay, lv) = LV_MAIN_PAIRS[pair];
        let mut v = fixture(sample);
        let ocr = &mut device(&mut v, relay)["ocr"];
        let lever = ocr["lever"].as_f64().unwrap() * factor;
        ocr["lever"] = lever.into();
        assert_time_element_fails(&v, relay, lv);
    }

    /// Lowering an HV relay's time tap to a lower JIS step (3 … 6 A) speeds up its time
    /// element: at every current of the time region the earliest time falls by at least
    /// (new tap / old tap)² (the EI curve 80/(M² − 1) falls faster than M⁻²), so once that
    /// factor times the sample's time ratio (1.525, 1.164, 1.36) is below 1 the pair fails.
    #[test]
    fn lowering_the_relay_tap_fails_ocr_vs_lv_main(pair in 0usize..3, step in 0usize..6) {
        let (sample, relay, lv) = LV_MAIN_PAIRS[pair];
        let ratio = [1.525, 1.164, 1.36][pair];
        let tap = [3.0, 3.5, 4.0, 4.5, 5.0, 6.0][step];
        let mut v = fixture(sample);
        let ocr = &mut device(&mut v, relay)["ocr"];
        let f = tap / ocr["tap_a"].as_f64().unwrap();
        prop_assume!(f * f * ratio < 0.99);
        ocr["tap_a"] = tap.into();
        assert_time_element_fails(&v, relay, lv);
    }

    /// A slower LV main (long-time delay × 1.7 … 20, within the 0.5–100 s a trip unit
    /// offers) moves its long-time band right by the same factor: ratio ≤ 1.53 / 1.7 = 0.9.
    #[test]
    fn slowing_the_lv_main_fails_ocr_vs_lv_main(pair in 0usize..3, factor in 1.7f64..20.0) {
        let (sample, relay, lv) = LV_MAIN_PAIRS[pair];
        let mut v = fixture(sample);
        let trip = &mut device(&mut v, lv)["trip"];
        let tr = trip["lt_time_s"].as_f64().unwrap() * factor;
        trip["lt_time_s"] = tr.into();
        assert_time_element_fails(&v, relay, lv);
    }

    /// The converse: a higher lever (× 1 … 1.5) only moves the time element away; the pair
    /// stays a warning for the instantaneous element.
    #[test]
    fn raising_the_relay_lever_keeps_the_instantaneous_warning(pair in 0usize..3, factor in 1.0f64..1.5) {
        let (sample, relay, lv) = LV_MAIN_PAIRS[pair];
        let mut v = fixture(sample);
        let ocr = &mut device(&mut v, relay)["ocr"];
        let lever = ocr["lever"].as_f64().unwrap() * factor;
        ocr["lever"] = lever.into();
        let a = run(&v);
        let c = find(&a, "ocr_vs_lv_main", &[relay, lv]);
        prop_assert_eq!(c.status, Status::Warning, "{}", c.message_en);
        prop_assert!(c.message_en.starts_with("only the instantaneous element"), "{}", c.message_en);
    }

    /// Any bank of the samples with its reactor removed or below 6 % warns, naming it.
    #[test]
    fn a_reactor_below_6_percent_warns(pick in 0usize..3, reactor in prop_oneof![Just(0.0), 0.0f64..5.99]) {
        let (sample, bank) = [("pfs_300kva.json", "SC1"), ("cb_multi.json", "SC1"), ("cb_multi.json", "SC2")][pick];
        let mut v = fixture(sample);
        device(&mut v, bank)["reactor_percent"] = reactor.into();
        let a = run(&v);
        let c = find(&a, "capacitor_reactor", &[bank]);
        prop_assert_eq!(c.status, Status::Warning, "{}", c.message_en);
        // Only that bank warns.
        prop_assert_eq!(of_rule(&a, "capacitor_reactor").iter().filter(|c| c.status != Status::Pass).count(), 1);
    }

    /// Banks added behind the C 10 A fuse of pfs_300kva beside SC1 (22.2 A): the summed
    /// inrush fails exactly when it exceeds the fuse's allowable current at 10 ms,
    /// 0.8 × 50 × 2^(ln 0.4 / ln 0.24) × 10 A = 624.3 A, naming the fuse and every bank.
    #[test]
    fn banks_added_behind_one_fuse_fail_together_above_its_allowable_current(
        banks in proptest::collection::vec((10u32..300, prop_oneof![Just(0.0), Just(6.0), Just(13.0)]), 1..4)
    ) {
        let per_kvar = 1000.0 / (3f64.sqrt() * 6600.0);
        let mult = |l: f64| if l > 0.0 { 1.0 + (100.0 / l).sqrt() } else { 70.0 };
        let mut v = fixture("pfs_300kva.json");
        let mut sum = 50.0 * per_kvar * mult(6.0);
        let mut ids = vec!["PF_SC".to_string(), "SC1".to_string()];
        for (k, &(kvar, reactor)) in banks.iter().enumerate() {
            let id = format!("SCX{k}");
            push(&mut v, json!({ "type": "capacitor", "id": id, "bus": "SC", "rated_kvar": kvar, "reactor_percent": reactor, "rated_voltage_v": 6600.0 / (1.0 - reactor / 100.0) }));
            sum += f64::from(kvar) * per_kvar * mult(reactor);
            ids.push(id);
        }
        let allowable = 0.8 * 50.0 * 2f64.powf(0.4f64.ln() / 0.24f64.ln()) * 10.0;
        prop_assume!((sum / allowable - 1.0).abs() > 0.01);
        let a = run(&v);
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        let c = find(&a, "capacitor_bank_inrush", &ids);
        let expected = if sum > allowable { Status::Fail } else { Status::Pass };
        prop_assert_eq!(c.status, expected, "{} A against {} A: {}", sum, allowable, c.message_en);
        prop_assert!((c.at_current_a.unwrap() - sum).abs() < 0.1);
    }

    /// A transformer (or a 6.6 kV capacitor) moved to a bus between the service point and
    /// the main device fails `load_ahead_of_main`, naming it.
    #[test]
    fn a_load_moved_ahead_of_the_main_fails(sample in 0usize..5, which in 0usize..8, bus in 0usize..3) {
        let (name, ahead): (&str, &[&str]) = [
            ("case_a.json", &["SP"][..]),
            ("case_b.json", &["SP", "P1", "HV"]),
            ("pfs_300kva.json", &["SP", "P1", "HV_IN"]),
            ("cb_multi.json", &["SP", "U1", "HV_IN"]),
            ("bad_coordination.json", &["SP", "P1", "HV_IN"]),
        ][sample];
        let mut v = fixture(name);
        let mut movable: Vec<(String, &str)> = ids_of_type(&v, "transformer").into_iter().map(|t| (t, "from")).collect();
        movable.extend(ids_of_type(&v, "capacitor").into_iter().map(|c| (c, "bus")));
        let (id, field) = movable[which % movable.len()].clone();
        let target = ahead[bus % ahead.len()];
        device(&mut v, &id)[field] = target.into();
        let a = run(&v);
        let c = find(&a, "load_ahead_of_main", &[id.as_str()]);
        prop_assert_eq!(c.status, Status::Fail, "{}", c.message_en);
    }

    /// A copy of the main device beside it (from the same bus, feeding a new bus, with or
    /// without a transformer behind it) fails `main_device`, naming both.
    #[test]
    fn a_duplicated_main_fails(sample in 0usize..5, with_load in any::<bool>()) {
        let (name, main) = [
            ("case_a.json", "VCB1"),
            ("case_b.json", "VCB1"),
            ("pfs_300kva.json", "LBS_MAIN"),
            ("cb_multi.json", "VCB_MAIN"),
            ("bad_coordination.json", "VCB_MAIN"),
        ][sample];
        let mut v = fixture(name);
        let mut dup = device(&mut v, main).clone();
        let dup_id = format!("{main}_DUP");
        let bus = format!("{}_DUP", dup["to"].as_str().unwrap());
        dup["id"] = dup_id.clone().into();
        dup["to"] = bus.clone().into();
        if let Some(o) = dup.as_object_mut() {
            o.remove("name");
        }
        push(&mut v, json!({ "type": "bus", "id": bus, "voltage_v": 6600 }));
        push(&mut v, dup);
        if with_load {
            push(&mut v, json!({ "type": "bus", "id": "LV_DUP", "voltage_v": 210 }));
            push(&mut v, json!({ "type": "transformer", "id": "TR_DUP", "from": bus, "to": "LV_DUP", "phases": "three", "rated_kva": 100,
                                 "primary_v": 6600, "secondary_v": 210, "impedance": { "form": "rx", "r_percent": 1.5, "x_percent": 3.5 } }));
        }
        let a = run(&v);
        let c = find(&a, "main_device", &[main, dup_id.as_str()]);
        prop_assert_eq!(c.status, Status::Fail, "{}", c.message_en);
    }

    /// The main device replaced by a short cable: whatever the walk then reaches first, the
    /// project fails `main_device` or `load_ahead_of_main` (no main, several "mains" in
    /// parallel, or transformers fed before a feeder device).
    #[test]
    fn a_removed_main_fails(sample in 0usize..5, length_m in 1.0f64..50.0) {
        let (name, main) = [
            ("case_a.json", "VCB1"),
            ("case_b.json", "VCB1"),
            ("pfs_300kva.json", "LBS_MAIN"),
            ("cb_multi.json", "VCB_MAIN"),
            ("bad_coordination.json", "VCB_MAIN"),
        ][sample];
        let mut v = fixture(name);
        let old = device(&mut v, main).clone();
        remove(&mut v, main);
        // A meter fed by the main's CT goes with it.
        v["devices"].as_array_mut().unwrap().retain(|d| d["ct"] != main);
        push(&mut v, json!({ "type": "cable", "id": main, "from": old["from"], "to": old["to"], "cable_type": "CVT", "size_mm2": 38,
                             "length_m": length_m, "r_ohm_per_km": 0.491, "x_ohm_per_km": 0.12 }));
        let a = run(&v);
        let failing = a.checks.iter().filter(|c| (c.rule == "main_device" || c.rule == "load_ahead_of_main") && c.status == Status::Fail).count();
        prop_assert!(failing > 0, "{}", listing(&a));
    }

    /// The PF・S main of pfs_300kva with other transformer sizes: it passes exactly when the
    /// installed capacity is at most 300 kVA.
    #[test]
    fn the_pf_main_capacity_follows_the_installed_kva(tr3 in 10u32..400, tr1 in 10u32..200) {
        let mut v = fixture("pfs_300kva.json");
        device(&mut v, "TR3")["rated_kva"] = tr3.into();
        device(&mut v, "TR1")["rated_kva"] = tr1.into();
        let a = run(&v);
        let c = find(&a, "pf_main_capacity", &["LBS_MAIN", "TR3", "TR1"]);
        let expected = if tr3 + tr1 <= 300 { Status::Pass } else { Status::Fail };
        prop_assert_eq!(c.status, expected, "{} + {} kVA: {}", tr3, tr1, c.message_en);
    }
}
