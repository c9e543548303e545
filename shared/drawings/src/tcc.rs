//! The protection coordination chart (保護協調図): log-log axes of current (A, referred to a
//! chosen voltage) and time (0.01–1000 s), every device on one path from the utility to a
//! load drawn from the engine's sampled curves ([`domain::analysis::Chart`]), inrush and
//! withstand points, cable withstand lines, fault-current markers, failing checks
//! highlighted, a numbered legend and the title block.
//!
//! The curves are the engine's own samples, mapped to the sheet and clipped to the plot
//! area: a point inside the plot is exactly an engine point.

use std::collections::BTreeSet;

use domain::analysis::{Analysis, CurveRole, DeviceCurve};
use domain::checks::Status;
use domain::curves::LineKind;
use domain::model::topology::Topology;
use domain::model::{Device, OcrCurve, OcrSettings, Project, TripUnit};

use crate::model::{layer_name, pt, BBox, Dash, Drawing, HAlign, Paper, Pt, Rgb, Shape, Stroke, Tag, Text, VAlign};
use crate::sheet::{self, SheetInfo};
use crate::DrawError;

/// Options of the chart.
#[derive(Debug, Clone, PartialEq)]
pub struct TccOptions {
    /// Voltage the currents are referred to, V (default 6600).
    pub voltage_v: f64,
    /// Device (or bus) id the path runs to; `None` picks the path with the most
    /// protective devices (the deepest on a tie).
    pub path_to: Option<String>,
    pub paper: Paper,
    pub sheet: SheetInfo,
}

impl Default for TccOptions {
    fn default() -> Self {
        TccOptions { voltage_v: 6600.0, path_to: None, paper: Paper::A3, sheet: SheetInfo::default() }
    }
}

/// Time axis limits, s.
pub const TIME_MIN_S: f64 = 0.01;
pub const TIME_MAX_S: f64 = 1000.0;

/// Layers of the chart.
pub const LAYER_GRID_MINOR: &str = "TCC_GRID_MINOR";
pub const LAYER_GRID: &str = "TCC_GRID";
pub const LAYER_AXIS: &str = "TCC_AXIS";
pub const LAYER_FAULT: &str = "TCC_FAULT_CURRENT";
pub const LAYER_NG: &str = "TCC_NG_HIGHLIGHT";
pub const LAYER_LABEL: &str = "TCC_LABEL";
pub const LAYER_LEGEND: &str = "TCC_LEGEND";
pub const LAYER_CHECKS: &str = "TCC_CHECKS";

/// Prefix of the per-device layers (`DEV_<id>`).
pub const DEVICE_LAYER_PREFIX: &str = "DEV_";

/// The log-log mapping from (A, s) to the sheet, mm.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Axes {
    /// Plot rectangle on the A3 sheet, mm.
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
    /// Current range, A (whole decades).
    pub i_min: f64,
    pub i_max: f64,
    /// Factor from engine chart amperes to the chart's amperes.
    pub scale: f64,
}

impl Axes {
    fn decades_i(&self) -> f64 {
        (self.i_max / self.i_min).log10()
    }
    fn decades_t() -> f64 {
        (TIME_MAX_S / TIME_MIN_S).log10()
    }
    /// Sheet point of a current (chart amperes at the chosen voltage) and a time.
    pub fn map(&self, i: f64, t: f64) -> Pt {
        let fx = (i / self.i_min).log10() / self.decades_i();
        let fy = (t / TIME_MIN_S).log10() / Self::decades_t();
        pt(self.x0 + fx * (self.x1 - self.x0), self.y1 - fy * (self.y1 - self.y0))
    }
    /// Current and time of a sheet point.
    pub fn unmap(&self, p: Pt) -> (f64, f64) {
        let fx = (p.x - self.x0) / (self.x1 - self.x0);
        let fy = (self.y1 - p.y) / (self.y1 - self.y0);
        (self.i_min * 10f64.powf(fx * self.decades_i()), TIME_MIN_S * 10f64.powf(fy * Self::decades_t()))
    }
    fn inside(&self, p: Pt) -> bool {
        p.x >= self.x0 - 1e-9 && p.x <= self.x1 + 1e-9 && p.y >= self.y0 - 1e-9 && p.y <= self.y1 + 1e-9
    }
}

/// The chart and what it shows, for readers and tests.
#[derive(Debug, Clone)]
pub struct TccChart {
    pub drawing: Drawing,
    /// Axes on the A3 layout (before any paper scaling).
    pub axes: Axes,
    /// Devices drawn, in legend order (`utility` first when present).
    pub device_ids: Vec<String>,
    /// The engine curves drawn (already restricted to the path).
    pub curves: Vec<DeviceCurve>,
}

const PALETTE: [Rgb; 10] = [
    Rgb(0, 70, 200),
    Rgb(0, 140, 60),
    Rgb(220, 110, 0),
    Rgb(140, 50, 170),
    Rgb(0, 140, 150),
    Rgb(150, 90, 30),
    Rgb(200, 0, 120),
    Rgb(100, 120, 0),
    Rgb(60, 60, 160),
    Rgb(170, 60, 60),
];
const UTILITY_COLOR: Rgb = Rgb(40, 40, 40);
const FAULT_COLOR: Rgb = Rgb(190, 0, 160);
const NG_HALO: Rgb = Rgb(255, 160, 160);

/// The device indices of the chart's path: series devices from the service point to the
/// target, and the target itself when it is a shunt device.
pub fn chart_path(project: &Project, path_to: Option<&str>) -> Result<Vec<usize>, DrawError> {
    let (topo, _) = Topology::build(project);
    let prot = |i: usize| matches!(project.devices.get(i), Some(Device::Vcb(_) | Device::LbsPf(_) | Device::LvBreaker(_)));
    match path_to {
        Some(id) => {
            let idx = project.devices.iter().position(|d| d.id() == id).ok_or_else(|| DrawError::UnknownDevice(id.to_string()))?;
            let d = &project.devices[idx];
            let path = match d {
                Device::Bus(_) => topo.path_to_bus(project, idx),
                _ if d.series_terminals().is_some() => match topo.downstream_bus(idx) {
                    Some(b) => topo.path_to_bus(project, b),
                    None => return Err(DrawError::NotConnected(id.to_string())),
                },
                _ => {
                    let b = topo.upstream_bus(project, idx).ok_or_else(|| DrawError::NotConnected(id.to_string()))?;
                    let mut p = topo.path_to_bus(project, b);
                    p.push(idx);
                    p
                }
            };
            if topo.depth.get(topo.upstream_bus(project, idx).unwrap_or(usize::MAX)).copied().flatten().is_none() && !matches!(d, Device::Bus(_)) {
                return Err(DrawError::NotConnected(id.to_string()));
            }
            Ok(path)
        }
        None => {
            let mut best: Option<(usize, usize, Vec<usize>)> = None;
            for &b in &topo.bus_order {
                let p = topo.path_to_bus(project, b);
                let np = p.iter().filter(|&&i| prot(i)).count();
                let key = (np, p.len());
                if best.as_ref().is_none_or(|(a, l, _)| key > (*a, *l)) {
                    best = Some((key.0, key.1, p));
                }
            }
            Ok(best.map(|b| b.2).unwrap_or_default())
        }
    }
}

fn curve_name(curve: OcrCurve) -> &'static str {
    match curve {
        OcrCurve::Ei => "超反限時",
        OcrCurve::Vi => "強反限時",
        OcrCurve::Ni => "普通反限時",
        OcrCurve::Dt => "定限時",
        OcrCurve::IecSi => "IEC SI",
        OcrCurve::IecVi => "IEC VI",
        OcrCurve::IecEi => "IEC EI",
        OcrCurve::IecLti => "IEC LTI",
        OcrCurve::IeeeMi => "IEEE MI",
        OcrCurve::IeeeVi => "IEEE VI",
        OcrCurve::IeeeEi => "IEEE EI",
    }
}

/// Compact number: up to 3 significant decimals, no trailing zeros.
pub fn num(v: f64) -> String {
    if !v.is_finite() {
        return "-".into();
    }
    let s = if v.abs() >= 100.0 { format!("{v:.0}") } else if v.abs() >= 10.0 { format!("{v:.1}") } else { format!("{v:.2}") };
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// One-line OCR setting, e.g. `OCR 超反限時 CT150/5 T4A L2 I30A`.
pub fn ocr_text(o: &OcrSettings) -> String {
    let mut s = format!("OCR {} CT{}/{}", curve_name(o.curve), num(o.ct_primary_a), num(o.ct_secondary_a));
    match o.tap_a {
        Some(t) => s.push_str(&format!(" T{}A", num(t))),
        None => s.push_str(" T ロック"),
    }
    if let Some(l) = o.lever {
        s.push_str(&format!(" L{}", num(l)));
    } else if let Some(t) = o.tms {
        s.push_str(&format!(" TMS{}", num(t)));
    }
    match o.instantaneous_tap_a {
        Some(i) => s.push_str(&format!(" I{}A", num(i))),
        None => s.push_str(" I ロック"),
    }
    s
}

/// A one-line summary of a device's rating and setting for legends and labels.
pub fn device_summary(d: &Device) -> String {
    match d {
        Device::Vcb(v) => format!("VCB {}A {}kA / {}", num(v.rated_current_a), num(v.breaking_capacity_ka), ocr_text(&v.ocr)),
        Device::LbsPf(l) => format!("LBS+PF {:?}{}A", l.fuse.fuse_type, num(l.fuse.rating_a)),
        Device::LvBreaker(b) => {
            let kind = match b.kind {
                domain::model::LvBreakerKind::Mccb => "MCCB",
                domain::model::LvBreakerKind::Acb => "ACB",
            };
            let trip = match b.trip {
                TripUnit::ThermalMagnetic { .. } => String::new(),
                TripUnit::Electronic { lt_multiple, .. } => format!(" Ir{}×In", num(lt_multiple)),
            };
            format!("{kind} {}AF {}AT{trip} {}kA", num(b.frame_a), num(b.rated_current_a), num(b.breaking_capacity_ka))
        }
        Device::Transformer(t) => {
            let ph = match t.phases {
                domain::model::Phases::Three => "3φ",
                domain::model::Phases::Single => "1φ",
            };
            format!("{ph} {}kVA {}/{}V", num(t.rated_kva), num(t.primary_v), num(t.secondary_v))
        }
        Device::Cable(c) => {
            let par = if c.parallel > 1 { format!(" ×{}", c.parallel) } else { String::new() };
            format!("{} {}mm²{par} {}m", c.cable_type, num(c.size_mm2), num(c.length_m))
        }
        Device::GroundSwitch(g) => {
            let k = match g.kind {
                domain::model::GroundSwitchKind::Pas => "PAS",
                domain::model::GroundSwitchKind::Ugs => "UGS",
            };
            let gr = g
                .ground_relay
                .as_ref()
                .map(|r| {
                    let kind = match r.kind {
                        domain::model::GroundRelayKind::Gr => "GR",
                        domain::model::GroundRelayKind::Dgr => "DGR",
                    };
                    format!(" {kind} {}A {}s", num(r.current_a), num(r.time_s))
                })
                .unwrap_or_default();
            format!("{k} {}A{gr}{}", num(g.rated_current_a), if g.so_lock { " SO" } else { "" })
        }
        Device::Capacitor(c) => format!("SC {}kvar SR{}%", num(c.rated_kvar), num(c.reactor_percent)),
        Device::Load(l) => format!("{}kVA", num(l.rated_kva)),
        Device::Motor(m) => format!("M {}kW", num(m.rated_kw)),
        Device::Generator(g) => format!("G {}kVA", num(g.rated_kva)),
        Device::Bus(b) => format!("{}V", num(b.voltage_v)),
        Device::Ds(ds) => {
            let st = ds.short_time_ka.map(|k| format!(" {}kA", num(k))).unwrap_or_default();
            format!("DS {}A{st}", num(ds.rated_current_a))
        }
        Device::Vct(v) => format!("VCT {}/{}V {}/{}A {}級", num(v.primary_v), num(v.secondary_v), num(v.ct_primary_a), num(v.ct_secondary_a), v.accuracy_class.label()),
        Device::La(l) => format!("LA {}kV {}kA", num(l.rated_voltage_v / 1000.0), num(l.nominal_discharge_current_ka)),
        Device::Vt(v) => {
            let fuse = v.fuse.map(|f| format!(" PF{}A", num(f.rating_a))).unwrap_or_default();
            format!("VT {}/{}V {}VA {}級{fuse}", num(v.primary_v), num(v.secondary_v), num(v.rated_burden_va), v.accuracy_class.label())
        }
        Device::Meter(m) => m.kind.symbol().to_string(),
        Device::Earthing(e) => {
            let i1 = e.ground_fault_current_a.map(|i| format!(" I₁{}A", num(i))).unwrap_or_default();
            format!("{}接地 {}Ω{i1}", e.class.label_ja(), num(e.resistance_ohm))
        }
    }
}

/// The CT feeding a VCB's OCR with its ratings, e.g. `CT 150/5A 40VA n>10 1.0級`; `None` when
/// the breaker carries no CT ratings (the ratio alone is in the OCR's line).
pub fn ct_text(v: &domain::model::Vcb) -> Option<String> {
    let ct = v.ct.as_ref()?;
    Some(format!(
        "CT {}/{}A {}VA n>{} {}級",
        num(v.ocr.ct_primary_a),
        num(v.ocr.ct_secondary_a),
        num(ct.rated_burden_va),
        num(ct.overcurrent_constant),
        ct.accuracy_class.label()
    ))
}

/// The ZCT and ZPD feeding a ground relay, each when given: `ZCT 200/1.5mA`, `ZPD 6600V`.
pub fn zero_phase_texts(g: &domain::model::GroundRelaySettings) -> Vec<String> {
    let zct = g.zct.map(|z| format!("ZCT {}/{}mA", num(z.rated_primary_ma), num(z.rated_secondary_ma)));
    let zpd = g.zpd.map(|z| format!("ZPD {}V", num(z.rated_voltage_v)));
    zct.into_iter().chain(zpd).collect()
}

/// Japanese name of a check rule.
pub fn rule_name_ja(rule: &str) -> &'static str {
    match rule {
        "main_vs_utility" => "主遮断装置と電力会社OCRの協調",
        "transformer_inrush" => "変圧器励磁突入電流",
        "main_inrush" => "主遮断装置と突入電流(合計)",
        "transformer_protection" => "変圧器の保護",
        "pf_vs_upstream_ocr" => "PFと上位OCRの協調",
        "pf_vs_lv_main" => "PFと低圧主幹の協調",
        "ocr_vs_lv_main" => "OCRと低圧主幹の協調",
        "pf_series" => "PF直列の協調",
        "hv_series" => "高圧直列の協調",
        "lv_series" => "低圧遮断器直列の協調",
        "cable_withstand" => "ケーブル短時間耐量",
        "breaking_capacity" => "遮断容量",
        "ground_vs_utility" => "地絡保護の協調",
        "dgr_required" => "DGRの要否",
        "capacitor_inrush" => "コンデンサ突入電流",
        "capacitor_bank_inrush" => "コンデンサ群の突入電流(合計)",
        "capacitor_reactor" => "直列リアクトル",
        "device_curve" => "動作特性",
        "main_device" => "主遮断装置",
        "load_ahead_of_main" => "主遮断装置より電源側の負荷",
        "pf_main_capacity" => "PF・S形の設備容量",
        "pf_rating" => "PF定格電流",
        "pf_selection" => "PF選定",
        "lbs_rating" => "LBS定格電流",
        "vcb_rating" => "VCB定格電流",
        "ocr_pickup" => "OCR限時要素の整定",
        "lv_breaker_rating" => "低圧遮断器の定格電流",
        "lv_breaker_frame" => "低圧遮断器のフレームと定格",
        "cable_ampacity" => "ケーブル許容電流",
        "motor_start" => "電動機始動電流",
        "motor_start_instantaneous" => "電動機始動と瞬時要素",
        "so_lock_required" => "SOロックの要否",
        "so_lock_current" => "SOロック電流と開閉能力",
        "so_lock_vs_utility" => "SOロック電流と電力会社OCR",
        "short_time_withstand" => "短時間耐電流",
        "making_current" => "投入電流",
        "service_ground_relay" => "責任分界点の地絡継電器",
        "ground_relay_coverage" => "地絡保護範囲",
        "dgr_voltage" => "DGR零相電圧整定",
        "ground_series" => "地絡継電器直列の協調",
        "study_settings" => "検討条件",
        "transformer_loading" => "変圧器の負荷率",
        "power_factor_correction" => "力率改善",
        "voltage_drop" => "電圧降下",
        "ct_overcurrent_constant" => "CTの過電流定数",
        "ct_overcurrent_strength" => "CTの過電流強度",
        "ct_burden" => "CTの負担",
        "vt_burden" => "VTの負担",
        "vt_fuse" => "VT一次側の限流ヒューズ",
        "vct_rating" => "VCTの確度階級と定格",
        "la_rating" => "避雷器の定格と接地",
        "earthing_resistance" => "接地抵抗",
        "ds_interlock" => "断路器の負荷電流開路防止",
        _ => "協調チェック",
    }
}

fn status_ja(s: Status) -> &'static str {
    match s {
        Status::Pass => "合格",
        Status::Warning => "注意",
        Status::Fail => "不合格",
    }
}

fn line_key(k: LineKind) -> &'static str {
    match k {
        LineKind::Nominal => "nominal",
        LineKind::Min => "min",
        LineKind::Max => "max",
        LineKind::Allowable => "allowable",
        LineKind::Melting => "melting",
        LineKind::Clearing => "clearing",
        LineKind::Withstand => "withstand",
        LineKind::Inrush => "inrush",
    }
}

/// Clip a polyline to the rectangle, returning the visible pieces (Liang–Barsky per segment).
fn clip_polyline(points: &[Pt], ax: &Axes) -> Vec<Vec<Pt>> {
    let mut out: Vec<Vec<Pt>> = Vec::new();
    let mut cur: Vec<Pt> = Vec::new();
    let same = |a: Pt, b: Pt| (a.x - b.x).abs() < 1e-9 && (a.y - b.y).abs() < 1e-9;
    for w in points.windows(2) {
        let (a, b) = (w[0], w[1]);
        match clip_segment(a, b, ax) {
            Some((p, q)) => {
                if cur.last().is_none_or(|l| !same(*l, p)) {
                    if cur.len() >= 2 {
                        out.push(std::mem::take(&mut cur));
                    }
                    cur.clear();
                    cur.push(p);
                }
                cur.push(q);
            }
            None => {
                if cur.len() >= 2 {
                    out.push(std::mem::take(&mut cur));
                }
                cur.clear();
            }
        }
    }
    if cur.len() >= 2 {
        out.push(cur);
    }
    out
}

fn clip_segment(a: Pt, b: Pt, ax: &Axes) -> Option<(Pt, Pt)> {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let mut t0: f64 = 0.0;
    let mut t1: f64 = 1.0;
    for (p, q) in [(-dx, a.x - ax.x0), (dx, ax.x1 - a.x), (-dy, a.y - ax.y0), (dy, ax.y1 - a.y)] {
        if p == 0.0 {
            if q < 0.0 {
                return None;
            }
        } else {
            let r = q / p;
            if p < 0.0 {
                t0 = t0.max(r);
            } else {
                t1 = t1.min(r);
            }
            if t0 > t1 {
                return None;
            }
        }
    }
    let at = |t: f64| if t == 0.0 { a } else if t == 1.0 { b } else { pt(a.x + t * dx, a.y + t * dy) };
    Some((at(t0), at(t1)))
}

/// Clip a polygon to the rectangle (Sutherland–Hodgman).
fn clip_polygon(poly: &[Pt], ax: &Axes) -> Vec<Pt> {
    let mut out: Vec<Pt> = poly.to_vec();
    type Inside = fn(Pt, &Axes) -> bool;
    type Cut = fn(Pt, Pt, &Axes) -> Pt;
    let edges: [(Inside, Cut); 4] = [
        (|p, a| p.x >= a.x0, |p, q, a| lerp_x(p, q, a.x0)),
        (|p, a| p.x <= a.x1, |p, q, a| lerp_x(p, q, a.x1)),
        (|p, a| p.y >= a.y0, |p, q, a| lerp_y(p, q, a.y0)),
        (|p, a| p.y <= a.y1, |p, q, a| lerp_y(p, q, a.y1)),
    ];
    for (inside, cut) in edges {
        if out.is_empty() {
            break;
        }
        let input = std::mem::take(&mut out);
        let mut prev = input[input.len() - 1];
        for &p in &input {
            match (inside(p, ax), inside(prev, ax)) {
                (true, true) => out.push(p),
                (true, false) => {
                    out.push(cut(prev, p, ax));
                    out.push(p);
                }
                (false, true) => out.push(cut(prev, p, ax)),
                (false, false) => {}
            }
            prev = p;
        }
    }
    out
}

fn lerp_x(p: Pt, q: Pt, x: f64) -> Pt {
    let t = if (q.x - p.x).abs() < 1e-12 { 0.0 } else { (x - p.x) / (q.x - p.x) };
    pt(x, p.y + t * (q.y - p.y))
}

fn lerp_y(p: Pt, q: Pt, y: f64) -> Pt {
    let t = if (q.y - p.y).abs() < 1e-12 { 0.0 } else { (y - p.y) / (q.y - p.y) };
    pt(p.x + t * (q.x - p.x), y)
}

/// Sheet points of a sampled line; points with non-finite or non-positive values are left
/// out.
fn mapped(points: &[domain::curves::CurvePoint], ax: &Axes) -> Vec<Pt> {
    points
        .iter()
        .filter(|p| p.current_a.is_finite() && p.time_s.is_finite() && p.current_a > 0.0 && p.time_s > 0.0)
        .map(|p| ax.map(p.current_a * ax.scale, p.time_s))
        .collect()
}

fn decade_label(v: f64) -> String {
    if v >= 1.0 {
        format!("{}", v.round() as i64)
    } else {
        let s = format!("{v:.3}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// Build the chart of one path.
pub fn build(project: &Project, analysis: &Analysis, opts: &TccOptions) -> Result<TccChart, DrawError> {
    let voltage = if opts.voltage_v.is_finite() && opts.voltage_v > 0.0 { opts.voltage_v } else { 6600.0 };
    let chart = &analysis.chart;
    let scale = if chart.voltage_v.is_finite() && chart.voltage_v > 0.0 { chart.voltage_v / voltage } else { 1.0 };
    let path = chart_path(project, opts.path_to.as_deref())?;
    let (topo, _) = Topology::build(project);

    let path_ids: Vec<String> = path.iter().filter_map(|&i| project.devices.get(i)).map(|d| d.id().to_string()).collect();
    let mut path_buses: Vec<String> = vec![project.utility.bus.clone()];
    for &i in &path {
        if let Some(b) = topo.downstream_bus(i).and_then(|b| project.devices.get(b)) {
            path_buses.push(b.id().to_string());
        }
    }

    // Curves on the path, utility first, then in path order.
    let mut curves: Vec<DeviceCurve> = Vec::new();
    for c in &chart.curves {
        if c.role == CurveRole::UtilityOcr {
            curves.push(c.clone());
        }
    }
    for id in &path_ids {
        for c in &chart.curves {
            if &c.device_id == id && !matches!(c.role, CurveRole::GroundRelay | CurveRole::UtilityGroundRelay | CurveRole::UtilityOcr) {
                curves.push(c.clone());
            }
        }
    }
    let mut device_ids: Vec<String> = Vec::new();
    for c in &curves {
        if !device_ids.contains(&c.device_id) {
            device_ids.push(c.device_id.clone());
        }
    }

    // Current range: whole decades around the engine's range, 2 to 7 decades.
    let lo = (chart.current_min_a * scale).max(1e-6);
    let hi = (chart.current_max_a * scale).max(lo * 10.0);
    let mut d_lo = lo.log10().floor();
    let mut d_hi = hi.log10().ceil();
    if !(d_lo.is_finite() && d_hi.is_finite()) {
        d_lo = 0.0;
        d_hi = 5.0;
    }
    if d_hi - d_lo < 2.0 {
        d_hi = d_lo + 2.0;
    }
    if d_hi - d_lo > 7.0 {
        d_lo = d_hi - 7.0;
    }
    let n_dec = d_hi - d_lo;
    let (px0, py0, py1): (f64, f64, f64) = (34.0, 24.0, 264.0);
    let dec_h = (py1 - py0) / 5.0;
    let dec_w = dec_h.min((280.0 - px0) / n_dec);
    let ax = Axes { x0: px0, y0: py0, x1: px0 + dec_w * n_dec, y1: py1, i_min: 10f64.powf(d_lo), i_max: 10f64.powf(d_hi), scale };

    let title = "保護協調図";
    let mut d = Drawing::new(Paper::A3, format!("{title} — {}", project.name));
    // Paint order: grid, fills, highlights, curves, markers, labels.
    d.layer(LAYER_GRID_MINOR, Rgb::MINOR);
    d.layer(LAYER_GRID, Rgb::GRID);
    d.layer(LAYER_FAULT, FAULT_COLOR);
    d.layer(LAYER_NG, NG_HALO);

    // Grid.
    let minor = Stroke::new(Rgb::MINOR, 0.1);
    let major = Stroke::new(Rgb::GRID, 0.25);
    let mut e = d_lo as i32;
    while e < d_hi as i32 {
        for m in 2..10 {
            let x = ax.map(10f64.powi(e) * f64::from(m), 1.0).x;
            d.line(LAYER_GRID_MINOR, minor, pt(x, ax.y0), pt(x, ax.y1));
        }
        e += 1;
    }
    for e in -2..3 {
        for m in 2..10 {
            let y = ax.map(ax.i_min, 10f64.powi(e) * f64::from(m)).y;
            d.line(LAYER_GRID_MINOR, minor, pt(ax.x0, y), pt(ax.x1, y));
        }
    }
    for e in (d_lo as i32)..=(d_hi as i32) {
        let v = 10f64.powi(e);
        let x = ax.map(v, 1.0).x;
        d.line(LAYER_GRID, major, pt(x, ax.y0), pt(x, ax.y1));
        d.text(LAYER_AXIS, Text::new(pt(x, ax.y1 + 1.5), decade_label(v), 2.8).align(HAlign::Center, VAlign::Top));
        if e < d_hi as i32 {
            for m in [2.0, 5.0] {
                let xm = ax.map(v * m, 1.0).x;
                d.text(LAYER_AXIS, Text::new(pt(xm, ax.y1 + 1.5), decade_label(v * m), 2.0).align(HAlign::Center, VAlign::Top).color(Rgb(90, 90, 90)));
            }
        }
    }
    for e in -2..=3 {
        let v = 10f64.powi(e);
        let y = ax.map(ax.i_min, v).y;
        d.line(LAYER_GRID, major, pt(ax.x0, y), pt(ax.x1, y));
        d.text(LAYER_AXIS, Text::new(pt(ax.x0 - 1.5, y), decade_label(v), 2.8).align(HAlign::Right, VAlign::Middle));
        if e < 3 {
            for m in [2.0, 5.0] {
                let ym = ax.map(ax.i_min, v * m).y;
                d.text(LAYER_AXIS, Text::new(pt(ax.x0 - 1.5, ym), decade_label(v * m), 2.0).align(HAlign::Right, VAlign::Middle).color(Rgb(90, 90, 90)));
            }
        }
    }
    d.rect(LAYER_AXIS, Stroke::new(Rgb::BLACK, 0.4), ax.x0, ax.y0, ax.x1, ax.y1);
    let vtxt = if (voltage - 6600.0).abs() < 0.5 { "6.6 kV".to_string() } else if voltage >= 1000.0 { format!("{} kV", num(voltage / 1000.0)) } else { format!("{} V", num(voltage)) };
    d.text(LAYER_AXIS, Text::new(pt((ax.x0 + ax.x1) / 2.0, ax.y1 + 8.0), format!("電流 [A]（{vtxt} 換算）"), 3.2).align(HAlign::Center, VAlign::Top));
    d.text(LAYER_AXIS, Text::new(pt(14.5, (ax.y0 + ax.y1) / 2.0), "動作時間 [s]", 3.2).align(HAlign::Center, VAlign::Middle).rotate(90.0));
    d.text(LAYER_AXIS, Text::new(pt(ax.x0, 17.5), format!("{title}　{}", project.name), 4.5).align(HAlign::Left, VAlign::Baseline));
    let route: Vec<String> = std::iter::once("電力会社".to_string())
        .chain(path.iter().filter_map(|&i| project.devices.get(i)).map(|d| d.id().to_string()))
        .collect();
    let route_txt = sheet::clip_text(&format!("経路: {}", route.join(" → ")), 2.5, 395.0 - ax.x0 - 150.0);
    d.text(LAYER_AXIS, Text::new(pt(ax.x1, 17.5), route_txt, 2.5).align(HAlign::Right, VAlign::Baseline));

    // Failing checks on this chart.
    let on_chart: BTreeSet<&str> = device_ids.iter().map(|s| s.as_str()).chain(path_ids.iter().map(|s| s.as_str())).collect();
    let relevant: Vec<&domain::checks::CheckResult> = analysis.checks.iter().filter(|c| c.devices.iter().any(|x| on_chart.contains(x.as_str()))).collect();
    let failing: BTreeSet<&str> = relevant.iter().filter(|c| c.status == Status::Fail).flat_map(|c| c.devices.iter().map(|s| s.as_str())).collect();

    // Fault-current markers of the path's buses, merged when within 3 %.
    let mut markers: Vec<(f64, Vec<String>)> = Vec::new();
    for m in &chart.fault_markers {
        if !path_buses.contains(&m.bus_id) {
            continue;
        }
        let i = m.current_a * scale;
        if !(i.is_finite() && i > 0.0) {
            continue;
        }
        let own = if (m.voltage_v - voltage).abs() < 0.5 { String::new() } else { format!(" ({} kA @{}V)", num(i * voltage / m.voltage_v / 1000.0), num(m.voltage_v)) };
        let label = format!("{}{own}", m.bus_id);
        // Markers closer than 3 mm on the sheet share one line.
        let x = ax.map(i, 1.0).x;
        match markers.iter_mut().find(|(c, _)| (ax.map(*c, 1.0).x - x).abs() < 3.0) {
            Some((_, names)) => names.push(label),
            None => markers.push((i, vec![label])),
        }
    }
    let fault_stroke = Stroke::new(FAULT_COLOR, 0.3).dashed(Dash::DashDot);
    for (i, names) in &markers {
        let p = ax.map(*i, 1.0);
        if p.x < ax.x0 || p.x > ax.x1 {
            continue;
        }
        d.line(LAYER_FAULT, fault_stroke, pt(p.x, ax.y0), pt(p.x, ax.y1));
        let txt = sheet::clip_text(&format!("短絡電流 {} A: {}", num(*i), names.join(", ")), 2.2, ax.y1 - ax.y0 - 4.0);
        d.text(LAYER_FAULT, Text::new(pt(p.x - 0.8, ax.y0 + 2.0), txt, 2.2).align(HAlign::Right, VAlign::Bottom).rotate(90.0).color(FAULT_COLOR));
    }

    // Curves.
    let mut colors: Vec<(String, Rgb)> = Vec::new();
    let mut next = 0usize;
    for id in &device_ids {
        let c = if id == domain::checks::UTILITY_ID {
            UTILITY_COLOR
        } else {
            let c = PALETTE[next % PALETTE.len()];
            next += 1;
            c
        };
        colors.push((id.clone(), c));
    }
    let color_of = |id: &str| colors.iter().find(|(i, _)| i == id).map(|(_, c)| *c).unwrap_or(Rgb::BLACK);
    let mut label_spots: Vec<(String, Vec<Pt>)> = Vec::new();
    for c in &curves {
        let layer = layer_name(DEVICE_LAYER_PREFIX, &c.device_id);
        let col = color_of(&c.device_id);
        d.layer(&layer, col);
        let tag = |line: LineKind| Tag { device_id: Some(c.device_id.clone()), line: Some(line_key(line).to_string()) };
        let get = |k: LineKind| c.lines.iter().find(|l| l.line == k);
        let ng = failing.contains(c.device_id.as_str());
        // Band fill.
        let band = match c.role {
            CurveRole::Ocr | CurveRole::UtilityOcr | CurveRole::LvBreaker => get(LineKind::Min).zip(get(LineKind::Max)),
            CurveRole::Fuse => get(LineKind::Melting).zip(get(LineKind::Clearing)),
            _ => None,
        };
        if let Some((a, b)) = band {
            let mut poly = mapped(&a.points, &ax);
            let mut rev = mapped(&b.points, &ax);
            rev.reverse();
            poly.extend(rev);
            // Keep the fill finite: pull far-off points to a little outside the plot.
            for p in poly.iter_mut() {
                p.x = p.x.clamp(ax.x0 - 50.0, ax.x1 + 50.0);
                p.y = p.y.clamp(ax.y0 - 50.0, ax.y1 + 50.0);
            }
            let clipped = clip_polygon(&poly, &ax);
            if clipped.len() >= 3 {
                d.push_tagged(&layer, Stroke::new(col, 0.0), Shape::Polygon { points: clipped, fill: Some(col), opacity: 0.10 }, Tag { device_id: Some(c.device_id.clone()), line: Some("band".into()) });
            }
        }
        for l in &c.lines {
            let pts = mapped(&l.points, &ax);
            let stroke = match (c.role, l.line) {
                (CurveRole::Ocr | CurveRole::UtilityOcr, LineKind::Nominal) => Stroke::new(col, 0.45),
                (CurveRole::Ocr | CurveRole::UtilityOcr, _) => Stroke::new(col, 0.18).dashed(Dash::Dashed),
                (CurveRole::Fuse, LineKind::Allowable) => Stroke::new(col, 0.25).dashed(Dash::Dotted),
                (CurveRole::Fuse, _) => Stroke::new(col, 0.4),
                (CurveRole::LvBreaker, _) => Stroke::new(col, 0.4),
                (CurveRole::CableWithstand, _) => Stroke::new(col, 0.4).dashed(Dash::DashDot),
                _ => Stroke::new(col, 0.35),
            };
            match l.line {
                LineKind::Inrush | LineKind::Withstand if matches!(c.role, CurveRole::TransformerInrush | CurveRole::TransformerWithstand) => {
                    let inside: Vec<Pt> = pts.iter().copied().filter(|p| ax.inside(*p)).collect();
                    if pts.len() >= 2 {
                        for piece in clip_polyline(&pts, &ax) {
                            d.push_tagged(&layer, Stroke::new(col, 0.3).dashed(Dash::Dashed), Shape::Polyline(piece), tag(l.line));
                        }
                    }
                    for p in &inside {
                        if l.line == LineKind::Inrush {
                            let tri = vec![pt(p.x, p.y - 1.6), pt(p.x - 1.4, p.y + 0.9), pt(p.x + 1.4, p.y + 0.9)];
                            d.push_tagged(&layer, Stroke::new(col, 0.3), Shape::Polygon { points: tri, fill: Some(col), opacity: 1.0 }, tag(l.line));
                        } else {
                            let dia = vec![pt(p.x, p.y - 1.6), pt(p.x - 1.6, p.y), pt(p.x, p.y + 1.6), pt(p.x + 1.6, p.y)];
                            d.push_tagged(&layer, Stroke::new(col, 0.35), Shape::Polygon { points: dia, fill: None, opacity: 1.0 }, tag(l.line));
                        }
                        d.push_tagged(&layer, Stroke::new(col, 0.0), Shape::Circle { center: *p, radius_mm: 0.25, fill: Some(col) }, tag(l.line));
                        let word = if l.line == LineKind::Inrush { "突入" } else { "耐量" };
                        let t = Text::new(pt(p.x + 2.0, p.y + 0.6), format!("{} {word}", c.device_id), 2.0).align(HAlign::Left, VAlign::Middle).color(col);
                        d.text(LAYER_LABEL, t);
                    }
                }
                _ => {
                    for piece in clip_polyline(&pts, &ax) {
                        if ng && matches!(l.line, LineKind::Nominal | LineKind::Max | LineKind::Clearing | LineKind::Withstand | LineKind::Melting) {
                            d.push_tagged(LAYER_NG, Stroke::new(NG_HALO, 1.6), Shape::Polyline(piece.clone()), tag(l.line));
                        }
                        d.push_tagged(&layer, stroke, Shape::Polyline(piece), tag(l.line));
                    }
                }
            }
        }
        // Where to put the device's number: on its main line.
        let main = match c.role {
            CurveRole::Ocr | CurveRole::UtilityOcr => get(LineKind::Nominal),
            CurveRole::Fuse => get(LineKind::Melting),
            CurveRole::LvBreaker => get(LineKind::Max),
            CurveRole::CableWithstand => get(LineKind::Withstand),
            _ => None,
        };
        if let Some(m) = main {
            let pts: Vec<Pt> = mapped(&m.points, &ax).into_iter().filter(|p| ax.inside(*p)).collect();
            if !pts.is_empty() {
                label_spots.push((c.device_id.clone(), pts));
            }
        }
    }

    // Numbered markers on the curves: try candidate points from the middle outwards and keep
    // the first that clears every marker placed so far.
    let mut placed: Vec<BBox> = Vec::new();
    for (n, id) in device_ids.iter().enumerate() {
        let cands: Vec<Pt> = label_spots.iter().filter(|(k, _)| k == id).flat_map(|(_, p)| p.iter().copied()).collect();
        if cands.is_empty() {
            continue;
        }
        let mid = cands.len() / 2;
        let mut order: Vec<usize> = Vec::new();
        for k in 0..cands.len() {
            let a = mid + k;
            if a < cands.len() {
                order.push(a);
            }
            if k > 0 && k <= mid {
                order.push(mid - k);
            }
        }
        let col = color_of(id);
        let r = 2.1;
        let mut spot = None;
        for &k in &order {
            let c = pt(cands[k].x + 3.2, cands[k].y - 3.2);
            let bb = BBox { x0: c.x - r, y0: c.y - r, x1: c.x + r, y1: c.y + r };
            if bb.x0 < ax.x0 || bb.x1 > ax.x1 || bb.y0 < ax.y0 || bb.y1 > ax.y1 {
                continue;
            }
            if placed.iter().all(|p| !p.overlaps(&bb)) {
                spot = Some((cands[k], c, bb));
                break;
            }
        }
        if let Some((on, c, bb)) = spot {
            placed.push(bb);
            d.line(LAYER_LABEL, Stroke::new(col, 0.2), on, pt(c.x - r * 0.7, c.y + r * 0.7));
            d.push(LAYER_LABEL, Stroke::new(col, 0.3), Shape::Circle { center: c, radius_mm: r, fill: Some(Rgb::WHITE) });
            d.text(LAYER_LABEL, Text::new(c, format!("{}", n + 1), 2.6).align(HAlign::Center, VAlign::Middle).color(col));
        }
    }

    // Legend.
    let lx = 290.0;
    let lw = 410.0 - lx;
    let mut y = 24.0;
    d.text(LAYER_LEGEND, Text::new(pt(lx, y), "凡例", 3.5).align(HAlign::Left, VAlign::Top));
    y += 6.0;
    for (n, id) in device_ids.iter().enumerate() {
        if y > 150.0 {
            d.text(LAYER_LEGEND, Text::new(pt(lx, y), "…", 2.5).align(HAlign::Left, VAlign::Top));
            y += 4.0;
            break;
        }
        let col = color_of(id);
        let c = pt(lx + 2.2, y + 2.0);
        d.push(LAYER_LEGEND, Stroke::new(col, 0.3), Shape::Circle { center: c, radius_mm: 2.0, fill: Some(Rgb::WHITE) });
        d.text(LAYER_LEGEND, Text::new(c, format!("{}", n + 1), 2.4).align(HAlign::Center, VAlign::Middle).color(col));
        let roles: Vec<CurveRole> = curves.iter().filter(|c| &c.device_id == id).map(|c| c.role).collect();
        let sample = pt(lx + 6.0, y + 2.0);
        let st = if roles.contains(&CurveRole::CableWithstand) { Stroke::new(col, 0.4).dashed(Dash::DashDot) } else { Stroke::new(col, 0.45) };
        d.line(LAYER_LEGEND, st, sample, pt(sample.x + 7.0, sample.y));
        let (name, detail) = if id == domain::checks::UTILITY_ID {
            ("電力会社 配電用変電所".to_string(), project.utility.ocr.as_ref().map(ocr_text).unwrap_or_default())
        } else {
            match project.device(id) {
                Some(dev) => (format!("{} {}", dev.id(), dev.display_name()), device_summary(dev)),
                None => (id.clone(), String::new()),
            }
        };
        let ng = failing.contains(id.as_str());
        let name_txt = sheet::clip_text(&name, 2.5, lw - 16.0 - if ng { 10.0 } else { 0.0 });
        d.text(LAYER_LEGEND, Text::new(pt(lx + 15.0, y + 2.0), name_txt.clone(), 2.5).align(HAlign::Left, VAlign::Middle).color(col));
        if ng {
            let w = crate::font::text_width_mm(&name_txt, 2.5);
            d.text(LAYER_LEGEND, Text::new(pt(lx + 16.0 + w, y + 2.0), "不合格", 2.3).align(HAlign::Left, VAlign::Middle).color(Rgb::RED));
        }
        y += 4.6;
        for line in crate::model::wrap(&detail, 2.1, lw - 15.0).into_iter().take(2) {
            if line.is_empty() {
                continue;
            }
            d.text(LAYER_LEGEND, Text::new(pt(lx + 15.0, y), line, 2.1).align(HAlign::Left, VAlign::Top));
            y += 2.9;
        }
        y += 1.6;
    }
    // Symbol key.
    y += 1.0;
    let key: [(&str, Stroke); 5] = [
        ("実線: 公称動作特性／溶断・遮断特性", Stroke::new(Rgb::BLACK, 0.45)),
        ("破線: 許容差（最小・最大動作）", Stroke::new(Rgb::BLACK, 0.18).dashed(Dash::Dashed)),
        ("点線: PF 許容特性", Stroke::new(Rgb::BLACK, 0.25).dashed(Dash::Dotted)),
        ("一点鎖線: ケーブル短時間耐量", Stroke::new(Rgb::BLACK, 0.4).dashed(Dash::DashDot)),
        ("縦一点鎖線: 母線の最大短絡電流", Stroke::new(FAULT_COLOR, 0.3).dashed(Dash::DashDot)),
    ];
    for (label, st) in key {
        d.line(LAYER_LEGEND, st, pt(lx, y + 1.2), pt(lx + 9.0, y + 1.2));
        d.text(LAYER_LEGEND, Text::new(pt(lx + 11.0, y + 1.2), label, 2.1).align(HAlign::Left, VAlign::Middle));
        y += 3.6;
    }
    d.text(LAYER_LEGEND, Text::new(pt(lx, y + 1.0), "▲ 変圧器励磁突入電流　◇ 変圧器短時間耐量", 2.1).align(HAlign::Left, VAlign::Middle));
    y += 5.0;

    // Check results concerning the chart.
    d.text(LAYER_CHECKS, Text::new(pt(lx, y), "協調チェック結果", 3.0).align(HAlign::Left, VAlign::Top));
    y += 5.0;
    let mut sorted = relevant.clone();
    sorted.sort_by_key(|c| std::cmp::Reverse(c.status));
    for (shown, c) in sorted.iter().enumerate() {
        if y > sheet::TITLE_BLOCK.1 - 5.5 {
            let rest = sorted.len() - shown;
            d.text(LAYER_CHECKS, Text::new(pt(lx, y), format!("ほか {rest} 件"), 2.1).align(HAlign::Left, VAlign::Top));
            break;
        }
        let col = match c.status {
            Status::Fail => Rgb::RED,
            Status::Warning => Rgb(200, 120, 0),
            Status::Pass => Rgb(0, 120, 40),
        };
        let txt = format!("{} {}: {}", status_ja(c.status), rule_name_ja(c.rule), c.devices.join("・"));
        d.text(LAYER_CHECKS, Text::new(pt(lx, y), sheet::clip_text(&txt, 2.1, lw), 2.1).align(HAlign::Left, VAlign::Top).color(col));
        y += 3.0;
    }

    sheet::frame(&mut d, title, &opts.sheet);
    let drawing = sheet::to_paper(d, opts.paper);
    Ok(TccChart { drawing, axes: ax, device_ids, curves })
}
