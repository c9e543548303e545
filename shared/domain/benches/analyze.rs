//! Time to analyse a 200-device project (short-circuit study, every coordination check,
//! chart samples, test sheet and setting table): a CB-type site with many feeders.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use domain::analysis::analyze;
use domain::checks::CheckSettings;
use domain::model::parse_project_with;

/// A valid project with exactly `target` devices (buses included): service point, PAS with
/// DGR, lead-in cable, main VCB, then feeders of VCB → cable → transformer → ACB → MCCBs →
/// loads, and capacitor feeders with PF, until the count is reached.
fn project_json(target: usize) -> String {
    domain::synthetic::site_json(target)
}

fn bench_analyze(c: &mut Criterion) {
    let text = project_json(200);
    let project = parse_project_with(&text, domain::library::builtin()).expect("the generated project is valid");
    assert_eq!(project.devices.len(), 200);
    let settings = CheckSettings::from_project(&project);
    let a = analyze(&project, &settings);
    println!(
        "200-device project: {} buses, {} checks ({} pass, {} warning, {} fail), {} curves",
        a.short_circuit.buses.len(),
        a.checks.len(),
        a.summary.pass,
        a.summary.warning,
        a.summary.fail,
        a.chart.curves.len()
    );
    c.bench_function("analyze_200_devices", |b| b.iter(|| analyze(black_box(&project), black_box(&settings))));
    c.bench_function("parse_and_analyze_200_devices", |b| b.iter(|| domain::analysis::parse_and_analyze(black_box(&text))));
}

criterion_group!(benches, bench_analyze);
criterion_main!(benches);
