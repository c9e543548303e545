//! The `admin-users` function: a tenant's administrators invite, list, read, change the role
//! and permissions of, disable, enable, unlock, reset the MFA of and delete its users.
//!
//! Everything is scoped to the caller's tenant from the verified request context: another
//! tenant's user id is simply not found. The rules on who may change whose access live in
//! [`platform::access`].

use std::collections::BTreeSet;
use std::sync::Arc;

use lambda_http::{http::StatusCode, Body, Request, Response};
use platform::access;
use platform::auth::{AuthContext, Permission, Role};
use platform::error::{ApiError, FieldError};
use platform::http::{self, AuditTarget, Call, Reply};
use platform::identity::{self, IdentityError, InitialPassword, NewIdentity, Services};
use platform::ids::UserId;
use platform::lockout;
use platform::ports::{AdminGuard, StoreError, User, UserStatus};
use platform::{password, Backend};
use serde::{Deserialize, Serialize};

/// Largest request body accepted, in bytes.
pub const MAX_BODY_BYTES: usize = 16 * 1024;
const MAX_NAME_CHARS: usize = 100;
const MAX_EMAIL_CHARS: usize = 254;

/// The Lambda entry point: every request goes through the shared checks first.
pub async fn handle(backend: Arc<Backend>, req: Request) -> Response<Body> {
    http::dispatch(backend, req, route).await
}

async fn route(backend: Arc<Backend>, call: Call) -> Reply {
    let services = identity::services(&call.req)?;
    let svc = services.as_ref();
    let auth = call.auth()?;
    match call.route.key().as_str() {
        "GET /admin/users" => list(&backend, svc, auth).await,
        "POST /admin/users" => invite(&backend, svc, auth, &call).await,
        "GET /admin/users/{id}" => get(&backend, svc, auth, &call).await,
        "DELETE /admin/users/{id}" => delete(&backend, svc, auth, &call).await,
        "PUT /admin/users/{id}/access" => change_access(&backend, auth, &call).await,
        "POST /admin/users/{id}/disable" => set_status(&backend, svc, auth, &call, UserStatus::Disabled).await,
        "POST /admin/users/{id}/enable" => set_status(&backend, svc, auth, &call, UserStatus::Active).await,
        "POST /admin/users/{id}/unlock" => unlock(&backend, svc, auth, &call).await,
        "POST /admin/users/{id}/reset-mfa" => reset_mfa(&backend, svc, auth, &call).await,
        _ => Err(ApiError::NotFound),
    }
}

/// A user as an administrator sees them.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct UserView {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: Role,
    /// What the user may do: the role's permissions, or the narrower list set for them.
    pub permissions: Vec<Permission>,
    /// Whether `permissions` is narrower than the role's.
    pub narrowed: bool,
    pub status: UserStatus,
    /// Whether failed sign-ins have locked the account (`null` where not looked up).
    pub locked: Option<bool>,
    /// Milliseconds since the Unix epoch.
    pub created_at: i64,
    /// The second factors (`GET /admin/users/{id}` only; `null` when the identity provider
    /// does not know the user).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mfa: Option<Option<platform::identity::MfaStatus>>,
    /// Whether the account was locked before this unlock (`POST …/unlock` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub was_locked: Option<bool>,
}

/// `GET /admin/users`.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct UserList {
    pub items: Vec<UserView>,
}

fn view(user: &User, locked: Option<bool>) -> UserView {
    UserView {
        id: user.id.to_string(),
        email: user.email.clone(),
        name: user.name.clone(),
        role: user.role,
        permissions: user.effective_permissions().into_iter().collect(),
        narrowed: user.permissions.is_some(),
        status: user.status,
        locked,
        created_at: user.created_at,
        mfa: None,
        was_locked: None,
    }
}

fn with_target(reply: Reply, user: &UserId) -> Reply {
    reply.map(|mut r| {
        r.extensions_mut().insert(AuditTarget(format!("user:{user}")));
        r
    })
}

/// The target user of a `/admin/users/{id}` route in the caller's tenant; any other id
/// (malformed, deleted, another tenant's) is not found.
async fn target(backend: &Backend, auth: &AuthContext, call: &Call) -> Result<User, ApiError> {
    let id = call.path_param("id").and_then(|s| UserId::parse(&s).ok()).ok_or(ApiError::NotFound)?;
    match backend.users.get_user(&auth.tenant, &id).await? {
        Some(u) if u.tenant == auth.tenant && u.status != UserStatus::Deleted => Ok(u),
        _ => Err(ApiError::NotFound),
    }
}

/// Tolerate a user the identity provider does not know (made by `kyocho token` or before
/// an identity was attached).
fn tolerate_missing(r: Result<(), IdentityError>) -> Result<(), ApiError> {
    match r {
        Ok(()) | Err(IdentityError::UserNotFound) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

async fn list(backend: &Backend, svc: &Services, auth: &AuthContext) -> Reply {
    let now = svc.clock.now();
    let mut items = Vec::new();
    for u in backend.users.list_users(&auth.tenant).await? {
        if u.status == UserStatus::Deleted {
            continue;
        }
        let locked = svc.lockout.get(&auth.tenant, &lockout::Counter::User(u.id.clone())).await?.is_locked(now);
        items.push(view(&u, Some(locked)));
    }
    http::json_response(StatusCode::OK, &UserList { items })
}

async fn get(backend: &Backend, svc: &Services, auth: &AuthContext, call: &Call) -> Reply {
    let user = target(backend, auth, call).await?;
    let locked = svc.lockout.get(&auth.tenant, &lockout::Counter::User(user.id.clone())).await?.is_locked(svc.clock.now());
    let mut body = view(&user, Some(locked));
    body.mfa = Some(match svc.provider.mfa_status(&identity::username(&auth.tenant, &user.id)).await {
        Ok(s) => Some(s),
        Err(IdentityError::UserNotFound) => None,
        Err(e) => return Err(e.into()),
    });
    http::json_response(StatusCode::OK, &body)
}

/// Parse a role and optional permission list, every error with its pointer.
fn parse_access(role: &str, permissions: Option<&[String]>) -> Result<(Role, Option<BTreeSet<Permission>>), ApiError> {
    let mut errors = Vec::new();
    let role = Role::parse(role);
    if role.is_none() {
        errors.push(FieldError::body("/role", "invalid_value", "one of tenant_admin, designer, viewer"));
    }
    let mut narrowed = None;
    if let Some(list) = permissions {
        let mut set = BTreeSet::new();
        for (i, p) in list.iter().enumerate() {
            match Permission::ALL.iter().find(|k| k.as_str() == p) {
                Some(k) => {
                    set.insert(*k);
                }
                None => errors.push(FieldError::body(format!("/permissions/{i}"), "invalid_value", format!("unknown permission `{p}`"))),
            }
        }
        if let Some(role) = role {
            for (i, p) in list.iter().enumerate() {
                if let Some(k) = Permission::ALL.iter().find(|k| k.as_str() == p) {
                    if !role.default_permissions().contains(k) {
                        errors.push(FieldError::body(
                            format!("/permissions/{i}"),
                            "not_in_role",
                            format!("the role {} does not include {p}", role.as_str()),
                        ));
                    }
                }
            }
        }
        narrowed = Some(set);
    }
    match (role, errors.is_empty()) {
        (Some(role), true) => Ok((role, narrowed)),
        _ => Err(ApiError::BadRequest { code: "invalid_request", detail: "The access is not valid.".into(), errors }),
    }
}

/// `POST /admin/users`: invite a user (a temporary password goes to the e-mail address).
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct InviteRequest {
    pub email: String,
    pub name: String,
    /// `tenant_admin`, `designer` or `viewer`.
    pub role: String,
    /// A narrower list than the role's, or none for the role's own.
    #[serde(default)]
    pub permissions: Option<Vec<String>>,
    /// E.164; the user confirms it with a code before SMS codes go to it.
    #[serde(default)]
    pub phone_number: Option<String>,
}

fn valid_email(s: &str) -> bool {
    let s = s.trim();
    match s.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && s.len() <= MAX_EMAIL_CHARS
                && !s.chars().any(|c| c.is_whitespace() || c.is_control())
                && !domain.contains('@')
        }
        None => false,
    }
}

async fn invite(backend: &Backend, svc: &Services, auth: &AuthContext, call: &Call) -> Reply {
    let body: InviteRequest = call.json(MAX_BODY_BYTES)?;
    let mut errors = Vec::new();
    let email = body.email.trim().to_owned();
    if !valid_email(&email) {
        errors.push(FieldError::body("/email", "invalid_value", "an e-mail address such as name@example.co.jp"));
    }
    let name = body.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
        errors.push(FieldError::body("/name", "invalid_value", format!("1–{MAX_NAME_CHARS} characters")));
    }
    let phone = body.phone_number.as_deref().map(str::trim).map(str::to_owned);
    if let Some(p) = &phone {
        let ok = p.strip_prefix('+').is_some_and(|d| (8..=15).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_digit()));
        if !ok {
            errors.push(FieldError::body("/phone_number", "invalid_value", "an E.164 number such as +819012345678"));
        }
    }
    let parsed = parse_access(&body.role, body.permissions.as_deref());
    let (role, narrowed) = match parsed {
        Ok(a) if errors.is_empty() => a,
        Ok(_) => return Err(ApiError::BadRequest { code: "invalid_request", detail: "The invitation is not valid.".into(), errors }),
        Err(ApiError::BadRequest { errors: more, .. }) => {
            errors.extend(more);
            return Err(ApiError::BadRequest { code: "invalid_request", detail: "The invitation is not valid.".into(), errors });
        }
        Err(e) => return Err(e),
    };
    access::check_grant(&auth.permissions, role, narrowed.as_ref())?;
    if platform::signin::find_by_email(backend, &auth.tenant, &email).await?.is_some() {
        return Err(ApiError::Conflict { code: "email_taken", detail: "A user with this e-mail address already exists.".into() });
    }
    let id = UserId::generate();
    let sub = svc
        .provider
        .create_user(&NewIdentity {
            username: identity::username(&auth.tenant, &id),
            tenant: auth.tenant.clone(),
            email: email.clone(),
            phone_number: phone,
            password: InitialPassword::Temporary(password::generate_temporary()),
        })
        .await?;
    let now = http::now_millis();
    let user = User {
        tenant: auth.tenant.clone(),
        id: id.clone(),
        sub,
        email,
        name,
        role,
        permissions: narrowed,
        status: UserStatus::Active,
        tokens_valid_after: 0,
        created_at: now,
        version: 0,
    };
    backend.users.put_user(&user).await.map_err(conflict)?;
    with_target(http::json_response(StatusCode::CREATED, &view(&user, Some(false))), &id)
}

/// `PUT /admin/users/{id}/access`.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct AccessRequest {
    pub role: String,
    #[serde(default)]
    pub permissions: Option<Vec<String>>,
}

async fn change_access(backend: &Backend, auth: &AuthContext, call: &Call) -> Reply {
    let body: AccessRequest = call.json(MAX_BODY_BYTES)?;
    let (role, narrowed) = parse_access(&body.role, body.permissions.as_deref())?;
    let guard = backend.users.admin_guard(&auth.tenant).await?;
    let before = target(backend, auth, call).await?;
    access::check_may_manage(&auth.permissions, &before)?;
    access::check_grant(&auth.permissions, role, narrowed.as_ref())?;
    let mut after = before.clone();
    after.role = role;
    after.permissions = narrowed;
    let users = backend.users.list_users(&auth.tenant).await?;
    access::check_keeps_full_admin(&users, &before, Some(&after))?;
    if after.role != before.role || after.effective_permissions() != before.effective_permissions() {
        after.tokens_valid_after = http::revoke_after(http::now_millis());
    }
    save(backend, &before, &after, guard).await?;
    with_target(http::json_response(StatusCode::OK, &view(&after, None)), &after.id)
}

async fn set_status(backend: &Backend, svc: &Services, auth: &AuthContext, call: &Call, status: UserStatus) -> Reply {
    let guard = backend.users.admin_guard(&auth.tenant).await?;
    let before = target(backend, auth, call).await?;
    access::check_may_manage(&auth.permissions, &before)?;
    let mut after = before.clone();
    after.status = status;
    let username = identity::username(&auth.tenant, &before.id);
    if status == UserStatus::Disabled {
        let users = backend.users.list_users(&auth.tenant).await?;
        access::check_keeps_full_admin(&users, &before, Some(&after))?;
        after.tokens_valid_after = http::revoke_after(http::now_millis());
        save(backend, &before, &after, guard).await?;
        tolerate_missing(svc.provider.disable_user(&username).await)?;
    } else {
        // The record first: an enable that loses a race leaves the provider untouched.
        save(backend, &before, &after, guard).await?;
        tolerate_missing(svc.provider.enable_user(&username).await)?;
    }
    with_target(http::json_response(StatusCode::OK, &view(&after, None)), &after.id)
}

/// A write that lost a race with another write of the same record (or, for a full
/// administrator, of any full administrator's record) is answered 409: nothing changed.
fn conflict(e: StoreError) -> ApiError {
    match e {
        StoreError::VersionMismatch { .. } => ApiError::Conflict {
            code: "concurrent_change",
            detail: "The user was changed by another request at the same time; nothing was changed. Reload and retry.".into(),
        },
        other => other.into(),
    }
}

/// Store `after` over `before` under the record's version. A change to a full
/// administrator is also guarded (see [`platform::ports::UserStore::put_user_guarded`]):
/// the "keep one full administrator" rule was checked on the users read after `guard`, and
/// holds only if no other such change committed since — of two administrators demoting,
/// disabling or deleting themselves at once, one wins and the other gets 409.
async fn save(backend: &Backend, before: &User, after: &User, guard: AdminGuard) -> Result<(), ApiError> {
    let written = if access::is_full_admin(before) {
        backend.users.put_user_guarded(after, guard).await
    } else {
        backend.users.put_user(after).await
    };
    written.map(|_| ()).map_err(conflict)
}

async fn unlock(backend: &Backend, svc: &Services, auth: &AuthContext, call: &Call) -> Reply {
    let user = target(backend, auth, call).await?;
    access::check_may_manage(&auth.permissions, &user)?;
    let was_locked = svc.lockout.get(&auth.tenant, &lockout::Counter::User(user.id.clone())).await?.is_locked(svc.clock.now());
    svc.lockout.clear(&auth.tenant, &lockout::Counter::User(user.id.clone())).await?;
    let mut body = view(&user, Some(false));
    body.was_locked = Some(was_locked);
    with_target(http::json_response(StatusCode::OK, &body), &user.id)
}

async fn reset_mfa(backend: &Backend, svc: &Services, auth: &AuthContext, call: &Call) -> Reply {
    let user = target(backend, auth, call).await?;
    access::check_may_manage(&auth.permissions, &user)?;
    tolerate_missing(svc.provider.reset_mfa(&identity::username(&auth.tenant, &user.id)).await)?;
    with_target(http::json_response(StatusCode::OK, &view(&user, None)), &user.id)
}

async fn delete(backend: &Backend, svc: &Services, auth: &AuthContext, call: &Call) -> Reply {
    let guard = backend.users.admin_guard(&auth.tenant).await?;
    let before = target(backend, auth, call).await?;
    access::check_may_manage(&auth.permissions, &before)?;
    let users = backend.users.list_users(&auth.tenant).await?;
    access::check_keeps_full_admin(&users, &before, None)?;
    let mut after = before.clone();
    after.status = UserStatus::Deleted;
    after.tokens_valid_after = http::revoke_after(http::now_millis());
    save(backend, &before, &after, guard).await?;
    tolerate_missing(svc.provider.delete_user(&identity::username(&auth.tenant, &before.id)).await)?;
    let resp = Response::builder().status(StatusCode::NO_CONTENT).body(Body::Empty).map_err(ApiError::internal);
    with_target(resp, &before.id)
}
