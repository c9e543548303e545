//! `manifest.json`: what the archive holds, with the size and SHA-256 of every entry.
//! [`Manifest::from_json`] accepts only a manifest that is consistent with itself and with
//! the layout; whether the zip agrees with it is the reader's business.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::de::IgnoredAny;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest as _, Sha256};
use time::OffsetDateTime;

use crate::names::{EntryPath, MediaType, Place, ProjectId};
use crate::{ArchiveError, FORMAT, FORMAT_VERSION};

/// What the archive was made from: one project, or every project of a company.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Exactly one project.
    Project,
    /// Any number of projects, none included.
    Company,
}

/// The manifest of a well-formed archive: project ids and entry paths are unique, every
/// project's document is listed, every listed entry belongs to a listed project.
/// `created_at` is in UTC. The manifest names no tenant, user or company.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manifest {
    pub kind: Kind,
    pub created_at: OffsetDateTime,
    /// The program that wrote the archive and its version, e.g. `kyocho 0.1.0`.
    pub generator: String,
    pub projects: Vec<ProjectRecord>,
    /// Every entry of the zip except `manifest.json`, each exactly once.
    pub entries: Vec<EntryRecord>,
}

/// One project in the archive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectRecord {
    pub id: ProjectId,
    pub name: String,
    /// The project's version when it was archived (the service's optimistic-lock counter).
    pub version: u64,
    /// Always `projects/<id>/project.json`.
    pub document: EntryPath,
}

/// One entry of the zip other than the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntryRecord {
    pub path: EntryPath,
    /// Uncompressed size in bytes.
    pub size: u64,
    pub sha256: Digest,
    pub media_type: MediaType,
}

/// A SHA-256 digest, written as 64 lower-case hex digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Digest([u8; 32]);

impl Digest {
    pub fn of(bytes: &[u8]) -> Self {
        Self(Sha256::digest(bytes).into())
    }

    /// Parse 64 lower-case hex digits.
    pub fn parse(hex: &str) -> Option<Self> {
        let digits = hex.as_bytes();
        if digits.len() != 64 {
            return None;
        }
        let nibble = |d: u8| match d {
            b'0'..=b'9' => Some(d - b'0'),
            b'a'..=b'f' => Some(d - b'a' + 10),
            _ => None,
        };
        let mut out = [0u8; 32];
        for (byte, pair) in out.iter_mut().zip(digits.chunks_exact(2)) {
            *byte = nibble(pair[0])? << 4 | nibble(pair[1])?;
        }
        Some(Self(out))
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}

impl fmt::Debug for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Digest({self})")
    }
}

impl Serialize for Digest {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Digest {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse(&s).ok_or_else(|| {
            serde::de::Error::custom("a SHA-256 digest must be 64 lower-case hex digits")
        })
    }
}

#[derive(Serialize)]
struct WireOut<'a> {
    format: &'static str,
    format_version: u64,
    kind: Kind,
    #[serde(with = "time::serde::rfc3339")]
    created_at: OffsetDateTime,
    generator: &'a str,
    projects: &'a [ProjectRecord],
    entries: &'a [EntryRecord],
}

/// The two fields read before anything else, so that a later version is told apart from a
/// broken manifest.
#[derive(Deserialize)]
struct Probe {
    format: Option<serde_json::Value>,
    format_version: Option<serde_json::Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WireIn {
    #[serde(rename = "format")]
    _format: IgnoredAny,
    #[serde(rename = "format_version")]
    _format_version: IgnoredAny,
    kind: Kind,
    #[serde(deserialize_with = "utc_rfc3339")]
    created_at: OffsetDateTime,
    generator: String,
    projects: Vec<ProjectRecord>,
    entries: Vec<EntryRecord>,
}

fn utc_rfc3339<'de, D: Deserializer<'de>>(d: D) -> Result<OffsetDateTime, D::Error> {
    let at = time::serde::rfc3339::deserialize(d)?;
    if at.offset().is_utc() {
        Ok(at)
    } else {
        Err(serde::de::Error::custom(
            "created_at must be in UTC (end in Z)",
        ))
    }
}

/// A `manifest_invalid` refusal. Pointer and message can quote the manifest's own keys, so
/// control characters in them are escaped.
fn invalid(pointer: impl AsRef<str>, message: impl AsRef<str>) -> ArchiveError {
    let printable = |s: &str| {
        s.chars()
            .map(|c| {
                if c.is_control() {
                    c.escape_default().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect()
    };
    ArchiveError::ManifestInvalid {
        pointer: printable(pointer.as_ref()),
        message: printable(message.as_ref()),
    }
}

impl Manifest {
    /// The manifest as the archive stores it: pretty-printed UTF-8 JSON, format fields
    /// first. Fails only for a `created_at` that RFC 3339 cannot write (past year 9999).
    pub(crate) fn to_json(&self) -> Result<Vec<u8>, serde_json::Error> {
        let created_at = self.created_at.to_offset(time::UtcOffset::UTC);
        let wire = WireOut {
            format: FORMAT,
            format_version: FORMAT_VERSION,
            kind: self.kind,
            created_at,
            generator: &self.generator,
            projects: &self.projects,
            entries: &self.entries,
        };
        let mut out = serde_json::to_vec_pretty(&wire)?;
        out.push(b'\n');
        Ok(out)
    }

    /// Parse and check a manifest: `format` first, then `format_version` (a version other
    /// than [`FORMAT_VERSION`] is `unknown_format_version`), then every field.
    pub fn from_json(bytes: &[u8]) -> Result<Self, ArchiveError> {
        let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
        if first != Some(&b'{') {
            return Err(invalid("", "manifest.json must be a JSON object"));
        }
        let probe: Probe =
            serde_json::from_slice(bytes).map_err(|e| invalid("", strip_position(&e)))?;
        if probe.format.as_ref().and_then(|f| f.as_str()) != Some(FORMAT) {
            return Err(invalid("/format", format!("must be \"{FORMAT}\"")));
        }
        match probe.format_version.as_ref().and_then(|v| v.as_u64()) {
            Some(FORMAT_VERSION) => {}
            Some(found) => return Err(ArchiveError::UnknownFormatVersion { found }),
            None => return Err(invalid("/format_version", "must be a non-negative integer")),
        }
        let mut de = serde_json::Deserializer::from_slice(bytes);
        let wire: WireIn =
            serde_path_to_error::deserialize(&mut de).map_err(|e| field_error(&e))?;
        let manifest = Self {
            kind: wire.kind,
            created_at: wire.created_at,
            generator: wire.generator,
            projects: wire.projects,
            entries: wire.entries,
        };
        manifest.check()?;
        Ok(manifest)
    }

    /// The rules that tie the fields together (docs/archive.md, "manifest.json").
    pub(crate) fn check(&self) -> Result<(), ArchiveError> {
        if self.kind == Kind::Project && self.projects.len() != 1 {
            return Err(invalid(
                "/projects",
                format!(
                    "a project archive holds exactly one project, not {}",
                    self.projects.len()
                ),
            ));
        }
        let mut projects = BTreeSet::new();
        for (i, project) in self.projects.iter().enumerate() {
            if !projects.insert(project.id.as_str()) {
                return Err(invalid(
                    format!("/projects/{i}/id"),
                    format!("project {} is listed twice", project.id),
                ));
            }
            let expected = EntryPath::project_document(&project.id);
            if project.document != expected {
                return Err(invalid(
                    format!("/projects/{i}/document"),
                    format!("must be {expected}"),
                ));
            }
        }
        let mut listed: BTreeMap<String, usize> = BTreeMap::new();
        for (i, entry) in self.entries.iter().enumerate() {
            if listed.insert(entry.path.folded(), i).is_some() {
                return Err(invalid(
                    format!("/entries/{i}/path"),
                    format!(
                        "{} is listed twice (paths are compared ignoring ASCII case)",
                        entry.path
                    ),
                ));
            }
            let owner = match entry.path.place() {
                Place::Document(id) | Place::Attachment(id) => id,
                Place::Manifest => {
                    return Err(invalid(format!("/entries/{i}/path"), "manifest.json does not list itself"))
                }
                Place::Outside => {
                    return Err(invalid(
                        format!("/entries/{i}/path"),
                        format!(
                            "{} is outside the layout: projects/<id>/project.json, projects/<id>/drawings/… or projects/<id>/reports/…",
                            entry.path
                        ),
                    ))
                }
            };
            if !projects.contains(owner) {
                return Err(invalid(
                    format!("/entries/{i}/path"),
                    format!("{} belongs to no project listed in projects", entry.path),
                ));
            }
        }
        for (i, project) in self.projects.iter().enumerate() {
            let Some(&at) = listed.get(&project.document.folded()) else {
                return Err(invalid(
                    format!("/projects/{i}/document"),
                    format!("{} is not listed in entries", project.document),
                ));
            };
            if self.entries[at].media_type != MediaType::JSON {
                return Err(invalid(
                    format!("/entries/{at}/media_type"),
                    "a project document is application/json",
                ));
            }
        }
        Ok(())
    }

    /// The listed entry at `path`, if any.
    pub fn entry(&self, path: &str) -> Option<&EntryRecord> {
        self.entries.iter().find(|e| e.path.as_str() == path)
    }
}

/// serde_json's message without its " at line L column C" suffix.
fn strip_position(e: &serde_json::Error) -> String {
    let message = e.to_string();
    match message.find(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message,
    }
}

/// A field-level parse error as `manifest_invalid` with the field's JSON pointer; a missing
/// or unknown field's name is appended, so the pointer names it.
fn field_error(e: &serde_path_to_error::Error<serde_json::Error>) -> ArchiveError {
    use serde_path_to_error::Segment;
    let mut pointer = String::new();
    for segment in e.path().iter() {
        match segment {
            Segment::Seq { index } => pointer.push_str(&format!("/{index}")),
            Segment::Map { key } => {
                pointer.push_str(&format!("/{}", key.replace('~', "~0").replace('/', "~1")))
            }
            Segment::Enum { .. } | Segment::Unknown => {}
        }
    }
    let message = strip_position(e.inner());
    if message.starts_with("missing field") || message.starts_with("unknown field") {
        if let Some(field) = message.split('`').nth(1) {
            let token = format!("/{}", field.replace('~', "~0").replace('/', "~1"));
            if !pointer.ends_with(&token) {
                pointer.push_str(&token);
            }
        }
    }
    invalid(pointer, message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sound() -> serde_json::Value {
        json!({
            "format": "kyocho-archive",
            "format_version": 1,
            "kind": "project",
            "created_at": "2026-05-01T00:00:00Z",
            "generator": "kyocho 0.1.0",
            "projects": [{ "id": "p1", "name": "受電設備", "version": 3, "document": "projects/p1/project.json" }],
            "entries": [
                { "path": "projects/p1/project.json", "size": 2, "sha256": Digest::of(b"{}").to_string(), "media_type": "application/json" },
                { "path": "projects/p1/drawings/sld.pdf", "size": 0, "sha256": Digest::of(b"").to_string(), "media_type": "application/pdf" }
            ]
        })
    }

    fn refusal(edit: impl FnOnce(&mut serde_json::Value)) -> ArchiveError {
        let mut v = sound();
        edit(&mut v);
        Manifest::from_json(&serde_json::to_vec(&v).unwrap()).unwrap_err()
    }

    fn pointer_of(e: ArchiveError) -> String {
        assert_eq!(e.code(), "manifest_invalid", "{e}");
        e.pointer().unwrap().to_owned()
    }

    #[test]
    fn a_sound_manifest_reads_back_as_written() {
        let manifest = Manifest::from_json(&serde_json::to_vec(&sound()).unwrap()).unwrap();
        assert_eq!(manifest.projects[0].name, "受電設備");
        let json = manifest.to_json().unwrap();
        assert_eq!(Manifest::from_json(&json).unwrap(), manifest);
        let text = String::from_utf8(json).unwrap();
        assert!(
            text.starts_with("{\n  \"format\": \"kyocho-archive\",\n  \"format_version\": 1,"),
            "{text}"
        );
        assert!(
            text.contains("\"created_at\": \"2026-05-01T00:00:00Z\""),
            "{text}"
        );
    }

    #[test]
    fn the_sha256_digest_of_nothing_is_the_known_one() {
        let empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        assert_eq!(Digest::of(b"").to_string(), empty);
        assert_eq!(Digest::parse(empty), Some(Digest::of(b"")));
        assert_eq!(Digest::parse(&empty.to_uppercase()), None);
        assert_eq!(Digest::parse(&empty[1..]), None);
    }

    #[test]
    fn a_later_format_version_is_told_apart_from_a_broken_manifest() {
        assert_eq!(
            refusal(|v| v["format_version"] = json!(2)),
            ArchiveError::UnknownFormatVersion { found: 2 }
        );
        assert_eq!(
            pointer_of(refusal(|v| v["format_version"] = json!("1"))),
            "/format_version"
        );
        assert_eq!(
            pointer_of(refusal(|v| v["format_version"] = json!(1.5))),
            "/format_version"
        );
        assert_eq!(
            pointer_of(refusal(|v| v["format"] = json!("zip"))),
            "/format"
        );
        // Even a manifest of a later version must say what it is.
        assert_eq!(
            pointer_of(refusal(|v| {
                v["format"] = json!("other");
                v["format_version"] = json!(2);
            })),
            "/format"
        );
    }

    #[test]
    fn each_broken_field_is_named_by_its_pointer() {
        type Edit = Box<dyn FnOnce(&mut serde_json::Value)>;
        let cases: Vec<(&str, Edit)> = vec![
            (
                "/projects/0/id",
                Box::new(|v| v["projects"][0]["id"] = json!("P1")),
            ),
            (
                "/projects/0/document",
                Box::new(|v| v["projects"][0]["document"] = json!("projects/p1/other.json")),
            ),
            (
                "/entries/1/path",
                Box::new(|v| v["entries"][1]["path"] = json!("../evil")),
            ),
            (
                "/entries/1/path",
                Box::new(|v| v["entries"][1]["path"] = json!("readme.txt")),
            ),
            (
                "/entries/1/path",
                Box::new(|v| v["entries"][1]["path"] = json!("manifest.json")),
            ),
            (
                "/entries/1/path",
                Box::new(|v| v["entries"][1]["path"] = json!("projects/p2/drawings/a.pdf")),
            ),
            (
                "/entries/1/path",
                Box::new(|v| v["entries"][1]["path"] = json!("projects/P1/Project.json")),
            ),
            (
                "/entries/1/sha256",
                Box::new(|v| v["entries"][1]["sha256"] = json!("00")),
            ),
            (
                "/entries/1/size",
                Box::new(|v| v["entries"][1]["size"] = json!(-1)),
            ),
            (
                "/entries/1/media_type",
                Box::new(|v| v["entries"][1]["media_type"] = json!("PDF")),
            ),
            (
                "/entries/0/media_type",
                Box::new(|v| v["entries"][0]["media_type"] = json!("text/plain")),
            ),
            (
                "/entries/0/owner",
                Box::new(|v| v["entries"][0]["owner"] = json!("tenant-1")),
            ),
            (
                "/created_at",
                Box::new(|v| v["created_at"] = json!("2026-05-01T09:00:00+09:00")),
            ),
            (
                "/created_at",
                Box::new(|v| v["created_at"] = json!("yesterday")),
            ),
            ("/kind", Box::new(|v| v["kind"] = json!("tenant"))),
            ("/tenant_id", Box::new(|v| v["tenant_id"] = json!("t1"))),
            (
                "/generator",
                Box::new(|v| drop(v.as_object_mut().unwrap().remove("generator"))),
            ),
            ("/projects", Box::new(|v| v["projects"] = json!([]))),
            (
                "/projects/0/document",
                Box::new(|v| drop(v["entries"].as_array_mut().unwrap().remove(0))),
            ),
            ("", Box::new(|v| *v = json!([1, 2]))),
        ];
        for (expected, edit) in cases {
            assert_eq!(pointer_of(refusal(edit)), expected);
        }
    }

    #[test]
    fn a_key_with_control_characters_is_quoted_escaped() {
        let e = refusal(|v| v["entries"][0]["a\nb\u{1b}"] = json!(1));
        assert_eq!(e.pointer(), Some("/entries/0/a\\nb\\u{1b}"));
        assert!(!e.to_string().contains('\n'), "{e}");
    }

    #[test]
    fn a_company_archive_may_hold_many_projects_but_no_id_twice() {
        let two = |second: &str| {
            let mut v = sound();
            v["kind"] = json!("company");
            v["projects"].as_array_mut().unwrap().push(
                json!({ "id": second, "name": "B", "version": 1, "document": format!("projects/{second}/project.json") }),
            );
            v["entries"].as_array_mut().unwrap().push(json!({
                "path": format!("projects/{second}/project.json"), "size": 2,
                "sha256": Digest::of(b"{}").to_string(), "media_type": "application/json"
            }));
            Manifest::from_json(&serde_json::to_vec(&v).unwrap())
        };
        assert_eq!(two("p2").unwrap().projects.len(), 2);
        assert_eq!(pointer_of(two("p1").unwrap_err()), "/projects/1/id");
    }
}
