//! The canonical form: the bytes that are signed are fixed by what the certificate says,
//! not by how its JSON was written, and they are exactly what docs/deletion-certificate.md
//! shows (its test vector).

mod common;

use certificate::canonical::to_canonical;
use certificate::{kinds, sign, verify_file, DeletedCounts, SignedCertificate};
use common::{fixed_ed25519, sample};

/// The test vector of docs/deletion-certificate.md: the sample certificate's canonical bytes…
const VECTOR_CANONICAL: &str = concat!(
    r#"{"certificate_id":"0196a3c2-7f1e-7b3a-9c1d-2e4f5a6b7c8d","company_name":"株式会社サンプル電設","completed_at":"2025-04-01T09:30:00Z","#,
    r#""deleted":{"audit_events":3456,"inquiries":3,"object_versions":87,"records":1200,"users":12},"#,
    r#""evidence":{"manifest_sha256":"cc310eab5bab3c46676a9539766253bbdbce8910aba17ec0589242b8b7a3bc6f","records_sha256":"73370db39cd2ada0df77113669a6483770b4b791f4df3bed5c01ab989550e2b5"},"#,
    r#""format":"kyocho-deletion-certificate","#,
    r#""issuer":{"algorithm":"ed25519","region":"ap-northeast-1","service":"kyocho","signing_key_id":"kyocho-local-certificates-1"},"#,
    r#""key":{"deletion_scheduled_for":"2025-05-01T09:30:00Z","key_arn_or_ref":"arn:aws:kms:ap-northeast-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab","key_id":"1234abcd-12ab-34cd-56ef-1234567890ab"},"#,
    r#""requested_at":"2025-03-31T00:15:00Z","requested_by":"arn:aws:sts::123456789012:assumed-role/KyochoOperator/yamada","tenant_id":"t-7f3a9c","version":1}"#,
);
/// …its Ed25519 signature with the secret key 32 × 0x07…
const VECTOR_SIGNATURE: &str = "zjhW21VqfEIS1vuC4aL2mLLbeKWu0Dpq6zCBNLBkLfygoIe1Rh4JHuK+LsaU4jqYGtl21nkkyCNNWkaLgAjQDw==";
/// …and that key's public key.
const VECTOR_PUBLIC_KEY: &str =
    "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA6kpsY+KcUgq+9VB7Ey7F+ZVHdq6+vnuSQh7qaRRG0iw=\n-----END PUBLIC KEY-----\n";

#[test]
fn the_sample_signs_to_the_documented_test_vector() {
    let signer = fixed_ed25519();
    let signed = sign(sample(&signer), &signer).expect("signed");
    assert_eq!(String::from_utf8(signed.certificate.canonical_bytes()).expect("utf-8"), VECTOR_CANONICAL);
    assert_eq!(certificate::sign::signature_base64(&signed.signature), VECTOR_SIGNATURE);
    assert_eq!(signer.public_key_pem(), VECTOR_PUBLIC_KEY);
}

#[test]
fn the_documented_evidence_digests_are_what_sort_and_sha256sum_print() {
    // LC_ALL=C sort -u keys.txt | sha256sum, and printf 'final archive' | sha256sum
    let sorted = "TENANT#t-7f3a9c#PROJECT#p-001\nTENANT#t-7f3a9c#PROJECT#p-002\nTENANT#t-7f3a9c#SETTINGS\n";
    let c = sample(&fixed_ed25519());
    assert_eq!(c.evidence.records_sha256, certificate::Sha256Digest::of(sorted.as_bytes()));
    assert_eq!(c.evidence.records_sha256.to_string(), "73370db39cd2ada0df77113669a6483770b4b791f4df3bed5c01ab989550e2b5");
    assert_eq!(
        c.evidence.manifest_sha256.map(|d| d.to_string()).as_deref(),
        Some("cc310eab5bab3c46676a9539766253bbdbce8910aba17ec0589242b8b7a3bc6f")
    );
}

#[test]
fn the_counts_give_the_same_bytes_whatever_order_they_were_added_in() {
    let signer = fixed_ed25519();
    let mut a = sample(&signer);
    let mut b = sample(&signer);
    let counts =
        [(kinds::USERS, 12), (kinds::RECORDS, 1200), (kinds::INQUIRIES, 3), (kinds::OBJECT_VERSIONS, 87), (kinds::AUDIT_EVENTS, 3456)];
    a.deleted = DeletedCounts::new();
    for (k, n) in counts {
        a.deleted.set(k, n).expect("count");
    }
    b.deleted = DeletedCounts::new();
    for (k, n) in counts.iter().rev() {
        b.deleted.set(k, *n).expect("count");
    }
    assert_eq!(a.canonical_bytes(), b.canonical_bytes());
    assert_eq!(String::from_utf8(a.canonical_bytes()).expect("utf-8"), VECTOR_CANONICAL);
}

#[test]
fn a_file_written_in_any_member_order_and_layout_verifies() {
    // The test vector as another tool might write it: members in reverse order, other
    // indentation, non-ASCII escaped.
    let file = r#"{ "signature" : "zjhW21VqfEIS1vuC4aL2mLLbeKWu0Dpq6zCBNLBkLfygoIe1Rh4JHuK+LsaU4jqYGtl21nkkyCNNWkaLgAjQDw==",
      "certificate" : {
        "version" : 1, "tenant_id" : "t-7f3a9c",
        "requested_by" : "arn:aws:sts::123456789012:assumed-role/KyochoOperator/yamada",
        "requested_at" : "2025-03-31T00:15:00Z",
        "key" : { "key_id" : "1234abcd-12ab-34cd-56ef-1234567890ab", "deletion_scheduled_for" : "2025-05-01T09:30:00Z",
                  "key_arn_or_ref" : "arn:aws:kms:ap-northeast-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab" },
        "issuer" : { "signing_key_id" : "kyocho-local-certificates-1", "service" : "kyocho", "region" : "ap-northeast-1", "algorithm" : "ed25519" },
        "format" : "kyocho-deletion-certificate",
        "evidence" : { "records_sha256" : "73370db39cd2ada0df77113669a6483770b4b791f4df3bed5c01ab989550e2b5",
                       "manifest_sha256" : "cc310eab5bab3c46676a9539766253bbdbce8910aba17ec0589242b8b7a3bc6f" },
        "deleted" : { "users" : 12, "records" : 1200, "object_versions" : 87, "inquiries" : 3, "audit_events" : 3456 },
        "completed_at" : "2025-04-01T09:30:00Z",
        "company_name" : "\u682a\u5f0f\u4f1a\u793e\u30b5\u30f3\u30d7\u30eb\u96fb\u8a2d",
        "certificate_id" : "0196a3c2-7f1e-7b3a-9c1d-2e4f5a6b7c8d"
      }
    }"#;
    let signed = SignedCertificate::from_json(file.as_bytes()).expect("reads");
    assert_eq!(String::from_utf8(signed.certificate.canonical_bytes()).expect("utf-8"), VECTOR_CANONICAL);
    let summary = verify_file(file.as_bytes(), VECTOR_PUBLIC_KEY.as_bytes()).expect("verifies");
    assert_eq!(summary.company_name, "株式会社サンプル電設");
}

#[test]
fn the_file_reads_back_to_the_same_certificate() {
    let signer = fixed_ed25519();
    let signed = sign(sample(&signer), &signer).expect("signed");
    let back = SignedCertificate::from_json(&signed.to_json()).expect("reads");
    assert_eq!(back, signed);
    assert_eq!(back.certificate.canonical_bytes(), signed.certificate.canonical_bytes());
}

#[test]
fn the_canonical_bytes_are_their_own_canonical_form() {
    // Canonicalising the canonical bytes again changes nothing: no whitespace, sorted
    // members, nothing left to normalise.
    let bytes = sample(&fixed_ed25519()).canonical_bytes();
    let value: serde_json::Value = serde_json::from_slice(&bytes).expect("JSON");
    assert_eq!(to_canonical(&value).expect("canonical"), bytes);
    assert!(!bytes.iter().any(|b| b.is_ascii_whitespace()), "whitespace outside strings");
}
