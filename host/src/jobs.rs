//! The local host's stand-in for Forge's scheduled triggers (`manifest.yml`).
//!
//! On Forge the platform runs the app's jobs, each as a task with no acting
//! user, a slice at a time while the result says `more`. `worklogs serve` does
//! the same on its own clock with the [`Job`]s it is given: each one's first
//! operation when the jobs start, then its operation at every interval. Which
//! operation runs when is the manifest's plan, which the command line passes
//! in; what each one does, and whether there is anything to do, is the
//! component's. This module only keeps the clock, repeats and logs.

use std::sync::Arc;
use std::time::Duration;

use crate::app::App;
use crate::protocol::TaskError;
use crate::sync::{run_slices, Slice};

/// The most slices one job run takes (a full import of a million worklogs
/// takes about fifty).
const MAX_SLICES: usize = 10_000;

/// One scheduled job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    /// The operation to run once when the jobs start, before the first
    /// interval (none: nothing runs until then).
    pub first: Option<String>,
    /// The operation to run at every interval.
    pub operation: String,
    /// The interval.
    pub every: Duration,
}

/// Runs `operation` as a job to the end, a slice at a time, saying what it did
/// on stderr.
///
/// # Errors
///
/// The first failing slice's error; a later run resumes where it stopped.
pub async fn run(app: &App, operation: &str) -> Result<(), TaskError> {
    let mut written = 0u64;
    let slices = run_slices(app.host(), operation, "{}", MAX_SLICES, |slice: &Slice| {
        written += counted(slice);
        if slice.more {
            if let Some(p) = &slice.progress {
                eprintln!("{operation}: {} ({} of {})", p.label, p.done, p.total);
            }
        }
    })
    .await?;
    if written > 0 || slices.len() > 1 {
        eprintln!(
            "{operation}: done in {} slice(s), {written} row(s) written",
            slices.len()
        );
    }
    Ok(())
}

/// Starts `jobs` on the server's runtime; they run until the process ends. A
/// failed run is logged and runs again at the next interval.
pub fn spawn(app: Arc<App>, jobs: Vec<Job>) {
    for job in jobs {
        let app = Arc::clone(&app);
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval(job.every);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            ticks.tick().await; // the first tick is now
            if let Some(first) = &job.first {
                log_failure(first, run(&app, first).await);
            }
            loop {
                ticks.tick().await;
                log_failure(&job.operation, run(&app, &job.operation).await);
            }
        });
    }
}

/// The rows a slice reports written (`slice.written`, as the sync names it).
fn counted(slice: &Slice) -> u64 {
    slice
        .result
        .pointer("/slice/written")
        .and_then(serde_json::Value::as_u64)
        .unwrap_or(0)
}

fn log_failure(operation: &str, outcome: Result<(), TaskError>) {
    if let Err(err) = outcome {
        eprintln!(
            "{operation} failed ({}): {}; it runs again at the next interval",
            err.code.name(),
            err.message
        );
    }
}
