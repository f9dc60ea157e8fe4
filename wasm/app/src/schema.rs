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
    // Archives of the app's data (`docs/backup.md`), kept in the app's own
    // storage: one row per part, `seq` 0 the manifest (written last, so an
    // archive without it is incomplete), `kind` how it was made (`manual`,
    // `scheduled`, `uploaded`). Parts are at most 900,000 bytes, so each
    // insert fits Forge SQL's 1 MiB request.
    Migration {
        name: "0026-backup-parts",
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
