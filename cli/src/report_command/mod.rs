//! `worklogs report`, `worklogs export` and `worklogs demo-data`: reports and
//! exports from the command line, over the index or over a flat file.
//!
//! - **Over the index** (no `--input`): the component's `report.run` and
//!   `export.run` operations, run through the host as `worklogs call` runs them
//!   (as the app unless `--as ACCOUNT`), with `--format`: the component renders
//!   the file with the core's exporters (`report`: one row per group, the keys
//!   of every level and the measures) and this module writes it; `export` asks
//!   for pieces until the last one. Both write to a temporary file beside
//!   `--out`, renamed at the end, so that a failure leaves no half-written file.
//!   With `--demo`, whose index starts empty, the demo world is imported first.
//! - **Over a flat file** (`--input FILE.csv`, as `demo-data` writes it and the
//!   flat export is): the core's engine and exporters read the file record by
//!   record ([`crate::flatfile`]), so finance can report offline; the benchmarks
//!   use it. No component, Jira or database is involved.
//!
//! The flags describe the core's report query (`wasm/core/src/report/query/`):
//! `--from/--to` or `--period week:2026-11-23` the period, `--group-by` the
//! levels, `--tz` the zone, `--week-start`, `--project` and `--author` filters,
//! or `--query FILE.json` the whole query (flags given beside it override its
//! fields). The core validates the query; an error names the flag and the value.
//!
//! What a report or an export means (periods, permissions, rounding) is the
//! core's business: this module only maps flags to JSON, repeats, shows progress
//! and writes files.
//!
//! The files: the flags and the output formats, why a command fails, and the
//! export options (here); the query flags as the core's query JSON (`query.rs`);
//! output files and progress bars (`output.rs`); the commands over a flat file,
//! `demo-data` included (`flat.rs`); and the commands over the index, through the
//! host's operations (`index.rs`).

mod flat;
mod index;
mod output;
mod query;
#[cfg(test)]
mod tests;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use serde_json::{json, Map, Value};
use worklogs_core::export::csv::CsvOptions;
use worklogs_core::export::{ExportFormat, ExportOptions};
use worklogs_host::protocol::TaskError;

pub use flat::{demo_data, export_file, report_file};
pub use index::{export_index, report_index, sync_demo, Operations};
pub use output::Output;
pub use query::QueryFlags;

/// The most jobs `export --jobs` runs side by side.
pub const MAX_JOBS: u64 = 8;

/// An output format of `report` and `export`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// RFC 4180 CSV, UTF-8.
    Csv,
    /// A JSON array of objects.
    Json,
    /// Newline-delimited JSON, one object per line.
    Ndjson,
    /// An Excel workbook.
    Xlsx,
}

impl Format {
    fn export_format(self) -> ExportFormat {
        match self {
            Format::Csv => ExportFormat::Csv,
            Format::Json => ExportFormat::Json,
            Format::Ndjson => ExportFormat::Ndjson,
            Format::Xlsx => ExportFormat::Xlsx,
        }
    }
}

/// The flags of `worklogs report` besides where the data comes from.
#[derive(Args, Debug, Clone)]
pub struct ReportFlags {
    #[command(flatten)]
    pub query: QueryFlags,
    /// Report over this flat CSV file (as `demo-data` and the flat export write
    /// it) instead of the index.
    #[arg(long, value_name = "FILE.csv", group = "site")]
    pub input: Option<PathBuf>,
    /// The output format.
    #[arg(long, value_enum, default_value_t = Format::Csv)]
    pub format: Format,
    /// The output file (default: standard output).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Over the index: the acting user, an account id or a demo alias (default:
    /// the app, with no acting user).
    #[arg(long = "as", value_name = "ACCOUNT", conflicts_with = "input")]
    pub account: Option<String>,
}

/// The flags of `worklogs export` besides where the data comes from.
#[derive(Args, Debug, Clone)]
pub struct ExportFlags {
    #[command(flatten)]
    pub query: QueryFlags,
    /// Convert this flat CSV file instead of exporting from the index (the
    /// query flags do not apply).
    #[arg(long, value_name = "FILE.csv", group = "site")]
    pub input: Option<PathBuf>,
    /// The output format.
    #[arg(long, value_enum, default_value_t = Format::Csv)]
    pub format: Format,
    /// The output file, written whole or not at all.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// CSV: the delimiter, `,`, `;` or `tab`.
    #[arg(long, value_name = "CHAR")]
    pub delimiter: Option<String>,
    /// CSV: the decimal separator, `.` or `,` (a comma needs another delimiter).
    #[arg(long, value_name = "CHAR")]
    pub decimal_separator: Option<String>,
    /// CSV: start with a UTF-8 byte order mark (for Excel).
    #[arg(long)]
    pub bom: bool,
    /// Over the index: the acting user, an account id or a demo alias (default:
    /// the app, with no acting user).
    #[arg(long = "as", value_name = "ACCOUNT", conflicts_with = "input")]
    pub account: Option<String>,
    /// Over the index: how many parts of the export are fetched side by
    /// side, 1 to 8 (default: the machine's cores, at most 8). CSV only; the
    /// file is the same.
    #[arg(long, value_name = "N", conflicts_with = "input",
          value_parser = clap::value_parser!(u64).range(1..=MAX_JOBS))]
    pub jobs: Option<u64>,
}

/// The flags of `worklogs demo-data`.
#[derive(Args, Debug, Clone)]
pub struct DemoDataFlags {
    /// How many worklogs to write.
    #[arg(long, value_name = "N")]
    pub worklogs: u64,
    /// The random seed: the same seed writes the same bytes.
    #[arg(long, value_name = "S", default_value_t = 42)]
    pub seed: u64,
    /// The year the worklogs fall in.
    #[arg(long, value_name = "YEAR", default_value_t = 2025)]
    pub year: i32,
    /// The output file (flat CSV export; see docs/export-schema.md).
    #[arg(long, value_name = "FILE.csv")]
    pub out: PathBuf,
}

/// Why a command failed: the command line (exit code 2) or the work (exit code 1).
#[derive(Debug)]
pub enum Failure {
    /// A flag's value is wrong.
    Usage(String),
    /// The operation answered an error.
    Operation(TaskError),
    /// Reading, writing or a flat file failed.
    Other(String),
}

impl Failure {
    /// Prints the failure on stderr and returns the exit code.
    pub fn report(&self) -> ExitCode {
        match self {
            Failure::Usage(message) => {
                eprintln!("worklogs: {message}");
                ExitCode::from(2)
            }
            Failure::Operation(err) => {
                let error = json!({ "error": { "code": err.code.name(), "message": err.message } });
                eprintln!("{error:#}");
                ExitCode::from(1)
            }
            Failure::Other(message) => {
                eprintln!("worklogs: {message}");
                ExitCode::from(1)
            }
        }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Usage(m) | Failure::Other(m) => f.write_str(m),
            Failure::Operation(err) => write!(f, "{err}"),
        }
    }
}

/// The CSV options of `export`'s flags, as the operation's `options` object
/// (none when every flag is at its default).
fn export_options_json(flags: &ExportFlags) -> Option<Value> {
    let mut options = Map::new();
    if let Some(delimiter) = &flags.delimiter {
        options.insert("delimiter".into(), json!(delimiter));
    }
    if let Some(separator) = &flags.decimal_separator {
        options.insert("decimalSeparator".into(), json!(separator));
    }
    if flags.bom {
        options.insert("bom".into(), json!(true));
    }
    (!options.is_empty()).then_some(Value::Object(options))
}

/// The core's export options for `format` and `export`'s CSV flags.
fn export_options(format: Format, csv: Option<&Value>) -> Result<ExportOptions, Failure> {
    let mut options = ExportOptions::new(format.export_format());
    if let Some(csv) = csv {
        options.csv = serde_json::from_value::<CsvOptions>(csv.clone()).map_err(|err| {
            let message = err.to_string();
            let flag = if message.contains("decimal") {
                "--decimal-separator"
            } else {
                "--delimiter"
            };
            Failure::Usage(format!("{flag}: {message}"))
        })?;
    }
    Ok(options)
}
