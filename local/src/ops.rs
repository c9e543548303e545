//! The operator's commands on a local data folder (`kyocho ops …`, `kyocho import`): the
//! same rules the `/ops` routes apply, run in-process, each logged in the operator's audit
//! chain (and the company's, when it touches one).

use std::path::Path;

use platform::http::now_millis;
use platform::ids::TenantId;
use platform::ports::{AuditEvent, AuditResult, Tenant, User};
use platform::tenancy::NewTenant;
use platform::Backend;

async fn audit(backend: &Backend, operator: &str, operation: &str, tenant: Option<&TenantId>, result: AuditResult, detail: String) {
    let event = AuditEvent {
        at: now_millis(),
        operation: operation.to_owned(),
        user_id: Some(format!("arn:kyocho:local:operator/{operator}")),
        user_name: Some(platform::http::OPERATOR_NAME.to_owned()),
        company_name: None,
        target: tenant.map(|t| format!("tenant:{t}")),
        source_ip: None,
        request_id: Some(uuid::Uuid::new_v4().to_string()),
        result,
        detail: Some(detail),
    };
    let mut logs = vec![TenantId::operator_log()];
    logs.extend(tenant.cloned());
    for log in logs {
        if matches!(backend.tenants.get_tenant(&log).await, Ok(Some(_))) || log.is_reserved() {
            if let Err(e) = backend.audit.append(&log, &event).await {
                eprintln!("warning: the audit log of {log} did not take the event: {e}");
            }
        }
    }
}

/// `kyocho ops tenant create`.
pub async fn create_tenant(data_dir: &Path, new: &NewTenant, operator: &str) -> anyhow::Result<(Tenant, User)> {
    let backend = platform::local::backend(data_dir)?;
    let (idp, _) = crate::users::identity(data_dir)?;
    match platform::tenancy::provision(&backend, idp.as_ref(), new).await {
        Ok((tenant, admin)) => {
            audit(&backend, operator, "cli: ops tenant create", Some(&tenant.id), AuditResult::Success, format!("admin:{}", admin.id)).await;
            Ok((tenant, admin))
        }
        Err(e) => {
            audit(&backend, operator, "cli: ops tenant create", None, AuditResult::Failed, format!("{}: {}", e.code(), new.id)).await;
            Err(anyhow::anyhow!("{}", problem_text(&e)))
        }
    }
}

/// `kyocho import ARCHIVE --tenant T`: the archive checked whole, then its projects stored as
/// new projects of `tenant` (created if missing).
pub async fn import(data_dir: &Path, tenant: &str, archive: &Path) -> anyhow::Result<exports::archive::ImportResult> {
    let tenant = TenantId::parse(tenant).map_err(|e| anyhow::anyhow!("--tenant: {e}"))?;
    let bytes = std::fs::read(archive).map_err(|e| anyhow::anyhow!("{}: {e}", archive.display()))?;
    let backend = platform::local::backend(data_dir)?;
    crate::setup::ensure_tenant(&backend, &tenant, tenant.as_str()).await?;
    let result = exports::archive::import(&backend, &tenant, &bytes, &archive::Limits::default())
        .await
        .map_err(|e| anyhow::anyhow!("{}", problem_text(&e)))?;
    audit(&backend, "cli", "cli: import", Some(&tenant), AuditResult::Success, format!("{} project(s)", result.projects.len())).await;
    Ok(result)
}

/// A refusal as one readable line: its code, what it says and the fields it names.
pub fn problem_text(e: &platform::ApiError) -> String {
    let resp = e.to_response("cli");
    let body = match resp.body() {
        lambda_http::Body::Text(t) => t.clone(),
        _ => String::new(),
    };
    let v: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
    let mut out = format!("{} ({})", v["detail"].as_str().unwrap_or(""), v["code"].as_str().unwrap_or(e.code()));
    for f in v["errors"].as_array().into_iter().flatten() {
        out.push_str(&format!("\n  {} {}: {}", f["pointer"].as_str().unwrap_or(""), f["code"].as_str().unwrap_or(""), f["message"].as_str().unwrap_or("")));
    }
    out
}

/// `kyocho verify`: every check of each company (or `tenant`), one line each; `Ok(false)`
/// when any fails.
pub async fn verify(data_dir: &Path, tenant: Option<&str>) -> anyhow::Result<bool> {
    let backend = platform::local::backend(data_dir)?;
    let ids = match tenant {
        Some(t) => vec![TenantId::parse(t).map_err(|e| anyhow::anyhow!("--tenant: {e}"))?],
        None => platform::integrity::live_tenants(&backend).await.map_err(|e| anyhow::anyhow!("{}", problem_text(&e)))?,
    };
    let mut all_ok = true;
    for id in ids {
        let r = platform::integrity::check_tenant(&backend, &id).await.map_err(|e| anyhow::anyhow!("{id}: {}", problem_text(&e)))?;
        all_ok &= r.ok;
        let chain = match &r.audit.first_broken {
            None => format!("audit chain intact ({} events)", r.audit.events),
            Some(b) => format!("audit chain BROKEN at event {} ({})", b.seq, b.reason),
        };
        let sealed = if r.sealed.failed.is_empty() {
            format!("{} sealed items open", r.sealed.checked)
        } else {
            format!("sealed items that do not open: {}", r.sealed.failed.join(", "))
        };
        let exports = if r.exports.mismatched.is_empty() {
            format!("{} exports match their checksums", r.exports.checked)
        } else {
            format!("exports whose checksum differs: {}", r.exports.mismatched.join(", "))
        };
        println!("{} {id}: {chain}; {sealed}; {exports}", if r.ok { "OK  " } else { "FAIL" });
    }
    Ok(all_ok)
}
