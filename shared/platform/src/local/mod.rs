//! Embedded adapters for the local edition: a SQLite file for records, a key file for keys.

mod blobs;
mod keys;
mod sqlite;

use std::path::Path;
use std::sync::Arc;

pub use blobs::{LocalBlobs, UrlRefusal, VerifiedUrl, UPLOAD_PREFIX, URL_PREFIX};
pub use keys::LocalKeys;
pub(crate) use keys::write_private as write_private_file;
pub use sqlite::SqliteStore;

use crate::backend::Backend;
use crate::seal::{CachePolicy, EnvelopeSealer};

/// Names the keys folder of every data folder (`KYOCHO_KEYS_DIR` names one folder's).
pub const KEYS_DIR_VAR: &str = "KYOCHO_KEYS_DIR";

/// Where a data folder's keys live (the master key, the download-URL key, the token key).
///
/// Outside the data folder by default, so that a copy of the folder — a backup, a laptop's
/// disk image — holds sealed data but not the keys that open it:
/// 1. `KYOCHO_KEYS_DIR` when set;
/// 2. `<data>/keys` when it already exists (folders made before keys moved out, and
///    folders a caller laid out itself);
/// 3. otherwise `$XDG_CONFIG_HOME/kyocho/keys/<folder id>` (or `~/.config/…`), where the
///    folder id is a random name kept in `<data>/folder-id`, so the folder can be moved.
pub fn keys_dir(data_dir: &Path) -> anyhow::Result<std::path::PathBuf> {
    if let Some(dir) = std::env::var_os(KEYS_DIR_VAR).filter(|v| !v.is_empty()) {
        return Ok(dir.into());
    }
    let inside = data_dir.join("keys");
    if inside.is_dir() {
        return Ok(inside);
    }
    let config = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").filter(|v| !v.is_empty()).map(|h| std::path::PathBuf::from(h).join(".config")));
    let Some(config) = config else {
        tracing::warn!(folder = %data_dir.display(), "no HOME or XDG_CONFIG_HOME: keys are kept inside the data folder");
        return Ok(inside);
    };
    std::fs::create_dir_all(data_dir)?;
    let id_path = data_dir.join("folder-id");
    let id = match std::fs::read_to_string(&id_path) {
        Ok(id) => id.trim().to_owned(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let id = uuid::Uuid::new_v4().simple().to_string();
            std::fs::write(&id_path, &id)?;
            id
        }
        Err(e) => return Err(e.into()),
    };
    anyhow::ensure!(
        !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric()),
        "{} does not hold a folder id",
        id_path.display()
    );
    Ok(config.join("kyocho").join("keys").join(id))
}

/// Open (creating if needed) the local backend in `dir`: `kyocho.db`, with its keys where
/// [`keys_dir`] says.
pub fn backend(dir: &Path) -> anyhow::Result<Backend> {
    std::fs::create_dir_all(dir)?;
    let keys_dir = keys_dir(dir)?;
    let chain_keys: Arc<dyn crate::seal::ChainKeys> = Arc::new(LocalKeys::open(&keys_dir)?);
    let store = Arc::new(SqliteStore::open(&dir.join("kyocho.db"), chain_keys.clone())?);
    let keys = LocalKeys::open(&keys_dir)?;
    let blobs = Arc::new(LocalBlobs::open(dir)?);
    // Outside the database file: a copy of `kyocho.db` with its newest events cut off no
    // longer matches this folder's anchors.
    let anchors: Arc<dyn crate::ports::AnchorStore> = Arc::new(crate::anchor::FileAnchors::open(&dir.join("audit-anchors"))?);
    Ok(Backend {
        name: "local",
        tenants: store.clone(),
        users: store.clone(),
        projects: store.clone(),
        library: store.clone(),
        desk: store.clone(),
        audit: Arc::new(crate::anchor::AnchoredLog::new(store, anchors.clone(), crate::anchor::interval_from_env())),
        anchors,
        sealer: Arc::new(EnvelopeSealer::new(keys, CachePolicy::default())),
        blobs,
        chain_keys,
        signer: Arc::new(crate::certify::LocalSigner::open(&keys_dir)?),
    })
}
