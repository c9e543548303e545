//! Every sample project renders to every format, and what is drawn is what the engine computed.

mod support;

use std::collections::HashSet;

use domain::analysis::CHART_SAMPLES;
use domain::checks::{devices, CheckSettings};
use domain::curves::{Characteristic, LineKind, Tcc};
use domain::model::Device;
use drawings::model::{Shape, Text};
use drawings::reports::{self, CsvEncoding, Language, ReportKind};
use drawings::sld::{self, SldOptions};
use drawings::tcc::{self, TccOptions};
use drawings::{encode, DrawingFormat, Paper, SheetInfo};

fn sheet(name: &str) -> SheetInfo {
    SheetInfo { project: name.into(), site: "東京都千代田区".into(), date: "2025-04-01".into(), author: "設計 太郎".into(), page: "1/2".into() }
}

#[test]
fn every_sample_renders_to_every_format() {
    // Given every sample project, when it is drawn and reported in every format,
    // then every file is produced and written under target/drawings-out/.
    let out = support::out_dir("samples");
    for (stem, project, analysis) in support::samples() {
        for paper in [Paper::A3, Paper::A4] {
            let chart = tcc::build(&project, &analysis, &TccOptions { paper, sheet: sheet(&project.name), ..Default::default() }).expect("chart");
            let diagram = sld::build(&project, &analysis, &SldOptions { paper, sheet: sheet(&project.name) }).expect("diagram");
            for what in ["tcc", "sld"] {
                for (ext, f) in [("svg", DrawingFormat::Svg), ("pdf", DrawingFormat::Pdf), ("dxf", DrawingFormat::Dxf)] {
                    let bytes = if what == "tcc" { encode(&chart.drawing, f) } else { diagram.encode(f) };
                    let bytes = bytes.unwrap_or_else(|e| panic!("{stem} {what} {ext}: {e}"));
                    assert!(bytes.len() > 500, "{stem} {what}.{ext} is too small");
                    let name = format!("{stem}_{what}_{}.{ext}", paper.name());
                    std::fs::write(out.join(name), bytes).expect("write");
                }
            }
        }
        for kind in ReportKind::ALL {
            for (enc, tag) in [(CsvEncoding::Utf8Bom, "utf8"), (CsvEncoding::Cp932, "cp932")] {
                for lang in [Language::Japanese, Language::English] {
                    let bytes = drawings::render_report(&project, &analysis, kind, lang, enc).expect("report");
                    let l = if lang == Language::Japanese { "ja" } else { "en" };
                    std::fs::write(out.join(format!("{stem}_{}_{tag}_{l}.csv", kind.name())), bytes).expect("write");
                }
            }
        }
    }
}

#[test]
fn a4_sheet_is_the_a3_sheet_scaled() {
    let (_, project, analysis) = support::samples().into_iter().next().expect("a sample");
    let a4 = tcc::build(&project, &analysis, &TccOptions { paper: Paper::A4, ..Default::default() }).expect("chart");
    assert_eq!(a4.drawing.size_mm(), (297.0, 210.0));
    let svg = drawings::svg::to_svg(&a4.drawing);
    assert!(svg.contains("width=\"297mm\" height=\"210mm\""));
    let pdf = drawings::pdf::to_pdf(&a4.drawing).expect("pdf");
    let text = String::from_utf8_lossy(&pdf);
    assert!(text.contains("/MediaBox [0 0 841.8898 595.2756]"), "A4 landscape media box");
}

/// Chart points of one drawn line of a device (every polyline piece, in order).
fn drawn(chart: &tcc::TccChart, device: &str, line: &str) -> Vec<(f64, f64)> {
    chart
        .drawing
        .items
        .iter()
        .filter(|it| it.layer.starts_with(tcc::DEVICE_LAYER_PREFIX))
        .filter(|it| it.tag.device_id.as_deref() == Some(device) && it.tag.line.as_deref() == Some(line))
        .filter_map(|it| match &it.shape {
            Shape::Polyline(p) => Some(p.clone()),
            _ => None,
        })
        .flatten()
        .map(|p| chart.axes.unmap(p))
        .collect()
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    ((a - b) / b).abs() <= tol
}

#[test]
fn chart_curves_are_the_engine_samples() {
    // Given each sample, when the chart is drawn, then every drawn vertex inside the plot is a
    // point the engine sampled for that device, and every engine point inside the plot is drawn.
    for (stem, project, analysis) in support::samples() {
        let chart = tcc::build(&project, &analysis, &TccOptions::default()).expect("chart");
        let ax = chart.axes;
        let mut compared = 0;
        for c in &chart.curves {
            for l in &c.lines {
                if matches!(l.line, LineKind::Inrush | LineKind::Withstand) && c.role != domain::analysis::CurveRole::CableWithstand {
                    continue;
                }
                let key = format!("{:?}", l.line).to_lowercase();
                let pts = drawn(&chart, &c.device_id, &key);
                let engine: Vec<(f64, f64)> = l.points.iter().map(|p| (p.current_a * ax.scale, p.time_s)).collect();
                let inside = |(i, t): (f64, f64)| i > ax.i_min * 1.0001 && i < ax.i_max * 0.9999 && t > tcc::TIME_MIN_S * 1.0001 && t < tcc::TIME_MAX_S * 0.9999;
                for &(i, t) in pts.iter().filter(|p| inside(**p)) {
                    assert!(
                        engine.iter().any(|&(ei, et)| close(i, ei, 1e-9) && close(t, et, 1e-9)),
                        "{stem} {} {key}: drawn ({i}, {t}) is not an engine point",
                        c.device_id
                    );
                    compared += 1;
                }
                for &(ei, et) in engine.iter().filter(|p| inside(**p)) {
                    assert!(pts.iter().any(|&(i, t)| close(i, ei, 1e-9) && close(t, et, 1e-9)), "{stem} {} {key}: engine ({ei}, {et}) not drawn", c.device_id);
                }
            }
        }
        assert!(compared > 100, "{stem}: only {compared} points compared");
    }
}

#[test]
fn chart_relay_curve_agrees_with_an_independent_sampling() {
    // Given a 6.6 kV VCB on the chart, when its relay is sampled here through the engine's
    // public curve API, then the drawn nominal curve passes through the same points.
    let mut checked = 0;
    for (stem, project, analysis) in support::samples() {
        let chart = tcc::build(&project, &analysis, &TccOptions::default()).expect("chart");
        let settings = CheckSettings::from_project(&project);
        let f = project.utility.frequency_hz.hz();
        for d in &project.devices {
            let Device::Vcb(v) = d else { continue };
            if !chart.device_ids.contains(&v.id) {
                continue;
            }
            let relay = devices::relay_from_ocr(&v.ocr, &domain::library::resolve::Resolver::of(&project), &settings, f).expect("relay");
            let lines = Tcc::new(Characteristic::Relay(relay)).sample(analysis.chart.current_min_a, analysis.chart.current_max_a, CHART_SAMPLES);
            let nominal = lines.iter().find(|l| l.line == LineKind::Nominal).expect("nominal");
            let pts = drawn(&chart, &v.id, "nominal");
            let ax = chart.axes;
            let mut n = 0;
            for p in &nominal.points {
                let (i, t) = (p.current_a * ax.scale, p.time_s);
                if i <= ax.i_min || i >= ax.i_max || t <= 0.0101 || t >= 990.0 {
                    continue;
                }
                assert!(pts.iter().any(|&(di, dt)| close(di, i, 1e-9) && close(dt, t, 1e-9)), "{stem} {}: ({i}, {t}) missing", v.id);
                n += 1;
            }
            assert!(n > 20, "{stem} {}: only {n} points", v.id);
            checked += 1;
        }
    }
    assert!(checked >= 3, "only {checked} relays compared");
}

#[test]
fn chart_shows_every_device_of_the_path_and_the_fault_markers() {
    let samples = support::samples();
    let (_, project, analysis) = samples.iter().find(|(s, _, _)| s == "cb_multi").expect("cb_multi");
    let chart = tcc::build(project, analysis, &TccOptions { path_to: Some("LV1_F".into()), ..Default::default() }).expect("chart");
    for id in ["utility", "VCB_MAIN", "VCB_TR1", "TR1", "C_IN"] {
        assert!(chart.device_ids.iter().any(|d| d == id), "{id} missing from {:?}", chart.device_ids);
    }
    let texts: Vec<String> = chart.drawing.texts().into_iter().map(|t| t.text).collect();
    for label in ["保護協調図", "凡例", "動作時間 [s]", "電流 [A]（6.6 kV 換算）", "協調チェック結果"] {
        assert!(texts.iter().any(|t| t.contains(label)), "{label} missing");
    }
    assert!(texts.iter().any(|t| t.starts_with("短絡電流")), "fault-current marker label missing");
    assert!(texts.iter().any(|t| t.contains("TR1 突入")), "inrush point label missing");
    // Decade labels of the time axis.
    for v in ["0.01", "0.1", "1", "10", "100", "1000"] {
        assert!(texts.iter().any(|t| t == v), "time label {v} missing");
    }
    // A path to an unknown id is refused.
    let err = tcc::build(project, analysis, &TccOptions { path_to: Some("NOPE".into()), ..Default::default() }).unwrap_err();
    assert_eq!(err, drawings::DrawError::UnknownDevice("NOPE".into()));
}

#[test]
fn failing_checks_are_highlighted_on_the_chart() {
    let samples = support::samples();
    let (_, project, analysis) = samples.iter().find(|(s, _, _)| s == "bad_coordination").expect("bad_coordination");
    let chart = tcc::build(project, analysis, &TccOptions { path_to: Some("TR1".into()), ..Default::default() }).expect("chart");
    let halo = chart.drawing.items.iter().filter(|i| i.layer == tcc::LAYER_NG).count();
    assert!(halo > 0, "no highlighted curve");
    let texts: Vec<String> = chart.drawing.texts().into_iter().map(|t| t.text).collect();
    assert!(texts.iter().any(|t| t.starts_with("不合格")), "no failing check listed");
}

#[test]
fn chart_can_be_referred_to_another_voltage() {
    let samples = support::samples();
    let (_, project, analysis) = samples.iter().find(|(s, _, _)| s == "case_b").expect("case_b");
    let hv = tcc::build(project, analysis, &TccOptions::default()).expect("chart");
    let lv = tcc::build(project, analysis, &TccOptions { voltage_v: 210.0, ..Default::default() }).expect("chart");
    assert!((lv.axes.scale / hv.axes.scale - 6600.0 / 210.0).abs() < 1e-9);
    let texts: Vec<String> = lv.drawing.texts().into_iter().map(|t| t.text).collect();
    assert!(texts.iter().any(|t| t.contains("210 V 換算")));
}

fn label_boxes_do_not_overlap(texts: &[Text], (w, h): (f64, f64), what: &str) {
    for (a, ta) in texts.iter().enumerate() {
        let ba = ta.bbox();
        assert!(ba.x0 >= 10.0 && ba.x1 <= w - 10.0 && ba.y0 >= 10.0 && ba.y1 <= h - 10.0, "{what}: `{}` outside the border", ta.text);
        for tb in &texts[a + 1..] {
            assert!(!ba.overlaps(&tb.bbox()), "{what}: `{}` overlaps `{}`", ta.text, tb.text);
        }
    }
}

#[test]
fn single_line_diagram_labels_every_device_without_overlaps() {
    // Given every sample, when the single-line diagram is laid out, then every device and
    // bus is named, fault currents are shown and no two texts overlap.
    for (stem, project, analysis) in support::samples() {
        let d = sld::build(&project, &analysis, &SldOptions::default()).expect("diagram");
        assert_eq!(d.sheets.len(), 1, "{stem} fits one sheet");
        let texts = d.drawing.texts();
        label_boxes_do_not_overlap(&texts, d.drawing.size_mm(), &stem);
        for dev in &project.devices {
            assert!(texts.iter().any(|t| t.text.starts_with(dev.id())), "{stem}: {} not labelled", dev.id());
        }
        assert!(texts.iter().any(|t| t.text.starts_with("Is ")), "{stem}: no fault current");
        let inserts: HashSet<String> = d
            .drawing
            .items
            .iter()
            .filter_map(|i| match &i.shape {
                Shape::Insert { block, .. } => Some(block.clone()),
                _ => None,
            })
            .collect();
        assert!(inserts.len() >= 3, "{stem}: symbols {inserts:?}");
    }
}

#[test]
fn a_sixty_device_site_is_readable_on_a3() {
    // Given a radial site of about 60 devices, when its diagram is laid out on A3, then no
    // labels overlap on any sheet and the label text stays at least 2.5 mm high.
    let json = support::big_site_json();
    let (project, analysis) = support::load(&json).expect("big site");
    let count = project.devices.iter().filter(|d| !matches!(d, Device::Bus(_))).count();
    assert!(count >= 60, "only {count} devices");
    let d = sld::build(&project, &analysis, &SldOptions { paper: Paper::A3, sheet: sheet(&project.name) }).expect("diagram");
    let out = support::out_dir("samples");
    std::fs::write(out.join("big_site_sld_A3.pdf"), d.encode(DrawingFormat::Pdf).expect("pdf")).expect("write");
    std::fs::write(out.join("big_site_sld_A3.svg"), d.encode(DrawingFormat::Svg).expect("svg")).expect("write");
    std::fs::write(out.join("big_site_sld_A3.dxf"), d.encode(DrawingFormat::Dxf).expect("dxf")).expect("write");
    let chart = tcc::build(&project, &analysis, &TccOptions::default()).expect("chart");
    std::fs::write(out.join("big_site_tcc_A3.pdf"), drawings::pdf::to_pdf(&chart.drawing).expect("pdf")).expect("write");
    for (k, s) in d.sheets.iter().enumerate() {
        label_boxes_do_not_overlap(&s.texts(), s.size_mm(), &format!("big site, sheet {}", k + 1));
    }
    label_boxes_do_not_overlap(&d.drawing.texts(), d.drawing.size_mm(), "big site, whole");
    assert!(d.label_size_mm >= 2.5, "labels shrink to {} mm", d.label_size_mm);
}

#[test]
fn svg_parses_and_has_a_curve_for_every_device_on_the_chart() {
    for (stem, project, analysis) in support::samples() {
        let chart = tcc::build(&project, &analysis, &TccOptions::default()).expect("chart");
        let svg = drawings::svg::to_svg(&chart.drawing);
        let doc = roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{stem}: {e}"));
        let curves: HashSet<&str> = doc
            .descendants()
            .filter(|n| n.has_tag_name("polyline") || n.has_tag_name("polygon"))
            .filter_map(|n| n.attribute("data-device"))
            .collect();
        assert!(!chart.device_ids.is_empty(), "{stem}: nothing on the chart");
        for id in &chart.device_ids {
            assert!(curves.contains(id.as_str()), "{stem}: no curve for {id} in the SVG");
        }
        let texts: String = doc.descendants().filter(|n| n.has_tag_name("text")).filter_map(|n| n.text()).collect();
        assert!(texts.contains("保護協調図"));
        let d = sld::build(&project, &analysis, &SldOptions::default()).expect("diagram");
        let svg = drawings::svg::to_svg(&d.drawing);
        let doc = roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{stem} sld: {e}"));
        assert!(doc.descendants().any(|n| n.has_tag_name("symbol")), "{stem}: no symbols");
        assert!(doc.descendants().any(|n| n.has_tag_name("use")), "{stem}: no symbol placed");
    }
}

#[test]
fn csv_reports_parse_back_to_the_same_rows_in_both_encodings() {
    for (stem, project, analysis) in support::samples() {
        for kind in ReportKind::ALL {
            for lang in [Language::Japanese, Language::English] {
                let table = reports::table(&project, &analysis, kind, lang);
                assert!(table.rows.iter().all(|r| r.len() == table.header.len()), "{stem} {kind:?}: ragged rows");
                let utf8 = reports::to_csv(&table, CsvEncoding::Utf8Bom).expect("utf-8");
                assert!(utf8.starts_with(&[0xEF, 0xBB, 0xBF]), "BOM");
                assert_eq!(reports::parse_csv(&utf8, CsvEncoding::Utf8Bom).expect("parse"), table, "{stem} {kind:?} utf-8");
                let sjis = reports::to_csv(&table, CsvEncoding::Cp932).expect("cp932");
                let back = reports::parse_csv(&sjis, CsvEncoding::Cp932).expect("parse");
                let expected = reports::Table {
                    header: table.header.iter().map(|s| reports::cp932_safe(s)).collect(),
                    rows: table.rows.iter().map(|r| r.iter().map(|s| reports::cp932_safe(s)).collect()).collect(),
                };
                assert_eq!(back, expected, "{stem} {kind:?} cp932");
                if lang == Language::Japanese && kind == ReportKind::ShortCircuit {
                    assert_eq!(back.header[0], "母線ID");
                }
            }
        }
    }
}

#[test]
fn the_equipment_report_lists_the_station_equipment_with_its_ratings() {
    // Given the CB sample with its incoming panel, when the equipment list is written, then
    // every DS, VCT, LA, VT, meter and earthing has a row with its connection and ratings,
    // and the main breaker's row names its CT and ZCT.
    let samples = support::samples();
    let (_, project, analysis) = samples.iter().find(|(s, _, _)| s == "cb_multi").expect("cb_multi");
    let t = reports::table(project, analysis, ReportKind::Equipment, Language::Japanese);
    let col = |name: &str| t.header.iter().position(|h| h == name).expect(name);
    let row = |id: &str| t.rows.iter().find(|r| r[0] == id).unwrap_or_else(|| panic!("no row {id}"));
    for (id, kind, from, to, rating) in [
        ("VCT", "電力需給用計器用変成器(VCT)", "HV_IN", "HV_M", "VCT 6600/110V 100/5A 0.5W級"),
        ("DS1", "断路器(DS)", "HV_M", "HV_DS", "DS 400A 12.5kA"),
        ("LA1", "避雷器(LA)", "HV_DS", "", "LA 8.4kV 2.5kA"),
        ("VT1", "計器用変圧器(VT)", "HV_DS", "", "VT 6600/110V 50VA 1.0級 PF1A"),
        ("WH", "計器", "VCT", "", "Wh"),
        ("AM", "計器", "VCB_MAIN", "", "A"),
        ("EA", "接地", "LA1 / DS1 / VT1 / VCB_MAIN", "", "A種接地 8Ω"),
        ("EB", "接地", "TR1 / TR2 / TR3", "", "B種接地 15Ω I₁7A"),
    ] {
        let r = row(id);
        assert_eq!((r[col("種別")].as_str(), r[col("接続(上位)")].as_str(), r[col("接続(下位)")].as_str(), r[col("定格")].as_str()), (kind, from, to, rating), "{id}");
    }
    assert_eq!(row("VCB_MAIN")[col("計器用変成器")], "CT 150/5A 40VA n>10 1.0級 過電流強度150倍 / ZCT 200/1.5mA");
    assert_eq!(row("UGS")[col("計器用変成器")], "ZCT 200/1.5mA / ZPD 6600V");
    // A name that would start a formula stays text in the CSV.
    let mut hostile = project.clone();
    if let Some(domain::model::Device::Meter(m)) = hostile.devices.iter_mut().find(|d| d.id() == "WH") {
        m.name = Some("=HYPERLINK(\"http://x\")".into());
    }
    let t = reports::table(&hostile, analysis, ReportKind::Equipment, Language::Japanese);
    let csv = String::from_utf8(reports::to_csv(&t, CsvEncoding::Utf8Bom).expect("csv")[3..].to_vec()).expect("utf-8");
    assert!(csv.contains("WH,\"'=HYPERLINK(\"\"http://x\"\")\""), "{csv}");
}

#[test]
fn csv_quotes_commas_quotes_and_line_breaks() {
    let t = reports::Table { header: vec!["名称".into(), "説明".into()], rows: vec![vec!["A,B".into(), "say \"hi\"\r\nnext".into()]] };
    let bytes = reports::to_csv(&t, CsvEncoding::Utf8Bom).expect("csv");
    let s = String::from_utf8(bytes[3..].to_vec()).expect("utf-8");
    assert_eq!(s, "名称,説明\r\n\"A,B\",\"say \"\"hi\"\"\r\nnext\"\r\n");
    assert_eq!(reports::parse_csv(s.as_bytes(), CsvEncoding::Utf8Bom).expect("parse"), t);
}

#[test]
fn test_sheet_lists_300_and_700_percent_with_tolerances() {
    let samples = support::samples();
    let (_, project, analysis) = samples.iter().find(|(s, _, _)| s == "case_b").expect("case_b");
    let t = reports::table(project, analysis, ReportKind::TestSheet, Language::English);
    let col = |name: &str| t.header.iter().position(|h| h == name).expect(name);
    let row300 = t.rows.iter().find(|r| r[col("percent_of_tap")] == "300").expect("300 % row");
    // docs/engineering.md §5, case B: EI lever 2 → 2.00 s at 300 %, ±17 %.
    assert_eq!(row300[col("nominal_s")], "2");
    assert_eq!(row300[col("min_s")], "1.66");
    assert_eq!(row300[col("max_s")], "2.34");
    let row700 = t.rows.iter().find(|r| r[col("percent_of_tap")] == "700").expect("700 % row");
    assert_eq!(row700[col("nominal_s")], "0.3333");
    assert_eq!(row700[col("tolerance_percent")], "12");
}

#[test]
fn every_check_of_the_samples_has_its_own_japanese_name_in_the_reports() {
    // The checks table of the chart and the CSV names each rule in Japanese; a rule the
    // drawings do not know falls back to the generic 協調チェック, which tells the reader
    // nothing. Every rule the samples produce must have its own name.
    let mut unnamed = std::collections::BTreeSet::new();
    for (_, _, analysis) in support::samples() {
        for c in &analysis.checks {
            if tcc::rule_name_ja(c.rule) == "協調チェック" {
                unnamed.insert(c.rule);
            }
        }
    }
    assert!(unnamed.is_empty(), "rules without a Japanese name: {unnamed:?}");
}

#[test]
fn design_study_reports_carry_the_engines_numbers() {
    // docs/engineering.md §10: case_b's TR1 carries 400 kVA (80 % of 500 kVA, the default
    // loading limit) and 500 kVA is the standard size selected; cb_multi's L2 drops 0.83 % in
    // its branch cable C_LV2 (CV 325 mm², 40 m, 549.9 A at 0.85).
    let samples = support::samples();
    let (_, project, analysis) = samples.iter().find(|(s, _, _)| s == "case_b").expect("case_b");
    let t = reports::table(project, analysis, ReportKind::TransformerSizing, Language::English);
    let col = |t: &reports::Table, name: &str| t.header.iter().position(|h| h == name).expect(name);
    let tr1 = t.rows.iter().find(|r| r[0] == "TR1").expect("TR1 row");
    assert_eq!(tr1[col(&t, "demand_kva")], "400");
    assert_eq!(tr1[col(&t, "selected_kva")], "500");
    assert_eq!(tr1[col(&t, "loading_percent")], "80");
    let j = reports::table(project, analysis, ReportKind::TransformerSizing, Language::Japanese);
    assert_eq!(j.header[col(&t, "selected_kva")], "選定標準容量[kVA]");

    let (_, project, analysis) = samples.iter().find(|(s, _, _)| s == "cb_multi").expect("cb_multi");
    let v = reports::table(project, analysis, ReportKind::VoltageDrop, Language::English);
    let row = v.rows.iter().find(|r| r[0] == "L2" && r[col(&v, "device_id")] == "C_LV2").expect("C_LV2 row");
    assert_eq!(row[col(&v, "section")], "branch");
    assert_eq!(row[col(&v, "limit_percent")], "2");
    assert!(row[col(&v, "simplified_percent")].starts_with("0.828"), "{row:?}");
    let l = reports::table(project, analysis, ReportKind::Loads, Language::English);
    let order: Vec<(&str, &str, &str)> = l.rows.iter().map(|r| (r[col(&l, "transformer_id")].as_str(), r[col(&l, "feeder_id")].as_str(), r[0].as_str())).collect();
    assert_eq!(order, [("TR1", "MCCB1", "M1"), ("TR2", "ACB2", "L2"), ("TR3", "MCCB3", "L3")], "grouped by transformer and feeder");
    let p = reports::table(project, analysis, ReportKind::PowerFactor, Language::English);
    let site = p.rows.last().expect("site row");
    assert_eq!(site[0], "SP");
    assert_eq!(site[col(&p, "demand_kw")], "504");
    assert_eq!(p.rows.len(), 3, "SC1, SC2 and the site");
}
