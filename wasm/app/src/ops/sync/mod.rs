//! The sync operations, which keep the worklog index ([`crate::index`]) equal
//! to Jira:
//!
//! - `sync.full`: the initial import (or a rebuild), in slices;
//! - `sync.incremental`: what changed since the last run, in slices;
//! - `sync.worklog-event`: one Jira worklog event (created, updated, deleted);
//! - `sync.verify`: compare the index with Jira for a period, and repair;
//! - `sync.status` and `sync.settings.save`: where the sync stands, and which
//!   custom fields the index keeps.
//!
//! A run of `sync.full` or `sync.incremental` is a series of *slices*: each
//! invocation does a bounded amount of work (`maxWorklogs`), records a
//! checkpoint after every round of writes, and answers whether more remains
//! (`more`) with progress counts. A host runs slices until `more` is false; on
//! Forge, a queue consumer does. Jira calls go as the app, with retries
//! ([`crate::jira::call::retry`]). The design and the crash-safety argument are in
//! `docs/index.md`.

mod event;
mod feed;
mod history;
mod settings;
mod state;
#[cfg(test)]
mod tests;
mod verify;

pub use super::Progress;

pub use event::worklog_event;
pub use settings::{save_settings, status};
pub use verify::verify;

use serde::{Deserialize, Serialize};

use crate::access::require_admin;
use crate::executor::Ctx;
use crate::index::{self, IssueFetch, Stored};
use crate::input::{whole_number, Input};
use crate::Error;
use state::{Phase, RunState, State};

/// Worklogs a slice handles by default.
pub const DEFAULT_MAX_WORKLOGS: i64 = 50_000;
/// The most worklogs one slice may be asked to handle.
pub const MAX_MAX_WORKLOGS: i64 = 200_000;
/// `worklog/list` calls (of 1000 ids) in flight at once, by default.
pub const DEFAULT_PARALLEL: i64 = 4;
/// The most requests in flight at once.
pub const MAX_PARALLEL: i64 = 16;

/// Who may run a sync: a job (no acting user), or a Jira administrator.
async fn authorize(ctx: &Ctx) -> Result<(), Error> {
    match ctx.context().account_id.as_deref() {
        Some(id) if !id.is_empty() => require_admin(ctx, "run a sync").await,
        _ => Ok(()),
    }
}

/// The input of `sync.full` and `sync.incremental`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SliceRaw {
    #[serde(default, deserialize_with = "whole_number")]
    max_worklogs: Option<i64>,
    #[serde(default, deserialize_with = "whole_number")]
    parallel: Option<i64>,
    restart: Option<bool>,
}

/// How much one slice does.
#[derive(Clone, Copy, Debug)]
pub struct Slice {
    /// Worklogs (and deleted worklogs, and re-fetched issues) to handle before
    /// the slice stops at a checkpoint.
    pub max_worklogs: u64,
    /// Requests in flight at once.
    pub parallel: usize,
    /// `sync.full` only: start over even when a full run is in progress or done.
    pub restart: bool,
}

impl Input for Slice {
    type Raw = SliceRaw;

    fn validate(raw: SliceRaw) -> Result<Self, Error> {
        let max = raw.max_worklogs.unwrap_or(DEFAULT_MAX_WORKLOGS);
        if !(1000..=MAX_MAX_WORKLOGS).contains(&max) {
            return Err(Error::invalid_field(
                "maxWorklogs",
                format_args!("{max} is out of range (1000 to {MAX_MAX_WORKLOGS})"),
            ));
        }
        let parallel = raw.parallel.unwrap_or(DEFAULT_PARALLEL);
        if !(1..=MAX_PARALLEL).contains(&parallel) {
            return Err(Error::invalid_field(
                "parallel",
                format_args!("{parallel} is out of range (1 to {MAX_PARALLEL})"),
            ));
        }
        Ok(Self {
            max_worklogs: u64::try_from(max).unwrap_or(DEFAULT_MAX_WORKLOGS.unsigned_abs()),
            parallel: usize::try_from(parallel).unwrap_or(4),
            restart: raw.restart.unwrap_or(false),
        })
    }
}

/// The input of `sync.incremental`: as `sync.full`'s, without `restart`.
pub struct IncrementalSlice(Slice);

impl Input for IncrementalSlice {
    type Raw = SliceRaw;

    fn validate(raw: SliceRaw) -> Result<Self, Error> {
        if raw.restart.is_some() {
            return Err(Error::invalid_input(
                "unknown field `restart` (only sync.full starts over)",
            ));
        }
        Slice::validate(raw).map(Self)
    }
}

/// What one slice did.
#[derive(Serialize, Debug, Clone, Copy, Default, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct SliceCounts {
    /// Worklogs handled by this slice.
    #[serde(flatten)]
    pub stored: Stored,
    /// Jira requests sent (retries included).
    pub jira_requests: u64,
    /// SQL statements run.
    pub sql_statements: u64,
    /// Waits before retries.
    pub retries: u64,
}

/// The output of `sync.full` and `sync.incremental`.
#[derive(Serialize, Debug)]
#[serde(rename_all = "camelCase")]
pub struct SliceOutput {
    /// Whether another slice must run to finish the run.
    pub more: bool,
    /// `full` or `incremental`.
    pub mode: &'static str,
    /// The step the run is at: `worklogs`, `deletions`, `issues`, `refresh`, `done`.
    pub phase: &'static str,
    /// Progress of the whole run.
    pub progress: Progress,
    /// What this slice did.
    pub slice: SliceCounts,
    /// What the whole run did so far.
    pub totals: Stored,
}

/// What the worklog index lacks for readers that say so (`report.run`):
/// `None` once a full import has finished and none is running; otherwise why
/// worklogs may be missing.
///
/// # Errors
///
/// The database's errors; `internal` when the checkpoint is unreadable.
pub async fn index_missing(ctx: &Ctx) -> Result<Option<String>, Error> {
    let state = State::load(ctx).await?;
    let indexed = |ms: i64| {
        worklogs_core::calendar::format_utc(worklogs_core::calendar::Instant::from_millis(ms))
            .unwrap_or_else(|_| ms.to_string())
    };
    Ok(match (&state.run, state.imported) {
        (Some(run), _) if run.full && run.updated_since > 0 => Some(format!(
            "a full import is running: worklogs updated after {} are not indexed yet",
            indexed(run.updated_since)
        )),
        (Some(run), _) if run.full => {
            Some("a full import is running: no worklog is indexed yet".to_owned())
        }
        (_, false) => {
            Some("no full import has finished: worklogs not indexed by one are missing".to_owned())
        }
        _ => None,
    })
}

/// `sync.full`: the initial import, or a rebuild with `restart`.
///
/// # Errors
///
/// `forbidden` for an acting user who is not a Jira administrator; Jira's
/// errors after retries (`upstream`); the database's errors.
pub async fn full(ctx: &Ctx, slice: Slice) -> Result<SliceOutput, Error> {
    authorize(ctx).await?;
    recorded(ctx, "sync.full", run_slice(ctx, slice, true).await).await
}

/// `sync.incremental`: everything that changed since the last run. Before a
/// full import has completed, it continues (or starts) one.
///
/// # Errors
///
/// As [`full`].
pub async fn incremental(
    ctx: &Ctx,
    IncrementalSlice(slice): IncrementalSlice,
) -> Result<SliceOutput, Error> {
    authorize(ctx).await?;
    recorded(ctx, "sync.incremental", run_slice(ctx, slice, false).await).await
}

/// A slice's result, its failure recorded for `sync.status` ([`history`]).
async fn recorded<T>(ctx: &Ctx, operation: &str, result: Result<T, Error>) -> Result<T, Error> {
    if let Err(e) = &result {
        history::record(ctx, operation, e).await;
    }
    result
}

async fn run_slice(ctx: &Ctx, slice: Slice, full: bool) -> Result<SliceOutput, Error> {
    let (site, state, custom) =
        futures::join!(index::site(ctx), State::load(ctx), index::load_fields(ctx));
    let (site, mut state, custom) = (site?, state?, custom?);
    let now = ctx.context().now_ms;
    let start_full = |state: &mut State| {
        state.run = Some(RunState::start(true, now, 0, 0, 0));
        if state.imported || slice.restart {
            // A rebuild also re-fetches every indexed issue.
            state.refresh_after = Some(0);
        }
    };
    match (&state.run, full) {
        (_, true) if slice.restart => start_full(&mut state),
        (Some(run), true) if !run.full => start_full(&mut state),
        (None, true) => start_full(&mut state),
        (None, false) if !state.imported => start_full(&mut state),
        (None, false) => {
            state.run = Some(RunState::start(
                false,
                now,
                state.updated_since,
                state.deleted_since,
                state.issues_since,
            ));
        }
        (Some(_), _) => {}
    }
    let fetch = IssueFetch {
        custom,
        parallel: slice.parallel,
        patient: true,
    };
    let before = ctx.effect_counts();
    let mut engine = feed::Engine {
        ctx,
        site,
        fetch: &fetch,
        slice,
        state,
        handled: 0,
        stored: Stored::default(),
    };
    engine.run().await?;
    if engine.state.run.is_none() {
        // The run is done: record which projects show every issue to whoever
        // browses them, as their permission schemes say now.
        refresh_open_projects(ctx, site).await?;
    }
    let after = ctx.effect_counts();
    let counts = SliceCounts {
        stored: engine.stored,
        jira_requests: after.jira - before.jira,
        sql_statements: after.sql - before.sql,
        retries: after.sleep - before.sleep,
    };
    Ok(engine.output(counts))
}

/// Reads the permission scheme of every project in the index (as the app) and
/// records the open ones ([`crate::access::issues`]); a scheme that cannot be
/// read leaves its project closed, so its issues are checked one by one.
///
/// # Errors
///
/// The database's errors.
async fn refresh_open_projects(ctx: &Ctx, site: i64) -> Result<(), Error> {
    let projects = index::open::indexed_projects(ctx, site).await?;
    let open = crate::access::open_projects(ctx, &projects).await;
    index::open::save_open_projects(ctx, site, &open, ctx.context().now_ms).await
}

impl feed::Engine<'_> {
    fn output(&self, slice: SliceCounts) -> SliceOutput {
        let now = self.ctx.context().now_ms;
        match &self.state.run {
            Some(run) => SliceOutput {
                more: true,
                mode: if run.full { "full" } else { "incremental" },
                phase: run.phase.name(),
                progress: run.progress(now),
                slice,
                totals: run.totals,
            },
            None => {
                let last = self.state.last.clone().unwrap_or_default();
                let done = last.totals.written + last.totals.unchanged + last.totals.deleted;
                SliceOutput {
                    more: false,
                    mode: if last.full { "full" } else { "incremental" },
                    phase: Phase::Done.name(),
                    progress: Progress {
                        done,
                        total: done,
                        label: format!(
                            "done: {} worklogs written, {} unchanged, {} deleted, {} issues",
                            last.totals.written,
                            last.totals.unchanged,
                            last.totals.deleted,
                            last.totals.issues
                        ),
                    },
                    slice,
                    totals: last.totals,
                }
            }
        }
    }
}

/// A page of `search/jql` asking for issue ids only.
pub(super) type IdPage = crate::jira::types::SearchPage<IdOnly>;

#[derive(Deserialize)]
pub(super) struct IdOnly {
    #[serde(deserialize_with = "crate::jira::id_string")]
    pub(super) id: String,
}
