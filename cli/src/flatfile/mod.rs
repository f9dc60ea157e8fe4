//! Flat worklog files on disk, for the offline `worklogs` commands (`demo-data`,
//! `report --input`, `export --input`) and the benchmarks.
//!
//! The core ([`worklogs_core`]) takes rows and returns bytes; this module does the
//! file I/O around it, streaming, so a file of millions of worklogs is never held in
//! memory:
//!
//! - [`generate`] writes a realistic flat export (200 people, 20 projects, 5,000
//!   issues, a year of worklogs; comments with commas, quotes, newlines and
//!   formula-looking text) as the core's CSV exporter writes it.
//! - [`report`] reads a flat CSV file record by record into the core's
//!   [`ReportBuilder`] and writes one row per group (keys, `seconds`, `hours`) in any
//!   export format.
//! - [`export`] converts a flat CSV file into CSV, JSON, NDJSON or XLSX with the
//!   core's exporters, re-typing each column by its name.
//!
//! The reader takes any file with the flat export's column names (extra columns are
//! ignored; `author_account_id`, `started_utc` and `seconds` are required), with a
//! `,`, `;` or tab delimiter (sniffed from the header line) and an optional BOM. Text
//! that the CSV exporter neutralised (`'=…`) is read back as it was.
//!
//! ```
//! use worklogs_core::calendar::{WeekStart, Zone};
//! use worklogs_core::export::{ExportFormat, ExportOptions};
//! use worklogs_core::report::ReportQuery;
//!
//! let mut file = Vec::new();
//! worklogs_cli::flatfile::generate(500, 7, &mut file)?;
//! let query = ReportQuery::grouped(Zone::parse("Europe/Berlin")?, WeekStart::Monday, &["person", "week"])?;
//! let mut out = Vec::new();
//! let result = worklogs_cli::flatfile::report(&file[..], query, &ExportOptions::new(ExportFormat::Csv), &mut out)?;
//! assert_eq!(result.worklogs, 500);
//! assert!(String::from_utf8(out).unwrap().starts_with("person_account_id,person_name,week_start,seconds,hours\r\n"));
//! # Ok::<(), worklogs_cli::flatfile::Error>(())
//! ```

mod generate;
mod read;

use std::fmt;
use std::io::{self, BufRead, BufReader, Read, Write};

use worklogs_core::duration::TimeTrackingSettings;
use worklogs_core::export::{self, Cell, ExportOptions, Totals};
use worklogs_core::report::{ReportBuilder, ReportQuery, ReportResult, Resolution};

pub use generate::{generate, generate_with, generate_with_progress, GenerateOptions};
pub use read::{FlatReader, FlatRecord};

/// An error of the flat-file commands: I/O, a malformed file, or a core error.
#[derive(Debug)]
pub enum Error {
    /// Reading or writing failed.
    Io(io::Error),
    /// The CSV is malformed, or a required column is missing.
    Csv {
        /// The 1-based line, when known.
        line: Option<u64>,
        /// What is wrong.
        message: String,
    },
    /// The core rejected a value or a query.
    Core {
        /// The 1-based line of the record, when the error is about one.
        line: Option<u64>,
        /// The core's error.
        error: worklogs_core::Error,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io(e) => write!(f, "i/o error: {e}"),
            Error::Csv {
                line: Some(line),
                message,
            } => write!(f, "line {line}: {message}"),
            Error::Csv {
                line: None,
                message,
            } => f.write_str(message),
            Error::Core {
                line: Some(line),
                error,
            } => write!(f, "line {line}: {error}"),
            Error::Core { line: None, error } => write!(f, "{error}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io(e) => Some(e),
            Error::Core { error, .. } => Some(error),
            Error::Csv { .. } => None,
        }
    }
}

impl From<io::Error> for Error {
    fn from(e: io::Error) -> Self {
        Error::Io(e)
    }
}

impl From<worklogs_core::Error> for Error {
    fn from(error: worklogs_core::Error) -> Self {
        Error::Core { line: None, error }
    }
}

impl From<csv::Error> for Error {
    fn from(e: csv::Error) -> Self {
        let line = e.position().map(|p| p.line());
        match e.into_kind() {
            csv::ErrorKind::Io(e) => Error::Io(e),
            kind => Error::Csv {
                line,
                message: format!("malformed csv: {kind:?}"),
            },
        }
    }
}

/// Output is written to the writer in pieces of about this size.
const FLUSH_AT: usize = 1 << 20;

/// Runs a report over a flat CSV file and writes one row per group (the group keys,
/// `seconds`, `hours` and the query's other measures) in `options.format`. Returns
/// the whole result (subtotals and totals too).
///
/// Memory stays bounded by the number of groups: records are read one at a time.
/// The report has no rates, so a query asking for `cost` fails.
///
/// # Errors
///
/// I/O errors; [`Error::Csv`] for a malformed file or missing required columns;
/// [`Error::Core`] with the line for a bad value (such as an invalid `started_utc`).
///
/// # Example
///
/// See the crate docs. The CLI's `worklogs report --input FILE --group-by
/// person,week --tz ZONE --week-start monday --format csv --out FILE` is
/// [`query_from_flags`] then this function.
pub fn report<R: Read, W: Write>(
    reader: R,
    query: ReportQuery,
    options: &ExportOptions,
    mut writer: W,
) -> Result<ReportResult, Error> {
    let mut builder = ReportBuilder::new(
        query,
        Resolution::default(),
        TimeTrackingSettings::default(),
        None,
    )?;
    let mut records = FlatReader::new(reader)?;
    while let Some(record) = records.next_record()? {
        let line = record.line();
        builder.push(&record).map_err(|error| Error::Core {
            line: Some(line),
            error,
        })?;
    }
    let result = builder.finish()?;
    writer.write_all(&result.render(options)?)?;
    writer.flush()?;
    Ok(result)
}

/// The query the CLI's flags describe: `group_by` as comma-separated names
/// (`person,week`), an IANA zone and a week start (`monday`, `sunday`,
/// `saturday`).
///
/// # Errors
///
/// [`Error::Core`] naming the bad flag value.
///
/// # Example
///
/// ```
/// let query = worklogs_cli::flatfile::query_from_flags("person, week", "Europe/Berlin", "sunday")?;
/// assert_eq!(query.levels().len(), 1);
/// assert!(worklogs_cli::flatfile::query_from_flags("person", "Nowhere/City", "monday").is_err());
/// # Ok::<(), worklogs_cli::flatfile::Error>(())
/// ```
pub fn query_from_flags(
    group_by: &str,
    time_zone: &str,
    week_start: &str,
) -> Result<ReportQuery, Error> {
    let levels: Vec<String> = group_by
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    let json = serde_json::json!({
        "timeZone": time_zone,
        "weekStart": week_start,
        "groupBy": levels,
    });
    Ok(ReportQuery::from_json(&json.to_string())?)
}

/// Converts a flat CSV file into `options.format` with the core's exporters,
/// streaming: each column is typed by its name (the flat schema's kinds; unknown
/// columns are text), and the XLSX gets its totals row. Returns the number of rows.
///
/// # Errors
///
/// As [`report`]; a limit error from the core for XLSX past Excel's row limit.
///
/// # Example
///
/// ```
/// use worklogs_core::export::{ExportFormat, ExportOptions};
/// let mut file = Vec::new();
/// worklogs_cli::flatfile::generate(100, 1, &mut file)?;
/// let mut xlsx = Vec::new();
/// let rows = worklogs_cli::flatfile::export(&file[..], &ExportOptions::new(ExportFormat::Xlsx), &mut xlsx)?;
/// assert_eq!(rows, 100);
/// assert_eq!(&xlsx[..2], b"PK");
/// # Ok::<(), worklogs_cli::flatfile::Error>(())
/// ```
pub fn export<R: Read, W: Write>(
    reader: R,
    options: &ExportOptions,
    mut writer: W,
) -> Result<u64, Error> {
    let mut records = FlatReader::new(reader)?;
    let columns = records.columns();
    let mut exporter = export::exporter(options, columns)?;
    let mut out = Vec::with_capacity(FLUSH_AT * 2);
    let mut encoded = Vec::new();
    exporter.begin(&mut out)?;
    let mut rows = 0_u64;
    let mut lists = Vec::new();
    while let Some(record) = records.next_record()? {
        let line = record.line();
        let at_line = |error| Error::Core {
            line: Some(line),
            error,
        };
        record.list_values(&mut lists);
        let cells: Vec<Cell<'_>> = record.cells(&lists)?;
        encoded.clear();
        exporter.encode_row(&cells, &mut encoded).map_err(at_line)?;
        exporter
            .write_row(&cells, &encoded, &mut out)
            .map_err(at_line)?;
        rows += 1;
        if out.len() >= FLUSH_AT {
            writer.write_all(&out)?;
            out.clear();
        }
    }
    exporter.finish(Totals::Formulas, &mut out)?;
    writer.write_all(&out)?;
    writer.flush()?;
    Ok(rows)
}

/// Reads the first line of a buffered reader without consuming it, to sniff the
/// delimiter: the most frequent of `,`, `;` and tab outside quotes.
fn sniff_delimiter<R: BufRead>(reader: &mut R) -> io::Result<u8> {
    let buffer = reader.fill_buf()?;
    let line = buffer.split(|b| *b == b'\n').next().unwrap_or_default();
    let count = |d: u8| line.iter().filter(|b| **b == d).count();
    let candidates = [
        (b',', count(b',')),
        (b';', count(b';')),
        (b'\t', count(b'\t')),
    ];
    Ok(candidates
        .iter()
        .max_by_key(|(_, n)| *n)
        .map_or(b',', |(d, _)| *d))
}

fn buffered<R: Read>(reader: R) -> BufReader<R> {
    BufReader::with_capacity(1 << 16, reader)
}

#[cfg(test)]
mod tests;
