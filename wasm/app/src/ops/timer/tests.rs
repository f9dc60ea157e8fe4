//! Timers against the simulator (in-process) and a real SQLite: one test per
//! rule, each of which fails when its rule is removed.

use jira_sim::{Sim, World};
use serde_json::{json, Value as Json};

use crate::testing::FakeHost;

/// 2026-11-24T12:00:00Z (13:00 in Berlin, the fake host's zone).
const NOW: i64 = 1_795_521_600_000;
const MIN: i64 = 60_000;
const HOUR: i64 = 3_600_000;

fn sim() -> Sim {
    let mut world = World::demo(1);
    world.set_time(NOW);
    Sim::new(world)
}

fn id_of(sim: &Sim, alias: &str) -> String {
    sim.with_world(|w| w.account_id(alias).map(str::to_owned))
        .unwrap_or_default()
}

/// A host acting as `alias` on the simulator, at [`NOW`].
fn host(sim: &Sim, alias: &str) -> FakeHost {
    let mut host = FakeHost::new(Some(&id_of(sim, alias))).on_sim(sim);
    host.now_ms = NOW;
    host
}

fn act(host: &mut FakeHost, sim: &Sim, alias: &str) {
    host.act_as(Some(&id_of(sim, alias)));
}

/// Saves the site's rounding settings as dave (an administrator), then acts
/// as alice again.
fn save_rule(host: &mut FakeHost, sim: &Sim, settings: Json) {
    act(host, sim, "dave");
    host.run("rounding.save", settings).unwrap();
    act(host, sim, "alice");
}

fn start(host: &mut FakeHost, issue: &str) -> String {
    let out = host.run("timer.start", json!({"issue": issue})).unwrap();
    out["timer"]["id"].as_str().unwrap().to_owned()
}

fn worklog_seconds(host: &mut FakeHost, issue: &str) -> Json {
    host.run("worklog.list", json!({"issue": issue})).unwrap()["totalSeconds"].clone()
}

#[test]
fn start_pause_resume_and_stop_log_the_running_time_from_the_first_start() {
    let sim = sim();
    let mut host = host(&sim, "alice");
    let id = start(&mut host, "ALPHA-2");
    host.now_ms = NOW + 20 * MIN;
    let paused = host.run("timer.pause", json!({"id": id})).unwrap();
    assert_eq!(paused["state"], "paused");
    assert_eq!(paused["elapsedSeconds"], 1200);
    // Paused time does not count.
    host.now_ms = NOW + 2 * HOUR;
    let listed = host.run("timer.list", json!({})).unwrap();
    assert_eq!(listed["timers"][0]["elapsedSeconds"], 1200);
    assert_eq!(listed["limitMinutes"], 720);
    let resumed = host.run("timer.resume", json!({"id": id})).unwrap();
    assert_eq!(resumed["timer"]["state"], "running");
    host.now_ms = NOW + 2 * HOUR + 10 * MIN;
    let stopped = host
        .run("timer.stop", json!({"id": id, "action": "log"}))
        .unwrap();
    assert_eq!(stopped["elapsedSeconds"], 1800);
    assert_eq!(stopped["loggedSeconds"], 1800);
    assert_eq!(stopped["worklog"]["timeSpentSeconds"], 1800);
    // The first start, in the person's zone.
    assert_eq!(
        stopped["worklog"]["started"],
        "2026-11-24T13:00:00.000+01:00"
    );
    assert_eq!(worklog_seconds(&mut host, "ALPHA-2"), 1800);
    // The timer is gone.
    assert_eq!(
        host.run("timer.list", json!({})).unwrap()["timers"],
        json!([])
    );
    let e = host
        .run("timer.stop", json!({"id": id, "action": "log"}))
        .unwrap_err();
    assert!(e.is_not_found(), "{e}");
}

#[test]
fn the_site_rule_rounds_what_a_timer_logs() {
    let sim = sim();
    let mut host = host(&sim, "alice");
    save_rule(
        &mut host,
        &sim,
        json!({"rule": {"mode": "up", "incrementMinutes": 15}}),
    );
    let id = start(&mut host, "ALPHA-2");
    host.now_ms = NOW + 7 * MIN;
    let stopped = host
        .run("timer.stop", json!({"id": id, "action": "log"}))
        .unwrap();
    assert_eq!(stopped["elapsedSeconds"], 420);
    assert_eq!(stopped["loggedSeconds"], 900);
    assert_eq!(stopped["worklog"]["timeSpentSeconds"], 900);

    // A rule on totals keeps each timer's time: 3 × 20 minutes is 1 hour.
    save_rule(
        &mut host,
        &sim,
        json!({"rule": {"mode": "up", "incrementMinutes": 15, "target": "total"}}),
    );
    for i in 0..3 {
        host.now_ms = NOW + HOUR * (i + 1);
        let id = start(&mut host, "ALPHA-3");
        host.now_ms += 20 * MIN;
        let out = host
            .run("timer.stop", json!({"id": id, "action": "log"}))
            .unwrap();
        assert_eq!(out["loggedSeconds"], 1200);
    }
    let list = host
        .run("worklog.list", json!({"issue": "ALPHA-3"}))
        .unwrap();
    let mine: i64 = list["worklogs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w["author"]["accountId"] == json!(id_of(&sim, "alice")))
        .filter(|w| w["started"].as_str().unwrap().starts_with("2026-11-24T1"))
        .map(|w| w["timeSpentSeconds"].as_i64().unwrap())
        .sum();
    assert_eq!(mine, 3600);
}

#[test]
fn a_time_that_rounds_to_nothing_is_not_logged_and_the_timer_is_kept() {
    let sim = sim();
    let mut host = host(&sim, "alice");
    save_rule(
        &mut host,
        &sim,
        json!({"rule": {"mode": "down", "incrementMinutes": 15}}),
    );
    let id = start(&mut host, "ALPHA-2");
    host.now_ms = NOW + 7 * MIN;
    let e = host
        .run("timer.stop", json!({"id": id, "action": "log"}))
        .unwrap_err();
    assert_eq!(e.code(), crate::ErrorCode::Conflict, "{e}");
    assert!(e.message().contains("420 seconds, which round to 0"), "{e}");
    assert_eq!(worklog_seconds(&mut host, "ALPHA-2"), 0);
    let out = host
        .run("timer.stop", json!({"id": id, "action": "discard"}))
        .unwrap();
    assert_eq!(
        out,
        json!({"id": id, "action": "discard", "elapsedSeconds": 420})
    );
}

#[test]
fn one_timer_runs_at_a_time_refused_paused_or_stopped_as_chosen() {
    let sim = sim();
    let mut host = host(&sim, "alice");
    let first = start(&mut host, "ALPHA-2");
    host.now_ms = NOW + 10 * MIN;
    let e = host
        .run("timer.start", json!({"issue": "ALPHA-3"}))
        .unwrap_err();
    assert_eq!(e.code(), crate::ErrorCode::Conflict, "{e}");
    assert!(e.message().contains("ALPHA-2"), "{e}");
    assert_eq!(
        host.run("timer.list", json!({})).unwrap()["timers"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let out = host
        .run("timer.start", json!({"issue": "ALPHA-3", "other": "pause"}))
        .unwrap();
    assert_eq!(out["paused"]["id"], first.as_str());
    assert_eq!(out["paused"]["state"], "paused");
    assert_eq!(out["paused"]["elapsedSeconds"], 600);
    let second = out["timer"]["id"].as_str().unwrap().to_owned();
    // Resuming the first is refused while the second runs, then stops it.
    host.now_ms = NOW + 40 * MIN;
    let e = host.run("timer.resume", json!({"id": first})).unwrap_err();
    assert_eq!(e.code(), crate::ErrorCode::Conflict, "{e}");
    let out = host
        .run("timer.resume", json!({"id": first, "other": "stop"}))
        .unwrap();
    assert_eq!(out["stopped"]["id"], second.as_str());
    assert_eq!(out["stopped"]["worklog"]["timeSpentSeconds"], 1800);
    assert_eq!(out["timer"]["state"], "running");
    let list = host.run("timer.list", json!({})).unwrap();
    assert_eq!(list["timers"].as_array().unwrap().len(), 1);
}

#[test]
fn another_persons_timer_is_not_found_and_unchanged() {
    let sim = sim();
    let mut host = host(&sim, "alice");
    let id = start(&mut host, "ALPHA-2");
    act(&mut host, &sim, "bob");
    let table = [
        ("timer.pause", json!({"id": id})),
        ("timer.resume", json!({"id": id})),
        ("timer.update", json!({"id": id, "comment": "mine now"})),
        ("timer.stop", json!({"id": id, "action": "discard"})),
        ("timer.stop", json!({"id": id, "action": "log"})),
    ];
    for (operation, input) in table {
        let e = host.run(operation, input).unwrap_err();
        assert!(e.is_not_found(), "{operation}: {e}");
        assert_eq!(
            e.message(),
            format!("you have no timer \"{id}\""),
            "{operation}"
        );
    }
    assert_eq!(
        host.run("timer.list", json!({})).unwrap()["timers"],
        json!([])
    );
    // Bob's own start is not blocked by Alice's running timer.
    start(&mut host, "ALPHA-3");
    act(&mut host, &sim, "alice");
    let list = host.run("timer.list", json!({})).unwrap();
    assert_eq!(list["timers"].as_array().unwrap().len(), 1);
    assert_eq!(list["timers"][0]["id"], id.as_str());
    assert_eq!(list["timers"][0]["state"], "running");
    assert_eq!(list["timers"][0]["comment"], "");
}

#[test]
fn a_timer_starts_only_where_the_person_may_log_work() {
    let sim = sim();
    // Erin browses ALPHA but may not work on it.
    let mut host = host(&sim, "erin");
    let e = host
        .run("timer.start", json!({"issue": "ALPHA-2"}))
        .unwrap_err();
    assert!(e.is_forbidden(), "{e}");
    assert!(e.message().contains("WORK_ON_ISSUES"), "{e}");
    // Alice does not see OPS.
    act(&mut host, &sim, "alice");
    let e = host
        .run("timer.start", json!({"issue": "OPS-2"}))
        .unwrap_err();
    assert!(e.is_not_found(), "{e}");
    assert!(host.query("SELECT id FROM timers").is_empty());
}

#[test]
fn attributes_are_checked_when_given_and_required_when_logged() {
    let sim = sim();
    let mut host = host(&sim, "alice");
    host.exec(
        "INSERT INTO settings VALUES ('site-1', 'attributes', '[\
         {\"key\":\"work_type\",\"name\":\"Work type\",\"type\":\"select\",\"options\":[\"Dev\",\"Meeting\"],\"required\":true}]', 0)",
    );
    let e = host
        .run(
            "timer.start",
            json!({"issue": "ALPHA-2", "attributes": {"work_type": "Lunch"}}),
        )
        .unwrap_err();
    assert_eq!(
        e.message(),
        r#"invalid input: field "attributes.work_type": "Lunch" is not allowed (expected one of Dev, Meeting)"#
    );
    // A required one may be filled while the timer runs.
    let id = start(&mut host, "ALPHA-2");
    host.now_ms = NOW + 30 * MIN;
    let e = host
        .run("timer.stop", json!({"id": id, "action": "log"}))
        .unwrap_err();
    assert_eq!(
        e.message(),
        r#"invalid input: field "attributes.work_type": "Work type" is required"#
    );
    let updated = host
        .run(
            "timer.update",
            json!({"id": id, "comment": "pairing", "attributes": {"work_type": "Dev"}}),
        )
        .unwrap();
    assert_eq!(updated["attributes"], json!({"work_type": "Dev"}));
    let out = host
        .run("timer.stop", json!({"id": id, "action": "log"}))
        .unwrap();
    assert_eq!(out["worklog"]["attributes"], json!({"work_type": "Dev"}));
    assert_eq!(out["worklog"]["comment"], "pairing");
}

#[test]
fn the_sweep_stops_forgotten_timers_at_their_limit_and_never_logs_them() {
    let sim = sim();
    let mut host = host(&sim, "alice");
    save_rule(
        &mut host,
        &sim,
        json!({"rule": {"mode": "none"}, "timerLimitMinutes": 60}),
    );
    // Alice at 13:00 Berlin: the limit (14:00) comes before midnight.
    let alice = start(&mut host, "ALPHA-2");
    // Bob at 23:30 Berlin (the fake host's zone): midnight comes first.
    act(&mut host, &sim, "bob");
    host.now_ms = NOW + 10 * HOUR + 30 * MIN;
    let bob = start(&mut host, "ALPHA-3");
    // Before anything is due, the sweep stops nothing.
    host.act_as(None);
    host.now_ms = NOW + 59 * MIN;
    let out = host.run("timer.sweep", json!({})).unwrap();
    assert_eq!(out["slice"]["stopped"], 0);
    host.now_ms = NOW + 20 * HOUR;
    let requests = host.jira_requests().len();
    let out = host.run("timer.sweep", json!({})).unwrap();
    assert_eq!(out["slice"]["stopped"], 2);
    assert_eq!(out["more"], false);
    // Nothing was sent to Jira: nothing logged.
    assert_eq!(host.jira_requests().len(), requests);
    // Once stopped, the next sweep has nothing to do.
    assert_eq!(
        host.run("timer.sweep", json!({})).unwrap()["slice"]["stopped"],
        0
    );
    act(&mut host, &sim, "alice");
    let list = host.run("timer.list", json!({})).unwrap();
    let timer = &list["timers"][0];
    assert_eq!(timer["id"], alice.as_str());
    assert_eq!(timer["state"], "forgotten");
    assert_eq!(timer["stopReason"], "limit");
    assert_eq!(timer["elapsedSeconds"], 3600);
    assert_eq!(timer["stopAt"], "2026-11-24T14:00:00.000+01:00");
    // A forgotten timer does not run again; its owner logs or discards it.
    let e = host.run("timer.resume", json!({"id": alice})).unwrap_err();
    assert_eq!(e.code(), crate::ErrorCode::Conflict, "{e}");
    let out = host
        .run("timer.stop", json!({"id": alice, "action": "log"}))
        .unwrap();
    assert_eq!(out["loggedSeconds"], 3600);
    act(&mut host, &sim, "bob");
    let list = host.run("timer.list", json!({})).unwrap();
    let timer = &list["timers"][0];
    assert_eq!(timer["id"], bob.as_str());
    assert_eq!(timer["stopReason"], "midnight");
    assert_eq!(timer["elapsedSeconds"], 1800);
    assert_eq!(timer["stopAt"], "2026-11-25T00:00:00.000+01:00");
}

#[test]
fn stopping_a_timer_past_its_limit_asks_for_confirmation_first() {
    let sim = sim();
    let mut host = host(&sim, "alice");
    save_rule(
        &mut host,
        &sim,
        json!({"rule": {"mode": "none"}, "timerLimitMinutes": 60}),
    );
    let id = start(&mut host, "ALPHA-2");
    host.now_ms = NOW + 5 * HOUR;
    let e = host
        .run("timer.stop", json!({"id": id, "action": "log"}))
        .unwrap_err();
    assert_eq!(e.code(), crate::ErrorCode::Conflict, "{e}");
    assert!(
        e.message()
            .contains("ran past the site's limit of 60 minutes"),
        "{e}"
    );
    assert_eq!(worklog_seconds(&mut host, "ALPHA-2"), 0);
    let out = host
        .run("timer.stop", json!({"id": id, "action": "log"}))
        .unwrap();
    assert_eq!(out["loggedSeconds"], 3600);
}

#[test]
fn a_person_keeps_at_most_twenty_timers() {
    let sim = sim();
    let mut host = host(&sim, "alice");
    for i in 0..20 {
        host.now_ms = NOW + i * MIN;
        host.run(
            "timer.start",
            json!({"issue": format!("ALPHA-{}", 2 + i % 5), "other": "pause"}),
        )
        .unwrap();
    }
    host.now_ms = NOW + HOUR;
    let e = host
        .run("timer.start", json!({"issue": "ALPHA-2", "other": "pause"}))
        .unwrap_err();
    assert_eq!(e.code(), crate::ErrorCode::Limit, "{e}");
    assert!(e.message().contains("20"), "{e}");
}

#[test]
fn the_site_rule_rounds_manual_entries_only_when_asked() {
    let sim = sim();
    let mut host = host(&sim, "alice");
    let log = json!({"issue": "ALPHA-2", "started": "2026-11-24T09:00:00+01:00", "seconds": 420});
    save_rule(
        &mut host,
        &sim,
        json!({"rule": {"mode": "up", "incrementMinutes": 15}}),
    );
    let out = host.run("worklog.log", log.clone()).unwrap();
    assert_eq!(out["timeSpentSeconds"], 420);
    save_rule(
        &mut host,
        &sim,
        json!({"rule": {"mode": "up", "incrementMinutes": 15}, "applyToManual": true}),
    );
    let out = host.run("worklog.log", log.clone()).unwrap();
    assert_eq!(out["timeSpentSeconds"], 900);
    let id = out["id"].as_str().unwrap().to_owned();
    let out = host
        .run(
            "worklog.update",
            json!({"issue": "ALPHA-2", "id": id, "timeSpent": "16m"}),
        )
        .unwrap();
    assert_eq!(out["timeSpentSeconds"], 1800);
    save_rule(
        &mut host,
        &sim,
        json!({"rule": {"mode": "down", "incrementMinutes": 15}, "applyToManual": true}),
    );
    let e = host.run("worklog.log", log).unwrap_err();
    assert_eq!(
        e.message(),
        r#"invalid input: field "seconds": 420 seconds round to 0 under the site's rule (down to 15 minutes), and jira refuses a worklog of no time"#
    );
}

#[test]
fn bad_input_names_the_field_and_value_before_any_effect() {
    let mut host = FakeHost::new(Some("alice"));
    let table = [
        ("timer.start", json!({"issue": "alpha"}), r#"field "issue""#),
        (
            "timer.start",
            json!({"issue": "ALPHA-2", "other": "kill"}),
            r#"field "other": "kill" is not one of refuse, pause, stop"#,
        ),
        (
            "timer.start",
            json!({"issue": "ALPHA-2", "comment": "x".repeat(32_768)}),
            r#"field "comment""#,
        ),
        (
            "timer.pause",
            json!({"id": "XYZ"}),
            r#"field "id": "XYZ" is not a timer id"#,
        ),
        (
            "timer.stop",
            json!({"id": "abc", "action": "save"}),
            r#"field "action": "save" is not one of log, discard"#,
        ),
        ("timer.update", json!({"id": "abc"}), "nothing to change"),
        (
            "timer.resume",
            json!({"id": "abc", "by": 1}),
            "unknown field `by`",
        ),
    ];
    for (operation, input, expected) in table {
        let e = host.run(operation, input.clone()).unwrap_err();
        assert!(e.is_invalid_input(), "{operation} {input}: {e}");
        assert!(e.message().contains(expected), "{operation} {input}: {e}");
    }
    assert!(host.batches.is_empty());
}
