//! One fragment of the single-line diagram laid out in layout units (millimetres on an A3
//! sheet at the smallest scale, where the main text is [`TEXT_SIZE`] high), origin at the
//! fragment's top-left.
//!
//! A fragment is a bus and the part of the tree under it that one sheet shows: the whole
//! diagram, or a bus with some of its children. Rows run between two levels of buses; a row
//! is as tall as its tallest label, its symbols and the labels of the buses that end it need.
//! Columns never share space: a branch is as wide as the widest of its own label, its bus's
//! label, its continuation note and its children side by side, and every symbol of the branch
//! lies inside it. A device that ends its branch (an arrester, a VT, a load) needs its row
//! only: it stands right after the label of the sibling before it, however wide that
//! sibling's branch is below. The labels of the meters and earthing hung on a device follow
//! its own label in its row. So no text box meets another text or another device's symbol by
//! construction; `tests/sld_layout.rs` measures it.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};

use domain::model::Device;

use super::{line_width, wrap_lines, Ctx, Line, LAYER_BUS, LAYER_NOTE, LAYER_WIRE, TEXT_SIZE};
use crate::font::text_width_mm;
use crate::model::{pt, HAlign, Item, Rgb, Shape, Stroke, Tag, Text, VAlign};
use crate::symbols::{self, HALF_HEIGHT, LEFT_EXTENT, RIGHT_EXTENT};

/// Distance between two lines of a label.
pub(super) const LINE_PITCH: f64 = 1.24 * TEXT_SIZE;
/// Space between a bus bar and the labels of the row under it.
const GAP_TOP: f64 = 1.5;
/// Space between the labels or symbols of a row and the bus labels that end it.
const GAP_BOTTOM: f64 = 1.8;
/// Shortest wire between a bus bar and the symbol under it.
const WIRE: f64 = 1.5;
/// A bus label starts this far right of the conductor feeding the bus.
const BUS_DX: f64 = 1.5;
/// A bus label ends this far above its bar.
const BUS_DY: f64 = 0.8;
/// A label starts this far right of its symbol's reach.
const LABEL_GAP: f64 = 1.2;
/// Space after a branch before the next.
const COL_GAP: f64 = 2.5;
/// Space between the end of a bus's children and its continuation note.
const NOTE_GAP: f64 = 2.5;
/// A bus bar reaches this far past its outer conductors.
const BAR_OVERHANG: f64 = 2.0;
/// Widest a label is wrapped to when its branch has room to spare.
const WIDEST_LABEL: f64 = 60.0;
/// Space between a label and the label of a meter or earthing that follows it.
const SATELLITE_GAP: f64 = 3.0;
/// Space between a line and its tail (a bus's fault current after its name).
pub(super) const TAIL_GAP: f64 = 1.5;

/// The part of the tree a sheet shows.
#[derive(Debug, Clone)]
pub(super) struct Fragment {
    /// The bus at the top: the service-point bus under the utility, or a bus drawn again.
    pub root: usize,
    /// Whether the utility is drawn above the root (the first sheet).
    pub utility: bool,
    /// Children drawn under each bus of the fragment; a bus without an entry shows none.
    pub kids: HashMap<usize, Vec<usize>>,
}

impl Fragment {
    /// The whole tree under `root`.
    pub fn whole(ctx: &Ctx, root: usize, utility: bool) -> Fragment {
        let mut f = Fragment { root, utility, kids: HashMap::new() };
        f.include_bus(ctx, root);
        f
    }

    /// Every child of `bus` and everything under them, drawn.
    pub fn include_bus(&mut self, ctx: &Ctx, bus: usize) {
        let mut stack = vec![bus];
        let mut seen = HashSet::new();
        while let Some(b) = stack.pop() {
            if !seen.insert(b) {
                continue;
            }
            let kids = ctx.children.get(b).cloned().unwrap_or_default();
            stack.extend(kids.iter().filter_map(|&c| ctx.topo.downstream_bus(c)));
            self.kids.insert(b, kids);
        }
    }

    /// Children of `bus` drawn here.
    pub fn kids(&self, bus: usize) -> &[usize] {
        self.kids.get(&bus).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Buses of the fragment whose other children are on other sheets, in no order.
    pub fn continued(&self, ctx: &Ctx) -> Vec<usize> {
        self.kids.iter().filter(|(b, k)| ctx.children.get(**b).is_some_and(|all| all.len() > k.len())).map(|(b, _)| *b).collect()
    }
}

/// The notes of a fragment that point to other sheets.
#[derive(Debug, Clone, Default)]
pub(super) struct Notes {
    /// Above a bus drawn again: the sheet that feeds it.
    pub from: Option<String>,
    /// After a bus whose other children are elsewhere: the sheet they continue on.
    pub to: HashMap<usize, String>,
}

/// The items of a fragment, in layout units.
pub(super) fn lay_out(ctx: &Ctx, frag: &Fragment, notes: &Notes) -> Vec<Item> {
    let n = ctx.project.devices.len();
    let mut g = Geo {
        ctx,
        frag,
        notes,
        labels: HashMap::new(),
        source: None,
        depth: HashMap::new(),
        width: vec![0.0; n],
        own: vec![0.0; n],
        left: vec![0.0; n],
        row_followed: vec![false; n],
        offset: vec![None; n],
        conductor: vec![None; n],
        core: HashMap::new(),
        bus_off: HashMap::new(),
        y_bus: Vec::new(),
        yc: Vec::new(),
        items: Vec::new(),
    };
    g.depths();
    g.measure();
    if g.widen_labels() {
        g.measure();
    }
    g.rows();
    let first_off = g.root_offset();
    g.place(first_off);
    g.items
}

/// How far the utility's symbol reaches (left, right) of its conductor.
fn source_reach() -> (f64, f64) {
    match symbols::bounds(symbols::SOURCE) {
        Some(b) => (-b.x0, b.x1),
        None => (LEFT_EXTENT, RIGHT_EXTENT),
    }
}

fn lines_width(lines: &[Line]) -> f64 {
    lines.iter().map(line_width).fold(0.0, f64::max)
}

struct Geo<'a> {
    ctx: &'a Ctx<'a>,
    frag: &'a Fragment,
    notes: &'a Notes,
    /// Labels wrapped wider than the context's width, where their branch has the room.
    labels: HashMap<usize, Vec<Line>>,
    source: Option<Vec<Line>>,
    /// Bus → its level in the fragment (the root is 0).
    depth: HashMap<usize, usize>,
    /// Per device: width of its branch.
    width: Vec<f64>,
    /// Per device: width its row needs (symbol, label and the labels that follow it).
    own: Vec<f64>,
    /// Per device: distance from its bus's branch's left edge to its branch's left edge.
    left: Vec<f64>,
    /// Per device: whether a sibling stands right after its label in its row.
    row_followed: Vec<bool>,
    /// Per device: the least distance from its branch's left edge to its conductor.
    offset: Vec<Option<f64>>,
    /// Per device: distance from its branch's left edge to its conductor as placed.
    conductor: Vec<Option<f64>>,
    /// Bus → width of its label and children, before its continuation note.
    core: HashMap<usize, f64>,
    /// Bus → distance from its branch's left edge to the conductor feeding it.
    bus_off: HashMap<usize, f64>,
    /// Per level: y of the bus bars.
    y_bus: Vec<f64>,
    /// Per row: y of the symbols' centres (row 0: the utility; row r: the devices under
    /// the buses of level r − 1).
    yc: Vec<f64>,
    items: Vec<Item>,
}

impl Geo<'_> {
    fn device(&self, i: usize) -> Option<&Device> {
        self.ctx.project.devices.get(i)
    }

    fn label(&self, i: usize) -> &[Line] {
        match self.labels.get(&i) {
            Some(l) => l,
            None => self.ctx.labels.get(i).map(Vec::as_slice).unwrap_or(&[]),
        }
    }

    fn source(&self) -> &[Line] {
        self.source.as_deref().unwrap_or(&self.ctx.source)
    }

    /// Widths of every branch.
    fn measure(&mut self) {
        self.core.clear();
        self.bus_off.clear();
        let first_off = self.root_offset();
        if self.ctx.has_source {
            self.bus_width(self.frag.root, first_off, 0);
        }
    }

    /// Wrap again, wider, the labels whose branch is wider than they are (a device above many
    /// feeders, the bus they hang from), so they take fewer lines; the branch widths stay.
    /// Whether any label changed.
    fn widen_labels(&mut self) -> bool {
        let mut room: Vec<(usize, f64)> = Vec::new();
        for (&b, &first) in &self.bus_off {
            if let Some(core) = self.core.get(&b) {
                room.push((b, core - first - BUS_DX - COL_GAP));
            }
            for &c in self.frag.kids(b) {
                if self.row_followed[c] || !self.sats(c).is_empty() {
                    continue;
                }
                if let Some(off) = self.conductor.get(c).copied().flatten() {
                    room.push((c, self.width[c] - off - self.label_gap(c) - COL_GAP));
                }
            }
        }
        let mut changed = false;
        for (i, w) in room {
            if w > self.ctx.width + 0.5 {
                let lines = wrap_lines(&self.ctx.raw[i], w.min(WIDEST_LABEL));
                if lines.len() < self.label(i).len() {
                    self.labels.insert(i, lines);
                    changed = true;
                }
            }
        }
        if self.frag.utility {
            let root = self.frag.root;
            if let (Some(core), Some(first)) = (self.core.get(&root), self.bus_off.get(&root)) {
                let w = core - first - source_reach().1 - LABEL_GAP - COL_GAP;
                if w > self.ctx.width + 0.5 {
                    let lines = wrap_lines(&self.ctx.source_raw, w.min(WIDEST_LABEL));
                    if lines.len() < self.ctx.source.len() {
                        self.source = Some(lines);
                        changed = true;
                    }
                }
            }
        }
        changed
    }

    /// How far the figure of a device reaches (left, right) of its conductor.
    fn reach(&self, i: usize) -> (f64, f64) {
        match self.ctx.figures.get(i).and_then(Option::as_ref) {
            Some(f) => (f.left, f.right),
            None => (LEFT_EXTENT, RIGHT_EXTENT),
        }
    }

    /// The meters and earthing whose labels follow a device's label.
    fn sats(&self, i: usize) -> &[usize] {
        self.ctx.satellites.get(i).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Whether a device's branch goes on below its row.
    fn has_subtree(&self, i: usize) -> bool {
        self.ctx.topo.downstream_bus(i).is_some_and(|b| self.depth.contains_key(&b))
    }

    fn note_to(&self, bus: usize) -> Option<&str> {
        self.notes.to.get(&bus).map(String::as_str)
    }

    fn depths(&mut self) {
        self.depth.insert(self.frag.root, 0);
        let mut stack = vec![self.frag.root];
        while let Some(b) = stack.pop() {
            let d = self.depth[&b];
            for &c in self.frag.kids(b) {
                if let Some(nb) = self.ctx.topo.downstream_bus(c) {
                    if let Entry::Vacant(e) = self.depth.entry(nb) {
                        e.insert(d + 1);
                        stack.push(nb);
                    }
                }
            }
        }
    }

    /// Heights of the rows: every row holds its tallest label centred on the symbols, and the
    /// labels of the buses that end it below that.
    fn rows(&mut self) {
        let levels = self.depth.values().copied().max().unwrap_or(0) + 1;
        let mut label_lines = vec![0usize; levels + 1];
        let mut bus_lines = vec![0usize; levels];
        for (&b, &d) in &self.depth {
            bus_lines[d] = bus_lines[d].max(self.label(b).len());
            for &c in self.frag.kids(b) {
                let tallest = self.sats(c).iter().map(|&s| self.label(s).len()).fold(self.label(c).len(), usize::max);
                label_lines[d + 1] = label_lines[d + 1].max(tallest);
            }
        }
        let band = |lines: usize| lines as f64 * LINE_PITCH + BUS_DY;
        let first = if self.frag.utility {
            let h = self.source().len() as f64 * LINE_PITCH;
            let yc = HALF_HEIGHT.max(h / 2.0);
            self.yc.push(yc);
            (yc + HALF_HEIGHT + 1.0).max(yc + h / 2.0 + GAP_BOTTOM)
        } else {
            self.yc.push(0.0);
            LINE_PITCH + GAP_BOTTOM
        };
        self.y_bus.push(first + band(bus_lines[0]));
        for r in 1..=levels {
            let h = label_lines[r] as f64 * LINE_PITCH;
            let to_centre = (HALF_HEIGHT + WIRE).max(GAP_TOP + h / 2.0);
            let top = self.y_bus[r - 1];
            self.yc.push(top + to_centre);
            if r < levels {
                let below = (to_centre + HALF_HEIGHT + 1.0).max(to_centre + h / 2.0 + GAP_BOTTOM);
                self.y_bus.push(top + below + band(bus_lines[r]));
            }
        }
    }

    /// Distance from a branch's left edge to its conductor: the widest reach to the left of
    /// any symbol on the branch's straight line down.
    fn offset(&mut self, dev: usize, guard: usize) -> f64 {
        if let Some(o) = self.offset.get(dev).copied().flatten() {
            return o;
        }
        let own = self.reach(dev).0 + 0.3;
        let below = match self.ctx.topo.downstream_bus(dev).and_then(|b| self.frag.kids(b).first().copied()) {
            Some(c) if guard < self.width.len() => self.offset(c, guard + 1),
            _ => 0.0,
        };
        let o = own.max(below);
        if let Some(slot) = self.offset.get_mut(dev) {
            *slot = Some(o);
        }
        o
    }

    fn root_offset(&mut self) -> f64 {
        let first = self.frag.kids(self.frag.root).first().copied();
        let kid = first.map(|c| self.offset(c, 0)).unwrap_or(0.0);
        if self.frag.utility {
            kid.max(source_reach().0 + 0.3)
        } else {
            kid.max(1.0)
        }
    }

    fn label_gap(&self, dev: usize) -> f64 {
        self.reach(dev).1 + LABEL_GAP
    }

    /// Width of a device's branch with its conductor `off` from the branch's left edge
    /// (at least the branch's own [`Self::offset`]).
    fn branch_width(&mut self, dev: usize, off: f64, guard: usize) -> f64 {
        let (_, right) = self.reach(dev);
        let sats: f64 = self.sats(dev).iter().map(|&s| SATELLITE_GAP + lines_width(self.label(s))).sum();
        let own = (off + self.label_gap(dev) + lines_width(self.label(dev)) + sats).max(off + right) + COL_GAP;
        let below = match self.ctx.topo.downstream_bus(dev) {
            Some(b) if self.depth.contains_key(&b) => self.bus_width(b, off, guard + 1),
            _ => 0.0,
        };
        let w = own.max(below);
        self.width[dev] = w;
        self.own[dev] = own;
        self.conductor[dev] = Some(off);
        w
    }

    /// Width of a bus's part of the fragment whose first conductor sits `first_off` from its
    /// left edge (at least the first child's [`Self::offset`]).
    fn bus_width(&mut self, bus: usize, first_off: f64, guard: usize) -> f64 {
        if guard > self.width.len() {
            return 0.0;
        }
        self.bus_off.insert(bus, first_off);
        let kids = self.frag.kids(bus).to_vec();
        // Right edges of what the children placed so far take: in their row, and below it.
        let (mut row, mut below) = (0.0f64, 0.0f64);
        let mut prev: Option<usize> = None;
        for (k, &c) in kids.iter().enumerate() {
            let off = if k == 0 { first_off } else { self.offset(c, guard) };
            self.branch_width(c, off, guard + 1);
            let subtree = self.has_subtree(c);
            let left = if subtree { row.max(below) } else { row };
            if let Some(p) = prev {
                self.row_followed[p] = !subtree && left < below;
            }
            self.left[c] = left;
            row = left + self.own[c];
            if subtree {
                below = below.max(left + self.width[c]);
            }
            prev = Some(c);
        }
        if let Some(p) = prev {
            self.row_followed[p] = false;
        }
        let sum = row.max(below);
        let mut own = first_off + BUS_DX + lines_width(self.label(bus)) + COL_GAP;
        if bus == self.frag.root && !self.frag.utility {
            if let Some(f) = &self.notes.from {
                own = own.max(first_off + BUS_DX + text_width_mm(f, TEXT_SIZE) + COL_GAP);
            }
        }
        if bus == self.frag.root && self.frag.utility {
            own = own.max(first_off + source_reach().1 + LABEL_GAP + lines_width(self.source()) + COL_GAP);
        }
        let core = sum.max(own);
        self.core.insert(bus, core);
        match self.note_to(bus).map(|t| text_width_mm(t, TEXT_SIZE)) {
            Some(w) if kids.is_empty() => core.max(first_off + BUS_DX + w + COL_GAP),
            Some(w) => core + NOTE_GAP + w + COL_GAP,
            None => core,
        }
    }

    fn push(&mut self, layer: &str, stroke: Stroke, shape: Shape, id: Option<&str>) {
        self.items.push(Item { layer: layer.to_string(), stroke, shape, tag: Tag { device_id: id.map(str::to_string), line: None } });
    }

    fn id(&self, i: usize) -> Option<String> {
        self.device(i).map(|d| d.id().to_string())
    }

    fn text(&mut self, t: Text, layer: &str, id: Option<&str>) {
        let color = t.color;
        self.push(layer, Stroke::new(color, 0.0), Shape::Text(t), id);
    }

    /// Label lines left-aligned at `x`, centred on `yc`.
    fn label_at(&mut self, x: f64, yc: f64, lines: &[Line], id: Option<&str>) {
        let top = yc - lines.len() as f64 * LINE_PITCH / 2.0;
        for (k, l) in lines.iter().enumerate() {
            let y = top + LINE_PITCH * (k as f64 + 0.5);
            self.line_at(l, x, y, VAlign::Middle, id);
        }
    }

    /// One label line starting at `x`, its tail after it.
    fn line_at(&mut self, l: &Line, x: f64, y: f64, v: VAlign, id: Option<&str>) {
        let t = Text::new(pt(x, y), l.text.clone(), TEXT_SIZE).align(HAlign::Left, v).color(l.color);
        self.text(t, l.layer, id);
        if let Some(tail) = &l.tail {
            let tx = x + text_width_mm(&l.text, TEXT_SIZE) + TAIL_GAP;
            let t = Text::new(pt(tx, y), tail.text.clone(), TEXT_SIZE).align(HAlign::Left, v).color(tail.color);
            self.text(t, tail.layer, id);
        }
    }

    fn wire(&mut self, x: f64, y0: f64, y1: f64, id: Option<&str>) {
        self.push(LAYER_WIRE, Stroke::new(Rgb::BLACK, 0.35), Shape::Line(pt(x, y0), pt(x, y1)), id);
    }

    fn place(&mut self, first_off: f64) {
        let root = self.frag.root;
        let y0 = self.y_bus.first().copied().unwrap_or(0.0);
        if self.frag.utility {
            let yc = self.yc[0];
            let source = Shape::Insert { block: symbols::SOURCE.to_string(), at: pt(first_off, yc), scale: 1.0, rotation_deg: 0.0 };
            self.push("DEV_utility", Stroke::new(Rgb::BLACK, 0.35), source, Some("utility"));
            let src = self.source().to_vec();
            let x = first_off + source_reach().1 + LABEL_GAP;
            self.label_at(x, yc, &src, Some("utility"));
            if self.ctx.has_source {
                self.wire(first_off, yc + HALF_HEIGHT, y0, Some("utility"));
            }
        } else {
            let id = self.id(root);
            self.wire(first_off, 0.0, y0, id.as_deref());
            if let Some(f) = self.notes.from.clone() {
                let t = Text::new(pt(first_off + BUS_DX, 0.0), f, TEXT_SIZE).align(HAlign::Left, VAlign::Top);
                self.text(t, LAYER_NOTE, id.as_deref());
            }
        }
        if self.ctx.has_source {
            self.place_bus(root, 0.0, first_off, 0, 0);
        }
    }

    /// Place the part of the fragment under `bus` (level `level`), its branch's left edge at
    /// `left` and its first conductor `first_off` right of that.
    fn place_bus(&mut self, bus: usize, left: f64, first_off: f64, level: usize, guard: usize) {
        if guard > self.width.len() {
            return;
        }
        let y = self.y_bus[level];
        let yc = self.yc.get(level + 1).copied().unwrap_or(y + HALF_HEIGHT + WIRE);
        let kids = self.frag.kids(bus).to_vec();
        let bus_id = self.id(bus);
        let first_x = left + first_off;
        let mut last_x = first_x;
        for (k, &c) in kids.iter().enumerate() {
            let off = if k == 0 { first_off } else { self.offset(c, guard) };
            let x_left = left + self.left[c];
            let x = x_left + off;
            last_x = x;
            let id = self.id(c);
            self.wire(x, y, yc - HALF_HEIGHT, id.as_deref());
            if let Some(f) = self.ctx.figures.get(c).and_then(Option::as_ref) {
                self.items.extend(f.placed_at(x, yc));
            }
            let lines = self.label(c).to_vec();
            let mut label_x = x + self.label_gap(c);
            self.label_at(label_x, yc, &lines, id.as_deref());
            let mut prev = lines;
            for s in self.sats(c).to_vec() {
                label_x += lines_width(&prev) + SATELLITE_GAP;
                let sat = self.label(s).to_vec();
                let sid = self.id(s);
                self.label_at(label_x, yc, &sat, sid.as_deref());
                prev = sat;
            }
            if let Some(b) = self.ctx.topo.downstream_bus(c).filter(|b| self.depth.get(b) == Some(&(level + 1))) {
                let y_next = self.y_bus[level + 1];
                self.wire(x, yc + HALF_HEIGHT, y_next, id.as_deref());
                self.place_bus(b, x_left, off, level + 1, guard + 1);
            }
        }
        let bar = Stroke::new(Rgb::BLACK, 0.9);
        let dot = |g: &mut Self| g.push(LAYER_BUS, Stroke::new(Rgb::BLACK, 0.2), Shape::Circle { center: pt(first_x, y), radius_mm: 0.7, fill: Some(Rgb::BLACK) }, bus_id.as_deref());
        match self.note_to(bus).map(str::to_string) {
            Some(note) if kids.is_empty() => {
                // Cut here: the children are on another sheet.
                dot(self);
                let t = Text::new(pt(first_x + BUS_DX, y + GAP_TOP), note, TEXT_SIZE).align(HAlign::Left, VAlign::Top);
                self.text(t, LAYER_NOTE, bus_id.as_deref());
            }
            Some(note) => {
                // Some children here, the others on another sheet: the bar runs on to the note.
                let note_x = left + self.core.get(&bus).copied().unwrap_or(0.0) + NOTE_GAP;
                self.push(LAYER_BUS, bar, Shape::Line(pt(first_x - BAR_OVERHANG, y), pt(note_x - 1.0, y)), bus_id.as_deref());
                let t = Text::new(pt(note_x, y), note, TEXT_SIZE).align(HAlign::Left, VAlign::Middle);
                self.text(t, LAYER_NOTE, bus_id.as_deref());
            }
            None if kids.len() > 1 => {
                self.push(LAYER_BUS, bar, Shape::Line(pt(first_x - BAR_OVERHANG, y), pt(last_x + BAR_OVERHANG, y)), bus_id.as_deref());
            }
            None => dot(self),
        }
        let lines = self.label(bus).to_vec();
        let n = lines.len();
        for (k, l) in lines.iter().enumerate() {
            let yy = y - BUS_DY - (n - 1 - k) as f64 * LINE_PITCH;
            self.line_at(l, first_x + BUS_DX, yy, VAlign::Bottom, bus_id.as_deref());
        }
    }
}
