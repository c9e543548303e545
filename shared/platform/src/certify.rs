//! The service's signature on deletion certificates (docs/deletion-certificate.md): an AWS
//! KMS asymmetric key (`ECC_NIST_P256`, `ECDSA_SHA_256` over the canonical bytes, RAW
//! message) in the cloud, an Ed25519 key file beside the local edition's other keys. The
//! public half verifies a certificate anywhere (`kyocho verify-certificate`).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use async_trait::async_trait;
use certificate::{Algorithm, Certificate, SignedCertificate};

/// Signs certificates for the service.
#[async_trait]
pub trait CertificateSigner: Send + Sync {
    fn algorithm(&self) -> Algorithm;
    /// The key's id, written into each certificate (a KMS key ARN; `sha256:…` locally).
    fn key_id(&self) -> String;
    /// Where the issuer is: an AWS region, or `local`.
    fn region(&self) -> String;
    async fn sign(&self, message: &[u8]) -> anyhow::Result<Vec<u8>>;
    /// The public key (SubjectPublicKeyInfo, DER).
    async fn public_key_der(&self) -> anyhow::Result<Vec<u8>>;
}

/// Sign `certificate` (its issuer must already name `signer`).
pub async fn sign(signer: &dyn CertificateSigner, certificate: Certificate) -> anyhow::Result<SignedCertificate> {
    let signature = signer.sign(&certificate.canonical_bytes()).await?;
    Ok(SignedCertificate { certificate, signature })
}

/// The issuer a certificate signed by `signer` names.
pub fn issuer(signer: &dyn CertificateSigner) -> certificate::Issuer {
    certificate::Issuer { service: "kyocho".into(), region: signer.region(), signing_key_id: signer.key_id(), algorithm: signer.algorithm() }
}

/// The local edition's Ed25519 key (PKCS#8, created on first use, readable by its owner only).
pub struct LocalSigner {
    key: certificate::Ed25519Signer,
}

impl LocalSigner {
    /// The key file in `keys_dir`.
    pub fn path(keys_dir: &Path) -> PathBuf {
        keys_dir.join("certificate-ed25519.der")
    }

    pub fn open(keys_dir: &Path) -> anyhow::Result<LocalSigner> {
        let path = Self::path(keys_dir);
        let key = match std::fs::read(&path) {
            Ok(der) => certificate::Ed25519Signer::from_pkcs8_der(&der).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let key = certificate::Ed25519Signer::generate();
                let der = key.to_pkcs8_der().map_err(|e| anyhow::anyhow!("encoding the certificate key: {e}"))?;
                std::fs::create_dir_all(keys_dir)?;
                crate::local::write_private_file(&path, &der)?;
                key
            }
            Err(e) => return Err(anyhow::anyhow!("{}: {e}", path.display())),
        };
        Ok(LocalSigner { key })
    }

    pub fn public_key_pem(&self) -> String {
        self.key.public_key_pem()
    }
}

#[async_trait]
impl CertificateSigner for LocalSigner {
    fn algorithm(&self) -> Algorithm {
        Algorithm::Ed25519
    }
    fn key_id(&self) -> String {
        certificate::Signer::key_id(&self.key).to_owned()
    }
    fn region(&self) -> String {
        "local".into()
    }
    async fn sign(&self, message: &[u8]) -> anyhow::Result<Vec<u8>> {
        certificate::Signer::sign(&self.key, message).map_err(|e| anyhow::anyhow!("{e}"))
    }
    async fn public_key_der(&self) -> anyhow::Result<Vec<u8>> {
        Ok(self.key.public_key_der())
    }
}

/// A KMS asymmetric signing key (`KYOCHO_CERTIFICATE_KEY_ID`).
pub struct KmsSigner {
    client: aws_sdk_kms::Client,
    key_id: String,
    region: String,
}

impl KmsSigner {
    pub fn new(client: aws_sdk_kms::Client, key_id: impl Into<String>, region: impl Into<String>) -> KmsSigner {
        KmsSigner { client, key_id: key_id.into(), region: region.into() }
    }
}

#[async_trait]
impl CertificateSigner for KmsSigner {
    fn algorithm(&self) -> Algorithm {
        Algorithm::EcdsaP256Sha256
    }
    fn key_id(&self) -> String {
        self.key_id.clone()
    }
    fn region(&self) -> String {
        self.region.clone()
    }
    async fn sign(&self, message: &[u8]) -> anyhow::Result<Vec<u8>> {
        use aws_sdk_kms::primitives::Blob;
        use aws_sdk_kms::types::{MessageType, SigningAlgorithmSpec};
        let out = self
            .client
            .sign()
            .key_id(&self.key_id)
            .message(Blob::new(message))
            .message_type(MessageType::Raw)
            .signing_algorithm(SigningAlgorithmSpec::EcdsaSha256)
            .send()
            .await
            .map_err(|e| anyhow::anyhow!("KMS Sign: {}", aws_sdk_kms::error::DisplayErrorContext(&e)))?;
        out.signature.map(|b| b.into_inner()).ok_or_else(|| anyhow::anyhow!("KMS Sign returned no signature"))
    }
    async fn public_key_der(&self) -> anyhow::Result<Vec<u8>> {
        let out = self
            .client
            .get_public_key()
            .key_id(&self.key_id)
            .send()
            .await
            .map_err(|e| anyhow::anyhow!("KMS GetPublicKey: {}", aws_sdk_kms::error::DisplayErrorContext(&e)))?;
        out.public_key.map(|b| b.into_inner()).ok_or_else(|| anyhow::anyhow!("KMS GetPublicKey returned no key"))
    }
}

/// A signer for a deployment that has none configured: every signature is refused.
pub struct NoSigner;

#[async_trait]
impl CertificateSigner for NoSigner {
    fn algorithm(&self) -> Algorithm {
        Algorithm::EcdsaP256Sha256
    }
    fn key_id(&self) -> String {
        String::new()
    }
    fn region(&self) -> String {
        String::new()
    }
    async fn sign(&self, _message: &[u8]) -> anyhow::Result<Vec<u8>> {
        anyhow::bail!("no certificate signing key is configured (KYOCHO_CERTIFICATE_KEY_ID)")
    }
    async fn public_key_der(&self) -> anyhow::Result<Vec<u8>> {
        anyhow::bail!("no certificate signing key is configured (KYOCHO_CERTIFICATE_KEY_ID)")
    }
}

/// The signer of a cloud deployment, from its environment.
pub fn from_env(kms: &aws_sdk_kms::Client, region: Option<String>) -> Arc<dyn CertificateSigner> {
    match std::env::var("KYOCHO_CERTIFICATE_KEY_ID").ok().filter(|k| !k.is_empty()) {
        Some(key) => Arc::new(KmsSigner::new(kms.clone(), key, region.unwrap_or_default())),
        None => Arc::new(NoSigner),
    }
}
