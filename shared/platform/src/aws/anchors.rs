//! Audit-chain anchors in S3: one object per anchor in a bucket with Object Lock (compliance
//! mode, a default retention set by the template), `tenants/<tid>/audit-anchors/<n>.json`
//! where `<n>` is `u64::MAX - seq`, zero-padded, so that the newest anchor is the first key
//! of a listing. Written and read through the tenant's session, like every tenant object.

use async_trait::async_trait;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::ChecksumAlgorithm;

use crate::ids::TenantId;
use crate::ports::{AnchorStore, AuditAnchor, StoreError};

/// [`AnchorStore`] over an S3 bucket with Object Lock.
#[derive(Debug)]
pub struct S3Anchors {
    scope: std::sync::Arc<super::scope::TenantScope>,
    bucket: String,
}

fn unavailable(e: impl Into<anyhow::Error>) -> StoreError {
    let e = e.into();
    tracing::error!(dependency = "s3", error = %e, "audit anchor store call failed");
    StoreError::Unavailable(e)
}

impl S3Anchors {
    pub fn new(scope: std::sync::Arc<super::scope::TenantScope>, bucket: String) -> Self {
        S3Anchors { scope, bucket }
    }

    fn prefix(tenant: &TenantId) -> String {
        format!("tenants/{tenant}/audit-anchors/")
    }

    fn key(tenant: &TenantId, seq: u64) -> String {
        format!("{}{:020}.json", Self::prefix(tenant), u64::MAX - seq)
    }
}

#[async_trait]
impl AnchorStore for S3Anchors {
    async fn put(&self, tenant: &TenantId, anchor: &AuditAnchor) -> Result<(), StoreError> {
        let body = serde_json::to_vec(anchor).map_err(unavailable)?;
        self.scope
            .tenant(tenant)
            .await
            .s3
            .put_object()
            .bucket(&self.bucket)
            .key(Self::key(tenant, anchor.seq))
            .content_type("application/json")
            // Object Lock buckets take writes with a checksum only.
            .checksum_algorithm(ChecksumAlgorithm::Sha256)
            .body(ByteStream::from(body))
            .send()
            .await
            .map_err(|e| unavailable(anyhow::anyhow!("{}", aws_sdk_s3::error::DisplayErrorContext(e))))?;
        Ok(())
    }

    async fn latest(&self, tenant: &TenantId) -> Result<Option<AuditAnchor>, StoreError> {
        let s3 = self.scope.tenant(tenant).await.s3;
        let listed = s3
            .list_objects_v2()
            .bucket(&self.bucket)
            .prefix(Self::prefix(tenant))
            .max_keys(1)
            .send()
            .await
            .map_err(|e| unavailable(anyhow::anyhow!("{}", aws_sdk_s3::error::DisplayErrorContext(e))))?;
        let Some(key) = listed.contents().first().and_then(|o| o.key()) else {
            return Ok(None);
        };
        let object = s3
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
            .map_err(|e| unavailable(anyhow::anyhow!("{}", aws_sdk_s3::error::DisplayErrorContext(e))))?;
        let bytes = object.body.collect().await.map_err(unavailable)?.into_bytes();
        serde_json::from_slice(&bytes).map(Some).map_err(|e| StoreError::Unavailable(anyhow::anyhow!("anchor {key}: {e}")))
    }
}

/// No anchor store (a development stack without the anchor bucket): nothing is anchored and
/// verification reports that no anchor exists.
#[derive(Debug)]
pub struct NoAnchors;

#[async_trait]
impl AnchorStore for NoAnchors {
    async fn put(&self, _: &TenantId, _: &AuditAnchor) -> Result<(), StoreError> {
        Ok(())
    }
    async fn latest(&self, _: &TenantId) -> Result<Option<AuditAnchor>, StoreError> {
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_newest_anchor_sorts_first() {
        let t = TenantId::parse("acme").unwrap();
        assert!(S3Anchors::key(&t, 10) < S3Anchors::key(&t, 9));
        assert!(S3Anchors::key(&t, 1_000_000) < S3Anchors::key(&t, 999_999));
        assert!(S3Anchors::key(&t, 5).starts_with("tenants/acme/audit-anchors/"));
    }
}
