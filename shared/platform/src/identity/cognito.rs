//! The Cognito adapter of the identity port. Sign-in uses the admin flow only
//! (`AdminInitiateAuth` with `ADMIN_USER_PASSWORD_AUTH`, `AdminRespondToAuthChallenge`), so that
//! every attempt passes the backend's own checks (IP allow-list, lockout) first.

use std::collections::HashMap;

use async_trait::async_trait;
use aws_sdk_cognitoidentityprovider as cip;
use cip::error::{ProvideErrorMetadata, SdkError};
use cip::types::{
    AttributeType, AuthFlowType, AuthenticationResultType, ChallengeNameType, DeliveryMediumType, EmailMfaSettingsType,
    MessageActionType, SmsMfaSettingsType, SoftwareTokenMfaSettingsType,
};

use super::*;

/// The user pool attribute holding the tenant id (immutable in the pool).
pub const TENANT_ATTRIBUTE: &str = "custom:tenant_id";

/// Cognito user pool and app client.
pub struct CognitoIdentity {
    client: cip::Client,
    pool_id: String,
    client_id: String,
}

fn map_err<E, R>(e: SdkError<E, R>) -> IdentityError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    let message = e.message().unwrap_or_default().to_owned();
    // The error code, from the response metadata or else from the modeled error's name.
    let code = e.code().map(str::to_owned).or_else(|| {
        e.as_service_error().map(|s| s.to_string()).and_then(|t| t.split([':', ' ']).next().map(str::to_owned))
    });
    match code.as_deref() {
        Some("NotAuthorizedException") if message.to_ascii_lowercase().contains("disabled") => IdentityError::UserDisabled,
        Some("NotAuthorizedException") => IdentityError::NotAuthorized,
        Some("CodeMismatchException") => IdentityError::CodeMismatch,
        Some("ExpiredCodeException") => IdentityError::Expired,
        Some("InvalidPasswordException" | "PasswordHistoryPolicyViolationException") => IdentityError::InvalidPassword(message),
        Some("UserNotFoundException") => IdentityError::UserNotFound,
        Some("UsernameExistsException" | "AliasExistsException") => IdentityError::UserExists,
        Some("TooManyRequestsException" | "LimitExceededException" | "TooManyFailedAttemptsException") => IdentityError::TooManyRequests,
        Some("InvalidParameterException" | "EnableSoftwareTokenMFAException" | "UserNotConfirmedException") => {
            IdentityError::InvalidRequest(message)
        }
        _ => IdentityError::unavailable(e),
    }
}

fn attribute(name: &str, value: &str) -> Result<AttributeType, IdentityError> {
    AttributeType::builder().name(name).value(value).build().map_err(IdentityError::unavailable)
}

/// The `sub` claim of a token Cognito issued (read, not verified: it came from Cognito).
pub fn token_subject(token: &str) -> Option<String> {
    use base64::Engine;
    let payload = token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    let claims: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    claims.get("sub")?.as_str().map(str::to_owned)
}

fn tokens(result: &AuthenticationResultType) -> Result<Tokens, IdentityError> {
    let access = result.access_token().ok_or_else(|| IdentityError::unavailable(anyhow::anyhow!("no access token in the result")))?;
    Ok(Tokens {
        access_token: access.to_owned(),
        id_token: result.id_token().map(str::to_owned),
        refresh_token: result.refresh_token().map(str::to_owned),
        expires_in: i64::from(result.expires_in()),
        sub: token_subject(access).unwrap_or_default(),
    })
}

fn step(
    result: Option<&AuthenticationResultType>,
    challenge: Option<&ChallengeNameType>,
    session: Option<&str>,
    parameters: Option<&HashMap<String, String>>,
) -> Result<AuthStep, IdentityError> {
    if let Some(result) = result {
        return tokens(result).map(AuthStep::Tokens);
    }
    let name = challenge.ok_or_else(|| IdentityError::unavailable(anyhow::anyhow!("neither tokens nor a challenge")))?;
    let kind = ChallengeKind::parse(name.as_str())
        .ok_or_else(|| IdentityError::unavailable(anyhow::anyhow!("unsupported challenge {}", name.as_str())))?;
    Ok(AuthStep::Challenge(Challenge {
        kind,
        session: session.unwrap_or_default().to_owned(),
        destination: parameters.and_then(|p| p.get("CODE_DELIVERY_DESTINATION")).cloned(),
    }))
}

fn challenge_name(kind: ChallengeKind) -> ChallengeNameType {
    ChallengeNameType::from(kind.as_str())
}

/// The response key Cognito expects for each challenge's answer.
pub fn answer_key(kind: ChallengeKind) -> &'static str {
    match kind {
        ChallengeKind::EmailOtp => "EMAIL_OTP_CODE",
        ChallengeKind::SmsMfa => "SMS_MFA_CODE",
        ChallengeKind::SoftwareTokenMfa => "SOFTWARE_TOKEN_MFA_CODE",
        ChallengeKind::NewPasswordRequired => "NEW_PASSWORD",
        ChallengeKind::MfaSetup => "SOFTWARE_TOKEN_MFA_CODE",
    }
}

fn method_of(setting: &str) -> Option<MfaMethod> {
    match setting {
        "EMAIL_OTP" => Some(MfaMethod::Email),
        "SMS_MFA" => Some(MfaMethod::Sms),
        "SOFTWARE_TOKEN_MFA" => Some(MfaMethod::Totp),
        _ => None,
    }
}

impl CognitoIdentity {
    pub fn new(client: cip::Client, pool_id: impl Into<String>, client_id: impl Into<String>) -> Self {
        CognitoIdentity { client, pool_id: pool_id.into(), client_id: client_id.into() }
    }

    /// Read `KYOCHO_USER_POOL_ID` and `KYOCHO_USER_POOL_CLIENT_ID`.
    pub fn from_env(sdk: &aws_config::SdkConfig) -> anyhow::Result<Self> {
        use anyhow::Context;
        let pool = std::env::var("KYOCHO_USER_POOL_ID").context("KYOCHO_USER_POOL_ID must name the user pool")?;
        let client = std::env::var("KYOCHO_USER_POOL_CLIENT_ID").context("KYOCHO_USER_POOL_CLIENT_ID must name the app client")?;
        Ok(Self::new(cip::Client::new(sdk), pool, client))
    }

    async fn set_mfa(&self, username: &str, preferred: Option<MfaMethod>) -> Result<(), IdentityError> {
        let on = |m: MfaMethod| preferred == Some(m);
        self.client
            .admin_set_user_mfa_preference()
            .user_pool_id(&self.pool_id)
            .username(username)
            .sms_mfa_settings(SmsMfaSettingsType::builder().enabled(on(MfaMethod::Sms)).preferred_mfa(on(MfaMethod::Sms)).build())
            .software_token_mfa_settings(
                SoftwareTokenMfaSettingsType::builder().enabled(on(MfaMethod::Totp)).preferred_mfa(on(MfaMethod::Totp)).build(),
            )
            .email_mfa_settings(EmailMfaSettingsType::builder().enabled(on(MfaMethod::Email)).preferred_mfa(on(MfaMethod::Email)).build())
            .send()
            .await
            .map_err(map_err)?;
        Ok(())
    }
}

fn attribute_value(attributes: &[cip::types::AttributeType], name: &str) -> Option<String> {
    attributes.iter().find(|a| a.name() == name).and_then(|a| a.value()).map(str::to_owned)
}

#[async_trait]
impl IdentityProvider for CognitoIdentity {
    async fn create_user(&self, user: &NewIdentity) -> Result<String, IdentityError> {
        let mut req = self
            .client
            .admin_create_user()
            .user_pool_id(&self.pool_id)
            .username(&user.username)
            .user_attributes(attribute("email", &user.email)?)
            .user_attributes(attribute("email_verified", "true")?)
            .user_attributes(attribute(TENANT_ATTRIBUTE, user.tenant.as_str())?);
        // A number an administrator types in is not verified: its owner confirms it with a
        // code before SMS codes go to it.
        if let Some(phone) = &user.phone_number {
            req = req.user_attributes(attribute("phone_number", phone)?);
        }
        req = match &user.password {
            InitialPassword::Temporary(p) => req.temporary_password(p).desired_delivery_mediums(DeliveryMediumType::Email),
            InitialPassword::Permanent(_) => req.message_action(MessageActionType::Suppress),
        };
        let out = req.send().await.map_err(map_err)?;
        if let InitialPassword::Permanent(p) = &user.password {
            self.client
                .admin_set_user_password()
                .user_pool_id(&self.pool_id)
                .username(&user.username)
                .password(p)
                .permanent(true)
                .send()
                .await
                .map_err(map_err)?;
        }
        out.user()
            .and_then(|u| u.attributes().iter().find(|a| a.name() == "sub"))
            .and_then(|a| a.value())
            .map(str::to_owned)
            .ok_or_else(|| IdentityError::unavailable(anyhow::anyhow!("AdminCreateUser returned no sub")))
    }

    async fn password_auth(&self, username: &str, password: &str) -> Result<AuthStep, IdentityError> {
        let out = self
            .client
            .admin_initiate_auth()
            .user_pool_id(&self.pool_id)
            .client_id(&self.client_id)
            .auth_flow(AuthFlowType::AdminUserPasswordAuth)
            .auth_parameters("USERNAME", username)
            .auth_parameters("PASSWORD", password)
            .send()
            .await
            .map_err(map_err)?;
        step(out.authentication_result(), out.challenge_name(), out.session(), out.challenge_parameters())
    }

    async fn respond_to_challenge(&self, username: &str, kind: ChallengeKind, session: &str, answer: &str)
        -> Result<AuthStep, IdentityError> {
        let out = self
            .client
            .admin_respond_to_auth_challenge()
            .user_pool_id(&self.pool_id)
            .client_id(&self.client_id)
            .challenge_name(challenge_name(kind))
            .session(session)
            .challenge_responses("USERNAME", username)
            .challenge_responses(answer_key(kind), answer)
            .send()
            .await
            .map_err(map_err)?;
        step(out.authentication_result(), out.challenge_name(), out.session(), out.challenge_parameters())
    }

    async fn refresh(&self, refresh_token: &str) -> Result<Tokens, IdentityError> {
        let out = self
            .client
            .admin_initiate_auth()
            .user_pool_id(&self.pool_id)
            .client_id(&self.client_id)
            .auth_flow(AuthFlowType::RefreshTokenAuth)
            .auth_parameters("REFRESH_TOKEN", refresh_token)
            .send()
            .await
            .map_err(map_err)?;
        let result = out.authentication_result().ok_or(IdentityError::NotAuthorized)?;
        tokens(result)
    }

    async fn global_sign_out(&self, username: &str) -> Result<(), IdentityError> {
        self.client.admin_user_global_sign_out().user_pool_id(&self.pool_id).username(username).send().await.map_err(map_err)?;
        Ok(())
    }

    async fn forgot_password(&self, username: &str) -> Result<(), IdentityError> {
        self.client.forgot_password().client_id(&self.client_id).username(username).send().await.map_err(map_err)?;
        Ok(())
    }

    async fn confirm_forgot_password(&self, username: &str, code: &str, new_password: &str) -> Result<(), IdentityError> {
        self.client
            .confirm_forgot_password()
            .client_id(&self.client_id)
            .username(username)
            .confirmation_code(code)
            .password(new_password)
            .send()
            .await
            .map_err(map_err)?;
        Ok(())
    }

    async fn change_password(&self, caller: &Caller<'_>, old: &str, new: &str) -> Result<(), IdentityError> {
        self.client
            .change_password()
            .access_token(caller.access_token)
            .previous_password(old)
            .proposed_password(new)
            .send()
            .await
            .map_err(map_err)?;
        Ok(())
    }

    async fn associate_software_token(&self, caller: &Caller<'_>) -> Result<String, IdentityError> {
        let out = self.client.associate_software_token().access_token(caller.access_token).send().await.map_err(map_err)?;
        out.secret_code().map(str::to_owned).ok_or_else(|| IdentityError::unavailable(anyhow::anyhow!("no secret code")))
    }

    async fn verify_software_token(&self, caller: &Caller<'_>, code: &str) -> Result<(), IdentityError> {
        let out = self
            .client
            .verify_software_token()
            .access_token(caller.access_token)
            .user_code(code)
            .send()
            .await
            .map_err(map_err)?;
        match out.status() {
            Some(cip::types::VerifySoftwareTokenResponseType::Success) => Ok(()),
            _ => Err(IdentityError::CodeMismatch),
        }
    }

    /// `UpdateUserAttributes` with the caller's own token: the pool keeps the confirmed
    /// number in use until the new one is verified (`AttributesRequireVerificationBeforeUpdate`
    /// in the template) and sends the code to the new number.
    /// `AdminInitiateAuth` with the password: tokens or any challenge mean the password was
    /// right. Cognito sends the user's e-mail or SMS code with such a challenge, which then
    /// goes unused; the notice that follows the change tells the user what happened.
    async fn verify_password(&self, username: &str, password: &str) -> Result<(), IdentityError> {
        self.password_auth(username, password).await.map(|_| ())
    }

    async fn start_phone_change(&self, caller: &Caller<'_>, phone: &str) -> Result<(), IdentityError> {
        self.client
            .update_user_attributes()
            .access_token(caller.access_token)
            .user_attributes(attribute("phone_number", phone)?)
            .send()
            .await
            .map_err(map_err)?;
        Ok(())
    }

    async fn confirm_phone_change(&self, caller: &Caller<'_>, code: &str) -> Result<(), IdentityError> {
        self.client
            .verify_user_attribute()
            .access_token(caller.access_token)
            .attribute_name("phone_number")
            .code(code)
            .send()
            .await
            .map_err(map_err)?;
        Ok(())
    }

    async fn set_mfa_preference(&self, username: &str, preference: MfaPreference) -> Result<(), IdentityError> {
        self.set_mfa(username, preference.preferred).await
    }

    async fn mfa_status(&self, username: &str) -> Result<MfaStatus, IdentityError> {
        let out = self.client.admin_get_user().user_pool_id(&self.pool_id).username(username).send().await.map_err(map_err)?;
        let enabled: Vec<MfaMethod> = out.user_mfa_setting_list().iter().filter_map(|s| method_of(s)).collect();
        Ok(MfaStatus {
            preferred: out.preferred_mfa_setting().and_then(method_of),
            totp_configured: enabled.contains(&MfaMethod::Totp),
            enabled,
            phone_number: attribute_value(out.user_attributes(), "phone_number"),
            phone_verified: attribute_value(out.user_attributes(), "phone_number_verified").as_deref() == Some("true"),
            pending_phone_number: None,
        })
    }

    async fn disable_user(&self, username: &str) -> Result<(), IdentityError> {
        self.client.admin_disable_user().user_pool_id(&self.pool_id).username(username).send().await.map_err(map_err)?;
        self.global_sign_out(username).await
    }

    async fn enable_user(&self, username: &str) -> Result<(), IdentityError> {
        self.client.admin_enable_user().user_pool_id(&self.pool_id).username(username).send().await.map_err(map_err)?;
        Ok(())
    }

    async fn delete_user(&self, username: &str) -> Result<(), IdentityError> {
        self.client.admin_delete_user().user_pool_id(&self.pool_id).username(username).send().await.map_err(map_err)?;
        Ok(())
    }

    async fn reset_mfa(&self, username: &str) -> Result<(), IdentityError> {
        self.set_mfa(username, None).await
    }
}
