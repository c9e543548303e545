//! What a deletion certificate says, as types that hold only what the format allows:
//! timestamps are whole seconds in UTC, digests are SHA-256, counts fit the canonical form,
//! and the key was either scheduled for deletion or destroyed, never both.
//!
//! `docs/deletion-certificate.md` is the format's reference; the field names below are its
//! JSON names.

use std::collections::BTreeMap;
use std::fmt;

use serde::{de, Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest, Sha256};
use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};

/// The `format` member of every certificate.
pub const FORMAT: &str = "kyocho-deletion-certificate";

/// The one version of the format this crate writes and reads.
pub const VERSION: u64 = 1;

/// The largest count a certificate can state: 2^53 − 1, the largest integer that every JSON
/// reader (and RFC 8785's number form) holds exactly.
pub const MAX_COUNT: u64 = (1 << 53) - 1;

/// A value that the format does not allow, with what was wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct InvalidValue(pub String);

/// The content of a deletion certificate: everything the signature covers.
///
/// Serialised with `format` ([`FORMAT`]) and `version` ([`VERSION`]) in front of these
/// fields; reading refuses another format or version and any member the format does not
/// name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Certificate {
    /// Unique id of this certificate (the service uses a UUID).
    pub certificate_id: String,
    /// The tenant whose data was deleted.
    pub tenant_id: String,
    /// The company's name as the contract gives it.
    pub company_name: String,
    /// When the deletion was requested.
    pub requested_at: UtcTimestamp,
    /// The operator principal who requested the deletion (an IAM role session on AWS, the
    /// operator's name in the local edition).
    pub requested_by: String,
    /// When the last item was deleted and the key's deletion was scheduled.
    pub completed_at: UtcTimestamp,
    /// How many of each kind of thing were deleted.
    pub deleted: DeletedCounts,
    /// The tenant's encryption key and what became of it.
    pub key: KeyDisposal,
    /// Digests that tie the certificate to what was deleted.
    pub evidence: Evidence,
    /// Who issued and signed the certificate.
    pub issuer: Issuer,
}

impl Serialize for Certificate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Certificate", 12)?;
        st.serialize_field("format", FORMAT)?;
        st.serialize_field("version", &VERSION)?;
        st.serialize_field("certificate_id", &self.certificate_id)?;
        st.serialize_field("tenant_id", &self.tenant_id)?;
        st.serialize_field("company_name", &self.company_name)?;
        st.serialize_field("requested_at", &self.requested_at)?;
        st.serialize_field("requested_by", &self.requested_by)?;
        st.serialize_field("completed_at", &self.completed_at)?;
        st.serialize_field("deleted", &self.deleted)?;
        st.serialize_field("key", &self.key)?;
        st.serialize_field("evidence", &self.evidence)?;
        st.serialize_field("issuer", &self.issuer)?;
        st.end()
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CertificateWire {
    format: String,
    version: u64,
    certificate_id: String,
    tenant_id: String,
    company_name: String,
    requested_at: UtcTimestamp,
    requested_by: String,
    completed_at: UtcTimestamp,
    deleted: DeletedCounts,
    key: KeyDisposal,
    evidence: Evidence,
    issuer: Issuer,
}

impl<'de> Deserialize<'de> for Certificate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let w = CertificateWire::deserialize(d)?;
        if w.format != FORMAT {
            return Err(de::Error::custom(format!("format is `{}`, not `{FORMAT}`", w.format)));
        }
        if w.version != VERSION {
            return Err(de::Error::custom(format!("version {} is not supported (this reader knows version {VERSION})", w.version)));
        }
        Ok(Certificate {
            certificate_id: w.certificate_id,
            tenant_id: w.tenant_id,
            company_name: w.company_name,
            requested_at: w.requested_at,
            requested_by: w.requested_by,
            completed_at: w.completed_at,
            deleted: w.deleted,
            key: w.key,
            evidence: w.evidence,
            issuer: w.issuer,
        })
    }
}

/// An instant in UTC to the whole second, written `YYYY-MM-DDTHH:MM:SSZ` (RFC 3339), the
/// only form read, so that every instant has exactly one spelling in the signed bytes.
/// Years 1 to 9999.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UtcTimestamp(OffsetDateTime);

impl UtcTimestamp {
    /// The instant, moved to UTC and cut to the whole second.
    pub fn new(t: OffsetDateTime) -> Result<UtcTimestamp, InvalidValue> {
        let t = t.to_offset(UtcOffset::UTC);
        if !(1..=9999).contains(&t.year()) {
            return Err(InvalidValue(format!("year {} is outside 1–9999", t.year())));
        }
        Ok(UtcTimestamp(t.replace_nanosecond(0).unwrap_or(t)))
    }

    /// Read `YYYY-MM-DDTHH:MM:SSZ`; any other spelling (an offset, fractions, a lower-case
    /// `z`) is refused.
    pub fn parse(s: &str) -> Result<UtcTimestamp, InvalidValue> {
        let t = OffsetDateTime::parse(s, &Rfc3339).map_err(|e| InvalidValue(format!("`{s}` is not an RFC 3339 time: {e}")))?;
        let ts = UtcTimestamp::new(t)?;
        if ts.to_string() != s {
            return Err(InvalidValue(format!("`{s}` is not written as UTC to the second (`{ts}`)")));
        }
        Ok(ts)
    }

    /// The instant.
    pub fn get(self) -> OffsetDateTime {
        self.0
    }
}

impl fmt::Display for UtcTimestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = self.0;
        write!(f, "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", t.year(), u8::from(t.month()), t.day(), t.hour(), t.minute(), t.second())
    }
}

impl Serialize for UtcTimestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for UtcTimestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        UtcTimestamp::parse(&s).map_err(de::Error::custom)
    }
}

/// A SHA-256 digest, written as 64 lower-case hexadecimal digits (the only form read).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Sha256Digest([u8; 32]);

impl Sha256Digest {
    /// The digest of `bytes`.
    pub fn of(bytes: &[u8]) -> Sha256Digest {
        Sha256Digest(Sha256::digest(bytes).into())
    }

    /// A digest computed elsewhere.
    pub fn from_bytes(bytes: [u8; 32]) -> Sha256Digest {
        Sha256Digest(bytes)
    }

    /// Read 64 lower-case hexadecimal digits.
    pub fn parse_hex(s: &str) -> Result<Sha256Digest, InvalidValue> {
        let bad = || InvalidValue(format!("`{s}` is not a SHA-256 digest (64 lower-case hexadecimal digits)"));
        if s.len() != 64 {
            return Err(bad());
        }
        let mut out = [0u8; 32];
        for (i, pair) in s.as_bytes().chunks(2).enumerate() {
            let nibble = |c: u8| match c {
                b'0'..=b'9' => Some(c - b'0'),
                b'a'..=b'f' => Some(c - b'a' + 10),
                _ => None,
            };
            out[i] = (nibble(pair[0]).ok_or_else(bad)? << 4) | nibble(pair[1]).ok_or_else(bad)?;
        }
        Ok(Sha256Digest(out))
    }

    /// The 32 bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Display for Sha256Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}

impl Serialize for Sha256Digest {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Sha256Digest {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Sha256Digest::parse_hex(&s).map_err(de::Error::custom)
    }
}

/// `evidence.records_sha256`: SHA-256 over the deleted record keys, each once, in ascending
/// byte order, each followed by a line feed — what `LC_ALL=C sort -u keys.txt | sha256sum`
/// prints for a file with one key per line. A key holding a line feed is refused.
pub fn records_sha256<I, S>(keys: I) -> Result<Sha256Digest, InvalidValue>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let mut keys: Vec<S> = keys.into_iter().collect();
    if let Some(k) = keys.iter().find(|k| k.as_ref().contains('\n')) {
        return Err(InvalidValue(format!("record key {:?} holds a line feed", k.as_ref())));
    }
    keys.sort_unstable_by(|a, b| a.as_ref().cmp(b.as_ref()));
    keys.dedup_by(|a, b| a.as_ref() == b.as_ref());
    let mut h = Sha256::new();
    for k in &keys {
        h.update(k.as_ref().as_bytes());
        h.update(b"\n");
    }
    Ok(Sha256Digest(h.finalize().into()))
}

/// Names of the kinds of things the service deletes, as `deleted` counts them.
pub mod kinds {
    /// Items of the tenant's table (projects, library entries, settings, …).
    pub const RECORDS: &str = "records";
    /// Events of the tenant's audit log.
    pub const AUDIT_EVENTS: &str = "audit_events";
    /// Versions of the tenant's stored objects (exports, uploads, archives).
    pub const OBJECT_VERSIONS: &str = "object_versions";
    /// The company's user accounts.
    pub const USERS: &str = "users";
    /// Support inquiries and their messages.
    pub const INQUIRIES: &str = "inquiries";
    /// Projects (also counted among `records`).
    pub const PROJECTS: &str = "projects";
    /// Backup copies.
    pub const BACKUPS: &str = "backups";
}

/// How many of each kind of thing were deleted: kind name → count.
///
/// Names are 1 to 64 characters of `a`–`z`, `0`–`9` and `_`, starting with a letter
/// ([`kinds`] has the service's); counts are at most [`MAX_COUNT`]. Iteration is in name
/// order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DeletedCounts(BTreeMap<String, u64>);

impl DeletedCounts {
    /// No counts yet.
    pub fn new() -> DeletedCounts {
        DeletedCounts::default()
    }

    /// Set the count of a kind (replacing an earlier one).
    pub fn set(&mut self, kind: &str, count: u64) -> Result<(), InvalidValue> {
        check_kind(kind)?;
        if count > MAX_COUNT {
            return Err(InvalidValue(format!("count of `{kind}` ({count}) is above {MAX_COUNT}")));
        }
        self.0.insert(kind.to_string(), count);
        Ok(())
    }

    /// [`DeletedCounts::set`], for building in one expression.
    pub fn with(mut self, kind: &str, count: u64) -> Result<DeletedCounts, InvalidValue> {
        self.set(kind, count)?;
        Ok(self)
    }

    /// The count of a kind, if stated.
    pub fn get(&self, kind: &str) -> Option<u64> {
        self.0.get(kind).copied()
    }

    /// (kind, count) in name order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, u64)> {
        self.0.iter().map(|(k, v)| (k.as_str(), *v))
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

fn check_kind(kind: &str) -> Result<(), InvalidValue> {
    let mut chars = kind.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_lowercase());
    if first_ok && kind.len() <= 64 && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_') {
        Ok(())
    } else {
        Err(InvalidValue(format!("`{kind}` is not a kind name (a–z, 0–9 and _, starting with a letter, at most 64)")))
    }
}

impl Serialize for DeletedCounts {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

impl<'de> Deserialize<'de> for DeletedCounts {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Counts;
        impl<'de> de::Visitor<'de> for Counts {
            type Value = DeletedCounts;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object of kind names and counts")
            }
            fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<DeletedCounts, A::Error> {
                let mut out = DeletedCounts::new();
                while let Some((k, v)) = map.next_entry::<String, u64>()? {
                    if out.0.contains_key(&k) {
                        return Err(de::Error::custom(format!("`{k}` is counted twice")));
                    }
                    out.set(&k, v).map_err(de::Error::custom)?;
                }
                Ok(out)
            }
        }
        d.deserialize_map(Counts)
    }
}

/// What became of the tenant's encryption key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyFate {
    /// Deletion is scheduled and the key is disabled; it is destroyed at this instant (AWS
    /// KMS keeps a key 7 to 30 days before destroying it). JSON: `deletion_scheduled_for`.
    DeletionScheduledFor(UtcTimestamp),
    /// The key was destroyed at this instant. JSON: `destroyed_at`.
    DestroyedAt(UtcTimestamp),
}

/// The tenant's encryption key (crypto-shredding: without it no copy of the tenant's
/// encrypted data, backups included, can be read).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "KeyWire", into = "KeyWire")]
pub struct KeyDisposal {
    /// The key's id (a KMS key id on AWS).
    pub key_id: String,
    /// Where the key lived: its ARN on AWS, the local edition's key reference.
    pub key_arn_or_ref: String,
    pub fate: KeyFate,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct KeyWire {
    key_id: String,
    key_arn_or_ref: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    deletion_scheduled_for: Option<UtcTimestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    destroyed_at: Option<UtcTimestamp>,
}

impl From<KeyDisposal> for KeyWire {
    fn from(k: KeyDisposal) -> KeyWire {
        let (scheduled, destroyed) = match k.fate {
            KeyFate::DeletionScheduledFor(t) => (Some(t), None),
            KeyFate::DestroyedAt(t) => (None, Some(t)),
        };
        KeyWire { key_id: k.key_id, key_arn_or_ref: k.key_arn_or_ref, deletion_scheduled_for: scheduled, destroyed_at: destroyed }
    }
}

impl TryFrom<KeyWire> for KeyDisposal {
    type Error = InvalidValue;
    fn try_from(w: KeyWire) -> Result<KeyDisposal, InvalidValue> {
        let fate = match (w.deletion_scheduled_for, w.destroyed_at) {
            (Some(t), None) => KeyFate::DeletionScheduledFor(t),
            (None, Some(t)) => KeyFate::DestroyedAt(t),
            (Some(_), Some(_)) => return Err(InvalidValue("key has both `deletion_scheduled_for` and `destroyed_at`".into())),
            (None, None) => return Err(InvalidValue("key has neither `deletion_scheduled_for` nor `destroyed_at`".into())),
        };
        Ok(KeyDisposal { key_id: w.key_id, key_arn_or_ref: w.key_arn_or_ref, fate })
    }
}

/// Digests that tie the certificate to what was deleted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Evidence {
    /// SHA-256 of the company's final archive, when one was handed over before deletion.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manifest_sha256: Option<Sha256Digest>,
    /// [`records_sha256`] of the deleted record keys.
    pub records_sha256: Sha256Digest,
}

/// The signature algorithm: the certificate names it, so that a verifier never has to guess.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Algorithm {
    /// Ed25519 (RFC 8032) over the canonical bytes. The local edition's signer.
    #[serde(rename = "ed25519")]
    Ed25519,
    /// ECDSA on NIST P-256 with SHA-256 over the canonical bytes (AWS KMS `ECC_NIST_P256`,
    /// `ECDSA_SHA_256`, `MessageType=RAW`); the signature is DER-encoded as KMS returns it.
    #[serde(rename = "ecdsa-p256-sha256")]
    EcdsaP256Sha256,
}

impl Algorithm {
    /// The JSON name.
    pub fn as_str(self) -> &'static str {
        match self {
            Algorithm::Ed25519 => "ed25519",
            Algorithm::EcdsaP256Sha256 => "ecdsa-p256-sha256",
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who issued and signed the certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Issuer {
    /// The issuing service (e.g. `kyocho`).
    pub service: String,
    /// The AWS region, or `local` for the local edition.
    pub region: String,
    /// The signing key's id (a KMS key ARN on AWS); names the public key to verify with.
    pub signing_key_id: String,
    pub algorithm: Algorithm,
}

impl Issuer {
    /// The issuer for a signer: its algorithm and key id.
    pub fn for_signer(service: impl Into<String>, region: impl Into<String>, signer: &dyn crate::Signer) -> Issuer {
        Issuer {
            service: service.into(),
            region: region.into(),
            signing_key_id: signer.key_id().to_string(),
            algorithm: signer.algorithm(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_timestamp_has_one_spelling() {
        let t = UtcTimestamp::parse("2025-04-01T09:30:00Z").expect("canonical spelling");
        assert_eq!(t.to_string(), "2025-04-01T09:30:00Z");
        for other in ["2025-04-01T18:30:00+09:00", "2025-04-01T09:30:00.5Z", "2025-04-01T09:30:00z", "2025-04-01 09:30:00Z", "2025-04-01"] {
            assert!(UtcTimestamp::parse(other).is_err(), "{other} accepted");
        }
    }

    #[test]
    fn a_timestamp_from_any_offset_is_moved_to_utc_and_cut_to_the_second() {
        let jst = time::macros::datetime!(2025-04-01 18:30:00.75 +09:00);
        assert_eq!(UtcTimestamp::new(jst).expect("in range").to_string(), "2025-04-01T09:30:00Z");
    }

    #[test]
    fn a_digest_is_lower_case_hex() {
        let d = Sha256Digest::of(b"abc");
        assert_eq!(d.to_string(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert_eq!(Sha256Digest::parse_hex(&d.to_string()), Ok(d));
        assert!(Sha256Digest::parse_hex(&d.to_string().to_uppercase()).is_err());
        assert!(Sha256Digest::parse_hex(&d.to_string()[..62]).is_err());
    }

    #[test]
    fn the_records_digest_is_what_sort_and_sha256sum_print() {
        // printf 'T#a\nT#b\n' | sha256sum
        let expected = Sha256Digest::of(b"T#a\nT#b\n");
        assert_eq!(records_sha256(["T#b", "T#a", "T#b"]), Ok(expected));
        // An empty list is the digest of nothing.
        assert_eq!(
            records_sha256(Vec::<String>::new()).map(|d| d.to_string()).as_deref(),
            Ok("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        );
        assert!(records_sha256(["a\nb"]).is_err());
    }

    #[test]
    fn kind_names_and_counts_are_checked() {
        let mut c = DeletedCounts::new();
        assert!(c.set("records", MAX_COUNT).is_ok());
        assert!(c.set("records", MAX_COUNT + 1).is_err());
        for bad in ["", "Records", "1st", "object versions", "件数"] {
            assert!(c.set(bad, 1).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn a_key_is_either_scheduled_or_destroyed() {
        let both =
            r#"{"key_id":"k","key_arn_or_ref":"r","deletion_scheduled_for":"2025-05-01T00:00:00Z","destroyed_at":"2025-05-01T00:00:00Z"}"#;
        let neither = r#"{"key_id":"k","key_arn_or_ref":"r"}"#;
        assert!(serde_json::from_str::<KeyDisposal>(both).is_err());
        assert!(serde_json::from_str::<KeyDisposal>(neither).is_err());
        let one = r#"{"key_id":"k","key_arn_or_ref":"r","destroyed_at":"2025-05-01T00:00:00Z"}"#;
        let k: KeyDisposal = serde_json::from_str(one).expect("destroyed key");
        assert!(matches!(k.fate, KeyFate::DestroyedAt(_)));
        assert_eq!(serde_json::to_string(&k).expect("json"), one);
    }
}
