//! [`LibraryStore`] on SQLite: `library_versions` keeps every version of every item,
//! `library_heads` names the newest version of each item still published. Each write is one
//! transaction that checks the head it replaces, so of two racing writes one gets
//! `VersionMismatch` and changes nothing.

use async_trait::async_trait;
use rusqlite::{params, Connection, OptionalExtension};

use super::{db_err, SqliteStore};
use crate::ids::TenantId;
use crate::ports::{library_item_id_ok, LibraryItemRecord, LibraryStore, Page, StoreError};

fn head_version(c: &Connection, tenant: &str, id: &str) -> Result<Option<u64>, StoreError> {
    c.query_row("SELECT version FROM library_heads WHERE tenant = ?1 AND id = ?2", [tenant, id], |r| r.get::<_, i64>(0))
        .optional()
        .map_err(db_err)
        .map(|v| v.map(|v| v as u64))
}

fn insert_version(c: &Connection, tenant: &str, r: &LibraryItemRecord) -> Result<usize, StoreError> {
    c.execute(
        "INSERT OR IGNORE INTO library_versions (tenant, id, version, stored_at, content) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![tenant, r.id, r.version as i64, r.stored_at, r.content],
    )
    .map_err(db_err)
}

fn bad_id(id: &str) -> StoreError {
    StoreError::unavailable(anyhow::anyhow!("not a library item id: {id:?}"))
}

#[async_trait]
impl LibraryStore for SqliteStore {
    async fn create_library_item(&self, tenant: &TenantId, record: &LibraryItemRecord) -> Result<(), StoreError> {
        if !library_item_id_ok(&record.id) || record.version != 1 {
            return Err(StoreError::unavailable(anyhow::anyhow!("a new library item is {:?} at version 1", record.id)));
        }
        let (t, r) = (tenant.to_string(), record.clone());
        self.with(move |c| {
            let tx = c.transaction().map_err(db_err)?;
            let used: i64 = tx
                .query_row("SELECT COUNT(*) FROM library_versions WHERE tenant = ?1 AND id = ?2", [&t, &r.id], |row| row.get(0))
                .map_err(db_err)?;
            if used > 0 || insert_version(&tx, &t, &r)? == 0 {
                return Err(StoreError::AlreadyExists);
            }
            tx.execute("INSERT INTO library_heads (tenant, id, version) VALUES (?1, ?2, 1)", params![t, r.id]).map_err(db_err)?;
            tx.commit().map_err(db_err)
        })
        .await
    }

    async fn get_library_item(&self, tenant: &TenantId, id: &str, version: Option<u64>) -> Result<Option<LibraryItemRecord>, StoreError> {
        if !library_item_id_ok(id) {
            return Ok(None);
        }
        let (t, i) = (tenant.to_string(), id.to_owned());
        self.with(move |c| {
            let tx = c.transaction().map_err(db_err)?;
            let Some(head) = head_version(&tx, &t, &i)? else {
                return Ok(None);
            };
            let wanted = version.unwrap_or(head);
            if wanted == 0 || wanted > head {
                return Ok(None);
            }
            tx.query_row(
                "SELECT stored_at, content FROM library_versions WHERE tenant = ?1 AND id = ?2 AND version = ?3",
                params![t, i, wanted as i64],
                |r| Ok(LibraryItemRecord { id: i.clone(), version: wanted, stored_at: r.get(0)?, content: r.get(1)? }),
            )
            .optional()
            .map_err(db_err)
        })
        .await
    }

    async fn replace_library_item(&self, tenant: &TenantId, record: &LibraryItemRecord, expected_version: u64) -> Result<(), StoreError> {
        if !library_item_id_ok(&record.id) {
            return Err(bad_id(&record.id));
        }
        if Some(record.version) != expected_version.checked_add(1) {
            return Err(StoreError::unavailable(anyhow::anyhow!(
                "a replacement carries version {expected_version} + 1, not {}",
                record.version
            )));
        }
        let (t, r) = (tenant.to_string(), record.clone());
        self.with(move |c| {
            let tx = c.transaction().map_err(db_err)?;
            match head_version(&tx, &t, &r.id)? {
                None => return Err(StoreError::NotFound),
                Some(v) if v != expected_version => return Err(StoreError::VersionMismatch { current: v }),
                Some(_) => {}
            }
            if insert_version(&tx, &t, &r)? == 0 {
                return Err(StoreError::VersionMismatch { current: r.version });
            }
            tx.execute(
                "UPDATE library_heads SET version = ?3 WHERE tenant = ?1 AND id = ?2 AND version = ?4",
                params![t, r.id, r.version as i64, expected_version as i64],
            )
            .map_err(db_err)?;
            tx.commit().map_err(db_err)
        })
        .await
    }

    async fn delete_library_item(&self, tenant: &TenantId, id: &str, expected_version: Option<u64>) -> Result<(), StoreError> {
        if !library_item_id_ok(id) {
            return Err(StoreError::NotFound);
        }
        let (t, i) = (tenant.to_string(), id.to_owned());
        self.with(move |c| {
            let tx = c.transaction().map_err(db_err)?;
            match (head_version(&tx, &t, &i)?, expected_version) {
                (None, _) => return Err(StoreError::NotFound),
                (Some(v), Some(e)) if v != e => return Err(StoreError::VersionMismatch { current: v }),
                _ => {}
            }
            tx.execute("DELETE FROM library_heads WHERE tenant = ?1 AND id = ?2", [&t, &i]).map_err(db_err)?;
            tx.commit().map_err(db_err)
        })
        .await
    }

    async fn list_library_items(&self, tenant: &TenantId, after: Option<&str>, limit: usize) -> Result<Page<LibraryItemRecord>, StoreError> {
        let t = tenant.to_string();
        let after = after.unwrap_or_default().to_owned();
        let limit = limit.clamp(1, 100);
        let mut items = self
            .with(move |c| {
                let mut st = c
                    .prepare(
                        "SELECT h.id, h.version, v.stored_at, v.content
                         FROM library_heads h JOIN library_versions v
                           ON v.tenant = h.tenant AND v.id = h.id AND v.version = h.version
                         WHERE h.tenant = ?1 AND h.id > ?2 ORDER BY h.id LIMIT ?3",
                    )
                    .map_err(db_err)?;
                let rows = st
                    .query_map(params![t, after, (limit + 1) as i64], |r| {
                        Ok(LibraryItemRecord { id: r.get(0)?, version: r.get::<_, i64>(1)? as u64, stored_at: r.get(2)?, content: r.get(3)? })
                    })
                    .map_err(db_err)?;
                rows.collect::<Result<Vec<_>, _>>().map_err(db_err)
            })
            .await?;
        let next = if items.len() > limit {
            items.truncate(limit);
            items.last().map(|r| r.id.clone())
        } else {
            None
        };
        Ok(Page { items, next })
    }
}
