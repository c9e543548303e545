//! A project that uses the company's own relay and power fuse analyses with the points the
//! engineer entered (docs/library.md), from the copies the project carries: publishing a new
//! version of an item changes nothing until the engineer adopts it.
//!
//! Given `tests/fixtures/cb_multi.json` with feeder VCB_TR1's OCR (CT 75/5, tap 3.5 A,
//! lever 6 → TMS 0.6) on company relay `acme.ocr.ei` v1 and PF_TR3 (T 40 A) on company PF
//! `acme.pf.t` v1. Hand interpolation is log-log between the entered points (docs/library.md).

use domain::analysis::{analyze, Analysis};
use domain::checks::{devices, CheckSettings};
use domain::library::company::{adopt, outdated_devices, CompanyItem};
use domain::library::resolve::Resolver;
use domain::model::{parse_project, Device, Project};
use serde_json::{json, Value};

/// Relative tolerance of the comparisons with hand interpolation: the engine and the hand
/// formula are the same log-log line, so only rounding separates them.
const TOL: f64 = 1e-9;

fn rel(a: f64, b: f64) -> f64 {
    ((a - b) / b).abs()
}

fn fixture() -> Value {
    let path = format!("{}/../../tests/fixtures/cb_multi.json", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).expect("fixture")).expect("json")
}

fn index(v: &Value, id: &str) -> usize {
    v["devices"].as_array().unwrap().iter().position(|d| d["id"] == id).unwrap()
}

/// Company relay: an EI relay whose catalogue curve (× tap, s at lever 10) differs from the
/// JIS EI formula (which gives 10 s at 3 × and 1.667 s at 7 ×).
fn relay_item(version: u32, scale: f64) -> Value {
    let pts: Vec<Value> = [(1.5, 90.0), (2.0, 30.0), (3.0, 12.0), (5.0, 4.0), (7.0, 2.0), (10.0, 1.0), (20.0, 0.3)]
        .iter()
        .map(|&(m, t)| json!({ "multiple": m, "time_s": t * scale }))
        .collect();
    json!({
        "id": "acme.ocr.ei", "version": version, "maker": "Acme 電機", "model": "OCR-9E",
        "source_document": "Acme 保護継電器カタログ No. C-123", "revision": format!("第{version}版"),
        "device": { "type": "relay", "curve": "ei", "characteristic": { "form": "points", "points": pts } }
    })
}

/// Company PF: T 40 A with the maker's three curves (A, s).
fn fuse_item(version: u32, scale: f64) -> Value {
    let curve = |v: &[(f64, f64)]| -> Vec<Value> { v.iter().map(|&(i, t)| json!({ "current_a": i, "time_s": t * scale })).collect() };
    let melting = [(100.0, 300.0), (150.0, 40.0), (200.0, 12.0), (300.0, 3.0), (400.0, 1.2), (600.0, 0.35), (1000.0, 0.09), (1500.0, 0.035), (2500.0, 0.012), (4000.0, 0.005)];
    let allowable: Vec<(f64, f64)> = melting.iter().map(|&(i, t)| (0.8 * i, t)).collect();
    let clearing = [(100.0, 340.0), (150.0, 46.0), (200.0, 14.0), (300.0, 3.5), (400.0, 1.4), (600.0, 0.42), (1000.0, 0.12), (1500.0, 0.05), (2500.0, 0.02), (4000.0, 0.01)];
    json!({
        "id": "acme.pf.t", "version": version, "maker": "Acme 電機", "model": "PF-T7.2",
        "source_document": "Acme 限流ヒューズ技術資料 T-45", "revision": "2024-04",
        "device": {
            "type": "fuse", "fuse_type": "T", "rated_voltage_kv": 7.2, "breaking_capacity_ka": 40,
            "ratings": [{ "rating_a": 40, "allowable": curve(&allowable), "melting": curve(&melting), "clearing": curve(&clearing) }]
        }
    })
}

/// The fixture with VCB_TR1 and PF_TR3 on company items v1 (copies carried in the project).
fn company_project() -> Value {
    let mut v = fixture();
    let r = index(&v, "VCB_TR1");
    v["devices"][r]["ocr"]["library_ref"] = json!({ "id": "acme.ocr.ei", "version": 1 });
    let f = index(&v, "PF_TR3");
    v["devices"][f]["fuse"]["library_ref"] = json!({ "id": "acme.pf.t", "version": 1 });
    v["company_library"] = json!([relay_item(1, 1.0), fuse_item(1, 1.0)]);
    v
}

fn parse(v: &Value) -> Project {
    parse_project(&v.to_string()).unwrap_or_else(|e| panic!("valid project: {e:#?}"))
}

fn item(v: Value) -> CompanyItem {
    serde_json::from_value(v).expect("item")
}

fn test_sheet_times(a: &Analysis, id: &str) -> (f64, f64) {
    let row = a.test_sheet.iter().find(|r| r.device_id == id).expect("test sheet row");
    (row.points[0].nominal_s, row.points[1].nominal_s)
}

#[test]
fn the_company_relay_operates_on_the_entered_points() {
    let p = parse(&company_project());
    let a = analyze(&p, &CheckSettings::from_project(&p));
    // 300 % of tap is the entered point (3 ×, 12 s) and 700 % the point (7 ×, 2 s), × TMS 0.6.
    // The JIS EI formula would give 6.0 s and 1.0 s.
    let (t300, t700) = test_sheet_times(&a, "VCB_TR1");
    assert!(rel(t300, 7.2) < TOL, "300 %: {t300} s, expected 12 × 0.6 = 7.2 s");
    assert!(rel(t700, 1.2) < TOL, "700 %: {t700} s, expected 2 × 0.6 = 1.2 s");

    // Between points: 4 × tap = 210 A primary (3.5 A × 15 × 4). Log-log between (3, 12) and
    // (5, 4): f = ln(4/3)/ln(5/3) = 0.56317, t = exp(ln 12 + f·ln(4/12)) = 6.46369 s at
    // TMS 1, × 0.6 = 3.87821 s.
    let Device::Vcb(vcb) = p.device("VCB_TR1").unwrap() else { panic!("vcb") };
    let relay = devices::relay_from_ocr(&vcb.ocr, &Resolver::of(&p), &CheckSettings::default(), 60.0).unwrap();
    let t = relay.time_element_nominal(210.0);
    assert!(rel(t, 3.878_213_736) < 1e-8, "210 A: {t} s");
    // Beyond the last point (20 ×, 0.3 s) the time is held flat: 30 × gives 0.3 × 0.6 s.
    assert!(rel(relay.time_element_nominal(3.5 * 15.0 * 30.0), 0.18) < TOL);
}

#[test]
fn the_company_pf_melts_and_clears_on_the_entered_points() {
    let p = parse(&company_project());
    let Device::LbsPf(l) = p.device("PF_TR3").unwrap() else { panic!("lbs_pf") };
    let curves = devices::fuse_curves(&l.fuse, &Resolver::of(&p), &CheckSettings::default()).unwrap();
    // 250 A lies between 200 A and 300 A: f = ln(1.25)/ln(1.5) = 0.55034.
    // melting exp(ln 12 + f·ln(3/12)) = 5.59556 s; clearing exp(ln 14 + f·ln(3.5/14)) = 6.52816 s.
    assert!(rel(curves.melting.time_at(250.0), 5.595_562_141) < 1e-8);
    assert!(rel(curves.clearing.time_at(250.0), 6.528_155_831) < 1e-8);
    // 800 A between 600 A and 1000 A: f = ln(4/3)/ln(5/3) = 0.56317.
    // melting exp(ln 0.35 + f·ln(0.09/0.35)) = 0.162890 s; clearing 0.207418 s.
    assert!(rel(curves.melting.time_at(800.0), 0.162_890_415) < 1e-8);
    assert!(rel(curves.clearing.time_at(800.0), 0.207_417_816) < 1e-8);
    // The band's latest edge is the clearing curve (the generic T 40 A clears in 1.1 × 3 s
    // + 4 ms = 3.304 s at 7 × In = 280 A; the maker's curve gives 4.35 s there).
    let band = curves.band(280.0);
    let hand = (14f64.ln() + (280f64 / 200.0).ln() / 1.5f64.ln() * (3.5f64 / 14.0).ln()).exp();
    assert!(rel(band.max_s, hand) < TOL, "{} vs {hand}", band.max_s);

    // The analysis draws the same curve: every sampled point of PF_TR3's clearing line (the
    // chart is at 6.6 kV, the fuse's own voltage) lies on the entered points.
    let a = analyze(&p, &CheckSettings::from_project(&p));
    let line = a
        .chart
        .curves
        .iter()
        .filter(|c| c.device_id == "PF_TR3")
        .flat_map(|c| &c.lines)
        .find(|l| l.line == domain::curves::LineKind::Clearing)
        .expect("clearing line");
    let entered: [(f64, f64); 10] = [(100.0, 340.0), (150.0, 46.0), (200.0, 14.0), (300.0, 3.5), (400.0, 1.4), (600.0, 0.42), (1000.0, 0.12), (1500.0, 0.05), (2500.0, 0.02), (4000.0, 0.01)];
    let mut checked = 0;
    for q in line.points.iter().filter(|q| q.current_a >= 100.0 && q.current_a <= 4000.0) {
        let w = entered.windows(2).find(|w| q.current_a >= w[0].0 && q.current_a <= w[1].0).unwrap();
        let f = (q.current_a / w[0].0).ln() / (w[1].0 / w[0].0).ln();
        let hand = (w[0].1.ln() + f * (w[1].1 / w[0].1).ln()).exp();
        assert!(rel(q.time_s, hand) < 1e-6, "{} A: {} s vs {hand} s", q.current_a, q.time_s);
        checked += 1;
    }
    assert!(checked >= 10, "only {checked} chart points on the entered span");
}

#[test]
fn a_new_version_in_the_company_library_changes_nothing_until_adopted() {
    let v = company_project();
    let p = parse(&v);
    let before = serde_json::to_value(analyze(&p, &CheckSettings::from_project(&p))).unwrap();

    // The company edits both items: version 2 with every time 1.5 × longer. The project still
    // carries version 1, so its analysis is the same to the last digit.
    let library_now = vec![item(relay_item(1, 1.0)), item(fuse_item(1, 1.0)), item(relay_item(2, 1.5)), item(fuse_item(2, 1.5))];
    let again = parse(&v);
    let after = serde_json::to_value(analyze(&again, &CheckSettings::from_project(&again))).unwrap();
    assert_eq!(before, after);

    // "A newer version exists" for both devices.
    let outdated = outdated_devices(&again, &library_now);
    let mut listed: Vec<(&str, &str, u32, u32)> =
        outdated.iter().map(|o| (o.device_id.as_str(), o.pointer.as_str(), o.project_version, o.latest_version)).collect();
    listed.sort();
    let (r, f) = (index(&v, "VCB_TR1"), index(&v, "PF_TR3"));
    let (rp, fp) = (format!("/devices/{r}/ocr/library_ref"), format!("/devices/{f}/fuse/library_ref"));
    let mut expected = vec![("PF_TR3", fp.as_str(), 1, 2), ("VCB_TR1", rp.as_str(), 1, 2)];
    expected.sort();
    assert_eq!(listed, expected);

    // Adopting version 2 moves both references and the analysis follows the new points:
    // 300 % of tap is now 12 × 1.5 × 0.6 = 10.8 s.
    let mut adopted = again.clone();
    assert_eq!(adopt(&mut adopted, &library_now[2]), 1);
    assert_eq!(adopt(&mut adopted, &library_now[3]), 1);
    let adopted = parse(&serde_json::to_value(&adopted).unwrap());
    assert!(outdated_devices(&adopted, &library_now).is_empty());
    let a = analyze(&adopted, &CheckSettings::from_project(&adopted));
    let (t300, _) = test_sheet_times(&a, "VCB_TR1");
    assert!(rel(t300, 10.8) < TOL, "{t300}");
}

#[test]
fn the_setting_table_names_the_catalogue_each_device_rests_on() {
    let p = parse(&company_project());
    let a = analyze(&p, &CheckSettings::from_project(&p));
    let row = |id: &str| a.setting_table.iter().find(|r| r.device_id == id).unwrap().library_item.clone();
    assert_eq!(row("VCB_TR1").as_deref(), Some("Acme 電機 OCR-9E（Acme 保護継電器カタログ No. C-123 第1版; acme.ocr.ei v1）"));
    assert_eq!(row("PF_TR3").as_deref(), Some("Acme 電機 PF-T7.2（Acme 限流ヒューズ技術資料 T-45 2024-04; acme.pf.t v1）"));
    // Built-in and generic data name no company item.
    assert_eq!(row("VCB_TR2"), None);
    assert_eq!(row("MCCB1"), None);
}

#[test]
fn the_project_document_round_trips_with_its_copies() {
    let p = parse(&company_project());
    let text = serde_json::to_string(&p).unwrap();
    let back: Value = serde_json::from_str(&text).unwrap();
    // A company reference is written as {id, version}; a built-in one stays a string.
    let r = index(&back, "VCB_TR1");
    assert_eq!(back["devices"][r]["ocr"]["library_ref"], json!({ "id": "acme.ocr.ei", "version": 1 }));
    assert_eq!(back["company_library"].as_array().unwrap().len(), 2);
    assert_eq!(parse(&back), p);
    // A project without copies writes no company_library field (older documents unchanged).
    let plain = parse(&fixture());
    assert!(serde_json::to_value(&plain).unwrap().get("company_library").is_none());
}

fn codes_at(v: &Value) -> Vec<(String, String)> {
    parse_project(&v.to_string()).expect_err("refused").into_iter().map(|e| (e.pointer, e.code)).collect()
}

#[test]
fn a_reference_needs_the_projects_copy_at_that_version() {
    let base = company_project();
    let r = index(&base, "VCB_TR1");
    let f = index(&base, "PF_TR3");

    // Version 2 referred to, version 1 carried.
    let mut v = base.clone();
    v["devices"][r]["ocr"]["library_ref"]["version"] = json!(2);
    assert_eq!(codes_at(&v), vec![(format!("/devices/{r}/ocr/library_ref/version"), "library_version_mismatch".to_string())]);

    // No copy at all.
    let mut v = base.clone();
    v["company_library"].as_array_mut().unwrap().remove(0);
    assert_eq!(codes_at(&v), vec![(format!("/devices/{r}/ocr/library_ref"), "unknown_library_item".to_string())]);

    // A fuse item named by a relay.
    let mut v = base.clone();
    v["devices"][r]["ocr"]["library_ref"] = json!({ "id": "acme.pf.t", "version": 1 });
    assert_eq!(codes_at(&v), vec![(format!("/devices/{r}/ocr/library_ref"), "library_kind_mismatch".to_string())]);

    // The device must declare what the item is: EI relay, T fuse of a listed rating.
    let mut v = base.clone();
    v["devices"][r]["ocr"]["curve"] = json!("vi");
    v["devices"][f]["fuse"]["rating_a"] = json!(50);
    let got = codes_at(&v);
    assert!(got.contains(&(format!("/devices/{r}/ocr/curve"), "library_mismatch".into())), "{got:?}");
    assert!(got.contains(&(format!("/devices/{f}/fuse/rating_a"), "library_mismatch".into())), "{got:?}");

    // A broken copy is refused where it is: a melting time that rises with current.
    let mut v = base.clone();
    v["company_library"][1]["device"]["ratings"][0]["melting"][3]["time_s"] = json!(20.0);
    assert_eq!(
        codes_at(&v),
        vec![("/company_library/1/device/ratings/0/melting/3/time_s".to_string(), "not_monotone".to_string())]
    );

    // Two copies of one id (a project holds one version of each item).
    let mut v = base.clone();
    v["company_library"].as_array_mut().unwrap().push(relay_item(2, 1.5));
    assert!(codes_at(&v).contains(&("/company_library/2/id".to_string(), "duplicate_id".to_string())));

    // A reference that is neither a string nor {id, version}.
    let mut v = base;
    v["devices"][r]["ocr"]["library_ref"] = json!({ "id": "acme.ocr.ei", "version": 1, "extra": true });
    let got = codes_at(&v);
    assert!(got.iter().any(|(p, _)| p.starts_with(&format!("/devices/{r}/ocr/library_ref"))), "{got:?}");
}

/// Company MCCB frame 225 AF: the maker's long-time band in multiples of In.
fn mccb_item() -> Value {
    let m = |v: &[(f64, f64)]| -> Vec<Value> { v.iter().map(|&(x, t)| json!({ "multiple": x, "time_s": t })).collect() };
    json!({
        "id": "acme.mccb.225", "version": 1, "maker": "Acme 電機", "model": "MB-225",
        "source_document": "Acme 配線用遮断器カタログ B-7", "revision": "2025",
        "device": {
            "type": "breaker", "kind": "mccb", "frame_a": 225, "ratings_a": [125, 150, 175, 200, 225], "icu_230v_ka": 50,
            "trip": {
                "form": "thermal_magnetic", "instantaneous_multiple": 10, "instantaneous_tolerance": 0.2,
                "long_time": {
                    "min": m(&[(1.05, 3600.0), (1.3, 1200.0), (1.5, 300.0), (2.0, 90.0), (3.0, 36.0), (5.0, 11.0), (7.0, 5.4), (10.0, 2.5)]),
                    "max": m(&[(1.3, 7200.0), (1.5, 1000.0), (2.0, 360.0), (3.0, 144.0), (5.0, 43.0), (7.0, 21.0), (10.0, 10.0)])
                }
            }
        }
    })
}

/// Company ACB 1600 AF with the maker's pickup band 1.10–1.25 × Ir (generic: 1.05–1.20).
fn acb_item() -> Value {
    json!({
        "id": "acme.acb.1600", "version": 1, "maker": "Acme 電機", "model": "AB-16",
        "source_document": "Acme 気中遮断器技術資料 A-2", "revision": "3",
        "device": {
            "type": "breaker", "kind": "acb", "frame_a": 1600, "ratings_a": [1600], "icu_230v_ka": 65,
            "trip": { "form": "electronic", "lt_pickup_min": 1.10, "lt_pickup_max": 1.25, "lt_time_tolerance": 0.15, "pickup_tolerance": 0.1 }
        }
    })
}

#[test]
fn company_breakers_trip_on_the_makers_bands() {
    let mut v = company_project();
    let (m, a) = (index(&v, "MCCB1"), index(&v, "ACB1"));
    v["devices"][m]["library_ref"] = json!({ "id": "acme.mccb.225", "version": 1 });
    v["devices"][a]["library_ref"] = json!({ "id": "acme.acb.1600", "version": 1 });
    v["company_library"].as_array_mut().unwrap().extend([mccb_item(), acb_item()]);
    let p = parse(&v);
    let lib = Resolver::of(&p);

    // MCCB1, In 200 A. At 3 × In = 600 A the band is the entered points (36 s, 144 s); at
    // 4 × In = 800 A log-log between 3 × and 5 ×: f = 0.563171, min 36·(11/36)^f = 18.4638 s,
    // max 144·(43/144)^f = 72.9050 s.
    let Device::LvBreaker(b) = p.device("MCCB1").unwrap() else { panic!("mccb") };
    let trip = devices::breaker_trip(b, &lib).unwrap();
    let band = trip.band(600.0);
    assert!(rel(band.min_s, 36.0) < TOL && rel(band.max_s, 144.0) < TOL, "{band:?}");
    let band = trip.band(800.0);
    assert!(rel(band.min_s, 18.463_767_839) < 1e-8 && rel(band.max_s, 72.905_031_250) < 1e-8, "{band:?}");
    // The device's instantaneous 10 × In ± 20 %: certainly by 20 ms from 2400 A.
    assert_eq!(trip.band(2400.0).max_s, 0.02);

    // ACB1, Ir = 1600 A: at 1.22 × Ir = 1952 A the generic unit (certain from 1.20 ×) would
    // trip for sure; the maker's (certain only from 1.25 ×) may not.
    let Device::LvBreaker(b) = p.device("ACB1").unwrap() else { panic!("acb") };
    let band = devices::breaker_trip(b, &lib).unwrap().band(1952.0);
    assert!(band.min_s.is_finite() && band.max_s.is_infinite(), "{band:?}");
    let generic = devices::breaker_trip(b, &Resolver::builtin_only()).unwrap().band(1952.0);
    assert!(generic.max_s.is_finite(), "{generic:?}");

    // A thermal-magnetic device cannot use an electronic frame.
    v["devices"][m]["library_ref"] = json!({ "id": "acme.acb.1600", "version": 1 });
    v["devices"][m]["kind"] = json!("acb");
    v["devices"][m]["frame_a"] = json!(1600);
    v["devices"][m]["rated_current_a"] = json!(1600);
    let got = codes_at(&v);
    assert!(got.contains(&(format!("/devices/{m}/trip/kind"), "library_mismatch".into())), "{got:?}");
}

#[test]
fn a_company_cable_gives_impedance_withstand_and_ampacity() {
    // C_IN (CVT 60 mm², 150 m) without its own R/X, on a company cable whose R is twice the
    // built-in 60 mm² value: the fault at HV_IN falls, and the ampacity note names the maker.
    let mut v = company_project();
    let c = index(&v, "C_IN");
    for k in ["r_ohm_per_km", "x_ohm_per_km", "withstand_k"] {
        v["devices"][c].as_object_mut().unwrap().remove(k);
    }
    v["devices"][c]["library_ref"] = json!({ "id": "acme.cvt.60", "version": 1 });
    v["company_library"].as_array_mut().unwrap().push(json!({
        "id": "acme.cvt.60", "version": 1, "maker": "Acme 電線", "model": "6600V CVT 60sq",
        "source_document": "Acme 電線便覧 2024", "revision": "1",
        "device": { "type": "cable", "cable_type": "CVT", "voltage_class_v": 6600, "size_mm2": 60,
                    "r_ohm_per_km": 0.622, "x_ohm_per_km": 0.11, "c_uf_per_km": 0.37, "withstand_k": 120, "ampacity_a": 225 }
    }));
    let p = parse(&v);
    let Device::Cable(cable) = p.device("C_IN").unwrap() else { panic!("cable") };
    let data = Resolver::of(&p).cable(cable).expect("company cable");
    assert_eq!((data.r_ohm_per_km, data.withstand_k, data.ampacity_a), (0.622, 120.0, 225.0));
    let z = p.cable_impedance(cable, &Resolver::of(&p).library()).unwrap();
    assert_eq!((z.r_ohm_per_km, z.x_ohm_per_km), (0.622, 0.11));

    // The same cable on the built-in item (R 0.311 Ω/km) gives a larger fault at HV_IN.
    let mut b = v.clone();
    b["devices"][c]["library_ref"] = json!("cable.cvt.60");
    let fault = |v: &Value| {
        let p = parse(v);
        let sc = domain::shortcircuit::study(&p, domain::library::builtin());
        sc.buses.iter().find(|r| r.bus_id == "HV_IN").expect("HV_IN").percent_z.ik_ka
    };
    assert!(fault(&v) < fault(&b), "company {} kA, built-in {} kA", fault(&v), fault(&b));
}

#[test]
fn a_malformed_copy_is_pointed_at_the_failing_field() {
    // One mistake per copy, each reported at its own field (devices resolve nothing, so
    // only the structure errors are listed).
    let mut v = company_project();
    v["company_library"][0]["device"]["characteristic"]["points"][2]["time_s"] = json!("12 s");
    v["company_library"][1]["device"]["rated_voltage_kv"] = json!("7.2kV");
    let mut breaker = mccb_item();
    breaker["device"]["trip"]["instantaneous_tolerance"] = json!(null);
    let mut cable = mccb_item();
    cable["colour"] = json!("red");
    v["company_library"].as_array_mut().unwrap().extend([breaker, cable]);
    let got: Vec<(String, String)> = codes_at(&v);
    assert_eq!(
        got,
        vec![
            ("/company_library/0/device/characteristic/points/2/time_s".to_string(), "invalid_type".to_string()),
            ("/company_library/1/device/rated_voltage_kv".to_string(), "invalid_type".to_string()),
            ("/company_library/2/device/trip/instantaneous_tolerance".to_string(), "invalid_type".to_string()),
            ("/company_library/3/colour".to_string(), "unknown_field".to_string()),
        ]
    );
}
