//! CSV: RFC 4180, UTF-8, one header row, `CRLF` line ends.
//!
//! Options ([`CsvOptions`]) cover European Excel: the delimiter (`,`, `;` or tab), the
//! decimal separator of decimal cells (`.` or `,`; a comma needs another delimiter)
//! and an optional byte order mark, without which Excel reads UTF-8 as the local
//! code page.
//!
//! Fields are quoted only when needed (they hold the delimiter, a quote, CR or LF);
//! quotes double. Quoting is `csv-core`'s, so a field reads back exactly.
//!
//! How each kind is written: text as is, whole numbers in digits, decimals with the
//! chosen separator and their own decimals (`1.00`), booleans `true`/`false`, dates
//! `2026-03-25`, months `2026-03`, instants `2026-03-25T09:30:00.000Z`, lists joined
//! by `"; "`, missing values as empty fields.
//!
//! # Formula injection
//!
//! Spreadsheets evaluate a field that starts with `=`, `+`, `-` or `@` (and some
//! strip leading white space, a tab or CR first, or fold the full-width forms
//! `＝ ＋ － ＠` to these), so text and list cells starting with one of them, after
//! any white space, get a leading `'` ([`neutralize`]): Excel then shows the text, apostrophe included,
//! and never runs it. A text that already starts with `'` followed by such a text gets
//! one more, so [`unneutralize`] gives back every original text exactly. Numbers,
//! dates and booleans are never prefixed (a negative number stays a number).
//!
//! ```
//! use worklogs_core::export::csv::{neutralize, unneutralize};
//! assert_eq!(neutralize("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
//! assert_eq!(neutralize("fixed the build"), "fixed the build");
//! assert_eq!(unneutralize("'=1+1"), "=1+1");
//! assert_eq!(unneutralize("'quoted'"), "'quoted'");
//! ```

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use super::{
    invalid_state, Cell, Column, ExportFormat, ExportState, Exporter, RowEncoding, Totals,
};
use crate::error::{quote, Error};

/// The field delimiter.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Delimiter {
    /// `,` (RFC 4180).
    #[default]
    Comma,
    /// `;`, as Excel expects where the decimal separator is a comma.
    Semicolon,
    /// A tab.
    Tab,
}

impl Delimiter {
    fn byte(self) -> u8 {
        match self {
            Delimiter::Comma => b',',
            Delimiter::Semicolon => b';',
            Delimiter::Tab => b'\t',
        }
    }
}

/// The decimal separator of decimal cells.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum DecimalSeparator {
    /// `1.25`.
    #[default]
    Dot,
    /// `1,25`.
    Comma,
}

/// Validated CSV options.
///
/// JSON: `{"delimiter": ";", "decimalSeparator": ",", "bom": true}`, each optional
/// (`,`, `.` and no BOM); the delimiter may be `,`, `;`, `\t` or `tab`.
///
/// # Example
///
/// ```
/// use worklogs_core::export::csv::{CsvOptions, DecimalSeparator, Delimiter};
/// let european = CsvOptions::new(Delimiter::Semicolon, DecimalSeparator::Comma, true)?;
/// assert!(european.bom());
/// let err = CsvOptions::new(Delimiter::Comma, DecimalSeparator::Comma, false).unwrap_err();
/// assert_eq!(err.reason(), "conflicting-separators");
/// # Ok::<(), worklogs_core::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "RawCsvOptions", into = "RawCsvOptions")]
pub struct CsvOptions {
    delimiter: Delimiter,
    decimal_separator: DecimalSeparator,
    bom: bool,
}

#[derive(Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RawCsvOptions {
    #[serde(default)]
    delimiter: Option<String>,
    #[serde(default)]
    decimal_separator: Option<String>,
    #[serde(default)]
    bom: bool,
}

impl TryFrom<RawCsvOptions> for CsvOptions {
    type Error = Error;
    fn try_from(raw: RawCsvOptions) -> Result<Self, Error> {
        let delimiter = match raw.delimiter.as_deref() {
            None | Some(",") => Delimiter::Comma,
            Some(";") => Delimiter::Semicolon,
            Some("\t" | "tab") => Delimiter::Tab,
            Some(other) => {
                return Err(Error::invalid(
                    "unknown-delimiter",
                    format!(
                        "invalid delimiter {}: expected \",\", \";\" or \"tab\"",
                        quote(other)
                    ),
                )
                .field_name("delimiter"))
            }
        };
        let decimal_separator = match raw.decimal_separator.as_deref() {
            None | Some(".") => DecimalSeparator::Dot,
            Some(",") => DecimalSeparator::Comma,
            Some(other) => {
                return Err(Error::invalid(
                    "unknown-decimal-separator",
                    format!(
                        "invalid decimalSeparator {}: expected \".\" or \",\"",
                        quote(other)
                    ),
                )
                .field_name("decimalSeparator"))
            }
        };
        CsvOptions::new(delimiter, decimal_separator, raw.bom)
    }
}

impl From<CsvOptions> for RawCsvOptions {
    fn from(options: CsvOptions) -> Self {
        RawCsvOptions {
            delimiter: Some(
                match options.delimiter {
                    Delimiter::Comma => ",",
                    Delimiter::Semicolon => ";",
                    Delimiter::Tab => "tab",
                }
                .to_owned(),
            ),
            decimal_separator: Some(
                match options.decimal_separator {
                    DecimalSeparator::Dot => ".",
                    DecimalSeparator::Comma => ",",
                }
                .to_owned(),
            ),
            bom: options.bom,
        }
    }
}

impl CsvOptions {
    /// Options with these separators, and a byte order mark when `bom`.
    ///
    /// # Errors
    ///
    /// Invalid input `conflicting-separators` (field `decimalSeparator`) for a comma
    /// as both the delimiter and the decimal separator.
    ///
    /// # Example
    ///
    /// See [`CsvOptions`].
    pub fn new(
        delimiter: Delimiter,
        decimal_separator: DecimalSeparator,
        bom: bool,
    ) -> Result<Self, Error> {
        if delimiter == Delimiter::Comma && decimal_separator == DecimalSeparator::Comma {
            return Err(Error::invalid(
                "conflicting-separators",
                "invalid decimalSeparator \",\": the decimal separator cannot be the delimiter (use \";\" or tab as the delimiter)".to_owned(),
            )
            .field_name("decimalSeparator"));
        }
        Ok(CsvOptions {
            delimiter,
            decimal_separator,
            bom,
        })
    }

    /// The delimiter.
    pub fn delimiter(&self) -> Delimiter {
        self.delimiter
    }

    /// The decimal separator.
    pub fn decimal_separator(&self) -> DecimalSeparator {
        self.decimal_separator
    }

    /// True when the file starts with a UTF-8 byte order mark.
    pub fn bom(&self) -> bool {
        self.bom
    }
}

/// True when a spreadsheet could read `text` as a formula, or when `text` is a `'`
/// followed by such a text (so that [`unneutralize`] can tell them apart): it
/// starts with a tab or CR, or, after any leading white space, with `=`, `+`,
/// `-`, `@` or their full-width forms `＝ ＋ － ＠` (which some spreadsheets and
/// import tools fold to the ASCII ones).
fn needs_prefix(text: &str) -> bool {
    let trimmed = text.trim_start_matches('\'');
    if trimmed.starts_with(['\t', '\r']) {
        return true;
    }
    matches!(
        trimmed.trim_start().chars().next(),
        Some('=' | '+' | '-' | '@' | '\u{FF1D}' | '\u{FF0B}' | '\u{FF0D}' | '\u{FF20}')
    )
}

/// `text`, with a leading `'` when a spreadsheet could run it as a formula (see the
/// module docs).
///
/// # Example
///
/// ```
/// use worklogs_core::export::csv::neutralize;
/// for risky in ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", " =1", "\n@x", "＝1+1", " ＋1", "－1", "＠A1"] {
///     assert!(neutralize(risky).starts_with('\''));
/// }
/// assert_eq!(neutralize("'=1"), "''=1");
/// ```
pub fn neutralize(text: &str) -> Cow<'_, str> {
    if needs_prefix(text) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// The original text of a cell written by [`neutralize`]: exact for every text.
///
/// # Example
///
/// ```
/// use worklogs_core::export::csv::{neutralize, unneutralize};
/// for text in ["=1", "'=1", "''=1", "'", "plain", "-"] {
///     assert_eq!(unneutralize(&neutralize(text)), text);
/// }
/// ```
pub fn unneutralize(text: &str) -> &str {
    match text.strip_prefix('\'') {
        Some(rest) if needs_prefix(rest) => rest,
        _ => text,
    }
}

/// The state of a CSV export between chunks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CsvState {
    /// The options the file was started with.
    pub options: CsvOptions,
    /// The number of columns.
    pub columns: usize,
    /// Data rows written.
    pub rows: u64,
}

/// Writes CSV (see the module docs).
#[derive(Debug)]
pub struct CsvExporter {
    columns: Vec<Column>,
    options: CsvOptions,
    quoter: csv_core::Writer,
    rows: u64,
}

impl CsvExporter {
    /// A CSV exporter over `columns`.
    pub fn new(columns: Vec<Column>, options: CsvOptions) -> Self {
        let quoter = csv_core::WriterBuilder::new()
            .delimiter(options.delimiter.byte())
            .quote_style(csv_core::QuoteStyle::Necessary)
            .build();
        CsvExporter {
            columns,
            options,
            quoter,
            rows: 0,
        }
    }

    /// An exporter that continues after `state`.
    ///
    /// # Errors
    ///
    /// Invalid input `invalid-export-state` when the state has another column count.
    pub fn resume(columns: Vec<Column>, state: CsvState) -> Result<Self, Error> {
        if state.columns != columns.len() {
            return Err(invalid_state("the column count differs"));
        }
        let mut exporter = CsvExporter::new(columns, state.options);
        exporter.rows = state.rows;
        Ok(exporter)
    }

    /// Appends one field, quoted when needed.
    fn field(&self, text: &[u8], out: &mut Vec<u8>) {
        if !self.quoter.should_quote(text) {
            out.extend_from_slice(text);
            return;
        }
        out.push(b'"');
        let start = out.len();
        // Doubling every quote at most doubles the field.
        out.resize(start.saturating_add(text.len().saturating_mul(2)), 0);
        let written = match out.get_mut(start..) {
            Some(space) => csv_core::quote(text, space, b'"', b'"', true).2,
            None => 0,
        };
        out.truncate(start.saturating_add(written));
        out.push(b'"');
    }
}

impl RowEncoding for CsvExporter {
    fn separate(&self, out: &mut Vec<u8>) {
        out.push(self.options.delimiter.byte());
    }

    fn value(
        &self,
        _index: usize,
        column: &Column,
        cell: &Cell<'_>,
        out: &mut Vec<u8>,
    ) -> Result<(), Error> {
        match cell {
            Cell::Empty => {}
            Cell::Text(text) => self.field(neutralize(text).as_bytes(), out),
            Cell::List(values) => {
                let joined = values.join(super::LIST_SEPARATOR);
                self.field(neutralize(&joined).as_bytes(), out);
            }
            _ => {
                let start = out.len();
                super::write_plain(column.kind, cell, out)?;
                if matches!(cell, Cell::Decimal(_))
                    && self.options.decimal_separator == DecimalSeparator::Comma
                {
                    if let Some(dot) = out
                        .get_mut(start..)
                        .and_then(|s| s.iter_mut().find(|b| **b == b'.'))
                    {
                        *dot = b',';
                    }
                }
            }
        }
        Ok(())
    }
}

impl Exporter for CsvExporter {
    fn format(&self) -> ExportFormat {
        ExportFormat::Csv
    }

    fn columns(&self) -> &[Column] {
        &self.columns
    }

    fn begin(&mut self, out: &mut Vec<u8>) -> Result<(), Error> {
        if self.options.bom {
            out.extend_from_slice("\u{feff}".as_bytes());
        }
        let delimiter = self.options.delimiter.byte();
        for (index, column) in self.columns.iter().enumerate() {
            if index > 0 {
                out.push(delimiter);
            }
            self.field(column.name.as_bytes(), out);
        }
        out.extend_from_slice(b"\r\n");
        Ok(())
    }

    fn encode_row(&self, cells: &[Cell<'_>], encoded: &mut Vec<u8>) -> Result<(), Error> {
        let start = encoded.len();
        super::encode_row(self, &self.columns, cells, encoded)?;
        if encoded.len() == start {
            // A lone empty field: write `""` so the line is not read as a blank line.
            encoded.extend_from_slice(b"\"\"");
        }
        encoded.extend_from_slice(b"\r\n");
        Ok(())
    }

    fn write_row(
        &mut self,
        _cells: &[Cell<'_>],
        encoded: &[u8],
        out: &mut Vec<u8>,
    ) -> Result<(), Error> {
        out.extend_from_slice(encoded);
        self.rows = self.rows.saturating_add(1);
        Ok(())
    }

    fn finish_bound(&self) -> usize {
        0
    }

    fn finish(&mut self, _totals: Totals<'_>, _out: &mut Vec<u8>) -> Result<(), Error> {
        Ok(())
    }

    fn state(&self) -> ExportState {
        ExportState::Csv(CsvState {
            options: self.options,
            columns: self.columns.len(),
            rows: self.rows,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::Instant;
    use crate::export::{render, ColumnKind, ExportOptions};
    use chrono::NaiveDate;
    use proptest::prelude::*;
    use rust_decimal::Decimal;

    fn columns() -> Vec<Column> {
        vec![
            Column::text("comment", 40),
            Column::integer("seconds"),
            Column::decimal("hours", 2),
            Column::new("billable", ColumnKind::Boolean),
            Column::new("local_date", ColumnKind::Date),
            Column::new("month", ColumnKind::Month),
            Column::new("started_utc", ColumnKind::DateTime),
            Column::new("labels", ColumnKind::List),
        ]
    }

    fn csv(options: CsvOptions, rows: &[Vec<Cell<'_>>]) -> String {
        let options = ExportOptions {
            csv: options,
            ..ExportOptions::new(ExportFormat::Csv)
        };
        let bytes = render(
            &options,
            columns(),
            rows.iter().map(Vec::as_slice),
            Totals::None,
        )
        .unwrap();
        String::from_utf8(bytes).unwrap()
    }

    #[test]
    fn every_kind_is_written() {
        let labels = vec!["a".to_owned(), "b".to_owned()];
        let date = NaiveDate::from_ymd_opt(2026, 3, 25).unwrap();
        let row = vec![
            Cell::text("said \"hi\", then\nleft"),
            Cell::Integer(1200),
            Cell::Decimal(Decimal::new(33, 2)),
            Cell::Boolean(true),
            Cell::Date(date),
            Cell::Date(date),
            Cell::DateTime(Instant::from_millis(1_795_512_600_000)),
            Cell::List(&labels),
        ];
        let empty = vec![Cell::Empty; 8];
        assert_eq!(
            csv(CsvOptions::default(), &[row.clone(), empty]),
            "comment,seconds,hours,billable,local_date,month,started_utc,labels\r\n\
             \"said \"\"hi\"\", then\nleft\",1200,0.33,true,2026-03-25,2026-03,2026-11-24T09:30:00.000Z,a; b\r\n\
             ,,,,,,,\r\n"
        );
        let european =
            CsvOptions::new(Delimiter::Semicolon, DecimalSeparator::Comma, true).unwrap();
        let text = csv(european, &[row]);
        assert!(text.starts_with("\u{feff}comment;seconds;"), "{text}");
        assert!(text.contains(";1200;0,33;true;"), "{text}");
    }

    #[test]
    fn formula_injection_is_neutralised() {
        for risky in [
            "=1+1", "+1", "-1", "@x", "\tx", "\rx", "'=1", " =1", "  +1", "\n-1", "\u{a0}@x",
            "＝1", "＋1", "－1", "＠x", " ＝1",
        ] {
            let out = csv(
                CsvOptions::default(),
                &[vec![
                    Cell::text(risky),
                    Cell::Integer(-5),
                    Cell::Empty,
                    Cell::Empty,
                    Cell::Empty,
                    Cell::Empty,
                    Cell::Empty,
                    Cell::Empty,
                ]],
            );
            let line = out.lines().nth(1).unwrap();
            assert!(
                line.starts_with("'") || line.starts_with("\"'"),
                "{risky:?}: {line:?}"
            );
            // Numbers are never prefixed.
            assert!(out.contains(",-5,"), "{out}");
        }
    }

    #[test]
    fn options_deserialize_and_reject() {
        let options: CsvOptions =
            serde_json::from_str(r#"{"delimiter": "tab", "decimalSeparator": ","}"#).unwrap();
        assert_eq!(options.delimiter(), Delimiter::Tab);
        let err = serde_json::from_str::<CsvOptions>(r#"{"delimiter": "|"}"#).unwrap_err();
        assert!(
            err.to_string().contains(r#"invalid delimiter "|""#),
            "{err}"
        );
        let err = serde_json::from_str::<CsvOptions>(r#"{"quote": "'"}"#).unwrap_err();
        assert!(err.to_string().contains("unknown field"), "{err}");
    }

    #[test]
    fn a_lone_empty_field_is_quoted() {
        let options = ExportOptions::new(ExportFormat::Csv);
        let bytes = render(
            &options,
            vec![Column::text("a", 5)],
            [&[Cell::Empty][..]],
            Totals::None,
        )
        .unwrap();
        assert_eq!(bytes, b"a\r\n\"\"\r\n");
    }

    proptest! {
        #[test]
        fn neutralize_round_trips(text in "['=+@\\-\t\r\n a-z＝＋－＠\u{a0}]{0,6}") {
            let neutral = neutralize(&text);
            prop_assert_eq!(unneutralize(&neutral), text.as_str());
            prop_assert!(!matches!(neutral.as_bytes().first(), Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')));
        }
    }
}
