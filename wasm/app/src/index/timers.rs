//! The table `timers`: one row per timer of a person (see [`crate::schema`],
//! `0020-timers`). The timer operations read and write it only through these
//! functions, and every read or write of one person's timers names the owner's
//! account id in its key: a timer is never read for anyone else.
//!
//! Every read is bounded with `LIMIT`; each write is one statement.

use crate::executor::Ctx;
use crate::protocol::Value;
use crate::Error;

use super::int;

/// One timer as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimerRow {
    /// The owner's account id.
    pub account: String,
    /// Its id (hex digits), unique per owner.
    pub id: String,
    /// The issue's numeric id.
    pub issue_id: i64,
    /// The issue's key when the timer was started.
    pub issue_key: String,
    /// `running`, `paused` or `forgotten` (`worklogs_core::timer::State`).
    pub state: String,
    /// The first start, epoch milliseconds.
    pub first_start: i64,
    /// Milliseconds of the closed running segments.
    pub accumulated_ms: i64,
    /// When the current segment began (running only).
    pub running_since: Option<i64>,
    /// When the forgotten rule stops (or stopped) it.
    pub stop_at: Option<i64>,
    /// Why: `limit` or `midnight`.
    pub stop_reason: Option<String>,
    /// The person's IANA zone when the segment began.
    pub zone: String,
    /// The comment, plain text.
    pub comment: String,
    /// The attribute values, a JSON object.
    pub attributes: String,
    /// When the row was last written, epoch milliseconds.
    pub updated: i64,
}

const COLUMNS: &str = "account, id, issue_id, issue_key, state, first_start, accumulated_ms, \
     running_since, stop_at, stop_reason, zone, comment, attributes, updated";

fn text(value: Option<&Value>) -> String {
    match value {
        Some(Value::Text(t)) => t.clone(),
        _ => String::new(),
    }
}

fn number(value: Option<&Value>) -> Option<i64> {
    value.and_then(int)
}

/// A row read with [`COLUMNS`]; missing or mistyped cells read as empty, 0 or
/// none.
fn row_of(row: &[Value]) -> TimerRow {
    TimerRow {
        account: text(row.first()),
        id: text(row.get(1)),
        issue_id: number(row.get(2)).unwrap_or(0),
        issue_key: text(row.get(3)),
        state: text(row.get(4)),
        first_start: number(row.get(5)).unwrap_or(0),
        accumulated_ms: number(row.get(6)).unwrap_or(0),
        running_since: number(row.get(7)),
        stop_at: number(row.get(8)),
        stop_reason: match row.get(9) {
            Some(Value::Text(t)) => Some(t.clone()),
            _ => None,
        },
        zone: text(row.get(10)),
        comment: text(row.get(11)),
        attributes: text(row.get(12)),
        updated: number(row.get(13)).unwrap_or(0),
    }
}

fn installation(ctx: &Ctx) -> Value {
    Value::Text(ctx.context().installation.clone())
}

fn optional(value: Option<i64>) -> Value {
    value.map_or(Value::Null, Value::Int)
}

/// `account`'s timers on this installation, by id, at most `limit`.
///
/// # Errors
///
/// The database's errors.
pub async fn list_timers(ctx: &Ctx, account: &str, limit: usize) -> Result<Vec<TimerRow>, Error> {
    let rows = ctx
        .sql(
            &format!(
                "SELECT {COLUMNS} FROM timers WHERE installation = ? AND account = ? \
                 ORDER BY id LIMIT {limit}"
            ),
            vec![installation(ctx), Value::Text(account.to_owned())],
        )
        .await?;
    Ok(rows.rows.iter().map(|r| row_of(r)).collect())
}

/// `account`'s timer `id` on this installation, if there is one (never
/// another person's).
///
/// # Errors
///
/// The database's errors.
pub async fn read_timer(ctx: &Ctx, account: &str, id: &str) -> Result<Option<TimerRow>, Error> {
    let rows = ctx
        .sql(
            &format!(
                "SELECT {COLUMNS} FROM timers WHERE installation = ? AND account = ? AND id = ? \
                 LIMIT 1"
            ),
            vec![
                installation(ctx),
                Value::Text(account.to_owned()),
                Value::Text(id.to_owned()),
            ],
        )
        .await?;
    Ok(rows.rows.first().map(|r| row_of(r)))
}

/// Running timers of this installation (every person's) whose stop instant is
/// at or before `now`, earliest first, at most `limit`: what the sweep stops.
///
/// # Errors
///
/// The database's errors.
pub async fn due_timers(ctx: &Ctx, now: i64, limit: usize) -> Result<Vec<TimerRow>, Error> {
    let rows = ctx
        .sql(
            &format!(
                "SELECT {COLUMNS} FROM timers WHERE installation = ? AND state = ? \
                 AND stop_at <= ? ORDER BY stop_at, account, id LIMIT {limit}"
            ),
            vec![
                installation(ctx),
                Value::Text("running".to_owned()),
                Value::Int(now),
            ],
        )
        .await?;
    Ok(rows.rows.iter().map(|r| row_of(r)).collect())
}

/// Writes `row` on this installation, replacing the owner's timer with its id.
///
/// # Errors
///
/// The database's errors.
pub async fn write_timer(ctx: &Ctx, row: &TimerRow) -> Result<(), Error> {
    ctx.sql(
        &format!(
            "REPLACE INTO timers (installation, {COLUMNS}) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        ),
        vec![
            installation(ctx),
            Value::Text(row.account.clone()),
            Value::Text(row.id.clone()),
            Value::Int(row.issue_id),
            Value::Text(row.issue_key.clone()),
            Value::Text(row.state.clone()),
            Value::Int(row.first_start),
            Value::Int(row.accumulated_ms),
            optional(row.running_since),
            optional(row.stop_at),
            row.stop_reason.clone().map_or(Value::Null, Value::Text),
            Value::Text(row.zone.clone()),
            Value::Text(row.comment.clone()),
            Value::Text(row.attributes.clone()),
            Value::Int(row.updated),
        ],
    )
    .await
    .map(drop)
}

/// Deletes `account`'s timer `id` on this installation (none is fine).
///
/// # Errors
///
/// The database's errors.
pub async fn delete_timer(ctx: &Ctx, account: &str, id: &str) -> Result<(), Error> {
    ctx.sql(
        "DELETE FROM timers WHERE installation = ? AND account = ? AND id = ?",
        vec![
            installation(ctx),
            Value::Text(account.to_owned()),
            Value::Text(id.to_owned()),
        ],
    )
    .await
    .map(drop)
}
