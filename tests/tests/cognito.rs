//! The Cognito adapter of the identity port, against `moto_server` for what moto implements
//! (the admin sign-in flow, NEW_PASSWORD_REQUIRED, authenticator set-up and challenge, SMS
//! challenge, administrator calls) and against a scripted endpoint for what it does not: a
//! local HTTP server that checks each request's operation and body and answers with the bytes
//! Cognito's JSON protocol sends, so the SDK's own request and error parsing run as in the cloud.
//!
//! Gaps in moto (5.2.5), covered here with the scripted endpoint instead:
//! - `EMAIL_OTP`: moto has no e-mail MFA; the challenge and answer are scripted.
//! - moto does not check authenticator or SMS codes against a real secret or message, so
//!   a wrong code is shown with a scripted `CodeMismatchException`.
//! - moto has no password history (`PasswordHistorySize`); the local provider's test and the
//!   template test cover the policy.
//! - lockout is our own (before Cognito is asked), so nothing of it is in Cognito.

use aws_sdk_cognitoidentityprovider as cip;
use cip::types::{
    AttributeDataType, ExplicitAuthFlowsType, PasswordPolicyType, SchemaAttributeType,
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
    client_at(&endpoint()).await
}

async fn client_at(endpoint: &str) -> cip::Client {
    let sdk = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new("ap-northeast-1"))
        .endpoint_url(endpoint)
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

// ----- a scripted endpoint: what moto cannot show

/// One answer of the scripted endpoint: the operation it answers (`X-Amz-Target` is
/// `AWSCognitoIdentityProviderService.<operation>`), the request fields it requires (JSON
/// pointer and value), and the status and body it returns.
struct Answer {
    operation: &'static str,
    requires: Vec<(&'static str, serde_json::Value)>,
    status: u16,
    body: serde_json::Value,
}

fn answer(operation: &'static str, body: serde_json::Value) -> Answer {
    Answer { operation, requires: Vec::new(), status: 200, body }
}

/// A Cognito error as the service sends it: HTTP 400 and the exception's name in `__type`.
fn refusal(operation: &'static str, exception: &str, message: &str) -> Answer {
    Answer { operation, requires: Vec::new(), status: 400, body: serde_json::json!({ "__type": exception, "message": message }) }
}

impl Answer {
    fn requiring(mut self, pointer: &'static str, value: &str) -> Self {
        self.requires.push((pointer, serde_json::Value::from(value)));
        self
    }
}

/// A local HTTP server that answers Cognito calls from a script, in order. Each request that is
/// not the next answer's operation, or lacks a field it requires, is recorded as a mismatch and
/// refused with an error the SDK does not retry; [`Scripted::finish`] fails the test on any
/// mismatch or unused answer.
struct Scripted {
    url: String,
    state: std::sync::Arc<std::sync::Mutex<Script>>,
    server: tokio::task::JoinHandle<()>,
}

#[derive(Default)]
struct Script {
    /// The answers not yet given.
    left: std::collections::VecDeque<Answer>,
    /// The requests that did not match the next answer.
    mismatches: Vec<String>,
}

impl Scripted {
    async fn start(script: Vec<Answer>) -> Scripted {
        use axum::http::{HeaderMap, StatusCode};
        use axum::response::IntoResponse;
        let state = std::sync::Arc::new(std::sync::Mutex::new(Script { left: script.into(), ..Script::default() }));
        let shared = state.clone();
        let app = axum::Router::new().fallback(move |headers: HeaderMap, body: axum::body::Bytes| {
            let state = shared.clone();
            async move {
                let mut state = state.lock().unwrap();
                let target = headers.get("x-amz-target").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
                let request: serde_json::Value = serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null);
                let problem = match state.left.pop_front() {
                    None => Some(format!("{target}: no answer left")),
                    Some(next) if target != format!("AWSCognitoIdentityProviderService.{}", next.operation) => {
                        Some(format!("{target}: expected {}", next.operation))
                    }
                    Some(next) => match next.requires.iter().find(|(pointer, value)| request.pointer(pointer) != Some(value)) {
                        Some((pointer, value)) => Some(format!("{target}: {pointer} is {:?}, expected {value}", request.pointer(pointer))),
                        None => {
                            let status = StatusCode::from_u16(next.status).unwrap();
                            return (status, [("content-type", "application/x-amz-json-1.1")], next.body.to_string()).into_response();
                        }
                    },
                };
                state.mismatches.extend(problem);
                let refusal = serde_json::json!({ "__type": "NotInScript", "message": "not in the script" });
                (StatusCode::BAD_REQUEST, [("content-type", "application/x-amz-json-1.1")], refusal.to_string()).into_response()
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let server = tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Scripted { url, state, server }
    }

    async fn provider(&self) -> CognitoIdentity {
        CognitoIdentity::new(client_at(&self.url).await, "pool", "client")
    }

    /// Every answer was asked for, by the request it expected.
    fn finish(self) {
        self.server.abort();
        let state = self.state.lock().unwrap();
        assert!(state.mismatches.is_empty(), "requests outside the script: {:?}", state.mismatches);
        let unused: Vec<_> = state.left.iter().map(|a| a.operation).collect();
        assert!(unused.is_empty(), "answers never asked for: {unused:?}");
    }
}

fn token_with_sub(sub: &str) -> String {
    use base64::Engine;
    let enc = |v: serde_json::Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
    format!("{}.{}.sig", enc(serde_json::json!({ "alg": "RS256" })), enc(serde_json::json!({ "sub": sub })))
}

#[tokio::test]
async fn email_otp_challenge_and_answer_have_cognitos_shapes() {
    let cognito = Scripted::start(vec![
        answer(
            "AdminInitiateAuth",
            serde_json::json!({
                "ChallengeName": "EMAIL_OTP",
                "Session": "session-1",
                "ChallengeParameters": { "CODE_DELIVERY_DESTINATION": "e***@acme.example" },
            }),
        )
        .requiring("/AuthFlow", "ADMIN_USER_PASSWORD_AUTH")
        .requiring("/AuthParameters/USERNAME", "acme.emi")
        .requiring("/UserPoolId", "pool")
        .requiring("/ClientId", "client"),
        answer(
            "AdminRespondToAuthChallenge",
            serde_json::json!({
                "ChallengeParameters": {},
                "AuthenticationResult": { "AccessToken": token_with_sub("sub-emi"), "RefreshToken": "refresh", "ExpiresIn": 3600 },
            }),
        )
        .requiring("/ChallengeName", "EMAIL_OTP")
        .requiring("/Session", "session-1")
        .requiring("/ChallengeResponses/EMAIL_OTP_CODE", "123456")
        .requiring("/ChallengeResponses/USERNAME", "acme.emi"),
    ])
    .await;
    let idp = cognito.provider().await;

    let c = challenge(idp.password_auth("acme.emi", PASSWORD).await.unwrap());
    assert_eq!(c.kind, ChallengeKind::EmailOtp);
    assert_eq!(c.destination.as_deref(), Some("e***@acme.example"));
    let t = tokens(idp.respond_to_challenge("acme.emi", c.kind, &c.session, "123456").await.unwrap());
    assert_eq!(t.sub, "sub-emi");
    assert_eq!(t.expires_in, 3600);
    cognito.finish();
}

#[tokio::test]
async fn wrong_codes_and_policy_errors_map_to_the_ports_errors() {
    let cognito = Scripted::start(vec![
        refusal("AdminRespondToAuthChallenge", "CodeMismatchException", "Invalid code").requiring("/ChallengeName", "EMAIL_OTP"),
        refusal("AdminRespondToAuthChallenge", "ExpiredCodeException", "expired").requiring("/ChallengeName", "SMS_MFA"),
        refusal("VerifyUserAttribute", "CodeMismatchException", "Invalid verification code provided")
            .requiring("/AttributeName", "phone_number")
            .requiring("/Code", "000000"),
        refusal("ChangePassword", "InvalidPasswordException", "Password not long enough").requiring("/ProposedPassword", "short"),
        refusal("ChangePassword", "PasswordHistoryPolicyViolationException", "Password was used recently")
            .requiring("/ProposedPassword", "Old-pass0!"),
    ])
    .await;
    let idp = cognito.provider().await;
    assert!(matches!(idp.respond_to_challenge("acme.x", ChallengeKind::EmailOtp, "s", "000000").await, Err(IdentityError::CodeMismatch)));
    assert!(matches!(idp.respond_to_challenge("acme.x", ChallengeKind::SmsMfa, "s", "000000").await, Err(IdentityError::Expired)));
    let caller = Caller { username: "acme.x", access_token: "t" };
    assert!(matches!(idp.confirm_phone_change(&caller, "000000").await, Err(IdentityError::CodeMismatch)));
    match idp.change_password(&caller, "Old-pass1", "short").await {
        Err(IdentityError::InvalidPassword(m)) => assert_eq!(m, "Password not long enough", "Cognito's reason reaches the user"),
        other => panic!("a weak password: {other:?}"),
    }
    assert!(matches!(idp.change_password(&caller, "Old-pass1", "Old-pass0!").await, Err(IdentityError::InvalidPassword(_))));
    cognito.finish();
}
