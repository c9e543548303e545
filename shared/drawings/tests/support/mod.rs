//! Shared helpers of the drawings tests: sample projects, the output folder, external tools.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use domain::analysis::{analyze, Analysis};
use domain::checks::CheckSettings;
use domain::model::Project;

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every sample project: (file stem, project, analysis).
pub fn samples() -> Vec<(String, Project, Analysis)> {
    let dir = root().join("tests/fixtures");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/fixtures")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no sample projects in {}", dir.display());
    files
        .into_iter()
        .map(|p| {
            let json = std::fs::read_to_string(&p).expect("read fixture");
            let stem = p.file_stem().and_then(|s| s.to_str()).unwrap_or("x").to_string();
            let (project, analysis) = load(&json).unwrap_or_else(|e| panic!("{stem}: {e}"));
            (stem, project, analysis)
        })
        .collect()
}

/// Parse, validate and analyse a project.
pub fn load(json: &str) -> Result<(Project, Analysis), String> {
    let project = domain::validate::parse_project_with(json, domain::library::builtin()).map_err(|e| format!("{e:?}"))?;
    let analysis = analyze(&project, &CheckSettings::from_project(&project));
    Ok((project, analysis))
}

/// Where tests write rendered files: `target/drawings-out/` in the workspace (not in git).
pub fn out_dir(sub: &str) -> PathBuf {
    let d = root().join("target/drawings-out").join(sub);
    std::fs::create_dir_all(&d).expect("create target/drawings-out");
    d
}

/// An external program on PATH; fails the test with a clear message when it is missing.
pub fn tool(name: &str) -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    for dir in std::env::split_paths(&path) {
        let p = dir.join(name);
        if p.is_file() {
            return p;
        }
    }
    panic!("`{name}` is not installed (run tests/setup-debian.sh: qpdf, poppler-utils, fonts-ipaexfont-gothic)");
}

/// The Python with ezdxf: `KYOCHO_PYTHON` (set by tests/run.sh); fails when unset or broken.
pub fn python() -> PathBuf {
    let p = std::env::var_os("KYOCHO_PYTHON").unwrap_or_else(|| {
        panic!("KYOCHO_PYTHON is not set: point it at a Python with ezdxf (tests/requirements.txt), as tests/run.sh does")
    });
    let p = PathBuf::from(p);
    let ok = Command::new(&p).args(["-c", "import ezdxf"]).status().map(|s| s.success()).unwrap_or(false);
    assert!(ok, "KYOCHO_PYTHON={} cannot import ezdxf (pip install -r tests/requirements.txt)", p.display());
    p
}

/// A radial site of about 60 devices: PAS, lead-in cable, main VCB, five transformer
/// feeders each with an ACB and four MCCB branches to loads, and two capacitor feeders.
pub fn big_site_json() -> String {
    let mut buses = vec![
        r#"{"type":"bus","id":"SP","name":"受電点","voltage_v":6600}"#.to_string(),
        r#"{"type":"bus","id":"P1","voltage_v":6600}"#.to_string(),
        r#"{"type":"bus","id":"HV_IN","name":"受電盤","voltage_v":6600}"#.to_string(),
        r#"{"type":"bus","id":"HV","name":"高圧母線","voltage_v":6600}"#.to_string(),
    ];
    let mut devs = vec![
        r#"{"type":"ground_switch","id":"PAS","name":"PAS (DGR)","from":"SP","to":"P1","kind":"pas","rated_current_a":300,"ground_relay":{"kind":"dgr","current_a":0.2,"time_s":0.2,"voltage_percent":5}}"#.to_string(),
        r#"{"type":"cable","id":"C_IN","name":"引込ケーブル","from":"P1","to":"HV_IN","cable_type":"CVT","size_mm2":60,"length_m":80,"r_ohm_per_km":0.311,"x_ohm_per_km":0.112}"#.to_string(),
        r#"{"type":"vcb","id":"VCB_MAIN","name":"主遮断器","from":"HV_IN","to":"HV","rated_current_a":600,"breaking_capacity_ka":12.5,"ocr":{"curve":"ei","ct_primary_a":150,"ct_secondary_a":5,"tap_a":4.0,"lever":2,"instantaneous_tap_a":40}}"#.to_string(),
    ];
    for f in 1..=5 {
        buses.push(format!(r#"{{"type":"bus","id":"F{f}","voltage_v":6600}}"#));
        buses.push(format!(r#"{{"type":"bus","id":"LV{f}","name":"TR{f} 二次","voltage_v":210}}"#));
        buses.push(format!(r#"{{"type":"bus","id":"LV{f}M","name":"低圧主幹{f}","voltage_v":210}}"#));
        devs.push(format!(r#"{{"type":"vcb","id":"VCB_F{f}","name":"TR{f} 送り","from":"HV","to":"F{f}","rated_current_a":600,"breaking_capacity_ka":12.5,"ocr":{{"curve":"ei","ct_primary_a":30,"ct_secondary_a":5,"tap_a":5.0,"lever":1,"instantaneous_tap_a":60}}}}"#));
        devs.push(format!(r#"{{"type":"transformer","id":"TR{f}","name":"変圧器{f}","from":"F{f}","to":"LV{f}","phases":"three","rated_kva":200,"primary_v":6600,"secondary_v":210,"impedance":{{"form":"rx","r_percent":1.3,"x_percent":3.6}}}}"#));
        devs.push(format!(r#"{{"type":"lv_breaker","id":"ACB{f}","name":"主幹{f}","from":"LV{f}","to":"LV{f}M","kind":"acb","rated_current_a":630,"frame_a":800,"breaking_capacity_ka":50,"trip":{{"kind":"electronic","lt_multiple":0.9,"lt_time_s":10,"st_multiple":4,"st_time_s":0.1,"i_multiple":12}}}}"#));
        for b in 1..=4 {
            buses.push(format!(r#"{{"type":"bus","id":"LV{f}B{b}","voltage_v":210}}"#));
            devs.push(format!(r#"{{"type":"lv_breaker","id":"MCCB{f}{b}","name":"分岐{f}-{b}","from":"LV{f}M","to":"LV{f}B{b}","kind":"mccb","rated_current_a":100,"frame_a":225,"breaking_capacity_ka":25,"trip":{{"kind":"thermal_magnetic","instantaneous_multiple":10}}}}"#));
            devs.push(format!(r#"{{"type":"load","id":"L{f}{b}","name":"負荷{f}-{b}","bus":"LV{f}B{b}","rated_kva":20,"rated_voltage_v":200}}"#));
        }
    }
    for c in 1..=2 {
        buses.push(format!(r#"{{"type":"bus","id":"FC{c}","voltage_v":6600}}"#));
        devs.push(format!(r#"{{"type":"lbs_pf","id":"PF_SC{c}","name":"コンデンサ送り{c}","from":"HV","to":"FC{c}","rated_current_a":200,"fuse":{{"fuse_type":"C","rating_a":20}}}}"#));
        devs.push(format!(r#"{{"type":"capacitor","id":"SC{c}","name":"進相コンデンサ{c}","bus":"FC{c}","rated_kvar":50,"reactor_percent":6,"rated_voltage_v":7020}}"#));
    }
    let all: Vec<String> = buses.into_iter().chain(devs).collect();
    format!(
        r#"{{"schema_version":1,"name":"大規模サイト 60 機器","utility":{{"bus":"SP","voltage_v":6600,"frequency_hz":"60","short_circuit":{{"form":"current","ik_ka":12.5,"x_over_r":10}},"ocr":{{"curve":"vi","ct_primary_a":600,"ct_secondary_a":5,"tap_a":5.0,"lever":6,"instantaneous_tap_a":120}}}},"devices":[{}]}}"#,
        all.join(",")
    )
}
