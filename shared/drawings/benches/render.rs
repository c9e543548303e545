//! Rendering speed on the largest sample project: coordination chart and single-line
//! diagram as SVG, the chart as PDF and DXF.

use criterion::{criterion_group, criterion_main, Criterion};
use domain::analysis::analyze;
use domain::checks::CheckSettings;
use drawings::sld::{self, SldOptions};
use drawings::tcc::{self, TccOptions};

fn largest() -> (domain::model::Project, domain::analysis::Analysis) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures");
    let mut best: Option<(usize, String)> = None;
    for e in std::fs::read_dir(&dir).expect("fixtures").flatten() {
        let p = e.path();
        if p.extension().is_some_and(|x| x == "json") {
            let s = std::fs::read_to_string(&p).expect("read");
            if best.as_ref().is_none_or(|(n, _)| s.len() > *n) {
                best = Some((s.len(), s));
            }
        }
    }
    let json = best.expect("a fixture").1;
    let project = domain::validate::parse_project_with(&json, domain::library::builtin()).expect("valid");
    let analysis = analyze(&project, &CheckSettings::from_project(&project));
    (project, analysis)
}

fn bench(c: &mut Criterion) {
    let (project, analysis) = largest();
    let topts = TccOptions::default();
    let sopts = SldOptions::default();
    c.bench_function("tcc_svg", |b| b.iter(|| drawings::svg::to_svg(&tcc::build(&project, &analysis, &topts).expect("chart").drawing)));
    c.bench_function("sld_svg", |b| b.iter(|| drawings::svg::to_svg(&sld::build(&project, &analysis, &sopts).expect("sld").drawing)));
    c.bench_function("tcc_pdf", |b| b.iter(|| drawings::pdf::to_pdf(&tcc::build(&project, &analysis, &topts).expect("chart").drawing).expect("pdf")));
    c.bench_function("tcc_dxf", |b| b.iter(|| drawings::dxf_out::to_dxf(&tcc::build(&project, &analysis, &topts).expect("chart").drawing).expect("dxf")));
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10).warm_up_time(std::time::Duration::from_millis(300)).measurement_time(std::time::Duration::from_secs(1));
    targets = bench
}
criterion_main!(benches);
