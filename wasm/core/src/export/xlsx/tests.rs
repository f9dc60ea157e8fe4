//! Tests of the XLSX writer.

use chrono::NaiveDate;

use super::sheet::{escape, letters, serial_day};
use super::*;
use crate::export::{render, ExportOptions};

#[test]
fn column_letters() {
    let names: Vec<String> = [0, 1, 25, 26, 27, 51, 52, 701, 702, 16_383]
        .into_iter()
        .map(letters)
        .collect();
    assert_eq!(
        names,
        ["A", "B", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA", "XFD"]
    );
}

#[test]
fn text_is_escaped_and_cut() {
    let mut out = Vec::new();
    escape("a<b>&\"c\"\r\u{1}_x0041_ é", MAX_TEXT, &mut out);
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "a&lt;b&gt;&amp;&quot;c&quot;&#13;\u{fffd}_x005F_x0041_ é"
    );
    let mut out = Vec::new();
    escape(&"😀".repeat(20_000), MAX_TEXT, &mut out);
    assert_eq!(
        String::from_utf8(out).unwrap().chars().count(),
        MAX_TEXT / 2
    );
}

#[test]
fn sheet_names_are_checked() {
    for bad in ["", "a/b", "x".repeat(32).as_str(), "'quoted'"] {
        let err = XlsxExporter::new(vec![Column::integer("a")], bad).unwrap_err();
        assert_eq!(err.reason(), "invalid-sheet-name", "{bad}");
    }
    assert!(XlsxExporter::new(vec![Column::integer("a")], "Worklogs 2026").is_ok());
}

#[test]
fn serial_dates_match_excel() {
    let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    assert_eq!(serial_day(date(1900, 3, 1)), 61);
    assert_eq!(serial_day(date(2026, 3, 25)), 46_106);
}

#[test]
fn the_row_limit_is_a_limit_error() {
    let mut exporter = XlsxExporter::new(vec![Column::integer("a")], "S").unwrap();
    exporter.rows = MAX_ROWS - 2;
    let err = exporter
        .encode_row(&[Cell::Integer(1)], &mut Vec::new())
        .unwrap_err();
    assert!(err.is_limit());
    assert_eq!(err.reason(), "too-many-rows");
}

#[test]
fn an_empty_sheet_is_a_zip() {
    let bytes = render(
        &ExportOptions::new(ExportFormat::Xlsx),
        vec![Column::integer("seconds").with_total(TotalRule::Sum)],
        std::iter::empty(),
        Totals::Formulas,
    )
    .unwrap();
    assert_eq!(&bytes[..4], b"PK\x03\x04");
    assert_eq!(&bytes[bytes.len() - 22..bytes.len() - 18], b"PK\x05\x06");
}
