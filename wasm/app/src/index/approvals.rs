//! The approval tables (`0030` to `0037` in [`crate::schema`]): periods,
//! their history, the locked version of their worklogs (snapshots) and the
//! outside edits found against it (drift). The approval operations read and
//! write them only through these functions.
//!
//! Every read is bounded with `LIMIT`; each write is one statement (a
//! snapshot is replaced by a delete and inserts, in that order, so a retry
//! writes it again whole).

use crate::executor::Ctx;
use crate::protocol::{SqlRows, Value};
use crate::Error;

use super::{int, placeholders};

/// The states that lock a period's worklogs.
const LOCKED: &str = "state IN ('submitted', 'approved')";

fn installation(ctx: &Ctx) -> Value {
    Value::Text(ctx.context().installation.clone())
}

fn text(value: Option<&Value>) -> String {
    match value {
        Some(Value::Text(t)) => t.clone(),
        _ => String::new(),
    }
}

fn optional_text(value: Option<&Value>) -> Option<String> {
    match value {
        Some(Value::Text(t)) => Some(t.clone()),
        _ => None,
    }
}

fn number(value: Option<&Value>) -> i64 {
    value.and_then(int).unwrap_or(0)
}

fn opt(value: Option<String>) -> Value {
    value.map_or(Value::Null, Value::Text)
}

/// A person's period as stored.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PeriodRow {
    /// The person's account id.
    pub account: String,
    /// The first date, yyyy-MM-dd.
    pub start_date: String,
    /// The last date (inclusive), yyyy-MM-dd.
    pub end_date: String,
    /// The account's dictionary id (as the index's `author`).
    pub account_key: i64,
    /// The zone the instants were fixed in.
    pub zone: String,
    /// The first instant, epoch milliseconds.
    pub start_ms: i64,
    /// The instant after the last, epoch milliseconds.
    pub end_ms: i64,
    /// `open`, `submitted` or `approved`.
    pub state: String,
    /// The last reviewer decision: `approved`, `rejected` or `reopened`.
    pub decision: Option<String>,
    /// Who decided.
    pub decided_by: Option<String>,
    /// When, epoch milliseconds.
    pub decided_ms: Option<i64>,
    /// Why (rejections and reopenings).
    pub reason: Option<String>,
    /// When the row was written, epoch milliseconds.
    pub updated: i64,
}

const PERIOD_COLUMNS: &str = "account, start_date, end_date, account_key, zone, start_ms, end_ms, \
     state, decision, decided_by, decided_ms, reason, updated";

fn period_of(row: &[Value]) -> PeriodRow {
    PeriodRow {
        account: text(row.first()),
        start_date: text(row.get(1)),
        end_date: text(row.get(2)),
        account_key: number(row.get(3)),
        zone: text(row.get(4)),
        start_ms: number(row.get(5)),
        end_ms: number(row.get(6)),
        state: text(row.get(7)),
        decision: optional_text(row.get(8)),
        decided_by: optional_text(row.get(9)),
        decided_ms: row.get(10).and_then(int),
        reason: optional_text(row.get(11)),
        updated: number(row.get(12)),
    }
}

/// `account`'s period starting on `start_date`, if stored.
///
/// # Errors
///
/// The database's errors.
pub async fn read_period(
    ctx: &Ctx,
    account: &str,
    start_date: &str,
) -> Result<Option<PeriodRow>, Error> {
    let rows = ctx
        .sql(
            &format!(
                "SELECT {PERIOD_COLUMNS} FROM approval_periods \
                 WHERE installation = ? AND account = ? AND start_date = ? LIMIT 1"
            ),
            vec![
                installation(ctx),
                Value::Text(account.to_owned()),
                Value::Text(start_date.to_owned()),
            ],
        )
        .await?;
    Ok(rows.rows.first().map(|r| period_of(r)))
}

/// The stored periods starting on `start_date` of `accounts` (at most 500).
///
/// # Errors
///
/// The database's errors.
pub async fn periods_of(
    ctx: &Ctx,
    accounts: &[String],
    start_date: &str,
) -> Result<Vec<PeriodRow>, Error> {
    let mut out = Vec::new();
    for chunk in accounts.chunks(500) {
        let mut params = vec![installation(ctx), Value::Text(start_date.to_owned())];
        params.extend(chunk.iter().map(|a| Value::Text(a.clone())));
        let rows = ctx
            .sql(
                &format!(
                    "SELECT {PERIOD_COLUMNS} FROM approval_periods \
                     WHERE installation = ? AND start_date = ? AND account IN ({}) LIMIT 500",
                    placeholders(chunk.len())
                ),
                params,
            )
            .await?;
        out.extend(rows.rows.iter().map(|r| period_of(r)));
    }
    Ok(out)
}

/// Every submitted period of the installation, oldest first, at most `limit`.
///
/// # Errors
///
/// The database's errors.
pub async fn submitted(ctx: &Ctx, limit: usize) -> Result<Vec<PeriodRow>, Error> {
    let rows = ctx
        .sql(
            &format!(
                "SELECT {PERIOD_COLUMNS} FROM approval_periods \
                 WHERE installation = ? AND state = 'submitted' ORDER BY start_date, account LIMIT {limit}"
            ),
            vec![installation(ctx)],
        )
        .await?;
    Ok(rows.rows.iter().map(|r| period_of(r)).collect())
}

/// Writes a period (replacing the stored one).
///
/// # Errors
///
/// The database's errors.
pub async fn write_period(ctx: &Ctx, row: &PeriodRow) -> Result<(), Error> {
    ctx.sql(
        &format!(
            "REPLACE INTO approval_periods (installation, {PERIOD_COLUMNS}) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        ),
        vec![
            installation(ctx),
            Value::Text(row.account.clone()),
            Value::Text(row.start_date.clone()),
            Value::Text(row.end_date.clone()),
            Value::Int(row.account_key),
            Value::Text(row.zone.clone()),
            Value::Int(row.start_ms),
            Value::Int(row.end_ms),
            Value::Text(row.state.clone()),
            opt(row.decision.clone()),
            opt(row.decided_by.clone()),
            row.decided_ms.map_or(Value::Null, Value::Int),
            opt(row.reason.clone()),
            Value::Int(row.updated),
        ],
    )
    .await?;
    Ok(())
}

/// Whether any period of the installation is locked (one indexed probe: the
/// lock costs nothing on a site that does not use approvals).
///
/// # Errors
///
/// The database's errors.
pub async fn any_locked(ctx: &Ctx) -> Result<bool, Error> {
    let rows = ctx
        .sql(
            &format!("SELECT 1 FROM approval_periods WHERE installation = ? AND {LOCKED} LIMIT 1"),
            vec![installation(ctx)],
        )
        .await?;
    Ok(!rows.rows.is_empty())
}

/// The locked periods of the people `keys` (dictionary ids) that overlap
/// `[from, to]` (epoch milliseconds), at most 5000.
///
/// # Errors
///
/// The database's errors.
pub async fn locked_overlapping(
    ctx: &Ctx,
    keys: &[i64],
    (from, to): (i64, i64),
) -> Result<Vec<PeriodRow>, Error> {
    let mut out = Vec::new();
    for chunk in keys.chunks(500) {
        let mut params = vec![installation(ctx)];
        params.extend(chunk.iter().map(|k| Value::Int(*k)));
        params.push(Value::Int(to));
        params.push(Value::Int(from));
        let rows = ctx
            .sql(
                &format!(
                    "SELECT {PERIOD_COLUMNS} FROM approval_periods \
                     WHERE installation = ? AND account_key IN ({}) AND start_ms <= ? AND end_ms > ? \
                     AND {LOCKED} LIMIT 5000",
                    placeholders(chunk.len())
                ),
                params,
            )
            .await?;
        out.extend(rows.rows.iter().map(|r| period_of(r)));
    }
    Ok(out)
}

/// A locked period of a person as the reports need it: their dictionary id,
/// the instants and the state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpanRow {
    /// The account's dictionary id (as the index's `author`).
    pub account_key: i64,
    /// The first instant, epoch milliseconds.
    pub start_ms: i64,
    /// The instant after the last, epoch milliseconds.
    pub end_ms: i64,
    /// `submitted` or `approved`.
    pub state: String,
    /// The first date (the key's last part, for the next page).
    pub start_date: String,
}

/// Rows of one page of [`locked_spans`].
const SPANS_PER_PAGE: usize = 5000;

/// Every submitted or approved period of the people `keys` (dictionary ids)
/// overlapping `[from, until)` (epoch milliseconds), in keyset pages of
/// 5000 rows (every one is read: a report's states must be complete).
///
/// # Errors
///
/// The database's errors.
pub async fn locked_spans(
    ctx: &Ctx,
    keys: &[i64],
    (from, until): (i64, i64),
) -> Result<Vec<SpanRow>, Error> {
    let mut out = Vec::new();
    for chunk in keys.chunks(500) {
        let mut after: Option<(i64, i64, String)> = None;
        loop {
            let mut params = vec![installation(ctx)];
            params.extend(chunk.iter().map(|k| Value::Int(*k)));
            params.push(Value::Int(until));
            params.push(Value::Int(from));
            let mut next = String::new();
            if let Some((key, start, date)) = &after {
                next.push_str(
                    " AND (account_key > ? OR (account_key = ? AND (start_ms > ? \
                     OR (start_ms = ? AND start_date > ?))))",
                );
                params.extend([
                    Value::Int(*key),
                    Value::Int(*key),
                    Value::Int(*start),
                    Value::Int(*start),
                    Value::Text(date.clone()),
                ]);
            }
            let rows = ctx
                .sql(
                    &format!(
                        "SELECT account_key, start_ms, end_ms, state, start_date FROM approval_periods \
                         WHERE installation = ? AND account_key IN ({}) AND start_ms < ? AND end_ms > ? \
                         AND {LOCKED}{next} ORDER BY account_key, start_ms, start_date \
                         LIMIT {SPANS_PER_PAGE}",
                        placeholders(chunk.len())
                    ),
                    params,
                )
                .await?;
            let page: Vec<SpanRow> = rows
                .rows
                .iter()
                .map(|r| SpanRow {
                    account_key: number(r.first()),
                    start_ms: number(r.get(1)),
                    end_ms: number(r.get(2)),
                    state: text(r.get(3)),
                    start_date: text(r.get(4)),
                })
                .collect();
            let full = page.len() >= SPANS_PER_PAGE;
            after = page
                .last()
                .map(|s| (s.account_key, s.start_ms, s.start_date.clone()));
            out.extend(page);
            if !full {
                break;
            }
        }
    }
    Ok(out)
}

/// One entry of a period's history.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HistoryRow {
    /// The person's account id.
    pub account: String,
    /// The period's first date.
    pub start_date: String,
    /// Unique within the period, in order: the entry's sequence number, the
    /// action and the worklog.
    pub id: String,
    /// When, epoch milliseconds.
    pub at_ms: i64,
    /// `submitted`, `approved`, `rejected`, `reopened`, `flagged`,
    /// `restored` or `accepted`.
    pub action: String,
    /// Who; none for the app.
    pub actor: Option<String>,
    /// Why.
    pub reason: Option<String>,
    /// The worklog, for flags, restores and acceptances.
    pub worklog: Option<i64>,
    /// The values replaced (JSON).
    pub replaced: Option<String>,
}

/// Appends an entry to a period's history (a repeated id replaces itself).
///
/// # Errors
///
/// The database's errors.
pub async fn add_history(ctx: &Ctx, row: &HistoryRow) -> Result<(), Error> {
    ctx.sql(
        "REPLACE INTO approval_history (installation, account, start_date, id, at_ms, action, \
         actor, reason, worklog, replaced, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        vec![
            installation(ctx),
            Value::Text(row.account.clone()),
            Value::Text(row.start_date.clone()),
            Value::Text(row.id.clone()),
            Value::Int(row.at_ms),
            Value::Text(row.action.clone()),
            opt(row.actor.clone()),
            opt(row.reason.clone()),
            row.worklog.map_or(Value::Null, Value::Int),
            opt(row.replaced.clone()),
            Value::Int(row.at_ms),
        ],
    )
    .await?;
    Ok(())
}

/// A period's newest history entry, if any.
///
/// # Errors
///
/// The database's errors.
pub async fn newest_history(
    ctx: &Ctx,
    account: &str,
    start_date: &str,
) -> Result<Option<HistoryRow>, Error> {
    let rows = ctx
        .sql(
            &format!(
                "SELECT {HISTORY_COLUMNS} FROM approval_history \
                 WHERE installation = ? AND account = ? AND start_date = ? \
                 ORDER BY at_ms DESC, id DESC LIMIT 1"
            ),
            vec![
                installation(ctx),
                Value::Text(account.to_owned()),
                Value::Text(start_date.to_owned()),
            ],
        )
        .await?;
    Ok(history_rows(&rows, account, start_date).pop())
}

/// The columns [`history_rows`] reads.
const HISTORY_COLUMNS: &str = "id, at_ms, action, actor, reason, worklog, replaced";

fn history_rows(rows: &SqlRows, account: &str, start_date: &str) -> Vec<HistoryRow> {
    rows.rows
        .iter()
        .map(|r| HistoryRow {
            account: account.to_owned(),
            start_date: start_date.to_owned(),
            id: text(r.first()),
            at_ms: number(r.get(1)),
            action: text(r.get(2)),
            actor: optional_text(r.get(3)),
            reason: optional_text(r.get(4)),
            worklog: r.get(5).and_then(int),
            replaced: optional_text(r.get(6)),
        })
        .collect()
}

/// A period's history, oldest first, at most `limit` entries.
///
/// # Errors
///
/// The database's errors.
pub async fn history(
    ctx: &Ctx,
    account: &str,
    start_date: &str,
    limit: usize,
) -> Result<Vec<HistoryRow>, Error> {
    let rows = ctx
        .sql(
            &format!(
                "SELECT {HISTORY_COLUMNS} FROM approval_history \
                 WHERE installation = ? AND account = ? AND start_date = ? ORDER BY at_ms, id LIMIT {limit}"
            ),
            vec![
                installation(ctx),
                Value::Text(account.to_owned()),
                Value::Text(start_date.to_owned()),
            ],
        )
        .await?;
    Ok(history_rows(&rows, account, start_date))
}

/// The locked version of one worklog.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SnapshotRow {
    /// The person's account id.
    pub account: String,
    /// The period's first date.
    pub start_date: String,
    /// The worklog id.
    pub worklog: i64,
    /// What the comparison looks at, hashed.
    pub fingerprint: String,
    /// Jira's JSON of the worklog, with its properties.
    pub body: String,
}

/// Replaces the snapshot of a period with `rows` (a delete, then inserts of
/// 50 rows each).
///
/// # Errors
///
/// The database's errors.
pub async fn replace_snapshot(
    ctx: &Ctx,
    account: &str,
    start_date: &str,
    rows: &[SnapshotRow],
) -> Result<(), Error> {
    ctx.sql(
        "DELETE FROM approval_snapshots WHERE installation = ? AND account = ? AND start_date = ?",
        vec![
            installation(ctx),
            Value::Text(account.to_owned()),
            Value::Text(start_date.to_owned()),
        ],
    )
    .await?;
    for chunk in rows.chunks(50) {
        let mut params = Vec::new();
        for row in chunk {
            params.extend([
                installation(ctx),
                Value::Text(row.account.clone()),
                Value::Text(row.start_date.clone()),
                Value::Int(row.worklog),
                Value::Text(row.fingerprint.clone()),
                Value::Text(row.body.clone()),
                Value::Int(ctx.context().now_ms),
            ]);
        }
        let values = vec!["(?, ?, ?, ?, ?, ?, ?)"; chunk.len()].join(", ");
        ctx.sql(
            &format!(
                "REPLACE INTO approval_snapshots (installation, account, start_date, worklog, \
                 fingerprint, body, updated) VALUES {values}"
            ),
            params,
        )
        .await?;
    }
    Ok(())
}

/// Puts one worklog's locked version (a restored worklog under its new id).
///
/// # Errors
///
/// The database's errors.
pub async fn put_snapshot(ctx: &Ctx, row: &SnapshotRow) -> Result<(), Error> {
    replace_one(ctx, row).await
}

async fn replace_one(ctx: &Ctx, row: &SnapshotRow) -> Result<(), Error> {
    ctx.sql(
        "REPLACE INTO approval_snapshots (installation, account, start_date, worklog, fingerprint, \
         body, updated) VALUES (?, ?, ?, ?, ?, ?, ?)",
        vec![
            installation(ctx),
            Value::Text(row.account.clone()),
            Value::Text(row.start_date.clone()),
            Value::Int(row.worklog),
            Value::Text(row.fingerprint.clone()),
            Value::Text(row.body.clone()),
            Value::Int(ctx.context().now_ms),
        ],
    )
    .await?;
    Ok(())
}

/// Removes one worklog from a period's snapshot.
///
/// # Errors
///
/// The database's errors.
pub async fn remove_snapshot(ctx: &Ctx, row: &SnapshotRow) -> Result<(), Error> {
    ctx.sql(
        "DELETE FROM approval_snapshots WHERE installation = ? AND account = ? AND start_date = ? \
         AND worklog = ?",
        vec![
            installation(ctx),
            Value::Text(row.account.clone()),
            Value::Text(row.start_date.clone()),
            Value::Int(row.worklog),
        ],
    )
    .await?;
    Ok(())
}

/// The snapshots of the worklogs `ids` (any period), at most one per id and
/// period.
///
/// # Errors
///
/// The database's errors.
pub async fn snapshots_of(ctx: &Ctx, ids: &[i64]) -> Result<Vec<SnapshotRow>, Error> {
    let mut out = Vec::new();
    for chunk in ids.chunks(500) {
        let mut params = vec![installation(ctx)];
        params.extend(chunk.iter().map(|id| Value::Int(*id)));
        let rows = ctx
            .sql(
                &format!(
                    "SELECT account, start_date, worklog, fingerprint, body FROM approval_snapshots \
                     WHERE installation = ? AND worklog IN ({}) LIMIT 1000",
                    placeholders(chunk.len())
                ),
                params,
            )
            .await?;
        out.extend(rows.rows.iter().map(|r| SnapshotRow {
            account: text(r.first()),
            start_date: text(r.get(1)),
            worklog: number(r.get(2)),
            fingerprint: text(r.get(3)),
            body: text(r.get(4)),
        }));
    }
    Ok(out)
}

/// An outside edit to a locked period.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DriftRow {
    /// Its id: a hash of the period, the worklog and Jira's version, so the
    /// same edit seen twice (an event, then the sync) is one drift.
    pub id: String,
    /// The person's account id.
    pub account: String,
    /// The period's first date.
    pub start_date: String,
    /// The worklog id.
    pub worklog: i64,
    /// `changed`, `deleted` or `added`.
    pub kind: String,
    /// `open`, `restored` or `accepted`.
    pub state: String,
    /// When it was found, epoch milliseconds.
    pub detected_ms: i64,
    /// The locked version (Jira's JSON); none for `added`.
    pub before: Option<String>,
    /// Jira's version (Jira's JSON); none for `deleted`.
    pub after: Option<String>,
    /// Who resolved it.
    pub resolved_by: Option<String>,
    /// When, epoch milliseconds.
    pub resolved_ms: Option<i64>,
    /// Why.
    pub reason: Option<String>,
}

const DRIFT_COLUMNS: &str = "id, account, start_date, worklog, kind, state, detected_ms, \
     before_body, after_body, resolved_by, resolved_ms, reason";

fn drift_of(r: &[Value]) -> DriftRow {
    DriftRow {
        id: text(r.first()),
        account: text(r.get(1)),
        start_date: text(r.get(2)),
        worklog: number(r.get(3)),
        kind: text(r.get(4)),
        state: text(r.get(5)),
        detected_ms: number(r.get(6)),
        before: optional_text(r.get(7)),
        after: optional_text(r.get(8)),
        resolved_by: optional_text(r.get(9)),
        resolved_ms: r.get(10).and_then(int),
        reason: optional_text(r.get(11)),
    }
}

/// Writes a drift (replacing one with the same id).
///
/// # Errors
///
/// The database's errors.
pub async fn write_drift(ctx: &Ctx, row: &DriftRow) -> Result<(), Error> {
    ctx.sql(
        &format!(
            "REPLACE INTO approval_drift (installation, {DRIFT_COLUMNS}, updated) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        ),
        vec![
            installation(ctx),
            Value::Text(row.id.clone()),
            Value::Text(row.account.clone()),
            Value::Text(row.start_date.clone()),
            Value::Int(row.worklog),
            Value::Text(row.kind.clone()),
            Value::Text(row.state.clone()),
            Value::Int(row.detected_ms),
            opt(row.before.clone()),
            opt(row.after.clone()),
            opt(row.resolved_by.clone()),
            row.resolved_ms.map_or(Value::Null, Value::Int),
            opt(row.reason.clone()),
            Value::Int(ctx.context().now_ms),
        ],
    )
    .await?;
    Ok(())
}

/// The drift `id`, if any.
///
/// # Errors
///
/// The database's errors.
pub async fn read_drift(ctx: &Ctx, id: &str) -> Result<Option<DriftRow>, Error> {
    let rows = ctx
        .sql(
            &format!(
                "SELECT {DRIFT_COLUMNS} FROM approval_drift WHERE installation = ? AND id = ? LIMIT 1"
            ),
            vec![installation(ctx), Value::Text(id.to_owned())],
        )
        .await?;
    Ok(rows.rows.first().map(|r| drift_of(r)))
}

/// Drifts, open ones first then newest first, at most `limit`: of one
/// account (and one period) when given, else of the whole installation.
///
/// # Errors
///
/// The database's errors.
pub async fn drifts(
    ctx: &Ctx,
    account: Option<&str>,
    start_date: Option<&str>,
    limit: usize,
) -> Result<Vec<DriftRow>, Error> {
    let mut filter = String::new();
    let mut params = vec![installation(ctx)];
    if let Some(account) = account {
        filter.push_str(" AND account = ?");
        params.push(Value::Text(account.to_owned()));
        if let Some(start) = start_date {
            filter.push_str(" AND start_date = ?");
            params.push(Value::Text(start.to_owned()));
        }
    }
    let rows = ctx
        .sql(
            &format!(
                "SELECT {DRIFT_COLUMNS} FROM approval_drift WHERE installation = ?{filter} \
                 ORDER BY CASE WHEN state = 'open' THEN 0 ELSE 1 END, detected_ms DESC, id LIMIT {limit}"
            ),
            params,
        )
        .await?;
    Ok(rows.rows.iter().map(|r| drift_of(r)).collect())
}

/// The number of open drifts of each of `accounts` in the periods starting
/// on `start_date`, as (account, count).
///
/// # Errors
///
/// The database's errors.
pub async fn open_drift_counts(
    ctx: &Ctx,
    accounts: &[String],
    start_date: &str,
) -> Result<Vec<(String, i64)>, Error> {
    let mut out = Vec::new();
    for chunk in accounts.chunks(500) {
        let mut params = vec![installation(ctx), Value::Text(start_date.to_owned())];
        params.extend(chunk.iter().map(|a| Value::Text(a.clone())));
        let rows = ctx
            .sql(
                &format!(
                    "SELECT account, COUNT(*) FROM approval_drift WHERE installation = ? \
                     AND start_date = ? AND state = 'open' AND account IN ({}) GROUP BY account LIMIT 500",
                    placeholders(chunk.len())
                ),
                params,
            )
            .await?;
        out.extend(
            rows.rows
                .iter()
                .map(|r| (text(r.first()), number(r.get(1)))),
        );
    }
    Ok(out)
}

/// The author (dictionary id) and start (epoch milliseconds) of the indexed
/// worklog `id`, if indexed.
///
/// # Errors
///
/// The database's errors.
pub async fn indexed_worklog(ctx: &Ctx, site: i64, id: i64) -> Result<Option<(i64, i64)>, Error> {
    let rows = ctx
        .sql(
            "SELECT author, started FROM worklogs WHERE site = ? AND id = ? LIMIT 1",
            vec![Value::Int(site), Value::Int(id)],
        )
        .await?;
    Ok(rows
        .rows
        .first()
        .map(|r| (number(r.first()), number(r.get(1)))))
}

/// How many history entries a period has (the next entry's sequence number).
///
/// # Errors
///
/// The database's errors.
pub async fn history_count(ctx: &Ctx, account: &str, start_date: &str) -> Result<i64, Error> {
    let rows = ctx
        .sql(
            "SELECT COUNT(*) FROM approval_history WHERE installation = ? AND account = ? \
             AND start_date = ? LIMIT 1",
            vec![
                installation(ctx),
                Value::Text(account.to_owned()),
                Value::Text(start_date.to_owned()),
            ],
        )
        .await?;
    Ok(super::first_int(&rows).unwrap_or(0))
}

/// Where the approval tables keep account ids, for personal data reporting
/// and erasure (`index::privacy`): the tables' columns of account ids (the
/// person of a period, its reviewer, a history entry's actor, a drift's
/// resolver), and the JSON texts that may hold them (Jira's worklogs in
/// snapshots and drifts, with their author and updater; a history entry's
/// replaced values).
const ACCOUNT_COLUMNS: [(&str, &str); 7] = [
    ("approval_periods", "account"),
    ("approval_periods", "decided_by"),
    ("approval_history", "account"),
    ("approval_history", "actor"),
    ("approval_snapshots", "account"),
    ("approval_drift", "account"),
    ("approval_drift", "resolved_by"),
];

/// The JSON texts of [`ACCOUNT_COLUMNS`]' tables that may hold account ids.
const JSON_COLUMNS: [(&str, &str); 4] = [
    ("approval_history", "replaced"),
    ("approval_snapshots", "body"),
    ("approval_drift", "before_body"),
    ("approval_drift", "after_body"),
];

/// The next `limit` account ids stored in the approval tables' columns after
/// `after`, in order, each with when its latest row changed.
///
/// # Errors
///
/// The database's errors.
pub async fn accounts_page(
    ctx: &Ctx,
    after: &str,
    limit: usize,
) -> Result<Vec<(String, Option<i64>)>, Error> {
    let mut params = Vec::new();
    let parts: Vec<String> = ACCOUNT_COLUMNS
        .iter()
        .map(|(table, column)| {
            params.push(installation(ctx));
            params.push(Value::Text(after.to_owned()));
            // Labels of erased accounts are not account ids.
            format!(
                "SELECT {column} AS a, updated AS u FROM {table} \
                 WHERE installation = ? AND {column} > ? AND {column} NOT LIKE '{}%'",
                super::FORMER_USER
            )
        })
        .collect();
    let rows = ctx
        .sql(
            &format!(
                "SELECT a, MAX(u) FROM ({}) found GROUP BY a ORDER BY a LIMIT {limit}",
                parts.join(" UNION ALL ")
            ),
            params,
        )
        .await?;
    Ok(rows
        .rows
        .iter()
        .map(|r| (text(r.first()), r.get(1).and_then(int)))
        .filter(|(a, _)| !a.is_empty())
        .collect())
}

/// Replaces `account` with `label` in the approval tables, one column a
/// statement (the account's rows of one table; idempotent, so a cut-off
/// erasure resumes where it was): the columns of [`ACCOUNT_COLUMNS`] (a
/// period's `account_key` becomes the label's, as its worklogs' author
/// does in the index, so reports keep their approval state), then the quoted
/// id inside the JSON texts of [`JSON_COLUMNS`]. Stops after the statement
/// that reaches `budget` rows; answers the rows changed and whether it is
/// done.
///
/// # Errors
///
/// The database's errors.
pub async fn erase_account(
    ctx: &Ctx,
    account: &str,
    label: &str,
    label_key: i64,
    budget: u64,
) -> Result<(u64, bool), Error> {
    let mut changed: u64 = 0;
    let steps = ACCOUNT_COLUMNS.len() + JSON_COLUMNS.len();
    for step in 0..steps {
        let answer = if let Some((table, column)) = ACCOUNT_COLUMNS.get(step) {
            let key = if *table == "approval_periods" && *column == "account" {
                ", account_key = ?"
            } else {
                ""
            };
            let mut params = vec![Value::Text(label.to_owned())];
            if !key.is_empty() {
                params.push(Value::Int(label_key));
            }
            params.extend([installation(ctx), Value::Text(account.to_owned())]);
            ctx.sql(
                &format!(
                    "UPDATE {table} SET {column} = ?{key} WHERE installation = ? AND {column} = ?"
                ),
                params,
            )
            .await?
        } else {
            let Some((table, column)) = step
                .checked_sub(ACCOUNT_COLUMNS.len())
                .and_then(|i| JSON_COLUMNS.get(i))
            else {
                break;
            };
            relabel_json(ctx, table, column, account, label).await?
        };
        changed = changed.saturating_add(answer.rows_affected);
        if changed >= budget && step + 1 < steps {
            return Ok((changed, false));
        }
    }
    Ok((changed, true))
}

/// Replaces the quoted `account` with the quoted `label` in the JSON texts of
/// the approval tables (an account erased from the worklog index may be the
/// updater of someone else's snapshotted worklog). Answers the rows changed.
///
/// # Errors
///
/// The database's errors.
pub async fn erase_from_json(ctx: &Ctx, account: &str, label: &str) -> Result<u64, Error> {
    let mut changed: u64 = 0;
    for (table, column) in JSON_COLUMNS {
        let answer = relabel_json(ctx, table, column, account, label).await?;
        changed = changed.saturating_add(answer.rows_affected);
    }
    Ok(changed)
}

async fn relabel_json(
    ctx: &Ctx,
    table: &str,
    column: &str,
    account: &str,
    label: &str,
) -> Result<crate::protocol::SqlRows, Error> {
    let quoted = serde_json::Value::String(account.to_owned()).to_string();
    let replacement = serde_json::Value::String(label.to_owned()).to_string();
    let pattern = format!("%{}%", super::like_escape(&quoted));
    ctx.sql(
        &format!(
            "UPDATE {table} SET {column} = REPLACE({column}, ?, ?) \
             WHERE installation = ? AND {column} LIKE ? ESCAPE '!'"
        ),
        vec![
            Value::Text(quoted),
            Value::Text(replacement),
            installation(ctx),
            Value::Text(pattern),
        ],
    )
    .await
}
