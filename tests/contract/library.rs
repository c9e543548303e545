//! The company library's store contract ([`platform::ports::LibraryStore`]): every version is
//! kept and readable, a stale or racing write is refused and changes nothing, a deleted item
//! is gone while its id stays used, tenants never reach each other's items, and the items are
//! sealed at rest.

use platform::backend::Backend;
use platform::ids::TenantId;
use platform::ports::{LibraryItemRecord, StoreError};

use super::{assert_not_found, assert_version_mismatch, contains, given_tenant, winners_of, Target, T0};

/// The associated data a library item version is sealed with (as `platform::company_library`).
fn library_aad(id: &str, version: u64) -> Vec<u8> {
    format!("library/{id}/v{version}").into_bytes()
}

/// A library record whose content (`text`) is sealed for `tenant`.
async fn sealed_item(b: &Backend, tenant: &TenantId, id: &str, version: u64, text: &str) -> LibraryItemRecord {
    LibraryItemRecord {
        id: id.to_owned(),
        version,
        stored_at: T0 + version as i64,
        content: b.sealer.seal(tenant, &library_aad(id, version), text.as_bytes()).await.expect("item seals"),
    }
}

async fn opened(b: &Backend, tenant: &TenantId, r: &LibraryItemRecord) -> String {
    let plain = b.sealer.open(tenant, &library_aad(&r.id, r.version), &r.content).await.expect("item opens");
    String::from_utf8(plain).expect("UTF-8")
}

async fn get(b: &Backend, tenant: &TenantId, id: &str, version: Option<u64>) -> Option<LibraryItemRecord> {
    b.library.get_library_item(tenant, id, version).await.expect("get_library_item answers")
}

/// Given an item at version 1, when a second version is published, then the newest read is
/// version 2, version 1 is still readable as it was, a version not yet published is not, and
/// the listing shows the item once, at version 2.
pub async fn library_item_versions_are_all_kept(t: &Target) {
    let b = &t.backend;
    let acme = given_tenant(b, "acme").await;
    let v1 = sealed_item(b, &acme, "acme.pf.t-30", 1, "melting 300 s at 100 A").await;
    b.library.create_library_item(&acme, &v1).await.expect("create");
    let v2 = sealed_item(b, &acme, "acme.pf.t-30", 2, "melting 450 s at 100 A").await;
    b.library.replace_library_item(&acme, &v2, 1).await.expect("publish version 2");

    assert_eq!(get(b, &acme, "acme.pf.t-30", None).await.as_ref(), Some(&v2));
    assert_eq!(get(b, &acme, "acme.pf.t-30", Some(2)).await.as_ref(), Some(&v2));
    let old = get(b, &acme, "acme.pf.t-30", Some(1)).await.expect("version 1 is kept");
    assert_eq!(old, v1);
    assert_eq!(opened(b, &acme, &old).await, "melting 300 s at 100 A");
    assert_eq!(get(b, &acme, "acme.pf.t-30", Some(3)).await, None, "version 3 was never published");
    assert_eq!(get(b, &acme, "acme.pf.t-30", Some(0)).await, None);

    let page = b.library.list_library_items(&acme, None, 10).await.expect("list");
    assert_eq!(page.items, vec![v2]);
    assert_eq!(page.next, None);
}

/// Given an item at version 2, when a writer holding version 1 publishes or deletes, then it
/// is refused naming version 2 and the item is exactly as it was.
pub async fn library_item_stale_writes_are_refused_and_change_nothing(t: &Target) {
    let b = &t.backend;
    let acme = given_tenant(b, "acme").await;
    b.library.create_library_item(&acme, &sealed_item(b, &acme, "relay", 1, "v1").await).await.expect("create");
    let v2 = sealed_item(b, &acme, "relay", 2, "v2").await;
    b.library.replace_library_item(&acme, &v2, 1).await.expect("first writer");

    let stale = sealed_item(b, &acme, "relay", 2, "stale").await;
    assert_version_mismatch(b.library.replace_library_item(&acme, &stale, 1).await, 2);
    assert_version_mismatch(b.library.delete_library_item(&acme, "relay", Some(1)).await, 2);
    let stored = get(b, &acme, "relay", None).await.expect("still there");
    assert_eq!(stored, v2);
    assert_eq!(opened(b, &acme, &stored).await, "v2");
    assert_eq!(opened(b, &acme, &get(b, &acme, "relay", Some(2)).await.expect("v2")).await, "v2", "a refused write replaced version 2");
}

/// Given an item at version 1, when five writers publish version 2 at once, then exactly one
/// wins, every other is refused naming version 2, and version 2 is the winner's.
pub async fn library_item_concurrent_replaces_let_exactly_one_win(t: &Target) {
    let b = &t.backend;
    let acme = given_tenant(b, "acme").await;
    b.library.create_library_item(&acme, &sealed_item(b, &acme, "fuse", 1, "v1").await).await.expect("create");
    let mut writers = Vec::new();
    for i in 0..5 {
        let record = sealed_item(b, &acme, "fuse", 2, &format!("writer {i}")).await;
        let (library, tenant) = (b.library.clone(), acme.clone());
        writers.push(tokio::spawn(async move {
            let r = library.replace_library_item(&tenant, &record, 1).await;
            (record, r)
        }));
    }
    let winners = winners_of(writers).await;
    assert_eq!(get(b, &acme, "fuse", Some(2)).await.as_ref(), winners.first());
    assert_eq!(get(b, &acme, "fuse", None).await.as_ref(), winners.first());
}

/// Given an item, when it is deleted at its version, then it is neither read (at any version)
/// nor listed nor replaced, and its id cannot be given to a new item: an id with a version
/// names the same data for ever.
pub async fn library_item_deleted_is_gone_and_its_id_stays_used(t: &Target) {
    let b = &t.backend;
    let acme = given_tenant(b, "acme").await;
    b.library.create_library_item(&acme, &sealed_item(b, &acme, "cable.cvt-38", 1, "v1").await).await.expect("create");
    let again = sealed_item(b, &acme, "cable.cvt-38", 1, "another v1").await;
    assert!(matches!(b.library.create_library_item(&acme, &again).await, Err(StoreError::AlreadyExists)));

    b.library.delete_library_item(&acme, "cable.cvt-38", Some(1)).await.expect("delete");
    assert_eq!(get(b, &acme, "cable.cvt-38", None).await, None);
    assert_eq!(get(b, &acme, "cable.cvt-38", Some(1)).await, None);
    assert!(b.library.list_library_items(&acme, None, 10).await.expect("list").items.is_empty());
    assert_not_found(b.library.delete_library_item(&acme, "cable.cvt-38", None).await);
    assert_not_found(b.library.replace_library_item(&acme, &sealed_item(b, &acme, "cable.cvt-38", 2, "v2").await, 1).await);
    let r = b.library.create_library_item(&acme, &again).await;
    assert!(matches!(r, Err(StoreError::AlreadyExists)), "a deleted id was used again: {r:?}");
}

/// Given 25 items, when a client pages 10 at a time, then it sees each once, in id order, in
/// pages of 10, 10 and 5, each at its newest version.
pub async fn library_items_page_in_id_order(t: &Target) {
    let b = &t.backend;
    let acme = given_tenant(b, "acme").await;
    let mut expected = Vec::new();
    for i in 0..25 {
        let id = format!("Acme.item-{:02}", (i * 7) % 25);
        b.library.create_library_item(&acme, &sealed_item(b, &acme, &id, 1, &id).await).await.expect("create");
        if i % 5 == 0 {
            b.library.replace_library_item(&acme, &sealed_item(b, &acme, &id, 2, &id).await, 1).await.expect("replace");
        }
        expected.push(id);
    }
    expected.sort();
    let mut seen = Vec::new();
    let mut sizes = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let page = b.library.list_library_items(&acme, after.as_deref(), 10).await.expect("list");
        sizes.push(page.items.len());
        seen.extend(page.items);
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
        assert!(sizes.len() <= 5, "paging does not end");
    }
    assert_eq!(seen.iter().map(|r| r.id.clone()).collect::<Vec<_>>(), expected);
    assert_eq!(sizes[..3], [10, 10, 5]);
    assert_eq!(seen.iter().filter(|r| r.version == 2).count(), 5, "five items were published twice");
    for r in &seen {
        assert_eq!(opened(b, &acme, r).await, r.id);
    }
}

/// Given tenants A and B using the same item id, when A reads, lists, replaces or deletes it,
/// then A only ever reaches its own item and B's is unchanged.
pub async fn tenant_cannot_reach_another_tenants_library_items(t: &Target) {
    let b = &t.backend;
    let a = given_tenant(b, "tenant-a").await;
    let bee = given_tenant(b, "tenant-b").await;
    let theirs = sealed_item(b, &bee, "acme.ocr.ei", 1, "B's catalogue curve").await;
    b.library.create_library_item(&bee, &theirs).await.expect("B creates");

    assert_eq!(get(b, &a, "acme.ocr.ei", None).await, None, "A read B's item");
    assert_eq!(get(b, &a, "acme.ocr.ei", Some(1)).await, None, "A read B's version 1");
    assert!(b.library.list_library_items(&a, None, 100).await.expect("list").items.is_empty(), "A listed B's item");
    assert_not_found(b.library.replace_library_item(&a, &sealed_item(b, &a, "acme.ocr.ei", 2, "A's").await, 1).await);
    assert_not_found(b.library.delete_library_item(&a, "acme.ocr.ei", Some(1)).await);

    // A may use the same id: it lands in A's space only.
    let mine = sealed_item(b, &a, "acme.ocr.ei", 1, "A's own curve").await;
    b.library.create_library_item(&a, &mine).await.expect("ids are per tenant");
    assert_eq!(get(b, &a, "acme.ocr.ei", None).await, Some(mine));
    let still = get(b, &bee, "acme.ocr.ei", None).await.expect("B's item survives");
    assert_eq!(still, theirs);
    // B's sealed item does not open as A's.
    assert!(b.sealer.open(&a, &library_aad("acme.ocr.ei", 1), &still.content).await.is_err());
}

/// Given an item whose text carries a marker, when stored in two versions, then the raw
/// storage never shows the marker, and a version's sealed content does not open as another
/// version's.
pub async fn library_items_are_sealed_at_rest(t: &Target) {
    let b = &t.backend;
    let acme = given_tenant(b, "acme").await;
    let marker = "KYOCHO-LIBRARY-MARKER-51c9";
    let v1 = sealed_item(b, &acme, "marked", 1, &format!("{{\"maker\":\"{marker}\"}}")).await;
    b.library.create_library_item(&acme, &v1).await.expect("create");
    let v2 = sealed_item(b, &acme, "marked", 2, &format!("{{\"maker\":\"{marker} 2\"}}")).await;
    b.library.replace_library_item(&acme, &v2, 1).await.expect("replace");

    let raw = t.raw_storage().await;
    assert!(contains(&raw, b"marked"), "the raw dump does not show the stored item at all");
    assert!(!contains(&raw, marker.as_bytes()), "plaintext found in raw {} storage", t.name());
    assert!(b.sealer.open(&acme, &library_aad("marked", 2), &v1.content).await.is_err(), "version 1 opened as version 2");
}
