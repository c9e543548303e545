//! DXF back-end (AutoCAD R2010, UTF-8 text, millimetre units) through the `dxf` crate: every
//! drawing layer becomes a DXF layer, every symbol a BLOCK placed with INSERT, texts are TEXT
//! entities in a style that names the IPAex Gothic font, dashed lines use line types defined
//! in the file. Fills are left out (a CAD reader gets the outlines).

use dxf::entities::{Circle, Entity, EntityType, Insert, Line, LwPolyline, Text as DxfText};
use dxf::enums::{AcadVersion, Units};
use dxf::tables::{Layer as DxfLayer, LineType, Style};
use dxf::{Block as DxfBlock, Color, LwPolylineVertex, Point};

use crate::model::{Dash, Drawing, Item, Pt, Rgb, Shape, Text};
use crate::DrawError;

/// Text style name written for every text.
pub const TEXT_STYLE: &str = "KYOCHO_JP";

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

struct Flip {
    h: f64,
}

impl Flip {
    fn p(&self, p: Pt) -> Point {
        Point::new(p.x, self.h - p.y, 0.0)
    }
}

fn text_entity(t: &Text, flip: &Flip) -> Option<EntityType> {
    if t.text.is_empty() {
        return None;
    }
    let start = t.baseline_start();
    let mut e = DxfText::default();
    e.location = flip.p(start);
    // DXF text height is the capital height; IPAex capitals are about 0.73 em.
    e.text_height = (t.size_mm * 0.73).max(0.01);
    e.value = t.text.replace(['\r', '\n'], " ");
    e.rotation = t.rotation_deg;
    e.text_style_name = TEXT_STYLE.to_string();
    Some(EntityType::Text(e))
}

fn entities(it: &Item, flip: &Flip) -> Vec<EntityType> {
    match &it.shape {
        Shape::Line(a, b) => vec![EntityType::Line(Line::new(flip.p(*a), flip.p(*b)))],
        Shape::Polyline(p) | Shape::Polygon { points: p, .. } => {
            if p.len() < 2 {
                return Vec::new();
            }
            let mut pl = LwPolyline::default();
            pl.vertices = p
                .iter()
                .map(|q| {
                    let fp = flip.p(*q);
                    LwPolylineVertex { x: fp.x, y: fp.y, ..Default::default() }
                })
                .collect();
            pl.set_is_closed(matches!(it.shape, Shape::Polygon { .. }));
            vec![EntityType::LwPolyline(pl)]
        }
        Shape::Circle { center, radius_mm, .. } => vec![EntityType::Circle(Circle::new(flip.p(*center), *radius_mm))],
        Shape::Text(t) => text_entity(t, flip).into_iter().collect(),
        Shape::Insert { block, at, scale, rotation_deg } => {
            let mut ins = Insert::default();
            ins.name = block.clone();
            ins.location = flip.p(*at);
            ins.x_scale_factor = *scale;
            ins.y_scale_factor = *scale;
            ins.z_scale_factor = *scale;
            ins.rotation = *rotation_deg;
            vec![EntityType::Insert(ins)]
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
    let (w, h) = d.size_mm();
    let flip = Flip { h };
    let mut dr = dxf::Drawing::new();
    dr.header.version = AcadVersion::R2010;
    dr.header.default_drawing_units = Units::Millimeters;
    dr.header.drawing_code_page = "ANSI_932".to_string();
    dr.header.minimum_drawing_extents = Point::new(0.0, 0.0, 0.0);
    dr.header.maximum_drawing_extents = Point::new(w, h, 0.0);

    for dash in [Dash::Dashed, Dash::Dotted, Dash::DashDot] {
        let pat = dash.pattern_mm();
        let mut lt = LineType::default();
        lt.name = dash.name().to_string();
        lt.description = format!("Kyocho {dash:?}");
        lt.alignment_code = 65;
        lt.element_count = pat.len() as i32;
        lt.total_pattern_length = pat.iter().sum();
        // DXF: dashes positive, gaps negative.
        lt.dash_dot_space_lengths = pat.iter().enumerate().map(|(i, v)| if i % 2 == 0 { *v } else { -*v }).collect();
        lt.complex_line_type_element_types = vec![0; pat.len()];
        lt.shape_numbers = vec![0; pat.len()];
        lt.scale_values = vec![1.0; pat.len()];
        lt.rotation_angles = vec![0.0; pat.len()];
        lt.x_offsets = vec![0.0; pat.len()];
        lt.y_offsets = vec![0.0; pat.len()];
        lt.text_strings = vec![String::new(); pat.len()];
        dr.add_line_type(lt);
    }
    let mut style = Style::default();
    style.name = TEXT_STYLE.to_string();
    style.primary_font_file_name = "ipaexg.ttf".to_string();
    style.width_factor = 1.0;
    dr.add_style(style);

    let mut layer_names: Vec<String> = Vec::new();
    for l in &d.layers {
        let mut dl = DxfLayer::default();
        dl.name = l.name.clone();
        dl.color = Color::from_index(aci(l.color));
        dr.add_layer(dl);
        layer_names.push(l.name.clone());
    }

    for b in &d.blocks {
        let mut db = DxfBlock::default();
        db.name = b.name.clone();
        db.layer = "0".to_string();
        for it in &b.items {
            // The block's own frame is flipped about its origin (y → −y).
            for sp in entities(it, &Flip { h: 0.0 }) {
                db.entities.push(entity(sp, it, "0"));
            }
        }
        dr.add_block(db);
    }

    for layer in &d.layers {
        for it in d.items.iter().filter(|i| i.layer == layer.name) {
            for sp in entities(it, &flip) {
                dr.add_entity(entity(sp, it, &it.layer));
            }
        }
    }

    let mut out = Vec::new();
    dr.save(&mut out).map_err(|e| DrawError::Dxf(e.to_string()))?;
    Ok(out)
}
