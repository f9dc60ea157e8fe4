//! Operations that run in slices, such as the sync: each run does a bounded
//! amount of work and says whether more remains, in the convention of
//! `docs/operations.md`:
//!
//! ```json
//! { "more": true, "progress": { "done": 41000, "total": 120000, "label": "…" }, … }
//! ```
//!
//! The host runs the operation again while `more` is true and shows the
//! progress it is given. That is all it knows: what a slice does, when a run
//! is finished and what the progress means are the component's business.

use std::time::{Duration, Instant};

use serde::Deserialize;

use crate::host::Host;
use crate::protocol::{EntryPoint, ErrorCode, TaskError};

/// Progress as an operation reports it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Progress {
    /// Units done.
    #[serde(default)]
    pub done: u64,
    /// Units in all, as far as known.
    #[serde(default)]
    pub total: u64,
    /// What is being done, for a person.
    #[serde(default)]
    pub label: String,
}

/// One slice's result.
#[derive(Debug, Clone)]
pub struct Slice {
    /// The result as the operation gave it.
    pub result: serde_json::Value,
    /// Whether another slice must run.
    pub more: bool,
    /// The progress, when the operation reports one.
    pub progress: Option<Progress>,
    /// How long the slice took.
    pub elapsed: Duration,
}

#[derive(Deserialize)]
struct Convention {
    #[serde(default)]
    more: bool,
    #[serde(default)]
    progress: Option<Progress>,
}

/// Reads a result in the convention; a result without `more` is a last slice.
///
/// # Errors
///
/// `internal` when the result is not a JSON object.
pub fn parse(text: &str, elapsed: Duration) -> Result<Slice, TaskError> {
    let result: serde_json::Value = serde_json::from_str(text)
        .map_err(|err| TaskError::internal(format!("the result is not JSON: {err}")))?;
    if !result.is_object() {
        return Err(TaskError::internal(
            "the result of a sliced operation is not an object",
        ));
    }
    let convention: Convention = serde_json::from_value(result.clone()).unwrap_or(Convention {
        more: false,
        progress: None,
    });
    Ok(Slice {
        result,
        more: convention.more,
        progress: convention.progress,
        elapsed,
    })
}

/// Runs `operation` with `input` as a job (no acting user), a slice at a time,
/// until a slice says no more remains or `max_slices` ran; calls `on_slice`
/// after each. Returns the slices' results.
///
/// # Errors
///
/// The first slice's error (a later run resumes where it stopped), or
/// `limit` when `max_slices` ran and more remains.
pub async fn run_slices(
    host: &Host,
    operation: &str,
    input: &str,
    max_slices: usize,
    mut on_slice: impl FnMut(&Slice),
) -> Result<Vec<Slice>, TaskError> {
    let mut slices = Vec::new();
    for _ in 0..max_slices {
        let ctx = host.context(EntryPoint::Job, None);
        let started = Instant::now();
        let mut waits = 0;
        let text = loop {
            match host.run(&ctx, operation, input).await {
                // The installation's SQL query time for the minute is spent
                // (a large import on a fast database): as Forge's queue
                // delivers a failed job's event again later, wait until the
                // minute refills and run the slice again. A slice resumes
                // from its checkpoint, so running it again is safe.
                Err(e) if e.code == ErrorCode::Limit && waits < REFILL_WAITS => {
                    let Some(wait) = refill_wait(host, &ctx.installation) else {
                        return Err(e);
                    };
                    waits += 1;
                    tokio::time::sleep(wait).await;
                }
                answer => break answer?,
            }
        };
        let slice = parse(&text, started.elapsed())?;
        on_slice(&slice);
        let more = slice.more;
        slices.push(slice);
        if !more {
            return Ok(slices);
        }
    }
    Err(TaskError::limit(format!(
        "{operation} still had more to do after {max_slices} slices; run it again to continue"
    )))
}

/// How many times one slice waits for the minute's query time to refill.
const REFILL_WAITS: usize = 3;

/// How long to wait before a slice refused for `installation`'s spent
/// minute of query time runs again (none when that is not why).
fn refill_wait(host: &Host, installation: &str) -> Option<Duration> {
    host.effects()
        .quotas()
        .refill_in(installation)
        .map(|wait| wait + Duration::from_millis(50))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_follow_the_convention() {
        let slice = parse(
            r#"{"more": true, "progress": {"done": 3, "total": 10, "label": "x"}, "other": 1}"#,
            Duration::ZERO,
        )
        .unwrap();
        assert!(slice.more);
        assert_eq!(
            slice.progress,
            Some(Progress {
                done: 3,
                total: 10,
                label: "x".into()
            })
        );
        let last = parse(r#"{"driftCount": 0}"#, Duration::ZERO).unwrap();
        assert!(!last.more && last.progress.is_none());
        assert!(parse("[1]", Duration::ZERO).is_err());
    }
}
