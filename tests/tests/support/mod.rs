//! Starting the local edition on a random port with fresh state, and talking to it as a
//! client would.

#![allow(dead_code)]

pub mod identity;
pub mod schema;

use std::net::SocketAddr;
use std::sync::Arc;

use kyocho::gateway::Gateway;
use platform::auth::Role;
use platform::ids::{TenantId, UserId};
use platform::ports::User;
use serde_json::Value;

/// Run each `async fn(TestApp)` case on both backends: `local::<case>` on the local edition's
/// SQLite records, `aws::<case>` on DynamoDB and KMS in `moto_server`.
#[macro_export]
macro_rules! both_backends {
    ($($case:ident),* $(,)?) => {
        mod local {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $case() {
                    super::$case(super::TestApp::spawn().await).await;
                }
            )*
        }
        mod aws {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $case() {
                    super::$case(super::TestApp::spawn_aws().await).await;
                }
            )*
        }
    };
}

/// A running local edition with its own data folder.
pub struct TestApp {
    pub addr: SocketAddr,
    pub gateway: Arc<Gateway>,
    pub client: reqwest::Client,
    _dir: tempfile::TempDir,
    /// The aws records this app runs on, when it does (see [`TestApp::spawn_aws`]).
    _target: Option<kyocho_tests::contract::Target>,
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let (gateway, _) = kyocho::open(dir.path()).await.expect("open data dir");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(kyocho::serve_on(listener, gateway.clone()));
        TestApp { addr, gateway, client: reqwest::Client::new(), _dir: dir, _target: None }
    }

    /// The same gateway and handlers over the aws adapters: records, audit and lockout
    /// counters in DynamoDB, keys in KMS (all in `moto_server`, fresh table and aliases);
    /// the identity provider stays the local one (Cognito is covered by `tests/cognito.rs`),
    /// and so does the blob folder.
    pub async fn spawn_aws() -> TestApp {
        Self::spawn_on(kyocho_tests::contract::Target::aws().await).await
    }

    /// [`TestApp::spawn_aws`] on a target made by the caller.
    pub async fn spawn_on(target: kyocho_tests::contract::Target) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let backend = Arc::new(target.backend.clone());
        let keys = kyocho::jwt::Keys::load_or_create(&kyocho::jwt_key_path(dir.path())).expect("token keys");
        let (local_identity, _) = kyocho::users::identity(dir.path()).expect("local identity provider");
        let identity = Arc::new(platform::identity::Services {
            provider: local_identity.clone(),
            lockout: target.lockout(),
            clock: platform::identity::Clock::default(),
            mailer: local_identity.clone(),
        });
        let blobs = Arc::new(platform::local::LocalBlobs::open(dir.path()).expect("blob folder"));
        let operator_keys = kyocho::jwt::Keys::load_or_create(&kyocho::operator_key_path(dir.path())).expect("operator keys");
        let gateway = Arc::new(Gateway { backend, keys, operator_keys, identity, local_identity, blobs });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(kyocho::serve_on(listener, gateway.clone()));
        TestApp { addr, gateway, client: reqwest::Client::new(), _dir: dir, _target: Some(target) }
    }

    /// The same records, keys and identities served again with the audit log replaced by
    /// `wrap(the current one)` (e.g. a log that can be made to fail).
    pub async fn with_audit(self, wrap: impl FnOnce(Arc<dyn platform::ports::AuditLog>) -> Arc<dyn platform::ports::AuditLog>) -> TestApp {
        let g = &self.gateway;
        let mut backend = (*g.backend).clone();
        backend.audit = wrap(backend.audit.clone());
        let keys = kyocho::jwt::Keys::load_or_create(&kyocho::jwt_key_path(self._dir.path())).expect("token keys");
        let operator_keys = kyocho::jwt::Keys::load_or_create(&kyocho::operator_key_path(self._dir.path())).expect("operator keys");
        let gateway = Arc::new(Gateway {
            backend: Arc::new(backend),
            keys,
            operator_keys,
            identity: g.identity.clone(),
            local_identity: g.local_identity.clone(),
            blobs: g.blobs.clone(),
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(kyocho::serve_on(listener, gateway.clone()));
        TestApp { addr, gateway, client: self.client.clone(), _dir: self._dir, _target: self._target }
    }

    /// The app's data folder (the local edition's database, keys and blobs).
    pub fn data_dir(&self) -> &std::path::Path {
        self._dir.path()
    }

    /// The records this app runs on, when they are the aws adapters.
    pub fn target(&self) -> Option<&kyocho_tests::contract::Target> {
        self._target.as_ref()
    }

    /// `"local"` or `"aws"`: which adapters keep this app's records.
    pub fn backend_name(&self) -> &'static str {
        self.gateway.backend.name
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// A user (created if missing) and a fresh token for them.
    pub async fn user(&self, tenant: &str, user: &str, role: Role) -> (User, String) {
        let backend = &self.gateway.backend;
        let tid = TenantId::parse(tenant).expect("tenant id");
        kyocho::setup::ensure_tenant(backend, &tid, &format!("{tenant} Co.")).await.expect("tenant");
        let record = kyocho::setup::ensure_user(backend, &tid, &UserId::parse(user).expect("user id"), Some(role))
            .await
            .expect("user");
        let token = self.gateway.keys.mint(&record.sub, tenant).expect("mint");
        (record, token)
    }

    /// A fresh operator token (as `kyocho ops token` mints it) for `name`.
    pub fn operator_token(&self, name: &str) -> String {
        self.gateway.operator_keys.mint_operator(name).expect("mint operator token")
    }

    pub async fn token(&self, tenant: &str, user: &str, role: Role) -> String {
        self.user(tenant, user, role).await.1
    }

    pub fn get(&self, path: &str, token: &str) -> reqwest::RequestBuilder {
        self.client.get(self.url(path)).bearer_auth(token)
    }

    pub fn post_json(&self, path: &str, token: &str, body: &Value) -> reqwest::RequestBuilder {
        self.client.post(self.url(path)).bearer_auth(token).json(body)
    }

    pub fn put_json(&self, path: &str, token: &str, body: &Value) -> reqwest::RequestBuilder {
        self.client.put(self.url(path)).bearer_auth(token).json(body)
    }

    pub fn delete(&self, path: &str, token: &str) -> reqwest::RequestBuilder {
        self.client.delete(self.url(path)).bearer_auth(token)
    }

    /// Create a project (a valid sample document named `name`) and return its JSON.
    pub async fn create_project(&self, token: &str, name: &str) -> Value {
        let resp = self
            .post_json("/projects", token, &sample_project(name))
            .send()
            .await
            .expect("send");
        assert_eq!(resp.status(), 201, "create {name}");
        resp.json().await.expect("json")
    }
}

/// Read a problem+json response, asserting its media type.
pub async fn problem(resp: reqwest::Response) -> Value {
    let ct = resp.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    assert_eq!(ct, "application/problem+json", "problem media type");
    resp.json().await.expect("problem json")
}

/// A valid project document (reference case A) with the given name.
pub fn sample_project(name: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/case_a.json");
    let text = std::fs::read_to_string(&path).expect("fixtures/case_a.json");
    let mut doc: Value = serde_json::from_str(&text).expect("fixture JSON");
    doc["name"] = Value::String(name.to_owned());
    doc
}

/// An archive (docs/archive.md) holding one project: `document` as its project.json.
pub fn archive_of(document: &Value) -> Vec<u8> {
    let mut w = archive::ArchiveWriter::new(archive::Kind::Project, time::OffsetDateTime::now_utc(), "kyocho tests");
    w.add_project(archive::ProjectId::parse("p1").expect("id"), "p1", 1, serde_json::to_vec(document).expect("JSON")).expect("project");
    w.finish().expect("archive")
}

impl TestApp {
    /// Start an import, upload `bytes` to its URL as the API said, and return its id.
    pub async fn upload_import(&self, token: &str, bytes: Vec<u8>) -> String {
        let started = self.post_json("/imports", token, &serde_json::json!({})).send().await.expect("send");
        assert_eq!(started.status(), 201, "POST /imports");
        let started: Value = started.json().await.expect("JSON");
        let mut put = self.client.put(started["upload"]["url"].as_str().expect("url"));
        for (k, v) in started["upload"]["headers"].as_object().expect("headers") {
            put = put.header(k.as_str(), v.as_str().expect("header value"));
        }
        let uploaded = put.body(bytes).send().await.expect("upload");
        assert!(uploaded.status().is_success(), "upload: {}", uploaded.status());
        started["id"].as_str().expect("id").to_owned()
    }
}

/// `sample_project` with a change applied.
pub fn sample_with(name: &str, change: impl FnOnce(&mut Value)) -> Value {
    let mut doc = sample_project(name);
    change(&mut doc);
    doc
}

/// Run every future at once (on the test's worker threads) and collect the results in order.
pub async fn join_all<F>(futures: Vec<F>) -> Vec<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    let handles: Vec<_> = futures.into_iter().map(tokio::spawn).collect();
    let mut out = Vec::with_capacity(handles.len());
    for h in handles {
        out.push(h.await.expect("task"));
    }
    out
}
