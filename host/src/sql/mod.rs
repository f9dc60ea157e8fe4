//! The SQL performer: one statement per effect, performed in the order given.
//!
//! [`Database`] is the seam between the task loop and an engine: SQLite
//! ([`Sqlite`]) and a MySQL-compatible server ([`MySql`]: MariaDB, MySQL,
//! TiDB). What every engine shares lives here: the checks made before a
//! statement reaches the engine (exactly one statement, the request size limit)
//! and the bookkeeping of migrations ([`migrate`]).

mod migrate;
mod mysql;
mod quota;
mod sqlite;
mod statement;

use std::time::Duration;

use futures::future::BoxFuture;

use crate::limits::{human_bytes, Limits};
use crate::protocol::{SqlEngine, SqlRows, SqlStatement, TaskError, Value};

pub use self::mysql::MySql;
pub use migrate::migrate;
pub use quota::Quotas;
pub use sqlite::Sqlite;

/// Each statement's answer, and the query time they took where the engine
/// tells it ([`Database::execute_timed`]).
pub type Timed = (Vec<Result<SqlRows, TaskError>>, Option<Duration>);

/// A database that performs statements with `?` placeholders.
///
/// Implementations enforce the response size and statement time limits while
/// they read results, and classify failures: a constraint violation is
/// `conflict`, an unavailable or busy database `upstream`, a statement the
/// engine rejects `internal`.
pub trait Database: Send + Sync {
    /// The engine, as the task context names it.
    fn engine(&self) -> SqlEngine;

    /// Performs `statements` one after the other, in order, and answers each.
    /// A failed statement does not stop the ones after it.
    fn execute(
        &self,
        statements: Vec<SqlStatement>,
    ) -> BoxFuture<'_, Vec<Result<SqlRows, TaskError>>>;

    /// [`Database::execute`], and the query time the statements took where
    /// the engine can tell it from waiting; `None` (the default): the call's
    /// wall time is theirs (a server's round trips).
    fn execute_timed(&self, statements: Vec<SqlStatement>) -> BoxFuture<'_, Timed> {
        Box::pin(async move { (self.execute(statements).await, None) })
    }
}

/// Performs `statements` in order on `database`, after checking each: a string
/// holding more than one statement is `internal`, a request over the size limit
/// `limit`. Rejected statements are answered without reaching the engine.
pub async fn perform(
    database: &dyn Database,
    limits: &Limits,
    statements: Vec<SqlStatement>,
) -> Vec<Result<SqlRows, TaskError>> {
    perform_timed(database, limits, statements).await.0
}

/// [`perform`], and the statements' query time where the engine tells it
/// ([`Database::execute_timed`]).
pub async fn perform_timed(
    database: &dyn Database,
    limits: &Limits,
    statements: Vec<SqlStatement>,
) -> Timed {
    let checks: Vec<Result<(), TaskError>> = statements.iter().map(|s| check(s, limits)).collect();
    let accepted = statements
        .into_iter()
        .zip(&checks)
        .filter_map(|(statement, check)| check.is_ok().then_some(statement))
        .collect();
    let (results, took) = database.execute_timed(accepted).await;
    let mut results = results.into_iter();
    let answers = checks
        .into_iter()
        .map(|check| match check {
            Ok(()) => results
                .next()
                .unwrap_or_else(|| Err(TaskError::internal("the database skipped a statement"))),
            Err(err) => Err(err),
        })
        .collect();
    (answers, took)
}

fn check(statement: &SqlStatement, limits: &Limits) -> Result<(), TaskError> {
    if statement::has_several(&statement.sql) {
        return Err(TaskError::internal(format!(
            "the SQL holds more than one statement: {}",
            statement::excerpt(&statement.sql)
        )));
    }
    let size = request_bytes(statement);
    if size > limits.sql_request_bytes {
        return Err(TaskError::limit(format!(
            "the SQL request is {size} bytes, over Forge SQL's request limit of {}",
            human_bytes(limits.sql_request_bytes)
        )));
    }
    Ok(())
}

/// The size of a statement on the wire: its text and its parameters.
fn request_bytes(statement: &SqlStatement) -> usize {
    statement.sql.len() + statement.params.iter().map(value_bytes).sum::<usize>()
}

/// The size a value counts for in the request and response limits.
pub(crate) fn value_bytes(value: &Value) -> usize {
    match value {
        Value::Null => 0,
        Value::Int(_) | Value::Real(_) => 8,
        Value::Text(text) => text.len(),
        Value::Blob(blob) => blob.len(),
    }
}
