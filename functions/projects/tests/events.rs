//! The API Gateway (HTTP API, payload 2.0) events in `functions/projects/events/` — the same
//! files `cargo lambda invoke --data-file` sends — run through the projects handler on a local
//! backend in a temporary folder, asserting what a client of each route would see: status,
//! ETag and Location headers, bodies, and problem+json naming the failing field.

use std::sync::Arc;

use lambda_http::http::HeaderMap;
use lambda_http::{Body, Request};
use platform::auth::Role;
use platform::http::now_millis;
use platform::ids::{TenantId, UserId};
use platform::ports::{Tenant, User, UserStatus};
use platform::projects::Summary;
use platform::Backend;
use serde_json::{json, Value};

/// The project id written in the events' paths; tests put a real id in its place.
const EVENT_PROJECT_ID: &str = "0195e3b2c4d87a10b9f6e5d4c3b2a190";
/// The caller named by the events' JWT claims.
const EVENT_SUB: &str = "6f1c2b8e-3d4a-4c5b-9e7f-0a1b2c3d4e5f";
const EVENT_TENANT: &str = "acme";

/// A local backend in a temporary folder with the events' caller registered.
struct World {
    _dir: tempfile::TempDir,
    backend: Arc<Backend>,
}

/// What the client receives.
#[derive(Debug)]
struct Reply {
    status: u16,
    headers: HeaderMap,
    body: Value,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    fn content_type(&self) -> &str {
        self.header("content-type").unwrap_or("")
    }
}

/// Read an event file; `project_id` replaces the id in its path.
fn event(name: &str, project_id: Option<&str>) -> Request {
    let path = format!("{}/events/{name}.json", env!("CARGO_MANIFEST_DIR"));
    let mut text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
    if let Some(id) = project_id {
        text = text.replace(EVENT_PROJECT_ID, id);
    }
    lambda_http::request::from_str(&text).unwrap_or_else(|e| panic!("{path} is not an API Gateway event: {e}"))
}

fn event_body(name: &str) -> Value {
    let path = format!("{}/events/{name}.json", env!("CARGO_MANIFEST_DIR"));
    let raw: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    serde_json::from_str(raw["body"].as_str().unwrap()).unwrap()
}

impl World {
    /// The events' tenant with its key, and the events' caller in `role`.
    async fn new(role: Role) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let backend = Arc::new(platform::local::backend(dir.path()).unwrap());
        let world = World { _dir: dir, backend };
        let tenant = world.add_tenant(EVENT_TENANT, "Acme 電設").await;
        let user = User {
            tenant,
            id: UserId::parse("designer").unwrap(),
            sub: EVENT_SUB.to_owned(),
            email: "designer@acme.example".into(),
            name: "設計 太郎".into(),
            role,
            permissions: None,
            status: UserStatus::Active,
            tokens_valid_after: 0,
            created_at: now_millis(),
            version: 0,
        };
        world.backend.users.put_user(&user).await.unwrap();
        world
    }

    /// A backend where nobody is registered.
    fn empty() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let backend = Arc::new(platform::local::backend(dir.path()).unwrap());
        World { _dir: dir, backend }
    }

    async fn add_tenant(&self, id: &str, name: &str) -> TenantId {
        let id = TenantId::parse(id).unwrap();
        self.backend.sealer.create_tenant_key(&id).await.unwrap();
        let tenant = Tenant::new(id.clone(), name, now_millis());
        self.backend.tenants.create_tenant(&tenant).await.unwrap();
        id
    }

    async fn send(&self, name: &str, project_id: Option<&str>) -> Reply {
        let resp = projects::handle(self.backend.clone(), event(name, project_id)).await;
        let status = resp.status().as_u16();
        let (parts, body) = resp.into_parts();
        let body = match body {
            Body::Empty => Value::Null,
            Body::Text(t) => serde_json::from_str(&t).unwrap_or_else(|e| panic!("body is not JSON ({e}): {t}")),
            Body::Binary(b) => serde_json::from_slice(&b).unwrap(),
        };
        Reply { status, headers: parts.headers, body }
    }

    /// Create a project through `create.json`; returns its id.
    async fn create(&self) -> String {
        let reply = self.send("create", None).await;
        assert_eq!(reply.status, 201, "{:?}", reply.body);
        reply.body["id"].as_str().unwrap().to_owned()
    }
}

#[tokio::test]
async fn create_returns_201_with_etag_location_and_the_document() {
    let world = World::new(Role::Designer).await;

    let reply = world.send("create", None).await;

    assert_eq!(reply.status, 201);
    assert_eq!(reply.content_type(), "application/json");
    let id = reply.body["id"].as_str().unwrap();
    assert_eq!(reply.header("etag"), Some("\"1\""));
    assert_eq!(reply.header("location"), Some(format!("/projects/{id}").as_str()));
    assert_eq!(reply.body["version"], 1);
    assert_eq!(reply.body["name"], "第2工場 受電設備");
    assert_eq!(reply.body["content"], event_body("create"));
}

#[tokio::test]
async fn list_shows_the_callers_projects_without_their_content() {
    let world = World::new(Role::Designer).await;
    let id = world.create().await;

    let reply = world.send("list", None).await;

    assert_eq!(reply.status, 200);
    let items = reply.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["id"], id.as_str());
    assert_eq!(items[0]["name"], "第2工場 受電設備");
    assert!(items[0].get("content").is_none());
    assert_eq!(reply.body["next_cursor"], Value::Null);
}

#[tokio::test]
async fn get_returns_the_project_with_its_etag() {
    let world = World::new(Role::Viewer).await;
    let tenant = TenantId::parse(EVENT_TENANT).unwrap();
    let summary = Summary { name: "既存案件".into(), description: String::new() };
    let content = event_body("create");
    let project = platform::projects::create(&world.backend, &tenant, &summary, &content).await.unwrap();

    let reply = world.send("get", Some(project.id.as_str())).await;

    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("etag"), Some("\"1\""));
    assert_eq!(reply.body["id"], project.id.as_str());
    assert_eq!(reply.body["content"], content);
}

#[tokio::test]
async fn another_companys_project_is_not_found_whatever_id_is_sent() {
    let world = World::new(Role::Designer).await;
    let globex = world.add_tenant("globex", "Globex 工業").await;
    let summary = Summary { name: "他社案件".into(), description: String::new() };
    let theirs = platform::projects::create(&world.backend, &globex, &summary, &event_body("create")).await.unwrap();

    for name in ["get", "replace", "delete"] {
        let reply = world.send(name, Some(theirs.id.as_str())).await;
        assert_eq!(reply.status, 404, "{name}: {:?}", reply.body);
        assert_eq!(reply.content_type(), "application/problem+json");
        assert_eq!(reply.body["code"], "not_found");
    }
    let still = platform::projects::get(&world.backend, &globex, &theirs.id).await.unwrap();
    assert_eq!(still.version, 1);
    assert_eq!(still.summary.name, "他社案件");
}

#[tokio::test]
async fn replace_with_the_current_etag_bumps_the_version() {
    let world = World::new(Role::Designer).await;
    let id = world.create().await;

    let reply = world.send("replace", Some(&id)).await;

    assert_eq!(reply.status, 200, "{:?}", reply.body);
    assert_eq!(reply.header("etag"), Some("\"2\""));
    assert_eq!(reply.body["version"], 2);
    assert_eq!(reply.body["name"], "第2工場 受電設備 (改訂)");
    assert_eq!(reply.body["content"], event_body("replace"));
}

#[tokio::test]
async fn a_stale_replace_gets_412_and_changes_nothing() {
    let world = World::new(Role::Designer).await;
    let id = world.create().await;
    assert_eq!(world.send("replace", Some(&id)).await.status, 200);

    let stale = world.send("replace", Some(&id)).await;

    assert_eq!(stale.status, 412);
    assert_eq!(stale.content_type(), "application/problem+json");
    assert_eq!(stale.body["code"], "version_mismatch");
    assert_eq!(stale.body["current_version"], 2);
    let now = world.send("get", Some(&id)).await;
    assert_eq!(now.header("etag"), Some("\"2\""));
}

#[tokio::test]
async fn replace_without_if_match_gets_428_naming_the_header() {
    let world = World::new(Role::Designer).await;
    let id = world.create().await;

    let reply = world.send("replace_without_if_match", Some(&id)).await;

    assert_eq!(reply.status, 428);
    assert_eq!(reply.content_type(), "application/problem+json");
    assert_eq!(reply.body["code"], "precondition_required");
    assert_eq!(reply.body["errors"][0]["header"], "If-Match");
    let unchanged = world.send("get", Some(&id)).await;
    assert_eq!(unchanged.body["version"], 1);
    assert_eq!(unchanged.body["name"], "第2工場 受電設備");
}

#[tokio::test]
async fn an_unknown_field_is_refused_with_its_pointer_and_nothing_is_stored() {
    let world = World::new(Role::Designer).await;

    let reply = world.send("create_unknown_field", None).await;

    assert_eq!(reply.status, 422, "{:?}", reply.body);
    assert_eq!(reply.content_type(), "application/problem+json");
    let errors = reply.body["errors"].as_array().unwrap();
    assert!(
        errors.iter().any(|e| e["pointer"] == "/colour" && e["code"] == "unknown_field"),
        "{errors:?}"
    );
    let list = world.send("list", None).await;
    assert_eq!(list.body["items"], json!([]));
}

#[tokio::test]
async fn delete_with_the_current_etag_removes_the_project() {
    let world = World::new(Role::Designer).await;
    let id = world.create().await;

    let reply = world.send("delete", Some(&id)).await;

    assert_eq!(reply.status, 204);
    assert_eq!(reply.body, Value::Null);
    assert_eq!(world.send("get", Some(&id)).await.status, 404);
}

#[tokio::test]
async fn a_viewer_may_read_but_not_delete() {
    let world = World::new(Role::Viewer).await;
    let tenant = TenantId::parse(EVENT_TENANT).unwrap();
    let summary = Summary { name: "閲覧のみ".into(), description: String::new() };
    let project = platform::projects::create(&world.backend, &tenant, &summary, &event_body("create")).await.unwrap();

    assert_eq!(world.send("get", Some(project.id.as_str())).await.status, 200);
    let reply = world.send("delete", Some(project.id.as_str())).await;

    assert_eq!(reply.status, 403);
    assert_eq!(reply.body["code"], "permission_denied");
    assert_eq!(world.send("get", Some(project.id.as_str())).await.status, 200);
}

#[tokio::test]
async fn a_token_for_a_user_the_service_does_not_know_gets_401() {
    let world = World::empty();

    let reply = world.send("list", None).await;

    assert_eq!(reply.status, 401);
    assert_eq!(reply.content_type(), "application/problem+json");
    assert_eq!(reply.body["code"], "unknown_user");
}
