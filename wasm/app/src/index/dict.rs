//! Reading the dictionary `dict`: entries by id (what rows refer to, and what
//! a write finds already stored), and by kind, the few entries of one kind
//! that an operation needs all of (the labels of erased accounts, the
//! attribute sets).

use crate::executor::Ctx;
use crate::protocol::Value;
use crate::Error;

use super::{int, read_by_ids, Kind};

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

/// A dictionary entry as stored.
#[derive(Debug)]
pub struct DictEntry {
    /// The entry's id.
    pub id: i64,
    /// Its text.
    pub value: String,
    /// [`Kind`] as stored.
    pub kind: i64,
}

/// The dictionary entries of `site` among `ids` (those stored).
///
/// # Errors
///
/// The database's errors.
pub async fn entries(ctx: &Ctx, site: i64, ids: &[i64]) -> Result<Vec<DictEntry>, Error> {
    let rows = read_by_ids(
        ctx,
        "SELECT id, value, kind FROM dict WHERE site = ? AND id IN ({ids}) LIMIT {limit}",
        site,
        ids,
    )
    .await?;
    Ok(rows
        .iter()
        .filter_map(|row| {
            Some(DictEntry {
                id: row.first().and_then(int)?,
                value: match row.get(1) {
                    Some(Value::Text(t)) => t.clone(),
                    _ => String::new(),
                },
                kind: row.get(2).and_then(int)?,
            })
        })
        .collect())
}
