//! `privacy.report`: personal data reporting, as Atlassian requires of apps
//! that store personal data.
//!
//! The app stores Atlassian account ids only (never names or e-mail
//! addresses: those are fetched from Jira when rendering). A run walks every
//! place that stores account ids ([`index::privacy::SOURCES`]), a page of 90 accounts
//! at a time, and reports each page with the time the data about each account
//! last changed to Atlassian's personal data reporting API (`POST
//! /app/report-accounts` as the app, what `@forge/api`'s
//! `privacy.reportPersonalData` sends), retrying as jobs do ([`crate::jira::call::retry`]).
//! Atlassian answers 204 (nothing to do) or 200 with the accounts that need
//! action:
//!
//! - `closed`: the account's data is erased from that source. In the worklog
//!   index, the worklogs are kept (their times still count in totals) but their
//!   author becomes a neutral label, `Former user N`, numbered per site, that
//!   nothing links to the account; the account id in custom field values
//!   becomes the label too; the account's entry is deleted. The approval
//!   tables keep their rows (periods, history, snapshots, drifts) with the
//!   label for the account, in columns and inside stored JSON. Other tables
//!   delete the account's rows.
//! - `updated`: the account's profile changed. The app caches no profile data
//!   (names and e-mail addresses are fetched when rendering), so nothing is to
//!   be refreshed; the answer is counted.
//!
//! A run is resumable, in slices (`more`, as the sync): the checkpoint is one
//! settings row (`privacy.state`), written after each page's report, holding
//! the position (source and key) and the closed accounts of that page whose
//! erasure is not finished, so a run cut off anywhere neither loses an erasure
//! nor asks Atlassian again for a page already answered. Erasure goes in
//! bounded steps (at most `maxItems` accounts and rows per slice).
//!
//! The run is a job: it runs with no acting user (the daily scheduled
//! trigger); a person gets `forbidden`.

use super::Progress;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::executor::Ctx;
use crate::index::privacy::{Found, Source, SOURCES};
use crate::input::{whole_number, Input};
use crate::jira::{Call, JiraPath};
use crate::{index, store, Error};

/// The settings row of the checkpoint.
pub const STATE_SETTING: &str = "privacy.state";

/// Items (accounts reported, rows erased) a slice handles by default.
pub const DEFAULT_MAX_ITEMS: i64 = 20_000;

/// The most items a slice may be asked to handle.
pub const MAX_MAX_ITEMS: i64 = 200_000;

/// The input of `privacy.report`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ReportRaw {
    #[serde(default, deserialize_with = "whole_number")]
    max_items: Option<i64>,
}

/// How much one slice does.
#[derive(Debug, Clone, Copy)]
pub struct ReportInput {
    /// Accounts reported plus rows erased before the slice stops at a checkpoint.
    pub max_items: u64,
}

impl Input for ReportInput {
    type Raw = ReportRaw;

    fn validate(raw: ReportRaw) -> Result<Self, Error> {
        let max = raw.max_items.unwrap_or(DEFAULT_MAX_ITEMS);
        if !(1..=MAX_MAX_ITEMS).contains(&max) {
            return Err(Error::invalid_field(
                "maxItems",
                format_args!("{max} is out of range (1 to {MAX_MAX_ITEMS})"),
            ));
        }
        Ok(Self {
            max_items: u64::try_from(max).unwrap_or(20_000),
        })
    }
}

/// What a run (or a slice) did.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, Default, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Counts {
    /// Accounts reported to Atlassian.
    pub reported: u64,
    /// Of those, reported closed.
    pub closed: u64,
    /// Of those, reported updated.
    pub updated: u64,
    /// Closed accounts whose data is now erased (per source).
    pub erased: u64,
    /// Rows changed or deleted to erase them.
    pub rows: u64,
}

impl Counts {
    fn add(&mut self, other: Counts) {
        self.reported += other.reported;
        self.closed += other.closed;
        self.updated += other.updated;
        self.erased += other.erased;
        self.rows += other.rows;
    }
}

/// A closed account whose erasure is under way.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
struct Pending {
    /// The source (index in [`SOURCES`]) to erase it from.
    source: usize,
    /// The account id (kept only until erased).
    account: String,
    /// The neutral label that replaces it.
    label: String,
}

/// A run in progress.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
struct RunState {
    started_ms: i64,
    /// The source being walked (index in [`SOURCES`]).
    source: usize,
    /// Its page key after which the walk continues.
    #[serde(default)]
    after: Option<String>,
    /// Closed accounts of the last page not yet erased.
    #[serde(default)]
    pending: Vec<Pending>,
    #[serde(default)]
    totals: Counts,
}

/// A finished run.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
struct Finished {
    started_ms: i64,
    finished_ms: i64,
    totals: Counts,
}

/// The checkpoint.
#[derive(Serialize, Deserialize, Debug, Clone, Default, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
struct State {
    #[serde(default)]
    run: Option<RunState>,
    #[serde(default)]
    last: Option<Finished>,
    /// Closed accounts labelled so far on this site (numbers the labels).
    #[serde(default)]
    former_users: u64,
}

/// The checkpoint, stored as the settings row [`STATE_SETTING`].
impl store::JsonSetting for State {
    const NAME: &'static str = STATE_SETTING;
    const WHAT: &'static str = "a privacy state";
    const AUDITED: bool = false;
}

impl State {
    async fn load(ctx: &Ctx) -> Result<State, Error> {
        store::load(ctx).await
    }

    async fn save(&self, ctx: &Ctx) -> Result<(), Error> {
        store::save(ctx, self).await
    }
}

/// What one slice did, with its effects.
#[derive(Serialize, Debug)]
#[serde(rename_all = "camelCase")]
pub struct SliceCounts {
    /// The slice's counts.
    #[serde(flatten)]
    pub counts: Counts,
    /// Requests to Atlassian sent (retries included).
    pub jira_requests: u64,
    /// SQL statements run.
    pub sql_statements: u64,
    /// Waits before retries.
    pub retries: u64,
}

/// The output of `privacy.report`.
#[derive(Serialize, Debug)]
#[serde(rename_all = "camelCase")]
pub struct ReportOutput {
    /// Whether another slice must run to finish the run.
    pub more: bool,
    /// `reporting`, `erasing` or `done`.
    pub phase: &'static str,
    /// Progress of the whole run.
    pub progress: Progress,
    /// What this slice did.
    pub slice: SliceCounts,
    /// What the whole run did so far.
    pub totals: Counts,
}

/// One account in Atlassian's answer.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AccountStatus {
    account_id: String,
    status: String,
}

#[derive(Deserialize)]
struct ReportAnswer {
    #[serde(default)]
    accounts: Vec<AccountStatus>,
}

/// `privacy.report`: one slice of a personal data reporting run.
///
/// # Errors
///
/// `forbidden` for an acting user (the run is a job); `upstream` when
/// Atlassian's API keeps failing after retries or answers unexpectedly (the
/// next run resumes from the checkpoint); the database's errors.
pub async fn report(ctx: &Ctx, input: ReportInput) -> Result<ReportOutput, Error> {
    if ctx
        .context()
        .account_id
        .as_deref()
        .is_some_and(|id| !id.is_empty())
    {
        return Err(Error::forbidden(
            "privacy.report runs as a job (the daily scheduled trigger), not for a person",
        ));
    }
    let (site, state) = futures::join!(index::site(ctx), State::load(ctx));
    let (site, mut state) = (site?, state?);
    let now = ctx.context().now_ms;
    let before = ctx.effect_counts();
    let mut slice = Counts::default();
    let mut budget = input.max_items;
    let mut run = state.run.take().unwrap_or(RunState {
        started_ms: now,
        source: 0,
        after: None,
        pending: Vec::new(),
        totals: Counts::default(),
    });
    let more = loop {
        // Finish the erasures of the last page first.
        let mut cut = false;
        while let Some(pending) = run.pending.first().cloned() {
            let Some(source) = SOURCES.get(pending.source) else {
                run.pending.remove(0);
                continue;
            };
            let erased = source
                .erase(ctx, site, &pending.account, &pending.label, budget)
                .await?;
            let mut done = Counts {
                rows: erased.rows,
                ..Counts::default()
            };
            if erased.done {
                run.pending.remove(0);
                done.erased = 1;
            }
            slice.add(done);
            run.totals.add(done);
            budget = budget.saturating_sub(erased.rows.max(1));
            if !erased.done || budget == 0 {
                cut = true;
                break;
            }
        }
        if cut {
            state.run = Some(run.clone());
            state.save(ctx).await?;
            break true;
        }
        let Some(source) = SOURCES.get(run.source) else {
            state.last = Some(Finished {
                started_ms: run.started_ms,
                finished_ms: now,
                totals: run.totals,
            });
            state.run = None;
            state.save(ctx).await?;
            break false;
        };
        let page = source.page(ctx, site, run.after.as_deref(), now).await?;
        let Some(last) = page.last() else {
            run.source += 1;
            run.after = None;
            continue;
        };
        run.after = Some(last.key.clone());
        let answers = send_report(ctx, &page).await?;
        let mut done = Counts {
            reported: page.len() as u64,
            ..Counts::default()
        };
        for answer in answers {
            // Only accounts this page reported are acted on.
            if !page.iter().any(|found| found.account == answer.account_id) {
                continue;
            }
            match answer.status.as_str() {
                "closed" => {
                    done.closed += 1;
                    state.former_users += 1;
                    run.pending.push(Pending {
                        source: run.source,
                        label: format!("{}{}", index::FORMER_USER, state.former_users),
                        account: answer.account_id,
                    });
                }
                "updated" => done.updated += 1,
                _ => {}
            }
        }
        slice.add(done);
        run.totals.add(done);
        budget = budget.saturating_sub(done.reported);
        // The checkpoint: the page is answered, its closed accounts pending.
        state.run = Some(run.clone());
        state.save(ctx).await?;
        if budget == 0 {
            break true;
        }
    };
    let after = ctx.effect_counts();
    let totals = state.run.as_ref().map_or_else(
        || state.last.as_ref().map(|l| l.totals).unwrap_or_default(),
        |r| r.totals,
    );
    let phase = match &state.run {
        None => "done",
        Some(r) if !r.pending.is_empty() => "erasing",
        Some(_) => "reporting",
    };
    let label = match &state.run {
        None => format!(
            "done: {} accounts reported, {} closed and erased, {} updated",
            totals.reported, totals.erased, totals.updated
        ),
        Some(r) => format!(
            "reporting the account ids stored in {} ({} so far)",
            SOURCES.get(r.source).map_or("the app", Source::name),
            totals.reported
        ),
    };
    Ok(ReportOutput {
        more,
        phase,
        progress: Progress {
            done: totals.reported,
            total: totals.reported,
            label,
        },
        slice: SliceCounts {
            counts: slice,
            jira_requests: after.jira - before.jira,
            sql_statements: after.sql - before.sql,
            retries: after.sleep - before.sleep,
        },
        totals,
    })
}

/// Reports a page to Atlassian (with retries) and returns the accounts that
/// need action.
async fn send_report(ctx: &Ctx, page: &[Found]) -> Result<Vec<AccountStatus>, Error> {
    let accounts: Vec<serde_json::Value> = page
        .iter()
        .map(|found| {
            json!({
                "accountId": found.account,
                "updatedAt": instant(found.updated_ms),
            })
        })
        .collect();
    let body = json!({ "accounts": accounts }).to_string();
    let call = Call::post(JiraPath::app(&["report-accounts"]), body)
        .as_app()
        .patient();
    let response = call.send(ctx).await?;
    match response.status {
        204 => Ok(Vec::new()),
        200 => call.parse::<ReportAnswer>(&response).map(|a| a.accounts),
        _ => Err(call.error_for(&response)),
    }
}

/// An instant as Atlassian's API writes it: `2017-05-14T12:11:35.563Z`.
fn instant(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .format("%Y-%m-%dT%H:%M:%S%.3fZ")
        .to_string()
}

#[cfg(test)]
mod tests;
