//! Why the reader refused an archive: one variant per refusal, each with a stable code.

use crate::names::PathProblem;

/// Every code [`ArchiveError::code`] can return, in the order docs/archive.md lists them.
pub const CODES: [&str; 20] = [
    "archive_too_large",
    "too_many_entries",
    "entry_too_large",
    "uncompressed_too_large",
    "compression_ratio",
    "not_a_zip",
    "inconsistent_headers",
    "unsafe_path",
    "duplicate_entry",
    "encrypted_entry",
    "unsupported_compression",
    "corrupt_entry",
    "missing_manifest",
    "manifest_invalid",
    "unknown_format_version",
    "unlisted_entry",
    "missing_entry",
    "size_mismatch",
    "checksum_mismatch",
    "document_invalid",
];

/// An archive the reader refuses. Paths in messages are the zip's names with any byte
/// outside printable ASCII escaped, so a message is always safe to log and to show.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ArchiveError {
    #[error("the archive is {size} bytes; at most {limit} are accepted")]
    ArchiveTooLarge { size: u64, limit: u64 },

    #[error("the archive holds {count} entries; at most {limit} are accepted")]
    TooManyEntries { count: usize, limit: usize },

    #[error("entry {path} is {size} bytes uncompressed; at most {limit} are accepted")]
    EntryTooLarge { path: String, size: u64, limit: u64 },

    #[error(
        "the archive's entries add up to {total} bytes uncompressed; at most {limit} are accepted"
    )]
    UncompressedTooLarge { total: u64, limit: u64 },

    #[error("{} expands {uncompressed} bytes from {compressed} (more than {limit}:1)", ratio_subject(.path.as_deref()))]
    CompressionRatio {
        path: Option<String>,
        uncompressed: u64,
        compressed: u64,
        limit: u64,
    },

    #[error("not a readable zip file: {reason}")]
    NotAZip { reason: String },

    #[error("the zip's headers disagree: {reason}")]
    InconsistentHeaders { reason: String },

    #[error("entry {path} has an unsafe name: {problem}")]
    UnsafePath { path: String, problem: PathProblem },

    #[error("entry {path} appears more than once (names are compared ignoring ASCII case)")]
    DuplicateEntry { path: String },

    #[error("entry {path} is encrypted; archives are never encrypted")]
    EncryptedEntry { path: String },

    #[error("entry {path} uses compression method {method}; only stored (0) and deflate (8) are accepted")]
    UnsupportedCompression { path: String, method: u16 },

    #[error("entry {path} cannot be decompressed: {reason}")]
    CorruptEntry { path: String, reason: String },

    #[error("{}", match .found { Some(found) => format!("the first entry must be manifest.json, found {found}"), None => "the archive holds no entries; the first must be manifest.json".to_owned() })]
    MissingManifest { found: Option<String> },

    #[error("manifest.json is invalid at {}: {message}", if .pointer.is_empty() { "the top level" } else { .pointer.as_str() })]
    ManifestInvalid { pointer: String, message: String },

    #[error(
        "the archive has format_version {found}; this reader knows version {}",
        crate::FORMAT_VERSION
    )]
    UnknownFormatVersion { found: u64 },

    #[error("entry {path} is not listed in manifest.json")]
    UnlistedEntry { path: String },

    #[error("manifest.json lists {path}, which the archive does not hold")]
    MissingEntry { path: String },

    #[error("entry {path} is {} bytes; manifest.json says {expected}", if .actual > .expected { format!("more than {expected}") } else { actual.to_string() })]
    SizeMismatch {
        path: String,
        expected: u64,
        actual: u64,
    },

    #[error("entry {path} has SHA-256 {actual}; manifest.json says {expected}")]
    ChecksumMismatch {
        path: String,
        expected: String,
        actual: String,
    },

    #[error("project document {path} is not a JSON object: {reason}")]
    DocumentInvalid { path: String, reason: String },
}

fn ratio_subject(path: Option<&str>) -> String {
    match path {
        Some(path) => format!("entry {path}"),
        None => "the archive".to_owned(),
    }
}

impl ArchiveError {
    /// The stable snake_case code: an API problem's `code`. Listed in [`CODES`].
    pub fn code(&self) -> &'static str {
        match self {
            Self::ArchiveTooLarge { .. } => "archive_too_large",
            Self::TooManyEntries { .. } => "too_many_entries",
            Self::EntryTooLarge { .. } => "entry_too_large",
            Self::UncompressedTooLarge { .. } => "uncompressed_too_large",
            Self::CompressionRatio { .. } => "compression_ratio",
            Self::NotAZip { .. } => "not_a_zip",
            Self::InconsistentHeaders { .. } => "inconsistent_headers",
            Self::UnsafePath { .. } => "unsafe_path",
            Self::DuplicateEntry { .. } => "duplicate_entry",
            Self::EncryptedEntry { .. } => "encrypted_entry",
            Self::UnsupportedCompression { .. } => "unsupported_compression",
            Self::CorruptEntry { .. } => "corrupt_entry",
            Self::MissingManifest { .. } => "missing_manifest",
            Self::ManifestInvalid { .. } => "manifest_invalid",
            Self::UnknownFormatVersion { .. } => "unknown_format_version",
            Self::UnlistedEntry { .. } => "unlisted_entry",
            Self::MissingEntry { .. } => "missing_entry",
            Self::SizeMismatch { .. } => "size_mismatch",
            Self::ChecksumMismatch { .. } => "checksum_mismatch",
            Self::DocumentInvalid { .. } => "document_invalid",
        }
    }

    /// The entry the refusal is about, when it is about one.
    pub fn entry(&self) -> Option<&str> {
        match self {
            Self::EntryTooLarge { path, .. }
            | Self::UnsafePath { path, .. }
            | Self::DuplicateEntry { path }
            | Self::EncryptedEntry { path }
            | Self::UnsupportedCompression { path, .. }
            | Self::CorruptEntry { path, .. }
            | Self::UnlistedEntry { path }
            | Self::MissingEntry { path }
            | Self::SizeMismatch { path, .. }
            | Self::ChecksumMismatch { path, .. }
            | Self::DocumentInvalid { path, .. } => Some(path),
            Self::CompressionRatio { path, .. } => path.as_deref(),
            Self::ManifestInvalid { .. } | Self::MissingManifest { .. } => {
                Some(crate::MANIFEST_PATH)
            }
            _ => None,
        }
    }

    /// For `manifest_invalid`: the JSON pointer (RFC 6901) of the failing field in
    /// manifest.json, `""` for the document as a whole.
    pub fn pointer(&self) -> Option<&str> {
        match self {
            Self::ManifestInvalid { pointer, .. } => Some(pointer),
            _ => None,
        }
    }
}

/// A zip name as it may safely appear in a message.
pub(crate) fn shown(raw: &[u8]) -> String {
    raw.escape_ascii().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_snake_case() {
        let mut seen = std::collections::BTreeSet::new();
        for code in CODES {
            assert!(
                code.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
                "{code}"
            );
            assert!(seen.insert(code), "{code} twice");
        }
    }

    #[test]
    fn messages_name_the_entry_and_the_numbers() {
        let e = ArchiveError::SizeMismatch {
            path: "projects/p/drawings/a.pdf".into(),
            expected: 10,
            actual: 11,
        };
        assert_eq!(
            e.to_string(),
            "entry projects/p/drawings/a.pdf is more than 10 bytes; manifest.json says 10"
        );
        let e = ArchiveError::CompressionRatio {
            path: None,
            uncompressed: 5000,
            compressed: 10,
            limit: 100,
        };
        assert_eq!(
            e.to_string(),
            "the archive expands 5000 bytes from 10 (more than 100:1)"
        );
        let e = ArchiveError::ManifestInvalid {
            pointer: "/projects/0/id".into(),
            message: "bad".into(),
        };
        assert_eq!(
            e.to_string(),
            "manifest.json is invalid at /projects/0/id: bad"
        );
        assert_eq!(e.pointer(), Some("/projects/0/id"));
        assert_eq!(shown(b"a\xff\n"), "a\\xff\\n");
    }
}
