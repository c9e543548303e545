//! Motor and generator contribution (docs/engineering.md §5, "Motors and generators").
//!
//! Every expected number is an independent hand calculation written out below, by another
//! route than the engine's (the engine solves the bus admittance matrix in ohms referred to
//! 6.6 kV; here the %Z method runs on the 10 MVA base, and the IEC 60909-0 case in ohms at the
//! fault's voltage, with the network and the machines combined as parallel impedances).
//! Tolerance 1e-9 relative: the same arithmetic by another route. The same networks' IEC
//! numbers agree with pandapower 3.5.6 (`tests/pandapower/compare.py`, networks `motors_*`
//! and `gen_*`).

use domain::checks::{run_checks, CheckSettings, Status};
use domain::model::parse_project;
use domain::shortcircuit::study;

const TOL: f64 = 1e-9;
const SQRT3: f64 = 1.732_050_807_568_877_2;

#[derive(Clone, Copy, Debug)]
struct C(f64, f64);

impl C {
    fn add(self, o: C) -> C {
        C(self.0 + o.0, self.1 + o.1)
    }
    fn scale(self, k: f64) -> C {
        C(self.0 * k, self.1 * k)
    }
    fn inv(self) -> C {
        let d = self.0 * self.0 + self.1 * self.1;
        C(self.0 / d, -self.1 / d)
    }
    fn abs(self) -> f64 {
        self.0.hypot(self.1)
    }
    /// Parallel combination of impedances.
    fn par(zs: &[C]) -> C {
        zs.iter().fold(C(0.0, 0.0), |y, z| y.add(z.inv())).inv()
    }
    /// |Z| split by R/X.
    fn from_abs(z: f64, r_over_x: f64) -> C {
        let x = z / (1.0 + r_over_x * r_over_x).sqrt();
        C(r_over_x * x, x)
    }
}

fn close(what: &str, got: f64, want: f64) {
    assert!((got - want).abs() <= TOL * want.abs(), "{what}: got {got}, want {want}");
}

/// Source 0.7 + j7.0 % on 10 MVA at 6.6 kV, a 500 kVA 6.6 kV/210 V transformer 1.2 + j4.0 %
/// from the service point to the 210 V bus `LV`, a breaker `MCCB` from `LV` to `LVF`, and the
/// given machines (JSON objects without the closing brace's neighbours).
fn project(machines: &[String], mccb_icu_ka: f64) -> String {
    let mut devices = vec![
        r#"{"type":"bus","id":"SP","voltage_v":6600}"#.to_string(),
        r#"{"type":"bus","id":"LV","voltage_v":210}"#.to_string(),
        r#"{"type":"bus","id":"LVF","voltage_v":210}"#.to_string(),
        r#"{"type":"transformer","id":"T","from":"SP","to":"LV","phases":"three","rated_kva":500,
           "primary_v":6600,"secondary_v":210,"impedance":{"form":"rx","r_percent":1.2,"x_percent":4.0}}"#
            .to_string(),
        format!(
            r#"{{"type":"lv_breaker","id":"MCCB","from":"LV","to":"LVF","kind":"mccb","rated_current_a":400,
               "frame_a":400,"breaking_capacity_ka":{mccb_icu_ka},"trip":{{"kind":"thermal_magnetic","instantaneous_multiple":10}}}}"#
        ),
    ];
    devices.extend(machines.iter().cloned());
    format!(
        r#"{{"schema_version":1,"name":"motors","utility":{{"bus":"SP","voltage_v":6600,"frequency_hz":"50",
        "short_circuit":{{"form":"percent","r_percent":0.7,"x_percent":7.0}}}},"devices":[{}]}}"#,
        devices.join(",")
    )
}

fn motor(id: &str, bus: &str, kw: f64, v: f64, eff: f64, pf: f64, lrc: f64) -> String {
    format!(
        r#"{{"type":"motor","id":"{id}","bus":"{bus}","rated_kw":{kw},"rated_voltage_v":{v},
           "efficiency":{eff},"power_factor":{pf},"starting_current_multiple":{lrc}}}"#
    )
}

/// Source and transformer on the 10 MVA base, %: (0.7 + j7.0) + (1.2 + j4.0) × 10 000/500.
fn network_percent() -> C {
    C(0.7 + 1.2 * 20.0, 7.0 + 4.0 * 20.0)
}

/// IEC 60909-0 maximum case at 210 V, Ω: Z_Q = c·(%Z_s on 10 MVA)·U²/S_B referred to 210 V,
/// plus K_T·Z_T with K_T = 0.95·1.1/(1 + 0.6·0.04).
fn network_iec_ohm() -> C {
    let zq = C(0.7, 7.0).scale(1.1 / 100.0 * 6600.0 * 6600.0 / 10e6 * (210.0 / 6600.0f64).powi(2));
    let k_t = 0.95 * 1.1 / (1.0 + 0.6 * 0.04);
    let zt = C(1.2, 4.0).scale(k_t / 100.0 * 210.0 * 210.0 / 500e3);
    zq.add(zt)
}

/// Base current at 210 V on 10 MVA, A.
const I_B_210: f64 = 10e6 / (SQRT3 * 210.0);

#[test]
fn a_motor_group_at_210_v_adds_its_contribution_by_both_methods() {
    // Given two 200 V motors at the 210 V bus: 75 kW (η 0.92, cos φ 0.87, I_LR 6.5 × I_r) and
    // 110 kW (η 0.93, cos φ 0.88, 7 ×),
    let (s1, s2) = (75.0 / (0.92 * 0.87), 110.0 / (0.93 * 0.88)); // kVA
    let p = parse_project(&project(
        &[motor("M1", "LV", 75.0, 200.0, 0.92, 0.87, 6.5), motor("M2", "LV", 110.0, 200.0, 0.93, 0.88, 7.0)],
        100.0,
    ))
    .unwrap_or_else(|e| panic!("{e:#?}"));
    // when the study runs,
    let s = study(&p, domain::library::builtin());
    let lv = s.bus("LV").unwrap();

    // then the currents without contribution are the utility's alone (%Z method
    // 27 493 A × 100 / |24.7 + j87.0|),
    let i_without = I_B_210 * 100.0 / network_percent().abs() / 1000.0;
    close("%Z without", lv.percent_z.ik_ka, i_without);
    // and with contribution the motors are 25 % on their own kVA (R/X 0.42), in parallel with
    // the network: on 10 MVA, 25 × 10 000 / S_rM.
    let zm = |s: f64| C::from_abs(25.0 * 10_000.0 / s, 0.42);
    let z = C::par(&[network_percent(), zm(s1), zm(s2)]);
    let i_with = I_B_210 * 100.0 / z.abs() / 1000.0;
    close("%Z with motors", lv.percent_z_with_contribution.ik_ka, i_with);
    // The %Z practice: each motor adds about 4 × its rated current (here 4 × (258 + 388) A
    // ≈ 2.6 kA, reduced by the network's angle): between 2.3 and 2.6 kA more.
    let added = (i_with - i_without) * 1000.0;
    let rated = (s1 + s2) * 1000.0 / (SQRT3 * 200.0);
    assert!(added > 0.85 * 4.0 * rated && added < 4.0 * rated * 210.0 / 200.0, "{added} A vs 4 × {rated} A");

    // IEC 60909-0: Z_M = 1/(I_LR/I_rM) · U_rM²/S_rM with R_M/X_M = 0.42 (LV motor group),
    // c = 1.1 at 210 V (10 % tolerance).
    let zm_iec = |s: f64, lrc: f64| C::from_abs(200.0 * 200.0 / (s * 1000.0) / lrc, 0.42);
    let z_iec = C::par(&[network_iec_ohm(), zm_iec(s1, 6.5), zm_iec(s2, 7.0)]);
    close("IEC without", lv.iec_max.ik_ka, 1.1 * 210.0 / (SQRT3 * network_iec_ohm().abs()) / 1000.0);
    close("IEC with motors", lv.iec_max_with_contribution.ik_ka, 1.1 * 210.0 / (SQRT3 * z_iec.abs()) / 1000.0);
    // The minimum case never includes motors, and the motors are not neglected here
    // (Σ I_rM = 646 A > 1 % of 30 kA).
    assert_eq!(lv.motors_neglected, [false, false]);
    close("Σ I_rM at LV [A]", lv.motors_rated_current_a, rated);

    // At 6.6 kV the same motors (646 A × 210/6600 = 20.6 A) are far below 1 % of the
    // 12.4 kA fault: neglected, the currents with contribution equal those without.
    let sp = s.bus("SP").unwrap();
    assert_eq!(sp.motors_neglected, [true, true]);
    assert_eq!(sp.percent_z_with_contribution.ik_ka, sp.percent_z.ik_ka);
    assert_eq!(sp.iec_max_with_contribution.ik_ka, sp.iec_max.ik_ka);
    // The breaker at `LV` carries the bus's currents, with and without contribution.
    let mccb = s.device("MCCB").unwrap();
    assert_eq!(mccb.ik_max_percent_z_ka, lv.percent_z.ik_ka);
    assert_eq!(mccb.ik_max_percent_z_with_contribution_ka, lv.percent_z_with_contribution.ik_ka);
    assert_eq!(mccb.ik_max_iec_with_contribution_ka, lv.iec_max_with_contribution.ik_ka);
}

/// Rated output (kW) of a 210 V motor (η 0.9, cos φ 0.85) whose rated current is `fraction` of
/// `ik_ka`.
fn kw_for(fraction: f64, ik_ka: f64) -> f64 {
    fraction * ik_ka * 1000.0 * SQRT3 * 210.0 * 0.9 * 0.85 / 1000.0
}

#[test]
fn motors_are_neglected_up_to_one_percent_of_the_fault_current_and_no_further() {
    // Given the fault currents at `LV` without any motor,
    let bare = study(&parse_project(&project(&[], 100.0)).unwrap(), domain::library::builtin());
    let lv = bare.bus("LV").unwrap();
    let (ik_pz, ik_iec) = (lv.percent_z.ik_ka, lv.iec_max.ik_ka);
    // when one motor's rated current is 0.999 % or 1.001 % of the %Z-method current (the
    // IEC 60909-0 rule: neglect when Σ I_rM ≤ 0.01 · I_k'' without motors),
    for (fraction, neglected) in [(0.00999, true), (0.01001, false)] {
        let kw = kw_for(fraction, ik_pz);
        let p = parse_project(&project(&[motor("M", "LV", kw, 210.0, 0.9, 0.85, 6.0)], 100.0)).unwrap();
        let s = study(&p, domain::library::builtin());
        let row = s.bus("LV").unwrap();
        // then the %Z method neglects it below the boundary and includes it above,
        assert_eq!(row.motors_neglected[0], neglected, "{fraction}");
        close("Σ I_rM", row.motors_rated_current_a, fraction * ik_pz * 1000.0);
        if neglected {
            assert_eq!(row.percent_z_with_contribution.ik_ka, row.percent_z.ik_ka);
        } else {
            // 25 % on S_rM = √3 · 210 V · I_rM in parallel: about 4 × 1 % more.
            let s_kva = SQRT3 * 210.0 * fraction * ik_pz;
            let z = C::par(&[network_percent(), C::from_abs(25.0 * 10_000.0 / s_kva, 0.42)]);
            close("%Z with the motor", row.percent_z_with_contribution.ik_ka, I_B_210 * 100.0 / z.abs() / 1000.0);
            assert!(row.percent_z_with_contribution.ik_ka > 1.03 * row.percent_z.ik_ka);
        }
    }
    // and the IEC rule uses the IEC current (c = 1.1 and K_T make it larger than the %Z one):
    // a motor at 1.001 % of the %Z current is below 1 % of the IEC current, so IEC neglects it.
    assert!(ik_iec > 1.001 * ik_pz);
    let p = parse_project(&project(&[motor("M", "LV", kw_for(0.01001, ik_pz), 210.0, 0.9, 0.85, 6.0)], 100.0)).unwrap();
    let row = study(&p, domain::library::builtin()).bus("LV").unwrap().clone();
    assert_eq!(row.motors_neglected, [false, true]);
    for (fraction, neglected) in [(0.00999, true), (0.01001, false)] {
        let p = parse_project(&project(&[motor("M", "LV", kw_for(fraction, ik_iec), 210.0, 0.9, 0.85, 6.0)], 100.0)).unwrap();
        let row = study(&p, domain::library::builtin()).bus("LV").unwrap().clone();
        assert_eq!(row.motors_neglected[1], neglected, "IEC {fraction}");
        assert_eq!(row.iec_max_with_contribution.ik_ka == row.iec_max.ik_ka, neglected);
    }
}

#[test]
fn a_generator_in_parallel_contributes_through_the_transformer_and_a_standby_one_does_not() {
    // Given a 300 kVA 210 V generator at `LV`, x_d'' 14 %, cos φ 0.8, in parallel operation,
    let gen = |parallel: bool| {
        format!(
            r#"{{"type":"generator","id":"G","bus":"LV","rated_kva":300,"rated_voltage_v":210,
               "xd_subtransient_percent":14,"power_factor":0.8,"parallel_operation":{parallel}}}"#
        )
    };
    let p = parse_project(&project(&[gen(true)], 100.0)).unwrap_or_else(|e| panic!("{e:#?}"));
    let s = study(&p, domain::library::builtin());

    // IEC 60909-0: X_d'' = 0.14 · 210²/300 kVA, R_Gf = 0.15 · X_d'' (U_rG ≤ 1 kV),
    // K_G = (U_n/U_rG) · c_max / (1 + x_d''·sin φ) = 1.1 / (1 + 0.14 · 0.6).
    let xd = 0.14 * 210.0 * 210.0 / 300e3;
    let k_g = 1.1 / (1.0 + 0.14 * 0.6);
    let zg = C(0.15 * xd, xd).scale(k_g);
    // then at 210 V the generator is in parallel with the network,
    let lv = s.bus("LV").unwrap();
    let z = C::par(&[network_iec_ohm(), zg]);
    close("IEC at LV with G", lv.iec_max_with_contribution.ik_ka, 1.1 * 210.0 / (SQRT3 * z.abs()) / 1000.0);
    // and at 6.6 kV it feeds back through the transformer: Z = Z_Q ∥ (K_T·Z_T + K_G·Z_G),
    // referred to 6.6 kV by (6600/210)².
    let r2 = (6600.0 / 210.0f64).powi(2);
    let zq = C(0.7, 7.0).scale(1.1 / 100.0 * 6600.0 * 6600.0 / 10e6);
    let k_t = 0.95 * 1.1 / (1.0 + 0.6 * 0.04);
    let zt = C(1.2, 4.0).scale(k_t / 100.0 * 210.0 * 210.0 / 500e3);
    let z_hv = C::par(&[zq, zt.add(zg).scale(r2)]);
    let sp = s.bus("SP").unwrap();
    close("IEC at SP with G", sp.iec_max_with_contribution.ik_ka, 1.1 * 6600.0 / (SQRT3 * z_hv.abs()) / 1000.0);
    // The %Z method: x_d'' on its own kVA (14 × 10 000/300 %), R = 0.15 X, no K_G.
    let zg_pct = C(0.15, 1.0).scale(14.0 * 10_000.0 / 300.0);
    let z_pct = C::par(&[network_percent(), zg_pct]);
    close("%Z at LV with G", lv.percent_z_with_contribution.ik_ka, I_B_210 * 100.0 / z_pct.abs() / 1000.0);
    assert!(s.notes.iter().any(|n| n.code == "generator_contribution"));

    // A standby generator (the default) adds nothing, and the study says so.
    let p = parse_project(&project(&[gen(false)], 100.0)).unwrap();
    let s = study(&p, domain::library::builtin());
    let lv = s.bus("LV").unwrap();
    assert_eq!(lv.iec_max_with_contribution.ik_ka, lv.iec_max.ik_ka);
    assert_eq!(lv.percent_z_with_contribution.ik_ka, lv.percent_z.ik_ka);
    assert!(s.notes.iter().any(|n| n.code == "generator_standby" && n.device_id.as_deref() == Some("G")));
}

#[test]
fn a_parallel_generator_without_subtransient_reactance_is_refused_by_field() {
    let g = r#"{"type":"generator","id":"G","bus":"LV","rated_kva":300,"rated_voltage_v":210,"parallel_operation":true}"#;
    let errors = parse_project(&project(&[g.to_string()], 100.0)).unwrap_err();
    assert!(errors.iter().any(|e| e.pointer == "/devices/5/xd_subtransient_percent"), "{errors:#?}");
    let m = r#"{"type":"motor","id":"M","bus":"LV","rated_kw":30,"rated_voltage_v":200,"pole_pairs":0}"#;
    let errors = parse_project(&project(&[m.to_string()], 100.0)).unwrap_err();
    assert!(errors.iter().any(|e| e.pointer == "/devices/5/pole_pairs"), "{errors:#?}");
}

#[test]
fn breaking_capacity_is_judged_with_the_motor_contribution_and_says_so() {
    // Given the motor group of the first test and an MCCB at `LV` whose Icu lies between the
    // fault current without motors and the one with them (%Z method, the default basis),
    let machines = [motor("M1", "LV", 75.0, 200.0, 0.92, 0.87, 6.5), motor("M2", "LV", 110.0, 200.0, 0.93, 0.88, 7.0)];
    let s = study(&parse_project(&project(&machines, 100.0)).unwrap(), domain::library::builtin());
    let lv = s.bus("LV").unwrap();
    let (without, with) = (lv.percent_z.ik_ka, lv.percent_z_with_contribution.ik_ka);
    assert!(with - without > 2.0, "{without} → {with}");
    let icu = ((without + with) / 2.0 * 10.0).round() / 10.0;
    assert!(without < icu && icu < with);
    let p = parse_project(&project(&machines, icu)).unwrap();
    let s = study(&p, domain::library::builtin());
    // when the checks run,
    let results = run_checks(&p, &s, &CheckSettings::from_project(&p));
    let r = results.iter().find(|r| r.rule == "breaking_capacity" && r.devices == ["MCCB"]).unwrap();
    // then the breaker fails against the current with contribution, and the message says so.
    assert_eq!(r.status, Status::Fail, "{}", r.message_en);
    assert!(r.message_en.contains("with motor and generator contribution"), "{}", r.message_en);
    assert!((r.at_current_a.unwrap() - with * 1000.0).abs() < 1e-6);
    // Without the motors the same breaker passes.
    let p = parse_project(&project(&[], icu)).unwrap();
    let s = study(&p, domain::library::builtin());
    let results = run_checks(&p, &s, &CheckSettings::from_project(&p));
    let r = results.iter().find(|r| r.rule == "breaking_capacity" && r.devices == ["MCCB"]).unwrap();
    assert_eq!(r.status, Status::Pass, "{}", r.message_en);
}
