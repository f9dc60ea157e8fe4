//! Approvals against the simulator's demo world: the workflow, every rule of
//! who may review whom, the lock, and outside edits flagged and restored.

use jira_sim::{Caller, InProcess, Sim, World};
use serde_json::{json, Value as Json};

use crate::testing::FakeHost;

/// 2026-11-24T12:00:00Z, when the demo's history ends.
const NOW: i64 = 1_795_521_600_000;

/// The week the tests lock: Monday 2026-11-30 to Sunday 2026-12-06.
const WEEK: &str = "2026-11-30";

struct Site {
    sim: Sim,
    host: FakeHost,
}

impl Site {
    /// A fresh demo world (nothing indexed) with `rules` and `settings`
    /// saved by dave, the administrator.
    fn new(settings: Json) -> Self {
        let mut world = World::demo(42);
        world.set_time(NOW);
        let sim = Sim::new(world);
        let mut host = FakeHost::new(None).on_sim(&sim);
        host.now_ms = NOW;
        let mut site = Self { sim, host };
        site.act("dave");
        site.host.run("approval.settings.save", settings).unwrap();
        site.host
            .run(
                "approval.rules.save",
                json!({"rules": [
                    {"reviewers": "team-leads", "teams": ["team-alpha"]},
                    {"reviewers": "team-alpha", "teams": ["team-leads"], "projects": ["BETA"]}
                ]}),
            )
            .unwrap();
        site
    }

    fn id(&self, alias: &str) -> String {
        self.sim
            .with_world(|w| w.account_id(alias).map(str::to_owned))
            .unwrap()
    }

    fn act(&mut self, alias: &str) {
        let id = self.id(alias);
        self.host.act_as(Some(&id));
    }

    fn run(&mut self, alias: &str, operation: &str, input: Json) -> Result<Json, crate::Error> {
        self.act(alias);
        self.host.run(operation, input)
    }

    fn log(&mut self, alias: &str, issue: &str, started: &str, seconds: u64) -> String {
        let out = self
            .run(
                alias,
                "worklog.log",
                json!({"issue": issue, "started": started, "seconds": seconds}),
            )
            .unwrap();
        out["id"].as_str().unwrap().to_owned()
    }

    fn decide(
        &mut self,
        alias: &str,
        action: &str,
        whose: &str,
        reason: Option<&str>,
    ) -> Result<Json, crate::Error> {
        let mut input = json!({"accountId": self.id(whose), "periodStart": WEEK});
        if let Some(reason) = reason {
            input["reason"] = json!(reason);
        }
        self.run(alias, &format!("approval.{action}"), input)
    }

    /// Jira's REST API as `alias`, past the app.
    fn jira(&self, alias: &str, method: &str, path: &str, body: Option<Json>) -> Json {
        let client = InProcess::new(&self.sim).unwrap();
        let who = self.id(alias);
        let body = body.map(|b| b.to_string());
        let reply = client.send(Caller::Account(&who), method, path, body.as_deref());
        assert!(
            reply.status < 300,
            "{method} {path}: {} {}",
            reply.status,
            reply.body
        );
        serde_json::from_str(&reply.body).unwrap_or(Json::Null)
    }

    fn event(&mut self, kind: &str, id: &str) -> Json {
        self.host.act_as(None);
        self.host
            .run(
                "sync.worklog-event",
                json!({"eventType": format!("avi:jira:{kind}:worklog"), "worklog": {"id": id}}),
            )
            .unwrap()
    }

    fn seconds_in_jira(&self, issue: &str, id: &str) -> Option<i64> {
        let client = InProcess::new(&self.sim).unwrap();
        let reply = client.send(
            Caller::App,
            "GET",
            &format!("/rest/api/3/issue/{issue}/worklog/{id}"),
            None,
        );
        (reply.status == 200).then(|| {
            serde_json::from_str::<Json>(&reply.body).unwrap()["timeSpentSeconds"]
                .as_i64()
                .unwrap()
        })
    }
}

fn flag() -> Json {
    json!({"period": "weekly", "requireRequiredTime": false, "allowSelfApproval": false,
           "onOutsideEdit": "flag"})
}

fn restore() -> Json {
    json!({"period": "weekly", "requireRequiredTime": false, "allowSelfApproval": false,
           "onOutsideEdit": "restore"})
}

fn code(e: &crate::Error) -> &'static str {
    e.code().as_str()
}

#[test]
fn a_period_is_submitted_rejected_with_a_reason_approved_and_reopened() {
    let mut site = Site::new(flag());
    site.log("alice", "ALPHA-2", "2026-11-30T09:00:00+01:00", 7200);
    let out = site
        .run("alice", "approval.submit", json!({"date": "2026-12-02"}))
        .unwrap();
    assert_eq!(
        (
            out["state"].as_str(),
            out["start"].as_str(),
            out["end"].as_str()
        ),
        (Some("submitted"), Some(WEEK), Some("2026-12-06"))
    );
    // Every working day is short: a warning each.
    assert_eq!(out["warnings"].as_array().unwrap().len(), 5, "{out}");
    let e = site
        .decide("carol", "reject", "alice", Some(" "))
        .unwrap_err();
    assert_eq!(code(&e), "invalid-input", "{e}");
    let out = site
        .decide("carol", "reject", "alice", Some("Friday is missing"))
        .unwrap();
    assert_eq!(out["state"], "open");
    assert_eq!(out["decision"]["reason"], "Friday is missing");
    let e = site.decide("carol", "approve", "alice", None).unwrap_err();
    assert!(
        code(&e) == "conflict" && e.message().contains("the period is open"),
        "{e}"
    );
    site.run("alice", "approval.submit", json!({"date": WEEK}))
        .unwrap();
    let out = site.decide("carol", "approve", "alice", None).unwrap();
    assert_eq!(out["state"], "approved");
    let actions: Vec<&str> = out["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["submitted", "rejected", "submitted", "approved"]);
    let e = site.decide("carol", "reopen", "alice", None).unwrap_err();
    assert_eq!(code(&e), "invalid-input");
    let out = site
        .decide("carol", "reopen", "alice", Some("a late correction"))
        .unwrap();
    assert_eq!(out["state"], "open");
    // Every action is in the audit log.
    let audited = site
        .host
        .query("SELECT action FROM audit_log WHERE action LIKE 'approval.%' ORDER BY seq");
    assert_eq!(audited.len(), 5, "{audited:?}");
}

#[test]
fn the_submission_is_refused_while_short_when_the_setting_requires_it() {
    let mut site = Site::new(json!({"period": "monthly", "requireRequiredTime": true,
                                    "allowSelfApproval": false, "onOutsideEdit": "flag"}));
    let e = site
        .run("alice", "approval.submit", json!({"date": "2026-12-02"}))
        .unwrap_err();
    assert_eq!(code(&e), "conflict");
    assert!(
        e.message().contains("requireRequiredTime") && e.message().contains("2026-12-01"),
        "{e}"
    );
    let out = site
        .run("alice", "approval.status", json!({"date": "2026-12-02"}))
        .unwrap();
    assert_eq!(
        (
            out["start"].as_str(),
            out["end"].as_str(),
            out["state"].as_str()
        ),
        (Some("2026-12-01"), Some("2026-12-31"), Some("open"))
    );
}

/// Each rule of who reviews whom has its test: removing the rule fails it.
#[test]
fn self_approval_is_refused_unless_the_setting_allows_it() {
    let mut site = Site::new(flag());
    site.run("dave", "approval.submit", json!({"date": WEEK}))
        .unwrap();
    let e = site.decide("dave", "approve", "dave", None).unwrap_err();
    assert_eq!(code(&e), "forbidden");
    assert!(e.message().contains("allowSelfApproval is off"), "{e}");
    let mut allowed = flag();
    allowed["allowSelfApproval"] = json!(true);
    site.run("dave", "approval.settings.save", allowed).unwrap();
    assert_eq!(
        site.decide("dave", "approve", "dave", None).unwrap()["state"],
        "approved"
    );
}

#[test]
fn someone_outside_the_rules_may_not_review() {
    let mut site = Site::new(flag());
    site.run("alice", "approval.submit", json!({"date": WEEK}))
        .unwrap();
    let e = site.decide("erin", "approve", "alice", None).unwrap_err();
    assert_eq!(code(&e), "forbidden");
    assert!(
        e.message()
            .contains("no reviewer rule names a group of yours"),
        "{e}"
    );
    // bob's rule reviews team-leads, and alice is not in it.
    let e = site.decide("bob", "approve", "alice", None).unwrap_err();
    assert!(e.message().contains("none of the teams of rule 2"), "{e}");
    assert_eq!(
        site.run("bob", "approval.pending", json!({})).unwrap()["count"],
        0
    );
    assert_eq!(
        site.run("carol", "approval.pending", json!({})).unwrap()["count"],
        1
    );
    assert_eq!(
        site.decide("carol", "approve", "alice", None).unwrap()["state"],
        "approved"
    );
}

#[test]
fn a_rule_limited_to_projects_covers_only_periods_all_in_them() {
    let mut site = Site::new(flag());
    site.log("carol", "ALPHA-2", "2026-11-30T09:00:00+05:30", 3600);
    site.run("carol", "approval.submit", json!({"date": WEEK}))
        .unwrap();
    let e = site.decide("bob", "approve", "carol", None).unwrap_err();
    assert_eq!(code(&e), "forbidden");
    assert!(
        e.message().contains("does not cover their time in ALPHA"),
        "{e}"
    );
    // The next week, all in BETA: bob's rule covers it.
    site.log("carol", "BETA-2", "2026-12-07T09:00:00+05:30", 3600);
    site.run("carol", "approval.submit", json!({"date": "2026-12-07"}))
        .unwrap();
    let out = site
        .run(
            "bob",
            "approval.approve",
            json!({"accountId": site.id("carol"), "periodStart": "2026-12-07"}),
        )
        .unwrap();
    assert_eq!(out["state"], "approved");
    assert_eq!(out["start"], "2026-12-07");
}

#[test]
fn administrators_review_anyone() {
    let mut site = Site::new(flag());
    site.run("frank", "approval.submit", json!({"date": WEEK}))
        .unwrap();
    // No rule names frank's group (ops): only an administrator may review him.
    let e = site.decide("carol", "approve", "frank", None).unwrap_err();
    assert_eq!(code(&e), "forbidden");
    let out = site.decide("dave", "approve", "frank", None).unwrap();
    assert_eq!(out["state"], "approved");
    assert_eq!(out["reviewRule"], "a Jira administrator");
}

#[test]
fn worklogs_of_submitted_and_approved_periods_are_locked_against_the_app() {
    let mut site = Site::new(flag());
    let id = site.log("alice", "ALPHA-2", "2026-11-30T09:00:00+01:00", 7200);
    for state in ["submitted", "approved"] {
        if state == "submitted" {
            site.run("alice", "approval.submit", json!({"date": WEEK}))
                .unwrap();
        } else {
            site.decide("carol", "approve", "alice", None).unwrap();
        }
        let e = site
            .run(
                "alice",
                "worklog.log",
                json!({"issue": "ALPHA-2", "started": "2026-12-01T09:00:00+01:00", "seconds": 60}),
            )
            .unwrap_err();
        assert_eq!(code(&e), "conflict", "{e}");
        assert!(
            e.message().contains(&format!(
                "the period 2026-11-30 to 2026-12-06 of \"{}\" is {state}",
                site.id("alice")
            )),
            "{e}"
        );
        let e = site
            .run(
                "alice",
                "worklog.update",
                json!({"issue": "ALPHA-2", "id": id, "seconds": 60}),
            )
            .unwrap_err();
        assert_eq!(code(&e), "conflict", "{e}");
        // Not even a team lead changes it through the app.
        let e = site
            .run(
                "carol",
                "worklog.delete",
                json!({"issue": "ALPHA-2", "id": id}),
            )
            .unwrap_err();
        assert_eq!(code(&e), "conflict", "{e}");
        // Moving another worklog into the period is refused too.
        let other = {
            site.run(
                "alice",
                "worklog.log",
                json!({"issue": "ALPHA-2", "started": "2026-12-08T09:00:00+01:00", "seconds": 60}),
            )
            .unwrap()["id"]
                .as_str()
                .unwrap()
                .to_owned()
        };
        let e = site
            .run(
                "alice",
                "worklog.update",
                json!({"issue": "ALPHA-2", "id": other, "started": "2026-12-01T09:00:00+01:00"}),
            )
            .unwrap_err();
        assert_eq!(code(&e), "conflict", "{e}");
    }
    assert_eq!(site.seconds_in_jira("ALPHA-2", &id), Some(7200));
    site.decide("carol", "reopen", "alice", Some("correction"))
        .unwrap();
    site.run(
        "alice",
        "worklog.update",
        json!({"issue": "ALPHA-2", "id": id, "seconds": 60}),
    )
    .unwrap();
}

/// Alice's two hours on ALPHA-2 in the locked week, submitted and approved by
/// carol, then cut to ten minutes through Jira's REST API: the worklog's id.
fn edited_after_approval(site: &mut Site) -> String {
    let id = site.log("alice", "ALPHA-2", "2026-11-30T09:00:00+01:00", 7200);
    site.run("alice", "approval.submit", json!({"date": WEEK}))
        .unwrap();
    site.decide("carol", "approve", "alice", None).unwrap();
    site.jira(
        "alice",
        "PUT",
        &format!("/rest/api/3/issue/ALPHA-2/worklog/{id}"),
        Some(json!({"timeSpentSeconds": 600})),
    );
    id
}

#[test]
fn an_outside_edit_is_flagged_then_restored_or_accepted_by_the_reviewer() {
    let mut site = Site::new(flag());
    let id = edited_after_approval(&mut site);
    site.event("updated", &id);
    // Flagged, not restored.
    assert_eq!(site.seconds_in_jira("ALPHA-2", &id), Some(600));
    let list = site
        .run(
            "carol",
            "approval.drift.list",
            json!({"accountId": site.id("alice")}),
        )
        .unwrap();
    let drift = &list["drifts"][0];
    assert_eq!(
        (drift["kind"].as_str(), drift["state"].as_str()),
        (Some("changed"), Some("open")),
        "{list}"
    );
    assert_eq!(drift["changes"], json!(["timeSpentSeconds"]));
    // The same edit seen again (the sync) is the same drift.
    site.event("updated", &id);
    let again = site.run("carol", "approval.drift.list", json!({})).unwrap();
    assert_eq!(again["drifts"].as_array().unwrap().len(), 1, "{again}");
    let drift_id = drift["id"].as_str().unwrap().to_owned();
    let e = site
        .run(
            "bob",
            "approval.drift.resolve",
            json!({"id": drift_id, "action": "restore", "reason": "x"}),
        )
        .unwrap_err();
    assert_eq!(code(&e), "forbidden");
    let out = site
        .run(
            "carol",
            "approval.drift.resolve",
            json!({"id": drift_id, "action": "restore", "reason": "as approved"}),
        )
        .unwrap();
    assert_eq!(out["state"], "restored");
    assert_eq!(site.seconds_in_jira("ALPHA-2", &id), Some(7200));
    // The restore's own event finds nothing new.
    site.event("updated", &id);
    assert_eq!(
        site.run("carol", "approval.drift.list", json!({})).unwrap()["drifts"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // Another edit, accepted: the snapshot takes it, and the replaced
    // values stay in the history.
    site.jira(
        "alice",
        "PUT",
        &format!("/rest/api/3/issue/ALPHA-2/worklog/{id}"),
        Some(json!({"timeSpentSeconds": 5400})),
    );
    site.event("updated", &id);
    let list = site.run("carol", "approval.drift.list", json!({})).unwrap();
    let open = list["drifts"][0]["id"].as_str().unwrap().to_owned();
    site.run(
        "carol",
        "approval.drift.resolve",
        json!({"id": open, "action": "accept", "reason": "agreed"}),
    )
    .unwrap();
    site.event("updated", &id);
    let status = site
        .run("alice", "approval.status", json!({"date": WEEK}))
        .unwrap();
    assert_eq!(status["openDrifts"], 0, "{status}");
    let history: Vec<(String, Json)> = status["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["action"].as_str().unwrap().to_owned(),
                h["replaced"]["timeSpentSeconds"].clone(),
            )
        })
        .collect();
    assert!(
        history.contains(&("restored".to_owned(), json!(600))),
        "{history:?}"
    );
    assert!(
        history.contains(&("accepted".to_owned(), json!(7200))),
        "{history:?}"
    );
    assert_eq!(site.seconds_in_jira("ALPHA-2", &id), Some(5400));
}

#[test]
fn outside_edits_are_restored_after_the_event_and_after_the_sync() {
    let mut site = Site::new(restore());
    site.host.act_as(None);
    for _ in 0..100 {
        if site.host.run("sync.full", json!({})).unwrap()["more"] != json!(true) {
            break;
        }
    }
    let id = site.log("alice", "ALPHA-2", "2026-11-30T09:00:00+01:00", 7200);
    let other = site.log("alice", "ALPHA-2", "2026-12-01T09:00:00+01:00", 3600);
    site.run("alice", "approval.submit", json!({"date": WEEK}))
        .unwrap();
    site.decide("carol", "approve", "alice", None).unwrap();
    // Changed in Jira, then the event: restored.
    site.jira(
        "alice",
        "PUT",
        &format!("/rest/api/3/issue/ALPHA-2/worklog/{id}"),
        Some(json!({"timeSpentSeconds": 60})),
    );
    site.event("updated", &id);
    assert_eq!(site.seconds_in_jira("ALPHA-2", &id), Some(7200));
    // Changed in Jira, then the sync: restored.
    site.jira(
        "alice",
        "PUT",
        &format!("/rest/api/3/issue/ALPHA-2/worklog/{other}"),
        Some(json!({"timeSpentSeconds": 60})),
    );
    // Jira's feed leaves out the last minute.
    site.sim.with_world(|w| w.advance_time(120_000));
    site.host.act_as(None);
    let out = site.host.run("sync.incremental", json!({})).unwrap();
    assert_eq!(out["more"], false, "{out}");
    assert_eq!(site.seconds_in_jira("ALPHA-2", &other), Some(3600));
    // Created in Jira inside the period: deleted again.
    let added = site.jira(
        "alice",
        "POST",
        "/rest/api/3/issue/ALPHA-2/worklog",
        Some(json!({"started": "2026-12-02T09:00:00.000+0100", "timeSpentSeconds": 300})),
    );
    let added = added["id"].as_str().unwrap().to_owned();
    site.event("created", &added);
    assert_eq!(site.seconds_in_jira("ALPHA-2", &added), None);
    // Deleted in Jira: put back (as alice, by impersonation), under a new id,
    // still counted for her.
    site.jira(
        "alice",
        "DELETE",
        &format!("/rest/api/3/issue/ALPHA-2/worklog/{id}"),
        None,
    );
    site.event("deleted", &id);
    let list = site
        .run("alice", "worklog.list", json!({"issue": "ALPHA-2"}))
        .unwrap();
    let back: Vec<&Json> = list["worklogs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w["timeSpentSeconds"] == 7200 && w["id"] != json!(id))
        .collect();
    assert_eq!(back.len(), 1, "{list}");
    assert_eq!(back[0]["author"]["accountId"], json!(site.id("alice")));
    assert_eq!(list["totalSeconds"], 7200 + 3600, "{list}");
    // The restored worklog's own event finds it as locked.
    let new_id = back[0]["id"].as_str().unwrap().to_owned();
    site.event("created", &new_id);
    let status = site
        .run(
            "carol",
            "approval.status",
            json!({"accountId": site.id("alice"), "date": WEEK}),
        )
        .unwrap();
    let restored = status["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["action"] == "restored")
        .count();
    assert_eq!(restored, 4, "{status}");
    assert_eq!(status["openDrifts"], 0, "{status}");
}

#[test]
fn an_outside_edit_seen_again_after_a_kill_is_flagged_once_in_the_audit_log() {
    // A kill between the drift's audit entry and its row: the edit is seen
    // again (the next event, or the sync) and flagged, and the log keeps the
    // one entry of the first attempt.
    use crate::protocol::Value;
    let mut site = Site::new(flag());
    let id = edited_after_approval(&mut site);
    let step = std::rc::Rc::new(std::cell::Cell::new(0u8));
    let seen = step.clone();
    let host = std::mem::replace(&mut site.host, FakeHost::new(None));
    site.host = host.refuse_sql(move |statement, _| match seen.get() {
        0 if statement.sql.starts_with("INSERT INTO audit_log")
            && statement
                .params
                .contains(&Value::Text("approval.flagged".into())) =>
        {
            seen.set(1);
            None
        }
        1 => {
            seen.set(2);
            Some(crate::Error::upstream("the process was killed"))
        }
        _ => None,
    });
    site.host.act_as(None);
    let _ = site.host.run(
        "sync.worklog-event",
        json!({"eventType": "avi:jira:updated:worklog", "worklog": {"id": id}}),
    );
    assert_eq!(step.get(), 2, "the run stopped after the entry");
    let count = |site: &Site, sql: &str| match site.host.query(sql)[0][0] {
        Value::Int(n) => n,
        ref other => panic!("{other:?}"),
    };
    let flagged = "SELECT COUNT(*) FROM audit_log WHERE action = 'approval.flagged'";
    assert_eq!(count(&site, flagged), 1);
    assert_eq!(count(&site, "SELECT COUNT(*) FROM approval_drift"), 0);
    site.event("updated", &id);
    assert_eq!(count(&site, "SELECT COUNT(*) FROM approval_drift"), 1);
    assert_eq!(count(&site, flagged), 1, "flagged once");
}
