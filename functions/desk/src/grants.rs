//! Support access, granted by the customer. A company administrator lets the operator read
//! one project for a limited time (at most [`MAX_GRANT_HOURS`] hours) and can revoke it at
//! once. The operator sees a company's projects as metadata only (ids, versions, times —
//! no names, no content); the content of a project only under a grant that is in force.
//! Every operator read is in the company's own audit log (`platform::http`'s operator path),
//! naming the grant it was made under.

use lambda_http::http::StatusCode;
use platform::auth::AuthContext;
use platform::error::{ApiError, FieldError};
use platform::http::{self, AuditDetail, AuditTarget, Call, Reply};
use platform::ids::{ProjectId, TenantId, UserId};
use platform::ports::{DeskKind, DeskRecord, UnixMillis};
use platform::Backend;
use serde::{Deserialize, Serialize};

use crate::{new_id, path_id, path_tenant, MAX_BODY_BYTES};

/// Longest support access a company may grant.
pub const MAX_GRANT_HOURS: u32 = 72;
const HOUR_MS: i64 = 3_600_000;

/// A grant as the administrator asks for it.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct GrantInput {
    /// The project the operator may read.
    pub project_id: ProjectId,
    /// For how long, in hours (1–72).
    pub hours: u32,
    /// Why (e.g. the inquiry it is for).
    #[serde(default)]
    pub reason: Option<String>,
}

/// A support-access grant.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Grant {
    pub id: String,
    #[serde(default)]
    pub version: u64,
    pub project_id: ProjectId,
    pub granted_by: UserId,
    pub granted_by_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Milliseconds since the Unix epoch.
    pub created_at: UnixMillis,
    pub expires_at: UnixMillis,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<UnixMillis>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_by: Option<UserId>,
    /// In force now: not revoked and not expired (computed when answered).
    #[serde(default)]
    pub active: bool,
}

impl Grant {
    fn in_force(&self, now: UnixMillis) -> bool {
        self.revoked_at.is_none() && now < self.expires_at
    }
}

/// The company's grants, newest first.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct GrantList {
    pub items: Vec<Grant>,
}

fn parse(record: &DeskRecord, now: UnixMillis) -> Result<Grant, ApiError> {
    let mut g: Grant = serde_json::from_str(&record.meta).map_err(ApiError::internal)?;
    g.version = record.version;
    g.active = g.in_force(now);
    Ok(g)
}

async fn all(backend: &Backend, tenant: &TenantId) -> Result<Vec<Grant>, ApiError> {
    let now = http::now_millis();
    let mut grants =
        backend.desk.list_desk(DeskKind::SupportGrant, Some(tenant)).await?.iter().map(|r| parse(r, now)).collect::<Result<Vec<_>, _>>()?;
    grants.sort_by(|a, b| b.created_at.cmp(&a.created_at).then_with(|| b.id.cmp(&a.id)));
    Ok(grants)
}

async fn store(backend: &Backend, tenant: &TenantId, g: &Grant, over: u64) -> Result<u64, ApiError> {
    let meta = serde_json::to_string(g).map_err(ApiError::internal)?;
    Ok(backend
        .desk
        .put_desk(
            DeskKind::SupportGrant,
            &DeskRecord { tenant: Some(tenant.clone()), id: g.id.clone(), version: over, meta, sealed: Vec::new() },
        )
        .await?)
}

fn answer(status: StatusCode, g: &Grant) -> Reply {
    let mut resp = http::json_response(status, g)?;
    resp.extensions_mut().insert(AuditTarget(format!("support_grant:{} project:{}", g.id, g.project_id)));
    Ok(resp)
}

/// `GET /support-grants`.
pub async fn list(backend: &Backend, auth: &AuthContext) -> Reply {
    http::json_response(StatusCode::OK, &GrantList { items: all(backend, &auth.tenant).await? })
}

/// `POST /support-grants`.
pub async fn grant(backend: &Backend, call: &Call) -> Reply {
    let auth = call.auth()?;
    let input: GrantInput = call.json(MAX_BODY_BYTES)?;
    let mut errors = Vec::new();
    if !(1..=MAX_GRANT_HOURS).contains(&input.hours) {
        errors.push(FieldError::body("/hours", "out_of_range", format!("from 1 to {MAX_GRANT_HOURS} hours")));
    }
    let reason = input.reason.as_deref().map(str::trim).filter(|r| !r.is_empty()).map(str::to_owned);
    if reason.as_ref().is_some_and(|r| r.chars().count() > 500) {
        errors.push(FieldError::body("/reason", "too_long", "at most 500 characters"));
    }
    if backend.projects.get_project(&auth.tenant, &input.project_id).await?.is_none() {
        errors.push(FieldError::body("/project_id", "unknown_project", "no such project in your company"));
    }
    if !errors.is_empty() {
        return Err(ApiError::Unprocessable { detail: "The support-access grant is not valid.".into(), errors });
    }
    let now = http::now_millis();
    let mut g = Grant {
        id: new_id(),
        version: 0,
        project_id: input.project_id,
        granted_by: auth.user.clone(),
        granted_by_name: auth.user_name.clone(),
        reason,
        created_at: now,
        expires_at: now + i64::from(input.hours) * HOUR_MS,
        revoked_at: None,
        revoked_by: None,
        active: true,
    };
    g.version = store(backend, &auth.tenant, &g, 0).await?;
    answer(StatusCode::CREATED, &g)
}

/// `DELETE /support-grants/{id}`: revoked at once (a grant already over stays as it is).
pub async fn revoke(backend: &Backend, call: &Call) -> Reply {
    let auth = call.auth()?;
    let id = path_id(call)?;
    let record = backend.desk.get_desk(DeskKind::SupportGrant, Some(&auth.tenant), &id).await?.ok_or(ApiError::NotFound)?;
    let now = http::now_millis();
    let mut g = parse(&record, now)?;
    if g.revoked_at.is_none() {
        g.revoked_at = Some(now);
        g.revoked_by = Some(auth.user.clone());
        g.active = false;
        let over = g.version;
        g.version = store(backend, &auth.tenant, &g, over).await?;
    }
    answer(StatusCode::OK, &g)
}

/// A project as the operator sees it without a grant.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ProjectMetadata {
    pub id: ProjectId,
    pub version: u64,
    pub created_at: UnixMillis,
    pub updated_at: UnixMillis,
    /// The grant in force for this project, if any.
    pub support_grant: Option<String>,
}

/// A page of a company's projects for the operator.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ProjectMetadataPage {
    pub items: Vec<ProjectMetadata>,
    pub next_cursor: Option<String>,
}

/// `GET /ops/tenants/{tenant}/projects?cursor=&limit=`: metadata only.
pub async fn operator_projects(backend: &Backend, call: &Call) -> Reply {
    call.operator()?;
    let tenant = path_tenant(backend, call).await?;
    let limit = http::parse_limit(call.query("limit"), 50, 100)?;
    let after = match call.query("cursor") {
        Some(c) => Some(
            ProjectId::parse(&http::decode_cursor(&tenant.id, &c)?)
                .map_err(|_| ApiError::bad_field(FieldError::parameter("cursor", "invalid_cursor", "not a cursor of this listing")))?,
        ),
        None => None,
    };
    let page = backend.projects.list_projects(&tenant.id, after.as_ref(), limit).await?;
    let now = http::now_millis();
    let grants: Vec<Grant> = all(backend, &tenant.id).await?.into_iter().filter(|g| g.in_force(now)).collect();
    let items = page
        .items
        .into_iter()
        .map(|p| ProjectMetadata {
            support_grant: grants.iter().find(|g| g.project_id == p.id).map(|g| g.id.clone()),
            id: p.id,
            version: p.version,
            created_at: p.created_at,
            updated_at: p.updated_at,
        })
        .collect();
    let next_cursor = page.next.map(|n| http::encode_cursor(&tenant.id, &n));
    http::json_response(StatusCode::OK, &ProjectMetadataPage { items, next_cursor })
}

/// `GET /ops/tenants/{tenant}/projects/{id}`: the project, only under a grant in force.
pub async fn operator_project(backend: &Backend, call: &Call) -> Reply {
    call.operator()?;
    let tenant = path_tenant(backend, call).await?;
    let id = call.project_id()?;
    let now = http::now_millis();
    let grant = all(backend, &tenant.id).await?.into_iter().find(|g| g.project_id == id && g.in_force(now));
    let Some(grant) = grant else {
        return Err(ApiError::Forbidden {
            code: "no_support_grant",
            detail: "The company has not granted support access to this project, or the grant is over.".into(),
        });
    };
    let project = platform::projects::get(backend, &tenant.id, &id).await?;
    let mut resp = http::json_response(StatusCode::OK, &project)?;
    resp.extensions_mut().insert(AuditTarget(format!("project:{id}")));
    resp.extensions_mut().insert(AuditDetail(format!("support_grant:{}", grant.id)));
    Ok(resp)
}
