//! `restore.plan`, `restore.run`, `restore.status` and `restore.cancel`:
//! bringing back worklogs deleted or overwritten in a time window, from the
//! worklog journal ([`crate::index::journal`]), with [`put_back`]
//! (`docs/data-protection.md`, "Restore worklogs"). Administrators only.
//!
//! **What is restored.** Every worklog with a version journaled in the
//! window `[fromMs, toMs)` (a deletion or a change), narrowed by project,
//! author or issue, goes back to its newest version seen **before** the
//! window. A worklog first seen in the window has no such version and is left
//! alone, as is one already deleted before the window. What Jira holds now
//! decides the action: missing → recreated (as its author, or as the app where
//! impersonation is impossible: [`put_back::route`]), different → reverted,
//! equal → nothing (so a second run changes nothing).
//!
//! **What cannot be.** An issue Jira no longer shows (its project deleted and
//! not restored from Jira's trash, or the issue deleted) is listed with the
//! reason, and its worklogs are skipped; once the project is restored in Jira,
//! the same restore brings them back. An author whose account id was erased
//! (`privacy.report`) cannot be named again, so such worklogs are skipped too.
//!
//! **The run** works in slices of [`SLICE`] worklogs in id order, its
//! checkpoint in the settings row `restore.run` (the selection and the last id
//! done); a run with another selection starts over. The finished run, and a
//! cancelled one, each write one audit entry `restore.run` with the selection
//! and the counts.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::put_back::{self, Current, Path, PutBack, Route, Version};
use super::Progress;
use crate::access::{require_admin, require_admin_patiently};
use crate::adf;
use crate::executor::Ctx;
use crate::index::{self, journal};
use crate::input::{whole_number, Input};
use crate::store::{self, audit, JsonSetting};
use crate::Error;

/// Worklogs one `restore.run` slice puts back.
pub const SLICE: usize = 60;
/// The most worklogs a selection may hold (the dry run lists each one).
pub const MAX_WORKLOGS: usize = 5_000;
/// Issues handled at once.
const PARALLEL: usize = 4;

/// What to restore, as given.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SelectionRaw {
    #[serde(deserialize_with = "whole_number")]
    from_ms: Option<i64>,
    #[serde(deserialize_with = "whole_number")]
    to_ms: Option<i64>,
    #[serde(default)]
    project: Option<String>,
    #[serde(default)]
    author: Option<String>,
    #[serde(default)]
    issue: Option<String>,
}

/// What to restore: worklogs deleted or changed in `[from_ms, to_ms)`,
/// narrowed by project id, author's account id and issue id.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Selection {
    /// The window's start, epoch milliseconds.
    pub from_ms: i64,
    /// The window's end (excluded), epoch milliseconds.
    pub to_ms: i64,
    /// Only this project (its id).
    #[serde(default, skip_serializing_if = "Option::is_none", with = "id_text")]
    pub project: Option<i64>,
    /// Only this author (an account id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// Only this issue (its id).
    #[serde(default, skip_serializing_if = "Option::is_none", with = "id_text")]
    pub issue: Option<i64>,
}

/// Jira ids written as text, as the input gives them.
mod id_text {
    use serde::{Deserialize, Deserializer, Serializer};

    #[allow(clippy::ref_option)]
    pub fn serialize<S: Serializer>(id: &Option<i64>, s: S) -> Result<S::Ok, S::Error> {
        match id {
            Some(id) => s.serialize_str(&id.to_string()),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
        let text = Option::<String>::deserialize(d)?;
        text.map(|t| t.parse().map_err(serde::de::Error::custom))
            .transpose()
    }
}

fn numeric_id(field: &str, text: Option<String>) -> Result<Option<i64>, Error> {
    match text.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) => t
            .parse::<i64>()
            .ok()
            .filter(|id| *id > 0)
            .map(Some)
            .ok_or_else(|| Error::invalid_field(field, format!("{t:?} is not a numeric Jira id"))),
    }
}

impl Input for Selection {
    type Raw = SelectionRaw;

    fn validate(raw: SelectionRaw) -> Result<Self, Error> {
        let from_ms = raw
            .from_ms
            .ok_or_else(|| Error::invalid_field("fromMs", "is required"))?;
        let to_ms = raw
            .to_ms
            .ok_or_else(|| Error::invalid_field("toMs", "is required"))?;
        if from_ms < 1 {
            return Err(Error::invalid_field(
                "fromMs",
                format!("{from_ms} is not an instant after 1970"),
            ));
        }
        if to_ms <= from_ms {
            return Err(Error::invalid_field(
                "toMs",
                format!("{to_ms} is not after fromMs {from_ms}"),
            ));
        }
        let author = raw
            .author
            .map(|a| a.trim().to_owned())
            .filter(|a| !a.is_empty());
        if let Some(a) = &author {
            if a.len() > 128 || a.chars().any(char::is_control) {
                return Err(Error::invalid_field(
                    "author",
                    format!("{a:?} is not an account id"),
                ));
            }
        }
        Ok(Self {
            from_ms,
            to_ms,
            project: numeric_id("project", raw.project)?,
            author,
            issue: numeric_id("issue", raw.issue)?,
        })
    }
}

/// One worklog of a selection, with where it goes back to.
struct Candidate {
    /// The worklog's (original) id.
    worklog: i64,
    /// Its project's id.
    project: i64,
    /// The version to put back, or why there is none.
    target: Result<Version, String>,
}

/// The worklogs of the selection (with a version in the window), in id
/// order, each with its issue and project.
async fn selected(
    ctx: &Ctx,
    site: i64,
    selection: &Selection,
) -> Result<BTreeMap<i64, (i64, i64)>, Error> {
    let filter = journal::Filter {
        from_ms: selection.from_ms,
        to_ms: selection.to_ms,
        worklog: None,
        issue: selection.issue,
        project: selection.project,
        author: selection.author.clone(),
        comments: false,
    };
    let mut out = BTreeMap::new();
    let mut after = None;
    loop {
        let page = journal::versions(ctx, site, &filter, after, journal::MAX_PAGE).await?;
        let Some(last) = page.last() else {
            return Ok(out);
        };
        after = Some(last.cursor());
        let full = page.len() >= journal::MAX_PAGE;
        // A restore's own writes are not changes to undo.
        for v in page
            .into_iter()
            .filter(|v| v.source != journal::Source::Restore)
        {
            out.insert(v.worklog, (v.issue, v.project));
        }
        if out.len() > MAX_WORKLOGS {
            return Err(Error::limit(format!(
                "the selection holds more than {MAX_WORKLOGS} worklogs: narrow it (a shorter \
                 window, one project, one person or one issue)"
            )));
        }
        if !full {
            return Ok(out);
        }
    }
}

/// The version to put back for each of `worklogs`: the newest seen before the
/// window, or why there is none to put back.
async fn candidates(
    ctx: &Ctx,
    site: i64,
    selection: &Selection,
    worklogs: &BTreeMap<i64, (i64, i64)>,
) -> Result<Vec<Candidate>, Error> {
    let ids: Vec<i64> = worklogs.keys().copied().collect();
    let before = selection.from_ms.saturating_sub(1);
    let targets = journal::latest_before(ctx, site, &ids, before).await?;
    Ok(worklogs
        .iter()
        .filter_map(|(&worklog, &(_, project))| {
            let Some(v) = targets.get(&worklog) else {
                // First seen in the window: nothing to go back to.
                return None;
            };
            if v.deleted {
                // Already deleted before the window.
                return None;
            }
            let target = match &v.author {
                None => Err(format!(
                    "its author's account was closed and erased ({}): the worklog cannot be \
                     written for them again",
                    v.author_label.as_deref().unwrap_or("unknown")
                )),
                Some(author) => Ok(Version {
                    id: worklog,
                    issue: v.issue,
                    author: author.clone(),
                    started: v.started,
                    seconds: v.seconds,
                    comment: match (&v.comment, v.note) {
                        (Some(doc), _) => Some(adf::to_plain_text(doc)),
                        (None, 0) => Some(String::new()),
                        // Journaled without its comment (comments off).
                        (None, _) => None,
                    },
                    visibility: v.visibility.clone(),
                    attributes: v.attributes.clone(),
                }),
            };
            Some(Candidate {
                worklog,
                project,
                target,
            })
        })
        .collect())
}

/// What happens, or happened, to one worklog.
#[derive(Serialize, Debug, Clone, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Planned {
    /// The worklog's original id.
    pub worklog: String,
    /// Its issue's id.
    pub issue: String,
    /// Its project's id.
    pub project: String,
    /// Its author's account id (empty when erased).
    pub author: String,
    /// When work started (RFC 3339, UTC).
    pub started: String,
    /// Time spent, seconds.
    pub seconds: i64,
    /// `recreate`, `revert`, `unchanged` or `cannot`.
    pub action: &'static str,
    /// For `recreate`: `author` or `app`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<&'static str>,
    /// Why as the app, or why it cannot be restored.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The worklog's id in Jira after a run (the copy's for a recreation).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
}

fn rfc3339(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string())
        .unwrap_or_default()
}

/// Counts of a count and seconds.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Worklogs.
    pub count: u64,
    /// Their seconds.
    pub seconds: i64,
}

impl Tally {
    fn add(&mut self, seconds: i64) {
        self.count = self.count.saturating_add(1);
        self.seconds = self.seconds.saturating_add(seconds);
    }
}

/// The totals of a plan or a run.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, Default, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Totals {
    /// Worklogs recreated (or to recreate).
    pub recreate: Tally,
    /// Of those, as their author.
    pub as_author: Tally,
    /// Of those, as the app.
    pub as_app: Tally,
    /// Worklogs reverted (or to revert).
    pub revert: Tally,
    /// Worklogs Jira already holds as they were.
    pub unchanged: Tally,
    /// Worklogs that cannot be restored.
    pub cannot: Tally,
}

impl Totals {
    fn count(&mut self, planned: &Planned) {
        let s = planned.seconds;
        match (planned.action, planned.path) {
            ("recreate", path) => {
                self.recreate.add(s);
                if path == Some("author") {
                    self.as_author.add(s);
                } else {
                    self.as_app.add(s);
                }
            }
            ("revert", _) => self.revert.add(s),
            ("unchanged", _) => self.unchanged.add(s),
            _ => self.cannot.add(s),
        }
    }

    fn processed(&self) -> u64 {
        self.recreate.count + self.revert.count + self.unchanged.count + self.cannot.count
    }
}

/// Plans (or, with `write`, performs) one issue's candidates.
async fn issue_pass(
    ctx: &Ctx,
    issue: i64,
    group: Vec<Candidate>,
    write: bool,
) -> Result<Vec<Planned>, Error> {
    let planned = |c: &Candidate, action, path: Option<Path>, reason, id: Option<i64>| {
        let (author, started, seconds) = match &c.target {
            Ok(v) => (v.author.clone(), v.started, v.seconds),
            Err(_) => (String::new(), 0, 0),
        };
        Planned {
            worklog: c.worklog.to_string(),
            issue: issue.to_string(),
            project: c.project.to_string(),
            author,
            started: if started > 0 {
                rfc3339(started)
            } else {
                String::new()
            },
            seconds,
            action,
            path: path.map(Path::as_str),
            reason,
            id: id.map(|i| i.to_string()),
        }
    };
    // A candidate without a version (an erased author) is looked for too, with
    // no author: only the original id can match it.
    let originals: Vec<(i64, &str)> = group
        .iter()
        .map(|c| {
            (
                c.worklog,
                c.target.as_ref().map_or("", |v| v.author.as_str()),
            )
        })
        .collect();
    let found: BTreeMap<i64, Current> = match put_back::find(ctx, issue, &originals).await {
        Ok(found) => found,
        Err(e) if e.is_not_found() || e.is_forbidden() => {
            let reason = format!(
                "issue {issue} is not in Jira (deleted, or its project deleted and not restored \
                 from Jira's trash): restore it in Jira, then run the restore again ({})",
                e.message()
            );
            return Ok(group
                .iter()
                .map(|c| planned(c, "cannot", None, Some(reason.clone()), None))
                .collect());
        }
        Err(e) => return Err(e),
    };
    let mut routes: BTreeMap<String, Route> = BTreeMap::new();
    let mut out = Vec::with_capacity(group.len());
    for c in &group {
        let v = match &c.target {
            Ok(v) => v,
            Err(reason) => {
                out.push(planned(c, "cannot", None, Some(reason.clone()), None));
                continue;
            }
        };
        let current = found.get(&c.worklog);
        if let Some(cur) = current {
            if put_back::same(v, cur) {
                out.push(planned(c, "unchanged", None, None, Some(cur.id)));
                continue;
            }
            if !write {
                out.push(planned(c, "revert", None, None, Some(cur.id)));
                continue;
            }
            match put_back::put_back(ctx, v, Some(cur), None).await {
                Ok(done) => out.push(planned_done(c, &planned, done)),
                Err(e) if e.is_invalid_input() || e.is_forbidden() => {
                    out.push(planned(
                        c,
                        "cannot",
                        None,
                        Some(e.message().to_owned()),
                        None,
                    ));
                }
                Err(e) => return Err(e),
            }
            continue;
        }
        let route = match routes.get(&v.author) {
            Some(route) => route.clone(),
            None => {
                let route = put_back::route(ctx, &v.author, issue).await?;
                routes.insert(v.author.clone(), route.clone());
                route
            }
        };
        if !write {
            out.push(planned(c, "recreate", Some(route.path), route.reason, None));
            continue;
        }
        match put_back::put_back(ctx, v, None, Some(route.path)).await {
            Ok(done) => {
                let mut p = planned_done(c, &planned, done);
                if p.path == Some("app") {
                    p.reason = route
                        .reason
                        .or_else(|| Some("jira refused the worklog as its author".to_owned()));
                }
                out.push(p);
            }
            Err(e) if e.is_invalid_input() || e.is_forbidden() => {
                out.push(planned(
                    c,
                    "cannot",
                    None,
                    Some(e.message().to_owned()),
                    None,
                ));
            }
            Err(e) => return Err(e),
        }
    }
    Ok(out)
}

fn planned_done(
    c: &Candidate,
    planned: &impl Fn(&Candidate, &'static str, Option<Path>, Option<String>, Option<i64>) -> Planned,
    done: PutBack,
) -> Planned {
    match done {
        PutBack::Unchanged { id } => planned(c, "unchanged", None, None, Some(id)),
        PutBack::Reverted { id } => planned(c, "revert", None, None, Some(id)),
        PutBack::Recreated { id, path } => planned(c, "recreate", Some(path), None, Some(id)),
    }
}

/// Plans or performs `candidates`, issues [`PARALLEL`] at a time.
async fn pass(ctx: &Ctx, candidates: Vec<Candidate>, write: bool) -> Result<Vec<Planned>, Error> {
    let mut by_issue: BTreeMap<i64, Vec<Candidate>> = BTreeMap::new();
    for c in candidates {
        let issue = match &c.target {
            Ok(v) => v.issue,
            Err(_) => 0,
        };
        by_issue.entry(issue).or_default().push(c);
    }
    let mut out = Vec::new();
    let mut groups = by_issue.into_iter().collect::<Vec<_>>().into_iter();
    loop {
        let chunk: Vec<_> = groups.by_ref().take(PARALLEL).collect();
        if chunk.is_empty() {
            break;
        }
        let passes = chunk
            .into_iter()
            .map(|(issue, group)| issue_pass(ctx, issue, group, write));
        for planned in futures::future::try_join_all(passes).await? {
            out.extend(planned);
        }
    }
    out.sort_by_key(|p| p.worklog.parse::<i64>().unwrap_or(0));
    Ok(out)
}

/// The answer of `restore.plan`.
#[derive(Serialize, Debug)]
#[serde(rename_all = "camelCase")]
pub struct Plan {
    /// The selection planned.
    pub selection: Selection,
    /// Each worklog that would be recreated or reverted, or cannot be, in id
    /// order (those Jira already holds as they were are only counted).
    pub worklogs: Vec<Planned>,
    /// The totals.
    pub totals: Totals,
}

/// `restore.plan`: the dry run: exactly what `restore.run` would do with the
/// selection, writing nothing (administrators).
///
/// # Errors
///
/// `forbidden` for a person who is not a Jira administrator; `limit` for a
/// selection of more than [`MAX_WORKLOGS`]; the database's and Jira's errors.
pub async fn plan(ctx: &Ctx, selection: Selection) -> Result<Plan, Error> {
    require_admin(ctx, "restore worklogs").await?;
    let site = index::site(ctx).await?;
    let worklogs = selected(ctx, site, &selection).await?;
    let candidates = candidates(ctx, site, &selection, &worklogs).await?;
    let planned = pass(ctx, candidates, false).await?;
    let mut totals = Totals::default();
    for p in &planned {
        totals.count(p);
    }
    Ok(Plan {
        selection,
        worklogs: planned
            .into_iter()
            .filter(|p| p.action != "unchanged")
            .collect(),
        totals,
    })
}

/// The checkpoint of `restore.run` (the settings row `restore.run`).
#[derive(Serialize, Deserialize, Debug, Clone, Default, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct RestoreState {
    /// The selection being (or last) restored.
    #[serde(default)]
    pub selection: Option<Selection>,
    /// Whether a run is under way (slices left).
    #[serde(default)]
    pub running: bool,
    /// Whether the last run was cancelled.
    #[serde(default)]
    pub cancelled: bool,
    /// The last worklog id done.
    #[serde(default)]
    pub after: i64,
    /// Worklogs in the selection, as counted at the start.
    #[serde(default)]
    pub total: u64,
    /// What was done so far.
    #[serde(default)]
    pub totals: Totals,
    /// Worklogs of the selection with nothing to go back to: first seen in
    /// the window, or already deleted before it.
    #[serde(default)]
    pub skipped: u64,
    /// The worklogs that could not be restored (at most 200 kept).
    #[serde(default)]
    pub failed: Vec<Failed>,
    /// When the run started and ended, epoch milliseconds.
    #[serde(default)]
    pub started_ms: i64,
    /// When it ended (0 while running).
    #[serde(default)]
    pub ended_ms: i64,
    /// The run's audit entry while it is being written ([`end`]): the run
    /// is over, its checkpoint not yet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending: Option<audit::Pending>,
}

/// A worklog that could not be restored, and why.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Failed {
    /// Its original id.
    pub worklog: String,
    /// Its issue's id.
    pub issue: String,
    /// Why.
    pub reason: String,
}

/// The most failures the checkpoint keeps.
const MAX_FAILED: usize = 200;

impl JsonSetting for RestoreState {
    const NAME: &'static str = "restore.run";
    const WHAT: &'static str = "a valid restore checkpoint";
    const AUDITED: bool = false;
}

/// The answer of `restore.run` (one slice) and `restore.status`.
#[derive(Serialize, Debug)]
#[serde(rename_all = "camelCase")]
pub struct RunOutput {
    /// Whether slices are left.
    pub more: bool,
    /// How far the run is.
    pub progress: Progress,
    /// The checkpoint: selection, totals, failures.
    pub state: RestoreState,
    /// What this slice did (empty for `restore.status`).
    pub worklogs: Vec<Planned>,
}

fn output(state: RestoreState, worklogs: Vec<Planned>) -> RunOutput {
    let done = state.totals.processed().saturating_add(state.skipped);
    let t = state.totals;
    let label = if state.running {
        format!("restoring worklogs: {done} of {}", state.total)
    } else if state.cancelled {
        format!("cancelled after {done} of {} worklogs", state.total)
    } else if state.selection.is_none() {
        "no restore has run".to_owned()
    } else {
        format!(
            "restored: {} recreated ({} as their authors, {} as the app), {} reverted, {} \
             unchanged, {} could not be",
            t.recreate.count,
            t.as_author.count,
            t.as_app.count,
            t.revert.count,
            t.unchanged.count,
            t.cannot.count
        )
    };
    RunOutput {
        more: state.running,
        progress: Progress {
            done,
            total: state.total.max(done),
            label,
        },
        state,
        worklogs,
    }
}

/// `restore.run`: one slice of the restore of `selection` (administrators):
/// the next [`SLICE`] worklogs after the checkpoint, put back with
/// [`put_back::put_back`]. A run with another selection than the checkpoint's,
/// or after a finished or cancelled one, starts over (harmless: what Jira
/// already holds is left alone). The last slice writes the audit entry.
///
/// # Errors
///
/// As [`plan`]; a slice that fails keeps what the earlier ones did.
pub async fn run(ctx: &Ctx, selection: Selection) -> Result<RunOutput, Error> {
    require_admin_patiently(ctx, "restore worklogs").await?;
    let site = index::site(ctx).await?;
    let mut state = store::load::<RestoreState>(ctx).await?;
    if state.pending.is_some() {
        // A run killed while it ended: its end first, then this call.
        end(ctx, &mut state).await?;
        if state.selection.as_ref() == Some(&selection) {
            return Ok(output(state, Vec::new()));
        }
    }
    let worklogs = selected(ctx, site, &selection).await?;
    if !state.running || state.selection.as_ref() != Some(&selection) {
        state = RestoreState {
            selection: Some(selection.clone()),
            running: true,
            total: u64::try_from(worklogs.len()).unwrap_or(0),
            started_ms: ctx.context().now_ms,
            ..RestoreState::default()
        };
    }
    let slice: BTreeMap<i64, (i64, i64)> = worklogs
        .range(state.after.saturating_add(1)..)
        .take(SLICE)
        .map(|(k, v)| (*k, *v))
        .collect();
    let last = slice.keys().next_back().copied();
    let candidates = candidates(ctx, site, &selection, &slice).await?;
    let skipped = slice.len().saturating_sub(candidates.len());
    let done = pass(ctx, candidates, true).await?;
    for p in &done {
        state.totals.count(p);
        if p.action == "cannot" && state.failed.len() < MAX_FAILED {
            state.failed.push(Failed {
                worklog: p.worklog.clone(),
                issue: p.issue.clone(),
                reason: p.reason.clone().unwrap_or_default(),
            });
        }
    }
    state.skipped = state
        .skipped
        .saturating_add(u64::try_from(skipped).unwrap_or(0));
    if let Some(last) = last {
        state.after = last;
    }
    if worklogs
        .range(state.after.saturating_add(1)..)
        .next()
        .is_none()
    {
        end(ctx, &mut state).await?;
    } else {
        store::save(ctx, &state).await?;
    }
    let changed = done
        .into_iter()
        .filter(|p| p.action != "unchanged")
        .collect();
    Ok(output(state, changed))
}

/// Ends the run of `state` with its audit entry, once however often a kill
/// interrupts it: the checkpoint first holds the entry as pending (the
/// run's work is done, `running` still set), then the entry is written
/// unless the log holds it, then the checkpoint ends the run.
///
/// # Errors
///
/// The database's errors; the run stays pending and the next call ends it.
async fn end(ctx: &Ctx, state: &mut RestoreState) -> Result<(), Error> {
    let pending = match &state.pending {
        Some(pending) => pending.clone(),
        None => {
            state.ended_ms = ctx.context().now_ms;
            let pending = audit::Pending::new(ctx, "restore.run", "worklogs", summary(state));
            state.pending = Some(pending.clone());
            store::save(ctx, state).await?;
            pending
        }
    };
    audit::settle(ctx, &pending).await?;
    state.running = false;
    state.pending = None;
    store::save(ctx, state).await
}

/// The audit entry's record of a run.
fn summary(state: &RestoreState) -> String {
    serde_json::json!({
        "selection": state.selection,
        "totals": state.totals,
        "cancelled": state.cancelled,
        "failed": state.failed.len(),
    })
    .to_string()
}

/// `restore.status`: the last or current restore's checkpoint (administrators).
///
/// # Errors
///
/// `forbidden` for a person who is not a Jira administrator; the database's
/// errors.
pub async fn status(ctx: &Ctx, _input: super::NoInput) -> Result<RunOutput, Error> {
    require_admin(ctx, "see the restore of worklogs").await?;
    let state = store::load::<RestoreState>(ctx).await?;
    Ok(output(state, Vec::new()))
}

/// `restore.cancel`: stops the restore under way after the slice in progress
/// (administrators); what was restored stays, and the audit entry records it.
///
/// # Errors
///
/// As [`status`].
pub async fn cancel(ctx: &Ctx, _input: super::NoInput) -> Result<RunOutput, Error> {
    require_admin(ctx, "cancel the restore of worklogs").await?;
    let mut state = store::load::<RestoreState>(ctx).await?;
    if state.running && state.pending.is_none() {
        state.cancelled = true;
    }
    if state.running {
        end(ctx, &mut state).await?;
    }
    Ok(output(state, Vec::new()))
}
