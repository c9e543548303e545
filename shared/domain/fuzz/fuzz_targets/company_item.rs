//! A company library item as the API receives it: parsed and validated, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = domain::validate::parse_company_item(text);
    }
});
