//! The Worklogs component: every operation of the app (log work, list worklogs,
//! read settings…) as an ordinary `async fn` over effects.
//!
//! This crate is sans-I/O: it has no clock, no randomness and no I/O of its own.
//! The current instant, the acting user and the site arrive in the [`Context`];
//! every SQL statement and Jira request is an effect handed to the host in a
//! `wait` step, and its outcome comes back as an answer to `resume`. So a run is
//! deterministic in its context, its input and its answers.
//!
//! - [`executor`]: [`Run`] drives an operation; [`Ctx`] gives it its context and
//!   the effect futures; independent effects go out in one batch.
//! - [`ops`]: the operations, and [`ops::dispatch`] from names to functions.
//! - [`input`]: two-stage input (deserialize raw, validate into typed values).
//! - [`jira`]: the one way to call Jira ([`jira::Call`]): encoded request
//!   paths, Jira's wire types, patient retries for jobs (backing off with
//!   `sleep` effects) and Jira's statuses as stable error codes.
//! - [`access`]: who may see whose time and which worklogs, and the Jira
//!   administrator check.
//! - [`adf`]: comments between plain text and the Atlassian Document Format.
//! - [`schema`] and [`store`]: the app's SQL tables and queries; [`index`]:
//!   the worklog index that reports read, kept in sync with Jira.
//! - [`protocol`]: the WIT contract's types as plain Rust; the bindings
//!   themselves are only compiled for wasm32.
//!
//! Nothing here panics on any input or answer: a trap would kill the Forge
//! instance, so every failure is an [`Error`] value. (Maps are `BTreeMap`s, not
//! `HashMap`s: std's hashers seed themselves from a random source, which would
//! make the component import `wasi:random`.)

#![warn(missing_docs)]
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing,
        clippy::unreachable,
        clippy::todo,
        clippy::unimplemented
    )
)]

pub mod access;
pub mod adf;
mod error;
pub mod executor;
pub mod hash;
pub mod index;
pub mod input;
pub mod jira;
pub mod ops;
pub mod protocol;
pub mod schema;
pub mod store;

#[cfg(target_arch = "wasm32")]
mod component;
#[cfg(test)]
mod testing;

pub use error::{Error, ErrorCode};
pub use executor::{Ctx, Run};
pub use protocol::{
    Answer, Context, Effect, EntryPoint, HttpResponse, JiraRequest, Method, Migration, Outcome,
    Principal, Request, SqlEngine, SqlRows, SqlStatement, Step, Value,
};

/// The schema, as ordered migrations (see [`schema`]).
///
/// ```
/// assert_eq!(worklogs_app::migrations()[0].name, "0001-settings");
/// ```
pub fn migrations() -> &'static [Migration] {
    schema::MIGRATIONS
}

/// The name of every operation this component can run.
///
/// ```
/// assert!(worklogs_app::operations().contains(&"worklog.log"));
/// ```
pub fn operations() -> Vec<&'static str> {
    ops::OPERATIONS.iter().map(|op| op.name).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{context, FakeHost};
    use proptest::prelude::*;
    use serde_json::json;

    #[test]
    fn unknown_operations_are_named_with_the_known_ones() {
        let mut host = FakeHost::new(Some("alice"));
        let e = host.run("worklog.destroy", json!({})).unwrap_err();
        assert!(e.is_invalid_input());
        assert_eq!(
            e.message(),
            "invalid input: unknown operation \"worklog.destroy\" (known: me, timetracking.settings, \
             timetracking.settings.save, worklog.list, worklog.log, worklog.update, worklog.delete, \
             sync.full, sync.incremental, sync.worklog-event, sync.verify, sync.status, sync.settings.save, \
             report.run, export.run, export.changes, export.feed, report.list, report.save, report.delete, \
             access.get, access.save, \
             timesheet.week, timesheet.shortfall, issue.search, people.search, project.search, group.search, attribute.list, attribute.save, schedule.get, schedule.save, \
             privacy.report, rate.list, rate.save, rounding.get, rounding.save, rounding.preview, \
             timer.list, timer.start, timer.pause, timer.resume, timer.update, timer.stop, timer.sweep, \
             audit.list, audit.export, audit.verify, audit.settings.save, audit.prune, \
             restore.plan, restore.run, restore.status, restore.cancel, \
             journal.settings.get, journal.settings.save, journal.list, journal.prune, \
             approval.settings.get, approval.settings.save, approval.rules.list, approval.rules.save, \
             approval.status, approval.team, approval.submit, approval.approve, approval.approveMany, \
             approval.reject, approval.reopen, approval.pending, approval.drift.list, approval.drift.resolve, \
             backup.create, backup.list, backup.download, backup.upload, backup.delete, \
             backup.restore.plan, backup.restore.run, backup.settings.save, backup.prune, finance.mirror)"
        );
    }

    #[test]
    fn every_operation_is_dispatched() {
        for operation in operations() {
            let mut host = FakeHost::new(None);
            let e = host
                .run(operation, json!({"surely": "unknown"}))
                .unwrap_err();
            assert!(e.is_invalid_input(), "{operation}: {e}");
            assert!(
                !e.message().contains("unknown operation"),
                "{operation}: {e}"
            );
        }
    }

    #[test]
    fn user_operations_need_an_acting_user() {
        let inputs = [
            ("me", json!({})),
            ("timetracking.settings", json!({})),
            (
                "timetracking.settings.save",
                json!({"hoursPerDay": 8, "daysPerWeek": 5, "timeFormat": "pretty", "defaultUnit": "minute"}),
            ),
            ("worklog.list", json!({"issue": "ALPHA-2"})),
            (
                "worklog.log",
                json!({"issue": "ALPHA-2", "started": "2026-11-24T09:30:00Z", "seconds": 60}),
            ),
            (
                "worklog.update",
                json!({"issue": "ALPHA-2", "id": "1", "seconds": 60}),
            ),
            ("worklog.delete", json!({"issue": "ALPHA-2", "id": "1"})),
            ("sync.settings.save", json!({"customFields": []})),
            ("report.list", json!({})),
            (
                "report.save",
                json!({"name": "x", "query": {"period": {"day": "2026-11-24"}}}),
            ),
            ("report.delete", json!({"id": "abc"})),
            ("access.save", json!({"grants": []})),
            ("timesheet.week", json!({"date": "2026-11-24"})),
            ("timesheet.shortfall", json!({})),
            ("issue.search", json!({"query": "login"})),
            ("people.search", json!({"query": "bob"})),
            ("project.search", json!({"query": "alpha"})),
            ("group.search", json!({"query": "team"})),
            ("attribute.list", json!({})),
            ("attribute.save", json!({"attributes": []})),
            ("schedule.get", json!({})),
            (
                "schedule.save",
                json!({"workingDays": ["mon"], "hoursPerDay": 8, "holidays": []}),
            ),
            ("rate.save", json!({"rates": []})),
            ("rounding.get", json!({})),
            ("rounding.save", json!({"rule": {"mode": "none"}})),
            (
                "rounding.preview",
                json!({"rule": {"mode": "none"}, "seconds": [60]}),
            ),
            ("timer.list", json!({})),
            ("timer.start", json!({"issue": "ALPHA-2"})),
            ("timer.pause", json!({"id": "abc"})),
            ("timer.resume", json!({"id": "abc"})),
            ("timer.update", json!({"id": "abc", "comment": "x"})),
            ("timer.stop", json!({"id": "abc", "action": "discard"})),
            ("audit.list", json!({})),
            ("audit.export", json!({})),
            ("audit.settings.save", json!({"retentionDays": null})),
            ("restore.plan", json!({"fromMs": 1, "toMs": 2})),
            ("restore.run", json!({"fromMs": 1, "toMs": 2})),
            ("restore.status", json!({})),
            ("restore.cancel", json!({})),
            ("journal.settings.get", json!({})),
            (
                "journal.settings.save",
                json!({"retentionDays": null, "comments": true}),
            ),
            ("journal.list", json!({})),
            ("approval.settings.get", json!({})),
            (
                "approval.settings.save",
                json!({"period": "weekly", "requireRequiredTime": false,
                       "allowSelfApproval": false, "onOutsideEdit": "flag"}),
            ),
            ("approval.rules.list", json!({})),
            ("approval.rules.save", json!({"rules": []})),
            ("approval.status", json!({})),
            ("approval.team", json!({"date": "2026-11-24"})),
            ("approval.submit", json!({"date": "2026-11-24"})),
            (
                "approval.approve",
                json!({"accountId": "a1", "periodStart": "2026-11-23"}),
            ),
            (
                "approval.approveMany",
                json!({"accountIds": ["a1"], "periodStart": "2026-11-23"}),
            ),
            (
                "approval.reject",
                json!({"accountId": "a1", "periodStart": "2026-11-23", "reason": "x"}),
            ),
            (
                "approval.reopen",
                json!({"accountId": "a1", "periodStart": "2026-11-23", "reason": "x"}),
            ),
            ("approval.pending", json!({})),
            ("approval.drift.list", json!({})),
            (
                "approval.drift.resolve",
                json!({"id": "ab12", "action": "accept", "reason": "x"}),
            ),
            (
                "backup.settings.save",
                json!({"enabled": true, "retention": {"daily": 7, "monthly": 12, "yearly": 5}}),
            ),
            ("export.feed", json!({})),
        ];
        // Jobs and triggers run these without an acting user.
        let jobs = [
            "sync.full",
            "sync.incremental",
            "sync.worklog-event",
            "sync.verify",
            "sync.status",
            // These answer the app too: it sees everything.
            "report.run",
            "export.run",
            "export.changes",
            "access.get",
            "privacy.report",
            "rate.list",
            // Stops forgotten timers of every person, never logging them.
            "timer.sweep",
            // The audit log's chain, checked and pruned by the app's jobs.
            "audit.verify",
            "audit.prune",
            // The journal's retention.
            "journal.prune",
            // Backups: the scheduled one and its retention; the local
            // operator's `worklogs backup` and `worklogs restore`.
            "backup.create",
            "backup.list",
            "backup.download",
            "backup.upload",
            "backup.delete",
            "backup.restore.plan",
            "backup.restore.run",
            "backup.prune",
            // The finance property of every worklog, written as the app.
            "finance.mirror",
        ];
        assert_eq!(inputs.len() + jobs.len(), operations().len());
        for (operation, input) in inputs {
            let mut host = FakeHost::new(None);
            let e = host.run(operation, input).unwrap_err();
            assert!(e.is_forbidden(), "{operation}: {e}");
            assert!(host.batches.is_empty(), "{operation}");
        }
    }

    /// Who may start what: every operation × every entry point, written out
    /// here apart from the table, so removing or widening any rule fails.
    /// P person, T trigger, J job, C consumer, O the local operator.
    #[test]
    fn entry_points_may_start_exactly_what_the_matrix_says() {
        const PEOPLE: &str = "P...O";
        const PEOPLE_AND_JOBS: &str = "P.JCO";
        let matrix: &[(&str, &str)] = &[
            ("me", PEOPLE),
            ("timetracking.settings", PEOPLE),
            ("timetracking.settings.save", PEOPLE),
            ("worklog.list", PEOPLE),
            ("worklog.log", PEOPLE),
            ("worklog.update", PEOPLE),
            ("worklog.delete", PEOPLE),
            ("sync.full", PEOPLE_AND_JOBS),
            ("sync.incremental", PEOPLE_AND_JOBS),
            ("sync.worklog-event", ".T..O"),
            ("sync.verify", PEOPLE_AND_JOBS),
            ("sync.status", PEOPLE_AND_JOBS),
            ("sync.settings.save", PEOPLE),
            ("report.run", PEOPLE_AND_JOBS),
            ("export.run", PEOPLE_AND_JOBS),
            ("export.changes", PEOPLE_AND_JOBS),
            ("export.feed", PEOPLE),
            ("report.list", PEOPLE),
            ("report.save", PEOPLE),
            ("report.delete", PEOPLE),
            ("access.get", PEOPLE),
            ("access.save", PEOPLE),
            ("timesheet.week", PEOPLE),
            ("timesheet.shortfall", PEOPLE),
            ("issue.search", PEOPLE),
            ("people.search", PEOPLE),
            ("project.search", PEOPLE),
            ("group.search", PEOPLE),
            ("attribute.list", PEOPLE),
            ("attribute.save", PEOPLE),
            ("schedule.get", PEOPLE),
            ("schedule.save", PEOPLE),
            ("privacy.report", "..JCO"),
            ("rate.list", PEOPLE),
            ("rate.save", PEOPLE),
            ("rounding.get", PEOPLE),
            ("rounding.save", PEOPLE),
            ("rounding.preview", PEOPLE),
            ("timer.list", PEOPLE),
            ("timer.start", PEOPLE),
            ("timer.pause", PEOPLE),
            ("timer.resume", PEOPLE),
            ("timer.update", PEOPLE),
            ("timer.stop", PEOPLE),
            ("timer.sweep", "..JCO"),
            ("audit.list", PEOPLE),
            ("audit.export", PEOPLE),
            ("audit.verify", PEOPLE_AND_JOBS),
            ("audit.settings.save", PEOPLE),
            ("audit.prune", "..JCO"),
            ("restore.plan", PEOPLE),
            ("restore.run", PEOPLE),
            ("restore.status", PEOPLE),
            ("restore.cancel", PEOPLE),
            ("journal.settings.get", PEOPLE),
            ("journal.settings.save", PEOPLE),
            ("journal.list", PEOPLE),
            ("journal.prune", "..JCO"),
            ("approval.settings.get", PEOPLE),
            ("approval.settings.save", PEOPLE),
            ("approval.rules.list", PEOPLE),
            ("approval.rules.save", PEOPLE),
            ("approval.status", PEOPLE),
            ("approval.team", PEOPLE),
            ("approval.submit", PEOPLE),
            ("approval.approve", PEOPLE),
            ("approval.approveMany", PEOPLE),
            ("approval.reject", PEOPLE),
            ("approval.reopen", PEOPLE),
            ("approval.pending", PEOPLE),
            ("approval.drift.list", PEOPLE),
            ("approval.drift.resolve", PEOPLE),
            ("backup.create", PEOPLE_AND_JOBS),
            ("backup.list", PEOPLE),
            ("backup.download", PEOPLE),
            ("backup.upload", PEOPLE),
            ("backup.delete", PEOPLE),
            ("backup.restore.plan", PEOPLE),
            ("backup.restore.run", PEOPLE),
            ("backup.settings.save", PEOPLE),
            ("backup.prune", "..JCO"),
            ("finance.mirror", "..JCO"),
        ];
        let names: Vec<&str> = matrix.iter().map(|(name, _)| *name).collect();
        assert_eq!(
            names,
            operations(),
            "the matrix lists every operation, in order"
        );
        for (operation, allowed) in matrix {
            for (entry, letter) in EntryPoint::ALL.into_iter().zip(allowed.chars()) {
                let account = (entry == EntryPoint::Person).then_some("alice");
                let mut run = Run::new(
                    crate::testing::context_via(entry, account),
                    operation,
                    r#"{"surely": "unknown"}"#,
                );
                let Step::Done(Err(e)) = run.resume(vec![]) else {
                    panic!("{operation}: an unknown field is refused before any effect");
                };
                let refused = e.is_forbidden() && e.message().contains("may not be started by");
                assert_eq!(
                    refused,
                    letter == '.',
                    "{operation} started by a {}: {e}",
                    entry.as_str()
                );
                if refused {
                    assert!(e.message().contains(operation), "{e}");
                    assert!(e.message().contains(entry.as_str()), "{e}");
                }
            }
        }
    }

    /// `docs/operations.md` lists exactly the table's operations, in order,
    /// each with the entry points that may start it.
    #[test]
    fn the_docs_list_every_operation_with_its_entry_points() {
        let docs = include_str!("../../../docs/operations.md");
        let start = docs
            .find("<!-- entry points:")
            .expect("docs/operations.md has the entry point table");
        let end = docs.find("<!-- end of entry points -->").expect("its end");
        let documented: Vec<String> = docs[start..end]
            .lines()
            .filter(|line| line.starts_with("| `"))
            .map(str::to_owned)
            .collect();
        let expected: Vec<String> = ops::OPERATIONS
            .iter()
            .map(|op| {
                let starts: Vec<&str> = op.starts.iter().map(|e| e.as_str()).collect();
                format!("| `{}` | {} |", op.name, starts.join(", "))
            })
            .collect();
        assert_eq!(documented, expected);
    }

    /// A person's call without an account id never runs as the app.
    #[test]
    fn a_person_without_an_account_is_refused_everything() {
        for operation in operations() {
            for account in [None, Some("")] {
                let mut run = Run::new(
                    crate::testing::context_via(EntryPoint::Person, account),
                    operation,
                    "{}",
                );
                let Step::Done(Err(e)) = run.resume(vec![]) else {
                    panic!("{operation}: refused before any effect");
                };
                assert!(e.is_forbidden(), "{operation}: {e}");
            }
        }
    }

    /// The finding that started the entry points: a person deleting other
    /// people's worklogs from the index by sending a trigger's event.
    #[test]
    fn a_person_cannot_send_worklog_events() {
        let mut host = FakeHost::new(Some("bob"));
        let e = host
            .run(
                "sync.worklog-event",
                json!({"eventType": "avi:jira:deleted:worklog", "worklog": {"id": "10000"}}),
            )
            .unwrap_err();
        assert!(e.is_forbidden(), "{e}");
        assert!(host.batches.is_empty(), "nothing was read or written");
    }

    fn any_outcome() -> impl Strategy<Value = Outcome> {
        let body = prop_oneof![
            Just(String::new()),
            Just("{}".to_owned()),
            Just(r#"{"total": 99, "worklogs": []}"#.to_owned()),
            Just(r#"{"permissions": {"ADMINISTER": {"havePermission": true}}}"#.to_owned()),
            Just(r#"{"workingHoursPerDay": 8, "workingDaysPerWeek": 5, "timeFormat": "pretty", "defaultUnit": "minute"}"#.to_owned()),
            Just(r#"{"id": "1", "issueId": "2", "started": "2026-11-24T09:30:00.000+0000", "created": "x", "updated": "y", "timeSpentSeconds": 60}"#.to_owned()),
            ".{0,40}",
        ];
        prop_oneof![
            (100u16..600, body).prop_map(|(status, body)| Outcome::Jira(Ok(HttpResponse {
                status,
                headers: vec![],
                body
            }))),
            Just(Outcome::Jira(Err(Error::upstream("down")))),
            Just(Outcome::Sql(Ok(SqlRows::default()))),
            Just(Outcome::Sql(Ok(SqlRows {
                columns: vec!["value".into()],
                rows: vec![vec![Value::Int(3)]],
                rows_affected: 0
            }))),
            Just(Outcome::Sql(Err(Error::internal("bad sql")))),
        ]
    }

    proptest! {
        /// Whatever the input and the answers (right or wrong ids, right or
        /// wrong kinds, nonsense bodies), a run ends with a step, never a panic.
        #[test]
        fn runs_never_panic(
            operation in prop::sample::select(operations().to_vec()),
            input in prop_oneof![
                Just(r#"{"issue": "ALPHA-2"}"#.to_owned()),
                Just(r#"{"issue": "ALPHA-2", "started": "2026-11-24T09:30:00Z", "seconds": 60}"#.to_owned()),
                Just(r#"{"issue": "ALPHA-2", "id": "1", "seconds": 60}"#.to_owned()),
                Just(r#"{"hoursPerDay": 8, "daysPerWeek": 5, "timeFormat": "pretty", "defaultUnit": "minute"}"#.to_owned()),
                Just("{}".to_owned()),
                ".{0,60}",
            ],
            outcomes in prop::collection::vec(any_outcome(), 1..8),
            id_shift in prop::sample::select(vec![0u32, 0, 0, 1]),
        ) {
            let mut run = Run::new(context(Some("alice")), operation, &input);
            let mut step = run.resume(vec![]);
            let mut outcomes = outcomes.into_iter().cycle();
            for _ in 0..20 {
                let Step::Wait(batch) = &step else { break };
                let answers = batch
                    .iter()
                    .map(|r| Answer { id: r.id + id_shift, outcome: outcomes.next().unwrap() })
                    .collect();
                step = run.resume(answers);
            }
            if let Step::Done(_) = &step {
                prop_assert_eq!(run.resume(vec![]), step);
            }
        }
    }
}
