//! Inputs that once crashed a fuzz target (`tests/fuzz.sh` keeps them under
//! `tests/fuzz_regressions/<target>/`), replayed through the same code: each must now give
//! an answer (a result or located errors), not a panic.

use std::path::Path;

fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_regressions").join(target);
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.expect("entry").path();
        if path.is_file() && path.file_name().is_some_and(|n| n != ".gitkeep") {
            out.push((path.display().to_string(), std::fs::read(&path).expect("read")));
        }
    }
    out
}

#[test]
fn kept_project_documents_are_answered() {
    for (name, data) in inputs("project_document") {
        if let Ok(text) = std::str::from_utf8(&data) {
            let _ = domain::analysis::parse_and_analyze(text);
        }
        eprintln!("replayed {name}");
    }
}

#[test]
fn kept_catalogue_csv_files_are_answered() {
    for (name, data) in inputs("catalogue_csv") {
        let _ = domain::library::csv_import::import_fuse_ratings(&data, None);
        let _ = domain::library::csv_import::import_breaker_band(&data);
        let _ = domain::library::csv_import::import_relay_points(&data);
        eprintln!("replayed {name}");
    }
}

#[test]
fn kept_company_items_are_answered() {
    for (name, data) in inputs("company_item") {
        if let Ok(text) = std::str::from_utf8(&data) {
            let _ = domain::validate::parse_company_item(text);
        }
        eprintln!("replayed {name}");
    }
}
