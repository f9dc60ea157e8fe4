//! The index reads of reports and exports: keyset pages of worklogs (joined
//! with their issue) and of deletion tombstones, narrowed to the viewer's
//! projects and people in SQL, and the parent issues the rows refer to (their
//! dictionary entries are [`super::dict::entries`]). What the viewer may see of each row is decided by the
//! caller (`ops/report/rows.rs`, with [`crate::access::Viewer`]).

use super::{int, placeholders, read_by_ids};
use crate::executor::Ctx;
use crate::protocol::Value;
use crate::Error;

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

/// The next page of `site`'s worklogs in `order` within `range`, after the key
/// `after` (`(at, id)`), narrowed to `scope`, at most `limit` rows.
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
    let mut sql = format!(
        "SELECT w.id, w.issue, w.project, w.author, w.started, w.seconds, w.updated, \
         w.visibility, w.attrs, w.note, i.issue_key, i.summary, i.parent, i.issue_type, \
         i.status, i.components, i.labels, i.security \
         FROM worklogs w LEFT JOIN issues i ON i.site = w.site AND i.id = w.issue \
         WHERE w.site = ? AND {column} >= ? AND {column} < ?"
    );
    let mut params = vec![
        Value::Int(site),
        Value::Int(range.from),
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
    let mut params = vec![
        Value::Int(site),
        Value::Int(range.from),
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
