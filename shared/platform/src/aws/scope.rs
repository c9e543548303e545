//! Tenant-scoped credentials: isolation that holds even when a handler has a bug.
//!
//! A function's own role may do almost nothing with tenant data: it may assume the
//! tenant-access role (`KYOCHO_TENANT_ROLE_ARN`) with the session tag `tenant_id`, and that
//! role's policy lets a session reach only the records whose partition key starts with
//! `TENANT#<its tag>`, the objects under `tenants/<its tag>/` and KMS operations whose
//! encryption context names its tag (`infra/template.yaml`, `TenantAccessRole`; see
//! `docs/security.md`). So a request for one company runs on clients that AWS itself stops
//! at that company's data, whatever the code asks for.
//!
//! [`TenantScope::tenant`] answers the clients of one tenant. They are built once per tenant
//! per warm instance and share one credentials cache, so `AssumeRole` is called once per
//! tenant until the session nears its end ([`REFRESH_BEFORE_EXPIRY`] before it), not once
//! per request. Without a role (moto, a developer's account) every tenant gets the
//! function's own clients, and a warning says so once.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use aws_config::identity::IdentityCache;
use aws_config::sts::AssumeRoleProvider;
use aws_config::SdkConfig;
use aws_credential_types::provider::{self, future, ProvideCredentials, SharedCredentialsProvider};

use crate::ids::TenantId;

/// The session tag (and the KMS encryption-context key) that names the tenant.
pub const TENANT_TAG: &str = "tenant_id";
/// How long each tenant session lasts: an hour, the longest AWS allows when a role's
/// credentials assume another role.
pub const SESSION_LENGTH: Duration = Duration::from_secs(3600);
/// Credentials are renewed this long before they expire, so a download link signed with
/// them stays valid for at least this long (the longest export link, `exports`).
pub const REFRESH_BEFORE_EXPIRY: Duration = Duration::from_secs(20 * 60);
/// Tenants whose clients one warm instance keeps; past it the cache starts again.
const MAX_TENANTS: usize = 512;

/// The SDK clients that touch tenant data.
#[derive(Clone, Debug)]
pub struct Clients {
    pub dynamo: aws_sdk_dynamodb::Client,
    pub kms: aws_sdk_kms::Client,
    pub s3: aws_sdk_s3::Client,
}

impl Clients {
    fn new(sdk: &SdkConfig) -> Self {
        // Path-style addressing when an endpoint override (moto, LocalStack) stands in for S3.
        let s3 = aws_sdk_s3::config::Builder::from(sdk).force_path_style(sdk.endpoint_url().is_some()).build();
        Clients {
            dynamo: aws_sdk_dynamodb::Client::new(sdk),
            kms: aws_sdk_kms::Client::new(sdk),
            s3: aws_sdk_s3::Client::from_conf(s3),
        }
    }
}

/// The function's own clients and, per tenant, clients running as that tenant's session.
#[derive(Debug)]
pub struct TenantScope {
    sdk: SdkConfig,
    service: Clients,
    role_arn: Option<String>,
    tenants: std::sync::Mutex<HashMap<TenantId, Clients>>,
}

impl TenantScope {
    /// Clients on `sdk`; tenant sessions of `role_arn` when there is one.
    pub fn new(sdk: &SdkConfig, role_arn: Option<String>) -> Self {
        if role_arn.is_none() {
            tracing::warn!("KYOCHO_TENANT_ROLE_ARN is not set: tenant data is reached with the function's own credentials");
        }
        TenantScope { sdk: sdk.clone(), service: Clients::new(sdk), role_arn, tenants: Default::default() }
    }

    /// The function's own clients, for the few records that belong to no tenant (the
    /// `SUB#` lookups that find a signed-in user's company) and the service's own keys.
    pub fn service(&self) -> &Clients {
        &self.service
    }

    /// Whether tenant data is reached through tenant sessions.
    pub fn is_scoped(&self) -> bool {
        self.role_arn.is_some()
    }

    /// The clients of `tenant`'s session. Building them makes no call: the role is assumed
    /// when the first of them first needs credentials, then again only near expiry.
    pub async fn tenant(&self, tenant: &TenantId) -> Clients {
        let Some(role) = &self.role_arn else {
            return self.service.clone();
        };
        if let Some(clients) = self.cached().get(tenant) {
            return clients.clone();
        }
        let built = Clients::new(&self.session_config(role, tenant).await);
        let mut tenants = self.cached();
        if tenants.len() >= MAX_TENANTS {
            tenants.clear();
        }
        // A request for the same tenant that built its clients first wins: one session each.
        tenants.entry(tenant.clone()).or_insert(built).clone()
    }

    fn cached(&self) -> std::sync::MutexGuard<'_, HashMap<TenantId, Clients>> {
        self.tenants.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// An SDK configuration whose credentials are `tenant`'s session of `role`, cached and
    /// renewed by one identity cache that every client built from it shares.
    async fn session_config(&self, role: &str, tenant: &TenantId) -> SdkConfig {
        let provider = AssumeRoleProvider::builder(role)
            .configure(&self.sdk)
            .session_name(format!("kyocho-{tenant}"))
            .session_length(SESSION_LENGTH)
            .tags([(TENANT_TAG, tenant.as_str())])
            .build()
            .await;
        self.sdk
            .to_builder()
            .credentials_provider(SharedCredentialsProvider::new(Logged(provider)))
            .identity_cache(IdentityCache::lazy().buffer_time(REFRESH_BEFORE_EXPIRY).build())
            .build()
    }
}

/// The session provider, with its failures logged as `dependency = "sts"` lines (the
/// template's `StsErrorsAlarm` counts them).
#[derive(Debug)]
struct Logged(AssumeRoleProvider);

impl ProvideCredentials for Logged {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::new(async move {
            let result: provider::Result = self.0.provide_credentials().await;
            if let Err(e) = &result {
                tracing::error!(dependency = "sts", error = %aws_sdk_dynamodb::error::DisplayErrorContext(e), "AssumeRole of the tenant-access role failed");
            }
            result
        })
    }
}

/// Check at compile time that the clients can be shared across tasks.
const _: fn() = || {
    fn shared<T: Send + Sync>() {}
    shared::<Arc<TenantScope>>();
};
