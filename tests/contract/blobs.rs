//! The blob contract: exports and imports round-trip with their SHA-256, stay in their
//! tenant's space, refuse keys that could escape it, vanish when they expire, and download
//! over plain HTTP through the URL the store hands out.

use std::collections::BTreeMap;
use std::time::Duration;

use platform::http::now_millis;
use platform::ports::{BlobError, BlobInfo, BlobKey};
use rand::RngCore;
use sha2::{Digest, Sha256};

use super::{given_tenant, Target};

fn key(s: &str) -> BlobKey {
    BlobKey::parse(s).expect("a valid blob key literal")
}

fn info(file_name: &str, expires_in_ms: i64) -> BlobInfo {
    BlobInfo {
        content_type: "application/pdf".to_owned(),
        file_name: file_name.to_owned(),
        metadata: BTreeMap::from([("project-id".to_owned(), "p1".to_owned())]),
        expires_at: now_millis() + expires_in_ms,
    }
}

fn noise(len: usize) -> Vec<u8> {
    let mut v = vec![0u8; len];
    rand::thread_rng().fill_bytes(&mut v);
    v
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

fn assert_blob_not_found<T: std::fmt::Debug>(r: Result<T, BlobError>, what: &str) {
    assert!(matches!(r, Err(BlobError::NotFound)), "{what}: expected NotFound, got {r:?}");
}

const HOUR_MS: i64 = 3_600_000;

/// Given a stored blob, when its tenant asks for its head and lists its folder, then both
/// report the size and the SHA-256 of exactly the bytes stored, with the file name, media
/// type, metadata and expiry; after a delete it is gone, and deleting again is no error.
pub async fn blob_put_head_list_delete_round_trip(t: &Target) {
    let b = &t.backend;
    let acme = given_tenant(b, "acme").await;
    let bytes = noise(300 * 1024);
    let k = key("exports/x1/tcc-p1.pdf");
    let stored = b.blobs.put(&acme, &k, bytes.clone(), &info("tcc-p1.pdf", HOUR_MS)).await.expect("put");
    assert_eq!(stored.size, bytes.len() as u64);
    assert_eq!(stored.sha256, sha256_hex(&bytes));

    let head = b.blobs.head(&acme, &k).await.expect("head");
    assert_eq!(head, stored, "head reports what put stored");
    assert_eq!(head.info.metadata.get("project-id").map(String::as_str), Some("p1"));

    b.blobs.put(&acme, &key("exports/x2/sld-p1.svg"), b"<svg/>".to_vec(), &info("sld-p1.svg", HOUR_MS)).await.expect("put");
    let listed = b.blobs.list(&acme, "exports/x1/").await.expect("list");
    assert_eq!(listed, vec![stored.clone()], "a listing sees only its prefix");
    assert_eq!(b.blobs.list(&acme, "exports/").await.expect("list").len(), 2);

    b.blobs.delete(&acme, &k).await.expect("delete");
    assert_blob_not_found(b.blobs.head(&acme, &k).await, "head after delete");
    b.blobs.delete(&acme, &k).await.expect("deleting a missing blob is no error");
    assert!(b.blobs.list(&acme, "exports/x1/").await.expect("list").is_empty());
}

/// Given tenant A's blob, when tenant B uses the very same key, then B cannot see, list,
/// download or delete it, and B's own write under that key leaves A's bytes unchanged.
pub async fn blob_tenant_cannot_reach_another_tenants_blobs(t: &Target) {
    let b = &t.backend;
    let acme = given_tenant(b, "acme").await;
    let globex = given_tenant(b, "globex").await;
    let k = key("exports/x1/report-checks-p1.csv");
    let a_bytes = b"acme's secret design".to_vec();
    let a_head = b.blobs.put(&acme, &k, a_bytes.clone(), &info("report-checks-p1.csv", HOUR_MS)).await.expect("put");

    assert_blob_not_found(b.blobs.head(&globex, &k).await, "B's head of A's key");
    assert_blob_not_found(b.blobs.download_url(&globex, &k, Duration::from_secs(60)).await, "B's URL for A's key");
    assert!(b.blobs.list(&globex, "").await.expect("list").is_empty(), "B lists A's blobs");
    b.blobs.delete(&globex, &k).await.expect("B's delete of a key it does not have");
    assert_eq!(b.blobs.head(&acme, &k).await.expect("A's blob survives B's delete"), a_head);

    b.blobs.put(&globex, &k, b"globex".to_vec(), &info("report-checks-p1.csv", HOUR_MS)).await.expect("B's own put");
    assert_eq!(b.blobs.head(&acme, &k).await.expect("A's head").sha256, sha256_hex(&a_bytes));
    let url = b.blobs.download_url(&acme, &k, Duration::from_secs(60)).await.expect("A's URL");
    let (status, body, _) = t.download(&url.url).await;
    assert_eq!((status, body), (200, a_bytes), "A's URL serves A's bytes");
}

/// Given keys that could climb out of the tenant's space or be read two ways, then none
/// parses; and a file name or metadata that could not be served safely is refused by the
/// store, which then holds nothing.
pub async fn blob_keys_and_names_that_could_escape_are_refused(t: &Target) {
    for bad in [
        "", "/x", "x/", "../x", "a/../b", "a/./b", "a//b", "..", ".hidden", "a\\b", "%2e%2e/x", "tenants/other/x y",
        "a/\u{0}b", "ä", &"a".repeat(513),
    ] {
        assert!(BlobKey::parse(bad).is_err(), "key {bad:?} parsed");
    }
    let b = &t.backend;
    let acme = given_tenant(b, "acme").await;
    let k = key("exports/x1/a.pdf");
    for (field, bad) in [
        ("file name", BlobInfo { file_name: "../a.pdf".into(), ..info("a.pdf", HOUR_MS) }),
        ("file name", BlobInfo { file_name: "a\".pdf".into(), ..info("a.pdf", HOUR_MS) }),
        ("content type", BlobInfo { content_type: "text/plain\r\nx: y".into(), ..info("a.pdf", HOUR_MS) }),
        ("metadata", BlobInfo { metadata: BTreeMap::from([("Bad Key".into(), "v".into())]), ..info("a.pdf", HOUR_MS) }),
        ("metadata", BlobInfo { metadata: BTreeMap::from([("kyocho-sha256".into(), "0".into())]), ..info("a.pdf", HOUR_MS) }),
    ] {
        let r = b.blobs.put(&acme, &k, b"x".to_vec(), &bad).await;
        assert!(matches!(r, Err(BlobError::Invalid(_))), "{field}: expected Invalid, got {r:?}");
    }
    assert_blob_not_found(b.blobs.head(&acme, &k).await, "a refused put stored something");
}

/// Given a blob whose expiry has passed, then no method finds it, even before the sweep
/// or lifecycle rule deletes it.
pub async fn blob_expired_is_not_found(t: &Target) {
    let b = &t.backend;
    let acme = given_tenant(b, "acme").await;
    let k = key("exports/old/a.pdf");
    b.blobs.put(&acme, &k, b"old".to_vec(), &info("a.pdf", -1000)).await.expect("put");
    assert_blob_not_found(b.blobs.head(&acme, &k).await, "head");
    assert_blob_not_found(b.blobs.download_url(&acme, &k, Duration::from_secs(60)).await, "download URL");
    assert!(b.blobs.list(&acme, "exports/").await.expect("list").is_empty());
}

/// Given a stored blob, when its download URL is fetched over plain HTTP without any token,
/// then it serves exactly the stored bytes with the media type and the file name; the URL
/// lives no longer than asked, and never longer than the blob.
pub async fn blob_download_url_serves_the_bytes_over_http(t: &Target) {
    let b = &t.backend;
    let acme = given_tenant(b, "acme").await;
    let bytes = noise(64 * 1024);
    let k = key("exports/x9/tcc-p1.pdf");
    b.blobs.put(&acme, &k, bytes.clone(), &info("tcc-p1.pdf", HOUR_MS)).await.expect("put");

    let before = now_millis();
    let url = b.blobs.download_url(&acme, &k, Duration::from_secs(60)).await.expect("URL");
    assert!(url.expires_at <= now_millis() + 60_000 && url.expires_at >= before + 58_000, "URL expiry {} not ~60 s ahead", url.expires_at - before);
    let (status, body, headers) = t.download(&url.url).await;
    assert_eq!(status, 200, "download");
    assert_eq!(sha256_hex(&body), sha256_hex(&bytes), "downloaded bytes differ");
    assert_eq!(headers.get("content-type").map(String::as_str), Some("application/pdf"));
    let disposition = headers.get("content-disposition").cloned().unwrap_or_default();
    assert!(disposition.contains("tcc-p1.pdf"), "content-disposition {disposition:?}");

    let short = key("exports/x9/short.pdf");
    b.blobs.put(&acme, &short, b"x".to_vec(), &info("short.pdf", 30_000)).await.expect("put");
    let url = b.blobs.download_url(&acme, &short, Duration::from_secs(900)).await.expect("URL");
    assert!(url.expires_at <= now_millis() + 30_000, "a URL outlives its blob");
}
