//! Announcements: the operator writes them, each company's users read theirs, the status page
//! shows what is meant for every company. The rules (who sees what, the 90 days' notice of
//! an end of service) are [`platform::announcements`]'s.

use lambda_http::http::{header, HeaderValue, StatusCode};
use platform::announcements::{self as rules, Announcement, AnnouncementInput};
use platform::auth::AuthContext;
use platform::error::ApiError;
use platform::http::{self, AuditTarget, Call, OperatorContext, Reply};
use platform::ports::{DeskKind, DeskRecord};
use platform::Backend;
use serde::Serialize;

use crate::{new_id, path_id, MAX_BODY_BYTES};

/// Every stored announcement, with the store's version.
async fn stored(backend: &Backend) -> Result<Vec<Announcement>, ApiError> {
    let records = backend.desk.list_desk(DeskKind::Announcement, None).await?;
    records.iter().map(parse).collect()
}

fn parse(record: &DeskRecord) -> Result<Announcement, ApiError> {
    let mut a: Announcement = serde_json::from_str(&record.meta).map_err(ApiError::internal)?;
    a.version = record.version;
    Ok(a)
}

async fn one(backend: &Backend, id: &str) -> Result<Announcement, ApiError> {
    let record = backend.desk.get_desk(DeskKind::Announcement, None, id).await?.ok_or(ApiError::NotFound)?;
    parse(&record)
}

async fn store(backend: &Backend, a: &Announcement, over: u64) -> Result<u64, ApiError> {
    let meta = serde_json::to_string(a).map_err(ApiError::internal)?;
    Ok(backend
        .desk
        .put_desk(DeskKind::Announcement, &DeskRecord { tenant: None, id: a.id.clone(), version: over, meta, sealed: Vec::new() })
        .await?)
}

/// The announcements a signed-in user's company sees.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AnnouncementList {
    pub items: Vec<Announcement>,
}

/// `GET /status`: public; a minute's caching keeps a busy status page cheap.
pub async fn status(backend: &Backend) -> Reply {
    let all = stored(backend).await?;
    let mut resp = http::json_response(StatusCode::OK, &rules::status(&all, http::now_millis()))?;
    resp.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=60"));
    Ok(resp)
}

/// `GET /announcements`: current and upcoming, for the caller's company.
pub async fn for_caller(backend: &Backend, auth: &AuthContext) -> Reply {
    let all = stored(backend).await?;
    http::json_response(StatusCode::OK, &AnnouncementList { items: rules::for_tenant(&all, &auth.tenant, http::now_millis()) })
}

/// `GET /ops/announcements`: every announcement, withdrawn and past ones included, newest first.
pub async fn list_all(backend: &Backend, _operator: &OperatorContext) -> Reply {
    let mut all = stored(backend).await?;
    all.sort_by(|a, b| b.created_at.cmp(&a.created_at).then_with(|| b.id.cmp(&a.id)));
    http::json_response(StatusCode::OK, &AnnouncementList { items: all })
}

fn answer(status: StatusCode, a: &Announcement) -> Reply {
    let mut resp = http::json_response(status, a)?;
    resp.headers_mut().insert(header::ETAG, HeaderValue::from_str(&http::etag(a.version)).map_err(ApiError::internal)?);
    if status == StatusCode::CREATED {
        resp.headers_mut()
            .insert(header::LOCATION, HeaderValue::from_str(&format!("/ops/announcements/{}", a.id)).map_err(ApiError::internal)?);
    }
    resp.extensions_mut().insert(AuditTarget(format!("announcement:{}", a.id)));
    Ok(resp)
}

/// `POST /ops/announcements`.
pub async fn create(backend: &Backend, call: &Call) -> Reply {
    call.operator()?;
    let input: AnnouncementInput = call.json(MAX_BODY_BYTES)?;
    let now = http::now_millis();
    let mut a = rules::validate(&input, &new_id(), 1, now, now)?;
    a.version = store(backend, &a, 0).await?;
    answer(StatusCode::CREATED, &a)
}

/// `PUT /ops/announcements/{id}` with `If-Match`: a withdrawn announcement stays withdrawn.
pub async fn update(backend: &Backend, call: &Call) -> Reply {
    call.operator()?;
    let id = path_id(call)?;
    let expected = http::parse_if_match(call.header("if-match").ok_or(ApiError::PreconditionRequired { header: "If-Match" })?)?;
    let input: AnnouncementInput = call.json(MAX_BODY_BYTES)?;
    let current = one(backend, &id).await?;
    let over = expected.unwrap_or(current.version);
    if over != current.version {
        return Err(ApiError::PreconditionFailed { current_version: current.version });
    }
    if current.withdrawn_at.is_some() {
        return Err(ApiError::Conflict {
            code: "announcement_withdrawn",
            detail: "A withdrawn announcement cannot be changed; make a new one.".into(),
        });
    }
    let mut a = rules::validate(&input, &id, over + 1, current.created_at, http::now_millis())?;
    a.version = store(backend, &a, over).await?;
    answer(StatusCode::OK, &a)
}

/// `POST /ops/announcements/{id}/withdraw`: shown to nobody from now on (kept for the record).
pub async fn withdraw(backend: &Backend, call: &Call) -> Reply {
    call.operator()?;
    let id = path_id(call)?;
    let mut a = one(backend, &id).await?;
    if a.withdrawn_at.is_none() {
        let now = http::now_millis();
        a.withdrawn_at = Some(now);
        a.updated_at = now;
        let over = a.version;
        a.version = store(backend, &a, over).await?;
    }
    answer(StatusCode::OK, &a)
}
