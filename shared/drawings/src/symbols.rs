//! Single-line diagram symbols after JIS C 0617 (IEC 60617), as blocks. Every device symbol is
//! drawn in its own millimetre frame with the origin at its centre, connecting at (0, −6) above
//! and (0, +6) below (y downwards), and reaching at most [`LEFT_EXTENT`] to the left and
//! [`RIGHT_EXTENT`] to the right of the conductor line; [`bounds`] gives each symbol's own
//! reach, measured from its geometry, so that a layout can keep labels clear of it. The relay
//! and instrument letters inside the symbols (OCR, GR, VCT, ZCT, ZPD) are [`LETTER_SIZE`] high.
//!
//! The parts drawn onto a device's symbol are blocks of their own, around their own origin:
//! the current transformers threaded on the conductor ([`CT`], [`ZCT`], centred on it), the
//! zero-phase voltage device ([`ZPD`], origin at its tap on the conductor), a meter
//! ([`METER`], its circle, centred) and an earth electrode ([`EARTH`], origin at the top of its
//! lead). A breaker's symbol leaves the place of its CT ([`VCB_CT_Y`]) and ZCT ([`VCB_ZCT_Y`],
//! [`PAS_ZCT_Y`]) empty for them.

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
/// VCB with its OCR and a ground relay (GR or DGR box).
pub const VCB_OCR_GR: &str = "JIS_VCB_OCR_GR";
pub const VCB_OCR_DGR: &str = "JIS_VCB_OCR_DGR";
/// PAS/UGS whose ground relay is directional.
pub const PAS_DGR: &str = "JIS_PAS_DGR";
/// Disconnector (断路器).
pub const DS: &str = "JIS_DS";
/// The utility's metering unit (VCT): CT and VT in one box.
pub const VCT: &str = "JIS_VCT";
/// Lightning arrester (避雷器) with its earth.
pub const LA: &str = "JIS_LA";
/// Voltage transformer (計器用変圧器) on a bus.
pub const VT: &str = "JIS_VT";
/// Current transformer on a breaker's conductor.
pub const CT: &str = "JIS_CT";
/// Zero-phase current transformer on the conductor of a ground relay's breaker.
pub const ZCT: &str = "JIS_ZCT";
/// Zero-phase voltage device, tapped off the conductor to its left.
pub const ZPD: &str = "JIS_ZPD";
/// A meter's circle; its letters (Wh, A, V, …) are written into it where it is placed.
pub const METER: &str = "JIS_METER";
/// Earth electrode (接地): a lead down to three bars.
pub const EARTH: &str = "JIS_EARTH";

/// The blocks placed onto device symbols rather than drawn for a device of their own.
pub const PARTS: [&str; 5] = [CT, ZCT, ZPD, METER, EARTH];

/// Where the CT and the ZCT sit on a VCB's conductor, mm from its centre.
pub const VCB_CT_Y: f64 = 1.5;
pub const VCB_ZCT_Y: f64 = 4.3;
/// Where the ZCT sits on a PAS/UGS's conductor, mm from its centre.
pub const PAS_ZCT_Y: f64 = 3.6;
/// Where a ZPD is tapped off a breaker's conductor, mm from its centre.
pub const ZPD_Y: f64 = -4.8;
/// Radius of a meter's circle, mm.
pub const METER_RADIUS: f64 = 2.4;
/// Height of the earth electrode from the top of its lead to its lowest bar, and its half
/// width, mm.
pub const EARTH_HEIGHT: f64 = 2.6;
pub const EARTH_HALF_WIDTH: f64 = 1.5;

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

/// A relay box left of the conductor at height `y`, its lead starting `from` left of it (the
/// radius of the transformer on the conductor).
fn relay_box(y: f64, from: f64, letters: &str) -> Vec<Item> {
    vec![
        item(Shape::Line(pt(-from, y), pt(-3.9, y)), 0.2),
        item(Shape::Polygon { points: vec![pt(-9.0, y - 1.3), pt(-3.9, y - 1.3), pt(-3.9, y + 1.3), pt(-9.0, y + 1.3)], fill: None, opacity: 1.0 }, 0.25),
        text(pt(-6.45, y), letters, LETTER_SIZE),
    ]
}

/// Three bars of an earth electrode, the widest at `y`.
fn earth_bars(y: f64) -> Vec<Item> {
    vec![
        item(Shape::Line(pt(-EARTH_HALF_WIDTH, y), pt(EARTH_HALF_WIDTH, y)), 0.3),
        item(Shape::Line(pt(-0.95, y + 0.7), pt(0.95, y + 0.7)), 0.3),
        item(Shape::Line(pt(-0.4, y + 1.4), pt(0.4, y + 1.4)), 0.3),
    ]
}

fn rect(x0: f64, y0: f64, x1: f64, y1: f64, w: f64) -> Item {
    item(Shape::Polygon { points: vec![pt(x0, y0), pt(x1, y0), pt(x1, y1), pt(x0, y1)], fill: None, opacity: 1.0 }, w)
}

/// The station equipment: DS, VCT, LA, VT, and the parts placed onto other symbols.
fn station_blocks() -> Vec<Block> {
    let mut out = Vec::new();
    // Disconnector: a blade open from its hinge, a bar across the fixed contact.
    out.push(Block {
        name: DS.into(),
        items: vec![
            line(pt(0.0, -HALF_HEIGHT), pt(0.0, -3.0)),
            line(pt(-1.2, -3.0), pt(1.2, -3.0)),
            line(pt(0.0, 2.4), pt(-2.6, -2.4)),
            line(pt(0.0, 2.4), pt(0.0, HALF_HEIGHT)),
        ],
    });
    // Metering unit: a box marked VCT around the CT threaded on the conductor and the VT
    // tapped off it.
    out.push(Block {
        name: VCT.into(),
        items: vec![
            line(pt(0.0, -HALF_HEIGHT), pt(0.0, -2.6)),
            circle(pt(0.0, -1.6), 1.0),
            line(pt(0.0, -0.6), pt(0.0, HALF_HEIGHT)),
            item(Shape::Line(pt(0.0, 0.0), pt(-2.4, 0.0)), 0.25),
            item(Shape::Line(pt(-2.4, 0.0), pt(-2.4, 0.4)), 0.25),
            item(Shape::Circle { center: pt(-2.4, 1.25), radius_mm: 0.85, fill: None }, 0.25),
            item(Shape::Circle { center: pt(-2.4, 2.55), radius_mm: 0.85, fill: None }, 0.25),
            rect(-4.6, -5.4, 1.8, 4.4, 0.3),
            text(pt(-2.35, -4.2), "VCT", LETTER_SIZE),
        ],
    });
    // Lightning arrester: the arrester's box with its arrow, down to its earth.
    let mut la = vec![
        line(pt(0.0, -HALF_HEIGHT), pt(0.0, -4.4)),
        rect(-1.3, -4.4, 1.3, 0.6, 0.3),
        item(Shape::Line(pt(0.0, -3.6), pt(0.0, -1.0)), 0.25),
        item(Shape::Polygon { points: vec![pt(-0.7, -1.2), pt(0.7, -1.2), pt(0.0, 0.1)], fill: Some(Rgb::BLACK), opacity: 1.0 }, 0.2),
        line(pt(0.0, 0.6), pt(0.0, 3.4)),
    ];
    la.extend(earth_bars(3.4));
    out.push(Block { name: LA.into(), items: la });
    // Voltage transformer: two interlocking circles.
    out.push(Block {
        name: VT.into(),
        items: vec![line(pt(0.0, -HALF_HEIGHT), pt(0.0, -4.0)), circle(pt(0.0, -1.7), 2.3), circle(pt(0.0, 1.7), 2.3)],
    });
    out.push(Block { name: CT.into(), items: vec![circle(pt(0.0, 0.0), 1.1)] });
    out.push(Block {
        name: ZCT.into(),
        items: vec![
            circle(pt(0.0, 0.0), 1.3),
            item(Shape::Text(Text::new(pt(1.7, 0.0), "ZCT", LETTER_SIZE).align(HAlign::Left, VAlign::Middle)), 0.0),
        ],
    });
    out.push(Block {
        name: ZPD.into(),
        items: vec![item(Shape::Line(pt(0.0, 0.0), pt(-3.6, 0.0)), 0.2), rect(-8.6, -1.2, -3.6, 1.2, 0.25), text(pt(-6.1, 0.0), "ZPD", LETTER_SIZE)],
    });
    out.push(Block { name: METER.into(), items: vec![item(Shape::Circle { center: pt(0.0, 0.0), radius_mm: METER_RADIUS, fill: None }, 0.3)] });
    let mut earth = vec![item(Shape::Line(pt(0.0, 0.0), pt(0.0, 1.2)), 0.3)];
    earth.extend(earth_bars(1.2));
    out.push(Block { name: EARTH.into(), items: earth });
    out
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
    // VCB with its OCR (and ground relay): the CT and ZCT are placed onto it.
    for (name, ground) in [(VCB_OCR, None), (VCB_OCR_GR, Some("GR")), (VCB_OCR_DGR, Some("DGR"))] {
        let mut v = breaker_contact(-4.2, -0.2);
        v.push(line(pt(0.0, -0.2), pt(0.0, HALF_HEIGHT)));
        v.extend(relay_box(VCB_CT_Y, 1.1, "OCR"));
        if let Some(letters) = ground {
            v.extend(relay_box(VCB_ZCT_Y, 1.3, letters));
        }
        out.push(Block { name: name.into(), items: v });
    }
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
    // PAS / UGS with its ground relay: the ZCT is placed onto it.
    for (name, letters) in [(PAS, "GR"), (PAS_DGR, "DGR")] {
        let mut p = vec![
            line(pt(0.0, -HALF_HEIGHT), pt(0.0, -3.4)),
            line(pt(-1.2, -3.4), pt(1.2, -3.4)),
            line(pt(0.0, 1.0), pt(-2.8, -3.0)),
            line(pt(0.0, 1.0), pt(0.0, HALF_HEIGHT)),
        ];
        p.extend(relay_box(PAS_ZCT_Y, 1.3, letters));
        out.push(Block { name: name.into(), items: p });
    }
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
    out.extend(station_blocks());
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
        for b in blocks().into_iter().filter(|b| !PARTS.contains(&b.name.as_str())) {
            let r = bounds(&b.name).expect("bounds");
            assert!(r.x0 >= -LEFT_EXTENT && r.x1 <= RIGHT_EXTENT, "{}: {r:?}", b.name);
            assert!(r.y0 >= -HALF_HEIGHT - 0.2 && r.y1 <= HALF_HEIGHT + 0.2, "{}: {r:?}", b.name);
        }
    }

    #[test]
    fn parts_placed_onto_a_symbol_stay_within_its_frame() {
        // The CT, ZCT and ZPD are placed onto breakers: where they sit, they stay inside the
        // breaker's frame, and the ZCT's letters reach no further right than a label may start.
        for (block, y) in [(CT, VCB_CT_Y), (ZCT, VCB_ZCT_Y), (ZCT, PAS_ZCT_Y), (ZPD, ZPD_Y)] {
            let r = bounds(block).expect("bounds");
            assert!(r.y0 + y >= -HALF_HEIGHT - 0.2 && r.y1 + y <= HALF_HEIGHT + 0.2 && r.x0 >= -LEFT_EXTENT, "{block} at {y}: {r:?}");
        }
        assert!(bounds(ZCT).expect("zct").x1 < 6.0);
    }

    #[test]
    fn relay_letters_fit_their_boxes() {
        // "OCR" at 1.8 mm is 3.9 mm wide: it must sit inside the 5.1 mm × 2.6 mm relay box.
        for letters in ["OCR", "GR", "DGR"] {
            let t = Text::new(pt(-6.45, 0.0), letters, LETTER_SIZE).align(HAlign::Center, VAlign::Middle).bbox();
            assert!(t.x0 > -9.0 && t.x1 < -3.9 && t.y0 > -1.3 && t.y1 < 1.3, "{letters}: {t:?}");
        }
        // "ZPD" inside its 5 mm box, "VCT" inside the metering unit's box clear of its CT.
        let t = Text::new(pt(-6.1, 0.0), "ZPD", LETTER_SIZE).align(HAlign::Center, VAlign::Middle).bbox();
        assert!(t.x0 > -8.6 && t.x1 < -3.6 && t.y0 > -1.2 && t.y1 < 1.2, "ZPD: {t:?}");
        let t = Text::new(pt(-2.35, -4.2), "VCT", LETTER_SIZE).align(HAlign::Center, VAlign::Middle).bbox();
        assert!(t.x0 > -4.6 && t.x1 < -0.1 && t.y0 > -5.4 && t.y1 < -2.6, "VCT: {t:?}");
    }
}
