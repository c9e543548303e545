//! Verification: reading the JSON file and the public key, checking the signature over the
//! canonical bytes, and the summary `kyocho verify-certificate` prints.

use std::fmt;

use serde_json::Value;

use crate::model::{Algorithm, Certificate, DeletedCounts, KeyFate, UtcTimestamp, FORMAT, VERSION};
use crate::sign::SignedCertificate;

/// Why a certificate does not verify. Each names what failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// The file is not a well-formed signed certificate; says where.
    #[error("malformed certificate: {0}")]
    Malformed(String),
    /// The file's `format` is another document's.
    #[error("not a deletion certificate: format is `{0}`, not `{FORMAT}`")]
    NotACertificate(String),
    /// The file is of a version this verifier does not know.
    #[error("certificate version {0} is not supported (this verifier knows version {VERSION})")]
    UnsupportedVersion(u64),
    /// The public key cannot be read.
    #[error("malformed public key: {0}")]
    MalformedKey(String),
    /// The public key is of another algorithm than the certificate was signed with.
    #[error("wrong algorithm: the certificate is signed with {certificate} but the public key is an {key} key")]
    WrongAlgorithm { certificate: Algorithm, key: Algorithm },
    /// The signature is no signature of the certificate's algorithm at all.
    #[error("malformed {algorithm} signature: {reason}")]
    MalformedSignature { algorithm: Algorithm, reason: String },
    /// The signature does not match: the certificate was altered after signing, or another
    /// key signed it.
    #[error("bad signature: the certificate was altered after signing or was not signed with this key (it names {algorithm} key `{signing_key_id}`)")]
    BadSignature { algorithm: Algorithm, signing_key_id: String },
}

/// A public key to verify with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PublicKey {
    Ed25519(ed25519_dalek::VerifyingKey),
    P256(p256::ecdsa::VerifyingKey),
}

impl PublicKey {
    /// Read a public key: PEM (`-----BEGIN PUBLIC KEY-----`) or DER SubjectPublicKeyInfo
    /// (what AWS KMS `GetPublicKey` returns) of an Ed25519 or a P-256 key, or the raw 32
    /// bytes of an Ed25519 key.
    pub fn parse(bytes: &[u8]) -> Result<PublicKey, VerifyError> {
        let trimmed = bytes.trim_ascii();
        let der: Vec<u8> = if trimmed.starts_with(b"-----BEGIN") {
            let (label, der) = pem_rfc7468::decode_vec(trimmed).map_err(|e| VerifyError::MalformedKey(format!("not PEM: {e}")))?;
            if label != "PUBLIC KEY" {
                return Err(VerifyError::MalformedKey(format!("PEM label is `{label}`, not `PUBLIC KEY`")));
            }
            der
        } else if let Ok(raw) = <[u8; 32]>::try_from(bytes) {
            return ed25519_dalek::VerifyingKey::from_bytes(&raw)
                .map(PublicKey::Ed25519)
                .map_err(|e| VerifyError::MalformedKey(format!("32 bytes that are no Ed25519 public key: {e}")));
        } else {
            bytes.to_vec()
        };
        if let Ok(k) = ed25519_dalek::pkcs8::DecodePublicKey::from_public_key_der(&der) {
            return Ok(PublicKey::Ed25519(k));
        }
        if let Ok(k) = p256::pkcs8::DecodePublicKey::from_public_key_der(&der) {
            return Ok(PublicKey::P256(k));
        }
        Err(VerifyError::MalformedKey("neither an Ed25519 nor a P-256 SubjectPublicKeyInfo".into()))
    }

    /// The algorithm the key verifies.
    pub fn algorithm(&self) -> Algorithm {
        match self {
            PublicKey::Ed25519(_) => Algorithm::Ed25519,
            PublicKey::P256(_) => Algorithm::EcdsaP256Sha256,
        }
    }
}

/// Whether `signature` is shaped as the algorithm's signatures are (64 bytes for Ed25519, an
/// ASN.1 DER `ECDSA-Sig-Value` for P-256); the reason when not.
pub(crate) fn check_signature_format(algorithm: Algorithm, signature: &[u8]) -> Result<(), String> {
    match algorithm {
        Algorithm::Ed25519 if signature.len() == 64 => Ok(()),
        Algorithm::Ed25519 => Err(format!("{} bytes, not 64", signature.len())),
        Algorithm::EcdsaP256Sha256 => {
            p256::ecdsa::DerSignature::from_bytes(signature).map(|_| ()).map_err(|e| format!("not a DER ECDSA signature: {e}"))
        }
    }
}

/// Check a signed certificate against a public key (any form [`PublicKey::parse`] reads).
pub fn verify(signed: &SignedCertificate, public_key: &[u8]) -> Result<(), VerifyError> {
    verify_with(signed, &PublicKey::parse(public_key)?)
}

/// Check a signed certificate against a public key: the key must be of the algorithm the
/// certificate names, and the signature must be that algorithm's signature of the
/// certificate's canonical bytes.
pub fn verify_with(signed: &SignedCertificate, key: &PublicKey) -> Result<(), VerifyError> {
    let issuer = &signed.certificate.issuer;
    let algorithm = issuer.algorithm;
    if key.algorithm() != algorithm {
        return Err(VerifyError::WrongAlgorithm { certificate: algorithm, key: key.algorithm() });
    }
    check_signature_format(algorithm, &signed.signature).map_err(|reason| VerifyError::MalformedSignature { algorithm, reason })?;
    let message = signed.certificate.canonical_bytes();
    let ok = match key {
        PublicKey::Ed25519(k) => {
            ed25519_dalek::Signature::from_slice(&signed.signature).is_ok_and(|sig| k.verify_strict(&message, &sig).is_ok())
        }
        PublicKey::P256(k) => {
            use p256::ecdsa::signature::Verifier as _;
            p256::ecdsa::DerSignature::from_bytes(&signed.signature).is_ok_and(|sig| k.verify(&message, &sig).is_ok())
        }
    };
    if ok {
        Ok(())
    } else {
        Err(VerifyError::BadSignature { algorithm, signing_key_id: issuer.signing_key_id.clone() })
    }
}

/// Verify a certificate file (its JSON bytes) against a public key file's bytes, and say what
/// it certifies. What `kyocho verify-certificate FILE.json --public-key KEY.pem` runs.
pub fn verify_file(json: &[u8], public_key: &[u8]) -> Result<Summary, VerifyError> {
    let signed = parse_file(json)?;
    verify(&signed, public_key)?;
    Ok(Summary::of(&signed.certificate))
}

/// Read a certificate file: first whether it is a certificate of a known version at all,
/// then every member, naming the first bad one by its JSON path.
pub(crate) fn parse_file(json: &[u8]) -> Result<SignedCertificate, VerifyError> {
    let value: Value = serde_json::from_slice(json).map_err(|e| VerifyError::Malformed(format!("not JSON: {e}")))?;
    let Some(cert) = value.get("certificate").filter(|c| c.is_object()) else {
        return Err(VerifyError::Malformed("there is no `certificate` object".into()));
    };
    match cert.get("format") {
        Some(Value::String(f)) if f == FORMAT => {}
        Some(Value::String(f)) => return Err(VerifyError::NotACertificate(f.clone())),
        _ => return Err(VerifyError::Malformed("certificate.format: missing or not a string".into())),
    }
    match cert.get("version").map(Value::as_u64) {
        Some(Some(VERSION)) => {}
        Some(Some(v)) => return Err(VerifyError::UnsupportedVersion(v)),
        _ => return Err(VerifyError::Malformed("certificate.version: missing or not a whole number".into())),
    }
    let mut de = serde_json::Deserializer::from_slice(json);
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        VerifyError::Malformed(format!("{path}: {}", e.into_inner()))
    })
}

/// What a verified certificate attests, for people: [`fmt::Display`] prints it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub certificate_id: String,
    pub tenant_id: String,
    pub company_name: String,
    pub requested_by: String,
    pub completed_at: UtcTimestamp,
    pub deleted: DeletedCounts,
    pub key_id: String,
    pub key_fate: KeyFate,
    pub algorithm: Algorithm,
    pub signing_key_id: String,
}

impl Summary {
    /// The summary of a certificate.
    pub fn of(c: &Certificate) -> Summary {
        Summary {
            certificate_id: c.certificate_id.clone(),
            tenant_id: c.tenant_id.clone(),
            company_name: c.company_name.clone(),
            requested_by: c.requested_by.clone(),
            completed_at: c.completed_at,
            deleted: c.deleted.clone(),
            key_id: c.key.key_id.clone(),
            key_fate: c.key.fate,
            algorithm: c.issuer.algorithm,
            signing_key_id: c.issuer.signing_key_id.clone(),
        }
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "Valid deletion certificate {}", self.certificate_id)?;
        writeln!(f, "  company:      {}", self.company_name)?;
        writeln!(f, "  tenant:       {}", self.tenant_id)?;
        writeln!(f, "  requested by: {}", self.requested_by)?;
        writeln!(f, "  completed at: {}", self.completed_at)?;
        writeln!(f, "  deleted:")?;
        let width = self.deleted.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
        for (kind, n) in self.deleted.iter() {
            writeln!(f, "    {kind:<width$}  {n}")?;
        }
        match self.key_fate {
            KeyFate::DeletionScheduledFor(t) => writeln!(f, "  key:          {} (deletion scheduled for {t})", self.key_id)?,
            KeyFate::DestroyedAt(t) => writeln!(f, "  key:          {} (destroyed at {t})", self.key_id)?,
        }
        write!(f, "  signed with:  {} key {}", self.algorithm, self.signing_key_id)
    }
}
