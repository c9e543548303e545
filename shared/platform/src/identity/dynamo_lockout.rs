//! Lockout counters in the single DynamoDB table: one item per counter,
//! `PK = TENANT#<tid>`, `SK = LOCKOUT#<counter key>` (see [`Counter::key`]), with numeric
//! attributes `n` (failures), `ws` (window start), `la` (locked at) and `lu` (locked until).
//!
//! A failure is an `UpdateItem` that `ADD`s one under the condition that the counter
//! continues (locked, or unlocked inside its window); when that condition fails, a second
//! `UpdateItem` starts a new window under the exact opposite condition; a third locks the
//! counter under `attribute_not_exists(la) AND n >= threshold`. No step reads before it
//! writes, so racing failures all count and exactly one of them locks.

use std::collections::HashMap;

use async_trait::async_trait;
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::update_item::{UpdateItemError, UpdateItemOutput};
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue};

use crate::ids::TenantId;
use crate::lockout::{Counter, LockoutStore, Policy, State};
use crate::ports::{StoreError, UnixMillis};

/// The DynamoDB lockout store.
pub struct DynamoLockout {
    /// Counters are tenant records, reached through the tenant's session.
    scope: std::sync::Arc<crate::aws::scope::TenantScope>,
    table: String,
}

impl DynamoLockout {
    pub fn new(scope: std::sync::Arc<crate::aws::scope::TenantScope>, table: String) -> Self {
        DynamoLockout { scope, table }
    }
}

fn keys(tenant: &TenantId, counter: &Counter) -> HashMap<String, AttributeValue> {
    HashMap::from([
        ("PK".to_owned(), AttributeValue::S(format!("TENANT#{tenant}"))),
        ("SK".to_owned(), AttributeValue::S(format!("LOCKOUT#{}", counter.key()))),
    ])
}

fn n(v: i64) -> AttributeValue {
    AttributeValue::N(v.to_string())
}

fn number(item: &HashMap<String, AttributeValue>, name: &str) -> Option<i64> {
    item.get(name).and_then(|v| v.as_n().ok()).and_then(|s| s.parse().ok())
}

fn state_of(item: &HashMap<String, AttributeValue>) -> State {
    State {
        failures: number(item, "n").unwrap_or(0).clamp(0, i64::from(u32::MAX)) as u32,
        window_start: number(item, "ws"),
        locked_at: number(item, "la"),
        locked_until: number(item, "lu"),
    }
}

/// The counter continues: locked (for good, or until later than now), or unlocked with a
/// window that began after `:floor`. Mirrors [`State::continues`].
const CONTINUES: &str = "(attribute_exists(la) AND (attribute_not_exists(lu) OR lu > :now)) \
                         OR (attribute_not_exists(la) AND ws > :floor)";

fn condition_failed(e: &SdkError<UpdateItemError>) -> bool {
    matches!(e.as_service_error(), Some(UpdateItemError::ConditionalCheckFailedException(_)))
}

impl DynamoLockout {
    /// The client of `tenant`'s session.
    async fn db(&self, tenant: &TenantId) -> aws_sdk_dynamodb::Client {
        self.scope.tenant(tenant).await.dynamo
    }

    async fn update(&self, tenant: &TenantId, counter: &Counter) -> aws_sdk_dynamodb::operation::update_item::builders::UpdateItemFluentBuilder {
        self.db(tenant)
            .await
            .update_item()
            .table_name(&self.table)
            .set_key(Some(keys(tenant, counter)))
            .return_values(ReturnValue::AllNew)
    }

    /// Add one failure, or start a new window at one: the two conditions are each other's
    /// opposite, so one of them holds unless another failure changed the item in between
    /// (then try again).
    async fn count(&self, tenant: &TenantId, counter: &Counter, now: UnixMillis, policy: &Policy) -> Result<State, StoreError> {
        for _ in 0..8 {
            let add = self
                .update(tenant, counter)
                .await
                .update_expression("ADD n :one")
                .condition_expression(CONTINUES)
                .expression_attribute_values(":one", n(1))
                .expression_attribute_values(":now", n(now))
                .expression_attribute_values(":floor", n(now - policy.window_ms))
                .send()
                .await;
            match add {
                Ok(out) => return Ok(state_of(&attributes(out))),
                Err(e) if condition_failed(&e) => {}
                Err(e) => return Err(StoreError::unavailable(e)),
            }
            let restart = self
                .update(tenant, counter)
                .await
                .update_expression("SET n = :one, ws = :now REMOVE la, lu")
                .condition_expression(format!("NOT ({CONTINUES})"))
                .expression_attribute_values(":one", n(1))
                .expression_attribute_values(":now", n(now))
                .expression_attribute_values(":floor", n(now - policy.window_ms))
                .send()
                .await;
            match restart {
                Ok(out) => return Ok(state_of(&attributes(out))),
                Err(e) if condition_failed(&e) => {}
                Err(e) => return Err(StoreError::unavailable(e)),
            }
        }
        Err(StoreError::unavailable(anyhow::anyhow!("lockout counter kept changing under contention")))
    }
}

fn attributes(out: UpdateItemOutput) -> HashMap<String, AttributeValue> {
    out.attributes.unwrap_or_default()
}

#[async_trait]
impl LockoutStore for DynamoLockout {
    async fn get(&self, tenant: &TenantId, counter: &Counter) -> Result<State, StoreError> {
        let out = self
            .db(tenant)
            .await
            .get_item()
            .table_name(&self.table)
            .set_key(Some(keys(tenant, counter)))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| StoreError::unavailable(e))?;
        Ok(out.item().map(state_of).unwrap_or_default())
    }

    async fn record_failure(&self, tenant: &TenantId, counter: &Counter, now: UnixMillis, policy: &Policy)
        -> Result<(State, bool), StoreError> {
        let state = self.count(tenant, counter, now, policy).await?;
        if state.locked_at.is_some() || state.failures < policy.threshold {
            return Ok((state, false));
        }
        let mut lock = self
            .update(tenant, counter)
                .await
            .condition_expression("attribute_not_exists(la) AND n >= :threshold")
            .expression_attribute_values(":now", n(now))
            .expression_attribute_values(":threshold", n(i64::from(policy.threshold)));
        lock = match policy.duration_ms {
            Some(d) => lock.update_expression("SET la = :now, lu = :until").expression_attribute_values(":until", n(now + d)),
            None => lock.update_expression("SET la = :now REMOVE lu"),
        };
        match lock.send().await {
            Ok(out) => Ok((state_of(&attributes(out)), true)),
            // Another failure locked it first.
            Err(e) if condition_failed(&e) => Ok((self.get(tenant, counter).await?, false)),
            Err(e) => Err(StoreError::unavailable(e)),
        }
    }

    async fn clear(&self, tenant: &TenantId, counter: &Counter) -> Result<(), StoreError> {
        self.db(tenant)
            .await
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(keys(tenant, counter)))
            .send()
            .await
            .map_err(|e| StoreError::unavailable(e))?;
        Ok(())
    }
}
