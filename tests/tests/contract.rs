//! The adapter contract, run against both backends: `local::*` on SQLite and the key file,
//! `aws::*` on DynamoDB and KMS in `moto_server` (started by `tests/run.sh`, which sets
//! `KYOCHO_TEST_AWS_ENDPOINT`; without it the aws tests fail rather than skip).
//!
//! What moto cannot show: KMS key states (disabled, pending deletion) and the real service's
//! limits (4 MB per transaction, throttling) are not modelled faithfully there, so the aws
//! cases cover the request/response shapes and the item layout; `aws_only` below checks the
//! adapter's own guards (part layout, transaction size) directly.

use kyocho_tests::contract::{self, Target};

macro_rules! contract_cases {
    ($($case:ident),* $(,)?) => {
        mod local {
            use super::*;
            $(
                #[tokio::test]
                async fn $case() {
                    contract::$case(&Target::local().await).await;
                }
            )*
        }
        mod aws {
            use super::*;
            $(
                #[tokio::test]
                async fn $case() {
                    contract::$case(&Target::aws().await).await;
                }
            )*
        }
    };
}

contract_cases!(
    project_create_read_update_delete,
    project_create_with_taken_id_is_refused,
    project_stale_write_is_refused_and_changes_nothing,
    project_stale_delete_is_refused,
    project_concurrent_replaces_let_exactly_one_win,
    project_paging_returns_each_exactly_once_in_order,
    tenant_cannot_reach_another_tenants_projects,
    project_content_of_2_mb_round_trips,
    tenants_create_get_update,
    users_put_get_by_sub_list_and_sub_collision,
    user_and_tenant_writes_need_the_version_they_read,
    guarded_writes_from_one_reading_let_exactly_one_commit,
    users_are_found_by_their_email_address,
    audit_appends_form_a_hash_chain_listed_in_order,
    sealed_data_opens_only_for_its_tenant_and_context,
    sealed_blob_copied_to_another_tenant_cannot_be_opened,
    raw_storage_never_contains_plaintext,
    data_key_cache_spares_the_key_service,
    data_key_wrapped_for_one_tenant_does_not_unwrap_for_another,
    blob_put_head_list_delete_round_trip,
    blob_tenant_cannot_reach_another_tenants_blobs,
    blob_keys_and_names_that_could_escape_are_refused,
    blob_expired_is_not_found,
    blob_download_url_serves_the_bytes_over_http,
    library_item_versions_are_all_kept,
    library_item_stale_writes_are_refused_and_change_nothing,
    library_item_concurrent_replaces_let_exactly_one_win,
    library_item_deleted_is_gone_and_its_id_stays_used,
    library_items_page_in_id_order,
    tenant_cannot_reach_another_tenants_library_items,
    library_items_are_sealed_at_rest,
    desk_records_need_the_version_they_read,
    desk_tenants_never_see_each_others_records,
    desk_concurrent_writes_let_exactly_one_win,
);

/// Signed download URLs of the local edition, served by `kyocho serve`. (On S3 the same
/// refusals are AWS's own; `moto_server` does not enforce presigned-URL expiry, so the aws
/// side cannot show them.)
mod local_only {
    use std::time::Duration;

    use platform::ids::TenantId;
    use platform::ports::{BlobInfo, BlobKey};

    use super::*;

    async fn given_blob(t: &Target, tenant: &str, key: &str) -> (TenantId, BlobKey) {
        let tenant = contract::given_tenant(&t.backend, tenant).await;
        let key = BlobKey::parse(key).expect("key");
        let info = BlobInfo {
            content_type: "text/csv; charset=utf-8".into(),
            file_name: key.file_name().to_owned(),
            metadata: Default::default(),
            expires_at: platform::http::now_millis() + 3_600_000,
        };
        t.backend.blobs.put(&tenant, &key, b"a,b\r\n".to_vec(), &info).await.expect("put");
        (tenant, key)
    }

    fn flip_hex_digit(url: &str) -> String {
        let at = url.rfind("sig=").expect("a signed URL") + 4 + 10;
        let mut chars: Vec<char> = url.chars().collect();
        chars[at] = if chars[at] == '0' { '1' } else { '0' };
        chars.into_iter().collect()
    }

    async fn assert_refused(t: &Target, url: &str, what: &str) {
        let (status, body, headers) = t.download(url).await;
        assert_eq!(status, 403, "{what}: {url}");
        assert_eq!(headers.get("content-type").map(String::as_str), Some("application/problem+json"), "{what}");
        let problem: serde_json::Value = serde_json::from_slice(&body).expect("problem JSON");
        assert_eq!(problem["code"], "download_refused", "{what}");
    }

    /// Given a valid URL, when it is fetched after its expiry, with one hex digit of its
    /// signature flipped, with its expiry pushed later, or under another tenant's path,
    /// then each is refused with a 403 problem and no bytes.
    #[tokio::test]
    async fn expired_tampered_and_foreign_urls_are_refused() {
        let t = Target::local().await;
        let (acme, key) = given_blob(&t, "acme", "exports/x1/report.csv").await;
        contract::given_tenant(&t.backend, "globex").await;
        let good = t.backend.blobs.download_url(&acme, &key, Duration::from_secs(60)).await.expect("URL");
        assert_eq!(t.download(&good.url).await.0, 200, "the untouched URL works");

        let blobs = t.local_blobs().expect("local");
        let past = time::OffsetDateTime::now_utc().unix_timestamp() - 1;
        assert_refused(&t, &blobs.sign_path(&acme, &key, past), "expired").await;
        assert_refused(&t, &flip_hex_digit(&good.url), "tampered signature").await;
        let (_, exp_and_sig) = good.url.split_once("exp=").expect("exp");
        let (exp, sig) = exp_and_sig.split_once('&').expect("sig");
        let later = good.url.replace(&format!("exp={exp}&"), &format!("exp={}&", exp.parse::<i64>().unwrap() + 3600));
        assert_refused(&t, &later, "expiry pushed later").await;
        assert_refused(&t, &good.url.replace("/_blobs/acme/", "/_blobs/globex/"), "another tenant's path").await;
        assert_refused(&t, &format!("/_blobs/acme/exports/x1/report.csv?exp={exp}"), "no signature").await;
        assert!(!sig.is_empty());
    }

    /// Given a blob whose export has expired on disk, when the sweep runs, then its files
    /// are deleted and a URL signed before its expiry finds nothing.
    #[tokio::test]
    async fn the_sweep_removes_expired_blobs_and_their_urls_find_nothing() {
        let t = Target::local().await;
        let acme = contract::given_tenant(&t.backend, "acme").await;
        let key = BlobKey::parse("exports/x2/old.csv").expect("key");
        let info = BlobInfo {
            content_type: "text/csv".into(),
            file_name: "old.csv".into(),
            metadata: Default::default(),
            expires_at: platform::http::now_millis() - 1,
        };
        t.backend.blobs.put(&acme, &key, b"old".to_vec(), &info).await.expect("put");
        let blobs = t.local_blobs().expect("local");
        let url = blobs.sign_path(&acme, &key, time::OffsetDateTime::now_utc().unix_timestamp() + 60);
        assert_eq!(t.download(&url).await.0, 404, "an expired blob is not served");
        assert_eq!(blobs.sweep(platform::http::now_millis()).expect("sweep"), 1);
        assert_eq!(blobs.sweep(platform::http::now_millis()).expect("sweep"), 0, "nothing left to sweep");
    }
}

/// What S3 records about a stored export. `moto_server` neither enforces presigned-URL
/// expiry nor encrypts with (or checks) the KMS key, so these tests check the request the
/// adapter makes — SSE-KMS under the tenant's alias — and the URL's own signature fields.
mod aws_blobs {
    use std::time::Duration;

    use platform::ports::{BlobInfo, BlobKey};

    use super::*;

    #[tokio::test]
    async fn exports_are_stored_under_the_tenant_prefix_with_sse_kms_and_presigned_for_the_ttl() {
        let t = Target::aws().await;
        let acme = contract::given_tenant(&t.backend, "acme").await;
        let key = BlobKey::parse("exports/x1/tcc-p1.pdf").expect("key");
        let info = BlobInfo {
            content_type: "application/pdf".into(),
            file_name: "tcc-p1.pdf".into(),
            metadata: Default::default(),
            expires_at: platform::http::now_millis() + 3_600_000,
        };
        t.backend.blobs.put(&acme, &key, b"%PDF-1.7".to_vec(), &info).await.expect("put");
        let (s3, bucket) = t.s3().expect("aws");
        let head = s3.head_object().bucket(bucket).key("tenants/acme/exports/x1/tcc-p1.pdf").send().await.expect("the object lies under the tenant prefix");
        assert_eq!(head.server_side_encryption().map(|s| s.as_str()), Some("aws:kms"));
        if let Some(kms_key) = head.ssekms_key_id() {
            assert!(kms_key.ends_with("/acme"), "encrypted under {kms_key}");
        }
        let url = t.backend.blobs.download_url(&acme, &key, Duration::from_secs(900)).await.expect("URL");
        assert!(url.url.contains("X-Amz-Expires=900"), "{}", url.url);
        assert!(url.url.contains("response-content-disposition="), "{}", url.url);
        assert!(url.url.contains("/tenants/acme/exports/x1/tcc-p1.pdf"), "{}", url.url);
    }
}

/// Checks of the DynamoDB layout that only make sense on that backend.
mod aws_only {
    use platform::ids::{ProjectId, TenantId};
    use platform::ports::{ProjectRecord, StoreError};
    use rand::RngCore;

    use super::*;

    fn record(id: &str, version: u64, content: Vec<u8>) -> ProjectRecord {
        ProjectRecord {
            id: ProjectId::parse(id).expect("a valid project id literal"),
            version,
            created_at: 1,
            updated_at: 1,
            summary: b"s".to_vec(),
            content,
        }
    }

    fn noise(len: usize) -> Vec<u8> {
        let mut v = vec![0u8; len];
        rand::thread_rng().fill_bytes(&mut v);
        v
    }

    async fn sort_keys(t: &Target) -> Vec<String> {
        let (client, table) = t.dynamo().expect("an aws target");
        let mut keys: Vec<String> = contract::scan(client, table)
            .await
            .iter()
            .filter_map(|item| item.get("SK").and_then(|v| v.as_s().ok()).cloned())
            .collect();
        keys.sort();
        keys
    }

    /// Given a 2 MB project, its content lies in parts under their own keys; after a
    /// replace only the new version's parts remain, and after a delete none.
    #[tokio::test]
    async fn content_parts_follow_the_current_version_only() {
        let t = Target::aws().await;
        let tenant = TenantId::parse("acme").expect("tenant id");
        let projects = &t.backend.projects;
        projects.create_project(&tenant, &record("big", 1, noise(2 * 1024 * 1024))).await.expect("create");
        let keys = sort_keys(&t).await;
        let v1_parts = keys.iter().filter(|k| k.starts_with("PART#big#0000000001#")).count();
        assert_eq!(v1_parts, 6, "2 MiB in parts of 350 KiB: {keys:?}");

        projects.replace_project(&tenant, &record("big", 2, noise(400 * 1024)), 1).await.expect("replace");
        let keys = sort_keys(&t).await;
        assert_eq!(
            keys,
            vec!["PART#big#0000000002#000", "PART#big#0000000002#001", "PROJECT#big"],
            "only the current version's parts remain"
        );

        projects.delete_project(&tenant, &ProjectId::parse("big").expect("id"), Some(2)).await.expect("delete");
        assert!(sort_keys(&t).await.is_empty(), "a deleted project left items behind");
    }

    /// Given content too large for one DynamoDB transaction, the write is refused as too
    /// large and nothing is stored; a replace that is too large leaves the old version.
    #[tokio::test]
    async fn content_too_large_for_one_transaction_is_refused_and_stores_nothing() {
        let t = Target::aws().await;
        let tenant = TenantId::parse("acme").expect("tenant id");
        let projects = &t.backend.projects;
        let r = projects.create_project(&tenant, &record("huge", 1, noise(5 * 1024 * 1024))).await;
        assert!(matches!(r, Err(StoreError::TooLarge { .. })), "expected TooLarge, got {r:?}");
        assert!(sort_keys(&t).await.is_empty(), "a refused write stored something");

        let small = record("p", 1, b"small".to_vec());
        projects.create_project(&tenant, &small).await.expect("create");
        let r = projects.replace_project(&tenant, &record("p", 2, noise(5 * 1024 * 1024)), 1).await;
        assert!(matches!(r, Err(StoreError::TooLarge { .. })), "expected TooLarge, got {r:?}");
        assert_eq!(projects.get_project(&tenant, &small.id).await.expect("get"), Some(small));
    }

    /// Given many appends racing on one tenant's chain, every append gets its own place:
    /// seq 1..=n with no gaps, each hash chaining the previous.
    #[tokio::test]
    async fn concurrent_audit_appends_keep_one_unbroken_chain() {
        let t = Target::aws().await;
        let tenant = TenantId::parse("acme").expect("tenant id");
        let event = contract::audit_event(1_767_225_600_000, "POST /projects");
        // Distinct times, so only the chain head's condition keeps two appends apart.
        let appends = (0..6).map(|i| {
            let audit = t.backend.audit.clone();
            let tenant = tenant.clone();
            let event = platform::ports::AuditEvent { at: event.at + i, ..event.clone() };
            tokio::spawn(async move { audit.append(&tenant, &event).await })
        });
        let appends: Vec<_> = appends.collect();
        for handle in appends {
            handle.await.expect("task").expect("append under contention");
        }
        let page = t.backend.audit.list_month(&tenant, "2026-01", None, 100).await.expect("list");
        let seqs: Vec<u64> = page.items.iter().map(|e| e.seq).collect();
        assert_eq!(seqs, (1..=6).collect::<Vec<_>>());
        let key = t.backend.chain_keys.chain_key(&tenant).await.expect("chain key");
        let mut prev = platform::seal::CHAIN_START.to_owned();
        for e in &page.items {
            assert_eq!(e.prev_hash, prev);
            assert_eq!(e.hash, platform::seal::chain_hash(&key, &prev, &e.event));
            prev = e.hash.clone();
        }
    }
}
