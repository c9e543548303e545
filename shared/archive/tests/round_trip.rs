//! What the writer makes, the reader gives back unchanged, and another zip tool can make
//! the same archive by following docs/archive.md.

mod common;

use archive::{
    read_archive, ArchiveWriter, Digest, EntryPath, Kind, Limits, MediaType, ProjectId, WriteError,
    MANIFEST_PATH,
};
use common::*;
use time::macros::datetime;

const DOC_A: &[u8] =
    r#"{"name":"第1受電設備","version":7,"nodes":[{"id":"tr1","kva":300}]}"#.as_bytes();
// Whitespace and key order as the service stored them must survive the trip.
const DOC_B: &[u8] = b"{ \"name\" : \"B\",\n  \"version\": 2 }\n";

fn id(s: &str) -> ProjectId {
    ProjectId::parse(s).unwrap()
}

fn path(s: &str) -> EntryPath {
    EntryPath::parse(s).unwrap()
}

enum Add {
    Project(&'static str, &'static str, u64, &'static [u8]),
    File(&'static str, MediaType, &'static [u8]),
}

fn company_archive(reverse: bool) -> Vec<u8> {
    let mut additions = vec![
        Add::Project("site-a", "第1受電設備", 7, DOC_A),
        Add::Project("site-b", "B", 2, DOC_B),
        Add::File("projects/site-a/drawings/tcc.pdf", MediaType::PDF, DRAWING),
        Add::File(
            "projects/site-a/drawings/sld.dxf",
            MediaType::DXF,
            b"0\nEOF\n",
        ),
        Add::File(
            "projects/site-b/drawings/sld.svg",
            MediaType::SVG,
            b"<svg/>",
        ),
        Add::File(
            "projects/site-b/reports/settings.csv",
            MediaType::parse("text/csv; charset=utf-8").unwrap(),
            REPORT,
        ),
    ];
    if reverse {
        additions.reverse();
    }
    let mut w = ArchiveWriter::new(
        Kind::Company,
        datetime!(2026-05-01 18:30:15 +09:00),
        "kyocho 0.1.0",
    );
    for addition in additions {
        match addition {
            Add::Project(p, name, version, document) => w
                .add_project(id(p), name, version, document.to_vec())
                .unwrap(),
            Add::File(p, media_type, bytes) => {
                w.add_file(path(p), media_type, bytes.to_vec()).unwrap()
            }
        }
    }
    w.finish().unwrap()
}

#[test]
fn two_projects_and_their_drawings_come_back_byte_for_byte() {
    let bytes = company_archive(false);
    let archive = read_archive(&bytes, &Limits::default()).unwrap();

    assert_eq!(archive.project_document("site-a"), Some(DOC_A));
    assert_eq!(archive.project_document("site-b"), Some(DOC_B));
    assert_eq!(archive.project_document("site-c"), None);
    assert_eq!(
        archive.file("projects/site-b/drawings/sld.svg"),
        Some(&b"<svg/>"[..])
    );
    assert_eq!(archive.files().len(), 6);

    let manifest = archive.manifest();
    assert_eq!(manifest.kind, Kind::Company);
    assert_eq!(manifest.created_at, datetime!(2026-05-01 09:30:15 UTC));
    assert_eq!(manifest.generator, "kyocho 0.1.0");
    let projects: Vec<_> = manifest
        .projects
        .iter()
        .map(|p| (p.id.as_str(), p.name.as_str(), p.version))
        .collect();
    assert_eq!(projects, [("site-a", "第1受電設備", 7), ("site-b", "B", 2)]);
    assert_eq!(manifest.entries.len(), archive.files().len());
    for entry in &manifest.entries {
        let bytes = archive.file(entry.path.as_str()).unwrap();
        assert_eq!(entry.size, bytes.len() as u64, "{}", entry.path);
        assert_eq!(entry.sha256, Digest::of(bytes), "{}", entry.path);
    }
    assert_eq!(
        manifest
            .entry("projects/site-b/reports/settings.csv")
            .unwrap()
            .media_type
            .as_str(),
        "text/csv; charset=utf-8"
    );
    assert_eq!(
        manifest
            .entry("projects/site-a/project.json")
            .unwrap()
            .media_type,
        MediaType::JSON
    );
}

#[test]
fn the_manifest_is_the_first_entry_and_names_no_tenant() {
    let bytes = company_archive(false);
    // The first local header's name starts at byte 30.
    assert_eq!(&bytes[..4], b"PK\x03\x04");
    let name_len = usize::from(u16::from_le_bytes([bytes[26], bytes[27]]));
    assert_eq!(&bytes[30..30 + name_len], MANIFEST_PATH.as_bytes());

    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&bytes[..])).unwrap();
    let manifest: serde_json::Value = serde_json::from_reader(zip.by_index(0).unwrap()).unwrap();
    // Sorted here: whether `serde_json` keeps the document's order depends on the features
    // other crates of the workspace switch on.
    let mut keys: Vec<&str> = manifest
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "created_at",
            "entries",
            "format",
            "format_version",
            "generator",
            "kind",
            "projects"
        ]
    );
    assert_eq!(manifest["created_at"], "2026-05-01T09:30:15Z");
    assert_eq!(manifest["format_version"], 1);
    let mut project_keys: Vec<&str> = manifest["projects"][0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    project_keys.sort_unstable();
    assert_eq!(project_keys, ["document", "id", "name", "version"]);
}

#[test]
fn the_same_input_gives_the_same_bytes_in_any_order() {
    assert_eq!(company_archive(false), company_archive(true));
}

#[test]
fn an_archive_made_by_another_tool_from_the_reference_reads() {
    // Stored entries, written by the zip crate directly: what a third-party exporter might do.
    let files = sound_files();
    let bytes = zip_with(
        &with_manifest(&manifest_for(&files), files),
        zip::CompressionMethod::Stored,
    );
    let archive = read_archive(&bytes, &Limits::default()).unwrap();
    assert_eq!(archive.project_document("p1"), Some(DOCUMENT));
    assert_eq!(archive.manifest().kind, Kind::Project);
}

#[test]
fn an_empty_company_archive_is_an_archive() {
    let bytes = ArchiveWriter::new(
        Kind::Company,
        datetime!(2026-05-01 00:00 UTC),
        "kyocho 0.1.0",
    )
    .finish()
    .unwrap();
    let archive = read_archive(&bytes, &Limits::default()).unwrap();
    assert!(archive.manifest().projects.is_empty());
    assert!(archive.files().is_empty());
}

#[test]
fn the_writer_refuses_what_the_reader_would() {
    let at = datetime!(2026-05-01 00:00 UTC);
    let mut w = ArchiveWriter::new(Kind::Company, at, "kyocho 0.1.0");
    w.add_project(id("a"), "A", 1, b"{}".to_vec()).unwrap();
    assert_eq!(
        w.add_project(id("a"), "A", 1, b"{}".to_vec()),
        Err(WriteError::DuplicateProject { id: "a".into() })
    );
    assert!(matches!(
        w.add_project(id("b"), "B", 1, b"[]".to_vec()),
        Err(WriteError::DocumentInvalid { .. })
    ));
    assert!(matches!(
        w.add_project(id("b"), "B", 1, b"{".to_vec()),
        Err(WriteError::DocumentInvalid { .. })
    ));
    w.add_file(path("projects/a/drawings/x.pdf"), MediaType::PDF, vec![1])
        .unwrap();
    assert_eq!(
        w.add_file(path("projects/a/drawings/X.PDF"), MediaType::PDF, vec![2]),
        Err(WriteError::DuplicateEntry {
            path: "projects/a/drawings/X.PDF".into()
        })
    );
    for outside in [
        "projects/a/project.json",
        "projects/a/x.pdf",
        "readme.txt",
        "manifest.json",
    ] {
        assert_eq!(
            w.add_file(path(outside), MediaType::PDF, vec![]),
            Err(WriteError::OutsideLayout {
                path: outside.into()
            })
        );
    }
    w.add_file(path("projects/z/reports/r.csv"), MediaType::CSV, vec![])
        .unwrap();
    assert_eq!(
        w.finish(),
        Err(WriteError::UnknownProject {
            path: "projects/z/reports/r.csv".into(),
            id: "z".into()
        })
    );

    let mut w = ArchiveWriter::new(Kind::Project, at, "kyocho 0.1.0");
    w.add_project(id("a"), "A", 1, b"{}".to_vec()).unwrap();
    w.add_project(id("b"), "B", 1, b"{}".to_vec()).unwrap();
    assert_eq!(w.finish(), Err(WriteError::ProjectCount { count: 2 }));
}

#[test]
fn a_project_archive_round_trips_under_the_default_limits_only_within_them() {
    let mut w = ArchiveWriter::new(
        Kind::Project,
        datetime!(2026-05-01 00:00 UTC),
        "kyocho 0.1.0",
    );
    w.add_project(id("p1"), "P", 1, DOCUMENT.to_vec()).unwrap();
    w.add_file(
        path("projects/p1/drawings/big.pdf"),
        MediaType::PDF,
        vec![7; 4096],
    )
    .unwrap();
    let bytes = w.finish().unwrap();
    assert!(read_archive(&bytes, &Limits::default()).is_ok());
    let tight = Limits {
        max_entry_bytes: 4095,
        ..Limits::default()
    };
    assert_eq!(
        read_archive(&bytes, &tight).unwrap_err().code(),
        "entry_too_large"
    );
}
