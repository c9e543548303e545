//! SVG back-end: one `<g>` per layer, blocks as `<symbol>`s placed with `<use>`, sizes in
//! millimetres (`viewBox` in mm). Chart curves carry `data-device` and `data-line`
//! attributes so that a reader can find every device's curve.

use std::fmt::Write as _;

use crate::font::FAMILY;
use crate::model::{Drawing, HAlign, Item, Shape, Stroke, Tag};

fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&apos;"),
            c if (c as u32) < 0x20 && c != '\t' => o.push(' '),
            c => o.push(c),
        }
    }
    o
}

fn n(v: f64) -> String {
    if v.is_finite() {
        let s = format!("{v:.3}");
        let s = s.trim_end_matches('0').trim_end_matches('.');
        if s == "-0" { "0".into() } else { s.to_string() }
    } else {
        "0".into()
    }
}

fn stroke_attrs(s: &Stroke) -> String {
    if s.width_mm <= 0.0 {
        return " stroke=\"none\"".into();
    }
    let mut a = format!(" stroke=\"{}\" stroke-width=\"{}\"", s.color.hex(), n(s.width_mm));
    let p = s.dash.pattern_mm();
    if !p.is_empty() {
        let v: Vec<String> = p.iter().map(|x| n(*x)).collect();
        let _ = write!(a, " stroke-dasharray=\"{}\"", v.join(" "));
    }
    a
}

fn tag_attrs(t: &Tag) -> String {
    let mut a = String::new();
    if let Some(d) = &t.device_id {
        let _ = write!(a, " data-device=\"{}\"", esc(d));
    }
    if let Some(l) = &t.line {
        let _ = write!(a, " data-line=\"{}\"", esc(l));
    }
    a
}

fn points(p: &[crate::model::Pt]) -> String {
    p.iter().map(|p| format!("{},{}", n(p.x), n(p.y))).collect::<Vec<_>>().join(" ")
}

fn write_item(o: &mut String, it: &Item) {
    let tag = tag_attrs(&it.tag);
    match &it.shape {
        Shape::Line(a, b) => {
            let _ = writeln!(o, "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"{}{tag}/>", n(a.x), n(a.y), n(b.x), n(b.y), stroke_attrs(&it.stroke));
        }
        Shape::Polyline(p) => {
            if p.len() >= 2 {
                let _ = writeln!(o, "<polyline points=\"{}\" fill=\"none\"{}{tag}/>", points(p), stroke_attrs(&it.stroke));
            }
        }
        Shape::Polygon { points: p, fill, opacity } => {
            if p.len() >= 3 {
                let f = match fill {
                    Some(c) => format!(" fill=\"{}\" fill-opacity=\"{}\"", c.hex(), n(opacity.clamp(0.0, 1.0))),
                    None => " fill=\"none\"".into(),
                };
                let _ = writeln!(o, "<polygon points=\"{}\"{f}{}{tag}/>", points(p), stroke_attrs(&it.stroke));
            }
        }
        Shape::Circle { center, radius_mm, fill } => {
            let f = match fill {
                Some(c) => format!(" fill=\"{}\"", c.hex()),
                None => " fill=\"none\"".into(),
            };
            let _ = writeln!(o, "<circle cx=\"{}\" cy=\"{}\" r=\"{}\"{f}{}{tag}/>", n(center.x), n(center.y), n(*radius_mm), stroke_attrs(&it.stroke));
        }
        Shape::Text(t) => {
            let (_, dy) = t.baseline_offset();
            let anchor = match t.h {
                HAlign::Left => "start",
                HAlign::Center => "middle",
                HAlign::Right => "end",
            };
            let rot = if t.rotation_deg != 0.0 { format!(" transform=\"rotate({} {} {})\"", n(-t.rotation_deg), n(t.at.x), n(t.at.y)) } else { String::new() };
            let _ = writeln!(
                o,
                "<text x=\"{}\" y=\"{}\" font-size=\"{}\" text-anchor=\"{anchor}\" fill=\"{}\"{rot}{tag}>{}</text>",
                n(t.at.x),
                n(t.at.y + dy),
                n(t.size_mm),
                t.color.hex(),
                esc(&t.text)
            );
        }
        Shape::Insert { block, at, scale, rotation_deg } => {
            let _ = writeln!(
                o,
                "<use href=\"#{}\" transform=\"translate({} {}) rotate({}) scale({})\"{tag}/>",
                esc(block),
                n(at.x),
                n(at.y),
                n(-rotation_deg),
                n(*scale)
            );
        }
    }
}

/// The drawing as a standalone SVG document (UTF-8), sized in millimetres.
pub fn to_svg(d: &Drawing) -> String {
    let (w, h) = d.size_mm();
    let mut o = String::with_capacity(64 * 1024);
    let _ = writeln!(o, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
    let _ = writeln!(
        o,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}mm\" height=\"{}mm\" viewBox=\"0 0 {} {}\" font-family=\"{FAMILY}, 'IPAexゴシック', 'Noto Sans CJK JP', sans-serif\" stroke-linecap=\"round\" stroke-linejoin=\"round\">",
        n(w),
        n(h),
        n(w),
        n(h)
    );
    let _ = writeln!(o, "<title>{}</title>", esc(&d.title));
    let _ = writeln!(o, "<rect x=\"0\" y=\"0\" width=\"{}\" height=\"{}\" fill=\"#ffffff\"/>", n(w), n(h));
    if !d.blocks.is_empty() {
        let _ = writeln!(o, "<defs>");
        for b in &d.blocks {
            let _ = writeln!(o, "<symbol id=\"{}\" overflow=\"visible\">", esc(&b.name));
            for it in &b.items {
                write_item(&mut o, it);
            }
            let _ = writeln!(o, "</symbol>");
        }
        let _ = writeln!(o, "</defs>");
    }
    for layer in &d.layers {
        let _ = writeln!(o, "<g id=\"layer-{}\" data-layer=\"{}\">", esc(&layer.name), esc(&layer.name));
        for it in d.items.iter().filter(|i| i.layer == layer.name) {
            write_item(&mut o, it);
        }
        let _ = writeln!(o, "</g>");
    }
    let _ = writeln!(o, "</svg>");
    o
}
