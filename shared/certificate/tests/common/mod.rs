//! What the certificate tests share: a sample certificate, fixed keys, and a P-256 signer
//! that signs as AWS KMS does.

#![allow(dead_code)]

use certificate::{
    kinds, records_sha256, Algorithm, Certificate, DeletedCounts, Ed25519Signer, Evidence, Issuer, KeyDisposal, KeyFate, Sha256Digest,
    SignError, Signer, UtcTimestamp,
};
use ed25519_dalek::pkcs8::EncodePrivateKey;
use p256::ecdsa::signature::Signer as _;

pub fn ts(s: &str) -> UtcTimestamp {
    UtcTimestamp::parse(s).expect("timestamp")
}

/// The record keys the sample certificate's digest covers.
pub const RECORD_KEYS: [&str; 3] = ["TENANT#t-7f3a9c#PROJECT#p-001", "TENANT#t-7f3a9c#PROJECT#p-002", "TENANT#t-7f3a9c#SETTINGS"];

/// A certificate for a company whose contract ended, naming `signer` as the issuer.
pub fn sample(signer: &dyn Signer) -> Certificate {
    Certificate {
        certificate_id: "0196a3c2-7f1e-7b3a-9c1d-2e4f5a6b7c8d".into(),
        tenant_id: "t-7f3a9c".into(),
        company_name: "株式会社サンプル電設".into(),
        requested_at: ts("2025-03-31T00:15:00Z"),
        requested_by: "arn:aws:sts::123456789012:assumed-role/KyochoOperator/yamada".into(),
        completed_at: ts("2025-04-01T09:30:00Z"),
        deleted: DeletedCounts::new()
            .with(kinds::RECORDS, 1200)
            .and_then(|c| c.with(kinds::AUDIT_EVENTS, 3456))
            .and_then(|c| c.with(kinds::OBJECT_VERSIONS, 87))
            .and_then(|c| c.with(kinds::USERS, 12))
            .and_then(|c| c.with(kinds::INQUIRIES, 3))
            .expect("counts"),
        key: KeyDisposal {
            key_id: "1234abcd-12ab-34cd-56ef-1234567890ab".into(),
            key_arn_or_ref: "arn:aws:kms:ap-northeast-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab".into(),
            fate: KeyFate::DeletionScheduledFor(ts("2025-05-01T09:30:00Z")),
        },
        evidence: Evidence {
            manifest_sha256: Some(Sha256Digest::of(b"final archive")),
            records_sha256: records_sha256(RECORD_KEYS).expect("keys"),
        },
        issuer: Issuer::for_signer("kyocho", "ap-northeast-1", signer),
    }
}

/// The Ed25519 key of the test vector in docs/deletion-certificate.md: secret key 32 × 0x07.
pub fn fixed_ed25519() -> Ed25519Signer {
    let der = ed25519_dalek::SigningKey::from_bytes(&[7u8; 32]).to_pkcs8_der().expect("pkcs8");
    Ed25519Signer::from_pkcs8_der(der.as_bytes()).expect("key").with_key_id("kyocho-local-certificates-1")
}

/// Signs as AWS KMS does for an `ECC_NIST_P256` key with `ECDSA_SHA_256` and
/// `MessageType=RAW`: ECDSA over SHA-256 of the message, the signature DER-encoded.
pub struct KmsLikeP256 {
    pub key: p256::ecdsa::SigningKey,
    pub key_id: String,
}

impl KmsLikeP256 {
    pub fn new(secret: u8) -> KmsLikeP256 {
        let key = p256::ecdsa::SigningKey::from_slice(&[secret; 32]).expect("P-256 scalar");
        KmsLikeP256 { key, key_id: "arn:aws:kms:ap-northeast-1:123456789012:key/0f0e0d0c-certificates".into() }
    }

    /// The public key as DER SubjectPublicKeyInfo, as `GetPublicKey` returns it.
    pub fn public_key_der(&self) -> Vec<u8> {
        use p256::pkcs8::EncodePublicKey;
        self.key.verifying_key().to_public_key_der().expect("spki").into_vec()
    }

    pub fn public_key_pem(&self) -> String {
        use p256::pkcs8::EncodePublicKey;
        self.key.verifying_key().to_public_key_pem(p256::pkcs8::LineEnding::LF).expect("pem")
    }
}

impl Signer for KmsLikeP256 {
    fn algorithm(&self) -> Algorithm {
        Algorithm::EcdsaP256Sha256
    }
    fn key_id(&self) -> &str {
        &self.key_id
    }
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SignError> {
        let sig: p256::ecdsa::DerSignature = self.key.sign(message);
        Ok(sig.as_bytes().to_vec())
    }
}
