//! Builders for the archives the tests read: sound ones through the zip crate's writer,
//! hostile ones byte by byte where the writer would refuse to make them.
#![allow(dead_code)]

use std::io::{Cursor, Write};

use archive::Digest;
use serde_json::{json, Value};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

pub const DOCUMENT: &[u8] = r#"{"name":"第1受電設備","version":3,"nodes":[]}"#.as_bytes();
pub const DRAWING: &[u8] = b"%PDF-1.7\n% a drawing\n%%EOF\n";
pub const REPORT: &[u8] = "device,setting\nOCR-1,5 A\n".as_bytes();

/// The files of a sound one-project archive, manifest aside, in zip order.
pub fn sound_files() -> Vec<(String, Vec<u8>)> {
    vec![
        ("projects/p1/project.json".into(), DOCUMENT.to_vec()),
        ("projects/p1/drawings/sld.pdf".into(), DRAWING.to_vec()),
        ("projects/p1/reports/settings.csv".into(), REPORT.to_vec()),
    ]
}

fn media_type(path: &str) -> &'static str {
    match path.rsplit('.').next() {
        Some("json") => "application/json",
        Some("pdf") => "application/pdf",
        Some("csv") => "text/csv",
        Some("svg") => "image/svg+xml",
        Some("dxf") => "image/vnd.dxf",
        _ => "application/octet-stream",
    }
}

/// An honest manifest for `files`, all belonging to project `p1`.
pub fn manifest_for(files: &[(String, Vec<u8>)]) -> Value {
    let entries: Vec<Value> = files
        .iter()
        .map(|(path, bytes)| {
            json!({ "path": path, "size": bytes.len(), "sha256": Digest::of(bytes).to_string(), "media_type": media_type(path) })
        })
        .collect();
    json!({
        "format": "kyocho-archive",
        "format_version": 1,
        "kind": "project",
        "created_at": "2026-05-01T00:00:00Z",
        "generator": "kyocho 0.1.0",
        "projects": [{ "id": "p1", "name": "第1受電設備", "version": 3, "document": "projects/p1/project.json" }],
        "entries": entries,
    })
}

/// A zip of `entries` in this order, each deflated, written by the zip crate.
pub fn zip_of(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    zip_with(entries, CompressionMethod::Deflated)
}

pub fn zip_with(entries: &[(String, Vec<u8>)], method: CompressionMethod) -> Vec<u8> {
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(method);
    for (name, bytes) in entries {
        zip.start_file(name.as_str(), options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// The manifest followed by `files`.
pub fn with_manifest(manifest: &Value, files: Vec<(String, Vec<u8>)>) -> Vec<(String, Vec<u8>)> {
    let mut entries = vec![(
        "manifest.json".to_string(),
        serde_json::to_vec_pretty(manifest).unwrap(),
    )];
    entries.extend(files);
    entries
}

/// A sound archive whose manifest was edited after it was made honest.
pub fn archive_with_manifest_edit(edit: impl FnOnce(&mut Value)) -> Vec<u8> {
    let files = sound_files();
    let mut manifest = manifest_for(&files);
    edit(&mut manifest);
    zip_of(&with_manifest(&manifest, files))
}

pub fn sound_archive() -> Vec<u8> {
    archive_with_manifest_edit(|_| {})
}

/// One entry of a zip written byte by byte: whatever the fields say is what the headers say.
#[derive(Clone)]
pub struct RawEntry {
    pub name: Vec<u8>,
    /// The name the local header carries, when it should differ from the central one.
    pub local_name: Option<Vec<u8>>,
    /// The bytes stored, already compressed if `method` says so.
    pub data: Vec<u8>,
    pub method: u16,
    pub flags: u16,
    pub crc32: u32,
    pub uncompressed_size: u32,
}

impl RawEntry {
    /// A stored entry with honest headers.
    pub fn stored(name: &[u8], data: &[u8]) -> Self {
        Self {
            name: name.to_vec(),
            local_name: None,
            data: data.to_vec(),
            method: 0,
            flags: 0,
            crc32: crc32(data),
            uncompressed_size: data.len() as u32,
        }
    }
}

/// A zip of `entries` with local headers, central directory and end record as given.
pub fn raw_zip(entries: &[RawEntry]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for entry in entries {
        let offset = out.len() as u32;
        let local_name = entry.local_name.as_ref().unwrap_or(&entry.name);
        let common = |buf: &mut Vec<u8>, name_len: usize| {
            buf.extend_from_slice(&20u16.to_le_bytes()); // version needed
            buf.extend_from_slice(&entry.flags.to_le_bytes());
            buf.extend_from_slice(&entry.method.to_le_bytes());
            buf.extend_from_slice(&0u16.to_le_bytes()); // time
            buf.extend_from_slice(&0x21u16.to_le_bytes()); // date 1980-01-01
            buf.extend_from_slice(&entry.crc32.to_le_bytes());
            buf.extend_from_slice(&(entry.data.len() as u32).to_le_bytes());
            buf.extend_from_slice(&entry.uncompressed_size.to_le_bytes());
            buf.extend_from_slice(&(name_len as u16).to_le_bytes());
            buf.extend_from_slice(&0u16.to_le_bytes()); // extra length
        };
        out.extend_from_slice(b"PK\x03\x04");
        common(&mut out, local_name.len());
        out.extend_from_slice(local_name);
        out.extend_from_slice(&entry.data);

        central.extend_from_slice(b"PK\x01\x02");
        central.extend_from_slice(&20u16.to_le_bytes()); // version made by
        common(&mut central, entry.name.len());
        central.extend_from_slice(&0u16.to_le_bytes()); // comment length
        central.extend_from_slice(&0u16.to_le_bytes()); // disk
        central.extend_from_slice(&0u16.to_le_bytes()); // internal attributes
        central.extend_from_slice(&0u32.to_le_bytes()); // external attributes
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(&entry.name);
    }
    let directory_start = out.len() as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(b"PK\x05\x06");
    out.extend_from_slice(&0u16.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&directory_start.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

/// The sound archive's entries as stored raw entries, manifest first.
pub fn sound_raw_entries() -> Vec<RawEntry> {
    let files = sound_files();
    with_manifest(&manifest_for(&files), files)
        .iter()
        .map(|(name, bytes)| RawEntry::stored(name.as_bytes(), bytes))
        .collect()
}

/// CRC-32 (IEEE), as zip headers carry it.
pub fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}
