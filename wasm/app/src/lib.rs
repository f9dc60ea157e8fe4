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
    Answer, Context, Effect, HttpResponse, JiraRequest, Method, Migration, Outcome, Principal,
    Request, SqlRows, SqlStatement, Step, Value,
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
pub fn operations() -> &'static [&'static str] {
    ops::OPERATIONS
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
             report.run, export.run, export.changes, report.list, report.save, report.delete, \
             access.get, access.save, \
             timesheet.week, issue.search, attribute.list, attribute.save, schedule.get, schedule.save, \
             privacy.report, rate.list, rate.save)"
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
            ("issue.search", json!({"query": "login"})),
            ("attribute.list", json!({})),
            ("attribute.save", json!({"attributes": []})),
            ("schedule.get", json!({})),
            (
                "schedule.save",
                json!({"workingDays": ["mon"], "hoursPerDay": 8, "holidays": []}),
            ),
            ("rate.save", json!({"rates": []})),
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
        ];
        assert_eq!(inputs.len() + jobs.len(), operations().len());
        for (operation, input) in inputs {
            let mut host = FakeHost::new(None);
            let e = host.run(operation, input).unwrap_err();
            assert!(e.is_forbidden(), "{operation}: {e}");
            assert!(host.batches.is_empty(), "{operation}");
        }
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
