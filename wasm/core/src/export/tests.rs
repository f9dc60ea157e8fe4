//! Tests of the export model and the shared row checks.

use super::rows::{write_date, write_instant};
use super::*;

#[test]
fn fast_date_writers_match_chrono() {
    use crate::calendar::format_utc;
    for millis in [
        0,
        1_795_512_600_123,
        -1,
        253_402_300_799_999,
        -62_135_596_800_000,
        86_399_999,
    ] {
        let instant = Instant::from_millis(millis);
        let mut out = Vec::new();
        write_instant(&mut out, instant).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            format_utc(instant).unwrap(),
            "{millis}"
        );
    }
    for (y, m, d) in [
        (2026, 3, 5),
        (1, 1, 1),
        (9999, 12, 31),
        (10_000, 1, 1),
        (-5, 6, 7),
    ] {
        let date = NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let mut out = Vec::new();
        write_date(&mut out, date, false);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            date.format("%Y-%m-%d").to_string()
        );
        let mut out = Vec::new();
        write_date(&mut out, date, true);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            date.format("%Y-%m").to_string()
        );
    }
}

#[test]
fn formats_parse_and_name_themselves() {
    for format in [
        ExportFormat::Csv,
        ExportFormat::Json,
        ExportFormat::Ndjson,
        ExportFormat::Xlsx,
    ] {
        assert_eq!(format.extension().parse::<ExportFormat>(), Ok(format));
    }
    let err = "pdf".parse::<ExportFormat>().unwrap_err();
    assert_eq!(err.reason(), "unknown-format");
    assert_eq!(err.field(), Some("format"));
}

#[test]
fn columns_are_checked() {
    let options = ExportOptions::new(ExportFormat::Csv);
    assert_eq!(
        exporter(&options, vec![]).err().unwrap().reason(),
        "no-columns"
    );
    let twice = vec![Column::integer("a"), Column::integer("a")];
    assert_eq!(
        exporter(&options, twice).err().unwrap().reason(),
        "duplicate-column"
    );
    let bad_total = vec![Column::decimal("hours", 2).with_total(TotalRule::HoursOf { seconds: 5 })];
    assert_eq!(
        exporter(&options, bad_total).err().unwrap().reason(),
        "invalid-total"
    );
}

#[test]
fn rows_must_fit_their_columns() {
    let mut e = exporter(
        &ExportOptions::new(ExportFormat::Json),
        vec![Column::integer("seconds")],
    )
    .unwrap();
    let mut out = Vec::new();
    e.begin(&mut out).unwrap();
    let err = e.row(&[Cell::text("x")], &mut out).unwrap_err();
    assert_eq!(err.reason(), "wrong-cell-kind");
    assert_eq!(err.field(), Some("seconds"));
    let err = e.row(&[], &mut out).unwrap_err();
    assert_eq!(err.reason(), "wrong-cell-count");
}

/// A file written in parts side by side (each later part resumed from
/// [`part_state`], every part finished) is the file written in one go.
#[test]
fn parts_side_by_side_make_the_whole_file() {
    let columns = vec![Column::text("who", 20), Column::integer("seconds")];
    let rows: Vec<(String, i64)> = (0..7).map(|i| (format!("p{i}, \"q\""), i * 60)).collect();
    let cells: Vec<Vec<Cell>> = rows
        .iter()
        .map(|(who, s)| vec![Cell::text(who), Cell::Integer(*s)])
        .collect();
    for format in [ExportFormat::Csv, ExportFormat::Ndjson] {
        let options = ExportOptions::new(format);
        let whole = render(
            &options,
            columns.clone(),
            cells.iter().map(Vec::as_slice),
            Totals::None,
        )
        .unwrap();
        // Parts of 3, 0 and 4 rows: an empty part adds nothing.
        let mut parts = Vec::new();
        for (k, slice) in [&cells[..3], &cells[3..3], &cells[3..]]
            .into_iter()
            .enumerate()
        {
            let mut e = match k {
                0 => exporter(&options, columns.clone()).unwrap(),
                _ => resume(
                    columns.clone(),
                    part_state(&options, columns.clone()).unwrap().unwrap(),
                )
                .unwrap(),
            };
            let mut out = Vec::new();
            if k == 0 {
                e.begin(&mut out).unwrap();
            }
            for row in slice {
                e.row(row, &mut out).unwrap();
            }
            e.flush(&mut out).unwrap();
            e.finish(Totals::None, &mut out).unwrap();
            parts.extend(out);
        }
        assert_eq!(
            String::from_utf8(parts).unwrap(),
            String::from_utf8(whole).unwrap(),
            "{format:?}"
        );
    }
    for format in [ExportFormat::Json, ExportFormat::Xlsx] {
        assert!(part_state(&ExportOptions::new(format), columns.clone())
            .unwrap()
            .is_none());
    }
}
