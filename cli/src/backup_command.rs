//! `worklogs backup` and `worklogs restore`: the app's data to and from the
//! local host's destinations ([`crate::destinations`]).
//!
//! Every decision is the component's (`docs/backup.md`): `backup.create`
//! makes the archive in the app's storage, `backup.download` hands it out a
//! part at a time, `backup.upload` takes one back, `backup.restore.plan`
//! verifies it (checksums, lengths, format version) and says what a restore
//! replaces, `backup.restore.run` restores it with the mapping. This module
//! only moves parts between the component and the destinations, shows
//! progress and prints.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::{json, Value};
use worklogs_core::retention::Retention;
use worklogs_host::protocol::EntryPoint;
use worklogs_host::sync::{parse, Slice};
use worklogs_host::{Host, TaskError};

use crate::destinations::{self, Destination, DestinationFlags, Pruned, MANIFEST};

/// The most slices one command runs.
const MAX_SLICES: usize = 100_000;

/// The flags of `worklogs backup`.
#[derive(Args, Debug, Clone)]
pub struct BackupFlags {
    #[command(flatten)]
    pub to: DestinationFlags,
    /// `manual`, kept until deleted, or `scheduled`, pruned by the retention
    /// (for a backup run by cron with --prune; none is made when the site's
    /// schedule is off).
    #[arg(long, value_parser = ["manual", "scheduled"], default_value = "manual")]
    pub kind: String,
    /// Then apply the retention to each destination and to the app's own
    /// storage: scheduled archives it does not keep are deleted.
    #[arg(long)]
    pub prune: bool,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
}

/// The flags of `worklogs restore`.
#[derive(Args, Debug, Clone)]
pub struct RestoreFlags {
    /// The archive: its folder (with manifest.json), a zip file of its parts
    /// (as the admin page downloads it), s3://BUCKET/PREFIX/ARCHIVE (the
    /// endpoint from --backup-s3-url), or an archive id found in the
    /// configured destinations.
    pub archive: String,
    #[command(flatten)]
    pub from: DestinationFlags,
    /// A JSON file mapping the archive's ids to this site's:
    /// {"accounts": {"old": "new"}, "projects": {"oldIdOrKey": "new"}}.
    #[arg(long, value_name = "FILE")]
    pub mapping: Option<PathBuf>,
    /// Restore: replace the app's data. Without it, a dry run that changes
    /// nothing.
    #[arg(long)]
    pub yes: bool,
    /// Print the plan (or the restore's report) as JSON.
    #[arg(long)]
    pub json: bool,
}

/// An operation's error, as the command prints it.
fn error_json(err: &TaskError) -> Value {
    json!({ "error": { "code": err.code.name(), "message": err.message } })
}

/// Runs `operation` once as the local operator.
async fn call(host: &Host, operation: &str, input: &Value) -> Result<Value, TaskError> {
    let ctx = host.context(EntryPoint::Operator, None);
    let text = host.run(&ctx, operation, &input.to_string()).await?;
    serde_json::from_str(&text)
        .map_err(|e| TaskError::internal(format!("{operation} answered no JSON: {e}")))
}

/// Runs a sliced `operation` to its end as the local operator (or as a job),
/// showing its progress; the last slice's result.
async fn slices(
    host: &Host,
    entry_point: EntryPoint,
    operation: &str,
    input: &Value,
    bar: &ProgressBar,
) -> Result<Value, TaskError> {
    for _ in 0..MAX_SLICES {
        let ctx = host.context(entry_point, None);
        let started = std::time::Instant::now();
        let text = host.run(&ctx, operation, &input.to_string()).await?;
        let slice: Slice = parse(&text, started.elapsed())?;
        if let Some(p) = &slice.progress {
            bar.set_length(p.total.max(p.done));
            bar.set_position(p.done);
            bar.set_message(p.label.clone());
        }
        if !slice.more {
            return Ok(slice.result);
        }
    }
    Err(TaskError::limit(format!(
        "{operation} still had more to do after {MAX_SLICES} slices; run it again to continue"
    )))
}

fn bar(hidden: bool) -> ProgressBar {
    if hidden {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

/// What copying an archive to the destinations did.
#[derive(Debug)]
pub struct Copied {
    /// The archive.
    pub archive: String,
    /// The SHA-256 of its manifest, which holds every part's: the archive's
    /// checksum.
    pub sha256: String,
    /// Its parts (the manifest not counted) and their rows and bytes.
    pub parts: u64,
    pub rows: u64,
    pub bytes: u64,
    /// Per destination: where it went, or why not.
    pub outcomes: Vec<(Destination, Result<String, String>)>,
}

/// Copies `archive` from the app's storage to every destination, a part at a
/// time, the manifest last. A destination that fails is left (its error
/// kept) and the others go on.
///
/// # Errors
///
/// The component's error when a part cannot be read from the app's storage.
pub async fn copy_archive(
    host: &Host,
    archive: &str,
    destinations: &[Destination],
    bar: &ProgressBar,
) -> Result<Copied, TaskError> {
    let first = call(host, "backup.download", &json!({ "archive": archive })).await?;
    let manifest = first["content"].as_str().unwrap_or_default().to_owned();
    let sha256 = first["sha256"].as_str().unwrap_or_default().to_owned();
    let listed: Value = serde_json::from_str(&manifest).unwrap_or(Value::Null);
    let parts = listed["parts"].as_array().map_or(0, Vec::len) as u64;
    let sum = |field: &str| -> u64 {
        listed["parts"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|p| p[field].as_u64())
            .sum()
    };
    bar.set_length(parts + 1);
    bar.set_position(0);
    bar.set_message(format!("copying {archive}"));
    let mut failed: Vec<Option<String>> = vec![None; destinations.len()];
    let mut next = first["next"].as_i64();
    while let Some(seq) = next {
        let piece = call(
            host,
            "backup.download",
            &json!({ "archive": archive, "seq": seq }),
        )
        .await?;
        let name = piece["name"].as_str().unwrap_or_default();
        let content = piece["content"].as_str().unwrap_or_default();
        for (dest, failure) in destinations.iter().zip(failed.iter_mut()) {
            if failure.is_none() {
                if let Err(e) = dest.put(archive, name, content.as_bytes()).await {
                    *failure = Some(e);
                }
            }
        }
        bar.inc(1);
        next = piece["next"].as_i64();
    }
    let mut outcomes = Vec::new();
    for (dest, failure) in destinations.iter().zip(failed) {
        let outcome = match failure {
            Some(e) => Err(e),
            None => dest
                .put(archive, MANIFEST, manifest.as_bytes())
                .await
                .map(|()| dest.place(archive)),
        };
        outcomes.push((dest.clone(), outcome));
    }
    bar.inc(1);
    Ok(Copied {
        archive: archive.to_owned(),
        sha256,
        parts,
        rows: sum("rows"),
        bytes: sum("bytes"),
        outcomes,
    })
}

/// The site's retention (`backup.settings.save`).
///
/// # Errors
///
/// The component's.
pub async fn site_retention(host: &Host) -> Result<Retention, TaskError> {
    let list = call(host, "backup.list", &json!({})).await?;
    serde_json::from_value(list["settings"]["retention"].clone())
        .map_err(|e| TaskError::internal(format!("backup.list answered no retention: {e}")))
}

/// Prunes every destination by its retention (the site's when it has none),
/// each on its own: one failing does not stop the others.
pub async fn prune_all(
    destinations: &[Destination],
    site: Retention,
) -> Vec<(Destination, Result<Pruned, String>)> {
    let mut out = Vec::new();
    for dest in destinations {
        out.push((dest.clone(), destinations::prune(dest, site).await));
    }
    out
}

/// `worklogs backup`: an archive of the app's data now, written to every
/// configured destination, then (with --prune) the retention applied. Exit
/// code 0 when every destination has it, 1 when one failed or the component
/// refused, 2 when no destination is configured.
pub async fn backup(host: &Host, flags: &BackupFlags) -> ExitCode {
    let destinations = match destinations::configured(&flags.to) {
        Ok(d) if d.is_empty() => {
            eprintln!(
                "worklogs: no destination: give --backup-dir DIR and/or --backup-s3-bucket BUCKET \
                 (or WORKLOGS_BACKUP_DIR, WORKLOGS_BACKUP_S3_BUCKET)"
            );
            return ExitCode::from(2);
        }
        Ok(d) => d,
        Err(e) => {
            eprintln!("worklogs: {e}");
            return ExitCode::from(2);
        }
    };
    let bar = bar(flags.json);
    let made = slices(
        host,
        EntryPoint::Operator,
        "backup.create",
        &json!({ "kind": flags.kind }),
        &bar,
    )
    .await;
    let made = match made {
        Ok(made) => made,
        Err(err) => {
            bar.finish_and_clear();
            eprintln!("{}", error_json(&err));
            return ExitCode::from(1);
        }
    };
    let Some(archive) = made["archive"].as_str() else {
        bar.finish_and_clear();
        println!(
            "no archive made: {}",
            made["progress"]["label"].as_str().unwrap_or("")
        );
        return ExitCode::SUCCESS;
    };
    let copied = match copy_archive(host, archive, &destinations, &bar).await {
        Ok(copied) => copied,
        Err(err) => {
            bar.finish_and_clear();
            eprintln!("{}", error_json(&err));
            return ExitCode::from(1);
        }
    };
    let mut pruned = Vec::new();
    let mut stored_pruned = None;
    if flags.prune {
        bar.set_message("applying the retention");
        match site_retention(host).await {
            Ok(site) => pruned = prune_all(&destinations, site).await,
            Err(err) => {
                bar.finish_and_clear();
                eprintln!("{}", error_json(&err));
                return ExitCode::from(1);
            }
        }
        stored_pruned = Some(
            slices(host, EntryPoint::Job, "backup.prune", &json!({}), &bar)
                .await
                .map_err(|err| err.message),
        );
    }
    bar.finish_and_clear();
    let failed = copied.outcomes.iter().any(|(_, o)| o.is_err())
        || pruned.iter().any(|(_, p)| p.is_err())
        || matches!(stored_pruned, Some(Err(_)));
    if flags.json {
        println!(
            "{}",
            backup_json(flags, &copied, &pruned, stored_pruned.as_ref())
        );
    } else {
        print_backup(flags, &copied, &pruned, stored_pruned.as_ref());
    }
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn backup_json(
    flags: &BackupFlags,
    copied: &Copied,
    pruned: &[(Destination, Result<Pruned, String>)],
    stored: Option<&Result<Value, String>>,
) -> String {
    let destinations: Vec<Value> = copied
        .outcomes
        .iter()
        .map(|(dest, outcome)| {
            let mut out = json!({ "destination": dest.name });
            match outcome {
                Ok(place) => out["place"] = json!(place),
                Err(e) => out["error"] = json!(e),
            }
            if let Some((_, p)) = pruned.iter().find(|(d, _)| d.name == dest.name) {
                out["prune"] = match p {
                    Ok(p) => json!({ "deleted": p.deleted, "kept": p.kept }),
                    Err(e) => json!({ "error": e }),
                };
            }
            out
        })
        .collect();
    let mut out = json!({
        "archive": copied.archive,
        "kind": flags.kind,
        "sha256": copied.sha256,
        "parts": copied.parts,
        "rows": copied.rows,
        "bytes": copied.bytes,
        "destinations": destinations,
    });
    if let Some(stored) = stored {
        out["storedPrune"] = match stored {
            Ok(v) => json!({ "deleted": v["pruned"], "kept": v["kept"] }),
            Err(e) => json!({ "error": e }),
        };
    }
    serde_json::to_string_pretty(&out).unwrap_or_default()
}

fn print_backup(
    flags: &BackupFlags,
    copied: &Copied,
    pruned: &[(Destination, Result<Pruned, String>)],
    stored: Option<&Result<Value, String>>,
) {
    println!(
        "archive {} ({}): {} rows in {} parts, {} bytes",
        copied.archive, flags.kind, copied.rows, copied.parts, copied.bytes
    );
    println!("SHA-256 of its manifest: {}", copied.sha256);
    for (dest, outcome) in &copied.outcomes {
        match outcome {
            Ok(place) => println!("written to {place}"),
            Err(e) => println!("NOT written to {}: {e}", dest.name),
        }
    }
    for (dest, outcome) in pruned {
        match outcome {
            Ok(p) if p.deleted.is_empty() => {
                println!(
                    "{}: kept {} scheduled archives, deleted none",
                    dest.name, p.kept
                );
            }
            Ok(p) => println!(
                "{}: kept {} scheduled archives, deleted {}",
                dest.name,
                p.kept,
                p.deleted.join(", ")
            ),
            Err(e) => println!("{}: the retention failed: {e}", dest.name),
        }
    }
    match stored {
        Some(Ok(v)) => println!(
            "the app's storage: kept {} scheduled archives, deleted {}",
            v["kept"],
            v["pruned"].as_array().map_or(0, Vec::len)
        ),
        Some(Err(e)) => println!("the app's storage: the retention failed: {e}"),
        None => {}
    }
}

/// Where an archive to restore is: a destination and the archive's id in it,
/// and the temporary directory a zip file was unpacked into.
async fn source(
    flags: &RestoreFlags,
) -> Result<(Destination, String, Option<tempfile::TempDir>), String> {
    let given = flags.archive.trim_end_matches('/');
    if let Some(rest) = given.strip_prefix("s3://") {
        let (bucket, path) = rest
            .split_once('/')
            .ok_or_else(|| format!("{given}: name the archive as s3://BUCKET/PREFIX/ARCHIVE"))?;
        let (prefix, archive) = path.rsplit_once('/').unwrap_or(("", path));
        let dest = destinations::s3(bucket, flags.from.backup_s3_url.as_deref(), prefix, None)?;
        return Ok((dest, archive.to_owned(), None));
    }
    let path = Path::new(given);
    if path.is_file() {
        let (dest, archive, unpacked) = unzipped(path)?;
        return Ok((dest, archive, Some(unpacked)));
    }
    if path.is_dir() {
        let archive = path
            .file_name()
            .and_then(|n| n.to_str())
            .ok_or_else(|| format!("{given}: not an archive's folder"))?;
        let parent = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let dest = destinations::directory(parent, None)?;
        return Ok((dest, archive.to_owned(), None));
    }
    let configured = destinations::configured(&flags.from)?;
    for dest in &configured {
        if dest.get(given, MANIFEST).await?.is_some() {
            return Ok((dest.clone(), given.to_owned(), None));
        }
    }
    let searched: Vec<&str> = configured.iter().map(|d| d.name.as_str()).collect();
    Err(format!(
        "{given}: no such folder, and no configured destination holds that archive (searched: {})",
        if searched.is_empty() {
            "none configured".to_owned()
        } else {
            searched.join(", ")
        }
    ))
}

/// The most bytes a zip file's entries may unpack to: an archive of the app's
/// data is JSON text, a few hundred MiB for the largest sites; a zip that
/// unpacks past this is refused rather than allowed to fill the disk.
const ZIP_MAX_BYTES: u64 = 16 << 30;

/// A zip file of an archive's parts (as the admin page downloads it, or the
/// archive's folder zipped), unpacked into a temporary directory: the
/// directory destination over it, the archive's id in it, and the directory,
/// which is deleted when dropped.
///
/// Written with the `zip` crate (its reader and `enclosed_name`, which refuses
/// an entry that would leave the folder); the parts are then checked by the
/// component like any others.
fn unzipped(file: &Path) -> Result<(Destination, String, tempfile::TempDir), String> {
    let shown = file.display();
    let opened = std::fs::File::open(file).map_err(|e| format!("{shown}: {e}"))?;
    let mut zip = zip::ZipArchive::new(std::io::BufReader::new(opened))
        .map_err(|e| format!("{shown}: not a zip file: {e}"))?;
    let temp = tempfile::tempdir().map_err(|e| format!("a temporary directory: {e}"))?;
    let root = temp.path().join("archive");
    let mut total = 0u64;
    for i in 0..zip.len() {
        let mut entry = zip
            .by_index(i)
            .map_err(|e| format!("{shown}: entry {i}: {e}"))?;
        if entry.is_dir() {
            continue;
        }
        let entry_name = entry
            .name()
            .map_or_else(|_| format!("#{i}"), |n| n.into_owned());
        let Some(name) = entry.enclosed_name() else {
            return Err(format!(
                "{shown}: entry \"{entry_name}\" would leave the archive's folder"
            ));
        };
        let target = root.join(name);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        let mut out =
            std::fs::File::create(&target).map_err(|e| format!("{}: {e}", target.display()))?;
        let left = ZIP_MAX_BYTES.saturating_sub(total);
        let copied = std::io::copy(&mut std::io::Read::take(&mut entry, left + 1), &mut out)
            .map_err(|e| format!("{shown}: entry \"{entry_name}\": {e}"))?;
        if copied > left {
            return Err(format!(
                "{shown}: unpacks to more than {} GiB; not an archive of the app's data",
                ZIP_MAX_BYTES >> 30
            ));
        }
        total += copied;
    }
    // The parts at the top (as the admin page writes them), or in one folder
    // (the archive's folder, zipped).
    if root.join(MANIFEST).is_file() {
        return Ok((
            destinations::directory(temp.path(), None)?,
            "archive".to_owned(),
            temp,
        ));
    }
    let folders: Vec<String> = std::fs::read_dir(&root)
        .map_err(|_| format!("{shown}: no {MANIFEST} in the zip"))?
        .filter_map(Result::ok)
        .filter(|e| e.path().join(MANIFEST).is_file())
        .filter_map(|e| e.file_name().to_str().map(str::to_owned))
        .collect();
    match folders.as_slice() {
        [one] => Ok((destinations::directory(&root, None)?, one.clone(), temp)),
        [] => Err(format!("{shown}: no {MANIFEST} in the zip")),
        _ => Err(format!(
            "{shown}: holds {} archives ({}); zip one",
            folders.len(),
            folders.join(", ")
        )),
    }
}

/// `worklogs restore`: reads an archive from a destination, hands it to the
/// component, which verifies it and says what restoring it would do (the dry
/// run), and with --yes restores it. Exit code 0 when done, 1 when the
/// archive is refused (the part named) or cannot be read, 2 for a wrong
/// command line.
pub async fn restore(host: &Host, flags: &RestoreFlags) -> ExitCode {
    let mapping = match &flags.mapping {
        None => json!({}),
        Some(file) => match std::fs::read_to_string(file)
            .map_err(|e| e.to_string())
            .and_then(|t| serde_json::from_str::<Value>(&t).map_err(|e| e.to_string()))
        {
            Ok(m) => m,
            Err(e) => {
                eprintln!("worklogs: --mapping {}: {e}", file.display());
                return ExitCode::from(2);
            }
        },
    };
    let (dest, archive, _unpacked) = match source(flags).await {
        Ok(found) => found,
        Err(e) => {
            eprintln!("worklogs: {e}");
            return ExitCode::from(1);
        }
    };
    let bar = bar(flags.json);
    let outcome = restore_from(host, &dest, &archive, mapping, flags.yes, &bar).await;
    bar.finish_and_clear();
    match outcome {
        Ok(result) => {
            if flags.json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&result).unwrap_or_default()
                );
            } else {
                print_plan(&dest.place(&archive), &result, flags.yes);
            }
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("worklogs: {} refused: {message}", dest.place(&archive));
            ExitCode::from(1)
        }
    }
}

/// Uploads the archive, plans (or runs) the restore, then deletes the upload.
async fn restore_from(
    host: &Host,
    dest: &Destination,
    archive: &str,
    mapping: Value,
    run: bool,
    bar: &ProgressBar,
) -> Result<Value, String> {
    let Some(manifest) = dest.get(archive, MANIFEST).await? else {
        return Err(format!("part \"{MANIFEST}\" is missing"));
    };
    let manifest = String::from_utf8(manifest)
        .map_err(|_| format!("part \"{MANIFEST}\" is not UTF-8 text: altered"))?;
    let uploaded = call(
        host,
        "backup.upload",
        &json!({ "name": MANIFEST, "content": manifest }),
    )
    .await
    .map_err(|e| e.message)?;
    let uploaded = uploaded["archive"].as_str().unwrap_or_default().to_owned();
    let outcome = plan_or_run(host, dest, archive, &uploaded, &manifest, mapping, run, bar).await;
    // The upload was a means: the restore's record is in the audit log.
    let _ = call(host, "backup.delete", &json!({ "archive": uploaded })).await;
    outcome
}

#[allow(clippy::too_many_arguments)]
async fn plan_or_run(
    host: &Host,
    dest: &Destination,
    archive: &str,
    uploaded: &str,
    manifest: &str,
    mapping: Value,
    run: bool,
    bar: &ProgressBar,
) -> Result<Value, String> {
    let listed: Value = serde_json::from_str(manifest).unwrap_or(Value::Null);
    let names: Vec<&str> = listed["parts"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| p["name"].as_str())
        .collect();
    bar.set_length(names.len() as u64);
    bar.set_message(format!("reading {}", dest.place(archive)));
    for name in names {
        // A part missing here is left out: the component names it.
        if let Some(bytes) = dest.get(archive, name).await? {
            let content = String::from_utf8(bytes)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
            call(
                host,
                "backup.upload",
                &json!({ "archive": uploaded, "name": name, "content": content }),
            )
            .await
            .map_err(|e| e.message)?;
        }
        bar.inc(1);
    }
    let operation = if run {
        "backup.restore.run"
    } else {
        "backup.restore.plan"
    };
    slices(
        host,
        EntryPoint::Operator,
        operation,
        &json!({ "archive": uploaded, "mapping": mapping }),
        bar,
    )
    .await
    .map_err(|e| e.message)
}

fn print_plan(place: &str, result: &Value, ran: bool) {
    let plan = &result["plan"];
    let made = chrono::DateTime::from_timestamp_millis(plan["createdAtMs"].as_i64().unwrap_or(0))
        .map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string())
        .unwrap_or_default();
    println!(
        "{place}: made on site {} at {made}, format version {}; every part matches its SHA-256",
        plan["installation"], plan["version"]
    );
    println!(
        "{:<22} {:>12} {:>14}",
        "table",
        "archive rows",
        if ran { "rows now" } else { "rows replaced" }
    );
    for t in plan["tables"].as_array().into_iter().flatten() {
        println!(
            "{:<22} {:>12} {:>14}",
            t["table"].as_str().unwrap_or_default(),
            t["archiveRows"],
            t["currentRows"]
        );
    }
    let conflicts = plan["conflicts"].as_array().cloned().unwrap_or_default();
    if !conflicts.is_empty() {
        println!("conflicts:");
        for c in conflicts {
            println!("  - {}", c.as_str().unwrap_or_default());
        }
    }
    println!(
        "ids the mapping rewrote{}: {}",
        if ran { "" } else { " (will)" },
        plan["mapped"]
    );
    for (what, key) in [("account ids", "accounts"), ("projects", "projects")] {
        let ids: Vec<&str> = plan["unmapped"][key]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        if !ids.is_empty() {
            println!("unmapped {what} (kept as they are): {}", ids.join(", "));
        }
    }
    if ran {
        println!("restored.");
    } else {
        println!("dry run: nothing was changed; run again with --yes to restore.");
    }
}
