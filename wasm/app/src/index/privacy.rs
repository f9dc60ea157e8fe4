//! Where the app stores Atlassian account ids: **the one list** that
//! `privacy.report` walks ([`SOURCES`]). A table that stores account ids is
//! added here, and nowhere else, so that its ids are reported and erased.
//!
//! - [`Source::WorklogIndex`]: the worklog index, whose people are dictionary
//!   entries (`dict`, kind [`Kind::Account`]) referred to by `worklogs.author`
//!   and by the worklog journal's `worklog_journal.author`,
//!   and the user values of chosen custom fields inside the issues' field
//!   entries (`dict`, kind [`Kind::Fields`]).
//! - [`Source::Column`]: a table with a column of account ids and a column of
//!   when the row last changed (epoch milliseconds), scoped by site number or
//!   by installation. Its rows of a closed account are deleted. The table needs
//!   an index that starts with the scope and account columns (each page is a
//!   `GROUP BY` range over it). Saved reports and timers are two (access
//!   grants name groups, not people). A saved report's filter of people, inside its JSON,
//!   is not rewritten yet: see the next paragraph.
//!
//! - [`Source::Approvals`]: the approval tables, whose columns of account ids
//!   (a period's person and reviewer, history actors, drift resolvers) are
//!   listed, and where a closed account becomes its label, in the columns
//!   and inside the stored JSON of worklogs ([`super::approvals::erase_account`]).
//!
//! A table that holds account ids inside JSON or text (a report's filter of
//! people, say) needs a variant of its own that can find and rewrite them, as
//! the custom fields and the approval tables are rewritten below.
//!
//! Every statement is bounded: pages of [`PAGE`] accounts by keyset, erasure in
//! steps of at most [`STEP`] rows.

use futures::future::try_join_all;

use super::like_escape;
use super::{dict_id, first_int, int, placeholders, Kind};
use crate::executor::Ctx;
use crate::protocol::Value;
use crate::Error;

/// Accounts per page: the most Atlassian's API takes in one request.
pub const PAGE: usize = 90;

/// The most rows one erasure statement touches.
pub const STEP: u64 = 1000;

/// One place where account ids are stored.
#[derive(Debug, Clone, Copy)]
pub enum Source {
    /// Worklog authors and custom field user values in the worklog index.
    WorklogIndex,
    /// A table with a column of account ids; rows of a closed account are deleted.
    Column(Column),
    /// The approval tables (`index::approvals`): people, reviewers and actors
    /// in columns, and ids inside the stored JSON of worklogs; a closed
    /// account becomes its label there (periods and their history stay, as
    /// the worklogs they approve do).
    Approvals,
}

/// A table with a column of account ids.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// The table.
    pub table: &'static str,
    /// How its rows belong to this installation.
    pub scope: Scope,
    /// The column of account ids.
    pub account: &'static str,
    /// The column of when a row last changed, epoch milliseconds.
    pub updated: &'static str,
}

/// How a table's rows belong to an installation.
#[derive(Debug, Clone, Copy)]
pub enum Scope {
    /// A `site INT` column holding the site number ([`crate::index::site`]).
    Site,
    /// An `installation VARCHAR` column holding the installation id.
    Installation,
}

/// Every place the app stores account ids, in the order a run walks them.
pub const SOURCES: &[Source] = &[
    Source::WorklogIndex,
    // A closed account's saved reports go with it (index `saved_reports_owner`).
    Source::Column(Column {
        table: "saved_reports",
        scope: Scope::Installation,
        account: "owner",
        updated: "updated",
    }),
    // A closed account's timers go with it (the primary key starts with
    // installation and account).
    Source::Column(Column {
        table: "timers",
        scope: Scope::Installation,
        account: "account",
        updated: "updated",
    }),
    // The audit log's actors (index `audit_actors_account`): deleting a closed
    // account's row leaves its entries chained and verifiable, shown as erased.
    Source::Column(Column {
        table: "audit_actors",
        scope: Scope::Installation,
        account: "account",
        updated: "updated",
    }),
    // Last, so that a checkpoint of a run under way (a source's index) keeps
    // pointing at the same source.
    Source::Approvals,
];

/// An account id found in a source, with when the data about it last changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// The account id.
    pub account: String,
    /// Epoch milliseconds; the run's start when unknown.
    pub updated_ms: i64,
    /// Where the next page starts after this account.
    pub key: String,
}

/// What an erasure did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Erased {
    /// Rows changed or deleted.
    pub rows: u64,
    /// Whether nothing of the account is left in the source.
    pub done: bool,
}

impl Source {
    /// A name for messages.
    pub fn name(&self) -> &'static str {
        match self {
            Source::WorklogIndex => "the worklog index",
            Source::Column(column) => column.table,
            Source::Approvals => "the approval tables",
        }
    }

    /// The next page of at most [`PAGE`] accounts after the key `after`.
    ///
    /// # Errors
    ///
    /// The database's errors; `upstream` when it answers cells of the wrong type.
    pub async fn page(
        &self,
        ctx: &Ctx,
        site: i64,
        after: Option<&str>,
        now_ms: i64,
    ) -> Result<Vec<Found>, Error> {
        match self {
            Source::WorklogIndex => index_page(ctx, site, after, now_ms).await,
            Source::Column(column) => column.page(ctx, site, after, now_ms).await,
            Source::Approvals => {
                Ok(
                    super::approvals::accounts_page(ctx, after.unwrap_or(""), PAGE)
                        .await?
                        .into_iter()
                        .map(|(account, updated)| Found {
                            updated_ms: updated.unwrap_or(now_ms),
                            key: account.clone(),
                            account,
                        })
                        .collect(),
                )
            }
        }
    }

    /// Erases what the source stores of `account`, touching at most `budget`
    /// rows (at least one step is always made); `label` is the neutral name
    /// that replaces the account where rows are kept.
    ///
    /// # Errors
    ///
    /// The database's errors.
    pub async fn erase(
        &self,
        ctx: &Ctx,
        site: i64,
        account: &str,
        label: &str,
        budget: u64,
    ) -> Result<Erased, Error> {
        match self {
            Source::WorklogIndex => erase_from_index(ctx, site, account, label, budget).await,
            Source::Column(column) => column.erase(ctx, site, account).await,
            Source::Approvals => erase_from_approvals(ctx, site, account, label, budget).await,
        }
    }
}

fn text(value: &Value, what: &str) -> Result<String, Error> {
    match value {
        Value::Text(t) => Ok(t.clone()),
        other => Err(Error::upstream(format!(
            "the database answered {what} that is not text: {other:?}"
        ))),
    }
}

/// People in the index: dictionary entries of kind [`Kind::Account`] in id
/// order, each with the latest update time of its worklogs (one bounded query
/// per account, on the `(site, author, started)` index, all in one batch).
async fn index_page(
    ctx: &Ctx,
    site: i64,
    after: Option<&str>,
    now_ms: i64,
) -> Result<Vec<Found>, Error> {
    let after: i64 = after.and_then(|a| a.parse().ok()).unwrap_or(0);
    let rows = ctx
        .sql(
            &format!(
                "SELECT id, value FROM dict WHERE site = ? AND kind = ? AND id > ? \
                 ORDER BY id LIMIT {PAGE}"
            ),
            vec![
                Value::Int(site),
                Value::Int(Kind::Account as i64),
                Value::Int(after),
            ],
        )
        .await?;
    let mut entries = Vec::with_capacity(rows.rows.len());
    for row in &rows.rows {
        let (Some(id), Some(value)) = (row.first().and_then(int), row.get(1)) else {
            return Err(Error::upstream(
                "the database answered a dictionary row without its id and value",
            ));
        };
        entries.push((id, text(value, "an account id")?));
    }
    let latest = try_join_all(entries.iter().map(|(id, _)| {
        ctx.sql(
            "SELECT MAX(updated) FROM worklogs WHERE site = ? AND author = ?",
            vec![Value::Int(site), Value::Int(*id)],
        )
    }))
    .await?;
    Ok(entries
        .into_iter()
        .zip(latest)
        .filter(|((_, account), _)| !account.is_empty())
        .map(|((id, account), rows)| Found {
            account,
            updated_ms: first_int(&rows).unwrap_or(now_ms),
            key: id.to_string(),
        })
        .collect())
}

/// Anonymises an account in the index, in this order (each step idempotent, the
/// last one marking it done, so a cut-off erasure resumes):
///
/// 0. the account is remembered as erased (a salted hash, see
///    [`crate::index::erased`]), so later syncs write the label, not the id;
/// 1. the neutral label becomes a dictionary entry of kind [`Kind::FormerUser`];
/// 2. the account's worklogs point to it, [`STEP`] rows a statement: their
///    times stay, so totals and reports keep them, under the label;
/// 3. the account's journaled versions point to it and lose their comment
///    (`index::journal`);
/// 4. the account id inside custom field values becomes the label, and
///    inside the approval tables' stored worklogs;
/// 5. the account's dictionary entry is deleted.
async fn erase_from_index(
    ctx: &Ctx,
    site: i64,
    account: &str,
    label: &str,
    budget: u64,
) -> Result<Erased, Error> {
    let account_id = dict_id(Kind::Account, account);
    let label_id = dict_id(Kind::FormerUser, label);
    // First, so that from now on no write to the index brings the id back,
    // even if this erasure is cut off and resumed.
    super::erased::remember(ctx, site, account, label).await?;
    ctx.sql(
        "REPLACE INTO dict (site, id, kind, value) VALUES (?, ?, ?, ?)",
        vec![
            Value::Int(site),
            Value::Int(label_id),
            Value::Int(Kind::FormerUser as i64),
            Value::Text(label.to_owned()),
        ],
    )
    .await?;
    let mut rows_changed = 0;
    loop {
        let limit = STEP.min(budget.saturating_sub(rows_changed)).max(1);
        let rows = ctx
            .sql(
                &format!("SELECT id FROM worklogs WHERE site = ? AND author = ? LIMIT {limit}"),
                vec![Value::Int(site), Value::Int(account_id)],
            )
            .await?;
        let ids: Vec<i64> = rows
            .rows
            .iter()
            .filter_map(|row| row.first().and_then(int))
            .collect();
        if ids.is_empty() {
            break;
        }
        let mut params = vec![
            Value::Int(label_id),
            Value::Int(site),
            Value::Int(account_id),
        ];
        params.extend(ids.iter().map(|&id| Value::Int(id)));
        ctx.sql(
            &format!(
                "UPDATE worklogs SET author = ? WHERE site = ? AND author = ? AND id IN ({})",
                placeholders(ids.len())
            ),
            params,
        )
        .await?;
        rows_changed += ids.len() as u64;
        if rows_changed >= budget {
            return Ok(Erased {
                rows: rows_changed,
                done: false,
            });
        }
    }
    // The journal's versions of the account (`index::journal`): the label
    // as author, no comment.
    loop {
        let limit = STEP.min(budget.saturating_sub(rows_changed)).max(1);
        let changed = super::journal::erase_author(ctx, site, account_id, label_id, limit).await?;
        rows_changed += changed;
        if changed < limit {
            break;
        }
        if rows_changed >= budget {
            return Ok(Erased {
                rows: rows_changed,
                done: false,
            });
        }
    }
    // The account as a JSON string inside custom field values ("712020:…").
    let quoted = serde_json::Value::String(account.to_owned()).to_string();
    let replacement = serde_json::Value::String(label.to_owned()).to_string();
    let pattern = format!("%{}%", like_escape(&quoted));
    let fields = ctx
        .sql(
            "UPDATE dict SET value = REPLACE(value, ?, ?) \
             WHERE site = ? AND kind = ? AND value LIKE ? ESCAPE '!'",
            vec![
                Value::Text(quoted),
                Value::Text(replacement),
                Value::Int(site),
                Value::Int(Kind::Fields as i64),
                Value::Text(pattern),
            ],
        )
        .await?;
    // The account inside the approval tables' stored worklogs (as their
    // updater, say), wherever the approval source does not list it.
    let approvals = super::approvals::erase_from_json(ctx, account, label).await?;
    let entry = ctx
        .sql(
            "DELETE FROM dict WHERE site = ? AND id = ?",
            vec![Value::Int(site), Value::Int(account_id)],
        )
        .await?;
    Ok(Erased {
        rows: rows_changed + fields.rows_affected + approvals + entry.rows_affected,
        done: true,
    })
}

/// Replaces a closed account with its label in the approval tables: the
/// label the worklog index gave it when it was erased there (so a period's
/// `account_key` stays its worklogs' author), else `label`, remembered as the
/// index does (later syncs write the label).
async fn erase_from_approvals(
    ctx: &Ctx,
    site: i64,
    account: &str,
    label: &str,
    budget: u64,
) -> Result<Erased, Error> {
    let wanted = std::collections::BTreeSet::from([account]);
    let known = super::erased::labels_of(ctx, site, &wanted).await?;
    let label = match known.get(account) {
        Some(known) => known.clone(),
        None => {
            super::erased::remember(ctx, site, account, label).await?;
            label.to_owned()
        }
    };
    let label_key = dict_id(Kind::FormerUser, &label);
    let (rows, done) =
        super::approvals::erase_account(ctx, account, &label, label_key, budget).await?;
    Ok(Erased { rows, done })
}

impl Column {
    fn scope(&self, ctx: &Ctx, site: i64) -> (&'static str, Value) {
        match self.scope {
            Scope::Site => ("site", Value::Int(site)),
            Scope::Installation => (
                "installation",
                Value::Text(ctx.context().installation.clone()),
            ),
        }
    }

    async fn page(
        &self,
        ctx: &Ctx,
        site: i64,
        after: Option<&str>,
        now_ms: i64,
    ) -> Result<Vec<Found>, Error> {
        let (scope, scope_value) = self.scope(ctx, site);
        let Column {
            table,
            account,
            updated,
            ..
        } = self;
        let rows = ctx
            .sql(
                &format!(
                    "SELECT {account}, MAX({updated}) FROM {table} \
                     WHERE {scope} = ? AND {account} > ? \
                     GROUP BY {account} ORDER BY {account} LIMIT {PAGE}"
                ),
                vec![scope_value, Value::Text(after.unwrap_or("").to_owned())],
            )
            .await?;
        let mut out = Vec::with_capacity(rows.rows.len());
        for row in &rows.rows {
            let Some(value) = row.first() else { continue };
            let id = text(value, "an account id")?;
            if id.is_empty() {
                continue;
            }
            out.push(Found {
                updated_ms: row.get(1).and_then(int).unwrap_or(now_ms),
                key: id.clone(),
                account: id,
            });
        }
        Ok(out)
    }

    async fn erase(&self, ctx: &Ctx, site: i64, account: &str) -> Result<Erased, Error> {
        let (scope, scope_value) = self.scope(ctx, site);
        let rows = ctx
            .sql(
                &format!(
                    "DELETE FROM {} WHERE {scope} = ? AND {} = ?",
                    self.table, self.account
                ),
                vec![scope_value, Value::Text(account.to_owned())],
            )
            .await?;
        Ok(Erased {
            rows: rows.rows_affected,
            done: true,
        })
    }
}
