//! Fitting the laid-out diagram to the A3 sheet, splitting it into sheets when it would need
//! text smaller than [`MIN_TEXT_MM`], and drawing the sheets and the whole-diagram canvas.
//!
//! Splitting packs the children of a bus into sheets in order, each child's branch whole
//! while it fits at the smallest scale. A branch too large for a sheet of its own is drawn
//! down to the bus under its first device, and that bus's children are packed the same way,
//! the rest continuing on the next sheets. So the first sheet holds the utility, the service
//! entrance and as many feeders as fit; the next sheets repeat the bus the feeders hang from.

use std::collections::{HashMap, VecDeque};

use domain::model::Project;

use super::layout::{lay_out, Fragment, Notes};
use super::{Ctx, SldDiagram, SldOptions, LAYER_BUS, LAYER_FAULT, LAYER_HEADER, LAYER_LABEL, LAYER_NOTE, LAYER_WIRE, MAX_TEXT_MM, MIN_TEXT_MM, TEXT_SIZE};
use crate::font::text_width_mm;
use crate::model::{pt, wrap, BBox, Drawing, HAlign, Item, Paper, Rgb, Shape, Text, VAlign};
use crate::sheet::{self, SheetInfo};
use crate::symbols;

/// Largest factor a layout is scaled by.
const MAX_SCALE: f64 = MAX_TEXT_MM / MIN_TEXT_MM;
/// Left and right margin of the drawing area inside the border's 10 mm, mm.
const MARGIN_X: f64 = 14.0;
/// Bottom of the drawing area above the sheet's bottom edge, mm.
const MARGIN_BOTTOM: f64 = 14.0;
/// Space kept between the diagram and the title block, mm.
const TITLE_CLEARANCE: f64 = 4.0;
const TITLE: &str = "単線結線図";
const FAULT_NOTE: &str = "Is: 三相短絡電流（%Z法, 10 MVA基準）";
const FAULT_NOTE_SIZE: f64 = 2.5;

/// The heading of a sheet: the drawing's title and the project's name, wrapped to the space
/// left of the fault-current note.
struct Heading {
    lines: Vec<String>,
    size: f64,
}

impl Heading {
    const BASELINE: f64 = 17.5;

    fn new(project: &Project, sheet_w: f64) -> Heading {
        let text = format!("{TITLE}　{}", project.name);
        let max_w = sheet_w - 2.0 * MARGIN_X - text_width_mm(FAULT_NOTE, FAULT_NOTE_SIZE) - 8.0;
        let size = sheet::fit_size(&text, 4.5, max_w).max(MIN_TEXT_MM);
        Heading { lines: wrap(&text, size, max_w), size }
    }

    fn pitch(&self) -> f64 {
        1.25 * self.size
    }

    /// Top of the drawing area below the heading, mm.
    fn area_top(&self) -> f64 {
        24.0 + (self.lines.len().saturating_sub(1)) as f64 * self.pitch()
    }

    fn draw(&self, d: &mut Drawing, sheet_w: f64) {
        for (i, l) in self.lines.iter().enumerate() {
            let y = Self::BASELINE + i as f64 * self.pitch();
            d.text(LAYER_HEADER, Text::new(pt(MARGIN_X, y), l.clone(), self.size).align(HAlign::Left, VAlign::Baseline));
        }
        d.text(LAYER_HEADER, Text::new(pt(sheet_w - MARGIN_X, Self::BASELINE), FAULT_NOTE, FAULT_NOTE_SIZE).align(HAlign::Right, VAlign::Baseline));
    }
}

/// Where a diagram may be drawn on a sheet: a rectangle less the corner of the title block,
/// mm.
struct Area {
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
    keep_out: BBox,
}

impl Area {
    fn on_sheet(size: (f64, f64), top: f64) -> Area {
        let (tx0, ty0, tx1, ty1) = sheet::title_block(size);
        Area {
            x0: MARGIN_X,
            y0: top,
            x1: size.0 - MARGIN_X,
            y1: size.1 - MARGIN_BOTTOM,
            keep_out: BBox { x0: tx0 - TITLE_CLEARANCE, y0: ty0 - TITLE_CLEARANCE, x1: tx1, y1: ty1 },
        }
    }
}

/// The boxes a layout's items occupy (strokes and texts included) and their union.
struct Boxes {
    boxes: Vec<BBox>,
    ext: BBox,
}

pub(super) fn item_box(it: &Item) -> Option<BBox> {
    let mut b = BBox::empty();
    let h = it.stroke.width_mm / 2.0;
    let mut add = |p: crate::model::Pt, r: f64| {
        b.add(pt(p.x - r, p.y - r));
        b.add(pt(p.x + r, p.y + r));
    };
    match &it.shape {
        Shape::Line(a, c) => {
            add(*a, h);
            add(*c, h);
        }
        Shape::Polyline(p) | Shape::Polygon { points: p, .. } => p.iter().for_each(|q| add(*q, h)),
        Shape::Circle { center, radius_mm, .. } => add(*center, radius_mm + h),
        Shape::Text(t) => return Some(t.bbox()),
        Shape::Insert { block, at, scale, .. } => {
            let s = symbols::bounds(block)?;
            add(pt(at.x + s.x0 * scale, at.y + s.y0 * scale), 0.0);
            add(pt(at.x + s.x1 * scale, at.y + s.y1 * scale), 0.0);
        }
    }
    (!b.is_empty()).then_some(b)
}

impl Boxes {
    fn of(items: &[Item]) -> Boxes {
        let boxes: Vec<BBox> = items.iter().filter_map(item_box).collect();
        let mut ext = BBox::empty();
        for b in &boxes {
            ext.add(pt(b.x0, b.y0));
            ext.add(pt(b.x1, b.y1));
        }
        if ext.is_empty() {
            ext = BBox { x0: 0.0, y0: 0.0, x1: 1.0, y1: 1.0 };
        }
        Boxes { boxes, ext }
    }

    fn size(&self) -> (f64, f64) {
        ((self.ext.x1 - self.ext.x0).max(1e-6), (self.ext.y1 - self.ext.y0).max(1e-6))
    }

    /// Whether, scaled by `k` and moved by (`dx`, `dy`), a box meets the title block.
    fn hits(&self, area: &Area, k: f64, dx: f64, dy: f64) -> bool {
        self.boxes.iter().any(|b| BBox { x0: b.x0 * k + dx, y0: b.y0 * k + dy, x1: b.x1 * k + dx, y1: b.y1 * k + dy }.overlaps(&area.keep_out))
    }

    /// Offsets that put the layout, scaled by `k`, at the top-left of the area.
    fn top_left(&self, area: &Area, k: f64) -> (f64, f64) {
        (area.x0 - self.ext.x0 * k, area.y0 - self.ext.y0 * k)
    }

    /// The largest scale at which the layout, set at the area's top-left, stays inside the
    /// area and clear of the title block.
    fn fit(&self, area: &Area) -> f64 {
        let (w, h) = self.size();
        let whole = ((area.x1 - area.x0) / w).min((area.y1 - area.y0) / h);
        let clear = |k: f64| {
            let (dx, dy) = self.top_left(area, k);
            !self.hits(area, k, dx, dy)
        };
        if clear(whole) {
            return whole;
        }
        // Shrinking towards the top-left corner only moves boxes away from the title block.
        let (mut lo, mut hi) = (0.0, whole);
        for _ in 0..40 {
            let mid = (lo + hi) / 2.0;
            if clear(mid) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        lo
    }

    /// Whether the layout fits the area unscaled (main text at [`MIN_TEXT_MM`]).
    fn fits_unscaled(&self, area: &Area) -> bool {
        let (w, h) = self.size();
        let (dx, dy) = self.top_left(area, 1.0);
        w <= area.x1 - area.x0 + 1e-9 && h <= area.y1 - area.y0 + 1e-9 && !self.hits(area, 1.0, dx, dy)
    }

    /// Where the layout goes at scale `k`: centred across the area when that keeps it clear
    /// of the title block, else at the left; at the top.
    fn placement(&self, area: &Area, k: f64) -> (f64, f64) {
        let (dx, dy) = self.top_left(area, k);
        let spare = (area.x1 - area.x0) - self.size().0 * k;
        if spare > 0.0 && !self.hits(area, k, dx + spare / 2.0, dy) {
            (dx + spare / 2.0, dy)
        } else {
            (dx, dy)
        }
    }
}

fn from_note(sheet: &str) -> String {
    format!("← {sheet} 頁より")
}

fn to_note(sheet: &str) -> String {
    format!("→ {sheet} 頁へ続く")
}

/// A sheet of a split diagram: what it shows and where its notes point (sheet indices).
#[derive(Debug, Clone)]
struct Planned {
    frag: Fragment,
    /// The sheet that feeds the root, for a root drawn again.
    from: Option<usize>,
    /// Bus → the sheet its other children continue on.
    to: HashMap<usize, usize>,
}

struct Packer<'c, 'a> {
    ctx: &'c Ctx<'a>,
    area: &'c Area,
    /// Digits of the sheet numbers reserved in the notes while packing.
    digits: usize,
    sheets: Vec<Planned>,
}

impl Packer<'_, '_> {
    fn fits(&self, frag: &Fragment) -> bool {
        let n = "8".repeat(self.digits);
        let num = format!("{n}/{n}");
        let notes = Notes { from: (!frag.utility).then(|| from_note(&num)), to: frag.continued(self.ctx).into_iter().map(|b| (b, to_note(&num))).collect() };
        Boxes::of(&lay_out(self.ctx, frag, &notes)).fits_unscaled(self.area)
    }

    /// Sheets for the children `queue` of `bus`, fed on sheet `fed`; `link` is the sheet
    /// whose note for `bus` points to the first of them.
    fn process(&mut self, bus: usize, mut queue: VecDeque<usize>, mut fed: Option<usize>, utility: bool, mut link: Option<usize>) {
        let mut first = true;
        loop {
            let idx = self.sheets.len();
            if let Some(l) = link {
                self.sheets[l].to.insert(bus, idx);
            }
            let with_utility = utility && first;
            let mut frag = Fragment { root: bus, utility: with_utility, kids: HashMap::new() };
            frag.kids.insert(bus, Vec::new());
            self.sheets.push(Planned { frag, from: if with_utility { None } else { fed }, to: HashMap::new() });
            if with_utility {
                fed = Some(idx);
            }
            let mut deferred = Vec::new();
            self.fill(idx, bus, &mut queue, &mut deferred);
            // A feeder cut on this sheet continues on the next ones, then this bus does.
            for (b, rest) in deferred {
                self.process(b, rest, Some(idx), false, Some(idx));
            }
            if queue.is_empty() {
                break;
            }
            link = Some(idx);
            first = false;
        }
    }

    /// Put as many of `queue` (children of `bus`) on sheet `idx` as fit, in order; a bus cut
    /// on the way, with its children left over, goes to `deferred`.
    fn fill(&mut self, idx: usize, bus: usize, queue: &mut VecDeque<usize>, deferred: &mut Vec<(usize, VecDeque<usize>)>) {
        let ctx = self.ctx;
        let root = self.sheets[idx].frag.root;
        let mut placed = self.sheets[idx].frag.kids(bus).to_vec();
        while let Some(&c) = queue.front() {
            let mut kids = placed.clone();
            kids.push(c);
            let below = ctx.topo.downstream_bus(c);
            let mut whole = self.sheets[idx].frag.clone();
            whole.kids.insert(bus, kids.clone());
            if let Some(d) = below {
                whole.include_bus(ctx, d);
            }
            if self.fits(&whole) {
                self.sheets[idx].frag = whole;
                placed.push(c);
                queue.pop_front();
                continue;
            }
            if !placed.is_empty() {
                break;
            }
            // The branch alone is too large: draw its first device with the bus under it,
            // and as many of that bus's children as fit. The root must take something.
            let mut cut = self.sheets[idx].frag.clone();
            cut.kids.insert(bus, kids);
            if let Some(d) = below {
                cut.kids.insert(d, Vec::new());
            }
            if bus != root && !self.fits(&cut) {
                break;
            }
            self.sheets[idx].frag = cut;
            queue.pop_front();
            if let Some(d) = below {
                let mut rest: VecDeque<usize> = ctx.children.get(d).cloned().unwrap_or_default().into();
                if !rest.is_empty() {
                    self.fill(idx, d, &mut rest, deferred);
                    if !rest.is_empty() {
                        deferred.push((d, rest));
                    }
                }
            }
            break;
        }
    }

    fn notes(&self, p: &Planned) -> Notes {
        let n = self.sheets.len();
        Notes { from: p.from.map(|i| from_note(&format!("{}/{n}", i + 1))), to: p.to.iter().map(|(b, i)| (*b, to_note(&format!("{}/{n}", i + 1)))).collect() }
    }
}

/// The sheets of a split diagram (layouts with their notes), for one label width. The notes'
/// width is reserved for two-digit sheet numbers, three when there are more sheets.
fn split(ctx: &Ctx, area: &Area) -> Vec<Vec<Item>> {
    let mut digits = 2;
    loop {
        let mut p = Packer { ctx, area, digits, sheets: Vec::new() };
        let all: VecDeque<usize> = if ctx.has_source { ctx.children.get(ctx.topo.source_bus).cloned().unwrap_or_default().into() } else { VecDeque::new() };
        p.process(ctx.topo.source_bus, all, None, true, None);
        if p.sheets.len() < 10usize.pow(digits as u32) || digits >= 4 {
            return p.sheets.iter().map(|s| lay_out(ctx, &s.frag, &p.notes(s))).collect();
        }
        digits += 1;
    }
}

/// What the sheets of a diagram share around the layout.
struct Frame<'a> {
    project: &'a Project,
    heading: Heading,
    area: Area,
    paper: Paper,
    /// Size of a canvas (the whole diagram for screens); `None` for an A3 sheet.
    canvas: Option<(f64, f64)>,
}

impl Frame<'_> {
    /// A sheet (A3, then the chosen paper) or the canvas with the layout `items` scaled by
    /// `k`.
    fn sheet(&self, items: Vec<Item>, k: f64, info: &SheetInfo) -> Drawing {
        let (dx, dy) = Boxes::of(&items).placement(&self.area, k);
        let mut items = items;
        sheet::place(&mut items, k, dx, dy);
        let mut d = Drawing::new(Paper::A3, format!("{TITLE} — {}", self.project.name));
        d.canvas_mm = self.canvas;
        let size = d.size_mm();
        d.blocks = symbols::blocks();
        for (l, c) in [(LAYER_BUS, Rgb::BLACK), (LAYER_WIRE, Rgb::BLACK), (LAYER_LABEL, Rgb::BLACK), (LAYER_FAULT, Rgb(200, 0, 0)), (LAYER_NOTE, Rgb::BLACK)] {
            d.layer(l, c);
        }
        for it in &items {
            d.layer(&it.layer, it.stroke.color);
        }
        d.items.extend(items);
        self.heading.draw(&mut d, size.0);
        sheet::frame_sized(&mut d, size, TITLE, info);
        if self.canvas.is_some() {
            d
        } else {
            sheet::to_paper(d, self.paper)
        }
    }
}

/// The diagram: one sheet when it fits at text ≥ [`MIN_TEXT_MM`], else split; the label
/// width (one context each) that draws it largest, or on the fewest sheets, wins.
pub(super) fn compose(project: &Project, contexts: &[Ctx], opts: &SldOptions) -> SldDiagram {
    let heading = Heading::new(project, sheet::A3.0);
    let area = Area::on_sheet(sheet::A3, heading.area_top());
    let a3 = Frame { project, heading, area, paper: opts.paper, canvas: None };
    let paper_k = opts.paper.size_mm().0 / sheet::A3.0;
    let finish = |k: f64, drawing: Drawing, sheets: Vec<Drawing>| SldDiagram { drawing, sheets, fit_scale: k, label_size_mm: TEXT_SIZE * k * paper_k };

    let mut best: Option<(f64, Vec<Item>)> = None;
    for ctx in contexts {
        let items = lay_out(ctx, &Fragment::whole(ctx, ctx.topo.source_bus, true), &Notes::default());
        let k = Boxes::of(&items).fit(&a3.area).min(MAX_SCALE);
        if best.as_ref().is_none_or(|(bk, _)| k > *bk + 1e-9) {
            best = Some((k, items));
        }
    }
    if let Some((k, items)) = best.as_ref().filter(|(k, _)| *k >= 1.0 - 1e-9) {
        let s = a3.sheet(items.clone(), *k, &opts.sheet);
        return finish(*k, s.clone(), vec![s]);
    }

    // Split: the fewest sheets, then the largest common scale.
    let mut chosen: Option<(usize, f64, usize, Vec<Vec<Item>>)> = None;
    for (i, ctx) in contexts.iter().enumerate() {
        let layouts = split(ctx, &a3.area);
        let k = layouts.iter().map(|l| Boxes::of(l).fit(&a3.area)).fold(MAX_SCALE, f64::min);
        let better = match &chosen {
            None => true,
            Some((n, bk, _, _)) => layouts.len() < *n || (layouts.len() == *n && k > *bk + 1e-9),
        };
        if better {
            chosen = Some((layouts.len(), k, i, layouts));
        }
    }
    let Some((n, k, i, layouts)) = chosen else {
        let (k, items) = best.unwrap_or((1.0, Vec::new()));
        let s = a3.sheet(items, k, &opts.sheet);
        return finish(k, s.clone(), vec![s]);
    };
    let sheets: Vec<Drawing> = layouts
        .into_iter()
        .enumerate()
        .map(|(p, items)| a3.sheet(items, k, &SheetInfo { page: format!("{}/{n}", p + 1), ..opts.sheet.clone() }))
        .collect();

    // The whole diagram at the sheets' scale, for screens, above the title block.
    let ctx = &contexts[i];
    let items = lay_out(ctx, &Fragment::whole(ctx, ctx.topo.source_bus, true), &Notes::default());
    let (w, h) = Boxes::of(&items).size();
    let wide = (2.0 * MARGIN_X + w * k).max(sheet::A3.0);
    let heading = Heading::new(project, wide);
    let (_, ty0, _, _) = sheet::title_block(sheet::A3);
    let size = (wide, (heading.area_top() + h * k + TITLE_CLEARANCE + (sheet::A3.1 - ty0)).max(sheet::A3.1));
    let area = Area::on_sheet(size, heading.area_top());
    let canvas = Frame { project, heading, area, paper: opts.paper, canvas: Some(size) };
    finish(k, canvas.sheet(items, k, &opts.sheet), sheets)
}
