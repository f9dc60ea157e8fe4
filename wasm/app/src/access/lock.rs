//! The lock: in a submitted or approved period, the person's worklogs are
//! not logged, changed or deleted through the app. `worklog.log`,
//! `worklog.update` and `worklog.delete` (and `timer.stop`, which logs through
//! `worklog.log`) ask here before they write, and get `conflict` naming the
//! period and its state.
//!
//! On a site with no locked period this costs one indexed probe
//! ([`rows::any_locked`]). A worklog is locked when its period (of its
//! author, holding its start) is locked, or when it is in a locked period's
//! snapshot; a change of start is checked at the old and the new instant.

use crate::executor::Ctx;
use crate::index::{self, approvals as rows, dict_id, Kind};
use crate::input::quote;
use crate::{Error, ErrorCode};

/// The dictionary key of an account (as the index's `author`).
fn account_key(account: &str) -> i64 {
    dict_id(Kind::Account, account)
}

/// The refusal for a worklog in `period`.
fn locked(period: &rows::PeriodRow) -> Error {
    let next = if period.state == "approved" {
        "a reviewer or an administrator may reopen it"
    } else {
        "a reviewer may reject it, which opens it again"
    };
    Error::new(
        ErrorCode::Conflict,
        format!(
            "the period {} to {} of {} is {}: its worklogs are locked ({next})",
            period.start_date,
            period.end_date,
            quote(&period.account),
            period.state
        ),
    )
}

/// The locked period of `key` (an account's dictionary id) holding `at`.
async fn holding(ctx: &Ctx, key: i64, at: i64) -> Result<Option<rows::PeriodRow>, Error> {
    let found = rows::locked_overlapping(ctx, &[key], (at, at)).await?;
    Ok(found
        .into_iter()
        .find(|p| p.start_ms <= at && at < p.end_ms))
}

/// Refuses a new worklog of `author` starting at `started` (epoch
/// milliseconds) in a locked period.
///
/// # Errors
///
/// `conflict` naming the period and its state; the database's errors.
pub async fn check_log(ctx: &Ctx, author: &str, started: i64) -> Result<(), Error> {
    if !rows::any_locked(ctx).await? {
        return Ok(());
    }
    match holding(ctx, account_key(author), started).await? {
        Some(period) => Err(locked(&period)),
        None => Ok(()),
    }
}

/// Refuses a change or deletion of the worklog `id` in a locked period
/// (by its snapshot, or its indexed author and start), and a change of its
/// start (`new_started`) into one.
///
/// # Errors
///
/// `conflict` naming the period and its state; the database's errors.
pub async fn check_change(
    ctx: &Ctx,
    id: &str,
    author: &str,
    new_started: Option<i64>,
) -> Result<(), Error> {
    if !rows::any_locked(ctx).await? {
        return Ok(());
    }
    let Ok(id) = id.parse::<i64>() else {
        return Ok(());
    };
    for snap in rows::snapshots_of(ctx, &[id]).await? {
        if let Some(period) = rows::read_period(ctx, &snap.account, &snap.start_date).await? {
            if period.state == "submitted" || period.state == "approved" {
                return Err(locked(&period));
            }
        }
    }
    let site = index::site(ctx).await?;
    let indexed = rows::indexed_worklog(ctx, site, id).await?;
    if let Some((key, started)) = indexed {
        if let Some(period) = holding(ctx, key, started).await? {
            return Err(locked(&period));
        }
    }
    if let Some(at) = new_started {
        let key = indexed.map_or_else(|| account_key(author), |(key, _)| key);
        if let Some(period) = holding(ctx, key, at).await? {
            return Err(locked(&period));
        }
    }
    Ok(())
}
