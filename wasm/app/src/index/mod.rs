//! The worklog index: the app's own copy of Jira's worklogs and of the issue
//! fields reports need, in SQL, kept in sync by the `sync.*` operations and by
//! the app's own writes. It is a cache: everything in it can be rebuilt from
//! Jira. `docs/index.md` has the schema, the sync design and why a sync that is
//! stopped anywhere resumes without losing or duplicating a worklog.
//!
//! - Every row belongs to a *site*: a small number standing for the
//!   installation ([`site`]), so that rows and index entries do not repeat a
//!   long installation id.
//! - Repeated texts (account ids, visibilities, attribute sets, issue types,
//!   statuses, component, label and version lists, custom field values) are
//!   stored once in the dictionary `dict` and referred to by a 53-bit hash of
//!   their kind and text ([`hash_text`]). Ids computed from content need no
//!   allocation: writing an entry is an idempotent `REPLACE`, in a batch before
//!   the rows that refer to it, and never races. The entries already stored
//!   under a write's ids are read first: those stored as they are are not
//!   written again, and a row whose text collides with another's entry is not
//!   written at all (the entry is never replaced).
//! - Writes are single statements, ordered so that whatever marks a step as
//!   done (a checkpoint, an issue's project) is written after the step's data.

pub mod approvals;
pub mod dict;
pub mod erased;
mod fetch;
pub mod finance;
pub mod issues;
pub mod journal;
pub mod open;
pub mod privacy;
pub mod report;
mod rows;
pub mod saved;
mod store;
pub mod timers;
pub mod worklogs;

pub use fetch::{
    app_account, app_account_for, fetch_issues, load_fields, IndexFields, IssueFetch,
    FIELDS_SETTING,
};
pub use journal::{JournalSettings, Source as JournalSource};
pub use rows::{
    note, simplify, IssueRow, RawIssue, RawWorklog, WorklogRow, ATTRIBUTES_PROPERTY,
    FINANCE_PROPERTY, ORIGIN_PROPERTY,
};
pub use store::{
    delete_worklogs, plan_worklogs, store_issues, store_worklogs, store_worklogs_as, How, Plan,
    Stored, Written,
};

use crate::executor::Ctx;
use crate::protocol::{SqlRows, Value};
use crate::Error;

/// What a dictionary entry holds. The number is part of the entry's hash and is
/// stored in `dict.kind`; it never changes meaning.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// An Atlassian account id.
    Account = 1,
    /// A worklog visibility, as canonical JSON `{"identifier", "type", "value"}`.
    Visibility = 2,
    /// A worklog's attributes (the property `worklogs.attributes`), as canonical JSON.
    Attributes = 3,
    /// An issue type's name.
    IssueType = 4,
    /// A status, as canonical JSON `{"category", "name"}`.
    Status = 5,
    /// An issue's component names, as a sorted JSON array.
    Components = 6,
    /// An issue's labels, as a sorted JSON array.
    Labels = 7,
    /// An issue's fix version names, as a sorted JSON array.
    Versions = 8,
    /// An issue's custom field values, as a canonical JSON object by field id.
    Fields = 9,
    /// The neutral label (`Former user 3`) that stands for a closed account
    /// after `privacy.report` erased its id: shown as it is, never looked up
    /// in Jira.
    FormerUser = 10,
}

pub use crate::hash::hash_text;

/// The dictionary id of an entry.
pub fn dict_id(kind: Kind, text: &str) -> i64 {
    hash_text(kind as u8, text)
}

/// The site number of the run's installation, registering the installation
/// on first use.
///
/// Registration takes the next free number in one statement
/// (`INSERT … SELECT MAX(site) + 1`); two installations registering at once
/// collide on the unique number, and the loser reads again and retries.
///
/// # Errors
///
/// The database's errors; `upstream` when registration keeps failing.
pub async fn site(ctx: &Ctx) -> Result<i64, Error> {
    let installation = Value::Text(ctx.context().installation.clone());
    let mut last_error = None;
    for _ in 0..3 {
        let rows = ctx
            .sql(
                "SELECT site FROM sites WHERE installation = ? LIMIT 1",
                vec![installation.clone()],
            )
            .await?;
        if let Some(site) = first_int(&rows) {
            return Ok(site);
        }
        if let Err(e) = ctx
            .sql(
                "INSERT INTO sites (installation, site) \
                 SELECT ?, COALESCE(MAX(site), 0) + 1 FROM sites",
                vec![installation.clone()],
            )
            .await
        {
            last_error = Some(e);
        }
    }
    Err(Error::upstream(format!(
        "the installation could not be registered in table sites{}",
        last_error.map_or_else(String::new, |e| format!(": {}", e.message()))
    )))
}

/// How many rows the index holds for a site.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Size {
    /// Worklog rows.
    pub worklogs: i64,
    /// Issue rows.
    pub issues: i64,
}

/// How many worklog and issue rows the index holds for `site`: two counts, in
/// one batch (a count that is not a number reads as 0).
///
/// # Errors
///
/// The database's errors.
pub async fn size(ctx: &Ctx, site: i64) -> Result<Size, Error> {
    let count = |table: &'static str| async move {
        let rows = ctx
            .sql(
                &format!("SELECT COUNT(*) FROM {table} WHERE site = ?"),
                vec![Value::Int(site)],
            )
            .await?;
        Ok::<_, Error>(first_int(&rows).unwrap_or(0))
    };
    let (worklogs, issues) = futures::join!(count("worklogs"), count("issues"));
    Ok(Size {
        worklogs: worklogs?,
        issues: issues?,
    })
}

/// An integer cell, whichever way the engine sent it (MySQL sends sums as
/// decimals, which hosts pass as text).
pub fn int(value: &Value) -> Option<i64> {
    value.as_int()
}

/// The first column of the first row, as an integer.
pub fn first_int(rows: &SqlRows) -> Option<i64> {
    rows.rows.first().and_then(|row| row.first()).and_then(int)
}

/// The first column of every row, as integers (rows whose cell is not one
/// are skipped).
pub fn first_column<C: FromIterator<i64>>(rows: &SqlRows) -> C {
    rows.rows
        .iter()
        .filter_map(|row| row.first().and_then(int))
        .collect()
}

/// Ids per `IN (…)` list of a read by ids.
const IDS_PER_STATEMENT: usize = 1000;

/// How many times [`read_by_ids`] halves its statements' `IN` lists (and
/// [`dict::texts_of_kind`] its pages) when the database refuses an answer as
/// too large: 1,000 ids become 31. The widest
/// row such a read returns is a dictionary entry (a `TEXT` of at most 65,535
/// bytes, its id and kind), so 31 rows make under 2 MiB, half of Forge SQL's
/// 4 MiB response limit: a statement refused at that size is refused for
/// something else (its time, the installation's per-minute budget), and its
/// error is the answer.
const HALVINGS: u32 = 5;

/// Whether the database refused a read for what it costs (Forge SQL's 5 s per
/// SELECT, 16 MiB per query, 4 MiB per answer, and its per-minute query time,
/// all `limit`), which a narrower read may cure.
pub(crate) fn refused_for_cost(e: &Error) -> bool {
    e.code() == crate::ErrorCode::Limit
}

/// Reads rows for ids in chunks of [`IDS_PER_STATEMENT`], all in one batch:
/// `sql` has `IN ({ids})` where the placeholders go and `{limit}` where the
/// chunk's size goes, takes the site first, and returns at most one row per
/// id, the id in column `id_column`.
///
/// A chunk of sorted ids that fill at least half of the range from the first
/// to the last ([`IdRange`]: the rounds of a full import are runs of
/// consecutive worklog ids) is read as that range, `BETWEEN ? AND ?`, and the
/// rows of ids it did not ask for are dropped here: one range read where a
/// list costs a lookup per id (and on MariaDB a range optimiser's tree of
/// them), and one statement text, prepared once, whatever the chunk's size.
///
/// Bounded by bytes as well as by count: a chunk whose answer the database
/// refuses (`limit`: past the response size) is read again in halves, up to
/// [`HALVINGS`] times, so a read of long dictionary entries (label sets,
/// attribute sets) succeeds in smaller statements instead of failing. The
/// rows come in the order of the chunks.
///
/// # Errors
///
/// The database's errors; `limit` when a chunk of the smallest size is
/// still refused.
pub(crate) async fn read_by_ids(
    ctx: &Ctx,
    sql: &str,
    site: i64,
    ids: &[i64],
    id_column: usize,
) -> Result<Vec<Vec<Value>>, Error> {
    // Each chunk by where it starts in `ids`, so the rows keep their order.
    let mut read_rows: std::collections::BTreeMap<usize, Vec<Vec<Value>>> = Default::default();
    let mut pending: Vec<(usize, &[i64])> = ids
        .chunks(IDS_PER_STATEMENT)
        .enumerate()
        .map(|(n, chunk)| (n * IDS_PER_STATEMENT, chunk))
        .collect();
    let mut halvings = 0;
    while !pending.is_empty() {
        let answers = futures::future::join_all(
            pending
                .iter()
                .map(|(_, chunk)| read_chunk(ctx, sql, site, chunk, id_column)),
        )
        .await;
        let mut again = Vec::new();
        for ((start, chunk), answer) in pending.into_iter().zip(answers) {
            match answer {
                Ok(rows) => {
                    read_rows.insert(start, rows);
                }
                Err(e) if refused_for_cost(&e) && chunk.len() > 1 && halvings < HALVINGS => {
                    let (first, second) = chunk.split_at(chunk.len() / 2);
                    again.push((start, first));
                    again.push((start + first.len(), second));
                }
                Err(e) => return Err(e),
            }
        }
        if !again.is_empty() {
            halvings += 1;
        }
        pending = again;
    }
    Ok(read_rows.into_values().flatten().collect())
}

/// One chunk of [`read_by_ids`]: as a range when it is one ([`IdRange`]),
/// keeping only the rows of the chunk's ids, else as a list.
async fn read_chunk(
    ctx: &Ctx,
    sql: &str,
    site: i64,
    chunk: &[i64],
    id_column: usize,
) -> Result<Vec<Vec<Value>>, Error> {
    let mut params = vec![Value::Int(site)];
    let Some(range) = IdRange::of(chunk).filter(|_| sql.contains(LISTED)) else {
        params.extend(chunk.iter().map(|&id| Value::Int(id)));
        let text = sql
            .replace("{ids}", &placeholders(chunk.len()))
            .replace("{limit}", &chunk.len().to_string());
        return Ok(ctx.sql(&text, params).await?.rows);
    };
    params.extend([Value::Int(range.first), Value::Int(range.last)]);
    let text = sql
        .replace(LISTED, "BETWEEN ? AND ?")
        .replace("{limit}", &range.span.to_string());
    let mut rows = ctx.sql(&text, params).await?.rows;
    rows.retain(|row| {
        row.get(id_column)
            .and_then(int)
            .is_some_and(|id| chunk.binary_search(&id).is_ok())
    });
    Ok(rows)
}

/// Where [`read_by_ids`] puts a chunk's ids.
const LISTED: &str = "IN ({ids})";

/// A chunk of ids read as a range: sorted, distinct, and at least half of
/// the ids from the first to the last, so the range returns at most twice the
/// rows asked for (the others' rows, dropped).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct IdRange {
    first: i64,
    last: i64,
    /// How many ids the range holds: its read's `LIMIT`.
    span: usize,
}

impl IdRange {
    fn of(chunk: &[i64]) -> Option<IdRange> {
        let (&first, &last) = (chunk.first()?, chunk.last()?);
        let sorted = chunk.windows(2).all(|w| matches!(w, [a, b] if a < b));
        let span = usize::try_from(last.checked_sub(first)?.checked_add(1)?).ok()?;
        (chunk.len() > 1 && sorted && span <= chunk.len().saturating_mul(2)).then_some(IdRange {
            first,
            last,
            span,
        })
    }
}

/// Rows per multi-row statement.
const ROWS_PER_STATEMENT: usize = 1000;

/// Rows per statement of a sync's bulk writes (its worklogs and their journal
/// versions) on `engine`. Twice [`ROWS_PER_STATEMENT`] on SQLite, where
/// fewer, larger statements mean fewer commits (a commit copies every page it
/// touched into the WAL once), and on Forge SQL, whose binding limit is 150
/// DML statements a second: a slice of 50,000 worklogs then stays under 150,
/// so it never waits for the rate. On MariaDB, the tests' stand-in for Forge
/// SQL's dialect, 2000-row statements measured slower (a full import of
/// 1,000,000 worklogs 68.6 to 73.2 s against 62.7 s, `docs/performance.md`).
pub(crate) fn bulk_rows_per_statement(engine: crate::protocol::SqlEngine) -> usize {
    match engine {
        crate::protocol::SqlEngine::Sqlite | crate::protocol::SqlEngine::ForgeSql => {
            2 * ROWS_PER_STATEMENT
        }
        crate::protocol::SqlEngine::MySql => ROWS_PER_STATEMENT,
    }
}

/// Placeholders per statement at most: SQLite's limit (32,766 since 3.32;
/// MySQL's and TiDB's is 65,535).
const PARAMS_PER_STATEMENT: usize = 32_766;

/// The most bytes of parameters in one multi-row statement, well under Forge
/// SQL's 1 MiB request limit.
const MAX_STATEMENT_BYTES: usize = 512 * 1024;

/// Multi-row statements: `prefix` then up to [`ROWS_PER_STATEMENT`] tuples each, split
/// further so that no statement's parameters pass [`MAX_STATEMENT_BYTES`].
pub(crate) fn multi_row(
    prefix: &str,
    columns: usize,
    rows: Vec<Vec<Value>>,
) -> Vec<(String, Vec<Value>)> {
    multi_row_up_to(ROWS_PER_STATEMENT, prefix, columns, rows)
}

/// [`multi_row`] with up to `most` tuples a statement (fewer for wide rows:
/// [`PARAMS_PER_STATEMENT`]).
pub(crate) fn multi_row_up_to(
    most: usize,
    prefix: &str,
    columns: usize,
    rows: Vec<Vec<Value>>,
) -> Vec<(String, Vec<Value>)> {
    let per_statement = most.min(PARAMS_PER_STATEMENT / columns.max(1)).max(1);
    let mut out = Vec::new();
    let mut params = Vec::new();
    let mut count = 0;
    let mut bytes = 0;
    for row in rows {
        let size: usize = row
            .iter()
            .map(|v| match v {
                Value::Text(t) => t.len(),
                Value::Blob(b) => b.len(),
                _ => 8,
            })
            .sum();
        if count > 0 && (count >= per_statement || bytes + size > MAX_STATEMENT_BYTES) {
            out.push((
                format!("{prefix} {}", tuples(count, columns)),
                std::mem::take(&mut params),
            ));
            count = 0;
            bytes = 0;
        }
        params.extend(row);
        count += 1;
        bytes += size;
    }
    if count > 0 {
        out.push((format!("{prefix} {}", tuples(count, columns)), params));
    }
    out
}

/// `?, ?, ?` for `n` placeholders.
pub(crate) fn placeholders(n: usize) -> String {
    let mut out = String::with_capacity(n * 3);
    for i in 0..n {
        if i > 0 {
            out.push_str(", ");
        }
        out.push('?');
    }
    out
}

/// `(?, ?), (?, ?)` for `rows` rows of `columns` placeholders.
pub(crate) fn tuples(rows: usize, columns: usize) -> String {
    let one = format!("({})", placeholders(columns));
    let mut out = String::with_capacity(rows * (one.len() + 2));
    for i in 0..rows {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(&one);
    }
    out
}

/// A JSON value as text with object keys sorted at every level, so equal values
/// are equal texts (and get one dictionary entry).
///
/// `serde_json`'s map keeps its keys sorted (the crate's `preserve_order`
/// feature is off in this build), so its compact text is already canonical;
/// writing it directly is several times faster than sorting each object's
/// keys again, which the sync did for every worklog's comment.
/// `canonical_json_sorts_keys_at_every_level` fails if a feature changes that.
pub fn canonical_json(value: &serde_json::Value) -> String {
    value.to_string()
}

/// How the neutral label of an erased account starts (`Former user 7`); no
/// account id has a space.
pub const FORMER_USER: &str = "Former user ";

/// `text` with `LIKE`'s wildcards and the escape character `!` escaped.
pub(crate) fn like_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '!') {
            out.push('!');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn like_patterns_are_escaped() {
        assert_eq!(like_escape("a_b%c!d"), "a!_b!%c!!d");
        assert_eq!(like_escape("712020:abc-1"), "712020:abc-1");
    }

    #[test]
    fn hashes_are_positive_and_spread() {
        let mut seen = std::collections::BTreeSet::new();
        for i in 0..10_000 {
            let h = hash_text(1, &format!("712020:{i:08}"));
            assert!(h > 0);
            assert!(seen.insert(h));
        }
    }

    #[test]
    fn canonical_json_sorts_keys_at_every_level() {
        let a = json!({"b": 1, "a": {"d": [1, {"z": 0, "y": 1}], "c": "x"}});
        assert_eq!(
            canonical_json(&a),
            r#"{"a":{"c":"x","d":[1,{"y":1,"z":0}]},"b":1}"#
        );
    }

    #[test]
    fn placeholders_and_tuples() {
        assert_eq!(placeholders(3), "?, ?, ?");
        assert_eq!(tuples(2, 2), "(?, ?), (?, ?)");
        assert_eq!(placeholders(0), "");
    }

    #[test]
    fn only_sorted_chunks_filling_half_their_range_are_read_as_ranges() {
        let range = |ids: &[i64]| IdRange::of(ids).map(|r| (r.first, r.last, r.span));
        assert_eq!(range(&[10, 11, 12, 14]), Some((10, 14, 5)));
        assert_eq!(range(&[10, 13]), Some((10, 13, 4)));
        assert_eq!(range(&[10, 14]), None, "two ids in a range of five");
        assert_eq!(range(&[12, 11, 10]), None, "unsorted");
        assert_eq!(range(&[10, 10, 11]), None, "repeated");
        assert_eq!(range(&[10]), None, "one id is a list of one");
        assert_eq!(range(&[]), None);
        assert_eq!(range(&[i64::MIN, i64::MAX]), None, "a span past i64");
    }

    #[test]
    fn a_read_by_a_range_of_ids_returns_only_the_ids_asked_for() {
        let mut host = crate::testing::FakeHost::new(Some("acc-a"));
        for id in 1..=9 {
            host.exec(&format!(
                "INSERT INTO dict (site, id, kind, value) VALUES (1, {id}, 3, 'v{id}')"
            ));
        }
        let read = host
            .run_with(|ctx| {
                Box::pin(async move {
                    // Sorted and dense: read as the range 2..=8, whose 3 and
                    // 7 were not asked for.
                    let rows = read_by_ids(
                        &ctx,
                        "SELECT id, value FROM dict WHERE site = ? AND id IN ({ids}) LIMIT {limit}",
                        1,
                        &[2, 4, 5, 6, 8],
                        0,
                    )
                    .await?;
                    let ids: Vec<i64> = rows.iter().filter_map(|r| int(r.first()?)).collect();
                    Ok(format!("{ids:?}"))
                })
            })
            .unwrap();
        assert_eq!(read, serde_json::json!([2, 4, 5, 6, 8]));
        let statements: Vec<String> = host.sql_statements(0).into_iter().map(|s| s.sql).collect();
        assert!(
            statements
                .iter()
                .any(|s| s.contains("id BETWEEN ? AND ? LIMIT 7")),
            "{statements:?}"
        );
    }

    #[test]
    fn multi_row_statements_keep_under_sqlites_placeholder_limit() {
        for (columns, most) in [(11, 2000), (17, 1927)] {
            let rows = vec![vec![Value::Int(1); columns]; 5000];
            let statements = multi_row_up_to(2000, "REPLACE INTO t VALUES", columns, rows);
            let sizes: Vec<usize> = statements.iter().map(|(_, p)| p.len() / columns).collect();
            assert_eq!(sizes.iter().sum::<usize>(), 5000);
            assert_eq!(
                sizes.iter().max(),
                Some(&most),
                "{columns} columns: {sizes:?}"
            );
            assert!(statements.iter().all(|(_, p)| p.len() <= 32_766));
        }
    }

    #[test]
    fn ints_from_any_engine() {
        assert_eq!(int(&Value::Int(3)), Some(3));
        assert_eq!(int(&Value::Text("5400".into())), Some(5400));
        assert_eq!(int(&Value::Real(2.0)), Some(2));
        assert_eq!(int(&Value::Real(2.5)), None);
        assert_eq!(int(&Value::Null), None);
    }
}
