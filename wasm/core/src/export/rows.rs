//! Rows checked against their columns, and cells written as text: what the
//! writers (CSV, JSON, XLSX) share.

use chrono::NaiveDate;

use super::{Cell, Column, ColumnKind, TotalRule};
use crate::calendar::Instant;
use crate::error::{quote, Error};

pub(crate) fn check_columns(columns: &[Column]) -> Result<(), Error> {
    if columns.is_empty() {
        return Err(Error::invalid(
            "no-columns",
            "invalid columns: none given (expected at least one)".to_owned(),
        )
        .field_name("columns"));
    }
    for (index, column) in columns.iter().enumerate() {
        if columns
            .iter()
            .take(index)
            .any(|earlier| earlier.name == column.name)
        {
            return Err(Error::invalid(
                "duplicate-column",
                format!("invalid columns: {} appears twice", quote(&column.name)),
            )
            .field_name("columns"));
        }
        if let TotalRule::HoursOf { seconds } = column.total {
            let target = columns.get(seconds).map(|c| c.kind);
            if target != Some(ColumnKind::Integer) {
                return Err(Error::invalid(
                    "invalid-total",
                    format!(
                        "invalid total of column {}: column {seconds} is not a seconds column",
                        quote(&column.name)
                    ),
                )
                .field_name("columns"));
            }
        }
    }
    Ok(())
}

/// The error for a row whose cell count does not match the columns.
pub(crate) fn wrong_cell_count(expected: usize, got: usize) -> Error {
    Error::invalid(
        "wrong-cell-count",
        format!("invalid row: {got} cells for {expected} columns"),
    )
    .field_name("cells")
}

/// The error for a cell that does not fit its column.
pub(crate) fn wrong_cell_kind(column: &Column, cell: &Cell<'_>) -> Error {
    let got = match cell {
        Cell::Empty => "empty",
        Cell::Text(_) => "text",
        Cell::Integer(_) => "integer",
        Cell::Decimal(_) => "decimal",
        Cell::Boolean(_) => "boolean",
        Cell::Date(_) => "date",
        Cell::DateTime(_) => "date-time",
        Cell::List(_) => "list",
    };
    Error::invalid(
        "wrong-cell-kind",
        format!(
            "invalid cell in column {}: a {got} value in a {:?} column",
            quote(&column.name),
            column.kind
        ),
    )
    .field_name(&column.name)
}

/// True when `cell` may appear in a column of `kind` (any column may be empty).
pub(crate) fn fits(kind: ColumnKind, cell: &Cell<'_>) -> bool {
    matches!(
        (kind, cell),
        (_, Cell::Empty)
            | (ColumnKind::Text, Cell::Text(_))
            | (ColumnKind::Integer, Cell::Integer(_))
            | (ColumnKind::Decimal, Cell::Decimal(_))
            | (ColumnKind::Decimal, Cell::Integer(_))
            | (ColumnKind::Boolean, Cell::Boolean(_))
            | (ColumnKind::Date | ColumnKind::Month, Cell::Date(_))
            | (ColumnKind::DateTime, Cell::DateTime(_))
            | (ColumnKind::List, Cell::List(_))
    )
}

/// Checks a row's length and every cell's kind.
pub(crate) fn check_row(columns: &[Column], cells: &[Cell<'_>]) -> Result<(), Error> {
    if cells.len() != columns.len() {
        return Err(wrong_cell_count(columns.len(), cells.len()));
    }
    for (column, cell) in columns.iter().zip(cells) {
        if !fits(column.kind, cell) {
            return Err(wrong_cell_kind(column, cell));
        }
    }
    Ok(())
}

/// How a text format writes a row: its frame, the separator between values, and
/// one value. [`encode_row`] walks the columns and cells (after [`check_row`]) for
/// every such format, so each format only encodes values.
pub(crate) trait RowEncoding {
    /// Appends what comes before the first value.
    fn open(&self, _out: &mut Vec<u8>) {}

    /// Appends what comes between two values.
    fn separate(&self, out: &mut Vec<u8>);

    /// Appends the value of the column at `index` (the cell fits the column).
    fn value(
        &self,
        index: usize,
        column: &Column,
        cell: &Cell<'_>,
        out: &mut Vec<u8>,
    ) -> Result<(), Error>;

    /// Appends what comes after the last value.
    fn close(&self, _out: &mut Vec<u8>) {}
}

/// Checks a row against `columns` and appends it as `encoding` writes it.
pub(crate) fn encode_row(
    encoding: &impl RowEncoding,
    columns: &[Column],
    cells: &[Cell<'_>],
    out: &mut Vec<u8>,
) -> Result<(), Error> {
    check_row(columns, cells)?;
    encoding.open(out);
    for (index, (column, cell)) in columns.iter().zip(cells).enumerate() {
        if index > 0 {
            encoding.separate(out);
        }
        encoding.value(index, column, cell, out)?;
    }
    encoding.close(out);
    Ok(())
}

/// Appends the plain text of a cell that is neither empty, text nor a list, as
/// every text format writes it: digits, a decimal with a dot and its own
/// decimals (`1.00`), `true`/`false`, `2026-03-25` (`2026-03` in a month
/// column), `2026-03-25T09:30:00.000Z`. Returns false, writing nothing, for the
/// other cells (each format writes those its own way).
pub(crate) fn write_plain(
    kind: ColumnKind,
    cell: &Cell<'_>,
    out: &mut Vec<u8>,
) -> Result<bool, Error> {
    use std::io::Write as _;
    let overflow = |_| Error::overflow("the formatted value");
    match cell {
        Cell::Empty | Cell::Text(_) | Cell::List(_) => return Ok(false),
        Cell::Integer(n) => write!(out, "{n}").map_err(overflow)?,
        Cell::Decimal(d) => write!(out, "{d}").map_err(overflow)?,
        Cell::Boolean(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Cell::Date(date) => write_date(out, *date, kind == ColumnKind::Month),
        Cell::DateTime(instant) => write_instant(out, *instant)?,
    }
    Ok(true)
}

/// Appends `value` in decimal digits, zero-padded to `width`.
fn push_padded(out: &mut Vec<u8>, value: u32, width: usize) {
    let mut digits = [b'0'; 10];
    let mut rest = value;
    let mut at = digits.len();
    while rest > 0 && at > 0 {
        at = at.saturating_sub(1);
        if let Some(d) = digits.get_mut(at) {
            *d = b'0'.saturating_add(u8::try_from(rest % 10).unwrap_or(0));
        }
        rest /= 10;
    }
    let start = at.min(digits.len().saturating_sub(width));
    out.extend_from_slice(digits.get(start..).unwrap_or_default());
}

/// Appends `2026-03-25` (or `2026-03` for a month). Hand-written because chrono's
/// formatter interprets its pattern on every call and took a quarter of a CSV
/// export's time; dates outside the years 0 to 9999 go through chrono.
pub(crate) fn write_date(out: &mut Vec<u8>, date: NaiveDate, month_only: bool) {
    use chrono::Datelike;
    match u32::try_from(date.year()) {
        Ok(year) if year <= 9999 => {
            push_padded(out, year, 4);
            out.push(b'-');
            push_padded(out, date.month(), 2);
            if !month_only {
                out.push(b'-');
                push_padded(out, date.day(), 2);
            }
        }
        _ => {
            let pattern = if month_only { "%Y-%m" } else { "%Y-%m-%d" };
            out.extend_from_slice(date.format(pattern).to_string().as_bytes());
        }
    }
}

/// Appends `2026-03-25T09:30:00.000Z`, as [`crate::calendar::format_utc`] writes it.
pub(crate) fn write_instant(out: &mut Vec<u8>, instant: Instant) -> Result<(), Error> {
    use chrono::Timelike;
    let Some(utc) = chrono::DateTime::from_timestamp_millis(instant.millis()) else {
        // Out of chrono's range: the calendar's error.
        out.extend_from_slice(crate::calendar::format_utc(instant)?.as_bytes());
        return Ok(());
    };
    let naive = utc.naive_utc();
    if !(0..=9999).contains(&chrono::Datelike::year(&naive)) {
        out.extend_from_slice(crate::calendar::format_utc(instant)?.as_bytes());
        return Ok(());
    }
    write_date(out, naive.date(), false);
    out.push(b'T');
    push_padded(out, naive.hour(), 2);
    out.push(b':');
    push_padded(out, naive.minute(), 2);
    out.push(b':');
    push_padded(out, naive.second(), 2);
    out.push(b'.');
    push_padded(out, naive.nanosecond() / 1_000_000 % 1000, 3);
    out.push(b'Z');
    Ok(())
}

/// An invalid-state error for [`resume`].
pub(crate) fn invalid_state(what: &str) -> Error {
    Error::invalid(
        "invalid-export-state",
        format!("invalid export state: {what}"),
    )
    .field_name("state")
}
