//! A MySQL-compatible server (MariaDB, MySQL, TiDB, so Forge SQL's dialect):
//! the second engine every statement of the component is proven on.
//!
//! Statements run on a blocking thread (the `mysql` crate is synchronous) on a
//! pooled connection, one batch per connection, in order, as prepared
//! statements (so `?` placeholders and typed values travel as they do to Forge
//! SQL). Results are read within Forge SQL's response size limit; statement
//! time is bounded by the server (`max_statement_time` on MariaDB,
//! `max_execution_time` for reads on MySQL) at Forge SQL's write limit.

use std::time::Duration;

use futures::future::BoxFuture;
use mysql::consts::{ColumnFlags, ColumnType};
use mysql::prelude::Queryable;
use mysql::{Opts, OptsBuilder, Pool, PoolConstraints, PoolOpts, PooledConn};

use super::{value_bytes, Database};
use crate::limits::{human, human_bytes, Limits};
use crate::protocol::{ErrorCode, SqlEngine, SqlRows, SqlStatement, TaskError, Value};
use crate::Error;

/// Connections kept by the pool at most.
const MAX_CONNECTIONS: usize = 8;

/// A MySQL-compatible database, performing statements under Forge SQL's limits.
pub struct MySql {
    pool: Pool,
    limits: Limits,
    /// The URL without its password, for messages.
    shown: String,
}

impl MySql {
    /// Connects to `url` (`mysql://user:password@host:port/database`) and checks
    /// that the server answers.
    ///
    /// # Errors
    ///
    /// When the URL is malformed or the server cannot be reached.
    pub fn connect(url: &str, limits: &Limits) -> Result<MySql, Error> {
        let shown = hide_password(url);
        let opts = Opts::from_url(url)
            .map_err(|err| Error::database(format!("{shown} is not a MySQL URL: {err}")))?;
        let unreachable =
            |err: mysql::Error| Error::database(format!("cannot connect to {shown}: {err}"));
        // Which server it is decides how statement time is bounded.
        let mut probe =
            mysql::Conn::new(OptsBuilder::from_opts(opts.clone())).map_err(unreachable)?;
        let version: String = probe
            .query_first("SELECT VERSION()")
            .map_err(unreachable)?
            .unwrap_or_default();
        drop(probe);
        let timeout = if version.contains("MariaDB") {
            // Seconds, every statement.
            format!(
                "SET SESSION max_statement_time = {}",
                limits.sql_write_timeout.as_secs().max(1)
            )
        } else {
            // MySQL and TiDB: milliseconds, reads only.
            format!(
                "SET SESSION max_execution_time = {}",
                limits.sql_select_timeout.as_millis()
            )
        };
        let constraints = PoolConstraints::new(0, MAX_CONNECTIONS).unwrap_or_default();
        let opts = OptsBuilder::from_opts(opts)
            .pool_opts(PoolOpts::default().with_constraints(constraints))
            .tcp_connect_timeout(Some(Duration::from_secs(10)))
            .init(vec![
                // As strict as Forge SQL: a value that does not fit is an error.
                "SET SESSION sql_mode = 'STRICT_ALL_TABLES,ONLY_FULL_GROUP_BY,NO_ENGINE_SUBSTITUTION'"
                    .to_owned(),
                timeout,
            ]);
        let pool = Pool::new(opts).map_err(unreachable)?;
        pool.get_conn()
            .and_then(|mut conn| conn.query_drop("SELECT 1"))
            .map_err(unreachable)?;
        Ok(MySql {
            pool,
            limits: limits.clone(),
            shown,
        })
    }

    /// The URL, without its password.
    pub fn url(&self) -> &str {
        &self.shown
    }

    /// The pool, for tests and benchmarks that inspect the database directly.
    pub fn pool(&self) -> &Pool {
        &self.pool
    }
}

/// `url` with the password replaced by `***`.
fn hide_password(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

impl Database for MySql {
    fn engine(&self) -> SqlEngine {
        SqlEngine::Mysql
    }

    fn execute(
        &self,
        statements: Vec<SqlStatement>,
    ) -> BoxFuture<'_, Vec<Result<SqlRows, TaskError>>> {
        Box::pin(async move {
            if statements.is_empty() {
                return Vec::new();
            }
            let count = statements.len();
            let fail_all = |message: String| {
                (0..count)
                    .map(|_| Err(TaskError::upstream(message.clone())))
                    .collect()
            };
            let pool = self.pool.clone();
            let limits = self.limits.clone();
            let shown = self.shown.clone();
            let work = tokio::task::spawn_blocking(move || {
                let mut conn = match pool.get_conn() {
                    Ok(conn) => conn,
                    Err(err) => return Err(format!("cannot connect to {shown}: {err}")),
                };
                Ok(statements
                    .iter()
                    .map(|s| run(&mut conn, s, &limits))
                    .collect::<Vec<_>>())
            });
            match work.await {
                Ok(Ok(results)) => results,
                Ok(Err(message)) => fail_all(message),
                Err(err) => fail_all(format!("the database thread failed: {err}")),
            }
        })
    }
}

/// Performs one statement within the response size limit.
fn run(
    conn: &mut PooledConn,
    statement: &SqlStatement,
    limits: &Limits,
) -> Result<SqlRows, TaskError> {
    let params: Vec<mysql::Value> = statement.params.iter().map(to_mysql).collect();
    let params = if params.is_empty() {
        mysql::Params::Empty
    } else {
        mysql::Params::Positional(params)
    };
    let mut result = conn
        .exec_iter(statement.sql.as_str(), params)
        .map_err(|err| classify(&err, limits))?;
    let columns: Vec<(String, bool)> = result
        .columns()
        .as_ref()
        .iter()
        .map(|c| {
            let binary = c.flags().contains(ColumnFlags::BINARY_FLAG)
                && matches!(
                    c.column_type(),
                    ColumnType::MYSQL_TYPE_BLOB
                        | ColumnType::MYSQL_TYPE_TINY_BLOB
                        | ColumnType::MYSQL_TYPE_MEDIUM_BLOB
                        | ColumnType::MYSQL_TYPE_LONG_BLOB
                        | ColumnType::MYSQL_TYPE_VAR_STRING
                        | ColumnType::MYSQL_TYPE_STRING
                )
                && c.character_set() == 63;
            (c.name_str().into_owned(), binary)
        })
        .collect();
    // Read before the rows: the count belongs to the current result set.
    let rows_affected = result.affected_rows();
    let mut rows = Vec::new();
    let mut bytes = 0usize;
    let mut too_large = false;
    if let Some(set) = result.iter() {
        for row in set {
            let row = row.map_err(|err| classify(&err, limits))?;
            if too_large {
                continue; // drain the rest so the connection stays usable
            }
            let cells: Vec<Value> = row
                .unwrap()
                .into_iter()
                .zip(&columns)
                .map(|(value, (_, binary))| from_mysql(value, *binary))
                .collect();
            bytes += cells.iter().map(value_bytes).sum::<usize>();
            if bytes > limits.sql_response_bytes {
                too_large = true;
                rows.clear();
                continue;
            }
            rows.push(cells);
        }
    }
    if too_large {
        return Err(TaskError::limit(format!(
            "the SQL response exceeds Forge SQL's response limit of {}",
            human_bytes(limits.sql_response_bytes)
        )));
    }
    drop(result);
    Ok(SqlRows {
        columns: columns.into_iter().map(|(name, _)| name).collect(),
        rows,
        rows_affected,
    })
}

fn to_mysql(value: &Value) -> mysql::Value {
    match value {
        Value::Null => mysql::Value::NULL,
        Value::Int(i) => mysql::Value::Int(*i),
        Value::Real(r) => mysql::Value::Double(*r),
        Value::Text(t) => mysql::Value::Bytes(t.as_bytes().to_vec()),
        Value::Blob(b) => mysql::Value::Bytes(b.clone()),
    }
}

/// A cell as the protocol carries it. Integers stay integers; decimals (such
/// as `SUM` results) and text are text; binary strings are blobs.
fn from_mysql(value: mysql::Value, binary: bool) -> Value {
    match value {
        mysql::Value::NULL => Value::Null,
        mysql::Value::Int(i) => Value::Int(i),
        mysql::Value::UInt(u) => i64::try_from(u).map_or(Value::Real(u as f64), Value::Int),
        mysql::Value::Float(f) => Value::Real(f64::from(f)),
        mysql::Value::Double(d) => Value::Real(d),
        mysql::Value::Bytes(b) if binary => Value::Blob(b),
        mysql::Value::Bytes(b) => match String::from_utf8(b) {
            Ok(text) => Value::Text(text),
            Err(err) => Value::Blob(err.into_bytes()),
        },
        other => Value::Text(other.as_sql(true).trim_matches('\'').to_owned()),
    }
}

/// The protocol error for a server failure: a duplicate key is `conflict`, a
/// statement stopped by the time limit `limit`, a lost or busy server
/// `upstream`, anything else (a statement the server rejects) `internal`.
fn classify(err: &mysql::Error, limits: &Limits) -> TaskError {
    let code = match err {
        mysql::Error::MySqlError(e) => match e.code {
            // ER_DUP_ENTRY, ER_DUP_KEY
            1062 | 1022 => ErrorCode::Conflict,
            // MariaDB ER_STATEMENT_TIMEOUT, MySQL ER_QUERY_TIMEOUT, ER_QUERY_INTERRUPTED
            1969 | 3024 | 1317 => {
                return TaskError::limit(format!(
                    "the SQL statement ran longer than Forge SQL's limit of {}",
                    human(limits.sql_write_timeout)
                ))
            }
            // lock wait timeout, deadlock, too many connections, server gone
            1205 | 1213 | 1040 | 2006 | 2013 => ErrorCode::Upstream,
            _ => ErrorCode::Internal,
        },
        mysql::Error::IoError(_) | mysql::Error::DriverError(_) => ErrorCode::Upstream,
        _ => ErrorCode::Internal,
    };
    TaskError::new(code, format!("mysql: {err}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_hidden() {
        assert_eq!(
            hide_password("mysql://worklogs:secret@127.0.0.1:33306/db"),
            "mysql://worklogs:***@127.0.0.1:33306/db"
        );
        assert_eq!(hide_password("mysql://root@h/db"), "mysql://root@h/db");
    }
}
