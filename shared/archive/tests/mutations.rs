//! Damaged archives — bytes overwritten, cut short, junk spliced in — are refused or read,
//! never a panic; and whatever is read is sound.

mod common;

use archive::{read_archive, Archive, Digest, Limits};
use common::*;
use proptest::prelude::*;
use proptest::sample::Index;

/// The two sound samples: deflated by the zip crate, and stored byte by byte.
fn samples() -> [Vec<u8>; 2] {
    [sound_archive(), raw_zip(&sound_raw_entries())]
}

fn tight() -> Limits {
    Limits {
        max_entries: 3,
        max_entry_bytes: 40,
        max_total_uncompressed_bytes: 80,
        max_compression_ratio: 2,
        ratio_exempt_bytes: 16,
        ..Limits::default()
    }
}

/// Read `bytes` under both limits; an archive that is read must match its manifest.
fn read_is_sound(bytes: &[u8]) {
    for limits in [Limits::default(), tight()] {
        if let Ok(archive) = read_archive(bytes, &limits) {
            assert_sound(&archive);
        }
    }
}

fn assert_sound(archive: &Archive) {
    let manifest = archive.manifest();
    assert_eq!(manifest.entries.len(), archive.files().len());
    for entry in &manifest.entries {
        let bytes = archive
            .file(entry.path.as_str())
            .expect("a listed entry is held");
        assert_eq!(entry.size, bytes.len() as u64);
        assert_eq!(entry.sha256, Digest::of(bytes));
    }
    for project in &manifest.projects {
        assert!(archive.project_document(project.id.as_str()).is_some());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn overwritten_bytes(sample in 0..2usize, edits in prop::collection::vec((any::<Index>(), any::<u8>()), 1..8)) {
        let mut bytes = samples()[sample].clone();
        for (at, byte) in edits {
            let at = at.index(bytes.len());
            bytes[at] = byte;
        }
        read_is_sound(&bytes);
    }

    #[test]
    fn bytes_cut_short(sample in 0..2usize, keep in any::<Index>()) {
        let bytes = samples()[sample].clone();
        read_is_sound(&bytes[..keep.index(bytes.len())]);
    }

    #[test]
    fn junk_spliced_in(sample in 0..2usize, at in any::<Index>(), junk in prop::collection::vec(any::<u8>(), 0..64)) {
        let mut bytes = samples()[sample].clone();
        let at = at.index(bytes.len());
        bytes.splice(at..at, junk);
        read_is_sound(&bytes);
    }

    #[test]
    fn junk_after_a_local_header_signature(junk in prop::collection::vec(any::<u8>(), 0..512)) {
        let mut bytes = b"PK\x03\x04".to_vec();
        bytes.extend(junk);
        read_is_sound(&bytes);
    }
}

#[test]
fn every_single_byte_flip_of_the_stored_sample() {
    let sample = raw_zip(&sound_raw_entries());
    for at in 0..sample.len() {
        for mask in [0x01u8, 0x80, 0xff] {
            let mut bytes = sample.clone();
            bytes[at] ^= mask;
            read_is_sound(&bytes);
        }
    }
}
