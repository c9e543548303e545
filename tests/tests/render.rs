//! `POST /render/sld` over HTTP: the single-line diagram of an unsaved document as SVG, with
//! every device of the document findable by its id for the web client's clickable diagram.

use platform::auth::Role;
use serde_json::{json, Value};
use crate::support::{problem, TestApp};

fn case_b() -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/case_b.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[tokio::test]
async fn the_diagram_of_a_sent_document_names_every_device_on_its_elements() {
    let app = TestApp::spawn().await;
    let viewer = app.token("acme", "victor", Role::Viewer).await;
    let doc = case_b();

    let resp = app.post_json("/render/sld", &viewer, &doc).send().await.unwrap();
    assert_eq!(resp.status(), 200, "a viewer may see the diagram");
    assert_eq!(resp.headers()["content-type"], "image/svg+xml; charset=utf-8");
    let svg = resp.text().await.unwrap();
    assert!(svg.trim_start().starts_with("<?xml") || svg.trim_start().starts_with("<svg"), "{}", &svg[..svg.len().min(200)]);

    // Every device of case B (the buses included) is drawn and carries its id.
    let ids: Vec<&str> = doc["devices"].as_array().unwrap().iter().map(|d| d["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), 12, "case B has 6 buses and 6 devices");
    for id in ids {
        assert!(svg.contains(&format!("data-device=\"{id}\"")), "{id} is not on the diagram");
    }

    // An edit shows at once: a renamed transformer is drawn with its new name.
    let mut renamed = doc.clone();
    let tr = renamed["devices"].as_array_mut().unwrap().iter_mut().find(|d| d["id"] == "TR1").unwrap();
    tr["name"] = json!("変圧器 改");
    let svg = app.post_json("/render/sld", &viewer, &renamed).send().await.unwrap().text().await.unwrap();
    assert!(svg.contains("変圧器 改"));
}

#[tokio::test]
async fn a_broken_document_gets_a_422_naming_the_field_and_no_token_a_401() {
    let app = TestApp::spawn().await;
    let token = app.token("acme", "alice", Role::Designer).await;
    let mut doc = case_b();
    let tr = doc["devices"].as_array().unwrap().iter().position(|d| d["id"] == "TR1").unwrap();
    doc["devices"][tr]["rated_kva"] = json!(-5);
    let resp = app.post_json("/render/sld", &token, &doc).send().await.unwrap();
    assert_eq!(resp.status(), 422);
    let p = problem(resp).await;
    let pointer = format!("/devices/{tr}/rated_kva");
    assert!(p["errors"].as_array().unwrap().iter().any(|e| e["pointer"] == pointer.as_str()), "{p}");
    assert_eq!(app.client.post(app.url("/render/sld")).json(&case_b()).send().await.unwrap().status(), 401);
}
