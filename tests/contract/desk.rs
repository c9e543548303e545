//! The service desk's store contract ([`platform::ports::DeskStore`]): records round-trip
//! with their version, a stale or racing write is refused and changes nothing, a tenant's
//! inquiries and grants are never listed for another tenant, and the operator's queue lists
//! every tenant's inquiries.

use platform::ids::TenantId;
use platform::ports::{DeskKind, DeskRecord, StoreError};

use super::{assert_version_mismatch, given_tenant, Target};

fn record(tenant: Option<&TenantId>, id: &str, version: u64, meta: &str) -> DeskRecord {
    DeskRecord { tenant: tenant.cloned(), id: id.to_owned(), version, meta: meta.to_owned(), sealed: b"sealed".to_vec() }
}

fn ids(records: &[DeskRecord]) -> Vec<String> {
    records.iter().map(|r| format!("{}/{}", r.tenant.as_ref().map(|t| t.as_str()).unwrap_or("-"), r.id)).collect()
}

/// Given a new announcement, when it is written again over version 1 it becomes version 2;
/// a write over version 1 again, or a second creation with the same id, is refused and the
/// stored record stays as it was.
pub async fn desk_records_need_the_version_they_read(t: &Target) {
    let desk = &t.backend.desk;
    assert_eq!(desk.put_desk(DeskKind::Announcement, &record(None, "a1", 0, r#"{"n":1}"#)).await.unwrap(), 1);
    assert!(matches!(desk.put_desk(DeskKind::Announcement, &record(None, "a1", 0, "{}")).await, Err(StoreError::AlreadyExists)));
    assert_eq!(desk.put_desk(DeskKind::Announcement, &record(None, "a1", 1, r#"{"n":2}"#)).await.unwrap(), 2);
    assert_version_mismatch(desk.put_desk(DeskKind::Announcement, &record(None, "a1", 1, r#"{"n":3}"#)).await, 2);
    let stored = desk.get_desk(DeskKind::Announcement, None, "a1").await.unwrap().expect("stored");
    assert_eq!((stored.version, stored.meta.as_str(), stored.sealed.as_slice()), (2, r#"{"n":2}"#, &b"sealed"[..]));
    assert!(matches!(desk.put_desk(DeskKind::Announcement, &record(None, "missing", 3, "{}")).await, Err(StoreError::NotFound)));
    assert!(desk.get_desk(DeskKind::Announcement, None, "missing").await.unwrap().is_none());
    // An id that could carry a key separator is never found.
    assert!(desk.get_desk(DeskKind::Announcement, None, "a1#x").await.unwrap().is_none());
}

/// Given two companies with inquiries and grants, each company's listing holds its own only,
/// a record is not found under the other company, and the operator's queue holds both.
pub async fn desk_tenants_never_see_each_others_records(t: &Target) {
    let desk = &t.backend.desk;
    let acme = given_tenant(&t.backend, "acme").await;
    let globex = given_tenant(&t.backend, "globex").await;
    for (tenant, id) in [(&acme, "i1"), (&acme, "i2"), (&globex, "i1")] {
        desk.put_desk(DeskKind::Inquiry, &record(Some(tenant), id, 0, "{}")).await.unwrap();
        desk.put_desk(DeskKind::SupportGrant, &record(Some(tenant), id, 0, "{}")).await.unwrap();
    }
    let a = acme.as_str();
    let g = globex.as_str();
    assert_eq!(ids(&desk.list_desk(DeskKind::Inquiry, Some(&acme)).await.unwrap()), [format!("{a}/i1"), format!("{a}/i2")]);
    assert_eq!(ids(&desk.list_desk(DeskKind::SupportGrant, Some(&globex)).await.unwrap()), [format!("{g}/i1")]);
    assert!(desk.get_desk(DeskKind::Inquiry, Some(&globex), "i2").await.unwrap().is_none());
    assert!(desk.get_desk(DeskKind::SupportGrant, Some(&globex), "i2").await.unwrap().is_none());
    let queue = ids(&desk.list_desk(DeskKind::Inquiry, None).await.unwrap());
    for want in [format!("{a}/i1"), format!("{a}/i2"), format!("{g}/i1")] {
        assert!(queue.contains(&want), "{want} missing from the operator's queue {queue:?}");
    }
    // Same id in two companies: two records, each with its own version.
    desk.put_desk(DeskKind::Inquiry, &record(Some(&acme), "i1", 1, r#"{"answered":true}"#)).await.unwrap();
    assert_eq!(desk.get_desk(DeskKind::Inquiry, Some(&globex), "i1").await.unwrap().unwrap().version, 1);
    // Grants are never listed across companies.
    assert!(desk.list_desk(DeskKind::SupportGrant, None).await.is_err());
}

/// Given an inquiry at version 1, when ten writers race to answer it, exactly one wins and
/// the others get `VersionMismatch`.
pub async fn desk_concurrent_writes_let_exactly_one_win(t: &Target) {
    let tenant = given_tenant(&t.backend, "race").await;
    t.backend.desk.put_desk(DeskKind::Inquiry, &record(Some(&tenant), "q", 0, "{}")).await.unwrap();
    let writers: Vec<_> = (0..10)
        .map(|i| {
            let desk = t.backend.desk.clone();
            let r = record(Some(&tenant), "q", 1, &format!(r#"{{"writer":{i}}}"#));
            tokio::spawn(async move { desk.put_desk(DeskKind::Inquiry, &r).await })
        })
        .collect();
    let mut won = 0;
    for w in writers {
        match w.await.unwrap() {
            Ok(2) => won += 1,
            Err(StoreError::VersionMismatch { current: 2 }) => {}
            other => panic!("unexpected outcome {other:?}"),
        }
    }
    assert_eq!(won, 1);
}
