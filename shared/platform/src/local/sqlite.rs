//! Records in one SQLite file (WAL mode). Every query names the tenant.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use rusqlite::{params, Connection, OptionalExtension};

use crate::ids::{ProjectId, TenantId, UserId};
use crate::ports::*;
use crate::seal::{chain_hash, CHAIN_START};

mod desk;
mod library;

/// The SQLite adapter for every record port.
pub struct SqliteStore {
    path: PathBuf,
    conn: Arc<Mutex<Connection>>,
    /// Keys of the tenants' audit chains.
    chain: Arc<dyn crate::seal::ChainKeys>,
}

const SCHEMA: &str = "
PRAGMA journal_mode = WAL;
PRAGMA foreign_keys = ON;
CREATE TABLE IF NOT EXISTS tenants (
    id TEXT PRIMARY KEY,
    doc TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS users (
    tenant TEXT NOT NULL,
    id TEXT NOT NULL,
    sub TEXT NOT NULL UNIQUE,
    doc TEXT NOT NULL,
    PRIMARY KEY (tenant, id)
);
CREATE TABLE IF NOT EXISTS projects (
    tenant TEXT NOT NULL,
    id TEXT NOT NULL,
    version INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    summary BLOB NOT NULL,
    content BLOB NOT NULL,
    PRIMARY KEY (tenant, id)
);
CREATE TABLE IF NOT EXISTS audit (
    tenant TEXT NOT NULL,
    seq INTEGER NOT NULL,
    id TEXT NOT NULL,
    month TEXT NOT NULL,
    hash TEXT NOT NULL,
    doc TEXT NOT NULL,
    PRIMARY KEY (tenant, seq)
);
CREATE INDEX IF NOT EXISTS audit_month ON audit (tenant, month, seq);
CREATE TABLE IF NOT EXISTS user_emails (
    tenant TEXT NOT NULL,
    email TEXT NOT NULL,
    user TEXT NOT NULL,
    PRIMARY KEY (tenant, email)
);
-- The company library: every version of every item, and which version is the newest of
-- each item still published (an id without a head was deleted; its versions keep the id used).
CREATE TABLE IF NOT EXISTS library_versions (
    tenant TEXT NOT NULL,
    id TEXT NOT NULL,
    version INTEGER NOT NULL,
    stored_at INTEGER NOT NULL,
    content BLOB NOT NULL,
    PRIMARY KEY (tenant, id, version)
);
CREATE TABLE IF NOT EXISTS library_heads (
    tenant TEXT NOT NULL,
    id TEXT NOT NULL,
    version INTEGER NOT NULL,
    PRIMARY KEY (tenant, id)
);
-- The service desk: announcements (tenant ''), inquiries and support-access grants.
CREATE TABLE IF NOT EXISTS desk (
    kind TEXT NOT NULL,
    tenant TEXT NOT NULL,
    id TEXT NOT NULL,
    version INTEGER NOT NULL,
    meta TEXT NOT NULL,
    sealed BLOB NOT NULL,
    PRIMARY KEY (kind, tenant, id)
);
-- Every company the service has had; an entry outlives the company's data.
CREATE TABLE IF NOT EXISTS tenant_registry (
    id TEXT PRIMARY KEY,
    doc TEXT NOT NULL
);
INSERT OR IGNORE INTO tenant_registry (id, doc)
    SELECT id, json_object('id', id, 'name', json_extract(doc, '$.name'), 'status', 'active',
                           'created_at', json_extract(doc, '$.created_at'), 'updated_at', json_extract(doc, '$.created_at'))
    FROM tenants;
CREATE TABLE IF NOT EXISTS admin_guards (
    tenant TEXT PRIMARY KEY,
    v INTEGER NOT NULL
);
-- Users stored before the e-mail lookup existed.
INSERT OR IGNORE INTO user_emails (tenant, email, user)
    SELECT tenant, lower(trim(json_extract(doc, '$.email'))), id FROM users
    WHERE json_extract(doc, '$.status') != 'deleted';
";

fn db_err(e: impl Into<anyhow::Error>) -> StoreError {
    StoreError::unavailable(e)
}

fn to_json<T: serde::Serialize>(v: &T) -> Result<String, StoreError> {
    serde_json::to_string(v).map_err(db_err)
}

fn from_json<T: serde::de::DeserializeOwned>(s: &str) -> Result<T, StoreError> {
    serde_json::from_str(s).map_err(db_err)
}

/// `yyyy-mm` of a millisecond timestamp, UTC.
pub(crate) fn month_of(at: UnixMillis) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp_nanos(at as i128 * 1_000_000)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    format!("{:04}-{:02}", t.year(), u8::from(t.month()))
}

impl SqliteStore {
    /// Open or create the database file.
    pub fn open(path: &Path, chain: Arc<dyn crate::seal::ChainKeys>) -> anyhow::Result<Self> {
        let conn = Connection::open(path)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.execute_batch(SCHEMA)?;
        Ok(SqliteStore { path: path.to_path_buf(), conn: Arc::new(Mutex::new(conn)), chain })
    }

    /// The database file, for tests that inspect the raw bytes.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The JSON document in column `doc` of the one row `sql` selects, parsed.
    async fn one_doc<T: serde::de::DeserializeOwned>(&self, sql: &'static str, params: Vec<String>) -> Result<Option<T>, StoreError> {
        let doc: Option<String> = self
            .with(move |c| c.query_row(sql, rusqlite::params_from_iter(params), |r| r.get(0)).optional().map_err(db_err))
            .await?;
        doc.map(|d| from_json(&d)).transpose()
    }

    async fn with<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let conn = self.conn.clone();
        tokio::task::spawn_blocking(move || {
            let mut guard = conn.lock().unwrap_or_else(|e| e.into_inner());
            f(&mut guard)
        })
        .await
        .map_err(db_err)?
    }
}

/// The version inside a stored JSON document (0 for documents written before versions).
fn doc_version(doc: &str) -> Result<u64, StoreError> {
    let v: serde_json::Value = from_json(doc)?;
    Ok(v.get("version").and_then(serde_json::Value::as_u64).unwrap_or(0))
}

#[async_trait]
impl TenantStore for SqliteStore {
    async fn create_tenant(&self, tenant: &Tenant) -> Result<(), StoreError> {
        let (id, doc) = (tenant.id.to_string(), to_json(&Tenant { version: 1, ..tenant.clone() })?);
        self.with(move |c| {
            let n = c
                .execute("INSERT OR IGNORE INTO tenants (id, doc) VALUES (?1, ?2)", params![id, doc])
                .map_err(db_err)?;
            if n == 0 {
                Err(StoreError::AlreadyExists)
            } else {
                Ok(())
            }
        })
        .await
    }

    async fn get_tenant(&self, tenant: &TenantId) -> Result<Option<Tenant>, StoreError> {
        self.one_doc("SELECT doc FROM tenants WHERE id = ?1", vec![tenant.to_string()]).await
    }

    async fn put_tenant(&self, tenant: &Tenant) -> Result<u64, StoreError> {
        let (id, expected) = (tenant.id.to_string(), tenant.version);
        let next = expected + 1;
        let doc = to_json(&Tenant { version: next, ..tenant.clone() })?;
        self.with(move |c| {
            let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate).map_err(db_err)?;
            let stored: Option<String> =
                tx.query_row("SELECT doc FROM tenants WHERE id = ?1", [&id], |r| r.get(0)).optional().map_err(db_err)?;
            match stored.as_deref().map(doc_version).transpose()? {
                None => return Err(StoreError::NotFound),
                Some(v) if v != expected => return Err(StoreError::VersionMismatch { current: v }),
                Some(_) => {}
            }
            tx.execute("UPDATE tenants SET doc = ?2 WHERE id = ?1", params![id, doc]).map_err(db_err)?;
            tx.commit().map_err(db_err)?;
            Ok(next)
        })
        .await
    }

    async fn list_tenants(&self) -> Result<Vec<TenantEntry>, StoreError> {
        let docs: Vec<String> = self
            .with(|c| {
                let mut stmt = c.prepare("SELECT doc FROM tenant_registry ORDER BY id").map_err(db_err)?;
                let rows = stmt.query_map([], |r| r.get(0)).map_err(db_err)?;
                rows.collect::<Result<Vec<String>, _>>().map_err(db_err)
            })
            .await?;
        docs.iter().map(|d| from_json(d)).collect()
    }

    async fn get_entry(&self, tenant: &TenantId) -> Result<Option<TenantEntry>, StoreError> {
        self.one_doc("SELECT doc FROM tenant_registry WHERE id = ?1", vec![tenant.to_string()]).await
    }

    async fn put_entry(&self, entry: &TenantEntry) -> Result<(), StoreError> {
        let (id, doc) = (entry.id.to_string(), to_json(entry)?);
        self.with(move |c| {
            c.execute("INSERT INTO tenant_registry (id, doc) VALUES (?1, ?2) ON CONFLICT (id) DO UPDATE SET doc = ?2", params![id, doc])
                .map_err(db_err)
                .map(|_| ())
        })
        .await
    }

    async fn purge_tenant(&self, tenant: &TenantId) -> Result<PurgeReport, StoreError> {
        let t = tenant.to_string();
        self.with(move |c| {
            let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate).map_err(db_err)?;
            let mut keys = Vec::new();
            let mut report = PurgeReport::default();
            // (table, key columns, what it counts as)
            let tables: [(&str, &str, &str); 10] = [
                ("tenants", "id", "records"),
                ("users", "id", "records"),
                ("projects", "id", "records"),
                ("library_versions", "id || '#' || version", "records"),
                ("library_heads", "id", "records"),
                ("admin_guards", "tenant", "records"),
                ("desk", "kind || '#' || id", "desk"),
                ("user_emails", "email", "lookups"),
                ("audit", "seq", "audit"),
                // The local identity provider's failure counters (same file, when it is open).
                ("lockout_counters", "counter", "records"),
            ];
            for (table, key, kind) in tables {
                let exists: i64 = tx
                    .query_row("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?1", [table], |r| r.get(0))
                    .map_err(db_err)?;
                if exists == 0 {
                    continue;
                }
                let column = if table == "tenants" { "id" } else { "tenant" };
                let mut stmt = tx.prepare(&format!("SELECT {key} FROM {table} WHERE {column} = ?1")).map_err(db_err)?;
                let found: Vec<String> = stmt
                    .query_map([&t], |r| r.get::<_, rusqlite::types::Value>(0))
                    .map_err(db_err)?
                    .map(|v| {
                        v.map(|v| match v {
                            rusqlite::types::Value::Integer(i) => i.to_string(),
                            rusqlite::types::Value::Text(s) => s,
                            other => format!("{other:?}"),
                        })
                    })
                    .collect::<Result<_, _>>()
                    .map_err(db_err)?;
                drop(stmt);
                let n = found.len() as u64;
                match kind {
                    "records" => report.records += n,
                    "desk" => {
                        let inquiries = found.iter().filter(|k| k.starts_with("inquiry#")).count() as u64;
                        report.inquiries += inquiries;
                        report.records += n - inquiries;
                    }
                    "lookups" => report.lookups += n,
                    _ => report.audit_events += n,
                }
                keys.extend(found.into_iter().map(|k| format!("{table}/{k}")));
                tx.execute(&format!("DELETE FROM {table} WHERE {column} = ?1"), [&t]).map_err(db_err)?;
            }
            tx.commit().map_err(db_err)?;
            report.keys_sha256 = PurgeReport::hash_keys(&mut keys);
            Ok(report)
        })
        .await
    }
}

/// Write a user (and its lookups) inside `tx` if the stored version is `user.version`.
fn write_user(tx: &rusqlite::Transaction<'_>, user: &User) -> Result<u64, StoreError> {
    let (tenant, id) = (user.tenant.to_string(), user.id.to_string());
    let stored: Option<String> = tx
        .query_row("SELECT doc FROM users WHERE tenant = ?1 AND id = ?2", [&tenant, &id], |r| r.get(0))
        .optional()
        .map_err(db_err)?;
    match stored.as_deref().map(doc_version).transpose()? {
        None if user.version != 0 => return Err(StoreError::NotFound),
        Some(v) if v != user.version => return Err(StoreError::VersionMismatch { current: v }),
        _ => {}
    }
    let owner: Option<(String, String)> = tx
        .query_row("SELECT tenant, id FROM users WHERE sub = ?1", [&user.sub], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()
        .map_err(db_err)?;
    if owner.is_some_and(|(t, u)| t != tenant || u != id) {
        return Err(StoreError::AlreadyExists);
    }
    tx.execute("DELETE FROM user_emails WHERE tenant = ?1 AND user = ?2", [&tenant, &id]).map_err(db_err)?;
    if user.status != UserStatus::Deleted {
        let n = tx
            .execute(
                "INSERT OR IGNORE INTO user_emails (tenant, email, user) VALUES (?1, ?2, ?3)",
                params![tenant, email_key(&user.email), id],
            )
            .map_err(db_err)?;
        if n == 0 {
            return Err(StoreError::AlreadyExists);
        }
    }
    let next = user.version + 1;
    let doc = to_json(&User { version: next, ..user.clone() })?;
    tx.execute(
        "INSERT INTO users (tenant, id, sub, doc) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(tenant, id) DO UPDATE SET sub = excluded.sub, doc = excluded.doc",
        params![tenant, id, user.sub, doc],
    )
    .map_err(db_err)?;
    Ok(next)
}

#[async_trait]
impl UserStore for SqliteStore {
    async fn put_user(&self, user: &User) -> Result<u64, StoreError> {
        let user = user.clone();
        self.with(move |c| {
            let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate).map_err(db_err)?;
            let next = write_user(&tx, &user)?;
            tx.commit().map_err(db_err)?;
            Ok(next)
        })
        .await
    }

    async fn put_user_guarded(&self, user: &User, guard: AdminGuard) -> Result<u64, StoreError> {
        let user = user.clone();
        self.with(move |c| {
            let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate).map_err(db_err)?;
            let t = user.tenant.to_string();
            let stored: i64 =
                tx.query_row("SELECT v FROM admin_guards WHERE tenant = ?1", [&t], |r| r.get(0)).optional().map_err(db_err)?.unwrap_or(0);
            if stored as u64 != guard.0 {
                return Err(StoreError::VersionMismatch { current: stored as u64 });
            }
            tx.execute(
                "INSERT INTO admin_guards (tenant, v) VALUES (?1, ?2) ON CONFLICT(tenant) DO UPDATE SET v = excluded.v",
                params![t, guard.0 as i64 + 1],
            )
            .map_err(db_err)?;
            let next = write_user(&tx, &user)?;
            tx.commit().map_err(db_err)?;
            Ok(next)
        })
        .await
    }

    async fn admin_guard(&self, tenant: &TenantId) -> Result<AdminGuard, StoreError> {
        let t = tenant.to_string();
        self.with(move |c| {
            let v: Option<i64> = c.query_row("SELECT v FROM admin_guards WHERE tenant = ?1", [t], |r| r.get(0)).optional().map_err(db_err)?;
            Ok(AdminGuard(v.unwrap_or(0) as u64))
        })
        .await
    }

    async fn get_user(&self, tenant: &TenantId, user: &UserId) -> Result<Option<User>, StoreError> {
        self.one_doc("SELECT doc FROM users WHERE tenant = ?1 AND id = ?2", vec![tenant.to_string(), user.to_string()]).await
    }

    async fn user_by_sub(&self, sub: &str) -> Result<Option<User>, StoreError> {
        self.one_doc("SELECT doc FROM users WHERE sub = ?1", vec![sub.to_owned()]).await
    }

    async fn user_by_email(&self, tenant: &TenantId, email: &str) -> Result<Option<User>, StoreError> {
        let found: Option<User> = self
            .one_doc(
                "SELECT u.doc FROM user_emails e JOIN users u ON u.tenant = e.tenant AND u.id = e.user
                 WHERE e.tenant = ?1 AND e.email = ?2",
                vec![tenant.to_string(), email_key(email)],
            )
            .await?;
        Ok(found.filter(|u| u.status != UserStatus::Deleted))
    }

    async fn list_users(&self, tenant: &TenantId) -> Result<Vec<User>, StoreError> {
        let t = tenant.to_string();
        let docs: Vec<String> = self
            .with(move |c| {
                let mut st = c.prepare("SELECT doc FROM users WHERE tenant = ?1 ORDER BY id").map_err(db_err)?;
                let rows = st.query_map([t], |r| r.get(0)).map_err(db_err)?;
                rows.collect::<Result<Vec<String>, _>>().map_err(db_err)
            })
            .await?;
        docs.iter().map(|d| from_json(d)).collect()
    }
}

fn stored_version(tx: &Connection, tenant: &str, id: &str) -> Result<Option<u64>, StoreError> {
    tx.query_row("SELECT version FROM projects WHERE tenant = ?1 AND id = ?2", [tenant, id], |r| {
        r.get::<_, i64>(0)
    })
    .optional()
    .map_err(db_err)
    .map(|v| v.map(|v| v as u64))
}

#[async_trait]
impl ProjectStore for SqliteStore {
    async fn create_project(&self, tenant: &TenantId, record: &ProjectRecord) -> Result<(), StoreError> {
        let (t, r) = (tenant.to_string(), record.clone());
        self.with(move |c| {
            let n = c
                .execute(
                    "INSERT OR IGNORE INTO projects (tenant, id, version, created_at, updated_at, summary, content)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    params![t, r.id.as_str(), r.version as i64, r.created_at, r.updated_at, r.summary, r.content],
                )
                .map_err(db_err)?;
            if n == 0 {
                Err(StoreError::AlreadyExists)
            } else {
                Ok(())
            }
        })
        .await
    }

    async fn get_project(&self, tenant: &TenantId, id: &ProjectId) -> Result<Option<ProjectRecord>, StoreError> {
        let (t, i) = (tenant.to_string(), id.to_string());
        self.with(move |c| {
            c.query_row(
                "SELECT id, version, created_at, updated_at, summary, content FROM projects WHERE tenant = ?1 AND id = ?2",
                [t, i],
                |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)),
            )
            .optional()
            .map_err(db_err)?
            .map(|(id, version, created_at, updated_at, summary, content)| {
                Ok(ProjectRecord {
                    id: ProjectId::parse(&id).map_err(db_err)?,
                    version: version as u64,
                    created_at,
                    updated_at,
                    summary,
                    content,
                })
            })
            .transpose()
        })
        .await
    }

    async fn replace_project(
        &self,
        tenant: &TenantId,
        record: &ProjectRecord,
        expected_version: u64,
    ) -> Result<(), StoreError> {
        let (t, r) = (tenant.to_string(), record.clone());
        self.with(move |c| {
            let tx = c.transaction().map_err(db_err)?;
            match stored_version(&tx, &t, r.id.as_str())? {
                None => return Err(StoreError::NotFound),
                Some(v) if v != expected_version => return Err(StoreError::VersionMismatch { current: v }),
                Some(_) => {}
            }
            tx.execute(
                "UPDATE projects SET version = ?3, updated_at = ?4, summary = ?5, content = ?6
                 WHERE tenant = ?1 AND id = ?2 AND version = ?7",
                params![t, r.id.as_str(), r.version as i64, r.updated_at, r.summary, r.content, expected_version as i64],
            )
            .map_err(db_err)?;
            tx.commit().map_err(db_err)
        })
        .await
    }

    async fn delete_project(
        &self,
        tenant: &TenantId,
        id: &ProjectId,
        expected_version: Option<u64>,
    ) -> Result<(), StoreError> {
        let (t, i) = (tenant.to_string(), id.to_string());
        self.with(move |c| {
            let tx = c.transaction().map_err(db_err)?;
            match (stored_version(&tx, &t, &i)?, expected_version) {
                (None, _) => return Err(StoreError::NotFound),
                (Some(v), Some(e)) if v != e => return Err(StoreError::VersionMismatch { current: v }),
                _ => {}
            }
            tx.execute("DELETE FROM projects WHERE tenant = ?1 AND id = ?2", [&t, &i]).map_err(db_err)?;
            tx.commit().map_err(db_err)
        })
        .await
    }

    async fn list_projects(
        &self,
        tenant: &TenantId,
        after: Option<&ProjectId>,
        limit: usize,
    ) -> Result<Page<ProjectMeta>, StoreError> {
        let t = tenant.to_string();
        let after = after.map(|a| a.to_string()).unwrap_or_default();
        let limit = limit.clamp(1, 100);
        let mut items = self
            .with(move |c| {
                let mut st = c
                    .prepare(
                        "SELECT id, version, created_at, updated_at, summary FROM projects
                         WHERE tenant = ?1 AND id > ?2 ORDER BY id LIMIT ?3",
                    )
                    .map_err(db_err)?;
                let rows = st
                    .query_map(params![t, after, (limit + 1) as i64], |r| {
                        Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
                    })
                    .map_err(db_err)?;
                let mut out = Vec::new();
                for row in rows {
                    let (id, version, created_at, updated_at, summary) = row.map_err(db_err)?;
                    out.push(ProjectMeta {
                        id: ProjectId::parse(&id).map_err(db_err)?,
                        version: version as u64,
                        created_at,
                        updated_at,
                        summary,
                    });
                }
                Ok(out)
            })
            .await?;
        let next = if items.len() > limit {
            items.truncate(limit);
            items.last().map(|m| m.id.to_string())
        } else {
            None
        };
        Ok(Page { items, next })
    }
}

#[async_trait]
impl AuditLog for SqliteStore {
    async fn delete_month(&self, tenant: &TenantId, month: &str) -> Result<u64, StoreError> {
        let (t, m) = (tenant.to_string(), month.to_owned());
        self.with(move |c| c.execute("DELETE FROM audit WHERE tenant = ?1 AND month = ?2", [&t, &m]).map(|n| n as u64).map_err(db_err)).await
    }

    async fn append(&self, tenant: &TenantId, event: &AuditEvent) -> Result<StoredAuditEvent, StoreError> {
        let key = self.chain.chain_key(tenant).await?;
        let (t, event) = (tenant.to_string(), event.clone());
        self.with(move |c| {
            let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate).map_err(db_err)?;
            let head: Option<(i64, String)> = tx
                .query_row("SELECT seq, hash FROM audit WHERE tenant = ?1 ORDER BY seq DESC LIMIT 1", [&t], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })
                .optional()
                .map_err(db_err)?;
            let (seq, prev_hash) = match head {
                Some((s, h)) => (s as u64 + 1, h),
                None => (1, CHAIN_START.to_owned()),
            };
            let hash = chain_hash(&key, &prev_hash, &event);
            let stored = StoredAuditEvent {
                id: uuid::Uuid::now_v7().simple().to_string(),
                seq,
                prev_hash,
                hash: hash.clone(),
                event,
            };
            tx.execute(
                "INSERT INTO audit (tenant, seq, id, month, hash, doc) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![t, seq as i64, stored.id, month_of(stored.event.at), hash, to_json(&stored)?],
            )
            .map_err(db_err)?;
            tx.commit().map_err(db_err)?;
            Ok(stored)
        })
        .await
    }

    async fn list_month(
        &self,
        tenant: &TenantId,
        month: &str,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Page<StoredAuditEvent>, StoreError> {
        let (t, m) = (tenant.to_string(), month.to_owned());
        let after_seq: i64 = after.and_then(|a| a.parse().ok()).unwrap_or(0);
        let limit = limit.clamp(1, 1000);
        let docs: Vec<String> = self
            .with(move |c| {
                let mut st = c
                    .prepare("SELECT doc FROM audit WHERE tenant = ?1 AND month = ?2 AND seq > ?3 ORDER BY seq LIMIT ?4")
                    .map_err(db_err)?;
                let rows = st.query_map(params![t, m, after_seq, (limit + 1) as i64], |r| r.get(0)).map_err(db_err)?;
                rows.collect::<Result<Vec<String>, _>>().map_err(db_err)
            })
            .await?;
        let mut items: Vec<StoredAuditEvent> = docs.iter().map(|d| from_json(d)).collect::<Result<_, _>>()?;
        let next = if items.len() > limit {
            items.truncate(limit);
            items.last().map(|e| e.seq.to_string())
        } else {
            None
        };
        Ok(Page { items, next })
    }
}
