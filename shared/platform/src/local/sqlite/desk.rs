//! [`DeskStore`] on SQLite: one table `desk` keyed by kind, tenant (`''` for announcements)
//! and id. A write checks the stored version in the same statement that replaces it.

use async_trait::async_trait;
use rusqlite::{params, OptionalExtension};

use super::{db_err, SqliteStore};
use crate::ids::TenantId;
use crate::ports::{desk_id_ok, desk_shape_error, DeskKind, DeskRecord, DeskStore, StoreError};

fn record_of(kind_tenant: &str, r: &rusqlite::Row<'_>) -> rusqlite::Result<DeskRecord> {
    Ok(DeskRecord {
        tenant: (!kind_tenant.is_empty()).then(|| TenantId::parse(kind_tenant).ok()).flatten(),
        id: r.get(0)?,
        version: r.get::<_, i64>(1)? as u64,
        meta: r.get(2)?,
        sealed: r.get(3)?,
    })
}

#[async_trait]
impl DeskStore for SqliteStore {
    async fn put_desk(&self, kind: DeskKind, record: &DeskRecord) -> Result<u64, StoreError> {
        if let Some(e) = desk_shape_error(kind, record.tenant.as_ref(), false) {
            return Err(e);
        }
        if !desk_id_ok(&record.id) {
            return Err(StoreError::unavailable(anyhow::anyhow!("not a desk record id: {:?}", record.id)));
        }
        let r = record.clone();
        let tenant = r.tenant.as_ref().map(|t| t.to_string()).unwrap_or_default();
        self.with(move |c| {
            let next = r.version + 1;
            let changed = if r.version == 0 {
                c.execute(
                    "INSERT OR IGNORE INTO desk (kind, tenant, id, version, meta, sealed) VALUES (?1, ?2, ?3, 1, ?4, ?5)",
                    params![kind.as_str(), tenant, r.id, r.meta, r.sealed],
                )
                .map_err(db_err)?
            } else {
                c.execute(
                    "UPDATE desk SET version = ?4, meta = ?5, sealed = ?6 WHERE kind = ?1 AND tenant = ?2 AND id = ?3 AND version = ?7",
                    params![kind.as_str(), tenant, r.id, next as i64, r.meta, r.sealed, r.version as i64],
                )
                .map_err(db_err)?
            };
            if changed == 1 {
                return Ok(next);
            }
            let current: Option<i64> = c
                .query_row(
                    "SELECT version FROM desk WHERE kind = ?1 AND tenant = ?2 AND id = ?3",
                    params![kind.as_str(), tenant, r.id],
                    |row| row.get(0),
                )
                .optional()
                .map_err(db_err)?;
            match current {
                Some(_) if r.version == 0 => Err(StoreError::AlreadyExists),
                Some(v) => Err(StoreError::VersionMismatch { current: v as u64 }),
                None => Err(StoreError::NotFound),
            }
        })
        .await
    }

    async fn get_desk(&self, kind: DeskKind, tenant: Option<&TenantId>, id: &str) -> Result<Option<DeskRecord>, StoreError> {
        if let Some(e) = desk_shape_error(kind, tenant, false) {
            return Err(e);
        }
        if !desk_id_ok(id) {
            return Ok(None);
        }
        let (t, i) = (tenant.map(|t| t.to_string()).unwrap_or_default(), id.to_owned());
        self.with(move |c| {
            c.query_row(
                "SELECT id, version, meta, sealed FROM desk WHERE kind = ?1 AND tenant = ?2 AND id = ?3",
                params![kind.as_str(), t, i],
                |r| record_of(&t, r),
            )
            .optional()
            .map_err(db_err)
        })
        .await
    }

    async fn list_desk(&self, kind: DeskKind, tenant: Option<&TenantId>) -> Result<Vec<DeskRecord>, StoreError> {
        if let Some(e) = desk_shape_error(kind, tenant, true) {
            return Err(e);
        }
        let t = tenant.map(|t| t.to_string());
        self.with(move |c| {
            let mut stmt = c
                .prepare("SELECT id, version, meta, sealed, tenant FROM desk WHERE kind = ?1 AND (?2 IS NULL OR tenant = ?2) ORDER BY tenant, id")
                .map_err(db_err)?;
            let rows = stmt
                .query_map(params![kind.as_str(), t], |r| {
                    let tenant: String = r.get(4)?;
                    record_of(&tenant, r)
                })
                .map_err(db_err)?;
            rows.collect::<Result<Vec<_>, _>>().map_err(db_err)
        })
        .await
    }
}
