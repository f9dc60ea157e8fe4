//! The finance mirror's table (`0039` in [`crate::schema`]): what the app
//! last wrote to each worklog's property `worklogs.finance`
//! ([`super::FINANCE_PROPERTY`]), and the index reads the mirror pass
//! (`ops::finance`) walks. Like the index, a cache: losing it only makes the
//! next pass write every worklog's property again.
//!
//! Every read is bounded with `LIMIT`; every write is one statement.

use worklogs_core::approval::State;
use worklogs_core::finance::Mirror;

use crate::executor::Ctx;
use crate::protocol::Value;
use crate::Error;

use super::{int, tuples, Kind};

/// A worklog of the index as the mirror pass needs it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Candidate {
    /// The worklog's id.
    pub id: i64,
    /// Its issue's id.
    pub issue: i64,
    /// Who it counts for (the account's dictionary id, as the approval
    /// periods' `account_key`).
    pub author: i64,
    /// When it started, epoch milliseconds.
    pub started: i64,
    /// Its attribute set's JSON text; none without one.
    pub attributes: Option<String>,
    /// It refers to an attribute set the dictionary does not hold (as
    /// reports, counted as not fitting the definitions).
    pub attributes_missing: bool,
    /// What the app last wrote to its property; none when nothing was.
    pub mirrored: Option<Mirror>,
}

/// Where a pass stands: after this (author, started, id), in that order.
pub type Cursor = (i64, i64, i64);

/// The cursor before every worklog.
pub const START: Cursor = (i64::MIN, i64::MIN, i64::MIN);

/// One keyset page of the site's worklogs after `after`, in (author,
/// started, id) order (the index `worklogs_author`), at most `limit`: fewer
/// means the last page. With each, its attribute set (a dictionary entry of
/// the attributes' kind) and its row of `finance_mirror`.
///
/// # Errors
///
/// The database's errors.
pub async fn page(
    ctx: &Ctx,
    site: i64,
    (author, started, id): Cursor,
    limit: usize,
) -> Result<Vec<Candidate>, Error> {
    let rows = ctx
        .sql(
            &format!(
                "SELECT w.id, w.issue, w.author, w.started, d.value, m.billable, m.state, m.valid, \
                 w.attrs \
                 FROM worklogs w \
                 LEFT JOIN dict d ON d.site = w.site AND d.id = w.attrs AND d.kind = ? \
                 LEFT JOIN finance_mirror m ON m.site = w.site AND m.worklog = w.id \
                 WHERE w.site = ? AND w.author >= ? AND (w.author > ? OR (w.author = ? AND (w.started > ? \
                 OR (w.started = ? AND w.id > ?)))) \
                 ORDER BY w.author, w.started, w.id LIMIT {limit}"
            ),
            vec![
                Value::Int(Kind::Attributes as i64),
                Value::Int(site),
                Value::Int(author),
                Value::Int(author),
                Value::Int(author),
                Value::Int(started),
                Value::Int(started),
                Value::Int(id),
            ],
        )
        .await?;
    Ok(rows
        .rows
        .iter()
        .map(|row| {
            let get = |i: usize| row.get(i).and_then(int);
            let text = |i: usize| match row.get(i) {
                Some(Value::Text(t)) => Some(t.clone()),
                _ => None,
            };
            let mirrored = match (get(5), text(6).as_deref().and_then(State::parse), get(7)) {
                (Some(billable), Some(approval_state), Some(valid)) => Some(Mirror {
                    billable: billable != 0,
                    approval_state,
                    attributes_valid: valid != 0,
                }),
                _ => None,
            };
            let attributes = text(4);
            Candidate {
                id: get(0).unwrap_or(0),
                issue: get(1).unwrap_or(0),
                author: get(2).unwrap_or(0),
                started: get(3).unwrap_or(0),
                attributes_missing: attributes.is_none() && get(8).unwrap_or(0) != 0,
                attributes,
                mirrored,
            }
        })
        .collect())
}

/// Records what was written to the worklogs' properties (`REPLACE`, 100
/// rows a statement).
///
/// # Errors
///
/// The database's errors.
pub async fn record(ctx: &Ctx, site: i64, written: &[(i64, Mirror)]) -> Result<(), Error> {
    for chunk in written.chunks(100) {
        let mut params = Vec::with_capacity(chunk.len().saturating_mul(6));
        for (id, mirror) in chunk {
            params.extend([
                Value::Int(site),
                Value::Int(*id),
                Value::Int(i64::from(mirror.billable)),
                Value::Text(mirror.approval_state.as_str().to_owned()),
                Value::Int(i64::from(mirror.attributes_valid)),
                Value::Int(ctx.context().now_ms),
            ]);
        }
        ctx.sql(
            &format!(
                "REPLACE INTO finance_mirror (site, worklog, billable, state, valid, updated) \
                 VALUES {}",
                tuples(chunk.len(), 6)
            ),
            params,
        )
        .await?;
    }
    Ok(())
}

/// What the mirrored values depend on, in the index and the approval
/// tables: the site's worklog count and latest update, the installation's
/// count of period history entries (one per transition: submit, approve,
/// reject, reopen, and the lock's restores) and its periods' latest change.
/// A pass that finished under the same figures (and the same attribute
/// definitions) has nothing to do.
///
/// # Errors
///
/// The database's errors.
pub async fn inputs(ctx: &Ctx, site: i64) -> Result<[i64; 4], Error> {
    let (worklogs, periods) = futures::join!(
        ctx.sql(
            "SELECT COUNT(*), COALESCE(MAX(updated), 0) FROM worklogs WHERE site = ?",
            vec![Value::Int(site)],
        ),
        ctx.sql(
            "SELECT (SELECT COUNT(*) FROM approval_history WHERE installation = ?), \
             (SELECT COALESCE(MAX(updated), 0) FROM approval_periods WHERE installation = ?)",
            vec![
                Value::Text(ctx.context().installation.clone()),
                Value::Text(ctx.context().installation.clone()),
            ],
        )
    );
    let (worklogs, periods) = (worklogs?, periods?);
    let cell = |rows: &crate::protocol::SqlRows, i: usize| {
        rows.rows
            .first()
            .and_then(|r| r.get(i))
            .and_then(int)
            .unwrap_or(0)
    };
    Ok([
        cell(&worklogs, 0),
        cell(&worklogs, 1),
        cell(&periods, 0),
        cell(&periods, 1),
    ])
}
