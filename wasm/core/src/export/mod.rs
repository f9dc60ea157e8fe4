//! Exports: rows of typed cells rendered as CSV, JSON, NDJSON or XLSX bytes, whole or
//! in chunks.
//!
//! One format per module behind one trait, [`Exporter`]: [`csv`], [`json`] (JSON and
//! NDJSON) and [`xlsx`]. An exporter turns [`Column`]s and rows of [`Cell`]s into
//! bytes; it never touches files or the network. The same exporters write the flat
//! worklog export ([`flat`], one row per worklog, schema in `docs/export-schema.md`)
//! and grouped reports ([`crate::report::ReportResult::render`]).
//!
//! # Streaming and chunks
//!
//! An exporter writes a file in three steps — [`begin`](Exporter::begin), one
//! [`row`](Exporter::row) per row, [`finish`](Exporter::finish) — appending to a
//! caller's `Vec<u8>`, so a file never has to exist whole in memory. A large export
//! does not fit in one Forge invocation (responses are kept under 5 MB), so
//! [`chunk::ExportChunker`] cuts the output into pieces no larger than a byte budget
//! and hands out an [`ExportState`] (JSON) with each piece: the next invocation
//! resumes from it with [`resume`]. The pieces, concatenated in order, are the file.
//! XLSX is a zip of deflated XML; its state carries the zip's offsets and checksums
//! and each piece ends on a deflate sync point, so it too resumes anywhere.
//!
//! # Neutralised cells
//!
//! Spreadsheets run text that looks like a formula. CSV text cells that start with
//! `=`, `+`, `-`, `@`, a tab or a carriage return get a leading `'` (see
//! [`csv::neutralize`]). XLSX text is always stored as a string, never a formula, and
//! such cells are marked "quote prefix" so editing them keeps them text. JSON is never
//! altered.
//!
//! ```
//! use worklogs_core::export::{render, Cell, Column, ExportFormat, ExportOptions, Totals};
//!
//! let columns = vec![Column::text("person", 20), Column::integer("seconds")];
//! let rows = vec![
//!     vec![Cell::text("Ann"), Cell::Integer(3600)],
//!     vec![Cell::text("=cmd()"), Cell::Integer(60)],
//! ];
//! let options = ExportOptions::new(ExportFormat::Csv);
//! let bytes = render(&options, columns, rows.iter().map(Vec::as_slice), Totals::None)?;
//! assert_eq!(String::from_utf8(bytes).unwrap(), "person,seconds\r\nAnn,3600\r\n'=cmd(),60\r\n");
//! # Ok::<(), worklogs_core::Error>(())
//! ```

pub mod chunk;
pub mod csv;
pub mod feed;
pub mod flat;
pub mod incremental;
pub mod json;
mod rows;
#[cfg(test)]
mod tests;
pub mod xlsx;
mod zip;

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::calendar::Instant;
use crate::error::{quote, Error};

pub use chunk::{ExportChunker, Fit};
pub(crate) use rows::{
    check_columns, check_row, encode_row, invalid_state, write_plain, RowEncoding,
};

/// What a column holds; it decides how each format writes the cells.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ColumnKind {
    /// Text ([`Cell::Text`]).
    Text,
    /// A whole number ([`Cell::Integer`]).
    Integer,
    /// An exact decimal ([`Cell::Decimal`]), shown with the column's `decimals`.
    Decimal,
    /// `true` or `false` ([`Cell::Boolean`]).
    Boolean,
    /// A calendar date ([`Cell::Date`]).
    Date,
    /// A month, given as its first date ([`Cell::Date`]) and shown as `2026-03`.
    Month,
    /// An instant in UTC ([`Cell::DateTime`]).
    DateTime,
    /// A list of text values ([`Cell::List`]).
    List,
}

/// What the XLSX totals row shows under a column (CSV and JSON have no totals row).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "rule")]
pub enum TotalRule {
    /// Nothing.
    #[default]
    None,
    /// The word `Total`.
    Label,
    /// `SUBTOTAL(109, …)` of the column (the sum of the visible rows), with the sum of
    /// every row as its cached value.
    Sum,
    /// Hours from a seconds column: `ROUND(SUBTOTAL(109, seconds)/3600, decimals)`, so
    /// the total is converted once instead of summing rounded hours.
    HoursOf {
        /// The index of the seconds column.
        seconds: usize,
    },
}

/// A column of an export: a stable name, a kind and presentation hints.
///
/// # Example
///
/// ```
/// use worklogs_core::export::{Column, ColumnKind};
/// let hours = Column::decimal("hours", 2);
/// assert_eq!(hours.kind, ColumnKind::Decimal);
/// assert_eq!(hours.decimals, 2);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Column {
    /// The header: a stable, lower snake case name such as `started_utc`.
    pub name: String,
    /// What the cells hold.
    pub kind: ColumnKind,
    /// Decimals shown for [`ColumnKind::Decimal`] (the XLSX number format).
    pub decimals: u32,
    /// The XLSX column width in characters.
    pub width: u16,
    /// What the XLSX totals row shows under this column.
    pub total: TotalRule,
}

impl Column {
    /// A column of `kind` with a width suited to it.
    pub fn new(name: &str, kind: ColumnKind) -> Self {
        let width = match kind {
            ColumnKind::Text | ColumnKind::List => 20,
            ColumnKind::Integer | ColumnKind::Decimal => 12,
            ColumnKind::Boolean => 9,
            ColumnKind::Date => 11,
            ColumnKind::Month => 9,
            ColumnKind::DateTime => 20,
        };
        Column {
            name: name.to_owned(),
            kind,
            decimals: 0,
            width: width.max(
                u16::try_from(name.len())
                    .unwrap_or(u16::MAX)
                    .saturating_add(2),
            ),
            total: TotalRule::None,
        }
    }

    /// A text column `width` characters wide.
    pub fn text(name: &str, width: u16) -> Self {
        Column {
            width,
            ..Column::new(name, ColumnKind::Text)
        }
    }

    /// A whole-number column.
    pub fn integer(name: &str) -> Self {
        Column::new(name, ColumnKind::Integer)
    }

    /// A decimal column shown with `decimals` decimals.
    pub fn decimal(name: &str, decimals: u32) -> Self {
        Column {
            decimals,
            ..Column::new(name, ColumnKind::Decimal)
        }
    }

    /// The same column with a totals rule.
    #[must_use]
    pub fn with_total(mut self, total: TotalRule) -> Self {
        self.total = total;
        self
    }
}

/// One value in a row. [`Cell::Empty`] is a missing value (an empty CSV field, JSON
/// `null`, no XLSX cell).
#[derive(Clone, Debug, PartialEq)]
pub enum Cell<'a> {
    /// No value.
    Empty,
    /// Text.
    Text(Cow<'a, str>),
    /// A whole number.
    Integer(i64),
    /// An exact decimal.
    Decimal(Decimal),
    /// A boolean.
    Boolean(bool),
    /// A date (also a month, by its first date).
    Date(NaiveDate),
    /// An instant, written in UTC.
    DateTime(Instant),
    /// Text values: a JSON array; joined by `"; "` in CSV and XLSX.
    List(&'a [String]),
}

impl<'a> Cell<'a> {
    /// A borrowed text cell.
    pub fn text(text: &'a str) -> Self {
        Cell::Text(Cow::Borrowed(text))
    }

    /// A text cell, or [`Cell::Empty`] for `None`.
    pub fn opt_text(text: Option<&'a str>) -> Self {
        text.map_or(Cell::Empty, Cell::text)
    }
}

/// The separator of list values in CSV and XLSX cells.
pub const LIST_SEPARATOR: &str = "; ";

/// What the XLSX totals row holds at [`Exporter::finish`].
#[derive(Clone, Copy, Debug)]
pub enum Totals<'a> {
    /// No totals row.
    None,
    /// Each column's [`TotalRule`]: `SUBTOTAL` formulas that follow the autofilter.
    Formulas,
    /// These values, one per column (a grouped report's grand total, which is not the
    /// sum of its rows when a worklog counts under several labels).
    Values(&'a [Cell<'a>]),
}

/// An export format.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    /// RFC 4180 CSV, UTF-8.
    #[default]
    Csv,
    /// One JSON array of objects.
    Json,
    /// Newline-delimited JSON: one object per line.
    Ndjson,
    /// An Excel workbook with one sheet.
    Xlsx,
}

impl ExportFormat {
    /// The file name extension, without a dot.
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Json => "json",
            ExportFormat::Ndjson => "ndjson",
            ExportFormat::Xlsx => "xlsx",
        }
    }

    /// The media type for a download.
    pub fn media_type(self) -> &'static str {
        match self {
            ExportFormat::Csv => "text/csv; charset=utf-8",
            ExportFormat::Json => "application/json",
            ExportFormat::Ndjson => "application/x-ndjson",
            ExportFormat::Xlsx => {
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        }
    }
}

impl FromStr for ExportFormat {
    type Err = Error;

    /// Parses `csv`, `json`, `ndjson` or `xlsx`.
    ///
    /// # Errors
    ///
    /// Invalid input `unknown-format` (field `format`).
    fn from_str(text: &str) -> Result<Self, Error> {
        match text {
            "csv" => Ok(ExportFormat::Csv),
            "json" => Ok(ExportFormat::Json),
            "ndjson" => Ok(ExportFormat::Ndjson),
            "xlsx" => Ok(ExportFormat::Xlsx),
            _ => Err(Error::invalid(
                "unknown-format",
                format!(
                    "invalid format {}: unknown (expected csv, json, ndjson or xlsx)",
                    quote(text)
                ),
            )
            .field_name("format")),
        }
    }
}

impl fmt::Display for ExportFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.extension())
    }
}

/// How to write an export: the format and its options.
///
/// JSON: `{"format": "csv", "csv": {"delimiter": ";", "decimalSeparator": ",", "bom":
/// true}, "sheetName": "Worklogs"}`; every field but `format` is optional.
///
/// # Example
///
/// ```
/// use worklogs_core::export::{ExportFormat, ExportOptions};
/// let options: ExportOptions = serde_json::from_str(
///     r#"{"format": "csv", "csv": {"delimiter": ";", "decimalSeparator": ","}}"#,
/// )?;
/// assert_eq!(options.format, ExportFormat::Csv);
/// let bad = serde_json::from_str::<ExportOptions>(r#"{"format": "csv", "csv": {"decimalSeparator": ","}}"#);
/// assert!(bad.unwrap_err().to_string().contains("decimal separator"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ExportOptions {
    /// The format.
    pub format: ExportFormat,
    /// CSV options (ignored by the other formats).
    #[serde(default)]
    pub csv: csv::CsvOptions,
    /// The XLSX sheet name.
    #[serde(default = "default_sheet_name")]
    pub sheet_name: String,
}

fn default_sheet_name() -> String {
    "Worklogs".to_owned()
}

impl ExportOptions {
    /// Options for `format` with every default: comma-separated CSV with a dot as the
    /// decimal separator and no BOM, a sheet named `Worklogs`.
    pub fn new(format: ExportFormat) -> Self {
        ExportOptions {
            format,
            csv: csv::CsvOptions::default(),
            sheet_name: default_sheet_name(),
        }
    }
}

/// A file format writer; see the module docs for the protocol.
///
/// `begin`, then for each row `encode_row` and `write_row` (or `row`, which does
/// both), then `finish`. [`ExportChunker`] uses the split between encoding and
/// writing to check a row against its budget before the exporter takes it.
pub trait Exporter {
    /// The format written.
    fn format(&self) -> ExportFormat;

    /// The columns written.
    fn columns(&self) -> &[Column];

    /// Writes what comes before the first row: a BOM and the header, `[`, or the
    /// workbook's parts and the sheet's header row.
    ///
    /// # Errors
    ///
    /// As the format's module documents; most formats cannot fail here.
    fn begin(&mut self, out: &mut Vec<u8>) -> Result<(), Error>;

    /// Appends the encoding of one row to `encoded` without changing the exporter.
    ///
    /// # Errors
    ///
    /// Invalid input `wrong-cell-count` when `cells` does not match the columns,
    /// `wrong-cell-kind` for a cell that does not fit its column's kind; limit
    /// `too-many-rows` for XLSX past Excel's last row.
    fn encode_row(&self, cells: &[Cell<'_>], encoded: &mut Vec<u8>) -> Result<(), Error>;

    /// Takes a row encoded by [`encode_row`](Exporter::encode_row) into the output. A
    /// format may hold bytes back (XLSX compresses) until [`flush`](Exporter::flush)
    /// or [`finish`](Exporter::finish).
    ///
    /// # Errors
    ///
    /// Limit `export-too-large` when an XLSX file would pass 4 GiB.
    fn write_row(
        &mut self,
        cells: &[Cell<'_>],
        encoded: &[u8],
        out: &mut Vec<u8>,
    ) -> Result<(), Error>;

    /// Encodes and writes one row.
    ///
    /// # Errors
    ///
    /// As [`encode_row`](Exporter::encode_row) and [`write_row`](Exporter::write_row).
    fn row(&mut self, cells: &[Cell<'_>], out: &mut Vec<u8>) -> Result<(), Error> {
        let mut encoded = Vec::new();
        self.encode_row(cells, &mut encoded)?;
        self.write_row(cells, &encoded, out)
    }

    /// Emits every byte held back, so that `out` ends where a chunk may end.
    ///
    /// # Errors
    ///
    /// As [`write_row`](Exporter::write_row).
    fn flush(&mut self, _out: &mut Vec<u8>) -> Result<(), Error> {
        Ok(())
    }

    /// An upper bound of the bytes still to be written for what the exporter holds
    /// back plus `extra` more encoded bytes, up to and including the next
    /// [`flush`](Exporter::flush).
    fn held_bound(&self, extra: usize) -> usize {
        extra
    }

    /// An upper bound of the bytes [`finish`](Exporter::finish) writes after a flush.
    fn finish_bound(&self) -> usize;

    /// Writes the end of the file: the XLSX totals row, autofilter and workbook
    /// parts; `]` for JSON.
    ///
    /// # Errors
    ///
    /// As [`encode_row`](Exporter::encode_row) for the totals values.
    fn finish(&mut self, totals: Totals<'_>, out: &mut Vec<u8>) -> Result<(), Error>;

    /// The state to resume from after the bytes written so far (take it after a
    /// [`flush`](Exporter::flush)).
    fn state(&self) -> ExportState;
}

/// Where an export stands between two chunks: serializable, so that the next Forge
/// invocation continues the same file with [`resume`].
///
/// It travels through the client, so [`resume`] validates it like any input. The
/// caller keeps its own read position (such as the keyset of the last row) beside it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "format", rename_all = "lowercase")]
pub enum ExportState {
    /// CSV.
    Csv(csv::CsvState),
    /// JSON array.
    Json(json::JsonState),
    /// NDJSON.
    Ndjson(json::JsonState),
    /// XLSX.
    Xlsx(xlsx::XlsxState),
}

/// A new exporter for `options.format` over `columns`.
///
/// # Errors
///
/// Invalid input `no-columns` for an empty column list, `duplicate-column`, and the
/// format's own checks (such as an invalid sheet name).
///
/// # Example
///
/// ```
/// use worklogs_core::export::{exporter, Column, ExportFormat, ExportOptions};
/// let e = exporter(&ExportOptions::new(ExportFormat::Xlsx), vec![Column::integer("seconds")])?;
/// assert_eq!(e.format(), ExportFormat::Xlsx);
/// # Ok::<(), worklogs_core::Error>(())
/// ```
pub fn exporter(options: &ExportOptions, columns: Vec<Column>) -> Result<Box<dyn Exporter>, Error> {
    check_columns(&columns)?;
    Ok(match options.format {
        ExportFormat::Csv => Box::new(csv::CsvExporter::new(columns, options.csv)),
        ExportFormat::Json => Box::new(json::JsonExporter::new(columns, false)),
        ExportFormat::Ndjson => Box::new(json::JsonExporter::new(columns, true)),
        ExportFormat::Xlsx => Box::new(xlsx::XlsxExporter::new(columns, &options.sheet_name)?),
    })
}

/// An exporter that continues a file from `state`, over the same `columns`.
///
/// # Errors
///
/// Invalid input `invalid-export-state` (field `state`) when the state does not fit
/// the columns or is inconsistent; as [`exporter`] for the columns.
///
/// # Example
///
/// ```
/// use worklogs_core::export::{exporter, resume, Column, ExportFormat, ExportOptions};
/// let columns = vec![Column::integer("seconds")];
/// let mut first = exporter(&ExportOptions::new(ExportFormat::Json), columns.clone())?;
/// let mut out = Vec::new();
/// first.begin(&mut out)?;
/// let state = first.state();
/// let again = resume(columns, state)?;
/// assert_eq!(again.state(), first.state());
/// # Ok::<(), worklogs_core::Error>(())
/// ```
pub fn resume(columns: Vec<Column>, state: ExportState) -> Result<Box<dyn Exporter>, Error> {
    check_columns(&columns)?;
    Ok(match state {
        ExportState::Csv(state) => Box::new(csv::CsvExporter::resume(columns, state)?),
        ExportState::Json(state) => Box::new(json::JsonExporter::resume(columns, false, state)?),
        ExportState::Ndjson(state) => Box::new(json::JsonExporter::resume(columns, true, state)?),
        ExportState::Xlsx(state) => Box::new(xlsx::XlsxExporter::resume(columns, state)?),
    })
}

/// Where a later part of a file starts, when the file can be written in parts side
/// by side: the state of an exporter that has written the file's beginning and no row,
/// for [`resume`]. The parts' bytes, in order (the first part started with
/// [`exporter`]), are then the file. CSV and NDJSON qualify: a beginning (a header,
/// or nothing), then lines that do not depend on the lines before them, and no end.
/// A JSON array does not (a comma before every row but the first), nor does XLSX
/// (its end indexes every byte before it): `None`.
///
/// # Errors
///
/// As [`exporter`].
pub fn part_state(
    options: &ExportOptions,
    columns: Vec<Column>,
) -> Result<Option<ExportState>, Error> {
    match options.format {
        ExportFormat::Csv | ExportFormat::Ndjson => {
            let mut exporter = exporter(options, columns)?;
            exporter.begin(&mut Vec::new())?;
            Ok(Some(exporter.state()))
        }
        ExportFormat::Json | ExportFormat::Xlsx => Ok(None),
    }
}

/// Renders a whole file in one go: begin, every row, finish.
///
/// # Errors
///
/// As [`exporter`] and the exporter's methods.
///
/// # Example
///
/// See the module docs.
pub fn render<'r, I>(
    options: &ExportOptions,
    columns: Vec<Column>,
    rows: I,
    totals: Totals<'_>,
) -> Result<Vec<u8>, Error>
where
    I: IntoIterator<Item = &'r [Cell<'r>]>,
{
    let mut exporter = exporter(options, columns)?;
    let mut out = Vec::new();
    let mut encoded = Vec::new();
    exporter.begin(&mut out)?;
    for cells in rows {
        encoded.clear();
        exporter.encode_row(cells, &mut encoded)?;
        exporter.write_row(cells, &encoded, &mut out)?;
    }
    exporter.finish(totals, &mut out)?;
    Ok(out)
}
