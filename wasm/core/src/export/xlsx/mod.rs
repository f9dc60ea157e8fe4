//! XLSX: one sheet, streamed row by row in constant memory, resumable between
//! chunks.
//!
//! The sheet has a bold, frozen header row, an autofilter over the data, column
//! widths from the [`Column`]s, and (on request) a bold totals row under the data.
//! Numbers are numbers, decimals carry their column's number format (`0.00`), dates
//! and instants are Excel dates formatted `yyyy-mm-dd`, `yyyy-mm` (months) and
//! `yyyy-mm-dd hh:mm:ss` (instants, in UTC), booleans are booleans. Text is stored as
//! inline strings (`t="inlineStr"`), so a cell is never a formula; text that starts
//! with `=`, `+`, `-` or `@` also gets Excel's "quote prefix" style so that editing it
//! keeps it text.
//!
//! The totals row ([`Totals`]): with [`Totals::Formulas`], `SUBTOTAL(109, …)` under
//! [`TotalRule::Sum`] columns (the sum of the rows the autofilter shows) and
//! `ROUND(SUBTOTAL(109, seconds)/3600, 2)` under [`TotalRule::HoursOf`] columns, so
//! total hours come from total seconds, converted once; each formula carries the
//! total of every row as its cached value, which readers that do not calculate
//! (Power BI, openpyxl) see. With [`Totals::Values`], given values (a grouped report's
//! grand total).
//!
//! # Why not `rust_xlsxwriter`
//!
//! It is the obvious library, but it keeps every cell in memory (about 200 MB per
//! million cells) unless its `constant_memory` feature is on, and that feature
//! writes rows to a temporary file, which the core (no I/O) and the component (no
//! file system on Forge) cannot have; and no library can stop a workbook after a few
//! megabytes and continue it in the next invocation. The format written here is the
//! small subset of SpreadsheetML those features need (about 400 lines with the zip
//! writer); the Python tests open it with `openpyxl`.
//!
//! Limits: Excel's 1,048,576 rows (the header and the totals row included) and 16,384
//! columns; text longer than Excel's 32,767 characters is cut there; control
//! characters that XML cannot carry become U+FFFD.
//!
//! ```
//! use worklogs_core::export::{render, Cell, Column, ExportFormat, ExportOptions, Totals, TotalRule};
//!
//! let columns = vec![
//!     Column::text("person", 20).with_total(TotalRule::Label),
//!     Column::integer("seconds").with_total(TotalRule::Sum),
//!     Column::decimal("hours", 2).with_total(TotalRule::HoursOf { seconds: 1 }),
//! ];
//! let row = [Cell::text("Ann"), Cell::Integer(1200), Cell::Empty];
//! let rows = [&row[..], &row[..], &row[..]];
//! let xlsx = render(&ExportOptions::new(ExportFormat::Xlsx), columns, rows, Totals::Formulas)?;
//! assert_eq!(&xlsx[..2], b"PK");
//! # Ok::<(), worklogs_core::Error>(())
//! ```

mod sheet;
#[cfg(test)]
mod tests;

use std::fmt::Write as _;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use sheet::{check_sheet_name, escape, letters};

use super::zip::{deflate_bound, ZipState, ZipWriter};
use super::{
    check_row, invalid_state, Cell, Column, ColumnKind, ExportFormat, ExportState, Exporter,
    TotalRule, Totals,
};
use crate::error::Error;

/// Excel's last row.
pub const MAX_ROWS: u64 = 1_048_576;
/// Excel's last column.
pub const MAX_COLUMNS: usize = 16_384;
/// The most characters (UTF-16 units) in a cell.
pub const MAX_TEXT: usize = 32_767;
/// Text in a totals row is cut to this many characters.
const TOTALS_TEXT: usize = 255;

const SHEET: &str = "xl/worksheets/sheet1.xml";
const WORKBOOK: &str = "xl/workbook.xml";
const ENTRIES: [&str; 6] = [
    "[Content_Types].xml",
    "_rels/.rels",
    "xl/_rels/workbook.xml.rels",
    "xl/styles.xml",
    SHEET,
    WORKBOOK,
];

const XML_HEAD: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";
const MAIN_NS: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const REL_NS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/// The state of an XLSX export between chunks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct XlsxState {
    /// The sheet's name.
    pub sheet_name: String,
    /// The number of columns.
    pub columns: usize,
    /// Data rows written.
    pub rows: u64,
    /// Running sums of the columns totals refer to (zero elsewhere), for the cached
    /// values of the totals row.
    pub sums: Vec<Decimal>,
    /// The zip container.
    pub zip: ZipState,
}

/// Writes XLSX (see the module docs).
#[derive(Debug)]
pub struct XlsxExporter {
    columns: Vec<Column>,
    sheet_name: String,
    /// Column letters: `A`, `B`, … `AA`.
    letters: Vec<String>,
    styles: Styles,
    /// Columns whose sums the totals row needs.
    summed: Vec<bool>,
    sums: Vec<Decimal>,
    rows: u64,
    zip: ZipWriter,
}

/// The cell formats: a style index per column, plain and bold.
#[derive(Debug)]
struct Styles {
    normal: Vec<u32>,
    bold: Vec<u32>,
    xml: String,
}

const HEADER_STYLE: u32 = 1;
const QUOTE_STYLE: u32 = 2;

impl Styles {
    fn new(columns: &[Column]) -> Self {
        let mut formats: Vec<(u32, String)> = Vec::new();
        let mut format_id = |code: &str| -> u32 {
            if let Some((id, _)) = formats.iter().find(|(_, c)| c == code) {
                return *id;
            }
            let id = 164_u32.saturating_add(u32::try_from(formats.len()).unwrap_or(0));
            formats.push((id, code.to_owned()));
            id
        };
        let ids: Vec<u32> = columns
            .iter()
            .map(|c| match c.kind {
                ColumnKind::Date => format_id("yyyy-mm-dd"),
                ColumnKind::Month => format_id("yyyy-mm"),
                ColumnKind::DateTime => format_id("yyyy-mm-dd hh:mm:ss"),
                ColumnKind::Decimal => match c.decimals {
                    0 => 1,
                    2 => 2,
                    d => format_id(&format!("0.{}", "0".repeat(d.min(30) as usize))),
                },
                _ => 0,
            })
            .collect();
        // xf 0: default, 1: header (bold), 2: quote-prefixed text, then a plain and a
        // bold xf per distinct number format.
        let mut xfs = vec![
            "<xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/>".to_owned(),
            "<xf numFmtId=\"0\" fontId=\"1\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyFont=\"1\"/>".to_owned(),
            "<xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" quotePrefix=\"1\"/>".to_owned(),
        ];
        let mut distinct: Vec<u32> = Vec::new();
        let mut style_of = |id: u32, bold: bool| -> u32 {
            let position = match distinct.iter().position(|d| *d == id) {
                Some(p) => p,
                None => {
                    distinct.push(id);
                    let font = |f: u32| {
                        format!(
                            "<xf numFmtId=\"{id}\" fontId=\"{f}\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"{}/>",
                            if f == 1 { " applyFont=\"1\"" } else { "" }
                        )
                    };
                    xfs.push(font(0));
                    xfs.push(font(1));
                    distinct.len().saturating_sub(1)
                }
            };
            let index = 3_usize
                .saturating_add(position.saturating_mul(2))
                .saturating_add(usize::from(bold));
            u32::try_from(index).unwrap_or(0)
        };
        let normal: Vec<u32> = ids
            .iter()
            .map(|&id| if id == 0 { 0 } else { style_of(id, false) })
            .collect();
        let bold: Vec<u32> = ids.iter().map(|&id| style_of(id, true)).collect();
        let mut xml = String::from(XML_HEAD);
        let _ = write!(xml, "<styleSheet xmlns=\"{MAIN_NS}\">");
        if !formats.is_empty() {
            let _ = write!(xml, "<numFmts count=\"{}\">", formats.len());
            for (id, code) in &formats {
                let _ = write!(xml, "<numFmt numFmtId=\"{id}\" formatCode=\"{code}\"/>");
            }
            xml.push_str("</numFmts>");
        }
        xml.push_str(
            "<fonts count=\"2\"><font><sz val=\"11\"/><name val=\"Calibri\"/><family val=\"2\"/></font>\
             <font><b/><sz val=\"11\"/><name val=\"Calibri\"/><family val=\"2\"/></font></fonts>\
             <fills count=\"2\"><fill><patternFill patternType=\"none\"/></fill><fill><patternFill patternType=\"gray125\"/></fill></fills>\
             <borders count=\"1\"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
             <cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs>",
        );
        let _ = write!(xml, "<cellXfs count=\"{}\">", xfs.len());
        for xf in &xfs {
            xml.push_str(xf);
        }
        xml.push_str(
            "</cellXfs><cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles></styleSheet>",
        );
        Styles { normal, bold, xml }
    }
}

impl XlsxExporter {
    /// An XLSX exporter over `columns`, naming the sheet `sheet_name`.
    ///
    /// # Errors
    ///
    /// Invalid input `invalid-sheet-name` (field `sheetName`): empty, longer than 31
    /// characters, holding one of `[]:*?/\` or starting or ending with `'`; limit
    /// `too-many-columns` past Excel's 16,384 columns.
    pub fn new(columns: Vec<Column>, sheet_name: &str) -> Result<Self, Error> {
        check_sheet_name(sheet_name)?;
        if columns.len() > MAX_COLUMNS {
            return Err(Error::limit(
                "too-many-columns",
                format!(
                    "too many columns for xlsx: {} (expected at most {MAX_COLUMNS})",
                    columns.len()
                ),
            ));
        }
        let mut summed = vec![false; columns.len()];
        for (index, column) in columns.iter().enumerate() {
            match column.total {
                TotalRule::Sum => {
                    if let Some(s) = summed.get_mut(index) {
                        *s = true;
                    }
                }
                TotalRule::HoursOf { seconds } => {
                    if let Some(s) = summed.get_mut(seconds) {
                        *s = true;
                    }
                }
                TotalRule::None | TotalRule::Label => {}
            }
        }
        Ok(XlsxExporter {
            letters: (0..columns.len()).map(letters).collect(),
            styles: Styles::new(&columns),
            sums: vec![Decimal::ZERO; columns.len()],
            summed,
            columns,
            sheet_name: sheet_name.to_owned(),
            rows: 0,
            zip: ZipWriter::new(),
        })
    }

    /// An exporter that continues after `state`.
    ///
    /// # Errors
    ///
    /// Invalid input `invalid-export-state` when the state does not fit the columns
    /// or is inconsistent; as [`XlsxExporter::new`].
    pub fn resume(columns: Vec<Column>, state: XlsxState) -> Result<Self, Error> {
        let mut exporter = XlsxExporter::new(columns, &state.sheet_name)?;
        if state.columns != exporter.columns.len() || state.sums.len() != exporter.columns.len() {
            return Err(invalid_state("the column count differs"));
        }
        if state.rows > MAX_ROWS {
            return Err(invalid_state("too many rows"));
        }
        exporter.zip = ZipWriter::resume(state.zip, &ENTRIES)?;
        exporter.rows = state.rows;
        exporter.sums = state.sums;
        Ok(exporter)
    }

    /// The sheet's row number of the next data row (the header is row 1).
    fn next_row(&self) -> u64 {
        self.rows.saturating_add(2)
    }
}

impl Exporter for XlsxExporter {
    fn format(&self) -> ExportFormat {
        ExportFormat::Xlsx
    }

    fn columns(&self) -> &[Column] {
        &self.columns
    }

    fn begin(&mut self, out: &mut Vec<u8>) -> Result<(), Error> {
        let content_types = format!(
            "{XML_HEAD}<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
             <Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
             <Default Extension=\"xml\" ContentType=\"application/xml\"/>\
             <Override PartName=\"/{WORKBOOK}\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>\
             <Override PartName=\"/{SHEET}\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>\
             <Override PartName=\"/xl/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/></Types>"
        );
        let package_rels = format!(
            "{XML_HEAD}<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
             <Relationship Id=\"rId1\" Type=\"{REL_NS}/officeDocument\" Target=\"{WORKBOOK}\"/></Relationships>"
        );
        let workbook_rels = format!(
            "{XML_HEAD}<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
             <Relationship Id=\"rId1\" Type=\"{REL_NS}/worksheet\" Target=\"worksheets/sheet1.xml\"/>\
             <Relationship Id=\"rId2\" Type=\"{REL_NS}/styles\" Target=\"styles.xml\"/></Relationships>"
        );
        self.zip
            .entry("[Content_Types].xml", content_types.as_bytes(), out)?;
        self.zip
            .entry("_rels/.rels", package_rels.as_bytes(), out)?;
        self.zip
            .entry("xl/_rels/workbook.xml.rels", workbook_rels.as_bytes(), out)?;
        let styles = std::mem::take(&mut self.styles.xml);
        self.zip.entry("xl/styles.xml", styles.as_bytes(), out)?;
        self.styles.xml = styles;

        let mut head = format!(
            "{XML_HEAD}<worksheet xmlns=\"{MAIN_NS}\" xmlns:r=\"{REL_NS}\"><sheetViews><sheetView tabSelected=\"1\" workbookViewId=\"0\">\
             <pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/>\
             <selection pane=\"bottomLeft\" activeCell=\"A2\" sqref=\"A2\"/></sheetView></sheetViews>\
             <sheetFormatPr defaultRowHeight=\"15\"/><cols>"
        );
        for (index, column) in self.columns.iter().enumerate() {
            let n = index.saturating_add(1);
            let _ = write!(
                head,
                "<col min=\"{n}\" max=\"{n}\" width=\"{}.7109375\" customWidth=\"1\"/>",
                column.width.max(1)
            );
        }
        head.push_str("</cols><sheetData><row r=\"1\">");
        let mut bytes = head.into_bytes();
        for (index, column) in self.columns.iter().enumerate() {
            let letters = self.letters.get(index).map_or("A", String::as_str);
            let _ = std::io::Write::write_fmt(
                &mut bytes,
                format_args!("<c r=\"{letters}1\" s=\"{HEADER_STYLE}\" t=\"inlineStr\"><is><t>"),
            );
            escape(&column.name, MAX_TEXT, &mut bytes);
            bytes.extend_from_slice(b"</t></is></c>");
        }
        bytes.extend_from_slice(b"</row>");
        self.zip.start(SHEET, out)?;
        self.zip.write(&bytes, out)
    }

    fn encode_row(&self, cells: &[Cell<'_>], encoded: &mut Vec<u8>) -> Result<(), Error> {
        check_row(&self.columns, cells)?;
        // The totals row needs the row after the last data row.
        let row = self.next_row();
        if row >= MAX_ROWS {
            return Err(Error::limit(
                "too-many-rows",
                format!(
                    "too many rows for xlsx: Excel sheets end at row {MAX_ROWS} (export fewer rows, or csv)"
                ),
            ));
        }
        self.row_xml(row, cells, false, MAX_TEXT, encoded)
    }

    fn write_row(
        &mut self,
        cells: &[Cell<'_>],
        encoded: &[u8],
        out: &mut Vec<u8>,
    ) -> Result<(), Error> {
        for ((sum, summed), cell) in self.sums.iter_mut().zip(&self.summed).zip(cells) {
            if !*summed {
                continue;
            }
            let value = match cell {
                Cell::Integer(n) => Decimal::from(*n),
                Cell::Decimal(d) => *d,
                _ => continue,
            };
            *sum = sum
                .checked_add(value)
                .ok_or_else(|| Error::overflow("the column total"))?;
        }
        self.zip.write(encoded, out)?;
        self.rows = self.rows.saturating_add(1);
        Ok(())
    }

    fn flush(&mut self, out: &mut Vec<u8>) -> Result<(), Error> {
        self.zip.sync(out)
    }

    fn held_bound(&self, extra: usize) -> usize {
        self.zip.held_bound(extra)
    }

    fn finish_bound(&self) -> usize {
        let totals = self.columns.len().saturating_mul(2048).saturating_add(1024);
        let workbook =
            deflate_bound(1024_usize.saturating_add(self.sheet_name.len().saturating_mul(12)));
        let directory = ENTRIES.len().saturating_mul(46 + 32).saturating_add(22);
        deflate_bound(totals)
            .saturating_add(workbook)
            .saturating_add(directory)
            .saturating_add(256)
    }

    fn finish(&mut self, totals: Totals<'_>, out: &mut Vec<u8>) -> Result<(), Error> {
        let mut tail = Vec::new();
        let totals_row = self.next_row();
        match totals {
            Totals::None => {}
            Totals::Formulas => self.formula_row(totals_row, &mut tail)?,
            Totals::Values(cells) => {
                check_row(&self.columns, cells)?;
                self.row_xml(totals_row, cells, true, TOTALS_TEXT, &mut tail)?;
            }
        }
        let last_letters = self.letters.last().map_or("A", String::as_str);
        let _ = std::io::Write::write_fmt(
            &mut tail,
            format_args!(
                "</sheetData><autoFilter ref=\"A1:{last_letters}{}\"/>\
                 <pageMargins left=\"0.7\" right=\"0.7\" top=\"0.75\" bottom=\"0.75\" header=\"0.3\" footer=\"0.3\"/></worksheet>",
                self.rows.saturating_add(1)
            ),
        );
        self.zip.write(&tail, out)?;
        self.zip.end(out)?;
        let workbook = self.workbook_xml();
        self.zip.entry(WORKBOOK, workbook.as_bytes(), out)?;
        self.zip.finish(out)
    }

    fn state(&self) -> ExportState {
        ExportState::Xlsx(XlsxState {
            sheet_name: self.sheet_name.clone(),
            columns: self.columns.len(),
            rows: self.rows,
            sums: self.sums.clone(),
            zip: self.zip.state(),
        })
    }
}
