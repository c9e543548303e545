//! Embedded adapters for the local edition: a SQLite file for records, a key file for keys.

mod blobs;
mod keys;
mod sqlite;

use std::path::Path;
use std::sync::Arc;

pub use blobs::{LocalBlobs, UrlRefusal, VerifiedUrl, URL_PREFIX};
pub use keys::LocalKeys;
pub use sqlite::SqliteStore;

use crate::backend::Backend;
use crate::seal::{CachePolicy, EnvelopeSealer};

/// Open (creating if needed) the local backend in `dir`: `kyocho.db` and `keys/`.
pub fn backend(dir: &Path) -> anyhow::Result<Backend> {
    std::fs::create_dir_all(dir)?;
    let chain_keys: Arc<dyn crate::seal::ChainKeys> = Arc::new(LocalKeys::open(&dir.join("keys"))?);
    let store = Arc::new(SqliteStore::open(&dir.join("kyocho.db"), chain_keys.clone())?);
    let keys = LocalKeys::open(&dir.join("keys"))?;
    let blobs = Arc::new(LocalBlobs::open(dir)?);
    // Outside the database file: a copy of `kyocho.db` with its newest events cut off no
    // longer matches this folder's anchors.
    let anchors: Arc<dyn crate::ports::AnchorStore> = Arc::new(crate::anchor::FileAnchors::open(&dir.join("audit-anchors"))?);
    Ok(Backend {
        name: "local",
        tenants: store.clone(),
        users: store.clone(),
        projects: store.clone(),
        audit: Arc::new(crate::anchor::AnchoredLog::new(store, anchors.clone(), crate::anchor::interval_from_env())),
        anchors,
        sealer: Arc::new(EnvelopeSealer::new(keys, CachePolicy::default())),
        blobs,
        chain_keys,
    })
}
