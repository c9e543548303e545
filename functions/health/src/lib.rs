//! `GET /health`: reports the version and which backend serves the API. No authentication.

use std::sync::Arc;

use lambda_http::{http::StatusCode, Body, Request, Response};
use platform::http::{self, Call, Reply, VERSION};
use platform::Backend;

/// The Lambda entry point.
pub async fn handle(backend: Arc<Backend>, req: Request) -> Response<Body> {
    http::dispatch(backend, req, report).await
}

async fn report(backend: Arc<Backend>, _call: Call) -> Reply {
    http::json_response(
        StatusCode::OK,
        &serde_json::json!({ "status": "ok", "version": VERSION, "backend": backend.name }),
    )
}
