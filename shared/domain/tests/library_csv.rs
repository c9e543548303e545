//! Catalogue points come in as CSV (docs/library.md §CSV): UTF-8 with or without BOM or
//! Shift_JIS, English or Japanese headers; every bad cell is reported by row (the header is
//! row 1) and column, and nothing panics.

use domain::library::company::{CompanyDevice, CompanyFuse, CompanyItem};
use domain::library::company_validate::validate_item;
use domain::library::csv_import::{import_breaker_band, import_fuse_ratings, import_relay_points, CsvError, MAX_CSV_BYTES, MAX_CSV_ROWS};
use domain::model::FuseType;
use proptest::prelude::*;

const FUSE_EN: &str = "\
curve,current_a,time_s
allowable,80,300
allowable,120,40
allowable,160,12
allowable,240,3
allowable,320,1.2
allowable,480,0.35
melting,100,300
melting,150,40
melting,200,12
melting,300,3
melting,400,1.2
melting,600,0.35
clearing,100,340
clearing,150,46
clearing,200,14
clearing,300,3.5
clearing,400,1.4
clearing,600,0.42
";

/// The same points with Japanese headers (units in brackets) and curve names.
fn fuse_ja() -> String {
    FUSE_EN
        .replace("curve,current_a,time_s", "曲線,電流[A],時間（s）")
        .replace("allowable", "許容")
        .replace("melting", "溶断")
        .replace("clearing", "動作")
}

fn errs(r: Result<impl std::fmt::Debug, Vec<CsvError>>) -> Vec<(usize, Option<String>, String)> {
    r.expect_err("refused").into_iter().map(|e| (e.row, e.column, e.code)).collect()
}

fn cell_error(csv: &str) -> (usize, Option<String>, String) {
    let e = errs(import_fuse_ratings(csv.as_bytes(), Some(40.0)));
    assert_eq!(e.len(), 1, "{e:?}");
    e[0].clone()
}

#[test]
fn a_fuse_file_reads_the_same_in_every_encoding_and_language() {
    let en = import_fuse_ratings(FUSE_EN.as_bytes(), Some(40.0)).expect("english");
    assert_eq!(en.len(), 1);
    assert_eq!(en[0].rating_a, 40.0);
    assert_eq!(en[0].melting.len(), 6);
    assert_eq!((en[0].clearing[2].current_a, en[0].clearing[2].time_s), (200.0, 14.0));

    let ja = fuse_ja();
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(ja.as_bytes());
    let (sjis, _, bad) = encoding_rs::SHIFT_JIS.encode(&ja);
    assert!(!bad);
    for (name, bytes) in [("utf-8", ja.as_bytes().to_vec()), ("utf-8 bom", bom), ("shift_jis", sjis.into_owned())] {
        assert_eq!(import_fuse_ratings(&bytes, Some(40.0)).expect(name), en, "{name}");
    }
    // CRLF line ends and full-width digits read the same.
    let wide = FUSE_EN.replace('\n', "\r\n").replace("melting,200,12", "melting,２００,１２");
    assert_eq!(import_fuse_ratings(wide.as_bytes(), Some(40.0)).unwrap(), en);

    // The imported curves make a valid company item.
    let item = CompanyItem {
        id: "acme.pf.t".into(),
        version: 1,
        maker: "Acme".into(),
        model: "PF-T".into(),
        source_document: "Catalogue T-45".into(),
        revision: "2024".into(),
        note: None,
        device: CompanyDevice::Fuse(CompanyFuse { fuse_type: FuseType::T, rated_voltage_kv: 7.2, breaking_capacity_ka: 40.0, ratings: en }),
    };
    assert_eq!(validate_item(&item), vec![]);
}

#[test]
fn a_rating_column_holds_several_ratings_in_one_file() {
    let mut csv = String::from("rating_a,curve,current_a,time_s,note\n");
    for (rating, k) in [(30.0, 0.75), (40.0, 1.0)] {
        for line in FUSE_EN.lines().skip(1) {
            let f: Vec<&str> = line.split(',').collect();
            let i: f64 = f[1].parse().unwrap();
            csv.push_str(&format!("{rating},{},{},{},digitised\n", f[0], i * k, f[2]));
        }
    }
    let r = import_fuse_ratings(csv.as_bytes(), None).unwrap();
    assert_eq!(r.iter().map(|x| x.rating_a).collect::<Vec<_>>(), vec![30.0, 40.0]);
    assert_eq!(r[0].melting[0].current_a, 75.0);
    // Without the column and without a rating given, the file is refused at the header.
    assert_eq!(errs(import_fuse_ratings(FUSE_EN.as_bytes(), None)), vec![(1, Some("rating_a".into()), "missing_column".into())]);
}

#[test]
fn relay_and_breaker_files_are_in_multiples() {
    let relay = "倍率,動作時間\n1.5,90\n2,30\n3,12\n5,4\n7,2\n10,1\n20,0.3\n";
    let p = import_relay_points(relay.as_bytes()).unwrap();
    assert_eq!(p.len(), 7);
    assert_eq!((p[2].multiple, p[2].time_s), (3.0, 12.0));
    // Amperes in a relay file are refused: the curve is × tap.
    assert_eq!(errs(import_relay_points(b"current_a,time_s\n150,30\n")), vec![
        (1, Some("current_a".into()), "wrong_column".into()),
        (1, Some("multiple".into()), "missing_column".into())
    ]);

    let band = "curve,multiple,time_s\n下限,1.05,3600\n下限,1.3,1200\n下限,2,90\n下限,3,36\n下限,5,11\n下限,10,2.5\n\
                上限,1.3,7200\n上限,2,360\n上限,3,144\n上限,5,43\n上限,10,10\n";
    let b = import_breaker_band(band.as_bytes()).unwrap();
    assert_eq!((b.min.len(), b.max.len()), (6, 5));
    assert_eq!(b.max[0].time_s, 7200.0);
    // A band needs both edges.
    let only_min: String = band.lines().filter(|l| !l.starts_with("上限")).map(|l| format!("{l}\n")).collect();
    assert_eq!(errs(import_breaker_band(only_min.as_bytes())), vec![(1, Some("curve".into()), "missing_curve".into())]);
}

#[test]
fn every_bad_cell_is_named_by_row_and_column() {
    // Row numbers count the header as row 1: the third data row is row 4.
    let with = |cell: &str| FUSE_EN.replace("allowable,160,12", &format!("allowable,160,{cell}"));
    let at = |code: &str| (4, Some("time_s".to_string()), code.to_string());
    assert_eq!(cell_error(&with("=12")), at("formula_not_allowed"));
    assert_eq!(cell_error(&with("@SUM(A1)")), at("formula_not_allowed"));
    assert_eq!(cell_error(&with("twelve")), at("not_a_number"));
    assert_eq!(cell_error(&with("NaN")), at("not_a_number"));
    assert_eq!(cell_error(&with("inf")), at("not_a_number"));
    assert_eq!(cell_error(&with("1e400")), at("not_finite"));
    assert_eq!(cell_error(&with("\"1,2\"")), at("not_a_number"));
    assert_eq!(cell_error(&with("")), at("empty_cell"));
    assert_eq!(cell_error(&with("-12")), at("not_positive"));
    assert_eq!(cell_error(&with("0")), at("not_positive"));
    // Outside the physical range: 0.0005 s is below 1 ms.
    assert_eq!(cell_error(&with("0.0005")), at("out_of_range"));
    // A missing cell at the end of a row is an empty cell.
    assert_eq!(cell_error(&FUSE_EN.replace("allowable,160,12", "allowable,160")), at("empty_cell"));
    // An unknown curve name.
    assert_eq!(cell_error(&FUSE_EN.replace("allowable,160,12", "allowed,160,12")), (4, Some("curve".into()), "unknown_curve".into()));
    // The column is named as the file writes it.
    let ja = fuse_ja().replace("許容,160,12", "許容,160,abc");
    assert_eq!(cell_error(&ja), (4, Some("時間（s）".into()), "not_a_number".into()));
}

#[test]
fn a_row_is_the_line_of_the_file_whatever_its_line_ends() {
    // Excel writes CR LF (and old Mac files CR alone): the bad cell of the third data row is
    // on line 4 in each.
    let lf = FUSE_EN.replace("allowable,160,12", "allowable,160,=12");
    for (ends, csv) in [("LF", lf.clone()), ("CR LF", lf.replace('\n', "\r\n")), ("CR", lf.replace('\n', "\r"))] {
        assert_eq!(cell_error(&csv), (4, Some("time_s".to_string()), "formula_not_allowed".to_string()), "{ends}");
    }
}

#[test]
fn rows_of_a_curve_must_rise_in_current_and_fall_in_time() {
    // Row 10 (melting, 200 A) moved below row 9's 150 A.
    let e = cell_error(&FUSE_EN.replace("melting,200,12", "melting,140,12"));
    assert_eq!(e, (10, Some("current_a".into()), "not_monotone".into()));
    let e = cell_error(&FUSE_EN.replace("melting,200,12", "melting,200,41"));
    assert_eq!(e, (10, Some("time_s".into()), "not_monotone".into()));
    // A gap wider than half a decade: melting 150 A → 600 A once 200 … 400 A are gone
    // (0.60 decades), named at the row of 600 A (row 10 after the removal).
    let sparse: String = FUSE_EN.lines().filter(|l| !matches!(*l, "melting,200,12" | "melting,300,3" | "melting,400,1.2")).map(|l| format!("{l}\n")).collect();
    assert_eq!(cell_error(&sparse), (10, Some("current_a".into()), "too_sparse".into()));
}

#[test]
fn the_header_must_name_known_columns_once() {
    assert_eq!(errs(import_fuse_ratings(b"curve,current_a,time_s,colour\n", Some(40.0))), vec![(1, Some("colour".into()), "unknown_column".into())]);
    assert_eq!(errs(import_fuse_ratings(b"curve,current_a,time,time_s\n", Some(40.0))), vec![(1, Some("time_s".into()), "duplicate_column".into())]);
    assert_eq!(errs(import_fuse_ratings(b"curve,time_s\n", Some(40.0))), vec![(1, Some("current_a".into()), "missing_column".into())]);
    assert_eq!(errs(import_fuse_ratings(b"", Some(40.0))), vec![(0, None, "empty_file".into())]);
}

#[test]
fn oversized_and_undecodable_files_are_refused_before_parsing() {
    let big = vec![b'1'; MAX_CSV_BYTES + 1];
    assert_eq!(errs(import_fuse_ratings(&big, Some(40.0))), vec![(0, None, "file_too_large".into())]);
    // Not UTF-8 and not valid Shift_JIS (0xFF is neither).
    assert_eq!(errs(import_fuse_ratings(b"curve,current_a,time_s\n\xFF\xFF,1,1\n", Some(40.0))), vec![(0, None, "unknown_encoding".into())]);
    // One row too many: the error names the first row past the limit.
    let mut csv = String::from("curve,current_a,time_s\n");
    for i in 0..=MAX_CSV_ROWS {
        csv.push_str(&format!("melting,{},{}\n", 100 + i, 1000.0 / (1.0 + i as f64)));
    }
    assert_eq!(errs(import_fuse_ratings(csv.as_bytes(), Some(40.0))), vec![(MAX_CSV_ROWS + 2, None, "too_many_rows".into())]);
}

#[test]
fn a_file_full_of_errors_reports_a_bounded_list() {
    let mut csv = String::from("curve,current_a,time_s\n");
    for _ in 0..1000 {
        csv.push_str("melting,x,y\n");
    }
    let e = import_fuse_ratings(csv.as_bytes(), Some(40.0)).unwrap_err();
    assert_eq!(e.len(), domain::library::csv_import::MAX_CSV_ERRORS + 1);
    assert_eq!(e.last().unwrap().code, "too_many_errors");
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
        let _ = import_fuse_ratings(&bytes, Some(40.0));
        let _ = import_relay_points(&bytes);
        let _ = import_breaker_band(&bytes);
    }

    #[test]
    fn arbitrary_cells_never_panic(cells in proptest::collection::vec("[-=@+0-9.eE,\"a-zａ０-９ \\n]{0,12}", 0..60)) {
        let mut csv = String::from("rating_a,curve,current_a,time_s\n");
        for c in cells.chunks(4) {
            csv.push_str(&c.join(","));
            csv.push('\n');
        }
        let _ = import_fuse_ratings(csv.as_bytes(), None);
    }
}
