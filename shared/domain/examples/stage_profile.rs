//! Runs one stage of the analysis of a synthetic site many times, for profilers and
//! instruction counters (`perf stat -e instructions:u`), which a busy machine disturbs less
//! than wall time:
//!
//! ```text
//! cargo build -p domain --release --examples
//! perf stat -e instructions:u target/release/examples/stage_profile chart 2000 20
//! ```
//!
//! Stages: parse, short_circuit, chart, checks, serialize, all. Arguments: stage, devices,
//! repetitions.

use domain::analysis;
use domain::checks::CheckSettings;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let stage = args.get(1).map(String::as_str).unwrap_or("all");
    let n: usize = args.get(2).and_then(|v| v.parse().ok()).unwrap_or(2000);
    let reps: usize = args.get(3).and_then(|v| v.parse().ok()).unwrap_or(10);
    let text = domain::synthetic::site_json(n);
    let lib = domain::library::builtin();
    let project = domain::validate::parse_project_with(&text, lib).expect("valid");
    let settings = CheckSettings::from_project(&project);
    let sc = domain::shortcircuit::study(&project, lib);
    let whole = analysis::analyze(&project, &settings);
    for _ in 0..reps {
        match stage {
            "parse" => drop(std::hint::black_box(domain::validate::parse_project_with(&text, lib))),
            "short_circuit" => drop(std::hint::black_box(domain::shortcircuit::study(&project, lib))),
            "chart" => drop(std::hint::black_box(analysis::build_chart(&project, &sc, &settings))),
            "checks" => drop(std::hint::black_box(domain::checks::run_checks(&project, &sc, &settings))),
            "serialize" => drop(std::hint::black_box(serde_json::to_vec(&whole))),
            _ => drop(std::hint::black_box(serde_json::to_vec(&analysis::parse_and_analyze(&text).expect("valid")))),
        }
    }
}
