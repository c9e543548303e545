//! `POST /projects/{id}/analysis` over HTTP: the stored project's short-circuit table and
//! coordination checks, checked against docs/engineering.md reference case B.

mod support;

use platform::auth::Role;
use serde_json::Value;
use support::{problem, TestApp};

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
