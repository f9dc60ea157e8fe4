//! Outside edits to locked periods: the snapshot (the locked version of a
//! period's worklogs, taken at submission and again at approval), [`watch`]
//! (called by `sync.worklog-event` and the sync's rounds with the worklogs
//! they store and delete), and `approval.drift.list` /
//! `approval.drift.resolve`.
//!
//! A worklog of a locked period whose fingerprint (issue, author, start,
//! seconds, visibility, attributes, comment) differs from its snapshot is
//! `changed`; one in a snapshot that Jira deleted is `deleted`; a new one in
//! a locked period is `added`. Per the setting `onOutsideEdit`, each is
//! **restored** (changed: written back as the app; deleted: put back with
//! the shared put-back; added: deleted as the app) or **flagged** for the
//! reviewer. The same edit seen twice (an event, then the sync) is one
//! drift: its id hashes the period, the worklog and Jira's version. Whatever
//! is replaced stays in the period's history.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::{json, Value as Json};

use super::{account_key, utc, ApprovalSettings, Facts, Located, OnOutsideEdit};
use crate::adf;
use crate::executor::Ctx;
use crate::index::approvals::{self as rows, DriftRow, HistoryRow, SnapshotRow};
use crate::index::{self, RawWorklog, WorklogRow, ATTRIBUTES_PROPERTY};
use crate::input::{parse_date_time, quote, Input};
use crate::jira::{Call, JiraPath};
use crate::ops::worklog::put_back::{self, PutBack, Version};
use crate::protocol::Method;
use crate::store::{self, audit};
use crate::{Error, ErrorCode};
use worklogs_core::approval::{may_review, State, Subject};
use worklogs_core::NaiveDate;

/// The value at `path` in `v` (null when absent).
fn at<'a>(v: &'a Json, path: &[&str]) -> &'a Json {
    path.iter()
        .try_fold(v, |v, k| v.get(*k))
        .unwrap_or(&Json::Null)
}

/// Worklogs asked of Jira per `worklog/list` call.
const PAGE: usize = 1000;

/// What the comparison looks at, hashed: issue, author, start, seconds,
/// visibility, attributes and the comment's note.
pub fn fingerprint(row: &WorklogRow) -> String {
    audit::sha256_hex(
        format!(
            "{}|{}|{}|{}|{}|{}|{}",
            row.issue,
            row.author,
            row.started,
            row.seconds,
            row.visibility.as_deref().unwrap_or(""),
            row.attributes.as_deref().unwrap_or(""),
            row.note
        )
        .as_bytes(),
    )
}

/// The fingerprint of a worklog as Jira sent it.
fn fingerprint_of(body: &Json) -> Result<(i64, String), Error> {
    let raw: RawWorklog = serde_json::from_value(body.clone())
        .map_err(|e| Error::upstream(format!("jira sent a worklog that is not one: {e}")))?;
    // Jira's own author: the comparison is of what Jira holds.
    let row = WorklogRow::from_jira(&raw, None)?;
    Ok((row.id, fingerprint(&row)))
}

/// A worklog's version for people (`WorklogVersion` in the contract): from
/// Jira's JSON, the comment as plain text, the start in UTC.
pub fn version_of(body: &Json) -> Json {
    let id_text = |v: &Json| match v {
        Json::String(s) => s.clone(),
        Json::Number(n) => n.to_string(),
        _ => String::new(),
    };
    let mut out = serde_json::Map::new();
    out.insert("issueId".into(), json!(id_text(at(body, &["issueId"]))));
    if let Some(author) = at(body, &["author", "accountId"]).as_str() {
        out.insert("authorAccountId".into(), json!(author));
    }
    let started = at(body, &["started"])
        .as_str()
        .and_then(parse_date_time)
        .map_or_else(String::new, |t| utc(t.timestamp_millis()));
    out.insert("started".into(), json!(started));
    out.insert(
        "timeSpentSeconds".into(),
        json!(at(body, &["timeSpentSeconds"]).as_i64().unwrap_or(0).max(0)),
    );
    let comment = adf::to_plain_text(at(body, &["comment"]));
    if !comment.is_empty() {
        out.insert("comment".into(), json!(comment));
    }
    if let Some(kind) = at(body, &["visibility", "type"]).as_str() {
        let value = at(body, &["visibility", "value"])
            .as_str()
            .or_else(|| at(body, &["visibility", "identifier"]).as_str())
            .unwrap_or("");
        out.insert("visibility".into(), json!({"type": kind, "value": value}));
    }
    if let Some(values) = at(body, &["properties"]).as_array().and_then(|props| {
        props
            .iter()
            .find(|p| at(p, &["key"]) == ATTRIBUTES_PROPERTY)
            .map(|p| at(p, &["value"]).clone())
    }) {
        if values.is_object() {
            out.insert("attributes".into(), values);
        }
    }
    Json::Object(out)
}

/// The fields in which two versions differ.
fn changes(before: &Json, after: &Json) -> Vec<String> {
    [
        "issueId",
        "started",
        "timeSpentSeconds",
        "comment",
        "visibility",
        "attributes",
    ]
    .iter()
    .filter(|k| before.get(**k) != after.get(**k))
    .map(|k| (*k).to_owned())
    .collect()
}

/// Jira's JSON of the worklogs `ids` (with their properties, as the app).
async fn bodies(ctx: &Ctx, ids: &[i64]) -> Result<Vec<Json>, Error> {
    let path = JiraPath::api(&["worklog", "list"]).query("expand", "properties");
    let pages = futures::future::try_join_all(ids.chunks(PAGE).map(|chunk| {
        let call = Call::post(path.clone(), json!({ "ids": chunk }).to_string())
            .as_app()
            .patient();
        async move { call.json::<Vec<Json>>(ctx).await }
    }))
    .await?;
    Ok(pages.into_iter().flatten().collect())
}

/// Takes the locked version of the period `at`: its author's worklogs in
/// the index, read again from Jira as the app, replacing the stored one.
///
/// # Errors
///
/// `limit` past [`super::MAX_PERIOD_WORKLOGS`]; Jira's and the database's
/// errors.
pub async fn take_snapshot(ctx: &Ctx, facts: &Facts, at: &Located) -> Result<(), Error> {
    let found = index::worklogs::by_author(
        ctx,
        facts.site,
        &at.account,
        at.range.start.millis(),
        at.range.end.millis(),
        super::MAX_PERIOD_WORKLOGS + 1,
    )
    .await?;
    if found.len() > super::MAX_PERIOD_WORKLOGS {
        return Err(Error::limit(format!(
            "the period from {} to {} holds more than {} worklogs of {}",
            at.start(),
            at.end(),
            super::MAX_PERIOD_WORKLOGS,
            quote(&at.account)
        )));
    }
    let ids: Vec<i64> = found.iter().map(|f| f.id).collect();
    let list = if ids.is_empty() {
        Vec::new()
    } else {
        bodies(ctx, &ids).await?
    };
    let mut snapshot = Vec::new();
    for body in list {
        let (id, fp) = fingerprint_of(&body)?;
        snapshot.push(SnapshotRow {
            account: at.account.clone(),
            start_date: at.start(),
            worklog: id,
            fingerprint: fp,
            body: body.to_string(),
        });
    }
    rows::replace_snapshot(ctx, &at.account, &at.start(), &snapshot).await
}

/// One outside edit found by [`watch`].
struct Found {
    kind: &'static str,
    period: rows::PeriodRow,
    worklog: i64,
    snapshot: Option<SnapshotRow>,
}

/// What [`watch`] did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Watched {
    /// Drifts flagged (left for the reviewer).
    pub flagged: u64,
    /// Drifts restored.
    pub restored: u64,
}

/// Compares worklogs just stored (`changed`) and deleted (`deleted`) with
/// the locked periods, flagging or restoring each outside edit per the
/// setting. Costs one probe on a site without locked periods.
///
/// # Errors
///
/// Jira's and the database's errors while finding and recording drifts; a
/// restore that fails leaves its drift flagged (with why in the history).
pub async fn watch(ctx: &Ctx, changed: &[WorklogRow], deleted: &[i64]) -> Result<Watched, Error> {
    let mut out = Watched::default();
    if (changed.is_empty() && deleted.is_empty()) || !rows::any_locked(ctx).await? {
        return Ok(out);
    }
    let ids: Vec<i64> = changed
        .iter()
        .map(|r| r.id)
        .chain(deleted.iter().copied())
        .collect();
    let snaps = rows::snapshots_of(ctx, &ids).await?;
    let mut periods: BTreeMap<(String, String), rows::PeriodRow> = BTreeMap::new();
    let wanted: BTreeSet<(String, String)> = snaps
        .iter()
        .map(|s| (s.account.clone(), s.start_date.clone()))
        .collect();
    for (account, start) in wanted {
        if let Some(p) = rows::read_period(ctx, &account, &start).await? {
            if State::parse(&p.state).is_some_and(State::is_locked) {
                periods.insert((account, start), p);
            }
        }
    }
    let locked_snap = |id: i64| {
        snaps.iter().find_map(|s| {
            periods
                .get(&(s.account.clone(), s.start_date.clone()))
                .filter(|_| s.worklog == id)
                .map(|p| (s.clone(), p.clone()))
        })
    };
    let keys: Vec<i64> = changed
        .iter()
        .map(|r| account_key(&r.author))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let span = (
        changed.iter().map(|r| r.started).min().unwrap_or(0),
        changed.iter().map(|r| r.started).max().unwrap_or(0),
    );
    let holding = if keys.is_empty() {
        Vec::new()
    } else {
        rows::locked_overlapping(ctx, &keys, span).await?
    };
    let mut found = Vec::new();
    for row in changed {
        match locked_snap(row.id) {
            Some((snap, period)) => {
                if fingerprint(row) != snap.fingerprint {
                    found.push(Found {
                        kind: "changed",
                        period,
                        worklog: row.id,
                        snapshot: Some(snap),
                    });
                }
            }
            None => {
                let key = account_key(&row.author);
                if let Some(period) = holding.iter().find(|p| {
                    p.account_key == key && p.start_ms <= row.started && row.started < p.end_ms
                }) {
                    found.push(Found {
                        kind: "added",
                        period: period.clone(),
                        worklog: row.id,
                        snapshot: None,
                    });
                }
            }
        }
    }
    for id in deleted {
        if let Some((snap, period)) = locked_snap(*id) {
            found.push(Found {
                kind: "deleted",
                period,
                worklog: *id,
                snapshot: Some(snap),
            });
        }
    }
    if found.is_empty() {
        return Ok(out);
    }
    let live: Vec<i64> = found
        .iter()
        .filter(|f| f.kind != "deleted")
        .map(|f| f.worklog)
        .collect();
    let afters: BTreeMap<i64, Json> = if live.is_empty() {
        BTreeMap::new()
    } else {
        bodies(ctx, &live)
            .await?
            .into_iter()
            .filter_map(|b| fingerprint_of(&b).ok().map(|(id, _)| (id, b)))
            .collect()
    };
    let settings = store::load::<ApprovalSettings>(ctx).await?;
    for f in found {
        let after = afters.get(&f.worklog).cloned();
        if f.kind != "deleted" && after.is_none() {
            // Gone again since: the deletion's own event or round handles it.
            continue;
        }
        match record(ctx, &settings, f, after).await? {
            Some(true) => out.restored = out.restored.saturating_add(1),
            Some(false) => out.flagged = out.flagged.saturating_add(1),
            None => {}
        }
    }
    Ok(out)
}

/// Records one drift (once: a drift already known is left as it is), then
/// restores it when the setting says so. `Some(true)` when restored,
/// `Some(false)` when flagged, `None` when already known.
async fn record(
    ctx: &Ctx,
    settings: &ApprovalSettings,
    found: Found,
    after: Option<Json>,
) -> Result<Option<bool>, Error> {
    let after_fp = match &after {
        Some(body) => fingerprint_of(body)?.1,
        None => "deleted".to_owned(),
    };
    let p = &found.period;
    let id_full = audit::sha256_hex(
        format!(
            "{}|{}|{}|{}|{after_fp}",
            p.account, p.start_date, found.worklog, found.kind
        )
        .as_bytes(),
    );
    let id: String = id_full.chars().take(32).collect();
    if rows::read_drift(ctx, &id).await?.is_some() {
        return Ok(None);
    }
    let now = ctx.context().now_ms;
    let mut drift = DriftRow {
        id,
        account: p.account.clone(),
        start_date: p.start_date.clone(),
        worklog: found.worklog,
        kind: found.kind.to_owned(),
        state: "open".to_owned(),
        detected_ms: now,
        before: found.snapshot.as_ref().map(|s| s.body.clone()),
        after: after.as_ref().map(Json::to_string),
        ..DriftRow::default()
    };
    audit::record_once(
        ctx,
        "approval.flagged",
        &subject(&drift),
        drift.before.as_deref().map(versioned),
        drift.after.as_deref().map(versioned),
    )
    .await?;
    rows::write_drift(ctx, &drift).await?;
    history(ctx, &drift, "flagged", None, None, None).await?;
    if settings.on_outside_edit == OnOutsideEdit::Flag {
        return Ok(Some(false));
    }
    match restore(ctx, &mut drift, None, None).await {
        Ok(()) => Ok(Some(true)),
        Err(e) => {
            let why = format!("the automatic restore failed: {}", e.message());
            history(ctx, &drift, "flagged", None, Some(why), None).await?;
            Ok(Some(false))
        }
    }
}

/// Jira's JSON text as the version people read, as JSON text.
fn versioned(body: &str) -> String {
    serde_json::from_str::<Json>(body)
        .map(|v| version_of(&v).to_string())
        .unwrap_or_default()
}

/// The audit log's subject of a drift (at most 64 bytes).
fn subject(drift: &DriftRow) -> String {
    format!("approval-drift:{}", drift.id)
        .chars()
        .take(64)
        .collect()
}

/// Appends a history entry about a drift's worklog.
async fn history(
    ctx: &Ctx,
    drift: &DriftRow,
    action: &str,
    actor: Option<String>,
    reason: Option<String>,
    replaced: Option<String>,
) -> Result<(), Error> {
    let now = ctx.context().now_ms;
    let seq = rows::history_count(ctx, &drift.account, &drift.start_date).await?;
    rows::add_history(
        ctx,
        &HistoryRow {
            account: drift.account.clone(),
            start_date: drift.start_date.clone(),
            id: format!("{seq:08}-{action}-{}", drift.worklog),
            at_ms: now,
            action: action.to_owned(),
            actor,
            reason,
            worklog: Some(drift.worklog),
            replaced,
        },
    )
    .await
}

/// Puts the locked version back (see the module docs), records the restore
/// (audit entry, the replaced values in the history, the snapshot under the
/// worklog's id now) and marks the drift restored.
async fn restore(
    ctx: &Ctx,
    drift: &mut DriftRow,
    actor: Option<String>,
    reason: Option<String>,
) -> Result<(), Error> {
    let before: Option<Json> = drift
        .before
        .as_deref()
        .and_then(|b| serde_json::from_str(b).ok());
    let written: Option<Json> = match (drift.kind.as_str(), before) {
        ("changed" | "deleted", Some(before)) => Some(put_back(ctx, &before).await?),
        ("added", _) => {
            let after: Json = drift
                .after
                .as_deref()
                .and_then(|a| serde_json::from_str(a).ok())
                .unwrap_or(Json::Null);
            let issue = id_text(at(&after, &["issueId"]));
            remove(ctx, &issue, drift.worklog).await?;
            None
        }
        (kind, _) => {
            return Err(Error::internal(format!(
                "drift {} of kind {kind} has no locked version to restore",
                drift.id
            )))
        }
    };
    let now = ctx.context().now_ms;
    audit::record_once(
        ctx,
        "approval.restored",
        &subject(drift),
        drift.after.as_deref().map(versioned),
        drift.before.as_deref().map(versioned),
    )
    .await?;
    if let Some(body) = &written {
        let (id, fp) = fingerprint_of(body)?;
        if id != drift.worklog {
            rows::remove_snapshot(
                ctx,
                &SnapshotRow {
                    account: drift.account.clone(),
                    start_date: drift.start_date.clone(),
                    worklog: drift.worklog,
                    ..SnapshotRow::default()
                },
            )
            .await?;
        }
        rows::put_snapshot(
            ctx,
            &SnapshotRow {
                account: drift.account.clone(),
                start_date: drift.start_date.clone(),
                worklog: id,
                fingerprint: fp,
                body: body.to_string(),
            },
        )
        .await?;
    }
    history(
        ctx,
        drift,
        "restored",
        actor.clone(),
        reason.clone(),
        drift.after.clone(),
    )
    .await?;
    drift.state = "restored".to_owned();
    drift.resolved_by = actor;
    drift.resolved_ms = Some(now);
    drift.reason = reason;
    rows::write_drift(ctx, drift).await
}

/// Deletes a worklog added to a locked period, as the app.
async fn remove(ctx: &Ctx, issue: &str, id: i64) -> Result<(), Error> {
    let path = JiraPath::api(&["issue", issue, "worklog", &id.to_string()])
        .query("adjustEstimate", "leave")
        .query("notifyUsers", "false");
    let call = Call::new(Method::Delete, path, None).as_app();
    let response = call.send(ctx).await?;
    if response.status == 404 || (200..300).contains(&response.status) {
        if let Ok(site) = index::site(ctx).await {
            let _ = index::delete_worklogs(ctx, site, &[id], index::JournalSource::Restore).await;
        }
        Ok(())
    } else {
        Err(call.error_for(&response))
    }
}

/// The locked version as the shared put-back takes it.
fn version_from(body: &Json) -> Result<Version, Error> {
    let number = |v: &Json| id_text(v).parse::<i64>().ok();
    let bad = |what: &str| Error::internal(format!("a locked worklog has no valid {what}"));
    let comment = adf::to_plain_text(at(body, &["comment"]));
    let visibility = at(body, &["visibility"]);
    let attributes = at(body, &["properties"]).as_array().and_then(|props| {
        props
            .iter()
            .find(|p| at(p, &["key"]) == ATTRIBUTES_PROPERTY)
            .map(|p| at(p, &["value"]).clone())
    });
    Ok(Version {
        id: number(at(body, &["id"])).ok_or_else(|| bad("id"))?,
        issue: number(at(body, &["issueId"])).ok_or_else(|| bad("issue id"))?,
        author: at(body, &["author", "accountId"])
            .as_str()
            .ok_or_else(|| bad("author"))?
            .to_owned(),
        started: at(body, &["started"])
            .as_str()
            .and_then(parse_date_time)
            .map(|t| t.timestamp_millis())
            .ok_or_else(|| bad("start"))?,
        seconds: at(body, &["timeSpentSeconds"])
            .as_i64()
            .ok_or_else(|| bad("time spent"))?,
        comment: Some(comment),
        visibility: visibility.is_object().then(|| visibility.clone()),
        attributes: attributes.filter(Json::is_object),
    })
}

/// Puts the locked version back with the shared put-back
/// ([`put_back::put_back`]): a changed worklog is reverted, a deleted one
/// recreated (as its author through offline impersonation where Jira allows,
/// else as the app with the author in a property); then answers Jira's JSON
/// of the worklog as it is now (under its new id when recreated).
async fn put_back(ctx: &Ctx, before: &Json) -> Result<Json, Error> {
    let version = version_from(before)?;
    let mut current =
        put_back::find(ctx, version.issue, &[(version.id, version.author.as_str())]).await?;
    let done =
        put_back::put_back(ctx, &version, current.remove(&version.id).as_ref(), None).await?;
    let id = match done {
        PutBack::Unchanged { id } | PutBack::Reverted { id } | PutBack::Recreated { id, .. } => id,
    };
    bodies(ctx, &[id]).await?.into_iter().next().ok_or_else(|| {
        Error::upstream(format!(
            "worklog {id} was put back, but jira does not show it to the app"
        ))
    })
}

fn id_text(v: &Json) -> String {
    match v {
        Json::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A drift as output (`ApprovalDriftItem`).
#[derive(Serialize, Debug)]
#[serde(rename_all = "camelCase")]
pub struct DriftItem {
    id: String,
    account_id: String,
    period_start: String,
    worklog_id: String,
    kind: String,
    state: String,
    detected_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    before: Option<Json>,
    #[serde(skip_serializing_if = "Option::is_none")]
    after: Option<Json>,
    changes: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    resolved_by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    resolved_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
}

fn item(row: DriftRow) -> DriftItem {
    let parse = |t: &Option<String>| {
        t.as_deref()
            .and_then(|b| serde_json::from_str::<Json>(b).ok())
            .map(|v| version_of(&v))
    };
    let before = parse(&row.before);
    let after = parse(&row.after);
    let changes = match (&before, &after) {
        (Some(b), Some(a)) => changes(b, a),
        _ => Vec::new(),
    };
    DriftItem {
        id: row.id,
        account_id: row.account,
        period_start: row.start_date,
        worklog_id: row.worklog.to_string(),
        kind: row.kind,
        state: row.state,
        detected_at: utc(row.detected_ms),
        before,
        after,
        changes,
        resolved_by: row.resolved_by,
        resolved_at: row.resolved_ms.map(utc),
        reason: row.reason,
    }
}

/// The input of `approval.drift.list`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ListRaw {
    account_id: Option<String>,
    period_start: Option<String>,
}

/// `approval.drift.list`, validated.
pub struct ListInput {
    account_id: Option<String>,
    period_start: Option<NaiveDate>,
}

impl Input for ListInput {
    type Raw = ListRaw;

    fn validate(raw: ListRaw) -> Result<Self, Error> {
        if raw.period_start.is_some() && raw.account_id.is_none() {
            return Err(Error::invalid_field(
                "periodStart",
                "is given only with field \"accountId\"",
            ));
        }
        Ok(Self {
            account_id: raw
                .account_id
                .map(|a| super::account_id("accountId", a))
                .transpose()?,
            period_start: raw
                .period_start
                .map(|d| super::date("periodStart", &d))
                .transpose()?,
        })
    }
}

/// The answer of `approval.drift.list`.
#[derive(Serialize, Debug)]
pub struct DriftList {
    drifts: Vec<DriftItem>,
}

/// The most drifts listed.
const MAX_LIST: usize = 200;

/// Whether the viewer may see the drifts of `account`: their own, or a
/// period they review (the rules without the project limit, which needs the
/// period), or as an administrator.
async fn may_see(ctx: &Ctx, facts: &Facts, account: &str) -> Result<bool, Error> {
    let viewer = facts.viewer(ctx).await?;
    if viewer.admin || viewer.account == account {
        return Ok(true);
    }
    let subject = Subject {
        account: account.to_owned(),
        groups: facts.groups_of(ctx, account).await?,
        projects: BTreeSet::new(),
    };
    Ok(may_review(&facts.rules.rules, &viewer, &subject, true).is_ok())
}

/// `approval.drift.list`.
///
/// # Errors
///
/// `forbidden` for a person whose drifts the viewer may not see; Jira's and
/// the database's errors.
pub async fn list(ctx: &Ctx, input: ListInput) -> Result<DriftList, Error> {
    ctx.acting_user()?;
    let facts = Facts::load(ctx).await?;
    let start = input.period_start.map(|d| d.to_string());
    if let Some(account) = &input.account_id {
        if !may_see(ctx, &facts, account).await? {
            return Err(Error::forbidden(format!(
                "you may not see the outside edits of {}: you do not review them and are not a Jira administrator",
                quote(account)
            )));
        }
    }
    let found = rows::drifts(ctx, input.account_id.as_deref(), start.as_deref(), MAX_LIST).await?;
    let mut out = Vec::new();
    for row in found {
        if input.account_id.is_some() || may_see(ctx, &facts, &row.account).await? {
            out.push(item(row));
        }
    }
    Ok(DriftList { drifts: out })
}

/// The input of `approval.drift.resolve`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ResolveRaw {
    id: String,
    action: String,
    reason: String,
}

/// `approval.drift.resolve`, validated.
pub struct ResolveInput {
    id: String,
    restore: bool,
    reason: String,
}

impl Input for ResolveInput {
    type Raw = ResolveRaw;

    fn validate(raw: ResolveRaw) -> Result<Self, Error> {
        if raw.id.is_empty() || raw.id.len() > 64 || !raw.id.chars().all(|c| c.is_ascii_hexdigit())
        {
            return Err(Error::invalid_field(
                "id",
                format_args!("{} is not a drift id", quote(&raw.id)),
            ));
        }
        let restore = match raw.action.as_str() {
            "restore" => true,
            "accept" => false,
            other => {
                return Err(Error::invalid_field(
                    "action",
                    format_args!("{} is not one of restore, accept", quote(other)),
                ))
            }
        };
        let reason = raw.reason.trim().to_owned();
        if reason.is_empty() || reason.chars().count() > worklogs_core::approval::MAX_REASON_CHARS {
            return Err(Error::invalid_field(
                "reason",
                format_args!(
                    "a reason of 1 to {} characters is required",
                    worklogs_core::approval::MAX_REASON_CHARS
                ),
            ));
        }
        Ok(Self {
            id: raw.id,
            restore,
            reason,
        })
    }
}

/// `approval.drift.resolve`: restores the locked version or accepts Jira's
/// (the snapshot takes it), with a reason; a reviewer of the person, or an
/// administrator.
///
/// # Errors
///
/// `not-found` for an unknown drift; `forbidden` naming the rule;
/// `conflict` when it is resolved already; Jira's and the database's errors.
pub async fn resolve(ctx: &Ctx, input: ResolveInput) -> Result<DriftItem, Error> {
    let me = ctx.acting_user()?.to_owned();
    let Some(mut drift) = rows::read_drift(ctx, &input.id).await? else {
        return Err(Error::not_found(format!(
            "no outside edit has the id {}",
            quote(&input.id)
        )));
    };
    let facts = Facts::load(ctx).await?;
    let first = NaiveDate::parse_from_str(&drift.start_date, "%Y-%m-%d")
        .map_err(|_| Error::internal(format!("drift {} has no valid period", drift.id)))?;
    let at = facts.locate(ctx, "id", &drift.account, first).await?;
    facts.review(ctx, &at).await?.map_err(super::refused)?;
    if drift.state != "open" {
        return Err(Error::new(
            ErrorCode::Conflict,
            format!(
                "the outside edit {} is {} already",
                quote(&drift.id),
                drift.state
            ),
        ));
    }
    if input.restore {
        restore(ctx, &mut drift, Some(me), Some(input.reason)).await?;
        return Ok(item(drift));
    }
    audit::record_once(
        ctx,
        "approval.accepted",
        &subject(&drift),
        drift.before.as_deref().map(versioned),
        drift.after.as_deref().map(versioned),
    )
    .await?;
    let snap = SnapshotRow {
        account: drift.account.clone(),
        start_date: drift.start_date.clone(),
        worklog: drift.worklog,
        ..SnapshotRow::default()
    };
    match drift.after.as_deref().map(serde_json::from_str::<Json>) {
        Some(Ok(after)) => {
            let (_, fp) = fingerprint_of(&after)?;
            rows::put_snapshot(
                ctx,
                &SnapshotRow {
                    fingerprint: fp,
                    body: after.to_string(),
                    ..snap
                },
            )
            .await?;
        }
        _ => rows::remove_snapshot(ctx, &snap).await?,
    }
    history(
        ctx,
        &drift,
        "accepted",
        Some(me.clone()),
        Some(input.reason.clone()),
        drift.before.clone(),
    )
    .await?;
    drift.state = "accepted".to_owned();
    drift.resolved_by = Some(me);
    drift.resolved_ms = Some(ctx.context().now_ms);
    drift.reason = Some(input.reason);
    rows::write_drift(ctx, &drift).await?;
    Ok(item(drift))
}
