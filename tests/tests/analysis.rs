//! `POST /projects/{id}/analysis` over HTTP: the stored project's short-circuit table and
//! coordination checks, checked against docs/engineering.md reference case B.

use platform::auth::Role;
use serde_json::Value;
use crate::support::{problem, TestApp};

fn case_b() -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/case_b.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn bus<'a>(analysis: &'a Value, id: &str) -> &'a Value {
    analysis["short_circuit"]["buses"].as_array().unwrap().iter().find(|b| b["bus_id"] == id).unwrap_or_else(|| panic!("bus {id}"))
}

/// Relative difference within the reference case's published precision (0.1 %).
fn close(actual: f64, expected: f64) -> bool {
    ((actual - expected) / expected).abs() <= 1e-3
}

#[tokio::test]
async fn analysis_of_case_b_returns_the_reference_fault_currents_and_the_checks() {
    let app = TestApp::spawn().await;
    let designer = app.token("acme", "alice", Role::Designer).await;
    let viewer = app.token("acme", "victor", Role::Viewer).await;
    let created: Value = app.post_json("/projects", &designer, &case_b()).send().await.unwrap().json().await.unwrap();
    let path = format!("/projects/{}/analysis", created["id"].as_str().unwrap());

    let resp = app.client.post(app.url(&path)).bearer_auth(&viewer).send().await.unwrap();
    assert_eq!(resp.status(), 200, "a viewer may run an analysis");
    assert_eq!(resp.headers()["etag"], "\"1\"");
    let analysis: Value = resp.json().await.unwrap();

    // docs/engineering.md §5 case B, %Z method: 11.661 kA / i_p 24.43 kA at 6.6 kV; 30.206 kA / 60.80 kA at 210 V.
    let hv = &bus(&analysis, "HV")["percent_z"];
    assert!(close(hv["ik3_ka"].as_f64().unwrap(), 11.661), "{hv}");
    assert!(close(hv["ip_ka"].as_f64().unwrap(), 24.43), "{hv}");
    let lv = &bus(&analysis, "LV")["percent_z"];
    assert!(close(lv["ik3_ka"].as_f64().unwrap(), 30.206), "{lv}");
    assert!(close(lv["ip_ka"].as_f64().unwrap(), 60.80), "{lv}");
    // pandapower 3.5.6, IEC 60909 maximum case: 11.738 kA at 6.6 kV.
    assert!(close(bus(&analysis, "HV")["iec_max"]["ik3_ka"].as_f64().unwrap(), 11.738));

    let checks = analysis["checks"].as_array().unwrap();
    let lv_main = checks.iter().find(|c| c["rule"] == "ocr_vs_lv_main").expect("the OCR vs LV main check");
    assert_eq!(lv_main["status"], "warning", "instantaneous 600 A is not selective with the LV main breaker");
    assert!(!analysis["chart"]["curves"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn another_tenants_project_cannot_be_analysed_and_a_stale_version_is_refused() {
    let app = TestApp::spawn().await;
    let a = app.token("acme", "alice", Role::Designer).await;
    let b = app.token("globex", "bob", Role::TenantAdmin).await;
    let created: Value = app.post_json("/projects", &a, &case_b()).send().await.unwrap().json().await.unwrap();
    let path = format!("/projects/{}/analysis", created["id"].as_str().unwrap());

    assert_eq!(app.client.post(app.url(&path)).bearer_auth(&b).send().await.unwrap().status(), 404);
    assert_eq!(app.client.post(app.url(&path)).send().await.unwrap().status(), 401);
    let stale = app.client.post(app.url(&path)).bearer_auth(&a).header("if-match", "\"7\"").send().await.unwrap();
    assert_eq!(stale.status(), 412);
    assert_eq!(problem(stale).await["current_version"], 1);
}

/// `POST /analysis` with `doc` as the body.
fn analyse_document(app: &TestApp, token: &str, doc: &Value) -> reqwest::RequestBuilder {
    app.post_json("/analysis", token, doc)
}

#[tokio::test]
async fn a_document_sent_for_analysis_gets_the_same_study_as_when_stored_and_nothing_is_stored() {
    let app = TestApp::spawn().await;
    let designer = app.token("acme", "alice", Role::Designer).await;
    let viewer = app.token("acme", "victor", Role::Viewer).await;

    // Given case B sent by a viewer (who may read projects but not write them),
    let resp = analyse_document(&app, &viewer, &case_b()).send().await.unwrap();
    assert_eq!(resp.status(), 200, "a viewer may analyse a document");
    assert!(resp.headers().get("etag").is_none(), "a sent document has no stored version");
    let sent: Value = resp.json().await.unwrap();

    // then the reference currents come back (docs/engineering.md §5 case B, %Z method, 0.1 %),
    let hv = &bus(&sent, "HV")["percent_z"];
    assert!(close(hv["ik3_ka"].as_f64().unwrap(), 11.661), "{hv}");
    assert!(close(bus(&sent, "LV")["percent_z"]["ik3_ka"].as_f64().unwrap(), 30.206));
    // nothing was stored,
    let list: Value = app.get("/projects", &designer).send().await.unwrap().json().await.unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 0, "{list}");
    // and the study is exactly the stored project's: one code path.
    let created: Value = app.post_json("/projects", &designer, &case_b()).send().await.unwrap().json().await.unwrap();
    let path = format!("/projects/{}/analysis", created["id"].as_str().unwrap());
    let stored: Value = app.client.post(app.url(&path)).bearer_auth(&viewer).send().await.unwrap().json().await.unwrap();
    assert_eq!(sent, stored);
}

#[tokio::test]
async fn a_what_if_setting_change_is_analysed_before_saving() {
    let app = TestApp::spawn().await;
    let token = app.token("acme", "alice", Role::Designer).await;
    let lv_main = |analysis: &Value| -> Value {
        analysis["checks"].as_array().unwrap().iter().find(|c| c["rule"] == "ocr_vs_lv_main").expect("the OCR vs LV main check")["status"].clone()
    };

    // Case B's main OCR: instantaneous tap 40 A on CT 75/5 = 600 A primary, below the
    // 30.206 kA LV fault referred to 6.6 kV (30 206 × 210 / 6600 = 961 A): not selective.
    let before: Value = analyse_document(&app, &token, &case_b()).send().await.unwrap().json().await.unwrap();
    assert_eq!(lv_main(&before), "warning");

    // Raised to tap 60 A (the relay's top tap) = 900 A primary: the answer is the edited
    // document's — the main OCR's curve moves — while nothing is stored.
    let mut raised = case_b();
    let vcb = raised["devices"].as_array_mut().unwrap().iter_mut().find(|d| d["id"] == "VCB1").unwrap();
    vcb["ocr"]["instantaneous_tap_a"] = serde_json::json!(60);
    let resp = analyse_document(&app, &token, &raised).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    let after: Value = resp.json().await.unwrap();
    let curve = |analysis: &Value| -> Value {
        analysis["chart"]["curves"].as_array().unwrap().iter().find(|c| c["device_id"] == "VCB1").expect("the main OCR's curve")["lines"].clone()
    };
    assert_ne!(curve(&before), curve(&after), "the edited setting is not what was analysed");
    // 900 A is still below the 961 A LV fault, and now the time element answers alone up to
    // 900 × 0.85 = 765 A, where its EI lever 2 curve is faster than ACB1's short-time band
    // (2 × Ir = 2 560 A at 210 V = 81 A at 6.6 kV, 0.1 s): the time element overlaps the LV
    // main, so the check fails (docs/rules/coordination.md, `ocr_vs_lv_main`).
    assert_eq!(lv_main(&after), "fail");
    let list: Value = app.get("/projects", &token).send().await.unwrap().json().await.unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn a_document_that_breaks_the_rules_gets_a_422_naming_each_field() {
    let app = TestApp::spawn().await;
    let token = app.token("acme", "alice", Role::Viewer).await;
    let mut unknown = case_b();
    unknown["colour"] = serde_json::json!("red");
    let resp = analyse_document(&app, &token, &unknown).send().await.unwrap();
    assert_eq!(resp.status(), 422);
    assert_eq!(problem(resp).await["errors"][0]["pointer"], "/colour");

    let mut doc = case_b();
    let devices = doc["devices"].as_array_mut().unwrap();
    let vcb = devices.iter().position(|d| d["id"] == "VCB1").unwrap();
    let tr = devices.iter().position(|d| d["id"] == "TR1").unwrap();
    devices[vcb]["ocr"]["lever"] = serde_json::json!(99);
    devices[tr]["rated_kva"] = serde_json::json!(-5);

    let resp = analyse_document(&app, &token, &doc).send().await.unwrap();
    assert_eq!(resp.status(), 422);
    let p = problem(resp).await;
    assert_eq!(p["code"], "validation_failed");
    let pointers: Vec<&str> = p["errors"].as_array().unwrap().iter().map(|e| e["pointer"].as_str().unwrap()).collect();
    for want in [format!("/devices/{vcb}/ocr/lever"), format!("/devices/{tr}/rated_kva")] {
        assert!(pointers.contains(&want.as_str()), "{want} missing from {pointers:?}");
    }

    // Unreadable JSON is a 400, a wrong media type a 415, and no token a 401.
    let broken = app.client.post(app.url("/analysis")).bearer_auth(&token).header("content-type", "application/json").body("{\"name\": ");
    let resp = broken.send().await.unwrap();
    assert_eq!(resp.status(), 400);
    assert_eq!(problem(resp).await["errors"][0]["code"], "malformed_json");
    let text = app.client.post(app.url("/analysis")).bearer_auth(&token).header("content-type", "text/plain").body("{}");
    assert_eq!(text.send().await.unwrap().status(), 415);
    assert_eq!(app.client.post(app.url("/analysis")).json(&case_b()).send().await.unwrap().status(), 401);
}

/// A synchronous Lambda answer may be at most 6 MB (after API Gateway's base64 of a binary
/// body). The analysis of the largest allowed project (2 000 devices) must reach a browser
/// (which accepts gzip) under the limit, and complete (`answer_limits.rs` checks every
/// route's largest answer with and without gzip).
#[tokio::test]
async fn the_analysis_of_the_largest_project_fits_a_lambda_answer_when_compressed() {
    use std::io::Read;
    const LAMBDA_LIMIT_BYTES: usize = 6 * 1024 * 1024;
    let app = TestApp::spawn().await;
    let token = app.token("acme", "alice", Role::Designer).await;
    let doc: Value = serde_json::from_str(&domain::synthetic::site_json(domain::validate::MAX_DEVICES)).unwrap();
    assert_eq!(doc["devices"].as_array().unwrap().len(), domain::validate::MAX_DEVICES);

    let resp = analyse_document(&app, &token, &doc).header("accept-encoding", "gzip").send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers().get("content-encoding").and_then(|v| v.to_str().ok()), Some("gzip"));
    let compressed = resp.bytes().await.unwrap();
    let as_base64 = compressed.len().div_ceil(3) * 4;
    assert!(as_base64 < LAMBDA_LIMIT_BYTES, "{} bytes compressed, {as_base64} as base64", compressed.len());

    // Complete: the same analysis the engine gives, every check included.
    let mut text = String::new();
    flate2::read::GzDecoder::new(&compressed[..]).read_to_string(&mut text).unwrap();
    println!("analysis of {} devices: {} bytes of JSON, {} gzip, {as_base64} as base64", domain::validate::MAX_DEVICES, text.len(), compressed.len());
    let got: Value = serde_json::from_str(&text).unwrap();
    let direct = domain::analysis::parse_and_analyze(&doc.to_string()).unwrap();
    assert_eq!(got["checks"].as_array().unwrap().len(), direct.checks.len());
    assert_eq!(got, serde_json::to_value(&direct).unwrap());

    // A client that does not accept gzip gets plain JSON (small answers are never compressed).
    let plain = analyse_document(&app, &token, &serde_json::from_str(&domain::synthetic::site_json(30)).unwrap()).send().await.unwrap();
    assert!(plain.headers().get("content-encoding").is_none());
    let _: Value = plain.json().await.unwrap();
}
