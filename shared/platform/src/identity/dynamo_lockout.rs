//! Lockout state in the single DynamoDB table: one item per user,
//! `PK = TENANT#<tid>`, `SK = LOCKOUT#<uid>`, the state as a JSON document.

use async_trait::async_trait;
use aws_sdk_dynamodb::types::AttributeValue;

use crate::ids::{TenantId, UserId};
use crate::lockout::{LockoutStore, State};
use crate::ports::StoreError;

/// The DynamoDB lockout store.
pub struct DynamoLockout {
    client: aws_sdk_dynamodb::Client,
    table: String,
}

impl DynamoLockout {
    pub fn new(client: aws_sdk_dynamodb::Client, table: String) -> Self {
        DynamoLockout { client, table }
    }
}

fn keys(tenant: &TenantId, user: &UserId) -> [(String, AttributeValue); 2] {
    [
        ("PK".to_owned(), AttributeValue::S(format!("TENANT#{tenant}"))),
        ("SK".to_owned(), AttributeValue::S(format!("LOCKOUT#{user}"))),
    ]
}

#[async_trait]
impl LockoutStore for DynamoLockout {
    async fn get(&self, tenant: &TenantId, user: &UserId) -> Result<State, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(keys(tenant, user).into_iter().collect()))
            .consistent_read(true)
            .send()
            .await
            .map_err(StoreError::unavailable)?;
        match out.item().and_then(|i| i.get("doc")).and_then(|d| d.as_s().ok()) {
            Some(doc) => serde_json::from_str(doc).map_err(StoreError::unavailable),
            None => Ok(State::default()),
        }
    }

    async fn put(&self, tenant: &TenantId, user: &UserId, state: &State) -> Result<(), StoreError> {
        let doc = serde_json::to_string(state).map_err(StoreError::unavailable)?;
        let mut item: std::collections::HashMap<String, AttributeValue> = keys(tenant, user).into_iter().collect();
        item.insert("doc".into(), AttributeValue::S(doc));
        self.client.put_item().table_name(&self.table).set_item(Some(item)).send().await.map_err(StoreError::unavailable)?;
        Ok(())
    }
}
