//! The API Gateway (HTTP API, payload 2.0) events in `functions/library/events/` — the same
//! files `cargo lambda invoke --data-file` sends — run through the library handler on a local
//! backend in a temporary folder: an item's life from creation to withdrawal, its versions,
//! the CSV import and the conditional-write refusals, as a client of each route sees them.

use std::sync::Arc;

use lambda_http::{Body, Request};
use platform::auth::Role;
use platform::http::now_millis;
use platform::ids::{TenantId, UserId};
use platform::ports::{Tenant, User, UserStatus};
use platform::Backend;
use serde_json::Value;

/// The caller named by the events' JWT claims.
const EVENT_SUB: &str = "6f1c2b8e-3d4a-4c5b-9e7f-0a1b2c3d4e5f";

fn event(name: &str) -> Request {
    let path = format!("{}/events/{name}.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
    lambda_http::request::from_str(&text).unwrap_or_else(|e| panic!("{path} is not an API Gateway event: {e}"))
}

async fn world() -> (tempfile::TempDir, Arc<Backend>) {
    let dir = tempfile::tempdir().unwrap();
    let backend = Arc::new(platform::local::backend(dir.path()).unwrap());
    let tenant = TenantId::parse("acme").unwrap();
    backend.sealer.create_tenant_key(&tenant).await.unwrap();
    let record = Tenant::new(tenant.clone(), "Acme 電設", now_millis());
    backend.tenants.create_tenant(&record).await.unwrap();
    let user = User {
        tenant,
        id: UserId::parse("designer").unwrap(),
        sub: EVENT_SUB.to_owned(),
        email: "designer@acme.example".into(),
        name: "設計 太郎".into(),
        role: Role::Designer,
        permissions: None,
        status: UserStatus::Active,
        tokens_valid_after: 0,
        created_at: now_millis(),
        version: 0,
    };
    backend.users.put_user(&user).await.unwrap();
    (dir, backend)
}

async fn send(backend: &Arc<Backend>, name: &str) -> (u16, Option<String>, Value) {
    let resp = library::handle(backend.clone(), event(name)).await;
    let status = resp.status().as_u16();
    let etag = resp.headers().get("etag").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let body = match resp.into_body() {
        Body::Empty => Value::Null,
        Body::Text(t) => serde_json::from_str(&t).unwrap_or_else(|e| panic!("{name}: body is not JSON ({e}): {t}")),
        Body::Binary(b) => serde_json::from_slice(&b).unwrap(),
    };
    (status, etag, body)
}

/// Time of the relay curve at 3 × tap (the third point), s at lever 10.
fn time_at_3x(item: &Value) -> f64 {
    item["device"]["characteristic"]["points"][2]["time_s"].as_f64().unwrap()
}

#[tokio::test]
async fn an_item_is_created_published_again_read_at_both_versions_and_withdrawn() {
    let (_dir, backend) = world().await;

    let (status, etag, created) = send(&backend, "create_company_item").await;
    assert_eq!((status, etag.as_deref()), (201, Some("\"1\"")), "{created}");
    assert_eq!(created["version"], 1);
    assert_eq!(time_at_3x(&created), 12.0);

    let (status, _, problem) = send(&backend, "replace_company_item_without_if_match").await;
    assert_eq!(status, 428, "{problem}");
    assert_eq!(problem["code"], "precondition_required");

    // Version 2 has every time 1.5 × longer: 12 s at 3 × becomes 18 s.
    let (status, etag, replaced) = send(&backend, "replace_company_item").await;
    assert_eq!((status, etag.as_deref()), (200, Some("\"2\"")), "{replaced}");
    assert_eq!(time_at_3x(&replaced), 18.0);
    // The same event again names version 1, which is no longer the newest.
    let (status, _, stale) = send(&backend, "replace_company_item").await;
    assert_eq!(status, 412, "{stale}");
    assert_eq!(stale["current_version"], 2);

    let (status, etag, newest) = send(&backend, "get_company_item").await;
    assert_eq!((status, etag.as_deref(), time_at_3x(&newest)), (200, Some("\"2\""), 18.0));
    let (status, etag, first) = send(&backend, "get_company_item_version").await;
    assert_eq!((status, etag.as_deref(), time_at_3x(&first)), (200, Some("\"1\""), 12.0));

    let (status, _, list) = send(&backend, "list_company").await;
    assert_eq!(status, 200);
    assert_eq!(list["items"].as_array().map(Vec::len), Some(1), "{list}");
    assert_eq!(list["items"][0]["version"], 2);

    let (status, _, _) = send(&backend, "delete_company_item").await;
    assert_eq!(status, 204);
    assert_eq!(send(&backend, "get_company_item").await.0, 404);
    // The id stays used: the same item cannot be created again under it.
    let (status, _, again) = send(&backend, "create_company_item").await;
    assert_eq!(status, 409, "{again}");
}

#[tokio::test]
async fn a_csv_file_is_read_into_points_and_a_formula_cell_is_located() {
    let (_dir, backend) = world().await;

    let (status, _, points) = send(&backend, "import_csv").await;
    assert_eq!(status, 200, "{points}");
    assert_eq!(points["curve"], "relay_points");
    assert_eq!(points["points"].as_array().map(Vec::len), Some(7));
    assert_eq!(points["points"][2]["multiple"], 3.0);
    assert_eq!(points["points"][2]["time_s"], 12.0);

    // `=A1*2` on the third line of the file, in column `time_s`.
    let (status, _, problem) = send(&backend, "import_csv_formula").await;
    assert_eq!(status, 400, "{problem}");
    assert_eq!(problem["code"], "invalid_csv");
    let errors = problem["errors"].as_array().unwrap();
    assert!(
        errors.iter().any(|e| e["row"] == 3 && e["column"] == "time_s" && e["code"] == "formula_not_allowed"),
        "{problem}"
    );
}

#[tokio::test]
async fn updates_of_a_project_that_does_not_exist_are_not_found() {
    let (_dir, backend) = world().await;
    let (status, _, problem) = send(&backend, "library_updates").await;
    assert_eq!(status, 404, "{problem}");
}
