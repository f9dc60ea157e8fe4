//! Cutting an export into pieces that fit one Forge invocation.
//!
//! A Forge function answers with at most 5 MB, so a large export is produced over
//! several invocations, each answering one *piece* of the file; the client appends
//! the pieces in order and saves the result. [`ExportChunker`] wraps an
//! [`Exporter`] and a byte budget:
//!
//! 1. The first invocation creates the exporter ([`super::exporter`]) and calls
//!    [`ExportChunker::start`] (which writes the file's beginning); later ones rebuild
//!    it from the previous answer's state ([`super::resume`]) and call
//!    [`ExportChunker::resume`].
//! 2. It [`push`](ExportChunker::push)es rows read in keyset order until a push
//!    answers [`Fit::Full`]: that row did **not** go in and starts the next piece.
//!    A row goes in only when the piece, everything the exporter holds back, that row
//!    and the file's end all fit in the budget, so a piece never passes the budget.
//! 3. With more rows to come it calls [`take`](ExportChunker::take) and answers the
//!    piece, the [`ExportState`] and its own read position (the key of the last row
//!    that went in); after the last row it calls [`finish`](ExportChunker::finish).
//!
//! The budget must leave room for the answer's envelope: bytes sent as base64 grow by
//! a third, so [`DEFAULT_BUDGET`] (3 MiB) becomes 4 MiB of text under Forge's 5 MB.
//! A single row larger than the budget is an error, never a larger piece.
//!
//! ```
//! use worklogs_core::export::{exporter, resume, Cell, Column, ExportChunker, ExportFormat, ExportOptions, Fit, Totals};
//!
//! let columns = vec![Column::text("comment", 40)];
//! let text = "x".repeat(1000);
//! let row = [Cell::text(&text)];
//! let mut pieces: Vec<Vec<u8>> = Vec::new();
//! let mut chunker = ExportChunker::start(exporter(&ExportOptions::new(ExportFormat::Csv), columns.clone())?, 64 * 1024)?;
//! let mut left = 200;
//! while left > 0 {
//!     match chunker.push(&row)? {
//!         Fit::Added => left -= 1,
//!         Fit::Full => {
//!             pieces.push(chunker.take()?);
//!             // … next invocation: resume from the state.
//!             chunker = ExportChunker::resume(resume(columns.clone(), chunker.state())?, 64 * 1024)?;
//!         }
//!     }
//! }
//! pieces.push(chunker.finish(Totals::None)?);
//! assert!(pieces.len() >= 3 && pieces.iter().all(|p| p.len() <= 64 * 1024));
//! assert_eq!(pieces.concat().len(), "comment\r\n".len() + 200 * 1002);
//! # Ok::<(), worklogs_core::Error>(())
//! ```

use super::{ExportState, Exporter, Totals};
use crate::error::Error;
use crate::export::Cell;

/// The default piece size: 3 MiB, 4 MiB as base64, under Forge's 5 MB.
pub const DEFAULT_BUDGET: usize = 3 * 1024 * 1024;
/// The smallest budget accepted.
pub const MIN_BUDGET: usize = 64 * 1024;

/// Whether a pushed row went into the current piece.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fit {
    /// The row is in the piece.
    Added,
    /// The piece is full: the row is not in it; push it again after
    /// [`take`](ExportChunker::take).
    Full,
}

/// An exporter writing pieces no larger than a budget (see the module docs).
pub struct ExportChunker {
    exporter: Box<dyn Exporter>,
    budget: usize,
    out: Vec<u8>,
    encoded: Vec<u8>,
    rows: u64,
}

impl std::fmt::Debug for ExportChunker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExportChunker")
            .field("format", &self.exporter.format())
            .field("budget", &self.budget)
            .field("piece", &self.out.len())
            .field("rows", &self.rows)
            .finish()
    }
}

impl ExportChunker {
    /// Starts a file: the first piece begins with the file's beginning.
    ///
    /// # Errors
    ///
    /// Invalid input `budget-too-small` (field `budget`) below [`MIN_BUDGET`]; as
    /// [`Exporter::begin`].
    pub fn start(mut exporter: Box<dyn Exporter>, budget: usize) -> Result<Self, Error> {
        check_budget(budget)?;
        let mut out = Vec::new();
        exporter.begin(&mut out)?;
        Ok(ExportChunker {
            exporter,
            budget,
            out,
            encoded: Vec::new(),
            rows: 0,
        })
    }

    /// Continues a file with an exporter rebuilt by [`super::resume`].
    ///
    /// # Errors
    ///
    /// As [`ExportChunker::start`] for the budget.
    pub fn resume(exporter: Box<dyn Exporter>, budget: usize) -> Result<Self, Error> {
        check_budget(budget)?;
        Ok(ExportChunker {
            exporter,
            budget,
            out: Vec::new(),
            encoded: Vec::new(),
            rows: 0,
        })
    }

    /// Adds a row to the current piece if it fits.
    ///
    /// # Errors
    ///
    /// Limit `row-too-large` when the row alone does not fit in a piece; as
    /// [`Exporter::encode_row`] and [`Exporter::write_row`].
    pub fn push(&mut self, cells: &[Cell<'_>]) -> Result<Fit, Error> {
        self.encoded.clear();
        self.exporter.encode_row(cells, &mut self.encoded)?;
        let needed = self
            .out
            .len()
            .saturating_add(self.exporter.held_bound(self.encoded.len()))
            .saturating_add(self.exporter.finish_bound());
        if needed > self.budget {
            if self.rows == 0 {
                return Err(Error::limit(
                    "row-too-large",
                    format!(
                        "a row of {} bytes does not fit in an export piece of {} bytes",
                        self.encoded.len(),
                        self.budget
                    ),
                ));
            }
            return Ok(Fit::Full);
        }
        self.exporter
            .write_row(cells, &self.encoded, &mut self.out)?;
        self.rows = self.rows.saturating_add(1);
        Ok(Fit::Added)
    }

    /// Ends the current piece and returns it; the chunker goes on with an empty
    /// piece, and [`state`](ExportChunker::state) is where the next one starts.
    ///
    /// # Errors
    ///
    /// As [`Exporter::flush`].
    pub fn take(&mut self) -> Result<Vec<u8>, Error> {
        self.exporter.flush(&mut self.out)?;
        self.rows = 0;
        Ok(std::mem::take(&mut self.out))
    }

    /// The state after the last piece taken (valid right after
    /// [`take`](ExportChunker::take)).
    pub fn state(&self) -> ExportState {
        self.exporter.state()
    }

    /// Rows in the current piece.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Bytes the current piece can still take (before its end is written).
    pub fn room(&self) -> usize {
        self.budget.saturating_sub(self.out.len())
    }

    /// Ends the file and returns the last piece.
    ///
    /// # Errors
    ///
    /// As [`Exporter::finish`].
    pub fn finish(mut self, totals: Totals<'_>) -> Result<Vec<u8>, Error> {
        self.exporter.finish(totals, &mut self.out)?;
        Ok(self.out)
    }
}

fn check_budget(budget: usize) -> Result<(), Error> {
    if budget < MIN_BUDGET {
        return Err(Error::invalid(
            "budget-too-small",
            format!("invalid budget {budget}: too small (expected at least {MIN_BUDGET} bytes)"),
        )
        .field_name("budget"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::{exporter, render, resume, Column, ExportFormat, ExportOptions, TotalRule};

    fn columns() -> Vec<Column> {
        vec![
            Column::text("comment", 40).with_total(TotalRule::Label),
            Column::integer("seconds").with_total(TotalRule::Sum),
            Column::decimal("hours", 2).with_total(TotalRule::HoursOf { seconds: 1 }),
        ]
    }

    /// Exports `count` rows in pieces of `budget`, resuming through JSON each time.
    fn in_pieces(format: ExportFormat, count: usize, budget: usize) -> Vec<Vec<u8>> {
        let options = ExportOptions::new(format);
        let texts: Vec<String> = (0..count)
            .map(|i| format!("row {i} {}", "lorem ipsum, \"dolor\" ".repeat(i % 50)))
            .collect();
        let mut pieces = Vec::new();
        let mut chunker =
            ExportChunker::start(exporter(&options, columns()).unwrap(), budget).unwrap();
        let mut next = 0;
        while next < count {
            let text = &texts[next];
            let row = [
                Cell::text(text),
                Cell::Integer(1200),
                Cell::Decimal(rust_decimal::Decimal::new(33, 2)),
            ];
            match chunker.push(&row).unwrap() {
                Fit::Added => next += 1,
                Fit::Full => {
                    pieces.push(chunker.take().unwrap());
                    let json = serde_json::to_string(&chunker.state()).unwrap();
                    let state: ExportState = serde_json::from_str(&json).unwrap();
                    chunker =
                        ExportChunker::resume(resume(columns(), state).unwrap(), budget).unwrap();
                }
            }
        }
        pieces.push(chunker.finish(Totals::Formulas).unwrap());
        pieces
    }

    fn whole(format: ExportFormat, count: usize) -> Vec<u8> {
        let texts: Vec<String> = (0..count)
            .map(|i| format!("row {i} {}", "lorem ipsum, \"dolor\" ".repeat(i % 50)))
            .collect();
        let rows: Vec<Vec<Cell<'_>>> = texts
            .iter()
            .map(|t| {
                vec![
                    Cell::text(t),
                    Cell::Integer(1200),
                    Cell::Decimal(rust_decimal::Decimal::new(33, 2)),
                ]
            })
            .collect();
        render(
            &ExportOptions::new(format),
            columns(),
            rows.iter().map(Vec::as_slice),
            Totals::Formulas,
        )
        .unwrap()
    }

    #[test]
    fn text_pieces_concatenate_to_the_whole_file() {
        for format in [ExportFormat::Csv, ExportFormat::Json, ExportFormat::Ndjson] {
            let pieces = in_pieces(format, 3000, MIN_BUDGET);
            assert!(pieces.len() > 3, "{format}: {}", pieces.len());
            assert!(pieces.iter().all(|p| p.len() <= MIN_BUDGET), "{format}");
            assert_eq!(pieces.concat(), whole(format, 3000), "{format}");
        }
    }

    #[test]
    fn xlsx_pieces_stay_in_budget_and_unzip() {
        let pieces = in_pieces(ExportFormat::Xlsx, 20_000, MIN_BUDGET);
        assert!(pieces.len() > 3, "{}", pieces.len());
        assert!(pieces.iter().all(|p| p.len() <= MIN_BUDGET));
        // Compressed bytes differ (each piece starts a fresh compressor); every part
        // unzips to the same XML as the file written in one go.
        let entries = crate::export::zip::tests::entries;
        assert_eq!(
            entries(&pieces.concat()),
            entries(&whole(ExportFormat::Xlsx, 20_000))
        );
    }

    #[test]
    fn a_row_larger_than_the_budget_is_an_error() {
        let options = ExportOptions::new(ExportFormat::Csv);
        let mut chunker =
            ExportChunker::start(exporter(&options, columns()).unwrap(), MIN_BUDGET).unwrap();
        let huge = "x".repeat(MIN_BUDGET);
        let err = chunker
            .push(&[Cell::text(&huge), Cell::Empty, Cell::Empty])
            .unwrap_err();
        assert_eq!(err.reason(), "row-too-large");
        assert!(ExportChunker::start(exporter(&options, columns()).unwrap(), 10).is_err());
    }
}
