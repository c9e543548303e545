//! The names an archive may hold: project ids, entry paths and media types. Each is parsed
//! once, so a value of these types is always one the format allows (docs/archive.md, "Names").

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};

/// The longest entry path, in bytes.
pub const MAX_PATH_BYTES: usize = 255;

/// The longest media type, in bytes.
pub const MAX_MEDIA_TYPE_BYTES: usize = 127;

/// A project's id as the archive names it: 1–64 characters of `a-z`, `0-9`, `-` and `_`.
/// The same charset as the service's own ids, and nothing that says whose project it is.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct ProjectId(String);

/// Why a string is not a [`ProjectId`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a project id must be 1-64 characters of a-z, 0-9, '-' or '_'")]
pub struct InvalidProjectId;

impl ProjectId {
    pub fn parse(s: &str) -> Result<Self, InvalidProjectId> {
        let ok = (1..=64).contains(&s.len())
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(InvalidProjectId)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ProjectId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for ProjectId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// A path inside the archive that is safe to extract anywhere: relative, `/`-separated,
/// 1–255 bytes, every segment non-empty and made of `A-Z a-z 0-9 . _ -`, no segment that
/// starts or ends with `.`, no Windows device name. Two paths that differ only in ASCII case
/// name the same entry (see [`EntryPath::folded`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct EntryPath(String);

/// Why a name is not an [`EntryPath`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PathProblem {
    #[error("the path is empty")]
    Empty,
    #[error("the path is longer than {MAX_PATH_BYTES} bytes")]
    TooLong,
    #[error("the path holds a byte outside ASCII")]
    NotAscii,
    #[error("the path holds the character {0:?}; only A-Z a-z 0-9 . _ - and '/' between segments are allowed")]
    Character(char),
    #[error("the path holds a backslash")]
    Backslash,
    #[error("the path is absolute (starts with '/')")]
    Absolute,
    #[error("the path starts with a drive letter")]
    DriveLetter,
    #[error("the path names a directory (ends with '/'); only files are allowed")]
    Directory,
    #[error("the path has an empty segment ('//')")]
    EmptySegment,
    #[error("the path has a '.' or '..' segment")]
    DotSegment,
    #[error("a segment of the path starts or ends with '.'")]
    EdgeDot,
    #[error("a segment of the path is a reserved device name ({0})")]
    ReservedName(String),
}

/// File names that Windows treats as devices whatever their extension.
const RESERVED: [&str; 22] = [
    "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8",
    "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

impl EntryPath {
    /// Parse a name as the archive stores it (raw bytes: a zip name need not be UTF-8).
    pub fn parse_bytes(raw: &[u8]) -> Result<Self, PathProblem> {
        let s = std::str::from_utf8(raw).map_err(|_| PathProblem::NotAscii)?;
        Self::parse(s)
    }

    pub fn parse(s: &str) -> Result<Self, PathProblem> {
        if s.is_empty() {
            return Err(PathProblem::Empty);
        }
        if !s.is_ascii() {
            return Err(PathProblem::NotAscii);
        }
        if s.len() > MAX_PATH_BYTES {
            return Err(PathProblem::TooLong);
        }
        if s.contains('\\') {
            return Err(PathProblem::Backslash);
        }
        if s.starts_with('/') {
            return Err(PathProblem::Absolute);
        }
        if s.as_bytes().get(1) == Some(&b':') {
            return Err(PathProblem::DriveLetter);
        }
        if let Some(c) = s
            .chars()
            .find(|&c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '/')))
        {
            return Err(PathProblem::Character(c));
        }
        if s.ends_with('/') {
            return Err(PathProblem::Directory);
        }
        for segment in s.split('/') {
            check_segment(segment)?;
        }
        Ok(Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key under which two paths collide: the path in ASCII lower case.
    pub fn folded(&self) -> String {
        self.0.to_ascii_lowercase()
    }

    /// The path of a project's document: `projects/<id>/project.json`.
    pub fn project_document(id: &ProjectId) -> Self {
        Self(format!("projects/{id}/project.json"))
    }

    /// Where the path belongs in the archive's layout (docs/archive.md, "Layout").
    pub fn place(&self) -> Place<'_> {
        if self.0 == crate::MANIFEST_PATH {
            return Place::Manifest;
        }
        let mut parts = self.0.splitn(4, '/');
        match (parts.next(), parts.next(), parts.next(), parts.next()) {
            (Some("projects"), Some(id), Some("project.json"), None) => Place::Document(id),
            (Some("projects"), Some(id), Some("drawings" | "reports"), Some(_)) => {
                Place::Attachment(id)
            }
            _ => Place::Outside,
        }
    }
}

/// Where an [`EntryPath`] sits in the archive's layout. The id is the path's project
/// segment as written, not yet matched against the manifest's projects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place<'a> {
    /// `manifest.json`.
    Manifest,
    /// `projects/<id>/project.json`.
    Document(&'a str),
    /// `projects/<id>/drawings/…` or `projects/<id>/reports/…`.
    Attachment(&'a str),
    /// Anywhere else: not part of the format.
    Outside,
}

fn check_segment(segment: &str) -> Result<(), PathProblem> {
    match segment {
        "" => return Err(PathProblem::EmptySegment),
        "." | ".." => return Err(PathProblem::DotSegment),
        _ => {}
    }
    if segment.starts_with('.') || segment.ends_with('.') {
        return Err(PathProblem::EdgeDot);
    }
    let stem = segment
        .split('.')
        .next()
        .unwrap_or(segment)
        .to_ascii_lowercase();
    if RESERVED.contains(&stem.as_str()) {
        return Err(PathProblem::ReservedName(stem));
    }
    Ok(())
}

impl fmt::Display for EntryPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for EntryPath {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse(&s)
            .map_err(|problem| serde::de::Error::custom(format!("unsafe path: {problem}")))
    }
}

/// A media type in lower case, `type/subtype` with optional parameters
/// (`text/csv; charset=utf-8`), at most 127 bytes of printable ASCII.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct MediaType(Cow<'static, str>);

/// Why a string is not a [`MediaType`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a media type must be lower-case type/subtype (optionally followed by '; parameters'), at most 127 bytes of printable ASCII")]
pub struct InvalidMediaType;

impl MediaType {
    pub const JSON: MediaType = MediaType(Cow::Borrowed("application/json"));
    pub const PDF: MediaType = MediaType(Cow::Borrowed("application/pdf"));
    pub const DXF: MediaType = MediaType(Cow::Borrowed("image/vnd.dxf"));
    pub const SVG: MediaType = MediaType(Cow::Borrowed("image/svg+xml"));
    pub const CSV: MediaType = MediaType(Cow::Borrowed("text/csv"));

    pub fn parse(s: &str) -> Result<Self, InvalidMediaType> {
        let printable = s.bytes().all(|b| (0x20..=0x7e).contains(&b));
        let (essence, _parameters) = s.split_once(';').unwrap_or((s, ""));
        let token = |t: &str| {
            (1..=63).contains(&t.len())
                && t.bytes().all(|b| {
                    b.is_ascii_lowercase() || b.is_ascii_digit() || b"!#$&-^_.+".contains(&b)
                })
        };
        let essence_ok = essence
            .split_once('/')
            .is_some_and(|(ty, sub)| token(ty) && token(sub));
        if printable && s.len() <= MAX_MEDIA_TYPE_BYTES && essence_ok {
            Ok(Self(Cow::Owned(s.to_owned())))
        } else {
            Err(InvalidMediaType)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for MediaType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for MediaType {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_layout_paths_a_writer_uses_are_accepted() {
        for ok in [
            "manifest.json",
            "projects/p-1/project.json",
            "projects/p-1/drawings/tcc-main.pdf",
            "projects/p_2/reports/short-circuit.csv",
            "projects/p_2/drawings/sheets/A3.v2.dxf",
        ] {
            assert!(EntryPath::parse(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn every_escape_or_ambiguity_is_refused_with_its_reason() {
        let cases: &[(&str, PathProblem)] = &[
            ("", PathProblem::Empty),
            ("../evil", PathProblem::DotSegment),
            ("projects/../../evil", PathProblem::DotSegment),
            ("projects/./x", PathProblem::DotSegment),
            ("/abs", PathProblem::Absolute),
            ("a\\b", PathProblem::Backslash),
            ("..\\evil", PathProblem::Backslash),
            ("C:/windows", PathProblem::DriveLetter),
            ("c:evil", PathProblem::DriveLetter),
            ("projects//x", PathProblem::EmptySegment),
            ("projects/", PathProblem::Directory),
            ("projects/.hidden", PathProblem::EdgeDot),
            ("projects/trailing.", PathProblem::EdgeDot),
            ("projects/a b", PathProblem::Character(' ')),
            ("projects/a\u{0}b", PathProblem::Character('\u{0}')),
            ("projects/a\nb", PathProblem::Character('\n')),
            ("projects/a:b", PathProblem::Character(':')),
            ("projects/図面.pdf", PathProblem::NotAscii),
            ("projects/CON.pdf", PathProblem::ReservedName("con".into())),
            ("projects/lpt1", PathProblem::ReservedName("lpt1".into())),
        ];
        for (path, problem) in cases {
            assert_eq!(EntryPath::parse(path).as_ref(), Err(problem), "{path:?}");
        }
        assert_eq!(
            EntryPath::parse(&"a".repeat(256)),
            Err(PathProblem::TooLong)
        );
        assert!(EntryPath::parse(&"a".repeat(255)).is_ok());
        assert_eq!(
            EntryPath::parse_bytes(b"projects/\xff"),
            Err(PathProblem::NotAscii)
        );
    }

    #[test]
    fn paths_are_placed_in_the_layout() {
        let placed = |s: &str, expected: Place<'_>| {
            assert_eq!(EntryPath::parse(s).unwrap().place(), expected, "{s}");
        };
        placed("manifest.json", Place::Manifest);
        placed("projects/p1/project.json", Place::Document("p1"));
        placed("projects/p1/drawings/a.pdf", Place::Attachment("p1"));
        placed("projects/p1/reports/x/y.csv", Place::Attachment("p1"));
        placed("projects/p1/drawings", Place::Outside);
        placed("projects/p1/other/a.pdf", Place::Outside);
        placed("projects/p1/project.json/x", Place::Outside);
        placed("readme.txt", Place::Outside);
    }

    #[test]
    fn project_ids_keep_the_service_charset() {
        assert!(ProjectId::parse("0190a1b2c3d4e5f6a7b8c9d0e1f2a3b4").is_ok());
        assert!(ProjectId::parse(&"a".repeat(64)).is_ok());
        for bad in ["", "A", "a/b", "a.b", "ａ", &"a".repeat(65)] {
            assert_eq!(ProjectId::parse(bad), Err(InvalidProjectId), "{bad:?}");
        }
    }

    #[test]
    fn media_types_are_lower_case_type_and_subtype() {
        for ok in [
            "application/pdf",
            "image/svg+xml",
            "text/csv; charset=shift_jis",
            "image/vnd.dxf",
        ] {
            assert!(MediaType::parse(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "pdf",
            "Text/CSV",
            "text/",
            "/csv",
            "text/csv\n",
            &format!("text/{}", "a".repeat(130)),
        ] {
            assert_eq!(MediaType::parse(bad), Err(InvalidMediaType), "{bad:?}");
        }
        for constant in [
            MediaType::JSON,
            MediaType::PDF,
            MediaType::DXF,
            MediaType::SVG,
            MediaType::CSV,
        ] {
            assert_eq!(MediaType::parse(constant.as_str()), Ok(constant));
        }
    }
}
