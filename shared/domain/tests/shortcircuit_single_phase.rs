//! Single-phase transformer secondaries: the bolted fault across the 210 V outer conductors of
//! a 1φ transformer connected line-to-line on 6.6 kV. Independent reference: the textbook %Z
//! method on the transformer's own base, with the three-phase source %Z doubled (loop of two
//! phases) and converted by P_T/P_B: I = P_T/V₂ × 100/|%Z_T + 2·%Z_s·P_T/P_B|.
//! Tolerance 1e-9 relative (same arithmetic by another route).

use domain::model::parse_project;
use domain::shortcircuit::study;

fn project(r_s: f64, x_s: f64, kva: f64, r_t: f64, x_t: f64) -> String {
    format!(
        r#"{{"schema_version":1,"name":"1φ","utility":{{"bus":"SP","voltage_v":6600,"frequency_hz":"50",
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

fn textbook(r_s: f64, x_s: f64, kva: f64, r_t: f64, x_t: f64) -> f64 {
    let k = 2.0 * kva / 10_000.0;
    let z = (r_t + k * r_s).hypot(x_t + k * x_s);
    kva * 1000.0 / 210.0 * 100.0 / z / 1000.0
}

#[test]
fn single_phase_secondary_matches_the_textbook_percent_z_method() {
    for (r_s, x_s, kva, r_t, x_t) in [
        (0.7, 7.0, 100.0, 1.5, 2.0),
        (20.0, 40.0, 50.0, 1.8, 1.6),
        (1.0, 9.0, 300.0, 1.2, 2.5),
    ] {
        let p =
            parse_project(&project(r_s, x_s, kva, r_t, x_t)).unwrap_or_else(|e| panic!("{e:#?}"));
        let s = study(&p, domain::library::builtin());
        let lv = s.bus("LV").unwrap();
        assert!(lv.single_phase);
        assert_eq!(
            lv.percent_z.ik3_ka, None,
            "no three-phase fault on a 1φ bus"
        );
        let got = lv.percent_z.ik1_ka.unwrap();
        let want = textbook(r_s, x_s, kva, r_t, x_t);
        assert!((got - want).abs() / want < 1e-9, "{got} vs {want}");
        // Referred to 6.6 kV: × 210/6600.
        assert!(
            (lv.percent_z.ik_at_utility_a - want * 1000.0 * 210.0 / 6600.0).abs()
                < 1e-6 * want * 1000.0
        );
        // A cable on a 1φ bus adds its go-and-return loop: 2 × 20 m.
        let lvf = s.bus("LVF").unwrap();
        let dr = lvf.percent_z.r_ohm - lv.percent_z.r_ohm;
        assert!((dr - 2.0 * 0.311 * 0.020).abs() < 1e-12, "{dr}");
    }
}

#[test]
fn first_reference_number_single_phase_100_kva() {
    // Source 0.7 + j7 % (case B), 1φ 100 kVA 1.5 + j2.0 %: on the 100 kVA base
    // 1.514 + j2.14 %, |Z| = 2.6214 %, I = 476.19 A × 100/2.6214 = 18.165 kA.
    let p = parse_project(&project(0.7, 7.0, 100.0, 1.5, 2.0)).unwrap();
    let s = study(&p, domain::library::builtin());
    let got = s.bus("LV").unwrap().percent_z.ik_ka;
    assert!((got - 18.165).abs() / 18.165 < 1e-3, "{got}");
}
