//! Kyocho's deletion certificate (削除証明書): when a company's contract ends, the service
//! deletes every item, object version and user of the company, schedules the company's
//! encryption key for deletion, and issues a signed certificate saying so.
//!
//! - [`model`]: what a certificate says ([`Certificate`]), in types that hold only what the
//!   format allows;
//! - [`canonical`]: the bytes that are signed (RFC 8785 JSON canonicalization);
//! - [`sign`](mod@sign): the [`Signer`] port, [`Ed25519Signer`] and the signed JSON file
//!   ([`SignedCertificate`]);
//! - [`verify`](mod@verify): [`verify()`] for Ed25519 and ECDSA P-256 (AWS KMS) signatures and
//!   [`verify_file`], what `kyocho verify-certificate` runs;
//! - [`pdf`]: the bilingual A4 document.
//!
//! `docs/deletion-certificate.md` specifies the format. Pure: nothing here reads or writes
//! files or calls a service; every function returns bytes, text or values.

pub mod canonical;
pub mod model;
pub mod pdf;
pub mod sign;
pub mod verify;

pub use model::{
    kinds, records_sha256, Algorithm, Certificate, DeletedCounts, Evidence, InvalidValue, Issuer, KeyDisposal, KeyFate, Sha256Digest,
    UtcTimestamp, FORMAT, MAX_COUNT, VERSION,
};
pub use pdf::{to_pdf, PdfError, VERIFY_COMMAND};
pub use sign::{key_fingerprint, sign, Ed25519Signer, KeyError, SignError, SignedCertificate, Signer};
pub use verify::{verify, verify_file, verify_with, PublicKey, Summary, VerifyError};
