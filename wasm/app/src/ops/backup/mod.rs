//! App-data backups (`docs/backup.md`): `backup.create` makes an archive of
//! every table in the registry ([`crate::store::backup_rows::TABLES`]) in the
//! app's own storage, in slices; `backup.list`, `backup.download`,
//! `backup.upload` and `backup.delete` manage stored archives;
//! `backup.restore.plan` checks one and says what a restore would do;
//! `backup.restore.run` replaces the app's data with it, mapping account ids
//! and projects ([`mapping`]); `backup.settings.save` and `backup.prune` keep
//! the schedule's retention. Administrators only (and the app's jobs).

pub mod format;
pub mod mapping;

use std::collections::BTreeMap;

use chrono::DateTime;
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use worklogs_core::retention::{keep, Retention};

use self::format::{Manifest, PartEntry, TableEntry, FORMAT, MANIFEST, PART_BYTES, VERSION};
use self::mapping::{Mapping, Seen};
use super::{NoInput, Progress};
use crate::access::require_admin;
use crate::executor::Ctx;
use crate::input::{quote, Input};
use crate::protocol::Value;
use crate::store::audit::{self, record, sha256_hex};
use crate::store::backup_rows::{self as sql, PartMeta, Table, TABLES};
use crate::store::{self, JsonSetting};
use crate::Error;

/// Rows read per query while making a part (settings values reach 64 KiB,
/// so 50 stay below Forge SQL's 4 MiB response).
const PAGE_ROWS: usize = 50;
/// Bytes of parts one slice of `backup.create` or of a restore handles (at
/// least one part).
const SLICE_BYTES: usize = 3_000_000;
/// The subject of the audit entries of archives.
const SUBJECT: &str = "app data";
const DAY_MS: i64 = 86_400_000;

/// Refuses a person who is not a Jira administrator; the app's jobs and the
/// local operator pass.
async fn require_admin_person(ctx: &Ctx, what: &str) -> Result<(), Error> {
    if ctx.acting_user().is_ok() {
        require_admin(ctx, what).await?;
    }
    Ok(())
}

/// The schedule and its retention.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct BackupSettings {
    /// Whether the daily scheduled backup runs.
    pub enabled: bool,
    /// How many scheduled backups are kept.
    pub retention: Retention,
}

impl Default for BackupSettings {
    /// Daily, keeping 7 daily, 12 monthly, 5 yearly.
    fn default() -> Self {
        Self {
            enabled: true,
            retention: Retention::default(),
        }
    }
}

impl JsonSetting for BackupSettings {
    const NAME: &'static str = "backup.settings";
    const WHAT: &'static str = "valid backup settings";
}

/// The input of `backup.settings.save`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SettingsRaw {
    enabled: bool,
    retention: Retention,
}

impl Input for BackupSettings {
    type Raw = SettingsRaw;

    fn validate(raw: SettingsRaw) -> Result<Self, Error> {
        let r = raw.retention;
        for (field, value, max) in [
            ("retention.daily", r.daily, 366),
            ("retention.monthly", r.monthly, 120),
            ("retention.yearly", r.yearly, 100),
        ] {
            if value > max {
                return Err(Error::invalid_field(
                    field,
                    format_args!("{value} is out of range (0 to {max})"),
                ));
            }
        }
        Ok(Self {
            enabled: raw.enabled,
            retention: r,
        })
    }
}

/// `backup.settings.save`: the schedule and retention (administrators).
///
/// # Errors
///
/// `forbidden` for anyone but a Jira administrator; the database's errors.
pub async fn save_settings(ctx: &Ctx, settings: BackupSettings) -> Result<BackupSettings, Error> {
    require_admin(ctx, "change the backup schedule").await?;
    store::save(ctx, &settings).await?;
    Ok(settings)
}

/// A backup in progress: where `backup.create` stopped.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct CreateState {
    /// Whether a backup is under way.
    pub running: bool,
    /// Its archive id.
    pub archive: String,
    /// `manual` or `scheduled`.
    pub kind: String,
    /// When it started: the archive's instant.
    pub created_at_ms: i64,
    /// The table being read (index into the registry).
    pub table: usize,
    /// The key of the last row written, in that table.
    pub after: Option<Vec<Json>>,
    /// The next part's number in that table.
    pub part: u32,
    /// The next part's place in the archive.
    pub seq: i64,
    /// The archive's audit entry while it is being written (its making,
    /// before any part: [`audit::Pending`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending: Option<audit::Pending>,
}

impl JsonSetting for CreateState {
    const NAME: &'static str = "backup.create";
    const WHAT: &'static str = "a valid backup checkpoint";
    const AUDITED: bool = false;
}

/// The input of `backup.create`.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct CreateRaw {
    kind: Option<String>,
}

/// `manual` or `scheduled`; when not given, `scheduled` for the app's jobs
/// (the local host's `worklogs serve` runs jobs with `{}`), else `manual`.
pub struct CreateInput {
    kind: Option<&'static str>,
}

impl Input for CreateInput {
    type Raw = CreateRaw;

    fn validate(raw: CreateRaw) -> Result<Self, Error> {
        let kind = match raw.kind.as_deref() {
            None => None,
            Some("manual") => Some("manual"),
            Some("scheduled") => Some("scheduled"),
            Some(other) => {
                return Err(Error::invalid_field(
                    "kind",
                    format_args!("{} is not a kind (manual or scheduled)", quote(other)),
                ))
            }
        };
        Ok(Self { kind })
    }
}

/// The answer of a slice of `backup.create`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateOutput {
    /// Whether to call again.
    pub more: bool,
    /// Tables done of all.
    pub progress: Progress,
    /// The archive being made; none when the schedule is off.
    pub archive: Option<String>,
}

/// An archive id from its instant: `20261124T120000000Z`.
fn archive_id(now_ms: i64) -> String {
    DateTime::from_timestamp_millis(now_ms).map_or_else(
        || format!("t{now_ms}"),
        |t| t.format("%Y%m%dT%H%M%S%3fZ").to_string(),
    )
}

fn key_json(v: &Value) -> Json {
    match v {
        Value::Int(i) => Json::from(*i),
        Value::Text(t) => Json::from(t.clone()),
        Value::Real(r) => Json::from(*r),
        Value::Null | Value::Blob(_) => Json::Null,
    }
}

fn json_key(v: &Json) -> Value {
    match v {
        Json::Number(n) => n.as_i64().map_or(Value::Null, Value::Int),
        Json::String(s) => Value::Text(s.clone()),
        _ => Value::Null,
    }
}

fn skipped(table: &Table, row: &[Value]) -> bool {
    matches!(row.first(), Some(Value::Text(first)) if table.skip.contains(&first.as_str()))
}

/// Makes the next part of the table being read; whether the table is done.
async fn next_part(
    ctx: &Ctx,
    state: &mut CreateState,
    table: &Table,
) -> Result<(usize, bool), Error> {
    let mut content = String::new();
    let mut rows = 0i64;
    let mut done = false;
    'pages: loop {
        let after: Option<Vec<Value>> = state
            .after
            .as_ref()
            .map(|a| a.iter().map(json_key).collect());
        let page = sql::page(ctx, table, after.as_deref(), PAGE_ROWS).await?;
        let last_page = page.len() < PAGE_ROWS;
        for row in &page {
            if !skipped(table, row) {
                let line = format::line(table, row)?;
                if !content.is_empty() && content.len().saturating_add(line.len()) > PART_BYTES {
                    break 'pages;
                }
                content.push_str(&line);
                rows = rows.saturating_add(1);
            }
            state.after = Some(row.iter().take(table.key).map(key_json).collect());
        }
        if last_page {
            done = true;
            break;
        }
    }
    let bytes = content.len();
    if rows > 0 {
        let meta = PartMeta {
            archive: state.archive.clone(),
            seq: state.seq,
            name: format::part_name(table.name, state.part),
            kind: state.kind.clone(),
            created: state.created_at_ms,
            rows,
            bytes: i64::try_from(bytes).unwrap_or(i64::MAX),
            sha256: sha256_hex(content.as_bytes()),
        };
        sql::put_part(ctx, &meta, content).await?;
        state.seq = state.seq.saturating_add(1);
        state.part = state.part.saturating_add(1);
    }
    Ok((bytes, done))
}

/// The manifest of the parts stored for `state`'s archive.
fn manifest_of(ctx: &Ctx, state: &CreateState, parts: &[PartMeta]) -> Manifest {
    let entries: Vec<PartEntry> = parts
        .iter()
        .filter(|p| p.seq > 0)
        .map(|p| PartEntry {
            table: p.name.split('/').next().unwrap_or_default().to_owned(),
            name: p.name.clone(),
            rows: u64::try_from(p.rows).unwrap_or(0),
            bytes: u64::try_from(p.bytes).unwrap_or(0),
            sha256: p.sha256.clone(),
        })
        .collect();
    let tables = TABLES
        .iter()
        .map(|t| TableEntry {
            name: t.name.to_owned(),
            columns: t.columns.iter().map(|c| c.name.to_owned()).collect(),
            rows: entries
                .iter()
                .filter(|p| p.table == t.name)
                .map(|p| p.rows)
                .sum(),
        })
        .collect();
    Manifest {
        format: FORMAT.to_owned(),
        version: VERSION,
        archive: state.archive.clone(),
        kind: state.kind.clone(),
        created_at_ms: state.created_at_ms,
        installation: ctx.context().installation.clone(),
        tables,
        parts: entries,
    }
}

/// `backup.create`: makes an archive of the app's data in the app's own
/// storage, a few parts a slice, with its checkpoint in the setting
/// `backup.create` (administrators; the scheduled job with `kind: scheduled`,
/// which does nothing when the schedule is off). The manifest is written
/// last; the archive's making is an audit entry, written first so that the
/// archive holds it.
///
/// # Errors
///
/// `forbidden` for a person who is not a Jira administrator; `internal` for a
/// stored row that does not fit its column; the database's errors.
pub async fn create(ctx: &Ctx, input: CreateInput) -> Result<CreateOutput, Error> {
    require_admin_person(ctx, "back up the app's data").await?;
    let total = u64::try_from(TABLES.len()).unwrap_or(0);
    let job = matches!(
        ctx.context().entry_point,
        crate::protocol::EntryPoint::Job | crate::protocol::EntryPoint::Consumer
    );
    let kind = input
        .kind
        .unwrap_or(if job { "scheduled" } else { "manual" });
    let mut state = store::load::<CreateState>(ctx).await?;
    if !state.running {
        if kind == "scheduled" && !store::load::<BackupSettings>(ctx).await?.enabled {
            return Ok(CreateOutput {
                more: false,
                progress: Progress {
                    done: 0,
                    total: 0,
                    label: "scheduled backups are off".to_owned(),
                },
                archive: None,
            });
        }
        let now = ctx.context().now_ms;
        let archive = archive_id(now);
        let entry = serde_json::json!({"archive": archive, "kind": kind}).to_string();
        state = CreateState {
            running: true,
            archive,
            kind: kind.to_owned(),
            created_at_ms: now,
            table: 0,
            after: None,
            part: 1,
            seq: 1,
            pending: Some(audit::Pending::new(ctx, "backup.create", SUBJECT, entry)),
        };
        store::save(ctx, &state).await?;
    }
    // The entry before any part, so the archive holds its own making; once,
    // however often a kill interrupts the first slice.
    if let Some(pending) = state.pending.take() {
        audit::settle(ctx, &pending).await?;
        store::save(ctx, &state).await?;
    }
    let mut bytes = 0usize;
    while let Some(table) = TABLES.get(state.table) {
        if bytes >= SLICE_BYTES {
            store::save(ctx, &state).await?;
            return Ok(CreateOutput {
                more: true,
                progress: Progress {
                    done: u64::try_from(state.table).unwrap_or(0),
                    total,
                    label: format!("backing up {}", table.name),
                },
                archive: Some(state.archive),
            });
        }
        let (written, done) = next_part(ctx, &mut state, table).await?;
        bytes = bytes.saturating_add(written).saturating_add(1);
        if done {
            state.table = state.table.saturating_add(1);
            state.after = None;
            state.part = 1;
        }
        store::save(ctx, &state).await?;
    }
    let parts = sql::parts(ctx, &state.archive).await?;
    let manifest = manifest_of(ctx, &state, &parts);
    let text = serde_json::to_string_pretty(&manifest)
        .map_err(|e| Error::internal(format!("the manifest could not be written: {e}")))?;
    let rows: u64 = manifest.parts.iter().map(|p| p.rows).sum();
    let meta = PartMeta {
        archive: state.archive.clone(),
        seq: 0,
        name: MANIFEST.to_owned(),
        kind: state.kind.clone(),
        created: state.created_at_ms,
        rows: 0,
        bytes: i64::try_from(text.len()).unwrap_or(i64::MAX),
        sha256: sha256_hex(text.as_bytes()),
    };
    sql::put_part(ctx, &meta, text).await?;
    state.running = false;
    store::save(ctx, &state).await?;
    Ok(CreateOutput {
        more: false,
        progress: Progress {
            done: total,
            total,
            label: format!("backed up {rows} rows in {} parts", manifest.parts.len()),
        },
        archive: Some(state.archive),
    })
}

/// An archive as listed.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ArchiveOut {
    /// Its id.
    pub archive: String,
    /// `manual`, `scheduled` or `uploaded`.
    pub kind: String,
    /// When it was made, epoch milliseconds.
    pub created_at_ms: i64,
    /// Parts stored, the manifest included.
    pub parts: i64,
    /// Bytes stored.
    pub bytes: i64,
    /// Whether its manifest is stored.
    pub complete: bool,
    /// The format version its manifest names; none without a manifest (or
    /// with one this app cannot read).
    pub version: Option<u32>,
    /// The manifest's SHA-256 (the manifest holds every part's): the
    /// archive's checksum; none without a manifest.
    pub sha256: Option<String>,
}

/// The answer of `backup.list`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListOutput {
    /// Newest first.
    pub archives: Vec<ArchiveOut>,
    /// The schedule and retention.
    pub settings: BackupSettings,
}

/// `backup.list`: the archives in the app's storage and the schedule
/// (administrators).
///
/// # Errors
///
/// `forbidden` for anyone but a Jira administrator; the database's errors.
pub async fn list(ctx: &Ctx, _: NoInput) -> Result<ListOutput, Error> {
    require_admin_person(ctx, "list the backups").await?;
    let rows = sql::archives(ctx).await?;
    // Each complete archive's version, from its manifest (one part each).
    let versions = futures::future::try_join_all(rows.iter().map(|a| async move {
        if !a.complete {
            return Ok::<_, Error>(None);
        }
        Ok(sql::part(ctx, &a.archive, 0)
            .await?
            .and_then(|(_, text)| format::manifest(&text).ok())
            .map(|m| m.version))
    }))
    .await?;
    let archives = rows
        .into_iter()
        .zip(versions)
        .map(|(a, version)| ArchiveOut {
            archive: a.archive,
            kind: a.kind,
            created_at_ms: a.created,
            parts: a.parts,
            bytes: a.bytes,
            complete: a.complete,
            version,
            sha256: a.manifest_sha256,
        })
        .collect();
    Ok(ListOutput {
        archives,
        settings: store::load(ctx).await?,
    })
}

fn archive_field(value: String) -> Result<String, Error> {
    let ok = !value.is_empty()
        && value.len() <= 64
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b));
    if ok {
        Ok(value)
    } else {
        Err(Error::invalid_field(
            "archive",
            format_args!(
                "{} is not an archive id (1 to 64 letters, digits, '-', '_', '.')",
                quote(&value)
            ),
        ))
    }
}

/// The input of `backup.download`: an archive and the place of the part
/// (0, the manifest, by default).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DownloadRaw {
    archive: String,
    seq: Option<i64>,
}

/// Checked input of `backup.download`.
pub struct DownloadInput {
    archive: String,
    seq: i64,
}

impl Input for DownloadInput {
    type Raw = DownloadRaw;

    fn validate(raw: DownloadRaw) -> Result<Self, Error> {
        let seq = raw.seq.unwrap_or(0);
        if seq < 0 {
            return Err(Error::invalid_field(
                "seq",
                format_args!("{seq} is not a part's place"),
            ));
        }
        Ok(Self {
            archive: archive_field(raw.archive)?,
            seq,
        })
    }
}

/// One piece of `backup.download`: a part.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DownloadOutput {
    /// The archive.
    pub archive: String,
    /// This part's place.
    pub seq: i64,
    /// Its name in the archive (a file name under the archive's folder).
    pub name: String,
    /// Its content.
    pub content: String,
    /// Its SHA-256.
    pub sha256: String,
    /// The next part's place; none after the last.
    pub next: Option<i64>,
}

/// `backup.download`: an archive, one part a call, the manifest first
/// (administrators). The first piece is an audit entry.
///
/// # Errors
///
/// `forbidden` for anyone but a Jira administrator; `not-found` for an
/// unknown archive or part; the database's errors.
pub async fn download(ctx: &Ctx, input: DownloadInput) -> Result<DownloadOutput, Error> {
    require_admin_person(ctx, "download a backup").await?;
    let Some((meta, content)) = sql::part(ctx, &input.archive, input.seq).await? else {
        return Err(Error::not_found(format!(
            "archive {} has no part {}",
            quote(&input.archive),
            input.seq
        )));
    };
    if input.seq == 0 {
        record(
            ctx,
            "backup.download",
            SUBJECT,
            None,
            Some(serde_json::json!({"archive": input.archive}).to_string()),
        )
        .await?;
    }
    let next = sql::parts(ctx, &input.archive)
        .await?
        .into_iter()
        .map(|p| p.seq)
        .find(|s| *s > input.seq);
    Ok(DownloadOutput {
        archive: meta.archive,
        seq: meta.seq,
        name: meta.name,
        sha256: meta.sha256,
        content,
        next,
    })
}

/// The input of `backup.upload`: one part of an archive made elsewhere, the
/// manifest first (which names the new archive).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UploadRaw {
    archive: Option<String>,
    name: String,
    content: String,
}

/// Checked input of `backup.upload`.
pub struct UploadInput {
    archive: Option<String>,
    name: String,
    content: String,
}

impl Input for UploadInput {
    type Raw = UploadRaw;

    fn validate(raw: UploadRaw) -> Result<Self, Error> {
        if raw.name.is_empty() || raw.name.len() > 128 {
            return Err(Error::invalid_field(
                "name",
                format_args!("{} is empty or longer than 128 bytes", quote(&raw.name)),
            ));
        }
        if raw.content.len() > PART_BYTES.saturating_mul(2) {
            return Err(Error::limit(format!(
                "part {} is {} bytes, more than a part may hold ({PART_BYTES})",
                quote(&raw.name),
                raw.content.len()
            )));
        }
        Ok(Self {
            archive: raw.archive.map(archive_field).transpose()?,
            name: raw.name,
            content: raw.content,
        })
    }
}

/// The answer of `backup.upload`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UploadOutput {
    /// The archive the part went to.
    pub archive: String,
    /// The part's place.
    pub seq: i64,
    /// Parts the manifest lists (the manifest not counted).
    pub parts: usize,
}

/// `backup.upload`: stores one part of an archive made elsewhere, the
/// manifest first (administrators). Checksums are checked by
/// `backup.restore.plan`, so a bad part is named there.
///
/// # Errors
///
/// `forbidden` for anyone but a Jira administrator; `invalid-input` for a
/// manifest this app cannot read (another format, a newer version), a part
/// before its manifest or one the manifest does not list; the database's
/// errors.
pub async fn upload(ctx: &Ctx, input: UploadInput) -> Result<UploadOutput, Error> {
    require_admin_person(ctx, "upload a backup").await?;
    let (archive, seq, manifest) = if input.name == MANIFEST {
        let manifest = format::manifest(&input.content)?;
        let archive = match input.archive {
            Some(a) => a,
            None => format!("upload-{}", archive_id(ctx.context().now_ms)),
        };
        (archive, 0, manifest)
    } else {
        let Some(archive) = input.archive else {
            return Err(Error::invalid_field(
                "archive",
                "a part goes to the archive its manifest's upload answered",
            ));
        };
        let manifest = stored_manifest(ctx, &archive).await?;
        let Some(index) = manifest.parts.iter().position(|p| p.name == input.name) else {
            return Err(Error::invalid_input(format_args!(
                "part {} is not in the manifest of archive {}",
                quote(&input.name),
                quote(&archive)
            )));
        };
        let seq = i64::try_from(index).unwrap_or(i64::MAX).saturating_add(1);
        (archive, seq, manifest)
    };
    let rows = input.content.split_terminator('\n').count();
    let meta = PartMeta {
        archive: archive.clone(),
        seq,
        name: input.name,
        kind: "uploaded".to_owned(),
        created: manifest.created_at_ms,
        rows: if seq == 0 {
            0
        } else {
            i64::try_from(rows).unwrap_or(i64::MAX)
        },
        bytes: i64::try_from(input.content.len()).unwrap_or(i64::MAX),
        sha256: sha256_hex(input.content.as_bytes()),
    };
    sql::put_part(ctx, &meta, input.content).await?;
    Ok(UploadOutput {
        archive,
        seq,
        parts: manifest.parts.len(),
    })
}

async fn stored_manifest(ctx: &Ctx, archive: &str) -> Result<Manifest, Error> {
    match sql::part(ctx, archive, 0).await? {
        Some((_, text)) => format::manifest(&text),
        None if sql::parts(ctx, archive).await?.is_empty() => Err(Error::not_found(format!(
            "there is no archive {}",
            quote(archive)
        ))),
        None => Err(Error::invalid_input(format_args!(
            "part \"{MANIFEST}\" of archive {} is missing",
            quote(archive)
        ))),
    }
}

/// The input of `backup.delete`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArchiveRaw {
    archive: String,
}

/// An archive id.
pub struct ArchiveInput(String);

impl Input for ArchiveInput {
    type Raw = ArchiveRaw;

    fn validate(raw: ArchiveRaw) -> Result<Self, Error> {
        archive_field(raw.archive).map(Self)
    }
}

/// The answer of `backup.delete`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeleteOutput {
    /// The archive deleted.
    pub archive: String,
}

/// `backup.delete`: deletes a stored archive (administrators), an audit entry.
///
/// # Errors
///
/// `forbidden` for anyone but a Jira administrator; `not-found` for an
/// unknown archive; the database's errors.
pub async fn delete(ctx: &Ctx, input: ArchiveInput) -> Result<DeleteOutput, Error> {
    require_admin_person(ctx, "delete a backup").await?;
    if sql::parts(ctx, &input.0).await?.is_empty() {
        return Err(Error::not_found(format!(
            "there is no archive {}",
            quote(&input.0)
        )));
    }
    record(
        ctx,
        "backup.delete",
        SUBJECT,
        Some(serde_json::json!({"archive": input.0}).to_string()),
        None,
    )
    .await?;
    sql::delete_archive(ctx, &input.0).await?;
    Ok(DeleteOutput { archive: input.0 })
}

/// The answer of `backup.prune`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PruneOutput {
    /// Whether to call again (always false: one slice).
    pub more: bool,
    /// The archives deleted.
    pub pruned: Vec<String>,
    /// Scheduled archives kept.
    pub kept: usize,
}

/// `backup.prune`: deletes the scheduled archives the retention rule does not
/// keep, and unfinished scheduled ones older than a day that no backup is
/// making (jobs). Manual and uploaded archives are kept until deleted.
///
/// # Errors
///
/// The database's errors.
pub async fn prune(ctx: &Ctx, _: NoInput) -> Result<PruneOutput, Error> {
    let settings = store::load::<BackupSettings>(ctx).await?;
    let running = store::load::<CreateState>(ctx).await?;
    let now = ctx.context().now_ms;
    let scheduled: Vec<_> = sql::archives(ctx)
        .await?
        .into_iter()
        .filter(|a| a.kind == "scheduled")
        .collect();
    let (complete, partial): (Vec<_>, Vec<_>) = scheduled.into_iter().partition(|a| a.complete);
    let created: Vec<i64> = complete.iter().map(|a| a.created).collect();
    let kept = keep(&created, settings.retention);
    let mut pruned: Vec<String> = complete
        .iter()
        .enumerate()
        .filter(|(i, _)| !kept.contains(i))
        .map(|(_, a)| a.archive.clone())
        .collect();
    pruned.extend(
        partial
            .iter()
            .filter(|a| !(running.running && running.archive == a.archive))
            .filter(|a| a.created < now.saturating_sub(DAY_MS))
            .map(|a| a.archive.clone()),
    );
    if !pruned.is_empty() {
        record(
            ctx,
            "backup.prune",
            SUBJECT,
            None,
            Some(
                serde_json::json!({"pruned": pruned, "retention": settings.retention}).to_string(),
            ),
        )
        .await?;
    }
    for archive in &pruned {
        sql::delete_archive(ctx, archive).await?;
    }
    Ok(PruneOutput {
        more: false,
        pruned,
        kept: kept.len(),
    })
}

/// A restore (or its dry run) in progress.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct RestoreState {
    /// Whether one is under way.
    pub running: bool,
    /// `plan` or `run`.
    pub mode: String,
    /// The archive.
    pub archive: String,
    /// The SHA-256 of the mapping it runs with: another mapping starts over.
    pub mapping: String,
    /// `verify`, `load`.
    pub phase: String,
    /// The next part (index into the manifest's parts).
    pub next: usize,
    /// Rows per table, verified or loaded.
    pub rows: BTreeMap<String, u64>,
    /// Ids met that the mapping does not name.
    pub seen: Seen,
    /// The restore's audit entry while it is being written: every part is
    /// loaded, the checkpoint not yet cleared ([`audit::Pending`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending: Option<audit::Pending>,
}

impl JsonSetting for RestoreState {
    const NAME: &'static str = "backup.restore";
    const WHAT: &'static str = "a valid restore checkpoint";
    const AUDITED: bool = false;
}

/// The input of `backup.restore.plan` and `backup.restore.run`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RestoreRaw {
    archive: String,
    #[serde(default)]
    mapping: Mapping,
}

/// Checked input of a restore.
pub struct RestoreInput {
    archive: String,
    mapping: Mapping,
}

impl Input for RestoreInput {
    type Raw = RestoreRaw;

    fn validate(raw: RestoreRaw) -> Result<Self, Error> {
        Ok(Self {
            archive: archive_field(raw.archive)?,
            mapping: Mapping::validate(raw.mapping)?,
        })
    }
}

/// One table in a plan or a restore's report.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TablePlan {
    /// The table.
    pub table: String,
    /// Rows the archive holds (written by the restore).
    pub archive_rows: u64,
    /// Rows this site holds now (replaced by the restore), the site's own
    /// bookkeeping settings included (kept).
    pub current_rows: i64,
}

/// Ids the mapping does not name: kept as they are.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Unmapped {
    /// Account ids.
    pub accounts: Vec<String>,
    /// Project ids and keys.
    pub projects: Vec<String>,
}

/// What a restore will do (the dry run) or did.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Plan {
    /// The site the archive was made on.
    pub installation: String,
    /// Whether that is this site.
    pub same_site: bool,
    /// When it was made.
    pub created_at_ms: i64,
    /// Its format version.
    pub version: u32,
    /// Per table.
    pub tables: Vec<TablePlan>,
    /// What the restore overrides or cannot carry over, for a person.
    pub conflicts: Vec<String>,
    /// Values the mapping rewrote (or will).
    pub mapped: u64,
    /// Ids the mapping does not name.
    pub unmapped: Unmapped,
}

/// The answer of a slice of a restore.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RestoreOutput {
    /// Whether to call again.
    pub more: bool,
    /// Parts handled of all.
    pub progress: Progress,
    /// The archive.
    pub archive: String,
    /// When done: every part verified.
    pub verified: bool,
    /// When done: the plan (dry run) or the report (restore).
    pub plan: Option<Plan>,
}

/// Checks the manifest's tables against the registry: an archive holds only
/// tables this app knows, with their columns.
fn check_tables(manifest: &Manifest) -> Result<(), Error> {
    for entry in &manifest.tables {
        let Some(table) = sql::table(&entry.name) else {
            return Err(Error::invalid_input(format_args!(
                "part \"{MANIFEST}\": table {} is not one this app restores",
                quote(&entry.name)
            )));
        };
        let columns: Vec<&str> = table.columns.iter().map(|c| c.name).collect();
        if entry.columns != columns {
            return Err(Error::invalid_input(format_args!(
                "part \"{MANIFEST}\": table {} has columns {:?}, this app's are {columns:?}",
                quote(&entry.name),
                entry.columns
            )));
        }
    }
    for part in &manifest.parts {
        if sql::table(&part.table).is_none() {
            return Err(Error::invalid_input(format_args!(
                "part {}: table {} is not one this app restores",
                quote(&part.name),
                quote(&part.table)
            )));
        }
    }
    Ok(())
}

/// Every part the manifest lists, stored under the place it expects.
fn check_present(manifest: &Manifest, stored: &[PartMeta]) -> Result<(), Error> {
    let by_seq: BTreeMap<i64, &PartMeta> = stored.iter().map(|p| (p.seq, p)).collect();
    for (i, entry) in manifest.parts.iter().enumerate() {
        let seq = i64::try_from(i).unwrap_or(i64::MAX).saturating_add(1);
        if by_seq.get(&seq).is_none_or(|p| p.name != entry.name) {
            return Err(Error::invalid_input(format_args!(
                "part {} is missing",
                quote(&entry.name)
            )));
        }
    }
    Ok(())
}

/// One slice of a restore: `run` false for the dry run.
async fn restore(ctx: &Ctx, input: RestoreInput, run: bool) -> Result<RestoreOutput, Error> {
    let what = if run {
        "restore a backup"
    } else {
        "plan a restore"
    };
    require_admin_person(ctx, what).await?;
    let mode = if run { "run" } else { "plan" };
    let mapping_sha = sha256_hex(
        serde_json::to_string(&input.mapping)
            .unwrap_or_default()
            .as_bytes(),
    );
    let result = restore_slice(ctx, &input, run, mode, &mapping_sha).await;
    if result.is_err() {
        // A refused archive starts over next time.
        store::save(ctx, &RestoreState::default()).await?;
    }
    result
}

async fn restore_slice(
    ctx: &Ctx,
    input: &RestoreInput,
    run: bool,
    mode: &str,
    mapping_sha: &str,
) -> Result<RestoreOutput, Error> {
    let manifest = stored_manifest(ctx, &input.archive).await?;
    check_tables(&manifest)?;
    let stored = sql::parts(ctx, &input.archive).await?;
    check_present(&manifest, &stored)?;
    let mut state = store::load::<RestoreState>(ctx).await?;
    let other =
        state.mode != mode || state.archive != input.archive || state.mapping != mapping_sha;
    if let (Some(pending), true) = (&state.pending, other) {
        // A restore killed while it ended, and now another: its entry first.
        audit::settle(ctx, pending).await?;
        state = RestoreState::default();
    }
    if !state.running
        || state.mode != mode
        || state.archive != input.archive
        || state.mapping != mapping_sha
    {
        state = RestoreState {
            running: true,
            mode: mode.to_owned(),
            archive: input.archive.clone(),
            mapping: mapping_sha.to_owned(),
            phase: "verify".to_owned(),
            ..RestoreState::default()
        };
    }
    let count = manifest.parts.len();
    let steps = if run { count.saturating_mul(2) } else { count };
    let mut bytes = 0usize;
    loop {
        let loading = state.phase == "load";
        let Some(entry) = manifest.parts.get(state.next) else {
            if run && !loading {
                // Every part verified: now replace the data.
                for table in TABLES {
                    sql::wipe(ctx, table).await?;
                }
                state.phase = "load".to_owned();
                state.next = 0;
                state.rows.clear();
                state.seen = Seen::default();
                store::save(ctx, &state).await?;
                continue;
            }
            break;
        };
        if bytes >= SLICE_BYTES {
            store::save(ctx, &state).await?;
            let done = if loading {
                state.next.saturating_add(count)
            } else {
                state.next
            };
            return Ok(RestoreOutput {
                more: true,
                progress: Progress {
                    done: u64::try_from(done).unwrap_or(0),
                    total: u64::try_from(steps).unwrap_or(0),
                    label: format!(
                        "{} part {} of {count}",
                        if loading { "restoring" } else { "verifying" },
                        state.next.saturating_add(1)
                    ),
                },
                archive: input.archive.clone(),
                verified: false,
                plan: None,
            });
        }
        let seq = i64::try_from(state.next)
            .unwrap_or(i64::MAX)
            .saturating_add(1);
        let Some((_, content)) = sql::part(ctx, &input.archive, seq).await? else {
            return Err(Error::invalid_input(format_args!(
                "part {} is missing",
                quote(&entry.name)
            )));
        };
        format::check_part(entry, &content)?;
        let table = sql::table(&entry.table).ok_or_else(|| {
            Error::invalid_input(format_args!("part {}: unknown table", quote(&entry.name)))
        })?;
        let mut rows = format::rows(table, &entry.name, &content)?;
        for row in &mut rows {
            input.mapping.row(table, row, &mut state.seen);
        }
        let n = u64::try_from(rows.len()).unwrap_or(0);
        if loading {
            sql::insert(ctx, table, rows).await?;
        }
        let total = state.rows.entry(table.name.to_owned()).or_insert(0);
        *total = total.saturating_add(n);
        state.next = state.next.saturating_add(1);
        bytes = bytes.saturating_add(content.len()).saturating_add(1);
        if loading {
            store::save(ctx, &state).await?;
        }
    }
    let plan = plan(ctx, &manifest, &state).await?;
    if run {
        // Once, however often a kill interrupts the end: pending in the
        // checkpoint, then in the log, then the checkpoint cleared.
        let pending = match &state.pending {
            Some(pending) => pending.clone(),
            None => {
                let entry = serde_json::json!({"archive": input.archive,
                    "from": manifest.installation, "createdAtMs": manifest.created_at_ms,
                    "rows": state.rows, "mapped": state.seen.mapped,
                    "unmapped": {"accounts": state.seen.accounts.len(),
                                 "projects": state.seen.projects.len()}})
                .to_string();
                let pending = audit::Pending::new(ctx, audit::ARCHIVE_RESTORED, SUBJECT, entry);
                state.pending = Some(pending.clone());
                store::save(ctx, &state).await?;
                pending
            }
        };
        audit::settle(ctx, &pending).await?;
    }
    store::save(ctx, &RestoreState::default()).await?;
    let steps = u64::try_from(steps).unwrap_or(0);
    Ok(RestoreOutput {
        more: false,
        progress: Progress {
            done: steps,
            total: steps,
            label: if run {
                format!("restored {count} parts")
            } else {
                format!("verified {count} parts")
            },
        },
        archive: input.archive.clone(),
        verified: true,
        plan: Some(plan),
    })
}

async fn plan(ctx: &Ctx, manifest: &Manifest, state: &RestoreState) -> Result<Plan, Error> {
    let mut tables = Vec::new();
    for table in TABLES {
        tables.push(TablePlan {
            table: table.name.to_owned(),
            archive_rows: state.rows.get(table.name).copied().unwrap_or(0),
            current_rows: sql::count(ctx, table).await?,
        });
    }
    let here = &ctx.context().installation;
    let same_site = &manifest.installation == here;
    let mut conflicts = Vec::new();
    if !same_site {
        conflicts.push(format!(
            "the archive was made on another site ({}): map its account ids and projects to this site's",
            quote(&manifest.installation)
        ));
    }
    for t in &tables {
        if t.current_rows > 0 && state.mode == "plan" {
            conflicts.push(format!(
                "{}: this site's {} rows are replaced by the archive's {}",
                t.table, t.current_rows, t.archive_rows
            ));
        }
    }
    if state.rows.get("timers").copied().unwrap_or(0) > 0 {
        conflicts.push(
            "timers keep their issue ids: on another site, a timer whose issue id is not this site's is stopped unlogged by its owner".to_owned(),
        );
    }
    if state.rows.get("audit_log").copied().unwrap_or(0) > 0 {
        conflicts.push(
            "the audit log is restored byte for byte (it is hash-chained): ids inside its before and after values stay as they were; who acted is mapped".to_owned(),
        );
    }
    Ok(Plan {
        installation: manifest.installation.clone(),
        same_site,
        created_at_ms: manifest.created_at_ms,
        version: manifest.version,
        tables,
        conflicts,
        mapped: state.seen.mapped,
        unmapped: Unmapped {
            accounts: state.seen.accounts.iter().cloned().collect(),
            projects: state.seen.projects.iter().cloned().collect(),
        },
    })
}

/// `backup.restore.plan`: the dry run. Verifies the manifest and every part
/// (checksum, length, rows), in slices, then says per table what the restore
/// replaces, what conflicts and which ids the mapping does not name
/// (administrators). Writes nothing but its checkpoint.
///
/// # Errors
///
/// `invalid-input` naming the part for a tampered, truncated or missing part
/// or a newer format version; `not-found` for an unknown archive;
/// `forbidden` for anyone but a Jira administrator.
pub async fn restore_plan(ctx: &Ctx, input: RestoreInput) -> Result<RestoreOutput, Error> {
    restore(ctx, input, false).await
}

/// `backup.restore.run`: verifies every part first, then replaces the app's
/// data with the archive's, mapping ids, one checkpointed slice at a time
/// (resumable), and records the restore in the audit log (administrators).
///
/// # Errors
///
/// As [`restore_plan`]; nothing is replaced when a part is refused.
pub async fn restore_run(ctx: &Ctx, input: RestoreInput) -> Result<RestoreOutput, Error> {
    restore(ctx, input, true).await
}

#[cfg(test)]
mod tests;
