//! `POST /projects/{id}/analysis`: runs the engine on a stored project — the short-circuit
//! table per bus, the sampled device curves for the chart, the coordination check results,
//! the relay test sheet and the setting table — and returns them as JSON for the web client.
//! It reads the project; it changes nothing.

use std::sync::Arc;

use lambda_http::{http::StatusCode, Body, Request, Response};
use platform::error::ApiError;
use platform::http::{self, AuditTarget, Call, Reply};
use platform::{projects, Backend};

/// The Lambda entry point.
pub async fn handle(backend: Arc<Backend>, req: Request) -> Response<Body> {
    http::dispatch(backend, req, analyse).await
}

async fn analyse(backend: Arc<Backend>, call: Call) -> Reply {
    let auth = call.auth()?;
    let id = call.project_id()?;
    let (project, model) = projects::open_model(&backend, &auth.tenant, &id).await?;
    if let Some(expected) = call.header("if-match").map(http::parse_if_match).transpose()?.flatten() {
        if expected != project.version {
            return Err(ApiError::PreconditionFailed { current_version: project.version });
        }
    }
    let analysis = domain::analysis::analyze(&model, &domain::checks::CheckSettings::from_project(&model));
    let mut resp = http::json_response(StatusCode::OK, &analysis)?;
    if let Ok(v) = http::etag(project.version).parse() {
        resp.headers_mut().insert("etag", v);
    }
    resp.extensions_mut().insert(AuditTarget(format!("project:{id}")));
    Ok(resp)
}
