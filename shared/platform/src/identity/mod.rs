//! The identity port: what the sign-in flow needs from an identity provider (passwords,
//! challenges, MFA, tokens, administrator actions), with a Cognito adapter ([`cognito`]) and a
//! local one ([`local`]: argon2id, RFC 6238 TOTP, codes written to an outbox).
//!
//! Handlers reach the provider through [`Services`], which the runtime (the Lambda wrapper
//! [`run`] or the local gateway) puts into every request's extensions.

pub mod cognito;
pub mod dynamo_lockout;
pub mod local;
pub mod totp;

use std::future::Future;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::ids::{TenantId, UserId};
use crate::lockout::LockoutStore;

/// The identity provider's user name of a user: `<tenant>.<user id>` (ids never hold a dot,
/// so the pair is unambiguous and unique across the pool).
pub fn username(tenant: &TenantId, user: &UserId) -> String {
    format!("{tenant}.{user}")
}

/// A second factor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum MfaMethod {
    /// A code sent by e-mail (Cognito `EMAIL_OTP`).
    Email,
    /// A code sent by SMS (Cognito `SMS_MFA`).
    Sms,
    /// An authenticator app (Cognito `SOFTWARE_TOKEN_MFA`, RFC 6238).
    Totp,
}

impl MfaMethod {
    /// The method's name in the API (`email`, `sms`, `totp`).
    pub fn name(self) -> &'static str {
        match self {
            MfaMethod::Email => "email",
            MfaMethod::Sms => "sms",
            MfaMethod::Totp => "totp",
        }
    }

    pub fn challenge(self) -> ChallengeKind {
        match self {
            MfaMethod::Email => ChallengeKind::EmailOtp,
            MfaMethod::Sms => ChallengeKind::SmsMfa,
            MfaMethod::Totp => ChallengeKind::SoftwareTokenMfa,
        }
    }
}

/// What the provider asks for before it issues tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ChallengeKind {
    EmailOtp,
    SmsMfa,
    SoftwareTokenMfa,
    NewPasswordRequired,
    MfaSetup,
}

impl ChallengeKind {
    /// Cognito's challenge name.
    pub fn as_str(self) -> &'static str {
        match self {
            ChallengeKind::EmailOtp => "EMAIL_OTP",
            ChallengeKind::SmsMfa => "SMS_MFA",
            ChallengeKind::SoftwareTokenMfa => "SOFTWARE_TOKEN_MFA",
            ChallengeKind::NewPasswordRequired => "NEW_PASSWORD_REQUIRED",
            ChallengeKind::MfaSetup => "MFA_SETUP",
        }
    }

    pub fn parse(s: &str) -> Option<ChallengeKind> {
        [Self::EmailOtp, Self::SmsMfa, Self::SoftwareTokenMfa, Self::NewPasswordRequired, Self::MfaSetup]
            .into_iter()
            .find(|c| c.as_str() == s)
    }

    /// Whether the answer is a one-time code (a wrong one counts toward lockout).
    pub fn is_code(self) -> bool {
        matches!(self, ChallengeKind::EmailOtp | ChallengeKind::SmsMfa | ChallengeKind::SoftwareTokenMfa | ChallengeKind::MfaSetup)
    }
}

/// A pending challenge: answer it with its `session`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Challenge {
    pub kind: ChallengeKind,
    pub session: String,
    /// Where a code was sent, masked (e.g. `a***@example.com`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub destination: Option<String>,
}

/// Issued tokens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tokens {
    pub access_token: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    /// Seconds the access token stays valid.
    pub expires_in: i64,
    /// The subject the tokens were issued to.
    #[serde(skip)]
    pub sub: String,
}

/// The result of a password or challenge step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthStep {
    Tokens(Tokens),
    Challenge(Challenge),
}

/// A user's second-factor settings as the provider holds them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct MfaStatus {
    pub preferred: Option<MfaMethod>,
    pub enabled: Vec<MfaMethod>,
    pub totp_configured: bool,
    /// The number SMS codes go to; only a confirmed number can be used.
    pub phone_number: Option<String>,
    /// Whether `phone_number` was confirmed with a code sent to it.
    pub phone_verified: bool,
    /// A new number waiting for its code (the local provider tells; Cognito does not).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pending_phone_number: Option<String>,
}

/// Which second factor a user wants; `None` turns MFA off for the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MfaPreference {
    pub preferred: Option<MfaMethod>,
}

/// A user to create at the provider.
#[derive(Debug, Clone)]
pub struct NewIdentity {
    pub username: String,
    pub tenant: TenantId,
    pub email: String,
    pub phone_number: Option<String>,
    pub password: InitialPassword,
}

/// How a new user's first password is set.
#[derive(Debug, Clone)]
pub enum InitialPassword {
    /// A temporary password sent in the invitation; the first sign-in must change it.
    Temporary(String),
    /// A permanent password (command-line set-up).
    Permanent(String),
}

/// Who is acting on their own account: the provider user name and the caller's access token
/// (Cognito's self-service calls take the token; the local provider uses the name).
#[derive(Debug, Clone)]
pub struct Caller<'a> {
    pub username: &'a str,
    pub access_token: &'a str,
}

/// What an identity provider call can fail with.
#[derive(Debug, thiserror::Error)]
pub enum IdentityError {
    /// Wrong user name or password (never says which).
    #[error("incorrect user name or password")]
    NotAuthorized,
    /// A wrong one-time code.
    #[error("the code is not correct")]
    CodeMismatch,
    /// An expired code or challenge session.
    #[error("the code or session has expired")]
    Expired,
    /// The password breaks the provider's policy (or is reused).
    #[error("the password does not meet the policy: {0}")]
    InvalidPassword(String),
    #[error("the user does not exist")]
    UserNotFound,
    #[error("the user already exists")]
    UserExists,
    #[error("the user is disabled")]
    UserDisabled,
    /// The request does not fit the user's state (e.g. SMS without a phone number).
    #[error("{0}")]
    InvalidRequest(String),
    #[error("too many requests")]
    TooManyRequests,
    #[error("identity provider unavailable")]
    Unavailable(#[source] anyhow::Error),
}

impl IdentityError {
    pub fn unavailable(e: impl Into<anyhow::Error>) -> Self {
        IdentityError::Unavailable(e.into())
    }
}

impl From<IdentityError> for crate::ApiError {
    fn from(e: IdentityError) -> Self {
        use crate::ApiError;
        match e {
            IdentityError::NotAuthorized => ApiError::Unauthenticated { code: "invalid_credentials" },
            IdentityError::CodeMismatch => ApiError::Unauthenticated { code: "invalid_code" },
            IdentityError::Expired => ApiError::Unauthenticated { code: "expired" },
            IdentityError::InvalidPassword(reason) => {
                ApiError::BadRequest { code: "weak_password", detail: reason.clone(), errors: vec![] }
            }
            IdentityError::UserNotFound => ApiError::NotFound,
            IdentityError::UserExists => ApiError::Conflict { code: "already_exists", detail: "The user already exists.".into() },
            IdentityError::UserDisabled => ApiError::Forbidden { code: "user_disabled", detail: "This account is disabled.".into() },
            IdentityError::InvalidRequest(detail) => ApiError::BadRequest { code: "invalid_request", detail, errors: vec![] },
            IdentityError::TooManyRequests => ApiError::Conflict { code: "too_many_requests", detail: "Too many requests; retry later.".into() },
            IdentityError::Unavailable(cause) => ApiError::Unavailable(cause),
        }
    }
}

/// The identity provider port.
#[async_trait]
pub trait IdentityProvider: Send + Sync {
    /// Create a user; returns the provider's subject (`sub`). A temporary password is sent
    /// to the user's e-mail address with the invitation.
    async fn create_user(&self, user: &NewIdentity) -> Result<String, IdentityError>;
    /// Start a sign-in with a password (Cognito `ADMIN_USER_PASSWORD_AUTH`).
    async fn password_auth(&self, username: &str, password: &str) -> Result<AuthStep, IdentityError>;
    /// Whether `password` is the user's current password (re-authentication before a
    /// security change); `NotAuthorized` when it is not.
    async fn verify_password(&self, username: &str, password: &str) -> Result<(), IdentityError>;
    /// Answer a challenge: a code, or the new password for `NEW_PASSWORD_REQUIRED`.
    async fn respond_to_challenge(&self, username: &str, kind: ChallengeKind, session: &str, answer: &str)
        -> Result<AuthStep, IdentityError>;
    /// New tokens for a refresh token.
    async fn refresh(&self, refresh_token: &str) -> Result<Tokens, IdentityError>;
    /// Revoke every refresh token of the user.
    async fn global_sign_out(&self, username: &str) -> Result<(), IdentityError>;
    /// Send a password-reset code to the user's e-mail address.
    async fn forgot_password(&self, username: &str) -> Result<(), IdentityError>;
    async fn confirm_forgot_password(&self, username: &str, code: &str, new_password: &str) -> Result<(), IdentityError>;
    async fn change_password(&self, caller: &Caller<'_>, old: &str, new: &str) -> Result<(), IdentityError>;
    /// Start authenticator set-up; returns the shared secret (base32).
    async fn associate_software_token(&self, caller: &Caller<'_>) -> Result<String, IdentityError>;
    /// Finish authenticator set-up with a code from the app.
    async fn verify_software_token(&self, caller: &Caller<'_>, code: &str) -> Result<(), IdentityError>;
    /// Start changing the caller's phone number for SMS codes: the new number is held
    /// pending (the old one, if any, stays in use) and a code is sent to it by SMS.
    async fn start_phone_change(&self, caller: &Caller<'_>, phone: &str) -> Result<(), IdentityError>;
    /// Confirm the pending phone number with the code sent to it; only then is it used.
    async fn confirm_phone_change(&self, caller: &Caller<'_>, code: &str) -> Result<(), IdentityError>;
    async fn set_mfa_preference(&self, username: &str, preference: MfaPreference) -> Result<(), IdentityError>;
    async fn mfa_status(&self, username: &str) -> Result<MfaStatus, IdentityError>;
    async fn disable_user(&self, username: &str) -> Result<(), IdentityError>;
    async fn enable_user(&self, username: &str) -> Result<(), IdentityError>;
    async fn delete_user(&self, username: &str) -> Result<(), IdentityError>;
    /// Remove every second factor of the user (lost phone or authenticator).
    async fn reset_mfa(&self, username: &str) -> Result<(), IdentityError>;
}

/// A clock that tests can move forward (lockout durations are minutes long).
#[derive(Debug, Default)]
pub struct Clock {
    offset_ms: AtomicI64,
}

impl Clock {
    /// Now, in milliseconds since the Unix epoch, plus any offset.
    pub fn now(&self) -> i64 {
        crate::http::now_millis() + self.offset_ms.load(Ordering::Relaxed)
    }

    /// Move this clock forward.
    pub fn advance(&self, by: std::time::Duration) {
        self.offset_ms.fetch_add(by.as_millis() as i64, Ordering::Relaxed);
    }
}

/// Everything the identity handlers need besides the records: the provider, the lockout
/// store, the clock lockouts are measured with and where account-change notices are sent.
pub struct Services {
    pub provider: Arc<dyn IdentityProvider>,
    pub lockout: Arc<dyn LockoutStore>,
    pub clock: Clock,
    pub mailer: Arc<dyn crate::mail::Mailer>,
}

/// The services the runtime attached to this request.
pub fn services(req: &lambda_http::Request) -> Result<Arc<Services>, crate::ApiError> {
    req.extensions()
        .get::<Arc<Services>>()
        .cloned()
        .ok_or_else(|| crate::ApiError::internal(anyhow::anyhow!("identity services are not attached to the request")))
}

/// Run a function that needs the identity provider as a Lambda: like [`crate::lambda::run`],
/// with the Cognito adapter and the DynamoDB lockout store built with the backend when the
/// first request arrives.
pub async fn run<F, Fut>(handler: F) -> Result<(), lambda_http::Error>
where
    F: Fn(Arc<crate::Backend>, lambda_http::Request) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = lambda_http::Response<lambda_http::Body>> + Send,
{
    crate::http::init_tracing();
    let cfg = Arc::new(crate::aws::AwsConfig::from_env()?);
    let build = move || {
        let cfg = cfg.clone();
        async move {
            // One SDK configuration (credentials, region, endpoint) for every client of this function.
            let sdk = cfg.sdk_config().await;
            let scope = Arc::new(crate::aws::scope::TenantScope::new(&sdk, cfg.tenant_role_arn.clone()));
            let backend = Arc::new(crate::aws::backend_in_scope(scope.clone(), &cfg));
            let services = Arc::new(Services {
                provider: Arc::new(cognito::CognitoIdentity::from_env(&sdk)?),
                lockout: Arc::new(dynamo_lockout::DynamoLockout::new(scope, cfg.table_name.clone())),
                clock: Clock::default(),
                mailer: Arc::new(crate::aws::SesMailer::new(
                    aws_sdk_sesv2::Client::new(&sdk),
                    // Only `auth` sends notices; where the sender is missing, sending fails and is logged.
                    std::env::var("KYOCHO_MAIL_FROM").unwrap_or_default(),
                )),
            });
            Ok((backend, services))
        }
    };
    crate::lambda::serve_lazy(build, move |state: Arc<(Arc<crate::Backend>, Arc<Services>)>, mut req: lambda_http::Request| {
        req.extensions_mut().insert(state.1.clone());
        let (handler, backend) = (handler.clone(), state.0.clone());
        async move { handler(backend, req).await }
    })
    .await
}
