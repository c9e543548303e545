//! [`DeskStore`] on the single table. Support-access grants live in their tenant's partition
//! (`TENANT#<tid>`, `GRANT#<id>`), reached through the tenant's session like every other
//! record of the company. Announcements (`DESK#ANNOUNCEMENT`) are the service's own; the
//! inquiries (`DESK#INQUIRY`, `<tid>#<id>`) form the operator's queue across companies, so
//! they are read with the function's own client — each thread stays sealed under its
//! company's key, with the company and inquiry in the associated data, so the queue can
//! only be read through that company's key.
//! A write is one conditional put on the version it replaces.

use async_trait::async_trait;
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::put_item::PutItemError;
use aws_sdk_dynamodb::Client;

use super::{b, get_b, get_n, get_s, key, n, s, tenant_pk, unavailable, DynamoStore, Item, PART_BYTES};
use crate::ids::TenantId;
use crate::ports::{desk_id_ok, desk_shape_error, DeskKind, DeskRecord, DeskStore, StoreError};

const ANNOUNCEMENTS: &str = "DESK#ANNOUNCEMENT";
const INQUIRIES: &str = "DESK#INQUIRY";
const GRANT_PREFIX: &str = "GRANT#";

/// The partition and the SK prefix of `kind`'s records of `tenant` (a prefix of every
/// tenant's inquiries when `tenant` is `None`).
fn place(kind: DeskKind, tenant: Option<&TenantId>) -> (String, String) {
    match (kind, tenant) {
        (DeskKind::Announcement, _) => (ANNOUNCEMENTS.to_owned(), String::new()),
        (DeskKind::Inquiry, Some(t)) => (INQUIRIES.to_owned(), format!("{t}#")),
        (DeskKind::Inquiry, None) => (INQUIRIES.to_owned(), String::new()),
        (DeskKind::SupportGrant, Some(t)) => (tenant_pk(t), GRANT_PREFIX.to_owned()),
        (DeskKind::SupportGrant, None) => (String::new(), GRANT_PREFIX.to_owned()),
    }
}

fn record_of(kind: DeskKind, item: &Item) -> Result<DeskRecord, StoreError> {
    let tenant = match item.get("tenant").and_then(|v| v.as_s().ok()) {
        Some(t) => Some(TenantId::parse(t).map_err(|_| StoreError::unavailable(anyhow::anyhow!("stored tenant is malformed")))?),
        None => None,
    };
    if kind.per_tenant() != tenant.is_some() {
        return Err(StoreError::unavailable(anyhow::anyhow!("stored {} has the wrong tenant", kind.as_str())));
    }
    Ok(DeskRecord {
        tenant,
        id: get_s(item, "id")?.to_owned(),
        version: get_n(item, "version")?,
        meta: get_s(item, "meta")?.to_owned(),
        sealed: get_b(item, "sealed")?.to_vec(),
    })
}

impl DynamoStore {
    /// The client for `kind`: a grant through its tenant's session, the desk's partitions
    /// through the function's own client.
    async fn desk_db(&self, kind: DeskKind, tenant: Option<&TenantId>) -> Client {
        match (kind, tenant) {
            (DeskKind::SupportGrant, Some(t)) => self.db(t).await,
            _ => self.scope.service().dynamo.clone(),
        }
    }
}

#[async_trait]
impl DeskStore for DynamoStore {
    async fn put_desk(&self, kind: DeskKind, record: &DeskRecord) -> Result<u64, StoreError> {
        if let Some(e) = desk_shape_error(kind, record.tenant.as_ref(), false) {
            return Err(e);
        }
        if !desk_id_ok(&record.id) {
            return Err(StoreError::unavailable(anyhow::anyhow!("not a desk record id: {:?}", record.id)));
        }
        if record.sealed.len() + record.meta.len() > PART_BYTES {
            return Err(StoreError::TooLarge { bytes: record.sealed.len() + record.meta.len() });
        }
        let (pk, prefix) = place(kind, record.tenant.as_ref());
        let next = record.version + 1;
        let mut item = key(pk, format!("{prefix}{}", record.id));
        item.insert("id".into(), s(record.id.as_str()));
        item.insert("version".into(), n(next));
        item.insert("meta".into(), s(record.meta.as_str()));
        if !record.sealed.is_empty() {
            item.insert("sealed".into(), b(&record.sealed));
        }
        if let Some(t) = &record.tenant {
            item.insert("tenant".into(), s(t.as_str()));
        }
        let db = self.desk_db(kind, record.tenant.as_ref()).await;
        let mut put = db.put_item().table_name(&self.table).set_item(Some(item));
        put = if record.version == 0 {
            put.condition_expression("attribute_not_exists(PK)")
        } else {
            put.condition_expression("version = :expected").expression_attribute_values(":expected", n(record.version))
        };
        match put.send().await {
            Ok(_) => Ok(next),
            Err(SdkError::ServiceError(e)) if matches!(e.err(), PutItemError::ConditionalCheckFailedException(_)) => {
                match self.get_desk(kind, record.tenant.as_ref(), &record.id).await? {
                    Some(_) if record.version == 0 => Err(StoreError::AlreadyExists),
                    Some(current) => Err(StoreError::VersionMismatch { current: current.version }),
                    None => Err(StoreError::NotFound),
                }
            }
            Err(e) => Err(unavailable(e)),
        }
    }

    async fn get_desk(&self, kind: DeskKind, tenant: Option<&TenantId>, id: &str) -> Result<Option<DeskRecord>, StoreError> {
        if let Some(e) = desk_shape_error(kind, tenant, false) {
            return Err(e);
        }
        if !desk_id_ok(id) {
            return Ok(None);
        }
        let (pk, prefix) = place(kind, tenant);
        let db = self.desk_db(kind, tenant).await;
        self.get(&db, pk, format!("{prefix}{id}")).await?.as_ref().map(|item| record_of(kind, item)).transpose()
    }

    async fn list_desk(&self, kind: DeskKind, tenant: Option<&TenantId>) -> Result<Vec<DeskRecord>, StoreError> {
        if let Some(e) = desk_shape_error(kind, tenant, true) {
            return Err(e);
        }
        let (pk, prefix) = place(kind, tenant);
        let db = self.desk_db(kind, tenant).await;
        let items = self.query_prefix(&db, pk, &prefix).await?;
        items.iter().map(|item| record_of(kind, item)).collect()
    }
}
