//! The app's SQL schema, as ordered migrations in the portable subset that runs on
//! SQLite and on Forge SQL (TiDB, MySQL dialect): no foreign keys, no
//! `ON CONFLICT` / `ON DUPLICATE KEY`, `VARCHAR` lengths on key columns, instants
//! as `BIGINT` epoch milliseconds.
//!
//! A host applies each migration it has not applied before for an installation,
//! in order, and records its name. Migrations are never edited or reordered once
//! released: a change is a new migration at the end.

use crate::protocol::Migration;

/// Every migration, oldest first.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        name: "0001-settings",
        statement: "CREATE TABLE IF NOT EXISTS settings (\
        installation VARCHAR(255) NOT NULL, \
        name VARCHAR(64) NOT NULL, \
        value TEXT NOT NULL, \
        updated_ms BIGINT NOT NULL, \
        PRIMARY KEY (installation, name))",
    },
    // The worklog index (`docs/index.md`). Each installation gets a small site
    // number, which leads every key of the index tables.
    Migration {
        name: "0002-sites",
        statement: "CREATE TABLE IF NOT EXISTS sites (\
        installation VARCHAR(255) NOT NULL, \
        site INT NOT NULL, \
        PRIMARY KEY (installation))",
    },
    Migration {
        name: "0003-sites-site",
        statement: "CREATE UNIQUE INDEX sites_site ON sites (site)",
    },
    // Texts stored once, referred to by a 53-bit hash of their kind and text.
    Migration {
        name: "0004-dict",
        statement: "CREATE TABLE IF NOT EXISTS dict (\
        site INT NOT NULL, \
        id BIGINT NOT NULL, \
        kind SMALLINT NOT NULL, \
        value TEXT NOT NULL, \
        PRIMARY KEY (site, id))",
    },
    // One row per worklog. `author`, `visibility` and `attrs` are dictionary
    // ids (0: none); `project` is the issue's, kept here for the report index
    // by project; `note` a 31-bit hash of the comment (0: none).
    Migration {
        name: "0005-worklogs",
        statement: "CREATE TABLE IF NOT EXISTS worklogs (\
        site INT NOT NULL, \
        id BIGINT NOT NULL, \
        issue BIGINT NOT NULL, \
        project BIGINT NOT NULL, \
        author BIGINT NOT NULL, \
        started BIGINT NOT NULL, \
        seconds INT NOT NULL, \
        updated BIGINT NOT NULL, \
        visibility BIGINT NOT NULL, \
        attrs BIGINT NOT NULL, \
        note INT NOT NULL, \
        PRIMARY KEY (site, id))",
    },
    Migration {
        name: "0006-worklogs-started",
        statement: "CREATE INDEX worklogs_started ON worklogs (site, started)",
    },
    Migration {
        name: "0007-worklogs-author",
        statement: "CREATE INDEX worklogs_author ON worklogs (site, author, started)",
    },
    Migration {
        name: "0008-worklogs-project",
        statement: "CREATE INDEX worklogs_project ON worklogs (site, project, started)",
    },
    Migration {
        name: "0009-worklogs-issue",
        statement: "CREATE INDEX worklogs_issue ON worklogs (site, issue, started)",
    },
    // One row per issue that has worklogs, and per parent of one. The type,
    // status and lists are dictionary ids (0: none); `parent` an issue id.
    Migration {
        name: "0010-issues",
        statement: "CREATE TABLE IF NOT EXISTS issues (\
        site INT NOT NULL, \
        id BIGINT NOT NULL, \
        issue_key VARCHAR(255) NOT NULL, \
        summary VARCHAR(255) NOT NULL, \
        project BIGINT NOT NULL, \
        parent BIGINT NOT NULL, \
        issue_type BIGINT NOT NULL, \
        status BIGINT NOT NULL, \
        components BIGINT NOT NULL, \
        labels BIGINT NOT NULL, \
        versions BIGINT NOT NULL, \
        fields BIGINT NOT NULL, \
        updated BIGINT NOT NULL, \
        PRIMARY KEY (site, id))",
    },
    Migration {
        name: "0011-issues-key",
        statement: "CREATE INDEX issues_key ON issues (site, issue_key)",
    },
    // Reports and exports (`docs/reports.md`). The incremental export reads
    // changed worklogs by update time.
    Migration {
        name: "0012-worklogs-updated",
        statement: "CREATE INDEX worklogs_updated ON worklogs (site, updated)",
    },
    // Tombstones of deleted worklogs, for the incremental export: `deleted` is
    // when the index learned of the deletion; project, author and visibility
    // (dictionary ids) let the export show a deletion only to who saw the row.
    Migration {
        name: "0013-worklog-deletions",
        statement: "CREATE TABLE IF NOT EXISTS worklog_deletions (\
        site INT NOT NULL, \
        id BIGINT NOT NULL, \
        deleted BIGINT NOT NULL, \
        project BIGINT NOT NULL, \
        author BIGINT NOT NULL, \
        visibility BIGINT NOT NULL, \
        PRIMARY KEY (site, id))",
    },
    Migration {
        name: "0014-worklog-deletions-deleted",
        statement: "CREATE INDEX worklog_deletions_deleted ON worklog_deletions (site, deleted)",
    },
    // Saved reports: `query` is the report query's JSON, `shared` a JSON array
    // of Jira group names.
    Migration {
        name: "0015-saved-reports",
        statement: "CREATE TABLE IF NOT EXISTS saved_reports (\
        installation VARCHAR(255) NOT NULL, \
        id VARCHAR(32) NOT NULL, \
        owner VARCHAR(128) NOT NULL, \
        name VARCHAR(255) NOT NULL, \
        query TEXT NOT NULL, \
        shared TEXT NOT NULL, \
        updated BIGINT NOT NULL, \
        PRIMARY KEY (installation, id))",
    },
    Migration {
        name: "0016-saved-reports-owner",
        statement: "CREATE INDEX saved_reports_owner ON saved_reports (installation, owner)",
    },
    // Accounts `privacy.report` erased, as a salted SHA-256 of the account id
    // (never the id itself), with the neutral label that stands for them: every
    // write to the index checks it, so a later sync never writes the id back.
    Migration {
        name: "0017-erased-accounts",
        statement: "CREATE TABLE IF NOT EXISTS erased_accounts (\
        site BIGINT NOT NULL, \
        hash VARCHAR(64) NOT NULL, \
        label VARCHAR(64) NOT NULL, \
        PRIMARY KEY (site, hash))",
    },
    // Issue-level permissions (`docs/security.md`): an issue's security level
    // id, 0 for none; -1 for "not known yet" (rows indexed before this column),
    // which reports treat like a level: checked with Jira as the viewer.
    Migration {
        name: "0018-issues-security",
        statement: "ALTER TABLE issues ADD COLUMN security BIGINT NOT NULL DEFAULT -1",
    },
    // Projects whose *Browse projects* goes only to project-wide holders
    // (groups, roles, everyone…), as of the last sync: only there does browsing
    // the project mean seeing every issue. Any other project's issues are
    // checked with Jira as the viewer; a project missing here is one of those.
    Migration {
        name: "0019-open-projects",
        statement: "CREATE TABLE IF NOT EXISTS open_projects (\
        site INT NOT NULL, \
        project BIGINT NOT NULL, \
        checked BIGINT NOT NULL, \
        PRIMARY KEY (site, project))",
    },
    // Timers (`docs/domain.md`, "Timers"): one row per timer of a person,
    // read and written only with the owner's account id in the key. Instants
    // are epoch milliseconds; `accumulated_ms` the closed running segments;
    // `running_since` the current segment's start (running only); `stop_at`
    // and `stop_reason` when and why the forgotten rule stops a running timer
    // (or stopped a forgotten one); `zone` the person's zone when the segment
    // began; `attributes` a JSON object. The primary key starts with the scope
    // and the account, as `privacy.report` needs (`index::privacy::SOURCES`).
    Migration {
        name: "0020-timers",
        statement: "CREATE TABLE IF NOT EXISTS timers (\
        installation VARCHAR(255) NOT NULL, \
        account VARCHAR(128) NOT NULL, \
        id VARCHAR(32) NOT NULL, \
        issue_id BIGINT NOT NULL, \
        issue_key VARCHAR(255) NOT NULL, \
        state VARCHAR(16) NOT NULL, \
        first_start BIGINT NOT NULL, \
        accumulated_ms BIGINT NOT NULL, \
        running_since BIGINT NULL, \
        stop_at BIGINT NULL, \
        stop_reason VARCHAR(16) NULL, \
        zone VARCHAR(64) NOT NULL, \
        comment MEDIUMTEXT NOT NULL, \
        attributes MEDIUMTEXT NOT NULL, \
        updated BIGINT NOT NULL, \
        PRIMARY KEY (installation, account, id))",
    },
    // The sweep's range: running timers by the instant they must stop.
    Migration {
        name: "0021-timers-due",
        statement: "CREATE INDEX timers_due ON timers (installation, state, stop_at)",
    },
    // The audit log (`docs/data-protection.md`): one row per change to app
    // data, hash-chained by `seq` (`hash` = SHA-256 of `prev_hash` and the
    // canonical record). The actor is a reference (`actor`, 0 for none) into
    // `audit_actors`, so that erasing an account id never touches a chained row.
    Migration {
        name: "0022-audit-log",
        statement: "CREATE TABLE IF NOT EXISTS audit_log (\
        installation VARCHAR(255) NOT NULL, \
        seq BIGINT NOT NULL, \
        at_ms BIGINT NOT NULL, \
        actor_kind VARCHAR(16) NOT NULL, \
        actor BIGINT NOT NULL, \
        action VARCHAR(32) NOT NULL, \
        subject VARCHAR(64) NOT NULL, \
        before_value MEDIUMTEXT NULL, \
        after_value MEDIUMTEXT NULL, \
        prev_hash VARCHAR(64) NOT NULL, \
        hash VARCHAR(64) NOT NULL, \
        PRIMARY KEY (installation, seq))",
    },
    // The audit log's filters by time.
    Migration {
        name: "0023-audit-log-at",
        statement: "CREATE INDEX audit_log_at ON audit_log (installation, at_ms)",
    },
    // Who an audit entry's actor reference is: the only place the audit log
    // keeps account ids (`index::privacy::SOURCES` erases them). `actor` is the
    // `seq` of the entry where the account first acted, so never reused.
    Migration {
        name: "0024-audit-actors",
        statement: "CREATE TABLE IF NOT EXISTS audit_actors (\
        installation VARCHAR(255) NOT NULL, \
        actor BIGINT NOT NULL, \
        account VARCHAR(128) NOT NULL, \
        updated BIGINT NOT NULL, \
        PRIMARY KEY (installation, actor))",
    },
    // Privacy walks and erases by account.
    Migration {
        name: "0025-audit-actors-account",
        statement: "CREATE INDEX audit_actors_account ON audit_actors (installation, account)",
    },
    // The worklog journal (`docs/data-protection.md`): every version of every
    // worklog the index stores, by `(site, worklog, seq)`, `seq` counting a
    // worklog's versions from 1. `author`, `visibility` and `attrs` are
    // dictionary ids as in `worklogs` (so a closed account's versions are
    // relabelled with the index's); `comment` the ADF as JSON text, NULL when
    // the administrator turned comments off or there is none; `deleted` 1 for
    // the version that records a deletion (the last state, again);
    // `seen_at` when the app stored it (the run's context); `source` 1 the
    // app's own write, 2 an event, 3 a sync, 4 a restore; `hash` the version's
    // content hash (0 for a deletion), compared with the newest before writing.
    Migration {
        name: "0026-worklog-journal",
        statement: "CREATE TABLE IF NOT EXISTS worklog_journal (\
        site INT NOT NULL, \
        worklog BIGINT NOT NULL, \
        seq INT NOT NULL, \
        issue BIGINT NOT NULL, \
        project BIGINT NOT NULL, \
        author BIGINT NOT NULL, \
        started BIGINT NOT NULL, \
        seconds INT NOT NULL, \
        updated BIGINT NOT NULL, \
        visibility BIGINT NOT NULL, \
        attrs BIGINT NOT NULL, \
        note INT NOT NULL, \
        comment MEDIUMTEXT NULL, \
        deleted SMALLINT NOT NULL, \
        seen_at BIGINT NOT NULL, \
        source SMALLINT NOT NULL, \
        hash BIGINT NOT NULL, \
        PRIMARY KEY (site, worklog, seq))",
    },
    // What was seen in a time window (restore's dry run, retention pruning).
    Migration {
        name: "0027-worklog-journal-seen",
        statement: "CREATE INDEX worklog_journal_seen ON worklog_journal (site, seen_at)",
    },
    // A window's versions of one project, of one person (restore's filters;
    // erasure walks a closed account's versions by author).
    Migration {
        name: "0028-worklog-journal-project",
        statement:
            "CREATE INDEX worklog_journal_project ON worklog_journal (site, project, seen_at)",
    },
    Migration {
        name: "0029-worklog-journal-author",
        statement: "CREATE INDEX worklog_journal_author ON worklog_journal (site, author, seen_at)",
    },
    // Timesheet approvals (`docs/approvals.md`). A person's period: its local
    // dates (`start_date`, `end_date` inclusive, yyyy-MM-dd), the zone and the
    // instants `[start_ms, end_ms)` they were fixed in, its state and the last
    // decision. `account_key` is the account's dictionary id (as
    // `worklogs.author`), so a worklog of the index finds its period.
    Migration {
        name: "0030-approval-periods",
        statement: "CREATE TABLE IF NOT EXISTS approval_periods (\
        installation VARCHAR(255) NOT NULL, \
        account VARCHAR(128) NOT NULL, \
        start_date VARCHAR(10) NOT NULL, \
        end_date VARCHAR(10) NOT NULL, \
        account_key BIGINT NOT NULL, \
        zone VARCHAR(64) NOT NULL, \
        start_ms BIGINT NOT NULL, \
        end_ms BIGINT NOT NULL, \
        state VARCHAR(16) NOT NULL, \
        decision VARCHAR(16) NULL, \
        decided_by VARCHAR(128) NULL, \
        decided_ms BIGINT NULL, \
        reason MEDIUMTEXT NULL, \
        updated BIGINT NOT NULL, \
        PRIMARY KEY (installation, account, start_date))",
    },
    // The lock: a person's locked period holding an instant.
    Migration {
        name: "0031-approval-periods-key",
        statement: "CREATE INDEX approval_periods_key ON approval_periods (installation, account_key, start_ms)",
    },
    // Submitted periods awaiting review; whether anything is locked at all.
    Migration {
        name: "0032-approval-periods-state",
        statement: "CREATE INDEX approval_periods_state ON approval_periods (installation, state, start_date)",
    },
    // A period's history: transitions, flags, restores and accepted changes,
    // with who (`actor`, none for the app), when and why; `replaced` the
    // worklog values a restore or an acceptance replaced (JSON).
    Migration {
        name: "0033-approval-history",
        statement: "CREATE TABLE IF NOT EXISTS approval_history (\
        installation VARCHAR(255) NOT NULL, \
        account VARCHAR(128) NOT NULL, \
        start_date VARCHAR(10) NOT NULL, \
        id VARCHAR(64) NOT NULL, \
        at_ms BIGINT NOT NULL, \
        action VARCHAR(16) NOT NULL, \
        actor VARCHAR(128) NULL, \
        reason MEDIUMTEXT NULL, \
        worklog BIGINT NULL, \
        replaced MEDIUMTEXT NULL, \
        updated BIGINT NOT NULL, \
        PRIMARY KEY (installation, account, start_date, id))",
    },
    // The locked version of a period's worklogs (taken at submission and again
    // at approval): Jira's JSON (`body`) and a fingerprint of what the index
    // compares.
    Migration {
        name: "0034-approval-snapshots",
        statement: "CREATE TABLE IF NOT EXISTS approval_snapshots (\
        installation VARCHAR(255) NOT NULL, \
        account VARCHAR(128) NOT NULL, \
        start_date VARCHAR(10) NOT NULL, \
        worklog BIGINT NOT NULL, \
        fingerprint VARCHAR(64) NOT NULL, \
        body MEDIUMTEXT NOT NULL, \
        updated BIGINT NOT NULL, \
        PRIMARY KEY (installation, account, start_date, worklog))",
    },
    // An event or a sync round finds the snapshot of a worklog by its id.
    Migration {
        name: "0035-approval-snapshots-worklog",
        statement: "CREATE INDEX approval_snapshots_worklog ON approval_snapshots (installation, worklog)",
    },
    // Outside edits to locked periods: the locked version (`before_body`),
    // Jira's (`after_body`), and how they were resolved.
    Migration {
        name: "0036-approval-drift",
        statement: "CREATE TABLE IF NOT EXISTS approval_drift (\
        installation VARCHAR(255) NOT NULL, \
        id VARCHAR(64) NOT NULL, \
        account VARCHAR(128) NOT NULL, \
        start_date VARCHAR(10) NOT NULL, \
        worklog BIGINT NOT NULL, \
        kind VARCHAR(16) NOT NULL, \
        state VARCHAR(16) NOT NULL, \
        detected_ms BIGINT NOT NULL, \
        before_body MEDIUMTEXT NULL, \
        after_body MEDIUMTEXT NULL, \
        resolved_by VARCHAR(128) NULL, \
        resolved_ms BIGINT NULL, \
        reason MEDIUMTEXT NULL, \
        updated BIGINT NOT NULL, \
        PRIMARY KEY (installation, id))",
    },
    Migration {
        name: "0037-approval-drift-account",
        statement: "CREATE INDEX approval_drift_account ON approval_drift (installation, account, start_date)",
    },
    // Archives of the app's data (`docs/backup.md`), kept in the app's own
    // storage: one row per part, `seq` 0 the manifest (written last, so an
    // archive without it is incomplete), `kind` how it was made (`manual`,
    // `scheduled`, `uploaded`). Parts are at most 900,000 bytes, so each
    // insert fits Forge SQL's 1 MiB request.
    Migration {
        name: "0038-backup-parts",
        statement: "CREATE TABLE IF NOT EXISTS backup_parts (\
        installation VARCHAR(255) NOT NULL, \
        archive VARCHAR(64) NOT NULL, \
        seq INT NOT NULL, \
        name VARCHAR(128) NOT NULL, \
        kind VARCHAR(16) NOT NULL, \
        created BIGINT NOT NULL, \
        row_count BIGINT NOT NULL, \
        bytes BIGINT NOT NULL, \
        sha256 VARCHAR(64) NOT NULL, \
        content MEDIUMTEXT NOT NULL, \
        PRIMARY KEY (installation, archive, seq))",
    },
    // What the app last wrote to each worklog's property `worklogs.finance`
    // (`docs/power-bi.md`): whether billable (0 or 1), the approval state and
    // whether the attributes fit the definitions (0 or 1).
    // The mirror pass (`finance.mirror`) compares it with what the values
    // must be and writes only the differences.
    Migration {
        name: "0039-finance-mirror",
        statement: "CREATE TABLE IF NOT EXISTS finance_mirror (\
        site INT NOT NULL, \
        worklog BIGINT NOT NULL, \
        billable SMALLINT NOT NULL, \
        state VARCHAR(16) NOT NULL, \
        valid SMALLINT NOT NULL, \
        updated BIGINT NOT NULL, \
        PRIMARY KEY (site, worklog))",
    },
    // The grouped reads of reports (`index::report::group_page`) and the
    // worklog pages read by start: every column they use, after the range's,
    // so the engine answers from this index alone instead of looking each
    // worklog up in the table (MariaDB chose a full scan over the lookups;
    // TiDB's index-only read skips its second round). It repeats
    // `worklogs_started`, which stays: no `DROP INDEX` is portable.
    Migration {
        name: "0040-worklogs-covering",
        statement: "CREATE INDEX worklogs_covering ON worklogs \
        (site, started, project, author, visibility, attrs, issue, seconds)",
    },
    // The audit log by subject: an entry a run may only write once (an
    // approval drift's flag, restore or acceptance) is looked up by it, and
    // the admin view filters by it.
    Migration {
        name: "0041-audit-log-subject",
        statement: "CREATE INDEX audit_log_subject ON audit_log (installation, subject, action)",
    },
    // The issues with a security level (or none known), which a person's
    // grouped reads name instead of joining `issues` for every worklog
    // (`index::report::secured_issues`): on most sites a few.
    Migration {
        name: "0042-issues-security",
        statement: "CREATE INDEX issues_security ON issues (site, security)",
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_ordered() {
        let names: Vec<&str> = MIGRATIONS.iter().map(|m| m.name).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(names, sorted);
    }

    #[test]
    fn statements_are_single_and_portable() {
        for m in MIGRATIONS {
            let upper = m.statement.to_uppercase();
            assert!(!m.statement.contains(';'), "{}", m.name);
            for banned in [
                "FOREIGN KEY",
                "REFERENCES",
                "ON CONFLICT",
                "ON DUPLICATE KEY",
                "AUTOINCREMENT",
                "INDEX IF NOT EXISTS",
                "WITHOUT ROWID",
            ] {
                assert!(!upper.contains(banned), "{}: {banned}", m.name);
            }
        }
    }

    #[test]
    fn migrations_apply_to_sqlite() {
        let db = rusqlite::Connection::open_in_memory().unwrap();
        for m in MIGRATIONS {
            db.execute(m.statement, []).unwrap();
        }
    }
}
