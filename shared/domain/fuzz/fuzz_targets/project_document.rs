//! A project document as the API receives it: parsing and validation never panic, and a
//! document they accept is analysed (short circuit, curves, every check) without a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = domain::analysis::parse_and_analyze(text);
    }
});
