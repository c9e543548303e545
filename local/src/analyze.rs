//! `kyocho analyze FILE.json`: short-circuit table and coordination checks on the command line.

use std::path::Path;
use std::process::ExitCode;

use domain::analysis::{parse_and_analyze, report_text};
use domain::checks::Status;

/// Analyse a project file. Exit code 0 when every check passes (warnings allowed), 1 when any
/// fails, 2 when the input is invalid or unreadable. With `json`, prints the whole
/// [`domain::analysis::Analysis`] (or `{"errors": [...]}`) as JSON on stdout.
pub fn run(file: &Path, json: bool) -> ExitCode {
    let text = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("analyze: cannot read {}: {e}", file.display());
            return ExitCode::from(2);
        }
    };
    match parse_and_analyze(&text) {
        Ok(analysis) => {
            if json {
                // Compact, through one buffer: the analysis of a large project is megabytes.
                use std::io::Write as _;
                let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
                let written = serde_json::to_writer(&mut out, &analysis)
                    .map_err(std::io::Error::from)
                    .and_then(|()| out.write_all(b"\n"))
                    .and_then(|()| out.flush());
                if let Err(e) = written {
                    eprintln!("analyze: cannot write JSON: {e}");
                    return ExitCode::from(2);
                }
            } else {
                print!("{}", report_text(&analysis));
            }
            if analysis.summary.status == Status::Fail {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(errors) => {
            if json {
                let body = serde_json::json!({ "errors": errors });
                println!("{body}");
            } else {
                eprintln!("{}: {} error(s)", file.display(), errors.len());
                for e in &errors {
                    let pointer = if e.pointer.is_empty() { "/" } else { e.pointer.as_str() };
                    eprintln!("  {pointer} [{}] {} / {}", e.code, e.message_en, e.message_ja);
                }
            }
            ExitCode::from(2)
        }
    }
}
