//! Ports: the small storage traits every handler talks to. Each has an `aws` adapter
//! (DynamoDB, KMS) and a `local` adapter (SQLite, key file); both pass one contract suite
//! (`tests/contract.rs`). Every method that touches tenant data takes the tenant first.

use std::collections::BTreeSet;

use async_trait::async_trait;
use ipnet::IpNet;
use serde::{Deserialize, Serialize};

use crate::auth::{Permission, Role};
use crate::ids::{ProjectId, TenantId, UserId};

/// Milliseconds since the Unix epoch, UTC.
pub type UnixMillis = i64;

/// What a store can fail with. `Unavailable` carries the cause for the log only.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    #[error("already exists")]
    AlreadyExists,
    #[error("version mismatch: the stored version is {current}")]
    VersionMismatch { current: u64 },
    #[error("record too large ({bytes} bytes)")]
    TooLarge { bytes: usize },
    #[error("storage unavailable")]
    Unavailable(#[source] anyhow::Error),
}

impl StoreError {
    pub fn unavailable(e: impl Into<anyhow::Error>) -> Self {
        StoreError::Unavailable(e.into())
    }
}

/// A tenant (customer company) and its access settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tenant {
    pub id: TenantId,
    /// Company name, shown in audit logs.
    pub name: String,
    pub created_at: UnixMillis,
    pub settings: TenantSettings,
}

/// Per-tenant access settings.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TenantSettings {
    /// When non-empty, only these networks may call the API for this tenant.
    #[serde(default)]
    pub ip_allow_list: Vec<IpNet>,
    /// Every user must pass a second factor at sign-in (e-mail code unless they chose another).
    #[serde(default)]
    pub mfa_required: bool,
    /// Failed passwords or codes within 15 minutes that lock an account; `None` means 5.
    #[serde(default)]
    pub lockout_threshold: Option<u32>,
    /// How long a lock lasts, in minutes; `None` means 30.
    #[serde(default)]
    pub lockout_duration_minutes: Option<u32>,
    /// A locked account stays locked until an administrator unlocks it.
    #[serde(default)]
    pub lockout_until_unlocked: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UserStatus {
    Active,
    Disabled,
    /// Removed by an administrator: the record stays (audit events name it), nothing else.
    Deleted,
}

/// A user record. The identity provider's subject (`sub`) maps to exactly one user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct User {
    pub tenant: TenantId,
    pub id: UserId,
    /// The identity provider's subject claim.
    pub sub: String,
    pub email: String,
    pub name: String,
    pub role: Role,
    /// Narrowed permissions; `None` means the role's defaults.
    pub permissions: Option<BTreeSet<Permission>>,
    pub status: UserStatus,
    /// Tokens issued before this instant are refused (sign-out, disable, role change).
    pub tokens_valid_after: UnixMillis,
    pub created_at: UnixMillis,
}

impl User {
    /// Effective permissions: the narrowed set if any, never more than the role grants.
    pub fn effective_permissions(&self) -> BTreeSet<Permission> {
        let role = self.role.default_permissions();
        match &self.permissions {
            Some(narrowed) => narrowed.intersection(&role).copied().collect(),
            None => role,
        }
    }
}

/// A stored project: ids and version in clear, everything else sealed.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectRecord {
    pub id: ProjectId,
    /// Starts at 1; each accepted write adds one.
    pub version: u64,
    pub created_at: UnixMillis,
    pub updated_at: UnixMillis,
    /// Sealed summary (name, description): small, read by listings.
    pub summary: Vec<u8>,
    /// Sealed content (the whole project document): may be several megabytes.
    pub content: Vec<u8>,
}

/// A project as listings see it: no content.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectMeta {
    pub id: ProjectId,
    pub version: u64,
    pub created_at: UnixMillis,
    pub updated_at: UnixMillis,
    pub summary: Vec<u8>,
}

/// One page of a listing. `next` is the last key returned when more may follow.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next: Option<String>,
}

#[async_trait]
pub trait TenantStore: Send + Sync {
    /// Create a tenant; `AlreadyExists` if the id is taken.
    async fn create_tenant(&self, tenant: &Tenant) -> Result<(), StoreError>;
    async fn get_tenant(&self, tenant: &TenantId) -> Result<Option<Tenant>, StoreError>;
    async fn put_tenant(&self, tenant: &Tenant) -> Result<(), StoreError>;
}

#[async_trait]
pub trait UserStore: Send + Sync {
    /// Create or replace a user and its `sub` lookup. `AlreadyExists` if the `sub` already
    /// belongs to a different user.
    async fn put_user(&self, user: &User) -> Result<(), StoreError>;
    async fn get_user(&self, tenant: &TenantId, user: &UserId) -> Result<Option<User>, StoreError>;
    /// Find the user an identity-provider subject belongs to, in whatever tenant.
    async fn user_by_sub(&self, sub: &str) -> Result<Option<User>, StoreError>;
    async fn list_users(&self, tenant: &TenantId) -> Result<Vec<User>, StoreError>;
}

#[async_trait]
pub trait ProjectStore: Send + Sync {
    /// Store a new project (version 1). `AlreadyExists` if the id is taken in this tenant.
    async fn create_project(&self, tenant: &TenantId, record: &ProjectRecord) -> Result<(), StoreError>;
    async fn get_project(&self, tenant: &TenantId, id: &ProjectId) -> Result<Option<ProjectRecord>, StoreError>;
    /// Replace a project if its stored version is `expected_version`; the new record's
    /// version must be `expected_version + 1`. Atomic: on any error nothing changed.
    async fn replace_project(
        &self,
        tenant: &TenantId,
        record: &ProjectRecord,
        expected_version: u64,
    ) -> Result<(), StoreError>;
    /// Delete a project if its stored version is `expected_version` (or any, when `None`).
    async fn delete_project(
        &self,
        tenant: &TenantId,
        id: &ProjectId,
        expected_version: Option<u64>,
    ) -> Result<(), StoreError>;
    /// Projects ordered by id, strictly after `after`, at most `limit` (1..=100).
    async fn list_projects(
        &self,
        tenant: &TenantId,
        after: Option<&ProjectId>,
        limit: usize,
    ) -> Result<Page<ProjectMeta>, StoreError>;
}

/// Outcome of an audited operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditResult {
    Success,
    Denied,
    Failed,
}

/// One audit event as the caller describes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEvent {
    pub at: UnixMillis,
    /// Stable operation name, e.g. `PUT /projects/{id}` or `auth.sign_in`.
    pub operation: String,
    pub user_id: Option<String>,
    pub user_name: Option<String>,
    pub company_name: Option<String>,
    /// What was acted on, e.g. `project:0190…`.
    pub target: Option<String>,
    pub source_ip: Option<String>,
    pub request_id: Option<String>,
    pub result: AuditResult,
    /// HTTP status or a short reason code.
    pub detail: Option<String>,
}

/// An appended event: its id, its place in the tenant's chain and the chain hashes.
/// `hash = sha256(prev_hash ‖ canonical JSON of event)`, so a removed or edited event
/// breaks every later hash.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredAuditEvent {
    pub id: String,
    pub seq: u64,
    pub prev_hash: String,
    pub hash: String,
    #[serde(flatten)]
    pub event: AuditEvent,
}

#[async_trait]
pub trait AuditLog: Send + Sync {
    /// Append an event to the tenant's chain. Never overwrites.
    async fn append(&self, tenant: &TenantId, event: &AuditEvent) -> Result<StoredAuditEvent, StoreError>;
    /// Events of one calendar month (`yyyy-mm`, UTC) in chain order. `after` is a `next`
    /// value of a previous page (opaque: each adapter chooses its own cursor).
    async fn list_month(
        &self,
        tenant: &TenantId,
        month: &str,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Page<StoredAuditEvent>, StoreError>;
}
