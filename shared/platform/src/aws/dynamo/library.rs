//! [`LibraryStore`] on the single table. Each item has a head (`LIBITEM#<id>`: the newest
//! version, with its sealed content, so that reading or listing the newest versions is one
//! request) and one item per version (`LIBVER#<id>#<version:06>`), kept for ever. Every write
//! is one transaction whose conditions decide a race: the head's `version = :expected` for a
//! replacement, `attribute_not_exists` on the version item so that a version is written once.
//! A deleted item loses its head only, so its version 1 keeps the id from being used again.

use anyhow::anyhow;
use async_trait::async_trait;
use aws_sdk_dynamodb::types::TransactWriteItem;

use super::{b, get_b, get_n, get_s, key, lost_race, n, s, tenant_pk, unavailable, DynamoStore, Item, Tx, PART_BYTES, WRITE_ATTEMPTS};
use crate::ids::TenantId;
use crate::ports::{library_item_id_ok, LibraryItemRecord, LibraryStore, Page, StoreError};

const HEAD_PREFIX: &str = "LIBITEM#";

fn head_sk(id: &str) -> String {
    format!("{HEAD_PREFIX}{id}")
}
fn version_sk(id: &str, version: u64) -> String {
    format!("LIBVER#{id}#{version:06}")
}

fn record_of(item: &Item) -> Result<LibraryItemRecord, StoreError> {
    Ok(LibraryItemRecord {
        id: get_s(item, "id")?.to_owned(),
        version: get_n(item, "version")?,
        stored_at: get_n(item, "stored_at")?,
        content: get_b(item, "content")?.to_vec(),
    })
}

fn item_of(pk: String, sk: String, r: &LibraryItemRecord) -> Item {
    let mut item = key(pk, sk);
    item.insert("id".into(), s(r.id.as_str()));
    item.insert("version".into(), n(r.version));
    item.insert("stored_at".into(), n(r.stored_at));
    item.insert("content".into(), b(&r.content));
    item
}

/// A sealed item must fit one DynamoDB item (twice in one transaction: head and version).
fn check(record: &LibraryItemRecord) -> Result<(), StoreError> {
    if !library_item_id_ok(&record.id) {
        return Err(StoreError::unavailable(anyhow!("not a library item id: {:?}", record.id)));
    }
    if record.content.len() > PART_BYTES {
        return Err(StoreError::TooLarge { bytes: record.content.len() });
    }
    Ok(())
}

impl DynamoStore {
    async fn library_head(&self, tenant: &TenantId, id: &str) -> Result<Option<LibraryItemRecord>, StoreError> {
        let db = self.db(tenant).await;
        self.get(&db, tenant_pk(tenant), head_sk(id)).await?.as_ref().map(record_of).transpose()
    }

    /// The two puts of a new version: the head under `condition`, the version item once.
    fn library_puts(
        &self,
        tenant: &TenantId,
        r: &LibraryItemRecord,
        condition: &str,
        expected: Option<u64>,
    ) -> Result<Vec<TransactWriteItem>, StoreError> {
        let pk = tenant_pk(tenant);
        let mut head = self.put(item_of(pk.clone(), head_sk(&r.id), r)).condition_expression(condition);
        if let Some(v) = expected {
            head = head.expression_attribute_values(":expected", n(v));
        }
        let version = self.put(item_of(pk, version_sk(&r.id, r.version), r)).condition_expression("attribute_not_exists(PK)");
        Ok(vec![
            TransactWriteItem::builder().put(head.build().map_err(unavailable)?).build(),
            TransactWriteItem::builder().put(version.build().map_err(unavailable)?).build(),
        ])
    }
}

#[async_trait]
impl LibraryStore for DynamoStore {
    async fn create_library_item(&self, tenant: &TenantId, record: &LibraryItemRecord) -> Result<(), StoreError> {
        check(record)?;
        if record.version != 1 {
            return Err(StoreError::unavailable(anyhow!("a new library item starts at version 1, not {}", record.version)));
        }
        let db = self.db(tenant).await;
        let actions = self.library_puts(tenant, record, "attribute_not_exists(PK)", None)?;
        match self.transact(&db, actions).await? {
            Tx::Committed => Ok(()),
            Tx::Cancelled(codes) => {
                let first = self.get(&db, tenant_pk(tenant), version_sk(&record.id, 1)).await?;
                if first.is_some() || self.library_head(tenant, &record.id).await?.is_some() {
                    Err(StoreError::AlreadyExists)
                } else {
                    Err(lost_race(&codes))
                }
            }
        }
    }

    async fn get_library_item(&self, tenant: &TenantId, id: &str, version: Option<u64>) -> Result<Option<LibraryItemRecord>, StoreError> {
        if !library_item_id_ok(id) {
            return Ok(None);
        }
        let Some(head) = self.library_head(tenant, id).await? else {
            return Ok(None);
        };
        match version {
            None => Ok(Some(head)),
            Some(v) if v == head.version => Ok(Some(head)),
            Some(v) if v == 0 || v > head.version => Ok(None),
            Some(v) => {
                let db = self.db(tenant).await;
                self.get(&db, tenant_pk(tenant), version_sk(id, v)).await?.as_ref().map(record_of).transpose()
            }
        }
    }

    async fn replace_library_item(&self, tenant: &TenantId, record: &LibraryItemRecord, expected_version: u64) -> Result<(), StoreError> {
        check(record)?;
        if Some(record.version) != expected_version.checked_add(1) {
            return Err(StoreError::unavailable(anyhow!(
                "a replacement carries version {expected_version} + 1, not {}",
                record.version
            )));
        }
        let db = self.db(tenant).await;
        let mut codes = Vec::new();
        for _ in 0..WRITE_ATTEMPTS {
            let actions = self.library_puts(tenant, record, "version = :expected", Some(expected_version))?;
            match self.transact(&db, actions).await? {
                Tx::Committed => return Ok(()),
                Tx::Cancelled(c) => codes = c,
            }
            match self.library_head(tenant, &record.id).await? {
                None => return Err(StoreError::NotFound),
                Some(h) if h.version != expected_version => return Err(StoreError::VersionMismatch { current: h.version }),
                Some(_) => {}
            }
        }
        Err(lost_race(&codes))
    }

    async fn delete_library_item(&self, tenant: &TenantId, id: &str, expected_version: Option<u64>) -> Result<(), StoreError> {
        if !library_item_id_ok(id) {
            return Err(StoreError::NotFound);
        }
        let db = self.db(tenant).await;
        let mut codes = Vec::new();
        for _ in 0..WRITE_ATTEMPTS {
            let head = match self.library_head(tenant, id).await? {
                None => return Err(StoreError::NotFound),
                Some(h) if expected_version.is_some_and(|v| v != h.version) => {
                    return Err(StoreError::VersionMismatch { current: h.version })
                }
                Some(h) => h,
            };
            let delete = self
                .delete(tenant_pk(tenant), head_sk(id))
                .condition_expression("version = :v")
                .expression_attribute_values(":v", n(head.version))
                .build()
                .map_err(unavailable)?;
            match self.transact(&db, vec![TransactWriteItem::builder().delete(delete).build()]).await? {
                Tx::Committed => return Ok(()),
                Tx::Cancelled(c) => codes = c,
            }
        }
        Err(lost_race(&codes))
    }

    async fn list_library_items(&self, tenant: &TenantId, after: Option<&str>, limit: usize) -> Result<Page<LibraryItemRecord>, StoreError> {
        let start = after.filter(|a| library_item_id_ok(a)).map(head_sk);
        let (items, more) = self.page(tenant, HEAD_PREFIX, start, limit).await?;
        let items = items.iter().map(record_of).collect::<Result<Vec<_>, _>>()?;
        let next = if more { items.last().map(|r| r.id.clone()) } else { None };
        Ok(Page { items, next })
    }
}
