//! The local host's stand-in for Forge's scheduled triggers (`manifest.yml`).
//!
//! On Forge the platform runs the app's jobs: the worklog index's incremental
//! sync every hour and the personal data job daily, each as a task with
//! no acting user, a slice at a time while the result says `more`. `worklogs
//! serve` does the same on its own clock: the first import when it starts,
//! then [`Jobs::sync_every`] the incremental sync, and once a day the personal
//! data job. Which operation runs when is the manifest's plan; what each
//! one does, and whether there is anything to do, is the component's.

use std::sync::Arc;
use std::time::Duration;

use crate::app::App;
use crate::protocol::TaskError;
use crate::sync::{run_slices, Slice};

/// The most slices one job run takes (a full import of a million worklogs
/// takes about fifty).
const MAX_SLICES: usize = 10_000;

/// How often the personal data job runs (Atlassian asks for at least
/// every 15 days; Forge's schedule runs it daily).
const PRIVACY_EVERY: Duration = Duration::from_secs(24 * 60 * 60);

/// The jobs and their intervals.
#[derive(Debug, Clone, Copy)]
pub struct Jobs {
    /// Between incremental syncs; `None` runs none (nor the first import).
    pub sync_every: Option<Duration>,
}

/// Runs the index's first import (`sync.full`, which returns at once when it
/// is done already) to the end, saying what it did on stderr.
///
/// # Errors
///
/// The first failing slice's error; a later run resumes where it stopped.
pub async fn import(app: &App) -> Result<(), TaskError> {
    run_job(app, "sync.full").await
}

/// Starts the jobs on the server's runtime; they run until the process ends.
/// The sync starts with [`import`] (at once done when it ran before).
pub fn spawn(app: Arc<App>, jobs: Jobs) {
    if let Some(every) = jobs.sync_every {
        let app = Arc::clone(&app);
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval(every);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            ticks.tick().await; // the first tick is now
            log_failure("sync.full", import(&app).await);
            loop {
                ticks.tick().await;
                log_failure("sync.incremental", run_job(&app, "sync.incremental").await);
            }
        });
    }
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(PRIVACY_EVERY);
        ticks.tick().await;
        loop {
            ticks.tick().await;
            log_failure("privacy.report", run_job(&app, "privacy.report").await);
        }
    });
}

async fn run_job(app: &App, operation: &str) -> Result<(), TaskError> {
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
