//! Blobs of the local edition: files under `<data-dir>/blobs/tenants/<tid>/<key>`, each
//! with a sidecar `.<file name>.json` holding its [`BlobHead`] (key segments never start
//! with a dot, so a sidecar cannot collide with a blob).
//!
//! Download URLs are `/_blobs/<tid>/<key>?exp=<unix seconds>&sig=<hex>`, where `sig` is
//! HMAC-SHA256 over the tenant, the key and the expiry under a random signing key kept in
//! `<data-dir>/keys/blob-url.key`. `kyocho serve` serves them after [`LocalBlobs::verify_url`]
//! and deletes expired blobs with [`LocalBlobs::sweep`].

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use async_trait::async_trait;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::http::now_millis;
use crate::ids::TenantId;
use crate::ports::{BlobError, BlobHead, BlobInfo, BlobKey, BlobStore, DownloadUrl, UploadUrl};

type HmacSha256 = Hmac<Sha256>;

/// The path prefix under which `kyocho serve` answers download URLs.
pub const URL_PREFIX: &str = "/_blobs/";
/// Where the gateway takes uploads to a signed upload URL.
pub const UPLOAD_PREFIX: &str = "/_uploads/";

/// Why a download URL is refused. Each refusal is a 403; the kinds are for the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum UrlRefusal {
    #[error("the URL is malformed")]
    Malformed,
    #[error("the signature does not match")]
    BadSignature,
    #[error("the URL has expired")]
    Expired,
}

/// A URL that passed [`LocalBlobs::verify_url`]: the blob it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedUrl {
    pub tenant: TenantId,
    pub key: BlobKey,
}

/// [`BlobStore`] over a folder, with HMAC-signed download URLs. The files are sealed like
/// every other record (the tenant's key, the blob's tenant and key as associated data), so
/// the folder holds no readable drawing or report.
pub struct LocalBlobs {
    root: PathBuf,
    signing_key: [u8; 32],
    sealer: crate::seal::EnvelopeSealer<super::LocalKeys>,
}

impl std::fmt::Debug for LocalBlobs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalBlobs").field("root", &self.root).finish_non_exhaustive()
    }
}

fn io(e: impl Into<anyhow::Error>) -> BlobError {
    BlobError::Unavailable(e.into())
}

impl LocalBlobs {
    /// Open the blob folder of a data folder, creating it and the URL signing key if needed.
    pub fn open(data_dir: &Path) -> anyhow::Result<Self> {
        let root = data_dir.join("blobs").join("tenants");
        fs::create_dir_all(&root).with_context(|| format!("creating {}", root.display()))?;
        let keys = super::keys_dir(data_dir)?;
        fs::create_dir_all(&keys).with_context(|| format!("creating {}", keys.display()))?;
        let sealer = crate::seal::EnvelopeSealer::new(super::LocalKeys::open(&keys)?, crate::seal::CachePolicy::default());
        let path = keys.join("blob-url.key");
        let signing_key = match fs::read(&path) {
            Ok(bytes) => <[u8; 32]>::try_from(bytes.as_slice())
                .map_err(|_| anyhow::anyhow!("{} must hold 32 bytes", path.display()))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let mut key = [0u8; 32];
                rand::rngs::OsRng.fill_bytes(&mut key);
                write_private(&path, &key).with_context(|| format!("writing {}", path.display()))?;
                key
            }
            Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
        };
        Ok(LocalBlobs { root, signing_key, sealer })
    }

    fn tenant_dir(&self, tenant: &TenantId) -> PathBuf {
        self.root.join(tenant.as_str())
    }

    fn paths(&self, tenant: &TenantId, key: &BlobKey) -> (PathBuf, PathBuf) {
        let data = key.as_str().split('/').fold(self.tenant_dir(tenant), |p, seg| p.join(seg));
        let sidecar = data.with_file_name(format!(".{}.json", key.file_name()));
        (data, sidecar)
    }

    fn mac(&self, tenant: &str, key: &str, exp: i64) -> HmacSha256 {
        let mut mac = HmacSha256::new_from_slice(&self.signing_key).expect("HMAC takes keys of any length");
        // Lengths first, so no two (tenant, key, exp) triples share a message.
        for part in [tenant.as_bytes(), key.as_bytes(), exp.to_string().as_bytes()] {
            mac.update(&(part.len() as u64).to_be_bytes());
            mac.update(part);
        }
        mac
    }

    /// A signed path that downloads `key` of `tenant` until `exp_unix_s` (seconds since the
    /// epoch). Exposed so tests can mint URLs that have already expired.
    pub fn sign_path(&self, tenant: &TenantId, key: &BlobKey, exp_unix_s: i64) -> String {
        let sig = self.mac(tenant.as_str(), key.as_str(), exp_unix_s).finalize().into_bytes();
        format!("{URL_PREFIX}{tenant}/{key}?exp={exp_unix_s}&sig={}", hex(&sig))
    }

    /// A signed path that uploads `key` of `tenant` until `exp_unix_s`. Its signature covers
    /// the purpose, so a download link never serves as an upload link.
    pub fn sign_upload_path(&self, tenant: &TenantId, key: &BlobKey, exp_unix_s: i64) -> String {
        let sig = self.mac(tenant.as_str(), &format!("upload:{key}"), exp_unix_s).finalize().into_bytes();
        format!("{UPLOAD_PREFIX}{tenant}/{key}?exp={exp_unix_s}&sig={}", hex(&sig))
    }

    /// Check an upload URL as [`LocalBlobs::verify_url`] checks a download URL.
    pub fn verify_upload_url(&self, path: &str, exp: &str, sig: &str, now_unix_s: i64) -> Result<VerifiedUrl, UrlRefusal> {
        self.verify_signed(path, exp, sig, now_unix_s, "upload:")
    }

    /// Check a download URL's path (everything after [`URL_PREFIX`]: `<tid>/<key>`) and its
    /// `exp` and `sig` query values at `now_unix_s`. The signature is compared in constant
    /// time; a signature made for another tenant, key or expiry does not match.
    pub fn verify_url(&self, path: &str, exp: &str, sig: &str, now_unix_s: i64) -> Result<VerifiedUrl, UrlRefusal> {
        self.verify_signed(path, exp, sig, now_unix_s, "")
    }

    /// Check a signed path (`<tid>/<key>`) whose signature covers `purpose` before the key.
    fn verify_signed(&self, path: &str, exp: &str, sig: &str, now_unix_s: i64, purpose: &str) -> Result<VerifiedUrl, UrlRefusal> {
        let (tid, key) = path.split_once('/').ok_or(UrlRefusal::Malformed)?;
        let tenant = TenantId::parse(tid).map_err(|_| UrlRefusal::Malformed)?;
        let key = BlobKey::parse(key).map_err(|_| UrlRefusal::Malformed)?;
        let exp_s: i64 = exp.parse().map_err(|_| UrlRefusal::Malformed)?;
        let sig = unhex(sig).ok_or(UrlRefusal::Malformed)?;
        self.mac(tenant.as_str(), &format!("{purpose}{key}"), exp_s).verify_slice(&sig).map_err(|_| UrlRefusal::BadSignature)?;
        if now_unix_s >= exp_s {
            return Err(UrlRefusal::Expired);
        }
        Ok(VerifiedUrl { tenant, key })
    }

    fn read_head(&self, tenant: &TenantId, key: &BlobKey) -> Result<Option<BlobHead>, BlobError> {
        let (data, sidecar) = self.paths(tenant, key);
        let text = match fs::read(&sidecar) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound || e.kind() == std::io::ErrorKind::NotADirectory => {
                return Ok(None)
            }
            Err(e) => return Err(io(e)),
        };
        if !data.is_file() {
            return Ok(None);
        }
        let head: BlobHead = serde_json::from_slice(&text).map_err(io)?;
        Ok(Some(head))
    }

    fn live_head(&self, tenant: &TenantId, key: &BlobKey) -> Result<BlobHead, BlobError> {
        match self.read_head(tenant, key)? {
            Some(head) if head.info.expires_at > now_millis() => Ok(head),
            _ => Err(BlobError::NotFound),
        }
    }

    /// The bytes and head of a live blob (what the download route serves).
    pub async fn read(&self, tenant: &TenantId, key: &BlobKey) -> Result<(BlobHead, Vec<u8>), BlobError> {
        let head = self.live_head(tenant, key)?;
        let (data, _) = self.paths(tenant, key);
        let sealed = tokio::fs::read(&data).await.map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => BlobError::NotFound,
            _ => io(e),
        })?;
        use crate::seal::Sealer;
        let bytes = self.sealer.open(tenant, &blob_aad(tenant, key), &sealed).await.map_err(io)?;
        Ok((head, bytes))
    }

    /// Delete every blob that expired before `now` (ms), in every tenant; returns how many.
    pub fn sweep(&self, now: crate::ports::UnixMillis) -> anyhow::Result<usize> {
        let mut removed = 0;
        for sidecar in sidecars(&self.root)? {
            let expired = match fs::read(&sidecar).ok().and_then(|t| serde_json::from_slice::<BlobHead>(&t).ok()) {
                Some(head) => head.info.expires_at <= now,
                None => false,
            };
            if expired {
                let name = sidecar.file_name().and_then(|n| n.to_str()).unwrap_or("");
                let data_name = name.strip_prefix('.').and_then(|n| n.strip_suffix(".json")).unwrap_or("");
                if !data_name.is_empty() {
                    remove_if_present(&sidecar.with_file_name(data_name))?;
                }
                remove_if_present(&sidecar)?;
                removed += 1;
            }
        }
        Ok(removed)
    }
}

/// What a sealed blob is bound to: its tenant and its key (a file moved to another name or
/// tenant does not open).
fn blob_aad(tenant: &TenantId, key: &BlobKey) -> Vec<u8> {
    format!("blob\0{tenant}\0{key}").into_bytes()
}

fn remove_if_present(path: &Path) -> anyhow::Result<()> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e).with_context(|| format!("removing {}", path.display())),
        _ => Ok(()),
    }
}

/// Every sidecar file under `dir`.
fn sidecars(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(e).with_context(|| format!("listing {}", dir.display())),
    };
    for entry in entries {
        let path = entry?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if path.is_dir() {
            out.extend(sidecars(&path)?);
        } else if name.starts_with('.') && name.ends_with(".json") {
            out.push(path);
        }
    }
    Ok(out)
}

/// Write a file only its owner can read, replacing it atomically.
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_file_name(format!(".{}.tmp-{}", path.file_name().and_then(|n| n.to_str()).unwrap_or("f"), uuid::Uuid::new_v4().simple()));
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(&tmp)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    drop(file);
    fs::rename(&tmp, path)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if s.len() != 64 || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).ok()).collect()
}

#[async_trait]
impl BlobStore for LocalBlobs {
    async fn upload_url(&self, tenant: &TenantId, key: &BlobKey, content_type: &str, ttl: Duration) -> Result<UploadUrl, BlobError> {
        let exp_ms = now_millis() + i64::try_from(ttl.as_millis()).unwrap_or(i64::MAX / 2);
        let exp_s = exp_ms.div_euclid(1000);
        Ok(UploadUrl {
            url: self.sign_upload_path(tenant, key, exp_s),
            method: "PUT".into(),
            headers: [("content-type".to_owned(), content_type.to_owned())].into(),
            expires_at: exp_s * 1000,
        })
    }

    async fn read_raw(&self, tenant: &TenantId, key: &BlobKey, max_bytes: u64) -> Result<Vec<u8>, BlobError> {
        let (head, bytes) = self.read(tenant, key).await?;
        if head.size > max_bytes {
            return Err(BlobError::Invalid("larger than allowed"));
        }
        Ok(bytes)
    }

    async fn purge_tenant(&self, tenant: &TenantId) -> Result<u64, BlobError> {
        let dir = self.tenant_dir(tenant);
        let count = tokio::task::spawn_blocking(move || -> Result<u64, BlobError> {
            fn files(dir: &Path) -> std::io::Result<u64> {
                let mut n = 0;
                for entry in std::fs::read_dir(dir)? {
                    let entry = entry?;
                    let path = entry.path();
                    if entry.file_type()?.is_dir() {
                        n += files(&path)?;
                    } else if !entry.file_name().to_string_lossy().starts_with('.') {
                        n += 1;
                    }
                }
                Ok(n)
            }
            match files(&dir) {
                Ok(n) => {
                    std::fs::remove_dir_all(&dir).map_err(io)?;
                    Ok(n)
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(0),
                Err(e) => Err(io(e)),
            }
        })
        .await
        .map_err(io)??;
        Ok(count)
    }

    async fn put(&self, tenant: &TenantId, key: &BlobKey, bytes: Vec<u8>, info: &BlobInfo) -> Result<BlobHead, BlobError> {
        info.check()?;
        let head = BlobHead { key: key.clone(), size: bytes.len() as u64, sha256: hex(&Sha256::digest(&bytes)), info: info.clone() };
        let (data, sidecar) = self.paths(tenant, key);
        let meta = serde_json::to_vec(&head).map_err(io)?;
        use crate::seal::Sealer;
        let bytes = self.sealer.seal(tenant, &blob_aad(tenant, key), &bytes).await.map_err(io)?;
        tokio::task::spawn_blocking(move || -> std::io::Result<()> {
            if let Some(parent) = data.parent() {
                fs::create_dir_all(parent)?;
            }
            // Old sidecar first: a reader never pairs new bytes with an old head.
            match fs::remove_file(&sidecar) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
            write_private(&data, &bytes)?;
            write_private(&sidecar, &meta)
        })
        .await
        .map_err(io)?
        .map_err(io)?;
        Ok(head)
    }

    async fn head(&self, tenant: &TenantId, key: &BlobKey) -> Result<BlobHead, BlobError> {
        self.live_head(tenant, key)
    }

    async fn list(&self, tenant: &TenantId, prefix: &str) -> Result<Vec<BlobHead>, BlobError> {
        let dir = self.tenant_dir(tenant);
        let now = now_millis();
        let mut out = Vec::new();
        for sidecar in sidecars(&dir).map_err(BlobError::Unavailable)? {
            let Some(head) = fs::read(&sidecar).ok().and_then(|t| serde_json::from_slice::<BlobHead>(&t).ok()) else {
                continue;
            };
            if head.key.as_str().starts_with(prefix) && head.info.expires_at > now && self.paths(tenant, &head.key).0.is_file() {
                out.push(head);
            }
        }
        out.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(out)
    }

    async fn download_url(&self, tenant: &TenantId, key: &BlobKey, ttl: Duration) -> Result<DownloadUrl, BlobError> {
        let head = self.live_head(tenant, key)?;
        let ttl_ms = i64::try_from(ttl.as_millis()).unwrap_or(i64::MAX);
        let expires_at = now_millis().saturating_add(ttl_ms).min(head.info.expires_at);
        let exp_s = expires_at.div_euclid(1000);
        Ok(DownloadUrl { url: self.sign_path(tenant, key, exp_s), expires_at: exp_s * 1000 })
    }

    async fn delete(&self, tenant: &TenantId, key: &BlobKey) -> Result<(), BlobError> {
        let (data, sidecar) = self.paths(tenant, key);
        remove_if_present(&sidecar).map_err(BlobError::Unavailable)?;
        remove_if_present(&data).map_err(BlobError::Unavailable)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Run a future to its end from sync or async test code (on a thread of its own).
    fn futures_lite_block_on<F: std::future::Future + Send>(f: F) -> F::Output
    where
        F::Output: Send,
    {
        std::thread::scope(|s| s.spawn(|| tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f)).join().unwrap())
    }

    fn blobs() -> (tempfile::TempDir, LocalBlobs) {
        let dir = tempfile::tempdir().unwrap();
        // Keys inside the folder (an explicit layout), with the tenant's key made.
        let keys = super::super::LocalKeys::open(&dir.path().join("keys")).unwrap();
        futures_lite_block_on(crate::seal::KeyProvider::create_tenant_key(&keys, &TenantId::parse("acme").unwrap())).unwrap();
        let b = LocalBlobs::open(dir.path()).unwrap();
        (dir, b)
    }

    #[test]
    fn a_signed_url_verifies_only_unchanged_and_before_expiry() {
        let (_d, b) = blobs();
        let t = TenantId::parse("acme").unwrap();
        let key = BlobKey::parse("exports/x/tcc.pdf").unwrap();
        let url = b.sign_path(&t, &key, 2_000);
        let (path, query) = url.strip_prefix(URL_PREFIX).unwrap().split_once('?').unwrap();
        let q: Vec<&str> = query.split('&').map(|kv| kv.split_once('=').unwrap().1).collect();
        let (exp, sig) = (q[0], q[1]);
        assert_eq!(b.verify_url(path, exp, sig, 1_999), Ok(VerifiedUrl { tenant: t.clone(), key: key.clone() }));
        assert_eq!(b.verify_url(path, exp, sig, 2_000), Err(UrlRefusal::Expired));
        assert_eq!(b.verify_url(path, "3000", sig, 1_000), Err(UrlRefusal::BadSignature));
        assert_eq!(b.verify_url("globex/exports/x/tcc.pdf", exp, sig, 1_000), Err(UrlRefusal::BadSignature));
        assert_eq!(b.verify_url("acme/exports/x/tcc.svg", exp, sig, 1_000), Err(UrlRefusal::BadSignature));
        let flipped: String = sig.chars().enumerate().map(|(i, c)| if i == 5 { if c == '0' { '1' } else { '0' } } else { c }).collect();
        assert_eq!(b.verify_url(path, exp, &flipped, 1_000), Err(UrlRefusal::BadSignature));
        assert_eq!(b.verify_url("acme/../globex/x", exp, sig, 1_000), Err(UrlRefusal::Malformed));
        assert_eq!(b.verify_url(path, exp, "zz", 1_000), Err(UrlRefusal::Malformed));
    }

    #[test]
    fn a_url_signed_by_another_data_folder_is_refused() {
        let (_d1, a) = blobs();
        let (_d2, b) = blobs();
        let t = TenantId::parse("acme").unwrap();
        let key = BlobKey::parse("k").unwrap();
        let url = a.sign_path(&t, &key, 2_000);
        let sig = url.rsplit("sig=").next().unwrap();
        assert_eq!(b.verify_url("acme/k", "2000", sig, 1_000), Err(UrlRefusal::BadSignature));
    }

    #[tokio::test]
    async fn the_sweep_deletes_expired_blobs_only() {
        let (_d, b) = blobs();
        let t = TenantId::parse("acme").unwrap();
        let info = |expires_at| BlobInfo { content_type: "text/plain".into(), file_name: "a.txt".into(), metadata: Default::default(), expires_at };
        let old = BlobKey::parse("exports/old/a.txt").unwrap();
        let new = BlobKey::parse("exports/new/a.txt").unwrap();
        b.put(&t, &old, b"old".to_vec(), &info(now_millis() - 1)).await.unwrap();
        b.put(&t, &new, b"new".to_vec(), &info(now_millis() + 60_000)).await.unwrap();
        assert!(matches!(b.head(&t, &old).await, Err(BlobError::NotFound)), "an expired blob is not found before the sweep");
        assert_eq!(b.sweep(now_millis()).unwrap(), 1);
        assert!(!b.paths(&t, &old).0.exists());
        assert_eq!(b.head(&t, &new).await.unwrap().size, 3);
    }
}
