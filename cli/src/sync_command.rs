//! `worklogs sync`: brings the worklog index up to date with Jira, showing
//! progress, then prints a summary.
//!
//! It runs the component's `sync.incremental` (or `sync.full` with `--full`)
//! as a job, a slice at a time while the result says more remains
//! ([`worklogs_host::sync`]), and with `--verify` then `sync.verify`. Which worklogs to
//! fetch, when a run is finished and what to retry are the component's rules;
//! this module only repeats, shows the progress it is given and prints.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::{json, Value};

use worklogs_host::sync::{run_slices, Slice};
use worklogs_host::Host;

/// The most slices one command runs (a million worklogs take 50 at the default size).
const MAX_SLICES: usize = 10_000;

/// The flags of `worklogs sync`.
#[derive(Args, Debug, Clone, Default)]
pub struct SyncFlags {
    /// Import everything (the first time, and to rebuild with --restart)
    /// instead of what changed since the last run.
    #[arg(long)]
    pub full: bool,
    /// With --full: start over even if a full import is in progress or done.
    #[arg(long, requires = "full")]
    pub restart: bool,
    /// Then compare the index with Jira, per issue and day.
    #[arg(long)]
    pub verify: bool,
    /// With --verify: the first day (UTC, yyyy-MM-dd; default 29 days before --to).
    #[arg(long, value_name = "DATE", requires = "verify")]
    pub from: Option<String>,
    /// With --verify: the last day (UTC, yyyy-MM-dd; default today).
    #[arg(long, value_name = "DATE", requires = "verify")]
    pub to: Option<String>,
    /// With --verify: repair the differences found.
    #[arg(long, requires = "verify")]
    pub repair: bool,
    /// More input for the sync operation, as a JSON object (see
    /// docs/operations.md), such as '{"maxWorklogs": 50000, "parallel": 8}'.
    #[arg(long, value_name = "JSON")]
    pub input: Option<String>,
}

/// Runs the command and reports on stdout (a summary) and stderr (progress,
/// errors). Exit code 0 when done, 1 when an operation failed.
pub async fn run(host: &Host, flags: &SyncFlags) -> ExitCode {
    let operation = if flags.full {
        "sync.full"
    } else {
        "sync.incremental"
    };
    let mut input = match flags.input.as_deref().map(serde_json::from_str::<Value>) {
        None => json!({}),
        Some(Ok(value)) if value.is_object() => value,
        Some(_) => {
            eprintln!("worklogs: --input must be a JSON object");
            return ExitCode::from(2);
        }
    };
    if flags.restart {
        input["restart"] = json!(true);
    }
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.enable_steady_tick(Duration::from_millis(200));
    let started = Instant::now();
    let result = run_slices(host, operation, &input.to_string(), MAX_SLICES, |slice| {
        show(&bar, slice)
    })
    .await;
    bar.finish_and_clear();
    let slices = match result {
        Ok(slices) => slices,
        Err(err) => {
            eprintln!(
                "{}",
                json!({ "error": { "code": err.code.name(), "message": err.message } })
            );
            return ExitCode::from(1);
        }
    };
    let elapsed = started.elapsed();
    println!("{}", summary(operation, &slices, elapsed));
    if flags.verify {
        let mut input = json!({ "repair": flags.repair });
        if let Some(from) = &flags.from {
            input["from"] = json!(from);
        }
        if let Some(to) = &flags.to {
            input["to"] = json!(to);
        }
        match run_slices(host, "sync.verify", &input.to_string(), MAX_SLICES, |_| {}).await {
            Ok(slices) => {
                if let Some(last) = slices.last() {
                    println!("{}", pretty(&last.result));
                }
            }
            Err(err) => {
                eprintln!(
                    "{}",
                    json!({ "error": { "code": err.code.name(), "message": err.message } })
                );
                return ExitCode::from(1);
            }
        }
    }
    ExitCode::SUCCESS
}

fn show(bar: &ProgressBar, slice: &Slice) {
    if let Some(progress) = &slice.progress {
        bar.set_length(progress.total.max(progress.done));
        bar.set_position(progress.done);
        bar.set_message(progress.label.clone());
    }
}

/// What the run did: every count the slices report under `slice` (the
/// component names them), summed; the progress reached; and how fast.
fn summary(operation: &str, slices: &[Slice], elapsed: Duration) -> String {
    let mut counts = serde_json::Map::new();
    for slice in slices {
        for (name, value) in slice.result["slice"].as_object().into_iter().flatten() {
            if let Some(n) = value.as_u64() {
                let sum = counts.get(name).and_then(Value::as_u64).unwrap_or(0) + n;
                counts.insert(name.clone(), json!(sum));
            }
        }
    }
    let seconds = elapsed.as_secs_f64().max(0.001);
    let done = slices
        .last()
        .and_then(|s| s.progress.as_ref())
        .map_or(0, |p| p.done);
    #[allow(clippy::cast_precision_loss)]
    let per_second = (done as f64 / seconds).round();
    let summary = json!({
        "operation": operation,
        "slices": slices.len(),
        "seconds": (seconds * 10.0).round() / 10.0,
        "done": done,
        "donePerSecond": per_second,
        "counts": counts,
        "last": slices.last().map(|s| s.result.clone()).unwrap_or(Value::Null),
    });
    pretty(&summary)
}

fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string())
}
