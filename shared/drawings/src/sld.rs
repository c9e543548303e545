//! The single-line diagram (単線結線図): the radial network laid out top-down from the
//! utility, one column per branch, JIS C 0617 symbols ([`crate::symbols`]) with the device's
//! rating and setting to the right of each symbol, and the three-phase fault current at every
//! bus.
//!
//! Layout: a bus's children (series devices first, in project order, then shunt devices) sit
//! side by side under it; a branch is as wide as the widest of its own label, its bus label
//! and the sum of its children, so no two labels can share space. The whole diagram is then
//! scaled down (never up) to fit the sheet beside the title block.

use std::collections::HashMap;

use domain::analysis::Analysis;
use domain::model::topology::Topology;
use domain::model::{Device, GroundRelayKind, Project};

use crate::model::{layer_name, pt, wrap, Drawing, HAlign, Item, Paper, Rgb, Shape, Stroke, Tag, Text, VAlign};
use crate::sheet::{self, SheetInfo};
use crate::symbols::{self, HALF_HEIGHT, LEFT_EXTENT};
use crate::model::BBox;
use crate::tcc::{device_summary, num, ocr_text};
use crate::DrawError;

/// Options of the diagram.
#[derive(Debug, Clone, PartialEq)]
pub struct SldOptions {
    pub paper: Paper,
    pub sheet: SheetInfo,
}

impl Default for SldOptions {
    fn default() -> Self {
        SldOptions { paper: Paper::A3, sheet: SheetInfo::default() }
    }
}

/// Layers of the diagram besides the per-device `DEV_<id>` layers.
pub const LAYER_WIRE: &str = "SLD_WIRE";
pub const LAYER_BUS: &str = "SLD_BUS";
pub const LAYER_LABEL: &str = "SLD_LABEL";
pub const LAYER_FAULT: &str = "SLD_FAULT_CURRENT";
pub const LAYER_HEADER: &str = "SLD_HEADER";

/// Smallest vertical distance between a bus and the next, mm (before fitting).
const MIN_PITCH: f64 = 24.0;
/// Label font size, mm (before fitting).
const LABEL_SIZE: f64 = 2.2;
const LINE_PITCH: f64 = 2.75;
/// Label widths tried, widest first, mm: narrower labels take more lines and less width.
const LABEL_WIDTHS: [f64; 5] = [30.0, 24.0, 19.0, 15.0, 12.5];
/// Gap between the conductor and its label, mm.
const LABEL_GAP: f64 = 4.0;
/// Space after a label before the next column, mm.
const COL_GAP: f64 = 2.0;
const MAX_LINES: usize = 8;

/// The diagram and facts about it, for readers and tests.
#[derive(Debug, Clone)]
pub struct SldDiagram {
    pub drawing: Drawing,
    /// Factor the layout was scaled by to fit the sheet (≤ 1).
    pub fit_scale: f64,
    /// Label font size on the sheet, mm.
    pub label_size_mm: f64,
}

fn ground_text(g: &domain::model::GroundRelaySettings) -> String {
    let k = match g.kind {
        GroundRelayKind::Gr => "GR",
        GroundRelayKind::Dgr => "DGR",
    };
    format!("{k} {}A {}s", num(g.current_a), num(g.time_s))
}

/// How far a device's symbol reaches left of its conductor, mm.
fn left_extent(d: &Device) -> f64 {
    match d {
        Device::Vcb(_) | Device::GroundSwitch(_) => LEFT_EXTENT,
        Device::Transformer(_) | Device::Motor(_) | Device::Generator(_) => 3.6,
        _ => 3.2,
    }
}

/// Gap between a device's conductor and its label: the symbol's reach to the right plus
/// 1 mm, mm.
fn label_gap(d: &Device) -> f64 {
    match d {
        Device::Transformer(_) | Device::Motor(_) | Device::Generator(_) => 4.2,
        Device::Capacitor(_) | Device::Cable(_) => 3.6,
        Device::Vcb(_) | Device::GroundSwitch(_) => 2.6,
        _ => 2.7,
    }
}

/// Label lines of a device: id, name, rating, setting, wrapped to `max_w` mm.
fn label_lines(d: &Device, max_w: f64) -> Vec<String> {
    let mut raw: Vec<String> = vec![d.id().to_string()];
    if d.display_name() != d.id() {
        raw.push(d.display_name().to_string());
    }
    match d {
        Device::Vcb(v) => {
            raw.push(format!("VCB {}A {}kA", num(v.rated_current_a), num(v.breaking_capacity_ka)));
            raw.push(ocr_text(&v.ocr));
            if let Some(g) = &v.ground_relay {
                raw.push(ground_text(g));
            }
        }
        Device::LbsPf(l) => {
            if let Some(r) = l.rated_current_a {
                raw.push(format!("LBS {}A", num(r)));
            }
            let bc = l.fuse.breaking_capacity_ka.map(|k| format!(" {}kA", num(k))).unwrap_or_default();
            raw.push(format!("PF {:?}{}A{bc}", l.fuse.fuse_type, num(l.fuse.rating_a)));
        }
        Device::Transformer(t) => {
            let (r, x) = t.impedance.r_x();
            raw.push(device_summary(d));
            raw.push(format!("%Z {}", num((r * r + x * x).sqrt())));
        }
        _ => raw.push(device_summary(d)),
    }
    let mut lines = Vec::new();
    for r in raw {
        for l in wrap(&r, LABEL_SIZE, max_w) {
            lines.push(l);
        }
    }
    if lines.len() > MAX_LINES {
        lines.truncate(MAX_LINES);
        if let Some(last) = lines.last_mut() {
            last.push('…');
        }
    }
    lines
}

fn lines_width(lines: &[String]) -> f64 {
    lines.iter().map(|l| crate::font::text_width_mm(l, LABEL_SIZE)).fold(0.0, f64::max)
}

fn block_of(d: &Device) -> Option<&'static str> {
    Some(match d {
        Device::Bus(_) => return None,
        Device::Cable(_) => symbols::CABLE,
        Device::Transformer(_) => symbols::TRANSFORMER,
        Device::Vcb(_) => symbols::VCB_OCR,
        Device::LbsPf(_) => symbols::LBS_PF,
        Device::GroundSwitch(_) => symbols::PAS,
        Device::LvBreaker(_) => symbols::CB,
        Device::Capacitor(_) => symbols::CAPACITOR,
        Device::Load(_) => symbols::LOAD,
        Device::Motor(_) => symbols::MOTOR,
        Device::Generator(_) => symbols::GENERATOR,
        // No symbol yet for the station equipment (DS, VCT, LA, VT, meters, earthing): their
        // labels are drawn, their symbols come with the layout rework.
        Device::Ds(_) | Device::Vct(_) | Device::La(_) | Device::Vt(_) | Device::Meter(_) | Device::Earthing(_) => return None,
    })
}

struct Layout<'a> {
    project: &'a Project,
    topo: &'a Topology,
    /// Per bus index: child device indices (series first, then shunt).
    children: &'a [Vec<usize>],
    labels: Vec<Vec<String>>,
    bus_labels: &'a HashMap<usize, Vec<String>>,
    /// Per device: branch width, mm.
    width: Vec<f64>,
    /// Per device: offset of the branch's conductor from the branch's left edge, mm.
    offset: Vec<f64>,
    /// Per depth of the upstream bus (0: the service point; the utility's row is first):
    /// distance to the next bus, mm.
    row_pitch: Vec<f64>,
    items: Vec<Item>,
}

impl Layout<'_> {
    fn label_w(&self, dev: usize) -> f64 {
        self.project.devices.get(dev).map(label_gap).unwrap_or(LABEL_GAP) + lines_width(&self.labels[dev]) + COL_GAP
    }

    fn first_child(&self, bus: usize) -> Option<usize> {
        self.children.get(bus).and_then(|k| k.first().copied())
    }

    /// Conductor offset of a branch: the widest symbol on its straight line down.
    fn branch_offset(&mut self, dev: usize, guard: usize) -> f64 {
        let own = self.project.devices.get(dev).map(left_extent).unwrap_or(LEFT_EXTENT);
        let below = match (guard <= self.project.devices.len()).then(|| self.topo.downstream_bus(dev)).flatten().and_then(|b| self.first_child(b)) {
            Some(c) => self.branch_offset(c, guard + 1),
            None => 0.0,
        };
        let off = own.max(below);
        self.offset[dev] = off;
        off
    }

    /// Width of the subtree under a bus whose first conductor sits `first_off` from its left.
    fn bus_width(&mut self, bus: usize, first_off: f64, guard: usize) -> f64 {
        if guard > self.project.devices.len() {
            return 0.0;
        }
        let kids = self.children.get(bus).cloned().unwrap_or_default();
        let mut sum = 0.0;
        for (k, &c) in kids.iter().enumerate() {
            let w = self.branch_width(c, guard + 1);
            let extra = if k == 0 { (first_off - self.offset[c]).max(0.0) } else { 0.0 };
            self.width[c] = w + extra;
            sum += w + extra;
        }
        let own = first_off + 2.0 + lines_width(self.bus_labels.get(&bus).map(|v| v.as_slice()).unwrap_or(&[])) + COL_GAP;
        sum.max(own)
    }

    fn branch_width(&mut self, dev: usize, guard: usize) -> f64 {
        let off = self.branch_offset(dev, guard);
        let own = off + self.label_w(dev);
        let below = match self.topo.downstream_bus(dev) {
            Some(b) => self.bus_width(b, off, guard),
            None => 0.0,
        };
        let w = own.max(below);
        self.width[dev] = w;
        w
    }

    fn push(&mut self, layer: &str, stroke: Stroke, shape: Shape) {
        self.items.push(Item { layer: layer.to_string(), stroke, shape, tag: Tag::default() });
    }

    fn label(&mut self, x: f64, yc: f64, lines: &[String], device_id: Option<&str>) {
        let n = lines.len() as f64;
        let top = yc - n * LINE_PITCH / 2.0;
        for (k, l) in lines.iter().enumerate() {
            let y = top + LINE_PITCH * (k as f64 + 0.5);
            let color = if k == 0 { Rgb(0, 60, 150) } else { Rgb::BLACK };
            let t = Text::new(pt(x, y), l.clone(), LABEL_SIZE).align(HAlign::Left, VAlign::Middle).color(color);
            self.items.push(Item {
                layer: LAYER_LABEL.to_string(),
                stroke: Stroke::new(color, 0.0),
                shape: Shape::Text(t),
                tag: Tag { device_id: device_id.map(str::to_string), line: None },
            });
        }
    }

    fn symbol(&mut self, dev: usize, x: f64, yc: f64) {
        let Some(d) = self.project.devices.get(dev) else { return };
        let Some(block) = block_of(d) else { return };
        let layer = layer_name("DEV_", d.id());
        self.items.push(Item {
            layer,
            stroke: Stroke::new(Rgb::BLACK, 0.35),
            shape: Shape::Insert { block: block.to_string(), at: pt(x, yc), scale: 1.0, rotation_deg: 0.0 },
            tag: Tag { device_id: Some(d.id().to_string()), line: None },
        });
    }

    /// Place the subtree of `bus`, whose bar is at `y`, starting at `left`, its first
    /// conductor `first_off` from `left`.
    fn place_bus(&mut self, bus: usize, left: f64, first_off: f64, y: f64, guard: usize) {
        if guard > self.project.devices.len() {
            return;
        }
        let kids = self.children.get(bus).cloned().unwrap_or_default();
        let wire = Stroke::new(Rgb::BLACK, 0.35);
        let depth = self.topo.depth.get(bus).copied().flatten().unwrap_or(0);
        let pitch = self.row_pitch.get(depth + 1).copied().unwrap_or(MIN_PITCH);
        let first_x = left + first_off;
        let mut x_left = left;
        let mut last_x = first_x;
        for (k, &c) in kids.iter().enumerate() {
            let off = if k == 0 { first_off.max(self.offset[c]) } else { self.offset[c] };
            let x = x_left + off;
            last_x = x;
            let yc = y + pitch / 2.0;
            self.push(LAYER_WIRE, wire, Shape::Line(pt(x, y), pt(x, yc - HALF_HEIGHT)));
            self.symbol(c, x, yc);
            let lines = self.labels[c].clone();
            let id = self.project.devices.get(c).map(|d| d.id().to_string());
            let gap = self.project.devices.get(c).map(label_gap).unwrap_or(LABEL_GAP);
            self.label(x + gap, yc, &lines, id.as_deref());
            if let Some(b) = self.topo.downstream_bus(c) {
                self.push(LAYER_WIRE, wire, Shape::Line(pt(x, yc + HALF_HEIGHT), pt(x, y + pitch)));
                self.place_bus(b, x_left, off, y + pitch, guard + 1);
            }
            x_left += self.width.get(c).copied().unwrap_or(0.0);
        }
        // The bus: a bar over its children, or a node dot when it only passes through.
        if kids.len() > 1 {
            self.push(LAYER_BUS, Stroke::new(Rgb::BLACK, 0.9), Shape::Line(pt(first_x - 2.0, y), pt(last_x + 2.0, y)));
        } else {
            self.push(LAYER_BUS, Stroke::new(Rgb::BLACK, 0.2), Shape::Circle { center: pt(first_x, y), radius_mm: 0.7, fill: Some(Rgb::BLACK) });
        }
        let lines = self.bus_labels.get(&bus).cloned().unwrap_or_default();
        let n = lines.len() as f64;
        let bus_id = self.project.devices.get(bus).map(|d| d.id().to_string());
        for (k, l) in lines.iter().enumerate() {
            let yy = y - 0.9 - (n - 1.0 - k as f64) * LINE_PITCH;
            let fault = k + 1 == lines.len() && l.starts_with("Is");
            let color = if fault { Rgb(200, 0, 0) } else { Rgb::BLACK };
            let layer = if fault { LAYER_FAULT } else { LAYER_LABEL };
            self.items.push(Item {
                layer: layer.to_string(),
                stroke: Stroke::new(color, 0.0),
                shape: Shape::Text(Text::new(pt(first_x + 2.0, yy), l.clone(), LABEL_SIZE).align(HAlign::Left, VAlign::Bottom).color(color)),
                tag: Tag { device_id: bus_id.clone(), line: None },
            });
        }
    }
}

/// Extent of laid-out items (texts by their boxes, symbols by their frame), mm.
fn extent(items: &[Item]) -> BBox {
    let mut b = BBox::empty();
    for it in items {
        match &it.shape {
            Shape::Line(a, c) => {
                b.add(*a);
                b.add(*c);
            }
            Shape::Polyline(p) | Shape::Polygon { points: p, .. } => p.iter().for_each(|q| b.add(*q)),
            Shape::Circle { center, radius_mm, .. } => {
                b.add(pt(center.x - radius_mm, center.y - radius_mm));
                b.add(pt(center.x + radius_mm, center.y + radius_mm));
            }
            Shape::Text(t) => {
                let tb = t.bbox();
                b.add(pt(tb.x0, tb.y0));
                b.add(pt(tb.x1, tb.y1));
            }
            Shape::Insert { at, .. } => {
                b.add(pt(at.x - LEFT_EXTENT, at.y - HALF_HEIGHT));
                b.add(pt(at.x + symbols::RIGHT_EXTENT, at.y + HALF_HEIGHT));
            }
        }
    }
    b
}

struct Prepared {
    children: Vec<Vec<usize>>,
    bus_labels: HashMap<usize, Vec<String>>,
    src_lines: Vec<String>,
}

/// Lay the diagram out with labels at most `label_w` wide; items relative to the origin.
fn lay_out(project: &Project, topo: &Topology, prep: &Prepared, label_w: f64) -> Vec<Item> {
    let n = project.devices.len();
    let labels: Vec<Vec<String>> = project.devices.iter().map(|d| label_lines(d, label_w)).collect();
    // Each row has room for its tallest label between two buses with their labels.
    let pitch_for = |lines: usize| MIN_PITCH.max(lines as f64 * LINE_PITCH + 2.0 * (2.0 * LINE_PITCH + 2.5));
    let max_depth = topo.depth.iter().flatten().copied().max().unwrap_or(0);
    let mut row_lines = vec![0usize; max_depth + 2];
    row_lines[0] = prep.src_lines.len();
    for (i, l) in labels.iter().enumerate() {
        if let Some(up) = topo.upstream_bus(project, i).filter(|_| !matches!(project.devices[i], Device::Bus(_))) {
            if let Some(dp) = topo.depth.get(up).copied().flatten() {
                if let Some(r) = row_lines.get_mut(dp + 1) {
                    *r = (*r).max(l.len());
                }
            }
        }
    }
    let row_pitch: Vec<f64> = row_lines.iter().map(|&n| pitch_for(n)).collect();
    let pitch = row_pitch[0];
    let mut lay = Layout {
        project,
        topo,
        children: &prep.children,
        labels,
        bus_labels: &prep.bus_labels,
        width: vec![0.0; n],
        offset: vec![LEFT_EXTENT; n],
        row_pitch,
        items: Vec::new(),
    };
    let source = topo.source_bus;
    let has_source = matches!(project.devices.get(source), Some(Device::Bus(_))) && topo.depth.get(source).copied().flatten().is_some();
    let src_off = LEFT_EXTENT;
    if has_source {
        lay.bus_width(source, src_off, 0);
    }
    let yc = pitch / 2.0;
    lay.items.push(Item {
        layer: "DEV_utility".into(),
        stroke: Stroke::new(Rgb::BLACK, 0.35),
        shape: Shape::Insert { block: symbols::SOURCE.into(), at: pt(src_off, yc), scale: 1.0, rotation_deg: 0.0 },
        tag: Tag { device_id: Some("utility".into()), line: None },
    });
    let src_lines = prep.src_lines.clone();
    lay.label(src_off + LABEL_GAP, yc, &src_lines, Some("utility"));
    lay.push(LAYER_WIRE, Stroke::new(Rgb::BLACK, 0.35), Shape::Line(pt(src_off, yc + HALF_HEIGHT), pt(src_off, pitch)));
    if has_source {
        lay.place_bus(source, 0.0, src_off, pitch, 0);
    }
    lay.items
}

/// Build the single-line diagram.
pub fn build(project: &Project, analysis: &Analysis, opts: &SldOptions) -> Result<SldDiagram, DrawError> {
    let (topo, _) = Topology::build(project);
    let n = project.devices.len();
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, d) in project.devices.iter().enumerate() {
        if let Some((up, _)) = topo.oriented.get(i).copied().flatten() {
            if let Some(c) = children.get_mut(up) {
                c.push(i);
            }
        } else if let Some(&b) = d.shunt_bus().and_then(|b| topo.bus_index.get(b)) {
            if topo.depth.get(b).copied().flatten().is_some() {
                children[b].push(i);
            }
        }
    }
    for c in children.iter_mut() {
        c.sort_by_key(|&i| (project.devices[i].series_terminals().is_none(), i));
    }
    let fault: HashMap<&str, f64> = analysis.short_circuit.buses.iter().map(|b| (b.bus_id.as_str(), b.percent_z.ik_ka)).collect();
    let mut bus_labels = HashMap::new();
    for (i, d) in project.devices.iter().enumerate() {
        if let Device::Bus(b) = d {
            let mut first = if d.display_name() != d.id() { format!("{} {}", b.id, d.display_name()) } else { b.id.clone() };
            first.push_str(&format!(" {}V", num(b.voltage_v)));
            let mut lines: Vec<String> = vec![sheet::clip_text(&first, LABEL_SIZE, 30.0)];
            if let Some(ik) = fault.get(b.id.as_str()) {
                if ik.is_finite() {
                    lines.push(format!("Is {} kA", num(*ik)));
                }
            }
            bus_labels.insert(i, lines);
        }
    }
    let u = &project.utility;
    let (r, x) = u.short_circuit.percent_on_base(u.voltage_v);
    let zs = (r * r + x * x).sqrt();
    let ik = if zs > 0.0 { 10_000.0 / (3f64.sqrt() * u.voltage_v / 1000.0) / zs * 100.0 / 1000.0 } else { f64::NAN };
    let mut src_lines = vec!["電力会社 受電点".to_string(), format!("{}V {}Hz", num(u.voltage_v), num(u.frequency_hz.hz())), format!("Ik {} kA (%Z {})", num(ik), num(zs))];
    if let Some(o) = &u.ocr {
        src_lines.extend(wrap(&ocr_text(o), LABEL_SIZE, 30.0));
    }
    if let Some(g) = &u.ground_relay {
        src_lines.push(ground_text(g));
    }
    src_lines.truncate(MAX_LINES);
    let prep = Prepared { children, bus_labels, src_lines };

    // Fit: beside the title block when narrow enough, else above it; keep the label width
    // that lets the diagram be drawn largest.
    let (ax0, ay0) = (14.0, 24.0);
    let (tb_x0, tb_y0, _, tb_y1) = sheet::TITLE_BLOCK;
    let fit = |b: &BBox| {
        let (w, h) = ((b.x1 - b.x0).max(1.0), (b.y1 - b.y0).max(1.0));
        let beside = ((tb_x0 - 4.0 - ax0) / w).min((tb_y1 - ay0) / h);
        let above = ((406.0 - ax0) / w).min((tb_y0 - 3.0 - ay0) / h);
        beside.max(above).min(1.0)
    };
    let mut best: Option<(f64, Vec<Item>, BBox)> = None;
    for w in LABEL_WIDTHS {
        let items = lay_out(project, &topo, &prep, w);
        let b = extent(&items);
        let k = fit(&b);
        if best.as_ref().is_none_or(|(bk, _, _)| k > *bk + 1e-9) {
            best = Some((k, items, b));
        }
        if k >= 1.0 {
            break;
        }
    }
    let (k, mut items, b) = best.unwrap_or((1.0, Vec::new(), BBox { x0: 0.0, y0: 0.0, x1: 1.0, y1: 1.0 }));
    let k = k.max(0.05);
    sheet::place(&mut items, k, ax0 - b.x0 * k, ay0 - b.y0 * k);

    let title = "単線結線図";
    let mut d = Drawing::new(Paper::A3, format!("{title} — {}", project.name));
    d.blocks = symbols::blocks();
    for l in [LAYER_BUS, LAYER_WIRE] {
        d.layer(l, Rgb::BLACK);
    }
    for it in &items {
        d.layer(&it.layer, it.stroke.color);
    }
    d.layer(LAYER_LABEL, Rgb::BLACK);
    d.layer(LAYER_FAULT, Rgb(200, 0, 0));
    d.items.extend(items);
    d.text(LAYER_HEADER, Text::new(pt(14.0, 17.5), format!("{title}　{}", project.name), 4.5).align(HAlign::Left, VAlign::Baseline));
    d.text(LAYER_HEADER, Text::new(pt(406.0, 17.5), "Is: 三相短絡電流（%Z法, 10 MVA基準）", 2.5).align(HAlign::Right, VAlign::Baseline));
    sheet::frame(&mut d, title, &opts.sheet);
    let paper_k = opts.paper.size_mm().0 / sheet::A3.0;
    let drawing = sheet::to_paper(d, opts.paper);
    Ok(SldDiagram { drawing, fit_scale: k, label_size_mm: LABEL_SIZE * k * paper_k })
}
