//! CSV reports: equipment and setting table (機器・整定一覧), short-circuit table per bus
//! (短絡電流計算表), coordination check results (保護協調チェック結果) and the relay test
//! sheet (OCR 試験成績表: 300 % / 700 % of tap with tolerance bands, instantaneous at 200 %),
//! and the design study (docs/engineering.md §10): load list (負荷一覧), transformer sizing
//! (変圧器容量計算), power-factor correction (力率改善計算) and voltage drop (電圧降下計算).
//!
//! Quoting follows RFC 4180 (the `csv` crate, CRLF line ends). The default encoding is UTF-8
//! with a byte-order mark, which Excel in Japan opens correctly; Shift_JIS (Windows code page
//! 932) is written on request, after [`cp932_safe`] replaces the few characters CP932 lacks.
//! Headers are Japanese unless English is asked for.
//!
//! Formula injection: a spreadsheet evaluates a cell whose text starts with `=`, `+`, `-`,
//! `@`, a tab or a carriage return (OWASP "CSV Injection"; Excel in Japan also takes the
//! full-width `＝ ＋ － ＠`). Device names, descriptions and every other text cell come from
//! users, so [`to_csv`] writes such a cell with a leading apostrophe, which spreadsheets show
//! as text and do not evaluate. A plain decimal number (`-12.5`, `+3`) is data, not a
//! formula — negative margins and angles are common here — and is written as it is: only a
//! cell that is exactly an optional sign, digits and an optional fraction counts as a
//! number. [`parse_csv`] removes the apostrophe again, so tables round-trip.

use domain::analysis::Analysis;
use domain::checks::{MarginUnit, Status};
use domain::model::{Device, Project};

use crate::tcc::{device_summary, num, rule_name_ja};
use crate::DrawError;

/// Which report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportKind {
    Equipment,
    ShortCircuit,
    Checks,
    TestSheet,
    /// Load list with demand factors, per feeder and transformer.
    Loads,
    /// Transformer demand and the standard size it calls for.
    TransformerSizing,
    /// Site power factor, required and installed capacitor kvar.
    PowerFactor,
    /// Voltage drop per load and per cable/transformer on its way.
    VoltageDrop,
}

impl ReportKind {
    pub const ALL: [ReportKind; 8] = [
        ReportKind::Equipment,
        ReportKind::ShortCircuit,
        ReportKind::Checks,
        ReportKind::TestSheet,
        ReportKind::Loads,
        ReportKind::TransformerSizing,
        ReportKind::PowerFactor,
        ReportKind::VoltageDrop,
    ];

    /// Command-line name (`equipment`, `short_circuit`, `checks`, `test_sheet`, `loads`,
    /// `transformer_sizing`, `power_factor`, `voltage_drop`).
    pub fn name(self) -> &'static str {
        match self {
            ReportKind::Equipment => "equipment",
            ReportKind::ShortCircuit => "short_circuit",
            ReportKind::Checks => "checks",
            ReportKind::TestSheet => "test_sheet",
            ReportKind::Loads => "loads",
            ReportKind::TransformerSizing => "transformer_sizing",
            ReportKind::PowerFactor => "power_factor",
            ReportKind::VoltageDrop => "voltage_drop",
        }
    }

    pub fn parse(s: &str) -> Option<ReportKind> {
        ReportKind::ALL.into_iter().find(|k| k.name() == s)
    }
}

/// Text encoding of the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CsvEncoding {
    /// UTF-8 with a byte-order mark (default).
    #[default]
    Utf8Bom,
    /// Shift_JIS as Windows writes it (CP932).
    Cp932,
}

/// Header language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Language {
    #[default]
    Japanese,
    English,
}

/// A report as a header and rows of text cells.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

pub(crate) fn h(lang: Language, cols: &[(&str, &str)]) -> Vec<String> {
    cols.iter().map(|(ja, en)| if lang == Language::Japanese { ja.to_string() } else { en.to_string() }).collect()
}

pub(crate) fn o(v: Option<f64>) -> String {
    v.map(fmt).unwrap_or_default()
}

/// Numbers in reports: up to 4 significant decimals, plain notation.
pub(crate) fn fmt(v: f64) -> String {
    if !v.is_finite() {
        return String::new();
    }
    let s = if v.abs() >= 1000.0 { format!("{v:.1}") } else if v.abs() >= 1.0 { format!("{v:.3}") } else { format!("{v:.4}") };
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

fn type_ja(d: &Device) -> &'static str {
    match d {
        Device::Bus(_) => "母線",
        Device::Cable(_) => "ケーブル",
        Device::Transformer(_) => "変圧器",
        Device::Vcb(_) => "真空遮断器(VCB)",
        Device::LbsPf(_) => "高圧交流負荷開閉器+限流ヒューズ(LBS+PF)",
        Device::GroundSwitch(_) => "区分開閉器(PAS/UGS)",
        Device::LvBreaker(_) => "低圧遮断器(MCCB/ACB)",
        Device::Capacitor(_) => "進相コンデンサ",
        Device::Load(_) => "負荷",
        Device::Motor(_) => "電動機",
        Device::Generator(_) => "発電機",
        Device::Ds(_) => "断路器(DS)",
        Device::Vct(_) => "電力需給用計器用変成器(VCT)",
        Device::La(_) => "避雷器(LA)",
        Device::Vt(_) => "計器用変圧器(VT)",
        Device::Meter(_) => "計器",
        Device::Earthing(_) => "接地",
    }
}

/// The instrument transformers of a breaker position, one line: the CT feeding its OCR and
/// the ZCT/ZPD of its ground relay, with their ratings.
fn instrument_transformers(d: &Device) -> String {
    let (ct, relay) = match d {
        Device::Vcb(v) => {
            let strength = v.ct.and_then(|ct| ct.overcurrent_strength).map(|k| format!(" 過電流強度{}倍", num(k))).unwrap_or_default();
            (crate::tcc::ct_text(v).map(|t| t + &strength), v.ground_relay.as_ref())
        }
        Device::GroundSwitch(g) => (None, g.ground_relay.as_ref()),
        _ => (None, None),
    };
    let parts: Vec<String> = ct.into_iter().chain(relay.map(crate::tcc::zero_phase_texts).unwrap_or_default()).collect();
    parts.join(" / ")
}

fn status_text(s: Status, lang: Language) -> &'static str {
    match (s, lang) {
        (Status::Pass, Language::Japanese) => "合格",
        (Status::Warning, Language::Japanese) => "注意",
        (Status::Fail, Language::Japanese) => "不合格",
        (Status::Pass, Language::English) => "pass",
        (Status::Warning, Language::English) => "warning",
        (Status::Fail, Language::English) => "fail",
    }
}

/// Build a report as a table.
pub fn table(project: &Project, analysis: &Analysis, kind: ReportKind, lang: Language) -> Table {
    match kind {
        ReportKind::Equipment => equipment(project, analysis, lang),
        ReportKind::ShortCircuit => short_circuit(analysis, lang),
        ReportKind::Checks => checks(analysis, lang),
        ReportKind::TestSheet => test_sheet(analysis, lang),
        ReportKind::Loads => crate::study_reports::loads(analysis, lang),
        ReportKind::TransformerSizing => crate::study_reports::transformer_sizing(analysis, lang),
        ReportKind::PowerFactor => crate::study_reports::power_factor(project, analysis, lang),
        ReportKind::VoltageDrop => crate::study_reports::voltage_drop(analysis, lang),
    }
}

fn equipment(project: &Project, analysis: &Analysis, lang: Language) -> Table {
    let header = h(
        lang,
        &[
            ("機器ID", "device_id"),
            ("名称", "name"),
            ("種別", "type"),
            ("接続(上位)", "from_bus"),
            ("接続(下位)", "to_bus"),
            ("定格", "rating"),
            ("特性", "curve"),
            ("CT比", "ct_ratio"),
            ("タップ[A]", "tap_a"),
            ("動作電流(一次)[A]", "pickup_primary_a"),
            ("レバー", "lever"),
            ("瞬時タップ[A]", "instantaneous_tap_a"),
            ("瞬時(一次)[A]", "instantaneous_primary_a"),
            ("ヒューズ", "fuse"),
            ("定格電流[A]", "rated_current_a"),
            ("フレーム[AF]", "frame_a"),
            ("遮断容量[kA]", "breaking_capacity_ka"),
            ("トリップ", "trip"),
            ("地絡継電器", "ground_relay"),
            ("計器用変成器", "instrument_transformers"),
        ],
    );
    let mut rows = Vec::new();
    let settings = &analysis.setting_table;
    if let Some(u) = settings.iter().find(|r| r.device_type == "utility") {
        let mut cells = setting_cells(&u.device_id, &u.name, if lang == Language::Japanese { "電力会社" } else { "utility" }, &project.utility.bus, "", "", Some(u));
        cells.push(String::new());
        rows.push(cells);
    }
    for d in &project.devices {
        // Meters and earthing connect to devices, not buses: the devices they name.
        let (from, to) = match (d.series_terminals(), d.shunt_bus()) {
            (Some((f, t)), _) => (f.to_string(), t.to_string()),
            (None, Some(b)) => (b.to_string(), String::new()),
            _ => {
                let mut ids: Vec<&str> = Vec::new();
                for (_, id) in d.attachments() {
                    if !ids.contains(&id) {
                        ids.push(id);
                    }
                }
                (ids.join(" / "), String::new())
            }
        };
        let ty = if lang == Language::Japanese { type_ja(d) } else { d.type_name() };
        let rating = device_summary(d);
        let row = settings.iter().find(|r| r.device_id == d.id());
        let mut cells = setting_cells(d.id(), d.display_name(), ty, &from, &to, &rating, row);
        cells.push(instrument_transformers(d));
        rows.push(cells);
    }
    Table { header, rows }
}

fn setting_cells(id: &str, name: &str, ty: &str, from: &str, to: &str, rating: &str, r: Option<&domain::checks::sheets::SettingRow>) -> Vec<String> {
    let mut v = vec![id.to_string(), name.to_string(), ty.to_string(), from.to_string(), to.to_string(), rating.to_string()];
    match r {
        Some(r) => v.extend([
            r.curve.clone().unwrap_or_default(),
            r.ct_ratio.clone().unwrap_or_default(),
            o(r.tap_a),
            o(r.pickup_primary_a),
            o(r.lever),
            o(r.instantaneous_tap_a),
            o(r.instantaneous_primary_a),
            r.fuse.clone().unwrap_or_default(),
            o(r.rated_current_a),
            o(r.frame_a),
            o(r.breaking_capacity_ka),
            r.trip.clone().unwrap_or_default(),
            r.ground_relay.clone().unwrap_or_default(),
        ]),
        None => v.extend(std::iter::repeat_n(String::new(), 13)),
    }
    v
}

fn short_circuit(analysis: &Analysis, lang: Language) -> Table {
    let header = h(
        lang,
        &[
            ("母線ID", "bus_id"),
            ("名称", "name"),
            ("電圧[V]", "voltage_v"),
            ("単相", "single_phase"),
            ("%R(10MVA)", "r_percent_10mva"),
            ("%X(10MVA)", "x_percent_10mva"),
            ("三相短絡電流Is[kA]", "ik3_ka"),
            ("二相短絡電流[kA]", "ik2_ka"),
            ("X/R", "x_over_r"),
            ("κ", "kappa"),
            ("ピーク電流ip[kA]", "ip_ka"),
            ("非対称実効値[kA]", "i_asym_ka"),
            ("熱等価電流ith[kA]", "ith_ka"),
            ("短絡容量[MVA]", "sk_mva"),
            ("IEC60909最大Ik''[kA]", "iec_max_ik_ka"),
            ("IEC60909最大ip[kA]", "iec_max_ip_ka"),
            ("IEC60909最小Ik''[kA]", "iec_min_ik_ka"),
            ("受電電圧換算[A]", "at_utility_voltage_a"),
        ],
    );
    let rows = analysis
        .short_circuit
        .buses
        .iter()
        .map(|b| {
            let z = &b.percent_z;
            vec![
                b.bus_id.clone(),
                b.name.clone(),
                fmt(b.voltage_v),
                if b.single_phase { "1".into() } else { "0".into() },
                fmt(z.r_percent),
                fmt(z.x_percent),
                fmt(z.ik_ka),
                o(z.ik2_ka),
                fmt(z.x_over_r),
                fmt(z.kappa),
                fmt(z.ip_ka),
                fmt(z.i_asym_ka),
                fmt(z.ith_ka),
                fmt(z.sk_mva),
                fmt(b.iec_max.ik_ka),
                fmt(b.iec_max.ip_ka),
                fmt(b.iec_min.ik2_ka.unwrap_or(b.iec_min.ik_ka)),
                fmt(z.ik_at_utility_a),
            ]
        })
        .collect();
    Table { header, rows }
}

fn checks(analysis: &Analysis, lang: Language) -> Table {
    let header = h(
        lang,
        &[
            ("規則", "rule"),
            ("項目", "rule_name"),
            ("対象機器", "devices"),
            ("判定", "status"),
            ("最小余裕", "worst_margin"),
            ("単位", "unit"),
            ("電流[A]", "at_current_a"),
            ("電流基準電圧[V]", "current_basis_v"),
            ("説明", "message"),
        ],
    );
    let rows = analysis
        .checks
        .iter()
        .map(|c| {
            let (margin, unit) = match &c.worst_margin {
                Some(m) => (
                    m.value.map(fmt).unwrap_or_else(|| "-inf".into()),
                    match m.unit {
                        MarginUnit::Seconds => "s",
                        MarginUnit::Ratio => if lang == Language::Japanese { "比" } else { "ratio" },
                    }
                    .to_string(),
                ),
                None => (String::new(), String::new()),
            };
            vec![
                c.rule.to_string(),
                if lang == Language::Japanese { rule_name_ja(c.rule).to_string() } else { c.rule.replace('_', " ") },
                c.devices.join(" > "),
                status_text(c.status, lang).to_string(),
                margin,
                unit,
                o(c.at_current_a),
                o(c.current_basis_v),
                if lang == Language::Japanese { c.message_ja.clone() } else { c.message_en.clone() },
            ]
        })
        .collect();
    Table { header, rows }
}

fn test_sheet(analysis: &Analysis, lang: Language) -> Table {
    let header = h(
        lang,
        &[
            ("機器ID", "device_id"),
            ("名称", "name"),
            ("特性", "curve"),
            ("CT比", "ct_ratio"),
            ("タップ[A]", "tap_a"),
            ("レバー", "lever"),
            ("試験要素", "element"),
            ("試験電流(タップ比)[%]", "percent_of_tap"),
            ("試験電流(二次)[A]", "current_secondary_a"),
            ("試験電流(一次)[A]", "current_primary_a"),
            ("動作電流 下限[A]", "pickup_min_a"),
            ("動作電流 上限[A]", "pickup_max_a"),
            ("動作時間 基準[s]", "nominal_s"),
            ("許容差[%]", "tolerance_percent"),
            ("動作時間 下限[s]", "min_s"),
            ("動作時間 上限[s]", "max_s"),
        ],
    );
    let mut rows = Vec::new();
    let (time_el, inst_el) = if lang == Language::Japanese { ("限時要素", "瞬時要素") } else { ("time", "instantaneous") };
    for r in &analysis.test_sheet {
        let ct = format!("{}/{}", num(r.ct_primary_a), num(r.ct_secondary_a));
        for p in &r.points {
            rows.push(vec![
                r.device_id.clone(),
                r.name.clone(),
                r.curve.clone(),
                ct.clone(),
                o(r.tap_a),
                o(r.lever),
                time_el.to_string(),
                fmt(p.percent_of_tap),
                fmt(p.current_secondary_a),
                fmt(p.current_primary_a),
                o(r.pickup_min_a),
                o(r.pickup_max_a),
                fmt(p.nominal_s),
                fmt(p.tolerance * 100.0),
                fmt(p.min_s),
                fmt(p.max_s),
            ]);
        }
        if let Some(i) = &r.instantaneous {
            rows.push(vec![
                r.device_id.clone(),
                r.name.clone(),
                r.curve.clone(),
                ct.clone(),
                fmt(i.tap_a),
                String::new(),
                inst_el.to_string(),
                "200".into(),
                fmt(i.test_current_secondary_a),
                fmt(i.test_current_secondary_a * r.ct_primary_a / r.ct_secondary_a),
                fmt(i.pickup_min_a),
                fmt(i.pickup_max_a),
                String::new(),
                String::new(),
                String::new(),
                fmt(i.max_s),
            ]);
        }
    }
    Table { header, rows }
}

/// Replace characters that CP932 cannot hold with the nearest it can (², ³, en/em dashes,
/// micro sign, κ stays); any other unmappable character becomes `?`.
pub fn cp932_safe(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let mapped: &str = match c {
            '²' => "2",
            '³' => "3",
            '–' | '‑' => "-",
            '—' => "―",
            // Shift_JIS writes U+2212 MINUS SIGN as 0x817C, which reads back as U+FF0D.
            '−' => "－",
            'µ' => "μ",
            '\u{00A0}' => " ",
            _ => "",
        };
        if !mapped.is_empty() {
            out.push_str(mapped);
            continue;
        }
        let mut buf = [0u8; 4];
        let (_, _, bad) = encoding_rs::SHIFT_JIS.encode(c.encode_utf8(&mut buf));
        out.push(if bad { '?' } else { c });
    }
    out
}

/// Characters that make a spreadsheet evaluate a cell when they lead it.
const FORMULA_LEADS: [char; 10] = ['=', '+', '-', '@', '\t', '\r', '＝', '＋', '－', '＠'];

/// A plain decimal number: optional sign, ASCII digits, optional `.` and digits.
fn is_plain_number(s: &str) -> bool {
    let unsigned = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (int, frac) = unsigned.split_once('.').unwrap_or((unsigned, "0"));
    !int.is_empty() && !frac.is_empty() && int.bytes().all(|b| b.is_ascii_digit()) && frac.bytes().all(|b| b.is_ascii_digit())
}

/// Whether a cell must be written behind an apostrophe: it starts like a formula and is not
/// a plain number, or it is an apostrophe before such a cell (so that [`unguard`] can tell a
/// guard from an apostrophe that was there).
fn needs_guard(cell: &str) -> bool {
    match cell.chars().next() {
        Some('\'') => needs_guard(&cell[1..]),
        Some(c) => FORMULA_LEADS.contains(&c) && !is_plain_number(cell),
        None => false,
    }
}

/// The cell as written: see the module documentation.
pub fn guard(cell: &str) -> String {
    if needs_guard(cell) {
        format!("'{cell}")
    } else {
        cell.to_owned()
    }
}

/// The cell as it was before [`guard`].
pub fn unguard(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if needs_guard(rest) => rest,
        _ => cell,
    }
}

/// The table as CSV bytes in the chosen encoding, every text cell that could start a
/// formula guarded (see the module documentation).
pub fn to_csv(t: &Table, enc: CsvEncoding) -> Result<Vec<u8>, DrawError> {
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    let fix = |s: &String| guard(&if enc == CsvEncoding::Cp932 { cp932_safe(s) } else { s.clone() });
    w.write_record(t.header.iter().map(fix)).map_err(|e| DrawError::Csv(e.to_string()))?;
    for r in &t.rows {
        w.write_record(r.iter().map(fix)).map_err(|e| DrawError::Csv(e.to_string()))?;
    }
    let utf8 = w.into_inner().map_err(|e| DrawError::Csv(e.to_string()))?;
    match enc {
        CsvEncoding::Utf8Bom => {
            let mut out = vec![0xEF, 0xBB, 0xBF];
            out.extend(utf8);
            Ok(out)
        }
        CsvEncoding::Cp932 => {
            let text = String::from_utf8(utf8).map_err(|e| DrawError::Csv(e.to_string()))?;
            let (bytes, _, bad) = encoding_rs::SHIFT_JIS.encode(&text);
            if bad {
                return Err(DrawError::Csv("text not representable in CP932".into()));
            }
            Ok(bytes.into_owned())
        }
    }
}

/// Read a CSV written by [`to_csv`] back into a table (for checks and round trips).
pub fn parse_csv(bytes: &[u8], enc: CsvEncoding) -> Result<Table, DrawError> {
    let text = match enc {
        CsvEncoding::Utf8Bom => {
            let b = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF][..]).unwrap_or(bytes);
            String::from_utf8(b.to_vec()).map_err(|e| DrawError::Csv(e.to_string()))?
        }
        CsvEncoding::Cp932 => {
            let (s, _, bad) = encoding_rs::SHIFT_JIS.decode(bytes);
            if bad {
                return Err(DrawError::Csv("invalid CP932".into()));
            }
            s.into_owned()
        }
    };
    let mut r = csv::ReaderBuilder::new().has_headers(false).flexible(false).from_reader(text.as_bytes());
    let mut recs = Vec::new();
    for rec in r.records() {
        let rec = rec.map_err(|e| DrawError::Csv(e.to_string()))?;
        recs.push(rec.iter().map(|c| unguard(c).to_string()).collect::<Vec<_>>());
    }
    let mut it = recs.into_iter();
    let header = it.next().unwrap_or_default();
    Ok(Table { header, rows: it.collect() })
}

#[cfg(test)]
mod guard_tests {
    use super::*;

    #[test]
    fn formula_leads_are_guarded_and_plain_numbers_are_not() {
        for hostile in ["=1+1", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\tx", "\rx", "＝1+1", "-", "'=1+1"] {
            assert_eq!(guard(hostile), format!("'{hostile}"), "{hostile:?}");
            assert_eq!(unguard(&guard(hostile)), hostile);
        }
        for data in ["-12.5", "+3", "-0.0042", "42", "VCB-1", "'quoted", "", "A=B"] {
            assert_eq!(guard(data), data, "{data:?}");
            assert_eq!(unguard(data), data);
        }
    }
}
