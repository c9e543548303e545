//! The `auth` function: sign-in with password and second factor, token refresh, sign-out,
//! password reset and change, authenticator set-up, MFA preference and `GET /me`.
//!
//! The sign-in routes are public: each makes its own checks through [`platform::signin`]
//! (company, IP allow-list, lock, status) before the identity provider is asked.

pub mod api;

use std::sync::Arc;

use api::*;

use lambda_http::{http::StatusCode, Body, Request, Response};
use platform::error::{ApiError, FieldError};
use platform::http::{self, Call, Reply};
use platform::identity::{self, AuthStep, Caller, ChallengeKind, IdentityError, MfaMethod, MfaPreference, Services, Tokens};
use platform::ports::AuditResult;
use platform::signin::{self, Origin};
use platform::{password, Backend};

/// Largest request body accepted, in bytes.
pub const MAX_BODY_BYTES: usize = 16 * 1024;

/// The Lambda entry point: every request goes through the shared checks first.
pub async fn handle(backend: Arc<Backend>, req: Request) -> Response<Body> {
    http::dispatch(backend, req, route).await
}

async fn route(backend: Arc<Backend>, call: Call) -> Reply {
    let services = identity::services(&call.req)?;
    let svc = services.as_ref();
    match call.route.key().as_str() {
        "POST /auth/sign-in" => sign_in(&backend, svc, &call).await,
        "POST /auth/challenge" => challenge(&backend, svc, &call).await,
        "POST /auth/refresh" => refresh(&backend, svc, &call).await,
        "POST /auth/sign-out" => sign_out(&backend, svc, &call).await,
        "POST /auth/password/forgot" => forgot(&backend, svc, &call).await,
        "POST /auth/password/reset" => reset(&backend, svc, &call).await,
        "POST /auth/password/change" => change_password(&backend, svc, &call).await,
        "POST /auth/mfa/totp/setup" => totp_setup(&backend, svc, &call).await,
        "POST /auth/mfa/totp/verify" => totp_verify(&backend, svc, &call).await,
        "PUT /auth/mfa/preference" => mfa_preference(&backend, svc, &call).await,
        "POST /auth/mfa/phone" => phone_change(&backend, svc, &call).await,
        "POST /auth/mfa/phone/confirm" => phone_confirm(&backend, svc, &call).await,
        "GET /me" => me(&backend, svc, &call).await,
        _ => Err(ApiError::NotFound),
    }
}

fn origin(call: &Call) -> Origin {
    Origin { source_ip: call.source_ip, request_id: call.request_id.clone() }
}

fn no_content() -> Reply {
    Response::builder().status(StatusCode::NO_CONTENT).body(Body::Empty).map_err(ApiError::internal)
}

fn signed_in(t: &Tokens) -> SignInStep {
    SignInStep::SignedIn {
        tokens: TokensView {
            token_type: "Bearer".into(),
            access_token: t.access_token.clone(),
            expires_in: t.expires_in,
            id_token: t.id_token.clone(),
            refresh_token: t.refresh_token.clone(),
        },
    }
}

/// Answer a password or challenge step: tokens (the sign-in is complete) or the next challenge.
async fn answer_step(attempt: &signin::Attempt<'_>, step: AuthStep) -> Reply {
    match step {
        AuthStep::Tokens(t) => {
            attempt.succeeded("signed_in").await?;
            http::json_response(StatusCode::OK, &signed_in(&t))
        }
        AuthStep::Challenge(c) => {
            attempt.audit(attempt.operation, AuditResult::Success, &format!("challenge {}", c.kind.as_str())).await;
            http::json_response(
                StatusCode::OK,
                &SignInStep::Challenge { challenge: c.kind, session: c.session, destination: c.destination },
            )
        }
    }
}

/// The least time a refused sign-in takes. An unknown company or user, a disabled or locked
/// account and a wrong password do different work (a wrong password also counts the failure
/// in the store), so without a floor the clock would tell them apart.
const FAILED_SIGN_IN_MIN: std::time::Duration = std::time::Duration::from_millis(400);

async fn sign_in(backend: &Backend, svc: &Services, call: &Call) -> Reply {
    let started = tokio::time::Instant::now();
    let reply = sign_in_steps(backend, svc, call).await;
    if matches!(reply, Err(ApiError::Unauthenticated { .. })) {
        tokio::time::sleep_until(started + FAILED_SIGN_IN_MIN).await;
    }
    reply
}

async fn sign_in_steps(backend: &Backend, svc: &Services, call: &Call) -> Reply {
    let body: SignInRequest = call.json(MAX_BODY_BYTES)?;
    let attempt = match signin::begin(backend, svc, &body.tenant, &body.email, &origin(call), "auth.sign_in").await {
        Ok(a) => a,
        Err(e @ ApiError::Unauthenticated { .. }) => {
            signin::equalize(svc, &body.password).await;
            return Err(e);
        }
        Err(e) => return Err(e),
    };
    let username = attempt.username();
    if attempt.tenant.settings.mfa_required {
        match svc.provider.mfa_status(&username).await {
            Ok(status) if status.preferred.is_none() => {
                svc.provider.set_mfa_preference(&username, MfaPreference { preferred: Some(MfaMethod::Email) }).await?;
            }
            Ok(_) => {}
            Err(IdentityError::UserNotFound) => {}
            Err(e) => return Err(e.into()),
        }
    }
    attempt.wait_for_revocation_edge().await;
    match svc.provider.password_auth(&username, &body.password).await {
        Ok(step) => answer_step(&attempt, step).await,
        Err(IdentityError::NotAuthorized | IdentityError::UserNotFound) => {
            Err(attempt.failed("invalid_credentials", signin::invalid_credentials()).await)
        }
        Err(e) => {
            attempt.audit("auth.sign_in", AuditResult::Failed, "provider_error").await;
            Err(e.into())
        }
    }
}

async fn challenge(backend: &Backend, svc: &Services, call: &Call) -> Reply {
    let body: ChallengeRequest = call.json(MAX_BODY_BYTES)?;
    let kind = ChallengeKind::parse(&body.challenge).ok_or_else(|| {
        ApiError::bad_field(FieldError::body(
            "/challenge",
            "invalid_value",
            "one of EMAIL_OTP, SMS_MFA, SOFTWARE_TOKEN_MFA, NEW_PASSWORD_REQUIRED, MFA_SETUP",
        ))
    })?;
    let answer = if kind == ChallengeKind::NewPasswordRequired {
        let p = body.new_password.ok_or_else(|| ApiError::bad_field(FieldError::body("/new_password", "required", "the new password is required")))?;
        password::require("/new_password", &p)?;
        p
    } else {
        let c = body.code.ok_or_else(|| ApiError::bad_field(FieldError::body("/code", "required", "the code is required")))?;
        if c.trim().is_empty() || c.len() > 16 {
            return Err(ApiError::bad_field(FieldError::body("/code", "invalid_value", "the code has 6 digits")));
        }
        c
    };
    let attempt = signin::begin(backend, svc, &body.tenant, &body.email, &origin(call), "auth.challenge").await?;
    attempt.wait_for_revocation_edge().await;
    match svc.provider.respond_to_challenge(&attempt.username(), kind, &body.session, &answer).await {
        Ok(step) => answer_step(&attempt, step).await,
        Err(IdentityError::CodeMismatch) => Err(attempt.failed("invalid_code", ApiError::Unauthenticated { code: "invalid_code" }).await),
        Err(IdentityError::NotAuthorized) => Err(attempt.failed("invalid_code", ApiError::Unauthenticated { code: "invalid_code" }).await),
        Err(IdentityError::Expired) => {
            attempt.audit("auth.challenge", AuditResult::Failed, "expired").await;
            Err(ApiError::Unauthenticated { code: "challenge_expired" })
        }
        Err(IdentityError::InvalidPassword(reason)) => Err(ApiError::BadRequest {
            code: "weak_password",
            detail: reason.clone(),
            errors: vec![FieldError::body("/new_password", "password_policy", reason)],
        }),
        Err(e) => Err(e.into()),
    }
}

/// The user a refresh token belongs to, checked like a sign-in (IP allow-list, status).
async fn refreshed(backend: &Backend, svc: &Services, call: &Call, refresh_token: &str) -> Result<(Tokens, platform::ports::User, platform::ports::Tenant), ApiError> {
    let tokens = match svc.provider.refresh(refresh_token).await {
        Ok(t) => t,
        Err(IdentityError::NotAuthorized | IdentityError::UserNotFound | IdentityError::Expired) => {
            return Err(ApiError::Unauthenticated { code: "invalid_refresh_token" })
        }
        Err(e) => return Err(e.into()),
    };
    let user = backend.users.user_by_sub(&tokens.sub).await?.ok_or(ApiError::Unauthenticated { code: "invalid_refresh_token" })?;
    let tenant = backend.tenants.get_tenant(&user.tenant).await?.ok_or(ApiError::Unauthenticated { code: "invalid_refresh_token" })?;
    let now = svc.clock.now();
    if !platform::access::ip_allowed(&tenant.settings.ip_allow_list, call.source_ip) {
        signin::audit(backend, &tenant, Some(&user), None, "auth.refresh", AuditResult::Denied, "ip_not_allowed", call.source_ip, &call.request_id, now).await;
        return Err(signin::ip_not_allowed());
    }
    if let Some(refused) = platform::tenancy::refusal(&tenant, Some("GET /me")) {
        signin::audit(backend, &tenant, Some(&user), None, "auth.refresh", AuditResult::Denied, "tenant_not_active", call.source_ip, &call.request_id, now).await;
        return Err(refused);
    }
    if user.status != platform::ports::UserStatus::Active {
        signin::audit(backend, &tenant, Some(&user), None, "auth.refresh", AuditResult::Denied, "user_disabled", call.source_ip, &call.request_id, now).await;
        return Err(ApiError::Forbidden { code: "user_disabled", detail: "This account is disabled.".into() });
    }
    Ok((tokens, user, tenant))
}

async fn refresh(backend: &Backend, svc: &Services, call: &Call) -> Reply {
    let body: RefreshRequest = call.json(MAX_BODY_BYTES)?;
    let (mut tokens, user, tenant) = refreshed(backend, svc, call, &body.refresh_token).await?;
    if user.tokens_valid_after > http::now_millis() {
        signin::wait_until(user.tokens_valid_after).await;
        tokens = svc.provider.refresh(&body.refresh_token).await?;
    }
    signin::audit(backend, &tenant, Some(&user), None, "auth.refresh", AuditResult::Success, "refreshed", call.source_ip, &call.request_id, svc.clock.now()).await;
    http::json_response(StatusCode::OK, &signed_in(&tokens))
}

async fn sign_out(backend: &Backend, svc: &Services, call: &Call) -> Reply {
    let body: RefreshRequest = call.json(MAX_BODY_BYTES)?;
    let (_, mut user, tenant) = refreshed(backend, svc, call, &body.refresh_token).await?;
    svc.provider.global_sign_out(&identity::username(&user.tenant, &user.id)).await?;
    user.tokens_valid_after = http::revoke_after(http::now_millis());
    backend.users.put_user(&user).await?;
    signin::audit(backend, &tenant, Some(&user), None, "auth.sign_out", AuditResult::Success, "signed_out", call.source_ip, &call.request_id, svc.clock.now()).await;
    no_content()
}

/// The least time `/auth/password/forgot` takes, so that sending a code (a provider call and
/// a message) and sending nothing cannot be told apart by the clock.
const FORGOT_MIN: std::time::Duration = std::time::Duration::from_millis(400);

/// Always 202 with the same body, whether the account exists, is disabled or locked.
async fn forgot(backend: &Backend, svc: &Services, call: &Call) -> Reply {
    let body: ForgotPasswordRequest = call.json(MAX_BODY_BYTES)?;
    let started = tokio::time::Instant::now();
    let accepted = || async {
        tokio::time::sleep_until(started + FORGOT_MIN).await;
        http::json_response(StatusCode::ACCEPTED, &ForgotPasswordAnswer { status: "code_sent_if_the_account_exists".into() })
    };
    let attempt = match signin::begin(backend, svc, &body.tenant, &body.email, &origin(call), "auth.password_forgot").await {
        Ok(a) => a,
        Err(ApiError::Unauthenticated { code: "invalid_credentials" }) => return accepted().await,
        Err(e) => return Err(e),
    };
    match svc.provider.forgot_password(&attempt.username()).await {
        Ok(()) | Err(IdentityError::UserNotFound) => {}
        Err(e) => return Err(e.into()),
    }
    attempt.audit("auth.password_forgot", AuditResult::Success, "code_sent").await;
    accepted().await
}

async fn reset(backend: &Backend, svc: &Services, call: &Call) -> Reply {
    let body: ResetPasswordRequest = call.json(MAX_BODY_BYTES)?;
    password::require("/new_password", &body.new_password)?;
    // An unknown or disabled account gets the answer of a wrong code.
    let attempt = match signin::begin(backend, svc, &body.tenant, &body.email, &origin(call), "auth.password_reset").await {
        Ok(a) => a,
        Err(ApiError::Unauthenticated { code: "invalid_credentials" }) => return Err(ApiError::Unauthenticated { code: "invalid_code" }),
        Err(e) => return Err(e),
    };
    let username = attempt.username();
    match svc.provider.confirm_forgot_password(&username, &body.code, &body.new_password).await {
        Ok(()) => {}
        Err(IdentityError::CodeMismatch | IdentityError::Expired | IdentityError::UserNotFound) => {
            return Err(attempt.failed("invalid_code", ApiError::Unauthenticated { code: "invalid_code" }).await)
        }
        Err(IdentityError::InvalidPassword(reason)) => {
            return Err(ApiError::BadRequest {
                code: "weak_password",
                detail: reason.clone(),
                errors: vec![FieldError::body("/new_password", "password_policy", reason)],
            })
        }
        Err(e) => return Err(e.into()),
    }
    svc.provider.global_sign_out(&username).await?;
    let mut user = attempt.user.clone();
    user.tokens_valid_after = http::revoke_after(http::now_millis());
    backend.users.put_user(&user).await?;
    attempt.succeeded("password_reset").await?;
    no_content()
}

fn bearer(call: &Call) -> &str {
    call.header("authorization")
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
        .map(str::trim)
        .unwrap_or("")
}

/// A wrong current password counts toward the lock like a wrong sign-in password: a stolen
/// token must not become an unlimited password oracle.
async fn change_password(backend: &Backend, svc: &Services, call: &Call) -> Reply {
    let auth = call.auth()?;
    let body: ChangePasswordRequest = call.json(MAX_BODY_BYTES)?;
    password::require("/new_password", &body.new_password)?;
    let username = signin::username_of(auth);
    let tenant = backend.tenants.get_tenant(&auth.tenant).await?.ok_or(ApiError::NotFound)?;
    signin::check_address(svc, &auth.tenant, call.source_ip).await?;
    signin::check_user_lock(svc, &auth.tenant, &auth.user).await?;
    let caller = Caller { username: &username, access_token: bearer(call) };
    match svc.provider.change_password(&caller, &body.current_password, &body.new_password).await {
        Ok(()) => {}
        Err(IdentityError::NotAuthorized) => {
            let wrong = ApiError::bad_field(FieldError::body("/current_password", "incorrect", "the current password is not correct"));
            return Err(wrong_secret(backend, svc, call, &tenant, "auth.password_change", wrong).await);
        }
        Err(IdentityError::InvalidPassword(reason)) => {
            return Err(ApiError::BadRequest {
                code: "weak_password",
                detail: reason.clone(),
                errors: vec![FieldError::body("/new_password", "password_policy", reason)],
            })
        }
        Err(e) => return Err(e.into()),
    }
    svc.provider.global_sign_out(&username).await?;
    let mut user = backend.users.get_user(&auth.tenant, &auth.user).await?.ok_or(ApiError::NotFound)?;
    user.tokens_valid_after = http::revoke_after(http::now_millis());
    backend.users.put_user(&user).await?;
    svc.lockout.clear(&auth.tenant, &platform::lockout::Counter::User(auth.user.clone())).await?;
    no_content()
}

/// Count a wrong secret given by a signed-in caller (current password, authenticator code)
/// toward their lock and the address's throttle, audit it, and return `error` or, when this
/// failure locked the account, `account_locked`.
async fn wrong_secret(backend: &Backend, svc: &Services, call: &Call, tenant: &platform::ports::Tenant, operation: &'static str, error: ApiError) -> ApiError {
    let auth = match call.auth() {
        Ok(a) => a,
        Err(e) => return e,
    };
    let outcome = match signin::count_failure(svc, tenant, &auth.user, call.source_ip).await {
        Ok(o) => o,
        Err(e) => return e.into(),
    };
    let user = backend.users.get_user(&auth.tenant, &auth.user).await.ok().flatten();
    let now = svc.clock.now();
    let audit = |op: &'static str, result, detail: String| {
        let user = user.clone();
        async move {
            signin::audit(backend, tenant, user.as_ref(), None, op, result, &detail, call.source_ip, &call.request_id, now).await
        }
    };
    audit(operation, AuditResult::Failed, "wrong_secret".into()).await;
    match outcome {
        platform::lockout::Outcome::Locked { by_this } => {
            if by_this {
                let threshold = platform::lockout::Policy::of(&tenant.settings).threshold;
                audit("auth.account_locked", AuditResult::Success, format!("after {threshold} failures")).await;
            }
            signin::account_locked()
        }
        platform::lockout::Outcome::Counted { .. } => error,
    }
}

/// Re-authentication before a change to the account's second factors: a session token
/// alone (a stolen one, say) cannot rebind the authenticator, change the phone number or
/// turn MFA off. A wrong password counts toward the lock like any other wrong secret.
async fn reauthenticate(backend: &Backend, svc: &Services, call: &Call, password: &str, operation: &'static str) -> Result<(), ApiError> {
    let auth = call.auth()?;
    if password.is_empty() {
        return Err(ApiError::bad_field(FieldError::body("/current_password", "required", "the current password is required for this change")));
    }
    signin::check_address(svc, &auth.tenant, call.source_ip).await?;
    signin::check_user_lock(svc, &auth.tenant, &auth.user).await?;
    match svc.provider.verify_password(&signin::username_of(auth), password).await {
        Ok(()) => Ok(()),
        Err(IdentityError::NotAuthorized) => {
            let tenant = backend.tenants.get_tenant(&auth.tenant).await?.ok_or(ApiError::NotFound)?;
            let wrong = ApiError::bad_field(FieldError::body("/current_password", "incorrect", "the current password is not correct"));
            Err(wrong_secret(backend, svc, call, &tenant, operation, wrong).await)
        }
        Err(e) => Err(e.into()),
    }
}

/// After a change to the caller's second factors: audit it and tell the user by e-mail.
/// The change is made; a notice that cannot be sent is logged, not answered as a failure.
async fn security_changed(backend: &Backend, svc: &Services, call: &Call, change: platform::mail::SecurityChange, operation: &str, detail: &str) -> Result<(), ApiError> {
    let auth = call.auth()?;
    let tenant = backend.tenants.get_tenant(&auth.tenant).await?.ok_or(ApiError::NotFound)?;
    let user = backend.users.get_user(&auth.tenant, &auth.user).await?.ok_or(ApiError::NotFound)?;
    let now = svc.clock.now();
    signin::audit(backend, &tenant, Some(&user), None, operation, AuditResult::Success, detail, call.source_ip, &call.request_id, now).await;
    if let Err(e) = svc.mailer.send(&change.notice(&user.email, now, call.source_ip)).await {
        tracing::error!(request_id = %call.request_id, error = ?e, "security notice not sent");
    }
    Ok(())
}

async fn totp_setup(backend: &Backend, svc: &Services, call: &Call) -> Reply {
    let auth = call.auth()?;
    let body: Reauthentication = call.json(MAX_BODY_BYTES)?;
    reauthenticate(backend, svc, call, &body.current_password, "auth.mfa_setup").await?;
    let username = signin::username_of(auth);
    let secret = svc.provider.associate_software_token(&Caller { username: &username, access_token: bearer(call) }).await?;
    let user = backend.users.get_user(&auth.tenant, &auth.user).await?.ok_or(ApiError::NotFound)?;
    let label: String = form_encode(&format!("Kyocho:{}", user.email));
    let uri = format!("otpauth://totp/{label}?secret={secret}&issuer=Kyocho&algorithm=SHA1&digits=6&period=30");
    http::json_response(StatusCode::OK, &TotpSetup { secret, otpauth_uri: uri })
}

fn form_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b':' | b'@' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A one-time code as typed: six digits (spaces around it ignored), refused before any
/// provider sees it, so every provider answers a malformed code the same way.
fn six_digits(code: &str) -> Result<&str, ApiError> {
    let code = code.trim();
    if code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()) {
        Ok(code)
    } else {
        Err(ApiError::bad_field(FieldError::body("/code", "invalid_value", "the code has 6 digits")))
    }
}

async fn totp_verify(backend: &Backend, svc: &Services, call: &Call) -> Reply {
    let auth = call.auth()?;
    let body: CodeRequest = call.json(MAX_BODY_BYTES)?;
    let code = six_digits(&body.code)?;
    let username = signin::username_of(auth);
    signin::check_address(svc, &auth.tenant, call.source_ip).await?;
    signin::check_user_lock(svc, &auth.tenant, &auth.user).await?;
    match svc.provider.verify_software_token(&Caller { username: &username, access_token: bearer(call) }, code).await {
        Ok(()) => {}
        Err(IdentityError::CodeMismatch) => {
            let tenant = backend.tenants.get_tenant(&auth.tenant).await?.ok_or(ApiError::NotFound)?;
            let wrong = ApiError::bad_field(FieldError::body("/code", "invalid_code", "the code is not correct"));
            return Err(wrong_secret(backend, svc, call, &tenant, "auth.mfa_verify", wrong).await);
        }
        Err(e) => return Err(e.into()),
    }
    svc.provider.set_mfa_preference(&username, MfaPreference { preferred: Some(MfaMethod::Totp) }).await?;
    security_changed(backend, svc, call, platform::mail::SecurityChange::Authenticator, "auth.mfa_authenticator", "authenticator app set up").await?;
    http::json_response(StatusCode::OK, &svc.provider.mfa_status(&username).await?)
}

/// An E.164 phone number: `+` then 8–15 digits.
fn parse_phone(s: &str) -> Option<String> {
    let digits = s.strip_prefix('+')?;
    (8..=15).contains(&digits.len()).then_some(())?;
    digits.bytes().all(|b| b.is_ascii_digit()).then(|| s.to_owned())
}

async fn mfa_preference(backend: &Backend, svc: &Services, call: &Call) -> Reply {
    let auth = call.auth()?;
    let body: MfaPreferenceRequest = call.json(MAX_BODY_BYTES)?;
    let method = match body.method.as_str() {
        "email" => Some(MfaMethod::Email),
        "sms" => Some(MfaMethod::Sms),
        "totp" => Some(MfaMethod::Totp),
        "none" => None,
        _ => return Err(ApiError::bad_field(FieldError::body("/method", "invalid_value", "one of email, sms, totp, none"))),
    };
    let mfa_required = |tenant: Option<platform::ports::Tenant>| tenant.is_some_and(|t| t.settings.mfa_required);
    if method.is_none() && mfa_required(backend.tenants.get_tenant(&auth.tenant).await?) {
        return Err(ApiError::Conflict { code: "mfa_required", detail: "This company requires a second factor for every user.".into() });
    }
    reauthenticate(backend, svc, call, &body.current_password, "auth.mfa_preference").await?;
    let username = signin::username_of(auth);
    let before = svc.provider.mfa_status(&username).await?.preferred;
    match svc.provider.set_mfa_preference(&username, MfaPreference { preferred: method }).await {
        Ok(()) => {}
        Err(IdentityError::InvalidRequest(detail)) => {
            return Err(ApiError::bad_field(FieldError::body("/method", "not_set_up", detail)))
        }
        Err(e) => return Err(e.into()),
    }
    // An administrator may have required MFA between the check above and the change: read
    // the setting again and put the second factor back rather than leave the user without.
    if method.is_none() && mfa_required(backend.tenants.get_tenant(&auth.tenant).await?) {
        svc.provider.set_mfa_preference(&username, MfaPreference { preferred: before }).await?;
        return Err(ApiError::Conflict { code: "mfa_required", detail: "This company requires a second factor for every user.".into() });
    }
    if before != method {
        let detail = format!("second factor: {}", method.map(|m| m.name()).unwrap_or("none"));
        security_changed(backend, svc, call, platform::mail::SecurityChange::Preference(method), "auth.mfa_preference", &detail).await?;
    }
    http::json_response(StatusCode::OK, &svc.provider.mfa_status(&username).await?)
}

/// `POST /auth/mfa/phone`: a new number for SMS codes, after the password; a code goes to
/// the number, and the number is used only once `POST /auth/mfa/phone/confirm` has it.
async fn phone_change(backend: &Backend, svc: &Services, call: &Call) -> Reply {
    let auth = call.auth()?;
    let body: PhoneRequest = call.json(MAX_BODY_BYTES)?;
    let phone = parse_phone(body.phone_number.trim())
        .ok_or_else(|| ApiError::bad_field(FieldError::body("/phone_number", "invalid_value", "an E.164 number such as +819012345678")))?;
    reauthenticate(backend, svc, call, &body.current_password, "auth.mfa_phone").await?;
    let username = signin::username_of(auth);
    svc.provider.start_phone_change(&Caller { username: &username, access_token: bearer(call) }, &phone).await?;
    http::json_response(StatusCode::ACCEPTED, &svc.provider.mfa_status(&username).await?)
}

async fn phone_confirm(backend: &Backend, svc: &Services, call: &Call) -> Reply {
    let auth = call.auth()?;
    let body: CodeRequest = call.json(MAX_BODY_BYTES)?;
    let code = six_digits(&body.code)?;
    signin::check_address(svc, &auth.tenant, call.source_ip).await?;
    signin::check_user_lock(svc, &auth.tenant, &auth.user).await?;
    let username = signin::username_of(auth);
    match svc.provider.confirm_phone_change(&Caller { username: &username, access_token: bearer(call) }, code).await {
        Ok(()) => {}
        Err(IdentityError::CodeMismatch) => {
            let tenant = backend.tenants.get_tenant(&auth.tenant).await?.ok_or(ApiError::NotFound)?;
            let wrong = ApiError::bad_field(FieldError::body("/code", "invalid_code", "the code is not correct"));
            return Err(wrong_secret(backend, svc, call, &tenant, "auth.mfa_phone_confirm", wrong).await);
        }
        Err(IdentityError::InvalidRequest(detail)) => return Err(ApiError::bad_field(FieldError::body("/code", "no_pending_change", detail))),
        Err(e) => return Err(e.into()),
    }
    security_changed(backend, svc, call, platform::mail::SecurityChange::PhoneNumber, "auth.mfa_phone", "phone number confirmed").await?;
    http::json_response(StatusCode::OK, &svc.provider.mfa_status(&username).await?)
}

async fn me(backend: &Backend, svc: &Services, call: &Call) -> Reply {
    let auth = call.auth()?;
    let user = backend.users.get_user(&auth.tenant, &auth.user).await?.ok_or(ApiError::NotFound)?;
    let mfa = match svc.provider.mfa_status(&signin::username_of(auth)).await {
        Ok(status) => Some(status),
        Err(IdentityError::UserNotFound) => None,
        Err(e) => return Err(e.into()),
    };
    http::json_response(
        StatusCode::OK,
        &Me {
            user: MeUser { id: user.id.to_string(), email: user.email, name: user.name, status: user.status },
            company: MeCompany { id: auth.tenant.to_string(), name: auth.tenant_name.clone() },
            role: auth.role,
            permissions: auth.permissions.iter().copied().collect(),
            mfa,
            source_ip: call.source_ip.map(|ip| ip.to_string()),
        },
    )
}
