//! Projects as the API sees them: a name, a description and a content document, sealed under
//! the tenant's key. The summary and the content are sealed separately, each bound to the
//! tenant, the project id, the version and its role, so no blob opens anywhere else.

use serde::{Deserialize, Serialize};

use crate::backend::Backend;
use crate::error::{ApiError, FieldError};
use crate::http::now_millis;
use crate::ids::{ProjectId, TenantId};
use crate::ports::{ProjectMeta, ProjectRecord, StoreError, UnixMillis};

/// The sealed summary: what listings show.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub name: String,
    #[serde(default)]
    pub description: String,
}

/// A project in the clear.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Project {
    pub id: ProjectId,
    pub version: u64,
    pub created_at: UnixMillis,
    pub updated_at: UnixMillis,
    #[serde(flatten)]
    pub summary: Summary,
    pub content: serde_json::Value,
}

/// A listing row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProjectListItem {
    pub id: ProjectId,
    pub version: u64,
    pub created_at: UnixMillis,
    pub updated_at: UnixMillis,
    #[serde(flatten)]
    pub summary: Summary,
}

fn aad(id: &ProjectId, version: u64, part: &str) -> Vec<u8> {
    format!("project/{id}/v{version}/{part}").into_bytes()
}

async fn seal_record(
    backend: &Backend,
    tenant: &TenantId,
    id: &ProjectId,
    version: u64,
    created_at: UnixMillis,
    summary: &Summary,
    content: &serde_json::Value,
) -> Result<ProjectRecord, ApiError> {
    let summary_json = serde_json::to_vec(summary).map_err(ApiError::internal)?;
    let content_json = serde_json::to_vec(content).map_err(ApiError::internal)?;
    Ok(ProjectRecord {
        id: id.clone(),
        version,
        created_at,
        updated_at: now_millis(),
        summary: backend.sealer.seal(tenant, &aad(id, version, "summary"), &summary_json).await?,
        content: backend.sealer.seal(tenant, &aad(id, version, "content"), &content_json).await?,
    })
}

async fn open_summary(backend: &Backend, tenant: &TenantId, id: &ProjectId, version: u64, sealed: &[u8]) -> Result<Summary, ApiError> {
    let plain = backend.sealer.open(tenant, &aad(id, version, "summary"), sealed).await?;
    serde_json::from_slice(&plain).map_err(ApiError::internal)
}

/// Create a project at version 1.
pub async fn create(backend: &Backend, tenant: &TenantId, summary: &Summary, content: &serde_json::Value) -> Result<Project, ApiError> {
    let id = ProjectId::generate();
    let now = now_millis();
    let record = seal_record(backend, tenant, &id, 1, now, summary, content).await?;
    backend.projects.create_project(tenant, &record).await?;
    Ok(Project {
        id,
        version: 1,
        created_at: record.created_at,
        updated_at: record.updated_at,
        summary: summary.clone(),
        content: content.clone(),
    })
}

/// Read and open a project. Another tenant's id is simply not found.
pub async fn get(backend: &Backend, tenant: &TenantId, id: &ProjectId) -> Result<Project, ApiError> {
    let record = backend.projects.get_project(tenant, id).await?.ok_or(ApiError::NotFound)?;
    let summary = open_summary(backend, tenant, id, record.version, &record.summary).await?;
    let content = backend.sealer.open(tenant, &aad(id, record.version, "content"), &record.content).await?;
    Ok(Project {
        id: record.id,
        version: record.version,
        created_at: record.created_at,
        updated_at: record.updated_at,
        summary,
        content: serde_json::from_slice(&content).map_err(ApiError::internal)?,
    })
}

/// Replace a project if it is still at `expected_version`; a stale write changes nothing.
pub async fn replace(
    backend: &Backend,
    tenant: &TenantId,
    id: &ProjectId,
    expected_version: u64,
    summary: &Summary,
    content: &serde_json::Value,
) -> Result<Project, ApiError> {
    let current = backend.projects.get_project(tenant, id).await?.ok_or(ApiError::NotFound)?;
    if current.version != expected_version {
        return Err(ApiError::PreconditionFailed { current_version: current.version });
    }
    let version = expected_version + 1;
    let record = seal_record(backend, tenant, id, version, current.created_at, summary, content).await?;
    backend.projects.replace_project(tenant, &record, expected_version).await?;
    Ok(Project {
        id: id.clone(),
        version,
        created_at: record.created_at,
        updated_at: record.updated_at,
        summary: summary.clone(),
        content: content.clone(),
    })
}

/// Delete a project, optionally only at a given version, and then its exports: a download
/// link of a deleted project stops working (its file is gone), on S3 as locally.
pub async fn delete(backend: &Backend, tenant: &TenantId, id: &ProjectId, expected_version: Option<u64>) -> Result<(), ApiError> {
    backend.projects.delete_project(tenant, id, expected_version).await.map_err(|e| match e {
        StoreError::NotFound => ApiError::NotFound,
        other => other.into(),
    })?;
    delete_exports(backend, tenant, id).await
}

/// Where exports lie in a tenant's blob space (see the `exports` function).
pub const EXPORTS_PREFIX: &str = "exports/";

/// Delete every export made from project `id` (the blobs whose `project-id` label names it).
pub async fn delete_exports(backend: &Backend, tenant: &TenantId, id: &ProjectId) -> Result<(), ApiError> {
    let unavailable = |e: crate::ports::BlobError| ApiError::Unavailable(anyhow::anyhow!("{e:?}"));
    for head in backend.blobs.list(tenant, EXPORTS_PREFIX).await.map_err(unavailable)? {
        if head.info.metadata.get("project-id").map(String::as_str) == Some(id.as_str()) {
            backend.blobs.delete(tenant, &head.key).await.map_err(unavailable)?;
        }
    }
    Ok(())
}

/// One page of the tenant's projects, ordered by id.
pub async fn list(
    backend: &Backend,
    tenant: &TenantId,
    after: Option<&ProjectId>,
    limit: usize,
) -> Result<(Vec<ProjectListItem>, Option<String>), ApiError> {
    let page = backend.projects.list_projects(tenant, after, limit).await?;
    let mut items = Vec::with_capacity(page.items.len());
    for ProjectMeta { id, version, created_at, updated_at, summary } in page.items {
        let summary = open_summary(backend, tenant, &id, version, &summary).await?;
        items.push(ProjectListItem { id, version, created_at, updated_at, summary });
    }
    Ok((items, page.next))
}

/// Errors of JSON syntax or limits, which make the body unreadable rather than invalid.
const UNREADABLE: [&str; 3] = ["json_syntax", "json_too_deep", "number_out_of_range"];

/// Parse and validate a project document sent in a request body with the engine's rules
/// (library references against the built-in library): every error at once, each with its
/// JSON pointer. Unreadable JSON is a 400; a readable document that breaks the rules is a 422.
pub fn parse_document(text: &str) -> Result<domain::model::Project, ApiError> {
    domain::validate::parse_project_with(text, domain::library::builtin()).map_err(|errors| {
        let unreadable = errors.iter().any(|e| UNREADABLE.contains(&e.code.as_str()));
        let errors: Vec<FieldError> = errors
            .into_iter()
            .map(|e| {
                let code = if UNREADABLE.contains(&e.code.as_str()) { "malformed_json".to_owned() } else { e.code.clone() };
                FieldError { code, ..e.into() }
            })
            .collect();
        if unreadable {
            ApiError::BadRequest { code: "invalid_request", detail: "The body is not readable JSON.".into(), errors }
        } else {
            ApiError::Unprocessable { detail: format!("The project has {} error(s).", errors.len()), errors }
        }
    })
}

/// A stored project opened and parsed into the engine's model (checked against the built-in
/// library). A stored document that no longer passes validation is a 422 listing why.
pub async fn open_model(backend: &Backend, tenant: &TenantId, id: &ProjectId) -> Result<(Project, domain::model::Project), ApiError> {
    let project = get(backend, tenant, id).await?;
    let text = serde_json::to_string(&project.content).map_err(ApiError::internal)?;
    let model = domain::validate::parse_project_with(&text, domain::library::builtin()).map_err(|errors| ApiError::Unprocessable {
        detail: "The stored project no longer passes validation; open and fix it first.".into(),
        errors: errors.into_iter().map(Into::into).collect(),
    })?;
    Ok((project, model))
}
