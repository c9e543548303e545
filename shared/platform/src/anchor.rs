//! Anchoring the audit chains outside the records store.
//!
//! The chain is keyed and hash-linked, so an edited or removed event in the middle shows
//! (`GET /audit/verify`). What the chain alone cannot show is a store whose writer drops its
//! newest events, or rewrites the whole chain with the key: so every so often the head of a
//! tenant's chain is copied to an [`AnchorStore`] that the records' writers cannot rewrite
//! (S3 with Object Lock in compliance mode in the cloud, an append-only file locally), and
//! verification checks the chain against the newest anchor.
//!
//! [`AnchoredLog`] wraps the audit log: after an append, when the tenant's last anchor from
//! this instance is older than the interval (`KYOCHO_AUDIT_ANCHOR_SECONDS`, default 600),
//! it writes the new head as an anchor. Anchoring is best effort: a failure is logged with
//! `dependency = "anchor"` and never refuses the request (the event itself is stored).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_trait::async_trait;

use crate::ids::TenantId;
use crate::ports::{AnchorStore, AuditAnchor, AuditEvent, AuditLog, Page, StoreError, StoredAuditEvent};

/// Anchor interval when `KYOCHO_AUDIT_ANCHOR_SECONDS` is not set.
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(600);

/// The interval from `KYOCHO_AUDIT_ANCHOR_SECONDS` (0 = after every event), or the default.
pub fn interval_from_env() -> Duration {
    std::env::var("KYOCHO_AUDIT_ANCHOR_SECONDS")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs)
        .unwrap_or(DEFAULT_INTERVAL)
}

/// An audit log whose heads are anchored in `anchors` at most every `interval` per tenant.
pub struct AnchoredLog {
    inner: Arc<dyn AuditLog>,
    anchors: Arc<dyn AnchorStore>,
    interval: Duration,
    last: Mutex<HashMap<TenantId, Instant>>,
}

impl AnchoredLog {
    pub fn new(inner: Arc<dyn AuditLog>, anchors: Arc<dyn AnchorStore>, interval: Duration) -> Self {
        AnchoredLog { inner, anchors, interval, last: Mutex::default() }
    }

    fn due(&self, tenant: &TenantId) -> bool {
        let mut last = self.last.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        match last.get(tenant) {
            Some(at) if now.duration_since(*at) < self.interval => false,
            _ => {
                last.insert(tenant.clone(), now);
                true
            }
        }
    }
}

#[async_trait]
impl AuditLog for AnchoredLog {
    async fn append(&self, tenant: &TenantId, event: &AuditEvent) -> Result<StoredAuditEvent, StoreError> {
        let stored = self.inner.append(tenant, event).await?;
        if self.due(tenant) {
            let anchor = AuditAnchor { seq: stored.seq, hash: stored.hash.clone(), at: event.at };
            if let Err(e) = self.anchors.put(tenant, &anchor).await {
                tracing::error!(dependency = "anchor", %tenant, seq = stored.seq, error = ?e, "audit anchor not written");
                // Try again at the next event rather than after a whole interval.
                self.last.lock().unwrap_or_else(|p| p.into_inner()).remove(tenant);
            }
        }
        Ok(stored)
    }

    async fn list_month(&self, tenant: &TenantId, month: &str, after: Option<&str>, limit: usize) -> Result<Page<StoredAuditEvent>, StoreError> {
        self.inner.list_month(tenant, month, after, limit).await
    }

    async fn delete_month(&self, tenant: &TenantId, month: &str) -> Result<u64, StoreError> {
        self.inner.delete_month(tenant, month).await
    }
}

/// Anchors of the local edition: one file per tenant, `<folder>/<tid>.jsonl`, one JSON
/// line per anchor, only ever appended to.
#[derive(Debug)]
pub struct FileAnchors {
    dir: std::path::PathBuf,
}

impl FileAnchors {
    pub fn open(dir: &std::path::Path) -> anyhow::Result<Self> {
        std::fs::create_dir_all(dir)?;
        Ok(FileAnchors { dir: dir.to_owned() })
    }

    fn path(&self, tenant: &TenantId) -> std::path::PathBuf {
        self.dir.join(format!("{tenant}.jsonl"))
    }
}

#[async_trait]
impl AnchorStore for FileAnchors {
    async fn put(&self, tenant: &TenantId, anchor: &AuditAnchor) -> Result<(), StoreError> {
        use std::io::Write;
        let mut line = serde_json::to_vec(anchor).map_err(StoreError::unavailable)?;
        line.push(b'\n');
        let path = self.path(tenant);
        tokio::task::spawn_blocking(move || -> std::io::Result<()> {
            let mut f = std::fs::OpenOptions::new().create(true).append(true).open(&path)?;
            f.write_all(&line)?;
            f.sync_data()
        })
        .await
        .map_err(StoreError::unavailable)?
        .map_err(StoreError::unavailable)
    }

    async fn latest(&self, tenant: &TenantId) -> Result<Option<AuditAnchor>, StoreError> {
        let text = match tokio::fs::read_to_string(self.path(tenant)).await {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(StoreError::unavailable(e)),
        };
        // A torn last line (a crash mid-write) is skipped, not fatal.
        Ok(text.lines().filter_map(|l| serde_json::from_str::<AuditAnchor>(l).ok()).max_by_key(|a| a.seq))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Given a file of anchors with a torn last line, then the newest whole anchor is read.
    #[tokio::test]
    async fn the_newest_whole_anchor_is_the_latest() {
        let dir = tempfile::tempdir().unwrap();
        let anchors = FileAnchors::open(dir.path()).unwrap();
        let t = TenantId::parse("acme").unwrap();
        assert_eq!(anchors.latest(&t).await.unwrap(), None);
        anchors.put(&t, &AuditAnchor { seq: 3, hash: "c".into(), at: 3 }).await.unwrap();
        anchors.put(&t, &AuditAnchor { seq: 7, hash: "g".into(), at: 7 }).await.unwrap();
        std::fs::OpenOptions::new()
            .append(true)
            .open(dir.path().join("acme.jsonl"))
            .and_then(|mut f| std::io::Write::write_all(&mut f, b"{\"seq\":9,\"ha"))
            .unwrap();
        assert_eq!(anchors.latest(&t).await.unwrap(), Some(AuditAnchor { seq: 7, hash: "g".into(), at: 7 }));
        assert_eq!(anchors.latest(&TenantId::parse("other").unwrap()).await.unwrap(), None);
    }
}
