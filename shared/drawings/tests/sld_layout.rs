//! The single-line diagram fills the sheet legibly: every text box of every sheet, measured
//! with the embedded font's metrics, stays clear of every other text, of other devices'
//! symbols and of the lines, inside the drawing area, at least 2.5 mm high (symbol letters
//! 1.8 mm), never shortened; a diagram too large for one A3 sheet is split into sheets that
//! point to one another, and the PDF has one page per sheet.

mod support;

use std::collections::{HashMap, HashSet};
use std::process::Command;

use domain::analysis::Analysis;
use domain::model::{Device, Project};
use drawings::model::{BBox, Drawing, Shape, Text};
use drawings::{sheet, symbols};
use drawings::sld::{self, SldDiagram, SldOptions};
use drawings::{DrawingFormat, Paper, SheetInfo};

/// Main text (labels, fault currents, continuation notes) at least this high on A3, mm.
const MAIN_MM: f64 = 2.5;
/// Any other text (symbol letters, headings, title block) at least this high, mm.
const NOTE_MM: f64 = 1.8;

fn info(name: &str) -> SheetInfo {
    SheetInfo { project: name.into(), site: "東京都千代田区".into(), date: "2025-04-01".into(), author: "設計 太郎".into(), page: "1/1".into() }
}

/// The samples of `tests/fixtures`, the 60-device site of the drawings tests, and synthetic
/// sites of 60 and 300 devices.
fn cases() -> Vec<(String, Project, Analysis)> {
    let mut v = support::samples();
    let (p, a) = support::load(&support::big_site_json()).expect("big site");
    v.push(("big_site".into(), p, a));
    for n in [60, 300] {
        let (p, a) = support::load(&domain::synthetic::site_json(n)).expect("synthetic site");
        v.push((format!("synthetic_{n}"), p, a));
    }
    v
}

fn a3(project: &Project, analysis: &Analysis) -> SldDiagram {
    sld::build(project, analysis, &SldOptions { paper: Paper::A3, sheet: info(&project.name) }).expect("diagram")
}

/// A text on a sheet with its layer and device.
struct Placed {
    text: Text,
    bbox: BBox,
    layer: String,
    device: Option<String>,
}

fn is_main(layer: &str) -> bool {
    [sld::LAYER_LABEL, sld::LAYER_FAULT, sld::LAYER_NOTE].contains(&layer)
}

fn placed_texts(d: &Drawing) -> Vec<Placed> {
    drawings::pdf::flatten(d)
        .into_iter()
        .filter_map(|it| match it.shape {
            Shape::Text(t) => Some(Placed { bbox: t.bbox(), text: t, layer: it.layer, device: it.tag.device_id }),
            _ => None,
        })
        .collect()
}

fn grow(b: &mut BBox, x: f64, y: f64, r: f64) {
    b.add(drawings::model::pt(x - r, y - r));
    b.add(drawings::model::pt(x + r, y + r));
}

/// Every piece of every device's figure on the sheet as a box, with its device: each placed
/// symbol (block) by its bounds, each other stroke and text of a `DEV_` layer by its own box.
/// A device drawn in several places (an earthing marked at every device it is bonded to) has
/// a box at each.
fn symbol_boxes(d: &Drawing) -> Vec<(String, BBox)> {
    let mut out = Vec::new();
    for it in d.items.iter().filter(|i| i.layer.starts_with("DEV_")) {
        let Some(id) = it.tag.device_id.clone() else { continue };
        let mut b = BBox::empty();
        let h = it.stroke.width_mm / 2.0;
        match &it.shape {
            Shape::Line(p, q) => {
                grow(&mut b, p.x, p.y, h);
                grow(&mut b, q.x, q.y, h);
            }
            Shape::Polyline(p) | Shape::Polygon { points: p, .. } => p.iter().for_each(|q| grow(&mut b, q.x, q.y, h)),
            Shape::Circle { center, radius_mm, .. } => grow(&mut b, center.x, center.y, radius_mm + h),
            Shape::Text(t) => {
                let tb = t.bbox();
                grow(&mut b, tb.x0, tb.y0, 0.0);
                grow(&mut b, tb.x1, tb.y1, 0.0);
            }
            Shape::Insert { block, at, scale, .. } => {
                let s = symbols::bounds(block).unwrap_or_else(|| panic!("unknown block {block}"));
                grow(&mut b, at.x + s.x0 * scale, at.y + s.y0 * scale, 0.0);
                grow(&mut b, at.x + s.x1 * scale, at.y + s.y1 * scale, 0.0);
            }
        }
        out.push((id, b));
    }
    out
}

/// Wires and bus bars as boxes, with their device.
fn line_boxes(d: &Drawing) -> Vec<(Option<String>, BBox)> {
    d.items
        .iter()
        .filter(|i| i.layer == sld::LAYER_WIRE || i.layer == sld::LAYER_BUS)
        .filter_map(|i| {
            let mut b = BBox::empty();
            let h = i.stroke.width_mm / 2.0;
            match &i.shape {
                Shape::Line(p, q) => {
                    grow(&mut b, p.x, p.y, h);
                    grow(&mut b, q.x, q.y, h);
                }
                Shape::Circle { center, radius_mm, .. } => grow(&mut b, center.x, center.y, radius_mm + h),
                _ => return None,
            }
            Some((i.tag.device_id.clone(), b))
        })
        .collect()
}

/// Every legibility rule on one drawing (a sheet or the whole-diagram canvas).
fn assert_legible(what: &str, d: &Drawing) {
    let (w, h) = d.size_mm();
    let texts = placed_texts(d);
    let (tx0, ty0, tx1, ty1) = sheet::title_block((w, h));
    let title = BBox { x0: tx0, y0: ty0, x1: tx1, y1: ty1 };
    let symbols = symbol_boxes(d);
    let lines = line_boxes(d);
    for (i, a) in texts.iter().enumerate() {
        let t = &a.text.text;
        assert!(!t.contains('…'), "{what}: `{t}` is shortened");
        let min = if is_main(&a.layer) { MAIN_MM } else { NOTE_MM };
        assert!(a.text.size_mm >= min - 1e-9, "{what}: `{t}` ({}) is {:.2} mm high, under {min} mm", a.layer, a.text.size_mm);
        let b = a.bbox;
        assert!(b.x0 >= 10.0 && b.y0 >= 10.0 && b.x1 <= w - 10.0 && b.y1 <= h - 10.0, "{what}: `{t}` leaves the border: {b:?}");
        let in_title = a.layer == sheet::LAYER_TITLE;
        if !in_title {
            assert!(!b.overlaps(&title), "{what}: `{t}` runs into the title block: {b:?}");
        }
        for o in &texts[i + 1..] {
            assert!(!b.overlaps(&o.bbox), "{what}: `{t}` {b:?} overlaps `{}` {:?}", o.text.text, o.bbox);
        }
        for (id, s) in &symbols {
            if a.device.as_deref() != Some(id.as_str()) {
                assert!(!b.overlaps(s), "{what}: `{t}` {b:?} overlaps the symbol of {id} {s:?}");
            }
        }
        if !a.layer.starts_with("DEV_") {
            for (id, l) in &lines {
                assert!(!b.overlaps(l), "{what}: `{t}` {b:?} crosses a line of {id:?} {l:?}");
            }
        }
    }
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The drawn label lines of each device, joined per drawing (a bus drawn again on another
/// sheet has one entry per sheet).
fn drawn_labels(d: &Drawing) -> HashMap<String, String> {
    let mut out: HashMap<String, String> = HashMap::new();
    for p in placed_texts(d).into_iter().filter(|p| p.layer == sld::LAYER_LABEL || p.layer == sld::LAYER_FAULT) {
        if let Some(id) = p.device {
            out.entry(id).or_default().push_str(&p.text.text);
        }
    }
    out.into_iter().map(|(k, v)| (k, squeeze(&v))).collect()
}

/// Every device's and bus's label is drawn whole: its wrapped lines joined are its full text.
fn assert_labels_whole(what: &str, project: &Project, analysis: &Analysis, drawings: &[&Drawing], each_device_once: bool) {
    let fault: HashMap<&str, f64> = analysis.short_circuit.buses.iter().map(|b| (b.bus_id.as_str(), b.percent_z.ik_ka)).collect();
    let per_sheet: Vec<HashMap<String, String>> = drawings.iter().map(|d| drawn_labels(d)).collect();
    for dev in &project.devices {
        let id = dev.id();
        let drawn: Vec<&String> = per_sheet.iter().filter_map(|m| m.get(id)).collect();
        assert!(!drawn.is_empty(), "{what}: {id} is on no sheet");
        if each_device_once && !matches!(dev, Device::Bus(_)) {
            assert_eq!(drawn.len(), 1, "{what}: {id} is drawn on {} sheets", drawn.len());
        }
        let mut expected = squeeze(&sld::label_text(dev).concat());
        if let Device::Bus(_) = dev {
            if let Some(ik) = fault.get(id).filter(|ik| ik.is_finite()) {
                expected.push_str(&format!("Is{}kA", drawings::tcc::num(*ik)));
            }
        }
        for got in drawn {
            assert_eq!(got, &expected, "{what}: the label of {id} is not its full text");
            assert!(got.contains(&squeeze(id)) && got.contains(&squeeze(dev.display_name())), "{what}: {id} `{}` not named in `{got}`", dev.display_name());
        }
    }
}

#[test]
fn every_label_is_whole_legible_and_clear_of_every_other_on_every_sheet() {
    // Given every sample and sites of 60 and 300 devices, when the diagram is drawn on A3,
    // then on every sheet and on the whole-diagram drawing no text box meets another text,
    // another device's symbol or a line, every text is inside the border and clear of the
    // title block, main text is ≥ 2.5 mm, nothing is shortened with "…", and each device's
    // label, joined back from its wrapped lines, is its full text.
    for (stem, project, analysis) in cases() {
        let d = a3(&project, &analysis);
        assert!(d.label_size_mm >= MAIN_MM - 1e-9, "{stem}: labels at {:.2} mm", d.label_size_mm);
        for (k, s) in d.sheets.iter().enumerate() {
            assert_eq!(s.size_mm(), (420.0, 297.0), "{stem}: sheet {} is A3", k + 1);
            assert_legible(&format!("{stem} sheet {}/{}", k + 1, d.sheets.len()), s);
        }
        assert_legible(&format!("{stem} whole"), &d.drawing);
        let sheets: Vec<&Drawing> = d.sheets.iter().collect();
        assert_labels_whole(&format!("{stem} sheets"), &project, &analysis, &sheets, true);
        assert_labels_whole(&format!("{stem} whole"), &project, &analysis, &[&d.drawing], true);
    }
}

/// The box of the diagram on a sheet: everything but the border, title block and heading.
fn diagram_box(d: &Drawing) -> BBox {
    let mut b = BBox::empty();
    for it in drawings::pdf::flatten(d) {
        if [sheet::LAYER_FRAME, sheet::LAYER_TITLE, sld::LAYER_HEADER].contains(&it.layer.as_str()) {
            continue;
        }
        match &it.shape {
            Shape::Line(p, q) => {
                grow(&mut b, p.x, p.y, 0.0);
                grow(&mut b, q.x, q.y, 0.0);
            }
            Shape::Polyline(p) | Shape::Polygon { points: p, .. } => p.iter().for_each(|q| grow(&mut b, q.x, q.y, 0.0)),
            Shape::Circle { center, radius_mm, .. } => grow(&mut b, center.x, center.y, *radius_mm),
            Shape::Text(t) => {
                let tb = t.bbox();
                grow(&mut b, tb.x0, tb.y0, 0.0);
                grow(&mut b, tb.x1, tb.y1, 0.0);
            }
            Shape::Insert { .. } => {}
        }
    }
    b
}

#[test]
fn a_diagram_that_fits_one_sheet_is_scaled_up_to_fill_it() {
    // Given the samples, when each is drawn on one A3 sheet, then its text is enlarged up to
    // 3.5 mm, and unless it reached that cap the diagram spans ≥ 90 % of the drawing area
    // (inside the border, below the heading) in width or height. The CB sample, with four
    // feeders, spans more than half of both.
    let area = (392.0, 259.0);
    for (stem, project, analysis) in support::samples() {
        let d = a3(&project, &analysis);
        assert_eq!(d.sheets.len(), 1, "{stem} fits one sheet");
        assert!(d.label_size_mm <= sld::MAX_TEXT_MM + 1e-9, "{stem}: text {:.2} mm", d.label_size_mm);
        let b = diagram_box(&d.sheets[0]);
        let (fw, fh) = ((b.x1 - b.x0) / area.0, (b.y1 - b.y0) / area.1);
        println!("{stem}: text {:.2} mm, diagram {:.0} % of the width, {:.0} % of the height", d.label_size_mm, fw * 100.0, fh * 100.0);
        if d.label_size_mm < sld::MAX_TEXT_MM - 1e-6 {
            assert!(fw >= 0.9 || fh >= 0.9, "{stem}: the diagram spans {:.0} % × {:.0} % of the area at {:.2} mm", fw * 100.0, fh * 100.0, d.label_size_mm);
        }
        if stem == "cb_multi" {
            assert!(fw >= 0.5 && fh >= 0.5, "cb_multi spans {:.0} % × {:.0} %", fw * 100.0, fh * 100.0);
            assert!(d.label_size_mm > 3.0, "cb_multi's labels are {:.2} mm", d.label_size_mm);
        }
    }
}

/// Sheet numbers in the continuation notes of a sheet: (bus, "from" or "to", sheet).
fn notes(d: &Drawing) -> Vec<(String, &'static str, usize, usize)> {
    placed_texts(d)
        .into_iter()
        .filter(|p| p.layer == sld::LAYER_NOTE)
        .map(|p| {
            let t = p.text.text;
            let kind = if t.ends_with("頁より") { "from" } else if t.ends_with("頁へ続く") { "to" } else { panic!("unknown note `{t}`") };
            let nums: String = t.chars().filter(|c| c.is_ascii_digit() || *c == '/').collect();
            let (a, b) = nums.split_once('/').unwrap_or_else(|| panic!("no sheet number in `{t}`"));
            (p.device.unwrap_or_default(), kind, a.parse().expect("sheet"), b.parse().expect("of"))
        })
        .collect()
}

#[test]
fn a_site_too_large_for_one_sheet_is_split_into_sheets_that_point_to_one_another() {
    // Given a 300-device site, whose diagram would need text under 2.5 mm on one A3 sheet,
    // when it is drawn, then it takes several sheets at ≥ 2.5 mm, each with its page in the
    // title block; every "→ k/N 頁へ続く" after a bus leads to a sheet that draws the bus
    // again under "← j/N 頁より", and j is the sheet where the bus is fed.
    let (project, analysis) = support::load(&domain::synthetic::site_json(300)).expect("site");
    let d = a3(&project, &analysis);
    let n = d.sheets.len();
    println!("300 devices: {n} sheets, text {:.2} mm", d.label_size_mm);
    assert!((2..=8).contains(&n), "{n} sheets");
    let buses_on: Vec<HashSet<String>> = d.sheets.iter().map(|s| drawn_labels(s).into_keys().collect()).collect();
    let mut arrivals = 0;
    for (k, s) in d.sheets.iter().enumerate() {
        let texts: Vec<String> = s.texts().into_iter().map(|t| t.text).collect();
        assert!(texts.contains(&format!("{}/{n}", k + 1)), "sheet {}: page {}/{n} not in the title block", k + 1, k + 1);
        for (bus, kind, to, of) in notes(s) {
            assert_eq!(of, n, "sheet {}: `{bus}` note counts {of} sheets", k + 1);
            assert!((1..=n).contains(&to) && to != k + 1, "sheet {}: `{bus}` points to sheet {to}", k + 1);
            let there = &d.sheets[to - 1];
            assert!(buses_on[to - 1].contains(&bus), "sheet {to} does not draw {bus}");
            match kind {
                "to" => {
                    assert!(notes(there).iter().any(|(b, kind, from, _)| b == &bus && *kind == "from" && (*from == k + 1 || buses_on[*from - 1].contains(&bus))), "sheet {to} does not take {bus} over");
                }
                _ => {
                    arrivals += 1;
                    let feeder = project.devices.iter().position(|x| x.id() == bus).and_then(|b| domain::model::topology::Topology::build(&project).0.feeder_of_bus[b]).expect("fed bus");
                    assert!(drawn_labels(there).contains_key(project.devices[feeder].id()), "{bus} is not fed on sheet {to}");
                }
            }
        }
    }
    assert_eq!(arrivals, n - 1, "every sheet but the first continues a bus");
    assert!(d.sheets[0].texts().iter().any(|t| t.text == "電力会社 受電点"), "the utility is on sheet 1");

    // The whole diagram for screens is one drawing, larger than A3, with every device and bus.
    let (w, h) = d.drawing.size_mm();
    assert!(w > 420.0 && h >= 297.0, "canvas {w} × {h}");
    let svg = String::from_utf8(d.encode(DrawingFormat::Svg).expect("svg")).expect("utf-8");
    let doc = roxmltree::Document::parse(&svg).expect("svg parses");
    let tagged: HashSet<&str> = doc.descendants().filter_map(|n| n.attribute("data-device")).collect();
    for dev in &project.devices {
        assert!(tagged.contains(dev.id()), "{} has no data-device in the SVG", dev.id());
    }

    // The DXF holds the sheets side by side in model space.
    let dxf = String::from_utf8(d.encode(DrawingFormat::Dxf).expect("dxf")).expect("utf-8");
    let lines: Vec<&str> = dxf.lines().map(str::trim).collect();
    let at = lines.iter().position(|l| *l == "$EXTMAX").expect("$EXTMAX");
    let x: f64 = lines[at + 2].parse().expect("x");
    let expected = n as f64 * 420.0 + (n - 1) as f64 * drawings::dxf_out::SHEET_GAP_MM;
    assert!((x - expected).abs() < 1e-6, "model space {x} mm wide, {expected} expected");
    assert!(lines.iter().filter(|l| **l == "TITLE_BLOCK").count() >= n, "a title block per sheet");
}

#[test]
fn the_pdf_has_one_page_per_sheet_and_every_device_in_its_text() {
    // Given the 300-device site and the samples, when the diagram is written as PDF, then
    // qpdf finds no error, pdftotext reads one page per sheet, each with its page number,
    // and every device's id and name.
    let qpdf = support::tool("qpdf");
    let pdftotext = support::tool("pdftotext");
    let dir = support::out_dir("sld");
    let mut cases = support::samples();
    let (p, a) = support::load(&domain::synthetic::site_json(300)).expect("site");
    cases.push(("synthetic_300".into(), p, a));
    for (stem, project, analysis) in cases {
        let d = a3(&project, &analysis);
        let file = dir.join(format!("{stem}_sld_A3.pdf"));
        std::fs::write(&file, d.encode(DrawingFormat::Pdf).expect("pdf")).expect("write");
        let out = Command::new(&qpdf).arg("--check").arg(&file).output().expect("qpdf");
        assert!(out.status.success(), "{stem}: qpdf: {}", String::from_utf8_lossy(&out.stdout));
        let out = Command::new(&pdftotext).args(["-raw", "-enc", "UTF-8"]).arg(&file).arg("-").output().expect("pdftotext");
        assert!(out.status.success() && out.stderr.is_empty(), "{stem}: pdftotext: {}", String::from_utf8_lossy(&out.stderr));
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        let pages: Vec<&str> = text.split('\u{c}').filter(|p| !p.trim().is_empty()).collect();
        assert_eq!(pages.len(), d.sheets.len(), "{stem}: {} pages for {} sheets", pages.len(), d.sheets.len());
        if d.sheets.len() > 1 {
            for (k, page) in pages.iter().enumerate() {
                assert!(page.contains(&format!("{}/{}", k + 1, pages.len())), "{stem}: page {} has no page number", k + 1);
            }
        }
        let all = squeeze(&text);
        for dev in &project.devices {
            assert!(all.contains(&squeeze(dev.id())), "{stem}: {} not in the PDF text", dev.id());
            assert!(all.contains(&squeeze(dev.display_name())), "{stem}: `{}` not in the PDF text", dev.display_name());
        }
    }
}

#[test]
fn names_at_the_length_limit_wrap_whole_without_overlapping() {
    // Given case B with a 200-character project name, transformer name and bus name (the
    // validation limit), when the diagram is drawn, then the heading and the labels wrap onto
    // more lines, every rule of the first test holds and each name is drawn whole.
    let path = support::root().join("tests/fixtures/case_b.json");
    let mut doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).expect("case_b.json")).expect("json");
    let long = |stem: &str| {
        let mut s = String::new();
        while s.chars().count() < domain::validate::MAX_NAME_CHARS {
            s.push_str(stem);
        }
        s.chars().take(domain::validate::MAX_NAME_CHARS).collect::<String>()
    };
    doc["name"] = long("第二工場 受変電設備 更新工事 ").into();
    for d in doc["devices"].as_array_mut().expect("devices") {
        if d["id"] == "TR1" {
            d["name"] = long("動力用変圧器 油入自冷式 ").into();
        }
        if d["id"] == "HV" {
            d["name"] = long("高圧母線（第一受電盤から第二配電盤まで）").into();
        }
    }
    let (project, analysis) = support::load(&doc.to_string()).expect("long names are valid");
    let d = sld::build(&project, &analysis, &SldOptions { paper: Paper::A3, sheet: info("第二工場 受変電設備 更新工事") }).expect("diagram");
    let heading: String = placed_texts(&d.sheets[0]).into_iter().filter(|p| p.layer == sld::LAYER_HEADER && !p.text.text.starts_with("Is:")).map(|p| p.text.text).collect();
    assert_eq!(squeeze(&heading), squeeze(&format!("単線結線図{}", project.name)), "the project name is whole in the heading");
    assert!(placed_texts(&d.sheets[0]).iter().filter(|p| p.layer == sld::LAYER_HEADER).count() >= 3, "the 200-character project name wraps in the heading");
    for (k, s) in d.sheets.iter().enumerate() {
        assert_legible(&format!("long names sheet {}", k + 1), s);
    }
    let sheets: Vec<&Drawing> = d.sheets.iter().collect();
    assert_labels_whole("long names", &project, &analysis, &sheets, true);
    std::fs::write(support::out_dir("sld").join("long_names_sld_A3.pdf"), d.encode(DrawingFormat::Pdf).expect("pdf")).expect("write");
    assert!(d.label_size_mm >= MAIN_MM);
}

#[test]
fn the_incoming_panel_draws_its_station_equipment_with_symbols_and_ratings() {
    // Given the CB sample with its incoming panel, when its diagram is written as SVG, then
    // every device of the document — the DS, VCT, LA, VT, the meters and the earthing too —
    // has elements carrying its id; each piece of equipment is drawn with its JIS symbol
    // (the CT and ZCT on the main VCB's conductor, the ZCT and ZPD on the UGS's, each meter's
    // circle with its letters, an earth mark naming class and resistance at every device an
    // earthing is bonded to), and its ratings are written in its label.
    let samples = support::samples();
    let (_, project, analysis) = samples.iter().find(|(s, _, _)| s == "cb_multi").expect("cb_multi");
    let d = a3(project, analysis);
    let svg = String::from_utf8(d.encode(DrawingFormat::Svg).expect("svg")).expect("utf-8");
    let doc = roxmltree::Document::parse(&svg).expect("svg parses");
    let tagged: HashSet<&str> = doc.descendants().filter_map(|n| n.attribute("data-device")).collect();
    for dev in &project.devices {
        assert!(tagged.contains(dev.id()), "{} has no data-device in the SVG", dev.id());
    }
    let texts: Vec<String> = doc.descendants().filter(|n| n.has_tag_name("text")).map(|n| n.descendants().filter_map(|t| t.text()).collect()).collect();
    let all = squeeze(&texts.join("\n"));
    for rating in [
        "DS 400A 12.5kA",
        "VCT 6600/110V 100/5A 0.5W級",
        "LA 8.4kV 2.5kA",
        "VT 6600/110V 50VA 1.0級 PF1A",
        "CT 150/5A 40VA n>10 1.0級",
        "GR 0.2A 0.1s ZCT 200/1.5mA",
        "ZCT 200/1.5mA ZPD 6600V",
        "A種接地 8Ω",
        "B種接地 15Ω 1線地絡電流7A",
    ] {
        assert!(all.contains(&squeeze(rating)), "rating `{rating}` not written");
    }

    // Placed blocks and texts of each device on the sheet.
    let sheet = &d.sheets[0];
    let inserts = |id: &str| -> Vec<String> {
        sheet
            .items
            .iter()
            .filter(|i| i.tag.device_id.as_deref() == Some(id))
            .filter_map(|i| match &i.shape {
                Shape::Insert { block, .. } => Some(block.clone()),
                _ => None,
            })
            .collect()
    };
    let words = |id: &str| -> Vec<String> {
        drawings::pdf::flatten(sheet).into_iter().filter(|i| i.tag.device_id.as_deref() == Some(id)).filter_map(|i| match i.shape {
            Shape::Text(t) => Some(t.text),
            _ => None,
        }).collect()
    };
    for (id, blocks) in [
        ("DS1", vec![symbols::DS]),
        ("VCT", vec![symbols::VCT]),
        ("LA1", vec![symbols::LA]),
        ("VT1", vec![symbols::VT]),
        ("VCB_MAIN", vec![symbols::VCB_OCR_GR, symbols::CT, symbols::ZCT]),
        ("VCB_TR1", vec![symbols::VCB_OCR, symbols::CT]),
        ("UGS", vec![symbols::PAS_DGR, symbols::ZCT, symbols::ZPD]),
        ("WH", vec![symbols::METER]),
        ("VM", vec![symbols::METER]),
        ("AM", vec![symbols::METER]),
    ] {
        let got = inserts(id);
        for b in blocks {
            assert!(got.iter().any(|g| g == b), "{id}: {b} not placed (got {got:?})");
        }
    }
    for (id, letters) in [("WH", "Wh"), ("VM", "V"), ("AM", "A")] {
        assert!(words(id).iter().any(|t| t == letters), "meter {id} does not read {letters}");
    }
    // Earth marks: one per bonded device ("E_A 8Ω" beside the arrester's own earth, an earth
    // electrode elsewhere), each transformer's B-class earth among them.
    for (id, mark, bonded) in [("EA", "E_A 8Ω", 4), ("EB", "E_B 15Ω", 3), ("EC", "E_C 6Ω", 1), ("ED", "E_D 40Ω", 3)] {
        let marks = words(id).iter().filter(|t| *t == mark).count();
        assert_eq!(marks, bonded, "{id}: {marks} marks `{mark}`");
        let electrodes = inserts(id).iter().filter(|b| *b == symbols::EARTH).count();
        let own_earth = if id == "EA" { 1 } else { 0 };
        assert_eq!(electrodes + own_earth, bonded, "{id}: {electrodes} earth electrodes");
    }
}
