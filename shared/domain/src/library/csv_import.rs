//! Import of catalogue points from CSV: the curves of power fuses, the long-time bands of
//! breakers and relay curves, as an engineer digitises them from a maker's catalogue.
//!
//! Layout (docs/library.md §CSV): a header row, then one point per row.
//!
//! | column | aliases | meaning |
//! |---|---|---|
//! | `curve` | `曲線`, `特性`, `種別` | which curve the point belongs to |
//! | `current_a` | `current`, `電流` | current, A (fuses) |
//! | `multiple` | `倍率`, `倍数`, `電流倍率` | multiple of the setting (relays: × tap; breakers: × In) |
//! | `time_s` | `time`, `時間`, `動作時間` | time, s |
//! | `rating_a` | `rating`, `定格`, `定格電流` | fuse rating the row belongs to (optional) |
//! | `note` | `備考`, `メモ` | ignored |
//!
//! Headers are matched without regard to case, spaces or a unit suffix in brackets
//! (`電流[A]`, `時間（s）`). Curve names: fuses `allowable`/`許容`, `melting`/`溶断`,
//! `clearing`/`動作`/`遮断`; breaker bands `min`/`下限`, `max`/`上限`; relays need no curve
//! column (or `operating`/`動作`). The rows of one curve go from low to high current.
//!
//! Input is UTF-8 (with or without a byte-order mark) or Shift_JIS (as Excel saves "CSV" on
//! Japanese Windows). Everything hostile is refused with an error naming the row (1-based,
//! the header is row 1) and the column: cells that are not plain decimal numbers (formulas
//! `=…`/`@…`, text, `1,000`), empty cells, NaN and infinities, zero and negative values,
//! values outside the library's physical ranges, more than [`MAX_CSV_ROWS`] rows or
//! [`MAX_CSV_BYTES`] bytes. Full-width digits (`１．５`) read as ASCII. Nothing here panics.

#![allow(clippy::neg_cmp_op_on_partial_ord)] // `!(a < b)` is meant: NaN must take the refusing branch.

use serde::Serialize;

use crate::curves::{pt, CurvePoint};
use crate::model::TimeCurrentPoint;

use super::company::{same_rating, BandPoints, FuseRating, MultiplePoint};
use super::company_validate::{
    too_few_points, widest_gap, CURRENT_RANGE_A, MAX_CURVE_POINTS, MAX_GAP_DECADES, MIN_POINTS_PER_DECADE, MULTIPLE_RANGE,
    TIME_RANGE_S,
};

/// Largest CSV accepted, bytes (1 MiB: far above any catalogue's points).
pub const MAX_CSV_BYTES: usize = 1024 * 1024;
/// Most data rows (header excluded).
pub const MAX_CSV_ROWS: usize = 5_000;
/// Most errors reported for one file; the rest are summarised in one last error.
pub const MAX_CSV_ERRORS: usize = 100;

/// One problem of a CSV file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CsvError {
    /// Row, 1-based, the header being row 1; 0 for the file as a whole.
    pub row: usize,
    /// The column's header as written in the file (or its standard name when missing).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    /// Stable snake_case code, e.g. `not_a_number`, `formula_not_allowed`, `not_monotone`.
    pub code: String,
    /// Message in Japanese.
    pub message_ja: String,
    /// Message in English.
    pub message_en: String,
}

impl std::fmt::Display for CsvError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "row {}", self.row)?;
        if let Some(c) = &self.column {
            write!(f, ", column {c}")?;
        }
        write!(f, " [{}]: {}", self.code, self.message_en)
    }
}

/// The curves of a fuse file, each rating with its allowable, melting and clearing points.
///
/// `rating_a` gives the rating when the file has no `rating_a` column (one rating per file).
pub fn import_fuse_ratings(bytes: &[u8], rating_a: Option<f64>) -> Result<Vec<FuseRating>, Vec<CsvError>> {
    let table = read(bytes, Kind::Fuse)?;
    let mut e = Errors::default();
    if table.rating_col.is_none() && !rating_a.is_some_and(|r| r.is_finite() && r > 0.0) {
        e.push(1, Some("rating_a"), "missing_column", "定格電流の列 rating_a がありません（または定格を指定してください）".into(), "no rating_a column (or give the rating)".into());
        return Err(e.0);
    }
    // Ratings in order of first appearance.
    let mut ratings: Vec<(f64, usize)> = Vec::new();
    for r in &table.rows {
        let rating = r.rating.or(rating_a).unwrap_or(f64::NAN);
        if !ratings.iter().any(|&(x, _)| same_rating(x, rating)) {
            ratings.push((rating, r.row));
        }
    }
    let mut out = Vec::new();
    for (rating, first_row) in ratings {
        let of = |curve: Curve| -> Vec<&Row> {
            table.rows.iter().filter(|r| r.curve == curve && same_rating(r.rating.or(rating_a).unwrap_or(f64::NAN), rating)).collect()
        };
        let mut curves: Vec<Vec<TimeCurrentPoint>> = Vec::new();
        for curve in [Curve::Allowable, Curve::Melting, Curve::Clearing] {
            let rows = of(curve);
            if rows.is_empty() {
                e.push(
                    first_row,
                    Some(&table.curve_name),
                    "missing_curve",
                    format!("定格 {rating} A の {} 曲線がありません", curve.ja()),
                    format!("rating {rating} A has no {} curve", curve.en()),
                );
                continue;
            }
            if let Some(pts) = series(&mut e, &table, &rows, curve) {
                curves.push(pts.iter().map(|p| TimeCurrentPoint { current_a: p.current_a, time_s: p.time_s }).collect());
            }
        }
        if let Ok([allowable, melting, clearing]) = <[Vec<TimeCurrentPoint>; 3]>::try_from(curves) {
            out.push(FuseRating { rating_a: rating, allowable, melting, clearing });
        }
    }
    e.finish(out)
}

/// The long-time band of a breaker file (`min` and `max` curves, × In).
pub fn import_breaker_band(bytes: &[u8]) -> Result<BandPoints, Vec<CsvError>> {
    let table = read(bytes, Kind::Band)?;
    let mut e = Errors::default();
    let mut get = |curve: Curve| {
        let rows: Vec<&Row> = table.rows.iter().filter(|r| r.curve == curve).collect();
        if rows.is_empty() {
            e.push(1, Some(&table.curve_name), "missing_curve", format!("{} 曲線がありません", curve.ja()), format!("no {} curve", curve.en()));
            return None;
        }
        series(&mut e, &table, &rows, curve).map(to_multiples)
    };
    let (min, max) = (get(Curve::Min), get(Curve::Max));
    match (min, max) {
        (Some(min), Some(max)) => e.finish(BandPoints { min, max }),
        _ => Err(e.0),
    }
}

/// The points of a relay curve file (× tap, time at TMS 1 / lever 10).
pub fn import_relay_points(bytes: &[u8]) -> Result<Vec<MultiplePoint>, Vec<CsvError>> {
    let table = read(bytes, Kind::Relay)?;
    let mut e = Errors::default();
    let rows: Vec<&Row> = table.rows.iter().collect();
    if rows.is_empty() {
        e.push(0, None, "no_rows", "点がありません".into(), "the file has no points".into());
        return Err(e.0);
    }
    match series(&mut e, &table, &rows, Curve::Operating) {
        Some(pts) => e.finish(to_multiples(pts)),
        None => Err(e.0),
    }
}

fn to_multiples(pts: Vec<CurvePoint>) -> Vec<MultiplePoint> {
    pts.into_iter().map(|p| MultiplePoint { multiple: p.current_a, time_s: p.time_s }).collect()
}

/// What a file holds: it decides the x column and the curve names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Fuse,
    Band,
    Relay,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Curve {
    Allowable,
    Melting,
    Clearing,
    Min,
    Max,
    Operating,
}

impl Curve {
    fn parse(kind: Kind, s: &str) -> Option<Curve> {
        let s = s.trim().to_lowercase();
        let s = s.as_str();
        match kind {
            Kind::Fuse => match s {
                "allowable" | "許容" | "許容特性" | "許容時間" => Some(Curve::Allowable),
                "melting" | "溶断" | "溶断特性" | "平均溶断" => Some(Curve::Melting),
                "clearing" | "動作" | "動作特性" | "遮断" | "遮断特性" => Some(Curve::Clearing),
                _ => None,
            },
            Kind::Band => match s {
                "min" | "lower" | "下限" | "最小" => Some(Curve::Min),
                "max" | "upper" | "上限" | "最大" => Some(Curve::Max),
                _ => None,
            },
            Kind::Relay => match s {
                "operating" | "relay" | "動作" | "動作時間" => Some(Curve::Operating),
                _ => None,
            },
        }
    }
    fn en(self) -> &'static str {
        match self {
            Curve::Allowable => "allowable",
            Curve::Melting => "melting",
            Curve::Clearing => "clearing",
            Curve::Min => "min",
            Curve::Max => "max",
            Curve::Operating => "operating",
        }
    }
    fn ja(self) -> &'static str {
        match self {
            Curve::Allowable => "許容",
            Curve::Melting => "溶断",
            Curve::Clearing => "動作",
            Curve::Min => "下限",
            Curve::Max => "上限",
            Curve::Operating => "動作",
        }
    }
}

/// One data row that parsed.
#[derive(Debug, Clone, Copy)]
struct Row {
    row: usize,
    curve: Curve,
    x: f64,
    time_s: f64,
    rating: Option<f64>,
}

/// The parsed file: rows and the header texts of its columns.
struct Table {
    rows: Vec<Row>,
    curve_name: String,
    x_name: String,
    time_name: String,
    rating_col: Option<String>,
}

#[derive(Default)]
struct Errors(Vec<CsvError>);

impl Errors {
    fn push(&mut self, row: usize, column: Option<&str>, code: &str, ja: String, en: String) {
        if self.0.len() == MAX_CSV_ERRORS {
            self.0.push(CsvError {
                row: 0,
                column: None,
                code: "too_many_errors".into(),
                message_ja: format!("誤りが {MAX_CSV_ERRORS} 件を超えたため、以降は省略します"),
                message_en: format!("more than {MAX_CSV_ERRORS} errors; the rest are not listed"),
            });
        }
        if self.0.len() > MAX_CSV_ERRORS {
            return;
        }
        self.0.push(CsvError { row, column: column.map(str::to_string), code: code.into(), message_ja: ja, message_en: en });
    }

    fn finish<T>(self, v: T) -> Result<T, Vec<CsvError>> {
        if self.0.is_empty() {
            Ok(v)
        } else {
            Err(self.0)
        }
    }
}

/// UTF-8 (a leading byte-order mark dropped) or, failing that, Shift_JIS; line ends made LF.
/// (The CSV reader counts a CR LF file's lines one short, and Excel writes CR LF: with the
/// line ends made LF, a row number is the line of the file whatever wrote it.)
fn decode(bytes: &[u8]) -> Option<String> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(body) {
        Ok(s) => s.to_string(),
        Err(_) => {
            let (text, _, had_errors) = encoding_rs::SHIFT_JIS.decode(bytes);
            if had_errors {
                return None;
            }
            text.into_owned()
        }
    };
    Some(text.replace("\r\n", "\n").replace('\r', "\n"))
}

/// A header reduced to its name: lower case, no spaces, no unit in brackets, no BOM.
fn header_key(h: &str) -> String {
    let mut s: String = h.trim().trim_start_matches('\u{FEFF}').to_lowercase().chars().filter(|c| !c.is_whitespace()).collect();
    for (open, close) in [('(', ')'), ('[', ']'), ('（', '）'), ('［', '］')] {
        if s.ends_with(close) {
            if let Some(i) = s.rfind(open) {
                s.truncate(i);
            }
        }
    }
    s
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    Curve,
    Current,
    Multiple,
    Time,
    Rating,
    Note,
}

fn column_of(key: &str) -> Option<Col> {
    Some(match key {
        "curve" | "曲線" | "特性" | "種別" => Col::Curve,
        "current_a" | "current" | "電流" | "電流値" => Col::Current,
        "multiple" | "倍率" | "倍数" | "電流倍率" => Col::Multiple,
        "time_s" | "time" | "時間" | "動作時間" => Col::Time,
        "rating_a" | "rating" | "定格" | "定格電流" => Col::Rating,
        "note" | "備考" | "メモ" => Col::Note,
        _ => return None,
    })
}

/// Full-width digits and signs as ASCII (`１．５` → `1.5`).
fn ascii_digits(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            '．' => '.',
            '－' | '−' => '-',
            '＋' => '+',
            'ｅ' => 'e',
            'Ｅ' => 'E',
            '＝' => '=',
            '＠' => '@',
            _ => c,
        })
        .collect()
}

/// A cell as a finite positive number, or the error to report.
fn number(cell: &str) -> Result<f64, (&'static str, String, String)> {
    let s = ascii_digits(cell.trim());
    if s.is_empty() {
        return Err(("empty_cell", "空欄です".into(), "the cell is empty".into()));
    }
    if s.starts_with('=') || s.starts_with('@') {
        return Err(("formula_not_allowed", "数式は使えません（値を入力してください）".into(), "formulas are not allowed: enter the value".into()));
    }
    let shown: String = cell.trim().chars().take(30).collect();
    // Plain decimal numbers only: digits, one point, an exponent, a leading sign.
    let plain = s.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-')) && s.chars().any(|c| c.is_ascii_digit());
    let v = if plain { s.parse::<f64>().ok() } else { None };
    match v {
        None => Err(("not_a_number", format!("「{shown}」は数値ではありません"), format!("\"{shown}\" is not a number"))),
        Some(v) if !v.is_finite() => Err(("not_finite", "数値が大きすぎます".into(), "the number is too large".into())),
        Some(v) if v <= 0.0 => Err(("not_positive", format!("{v} は正の数ではありません"), format!("{v} is not a positive number"))),
        Some(v) => Ok(v),
    }
}

fn read(bytes: &[u8], kind: Kind) -> Result<Table, Vec<CsvError>> {
    let mut e = Errors::default();
    if bytes.len() > MAX_CSV_BYTES {
        e.push(0, None, "file_too_large", format!("ファイルが大きすぎます（{} バイト、上限 {MAX_CSV_BYTES} バイト）", bytes.len()), format!("the file is too large ({} bytes, limit {MAX_CSV_BYTES})", bytes.len()));
        return Err(e.0);
    }
    let Some(text) = decode(bytes) else {
        e.push(0, None, "unknown_encoding", "文字コードが UTF-8 でも Shift_JIS でもありません".into(), "the file is neither UTF-8 nor Shift_JIS".into());
        return Err(e.0);
    };
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        Some(Ok(h)) => h,
        Some(Err(err)) => {
            e.push(1, None, "csv_syntax", "見出し行を読めません".into(), format!("the header row cannot be read: {err}"));
            return Err(e.0);
        }
        None => {
            e.push(0, None, "empty_file", "ファイルが空です".into(), "the file is empty".into());
            return Err(e.0);
        }
    };
    // Columns: which standard column each header is, refusing unknown and repeated ones.
    let mut cols: Vec<Option<Col>> = Vec::new();
    let mut names: Vec<(Col, String)> = Vec::new();
    for h in header.iter() {
        let shown: String = h.trim().trim_start_matches('\u{FEFF}').chars().take(40).collect();
        match column_of(&header_key(h)) {
            Some(c) if names.iter().any(|(k, _)| *k == c) => {
                e.push(1, Some(&shown), "duplicate_column", format!("列「{shown}」が重複しています"), format!("column \"{shown}\" appears twice"));
                cols.push(None);
            }
            Some(c) => {
                names.push((c, shown));
                cols.push(Some(c));
            }
            None => {
                e.push(1, Some(&shown), "unknown_column", format!("不明な列「{shown}」です"), format!("unknown column \"{shown}\""));
                cols.push(None);
            }
        }
    }
    let name = |c: Col| names.iter().find(|(k, _)| *k == c).map(|(_, n)| n.clone());
    let (x_col, x_std) = if kind == Kind::Fuse { (Col::Current, "current_a") } else { (Col::Multiple, "multiple") };
    let wrong_x = if kind == Kind::Fuse { Col::Multiple } else { Col::Current };
    if let Some(w) = name(wrong_x) {
        let (ja, en) = if kind == Kind::Fuse {
            ("ヒューズは電流 current_a [A] で入力します（倍率ではなく）", "fuse curves are entered as current_a in amperes, not as multiples")
        } else {
            ("継電器と遮断器の曲線は倍率 multiple で入力します（整定値・定格電流の倍数）", "relay and breaker curves are entered as multiple (× tap or × In), not in amperes")
        };
        e.push(1, Some(&w), "wrong_column", ja.into(), en.into());
    }
    if kind != Kind::Fuse {
        if let Some(r) = name(Col::Rating) {
            e.push(1, Some(&r), "unknown_column", format!("この曲線には列「{r}」は使えません"), format!("column \"{r}\" does not apply to this curve"));
        }
    }
    for (c, std) in [(x_col, x_std), (Col::Time, "time_s")] {
        if name(c).is_none() {
            e.push(1, Some(std), "missing_column", format!("列 {std} がありません"), format!("missing column {std}"));
        }
    }
    if kind != Kind::Relay && name(Col::Curve).is_none() {
        e.push(1, Some("curve"), "missing_column", "列 curve がありません".into(), "missing column curve".into());
    }
    if !e.0.is_empty() {
        return Err(e.0);
    }
    let table_names = (
        name(Col::Curve).unwrap_or_else(|| "curve".into()),
        name(x_col).unwrap_or_else(|| x_std.into()),
        name(Col::Time).unwrap_or_else(|| "time_s".into()),
        name(Col::Rating),
    );
    let mut rows = Vec::new();
    let mut count = 0usize;
    let mut last_row = 1usize;
    for rec in records {
        let rec = match rec {
            Ok(r) => r,
            Err(err) => {
                let row = err.position().map_or(last_row + 1, |p| p.line() as usize);
                e.push(row, None, "csv_syntax", "行を読めません（引用符の対応を確認してください）".into(), format!("the row cannot be read: {err}"));
                break;
            }
        };
        let row = rec.position().map_or(last_row + 1, |p| p.line() as usize);
        last_row = row;
        if rec.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        count += 1;
        if count > MAX_CSV_ROWS {
            e.push(row, None, "too_many_rows", format!("行が多すぎます（上限 {MAX_CSV_ROWS} 行）"), format!("too many rows (limit {MAX_CSV_ROWS})"));
            break;
        }
        if rec.len() > cols.len() {
            e.push(row, None, "too_many_cells", format!("見出しより多い {} 個のセルがあります", rec.len()), format!("{} cells, more than the header's {}", rec.len(), cols.len()));
            continue;
        }
        let cell = |c: Col| cols.iter().position(|k| *k == Some(c)).map(|i| rec.get(i).unwrap_or(""));
        let num_at = |c: Col, e: &mut Errors| -> Option<f64> {
            let text = cell(c)?;
            match number(text) {
                Ok(v) => Some(v),
                Err((code, ja, en)) => {
                    e.push(row, name(c).as_deref(), code, ja, en);
                    None
                }
            }
        };
        let curve = match (kind, cell(Col::Curve)) {
            (Kind::Relay, None) => Some(Curve::Operating),
            (_, Some(text)) => {
                let c = Curve::parse(kind, text);
                if c.is_none() {
                    let shown: String = text.trim().chars().take(30).collect();
                    let allowed = match kind {
                        Kind::Fuse => "allowable, melting, clearing（許容, 溶断, 動作）",
                        Kind::Band => "min, max（下限, 上限）",
                        Kind::Relay => "operating（動作）",
                    };
                    e.push(row, Some(&table_names.0), "unknown_curve", format!("曲線「{shown}」は使えません（使える値: {allowed}）"), format!("unknown curve \"{shown}\" (allowed: {allowed})"));
                }
                c
            }
            (_, None) => None,
        };
        let x = num_at(x_col, &mut e);
        let t = num_at(Col::Time, &mut e);
        let rating = if table_names.3.is_some() { num_at(Col::Rating, &mut e) } else { None };
        let (x_range, x_unit) = if kind == Kind::Fuse { (CURRENT_RANGE_A, "A") } else { (MULTIPLE_RANGE, "×") };
        let x = x.filter(|&v| in_range(&mut e, row, &table_names.1, v, x_range, kind != Kind::Fuse, x_unit));
        let t = t.filter(|&v| in_range(&mut e, row, &table_names.2, v, TIME_RANGE_S, false, "s"));
        let rating_ok = table_names.3.is_none() || rating.is_some_and(|v| in_range(&mut e, row, table_names.3.as_deref().unwrap_or(""), v, (0.0, 1_000.0), true, "A"));
        if let (Some(curve), Some(x), Some(time_s), true) = (curve, x, t, rating_ok) {
            rows.push(Row { row, curve, x, time_s, rating });
        }
    }
    if !e.0.is_empty() {
        return Err(e.0);
    }
    Ok(Table { rows, curve_name: table_names.0, x_name: table_names.1, time_name: table_names.2, rating_col: table_names.3 })
}

fn in_range(e: &mut Errors, row: usize, column: &str, v: f64, (lo, hi): (f64, f64), lo_open: bool, unit: &str) -> bool {
    let ok = (if lo_open { v > lo } else { v >= lo }) && v <= hi;
    if !ok {
        let b = if lo_open { "(" } else { "[" };
        e.push(row, Some(column), "out_of_range", format!("値 {v} {unit} は範囲 {b}{lo}, {hi}] の外です"), format!("value {v} {unit} is outside {b}{lo}, {hi}]"));
    }
    ok
}

/// The points of one curve, checked row by row: count, rising x and falling time, gaps and
/// density. `None` after reporting.
fn series(e: &mut Errors, table: &Table, rows: &[&Row], curve: Curve) -> Option<Vec<CurvePoint>> {
    let first_row = rows.first().map_or(0, |r| r.row);
    if rows.len() < 2 || rows.len() > MAX_CURVE_POINTS {
        e.push(
            first_row,
            Some(&table.curve_name),
            "point_count",
            format!("{} 曲線の点は 2～{MAX_CURVE_POINTS} 点です（{} 点）", curve.ja(), rows.len()),
            format!("the {} curve needs 2–{MAX_CURVE_POINTS} points (got {})", curve.en(), rows.len()),
        );
        return None;
    }
    for w in rows.windows(2) {
        let (a, b) = (w[0], w[1]);
        if !(b.x > a.x) {
            e.push(
                b.row,
                Some(&table.x_name),
                "not_monotone",
                format!("{} 曲線の行は電流の小さい順に並べます（{} 行目 {} ≤ {} 行目 {}）", curve.ja(), b.row, b.x, a.row, a.x),
                format!("rows of the {} curve go from low to high current (row {}: {} is not above row {}: {})", curve.en(), b.row, b.x, a.row, a.x),
            );
            return None;
        }
        if !(b.time_s < a.time_s) {
            e.push(
                b.row,
                Some(&table.time_name),
                "not_monotone",
                format!("{} 曲線の時間は電流とともに短くなります（{} 行目 {} s ≥ {} 行目 {} s）", curve.ja(), b.row, b.time_s, a.row, a.time_s),
                format!("the {} curve's time must fall as current rises (row {}: {} s is not below row {}: {} s)", curve.en(), b.row, b.time_s, a.row, a.time_s),
            );
            return None;
        }
    }
    let pts: Vec<CurvePoint> = rows.iter().map(|r| pt(r.x, r.time_s)).collect();
    if let Some((i, gap)) = widest_gap(&pts) {
        let r = rows[i + 1].row;
        e.push(
            r,
            Some(&table.x_name),
            "too_sparse",
            format!("{} 行目と {} 行目の間（{gap:.2} ディケード）が広すぎます（上限 {MAX_GAP_DECADES}）。間に点を加えてください", rows[i].row, r),
            format!("rows {} and {r} are {gap:.2} decades apart (limit {MAX_GAP_DECADES}): add points between them", rows[i].row),
        );
        return None;
    }
    if let Some((span, needed)) = too_few_points(&pts) {
        e.push(
            first_row,
            Some(&table.curve_name),
            "too_sparse",
            format!("{} 曲線は {span:.2} ディケードにわたるため {needed} 点以上が必要です（{} 点、1 ディケードあたり {MIN_POINTS_PER_DECADE} 区間）", curve.ja(), pts.len()),
            format!("the {} curve spans {span:.2} decades and needs at least {needed} points (got {}; {MIN_POINTS_PER_DECADE} intervals per decade)", curve.en(), pts.len()),
        );
        return None;
    }
    Some(pts)
}
