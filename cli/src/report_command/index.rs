//! The commands over the index: `report` and `export` run the component's
//! `report.run` and `export.run` through the host ([`Operations`]), piece by
//! piece, into a file written whole or not at all; with the demo, the demo world
//! is imported first ([`sync_demo`]).

use std::future::Future;
use std::io::Write;

use base64::Engine as _;
use indicatif::ProgressBar;
use serde_json::{json, Value};

use super::output::{progress_bar, Output, DAYS_BAR, ROWS_BAR};
use super::{export_options, export_options_json, ExportFlags, Failure, ReportFlags};
use worklogs_host::protocol::{EntryPoint, TaskError};

/// The most pieces one `export` asks for (a million rows take a few hundred).
const MAX_PIECES: u64 = 1_000_000;

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

/// `worklogs report` over the index: runs `report.run` with `--format`, so
/// that the component renders one row per group with the core's exporters,
/// and writes the file it answers. A report too large for one invocation
/// answers `more` with its progress (days of the period read) and a
/// continuation until it is finished: the bar shows the days. Returns the
/// number of rows.
///
/// # Errors
///
/// [`Failure::Operation`] when the operation answers an error; as
/// [`report_file`](super::report_file) otherwise.
pub async fn report_index<O: Operations>(ops: &O, flags: &ReportFlags) -> Result<usize, Failure> {
    let mut input = flags.query.to_json(&|who| ops.account_id(who))?;
    input["format"] = json!(flags.format.export_format().extension());
    let out = Output::create(flags.out.as_deref())?;
    let bar = progress_bar(None, DAYS_BAR);
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
/// the last. An answer with `more` and no piece (`report.run` still reading)
/// moves the bar to its `progress` and goes on with its continuation. Returns
/// the rows the last answer counts. `target` names `out` in errors.
async fn fetch<O: Operations>(
    ops: &O,
    call: &Call<'_>,
    mut input: Value,
    out: Output,
    bar: &ProgressBar,
    target: &str,
) -> Result<u64, Failure> {
    let operation = call.operation;
    let mut rows = 0_u64;
    let mut out = Writer::Idle(out);
    for piece in 1..=MAX_PIECES {
        let answer = ops
            .run(call.who, call.time_zone, operation, &input.to_string())
            .await
            .map_err(Failure::Operation)?;
        let mut answer: Value = serde_json::from_str(&answer).map_err(|err| {
            Failure::Other(format!(
                "{operation} answered invalid JSON (piece {piece}): {err}"
            ))
        })?;
        let reading = answer["more"].as_bool() == Some(true) && answer.get("piece").is_none();
        // `report.run` says how many days of the period it has read.
        let progress = &answer["progress"];
        let days = progress["done"].as_u64().zip(progress["total"].as_u64());
        if let Some((done, total)) = days {
            bar.set_length(total.max(done));
            bar.set_position(done);
        }
        if let Some(label) = progress["label"].as_str() {
            bar.set_message(label.to_owned());
        }
        let text = match answer.get_mut("piece").map(Value::take) {
            Some(Value::String(text)) => text,
            None if reading => String::new(),
            _ => {
                return Err(Failure::Other(format!(
                    "{operation} answered no base64 piece (piece {piece})"
                )))
            }
        };
        let mut idle = out.idle().await?;
        let (name, target) = (operation.to_owned(), target.to_owned());
        out = Writer::Busy(tokio::task::spawn_blocking(move || {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(text)
                .map_err(|_| {
                    Failure::Other(format!("{name} answered no base64 piece (piece {piece})"))
                })?;
            idle.write_all(&bytes)
                .map_err(|err| Failure::Other(format!("cannot write {target}: {err}")))?;
            Ok(idle)
        }));
        // `rows` counts every row written so far, this piece's included.
        rows = answer["rows"].as_u64().unwrap_or(rows);
        if let Some(total) = answer["totalRows"].as_u64() {
            bar.set_length(total.max(rows));
        }
        if days.is_none() {
            bar.set_position(rows);
        }
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
                out.idle().await?.commit()?;
                return Ok(rows);
            }
        }
    }
    Err(Failure::Other(format!(
        "{operation} did not finish in {MAX_PIECES} pieces"
    )))
}

/// The output of [`fetch`]: each piece is decoded and written on a thread of
/// its own while the next one is asked for, one piece at a time and in order.
enum Writer {
    Idle(Output),
    Busy(tokio::task::JoinHandle<Result<Output, Failure>>),
}

impl Writer {
    /// The output once the piece before is written.
    async fn idle(self) -> Result<Output, Failure> {
        match self {
            Writer::Idle(out) => Ok(out),
            Writer::Busy(task) => task
                .await
                .map_err(|err| Failure::Other(format!("the writer stopped: {err}")))?,
        }
    }
}
