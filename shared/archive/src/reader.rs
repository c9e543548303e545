//! Reading an archive someone uploaded: every byte is checked before anything is returned,
//! and nothing the zip's headers claim decides how much is read.
//!
//! The checks run cheapest first, so a hostile archive is refused before it is unpacked:
//! the archive's size; the zip's structure (entry count, one consistent set of headers,
//! names, encryption, compression method, declared sizes); the manifest; whether the zip
//! and the manifest list the same entries; the manifest's sizes against the limits; and
//! last, each entry unpacked to at most its listed size plus one byte, then its size,
//! checksum and (for a project document) JSON checked.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Cursor, Read};

use zip::{CompressionMethod, ZipArchive};

use crate::error::shown;
use crate::manifest::{Digest, EntryRecord, Manifest};
use crate::names::{EntryPath, Place};
use crate::{ArchiveError, Limits, MANIFEST_PATH};

/// An archive whose every entry matched its manifest: listed once, of the listed size and
/// SHA-256, under a listed project, each project document a JSON object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Archive {
    manifest: Manifest,
    files: BTreeMap<String, Vec<u8>>,
}

impl Archive {
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// Every entry but the manifest, by path, as the zip held it.
    pub fn files(&self) -> &BTreeMap<String, Vec<u8>> {
        &self.files
    }

    pub fn file(&self, path: &str) -> Option<&[u8]> {
        self.files.get(path).map(Vec::as_slice)
    }

    /// A project's document, byte for byte as it was written; `None` for an id the
    /// manifest does not list.
    pub fn project_document(&self, id: &str) -> Option<&[u8]> {
        let project = self
            .manifest
            .projects
            .iter()
            .find(|p| p.id.as_str() == id)?;
        self.file(project.document.as_str())
    }

    pub fn into_parts(self) -> (Manifest, BTreeMap<String, Vec<u8>>) {
        (self.manifest, self.files)
    }
}

/// One zip entry as its central directory header describes it; the sizes are claims.
struct Listed {
    path: EntryPath,
    compressed_size: u64,
}

/// Read and check an archive (docs/archive.md, "Reading"). Never panics, and never holds
/// more than the limits allow, whatever the input.
pub fn read_archive(bytes: &[u8], limits: &Limits) -> Result<Archive, ArchiveError> {
    let archive_size = bytes.len() as u64;
    if archive_size > limits.max_archive_bytes {
        return Err(ArchiveError::ArchiveTooLarge {
            size: archive_size,
            limit: limits.max_archive_bytes,
        });
    }
    let mut zip = ZipArchive::new(Cursor::new(bytes)).map_err(|e| ArchiveError::NotAZip {
        reason: e.to_string(),
    })?;
    let listed = check_structure(&mut zip, bytes, limits)?;

    let manifest = read_manifest(&mut zip, &listed, limits)?;
    let contents = &listed[1..];
    let records = match_manifest(contents, &manifest)?;
    check_listed_sizes(contents, &records, archive_size, limits)?;

    let mut files = BTreeMap::new();
    for (index, (entry, record)) in contents.iter().zip(&records).enumerate() {
        let data = unpack(&mut zip, index + 1, &entry.path, record.size)?;
        check_contents(&entry.path, record, &data)?;
        files.insert(entry.path.to_string(), data);
    }
    Ok(Archive { manifest, files })
}

/// Each zip entry after the manifest with its manifest record, in the zip's order: every
/// entry listed, every listed entry present.
fn match_manifest<'m>(
    contents: &[Listed],
    manifest: &'m Manifest,
) -> Result<Vec<&'m EntryRecord>, ArchiveError> {
    let by_path: BTreeMap<&str, &EntryRecord> = manifest
        .entries
        .iter()
        .map(|e| (e.path.as_str(), e))
        .collect();
    let records = contents
        .iter()
        .map(|entry| {
            by_path
                .get(entry.path.as_str())
                .copied()
                .ok_or_else(|| ArchiveError::UnlistedEntry {
                    path: entry.path.to_string(),
                })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let in_zip: BTreeSet<&str> = contents.iter().map(|l| l.path.as_str()).collect();
    if let Some(missing) = manifest
        .entries
        .iter()
        .find(|e| !in_zip.contains(e.path.as_str()))
    {
        return Err(ArchiveError::MissingEntry {
            path: missing.path.to_string(),
        });
    }
    Ok(records)
}

/// The limits against the sizes the manifest lists, before anything is unpacked: the
/// reader later refuses any entry that holds more than listed.
fn check_listed_sizes(
    contents: &[Listed],
    records: &[&EntryRecord],
    archive_size: u64,
    limits: &Limits,
) -> Result<(), ArchiveError> {
    let mut total: u64 = 0;
    for (entry, record) in contents.iter().zip(records) {
        let limit = limits.entry_limit(entry.path.place());
        if record.size > limit {
            return Err(ArchiveError::EntryTooLarge {
                path: entry.path.to_string(),
                size: record.size,
                limit,
            });
        }
        check_ratio(
            Some(&entry.path),
            record.size,
            entry.compressed_size,
            limits,
        )?;
        total = total.saturating_add(record.size);
    }
    if total > limits.max_total_uncompressed_bytes {
        return Err(ArchiveError::UncompressedTooLarge {
            total,
            limit: limits.max_total_uncompressed_bytes,
        });
    }
    check_ratio(None, total, archive_size, limits)
}

/// An unpacked entry against its record: size, then SHA-256, then (for a project
/// document) its JSON.
fn check_contents(path: &EntryPath, record: &EntryRecord, data: &[u8]) -> Result<(), ArchiveError> {
    let actual = data.len() as u64;
    if actual != record.size {
        return Err(ArchiveError::SizeMismatch {
            path: path.to_string(),
            expected: record.size,
            actual,
        });
    }
    let digest = Digest::of(data);
    if digest != record.sha256 {
        return Err(ArchiveError::ChecksumMismatch {
            path: path.to_string(),
            expected: record.sha256.to_string(),
            actual: digest.to_string(),
        });
    }
    if let Place::Document(_) = path.place() {
        check_document(path, data)?;
    }
    Ok(())
}

/// Everything that can be checked from the zip's headers alone, in the zip's order.
fn check_structure(
    zip: &mut ZipArchive<Cursor<&[u8]>>,
    bytes: &[u8],
    limits: &Limits,
) -> Result<Vec<Listed>, ArchiveError> {
    if zip.len() > limits.max_entries {
        return Err(ArchiveError::TooManyEntries {
            count: zip.len(),
            limit: limits.max_entries,
        });
    }
    if zip.offset() != 0 {
        return Err(ArchiveError::InconsistentHeaders {
            reason: "bytes precede the first entry".into(),
        });
    }
    if zip.has_duplicate_names() {
        let path = first_repeated_name(bytes, zip.central_directory_start())
            .unwrap_or_else(|| "(unknown)".into());
        return Err(ArchiveError::DuplicateEntry { path });
    }
    zip.validate_header_consistency()
        .map_err(|e| ArchiveError::InconsistentHeaders {
            reason: e.to_string(),
        })?;

    let mut folded = BTreeSet::new();
    let mut listed = Vec::with_capacity(zip.len());
    for index in 0..zip.len() {
        let entry = zip
            .by_index_data(index)
            .map_err(|e| ArchiveError::NotAZip {
                reason: e.to_string(),
            })?;
        let raw = entry.name_raw();
        let path = EntryPath::parse_bytes(raw).map_err(|problem| ArchiveError::UnsafePath {
            path: shown(raw),
            problem,
        })?;
        if !folded.insert(path.folded()) {
            return Err(ArchiveError::DuplicateEntry {
                path: path.to_string(),
            });
        }
        if entry.encrypted() {
            return Err(ArchiveError::EncryptedEntry {
                path: path.to_string(),
            });
        }
        let method = entry.compression();
        if method != CompressionMethod::Stored && method != CompressionMethod::Deflated {
            // The crate offers no other way to the method's number.
            #[allow(deprecated)]
            let method = method.to_u16();
            return Err(ArchiveError::UnsupportedCompression {
                path: path.to_string(),
                method,
            });
        }
        let (declared_size, compressed_size) = (entry.size(), entry.compressed_size());
        let limit = limits.entry_limit(path.place());
        if declared_size > limit {
            return Err(ArchiveError::EntryTooLarge {
                path: path.to_string(),
                size: declared_size,
                limit,
            });
        }
        check_ratio(Some(&path), declared_size, compressed_size, limits)?;
        listed.push(Listed {
            path,
            compressed_size,
        });
    }
    Ok(listed)
}

fn read_manifest(
    zip: &mut ZipArchive<Cursor<&[u8]>>,
    listed: &[Listed],
    limits: &Limits,
) -> Result<Manifest, ArchiveError> {
    let first = listed
        .first()
        .ok_or(ArchiveError::MissingManifest { found: None })?;
    if first.path.as_str() != MANIFEST_PATH {
        return Err(ArchiveError::MissingManifest {
            found: Some(first.path.to_string()),
        });
    }
    let limit = limits.max_manifest_bytes;
    let bytes = unpack(zip, 0, &first.path, limit)?;
    if bytes.len() as u64 > limit {
        return Err(ArchiveError::EntryTooLarge {
            path: MANIFEST_PATH.into(),
            size: bytes.len() as u64,
            limit,
        });
    }
    Manifest::from_json(&bytes)
}

fn check_ratio(
    path: Option<&EntryPath>,
    uncompressed: u64,
    compressed: u64,
    limits: &Limits,
) -> Result<(), ArchiveError> {
    if limits.ratio_exceeded(uncompressed, compressed) {
        return Err(ArchiveError::CompressionRatio {
            path: path.map(EntryPath::to_string),
            uncompressed,
            compressed,
            limit: limits.max_compression_ratio,
        });
    }
    Ok(())
}

/// Unpack one entry, reading at most `expected + 1` bytes: one more than the entry may
/// hold is enough to know it holds too much.
fn unpack(
    zip: &mut ZipArchive<Cursor<&[u8]>>,
    index: usize,
    path: &EntryPath,
    expected: u64,
) -> Result<Vec<u8>, ArchiveError> {
    let corrupt = |e: &dyn std::fmt::Display| ArchiveError::CorruptEntry {
        path: path.to_string(),
        reason: e.to_string(),
    };
    let file = zip.by_index(index).map_err(|e| corrupt(&e))?;
    let mut out = Vec::new();
    file.take(expected.saturating_add(1))
        .read_to_end(&mut out)
        .map_err(|e| corrupt(&e))?;
    Ok(out)
}

/// A project document must be UTF-8 JSON whose top level is an object.
fn check_document(path: &EntryPath, bytes: &[u8]) -> Result<(), ArchiveError> {
    document_problem(bytes).map_err(|reason| ArchiveError::DocumentInvalid {
        path: path.to_string(),
        reason,
    })
}

/// Why `bytes` are not a project document (UTF-8 JSON, an object at the top level), if so.
pub(crate) fn document_problem(bytes: &[u8]) -> Result<(), String> {
    let text = std::str::from_utf8(bytes).map_err(|e| format!("not UTF-8: {e}"))?;
    if !text.trim_start().starts_with('{') {
        return Err("the top level is not an object".into());
    }
    serde_json::from_str::<serde::de::IgnoredAny>(text).map_err(|e| e.to_string())?;
    Ok(())
}

/// The first name that the central directory holds twice (ignoring ASCII case), read
/// straight from its headers: the zip crate keeps only one entry per name.
fn first_repeated_name(bytes: &[u8], directory_start: u64) -> Option<String> {
    const SIGNATURE: &[u8] = b"PK\x01\x02";
    const FIXED: usize = 46;
    let u16_at = |at: usize| {
        bytes
            .get(at..at + 2)
            .map(|b| usize::from(u16::from_le_bytes([b[0], b[1]])))
    };
    let mut seen = BTreeSet::new();
    let mut at = usize::try_from(directory_start).ok()?;
    while bytes.get(at..at.checked_add(4)?) == Some(SIGNATURE) {
        let name_len = u16_at(at + 28)?;
        let variable = name_len + u16_at(at + 30)? + u16_at(at + 32)?;
        let name = bytes.get(at + FIXED..at + FIXED + name_len)?;
        if !seen.insert(name.to_ascii_lowercase()) {
            return Some(shown(name));
        }
        at = at.checked_add(FIXED + variable)?;
    }
    None
}
