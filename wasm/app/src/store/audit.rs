//! The audit log: one append-only, hash-chained entry per change to app data
//! (`docs/data-protection.md`). [`record`] is the one write: [`crate::store::save`]
//! calls it for every audited setting, and the exports call it once per run
//! that shows other people's time.
//!
//! Each entry's hash is SHA-256 of the previous entry's hash, a newline and the
//! entry's canonical record ([`canonical`]): a JSON array of its sequence
//! number, instant, actor kind, actor reference, action, subject, before and
//! after. The account id of the actor is not in the record: it lives in
//! `audit_actors`, under the reference, so that erasing it leaves the chain
//! intact. Before and after values longer than [`MAX_VALUE_BYTES`] are stored
//! as `{"sha256": …, "bytes": …}`.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::audit_rows::{self as sql, Row};
use crate::executor::Ctx;
use crate::protocol::EntryPoint;
use crate::store::{self, JsonSetting};
use crate::Error;

/// The previous hash of the first entry ever written.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Before and after values longer than this are stored as their SHA-256 and size.
pub const MAX_VALUE_BYTES: usize = 16_384;

/// Attempts at taking the next sequence number when other runs append at once.
const ATTEMPTS: usize = 5;

/// The newest entry written, as far as the writers know: deleting the newest
/// entries is detected against it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Head {
    /// Its sequence number.
    pub seq: i64,
}

impl JsonSetting for Head {
    const NAME: &'static str = "audit.head";
    const WHAT: &'static str = "a valid audit head";
    const AUDITED: bool = false;
}

/// Where pruning stopped: the last pruned entry. The chain starts after it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Anchor {
    /// The last pruned entry's sequence number.
    pub seq: i64,
    /// Its hash: the previous hash of the first kept entry.
    pub hash: String,
}

impl Default for Anchor {
    fn default() -> Self {
        Self {
            seq: 0,
            hash: GENESIS.to_owned(),
        }
    }
}

impl JsonSetting for Anchor {
    const NAME: &'static str = "audit.anchor";
    const WHAT: &'static str = "a valid audit anchor";
    const AUDITED: bool = false;
}

/// SHA-256 as 64 lower-case hex digits.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The canonical record of an entry: what its hash covers (everything but
/// the hashes).
pub fn canonical(row: &Row) -> String {
    serde_json::json!([
        row.seq,
        row.at_ms,
        row.actor_kind,
        row.actor,
        row.action,
        row.subject,
        row.before,
        row.after
    ])
    .to_string()
}

/// The hash of an entry's record chained to `prev_hash`.
pub fn chain_hash(prev_hash: &str, row: &Row) -> String {
    let mut bytes = Vec::with_capacity(prev_hash.len() + 1 + 256);
    bytes.extend_from_slice(prev_hash.as_bytes());
    bytes.push(b'\n');
    bytes.extend_from_slice(canonical(row).as_bytes());
    sha256_hex(&bytes)
}

/// A value as stored: itself, or its SHA-256 and size past [`MAX_VALUE_BYTES`].
pub fn bounded(value: Option<String>) -> Option<String> {
    value.map(|v| {
        if v.len() > MAX_VALUE_BYTES {
            serde_json::json!({"sha256": sha256_hex(v.as_bytes()), "bytes": v.len()}).to_string()
        } else {
            v
        }
    })
}

/// The actor kind of the run: `person`, `job`, `operator` or `trigger`.
pub fn actor_kind(entry: EntryPoint) -> &'static str {
    match entry {
        EntryPoint::Person => "person",
        EntryPoint::Job | EntryPoint::Consumer => "job",
        EntryPoint::Operator => "operator",
        EntryPoint::Trigger => "trigger",
    }
}

/// Appends an entry: `action` done to `subject`, from `before` to `after`,
/// by the run's principal at the run's instant.
///
/// # Errors
///
/// The database's errors; `conflict` when other runs took the next sequence
/// number [`ATTEMPTS`] times in a row.
pub async fn record(
    ctx: &Ctx,
    action: &str,
    subject: &str,
    before: Option<String>,
    after: Option<String>,
) -> Result<i64, Error> {
    let context = ctx.context();
    let account = context.account_id.clone().filter(|a| !a.is_empty());
    let known_actor = match &account {
        Some(account) => sql::actor_of(ctx, account).await?,
        None => None,
    };
    let before = bounded(before);
    let after = bounded(after);
    let mut last_error = None;
    // The entry of a failed attempt: an error can come after the row was
    // written (a time-out after the commit), and then the newest entry is it.
    let mut attempted: Option<(i64, String)> = None;
    for _ in 0..ATTEMPTS {
        let (prev_seq, prev_hash) = match sql::last(ctx).await? {
            Some(last) => last,
            None => {
                let anchor = store::load::<Anchor>(ctx).await?;
                (anchor.seq, anchor.hash)
            }
        };
        let written = if attempted.as_ref() == Some(&(prev_seq, prev_hash.clone())) {
            Some(prev_seq)
        } else {
            let seq = prev_seq + 1;
            let actor = match (&account, known_actor) {
                (Some(_), Some(actor)) => actor,
                (Some(_), None) => seq,
                (None, _) => 0,
            };
            let mut row = Row {
                seq,
                at_ms: context.now_ms,
                actor_kind: actor_kind(context.entry_point).to_owned(),
                actor,
                action: action.to_owned(),
                subject: subject.to_owned(),
                before: before.clone(),
                after: after.clone(),
                prev_hash,
                hash: String::new(),
            };
            row.hash = chain_hash(&row.prev_hash, &row);
            match sql::insert(ctx, &row).await {
                Ok(()) => Some(seq),
                Err(e) => {
                    attempted = Some((row.seq, row.hash));
                    last_error = Some(e);
                    None
                }
            }
        };
        if let Some(seq) = written {
            if let (Some(account), None) = (&account, known_actor) {
                sql::add_actor(ctx, seq, account).await?;
            }
            store::save_unaudited(ctx, &Head { seq }).await?;
            return Ok(seq);
        }
    }
    Err(last_error.unwrap_or_else(|| {
        Error::new(
            crate::ErrorCode::Conflict,
            "the audit log is busy: try again",
        )
    }))
}

/// How long after its entry a change that did not land may be made again and
/// keep that entry ([`record_change`]).
pub const RETRY_MS: i64 = 15 * 60 * 1000;

/// The action of an archive restore's entry (`backup.restore.run`), which
/// puts back settings and periods without an entry for each.
pub const ARCHIVE_RESTORED: &str = "backup.restore";

/// [`record`] for a change written after its entry (a setting, a period's
/// state), where nothing makes the two one write. A call that fails between
/// them leaves an entry for a change that did not land; the same call made
/// again (the same action on the same subject, from the same value to the same
/// value, by the same actor, within [`RETRY_MS`], no archive restored since)
/// finds that entry as the newest on the subject, and the change keeps it
/// rather than being recorded twice. Since the caller read `before` as the
/// current value, such an entry can only be one whose change did not land: a
/// landed change would have moved the value on.
///
/// # Errors
///
/// As [`record`].
pub async fn record_change(
    ctx: &Ctx,
    action: &str,
    subject: &str,
    before: Option<String>,
    after: Option<String>,
) -> Result<(), Error> {
    if let Some(entry) = sql::newest_on(ctx, subject).await? {
        let context = ctx.context();
        let same_change = entry.action == action
            && entry.before == bounded(before.clone())
            && entry.after == bounded(after.clone())
            && entry.actor_kind == actor_kind(context.entry_point)
            && entry.at_ms >= context.now_ms.saturating_sub(RETRY_MS);
        if same_change
            && same_actor(ctx, entry.actor).await?
            && !sql::any_after(ctx, entry.seq, ARCHIVE_RESTORED).await?
        {
            return Ok(());
        }
    }
    record(ctx, action, subject, before, after).await.map(drop)
}

/// Whether the run's principal is the actor reference `actor` (0: none).
async fn same_actor(ctx: &Ctx, actor: i64) -> Result<bool, Error> {
    match ctx
        .context()
        .account_id
        .as_deref()
        .filter(|a| !a.is_empty())
    {
        Some(account) => Ok(sql::actor_of(ctx, account).await? == Some(actor)),
        None => Ok(actor == 0),
    }
}

/// The audit entry of a resumable job's end (or, for a backup, its start),
/// kept in the job's checkpoint until it is in the log. Nothing makes a
/// checkpoint and an entry one write, so a job saves its checkpoint holding
/// this, then writes the entry ([`settle`]), then clears it: a run killed
/// before the entry writes it when the job goes on; one killed after it finds
/// it in the log (of `action`, written at or after `at_ms`, with this `after`)
/// and does not write it twice.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Pending {
    /// When the checkpoint first held it: the entry is written then or later.
    pub at_ms: i64,
    /// The entry's action.
    pub action: String,
    /// Its subject.
    pub subject: String,
    /// Its after value.
    pub after: String,
}

impl Pending {
    /// The entry `action` on `subject` with `after`, pending from now.
    pub fn new(ctx: &Ctx, action: &str, subject: &str, after: String) -> Self {
        Self {
            at_ms: ctx.context().now_ms,
            action: action.to_owned(),
            subject: subject.to_owned(),
            after,
        }
    }
}

/// Writes `pending`'s entry unless the log holds it already (written by a run
/// killed before its checkpoint moved on).
///
/// # Errors
///
/// As [`record`].
pub async fn settle(ctx: &Ctx, pending: &Pending) -> Result<(), Error> {
    let stored = bounded(Some(pending.after.clone()));
    let written = sql::afters_since(ctx, &pending.action, pending.at_ms).await?;
    if written
        .iter()
        .any(|after| after.as_deref() == stored.as_deref())
    {
        return Ok(());
    }
    record(
        ctx,
        &pending.action,
        &pending.subject,
        None,
        Some(pending.after.clone()),
    )
    .await
    .map(drop)
}

/// [`record`], unless the log holds an entry of `action` on `subject`
/// already: for an entry that can happen once per subject (an approval
/// drift's flag, restore or acceptance), written before the row that says it
/// happened, so that a run killed between the two and done again does not
/// write it twice.
///
/// # Errors
///
/// As [`record`].
pub async fn record_once(
    ctx: &Ctx,
    action: &str,
    subject: &str,
    before: Option<String>,
    after: Option<String>,
) -> Result<(), Error> {
    if sql::holds(ctx, action, subject).await? {
        return Ok(());
    }
    record(ctx, action, subject, before, after).await.map(drop)
}

/// Records a run of a report or export that shows other people's time: one
/// entry per run (`action` the operation, `detail` what it covered).
///
/// # Errors
///
/// As [`record`].
pub async fn record_export(
    ctx: &Ctx,
    action: &str,
    detail: serde_json::Value,
) -> Result<(), Error> {
    record(ctx, action, "worklogs", None, Some(detail.to_string()))
        .await
        .map(drop)
}
