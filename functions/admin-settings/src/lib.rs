//! The `admin-settings` function: read and replace the caller's tenant access settings — the
//! IP allow-list (IPv4 and IPv6 CIDRs), whether every user needs a second factor, and the
//! lockout threshold and duration.
//!
//! Saving an allow-list that does not admit the caller's own address (as API Gateway sees it)
//! needs `"confirm_lockout": true`, so that an administrator cannot shut themselves out by a
//! typo. The company's audit log is read here too ([`audit`]).

pub mod audit;

use std::sync::Arc;

use lambda_http::{http::StatusCode, Body, Request, Response};
use platform::auth::AuthContext;
use platform::error::{ApiError, FieldError};
use platform::http::{self, AuditTarget, Call, Reply};
use platform::lockout;
use platform::ports::{TenantSettings, AUDIT_RETENTION_MAX_DAYS, AUDIT_RETENTION_MIN_DAYS};
use platform::{access, Backend};
use serde::{Deserialize, Serialize};

/// Largest request body accepted, in bytes.
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// Most networks an allow-list may hold.
pub const MAX_NETWORKS: usize = 100;

/// The Lambda entry point: every request goes through the shared checks first.
pub async fn handle(backend: Arc<Backend>, req: Request) -> Response<Body> {
    http::dispatch(backend, req, route).await
}

async fn route(backend: Arc<Backend>, call: Call) -> Reply {
    let auth = call.auth()?;
    match call.route.key().as_str() {
        "GET /admin/settings" => get(&backend, auth).await,
        "PUT /admin/settings" => put(&backend, auth, &call).await,
        "GET /audit" => audit::list(&backend, auth, &call).await,
        "GET /audit.csv" => audit::csv(&backend, auth, &call).await,
        "GET /audit/verify" => audit::verify(&backend, auth).await,
        _ => Err(ApiError::NotFound),
    }
}

/// The company's access settings as `GET` and `PUT /admin/settings` answer them.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SettingsView {
    /// Networks (CIDR) sign-ins and requests may come from; empty admits every address.
    pub ip_allow_list: Vec<String>,
    pub mfa_required: bool,
    pub lockout_threshold: u32,
    pub lockout_duration_minutes: u32,
    pub lockout_until_unlocked: bool,
    /// Days the audit log is kept (older months are removed by the daily integrity job).
    pub audit_retention_days: u32,
    /// The caller's own address, as the service sees it.
    pub your_ip: Option<String>,
}

fn view(settings: &TenantSettings, auth: &AuthContext) -> SettingsView {
    SettingsView {
        ip_allow_list: settings.ip_allow_list.iter().map(|n| n.to_string()).collect(),
        mfa_required: settings.mfa_required,
        lockout_threshold: settings.lockout_threshold.unwrap_or(lockout::DEFAULT_THRESHOLD),
        lockout_duration_minutes: settings.lockout_duration_minutes.unwrap_or(lockout::DEFAULT_DURATION_MINUTES),
        lockout_until_unlocked: settings.lockout_until_unlocked,
        audit_retention_days: settings.audit_retention_days(),
        your_ip: auth.source_ip.map(|ip| ip.to_string()),
    }
}

async fn get(backend: &Backend, auth: &AuthContext) -> Reply {
    let tenant = backend.tenants.get_tenant(&auth.tenant).await?.ok_or(ApiError::NotFound)?;
    http::json_response(StatusCode::OK, &view(&tenant.settings, auth))
}

/// What a settings change changed, for the audit log: `{"field": [before, after], …}` for
/// each setting whose value differs (the caller's own address is not a setting).
fn changes(before: &SettingsView, after: &SettingsView) -> String {
    let (b, a) = (serde_json::to_value(before).unwrap_or_default(), serde_json::to_value(after).unwrap_or_default());
    let mut out = serde_json::Map::new();
    if let (Some(b), Some(a)) = (b.as_object(), a.as_object()) {
        for (k, v) in a {
            if k != "your_ip" && b.get(k) != Some(v) {
                out.insert(k.clone(), serde_json::json!([b.get(k), v]));
            }
        }
    }
    serde_json::Value::Object(out).to_string()
}

/// The body of `PUT /admin/settings`: the whole settings document.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct SettingsInput {
    pub ip_allow_list: Vec<String>,
    pub mfa_required: bool,
    #[serde(default)]
    pub lockout_threshold: Option<u32>,
    #[serde(default)]
    pub lockout_duration_minutes: Option<u32>,
    #[serde(default)]
    pub lockout_until_unlocked: bool,
    /// Days the audit log is kept (365–3650; 1825 when left out).
    #[serde(default)]
    pub audit_retention_days: Option<u32>,
    /// Save even though the list does not admit the caller's own address.
    #[serde(default)]
    pub confirm_lockout: bool,
}

impl SettingsInput {
    /// Check every field; every error at once, each with its pointer.
    pub fn validate(&self) -> Result<TenantSettings, ApiError> {
        let mut errors = Vec::new();
        let mut networks = Vec::new();
        if self.ip_allow_list.len() > MAX_NETWORKS {
            errors.push(FieldError::body("/ip_allow_list", "too_many", format!("at most {MAX_NETWORKS} networks")));
        }
        for (i, s) in self.ip_allow_list.iter().enumerate() {
            match access::parse_network(s) {
                Some(n) if !networks.contains(&n) => networks.push(n),
                Some(_) => errors.push(FieldError::body(format!("/ip_allow_list/{i}"), "duplicate", format!("`{s}` is listed twice"))),
                None => errors.push(FieldError::body(
                    format!("/ip_allow_list/{i}"),
                    "invalid_cidr",
                    format!("`{s}` is not an IPv4 or IPv6 network such as 203.0.113.0/24 or 2001:db8::/32"),
                )),
            }
        }
        if let Some(t) = self.lockout_threshold {
            if !lockout::THRESHOLD_RANGE.contains(&t) {
                let (lo, hi) = (lockout::THRESHOLD_RANGE.start(), lockout::THRESHOLD_RANGE.end());
                errors.push(FieldError::body("/lockout_threshold", "out_of_range", format!("{lo}–{hi} failures")));
            }
        }
        if let Some(d) = self.lockout_duration_minutes {
            if !lockout::DURATION_RANGE_MINUTES.contains(&d) {
                let (lo, hi) = (lockout::DURATION_RANGE_MINUTES.start(), lockout::DURATION_RANGE_MINUTES.end());
                errors.push(FieldError::body("/lockout_duration_minutes", "out_of_range", format!("{lo}–{hi} minutes")));
            }
        }
        if let Some(d) = self.audit_retention_days {
            if !(AUDIT_RETENTION_MIN_DAYS..=AUDIT_RETENTION_MAX_DAYS).contains(&d) {
                errors.push(FieldError::body(
                    "/audit_retention_days",
                    "out_of_range",
                    format!("{AUDIT_RETENTION_MIN_DAYS}–{AUDIT_RETENTION_MAX_DAYS} days (at least one year)"),
                ));
            }
        }
        if !errors.is_empty() {
            return Err(ApiError::BadRequest { code: "invalid_request", detail: "The settings are not valid.".into(), errors });
        }
        Ok(TenantSettings {
            audit_retention_days: self.audit_retention_days,
            ip_allow_list: networks,
            mfa_required: self.mfa_required,
            lockout_threshold: self.lockout_threshold,
            lockout_duration_minutes: self.lockout_duration_minutes,
            lockout_until_unlocked: self.lockout_until_unlocked,
        })
    }
}

async fn put(backend: &Backend, auth: &AuthContext, call: &Call) -> Reply {
    let input: SettingsInput = call.json(MAX_BODY_BYTES)?;
    let settings = input.validate()?;
    if !access::ip_allowed(&settings.ip_allow_list, auth.source_ip) && !input.confirm_lockout {
        return Err(ApiError::BadRequest {
            code: "would_lock_out_caller",
            detail: "This list does not admit your own address; send \"confirm_lockout\": true to save it anyway.".into(),
            errors: vec![FieldError::body(
                "/confirm_lockout",
                "confirmation_required",
                format!("your address {} is outside the list", auth.source_ip.map(|i| i.to_string()).unwrap_or_else(|| "(unknown)".into())),
            )],
        });
    }
    let mut tenant = backend.tenants.get_tenant(&auth.tenant).await?.ok_or(ApiError::NotFound)?;
    let before = view(&tenant.settings, auth);
    tenant.settings = settings;
    backend.tenants.put_tenant(&tenant).await?;
    let after = view(&tenant.settings, auth);
    let detail = changes(&before, &after);
    http::json_response(StatusCode::OK, &after).map(|mut r| {
        r.extensions_mut().insert(AuditTarget("settings".into()));
        r.extensions_mut().insert(platform::http::AuditDetail(detail));
        r
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(list: &[&str]) -> SettingsInput {
        SettingsInput {
            ip_allow_list: list.iter().map(|s| s.to_string()).collect(),
            mfa_required: false,
            lockout_threshold: None,
            lockout_duration_minutes: None,
            lockout_until_unlocked: false,
            audit_retention_days: None,
            confirm_lockout: false,
        }
    }

    #[test]
    fn networks_are_parsed_and_bad_ones_named_by_pointer() {
        let ok = input(&["203.0.113.7/24", "2001:db8::/32", "::1"]).validate().unwrap();
        assert_eq!(ok.ip_allow_list[0].to_string(), "203.0.113.0/24");
        assert_eq!(ok.ip_allow_list[2].to_string(), "::1/128");
        let Err(ApiError::BadRequest { errors, .. }) = input(&["10.0.0.0/8", "10.0.0.0/33", "nonsense"]).validate() else {
            panic!("refused")
        };
        let pointers: Vec<_> = errors.iter().map(|e| e.pointer.clone().unwrap()).collect();
        assert_eq!(pointers, ["/ip_allow_list/1", "/ip_allow_list/2"]);
    }
}
