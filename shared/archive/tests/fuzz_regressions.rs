//! Inputs that once crashed the `archive_reader` fuzz target (`tests/fuzz.sh` keeps them
//! under `tests/fuzz_regressions/archive_reader/`), replayed: each must now be refused with
//! a code or read, not a panic.

use std::path::Path;

use archive::{read_archive, Limits};

#[test]
fn kept_archives_are_answered() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_regressions/archive_reader");
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.expect("entry").path();
        if path.is_file() && path.file_name().is_some_and(|n| n != ".gitkeep") {
            let data = std::fs::read(&path).expect("read");
            let _ = read_archive(&data, &Limits::default());
            eprintln!("replayed {}", path.display());
        }
    }
}
