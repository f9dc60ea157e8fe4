//! Queries on the app's own tables (see [`crate::schema`]). Every statement is
//! parameterised and every read is bounded with `LIMIT`. Each write is one
//! statement, so there are no transactions to lose half-way.

use crate::executor::Ctx;
use crate::protocol::Value;
use crate::Error;

/// Reads the setting `name` of this installation, if stored.
///
/// # Errors
///
/// The host's error when the statement fails; `upstream` when the database
/// answers a value that is not text.
pub async fn load_setting(ctx: &Ctx, name: &str) -> Result<Option<String>, Error> {
    let rows = ctx
        .sql(
            "SELECT value FROM settings WHERE installation = ? AND name = ? LIMIT 1",
            vec![
                Value::Text(ctx.context().installation.clone()),
                Value::Text(name.to_owned()),
            ],
        )
        .await?;
    match rows.rows.first().and_then(|row| row.first()) {
        None => Ok(None),
        Some(Value::Text(text)) => Ok(Some(text.clone())),
        Some(other) => Err(Error::upstream(format!(
            "the database answered a setting \"{name}\" that is not text: {other:?}"
        ))),
    }
}

/// Stores the setting `name` of this installation, replacing any earlier value.
///
/// # Errors
///
/// The host's error when the statement fails.
pub async fn save_setting(ctx: &Ctx, name: &str, value: String) -> Result<(), Error> {
    ctx.sql(
        "REPLACE INTO settings (installation, name, value, updated_ms) VALUES (?, ?, ?, ?)",
        vec![
            Value::Text(ctx.context().installation.clone()),
            Value::Text(name.to_owned()),
            Value::Text(value),
            Value::Int(ctx.context().now_ms),
        ],
    )
    .await
    .map(drop)
}
