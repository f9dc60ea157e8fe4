//! The index reads of reports and exports: keyset pages of worklogs (joined
//! with their issue) and of deletion tombstones, narrowed to the viewer's
//! projects and people in SQL, and the parent issues the rows refer to (their
//! dictionary entries are [`super::dict::entries`]). What the viewer may see of each row is decided by the
//! caller (`ops/report/rows.rs`, with [`crate::access::Viewer`]).

use std::collections::BTreeMap;

use super::{int, placeholders, read_by_ids};
use crate::executor::Ctx;
use crate::protocol::{SqlRows, Value};
use crate::Error;
use worklogs_core::calendar::WeekStart;

/// The order pages are read in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Order {
    /// By start, then id (reports and `export.run`).
    Started,
    /// By last update, then id (`export.changes`).
    Updated,
}

impl Order {
    fn column(self) -> &'static str {
        match self {
            Order::Started => "w.started",
            Order::Updated => "w.updated",
        }
    }
}

/// What to read: a range of the order column.
#[derive(Clone, Copy, Debug)]
pub struct Range {
    /// The order column's lower bound (inclusive), epoch ms.
    pub from: i64,
    /// The order column's upper bound (exclusive), epoch ms.
    pub until: i64,
}

/// The projects and the authors (index ids) to read; `None`: all.
pub type Scope<'a> = (Option<&'a [i64]>, Option<&'a [i64]>);

/// A worklog row of the index with its issue's columns (dictionary ids where
/// the index keeps them), or a tombstone (id, `updated` = when deleted,
/// project, author, visibility; the rest zero).
#[derive(Debug, Default)]
pub struct ReportRow {
    /// The worklog id.
    pub id: i64,
    /// Its issue id.
    pub issue: i64,
    /// Its project id.
    pub project: i64,
    /// The author (dictionary id).
    pub author: i64,
    /// Start, epoch ms.
    pub started: i64,
    /// Time spent, seconds.
    pub seconds: i64,
    /// Last update (a tombstone: when deleted), epoch ms.
    pub updated: i64,
    /// The visibility (dictionary id; 0: none).
    pub visibility: i64,
    /// The attributes (dictionary id; 0: none).
    pub attrs: i64,
    /// The comment's hash (0: none).
    pub note: i64,
    /// The issue key.
    pub key: String,
    /// The issue summary.
    pub summary: String,
    /// The parent issue id (0: none).
    pub parent: i64,
    /// The issue type (dictionary id).
    pub issue_type: i64,
    /// The status (dictionary id).
    pub status: i64,
    /// The components (dictionary id).
    pub components: i64,
    /// The labels (dictionary id).
    pub labels: i64,
    /// The issue's security level (0: none; -1: not known, as for an issue the
    /// index lacks).
    pub security: i64,
    /// How many worklogs the row stands for: 1 for a worklog, more for a
    /// group ([`group_page`]).
    pub count: i64,
}

/// A parent issue as the index has it.
#[derive(Debug)]
pub struct ParentRow {
    /// The issue id.
    pub id: i64,
    /// Its key.
    pub key: String,
    /// Its summary.
    pub summary: String,
    /// Its project id.
    pub project: i64,
    /// Its security level (0: none; -1: not known).
    pub security: i64,
}

fn text(value: Option<&Value>) -> String {
    match value {
        Some(Value::Text(t)) => t.clone(),
        Some(other) => int(other).map(|i| i.to_string()).unwrap_or_default(),
        None => String::new(),
    }
}

fn num(row: &[Value], i: usize) -> i64 {
    row.get(i).and_then(int).unwrap_or(0)
}

/// ` AND {column} IN (…)` for each list of the scope.
fn narrow(sql: &mut String, params: &mut Vec<Value>, prefix: &str, (projects, authors): Scope<'_>) {
    for (column, ids) in [("project", projects), ("author", authors)] {
        if let Some(ids) = ids {
            sql.push_str(&format!(
                " AND {prefix}.{column} IN ({})",
                placeholders(ids.len())
            ));
            params.extend(ids.iter().map(|&i| Value::Int(i)));
        }
    }
}

/// The cap every page of [`worklog_page`] keeps its answer under: 3.5 MiB,
/// with room under Forge SQL's 4 MiB response (which counts every cell: text
/// by its bytes, numbers 8, nulls none).
pub const PAGE_RESPONSE_CAP: usize = 3584 * 1024;

/// The most bytes one row of [`worklog_page`] counts for in that limit: its
/// 16 integer columns at 8 bytes, and the issue's key and summary, each a
/// `VARCHAR(255)` of at most 4 bytes a character (`schema.rs`, `0010-issues`).
pub const PAGE_ROW_BYTES: usize = 16 * 8 + 2 * 255 * 4;

/// The most rows a page of [`worklog_page`] may ask for so that its answer
/// stays under [`PAGE_RESPONSE_CAP`] whatever the rows hold (1,692).
pub const MAX_PAGE_ROWS: usize = PAGE_RESPONSE_CAP / PAGE_ROW_BYTES;

/// The next page of `site`'s worklogs in `order` within `range`, after the key
/// `after` (`(at, id)`), narrowed to `scope`, at most `limit` rows (no more
/// than [`MAX_PAGE_ROWS`], so the answer stays under [`PAGE_RESPONSE_CAP`]).
///
/// # Errors
///
/// The database's errors.
pub async fn worklog_page(
    ctx: &Ctx,
    site: i64,
    order: Order,
    range: &Range,
    after: Option<(i64, i64)>,
    scope: Scope<'_>,
    limit: usize,
) -> Result<Vec<ReportRow>, Error> {
    let column = order.column();
    let limit = limit.min(MAX_PAGE_ROWS);
    let mut sql = format!(
        "SELECT w.id, w.issue, w.project, w.author, w.started, w.seconds, w.updated, \
         w.visibility, w.attrs, w.note, i.issue_key, i.summary, i.parent, i.issue_type, \
         i.status, i.components, i.labels, i.security \
         FROM worklogs w LEFT JOIN issues i ON i.site = w.site AND i.id = w.issue \
         WHERE w.site = ? AND {column} >= ? AND {column} < ?"
    );
    // After a key, the lower bound is the key's own value, so that the
    // index range begins there; the `OR` below is not a range an engine
    // seeks by (with the range's start instead, every page scanned the
    // range from its start again: 1,000,000 rows exported in 50 s).
    let mut params = vec![
        Value::Int(site),
        Value::Int(after.map_or(range.from, |(at, _)| at.max(range.from))),
        Value::Int(range.until),
    ];
    if let Some((at, id)) = after {
        sql.push_str(&format!(
            " AND ({column} > ? OR ({column} = ? AND w.id > ?))"
        ));
        params.extend([Value::Int(at), Value::Int(at), Value::Int(id)]);
    }
    narrow(&mut sql, &mut params, "w", scope);
    // The limit is the app's own constant, written as a literal: engines
    // differ on placeholders in LIMIT.
    sql.push_str(&format!(" ORDER BY {column}, w.id LIMIT {limit}"));
    let answer = ctx.sql(&sql, params).await?;
    Ok(answer
        .rows
        .iter()
        .map(|row| ReportRow {
            id: num(row, 0),
            issue: num(row, 1),
            project: num(row, 2),
            author: num(row, 3),
            started: num(row, 4),
            seconds: num(row, 5),
            updated: num(row, 6),
            visibility: num(row, 7),
            attrs: num(row, 8),
            note: num(row, 9),
            key: text(row.get(10)),
            summary: text(row.get(11)),
            parent: num(row, 12),
            issue_type: num(row, 13),
            status: num(row, 14),
            components: num(row, 15),
            labels: num(row, 16),
            security: row.get(17).and_then(int).unwrap_or(-1),
            count: 1,
        })
        .collect())
}

/// The next page of `site`'s tombstones deleted within `range`, after
/// `after` (`(deleted, id)`), narrowed to `scope`, at most `limit`: rows with
/// the id, `updated` = when deleted, project, author and visibility.
///
/// # Errors
///
/// The database's errors.
pub async fn deletion_page(
    ctx: &Ctx,
    site: i64,
    range: &Range,
    after: Option<(i64, i64)>,
    scope: Scope<'_>,
    limit: usize,
) -> Result<Vec<ReportRow>, Error> {
    let mut sql = "SELECT d.id, d.deleted, d.project, d.author, d.visibility \
                   FROM worklog_deletions d WHERE d.site = ? AND d.deleted >= ? AND d.deleted < ?"
        .to_owned();
    // The key's own value as the lower bound, as in `worklog_page`.
    let mut params = vec![
        Value::Int(site),
        Value::Int(after.map_or(range.from, |(at, _)| at.max(range.from))),
        Value::Int(range.until),
    ];
    if let Some((at, id)) = after {
        sql.push_str(" AND (d.deleted > ? OR (d.deleted = ? AND d.id > ?))");
        params.extend([Value::Int(at), Value::Int(at), Value::Int(id)]);
    }
    narrow(&mut sql, &mut params, "d", scope);
    sql.push_str(&format!(" ORDER BY d.deleted, d.id LIMIT {limit}"));
    let answer = ctx.sql(&sql, params).await?;
    Ok(answer
        .rows
        .iter()
        .map(|row| ReportRow {
            id: num(row, 0),
            updated: num(row, 1),
            project: num(row, 2),
            author: num(row, 3),
            visibility: num(row, 4),
            ..ReportRow::default()
        })
        .collect())
}

/// The issues of `site` among `ids`, as parents.
///
/// # Errors
///
/// The database's errors.
pub async fn parents(ctx: &Ctx, site: i64, ids: &[i64]) -> Result<Vec<ParentRow>, Error> {
    let rows = read_by_ids(
        ctx,
        "SELECT id, issue_key, summary, project, security FROM issues \
         WHERE site = ? AND id IN ({ids}) LIMIT {limit}",
        site,
        ids,
        0,
    )
    .await?;
    Ok(rows
        .iter()
        .map(|row| ParentRow {
            id: num(row, 0),
            key: text(row.get(1)),
            summary: text(row.get(2)),
            project: num(row, 3),
            security: row.get(4).and_then(int).unwrap_or(-1),
        })
        .collect())
}

/// What a grouped read keys its groups by, besides the project and the
/// visibility (which every read keys by: the permission checks look at them):
/// the fields of [`worklogs_core::report::Reads`] as columns.
#[derive(Clone, Copy, Debug, Default)]
pub struct GroupColumns {
    /// The author (`w.author`); without it, the read's `IN` list of authors
    /// is the only check of whose time it counts.
    pub author: bool,
    /// The issue (`w.issue`); without it, the issue only where the viewer's
    /// sight of it needs Jira's answer (see [`IssueCheck`]).
    pub issue: bool,
    /// The parent (`i.parent`).
    pub parent: bool,
    /// The status (`i.status`, a dictionary id).
    pub status: bool,
    /// The components (`i.components`, the dictionary id of the sorted set).
    pub components: bool,
    /// The labels (`i.labels`, likewise).
    pub labels: bool,
    /// The attributes (`w.attrs`, the dictionary id of the canonical set).
    pub attributes: bool,
    /// Each worklog's seconds (a per-worklog rounding rule).
    pub each_seconds: bool,
    /// The author's locked approval period holding the start (the latest
    /// starting one, as [`worklogs_core::approval::worklog_approval_state`]
    /// picks): a group is then within one period's state.
    pub approval: bool,
    /// The local day, with the span's offset in ms; `None`: no day.
    pub day_offset_ms: Option<i64>,
    /// With a day: key by the local week starting on this day instead (see
    /// [`week_key`]).
    pub week: Option<WeekStart>,
}

impl GroupColumns {
    /// Whether the read keys by a column of the issue's own row (parent,
    /// status, components, labels), which only a join with `issues` reads.
    pub fn reads_issue_columns(&self) -> bool {
        self.parent || self.status || self.components || self.labels
    }
}

/// The SQL key of a worklog's local week in a span of offset `offset` ms:
/// the start shifted so that weeks begin at multiples of seven days since
/// the epoch, less its remainder. 1970-01-01 was a Thursday, so a week from
/// Monday begins three days before a multiple of seven days, one from
/// Sunday four and one from Saturday five. Integer arithmetic only (SQLite,
/// MariaDB and TiDB alike); starts before 1970 are not indexed.
fn week_key(offset: i64, start: WeekStart) -> String {
    const DAY_MS: i64 = 86_400_000;
    let shift = match start {
        WeekStart::Monday => 3,
        WeekStart::Sunday => 4,
        WeekStart::Saturday => 5,
    } * DAY_MS;
    let at = offset.saturating_add(shift);
    format!(
        "(w.started + ({at})) - ((w.started + ({at})) % {})",
        7 * DAY_MS
    )
}

/// Which issues a grouped read keeps apart for the viewer's issue checks
/// ([`crate::access::Viewer::needs_issue_check`]).
#[derive(Clone, Debug)]
pub enum IssueCheck<'a> {
    /// None (the app).
    Never,
    /// Those with a security level (or none known) or outside the `open`
    /// projects; `secured`, when given, lists the site's issues with a level
    /// ([`secured_issues`]), so that the read needs no join for it.
    Unless {
        /// The projects whose every issue the viewer sees by browsing them.
        open: Vec<i64>,
        /// The site's issues with a security level, by id.
        secured: Option<&'a BTreeMap<i64, i64>>,
    },
}

/// The most issues with a security level a grouped read names in its text
/// instead of joining `issues` ([`secured_issues`]).
pub const MAX_LISTED_SECURED: usize = 1000;

/// The issues of `site` whose security level is set or not known (not 0),
/// with it; `None` when there are more than `limit`. A grouped read given
/// them needs no join with `issues` for the level ([`group_page`]): on most
/// sites few issues have one, and the join was half of a read's time over
/// MariaDB (`docs/performance.md`). Every project's, not only the read's: a
/// worklog's project is written before its moved issue's row
/// (`index::store::store_issues`), so an issue's row may still name the
/// project it left.
///
/// # Errors
///
/// The database's errors.
pub async fn secured_issues(
    ctx: &Ctx,
    site: i64,
    limit: usize,
) -> Result<Option<BTreeMap<i64, i64>>, Error> {
    let sql = format!(
        "SELECT i.id, i.security FROM issues i \
         WHERE i.site = ? AND (i.security < 0 OR i.security > 0) LIMIT {}",
        limit.saturating_add(1)
    );
    let answer = ctx.sql(&sql, vec![Value::Int(site)]).await?;
    Ok(at_most(&answer, limit).map(|rows| {
        rows.iter()
            .map(|row| (num(row, 0), row.get(1).and_then(int).unwrap_or(-1)))
            .collect()
    }))
}

/// The rows of a read asked for `limit + 1`, or `None` when it found more
/// than `limit` (the caller reads less or otherwise).
fn at_most(answer: &SqlRows, limit: usize) -> Option<&[Vec<Value>]> {
    (answer.rows.len() <= limit).then_some(answer.rows.as_slice())
}

/// The earliest start at or after `from` of a worklog of `site` within
/// `scope` (the viewer's projects and people, as the grouped reads are
/// narrowed; none when there is none), so a report steps over a stretch with
/// nothing to read in one statement instead of reading ever wider empty
/// ranges into a dense one. Narrowed like the reads, it tells the report's
/// position (and so its progress) nothing about worklogs outside them.
///
/// # Errors
///
/// The database's errors.
pub async fn next_start(
    ctx: &Ctx,
    site: i64,
    from: i64,
    scope: Scope<'_>,
) -> Result<Option<i64>, Error> {
    let mut sql = "SELECT w.started FROM worklogs w WHERE w.site = ? AND w.started >= ?".to_owned();
    let mut params = vec![Value::Int(site), Value::Int(from)];
    narrow(&mut sql, &mut params, "w", scope);
    sql.push_str(" ORDER BY w.started LIMIT 1");
    let rows = ctx.sql(&sql, params).await?;
    Ok(super::first_int(&rows))
}

/// Groups of worklogs as [`ReportRow`]s: `count` worklogs, `seconds` their
/// sum, `started` the earliest start (in the group's local day), `id` 0,
/// `issue` 0 where the read did not key by it, columns not read 0.
///
/// One `SELECT … GROUP BY` over `worklogs`, `COUNT`, `SUM` and `MIN` only,
/// integer arithmetic for the day: the portable subset (SQLite, MariaDB,
/// TiDB), no restricted function. At most `limit` groups: `None` when there
/// are more (the caller splits the range).
///
/// `issues` is joined for the issue's own columns
/// ([`GroupColumns::reads_issue_columns`]), and for its security level unless
/// the check lists the site's issues that have one ([`IssueCheck::Unless`]):
/// then the read keys those issues' worklogs by issue and each group takes
/// its issue's level from the list (every other issue has none). The app's
/// check lists none: without the join, its groups (it knows no project)
/// would carry no issue key to name their project by.
///
/// # Errors
///
/// The database's errors.
pub async fn group_page(
    ctx: &Ctx,
    site: i64,
    columns: &GroupColumns,
    check: &IssueCheck<'_>,
    range: &Range,
    scope: Scope<'_>,
    limit: usize,
) -> Result<Option<Vec<ReportRow>>, Error> {
    let listed = match check {
        IssueCheck::Unless { secured, .. } if !columns.reads_issue_columns() => *secured,
        _ => None,
    };
    let mut params = Vec::new();
    let issue = if columns.issue {
        "w.issue".to_owned()
    } else {
        match check {
            IssueCheck::Never => "0".to_owned(),
            IssueCheck::Unless { open, .. } if open.is_empty() => "w.issue".to_owned(),
            IssueCheck::Unless { open, .. } => {
                let unsecured = match listed {
                    None => "i.security = 0".to_owned(),
                    Some(levels) if levels.is_empty() => "1 = 1".to_owned(),
                    Some(levels) => {
                        params.extend(levels.keys().map(|&i| Value::Int(i)));
                        format!("w.issue NOT IN ({})", placeholders(levels.len()))
                    }
                };
                params.extend(open.iter().map(|&p| Value::Int(p)));
                format!(
                    "CASE WHEN {unsecured} AND w.project IN ({}) THEN 0 ELSE w.issue END",
                    placeholders(open.len())
                )
            }
        }
    };
    // The start of the author's latest starting locked period holding the
    // worklog (NULL: none), a scalar subquery on the periods' index: the
    // core's rule (`worklog_approval_state`) gives every worklog of a group
    // keyed by it the same state.
    let approval = if columns.approval {
        params.push(Value::Text(ctx.context().installation.clone()));
        "(SELECT MAX(ap.start_ms) FROM approval_periods ap WHERE ap.installation = ? \
         AND ap.account_key = w.author AND ap.start_ms <= w.started AND ap.end_ms > w.started \
         AND ap.state IN ('submitted', 'approved'))"
            .to_owned()
    } else {
        "0".to_owned()
    };
    let pick = |wanted: bool, column: &str| {
        if wanted {
            column.to_owned()
        } else {
            "0".to_owned()
        }
    };
    let keys = [
        "w.project".to_owned(),
        pick(columns.author, "w.author"),
        "w.visibility".to_owned(),
        pick(columns.attributes, "w.attrs"),
        issue,
        if listed.is_some() { "0" } else { "i.security" }.to_owned(),
        pick(columns.parent, "i.parent"),
        pick(columns.status, "i.status"),
        pick(columns.components, "i.components"),
        pick(columns.labels, "i.labels"),
        pick(columns.each_seconds, "w.seconds"),
        approval,
    ];
    let day = columns.day_offset_ms.map(|offset| match columns.week {
        Some(start) => week_key(offset, start),
        // The offset is the core's own number, written as a literal so that
        // the grouped expression is the same text wherever it appears.
        None => format!("(w.started + ({offset})) - ((w.started + ({offset})) % 86400000)"),
    });
    // The key expressions' parameters appear once, in the select list; the
    // GROUP BY names the select list's positions for them. Every column has
    // its own alias: two literal `0` keys would otherwise share a name, which
    // Forge SQL's answer (rows as objects by column name) cannot carry.
    let aliased: Vec<String> = keys
        .iter()
        .enumerate()
        .map(|(i, key)| format!("{key} AS k{i}"))
        .collect();
    let mut sql = format!(
        "SELECT COUNT(*) AS n, SUM(w.seconds) AS s, MIN(w.started) AS t, {}{}",
        aliased.join(", "),
        if listed.is_some() {
            " FROM worklogs w"
        } else {
            ", MIN(i.issue_key) AS ik \
             FROM worklogs w LEFT JOIN issues i ON i.site = w.site AND i.id = w.issue"
        }
    );
    sql.push_str(" WHERE w.site = ? AND w.started >= ? AND w.started < ?");
    params.extend([
        Value::Int(site),
        Value::Int(range.from),
        Value::Int(range.until),
    ]);
    narrow(&mut sql, &mut params, "w", scope);
    let positions: Vec<String> = keys
        .iter()
        .enumerate()
        .filter(|(_, k)| k.as_str() != "0")
        .map(|(i, _)| (i + 4).to_string())
        .chain(day.clone())
        .collect();
    sql.push_str(&format!(
        " GROUP BY {} LIMIT {}",
        positions.join(", "),
        limit.saturating_add(1)
    ));
    let answer = ctx.sql(&sql, params).await?;
    Ok(at_most(&answer, limit).map(|rows| {
        rows.iter()
            .map(|row| ReportRow {
                count: num(row, 0),
                seconds: num(row, 1),
                started: num(row, 2),
                project: num(row, 3),
                author: num(row, 4),
                visibility: num(row, 5),
                attrs: num(row, 6),
                issue: num(row, 7),
                security: match listed {
                    // Only a listed issue's worklogs are keyed by it where
                    // the level matters; any other issue has none.
                    Some(levels) => levels.get(&num(row, 7)).copied().unwrap_or(0),
                    None => row.get(8).and_then(int).unwrap_or(-1),
                },
                parent: num(row, 9),
                status: num(row, 10),
                components: num(row, 11),
                labels: num(row, 12),
                key: text(row.get(keys.len() + 3)),
                ..ReportRow::default()
            })
            .collect()
    }))
}
