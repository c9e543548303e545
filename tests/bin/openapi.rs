//! `cargo run -p kyocho-tests --bin openapi`: rewrite the generated schemas of
//! `infra/openapi.yaml` from the Rust types (see `kyocho_tests::openapi`).

use std::process::ExitCode;

fn main() -> ExitCode {
    match kyocho_tests::openapi::regenerate() {
        Ok((path, committed, fresh)) if committed == fresh => {
            println!("{} is up to date.", path.display());
            ExitCode::SUCCESS
        }
        Ok((path, _, fresh)) => match std::fs::write(&path, fresh) {
            Ok(()) => {
                println!("Rewrote the generated schemas of {}.", path.display());
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: cannot write {}: {e}", path.display());
                ExitCode::FAILURE
            }
        },
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
