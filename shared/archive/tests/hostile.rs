//! One hostile archive per refusal: each is a sound archive with one thing wrong, and the
//! reader must refuse it with exactly that code.

mod common;

use archive::{read_archive, ArchiveError, Digest, Limits, PathProblem};
use common::*;
use serde_json::json;

fn refused(bytes: &[u8], limits: &Limits) -> ArchiveError {
    match read_archive(bytes, limits) {
        Ok(_) => panic!("the archive was accepted"),
        Err(e) => e,
    }
}

fn code(bytes: &[u8]) -> &'static str {
    refused(bytes, &Limits::default()).code()
}

#[test]
fn the_sound_sample_is_accepted() {
    assert!(read_archive(&sound_archive(), &Limits::default()).is_ok());
    assert!(read_archive(&raw_zip(&sound_raw_entries()), &Limits::default()).is_ok());
}

// ---- size limits (413) -------------------------------------------------------------------

#[test]
fn an_archive_one_byte_past_the_limit_is_refused_before_it_is_opened() {
    let bytes = sound_archive();
    let limit = bytes.len() as u64 - 1;
    let e = refused(
        &bytes,
        &Limits {
            max_archive_bytes: limit,
            ..Limits::default()
        },
    );
    assert_eq!(
        e,
        ArchiveError::ArchiveTooLarge {
            size: limit + 1,
            limit
        }
    );
    assert!(read_archive(
        &bytes,
        &Limits {
            max_archive_bytes: limit + 1,
            ..Limits::default()
        }
    )
    .is_ok());
}

#[test]
fn more_entries_than_allowed_are_refused() {
    // manifest + document + drawing + report = 4 entries.
    let e = refused(
        &sound_archive(),
        &Limits {
            max_entries: 3,
            ..Limits::default()
        },
    );
    assert_eq!(e, ArchiveError::TooManyEntries { count: 4, limit: 3 });
}

#[test]
fn an_entry_larger_than_the_entry_limit_is_refused() {
    let mut files = sound_files();
    files.push(("projects/p1/drawings/big.pdf".into(), vec![b'x'; 100]));
    let bytes = zip_of(&with_manifest(&manifest_for(&files), files));
    let e = refused(
        &bytes,
        &Limits {
            max_entry_bytes: 99,
            ..Limits::default()
        },
    );
    assert_eq!(
        e,
        ArchiveError::EntryTooLarge {
            path: "projects/p1/drawings/big.pdf".into(),
            size: 100,
            limit: 99
        }
    );
}

#[test]
fn a_document_larger_than_the_document_limit_is_refused() {
    let limit = DOCUMENT.len() as u64 - 1;
    let e = refused(
        &sound_archive(),
        &Limits {
            max_document_bytes: limit,
            ..Limits::default()
        },
    );
    let expected = ArchiveError::EntryTooLarge {
        path: "projects/p1/project.json".into(),
        size: limit + 1,
        limit,
    };
    assert_eq!(e, expected);
}

#[test]
fn a_manifest_larger_than_its_limit_is_refused() {
    let e = refused(
        &sound_archive(),
        &Limits {
            max_manifest_bytes: 100,
            ..Limits::default()
        },
    );
    assert_eq!(e.code(), "entry_too_large");
    assert_eq!(e.entry(), Some("manifest.json"));
}

#[test]
fn entries_that_add_up_past_the_total_are_refused() {
    let total = (DOCUMENT.len() + DRAWING.len() + REPORT.len()) as u64;
    let e = refused(
        &sound_archive(),
        &Limits {
            max_total_uncompressed_bytes: total - 1,
            ..Limits::default()
        },
    );
    assert_eq!(
        e,
        ArchiveError::UncompressedTooLarge {
            total,
            limit: total - 1
        }
    );
}

/// 50 MiB of zeros deflate to about 50 KiB: 1000:1, ten times the limit.
fn bomb() -> (Vec<u8>, Vec<u8>) {
    let zeros = vec![0u8; 50 * 1024 * 1024];
    let mut files = sound_files();
    files.push(("projects/p1/drawings/bomb.pdf".into(), zeros.clone()));
    (zip_of(&with_manifest(&manifest_for(&files), files)), zeros)
}

#[test]
fn a_zip_bomb_is_refused_from_its_headers_without_being_unpacked() {
    let (bytes, _) = bomb();
    assert!(bytes.len() < 200 * 1024, "{} bytes", bytes.len());
    let e = refused(&bytes, &Limits::default());
    assert_eq!(e.code(), "compression_ratio");
    assert_eq!(e.entry(), Some("projects/p1/drawings/bomb.pdf"));
}

#[test]
fn a_zip_bomb_whose_header_lies_about_its_size_is_still_refused() {
    let (bytes, zeros) = bomb();
    // Rewrite the bomb's declared size (local and central) to 1 KiB: the manifest's honest
    // size still gives the ratio away.
    let lying = rewrite_declared_size(&bytes, b"projects/p1/drawings/bomb.pdf", 1024);
    assert_eq!(code(&lying), "compression_ratio");

    // When the manifest lies too, unpacking stops a byte past the listed size: the entry
    // holds more than its headers declare.
    let mut files = sound_files();
    files.push(("projects/p1/drawings/bomb.pdf".into(), zeros));
    let mut manifest = manifest_for(&files);
    manifest["entries"][3]["size"] = json!(1024);
    let bytes = zip_of(&with_manifest(&manifest, files));
    let lying = rewrite_declared_size(&bytes, b"projects/p1/drawings/bomb.pdf", 1024);
    let e = refused(&lying, &Limits::default());
    assert_eq!(e.code(), "corrupt_entry", "{e}");
    assert_eq!(e.entry(), Some("projects/p1/drawings/bomb.pdf"));
}

#[test]
fn an_archive_of_many_small_highly_compressed_entries_is_refused_as_a_whole() {
    // Each 8 KiB entry is under the exemption; together they expand far past 10:1.
    let mut files = sound_files();
    for i in 0..20 {
        files.push((
            format!("projects/p1/reports/zeros-{i}.csv"),
            vec![b'0'; 8192],
        ));
    }
    let bytes = zip_of(&with_manifest(&manifest_for(&files), files));
    let limits = Limits {
        max_compression_ratio: 10,
        ratio_exempt_bytes: 10_000,
        ..Limits::default()
    };
    let e = refused(&bytes, &limits);
    assert_eq!(e.code(), "compression_ratio");
    assert_eq!(e.entry(), None, "{e}");
}

/// `bytes` with the uncompressed size of `name` set to `size` in both of its headers.
fn rewrite_declared_size(bytes: &[u8], name: &[u8], size: u32) -> Vec<u8> {
    let mut out = bytes.to_vec();
    let mut at = 0;
    while let Some(found) = find(&out[at..], name) {
        let name_at = at + found;
        if name_at >= 30 && &out[name_at - 30..name_at - 26] == b"PK\x03\x04" {
            out[name_at - 8..name_at - 4].copy_from_slice(&size.to_le_bytes());
        }
        if name_at >= 46 && &out[name_at - 46..name_at - 42] == b"PK\x01\x02" {
            out[name_at - 22..name_at - 18].copy_from_slice(&size.to_le_bytes());
        }
        at = name_at + name.len();
    }
    out
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

// ---- the zip container (400) ---------------------------------------------------------------

#[test]
fn what_is_not_a_zip_is_refused() {
    assert_eq!(code(b""), "not_a_zip");
    assert_eq!(code(b"%PDF-1.7 not an archive"), "not_a_zip");
    let mut seeded = 0x2545_f491_4f6c_dd1du64;
    let noise: Vec<u8> = (0..4096)
        .map(|_| {
            seeded ^= seeded << 13;
            seeded ^= seeded >> 7;
            seeded ^= seeded << 17;
            seeded as u8
        })
        .collect();
    assert_eq!(code(&noise), "not_a_zip");
    let sound = sound_archive();
    assert_eq!(code(&sound[..sound.len() / 2]), "not_a_zip");
}

#[test]
fn headers_that_disagree_are_refused() {
    let mut entries = sound_raw_entries();
    entries[2].local_name = Some(b"projects/p1/drawings/other.pdf".to_vec());
    assert_eq!(code(&raw_zip(&entries)), "inconsistent_headers");

    let mut prefixed = b"MZ this is not part of the archive".to_vec();
    prefixed.extend(sound_archive());
    assert_eq!(code(&prefixed), "inconsistent_headers");
}

#[test]
fn unsafe_names_are_refused_with_their_reason() {
    let cases: &[(&[u8], PathProblem)] = &[
        (b"../evil", PathProblem::DotSegment),
        (
            b"projects/p1/drawings/../../../evil",
            PathProblem::DotSegment,
        ),
        (b"/abs", PathProblem::Absolute),
        (b"projects\\p1\\evil.pdf", PathProblem::Backslash),
        (b"C:/evil.pdf", PathProblem::DriveLetter),
        (b"projects//p1", PathProblem::EmptySegment),
        (b"projects/p1/drawings/", PathProblem::Directory),
        (b"projects/p1/./x.pdf", PathProblem::DotSegment),
        (
            b"projects/p1/drawings/\x1b[31m.pdf",
            PathProblem::Character('\u{1b}'),
        ),
        (
            "projects/p1/drawings/図面.pdf".as_bytes(),
            PathProblem::NotAscii,
        ),
        (b"projects/p1/drawings/\xff.pdf", PathProblem::NotAscii),
    ];
    for (name, problem) in cases {
        let mut entries = sound_raw_entries();
        entries.push(RawEntry::stored(name, b"x"));
        let e = refused(&raw_zip(&entries), &Limits::default());
        assert_eq!(e.code(), "unsafe_path", "{}: {e}", name.escape_ascii());
        assert!(
            matches!(&e, ArchiveError::UnsafePath { problem: p, .. } if p == problem),
            "{e}"
        );
    }
    // Written by the zip crate's own writer too.
    let mut entries = with_manifest(&manifest_for(&sound_files()), sound_files());
    entries.push(("../evil".into(), b"x".to_vec()));
    assert_eq!(code(&zip_of(&entries)), "unsafe_path");
}

#[test]
fn an_unsafe_name_is_shown_escaped() {
    let mut entries = sound_raw_entries();
    entries.push(RawEntry::stored(b"projects/p1/drawings/\n\xff.pdf", b"x"));
    let e = refused(&raw_zip(&entries), &Limits::default());
    assert_eq!(e.entry(), Some("projects/p1/drawings/\\n\\xff.pdf"));
}

#[test]
fn a_name_held_twice_is_refused() {
    let mut entries = sound_raw_entries();
    entries.push(RawEntry::stored(
        b"projects/p1/drawings/sld.pdf",
        b"a second drawing",
    ));
    let e = refused(&raw_zip(&entries), &Limits::default());
    assert_eq!(
        e,
        ArchiveError::DuplicateEntry {
            path: "projects/p1/drawings/sld.pdf".into()
        }
    );

    // Names that differ only in case collide when extracted on Windows or macOS.
    let mut entries = with_manifest(&manifest_for(&sound_files()), sound_files());
    entries.push(("projects/p1/drawings/SLD.pdf".into(), b"x".to_vec()));
    assert_eq!(code(&zip_of(&entries)), "duplicate_entry");
}

#[test]
fn an_encrypted_entry_is_refused() {
    let mut entries = sound_raw_entries();
    entries[2].flags |= 1;
    let e = refused(&raw_zip(&entries), &Limits::default());
    assert_eq!(
        e,
        ArchiveError::EncryptedEntry {
            path: "projects/p1/drawings/sld.pdf".into()
        }
    );
}

#[test]
fn a_compression_method_other_than_stored_or_deflate_is_refused() {
    for method in [12u16, 14, 93, 99] {
        let mut entries = sound_raw_entries();
        entries[2].method = method;
        let e = refused(&raw_zip(&entries), &Limits::default());
        assert_eq!(
            e,
            ArchiveError::UnsupportedCompression {
                path: "projects/p1/drawings/sld.pdf".into(),
                method
            }
        );
    }
}

#[test]
fn an_entry_that_does_not_unpack_is_refused() {
    // Deflate method over bytes that are no deflate stream.
    let mut entries = sound_raw_entries();
    entries[2].method = 8;
    entries[2].data = vec![0xff; DRAWING.len()];
    assert_eq!(code(&raw_zip(&entries)), "corrupt_entry");
    // Stored bytes whose CRC-32 is wrong.
    let mut entries = sound_raw_entries();
    entries[2].crc32 ^= 1;
    assert_eq!(code(&raw_zip(&entries)), "corrupt_entry");
}

// ---- the manifest and what it lists (422) -------------------------------------------------

#[test]
fn an_archive_without_a_manifest_first_is_refused() {
    assert_eq!(
        refused(&zip_of(&[]), &Limits::default()),
        ArchiveError::MissingManifest { found: None }
    );
    assert_eq!(code(&zip_of(&sound_files())), "missing_manifest");
    let mut entries = with_manifest(&manifest_for(&sound_files()), sound_files());
    entries.swap(0, 1);
    let e = refused(&zip_of(&entries), &Limits::default());
    assert_eq!(
        e,
        ArchiveError::MissingManifest {
            found: Some("projects/p1/project.json".into())
        }
    );
}

#[test]
fn a_manifest_that_is_not_json_is_refused() {
    let mut entries = with_manifest(&manifest_for(&sound_files()), sound_files());
    entries[0].1 = b"format = kyocho-archive".to_vec();
    let e = refused(&zip_of(&entries), &Limits::default());
    assert_eq!(e.code(), "manifest_invalid");
    assert_eq!(e.pointer(), Some(""));
}

#[test]
fn a_manifest_with_one_bad_field_names_it() {
    let e = refused(
        &archive_with_manifest_edit(|m| m["entries"][1]["size"] = json!("28")),
        &Limits::default(),
    );
    assert_eq!(e.code(), "manifest_invalid");
    assert_eq!(e.pointer(), Some("/entries/1/size"));
    // A manifest must stay tenant-neutral: no field beyond the format's.
    let e = refused(
        &archive_with_manifest_edit(|m| m["tenant_id"] = json!("t-1")),
        &Limits::default(),
    );
    assert_eq!(e.pointer(), Some("/tenant_id"));
}

#[test]
fn a_later_format_version_is_refused_as_such() {
    let e = refused(
        &archive_with_manifest_edit(|m| m["format_version"] = json!(2)),
        &Limits::default(),
    );
    assert_eq!(e, ArchiveError::UnknownFormatVersion { found: 2 });
}

#[test]
fn an_entry_the_manifest_does_not_list_is_refused() {
    let mut entries = with_manifest(&manifest_for(&sound_files()), sound_files());
    entries.push(("projects/p1/drawings/extra.svg".into(), b"<svg/>".to_vec()));
    let e = refused(&zip_of(&entries), &Limits::default());
    assert_eq!(
        e,
        ArchiveError::UnlistedEntry {
            path: "projects/p1/drawings/extra.svg".into()
        }
    );
}

#[test]
fn an_entry_the_manifest_lists_but_the_zip_lacks_is_refused() {
    let files = sound_files();
    let manifest = manifest_for(&files);
    let entries = with_manifest(&manifest, files[..2].to_vec());
    let e = refused(&zip_of(&entries), &Limits::default());
    assert_eq!(
        e,
        ArchiveError::MissingEntry {
            path: "projects/p1/reports/settings.csv".into()
        }
    );
}

#[test]
fn an_entry_of_another_size_than_listed_is_refused() {
    let listed = DRAWING.len() as u64;
    for (claimed, actual) in [(listed - 1, listed), (listed + 1, listed)] {
        let e = refused(
            &archive_with_manifest_edit(|m| m["entries"][1]["size"] = json!(claimed)),
            &Limits::default(),
        );
        let expected = ArchiveError::SizeMismatch {
            path: "projects/p1/drawings/sld.pdf".into(),
            expected: claimed,
            actual,
        };
        assert_eq!(e, expected);
    }
}

#[test]
fn an_entry_whose_checksum_differs_is_refused() {
    let wrong = Digest::of(b"another drawing").to_string();
    let e = refused(
        &archive_with_manifest_edit(|m| m["entries"][1]["sha256"] = json!(wrong)),
        &Limits::default(),
    );
    assert_eq!(
        e,
        ArchiveError::ChecksumMismatch {
            path: "projects/p1/drawings/sld.pdf".into(),
            expected: wrong,
            actual: Digest::of(DRAWING).to_string(),
        }
    );
}

#[test]
fn a_project_document_that_is_not_a_json_object_is_refused() {
    for document in [
        &b"[1, 2]"[..],
        b"{\"name\": ",
        b"\xef\xbb\xbf{}",
        b"{} trailing",
        b"{\"a\":\"\xff\"}",
    ] {
        let mut files = sound_files();
        files[0].1 = document.to_vec();
        let e = refused(
            &zip_of(&with_manifest(&manifest_for(&files), files)),
            &Limits::default(),
        );
        assert_eq!(
            e.code(),
            "document_invalid",
            "{}: {e}",
            document.escape_ascii()
        );
        assert_eq!(e.entry(), Some("projects/p1/project.json"));
    }
}

#[test]
fn a_deeply_nested_document_is_checked_without_recursion() {
    // Depth is for the project parser to judge; the archive reader must only not overflow.
    let mut document = b"{\"a\":".to_vec();
    document.extend(std::iter::repeat_n(b'[', 500_000));
    document.extend(std::iter::repeat_n(b']', 500_000));
    document.push(b'}');
    let mut files = sound_files();
    files[0].1 = document.clone();
    let archive = read_archive(
        &zip_of(&with_manifest(&manifest_for(&files), files)),
        &Limits::default(),
    )
    .unwrap();
    assert_eq!(archive.project_document("p1"), Some(&document[..]));
}

#[test]
fn every_code_has_a_hostile_archive_here() {
    let source = include_str!("hostile.rs");
    for code in archive::CODES {
        let named = source.contains(&format!("\"{code}\"")) || source.contains(&variant_name(code));
        assert!(named, "no test refuses with {code}");
    }
}

fn variant_name(code: &str) -> String {
    let mut name = String::from("ArchiveError::");
    for word in code.split('_') {
        let mut chars = word.chars();
        name.extend(chars.next().map(|c| c.to_ascii_uppercase()));
        name.push_str(chars.as_str());
    }
    name
}
