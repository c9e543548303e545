//! The isolation matrix, generated from the route table: every route that needs a token ×
//! {own company, another company's ids, no token, forged token, expired token, disabled
//! user, address outside the IP allow-list, viewer} → the status a client must get. Each
//! route's request (method, path, body) is its event in `functions/<name>/events/`, so a
//! route added without an event fails `events.rs`, and one added with an event is in this
//! matrix at once. Run on both backends.
//!
//! Also the gateway's own answers: a known path with another method is 405 with `Allow`,
//! and a CORS preflight is answered as API Gateway answers it.

use crate::support;

use std::collections::BTreeMap;

use platform::auth::{Permission, Role};
use platform::ids::{TenantId, UserId};
use platform::routes::{Access, ROUTES};
use serde_json::{json, Value};
use crate::support::TestApp;

both_backends!(every_route_refuses_every_caller_it_must_and_serves_its_own_company);

/// What a case sends: the event's method, path (ids replaced) and body.
struct Template {
    method: String,
    path: String,
    body: Option<String>,
    content_type: Option<String>,
}

/// Each route's request, from the first of its events that the events test expects to
/// succeed (or, failing that, its first event).
fn templates() -> BTreeMap<String, Template> {
    let mut out = BTreeMap::new();
    for (function, events) in kyocho_tests::events::expectations() {
        let mut files: Vec<(String, u16)> = events.into_iter().collect();
        files.sort_by_key(|(_, status)| !(200..300).contains(status));
        for (file, _) in files {
            let path = kyocho_tests::events::repo_root().join("functions").join(&function).join("events").join(&file);
            let event: Value = serde_json::from_str(&std::fs::read_to_string(&path).expect("event")).expect("JSON");
            let key = event["routeKey"].as_str().expect("routeKey").to_owned();
            if out.contains_key(&key) {
                continue;
            }
            let raw = event["rawPath"].as_str().expect("rawPath");
            let query = event["rawQueryString"].as_str().unwrap_or("");
            let body = event["body"].as_str().map(str::to_owned);
            let content_type = event["headers"]["content-type"].as_str().map(str::to_owned);
            out.insert(
                key,
                Template {
                    method: event["requestContext"]["http"]["method"].as_str().expect("method").to_owned(),
                    path: if query.is_empty() { raw.to_owned() } else { format!("{raw}?{query}") },
                    body,
                    content_type,
                },
            );
        }
    }
    out
}

/// The ids a request names, for one company.
#[derive(Clone)]
struct Ids {
    project: String,
    user: String,
    export: String,
    /// A company library item.
    item: String,
    /// A support inquiry filed by the company's administrator.
    inquiry: String,
    /// A support-access grant of the company.
    grant: String,
    /// An announcement (the operator's, for every company).
    announcement: String,
    /// An import with its archive uploaded, not yet completed.
    import: String,
}

impl Ids {
    fn apply(&self, path: &str) -> String {
        path.replace(kyocho_tests::events::EVENT_PROJECT_ID, &self.project)
            .replace("/admin/users/bob", &format!("/admin/users/{}", self.user))
            .replace("/admin/users/carl", &format!("/admin/users/{}", self.user))
            .replace("/exports/0195e3b2c4d87a10b9f6e5d4c3b2a1ff", &format!("/exports/{}", self.export))
            .replace(kyocho_tests::events::LIBRARY_ITEM_ID, &self.item)
            .replace("nosuchinquiry", &self.inquiry)
            .replace("nosuchgrant", &self.grant)
            .replace("nosuchannouncement", &self.announcement)
            .replace("/imports/0195e3b2c4d87a10b9f6e5d4c3b2a1ee/", &format!("/imports/{}/", self.import))
    }

    fn apply_body(&self, body: &str) -> String {
        body.replace(kyocho_tests::events::LIBRARY_ITEM_ID, &self.item)
    }
}

/// A project, a designer and an export of `tenant`, made by its administrator `token`.
async fn resources(app: &TestApp, tenant: &str, token: &str, n: usize) -> Ids {
    let project = app.create_project(token, &format!("{tenant} plant {n}")).await;
    let project = project["id"].as_str().expect("id").to_owned();
    let user = format!("u{n}");
    app.user(tenant, &user, Role::Designer).await;
    let export = app
        .post_json(&format!("/projects/{project}/exports"), token, &json!({ "what": "report", "format": "csv", "report": "short_circuit" }))
        .send()
        .await
        .expect("export");
    assert!(export.status().is_success(), "export: {}", export.status());
    let export: Value = export.json().await.expect("export JSON");
    // A company library item, from the library's create event.
    let item = format!("{tenant}.ocr.n{n}");
    let create = templates().remove("POST /library/company").expect("the library's create event");
    let body = create.body.expect("a body").replace(kyocho_tests::events::LIBRARY_ITEM_ID, &item);
    let created = app.post_json("/library/company", token, &serde_json::from_str(&body).expect("JSON")).send().await.expect("send");
    assert_eq!(created.status(), 201, "library item {item}");
    let inquiry = app
        .post_json("/inquiries", token, &json!({ "category": "usage", "severity": "normal", "subject": format!("{tenant} question {n}"), "text": "How?" }))
        .send()
        .await
        .expect("inquiry");
    assert_eq!(inquiry.status(), 201, "inquiry");
    let inquiry: Value = inquiry.json().await.expect("inquiry JSON");
    let grant = app.post_json("/support-grants", token, &json!({ "project_id": project, "hours": 1 })).send().await.expect("grant");
    assert_eq!(grant.status(), 201, "grant");
    let grant: Value = grant.json().await.expect("grant JSON");
    let announcement = app
        .post_json(
            "/ops/announcements",
            &app.operator_token("setup"),
            &json!({ "kind": "release", "title_ja": "新版", "title_en": "New version", "text_ja": "改善", "text_en": "Improvements",
                     "starts_at": "2030-01-01T00:00:00Z", "audience": { "type": "all" } }),
        )
        .send()
        .await
        .expect("announcement");
    assert_eq!(announcement.status(), 201, "announcement");
    let announcement: Value = announcement.json().await.expect("announcement JSON");
    let import = app.upload_import(token, support::archive_of(&support::sample_project(&format!("{tenant} import {n}")))).await;
    Ids {
        import,
        announcement: announcement["id"].as_str().expect("announcement id").to_owned(),
        project,
        user,
        export: export["id"].as_str().expect("export id").to_owned(),
        item,
        inquiry: inquiry["id"].as_str().expect("inquiry id").to_owned(),
        grant: grant["id"].as_str().expect("grant id").to_owned(),
    }
}

async fn send(app: &TestApp, t: &Template, ids: &Ids, token: Option<&str>) -> u16 {
    let url = app.url(&ids.apply(&t.path));
    let mut req = app.client.request(t.method.parse().expect("method"), url);
    if let Some(token) = token {
        req = req.bearer_auth(token);
    }
    if let Some(body) = &t.body {
        req = req.header("content-type", t.content_type.as_deref().unwrap_or("application/json")).body(ids.apply_body(body));
    }
    if t.method == "PUT" || t.method == "DELETE" {
        req = req.header("if-match", "*");
    }
    req.send().await.expect("send").status().as_u16()
}

/// Given two companies with a project, a user and an export each, and in the first company
/// an administrator, a viewer and a disabled user, when every route that needs a token is
/// called as each kind of caller, then: no token, a token signed by another key and an
/// expired token get 401; a disabled user 403; a viewer 403 exactly where a permission a
/// viewer lacks is needed; another company's ids 404; a company whose allow-list excludes
/// the caller 403; and the company's own administrator never one of those refusals.
async fn every_route_refuses_every_caller_it_must_and_serves_its_own_company(app: TestApp) {
    let (_, admin) = app.user("acme", "ann", Role::TenantAdmin).await;
    let (viewer_user, viewer) = app.user("acme", "val", Role::Viewer).await;
    let _ = viewer_user;
    let (_, other_admin) = app.user("other", "oscar", Role::TenantAdmin).await;
    let theirs = resources(&app, "other", &other_admin, 0).await;
    // A disabled user of acme.
    let (mut dora, dora_token) = app.user("acme", "dora", Role::TenantAdmin).await;
    dora.status = platform::ports::UserStatus::Disabled;
    app.gateway.backend.users.put_user(&dora).await.expect("disable dora");
    // A company whose allow-list admits 192.0.2.0/24 only (the tests call from 127.0.0.1).
    let (fenced_user, fenced) = app.user("fenced", "fay", Role::TenantAdmin).await;
    let fenced_ids = resources(&app, "fenced", &fenced, 0).await;
    let tid = TenantId::parse("fenced").expect("tenant");
    let mut tenant = app.gateway.backend.tenants.get_tenant(&tid).await.expect("get").expect("tenant");
    tenant.settings.ip_allow_list = vec!["192.0.2.0/24".parse().expect("CIDR")];
    app.gateway.backend.tenants.put_tenant(&tenant).await.expect("fence");
    let _ = fenced_user;
    // Tokens the API must refuse.
    let ann_sub = app.gateway.backend.users.get_user(&TenantId::parse("acme").unwrap(), &UserId::parse("ann").unwrap()).await.unwrap().unwrap().sub;
    let stranger_keys = tempfile::tempdir().expect("another key");
    let forged = kyocho::jwt::Keys::load_or_create(&stranger_keys.path().join("k.der")).expect("keys").mint(&ann_sub, "acme").expect("mint");
    let expired = app
        .gateway
        .keys
        .mint_with(&ann_sub, "acme", |c| {
            c["iat"] = json!(c["iat"].as_i64().unwrap() - 7200);
            c["exp"] = json!(c["iat"].as_i64().unwrap() + 3600);
        })
        .expect("mint");
    let viewer_may: Vec<Permission> = Role::Viewer.default_permissions().into_iter().collect();

    let templates = templates();
    let mut failures = Vec::new();
    let mut cells = 0;
    let operator = app.operator_token("olga");
    let forged_operator = kyocho::jwt::Keys::load_or_create(&stranger_keys.path().join("k.der")).expect("keys").mint_operator("olga").expect("mint");
    for (n, route) in ROUTES.iter().enumerate() {
        if !route.access.needs_token() {
            continue;
        }
        let key = route.key();
        let t = templates.get(&key).unwrap_or_else(|| panic!("{key} has no event"));
        let ours = resources(&app, "acme", &admin, n + 1).await;
        if route.access == Access::Operator {
            // The operator plane: no tenant credential reaches it, nor a forged operator's.
            for (case, token) in [("no token", None), ("tenant administrator", Some(&admin)), ("forged operator token", Some(&forged_operator))] {
                cells += 1;
                let got = send(&app, t, &ours, token.map(String::as_str)).await;
                if got != 403 {
                    failures.push(format!("{key} / {case}: {got}, expected 403"));
                }
            }
            cells += 1;
            // The lifecycle routes act on a company of their own (a suspension or termination
            // of acme would refuse every later cell).
            let got = if route.function == "tenants" {
                let victim = format!("lifecycle{n}");
                app.user(&victim, "admin", Role::TenantAdmin).await;
                let path = t.path.replace("/ops/tenants/acme", &format!("/ops/tenants/{victim}"));
                send(&app, &Template { path, method: t.method.clone(), body: t.body.clone(), content_type: t.content_type.clone() }, &ours, Some(&operator)).await
            } else {
                send(&app, t, &ours, Some(&operator)).await
            };
            // Reading a project's content without a grant is refused by design (see desk.rs).
            let refused_by_design = key == "GET /ops/tenants/{tenant}/projects/{id}" || key == "GET /ops/tenants/{tenant}/certificate";
            if (!refused_by_design && matches!(got, 401 | 403 | 404)) || got >= 500 {
                failures.push(format!("{key} / operator: {got}"));
            }
            continue;
        }
        // Every id route names tenant data but the built-in library's.
        let names_tenant_data = route.path.contains("{id}") && route.path != "/library/{id}";
        let mut expect = vec![
            ("no token", send(&app, t, &ours, None).await, Some(401)),
            ("forged token", send(&app, t, &ours, Some(&forged)).await, Some(401)),
            ("expired token", send(&app, t, &ours, Some(&expired)).await, Some(401)),
            ("disabled user", send(&app, t, &ours, Some(&dora_token)).await, Some(403)),
            ("outside the allow-list", send(&app, t, &fenced_ids, Some(&fenced)).await, Some(403)),
        ];
        let viewer_refused = matches!(route.access, Access::Requires(p) if !viewer_may.contains(&p));
        let as_viewer = send(&app, t, &ours, Some(&viewer)).await;
        expect.push(("viewer", as_viewer, viewer_refused.then_some(403)));
        if names_tenant_data {
            expect.push(("another company's ids", send(&app, t, &theirs, Some(&admin)).await, Some(404)));
        }
        let own = send(&app, t, &ours, Some(&admin)).await;
        for (case, got, want) in expect {
            cells += 1;
            match want {
                Some(w) if got != w => failures.push(format!("{key} / {case}: {got}, expected {w}")),
                None if matches!(got, 401 | 403) || got >= 500 => failures.push(format!("{key} / {case}: {got}, expected no refusal")),
                _ => {}
            }
        }
        cells += 1;
        // An active company has no final archive (tests/tenants.rs takes one while terminating).
        let none_yet = key == "GET /final-archive" && own == 404;
        if (matches!(own, 401 | 403 | 404) && !none_yet) || own >= 500 {
            failures.push(format!("{key} / own company: {own}"));
        }
    }
    assert!(cells > 200, "{cells} cells");
    assert!(failures.is_empty(), "{} backend, {} of {cells} cells:\n{}", app.backend_name(), failures.len(), failures.join("\n"));
}

/// Given the local edition, when a known path is asked with a method it does not have,
/// then the answer is 405 with `Allow` naming its methods; an unknown path stays 404.
#[tokio::test]
async fn a_known_path_with_another_method_is_405_with_allow() {
    let app = TestApp::spawn().await;
    let resp = app.client.patch(app.url("/projects/abc")).send().await.expect("send");
    assert_eq!(resp.status(), 405);
    assert_eq!(resp.headers().get("allow").and_then(|v| v.to_str().ok()), Some("GET, PUT, DELETE"));
    let resp = app.client.delete(app.url("/projects")).send().await.expect("send");
    assert_eq!(resp.status(), 405);
    assert_eq!(resp.headers().get("allow").and_then(|v| v.to_str().ok()), Some("GET, POST"));
    assert_eq!(app.client.patch(app.url("/nowhere")).send().await.expect("send").status(), 404);
}

/// Given an allowed web origin, when a browser sends a CORS preflight from it, then the
/// answer is 204 with the methods, headers and exposed headers of the template's
/// `CorsConfiguration`; from another origin, 204 without them (the browser then refuses).
#[tokio::test]
async fn cors_preflights_are_answered_as_api_gateway_answers_them() {
    std::env::set_var("KYOCHO_CORS_ORIGINS", "https://app.kyocho.example.jp");
    let app = TestApp::spawn().await;
    let preflight = |origin: &'static str| {
        app.client
            .request(reqwest::Method::OPTIONS, app.url("/projects/abc"))
            .header("origin", origin)
            .header("access-control-request-method", "PUT")
            .header("access-control-request-headers", "authorization,content-type,if-match")
            .send()
    };
    let resp = preflight("https://app.kyocho.example.jp").await.expect("send");
    assert_eq!(resp.status(), 204);
    let h = |n: &str| resp.headers().get(n).and_then(|v| v.to_str().ok()).map(str::to_owned);
    assert_eq!(h("access-control-allow-origin").as_deref(), Some("https://app.kyocho.example.jp"));
    assert_eq!(h("access-control-allow-methods").as_deref(), Some("GET,POST,PUT,DELETE,OPTIONS"));
    assert_eq!(h("access-control-allow-headers").as_deref(), Some("authorization,content-type,if-match"));
    assert_eq!(h("access-control-expose-headers").as_deref(), Some("etag,location"));
    assert_eq!(h("access-control-max-age").as_deref(), Some("600"));
    let resp = preflight("https://evil.example").await.expect("send");
    assert_eq!(resp.status(), 204);
    assert!(resp.headers().get("access-control-allow-origin").is_none(), "no CORS grant for another origin");
    // An allowed origin can read an answer's ETag.
    let token = app.token("acme", "ann", Role::TenantAdmin).await;
    let created = app
        .post_json("/projects", &token, &support::sample_project("Plant"))
        .header("origin", "https://app.kyocho.example.jp")
        .send()
        .await
        .expect("send");
    assert_eq!(created.headers().get("access-control-allow-origin").and_then(|v| v.to_str().ok()), Some("https://app.kyocho.example.jp"));
    assert_eq!(created.headers().get("access-control-expose-headers").and_then(|v| v.to_str().ok()), Some("etag,location"));
}
