//! Writing the index: worklogs with the issues they need, issues on their own,
//! deletions. Every write is one statement; the statements of a step go out
//! in one batch, which the host performs in order, and a step that depends on
//! another's success waits for its answers first (see `docs/index.md`).

use std::collections::{BTreeMap, BTreeSet};

use futures::future::join_all;
use serde::{Deserialize, Serialize};

use super::fetch::{fetch_issues, IssueFetch};
use super::journal::{self, Deleting, Head, JournalSettings, NewVersion, Source};
use super::{
    bulk_rows_per_statement, dict_id, erased, int, multi_row, multi_row_up_to, placeholders,
    read_by_ids, IssueRow, Kind, WorklogRow,
};
use crate::executor::Ctx;
use crate::protocol::{SqlRows, Value};
use crate::Error;

/// Ids per `IN (…)` list and rows per multi-row statement.
const CHUNK: usize = 1000;

/// What a store did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Stored {
    /// Worklog rows written (new or changed).
    pub written: u64,
    /// Worklogs already indexed as they are.
    pub unchanged: u64,
    /// Worklog rows deleted.
    pub deleted: u64,
    /// Issue rows written.
    pub issues: u64,
    /// Worklogs not indexed because Jira no longer shows their issue.
    pub skipped: u64,
    /// Worklog and issue rows not written because one of their texts hashes
    /// to the dictionary id of another text already stored ([`Dict::guard`]):
    /// a crafted collision never overwrites an entry others point at.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub refused: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

impl Stored {
    /// Adds another store's counts.
    pub fn add(&mut self, other: Stored) {
        self.written += other.written;
        self.unchanged += other.unchanged;
        self.deleted += other.deleted;
        self.issues += other.issues;
        self.skipped += other.skipped;
        self.refused += other.refused;
    }
}

/// A dictionary being filled for one write: content-addressed entries, and
/// the ids the row being built uses.
#[derive(Default)]
struct Dict {
    entries: BTreeMap<i64, (Kind, String)>,
    used: Vec<i64>,
}

impl Dict {
    fn id(&mut self, kind: Kind, text: &str) -> i64 {
        let id = dict_id(kind, text);
        self.entries
            .entry(id)
            .or_insert_with(|| (kind, text.to_owned()));
        self.used.push(id);
        id
    }

    fn optional(&mut self, kind: Kind, text: Option<&str>) -> i64 {
        text.map_or(0, |t| self.id(kind, t))
    }

    /// The ids used since the last call (by the row just built).
    fn take_used(&mut self) -> Vec<i64> {
        std::mem::take(&mut self.used)
    }

    /// Takes in the entries of a dictionary filled for one row; returns the
    /// ids that row used.
    fn absorb(&mut self, row: Dict) -> Vec<i64> {
        for (id, entry) in row.entries {
            self.entries.entry(id).or_insert(entry);
        }
        row.used
    }

    /// Reads the entries already stored under this dictionary's ids: an
    /// entry stored as it is needs no write, and one stored with another kind
    /// or text is a collision (53-bit hashes of texts anyone can write, such
    /// as attribute sets). Colliding entries are never written, so a crafted
    /// text cannot replace one that other rows point at; returns their ids,
    /// whose rows the caller leaves out.
    ///
    /// `before` holds the entries a plan not yet written adds: they count as
    /// stored.
    async fn guard(
        &mut self,
        ctx: &Ctx,
        site: i64,
        before: &BTreeMap<i64, (Kind, String)>,
    ) -> Result<BTreeSet<i64>, Error> {
        let mut colliding = BTreeSet::new();
        let mut check = |id: i64, kind: i64, text: &str, entries: &mut BTreeMap<i64, _>| {
            if let Some((ours, our_text)) = entries.remove(&id) {
                if ours as i64 != kind || our_text != text {
                    colliding.insert(id);
                }
            }
        };
        for (&id, (kind, text)) in before {
            check(id, *kind as i64, text, &mut self.entries);
        }
        let ids: Vec<i64> = self.entries.keys().copied().collect();
        for stored in super::dict::entries(ctx, site, &ids).await? {
            check(stored.id, stored.kind, &stored.value, &mut self.entries);
        }
        Ok(colliding)
    }
}

/// The rows whose dictionary ids avoid `colliding`, and how many were left out.
fn without_collisions(
    rows: Vec<(Vec<Value>, Vec<i64>)>,
    colliding: &BTreeSet<i64>,
) -> (Vec<Vec<Value>>, u64) {
    let mut refused = 0;
    let kept = rows
        .into_iter()
        .filter_map(|(row, used)| {
            if used.iter().any(|id| colliding.contains(id)) {
                refused += 1;
                None
            } else {
                Some(row)
            }
        })
        .collect();
    (kept, refused)
}

/// Runs statements in one batch (the host keeps their order) and fails with
/// the first error after all have answered.
async fn write_all(
    ctx: &Ctx,
    statements: Vec<(String, Vec<Value>)>,
) -> Result<Vec<SqlRows>, Error> {
    let results = join_all(
        statements
            .into_iter()
            .map(|(sql, params)| ctx.sql(&sql, params)),
    )
    .await;
    results.into_iter().collect()
}

/// The dictionary rows, as one or more `REPLACE` statements.
fn dict_statements(site: i64, dict: Dict) -> Vec<(String, Vec<Value>)> {
    let rows = dict
        .entries
        .into_iter()
        .map(|(id, (kind, text))| {
            vec![
                Value::Int(site),
                Value::Int(id),
                Value::Int(kind as i64),
                Value::Text(text),
            ]
        })
        .collect();
    multi_row("REPLACE INTO dict (site, id, kind, value) VALUES", 4, rows)
}

/// The erased accounts (`privacy.report`) among the worklogs' authors and the
/// strings in the issues' custom field values: each one's label.
async fn erased_labels(
    ctx: &Ctx,
    site: i64,
    authors: impl Iterator<Item = String>,
    issues: &[IssueRow],
) -> Result<BTreeMap<String, String>, Error> {
    let strings: BTreeSet<String> = authors
        .chain(
            issues
                .iter()
                .filter_map(|i| i.fields.as_deref())
                .flat_map(erased::strings_in),
        )
        .collect();
    let texts: BTreeSet<&str> = strings.iter().map(String::as_str).collect();
    if texts.is_empty() {
        return Ok(BTreeMap::new());
    }
    erased::labels_of(ctx, site, &texts).await
}

fn issue_values(
    site: i64,
    dict: &mut Dict,
    issue: &IssueRow,
    erased: &BTreeMap<String, String>,
) -> Vec<Value> {
    let fields = issue.fields.as_deref().map(|f| erased::relabel(f, erased));
    vec![
        Value::Int(site),
        Value::Int(issue.id),
        Value::Text(issue.key.clone()),
        Value::Text(issue.summary.clone()),
        Value::Int(issue.project),
        Value::Int(issue.parent),
        Value::Int(dict.id(Kind::IssueType, &issue.issue_type)),
        Value::Int(dict.id(Kind::Status, &issue.status)),
        Value::Int(dict.optional(Kind::Components, issue.components.as_deref())),
        Value::Int(dict.optional(Kind::Labels, issue.labels.as_deref())),
        Value::Int(dict.optional(Kind::Versions, issue.versions.as_deref())),
        Value::Int(dict.optional(Kind::Fields, fields.as_deref())),
        Value::Int(issue.updated),
        Value::Int(issue.security),
    ]
}

const ISSUES_INSERT: &str = "REPLACE INTO issues (site, id, issue_key, summary, project, parent, \
     issue_type, status, components, labels, versions, fields, updated, security) VALUES";

fn worklog_values(
    site: i64,
    dict: &mut Dict,
    row: &WorklogRow,
    project: i64,
    erased: &BTreeMap<String, String>,
) -> Vec<Value> {
    // An erased author is written as their label, never as the id again.
    let author = match erased.get(&row.author) {
        Some(label) => dict.id(Kind::FormerUser, label),
        None => dict.id(Kind::Account, &row.author),
    };
    vec![
        Value::Int(site),
        Value::Int(row.id),
        Value::Int(row.issue),
        Value::Int(project),
        Value::Int(author),
        Value::Int(row.started),
        Value::Int(row.seconds),
        Value::Int(row.updated),
        Value::Int(dict.optional(Kind::Visibility, row.visibility.as_deref())),
        Value::Int(dict.optional(Kind::Attributes, row.attributes.as_deref())),
        Value::Int(row.note),
    ]
}

/// At most this many indexed rows in one store are written with
/// [`guarded_update`] (one statement each) rather than in a multi-row `REPLACE`.
const GUARDED_ROWS: usize = 20;

/// The statement that writes an indexed worklog's row (the values of
/// [`worklog_values`]) only if the index's copy is not newer.
fn guarded_update(row: Vec<Value>) -> (String, Vec<Value>) {
    let mut params: Vec<Value> = row.iter().skip(2).cloned().collect();
    params.extend(row.iter().take(2).cloned());
    params.push(row.get(7).cloned().unwrap_or(Value::Null));
    (
        "UPDATE worklogs SET issue = ?, project = ?, author = ?, started = ?, seconds = ?, \
         updated = ?, visibility = ?, attrs = ?, note = ? WHERE site = ? AND id = ? AND updated <= ?"
            .to_owned(),
        params,
    )
}

const WORKLOGS_INSERT: &str = "REPLACE INTO worklogs (site, id, issue, project, author, started, \
     seconds, updated, visibility, attrs, note) VALUES";

/// Keeps a tombstone of each worklog a statement is about to delete (its id,
/// project, author and visibility, and when the index learned of the deletion),
/// for the incremental export (`export.changes`). `filter` selects the rows
/// (after `site = ?`), `params` its values after the site.
pub(crate) fn tombstone_statement(
    site: i64,
    now_ms: i64,
    filter: &str,
    params: Vec<Value>,
) -> (String, Vec<Value>) {
    let mut values = vec![Value::Int(now_ms), Value::Int(site)];
    values.extend(params);
    (
        format!(
            "REPLACE INTO worklog_deletions (site, id, deleted, project, author, visibility) \
             SELECT site, id, ?, project, author, visibility FROM worklogs WHERE site = ? AND {filter}"
        ),
        values,
    )
}

/// How many statements [`gone_statements`] writes for an issue, and which of
/// them deletes its worklogs (its answer counts them).
const GONE_STATEMENTS: usize = 3;
const GONE_WORKLOGS: usize = 1;

/// The statements that delete every worklog of `issue` (keeping tombstones),
/// then the issue's row, only once none of its worklogs is left (a batch goes
/// on past a failed statement): the index never holds a worklog without its
/// issue, whose security level reports read (`index::report::group_page`).
fn gone_statements(site: i64, now_ms: i64, issue: i64) -> [(String, Vec<Value>); GONE_STATEMENTS] {
    [
        tombstone_statement(site, now_ms, "issue = ?", vec![Value::Int(issue)]),
        (
            "DELETE FROM worklogs WHERE site = ? AND issue = ?".to_owned(),
            vec![Value::Int(site), Value::Int(issue)],
        ),
        (
            "DELETE FROM issues WHERE site = ? AND id = ? AND NOT EXISTS \
             (SELECT 1 FROM worklogs w WHERE w.site = ? AND w.issue = ?)"
                .to_owned(),
            vec![
                Value::Int(site),
                Value::Int(issue),
                Value::Int(site),
                Value::Int(issue),
            ],
        ),
    ]
}

/// Stores worklogs as Jira has them, with the issues they need, seen from
/// `source`: [`plan_worklogs`], then [`Plan::write`].
///
/// # Errors
///
/// The database's errors; Jira's errors after retries.
pub async fn store_worklogs(
    ctx: &Ctx,
    site: i64,
    rows: Vec<WorklogRow>,
    fetch: &IssueFetch,
    source: Source,
) -> Result<Stored, Error> {
    store_worklogs_as(ctx, site, rows, fetch, source, false).await
}

/// [`store_worklogs`], writing every row when `force` (a repair: the index
/// may differ from Jira even where the update time agrees).
///
/// # Errors
///
/// As [`store_worklogs`].
pub async fn store_worklogs_as(
    ctx: &Ctx,
    site: i64,
    rows: Vec<WorklogRow>,
    fetch: &IssueFetch,
    source: Source,
    force: bool,
) -> Result<Stored, Error> {
    let how = How {
        site,
        fetch,
        source,
        force,
    };
    plan_worklogs(ctx, &how, &rows, None)
        .await?
        .write(ctx)
        .await
}

/// How a store of worklogs is planned.
pub struct How<'a> {
    /// The installation's site number.
    pub site: i64,
    /// How issues not yet indexed are fetched.
    pub fetch: &'a IssueFetch,
    /// Who the journal's new versions are seen from.
    pub source: Source,
    /// Whether every row is written (a repair: the index may differ from
    /// Jira even where the update time agrees).
    pub force: bool,
}

/// What a [`Plan`] writes, as a plan made before it is written must read it:
/// the worklogs' rows, their new journal versions, the issues and the
/// dictionary entries. Only what is certain to be written (collisions left
/// out), so that the index read together with it is the index after it.
#[derive(Default)]
pub struct Written {
    /// Worklog id → (issue, project, updated), as the index's row.
    worklogs: BTreeMap<i64, (i64, i64, i64)>,
    /// Worklog id → its new newest version.
    heads: BTreeMap<i64, Head>,
    /// Issue id → project.
    issues: BTreeMap<i64, i64>,
    /// The dictionary's new entries.
    dict: BTreeMap<i64, (Kind, String)>,
}

/// A store of worklogs, read and decided, not yet written: its statements
/// in their three batches (dictionary, journal, index).
pub struct Plan {
    site: i64,
    source: Source,
    stored: Stored,
    dict: Vec<(String, Vec<Value>)>,
    versions: Vec<(String, Vec<Value>)>,
    rows: Vec<(String, Vec<Value>)>,
    /// Issues Jira no longer shows: their worklogs' deletion is journaled
    /// and written with the plan (read then, in the journal's order).
    gone: Vec<i64>,
    written: Written,
}

impl Plan {
    /// What this plan writes, taken out for planning the next store while
    /// this one is written; `None` when it deletes the worklogs of issues Jira no longer
    /// shows (their versions are read only as it writes), so the next store
    /// is planned after it.
    pub fn take_written(&mut self) -> Option<Written> {
        self.gone
            .is_empty()
            .then(|| std::mem::take(&mut self.written))
    }

    /// Writes the plan, in order: the dictionary entries, then the journal's
    /// new versions (and the deletion of the worklogs of issues Jira no
    /// longer shows), then the issues and the worklogs that are new or
    /// changed, each batch once the one before has answered.
    ///
    /// # Errors
    ///
    /// The database's errors.
    pub async fn write(self, ctx: &Ctx) -> Result<Stored, Error> {
        // The dictionary first, in a batch of its own: a row is never written
        // while an entry it points at failed to be.
        write_all(ctx, self.dict).await?;
        // The journal next, in a batch of its own: no index change is written
        // before its version is.
        let mut versions = self.versions;
        if !self.gone.is_empty() {
            let gone = Deleting::Issues(&self.gone);
            versions.extend(journal::deletions(ctx, self.site, gone, self.source).await?);
        }
        write_all(ctx, versions).await?;
        let mut statements = self.rows;
        let now_ms = ctx.context().now_ms;
        statements.extend(
            self.gone
                .iter()
                .flat_map(|&issue| gone_statements(self.site, now_ms, issue)),
        );
        write_all(ctx, statements).await?;
        Ok(self.stored)
    }
}

/// Plans a store of worklogs as Jira has them, with the issues they need.
///
/// One batch reads which worklogs are indexed (and when they were last
/// updated), their newest journaled versions, the journal's settings and
/// which of their issues are indexed; issues not yet indexed are fetched
/// from Jira (with their parents). The plan journals each worklog whose
/// content differs from its newest version and writes the issues and the
/// worklogs that are new or changed. Worklogs of issues Jira no longer shows
/// are not written, and those issues' rows and worklogs are deleted.
///
/// `before` is a plan not yet written (or being written): the index is read
/// as it will be after it ([`Written`]), so a sync plans its next round while
/// it writes the round before.
///
/// # Errors
///
/// The database's errors; Jira's errors after retries.
pub async fn plan_worklogs(
    ctx: &Ctx,
    how: &How<'_>,
    rows: &[WorklogRow],
    before: Option<&Written>,
) -> Result<Plan, Error> {
    let (site, source, force) = (how.site, how.source, how.force);
    let beside = before.is_some();
    let none = Written::default();
    let before = before.unwrap_or(&none);
    let mut unique: BTreeMap<i64, &WorklogRow> = BTreeMap::new();
    for row in rows {
        match unique.get(&row.id) {
            Some(kept) if kept.updated > row.updated => {}
            _ => {
                unique.insert(row.id, row);
            }
        }
    }
    let mut plan = Plan {
        site,
        source,
        stored: Stored::default(),
        dict: Vec::new(),
        versions: Vec::new(),
        rows: Vec::new(),
        gone: Vec::new(),
        written: Written::default(),
    };
    if unique.is_empty() {
        return Ok(plan);
    }
    let ids: Vec<i64> = unique.keys().copied().collect();
    let issue_ids: Vec<i64> = unique
        .values()
        .map(|r| r.issue)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let authors: BTreeSet<&str> = unique.values().map(|r| r.author.as_str()).collect();
    // Every read the plan needs in one batch: beside a write (`before`), the
    // batch goes out with that write's first and is answered before its next.
    let (indexed, heads, settings, issues, erased) = futures::join!(
        read_by_ids(
            ctx,
            "SELECT id, issue, project, updated FROM worklogs WHERE site = ? AND id IN ({ids}) LIMIT {limit}",
            site,
            &ids,
            0,
        ),
        journal::heads(ctx, site, &ids),
        crate::store::load::<JournalSettings>(ctx),
        read_by_ids(
            ctx,
            "SELECT id, project FROM issues WHERE site = ? AND id IN ({ids}) LIMIT {limit}",
            site,
            &issue_ids,
            0,
        ),
        erased::labels_of(ctx, site, &authors),
    );
    if beside {
        // The write's next batch goes out before the work below.
        ctx.yield_to_host().await?;
    }
    let (mut heads, comments, mut erased) = (heads?, settings?.comments, erased?);
    // id → (issue, project, updated)
    let mut indexed: BTreeMap<i64, (i64, i64, i64)> = indexed?
        .iter()
        .filter_map(|r| {
            Some((
                int(r.first()?)?,
                (int(r.get(1)?)?, int(r.get(2)?)?, int(r.get(3)?)?),
            ))
        })
        .collect();
    // issue id → project
    let mut projects: BTreeMap<i64, i64> = issues?
        .iter()
        .filter_map(|r| Some((int(r.first()?)?, int(r.get(1)?)?)))
        .collect();
    // The plan before, as it leaves the index.
    for id in &ids {
        if let Some(&row) = before.worklogs.get(id) {
            indexed.insert(*id, row);
        }
        if let Some(&head) = before.heads.get(id) {
            heads.insert(*id, head);
        }
    }
    for id in &issue_ids {
        if let Some(&project) = before.issues.get(id) {
            projects.insert(*id, project);
        }
    }
    let missing: Vec<i64> = issue_ids
        .iter()
        .copied()
        .filter(|id| !projects.contains_key(id))
        .collect();
    let (fetched, gone) = fetch_with_parents(ctx, site, &missing, how.fetch, before).await?;
    for issue in &fetched {
        projects.insert(issue.id, issue.project);
    }

    if !fetched.is_empty() {
        erased.extend(erased_labels(ctx, site, std::iter::empty(), &fetched).await?);
    }
    let mut dict = Dict::default();
    let issue_rows: Vec<(Vec<Value>, Vec<i64>)> = fetched
        .iter()
        .map(|issue| {
            let values = issue_values(site, &mut dict, issue, &erased);
            (values, dict.take_used())
        })
        .collect();
    // A worklog of a new issue uses its issue's entries too, so that one
    // refused for a colliding text refuses its worklogs with it: the index
    // never holds a worklog without its issue (see `gone_statements`).
    let issue_uses: BTreeMap<i64, &[i64]> = fetched
        .iter()
        .zip(&issue_rows)
        .map(|(issue, (_, used))| (issue.id, used.as_slice()))
        .collect();
    let stored = &mut plan.stored;
    // Each kept row: its values, the dictionary ids it and its new issue
    // use, whether the index is written and its new journal version, if any.
    let mut kept = Vec::new();
    let now_ms = ctx.context().now_ms;
    for row in unique.values() {
        let Some(&project) = projects.get(&row.issue) else {
            stored.skipped += 1;
            continue;
        };
        if !force
            && indexed
                .get(&row.id)
                .is_some_and(|&(_, _, at)| at > row.updated)
        {
            // A newer copy is indexed already (a concurrent write read Jira
            // later): an older one never replaces it. Jira's update times only
            // grow, so this copy is stale.
            stored.unchanged += 1;
            continue;
        }
        let mut row_dict = Dict::default();
        let values = worklog_values(site, &mut row_dict, row, project, &erased);
        let hash = journal::version_hash(&values, row.comment.as_deref());
        let head = heads.get(&row.id);
        let version = match head {
            Some(h) if !h.deleted && h.hash == hash => None,
            _ => Some(journal::version_row(
                NewVersion {
                    row: &values,
                    seq: head.map_or(0, |h| h.seq).saturating_add(1),
                    comment: row.comment.clone().filter(|_| comments),
                    deleted: false,
                    hash,
                },
                now_ms,
                source,
            )),
        };
        let write = force || indexed.get(&row.id) != Some(&(row.issue, project, row.updated));
        if !write {
            stored.unchanged += 1;
            if version.is_none() {
                continue;
            }
        }
        let mut used = dict.absorb(row_dict);
        used.extend(issue_uses.get(&row.issue).copied().unwrap_or_default());
        kept.push((values, used, write, version));
    }
    let mut worklog_rows = Vec::new();
    let mut version_rows = Vec::new();
    for (values, used, write, version) in kept {
        if let Some(version) = version {
            version_rows.push((version, used.clone()));
        }
        if write {
            worklog_rows.push((values, used));
        }
    }
    let colliding = dict.guard(ctx, site, &before.dict).await?;
    let (issue_rows, refused_issues) = without_collisions(issue_rows, &colliding);
    let (worklog_rows, refused_worklogs) = without_collisions(worklog_rows, &colliding);
    let (version_rows, _) = without_collisions(version_rows, &colliding);
    stored.written = worklog_rows.len() as u64;
    stored.issues = issue_rows.len() as u64;
    stored.refused = refused_worklogs + refused_issues;
    plan.written = Written::of(&issue_rows, &worklog_rows, &version_rows, &dict);
    plan.dict = dict_statements(site, dict);
    let bulk_rows = bulk_rows_per_statement(ctx.context().sql_engine);
    plan.versions = journal::statements(bulk_rows, version_rows);
    // A few rows already indexed (a person's own write, an event) are written
    // only where the index still holds an older copy, one statement each: a
    // concurrent writer that read Jira later is never overwritten, and a row
    // deleted meanwhile is not brought back. New rows, and a sync round's
    // many, go in multi-row `REPLACE`s.
    let (guarded, bulk): (Vec<_>, Vec<_>) = if !force && worklog_rows.len() <= GUARDED_ROWS {
        worklog_rows
            .into_iter()
            .partition(|row| matches!(row.get(1), Some(Value::Int(id)) if indexed.contains_key(id)))
    } else {
        (Vec::new(), worklog_rows)
    };
    plan.rows = multi_row(ISSUES_INSERT, 14, issue_rows);
    plan.rows
        .extend(multi_row_up_to(bulk_rows, WORKLOGS_INSERT, 11, bulk));
    plan.rows.extend(guarded.into_iter().map(guarded_update));
    plan.gone = gone;
    Ok(plan)
}

impl Written {
    /// What a plan with these rows (collisions left out) and these new
    /// dictionary entries writes.
    fn of(
        issues: &[Vec<Value>],
        worklogs: &[Vec<Value>],
        versions: &[Vec<Value>],
        dict: &Dict,
    ) -> Written {
        let at = |row: &[Value], i: usize| row.get(i).and_then(int);
        Written {
            worklogs: worklogs
                .iter()
                .filter_map(|r| Some((at(r, 1)?, (at(r, 2)?, at(r, 3)?, at(r, 7)?))))
                .collect(),
            heads: versions
                .iter()
                .filter_map(|v| {
                    let head = Head {
                        seq: at(v, 2)?,
                        hash: at(v, 16)?,
                        deleted: false,
                    };
                    Some((at(v, 1)?, head))
                })
                .collect(),
            issues: issues
                .iter()
                .filter_map(|r| Some((at(r, 1)?, at(r, 4)?)))
                .collect(),
            dict: dict.entries.clone(),
        }
    }
}

/// Stores issues as Jira has them now (the sync's sweep of changed issues):
/// first, for each issue whose project changed, its worklogs' project (so a
/// stop between the two steps is repaired when the issue is seen again); then
/// the dictionary entries and the issues. Issues in `gone` lose their rows and
/// their worklogs, whose deletion is journaled first (seen from `source`).
///
/// # Errors
///
/// The database's errors.
pub async fn store_issues(
    ctx: &Ctx,
    site: i64,
    issues: Vec<IssueRow>,
    gone: &[i64],
    source: Source,
) -> Result<Stored, Error> {
    let ids: Vec<i64> = issues.iter().map(|i| i.id).collect();
    let stored_projects: BTreeMap<i64, i64> = read_by_ids(
        ctx,
        "SELECT id, project FROM issues WHERE site = ? AND id IN ({ids}) LIMIT {limit}",
        site,
        &ids,
        0,
    )
    .await?
    .iter()
    .filter_map(|r| Some((int(r.first()?)?, int(r.get(1)?)?)))
    .collect();
    let moves: Vec<(String, Vec<Value>)> = issues
        .iter()
        .filter(|i| stored_projects.get(&i.id).is_some_and(|&p| p != i.project))
        .map(|i| {
            (
                "UPDATE worklogs SET project = ? WHERE site = ? AND issue = ?".to_owned(),
                vec![Value::Int(i.project), Value::Int(site), Value::Int(i.id)],
            )
        })
        .collect();
    if !moves.is_empty() {
        write_all(ctx, moves).await?;
    }
    let erased = erased_labels(ctx, site, std::iter::empty(), &issues).await?;
    let mut dict = Dict::default();
    let rows: Vec<(Vec<Value>, Vec<i64>)> = issues
        .iter()
        .map(|issue| {
            let values = issue_values(site, &mut dict, issue, &erased);
            (values, dict.take_used())
        })
        .collect();
    let colliding = dict.guard(ctx, site, &BTreeMap::new()).await?;
    let (rows, refused) = without_collisions(rows, &colliding);
    // The dictionary first, as in `store_worklogs_as`, then the journal.
    write_all(ctx, dict_statements(site, dict)).await?;
    if !gone.is_empty() {
        write_all(
            ctx,
            journal::deletions(ctx, site, Deleting::Issues(gone), source).await?,
        )
        .await?;
    }
    let mut statements = multi_row(ISSUES_INSERT, 14, rows);
    let first_gone = statements.len();
    let now_ms = ctx.context().now_ms;
    statements.extend(
        gone.iter()
            .flat_map(|&issue| gone_statements(site, now_ms, issue)),
    );
    let answers = write_all(ctx, statements).await?;
    let deleted = answers
        .get(first_gone..)
        .unwrap_or_default()
        .chunks(GONE_STATEMENTS)
        .filter_map(|statements| statements.get(GONE_WORKLOGS))
        .map(|r| r.rows_affected)
        .sum();
    Ok(Stored {
        issues: (issues.len() as u64).saturating_sub(refused),
        deleted,
        refused,
        ..Stored::default()
    })
}

/// Deletes worklogs by id, 1000 per statement, in one batch, after a batch
/// that journals their deletion (seen from `source`); returns how many rows
/// went.
///
/// # Errors
///
/// The database's errors.
pub async fn delete_worklogs(
    ctx: &Ctx,
    site: i64,
    ids: &[i64],
    source: Source,
) -> Result<u64, Error> {
    write_all(
        ctx,
        journal::deletions(ctx, site, Deleting::Ids(ids), source).await?,
    )
    .await?;
    let now_ms = ctx.context().now_ms;
    let statements = ids
        .chunks(CHUNK)
        .flat_map(|chunk| {
            let ids: Vec<Value> = chunk.iter().map(|&id| Value::Int(id)).collect();
            let filter = format!("id IN ({})", placeholders(chunk.len()));
            let mut params = vec![Value::Int(site)];
            params.extend(ids.iter().cloned());
            [
                tombstone_statement(site, now_ms, &filter, ids),
                (
                    format!("DELETE FROM worklogs WHERE site = ? AND {filter}"),
                    params,
                ),
            ]
        })
        .collect();
    let answers = write_all(ctx, statements).await?;
    // Every other answer is a delete's (the others keep tombstones).
    Ok(answers
        .iter()
        .skip(1)
        .step_by(2)
        .map(|r| r.rows_affected)
        .sum())
}

/// Fetches issues and, in a second wave, their parents that are neither
/// indexed nor fetched. Returns the issues and the ids Jira does not show.
async fn fetch_with_parents(
    ctx: &Ctx,
    site: i64,
    ids: &[i64],
    fetch: &IssueFetch,
    before: &Written,
) -> Result<(Vec<IssueRow>, Vec<i64>), Error> {
    if ids.is_empty() {
        return Ok((Vec::new(), Vec::new()));
    }
    let (mut issues, gone) = fetch_issues(ctx, ids, fetch).await?;
    let known: BTreeSet<i64> = issues.iter().map(|i| i.id).collect();
    let parents: Vec<i64> = issues
        .iter()
        .map(|i| i.parent)
        .filter(|p| *p != 0 && !known.contains(p) && !before.issues.contains_key(p))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    if !parents.is_empty() {
        let indexed: BTreeSet<i64> = read_by_ids(
            ctx,
            "SELECT id FROM issues WHERE site = ? AND id IN ({ids}) LIMIT {limit}",
            site,
            &parents,
            0,
        )
        .await?
        .iter()
        .filter_map(|r| int(r.first()?))
        .collect();
        let wanted: Vec<i64> = parents
            .into_iter()
            .filter(|p| !indexed.contains(p))
            .collect();
        if !wanted.is_empty() {
            // A parent Jira does not show is simply not indexed.
            let (more, _) = fetch_issues(ctx, &wanted, fetch).await?;
            issues.extend(more);
        }
    }
    Ok((issues, gone))
}
