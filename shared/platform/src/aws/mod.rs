//! Cloud adapters: DynamoDB single table for records, KMS for per-tenant keys.
//!
//! [`backend`] builds the SDK clients once per instance (when its first request arrives, see
//! [`crate::lambda`]) and wires every port; the same code runs against real AWS and against
//! `moto_server` (set `AWS_ENDPOINT_URL`).

mod anchors;
mod dynamo;
mod kms;
mod s3;
pub mod scope;
mod ses;

use std::sync::Arc;

use anyhow::Context;
use aws_config::{BehaviorVersion, Region, SdkConfig};

pub use anchors::{NoAnchors, S3Anchors};
pub use dynamo::{create_table, DynamoStore};
pub use kms::{tenant_key_policy, KmsChainKeys, KmsKeys};
pub use s3::S3Blobs;
pub use ses::SesMailer;

use crate::backend::Backend;
use crate::seal::{CachePolicy, EnvelopeSealer};

/// Region used when `AWS_REGION` is not set: Tokyo, where tenant data must stay.
pub const DEFAULT_REGION: &str = "ap-northeast-1";
/// Alias prefix of the tenants' KMS keys when `KYOCHO_KEY_ALIAS_PREFIX` is not set.
pub const DEFAULT_KEY_ALIAS_PREFIX: &str = "alias/kyocho/tenant/";

/// Where the cloud backend lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsConfig {
    /// The single DynamoDB table holding every record.
    pub table_name: String,
    /// Endpoint override for every client (moto, LocalStack); `None` means the real AWS
    /// endpoints. The SDK also honours `AWS_ENDPOINT_URL` by itself.
    pub endpoint_url: Option<String>,
    pub region: String,
    /// Prefix of the per-tenant KMS key aliases; the tenant id follows it.
    pub key_alias_prefix: String,
    /// The S3 bucket of exports and imports (`KYOCHO_BUCKET`); only functions that store
    /// blobs need it.
    pub bucket: Option<String>,
    /// The KMS HMAC key the tenants' audit chains are keyed from (`KYOCHO_AUDIT_CHAIN_KEY`,
    /// default [`DEFAULT_AUDIT_CHAIN_KEY`]).
    pub audit_chain_key: String,
    /// The role each request assumes with its tenant's session tag
    /// (`KYOCHO_TENANT_ROLE_ARN`, see [`scope`]); `None` reaches tenant data with the
    /// function's own credentials (moto, development accounts).
    pub tenant_role_arn: Option<String>,
    /// The S3 bucket with Object Lock where audit-chain heads are anchored
    /// (`KYOCHO_AUDIT_ANCHOR_BUCKET`); `None` anchors nothing.
    pub anchor_bucket: Option<String>,
}

/// The audit-chain HMAC key when `KYOCHO_AUDIT_CHAIN_KEY` is not set.
pub const DEFAULT_AUDIT_CHAIN_KEY: &str = "alias/kyocho/audit-chain";

impl AwsConfig {
    /// Read `KYOCHO_TABLE` (required), `AWS_ENDPOINT_URL`, `AWS_REGION` (default
    /// ap-northeast-1), `KYOCHO_KEY_ALIAS_PREFIX` (default `alias/kyocho/tenant/`) and
    /// `KYOCHO_BUCKET` and `KYOCHO_TENANT_ROLE_ARN` (optional).
    pub fn from_env() -> anyhow::Result<Self> {
        fn var(name: &str) -> Option<String> {
            std::env::var(name).ok().map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
        }
        let table_name = var("KYOCHO_TABLE").context("KYOCHO_TABLE must name the DynamoDB table")?;
        Ok(AwsConfig {
            table_name,
            endpoint_url: var("AWS_ENDPOINT_URL"),
            region: var("AWS_REGION").unwrap_or_else(|| DEFAULT_REGION.to_owned()),
            key_alias_prefix: var("KYOCHO_KEY_ALIAS_PREFIX")
                .unwrap_or_else(|| DEFAULT_KEY_ALIAS_PREFIX.to_owned()),
            bucket: var("KYOCHO_BUCKET"),
            audit_chain_key: var("KYOCHO_AUDIT_CHAIN_KEY").unwrap_or_else(|| DEFAULT_AUDIT_CHAIN_KEY.to_owned()),
            tenant_role_arn: var("KYOCHO_TENANT_ROLE_ARN"),
            anchor_bucket: var("KYOCHO_AUDIT_ANCHOR_BUCKET"),
        })
    }

    /// Load the shared SDK configuration (credentials chain, region, endpoint override).
    pub async fn sdk_config(&self) -> SdkConfig {
        let mut loader = aws_config::defaults(BehaviorVersion::latest()).region(Region::new(self.region.clone()));
        if let Some(url) = &self.endpoint_url {
            loader = loader.endpoint_url(url.clone());
        }
        loader.load().await
    }
}

/// Build the cloud backend: clients are created once here and shared by every request.
pub async fn backend(cfg: &AwsConfig) -> anyhow::Result<Backend> {
    let sdk = cfg.sdk_config().await;
    Ok(backend_from_sdk_config(&sdk, cfg))
}

/// Build the cloud backend from an already loaded SDK configuration (tests pass static
/// credentials this way). `cfg.endpoint_url` is not consulted: `sdk` already decides it.
pub fn backend_from_sdk_config(sdk: &SdkConfig, cfg: &AwsConfig) -> Backend {
    backend_in_scope(Arc::new(scope::TenantScope::new(sdk, cfg.tenant_role_arn.clone())), cfg)
}

/// Build the cloud backend on `scope`'s clients (a function that also keeps lockout counters
/// shares the scope with them).
pub fn backend_in_scope(scope: Arc<scope::TenantScope>, cfg: &AwsConfig) -> Backend {
    let chain_keys: Arc<dyn crate::seal::ChainKeys> = Arc::new(KmsChainKeys::new(scope.service().kms.clone(), cfg.audit_chain_key.clone()));
    let store = Arc::new(DynamoStore::new(scope.clone(), cfg.table_name.clone(), chain_keys.clone()));
    let keys = KmsKeys::in_scope(scope.clone(), cfg.key_alias_prefix.clone(), cfg.tenant_role_arn.clone());
    let blobs = S3Blobs::new(scope.clone(), cfg.bucket.clone(), cfg.key_alias_prefix.clone());
    let signer = crate::certify::from_env(&scope.service().kms, Some(cfg.region.clone()));
    let anchors: Arc<dyn crate::ports::AnchorStore> = match &cfg.anchor_bucket {
        Some(bucket) => Arc::new(S3Anchors::new(scope, bucket.clone())),
        None => Arc::new(NoAnchors),
    };
    Backend {
        name: "aws",
        tenants: store.clone(),
        users: store.clone(),
        projects: store.clone(),
        library: store.clone(),
        desk: store.clone(),
        audit: Arc::new(crate::anchor::AnchoredLog::new(store, anchors.clone(), crate::anchor::interval_from_env())),
        anchors,
        sealer: Arc::new(EnvelopeSealer::new(keys, CachePolicy::default())),
        blobs: Arc::new(blobs),
        chain_keys,
        signer,
    }
}
