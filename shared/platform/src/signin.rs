//! The checks every public sign-in step makes before the identity provider is asked, and the
//! bookkeeping after it answers: company and user named by the request, the tenant's IP
//! allow-list (from the request context's source address, never a header), the source
//! address's throttle, the account lock, the user's status; failures counted toward the lock
//! and the throttle ([`crate::lockout`]); every outcome an audit event with time, operation,
//! user name and company name. Nothing a sign-in answers before the password is checked
//! tells whether an account exists or what state it is in (`docs/security.md`).
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
use crate::ids::{TenantId, UserId};
use crate::lockout::{Counter, Outcome, Policy};
use crate::ports::{AuditEvent, AuditResult, StoreError, Tenant, User, UserStatus};
use crate::Backend;

/// The error every unknown company, unknown user, locked or disabled account and wrong
/// password gets alike.
pub fn invalid_credentials() -> ApiError {
    ApiError::Unauthenticated { code: "invalid_credentials" }
}

/// A user name no account can have (ids never hold `~`), for [`equalize`].
const NOBODY: &str = "~nobody.~nobody";

/// Spend what a password check costs (one password hash at the provider), for a refusal
/// that did not check one, so that its answer takes as long as a wrong password's.
pub async fn equalize(services: &Services, password: &str) {
    let _ = services.provider.password_auth(NOBODY, password).await;
}

/// The refusal of a locked account.
pub fn account_locked() -> ApiError {
    ApiError::Forbidden {
        code: "account_locked",
        detail: "This account is locked after repeated failed sign-ins. Ask an administrator to unlock it or try again later.".into(),
    }
}

/// The refusal of a source address with too many recent failures.
pub fn address_throttled(retry_after_secs: u64) -> ApiError {
    ApiError::TooManyRequests { code: "too_many_attempts", retry_after_secs }
}

/// Refuse a source address that is throttled in this company (see [`crate::lockout`]).
pub async fn check_address(services: &Services, tenant: &TenantId, source_ip: Option<IpAddr>) -> Result<(), ApiError> {
    let Some(ip) = source_ip else { return Ok(()) };
    let now = services.clock.now();
    let state = services.lockout.get(tenant, &Counter::Address(ip)).await?;
    if state.is_locked(now) {
        let until = state.locked_until.unwrap_or(now);
        return Err(address_throttled(((until - now).max(0) as u64).div_ceil(1000)));
    }
    Ok(())
}

/// Refuse a locked account.
pub async fn check_user_lock(services: &Services, tenant: &TenantId, user: &UserId) -> Result<(), ApiError> {
    let state = services.lockout.get(tenant, &Counter::User(user.clone())).await?;
    if state.is_locked(services.clock.now()) {
        return Err(account_locked());
    }
    Ok(())
}

/// Count one wrong password or code against the user and against the source address, each
/// in one atomic update. Returns the user's outcome.
pub async fn count_failure(services: &Services, tenant: &Tenant, user: &UserId, source_ip: Option<IpAddr>) -> Result<Outcome, StoreError> {
    let now = services.clock.now();
    if let Some(ip) = source_ip {
        services.lockout.record_failure(&tenant.id, &Counter::Address(ip), now, &Policy::address()).await?;
    }
    let policy = Policy::of(&tenant.settings);
    let (state, by_this) = services.lockout.record_failure(&tenant.id, &Counter::User(user.clone()), now, &policy).await?;
    Ok(state.outcome(&policy, by_this))
}

/// The refusal of a source address outside the tenant's allow-list.
pub fn ip_not_allowed() -> ApiError {
    ApiError::Forbidden { code: "ip_not_allowed", detail: "Requests from this address are not allowed for this company.".into() }
}

/// The user (not deleted) with this e-mail address (case-insensitive) in the tenant, through
/// the store's e-mail lookup.
pub async fn find_by_email(backend: &Backend, tenant: &TenantId, email: &str) -> Result<Option<User>, ApiError> {
    Ok(backend.users.user_by_email(tenant, email).await?)
}

/// Longest name typed by an unauthenticated caller that an event keeps (an e-mail address
/// is at most 254 characters).
const MAX_TYPED_NAME: usize = 254;
/// Longest detail an event keeps.
const MAX_DETAIL: usize = 500;
/// How often one company, source and reason may add an event no account stands behind.
const UNATTRIBUTED_EVERY_MS: i64 = 60_000;

/// `text` cut to at most `max` characters.
fn clip(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

/// Whether an unattributed event for this company, source and reason may be written now
/// (one a minute per warm instance), remembering that it was.
fn unattributed_event_due(tenant: &TenantId, source: Option<IpAddr>, reason: &str, now: i64) -> bool {
    type Seen = std::collections::HashMap<(TenantId, Option<IpAddr>, String), i64>;
    static SEEN: std::sync::OnceLock<std::sync::Mutex<Seen>> = std::sync::OnceLock::new();
    let mut seen = SEEN.get_or_init(Default::default).lock().unwrap_or_else(|p| p.into_inner());
    if seen.len() > 10_000 {
        seen.retain(|_, at| now - *at < UNATTRIBUTED_EVERY_MS);
    }
    let key = (tenant.clone(), source, clip(reason, 64));
    match seen.get(&key) {
        Some(at) if now - *at < UNATTRIBUTED_EVERY_MS => false,
        _ => {
            seen.insert(key, now);
            true
        }
    }
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
    // An event no account stands behind (an unknown address, a throttled or fenced-off
    // source) is written at most once a minute per company, source and reason.
    if user.is_none() && !unattributed_event_due(&tenant.id, source_ip, detail, now) {
        return;
    }
    let event = AuditEvent {
        at: now,
        operation: operation.to_owned(),
        user_id: user.map(|u| u.id.to_string()),
        user_name: user.map(|u| u.name.clone()).or_else(|| user_name.map(|n| clip(n, MAX_TYPED_NAME))),
        company_name: Some(tenant.name.clone()),
        target: user.map(|u| format!("user:{}", u.id)),
        source_ip: source_ip.map(|ip| ip.to_string()),
        request_id: Some(request_id.to_owned()),
        result,
        detail: Some(clip(detail, MAX_DETAIL)),
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

/// Check the company, its IP allow-list, the source address's throttle, the user, the lock
/// and the status, in that order.
///
/// Every refusal is audited (when the company is known). Unknown company, unknown user,
/// locked account and disabled user all get [`invalid_credentials`], the answer of a wrong
/// password, so that nothing tells an account exists or what state it is in; a caller that
/// checks a password answers these after [`equalize`], so that they also take as long as a
/// password check. (A locked or disabled account's password is not checked at all: a lock
/// that still answered "right password" would be a password oracle for anyone with enough
/// addresses. The owner of a locked account resets the password, which the lock allows.)
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
    // A terminating company's administrators still sign in, to take the final archive.
    if let Some(refused) = crate::tenancy::refusal(&tenant, Some("GET /me")) {
        audit_here(None, AuditResult::Denied, "tenant_not_active").await;
        return Err(refused);
    }
    if let Err(e) = check_address(services, &tenant.id, origin.source_ip).await {
        audit_here(None, AuditResult::Denied, "address_throttled").await;
        return Err(e);
    }
    let Some(user) = find_by_email(backend, &tenant.id, email).await? else {
        audit_here(None, AuditResult::Failed, "unknown_user").await;
        return Err(invalid_credentials());
    };
    // A locked owner may still reset their password by e-mail code (and a completed reset
    // clears the lock), so that an attacker who knows an address cannot keep its owner out.
    let lock_applies = !matches!(operation, "auth.password_forgot" | "auth.password_reset");
    if lock_applies {
        if let Err(e) = check_user_lock(services, &tenant.id, &user.id).await {
            // Hammering a locked account still uses up the address's allowance.
            if let Some(ip) = origin.source_ip {
                services.lockout.record_failure(&tenant.id, &Counter::Address(ip), now, &Policy::address()).await?;
            }
            audit_here(Some(&user), AuditResult::Denied, "account_locked").await;
            tracing::debug!(refusal = ?e, "answered as invalid credentials");
            return Err(invalid_credentials());
        }
    }
    if user.status != UserStatus::Active {
        audit_here(Some(&user), AuditResult::Denied, "user_disabled").await;
        return Err(invalid_credentials());
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
        let outcome = match count_failure(self.services, &self.tenant, &self.user.id, self.source_ip).await {
            Ok(outcome) => outcome,
            Err(e) => return e.into(),
        };
        self.audit(self.operation, AuditResult::Failed, reason).await;
        match outcome {
            Outcome::Locked { by_this } => {
                if by_this {
                    let threshold = Policy::of(&self.tenant.settings).threshold;
                    self.audit("auth.account_locked", AuditResult::Success, &format!("after {threshold} failures")).await;
                }
                // Sign-in answers a wrong password alike whatever the account's state (see
                // [`begin`]); a reset stays open to a locked owner. Only a second-factor
                // step, after a right password, tells the lock.
                if matches!(self.operation, "auth.sign_in" | "auth.password_reset") {
                    error
                } else {
                    account_locked()
                }
            }
            Outcome::Counted { .. } => error,
        }
    }

    /// A completed sign-in: the failure count starts again.
    pub async fn succeeded(&self, detail: &str) -> Result<(), ApiError> {
        self.services.lockout.clear(&self.tenant.id, &Counter::User(self.user.id.clone())).await?;
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

#[cfg(test)]
mod unattributed_tests {
    use super::*;

    /// Given a flood from one source, then one event a minute per company and reason is
    /// kept; another reason, source or company is not held back; names are clipped.
    #[test]
    fn unattributed_events_are_limited_per_source_and_reason() {
        let acme = TenantId::parse("acme").unwrap();
        let other = TenantId::parse("other").unwrap();
        let ip: Option<IpAddr> = Some("198.51.100.7".parse().unwrap());
        let t0 = 1_000_000;
        assert!(unattributed_event_due(&acme, ip, "address_throttled", t0));
        for i in 1..100 {
            assert!(!unattributed_event_due(&acme, ip, "address_throttled", t0 + i * 100));
        }
        assert!(unattributed_event_due(&acme, ip, "unknown_user", t0 + 10));
        assert!(unattributed_event_due(&acme, Some("198.51.100.8".parse().unwrap()), "address_throttled", t0 + 10));
        assert!(unattributed_event_due(&other, ip, "address_throttled", t0 + 10));
        assert!(unattributed_event_due(&acme, ip, "address_throttled", t0 + 60_000));
        assert_eq!(clip(&"x".repeat(10_000), MAX_TYPED_NAME).len(), 254);
    }
}
