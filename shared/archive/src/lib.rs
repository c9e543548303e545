//! The open Kyocho archive format: a zip holding `manifest.json` first, then each project's
//! document (`projects/<id>/project.json`) with its drawings and reports, every entry listed
//! in the manifest with its size and SHA-256. docs/archive.md is the reference; this crate
//! writes it ([`ArchiveWriter`]) and reads it ([`read_archive`]), refusing anything the
//! reference does not allow with an [`ArchiveError`] whose [`ArchiveError::code`] is stable.
//! Pure: bytes in, bytes out; no I/O, no clock.
//!
//! ```
//! use archive::{read_archive, ArchiveWriter, EntryPath, Kind, Limits, MediaType, ProjectId};
//! use time::macros::datetime;
//!
//! let mut writer = ArchiveWriter::new(Kind::Project, datetime!(2026-05-01 09:00 UTC), "kyocho 0.1.0");
//! let id = ProjectId::parse("p1").unwrap();
//! writer.add_project(id, "受電設備", 3, r#"{"name":"受電設備"}"#.into()).unwrap();
//! let sld = EntryPath::parse("projects/p1/drawings/sld.svg").unwrap();
//! writer.add_file(sld, MediaType::SVG, b"<svg/>".to_vec()).unwrap();
//! let bytes = writer.finish().unwrap();
//!
//! let archive = read_archive(&bytes, &Limits::default()).unwrap();
//! assert_eq!(archive.project_document("p1"), Some(r#"{"name":"受電設備"}"#.as_bytes()));
//! assert_eq!(read_archive(b"not a zip", &Limits::default()).unwrap_err().code(), "not_a_zip");
//! ```

mod error;
mod limits;
mod manifest;
mod names;
mod reader;
mod writer;

pub use error::{ArchiveError, CODES};
pub use limits::Limits;
pub use manifest::{Digest, EntryRecord, Kind, Manifest, ProjectRecord};
pub use names::{
    EntryPath, InvalidMediaType, InvalidProjectId, MediaType, PathProblem, Place, ProjectId,
    MAX_MEDIA_TYPE_BYTES, MAX_PATH_BYTES,
};
pub use reader::{read_archive, Archive};
pub use writer::{ArchiveWriter, WriteError};

/// The value of the manifest's `format` field.
pub const FORMAT: &str = "kyocho-archive";

/// The format version this crate writes and the only one it reads.
pub const FORMAT_VERSION: u64 = 1;

/// The manifest's path: always the zip's first entry.
pub const MANIFEST_PATH: &str = "manifest.json";
