//! Reading the index's worklog rows: one person's worklogs in a range of
//! starts (`timesheet.week`), and all worklogs in a range of starts in keyset
//! pages (`sync.verify`).

use crate::executor::Ctx;
use crate::protocol::Value;
use crate::Error;

use super::{dict_id, int, Kind};

/// A worklog found by author and start: its id and its issue's id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Found {
    /// The worklog's id.
    pub id: i64,
    /// Its issue's id.
    pub issue: i64,
}

/// The worklogs of `account` started in `[start, end)` (milliseconds), in
/// start order then id, at most `limit` of them (ask for one more than allowed
/// to tell a full range). Rows with a cell that is not an integer are skipped.
///
/// # Errors
///
/// The database's errors.
pub async fn by_author(
    ctx: &Ctx,
    site: i64,
    account: &str,
    start: i64,
    end: i64,
    limit: usize,
) -> Result<Vec<Found>, Error> {
    // Limits are written into the statements, as the index's other reads do.
    let sql = format!(
        "SELECT id, issue FROM worklogs \
         WHERE site = ? AND author = ? AND started >= ? AND started < ? \
         ORDER BY started, id LIMIT {limit}"
    );
    let rows = ctx
        .sql(
            &sql,
            vec![
                Value::Int(site),
                Value::Int(dict_id(Kind::Account, account)),
                Value::Int(start),
                Value::Int(end),
            ],
        )
        .await?;
    Ok(rows
        .rows
        .iter()
        .filter_map(|row| {
            Some(Found {
                id: int(row.first()?)?,
                issue: int(row.get(1)?)?,
            })
        })
        .collect())
}

/// A worklog row as stored: every column an integer (dictionary ids for the
/// author, visibility, attributes and note; 0 for none).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct IndexedWorklog {
    /// The worklog's id.
    pub id: i64,
    /// Its issue's id.
    pub issue: i64,
    /// When it started, in milliseconds.
    pub started: i64,
    /// Time spent, in seconds.
    pub seconds: i64,
    /// When Jira last changed it, in milliseconds.
    pub updated: i64,
    /// The author's dictionary id.
    pub author: i64,
    /// The visibility's dictionary id.
    pub visibility: i64,
    /// The attribute set's dictionary id.
    pub attrs: i64,
    /// The comment's note (see [`super::note`]).
    pub note: i64,
}

/// One keyset page of the worklogs started in `[start, end)` (milliseconds)
/// after `after` (a (started, id) pair; `(start - 1, i64::MAX)` for the first
/// page), in (started, id) order, at most `limit` rows: fewer means the last
/// page. A cell that is not an integer reads as 0.
///
/// # Errors
///
/// The database's errors.
pub async fn started_page(
    ctx: &Ctx,
    site: i64,
    (start, end): (i64, i64),
    (after_started, after_id): (i64, i64),
    limit: usize,
) -> Result<Vec<IndexedWorklog>, Error> {
    let rows = ctx
        .sql(
            &format!(
                "SELECT id, issue, started, seconds, updated, author, visibility, attrs, note FROM worklogs \
                 WHERE site = ? AND started >= ? AND started < ? \
                 AND (started > ? OR (started = ? AND id > ?)) \
                 ORDER BY started, id LIMIT {limit}"
            ),
            vec![
                Value::Int(site),
                // The key's own start as the lower bound, so the index
                // range begins there (the `OR` is no range to seek by).
                Value::Int(start.max(after_started)),
                Value::Int(end),
                Value::Int(after_started),
                Value::Int(after_started),
                Value::Int(after_id),
            ],
        )
        .await?;
    Ok(rows
        .rows
        .iter()
        .map(|row| {
            let get = |i: usize| row.get(i).and_then(int).unwrap_or(0);
            IndexedWorklog {
                id: get(0),
                issue: get(1),
                started: get(2),
                seconds: get(3),
                updated: get(4),
                author: get(5),
                visibility: get(6),
                attrs: get(7),
                note: get(8),
            }
        })
        .collect())
}
