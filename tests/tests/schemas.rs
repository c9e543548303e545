//! The typed contract: the generated schemas of `infra/openapi.yaml` are exactly what the Rust
//! types say today, and real responses of the local edition match their schemas — a response
//! that drifts from its schema fails here.

use platform::auth::Role;
use serde_json::{json, Value};
use crate::support::schema::{assert_matches, violations};
use crate::support::{sample_project, TestApp};

#[test]
fn the_generated_schemas_are_up_to_date_with_the_rust_types() {
    let (path, committed, fresh) = kyocho_tests::openapi::regenerate().unwrap_or_else(|e| panic!("{e}"));
    // `KYOCHO_WRITE_OPENAPI=1` writes the fresh document instead (what the `openapi` binary does).
    if committed != fresh && std::env::var("KYOCHO_WRITE_OPENAPI").as_deref() == Ok("1") {
        std::fs::write(&path, &fresh).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
        return;
    }
    if committed != fresh {
        let first = committed.lines().zip(fresh.lines()).position(|(a, b)| a != b).unwrap_or(committed.lines().count().min(fresh.lines().count()));
        panic!(
            "{} is out of date with the Rust types (first difference at line {}: {:?} should be {:?}); \
             run `cargo run -p kyocho-tests --bin openapi` and commit the result",
            path.display(),
            first + 1,
            committed.lines().nth(first).unwrap_or(""),
            fresh.lines().nth(first).unwrap_or("")
        );
    }
}

#[test]
fn every_sample_document_matches_the_project_document_schema_and_a_typo_does_not() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap().filter_map(Result::ok) {
        let path = entry.path();
        if path.extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        if domain::validate::parse_project(&doc.to_string()).is_err() {
            continue; // a sample of a bad document, kept for other tests
        }
        let problems = violations("ProjectDocument", &doc);
        assert!(problems.is_empty(), "{}: {problems:?}", path.display());
        checked += 1;
    }
    assert!(checked >= 3, "only {checked} samples checked");

    // The schema refuses what the engine refuses: an unknown field, a wrong type.
    let mut typo = sample_project("x");
    typo["devices"][3]["ocr"]["levr"] = json!(2);
    assert!(!violations("ProjectDocument", &typo).is_empty(), "an unknown relay field passes the schema");
    let mut wrong = sample_project("x");
    wrong["devices"][3]["ocr"]["tap_a"] = json!("4");
    assert!(!violations("ProjectDocument", &wrong).is_empty(), "a string tap passes the schema");
}

#[tokio::test]
async fn project_responses_match_their_schemas() {
    let app = TestApp::spawn().await;
    let token = app.token("acme", "alice", Role::Designer).await;
    let created = app.create_project(&token, "第1受電所").await;
    assert_matches("Project", &created);
    let id = created["id"].as_str().unwrap();
    let read: Value = app.get(&format!("/projects/{id}"), &token).send().await.unwrap().json().await.unwrap();
    assert_matches("Project", &read);
    let list: Value = app.get("/projects", &token).send().await.unwrap().json().await.unwrap();
    assert_matches("ProjectList", &list);

    let export = app.post_json(&format!("/projects/{id}/exports"), &token, &json!({ "what": "sld", "format": "svg" })).send().await.unwrap();
    assert_eq!(export.status(), 201);
    let export: Value = export.json().await.unwrap();
    assert_matches("Export", &export);
    let request = json!({ "what": "report", "format": "csv", "report": "checks", "encoding": "cp932" });
    assert_matches("ExportRequest", &request);
    assert!(!violations("ExportRequest", &json!({ "what": "sld", "format": "png" })).is_empty(), "png is no export format");

    // A response that drifts from the contract is caught.
    let mut drifted = read.clone();
    drifted["version"] = json!("1");
    assert!(!violations("Project", &drifted).is_empty(), "a string version passes");
}

#[tokio::test]
async fn analysis_and_library_responses_match_their_schemas() {
    let app = TestApp::spawn().await;
    let token = app.token("acme", "victor", Role::Viewer).await;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    for sample in ["case_a.json", "case_b.json", "cb_multi.json", "pfs_300kva.json", "bad_coordination.json"] {
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(dir.join(sample)).unwrap()).unwrap();
        let resp = app.post_json("/analysis", &token, &doc).send().await.unwrap();
        assert_eq!(resp.status(), 200, "{sample}");
        let analysis: Value = resp.json().await.unwrap();
        let problems = violations("Analysis", &analysis);
        assert!(problems.is_empty(), "{sample}: {problems:?}");

        let mut drifted = analysis.clone();
        drifted["checks"][0]["status"] = json!("passed-ish");
        assert!(!violations("Analysis", &drifted).is_empty(), "{sample}: an unknown check status passes");
    }

    let library: Value = app.get("/library", &token).send().await.unwrap().json().await.unwrap();
    assert_matches("Library", &library);
    let entry: Value = app.get("/library/pf.t.30a", &token).send().await.unwrap().json().await.unwrap();
    assert_matches("LibraryEntry", &entry);
    let mut drifted = entry.clone();
    drifted["kind"] = json!("gizmo");
    assert!(!violations("LibraryEntry", &drifted).is_empty(), "an unknown kind passes");
}
