//! Envelope encryption of tenant content: compress, then AES-256-GCM under a per-tenant data
//! key. The data key is generated and wrapped by a [`KeyProvider`] (KMS in the cloud, a key
//! file locally) and travels wrapped inside the sealed blob. The associated data names the
//! tenant and the item, so a blob copied to another tenant or item cannot be opened.
//!
//! Blob layout: `b"KY1"`, wrapped-key length (u16 BE), wrapped key, 12-byte nonce,
//! ciphertext with tag. The plaintext inside is deflate-compressed.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use async_trait::async_trait;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::ids::TenantId;

const MAGIC: &[u8; 3] = b"KY1";
/// Largest plaintext accepted after decompression (guards against decompression bombs).
pub const MAX_PLAINTEXT: usize = 16 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum SealError {
    /// The blob is malformed, or was sealed for another tenant/item, or altered.
    #[error("sealed data cannot be opened: {0}")]
    Integrity(&'static str),
    /// The tenant has no usable key (never created, or destroyed).
    #[error("no key for this tenant")]
    NoKey,
    #[error("key service unavailable")]
    Unavailable(#[source] anyhow::Error),
}

/// A 256-bit data key in the clear. Wiped on drop.
#[derive(Clone)]
pub struct DataKey(pub [u8; 32]);

impl Drop for DataKey {
    fn drop(&mut self) {
        self.0.iter_mut().for_each(|b| *b = 0);
    }
}

/// Makes and unwraps per-tenant data keys. KMS and the local key file implement it.
#[async_trait]
pub trait KeyProvider: Send + Sync {
    /// Create the tenant's master key (idempotent).
    async fn create_tenant_key(&self, tenant: &TenantId) -> Result<(), SealError>;
    /// A fresh data key: clear and wrapped under the tenant's master key, bound to the tenant.
    async fn generate_data_key(&self, tenant: &TenantId) -> Result<(DataKey, Vec<u8>), SealError>;
    /// Unwrap a data key; fails if it was not wrapped for this tenant.
    async fn decrypt_data_key(&self, tenant: &TenantId, wrapped: &[u8]) -> Result<DataKey, SealError>;
    /// Destroy the tenant's master key (crypto-shredding): from now on nothing wrapped under
    /// it opens, backups included. KMS schedules the key's deletion (the 7-day minimum) and
    /// removes its alias; the local key file is deleted at once. Idempotent.
    async fn destroy_tenant_key(&self, tenant: &TenantId) -> Result<KeyDestruction, SealError>;
}

/// What destroying a tenant's key did, for the deletion certificate.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct KeyDestruction {
    /// The key's id (KMS key id, or the local key file's name).
    pub key_id: String,
    /// When the key is (or was) deleted, ms since the Unix epoch.
    pub deleted_at: i64,
    /// The deletion is scheduled (KMS: the key is pending deletion until `deleted_at`).
    pub pending: bool,
}

/// Seals and opens tenant content.
#[async_trait]
pub trait Sealer: Send + Sync {
    async fn create_tenant_key(&self, tenant: &TenantId) -> Result<(), SealError>;
    async fn seal(&self, tenant: &TenantId, aad: &[u8], plaintext: &[u8]) -> Result<Vec<u8>, SealError>;
    async fn open(&self, tenant: &TenantId, aad: &[u8], sealed: &[u8]) -> Result<Vec<u8>, SealError>;
    /// [`KeyProvider::destroy_tenant_key`], forgetting every cached data key of the tenant.
    async fn destroy_tenant_key(&self, tenant: &TenantId) -> Result<KeyDestruction, SealError>;
}

/// Limits of the in-memory data-key cache, so that a warm function does not call the key
/// service on every request while no key lives or serves for long.
#[derive(Debug, Clone, Copy)]
pub struct CachePolicy {
    pub ttl: Duration,
    /// Messages one cached encryption key may seal.
    pub max_uses: u32,
    /// Cached decryption keys kept at most.
    pub max_entries: usize,
}

impl Default for CachePolicy {
    fn default() -> Self {
        CachePolicy { ttl: Duration::from_secs(300), max_uses: 10_000, max_entries: 1_000 }
    }
}

struct EncKey {
    key: DataKey,
    wrapped: Vec<u8>,
    born: Instant,
    uses: u32,
}

struct DecKey {
    key: DataKey,
    born: Instant,
}

/// The envelope sealer over any [`KeyProvider`], with a bounded data-key cache.
pub struct EnvelopeSealer<P> {
    provider: P,
    policy: CachePolicy,
    enc: Mutex<HashMap<TenantId, EncKey>>,
    dec: Mutex<HashMap<(TenantId, [u8; 32]), DecKey>>,
}

impl<P: KeyProvider> EnvelopeSealer<P> {
    pub fn new(provider: P, policy: CachePolicy) -> Self {
        EnvelopeSealer { provider, policy, enc: Mutex::default(), dec: Mutex::default() }
    }

    pub fn provider(&self) -> &P {
        &self.provider
    }

    async fn encryption_key(&self, tenant: &TenantId) -> Result<(DataKey, Vec<u8>), SealError> {
        {
            let mut cache = self.enc.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(entry) = cache.get_mut(tenant) {
                if entry.born.elapsed() < self.policy.ttl && entry.uses < self.policy.max_uses {
                    entry.uses += 1;
                    return Ok((entry.key.clone(), entry.wrapped.clone()));
                }
                cache.remove(tenant);
            }
        }
        let (key, wrapped) = self.provider.generate_data_key(tenant).await?;
        let mut cache = self.enc.lock().unwrap_or_else(|e| e.into_inner());
        if cache.len() >= self.policy.max_entries {
            cache.clear();
        }
        cache.insert(
            tenant.clone(),
            EncKey { key: key.clone(), wrapped: wrapped.clone(), born: Instant::now(), uses: 1 },
        );
        Ok((key, wrapped))
    }

    async fn decryption_key(&self, tenant: &TenantId, wrapped: &[u8]) -> Result<DataKey, SealError> {
        let id = (tenant.clone(), Sha256::digest(wrapped).into());
        {
            let mut cache = self.dec.lock().unwrap_or_else(|e| e.into_inner());
            match cache.get(&id) {
                Some(entry) if entry.born.elapsed() < self.policy.ttl => return Ok(entry.key.clone()),
                Some(_) => {
                    cache.remove(&id);
                }
                None => {}
            }
        }
        let key = self.provider.decrypt_data_key(tenant, wrapped).await?;
        let mut cache = self.dec.lock().unwrap_or_else(|e| e.into_inner());
        if cache.len() >= self.policy.max_entries {
            let ttl = self.policy.ttl;
            cache.retain(|_, e| e.born.elapsed() < ttl);
            if cache.len() >= self.policy.max_entries {
                cache.clear();
            }
        }
        cache.insert(id, DecKey { key: key.clone(), born: Instant::now() });
        Ok(key)
    }
}

fn full_aad(tenant: &TenantId, aad: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(aad.len() + 80);
    out.extend_from_slice(b"tenant=");
    out.extend_from_slice(tenant.as_str().as_bytes());
    out.push(0);
    out.extend_from_slice(aad);
    out
}

#[async_trait]
impl<P: KeyProvider> Sealer for EnvelopeSealer<P> {
    async fn create_tenant_key(&self, tenant: &TenantId) -> Result<(), SealError> {
        self.provider.create_tenant_key(tenant).await
    }

    async fn destroy_tenant_key(&self, tenant: &TenantId) -> Result<KeyDestruction, SealError> {
        self.enc.lock().unwrap_or_else(|e| e.into_inner()).remove(tenant);
        self.dec.lock().unwrap_or_else(|e| e.into_inner()).retain(|(t, _), _| t != tenant);
        let done = self.provider.destroy_tenant_key(tenant).await;
        // A data key cached between the removal and the destruction is dropped as well.
        self.enc.lock().unwrap_or_else(|e| e.into_inner()).remove(tenant);
        self.dec.lock().unwrap_or_else(|e| e.into_inner()).retain(|(t, _), _| t != tenant);
        done
    }

    async fn seal(&self, tenant: &TenantId, aad: &[u8], plaintext: &[u8]) -> Result<Vec<u8>, SealError> {
        let (key, wrapped) = self.encryption_key(tenant).await?;
        let mut z = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
        z.write_all(plaintext).and_then(|()| z.flush()).map_err(|e| SealError::Unavailable(e.into()))?;
        let compressed = z.finish().map_err(|e| SealError::Unavailable(e.into()))?;
        let mut nonce = [0u8; 12];
        rand::thread_rng().fill_bytes(&mut nonce);
        let cipher = Aes256Gcm::new_from_slice(&key.0).map_err(|_| SealError::Integrity("key length"))?;
        let aad = full_aad(tenant, aad);
        let ct = cipher
            .encrypt(Nonce::from_slice(&nonce), Payload { msg: &compressed, aad: &aad })
            .map_err(|_| SealError::Integrity("encryption failed"))?;
        let wrapped_len = u16::try_from(wrapped.len()).map_err(|_| SealError::Integrity("wrapped key too long"))?;
        let mut out = Vec::with_capacity(3 + 2 + wrapped.len() + 12 + ct.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&wrapped_len.to_be_bytes());
        out.extend_from_slice(&wrapped);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ct);
        Ok(out)
    }

    async fn open(&self, tenant: &TenantId, aad: &[u8], sealed: &[u8]) -> Result<Vec<u8>, SealError> {
        let rest = sealed.strip_prefix(MAGIC.as_slice()).ok_or(SealError::Integrity("unknown format"))?;
        if rest.len() < 2 {
            return Err(SealError::Integrity("truncated"));
        }
        let wlen = u16::from_be_bytes([rest[0], rest[1]]) as usize;
        let rest = &rest[2..];
        if rest.len() < wlen + 12 + 16 {
            return Err(SealError::Integrity("truncated"));
        }
        let (wrapped, rest) = rest.split_at(wlen);
        let (nonce, ct) = rest.split_at(12);
        let key = self.decryption_key(tenant, wrapped).await?;
        let cipher = Aes256Gcm::new_from_slice(&key.0).map_err(|_| SealError::Integrity("key length"))?;
        let aad = full_aad(tenant, aad);
        let compressed = cipher
            .decrypt(Nonce::from_slice(nonce), Payload { msg: ct, aad: &aad })
            .map_err(|_| SealError::Integrity("authentication failed"))?;
        let mut out = Vec::new();
        flate2::read::DeflateDecoder::new(compressed.as_slice())
            .take(MAX_PLAINTEXT as u64 + 1)
            .read_to_end(&mut out)
            .map_err(|_| SealError::Integrity("corrupt compression"))?;
        if out.len() > MAX_PLAINTEXT {
            return Err(SealError::Integrity("plaintext too large"));
        }
        Ok(out)
    }
}

/// The audit chain's link of one event: `HMAC-SHA-256(tenant chain key, prev_hash ‖ 0 ‖ JSON)`, hex.
pub fn chain_hash(key: &ChainKey, prev_hash: &str, event: &crate::ports::AuditEvent) -> String {
    use hmac::{Hmac, Mac};
    let json = serde_json::to_vec(event).unwrap_or_default();
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&key.0).expect("HMAC takes keys of any length");
    mac.update(prev_hash.as_bytes());
    mac.update(&[0]);
    mac.update(&json);
    hex(&mac.finalize().into_bytes())
}

/// A tenant's audit-chain key: HMAC-SHA-256 of [`chain_key_message`] under a key the
/// service holds outside the table (a KMS HMAC key in the cloud, the local master key on one
/// machine). Whoever can write the table but not use that key cannot forge or re-chain
/// events.
#[derive(Clone, PartialEq, Eq)]
pub struct ChainKey(pub [u8; 32]);

impl std::fmt::Debug for ChainKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ChainKey(…)")
    }
}

/// What the service's chain key signs to give a tenant's chain key.
pub fn chain_key_message(tenant: &TenantId) -> Vec<u8> {
    format!("kyocho audit chain v1\0{tenant}").into_bytes()
}

/// Where each tenant's audit-chain key comes from.
#[async_trait]
pub trait ChainKeys: Send + Sync {
    async fn chain_key(&self, tenant: &TenantId) -> Result<ChainKey, crate::ports::StoreError>;
}

/// Lower-case hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The hash that starts every tenant's audit chain.
pub const CHAIN_START: &str = "0000000000000000000000000000000000000000000000000000000000000000";
