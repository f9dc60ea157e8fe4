//! Reading the dictionary `dict` by kind: the few entries of one kind that an
//! operation needs all of (the labels of erased accounts, the attribute sets).

use crate::executor::Ctx;
use crate::protocol::Value;
use crate::Error;

use super::{int, Kind};

/// The ids of the site's dictionary entries of `kind`, at most `limit` of
/// them (in the engine's order).
///
/// # Errors
///
/// The database's errors.
pub async fn ids_of_kind(
    ctx: &Ctx,
    site: i64,
    kind: Kind,
    limit: usize,
) -> Result<Vec<i64>, Error> {
    let rows = ctx
        .sql(
            &format!("SELECT id FROM dict WHERE site = ? AND kind = ? LIMIT {limit}"),
            vec![Value::Int(site), Value::Int(kind as i64)],
        )
        .await?;
    Ok(rows
        .rows
        .iter()
        .filter_map(|row| row.first().and_then(int))
        .collect())
}

/// The texts of the site's dictionary entries of `kind`, at most `limit` of
/// them (in the engine's order; a value that is not text is skipped).
///
/// # Errors
///
/// The database's errors.
pub async fn texts_of_kind(
    ctx: &Ctx,
    site: i64,
    kind: Kind,
    limit: usize,
) -> Result<Vec<String>, Error> {
    let rows = ctx
        .sql(
            &format!("SELECT value FROM dict WHERE site = ? AND kind = ? LIMIT {limit}"),
            vec![Value::Int(site), Value::Int(kind as i64)],
        )
        .await?;
    Ok(rows
        .rows
        .iter()
        .filter_map(|row| match row.first() {
            Some(Value::Text(text)) => Some(text.clone()),
            _ => None,
        })
        .collect())
}
