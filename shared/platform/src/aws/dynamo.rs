//! Every record in one DynamoDB table, keyed so that every query names the tenant
//! (DESIGN.md "Data"):
//!
//! | item | PK | SK |
//! |---|---|---|
//! | tenant | `TENANT#<tid>` | `META` |
//! | user | `TENANT#<tid>` | `USER#<uid>` |
//! | user lookup | `SUB#<sub>` | `META` |
//! | e-mail lookup (users not deleted) | `TENANT#<tid>` | `EMAIL#<lower-case address>` |
//! | administrator guard | `TENANT#<tid>` | `ADMINGUARD` |
//! | project (small main item) | `TENANT#<tid>` | `PROJECT#<pid>` |
//! | project content part | `TENANT#<tid>` | `PART#<pid>#<version:010>#<n:03>` |
//! | audit chain head | `TENANT#<tid>` | `AUDITHEAD` |
//! | company library item: newest version (head) | `TENANT#<tid>` | `LIBITEM#<item id>` |
//! | company library item: every version | `TENANT#<tid>` | `LIBVER#<item id>#<version:06>` |
//! | audit event | `TENANT#<tid>#AUDIT#<yyyy-mm>` | `<ts:013>#<event id>` |
//! | support-access grant | `TENANT#<tid>` | `GRANT#<grant id>` |
//! | registry entry (outlives the company's data) | `REGISTRY#TENANT` | `<tid>` |
//! | announcement (service-wide) | `DESK#ANNOUNCEMENT` | `<announcement id>` |
//! | support inquiry (thread sealed under the tenant's key) | `DESK#INQUIRY` | `<tid>#<inquiry id>` |
//!
//! A project's sealed content may be several megabytes, far above DynamoDB's 400 KB item
//! limit, so it is cut into parts of at most [`PART_BYTES`] written in the same transaction
//! as the main item. Part keys do not start with `PROJECT#`, so listings never read them.
//! Every write that touches more than one item is one `TransactWriteItems`: a refused or
//! failed write changes nothing.

use std::collections::HashMap;
use std::str::FromStr;
use std::time::Duration;

use anyhow::{anyhow, Context};
use async_trait::async_trait;
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::put_item::PutItemError;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, BillingMode, Delete, KeySchemaElement, KeyType, Put,
    ScalarAttributeType, TableStatus, TransactWriteItem, Update,
};
use aws_sdk_dynamodb::Client;

use crate::ids::{ProjectId, TenantId, UserId};
use crate::ports::{
    AdminGuard, AuditEvent, AuditLog, Page, ProjectMeta, ProjectRecord, ProjectStore, StoreError, StoredAuditEvent, Tenant, TenantEntry, PurgeReport,
    TenantStore, UnixMillis, User, UserStore,
};
use crate::seal::{chain_hash, CHAIN_START};

mod desk;
mod library;

/// Largest slice of sealed content stored in one part item (350 KiB, under the 400 KB
/// item limit with room for keys and attribute names).
pub const PART_BYTES: usize = 350 * 1024;
/// Largest sealed summary kept in a project's main item.
pub const MAX_SUMMARY_BYTES: usize = 64 * 1024;
/// Budget for the items of one transaction, below DynamoDB's 4 MB aggregate limit.
const TX_BYTES: usize = 4_000_000;
/// Allowance per item for keys, attribute names and numbers.
const ITEM_OVERHEAD: usize = 512;
/// DynamoDB's limit on actions in one transaction.
const TX_ACTIONS: usize = 100;
/// Attempts for a write that lost a race and is worth retrying.
const WRITE_ATTEMPTS: usize = 3;
/// Attempts for an audit append racing other appends on the same tenant's chain.
const AUDIT_ATTEMPTS: usize = 10;

type Item = HashMap<String, AttributeValue>;

/// DynamoDB adapter of the record ports: [`TenantStore`], [`UserStore`], [`ProjectStore`]
/// and [`AuditLog`], all on one table with string keys `PK` and `SK`.
#[derive(Clone)]
pub struct DynamoStore {
    /// Every tenant's records are reached through that tenant's session (see
    /// [`super::scope`]); only the `SUB#` lookups through the function's own client.
    scope: std::sync::Arc<super::scope::TenantScope>,
    table: String,
    /// Appends to one tenant's audit chain from this process go one at a time: they would
    /// only race for the same head item. Other processes are met by the head's condition.
    /// Keys of the tenants' audit chains.
    chain: std::sync::Arc<dyn crate::seal::ChainKeys>,
    chain_turns: std::sync::Arc<std::sync::Mutex<HashMap<TenantId, std::sync::Arc<tokio::sync::Mutex<()>>>>>,
}

/// Create the single table (`PK`/`SK` strings, on-demand billing) and wait until it is
/// active. For tests and local runs; production tables come from the SAM template.
pub async fn create_table(client: &Client, name: &str) -> anyhow::Result<()> {
    client
        .create_table()
        .table_name(name)
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(
            AttributeDefinition::builder().attribute_name("PK").attribute_type(ScalarAttributeType::S).build()?,
        )
        .attribute_definitions(
            AttributeDefinition::builder().attribute_name("SK").attribute_type(ScalarAttributeType::S).build()?,
        )
        .key_schema(KeySchemaElement::builder().attribute_name("PK").key_type(KeyType::Hash).build()?)
        .key_schema(KeySchemaElement::builder().attribute_name("SK").key_type(KeyType::Range).build()?)
        .send()
        .await
        .with_context(|| format!("creating table {name}"))?;
    for _ in 0..120 {
        let out = client.describe_table().table_name(name).send().await?;
        if out.table().and_then(|t| t.table_status()) == Some(&TableStatus::Active) {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    Err(anyhow!("table {name} did not become active"))
}

// ---- keys ----------------------------------------------------------------------------

fn tenant_pk(tenant: &TenantId) -> String {
    format!("TENANT#{tenant}")
}
const META: &str = "META";
const USER_PREFIX: &str = "USER#";
const PROJECT_PREFIX: &str = "PROJECT#";
const AUDIT_HEAD: &str = "AUDITHEAD";

fn user_sk(user: &UserId) -> String {
    format!("{USER_PREFIX}{user}")
}
fn email_sk(email: &str) -> String {
    format!("EMAIL#{}", crate::ports::email_key(email))
}
const ADMIN_GUARD: &str = "ADMINGUARD";
fn sub_pk(sub: &str) -> String {
    format!("SUB#{sub}")
}
fn project_sk(id: &ProjectId) -> String {
    format!("{PROJECT_PREFIX}{id}")
}
fn part_prefix(id: &ProjectId, version: u64) -> String {
    format!("PART#{id}#{version:010}#")
}
fn part_sk(id: &ProjectId, version: u64, n: usize) -> String {
    format!("{}{n:03}", part_prefix(id, version))
}
fn audit_pk(tenant: &TenantId, month: &str) -> String {
    format!("TENANT#{tenant}#AUDIT#{month}")
}

// ---- attribute helpers ---------------------------------------------------------------

fn s(v: impl Into<String>) -> AttributeValue {
    AttributeValue::S(v.into())
}
fn n(v: impl ToString) -> AttributeValue {
    AttributeValue::N(v.to_string())
}
fn b(v: &[u8]) -> AttributeValue {
    AttributeValue::B(Blob::new(v))
}
fn key(pk: String, sk: String) -> Item {
    HashMap::from([("PK".to_owned(), s(pk)), ("SK".to_owned(), s(sk))])
}

fn corrupt(what: &str) -> StoreError {
    StoreError::Unavailable(anyhow!("stored item is malformed: {what}"))
}
fn get_s<'a>(item: &'a Item, name: &str) -> Result<&'a str, StoreError> {
    item.get(name).and_then(|v| v.as_s().ok()).map(String::as_str).ok_or_else(|| corrupt(name))
}
fn get_n<T: FromStr>(item: &Item, name: &str) -> Result<T, StoreError> {
    item.get(name).and_then(|v| v.as_n().ok()).and_then(|v| v.parse().ok()).ok_or_else(|| corrupt(name))
}
/// A binary attribute; an absent one reads as empty (DynamoDB items need not carry empties).
fn get_b<'a>(item: &'a Item, name: &str) -> Result<&'a [u8], StoreError> {
    match item.get(name) {
        None => Ok(&[]),
        Some(v) => v.as_b().map(|b| b.as_ref()).map_err(|_| corrupt(name)),
    }
}
fn get_json<T: serde::de::DeserializeOwned>(item: &Item, name: &str) -> Result<T, StoreError> {
    serde_json::from_str(get_s(item, name)?).map_err(|e| StoreError::Unavailable(anyhow!(e).context(format!("stored {name} is not valid"))))
}
fn to_json<T: serde::Serialize>(v: &T) -> Result<String, StoreError> {
    serde_json::to_string(v).map_err(StoreError::unavailable)
}

fn unavailable<E>(e: E) -> StoreError
where
    E: std::error::Error + Send + Sync + 'static,
{
    StoreError::Unavailable(anyhow::Error::new(e))
}

/// How a transaction ended when it did not fail outright.
enum Tx {
    Committed,
    /// Cancelled by a condition or a conflicting transaction; the codes are per action.
    Cancelled(Vec<String>),
}

// ---- projects: main item -------------------------------------------------------------

/// A project's main item as read back.
struct Main {
    meta: ProjectMeta,
    parts: usize,
    content_len: usize,
}

fn parse_main(item: &Item) -> Result<Main, StoreError> {
    let id = ProjectId::parse(get_s(item, "id")?).map_err(|_| corrupt("id"))?;
    Ok(Main {
        meta: ProjectMeta {
            id,
            version: get_n(item, "version")?,
            created_at: get_n(item, "created_at")?,
            updated_at: get_n(item, "updated_at")?,
            summary: get_b(item, "summary")?.to_vec(),
        },
        parts: get_n(item, "parts")?,
        content_len: get_n(item, "content_len")?,
    })
}

fn check_sizes(record: &ProjectRecord, old_parts: usize) -> Result<usize, StoreError> {
    let bytes = record.content.len() + record.summary.len();
    let parts = record.content.len().div_ceil(PART_BYTES);
    let items = 1 + parts;
    if record.summary.len() > MAX_SUMMARY_BYTES
        || bytes + items * ITEM_OVERHEAD > TX_BYTES
        || items + old_parts > TX_ACTIONS
    {
        return Err(StoreError::TooLarge { bytes });
    }
    Ok(parts)
}

impl std::fmt::Debug for DynamoStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DynamoStore").field("table", &self.table).finish_non_exhaustive()
    }
}

impl DynamoStore {
    /// A store on `table` (which must exist, see [`create_table`]), chaining audit events
    /// under the keys `chain` gives.
    pub fn new(
        scope: std::sync::Arc<super::scope::TenantScope>,
        table: impl Into<String>,
        chain: std::sync::Arc<dyn crate::seal::ChainKeys>,
    ) -> Self {
        DynamoStore { scope, table: table.into(), chain, chain_turns: Default::default() }
    }

    /// The client of `tenant`'s session.
    async fn db(&self, tenant: &TenantId) -> Client {
        self.scope.tenant(tenant).await.dynamo
    }

    /// The table this store reads and writes.
    pub fn table(&self) -> &str {
        &self.table
    }

    async fn get(&self, db: &Client, pk: String, sk: String) -> Result<Option<Item>, StoreError> {
        let out = db
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key(pk, sk)))
            .consistent_read(true)
            .send()
            .await
            .map_err(unavailable)?;
        Ok(out.item)
    }

    /// A consistent query of partition `pk` for the SKs starting with `prefix` (the whole
    /// partition when it is empty), in SK order.
    fn prefix_query(&self, db: &Client, pk: &str, prefix: &str) -> aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder {
        let query = db.query().table_name(&self.table).expression_attribute_values(":pk", s(pk)).consistent_read(true);
        if prefix.is_empty() {
            query.key_condition_expression("PK = :pk")
        } else {
            query.key_condition_expression("PK = :pk AND begins_with(SK, :prefix)").expression_attribute_values(":prefix", s(prefix))
        }
    }

    /// Every item of a partition whose SK starts with `prefix`, in SK order.
    async fn query_prefix(&self, db: &Client, pk: String, prefix: &str) -> Result<Vec<Item>, StoreError> {
        let mut items = Vec::new();
        let mut start: Option<Item> = None;
        loop {
            let out = self
                .prefix_query(db, &pk, prefix)
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .map_err(unavailable)?;
            items.extend(out.items.unwrap_or_default());
            match out.last_evaluated_key {
                Some(k) if !k.is_empty() => start = Some(k),
                _ => return Ok(items),
            }
        }
    }

    /// One page (at most `limit`, 1–100) of `tenant`'s items whose SK starts with `prefix`,
    /// after the item `start_sk`, in SK order; and whether more follow.
    async fn page(&self, tenant: &TenantId, prefix: &str, start_sk: Option<String>, limit: usize) -> Result<(Vec<Item>, bool), StoreError> {
        let db = self.db(tenant).await;
        let pk = tenant_pk(tenant);
        let limit = limit.clamp(1, 100);
        let out = self
            .prefix_query(&db, &pk, prefix)
            .set_exclusive_start_key(start_sk.map(|sk| key(pk.clone(), sk)))
            .limit(i32::try_from(limit).unwrap_or(100))
            .send()
            .await
            .map_err(unavailable)?;
        let more = out.last_evaluated_key().is_some_and(|k| !k.is_empty());
        Ok((out.items.unwrap_or_default(), more))
    }

    async fn transact(&self, db: &Client, actions: Vec<TransactWriteItem>) -> Result<Tx, StoreError> {
        let result = db
            .transact_write_items()
            .set_transact_items(Some(actions))
            .client_request_token(uuid::Uuid::new_v4().simple().to_string())
            .send()
            .await;
        match result {
            Ok(_) => Ok(Tx::Committed),
            Err(SdkError::ServiceError(e)) => match e.err() {
                TransactWriteItemsError::TransactionCanceledException(c) => Ok(Tx::Cancelled(
                    c.cancellation_reasons()
                        .iter()
                        .map(|r| r.code().unwrap_or("None").to_owned())
                        .collect(),
                )),
                TransactWriteItemsError::TransactionInProgressException(_) => {
                    Ok(Tx::Cancelled(vec!["TransactionInProgress".to_owned()]))
                }
                _ => Err(unavailable(SdkError::ServiceError(e))),
            },
            Err(e) => Err(unavailable(e)),
        }
    }

    fn put(&self, item: Item) -> aws_sdk_dynamodb::types::builders::PutBuilder {
        Put::builder().table_name(&self.table).set_item(Some(item))
    }

    fn delete(&self, pk: String, sk: String) -> aws_sdk_dynamodb::types::builders::DeleteBuilder {
        Delete::builder().table_name(&self.table).set_key(Some(key(pk, sk)))
    }

    async fn get_main(&self, tenant: &TenantId, id: &ProjectId) -> Result<Option<Main>, StoreError> {
        let db = self.db(tenant).await;
        self.get(&db, tenant_pk(tenant), project_sk(id)).await?.as_ref().map(parse_main).transpose()
    }

    /// The content parts of one version, concatenated; `None` if they are not all there
    /// (a concurrent replace or delete removed them).
    async fn read_parts(&self, tenant: &TenantId, id: &ProjectId, main: &Main) -> Result<Option<Vec<u8>>, StoreError> {
        let db = self.db(tenant).await;
        if main.parts == 0 {
            return Ok((main.content_len == 0).then(Vec::new));
        }
        let items = self.query_prefix(&db, tenant_pk(tenant), &part_prefix(id, main.meta.version)).await?;
        if items.len() != main.parts {
            return Ok(None);
        }
        let mut content = Vec::with_capacity(main.content_len);
        for (i, item) in items.iter().enumerate() {
            if get_s(item, "SK")? != part_sk(id, main.meta.version, i) {
                return Ok(None);
            }
            content.extend_from_slice(get_b(item, "data")?);
        }
        Ok((content.len() == main.content_len).then_some(content))
    }

    /// The actions writing `record` as a main item plus its parts. The main item's put
    /// carries the condition; parts are plain puts.
    fn project_puts(
        &self,
        tenant: &TenantId,
        record: &ProjectRecord,
        parts: usize,
        condition: &str,
        values: Vec<(&str, AttributeValue)>,
    ) -> Result<Vec<TransactWriteItem>, StoreError> {
        let pk = tenant_pk(tenant);
        let mut main = key(pk.clone(), project_sk(&record.id));
        main.insert("id".into(), s(record.id.as_str()));
        main.insert("version".into(), n(record.version));
        main.insert("created_at".into(), n(record.created_at));
        main.insert("updated_at".into(), n(record.updated_at));
        if !record.summary.is_empty() {
            main.insert("summary".into(), b(&record.summary));
        }
        main.insert("parts".into(), n(parts));
        main.insert("content_len".into(), n(record.content.len()));
        let mut put = self.put(main).condition_expression(condition);
        for (k, v) in values {
            put = put.expression_attribute_values(k, v);
        }
        let mut actions = vec![TransactWriteItem::builder().put(put.build().map_err(unavailable)?).build()];
        for (i, chunk) in record.content.chunks(PART_BYTES).enumerate() {
            let mut part = key(pk.clone(), part_sk(&record.id, record.version, i));
            part.insert("data".into(), b(chunk));
            actions.push(TransactWriteItem::builder().put(self.put(part).build().map_err(unavailable)?).build());
        }
        Ok(actions)
    }

    fn part_deletes(&self, tenant: &TenantId, id: &ProjectId, version: u64, parts: usize) -> Result<Vec<TransactWriteItem>, StoreError> {
        (0..parts)
            .map(|i| {
                let d = self.delete(tenant_pk(tenant), part_sk(id, version, i)).build().map_err(unavailable)?;
                Ok(TransactWriteItem::builder().delete(d).build())
            })
            .collect()
    }

    /// After a cancelled write: why was it refused?
    async fn refusal(&self, tenant: &TenantId, id: &ProjectId, expected: Option<u64>) -> Result<Option<StoreError>, StoreError> {
        Ok(match self.get_main(tenant, id).await? {
            None => Some(StoreError::NotFound),
            Some(m) if expected.is_some_and(|v| v != m.meta.version) => {
                Some(StoreError::VersionMismatch { current: m.meta.version })
            }
            Some(_) => None,
        })
    }
}

fn lost_race(codes: &[String]) -> StoreError {
    StoreError::Unavailable(anyhow!("transaction kept being cancelled: {}", codes.join(",")))
}

// ---- tenants -------------------------------------------------------------------------

fn tenant_item(tenant: &Tenant) -> Result<Item, StoreError> {
    let mut item = key(tenant_pk(&tenant.id), META.to_owned());
    item.insert("doc".into(), s(to_json(tenant)?));
    item.insert("version".into(), n(tenant.version));
    Ok(item)
}

/// The version a stored item carries (0 for items written before versions).
fn item_version(item: &Item) -> u64 {
    item.get("version").and_then(|v| v.as_n().ok()).and_then(|v| v.parse().ok()).unwrap_or(0)
}

#[async_trait]
impl TenantStore for DynamoStore {
    async fn create_tenant(&self, tenant: &Tenant) -> Result<(), StoreError> {
        let db = self.db(&tenant.id).await;
        let result = db
            .put_item()
            .table_name(&self.table)
            .set_item(Some(tenant_item(&Tenant { version: 1, ..tenant.clone() })?))
            .condition_expression("attribute_not_exists(PK)")
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(SdkError::ServiceError(e)) if matches!(e.err(), PutItemError::ConditionalCheckFailedException(_)) => {
                Err(StoreError::AlreadyExists)
            }
            Err(e) => Err(unavailable(e)),
        }
    }

    async fn get_tenant(&self, tenant: &TenantId) -> Result<Option<Tenant>, StoreError> {
        let db = self.db(tenant).await;
        self.get(&db, tenant_pk(tenant), META.to_owned()).await?.map(|item| get_json(&item, "doc")).transpose()
    }

    async fn put_tenant(&self, tenant: &Tenant) -> Result<u64, StoreError> {
        let db = self.db(&tenant.id).await;
        let next = tenant.version + 1;
        let condition = if tenant.version == 0 {
            "attribute_exists(PK) AND attribute_not_exists(#v)"
        } else {
            "#v = :expected"
        };
        let mut put = db
            .put_item()
            .table_name(&self.table)
            .set_item(Some(tenant_item(&Tenant { version: next, ..tenant.clone() })?))
            .condition_expression(condition)
            .expression_attribute_names("#v", "version");
        if tenant.version != 0 {
            put = put.expression_attribute_values(":expected", n(tenant.version));
        }
        match put.send().await {
            Ok(_) => Ok(next),
            Err(SdkError::ServiceError(e)) if matches!(e.err(), PutItemError::ConditionalCheckFailedException(_)) => {
                match self.get(&db, tenant_pk(&tenant.id), META.to_owned()).await? {
                    None => Err(StoreError::NotFound),
                    Some(item) => Err(StoreError::VersionMismatch { current: item_version(&item) }),
                }
            }
            Err(e) => Err(unavailable(e)),
        }
    }

    async fn list_tenants(&self) -> Result<Vec<TenantEntry>, StoreError> {
        let svc = self.scope.service().dynamo.clone();
        let items = self.query_prefix(&svc, REGISTRY.to_owned(), "").await?;
        items.iter().map(|item| get_json(item, "doc")).collect()
    }

    async fn get_entry(&self, tenant: &TenantId) -> Result<Option<TenantEntry>, StoreError> {
        let svc = self.scope.service().dynamo.clone();
        self.get(&svc, REGISTRY.to_owned(), tenant.to_string()).await?.map(|item| get_json(&item, "doc")).transpose()
    }

    async fn put_entry(&self, entry: &TenantEntry) -> Result<(), StoreError> {
        let svc = self.scope.service().dynamo.clone();
        let mut item = key(REGISTRY.to_owned(), entry.id.to_string());
        item.insert("doc".into(), s(to_json(entry)?));
        svc.put_item().table_name(&self.table).set_item(Some(item)).send().await.map_err(unavailable)?;
        Ok(())
    }

    async fn purge_tenant(&self, tenant: &TenantId) -> Result<PurgeReport, StoreError> {
        let db = self.db(tenant).await;
        let svc = self.scope.service().dynamo.clone();
        let mut report = PurgeReport::default();
        let mut all_keys = Vec::new();
        // The company's partition: company, users, e-mail lookups, projects and parts,
        // library, grants, counters, the chain head. The users' identity lookups with them.
        let own = self.query_prefix(&db, tenant_pk(tenant), "").await?;
        let since = own
            .iter()
            .find(|i| i.get("SK").and_then(|v| v.as_s().ok()).map(String::as_str) == Some(META))
            .and_then(|i| get_json::<Tenant>(i, "doc").ok())
            .map(|t| t.created_at);
        let mut keys: Vec<(String, String)> = Vec::new();
        let mut lookups: Vec<(String, String)> = Vec::new();
        for item in &own {
            let (pk, sk) = (get_s(item, "PK")?.to_owned(), get_s(item, "SK")?.to_owned());
            if sk.starts_with(USER_PREFIX) {
                if let Ok(user) = get_json::<User>(item, "doc") {
                    lookups.push((sub_pk(&user.sub), META.to_owned()));
                }
            }
            if sk.starts_with("EMAIL#") {
                report.lookups += 1;
            } else {
                report.records += 1;
            }
            keys.push((pk, sk));
        }
        // Lookups still pointing at this company (not those of a sub reused elsewhere).
        let mut mine = Vec::new();
        for (pk, sk) in lookups {
            if let Some(item) = self.get(&db, pk.clone(), sk.clone()).await? {
                if item.get("tenant").and_then(|v| v.as_s().ok()).is_none_or(|t| t == tenant.as_str()) {
                    mine.push((pk, sk));
                }
            }
        }
        report.lookups += mine.len() as u64;
        // The audit chain, month by month since the company was created.
        let mut audit = Vec::new();
        if let Some(since) = since {
            for month in months_between(since, crate::http::now_millis())? {
                for item in self.query_prefix(&db, audit_pk(tenant, &month), "").await? {
                    audit.push((get_s(&item, "PK")?.to_owned(), get_s(&item, "SK")?.to_owned()));
                }
            }
        }
        report.audit_events = audit.len() as u64;
        // Its inquiries, in the operator's queue.
        let mut inquiries = Vec::new();
        for item in self.query_prefix(&svc, "DESK#INQUIRY".to_owned(), &format!("{tenant}#")).await? {
            inquiries.push((get_s(&item, "PK")?.to_owned(), get_s(&item, "SK")?.to_owned()));
        }
        report.inquiries = inquiries.len() as u64;

        all_keys.extend(keys.iter().chain(&mine).chain(&audit).chain(&inquiries).map(|(pk, sk)| format!("{pk}|{sk}")));
        self.delete_keys(&db, &audit).await?;
        self.delete_keys(&db, &mine).await?;
        self.delete_keys(&svc, &inquiries).await?;
        // The company's own partition last: while any of it is left, a retry finds the rest.
        self.delete_keys(&db, &keys).await?;
        report.keys_sha256 = PurgeReport::hash_keys(&mut all_keys);
        Ok(report)
    }
}

const REGISTRY: &str = "REGISTRY#TENANT";

/// The months `yyyy-mm` from the one holding `from` through the one holding `to`.
fn months_between(from: UnixMillis, to: UnixMillis) -> Result<Vec<String>, StoreError> {
    let (mut m, last) = (month_of(from)?, month_of(to)?);
    let mut out = Vec::new();
    while m <= last {
        out.push(m.clone());
        let (y, mo) = m.split_once('-').and_then(|(y, mo)| Some((y.parse::<i32>().ok()?, mo.parse::<u32>().ok()?))).ok_or_else(|| corrupt("month"))?;
        m = if mo >= 12 { format!("{:04}-01", y + 1) } else { format!("{y:04}-{:02}", mo + 1) };
    }
    Ok(out)
}

impl DynamoStore {
    /// Delete `keys` (PK, SK) with `db`, 25 to a request, until none is left unprocessed.
    async fn delete_keys(&self, db: &Client, keys: &[(String, String)]) -> Result<(), StoreError> {
        use aws_sdk_dynamodb::types::{DeleteRequest, WriteRequest};
        for chunk in keys.chunks(25) {
            let mut requests: Vec<WriteRequest> = chunk
                .iter()
                .map(|(pk, sk)| {
                    DeleteRequest::builder().set_key(Some(key(pk.clone(), sk.clone()))).build().map(|d| WriteRequest::builder().delete_request(d).build())
                })
                .collect::<Result<_, _>>()
                .map_err(unavailable)?;
            for attempt in 0..8 {
                let out = db
                    .batch_write_item()
                    .request_items(self.table.clone(), requests.clone())
                    .send()
                    .await
                    .map_err(unavailable)?;
                requests = out.unprocessed_items.and_then(|mut m| m.remove(&self.table)).unwrap_or_default();
                if requests.is_empty() {
                    break;
                }
                if attempt == 7 {
                    return Err(StoreError::Unavailable(anyhow!("{} deletes left unprocessed", requests.len())));
                }
                tokio::time::sleep(Duration::from_millis(50 << attempt)).await;
            }
        }
        Ok(())
    }
}

// ---- users ---------------------------------------------------------------------------

impl DynamoStore {
    /// Write a user under its version condition, with its lookups, and (when `guard` is
    /// given) the tenant's administrator guard moved on, all in one transaction.
    async fn write_user(&self, user: &User, guard: Option<AdminGuard>) -> Result<u64, StoreError> {
        let db = self.db(&user.tenant).await;
        let pk = tenant_pk(&user.tenant);
        let sk = user_sk(&user.id);
        let next = user.version + 1;
        let mut codes = Vec::new();
        for _ in 0..WRITE_ATTEMPTS {
            let existing = self.get(&db, pk.clone(), sk.clone()).await?;
            match &existing {
                None if user.version != 0 => return Err(StoreError::NotFound),
                Some(item) if item_version(item) != user.version => {
                    return Err(StoreError::VersionMismatch { current: item_version(item) })
                }
                _ => {}
            }
            let old_sub = existing.as_ref().map(|i| get_s(i, "sub").map(str::to_owned)).transpose()?;
            let old_email: Option<User> = existing.as_ref().map(|i| get_json(i, "doc")).transpose()?;
            let old_email = old_email.filter(|u| u.status != crate::ports::UserStatus::Deleted).map(|u| u.email);

            let mut item = key(pk.clone(), sk.clone());
            item.insert("sub".into(), s(&user.sub));
            item.insert("doc".into(), s(to_json(&User { version: next, ..user.clone() })?));
            item.insert("version".into(), n(next));
            let user_put = match &existing {
                Some(_) if user.version == 0 => self
                    .put(item)
                    .condition_expression("#sub = :old AND attribute_not_exists(#v)")
                    .expression_attribute_names("#sub", "sub")
                    .expression_attribute_names("#v", "version")
                    .expression_attribute_values(":old", s(old_sub.clone().unwrap_or_default())),
                Some(_) => self
                    .put(item)
                    .condition_expression("#sub = :old AND #v = :expected")
                    .expression_attribute_names("#sub", "sub")
                    .expression_attribute_names("#v", "version")
                    .expression_attribute_values(":old", s(old_sub.clone().unwrap_or_default()))
                    .expression_attribute_values(":expected", n(user.version)),
                None => self.put(item).condition_expression("attribute_not_exists(PK)"),
            };

            let mut lookup = key(sub_pk(&user.sub), META.to_owned());
            lookup.insert("tenant".into(), s(user.tenant.as_str()));
            lookup.insert("user".into(), s(user.id.as_str()));
            let owned_by_this_user = "attribute_not_exists(PK) OR (#t = :t AND #u = :u)";
            let lookup_put = self
                .put(lookup)
                .condition_expression(owned_by_this_user)
                .expression_attribute_names("#t", "tenant")
                .expression_attribute_names("#u", "user")
                .expression_attribute_values(":t", s(user.tenant.as_str()))
                .expression_attribute_values(":u", s(user.id.as_str()));

            let mut actions = vec![
                TransactWriteItem::builder().put(user_put.build().map_err(unavailable)?).build(),
                TransactWriteItem::builder().put(lookup_put.build().map_err(unavailable)?).build(),
            ];
            if let Some(old) = old_sub.as_ref().filter(|old| **old != user.sub) {
                let d = self
                    .delete(sub_pk(old), META.to_owned())
                    .condition_expression(owned_by_this_user)
                    .expression_attribute_names("#t", "tenant")
                    .expression_attribute_names("#u", "user")
                    .expression_attribute_values(":t", s(user.tenant.as_str()))
                    .expression_attribute_values(":u", s(user.id.as_str()))
                    .build()
                    .map_err(unavailable)?;
                actions.push(TransactWriteItem::builder().delete(d).build());
            }
            let new_email = (user.status != crate::ports::UserStatus::Deleted).then(|| crate::ports::email_key(&user.email));
            let old_email = old_email.map(|e| crate::ports::email_key(&e));
            if let Some(email) = &new_email {
                let mut lookup = key(pk.clone(), email_sk(email));
                lookup.insert("user".into(), s(user.id.as_str()));
                let p = self
                    .put(lookup)
                    .condition_expression("attribute_not_exists(PK) OR #u = :u")
                    .expression_attribute_names("#u", "user")
                    .expression_attribute_values(":u", s(user.id.as_str()))
                    .build()
                    .map_err(unavailable)?;
                actions.push(TransactWriteItem::builder().put(p).build());
            }
            if let Some(old) = old_email.filter(|old| Some(old) != new_email.as_ref()) {
                let d = self
                    .delete(pk.clone(), email_sk(&old))
                    .condition_expression("attribute_not_exists(PK) OR #u = :u")
                    .expression_attribute_names("#u", "user")
                    .expression_attribute_values(":u", s(user.id.as_str()))
                    .build()
                    .map_err(unavailable)?;
                actions.push(TransactWriteItem::builder().delete(d).build());
            }
            if let Some(AdminGuard(v)) = guard {
                let mut u = Update::builder()
                    .table_name(&self.table)
                    .set_key(Some(key(pk.clone(), ADMIN_GUARD.to_owned())))
                    .update_expression("SET #v = :next")
                    .expression_attribute_names("#v", "v")
                    .expression_attribute_values(":next", n(v + 1));
                u = if v == 0 {
                    u.condition_expression("attribute_not_exists(#v)")
                } else {
                    u.condition_expression("#v = :expected").expression_attribute_values(":expected", n(v))
                };
                actions.push(TransactWriteItem::builder().update(u.build().map_err(unavailable)?).build());
            }

            match self.transact(&db, actions).await? {
                Tx::Committed => return Ok(next),
                Tx::Cancelled(c) => codes = c,
            }
            if let Some(item) = self.get(&db, pk.clone(), sk.clone()).await? {
                if item_version(&item) != user.version {
                    return Err(StoreError::VersionMismatch { current: item_version(&item) });
                }
            }
            if let Some(AdminGuard(v)) = guard {
                let current = self.admin_guard(&user.tenant).await?.0;
                if current != v {
                    return Err(StoreError::VersionMismatch { current });
                }
            }
            if let Some(owner) = self.get(&db, sub_pk(&user.sub), META.to_owned()).await? {
                if get_s(&owner, "tenant")? != user.tenant.as_str() || get_s(&owner, "user")? != user.id.as_str() {
                    return Err(StoreError::AlreadyExists);
                }
            }
            if let Some(email) = &new_email {
                if let Some(owner) = self.get(&db, pk.clone(), email_sk(email)).await? {
                    if get_s(&owner, "user")? != user.id.as_str() {
                        return Err(StoreError::AlreadyExists);
                    }
                }
            }
        }
        Err(lost_race(&codes))
    }
}

#[async_trait]
impl UserStore for DynamoStore {
    async fn put_user(&self, user: &User) -> Result<u64, StoreError> {
        self.write_user(user, None).await
    }

    async fn put_user_guarded(&self, user: &User, guard: AdminGuard) -> Result<u64, StoreError> {
        self.write_user(user, Some(guard)).await
    }

    async fn admin_guard(&self, tenant: &TenantId) -> Result<AdminGuard, StoreError> {
        let db = self.db(tenant).await;
        let item = self.get(&db, tenant_pk(tenant), ADMIN_GUARD.to_owned()).await?;
        Ok(AdminGuard(item.as_ref().and_then(|i| i.get("v")).and_then(|v| v.as_n().ok()).and_then(|v| v.parse().ok()).unwrap_or(0)))
    }

    async fn get_user(&self, tenant: &TenantId, user: &UserId) -> Result<Option<User>, StoreError> {
        let db = self.db(tenant).await;
        self.get(&db, tenant_pk(tenant), user_sk(user)).await?.map(|item| get_json(&item, "doc")).transpose()
    }

    async fn user_by_sub(&self, sub: &str) -> Result<Option<User>, StoreError> {
        let db = self.scope.service().dynamo.clone();
        let Some(lookup) = self.get(&db, sub_pk(sub), META.to_owned()).await? else {
            return Ok(None);
        };
        let tenant = TenantId::parse(get_s(&lookup, "tenant")?).map_err(|_| corrupt("tenant"))?;
        let user = UserId::parse(get_s(&lookup, "user")?).map_err(|_| corrupt("user"))?;
        Ok(self.get_user(&tenant, &user).await?.filter(|u| u.sub == sub))
    }

    async fn user_by_email(&self, tenant: &TenantId, email: &str) -> Result<Option<User>, StoreError> {
        let db = self.db(tenant).await;
        let Some(lookup) = self.get(&db, tenant_pk(tenant), email_sk(email)).await? else {
            return Ok(None);
        };
        let user = UserId::parse(get_s(&lookup, "user")?).map_err(|_| corrupt("user"))?;
        let key = crate::ports::email_key(email);
        Ok(self
            .get_user(tenant, &user)
            .await?
            .filter(|u| u.status != crate::ports::UserStatus::Deleted && crate::ports::email_key(&u.email) == key))
    }

    async fn list_users(&self, tenant: &TenantId) -> Result<Vec<User>, StoreError> {
        let db = self.db(tenant).await;
        self.query_prefix(&db, tenant_pk(tenant), USER_PREFIX)
            .await?
            .iter()
            .map(|item| get_json(item, "doc"))
            .collect()
    }
}

// ---- projects ------------------------------------------------------------------------

#[async_trait]
impl ProjectStore for DynamoStore {
    async fn create_project(&self, tenant: &TenantId, record: &ProjectRecord) -> Result<(), StoreError> {
        let db = self.db(tenant).await;
        let parts = check_sizes(record, 0)?;
        let actions = self.project_puts(tenant, record, parts, "attribute_not_exists(PK)", vec![])?;
        match self.transact(&db, actions).await? {
            Tx::Committed => Ok(()),
            Tx::Cancelled(codes) => match self.get_main(tenant, &record.id).await? {
                Some(_) => Err(StoreError::AlreadyExists),
                None => Err(lost_race(&codes)),
            },
        }
    }

    async fn get_project(&self, tenant: &TenantId, id: &ProjectId) -> Result<Option<ProjectRecord>, StoreError> {
        // Two tries: a replace committed between reading the main item and its parts
        // deletes the parts that main item names.
        for _ in 0..2 {
            let Some(main) = self.get_main(tenant, id).await? else {
                return Ok(None);
            };
            if let Some(content) = self.read_parts(tenant, id, &main).await? {
                let m = main.meta;
                return Ok(Some(ProjectRecord {
                    id: m.id,
                    version: m.version,
                    created_at: m.created_at,
                    updated_at: m.updated_at,
                    summary: m.summary,
                    content,
                }));
            }
        }
        Err(StoreError::Unavailable(anyhow!("project {id} changed while being read")))
    }

    async fn replace_project(
        &self,
        tenant: &TenantId,
        record: &ProjectRecord,
        expected_version: u64,
    ) -> Result<(), StoreError> {
        let db = self.db(tenant).await;
        if Some(record.version) != expected_version.checked_add(1) {
            return Err(StoreError::Unavailable(anyhow!(
                "replacement must carry version {} + 1, not {}",
                expected_version,
                record.version
            )));
        }
        let mut codes = Vec::new();
        for _ in 0..WRITE_ATTEMPTS {
            let current = match self.get_main(tenant, &record.id).await? {
                None => return Err(StoreError::NotFound),
                Some(m) if m.meta.version != expected_version => {
                    return Err(StoreError::VersionMismatch { current: m.meta.version })
                }
                Some(m) => m,
            };
            let parts = check_sizes(record, current.parts)?;
            let mut actions = self.project_puts(
                tenant,
                record,
                parts,
                "version = :expected",
                vec![(":expected", n(expected_version))],
            )?;
            actions.extend(self.part_deletes(tenant, &record.id, expected_version, current.parts)?);
            match self.transact(&db, actions).await? {
                Tx::Committed => return Ok(()),
                Tx::Cancelled(c) => codes = c,
            }
            if let Some(refused) = self.refusal(tenant, &record.id, Some(expected_version)).await? {
                return Err(refused);
            }
        }
        Err(lost_race(&codes))
    }

    async fn delete_project(
        &self,
        tenant: &TenantId,
        id: &ProjectId,
        expected_version: Option<u64>,
    ) -> Result<(), StoreError> {
        let db = self.db(tenant).await;
        let mut codes = Vec::new();
        for _ in 0..WRITE_ATTEMPTS {
            let current = match self.get_main(tenant, id).await? {
                None => return Err(StoreError::NotFound),
                Some(m) if expected_version.is_some_and(|v| v != m.meta.version) => {
                    return Err(StoreError::VersionMismatch { current: m.meta.version })
                }
                Some(m) => m,
            };
            let version = current.meta.version;
            let main = self
                .delete(tenant_pk(tenant), project_sk(id))
                .condition_expression("version = :v")
                .expression_attribute_values(":v", n(version))
                .build()
                .map_err(unavailable)?;
            let mut actions = vec![TransactWriteItem::builder().delete(main).build()];
            actions.extend(self.part_deletes(tenant, id, version, current.parts)?);
            match self.transact(&db, actions).await? {
                Tx::Committed => return Ok(()),
                Tx::Cancelled(c) => codes = c,
            }
            if let Some(refused) = self.refusal(tenant, id, expected_version).await? {
                return Err(refused);
            }
        }
        Err(lost_race(&codes))
    }

    async fn list_projects(
        &self,
        tenant: &TenantId,
        after: Option<&ProjectId>,
        limit: usize,
    ) -> Result<Page<ProjectMeta>, StoreError> {
        let (items, more) = self.page(tenant, PROJECT_PREFIX, after.map(project_sk), limit).await?;
        let items = items.iter().map(|item| parse_main(item).map(|m| m.meta)).collect::<Result<Vec<_>, _>>()?;
        let next = if more { items.last().map(|m| m.id.as_str().to_owned()) } else { None };
        Ok(Page { items, next })
    }
}

// ---- audit ---------------------------------------------------------------------------

/// `yyyy-mm` (UTC) of an instant.
fn month_of(at: UnixMillis) -> Result<String, StoreError> {
    let t = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(at) * 1_000_000)
        .map_err(|e| StoreError::Unavailable(anyhow!(e)))?;
    Ok(format!("{:04}-{:02}", t.year(), u8::from(t.month())))
}

/// Event ids are `<ts:013>-<seq:012>`: unique in the tenant and sorted in chain order.
fn event_id(ts: UnixMillis, seq: u64) -> String {
    format!("{ts:013}-{seq:012}")
}

fn event_sk(id: &str) -> Option<String> {
    let ts = id.get(..13).filter(|ts| ts.bytes().all(|c| c.is_ascii_digit()))?;
    (id.as_bytes().get(13) == Some(&b'-')).then(|| format!("{ts}#{id}"))
}

#[async_trait]
impl AuditLog for DynamoStore {
    async fn delete_month(&self, tenant: &TenantId, month: &str) -> Result<u64, StoreError> {
        let db = self.db(tenant).await;
        let mut keys = Vec::new();
        for item in self.query_prefix(&db, audit_pk(tenant, month), "").await? {
            keys.push((get_s(&item, "PK")?.to_owned(), get_s(&item, "SK")?.to_owned()));
        }
        self.delete_keys(&db, &keys).await?;
        Ok(keys.len() as u64)
    }

    async fn append(&self, tenant: &TenantId, event: &AuditEvent) -> Result<StoredAuditEvent, StoreError> {
        let db = self.db(tenant).await;
        let turn = {
            let mut turns = self.chain_turns.lock().map_err(|_| StoreError::unavailable(anyhow::anyhow!("audit turn lock poisoned")))?;
            turns.entry(tenant.clone()).or_default().clone()
        };
        let _turn = turn.lock().await;
        let chain_key = self.chain.chain_key(tenant).await?;
        let pk = tenant_pk(tenant);
        let mut codes = Vec::new();
        for attempt in 0..AUDIT_ATTEMPTS {
            let head = self.get(&db, pk.clone(), AUDIT_HEAD.to_owned()).await?;
            let (prev_seq, prev_hash, last_ts) = match &head {
                Some(h) => match (get_n::<u64>(h, "seq"), get_s(h, "hash"), get_n::<UnixMillis>(h, "last_ts")) {
                    (Ok(seq), Ok(hash), Ok(ts)) => (seq, hash.to_owned(), ts),
                    // A head caught half-written by a concurrent first append (emulators do
                    // not isolate reads from a transaction in flight): read it again.
                    (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) if attempt + 1 == AUDIT_ATTEMPTS => return Err(e),
                    _ => {
                        tokio::time::sleep(Duration::from_millis(5 * (attempt as u64 + 1))).await;
                        continue;
                    }
                },
                None => (0, CHAIN_START.to_owned(), 0),
            };
            let seq = prev_seq + 1;
            // Keys never go back in time, so the table's sort order is the chain order even
            // when callers' clocks disagree; the event keeps the time its caller gave.
            let ts = event.at.max(last_ts).max(0);
            let id = event_id(ts, seq);
            let stored = StoredAuditEvent {
                id: id.clone(),
                seq,
                prev_hash: prev_hash.clone(),
                hash: chain_hash(&chain_key, &prev_hash, event),
                event: event.clone(),
            };
            let sk = event_sk(&id).ok_or_else(|| corrupt("audit event id"))?;
            let mut item = key(audit_pk(tenant, &month_of(ts)?), sk);
            item.insert("seq".into(), n(seq));
            item.insert("doc".into(), s(to_json(&stored)?));
            let put = self.put(item).condition_expression("attribute_not_exists(PK)").build().map_err(unavailable)?;

            let update = Update::builder()
                .table_name(&self.table)
                .set_key(Some(key(pk.clone(), AUDIT_HEAD.to_owned())))
                .update_expression("SET seq = :seq, #hash = :hash, last_ts = :ts")
                .expression_attribute_names("#hash", "hash")
                .expression_attribute_values(":seq", n(seq))
                .expression_attribute_values(":hash", s(&stored.hash))
                .expression_attribute_values(":ts", n(ts));
            let update = if head.is_some() {
                update.condition_expression("seq = :prev").expression_attribute_values(":prev", n(prev_seq))
            } else {
                update.condition_expression("attribute_not_exists(PK)")
            };
            let actions = vec![
                TransactWriteItem::builder().put(put).build(),
                TransactWriteItem::builder().update(update.build().map_err(unavailable)?).build(),
            ];
            match self.transact(&db, actions).await? {
                Tx::Committed => return Ok(stored),
                Tx::Cancelled(c) => codes = c,
            }
            // Another append took this place in the chain: back off a little and retry.
            let jitter = u64::from(uuid::Uuid::new_v4().as_bytes()[0] % 16);
            tokio::time::sleep(Duration::from_millis(5 * (attempt as u64 + 1) + jitter)).await;
        }
        Err(lost_race(&codes))
    }

    async fn list_month(
        &self,
        tenant: &TenantId,
        month: &str,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Page<StoredAuditEvent>, StoreError> {
        let db = self.db(tenant).await;
        let limit = limit.clamp(1, 1000);
        let pk = audit_pk(tenant, month);
        let start = match after {
            None => None,
            Some(id) => match event_sk(id) {
                Some(sk) => Some(key(pk.clone(), sk)),
                // Not an id this log ever handed out: nothing follows it.
                None => return Ok(Page { items: Vec::new(), next: None }),
            },
        };
        let out = db
            .query()
            .table_name(&self.table)
            .key_condition_expression("PK = :pk")
            .expression_attribute_values(":pk", s(pk))
            .consistent_read(true)
            .set_exclusive_start_key(start)
            .limit(i32::try_from(limit).unwrap_or(1000))
            .send()
            .await
            .map_err(unavailable)?;
        let items = out.items().iter().map(|item| get_json(item, "doc")).collect::<Result<Vec<StoredAuditEvent>, _>>()?;
        let more = out.last_evaluated_key().is_some_and(|k| !k.is_empty());
        let next = if more { items.last().map(|e| e.id.clone()) } else { None };
        Ok(Page { items, next })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(summary: usize, content: usize) -> ProjectRecord {
        ProjectRecord {
            id: ProjectId::parse("p").expect("id"),
            version: 1,
            created_at: 0,
            updated_at: 0,
            summary: vec![0; summary],
            content: vec![0; content],
        }
    }

    #[test]
    fn content_is_split_into_parts_that_fit_an_item_and_one_transaction() {
        assert_eq!(check_sizes(&record(100, 0), 0).ok(), Some(0));
        assert_eq!(check_sizes(&record(100, PART_BYTES), 0).ok(), Some(1));
        assert_eq!(check_sizes(&record(100, PART_BYTES + 1), 0).ok(), Some(2));
        assert_eq!(check_sizes(&record(100, 3 * 1024 * 1024), 11).ok(), Some(9));
        assert!(matches!(check_sizes(&record(100, 4 * 1024 * 1024), 0), Err(StoreError::TooLarge { .. })));
        assert!(matches!(
            check_sizes(&record(MAX_SUMMARY_BYTES + 1, 10), 0),
            Err(StoreError::TooLarge { bytes }) if bytes == MAX_SUMMARY_BYTES + 11
        ));
    }

    #[test]
    fn audit_event_ids_sort_in_chain_order_and_name_their_key() {
        let ids = [event_id(999, 1), event_id(1_000, 2), event_id(1_000, 10), event_id(2_000, 11)];
        let mut sorted = ids.clone();
        sorted.sort();
        assert_eq!(sorted, ids);
        assert_eq!(event_sk(&ids[1]).as_deref(), Some("0000000001000#0000000001000-000000000002"));
        for bad in ["", "12", "abcdefghijklm-000000000001", "0000000001000#x", "00000000010000"] {
            assert_eq!(event_sk(bad), None, "{bad:?}");
        }
        assert_eq!(month_of(1_767_225_599_999).ok().as_deref(), Some("2025-12"));
        assert_eq!(month_of(1_767_225_600_000).ok().as_deref(), Some("2026-01"));
    }
}
