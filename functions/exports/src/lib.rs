//! `POST /projects/{id}/exports` draws or tabulates a stored project (coordination chart or
//! single-line diagram as SVG/PDF/DXF, reports as CSV), stores the file in the tenant's own
//! blob space under `exports/<export id>/<file name>` and answers with a short-lived
//! download URL, the file's SHA-256 and size. `GET /exports/{id}` answers the same with a
//! fresh URL until the export expires. The tenant comes only from the verified caller, so
//! another tenant's export id is simply not found. `POST /render/sld` draws the single-line
//! diagram of a document sent in the body as SVG, for the web client's diagram, storing
//! nothing.
//!
//! Downloads follow the API's rules: a link is issued only to a caller the API admitted
//! (IP allow-list included) and only while its project exists; deleting the project deletes
//! its exports, so earlier links stop working. The local edition also checks the company's
//! allow-list when a link is used (`/_blobs/…` in the gateway). On AWS a presigned S3 URL
//! cannot carry a per-company address condition, so there the allow-list is checked when the
//! link is issued and the link lives 15 minutes.

pub mod archive;
pub mod spec;

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use lambda_http::{http::StatusCode, Body, Request, Response};
use platform::error::{ApiError, FieldError};
use platform::http::{self, now_millis, AuditTarget, Call, Reply};
use platform::ids::TenantId;
use platform::ports::{BlobError, BlobHead, BlobInfo, BlobKey, UnixMillis};
use platform::{projects, Backend};
use serde::Serialize;

pub use spec::{ExportRequest, ExportSpec, Rendered};

/// How long download URLs and exports live.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExportSettings {
    /// Lifetime of one download URL (default 15 minutes).
    pub url_ttl: Duration,
    /// Lifetime of an export; after it the file is gone (default 24 hours, matching the
    /// bucket's lifecycle rule).
    pub lifetime: Duration,
}

impl Default for ExportSettings {
    fn default() -> Self {
        ExportSettings { url_ttl: Duration::from_secs(15 * 60), lifetime: Duration::from_secs(24 * 3600) }
    }
}

impl ExportSettings {
    /// The defaults, overridden by `KYOCHO_EXPORT_URL_TTL_SECONDS` (1–1200: a URL is signed with the
    /// tenant's session, which has at least 20 minutes left, see `platform::aws::scope`) and
    /// `KYOCHO_EXPORT_LIFETIME_SECONDS` (60–86400) when set to a number in range.
    pub fn from_env() -> Self {
        let secs = |name: &str, range: std::ops::RangeInclusive<u64>| {
            std::env::var(name).ok().and_then(|v| v.trim().parse::<u64>().ok()).filter(|s| range.contains(s)).map(Duration::from_secs)
        };
        let d = ExportSettings::default();
        ExportSettings {
            url_ttl: secs("KYOCHO_EXPORT_URL_TTL_SECONDS", 1..=platform::aws::scope::REFRESH_BEFORE_EXPIRY.as_secs()).unwrap_or(d.url_ttl),
            lifetime: secs("KYOCHO_EXPORT_LIFETIME_SECONDS", 60..=86_400).unwrap_or(d.lifetime),
        }
    }
}

fn settings() -> ExportSettings {
    static SETTINGS: OnceLock<ExportSettings> = OnceLock::new();
    *SETTINGS.get_or_init(ExportSettings::from_env)
}

/// Largest request body: the export request is a handful of short fields.
const MAX_BODY_BYTES: usize = 4 * 1024;

/// The Lambda entry point.
pub async fn handle(backend: Arc<Backend>, req: Request) -> Response<Body> {
    http::dispatch(backend, req, route).await
}

async fn route(backend: Arc<Backend>, call: Call) -> Reply {
    match call.route.key().as_str() {
        "POST /render/sld" => render_sld(&call).await,
        "POST /projects/{id}/exports" => create(&backend, &call, settings()).await,
        "GET /exports/{id}" => read(&backend, &call, settings()).await,
        "POST /projects/{id}/archive" => archive_project(&backend, &call, settings()).await,
        "POST /archives" => archive_company(&backend, &call, settings()).await,
        "POST /imports" => start_import(&backend, &call).await,
        "POST /imports/{id}/complete" => complete_import(&backend, &call).await,
        "GET /final-archive" => final_archive(&backend, &call, settings()).await,
        _ => Err(ApiError::NotFound),
    }
}

/// What both routes answer: a stored export and a fresh download URL for it.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "Export"))]
pub struct ExportView {
    /// The export id: 32 lower-case hex digits.
    pub id: String,
    /// The project drawn or tabulated.
    pub project_id: Option<String>,
    /// Download URL, usable without a token until `url_expires_at`.
    pub url: String,
    /// When the URL stops working, milliseconds since the Unix epoch.
    pub url_expires_at: UnixMillis,
    /// When the export is deleted, milliseconds since the Unix epoch.
    pub expires_at: UnixMillis,
    /// SHA-256 of the file, lower-case hex.
    pub sha256: String,
    /// File size, bytes.
    pub size: u64,
    pub file_name: String,
    pub content_type: String,
}

/// A fresh export id: 128 random bits, lower-case hex. It names the export and nothing else.
fn new_export_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

fn parse_export_id(raw: &str) -> Result<&str, ApiError> {
    if raw.len() == 32 && raw.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
        Ok(raw)
    } else {
        Err(ApiError::bad_field(FieldError::parameter("id", "invalid_id", "an export id is 32 lower-case hex digits")))
    }
}

fn prefix(xid: &str) -> String {
    format!("exports/{xid}/")
}

fn blob_error(e: BlobError) -> ApiError {
    match e {
        BlobError::NotFound => ApiError::NotFound,
        e @ BlobError::Invalid(_) => ApiError::internal(e),
        BlobError::Unavailable(cause) => ApiError::Unavailable(cause),
    }
}

/// The download URL as the client should use it: a relative URL (the local edition's
/// `/_blobs/…`) is made absolute on the origin the request came to.
fn absolute(call: &Call, url: String) -> String {
    match (url.starts_with('/'), call.header("host")) {
        (true, Some(host)) => format!("http://{host}{url}"),
        _ => url,
    }
}

async fn view(backend: &Backend, call: &Call, tenant: &TenantId, xid: &str, head: BlobHead, s: ExportSettings) -> Result<ExportView, ApiError> {
    let url = backend.blobs.download_url(tenant, &head.key, s.url_ttl).await.map_err(blob_error)?;
    Ok(ExportView {
        id: xid.to_owned(),
        project_id: head.info.metadata.get("project-id").cloned(),
        url: absolute(call, url.url),
        url_expires_at: url.expires_at,
        expires_at: head.info.expires_at,
        sha256: head.sha256,
        size: head.size,
        file_name: head.info.file_name,
        content_type: head.info.content_type,
    })
}

pub(crate) fn tokyo_date() -> String {
    let now = time::OffsetDateTime::now_utc().to_offset(time::macros::offset!(+9));
    now.format(time::macros::format_description!("[year]-[month]-[day]")).unwrap_or_default()
}

async fn create(backend: &Backend, call: &Call, s: ExportSettings) -> Reply {
    let auth = call.auth()?;
    let pid = call.project_id()?;
    let spec = call.json::<ExportRequest>(MAX_BODY_BYTES)?.into_spec()?;
    let (project, model) = projects::open_model(backend, &auth.tenant, &pid).await?;
    let analysis = domain::analysis::analyze(&model, &domain::checks::CheckSettings::from_project(&model));
    let sheet = drawings::SheetInfo {
        project: model.name.clone(),
        date: tokyo_date(),
        author: auth.user_name.clone(),
        page: "1/1".into(),
        ..Default::default()
    };
    let spec_for_render = spec.clone();
    let pid_text = pid.to_string();
    let rendered = tokio::task::spawn_blocking(move || spec_for_render.render(&model, &analysis, &pid_text, sheet))
        .await
        .map_err(ApiError::internal)??;

    let xid = new_export_id();
    let key = BlobKey::parse(&format!("{}{}", prefix(&xid), rendered.file_name)).map_err(ApiError::internal)?;
    let (what, format) = spec.labels();
    let lifetime_ms = i64::try_from(s.lifetime.as_millis()).unwrap_or(i64::MAX);
    let info = BlobInfo {
        content_type: rendered.content_type.to_owned(),
        file_name: rendered.file_name.clone(),
        metadata: [
            ("project-id", pid.to_string()),
            ("project-version", project.version.to_string()),
            ("what", what.to_owned()),
            ("format", format.to_owned()),
            ("created-by", auth.user.to_string()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect(),
        expires_at: now_millis().saturating_add(lifetime_ms),
    };
    let head = backend.blobs.put(&auth.tenant, &key, rendered.bytes, &info).await.map_err(blob_error)?;
    let body = view(backend, call, &auth.tenant, &xid, head, s).await?;
    let mut resp = http::json_response(StatusCode::CREATED, &body)?;
    if let Ok(v) = format!("/exports/{xid}").parse() {
        resp.headers_mut().insert("location", v);
    }
    resp.extensions_mut().insert(AuditTarget(format!("project:{pid} export:{xid}")));
    Ok(resp)
}

/// Store `bytes` as an export of `tenant` and answer with its view (201).
#[allow(clippy::too_many_arguments)]
async fn store_export(
    backend: &Backend,
    call: &Call,
    s: ExportSettings,
    file_name: String,
    content_type: &str,
    metadata: Vec<(&str, String)>,
    bytes: Vec<u8>,
    target: String,
) -> Reply {
    let auth = call.auth()?;
    let xid = new_export_id();
    let key = BlobKey::parse(&format!("{}{}", prefix(&xid), file_name)).map_err(ApiError::internal)?;
    let lifetime_ms = i64::try_from(s.lifetime.as_millis()).unwrap_or(i64::MAX);
    let info = BlobInfo {
        content_type: content_type.to_owned(),
        file_name,
        metadata: metadata.into_iter().map(|(k, v)| (k.to_owned(), v)).chain([("created-by".to_owned(), auth.user.to_string())]).collect(),
        expires_at: now_millis().saturating_add(lifetime_ms),
    };
    let head = backend.blobs.put(&auth.tenant, &key, bytes, &info).await.map_err(blob_error)?;
    let body = view(backend, call, &auth.tenant, &xid, head, s).await?;
    let mut resp = http::json_response(StatusCode::CREATED, &body)?;
    if let Ok(v) = format!("/exports/{xid}").parse() {
        resp.headers_mut().insert("location", v);
    }
    resp.extensions_mut().insert(AuditTarget(format!("{target} export:{xid}")));
    Ok(resp)
}

/// `POST /projects/{id}/archive`: the project as an open archive (docs/archive.md), delivered
/// like an export.
async fn archive_project(backend: &Backend, call: &Call, s: ExportSettings) -> Reply {
    let auth = call.auth()?;
    let pid = call.project_id()?;
    let project = backend.projects.get_project(&auth.tenant, &pid).await?.ok_or(ApiError::NotFound)?;
    let bytes = archive::build(backend, &auth.tenant, Some(&pid), &auth.user_name).await?;
    let meta = vec![("project-id", pid.to_string()), ("project-version", project.version.to_string()), ("what", "archive".into()), ("format", "zip".into())];
    store_export(backend, call, s, format!("project-{pid}.zip"), "application/zip", meta, bytes, format!("project:{pid}")).await
}

/// `POST /archives`: every project of the company in one archive.
async fn archive_company(backend: &Backend, call: &Call, s: ExportSettings) -> Reply {
    let auth = call.auth()?;
    let bytes = archive::build(backend, &auth.tenant, None, &auth.user_name).await?;
    let meta = vec![("what", "company-archive".into()), ("format", "zip".into())];
    store_export(backend, call, s, format!("company-{}-{}.zip", auth.tenant, tokyo_date()), "application/zip", meta, bytes, "company".into()).await
}

/// Where a terminating company's final archive is kept (see `functions/tenants`).
pub const FINAL_ARCHIVE_KEY: &str = "final/company-archive.zip";

/// `GET /final-archive`: while the company's contract is ending, a download URL for its
/// final archive (every project); 404 when there is none.
async fn final_archive(backend: &Backend, call: &Call, s: ExportSettings) -> Reply {
    let auth = call.auth()?;
    let key = BlobKey::parse(FINAL_ARCHIVE_KEY).map_err(ApiError::internal)?;
    let head = backend.blobs.head(&auth.tenant, &key).await.map_err(blob_error)?;
    let body = view(backend, call, &auth.tenant, "final", head, s).await?;
    let mut resp = http::json_response(StatusCode::OK, &body)?;
    resp.extensions_mut().insert(AuditTarget("final-archive".into()));
    Ok(resp)
}

/// How long an upload URL for an import lives.
const UPLOAD_TTL: Duration = Duration::from_secs(15 * 60);

fn upload_key(iid: &str) -> Result<BlobKey, ApiError> {
    BlobKey::parse(&format!("imports/{iid}/archive.zip")).map_err(ApiError::internal)
}

/// An import in progress: where to upload the archive, then `POST /imports/{id}/complete`.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ImportStarted {
    /// The import id: 32 lower-case hex digits.
    pub id: String,
    pub upload: platform::ports::UploadUrl,
    /// Largest archive accepted, bytes.
    pub max_bytes: u64,
}

/// `POST /imports`: an upload URL for an archive.
async fn start_import(backend: &Backend, call: &Call) -> Reply {
    let auth = call.auth()?;
    let iid = new_export_id();
    let mut upload = backend.blobs.upload_url(&auth.tenant, &upload_key(&iid)?, "application/zip", UPLOAD_TTL).await.map_err(blob_error)?;
    upload.url = absolute(call, upload.url);
    let body = ImportStarted { id: iid.clone(), upload, max_bytes: ::archive::Limits::default().max_archive_bytes };
    let mut resp = http::json_response(StatusCode::CREATED, &body)?;
    resp.extensions_mut().insert(AuditTarget(format!("import:{iid}")));
    Ok(resp)
}

/// `POST /imports/{id}/complete`: check the uploaded archive whole, then store its projects
/// as new projects (nothing is stored when anything is refused). The upload is deleted
/// either way.
async fn complete_import(backend: &Backend, call: &Call) -> Reply {
    let auth = call.auth()?;
    let raw = call.path_param("id").unwrap_or_default();
    let iid = parse_export_id(&raw)?.to_owned();
    let key = upload_key(&iid)?;
    let limits = ::archive::Limits::default();
    let bytes = match backend.blobs.read_raw(&auth.tenant, &key, limits.max_archive_bytes).await {
        Ok(b) => b,
        // Nothing uploaded (or the upload expired): no such import.
        Err(BlobError::NotFound) => return Err(ApiError::NotFound),
        Err(BlobError::Invalid(_)) => {
            let _ = backend.blobs.delete(&auth.tenant, &key).await;
            return Err(ApiError::Refused {
                status: 413,
                code: "archive_too_large",
                detail: format!("The archive is larger than {} bytes.", limits.max_archive_bytes),
                errors: vec![FieldError::body("/archive", "archive_too_large", format!("at most {} bytes", limits.max_archive_bytes))],
            });
        }
        Err(e) => return Err(blob_error(e)),
    };
    let outcome = archive::import(backend, &auth.tenant, &bytes, &limits).await;
    if let Err(e) = backend.blobs.delete(&auth.tenant, &key).await {
        tracing::warn!(request_id = %call.request_id, error = ?e, "could not delete an import's upload");
    }
    let result = outcome?;
    let mut resp = http::json_response(StatusCode::CREATED, &result)?;
    let ids: Vec<String> = result.projects.iter().map(|p| format!("project:{}", p.id)).collect();
    resp.extensions_mut().insert(AuditTarget(format!("import:{iid} {}", ids.join(" "))));
    Ok(resp)
}

/// `POST /render/sld`: the single-line diagram of the project document in the body, drawn as
/// the SVG export draws it (the A3 sheet with its title block, or for a diagram that prints on
/// several sheets the whole diagram on one larger drawing), every element of a device carrying
/// `data-device="<id>"` so the web client can make the diagram clickable. The document is
/// validated like a project write (a 422 names each failing field); nothing is stored.
async fn render_sld(call: &Call) -> Reply {
    let auth = call.auth()?;
    let model = projects::parse_document(call.json_text(domain::validate::MAX_INPUT_BYTES)?)?;
    let analysis = domain::analysis::analyze(&model, &domain::checks::CheckSettings::from_project(&model));
    let sheet = drawings::SheetInfo {
        project: model.name.clone(),
        date: tokyo_date(),
        author: auth.user_name.clone(),
        page: "1/1".into(),
        ..Default::default()
    };
    let spec = ExportSpec::Sld { format: drawings::DrawingFormat::Svg };
    let rendered = tokio::task::spawn_blocking(move || spec.render(&model, &analysis, "draft", sheet))
        .await
        .map_err(ApiError::internal)??;
    let svg = String::from_utf8(rendered.bytes).map_err(ApiError::internal)?;
    Response::builder()
        .status(StatusCode::OK)
        .header("content-type", "image/svg+xml; charset=utf-8")
        .header("cache-control", "no-store")
        .header("x-content-type-options", "nosniff")
        .body(Body::Text(svg))
        .map_err(ApiError::internal)
}

async fn read(backend: &Backend, call: &Call, s: ExportSettings) -> Reply {
    let auth = call.auth()?;
    let raw = call.path_param("id").unwrap_or_default();
    let xid = parse_export_id(&raw)?;
    let heads = backend.blobs.list(&auth.tenant, &prefix(xid)).await.map_err(blob_error)?;
    let head = heads.into_iter().next().ok_or(ApiError::NotFound)?;
    // No new link for an export whose project is gone (its file is removed as well).
    if let Some(pid) = head.info.metadata.get("project-id").and_then(|p| platform::ids::ProjectId::parse(p).ok()) {
        if backend.projects.get_project(&auth.tenant, &pid).await?.is_none() {
            projects::delete_exports(backend, &auth.tenant, &pid).await?;
            return Err(ApiError::NotFound);
        }
    }
    let body = view(backend, call, &auth.tenant, xid, head, s).await?;
    let mut resp = http::json_response(StatusCode::OK, &body)?;
    resp.extensions_mut().insert(AuditTarget(format!("export:{xid}")));
    Ok(resp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn export_ids_are_random_hex_and_nothing_else_parses() {
        let a = new_export_id();
        assert_eq!(parse_export_id(&a).unwrap(), a);
        assert_ne!(a, new_export_id());
        for bad in ["", "../x", "ABCDEF0123456789ABCDEF0123456789", &"0".repeat(33)] {
            assert!(parse_export_id(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn defaults_are_15_minute_urls_and_24_hour_exports() {
        let d = ExportSettings::default();
        assert_eq!(d.url_ttl, Duration::from_secs(900));
        assert_eq!(d.lifetime, Duration::from_secs(86_400));
    }
}
