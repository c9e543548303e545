//! Real readers check the files: ezdxf opens and audits every DXF, qpdf checks every PDF,
//! pdftotext finds the Japanese labels and pdftoppm renders each page to PNG without a
//! warning (PNGs under `target/drawings-out/png/`). Missing tools fail the tests.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use drawings::sld::{self, SldOptions};
use drawings::tcc::{self, TccOptions};
use drawings::{encode, DrawingFormat, Paper, SheetInfo};

fn sheet(name: &str) -> SheetInfo {
    SheetInfo { project: name.into(), site: "大阪府大阪市".into(), date: "2025-04-01".into(), author: "検図 花子".into(), page: "1/1".into() }
}

/// Render (stem, what, paper) for every sample and the 60-device site.
fn cases() -> Vec<(String, domain::model::Project, domain::analysis::Analysis)> {
    let mut v = support::samples();
    let (p, a) = support::load(&support::big_site_json()).expect("big site");
    v.push(("big_site".into(), p, a));
    v
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).expect("write");
    p
}

/// For the CB sample, the station equipment's blocks placed in the diagram and its ratings:
/// (blocks inserted, texts).
fn station_equipment(stem: &str) -> (Vec<&'static str>, Vec<&'static str>) {
    if stem != "cb_multi" {
        return (Vec::new(), Vec::new());
    }
    use drawings::symbols::{CT, DS, EARTH, LA, METER, VCT, VT, ZCT, ZPD};
    (
        vec![DS, VCT, LA, VT, CT, ZCT, ZPD, METER, EARTH],
        vec!["DS 400A 12.5kA", "VCT 6600/110V 100/5A 0.5W級", "LA 8.4kV 2.5kA", "VT 6600/110V 50VA 1.0級 PF1A", "CT 150/5A 40VA n>10 1.0級", "ZCT 200/1.5mA", "Wh", "E_A 8Ω", "E_B 15Ω", "A種接地 8Ω"],
    )
}

#[test]
fn every_dxf_passes_the_ezdxf_audit_with_its_layers_and_texts() {
    let python = support::python();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/dxf_check.py");
    let dir = support::out_dir("dxf");
    for (stem, project, analysis) in cases() {
        let chart = tcc::build(&project, &analysis, &TccOptions { sheet: sheet(&project.name), ..Default::default() }).expect("chart");
        let diagram = sld::build(&project, &analysis, &SldOptions { paper: Paper::A3, sheet: sheet(&project.name) }).expect("diagram");
        let mut chart_layers: Vec<String> = vec![tcc::LAYER_GRID.into(), tcc::LAYER_AXIS.into(), tcc::LAYER_LEGEND.into(), "TITLE_BLOCK".into()];
        chart_layers.extend(chart.device_ids.iter().map(|id| drawings::model::layer_name(tcc::DEVICE_LAYER_PREFIX, id)));
        let mut sld_layers: Vec<String> = vec![sld::LAYER_WIRE.into(), sld::LAYER_BUS.into(), sld::LAYER_LABEL.into(), sld::LAYER_FAULT.into()];
        let mut sld_texts: Vec<String> = vec!["単線結線図".into(), project.name.clone()];
        // Every device but a bus has its layer; every device's id is written.
        for d in &project.devices {
            if !matches!(d, domain::model::Device::Bus(_)) {
                sld_layers.push(drawings::model::layer_name("DEV_", d.id()));
            }
            sld_texts.push(d.id().to_string());
        }
        let (station_blocks, station_texts) = station_equipment(&stem);
        sld_texts.extend(station_texts.iter().map(|t| t.to_string()));
        let checks = [
            ("tcc", encode(&chart.drawing, DrawingFormat::Dxf), serde_json::json!({"layers": chart_layers, "texts": ["保護協調図", "凡例", "動作時間 [s]", project.name.clone()], "blocks": [], "inserts": []})),
            ("sld", diagram.encode(DrawingFormat::Dxf), serde_json::json!({"layers": sld_layers, "texts": sld_texts, "blocks": ["JIS_CB", "JIS_TRANSFORMER", "JIS_SOURCE"], "inserts": station_blocks})),
        ];
        for (what, dxf, expect) in checks {
            let dxf = dxf.expect("dxf");
            let text = String::from_utf8(dxf.clone()).expect("DXF R2010 is UTF-8");
            assert!(text.contains("AC1024"), "{stem} {what}: not R2010");
            let file = write(&dir, &format!("{stem}_{what}.dxf"), &dxf);
            let exp = write(&dir, &format!("{stem}_{what}.expect.json"), expect.to_string().as_bytes());
            let out = Command::new(&python).arg(&script).arg(&file).arg(&exp).output().expect("run python");
            let stdout = String::from_utf8_lossy(&out.stdout);
            assert!(out.status.success(), "{stem} {what}: {stdout}\n{}", String::from_utf8_lossy(&out.stderr));
            assert!(stdout.contains("\"audit_errors\": 0"), "{stem} {what}: {stdout}");
        }
    }
}

#[test]
fn every_pdf_passes_qpdf_shows_japanese_text_and_renders_without_warnings() {
    let qpdf = support::tool("qpdf");
    let pdftotext = support::tool("pdftotext");
    let pdftoppm = support::tool("pdftoppm");
    let dir = support::out_dir("pdf");
    let png = support::out_dir("png");
    for (stem, project, analysis) in cases() {
        for paper in [Paper::A3, Paper::A4] {
            let chart = tcc::build(&project, &analysis, &TccOptions { paper, sheet: sheet(&project.name), ..Default::default() }).expect("chart");
            let diagram = sld::build(&project, &analysis, &SldOptions { paper, sheet: sheet(&project.name) }).expect("diagram");
            let expected = [
                ("tcc", encode(&chart.drawing, DrawingFormat::Pdf), vec!["保護協調図", "凡例", "動作時間", "電流", "協調チェック結果", "工事名", "大阪府大阪市"]),
                ("sld", diagram.encode(DrawingFormat::Pdf), vec!["単線結線図", "電力会社", "受電点", "三相短絡電流", "作成者", "検図 花子"]),
            ];
            for (what, pdf, labels) in expected {
                let pdf = pdf.expect("pdf");
                let name = format!("{stem}_{what}_{}", paper.name());
                let file = write(&dir, &format!("{name}.pdf"), &pdf);
                let out = Command::new(&qpdf).arg("--check").arg(&file).output().expect("qpdf");
                let so = String::from_utf8_lossy(&out.stdout);
                assert!(out.status.success(), "{name}: qpdf --check failed: {so}{}", String::from_utf8_lossy(&out.stderr));
                assert!(so.contains("No syntax or stream encoding errors"), "{name}: {so}");

                let out = Command::new(&pdftotext).args(["-layout", "-enc", "UTF-8"]).arg(&file).arg("-").output().expect("pdftotext");
                assert!(out.status.success(), "{name}: pdftotext failed");
                assert!(out.stderr.is_empty(), "{name}: pdftotext: {}", String::from_utf8_lossy(&out.stderr));
                let text = String::from_utf8_lossy(&out.stdout);
                for l in labels {
                    assert!(text.contains(l), "{name}: `{l}` not extracted");
                }
                let ids: Vec<&str> = if what == "sld" { project.devices.iter().map(|d| d.id()).collect() } else { chart.device_ids.iter().map(|s| s.as_str()).filter(|s| *s != "utility").collect() };
                for id in ids {
                    assert!(text.contains(id), "{name}: `{id}` not extracted");
                }

                let out = Command::new(&pdftoppm).args(["-png", "-r", "100", "-singlefile"]).arg(&file).arg(png.join(&name)).output().expect("pdftoppm");
                assert!(out.status.success(), "{name}: pdftoppm failed");
                assert!(out.stderr.is_empty(), "{name}: pdftoppm warned: {}", String::from_utf8_lossy(&out.stderr));
                let img = std::fs::read(png.join(format!("{name}.png"))).expect("png written");
                assert!(img.starts_with(b"\x89PNG") && img.len() > 10_000, "{name}: bad PNG");
            }
        }
    }
}

#[test]
fn the_pdf_embeds_a_font_subset() {
    let samples = support::samples();
    let (_, project, analysis) = &samples[0];
    let chart = tcc::build(project, analysis, &TccOptions::default()).expect("chart");
    let pdf = encode(&chart.drawing, DrawingFormat::Pdf).expect("pdf");
    assert!(pdf.len() < 600_000, "font not subset: {} bytes", pdf.len());
    let text = String::from_utf8_lossy(&pdf);
    assert!(text.contains("+IPAexGothic"), "subset font name");
    assert!(text.contains("/FontFile2"), "embedded TrueType");
    assert!(text.contains("/ToUnicode"), "extractable text");
    let pdffonts = support::tool("pdffonts");
    let dir = support::out_dir("pdf");
    let file = write(&dir, "font_check.pdf", &pdf);
    let out = Command::new(pdffonts).arg(&file).output().expect("pdffonts");
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(s.lines().any(|l| l.contains("IPAexGothic") && l.contains("CID TrueType") && l.contains(" yes yes ")), "pdffonts: {s}");
}
