//! `analyze FILE.json`: what `kyocho analyze --json FILE` does, with the domain crate alone —
//! read the file, parse and validate it, analyse it and write the whole
//! [`domain::analysis::Analysis`] as compact JSON on stdout (or `{"errors": [...]}`).
//! Accepts and ignores the words `analyze` and `--json`, so it can stand in for the kyocho
//! binary (tests/pandapower/compare.py, tests/pandapower/bench.py):
//!
//! ```text
//! cargo run -p domain --release --example analyze -- tests/fixtures/case_b.json
//! ```
//!
//! Exit code 0 when every check passes (warnings allowed), 1 when any fails, 2 when the input
//! is invalid or unreadable.

use std::io::{BufWriter, Write};
use std::process::ExitCode;

use domain::analysis::parse_and_analyze;
use domain::checks::Status;

fn main() -> ExitCode {
    let Some(path) = std::env::args().skip(1).find(|a| a != "analyze" && a != "--json") else {
        eprintln!("usage: analyze [analyze --json] FILE.json");
        return ExitCode::from(2);
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("analyze: cannot read {path}: {e}");
            return ExitCode::from(2);
        }
    };
    let stdout = std::io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    let code = match parse_and_analyze(&text) {
        Ok(analysis) => {
            if let Err(e) = serde_json::to_writer(&mut out, &analysis) {
                eprintln!("analyze: cannot write JSON: {e}");
                return ExitCode::from(2);
            }
            if analysis.summary.status == Status::Fail {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(errors) => {
            let _ = serde_json::to_writer(&mut out, &serde_json::json!({ "errors": errors }));
            ExitCode::from(2)
        }
    };
    if out.write_all(b"\n").and_then(|()| out.flush()).is_err() {
        eprintln!("analyze: cannot write to stdout");
        return ExitCode::from(2);
    }
    code
}
