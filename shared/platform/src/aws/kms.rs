//! Per-tenant keys in AWS KMS: one customer-managed key per tenant, found by the alias
//! `<prefix><tenant id>`. Data keys are generated and unwrapped with the encryption context
//! `{"tenant_id": "<tenant id>"}`, so a data key wrapped for one tenant cannot be unwrapped
//! under another tenant's context, and CloudTrail records which tenant each call served.

use anyhow::anyhow;
use async_trait::async_trait;
use aws_sdk_kms::error::SdkError;
use aws_sdk_kms::operation::create_alias::CreateAliasError;
use aws_sdk_kms::operation::decrypt::DecryptError;
use aws_sdk_kms::operation::describe_key::DescribeKeyError;
use aws_sdk_kms::operation::generate_data_key::GenerateDataKeyError;
use aws_sdk_kms::primitives::Blob;
use aws_sdk_kms::types::{DataKeySpec, KeyState, Tag};
use aws_sdk_kms::Client;

use crate::ids::TenantId;
use crate::seal::{DataKey, KeyProvider, SealError};

/// The encryption-context key that binds every data key to its tenant.
pub const CONTEXT_KEY: &str = "tenant_id";

/// [`KeyProvider`] over AWS KMS. Cheap to clone.
///
/// Data keys are generated and unwrapped through the tenant's own session when there is a
/// [`TenantScope`](super::scope::TenantScope), so the tenant-access role's condition on the
/// encryption context is what lets the call through; keys are created (tests, the local
/// tools, provisioning) with the client given.
#[derive(Clone, Debug)]
pub struct KmsKeys {
    client: Client,
    scope: Option<std::sync::Arc<super::scope::TenantScope>>,
    alias_prefix: String,
    /// The tenant-access role named in each new key's policy (see [`tenant_key_policy`]).
    tenant_role_arn: Option<String>,
}

/// A KMS call that failed for a reason other than the tenant's key state. Logged with
/// `dependency = "kms"`: the template's `KmsErrorsAlarm` counts these lines.
fn unavailable<E>(e: E) -> SealError
where
    E: std::error::Error + Send + Sync + 'static,
{
    tracing::error!(dependency = "kms", error = %e, "KMS call failed");
    SealError::Unavailable(anyhow::Error::new(e))
}

/// KMS refusing `GenerateDataKey` because the tenant's key is missing, disabled or pending
/// deletion: the tenant has no usable key. `None` for failures worth reporting as outages.
fn generate_refusal(e: &GenerateDataKeyError) -> Option<SealError> {
    match e {
        GenerateDataKeyError::NotFoundException(_)
        | GenerateDataKeyError::DisabledException(_)
        | GenerateDataKeyError::KmsInvalidStateException(_) => Some(SealError::NoKey),
        _ => None,
    }
}

/// KMS refusing `Decrypt`: no usable key, or a wrapped key that is not this tenant's (other
/// key, other encryption context, altered bytes). `None` for outages.
fn decrypt_refusal(e: &DecryptError) -> Option<SealError> {
    match e {
        DecryptError::NotFoundException(_)
        | DecryptError::DisabledException(_)
        | DecryptError::KmsInvalidStateException(_) => Some(SealError::NoKey),
        DecryptError::InvalidCiphertextException(_) | DecryptError::IncorrectKeyException(_) => {
            Some(SealError::Integrity("data key was not wrapped for this tenant"))
        }
        _ => None,
    }
}

impl KmsKeys {
    /// `alias_prefix` must start with `alias/` and end with `/` (e.g. `alias/kyocho/tenant/`).
    pub fn new(client: Client, alias_prefix: impl Into<String>) -> Self {
        KmsKeys { client, scope: None, alias_prefix: alias_prefix.into(), tenant_role_arn: None }
    }

    /// Keys used through each tenant's session of `scope`; new keys get a policy naming
    /// `tenant_role_arn` when there is one.
    pub fn in_scope(scope: std::sync::Arc<super::scope::TenantScope>, alias_prefix: impl Into<String>, tenant_role_arn: Option<String>) -> Self {
        KmsKeys { client: scope.service().kms.clone(), scope: Some(scope), alias_prefix: alias_prefix.into(), tenant_role_arn }
    }

    /// The client that uses `tenant`'s key.
    async fn data_client(&self, tenant: &TenantId) -> Client {
        match &self.scope {
            Some(scope) => scope.tenant(tenant).await.kms,
            None => self.client.clone(),
        }
    }

    /// The alias naming a tenant's key.
    pub fn alias(&self, tenant: &TenantId) -> String {
        format!("{}{}", self.alias_prefix, tenant)
    }

    /// Whether the tenant's key exists; `NoKey` if it is scheduled for deletion.
    async fn key_exists(&self, alias: &str) -> Result<bool, SealError> {
        match self.client.describe_key().key_id(alias).send().await {
            Ok(out) => match out.key_metadata().and_then(|m| m.key_state()) {
                Some(KeyState::PendingDeletion | KeyState::PendingReplicaDeletion) => Err(SealError::NoKey),
                _ => Ok(true),
            },
            Err(SdkError::ServiceError(e)) if matches!(e.err(), DescribeKeyError::NotFoundException(_)) => Ok(false),
            Err(e) => Err(unavailable(e)),
        }
    }
}

/// Days a destroyed tenant key stays pending deletion: KMS's minimum, so that backups
/// holding the tenant's data become unreadable as soon as KMS allows.
pub const KEY_DELETION_WINDOW_DAYS: i32 = 7;

/// The key policy of `tenant`'s key, when the tenant-access role's ARN says which account
/// and partition it lives in (`None` for anything else).
///
/// - the account administers the key (describe, enable, disable, rotate, tag, schedule
///   deletion) but is given no cryptographic operation;
/// - the tenant-access role may generate and unwrap data keys only in a session tagged with
///   this tenant and only under the encryption context `tenant_id` = this tenant;
/// - an explicit deny refuses every cryptographic operation to any other principal, so no
///   operator or other role can decrypt a tenant's data, whatever its IAM policy says.
pub fn tenant_key_policy(tenant_role_arn: &str, tenant: &TenantId) -> Option<String> {
    let mut parts = tenant_role_arn.splitn(6, ':');
    let (Some("arn"), Some(partition), Some("iam"), Some(""), Some(account), Some(resource)) =
        (parts.next(), parts.next(), parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    if partition.is_empty() || account.is_empty() || !resource.starts_with("role/") {
        return None;
    }
    let crypto = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncryptFrom", "kms:ReEncryptTo"];
    let policy = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AccountAdministersTheKey",
                "Effect": "Allow",
                "Principal": { "AWS": format!("arn:{partition}:iam::{account}:root") },
                "Action": [
                    "kms:Describe*", "kms:Get*", "kms:List*", "kms:Enable*", "kms:Disable*", "kms:Put*",
                    "kms:Update*", "kms:Revoke*", "kms:TagResource", "kms:UntagResource",
                    "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion", "kms:RotateKeyOnDemand"
                ],
                "Resource": "*"
            },
            {
                "Sid": "TenantSessionsUseTheKey",
                "Effect": "Allow",
                "Principal": { "AWS": tenant_role_arn },
                "Action": ["kms:GenerateDataKey", "kms:Decrypt"],
                "Resource": "*",
                "Condition": { "StringEquals": {
                    "kms:EncryptionContext:tenant_id": tenant.as_str(),
                    "aws:PrincipalTag/tenant_id": tenant.as_str()
                } }
            },
            {
                "Sid": "NoOneElseDecrypts",
                "Effect": "Deny",
                "Principal": "*",
                "Action": crypto,
                "Resource": "*",
                "Condition": { "StringNotEquals": { "aws:PrincipalArn": tenant_role_arn } }
            }
        ]
    });
    Some(policy.to_string())
}

#[async_trait]
impl KeyProvider for KmsKeys {
    async fn create_tenant_key(&self, tenant: &TenantId) -> Result<(), SealError> {
        let alias = self.alias(tenant);
        if self.key_exists(&alias).await? {
            return Ok(());
        }
        let mut create = self.client.create_key().description(format!("Kyocho tenant {tenant}"));
        if let Some(policy) = self.tenant_role_arn.as_deref().and_then(|role| tenant_key_policy(role, tenant)) {
            create = create.policy(policy);
        }
        let created = create
            .tags(
                Tag::builder()
                    .tag_key(CONTEXT_KEY)
                    .tag_value(tenant.as_str())
                    .build()
                    .map_err(unavailable)?,
            )
            .send()
            .await
            .map_err(unavailable)?;
        let key_id = created
            .key_metadata()
            .map(|m| m.key_id().to_owned())
            .ok_or_else(|| SealError::Unavailable(anyhow!("CreateKey returned no key id")))?;
        // A new key material every year, old ones kept to unwrap what they wrapped.
        self.client.enable_key_rotation().key_id(&key_id).send().await.map_err(unavailable)?;
        match self.client.create_alias().alias_name(&alias).target_key_id(&key_id).send().await {
            Ok(_) => Ok(()),
            Err(SdkError::ServiceError(e)) if matches!(e.err(), CreateAliasError::AlreadyExistsException(_)) => {
                // Another caller created the tenant's key first: theirs wins, ours goes.
                if let Err(e) = self.client.schedule_key_deletion().key_id(&key_id).send().await {
                    tracing::warn!(error = %aws_sdk_kms::error::DisplayErrorContext(&e), %key_id, "could not retire a duplicate tenant key");
                }
                Ok(())
            }
            Err(e) => Err(unavailable(e)),
        }
    }

    async fn destroy_tenant_key(&self, tenant: &TenantId) -> Result<crate::seal::KeyDestruction, SealError> {
        let alias = self.alias(tenant);
        let described = match self.client.describe_key().key_id(&alias).send().await {
            Ok(d) => d,
            Err(SdkError::ServiceError(e)) if matches!(e.err(), aws_sdk_kms::operation::describe_key::DescribeKeyError::NotFoundException(_)) => {
                return Err(SealError::NoKey)
            }
            Err(e) => return Err(unavailable(e)),
        };
        let meta = described.key_metadata().ok_or_else(|| SealError::Unavailable(anyhow!("DescribeKey returned no metadata")))?;
        let key_id = meta.key_id().to_owned();
        let deleted_at = match meta.deletion_date() {
            // Already pending deletion (a retried termination): keep its date.
            Some(date) => date.to_millis().map_err(unavailable)?,
            None => {
                let scheduled = self
                    .client
                    .schedule_key_deletion()
                    .key_id(&key_id)
                    .pending_window_in_days(KEY_DELETION_WINDOW_DAYS)
                    .send()
                    .await
                    .map_err(unavailable)?;
                match scheduled.deletion_date() {
                    Some(date) => date.to_millis().map_err(unavailable)?,
                    None => crate::http::now_millis() + i64::from(KEY_DELETION_WINDOW_DAYS) * 86_400_000,
                }
            }
        };
        // Without its alias the tenant has no key for any new request.
        if let Err(e) = self.client.delete_alias().alias_name(&alias).send().await {
            tracing::warn!(error = %aws_sdk_kms::error::DisplayErrorContext(&e), %alias, "could not delete a destroyed key's alias");
        }
        Ok(crate::seal::KeyDestruction { key_id, deleted_at, pending: true })
    }

    async fn generate_data_key(&self, tenant: &TenantId) -> Result<(DataKey, Vec<u8>), SealError> {
        let out = self
            .data_client(tenant)
            .await
            .generate_data_key()
            .key_id(self.alias(tenant))
            .key_spec(DataKeySpec::Aes256)
            .encryption_context(CONTEXT_KEY, tenant.as_str())
            .send()
            .await
            .map_err(|e| e.as_service_error().and_then(generate_refusal).unwrap_or_else(|| unavailable(e)))?;
        let plain = out
            .plaintext()
            .ok_or_else(|| SealError::Unavailable(anyhow!("GenerateDataKey returned no plaintext")))?;
        let key: [u8; 32] = plain
            .as_ref()
            .try_into()
            .map_err(|_| SealError::Unavailable(anyhow!("GenerateDataKey returned a key that is not 32 bytes")))?;
        let wrapped = out
            .ciphertext_blob()
            .ok_or_else(|| SealError::Unavailable(anyhow!("GenerateDataKey returned no ciphertext")))?
            .as_ref()
            .to_vec();
        Ok((DataKey(key), wrapped))
    }

    async fn decrypt_data_key(&self, tenant: &TenantId, wrapped: &[u8]) -> Result<DataKey, SealError> {
        let out = self
            .data_client(tenant)
            .await
            .decrypt()
            .key_id(self.alias(tenant))
            .ciphertext_blob(Blob::new(wrapped))
            .encryption_context(CONTEXT_KEY, tenant.as_str())
            .send()
            .await
            .map_err(|e| e.as_service_error().and_then(decrypt_refusal).unwrap_or_else(|| unavailable(e)))?;
        let plain = out
            .plaintext()
            .ok_or_else(|| SealError::Unavailable(anyhow!("Decrypt returned no plaintext")))?;
        let key: [u8; 32] = plain
            .as_ref()
            .try_into()
            .map_err(|_| SealError::Integrity("unwrapped data key is not 32 bytes"))?;
        Ok(DataKey(key))
    }
}

#[cfg(test)]
mod tests {
    //! moto_server does not model key states (a disabled or deletion-pending key still
    //! generates and decrypts there), so the mapping of those refusals is checked here on
    //! the SDK's own error values.

    use aws_sdk_kms::types::error::{
        DisabledException, IncorrectKeyException, InvalidCiphertextException, KmsInternalException,
        KmsInvalidStateException, NotFoundException,
    };

    use super::*;

    #[test]
    fn a_missing_disabled_or_pending_deletion_key_means_the_tenant_has_no_key() {
        for e in [
            GenerateDataKeyError::NotFoundException(NotFoundException::builder().build()),
            GenerateDataKeyError::DisabledException(DisabledException::builder().build()),
            GenerateDataKeyError::KmsInvalidStateException(KmsInvalidStateException::builder().build()),
        ] {
            assert!(matches!(generate_refusal(&e), Some(SealError::NoKey)), "{e:?}");
        }
        for e in [
            DecryptError::NotFoundException(NotFoundException::builder().build()),
            DecryptError::DisabledException(DisabledException::builder().build()),
            DecryptError::KmsInvalidStateException(KmsInvalidStateException::builder().build()),
        ] {
            assert!(matches!(decrypt_refusal(&e), Some(SealError::NoKey)), "{e:?}");
        }
    }

    #[test]
    fn a_data_key_wrapped_elsewhere_is_an_integrity_failure() {
        for e in [
            DecryptError::IncorrectKeyException(IncorrectKeyException::builder().build()),
            DecryptError::InvalidCiphertextException(InvalidCiphertextException::builder().build()),
        ] {
            assert!(matches!(decrypt_refusal(&e), Some(SealError::Integrity(_))), "{e:?}");
        }
    }

    #[test]
    fn a_kms_outage_is_not_mistaken_for_a_missing_key() {
        let e = GenerateDataKeyError::KmsInternalException(KmsInternalException::builder().build());
        assert!(generate_refusal(&e).is_none());
        let e = DecryptError::KmsInternalException(KmsInternalException::builder().build());
        assert!(decrypt_refusal(&e).is_none());
    }
}

/// Each tenant's audit-chain key from one KMS HMAC key of the service (`GenerateMac`,
/// HMAC_SHA_256, over [`crate::seal::chain_key_message`]), asked once per tenant per warm
/// instance. The table holds only the links, never a key.
#[derive(Clone, Debug)]
pub struct KmsChainKeys {
    client: Client,
    key_id: String,
    cache: std::sync::Arc<std::sync::Mutex<std::collections::HashMap<TenantId, crate::seal::ChainKey>>>,
}

impl KmsChainKeys {
    pub fn new(client: Client, key_id: impl Into<String>) -> Self {
        KmsChainKeys { client, key_id: key_id.into(), cache: Default::default() }
    }
}

#[async_trait]
impl crate::seal::ChainKeys for KmsChainKeys {
    async fn chain_key(&self, tenant: &TenantId) -> Result<crate::seal::ChainKey, crate::ports::StoreError> {
        if let Some(k) = self.cache.lock().ok().and_then(|c| c.get(tenant).cloned()) {
            return Ok(k);
        }
        let out = self
            .client
            .generate_mac()
            .key_id(&self.key_id)
            .mac_algorithm(aws_sdk_kms::types::MacAlgorithmSpec::HmacSha256)
            .message(aws_sdk_kms::primitives::Blob::new(crate::seal::chain_key_message(tenant)))
            .send()
            .await
            .map_err(|e| {
                tracing::error!(dependency = "kms", error = %aws_sdk_kms::error::DisplayErrorContext(&e), "GenerateMac failed");
                crate::ports::StoreError::unavailable(anyhow::anyhow!("KMS GenerateMac: {}", aws_sdk_kms::error::DisplayErrorContext(&e)))
            })?;
        let mac = out.mac().map(|b| b.as_ref().to_vec()).unwrap_or_default();
        let key: [u8; 32] = mac
            .try_into()
            .map_err(|_| crate::ports::StoreError::unavailable(anyhow::anyhow!("KMS GenerateMac returned no 32-byte MAC")))?;
        let key = crate::seal::ChainKey(key);
        if let Ok(mut c) = self.cache.lock() {
            c.insert(tenant.clone(), key.clone());
        }
        Ok(key)
    }
}
