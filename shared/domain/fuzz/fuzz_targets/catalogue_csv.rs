//! Catalogue points as a user uploads them (UTF-8 or Shift_JIS CSV): every importer answers
//! points or located errors, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = domain::library::csv_import::import_fuse_ratings(data, None);
    let _ = domain::library::csv_import::import_fuse_ratings(data, Some(30.0));
    let _ = domain::library::csv_import::import_breaker_band(data);
    let _ = domain::library::csv_import::import_relay_points(data);
});
