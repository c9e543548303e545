//! Signing and verifying: a certificate verifies with the issuer's key and with nothing
//! else, and any change to what it says, made in the value or in the file, is caught.

mod common;

use base64::Engine as _;
use certificate::{
    kinds, sign, verify, verify_file, Algorithm, Certificate, Ed25519Signer, KeyFate, PublicKey, SignError, SignedCertificate, Signer,
    VerifyError,
};
use common::{fixed_ed25519, sample, ts, KmsLikeP256};

fn signed_ed25519() -> (Ed25519Signer, SignedCertificate) {
    let signer = fixed_ed25519();
    let signed = sign(sample(&signer), &signer).expect("signed");
    (signer, signed)
}

#[test]
fn an_ed25519_certificate_verifies_with_its_public_key_in_every_form() {
    let (signer, signed) = signed_ed25519();
    assert_eq!(signed.signature.len(), 64);
    assert_eq!(verify(&signed, signer.public_key_pem().as_bytes()), Ok(()));
    assert_eq!(verify(&signed, &signer.public_key_der()), Ok(()));
    assert_eq!(verify(&signed, &signer.public_key_raw()), Ok(()));
}

/// A named change to a certificate.
type Alteration = (&'static str, fn(&mut Certificate));

/// Every change a forger might make, each on its own.
fn alterations() -> Vec<Alteration> {
    vec![
        ("one record fewer", |c| c.deleted.set(kinds::RECORDS, 1199).expect("count")),
        ("one user more", |c| c.deleted.set(kinds::USERS, 13).expect("count")),
        ("a kind added", |c| c.deleted.set(kinds::BACKUPS, 0).expect("count")),
        ("another tenant", |c| c.tenant_id = "t-7f3a9d".into()),
        ("another company", |c| c.company_name = "株式会社サンプル電気".into()),
        ("completed a second later", |c| c.completed_at = ts("2025-04-01T09:30:01Z")),
        ("requested a day earlier", |c| c.requested_at = ts("2025-03-30T00:15:00Z")),
        ("another requester", |c| c.requested_by.push('x')),
        ("key deleted later", |c| c.key.fate = KeyFate::DeletionScheduledFor(ts("2025-05-31T09:30:00Z"))),
        ("key said destroyed", |c| c.key.fate = KeyFate::DestroyedAt(ts("2025-05-01T09:30:00Z"))),
        ("another key", |c| c.key.key_id = "ffffffff-12ab-34cd-56ef-1234567890ab".into()),
        ("records digest changed", |c| c.evidence.records_sha256 = certificate::Sha256Digest::of(b"other")),
        ("archive digest dropped", |c| c.evidence.manifest_sha256 = None),
        ("another region", |c| c.issuer.region = "us-east-1".into()),
        ("another certificate id", |c| c.certificate_id = "0196a3c2-0000-7b3a-9c1d-2e4f5a6b7c8d".into()),
    ]
}

#[test]
fn altering_any_field_after_signing_breaks_the_signature() {
    let (signer, signed) = signed_ed25519();
    let key = signer.public_key_pem();
    for (what, alter) in alterations() {
        let mut forged = signed.clone();
        alter(&mut forged.certificate);
        assert_ne!(forged.certificate, signed.certificate, "{what}: no change made");
        match verify(&forged, key.as_bytes()) {
            Err(VerifyError::BadSignature { algorithm: Algorithm::Ed25519, .. }) => {}
            other => panic!("{what}: {other:?}"),
        }
    }
}

#[test]
fn editing_the_json_file_breaks_the_signature() {
    let (signer, signed) = signed_ed25519();
    let key = signer.public_key_pem();
    let json = String::from_utf8(signed.to_json()).expect("utf-8");
    assert!(verify_file(json.as_bytes(), key.as_bytes()).is_ok());
    for (from, to) in [
        ("\"records\": 1200", "\"records\": 120"),
        ("\"tenant_id\": \"t-7f3a9c\"", "\"tenant_id\": \"t-0000\""),
        ("\"completed_at\": \"2025-04-01T09:30:00Z\"", "\"completed_at\": \"2025-03-01T09:30:00Z\""),
        ("\"deletion_scheduled_for\": \"2025-05-01T09:30:00Z\"", "\"destroyed_at\": \"2025-05-01T09:30:00Z\""),
    ] {
        assert!(json.contains(from), "{from} not in the file:\n{json}");
        let forged = json.replace(from, to);
        match verify_file(forged.as_bytes(), key.as_bytes()) {
            Err(VerifyError::BadSignature { .. }) => {}
            other => panic!("{to}: {other:?}"),
        }
    }
}

#[test]
fn another_key_of_the_same_algorithm_does_not_verify() {
    let (_, signed) = signed_ed25519();
    let other = Ed25519Signer::generate();
    assert_eq!(
        verify(&signed, other.public_key_pem().as_bytes()),
        Err(VerifyError::BadSignature { algorithm: Algorithm::Ed25519, signing_key_id: "kyocho-local-certificates-1".into() })
    );
}

#[test]
fn a_key_of_the_other_algorithm_is_named_as_such() {
    let (_, signed) = signed_ed25519();
    let p256 = KmsLikeP256::new(3);
    assert_eq!(
        verify(&signed, &p256.public_key_der()),
        Err(VerifyError::WrongAlgorithm { certificate: Algorithm::Ed25519, key: Algorithm::EcdsaP256Sha256 })
    );
}

#[test]
fn a_signature_of_the_wrong_shape_is_malformed() {
    let (signer, mut signed) = signed_ed25519();
    signed.signature.truncate(63);
    assert!(matches!(
        verify(&signed, &signer.public_key_der()),
        Err(VerifyError::MalformedSignature { algorithm: Algorithm::Ed25519, .. })
    ));

    let json = String::from_utf8(signed_ed25519().1.to_json()).expect("utf-8");
    let b64 = base64::engine::general_purpose::STANDARD.encode(&signed_ed25519().1.signature);
    let not_base64 = json.replace(&b64, "not base64!");
    match verify_file(not_base64.as_bytes(), &signer.public_key_der()) {
        Err(VerifyError::Malformed(m)) => assert!(m.starts_with("signature:"), "{m}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_file_of_another_version_or_format_or_shape_says_so() {
    let (signer, signed) = signed_ed25519();
    let key = signer.public_key_der();
    let json = String::from_utf8(signed.to_json()).expect("utf-8");
    let v2 = json.replace("\"version\": 1", "\"version\": 2");
    assert_eq!(verify_file(v2.as_bytes(), &key), Err(VerifyError::UnsupportedVersion(2)));
    let other = json.replace("\"format\": \"kyocho-deletion-certificate\"", "\"format\": \"kyocho-invoice\"");
    assert_eq!(verify_file(other.as_bytes(), &key), Err(VerifyError::NotACertificate("kyocho-invoice".into())));
    assert!(matches!(verify_file(b"{\"signature\": \"\"}", &key), Err(VerifyError::Malformed(_))));
    assert!(matches!(verify_file(b"%PDF-1.7", &key), Err(VerifyError::Malformed(_))));

    let cases = [
        ("\"tenant_id\": \"t-7f3a9c\",", "\"tenant_id\": \"t-7f3a9c\", \"note\": \"added\",", "certificate.note:"),
        ("\"records\": 1200,", "\"records\": 1200, \"records\": 1,", "certificate.deleted"),
        ("\"records\": 1200,", "\"records\": -1,", "certificate.deleted"),
        ("\"tenant_id\": \"t-7f3a9c\",", "\"tenant_id\": \"t-7f3a9c\", \"tenant_id\": \"t-0\",", "certificate"),
        ("\"completed_at\": \"2025-04-01T09:30:00Z\"", "\"completed_at\": \"2025-04-01T18:30:00+09:00\"", "certificate.completed_at"),
        ("\"algorithm\": \"ed25519\"", "\"algorithm\": \"rsa\"", "certificate.issuer.algorithm"),
    ];
    for (from, to, path) in cases {
        assert!(json.contains(from), "{from}");
        match verify_file(json.replacen(from, to, 1).as_bytes(), &key) {
            Err(VerifyError::Malformed(m)) => assert!(m.starts_with(path), "{to}: {m}"),
            other => panic!("{to}: {other:?}"),
        }
    }
}

#[test]
fn a_malformed_public_key_is_named_as_such() {
    let (_, signed) = signed_ed25519();
    for key in [&b"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"[..], b"not a key", &[0u8; 44][..]] {
        assert!(matches!(verify(&signed, key), Err(VerifyError::MalformedKey(_))), "{}", String::from_utf8_lossy(key));
    }
    let private = fixed_ed25519().to_pkcs8_pem().expect("pem");
    match verify(&signed, private.as_bytes()) {
        Err(VerifyError::MalformedKey(m)) => assert!(m.contains("PRIVATE KEY"), "{m}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn verify_file_summarises_what_was_certified() {
    let (signer, signed) = signed_ed25519();
    let summary = verify_file(&signed.to_json(), signer.public_key_pem().as_bytes()).expect("valid");
    assert_eq!(summary.tenant_id, "t-7f3a9c");
    assert_eq!(summary.completed_at, ts("2025-04-01T09:30:00Z"));
    assert_eq!(summary.deleted.get(kinds::RECORDS), Some(1200));
    assert_eq!(summary.deleted.get(kinds::USERS), Some(12));
    let text = summary.to_string();
    for expected in [
        "Valid deletion certificate 0196a3c2-7f1e-7b3a-9c1d-2e4f5a6b7c8d",
        "株式会社サンプル電設",
        "tenant:       t-7f3a9c",
        "completed at: 2025-04-01T09:30:00Z",
        "records          1200",
        "audit_events     3456",
        "deletion scheduled for 2025-05-01T09:30:00Z",
        "ed25519 key kyocho-local-certificates-1",
    ] {
        assert!(text.contains(expected), "`{expected}` not in\n{text}");
    }
}

#[test]
fn a_kms_p256_signature_verifies_with_the_spki_kms_returns() {
    let kms = KmsLikeP256::new(5);
    let signed = sign(sample(&kms), &kms).expect("signed");
    assert_eq!(signed.certificate.issuer.algorithm, Algorithm::EcdsaP256Sha256);
    assert_eq!(signed.signature[0], 0x30, "DER SEQUENCE");
    assert_eq!(verify(&signed, &kms.public_key_der()), Ok(()));
    assert_eq!(verify(&signed, kms.public_key_pem().as_bytes()), Ok(()));
    assert!(matches!(PublicKey::parse(&kms.public_key_der()), Ok(PublicKey::P256(_))));

    let summary = verify_file(&signed.to_json(), kms.public_key_pem().as_bytes()).expect("file verifies");
    assert_eq!(summary.algorithm, Algorithm::EcdsaP256Sha256);

    for (what, alter) in [("records", 1199u64), ("users", 0)] {
        let mut forged = signed.clone();
        forged.certificate.deleted.set(what, alter).expect("count");
        assert!(
            matches!(verify(&forged, &kms.public_key_der()), Err(VerifyError::BadSignature { algorithm: Algorithm::EcdsaP256Sha256, .. })),
            "{what}"
        );
    }
    let other = KmsLikeP256::new(6);
    assert!(matches!(verify(&signed, &other.public_key_der()), Err(VerifyError::BadSignature { .. })));
    assert_eq!(
        verify(&signed, fixed_ed25519().public_key_pem().as_bytes()),
        Err(VerifyError::WrongAlgorithm { certificate: Algorithm::EcdsaP256Sha256, key: Algorithm::Ed25519 })
    );
}

#[test]
fn the_p256_signature_is_ecdsa_sha256_of_the_canonical_bytes() {
    use p256::ecdsa::signature::hazmat::PrehashVerifier;
    use p256::ecdsa::signature::Verifier;
    let kms = KmsLikeP256::new(5);
    let signed = sign(sample(&kms), &kms).expect("signed");
    let message = signed.certificate.canonical_bytes();
    let sig = p256::ecdsa::DerSignature::from_bytes(&signed.signature).expect("DER");
    let vk = kms.key.verifying_key();
    assert!(vk.verify(&message, &sig).is_ok(), "RAW: ECDSA-SHA256 over the canonical bytes");
    // KMS with MessageType=DIGEST and the SHA-256 of the canonical bytes signs the same.
    let digest = certificate::Sha256Digest::of(&message);
    let plain = p256::ecdsa::Signature::try_from(sig).expect("signature");
    assert!(vk.verify_prehash(digest.as_bytes(), &plain).is_ok(), "DIGEST of SHA-256");
}

#[test]
fn a_high_s_p256_signature_as_kms_may_return_verifies() {
    let kms = KmsLikeP256::new(5);
    let mut signed = sign(sample(&kms), &kms).expect("signed");
    let sig = p256::ecdsa::Signature::from_der(&signed.signature).expect("DER");
    let (r, s) = sig.split_scalars();
    let flipped = p256::ecdsa::Signature::from_scalars(r.to_bytes(), (-*s).to_bytes()).expect("r, n − s");
    assert_ne!(flipped, sig);
    signed.signature = flipped.to_der().as_bytes().to_vec();
    assert_eq!(verify(&signed, &kms.public_key_der()), Ok(()));
}

#[test]
fn a_signer_that_returns_no_der_signature_is_refused() {
    /// A KMS adapter that wrongly hands over r ‖ s instead of DER.
    struct RawRs(KmsLikeP256);
    impl Signer for RawRs {
        fn algorithm(&self) -> Algorithm {
            Algorithm::EcdsaP256Sha256
        }
        fn key_id(&self) -> &str {
            self.0.key_id()
        }
        fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SignError> {
            use p256::ecdsa::signature::Signer as _;
            let sig: p256::ecdsa::Signature = self.0.key.sign(message);
            Ok(sig.to_bytes().to_vec())
        }
    }
    let signer = RawRs(KmsLikeP256::new(5));
    assert!(matches!(sign(sample(&signer), &signer), Err(SignError::SignatureFormat { algorithm: Algorithm::EcdsaP256Sha256, .. })));
}

#[test]
fn signing_refuses_a_certificate_that_names_another_key() {
    let signer = fixed_ed25519();
    let other = Ed25519Signer::generate();
    match sign(sample(&other), &signer) {
        Err(SignError::IssuerMismatch { named_key_id, signer_key_id, .. }) => {
            assert_eq!(named_key_id, other.key_id());
            assert_eq!(signer_key_id, "kyocho-local-certificates-1");
        }
        other => panic!("{other:?}"),
    }
    let kms = KmsLikeP256::new(5);
    assert!(matches!(sign(sample(&kms), &signer), Err(SignError::IssuerMismatch { .. })));
}

#[test]
fn an_async_signer_signs_the_canonical_bytes_itself() {
    // What the service does with KMS: sign the canonical bytes, then assemble the file.
    let kms = KmsLikeP256::new(9);
    let certificate = sample(&kms);
    let signature = kms.sign(&certificate.canonical_bytes()).expect("kms");
    let signed = SignedCertificate { certificate, signature };
    assert_eq!(verify(&signed, &kms.public_key_der()), Ok(()));
}

#[test]
fn an_ed25519_key_survives_pkcs8_and_is_named_by_its_fingerprint() {
    let a = Ed25519Signer::generate();
    let pem = a.to_pkcs8_pem().expect("pem");
    assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----\n"), "{pem}");
    let b = Ed25519Signer::from_pkcs8_pem(&pem).expect("read back");
    assert_eq!(a.public_key_der(), b.public_key_der());
    assert_eq!(a.key_id(), b.key_id());
    assert_eq!(a.key_id(), certificate::key_fingerprint(&a.public_key_der()));
    assert!(a.key_id().starts_with("sha256:") && a.key_id().len() == 7 + 64);
    assert!(a.public_key_pem().starts_with("-----BEGIN PUBLIC KEY-----\n"));
    assert_eq!(a.public_key_der().len(), 44);
    assert_ne!(a.public_key_der(), Ed25519Signer::generate().public_key_der());
    assert!(Ed25519Signer::from_pkcs8_pem(&a.public_key_pem()).is_err());
    assert!(Ed25519Signer::from_pkcs8_der(b"junk").is_err());
}
