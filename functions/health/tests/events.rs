//! `functions/health/events/health.json` — the event `cargo lambda invoke --data-file` sends —
//! run through the health handler: no token needed, and the body names the version and the
//! backend.

use std::sync::Arc;

use lambda_http::Body;
use serde_json::Value;

#[tokio::test]
async fn health_answers_without_a_token_with_version_and_backend() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/events/health.json");
    let text = std::fs::read_to_string(path).unwrap();
    let request = lambda_http::request::from_str(&text).expect("an API Gateway v2 event");
    let dir = tempfile::tempdir().unwrap();
    let backend = Arc::new(platform::local::backend(dir.path()).unwrap());

    let resp = health::handle(backend, request).await;

    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers().get("content-type").and_then(|v| v.to_str().ok()), Some("application/json"));
    let Body::Text(text) = resp.body() else { panic!("expected a text body") };
    let body: Value = serde_json::from_str(text).unwrap();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["backend"], "local");
    assert_eq!(body["version"], env!("CARGO_PKG_VERSION"));
}
