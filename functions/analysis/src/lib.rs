//! `POST /projects/{id}/analysis`: runs the engine on a stored project — the short-circuit
//! table per bus, the sampled device curves for the chart, the coordination check results,
//! the relay test sheet and the setting table — and returns them as JSON for the web client.
//! It reads the project; it changes nothing.

use std::sync::Arc;

use lambda_http::{http::StatusCode, Body, Request, Response};
use platform::error::{ApiError, FieldError};
use platform::http::{self, AuditTarget, Call, Reply};
use platform::ids::ProjectId;
use platform::{projects, Backend};

/// The Lambda entry point.
pub async fn handle(backend: Arc<Backend>, req: Request) -> Response<Body> {
    http::dispatch(backend, req, analyse).await
}

async fn analyse(backend: Arc<Backend>, call: Call) -> Reply {
    let auth = call.auth()?;
    let raw = call.path_param("id").unwrap_or_default();
    let id = ProjectId::parse(&raw).map_err(|e| ApiError::bad_field(FieldError::parameter("id", "invalid_id", e.to_string())))?;
    let project = projects::get(&backend, &auth.tenant, &id).await?;
    if let Some(expected) = call.header("if-match").map(http::parse_if_match).transpose()? {
        if expected != project.version {
            return Err(ApiError::PreconditionFailed { current_version: project.version });
        }
    }
    let text = serde_json::to_string(&project.content).map_err(ApiError::internal)?;
    let analysis = domain::analysis::parse_and_analyze(&text).map_err(|errors| ApiError::Unprocessable {
        detail: "The stored project no longer passes validation; open and fix it first.".into(),
        errors: errors
            .into_iter()
            .map(|e| FieldError { message_ja: Some(e.message_ja), ..FieldError::body(e.pointer, e.code, e.message_en) })
            .collect(),
    })?;
    let mut resp = http::json_response(StatusCode::OK, &analysis)?;
    if let Ok(v) = http::etag(project.version).parse() {
        resp.headers_mut().insert("etag", v);
    }
    resp.extensions_mut().insert(AuditTarget(format!("project:{id}")));
    Ok(resp)
}
