//! Single-line diagram symbols after JIS C 0617 (IEC 60617), as blocks. Every symbol is drawn
//! in its own millimetre frame with the origin at its centre, connecting at (0, −6) above and
//! (0, +6) below (y downwards), and reaching at most [`LEFT_EXTENT`] to the left and
//! [`RIGHT_EXTENT`] to the right of the conductor line; [`bounds`] gives each symbol's own
//! reach, measured from its geometry, so that a layout can keep labels clear of it. The relay
//! letters inside the symbols (OCR, GR) are [`LETTER_SIZE`] high.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::model::{pt, BBox, Block, HAlign, Item, Pt, Rgb, Shape, Stroke, Tag, Text, VAlign};

/// Half height of every symbol, mm.
pub const HALF_HEIGHT: f64 = 6.0;
/// How far a symbol reaches left of its conductor line at most, mm.
pub const LEFT_EXTENT: f64 = 9.2;
/// How far a symbol reaches right of its conductor line at most, mm.
pub const RIGHT_EXTENT: f64 = 3.3;
/// Size of the relay letters inside a symbol, mm.
pub const LETTER_SIZE: f64 = 1.8;

pub const SOURCE: &str = "JIS_SOURCE";
pub const CB: &str = "JIS_CB";
pub const VCB_OCR: &str = "JIS_VCB_OCR";
pub const LBS_PF: &str = "JIS_LBS_PF";
pub const PAS: &str = "JIS_PAS";
pub const TRANSFORMER: &str = "JIS_TRANSFORMER";
pub const CABLE: &str = "JIS_CABLE";
pub const CAPACITOR: &str = "JIS_CAPACITOR_SR";
pub const LOAD: &str = "JIS_LOAD";
pub const MOTOR: &str = "JIS_MOTOR";
pub const GENERATOR: &str = "JIS_GENERATOR";

fn s(w: f64) -> Stroke {
    Stroke::new(Rgb::BLACK, w)
}

fn item(shape: Shape, w: f64) -> Item {
    Item { layer: "0".into(), stroke: s(w), shape, tag: Tag::default() }
}

fn line(a: Pt, b: Pt) -> Item {
    item(Shape::Line(a, b), 0.35)
}

fn circle(c: Pt, r: f64) -> Item {
    item(Shape::Circle { center: c, radius_mm: r, fill: None }, 0.35)
}

fn text(at: Pt, t: &str, size: f64) -> Item {
    item(Shape::Text(Text::new(at, t, size).align(HAlign::Center, VAlign::Middle)), 0.0)
}

/// Breaker contact: blade from (0, 2) up-left to the fixed contact at (0, −3), marked ×.
fn breaker_contact(top: f64, bottom: f64) -> Vec<Item> {
    vec![
        line(pt(0.0, -HALF_HEIGHT), pt(0.0, top)),
        line(pt(-0.9, top - 0.9), pt(0.9, top + 0.9)),
        line(pt(-0.9, top + 0.9), pt(0.9, top - 0.9)),
        line(pt(0.0, bottom), pt(-2.8, top + 0.6)),
    ]
}

/// Every symbol block.
pub fn blocks() -> Vec<Block> {
    let mut out = Vec::new();
    // Utility supply: incoming arrow.
    out.push(Block {
        name: SOURCE.into(),
        items: vec![
            line(pt(0.0, -HALF_HEIGHT), pt(0.0, HALF_HEIGHT)),
            item(Shape::Polygon { points: vec![pt(-2.0, -1.0), pt(2.0, -1.0), pt(0.0, 2.5)], fill: Some(Rgb::BLACK), opacity: 1.0 }, 0.3),
        ],
    });
    // Circuit breaker (遮断器): breaker contact.
    let mut cb = breaker_contact(-3.0, 2.5);
    cb.push(line(pt(0.0, 2.5), pt(0.0, HALF_HEIGHT)));
    out.push(Block { name: CB.into(), items: cb });
    // VCB with CT and OCR.
    let mut v = breaker_contact(-3.6, 0.8);
    v.push(line(pt(0.0, 0.8), pt(0.0, HALF_HEIGHT)));
    v.push(circle(pt(0.0, 3.4), 1.1));
    v.push(item(Shape::Line(pt(-1.1, 3.4), pt(-3.9, 3.4)), 0.2));
    v.push(item(Shape::Polygon { points: vec![pt(-9.0, 1.9), pt(-3.9, 1.9), pt(-3.9, 4.9), pt(-9.0, 4.9)], fill: None, opacity: 1.0 }, 0.25));
    v.push(text(pt(-6.45, 3.4), "OCR", LETTER_SIZE));
    out.push(Block { name: VCB_OCR.into(), items: v });
    // Load-break switch with power fuse (LBS + PF).
    out.push(Block {
        name: LBS_PF.into(),
        items: vec![
            line(pt(0.0, -HALF_HEIGHT), pt(0.0, -4.2)),
            circle(pt(0.0, -3.8), 0.4),
            line(pt(0.0, -0.2), pt(-2.6, -4.0)),
            line(pt(0.0, -0.2), pt(0.0, HALF_HEIGHT)),
            item(Shape::Polygon { points: vec![pt(-1.0, 0.8), pt(1.0, 0.8), pt(1.0, 5.0), pt(-1.0, 5.0)], fill: None, opacity: 1.0 }, 0.3),
        ],
    });
    // PAS / UGS with ZCT (ground relay).
    out.push(Block {
        name: PAS.into(),
        items: vec![
            line(pt(0.0, -HALF_HEIGHT), pt(0.0, -3.4)),
            line(pt(-1.2, -3.4), pt(1.2, -3.4)),
            line(pt(0.0, 1.0), pt(-2.8, -3.0)),
            line(pt(0.0, 1.0), pt(0.0, HALF_HEIGHT)),
            circle(pt(0.0, 3.6), 1.3),
            item(Shape::Line(pt(-1.3, 3.6), pt(-3.6, 3.6)), 0.2),
            item(Shape::Polygon { points: vec![pt(-7.8, 2.2), pt(-3.6, 2.2), pt(-3.6, 5.0), pt(-7.8, 5.0)], fill: None, opacity: 1.0 }, 0.25),
            text(pt(-5.7, 3.6), "GR", LETTER_SIZE),
        ],
    });
    // Two-winding transformer: two circles.
    out.push(Block {
        name: TRANSFORMER.into(),
        items: vec![
            line(pt(0.0, -HALF_HEIGHT), pt(0.0, -5.2)),
            circle(pt(0.0, -2.1), 3.1),
            circle(pt(0.0, 2.1), 3.1),
            line(pt(0.0, 5.2), pt(0.0, HALF_HEIGHT)),
        ],
    });
    // Cable with terminations at both ends.
    out.push(Block {
        name: CABLE.into(),
        items: vec![
            line(pt(0.0, -HALF_HEIGHT), pt(0.0, HALF_HEIGHT)),
            item(Shape::Polygon { points: vec![pt(-1.3, -4.6), pt(1.3, -4.6), pt(0.0, -2.6)], fill: None, opacity: 1.0 }, 0.3),
            item(Shape::Polygon { points: vec![pt(-1.3, 4.6), pt(1.3, 4.6), pt(0.0, 2.6)], fill: None, opacity: 1.0 }, 0.3),
            item(Shape::Line(pt(-1.2, 0.6), pt(1.2, -0.6)), 0.25),
        ],
    });
    // Capacitor with series reactor: coil above the plates.
    let mut coil = vec![pt(0.0, -5.0)];
    for k in 0..3 {
        let y0 = -5.0 + f64::from(k) * 1.6;
        for j in 1..=8 {
            let a = std::f64::consts::PI * f64::from(j) / 8.0;
            coil.push(pt(0.9 * a.sin(), y0 + 0.8 - 0.8 * a.cos()));
        }
    }
    out.push(Block {
        name: CAPACITOR.into(),
        items: vec![
            line(pt(0.0, -HALF_HEIGHT), pt(0.0, -5.0)),
            item(Shape::Polyline(coil), 0.3),
            line(pt(0.0, 0.2), pt(0.0, 1.6)),
            item(Shape::Line(pt(-2.5, 1.6), pt(2.5, 1.6)), 0.45),
            item(Shape::Line(pt(-2.5, 2.8), pt(2.5, 2.8)), 0.45),
            line(pt(0.0, 2.8), pt(0.0, 4.2)),
            item(Shape::Line(pt(-1.8, 4.2), pt(1.8, 4.2)), 0.3),
            item(Shape::Line(pt(-1.1, 4.9), pt(1.1, 4.9)), 0.3),
            item(Shape::Line(pt(-0.4, 5.6), pt(0.4, 5.6)), 0.3),
        ],
    });
    out.push(Block {
        name: LOAD.into(),
        items: vec![
            line(pt(0.0, -HALF_HEIGHT), pt(0.0, 1.5)),
            item(Shape::Polygon { points: vec![pt(-1.6, 1.5), pt(1.6, 1.5), pt(0.0, 5.0)], fill: Some(Rgb::BLACK), opacity: 1.0 }, 0.3),
        ],
    });
    for (name, letter) in [(MOTOR, "M"), (GENERATOR, "G")] {
        out.push(Block {
            name: name.into(),
            items: vec![line(pt(0.0, -HALF_HEIGHT), pt(0.0, -2.8)), circle(pt(0.0, 0.2), 3.0), text(pt(0.0, 0.2), letter, 3.0)],
        });
    }
    out
}

/// The box a symbol occupies in its own frame (strokes included), mm; `None` for an unknown
/// block name.
pub fn bounds(name: &str) -> Option<BBox> {
    static BOUNDS: OnceLock<HashMap<String, BBox>> = OnceLock::new();
    BOUNDS.get_or_init(|| blocks().iter().map(|b| (b.name.clone(), items_bounds(&b.items))).collect()).get(name).copied()
}

/// The box of a block's items: strokes by half their width, texts by their font box.
fn items_bounds(items: &[Item]) -> BBox {
    let mut b = BBox::empty();
    for it in items {
        let h = it.stroke.width_mm / 2.0;
        let mut add = |p: Pt, r: f64| {
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
            Shape::Text(t) => {
                let tb = t.bbox();
                add(pt(tb.x0, tb.y0), 0.0);
                add(pt(tb.x1, tb.y1), 0.0);
            }
            Shape::Insert { .. } => {}
        }
    }
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_symbol_stays_within_its_declared_reach() {
        for b in blocks() {
            let r = bounds(&b.name).expect("bounds");
            assert!(r.x0 >= -LEFT_EXTENT && r.x1 <= RIGHT_EXTENT, "{}: {r:?}", b.name);
            assert!(r.y0 >= -HALF_HEIGHT - 0.2 && r.y1 <= HALF_HEIGHT + 0.2, "{}: {r:?}", b.name);
        }
    }

    #[test]
    fn relay_letters_fit_their_boxes() {
        // "OCR" at 1.8 mm is 3.9 mm wide: it must sit inside the 5.1 mm relay box.
        let t = Text::new(pt(-6.45, 3.4), "OCR", LETTER_SIZE).align(HAlign::Center, VAlign::Middle).bbox();
        assert!(t.x0 > -9.0 && t.x1 < -3.9 && t.y0 > 1.9 && t.y1 < 4.9, "{t:?}");
    }
}
