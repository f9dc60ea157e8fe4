//! Reading the index's issue rows: which issues it holds (`sync.*`) and the
//! summaries a timesheet shows.

use crate::executor::Ctx;
use crate::protocol::Value;
use crate::Error;

use super::{first_column, int, placeholders, read_by_ids};

/// The ids of the indexed issues after `after`, in id order, at most `limit`.
///
/// # Errors
///
/// The database's errors.
pub async fn ids_after(ctx: &Ctx, site: i64, after: i64, limit: usize) -> Result<Vec<i64>, Error> {
    let rows = ctx
        .sql(
            &format!("SELECT id FROM issues WHERE site = ? AND id > ? ORDER BY id LIMIT {limit}"),
            vec![Value::Int(site), Value::Int(after)],
        )
        .await?;
    Ok(first_column(&rows))
}

/// Which of `ids` the index holds: one statement per 1,000 ids, in one batch.
///
/// # Errors
///
/// The database's errors.
pub async fn indexed(ctx: &Ctx, site: i64, ids: &[i64]) -> Result<Vec<i64>, Error> {
    let rows = read_by_ids(
        ctx,
        "SELECT id FROM issues WHERE site = ? AND id IN ({ids}) LIMIT {limit}",
        site,
        ids,
        0,
    )
    .await?;
    Ok(rows
        .iter()
        .filter_map(|r| r.first().and_then(int))
        .collect())
}

/// An indexed issue's key, summary, type and status.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IssueSummary {
    /// The issue's id.
    pub id: i64,
    /// Its key (`ALPHA-2`); empty when not stored.
    pub key: String,
    /// Its summary; empty when not stored.
    pub summary: String,
    /// Its type's name.
    pub issue_type: Option<String>,
    /// Its status, as the dictionary's canonical JSON `{"category", "name"}`.
    pub status: Option<String>,
}

/// The indexed issues among `ids` (at most a few thousand: one statement),
/// with their type's and status's texts from the dictionary. Rows whose id is
/// not an integer are skipped.
///
/// # Errors
///
/// The database's errors.
pub async fn summaries(ctx: &Ctx, site: i64, ids: &[i64]) -> Result<Vec<IssueSummary>, Error> {
    let mut params = vec![Value::Int(site)];
    params.extend(ids.iter().map(|id| Value::Int(*id)));
    let sql = format!(
        "SELECT i.id, i.issue_key, i.summary, t.value AS issue_type, s.value AS status FROM issues i \
         LEFT JOIN dict t ON t.site = i.site AND t.id = i.issue_type \
         LEFT JOIN dict s ON s.site = i.site AND s.id = i.status \
         WHERE i.site = ? AND i.id IN ({}) LIMIT {}",
        placeholders(ids.len()),
        ids.len()
    );
    let rows = ctx.sql(&sql, params).await?;
    Ok(rows
        .rows
        .iter()
        .filter_map(|row| {
            let text = |i: usize| match row.get(i) {
                Some(Value::Text(t)) => Some(t.clone()),
                _ => None,
            };
            Some(IssueSummary {
                id: row.first().and_then(int)?,
                key: text(1).unwrap_or_default(),
                summary: text(2).unwrap_or_default(),
                issue_type: text(3),
                status: text(4),
            })
        })
        .collect())
}
