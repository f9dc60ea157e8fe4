//! The table `saved_reports`: one row per saved report of an installation (see
//! [`crate::schema`]). `report.list`, `report.save` and `report.delete` read
//! and write it only through these functions.
//!
//! Every read is bounded with `LIMIT`; each write is one statement.

use crate::executor::Ctx;
use crate::protocol::Value;
use crate::Error;

use super::{first_int, int};

/// One saved report as stored: the query and the groups are JSON texts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SavedRow {
    /// Its id (hex digits).
    pub id: String,
    /// The owner's account id.
    pub owner: String,
    /// Its name.
    pub name: String,
    /// The report query, as JSON text.
    pub query: String,
    /// The groups it is shared with, as a JSON array of names (`[]` for none).
    pub shared: String,
    /// When it was last saved, in milliseconds since the epoch.
    pub updated: i64,
}

const COLUMNS: &str = "id, owner, name, query, shared, updated";

fn text(value: Option<&Value>) -> String {
    match value {
        Some(Value::Text(t)) => t.clone(),
        _ => String::new(),
    }
}

/// A row read with [`COLUMNS`]; missing or mistyped cells read as empty or 0.
fn row_of(row: &[Value]) -> SavedRow {
    SavedRow {
        id: text(row.first()),
        owner: text(row.get(1)),
        name: text(row.get(2)),
        query: text(row.get(3)),
        shared: text(row.get(4)),
        updated: row.get(5).and_then(int).unwrap_or(0),
    }
}

/// The installation's saved reports that `owner` owns or that are shared with
/// any group, by id, at most `limit` of them (the caller keeps those shared
/// with the viewer's groups).
///
/// # Errors
///
/// The database's errors.
pub async fn list_saved(ctx: &Ctx, owner: &str, limit: usize) -> Result<Vec<SavedRow>, Error> {
    let rows = ctx
        .sql(
            &format!(
                "SELECT {COLUMNS} FROM saved_reports WHERE installation = ? \
                 AND (owner = ? OR shared <> ?) ORDER BY id LIMIT {limit}"
            ),
            vec![
                Value::Text(ctx.context().installation.clone()),
                Value::Text(owner.to_owned()),
                Value::Text("[]".to_owned()),
            ],
        )
        .await?;
    Ok(rows.rows.iter().map(|r| row_of(r)).collect())
}

/// The installation's saved report `id`, if there is one.
///
/// # Errors
///
/// The database's errors.
pub async fn read_saved(ctx: &Ctx, id: &str) -> Result<Option<SavedRow>, Error> {
    let rows = ctx
        .sql(
            &format!(
                "SELECT {COLUMNS} FROM saved_reports WHERE installation = ? AND id = ? LIMIT 1"
            ),
            vec![
                Value::Text(ctx.context().installation.clone()),
                Value::Text(id.to_owned()),
            ],
        )
        .await?;
    Ok(rows.rows.first().map(|r| row_of(r)))
}

/// How many saved reports `owner` has on this installation.
///
/// # Errors
///
/// The database's errors; `internal` when the count is not a number.
pub async fn count_owned(ctx: &Ctx, owner: &str) -> Result<i64, Error> {
    let rows = ctx
        .sql(
            "SELECT COUNT(*) FROM saved_reports WHERE installation = ? AND owner = ?",
            vec![
                Value::Text(ctx.context().installation.clone()),
                Value::Text(owner.to_owned()),
            ],
        )
        .await?;
    first_int(&rows).ok_or_else(|| Error::internal("the count of saved reports is not a number"))
}

/// Writes `row` on this installation, replacing the saved report with its id.
///
/// # Errors
///
/// The database's errors.
pub async fn replace_saved(ctx: &Ctx, row: &SavedRow) -> Result<(), Error> {
    ctx.sql(
        "REPLACE INTO saved_reports (installation, id, owner, name, query, shared, updated) \
         VALUES (?, ?, ?, ?, ?, ?, ?)",
        vec![
            Value::Text(ctx.context().installation.clone()),
            Value::Text(row.id.clone()),
            Value::Text(row.owner.clone()),
            Value::Text(row.name.clone()),
            Value::Text(row.query.clone()),
            Value::Text(row.shared.clone()),
            Value::Int(row.updated),
        ],
    )
    .await
    .map(drop)
}

/// Deletes the saved report `id` of this installation (none is fine).
///
/// # Errors
///
/// The database's errors.
pub async fn delete_saved(ctx: &Ctx, id: &str) -> Result<(), Error> {
    ctx.sql(
        "DELETE FROM saved_reports WHERE installation = ? AND id = ?",
        vec![
            Value::Text(ctx.context().installation.clone()),
            Value::Text(id.to_owned()),
        ],
    )
    .await
    .map(drop)
}
