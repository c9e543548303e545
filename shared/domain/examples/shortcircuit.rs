//! Prints the short-circuit study of a project file as `{"short_circuit": …}`, the same shape
//! as `kyocho analyze --json`. Accepts and ignores the words `analyze` and `--json`, so it can
//! stand in for the kyocho binary:
//!
//! ```text
//! cargo run -p domain --example shortcircuit -- analyze --json tests/fixtures/case_b.json
//! ```
//!
//! Exit code 0 on success, 2 when the project is invalid (errors on stderr as JSON).

use std::process::ExitCode;

use domain::shortcircuit::ShortCircuitStudy;

#[derive(serde::Serialize)]
struct Output<'a> {
    short_circuit: &'a ShortCircuitStudy,
}

fn main() -> ExitCode {
    let Some(path) = std::env::args()
        .skip(1)
        .find(|a| a != "analyze" && a != "--json")
    else {
        eprintln!("usage: shortcircuit [analyze --json] FILE.json");
        return ExitCode::from(2);
    };
    let json = match std::fs::read_to_string(&path) {
        Ok(j) => j,
        Err(e) => {
            eprintln!("{path}: {e}");
            return ExitCode::from(2);
        }
    };
    let project = match domain::model::parse_project(&json) {
        Ok(p) => p,
        Err(errors) => {
            eprintln!(
                "{}",
                serde_json::to_string_pretty(&errors).unwrap_or_default()
            );
            return ExitCode::from(2);
        }
    };
    let study = domain::shortcircuit::study(&project, domain::library::builtin());
    let out = Output {
        short_circuit: &study,
    };
    println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
    ExitCode::SUCCESS
}
