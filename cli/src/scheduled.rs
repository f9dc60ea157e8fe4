//! Forge's scheduled triggers (`manifest.yml`) as `worklogs serve` runs them
//! with the host's job loop ([`worklogs_host::jobs`]): the worklog index's
//! first import when the server starts, then its incremental sync every
//! `--sync-every` seconds followed by the finance mirror of worklog properties, the personal data report daily, the sweep of
//! forgotten timers every five minutes (hourly on Forge), and the audit log's
//! pruning daily, the app-data backup and its retention's pruning daily.
//!
//! With backup destinations (`worklogs serve --backup-dir`, `--backup-s3-*`),
//! the daily backup is [`spawn_backups`]: the component's scheduled archive,
//! copied to every destination, each destination then pruned by the core's
//! retention rule, and the app's own storage by `backup.prune`.

use std::sync::Arc;
use std::time::Duration;

use indicatif::ProgressBar;
use worklogs_host::jobs::Job;
use worklogs_host::sync::run_slices;
use worklogs_host::App;

use crate::backup_command::{copy_archive, prune_all, site_retention};
use crate::destinations::Destination;

/// The index's first import (`sync.full`, which returns at once when it is
/// done already).
pub const FIRST_IMPORT: &str = "sync.full";

/// The incremental sync of the index (hourly on Forge).
const INCREMENTAL_SYNC: &str = "sync.incremental";

/// The finance mirror of worklog properties, after the sync at its interval
/// (on Forge, the hourly `sync-schedule` runs it after the sync).
const FINANCE_MIRROR: &str = "finance.mirror";

/// The personal data report (Atlassian asks for one at least every 15 days).
const PERSONAL_DATA: &str = "privacy.report";

/// How often the personal data report runs (Forge's schedule: daily).
const PERSONAL_DATA_EVERY: Duration = Duration::from_secs(24 * 60 * 60);

/// The sweep of forgotten timers (hourly on Forge): stops timers left
/// running past the site's limit or local midnight, never logging them.
const FORGOTTEN_TIMERS: &str = "timer.sweep";

/// How often the local host sweeps forgotten timers.
const FORGOTTEN_TIMERS_EVERY: Duration = Duration::from_secs(5 * 60);

/// The audit log's pruning past its retention (daily, as on Forge).
const AUDIT_RETENTION: &str = "audit.prune";

/// How often the audit log is pruned.
const AUDIT_RETENTION_EVERY: Duration = Duration::from_secs(24 * 60 * 60);

/// The worklog journal's pruning past its retention (daily, with the audit
/// log's, as Forge's `audit-schedule`).
const JOURNAL_RETENTION: &str = "journal.prune";

/// The daily backup of the app's data into its own storage, then the
/// retention's pruning (daily, as Forge's `backup-schedule`).
const BACKUP: &str = "backup.create";
const BACKUP_RETENTION: &str = "backup.prune";
pub const BACKUP_EVERY: Duration = Duration::from_secs(24 * 60 * 60);

/// The jobs `worklogs serve` runs: with `sync_every`, the first import then
/// the incremental sync at that interval (none: no sync at all); the personal
/// data report daily; the sweep of forgotten timers every five minutes; the
/// retentions' pruning daily; and, at `backup_every`, the backup into the
/// app's own storage (without: [`spawn_backups`] runs it).
pub fn jobs(sync_every: Option<Duration>, backup_every: Option<Duration>) -> Vec<Job> {
    let sync = sync_every.map(|every| Job {
        first: Some(FIRST_IMPORT.to_owned()),
        operation: INCREMENTAL_SYNC.to_owned(),
        every,
    });
    let finance_mirror = sync_every.map(|every| Job {
        first: None,
        operation: FINANCE_MIRROR.to_owned(),
        every,
    });
    let personal_data = Job {
        first: None,
        operation: PERSONAL_DATA.to_owned(),
        every: PERSONAL_DATA_EVERY,
    };
    let forgotten_timers = Job {
        first: None,
        operation: FORGOTTEN_TIMERS.to_owned(),
        every: FORGOTTEN_TIMERS_EVERY,
    };
    let audit_retention = Job {
        first: None,
        operation: AUDIT_RETENTION.to_owned(),
        every: AUDIT_RETENTION_EVERY,
    };
    let journal_retention = Job {
        first: None,
        operation: JOURNAL_RETENTION.to_owned(),
        every: AUDIT_RETENTION_EVERY,
    };
    let backups = backup_every.map(|every| {
        [
            Job {
                first: None,
                operation: BACKUP.to_owned(),
                every,
            },
            Job {
                first: None,
                operation: BACKUP_RETENTION.to_owned(),
                every,
            },
        ]
    });
    sync.into_iter()
        .chain(finance_mirror)
        .chain([
            personal_data,
            forgotten_timers,
            audit_retention,
            journal_retention,
        ])
        .chain(backups.into_iter().flatten())
        .collect()
}

/// Runs the backup with `destinations` every `every` (daily by default)
/// until the process ends, the first one `every` after the start, as the
/// other daily jobs.
pub fn spawn_backups(app: Arc<App>, destinations: Vec<Destination>, every: Duration) {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        ticks.tick().await; // the first tick is now
        loop {
            ticks.tick().await;
            backup_to(&app, &destinations).await;
        }
    });
}

/// One daily backup: `backup.create` as a job (a scheduled archive; none when
/// the schedule is off), copied to every destination; every destination
/// pruned by its retention; the app's storage by `backup.prune`. Each
/// failure is logged, naming the destination, and the rest goes on.
pub async fn backup_to(app: &App, destinations: &[Destination]) {
    let host = app.host();
    let made = run_slices(host, BACKUP, "{}", 100_000, |_| {}).await;
    let archive = match made {
        Ok(slices) => slices
            .last()
            .and_then(|s| s.result["archive"].as_str().map(str::to_owned)),
        Err(err) => {
            eprintln!("{BACKUP} failed ({}): {}", err.code.name(), err.message);
            None
        }
    };
    if let Some(archive) = archive {
        match copy_archive(host, &archive, destinations, &ProgressBar::hidden()).await {
            Ok(copied) => {
                for (dest, outcome) in &copied.outcomes {
                    match outcome {
                        Ok(place) => eprintln!("backup {archive}: written to {place}"),
                        Err(e) => eprintln!("backup {archive}: NOT written to {}: {e}", dest.name),
                    }
                }
            }
            Err(err) => eprintln!(
                "backup {archive}: cannot be read ({}): {}",
                err.code.name(),
                err.message
            ),
        }
    }
    match site_retention(host).await {
        Ok(site) => {
            for (dest, outcome) in prune_all(destinations, site).await {
                match outcome {
                    Ok(p) if !p.deleted.is_empty() => {
                        eprintln!(
                            "{}: the retention deleted {}",
                            dest.name,
                            p.deleted.join(", ")
                        );
                    }
                    Ok(_) => {}
                    Err(e) => eprintln!("{}: the retention failed: {e}", dest.name),
                }
            }
        }
        Err(err) => eprintln!("backup.list failed ({}): {}", err.code.name(), err.message),
    }
    if let Err(err) = worklogs_host::jobs::run(app, BACKUP_RETENTION).await {
        eprintln!(
            "{BACKUP_RETENTION} failed ({}): {}",
            err.code.name(),
            err.message
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sync_runs_only_with_an_interval() {
        let every = Duration::from_secs(60);
        let jobs = jobs(Some(every), Some(BACKUP_EVERY));
        assert_eq!(jobs.len(), 8);
        assert_eq!(jobs[0].first.as_deref(), Some("sync.full"));
        assert_eq!(jobs[0].operation, "sync.incremental");
        assert_eq!(jobs[0].every, every);
        assert_eq!(jobs[1].operation, "finance.mirror");
        assert_eq!((jobs[1].first.as_deref(), jobs[1].every), (None, every));
        assert_eq!(jobs[2].operation, "privacy.report");
        assert_eq!(jobs[2].first, None);
        assert_eq!(jobs[3].operation, "timer.sweep");
        assert_eq!(jobs[3].every, Duration::from_secs(300));
        assert_eq!(jobs[4].operation, "audit.prune");
        assert_eq!(jobs[4].every, Duration::from_secs(86_400));
        assert_eq!(jobs[5].operation, "journal.prune");
        assert_eq!(jobs[6].operation, "backup.create");
        assert_eq!(jobs[7].operation, "backup.prune");
        let without = super::jobs(None, Some(BACKUP_EVERY));
        assert_eq!(without, jobs[2..]);
        // With destinations, the backup runs apart (spawn_backups).
        let apart = super::jobs(Some(every), None);
        assert_eq!(apart, jobs[..6]);
    }
}
