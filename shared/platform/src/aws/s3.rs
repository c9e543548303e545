//! Blobs in S3: one bucket, every object under `tenants/<tid>/<key>`, encrypted with SSE-KMS
//! under the tenant's own key (`<alias prefix><tid>`) with the encryption context
//! `{"tenant_id": "<tid>"}`. The SHA-256, file name and expiry travel as object metadata;
//! downloads are presigned GETs that name the file in `Content-Disposition`. The bucket's
//! lifecycle rule deletes expired exports; until it runs, an expired object is not found.

use std::collections::BTreeMap;
use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_s3::error::SdkError;
use aws_sdk_s3::operation::head_object::HeadObjectError;
use aws_sdk_s3::presigning::PresigningConfig;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::ServerSideEncryption;
use aws_sdk_s3::Client;
use base64::Engine;
use sha2::{Digest, Sha256};

use crate::aws::kms::CONTEXT_KEY;
use crate::http::now_millis;
use crate::ids::TenantId;
use crate::ports::{BlobError, BlobHead, BlobInfo, BlobKey, BlobStore, DownloadUrl, UploadUrl};

const META_SHA256: &str = "kyocho-sha256";
const META_FILE_NAME: &str = "kyocho-file-name";
const META_EXPIRES_AT: &str = "kyocho-expires-at";

/// [`BlobStore`] over S3. `bucket` is `None` when `KYOCHO_BUCKET` is unset: every call then
/// fails as unavailable, so functions that never touch blobs need no bucket.
#[derive(Clone, Debug)]
pub struct S3Blobs {
    /// Each tenant's objects are reached through that tenant's session.
    scope: std::sync::Arc<super::scope::TenantScope>,
    bucket: Option<String>,
    alias_prefix: String,
}

fn unavailable<E>(e: SdkError<E, aws_sdk_s3::config::http::HttpResponse>) -> BlobError
where
    E: std::error::Error + Send + Sync + 'static,
{
    BlobError::Unavailable(anyhow::anyhow!("S3: {}", aws_sdk_s3::error::DisplayErrorContext(e)))
}

impl S3Blobs {
    pub fn new(scope: std::sync::Arc<super::scope::TenantScope>, bucket: Option<String>, alias_prefix: impl Into<String>) -> Self {
        S3Blobs { scope, bucket, alias_prefix: alias_prefix.into() }
    }

    /// The client of `tenant`'s session.
    async fn s3(&self, tenant: &TenantId) -> Client {
        self.scope.tenant(tenant).await.s3
    }

    fn bucket(&self) -> Result<&str, BlobError> {
        self.bucket.as_deref().ok_or_else(|| BlobError::unavailable(anyhow::anyhow!("KYOCHO_BUCKET is not set")))
    }

    fn object_key(tenant: &TenantId, key: &BlobKey) -> String {
        format!("tenants/{tenant}/{key}")
    }

    fn tenant_prefix(tenant: &TenantId) -> String {
        format!("tenants/{tenant}/")
    }

    /// Rebuild a head from an object's metadata; `None` when it lacks ours or has expired.
    fn head_from(key: BlobKey, size: i64, content_type: Option<&str>, meta: Option<&std::collections::HashMap<String, String>>) -> Option<BlobHead> {
        let meta = meta?;
        let expires_at: i64 = meta.get(META_EXPIRES_AT)?.parse().ok()?;
        if expires_at <= now_millis() {
            return None;
        }
        let metadata: BTreeMap<String, String> =
            meta.iter().filter(|(k, _)| !k.starts_with("kyocho-")).map(|(k, v)| (k.clone(), v.clone())).collect();
        Some(BlobHead {
            key,
            size: u64::try_from(size).ok()?,
            sha256: meta.get(META_SHA256)?.clone(),
            info: BlobInfo {
                content_type: content_type.unwrap_or("application/octet-stream").to_owned(),
                file_name: meta.get(META_FILE_NAME)?.clone(),
                metadata,
                expires_at,
            },
        })
    }
}

#[async_trait]
impl BlobStore for S3Blobs {
    async fn upload_url(&self, tenant: &TenantId, key: &BlobKey, content_type: &str, ttl: Duration) -> Result<UploadUrl, BlobError> {
        let ttl = ttl.clamp(Duration::from_secs(1), Duration::from_secs(3600));
        let config = PresigningConfig::expires_in(ttl).map_err(|e| BlobError::unavailable(anyhow::Error::new(e)))?;
        let context = base64::engine::general_purpose::STANDARD.encode(serde_json::json!({ CONTEXT_KEY: tenant.as_str() }).to_string());
        let key_id = format!("{}{}", self.alias_prefix, tenant);
        let presigned = self
            .s3(tenant)
            .await
            .put_object()
            .bucket(self.bucket()?)
            .key(Self::object_key(tenant, key))
            .content_type(content_type)
            .server_side_encryption(ServerSideEncryption::AwsKms)
            .ssekms_key_id(&key_id)
            .ssekms_encryption_context(&context)
            .presigned(config)
            .await
            .map_err(unavailable)?;
        // The headers S3 signed: the uploader must send them as they are.
        let headers = presigned.headers().map(|(k, v)| (k.to_ascii_lowercase(), v.to_owned())).collect();
        Ok(UploadUrl { url: presigned.uri().to_owned(), method: "PUT".into(), headers, expires_at: now_millis() + ttl.as_millis() as i64 })
    }

    async fn read_raw(&self, tenant: &TenantId, key: &BlobKey, max_bytes: u64) -> Result<Vec<u8>, BlobError> {
        let out = match self.s3(tenant).await.get_object().bucket(self.bucket()?).key(Self::object_key(tenant, key)).send().await {
            Ok(out) => out,
            Err(SdkError::ServiceError(e)) if matches!(e.err(), aws_sdk_s3::operation::get_object::GetObjectError::NoSuchKey(_)) => {
                return Err(BlobError::NotFound)
            }
            Err(e) => return Err(unavailable(e)),
        };
        if out.content_length.is_some_and(|n| n < 0 || n as u64 > max_bytes) {
            return Err(BlobError::Invalid("larger than allowed"));
        }
        let bytes = out.body.collect().await.map_err(BlobError::unavailable)?.into_bytes();
        if bytes.len() as u64 > max_bytes {
            return Err(BlobError::Invalid("larger than allowed"));
        }
        Ok(bytes.to_vec())
    }

    async fn purge_tenant(&self, tenant: &TenantId) -> Result<u64, BlobError> {
        use aws_sdk_s3::types::{Delete, ObjectIdentifier};
        let bucket = self.bucket()?.to_owned();
        let s3 = self.s3(tenant).await;
        let prefix = Self::tenant_prefix(tenant);
        let mut deleted = 0u64;
        // Listing again after each round: what a round deleted is gone from the next listing.
        loop {
            let listed = s3.list_object_versions().bucket(&bucket).prefix(&prefix).max_keys(1000).send().await.map_err(unavailable)?;
            let mut ids = Vec::new();
            for v in listed.versions() {
                if let Some(key) = v.key() {
                    ids.push(ObjectIdentifier::builder().key(key).set_version_id(v.version_id().map(str::to_owned)).build().map_err(BlobError::unavailable)?);
                }
            }
            for m in listed.delete_markers() {
                if let Some(key) = m.key() {
                    ids.push(ObjectIdentifier::builder().key(key).set_version_id(m.version_id().map(str::to_owned)).build().map_err(BlobError::unavailable)?);
                }
            }
            if ids.is_empty() {
                return Ok(deleted);
            }
            let n = ids.len() as u64;
            let out = s3
                .delete_objects()
                .bucket(&bucket)
                .delete(Delete::builder().set_objects(Some(ids)).quiet(true).build().map_err(BlobError::unavailable)?)
                .send()
                .await
                .map_err(unavailable)?;
            if let Some(e) = out.errors().first() {
                return Err(BlobError::Unavailable(anyhow::anyhow!("S3 refused to delete {:?}: {:?}", e.key(), e.message())));
            }
            deleted += n;
        }
    }

    async fn put(&self, tenant: &TenantId, key: &BlobKey, bytes: Vec<u8>, info: &BlobInfo) -> Result<BlobHead, BlobError> {
        info.check()?;
        let bucket = self.bucket()?;
        let sha256 = Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect::<String>();
        let size = bytes.len() as u64;
        let context = serde_json::json!({ CONTEXT_KEY: tenant.as_str() }).to_string();
        let mut req = self
            .s3(tenant)
            .await
            .put_object()
            .bucket(bucket)
            .key(Self::object_key(tenant, key))
            .content_type(&info.content_type)
            .content_disposition(format!("attachment; filename=\"{}\"", info.file_name))
            .server_side_encryption(ServerSideEncryption::AwsKms)
            .ssekms_key_id(format!("{}{}", self.alias_prefix, tenant))
            .ssekms_encryption_context(base64::engine::general_purpose::STANDARD.encode(context))
            .metadata(META_SHA256, &sha256)
            .metadata(META_FILE_NAME, &info.file_name)
            .metadata(META_EXPIRES_AT, info.expires_at.to_string())
            .body(ByteStream::from(bytes));
        for (k, v) in &info.metadata {
            req = req.metadata(k, v);
        }
        req.send().await.map_err(unavailable)?;
        Ok(BlobHead { key: key.clone(), size, sha256, info: info.clone() })
    }

    async fn head(&self, tenant: &TenantId, key: &BlobKey) -> Result<BlobHead, BlobError> {
        let bucket = self.bucket()?;
        let out = match self.s3(tenant).await.head_object().bucket(bucket).key(Self::object_key(tenant, key)).send().await {
            Ok(out) => out,
            Err(SdkError::ServiceError(e)) if matches!(e.err(), HeadObjectError::NotFound(_)) => return Err(BlobError::NotFound),
            Err(e) => return Err(unavailable(e)),
        };
        Self::head_from(key.clone(), out.content_length.unwrap_or(0), out.content_type(), out.metadata()).ok_or(BlobError::NotFound)
    }

    async fn list(&self, tenant: &TenantId, prefix: &str) -> Result<Vec<BlobHead>, BlobError> {
        let bucket = self.bucket()?;
        let tenant_prefix = Self::tenant_prefix(tenant);
        let mut keys = Vec::new();
        let mut pages = self
            .s3(tenant)
            .await
            .list_objects_v2()
            .bucket(bucket)
            .prefix(format!("{tenant_prefix}{prefix}"))
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(unavailable)?;
            for object in page.contents() {
                if let Some(key) = object.key().and_then(|k| k.strip_prefix(&tenant_prefix)).and_then(|k| BlobKey::parse(k).ok()) {
                    keys.push(key);
                }
            }
        }
        let mut out = Vec::new();
        for key in keys {
            match self.head(tenant, &key).await {
                Ok(head) => out.push(head),
                Err(BlobError::NotFound) => {}
                Err(e) => return Err(e),
            }
        }
        out.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(out)
    }

    async fn download_url(&self, tenant: &TenantId, key: &BlobKey, ttl: Duration) -> Result<DownloadUrl, BlobError> {
        let head = self.head(tenant, key).await?;
        let now = now_millis();
        let left = Duration::from_millis(u64::try_from(head.info.expires_at - now).unwrap_or(0));
        // S3 accepts 1 s … 7 days.
        let ttl = ttl.min(left).clamp(Duration::from_secs(1), Duration::from_secs(7 * 24 * 3600));
        let config = PresigningConfig::expires_in(ttl).map_err(|e| BlobError::unavailable(anyhow::Error::new(e)))?;
        let presigned = self
            .s3(tenant)
            .await
            .get_object()
            .bucket(self.bucket()?)
            .key(Self::object_key(tenant, key))
            .response_content_disposition(format!("attachment; filename=\"{}\"", head.info.file_name))
            .response_content_type(&head.info.content_type)
            .presigned(config)
            .await
            .map_err(unavailable)?;
        Ok(DownloadUrl { url: presigned.uri().to_owned(), expires_at: now + ttl.as_millis() as i64 })
    }

    async fn delete(&self, tenant: &TenantId, key: &BlobKey) -> Result<(), BlobError> {
        let bucket = self.bucket()?;
        self.s3(tenant).await.delete_object().bucket(bucket).key(Self::object_key(tenant, key)).send().await.map_err(unavailable)?;
        Ok(())
    }
}
