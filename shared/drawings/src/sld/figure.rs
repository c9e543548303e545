//! What is drawn at each device of the diagram besides its label, in the device's own frame
//! (its conductor at x = 0, its symbol's centre at y = 0, layout units): its symbol, the
//! instrument transformers on its conductor (the CT of a VCB's OCR, the ZCT and ZPD of a
//! ground relay), the meters hanging from its VT or CT, and a mark of every earthing it is
//! bonded to ("E_A 8Ω").
//!
//! Meters and earth marks stand left of the symbol, each in a column of its own, so they never
//! meet the device's label on the right: a meter at the height of the transformer that feeds
//! it, wired to it; the earth of a lightning arrester is part of its symbol and only named; a
//! transformer's B-class earth is wired to its low-voltage winding; any other earthing (frames,
//! instrument-transformer secondaries) is a free-standing earth mark at the top left. Each
//! item carries the id of the device it belongs to (the meter's, the earthing's), on that
//! device's `DEV_<id>` layer. A meter's or an earthing's label is drawn once, after the label
//! of its first drawn device ([`satellites`]).

use domain::model::{Device, EarthingClass, GroundRelayKind, Project};

use super::sheets::item_box;
use crate::font::text_width_mm;
use crate::model::{layer_name, pt, BBox, HAlign, Item, Pt, Rgb, Shape, Stroke, Tag, Text, VAlign};
use crate::symbols::{self, EARTH_HALF_WIDTH, LETTER_SIZE, METER_RADIUS};

/// Space between the columns left of a symbol, layout units.
const COLUMN_GAP: f64 = 0.8;
/// Space between an earth mark's bars and its text.
const EARTH_TEXT_GAP: f64 = 0.4;

/// The items drawn at a device, in its frame, and how far they reach either side of its
/// conductor (both ≥ 0).
#[derive(Debug, Clone)]
pub(super) struct Figure {
    pub items: Vec<Item>,
    pub left: f64,
    pub right: f64,
}

impl Figure {
    /// The items moved to the conductor at `x`, the symbol's centre at `y`.
    pub fn placed_at(&self, x: f64, y: f64) -> Vec<Item> {
        self.items.iter().cloned().map(|mut it| {
            translate(&mut it.shape, x, y);
            it
        }).collect()
    }
}

fn translate(s: &mut Shape, dx: f64, dy: f64) {
    let mv = |p: &mut Pt| {
        p.x += dx;
        p.y += dy;
    };
    match s {
        Shape::Line(a, b) => {
            mv(a);
            mv(b);
        }
        Shape::Polyline(p) | Shape::Polygon { points: p, .. } => p.iter_mut().for_each(mv),
        Shape::Circle { center, .. } => mv(center),
        Shape::Text(t) => mv(&mut t.at),
        Shape::Insert { at, .. } => mv(at),
    }
}

/// The symbol block of a device drawn on the tree; `None` for buses, meters and earthing.
pub(super) fn block_of(d: &Device) -> Option<&'static str> {
    let directional = |g: Option<&domain::model::GroundRelaySettings>| g.is_some_and(|g| g.kind == GroundRelayKind::Dgr);
    Some(match d {
        Device::Bus(_) | Device::Meter(_) | Device::Earthing(_) => return None,
        Device::Cable(_) => symbols::CABLE,
        Device::Transformer(_) => symbols::TRANSFORMER,
        Device::Vcb(v) => match &v.ground_relay {
            None => symbols::VCB_OCR,
            Some(g) if g.kind == GroundRelayKind::Dgr => symbols::VCB_OCR_DGR,
            Some(_) => symbols::VCB_OCR_GR,
        },
        Device::LbsPf(_) => symbols::LBS_PF,
        Device::GroundSwitch(g) if directional(g.ground_relay.as_ref()) => symbols::PAS_DGR,
        Device::GroundSwitch(_) => symbols::PAS,
        Device::LvBreaker(_) => symbols::CB,
        Device::Capacitor(_) => symbols::CAPACITOR,
        Device::Load(_) => symbols::LOAD,
        Device::Motor(_) => symbols::MOTOR,
        Device::Generator(_) => symbols::GENERATOR,
        Device::Ds(_) => symbols::DS,
        Device::Vct(_) => symbols::VCT,
        Device::La(_) => symbols::LA,
        Device::Vt(_) => symbols::VT,
    })
}

/// The device a meter hangs from: its CT's, else its VT's.
fn meter_host(d: &Device) -> Option<&str> {
    match d {
        Device::Meter(m) => m.ct.as_deref().or(m.vt.as_deref()),
        _ => None,
    }
}

/// What an earth mark reads, e.g. `E_A 8Ω`.
pub(super) fn earth_text(class: EarthingClass, resistance_ohm: f64) -> String {
    let c = match class {
        EarthingClass::A => "A",
        EarthingClass::B => "B",
        EarthingClass::C => "C",
        EarthingClass::D => "D",
    };
    format!("E_{c} {}Ω", crate::tcc::num(resistance_ohm))
}

/// Per device index: the meters and earthing whose labels follow its label. A meter's follows
/// its host's; an earthing's follows the first device it names that is drawn.
pub(super) fn satellites(project: &Project, placed: &[bool]) -> Vec<Vec<usize>> {
    let index = |id: &str| project.devices.iter().position(|d| d.id() == id).filter(|&i| placed.get(i).copied().unwrap_or(false));
    let mut out = vec![Vec::new(); project.devices.len()];
    for (i, d) in project.devices.iter().enumerate() {
        let host = match d {
            Device::Meter(_) => meter_host(d).and_then(index),
            Device::Earthing(e) => e.devices.iter().find_map(|id| index(id)),
            _ => None,
        };
        if let Some(h) = host {
            out[h].push(i);
        }
    }
    out
}

/// The figure of every drawn device (`placed`), by device index.
pub(super) fn figures(project: &Project, placed: &[bool]) -> Vec<Option<Figure>> {
    project
        .devices
        .iter()
        .enumerate()
        .map(|(i, d)| if placed.get(i).copied().unwrap_or(false) { figure(project, d) } else { None })
        .collect()
}

struct Builder {
    items: Vec<Item>,
}

impl Builder {
    fn push(&mut self, id: &str, width: f64, shape: Shape) {
        self.items.push(Item { layer: layer_name("DEV_", id), stroke: Stroke::new(Rgb::BLACK, width), shape, tag: Tag { device_id: Some(id.to_string()), line: None } });
    }

    fn insert(&mut self, id: &str, block: &str, at: Pt) {
        self.push(id, 0.35, Shape::Insert { block: block.to_string(), at, scale: 1.0, rotation_deg: 0.0 });
    }

    fn bounds(&self) -> BBox {
        let mut b = BBox::empty();
        for r in self.items.iter().filter_map(item_box) {
            b.add(pt(r.x0, r.y0));
            b.add(pt(r.x1, r.y1));
        }
        b
    }
}

fn figure(project: &Project, d: &Device) -> Option<Figure> {
    let block = block_of(d)?;
    let id = d.id();
    let mut f = Builder { items: Vec::new() };
    f.insert(id, block, pt(0.0, 0.0));
    let relay = match d {
        Device::Vcb(v) => {
            f.insert(id, symbols::CT, pt(0.0, symbols::VCB_CT_Y));
            if v.ground_relay.is_some() {
                f.insert(id, symbols::ZCT, pt(0.0, symbols::VCB_ZCT_Y));
            }
            v.ground_relay.as_ref()
        }
        Device::GroundSwitch(g) => {
            f.insert(id, symbols::ZCT, pt(0.0, symbols::PAS_ZCT_Y));
            g.ground_relay.as_ref()
        }
        _ => None,
    };
    if relay.is_some_and(|g| g.zpd.is_some()) {
        f.insert(id, symbols::ZPD, pt(0.0, symbols::ZPD_Y));
    }
    let own = f.bounds();
    let mut column = own.x0 - COLUMN_GAP;

    // Meters, nearest the symbol: wired from the transformer that feeds them.
    let meter_y = match d {
        Device::Vcb(_) => symbols::VCB_CT_Y,
        Device::Vt(_) => 1.7,
        _ => 0.0,
    };
    for m in project.devices.iter().filter(|m| meter_host(m) == Some(id)) {
        let Device::Meter(meter) = m else { continue };
        let letters = meter.kind.symbol();
        let r = METER_RADIUS.max(text_width_mm(letters, LETTER_SIZE) / 2.0 + 0.3);
        let c = pt(column - r, meter_y);
        f.push(m.id(), 0.2, Shape::Line(pt(own.x0, meter_y), pt(c.x - METER_RADIUS, meter_y)));
        f.insert(m.id(), symbols::METER, c);
        f.push(m.id(), 0.0, Shape::Text(Text::new(c, letters, LETTER_SIZE).align(HAlign::Center, VAlign::Middle)));
        column = c.x - r - COLUMN_GAP;
    }

    // Earth marks: the one wired to the symbol first.
    let mut earthings: Vec<&domain::model::Earthing> = project
        .devices
        .iter()
        .filter_map(|e| match e {
            Device::Earthing(e) if e.devices.iter().any(|x| x == id) => Some(e),
            _ => None,
        })
        .collect();
    let wired = |e: &domain::model::Earthing| match d {
        Device::La(_) => true,
        Device::Transformer(_) => e.class == EarthingClass::B,
        _ => false,
    };
    earthings.sort_by_key(|e| !wired(e));
    for (k, e) in earthings.into_iter().enumerate() {
        let label = earth_text(e.class, e.resistance_ohm);
        let w = text_width_mm(&label, LETTER_SIZE);
        let text = |at: Pt| Shape::Text(Text::new(at, label.clone(), LETTER_SIZE).align(HAlign::Right, VAlign::Middle));
        match d {
            Device::La(_) if k == 0 => {
                // The arrester's own earth, named beside its bars.
                let right = own.x0 - EARTH_TEXT_GAP;
                f.push(&e.id, 0.0, text(pt(right, 4.1)));
                column = column.min(right - w - COLUMN_GAP);
            }
            _ => {
                let x = column - EARTH_HALF_WIDTH;
                let top = if k == 0 && wired(e) {
                    // The transformer's low-voltage winding, down to its earth.
                    f.push(&e.id, 0.2, Shape::Line(pt(-3.1, 2.1), pt(x, 2.1)));
                    2.1
                } else {
                    -5.6
                };
                f.insert(&e.id, symbols::EARTH, pt(x, top));
                f.push(&e.id, 0.0, text(pt(x - EARTH_HALF_WIDTH - EARTH_TEXT_GAP, top + 1.9)));
                column = x - EARTH_HALF_WIDTH - EARTH_TEXT_GAP - w - COLUMN_GAP;
            }
        }
    }
    let b = f.bounds();
    Some(Figure { items: f.items, left: -b.x0, right: b.x1 })
}
