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
//! The flags describe the core's report query (`wasm/core/src/report/query.rs`):
//! `--from/--to` or `--period week:2026-11-23` the period, `--group-by` the
//! levels, `--tz` the zone, `--week-start`, `--project` and `--author` filters,
//! or `--query FILE.json` the whole query (flags given beside it override its
//! fields). The core validates the query; an error names the flag and the value.
//!
//! What a report or an export means (periods, permissions, rounding) is the
//! core's business: this module only maps flags to JSON, repeats, shows progress
//! and writes files.

use std::fs::File;
use std::future::Future;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use base64::Engine as _;
use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::{json, Map, Value};
use worklogs_core::export::csv::CsvOptions;
use worklogs_core::export::{ExportFormat, ExportOptions};
use worklogs_core::report::ReportQuery;

use crate::flatfile::{self, GenerateOptions};
use worklogs_host::protocol::{EntryPoint, TaskError};

/// The most pieces one `export` asks for (a million rows take a few hundred).
const MAX_PIECES: u64 = 1_000_000;

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

/// The flags that describe a report query.
#[derive(Args, Debug, Clone, Default, PartialEq, Eq)]
pub struct QueryFlags {
    /// The whole report query as a JSON file (docs/operations.md); the other
    /// query flags override its fields.
    #[arg(long, value_name = "FILE.json")]
    pub query: Option<PathBuf>,
    /// The first local date of the period (yyyy-MM-dd), with --to.
    #[arg(long, value_name = "DATE", requires = "to", conflicts_with = "period")]
    pub from: Option<String>,
    /// The last local date of the period (yyyy-MM-dd), with --from.
    #[arg(long, value_name = "DATE", requires = "from")]
    pub to: Option<String>,
    /// The period as day:DATE, week:DATE or month:DATE (the one holding DATE),
    /// such as week:2026-11-23.
    #[arg(long, value_name = "KIND:DATE")]
    pub period: Option<String>,
    /// The grouping levels, outermost first: person, project, parent, issue,
    /// component, label, status, attribute:KEY, and a time axis day, week or month
    /// [default: person,week, unless --query gives groupBy].
    #[arg(long, value_name = "LEVELS")]
    pub group_by: Option<String>,
    /// The IANA time zone whose local dates the report uses (over the index:
    /// also the acting user's zone; default there: the context's zone).
    #[arg(long = "tz", value_name = "ZONE")]
    pub time_zone: Option<String>,
    /// The first day of weeks: monday, sunday or saturday.
    #[arg(long, value_name = "DAY")]
    pub week_start: Option<String>,
    /// Only these projects (keys; repeat or separate with commas).
    #[arg(long, value_name = "KEY", value_delimiter = ',')]
    pub project: Vec<String>,
    /// Only these authors (account ids, or demo aliases over the demo index;
    /// repeat or separate with commas).
    #[arg(long, value_name = "ACCOUNT", value_delimiter = ',')]
    pub author: Vec<String>,
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

/// What `report` and `export` need from a host: run an operation. The local
/// host ([`worklogs_host::App`]) implements it; tests use a fake.
pub trait Operations {
    /// Runs `operation` with the JSON `input` for the acting user `who` (none:
    /// the app) in `time_zone` (none: the default).
    fn run(
        &self,
        who: Option<&str>,
        time_zone: Option<&str>,
        operation: &str,
        input: &str,
    ) -> impl Future<Output = Result<String, TaskError>>;

    /// The account id for an `--author` value (a demo alias or an account id).
    fn account_id(&self, who: &str) -> String {
        who.to_owned()
    }
}

impl Operations for worklogs_host::App {
    async fn run(
        &self,
        who: Option<&str>,
        time_zone: Option<&str>,
        operation: &str,
        input: &str,
    ) -> Result<String, TaskError> {
        self.call(EntryPoint::Operator, who, time_zone, None, operation, input)
            .await
    }

    fn account_id(&self, who: &str) -> String {
        self.demo()
            .map_or_else(|| who.to_owned(), |demo| demo.account_id(who))
    }
}

/// With the in-process demo, whose index starts empty on every start: imports
/// the demo world first (`sync.full`, as `worklogs sync --full` does), so that
/// `report --demo` and `export --demo` have something to read.
///
/// # Errors
///
/// [`Failure::Operation`] when the sync answers an error.
pub async fn sync_demo(app: &worklogs_host::App) -> Result<(), Failure> {
    if app.demo().is_none() {
        return Ok(());
    }
    let bar = progress_bar(
        None,
        "{spinner} [{elapsed_precise}] importing the demo world {msg}",
    );
    worklogs_host::sync::run_slices(app.host(), "sync.full", "{}", 1000, |slice| {
        if let Some(progress) = &slice.progress {
            bar.set_message(format!("{}/{}", progress.done, progress.total));
        }
    })
    .await
    .map_err(Failure::Operation)?;
    bar.finish_and_clear();
    Ok(())
}

impl QueryFlags {
    /// The query as JSON: the `--query` file's object, then each flag given.
    /// `accounts` maps `--author` values to account ids.
    ///
    /// # Errors
    ///
    /// [`Failure::Usage`] naming the flag and the value.
    pub fn to_json(&self, accounts: &dyn Fn(&str) -> String) -> Result<Value, Failure> {
        let mut query = match &self.query {
            None => Map::new(),
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|err| {
                    Failure::Usage(format!("cannot read --query {}: {err}", path.display()))
                })?;
                match serde_json::from_str::<Value>(&text) {
                    Ok(Value::Object(map)) => map,
                    Ok(_) => {
                        return Err(Failure::Usage(format!(
                            "invalid --query {}: expected a JSON object",
                            path.display()
                        )))
                    }
                    Err(err) => {
                        return Err(Failure::Usage(format!(
                            "invalid --query {}: {err}",
                            path.display()
                        )))
                    }
                }
            }
        };
        if let (Some(from), Some(to)) = (&self.from, &self.to) {
            query.insert("period".into(), json!({ "from": from, "to": to }));
        }
        if let Some(period) = &self.period {
            query.insert("period".into(), parse_period(period)?);
        }
        match &self.group_by {
            Some(group_by) => {
                let levels: Vec<&str> = group_by
                    .split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .collect();
                query.insert("groupBy".into(), json!(levels));
            }
            None => {
                query
                    .entry("groupBy")
                    .or_insert_with(|| json!(["person", "week"]));
            }
        }
        if let Some(zone) = &self.time_zone {
            query.insert("timeZone".into(), json!(zone));
        }
        if let Some(week_start) = &self.week_start {
            query.insert("weekStart".into(), json!(week_start));
        }
        if !self.project.is_empty() || !self.author.is_empty() {
            let filter = query
                .entry("filter")
                .or_insert_with(|| json!({}))
                .as_object_mut()
                .ok_or_else(|| Failure::Usage("invalid --query: filter is not an object".into()))?;
            if !self.project.is_empty() {
                filter.insert("projects".into(), json!(self.project));
            }
            if !self.author.is_empty() {
                let people: Vec<String> = self.author.iter().map(|a| accounts(a)).collect();
                filter.insert("people".into(), json!(people));
            }
        }
        Ok(Value::Object(query))
    }

    /// The flag that sets the query field `field` (a JSON path such as
    /// `groupBy[1]`), for error messages.
    fn flag_of(&self, field: &str) -> &'static str {
        let root = field.split(['.', '[']).next().unwrap_or_default();
        match root {
            "timeZone" if self.time_zone.is_some() => "--tz",
            "weekStart" if self.week_start.is_some() => "--week-start",
            "groupBy" if self.group_by.is_some() || self.query.is_none() => "--group-by",
            "period" if self.period.is_some() => "--period",
            "period" if self.from.is_some() => "--from/--to",
            "filter" if field.starts_with("filter.projects") && !self.project.is_empty() => {
                "--project"
            }
            "filter" if field.starts_with("filter.people") && !self.author.is_empty() => "--author",
            _ if self.query.is_some() => "--query",
            "timeZone" => "--tz",
            _ => "the query",
        }
    }
}

/// `day:2026-03-25`, `week:…` or `month:…` as the query's period object.
fn parse_period(text: &str) -> Result<Value, Failure> {
    match text.split_once(':') {
        Some((kind @ ("day" | "week" | "month"), date)) if !date.trim().is_empty() => {
            Ok(json!({ kind: date.trim() }))
        }
        _ => Err(Failure::Usage(format!(
            "invalid --period {text:?}: expected day:DATE, week:DATE or month:DATE (such as week:2026-11-23)"
        ))),
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

// ---------------------------------------------------------------------------------
// Output files and progress

/// Where a command writes: standard output, or a temporary file beside the
/// target that [`Output::commit`] renames into place (dropped uncommitted, it
/// is removed).
pub struct Output {
    file: Option<(BufWriter<tempfile::NamedTempFile>, PathBuf)>,
}

impl Output {
    /// Standard output for `None`, else a temporary file in `path`'s directory.
    ///
    /// # Errors
    ///
    /// When the directory cannot take a file.
    pub fn create(path: Option<&Path>) -> Result<Output, Failure> {
        let Some(path) = path else {
            return Ok(Output { file: None });
        };
        let dir = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        let mut builder = tempfile::Builder::new();
        builder.prefix(".worklogs-").suffix(".part");
        // An ordinary file once renamed (tempfile's default is owner-only).
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
        let temp = builder
            .tempfile_in(dir)
            .map_err(|err| Failure::Other(format!("cannot write in {}: {err}", dir.display())))?;
        Ok(Output {
            file: Some((BufWriter::with_capacity(1 << 20, temp), path.to_path_buf())),
        })
    }

    /// Moves the finished file to its path (flushes standard output).
    ///
    /// # Errors
    ///
    /// When writing or renaming fails.
    pub fn commit(self) -> Result<(), Failure> {
        match self.file {
            None => io::stdout()
                .flush()
                .map_err(|err| Failure::Other(format!("cannot write to standard output: {err}"))),
            Some((writer, path)) => {
                let temp = writer.into_inner().map_err(|err| {
                    Failure::Other(format!("cannot write {}: {}", path.display(), err.error()))
                })?;
                temp.persist(&path).map_err(|err| {
                    Failure::Other(format!("cannot write {}: {}", path.display(), err.error))
                })?;
                Ok(())
            }
        }
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.file {
            Some((writer, _)) => writer.write(buf),
            None => io::stdout().write(buf),
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match &mut self.file {
            Some((writer, _)) => writer.write_all(buf),
            None => io::stdout().write_all(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.file {
            Some((writer, _)) => writer.flush(),
            None => io::stdout().flush(),
        }
    }
}

/// A progress bar on stderr, drawn only when stderr is a terminal.
fn progress_bar(len: Option<u64>, template: &str) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(len, ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

const BYTES_BAR: &str =
    "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} ({bytes_per_sec}, {eta}) {msg}";
const ROWS_BAR: &str = "{spinner} [{elapsed_precise}] {wide_bar} {human_pos}/{human_len} {msg}";

/// Opens a flat file for reading, counting its bytes on `bar`.
fn open_input(path: &Path, bar: &ProgressBar) -> Result<impl Read, Failure> {
    let file = File::open(path)
        .map_err(|err| Failure::Usage(format!("cannot read --input {}: {err}", path.display())))?;
    if let Ok(meta) = file.metadata() {
        bar.set_length(meta.len());
    }
    Ok(BufReader::with_capacity(1 << 20, bar.wrap_read(file)))
}

fn flat_error(path: &Path, err: &flatfile::Error) -> Failure {
    Failure::Other(format!("{}: {err}", path.display()))
}

// ---------------------------------------------------------------------------------
// demo-data and the flat-file commands

/// `worklogs demo-data`: writes a generated flat export.
///
/// # Errors
///
/// When the file cannot be written.
pub fn demo_data(flags: &DemoDataFlags) -> Result<(), Failure> {
    let options = GenerateOptions {
        year: flags.year,
        ..GenerateOptions::new(flags.worklogs, flags.seed)
    };
    let mut out = Output::create(Some(&flags.out))?;
    let bar = progress_bar(Some(flags.worklogs), ROWS_BAR);
    bar.set_message("worklogs");
    flatfile::generate_with_progress(&options, &mut out, |n| bar.set_position(n))
        .map_err(|err| Failure::Other(format!("cannot write {}: {err}", flags.out.display())))?;
    bar.finish_and_clear();
    out.commit()
}

/// `worklogs report --input FILE`: the core's engine over a flat file.
/// Returns the number of worklogs and of groups.
///
/// # Errors
///
/// [`Failure::Usage`] for a flag; [`Failure::Other`] for a bad file (with the
/// line) or a write error.
pub fn report_file(input: &Path, flags: &ReportFlags) -> Result<(u64, usize), Failure> {
    let mut json = flags.query.to_json(&str::to_owned)?;
    // Offline, there is no context zone: UTC unless the flags or the file say.
    json.as_object_mut()
        .map(|q| q.entry("timeZone").or_insert_with(|| json!("UTC")));
    let query = ReportQuery::from_json(&json.to_string()).map_err(|err| {
        let flag = err.field().map_or("the query", |f| flags.query.flag_of(f));
        Failure::Usage(format!("{flag}: {err}"))
    })?;
    let options = ExportOptions::new(flags.format.export_format());
    let bar = progress_bar(None, BYTES_BAR);
    let reader = open_input(input, &bar)?;
    let mut out = Output::create(flags.out.as_deref())?;
    let result = flatfile::report(reader, query, &options, &mut out)
        .map_err(|err| flat_error(input, &err))?;
    bar.finish_and_clear();
    out.commit()?;
    Ok((result.worklogs, result.rows.len()))
}

/// `worklogs export --input FILE`: converts a flat file with the core's
/// exporters. Returns the number of rows.
///
/// # Errors
///
/// As [`report_file`].
pub fn export_file(input: &Path, flags: &ExportFlags) -> Result<u64, Failure> {
    if flags.query != QueryFlags::default() {
        return Err(Failure::Usage(
            "the query flags do not apply to export --input, which converts every row of the file (use report --input to group and filter)".into(),
        ));
    }
    let options = export_options(flags.format, export_options_json(flags).as_ref())?;
    let bar = progress_bar(None, BYTES_BAR);
    let reader = open_input(input, &bar)?;
    let mut out = Output::create(Some(&flags.out))?;
    let rows =
        flatfile::export(reader, &options, &mut out).map_err(|err| flat_error(input, &err))?;
    bar.finish_and_clear();
    out.commit()?;
    Ok(rows)
}

// ---------------------------------------------------------------------------------
// Over the index

/// `worklogs report` over the index: runs `report.run` with `--format`, so
/// that the component renders one row per group with the core's exporters,
/// and writes the file it answers. Returns the number of rows.
///
/// # Errors
///
/// [`Failure::Operation`] when the operation answers an error; as
/// [`report_file`] otherwise.
pub async fn report_index<O: Operations>(ops: &O, flags: &ReportFlags) -> Result<usize, Failure> {
    let mut input = flags.query.to_json(&|who| ops.account_id(who))?;
    input["format"] = json!(flags.format.export_format().extension());
    let out = Output::create(flags.out.as_deref())?;
    let bar = progress_bar(None, "{spinner} [{elapsed_precise}] {msg}");
    bar.set_message("report.run");
    let call = Call {
        who: flags.account.as_deref(),
        time_zone: flags.query.time_zone.as_deref(),
        operation: "report.run",
    };
    let rows = fetch(ops, &call, input, out, &bar, "the report").await?;
    Ok(usize::try_from(rows).unwrap_or(usize::MAX))
}

/// `worklogs export` over the index: runs `export.run` piece by piece into a
/// temporary file beside `--out`, renamed when the last piece is in. Returns
/// the number of rows.
///
/// # Errors
///
/// [`Failure::Operation`] when a piece answers an error (the temporary file is
/// removed); [`Failure::Other`] for an unexpected answer or a write error.
pub async fn export_index<O: Operations>(ops: &O, flags: &ExportFlags) -> Result<u64, Failure> {
    let query = flags.query.to_json(&|who| ops.account_id(who))?;
    let csv = export_options_json(flags);
    // Validate the CSV flags here too, so that a bad one is a usage error.
    export_options(flags.format, csv.as_ref())?;
    let mut input = json!({
        "query": query,
        "format": flags.format.export_format().extension(),
    });
    if let Some(csv) = csv {
        input["options"] = csv;
    }
    let out = Output::create(Some(&flags.out))?;
    let bar = progress_bar(None, ROWS_BAR);
    bar.set_message("rows");
    let call = Call {
        who: flags.account.as_deref(),
        time_zone: flags.query.time_zone.as_deref(),
        operation: "export.run",
    };
    let written = flags.out.display().to_string();
    fetch(ops, &call, input, out, &bar, &written).await
}

/// An operation that answers a file, and as whom it runs.
struct Call<'a> {
    who: Option<&'a str>,
    time_zone: Option<&'a str>,
    operation: &'a str,
}

/// Runs `call` with `input` and writes the file it answers to `out`, piece by
/// piece while an answer has a `continuation` (the convention of `export.run`,
/// whose last piece `report.run` answers with `format`); commits `out` after
/// the last. Returns the rows the last answer counts. `target` names `out` in
/// errors.
async fn fetch<O: Operations>(
    ops: &O,
    call: &Call<'_>,
    mut input: Value,
    mut out: Output,
    bar: &ProgressBar,
    target: &str,
) -> Result<u64, Failure> {
    let operation = call.operation;
    let mut rows = 0_u64;
    for piece in 1..=MAX_PIECES {
        let answer = ops
            .run(call.who, call.time_zone, operation, &input.to_string())
            .await
            .map_err(Failure::Operation)?;
        let answer: Value = serde_json::from_str(&answer).map_err(|err| {
            Failure::Other(format!(
                "{operation} answered invalid JSON (piece {piece}): {err}"
            ))
        })?;
        let bytes = answer["piece"]
            .as_str()
            .and_then(|p| base64::engine::general_purpose::STANDARD.decode(p).ok())
            .ok_or_else(|| {
                Failure::Other(format!(
                    "{operation} answered no base64 piece (piece {piece})"
                ))
            })?;
        out.write_all(&bytes)
            .map_err(|err| Failure::Other(format!("cannot write {target}: {err}")))?;
        // `rows` counts every row written so far, this piece's included.
        rows = answer["rows"].as_u64().unwrap_or(rows);
        if let Some(total) = answer["totalRows"].as_u64() {
            bar.set_length(total.max(rows));
        }
        bar.set_position(rows);
        match answer.get("continuation") {
            Some(next) if !next.is_null() => {
                if input.get("continuation") == Some(next) {
                    return Err(Failure::Other(format!(
                        "{operation} answered the same continuation twice (piece {piece})"
                    )));
                }
                input["continuation"] = next.clone();
            }
            _ => {
                bar.finish_and_clear();
                out.commit()?;
                return Ok(rows);
            }
        }
    }
    Err(Failure::Other(format!(
        "{operation} did not finish in {MAX_PIECES} pieces"
    )))
}

#[cfg(test)]
mod tests;
