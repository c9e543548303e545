//! Signing: the [`Signer`] port (Ed25519 here, AWS KMS in the service), the signed file
//! ([`SignedCertificate`]) and [`sign`], which ties the two.
//!
//! Signers that cannot be called synchronously (KMS from async code) sign
//! [`Certificate::canonical_bytes`] themselves and put the result in a
//! [`SignedCertificate`]; [`crate::verify()`] accepts either way alike.

use base64::Engine as _;
use ed25519_dalek::pkcs8::{DecodePrivateKey, EncodePrivateKey, EncodePublicKey};
use serde::{Deserialize, Serialize};

use crate::canonical::to_canonical;
use crate::model::{Algorithm, Certificate, Sha256Digest};
use crate::verify::VerifyError;

impl Certificate {
    /// The bytes that are signed: the certificate (with `format` and `version`, without the
    /// signature) in the canonical form of [`crate::canonical`].
    pub fn canonical_bytes(&self) -> Vec<u8> {
        // The types admit only strings, objects and integers up to 2^53 − 1, all of which
        // serialise and canonicalise.
        let value = serde_json::to_value(self).expect("a certificate serialises to JSON");
        to_canonical(&value).expect("a certificate holds only canonical values")
    }
}

/// Why a certificate could not be signed.
#[derive(Debug, thiserror::Error)]
pub enum SignError {
    /// The certificate's `issuer` names another key or algorithm than the signer's.
    #[error("the certificate names {named_algorithm} key `{named_key_id}` but the signer is {signer_algorithm} key `{signer_key_id}`")]
    IssuerMismatch { named_algorithm: Algorithm, named_key_id: String, signer_algorithm: Algorithm, signer_key_id: String },
    /// The signer returned bytes that are no signature of its algorithm.
    #[error("the signer returned no {algorithm} signature: {reason}")]
    SignatureFormat { algorithm: Algorithm, reason: String },
    /// The signer itself failed (a KMS call, a locked key).
    #[error("the signer failed: {0}")]
    Signer(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// Something that signs canonical bytes with one key.
///
/// For [`Algorithm::Ed25519`] the signature is the 64-byte Ed25519 signature of the
/// message. For [`Algorithm::EcdsaP256Sha256`] it is the DER-encoded ECDSA signature of
/// SHA-256 of the message — what AWS KMS `Sign` returns with `SigningAlgorithm=ECDSA_SHA_256`
/// and `MessageType=RAW` (or with `MessageType=DIGEST` given that SHA-256).
pub trait Signer {
    fn algorithm(&self) -> Algorithm;
    /// The key's id as the certificate's `issuer.signing_key_id` names it.
    fn key_id(&self) -> &str;
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SignError>;
}

/// The signed certificate, as the JSON file holds it: `{"certificate": {...},
/// "signature": "<standard base64 with padding>"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignedCertificate {
    pub certificate: Certificate,
    /// The signature of [`Certificate::canonical_bytes`] in the encoding of
    /// `certificate.issuer.algorithm` (see [`Signer`]).
    #[serde(with = "base64_standard")]
    pub signature: Vec<u8>,
}

impl SignedCertificate {
    /// The JSON file: indented by two spaces, members in the format's order, ending in a
    /// line feed. Verification does not depend on this layout.
    pub fn to_json(&self) -> Vec<u8> {
        let mut out = serde_json::to_vec_pretty(self).expect("a certificate serialises to JSON");
        out.push(b'\n');
        out
    }

    /// Read a JSON file. Errors say whether the file is no certificate, of another version, or
    /// malformed (with the JSON path of the first bad member). Duplicate members are refused.
    pub fn from_json(json: &[u8]) -> Result<SignedCertificate, VerifyError> {
        crate::verify::parse_file(json)
    }
}

mod base64_standard {
    use base64::Engine as _;
    use serde::{de, Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&base64::engine::general_purpose::STANDARD.encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let s = String::deserialize(d)?;
        base64::engine::general_purpose::STANDARD.decode(s.as_bytes()).map_err(|e| de::Error::custom(format!("not standard base64: {e}")))
    }
}

/// Sign a certificate. The certificate's `issuer` must name the signer's algorithm and key
/// ([`crate::Issuer::for_signer`] makes such an issuer).
pub fn sign(certificate: Certificate, signer: &dyn Signer) -> Result<SignedCertificate, SignError> {
    let issuer = &certificate.issuer;
    if issuer.algorithm != signer.algorithm() || issuer.signing_key_id != signer.key_id() {
        return Err(SignError::IssuerMismatch {
            named_algorithm: issuer.algorithm,
            named_key_id: issuer.signing_key_id.clone(),
            signer_algorithm: signer.algorithm(),
            signer_key_id: signer.key_id().to_string(),
        });
    }
    let signature = signer.sign(&certificate.canonical_bytes())?;
    crate::verify::check_signature_format(signer.algorithm(), &signature)
        .map_err(|reason| SignError::SignatureFormat { algorithm: signer.algorithm(), reason })?;
    Ok(SignedCertificate { certificate, signature })
}

/// `sha256:` and the SHA-256 of a public key's DER SubjectPublicKeyInfo, in hex — what
/// `openssl pkey -pubin -in KEY.pem -outform DER | sha256sum` prints.
pub fn key_fingerprint(spki_der: &[u8]) -> String {
    format!("sha256:{}", Sha256Digest::of(spki_der))
}

/// A key that could not be read or written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Ed25519 key: {0}")]
pub struct KeyError(String);

/// An Ed25519 signing key (the local edition's certificate key).
///
/// Its key id is its [`key_fingerprint`] unless [`Ed25519Signer::with_key_id`] names
/// another.
pub struct Ed25519Signer {
    key: ed25519_dalek::SigningKey,
    key_id: String,
}

impl std::fmt::Debug for Ed25519Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ed25519Signer").field("key_id", &self.key_id).finish_non_exhaustive()
    }
}

impl Ed25519Signer {
    /// A new key from the operating system's random source.
    pub fn generate() -> Ed25519Signer {
        Ed25519Signer::from_key(ed25519_dalek::SigningKey::generate(&mut rand::rngs::OsRng))
    }

    /// A key from its PKCS#8 DER (`openssl genpkey -algorithm ed25519 -outform DER`).
    pub fn from_pkcs8_der(der: &[u8]) -> Result<Ed25519Signer, KeyError> {
        let key = ed25519_dalek::SigningKey::from_pkcs8_der(der).map_err(|e| KeyError(format!("not a PKCS#8 Ed25519 private key: {e}")))?;
        Ok(Ed25519Signer::from_key(key))
    }

    /// A key from its PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`).
    pub fn from_pkcs8_pem(pem: &str) -> Result<Ed25519Signer, KeyError> {
        let (label, der) = pem_rfc7468::decode_vec(pem.trim().as_bytes()).map_err(|e| KeyError(format!("not PEM: {e}")))?;
        if label != "PRIVATE KEY" {
            return Err(KeyError(format!("PEM label is `{label}`, not `PRIVATE KEY`")));
        }
        Ed25519Signer::from_pkcs8_der(&der)
    }

    fn from_key(key: ed25519_dalek::SigningKey) -> Ed25519Signer {
        let mut s = Ed25519Signer { key, key_id: String::new() };
        s.key_id = key_fingerprint(&s.public_key_der());
        s
    }

    /// The same key under another id.
    pub fn with_key_id(mut self, key_id: impl Into<String>) -> Ed25519Signer {
        self.key_id = key_id.into();
        self
    }

    /// The private key as PKCS#8 DER. Keep it secret.
    pub fn to_pkcs8_der(&self) -> Result<Vec<u8>, KeyError> {
        Ok(self.key.to_pkcs8_der().map_err(|e| KeyError(e.to_string()))?.as_bytes().to_vec())
    }

    /// The private key as PKCS#8 PEM. Keep it secret.
    pub fn to_pkcs8_pem(&self) -> Result<String, KeyError> {
        pem(&self.to_pkcs8_der()?, "PRIVATE KEY")
    }

    /// The public key as DER SubjectPublicKeyInfo.
    pub fn public_key_der(&self) -> Vec<u8> {
        self.key.verifying_key().to_public_key_der().expect("an Ed25519 SubjectPublicKeyInfo (44 fixed-layout bytes) encodes").into_vec()
    }

    /// The public key as PEM (`-----BEGIN PUBLIC KEY-----`), the form
    /// `kyocho verify-certificate --public-key` reads.
    pub fn public_key_pem(&self) -> String {
        pem(&self.public_key_der(), "PUBLIC KEY").expect("44 bytes encode as PEM")
    }

    /// The raw 32-byte public key.
    pub fn public_key_raw(&self) -> [u8; 32] {
        self.key.verifying_key().to_bytes()
    }
}

/// A public key (SubjectPublicKeyInfo, DER) as PEM, e.g. a KMS key's from `GetPublicKey`.
pub fn public_key_pem(spki_der: &[u8]) -> Result<String, KeyError> {
    pem(spki_der, "PUBLIC KEY")
}

fn pem(der: &[u8], label: &'static str) -> Result<String, KeyError> {
    pem_rfc7468::encode_string(label, pem_rfc7468::LineEnding::LF, der).map_err(|e| KeyError(format!("PEM: {e}")))
}

impl Signer for Ed25519Signer {
    fn algorithm(&self) -> Algorithm {
        Algorithm::Ed25519
    }

    fn key_id(&self) -> &str {
        &self.key_id
    }

    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SignError> {
        use ed25519_dalek::Signer as _;
        Ok(self.key.sign(message).to_bytes().to_vec())
    }
}

/// The signature in base64 (standard alphabet, padded), as the JSON file and the PDF show it.
pub fn signature_base64(signature: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(signature)
}
