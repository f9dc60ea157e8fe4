//! `audit.list`, `audit.export`, `audit.verify`, `audit.settings.save` and
//! `audit.prune`: reading, exporting, checking and pruning the audit log
//! ([`crate::store::audit`], `docs/data-protection.md`).

use super::Progress;
use std::collections::BTreeMap;
use worklogs_core::export::csv::neutralize;

use serde::{Deserialize, Serialize};

use crate::access::require_admin;
use crate::executor::Ctx;
use crate::input::{quote, whole_number, Input};
use crate::store::audit::{chain_hash, Anchor, Head};
use crate::store::audit_rows::{self as sql, Filter, Row};
use crate::store::{self, JsonSetting};
use crate::Error;

use super::NoInput;

/// The most entries `audit.list` answers at once.
pub const MAX_PAGE: i64 = 200;
/// Entries per `audit.export` piece.
pub const EXPORT_PIECE: usize = 500;
/// Entries `audit.verify` checks per slice, by default and at most.
pub const VERIFY_SLICE: i64 = 2_000;
/// Entries `audit.prune` deletes per slice.
pub const PRUNE_SLICE: usize = 1_000;
/// The longest retention in days short of forever: 100 years.
pub const MAX_RETENTION_DAYS: i64 = 36_525;
/// The shortest retention: a year (`docs/data-protection.md`).
pub const MIN_RETENTION_DAYS: i64 = 365;
const DAY_MS: i64 = 86_400_000;

/// The audit log's settings.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct AuditSettings {
    /// Days an entry is kept; none for forever (the default).
    pub retention_days: Option<i64>,
}

impl JsonSetting for AuditSettings {
    const NAME: &'static str = "audit.settings";
    const WHAT: &'static str = "valid audit settings";
}

/// The filters of `audit.list` and `audit.export` as given.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct FilterRaw {
    #[serde(default, deserialize_with = "whole_number")]
    from_ms: Option<i64>,
    #[serde(default, deserialize_with = "whole_number")]
    to_ms: Option<i64>,
    subject: Option<String>,
    account_id: Option<String>,
    #[serde(default, deserialize_with = "whole_number")]
    before: Option<i64>,
    #[serde(default, deserialize_with = "whole_number")]
    after: Option<i64>,
    #[serde(default, deserialize_with = "whole_number")]
    limit: Option<i64>,
    format: Option<String>,
}

/// Checked filters.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    from_ms: Option<i64>,
    to_ms: Option<i64>,
    subject: Option<String>,
    account_id: Option<String>,
    cursor: Option<i64>,
    limit: usize,
    format: Format,
}

/// An export's format.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Format {
    /// Comma-separated values, with a header row in the first piece.
    #[default]
    Csv,
    /// One JSON array of entries per piece.
    Json,
}

fn short_text(field: &str, value: Option<String>, max: usize) -> Result<Option<String>, Error> {
    match value {
        Some(v) if v.is_empty() || v.len() > max => Err(Error::invalid_field(
            field,
            format_args!("{} is empty or longer than {max} bytes", quote(&v)),
        )),
        other => Ok(other),
    }
}

fn filters(raw: FilterRaw, list: bool) -> Result<Filters, Error> {
    if let (Some(from), Some(to)) = (raw.from_ms, raw.to_ms) {
        if to < from {
            return Err(Error::invalid_field(
                "toMs",
                format_args!("{to} is before fromMs {from}"),
            ));
        }
    }
    let limit = raw.limit.unwrap_or(50);
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(Error::invalid_field(
            "limit",
            format_args!("{limit} is out of range (1 to {MAX_PAGE})"),
        ));
    }
    let (cursor, cursor_field) = if list {
        if raw.after.is_some() {
            return Err(Error::invalid_field(
                "after",
                "audit.list pages with before",
            ));
        }
        (raw.before, "before")
    } else {
        if raw.before.is_some() {
            return Err(Error::invalid_field(
                "before",
                "audit.export pages with after",
            ));
        }
        (raw.after, "after")
    };
    if let Some(c) = cursor {
        if c < 0 {
            return Err(Error::invalid_field(
                cursor_field,
                format_args!("{c} is not a sequence number"),
            ));
        }
    }
    let format = match (list, raw.format.as_deref()) {
        (true, Some(_)) => return Err(Error::invalid_field("format", "audit.list has no format")),
        (_, None | Some("csv")) => Format::Csv,
        (_, Some("json")) => Format::Json,
        (_, Some(other)) => {
            return Err(Error::invalid_field(
                "format",
                format_args!("{} is not a format (expected csv or json)", quote(other)),
            ))
        }
    };
    Ok(Filters {
        from_ms: raw.from_ms,
        to_ms: raw.to_ms,
        subject: short_text("subject", raw.subject, 64)?,
        account_id: short_text("accountId", raw.account_id, 128)?,
        cursor,
        limit: usize::try_from(limit).unwrap_or(50),
        format,
    })
}

/// The input of `audit.list`.
pub struct ListInput(Filters);

impl Input for ListInput {
    type Raw = FilterRaw;

    fn validate(raw: FilterRaw) -> Result<Self, Error> {
        filters(raw, true).map(Self)
    }
}

/// The input of `audit.export`.
pub struct ExportInput(Filters);

impl Input for ExportInput {
    type Raw = FilterRaw;

    fn validate(raw: FilterRaw) -> Result<Self, Error> {
        filters(raw, false).map(Self)
    }
}

/// One entry as answered.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct EntryOut {
    /// Its place in the chain.
    pub seq: i64,
    /// When, epoch milliseconds.
    pub at_ms: i64,
    /// `person`, `job`, `operator` or `trigger`.
    pub actor_kind: String,
    /// The acting account; none for the app, or once erased.
    pub account_id: Option<String>,
    /// Whether the actor's account id was erased.
    pub erased: bool,
    /// What was done.
    pub action: String,
    /// What to.
    pub subject: String,
    /// The value before (JSON text), if any.
    pub before: Option<String>,
    /// The value after (JSON text), if any.
    pub after: Option<String>,
    /// The entry's hash.
    pub hash: String,
}

/// The answer of `audit.list`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListOutput {
    /// Newest first.
    pub entries: Vec<EntryOut>,
    /// The `before` of the next page; none at the end.
    pub next: Option<i64>,
    /// The retention setting.
    pub settings: AuditSettings,
}

/// The answer of `audit.export`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExportOutput {
    /// Whether another piece follows (call again with `after`).
    pub more: bool,
    /// The `after` of the next piece.
    pub after: Option<i64>,
    /// `csv` or `json`.
    pub format: &'static str,
    /// This piece: CSV lines (the header in the first piece) or a JSON array.
    pub content: String,
    /// Entries in this piece.
    pub rows: usize,
}

async fn selected(ctx: &Ctx, f: &Filters, ascending: bool) -> Result<Option<Vec<EntryOut>>, Error> {
    let actor = match &f.account_id {
        Some(account) => match sql::actor_of(ctx, account).await? {
            Some(actor) => Some(actor),
            None => return Ok(None),
        },
        None => None,
    };
    let filter = Filter {
        from_ms: f.from_ms,
        to_ms: f.to_ms,
        subject: f.subject.clone(),
        actor,
        cursor: f.cursor,
        ascending,
    };
    let rows = sql::page(ctx, &filter, f.limit).await?;
    let mut actors: Vec<i64> = rows.iter().map(|r| r.actor).filter(|a| *a > 0).collect();
    actors.sort_unstable();
    actors.dedup();
    let names: BTreeMap<i64, String> = sql::accounts(ctx, &actors).await?.into_iter().collect();
    Ok(Some(
        rows.into_iter()
            .map(|r| {
                let account_id = names.get(&r.actor).cloned();
                EntryOut {
                    seq: r.seq,
                    at_ms: r.at_ms,
                    erased: r.actor > 0 && account_id.is_none(),
                    account_id,
                    actor_kind: r.actor_kind,
                    action: r.action,
                    subject: r.subject,
                    before: r.before,
                    after: r.after,
                    hash: r.hash,
                }
            })
            .collect(),
    ))
}

/// `audit.list`: entries newest first, filtered and paged (Jira administrators).
///
/// # Errors
///
/// `forbidden` for anyone but a Jira administrator; the database's errors.
pub async fn list(ctx: &Ctx, input: ListInput) -> Result<ListOutput, Error> {
    require_admin(ctx, "read the audit log").await?;
    let f = input.0;
    let entries = selected(ctx, &f, false).await?.unwrap_or_default();
    let next = if entries.len() == f.limit {
        entries.last().map(|e| e.seq)
    } else {
        None
    };
    Ok(ListOutput {
        entries,
        next,
        settings: store::load(ctx).await?,
    })
}

/// One CSV cell: neutralized as the flat export's cells are (a value an
/// administrator typed, such as `=HYPERLINK(…)`, never runs as a formula in a
/// spreadsheet: [`neutralize`]), then quoted when it must be.
fn csv_field(value: &str) -> String {
    let value = neutralize(value);
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.into_owned()
    }
}

/// The CSV header of `audit.export`.
pub const CSV_HEADER: &str =
    "seq,atMs,actorKind,accountId,erased,action,subject,before,after,hash\n";

/// `audit.export`: the filtered entries oldest first, in pieces of
/// [`EXPORT_PIECE`] (Jira administrators).
///
/// # Errors
///
/// `forbidden` for anyone but a Jira administrator; the database's errors.
pub async fn export(ctx: &Ctx, input: ExportInput) -> Result<ExportOutput, Error> {
    require_admin(ctx, "export the audit log").await?;
    let mut f = input.0;
    f.limit = EXPORT_PIECE;
    let first = f.cursor.is_none();
    let entries = selected(ctx, &f, true).await?.unwrap_or_default();
    let more = entries.len() == EXPORT_PIECE;
    let after = entries.last().map(|e| e.seq).filter(|_| more);
    let content = match f.format {
        Format::Json => serde_json::to_string(&entries)
            .map_err(|e| Error::internal(format!("the entries could not be written: {e}")))?,
        Format::Csv => {
            let mut out = if first {
                CSV_HEADER.to_owned()
            } else {
                String::new()
            };
            for e in &entries {
                let fields = [
                    e.seq.to_string(),
                    e.at_ms.to_string(),
                    e.actor_kind.clone(),
                    e.account_id.clone().unwrap_or_default(),
                    e.erased.to_string(),
                    e.action.clone(),
                    e.subject.clone(),
                    e.before.clone().unwrap_or_default(),
                    e.after.clone().unwrap_or_default(),
                    e.hash.clone(),
                ];
                let line: Vec<String> = fields.iter().map(|v| csv_field(v)).collect();
                out.push_str(&line.join(","));
                out.push('\n');
            }
            out
        }
    };
    Ok(ExportOutput {
        more,
        after,
        format: match f.format {
            Format::Csv => "csv",
            Format::Json => "json",
        },
        rows: entries.len(),
        content,
    })
}

/// The input of `audit.settings.save`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SettingsRaw {
    #[serde(deserialize_with = "whole_number")]
    retention_days: Option<i64>,
}

impl Input for AuditSettings {
    type Raw = SettingsRaw;

    fn validate(raw: SettingsRaw) -> Result<Self, Error> {
        if let Some(days) = raw.retention_days {
            if !(MIN_RETENTION_DAYS..=MAX_RETENTION_DAYS).contains(&days) {
                return Err(Error::invalid_field(
                    "retentionDays",
                    format_args!(
                        "{days} is out of range ({MIN_RETENTION_DAYS} to {MAX_RETENTION_DAYS} days, or null for forever)"
                    ),
                ));
            }
        }
        Ok(Self {
            retention_days: raw.retention_days,
        })
    }
}

/// `audit.settings.save`: the audit log's retention (Jira administrators).
///
/// # Errors
///
/// `forbidden` for anyone but a Jira administrator; the database's errors.
pub async fn save_settings(ctx: &Ctx, settings: AuditSettings) -> Result<AuditSettings, Error> {
    require_admin(ctx, "change the audit log's retention").await?;
    store::save(ctx, &settings).await?;
    Ok(settings)
}

/// A verification in progress, or the last one's result.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct VerifyState {
    /// Whether a walk is under way.
    pub running: bool,
    /// The last entry checked.
    pub after: i64,
    /// Its hash.
    pub prev_hash: String,
    /// Entries checked.
    pub checked: u64,
    /// Entries to check, as counted at the start.
    pub total: u64,
}

impl JsonSetting for VerifyState {
    const NAME: &'static str = "audit.verify";
    const WHAT: &'static str = "a valid audit verification checkpoint";
    const AUDITED: bool = false;
}

/// The input of `audit.verify`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct VerifyRaw {
    #[serde(default)]
    restart: bool,
    #[serde(default, deserialize_with = "whole_number")]
    slice: Option<i64>,
}

/// Checked input of `audit.verify`.
pub struct VerifyInput {
    restart: bool,
    slice: usize,
}

impl Input for VerifyInput {
    type Raw = VerifyRaw;

    fn validate(raw: VerifyRaw) -> Result<Self, Error> {
        let slice = raw.slice.unwrap_or(VERIFY_SLICE);
        if !(1..=VERIFY_SLICE).contains(&slice) {
            return Err(Error::invalid_field(
                "slice",
                format_args!("{slice} is out of range (1 to {VERIFY_SLICE})"),
            ));
        }
        Ok(Self {
            restart: raw.restart,
            slice: usize::try_from(slice).unwrap_or(100),
        })
    }
}

/// The first broken entry.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Broken {
    /// Its sequence number.
    pub seq: i64,
    /// `edited`, `deleted` or `reordered`.
    pub reason: &'static str,
    /// For a person.
    pub message: String,
}

/// The answer of `audit.verify`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VerifyOutput {
    /// Whether to call again.
    pub more: bool,
    /// How far it is.
    pub progress: Progress,
    /// When done: whether the chain is intact.
    pub ok: Option<bool>,
    /// When done and broken: the first broken entry.
    pub broken: Option<Broken>,
    /// The sequence number of the last pruned entry (0 when none was pruned).
    pub anchor: i64,
}

/// Checks one entry against the chain so far: why it is broken, if it is.
pub fn check(expected_seq: i64, prev_hash: &str, row: &Row) -> Option<Broken> {
    if row.seq != expected_seq {
        let message = if row.seq == expected_seq + 1 {
            format!("entry {expected_seq} is missing: deleted")
        } else {
            format!(
                "entries {expected_seq} to {} are missing: deleted",
                row.seq - 1
            )
        };
        return Some(Broken {
            seq: expected_seq,
            reason: "deleted",
            message,
        });
    }
    if chain_hash(&row.prev_hash, row) != row.hash {
        for other in [row.seq - 1, row.seq + 1] {
            let mut moved = row.clone();
            moved.seq = other;
            if chain_hash(&moved.prev_hash, &moved) == row.hash {
                return Some(Broken {
                    seq: row.seq,
                    reason: "reordered",
                    message: format!(
                        "entry {} holds the record of entry {other}: entries were swapped",
                        row.seq
                    ),
                });
            }
        }
        return Some(Broken {
            seq: row.seq,
            reason: "edited",
            message: format!(
                "entry {}'s record does not match its hash: it was edited",
                row.seq
            ),
        });
    }
    if row.prev_hash != prev_hash {
        return Some(Broken {
            seq: row.seq,
            reason: "edited",
            message: format!(
                "entry {} does not follow from entry {}: it was rewritten or inserted",
                row.seq,
                row.seq - 1
            ),
        });
    }
    None
}

/// `audit.verify`: walks the chain from the anchor in slices and reports the
/// first broken entry (administrators and jobs).
///
/// # Errors
///
/// `forbidden` for a person who is not a Jira administrator; the database's
/// errors.
pub async fn verify(ctx: &Ctx, input: VerifyInput) -> Result<VerifyOutput, Error> {
    if ctx.acting_user().is_ok() {
        require_admin(ctx, "verify the audit log").await?;
    }
    let anchor = store::load::<Anchor>(ctx).await?;
    let mut state = store::load::<VerifyState>(ctx).await?;
    if input.restart || !state.running || state.after < anchor.seq {
        let total = sql::count_after(ctx, anchor.seq).await?;
        state = VerifyState {
            running: true,
            after: anchor.seq,
            prev_hash: anchor.hash.clone(),
            checked: 0,
            total: u64::try_from(total).unwrap_or(0),
        };
    }
    let filter = Filter {
        cursor: Some(state.after),
        ascending: true,
        ..Filter::default()
    };
    let rows = sql::page(ctx, &filter, input.slice).await?;
    let mut broken = None;
    for row in &rows {
        if let Some(b) = check(state.after + 1, &state.prev_hash, row) {
            broken = Some(b);
            break;
        }
        state.after = row.seq;
        state.prev_hash.clone_from(&row.hash);
        state.checked += 1;
    }
    let end = broken.is_some() || rows.len() < input.slice;
    if end && broken.is_none() {
        let head = store::load::<Head>(ctx).await?;
        if head.seq > state.after {
            broken = Some(Broken {
                seq: state.after + 1,
                reason: "deleted",
                message: format!(
                    "the newest entries, {} to {}, are missing: deleted",
                    state.after + 1,
                    head.seq
                ),
            });
        }
    }
    state.total = state.total.max(state.checked);
    state.running = !end;
    store::save(ctx, &state).await?;
    let label = match (&broken, end) {
        (Some(b), _) => format!("broken at entry {}: {}", b.seq, b.message),
        (None, true) => format!("{} entries verified: the chain is intact", state.checked),
        (None, false) => format!("verifying: {} of {} entries", state.checked, state.total),
    };
    Ok(VerifyOutput {
        more: !end,
        progress: Progress {
            done: state.checked,
            total: state.total,
            label,
        },
        ok: end.then_some(broken.is_none()),
        broken,
        anchor: anchor.seq,
    })
}

/// The answer of `audit.prune`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PruneOutput {
    /// Whether more entries are due (call again).
    pub more: bool,
    /// Entries deleted by this slice.
    pub pruned: usize,
    /// The last pruned entry's sequence number (0 when none ever was).
    pub anchor: i64,
}

/// `audit.prune`: deletes the oldest entries past the retention, never one
/// younger, recording the last one's hash as the chain's anchor first (jobs).
///
/// # Errors
///
/// The database's errors.
pub async fn prune(ctx: &Ctx, _: NoInput) -> Result<PruneOutput, Error> {
    let settings = store::load::<AuditSettings>(ctx).await?;
    let anchor = store::load::<Anchor>(ctx).await?;
    let Some(days) = settings.retention_days else {
        return Ok(PruneOutput {
            more: false,
            pruned: 0,
            anchor: anchor.seq,
        });
    };
    let cutoff = ctx
        .context()
        .now_ms
        .saturating_sub(days.saturating_mul(DAY_MS));
    let filter = Filter {
        cursor: Some(anchor.seq),
        ascending: true,
        ..Filter::default()
    };
    let rows = sql::page(ctx, &filter, PRUNE_SLICE).await?;
    let due: Vec<&Row> = rows.iter().take_while(|r| r.at_ms < cutoff).collect();
    let Some(last) = due.last() else {
        return Ok(PruneOutput {
            more: false,
            pruned: 0,
            anchor: anchor.seq,
        });
    };
    let new_anchor = Anchor {
        seq: last.seq,
        hash: last.hash.clone(),
    };
    store::save(ctx, &new_anchor).await?;
    sql::delete_through(ctx, last.seq).await?;
    crate::store::audit::record(
        ctx,
        "audit.prune",
        "audit.log",
        None,
        Some(
            serde_json::json!({"through": last.seq, "entries": due.len(), "retentionDays": days})
                .to_string(),
        ),
    )
    .await?;
    Ok(PruneOutput {
        more: due.len() == PRUNE_SLICE,
        pruned: due.len(),
        anchor: last.seq,
    })
}

#[cfg(test)]
mod tests;
