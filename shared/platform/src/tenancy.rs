//! The life of a company's account: provisioning (its own key, its record, its first
//! administrator), suspension, termination and the final purge, on whichever backend.
//!
//! ```text
//! active ⇄ suspended
//!   │          │
//!   └────┬─────┘
//!        ▼
//!   terminating ── (archive window: its administrators may take the final archive) ──▶ purge
//!        ▼
//!   terminated: every record, object version and user deleted, the key destroyed
//!               (crypto-shredding: backups holding its data can no longer be read)
//! ```
//!
//! Only the operator plane calls these (`functions/tenants`, `kyocho ops tenant …`).

use serde::{Deserialize, Serialize};

use crate::auth::Role;
use crate::backend::Backend;
use crate::error::{ApiError, FieldError};
use crate::http::now_millis;
use crate::identity::{self, IdentityProvider, InitialPassword, NewIdentity};
use crate::ids::{TenantId, UserId};
use crate::ports::{StoreError, Tenant, TenantEntry, TenantStatus, UnixMillis, User, UserStatus};
use crate::seal::KeyDestruction;

/// Routes a terminating company's users may still call: who they are, and downloads (the
/// final company archive is delivered as an export).
pub const OPEN_WHILE_TERMINATING: [&str; 3] = ["GET /me", "GET /exports/{id}", "GET /final-archive"];

/// Why a company's users are refused on `route` (`None`: a route-independent check, as at
/// sign-in), if they are: a suspended company's always, a terminating company's except on
/// [`OPEN_WHILE_TERMINATING`], a terminated company's always.
pub fn refusal(tenant: &Tenant, route: Option<&str>) -> Option<ApiError> {
    match tenant.status {
        TenantStatus::Active => None,
        TenantStatus::Suspended => Some(ApiError::Forbidden {
            code: "tenant_suspended",
            detail: "This company's account is suspended. Please contact the Kyocho service desk. (ご契約が一時停止されています。)".into(),
        }),
        TenantStatus::Terminating if route.is_some_and(|r| OPEN_WHILE_TERMINATING.contains(&r)) => None,
        TenantStatus::Terminating => Some(ApiError::Forbidden {
            code: "tenant_terminating",
            detail: "This company's contract has ended; administrators may still download the final archive. (ご契約は終了しました。)".into(),
        }),
        TenantStatus::Terminated => Some(ApiError::Forbidden { code: "tenant_unavailable", detail: "This company's account is not available.".into() }),
    }
}

/// Longest company name, characters.
pub const MAX_NAME_CHARS: usize = 200;
/// Longest archive window a termination may give, days.
pub const MAX_ARCHIVE_DAYS: u32 = 90;
const DAY_MS: i64 = 86_400_000;

/// A company to set up.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct NewTenant {
    /// The company's id: 1–64 characters of a–z, 0–9, `-`, `_`, not starting with `_`;
    /// never used before (a terminated company's id stays taken).
    pub id: String,
    pub name: String,
    /// The first administrator, invited by e-mail with a temporary password.
    pub admin_email: String,
    pub admin_name: String,
}

/// Check a new company's fields; every problem with its pointer.
pub fn validate(new: &NewTenant) -> Result<TenantId, ApiError> {
    let mut errors = Vec::new();
    let id = match TenantId::parse(new.id.trim()) {
        Ok(id) if id.is_reserved() => {
            errors.push(FieldError::body("/id", "reserved", "ids starting with '_' belong to the service"));
            None
        }
        Ok(id) => Some(id),
        Err(e) => {
            errors.push(FieldError::body("/id", "invalid_id", e.to_string()));
            None
        }
    };
    let name = new.name.trim().chars().count();
    if name == 0 || name > MAX_NAME_CHARS {
        errors.push(FieldError::body("/name", "invalid_length", format!("1–{MAX_NAME_CHARS} characters")));
    }
    let email = new.admin_email.trim();
    if email.len() > 254 || email.split('@').count() != 2 || email.starts_with('@') || email.ends_with('@') {
        errors.push(FieldError::body("/admin_email", "invalid_email", "an e-mail address such as admin@example.co.jp"));
    }
    let admin = new.admin_name.trim().chars().count();
    if admin == 0 || admin > MAX_NAME_CHARS {
        errors.push(FieldError::body("/admin_name", "invalid_length", format!("1–{MAX_NAME_CHARS} characters")));
    }
    match (id, errors.is_empty()) {
        (Some(id), true) => Ok(id),
        _ => Err(ApiError::Unprocessable { detail: "The company cannot be set up as given.".into(), errors }),
    }
}

/// Set up a company: its key (automatic rotation, a policy that lets only its own sessions
/// use it), its record with default settings, its registry entry, and its first
/// administrator, invited through the identity provider (e-mail with a temporary password).
/// An id ever used before is refused with 409 `tenant_exists`.
pub async fn provision(backend: &Backend, idp: &dyn IdentityProvider, new: &NewTenant) -> Result<(Tenant, User), ApiError> {
    let id = validate(new)?;
    if backend.tenants.get_entry(&id).await?.is_some() || backend.tenants.get_tenant(&id).await?.is_some() {
        return Err(ApiError::Conflict { code: "tenant_exists", detail: format!("The company id `{id}` is taken (ids are never reused).") });
    }
    let now = now_millis();
    backend.sealer.create_tenant_key(&id).await?;
    let tenant = Tenant::new(id.clone(), new.name.trim(), now);
    match backend.tenants.create_tenant(&tenant).await {
        Ok(()) => {}
        Err(StoreError::AlreadyExists) => {
            return Err(ApiError::Conflict { code: "tenant_exists", detail: format!("The company id `{id}` is taken.") })
        }
        Err(e) => return Err(e.into()),
    }
    register(backend, &tenant, None).await?;
    let admin_id = UserId::generate();
    let email = new.admin_email.trim().to_owned();
    let sub = idp
        .create_user(&NewIdentity {
            username: identity::username(&id, &admin_id),
            tenant: id.clone(),
            email: email.clone(),
            phone_number: None,
            password: InitialPassword::Temporary(crate::password::generate_temporary()),
        })
        .await?;
    let admin = User {
        tenant: id.clone(),
        id: admin_id,
        sub,
        email,
        name: new.admin_name.trim().to_owned(),
        role: Role::TenantAdmin,
        permissions: None,
        status: UserStatus::Active,
        tokens_valid_after: 0,
        created_at: now,
        version: 0,
    };
    let version = backend.users.put_user(&admin).await?;
    let stored = backend.tenants.get_tenant(&id).await?.unwrap_or(tenant);
    Ok((stored, User { version, ..admin }))
}

/// Write the company's registry entry as its record now says.
pub async fn register(backend: &Backend, tenant: &Tenant, certificate: Option<String>) -> Result<TenantEntry, ApiError> {
    let entry = TenantEntry {
        id: tenant.id.clone(),
        name: tenant.name.clone(),
        status: tenant.status,
        created_at: tenant.created_at,
        updated_at: now_millis(),
        certificate,
    };
    backend.tenants.put_entry(&entry).await?;
    Ok(entry)
}

/// The company, which must exist and still have its data.
pub async fn existing(backend: &Backend, id: &TenantId) -> Result<Tenant, ApiError> {
    backend.tenants.get_tenant(id).await?.ok_or(ApiError::NotFound)
}

/// Suspend (`true`) or resume (`false`) an active or suspended company. Its users are
/// refused while it is suspended; nothing is deleted.
pub async fn suspend(backend: &Backend, id: &TenantId, suspended: bool) -> Result<Tenant, ApiError> {
    let mut tenant = existing(backend, id).await?;
    let wanted = if suspended { TenantStatus::Suspended } else { TenantStatus::Active };
    if !matches!(tenant.status, TenantStatus::Active | TenantStatus::Suspended) {
        return Err(ApiError::Conflict {
            code: "tenant_terminating",
            detail: format!("The company is {}; it can no longer be suspended or resumed.", tenant.status.as_str()),
        });
    }
    if tenant.status != wanted {
        tenant.status = wanted;
        tenant.version = backend.tenants.put_tenant(&tenant).await?;
        register(backend, &tenant, None).await?;
    }
    Ok(tenant)
}

/// An archive window the operator may give: 0–[`MAX_ARCHIVE_DAYS`] days.
pub fn check_archive_days(days: u32) -> Result<(), ApiError> {
    if days > MAX_ARCHIVE_DAYS {
        return Err(ApiError::bad_field(FieldError::body("/archive_days", "out_of_range", format!("0–{MAX_ARCHIVE_DAYS} days"))));
    }
    Ok(())
}

/// Start the end of a company's contract: it is `terminating` from now on (its users may
/// only take the final archive) and its data is purged after `archive_days`.
pub async fn terminate(backend: &Backend, id: &TenantId, archive_days: u32, final_archive: Option<String>) -> Result<Tenant, ApiError> {
    check_archive_days(archive_days)?;
    let mut tenant = existing(backend, id).await?;
    if tenant.status == TenantStatus::Terminating {
        return Ok(tenant);
    }
    tenant.status = TenantStatus::Terminating;
    tenant.purge_after = Some(now_millis() + i64::from(archive_days) * DAY_MS);
    tenant.final_archive = final_archive;
    tenant.version = backend.tenants.put_tenant(&tenant).await?;
    register(backend, &tenant, None).await?;
    Ok(tenant)
}

/// What a purge deleted, for the deletion certificate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Deletion {
    pub tenant: TenantId,
    pub company_name: String,
    pub started_at: UnixMillis,
    pub completed_at: UnixMillis,
    pub records: u64,
    pub audit_events: u64,
    pub lookups: u64,
    pub inquiries: u64,
    pub object_versions: u64,
    pub users: u64,
    /// SHA-256 over the sorted keys of every deleted record.
    pub records_sha256: String,
    pub key: KeyDestruction,
}

/// Delete everything of a terminating company whose archive window is over: its identity
/// users, every object version in its space, every record (its audit chain included), then
/// its key. Its registry entry says `terminated` afterwards. A purge cut short is run again
/// from the start (each step is idempotent).
pub async fn purge(backend: &Backend, idp: &dyn IdentityProvider, id: &TenantId, now: UnixMillis) -> Result<Deletion, ApiError> {
    let tenant = existing(backend, id).await?;
    if tenant.status != TenantStatus::Terminating {
        return Err(ApiError::Conflict { code: "tenant_not_terminating", detail: "Only a terminating company is purged.".into() });
    }
    if tenant.purge_after.is_some_and(|after| now < after) {
        return Err(ApiError::Conflict {
            code: "archive_window_open",
            detail: "The company's administrators may still take the final archive; purge after the window.".into(),
        });
    }
    let started_at = now_millis();
    let users = backend.users.list_users(id).await?;
    for user in &users {
        match idp.delete_user(&identity::username(id, &user.id)).await {
            Ok(()) | Err(identity::IdentityError::UserNotFound) => {}
            Err(e) => return Err(e.into()),
        }
    }
    let object_versions = backend.blobs.purge_tenant(id).await.map_err(|e| ApiError::Unavailable(anyhow::anyhow!("{e}")))?;
    let report = backend.tenants.purge_tenant(id).await?;
    let key = match backend.sealer.destroy_tenant_key(id).await {
        Ok(k) => k,
        // Already destroyed by a purge cut short after this step.
        Err(crate::seal::SealError::NoKey) => KeyDestruction { key_id: "(already destroyed)".into(), deleted_at: started_at, pending: false },
        Err(e) => return Err(e.into()),
    };
    Ok(Deletion {
        tenant: id.clone(),
        company_name: tenant.name.clone(),
        started_at,
        completed_at: now_millis(),
        records: report.records,
        audit_events: report.audit_events,
        lookups: report.lookups,
        inquiries: report.inquiries,
        object_versions,
        users: users.len() as u64,
        records_sha256: report.keys_sha256,
        key,
    })
}

/// Mark the company terminated in the registry, keeping its signed deletion certificate.
pub async fn record_terminated(backend: &Backend, deletion: &Deletion, created_at: UnixMillis, certificate: String) -> Result<TenantEntry, ApiError> {
    let entry = TenantEntry {
        id: deletion.tenant.clone(),
        name: deletion.company_name.clone(),
        status: TenantStatus::Terminated,
        created_at,
        updated_at: now_millis(),
        certificate: Some(certificate),
    };
    backend.tenants.put_entry(&entry).await?;
    Ok(entry)
}

fn stamp(ms: UnixMillis) -> Result<certificate::UtcTimestamp, ApiError> {
    // Whole seconds, as the certificate's format writes times.
    let t = time::OffsetDateTime::from_unix_timestamp(ms.div_euclid(1000)).map_err(ApiError::internal)?;
    certificate::UtcTimestamp::new(t).map_err(|e| ApiError::internal(anyhow::anyhow!("{}", e.0)))
}

/// The signed deletion certificate of a purge requested at `requested_at` by `requested_by`
/// (the operator), naming the final archive's SHA-256 when one was handed over.
pub async fn certify(
    backend: &Backend,
    deletion: &Deletion,
    requested_at: UnixMillis,
    requested_by: &str,
    final_archive_sha256: Option<&str>,
) -> Result<certificate::SignedCertificate, ApiError> {
    use certificate::kinds;
    let invalid = |e: certificate::InvalidValue| ApiError::internal(anyhow::anyhow!("{}", e.0));
    let deleted = certificate::DeletedCounts::new()
        .with(kinds::RECORDS, deletion.records)
        .and_then(|d| d.with(kinds::AUDIT_EVENTS, deletion.audit_events))
        .and_then(|d| d.with("lookups", deletion.lookups))
        .and_then(|d| d.with(kinds::INQUIRIES, deletion.inquiries))
        .and_then(|d| d.with(kinds::OBJECT_VERSIONS, deletion.object_versions))
        .and_then(|d| d.with(kinds::USERS, deletion.users))
        .map_err(invalid)?;
    let fate = if deletion.key.pending {
        certificate::KeyFate::DeletionScheduledFor(stamp(deletion.key.deleted_at)?)
    } else {
        certificate::KeyFate::DestroyedAt(stamp(deletion.key.deleted_at)?)
    };
    let signer = backend.signer.as_ref();
    let cert = certificate::Certificate {
        certificate_id: uuid::Uuid::new_v4().to_string(),
        tenant_id: deletion.tenant.to_string(),
        company_name: deletion.company_name.clone(),
        requested_at: stamp(requested_at)?,
        requested_by: requested_by.to_owned(),
        completed_at: stamp(deletion.completed_at)?,
        deleted,
        key: certificate::KeyDisposal { key_id: deletion.key.key_id.clone(), key_arn_or_ref: deletion.key.key_id.clone(), fate },
        evidence: certificate::Evidence {
            manifest_sha256: final_archive_sha256.map(certificate::Sha256Digest::parse_hex).transpose().map_err(invalid)?,
            records_sha256: certificate::Sha256Digest::parse_hex(&deletion.records_sha256).map_err(invalid)?,
        },
        issuer: crate::certify::issuer(signer),
    };
    crate::certify::sign(signer, cert).await.map_err(ApiError::Unavailable)
}
