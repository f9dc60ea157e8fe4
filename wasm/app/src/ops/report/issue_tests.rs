//! Issue-level permissions in reports and exports: an issue security level and
//! *Browse projects* for reporters and assignees hide worklogs (and parent
//! labels) from who may not browse the issue, as Jira would; a check Jira does
//! not answer fails the report. The oracle is the simulator's facts and the
//! demo world's documented permissions, as in the permission matrix.

use std::collections::{BTreeMap, BTreeSet};

use jira_sim::{Fault, IssueFacts, WorklogFacts};
use serde_json::json;

use super::tests::{
    act, csv_rows, export_all, grants, id_of, indexed, leads_only, november, sim, Oracle, FROM_MS,
    TO_MS, VIEWERS,
};

/// The project whose browse goes to reporters and assignees in these tests.
const BETA: u64 = 10001;

/// Whether `viewer` may browse the issue of `f` under the tests' rules:
/// `secret` is for team leads only, BETA for its reporters and assignees.
fn browses_issue(
    viewer: Option<&str>,
    me: Option<&str>,
    f: &WorklogFacts,
    issue: &IssueFacts,
    secret: u64,
) -> bool {
    let Some(alias) = viewer else {
        return true;
    };
    if f.issue_id == secret && alias != "carol" {
        return false;
    }
    if f.project_id == BETA {
        return Some(issue.reporter.as_str()) == me || issue.assignee.as_deref() == me;
    }
    true
}

#[test]
fn issue_security_and_reporter_only_browse_hide_worklogs_from_reports_and_exports() {
    let sim = sim();
    sim.with_world(|w| {
        leads_only(w, "ALPHA-3");
        w.set_browse_holders("BETA", &["reporter", "assignee"])
            .unwrap();
    });
    let mut host = indexed(&sim);
    act(&mut host, &sim, Some("dave"));
    host.run("access.save", grants()).unwrap();
    let oracle = Oracle::new(&sim);
    let facts = sim.with_world(|w| w.worklog_facts());
    let issues: BTreeMap<u64, IssueFacts> = facts
        .iter()
        .map(|f| f.issue_id)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .map(|id| {
            (
                id,
                sim.with_world(|w| w.issue_facts(&id.to_string())).unwrap(),
            )
        })
        .collect();
    let secret = sim.with_world(|w| w.issue_facts("ALPHA-3")).unwrap().id;
    let november_facts: Vec<&WorklogFacts> = facts
        .iter()
        .filter(|f| (FROM_MS..TO_MS).contains(&f.started_ms))
        .collect();
    assert!(november_facts.iter().any(|f| f.issue_id == secret));
    assert!(november_facts.iter().any(|f| f.project_id == BETA));

    let mut hidden_somewhere = false;
    for viewer in VIEWERS {
        act(&mut host, &sim, viewer);
        let me = viewer.map(|a| id_of(&sim, a));
        let project_wide: Vec<&&WorklogFacts> = november_facts
            .iter()
            .filter(|f| oracle.sees(viewer, f))
            .collect();
        let expected: BTreeSet<u64> = project_wide
            .iter()
            .filter(|f| browses_issue(viewer, me.as_deref(), f, &issues[&f.issue_id], secret))
            .map(|f| f.id)
            .collect();
        hidden_somewhere |= expected.len() < project_wide.len();
        let seconds: i64 = november_facts
            .iter()
            .filter(|f| expected.contains(&f.id))
            .map(|f| f.seconds)
            .sum();

        let report = host.run("report.run", november()).unwrap();
        assert_eq!(
            report["totalSeconds"],
            json!(seconds),
            "{viewer:?} report.run"
        );
        let (bytes, _) = export_all(
            &mut host,
            "export.run",
            json!({"query": november(), "format": "csv"}),
        );
        let exported: BTreeSet<u64> = csv_rows(&bytes)
            .iter()
            .map(|r| r["worklog_id"].parse().unwrap())
            .collect();
        assert_eq!(exported, expected, "{viewer:?} export.run");
    }
    assert!(
        hidden_somewhere,
        "the rules hide nothing: the test would not notice them gone"
    );
}

#[test]
fn a_parent_the_viewer_may_not_browse_is_not_named() {
    let sim = sim();
    // ALPHA-1 is the project's epic, the parent of its other issues.
    let epic = sim.with_world(|w| w.issue_facts("ALPHA-1")).unwrap();
    sim.with_world(|w| leads_only(w, "ALPHA-1"));
    let mut host = indexed(&sim);
    let query = json!({"timeZone": "UTC", "period": {"from": "2026-11-01", "to": "2026-11-23"},
                       "groupBy": ["parent"]});
    let keys = |host: &mut crate::testing::FakeHost| -> Vec<String> {
        let r = host.run("report.run", query.clone()).unwrap();
        r["groups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["key"].as_str().unwrap_or("").to_owned())
            .collect()
    };
    act(&mut host, &sim, Some("carol"));
    assert!(
        keys(&mut host).contains(&epic.key),
        "a team lead sees the epic"
    );
    act(&mut host, &sim, Some("alice"));
    let alice = keys(&mut host);
    assert!(!alice.contains(&epic.key), "{alice:?}");
    let (bytes, _) = export_all(
        &mut host,
        "export.run",
        json!({"query": query, "format": "csv"}),
    );
    for row in csv_rows(&bytes) {
        assert_ne!(row["parent_key"], epic.key);
        assert_ne!(row["parent_summary"], epic.summary);
    }
}

#[test]
fn a_check_jira_does_not_answer_fails_the_report() {
    let sim = sim();
    sim.with_world(|w| {
        w.set_browse_holders("BETA", &["reporter", "assignee"])
            .unwrap()
    });
    let mut host = indexed(&sim);
    act(&mut host, &sim, Some("alice"));
    sim.inject(Fault::status("/rest/api/3/permissions/check", 503).times(50));
    let e = host.run("report.run", november()).unwrap_err();
    assert!(e.is_upstream(), "{e}");
    assert!(e.message().contains("could not confirm"), "{e}");
    sim.clear_faults();
    // The app (no acting user) needs no check.
    act(&mut host, &sim, None);
    assert!(host.run("report.run", november()).is_ok());
}

#[test]
fn a_project_whose_scheme_cannot_be_read_is_checked_issue_by_issue() {
    let sim = sim();
    // The scheme read fails for every project: nothing is open, every issue is
    // checked, and the answer is still right.
    sim.inject(Fault::status("/rest/api/3/project/", 403).times(10_000));
    let mut host = indexed(&sim);
    sim.clear_faults();
    assert!(host.query("SELECT project FROM open_projects").is_empty());
    act(&mut host, &sim, Some("dave"));
    let before = sim.stats();
    let r = host.run("report.run", november()).unwrap();
    let after = sim.stats();
    let checks = |s: &BTreeMap<String, u64>| {
        s.get("POST /rest/api/3/permissions/check")
            .copied()
            .unwrap_or(0)
    };
    assert!(checks(&after) > checks(&before), "every issue is checked");
    assert!(r["totalSeconds"].as_i64().unwrap() > 0);
    // With the schemes readable, a sync opens the projects again.
    let mut host = indexed(&sim);
    let open = host.query("SELECT project FROM open_projects");
    assert_eq!(open.len(), 3, "{open:?}");
    act(&mut host, &sim, Some("dave"));
    let before = sim.stats();
    host.run("report.run", november()).unwrap();
    assert_eq!(
        checks(&sim.stats()),
        checks(&before),
        "open projects need no check"
    );
}
