//! The backends the contract suite runs against, each with fresh, private state: the local
//! backend in a temporary folder, the aws backend on its own uniquely named table and KMS
//! alias prefix in `moto_server`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use aws_config::{BehaviorVersion, Region};
use aws_sdk_dynamodb::config::Credentials;
use aws_sdk_dynamodb::types::AttributeValue;
use platform::aws::{AwsConfig, KmsKeys};
use platform::backend::Backend;
use platform::local::LocalKeys;
use platform::seal::KeyProvider;

/// Environment variable naming the `moto_server` endpoint; `tests/run.sh` sets it.
pub const AWS_ENDPOINT_VAR: &str = "KYOCHO_TEST_AWS_ENDPOINT";
/// The tenant-access role the aws backend assumes per tenant in the tests (moto's account).
pub const TEST_TENANT_ROLE: &str = "arn:aws:iam::123456789012:role/kyocho-test-tenant-access";

enum Kind {
    Local {
        dir: tempfile::TempDir,
    },
    Aws {
        dynamo: aws_sdk_dynamodb::Client,
        kms: aws_sdk_kms::Client,
        s3: aws_sdk_s3::Client,
        cfg: AwsConfig,
        scope: Arc<platform::aws::scope::TenantScope>,
    },
}

/// One backend under test plus the back doors the suite needs to check what a user cannot
/// see through the ports: the raw stored bytes, and the backend's own key provider.
pub struct Target {
    /// The backend as handlers see it.
    pub backend: Backend,
    kind: Kind,
}

impl Target {
    /// The local edition's backend in a fresh temporary folder.
    pub async fn local() -> Target {
        let dir = tempfile::tempdir().expect("a temporary folder for the local backend");
        let backend = platform::local::backend(dir.path()).expect("the local backend opens in an empty folder");
        Target { backend, kind: Kind::Local { dir } }
    }

    /// The aws backend against `moto_server`, on a table and key aliases no other test uses.
    ///
    /// Panics when [`AWS_ENDPOINT_VAR`] is unset: these tests must never pass by skipping.
    pub async fn aws() -> Target {
        Self::aws_through(None).await
    }

    /// [`Target::aws`] whose backend sends its calls to `backend_endpoint` (e.g. a proxy
    /// in front of `moto_server` that counts them); the set-up goes to moto directly.
    pub async fn aws_through(backend_endpoint: Option<String>) -> Target {
        let endpoint = std::env::var(AWS_ENDPOINT_VAR).ok().filter(|v| !v.trim().is_empty()).unwrap_or_else(|| {
            panic!(
                "{AWS_ENDPOINT_VAR} is not set: the aws contract tests need moto_server. \
                 Run them through tests/run.sh, which starts moto_server and sets it."
            )
        });
        let unique = uuid::Uuid::new_v4().simple().to_string();
        let cfg = AwsConfig {
            table_name: format!("kyocho-test-{unique}"),
            endpoint_url: Some(endpoint.clone()),
            region: platform::aws::DEFAULT_REGION.to_owned(),
            key_alias_prefix: format!("alias/kyocho-test/{unique}/"),
            bucket: Some(format!("kyocho-test-{unique}")),
            audit_chain_key: format!("alias/kyocho-test/{unique}/audit-chain"),
            // Every request runs on a session of this role tagged with its tenant, as in
            // the cloud (moto issues the sessions; it does not evaluate their policies).
            tenant_role_arn: Some(TEST_TENANT_ROLE.to_owned()),
            anchor_bucket: Some(format!("kyocho-test-{unique}-anchors")),
        };
        // moto accepts any credentials; fixed dummy ones keep real credentials out of tests.
        let sdk = aws_config::defaults(BehaviorVersion::latest())
            .region(Region::new(cfg.region.clone()))
            .endpoint_url(endpoint)
            .credentials_provider(Credentials::new("testing", "testing", None, None, "kyocho-tests"))
            .load()
            .await;
        let dynamo = aws_sdk_dynamodb::Client::new(&sdk);
        let kms = aws_sdk_kms::Client::new(&sdk);
        platform::aws::create_table(&dynamo, &cfg.table_name)
            .await
            .unwrap_or_else(|e| panic!("creating the test table in moto_server failed: {e:#}"));
        let s3 = aws_sdk_s3::Client::from_conf(aws_sdk_s3::config::Builder::from(&sdk).force_path_style(true).build());
        let location = aws_sdk_s3::types::CreateBucketConfiguration::builder()
            .location_constraint(aws_sdk_s3::types::BucketLocationConstraint::from(cfg.region.as_str()))
            .build();
        // The exports' bucket, and the audit anchors' with Object Lock in compliance mode, as
        // the template makes them.
        let bucket = cfg.bucket.clone().expect("the test config names a bucket");
        let anchors = cfg.anchor_bucket.clone().expect("the test config names an anchor bucket");
        for (name, locked) in [(&bucket, false), (&anchors, true)] {
            s3.create_bucket()
                .bucket(name)
                .object_lock_enabled_for_bucket(locked)
                .create_bucket_configuration(location.clone())
                .send()
                .await
                .unwrap_or_else(|e| panic!("creating bucket {name} in moto_server failed: {}", aws_sdk_s3::error::DisplayErrorContext(&e)));
        }
        s3.put_object_lock_configuration()
            .bucket(&anchors)
            .object_lock_configuration(
                aws_sdk_s3::types::ObjectLockConfiguration::builder()
                    .object_lock_enabled(aws_sdk_s3::types::ObjectLockEnabled::Enabled)
                    .rule(
                        aws_sdk_s3::types::ObjectLockRule::builder()
                            .default_retention(
                                aws_sdk_s3::types::DefaultRetention::builder()
                                    .mode(aws_sdk_s3::types::ObjectLockRetentionMode::Compliance)
                                    .days(1)
                                    .build(),
                            )
                            .build(),
                    )
                    .build(),
            )
            .send()
            .await
            .unwrap_or_else(|e| panic!("locking the anchor bucket failed: {}", aws_sdk_s3::error::DisplayErrorContext(&e)));
        // The service's audit-chain key: an HMAC key, as the template makes it.
        let hmac = kms
            .create_key()
            .key_spec(aws_sdk_kms::types::KeySpec::Hmac256)
            .key_usage(aws_sdk_kms::types::KeyUsageType::GenerateVerifyMac)
            .send()
            .await
            .unwrap_or_else(|e| panic!("creating the audit-chain key in moto_server failed: {}", aws_sdk_kms::error::DisplayErrorContext(&e)));
        let key_id = hmac.key_metadata().map(|m| m.key_id().to_owned()).expect("the new key's id");
        kms.create_alias()
            .alias_name(&cfg.audit_chain_key)
            .target_key_id(key_id)
            .send()
            .await
            .unwrap_or_else(|e| panic!("naming the audit-chain key failed: {}", aws_sdk_kms::error::DisplayErrorContext(&e)));
        let backend_sdk = match backend_endpoint {
            Some(url) => sdk.to_builder().endpoint_url(url).build(),
            None => sdk.clone(),
        };
        let scope = Arc::new(platform::aws::scope::TenantScope::new(&backend_sdk, cfg.tenant_role_arn.clone()));
        let mut backend = platform::aws::backend_in_scope(scope.clone(), &cfg);
        // The service's certificate signing key, as the template makes it (ECC P-256).
        let signing = kms
            .create_key()
            .key_spec(aws_sdk_kms::types::KeySpec::EccNistP256)
            .key_usage(aws_sdk_kms::types::KeyUsageType::SignVerify)
            .send()
            .await
            .expect("a signing key in moto");
        let signing_arn = signing.key_metadata().and_then(|m| m.arn()).expect("the signing key's ARN").to_owned();
        backend.signer = std::sync::Arc::new(platform::certify::KmsSigner::new(kms.clone(), signing_arn, cfg.region.clone()));
        Target { backend, kind: Kind::Aws { dynamo, kms, s3, cfg, scope } }
    }

    /// `"local"` or `"aws"`.
    pub fn name(&self) -> &'static str {
        self.backend.name
    }

    /// A second key provider over the same keys as the backend's sealer, for tests that
    /// wrap it (e.g. to count calls).
    pub fn key_provider(&self) -> Arc<dyn KeyProvider> {
        match &self.kind {
            Kind::Local { dir } => {
                Arc::new(
                    LocalKeys::open(&platform::local::keys_dir(dir.path()).expect("the keys folder"))
                        .expect("the local key folder opens"),
                )
            }
            Kind::Aws { scope, cfg, .. } => Arc::new(KmsKeys::in_scope(scope.clone(), cfg.key_alias_prefix.clone(), cfg.tenant_role_arn.clone())),
        }
    }

    /// The backend's lockout store: the local identity provider's tables in the SQLite file,
    /// or the DynamoDB adapter on this target's table.
    pub fn lockout(&self) -> Arc<dyn platform::lockout::LockoutStore> {
        match &self.kind {
            Kind::Local { dir } => {
                let idp = platform::identity::local::LocalIdentity::open(
                    &dir.path().join("kyocho.db"),
                    dir.path().join("outbox"),
                    Arc::new(NoTokens),
                )
                .expect("the local identity tables open");
                Arc::new(idp)
            }
            Kind::Aws { scope, cfg, .. } => {
                Arc::new(platform::identity::dynamo_lockout::DynamoLockout::new(scope.clone(), cfg.table_name.clone()))
            }
        }
    }

    /// The KMS client (set-up credentials), on the aws backend only.
    pub fn kms(&self) -> Option<&aws_sdk_kms::Client> {
        match &self.kind {
            Kind::Aws { kms, .. } => Some(kms),
            Kind::Local { .. } => None,
        }
    }

    /// The configuration the aws backend runs with, on the aws backend only.
    pub fn aws_config(&self) -> Option<&AwsConfig> {
        match &self.kind {
            Kind::Aws { cfg, .. } => Some(cfg),
            Kind::Local { .. } => None,
        }
    }

    /// The DynamoDB client and table name, on the aws backend only.
    pub fn dynamo(&self) -> Option<(&aws_sdk_dynamodb::Client, &str)> {
        match &self.kind {
            Kind::Aws { dynamo, cfg, .. } => Some((dynamo, cfg.table_name.as_str())),
            Kind::Local { .. } => None,
        }
    }

    /// The S3 client and bucket, on the aws backend only.
    pub fn s3(&self) -> Option<(&aws_sdk_s3::Client, &str)> {
        match &self.kind {
            Kind::Aws { s3, cfg, .. } => cfg.bucket.as_deref().map(|b| (s3, b)),
            Kind::Local { .. } => None,
        }
    }

    /// The local backend's blob folder, opened a second time (same files, same URL key),
    /// on the local backend only.
    pub fn local_blobs(&self) -> Option<platform::local::LocalBlobs> {
        match &self.kind {
            Kind::Local { dir } => Some(platform::local::LocalBlobs::open(dir.path()).expect("the blob folder opens")),
            Kind::Aws { .. } => None,
        }
    }

    /// Fetch a download URL over HTTP with no credentials: an S3 URL straight from
    /// `moto_server`; a local `/_blobs/…` URL through the local edition's gateway, started
    /// on a random port over the same data folder. Returns status, body and headers.
    pub async fn download(&self, url: &str) -> (u16, Vec<u8>, std::collections::HashMap<String, String>) {
        let absolute = match &self.kind {
            Kind::Aws { .. } => url.to_owned(),
            Kind::Local { dir } => {
                let (gateway, _) = kyocho::open(dir.path()).await.expect("the local edition opens the data folder");
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind a random port");
                let addr = listener.local_addr().expect("bound address");
                tokio::spawn(kyocho::serve_on(listener, gateway));
                format!("http://{addr}{url}")
            }
        };
        let resp = reqwest::get(&absolute).await.unwrap_or_else(|e| panic!("GET {absolute}: {e}"));
        let status = resp.status().as_u16();
        let headers = resp
            .headers()
            .iter()
            .filter_map(|(k, v)| v.to_str().ok().map(|v| (k.as_str().to_owned(), v.to_owned())))
            .collect();
        let body = resp.bytes().await.expect("response body").to_vec();
        (status, body, headers)
    }

    /// Every byte the backend has stored: for SQLite the database files as they lie on disk,
    /// for DynamoDB every attribute of every item of a raw table scan.
    pub async fn raw_storage(&self) -> Vec<u8> {
        match &self.kind {
            Kind::Local { dir } => {
                let mut out = Vec::new();
                for path in files_under(dir.path()) {
                    out.extend(std::fs::read(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display())));
                }
                out
            }
            Kind::Aws { dynamo, cfg, .. } => {
                let mut out = Vec::new();
                for item in scan(dynamo, &cfg.table_name).await {
                    for (name, value) in item {
                        out.extend_from_slice(name.as_bytes());
                        append_value(&mut out, &value);
                    }
                }
                out
            }
        }
    }
}

/// The lockout store of a local target mints no tokens.
struct NoTokens;

impl platform::identity::local::TokenMinter for NoTokens {
    fn mint(&self, _sub: &str, _tenant: &str) -> anyhow::Result<String> {
        anyhow::bail!("the contract target mints no tokens")
    }
    fn ttl_secs(&self) -> i64 {
        0
    }
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("listing {}: {e}", dir.display()));
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// Every item of a table, through a plain SDK scan (no adapter code involved).
pub async fn scan(client: &aws_sdk_dynamodb::Client, table: &str) -> Vec<std::collections::HashMap<String, AttributeValue>> {
    let mut items = Vec::new();
    let mut start = None;
    loop {
        let out = client
            .scan()
            .table_name(table)
            .set_exclusive_start_key(start.take())
            .send()
            .await
            .unwrap_or_else(|e| panic!("scanning {table}: {}", aws_sdk_dynamodb::error::DisplayErrorContext(&e)));
        items.extend(out.items.unwrap_or_default());
        match out.last_evaluated_key {
            Some(k) if !k.is_empty() => start = Some(k),
            _ => return items,
        }
    }
}

fn append_value(out: &mut Vec<u8>, value: &AttributeValue) {
    match value {
        AttributeValue::S(s) | AttributeValue::N(s) => out.extend_from_slice(s.as_bytes()),
        AttributeValue::B(b) => out.extend_from_slice(b.as_ref()),
        AttributeValue::Ss(v) | AttributeValue::Ns(v) => v.iter().for_each(|s| out.extend_from_slice(s.as_bytes())),
        AttributeValue::Bs(v) => v.iter().for_each(|b| out.extend_from_slice(b.as_ref())),
        AttributeValue::L(v) => v.iter().for_each(|v| append_value(out, v)),
        AttributeValue::M(m) => m.iter().for_each(|(k, v)| {
            out.extend_from_slice(k.as_bytes());
            append_value(out, v);
        }),
        _ => {}
    }
    out.push(0);
}
