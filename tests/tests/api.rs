//! The projects API end to end over HTTP against the local edition, as a client sees it:
//! CRUD with ETags, stale writes, bad input, tenant isolation, permissions and the audit log.

use platform::auth::Role;
use platform::ids::TenantId;
use platform::ports::AuditResult;
use serde_json::{json, Value};
use crate::support::{problem, sample_project, sample_with, TestApp};

#[tokio::test]
async fn health_needs_no_token_and_reports_backend_and_version() {
    let app = TestApp::spawn().await;
    let body: Value = app.client.get(app.url("/health")).send().await.unwrap().json().await.unwrap();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["backend"], "local");
    assert_eq!(body["version"], env!("CARGO_PKG_VERSION"));
}

#[tokio::test]
async fn a_project_is_created_read_updated_with_if_match_and_deleted() {
    let app = TestApp::spawn().await;
    let token = app.token("acme", "alice", Role::Designer).await;

    let resp = app
        .post_json("/projects", &token, &sample_with("Plant 1", |d| d["description"] = json!("受電設備")))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201);
    assert_eq!(resp.headers()["etag"], "\"1\"");
    let created: Value = resp.json().await.unwrap();
    let id = created["id"].as_str().unwrap().to_owned();
    let path = format!("/projects/{id}");

    let resp = app.get(&path, &token).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    let etag = resp.headers()["etag"].to_str().unwrap().to_owned();
    let read: Value = resp.json().await.unwrap();
    assert_eq!(read["name"], "Plant 1");
    assert_eq!(read["description"], "受電設備");
    assert_eq!(read["content"], sample_with("Plant 1", |d| d["description"] = json!("受電設備")));

    let resp = app
        .put_json(&path, &token, &sample_project("Plant 1 rev B"))
        .header("if-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["etag"], "\"2\"");
    let updated: Value = app.get(&path, &token).send().await.unwrap().json().await.unwrap();
    assert_eq!(updated["name"], "Plant 1 rev B");
    assert_eq!(updated["version"], 2);

    let resp = app.delete(&path, &token).header("if-match", "\"2\"").send().await.unwrap();
    assert_eq!(resp.status(), 204);
    assert_eq!(app.get(&path, &token).send().await.unwrap().status(), 404);
}

#[tokio::test]
async fn a_stale_write_is_refused_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let token = app.token("acme", "alice", Role::Designer).await;
    let id = app.create_project(&token, "original").await["id"].as_str().unwrap().to_owned();
    let path = format!("/projects/{id}");
    let first = app
        .put_json(&path, &token, &sample_project("first writer"))
        .header("if-match", "\"1\"")
        .send()
        .await
        .unwrap();
    assert_eq!(first.status(), 200);

    let second = app
        .put_json(&path, &token, &sample_project("second writer"))
        .header("if-match", "\"1\"")
        .send()
        .await
        .unwrap();
    assert_eq!(second.status(), 412);
    let p = problem(second).await;
    assert_eq!(p["code"], "version_mismatch");
    assert_eq!(p["current_version"], 2);

    let stored: Value = app.get(&path, &token).send().await.unwrap().json().await.unwrap();
    assert_eq!(stored["name"], "first writer");
    assert_eq!(stored["version"], 2);

    let stale_delete = app.delete(&path, &token).header("if-match", "\"1\"").send().await.unwrap();
    assert_eq!(stale_delete.status(), 412);
    assert_eq!(app.get(&path, &token).send().await.unwrap().status(), 200);
}

#[tokio::test]
async fn a_put_without_if_match_is_refused_naming_the_header() {
    let app = TestApp::spawn().await;
    let token = app.token("acme", "alice", Role::Designer).await;
    let id = app.create_project(&token, "p").await["id"].as_str().unwrap().to_owned();
    let resp = app.put_json(&format!("/projects/{id}"), &token, &sample_project("x")).send().await.unwrap();
    assert_eq!(resp.status(), 428);
    let p = problem(resp).await;
    assert_eq!(p["code"], "precondition_required");
    assert_eq!(p["errors"][0]["header"], "If-Match");
}

/// Each bad body gets a 4xx problem naming the field, and nothing is stored.
#[tokio::test]
async fn bad_bodies_get_problems_naming_the_field_and_store_nothing() {
    let app = TestApp::spawn().await;
    let token = app.token("acme", "alice", Role::Designer).await;
    let send = |body: String| {
        app.client.post(app.url("/projects")).bearer_auth(&token).header("content-type", "application/json").body(body)
    };
    let with = |change: fn(&mut Value)| sample_with("x", change).to_string();
    // (body, status, top-level code, first error's code, first error's pointer)
    let cases: Vec<(String, u16, &str, &str, &str)> = vec![
        ("{\"name\": \"x\", ".into(), 400, "invalid_request", "malformed_json", ""),
        ("[]".into(), 422, "validation_failed", "invalid_type", ""),
        (with(|d| d["colour"] = json!(1)), 422, "validation_failed", "unknown_field", "/colour"),
        (with(|d| d["name"] = json!(12)), 422, "validation_failed", "invalid_type", "/name"),
        (with(|d| { d.as_object_mut().unwrap().remove("name"); }), 422, "validation_failed", "missing_field", "/name"),
        (with(|d| d["name"] = json!("   ")), 422, "validation_failed", "empty", "/name"),
        (with(|d| d["devices"][3]["ocr"]["lever"] = json!(99)), 422, "validation_failed", "out_of_range", "/devices/3/ocr/lever"),
        (with(|d| d["devices"][3]["ocr"]["tap_a"] = json!("4")), 422, "validation_failed", "invalid_type", "/devices/3/ocr/tap_a"),
        (format!("{} trailing", sample_project("x")), 400, "invalid_request", "malformed_json", ""),
    ];
    for (body, status, top, code, pointer) in cases {
        let resp = send(body.clone()).send().await.unwrap();
        assert_eq!(resp.status().as_u16(), status, "{code} for {}", &body[..body.len().min(80)]);
        let p = problem(resp).await;
        assert_eq!(p["code"], top, "{p}");
        let err = &p["errors"][0];
        assert_eq!(err["code"], code, "{p}");
        assert_eq!(err["pointer"], pointer, "{p}");
        assert!(err["message"].as_str().is_some_and(|m| !m.is_empty()), "{p}");
    }

    // Several errors come back at once, each with its pointer and a Japanese message.
    let doc = sample_with("x", |d| {
        d["devices"][3]["ocr"]["lever"] = json!(99);
        d["devices"][4]["rated_kva"] = json!(-5);
    });
    let p = problem(app.post_json("/projects", &token, &doc).send().await.unwrap()).await;
    let pointers: Vec<&str> = p["errors"].as_array().unwrap().iter().map(|e| e["pointer"].as_str().unwrap()).collect();
    assert!(pointers.contains(&"/devices/3/ocr/lever") && pointers.contains(&"/devices/4/rated_kva"), "{p}");
    assert!(p["errors"][0]["message_ja"].as_str().is_some_and(|m| !m.is_ascii()), "{p}");

    let wrong_type = app.client.post(app.url("/projects")).bearer_auth(&token).header("content-type", "text/plain").body("{}");
    let resp = wrong_type.send().await.unwrap();
    assert_eq!(resp.status(), 415);
    assert_eq!(problem(resp).await["code"], "unsupported_media_type");

    let huge = "あ".repeat(projects::MAX_BODY_BYTES / 3 + 1);
    let resp = app.post_json("/projects", &token, &sample_with("big", |d| d["description"] = json!(huge))).send().await.unwrap();
    assert_eq!(resp.status(), 413);
    assert_eq!(problem(resp).await["code"], "payload_too_large");

    let list: Value = app.get("/projects", &token).send().await.unwrap().json().await.unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 0, "no partial write");
}

#[tokio::test]
async fn content_of_two_megabytes_round_trips() {
    let app = TestApp::spawn().await;
    let token = app.token("acme", "alice", Role::Designer).await;
    let notes: Vec<Value> = (0..500)
        .map(|i| json!({ "id": format!("n{i}"), "text": format!("{i}: {}", "注記".repeat(800)), "device": "TR1" }))
        .collect();
    let content = sample_with("big", |d| d["notes"] = json!(notes));
    assert!(content.to_string().len() > 2 * 1024 * 1024, "{} bytes", content.to_string().len());
    let resp = app.post_json("/projects", &token, &content).send().await.unwrap();
    assert_eq!(resp.status(), 201);
    let created: Value = resp.json().await.unwrap();
    let read: Value = app.get(&format!("/projects/{}", created["id"].as_str().unwrap()), &token).send().await.unwrap().json().await.unwrap();
    assert_eq!(read["content"], content);
}

#[tokio::test]
async fn listing_pages_with_an_opaque_cursor_that_only_works_for_its_tenant() {
    let app = TestApp::spawn().await;
    let token = app.token("acme", "alice", Role::Designer).await;
    let other = app.token("globex", "bob", Role::Designer).await;
    let mut created = Vec::new();
    for i in 0..7 {
        created.push(app.create_project(&token, &format!("p{i}")).await["id"].as_str().unwrap().to_owned());
    }
    app.create_project(&other, "globex's").await;

    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/projects?limit=3&cursor={c}"),
            None => "/projects?limit=3".to_owned(),
        };
        let page: Value = app.get(&path, &token).send().await.unwrap().json().await.unwrap();
        let items = page["items"].as_array().unwrap();
        assert!(items.len() <= 3);
        seen.extend(items.iter().map(|p| p["id"].as_str().unwrap().to_owned()));
        match page["next_cursor"].as_str() {
            Some(c) => {
                let foreign = app.get(&format!("/projects?cursor={c}"), &other).send().await.unwrap();
                assert_eq!(foreign.status(), 400, "a cursor is bound to its tenant");
                cursor = Some(c.to_owned());
            }
            None => break,
        }
    }
    created.sort();
    assert_eq!(seen, created, "every project exactly once, in order, none of another tenant's");

    let bad_limit = app.get("/projects?limit=0", &token).send().await.unwrap();
    assert_eq!(bad_limit.status(), 400);
    assert_eq!(problem(bad_limit).await["errors"][0]["parameter"], "limit");
}

#[tokio::test]
async fn one_tenants_token_never_reaches_another_tenants_project() {
    let app = TestApp::spawn().await;
    let a = app.token("acme", "alice", Role::TenantAdmin).await;
    let b = app.token("globex", "bob", Role::Designer).await;
    let b_project = app.create_project(&b, "secret").await;
    let path = format!("/projects/{}", b_project["id"].as_str().unwrap());

    assert_eq!(app.get(&path, &a).send().await.unwrap().status(), 404);
    let put = app.put_json(&path, &a, &sample_project("pwned")).header("if-match", "\"1\"").send().await.unwrap();
    assert_eq!(put.status(), 404);
    assert_eq!(app.delete(&path, &a).send().await.unwrap().status(), 404);
    let list: Value = app.get("/projects", &a).send().await.unwrap().json().await.unwrap();
    assert!(list["items"].as_array().unwrap().is_empty());

    let still: Value = app.get(&path, &b).send().await.unwrap().json().await.unwrap();
    assert_eq!(still["name"], "secret");
    assert_eq!(still["version"], 1);
}

#[tokio::test]
async fn requests_without_a_valid_token_are_refused() {
    let app = TestApp::spawn().await;
    assert_eq!(app.client.get(app.url("/projects")).send().await.unwrap().status(), 401);
    assert_eq!(app.get("/projects", "not-a-token").send().await.unwrap().status(), 401);

    let foreign_dir = tempfile::tempdir().unwrap();
    let foreign_keys = kyocho::jwt::Keys::load_or_create(&foreign_dir.path().join("k.der")).unwrap();
    let (alice, _) = app.user("acme", "alice", Role::Designer).await;
    let forged = foreign_keys.mint(&alice.sub, "acme").unwrap();
    assert_eq!(app.get("/projects", &forged).send().await.unwrap().status(), 401, "signed by another key");
}

#[tokio::test]
async fn a_viewer_cannot_write_and_the_refusal_is_audited() {
    let app = TestApp::spawn().await;
    let viewer = app.token("acme", "victor", Role::Viewer).await;
    let resp = app.post_json("/projects", &viewer, &sample_project("x")).send().await.unwrap();
    assert_eq!(resp.status(), 403);
    assert_eq!(problem(resp).await["code"], "permission_denied");
    assert_eq!(app.get("/projects", &viewer).send().await.unwrap().status(), 200);

    let events = audit_events(&app, "acme").await;
    let denied = events.iter().find(|e| e.event.result == AuditResult::Denied).expect("a denied event");
    assert_eq!(denied.event.operation, "POST /projects");
    assert_eq!(denied.event.user_name.as_deref(), Some("victor"));
    assert_eq!(denied.event.company_name.as_deref(), Some("acme Co."));
}

#[tokio::test]
async fn every_mutating_request_appends_a_chained_audit_event() {
    let app = TestApp::spawn().await;
    let token = app.token("acme", "alice", Role::Designer).await;
    let id = app.create_project(&token, "p").await["id"].as_str().unwrap().to_owned();
    let path = format!("/projects/{id}");
    app.get(&path, &token).send().await.unwrap();
    app.put_json(&path, &token, &sample_project("q")).header("if-match", "\"1\"").send().await.unwrap();
    app.put_json(&path, &token, &sample_project("r")).header("if-match", "\"1\"").send().await.unwrap();
    app.delete(&path, &token).send().await.unwrap();

    let events = audit_events(&app, "acme").await;
    let ops: Vec<(&str, AuditResult)> = events.iter().map(|e| (e.event.operation.as_str(), e.event.result)).collect();
    assert_eq!(
        ops,
        vec![
            ("POST /projects", AuditResult::Started),
            ("POST /projects", AuditResult::Success),
            ("PUT /projects/{id}", AuditResult::Started),
            ("PUT /projects/{id}", AuditResult::Success),
            ("PUT /projects/{id}", AuditResult::Started),
            ("PUT /projects/{id}", AuditResult::Failed),
            ("DELETE /projects/{id}", AuditResult::Started),
            ("DELETE /projects/{id}", AuditResult::Success),
        ],
        "reads are not audited; each write is recorded before it is made, then its outcome"
    );
    for pair in events.chunks(2) {
        assert_eq!(pair[0].event.request_id, pair[1].event.request_id, "the started event and its outcome share the request id");
    }
    for e in &events {
        let target = match e.event.result {
            AuditResult::Failed | AuditResult::Started => None,
            _ => Some(format!("project:{id}")),
        };
        assert_eq!(e.event.target.as_deref(), target.as_deref());
        assert_eq!(e.event.user_name.as_deref(), Some("alice"));
        assert_eq!(e.event.company_name.as_deref(), Some("acme Co."));
        assert_eq!(e.event.source_ip.as_deref(), Some("127.0.0.1"));
    }
    let tid = platform::ids::TenantId::parse("acme").unwrap();
    let key = app.gateway.backend.chain_keys.chain_key(&tid).await.unwrap();
    for pair in events.windows(2) {
        assert_eq!(pair[1].prev_hash, pair[0].hash);
        assert_eq!(pair[1].hash, platform::seal::chain_hash(&key, &pair[0].hash, &pair[1].event));
    }
}

async fn audit_events(app: &TestApp, tenant: &str) -> Vec<platform::ports::StoredAuditEvent> {
    let now = time::OffsetDateTime::now_utc();
    let month = format!("{:04}-{:02}", now.year(), u8::from(now.month()));
    app.gateway
        .backend
        .audit
        .list_month(&TenantId::parse(tenant).unwrap(), &month, None, 1000)
        .await
        .unwrap()
        .items
}
