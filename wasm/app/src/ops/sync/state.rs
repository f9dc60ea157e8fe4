//! The sync's checkpoint: one settings row (`sync.state`, JSON), written with
//! one `REPLACE` after the writes it covers have succeeded.

use serde::{Deserialize, Serialize};

use super::Progress;
use crate::executor::Ctx;
use crate::index::Stored;
use crate::input::rfc3339;
use crate::{store, Error};

/// The settings row of the checkpoint.
pub const STATE_SETTING: &str = "sync.state";

/// How far back the sweep of changed issues reaches beyond its cursor, for
/// clocks that disagree and for JQL's minute precision.
pub const SWEEP_MARGIN_MS: i64 = 5 * 60_000;

/// Where the sync stands.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct State {
    /// Whether a full import has completed.
    #[serde(default)]
    pub imported: bool,
    /// Where the next incremental run reads `worklog/updated` from.
    #[serde(default)]
    pub updated_since: i64,
    /// Where the next incremental run reads `worklog/deleted` from.
    #[serde(default)]
    pub deleted_since: i64,
    /// Since when the next sweep looks for changed issues.
    #[serde(default)]
    pub issues_since: i64,
    /// Indexed issues with an id above this are to be fetched again (after the
    /// custom fields changed, or a rebuild).
    #[serde(default)]
    pub refresh_after: Option<i64>,
    /// The run in progress.
    #[serde(default)]
    pub run: Option<RunState>,
    /// The last finished run.
    #[serde(default)]
    pub last: Option<Finished>,
    /// The last finished full import (`None` before one finished, or when
    /// stored by a version that did not keep it: then `last`, when full).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_full: Option<Finished>,
    /// The last finished incremental run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_incremental: Option<Finished>,
    /// When a slice ended because Jira's quota could not pay for another
    /// round: the instant its window ends, as far as the slice could tell
    /// (its start plus the time Jira said the window had left), before which
    /// no slice sends a request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quota_until_ms: Option<i64>,
}

/// A run in progress.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct RunState {
    /// A full import rather than an incremental run.
    pub full: bool,
    /// The step it is at.
    pub phase: Phase,
    /// The position in `worklog/updated`.
    pub updated_since: i64,
    /// The position in `worklog/deleted`.
    pub deleted_since: i64,
    /// The sweep of changed issues covers changes since this instant.
    pub issues_since: i64,
    /// When the run started (the context's clock).
    pub started_ms: i64,
    /// When the sweep started (its cursor for the next run).
    #[serde(default)]
    pub sweep_started_ms: Option<i64>,
    /// The oldest update time the feed showed in this run (for the estimate).
    #[serde(default)]
    pub first_ms: Option<i64>,
    /// What the run did so far.
    #[serde(default)]
    pub totals: Stored,
}

/// A finished run, for `sync.status`.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Finished {
    /// A full import rather than an incremental run.
    pub full: bool,
    /// When it started and finished (the context's clock).
    pub started_ms: i64,
    /// When it finished.
    pub finished_ms: i64,
    /// What it did.
    pub totals: Stored,
}

/// The steps of a run.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    /// Reading `worklog/updated` and storing the worklogs.
    Worklogs,
    /// Reading `worklog/deleted` and deleting.
    Deletions,
    /// Sweeping issues changed since the last run (incremental runs).
    Issues,
    /// Fetching every indexed issue again.
    Refresh,
    /// Finished.
    Done,
}

impl Phase {
    /// The name in outputs.
    pub fn name(self) -> &'static str {
        match self {
            Self::Worklogs => "worklogs",
            Self::Deletions => "deletions",
            Self::Issues => "issues",
            Self::Refresh => "refresh",
            Self::Done => "done",
        }
    }
}

/// The checkpoint, stored as the settings row [`STATE_SETTING`].
impl store::JsonSetting for State {
    const NAME: &'static str = STATE_SETTING;
    const WHAT: &'static str = "a sync state";
    const AUDITED: bool = false;
}

impl State {
    /// The stored checkpoint, or a fresh state.
    ///
    /// # Errors
    ///
    /// The database's errors; `internal` when the row is unreadable.
    pub async fn load(ctx: &Ctx) -> Result<State, Error> {
        store::load(ctx).await
    }

    /// Records the checkpoint (one statement).
    ///
    /// # Errors
    ///
    /// The database's errors.
    pub async fn save(&self, ctx: &Ctx) -> Result<(), Error> {
        store::save(ctx, self).await
    }
}

impl RunState {
    /// A run starting at these positions, now.
    pub fn start(
        full: bool,
        now: i64,
        updated_since: i64,
        deleted_since: i64,
        issues_since: i64,
    ) -> Self {
        Self {
            full,
            phase: Phase::Worklogs,
            updated_since,
            deleted_since,
            issues_since,
            started_ms: now,
            sweep_started_ms: None,
            first_ms: None,
            totals: Stored::default(),
        }
    }

    /// Progress of the run: worklogs handled, and an estimate of the total
    /// from how much of the feed's time span has been read.
    pub fn progress(&self, now: i64) -> Progress {
        let t = self.totals;
        let done = t.written + t.unchanged + t.deleted;
        let mode = if self.full { "importing" } else { "syncing" };
        match self.phase {
            Phase::Worklogs => {
                let first = self.first_ms.unwrap_or(self.updated_since);
                let end = now - 60_000;
                let total = if end > first && self.updated_since > first {
                    #[allow(
                        clippy::cast_precision_loss,
                        clippy::cast_possible_truncation,
                        clippy::cast_sign_loss
                    )]
                    let estimate = (done as f64 * (end - first) as f64
                        / (self.updated_since - first) as f64)
                        as u64;
                    estimate.max(done)
                } else {
                    done
                };
                Progress {
                    done,
                    total,
                    label: format!(
                        "{mode} worklogs updated up to {}",
                        day_of(self.updated_since)
                    ),
                }
            }
            Phase::Deletions => Progress {
                done,
                total: done,
                label: format!("{mode}: removing deleted worklogs"),
            },
            Phase::Issues => Progress {
                done,
                total: done,
                label: format!("{mode}: refreshing changed issues"),
            },
            Phase::Refresh | Phase::Done => Progress {
                done,
                total: done,
                label: format!(
                    "{mode}: fetching indexed issues again ({} so far)",
                    t.issues
                ),
            },
        }
    }
}

/// The UTC date of an instant, for labels.
fn day_of(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| rfc3339(&t.fixed_offset()).chars().take(10).collect())
        .unwrap_or_else(|| "the start".to_owned())
}
