//! `kyocho analyze FILE.json`: short-circuit table and coordination checks on the command line.

use std::path::Path;
use std::process::ExitCode;

/// Analyse a project file. Exit code 0 when every check passes, 1 when any fails,
/// 2 when the input is invalid.
pub fn run(_file: &Path, _json: bool) -> ExitCode {
    eprintln!("analyze: not available yet");
    ExitCode::from(2)
}
