//! Inputs that once crashed the `ip_allow_list` fuzz target (`tests/fuzz.sh` keeps them under
//! `tests/fuzz_regressions/ip_allow_list/`), replayed with the target's own checks: every line
//! parsed or refused without a panic, each network reads back as itself and the list admits
//! its first and last address.

use std::path::Path;

#[test]
fn kept_inputs_are_answered() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_regressions/ip_allow_list");
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.expect("entry").path();
        if path.is_file() && path.file_name().is_some_and(|n| n != ".gitkeep") {
            let text = String::from_utf8_lossy(&std::fs::read(&path).expect("read")).into_owned();
            let list: Vec<_> = text.lines().filter_map(allowlist::parse_network).collect();
            for n in &list {
                assert_eq!(allowlist::parse_network(&n.to_string()), Some(*n), "{}: {n} does not read back", path.display());
                for ip in allowlist::edges(n) {
                    assert!(allowlist::ip_allowed(&list, Some(ip)), "{}: {n}: {ip} refused", path.display());
                }
            }
            eprintln!("replayed {}", path.display());
        }
    }
}
