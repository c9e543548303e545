//! Reference cases A and B of docs/engineering.md §5 reproduce within 0.1 % (relative), by the
//! %Z method and — for case B — the IEC 60909 numbers pandapower 3.5.6 gives.

use domain::model::{parse_project, Project};
use domain::shortcircuit::{study, study_with, BusShortCircuit, ShortCircuitStudy, StudyOptions};

/// Relative tolerance of the published reference numbers.
const TOL: f64 = 1e-3;

fn load(name: &str) -> Project {
    let path = format!("{}/../../tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let json = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    parse_project(&json).unwrap_or_else(|e| panic!("{name} is invalid: {e:#?}"))
}

fn lib() -> &'static domain::library::BuiltinLibrary {
    domain::library::builtin()
}

fn close(what: &str, got: f64, want: f64) {
    let rel = (got - want).abs() / want.abs();
    assert!(
        rel <= TOL,
        "{what}: got {got}, want {want} (deviation {:.4} % > 0.1 %)",
        rel * 100.0
    );
}

fn bus<'a>(s: &'a ShortCircuitStudy, id: &str) -> &'a BusShortCircuit {
    s.bus(id).unwrap_or_else(|| panic!("no row for bus {id}"))
}

#[test]
fn case_a_percent_z_method_gives_the_published_answer() {
    // Given reference case A, when the %Z method runs,
    let p = load("case_a.json");
    let s = study(&p, lib());
    let lv = bus(&s, "LV");
    // then the 210 V fault is 14.187 kA, seen as 451.4 A at 6.6 kV and 30.09 A through a 75/5 CT.
    close("I_s at 210 V [kA]", lv.percent_z.ik3_ka.unwrap(), 14.187);
    close("I_s at 6.6 kV [A]", lv.percent_z.ik_at_utility_a, 451.4);
    close(
        "relay current with CT 75/5 [A]",
        lv.percent_z.ik_at_utility_a / 15.0,
        30.09,
    );
    // Σ%Z on the 300 kVA base is 2.6 + j5.2 %, i.e. × 10 000/300 on the 10 MVA base.
    close(
        "Σ%R (10 MVA)",
        lv.percent_z.r_percent,
        2.6 * 10_000.0 / 300.0,
    );
    close(
        "Σ%X (10 MVA)",
        lv.percent_z.x_percent,
        5.2 * 10_000.0 / 300.0,
    );
    // The transformer sees the 210 V fault; the VCB sees the 6.6 kV bus fault.
    let tr = s.device("TR1").unwrap();
    assert_eq!(tr.max_fault_bus_id, "LV");
    close(
        "TR1 through-fault at 6.6 kV [A]",
        tr.ik_max_percent_z_at_utility_a,
        451.4,
    );
}

#[test]
fn case_b_percent_z_method_matches_the_table() {
    let p = load("case_b.json");
    let s = study(&p, lib());
    let hv = bus(&s, "HV");
    close("Σ%R 6.6 kV", hv.percent_z.r_percent, 1.827);
    close("Σ%X 6.6 kV", hv.percent_z.x_percent, 7.275);
    close("I_s 6.6 kV [kA]", hv.percent_z.ik3_ka.unwrap(), 11.661);
    close("X/R 6.6 kV", hv.percent_z.x_over_r, 3.98);
    close("κ 6.6 kV", hv.percent_z.kappa, 1.481);
    close("i_p 6.6 kV [kA]", hv.percent_z.ip_ka, 24.43);
    close("asymmetric RMS 6.6 kV [kA]", hv.percent_z.i_asym_ka, 13.86);
    close(
        "2φ 6.6 kV [kA]",
        hv.percent_z.ik2_ka.unwrap(),
        0.866 * 11.661,
    );

    let lv = bus(&s, "LV");
    close("Σ%R 210 V", lv.percent_z.r_percent, 25.827);
    close("Σ%X 210 V", lv.percent_z.x_percent, 87.275);
    close("I_s 210 V [kA]", lv.percent_z.ik3_ka.unwrap(), 30.206);
    close("X/R 210 V", lv.percent_z.x_over_r, 3.38);
    close("κ 210 V", lv.percent_z.kappa, 1.423);
    close("i_p 210 V [kA]", lv.percent_z.ip_ka, 60.80);
    close(
        "210 V fault at 6.6 kV [A]",
        lv.percent_z.ik_at_utility_a,
        961.1,
    );

    // The source alone: S_k 142.15 MVA, I_k 12.435 kA.
    let sp = bus(&s, "SP");
    close("S_k service point [MVA]", sp.percent_z.sk_mva, 142.15);
    close(
        "I_k service point [kA]",
        sp.percent_z.ik3_ka.unwrap(),
        12.435,
    );
}

#[test]
fn case_b_iec_max_matches_pandapower_with_both_lv_tolerances() {
    let p = load("case_b.json");
    let s10 = study(&p, lib());
    close(
        "IEC max 6.6 kV [kA]",
        bus(&s10, "HV").iec_max.ik3_ka.unwrap(),
        11.738,
    );
    close(
        "IEC max 210 V, 10 % [kA]",
        bus(&s10, "LV").iec_max.ik3_ka.unwrap(),
        32.372,
    );
    let opts6 = StudyOptions {
        lv_tolerance_percent: 6.0,
        ..StudyOptions::from_project(&p)
    };
    let s6 = study_with(&p, lib(), &opts6);
    close(
        "IEC max 210 V, 6 % [kA]",
        bus(&s6, "LV").iec_max.ik3_ka.unwrap(),
        32.237,
    );
}

#[test]
fn case_b_iec_min_at_20_degrees_reproduces_the_percent_z_method() {
    let p = load("case_b.json");
    let s = study(&p, lib());
    let hv = bus(&s, "HV");
    close("IEC min 6.6 kV [kA]", hv.iec_min.ik3_ka.unwrap(), 11.661);
    let lv = bus(&s, "LV");
    close(
        "IEC min 210 V = c_min × %Z [kA]",
        lv.iec_min.ik3_ka.unwrap(),
        0.90 * 30.206,
    );
}

#[test]
fn min_case_cable_temperature_lowers_the_current() {
    let mut p = load("case_b.json");
    p.settings.cable_end_temperature_c = Some(90.0);
    let s = study(&p, lib());
    let hv = bus(&s, "HV");
    // R_cable rises by 1 + 0.004·70 = 1.28: Σ%R = 0.70 + 1.127·1.28.
    let r: f64 = 0.70 + 1.1272 * 1.28;
    let z = r.hypot(7.275);
    close(
        "IEC min 6.6 kV at 90 °C [kA]",
        hv.iec_min.ik3_ka.unwrap(),
        874.77 * 100.0 / z / 1000.0,
    );
    assert!(hv.iec_min.ik3_ka.unwrap() < hv.percent_z.ik3_ka.unwrap());
}
