//! The sheet's XML: column letters, escaped text, serial dates, and the cell,
//! row, totals and workbook elements.

use chrono::NaiveDate;

use super::{XlsxExporter, MAIN_NS, MAX_TEXT, QUOTE_STYLE, REL_NS, TOTALS_TEXT, XML_HEAD};
use crate::duration::Seconds;
use crate::error::{quote, Error};
use crate::export::{Cell, TotalRule};
use crate::hours;

/// `A`, `B`, … `Z`, `AA`, … for a 0-based column index.
pub(super) fn letters(mut index: usize) -> String {
    let mut name = Vec::new();
    loop {
        let digit = u8::try_from(index % 26).unwrap_or(0);
        name.push(b'A'.saturating_add(digit));
        if index < 26 {
            break;
        }
        index = (index / 26).saturating_sub(1);
    }
    name.reverse();
    String::from_utf8(name).unwrap_or_default()
}

pub(super) fn check_sheet_name(name: &str) -> Result<(), Error> {
    let length = name.chars().count();
    let bad = name.chars().find(|c| "[]:*?/\\".contains(*c));
    let problem = if length == 0 || length > 31 {
        Some("expected 1 to 31 characters".to_owned())
    } else if let Some(c) = bad {
        Some(format!("{c:?} is not allowed in a sheet name"))
    } else if name.starts_with('\'') || name.ends_with('\'') {
        Some("a sheet name cannot start or end with '".to_owned())
    } else {
        None
    };
    match problem {
        Some(problem) => Err(Error::invalid(
            "invalid-sheet-name",
            format!("invalid sheetName {}: {problem}", quote(name)),
        )
        .field_name("sheetName")),
        None => Ok(()),
    }
}

/// Appends `text` escaped for XML character data or an attribute value, cut at
/// `limit` UTF-16 units; see the module docs.
pub(super) fn escape(text: &str, limit: usize, out: &mut Vec<u8>) {
    let mut units = 0_usize;
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        units = units.saturating_add(c.len_utf16());
        if units > limit {
            break;
        }
        match c {
            '&' => out.extend_from_slice(b"&amp;"),
            '<' => out.extend_from_slice(b"&lt;"),
            '>' => out.extend_from_slice(b"&gt;"),
            '"' => out.extend_from_slice(b"&quot;"),
            '\r' => out.extend_from_slice(b"&#13;"),
            '\t' | '\n' => out.push(c as u8),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {
                out.extend_from_slice("\u{fffd}".as_bytes());
            }
            '_' if is_escape_like(rest) => out.extend_from_slice(b"_x005F_"),
            c => {
                let mut buffer = [0_u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buffer).as_bytes());
            }
        }
        rest = rest.get(c.len_utf8()..).unwrap_or_default();
    }
}

/// True when `text` starts with `_xHHHH_`, which Excel would read as an escaped
/// character.
pub(super) fn is_escape_like(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() >= 7
        && bytes.get(1) == Some(&b'x')
        && bytes.get(6) == Some(&b'_')
        && bytes
            .get(2..6)
            .is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit))
}

/// Excel's serial day number of `date` (1900 date system).
pub(super) fn serial_day(date: NaiveDate) -> i64 {
    let epoch = NaiveDate::from_ymd_opt(1899, 12, 30).unwrap_or_default();
    date.signed_duration_since(epoch).num_days()
}

impl XlsxExporter {
    /// Appends one `<c>` element.
    pub(super) fn cell(
        &self,
        index: usize,
        row: u64,
        cell: &Cell<'_>,
        bold: bool,
        text_limit: usize,
        out: &mut Vec<u8>,
    ) -> Result<(), Error> {
        let style = if bold {
            self.styles.bold.get(index)
        } else {
            self.styles.normal.get(index)
        }
        .copied()
        .unwrap_or(0);
        let letters = self.letters.get(index).map_or("A", String::as_str);
        let open = |out: &mut Vec<u8>, style: u32, kind: &str| {
            out.extend_from_slice(b"<c r=\"");
            out.extend_from_slice(letters.as_bytes());
            push_number(out, row);
            out.push(b'"');
            if style != 0 {
                out.extend_from_slice(b" s=\"");
                push_number(out, u64::from(style));
                out.push(b'"');
            }
            out.extend_from_slice(kind.as_bytes());
            out.push(b'>');
        };
        let text = |out: &mut Vec<u8>, text: &str| {
            let risky = matches!(text.as_bytes().first(), Some(b'=' | b'+' | b'-' | b'@'));
            let style = if bold {
                style
            } else if risky {
                QUOTE_STYLE
            } else {
                0
            };
            open(out, style, " t=\"inlineStr\"");
            let spaced =
                text.starts_with(char::is_whitespace) || text.ends_with(char::is_whitespace);
            out.extend_from_slice(if spaced {
                b"<is><t xml:space=\"preserve\">".as_slice()
            } else {
                b"<is><t>".as_slice()
            });
            escape(text, text_limit, out);
            out.extend_from_slice(b"</t></is></c>");
        };
        match cell {
            Cell::Empty => {}
            Cell::Text(t) => text(out, t),
            Cell::List(values) => text(out, &values.join(crate::export::LIST_SEPARATOR)),
            Cell::Integer(n) => {
                open(out, style, "");
                let _ = std::io::Write::write_fmt(out, format_args!("<v>{n}</v></c>"));
            }
            Cell::Decimal(d) => {
                open(out, style, "");
                let _ = std::io::Write::write_fmt(out, format_args!("<v>{d}</v></c>"));
            }
            Cell::Boolean(b) => {
                open(out, style, " t=\"b\"");
                out.extend_from_slice(if *b { b"<v>1</v></c>" } else { b"<v>0</v></c>" });
            }
            Cell::Date(date) => {
                open(out, style, "");
                let _ = std::io::Write::write_fmt(
                    out,
                    format_args!("<v>{}</v></c>", serial_day(*date)),
                );
            }
            Cell::DateTime(instant) => {
                const DAY_MS: i64 = 86_400_000;
                let millis = instant.millis();
                let days = millis.div_euclid(DAY_MS).saturating_add(25_569);
                #[allow(clippy::cast_precision_loss)] // whole days are far below 2^52
                let serial = days as f64 + millis.rem_euclid(DAY_MS) as f64 / DAY_MS as f64;
                open(out, style, "");
                let _ = std::io::Write::write_fmt(out, format_args!("<v>{serial}</v></c>"));
            }
        }
        Ok(())
    }

    pub(super) fn row_xml(
        &self,
        row: u64,
        cells: &[Cell<'_>],
        bold: bool,
        text_limit: usize,
        out: &mut Vec<u8>,
    ) -> Result<(), Error> {
        out.extend_from_slice(b"<row r=\"");
        push_number(out, row);
        out.extend_from_slice(b"\">");
        for (index, cell) in cells.iter().enumerate() {
            self.cell(index, row, cell, bold, text_limit, out)?;
        }
        out.extend_from_slice(b"</row>");
        Ok(())
    }

    /// The totals row under the data, for [`Totals::Formulas`].
    pub(super) fn formula_row(&self, row: u64, out: &mut Vec<u8>) -> Result<(), Error> {
        let last = self.rows.saturating_add(1);
        out.extend_from_slice(b"<row r=\"");
        push_number(out, row);
        out.extend_from_slice(b"\">");
        for (index, column) in self.columns.iter().enumerate() {
            let letters = self.letters.get(index).map_or("A", String::as_str);
            let style = self.styles.bold.get(index).copied().unwrap_or(0);
            let (formula, value) = match column.total {
                TotalRule::None => continue,
                TotalRule::Label => {
                    self.cell(index, row, &Cell::text("Total"), true, TOTALS_TEXT, out)?;
                    continue;
                }
                TotalRule::Sum => {
                    let sum = self.sums.get(index).copied().unwrap_or_default();
                    (
                        format!("SUBTOTAL(109,{letters}2:{letters}{last})"),
                        sum.normalize().to_string(),
                    )
                }
                TotalRule::HoursOf { seconds } => {
                    let source = self.letters.get(seconds).map_or("A", String::as_str);
                    let sum = self.sums.get(seconds).copied().unwrap_or_default();
                    let total = u64::try_from(sum)
                        .ok()
                        .and_then(|s| Seconds::new(s).ok())
                        .ok_or_else(|| Error::overflow("the total seconds"))?;
                    (
                        format!(
                            "ROUND(SUBTOTAL(109,{source}2:{source}{last})/3600,{})",
                            column.decimals
                        ),
                        hours::rounded(total, column.decimals.min(hours::MAX_DECIMALS))?
                            .to_string(),
                    )
                }
            };
            let _ = std::io::Write::write_fmt(
                out,
                format_args!("<c r=\"{letters}{row}\" s=\"{style}\">"),
            );
            if self.rows > 0 {
                let _ = std::io::Write::write_fmt(out, format_args!("<f>{formula}</f>"));
            }
            let _ = std::io::Write::write_fmt(out, format_args!("<v>{value}</v></c>"));
        }
        out.extend_from_slice(b"</row>");
        Ok(())
    }

    pub(super) fn workbook_xml(&self) -> String {
        let mut name = Vec::new();
        escape(&self.sheet_name, MAX_TEXT, &mut name);
        let name = String::from_utf8(name).unwrap_or_default();
        let quoted = name.replace('\'', "''");
        let last_letters = self.letters.last().map_or("A", String::as_str);
        let last = self.rows.saturating_add(1);
        format!(
            "{XML_HEAD}<workbook xmlns=\"{MAIN_NS}\" xmlns:r=\"{REL_NS}\"><bookViews><workbookView/></bookViews>\
             <sheets><sheet name=\"{name}\" sheetId=\"1\" r:id=\"rId1\"/></sheets>\
             <definedNames><definedName name=\"_xlnm._FilterDatabase\" localSheetId=\"0\" hidden=\"1\">'{quoted}'!$A$1:${last_letters}${last}</definedName></definedNames>\
             <calcPr calcId=\"191029\" fullCalcOnLoad=\"1\"/></workbook>"
        )
    }
}

/// Appends a number in decimal digits.
pub(super) fn push_number(out: &mut Vec<u8>, n: u64) {
    let mut digits = [0_u8; 20];
    let mut at = digits.len();
    let mut rest = n;
    loop {
        at = at.saturating_sub(1);
        if let Some(d) = digits.get_mut(at) {
            *d = b'0'.saturating_add(u8::try_from(rest % 10).unwrap_or(0));
        }
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    out.extend_from_slice(digits.get(at..).unwrap_or_default());
}
