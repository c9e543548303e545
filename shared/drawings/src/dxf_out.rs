//! DXF back-end (AutoCAD R2010, UTF-8 text, millimetre units) through the `dxf` crate: every
//! drawing layer becomes a DXF layer, every symbol a BLOCK placed with INSERT, texts are TEXT
//! entities in a style that names the IPAex Gothic font, dashed lines use line types defined
//! in the file. Fills are left out (a CAD reader gets the outlines).
//!
//! A set of sheets (the single-line diagram split for print) is written into one file, the
//! sheets side by side in model space, left to right in sheet order, [`SHEET_GAP_MM`] apart,
//! each with its own border and title block; a CAD user plots each by its frame.

use dxf::entities::{Circle, Entity, EntityType, Insert, Line, LwPolyline, Text as DxfText};
use dxf::enums::{AcadVersion, Units};
use dxf::tables::{Layer as DxfLayer, LineType, Style};
use dxf::{Block as DxfBlock, Color, LwPolylineVertex, Point};

use crate::model::{Dash, Drawing, Item, Pt, Rgb, Shape, Text};
use crate::DrawError;

/// Text style name written for every text.
pub const TEXT_STYLE: &str = "KYOCHO_JP";

/// Space between two sheets side by side in model space, mm.
pub const SHEET_GAP_MM: f64 = 30.0;

fn aci(c: Rgb) -> u8 {
    // Nearest of the basic AutoCAD colours; the exact colour goes in the true-colour field.
    let table: [(u8, Rgb); 8] = [
        (1, Rgb(255, 0, 0)),
        (2, Rgb(255, 255, 0)),
        (3, Rgb(0, 255, 0)),
        (4, Rgb(0, 255, 255)),
        (5, Rgb(0, 0, 255)),
        (6, Rgb(255, 0, 255)),
        (7, Rgb(0, 0, 0)),
        (8, Rgb(128, 128, 128)),
    ];
    let d = |a: Rgb, b: Rgb| {
        let dr = i32::from(a.0) - i32::from(b.0);
        let dg = i32::from(a.1) - i32::from(b.1);
        let db = i32::from(a.2) - i32::from(b.2);
        dr * dr + dg * dg + db * db
    };
    table.iter().min_by_key(|(_, t)| d(c, *t)).map(|(i, _)| *i).unwrap_or(7)
}

fn true_color(c: Rgb) -> i32 {
    (i32::from(c.0) << 16) | (i32::from(c.1) << 8) | i32::from(c.2)
}

/// From the sheet (y down) to model space (y up), moved right by `dx`.
struct Flip {
    h: f64,
    dx: f64,
}

impl Flip {
    fn p(&self, p: Pt) -> Point {
        Point::new(p.x + self.dx, self.h - p.y, 0.0)
    }
}

fn text_entity(t: &Text, flip: &Flip) -> Option<EntityType> {
    if t.text.is_empty() {
        return None;
    }
    let start = t.baseline_start();
    Some(EntityType::Text(DxfText {
        location: flip.p(start),
        // DXF text height is the capital height; IPAex capitals are about 0.73 em.
        text_height: (t.size_mm * 0.73).max(0.01),
        value: t.text.replace(['\r', '\n'], " "),
        rotation: t.rotation_deg,
        text_style_name: TEXT_STYLE.to_string(),
        ..Default::default()
    }))
}

fn entities(it: &Item, flip: &Flip) -> Vec<EntityType> {
    match &it.shape {
        Shape::Line(a, b) => vec![EntityType::Line(Line::new(flip.p(*a), flip.p(*b)))],
        Shape::Polyline(p) | Shape::Polygon { points: p, .. } => {
            if p.len() < 2 {
                return Vec::new();
            }
            let mut pl = LwPolyline {
                vertices: p
                .iter()
                .map(|q| {
                    let fp = flip.p(*q);
                    LwPolylineVertex { x: fp.x, y: fp.y, ..Default::default() }
                })
                .collect(),
                ..Default::default()
            };
            pl.set_is_closed(matches!(it.shape, Shape::Polygon { .. }));
            vec![EntityType::LwPolyline(pl)]
        }
        Shape::Circle { center, radius_mm, .. } => vec![EntityType::Circle(Circle::new(flip.p(*center), *radius_mm))],
        Shape::Text(t) => text_entity(t, flip).into_iter().collect(),
        Shape::Insert { block, at, scale, rotation_deg } => {
            vec![EntityType::Insert(Insert {
                name: block.clone(),
                location: flip.p(*at),
                x_scale_factor: *scale,
                y_scale_factor: *scale,
                z_scale_factor: *scale,
                rotation: *rotation_deg,
                ..Default::default()
            })]
        }
    }
}

fn entity(specific: EntityType, it: &Item, layer: &str) -> Entity {
    let mut e = Entity::new(specific);
    e.common.layer = layer.to_string();
    let color = match &it.shape {
        Shape::Text(t) => t.color,
        _ => it.stroke.color,
    };
    e.common.color = Color::from_index(aci(color));
    e.common.color_24_bit = true_color(color);
    // Opaque, by value (0x02000000 | alpha 255); 0 would not be a valid transparency.
    e.common.transparency = 0x0200_00FF;
    if !matches!(it.shape, Shape::Text(_) | Shape::Insert { .. }) && it.stroke.dash != Dash::Solid {
        e.common.line_type_name = it.stroke.dash.name().to_string();
    }
    if it.stroke.width_mm > 0.0 && !matches!(it.shape, Shape::Text(_) | Shape::Insert { .. }) {
        // Line weights are in hundredths of a millimetre, from the standard set.
        let lw = (it.stroke.width_mm * 100.0).round() as i16;
        let std = [0i16, 5, 9, 13, 15, 18, 20, 25, 30, 35, 40, 50, 53, 60, 70, 80, 90, 100, 106, 120, 140, 158, 200, 211];
        let nearest = std.iter().copied().min_by_key(|s| (s - lw).abs()).unwrap_or(25);
        e.common.lineweight_enum_value = nearest;
    }
    e
}

/// The drawing as an R2010 ASCII DXF file (UTF-8), millimetres.
pub fn to_dxf(d: &Drawing) -> Result<Vec<u8>, DrawError> {
    to_dxf_sheets(std::slice::from_ref(d))
}

/// Sheets side by side in the model space of one R2010 ASCII DXF file (UTF-8), millimetres:
/// sheet `i` starts at x = the widths of the sheets before it plus [`SHEET_GAP_MM`] each.
/// Layers and blocks are the union of the sheets' (first declaration wins).
pub fn to_dxf_sheets(sheets: &[Drawing]) -> Result<Vec<u8>, DrawError> {
    if sheets.is_empty() {
        return Err(DrawError::Dxf("no sheet to write".into()));
    }
    let mut origins = Vec::with_capacity(sheets.len());
    let mut x = 0.0;
    let mut h_max: f64 = 0.0;
    for d in sheets {
        let (w, h) = d.size_mm();
        origins.push(x);
        x += w + SHEET_GAP_MM;
        h_max = h_max.max(h);
    }
    let (w, h) = (x - SHEET_GAP_MM, h_max);
    let mut dr = dxf::Drawing::new();
    dr.header.version = AcadVersion::R2010;
    dr.header.default_drawing_units = Units::Millimeters;
    dr.header.drawing_code_page = "ANSI_932".to_string();
    dr.header.minimum_drawing_extents = Point::new(0.0, 0.0, 0.0);
    dr.header.maximum_drawing_extents = Point::new(w, h, 0.0);

    for dash in [Dash::Dashed, Dash::Dotted, Dash::DashDot] {
        let pat = dash.pattern_mm();
        let n = pat.len();
        dr.add_line_type(LineType {
            name: dash.name().to_string(),
            description: format!("Kyocho {dash:?}"),
            alignment_code: 65,
            element_count: n as i32,
            total_pattern_length: pat.iter().sum(),
            // DXF: dashes positive, gaps negative.
            dash_dot_space_lengths: pat.iter().enumerate().map(|(i, v)| if i % 2 == 0 { *v } else { -*v }).collect(),
            complex_line_type_element_types: vec![0; n],
            shape_numbers: vec![0; n],
            scale_values: vec![1.0; n],
            rotation_angles: vec![0.0; n],
            x_offsets: vec![0.0; n],
            y_offsets: vec![0.0; n],
            text_strings: vec![String::new(); n],
            ..Default::default()
        });
    }
    dr.add_style(Style { name: TEXT_STYLE.to_string(), primary_font_file_name: "ipaexg.ttf".to_string(), width_factor: 1.0, ..Default::default() });

    let mut layer_names: Vec<&str> = Vec::new();
    for l in sheets.iter().flat_map(|d| &d.layers) {
        if !layer_names.contains(&l.name.as_str()) {
            dr.add_layer(DxfLayer { name: l.name.clone(), color: Color::from_index(aci(l.color)), ..Default::default() });
            layer_names.push(&l.name);
        }
    }

    let mut block_names: Vec<&str> = Vec::new();
    for b in sheets.iter().flat_map(|d| &d.blocks) {
        if block_names.contains(&b.name.as_str()) {
            continue;
        }
        block_names.push(&b.name);
        let mut db = DxfBlock { name: b.name.clone(), layer: "0".to_string(), ..Default::default() };
        for it in &b.items {
            // The block's own frame is flipped about its origin (y → −y).
            for sp in entities(it, &Flip { h: 0.0, dx: 0.0 }) {
                db.entities.push(entity(sp, it, "0"));
            }
        }
        dr.add_block(db);
    }

    for (d, dx) in sheets.iter().zip(origins) {
        // Each sheet's top edge at the top of the tallest sheet.
        let flip = Flip { h: h_max, dx };
        for layer in &d.layers {
            for it in d.items.iter().filter(|i| i.layer == layer.name) {
                for sp in entities(it, &flip) {
                    dr.add_entity(entity(sp, it, &it.layer));
                }
            }
        }
    }

    let mut out = Vec::new();
    dr.save(&mut out).map_err(|e| DrawError::Dxf(e.to_string()))?;
    let text = String::from_utf8(out).map_err(|e| DrawError::Dxf(e.to_string()))?;
    Ok(unique_endblk_handles(&text).into_bytes())
}

/// The `dxf` crate writes each ENDBLK with its BLOCK's handle; readers then have to repair
/// the file. Give every ENDBLK a fresh handle and raise `$HANDSEED` past them.
fn unique_endblk_handles(text: &str) -> String {
    let lines: Vec<&str> = text.split("\r\n").collect();
    let mut max: u64 = 0;
    for pair in lines.chunks(2) {
        if let [code, value] = pair {
            if matches!(code.trim(), "5" | "105") {
                if let Ok(h) = u64::from_str_radix(value.trim(), 16) {
                    max = max.max(h);
                }
            }
        }
    }
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    let mut entity = String::new();
    let mut seed_next = false;
    for pair in lines.chunks(2) {
        match pair {
            [code, value] => {
                let c = code.trim();
                let mut v = value.to_string();
                if c == "0" {
                    entity = value.trim().to_string();
                } else if c == "5" && entity == "ENDBLK" {
                    max += 1;
                    v = format!("{max:X}");
                } else if c == "9" {
                    seed_next = value.trim() == "$HANDSEED";
                    out.push(code.to_string());
                    out.push(v);
                    continue;
                } else if c == "5" && seed_next {
                    // Placeholder: fixed below once every new handle is known.
                    out.push(code.to_string());
                    out.push("\u{0}HANDSEED".to_string());
                    seed_next = false;
                    continue;
                }
                out.push(code.to_string());
                out.push(v);
            }
            [last] => out.push(last.to_string()),
            _ => {}
        }
    }
    let seed = format!("{:X}", max + 1);
    out.iter().map(|l| if l == "\u{0}HANDSEED" { seed.as_str() } else { l.as_str() }).collect::<Vec<_>>().join("\r\n")
}
