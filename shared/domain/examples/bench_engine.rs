//! Time of the whole analysis of synthetic sites ([`domain::synthetic::site_json`]) of given
//! device counts, split into its stages, and of a whole `analyze` process (the `analyze`
//! example run as a child: read the file, parse, analyse, write compact JSON to stdout).
//!
//! ```text
//! cargo build -p domain --release --examples
//! target/release/examples/bench_engine [--json] [--cpu] [--min-time S] [--analyze PATH] [--keep DIR] [DEVICES ...]
//! ```
//!
//! Defaults: 75 480 1690 2000 devices (about 30, 200, 700 and 830 buses), `--analyze`
//! next to this program. Each figure is the median of repeated runs (at least 5 and at least
//! `--min-time` seconds, default 1.0, per figure; the machine may be noisy). Stages:
//! parse + validation, short-circuit study, chart (curve sampling), checks (coordination
//! checks, test sheet, setting table, design study), JSON serialisation (compact). `total`
//! is `parse_and_analyze` plus serialisation timed as one. With `--json` one JSON document
//! is printed instead of the table; with `--keep DIR` the project files are left in `DIR`.
//! With `--cpu` the in-process figures are this thread's CPU time instead of wall time (on a
//! machine busy with other work); the whole process is always wall time. Two floors are
//! measured beside the stages: scanning the project's JSON without building anything, and
//! (with `--kyocho`) starting the binary with `--version`.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use domain::analysis::{self, Analysis, Summary, ANALYSIS_VERSION};
use domain::checks::{self, sheets, CheckSettings, Status};

struct Args {
    json: bool,
    min_time: Duration,
    analyze: PathBuf,
    /// Arguments before the file: none for the `analyze` example, `analyze --json` for the
    /// `kyocho` binary (`--kyocho PATH`).
    analyze_args: Vec<&'static str>,
    keep: Option<PathBuf>,
    sizes: Vec<usize>,
}

fn args() -> Args {
    let mut a = Args {
        json: false,
        min_time: Duration::from_secs(1),
        analyze: std::env::current_exe().ok().and_then(|p| p.parent().map(|d| d.join("analyze"))).unwrap_or_else(|| "analyze".into()),
        analyze_args: Vec::new(),
        keep: None,
        sizes: Vec::new(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(s) = it.next() {
        match s.as_str() {
            "--json" => a.json = true,
            "--cpu" => CPU_CLOCK.store(true, std::sync::atomic::Ordering::Relaxed),
            "--min-time" => a.min_time = Duration::from_secs_f64(it.next().and_then(|v| v.parse().ok()).expect("--min-time SECONDS")),
            "--analyze" => a.analyze = it.next().expect("--analyze PATH").into(),
            "--kyocho" => {
                a.analyze = it.next().expect("--kyocho PATH").into();
                a.analyze_args = vec!["analyze", "--json"];
            }
            "--keep" => a.keep = Some(it.next().expect("--keep DIR").into()),
            n => a.sizes.push(n.parse().unwrap_or_else(|_| panic!("not a device count: {n}"))),
        }
    }
    if a.sizes.is_empty() {
        a.sizes = vec![75, 480, 1690, 2000];
    }
    a
}

#[repr(C)]
struct Timespec {
    sec: i64,
    nsec: i64,
}

extern "C" {
    fn clock_gettime(clock: i32, ts: *mut Timespec) -> i32;
}

/// CPU time of this thread (Linux `CLOCK_THREAD_CPUTIME_ID`): what the work costs on a
/// machine shared with other jobs, where wall time also counts the waits for a core.
fn thread_cpu() -> Duration {
    let mut ts = Timespec { sec: 0, nsec: 0 };
    // SAFETY: clock_gettime writes one timespec (two longs on 64-bit Linux) through the pointer.
    let rc = unsafe { clock_gettime(3, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime");
    Duration::new(ts.sec as u64, ts.nsec as u32)
}

static CPU_CLOCK: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Median time of `f` over at least 5 runs and at least `min_time` in all (at most 2 000):
/// wall time, or this thread's CPU time with `--cpu`.
fn median(min_time: Duration, mut f: impl FnMut()) -> Duration {
    let cpu = CPU_CLOCK.load(std::sync::atomic::Ordering::Relaxed);
    let now = || if cpu { thread_cpu() } else { Instant::now().duration_since(*EPOCH.get_or_init(Instant::now)) };
    let mut times = Vec::new();
    let start = Instant::now();
    while times.len() < 5 || (start.elapsed() < min_time && times.len() < 2000) {
        let t = now();
        f();
        times.push(now() - t);
    }
    times.sort();
    times[times.len() / 2]
}

static EPOCH: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();

/// The stages of [`analysis::analyze`], one by one, assembled into the same [`Analysis`].
fn assemble(project: &domain::model::Project, settings: &CheckSettings, sc: domain::shortcircuit::ShortCircuitStudy, chart: analysis::Chart, c: Checks) -> Analysis {
    Analysis {
        analysis_version: ANALYSIS_VERSION,
        project_name: project.name.clone(),
        short_circuit: sc,
        chart,
        summary: c.summary,
        checks: c.results,
        test_sheet: c.test_sheet,
        setting_table: c.setting_table,
        settings: settings.clone(),
        design_study: c.design_study,
    }
}

struct Checks {
    results: Vec<checks::CheckResult>,
    summary: Summary,
    test_sheet: Vec<sheets::TestSheetRow>,
    setting_table: Vec<sheets::SettingRow>,
    design_study: domain::study::DesignStudy,
}

fn run_checks(project: &domain::model::Project, sc: &domain::shortcircuit::ShortCircuitStudy, settings: &CheckSettings) -> Checks {
    let results = checks::run_checks(project, sc, settings);
    let summary = Summary {
        status: checks::overall(&results),
        pass: results.iter().filter(|r| r.status == Status::Pass).count(),
        warning: results.iter().filter(|r| r.status == Status::Warning).count(),
        fail: results.iter().filter(|r| r.status == Status::Fail).count(),
    };
    Checks {
        test_sheet: sheets::test_sheet(project, settings),
        setting_table: sheets::setting_table(project),
        design_study: domain::study::design_study(project, &settings.design_study),
        results,
        summary,
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

struct Row {
    devices: usize,
    buses: usize,
    curves: usize,
    points: usize,
    checks: usize,
    json_bytes: usize,
    parse: Duration,
    short_circuit: Duration,
    chart: Duration,
    checks_t: Duration,
    serialize: Duration,
    total: Duration,
    process: Duration,
    /// Floors no implementation gets under: reading the project's JSON without building
    /// anything (`IgnoredAny`), and starting the program and letting it exit (`--version`
    /// with `--kyocho`; not measured for the example).
    scan: Duration,
    spawn: Option<Duration>,
}

fn measure(a: &Args, n: usize, dir: &Path) -> Row {
    let text = domain::synthetic::site_json(n);
    let lib = domain::library::builtin();
    let project = domain::validate::parse_project_with(&text, lib).expect("the synthetic site is valid");
    let settings = CheckSettings::from_project(&project);
    let sc = domain::shortcircuit::study(&project, lib);
    let chart = analysis::build_chart(&project, &sc, &settings);
    let c = run_checks(&project, &sc, &settings);
    let staged = assemble(&project, &settings, sc.clone(), chart.clone(), run_checks(&project, &sc, &settings));
    let whole = analysis::parse_and_analyze(&text).expect("valid");
    assert!(staged == whole, "{n} devices: the stages do not give the analysis of `analyze`");
    let bytes = serde_json::to_vec(&whole).expect("JSON");
    let path = dir.join(format!("site_{n}.json"));
    std::fs::write(&path, &text).expect("write the project file");

    let t = a.min_time;
    let parse = median(t, || {
        std::hint::black_box(domain::validate::parse_project_with(std::hint::black_box(&text), lib).expect("valid"));
    });
    let short_circuit = median(t, || {
        std::hint::black_box(domain::shortcircuit::study(std::hint::black_box(&project), lib));
    });
    let chart_t = median(t, || {
        std::hint::black_box(analysis::build_chart(&project, &sc, &settings));
    });
    let checks_t = median(t, || {
        std::hint::black_box(run_checks(&project, &sc, &settings));
    });
    let mut buf = Vec::with_capacity(bytes.len() + 1024);
    let serialize = median(t, || {
        buf.clear();
        serde_json::to_writer(&mut buf, std::hint::black_box(&whole)).expect("JSON");
    });
    let total = median(t, || {
        let a = analysis::parse_and_analyze(std::hint::black_box(&text)).expect("valid");
        buf.clear();
        serde_json::to_writer(&mut buf, &a).expect("JSON");
        std::hint::black_box(&buf);
    });
    let mut out = Vec::with_capacity(bytes.len() + 1024);
    let cpu = CPU_CLOCK.swap(false, std::sync::atomic::Ordering::Relaxed);
    let process = median(t, || {
        let mut child = Command::new(&a.analyze)
            .args(&a.analyze_args)
            .arg(&path)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", a.analyze.display()));
        out.clear();
        child.stdout.take().expect("stdout").read_to_end(&mut out).expect("read stdout");
        let status = child.wait().expect("wait");
        assert!(matches!(status.code(), Some(0 | 1)), "analyze exited {status}");
    });
    let spawn = (!a.analyze_args.is_empty()).then(|| {
        median(t, || {
            let status = Command::new(&a.analyze).arg("--version").stdout(Stdio::null()).status().expect("run --version");
            assert!(status.success(), "--version exited {status}");
        })
    });
    CPU_CLOCK.store(cpu, std::sync::atomic::Ordering::Relaxed);
    let scan = median(t, || {
        std::hint::black_box(serde_json::from_str::<serde::de::IgnoredAny>(std::hint::black_box(&text)).expect("JSON"));
    });
    assert_eq!(out.len(), bytes.len() + 1, "the analyze process wrote another document");
    drop(c);
    Row {
        devices: project.devices.len(),
        buses: whole.short_circuit.buses.len(),
        curves: whole.chart.curves.len(),
        points: whole.chart.curves.iter().flat_map(|c| &c.lines).map(|l| l.points.len()).sum(),
        checks: whole.checks.len(),
        json_bytes: bytes.len(),
        parse,
        short_circuit,
        chart: chart_t,
        checks_t,
        serialize,
        total,
        process,
        scan,
        spawn,
    }
}

fn main() {
    let a = args();
    let dir = match &a.keep {
        Some(d) => d.clone(),
        None => std::env::temp_dir().join(format!("kyocho-bench-{}", std::process::id())),
    };
    std::fs::create_dir_all(&dir).expect("create the folder for the project files");
    let rows: Vec<Row> = a.sizes.iter().map(|&n| measure(&a, n, &dir)).collect();
    if a.keep.is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    if a.json {
        let v: Vec<serde_json::Value> = rows
            .iter()
            .map(|r| {
                serde_json::json!({
                    "devices": r.devices, "buses": r.buses, "curves": r.curves, "chart_points": r.points,
                    "checks": r.checks, "json_bytes": r.json_bytes,
                    "ms": {
                        "parse": ms(r.parse), "short_circuit": ms(r.short_circuit), "chart": ms(r.chart),
                        "checks": ms(r.checks_t), "serialize": ms(r.serialize), "total": ms(r.total), "process": ms(r.process),
                        "scan": ms(r.scan), "spawn": r.spawn.map(ms),
                    }
                })
            })
            .collect();
        println!("{}", serde_json::json!({ "kyocho": v }));
        return;
    }
    println!(
        "{:>7} {:>6} {:>7} {:>9} {:>10} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>10} {:>9}",
        "devices", "buses", "curves", "points", "JSON B", "parse", "sc", "chart", "checks", "serial", "total", "process", "µs/dev"
    );
    for r in &rows {
        println!(
            "{:>7} {:>6} {:>7} {:>9} {:>10} {:>9.3} {:>9.3} {:>9.3} {:>9.3} {:>9.3} {:>9.3} {:>10.3} {:>9.2}",
            r.devices,
            r.buses,
            r.curves,
            r.points,
            r.json_bytes,
            ms(r.parse),
            ms(r.short_circuit),
            ms(r.chart),
            ms(r.checks_t),
            ms(r.serialize),
            ms(r.total),
            ms(r.process),
            ms(r.total) * 1000.0 / r.devices as f64
        );
    }
    println!("(ms, medians; total = parse_and_analyze + compact JSON in process; process = the analyze example as a child)");
}
