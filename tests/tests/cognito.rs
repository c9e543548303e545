//! The Cognito adapter of the identity port, against `moto_server` for what moto implements
//! (the admin sign-in flow, NEW_PASSWORD_REQUIRED, authenticator set-up and challenge, SMS
//! challenge, administrator calls) and against mocked SDK responses for what it does not.
//!
//! Gaps in moto (5.2.5), covered here with `aws-smithy-mocks` instead:
//! - `EMAIL_OTP`: moto has no e-mail MFA; the challenge and answer shapes are mocked.
//! - moto does not check authenticator or SMS codes against a real secret or message, so
//!   a wrong code is shown with a mocked `CodeMismatchException`.
//! - moto has no password history (`PasswordHistorySize`); the local provider's test and the
//!   template test cover the policy.
//! - lockout is our own (before Cognito is asked), so nothing of it is in Cognito.

use aws_sdk_cognitoidentityprovider as cip;
use aws_smithy_mocks::{mock, mock_client};
use cip::types::{
    AttributeDataType, AuthFlowType, ChallengeNameType, ExplicitAuthFlowsType, PasswordPolicyType, SchemaAttributeType,
    UserPoolMfaType, UserPoolPolicyType,
};
use platform::identity::cognito::CognitoIdentity;
use platform::identity::{
    AuthStep, Caller, ChallengeKind, IdentityError, IdentityProvider, InitialPassword, MfaMethod, MfaPreference, NewIdentity,
};
use platform::ids::TenantId;

/// The moto endpoint `tests/run.sh` starts.
fn endpoint() -> String {
    std::env::var("KYOCHO_TEST_AWS_ENDPOINT").unwrap_or_else(|_| {
        panic!("KYOCHO_TEST_AWS_ENDPOINT is not set: run these tests through tests/run.sh, which starts moto_server")
    })
}

async fn moto_client() -> cip::Client {
    let sdk = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new("ap-northeast-1"))
        .endpoint_url(endpoint())
        .credentials_provider(cip::config::Credentials::new("testing", "testing", None, None, "tests"))
        .load()
        .await;
    cip::Client::new(&sdk)
}

/// A fresh user pool and admin-flow client in moto.
async fn provider() -> CognitoIdentity {
    let client = moto_client().await;
    let pool = client
        .create_user_pool()
        .pool_name(format!("kyocho-{}", uuid::Uuid::new_v4().simple()))
        .mfa_configuration(UserPoolMfaType::Optional)
        .policies(
            UserPoolPolicyType::builder()
                .password_policy(
                    PasswordPolicyType::builder()
                        .minimum_length(8)
                        .require_uppercase(true)
                        .require_lowercase(true)
                        .require_symbols(true)
                        .require_numbers(false)
                        .build(),
                )
                .build(),
        )
        .schema(
            SchemaAttributeType::builder()
                .name("tenant_id")
                .attribute_data_type(AttributeDataType::String)
                .mutable(false)
                .build(),
        )
        .send()
        .await
        .expect("create user pool");
    let pool_id = pool.user_pool().and_then(|p| p.id()).expect("pool id").to_owned();
    let app = client
        .create_user_pool_client()
        .user_pool_id(&pool_id)
        .client_name("web")
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowAdminUserPasswordAuth)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth)
        .send()
        .await
        .expect("create client");
    let client_id = app.user_pool_client().and_then(|c| c.client_id()).expect("client id").to_owned();
    CognitoIdentity::new(client, pool_id, client_id)
}

fn new_user(username: &str, password: InitialPassword) -> NewIdentity {
    NewIdentity {
        username: username.into(),
        tenant: TenantId::parse("acme").unwrap(),
        email: format!("{}@acme.example", username.replace('.', "-")),
        phone_number: Some("+819012345678".into()),
        password,
    }
}

const PASSWORD: &str = "Kyocho-pass1";

fn tokens(step: AuthStep) -> platform::identity::Tokens {
    match step {
        AuthStep::Tokens(t) => t,
        AuthStep::Challenge(c) => panic!("expected tokens, got {c:?}"),
    }
}

fn challenge(step: AuthStep) -> platform::identity::Challenge {
    match step {
        AuthStep::Challenge(c) => c,
        AuthStep::Tokens(_) => panic!("expected a challenge"),
    }
}

#[tokio::test]
async fn moto_admin_password_flow_issues_tokens_for_the_created_subject() {
    let idp = provider().await;
    let sub = idp.create_user(&new_user("acme.alice", InitialPassword::Permanent(PASSWORD.into()))).await.unwrap();
    let t = tokens(idp.password_auth("acme.alice", PASSWORD).await.unwrap());
    assert_eq!(t.sub, sub);
    assert!(t.refresh_token.is_some());
    assert!(matches!(idp.password_auth("acme.alice", "Wrong-pass1").await, Err(IdentityError::NotAuthorized)));
    assert!(matches!(
        idp.create_user(&new_user("acme.alice", InitialPassword::Permanent(PASSWORD.into()))).await,
        Err(IdentityError::UserExists)
    ));
    let refreshed = idp.refresh(t.refresh_token.as_deref().unwrap()).await.unwrap();
    assert_eq!(refreshed.sub, sub);
}

#[tokio::test]
async fn moto_a_temporary_password_must_be_replaced() {
    let idp = provider().await;
    idp.create_user(&new_user("acme.ivy", InitialPassword::Temporary("Temp-pass1".into()))).await.unwrap();
    let c = challenge(idp.password_auth("acme.ivy", "Temp-pass1").await.unwrap());
    assert_eq!(c.kind, ChallengeKind::NewPasswordRequired);
    let t = tokens(idp.respond_to_challenge("acme.ivy", c.kind, &c.session, "Own-pass-22").await.unwrap());
    assert!(!t.access_token.is_empty());
    tokens(idp.password_auth("acme.ivy", "Own-pass-22").await.unwrap());
}

#[tokio::test]
async fn moto_authenticator_set_up_then_software_token_challenge() {
    let idp = provider().await;
    idp.create_user(&new_user("acme.tom", InitialPassword::Permanent(PASSWORD.into()))).await.unwrap();
    let t = tokens(idp.password_auth("acme.tom", PASSWORD).await.unwrap());
    let caller = Caller { username: "acme.tom", access_token: &t.access_token };
    let secret = idp.associate_software_token(&caller).await.unwrap();
    assert!(!secret.is_empty());
    let key = platform::identity::totp::base32_decode(&secret).unwrap_or_else(|| secret.as_bytes().to_vec());
    let now = time::OffsetDateTime::now_utc().unix_timestamp() as u64;
    idp.verify_software_token(&caller, &platform::identity::totp::code_at(&key, now, 6)).await.unwrap();
    idp.set_mfa_preference("acme.tom", MfaPreference { preferred: Some(MfaMethod::Totp) }).await.unwrap();
    let status = idp.mfa_status("acme.tom").await.unwrap();
    assert_eq!(status.preferred, Some(MfaMethod::Totp));

    let c = challenge(idp.password_auth("acme.tom", PASSWORD).await.unwrap());
    assert_eq!(c.kind, ChallengeKind::SoftwareTokenMfa);
    let now = time::OffsetDateTime::now_utc().unix_timestamp() as u64;
    tokens(idp.respond_to_challenge("acme.tom", c.kind, &c.session, &platform::identity::totp::code_at(&key, now, 6)).await.unwrap());

    idp.reset_mfa("acme.tom").await.unwrap();
    tokens(idp.password_auth("acme.tom", PASSWORD).await.unwrap());
}

#[tokio::test]
async fn moto_sms_challenge() {
    let idp = provider().await;
    idp.create_user(&new_user("acme.sam", InitialPassword::Permanent(PASSWORD.into()))).await.unwrap();
    // The user's own call with their access token (moto applies the number at once and does
    // not model the code; Cognito holds it until `VerifyUserAttribute`, mocked below).
    let t = tokens(idp.password_auth("acme.sam", PASSWORD).await.unwrap());
    idp.start_phone_change(&Caller { username: "acme.sam", access_token: &t.access_token }, "+819087654321").await.unwrap();
    assert_eq!(idp.mfa_status("acme.sam").await.unwrap().phone_number.as_deref(), Some("+819087654321"));
    idp.verify_password("acme.sam", PASSWORD).await.expect("the right password");
    assert!(matches!(idp.verify_password("acme.sam", "Wrong-pass1").await, Err(IdentityError::NotAuthorized)));
    idp.set_mfa_preference("acme.sam", MfaPreference { preferred: Some(MfaMethod::Sms) }).await.unwrap();
    let c = challenge(idp.password_auth("acme.sam", PASSWORD).await.unwrap());
    assert_eq!(c.kind, ChallengeKind::SmsMfa);
    assert!(!c.session.is_empty());
}

#[tokio::test]
async fn moto_administrator_calls_disable_enable_sign_out_and_delete() {
    let idp = provider().await;
    idp.create_user(&new_user("acme.dan", InitialPassword::Permanent(PASSWORD.into()))).await.unwrap();
    let t = tokens(idp.password_auth("acme.dan", PASSWORD).await.unwrap());
    idp.disable_user("acme.dan").await.unwrap();
    let refused = idp.password_auth("acme.dan", PASSWORD).await;
    assert!(matches!(refused, Err(IdentityError::UserDisabled | IdentityError::NotAuthorized)), "{refused:?}");
    idp.enable_user("acme.dan").await.unwrap();
    tokens(idp.password_auth("acme.dan", PASSWORD).await.unwrap());
    idp.global_sign_out("acme.dan").await.unwrap();
    assert!(idp.refresh(t.refresh_token.as_deref().unwrap()).await.is_err(), "refresh tokens are revoked");
    idp.delete_user("acme.dan").await.unwrap();
    assert!(matches!(idp.mfa_status("acme.dan").await, Err(IdentityError::UserNotFound)));
}

// ----- mocked SDK responses: what moto cannot show

fn token_with_sub(sub: &str) -> String {
    use base64::Engine;
    let enc = |v: serde_json::Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
    format!("{}.{}.sig", enc(serde_json::json!({ "alg": "RS256" })), enc(serde_json::json!({ "sub": sub })))
}

#[tokio::test]
async fn mocked_email_otp_challenge_and_answer_have_cognitos_shapes() {
    use cip::operation::admin_initiate_auth::AdminInitiateAuthOutput;
    use cip::operation::admin_respond_to_auth_challenge::AdminRespondToAuthChallengeOutput;
    use cip::types::AuthenticationResultType;

    let start = mock!(cip::Client::admin_initiate_auth)
        .match_requests(|r| {
            r.auth_flow() == Some(&AuthFlowType::AdminUserPasswordAuth)
                && r.auth_parameters().and_then(|p| p.get("USERNAME")).map(String::as_str) == Some("acme.emi")
        })
        .then_output(|| {
            AdminInitiateAuthOutput::builder()
                .challenge_name(ChallengeNameType::EmailOtp)
                .session("session-1")
                .challenge_parameters("CODE_DELIVERY_DESTINATION", "e***@acme.example")
                .build()
        });
    let answer = mock!(cip::Client::admin_respond_to_auth_challenge)
        .match_requests(|r| {
            r.challenge_name() == Some(&ChallengeNameType::EmailOtp)
                && r.session() == Some("session-1")
                && r.challenge_responses().and_then(|p| p.get("EMAIL_OTP_CODE")).map(String::as_str) == Some("123456")
                && r.challenge_responses().and_then(|p| p.get("USERNAME")).map(String::as_str) == Some("acme.emi")
        })
        .then_output(|| {
            AdminRespondToAuthChallengeOutput::builder()
                .authentication_result(
                    AuthenticationResultType::builder()
                        .access_token(token_with_sub("sub-emi"))
                        .refresh_token("refresh")
                        .expires_in(3600)
                        .build(),
                )
                .build()
        });
    let client = mock_client!(cip, [&start, &answer]);
    let idp = CognitoIdentity::new(client, "pool", "client");

    let c = challenge(idp.password_auth("acme.emi", PASSWORD).await.unwrap());
    assert_eq!(c.kind, ChallengeKind::EmailOtp);
    assert_eq!(c.destination.as_deref(), Some("e***@acme.example"));
    let t = tokens(idp.respond_to_challenge("acme.emi", c.kind, &c.session, "123456").await.unwrap());
    assert_eq!(t.sub, "sub-emi");
    assert_eq!(t.expires_in, 3600);
}

#[tokio::test]
async fn mocked_wrong_codes_and_policy_errors_map_to_the_ports_errors() {
    use cip::operation::admin_respond_to_auth_challenge::AdminRespondToAuthChallengeError;
    use cip::operation::change_password::ChangePasswordError;
    use cip::types::error::{CodeMismatchException, ExpiredCodeException, InvalidPasswordException, PasswordHistoryPolicyViolationException};

    let mismatch = mock!(cip::Client::admin_respond_to_auth_challenge).then_error(|| {
        AdminRespondToAuthChallengeError::CodeMismatchException(CodeMismatchException::builder().message("Invalid code").build())
    });
    let expired = mock!(cip::Client::admin_respond_to_auth_challenge).then_error(|| {
        AdminRespondToAuthChallengeError::ExpiredCodeException(ExpiredCodeException::builder().message("expired").build())
    });
    let weak = mock!(cip::Client::change_password).then_error(|| {
        ChangePasswordError::InvalidPasswordException(InvalidPasswordException::builder().message("Password not long enough").build())
    });
    let reused = mock!(cip::Client::change_password).then_error(|| {
        ChangePasswordError::PasswordHistoryPolicyViolationException(
            PasswordHistoryPolicyViolationException::builder().message("Password was used recently").build(),
        )
    });
    let idp = |rule: &aws_smithy_mocks::Rule| CognitoIdentity::new(mock_client!(cip, [rule]), "pool", "client");
    assert!(matches!(
        idp(&mismatch).respond_to_challenge("acme.x", ChallengeKind::EmailOtp, "s", "000000").await,
        Err(IdentityError::CodeMismatch)
    ));
    assert!(matches!(
        idp(&expired).respond_to_challenge("acme.x", ChallengeKind::SmsMfa, "s", "000000").await,
        Err(IdentityError::Expired)
    ));
    let caller = Caller { username: "acme.x", access_token: "t" };
    let wrong_phone_code = mock!(cip::Client::verify_user_attribute).then_error(|| {
        cip::operation::verify_user_attribute::VerifyUserAttributeError::CodeMismatchException(
            CodeMismatchException::builder().message("Invalid verification code provided").build(),
        )
    });
    assert!(matches!(idp(&wrong_phone_code).confirm_phone_change(&caller, "000000").await, Err(IdentityError::CodeMismatch)));
    assert!(matches!(idp(&weak).change_password(&caller, "Old-pass1", "short").await, Err(IdentityError::InvalidPassword(_))));
    assert!(matches!(idp(&reused).change_password(&caller, "Old-pass1", "Old-pass0!").await, Err(IdentityError::InvalidPassword(_))));
}
