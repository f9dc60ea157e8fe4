//! `sync.verify`: compares the index with Jira for a period, per issue and UTC
//! day (how many worklogs, how many seconds, the latest update), reports the
//! differences and, on request, repairs them.
//!
//! Jira's side: the issues with worklogs in the period (`worklogDate` JQL,
//! widened by a day each way for time zones, ids only), together with the
//! issues the index has worklogs for in the period; then each issue's worklogs
//! started in the period (`GET issue/{id}/worklog?startedAfter=&startedBefore=`,
//! with their properties), `parallel` issues at once. An issue Jira answers 404
//! for is gone. Repairing writes Jira's worklogs of each issue that differs and
//! deletes the index's worklogs of it that Jira does not have; a gone issue
//! loses its row and all its worklogs.
//!
//! It runs in slices (`docs/architecture.md`, the slice rule): each slice
//! compares the next `maxIssues` issues by id and records its checkpoint and
//! the findings so far in the settings row `sync.verify` ([`VerifyState`]),
//! which also keeps the last finished verification for `sync.status`.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Bound;

use chrono::{Datelike, Duration, NaiveDate};
use futures::future::try_join_all;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{authorize, history, IdPage, Progress};
use crate::executor::Ctx;
use crate::index::{self, dict_id, IssueFetch, Kind, RawWorklog, Stored, WorklogRow};
use crate::input::{quote, whole_number, Input};
use crate::jira::types::WorklogPage;
use crate::jira::{Call, JiraPath};
use crate::{store, Error};
use worklogs_core::attributes::Definitions;

/// The longest period verified at once, in days.
const MAX_DAYS: i64 = 62;
/// The most issues a verification compares (over all its slices).
const MAX_ISSUES: usize = 5000;
/// Issues a slice compares by default.
const DEFAULT_MAX_ISSUES: i64 = 250;
/// The fewest and most issues a slice may be asked to compare.
const MAX_ISSUES_RANGE: std::ops::RangeInclusive<i64> = 10..=5000;
/// The most differences listed in the output (all are counted); they are
/// kept with the checkpoint between slices, one settings row of at most
/// 65,535 bytes.
const MAX_LISTED: usize = 100;
/// The most worklogs with invalid attributes listed.
const MAX_LISTED_INVALID: usize = 20;
/// The differences the last finished verification keeps for `sync.status`
/// (which shows only the count of invalid attributes).
const LAST_LISTED: usize = 10;
/// Bytes of a listed attribute problem kept.
const MAX_PROBLEM_BYTES: usize = 200;
/// A verification whose last slice is older than this starts over.
const STALE_MS: i64 = 30 * 60_000;
/// Index rows per read.
const READ_PAGE: usize = 5000;
/// Issue worklog requests in flight at once.
const PARALLEL: usize = 8;
const DAY_MS: i64 = 86_400_000;

/// The settings row of the verification's checkpoint and last result.
pub const VERIFY_SETTING: &str = "sync.verify";

/// The input of `sync.verify`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct VerifyRaw {
    from: Option<String>,
    to: Option<String>,
    repair: Option<bool>,
    #[serde(default, deserialize_with = "whole_number")]
    max_issues: Option<i64>,
    cancel: Option<bool>,
}

/// `sync.verify`, validated: UTC days `from` to `to`, both included.
pub struct VerifyInput {
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    repair: bool,
    /// Issues this slice compares.
    max_issues: usize,
    /// Drop the verification in progress instead of continuing it.
    cancel: bool,
}

fn date(field: &str, value: Option<String>) -> Result<Option<NaiveDate>, Error> {
    value
        .map(|text| {
            // Within these years no date arithmetic below can overflow
            // (chrono panics on it, and a panic traps the component).
            NaiveDate::parse_from_str(&text, "%Y-%m-%d")
                .ok()
                .filter(|d| (1970..=9999).contains(&d.year()))
                .ok_or_else(|| {
                    Error::invalid_field(
                        field,
                        format_args!(
                            "{} is not a date such as 2026-11-24 (years 1970 to 9999)",
                            quote(&text)
                        ),
                    )
                })
        })
        .transpose()
}

impl Input for VerifyInput {
    type Raw = VerifyRaw;

    fn validate(raw: VerifyRaw) -> Result<Self, Error> {
        let from = date("from", raw.from)?;
        let to = date("to", raw.to)?;
        if let (Some(from), Some(to)) = (from, to) {
            if to < from {
                return Err(Error::invalid_field(
                    "to",
                    format_args!("{to} is before {from}"),
                ));
            }
            if (to - from).num_days() >= MAX_DAYS {
                return Err(Error::invalid_field(
                    "to",
                    format_args!("{from} to {to} is longer than {MAX_DAYS} days"),
                ));
            }
        }
        let max_issues = raw.max_issues.unwrap_or(DEFAULT_MAX_ISSUES);
        if !MAX_ISSUES_RANGE.contains(&max_issues) {
            return Err(Error::invalid_field(
                "maxIssues",
                format_args!(
                    "{max_issues} is out of range ({} to {})",
                    MAX_ISSUES_RANGE.start(),
                    MAX_ISSUES_RANGE.end()
                ),
            ));
        }
        Ok(Self {
            from,
            to,
            repair: raw.repair.unwrap_or(false),
            max_issues: usize::try_from(max_issues).unwrap_or(250),
            cancel: raw.cancel.unwrap_or(false),
        })
    }
}

/// What one side has for an issue on a day.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, Default, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Tally {
    count: u64,
    seconds: i64,
    /// The latest update, epoch milliseconds (0: none).
    updated: i64,
    /// A checksum of every field the index keeps (author, visibility,
    /// attributes, comment hash, times), so that drift the other figures
    /// cannot show (such as attributes changed without an update) is found.
    checksum: i64,
}

impl Tally {
    fn add(&mut self, row: &Entry) {
        self.count += 1;
        self.seconds += row.seconds;
        self.updated = self.updated.max(row.updated);
        self.checksum = self.checksum.wrapping_add(row.digest);
    }
}

/// One difference.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Drift {
    issue_id: String,
    /// The UTC day, `yyyy-MM-dd`.
    day: String,
    index: Tally,
    jira: Tally,
}

/// The output of `sync.verify`: of the whole verification so far.
#[derive(Serialize, Debug)]
#[serde(rename_all = "camelCase")]
pub struct VerifyOutput {
    from: String,
    to: String,
    /// Issues compared.
    issues: u64,
    /// Worklogs in the period in the index and in Jira.
    index_worklogs: u64,
    jira_worklogs: u64,
    /// How many (issue, day) pairs differ.
    drift_count: u64,
    /// The first differences, by issue and day.
    drift: Vec<Drift>,
    /// How many worklogs in the period carry attributes that do not fit the
    /// site's definitions (written through Jira's REST API, past the app);
    /// reports and exports leave those attributes out.
    invalid_attributes_count: u64,
    /// The first of them.
    invalid_attributes: Vec<InvalidAttributes>,
    /// What the repair did, when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    repaired: Option<Stored>,
    /// Whether another slice must run (with the same input) to finish.
    more: bool,
    /// Issues compared of the issues to compare.
    progress: Progress,
    /// True when `cancel` dropped a verification in progress.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    cancelled: bool,
}

/// A worklog whose attributes do not fit the site's definitions.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct InvalidAttributes {
    worklog_id: String,
    issue_id: String,
    /// What does not fit, naming the attribute and the value.
    problem: String,
}

/// A verification: its checkpoint between slices, and once finished its
/// result for `sync.status`.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct VerifyRun {
    from: String,
    to: String,
    repair: bool,
    started_ms: i64,
    /// When the last slice ran.
    touched_ms: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    finished_ms: Option<i64>,
    /// Issues with an id up to this one are compared.
    after: i64,
    compared: u64,
    /// Issues to compare in all (as of the last slice).
    total: u64,
    index_worklogs: u64,
    jira_worklogs: u64,
    drift_count: u64,
    drift: Vec<Drift>,
    invalid_attributes_count: u64,
    invalid_attributes: Vec<InvalidAttributes>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    repaired: Option<Stored>,
}

/// The settings row [`VERIFY_SETTING`]: the verification in progress and the
/// last finished one.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct VerifyState {
    #[serde(default)]
    run: Option<VerifyRun>,
    #[serde(default)]
    last: Option<VerifyRun>,
}

impl store::JsonSetting for VerifyState {
    const NAME: &'static str = VERIFY_SETTING;
    const WHAT: &'static str = "a verification checkpoint";
    const AUDITED: bool = false;
}

impl VerifyState {
    /// `sync.status`'s `verify`: `{running, last}`.
    pub fn status(&self) -> serde_json::Value {
        json!({
            "running": self.run.as_ref().map(|r| json!({
                "from": r.from, "to": r.to, "repair": r.repair,
                "startedMs": r.started_ms, "progress": r.progress(),
            })),
            "last": self.last.as_ref().map(VerifyRun::summary),
        })
    }
}

impl VerifyRun {
    fn new(from: NaiveDate, to: NaiveDate, repair: bool, now: i64) -> Self {
        Self {
            from: from.to_string(),
            to: to.to_string(),
            repair,
            started_ms: now,
            touched_ms: now,
            repaired: repair.then(Stored::default),
            ..Self::default()
        }
    }

    fn progress(&self) -> Progress {
        let label = if self.finished_ms.is_some() {
            let mut label = format!(
                "done: {} issues compared, {} (issue, day) pairs differ",
                self.compared, self.drift_count
            );
            if let Some(r) = self.repaired {
                label.push_str(&format!(
                    "; repaired: {} worklogs written, {} deleted",
                    r.written, r.deleted
                ));
            }
            label
        } else {
            format!(
                "comparing issues with Jira: {} of {}, {} (issue, day) pairs differ so far",
                self.compared,
                self.total.max(self.compared),
                self.drift_count
            )
        };
        Progress {
            done: self.compared,
            total: self.total.max(self.compared),
            label,
        }
    }

    fn output(&self, more: bool, cancelled: bool) -> VerifyOutput {
        VerifyOutput {
            from: self.from.clone(),
            to: self.to.clone(),
            issues: self.compared,
            index_worklogs: self.index_worklogs,
            jira_worklogs: self.jira_worklogs,
            drift_count: self.drift_count,
            drift: self.drift.clone(),
            invalid_attributes_count: self.invalid_attributes_count,
            invalid_attributes: self.invalid_attributes.clone(),
            repaired: self.repaired,
            more,
            progress: self.progress(),
            cancelled,
        }
    }

    /// The finished run as `sync.status` shows it.
    fn summary(&self) -> serde_json::Value {
        let mut out = json!({
            "from": self.from, "to": self.to, "repair": self.repair,
            "startedMs": self.started_ms, "finishedMs": self.finished_ms.unwrap_or(self.touched_ms),
            "issues": self.compared, "indexWorklogs": self.index_worklogs,
            "jiraWorklogs": self.jira_worklogs, "driftCount": self.drift_count,
            "drift": self.drift, "invalidAttributesCount": self.invalid_attributes_count,
        });
        if let (Some(repaired), Some(fields)) = (self.repaired, out.as_object_mut()) {
            fields.insert("repaired".to_owned(), json!(repaired));
        }
        out
    }

    /// What the last finished run keeps.
    fn for_last(&self) -> Self {
        let mut last = self.clone();
        last.drift.truncate(LAST_LISTED);
        last.invalid_attributes.clear();
        last
    }
}

/// A worklog as both sides are compared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Entry {
    id: i64,
    /// The author's dictionary id.
    author: i64,
    started: i64,
    seconds: i64,
    updated: i64,
    digest: i64,
}

/// The checksum of one worklog row (dictionary ids for the texts).
#[allow(clippy::too_many_arguments)]
fn digest(
    id: i64,
    issue: i64,
    started: i64,
    seconds: i64,
    updated: i64,
    author: i64,
    visibility: i64,
    attrs: i64,
    note: i64,
) -> i64 {
    index::hash_text(
        0xfd,
        &format!("{id}/{issue}/{started}/{seconds}/{updated}/{author}/{visibility}/{attrs}/{note}"),
    )
}

/// `sync.verify`: one slice of a verification. The first slice of a period
/// (or after `STALE_MS` without one, or after the last finished) starts a
/// verification; the next ones, with the same period and `repair`, continue
/// it from the checkpoint (the settings row [`VERIFY_SETTING`]); `cancel`
/// drops it. A failed slice is recorded for `sync.status`.
///
/// # Errors
///
/// `invalid-input` for a bad period; `forbidden` for an acting user who is not a
/// Jira administrator; `limit` when the period has worklogs on more than 5000
/// issues; Jira's errors after retries; the database's errors.
pub async fn verify(ctx: &Ctx, input: VerifyInput) -> Result<VerifyOutput, Error> {
    authorize(ctx).await?;
    let now = ctx.context().now_ms;
    let today = chrono::DateTime::from_timestamp_millis(now)
        .map(|t| t.date_naive())
        .unwrap_or_default();
    let to = input.to.unwrap_or(today);
    let from = input.from.unwrap_or(to - Duration::days(29));
    if (to - from).num_days() >= MAX_DAYS || to < from {
        return Err(Error::invalid_field(
            "from",
            format_args!("{from} to {to} is not a period of 1 to {MAX_DAYS} days"),
        ));
    }
    // A refused input is the caller's mistake, not a failed run: only what
    // fails past this point is recorded.
    let result = verify_slice(ctx, input, from, to).await;
    if let Err(e) = &result {
        history::record(ctx, "sync.verify", e).await;
    }
    result
}

async fn verify_slice(
    ctx: &Ctx,
    input: VerifyInput,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<VerifyOutput, Error> {
    let now = ctx.context().now_ms;
    let mut state: VerifyState = store::load(ctx).await?;
    if input.cancel {
        return Ok(match state.run.take() {
            Some(run) => {
                store::save(ctx, &state).await?;
                run.output(false, true)
            }
            None => VerifyRun::new(from, to, input.repair, now).output(false, false),
        });
    }
    let mut run = match state.run.take() {
        Some(run)
            if run.from == from.to_string()
                && run.to == to.to_string()
                && run.repair == input.repair
                && now.saturating_sub(run.touched_ms) < STALE_MS =>
        {
            run
        }
        _ => VerifyRun::new(from, to, input.repair, now),
    };
    let start = from
        .and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc().timestamp_millis())
        .unwrap_or(0);
    let end = start + ((to - from).num_days() + 1) * DAY_MS;
    let (site, custom, definitions) = futures::join!(
        index::site(ctx),
        index::load_fields(ctx),
        store::load::<Definitions>(ctx)
    );
    let (site, custom, definitions) = (site?, custom?, definitions?);

    let (indexed, jira_issues) = futures::join!(
        read_index(ctx, site, start, end),
        issues_with_worklogs(ctx, from - Duration::days(1), to + Duration::days(1))
    );
    let indexed = indexed?;
    // Worklogs whose author `privacy.report` erased (a closed account) keep
    // their label: Jira's side counts them under it, so erasure is no drift.
    let labels = former_users(ctx, site).await?;
    let erased: BTreeMap<i64, i64> = indexed
        .values()
        .flatten()
        .filter(|e| labels.contains(&e.author))
        .map(|e| (e.id, e.author))
        .collect();
    let mut issues: BTreeSet<i64> = jira_issues?;
    issues.extend(indexed.keys());
    if issues.len() > MAX_ISSUES {
        return Err(Error::limit(format!(
            "{from} to {to} has worklogs on {} issues, more than the {MAX_ISSUES} verified at once: verify a shorter period",
            issues.len()
        )));
    }
    // This slice's issues: the next ones after the checkpoint, by id.
    let remaining: Vec<i64> = issues
        .range((Bound::Excluded(run.after), Bound::Unbounded))
        .copied()
        .collect();
    let issue_list: Vec<i64> = remaining.iter().take(input.max_issues).copied().collect();
    let more = remaining.len() > issue_list.len();
    let mut jira_side: BTreeMap<i64, Option<Vec<RawWorklog>>> = BTreeMap::new();
    for wave in issue_list.chunks(PARALLEL) {
        let answers = try_join_all(
            wave.iter()
                .map(|&issue| issue_worklogs(ctx, issue, start, end)),
        )
        .await?;
        jira_side.extend(wave.iter().copied().zip(answers));
    }

    let mut drifted: BTreeSet<i64> = BTreeSet::new();
    let mut gone = Vec::new();
    let mut repairs: BTreeMap<i64, Vec<WorklogRow>> = BTreeMap::new();
    let app = index::app_account_for(ctx, jira_side.values().flatten().flatten()).await?;
    for (&issue, raw) in &jira_side {
        let rows: Vec<WorklogRow> = match raw {
            Some(raw) => raw
                .iter()
                .map(|raw| WorklogRow::from_jira(raw, app.as_deref()))
                .collect::<Result<Vec<_>, _>>()?
                .into_iter()
                .filter(|r| (start..end).contains(&r.started))
                .collect(),
            None => {
                gone.push(issue);
                Vec::new()
            }
        };
        for r in &rows {
            if let Some(Err(e)) = r.attributes.as_deref().map(|t| definitions.check_stored(t)) {
                run.invalid_attributes_count += 1;
                if run.invalid_attributes.len() < MAX_LISTED_INVALID {
                    run.invalid_attributes.push(InvalidAttributes {
                        worklog_id: r.id.to_string(),
                        issue_id: r.issue.to_string(),
                        problem: history::cut(e.message(), MAX_PROBLEM_BYTES),
                    });
                }
            }
        }
        let jira_entries: Vec<Entry> = rows
            .iter()
            .map(|r| {
                let optional =
                    |kind, text: &Option<String>| text.as_deref().map_or(0, |t| dict_id(kind, t));
                let author = erased
                    .get(&r.id)
                    .copied()
                    .unwrap_or_else(|| dict_id(Kind::Account, &r.author));
                Entry {
                    id: r.id,
                    author,
                    started: r.started,
                    seconds: r.seconds,
                    updated: r.updated,
                    digest: digest(
                        r.id,
                        r.issue,
                        r.started,
                        r.seconds,
                        r.updated,
                        author,
                        optional(Kind::Visibility, &r.visibility),
                        optional(Kind::Attributes, &r.attributes),
                        r.note,
                    ),
                }
            })
            .collect();
        let index_entries = indexed.get(&issue).cloned().unwrap_or_default();
        run.index_worklogs += index_entries.len() as u64;
        run.jira_worklogs += jira_entries.len() as u64;
        let by_day = |entries: &[Entry]| {
            let mut days: BTreeMap<i64, Tally> = BTreeMap::new();
            for e in entries {
                days.entry(e.started.div_euclid(DAY_MS)).or_default().add(e);
            }
            days
        };
        let (ours, theirs) = (by_day(&index_entries), by_day(&jira_entries));
        let days: BTreeSet<i64> = ours.keys().chain(theirs.keys()).copied().collect();
        for day in days {
            let (a, b) = (
                ours.get(&day).copied().unwrap_or_default(),
                theirs.get(&day).copied().unwrap_or_default(),
            );
            if a != b {
                drifted.insert(issue);
                run.drift_count += 1;
                if run.drift.len() < MAX_LISTED {
                    run.drift.push(Drift {
                        issue_id: issue.to_string(),
                        day: chrono::DateTime::from_timestamp_millis(day * DAY_MS)
                            .map(|t| t.date_naive().to_string())
                            .unwrap_or_default(),
                        index: a,
                        jira: b,
                    });
                }
            }
        }
        if drifted.contains(&issue) {
            repairs.insert(issue, rows);
        }
    }

    if input.repair && !drifted.is_empty() {
        let fetch = IssueFetch {
            custom,
            parallel: PARALLEL,
            patient: true,
        };
        let mut stored = Stored::default();
        let mut stale = Vec::new();
        let mut rows = Vec::new();
        for (issue, jira_rows) in repairs {
            if gone.contains(&issue) {
                continue;
            }
            let keep: BTreeSet<i64> = jira_rows.iter().map(|r| r.id).collect();
            stale.extend(
                indexed
                    .get(&issue)
                    .into_iter()
                    .flatten()
                    .map(|e| e.id)
                    .filter(|id| !keep.contains(id)),
            );
            rows.extend(jira_rows);
        }
        stored.add(
            index::store_worklogs_as(ctx, site, rows, &fetch, index::JournalSource::Sync, true)
                .await?,
        );
        if !stale.is_empty() {
            stored.deleted +=
                index::delete_worklogs(ctx, site, &stale, index::JournalSource::Sync).await?;
        }
        if !gone.is_empty() {
            stored.add(
                index::store_issues(ctx, site, Vec::new(), &gone, index::JournalSource::Sync)
                    .await?,
            );
        }
        run.repaired.get_or_insert_with(Stored::default).add(stored);
    }

    run.compared += issue_list.len() as u64;
    run.total = run.compared + (remaining.len() - issue_list.len()) as u64;
    if let Some(&last) = issue_list.last() {
        run.after = last;
    }
    run.touched_ms = now;
    if more {
        state.run = Some(run.clone());
    } else {
        run.finished_ms = Some(now);
        state.last = Some(run.for_last());
    }
    store::save(ctx, &state).await?;
    Ok(run.output(more, false))
}

/// The dictionary ids of the labels that stand for erased accounts
/// (`privacy.report`); few, one per closed account.
async fn former_users(ctx: &Ctx, site: i64) -> Result<BTreeSet<i64>, Error> {
    let ids = index::dict::ids_of_kind(ctx, site, Kind::FormerUser, 100_000).await?;
    Ok(ids.into_iter().collect())
}

/// The index's worklogs started in `[start, end)`, by issue, read in keyset
/// pages of (started, id).
async fn read_index(
    ctx: &Ctx,
    site: i64,
    start: i64,
    end: i64,
) -> Result<BTreeMap<i64, Vec<Entry>>, Error> {
    let mut out: BTreeMap<i64, Vec<Entry>> = BTreeMap::new();
    let (mut after_started, mut after_id) = (start - 1, i64::MAX);
    loop {
        let rows = index::worklogs::started_page(
            ctx,
            site,
            (start, end),
            (after_started, after_id),
            READ_PAGE,
        )
        .await?;
        let count = rows.len();
        for row in rows {
            let entry = Entry {
                id: row.id,
                author: row.author,
                started: row.started,
                seconds: row.seconds,
                updated: row.updated,
                digest: digest(
                    row.id,
                    row.issue,
                    row.started,
                    row.seconds,
                    row.updated,
                    row.author,
                    row.visibility,
                    row.attrs,
                    row.note,
                ),
            };
            out.entry(row.issue).or_default().push(entry);
            (after_started, after_id) = (entry.started, entry.id);
        }
        if count < READ_PAGE {
            return Ok(out);
        }
    }
}

/// The ids of the issues with worklogs between two dates (JQL, ids only).
async fn issues_with_worklogs(
    ctx: &Ctx,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<BTreeSet<i64>, Error> {
    let path = JiraPath::api(&["search", "jql"]);
    let jql = format!("worklogDate >= \"{from}\" AND worklogDate <= \"{to}\" ORDER BY id");
    let mut token: Option<String> = None;
    let mut out = BTreeSet::new();
    loop {
        let mut body = json!({ "jql": jql, "maxResults": 5000 });
        if let (Some(token), Some(fields)) = (&token, body.as_object_mut()) {
            fields.insert("nextPageToken".to_owned(), json!(token));
        }
        let call = Call::post(path.clone(), body.to_string())
            .as_app()
            .patient();
        let page: IdPage = call.json(ctx).await?;
        let before = out.len();
        out.extend(page.issues.iter().filter_map(|i| i.id.parse::<i64>().ok()));
        match page.next_page_token {
            Some(next) if out.len() > before && token.as_deref() != Some(next.as_str()) => {
                token = Some(next)
            }
            _ => return Ok(out),
        }
    }
}

/// An issue's worklogs started in `[start, end)`, with their properties; none
/// when Jira answers 404 (the issue is gone, or hidden from the app).
async fn issue_worklogs(
    ctx: &Ctx,
    issue: i64,
    start: i64,
    end: i64,
) -> Result<Option<Vec<RawWorklog>>, Error> {
    let mut out = Vec::new();
    let mut start_at: usize = 0;
    loop {
        let path = JiraPath::api(&["issue", &issue.to_string(), "worklog"])
            .query("startAt", &start_at.to_string())
            .query("maxResults", "5000")
            .query("startedAfter", &start.to_string())
            .query("startedBefore", &end.to_string())
            .query("expand", "properties");
        let call = Call::get(path).as_app().patient();
        let response = call.send(ctx).await?;
        if response.status == 404 {
            return Ok(None);
        }
        let response = call.success(response)?;
        let page: WorklogPage<RawWorklog> = call.parse(&response)?;
        let got = page.worklogs.len();
        out.extend(page.worklogs);
        start_at = page.start_at + got;
        if got == 0 || start_at >= page.total {
            return Ok(Some(out));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The checkpoint and the last result, as full as they can be, fit the
    /// settings row (64 KiB less one byte): a slice never fails to save them.
    #[test]
    fn the_fullest_checkpoint_fits_its_settings_row() {
        let tally = Tally {
            count: u64::MAX,
            seconds: i64::MIN,
            updated: i64::MIN,
            checksum: i64::MIN,
        };
        let drift = Drift {
            issue_id: i64::MIN.to_string(),
            day: "2026-11-03".to_owned(),
            index: tally,
            jira: tally,
        };
        // Quotes and control characters are escaped in JSON: the worst text.
        let problem = history::cut(&"\"\u{1}".repeat(200), MAX_PROBLEM_BYTES);
        let invalid = InvalidAttributes {
            worklog_id: i64::MIN.to_string(),
            issue_id: i64::MIN.to_string(),
            problem,
        };
        let run = VerifyRun {
            from: "2026-11-01".to_owned(),
            to: "2026-11-24".to_owned(),
            repair: true,
            started_ms: i64::MIN,
            touched_ms: i64::MIN,
            finished_ms: Some(i64::MIN),
            after: i64::MIN,
            compared: u64::MAX,
            total: u64::MAX,
            index_worklogs: u64::MAX,
            jira_worklogs: u64::MAX,
            drift_count: u64::MAX,
            drift: vec![drift; MAX_LISTED],
            invalid_attributes_count: u64::MAX,
            invalid_attributes: vec![invalid; MAX_LISTED_INVALID],
            repaired: Some(Stored {
                written: u64::MAX,
                unchanged: u64::MAX,
                deleted: u64::MAX,
                issues: u64::MAX,
                skipped: u64::MAX,
                refused: u64::MAX,
            }),
        };
        let state = VerifyState {
            last: Some(run.for_last()),
            run: Some(run),
        };
        let bytes = serde_json::to_string(&state).unwrap().len();
        assert!(bytes <= store::MAX_BYTES, "{bytes} bytes");
    }
}
