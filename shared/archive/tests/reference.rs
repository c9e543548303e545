//! docs/archive.md is the format's reference: it must list every code the reader returns,
//! its example manifest must parse, and an archive written as it shows must read.

mod common;

use archive::{read_archive, Kind, Limits, Manifest, CODES};
use common::archive_with_manifest_edit;

const REFERENCE: &str = include_str!("../../../docs/archive.md");

#[test]
fn every_error_code_has_a_row_with_its_http_status() {
    for code in CODES {
        let row = REFERENCE
            .lines()
            .find(|line| line.starts_with(&format!("| `{code}` |")))
            .unwrap_or_else(|| panic!("docs/archive.md has no row for {code}"));
        let status = row.split('|').nth(2).unwrap().trim();
        assert!(["400", "413", "422"].contains(&status), "{code}: {status}");
    }
    let rows = REFERENCE.lines().filter(|l| {
        l.starts_with("| `") && l.split('|').nth(2).is_some_and(|s| s.trim().len() == 3)
    });
    assert_eq!(
        rows.count(),
        CODES.len(),
        "a row for a code the crate does not return"
    );
}

#[test]
fn the_example_manifest_parses() {
    let start = REFERENCE.find("```json\n").expect("an example manifest") + "```json\n".len();
    let end = start + REFERENCE[start..].find("```").unwrap();
    let manifest = Manifest::from_json(&REFERENCE.as_bytes()[start..end]).unwrap();
    assert_eq!(manifest.kind, Kind::Project);
    assert_eq!(manifest.entries.len(), 2);
}

#[test]
fn an_archive_written_by_pythons_zipfile_as_shown_reads() {
    let bytes = include_bytes!("fixtures/python-zipfile.zip");
    let archive = read_archive(bytes, &Limits::default()).unwrap();
    assert_eq!(archive.manifest().generator, "my-tool 1.0");
    let document = archive.project_document("p1").unwrap();
    assert_eq!(
        std::str::from_utf8(document).unwrap(),
        r#"{"name":"第1受電設備","version":1,"nodes":[]}"#
    );
    let csv = archive
        .manifest()
        .entry("projects/p1/reports/settings.csv")
        .unwrap();
    assert_eq!(csv.media_type.as_str(), "text/csv; charset=shift_jis");
}

#[test]
fn archives_repacked_by_other_zip_tools_read() {
    // kyocho-writer.zip unpacked and packed again: by Info-ZIP's `zip -r -D` (extra fields
    // for Unix times and owners), and by Python's zipfile to a pipe (data descriptors after
    // each entry, as streaming writers and Go's archive/zip write them).
    for fixture in [
        &include_bytes!("fixtures/infozip.zip")[..],
        &include_bytes!("fixtures/python-streamed.zip")[..],
    ] {
        let archive = read_archive(fixture, &Limits::default()).unwrap();
        assert_eq!(archive.files().len(), 4);
        assert_eq!(
            archive.project_document("site-b"),
            Some(&br#"{"name":"B","version":2}"#[..])
        );
    }
}

#[test]
fn an_archive_kyocho_wrote_reads_for_good() {
    // Written by ArchiveWriter when version 1 was defined; a later reader must still read it.
    let bytes = include_bytes!("fixtures/kyocho-writer.zip");
    let archive = read_archive(bytes, &Limits::default()).unwrap();
    assert_eq!(archive.manifest().kind, Kind::Company);
    assert_eq!(archive.manifest().projects.len(), 2);
    assert_eq!(
        archive.project_document("site-b"),
        Some(&br#"{"name":"B","version":2}"#[..])
    );
}

#[test]
fn the_example_messages_are_the_readers_own() {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.start_file("../evil", zip::write::SimpleFileOptions::default())
        .unwrap();
    let bytes = zip.finish().unwrap().into_inner();
    let message = read_archive(&bytes, &Limits::default())
        .unwrap_err()
        .to_string();
    assert!(REFERENCE.contains(&format!("`{message}`")), "{message}");

    let bytes = archive_with_manifest_edit(|m| m["entries"][1]["sha256"] = serde_json::json!("00"));
    let message = read_archive(&bytes, &Limits::default())
        .unwrap_err()
        .to_string();
    assert!(REFERENCE.contains(&format!("`{message}`")), "{message}");
}
