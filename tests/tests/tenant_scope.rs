//! Tenant-scoped credentials on the aws backend, watched from the wire: every call the
//! backend sends to `moto_server` passes through a proxy that keeps the bytes, so the test
//! counts what AWS would see, not what the code says it does.
//!
//! - each tenant's requests run on a session of the tenant-access role tagged with that
//!   tenant, assumed once per tenant per warm instance;
//! - data keys are generated once per tenant for a run of 100 requests (the sealer's cache);
//! - the tenant's KMS key is created with rotation on and a policy that lets no other
//!   principal decrypt.

use crate::support;

use std::sync::{Arc, Mutex};

use platform::auth::Role;
use serde_json::{json, Value};
use crate::support::TestApp;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A TCP proxy in front of `upstream` that records every byte sent to it.
struct RecordingProxy {
    url: String,
    sent: Arc<Mutex<Vec<u8>>>,
}

impl RecordingProxy {
    async fn start(upstream: &str) -> RecordingProxy {
        let upstream = upstream.trim_start_matches("http://").trim_end_matches('/').to_owned();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind the proxy");
        let url = format!("http://{}", listener.local_addr().expect("proxy address"));
        let sent = Arc::new(Mutex::new(Vec::new()));
        let log = sent.clone();
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let server = tokio::net::TcpStream::connect(&upstream).await.expect("connect to moto_server");
                let (mut client_rx, mut client_tx) = client.into_split();
                let (mut server_rx, mut server_tx) = server.into_split();
                tokio::spawn(async move {
                    let _ = tokio::io::copy(&mut server_rx, &mut client_tx).await;
                });
                let log = log.clone();
                tokio::spawn(async move {
                    let mut buf = vec![0u8; 64 * 1024];
                    loop {
                        let n = match client_rx.read(&mut buf).await {
                            Ok(0) | Err(_) => break,
                            Ok(n) => n,
                        };
                        log.lock().unwrap().extend_from_slice(&buf[..n]);
                        if server_tx.write_all(&buf[..n]).await.is_err() {
                            break;
                        }
                    }
                });
            }
        });
        RecordingProxy { url, sent }
    }

    /// How many times `needle` was sent.
    fn count(&self, needle: &str) -> usize {
        let sent = self.sent.lock().unwrap();
        let needle = needle.as_bytes();
        sent.windows(needle.len()).filter(|w| *w == needle).count()
    }
}

fn moto() -> String {
    std::env::var(kyocho_tests::contract::AWS_ENDPOINT_VAR)
        .expect("KYOCHO_TEST_AWS_ENDPOINT must name moto_server (tests/run.sh sets it)")
}

/// Given a warm instance serving two companies, when each makes 50 requests (create, read,
/// replace with If-Match, list), then the wire shows exactly one `AssumeRole` per company,
/// each tagged with its company, and at most one `GenerateDataKey` and one `Decrypt` per
/// company (the sealer's data-key cache), not one per request.
#[tokio::test]
async fn a_hundred_requests_assume_each_tenants_role_once_and_generate_one_data_key_each() {
    let proxy = RecordingProxy::start(&moto()).await;
    let target = kyocho_tests::contract::Target::aws_through(Some(proxy.url.clone())).await;
    let app = TestApp::spawn_on(target).await;
    let tenants = ["scope-a", "scope-b"];
    let mut requests = 0;
    for tenant in tenants {
        let token = app.token(tenant, "designer", Role::Designer).await;
        let created = app.create_project(&token, &format!("{tenant} project")).await;
        requests += 1;
        let id = created["id"].as_str().expect("project id").to_owned();
        let mut version = created["version"].as_u64().expect("version");
        for i in 0..49 {
            let resp = match i % 3 {
                0 => app.get(&format!("/projects/{id}"), &token).send().await.expect("get"),
                1 => {
                    let body = support::sample_project(&format!("{tenant} project v{i}"));
                    let resp = app
                        .put_json(&format!("/projects/{id}"), &token, &body)
                        .header("if-match", format!("\"{version}\""))
                        .send()
                        .await
                        .expect("put");
                    version += 1;
                    resp
                }
                _ => app.get("/projects", &token).send().await.expect("list"),
            };
            assert!(resp.status().is_success(), "{tenant} request {i}: {}", resp.status());
            requests += 1;
        }
    }
    assert_eq!(requests, 100);
    for tenant in tenants {
        assert_eq!(proxy.count(&format!("RoleSessionName=kyocho-{tenant}&")), 1, "AssumeRole calls for {tenant}");
        assert_eq!(
            proxy.count(&format!("Tags.member.1.Key=tenant_id&Tags.member.1.Value={tenant}")),
            1,
            "the session of {tenant} is tagged with it"
        );
    }
    assert_eq!(proxy.count("Action=AssumeRole&"), tenants.len(), "AssumeRole calls in all");
    let generated = proxy.count("TrentService.GenerateDataKey");
    let decrypted = proxy.count("TrentService.Decrypt");
    assert!(generated <= tenants.len(), "GenerateDataKey calls: {generated} for {} tenants", tenants.len());
    assert!(decrypted <= tenants.len(), "Decrypt calls: {decrypted} for {} tenants", tenants.len());
    println!("100 requests, 2 tenants: AssumeRole 2, GenerateDataKey {generated}, Decrypt {decrypted}");
}

/// Given a new company, when its key is created, then KMS holds it with automatic rotation
/// on and a policy whose explicit deny refuses decryption to every principal but the
/// tenant-access role, which may use it only for this company.
#[tokio::test]
async fn a_new_tenant_key_rotates_and_only_the_tenant_role_may_decrypt_with_it() {
    let app = TestApp::spawn_aws().await;
    app.token("keyed", "admin", Role::TenantAdmin).await;
    let target = app.target().expect("aws target");
    let kms = target.kms().expect("kms client");
    let cfg = target.aws_config().expect("aws config");
    let alias = format!("{}keyed", cfg.key_alias_prefix);
    let key = kms.describe_key().key_id(&alias).send().await.expect("describe the tenant key");
    let key_id = key.key_metadata().expect("metadata").key_id().to_owned();
    let rotation = kms.get_key_rotation_status().key_id(&key_id).send().await.expect("rotation status");
    assert!(rotation.key_rotation_enabled(), "automatic rotation of the tenant key");
    let policy = kms.get_key_policy().key_id(&key_id).policy_name("default").send().await.expect("key policy");
    let policy: Value = serde_json::from_str(policy.policy().expect("policy text")).expect("policy JSON");
    let statements = policy["Statement"].as_array().expect("statements");
    let role = cfg.tenant_role_arn.clone().expect("tenant role");
    let deny = statements.iter().find(|s| s["Effect"] == "Deny").expect("an explicit deny");
    assert!(deny["Action"].as_array().expect("actions").contains(&json!("kms:Decrypt")));
    assert_eq!(deny["Principal"], json!("*"));
    assert_eq!(deny["Condition"]["StringNotEquals"]["aws:PrincipalArn"], json!(role));
    let use_statement = statements
        .iter()
        .find(|s| s["Effect"] == "Allow" && s["Action"].as_array().is_some_and(|a| a.contains(&json!("kms:Decrypt"))))
        .expect("the tenant role's use of the key");
    assert_eq!(use_statement["Principal"]["AWS"], json!(role));
    assert_eq!(use_statement["Condition"]["StringEquals"]["kms:EncryptionContext:tenant_id"], json!("keyed"));
    assert_eq!(use_statement["Condition"]["StringEquals"]["aws:PrincipalTag/tenant_id"], json!("keyed"));
    for s in statements.iter().filter(|s| s["Effect"] == "Allow" && s["Principal"]["AWS"] != json!(role)) {
        let actions: Vec<&str> = s["Action"].as_array().expect("actions").iter().filter_map(Value::as_str).collect();
        assert!(
            !actions.iter().any(|a| matches!(*a, "kms:*" | "kms:Decrypt" | "kms:GenerateDataKey" | "kms:Encrypt")),
            "administration grants no cryptographic use: {actions:?}"
        );
    }
}

/// Given a company's first change, then its audit chain's head is anchored in the anchor
/// bucket under the company's prefix, as an object S3 keeps in compliance mode (no one,
/// the account's root included, can delete or overwrite it before its retention ends).
#[tokio::test]
async fn audit_heads_are_anchored_in_a_locked_bucket_under_the_tenants_prefix() {
    let app = TestApp::spawn_aws().await;
    let token = app.token("anchored", "designer", Role::Designer).await;
    app.create_project(&token, "anchored project").await;
    let target = app.target().expect("aws target");
    let (s3, _) = target.s3().expect("s3");
    let bucket = target.aws_config().and_then(|c| c.anchor_bucket.clone()).expect("anchor bucket");
    let listed = s3.list_objects_v2().bucket(&bucket).send().await.expect("list anchors");
    let keys: Vec<&str> = listed.contents().iter().filter_map(|o| o.key()).collect();
    assert!(!keys.is_empty(), "an anchor was written");
    assert!(keys.iter().all(|k| k.starts_with("tenants/anchored/audit-anchors/")), "{keys:?}");
    let head = s3.head_object().bucket(&bucket).key(keys[0]).send().await.expect("head the anchor");
    assert_eq!(head.object_lock_mode(), Some(&aws_sdk_s3::types::ObjectLockMode::Compliance));
    assert!(head.object_lock_retain_until_date().is_some(), "a retention date");
    let body = s3.get_object().bucket(&bucket).key(keys[0]).send().await.expect("get").body.collect().await.expect("body");
    let anchor: Value = serde_json::from_slice(&body.into_bytes()).expect("anchor JSON");
    assert!(anchor["seq"].as_u64().is_some_and(|s| s >= 1) && anchor["hash"].as_str().is_some_and(|h| h.len() == 64), "{anchor}");
}
