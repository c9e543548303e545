//! Hostile names: device and project names written to break out of each output format —
//! spreadsheet formulas in CSV, markup in SVG, group codes in DXF, stream operators in
//! PDF — come out as inert text, and names with control characters are refused up front.

mod support;

use drawings::reports::{self, CsvEncoding, Language, ReportKind};
use drawings::sld::SldOptions;
use drawings::tcc::TccOptions;
use drawings::DrawingFormat;
use serde_json::Value;

/// Names a user could type (no control characters: those are refused, see the last test).
const HOSTILE: [&str; 6] = [
    "=HYPERLINK(\"http://evil.example\",\"x\")",
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "＝1+1",
    "</text><script>alert(1)</script>",
];

/// Case A with its five devices renamed to five of [`HOSTILE`] (the transformer gets the
/// markup) and the project named `＝1+1`, parsed and analysed like an upload.
fn hostile_case_a() -> (domain::model::Project, domain::analysis::Analysis) {
    let path = support::root().join("tests/fixtures/case_a.json");
    let mut doc: Value = serde_json::from_str(&std::fs::read_to_string(path).expect("case_a.json")).expect("json");
    doc["name"] = Value::String(HOSTILE[4].to_owned());
    let devices = doc["devices"].as_array_mut().expect("devices");
    assert_eq!(devices.len(), 5, "case A's five devices");
    for (d, name) in devices.iter_mut().zip([HOSTILE[0], HOSTILE[1], HOSTILE[2], HOSTILE[3], HOSTILE[5]]) {
        d["name"] = Value::String(name.to_owned());
    }
    support::load(&doc.to_string()).expect("hostile names are valid text")
}

/// Given every report of a project whose names are formulas, when the CSV is read as a
/// spreadsheet reads it (raw cells, no un-guarding), then no cell starts with `=`, `+`,
/// `-`, `@`, a tab, a carriage return or their full-width forms unless it is a plain
/// number; and the guarded names read back exactly.
#[test]
fn csv_from_hostile_names_holds_no_formula() {
    let (project, analysis) = hostile_case_a();
    let leads = ['=', '+', '-', '@', '\t', '\r', '＝', '＋', '－', '＠'];
    let number = |s: &str| {
        let u = s.strip_prefix(['-', '+']).unwrap_or(s);
        !u.is_empty() && u.split_once('.').map_or(u.bytes().all(|b| b.is_ascii_digit()), |(a, b)| {
            !a.is_empty() && !b.is_empty() && a.bytes().chain(b.bytes()).all(|c| c.is_ascii_digit())
        })
    };
    let mut names_seen = 0;
    for kind in ReportKind::ALL {
        for enc in [CsvEncoding::Utf8Bom, CsvEncoding::Cp932] {
            let table = reports::table(&project, &analysis, kind, Language::Japanese);
            let bytes = reports::to_csv(&table, enc).expect("csv");
            let text = match enc {
                CsvEncoding::Utf8Bom => String::from_utf8(bytes[3..].to_vec()).expect("utf-8"),
                CsvEncoding::Cp932 => encoding_rs::SHIFT_JIS.decode(&bytes).0.into_owned(),
            };
            let mut raw = csv::ReaderBuilder::new().has_headers(false).from_reader(text.as_bytes());
            for rec in raw.records() {
                for cell in rec.expect("record").iter() {
                    let first = cell.chars().next();
                    assert!(
                        !first.is_some_and(|c| leads.contains(&c)) || number(cell),
                        "{kind:?} {enc:?}: a spreadsheet would evaluate {cell:?}"
                    );
                    if HOSTILE.iter().any(|h| cell == format!("'{h}")) {
                        names_seen += 1;
                    }
                }
            }
            if enc == CsvEncoding::Utf8Bom {
                assert_eq!(reports::parse_csv(&bytes, enc).expect("parse"), table, "{kind:?}: round trip");
            }
        }
    }
    assert!(names_seen >= 4, "the hostile names are in the reports, guarded ({names_seen} cells)");
}

/// Given the same project, when its chart and single-line diagram are drawn as SVG, DXF and
/// PDF, then the SVG holds no `<script` (the name is escaped as `&lt;script&gt;`), the DXF
/// has one `EOF` and balanced sections, and the PDF has the end markers of an ordinary
/// drawing and no markup in clear.
#[test]
fn drawings_from_hostile_names_keep_their_text_escaped() {
    let (project, analysis) = hostile_case_a();
    let tcc = TccOptions::default();
    let sld = SldOptions::default();
    for (what, svg) in [
        ("tcc", drawings::render_tcc(&project, &analysis, &tcc, DrawingFormat::Svg).expect("svg")),
        ("sld", drawings::render_sld(&project, &analysis, &sld, DrawingFormat::Svg).expect("svg")),
    ] {
        let svg = String::from_utf8(svg).expect("utf-8");
        assert!(!svg.contains("<script"), "{what}: markup escaped");
        assert!(!svg.contains("</text><"), "{what}");
        if what == "sld" {
            assert!(svg.contains("&lt;script&gt;"), "{what}: the name is there, escaped");
        }
    }
    for (what, dxf) in [
        ("tcc", drawings::render_tcc(&project, &analysis, &tcc, DrawingFormat::Dxf).expect("dxf")),
        ("sld", drawings::render_sld(&project, &analysis, &sld, DrawingFormat::Dxf).expect("dxf")),
    ] {
        let text = String::from_utf8_lossy(&dxf);
        let lines: Vec<&str> = text.lines().map(str::trim).collect();
        assert_eq!(lines.iter().filter(|l| **l == "EOF").count(), 1, "{what}: one EOF");
        assert_eq!(lines.iter().filter(|l| **l == "ENDSEC").count(), lines.iter().filter(|l| **l == "SECTION").count(), "{what}");
    }
    let eofs = |pdf: &[u8]| pdf.windows(5).filter(|w| w == b"%%EOF").count();
    let path = support::root().join("tests/fixtures/case_a.json");
    let (plain, plain_analysis) = support::load(&std::fs::read_to_string(path).expect("case_a.json")).expect("case A");
    for (hostile, ordinary) in [
        (
            drawings::render_tcc(&project, &analysis, &tcc, DrawingFormat::Pdf).expect("pdf"),
            drawings::render_tcc(&plain, &plain_analysis, &tcc, DrawingFormat::Pdf).expect("pdf"),
        ),
        (
            drawings::render_sld(&project, &analysis, &sld, DrawingFormat::Pdf).expect("pdf"),
            drawings::render_sld(&plain, &plain_analysis, &sld, DrawingFormat::Pdf).expect("pdf"),
        ),
    ] {
        assert!(hostile.starts_with(b"%PDF-"));
        assert_eq!(eofs(&hostile), eofs(&ordinary), "as many end markers as an ordinary drawing: nothing appended by a name");
        assert!(!hostile.windows(7).any(|w| w == b"<script"), "no markup passes into the PDF as is");
    }
}

/// Given names with a bidirectional override (U+202E), a NUL, an escape or a line
/// separator (U+2028), when the project is parsed, then each is refused with
/// `control_character` at the name's pointer.
#[test]
fn names_with_control_characters_are_refused() {
    let path = support::root().join("tests/fixtures/case_a.json");
    let base: Value = serde_json::from_str(&std::fs::read_to_string(path).expect("case_a.json")).expect("json");
    for bad in ["VCB\u{202E}1BCV", "VCB\u{0}", "VCB\u{1b}[31m", "VCB\u{2028}x"] {
        let mut doc = base.clone();
        doc["devices"][3]["name"] = Value::String(bad.to_owned());
        let err = support::load(&doc.to_string()).expect_err("refused");
        assert!(err.contains("control_character") && err.contains("/devices/3/name"), "{bad:?}: {err}");
    }
}
