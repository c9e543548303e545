//! The checks every public sign-in step makes before the identity provider is asked, and the
//! bookkeeping after it answers: company and user named by the request, the tenant's IP
//! allow-list (from the request context's source address, never a header), the account lock,
//! the user's status; failures counted toward the lock; every outcome an audit event with
//! time, operation, user name and company name.
//!
//! A user names their company by its id (`tenant`) and themselves by e-mail address: the same
//! address may belong to accounts in several companies (a consultant working for two
//! clients), and the company must be known before anything else so that its IP allow-list
//! and lockout rule apply before a password is checked.

use std::net::IpAddr;

use crate::access;
use crate::auth::AuthContext;
use crate::error::{ApiError, FieldError};
use crate::identity::{self, Services};
use crate::ids::TenantId;
use crate::lockout::{Outcome, Policy};
use crate::ports::{AuditEvent, AuditResult, Tenant, User, UserStatus};
use crate::Backend;

/// The error every unknown company, unknown user or wrong password gets alike.
pub fn invalid_credentials() -> ApiError {
    ApiError::Unauthenticated { code: "invalid_credentials" }
}

/// The refusal of a locked account.
pub fn account_locked() -> ApiError {
    ApiError::Forbidden {
        code: "account_locked",
        detail: "This account is locked after repeated failed sign-ins. Ask an administrator to unlock it or try again later.".into(),
    }
}

/// The refusal of a source address outside the tenant's allow-list.
pub fn ip_not_allowed() -> ApiError {
    ApiError::Forbidden { code: "ip_not_allowed", detail: "Requests from this address are not allowed for this company.".into() }
}

/// The active user with this e-mail address (case-insensitive) in the tenant.
pub async fn find_by_email(backend: &Backend, tenant: &TenantId, email: &str) -> Result<Option<User>, ApiError> {
    let email = email.trim();
    Ok(backend
        .users
        .list_users(tenant)
        .await?
        .into_iter()
        .find(|u| u.status != UserStatus::Deleted && u.email.eq_ignore_ascii_case(email)))
}

/// Append an audit event naming a user and company; failures are logged, never fatal.
#[allow(clippy::too_many_arguments)]
pub async fn audit(
    backend: &Backend,
    tenant: &Tenant,
    user: Option<&User>,
    user_name: Option<&str>,
    operation: &str,
    result: AuditResult,
    detail: &str,
    source_ip: Option<IpAddr>,
    request_id: &str,
    now: i64,
) {
    let event = AuditEvent {
        at: now,
        operation: operation.to_owned(),
        user_id: user.map(|u| u.id.to_string()),
        user_name: user.map(|u| u.name.clone()).or_else(|| user_name.map(str::to_owned)),
        company_name: Some(tenant.name.clone()),
        target: user.map(|u| format!("user:{}", u.id)),
        source_ip: source_ip.map(|ip| ip.to_string()),
        request_id: Some(request_id.to_owned()),
        result,
        detail: Some(detail.to_owned()),
    };
    if let Err(e) = backend.audit.append(&tenant.id, &event).await {
        tracing::error!(request_id, error = ?e, "audit append failed");
    }
}

/// One sign-in step that passed the checks before the identity provider.
pub struct Attempt<'a> {
    pub backend: &'a Backend,
    pub services: &'a Services,
    pub tenant: Tenant,
    pub user: User,
    pub source_ip: Option<IpAddr>,
    pub request_id: String,
    /// Operation name for the audit events, e.g. `auth.sign_in`.
    pub operation: &'static str,
}

/// Where a request comes from.
#[derive(Debug, Clone)]
pub struct Origin {
    pub source_ip: Option<IpAddr>,
    pub request_id: String,
}

/// Check the company, its IP allow-list, the user, the lock and the status, in that order.
/// Every refusal is audited (when the company is known) and none reveals whether a user exists.
pub async fn begin<'a>(
    backend: &'a Backend,
    services: &'a Services,
    tenant: &str,
    email: &str,
    origin: &Origin,
    operation: &'static str,
) -> Result<Attempt<'a>, ApiError> {
    let tenant_id = TenantId::parse(tenant.trim())
        .map_err(|e| ApiError::bad_field(FieldError::body("/tenant", "invalid_value", e.to_string())))?;
    let Some(tenant) = backend.tenants.get_tenant(&tenant_id).await? else {
        tracing::info!(request_id = %origin.request_id, operation, "sign-in step for an unknown company");
        return Err(invalid_credentials());
    };
    let now = services.clock.now();
    let audit_here = |user: Option<&User>, result, detail: &'static str| {
        let tenant = tenant.clone();
        let user = user.cloned();
        async move {
            audit(backend, &tenant, user.as_ref(), Some(email), operation, result, detail, origin.source_ip, &origin.request_id, now).await
        }
    };
    if !access::ip_allowed(&tenant.settings.ip_allow_list, origin.source_ip) {
        audit_here(None, AuditResult::Denied, "ip_not_allowed").await;
        return Err(ip_not_allowed());
    }
    let Some(user) = find_by_email(backend, &tenant.id, email).await? else {
        audit_here(None, AuditResult::Failed, "unknown_user").await;
        return Err(invalid_credentials());
    };
    let mut state = services.lockout.get(&tenant.id, &user.id).await?;
    if state.is_locked(now) {
        audit_here(Some(&user), AuditResult::Denied, "account_locked").await;
        return Err(account_locked());
    }
    if state.locked_at.is_some() {
        state.expire(now);
        services.lockout.put(&tenant.id, &user.id, &state).await?;
    }
    if user.status != UserStatus::Active {
        audit_here(Some(&user), AuditResult::Denied, "user_disabled").await;
        return Err(ApiError::Forbidden { code: "user_disabled", detail: "This account is disabled.".into() });
    }
    Ok(Attempt { backend, services, tenant, user, source_ip: origin.source_ip, request_id: origin.request_id.clone(), operation })
}

impl Attempt<'_> {
    /// The identity provider's name for the user.
    pub fn username(&self) -> String {
        identity::username(&self.tenant.id, &self.user.id)
    }

    pub async fn audit(&self, operation: &str, result: AuditResult, detail: &str) {
        let now = self.services.clock.now();
        audit(self.backend, &self.tenant, Some(&self.user), None, operation, result, detail, self.source_ip, &self.request_id, now).await;
    }

    /// Count a wrong password or code toward the lock and audit it (and the lock, if this
    /// failure caused one). Returns the error to answer: `error`, or `account_locked`.
    pub async fn failed(&self, reason: &str, error: ApiError) -> ApiError {
        let now = self.services.clock.now();
        let policy = Policy::of(&self.tenant.settings);
        let outcome = match self.services.lockout.get(&self.tenant.id, &self.user.id).await {
            Ok(mut state) => {
                let outcome = state.record_failure(now, &policy);
                if let Err(e) = self.services.lockout.put(&self.tenant.id, &self.user.id, &state).await {
                    return e.into();
                }
                outcome
            }
            Err(e) => return e.into(),
        };
        self.audit(self.operation, AuditResult::Failed, reason).await;
        match outcome {
            Outcome::Locked => {
                self.audit("auth.account_locked", AuditResult::Success, &format!("after {} failures", policy.threshold)).await;
                account_locked()
            }
            Outcome::Counted { .. } => error,
        }
    }

    /// A completed sign-in: the failure count starts again.
    pub async fn succeeded(&self, detail: &str) -> Result<(), ApiError> {
        let state = self.services.lockout.get(&self.tenant.id, &self.user.id).await?;
        if state != Default::default() {
            self.services.lockout.put(&self.tenant.id, &self.user.id, &Default::default()).await?;
        }
        self.audit(self.operation, AuditResult::Success, detail).await;
        Ok(())
    }

    /// Wait (at most a second) until tokens issued now pass the user's revocation instant:
    /// token issue times have whole seconds, and a revocation moves to the next one.
    pub async fn wait_for_revocation_edge(&self) {
        wait_until(self.user.tokens_valid_after).await;
    }
}

/// Sleep until `instant_ms` if it is less than two seconds away.
pub async fn wait_until(instant_ms: i64) {
    let wait = instant_ms - crate::http::now_millis();
    if wait > 0 && wait <= 2000 {
        tokio::time::sleep(std::time::Duration::from_millis(wait as u64 + 5)).await;
    }
}

/// The caller's own identity-provider name.
pub fn username_of(auth: &AuthContext) -> String {
    identity::username(&auth.tenant, &auth.user)
}
