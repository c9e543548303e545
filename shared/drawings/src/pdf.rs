//! PDF back-end: one vector page per sheet, of the sheet's paper size (landscape), with every
//! text set in an embedded subset of IPAex Gothic (a Type 0 / CIDFontType2 font, Identity-H,
//! with a ToUnicode map so that the text can be searched and extracted) that all pages share.
//! Streams are Flate-compressed.

use std::collections::BTreeMap;
use std::io::Write as _;

use pdf_writer::types::{CidFontType, FontFlags, LineCapStyle, LineJoinStyle, SystemInfo, UnicodeCmap};
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

use crate::font::{self, FAMILY, FONT_DATA};
use crate::model::{transform, Drawing, Item, Pt, Shape, Stroke, Text};
use crate::DrawError;

/// Points per millimetre.
const K: f64 = 72.0 / 25.4;

/// Every item of the drawing on the sheet, block insertions resolved.
pub fn flatten(d: &Drawing) -> Vec<Item> {
    let mut out = Vec::with_capacity(d.items.len());
    for it in &d.items {
        match &it.shape {
            Shape::Insert { block, at, scale, rotation_deg } => {
                let Some(b) = d.blocks.iter().find(|b| &b.name == block) else { continue };
                for bi in &b.items {
                    let tf = |p: &Pt| transform(*p, *at, *scale, *rotation_deg);
                    let shape = match &bi.shape {
                        Shape::Line(a, c) => Shape::Line(tf(a), tf(c)),
                        Shape::Polyline(p) => Shape::Polyline(p.iter().map(tf).collect()),
                        Shape::Polygon { points, fill, opacity } => Shape::Polygon { points: points.iter().map(tf).collect(), fill: *fill, opacity: *opacity },
                        Shape::Circle { center, radius_mm, fill } => Shape::Circle { center: tf(center), radius_mm: radius_mm * scale, fill: *fill },
                        Shape::Text(t) => {
                            let mut t2 = t.clone();
                            t2.at = tf(&t.at);
                            t2.size_mm *= scale;
                            t2.rotation_deg += rotation_deg;
                            Shape::Text(t2)
                        }
                        Shape::Insert { .. } => continue,
                    };
                    let stroke = Stroke { width_mm: bi.stroke.width_mm * scale, ..bi.stroke };
                    out.push(Item { layer: it.layer.clone(), stroke, shape, tag: it.tag.clone() });
                }
            }
            _ => out.push(it.clone()),
        }
    }
    out
}

fn deflate(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    let _ = e.write_all(data);
    e.finish().unwrap_or_default()
}

fn f(v: f64) -> f32 {
    if v.is_finite() { v as f32 } else { 0.0 }
}

struct Page<'a> {
    c: Content,
    h: f64,
    alphas: &'a BTreeMap<u8, usize>,
}

impl Page<'_> {
    fn p(&self, p: Pt) -> (f32, f32) {
        (f(p.x * K), f((self.h - p.y) * K))
    }

    fn set_stroke(&mut self, s: &Stroke) {
        let c = s.color;
        self.c.set_stroke_rgb(f32::from(c.0) / 255.0, f32::from(c.1) / 255.0, f32::from(c.2) / 255.0);
        self.c.set_line_width(f(s.width_mm * K));
        let pat: Vec<f32> = s.dash.pattern_mm().iter().map(|v| f(v * K)).collect();
        self.c.set_dash_pattern(pat, 0.0);
    }

    fn path(&mut self, pts: &[Pt], close: bool) {
        let Some((first, rest)) = pts.split_first() else { return };
        let (x, y) = self.p(*first);
        self.c.move_to(x, y);
        for q in rest {
            let (x, y) = self.p(*q);
            self.c.line_to(x, y);
        }
        if close {
            self.c.close_path();
        }
    }

    fn circle(&mut self, center: Pt, r: f64) {
        let (cx, cy) = self.p(center);
        let r = f(r * K);
        let k = 0.552_284_8_f32 * r;
        self.c.move_to(cx + r, cy);
        self.c.cubic_to(cx + r, cy + k, cx + k, cy + r, cx, cy + r);
        self.c.cubic_to(cx - k, cy + r, cx - r, cy + k, cx - r, cy);
        self.c.cubic_to(cx - r, cy - k, cx - k, cy - r, cx, cy - r);
        self.c.cubic_to(cx + k, cy - r, cx + r, cy - k, cx + r, cy);
        self.c.close_path();
    }

    fn fill_color(&mut self, c: crate::model::Rgb, opacity: f64) {
        self.c.set_fill_rgb(f32::from(c.0) / 255.0, f32::from(c.1) / 255.0, f32::from(c.2) / 255.0);
        let q = alpha_key(opacity);
        if let Some(i) = self.alphas.get(&q) {
            let name = format!("GA{i}");
            self.c.set_parameters(Name(name.as_bytes()));
        }
    }

    fn text(&mut self, t: &Text, remap: &mut subsetter::GlyphRemapper) {
        if t.text.is_empty() || t.size_mm.is_nan() || t.size_mm <= 0.0 {
            return;
        }
        let start = t.baseline_start();
        let (x, y) = self.p(start);
        let a = t.rotation_deg.to_radians();
        let (c, s) = (f(a.cos()), f(a.sin()));
        let mut bytes = Vec::with_capacity(t.text.len() * 2);
        for ch in t.text.chars() {
            let g = remap.remap(font::glyph(ch));
            bytes.extend_from_slice(&g.to_be_bytes());
        }
        let col = t.color;
        self.c.set_fill_rgb(f32::from(col.0) / 255.0, f32::from(col.1) / 255.0, f32::from(col.2) / 255.0);
        self.c.begin_text();
        self.c.set_font(Name(b"F1"), f(t.size_mm * K));
        self.c.set_text_matrix([c, s, -s, c, x, y]);
        self.c.show(Str(&bytes));
        self.c.end_text();
    }
}

fn alpha_key(opacity: f64) -> u8 {
    (opacity.clamp(0.0, 1.0) * 100.0).round() as u8
}

/// The content stream of one sheet, its glyphs added to `remap`.
fn page_content(d: &Drawing, items: &[Item], alphas: &BTreeMap<u8, usize>, remap: &mut subsetter::GlyphRemapper) -> Vec<u8> {
    let mut page = Page { c: Content::new(), h: d.size_mm().1, alphas };
    page.c.set_line_cap(LineCapStyle::RoundCap);
    page.c.set_line_join(LineJoinStyle::RoundJoin);
    // Paint in layer order, as the SVG does.
    for layer in &d.layers {
        for it in items.iter().filter(|i| i.layer == layer.name) {
            match &it.shape {
                Shape::Line(a, b) => {
                    if it.stroke.width_mm > 0.0 {
                        page.set_stroke(&it.stroke);
                        page.path(&[*a, *b], false);
                        page.c.stroke();
                    }
                }
                Shape::Polyline(p) => {
                    if it.stroke.width_mm > 0.0 && p.len() >= 2 {
                        page.set_stroke(&it.stroke);
                        page.path(p, false);
                        page.c.stroke();
                    }
                }
                Shape::Polygon { points, fill, opacity } => {
                    if points.len() < 3 {
                        continue;
                    }
                    if let Some(c) = fill {
                        page.c.save_state();
                        page.fill_color(*c, *opacity);
                        page.path(points, true);
                        page.c.fill_nonzero();
                        page.c.restore_state();
                    }
                    if it.stroke.width_mm > 0.0 {
                        page.set_stroke(&it.stroke);
                        page.path(points, true);
                        page.c.stroke();
                    }
                }
                Shape::Circle { center, radius_mm, fill } => {
                    if let Some(c) = fill {
                        page.fill_color(*c, 1.0);
                        page.circle(*center, *radius_mm);
                        page.c.fill_nonzero();
                    }
                    if it.stroke.width_mm > 0.0 {
                        page.set_stroke(&it.stroke);
                        page.circle(*center, *radius_mm);
                        page.c.stroke();
                    }
                }
                Shape::Text(t) => page.text(t, remap),
                Shape::Insert { .. } => {}
            }
        }
    }
    page.c.finish().as_slice().to_vec()
}

/// The drawing as a one-page PDF.
pub fn to_pdf(d: &Drawing) -> Result<Vec<u8>, DrawError> {
    to_pdf_sheets(std::slice::from_ref(d))
}

/// Sheets as the pages of one PDF, in order; the document takes the first sheet's title.
pub fn to_pdf_sheets(sheets: &[Drawing]) -> Result<Vec<u8>, DrawError> {
    let Some(first) = sheets.first() else {
        return Err(DrawError::Pdf("no sheet to write".into()));
    };
    let flat: Vec<Vec<Item>> = sheets.iter().map(flatten).collect();

    // Fill opacities used, each becoming one ExtGState shared by the pages.
    let mut alphas: BTreeMap<u8, usize> = BTreeMap::new();
    for it in flat.iter().flatten() {
        if let Shape::Polygon { fill: Some(_), opacity, .. } = &it.shape {
            let n = alphas.len();
            alphas.entry(alpha_key(*opacity)).or_insert(n);
        }
    }

    let mut remap = subsetter::GlyphRemapper::new();
    remap.remap(0);
    let mut contents = Vec::with_capacity(sheets.len());
    for (d, items) in sheets.iter().zip(&flat) {
        contents.push(page_content(d, items, &alphas, &mut remap));
    }
    let subset = subsetter::subset(FONT_DATA, 0, &remap).map_err(|e| DrawError::Pdf(format!("font subset: {e:?}")))?;
    let old_gids: Vec<u16> = remap.remapped_gids().collect();

    let catalog_id = Ref::new(1);
    let tree_id = Ref::new(2);
    let type0_id = Ref::new(3);
    let cid_id = Ref::new(4);
    let desc_id = Ref::new(5);
    let file_id = Ref::new(6);
    let cmap_id = Ref::new(7);
    let info_id = Ref::new(8);
    let first_gs = 9;
    let first_page = first_gs + alphas.len() as i32;
    let page_ids: Vec<Ref> = (0..sheets.len()).map(|i| Ref::new(first_page + 2 * i as i32)).collect();

    let mut pdf = Pdf::new();
    pdf.catalog(catalog_id).pages(tree_id);
    pdf.pages(tree_id).kids(page_ids.iter().copied()).count(sheets.len() as i32);
    for ((d, content), page_id) in sheets.iter().zip(&contents).zip(&page_ids) {
        let (w, h) = d.size_mm();
        let content_id = Ref::new(page_id.get() + 1);
        let mut pg = pdf.page(*page_id);
        pg.media_box(Rect::new(0.0, 0.0, f(w * K), f(h * K)));
        pg.parent(tree_id);
        pg.contents(content_id);
        let mut res = pg.resources();
        res.fonts().pair(Name(b"F1"), type0_id);
        {
            let mut gs = res.ext_g_states();
            for i in alphas.values() {
                let name = format!("GA{i}");
                gs.pair(Name(name.as_bytes()), Ref::new(first_gs + *i as i32));
            }
        }
        res.finish();
        pg.finish();
        let compressed = deflate(content);
        pdf.stream(content_id, &compressed).filter(Filter::FlateDecode);
    }
    for (q, i) in &alphas {
        pdf.ext_graphics(Ref::new(first_gs + *i as i32)).non_stroking_alpha(f32::from(*q) / 100.0);
    }
    // Subset tag: six capitals derived from the glyph set.
    let mut hsh: u64 = 1469598103934665603;
    for g in &old_gids {
        hsh = (hsh ^ u64::from(*g)).wrapping_mul(1099511628211);
    }
    let tag: String = (0..6).map(|i| (b'A' + ((hsh >> (i * 5)) % 26) as u8) as char).collect();
    let base = format!("{tag}+{FAMILY}");

    let system = SystemInfo { registry: Str(b"Adobe"), ordering: Str(b"Identity"), supplement: 0 };
    pdf.type0_font(type0_id)
        .base_font(Name(base.as_bytes()))
        .encoding_predefined(Name(b"Identity-H"))
        .descendant_font(cid_id)
        .to_unicode(cmap_id);
    {
        let mut cid = pdf.cid_font(cid_id);
        cid.subtype(CidFontType::Type2)
            .base_font(Name(base.as_bytes()))
            .system_info(system)
            .font_descriptor(desc_id)
            .default_width(1000.0)
            .cid_to_gid_map_predefined(Name(b"Identity"));
        let widths: Vec<f32> = old_gids.iter().map(|g| f(font::advance_em(*g) * 1000.0)).collect();
        cid.widths().consecutive(0, widths);
        cid.finish();
    }
    let upem = font::units_per_em();
    let face = ttf_parser::Face::parse(FONT_DATA, 0).map_err(|e| DrawError::Pdf(format!("font: {e}")))?;
    let bb = face.global_bounding_box();
    let sc = |v: i16| f(f64::from(v) * 1000.0 / upem);
    pdf.font_descriptor(desc_id)
        .name(Name(base.as_bytes()))
        .flags(FontFlags::SYMBOLIC)
        .bbox(Rect::new(sc(bb.x_min), sc(bb.y_min), sc(bb.x_max), sc(bb.y_max)))
        .italic_angle(0.0)
        .ascent(sc(face.ascender()))
        .descent(sc(face.descender()))
        .cap_height(sc(face.capital_height().unwrap_or(face.ascender())))
        .stem_v(80.0)
        .font_file2(file_id);
    let font_z = deflate(&subset);
    pdf.stream(file_id, &font_z).filter(Filter::FlateDecode);

    let mut cmap = UnicodeCmap::new(Name(b"Kyocho-UTF16"), system);
    let mut seen = std::collections::HashSet::new();
    for it in flat.iter().flatten() {
        if let Shape::Text(t) = &it.shape {
            for ch in t.text.chars() {
                let old = font::glyph(ch);
                if let Some(new) = remap.get(old) {
                    if new != 0 && seen.insert(new) {
                        cmap.pair(new, ch);
                    }
                }
            }
        }
    }
    let cmap_buf = cmap.finish();
    pdf.cmap(cmap_id, cmap_buf.as_slice());

    pdf.document_info(info_id).title(TextStr(&first.title)).creator(TextStr("Kyocho")).producer(TextStr("Kyocho drawings"));
    Ok(pdf.finish())
}
