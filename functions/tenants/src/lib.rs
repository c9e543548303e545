//! The `tenants` function: the operator sets companies up and ends them (`/ops/tenants…`;
//! the rules are `platform::tenancy`'s).
//!
//! - `POST /ops/tenants`: the company's own KMS key (rotation, a policy only its sessions
//!   may use), its record and registry entry, its first administrator invited by e-mail.
//! - `…/suspend`, `…/resume`: its users are refused (`tenant_suspended`) or let in again.
//! - `…/terminate`: the contract ends. The final company archive (docs/archive.md) is made
//!   and kept for `archive_days`; the administrators are told by e-mail and may download it
//!   (`GET /final-archive`); nothing else of the company answers.
//! - `…/purge`, once that window is over: every user, object version and record is deleted,
//!   the key destroyed, and a signed deletion certificate issued
//!   (`GET /ops/tenants/{tenant}/certificate`, JSON or `?format=pdf`).

use std::sync::Arc;

use lambda_http::http::{header, HeaderValue, StatusCode};
use lambda_http::{Body, Request, Response};
use platform::error::{ApiError, FieldError};
use platform::http::{self, AuditDetail, AuditTarget, AuditTenant, Call, Reply};
use platform::ids::TenantId;
use platform::ports::{BlobInfo, BlobKey, Tenant, TenantEntry, TenantStatus, UnixMillis};
use platform::tenancy::{self, NewTenant};
use platform::Backend;
use serde::{Deserialize, Serialize};

/// Largest request body accepted, in bytes.
pub const MAX_BODY_BYTES: usize = 16 * 1024;
/// Days the final archive stays when a termination does not say.
pub const DEFAULT_ARCHIVE_DAYS: u32 = 30;
/// Where the final company archive is kept in the company's space (outside `exports/`, whose
/// objects live a day).
pub const FINAL_ARCHIVE_KEY: &str = exports::FINAL_ARCHIVE_KEY;

/// The Lambda entry point: every request goes through the shared checks first.
pub async fn handle(backend: Arc<Backend>, req: Request) -> Response<Body> {
    http::dispatch(backend, req, route).await
}

async fn route(backend: Arc<Backend>, call: Call) -> Reply {
    call.operator()?;
    let b = backend.as_ref();
    match call.route.key().as_str() {
        "GET /ops/tenants" => list(b).await,
        "POST /ops/tenants" => create(b, &call).await,
        "GET /ops/tenants/{tenant}" => get(b, &call).await,
        "POST /ops/tenants/{tenant}/suspend" => suspend(b, &call, true).await,
        "POST /ops/tenants/{tenant}/resume" => suspend(b, &call, false).await,
        "POST /ops/tenants/{tenant}/terminate" => terminate(b, &call).await,
        "POST /ops/tenants/{tenant}/purge" => purge(b, &call).await,
        "GET /ops/tenants/{tenant}/certificate" => certificate(b, &call).await,
        "GET /ops/certificate-key" => certificate_key(b).await,
        "GET /ops/integrity" => integrity(b, &call).await,
        _ => Err(ApiError::NotFound),
    }
}

/// A company as the operator sees it: the registry entry, and while its data exists, where
/// it stands (never its content).
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TenantView {
    pub id: TenantId,
    pub name: String,
    pub status: TenantStatus,
    pub created_at: UnixMillis,
    pub updated_at: UnixMillis,
    /// While terminating: when the data is purged (ms since the Unix epoch).
    pub purge_after: Option<UnixMillis>,
    /// Users (while the data exists).
    pub users: Option<usize>,
    /// A deletion certificate is on record.
    pub certified: bool,
}

/// Every company, by id.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TenantList {
    pub items: Vec<TenantView>,
}

/// A company just set up, with its first administrator.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Provisioned {
    pub tenant: TenantView,
    pub admin_user_id: String,
    pub admin_email: String,
}

fn view(entry: &TenantEntry, live: Option<&Tenant>, users: Option<usize>) -> TenantView {
    TenantView {
        id: entry.id.clone(),
        name: entry.name.clone(),
        status: live.map(|t| t.status).unwrap_or(entry.status),
        created_at: entry.created_at,
        updated_at: entry.updated_at,
        purge_after: live.and_then(|t| t.purge_after),
        users,
        certified: entry.certificate.is_some(),
    }
}

fn with_tenant(mut resp: Response<Body>, tenant: &TenantId, detail: Option<String>) -> Response<Body> {
    resp.extensions_mut().insert(AuditTarget(format!("tenant:{tenant}")));
    resp.extensions_mut().insert(AuditTenant(tenant.clone()));
    if let Some(d) = detail {
        resp.extensions_mut().insert(AuditDetail(d));
    }
    resp
}

fn path_tenant(call: &Call) -> Result<TenantId, ApiError> {
    let raw = call.path_param("tenant").unwrap_or_default();
    let id = TenantId::parse(&raw).map_err(|e| ApiError::bad_field(FieldError::parameter("tenant", "invalid_id", e.to_string())))?;
    if id.is_reserved() {
        return Err(ApiError::NotFound);
    }
    Ok(id)
}

async fn list(backend: &Backend) -> Reply {
    let entries = backend.tenants.list_tenants().await?;
    let items = entries.iter().map(|e| view(e, None, None)).collect();
    http::json_response(StatusCode::OK, &TenantList { items })
}

async fn current(backend: &Backend, id: &TenantId) -> Result<TenantView, ApiError> {
    let live = backend.tenants.get_tenant(id).await?;
    let entry = match backend.tenants.get_entry(id).await? {
        Some(e) => e,
        // A company from before the registry: its record stands for its entry.
        None => match &live {
            Some(t) => tenancy::register(backend, t, None).await?,
            None => return Err(ApiError::NotFound),
        },
    };
    let users = match &live {
        Some(_) => Some(backend.users.list_users(id).await?.len()),
        None => None,
    };
    Ok(view(&entry, live.as_ref(), users))
}

async fn get(backend: &Backend, call: &Call) -> Reply {
    let id = path_tenant(call)?;
    let v = current(backend, &id).await?;
    Ok(with_tenant(http::json_response(StatusCode::OK, &v)?, &id, None))
}

async fn create(backend: &Backend, call: &Call) -> Reply {
    let new: NewTenant = call.json(MAX_BODY_BYTES)?;
    let services = platform::identity::services(&call.req)?;
    let (tenant, admin) = tenancy::provision(backend, services.provider.as_ref(), &new).await?;
    let body = Provisioned { tenant: current(backend, &tenant.id).await?, admin_user_id: admin.id.to_string(), admin_email: admin.email.clone() };
    let mut resp = http::json_response(StatusCode::CREATED, &body)?;
    if let Ok(v) = HeaderValue::from_str(&format!("/ops/tenants/{}", tenant.id)) {
        resp.headers_mut().insert(header::LOCATION, v);
    }
    Ok(with_tenant(resp, &tenant.id, Some(format!("admin:{}", admin.id))))
}

async fn suspend(backend: &Backend, call: &Call, suspended: bool) -> Reply {
    let id = path_tenant(call)?;
    tenancy::suspend(backend, &id, suspended).await?;
    let v = current(backend, &id).await?;
    Ok(with_tenant(http::json_response(StatusCode::OK, &v)?, &id, None))
}

/// `POST /ops/tenants/{tenant}/terminate`.
#[derive(Debug, Default, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct TerminateRequest {
    /// Days the administrators may take the final archive before the data is purged
    /// (0–90; 30 when left out). 0: it may be purged at once.
    #[serde(default)]
    pub archive_days: Option<u32>,
}

async fn terminate(backend: &Backend, call: &Call) -> Reply {
    let id = path_tenant(call)?;
    let req: TerminateRequest = if matches!(call.req.body(), Body::Empty) { TerminateRequest::default() } else { call.json(MAX_BODY_BYTES)? };
    let days = req.archive_days.unwrap_or(DEFAULT_ARCHIVE_DAYS);
    tenancy::check_archive_days(days)?;
    let tenant = tenancy::existing(backend, &id).await?;
    if tenant.status == TenantStatus::Terminating {
        let v = current(backend, &id).await?;
        return Ok(with_tenant(http::json_response(StatusCode::OK, &v)?, &id, None));
    }
    // The final archive: every project with its drawings and reports, kept for the window.
    let bytes = exports::archive::build(backend, &id, None, "Kyocho").await?;
    let sha = platform::seal::hex(&sha2_256(&bytes));
    let key = BlobKey::parse(FINAL_ARCHIVE_KEY).map_err(ApiError::internal)?;
    let until = http::now_millis() + i64::from(days.max(1)) * 86_400_000;
    let info = BlobInfo {
        content_type: "application/zip".into(),
        file_name: format!("company-{id}-final.zip"),
        metadata: [("archive-sha256".to_owned(), sha.clone())].into(),
        expires_at: until,
    };
    backend.blobs.put(&id, &key, bytes, &info).await.map_err(|e| ApiError::Unavailable(anyhow::anyhow!("{e}")))?;
    let tenant = tenancy::terminate(backend, &id, days, Some(FINAL_ARCHIVE_KEY.to_owned())).await?;
    notify_administrators(backend, call, &tenant, days).await;
    let v = current(backend, &id).await?;
    Ok(with_tenant(http::json_response(StatusCode::OK, &v)?, &id, Some(format!("archive_days:{days} final_archive_sha256:{sha}"))))
}

fn sha2_256(bytes: &[u8]) -> Vec<u8> {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).to_vec()
}

async fn notify_administrators(backend: &Backend, call: &Call, tenant: &Tenant, days: u32) {
    let Ok(services) = platform::identity::services(&call.req) else { return };
    let Ok(users) = backend.users.list_users(&tenant.id).await else { return };
    let until = tenant.purge_after.map(|ms| {
        time::OffsetDateTime::from_unix_timestamp(ms / 1000)
            .map(|t| t.to_offset(time::macros::offset!(+9)))
            .ok()
            .and_then(|t| t.format(time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] JST")).ok())
            .unwrap_or_default()
    });
    for u in users.iter().filter(|u| u.role == platform::auth::Role::TenantAdmin && u.status == platform::ports::UserStatus::Active) {
        let notice = platform::mail::Notice {
            to: u.email.clone(),
            subject: "Kyocho: ご契約終了と最終アーカイブ / contract ended, final archive".into(),
            body: format!(
                "{name} 様\n\nKyocho のご契約が終了しました。{days} 日間（{until} まで）、管理者はサインインして最終アーカイブ（全プロジェクト）をダウンロードできます。その後、すべてのデータを削除し、削除証明書を発行します。\n\n\
                 Your Kyocho contract has ended. For {days} days (until {until}) administrators can sign in and download the final archive of every project. Then all data is deleted and a deletion certificate is issued.\n",
                name = u.name,
                until = until.clone().unwrap_or_default(),
            ),
        };
        if let Err(e) = services.mailer.send(&notice).await {
            tracing::warn!(request_id = %call.request_id, error = ?e, "final-archive notice not sent");
        }
    }
}

async fn purge(backend: &Backend, call: &Call) -> Reply {
    let operator = call.operator()?.principal.clone();
    let id = path_tenant(call)?;
    let requested_at = http::now_millis();
    let tenant = tenancy::existing(backend, &id).await?;
    let archive_sha = match &tenant.final_archive {
        Some(k) => match BlobKey::parse(k) {
            Ok(key) => backend.blobs.head(&id, &key).await.ok().map(|h| h.sha256),
            Err(_) => None,
        },
        None => None,
    };
    let services = platform::identity::services(&call.req)?;
    let deletion = tenancy::purge(backend, services.provider.as_ref(), &id, requested_at).await?;
    let signed = tenancy::certify(backend, &deletion, requested_at, &operator, archive_sha.as_deref()).await?;
    let json = String::from_utf8(signed.to_json()).map_err(ApiError::internal)?;
    tenancy::record_terminated(backend, &deletion, tenant.created_at, json.clone()).await?;
    let mut resp = Response::builder()
        .status(StatusCode::OK)
        .header("content-type", "application/json")
        .body(Body::Text(json))
        .map_err(ApiError::internal)?;
    resp.extensions_mut().insert(AuditTarget(format!("tenant:{id}")));
    resp.extensions_mut().insert(AuditDetail(format!("certificate:{} records_sha256:{}", signed.certificate.certificate_id, deletion.records_sha256)));
    Ok(resp)
}

async fn certificate(backend: &Backend, call: &Call) -> Reply {
    let id = path_tenant(call)?;
    let entry = backend.tenants.get_entry(&id).await?.ok_or(ApiError::NotFound)?;
    let json = entry.certificate.ok_or(ApiError::NotFound)?;
    match call.query("format").as_deref() {
        None | Some("json") => Response::builder().status(StatusCode::OK).header("content-type", "application/json").body(Body::Text(json)).map_err(ApiError::internal),
        Some("pdf") => {
            let signed = certificate::SignedCertificate::from_json(json.as_bytes()).map_err(|e| ApiError::internal(anyhow::anyhow!("{e}")))?;
            let pdf = certificate::to_pdf(&signed).map_err(|e| ApiError::internal(anyhow::anyhow!("{e}")))?;
            Response::builder()
                .status(StatusCode::OK)
                .header("content-type", "application/pdf")
                .header("content-disposition", format!("attachment; filename=\"deletion-certificate-{id}.pdf\""))
                .body(Body::Binary(pdf))
                .map_err(ApiError::internal)
        }
        Some(_) => Err(ApiError::bad_field(FieldError::parameter("format", "invalid_value", "json or pdf"))),
    }
}

/// `GET /ops/integrity?tenant=`: every check of one company, or of every company whose data
/// exists. The scheduled run (EventBridge Scheduler, daily) calls this same route; each
/// company's result is one JSON log line, and the count of failing companies a metric.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct IntegrityReport {
    pub checked_at: UnixMillis,
    /// Companies with a failing check.
    pub failures: u64,
    pub tenants: Vec<platform::integrity::TenantIntegrity>,
}

async fn integrity(backend: &Backend, call: &Call) -> Reply {
    let ids = match call.query("tenant").filter(|t| !t.is_empty()) {
        Some(t) => vec![TenantId::parse(&t).map_err(|e| ApiError::bad_field(FieldError::parameter("tenant", "invalid_id", e.to_string())))?],
        None => platform::integrity::live_tenants(backend).await?,
    };
    let mut tenants = Vec::new();
    for id in ids {
        // Months past the company's audit retention go first (the chain then starts at the
        // checkpoint the pruning keeps).
        let pruned = platform::integrity::prune_audit(backend, &id, http::now_millis()).await?;
        if pruned > 0 {
            tracing::info!(request_id = %call.request_id, tenant = %id, pruned, "audit events past the retention removed");
        }
        let report = platform::integrity::check_tenant(backend, &id).await?;
        tracing::info!(
            request_id = %call.request_id,
            tenant = %report.tenant,
            ok = report.ok,
            audit_intact = report.audit.intact,
            audit_events = report.audit.events,
            first_broken = report.audit.first_broken.as_ref().map(|b| format!("{}@{}", b.reason, b.seq)).unwrap_or_default(),
            sealed_checked = report.sealed.checked,
            sealed_failed = report.sealed.failed.join(" "),
            exports_checked = report.exports.checked,
            exports_mismatched = report.exports.mismatched.join(" "),
            "integrity"
        );
        tenants.push(report);
    }
    let failures = tenants.iter().filter(|t| !t.ok).count() as u64;
    let checked_at = http::now_millis();
    // CloudWatch's embedded metric format: the alarm on IntegrityFailures reads this line.
    println!(
        "{}",
        serde_json::json!({
            "_aws": { "Timestamp": checked_at, "CloudWatchMetrics": [{ "Namespace": "Kyocho", "Dimensions": [[]],
                "Metrics": [{ "Name": "IntegrityFailures", "Unit": "Count" }, { "Name": "IntegrityTenantsChecked", "Unit": "Count" }] }] },
            "IntegrityFailures": failures,
            "IntegrityTenantsChecked": tenants.len(),
        })
    );
    http::json_response(StatusCode::OK, &IntegrityReport { checked_at, failures, tenants })
}

async fn certificate_key(backend: &Backend) -> Reply {
    let der = backend.signer.public_key_der().await.map_err(ApiError::Unavailable)?;
    let text = certificate::sign::public_key_pem(&der).map_err(|e| ApiError::internal(anyhow::anyhow!("{e}")))?;
    Response::builder().status(StatusCode::OK).header("content-type", "application/x-pem-file").body(Body::Text(text)).map_err(ApiError::internal)
}
