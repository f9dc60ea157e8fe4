//! The worklog journal: every version of every worklog the index stores, in
//! `worklog_journal` (migration `0026`, `docs/data-protection.md`).
//!
//! **Written** only by the index's own writes ([`super::store`]): a store
//! journals each worklog whose content differs from its newest journaled
//! version (or that has none), a deletion journals the worklog's last state
//! again with `deleted`. The journal's statements go out in a batch of their
//! own, after the dictionary's and **before** the index's rows: a fault after
//! the journal and before the index leaves a version the index does not hold
//! yet (the retry finds it journaled and adds nothing), never an index change
//! without its version.
//!
//! **Read** (for restoring worklogs and for `journal.list`):
//!
//! ```text
//! /// Versions seen in [from_ms, to_ms), narrowed by worklog, issue, project
//! /// and/or author (an account id), oldest first, keyset-paged after `after`
//! /// (a version's `cursor()`), at most `limit` (capped at MAX_PAGE).
//! pub async fn versions(ctx: &Ctx, site: i64, filter: &Filter,
//!     after: Option<Cursor>, limit: usize) -> Result<Vec<Version>, Error>
//!
//! /// For each worklog, its newest version seen at or before `at_ms` (none
//! /// when it had not been seen by then). With comments when stored.
//! pub async fn latest_before(ctx: &Ctx, site: i64, worklogs: &[i64],
//!     at_ms: i64) -> Result<BTreeMap<i64, Version>, Error>
//!
//! /// For each worklog, its newest version (deleted or not).
//! pub async fn latest(ctx: &Ctx, site: i64, worklogs: &[i64])
//!     -> Result<BTreeMap<i64, Version>, Error>
//! ```
//!
//! A [`Version`] resolves the dictionary: the author's account id (none once
//! `privacy.report` erased it, then `authorLabel` is the neutral label), the
//! visibility, the attributes and the comment as JSON.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use super::{dict_id, hash_text, int, multi_row_up_to, placeholders, read_by_ids, Kind};
use crate::executor::Ctx;
use crate::protocol::Value;
use crate::store::JsonSetting;
use crate::Error;

/// Where a version came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// The app's own write (`worklog.log`, `worklog.update`, `worklog.delete`).
    App = 1,
    /// A worklog event (`sync.worklog-event`).
    Event = 2,
    /// A sync run (`sync.full`, `sync.incremental`, `sync.verify` repairs).
    Sync = 3,
    /// Restoring worklogs from the journal.
    Restore = 4,
}

impl Source {
    /// The number stored in `worklog_journal.source`.
    pub fn code(self) -> i64 {
        self as i64
    }

    /// The source a stored number stands for.
    pub fn from_code(code: i64) -> Option<Self> {
        match code {
            1 => Some(Self::App),
            2 => Some(Self::Event),
            3 => Some(Self::Sync),
            4 => Some(Self::Restore),
            _ => None,
        }
    }
}

/// The administrator's journal settings (the setting `journal`, audited).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JournalSettings {
    /// Days a version is kept after it was seen; none: forever.
    #[serde(default)]
    pub retention_days: Option<u32>,
    /// Whether comments are kept in the journal. Off ("store as little as
    /// possible"): versions are journaled without their comment text (its
    /// hash still tells a changed comment).
    #[serde(default = "yes")]
    pub comments: bool,
}

fn yes() -> bool {
    true
}

impl Default for JournalSettings {
    fn default() -> Self {
        Self {
            retention_days: None,
            comments: true,
        }
    }
}

impl JsonSetting for JournalSettings {
    const NAME: &'static str = "journal";
    const WHAT: &'static str = "valid journal settings";
}

/// The most versions one read answers (comments can be tens of KiB each,
/// and an answer stays under Forge SQL's 4 MiB).
pub const MAX_PAGE: usize = 100;

/// Which versions [`versions`] reads.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    /// Seen at or after, epoch milliseconds.
    pub from_ms: i64,
    /// Seen before, epoch milliseconds.
    pub to_ms: i64,
    /// Only this worklog's versions.
    pub worklog: Option<i64>,
    /// Only versions on this issue.
    pub issue: Option<i64>,
    /// Only versions in this project.
    pub project: Option<i64>,
    /// Only versions by this account id.
    pub author: Option<String>,
    /// Whether to read the comments (else `comment` is none).
    pub comments: bool,
}

/// Where a page of [`versions`] ends: the last version's place in the order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Cursor {
    /// Its `seen_at`.
    pub seen_at_ms: i64,
    /// Its worklog.
    pub worklog: i64,
    /// Its sequence number.
    pub seq: i64,
}

/// One journaled version of a worklog.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Version {
    /// Jira's worklog id.
    pub worklog: i64,
    /// The version's number for this worklog, from 1.
    pub seq: i64,
    /// The issue's id.
    pub issue: i64,
    /// The issue's project's id.
    pub project: i64,
    /// The author's account id; none when unknown or erased.
    pub author: Option<String>,
    /// The neutral label (`Former user 3`) of an erased author.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author_label: Option<String>,
    /// When work started, epoch milliseconds.
    pub started: i64,
    /// Time spent, seconds.
    pub seconds: i64,
    /// Jira's update time of this version, epoch milliseconds.
    pub updated: i64,
    /// `{"type", "value", "identifier"}`; none: visible to all who see the issue.
    pub visibility: Option<Json>,
    /// The attributes (the property `worklogs.attributes`).
    pub attributes: Option<Json>,
    /// The comment (ADF); none without one, when comments are off, or not read.
    pub comment: Option<Json>,
    /// Whether the worklog has a comment (its 31-bit hash, 0 for none).
    pub note: i64,
    /// Whether this version records the worklog's deletion (then the other
    /// fields are its last state).
    pub deleted: bool,
    /// When the app stored it, epoch milliseconds.
    pub seen_at_ms: i64,
    /// Where it came from.
    pub source: Source,
}

impl Version {
    /// The version's place, for the next page of [`versions`].
    pub fn cursor(&self) -> Cursor {
        Cursor {
            seen_at_ms: self.seen_at_ms,
            worklog: self.worklog,
            seq: self.seq,
        }
    }
}

/// The columns a [`Version`] is read from, with the dictionary joined.
/// `{comment}` is `j.comment` or `NULL`.
const SELECT: &str = "SELECT j.worklog, j.seq, j.issue, j.project, a.kind, a.value AS author_text, \
     j.started, j.seconds, j.updated, v.value AS visibility_text, t.value AS attrs_text, j.note, {comment}, j.deleted, j.seen_at, j.source \
     FROM worklog_journal j \
     LEFT JOIN dict a ON a.site = j.site AND a.id = j.author \
     LEFT JOIN dict v ON v.site = j.site AND v.id = j.visibility \
     LEFT JOIN dict t ON t.site = j.site AND t.id = j.attrs";

fn json_of(value: Option<&Value>) -> Option<Json> {
    match value? {
        Value::Text(t) => Some(serde_json::from_str(t).unwrap_or_else(|_| Json::String(t.clone()))),
        _ => None,
    }
}

fn text_of(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::Text(t) => Some(t.clone()),
        _ => None,
    }
}

fn version_of(row: &[Value]) -> Result<Version, Error> {
    let n = |i: usize, what: &str| {
        row.get(i).and_then(int).ok_or_else(|| {
            Error::upstream(format!(
                "the database answered a journal version whose {what} is not a number"
            ))
        })
    };
    let kind = row.get(4).and_then(int);
    let author_text = text_of(row.get(5));
    let (author, author_label) = match kind {
        Some(k) if k == Kind::FormerUser as i64 => (None, author_text),
        Some(k) if k == Kind::Account as i64 => (author_text.filter(|a| !a.is_empty()), None),
        _ => (None, None),
    };
    let source = n(15, "source")?;
    Ok(Version {
        worklog: n(0, "worklog")?,
        seq: n(1, "seq")?,
        issue: n(2, "issue")?,
        project: n(3, "project")?,
        author,
        author_label,
        started: n(6, "started")?,
        seconds: n(7, "seconds")?,
        updated: n(8, "updated")?,
        visibility: json_of(row.get(9)),
        attributes: json_of(row.get(10)),
        note: n(11, "note")?,
        comment: json_of(row.get(12)),
        deleted: n(13, "deleted")? != 0,
        seen_at_ms: n(14, "seen_at")?,
        source: Source::from_code(source).ok_or_else(|| {
            Error::upstream(format!(
                "the database answered a journal version whose source is {source}, not 1 to 4"
            ))
        })?,
    })
}

fn select(comments: bool) -> String {
    SELECT.replace("{comment}", if comments { "j.comment" } else { "NULL" })
}

/// Versions seen in `[from_ms, to_ms)`, narrowed by the filter, oldest first
/// (by seen time, worklog, sequence number), after `after`, at most `limit`
/// (at most [`MAX_PAGE`]).
///
/// # Errors
///
/// The database's errors; `upstream` for a malformed row.
pub async fn versions(
    ctx: &Ctx,
    site: i64,
    filter: &Filter,
    after: Option<Cursor>,
    limit: usize,
) -> Result<Vec<Version>, Error> {
    let mut sql = format!(
        "{} WHERE j.site = ? AND j.seen_at >= ? AND j.seen_at < ?",
        select(filter.comments)
    );
    // After a cursor, its own time as the lower bound, so the index range
    // begins there (the `OR` below is no range to seek by).
    let mut params = vec![
        Value::Int(site),
        Value::Int(
            after
                .as_ref()
                .map_or(filter.from_ms, |c| c.seen_at_ms.max(filter.from_ms)),
        ),
        Value::Int(filter.to_ms),
    ];
    for (column, value) in [
        ("j.worklog", filter.worklog),
        ("j.issue", filter.issue),
        ("j.project", filter.project),
        (
            "j.author",
            filter.author.as_deref().map(|a| dict_id(Kind::Account, a)),
        ),
    ] {
        if let Some(value) = value {
            sql.push_str(&format!(" AND {column} = ?"));
            params.push(Value::Int(value));
        }
    }
    if let Some(c) = after {
        sql.push_str(
            " AND (j.seen_at > ? OR (j.seen_at = ? AND (j.worklog > ? OR (j.worklog = ? AND j.seq > ?))))",
        );
        params.extend([
            Value::Int(c.seen_at_ms),
            Value::Int(c.seen_at_ms),
            Value::Int(c.worklog),
            Value::Int(c.worklog),
            Value::Int(c.seq),
        ]);
    }
    let limit = limit.clamp(1, MAX_PAGE);
    sql.push_str(&format!(
        " ORDER BY j.seen_at, j.worklog, j.seq LIMIT {limit}"
    ));
    let rows = ctx.sql(&sql, params).await?;
    rows.rows.iter().map(|r| version_of(r)).collect()
}

/// Worklogs per read of [`latest_before`] (their comments come along).
const LATEST_PER_READ: usize = MAX_PAGE;

/// For each of `worklogs`, its newest version seen at or before `at_ms`;
/// worklogs the app had not seen by then are absent. With comments (when
/// stored). One read per [`LATEST_PER_READ`] worklogs, all in one batch.
///
/// # Errors
///
/// The database's errors; `upstream` for a malformed row.
pub async fn latest_before(
    ctx: &Ctx,
    site: i64,
    worklogs: &[i64],
    at_ms: i64,
) -> Result<BTreeMap<i64, Version>, Error> {
    newest(ctx, site, worklogs, Some(at_ms)).await
}

/// For each of `worklogs`, its newest version (deleted or not).
///
/// # Errors
///
/// As [`latest_before`].
pub async fn latest(
    ctx: &Ctx,
    site: i64,
    worklogs: &[i64],
) -> Result<BTreeMap<i64, Version>, Error> {
    newest(ctx, site, worklogs, None).await
}

/// The condition picking, of the worklogs `{ids}` of the site `site` (also
/// the first parameter), each one's newest version (`{bound}`: a condition
/// on the versions considered). The subquery names the site as a constant,
/// not as the outer row's column: MariaDB 10.11 fresh from a bulk import
/// (InnoDB's sampled statistics count 0 distinct sites, and every index
/// begins with the site) planned `k.site = j.site` as a lookup by the site
/// alone, a scan of every version of the site for each worklog: 5 s for a
/// sync of 1,000 changes, or past the 10 s statement limit, until `ANALYZE
/// TABLE`. With the constant it estimates the site's rows by looking into
/// the index and takes the primary key: 12 ms for 100 worklogs, 98 ms for
/// 1,000. (A join back from a grouped read of the newest sequence numbers
/// was as fast on MariaDB but made SQLite scan the journal during an
/// import: three times slower.)
fn newest_where(site: i64) -> String {
    format!(
        "j.site = ? AND j.worklog IN ({{ids}}) AND j.seq = (SELECT MAX(k.seq) \
         FROM worklog_journal k WHERE k.site = {site} AND k.worklog = j.worklog{{bound}})"
    )
}

async fn newest(
    ctx: &Ctx,
    site: i64,
    worklogs: &[i64],
    at_ms: Option<i64>,
) -> Result<BTreeMap<i64, Version>, Error> {
    let reads = worklogs.chunks(LATEST_PER_READ).map(|chunk| {
        let bound = if at_ms.is_some() {
            " AND k.seen_at <= ?"
        } else {
            ""
        };
        let sql = format!(
            "{} WHERE {} LIMIT {}",
            select(true),
            newest_where(site),
            chunk.len()
        )
        .replace("{ids}", &placeholders(chunk.len()))
        .replace("{bound}", bound);
        let mut params = vec![Value::Int(site)];
        params.extend(chunk.iter().map(|&id| Value::Int(id)));
        if let Some(at) = at_ms {
            params.push(Value::Int(at));
        }
        async move { ctx.sql(&sql, params).await }
    });
    let answers = futures::future::try_join_all(reads).await?;
    let mut out = BTreeMap::new();
    for row in answers.iter().flat_map(|a| a.rows.iter()) {
        let version = version_of(row)?;
        out.insert(version.worklog, version);
    }
    Ok(out)
}

/// The comments the journal holds for `wanted` (worklog, comment hash):
/// each worklog's comment as a version with that hash holds it, the text the
/// app saw with it (its ADF document's JSON text). Worklogs without such a
/// version (comments off then, or cleared) are absent. One read per [`MAX_PAGE`] worklogs, all in one batch:
/// the chunk's versions with a comment and one of the chunk's hashes, at most
/// four a worklog (a worklog whose versions a read cut off is absent).
///
/// # Errors
///
/// The database's errors (`limit` when comments are too long for one answer).
pub async fn comments(
    ctx: &Ctx,
    site: i64,
    wanted: &[(i64, i64)],
) -> Result<BTreeMap<i64, String>, Error> {
    let reads = wanted.chunks(MAX_PAGE).map(|chunk| {
        let notes: BTreeSet<i64> = chunk.iter().map(|&(_, n)| n).collect();
        let sql = format!(
            "SELECT worklog, note, comment FROM worklog_journal WHERE site = ? \
             AND worklog IN ({}) AND note IN ({}) AND comment IS NOT NULL LIMIT {}",
            placeholders(chunk.len()),
            placeholders(notes.len()),
            chunk.len() * 4
        );
        let mut params = vec![Value::Int(site)];
        params.extend(chunk.iter().map(|&(id, _)| Value::Int(id)));
        params.extend(notes.into_iter().map(Value::Int));
        async move { ctx.sql(&sql, params).await }
    });
    let answers = futures::future::try_join_all(reads).await?;
    let wanted: BTreeMap<i64, i64> = wanted.iter().copied().collect();
    let mut out = BTreeMap::new();
    for row in answers.iter().flat_map(|a| a.rows.iter()) {
        let (Some(worklog), Some(note)) = (row.first().and_then(int), row.get(1).and_then(int))
        else {
            return Err(Error::upstream(
                "the database answered a journal comment without its worklog or hash",
            ));
        };
        if wanted.get(&worklog) == Some(&note) && !out.contains_key(&worklog) {
            if let Some(comment) = text_of(row.get(2)) {
                out.insert(worklog, comment);
            }
        }
    }
    Ok(out)
}

/// The newest journaled version of a worklog, as a store compares with it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Head {
    pub seq: i64,
    pub hash: i64,
    pub deleted: bool,
}

/// The newest version of each of `ids` (one read per 1000, in one batch).
///
/// # Errors
///
/// The database's errors.
pub(super) async fn heads(ctx: &Ctx, site: i64, ids: &[i64]) -> Result<BTreeMap<i64, Head>, Error> {
    let rows = read_by_ids(
        ctx,
        &format!(
            "SELECT j.worklog, j.seq, j.hash, j.deleted FROM worklog_journal j WHERE {} \
             LIMIT {{limit}}",
            newest_where(site).replace("{bound}", "")
        ),
        site,
        ids,
        0,
    )
    .await?;
    Ok(rows
        .iter()
        .filter_map(|r| {
            Some((
                int(r.first()?)?,
                Head {
                    seq: int(r.get(1)?)?,
                    hash: int(r.get(2)?)?,
                    deleted: int(r.get(3)?)? != 0,
                },
            ))
        })
        .collect())
}

/// The content hash of a version: the index row's values (as
/// `store::worklog_values` builds them: site, id, issue, project, author,
/// started, seconds, updated, visibility, attributes, note) but Jira's update
/// time, and the comment. A version whose hash equals the newest journaled
/// one's is not journaled again.
pub(super) fn version_hash(row: &[Value], comment: Option<&str>) -> i64 {
    let mut text = String::new();
    for (i, value) in row.iter().enumerate() {
        if i < 2 || i == 7 {
            continue;
        }
        if let Value::Int(n) = value {
            // Writing into a `String` cannot fail.
            let _ = write!(text, "{n}");
        }
        text.push(',');
    }
    text.push('\n');
    text.push_str(comment.unwrap_or(""));
    hash_text(0xfd, &text)
}

/// The columns of `worklog_journal`, in the order of [`version_row`].
const COLUMNS: usize = 17;

const INSERT: &str = "REPLACE INTO worklog_journal (site, worklog, seq, issue, project, author, \
     started, seconds, updated, visibility, attrs, note, comment, deleted, seen_at, source, hash) \
     VALUES";

/// A new version's row from an index row's values (as in [`version_hash`]).
pub(super) struct NewVersion<'a> {
    pub row: &'a [Value],
    pub seq: i64,
    pub comment: Option<String>,
    pub deleted: bool,
    pub hash: i64,
}

/// The journal row of a version seen now from `source`.
pub(super) fn version_row(version: NewVersion<'_>, seen_at: i64, source: Source) -> Vec<Value> {
    let at = |i: usize| version.row.get(i).cloned().unwrap_or(Value::Int(0));
    vec![
        at(0),
        at(1),
        Value::Int(version.seq),
        at(2),
        at(3),
        at(4),
        at(5),
        at(6),
        at(7),
        at(8),
        at(9),
        at(10),
        version.comment.map_or(Value::Null, Value::Text),
        Value::Int(i64::from(version.deleted)),
        Value::Int(seen_at),
        Value::Int(source.code()),
        Value::Int(version.hash),
    ]
}

/// The statements that write journal rows (multi-row `REPLACE`s of up to
/// `most` rows).
pub(super) fn statements(most: usize, rows: Vec<Vec<Value>>) -> Vec<(String, Vec<Value>)> {
    multi_row_up_to(most, INSERT, COLUMNS, rows)
}

/// Which indexed worklogs are about to be deleted.
pub(super) enum Deleting<'a> {
    /// These worklogs.
    Ids(&'a [i64]),
    /// Every worklog of these issues (Jira no longer shows them).
    Issues(&'a [i64]),
}

/// The most worklogs of one gone issue journaled as deleted (Jira keeps at
/// most 10,000 worklogs an issue).
const WORKLOGS_PER_ISSUE: usize = 10_000;

/// The journal rows recording the deletion of the indexed worklogs
/// `deleting` names: each one's last state as the index holds it, with the
/// comment of its newest version when that version has the same comment hash
/// and the administrator keeps comments ([`JournalSettings`]), `deleted`, sequence number after its newest. A
/// worklog whose newest version is a deletion already (a retried deletion)
/// or that the index does not hold gets none.
///
/// # Errors
///
/// The database's errors.
pub(super) async fn deletions(
    ctx: &Ctx,
    site: i64,
    deleting: Deleting<'_>,
    source: Source,
) -> Result<Vec<(String, Vec<Value>)>, Error> {
    const COLUMNS_READ: &str =
        "SELECT site, id, issue, project, author, started, seconds, updated, visibility, attrs, note \
         FROM worklogs";
    let read = async {
        Ok::<Vec<Vec<Value>>, Error>(match deleting {
            Deleting::Ids(ids) => {
                read_by_ids(
                    ctx,
                    &format!("{COLUMNS_READ} WHERE site = ? AND id IN ({{ids}}) LIMIT {{limit}}"),
                    site,
                    ids,
                    1,
                )
                .await?
            }
            Deleting::Issues(issues) => {
                let reads = issues.iter().map(|&issue| async move {
                    ctx.sql(
                        &format!(
                        "{COLUMNS_READ} WHERE site = ? AND issue = ? LIMIT {WORKLOGS_PER_ISSUE}"
                    ),
                        vec![Value::Int(site), Value::Int(issue)],
                    )
                    .await
                });
                futures::future::try_join_all(reads)
                    .await?
                    .into_iter()
                    .flat_map(|rows| rows.rows)
                    .collect()
            }
        })
    };
    let (indexed, settings) = futures::join!(read, crate::store::load::<JournalSettings>(ctx));
    let (indexed, comments) = (indexed?, settings?.comments);
    if indexed.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = indexed
        .iter()
        .filter_map(|r| r.get(1).and_then(int))
        .collect();
    let last = latest(ctx, site, &ids).await?;
    let now = ctx.context().now_ms;
    let rows = indexed
        .iter()
        .filter_map(|row| {
            let id = row.get(1).and_then(int)?;
            let head = last.get(&id);
            if head.is_some_and(|h| h.deleted) {
                return None;
            }
            let note = row.get(10).and_then(int).unwrap_or(0);
            let comment = head
                .filter(|h| comments && h.note == note)
                .and_then(|h| h.comment.as_ref())
                .map(super::canonical_json);
            Some(version_row(
                NewVersion {
                    row,
                    seq: head.map_or(0, |h| h.seq).saturating_add(1),
                    comment,
                    deleted: true,
                    hash: 0,
                },
                now,
                source,
            ))
        })
        .collect();
    Ok(statements(super::ROWS_PER_STATEMENT, rows))
}

/// A version's key: its worklog and sequence number.
pub type Key = (i64, i64);

/// Up to `limit` versions past the retention, oldest seen first: seen before
/// `cutoff_ms`, and either not the newest version of their worklog or the
/// newest of a deleted one (a worklog Jira still has keeps its current
/// version, whatever its age, so a later store does not journal it again).
///
/// # Errors
///
/// The database's errors.
pub async fn prunable(
    ctx: &Ctx,
    site: i64,
    cutoff_ms: i64,
    limit: usize,
) -> Result<Vec<Key>, Error> {
    // The site a constant in the subquery, as in `newest_where`.
    let rows = ctx
        .sql(
            &format!(
                "SELECT j.worklog, j.seq FROM worklog_journal j \
                 WHERE j.site = ? AND j.seen_at < ? AND (j.deleted = 1 OR j.seq < (SELECT MAX(k.seq) \
                 FROM worklog_journal k WHERE k.site = {site} AND k.worklog = j.worklog)) \
                 ORDER BY j.seen_at LIMIT {limit}"
            ),
            vec![Value::Int(site), Value::Int(cutoff_ms)],
        )
        .await?;
    Ok(keys(&rows.rows))
}

fn keys(rows: &[Vec<Value>]) -> Vec<Key> {
    rows.iter()
        .filter_map(|r| Some((int(r.first()?)?, int(r.get(1)?)?)))
        .collect()
}

/// Keys per statement of [`delete`] and [`clear_comments`].
const KEYS_PER_STATEMENT: usize = 200;

/// `(worklog = ? AND seq = ?) OR …` for `keys`, and its parameters after `site`.
fn key_filter(site: i64, keys: &[Key]) -> (String, Vec<Value>) {
    let filter = vec!["(worklog = ? AND seq = ?)"; keys.len()].join(" OR ");
    let mut params = vec![Value::Int(site)];
    for (worklog, seq) in keys {
        params.push(Value::Int(*worklog));
        params.push(Value::Int(*seq));
    }
    (filter, params)
}

/// Deletes these versions (one statement per 200, in one batch); returns how
/// many went.
///
/// # Errors
///
/// The database's errors.
pub async fn delete(ctx: &Ctx, site: i64, keys: &[Key]) -> Result<u64, Error> {
    let deletes = keys.chunks(KEYS_PER_STATEMENT).map(|chunk| {
        let (filter, params) = key_filter(site, chunk);
        async move {
            ctx.sql(
                &format!("DELETE FROM worklog_journal WHERE site = ? AND ({filter})"),
                params,
            )
            .await
        }
    });
    let answers = futures::future::try_join_all(deletes).await?;
    Ok(answers.iter().map(|a| a.rows_affected).sum())
}

/// The next up to `limit` versions after `after` in key order, and which of
/// them hold a comment (a bounded walk of the primary key: clearing comments
/// after the administrator turned them off).
///
/// # Errors
///
/// The database's errors.
pub async fn walk(
    ctx: &Ctx,
    site: i64,
    after: Key,
    limit: usize,
) -> Result<(Option<Key>, Vec<Key>), Error> {
    let rows = ctx
        .sql(
            &format!(
                "SELECT worklog, seq, CASE WHEN comment IS NULL THEN 0 ELSE 1 END FROM worklog_journal \
                 WHERE site = ? AND worklog >= ? AND (worklog > ? OR (worklog = ? AND seq > ?)) \
                 ORDER BY worklog, seq LIMIT {limit}"
            ),
            vec![
                Value::Int(site),
                Value::Int(after.0),
                Value::Int(after.0),
                Value::Int(after.0),
                Value::Int(after.1),
            ],
        )
        .await?;
    let last = keys(&rows.rows).last().copied();
    let with_comment = rows
        .rows
        .iter()
        .filter(|r| r.get(2).and_then(int) == Some(1))
        .filter_map(|r| Some((int(r.first()?)?, int(r.get(1)?)?)))
        .collect();
    Ok((last, with_comment))
}

/// Clears the comment of these versions; returns how many changed.
///
/// # Errors
///
/// The database's errors.
pub async fn clear_comments(ctx: &Ctx, site: i64, keys: &[Key]) -> Result<u64, Error> {
    let updates = keys.chunks(KEYS_PER_STATEMENT).map(|chunk| {
        let (filter, params) = key_filter(site, chunk);
        async move {
            ctx.sql(
                &format!("UPDATE worklog_journal SET comment = NULL WHERE site = ? AND ({filter})"),
                params,
            )
            .await
        }
    });
    let answers = futures::future::try_join_all(updates).await?;
    Ok(answers.iter().map(|a| a.rows_affected).sum())
}

/// How many versions the journal holds for a site.
///
/// # Errors
///
/// The database's errors.
pub async fn count(ctx: &Ctx, site: i64) -> Result<i64, Error> {
    let rows = ctx
        .sql(
            "SELECT COUNT(*) FROM worklog_journal WHERE site = ?",
            vec![Value::Int(site)],
        )
        .await?;
    Ok(super::first_int(&rows).unwrap_or(0))
}

/// Erasure of a closed account (`privacy.report`, through the worklog
/// index's source, whose dictionary entry the journal shares): up to `limit`
/// of the account's versions get the neutral label as author and lose their
/// comment. Returns how many changed; fewer than `limit` means none is left.
///
/// # Errors
///
/// The database's errors.
pub(super) async fn erase_author(
    ctx: &Ctx,
    site: i64,
    account_id: i64,
    label_id: i64,
    limit: u64,
) -> Result<u64, Error> {
    let rows = ctx
        .sql(
            &format!(
                "SELECT worklog, seq FROM worklog_journal WHERE site = ? AND author = ? LIMIT {limit}"
            ),
            vec![Value::Int(site), Value::Int(account_id)],
        )
        .await?;
    let found = keys(&rows.rows);
    if found.is_empty() {
        return Ok(0);
    }
    let updates = found.chunks(KEYS_PER_STATEMENT).map(|chunk| {
        let (filter, mut params) = key_filter(site, chunk);
        let mut all = vec![Value::Int(label_id)];
        all.append(&mut params);
        all.push(Value::Int(account_id));
        async move {
            ctx.sql(
                &format!(
                    "UPDATE worklog_journal SET author = ?, comment = NULL \
                     WHERE site = ? AND ({filter}) AND author = ?"
                ),
                all,
            )
            .await
        }
    });
    futures::future::try_join_all(updates).await?;
    Ok(found.len() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_round_trip() {
        for s in [Source::App, Source::Event, Source::Sync, Source::Restore] {
            assert_eq!(Source::from_code(s.code()), Some(s));
        }
        assert_eq!(Source::from_code(0), None);
    }

    #[test]
    fn the_hash_ignores_the_update_time_only() {
        let row = |updated: i64, seconds: i64| {
            vec![
                Value::Int(1),
                Value::Int(10),
                Value::Int(20),
                Value::Int(30),
                Value::Int(40),
                Value::Int(50),
                Value::Int(seconds),
                Value::Int(updated),
                Value::Int(0),
                Value::Int(0),
                Value::Int(0),
            ]
        };
        let a = version_hash(&row(1, 60), None);
        assert_eq!(a, version_hash(&row(2, 60), None));
        assert_ne!(a, version_hash(&row(1, 61), None));
        assert_ne!(a, version_hash(&row(1, 60), Some("{}")));
    }

    #[test]
    fn settings_default_to_forever_with_comments() {
        let s: JournalSettings = serde_json::from_str("{}").unwrap();
        assert_eq!(s, JournalSettings::default());
        assert!(s.comments);
        assert_eq!(s.retention_days, None);
    }
}
