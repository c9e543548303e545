//! An IP allow-list as an administrator types it (one network per line, CIDR or a single
//! address): every line is parsed or refused, never a panic; a network that parses prints in
//! a form that parses back to itself, and the list admits the first and last address of each
//! of its networks (those an IPv4 caller would not present, see `allowlist::edges`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let list: Vec<_> = text.lines().filter_map(allowlist::parse_network).collect();
    for n in &list {
        assert_eq!(allowlist::parse_network(&n.to_string()), Some(*n), "{n} does not read back");
        for ip in allowlist::edges(n) {
            assert!(allowlist::ip_allowed(&list, Some(ip)), "{n}: {ip} refused");
        }
    }
});
