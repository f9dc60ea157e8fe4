//! The commands over the index: `report` and `export` run the component's
//! `report.run` and `export.run` through the host ([`Operations`]), piece by
//! piece, into a file written whole or not at all; with the demo, the demo world
//! is imported first ([`sync_demo`]).

use std::future::Future;
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use base64::Engine as _;
use indicatif::ProgressBar;
use serde_json::{json, Value};

use super::output::{progress_bar, Output, DAYS_BAR, ROWS_BAR};
use super::{export_options, export_options_json, ExportFlags, Failure, ReportFlags, MAX_JOBS};
use worklogs_host::protocol::{EntryPoint, TaskError};

/// The most pieces one `export` asks for (a million rows take a few hundred).
const MAX_PIECES: u64 = 1_000_000;
/// The parts an export is cut into per job (see [`export_index`]): with at
/// most [`MAX_JOBS`] jobs, at most 64, the most `export.run` takes.
const PARTS_PER_JOB: u64 = 8;

/// What `report` and `export` need from a host: run an operation, from
/// several threads at once (an export's parts). The local host
/// ([`worklogs_host::App`]) implements it; tests use a fake.
pub trait Operations: Send + Sync {
    /// Runs `operation` with the JSON `input` for the acting user `who` (none:
    /// the app) in `time_zone` (none: the default).
    fn run(
        &self,
        who: Option<&str>,
        time_zone: Option<&str>,
        operation: &str,
        input: &str,
    ) -> impl Future<Output = Result<String, TaskError>> + Send;

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
        who: flags.account.clone(),
        time_zone: flags.query.time_zone.clone(),
        operation: "report.run",
    };
    let (rows, out) = fetch(ops, &call, input, None, out, &bar, "the report").await?;
    bar.finish_and_clear();
    out.commit()?;
    Ok(usize::try_from(rows).unwrap_or(usize::MAX))
}

/// `worklogs export` over the index: runs `export.run` piece by piece into a
/// temporary file beside `--out`, renamed when the last piece is in. Returns
/// the number of rows.
///
/// With several jobs (`--jobs`, by default one per core) it asks for the
/// export in parts, eight per job: when the component cuts it (CSV over a
/// period of days), the jobs fetch the parts' pieces side by side, each part
/// into a temporary file of its own, and the parts are appended in order,
/// which the component guarantees is the file of a single run. Parts are
/// equal spans of time, not of rows, so there are more of them than jobs: a
/// job whose part was quick takes the next.
///
/// # Errors
///
/// [`Failure::Operation`] when a piece answers an error (the temporary files
/// are removed; the other parts stop); [`Failure::Other`] for an unexpected
/// answer or a write error.
pub async fn export_index<O: Operations + 'static>(
    ops: Arc<O>,
    flags: &ExportFlags,
) -> Result<u64, Failure> {
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
    let jobs = flags.jobs.unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map_or(1, |n| n.get() as u64)
            .min(MAX_JOBS)
    });
    let out = Output::create(Some(&flags.out))?;
    let bar = progress_bar(None, ROWS_BAR);
    bar.set_message("rows");
    let call = Arc::new(Call {
        who: flags.account.clone(),
        time_zone: flags.query.time_zone.clone(),
        operation: "export.run",
    });
    let written = flags.out.display().to_string();
    let mut first = input.clone();
    if jobs > 1 {
        // Parts several times as many as the jobs, so that a job that ends
        // early (a span with few worklogs) takes another part.
        first["parts"] = json!(jobs * PARTS_PER_JOB);
    }
    let answer = call.answer(&*ops, &first, 1).await?;
    let (rows, out) = match answer.get("parts").and_then(Value::as_array).cloned() {
        None => fetch(&*ops, &call, input, Some(answer), out, &bar, &written).await?,
        Some(starts) => {
            let parts = Arc::new(Parts {
                call,
                input,
                path: flags.out.clone(),
                target: written,
                starts,
                next: AtomicUsize::new(0),
            });
            parts.fetch_all(&ops, jobs, out, &bar).await?
        }
    };
    bar.finish_and_clear();
    out.commit()?;
    Ok(rows)
}

/// An export's parts: what they share, and the next one no job has taken.
struct Parts {
    call: Arc<Call>,
    input: Value,
    path: std::path::PathBuf,
    target: String,
    /// Each part's first continuation, in the file's order.
    starts: Vec<Value>,
    next: AtomicUsize,
}

impl Parts {
    /// Fetches the parts, `jobs` at a time, each into a file of its own
    /// beside `out`, and appends each to `out` as soon as the parts before it
    /// are in. Returns the rows and `out`.
    async fn fetch_all<O: Operations + 'static>(
        self: Arc<Self>,
        ops: &Arc<O>,
        jobs: u64,
        mut out: Output,
        bar: &ProgressBar,
    ) -> Result<(u64, Output), Failure> {
        let count = u64::try_from(self.starts.len()).unwrap_or(u64::MAX);
        let (done, mut finished) = tokio::sync::mpsc::unbounded_channel();
        // Each job takes the next part not yet taken, until none is left.
        let mut workers = tokio::task::JoinSet::new();
        for _ in 0..jobs.clamp(1, count.max(1)) {
            let (ops, parts, bar, done) = (
                Arc::clone(ops),
                Arc::clone(&self),
                bar.clone(),
                done.clone(),
            );
            workers.spawn(async move {
                loop {
                    let k = parts.next.fetch_add(1, Ordering::Relaxed);
                    let Some(start) = parts.starts.get(k) else {
                        break;
                    };
                    let mut input = parts.input.clone();
                    input["continuation"] = start.clone();
                    let fetched = match Output::spool(&parts.path) {
                        Ok(spool) => {
                            fetch(&*ops, &parts.call, input, None, spool, &bar, &parts.target).await
                        }
                        Err(failure) => Err(failure),
                    };
                    let failed = fetched.is_err();
                    if done.send((k, fetched)).is_err() || failed {
                        break;
                    }
                }
            });
        }
        drop(done);
        let mut waiting: std::collections::BTreeMap<usize, (u64, Output)> =
            std::collections::BTreeMap::new();
        let (mut rows, mut appended) = (0_u64, 0_usize);
        // The first failure ends the export: the workers are aborted when
        // `workers` is dropped, the parts' files removed.
        while let Some((k, fetched)) = finished.recv().await {
            waiting.insert(k, fetched?);
            while let Some((part_rows, part)) = waiting.remove(&appended) {
                rows = rows.saturating_add(part_rows);
                out.append(part)?;
                appended += 1;
            }
        }
        // Every part was sent and appended unless a job stopped (panicked).
        while let Some(joined) = workers.join_next().await {
            joined.map_err(|err| Failure::Other(format!("an export part stopped: {err}")))?;
        }
        Ok((rows, out))
    }
}

/// An operation that answers a file, and as whom it runs.
struct Call {
    who: Option<String>,
    time_zone: Option<String>,
    operation: &'static str,
}

impl Call {
    /// Runs the operation with `input`: its answer as JSON (`piece` counts
    /// the calls, for errors).
    async fn answer<O: Operations>(
        &self,
        ops: &O,
        input: &Value,
        piece: u64,
    ) -> Result<Value, Failure> {
        let operation = self.operation;
        let answer = ops
            .run(
                self.who.as_deref(),
                self.time_zone.as_deref(),
                operation,
                &input.to_string(),
            )
            .await
            .map_err(Failure::Operation)?;
        serde_json::from_str(&answer).map_err(|err| {
            Failure::Other(format!(
                "{operation} answered invalid JSON (piece {piece}): {err}"
            ))
        })
    }
}

/// Runs `call` with `input` and writes the file it answers to `out`, piece by
/// piece while an answer has a `continuation` (the convention of `export.run`,
/// whose last piece `report.run` answers with `format`), starting with
/// `first` when the first answer is in already. An answer with `more` and no
/// piece (`report.run` still reading) moves the bar to its `progress` and goes
/// on with its continuation; the bar counts the rows of every piece (it may
/// be shared by parts). Returns the rows the last answer counts and `out`,
/// written, to commit. `target` names `out` in errors.
async fn fetch<O: Operations>(
    ops: &O,
    call: &Call,
    mut input: Value,
    mut first: Option<Value>,
    out: Output,
    bar: &ProgressBar,
    target: &str,
) -> Result<(u64, Output), Failure> {
    let operation = call.operation;
    let mut rows = 0_u64;
    let mut out = Writer::Idle(out);
    for piece in 1..=MAX_PIECES {
        let mut answer = match first.take() {
            Some(answer) => answer,
            None => call.answer(ops, &input, piece).await?,
        };
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
        let before = rows;
        rows = answer["rows"].as_u64().unwrap_or(rows);
        if let Some(total) = answer["totalRows"].as_u64() {
            bar.set_length(total.max(rows));
        }
        if days.is_none() {
            bar.inc(rows.saturating_sub(before));
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
            _ => return Ok((rows, out.idle().await?)),
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
