//! The `desk` function: what the service tells the companies and what they ask it.
//!
//! - Announcements ([`announcements`]): the operator writes them (`/ops/announcements…`),
//!   signed-in users read theirs (`GET /announcements`), anyone reads the status page
//!   (`GET /status`).
//! - Support inquiries ([`inquiries`]): a user files one and follows its thread; the
//!   operator's queue shows every company's, with the reply due within two business days.
//! - Support access ([`grants`]): a company administrator lets the operator read one project
//!   for a limited time; without a grant the operator sees metadata only.

pub mod announcements;
pub mod grants;
pub mod inquiries;

use std::sync::Arc;

use lambda_http::{Body, Request, Response};
use platform::error::{ApiError, FieldError};
use platform::http::{self, Call, Reply};
use platform::ids::TenantId;
use platform::Backend;

/// Largest request body accepted, in bytes.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// The Lambda entry point: every request goes through the shared checks first.
pub async fn handle(backend: Arc<Backend>, req: Request) -> Response<Body> {
    http::dispatch(backend, req, route).await
}

async fn route(backend: Arc<Backend>, call: Call) -> Reply {
    let b = backend.as_ref();
    match call.route.key().as_str() {
        "GET /status" => announcements::status(b).await,
        "GET /announcements" => announcements::for_caller(b, call.auth()?).await,
        "GET /ops/announcements" => announcements::list_all(b, call.operator()?).await,
        "POST /ops/announcements" => announcements::create(b, &call).await,
        "PUT /ops/announcements/{id}" => announcements::update(b, &call).await,
        "POST /ops/announcements/{id}/withdraw" => announcements::withdraw(b, &call).await,
        "GET /inquiries" => inquiries::list_mine(b, call.auth()?).await,
        "POST /inquiries" => inquiries::file(b, &call).await,
        "GET /inquiries/{id}" => inquiries::read_mine(b, &call).await,
        "POST /inquiries/{id}/messages" => inquiries::follow_up(b, &call).await,
        "GET /ops/inquiries" => inquiries::queue(b, &call).await,
        "GET /ops/tenants/{tenant}/inquiries/{id}" => inquiries::read_for_operator(b, &call).await,
        "POST /ops/tenants/{tenant}/inquiries/{id}/messages" => inquiries::answer_inquiry(b, &call).await,
        "POST /ops/tenants/{tenant}/inquiries/{id}/close" => inquiries::close(b, &call).await,
        "GET /support-grants" => grants::list(b, call.auth()?).await,
        "POST /support-grants" => grants::grant(b, &call).await,
        "DELETE /support-grants/{id}" => grants::revoke(b, &call).await,
        "GET /ops/tenants/{tenant}/projects" => grants::operator_projects(b, &call).await,
        "GET /ops/tenants/{tenant}/projects/{id}" => grants::operator_project(b, &call).await,
        _ => Err(ApiError::NotFound),
    }
}

/// The `{tenant}` path parameter of an operator route: a company that exists.
pub(crate) async fn path_tenant(backend: &Backend, call: &Call) -> Result<platform::ports::Tenant, ApiError> {
    let raw = call.path_param("tenant").unwrap_or_default();
    let id = TenantId::parse(&raw).map_err(|e| ApiError::bad_field(FieldError::parameter("tenant", "invalid_id", e.to_string())))?;
    if id.is_reserved() {
        return Err(ApiError::NotFound);
    }
    backend.tenants.get_tenant(&id).await?.ok_or(ApiError::NotFound)
}

/// The `{id}` path parameter as a desk record id.
pub(crate) fn path_id(call: &Call) -> Result<String, ApiError> {
    let raw = call.path_param("id").unwrap_or_default();
    if platform::ports::desk_id_ok(&raw) {
        Ok(raw)
    } else {
        Err(ApiError::bad_field(FieldError::parameter("id", "invalid_id", "1–64 characters of a–z, 0–9, '-' or '_'")))
    }
}

/// A new record id: time-ordered, so listings by id are listings by age.
pub(crate) fn new_id() -> String {
    TenantId::generate().to_string()
}

/// Milliseconds since the epoch as RFC 3339 (UTC).
pub(crate) fn rfc3339(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok())
        .unwrap_or_default()
}
