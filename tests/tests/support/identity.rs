//! Signing in over HTTP as a client would: users with passwords, the local outbox (e-mail
//! and SMS codes), authenticator codes, an IPv6 listener and the audit log.

use std::net::SocketAddr;

use platform::auth::Role;
use platform::identity::InitialPassword;
use platform::ids::TenantId;
use platform::ports::{StoredAuditEvent, User};
use serde_json::{json, Value};

use super::TestApp;

/// The password every test user starts with.
pub const PASSWORD: &str = "Kyocho-pass1";

impl TestApp {
    /// A user with a sign-in identity and the permanent password [`PASSWORD`].
    pub async fn account(&self, tenant: &str, email: &str, role: Role) -> User {
        let backend = &self.gateway.backend;
        let tid = TenantId::parse(tenant).expect("tenant id");
        kyocho::setup::ensure_tenant(backend, &tid, &format!("{tenant} Co.")).await.expect("tenant");
        kyocho::users::add_user(
            backend,
            self.gateway.local_identity.as_ref(),
            kyocho::users::NewUser {
                tenant: &tid,
                id: None,
                email,
                name: &format!("Name of {email}"),
                role,
                password: InitialPassword::Permanent(PASSWORD.into()),
            },
        )
        .await
        .expect("add user")
    }

    /// `POST path` with a JSON body and no token.
    pub fn post_public(&self, path: &str, body: &Value) -> reqwest::RequestBuilder {
        self.client.post(self.url(path)).json(body)
    }

    /// `POST /auth/sign-in`.
    pub async fn sign_in(&self, tenant: &str, email: &str, password: &str) -> reqwest::Response {
        self.post_public("/auth/sign-in", &json!({ "tenant": tenant, "email": email, "password": password }))
            .send()
            .await
            .expect("send")
    }

    /// Sign in with [`PASSWORD`] and no second factor; the access token.
    pub async fn access_token(&self, tenant: &str, email: &str) -> String {
        let resp = self.sign_in(tenant, email, PASSWORD).await;
        assert_eq!(resp.status(), 200, "sign-in of {email}");
        let body: Value = resp.json().await.expect("json");
        assert_eq!(body["status"], "signed_in", "{body}");
        body["tokens"]["access_token"].as_str().expect("access token").to_owned()
    }

    /// Answer a challenge.
    pub async fn answer(&self, tenant: &str, email: &str, challenge: &Value, answer: Value) -> reqwest::Response {
        let mut body = json!({
            "tenant": tenant, "email": email,
            "challenge": challenge["challenge"], "session": challenge["session"],
        });
        for (k, v) in answer.as_object().expect("object").iter() {
            body[k] = v.clone();
        }
        self.post_public("/auth/challenge", &body).send().await.expect("send")
    }

    /// The code of the newest outbox message to `to` that carries one (notices do not).
    pub fn outbox_code(&self, to: &str) -> String {
        self.gateway
            .local_identity
            .outbox()
            .messages()
            .into_iter()
            .rev()
            .filter(|m| m.to == to)
            .find_map(|m| m.code)
            .unwrap_or_else(|| panic!("no message to {to}"))
    }

    /// How many outbox messages went to `to` on `channel`.
    pub fn outbox_count(&self, to: &str, channel: &str) -> usize {
        self.gateway.local_identity.outbox().messages().iter().filter(|m| m.to == to && m.channel == channel).count()
    }

    /// Serve the same app on `[::1]` too; its address.
    pub async fn listen_v6(&self) -> SocketAddr {
        let listener = tokio::net::TcpListener::bind("[::1]:0").await.expect("bind [::1]");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(kyocho::serve_on(listener, self.gateway.clone()));
        addr
    }

    /// Every audit event of a tenant this month, in order.
    pub async fn audit_events(&self, tenant: &str) -> Vec<StoredAuditEvent> {
        let tid = TenantId::parse(tenant).expect("tenant id");
        let now = time::OffsetDateTime::now_utc();
        let month = format!("{:04}-{:02}", now.year(), u8::from(now.month()));
        self.gateway.backend.audit.list_month(&tid, &month, None, 1000).await.expect("audit").items
    }

    /// Replace a tenant's settings as its administrator would.
    pub async fn put_settings(&self, token: &str, settings: Value) -> reqwest::Response {
        self.put_json("/admin/settings", token, &settings).send().await.expect("send")
    }
}

/// The current authenticator code for a base32 secret.
pub fn totp_now(secret: &str) -> String {
    let key = platform::identity::totp::base32_decode(secret).expect("base32 secret");
    let now = time::OffsetDateTime::now_utc().unix_timestamp() as u64;
    platform::identity::totp::code_at(&key, now, 6)
}

/// The authenticator code of the next 30-second step (accepted within the allowed drift):
/// for a second code in the same step, since each step's code is accepted once.
pub fn totp_next(secret: &str) -> String {
    let key = platform::identity::totp::base32_decode(secret).expect("base32 secret");
    let now = time::OffsetDateTime::now_utc().unix_timestamp() as u64;
    platform::identity::totp::code_at(&key, now + 30, 6)
}
