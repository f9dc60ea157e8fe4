//! The sync against the real simulator (in-process) and a real SQLite: the
//! index must equal Jira after a full import, after edits, deletions, moves,
//! new parents, field and permission changes, after events, and after runs
//! killed at random effects.

use std::collections::BTreeMap;

use jira_sim::{Caller, Fault, InProcess, Sim, World};
use serde_json::{json, Value as Json};

use crate::index::{canonical_json, note, simplify};
use crate::protocol::{Effect, Value};
use crate::testing::{write_attributes_in_jira, FakeHost};

mod concurrency;
mod journal;

/// 2026-11-24T12:00:00Z, when the demo's history ends.
const NOW: i64 = 1_795_521_600_000;

/// The demo site (seed 1, 1537 worklogs) with its clock frozen at [`NOW`].
fn sim() -> Sim {
    let mut world = World::demo(1);
    world.set_time(NOW);
    Sim::new(world)
}

/// A job (no acting user) on the simulator.
fn job(sim: &Sim) -> FakeHost {
    let mut host = FakeHost::new(None).on_sim(sim);
    host.now_ms = sim.with_world(|w| w.now_ms());
    host
}

/// Moves the site's clock on by two minutes (past the feeds' quiet minute)
/// and the host's with it.
fn later(sim: &Sim, host: &mut FakeHost) {
    sim.with_world(|w| w.advance_time(120_000));
    host.now_ms = sim.with_world(|w| w.now_ms());
}

/// Runs slices of `operation` until one says no more remains; returns them.
fn slices(host: &mut FakeHost, operation: &str, input: Json) -> Vec<Json> {
    let mut out = Vec::new();
    for _ in 0..500 {
        let result = host.run(operation, input.clone()).unwrap();
        let more = result["more"] == json!(true);
        out.push(result);
        if !more {
            return out;
        }
    }
    panic!("{operation} did not finish in 500 slices");
}

/// The world's worklogs started (UTC) from 2026-11-01 up to 2026-11-23:
/// within the period the tests verify.
fn in_verified_weeks(sim: &Sim) -> Vec<jira_sim::WorklogFacts> {
    sim.with_world(|w| w.worklog_facts())
        .into_iter()
        .filter(|f| (1_793_491_200_000..1_795_392_000_000).contains(&f.started_ms))
        .collect()
}

fn int(v: &Value) -> i64 {
    match v {
        Value::Int(i) => *i,
        other => panic!("not an int: {other:?}"),
    }
}

fn text(v: &Value) -> Option<String> {
    match v {
        Value::Text(t) => Some(t.clone()),
        Value::Null => None,
        other => panic!("not text: {other:?}"),
    }
}

/// One worklog, as comparable on both sides.
#[derive(Debug, PartialEq)]
struct Fact {
    issue: i64,
    project: i64,
    author: String,
    started: i64,
    seconds: i64,
    updated: i64,
    visibility: Option<(String, String)>,
    attributes: Option<String>,
    note: i64,
}

fn jira_worklogs(sim: &Sim) -> BTreeMap<i64, Fact> {
    sim.with_world(|w| w.worklog_facts())
        .into_iter()
        .map(|f| {
            let fact = Fact {
                issue: f.issue_id as i64,
                project: f.project_id as i64,
                author: f.author,
                started: f.started_ms,
                seconds: f.seconds,
                updated: f.updated_ms,
                visibility: f.visibility,
                attributes: f.attributes.as_ref().map(canonical_json),
                note: f
                    .comment
                    .as_ref()
                    .map_or(0, |c| note(&crate::adf::to_plain_text(c))),
            };
            (f.id as i64, fact)
        })
        .collect()
}

fn index_worklogs(host: &FakeHost) -> BTreeMap<i64, Fact> {
    host.query(
        "SELECT w.id, w.issue, w.project, a.value, w.started, w.seconds, w.updated, v.value, t.value, w.note \
         FROM worklogs w JOIN dict a ON a.site = w.site AND a.id = w.author \
         LEFT JOIN dict v ON v.site = w.site AND v.id = w.visibility \
         LEFT JOIN dict t ON t.site = w.site AND t.id = w.attrs ORDER BY w.id",
    )
    .into_iter()
    .map(|r| {
        let visibility = text(&r[7]).map(|v| {
            let v: Json = serde_json::from_str(&v).unwrap();
            (
                v["type"].as_str().unwrap().to_owned(),
                v["value"].as_str().unwrap().to_owned(),
            )
        });
        let fact = Fact {
            issue: int(&r[1]),
            project: int(&r[2]),
            author: text(&r[3]).unwrap(),
            started: int(&r[4]),
            seconds: int(&r[5]),
            updated: int(&r[6]),
            visibility,
            attributes: text(&r[8]),
            note: int(&r[9]),
        };
        (int(&r[0]), fact)
    })
    .collect()
}

/// The index's issues, as (key, summary, project, parent, type, status name,
/// components, labels, versions, fields).
fn index_issues(host: &FakeHost) -> BTreeMap<i64, Json> {
    host.query(
        "SELECT i.id, i.issue_key, i.summary, i.project, i.parent, t.value, s.value, c.value, l.value, v.value, f.value \
         FROM issues i JOIN dict t ON t.site = i.site AND t.id = i.issue_type \
         JOIN dict s ON s.site = i.site AND s.id = i.status \
         LEFT JOIN dict c ON c.site = i.site AND c.id = i.components \
         LEFT JOIN dict l ON l.site = i.site AND l.id = i.labels \
         LEFT JOIN dict v ON v.site = i.site AND v.id = i.versions \
         LEFT JOIN dict f ON f.site = i.site AND f.id = i.fields ORDER BY i.id",
    )
    .into_iter()
    .map(|r| {
        let list = |v: &Value| text(v).map_or(json!([]), |t| serde_json::from_str(&t).unwrap());
        let status: Json = serde_json::from_str(&text(&r[6]).unwrap()).unwrap();
        let issue = json!({
            "key": text(&r[1]), "summary": text(&r[2]), "project": int(&r[3]), "parent": int(&r[4]),
            "type": text(&r[5]), "status": status["name"],
            "components": list(&r[7]), "labels": list(&r[8]), "versions": list(&r[9]),
            "fields": text(&r[10]).map_or(json!({}), |t| serde_json::from_str(&t).unwrap()),
        });
        (int(&r[0]), issue)
    })
    .collect()
}

fn jira_issue(sim: &Sim, id: i64, custom: &[&str]) -> Json {
    let f = sim.with_world(|w| w.issue_facts(&id.to_string())).unwrap();
    let sorted = |mut v: Vec<String>| {
        v.sort();
        v.dedup();
        v
    };
    let mut fields = serde_json::Map::new();
    for (field, value) in &f.custom {
        if custom.contains(&field.as_str()) {
            fields.insert(field.clone(), simplify(value));
        }
    }
    json!({
        "key": f.key, "summary": f.summary, "project": f.project_id as i64,
        "parent": f.parent_id.map_or(0, |p| p as i64),
        "type": f.issue_type, "status": f.status,
        "components": sorted(f.components), "labels": sorted(f.labels), "versions": sorted(f.fix_versions),
        "fields": fields,
    })
}

/// The index holds exactly Jira's worklogs, and the issues of those worklogs
/// and their parents with Jira's fields.
fn assert_index_is_jira(host: &FakeHost, sim: &Sim, custom: &[&str]) {
    let (ours, theirs) = (index_worklogs(host), jira_worklogs(sim));
    let missing: Vec<_> = theirs
        .keys()
        .filter(|id| !ours.contains_key(id))
        .take(5)
        .collect();
    let extra: Vec<_> = ours
        .keys()
        .filter(|id| !theirs.contains_key(id))
        .take(5)
        .collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing {missing:?}, extra {extra:?}"
    );
    for (id, fact) in &theirs {
        assert_eq!(ours.get(id), Some(fact), "worklog {id}");
    }
    let issues = index_issues(host);
    for fact in theirs.values() {
        let issue = issues
            .get(&fact.issue)
            .unwrap_or_else(|| panic!("issue {} not indexed", fact.issue));
        assert_eq!(
            issue,
            &jira_issue(sim, fact.issue, custom),
            "issue {}",
            fact.issue
        );
        let parent = issue["parent"].as_i64().unwrap();
        if parent != 0 {
            assert_eq!(
                issues.get(&parent),
                Some(&jira_issue(sim, parent, custom)),
                "parent {parent}"
            );
        }
    }
}

#[test]
fn a_full_import_in_slices_indexes_every_worklog() {
    let sim = sim();
    let mut host = job(&sim);
    let results = slices(
        &mut host,
        "sync.full",
        json!({"maxWorklogs": 1000, "parallel": 1}),
    );
    assert!(results.len() >= 2, "{} slices", results.len());
    let first = &results[0];
    assert_eq!(first["mode"], "full");
    assert!(
        first["progress"]["done"].as_u64().unwrap() >= 1000,
        "{first}"
    );
    assert!(
        first["progress"]["total"].as_u64().unwrap() >= first["progress"]["done"].as_u64().unwrap()
    );
    assert!(
        first["progress"]["label"]
            .as_str()
            .unwrap()
            .starts_with("importing worklogs updated up to"),
        "{first}"
    );
    let last = results.last().unwrap();
    assert_eq!(last["phase"], "done");
    assert_eq!(last["totals"]["written"], 1537);
    assert_index_is_jira(&host, &sim, &[]);

    // With more in flight, several worklog/list calls go out in one batch.
    let mut wide = job(&sim);
    slices(&mut wide, "sync.full", json!({"parallel": 4}));
    let lists_per_batch = wide
        .batches
        .iter()
        .map(|b| {
            b.iter()
                .filter(|r| matches!(&r.effect, Effect::Jira(j) if j.path.starts_with("/rest/api/3/worklog/list")))
                .count()
        })
        .max();
    assert_eq!(lists_per_batch, Some(2));
    // Issue fields came in search/jql batches of at most 100 ids.
    for request in host
        .jira_requests()
        .iter()
        .filter(|r| r.path == "/rest/api/3/search/jql")
    {
        let body: Json = serde_json::from_str(request.body.as_deref().unwrap()).unwrap();
        let jql = body["jql"].as_str().unwrap();
        assert!(jql.starts_with("id in ("), "{jql}");
        assert!(jql.split(',').count() <= 100, "{jql}");
    }

    // Once imported, a full sync does nothing more and an incremental run finds nothing.
    let again = slices(&mut host, "sync.incremental", json!({}));
    assert_eq!(again.last().unwrap()["mode"], "incremental");
    assert_eq!(again.last().unwrap()["totals"]["written"], 0);
    assert_index_is_jira(&host, &sim, &[]);
}

/// Changes made in Jira by people and by Jira itself, then an incremental sync.
#[test]
fn an_incremental_sync_follows_edits_deletions_moves_and_permissions() {
    let sim = sim();
    let mut host = job(&sim);
    host.act_as(Some("dave"));
    host.run(
        "sync.settings.save",
        json!({"customFields": ["customfield_10100"]}),
    )
    .unwrap();
    host.act_as(None);
    slices(&mut host, "sync.full", json!({}));
    let custom = ["customfield_10100"];
    assert_index_is_jira(&host, &sim, &custom);

    let jira = InProcess::new(&sim).unwrap();
    let send = |who: &str, method: &str, path: &str, body: Json| {
        let reply = jira.send(Caller::Account(who), method, path, Some(&body.to_string()));
        assert!(
            reply.status < 300,
            "{method} {path}: {} {}",
            reply.status,
            reply.body
        );
        serde_json::from_str::<Json>(&reply.body).unwrap_or(Json::Null)
    };
    // New worklogs, one with attributes set with it.
    let created = send(
        "alice",
        "POST",
        "/rest/api/3/issue/ALPHA-3/worklog",
        json!({"started": "2026-11-24T09:00:00.000+0100", "timeSpentSeconds": 1800,
               "properties": [{"key": "worklogs.attributes", "value": {"billable": true}}]}),
    );
    send(
        "bob",
        "POST",
        "/rest/api/3/issue/BETA-4/worklog",
        json!({"started": "2026-11-24T08:00:00.000-0500", "timeSpentSeconds": 3600}),
    );
    // An edit, a visibility change (who may see it), a deletion.
    let id = created["id"].as_str().unwrap().to_owned();
    send(
        "alice",
        "PUT",
        &format!("/rest/api/3/issue/ALPHA-3/worklog/{id}"),
        json!({"timeSpentSeconds": 2700, "visibility": {"type": "group", "value": "team-alpha"}}),
    );
    let facts = sim.with_world(|w| w.worklog_facts());
    let carol = sim.with_world(|w| w.account_id("carol").unwrap().to_owned());
    let victim = facts.iter().find(|f| f.author == carol).unwrap();
    send(
        "carol",
        "DELETE",
        &format!(
            "/rest/api/3/issue/{}/worklog/{}",
            victim.issue_id, victim.id
        ),
        json!(null),
    );
    // Jira-side changes: a move between projects, a new parent, a status and a field.
    let moved = sim.with_world(|w| w.move_issue("ALPHA-5", "BETA")).unwrap();
    assert!(moved.starts_with("BETA-"));
    assert!(sim.with_world(|w| w.set_parent("ALPHA-6", Some("BETA-1"))));
    assert!(sim.with_world(|w| w.edit_issue("ALPHA-7", Some("Renamed"), Some("Done"))));
    assert!(sim.with_world(|w| w.set_custom_field(
        "ALPHA-8",
        "customfield_10100",
        Some(json!({"id": "10201", "value": "Client A"}))
    )));
    // Permissions: only ops may browse BETA now (the app still sees everything).
    assert!(sim.with_world(|w| w.set_browse_groups("BETA", &["ops"])));

    later(&sim, &mut host);
    let results = slices(&mut host, "sync.incremental", json!({}));
    let last = results.last().unwrap();
    assert_eq!(last["mode"], "incremental", "{last}");
    assert!(last["totals"]["issues"].as_u64().unwrap() >= 4, "{last}");
    assert_eq!(last["totals"]["deleted"], 1, "{last}");
    assert_index_is_jira(&host, &sim, &custom);
}

/// A run killed after a random number of effects, then started again, as
/// often as it takes: nothing is lost or duplicated.
#[test]
fn runs_killed_at_random_effects_resume_without_loss() {
    let mut seed: u64 = 0x5eed_1234;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    // The most effects one uninterrupted slice takes: kill points are drawn
    // below it, so that most attempts are killed somewhere.
    let longest = {
        let sim = sim();
        let mut host = job(&sim);
        let mut longest = 0;
        loop {
            let before = host.effects;
            let result = host
                .run("sync.full", json!({"maxWorklogs": 1000, "parallel": 1}))
                .unwrap();
            longest = longest.max(host.effects - before);
            if result["more"] == json!(false) {
                break longest;
            }
        }
    };
    assert!(longest > 10, "{longest}");
    let mut total_kills = 0;
    for round in 0..6 {
        let sim = sim();
        let mut host = job(&sim);
        let mut kills = 0;
        let mut finished = false;
        for _ in 0..400 {
            let limit = 1 + next() % longest;
            match host.run_until(
                "sync.full",
                r#"{"maxWorklogs": 1000, "parallel": 1}"#,
                limit,
            ) {
                None => kills += 1,
                Some(result) => {
                    let result = result.unwrap();
                    if result["more"] == json!(false) {
                        finished = true;
                        break;
                    }
                }
            }
        }
        assert!(finished, "round {round}: the full import never finished");
        assert!(kills > 0, "round {round}: no kill");
        total_kills += kills;
        assert_index_is_jira(&host, &sim, &[]);

        // Changes, then an incremental run killed as well.
        let jira = InProcess::new(&sim).unwrap();
        for i in 0..5 {
            let reply = jira.send(
                Caller::Account("bob"),
                "POST",
                "/rest/api/3/issue/ALPHA-4/worklog",
                Some(&json!({"started": format!("2026-11-24T0{i}:00:00.000-0500"), "timeSpentSeconds": 600}).to_string()),
            );
            assert_eq!(reply.status, 201, "{}", reply.body);
        }
        let gone = sim.with_world(|w| w.worklog_facts())[round].clone();
        let reply = jira.send(
            Caller::App,
            "DELETE",
            &format!("/rest/api/3/issue/{}/worklog/{}", gone.issue_id, gone.id),
            None,
        );
        assert_eq!(reply.status, 204, "{}", reply.body);
        sim.with_world(|w| w.move_issue("BETA-3", "ALPHA"));
        later(&sim, &mut host);
        let mut finished = false;
        for _ in 0..400 {
            let limit = 1 + next() % longest;
            match host.run_until("sync.incremental", "{}", limit) {
                None => total_kills += 1,
                Some(result) => {
                    if result.unwrap()["more"] == json!(false) {
                        finished = true;
                        break;
                    }
                }
            }
        }
        assert!(
            finished,
            "round {round}: the incremental run never finished"
        );
        assert_index_is_jira(&host, &sim, &[]);
    }
    assert!(total_kills >= 20, "only {total_kills} kills in all");
}

#[test]
fn worklog_events_update_the_index() {
    let sim = sim();
    let mut host = job(&sim);
    slices(&mut host, "sync.full", json!({}));
    let jira = InProcess::new(&sim).unwrap();
    let reply = jira.send(
        Caller::Account("alice"),
        "POST",
        "/rest/api/3/issue/ALPHA-2/worklog",
        Some(r#"{"started": "2026-11-24T10:00:00.000+0100", "timeSpentSeconds": 900}"#),
    );
    let created: Json = serde_json::from_str(&reply.body).unwrap();
    let id = created["id"].as_str().unwrap().to_owned();
    let event = |kind: &str| {
        json!({"eventType": format!("avi:jira:{kind}:worklog"), "atlassianId": "x",
               "worklog": {"id": id, "issueId": created["issueId"], "timeSpentSeconds": 900}})
    };
    let out = host.run("sync.worklog-event", event("created")).unwrap();
    assert_eq!(
        out,
        json!({"event": "created", "worklog": id, "action": "indexed"})
    );
    assert_index_is_jira(&host, &sim, &[]);
    // Twice: nothing to do.
    let out = host.run("sync.worklog-event", event("updated")).unwrap();
    assert_eq!(out["action"], "unchanged");
    // An update event that arrives after the deletion removes it: Jira decides.
    jira.send(
        Caller::App,
        "DELETE",
        &format!("/rest/api/3/issue/ALPHA-2/worklog/{id}"),
        None,
    );
    let out = host.run("sync.worklog-event", event("updated")).unwrap();
    assert_eq!(out["action"], "removed");
    let out = host.run("sync.worklog-event", event("deleted")).unwrap();
    assert_eq!(out["action"], "absent");
    assert_index_is_jira(&host, &sim, &[]);
    let e = host
        .run(
            "sync.worklog-event",
            json!({"eventType": "avi:jira:created:issue", "worklog": {"id": "1"}}),
        )
        .unwrap_err();
    assert!(
        e.is_invalid_input() && e.message().contains("eventType"),
        "{e}"
    );
}

#[test]
fn verify_finds_drift_and_repairs_it() {
    let sim = sim();
    let mut host = job(&sim);
    slices(&mut host, "sync.full", json!({}));
    let period = json!({"from": "2026-11-01", "to": "2026-11-23"});
    let clean = host.run("sync.verify", period.clone()).unwrap();
    assert_eq!(clean["driftCount"], 0, "{clean}");
    assert!(clean["jiraWorklogs"].as_u64().unwrap() > 100);
    assert_eq!(clean["indexWorklogs"], clean["jiraWorklogs"]);

    // The index loses a row, another one's seconds change, and one is extra,
    // each on another issue; and in Jira, attributes change without an update.
    let rows = host.query(
        "SELECT MIN(id) FROM worklogs WHERE started >= 1793491200000 AND started < 1795392000000 \
         GROUP BY issue ORDER BY 1 LIMIT 4",
    );
    let ids: Vec<i64> = rows.iter().map(|r| int(&r[0])).collect();
    host.exec(&format!("DELETE FROM worklogs WHERE id = {}", ids[0]));
    host.exec(&format!(
        "UPDATE worklogs SET seconds = seconds + 60 WHERE id = {}",
        ids[1]
    ));
    host.exec(&format!(
        "INSERT INTO worklogs SELECT site, 99999999, issue, project, author, started, seconds, updated, visibility, attrs, note FROM worklogs WHERE id = {}",
        ids[2]
    ));
    let issue = sim
        .with_world(|w| w.worklog_facts())
        .into_iter()
        .find(|f| f.id as i64 == ids[3])
        .unwrap()
        .issue_id;
    write_attributes_in_jira(
        &sim,
        issue,
        ids[3] as u64,
        r#"{"billable": false, "workType": "support"}"#,
    );
    let found = host.run("sync.verify", period.clone()).unwrap();
    assert_eq!(found["driftCount"], 4, "{found}");
    assert!(found.get("repaired").is_none());
    let repaired = host
        .run(
            "sync.verify",
            json!({"from": "2026-11-01", "to": "2026-11-23", "repair": true}),
        )
        .unwrap();
    assert_eq!(repaired["repaired"]["deleted"], 1, "{repaired}");
    assert!(
        repaired["repaired"]["written"].as_u64().unwrap() >= 3,
        "{repaired}"
    );
    let after = host.run("sync.verify", period).unwrap();
    assert_eq!(after["driftCount"], 0, "{after}");
    assert_index_is_jira(&host, &sim, &[]);

    let e = host
        .run(
            "sync.verify",
            json!({"from": "2026-01-01", "to": "2026-11-23"}),
        )
        .unwrap_err();
    assert!(
        e.is_invalid_input() && e.message().contains("62 days"),
        "{e}"
    );
}

#[test]
fn busy_and_failing_jira_is_waited_for() {
    let sim = sim();
    let mut host = job(&sim);
    sim.inject(Fault::status("/rest/api/3/worklog/updated", 429).retry_after(2));
    sim.inject(Fault::status("/rest/api/3/worklog/list", 503).times(2));
    slices(&mut host, "sync.full", json!({}));
    assert_eq!(host.slept.len(), 3, "{:?}", host.slept);
    assert!((2000..=2400).contains(&host.slept[0]), "{:?}", host.slept);
    assert_index_is_jira(&host, &sim, &[]);

    // Jira that stays down: the run fails with a message to act on, and the
    // next run resumes.
    later(&sim, &mut host);
    sim.inject(Fault::status("/rest/api/3/worklog/updated", 503).times(5));
    let e = host.run("sync.incremental", json!({})).unwrap_err();
    assert!(e.is_upstream(), "{e}");
    assert!(e.message().contains("gave up after 5 attempts"), "{e}");
    let out = slices(&mut host, "sync.incremental", json!({}));
    assert_eq!(out.last().unwrap()["more"], false);
}

#[test]
fn the_apps_own_writes_update_the_index_at_once() {
    let sim = sim();
    let mut host = job(&sim);
    slices(&mut host, "sync.full", json!({}));
    host.act_as(Some("alice"));
    let logged = host
        .run(
            "worklog.log",
            json!({"issue": "ALPHA-2", "started": "2026-11-24T09:00:00+01:00", "timeSpent": "1h"}),
        )
        .unwrap();
    let id = logged["id"].as_str().unwrap().to_owned();
    assert_index_is_jira(&host, &sim, &[]);
    host.run(
        "worklog.update",
        json!({"issue": "ALPHA-2", "id": id, "seconds": 5400}),
    )
    .unwrap();
    assert_index_is_jira(&host, &sim, &[]);
    host.run("worklog.delete", json!({"issue": "ALPHA-2", "id": id}))
        .unwrap();
    assert_index_is_jira(&host, &sim, &[]);
}

#[test]
fn attributes_written_with_a_worklog_reach_jira_and_the_index_at_once() {
    let sim = sim();
    let mut host = job(&sim);
    slices(&mut host, "sync.full", json!({}));
    host.exec(
        "INSERT INTO settings VALUES ('site-1', 'attributes', \
         '[{\"key\":\"work_type\",\"name\":\"Work type\",\"type\":\"select\",\"options\":[\"Dev\",\"Meeting\"],\"required\":true},\
           {\"key\":\"billable\",\"name\":\"Billable\",\"type\":\"boolean\",\"required\":false}]', 0)",
    );
    host.act_as(Some("alice"));
    let logged = host
        .run(
            "worklog.log",
            json!({"issue": "ALPHA-2", "started": "2026-11-24T09:00:00+01:00", "timeSpent": "1h",
                   "attributes": {"work_type": "Meeting", "billable": true}}),
        )
        .unwrap();
    assert_eq!(
        logged["attributes"],
        json!({"work_type": "Meeting", "billable": true})
    );
    let id = logged["id"].as_str().unwrap().to_owned();
    assert_index_is_jira(&host, &sim, &[]);
    // An update without attributes keeps them.
    let out = host
        .run(
            "worklog.update",
            json!({"issue": "ALPHA-2", "id": id, "seconds": 5400}),
        )
        .unwrap();
    assert_eq!(
        out["attributes"],
        json!({"work_type": "Meeting", "billable": true})
    );
    assert_index_is_jira(&host, &sim, &[]);
    // With attributes, they replace the set.
    let out = host
        .run(
            "worklog.update",
            json!({"issue": "ALPHA-2", "id": id, "attributes": {"work_type": "Dev"}}),
        )
        .unwrap();
    assert_eq!(out["attributes"], json!({"work_type": "Dev"}));
    assert_index_is_jira(&host, &sim, &[]);
    let list = host
        .run("worklog.list", json!({"issue": "ALPHA-2"}))
        .unwrap();
    let listed = list["worklogs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["id"] == json!(id))
        .unwrap();
    assert_eq!(listed["attributes"], json!({"work_type": "Dev"}));
    // An invalid set changes nothing.
    let e = host
        .run(
            "worklog.update",
            json!({"issue": "ALPHA-2", "id": id, "attributes": {"billable": false}}),
        )
        .unwrap_err();
    assert_eq!(
        e.message(),
        r#"invalid input: field "attributes.work_type": "Work type" is required"#
    );
    assert_index_is_jira(&host, &sim, &[]);
}

#[test]
fn people_who_are_not_administrators_may_not_sync() {
    let sim = sim();
    let mut host = job(&sim);
    host.act_as(Some("alice"));
    for operation in [
        "sync.full",
        "sync.incremental",
        "sync.verify",
        "sync.status",
    ] {
        let e = host.run(operation, json!({})).unwrap_err();
        assert!(e.is_forbidden(), "{operation}: {e}");
    }
    let e = host
        .run(
            "sync.settings.save",
            json!({"customFields": ["customfield_10100"]}),
        )
        .unwrap_err();
    assert!(e.is_forbidden(), "{e}");
    host.act_as(Some("dave"));
    let out = host.run("sync.status", json!({})).unwrap();
    assert_eq!(out["imported"], false);
    let e = host
        .run("sync.settings.save", json!({"customFields": ["summary"]}))
        .unwrap_err();
    assert!(e.message().contains("customFields[0]"), "{e}");
    let e = host
        .run("sync.full", json!({"maxWorklogs": 10}))
        .unwrap_err();
    assert!(e.message().contains("maxWorklogs"), "{e}");
}

#[test]
fn status_reports_the_index() {
    let sim = sim();
    let mut host = job(&sim);
    host.run("sync.full", json!({"maxWorklogs": 1000})).unwrap();
    let out = host.run("sync.status", json!({})).unwrap();
    assert_eq!(out["running"]["mode"], "full", "{out}");
    slices(&mut host, "sync.full", json!({}));
    let out = host.run("sync.status", json!({})).unwrap();
    assert_eq!(out["imported"], true);
    assert_eq!(out["worklogs"], 1537);
    assert!(out["issues"].as_i64().unwrap() > 30);
    assert_eq!(out["running"], Json::Null);
}

#[test]
fn a_text_that_collides_with_a_stored_dictionary_entry_never_replaces_it() {
    let sim = sim();
    let mut host = job(&sim);
    slices(&mut host, "sync.full", json!({}));
    let f = in_verified_weeks(&sim).into_iter().next().unwrap();
    // A set written through Jira's REST API whose dictionary id is already
    // taken by another text (planted here: a real 53-bit collision is what a
    // determined author would have to compute).
    let forged = json!({"billable": true, "workType": "forged-for-this-test"});
    let id = crate::index::dict_id(crate::index::Kind::Attributes, &canonical_json(&forged));
    let victim = r#"{"billable":false}"#;
    host.exec(&format!(
        "REPLACE INTO dict (site, id, kind, value) VALUES (1, {id}, 3, '{victim}')"
    ));
    write_attributes_in_jira(&sim, f.issue_id, f.id, &forged.to_string());
    let before = host.query(&format!("SELECT attrs FROM worklogs WHERE id = {}", f.id));
    let repaired = host
        .run(
            "sync.verify",
            json!({"from": "2026-11-01", "to": "2026-11-23", "repair": true}),
        )
        .unwrap();
    assert_eq!(repaired["repaired"]["refused"], json!(1), "{repaired}");
    // The entry others point at keeps its text; the forged row is not written.
    let entry = host.query(&format!("SELECT value FROM dict WHERE id = {id}"));
    assert_eq!(text(&entry[0][0]).as_deref(), Some(victim));
    let after = host.query(&format!("SELECT attrs FROM worklogs WHERE id = {}", f.id));
    assert_eq!(after, before);
}

#[test]
fn a_worklog_whose_new_issue_is_refused_is_refused_with_it() {
    // An issue's row refused for a colliding text leaves its worklogs out
    // too: the index never holds a worklog without its issue, whose
    // security level reports read.
    let sim = sim();
    let mut reference = job(&sim);
    slices(&mut reference, "sync.full", json!({}));
    let f = in_verified_weeks(&sim).into_iter().next().unwrap();
    let status = int(&reference.query(&format!(
        "SELECT status FROM issues WHERE id = {}",
        f.issue_id
    ))[0][0]);
    let kind = int(&reference.query(&format!("SELECT kind FROM dict WHERE id = {status}"))[0][0]);
    let mut host = job(&sim);
    host.exec(&format!(
        "REPLACE INTO dict (site, id, kind, value) VALUES (1, {status}, {kind}, 'forged')"
    ));
    let last = slices(&mut host, "sync.full", json!({})).pop().unwrap();
    let refused = host.query(&format!(
        "SELECT COUNT(*) FROM issues WHERE status = {status}"
    ));
    assert_eq!(int(&refused[0][0]), 0, "{last}");
    let orphans = host.query(
        "SELECT COUNT(*) FROM worklogs w WHERE NOT EXISTS \
         (SELECT 1 FROM issues i WHERE i.site = w.site AND i.id = w.issue)",
    );
    assert_eq!(int(&orphans[0][0]), 0, "{last}");
    let left_out = host.query(&format!(
        "SELECT COUNT(*) FROM worklogs WHERE issue = {}",
        f.issue_id
    ));
    assert_eq!(int(&left_out[0][0]), 0);
    let indexed = host.query("SELECT COUNT(*) FROM worklogs");
    assert!(int(&indexed[0][0]) > 0);
    let entry = host.query(&format!("SELECT value FROM dict WHERE id = {status}"));
    assert_eq!(text(&entry[0][0]).as_deref(), Some("forged"));
}

#[test]
fn a_rebuild_gives_a_worklog_without_its_issue_row_its_issue_again() {
    // An index written before the issue-row rules may hold worklogs whose
    // issue row is gone (reports would count them as without a security
    // level): a rebuild fetches those issues and writes their rows.
    let sim = sim();
    let mut host = job(&sim);
    slices(&mut host, "sync.full", json!({}));
    let issue = int(&host.query("SELECT issue FROM worklogs ORDER BY id LIMIT 1")[0][0]);
    host.exec(&format!("DELETE FROM issues WHERE id = {issue}"));
    let orphans = "SELECT COUNT(*) FROM worklogs w WHERE NOT EXISTS \
                   (SELECT 1 FROM issues i WHERE i.site = w.site AND i.id = w.issue)";
    assert!(int(&host.query(orphans)[0][0]) > 0);
    slices(&mut host, "sync.full", json!({"restart": true}));
    assert_eq!(int(&host.query(orphans)[0][0]), 0);
    let row = host.query(&format!(
        "SELECT issue_key, security FROM issues WHERE id = {issue}"
    ));
    assert!(
        text(&row[0][0]).is_some_and(|key| key.contains('-')),
        "{row:?}"
    );
    assert_eq!(int(&row[0][1]), 0, "{row:?}");
}

/// Jira as the simulator answers it, but without the issues `hidden` holds
/// (as when they are deleted or hidden from the app): left out of searches,
/// 404 for their worklogs.
fn hiding_issues(sim: &Sim, hidden: std::rc::Rc<std::cell::RefCell<Vec<u64>>>) -> FakeHost {
    let jira = InProcess::new(sim).unwrap();
    let mut host = FakeHost::new(None).on_jira(move |request| {
        let hidden = hidden.borrow();
        if hidden
            .iter()
            .any(|id| request.path.contains(&format!("/issue/{id}/")))
        {
            return crate::testing::http(
                404,
                r#"{"errorMessages":["Issue does not exist or you do not have permission to see it."]}"#,
            );
        }
        let reply = jira.send(
            Caller::App,
            &request.method,
            &request.path,
            request.body.as_deref(),
        );
        let mut body = reply.body;
        if request.path.contains("/search/jql") && !hidden.is_empty() {
            let mut page: Json = serde_json::from_str(&body).unwrap();
            if let Some(issues) = page["issues"].as_array_mut() {
                issues.retain(|i| !hidden.iter().any(|id| i["id"] == json!(id.to_string())));
            }
            body = page.to_string();
        }
        crate::protocol::HttpResponse {
            status: reply.status,
            headers: reply.headers,
            body,
        }
    });
    host.now_ms = sim.with_world(|w| w.now_ms());
    host
}

#[test]
fn an_issue_jira_no_longer_shows_leaves_the_index_after_its_worklogs_never_before() {
    // Reports read an issue's security level from its row (listed or
    // joined): a worklog whose issue row is gone would count as one without
    // a level. So the issue's row goes only once none of its worklogs is
    // left, even when deleting them fails.
    let sim = sim();
    let hidden = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
    let mut host = hiding_issues(&sim, hidden.clone());
    slices(&mut host, "sync.full", json!({}));
    let mut gone: Vec<u64> = in_verified_weeks(&sim)
        .into_iter()
        .map(|f| f.issue_id)
        .collect();
    gone.sort_unstable();
    gone.dedup();
    gone.truncate(2);
    let list = format!("({}, {})", gone[0], gone[1]);
    let count = |host: &FakeHost, sql: &str| int(&host.query(&format!("{sql} {list}"))[0][0]);
    let worklogs = "SELECT COUNT(*) FROM worklogs WHERE issue IN";
    let issues = "SELECT COUNT(*) FROM issues WHERE id IN";
    let had = count(&host, worklogs);
    assert!(had > 2);
    assert_eq!(count(&host, issues), 2);
    hidden.borrow_mut().clone_from(&gone);
    let period = json!({"from": "2026-11-01", "to": "2026-11-23", "repair": true});
    let mut host = host.fail_sql(|statement| {
        (statement.sql == "DELETE FROM worklogs WHERE site = ? AND issue = ?")
            .then(|| crate::Error::upstream("SQL error: Lock wait timeout exceeded"))
    });
    let e = host.run("sync.verify", period.clone()).unwrap_err();
    assert!(e.message().contains("Lock wait timeout"), "{e}");
    assert_eq!(count(&host, worklogs), had);
    assert_eq!(
        count(&host, issues),
        2,
        "an issue's row went before its worklogs"
    );
    let mut host = host.fail_sql(|_| None);
    let repaired = host.run("sync.verify", period).unwrap();
    assert_eq!(count(&host, worklogs), 0, "{repaired}");
    assert_eq!(count(&host, issues), 0, "{repaired}");
    // Every worklog of both issues counted once as deleted.
    assert_eq!(repaired["repaired"]["deleted"], json!(had), "{repaired}");
}

#[test]
fn verify_refuses_dates_outside_the_years_1970_to_9999() {
    let sim = sim();
    let mut host = job(&sim);
    for input in [
        json!({"to": "-262144-01-05"}),
        json!({"from": "+262143-12-31", "to": "+262143-12-31"}),
        json!({"from": "0001-01-01", "to": "0001-01-02"}),
    ] {
        let e = host.run("sync.verify", input.clone()).unwrap_err();
        assert!(
            e.is_invalid_input() && e.message().contains("1970 to 9999"),
            "{input}: {e}"
        );
    }
}

#[test]
fn verify_runs_in_slices_with_progress_and_can_be_cancelled() {
    let sim = sim();
    let mut host = job(&sim);
    slices(&mut host, "sync.full", json!({}));
    let rows = host.query(
        "SELECT MIN(id) FROM worklogs WHERE started >= 1793491200000 AND started < 1795392000000 \
         GROUP BY issue ORDER BY 1 LIMIT 2",
    );
    for r in &rows {
        host.exec(&format!(
            "UPDATE worklogs SET seconds = seconds + 60 WHERE id = {}",
            int(&r[0])
        ));
    }
    let period = json!({"from": "2026-11-01", "to": "2026-11-23"});
    let whole = host.run("sync.verify", period.clone()).unwrap();
    assert_eq!(whole["more"], false, "{whole}");
    assert_eq!(whole["driftCount"], 2, "{whole}");
    let issues = whole["issues"].as_u64().unwrap();
    assert!(issues > 20, "{whole}");
    assert_eq!(whole["progress"]["done"], json!(issues));

    // In slices of 10 issues: progress of the whole run, the same result.
    let sliced = json!({"from": "2026-11-01", "to": "2026-11-23", "maxIssues": 10});
    let all = slices(&mut host, "sync.verify", sliced.clone());
    assert_eq!(all.len() as u64, issues.div_ceil(10), "{all:?}");
    assert_eq!(all[0]["more"], true);
    assert_eq!(all[0]["progress"]["done"], 10);
    assert_eq!(all[0]["progress"]["total"], json!(issues));
    let last = all.last().unwrap();
    assert_eq!(last["driftCount"], 2, "{last}");
    assert_eq!(last["issues"], json!(issues));
    assert_eq!(last["indexWorklogs"], whole["indexWorklogs"]);
    assert_eq!(last["jiraWorklogs"], whole["jiraWorklogs"]);
    assert_eq!(last["drift"], whole["drift"]);

    // sync.status shows the last verification and its drift.
    let status = host.run("sync.status", json!({})).unwrap();
    assert_eq!(status["verify"]["running"], Json::Null, "{status}");
    assert_eq!(status["verify"]["last"]["driftCount"], 2, "{status}");
    assert_eq!(status["verify"]["last"]["drift"], whole["drift"]);

    // A verification in progress shows in the status, and cancel drops it.
    let first = host.run("sync.verify", sliced.clone()).unwrap();
    assert_eq!(first["more"], true);
    let status = host.run("sync.status", json!({})).unwrap();
    assert_eq!(
        status["verify"]["running"]["progress"]["done"], 10,
        "{status}"
    );
    let cancelled = host
        .run(
            "sync.verify",
            json!({"from": "2026-11-01", "to": "2026-11-23", "cancel": true}),
        )
        .unwrap();
    assert_eq!(cancelled["cancelled"], true, "{cancelled}");
    assert_eq!(cancelled["more"], false);
    let status = host.run("sync.status", json!({})).unwrap();
    assert_eq!(status["verify"]["running"], Json::Null, "{status}");
    // The next one starts over.
    let again = host.run("sync.verify", sliced).unwrap();
    assert_eq!(again["progress"]["done"], 10, "{again}");

    // Repair in slices, then nothing differs.
    let repaired = slices(
        &mut host,
        "sync.verify",
        json!({"from": "2026-11-01", "to": "2026-11-23", "repair": true, "maxIssues": 10}),
    );
    let last = repaired.last().unwrap();
    assert!(last["repaired"]["written"].as_u64().unwrap() >= 2, "{last}");
    let after = host.run("sync.verify", period).unwrap();
    assert_eq!(after["driftCount"], 0, "{after}");
    let status = host.run("sync.status", json!({})).unwrap();
    assert_eq!(status["verify"]["last"]["driftCount"], 0, "{status}");

    let e = host
        .run("sync.verify", json!({"maxIssues": 5}))
        .unwrap_err();
    assert_eq!(
        e.message(),
        r#"invalid input: field "maxIssues": 5 is out of range (10 to 5000)"#
    );
}

#[test]
fn status_keeps_the_last_runs_of_each_kind_and_their_errors_in_words() {
    let sim = sim();
    let mut host = job(&sim);
    slices(&mut host, "sync.full", json!({}));
    let status = host.run("sync.status", json!({})).unwrap();
    assert_eq!(status["lastFull"]["full"], true, "{status}");
    assert_eq!(status["lastFull"]["totals"]["written"], 1537);
    assert_eq!(status["lastIncremental"], Json::Null);
    assert_eq!(status["errors"], json!([]));

    later(&sim, &mut host);
    slices(&mut host, "sync.incremental", json!({}));
    let status = host.run("sync.status", json!({})).unwrap();
    assert_eq!(status["lastIncremental"]["full"], false, "{status}");
    assert_eq!(status["lastFull"]["totals"]["written"], 1537, "{status}");

    // Jira keeps failing: the run fails after its retries, and says so.
    later(&sim, &mut host);
    sim.inject(Fault::status("/rest/api/3/worklog/updated", 503).times(1000));
    let e = host.run("sync.incremental", json!({})).unwrap_err();
    assert_eq!(e.code(), crate::ErrorCode::Upstream, "{e}");
    let status = host.run("sync.status", json!({})).unwrap();
    let error = &status["errors"][0];
    assert_eq!(error["operation"], "sync.incremental", "{status}");
    assert_eq!(error["code"], "upstream");
    assert_eq!(error["atMs"], json!(host.now_ms));
    assert!(
        error["message"].as_str().unwrap().contains("503"),
        "{error}"
    );
    assert!(
        error["sentence"]
            .as_str()
            .unwrap()
            .starts_with("The incremental sync failed: Jira (or the database) was busy"),
        "{error}"
    );

    // Someone who may not sync leaves no error behind.
    host.act_as(Some("alice"));
    assert!(host
        .run("sync.verify", json!({"repair": true}))
        .unwrap_err()
        .is_forbidden());
    host.act_as(None);
    // Nor does a period refused as input (here: from a day far before today).
    let e = host
        .run("sync.verify", json!({"from": "2020-01-01"}))
        .unwrap_err();
    assert!(
        e.is_invalid_input() && e.message().contains("62 days"),
        "{e}"
    );
    let status = host.run("sync.status", json!({})).unwrap();
    assert_eq!(status["errors"].as_array().unwrap().len(), 1, "{status}");
}
mod limits;
