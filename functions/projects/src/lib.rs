//! The projects API: list, create, read, replace (with `If-Match`) and delete the caller's
//! projects. A project body is the engine's project document, validated with its rules on
//! every write. Tenant and user come from the verified request context only.

use std::sync::Arc;

use lambda_http::{http::StatusCode, Body, Request, Response};
use platform::error::{ApiError, FieldError};
use platform::http::{self, AuditTarget, Call, Reply};
use platform::ids::ProjectId;
use platform::projects::{self, Summary};
use platform::Backend;

/// Largest request body accepted, in bytes: the engine's own input limit.
pub const MAX_BODY_BYTES: usize = domain::validate::MAX_INPUT_BYTES;

/// Parse and validate a project document with the engine's rules (see
/// [`projects::parse_document`]), keeping the document as sent for storage.
fn parse_document(text: &str) -> Result<(Summary, serde_json::Value), ApiError> {
    let project = projects::parse_document(text)?;
    let content = serde_json::from_str(text).map_err(ApiError::internal)?;
    Ok((Summary { name: project.name.trim().to_owned(), description: project.description.unwrap_or_default() }, content))
}

/// The Lambda entry point: every request goes through the shared checks first.
pub async fn handle(backend: Arc<Backend>, req: Request) -> Response<Body> {
    http::dispatch(backend, req, route).await
}

async fn route(backend: Arc<Backend>, call: Call) -> Reply {
    match call.route.key().as_str() {
        "GET /projects" => list(&backend, &call).await,
        "POST /projects" => create(&backend, &call).await,
        "GET /projects/{id}" => get(&backend, &call).await,
        "PUT /projects/{id}" => replace(&backend, &call).await,
        "DELETE /projects/{id}" => delete(&backend, &call).await,
        _ => Err(ApiError::NotFound),
    }
}

fn with_etag(mut resp: Response<Body>, version: u64, target: &ProjectId) -> Response<Body> {
    if let Ok(v) = http::etag(version).parse() {
        resp.headers_mut().insert("etag", v);
    }
    resp.extensions_mut().insert(AuditTarget(format!("project:{target}")));
    resp
}

async fn list(backend: &Backend, call: &Call) -> Reply {
    let auth = call.auth()?;
    let limit = http::parse_limit(call.query("limit"), 50, 100)?;
    let after = match call.query("cursor") {
        Some(c) => {
            let key = http::decode_cursor(&auth.tenant, &c)?;
            Some(ProjectId::parse(&key).map_err(|_| {
                ApiError::bad_field(FieldError::parameter("cursor", "invalid_cursor", "the cursor is not valid here"))
            })?)
        }
        None => None,
    };
    let (items, next) = projects::list(backend, &auth.tenant, after.as_ref(), limit).await?;
    let next_cursor = next.map(|n| http::encode_cursor(&auth.tenant, &n));
    http::json_response(StatusCode::OK, &serde_json::json!({ "items": items, "next_cursor": next_cursor }))
}

async fn create(backend: &Backend, call: &Call) -> Reply {
    let auth = call.auth()?;
    let (summary, content) = parse_document(call.json_text(MAX_BODY_BYTES)?)?;
    let project = projects::create(backend, &auth.tenant, &summary, &content).await?;
    let mut resp = http::json_response(StatusCode::CREATED, &project)?;
    if let Ok(loc) = format!("/projects/{}", project.id).parse() {
        resp.headers_mut().insert("location", loc);
    }
    Ok(with_etag(resp, project.version, &project.id))
}

async fn get(backend: &Backend, call: &Call) -> Reply {
    let auth = call.auth()?;
    let id = call.project_id()?;
    let project = projects::get(backend, &auth.tenant, &id).await?;
    Ok(with_etag(http::json_response(StatusCode::OK, &project)?, project.version, &id))
}

async fn replace(backend: &Backend, call: &Call) -> Reply {
    let auth = call.auth()?;
    let id = call.project_id()?;
    let expected = http::parse_if_match(call.header("if-match").ok_or(ApiError::PreconditionRequired { header: "If-Match" })?)?;
    let (summary, content) = parse_document(call.json_text(MAX_BODY_BYTES)?)?;
    // `If-Match: *`: whatever version is stored now (still refused if it changes meanwhile).
    let expected = match expected {
        Some(v) => v,
        None => projects::get(backend, &auth.tenant, &id).await?.version,
    };
    let project = projects::replace(backend, &auth.tenant, &id, expected, &summary, &content).await?;
    Ok(with_etag(http::json_response(StatusCode::OK, &project)?, project.version, &id))
}

async fn delete(backend: &Backend, call: &Call) -> Reply {
    let auth = call.auth()?;
    let id = call.project_id()?;
    let expected = call.header("if-match").map(http::parse_if_match).transpose()?.flatten();
    projects::delete(backend, &auth.tenant, &id, expected).await?;
    let mut resp = Response::builder().status(StatusCode::NO_CONTENT).body(Body::Empty).map_err(ApiError::internal)?;
    resp.extensions_mut().insert(AuditTarget(format!("project:{id}")));
    Ok(resp)
}
