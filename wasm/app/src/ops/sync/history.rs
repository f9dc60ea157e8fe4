//! The errors of the last sync runs (`sync.full`, `sync.incremental`,
//! `sync.verify`), kept for `sync.status` as one settings row (`sync.errors`,
//! JSON): what failed, when, the error, and a sentence for a person.
//!
//! The row is separate from the checkpoint (`sync.state`) so that recording a
//! failure never races with a run's cursors.

use serde::{Deserialize, Serialize};

use crate::executor::Ctx;
use crate::{store, Error, ErrorCode};

/// The settings row of the errors.
pub const ERRORS_SETTING: &str = "sync.errors";
/// How many errors are kept, the latest first.
pub const KEPT: usize = 10;
/// Bytes of an error's message kept.
const MAX_MESSAGE_BYTES: usize = 1000;

/// One failed slice.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct RunError {
    /// The operation that failed: `sync.full`, `sync.incremental`, `sync.verify`.
    pub operation: String,
    /// When (the context's clock).
    pub at_ms: i64,
    /// The error's code.
    pub code: String,
    /// The error's message (Jira's included), cut at 1000 bytes.
    pub message: String,
    /// What happened and what it means, for a person.
    pub sentence: String,
}

/// The errors kept, the latest first.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct RunErrors {
    /// At most [`KEPT`].
    pub errors: Vec<RunError>,
}

impl store::JsonSetting for RunErrors {
    const NAME: &'static str = ERRORS_SETTING;
    const WHAT: &'static str = "a list of sync errors";
    const AUDITED: bool = false;
}

/// `text` cut to at most `max` bytes, at a character boundary.
pub fn cut(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_owned();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

/// The sentence for a person: what failed and what it means.
pub fn sentence(operation: &str, error: &Error) -> String {
    let what = match operation {
        "sync.full" => "The full import",
        "sync.incremental" => "The incremental sync",
        "sync.verify" => "Verifying the index",
        _ => "A sync run",
    };
    let why = match error.code() {
        ErrorCode::Upstream | ErrorCode::Throttled => {
            "Jira (or the database) was busy or unavailable, even after retries; \
             the next run resumes from the last checkpoint"
        }
        ErrorCode::Limit => "it reached a limit; a shorter period or smaller slices may pass",
        ErrorCode::Forbidden => "Jira refused the app's request; the app may lack a permission",
        ErrorCode::NotFound => "Jira could not find something the run needed",
        ErrorCode::Conflict => "Jira reported a conflicting change; running it again should pass",
        ErrorCode::InvalidInput => "Jira refused a request as malformed",
        ErrorCode::Internal => {
            "Worklogs itself failed (a bug or unreadable stored data); the details say where"
        }
    };
    format!("{what} failed: {why}.")
}

/// Records a failed run (best effort: a failure to record is ignored, and the
/// run's own error is what the caller answers).
pub async fn record(ctx: &Ctx, operation: &str, error: &Error) {
    let Ok(mut kept) = store::load::<RunErrors>(ctx).await else {
        return;
    };
    kept.errors.insert(
        0,
        RunError {
            operation: operation.to_owned(),
            at_ms: ctx.context().now_ms,
            code: error.code().as_str().to_owned(),
            message: cut(error.message(), MAX_MESSAGE_BYTES),
            sentence: sentence(operation, error),
        },
    );
    kept.errors.truncate(KEPT);
    let _ = store::save(ctx, &kept).await;
}

/// The errors kept, the latest first.
///
/// # Errors
///
/// The database's errors; `internal` when the row is unreadable.
pub async fn load(ctx: &Ctx) -> Result<Vec<RunError>, Error> {
    Ok(store::load::<RunErrors>(ctx).await?.errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_at_a_character_boundary() {
        assert_eq!(cut("abc", 5), "abc");
        assert_eq!(cut("aéb", 2), "a…");
    }

    #[test]
    fn sentences_name_the_run_and_the_cause() {
        let e = Error::upstream("jira answered 503");
        assert_eq!(
            sentence("sync.incremental", &e),
            "The incremental sync failed: Jira (or the database) was busy or unavailable, \
             even after retries; the next run resumes from the last checkpoint."
        );
    }
}
