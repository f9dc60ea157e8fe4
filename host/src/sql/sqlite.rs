//! SQLite, the local database: one file under the data directory, in WAL mode.
//!
//! Statements run on a blocking thread (rusqlite is synchronous) on a connection
//! taken from a small pool, so tasks running at the same time read concurrently
//! (WAL allows many readers beside one writer). The pool is hand-written: it is a
//! few lines, where a pooling crate would bring its own threads and timeouts.

use std::ffi::c_int;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, SyncSender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::future::BoxFuture;
use rusqlite::hooks::Wal;
use rusqlite::types::{Value as SqlValue, ValueRef};
use rusqlite::wal::CheckpointMode;
use rusqlite::{params_from_iter, Connection, ErrorCode as SqliteCode};

use super::{value_bytes, Database, Timed};
use crate::limits::{human, human_bytes, Limits};
use crate::protocol::{ErrorCode, SqlEngine, SqlRows, SqlStatement, TaskError, Value};
use crate::Error;

/// The name of the database file in the data directory.
pub const FILE_NAME: &str = "worklogs.sqlite";

/// How many idle connections the pool keeps.
const IDLE_CONNECTIONS: usize = 4;

/// Each connection's page cache, in KiB (negative: SQLite's unit for a size
/// rather than a page count). SQLite's default, 2 MB, is a fraction of a
/// large index's B-tree pages: a full import then spent a third of its time
/// in the kernel reading back pages it had just written.
const CACHE_KIB: i64 = -32 * 1024;
/// WAL pages at which a commit asks for a checkpoint (SQLite's default is
/// 1,000): some 200 MB. A checkpoint copies each page once however often the
/// WAL holds it, and a full import rewrites the same index pages (each
/// author's and each issue's newest entries) in every statement: checkpoints
/// every 10,000 pages made it some 20 % slower, every 100,000 some 4 % faster
/// still. The checkpoint runs on a thread of its own ([`checkpoints`]), beside
/// the statements that go on writing.
const CHECKPOINT_PAGES: c_int = 50_000;
/// How many times [`CHECKPOINT_PAGES`] the WAL holds when the committing
/// connection checkpoints itself, as SQLite's automatic checkpoints do: the
/// checkpoint thread fell behind.
const CHECKPOINT_INLINE_TIMES: c_int = 4;
/// The bytes the WAL file is cut back to when a checkpoint has emptied it: a
/// WAL that grew past the checkpoints' size (a long read held them back) does
/// not stay that large. Not below their size: cutting the file after every
/// checkpoint made the import some 10 % slower (the file system allocates its
/// blocks again).
const WAL_KEPT_BYTES: i64 = 256 * 1024 * 1024;

/// A SQLite database file, performing statements under Forge SQL's limits.
pub struct Sqlite {
    path: PathBuf,
    limits: Limits,
    idle: Mutex<Vec<Conn>>,
    /// Wakes the checkpoint thread ([`checkpoints`]); `None` once dropped.
    checkpoint: Option<SyncSender<()>>,
    /// The checkpoint thread, joined when the database is dropped.
    checkpointer: Option<std::thread::JoinHandle<()>>,
    /// [`CHECKPOINT_PAGES`], but in tests.
    checkpoint_pages: c_int,
}

/// Copies the WAL into the database file on a thread of its own, when a
/// commit finds the WAL past [`CHECKPOINT_PAGES`], so that the statement that
/// committed does not wait for it (SQLite's automatic checkpoint runs in the
/// commit: a full import's statements waited some 300 ms for each). Passive
/// checkpoints: they copy what no reader needs, never block a writer, and the
/// next writer starts the WAL over once all of it is copied. The thread has a
/// connection of its own and ends when the last connection that can wake it
/// (each one holds a sender) is gone.
///
/// A passive checkpoint cannot start the WAL over while statements keep
/// committing (each adds pages behind it): once the WAL holds twice the mark
/// after one, a restarting checkpoint waits for the writer in between two
/// statements, copies what is left and starts the WAL over, so the WAL stays
/// near the mark (some 400 MB at most rather than growing with the import).
fn checkpoints(connection: Connection, asked: Receiver<()>, mark: c_int) {
    while asked.recv().is_ok() {
        // Busy (another checkpoint runs) or failed: the next commit past the
        // mark asks again, and past CHECKPOINT_INLINE_TIMES the mark the
        // committing connection checkpoints itself.
        let left = connection.wal_checkpoint_v2(None::<&str>, CheckpointMode::PASSIVE);
        if left.is_ok_and(|(pages, _)| pages >= mark.saturating_mul(2)) {
            let _ = connection.wal_checkpoint_v2(None::<&str>, CheckpointMode::RESTART);
        }
    }
}

/// A connection and the deadline its progress handler enforces.
struct Conn {
    connection: Connection,
    deadline: Arc<Mutex<Option<Instant>>>,
}

impl Sqlite {
    /// Opens (creating if needed) the database `worklogs.sqlite` in `data_dir`,
    /// creating the directory too.
    ///
    /// # Errors
    ///
    /// When the directory cannot be created or the file cannot be opened as a
    /// SQLite database in WAL mode.
    pub fn open(data_dir: &Path, limits: &Limits) -> Result<Sqlite, Error> {
        Self::open_checkpointing(data_dir, limits, CHECKPOINT_PAGES)
    }

    /// [`Sqlite::open`], asking for a checkpoint at `pages` WAL pages.
    fn open_checkpointing(data_dir: &Path, limits: &Limits, pages: c_int) -> Result<Sqlite, Error> {
        std::fs::create_dir_all(data_dir).map_err(|err| {
            Error::io(format!(
                "cannot create the data directory {}: {err}",
                data_dir.display()
            ))
        })?;
        let (checkpoint, asked) = std::sync::mpsc::sync_channel(1);
        let mut sqlite = Sqlite {
            path: data_dir.join(FILE_NAME),
            limits: limits.clone(),
            idle: Mutex::new(Vec::new()),
            checkpoint: Some(checkpoint),
            checkpointer: None,
            checkpoint_pages: pages,
        };
        let conn = sqlite.connect()?;
        sqlite.give_back(conn);
        let own = sqlite.open_connection()?;
        let thread = std::thread::Builder::new()
            .name("worklogs-checkpoint".to_owned())
            .spawn(move || checkpoints(own, asked, pages))
            .map_err(|err| Error::io(format!("cannot start the checkpoint thread: {err}")))?;
        sqlite.checkpointer = Some(thread);
        Ok(sqlite)
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A connection in WAL mode with the settings every connection has.
    fn open_connection(&self) -> Result<Connection, Error> {
        let fail = |err: rusqlite::Error| {
            Error::database(format!("cannot open {}: {err}", self.path.display()))
        };
        let connection = Connection::open(&self.path).map_err(fail)?;
        let mode: String = connection
            .pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))
            .map_err(fail)?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(Error::database(format!(
                "cannot put {} in WAL mode (it is in {mode} mode)",
                self.path.display()
            )));
        }
        connection
            .pragma_update(None, "synchronous", "NORMAL")
            .map_err(fail)?;
        // A larger page cache than SQLite's default: see docs/performance.md,
        // "Index and sync".
        for (name, value) in [
            ("cache_size", CACHE_KIB),
            ("journal_size_limit", WAL_KEPT_BYTES),
        ] {
            connection.pragma_update(None, name, value).map_err(fail)?;
        }
        connection
            .busy_timeout(Duration::from_secs(5))
            .map_err(fail)?;
        Ok(connection)
    }

    fn connect(&self) -> Result<Conn, Error> {
        let fail = |err: rusqlite::Error| {
            Error::database(format!("cannot open {}: {err}", self.path.display()))
        };
        let mut connection = self.open_connection()?;
        // Fewer checkpoints of the WAL than SQLite's default (a page written
        // again and again between two checkpoints is copied into the file
        // once), on the checkpoint thread. Never an error from here: it would
        // fail the statement whose commit (already done) called it.
        let wake = self.checkpoint.clone();
        let mark = self.checkpoint_pages;
        connection
            .wal_hook(Some(move |wal: &mut Wal, pages: c_int| {
                if pages >= mark.saturating_mul(CHECKPOINT_INLINE_TIMES) {
                    let _ = wal.checkpoint();
                } else if pages >= mark {
                    if let Some(wake) = &wake {
                        let _ = wake.try_send(());
                    }
                }
                Ok(())
            }))
            .map_err(fail)?;
        connection.set_prepared_statement_cache_capacity(64);
        let deadline = Arc::new(Mutex::new(None::<Instant>));
        let watched = Arc::clone(&deadline);
        connection
            .progress_handler(
                1_000,
                Some(move || {
                    let deadline = *watched.lock().unwrap_or_else(|e| e.into_inner());
                    deadline.is_some_and(|deadline| Instant::now() >= deadline)
                }),
            )
            .map_err(fail)?;
        Ok(Conn {
            connection,
            deadline,
        })
    }

    fn take(&self) -> Result<Conn, Error> {
        let idle = self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
        match idle {
            Some(conn) => Ok(conn),
            None => self.connect(),
        }
    }

    fn give_back(&self, conn: Conn) {
        let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
        if idle.len() < IDLE_CONNECTIONS {
            idle.push(conn);
        }
    }
}

impl Drop for Sqlite {
    /// Closes the connections, then waits for the checkpoint thread to end:
    /// its connection is the last, whose closing copies the WAL into the file
    /// and removes it (as SQLite does for the last connection), rather than a
    /// process that ends leaving a large WAL for the next start to read.
    fn drop(&mut self) {
        self.idle.lock().unwrap_or_else(|e| e.into_inner()).clear();
        self.checkpoint = None;
        if let Some(thread) = self.checkpointer.take() {
            let _ = thread.join();
        }
    }
}

impl Database for Sqlite {
    fn engine(&self) -> SqlEngine {
        SqlEngine::Sqlite
    }

    fn execute(
        &self,
        statements: Vec<SqlStatement>,
    ) -> BoxFuture<'_, Vec<Result<SqlRows, TaskError>>> {
        Box::pin(async move { self.execute_timed(statements).await.0 })
    }

    /// The query time is the CPU time of the statements' thread (Linux's
    /// `/proc/thread-self/schedstat`; `None` where the kernel does not say).
    /// SQLite runs in this process, so a statement's wall time also counts
    /// waiting for a core on a busy machine and for the one writer SQLite
    /// allows, neither of which Forge SQL's servers (TiDB, row locks, many
    /// cores) would count as the statement's.
    fn execute_timed(&self, statements: Vec<SqlStatement>) -> BoxFuture<'_, Timed> {
        Box::pin(async move {
            if statements.is_empty() {
                return (Vec::new(), Some(Duration::ZERO));
            }
            let count = statements.len();
            let fail_all = |message: String| {
                let failed = (0..count)
                    .map(|_| Err(TaskError::upstream(message.clone())))
                    .collect();
                (failed, None)
            };
            let conn = match self.take() {
                Ok(conn) => conn,
                Err(err) => return fail_all(err.to_string()),
            };
            let limits = self.limits.clone();
            let work = tokio::task::spawn_blocking(move || {
                let before = cpu_time();
                let results = statements.iter().map(|s| run(&conn, s, &limits)).collect();
                let took = before.zip(cpu_time()).map(|(b, a)| a.saturating_sub(b));
                (conn, results, took)
            });
            match work.await {
                Ok((conn, results, took)) => {
                    self.give_back(conn);
                    (results, took)
                }
                Err(err) => fail_all(format!("the database thread failed: {err}")),
            }
        })
    }
}

/// The CPU time this thread has run so far (the first field of
/// `/proc/thread-self/schedstat`, in nanoseconds), if the kernel says.
fn cpu_time() -> Option<Duration> {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|text| text.split_whitespace().next()?.parse::<u64>().ok())
        .map(Duration::from_nanos)
}

/// Performs one statement on `conn` within the statement time and response size limits.
fn run(conn: &Conn, statement: &SqlStatement, limits: &Limits) -> Result<SqlRows, TaskError> {
    let connection = &conn.connection;
    let mut prepared = connection
        .prepare_cached(&statement.sql)
        .map_err(|err| classify(err, Duration::ZERO))?;
    let timeout = if prepared.readonly() {
        limits.sql_select_timeout
    } else {
        limits.sql_write_timeout
    };
    *conn.deadline.lock().unwrap_or_else(|e| e.into_inner()) = Some(Instant::now() + timeout);
    let params = params_from_iter(statement.params.iter().map(to_sqlite));
    let result = if prepared.column_count() == 0 {
        prepared
            .execute(params)
            .map(|changed| SqlRows {
                columns: Vec::new(),
                rows: Vec::new(),
                rows_affected: changed as u64,
            })
            .map_err(Failure::Sqlite)
    } else {
        read_rows(&mut prepared, params, limits.sql_response_bytes).map(|(columns, rows)| {
            let rows_affected = if prepared.readonly() {
                0
            } else {
                connection.changes()
            };
            SqlRows {
                columns,
                rows,
                rows_affected,
            }
        })
    };
    *conn.deadline.lock().unwrap_or_else(|e| e.into_inner()) = None;
    result.map_err(|err| match err {
        Failure::TooLarge => TaskError::limit(format!(
            "the SQL response exceeds Forge SQL's response limit of {}",
            human_bytes(limits.sql_response_bytes)
        )),
        Failure::Sqlite(err) => classify(err, timeout),
    })
}

enum Failure {
    Sqlite(rusqlite::Error),
    TooLarge,
}

impl From<rusqlite::Error> for Failure {
    fn from(err: rusqlite::Error) -> Self {
        Failure::Sqlite(err)
    }
}

type Table = (Vec<String>, Vec<Vec<Value>>);

/// Reads every row, stopping as soon as the cells exceed `max_bytes`.
fn read_rows(
    prepared: &mut rusqlite::Statement<'_>,
    params: impl rusqlite::Params,
    max_bytes: usize,
) -> Result<Table, Failure> {
    let columns: Vec<String> = prepared.column_names().map(String::from).collect();
    let width = columns.len();
    let mut rows = prepared.query(params)?;
    let mut table = Vec::new();
    let mut bytes = 0usize;
    while let Some(row) = rows.next()? {
        let mut cells = Vec::with_capacity(width);
        for i in 0..width {
            let cell = from_sqlite(row.get_ref(i)?);
            bytes += value_bytes(&cell);
            cells.push(cell);
        }
        if bytes > max_bytes {
            return Err(Failure::TooLarge);
        }
        table.push(cells);
    }
    Ok((columns, table))
}

fn to_sqlite(value: &Value) -> SqlValue {
    match value {
        Value::Null => SqlValue::Null,
        Value::Int(i) => SqlValue::Integer(*i),
        Value::Real(r) => SqlValue::Real(*r),
        Value::Text(t) => SqlValue::Text(t.clone()),
        Value::Blob(b) => SqlValue::Blob(b.clone()),
    }
}

fn from_sqlite(value: ValueRef<'_>) -> Value {
    match value {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => Value::Int(i),
        ValueRef::Real(r) => Value::Real(r),
        ValueRef::Text(t) => Value::Text(crate::utf8_text(t)),
        ValueRef::Blob(b) => Value::Blob(b.to_vec()),
    }
}

/// The protocol error for a SQLite failure: constraint violations are
/// `conflict`, an interrupted statement ran out of time (`limit`), an unavailable
/// database is `upstream`, and anything else (a statement the engine rejects) is
/// `internal`.
fn classify(err: rusqlite::Error, timeout: Duration) -> TaskError {
    let code = match err.sqlite_error_code() {
        Some(SqliteCode::ConstraintViolation) => ErrorCode::Conflict,
        Some(SqliteCode::OperationInterrupted) => {
            return TaskError::limit(format!(
                "the SQL statement ran longer than Forge SQL's limit of {}",
                human(timeout)
            ));
        }
        Some(
            SqliteCode::DatabaseBusy
            | SqliteCode::DatabaseLocked
            | SqliteCode::SystemIoFailure
            | SqliteCode::DiskFull
            | SqliteCode::CannotOpen
            | SqliteCode::OutOfMemory,
        ) => ErrorCode::Upstream,
        _ => ErrorCode::Internal,
    };
    TaskError::new(code, format!("sqlite: {err}"))
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc;
    use std::time::{Duration, Instant};

    use rusqlite::Connection;

    use super::{Database, Sqlite, FILE_NAME};
    use crate::limits::Limits;
    use crate::protocol::SqlStatement;

    fn statement(sql: &str) -> SqlStatement {
        SqlStatement {
            sql: sql.into(),
            params: Vec::new(),
        }
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn the_wal_is_copied_into_the_file_by_the_checkpoint_thread() {
        let data = tempfile::tempdir().unwrap();
        let database = Sqlite::open_checkpointing(data.path(), &Limits::default(), 50).unwrap();
        let file = data.path().join(FILE_NAME);
        let size = || std::fs::metadata(&file).unwrap().len();
        let created = database
            .execute(vec![statement("CREATE TABLE t (a TEXT)")])
            .await;
        assert!(created[0].is_ok(), "{created:?}");
        let before = size();
        // Some 60 pages of rows, one commit each: past the mark of 50 and far
        // below the four times it at which the committing connection would
        // checkpoint itself.
        let rows = (0..60)
            .map(|_| statement("INSERT INTO t VALUES (randomblob(3000))"))
            .collect();
        assert!(database.execute(rows).await.iter().all(Result::is_ok));
        // The database file grows only when a checkpoint copies the WAL into it.
        let deadline = Instant::now() + Duration::from_secs(10);
        while size() < before + 50 * 4096 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(
            size() >= before + 50 * 4096,
            "the file is {} bytes, {before} before the rows",
            size()
        );
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn a_statement_counts_its_own_time_not_its_wait_for_the_writer() {
        let data = tempfile::tempdir().unwrap();
        let database = Sqlite::open(data.path(), &Limits::default()).unwrap();
        let created = database
            .execute(vec![statement("CREATE TABLE t (a INT)")])
            .await;
        assert!(created[0].is_ok(), "{created:?}");
        // Another writer holds SQLite's one write lock for 300 ms.
        let path = data.path().join(FILE_NAME);
        let (locked, wait) = mpsc::channel();
        let holder = std::thread::spawn(move || {
            let other = Connection::open(path).unwrap();
            other.execute_batch("BEGIN IMMEDIATE").unwrap();
            locked.send(()).unwrap();
            std::thread::sleep(Duration::from_millis(300));
            other.execute_batch("COMMIT").unwrap();
        });
        wait.recv().unwrap();
        let started = Instant::now();
        let (results, took) = database
            .execute_timed(vec![statement("INSERT INTO t VALUES (1)")])
            .await;
        let wall = started.elapsed();
        holder.join().unwrap();
        assert!(results[0].is_ok(), "{results:?}");
        assert!(wall >= Duration::from_millis(250), "it waited: {wall:?}");
        let took = took.expect("Linux tells a thread's CPU time");
        assert!(
            took < Duration::from_millis(100),
            "{took:?} counted of {wall:?}"
        );
    }
}
