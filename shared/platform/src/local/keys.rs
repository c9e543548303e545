//! Local per-tenant keys: one random master key in `master.key`, and per tenant a random
//! key-encryption key stored wrapped under the master key in `<tenant>.key`. Deleting a
//! tenant's file destroys its key and with it every copy of its sealed data.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use anyhow::Context;
use async_trait::async_trait;
use rand::RngCore;

use crate::ids::TenantId;
use crate::seal::{DataKey, KeyProvider, SealError};

/// Key provider backed by files in one folder.
pub struct LocalKeys {
    dir: PathBuf,
    master: DataKey,
}

fn random_key() -> DataKey {
    let mut k = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut k);
    DataKey(k)
}

fn wrap(kek: &DataKey, aad: &[u8], key: &DataKey) -> Result<Vec<u8>, SealError> {
    let mut nonce = [0u8; 12];
    rand::thread_rng().fill_bytes(&mut nonce);
    let cipher = Aes256Gcm::new_from_slice(&kek.0).map_err(|_| SealError::Integrity("key length"))?;
    let ct = cipher
        .encrypt(Nonce::from_slice(&nonce), Payload { msg: &key.0, aad })
        .map_err(|_| SealError::Integrity("wrap failed"))?;
    Ok([nonce.as_slice(), &ct].concat())
}

fn unwrap(kek: &DataKey, aad: &[u8], wrapped: &[u8]) -> Result<DataKey, SealError> {
    if wrapped.len() != 12 + 32 + 16 {
        return Err(SealError::Integrity("wrapped key length"));
    }
    let cipher = Aes256Gcm::new_from_slice(&kek.0).map_err(|_| SealError::Integrity("key length"))?;
    let plain = cipher
        .decrypt(Nonce::from_slice(&wrapped[..12]), Payload { msg: &wrapped[12..], aad })
        .map_err(|_| SealError::Integrity("data key was not wrapped for this tenant"))?;
    let mut k = [0u8; 32];
    k.copy_from_slice(&plain);
    Ok(DataKey(k))
}

pub(crate) fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension("tmp");
    {
        let mut opts = fs::OpenOptions::new();
        opts.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let mut f = opts.open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    fs::rename(tmp, path)
}

impl LocalKeys {
    /// Open the key folder, creating the master key on first use.
    pub fn open(dir: &Path) -> anyhow::Result<Self> {
        fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        let path = dir.join("master.key");
        let master = match fs::read(&path) {
            Ok(bytes) => {
                let arr: [u8; 32] = bytes
                    .as_slice()
                    .try_into()
                    .map_err(|_| anyhow::anyhow!("{} is not a 32-byte key", path.display()))?;
                DataKey(arr)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let key = random_key();
                write_private(&path, &key.0).with_context(|| format!("writing {}", path.display()))?;
                key
            }
            Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
        };
        Ok(LocalKeys { dir: dir.to_path_buf(), master })
    }

    fn tenant_path(&self, tenant: &TenantId) -> PathBuf {
        self.dir.join(format!("tenant-{tenant}.key"))
    }

    fn tenant_aad(tenant: &TenantId) -> Vec<u8> {
        format!("kyocho-tenant-key:{tenant}").into_bytes()
    }

    fn tenant_kek(&self, tenant: &TenantId) -> Result<DataKey, SealError> {
        match fs::read(self.tenant_path(tenant)) {
            Ok(wrapped) => unwrap(&self.master, &Self::tenant_aad(tenant), &wrapped),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(SealError::NoKey),
            Err(e) => Err(SealError::Unavailable(e.into())),
        }
    }

    /// Destroy a tenant's key: its file is overwritten, then removed; every blob sealed for
    /// it becomes unreadable.
    pub fn destroy_key_file(&self, tenant: &TenantId) -> Result<(), SealError> {
        let path = self.tenant_path(tenant);
        match fs::metadata(&path) {
            Ok(meta) => {
                // The wrapped key is small; overwrite it before unlinking so that the bytes
                // do not linger in the file's blocks.
                let _ = fs::write(&path, vec![0u8; meta.len() as usize]);
                fs::remove_file(&path).map_err(|e| SealError::Unavailable(e.into()))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(SealError::Unavailable(e.into())),
        }
    }
}

fn data_key_aad(tenant: &TenantId) -> Vec<u8> {
    format!("tenant_id={tenant}").into_bytes()
}

/// Locally each tenant's audit-chain key is an HMAC of its name under the master key (a
/// different use of it than wrapping tenant keys, told apart by the message).
#[async_trait]
impl crate::seal::ChainKeys for LocalKeys {
    async fn chain_key(&self, tenant: &TenantId) -> Result<crate::seal::ChainKey, crate::ports::StoreError> {
        use hmac::{Hmac, Mac};
        let mut mac = <Hmac<sha2::Sha256> as Mac>::new_from_slice(&self.master.0).expect("HMAC takes keys of any length");
        mac.update(&crate::seal::chain_key_message(tenant));
        Ok(crate::seal::ChainKey(mac.finalize().into_bytes().into()))
    }
}

#[async_trait]
impl KeyProvider for LocalKeys {
    async fn destroy_tenant_key(&self, tenant: &TenantId) -> Result<crate::seal::KeyDestruction, SealError> {
        self.destroy_key_file(tenant)?;
        Ok(crate::seal::KeyDestruction { key_id: format!("tenant-{tenant}.key"), deleted_at: crate::http::now_millis(), pending: false })
    }

    async fn create_tenant_key(&self, tenant: &TenantId) -> Result<(), SealError> {
        let path = self.tenant_path(tenant);
        if path.exists() {
            return Ok(());
        }
        let wrapped = wrap(&self.master, &Self::tenant_aad(tenant), &random_key())?;
        write_private(&path, &wrapped).map_err(|e| SealError::Unavailable(e.into()))
    }

    async fn generate_data_key(&self, tenant: &TenantId) -> Result<(DataKey, Vec<u8>), SealError> {
        let kek = self.tenant_kek(tenant)?;
        let key = random_key();
        let wrapped = wrap(&kek, &data_key_aad(tenant), &key)?;
        Ok((key, wrapped))
    }

    async fn decrypt_data_key(&self, tenant: &TenantId, wrapped: &[u8]) -> Result<DataKey, SealError> {
        let kek = self.tenant_kek(tenant)?;
        unwrap(&kek, &data_key_aad(tenant), wrapped)
    }
}
