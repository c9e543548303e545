//! Integrity checks of a company's data, run by the scheduled integrity job, on request
//! (`GET /ops/integrity`, `GET /audit/verify` for the chain alone) and locally
//! (`kyocho verify`):
//!
//! - the audit hash chain walked from its first event, each link recomputed under the
//!   company's chain key and checked against the newest anchor kept outside the records;
//! - a sample of sealed items opened (projects, company library items, inquiries): each
//!   must open under the company's key with its own associated data;
//! - every live export read back and its SHA-256 compared with the one recorded when it
//!   was stored.

use serde::Serialize;

use crate::backend::Backend;
use crate::error::ApiError;
use crate::http::now_millis;
use crate::ids::TenantId;
use crate::ports::{DeskKind, StoredAuditEvent};
use crate::seal::{chain_hash, CHAIN_START};

/// Sealed items of each kind opened per company and run.
pub const SAMPLE_PER_KIND: usize = 20;
/// Exports read back per company and run.
pub const MAX_EXPORTS: usize = 50;

/// `GET /audit/verify`, and the chain part of a company's integrity report.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ChainVerification {
    /// Whether every link holds.
    pub intact: bool,
    /// Events checked.
    pub events: u64,
    /// The last event's place and link (the chain's head), when there is one.
    pub head_seq: Option<u64>,
    pub head_hash: Option<String>,
    /// The first link that does not hold, when one does not.
    pub first_broken: Option<BrokenLink>,
    /// The newest anchor of the chain's head kept outside the records (see
    /// `platform::anchor`), which the chain was checked against; `None` before the first.
    pub anchor: Option<AnchorSeen>,
}

/// An anchor as verification used it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AnchorSeen {
    pub seq: u64,
    pub hash: String,
    /// When it was written (ms since the Unix epoch).
    pub at: i64,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct BrokenLink {
    pub seq: u64,
    /// The event's id; `None` for `truncated`, where the anchored event is missing.
    pub id: Option<String>,
    /// `sequence_gap`, `previous_hash_mismatch`, `hash_mismatch`, `anchor_mismatch` (the
    /// event at an anchored place is not the one anchored) or `truncated` (the chain ends
    /// before its anchored head: newest events were removed).
    pub reason: String,
}

/// `yyyy-mm` of a UTC millisecond.
fn month_of(ms: i64) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp(ms.div_euclid(1000)).unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    format!("{:04}-{:02}", t.year(), u8::from(t.month()))
}

/// The month after `m` (`yyyy-mm`).
pub fn next_month(m: &str) -> String {
    let (y, mo) = m.split_once('-').and_then(|(y, mo)| Some((y.parse::<i32>().ok()?, mo.parse::<u32>().ok()?))).unwrap_or((1970, 1));
    if mo >= 12 {
        format!("{:04}-01", y + 1)
    } else {
        format!("{y:04}-{:02}", mo + 1)
    }
}

async fn month(backend: &Backend, tenant: &TenantId, month: &str) -> Result<Vec<StoredAuditEvent>, ApiError> {
    let mut all = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let page = backend.audit.list_month(tenant, month, after.as_deref(), 1000).await?;
        all.extend(page.items);
        match page.next {
            Some(n) => after = Some(n),
            None => return Ok(all),
        }
    }
}

/// Walk the company's whole chain from the month it was created to this one.
pub async fn verify_chain(backend: &Backend, tenant: &TenantId) -> Result<ChainVerification, ApiError> {
    let key = backend.chain_keys.chain_key(tenant).await?;
    let (created, checkpoint) = match backend.tenants.get_tenant(tenant).await? {
        Some(t) => (t.created_at, t.audit_checkpoint),
        // The operator's own chain has no company record: from its first month with events.
        None if tenant.is_reserved() => (0, None),
        None => return Err(ApiError::NotFound),
    };
    let mut m = month_of(created.min(now_millis()));
    if created == 0 {
        m = month_of(now_millis() - 3 * 365 * 86_400_000);
    }
    let last = month_of(now_millis());
    let (mut prev, mut expected, mut count) = (CHAIN_START.to_owned(), 1u64, 0u64);
    // Months removed under the retention: the chain goes on from the last removed link.
    if let Some(c) = &checkpoint {
        m = next_month(&c.month);
        prev = c.hash.clone();
        expected = c.seq + 1;
    }
    let mut head: Option<(u64, String)> = None;
    let mut broken = None;
    let anchor = backend.anchors.latest(tenant).await?;
    'months: loop {
        for e in month(backend, tenant, &m).await? {
            count += 1;
            let reason = if e.seq != expected {
                Some("sequence_gap")
            } else if e.prev_hash != prev {
                Some("previous_hash_mismatch")
            } else if e.hash != chain_hash(&key, &prev, &e.event) {
                Some("hash_mismatch")
            } else if anchor.as_ref().is_some_and(|a| a.seq == e.seq && a.hash != e.hash) {
                Some("anchor_mismatch")
            } else {
                None
            };
            if let Some(reason) = reason {
                broken = Some(BrokenLink { seq: e.seq, id: Some(e.id.clone()), reason: reason.into() });
                break 'months;
            }
            prev = e.hash.clone();
            expected += 1;
            head = Some((e.seq, e.hash));
        }
        if m >= last {
            break;
        }
        m = next_month(&m);
    }
    if let Some(a) = anchor.as_ref().filter(|a| broken.is_none() && head.as_ref().is_none_or(|h| h.0 < a.seq)) {
        broken = Some(BrokenLink { seq: a.seq, id: None, reason: "truncated".into() });
    }
    Ok(ChainVerification {
        intact: broken.is_none(),
        events: count,
        head_seq: head.as_ref().map(|h| h.0),
        head_hash: head.map(|h| h.1),
        first_broken: broken,
        anchor: anchor.map(|a| AnchorSeen { seq: a.seq, hash: a.hash, at: a.at }),
    })
}

/// Sealed items of one kind that were opened, and those that would not open.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SealedSample {
    pub checked: u64,
    /// `kind:id` of each item that did not open.
    pub failed: Vec<String>,
}

/// Exports read back, and those whose bytes no longer match their recorded SHA-256.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ExportCheck {
    pub checked: u64,
    pub mismatched: Vec<String>,
}

/// One company's integrity report.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TenantIntegrity {
    pub tenant: TenantId,
    /// Every check holds.
    pub ok: bool,
    pub checked_at: i64,
    pub audit: ChainVerification,
    pub sealed: SealedSample,
    pub exports: ExportCheck,
}

/// `n` indices spread over `0..len` (all of them when `len <= n`).
fn spread(len: usize, n: usize) -> Vec<usize> {
    if len <= n {
        return (0..len).collect();
    }
    (0..n).map(|i| i * (len - 1) / (n - 1).max(1)).collect()
}

/// Open a sample of the company's sealed items.
async fn sealed_sample(backend: &Backend, tenant: &TenantId) -> Result<SealedSample, ApiError> {
    let mut out = SealedSample::default();
    // Projects: a page at a time, a sample spread over the listing.
    let mut ids = Vec::new();
    let mut after = None;
    loop {
        let page = backend.projects.list_projects(tenant, after.as_ref(), 100).await?;
        ids.extend(page.items.iter().map(|p| p.id.clone()));
        match (page.next, page.items.last()) {
            (Some(_), Some(last)) if ids.len() < 10_000 => after = Some(last.id.clone()),
            _ => break,
        }
    }
    for i in spread(ids.len(), SAMPLE_PER_KIND) {
        out.checked += 1;
        if crate::projects::get(backend, tenant, &ids[i]).await.is_err() {
            out.failed.push(format!("project:{}", ids[i]));
        }
    }
    let items = backend.library.list_library_items(tenant, None, 100).await?.items;
    for i in spread(items.len(), SAMPLE_PER_KIND) {
        out.checked += 1;
        let r = &items[i];
        if backend.sealer.open(tenant, format!("library/{}/v{}", r.id, r.version).as_bytes(), &r.content).await.is_err() {
            out.failed.push(format!("library:{}", r.id));
        }
    }
    let inquiries = backend.desk.list_desk(DeskKind::Inquiry, Some(tenant)).await?;
    for i in spread(inquiries.len(), SAMPLE_PER_KIND) {
        out.checked += 1;
        let r = &inquiries[i];
        if backend.sealer.open(tenant, format!("inquiry/{}", r.id).as_bytes(), &r.sealed).await.is_err() {
            out.failed.push(format!("inquiry:{}", r.id));
        }
    }
    Ok(out)
}

/// Read back the company's live exports and compare their checksums.
async fn export_checksums(backend: &Backend, tenant: &TenantId) -> Result<ExportCheck, ApiError> {
    use sha2::Digest;
    let mut out = ExportCheck::default();
    let heads = backend.blobs.list(tenant, "").await.map_err(|e| ApiError::Unavailable(anyhow::anyhow!("{e}")))?;
    for head in heads.iter().filter(|h| !h.key.as_str().starts_with("imports/")).take(MAX_EXPORTS) {
        out.checked += 1;
        let ok = match backend.blobs.read_raw(tenant, &head.key, head.size.max(1)).await {
            Ok(bytes) => crate::seal::hex(&sha2::Sha256::digest(&bytes)) == head.sha256,
            Err(_) => false,
        };
        if !ok {
            out.mismatched.push(head.key.to_string());
        }
    }
    Ok(out)
}

/// Remove the company's audit months that lie wholly before its retention (at `now`),
/// oldest first. Before each month goes, the company's record keeps its last event's place and
/// link ([`crate::ports::AuditCheckpoint`]) so the rest of the chain still verifies. Returns
/// the events removed.
pub async fn prune_audit(backend: &Backend, tenant: &TenantId, now: i64) -> Result<u64, ApiError> {
    let Some(mut record) = backend.tenants.get_tenant(tenant).await? else { return Ok(0) };
    let keep_from = month_of(now - i64::from(record.settings.audit_retention_days()) * 86_400_000);
    let mut m = match &record.audit_checkpoint {
        Some(c) => next_month(&c.month),
        None => month_of(record.created_at),
    };
    let mut removed = 0;
    while m < keep_from {
        let events = month(backend, tenant, &m).await?;
        if let Some(last) = events.last() {
            record.audit_checkpoint = Some(crate::ports::AuditCheckpoint { month: m.clone(), seq: last.seq, hash: last.hash.clone() });
            record.version = backend.tenants.put_tenant(&record).await?;
            removed += backend.audit.delete_month(tenant, &m).await?;
        }
        m = next_month(&m);
    }
    Ok(removed)
}

/// Every check of one company.
pub async fn check_tenant(backend: &Backend, tenant: &TenantId) -> Result<TenantIntegrity, ApiError> {
    let audit = verify_chain(backend, tenant).await?;
    let sealed = sealed_sample(backend, tenant).await?;
    let exports = export_checksums(backend, tenant).await?;
    let ok = audit.intact && sealed.failed.is_empty() && exports.mismatched.is_empty();
    Ok(TenantIntegrity { tenant: tenant.clone(), ok, checked_at: now_millis(), audit, sealed, exports })
}

/// Every company whose data exists (active, suspended or terminating), by id.
pub async fn live_tenants(backend: &Backend) -> Result<Vec<TenantId>, ApiError> {
    let mut out = Vec::new();
    for entry in backend.tenants.list_tenants().await? {
        if entry.status != crate::ports::TenantStatus::Terminated && backend.tenants.get_tenant(&entry.id).await?.is_some() {
            out.push(entry.id);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_follow_each_other_and_samples_spread_over_the_listing() {
        assert_eq!(next_month("2026-12"), "2027-01");
        assert_eq!(next_month("2026-03"), "2026-04");
        assert_eq!(spread(3, 20), vec![0, 1, 2]);
        assert_eq!(spread(100, 3), vec![0, 49, 99]);
    }
}
