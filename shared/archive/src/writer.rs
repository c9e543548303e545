//! Writing an archive: the service's own projects, drawings and reports in, zip bytes out.
//! The same input always gives the same bytes: entries in path order, each stamped with
//! the archive's `created_at`.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Cursor, Write};

use time::{OffsetDateTime, UtcOffset};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use crate::manifest::{Digest, EntryRecord, Kind, Manifest, ProjectRecord};
use crate::names::{EntryPath, MediaType, Place, ProjectId};
use crate::MANIFEST_PATH;

/// What the writer refuses: each is a mistake of the caller's, never of a user's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WriteError {
    #[error("project {id} is added twice")]
    DuplicateProject { id: String },
    #[error("{path} is added twice (paths are compared ignoring ASCII case)")]
    DuplicateEntry { path: String },
    #[error("the document of project {id} is not a JSON object: {reason}")]
    DocumentInvalid { id: String, reason: String },
    #[error("{path} is not under projects/<id>/drawings/ or projects/<id>/reports/")]
    OutsideLayout { path: String },
    #[error("{path} belongs to project {id}, which was not added")]
    UnknownProject { path: String, id: String },
    #[error("a project archive holds exactly one project, not {count}")]
    ProjectCount { count: usize },
    #[error("created_at cannot be written as RFC 3339: {reason}")]
    CreatedAt { reason: String },
    #[error("the zip could not be written: {reason}")]
    Zip { reason: String },
}

struct Project {
    name: String,
    version: u64,
}

/// Collects projects and files, then writes them as one archive with [`ArchiveWriter::finish`].
pub struct ArchiveWriter {
    kind: Kind,
    created_at: OffsetDateTime,
    generator: String,
    projects: BTreeMap<ProjectId, Project>,
    files: BTreeMap<EntryPath, (MediaType, Vec<u8>)>,
    folded: BTreeSet<String>,
}

impl ArchiveWriter {
    /// `generator` names the program and its version, e.g. `kyocho 0.1.0`; `created_at` is
    /// written in UTC.
    pub fn new(kind: Kind, created_at: OffsetDateTime, generator: impl Into<String>) -> Self {
        Self {
            kind,
            created_at: created_at.to_offset(UtcOffset::UTC),
            generator: generator.into(),
            projects: BTreeMap::new(),
            files: BTreeMap::new(),
            folded: BTreeSet::new(),
        }
    }

    /// Add a project and its document, which is archived byte for byte.
    pub fn add_project(
        &mut self,
        id: ProjectId,
        name: impl Into<String>,
        version: u64,
        document: Vec<u8>,
    ) -> Result<(), WriteError> {
        if self.projects.contains_key(&id) {
            return Err(WriteError::DuplicateProject { id: id.to_string() });
        }
        if let Err(reason) = crate::reader::document_problem(&document) {
            return Err(WriteError::DocumentInvalid {
                id: id.to_string(),
                reason,
            });
        }
        self.insert(EntryPath::project_document(&id), MediaType::JSON, document)?;
        self.projects.insert(
            id,
            Project {
                name: name.into(),
                version,
            },
        );
        Ok(())
    }

    /// Add a drawing or report: `path` must lie under `projects/<id>/drawings/` or
    /// `projects/<id>/reports/` of a project added before [`ArchiveWriter::finish`].
    pub fn add_file(
        &mut self,
        path: EntryPath,
        media_type: MediaType,
        bytes: Vec<u8>,
    ) -> Result<(), WriteError> {
        if !matches!(path.place(), Place::Attachment(_)) {
            return Err(WriteError::OutsideLayout {
                path: path.to_string(),
            });
        }
        self.insert(path, media_type, bytes)
    }

    fn insert(
        &mut self,
        path: EntryPath,
        media_type: MediaType,
        bytes: Vec<u8>,
    ) -> Result<(), WriteError> {
        if !self.folded.insert(path.folded()) {
            return Err(WriteError::DuplicateEntry {
                path: path.to_string(),
            });
        }
        self.files.insert(path, (media_type, bytes));
        Ok(())
    }

    /// The archive: `manifest.json` first, then every entry in path order, deflated.
    pub fn finish(self) -> Result<Vec<u8>, WriteError> {
        if self.kind == Kind::Project && self.projects.len() != 1 {
            return Err(WriteError::ProjectCount {
                count: self.projects.len(),
            });
        }
        for path in self.files.keys() {
            if let Place::Attachment(id) = path.place() {
                if !self.projects.keys().any(|p| p.as_str() == id) {
                    return Err(WriteError::UnknownProject {
                        path: path.to_string(),
                        id: id.to_owned(),
                    });
                }
            }
        }
        let manifest = Manifest {
            kind: self.kind,
            created_at: self.created_at,
            generator: self.generator,
            projects: self
                .projects
                .into_iter()
                .map(|(id, p)| ProjectRecord {
                    document: EntryPath::project_document(&id),
                    id,
                    name: p.name,
                    version: p.version,
                })
                .collect(),
            entries: self
                .files
                .iter()
                .map(|(path, (media_type, bytes))| EntryRecord {
                    path: path.clone(),
                    size: bytes.len() as u64,
                    sha256: Digest::of(bytes),
                    media_type: media_type.clone(),
                })
                .collect(),
        };
        let manifest_json = manifest.to_json().map_err(|e| WriteError::CreatedAt {
            reason: e.to_string(),
        })?;

        let options = SimpleFileOptions::default()
            .compression_method(CompressionMethod::Deflated)
            .last_modified_time(zip_time(self.created_at))
            .unix_permissions(0o644);
        let zip_error = |e: &dyn std::fmt::Display| WriteError::Zip {
            reason: e.to_string(),
        };
        let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
        let entries = std::iter::once((MANIFEST_PATH, manifest_json.as_slice())).chain(
            self.files
                .iter()
                .map(|(path, (_, bytes))| (path.as_str(), bytes.as_slice())),
        );
        for (path, bytes) in entries {
            zip.start_file(path, options).map_err(|e| zip_error(&e))?;
            zip.write_all(bytes).map_err(|e| zip_error(&e))?;
        }
        Ok(zip.finish().map_err(|e| zip_error(&e))?.into_inner())
    }
}

/// `at` as a zip timestamp (whole seconds, 1980–2107); 1980-01-01 outside that range.
fn zip_time(at: OffsetDateTime) -> DateTime {
    let year = u16::try_from(at.year()).unwrap_or(0);
    DateTime::from_date_and_time(
        year,
        at.month().into(),
        at.day(),
        at.hour(),
        at.minute(),
        at.second(),
    )
    .unwrap_or_default()
}
