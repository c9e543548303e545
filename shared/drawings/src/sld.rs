//! The single-line diagram (単線結線図): the radial network laid out top-down from the
//! utility, JIS C 0617 symbols ([`crate::symbols`]) with each device's id, name, rating and
//! setting to the right of its symbol, and the three-phase fault current at every bus. The
//! station equipment is drawn with the devices it belongs to (`figure`): the DS and VCT in
//! series, the LA and VT on their bus, the CT and ZCT (ZPD) on a breaker's conductor beside
//! its relays, the meters hanging from their VT or CT, and an earth mark with class and
//! resistance at every device an earthing is bonded to; a meter's or an earthing's label
//! follows the label of the device it hangs on.
//!
//! # Layout
//! The diagram is laid out in its own units (`layout`), millimetres on an A3 sheet at the
//! smallest scale, where the main text — device and bus labels, continuation notes — is
//! [`MIN_TEXT_MM`] high. A bus's children (series devices first, in project order, then shunt
//! devices) sit side by side under it; a branch is as wide as the widest of its own label, its
//! bus's label and its children together, and every row between two levels of buses is as
//! tall as its tallest label needs, so no label meets another label or another device's
//! symbol. Labels wrap onto more lines within the width the layout gives them and are never
//! shortened. Several label widths are tried and the one that lets the diagram be drawn
//! largest (or on the fewest sheets) is kept.
//!
//! # Sheets
//! The layout is scaled to fill the drawing area of an A3 landscape sheet — inside the border,
//! below the heading, clear of the title block — keeping its aspect, and never so far that the
//! main text passes [`MAX_TEXT_MM`]. When the whole diagram would need text smaller than
//! [`MIN_TEXT_MM`], it is split (`sheets`): the children of a bus fill a sheet in order, the
//! bus ends in "→ 2/3 頁へ続く" and is drawn again at the top of the next sheet under
//! "← 1/3 頁より" (the sheet that feeds it); a feeder too large for a sheet of its own
//! continues the same way one level down. Every sheet of a set has the same scale, and the
//! title block's page field reads "k/N" (the caller's page when there is one sheet). A4 sheets
//! are the A3 sheets scaled by 1/√2.
//!
//! # What is written
//! - [`SldDiagram::sheets`], for print: the pages of the PDF; in DXF the sheets side by side
//!   in model space ([`crate::dxf_out::to_dxf_sheets`]).
//! - [`SldDiagram::drawing`], for screens (the SVG, and `POST /render/sld`): the whole
//!   diagram on one drawing — the sheet itself when there is one, else the unsplit diagram at
//!   the sheets' scale on a canvas as large as it needs, with border and title block. Every
//!   item of a device or bus carries its id (`data-device` in SVG), so every device and bus
//!   of the project is findable on it.

mod figure;
mod layout;
mod sheets;

use std::collections::HashMap;

use domain::analysis::Analysis;
use domain::model::topology::Topology;
use domain::model::{Device, GroundRelayKind, Project};

use crate::font::text_width_mm;
use crate::model::{wrap, Drawing, Paper, Rgb};
use crate::sheet::SheetInfo;
use crate::tcc::{ct_text, device_summary, num, ocr_text, zero_phase_texts};
use crate::{DrawError, DrawingFormat};

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
/// Notes pointing to the sheet a bus continues on or is fed from.
pub const LAYER_NOTE: &str = "SLD_CONTINUATION";

/// Smallest main text (device and bus labels, continuation notes) on an A3 sheet, mm; a
/// diagram that would need smaller text is split into sheets.
pub const MIN_TEXT_MM: f64 = 2.5;
/// Largest main text on an A3 sheet, mm: a small diagram is enlarged no further.
pub const MAX_TEXT_MM: f64 = 3.5;
/// Main text size in layout units: at the smallest scale a unit is a millimetre on A3.
const TEXT_SIZE: f64 = MIN_TEXT_MM;
/// Label widths tried, widest first, layout units: narrower labels take more lines and less
/// width.
const LABEL_WIDTHS: [f64; 6] = [50.0, 40.0, 33.0, 27.0, 22.0, 18.0];

/// The diagram and facts about it, for readers and tests.
#[derive(Debug, Clone)]
pub struct SldDiagram {
    /// The whole diagram on one drawing, for screens: the only sheet, or the unsplit diagram
    /// on a canvas (see the module documentation).
    pub drawing: Drawing,
    /// The sheets for print, in order; the first holds the utility. At least one.
    pub sheets: Vec<Drawing>,
    /// Factor the layout was scaled by on A3 (main text [`MIN_TEXT_MM`] × this); ≥ 1 unless a
    /// single feeder is too large for a sheet even split.
    pub fit_scale: f64,
    /// Main label font size on the sheets of the chosen paper, mm.
    pub label_size_mm: f64,
}

impl SldDiagram {
    /// The diagram as a file: SVG of [`Self::drawing`]; PDF and DXF of [`Self::sheets`].
    pub fn encode(&self, format: DrawingFormat) -> Result<Vec<u8>, DrawError> {
        match format {
            DrawingFormat::Svg => Ok(crate::svg::to_svg(&self.drawing).into_bytes()),
            DrawingFormat::Pdf => crate::pdf::to_pdf_sheets(&self.sheets),
            DrawingFormat::Dxf => crate::dxf_out::to_dxf_sheets(&self.sheets),
        }
    }
}

/// One drawn line of a label, and what may follow it on the same line in another colour (a
/// bus's fault current after its name, where the width allows).
#[derive(Debug, Clone)]
struct Line {
    text: String,
    color: Rgb,
    layer: &'static str,
    tail: Option<Tail>,
}

#[derive(Debug, Clone)]
struct Tail {
    text: String,
    color: Rgb,
    layer: &'static str,
}

/// What every layout of the project shares: the tree and the labels wrapped to one width.
struct Ctx<'a> {
    project: &'a Project,
    topo: &'a Topology,
    /// Whether the utility's bus is a bus the tree starts from.
    has_source: bool,
    /// Per device index: a bus's children (series devices first, in project order, then
    /// shunt devices); empty for other devices.
    children: &'a [Vec<usize>],
    /// Per device index: what is drawn at it besides its label (see [`figure`]).
    figures: &'a [Option<figure::Figure>],
    /// Per device index: the meters and earthing whose labels follow its label in its row.
    satellites: &'a [Vec<usize>],
    /// Width labels are wrapped to, layout units.
    width: f64,
    /// Per device index: its label lines before wrapping (a bus's: the lines above its bar).
    raw: Vec<Vec<Line>>,
    /// Per device index: its label lines wrapped to `width`.
    labels: Vec<Vec<Line>>,
    /// The utility's label lines before wrapping, and wrapped.
    source_raw: Vec<Line>,
    source: Vec<Line>,
}

fn ground_text(g: &domain::model::GroundRelaySettings) -> String {
    let k = match g.kind {
        GroundRelayKind::Gr => "GR",
        GroundRelayKind::Dgr => "DGR",
    };
    format!("{k} {}A {}s", num(g.current_a), num(g.time_s))
}

/// The full text of a device's label before wrapping, line by line: its id, its name when it
/// differs, then its rating and setting; for a bus, one line of id, name and voltage (the
/// fault current follows from the analysis). The diagram draws every line whole, wrapped onto
/// as many lines as its width needs.
pub fn label_text(d: &Device) -> Vec<String> {
    if let Device::Bus(b) = d {
        let name = if d.display_name() != d.id() { format!(" {}", d.display_name()) } else { String::new() };
        return vec![format!("{}{name} {}V", b.id, num(b.voltage_v))];
    }
    let mut raw: Vec<String> = vec![d.id().to_string()];
    if d.display_name() != d.id() {
        raw.push(d.display_name().to_string());
    }
    match d {
        Device::Vcb(v) => {
            raw.push(format!("VCB {}A {}kA", num(v.rated_current_a), num(v.breaking_capacity_ka)));
            raw.push(ocr_text(&v.ocr));
            raw.extend(ct_text(v));
            if let Some(g) = &v.ground_relay {
                raw.push(std::iter::once(ground_text(g)).chain(zero_phase_texts(g)).collect::<Vec<_>>().join(" "));
            }
        }
        Device::GroundSwitch(g) => {
            raw.push(device_summary(d));
            let zero = g.ground_relay.as_ref().map(zero_phase_texts).unwrap_or_default();
            if !zero.is_empty() {
                raw.push(zero.join(" "));
            }
        }
        Device::LbsPf(l) => {
            if let Some(r) = l.rated_current_a {
                raw.push(format!("LBS {}A", num(r)));
            }
            let bc = l.fuse.breaking_capacity_ka.map(|k| format!(" {}kA", num(k))).unwrap_or_default();
            raw.push(format!("PF {:?}{}A{bc}", l.fuse.fuse_type, num(l.fuse.rating_a)));
        }
        Device::Earthing(e) => {
            // The drawing font has no subscript one: the B-class ground-fault current in words.
            let i1 = e.ground_fault_current_a.map(|i| format!(" 1線地絡電流{}A", num(i))).unwrap_or_default();
            raw.push(format!("{}接地 {}Ω{i1}", e.class.label_ja(), num(e.resistance_ohm)));
        }
        Device::Transformer(t) => {
            let (r, x) = t.impedance.r_x();
            raw.push(device_summary(d));
            raw.push(format!("%Z {}", num((r * r + x * x).sqrt())));
        }
        _ => raw.push(device_summary(d)),
    }
    raw
}

/// The utility's label before wrapping.
fn source_text(project: &Project) -> Vec<String> {
    let u = &project.utility;
    let (r, x) = u.short_circuit.percent_on_base(u.voltage_v);
    let zs = (r * r + x * x).sqrt();
    let ik = if zs > 0.0 { 10_000.0 / (3f64.sqrt() * u.voltage_v / 1000.0) / zs * 100.0 / 1000.0 } else { f64::NAN };
    let mut lines = vec!["電力会社 受電点".to_string(), format!("{}V {}Hz", num(u.voltage_v), num(u.frequency_hz.hz())), format!("Ik {} kA (%Z {})", num(ik), num(zs))];
    if let Some(o) = &u.ocr {
        lines.push(ocr_text(o));
    }
    if let Some(g) = &u.ground_relay {
        lines.push(ground_text(g));
    }
    lines
}

/// Label lines wrapped to `width` layout units, each piece keeping its line's colour and
/// layer; a line's tail stays on its last piece when both fit, else takes a line of its own.
fn wrap_lines(raw: &[Line], width: f64) -> Vec<Line> {
    let mut out = Vec::new();
    for l in raw {
        let start = out.len();
        out.extend(wrap(&l.text, TEXT_SIZE, width).into_iter().map(|text| Line { text, tail: None, ..l.clone() }));
        if let Some(t) = &l.tail {
            let has_head = out.len() > start;
            match out.last_mut().filter(|_| has_head) {
                Some(last) if line_width(&Line { tail: Some(t.clone()), ..last.clone() }) <= width => last.tail = Some(t.clone()),
                _ => out.extend(wrap(&t.text, TEXT_SIZE, width).into_iter().map(|text| Line { text, color: t.color, layer: t.layer, tail: None })),
            }
        }
    }
    out
}

/// Width of a drawn line with its tail, layout units.
fn line_width(l: &Line) -> f64 {
    let tail = l.tail.as_ref().map(|t| layout::TAIL_GAP + text_width_mm(&t.text, TEXT_SIZE)).unwrap_or(0.0);
    text_width_mm(&l.text, TEXT_SIZE) + tail
}

fn lines(raw: Vec<String>, style: impl Fn(usize) -> (Rgb, &'static str)) -> Vec<Line> {
    raw.into_iter().enumerate().map(|(i, text)| {
        let (color, layer) = style(i);
        Line { text, color, layer, tail: None }
    }).collect()
}

impl<'a> Ctx<'a> {
    fn new(project: &'a Project, topo: &'a Topology, tree: &'a Tree, fault: &HashMap<&str, f64>, width: f64) -> Ctx<'a> {
        let id_color = Rgb(0, 60, 150);
        let device_style = |i: usize| (if i == 0 { id_color } else { Rgb::BLACK }, LAYER_LABEL);
        let raw: Vec<Vec<Line>> = project
            .devices
            .iter()
            .map(|d| match d {
                Device::Bus(b) => {
                    let mut out = lines(label_text(d), |_| (Rgb::BLACK, LAYER_LABEL));
                    if let (Some(ik), Some(last)) = (fault.get(b.id.as_str()).filter(|ik| ik.is_finite()), out.last_mut()) {
                        last.tail = Some(Tail { text: format!("Is {} kA", num(*ik)), color: Rgb(200, 0, 0), layer: LAYER_FAULT });
                    }
                    out
                }
                _ => lines(label_text(d), device_style),
            })
            .collect();
        let labels = raw.iter().map(|r| wrap_lines(r, width)).collect();
        let source_raw = lines(source_text(project), device_style);
        let source = wrap_lines(&source_raw, width);
        let s = topo.source_bus;
        let has_source = matches!(project.devices.get(s), Some(Device::Bus(_))) && topo.depth.get(s).copied().flatten().is_some();
        Ctx { project, topo, has_source, children: &tree.children, figures: &tree.figures, satellites: &tree.satellites, width, raw, labels, source_raw, source }
    }
}

/// The tree of the diagram and what hangs on it, shared by every label width.
struct Tree {
    children: Vec<Vec<usize>>,
    figures: Vec<Option<figure::Figure>>,
    satellites: Vec<Vec<usize>>,
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
    let mut placed = vec![false; n];
    for &c in children.iter().flatten() {
        placed[c] = true;
    }
    let tree = Tree { figures: figure::figures(project, &placed), satellites: figure::satellites(project, &placed), children };
    let fault: HashMap<&str, f64> = analysis.short_circuit.buses.iter().map(|b| (b.bus_id.as_str(), b.percent_z.ik_ka)).collect();
    let contexts: Vec<Ctx> = LABEL_WIDTHS.iter().map(|&w| Ctx::new(project, &topo, &tree, &fault, w)).collect();
    Ok(sheets::compose(project, &contexts, opts))
}
