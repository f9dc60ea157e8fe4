//! JSON: one array of objects (`json`), or one object per line (`ndjson`).
//!
//! Each row is an object whose keys are the column names, in column order. The array
//! form puts one object per line between `[` and `]`, so it is both what Power BI's
//! `Json.Document` reads and easy to read line by line; NDJSON suits streaming
//! consumers (`jq`, `duckdb`'s `read_json`, log pipelines).
//!
//! Values: text as JSON strings (never altered); whole numbers as JSON numbers;
//! **decimals as strings** (`"1.00"`), as everywhere in Worklogs, so that no reader
//! rounds them through a binary float; booleans; dates `"2026-03-25"`, months
//! `"2026-03"`, instants `"2026-03-25T09:30:00.000Z"`; lists as arrays of strings;
//! missing values as `null`.
//!
//! ```
//! use worklogs_core::export::{render, Cell, Column, ExportFormat, ExportOptions, Totals};
//! use worklogs_core::Decimal;
//!
//! let columns = vec![Column::text("person", 20), Column::decimal("hours", 2)];
//! let row = [Cell::text("Ann"), Cell::Decimal(Decimal::new(100, 2))];
//! let json = render(&ExportOptions::new(ExportFormat::Json), columns.clone(), [&row[..]], Totals::None)?;
//! assert_eq!(String::from_utf8(json).unwrap(), "[\n{\"person\":\"Ann\",\"hours\":\"1.00\"}\n]\n");
//! let ndjson = render(&ExportOptions::new(ExportFormat::Ndjson), columns, [&row[..]], Totals::None)?;
//! assert_eq!(String::from_utf8(ndjson).unwrap(), "{\"person\":\"Ann\",\"hours\":\"1.00\"}\n");
//! # Ok::<(), worklogs_core::Error>(())
//! ```

use serde::{Deserialize, Serialize};

use super::{
    invalid_state, Cell, Column, ExportFormat, ExportState, Exporter, RowEncoding, Totals,
};
use crate::error::Error;

/// The state of a JSON or NDJSON export between chunks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct JsonState {
    /// The number of columns.
    pub columns: usize,
    /// Rows written (the array form needs a comma before every row but the first).
    pub rows: u64,
}

/// Writes JSON or NDJSON (see the module docs).
#[derive(Debug)]
pub struct JsonExporter {
    columns: Vec<Column>,
    /// `"name":` for each column, escaped once.
    keys: Vec<String>,
    lines: bool,
    rows: u64,
}

impl JsonExporter {
    /// A JSON array exporter, or NDJSON when `lines`.
    pub fn new(columns: Vec<Column>, lines: bool) -> Self {
        let keys = columns
            .iter()
            .map(|c| {
                let mut key = serde_json::to_string(&c.name).unwrap_or_default();
                key.push(':');
                key
            })
            .collect();
        JsonExporter {
            columns,
            keys,
            lines,
            rows: 0,
        }
    }

    /// An exporter that continues after `state`.
    ///
    /// # Errors
    ///
    /// Invalid input `invalid-export-state` when the state has another column count.
    pub fn resume(columns: Vec<Column>, lines: bool, state: JsonState) -> Result<Self, Error> {
        if state.columns != columns.len() {
            return Err(invalid_state("the column count differs"));
        }
        let mut exporter = JsonExporter::new(columns, lines);
        exporter.rows = state.rows;
        Ok(exporter)
    }

    /// Appends one row as a JSON object (no separator, no line end).
    ///
    /// # Errors
    ///
    /// As [`Exporter::encode_row`].
    pub fn object(&self, cells: &[Cell<'_>], out: &mut Vec<u8>) -> Result<(), Error> {
        super::encode_row(self, &self.columns, cells, out)
    }
}

impl RowEncoding for JsonExporter {
    fn open(&self, out: &mut Vec<u8>) {
        out.push(b'{');
    }

    fn separate(&self, out: &mut Vec<u8>) {
        out.push(b',');
    }

    fn value(
        &self,
        index: usize,
        column: &Column,
        cell: &Cell<'_>,
        out: &mut Vec<u8>,
    ) -> Result<(), Error> {
        if let Some(key) = self.keys.get(index) {
            out.extend_from_slice(key.as_bytes());
        }
        let failed = |_| Error::overflow("the JSON value");
        match cell {
            Cell::Empty => out.extend_from_slice(b"null"),
            Cell::Text(text) => serde_json::to_writer(&mut *out, text.as_ref()).map_err(failed)?,
            Cell::List(values) => serde_json::to_writer(&mut *out, values).map_err(failed)?,
            // Numbers and booleans bare; decimals, dates and instants as strings.
            Cell::Integer(_) | Cell::Boolean(_) => {
                super::write_plain(column.kind, cell, out)?;
            }
            Cell::Decimal(_) | Cell::Date(_) | Cell::DateTime(_) => {
                out.push(b'"');
                super::write_plain(column.kind, cell, out)?;
                out.push(b'"');
            }
        }
        Ok(())
    }

    fn close(&self, out: &mut Vec<u8>) {
        out.push(b'}');
    }
}

impl Exporter for JsonExporter {
    fn format(&self) -> ExportFormat {
        if self.lines {
            ExportFormat::Ndjson
        } else {
            ExportFormat::Json
        }
    }

    fn columns(&self) -> &[Column] {
        &self.columns
    }

    fn begin(&mut self, out: &mut Vec<u8>) -> Result<(), Error> {
        if !self.lines {
            out.push(b'[');
        }
        Ok(())
    }

    fn encode_row(&self, cells: &[Cell<'_>], encoded: &mut Vec<u8>) -> Result<(), Error> {
        if !self.lines {
            // `[` then `\n{…}`, later rows `,\n{…}`: the comma belongs to the row.
            if self.rows > 0 {
                encoded.push(b',');
            }
            encoded.push(b'\n');
        }
        self.object(cells, encoded)?;
        if self.lines {
            encoded.push(b'\n');
        }
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
        3
    }

    fn finish(&mut self, _totals: Totals<'_>, out: &mut Vec<u8>) -> Result<(), Error> {
        if !self.lines {
            out.extend_from_slice(b"\n]\n");
        }
        Ok(())
    }

    fn state(&self) -> ExportState {
        let state = JsonState {
            columns: self.columns.len(),
            rows: self.rows,
        };
        if self.lines {
            ExportState::Ndjson(state)
        } else {
            ExportState::Json(state)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::Instant;
    use crate::export::{render, ColumnKind, ExportOptions};
    use chrono::NaiveDate;

    #[test]
    fn every_kind_is_valid_json() {
        let labels = vec!["x".to_owned(), "\"y\"".to_owned()];
        let columns = vec![
            Column::text("t", 5),
            Column::integer("i"),
            Column::decimal("d", 2),
            Column::new("b", ColumnKind::Boolean),
            Column::new("date", ColumnKind::Date),
            Column::new("month", ColumnKind::Month),
            Column::new("at", ColumnKind::DateTime),
            Column::new("l", ColumnKind::List),
            Column::text("none", 5),
        ];
        let date = NaiveDate::from_ymd_opt(2026, 3, 25).unwrap();
        let rows = [
            vec![
                Cell::text("=1\n\"q\""),
                Cell::Integer(-3),
                Cell::Decimal(rust_decimal::Decimal::new(5, 1)),
                Cell::Boolean(false),
                Cell::Date(date),
                Cell::Date(date),
                Cell::DateTime(Instant::from_millis(0)),
                Cell::List(&labels),
                Cell::Empty,
            ],
            vec![Cell::Empty; 9],
        ];
        let bytes = render(
            &ExportOptions::new(ExportFormat::Json),
            columns,
            rows.iter().map(Vec::as_slice),
            Totals::None,
        )
        .unwrap();
        let parsed: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(
            parsed[0],
            serde_json::json!({"t": "=1\n\"q\"", "i": -3, "d": "0.5", "b": false,
                "date": "2026-03-25", "month": "2026-03", "at": "1970-01-01T00:00:00.000Z",
                "l": ["x", "\"y\""], "none": null})
        );
        assert!(parsed[1].as_object().unwrap().values().all(|v| v.is_null()));
    }

    #[test]
    fn an_empty_array_is_valid() {
        let bytes = render(
            &ExportOptions::new(ExportFormat::Json),
            vec![Column::integer("i")],
            std::iter::empty(),
            Totals::None,
        )
        .unwrap();
        let parsed: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(parsed, serde_json::json!([]));
    }
}
