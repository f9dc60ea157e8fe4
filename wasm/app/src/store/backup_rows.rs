//! Every statement of app-data backups (`docs/backup.md`): the registry of the
//! tables an archive holds ([`TABLES`]: one line per table), the generic reads
//! and writes of their rows, and the app's own archive storage
//! (`backup_parts`). Every read is bounded with `LIMIT`; every statement is
//! parameterised; table and column names come only from [`TABLES`].

use crate::executor::Ctx;
use crate::protocol::{SqlRows, Value};
use crate::Error;

/// How a column's value is stored and written in an archive line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A whole number, never null.
    Int,
    /// A whole number or null.
    OptInt,
    /// A text, never null.
    Text,
    /// A text or null.
    OptText,
}

/// What a column holds, for mapping between sites (`backup.restore.run`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Kept as it is.
    Plain,
    /// An Atlassian account id.
    Account,
    /// A Jira issue key (`PROJ-12`): its project key is mapped.
    IssueKey,
    /// A JSON text whose fields naming accounts, projects and issues are
    /// mapped wherever they occur (`crate::ops::backup::mapping`).
    Json,
}

/// One column of a backed-up table.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// Its SQL name.
    pub name: &'static str,
    /// How it is stored.
    pub kind: Kind,
    /// What it holds.
    pub role: Role,
}

/// One table the archive holds. Its rows are those of the installation
/// (`installation` column, not written in the archive: restoring into another
/// site writes that site's), read in key order.
#[derive(Debug, Clone, Copy)]
pub struct Table {
    /// Its SQL name, also the part's name prefix.
    pub name: &'static str,
    /// The columns, key first.
    pub columns: &'static [Column],
    /// How many leading columns form the primary key (after `installation`).
    pub key: usize,
    /// Rows whose first column is one of these are neither backed up nor
    /// replaced by a restore: the app's bookkeeping of the site it runs on.
    pub skip: &'static [&'static str],
}

const fn col(name: &'static str, kind: Kind, role: Role) -> Column {
    Column { name, kind, role }
}

use Kind::{Int, OptInt, OptText, Text};
use Role::{Account, IssueKey, Json, Plain};

/// The settings the app keeps about the site it runs on (its index's
/// checkpoints, the verification and backup runs): never in an archive, never
/// replaced by a restore. The audit log's head and anchor go with the log.
pub const SITE_BOOKKEEPING: &[&str] = &[
    "sync.state",
    "sync.verify",
    "sync.errors",
    "privacy.state",
    "audit.verify",
    "backup.create",
    "backup.restore",
    "restore.run",
    "journal.prune",
    "finance.mirror",
];

/// Every table of app data an archive holds, in restore order. Adding a table
/// is one line here (and its part in `docs/backup.md`). Not here: the worklog
/// index (`sites`, `dict`, `worklogs`, `issues`, `worklog_deletions`,
/// `open_projects`), a cache of Jira rebuilt by `sync.full`; `finance_mirror`,
/// what the app wrote to Jira's worklog properties (the next `finance.mirror`
/// pass writes them again); `erased_accounts`,
/// which stays with the site (an erasure is never undone by a restore); and
/// `backup_parts` itself.
pub const TABLES: &[Table] = &[
    Table {
        name: "settings",
        columns: &[
            col("name", Text, Plain),
            col("value", Text, Json),
            col("updated_ms", Int, Plain),
        ],
        key: 1,
        skip: SITE_BOOKKEEPING,
    },
    Table {
        name: "saved_reports",
        columns: &[
            col("id", Text, Plain),
            col("owner", Text, Account),
            col("name", Text, Plain),
            col("query", Text, Json),
            col("shared", Text, Plain),
            col("updated", Int, Plain),
        ],
        key: 1,
        skip: &[],
    },
    Table {
        name: "timers",
        columns: &[
            col("account", Text, Account),
            col("id", Text, Plain),
            col("issue_id", Int, Plain),
            col("issue_key", Text, IssueKey),
            col("state", Text, Plain),
            col("first_start", Int, Plain),
            col("accumulated_ms", Int, Plain),
            col("running_since", OptInt, Plain),
            col("stop_at", OptInt, Plain),
            col("stop_reason", OptText, Plain),
            col("zone", Text, Plain),
            col("comment", Text, Plain),
            col("attributes", Text, Plain),
            col("updated", Int, Plain),
        ],
        key: 2,
        skip: &[],
    },
    // The audit log is restored byte for byte: its records are hash-chained
    // (the ids inside its before/after values stay as they were); who acted
    // is in `audit_actors`, which is mapped.
    Table {
        name: "audit_log",
        columns: &[
            col("seq", Int, Plain),
            col("at_ms", Int, Plain),
            col("actor_kind", Text, Plain),
            col("actor", Int, Plain),
            col("action", Text, Plain),
            col("subject", Text, Plain),
            col("before_value", OptText, Plain),
            col("after_value", OptText, Plain),
            col("prev_hash", Text, Plain),
            col("hash", Text, Plain),
        ],
        key: 1,
        skip: &[],
    },
    // Timesheet approvals (`docs/approvals.md`): periods, their history, the
    // locked versions of their worklogs and the outside edits found. A
    // period's `account_key` is the index's dictionary id of the person: a
    // restore into another site is followed by `sync.full`, and the period is
    // found again by its account (`approval_periods.account`).
    Table {
        name: "approval_periods",
        columns: &[
            col("account", Text, Account),
            col("start_date", Text, Plain),
            col("end_date", Text, Plain),
            col("account_key", Int, Plain),
            col("zone", Text, Plain),
            col("start_ms", Int, Plain),
            col("end_ms", Int, Plain),
            col("state", Text, Plain),
            col("decision", OptText, Plain),
            col("decided_by", OptText, Account),
            col("decided_ms", OptInt, Plain),
            col("reason", OptText, Plain),
            col("updated", Int, Plain),
        ],
        key: 2,
        skip: &[],
    },
    Table {
        name: "approval_history",
        columns: &[
            col("account", Text, Account),
            col("start_date", Text, Plain),
            col("id", Text, Plain),
            col("at_ms", Int, Plain),
            col("action", Text, Plain),
            col("actor", OptText, Account),
            col("reason", OptText, Plain),
            col("worklog", OptInt, Plain),
            col("replaced", OptText, Json),
            col("updated", Int, Plain),
        ],
        key: 3,
        skip: &[],
    },
    Table {
        name: "approval_snapshots",
        columns: &[
            col("account", Text, Account),
            col("start_date", Text, Plain),
            col("worklog", Int, Plain),
            col("fingerprint", Text, Plain),
            col("body", Text, Json),
            col("updated", Int, Plain),
        ],
        key: 3,
        skip: &[],
    },
    Table {
        name: "approval_drift",
        columns: &[
            col("id", Text, Plain),
            col("account", Text, Account),
            col("start_date", Text, Plain),
            col("worklog", Int, Plain),
            col("kind", Text, Plain),
            col("state", Text, Plain),
            col("detected_ms", Int, Plain),
            col("before_body", OptText, Json),
            col("after_body", OptText, Json),
            col("resolved_by", OptText, Account),
            col("resolved_ms", OptInt, Plain),
            col("reason", OptText, Plain),
            col("updated", Int, Plain),
        ],
        key: 1,
        skip: &[],
    },
    Table {
        name: "audit_actors",
        columns: &[
            col("actor", Int, Plain),
            col("account", Text, Account),
            col("updated", Int, Plain),
        ],
        key: 1,
        skip: &[],
    },
];

/// The table named `name`.
pub fn table(name: &str) -> Option<&'static Table> {
    TABLES.iter().find(|t| t.name == name)
}

fn installation(ctx: &Ctx) -> Value {
    Value::Text(ctx.context().installation.clone())
}

/// `?, ?, …` for `n` values.
fn placeholders(n: usize) -> String {
    vec!["?"; n].join(", ")
}

/// An integer cell, as [`crate::index::int`] reads one.
pub fn int(value: &Value) -> Option<i64> {
    value.as_int()
}

fn column_list(t: &Table) -> String {
    t.columns
        .iter()
        .map(|c| c.name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The `WHERE` clause after a key (keyset pagination over a composite key):
/// `(a > ?) OR (a = ? AND b > ?)`, with its parameters.
fn after_key(t: &Table, after: &[Value]) -> (String, Vec<Value>) {
    let mut ors = Vec::new();
    let mut params = Vec::new();
    for (i, last) in after.iter().enumerate().take(t.key) {
        let mut ands = Vec::new();
        for (c, v) in t.columns.iter().zip(after).take(i) {
            ands.push(format!("{} = ?", c.name));
            params.push(v.clone());
        }
        if let Some(c) = t.columns.get(i) {
            ands.push(format!("{} > ?", c.name));
            params.push(last.clone());
        }
        ors.push(format!("({})", ands.join(" AND ")));
    }
    (ors.join(" OR "), params)
}

/// Up to `limit` rows of `t` for this installation after the key `after`
/// (none: from the start), in key order, each as its columns' values.
///
/// # Errors
///
/// The database's errors.
pub async fn page(
    ctx: &Ctx,
    t: &Table,
    after: Option<&[Value]>,
    limit: usize,
) -> Result<Vec<Vec<Value>>, Error> {
    let keys: Vec<&str> = t.columns.iter().take(t.key).map(|c| c.name).collect();
    let mut params = vec![installation(ctx)];
    let mut filter = String::new();
    if let Some(after) = after {
        // The key's first column at or after its last value first: the `OR`
        // below is no range an engine seeks by, so without this bound every
        // page scanned the table from its start again (a backup of 1,000,000
        // approval snapshots slowed page by page).
        if let (Some(first), Some(last)) = (t.columns.first(), after.first()) {
            filter = format!(" AND {} >= ?", first.name);
            params.push(last.clone());
        }
        let (clause, more) = after_key(t, after);
        filter.push_str(&format!(" AND ({clause})"));
        params.extend(more);
    }
    let sql = format!(
        "SELECT {} FROM {} WHERE installation = ?{filter} ORDER BY {} LIMIT {limit}",
        column_list(t),
        t.name,
        keys.join(", ")
    );
    Ok(ctx.sql(&sql, params).await?.rows)
}

/// How many rows of `t` this installation has (its skipped rows included).
///
/// # Errors
///
/// The database's errors.
pub async fn count(ctx: &Ctx, t: &Table) -> Result<i64, Error> {
    let answer = ctx
        .sql(
            &format!(
                "SELECT COUNT(*) FROM {} WHERE installation = ? LIMIT 1",
                t.name
            ),
            vec![installation(ctx)],
        )
        .await?;
    Ok(first_int(&answer).unwrap_or(0))
}

fn first_int(answer: &SqlRows) -> Option<i64> {
    answer.rows.first().and_then(|r| r.first()).and_then(int)
}

/// Deletes this installation's rows of `t`, but its skipped ones: what a
/// restore replaces.
///
/// # Errors
///
/// The database's errors.
pub async fn wipe(ctx: &Ctx, t: &Table) -> Result<(), Error> {
    let mut params = vec![installation(ctx)];
    let mut sql = format!("DELETE FROM {} WHERE installation = ?", t.name);
    if let (Some(first), false) = (t.columns.first(), t.skip.is_empty()) {
        sql.push_str(&format!(
            " AND {} NOT IN ({})",
            first.name,
            placeholders(t.skip.len())
        ));
        params.extend(t.skip.iter().map(|s| Value::Text((*s).to_owned())));
    }
    ctx.sql(&sql, params).await.map(drop)
}

/// Writes rows of `t` for this installation (replacing any with the same key),
/// in statements of at most [`INSERT_ROWS`] rows and about [`INSERT_BYTES`].
///
/// # Errors
///
/// The database's errors.
pub async fn insert(ctx: &Ctx, t: &Table, rows: Vec<Vec<Value>>) -> Result<(), Error> {
    let width = t.columns.len().saturating_add(1);
    let one = format!("({})", placeholders(width));
    let mut batch: Vec<Value> = Vec::new();
    let mut n = 0usize;
    let mut bytes = 0usize;
    for row in rows {
        bytes = bytes.saturating_add(row.iter().map(value_bytes).sum::<usize>());
        batch.push(installation(ctx));
        batch.extend(row);
        n = n.saturating_add(1);
        if n >= INSERT_ROWS || bytes >= INSERT_BYTES {
            flush(ctx, t, &one, n, std::mem::take(&mut batch)).await?;
            n = 0;
            bytes = 0;
        }
    }
    if n > 0 {
        flush(ctx, t, &one, n, batch).await?;
    }
    Ok(())
}

/// Rows per insert statement.
pub const INSERT_ROWS: usize = 200;
/// Bytes of values per insert statement, below Forge SQL's 1 MiB request.
pub const INSERT_BYTES: usize = 600_000;

fn value_bytes(v: &Value) -> usize {
    match v {
        Value::Text(t) => t.len(),
        Value::Blob(b) => b.len(),
        _ => 8,
    }
}

async fn flush(ctx: &Ctx, t: &Table, one: &str, n: usize, params: Vec<Value>) -> Result<(), Error> {
    let sql = format!(
        "REPLACE INTO {} (installation, {}) VALUES {}",
        t.name,
        column_list(t),
        vec![one; n].join(", ")
    );
    ctx.sql(&sql, params).await.map(drop)
}

/// One stored part of an archive, without its content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartMeta {
    /// The archive's id.
    pub archive: String,
    /// Its place (0: the manifest).
    pub seq: i64,
    /// Its name in the archive.
    pub name: String,
    /// How the archive was made.
    pub kind: String,
    /// When the archive was made, epoch milliseconds.
    pub created: i64,
    /// Rows it holds.
    pub rows: i64,
    /// Its length in bytes.
    pub bytes: i64,
    /// Its SHA-256, lower-case hex.
    pub sha256: String,
}

fn text_of(v: Option<&Value>) -> Result<String, Error> {
    match v {
        Some(Value::Text(t)) => Ok(t.clone()),
        other => Err(Error::upstream(format!(
            "the database answered a backup cell that is not text: {other:?}"
        ))),
    }
}

fn int_of(v: Option<&Value>) -> Result<i64, Error> {
    v.and_then(int).ok_or_else(|| {
        Error::upstream(format!(
            "the database answered a backup cell that is not a number: {v:?}"
        ))
    })
}

const META: &str = "archive, seq, name, kind, created, row_count, bytes, sha256";

fn meta(r: &[Value]) -> Result<PartMeta, Error> {
    Ok(PartMeta {
        archive: text_of(r.first())?,
        seq: int_of(r.get(1))?,
        name: text_of(r.get(2))?,
        kind: text_of(r.get(3))?,
        created: int_of(r.get(4))?,
        rows: int_of(r.get(5))?,
        bytes: int_of(r.get(6))?,
        sha256: text_of(r.get(7))?,
    })
}

/// Stores one part (replacing one with the same place).
///
/// # Errors
///
/// The database's errors.
pub async fn put_part(ctx: &Ctx, part: &PartMeta, content: String) -> Result<(), Error> {
    ctx.sql(
        &format!(
            "REPLACE INTO backup_parts (installation, {META}, content) VALUES ({})",
            placeholders(10)
        ),
        vec![
            installation(ctx),
            Value::Text(part.archive.clone()),
            Value::Int(part.seq),
            Value::Text(part.name.clone()),
            Value::Text(part.kind.clone()),
            Value::Int(part.created),
            Value::Int(part.rows),
            Value::Int(part.bytes),
            Value::Text(part.sha256.clone()),
            Value::Text(content),
        ],
    )
    .await
    .map(drop)
}

/// The most parts an archive may have.
pub const MAX_PARTS: usize = 10_000;

/// Every part of `archive` (without contents), by place.
///
/// # Errors
///
/// The database's errors.
pub async fn parts(ctx: &Ctx, archive: &str) -> Result<Vec<PartMeta>, Error> {
    let answer = ctx
        .sql(
            &format!(
                "SELECT {META} FROM backup_parts WHERE installation = ? AND archive = ? ORDER BY seq LIMIT {MAX_PARTS}"
            ),
            vec![installation(ctx), Value::Text(archive.to_owned())],
        )
        .await?;
    answer.rows.iter().map(|r| meta(r)).collect()
}

/// The part of `archive` at `seq`, with its content, if stored.
///
/// # Errors
///
/// The database's errors.
pub async fn part(ctx: &Ctx, archive: &str, seq: i64) -> Result<Option<(PartMeta, String)>, Error> {
    let answer = ctx
        .sql(
            &format!(
                "SELECT {META}, content FROM backup_parts WHERE installation = ? AND archive = ? AND seq = ? LIMIT 1"
            ),
            vec![
                installation(ctx),
                Value::Text(archive.to_owned()),
                Value::Int(seq),
            ],
        )
        .await?;
    match answer.rows.first() {
        None => Ok(None),
        Some(r) => Ok(Some((meta(r)?, text_of(r.get(8))?))),
    }
}

/// One stored archive, as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchiveRow {
    /// Its id.
    pub archive: String,
    /// How it was made.
    pub kind: String,
    /// When, epoch milliseconds.
    pub created: i64,
    /// Parts stored, the manifest included.
    pub parts: i64,
    /// Bytes stored.
    pub bytes: i64,
    /// Whether its manifest is stored (the archive is complete).
    pub complete: bool,
    /// The manifest's SHA-256, when it is stored.
    pub manifest_sha256: Option<String>,
}

/// The most archives listed.
pub const MAX_ARCHIVES: usize = 500;

/// The stored archives, newest first.
///
/// # Errors
///
/// The database's errors.
pub async fn archives(ctx: &Ctx) -> Result<Vec<ArchiveRow>, Error> {
    let answer = ctx
        .sql(
            &format!(
                "SELECT archive, MIN(kind), MIN(created), COUNT(*), SUM(bytes), \
                 SUM(CASE WHEN seq = 0 THEN 1 ELSE 0 END), \
                 MAX(CASE WHEN seq = 0 THEN sha256 ELSE '' END) FROM backup_parts \
                 WHERE installation = ? GROUP BY archive ORDER BY MIN(created) DESC, archive DESC LIMIT {MAX_ARCHIVES}"
            ),
            vec![installation(ctx)],
        )
        .await?;
    answer
        .rows
        .iter()
        .map(|r| {
            Ok(ArchiveRow {
                archive: text_of(r.first())?,
                kind: text_of(r.get(1))?,
                created: int_of(r.get(2))?,
                parts: int_of(r.get(3))?,
                bytes: int_of(r.get(4))?,
                complete: int_of(r.get(5))? > 0,
                manifest_sha256: match r.get(6) {
                    Some(Value::Text(t)) if !t.is_empty() => Some(t.clone()),
                    _ => None,
                },
            })
        })
        .collect()
}

/// Deletes every part of `archive`.
///
/// # Errors
///
/// The database's errors.
pub async fn delete_archive(ctx: &Ctx, archive: &str) -> Result<(), Error> {
    ctx.sql(
        "DELETE FROM backup_parts WHERE installation = ? AND archive = ?",
        vec![installation(ctx), Value::Text(archive.to_owned())],
    )
    .await
    .map(drop)
}
