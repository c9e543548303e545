//! The engine's study as JSON for the web client — the short-circuit table per bus, the
//! sampled device curves for the chart, the coordination check results, the relay test sheet
//! and the setting table — of a stored project (`POST /projects/{id}/analysis`) or of a
//! document sent in the body (`POST /analysis`, for what-if edits before saving). Both read
//! only: nothing is stored, and both run the same [`study`].

use std::sync::Arc;

use lambda_http::{http::StatusCode, Body, Request, Response};
use platform::error::ApiError;
use platform::http::{self, AuditTarget, Call, Reply};
use platform::{projects, Backend};

/// Largest document accepted by `POST /analysis`, in bytes: the engine's own input limit.
pub const MAX_BODY_BYTES: usize = domain::validate::MAX_INPUT_BYTES;

/// The Lambda entry point.
pub async fn handle(backend: Arc<Backend>, req: Request) -> Response<Body> {
    http::dispatch(backend, req, route).await
}

async fn route(backend: Arc<Backend>, call: Call) -> Reply {
    match call.route.key().as_str() {
        "POST /analysis" => analyse_document(&call),
        "POST /projects/{id}/analysis" => analyse_stored(&backend, &call).await,
        _ => Err(ApiError::NotFound),
    }
}

/// The one study both routes answer with.
fn study(model: &domain::model::Project) -> Reply {
    let analysis = domain::analysis::analyze(model, &domain::checks::CheckSettings::from_project(model));
    http::json_response(StatusCode::OK, &analysis)
}

/// `POST /analysis`: the document in the body, validated like a project write (a 422 names
/// every failing field by JSON pointer); nothing is stored.
fn analyse_document(call: &Call) -> Reply {
    call.auth()?;
    let model = projects::parse_document(call.json_text(MAX_BODY_BYTES)?)?;
    study(&model)
}

/// `POST /projects/{id}/analysis`: the stored project, optionally only at the version named
/// by `If-Match`.
async fn analyse_stored(backend: &Backend, call: &Call) -> Reply {
    let auth = call.auth()?;
    let id = call.project_id()?;
    let (project, model) = projects::open_model(backend, &auth.tenant, &id).await?;
    if let Some(expected) = call.header("if-match").map(http::parse_if_match).transpose()?.flatten() {
        if expected != project.version {
            return Err(ApiError::PreconditionFailed { current_version: project.version });
        }
    }
    let mut resp = study(&model)?;
    if let Ok(v) = http::etag(project.version).parse() {
        resp.headers_mut().insert("etag", v);
    }
    resp.extensions_mut().insert(AuditTarget(format!("project:{id}")));
    Ok(resp)
}
