//! The finance mirror against the simulator's demo world: the property
//! written with the app's own writes, the pass after an approval and after a
//! change of the attribute definitions, its slices, and who may start it.

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
    /// A demo world, indexed, with the demo's attribute definitions and
    /// weekly approvals (carol of team-leads reviews team-alpha).
    fn new() -> Self {
        let mut world = World::demo(42);
        world.set_time(NOW);
        let sim = Sim::new(world);
        let mut host = FakeHost::new(None).on_sim(&sim);
        host.now_ms = NOW;
        let mut site = Self { sim, host };
        site.act("dave");
        site.host
            .run("attribute.save", jira_sim::demo_attribute_definitions())
            .unwrap();
        site.host
            .run(
                "approval.settings.save",
                json!({"period": "weekly", "requireRequiredTime": false,
                       "allowSelfApproval": false, "onOutsideEdit": "flag"}),
            )
            .unwrap();
        site.host
            .run(
                "approval.rules.save",
                json!({"rules": [{"reviewers": "team-leads", "teams": ["team-alpha"]}]}),
            )
            .unwrap();
        site.host.act_as(None);
        for _ in 0..200 {
            if site.host.run("sync.full", json!({})).unwrap()["more"] != json!(true) {
                break;
            }
        }
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

    /// The property as Jira has it; `None` without one.
    fn property(&self, issue: &str, id: &str) -> Option<Json> {
        let reply = InProcess::new(&self.sim).unwrap().send(
            Caller::App,
            "GET",
            &format!("/rest/api/3/issue/{issue}/worklog/{id}/properties/worklogs.finance"),
            None,
        );
        (reply.status == 200)
            .then(|| serde_json::from_str::<Json>(&reply.body).unwrap()["value"].clone())
    }

    /// Every slice of a pass, as the job: the slices' outputs.
    fn pass(&mut self) -> Vec<Json> {
        self.host.act_as(None);
        let mut out = Vec::new();
        for _ in 0..1000 {
            let slice = self.host.run("finance.mirror", json!({})).unwrap();
            let more = slice["more"] == json!(true);
            out.push(slice);
            if !more {
                return out;
            }
        }
        panic!("the pass does not end");
    }

    fn written(slices: &[Json]) -> u64 {
        slices
            .iter()
            .map(|s| s["slice"]["written"].as_u64().unwrap())
            .sum()
    }
}

#[test]
fn a_logged_worklog_carries_the_property_and_the_pass_does_not_write_it_again() {
    let mut site = Site::new();
    site.pass();
    let billable = site
        .run(
            "alice",
            "worklog.log",
            json!({"issue": "ALPHA-2", "started": "2026-11-30T09:00:00+01:00", "seconds": 3600,
                   "attributes": {"billable": true, "work_type": "review"}}),
        )
        .unwrap();
    let plain = site
        .run(
            "alice",
            "worklog.log",
            json!({"issue": "ALPHA-2", "started": "2026-11-30T11:00:00+01:00", "seconds": 600}),
        )
        .unwrap();
    let (billable, plain) = (
        billable["id"].as_str().unwrap().to_owned(),
        plain["id"].as_str().unwrap().to_owned(),
    );
    assert_eq!(
        site.property("ALPHA-2", &billable),
        Some(json!({"billable": true, "approvalState": "open", "attributesValid": true}))
    );
    assert_eq!(
        site.property("ALPHA-2", &plain),
        Some(json!({"billable": false, "approvalState": "open", "attributesValid": true}))
    );
    // Recorded with the write: the pass finds both current.
    let slices = site.pass();
    assert_eq!(Site::written(&slices), 0, "{slices:?}");
    // An update with new attributes writes it again.
    site.run(
        "alice",
        "worklog.update",
        json!({"issue": "ALPHA-2", "id": plain, "attributes": {"billable": true}}),
    )
    .unwrap();
    assert_eq!(
        site.property("ALPHA-2", &plain),
        Some(json!({"billable": true, "approvalState": "open", "attributesValid": true}))
    );
}

#[test]
fn the_pass_mirrors_each_transition_of_the_period() {
    let mut site = Site::new();
    site.pass();
    let id = site
        .run(
            "alice",
            "worklog.log",
            json!({"issue": "ALPHA-2", "started": "2026-12-01T09:00:00+01:00", "seconds": 3600}),
        )
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // bob's worklog in the same week is not alice's period.
    let bobs = site
        .run(
            "bob",
            "worklog.log",
            json!({"issue": "ALPHA-2", "started": "2026-12-01T10:00:00+01:00", "seconds": 60}),
        )
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let state = |site: &Site, id: &str| {
        site.property("ALPHA-2", id).unwrap()["approvalState"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let alice = site.id("alice");
    let period = json!({"accountId": alice, "periodStart": WEEK});

    site.run("alice", "approval.submit", json!({"date": WEEK}))
        .unwrap();
    let indexed = site
        .host
        .query(&format!("SELECT COUNT(*) FROM worklogs WHERE id = {id}"));
    let slices = site.pass();
    assert_eq!(Site::written(&slices), 1, "{slices:?} {indexed:?}");
    assert_eq!(state(&site, &id), "submitted");
    assert_eq!(state(&site, &bobs), "open");

    site.run("carol", "approval.approve", period.clone())
        .unwrap();
    assert_eq!(Site::written(&site.pass()), 1);
    assert_eq!(state(&site, &id), "approved");
    // Nothing changed since: the next run does nothing at all.
    let idle = site.pass();
    assert_eq!(idle.len(), 1);
    assert_eq!(idle[0]["slice"]["checked"], 0, "{idle:?}");

    let mut reopen = period.clone();
    reopen["reason"] = json!("a late correction");
    site.run("carol", "approval.reopen", reopen).unwrap();
    assert_eq!(Site::written(&site.pass()), 1);
    assert_eq!(state(&site, &id), "open");

    site.run("alice", "approval.submit", json!({"date": WEEK}))
        .unwrap();
    let mut reject = period;
    reject["reason"] = json!("Friday is missing");
    site.run("carol", "approval.reject", reject).unwrap();
    site.pass();
    assert_eq!(state(&site, &id), "open");
}

#[test]
fn a_change_of_the_definitions_is_corrected_by_the_next_pass_in_slices() {
    let mut site = Site::new();
    let first = site.pass();
    assert!(first.len() > 1, "the demo needs several slices");
    for slice in &first {
        assert!(
            slice["slice"]["written"].as_u64().unwrap() <= 100,
            "{slice}"
        );
    }
    let indexed = site.host.query("SELECT COUNT(*) FROM worklogs");
    let mirrored = site.host.query("SELECT COUNT(*) FROM finance_mirror");
    assert_eq!(indexed, mirrored);
    let billable_before = site
        .host
        .query("SELECT COUNT(*) FROM finance_mirror WHERE billable = 1");
    assert_ne!(billable_before[0][0], crate::protocol::Value::Int(0));

    // Without a billable definition, no set holding `billable` fits: none is.
    site.act("dave");
    site.host
        .run(
            "attribute.save",
            json!({"attributes": [{"key": "work_type", "name": "Work type", "type": "select",
                   "options": ["development", "review", "meeting", "support"]}]}),
        )
        .unwrap();
    site.pass();
    let billable_after = site
        .host
        .query("SELECT COUNT(*) FROM finance_mirror WHERE billable = 1");
    assert_eq!(billable_after[0][0], crate::protocol::Value::Int(0));
    // Jira has what the table says.
    let (issue, id) = site
        .sim
        .with_world(|w| w.worklog_facts())
        .into_iter()
        .next()
        .map(|f| (f.issue_id.to_string(), f.id.to_string()))
        .unwrap();
    assert_eq!(site.property(&issue, &id).unwrap()["billable"], false);
}

#[test]
fn a_slice_that_fails_is_done_again_without_writing_twice() {
    let mut site = Site::new();
    // The first slice dies after a few effects; the pass then completes.
    site.host.act_as(None);
    assert!(site.host.run_until("finance.mirror", "{}", 12).is_none());
    let slices = site.pass();
    let indexed = site.host.query("SELECT COUNT(*) FROM worklogs");
    let mirrored = site.host.query("SELECT COUNT(*) FROM finance_mirror");
    assert_eq!(indexed, mirrored, "{slices:?}");
    assert_eq!(Site::written(&site.pass()), 0);
}

#[test]
fn only_jobs_and_the_operator_start_it() {
    let mut site = Site::new();
    let e = site.run("dave", "finance.mirror", json!({})).unwrap_err();
    assert!(e.is_forbidden(), "{e}");
}
