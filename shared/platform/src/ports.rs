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
    /// Where the company stands in its contract (only an active company's users get in).
    #[serde(default)]
    pub status: TenantStatus,
    /// While terminating: when the company's data is deleted (its administrators may take
    /// the final archive until then).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purge_after: Option<UnixMillis>,
    /// While terminating: the final company archive (a blob key in the company's space).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub final_archive: Option<String>,
    /// Where the audit chain starts once months older than the retention were removed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audit_checkpoint: Option<AuditCheckpoint>,
    /// How many times the record was written (1 after `create_tenant`); `put_tenant` writes
    /// only over the version it was given and stores the next one.
    #[serde(default)]
    pub version: u64,
}

impl Tenant {
    /// A new active company with default settings, not stored yet.
    pub fn new(id: TenantId, name: impl Into<String>, created_at: UnixMillis) -> Tenant {
        Tenant {
            id,
            name: name.into(),
            created_at,
            settings: TenantSettings::default(),
            status: TenantStatus::Active,
            purge_after: None,
            final_archive: None,
            audit_checkpoint: None,
            version: 0,
        }
    }
}

/// Where a company stands in its contract: active → suspended (and back) → terminating →
/// terminated.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum TenantStatus {
    #[default]
    Active,
    /// Its users are refused (`tenant_suspended`); nothing is deleted.
    Suspended,
    /// The contract ended: only the final archive may be taken; the data is deleted at
    /// `purge_after`.
    Terminating,
    /// Every record, object and user is deleted and the key destroyed; only the registry
    /// entry and the deletion certificate remain.
    Terminated,
}

impl TenantStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            TenantStatus::Active => "active",
            TenantStatus::Suspended => "suspended",
            TenantStatus::Terminating => "terminating",
            TenantStatus::Terminated => "terminated",
        }
    }
}

/// The service's own list of companies. An entry outlives the company's data: a terminated
/// company's id is never given again, and its deletion certificate stays here.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TenantEntry {
    pub id: TenantId,
    pub name: String,
    pub status: TenantStatus,
    pub created_at: UnixMillis,
    pub updated_at: UnixMillis,
    /// The signed deletion certificate (JSON), once terminated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate: Option<String>,
}

/// What [`TenantStore::purge_tenant`] deleted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PurgeReport {
    /// Records of the company (company, users, projects and their parts, library, grants,
    /// counters, chain head …).
    pub records: u64,
    pub audit_events: u64,
    /// Lookups that name the company's users (identity subjects, e-mail addresses).
    pub lookups: u64,
    pub inquiries: u64,
    /// SHA-256 (hex) of every deleted record's key, sorted, one per line.
    pub keys_sha256: String,
}

impl PurgeReport {
    /// The report of deleting `keys` (each `kind` counted by the caller).
    pub fn hash_keys(keys: &mut [String]) -> String {
        use sha2::Digest;
        keys.sort();
        let mut h = sha2::Sha256::new();
        for k in keys.iter() {
            h.update(k.as_bytes());
            h.update(b"\n");
        }
        crate::seal::hex(&h.finalize())
    }
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
    /// Days the audit log is kept; `None` means [`AUDIT_RETENTION_DEFAULT_DAYS`]. At least
    /// [`AUDIT_RETENTION_MIN_DAYS`] (docs/security.md, "Audit retention").
    #[serde(default)]
    pub audit_retention_days: Option<u32>,
}

/// The shortest audit retention a company may choose: one year.
pub const AUDIT_RETENTION_MIN_DAYS: u32 = 365;
/// The longest: ten years.
pub const AUDIT_RETENTION_MAX_DAYS: u32 = 3650;
/// Unless the company chose otherwise: five years.
pub const AUDIT_RETENTION_DEFAULT_DAYS: u32 = 1825;

impl TenantSettings {
    /// The audit retention in force, in days.
    pub fn audit_retention_days(&self) -> u32 {
        self.audit_retention_days.unwrap_or(AUDIT_RETENTION_DEFAULT_DAYS)
    }
}

/// Where a company's audit chain starts after older months were removed under its retention:
/// the last removed event's place and link, which the first kept event must follow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditCheckpoint {
    /// The last month removed (`yyyy-mm`, UTC).
    pub month: String,
    pub seq: u64,
    pub hash: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
    /// How many times the record was written; 0 for a user not stored yet. `put_user`
    /// writes only over this version and stores the next one.
    #[serde(default)]
    pub version: u64,
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
    /// Create a tenant (stored as version 1); `AlreadyExists` if the id is taken.
    async fn create_tenant(&self, tenant: &Tenant) -> Result<(), StoreError>;
    async fn get_tenant(&self, tenant: &TenantId) -> Result<Option<Tenant>, StoreError>;
    /// Replace a tenant if its stored version is `tenant.version`; stores `version + 1` and
    /// returns it. `VersionMismatch` (nothing changed) when another write came first,
    /// `NotFound` when there is no such tenant.
    async fn put_tenant(&self, tenant: &Tenant) -> Result<u64, StoreError>;
    /// Every company the service has had (terminated ones included), by id.
    async fn list_tenants(&self) -> Result<Vec<TenantEntry>, StoreError>;
    async fn get_entry(&self, tenant: &TenantId) -> Result<Option<TenantEntry>, StoreError>;
    /// Create or replace the company's registry entry.
    async fn put_entry(&self, entry: &TenantEntry) -> Result<(), StoreError>;
    /// Delete every record of the company — its own records, its audit chain, the lookups
    /// naming its users, its inquiries — leaving only its registry entry. Idempotent.
    async fn purge_tenant(&self, tenant: &TenantId) -> Result<PurgeReport, StoreError>;
}

/// A write that relied on a reading of the company's full administrators: it commits only
/// if no other guarded write committed since `guard` was read (see
/// [`UserStore::admin_guard`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AdminGuard(pub u64);

#[async_trait]
pub trait UserStore: Send + Sync {
    /// Create or replace a user, its `sub` lookup and its e-mail lookup, if the stored
    /// version is `user.version` (0: no such user yet); stores `version + 1` and returns it.
    /// `VersionMismatch` when another write came first; `AlreadyExists` if the `sub` or (for
    /// a user not deleted) the e-mail address belongs to a different user of the tenant.
    async fn put_user(&self, user: &User) -> Result<u64, StoreError>;
    /// [`UserStore::put_user`], in the same atomic write as moving the tenant's
    /// administrator guard from `guard` to the next value: of two writes that read the same
    /// guard, one commits and the other gets `VersionMismatch`.
    async fn put_user_guarded(&self, user: &User, guard: AdminGuard) -> Result<u64, StoreError>;
    /// The tenant's administrator guard, read before the users a rule is checked on.
    async fn admin_guard(&self, tenant: &TenantId) -> Result<AdminGuard, StoreError>;
    async fn get_user(&self, tenant: &TenantId, user: &UserId) -> Result<Option<User>, StoreError>;
    /// Find the user an identity-provider subject belongs to, in whatever tenant.
    async fn user_by_sub(&self, sub: &str) -> Result<Option<User>, StoreError>;
    /// The user (not deleted) with this e-mail address in the tenant, compared
    /// case-insensitively, through the e-mail lookup (one read, not a scan).
    async fn user_by_email(&self, tenant: &TenantId, email: &str) -> Result<Option<User>, StoreError>;
    async fn list_users(&self, tenant: &TenantId) -> Result<Vec<User>, StoreError>;
}

/// The key an e-mail address is looked up by: trimmed, ASCII lower case.
pub fn email_key(email: &str) -> String {
    email.trim().to_ascii_lowercase()
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

/// Checks a company library item id at the edge of the store: 1–64 characters of
/// `A–Z a–z 0–9 . _ -` (the rule of `domain::library::company_validate`), so that an id can
/// never carry a key separator (`#`) into a record key.
pub fn library_item_id_ok(id: &str) -> bool {
    !id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// One stored version of a company library item: id and version in clear, the item sealed.
#[derive(Debug, Clone, PartialEq)]
pub struct LibraryItemRecord {
    /// The item's id (see [`library_item_id_ok`]), stable across versions.
    pub id: String,
    /// 1 for the first version; each accepted replacement adds one.
    pub version: u64,
    /// When this version was stored.
    pub stored_at: UnixMillis,
    /// The sealed item (JSON of the whole item at this version).
    pub content: Vec<u8>,
}

/// The company's own device library. Every version of an item is kept: projects carry copies
/// of the versions they use, and an id with its version always names the same data, so an id
/// once used is never given to another item (not even after it is deleted).
#[async_trait]
pub trait LibraryStore: Send + Sync {
    /// Store a new item at version 1 (`record.version` must be 1). `AlreadyExists` if the id
    /// is taken in this tenant or was taken before and deleted.
    async fn create_library_item(&self, tenant: &TenantId, record: &LibraryItemRecord) -> Result<(), StoreError>;
    /// The item's newest version (`version: None`) or the given one. `None` when the item
    /// does not exist (or was deleted), or has no such version.
    async fn get_library_item(&self, tenant: &TenantId, id: &str, version: Option<u64>) -> Result<Option<LibraryItemRecord>, StoreError>;
    /// Publish a new version if the newest stored one is `expected_version`; `record.version`
    /// must be `expected_version + 1`. Older versions stay readable. Atomic: on any error
    /// nothing changed (`VersionMismatch`, `NotFound`).
    async fn replace_library_item(&self, tenant: &TenantId, record: &LibraryItemRecord, expected_version: u64) -> Result<(), StoreError>;
    /// Withdraw an item if its newest version is `expected_version` (or any, when `None`):
    /// it is no longer listed or read, and its id stays used.
    async fn delete_library_item(&self, tenant: &TenantId, id: &str, expected_version: Option<u64>) -> Result<(), StoreError>;
    /// The newest version of each item, ordered by id, strictly after `after`, at most
    /// `limit` (1..=100).
    async fn list_library_items(&self, tenant: &TenantId, after: Option<&str>, limit: usize) -> Result<Page<LibraryItemRecord>, StoreError>;
}

/// Outcome of an audited operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum AuditResult {
    /// An authorised change about to be made (written before it, so that a change is never
    /// made without a trace); the outcome follows under the same request id.
    Started,
    Success,
    Denied,
    Failed,
}

/// One audit event as the caller describes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
/// `hash = HMAC-SHA-256(tenant chain key, prev_hash ‖ 0 ‖ JSON of event)` (see
/// [`crate::seal::chain_hash`]), so a removed or edited event breaks every later link.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
    /// Remove the events of one month (`yyyy-mm`) under the company's retention; returns how
    /// many. Only [`crate::integrity::prune_audit`] calls it, after recording the checkpoint.
    async fn delete_month(&self, tenant: &TenantId, month: &str) -> Result<u64, StoreError>;
}

/// A tenant's audit-chain head as it was copied outside the records store: the event at
/// `seq` had the link `hash`. A later chain that lacks that event, or has another link
/// there, was truncated or rewritten.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditAnchor {
    pub seq: u64,
    pub hash: String,
    /// When the anchor was written (ms since the Unix epoch).
    pub at: UnixMillis,
}

/// Where audit-chain heads are anchored: a place the records store's writers cannot
/// rewrite (S3 with Object Lock in the cloud, an append-only file locally).
#[async_trait]
pub trait AnchorStore: Send + Sync {
    /// Record `anchor` for `tenant`; never replaces an earlier one.
    async fn put(&self, tenant: &TenantId, anchor: &AuditAnchor) -> Result<(), StoreError>;
    /// The anchor with the highest `seq`, if any.
    async fn latest(&self, tenant: &TenantId) -> Result<Option<AuditAnchor>, StoreError>;
}

/// A blob's place inside its tenant's space, e.g. `exports/0190…/tcc.pdf`. Adapters put it
/// under `tenants/<tid>/`, so a key can never name another tenant's blob.
///
/// Invariants: 1–512 bytes; `/`-separated segments, each 1–128 characters of `A-Z a-z 0-9
/// . _ -` starting with a letter or digit — so no empty segment, no `.`/`..`, no leading or
/// trailing `/`, no backslash, no percent escapes, no control or non-ASCII characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct BlobKey(String);

impl<'de> Deserialize<'de> for BlobKey {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        BlobKey::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// Why a string is not a [`BlobKey`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a blob key is 1–512 bytes of '/'-separated segments of A–Z, a–z, 0–9, '.', '_' or '-', each starting with a letter or digit")]
pub struct InvalidBlobKey;

impl BlobKey {
    pub fn parse(s: &str) -> Result<Self, InvalidBlobKey> {
        let segment_ok = |seg: &str| {
            !seg.is_empty()
                && seg.len() <= 128
                && seg.as_bytes()[0].is_ascii_alphanumeric()
                && seg.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
        };
        if s.is_empty() || s.len() > 512 || !s.split('/').all(segment_ok) {
            return Err(InvalidBlobKey);
        }
        Ok(BlobKey(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The last segment.
    pub fn file_name(&self) -> &str {
        self.0.rsplit('/').next().unwrap_or(&self.0)
    }
}

impl std::fmt::Display for BlobKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Metadata keys: 1–64 characters of `a-z 0-9 -`. Values: printable ASCII, at most 256 bytes.
/// (S3 sends user metadata as HTTP headers, which is what these limits keep safe.)
pub fn blob_metadata_ok(key: &str, value: &str) -> bool {
    !key.is_empty()
        && key.len() <= 64
        && key.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !key.starts_with("kyocho-")
        && value.len() <= 256
        && value.bytes().all(|b| (0x20..0x7f).contains(&b))
}

/// What is stored beside a blob's bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlobInfo {
    /// Media type served with the download, e.g. `application/pdf`.
    pub content_type: String,
    /// Name offered to the browser when downloading (same charset as a key segment).
    pub file_name: String,
    /// Caller's own labels; see [`blob_metadata_ok`].
    pub metadata: std::collections::BTreeMap<String, String>,
    /// After this instant the blob is gone for every reader and is deleted by the sweep
    /// (local) or the bucket's lifecycle rule (S3).
    pub expires_at: UnixMillis,
}

/// A stored blob as `head` reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlobHead {
    pub key: BlobKey,
    pub size: u64,
    /// SHA-256 of the bytes, lower-case hex, computed when they were stored.
    pub sha256: String,
    #[serde(flatten)]
    pub info: BlobInfo,
}

/// A short-lived URL that downloads one blob without a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DownloadUrl {
    /// Absolute (S3) or relative to the API's origin (local edition: `/_blobs/…`).
    pub url: String,
    pub expires_at: UnixMillis,
}

/// A short-lived URL that uploads one blob without a token: `method` the `url` with these
/// `headers` (they are part of the signature) and the bytes as the body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct UploadUrl {
    /// Absolute (S3) or relative to the API's origin (local edition: `/_uploads/…`).
    pub url: String,
    pub method: String,
    pub headers: std::collections::BTreeMap<String, String>,
    pub expires_at: UnixMillis,
}

/// Why a blob operation failed.
#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    /// No such blob in this tenant's space, or it has expired.
    #[error("not found")]
    NotFound,
    /// The content type, file name or metadata cannot be stored as given.
    #[error("invalid blob info: {0}")]
    Invalid(&'static str),
    #[error("blob storage unavailable")]
    Unavailable(#[source] anyhow::Error),
}

impl BlobError {
    pub fn unavailable(e: impl Into<anyhow::Error>) -> Self {
        BlobError::Unavailable(e.into())
    }
}

impl BlobInfo {
    /// Check what every adapter can store: see [`BlobKey`] for the file name's charset and
    /// [`blob_metadata_ok`] for the metadata.
    pub fn check(&self) -> Result<(), BlobError> {
        if BlobKey::parse(&self.file_name).map(|k| k.as_str().contains('/')).unwrap_or(true) {
            return Err(BlobError::Invalid("file name"));
        }
        let ct_ok = !self.content_type.is_empty()
            && self.content_type.len() <= 128
            && self.content_type.bytes().all(|b| (0x20..0x7f).contains(&b));
        if !ct_ok {
            return Err(BlobError::Invalid("content type"));
        }
        if self.metadata.len() > 16 || !self.metadata.iter().all(|(k, v)| blob_metadata_ok(k, v)) {
            return Err(BlobError::Invalid("metadata"));
        }
        Ok(())
    }
}

/// Files handed out for download (exports) or received (imports), in each tenant's own
/// space. Every method takes the tenant first; keys are relative to the tenant's space.
/// An expired blob is not found by any method, whether or not it is deleted yet.
#[async_trait]
pub trait BlobStore: Send + Sync {
    /// Store (or replace) a blob, encrypted at rest under the tenant's key where the
    /// adapter can, and return what `head` will report.
    async fn put(&self, tenant: &TenantId, key: &BlobKey, bytes: Vec<u8>, info: &BlobInfo) -> Result<BlobHead, BlobError>;
    async fn head(&self, tenant: &TenantId, key: &BlobKey) -> Result<BlobHead, BlobError>;
    /// The live blobs whose keys start with `prefix` (a plain string prefix), in key order.
    async fn list(&self, tenant: &TenantId, prefix: &str) -> Result<Vec<BlobHead>, BlobError>;
    /// A URL that downloads the blob for `ttl`, offering its file name. `NotFound` if the
    /// blob is missing or expired. The URL never outlives the blob.
    async fn download_url(&self, tenant: &TenantId, key: &BlobKey, ttl: std::time::Duration) -> Result<DownloadUrl, BlobError>;
    /// Delete a blob; deleting a missing blob is not an error.
    async fn delete(&self, tenant: &TenantId, key: &BlobKey) -> Result<(), BlobError>;
    /// A URL that uploads `key` (replacing it) for `ttl`, the bytes sent as `content_type`.
    /// The upload is not trusted: [`BlobStore::read_raw`] reads it back for checking.
    async fn upload_url(&self, tenant: &TenantId, key: &BlobKey, content_type: &str, ttl: std::time::Duration) -> Result<UploadUrl, BlobError>;
    /// The bytes of `key` as stored — an upload included, which carries none of our own
    /// metadata — refusing (`Invalid`) more than `max_bytes`. `NotFound` when absent.
    async fn read_raw(&self, tenant: &TenantId, key: &BlobKey, max_bytes: u64) -> Result<Vec<u8>, BlobError>;
    /// Delete everything in the tenant's space — every version of every object, expired
    /// ones and delete markers included — and return how many were deleted. Idempotent.
    async fn purge_tenant(&self, tenant: &TenantId) -> Result<u64, BlobError>;
}

/// Which service-desk records ([`DeskStore`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeskKind {
    /// The operator's announcements: service-wide, no tenant.
    Announcement,
    /// Support inquiries: each of one tenant; the operator lists every tenant's.
    Inquiry,
    /// Support-access grants: each of one tenant, read within that tenant only.
    SupportGrant,
}

impl DeskKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DeskKind::Announcement => "announcement",
            DeskKind::Inquiry => "inquiry",
            DeskKind::SupportGrant => "support_grant",
        }
    }

    /// Whether each record belongs to one tenant.
    pub fn per_tenant(self) -> bool {
        !matches!(self, DeskKind::Announcement)
    }
}

/// A service-desk record as stored: the metadata queries need, in clear (JSON), and for
/// inquiries the thread sealed under the tenant's key.
#[derive(Debug, Clone, PartialEq)]
pub struct DeskRecord {
    /// The tenant it belongs to (`None` for announcements).
    pub tenant: Option<TenantId>,
    /// 1–64 characters of `a-z 0-9 - _` (see [`desk_id_ok`]).
    pub id: String,
    /// The stored version: 0 for a record not stored yet. `put_desk` writes only over this
    /// version and stores the next one.
    pub version: u64,
    /// JSON object in clear.
    pub meta: String,
    /// Sealed content (may be empty).
    pub sealed: Vec<u8>,
}

/// A desk record id: 1–64 characters of `a-z 0-9 - _`, so it can never carry a key separator.
pub fn desk_id_ok(id: &str) -> bool {
    crate::ids::TenantId::parse(id).is_ok()
}

/// The service desk's records: announcements, inquiries and support-access grants.
#[async_trait]
pub trait DeskStore: Send + Sync {
    /// Store `record` if its stored version is `record.version` (0: it must not exist yet);
    /// stores `version + 1` and returns it. `VersionMismatch` when another write came first
    /// (`AlreadyExists` for a new record whose id is taken). A per-tenant kind needs
    /// `record.tenant`, announcements must have none.
    async fn put_desk(&self, kind: DeskKind, record: &DeskRecord) -> Result<u64, StoreError>;
    async fn get_desk(
        &self,
        kind: DeskKind,
        tenant: Option<&TenantId>,
        id: &str,
    ) -> Result<Option<DeskRecord>, StoreError>;
    /// Every record of `kind` of `tenant` — or, with `None`, the announcements, or every
    /// tenant's inquiries (the operator's queue) — ordered by tenant, then id.
    async fn list_desk(
        &self,
        kind: DeskKind,
        tenant: Option<&TenantId>,
    ) -> Result<Vec<DeskRecord>, StoreError>;
}

/// Why a desk call names the wrong tenant shape (a programming error, never user input).
pub(crate) fn desk_shape_error(
    kind: DeskKind,
    tenant: Option<&TenantId>,
    listing: bool,
) -> Option<StoreError> {
    let ok = match (kind, tenant) {
        (DeskKind::Announcement, None) => true,
        (DeskKind::Announcement, Some(_)) => false,
        (DeskKind::Inquiry, None) => listing,
        (DeskKind::SupportGrant, None) => false,
        (_, Some(_)) => true,
    };
    (!ok).then(|| {
        StoreError::unavailable(anyhow::anyhow!(
            "{} records are {}",
            kind.as_str(),
            if kind.per_tenant() {
                "per tenant"
            } else {
                "service-wide"
            }
        ))
    })
}
