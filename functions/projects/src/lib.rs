//! The projects API: list, create, read, replace (with `If-Match`) and delete the caller's
//! projects. Tenant and user come from the verified request context only.

use std::sync::Arc;

use lambda_http::{http::StatusCode, Body, Request, Response};
use platform::error::{ApiError, FieldError};
use platform::http::{self, AuditTarget, Call, Reply};
use platform::ids::ProjectId;
use platform::projects::{self, Summary};
use platform::Backend;
use serde::Deserialize;

/// Largest request body accepted, in bytes (API Gateway allows 10 MB, Lambda 6 MB).
pub const MAX_BODY_BYTES: usize = 5 * 1024 * 1024;
const MAX_NAME_CHARS: usize = 200;
const MAX_DESCRIPTION_CHARS: usize = 4000;

/// The body of `POST /projects` and `PUT /projects/{id}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectInput {
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub content: serde_json::Value,
}

impl ProjectInput {
    /// Check the fields a user fills in; every error at once.
    fn validate(self) -> Result<(Summary, serde_json::Value), ApiError> {
        let mut errors = Vec::new();
        let name = self.name.trim().to_owned();
        if name.is_empty() {
            errors.push(FieldError::body("/name", "required", "the project needs a name"));
        } else if name.chars().count() > MAX_NAME_CHARS {
            errors.push(FieldError::body("/name", "too_long", format!("at most {MAX_NAME_CHARS} characters")));
        }
        if self.description.chars().count() > MAX_DESCRIPTION_CHARS {
            errors.push(FieldError::body("/description", "too_long", format!("at most {MAX_DESCRIPTION_CHARS} characters")));
        }
        if !self.content.is_object() {
            errors.push(FieldError::body("/content", "invalid_type", "content must be a JSON object"));
        }
        if errors.is_empty() {
            Ok((Summary { name, description: self.description }, self.content))
        } else {
            Err(ApiError::BadRequest { code: "invalid_request", detail: "The project is not valid.".into(), errors })
        }
    }
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

fn project_id(call: &Call) -> Result<ProjectId, ApiError> {
    let raw = call.path_param("id").unwrap_or_default();
    ProjectId::parse(&raw).map_err(|e| ApiError::bad_field(FieldError::parameter("id", "invalid_id", e.to_string())))
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
    let (summary, content) = call.json::<ProjectInput>(MAX_BODY_BYTES)?.validate()?;
    let project = projects::create(backend, &auth.tenant, &summary, &content).await?;
    let mut resp = http::json_response(StatusCode::CREATED, &project)?;
    if let Ok(loc) = format!("/projects/{}", project.id).parse() {
        resp.headers_mut().insert("location", loc);
    }
    Ok(with_etag(resp, project.version, &project.id))
}

async fn get(backend: &Backend, call: &Call) -> Reply {
    let auth = call.auth()?;
    let id = project_id(call)?;
    let project = projects::get(backend, &auth.tenant, &id).await?;
    Ok(with_etag(http::json_response(StatusCode::OK, &project)?, project.version, &id))
}

async fn replace(backend: &Backend, call: &Call) -> Reply {
    let auth = call.auth()?;
    let id = project_id(call)?;
    let expected = http::parse_if_match(call.header("if-match").ok_or(ApiError::PreconditionRequired { header: "If-Match" })?)?;
    let (summary, content) = call.json::<ProjectInput>(MAX_BODY_BYTES)?.validate()?;
    let project = projects::replace(backend, &auth.tenant, &id, expected, &summary, &content).await?;
    Ok(with_etag(http::json_response(StatusCode::OK, &project)?, project.version, &id))
}

async fn delete(backend: &Backend, call: &Call) -> Reply {
    let auth = call.auth()?;
    let id = project_id(call)?;
    let expected = call.header("if-match").map(http::parse_if_match).transpose()?;
    projects::delete(backend, &auth.tenant, &id, expected).await?;
    let mut resp = Response::builder().status(StatusCode::NO_CONTENT).body(Body::Empty).map_err(ApiError::internal)?;
    resp.extensions_mut().insert(AuditTarget(format!("project:{id}")));
    Ok(resp)
}
