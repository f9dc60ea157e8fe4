//! Applying the component's migrations, once each, in order.
//!
//! The host keeps the names of applied migrations in its own bookkeeping table,
//! `_migrations`, per installation. This is the only SQL the host writes itself,
//! in the portable subset every engine accepts.

use std::collections::HashSet;

use super::{perform, Database};
use crate::limits::Limits;
use crate::protocol::{Migration, SqlRows, SqlStatement, Value};
use crate::Error;

const CREATE: &str = "CREATE TABLE IF NOT EXISTS _migrations (\
    installation VARCHAR(255) NOT NULL, \
    name VARCHAR(255) NOT NULL, \
    applied_ms BIGINT NOT NULL, \
    PRIMARY KEY (installation, name))";
const APPLIED: &str = "SELECT name FROM _migrations WHERE installation = ?";
const RECORD: &str = "INSERT INTO _migrations (installation, name, applied_ms) VALUES (?, ?, ?)";

/// Applies each of `migrations` not yet applied for `installation`, in the order
/// given, recording each one as applied at `now_ms`. Returns the names applied.
///
/// # Errors
///
/// When the bookkeeping table cannot be read or written, or a migration fails;
/// the migrations before it stay applied and recorded.
pub async fn migrate(
    database: &dyn Database,
    limits: &Limits,
    installation: &str,
    migrations: &[Migration],
    now_ms: i64,
) -> Result<Vec<String>, Error> {
    execute(database, limits, CREATE, vec![]).await?;
    let applied: HashSet<String> = execute(
        database,
        limits,
        APPLIED,
        vec![Value::Text(installation.into())],
    )
    .await?
    .rows
    .into_iter()
    .filter_map(|row| match row.into_iter().next() {
        Some(Value::Text(name)) => Some(name),
        _ => None,
    })
    .collect();
    let mut done = Vec::new();
    for migration in migrations.iter().filter(|m| !applied.contains(&m.name)) {
        execute(database, limits, &migration.statement, vec![])
            .await
            .map_err(|err| {
                Error::database(format!("migration {:?} failed: {err}", migration.name))
            })?;
        let record = vec![
            Value::Text(installation.into()),
            Value::Text(migration.name.clone()),
            Value::Int(now_ms),
        ];
        execute(database, limits, RECORD, record).await?;
        done.push(migration.name.clone());
    }
    Ok(done)
}

async fn execute(
    database: &dyn Database,
    limits: &Limits,
    sql: &str,
    params: Vec<Value>,
) -> Result<SqlRows, Error> {
    let statement = SqlStatement {
        sql: sql.into(),
        params,
    };
    perform(database, limits, vec![statement])
        .await
        .pop()
        .unwrap_or_else(|| Err(crate::TaskError::internal("no answer")))
        .map_err(|err| Error::database(err.to_string()))
}
