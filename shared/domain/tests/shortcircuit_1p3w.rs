//! Single-phase three-wire (1φ3W 210/105 V) secondaries: the 210 V fault across the outer
//! conductors and the 105 V line-to-neutral fault, the LV breakers' breaking capacity and
//! selectivity at both (docs/engineering.md §5, "Single-phase three-wire secondaries";
//! docs/rules/coordination.md, rules 5 and 7).
//!
//! Independent reference: the %Z method on the transformer's own kVA (not the engine's ohms),
//! with the half-winding rule of the point-to-point method (Eaton Bussmann, "Short-circuit
//! current calculations", single-phase centre-tapped transformers): the line-to-neutral fault
//! sees 1.5 × %R and 1.2 × %X of the transformer, on its kVA at 105 V, i.e.
//!
//! ```text
//! I_210 = (P_T / 210 V) · 100 / |%Z_T + 2·%Z_s·P_T/P_B|
//! I_105 = (P_T / 105 V) · 100 / |1.5·%R_T + j1.2·%X_T + 2·%Z_s·P_T/P_B|
//! ```
//!
//! (the source's loop 2·%Z_s keeps the same percentage on either base: at 105 V both its ohms
//! and the base impedance are a quarter of those at 210 V). A cable adds its go-and-return
//! loop, 2·Z_c, to either loop. Tolerance 1e-9 relative (same arithmetic by another route)
//! unless a line says otherwise.

use domain::analysis::parse_and_analyze;
use domain::checks::{run_checks, CheckSettings, Status};
use domain::model::parse_project;
use domain::shortcircuit::study;

const TOL: f64 = 1e-9;

fn close(what: &str, got: f64, want: f64, tol: f64) {
    assert!((got - want).abs() <= tol * want.abs(), "{what}: got {got}, want {want}");
}

fn hyp(r: f64, x: f64) -> f64 {
    r.hypot(x)
}

/// Source %R + j%X on 10 MVA at 6.6 kV, a 1φ transformer `T` (kVA, %R, %X) to the 1φ3W bus
/// `LV`, a 20 m CV 60 mm² cable (0.311 + j0.08 Ω/km) to the board `LVF`.
fn project(r_s: f64, x_s: f64, kva: f64, r_t: f64, x_t: f64) -> String {
    format!(
        r#"{{"schema_version":1,"name":"1φ3W","utility":{{"bus":"SP","voltage_v":6600,"frequency_hz":"50",
        "short_circuit":{{"form":"percent","r_percent":{r_s},"x_percent":{x_s}}}}},
        "devices":[
          {{"type":"bus","id":"SP","voltage_v":6600}},
          {{"type":"bus","id":"LV","voltage_v":210,"single_phase":true}},
          {{"type":"bus","id":"LVF","voltage_v":210,"single_phase":true}},
          {{"type":"transformer","id":"T","from":"SP","to":"LV","phases":"single","rated_kva":{kva},
            "primary_v":6600,"secondary_v":210,"impedance":{{"form":"rx","r_percent":{r_t},"x_percent":{x_t}}}}},
          {{"type":"cable","id":"C","from":"LV","to":"LVF","cable_type":"CV","size_mm2":60,"length_m":20,
            "r_ohm_per_km":0.311,"x_ohm_per_km":0.08}}
        ]}}"#
    )
}

/// (I_210, I_105) in kA by the formulas above, with an extra loop impedance `loop_ohm` (R, X)
/// and source factor `c` (the IEC maximum case multiplies the source impedance and the
/// voltage by c).
fn hand(r_s: f64, x_s: f64, kva: f64, r_t: f64, x_t: f64, loop_ohm: (f64, f64), c: f64) -> (f64, f64) {
    let k = 2.0 * c * kva / 10_000.0;
    let (sr, sx) = (k * r_s, k * x_s);
    let pct = |ohm: f64, v: f64| ohm / (v * v / (kva * 1000.0)) * 100.0;
    let z210 = hyp(r_t + sr + pct(loop_ohm.0, 210.0), x_t + sx + pct(loop_ohm.1, 210.0));
    let z105 = hyp(1.5 * r_t + sr + pct(loop_ohm.0, 105.0), 1.2 * x_t + sx + pct(loop_ohm.1, 105.0));
    (c * kva / 210.0 * 100.0 / z210, c * kva / 105.0 * 100.0 / z105)
}

#[test]
fn the_105_v_fault_at_the_terminals_is_larger_and_falls_faster_along_a_cable() {
    for (r_s, x_s, kva, r_t, x_t) in [(0.7, 7.0, 100.0, 1.5, 2.0), (20.0, 40.0, 50.0, 1.8, 1.6), (1.0, 9.0, 300.0, 1.2, 2.5)] {
        // Given a 1φ3W transformer, when the study runs,
        let p = parse_project(&project(r_s, x_s, kva, r_t, x_t)).unwrap_or_else(|e| panic!("{e:#?}"));
        let s = study(&p, domain::library::builtin());
        let lv = s.bus("LV").unwrap();
        // then both faults at its terminals follow the hand formulas (%Z method, c = 1),
        let (i210, i105) = hand(r_s, x_s, kva, r_t, x_t, (0.0, 0.0), 1.0);
        close("I_210 at LV", lv.percent_z.ik1_ka.unwrap(), i210, TOL);
        close("I_105 at LV", lv.percent_z.ik_ln_ka.unwrap(), i105, TOL);
        // and the line-to-neutral fault is 1.33 to 1.67 times the 210 V one there (1/1.5·2 and
        // 1/1.2·2: the ratio's limits for a pure-R and a pure-X winding),
        let ratio = i105 / i210;
        assert!((1.33..=1.67).contains(&ratio), "{ratio}");
        // while 20 m away each loop gains 2·Z_c, which weighs four times more at 105 V.
        let lvf = s.bus("LVF").unwrap();
        let loop_c = (2.0 * 0.311 * 0.020, 2.0 * 0.08 * 0.020);
        let (f210, f105) = hand(r_s, x_s, kva, r_t, x_t, loop_c, 1.0);
        close("I_210 at LVF", lvf.percent_z.ik1_ka.unwrap(), f210, TOL);
        close("I_105 at LVF", lvf.percent_z.ik_ln_ka.unwrap(), f105, TOL);
        assert!(f105 / f210 < ratio);
        // IEC 60909-0 maximum case: c = 1.1 at 210 V and on the source; no K_T for a 1φ unit.
        let (m210, m105) = hand(r_s, x_s, kva, r_t, x_t, (0.0, 0.0), 1.1);
        close("IEC I_210 at LV", lv.iec_max.ik1_ka.unwrap(), m210, TOL);
        close("IEC I_105 at LV", lv.iec_max.ik_ln_ka.unwrap(), m105, TOL);
        // No 105 V fault is reported at three-phase buses.
        assert_eq!(s.bus("SP").unwrap().percent_z.ik_ln_ka, None);
    }
}

#[test]
fn first_reference_numbers_of_the_105_v_fault() {
    // Source 0.7 + j7 % on 10 MVA, 1φ 100 kVA 1.5 + j2.0 %: the source loop on 100 kVA is
    // 0.014 + j0.14 %. 210 V: |1.514 + j2.14| = 2.6214 % → 476.19 A × 100/2.6214 = 18.165 kA.
    // 105 V: |2.264 + j2.54| = 3.4026 % → 952.38 A × 100/3.4026 = 27.990 kA (1.54 ×).
    let p = parse_project(&project(0.7, 7.0, 100.0, 1.5, 2.0)).unwrap();
    let lv = study(&p, domain::library::builtin()).bus("LV").unwrap().clone();
    close("I_210", lv.percent_z.ik_ka, 18.165, 1e-3);
    close("I_105", lv.percent_z.ik_ln_ka.unwrap(), 27.990, 1e-3);
    // i_p of the 105 V fault from its own R/X: κ = 1.02 + 0.98·e^(−3·2.264/2.54).
    let kappa = 1.02 + 0.98 * (-3.0 * 2.264 / 2.54f64).exp();
    close("ip_105", lv.percent_z.ip_ln_ka.unwrap(), kappa * 2f64.sqrt() * lv.percent_z.ik_ln_ka.unwrap(), 1e-9);
}

fn fixture(name: &str) -> String {
    let path = format!("{}/../../tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The fixtures' lighting side by hand: source 12.5 kA at 6.6 kV, X/R 10 (%Z_s = 10 MVA /
/// 142.89 MVA = 6.998 %), cable CVT 38 mm² 60 m (0.491 + j0.12 Ω/km, % = Ω × 10 000 /
/// (10 × 6.6²)), 1φ 100 kVA transformer 2.4 % at X/R 1.2. (I_210, I_105) at `LV1`, kA.
fn fixture_currents() -> (f64, f64) {
    let zs = 10.0 / (3f64.sqrt() * 6.6 * 12.5) * 100.0; // %Z_s = P_B / S_k × 100, 10 MVA base
    let (r_s0, x_s0) = (zs / 101f64.sqrt(), 10.0 * zs / 101f64.sqrt());
    let cable = |ohm_per_km: f64| ohm_per_km * 0.060 * 10_000.0 / (10.0 * 6.6 * 6.6);
    let (r_s, x_s) = (r_s0 + cable(0.491), x_s0 + cable(0.12));
    let r_t = 2.4 / (1.0 + 1.2f64 * 1.2).sqrt();
    hand(r_s, x_s, 100.0, r_t, 1.2 * r_t, (0.0, 0.0), 1.0)
}

#[test]
fn the_passing_fixture_breaks_the_105_v_fault_and_stays_selective() {
    // Given the 1φ3W site whose 105 V branch breaker `MCCB_B1` is rated 35 kA,
    let (i210, i105) = fixture_currents();
    // (18.84 kA across 210 V, 28.73 kA line to neutral at the lighting board),
    close("I_210", i210, 18.84, 1e-3);
    close("I_105", i105, 28.73, 1e-3);
    let a = parse_and_analyze(&fixture("1p3w_105v_pass.json")).unwrap();
    let lv1 = a.short_circuit.bus("LV1").unwrap();
    close("engine I_210", lv1.percent_z.ik_ka, i210, 1e-9);
    close("engine I_105", lv1.percent_z.ik_ln_ka.unwrap(), i105, 1e-9);
    // when it is analysed, then nothing fails or warns,
    let bad: Vec<_> = a.checks.iter().filter(|c| c.status != Status::Pass).map(|c| format!("{} {:?}: {}", c.rule, c.devices, c.message_en)).collect();
    assert!(bad.is_empty(), "{bad:#?}");
    // the branch breaker is judged at the 105 V fault, which governs,
    let get = |rule: &str, devices: &[&str]| a.checks.iter().find(|c| c.rule == rule && c.devices == devices).unwrap_or_else(|| panic!("no {rule} {devices:?}"));
    let bc = get("breaking_capacity", &["MCCB_B1"]);
    assert!(bc.message_en.contains("105 V line-to-neutral fault"), "{}", bc.message_en);
    close("at", bc.at_current_a.unwrap(), i105 * 1000.0, 1e-9);
    assert_eq!(bc.current_basis_v, Some(105.0));
    // and so is the lighting main (its poles carry the 105 V fault's line current too).
    assert!(get("breaking_capacity", &["MCCB_L"]).message_en.contains("105 V"));
    assert_eq!(get("lv_series", &["MCCB_L", "MCCB_B1"]).status, Status::Pass);
}

#[test]
fn the_failing_fixture_fails_only_for_the_105_v_fault() {
    // Given the same site with a 25 kA branch breaker: enough for 18.84 kA, not for 28.73 kA,
    let a = parse_and_analyze(&fixture("1p3w_105v_fail.json")).unwrap();
    let failed: Vec<_> = a.checks.iter().filter(|c| c.status == Status::Fail).collect();
    // then exactly its breaking capacity fails, ratio 25 / 28.73 = 0.870, and no check warns.
    assert_eq!(failed.len(), 1, "{failed:#?}");
    assert_eq!((failed[0].rule, failed[0].devices.clone()), ("breaking_capacity", vec!["MCCB_B1".to_string()]));
    let ratio = failed[0].worst_margin.unwrap().value.unwrap();
    close("ratio", ratio, 25.0 / fixture_currents().1, 1e-9);
    assert!(failed[0].message_en.contains("105 V line-to-neutral fault"));
    assert_eq!(a.checks.iter().filter(|c| c.status == Status::Warning).count(), 0);
}

#[test]
fn lv_breakers_in_series_on_a_1p3w_bus_are_judged_up_to_the_105_v_fault() {
    // Given a 1φ 150 kVA transformer (1.5 + j5.5 %) under source 0.7 + j7 %, an ACB 1000 A
    // (Ir 0.8, short time 2 × Ir 0.1 s, instantaneous 16 × In = 16 kA, ±10 %: it may act
    // from 14.4 kA) above a 100 A branch MCCB, both at the transformer's terminals,
    let json = r#"{"schema_version":1,"name":"1φ3W selectivity","utility":{"bus":"SP","voltage_v":6600,"frequency_hz":"50",
      "short_circuit":{"form":"percent","r_percent":0.7,"x_percent":7.0}},
      "devices":[
        {"type":"bus","id":"SP","voltage_v":6600},
        {"type":"bus","id":"LV","voltage_v":210,"single_phase":true},
        {"type":"bus","id":"LVM","voltage_v":210,"single_phase":true},
        {"type":"bus","id":"LVB","voltage_v":210,"single_phase":true},
        {"type":"transformer","id":"T","from":"SP","to":"LV","phases":"single","rated_kva":150,
         "primary_v":6600,"secondary_v":210,"impedance":{"form":"rx","r_percent":1.5,"x_percent":5.5}},
        {"type":"lv_breaker","id":"ACB","from":"LV","to":"LVM","kind":"acb","rated_current_a":1000,"frame_a":1000,
         "breaking_capacity_ka":65,"trip":{"kind":"electronic","lt_multiple":0.8,"lt_time_s":10,"st_multiple":2,"st_time_s":0.1,"i_multiple":16}},
        {"type":"lv_breaker","id":"MCCB","from":"LVM","to":"LVB","kind":"mccb","rated_current_a":100,"frame_a":100,
         "breaking_capacity_ka":50,"trip":{"kind":"thermal_magnetic","instantaneous_multiple":10}}
      ]}"#;
    let p = parse_project(json).unwrap_or_else(|e| panic!("{e:#?}"));
    let s = study(&p, domain::library::builtin());
    let lvm = s.bus("LVM").unwrap();
    // (210 V: 714.3 A × 100/|1.521 + j5.71| = 12.08 kA, below 14.4 kA; 105 V: 1 428.6 A ×
    // 100/|2.271 + j6.81| = 19.90 kA, above it),
    let (i210, i105) = hand(0.7, 7.0, 150.0, 1.5, 5.5, (0.0, 0.0), 1.0);
    close("I_210", lvm.percent_z.ik_ka, i210, 1e-9);
    close("I_105", lvm.percent_z.ik_ln_ka.unwrap(), i105, 1e-9);
    assert!(i210 < 14.4 && 14.4 < i105, "{i210} {i105}");
    // when the checks run, then the pair is only partially selective: the ACB's instantaneous
    // may act together with the MCCB between 14.4 and 19.9 kA, which only the 105 V fault
    // reaches.
    let results = run_checks(&p, &s, &CheckSettings::from_project(&p));
    let pair = results.iter().find(|r| r.rule == "lv_series" && r.devices == ["ACB", "MCCB"]).unwrap();
    assert_eq!(pair.status, Status::Warning, "{}", pair.message_en);
    // Without the instantaneous element (short time only) the pair is selective at both.
    let p = parse_project(&json.replace(r#","i_multiple":16"#, "")).unwrap();
    let s = study(&p, domain::library::builtin());
    let results = run_checks(&p, &s, &CheckSettings::from_project(&p));
    let pair = results.iter().find(|r| r.rule == "lv_series" && r.devices == ["ACB", "MCCB"]).unwrap();
    assert_eq!(pair.status, Status::Pass, "{}", pair.message_en);
}
