//! An uploaded archive: refused with a code or read soundly, never a panic, under the
//! service's limits and under tight ones.
#![no_main]

use archive::{read_archive, Digest, Limits};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let tight = Limits {
        max_entries: 8,
        max_entry_bytes: 4096,
        max_total_uncompressed_bytes: 16 * 1024,
        max_compression_ratio: 4,
        ratio_exempt_bytes: 256,
        ..Limits::default()
    };
    for limits in [Limits::default(), tight] {
        match read_archive(data, &limits) {
            Ok(archive) => {
                for entry in &archive.manifest().entries {
                    let bytes = archive.file(entry.path.as_str()).expect("a listed entry is held");
                    assert_eq!(entry.sha256, Digest::of(bytes));
                }
            }
            Err(e) => assert!(archive::CODES.contains(&e.code())),
        }
    }
});
