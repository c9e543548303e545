//! How much an archive may hold before the reader refuses it unread.

use crate::names::Place;

/// The reader's limits. Sizes are in bytes; ratios are uncompressed bytes per compressed
/// byte. [`Limits::default`] is what the service accepts on upload (docs/archive.md,
/// "Limits"). The reader never holds more than `max_total_uncompressed_bytes` of content
/// plus the manifest, whatever the zip's headers claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// The archive itself, as uploaded.
    pub max_archive_bytes: u64,
    /// Entries in the zip, the manifest included.
    pub max_entries: usize,
    /// All entries but the manifest, uncompressed, added up.
    pub max_total_uncompressed_bytes: u64,
    /// Any one entry, uncompressed.
    pub max_entry_bytes: u64,
    /// One project document (`projects/<id>/project.json`), uncompressed.
    pub max_document_bytes: u64,
    /// `manifest.json`, uncompressed.
    pub max_manifest_bytes: u64,
    /// Uncompressed over compressed size, for each entry and for the archive as a whole.
    pub max_compression_ratio: u64,
    /// Entries (and archives) that unpack to no more than this are exempt from the ratio
    /// check: a small, highly repetitive file is not a bomb.
    pub ratio_exempt_bytes: u64,
}

const MIB: u64 = 1024 * 1024;

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_archive_bytes: 100 * MIB,
            max_entries: 10_000,
            max_total_uncompressed_bytes: 512 * MIB,
            max_entry_bytes: 64 * MIB,
            max_document_bytes: 16 * MIB,
            max_manifest_bytes: 8 * MIB,
            max_compression_ratio: 100,
            ratio_exempt_bytes: MIB,
        }
    }
}

impl Limits {
    /// The most an entry at `place` may hold, uncompressed.
    pub fn entry_limit(&self, place: Place<'_>) -> u64 {
        match place {
            Place::Manifest => self.max_manifest_bytes,
            Place::Document(_) => self.max_document_bytes.min(self.max_entry_bytes),
            Place::Attachment(_) | Place::Outside => self.max_entry_bytes,
        }
    }

    /// Whether `uncompressed` bytes packed into `compressed` bytes is past the ratio.
    pub(crate) fn ratio_exceeded(&self, uncompressed: u64, compressed: u64) -> bool {
        uncompressed > self.ratio_exempt_bytes
            && uncompressed > compressed.saturating_mul(self.max_compression_ratio)
    }
}
