//! The drawing model every back-end reads: lines, polylines, polygons, circles and texts on
//! named layers, plus reusable blocks (symbols) and their insertions.
//!
//! Coordinates are millimetres on the sheet, origin at the top-left corner, x to the right
//! and y downwards (the order a reader scans a sheet). Back-ends with y upwards (PDF, DXF)
//! flip once. Angles are degrees, counter-clockwise as seen on the sheet.

use crate::font;

/// A point on the sheet, mm (y downwards).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pt {
    pub x: f64,
    pub y: f64,
}

/// Shorthand for [`Pt`].
pub fn pt(x: f64, y: f64) -> Pt {
    Pt { x, y }
}

/// An sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    pub const BLACK: Rgb = Rgb(0, 0, 0);
    pub const GRID: Rgb = Rgb(150, 150, 150);
    pub const MINOR: Rgb = Rgb(205, 205, 205);
    pub const RED: Rgb = Rgb(220, 20, 20);
    pub const WHITE: Rgb = Rgb(255, 255, 255);

    /// `#rrggbb`.
    pub fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }
}

/// Line pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dash {
    Solid,
    /// 3 mm dash, 1.5 mm gap.
    Dashed,
    /// 0.6 mm dot, 0.9 mm gap.
    Dotted,
    /// 5 mm dash, 1 mm gap, 1 mm dash, 1 mm gap.
    DashDot,
}

impl Dash {
    /// Dash/gap lengths in mm, starting with a dash; empty for solid.
    pub fn pattern_mm(self) -> &'static [f64] {
        match self {
            Dash::Solid => &[],
            Dash::Dashed => &[3.0, 1.5],
            Dash::Dotted => &[0.6, 0.9],
            Dash::DashDot => &[5.0, 1.0, 1.0, 1.0],
        }
    }

    /// Line-type name used in DXF.
    pub fn name(self) -> &'static str {
        match self {
            Dash::Solid => "CONTINUOUS",
            Dash::Dashed => "KY_DASHED",
            Dash::Dotted => "KY_DOTTED",
            Dash::DashDot => "KY_DASHDOT",
        }
    }
}

/// How a line is drawn: colour, width (mm) and pattern.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stroke {
    pub color: Rgb,
    /// Line width, mm.
    pub width_mm: f64,
    pub dash: Dash,
}

impl Stroke {
    pub fn new(color: Rgb, width_mm: f64) -> Stroke {
        Stroke { color, width_mm, dash: Dash::Solid }
    }
    pub fn dashed(self, dash: Dash) -> Stroke {
        Stroke { dash, ..self }
    }
}

/// Horizontal alignment of a text relative to its position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HAlign {
    Left,
    Center,
    Right,
}

/// Vertical alignment of a text relative to its position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VAlign {
    Top,
    Middle,
    Baseline,
    Bottom,
}

/// A single line of text. `size_mm` is the font size (em height), mm.
#[derive(Debug, Clone, PartialEq)]
pub struct Text {
    pub at: Pt,
    pub text: String,
    /// Font size (em), mm.
    pub size_mm: f64,
    pub h: HAlign,
    pub v: VAlign,
    /// Rotation, degrees counter-clockwise on the sheet, about `at`.
    pub rotation_deg: f64,
    pub color: Rgb,
}

/// Fraction of the em above the baseline used for vertical alignment (ascent of the glyphs
/// that matter: digits, Latin capitals, kana and kanji).
pub const ASCENT: f64 = 0.86;
/// Fraction of the em below the baseline.
pub const DESCENT: f64 = 0.14;

impl Text {
    pub fn new(at: Pt, text: impl Into<String>, size_mm: f64) -> Text {
        Text { at, text: text.into(), size_mm, h: HAlign::Left, v: VAlign::Baseline, rotation_deg: 0.0, color: Rgb::BLACK }
    }
    pub fn align(mut self, h: HAlign, v: VAlign) -> Text {
        self.h = h;
        self.v = v;
        self
    }
    pub fn color(mut self, c: Rgb) -> Text {
        self.color = c;
        self
    }
    pub fn rotate(mut self, deg: f64) -> Text {
        self.rotation_deg = deg;
        self
    }

    /// Advance width of the text in the embedded font, mm.
    pub fn width_mm(&self) -> f64 {
        font::text_width_mm(&self.text, self.size_mm)
    }

    /// Offset from `at` to the left end of the baseline, in the text's own frame (x along
    /// the text, y downwards), mm.
    pub fn baseline_offset(&self) -> (f64, f64) {
        let w = self.width_mm();
        let dx = match self.h {
            HAlign::Left => 0.0,
            HAlign::Center => -w / 2.0,
            HAlign::Right => -w,
        };
        let s = self.size_mm;
        let dy = match self.v {
            VAlign::Top => ASCENT * s,
            VAlign::Middle => (ASCENT - DESCENT) * s / 2.0,
            VAlign::Baseline => 0.0,
            VAlign::Bottom => -DESCENT * s,
        };
        (dx, dy)
    }

    /// Left end of the baseline on the sheet, mm.
    pub fn baseline_start(&self) -> Pt {
        let (dx, dy) = self.baseline_offset();
        let a = self.rotation_deg.to_radians();
        let (c, s) = (a.cos(), a.sin());
        // Counter-clockwise on a y-down sheet: the text's x axis is (cos, −sin).
        pt(self.at.x + dx * c + dy * s, self.at.y - dx * s + dy * c)
    }

    /// Axis-aligned box the text occupies on the sheet (ascent to descent), mm.
    pub fn bbox(&self) -> BBox {
        let (dx, dy) = self.baseline_offset();
        let w = self.width_mm();
        let s = self.size_mm;
        let corners = [(dx, dy - ASCENT * s), (dx + w, dy - ASCENT * s), (dx, dy + DESCENT * s), (dx + w, dy + DESCENT * s)];
        let a = self.rotation_deg.to_radians();
        let (c, sn) = (a.cos(), a.sin());
        let mut b = BBox::empty();
        for (x, y) in corners {
            b.add(pt(self.at.x + x * c + y * sn, self.at.y - x * sn + y * c));
        }
        b
    }
}

/// An axis-aligned box, mm.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BBox {
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
}

impl BBox {
    pub fn empty() -> BBox {
        BBox { x0: f64::INFINITY, y0: f64::INFINITY, x1: f64::NEG_INFINITY, y1: f64::NEG_INFINITY }
    }
    pub fn add(&mut self, p: Pt) {
        self.x0 = self.x0.min(p.x);
        self.y0 = self.y0.min(p.y);
        self.x1 = self.x1.max(p.x);
        self.y1 = self.y1.max(p.y);
    }
    /// Whether two boxes share interior area (touching edges do not count).
    pub fn overlaps(&self, o: &BBox) -> bool {
        self.x0 < o.x1 && o.x0 < self.x1 && self.y0 < o.y1 && o.y0 < self.y1
    }
    pub fn is_empty(&self) -> bool {
        !(self.x1 >= self.x0 && self.y1 >= self.y0)
    }
}

/// A drawable shape.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    Line(Pt, Pt),
    /// An open polyline.
    Polyline(Vec<Pt>),
    /// A closed polygon; `fill` paints the inside with `opacity` (0 … 1), the stroke draws
    /// the outline unless its width is 0.
    Polygon { points: Vec<Pt>, fill: Option<Rgb>, opacity: f64 },
    Circle { center: Pt, radius_mm: f64, fill: Option<Rgb> },
    Text(Text),
    /// A block placed at `at`, scaled uniformly, rotated counter-clockwise.
    Insert { block: String, at: Pt, scale: f64, rotation_deg: f64 },
}

/// What a drawn item stands for, so that readers (tests, DXF layers, SVG attributes) can find
/// it: the device it belongs to and the kind of line.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Tag {
    /// Device id (`utility` for the utility's relay), if the item belongs to a device.
    pub device_id: Option<String>,
    /// Curve line kind (`nominal`, `min`, `max`, `melting`, …) for chart curves.
    pub line: Option<String>,
}

/// One item on a layer.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub layer: String,
    pub stroke: Stroke,
    pub shape: Shape,
    pub tag: Tag,
}

/// A named symbol: items in the block's own millimetre frame, origin at its insertion point.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    pub name: String,
    pub items: Vec<Item>,
}

/// A layer with its default colour.
#[derive(Debug, Clone, PartialEq)]
pub struct Layer {
    pub name: String,
    pub color: Rgb,
}

/// Paper sizes (landscape).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paper {
    /// 420 × 297 mm.
    A3,
    /// 297 × 210 mm.
    A4,
}

impl Paper {
    /// (width, height) in mm, landscape.
    pub fn size_mm(self) -> (f64, f64) {
        match self {
            Paper::A3 => (420.0, 297.0),
            Paper::A4 => (297.0, 210.0),
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            Paper::A3 => "A3",
            Paper::A4 => "A4",
        }
    }
}

/// A complete sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct Drawing {
    pub paper: Paper,
    /// Size of a drawing that is not a paper sheet (width, height), mm: the whole single-line
    /// diagram of a multi-sheet set, for screens. `None` for a paper sheet.
    pub canvas_mm: Option<(f64, f64)>,
    /// Sheet title (also the PDF/SVG document title).
    pub title: String,
    pub layers: Vec<Layer>,
    pub blocks: Vec<Block>,
    pub items: Vec<Item>,
}

impl Drawing {
    pub fn new(paper: Paper, title: impl Into<String>) -> Drawing {
        Drawing { paper, canvas_mm: None, title: title.into(), layers: Vec::new(), blocks: Vec::new(), items: Vec::new() }
    }

    /// Sheet size (the canvas's when there is one), mm.
    pub fn size_mm(&self) -> (f64, f64) {
        self.canvas_mm.unwrap_or_else(|| self.paper.size_mm())
    }

    /// Declare a layer (once; later declarations are ignored).
    pub fn layer(&mut self, name: &str, color: Rgb) {
        if !self.layers.iter().any(|l| l.name == name) {
            self.layers.push(Layer { name: name.to_string(), color });
        }
    }

    /// Add an item; its layer is declared with the stroke colour if new.
    pub fn push(&mut self, layer: &str, stroke: Stroke, shape: Shape) {
        self.push_tagged(layer, stroke, shape, Tag::default());
    }

    pub fn push_tagged(&mut self, layer: &str, stroke: Stroke, shape: Shape, tag: Tag) {
        self.layer(layer, stroke.color);
        self.items.push(Item { layer: layer.to_string(), stroke, shape, tag });
    }

    pub fn line(&mut self, layer: &str, stroke: Stroke, a: Pt, b: Pt) {
        self.push(layer, stroke, Shape::Line(a, b));
    }

    pub fn text(&mut self, layer: &str, t: Text) {
        let s = Stroke::new(t.color, 0.0);
        self.push(layer, s, Shape::Text(t));
    }

    pub fn rect(&mut self, layer: &str, stroke: Stroke, x0: f64, y0: f64, x1: f64, y1: f64) {
        self.push(layer, stroke, Shape::Polygon { points: vec![pt(x0, y0), pt(x1, y0), pt(x1, y1), pt(x0, y1)], fill: None, opacity: 1.0 });
    }

    /// Every text on the sheet, with texts inside inserted blocks placed on the sheet.
    pub fn texts(&self) -> Vec<Text> {
        let mut out = Vec::new();
        for it in &self.items {
            match &it.shape {
                Shape::Text(t) => out.push(t.clone()),
                Shape::Insert { block, at, scale, rotation_deg } => {
                    if let Some(b) = self.blocks.iter().find(|b| &b.name == block) {
                        for bi in &b.items {
                            if let Shape::Text(t) = &bi.shape {
                                let p = transform(t.at, *at, *scale, *rotation_deg);
                                let mut t2 = t.clone();
                                t2.at = p;
                                t2.size_mm *= scale;
                                t2.rotation_deg += rotation_deg;
                                out.push(t2);
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        out
    }
}

/// A point of a block's frame placed on the sheet by an insertion.
pub fn transform(p: Pt, at: Pt, scale: f64, rotation_deg: f64) -> Pt {
    let a = rotation_deg.to_radians();
    let (c, s) = (a.cos(), a.sin());
    let (x, y) = (p.x * scale, p.y * scale);
    // Counter-clockwise on a y-down sheet.
    pt(at.x + x * c + y * s, at.y - x * s + y * c)
}

/// Layer names usable in every back-end: ASCII letters, digits, `_` and `-`; anything else
/// becomes `_`.
pub fn layer_name(prefix: &str, id: &str) -> String {
    let clean: String = id.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' || c == '-' { c } else { '_' }).collect();
    format!("{prefix}{clean}")
}

/// Split a text into lines no wider than `max_mm` at `size_mm` (breaking at spaces, or
/// between any two characters when a word is too long). Never returns an empty list.
pub fn wrap(text: &str, size_mm: f64, max_mm: f64) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut cur = String::new();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let candidate = if cur.is_empty() { word.to_string() } else { format!("{cur} {word}") };
        if font::text_width_mm(&candidate, size_mm) <= max_mm {
            cur = candidate;
            continue;
        }
        if !cur.is_empty() {
            lines.push(std::mem::take(&mut cur));
        }
        // The word alone may still be too wide: break it by characters.
        for ch in word.chars() {
            let mut c2 = cur.clone();
            c2.push(ch);
            if !cur.is_empty() && font::text_width_mm(&c2, size_mm) > max_mm {
                lines.push(std::mem::take(&mut cur));
                cur.push(ch);
            } else {
                cur = c2;
            }
        }
    }
    if !cur.is_empty() || lines.is_empty() {
        lines.push(cur);
    }
    lines
}
