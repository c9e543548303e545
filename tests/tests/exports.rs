//! `POST /projects/{id}/exports` and `GET /exports/{id}` over HTTP against the local edition:
//! every sample project exports to every format, the download URL serves exactly the bytes
//! the response describes, and the URL stops working when it expires, when it is altered or
//! when another tenant asks.

use std::collections::BTreeSet;

use platform::auth::{Permission, Role};
use platform::ids::TenantId;
use platform::ports::{BlobInfo, BlobKey};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use crate::support::{problem, TestApp};

fn fixture(name: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(name);
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))).expect("fixture JSON")
}

fn fixtures() -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("tests/fixtures")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".json"))
        .collect();
    names.sort();
    assert!(!names.is_empty());
    names
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

async fn create_project(app: &TestApp, token: &str, doc: &Value) -> String {
    let resp = app.post_json("/projects", token, doc).send().await.expect("send");
    assert_eq!(resp.status(), 201, "create project");
    resp.json::<Value>().await.expect("json")["id"].as_str().expect("id").to_owned()
}

async fn export(app: &TestApp, token: &str, project: &str, body: &Value) -> reqwest::Response {
    app.post_json(&format!("/projects/{project}/exports"), token, body).send().await.expect("send")
}

/// Export, check the answer, download through its URL and check the bytes against it.
async fn export_and_download(app: &TestApp, token: &str, project: &str, body: &Value) -> (Value, Vec<u8>) {
    let resp = export(app, token, project, body).await;
    let status = resp.status();
    let location = resp.headers().get("location").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let text = resp.text().await.expect("body");
    assert_eq!(status, 201, "export {body}: {text}");
    let answer: Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(location.as_deref(), Some(format!("/exports/{}", answer["id"].as_str().expect("id")).as_str()));
    let download = app.client.get(answer["url"].as_str().expect("url")).send().await.expect("download");
    assert_eq!(download.status(), 200, "download of {body}");
    assert_eq!(download.headers()["content-type"].to_str().unwrap(), answer["content_type"].as_str().unwrap());
    let bytes = download.bytes().await.expect("bytes").to_vec();
    assert_eq!(bytes.len() as u64, answer["size"].as_u64().expect("size"), "size of {body}");
    assert_eq!(sha256_hex(&bytes), answer["sha256"].as_str().expect("sha256"), "SHA-256 of {body}");
    (answer, bytes)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// The DXF version code (`$ACADVER`) is R2010 (AC1024) or newer.
fn dxf_version_at_least_2010(bytes: &[u8]) -> bool {
    ["AC1024", "AC1027", "AC1032"].iter().any(|v| contains(bytes, v.as_bytes()))
}

#[tokio::test]
async fn every_sample_exports_to_every_format_and_downloads_byte_for_byte() {
    let app = TestApp::spawn().await;
    let designer = app.token("acme", "alice", Role::Designer).await;
    let started = platform::http::now_millis();
    for name in fixtures() {
        let project = create_project(&app, &designer, &fixture(&name)).await;
        for what in ["tcc", "sld"] {
            for format in ["svg", "pdf", "dxf"] {
                let (answer, bytes) = export_and_download(&app, &designer, &project, &json!({ "what": what, "format": format })).await;
                let file_name = answer["file_name"].as_str().unwrap();
                assert_eq!(file_name, format!("{what}-{project}.{format}"), "{name}");
                match format {
                    "svg" => assert!(contains(&bytes, b"<svg"), "{name} {what} SVG"),
                    "pdf" => assert!(bytes.starts_with(b"%PDF"), "{name} {what} PDF"),
                    _ => assert!(dxf_version_at_least_2010(&bytes), "{name} {what} DXF is older than R2010"),
                }
                let url_expires = answer["url_expires_at"].as_i64().unwrap();
                let expires = answer["expires_at"].as_i64().unwrap();
                assert!(url_expires <= platform::http::now_millis() + 15 * 60_000 && url_expires >= started + 14 * 60_000, "URL lives 15 minutes");
                assert!(expires >= started + 24 * 3_600_000 - 60_000 && expires <= platform::http::now_millis() + 24 * 3_600_000, "export lives 24 hours");
                assert_eq!(answer["project_id"], project.as_str());
            }
        }
        for report in ["equipment", "short_circuit", "checks", "test_sheet"] {
            let (answer, bytes) = export_and_download(&app, &designer, &project, &json!({ "what": "report", "format": "csv", "report": report })).await;
            assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]), "{name} {report}: UTF-8 BOM");
            assert!(std::str::from_utf8(&bytes[3..]).is_ok(), "{name} {report}: UTF-8");
            assert_eq!(answer["content_type"], "text/csv; charset=utf-8");
            assert_eq!(answer["file_name"].as_str().unwrap(), format!("report-{report}-{project}.csv"));
        }
        let (answer, bytes) = export_and_download(
            &app,
            &designer,
            &project,
            &json!({ "what": "report", "format": "csv", "report": "equipment", "encoding": "cp932" }),
        )
        .await;
        assert_eq!(answer["content_type"], "text/csv; charset=Shift_JIS");
        assert!(!bytes.starts_with(&[0xEF, 0xBB, 0xBF]), "{name}: CP932 has no BOM");
        let (text, _, had_errors) = encoding_rs::SHIFT_JIS.decode(&bytes);
        assert!(!had_errors, "{name}: the CP932 CSV decodes");
        assert!(text.lines().count() >= 2, "{name}: a header and rows");
        let (_, utf8) = export_and_download(&app, &designer, &project, &json!({ "what": "report", "format": "csv", "report": "equipment" })).await;
        // CP932 has no "²" and the like, so cells may differ in such characters; the table's
        // shape, header and ids do not.
        let utf8 = std::str::from_utf8(&utf8[3..]).unwrap();
        let first_cells = |t: &str| t.lines().map(|l| l.split(',').next().unwrap_or("").to_owned()).collect::<Vec<_>>();
        assert_eq!(text.lines().next(), utf8.lines().next(), "{name}: the same header in both encodings");
        assert_eq!(first_cells(&text), first_cells(utf8), "{name}: the same rows in both encodings");
    }
}

#[tokio::test]
async fn get_export_gives_a_fresh_url_to_its_tenant_only() {
    let app = TestApp::spawn().await;
    let alice = app.token("acme", "alice", Role::Designer).await;
    let bob = app.token("globex", "bob", Role::TenantAdmin).await;
    let project = create_project(&app, &alice, &fixture("case_b.json")).await;
    let (created, bytes) = export_and_download(&app, &alice, &project, &json!({ "what": "sld", "format": "pdf" })).await;
    let path = format!("/exports/{}", created["id"].as_str().unwrap());

    let resp = app.get(&path, &alice).send().await.expect("send");
    assert_eq!(resp.status(), 200);
    let again: Value = resp.json().await.expect("json");
    for field in ["id", "sha256", "size", "file_name", "content_type", "expires_at"] {
        assert_eq!(again[field], created[field], "{field}");
    }
    let fresh = app.client.get(again["url"].as_str().unwrap()).send().await.expect("download");
    assert_eq!(fresh.status(), 200);
    assert_eq!(fresh.bytes().await.unwrap().to_vec(), bytes);

    let foreign = app.get(&path, &bob).send().await.expect("send");
    assert_eq!(foreign.status(), 404, "another tenant's export id");
    assert_eq!(problem(foreign).await["code"], "not_found");
    let foreign_project = export(&app, &bob, &project, &json!({ "what": "sld", "format": "pdf" })).await;
    assert_eq!(foreign_project.status(), 404, "another tenant's project");
    assert_eq!(app.client.get(app.url(&path)).send().await.unwrap().status(), 401, "no token");
    let unknown = app.get("/exports/0123456789abcdef0123456789abcdef", &alice).send().await.unwrap();
    assert_eq!(unknown.status(), 404);
    assert_eq!(app.get("/exports/..%2Fx", &alice).send().await.unwrap().status(), 400);
}

#[tokio::test]
async fn expired_tampered_and_foreign_download_urls_are_refused() {
    let app = TestApp::spawn().await;
    let (alice_user, alice) = app.user("acme", "alice", Role::Designer).await;
    app.token("globex", "bob", Role::TenantAdmin).await;
    let project = create_project(&app, &alice, &fixture("case_a.json")).await;
    let (created, _) = export_and_download(&app, &alice, &project, &json!({ "what": "report", "format": "csv", "report": "checks" })).await;
    let url = created["url"].as_str().unwrap().to_owned();

    let refused = |resp: reqwest::Response, what: &'static str| async move {
        assert_eq!(resp.status(), 403, "{what}");
        assert_eq!(problem(resp).await["code"], "download_refused", "{what}");
    };

    // One hex digit of the signature flipped.
    let at = url.rfind("sig=").unwrap() + 4 + 7;
    let mut tampered: Vec<char> = url.chars().collect();
    tampered[at] = if tampered[at] == 'a' { 'b' } else { 'a' };
    let tampered: String = tampered.into_iter().collect();
    refused(app.client.get(&tampered).send().await.unwrap(), "tampered signature").await;

    // The same signature under another tenant's path.
    let foreign = url.replace("/_blobs/acme/", "/_blobs/globex/");
    refused(app.client.get(&foreign).send().await.unwrap(), "another tenant's path").await;

    // A URL whose expiry has passed, signed by the same key the route signs with.
    let key_path = url.split("/_blobs/acme/").nth(1).unwrap().split('?').next().unwrap();
    let key = BlobKey::parse(key_path).unwrap();
    let past = time::OffsetDateTime::now_utc().unix_timestamp() - 1;
    let expired = app.url(&app.gateway.blobs.sign_path(&alice_user.tenant, &key, past));
    refused(app.client.get(&expired).send().await.unwrap(), "expired URL").await;

    // The untouched URL still works.
    assert_eq!(app.client.get(&url).send().await.unwrap().status(), 200);
}

#[tokio::test]
async fn an_expired_export_is_not_found() {
    let app = TestApp::spawn().await;
    let alice = app.token("acme", "alice", Role::Designer).await;
    let xid = "00000000000000000000000000000abc";
    let info = BlobInfo {
        content_type: "text/csv; charset=utf-8".into(),
        file_name: "old.csv".into(),
        metadata: Default::default(),
        expires_at: platform::http::now_millis() - 1,
    };
    let tenant = TenantId::parse("acme").unwrap();
    let key = BlobKey::parse(&format!("exports/{xid}/old.csv")).unwrap();
    app.gateway.backend.blobs.put(&tenant, &key, b"old".to_vec(), &info).await.expect("put");
    let resp = app.get(&format!("/exports/{xid}"), &alice).send().await.unwrap();
    assert_eq!(resp.status(), 404, "an expired export");
}

#[tokio::test]
async fn a_viewer_may_export_and_a_user_without_project_export_may_not() {
    let app = TestApp::spawn().await;
    let designer = app.token("acme", "alice", Role::Designer).await;
    let viewer = app.token("acme", "victor", Role::Viewer).await;
    let (mut narrowed, _) = app.user("acme", "nora", Role::Designer).await;
    narrowed.permissions = Some(BTreeSet::from([Permission::ProjectRead]));
    app.gateway.backend.users.put_user(&narrowed).await.expect("narrow nora");
    let nora = app.token("acme", "nora", Role::Designer).await;
    let project = create_project(&app, &designer, &fixture("case_b.json")).await;
    let body = json!({ "what": "tcc", "format": "svg" });

    let (created, _) = export_and_download(&app, &viewer, &project, &body).await;
    let refused = export(&app, &nora, &project, &body).await;
    assert_eq!(refused.status(), 403);
    assert_eq!(problem(refused).await["code"], "permission_denied");
    let read = app.get(&format!("/exports/{}", created["id"].as_str().unwrap()), &nora).send().await.unwrap();
    assert_eq!(read.status(), 403, "reading an export needs project_export too");
}

#[tokio::test]
async fn a_combination_that_does_not_fit_is_a_400_naming_the_field() {
    let app = TestApp::spawn().await;
    let alice = app.token("acme", "alice", Role::Designer).await;
    let project = create_project(&app, &alice, &fixture("case_b.json")).await;
    for (body, pointer, code) in [
        (json!({ "what": "tcc", "format": "csv" }), "/format", "unsupported_format"),
        (json!({ "what": "report", "format": "pdf", "report": "checks" }), "/format", "unsupported_format"),
        (json!({ "what": "report", "format": "csv" }), "/report", "required"),
        (json!({ "what": "sld", "format": "svg", "path": "ACB1" }), "/path", "not_applicable"),
        (json!({ "what": "tcc", "format": "svg", "path": "NO_SUCH_DEVICE" }), "/path", "unknown_device"),
        (json!({ "what": "tcc", "format": "svg", "paper": "a4" }), "/paper", "unknown_field"),
        (json!({ "what": "tcc", "format": "png" }), "/format", "invalid_value"),
        (json!({ "format": "svg" }), "/what", "required"),
    ] {
        let resp = export(&app, &alice, &project, &body).await;
        assert_eq!(resp.status(), 400, "{body}");
        let p = problem(resp).await;
        assert_eq!(p["errors"][0]["pointer"], pointer, "{body}: {p}");
        assert_eq!(p["errors"][0]["code"], code, "{body}: {p}");
    }
}
