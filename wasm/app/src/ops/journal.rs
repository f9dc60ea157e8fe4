//! `journal.settings.get`, `journal.settings.save`, `journal.list` and
//! `journal.prune`: the worklog journal's settings, its versions, and its
//! retention ([`crate::index::journal`], `docs/data-protection.md`).

use serde::{Deserialize, Serialize};

use crate::access::require_admin;
use crate::executor::Ctx;
use crate::index::journal::{self, Cursor, Filter, JournalSettings, Version};
use crate::index::{self, canonical_json};
use crate::input::{quote, whole_number, Input};
use crate::protocol::SqlEngine;
use crate::store::{self, JsonSetting};
use crate::Error;

use super::NoInput;

/// The longest retention short of forever: 100 years.
pub const MAX_RETENTION_DAYS: i64 = 36_525;
/// Versions `journal.list` answers at most at once.
pub const MAX_PAGE: i64 = journal::MAX_PAGE as i64;
/// Versions `journal.prune` deletes (or walks, clearing comments) per slice.
pub const PRUNE_SLICE: usize = 2_000;
const DAY_MS: i64 = 86_400_000;

/// Bytes a version of the journal takes, its table and indexes, without a
/// comment and with one (an average ADF text of 108 bytes), on `engine`:
/// `bench/journal_bytes.py` on the journal's own migrations, a million
/// versions (`docs/performance.md`). SQLite 3.40 stores small numbers in a
/// byte or two; InnoDB (MariaDB 10.11, rows in key order) every `BIGINT` in
/// eight, with a transaction id and undo pointer per row and the key repeated
/// in each index. Forge SQL (TiDB) could not be measured here: it is given
/// InnoDB's figures, whose fixed widths and repeated keys TiDB's row and index
/// entries share, with whether the figure was measured on the engine.
pub fn bytes_per_version(engine: SqlEngine, comments: bool) -> (i64, bool) {
    let (without, with, measured) = match engine {
        SqlEngine::Sqlite => (133, 250, true),
        SqlEngine::MySql => (268, 387, true),
        SqlEngine::ForgeSql => (268, 387, false),
    };
    (if comments { with } else { without }, measured)
}

/// Where `journal.prune` stands in clearing comments after they were turned
/// off (the settings row `journal.prune`, not audited).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct PruneState {
    /// The last version walked, `[worklog, seq]`, while comments are being
    /// cleared; none when no clearing is due.
    #[serde(default)]
    pub clearing: Option<(i64, i64)>,
}

impl JsonSetting for PruneState {
    const NAME: &'static str = "journal.prune";
    const WHAT: &'static str = "a valid journal prune state";
    const AUDITED: bool = false;
}

/// The answer of `journal.settings.get`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SettingsOutput {
    /// Days a version is kept after it was seen; null: forever.
    pub retention_days: Option<u32>,
    /// Whether comments are journaled.
    pub comments: bool,
    /// Versions the journal holds.
    pub versions: i64,
    /// About how many bytes they take: the versions times the bytes of one on
    /// the task's engine, with or without comments ([`bytes_per_version`]); an
    /// estimate, not the database's own count.
    pub approx_bytes: i64,
    /// The engine the estimate is for: `sqlite`, `mysql` or `forge-sql`.
    pub engine: &'static str,
    /// Whether the bytes of a version were measured on that engine (not for
    /// Forge SQL, which is given InnoDB's).
    pub measured: bool,
}

/// `journal.settings.get`: the journal's settings, its versions and about how
/// many bytes they take (administrators).
///
/// # Errors
///
/// `forbidden` for anyone but a Jira administrator; the database's errors.
pub async fn get_settings(ctx: &Ctx, _: NoInput) -> Result<SettingsOutput, Error> {
    require_admin(ctx, "see the worklog journal's settings").await?;
    let (settings, site) = futures::join!(store::load::<JournalSettings>(ctx), index::site(ctx));
    let (settings, site) = (settings?, site?);
    let versions = journal::count(ctx, site).await?;
    let engine = ctx.context().sql_engine;
    let (per, measured) = bytes_per_version(engine, settings.comments);
    Ok(SettingsOutput {
        retention_days: settings.retention_days,
        comments: settings.comments,
        versions,
        approx_bytes: versions.saturating_mul(per),
        engine: engine.as_str(),
        measured,
    })
}

/// The input of `journal.settings.save`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SettingsRaw {
    #[serde(deserialize_with = "whole_number")]
    retention_days: Option<i64>,
    comments: bool,
}

/// Checked journal settings.
pub struct SettingsInput(JournalSettings);

impl Input for SettingsInput {
    type Raw = SettingsRaw;

    fn validate(raw: SettingsRaw) -> Result<Self, Error> {
        let retention_days = match raw.retention_days {
            None => None,
            Some(days) => Some(
                u32::try_from(days)
                    .ok()
                    .filter(|d| (1..=MAX_RETENTION_DAYS).contains(&i64::from(*d)))
                    .ok_or_else(|| {
                        Error::invalid_field(
                            "retentionDays",
                            format_args!(
                                "{days} is out of range (1 to {MAX_RETENTION_DAYS} days, or null for forever)"
                            ),
                        )
                    })?,
            ),
        };
        Ok(Self(JournalSettings {
            retention_days,
            comments: raw.comments,
        }))
    }
}

/// `journal.settings.save`: the journal's retention and whether it keeps
/// comments (Jira administrators; audited). Turning comments off also has
/// the next `journal.prune` runs clear the comments already journaled.
///
/// # Errors
///
/// `forbidden` for anyone but a Jira administrator; the database's errors.
pub async fn save_settings(ctx: &Ctx, input: SettingsInput) -> Result<JournalSettings, Error> {
    require_admin(ctx, "change the worklog journal's settings").await?;
    let settings = input.0;
    let before = store::load::<JournalSettings>(ctx).await?;
    store::save(ctx, &settings).await?;
    if before.comments != settings.comments {
        let state = PruneState {
            clearing: (!settings.comments).then_some((0, 0)),
        };
        store::save(ctx, &state).await?;
    }
    Ok(settings)
}

/// The input of `journal.list` as given.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ListRaw {
    worklog_id: Option<String>,
    issue_id: Option<String>,
    project_id: Option<String>,
    account_id: Option<String>,
    #[serde(default, deserialize_with = "whole_number")]
    from_ms: Option<i64>,
    #[serde(default, deserialize_with = "whole_number")]
    to_ms: Option<i64>,
    after: Option<String>,
    #[serde(default, deserialize_with = "whole_number")]
    limit: Option<i64>,
}

/// Checked `journal.list` input.
pub struct ListInput {
    filter: Filter,
    after: Option<Cursor>,
    limit: usize,
}

fn id_field(field: &str, value: Option<String>) -> Result<Option<i64>, Error> {
    value
        .map(|v| {
            v.parse::<i64>().ok().filter(|n| *n > 0).ok_or_else(|| {
                Error::invalid_field(field, format_args!("{} is not an id", quote(&v)))
            })
        })
        .transpose()
}

/// A page's end as `journal.list` gives it: `seenAtMs.worklog.seq`.
fn cursor_text(c: &Cursor) -> String {
    format!("{}.{}.{}", c.seen_at_ms, c.worklog, c.seq)
}

fn parse_cursor(text: &str) -> Option<Cursor> {
    let mut parts = text.split('.').map(|p| p.parse::<i64>().ok());
    let cursor = Cursor {
        seen_at_ms: parts.next()??,
        worklog: parts.next()??,
        seq: parts.next()??,
    };
    parts.next().is_none().then_some(cursor)
}

impl Input for ListInput {
    type Raw = ListRaw;

    fn validate(raw: ListRaw) -> Result<Self, Error> {
        let from_ms = raw.from_ms.unwrap_or(0);
        let to_ms = raw.to_ms.unwrap_or(i64::MAX);
        if to_ms < from_ms {
            return Err(Error::invalid_field(
                "toMs",
                format_args!("{to_ms} is before fromMs {from_ms}"),
            ));
        }
        let limit = raw.limit.unwrap_or(50);
        if !(1..=MAX_PAGE).contains(&limit) {
            return Err(Error::invalid_field(
                "limit",
                format_args!("{limit} is out of range (1 to {MAX_PAGE})"),
            ));
        }
        let after = raw
            .after
            .map(|a| {
                parse_cursor(&a).ok_or_else(|| {
                    Error::invalid_field("after", format_args!("{} is not a page's end", quote(&a)))
                })
            })
            .transpose()?;
        if let Some(a) = raw.account_id.as_deref() {
            if a.is_empty() || a.len() > 128 {
                return Err(Error::invalid_field(
                    "accountId",
                    format_args!("{} is empty or longer than 128 bytes", quote(a)),
                ));
            }
        }
        Ok(Self {
            filter: Filter {
                from_ms,
                to_ms,
                worklog: id_field("worklogId", raw.worklog_id)?,
                issue: id_field("issueId", raw.issue_id)?,
                project: id_field("projectId", raw.project_id)?,
                author: raw.account_id,
                comments: false,
            },
            after,
            limit: usize::try_from(limit).unwrap_or(50),
        })
    }
}

/// One version as `journal.list` shows it (without the comment's text).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VersionOut {
    /// The worklog's id.
    pub worklog_id: String,
    /// The version's number for this worklog, from 1.
    pub seq: i64,
    /// The issue's id.
    pub issue_id: String,
    /// The project's id.
    pub project_id: String,
    /// The author's account id; null when erased.
    pub account_id: Option<String>,
    /// The neutral label of an erased author.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author_label: Option<String>,
    /// When work started, epoch milliseconds.
    pub started_ms: i64,
    /// Time spent, seconds.
    pub seconds: i64,
    /// The visibility, canonical JSON text; null: everyone who sees the issue.
    pub visibility: Option<String>,
    /// The attributes, canonical JSON text.
    pub attributes: Option<String>,
    /// Whether the worklog had a comment.
    pub has_comment: bool,
    /// Whether this version records its deletion.
    pub deleted: bool,
    /// When the app saw it, epoch milliseconds.
    pub seen_at_ms: i64,
    /// `app`, `event`, `sync` or `restore`.
    pub source: journal::Source,
}

impl From<Version> for VersionOut {
    fn from(v: Version) -> Self {
        Self {
            worklog_id: v.worklog.to_string(),
            seq: v.seq,
            issue_id: v.issue.to_string(),
            project_id: v.project.to_string(),
            account_id: v.author,
            author_label: v.author_label,
            started_ms: v.started,
            seconds: v.seconds,
            visibility: v.visibility.as_ref().map(canonical_json),
            attributes: v.attributes.as_ref().map(canonical_json),
            has_comment: v.note != 0,
            deleted: v.deleted,
            seen_at_ms: v.seen_at_ms,
            source: v.source,
        }
    }
}

/// The answer of `journal.list`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListOutput {
    /// Versions, oldest seen first.
    pub versions: Vec<VersionOut>,
    /// Give as `after` for the next page; null on the last.
    pub next: Option<String>,
}

/// `journal.list`: versions seen in a period, of a worklog, an issue, a
/// project or a person, oldest first, paged (administrators).
///
/// # Errors
///
/// `forbidden` for anyone but a Jira administrator; the database's errors.
pub async fn list(ctx: &Ctx, input: ListInput) -> Result<ListOutput, Error> {
    require_admin(ctx, "read the worklog journal").await?;
    let site = index::site(ctx).await?;
    let versions = journal::versions(ctx, site, &input.filter, input.after, input.limit).await?;
    let next = (versions.len() == input.limit)
        .then(|| versions.last().map(|v| cursor_text(&v.cursor())))
        .flatten();
    Ok(ListOutput {
        versions: versions.into_iter().map(VersionOut::from).collect(),
        next,
    })
}

/// The answer of `journal.prune`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PruneOutput {
    /// Whether more is due (call again).
    pub more: bool,
    /// Versions deleted by this slice.
    pub pruned: u64,
    /// Comments cleared by this slice.
    pub cleared: u64,
}

/// `journal.prune` (jobs): first clears, in walks of the primary key, the
/// comments journaled before they were turned off; then deletes versions
/// seen longer ago than the retention ([`journal::prunable`]: a worklog
/// still in Jira keeps its current version), [`PRUNE_SLICE`] a slice.
///
/// # Errors
///
/// The database's errors.
pub async fn prune(ctx: &Ctx, _: NoInput) -> Result<PruneOutput, Error> {
    let (settings, state, site) = futures::join!(
        store::load::<JournalSettings>(ctx),
        store::load::<PruneState>(ctx),
        index::site(ctx)
    );
    let (settings, state, site) = (settings?, state?, site?);
    if let Some(after) = state.clearing.filter(|_| !settings.comments) {
        let (last, with_comment) = journal::walk(ctx, site, after, PRUNE_SLICE).await?;
        let cleared = journal::clear_comments(ctx, site, &with_comment).await?;
        store::save(ctx, &PruneState { clearing: last }).await?;
        return Ok(PruneOutput {
            more: true,
            pruned: 0,
            cleared,
        });
    }
    let Some(days) = settings.retention_days else {
        return Ok(PruneOutput {
            more: false,
            pruned: 0,
            cleared: 0,
        });
    };
    let cutoff = ctx
        .context()
        .now_ms
        .saturating_sub(i64::from(days).saturating_mul(DAY_MS));
    let due = journal::prunable(ctx, site, cutoff, PRUNE_SLICE).await?;
    let pruned = journal::delete(ctx, site, &due).await?;
    Ok(PruneOutput {
        more: due.len() == PRUNE_SLICE,
        pruned,
        cleared: 0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip() {
        let c = Cursor {
            seen_at_ms: 1_795_521_600_000,
            worklog: 10_100,
            seq: 2,
        };
        assert_eq!(parse_cursor(&cursor_text(&c)), Some(c));
        assert_eq!(parse_cursor("1.2"), None);
        assert_eq!(parse_cursor("1.2.3.4"), None);
        assert_eq!(parse_cursor("a.b.c"), None);
    }

    /// The journal's size is estimated with the bytes of a version (with
    /// comments, the default, then without) on the engine the host names:
    /// InnoDB's are about twice SQLite's, so a MySQL or Forge SQL
    /// installation given SQLite's would see half its size.
    #[test]
    fn the_size_estimate_follows_the_engine() {
        use crate::testing::{admin_answer, FakeHost};
        use serde_json::json;
        let mut host = FakeHost::new(Some("admin")).on_jira(admin_answer(true));
        host.exec(
            "INSERT INTO worklog_journal (site, worklog, seq, issue, project, author, started, \
             seconds, updated, visibility, attrs, note, comment, deleted, seen_at, source, hash) \
             VALUES (1, 1, 1, 1, 1, 1, 0, 60, 0, 0, 0, 0, NULL, 0, 0, 0, 0), \
             (1, 1, 2, 1, 1, 1, 0, 120, 0, 0, 0, 0, NULL, 0, 0, 0, 0)",
        );
        let mut answers = Vec::new();
        for engine in [SqlEngine::Sqlite, SqlEngine::MySql, SqlEngine::ForgeSql] {
            host.sql_engine = engine;
            answers.push(host.run("journal.settings.get", json!({})).unwrap());
        }
        let [sqlite, mysql, forge] = &answers[..] else {
            unreachable!()
        };
        assert_eq!(sqlite["versions"], json!(2), "{sqlite}");
        assert_eq!(
            (
                &sqlite["approxBytes"],
                &sqlite["engine"],
                &sqlite["measured"]
            ),
            (&json!(500), &json!("sqlite"), &json!(true))
        );
        assert_eq!(
            (&mysql["approxBytes"], &mysql["engine"], &mysql["measured"]),
            (&json!(774), &json!("mysql"), &json!(true))
        );
        assert_eq!(
            (&forge["approxBytes"], &forge["engine"], &forge["measured"]),
            (&json!(774), &json!("forge-sql"), &json!(false))
        );
        host.sql_engine = SqlEngine::MySql;
        host.run(
            "journal.settings.save",
            json!({"retentionDays": null, "comments": false}),
        )
        .unwrap();
        let without = host.run("journal.settings.get", json!({})).unwrap();
        assert_eq!(without["approxBytes"], json!(536), "{without}");
    }
}
