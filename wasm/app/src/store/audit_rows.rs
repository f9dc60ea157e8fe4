//! Every statement on the audit log (`audit_log`) and its actors
//! (`audit_actors`): see [`super::audit`] for the chain. (Beside the settings'
//! statements rather than in [`crate::index`]: `store::save` writes the entry,
//! and the index reads settings.) Every read is bounded
//! with `LIMIT`; every statement is parameterised.

use crate::executor::Ctx;
use crate::protocol::{SqlRows, Value};
use crate::Error;

/// An integer cell, as [`crate::index::int`] reads one (which this module may
/// not import: the index reads settings).
fn int(value: &Value) -> Option<i64> {
    value.as_int()
}

/// `?, ?, …` for `n` values.
fn placeholders(n: usize) -> String {
    vec!["?"; n].join(", ")
}

/// One stored entry, as its row holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// Its place in the chain.
    pub seq: i64,
    /// When, epoch milliseconds (the run's context).
    pub at_ms: i64,
    /// `person`, `job`, `operator` or `trigger`.
    pub actor_kind: String,
    /// The actor reference (`audit_actors.actor`), 0 for none.
    pub actor: i64,
    /// What was done: `setting.save`, `export.run`…
    pub action: String,
    /// What it was done to: a setting's name, an export's scope.
    pub subject: String,
    /// The value before, if any.
    pub before: Option<String>,
    /// The value after, if any.
    pub after: Option<String>,
    /// The previous entry's hash.
    pub prev_hash: String,
    /// This entry's hash.
    pub hash: String,
}

const COLUMNS: &str =
    "seq, at_ms, actor_kind, actor, action, subject, before_value, after_value, prev_hash, hash";

fn installation(ctx: &Ctx) -> Value {
    Value::Text(ctx.context().installation.clone())
}

fn opt_text(value: Option<&Value>) -> Result<Option<String>, Error> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Text(t)) => Ok(Some(t.clone())),
        Some(other) => Err(Error::upstream(format!(
            "the database answered an audit value that is not text: {other:?}"
        ))),
    }
}

fn text(value: Option<&Value>) -> Result<String, Error> {
    opt_text(value)?
        .ok_or_else(|| Error::upstream("the database answered an audit row without text"))
}

fn number(value: Option<&Value>) -> Result<i64, Error> {
    value
        .and_then(int)
        .ok_or_else(|| Error::upstream("the database answered an audit row without a number"))
}

fn rows(answer: &SqlRows) -> Result<Vec<Row>, Error> {
    answer
        .rows
        .iter()
        .map(|r| {
            Ok(Row {
                seq: number(r.first())?,
                at_ms: number(r.get(1))?,
                actor_kind: text(r.get(2))?,
                actor: number(r.get(3))?,
                action: text(r.get(4))?,
                subject: text(r.get(5))?,
                before: opt_text(r.get(6))?,
                after: opt_text(r.get(7))?,
                prev_hash: text(r.get(8))?,
                hash: text(r.get(9))?,
            })
        })
        .collect()
}

/// The newest entry's sequence number and hash, if any.
///
/// # Errors
///
/// The database's errors.
pub async fn last(ctx: &Ctx) -> Result<Option<(i64, String)>, Error> {
    let answer = ctx
        .sql(
            "SELECT seq, hash FROM audit_log WHERE installation = ? ORDER BY seq DESC LIMIT 1",
            vec![installation(ctx)],
        )
        .await?;
    match answer.rows.first() {
        None => Ok(None),
        Some(r) => Ok(Some((number(r.first())?, text(r.get(1))?))),
    }
}

/// The after values of the entries of `action` written at or after `at_ms`
/// (the first 100: a job's own entry among them when a run wrote it).
///
/// # Errors
///
/// The database's errors.
pub async fn afters_since(
    ctx: &Ctx,
    action: &str,
    at_ms: i64,
) -> Result<Vec<Option<String>>, Error> {
    let answer = ctx
        .sql(
            "SELECT after_value FROM audit_log WHERE installation = ? AND at_ms >= ? \
             AND action = ? ORDER BY at_ms LIMIT 100",
            vec![
                installation(ctx),
                Value::Int(at_ms),
                Value::Text(action.to_owned()),
            ],
        )
        .await?;
    answer.rows.iter().map(|r| opt_text(r.first())).collect()
}

/// Whether the log holds an entry of `action` on `subject`.
///
/// # Errors
///
/// The database's errors.
pub async fn holds(ctx: &Ctx, action: &str, subject: &str) -> Result<bool, Error> {
    let answer = ctx
        .sql(
            "SELECT seq FROM audit_log WHERE installation = ? AND subject = ? AND action = ? LIMIT 1",
            vec![
                installation(ctx),
                Value::Text(subject.to_owned()),
                Value::Text(action.to_owned()),
            ],
        )
        .await?;
    Ok(!answer.rows.is_empty())
}

/// The newest entry on `subject`, if any.
///
/// # Errors
///
/// The database's errors.
pub async fn newest_on(ctx: &Ctx, subject: &str) -> Result<Option<Row>, Error> {
    let answer = ctx
        .sql(
            &format!(
                "SELECT {COLUMNS} FROM audit_log WHERE installation = ? AND subject = ? \
                 ORDER BY seq DESC LIMIT 1"
            ),
            vec![installation(ctx), Value::Text(subject.to_owned())],
        )
        .await?;
    Ok(rows(&answer)?.pop())
}

/// Whether an entry of `action` follows the entry `seq`.
///
/// # Errors
///
/// The database's errors.
pub async fn any_after(ctx: &Ctx, seq: i64, action: &str) -> Result<bool, Error> {
    let answer = ctx
        .sql(
            "SELECT seq FROM audit_log WHERE installation = ? AND seq > ? AND action = ? LIMIT 1",
            vec![
                installation(ctx),
                Value::Int(seq),
                Value::Text(action.to_owned()),
            ],
        )
        .await?;
    Ok(!answer.rows.is_empty())
}

/// Writes one entry. Fails (duplicate key) when another run took `seq` first.
///
/// # Errors
///
/// The database's errors.
pub async fn insert(ctx: &Ctx, row: &Row) -> Result<(), Error> {
    ctx.sql(
        &format!(
            "INSERT INTO audit_log (installation, {COLUMNS}) VALUES ({})",
            placeholders(11)
        ),
        vec![
            installation(ctx),
            Value::Int(row.seq),
            Value::Int(row.at_ms),
            Value::Text(row.actor_kind.clone()),
            Value::Int(row.actor),
            Value::Text(row.action.clone()),
            Value::Text(row.subject.clone()),
            row.before.clone().map_or(Value::Null, Value::Text),
            row.after.clone().map_or(Value::Null, Value::Text),
            Value::Text(row.prev_hash.clone()),
            Value::Text(row.hash.clone()),
        ],
    )
    .await
    .map(drop)
}

/// The actor reference of `account`, if it has one.
///
/// # Errors
///
/// The database's errors.
pub async fn actor_of(ctx: &Ctx, account: &str) -> Result<Option<i64>, Error> {
    let answer = ctx
        .sql(
            "SELECT actor FROM audit_actors WHERE installation = ? AND account = ? \
             ORDER BY actor LIMIT 1",
            vec![installation(ctx), Value::Text(account.to_owned())],
        )
        .await?;
    Ok(answer.rows.first().and_then(|r| r.first()).and_then(int))
}

/// Records `actor` as the reference of `account`.
///
/// # Errors
///
/// The database's errors.
pub async fn add_actor(ctx: &Ctx, actor: i64, account: &str) -> Result<(), Error> {
    ctx.sql(
        "REPLACE INTO audit_actors (installation, actor, account, updated) VALUES (?, ?, ?, ?)",
        vec![
            installation(ctx),
            Value::Int(actor),
            Value::Text(account.to_owned()),
            Value::Int(ctx.context().now_ms),
        ],
    )
    .await
    .map(drop)
}

/// The account ids of these actor references (those not erased).
///
/// # Errors
///
/// The database's errors.
pub async fn accounts(ctx: &Ctx, actors: &[i64]) -> Result<Vec<(i64, String)>, Error> {
    if actors.is_empty() {
        return Ok(Vec::new());
    }
    let mut params = vec![installation(ctx)];
    params.extend(actors.iter().map(|a| Value::Int(*a)));
    let answer = ctx
        .sql(
            &format!(
                "SELECT actor, account FROM audit_actors WHERE installation = ? AND actor IN ({}) LIMIT {}",
                placeholders(actors.len()),
                actors.len()
            ),
            params,
        )
        .await?;
    answer
        .rows
        .iter()
        .map(|r| Ok((number(r.first())?, text(r.get(1))?)))
        .collect()
}

/// What [`page`] selects.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// From this instant, inclusive.
    pub from_ms: Option<i64>,
    /// Up to this instant, exclusive.
    pub to_ms: Option<i64>,
    /// Only this subject (a setting's name…).
    pub subject: Option<String>,
    /// Only this actor reference.
    pub actor: Option<i64>,
    /// Only entries before this sequence number (newest first) or after it
    /// (oldest first).
    pub cursor: Option<i64>,
    /// Oldest first (exports) instead of newest first (the list).
    pub ascending: bool,
}

/// At most `limit` entries matching `filter`.
///
/// # Errors
///
/// The database's errors.
pub async fn page(ctx: &Ctx, filter: &Filter, limit: usize) -> Result<Vec<Row>, Error> {
    let mut sql = format!("SELECT {COLUMNS} FROM audit_log WHERE installation = ?");
    let mut params = vec![installation(ctx)];
    if let Some(from) = filter.from_ms {
        sql.push_str(" AND at_ms >= ?");
        params.push(Value::Int(from));
    }
    if let Some(to) = filter.to_ms {
        sql.push_str(" AND at_ms < ?");
        params.push(Value::Int(to));
    }
    if let Some(subject) = &filter.subject {
        sql.push_str(" AND subject = ?");
        params.push(Value::Text(subject.clone()));
    }
    if let Some(actor) = filter.actor {
        sql.push_str(" AND actor = ?");
        params.push(Value::Int(actor));
    }
    if let Some(cursor) = filter.cursor {
        sql.push_str(if filter.ascending {
            " AND seq > ?"
        } else {
            " AND seq < ?"
        });
        params.push(Value::Int(cursor));
    }
    sql.push_str(if filter.ascending {
        " ORDER BY seq"
    } else {
        " ORDER BY seq DESC"
    });
    sql.push_str(&format!(" LIMIT {limit}"));
    rows(&ctx.sql(&sql, params).await?)
}

/// The number of entries after `seq`.
///
/// # Errors
///
/// The database's errors.
pub async fn count_after(ctx: &Ctx, seq: i64) -> Result<i64, Error> {
    let answer = ctx
        .sql(
            "SELECT COUNT(*) FROM audit_log WHERE installation = ? AND seq > ?",
            vec![installation(ctx), Value::Int(seq)],
        )
        .await?;
    Ok(answer
        .rows
        .first()
        .and_then(|r| r.first())
        .and_then(int)
        .unwrap_or(0))
}

/// Deletes the entries up to `seq`, inclusive (pruning, after the anchor is
/// recorded).
///
/// # Errors
///
/// The database's errors.
pub async fn delete_through(ctx: &Ctx, seq: i64) -> Result<u64, Error> {
    Ok(ctx
        .sql(
            "DELETE FROM audit_log WHERE installation = ? AND seq <= ?",
            vec![installation(ctx), Value::Int(seq)],
        )
        .await?
        .rows_affected)
}
