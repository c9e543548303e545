//! Open archives over HTTP (docs/archive.md). Every fixture goes out of the service as an
//! archive (from the local edition and from the cloud adapters on moto), into a fresh local
//! edition — through the API's upload and through `kyocho import` — and out again: the
//! project document comes back byte for byte with the same checksum. Each hostile archive
//! is refused with its own code and leaves no project behind.

use crate::support;

use std::io::{Cursor, Write};

use platform::auth::Role;
use serde_json::{json, Value};
use crate::support::TestApp;

both_backends!(every_fixture_leaves_and_comes_back_byte_for_byte);

async fn json_of(resp: reqwest::Response) -> Value {
    resp.json().await.expect("JSON")
}

/// The archive of a project, as the API delivers it (an export's download URL).
async fn archive_of_project(app: &TestApp, token: &str, id: &str) -> Vec<u8> {
    let made = app.post_json(&format!("/projects/{id}/archive"), token, &json!({})).send().await.unwrap();
    assert_eq!(made.status(), 201);
    let made = json_of(made).await;
    assert_eq!(made["content_type"], "application/zip");
    let bytes = app.client.get(made["url"].as_str().unwrap()).send().await.unwrap().bytes().await.unwrap().to_vec();
    assert_eq!(platform::seal::hex(&sha2_of(&bytes)), made["sha256"].as_str().unwrap(), "the export's checksum is the file's");
    bytes
}

fn sha2_of(bytes: &[u8]) -> Vec<u8> {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).to_vec()
}

/// The one project's document and its listed SHA-256.
fn document_of(zip: &[u8]) -> (Vec<u8>, String) {
    let read = archive::read_archive(zip, &archive::Limits::default()).expect("the service's archive reads");
    let record = &read.manifest().projects[0];
    let doc = read.project_document(record.id.as_str()).expect("document").to_vec();
    let sha = read.manifest().entry(&record.document.to_string()).expect("listed").sha256.to_string();
    (doc, sha)
}

fn fixtures() -> Vec<(String, Value)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            let doc: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            out.push((path.file_name().unwrap().to_string_lossy().into_owned(), doc));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    assert!(out.len() >= 7, "{} fixtures", out.len());
    out
}

/// Given every fixture stored in the service, when each is exported as an archive, imported
/// into a fresh local edition (by upload, and by `kyocho import`) and exported again, then
/// the document is byte-identical with the same SHA-256, its drawings and reports are in
/// the archive, and the whole company's archive holds every project.
async fn every_fixture_leaves_and_comes_back_byte_for_byte(app: TestApp) {
    let token = app.token("acme", "ann", Role::TenantAdmin).await;
    let fresh = TestApp::spawn().await;
    let theirs = fresh.token("kaisha", "kai", Role::TenantAdmin).await;
    let cli_dir = tempfile::tempdir().unwrap();
    for (name, doc) in fixtures() {
        let created = app.post_json("/projects", &token, &doc).send().await.unwrap();
        assert_eq!(created.status(), 201, "{name}");
        let id = json_of(created).await["id"].as_str().unwrap().to_owned();
        let zip = archive_of_project(&app, &token, &id).await;
        let (document, sha) = document_of(&zip);
        let read = archive::read_archive(&zip, &archive::Limits::default()).unwrap();
        assert!(read.files().keys().any(|p| p.ends_with(".pdf")) && read.files().keys().any(|p| p.ends_with(".csv")), "{name}: drawings and reports");

        // Into a fresh local edition through the API's upload.
        let import = fresh.upload_import(&theirs, zip.clone()).await;
        let done = fresh.post_json(&format!("/imports/{import}/complete"), &theirs, &json!({})).send().await.unwrap();
        assert_eq!(done.status(), 201, "{name}");
        let done = json_of(done).await;
        assert_eq!(done["projects"][0]["sha256"], sha.as_str(), "{name}");
        let new_id = done["projects"][0]["id"].as_str().unwrap();
        let (again, again_sha) = document_of(&archive_of_project(&fresh, &theirs, new_id).await);
        assert_eq!(again, document, "{name}: the document comes back byte for byte");
        assert_eq!(again_sha, sha, "{name}");

        // And through `kyocho import` into a data folder of its own.
        let file = cli_dir.path().join(format!("{name}.zip"));
        std::fs::write(&file, &zip).unwrap();
        let result = kyocho::ops::import(&cli_dir.path().join("data"), "offline", &file).await.expect("kyocho import");
        assert_eq!(result.projects[0].sha256, sha, "{name}");
    }
    // The whole company at once.
    let company = app.post_json("/archives", &token, &json!({})).send().await.unwrap();
    assert_eq!(company.status(), 201);
    let url = json_of(company).await["url"].as_str().unwrap().to_owned();
    let zip = app.client.get(url).send().await.unwrap().bytes().await.unwrap();
    let read = archive::read_archive(&zip, &archive::Limits::default()).unwrap();
    assert_eq!(read.manifest().projects.len(), fixtures().len());
    // No trace of the other company in the manifest (tenant-neutral).
    let manifest = String::from_utf8(read.files().get("manifest.json").cloned().unwrap_or_default()).unwrap_or_default();
    assert!(!manifest.contains("acme") && !manifest.contains("ann"), "{manifest}");
}

fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        zip.start_file(*name, options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// An honest manifest of one project `p1` for `files`, then `edit` applied.
fn manifest(files: &[(&str, &[u8])], edit: impl FnOnce(&mut Value)) -> Vec<u8> {
    let entries: Vec<Value> = files
        .iter()
        .map(|(p, b)| json!({ "path": p, "size": b.len(), "sha256": platform::seal::hex(&sha2_of(b)), "media_type": if p.ends_with(".json") { "application/json" } else { "text/csv" } }))
        .collect();
    let mut m = json!({
        "format": "kyocho-archive", "format_version": 1, "kind": "project",
        "created_at": "2026-11-30T00:00:00Z", "generator": "someone else 1.0",
        "projects": [{ "id": "p1", "name": "p1", "version": 1, "document": "projects/p1/project.json" }],
        "entries": entries,
    });
    edit(&mut m);
    serde_json::to_vec(&m).unwrap()
}

fn archive_with(files: &[(&str, &[u8])], edit: impl FnOnce(&mut Value), extra: &[(&str, &[u8])]) -> Vec<u8> {
    let m = manifest(files, edit);
    let mut all: Vec<(&str, &[u8])> = vec![("manifest.json", &m)];
    all.extend_from_slice(files);
    all.extend_from_slice(extra);
    zip_of(&all)
}

/// Given hostile archives, when each is uploaded and its import completed, then each is
/// refused with its own 4xx code naming the problem, and no project is stored.
#[tokio::test]
async fn hostile_archives_are_refused_each_with_its_own_code_and_store_nothing() {
    let app = TestApp::spawn().await;
    let token = app.token("acme", "ann", Role::TenantAdmin).await;
    let doc = serde_json::to_vec(&support::sample_project("Imported")).unwrap();
    let docs: Vec<(&str, &[u8])> = vec![("projects/p1/project.json", &doc)];
    let bomb_bytes = vec![0u8; 50 * 1024 * 1024];
    let huge_doc = {
        // A valid JSON object far past the document limit (it compresses to almost nothing).
        let mut d = support::sample_project("Huge");
        d["description"] = json!("x".repeat(17 * 1024 * 1024));
        serde_json::to_vec(&d).unwrap()
    };
    let invalid_doc = serde_json::to_vec(&json!({ "name": "no devices", "nodes": "not a list" })).unwrap();
    let cases: Vec<(&str, Vec<u8>, u16, &str)> = vec![
        ("not a zip", b"PK? this is a text file".to_vec(), 400, "not_a_zip"),
        ("zip bomb", archive_with(&[("projects/p1/project.json", &doc), ("projects/p1/reports/zeros.csv", &bomb_bytes)], |_| {}, &[]), 413, "compression_ratio"),
        ("../ entry", archive_with(&docs, |_| {}, &[("../evil.csv", b"x")]), 400, "unsafe_path"),
        ("wrong checksum", archive_with(&docs, |m| m["entries"][0]["sha256"] = json!("0".repeat(64)), &[]), 422, "checksum_mismatch"),
        ("oversized document", archive_with(&[("projects/p1/project.json", &huge_doc)], |_| {}, &[]), 413, "entry_too_large"),
        ("unknown format version", archive_with(&docs, |m| m["format_version"] = json!(2), &[]), 422, "unknown_format_version"),
        ("a document the schema refuses", archive_with(&[("projects/p1/project.json", &invalid_doc)], |_| {}, &[]), 422, "validation_failed"),
    ];
    let mut codes = std::collections::BTreeSet::new();
    for (what, bytes, status, code) in cases {
        let import = app.upload_import(&token, bytes).await;
        let resp = app.post_json(&format!("/imports/{import}/complete"), &token, &json!({})).send().await.unwrap();
        assert_eq!(resp.status().as_u16(), status, "{what}");
        let problem = json_of(resp).await;
        assert_eq!(problem["code"], code, "{what}: {problem}");
        assert!(problem["errors"][0]["pointer"].as_str().unwrap_or("").starts_with("/archive"), "{what}: {problem}");
        codes.insert(code);
        let listed = json_of(app.get("/projects", &token).send().await.unwrap()).await;
        assert!(listed["items"].as_array().unwrap().is_empty(), "{what}: nothing is stored");
        // The upload itself is gone as well: completing again finds nothing.
        let again = app.post_json(&format!("/imports/{import}/complete"), &token, &json!({})).send().await.unwrap();
        assert_eq!(again.status(), 404, "{what}");
    }
    assert_eq!(codes.len(), 7, "each refusal has its own code");
    // A sound archive then goes in.
    let import = app.upload_import(&token, archive_with(&docs, |_| {}, &[])).await;
    assert_eq!(app.post_json(&format!("/imports/{import}/complete"), &token, &json!({})).send().await.unwrap().status(), 201);
}
