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
pub mod flat;
pub mod incremental;
pub mod json;
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

fn check_columns(columns: &[Column]) -> Result<(), Error> {
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

#[cfg(test)]
mod tests {
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
        let bad_total =
            vec![Column::decimal("hours", 2).with_total(TotalRule::HoursOf { seconds: 5 })];
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
}
