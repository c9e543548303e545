//! The contract every backend's adapters must keep, written once and run against each
//! backend (`tests/tests/contract.rs`). Each case takes a fresh [`Target`] and asserts what
//! a user of the service would notice: records round-trip, stale writes are refused and
//! change nothing, tenants never see each other's data, sealed content is unreadable at rest
//! and cannot be opened anywhere but where it was sealed.

mod blobs;
mod desk;
mod library;
mod target;

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use async_trait::async_trait;
use platform::auth::Role;
use platform::backend::Backend;
use platform::ids::{ProjectId, TenantId, UserId};
use platform::ports::{
    AuditEvent, AuditResult, ProjectMeta, ProjectRecord, StoreError, Tenant, User, UserStatus,
};
use platform::seal::{chain_hash, CachePolicy, DataKey, EnvelopeSealer, KeyProvider, SealError, Sealer, CHAIN_START};
use rand::RngCore;

pub use blobs::*;
pub use desk::*;
pub use library::*;
pub use target::{scan, Target, AWS_ENDPOINT_VAR};

// ---- helpers -------------------------------------------------------------------------

const T0: i64 = 1_767_225_600_000; // 2026-01-01T00:00:00Z

fn tenant_id(s: &str) -> TenantId {
    TenantId::parse(s).expect("a valid tenant id literal")
}

fn project_id(s: &str) -> ProjectId {
    ProjectId::parse(s).expect("a valid project id literal")
}

/// Create a tenant record and its key, as sign-up does.
pub async fn given_tenant(b: &Backend, id: &str) -> TenantId {
    let tenant = tenant_id(id);
    b.tenants
        .create_tenant(&Tenant::new(tenant.clone(), format!("{id} Electric Co."), T0))
        .await
        .expect("a new tenant is stored");
    b.sealer.create_tenant_key(&tenant).await.expect("the tenant's key is created");
    tenant
}

/// The associated data a project part is sealed with: item keys, version and role.
pub fn project_aad(id: &ProjectId, version: u64, part: &str) -> Vec<u8> {
    format!("project/{id}/v{version}/{part}").into_bytes()
}

/// A project record whose summary and content are sealed for `tenant`.
pub async fn sealed_project(
    b: &Backend,
    tenant: &TenantId,
    id: &ProjectId,
    version: u64,
    summary: &[u8],
    content: &[u8],
) -> ProjectRecord {
    ProjectRecord {
        id: id.clone(),
        version,
        created_at: T0,
        updated_at: T0 + version as i64,
        summary: b.sealer.seal(tenant, &project_aad(id, version, "summary"), summary).await.expect("summary seals"),
        content: b.sealer.seal(tenant, &project_aad(id, version, "content"), content).await.expect("content seals"),
    }
}

async fn open_content(b: &Backend, tenant: &TenantId, r: &ProjectRecord) -> Result<Vec<u8>, SealError> {
    b.sealer.open(tenant, &project_aad(&r.id, r.version, "content"), &r.content).await
}

async fn get(b: &Backend, tenant: &TenantId, id: &ProjectId) -> Option<ProjectRecord> {
    b.projects.get_project(tenant, id).await.expect("get_project answers")
}

fn plain(content: &[u8]) -> ProjectRecord {
    ProjectRecord {
        id: project_id("plain"),
        version: 1,
        created_at: T0,
        updated_at: T0,
        summary: b"summary".to_vec(),
        content: content.to_vec(),
    }
}

fn random_bytes(len: usize) -> Vec<u8> {
    let mut v = vec![0u8; len];
    rand::thread_rng().fill_bytes(&mut v);
    v
}

/// A JSON project document of about `bytes` bytes, shaped like a single-line diagram.
pub fn big_document(bytes: usize, marker: &str) -> Vec<u8> {
    let mut doc = String::from("{\"marker\":\"");
    doc.push_str(marker);
    doc.push_str("\",\"nodes\":[");
    let mut i = 0usize;
    while doc.len() < bytes {
        if i > 0 {
            doc.push(',');
        }
        doc.push_str(&format!(
            "{{\"id\":\"n{i}\",\"kind\":\"VCB\",\"rated_kv\":7.2,\"rated_a\":600,\"x_mm\":{},\"label\":\"{marker}-{i}\"}}",
            i * 37 % 10_000
        ));
        i += 1;
    }
    doc.push_str("]}");
    doc.into_bytes()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn assert_version_mismatch<T: std::fmt::Debug>(r: Result<T, StoreError>, expected_current: u64) {
    match r {
        Err(StoreError::VersionMismatch { current }) => assert_eq!(current, expected_current, "reported current version"),
        other => panic!("expected VersionMismatch {{ current: {expected_current} }}, got {other:?}"),
    }
}

fn assert_not_found<T: std::fmt::Debug>(r: Result<T, StoreError>) {
    assert!(matches!(r, Err(StoreError::NotFound)), "expected NotFound, got {r:?}");
}

fn assert_unopenable(r: Result<Vec<u8>, SealError>) {
    assert!(
        matches!(r, Err(SealError::Integrity(_)) | Err(SealError::NoKey)),
        "sealed data opened where it must not: {:?}",
        r.map(|v| v.len())
    );
}

// ---- projects ------------------------------------------------------------------------

/// Given a tenant, when it creates, reads, updates and deletes a project, then each step is
/// visible to the next and the deleted project is gone.
pub async fn project_create_read_update_delete(t: &Target) {
    let b = &t.backend;
    let acme = given_tenant(b, "acme").await;
    let id = project_id("p1");

    let v1 = sealed_project(b, &acme, &id, 1, b"{\"name\":\"Plant A\"}", b"{\"nodes\":[1]}").await;
    b.projects.create_project(&acme, &v1).await.expect("create");
    let read = get(b, &acme, &id).await.expect("the new project is found");
    assert_eq!(read, v1);
    assert_eq!(open_content(b, &acme, &read).await.expect("opens"), b"{\"nodes\":[1]}");

    let v2 = sealed_project(b, &acme, &id, 2, b"{\"name\":\"Plant A2\"}", b"{\"nodes\":[1,2]}").await;
    b.projects.replace_project(&acme, &v2, 1).await.expect("replace at the current version");
    let read = get(b, &acme, &id).await.expect("still there");
    assert_eq!(read, v2);
    assert_eq!(open_content(b, &acme, &read).await.expect("opens"), b"{\"nodes\":[1,2]}");

    b.projects.delete_project(&acme, &id, Some(2)).await.expect("delete at the current version");
    assert_eq!(get(b, &acme, &id).await, None);
    assert_not_found(b.projects.delete_project(&acme, &id, None).await);
    assert_not_found(b.projects.replace_project(&acme, &sealed_project(b, &acme, &id, 3, b"s", b"c").await, 2).await);
    let page = b.projects.list_projects(&acme, None, 10).await.expect("list");
    assert!(page.items.is_empty(), "a deleted project is still listed: {:?}", page.items);
}

/// Given a project, when a second create uses its id, then it is refused and the stored
/// project is unchanged.
pub async fn project_create_with_taken_id_is_refused(t: &Target) {
    let b = &t.backend;
    let acme = given_tenant(b, "acme").await;
    let id = project_id("p1");
    let original = sealed_project(b, &acme, &id, 1, b"original", b"original content").await;
    b.projects.create_project(&acme, &original).await.expect("create");

    let intruder = sealed_project(b, &acme, &id, 1, b"other", b"other content").await;
    let r = b.projects.create_project(&acme, &intruder).await;
    assert!(matches!(r, Err(StoreError::AlreadyExists)), "expected AlreadyExists, got {r:?}");
    assert_eq!(get(b, &acme, &id).await, Some(original));
}

/// Given a project at version 2, when a writer still holding version 1 replaces it, then the
/// write is refused naming version 2 and the stored record is exactly version 2.
pub async fn project_stale_write_is_refused_and_changes_nothing(t: &Target) {
    let b = &t.backend;
    let acme = given_tenant(b, "acme").await;
    let id = project_id("p1");
    b.projects.create_project(&acme, &sealed_project(b, &acme, &id, 1, b"v1", b"content v1").await).await.expect("create");
    let v2 = sealed_project(b, &acme, &id, 2, b"v2", b"content v2").await;
    b.projects.replace_project(&acme, &v2, 1).await.expect("first writer wins");

    let stale = sealed_project(b, &acme, &id, 2, b"stale", b"stale content").await;
    assert_version_mismatch(b.projects.replace_project(&acme, &stale, 1).await, 2);

    let stored = get(b, &acme, &id).await.expect("still there");
    assert_eq!(stored, v2, "a refused write changed the stored record");
    assert_eq!(open_content(b, &acme, &stored).await.expect("opens"), b"content v2");
}

/// Given a project at version 2, when a delete names version 1, then it is refused naming
/// version 2 and the project is still there.
pub async fn project_stale_delete_is_refused(t: &Target) {
    let b = &t.backend;
    let acme = given_tenant(b, "acme").await;
    let id = project_id("p1");
    b.projects.create_project(&acme, &sealed_project(b, &acme, &id, 1, b"v1", b"c1").await).await.expect("create");
    let v2 = sealed_project(b, &acme, &id, 2, b"v2", b"c2").await;
    b.projects.replace_project(&acme, &v2, 1).await.expect("replace");

    assert_version_mismatch(b.projects.delete_project(&acme, &id, Some(1)).await, 2);
    assert_eq!(get(b, &acme, &id).await, Some(v2));
}

/// The records of the concurrent writers (each replacing version 1) that won: exactly one;
/// every other was refused naming version 2.
pub(crate) async fn winners_of<R>(writers: Vec<tokio::task::JoinHandle<(R, Result<(), StoreError>)>>) -> Vec<R> {
    let mut winners = Vec::new();
    for w in writers {
        let (record, r) = w.await.expect("writer task");
        match r {
            Ok(()) => winners.push(record),
            Err(StoreError::VersionMismatch { current }) => assert_eq!(current, 2),
            Err(e) => panic!("a losing writer got {e:?} instead of VersionMismatch"),
        }
    }
    assert_eq!(winners.len(), 1, "exactly one concurrent writer wins");
    winners
}

/// Given a project at version 1, when several writers replace it at once, all holding
/// version 1, then exactly one wins and every other is refused naming version 2.
pub async fn project_concurrent_replaces_let_exactly_one_win(t: &Target) {
    let b = &t.backend;
    let acme = given_tenant(b, "acme").await;
    let id = project_id("p1");
    b.projects.create_project(&acme, &sealed_project(b, &acme, &id, 1, b"v1", b"c1").await).await.expect("create");
    let mut records = Vec::new();
    for i in 0..5 {
        records.push(sealed_project(b, &acme, &id, 2, b"v2", format!("writer {i}").as_bytes()).await);
    }
    let writers: Vec<_> = records
        .into_iter()
        .map(|record| {
            let (projects, tenant) = (b.projects.clone(), acme.clone());
            tokio::spawn(async move {
                let r = projects.replace_project(&tenant, &record, 1).await;
                (record, r)
            })
        })
        .collect();
    let winners = winners_of(writers).await;
    assert_eq!(get(b, &acme, &id).await.as_ref(), winners.first());
}

/// Given 25 projects, when a client pages through them 10 at a time, then it sees each
/// exactly once, in id order, in pages of 10, 10 and 5, and the last page says no more.
pub async fn project_paging_returns_each_exactly_once_in_order(t: &Target) {
    let b = &t.backend;
    let acme = given_tenant(b, "acme").await;
    let mut expected = Vec::new();
    for i in 0..25 {
        // Created out of order, so the listing's order is the ids' and not the writes'.
        let id = project_id(&format!("p{:02}", (i * 7) % 25));
        let summary = format!("summary of {id}");
        b.projects
            .create_project(&acme, &sealed_project(b, &acme, &id, 1, summary.as_bytes(), b"{}").await)
            .await
            .expect("create");
        expected.push(id);
    }
    expected.sort();

    let mut seen: Vec<ProjectMeta> = Vec::new();
    let mut sizes = Vec::new();
    let mut after: Option<ProjectId> = None;
    loop {
        let page = b.projects.list_projects(&acme, after.as_ref(), 10).await.expect("list");
        assert!(page.items.len() <= 10, "a page exceeded its limit");
        sizes.push(page.items.len());
        seen.extend(page.items);
        match page.next {
            Some(next) => after = Some(ProjectId::parse(&next).expect("next is a project id")),
            None => break,
        }
        assert!(sizes.len() <= 5, "paging does not end");
    }
    let ids: Vec<ProjectId> = seen.iter().map(|m| m.id.clone()).collect();
    assert_eq!(ids, expected);
    assert_eq!(sizes[..3], [10, 10, 5]);
    for meta in &seen {
        let summary = b
            .sealer
            .open(&acme, &project_aad(&meta.id, meta.version, "summary"), &meta.summary)
            .await
            .expect("a listed summary opens");
        assert_eq!(summary, format!("summary of {}", meta.id).into_bytes());
    }
}

/// Given tenants A and B each with a project, when A calls with B's project id, then A can
/// neither read, list, replace nor delete B's project, and B's project is unchanged.
pub async fn tenant_cannot_reach_another_tenants_projects(t: &Target) {
    let b = &t.backend;
    let a = given_tenant(b, "tenant-a").await;
    let bee = given_tenant(b, "tenant-b").await;
    let theirs = project_id("shared-name");
    let mine = project_id("mine");
    let b_record = sealed_project(b, &bee, &theirs, 1, b"B's summary", b"B's secret diagram").await;
    b.projects.create_project(&bee, &b_record).await.expect("B creates");
    b.projects.create_project(&a, &sealed_project(b, &a, &mine, 1, b"A's", b"A's diagram").await).await.expect("A creates");

    assert_eq!(get(b, &a, &theirs).await, None, "A read B's project");
    let listed = b.projects.list_projects(&a, None, 100).await.expect("list");
    assert_eq!(listed.items.iter().map(|m| m.id.clone()).collect::<Vec<_>>(), vec![mine.clone()]);
    let listed_after = b.projects.list_projects(&a, Some(&project_id("a")), 100).await.expect("list after");
    assert!(listed_after.items.iter().all(|m| m.id == mine), "A's listing reached into B");
    let forged = sealed_project(b, &a, &theirs, 2, b"A's overwrite", b"A's overwrite").await;
    assert_not_found(b.projects.replace_project(&a, &forged, 1).await);
    assert_not_found(b.projects.delete_project(&a, &theirs, Some(1)).await);
    assert_not_found(b.projects.delete_project(&a, &theirs, None).await);

    // A may use the same id for its own project: it lands in A's space only.
    let a_same = sealed_project(b, &a, &theirs, 1, b"A's own", b"A's own").await;
    b.projects.create_project(&a, &a_same).await.expect("ids are per tenant");
    b.projects.delete_project(&a, &theirs, Some(1)).await.expect("A deletes its own");

    let still = get(b, &bee, &theirs).await.expect("B's project survives");
    assert_eq!(still, b_record);
    assert_eq!(open_content(b, &bee, &still).await.expect("B opens"), b"B's secret diagram");
}

/// Given a project document of 2 MB, when it is sealed, stored and read back, then it opens
/// to the same bytes; and 2 MB that do not compress round-trip through the store as well.
pub async fn project_content_of_2_mb_round_trips(t: &Target) {
    let b = &t.backend;
    let acme = given_tenant(b, "acme").await;
    let id = project_id("big");
    let doc = big_document(2 * 1024 * 1024, "substation");
    let record = sealed_project(b, &acme, &id, 1, b"{\"name\":\"Big\"}", &doc).await;
    b.projects.create_project(&acme, &record).await.expect("a 2 MB document is stored");
    let read = get(b, &acme, &id).await.expect("found");
    assert_eq!(open_content(b, &acme, &read).await.expect("opens"), doc);

    let noise = random_bytes(2 * 1024 * 1024 + 17);
    let mut raw = plain(&noise);
    raw.id = project_id("noise");
    b.projects.create_project(&acme, &raw).await.expect("2 MB of incompressible content is stored");
    assert_eq!(get(b, &acme, &raw.id).await.expect("found").content, noise);

    // Shrinking it again leaves exactly the new content.
    let mut small = raw.clone();
    small.version = 2;
    small.content = b"small".to_vec();
    b.projects.replace_project(&acme, &small, 1).await.expect("replace");
    assert_eq!(get(b, &acme, &raw.id).await, Some(small));
    let mut empty = plain(b"");
    empty.id = project_id("empty");
    empty.summary.clear();
    b.projects.create_project(&acme, &empty).await.expect("empty content is stored");
    assert_eq!(get(b, &acme, &empty.id).await, Some(empty));
}

// ---- tenants and users ---------------------------------------------------------------

/// Given a tenant, when it is created again, then that is refused; its settings update.
pub async fn tenants_create_get_update(t: &Target) {
    let b = &t.backend;
    let acme = given_tenant(b, "acme").await;
    let mut tenant = b.tenants.get_tenant(&acme).await.expect("get").expect("found");
    assert_eq!(tenant.name, "acme Electric Co.");
    assert!(matches!(b.tenants.create_tenant(&tenant).await, Err(StoreError::AlreadyExists)));
    tenant.settings.ip_allow_list = vec!["203.0.113.0/24".parse().expect("a network literal")];
    assert_eq!(tenant.version, 1, "a created tenant is at version 1");
    tenant.version = b.tenants.put_tenant(&tenant).await.expect("put");
    assert_eq!(tenant.version, 2);
    assert_eq!(b.tenants.get_tenant(&acme).await.expect("get"), Some(tenant));
    assert_eq!(b.tenants.get_tenant(&tenant_id("nobody")).await.expect("get"), None);
}

fn user(tenant: &TenantId, id: &str, sub: &str) -> User {
    User {
        tenant: tenant.clone(),
        id: UserId::parse(id).expect("a valid user id literal"),
        sub: sub.to_owned(),
        email: format!("{id}@example.jp"),
        name: format!("User {id}"),
        role: Role::Designer,
        permissions: None,
        status: UserStatus::Active,
        tokens_valid_after: 0,
        created_at: T0,
        version: 0,
    }
}

/// Given users in two tenants, when they are stored, changed and looked up by their
/// identity-provider subject, then each lookup finds exactly its user, and a subject that
/// belongs to someone else cannot be taken over.
pub async fn users_put_get_by_sub_list_and_sub_collision(t: &Target) {
    let b = &t.backend;
    let acme = given_tenant(b, "acme").await;
    let other = given_tenant(b, "other").await;
    let mut alice = user(&acme, "alice", "sub-alice");
    let mut bob = user(&acme, "bob", "sub-bob");
    let mut carol = user(&other, "carol", "sub-carol");
    for u in [&mut alice, &mut bob, &mut carol] {
        u.version = b.users.put_user(u).await.expect("put_user");
        assert_eq!(u.version, 1);
    }

    assert_eq!(b.users.get_user(&acme, &alice.id).await.expect("get"), Some(alice.clone()));
    assert_eq!(b.users.get_user(&other, &alice.id).await.expect("get"), None, "a user leaked across tenants");
    assert_eq!(b.users.user_by_sub("sub-carol").await.expect("by sub"), Some(carol.clone()));
    assert_eq!(b.users.user_by_sub("sub-nobody").await.expect("by sub"), None);
    let mut listed = b.users.list_users(&acme).await.expect("list");
    listed.sort_by(|x, y| x.id.cmp(&y.id));
    assert_eq!(listed, vec![alice.clone(), bob.clone()]);

    // A changed role takes effect on the next lookup.
    let mut admin = alice.clone();
    admin.role = Role::TenantAdmin;
    admin.permissions = Some(BTreeSet::new());
    admin.version = b.users.put_user(&admin).await.expect("update");
    assert_eq!(b.users.user_by_sub("sub-alice").await.expect("by sub"), Some(admin.clone()));

    // Someone else's subject — in this tenant or another — cannot be taken over.
    let thief = user(&acme, "mallory", "sub-bob");
    assert!(matches!(b.users.put_user(&thief).await, Err(StoreError::AlreadyExists)));
    let cross = user(&other, "dave", "sub-alice");
    assert!(matches!(b.users.put_user(&cross).await, Err(StoreError::AlreadyExists)));
    let mut bob_steals = bob.clone();
    bob_steals.sub = "sub-carol".to_owned();
    assert!(matches!(b.users.put_user(&bob_steals).await, Err(StoreError::AlreadyExists)));
    assert_eq!(b.users.user_by_sub("sub-bob").await.expect("by sub"), Some(bob.clone()));
    assert_eq!(b.users.user_by_sub("sub-carol").await.expect("by sub"), Some(carol));
    assert_eq!(b.users.get_user(&acme, &thief.id).await.expect("get"), None);
    assert_eq!(b.users.get_user(&acme, &bob.id).await.expect("get"), Some(bob.clone()));

    // A user whose subject changes is found by the new one only.
    let mut moved = bob.clone();
    moved.sub = "sub-bob-2".to_owned();
    moved.version = b.users.put_user(&moved).await.expect("change sub");
    assert_eq!(b.users.user_by_sub("sub-bob-2").await.expect("by sub"), Some(moved));
    assert_eq!(b.users.user_by_sub("sub-bob").await.expect("by sub"), None);
}

/// Given a user and a tenant read at some version, when one write lands and then a second
/// write made from the same reading arrives, then the second is refused with the stored
/// version and changes nothing (a disable racing a role change cannot restore the old role).
pub async fn user_and_tenant_writes_need_the_version_they_read(t: &Target) {
    let b = &t.backend;
    let acme = given_tenant(b, "acme").await;
    let mut read = user(&acme, "alice", "sub-alice");
    read.version = b.users.put_user(&read).await.expect("create");
    let disabled = User { status: UserStatus::Disabled, ..read.clone() };
    assert_eq!(b.users.put_user(&disabled).await.expect("disable"), 2);
    let promoted = User { role: Role::TenantAdmin, ..read.clone() };
    assert_version_mismatch(b.users.put_user(&promoted).await, 2);
    let stored = b.users.get_user(&acme, &read.id).await.expect("get").expect("found");
    assert_eq!((stored.status, stored.role, stored.version), (UserStatus::Disabled, Role::Designer, 2));
    assert_version_mismatch(b.users.put_user(&user(&acme, "alice", "sub-alice")).await, 2);

    let tenant = b.tenants.get_tenant(&acme).await.expect("get").expect("found");
    let mut first = tenant.clone();
    first.settings.mfa_required = true;
    b.tenants.put_tenant(&first).await.expect("first write");
    let mut second = tenant.clone();
    second.settings.lockout_threshold = Some(3);
    assert_version_mismatch(b.tenants.put_tenant(&second).await, 2);
    let stored = b.tenants.get_tenant(&acme).await.expect("get").expect("found");
    assert!(stored.settings.mfa_required && stored.settings.lockout_threshold.is_none(), "{stored:?}");
}

/// Given two full administrators and one reading of the administrator guard, when both
/// demote themselves through guarded writes made from that reading, then the first commits
/// and the second is refused as a version mismatch and changes nothing: one full
/// administrator remains. (One after the other, so that the adapters' conditions are what
/// is tested; the racing requests themselves are in `tests/security.rs`, on both backends.)
pub async fn guarded_writes_from_one_reading_let_exactly_one_commit(t: &Target) {
    let b = &t.backend;
    let acme = given_tenant(b, "acme").await;
    let mut admins = Vec::new();
    for id in ["ann", "ben"] {
        let mut u = User { role: Role::TenantAdmin, ..user(&acme, id, &format!("sub-{id}")) };
        u.version = b.users.put_user(&u).await.expect("create");
        admins.push(u);
    }
    let guard = b.users.admin_guard(&acme).await.expect("guard");
    let first = User { role: Role::Designer, ..admins[0].clone() };
    b.users.put_user_guarded(&first, guard).await.expect("the first guarded write commits");
    let second = User { role: Role::Designer, ..admins[1].clone() };
    assert_version_mismatch(b.users.put_user_guarded(&second, guard).await, guard.0 + 1);
    let stored = b.users.get_user(&acme, &admins[1].id).await.expect("get").expect("ben");
    assert_eq!((stored.role, stored.version), (Role::TenantAdmin, 1), "the refused write changed nothing");
    let still_admin = b.users.list_users(&acme).await.expect("list").into_iter().filter(|u| u.role == Role::TenantAdmin).count();
    assert_eq!(still_admin, 1);
    assert_eq!(b.users.admin_guard(&acme).await.expect("guard").0, guard.0 + 1, "a committed guarded write moves the guard");
}

/// Given users with e-mail addresses, then each is found by its address in any letter
/// case through the e-mail lookup, not in another tenant; a second user cannot take an
/// address in use; a changed address moves the lookup; a deleted user is not found and
/// frees the address.
pub async fn users_are_found_by_their_email_address(t: &Target) {
    let b = &t.backend;
    let acme = given_tenant(b, "acme").await;
    let other = given_tenant(b, "other").await;
    let mut alice = User { email: "Alice@Example.jp".into(), ..user(&acme, "alice", "sub-alice") };
    alice.version = b.users.put_user(&alice).await.expect("create");
    assert_eq!(b.users.user_by_email(&acme, " alice@example.JP ").await.expect("by email"), Some(alice.clone()));
    assert_eq!(b.users.user_by_email(&other, "alice@example.jp").await.expect("by email"), None);
    let twin = User { email: "ALICE@example.jp".into(), ..user(&acme, "twin", "sub-twin") };
    assert!(matches!(b.users.put_user(&twin).await, Err(StoreError::AlreadyExists)), "an address in use");

    let moved = User { email: "alice@new.example.jp".into(), ..alice.clone() };
    let version = b.users.put_user(&moved).await.expect("change e-mail");
    assert_eq!(b.users.user_by_email(&acme, "alice@example.jp").await.expect("by email"), None);
    assert_eq!(b.users.user_by_email(&acme, "alice@new.example.jp").await.expect("by email").map(|u| u.id), Some(alice.id.clone()));

    let deleted = User { status: UserStatus::Deleted, version, ..moved };
    b.users.put_user(&deleted).await.expect("delete");
    assert_eq!(b.users.user_by_email(&acme, "alice@new.example.jp").await.expect("by email"), None);
    let reuse = User { email: "alice@new.example.jp".into(), ..user(&acme, "alice2", "sub-alice2") };
    b.users.put_user(&reuse).await.expect("a deleted user's address is free again");
}

// ---- audit ---------------------------------------------------------------------------

/// An audit event as a signed-in user's request writes it (every field filled).
pub fn audit_event(at: i64, operation: &str) -> AuditEvent {
    AuditEvent {
        at,
        operation: operation.to_owned(),
        user_id: Some("alice".to_owned()),
        user_name: Some("Alice".to_owned()),
        company_name: Some("acme Electric Co.".to_owned()),
        target: Some("project:p1".to_owned()),
        source_ip: Some("203.0.113.7".to_owned()),
        request_id: Some(format!("req-{operation}")),
        result: AuditResult::Success,
        detail: Some("200".to_owned()),
    }
}

/// Given a tenant, when three events are appended, then they get seq 1, 2, 3, each hash
/// chains the previous by `chain_hash`, and the month's listing returns them in order (also
/// page by page); another tenant's chain is separate.
pub async fn audit_appends_form_a_hash_chain_listed_in_order(t: &Target) {
    let b = &t.backend;
    let acme = given_tenant(b, "acme").await;
    let other = given_tenant(b, "other").await;
    let events: Vec<AuditEvent> = ["POST /projects", "PUT /projects/{id}", "DELETE /projects/{id}"]
        .iter()
        .enumerate()
        .map(|(i, op)| audit_event(T0 + 1000 * i as i64, op))
        .collect();

    let key = b.chain_keys.chain_key(&acme).await.expect("chain key");
    assert_ne!(key, b.chain_keys.chain_key(&other).await.expect("chain key"), "each tenant's chain has its own key");
    let mut stored = Vec::new();
    let mut prev = CHAIN_START.to_owned();
    for (i, e) in events.iter().enumerate() {
        let s = b.audit.append(&acme, e).await.expect("append");
        assert_eq!(s.seq, i as u64 + 1);
        assert_eq!(s.prev_hash, prev);
        assert_eq!(s.hash, chain_hash(&key, &prev, e));
        // Without the key the link cannot be made: an unkeyed hash or another key differs.
        assert_ne!(s.hash, chain_hash(&platform::seal::ChainKey([0; 32]), &prev, e));
        assert_eq!(&s.event, e);
        prev = s.hash.clone();
        stored.push(s);
    }
    let ids: BTreeSet<&str> = stored.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids.len(), 3, "event ids are not unique");

    let page = b.audit.list_month(&acme, "2026-01", None, 100).await.expect("list");
    assert_eq!(page.items, stored);
    assert_eq!(page.next, None);

    let first = b.audit.list_month(&acme, "2026-01", None, 2).await.expect("list");
    assert_eq!(first.items, stored[..2]);
    let next = first.next.expect("more follow after two of three");
    let rest = b.audit.list_month(&acme, "2026-01", Some(&next), 2).await.expect("list");
    assert_eq!(rest.items, stored[2..]);
    assert_eq!(rest.next, None);

    assert!(b.audit.list_month(&acme, "2025-12", None, 100).await.expect("list").items.is_empty());
    assert!(b.audit.list_month(&other, "2026-01", None, 100).await.expect("list").items.is_empty());
    let theirs = b.audit.append(&other, &events[0]).await.expect("append");
    assert_eq!((theirs.seq, theirs.prev_hash.as_str()), (1, CHAIN_START));
}

// ---- sealing -------------------------------------------------------------------------

/// Given sealed data, then it opens for its tenant and associated data only; a tampered
/// blob does not open.
pub async fn sealed_data_opens_only_for_its_tenant_and_context(t: &Target) {
    let b = &t.backend;
    let acme = given_tenant(b, "acme").await;
    let other = given_tenant(b, "other").await;
    let sealed = b.sealer.seal(&acme, b"project/p1/v1/content", b"the diagram").await.expect("seal");
    assert_eq!(b.sealer.open(&acme, b"project/p1/v1/content", &sealed).await.expect("open"), b"the diagram");

    assert_unopenable(b.sealer.open(&other, b"project/p1/v1/content", &sealed).await);
    assert_unopenable(b.sealer.open(&acme, b"project/p1/v2/content", &sealed).await);
    assert_unopenable(b.sealer.open(&acme, b"project/p2/v1/content", &sealed).await);
    assert_unopenable(b.sealer.open(&tenant_id("no-key-tenant"), b"project/p1/v1/content", &sealed).await);
    let mut tampered = sealed.clone();
    if let Some(last) = tampered.last_mut() {
        *last ^= 1;
    }
    assert_unopenable(b.sealer.open(&acme, b"project/p1/v1/content", &tampered).await);
    assert_unopenable(b.sealer.open(&acme, b"project/p1/v1/content", b"not a sealed blob").await);

    // A tenant that never got a key cannot seal.
    let r = b.sealer.seal(&tenant_id("no-key-tenant"), b"x", b"y").await;
    assert!(matches!(r, Err(SealError::NoKey)), "sealing without a key: {:?}", r.map(|v| v.len()));
}

/// Given tenant A's sealed project, when its stored bytes are copied into tenant B's record
/// with the same id and version, then B cannot open them.
pub async fn sealed_blob_copied_to_another_tenant_cannot_be_opened(t: &Target) {
    let b = &t.backend;
    let a = given_tenant(b, "tenant-a").await;
    let bee = given_tenant(b, "tenant-b").await;
    let id = project_id("p1");
    let a_record = sealed_project(b, &a, &id, 1, b"A summary", b"A's secret diagram").await;
    b.projects.create_project(&a, &a_record).await.expect("A creates");

    let copied = get(b, &a, &id).await.expect("found");
    b.projects.create_project(&bee, &copied).await.expect("the copy is stored in B's space");
    let in_b = get(b, &bee, &id).await.expect("found in B");
    assert_unopenable(open_content(b, &bee, &in_b).await);
    assert_unopenable(b.sealer.open(&bee, &project_aad(&id, 1, "summary"), &in_b.summary).await);
    // Swapping summary and content inside A's own record does not open either.
    assert_unopenable(b.sealer.open(&a, &project_aad(&id, 1, "content"), &copied.summary).await);
}

/// Given content and a summary with a marker string, when stored, then the raw storage
/// (file bytes or a raw table scan) never contains the marker.
pub async fn raw_storage_never_contains_plaintext(t: &Target) {
    let b = &t.backend;
    let acme = given_tenant(b, "acme").await;
    let marker = "KYOCHO-PLAINTEXT-MARKER-7f3a";
    let id = project_id("marked");
    let summary = format!("{{\"name\":\"{marker} summary\"}}");
    let v1 = sealed_project(b, &acme, &id, 1, summary.as_bytes(), &big_document(600 * 1024, marker)).await;
    b.projects.create_project(&acme, &v1).await.expect("create");
    let v2 = sealed_project(b, &acme, &id, 2, summary.as_bytes(), format!("{{\"m\":\"{marker}\"}}").as_bytes()).await;
    b.projects.replace_project(&acme, &v2, 1).await.expect("replace");

    let raw = t.raw_storage().await;
    assert!(contains(&raw, id.as_str().as_bytes()), "the raw dump does not show the stored project at all");
    assert!(!contains(&raw, marker.as_bytes()), "plaintext found in raw {} storage", t.name());
    assert!(!contains(&raw, b"rated_kv"), "document structure found in raw {} storage", t.name());
}

/// A key provider that counts the calls reaching the one it wraps.
pub struct CountingKeys {
    inner: Arc<dyn KeyProvider>,
    /// `generate_data_key` calls so far.
    pub generated: Arc<AtomicUsize>,
    /// `decrypt_data_key` calls so far.
    pub decrypted: Arc<AtomicUsize>,
}

impl CountingKeys {
    /// Wrap `inner`, with both counters at zero.
    pub fn new(inner: Arc<dyn KeyProvider>) -> Self {
        CountingKeys { inner, generated: Arc::default(), decrypted: Arc::default() }
    }
}

#[async_trait]
impl KeyProvider for CountingKeys {
    async fn create_tenant_key(&self, tenant: &TenantId) -> Result<(), SealError> {
        self.inner.create_tenant_key(tenant).await
    }
    async fn destroy_tenant_key(&self, tenant: &TenantId) -> Result<platform::seal::KeyDestruction, SealError> {
        self.inner.destroy_tenant_key(tenant).await
    }
    async fn generate_data_key(&self, tenant: &TenantId) -> Result<(DataKey, Vec<u8>), SealError> {
        self.generated.fetch_add(1, Ordering::SeqCst);
        self.inner.generate_data_key(tenant).await
    }
    async fn decrypt_data_key(&self, tenant: &TenantId, wrapped: &[u8]) -> Result<DataKey, SealError> {
        self.decrypted.fetch_add(1, Ordering::SeqCst);
        self.inner.decrypt_data_key(tenant, wrapped).await
    }
}

/// Given a warm sealer, when one tenant seals 50 times and opens the results, then the key
/// service is asked for one data key and one unwrap, not 50 of each; another tenant gets
/// its own data key.
pub async fn data_key_cache_spares_the_key_service(t: &Target) {
    let acme = given_tenant(&t.backend, "acme").await;
    let other = given_tenant(&t.backend, "other").await;
    let keys = CountingKeys::new(t.key_provider());
    let (generated, decrypted) = (keys.generated.clone(), keys.decrypted.clone());
    let sealer = EnvelopeSealer::new(keys, CachePolicy::default());

    let mut blobs = Vec::new();
    for i in 0..50 {
        blobs.push(sealer.seal(&acme, b"aad", format!("message {i}").as_bytes()).await.expect("seal"));
    }
    assert_eq!(generated.load(Ordering::SeqCst), 1, "data keys generated for 50 seals");
    for (i, blob) in blobs.iter().enumerate() {
        assert_eq!(sealer.open(&acme, b"aad", blob).await.expect("open"), format!("message {i}").into_bytes());
    }
    assert_eq!(decrypted.load(Ordering::SeqCst), 1, "data keys unwrapped for 50 opens");

    sealer.seal(&other, b"aad", b"x").await.expect("seal");
    assert_eq!(generated.load(Ordering::SeqCst), 2, "each tenant has its own data key");
    // The backend's own sealer opens what this one sealed: same keys, same format.
    assert_eq!(t.backend.sealer.open(&acme, b"aad", &blobs[0]).await.expect("open"), b"message 0");
}

/// Given a data key wrapped for one tenant, when another tenant's context asks the key
/// service to unwrap it, then the key service refuses: the binding does not rest on the
/// blob's associated data alone.
pub async fn data_key_wrapped_for_one_tenant_does_not_unwrap_for_another(t: &Target) {
    let acme = given_tenant(&t.backend, "acme").await;
    let other = given_tenant(&t.backend, "other").await;
    let keys = t.key_provider();
    let (clear, wrapped) = keys.generate_data_key(&acme).await.expect("generate");
    let again = keys.decrypt_data_key(&acme, &wrapped).await.expect("unwraps for its tenant");
    assert_eq!(again.0, clear.0);
    let r = keys.decrypt_data_key(&other, &wrapped).await;
    assert!(
        matches!(r, Err(SealError::Integrity(_)) | Err(SealError::NoKey)),
        "a data key unwrapped for the wrong tenant"
    );
    let r = keys.generate_data_key(&tenant_id("no-key-tenant")).await;
    assert!(matches!(r, Err(SealError::NoKey)), "a data key without a tenant key");
}
