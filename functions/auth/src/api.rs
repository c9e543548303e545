//! The bodies of the `/auth/*` routes and `GET /me`, as the handlers read and write them.
//! With the `schema` feature they also derive JSON Schemas, which `infra/openapi.yaml`
//! carries (generated, so the document cannot drift from these types).

use platform::auth::{Permission, Role};
use platform::identity::MfaStatus;
use platform::ports::UserStatus;
use serde::{Deserialize, Serialize};

/// `POST /auth/sign-in`.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct SignInRequest {
    /// The company id.
    pub tenant: String,
    pub email: String,
    pub password: String,
}

/// `POST /auth/challenge`: the answer to the challenge a sign-in step returned.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ChallengeRequest {
    pub tenant: String,
    pub email: String,
    /// The `challenge` of the step being answered.
    pub challenge: String,
    pub session: String,
    /// The code, for `EMAIL_OTP`, `SMS_MFA` and `SOFTWARE_TOKEN_MFA`.
    #[serde(default)]
    pub code: Option<String>,
    /// The new password, for `NEW_PASSWORD_REQUIRED`.
    #[serde(default)]
    pub new_password: Option<String>,
}

/// `POST /auth/refresh` and `POST /auth/sign-out`.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

/// `POST /auth/password/forgot`.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ForgotPasswordRequest {
    pub tenant: String,
    pub email: String,
}

/// `POST /auth/password/reset`: the e-mailed code and the new password.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ResetPasswordRequest {
    pub tenant: String,
    pub email: String,
    pub code: String,
    pub new_password: String,
}

/// `POST /auth/password/change`.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordRequest {
    pub current_password: String,
    pub new_password: String,
}

/// The account's current password, asked again before a change to its second factors
/// (`POST /auth/mfa/totp/setup`).
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Reauthentication {
    pub current_password: String,
}

/// A one-time code (`POST /auth/mfa/totp/verify`, `POST /auth/mfa/phone/confirm`).
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CodeRequest {
    pub code: String,
}

/// `PUT /auth/mfa/preference`.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct MfaPreferenceRequest {
    /// `email`, `sms`, `totp` or `none`.
    pub method: String,
    #[serde(default)]
    pub current_password: String,
}

/// `POST /auth/mfa/phone`.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PhoneRequest {
    /// E.164, e.g. `+819012345678`.
    pub phone_number: String,
    #[serde(default)]
    pub current_password: String,
}

/// Tokens of a completed sign-in or refresh.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TokensView {
    /// Always `Bearer`.
    pub token_type: String,
    pub access_token: String,
    /// Seconds the access token stays valid.
    pub expires_in: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
}

/// The answer to a sign-in, challenge or refresh step: tokens, or the next challenge.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum SignInStep {
    SignedIn {
        tokens: TokensView,
    },
    Challenge {
        challenge: platform::identity::ChallengeKind,
        session: String,
        /// Where the code went, masked (`e***@example.com`, `+*******5678`).
        destination: Option<String>,
    },
}

/// `POST /auth/password/forgot` answers the same whether or not the account exists.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ForgotPasswordAnswer {
    /// Always `code_sent_if_the_account_exists`.
    pub status: String,
}

/// `POST /auth/mfa/totp/setup`: the authenticator's shared secret.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TotpSetup {
    /// Base32, for typing in by hand.
    pub secret: String,
    /// `otpauth://totp/…`, for the QR code.
    pub otpauth_uri: String,
}

/// `GET /me`: the caller.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Me {
    pub user: MeUser,
    pub company: MeCompany,
    pub role: Role,
    pub permissions: Vec<Permission>,
    /// `null` when the identity provider does not know the user.
    pub mfa: Option<MfaStatus>,
    /// The address the request came from, as the service saw it.
    pub source_ip: Option<String>,
}

#[derive(Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct MeUser {
    pub id: String,
    pub email: String,
    pub name: String,
    pub status: UserStatus,
}

#[derive(Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct MeCompany {
    pub id: String,
    pub name: String,
}
