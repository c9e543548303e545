//! One call that runs the whole study of a validated project: short-circuit currents, device
//! curves sampled for the coordination chart, coordination checks, relay test sheet and
//! setting table ([`analyze`]), plus a plain-text report for the terminal ([`report_text`]).
//!
//! The serialized [`Analysis`] is what the web client and `kyocho analyze --json` receive.

#![allow(clippy::neg_cmp_op_on_partial_ord)] // `!(x > 0.0)` is meant: NaN must take the refusing branch.

use std::fmt::Write as _;

use serde::Serialize;

use crate::checks::sheets::{self, SettingRow, TestSheetRow};
use crate::checks::{self, devices, CheckResult, CheckSettings, Status};
use crate::curves::{pt, Characteristic, ChartPoints, SampledLine, Tcc};
use crate::model::{Device, Project};
use crate::shortcircuit::{self, ShortCircuitStudy};

/// Version of the [`Analysis`] JSON shape.
pub const ANALYSIS_VERSION: u32 = 1;

/// Log-spaced currents each chart line starts from, over the chart's current range; the line
/// is then refined where it bends and keeps only the points a log-log drawing needs, within
/// [`crate::curves::CHART_TOLERANCE_DECADES`] of the true curve ([`Tcc::sample`]).
pub const CHART_SAMPLES: usize = 12;

/// The same for ground relays, over their three decades.
pub const GROUND_CHART_SAMPLES: usize = 10;

/// What a curve on the chart stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum CurveRole {
    UtilityOcr,
    Ocr,
    Fuse,
    LvBreaker,
    TransformerInrush,
    TransformerWithstand,
    CableWithstand,
    /// Ground relays are drawn on their own chart (zero-sequence amperes, not referred).
    GroundRelay,
    UtilityGroundRelay,
}

/// One device's curve set on the chart.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DeviceCurve {
    /// Device id (`utility` for the utility's relays).
    pub device_id: String,
    pub name: String,
    pub role: CurveRole,
    /// Voltage of the device's own circuit, V.
    pub voltage_v: f64,
    /// Factor from the device's own amperes to chart amperes.
    pub current_scale: f64,
    /// Sampled lines in chart amperes and seconds (finite points only).
    pub lines: Vec<SampledLine>,
}

/// A fault-current marker on the chart.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FaultMarker {
    pub bus_id: String,
    pub name: String,
    /// Bus voltage, V.
    pub voltage_v: f64,
    /// Largest fault at the bus (per the checks' fault basis), chart amperes.
    pub current_a: f64,
}

/// The coordination chart: log-log axes in chart amperes (at `voltage_v`) and seconds.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Chart {
    pub voltage_v: f64,
    pub current_min_a: f64,
    pub current_max_a: f64,
    pub time_min_s: f64,
    pub time_max_s: f64,
    pub curves: Vec<DeviceCurve>,
    pub fault_markers: Vec<FaultMarker>,
}

/// Counts of check outcomes and the overall status (the worst).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Summary {
    pub status: Status,
    pub pass: usize,
    pub warning: usize,
    pub fail: usize,
}

/// Everything the study of one project produces.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Analysis {
    /// [`ANALYSIS_VERSION`].
    pub analysis_version: u32,
    pub project_name: String,
    /// Short-circuit currents per bus and per device (%Z method, IEC 60909 max/min).
    pub short_circuit: ShortCircuitStudy,
    pub chart: Chart,
    pub checks: Vec<CheckResult>,
    pub summary: Summary,
    pub test_sheet: Vec<TestSheetRow>,
    pub setting_table: Vec<SettingRow>,
    /// The settings the checks used.
    pub settings: CheckSettings,
    /// Load list, transformer sizing, power-factor correction and voltage drop
    /// (docs/engineering.md §10).
    pub design_study: crate::study::DesignStudy,
}

fn decade_floor(v: f64) -> f64 {
    10f64.powf(v.log10().floor())
}

fn decade_ceil(v: f64) -> f64 {
    10f64.powf(v.log10().ceil())
}

/// Analyse a validated project (see [`crate::model::parse_project`]). Never panics; on an
/// unvalidated project parts may be missing.
pub fn analyze(project: &Project, settings: &CheckSettings) -> Analysis {
    let sc = shortcircuit::study(project, crate::library::builtin());
    // One context (topology, device curves, bus voltages) for the checks and the chart.
    let (results, chart) = {
        let ctx = checks::Ctx::new(project, &sc, settings);
        (checks::run_checks_in(&ctx), chart_in(&ctx, project, &sc, settings))
    };
    let summary = Summary {
        status: checks::overall(&results),
        pass: results.iter().filter(|r| r.status == Status::Pass).count(),
        warning: results.iter().filter(|r| r.status == Status::Warning).count(),
        fail: results.iter().filter(|r| r.status == Status::Fail).count(),
    };
    Analysis {
        analysis_version: ANALYSIS_VERSION,
        project_name: project.name.clone(),
        test_sheet: sheets::test_sheet(project, settings),
        setting_table: sheets::setting_table(project),
        short_circuit: sc,
        chart,
        checks: results,
        summary,
        settings: settings.clone(),
        design_study: crate::study::design_study(project, &settings.design_study),
    }
}

/// The coordination chart of a project and its short-circuit study: fault markers, the
/// chart range and every device's sampled curves (the `chart` of [`analyze`]).
pub fn build_chart(project: &Project, sc: &ShortCircuitStudy, settings: &CheckSettings) -> Chart {
    chart_in(&checks::Ctx::new(project, sc, settings), project, sc, settings)
}

fn chart_in(ctx: &checks::Ctx, project: &Project, sc: &ShortCircuitStudy, settings: &CheckSettings) -> Chart {
    let chart_v = ctx.chart_v;
    let mut markers = Vec::new();
    for b in &sc.buses {
        let Some(&idx) = ctx.topo.bus_index.get(&b.bus_id) else { continue };
        if let Some((_, chart_a)) = ctx.bus_fault(idx) {
            markers.push(FaultMarker { bus_id: b.bus_id.clone(), name: b.name.clone(), voltage_v: b.voltage_v, current_a: chart_a });
        }
    }
    // Chart range: a decade below the lowest pickup to a decade above the largest fault.
    let mut lowest = f64::INFINITY;
    let mut highest: f64 = markers.iter().map(|m| m.current_a).fold(0.0, f64::max);
    let mut consider = |t: &Tcc| {
        for bp in t.breakpoints() {
            if bp.is_finite() && bp > 0.0 {
                lowest = lowest.min(bp);
            }
        }
    };
    for p in ctx.prot.iter().flatten() {
        consider(&p.tcc);
    }
    if let Some(u) = &ctx.utility_ocr {
        consider(u);
    }
    if !lowest.is_finite() {
        lowest = 1.0;
    }
    if !(highest > lowest) {
        highest = lowest * 1000.0;
    }
    let i_min = decade_floor(lowest * 0.5);
    let i_max = decade_ceil(highest * 1.5);

    let mut curves = Vec::new();
    let own_v = |i: usize| ctx.topo.upstream_bus(project, i).map(|b| ctx.bus_voltage(b)).unwrap_or(chart_v);
    if let Some(u) = &ctx.utility_ocr {
        curves.push(DeviceCurve {
            device_id: checks::UTILITY_ID.into(),
            name: "電力会社 OCR / utility OCR".into(),
            role: CurveRole::UtilityOcr,
            voltage_v: chart_v,
            current_scale: u.current_scale,
            lines: u.sample(i_min, i_max, CHART_SAMPLES),
        });
    }
    for (i, p) in ctx.prot.iter().enumerate() {
        let Some(p) = p else { continue };
        let Some(d) = project.devices.get(i) else { continue };
        let role = match p.kind {
            checks::ProtKind::Ocr => CurveRole::Ocr,
            checks::ProtKind::Fuse => CurveRole::Fuse,
            checks::ProtKind::LvBreaker => CurveRole::LvBreaker,
        };
        curves.push(DeviceCurve {
            device_id: d.id().into(),
            name: d.display_name().into(),
            role,
            voltage_v: own_v(i),
            current_scale: p.tcc.current_scale,
            lines: p.tcc.sample(i_min, i_max, CHART_SAMPLES),
        });
    }
    for (i, d) in project.devices.iter().enumerate() {
        match d {
            Device::Transformer(t) => {
                let Some(up) = ctx.topo.upstream_bus(project, i) else { continue };
                let factor = ctx.referral(up);
                let rated = if project.devices.get(up).map(|b| b.id()) == Some(t.from.as_str()) {
                    t.primary_rated_current_a()
                } else {
                    t.secondary_rated_current_a()
                };
                let (mult, dur) = t.inrush.map(|s| (s.multiple, s.duration_s)).unwrap_or((settings.inrush_multiple, settings.inrush_duration_s));
                let inrush = Tcc::new(Characteristic::Inrush(ChartPoints { points: vec![pt(mult * rated, dur)] })).referred(factor);
                let withstand_pts = if t.withstand_points.is_empty() {
                    vec![pt(settings.transformer_withstand_multiple * rated, settings.transformer_withstand_duration_s)]
                } else {
                    t.withstand_points.iter().map(|p| pt(p.current_a, p.time_s)).collect()
                };
                let withstand = Tcc::new(Characteristic::Withstand(ChartPoints { points: withstand_pts })).referred(factor);
                let v = ctx.bus_voltage(up);
                curves.push(DeviceCurve {
                    device_id: t.id.clone(),
                    name: d.display_name().into(),
                    role: CurveRole::TransformerInrush,
                    voltage_v: v,
                    current_scale: inrush.current_scale,
                    lines: inrush.sample(i_min, i_max, CHART_SAMPLES),
                });
                curves.push(DeviceCurve {
                    device_id: t.id.clone(),
                    name: d.display_name().into(),
                    role: CurveRole::TransformerWithstand,
                    voltage_v: v,
                    current_scale: withstand.current_scale,
                    lines: withstand.sample(i_min, i_max, CHART_SAMPLES),
                });
            }
            Device::Cable(c) => {
                let Some(up) = ctx.topo.upstream_bus(project, i) else { continue };
                let k = c
                    .withstand_k
                    .or_else(|| crate::library::resolve::Resolver::of(project).cable(c).map(|it| it.withstand_k))
                    .unwrap_or(settings.default_cable_k);
                let size = c.size_mm2 * f64::from(c.parallel.max(1));
                let tcc = Tcc::new(Characteristic::CableWithstand(crate::curves::CableWithstand { k, size_mm2: size })).referred(ctx.referral(up));
                curves.push(DeviceCurve {
                    device_id: c.id.clone(),
                    name: d.display_name().into(),
                    role: CurveRole::CableWithstand,
                    voltage_v: ctx.bus_voltage(up),
                    current_scale: tcc.current_scale,
                    lines: tcc.sample(i_min, i_max, CHART_SAMPLES),
                });
            }
            Device::GroundSwitch(g) => {
                if let Some(gr) = &g.ground_relay {
                    curves.push(ground_curve(&g.id, d.display_name(), CurveRole::GroundRelay, gr, settings, chart_v));
                }
            }
            Device::Vcb(v) => {
                if let Some(gr) = &v.ground_relay {
                    curves.push(ground_curve(&v.id, d.display_name(), CurveRole::GroundRelay, gr, settings, chart_v));
                }
            }
            _ => {}
        }
    }
    if let Some(gr) = &project.utility.ground_relay {
        curves.push(ground_curve(checks::UTILITY_ID, "電力会社 地絡 / utility ground", CurveRole::UtilityGroundRelay, gr, settings, chart_v));
    }
    Chart { voltage_v: chart_v, current_min_a: i_min, current_max_a: i_max, time_min_s: 0.01, time_max_s: 1000.0, curves, fault_markers: markers }
}

fn ground_curve(id: &str, name: &str, role: CurveRole, g: &crate::model::GroundRelaySettings, settings: &CheckSettings, voltage_v: f64) -> DeviceCurve {
    let tcc = Tcc::new(Characteristic::GroundRelay(devices::ground_relay(g, settings)));
    let lo = (g.current_a * 0.1).max(1e-3);
    DeviceCurve {
        device_id: id.into(),
        name: name.into(),
        role,
        voltage_v,
        current_scale: 1.0,
        lines: tcc.sample(lo, lo * 1000.0, GROUND_CHART_SAMPLES),
    }
}

fn opt(v: Option<f64>, digits: usize) -> String {
    match v {
        Some(x) if x.is_finite() => format!("{x:.digits$}"),
        _ => "-".into(),
    }
}

/// A plain-text report: the short-circuit table per bus and the check results, for the
/// terminal. English with the Japanese message under each check.
pub fn report_text(a: &Analysis) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "Kyocho analysis — {}", a.project_name);
    let _ = writeln!(s);
    let _ = writeln!(s, "Short-circuit currents (%Z method on {} kVA base; IEC 60909-0 max/min)", a.short_circuit.base_kva);
    let _ = writeln!(
        s,
        "{:<12} {:>7} {:>17} {:>9} {:>9} {:>6} {:>6} {:>9} {:>10} {:>10} {:>10} {:>10}",
        "bus", "V", "Σ%Z (10 MVA)", "Ik3 kA", "Ik2 kA", "X/R", "κ", "ip kA", "IEC max", "IEC min", "ith kA", "@chart A"
    );
    for b in &a.short_circuit.buses {
        let z = &b.percent_z;
        let _ = writeln!(
            s,
            "{:<12} {:>7} {:>17} {:>9} {:>9} {:>6} {:>6} {:>9} {:>10} {:>10} {:>10} {:>10}",
            b.bus_id,
            b.voltage_v,
            format!("{:.3}+j{:.3}", z.r_percent, z.x_percent),
            opt(Some(z.ik_ka), 3),
            opt(z.ik2_ka, 3),
            opt(Some(z.x_over_r), 2),
            opt(Some(z.kappa), 3),
            opt(Some(z.ip_ka), 2),
            opt(Some(b.iec_max.ik_ka), 3),
            opt(Some(b.iec_min.ik2_ka.unwrap_or(b.iec_min.ik_ka)), 3),
            opt(Some(z.ith_ka), 3),
            opt(Some(z.ik_at_utility_a), 1),
        );
    }
    for n in &a.short_circuit.notes {
        let _ = writeln!(s, "  note: {} {}", n.device_id.as_deref().unwrap_or(""), n.message_en);
    }
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "Coordination checks: {} pass, {} warning, {} fail — overall {}",
        a.summary.pass,
        a.summary.warning,
        a.summary.fail,
        status_word(a.summary.status)
    );
    for r in &a.checks {
        let margin = match &r.worst_margin {
            Some(m) => match (m.value, m.unit) {
                (Some(v), checks::MarginUnit::Seconds) => format!("margin {v:+.3} s"),
                (Some(v), checks::MarginUnit::Ratio) => format!("ratio {v:.2}"),
                (None, _) => "margin -∞".into(),
            },
            None => String::new(),
        };
        let _ = writeln!(s, "[{:<4}] {:<22} {:<28} {}", status_word(r.status), r.rule, r.devices.join(" > "), margin);
        let _ = writeln!(s, "        {}", r.message_en);
        let _ = writeln!(s, "        {}", r.message_ja);
    }
    if !a.test_sheet.is_empty() {
        let _ = writeln!(s);
        let _ = writeln!(s, "Relay test sheet (time element at 300 % / 700 % of tap)");
        for row in &a.test_sheet {
            let pts: Vec<String> = row
                .points
                .iter()
                .map(|p| format!("{:.0}% {:.2} A: {:.3} s ({:.3}–{:.3})", p.percent_of_tap, p.current_secondary_a, p.nominal_s, p.min_s, p.max_s))
                .collect();
            let _ = writeln!(s, "  {:<12} {} CT {}/{} tap {} lever {}  {}", row.device_id, row.curve, row.ct_primary_a, row.ct_secondary_a, opt(row.tap_a, 1), opt(row.lever, 2), pts.join("; "));
        }
    }
    s
}

fn status_word(s: Status) -> &'static str {
    match s {
        Status::Pass => "PASS",
        Status::Warning => "WARN",
        Status::Fail => "FAIL",
    }
}

/// Parse, validate (library references against the built-in library) and analyse a project
/// given as JSON, with the check settings the project asks for. The errors are validation
/// errors with their JSON pointers.
pub fn parse_and_analyze(json: &str) -> Result<Analysis, Vec<crate::validate::ValidationError>> {
    let project = crate::validate::parse_project_with(json, crate::library::builtin())?;
    Ok(analyze(&project, &CheckSettings::from_project(&project)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::curves::{LineKind, CHART_TOLERANCE_DECADES};

    fn fixtures() -> Vec<(String, String)> {
        let dir = format!("{}/../../tests/fixtures", env!("CARGO_MANIFEST_DIR"));
        let mut out: Vec<(String, String)> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{dir}: {e}"))
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .map(|p| (p.display().to_string(), std::fs::read_to_string(&p).expect("read")))
            .collect();
        out.sort();
        for n in [75, 480] {
            out.push((format!("site_json({n})"), crate::synthetic::site_json(n)));
        }
        out
    }

    /// Distance in decades of (log10 i, log10 t) from the segment a–b.
    fn distance(i: f64, t: f64, a: (f64, f64), b: (f64, f64)) -> f64 {
        let (u, v) = (i.log10(), t.log10());
        let (au, av, bu, bv) = (a.0.log10(), a.1.log10(), b.0.log10(), b.1.log10());
        let (du, dv) = (bu - au, bv - av);
        let len2 = du * du + dv * dv;
        let k = if len2 > 0.0 { (((u - au) * du + (v - av) * dv) / len2).clamp(0.0, 1.0) } else { 0.0 };
        (u - (au + k * du)).hypot(v - (av + k * dv))
    }

    /// Every chart line of every sample project (the serialized points), against its
    /// true curve evaluated at 64 currents between each two consecutive points: the drawn line
    /// is within [`CHART_TOLERANCE_DECADES`] wherever the curve exists.
    #[test]
    fn chart_lines_stay_within_the_tolerance_of_the_true_curves() {
        let mut segments = 0usize;
        let mut worst = (0.0f64, String::new());
        for (name, json) in fixtures() {
            let project = crate::validate::parse_project_with(&json, crate::library::builtin()).unwrap_or_else(|e| panic!("{name}: {e:?}"));
            let settings = CheckSettings::from_project(&project);
            let sc = shortcircuit::study(&project, crate::library::builtin());
            let chart = build_chart(&project, &sc, &settings);
            let ctx = checks::Ctx::new(&project, &sc, &settings);
            // The true curves: the same characteristics the chart samples.
            let mut tccs: Vec<(String, CurveRole, Tcc)> = Vec::new();
            if let Some(u) = &ctx.utility_ocr {
                tccs.push((checks::UTILITY_ID.into(), CurveRole::UtilityOcr, u.clone()));
            }
            for (i, p) in ctx.prot.iter().enumerate() {
                if let Some(p) = p {
                    tccs.push((project.devices[i].id().into(), CurveRole::Ocr, p.tcc.clone()));
                }
            }
            let mut compared_curves = 0;
            for c in &chart.curves {
                let Some((_, _, tcc)) = tccs.iter().find(|(id, role, _)| id == &c.device_id && (c.role == *role || *role == CurveRole::Ocr && matches!(c.role, CurveRole::Ocr | CurveRole::Fuse | CurveRole::LvBreaker))) else {
                    continue;
                };
                compared_curves += 1;
                for l in &c.lines {
                    let pts: Vec<(f64, f64)> = l.points.iter().map(|p| (p.current_a, p.time_s)).collect();
                    assert!(pts.windows(2).all(|w| w[0].0 <= w[1].0), "{name} {}: currents not ascending", c.device_id);
                    for w in pts.windows(2) {
                        let (a, b) = (w[0], w[1]);
                        segments += 1;
                        for k in 1..64 {
                            let i = (a.0.ln() + (b.0.ln() - a.0.ln()) * k as f64 / 64.0).exp();
                            let t = tcc.line_time(l.line, i);
                            if !(t.is_finite() && t > 0.0) {
                                continue;
                            }
                            let d = distance(i, t, a, b);
                            if d > worst.0 {
                                worst = (d, format!("{name} {} {:?} at {i} A", c.device_id, l.line));
                            }
                        }
                    }
                }
            }
            assert!(compared_curves > 0, "{name}: no protective curves compared");
        }
        assert!(worst.0 <= CHART_TOLERANCE_DECADES, "worst distance {} decade ({})", worst.0, worst.1);
        assert!(segments > 1000, "only {segments} segments compared");
    }

    /// The chart samples relay curves densely enough for the drawings (which read points off
    /// the nominal curve of every VCB): more than 20 points inside the chart's axes.
    #[test]
    fn relay_nominal_lines_keep_enough_points_inside_the_chart() {
        for (name, json) in fixtures() {
            let project = crate::validate::parse_project_with(&json, crate::library::builtin()).expect("valid");
            let a = analyze(&project, &CheckSettings::from_project(&project));
            for c in a.chart.curves.iter().filter(|c| c.role == CurveRole::Ocr) {
                let nominal = c.lines.iter().find(|l| l.line == LineKind::Nominal).expect("nominal");
                let inside = nominal
                    .points
                    .iter()
                    .filter(|p| p.current_a > a.chart.current_min_a && p.current_a < a.chart.current_max_a && p.time_s > 0.0101 && p.time_s < 990.0)
                    .count();
                assert!(inside > 20, "{name} {}: {inside} points", c.device_id);
            }
        }
    }
}
