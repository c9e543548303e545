//! What every sheet shares: the border, the title block (表題欄) and the conversion of an A3
//! layout to A4 (the A series keeps its aspect ratio, so an A4 sheet is the A3 sheet scaled by
//! 1/√2).

use crate::model::{pt, Drawing, HAlign, Item, Paper, Rgb, Shape, Stroke, Text, VAlign};

/// What the title block says. Free text; empty fields print as blank cells.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SheetInfo {
    /// 工事名 / project name.
    pub project: String,
    /// 場所 / site.
    pub site: String,
    /// 日付 / date, as it should be printed (e.g. `2025-04-01`).
    pub date: String,
    /// 作成者 / author.
    pub author: String,
    /// 頁 / page, e.g. `1/2`.
    pub page: String,
}

/// Layer of the border and title block.
pub const LAYER_FRAME: &str = "FRAME";
pub const LAYER_TITLE: &str = "TITLE_BLOCK";

/// A3 sheet width and height, mm; layouts are made at this size.
pub const A3: (f64, f64) = (420.0, 297.0);

/// Title block rectangle on the A3 sheet (x0, y0, x1, y1), mm.
pub const TITLE_BLOCK: (f64, f64, f64, f64) = (290.0, 239.0, 410.0, 287.0);

/// The title block rectangle (x0, y0, x1, y1) on a sheet of `size` (width, height), mm: in
/// the bottom-right corner, inside the border; [`TITLE_BLOCK`] on A3.
pub fn title_block(size: (f64, f64)) -> (f64, f64, f64, f64) {
    let (x0, y0, x1, y1) = TITLE_BLOCK;
    (size.0 - (A3.0 - x0), size.1 - (A3.1 - y0), size.0 - (A3.0 - x1), size.1 - (A3.1 - y1))
}

/// Draw the border (10 mm margin) and the title block on an A3 sheet.
pub fn frame(d: &mut Drawing, drawing_title: &str, info: &SheetInfo) {
    frame_sized(d, A3, drawing_title, info);
}

/// Draw the border (10 mm margin) and the title block on a sheet of `size` (width, height),
/// mm.
pub fn frame_sized(d: &mut Drawing, size: (f64, f64), drawing_title: &str, info: &SheetInfo) {
    let thick = Stroke::new(Rgb::BLACK, 0.5);
    let thin = Stroke::new(Rgb::BLACK, 0.18);
    d.rect(LAYER_FRAME, thick, 10.0, 10.0, size.0 - 10.0, size.1 - 10.0);
    let (x0, y0, x1, y1) = title_block(size);
    d.rect(LAYER_TITLE, thick, x0, y0, x1, y1);
    let rows: [(&str, &str); 6] = [
        ("図名", drawing_title),
        ("工事名", &info.project),
        ("場所", &info.site),
        ("日付", &info.date),
        ("作成者", &info.author),
        ("頁", &info.page),
    ];
    let rh = (y1 - y0) / rows.len() as f64;
    let kx = x0 + 18.0;
    d.line(LAYER_TITLE, thin, pt(kx, y0), pt(kx, y1));
    for (i, (k, v)) in rows.iter().enumerate() {
        let top = y0 + rh * i as f64;
        if i > 0 {
            d.line(LAYER_TITLE, thin, pt(x0, top), pt(x1, top));
        }
        let mid = top + rh / 2.0;
        d.text(LAYER_TITLE, Text::new(pt(x0 + 2.0, mid), *k, 2.5).align(HAlign::Left, VAlign::Middle));
        let max_w = x1 - kx - 4.0;
        let size = fit_size(v, if i == 0 { 3.5 } else { 3.0 }, max_w);
        d.text(LAYER_TITLE, Text::new(pt(kx + 2.0, mid), *v, size).align(HAlign::Left, VAlign::Middle));
    }
}

/// The largest size ≤ `size` at which `text` fits in `max_mm` (never below 1.5 mm; longer
/// texts are shortened with an ellipsis by [`clip_text`]).
pub fn fit_size(text: &str, size: f64, max_mm: f64) -> f64 {
    let w = crate::font::text_width_mm(text, size);
    if w <= max_mm || w <= 0.0 {
        size
    } else {
        (size * max_mm / w).max(1.5)
    }
}

/// `text` shortened with `…` so that it fits in `max_mm` at `size`.
pub fn clip_text(text: &str, size: f64, max_mm: f64) -> String {
    if crate::font::text_width_mm(text, size) <= max_mm {
        return text.to_string();
    }
    let mut out = String::new();
    for c in text.chars() {
        let mut t = out.clone();
        t.push(c);
        t.push('…');
        if crate::font::text_width_mm(&t, size) > max_mm {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

/// Scale a drawing laid out on A3 to `paper` (no-op for A3).
pub fn to_paper(mut d: Drawing, paper: Paper) -> Drawing {
    let (w, _) = paper.size_mm();
    let k = w / A3.0;
    d.paper = paper;
    if (k - 1.0).abs() > 1e-12 {
        place(&mut d.items, k, 0.0, 0.0);
    }
    // Block contents scale through each insertion's scale.
    d
}

/// Scale items by `k` about the origin, then move them by (`dx`, `dy`), mm. Sizes, stroke
/// widths and insertion scales follow.
pub fn place(items: &mut [Item], k: f64, dx: f64, dy: f64) {
    let sp = |p: &crate::model::Pt| pt(p.x * k + dx, p.y * k + dy);
    for it in items {
        it.stroke.width_mm *= k;
        match &mut it.shape {
            Shape::Line(a, b) => {
                *a = sp(a);
                *b = sp(b);
            }
            Shape::Polyline(p) | Shape::Polygon { points: p, .. } => {
                for q in p.iter_mut() {
                    *q = sp(q);
                }
            }
            Shape::Circle { center, radius_mm, .. } => {
                *center = sp(center);
                *radius_mm *= k;
            }
            Shape::Text(t) => {
                t.at = sp(&t.at);
                t.size_mm *= k;
            }
            Shape::Insert { at, scale, .. } => {
                *at = sp(at);
                *scale *= k;
            }
        }
    }
}
