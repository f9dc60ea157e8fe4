//! Reports, exports, saved reports and grants against the real simulator
//! (in-process) and a real SQLite, with the demo site indexed by `sync.full`.
//!
//! The heart is the permission matrix: for every kind of viewer, every
//! operation's answer is compared with an oracle computed from the
//! simulator's own facts and the demo world's documented permissions
//! (`docs/demo-world.md`), never from the code under test.

use std::collections::{BTreeMap, BTreeSet};

use base64::Engine;
use jira_sim::{Sim, World};
use serde_json::{json, Value as Json};

use crate::testing::FakeHost;

/// 2026-11-24T12:00:00Z, when the demo's history ends.
const NOW: i64 = 1_795_521_600_000;

pub(super) fn sim() -> Sim {
    let mut world = World::demo(1);
    world.set_time(NOW);
    Sim::new(world)
}

/// Gives the issue `key` the security level "Leads only" (the group
/// team-leads): only that group's members see it.
pub(super) fn leads_only(world: &mut World, key: &str) {
    world
        .set_issue_security(key, Some(("Leads only", &["group:team-leads"][..])))
        .unwrap();
}

pub(super) fn id_of(sim: &Sim, alias: &str) -> String {
    sim.with_world(|w| w.account_id(alias).map(str::to_owned))
        .unwrap_or_default()
}

/// A host on the simulator with the demo indexed, acting as nobody.
pub(super) fn indexed(sim: &Sim) -> FakeHost {
    let mut host = FakeHost::new(None).on_sim(sim);
    host.now_ms = sim.with_world(|w| w.now_ms());
    for _ in 0..100 {
        let r = host.run("sync.full", json!({})).unwrap();
        if r["more"] != json!(true) {
            return host;
        }
    }
    panic!("sync.full did not finish");
}

/// The grants of the matrix.
pub(super) fn grants() -> Json {
    json!({"grants": [
        {"group": "team-leads", "teams": ["team-alpha"]},
        {"group": "team-alpha", "teams": ["ops", "team-beta"]}
    ]})
}

/// The viewers of the matrix (alias; `None`: the app).
pub(super) const VIEWERS: [Option<&str>; 7] = [
    Some("alice"), // self, and a grant to see teams
    Some("bob"),   // outside carol's team-leads restriction
    Some("carol"), // team viewer with a grant, edits all worklogs in ALPHA/BETA
    Some("dave"),  // Jira administrator
    Some("erin"),  // member of a group without a grant
    Some("frank"), // the only non-admin who browses OPS
    None,          // the app
];

/// What the demo world says each person may see (`docs/demo-world.md`),
/// written out independently of the app's code.
pub(super) struct Oracle {
    ids: BTreeMap<String, String>,
}

impl Oracle {
    pub(super) fn new(sim: &Sim) -> Self {
        let ids = ["alice", "bob", "carol", "dave", "erin", "frank"]
            .iter()
            .map(|a| (id_of(sim, a), (*a).to_owned()))
            .collect();
        Self { ids }
    }

    fn groups(alias: &str) -> &'static [&'static str] {
        match alias {
            "alice" | "bob" => &["team-alpha"],
            "carol" => &["team-beta", "team-leads"],
            "dave" => &["jira-administrators"],
            "erin" => &["stakeholders"],
            "frank" => &["ops"],
            _ => &[],
        }
    }

    fn browses(alias: &str, project: u64) -> bool {
        match project {
            10000 | 10001 => true,
            10002 => matches!(alias, "dave" | "frank"),
            _ => false,
        }
    }

    fn edits_all(alias: &str, project: u64) -> bool {
        match project {
            10000 | 10001 => matches!(alias, "carol" | "dave"),
            _ => alias == "dave",
        }
    }

    fn in_role(alias: &str, project: u64, role: &str) -> bool {
        let groups = Self::groups(alias);
        match role {
            "Developers" if project == 10002 => groups.contains(&"ops"),
            "Developers" => groups.contains(&"team-alpha") || groups.contains(&"team-beta"),
            "Administrators" => groups.contains(&"jira-administrators"),
            _ => false,
        }
    }

    /// Whose time `alias` sees under [`grants`].
    fn people(&self, alias: &str) -> Option<BTreeSet<String>> {
        if alias == "dave" {
            return None;
        }
        let mut teams: BTreeSet<&str> = BTreeSet::new();
        for group in Self::groups(alias) {
            match *group {
                "team-leads" => teams.extend(["team-alpha"]),
                "team-alpha" => teams.extend(["ops", "team-beta"]),
                _ => {}
            }
        }
        Some(
            self.ids
                .iter()
                .filter(|(_, a)| {
                    a.as_str() == alias || Self::groups(a).iter().any(|g| teams.contains(g))
                })
                .map(|(id, _)| id.clone())
                .collect(),
        )
    }

    pub(super) fn sees(&self, viewer: Option<&str>, f: &jira_sim::WorklogFacts) -> bool {
        let Some(alias) = viewer else {
            return true;
        };
        if !Self::browses(alias, f.project_id) {
            return false;
        }
        if self.people(alias).is_some_and(|p| !p.contains(&f.author)) {
            return false;
        }
        match &f.visibility {
            None => true,
            Some(_) if Self::edits_all(alias, f.project_id) => true,
            Some((kind, name)) if kind == "group" => Self::groups(alias).contains(&name.as_str()),
            Some((_, role)) => Self::in_role(alias, f.project_id, role),
        }
    }
}

pub(super) fn act(host: &mut FakeHost, sim: &Sim, viewer: Option<&str>) {
    let id = viewer.map(|a| id_of(sim, a));
    host.act_as(id.as_deref());
}

/// The demo's November, in UTC.
pub(super) const FROM_MS: i64 = 1_793_491_200_000; // 2026-11-01T00:00:00Z
pub(super) const TO_MS: i64 = 1_795_478_400_000; // 2026-11-24T00:00:00Z

pub(super) fn november() -> Json {
    json!({"timeZone": "UTC", "period": {"from": "2026-11-01", "to": "2026-11-23"},
           "groupBy": ["person", "project"]})
}

/// Every piece of an export, concatenated, and the last answer.
pub(super) fn export_all(
    host: &mut FakeHost,
    operation: &str,
    mut input: Json,
) -> (Vec<u8>, Vec<Json>) {
    let mut bytes = Vec::new();
    let mut answers = Vec::new();
    for _ in 0..200 {
        let answer = host.run(operation, input.clone()).unwrap();
        let piece = answer["piece"].as_str().unwrap();
        bytes.extend(
            base64::engine::general_purpose::STANDARD
                .decode(piece)
                .unwrap(),
        );
        let next = answer.get("continuation").cloned();
        answers.push(answer);
        match next {
            Some(Json::String(c)) => input["continuation"] = json!(c),
            _ => return (bytes, answers),
        }
    }
    panic!("{operation} did not finish");
}

/// The CSV's rows as maps from column to value.
pub(super) fn csv_rows(bytes: &[u8]) -> Vec<BTreeMap<String, String>> {
    let mut reader = csv::ReaderBuilder::new().from_reader(bytes);
    let headers = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            headers
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.to_owned(), v.to_owned()))
                .collect()
        })
        .collect()
}

#[test]
fn permission_matrix() {
    let sim = sim();
    let mut host = indexed(&sim);
    let oracle = Oracle::new(&sim);
    let facts = sim.with_world(|w| w.worklog_facts());

    // access.save: administrators only; groups checked.
    act(&mut host, &sim, Some("alice"));
    assert!(host
        .run("access.save", grants())
        .unwrap_err()
        .is_forbidden());
    assert!(host
        .run("access.get", json!({}))
        .unwrap_err()
        .is_forbidden());
    act(&mut host, &sim, None);
    assert!(host
        .run("access.save", grants())
        .unwrap_err()
        .is_forbidden());
    act(&mut host, &sim, Some("dave"));
    let e = host
        .run(
            "access.save",
            json!({"grants": [{"group": "team-leads", "teams": ["no-such-team"]}]}),
        )
        .unwrap_err();
    assert!(e.is_invalid_input(), "{e}");
    assert!(e.message().contains("grants[0].teams[0]"), "{e}");
    assert!(e.message().contains("no-such-team"), "{e}");
    assert_eq!(host.run("access.save", grants()).unwrap(), grants());
    assert_eq!(host.run("access.get", json!({})).unwrap(), grants());
    act(&mut host, &sim, None);
    assert_eq!(host.run("access.get", json!({})).unwrap(), grants());
    for viewer in ["alice", "bob", "carol", "erin", "frank"] {
        act(&mut host, &sim, Some(viewer));
        assert!(
            host.run("access.get", json!({}))
                .unwrap_err()
                .is_forbidden(),
            "{viewer}"
        );
        assert!(
            host.run("access.save", grants())
                .unwrap_err()
                .is_forbidden(),
            "{viewer}"
        );
    }

    // A deletion, for the incremental export: one of carol's team-leads
    // restricted worklogs in ALPHA, deleted by carol and synced.
    let restricted = facts
        .iter()
        .find(|f| f.visibility.as_ref().is_some_and(|v| v.1 == "team-leads"))
        .expect("a team-leads worklog");
    let deleted_id = restricted.id;
    let issue = restricted.issue_id;
    act(&mut host, &sim, Some("carol"));
    host.run(
        "worklog.delete",
        json!({"issue": issue.to_string(), "id": deleted_id.to_string()}),
    )
    .unwrap();
    let facts = sim.with_world(|w| w.worklog_facts());
    assert!(facts.iter().all(|f| f.id != deleted_id));

    let people: Vec<(String, String)> = oracle
        .ids
        .iter()
        .map(|(id, a)| (id.clone(), a.clone()))
        .collect();
    for viewer in VIEWERS {
        act(&mut host, &sim, viewer);
        let who = viewer.unwrap_or("the app");
        let visible: Vec<&jira_sim::WorklogFacts> =
            facts.iter().filter(|f| oracle.sees(viewer, f)).collect();
        let in_november: Vec<&&jira_sim::WorklogFacts> = visible
            .iter()
            .filter(|f| (FROM_MS..TO_MS).contains(&f.started_ms))
            .collect();
        let seconds: i64 = in_november.iter().map(|f| f.seconds).sum();

        // report.run: totals, groups and chart.
        let report = host.run("report.run", november()).unwrap();
        assert_eq!(report["totalSeconds"], json!(seconds), "{who}");
        assert_eq!(report["worklogs"], json!(in_november.len()), "{who}");
        let group_sum: u64 = report["groups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["seconds"].as_u64().unwrap())
            .sum();
        assert_eq!(group_sum, seconds as u64, "{who}");
        let chart_sum: u64 = report["chart"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["seconds"].as_u64().unwrap())
            .sum();
        assert_eq!(chart_sum, seconds as u64, "{who}");
        assert_eq!(report["chart"].as_array().unwrap().len(), 23, "{who}");
        // Per person and per project.
        for (id, alias) in &people {
            let expected: i64 = in_november
                .iter()
                .filter(|f| &f.author == id)
                .map(|f| f.seconds)
                .sum();
            let got = report["groups"]
                .as_array()
                .unwrap()
                .iter()
                .find(|g| g["key"] == json!(id))
                .map_or(0, |g| g["seconds"].as_i64().unwrap());
            assert_eq!(got, expected, "{who} sees {alias}");
        }
        for (project, key) in [(10000u64, "ALPHA"), (10001, "BETA"), (10002, "OPS")] {
            let report = host
                .run(
                    "report.run",
                    json!({"timeZone": "UTC", "period": {"from": "2026-11-01", "to": "2026-11-23"},
                           "filter": {"projects": [key]}, "groupBy": ["project"], "chart": "person"}),
                )
                .unwrap();
            let expected: i64 = in_november
                .iter()
                .filter(|f| f.project_id == project)
                .map(|f| f.seconds)
                .sum();
            assert_eq!(report["totalSeconds"], json!(expected), "{who} on {key}");
        }

        // export.run: the concatenated pieces parse and equal the report.
        let (bytes, answers) = export_all(
            &mut host,
            "export.run",
            json!({"query": november(), "format": "csv", "pieceBytes": 65536}),
        );
        let rows = csv_rows(&bytes);
        let exported: i64 = rows
            .iter()
            .map(|r| r["seconds"].parse::<i64>().unwrap())
            .sum();
        assert_eq!(exported, seconds, "{who}: export equals report");
        let mut ids: Vec<u64> = rows
            .iter()
            .map(|r| r["worklog_id"].parse().unwrap())
            .collect();
        ids.sort_unstable();
        let mut expected_ids: Vec<u64> = in_november.iter().map(|f| f.id).collect();
        expected_ids.sort_unstable();
        assert_eq!(ids, expected_ids, "{who}: the exported worklogs");
        let last = answers.last().unwrap();
        assert_eq!(last["rows"], json!(rows.len()), "{who}");
        if rows.len() > 400 {
            assert!(answers.len() > 1, "{who}: several pieces");
        }

        // export.changes: every visible worklog changed since the epoch, and
        // the deletion for those who saw the deleted worklog.
        let (bytes, answers) = export_all(
            &mut host,
            "export.changes",
            json!({"since": "2026-01-01T00:00:00Z", "format": "csv", "pieceBytes": 65536}),
        );
        let until = answers[0]["until"].as_str().unwrap().to_owned();
        let until_ms = worklogs_core::calendar::parse_instant(&until)
            .unwrap()
            .millis();
        let rows = csv_rows(&bytes);
        let mut ids: Vec<u64> = rows
            .iter()
            .map(|r| r["worklog_id"].parse().unwrap())
            .collect();
        ids.sort_unstable();
        let mut expected_ids: Vec<u64> = visible
            .iter()
            .filter(|f| f.updated_ms < until_ms)
            .map(|f| f.id)
            .collect();
        expected_ids.sort_unstable();
        assert_eq!(ids, expected_ids, "{who}: changed rows");
        let deleted: Vec<String> = answers
            .iter()
            .flat_map(|a| a["deleted"].as_array().cloned().unwrap_or_default())
            .map(|d| d["worklogId"].as_str().unwrap().to_owned())
            .collect();
        let saw_it = oracle.sees(viewer, restricted);
        assert_eq!(
            deleted,
            if saw_it {
                vec![deleted_id.to_string()]
            } else {
                vec![]
            },
            "{who}: deletions"
        );
    }
}

#[test]
fn may_view_time_of_follows_the_grants() {
    let sim = sim();
    let mut host = FakeHost::new(None).on_sim(&sim);
    act(&mut host, &sim, Some("dave"));
    host.run("access.save", grants()).unwrap();
    let oracle = Oracle::new(&sim);
    for viewer in VIEWERS {
        act(&mut host, &sim, viewer);
        for (id, alias) in oracle.ids.clone() {
            let target = id.clone();
            let got = host
                .run_with(move |ctx| {
                    Box::pin(async move {
                        let may = crate::access::may_view_time_of(&ctx, &target).await?;
                        Ok(may.to_string())
                    })
                })
                .unwrap();
            let expected = match viewer {
                None => true,
                Some(v) => oracle.people(v).is_none_or(|p| p.contains(&id)),
            };
            assert_eq!(got, json!(expected), "{viewer:?} of {alias}");
        }
    }
}

#[test]
fn saved_reports_belong_to_their_owner() {
    let sim = sim();
    let mut host = FakeHost::new(None).on_sim(&sim);
    let query = json!({"period": {"month": "2026-11-01"}, "groupBy": ["issue"]});
    // The app has no reports of its own.
    for op in ["report.list", "report.save", "report.delete"] {
        let input = match op {
            "report.save" => json!({"name": "x", "query": query}),
            "report.delete" => json!({"id": "abc"}),
            _ => json!({}),
        };
        assert!(host.run(op, input).unwrap_err().is_forbidden(), "{op}");
    }
    act(&mut host, &sim, Some("alice"));
    for (input, field) in [
        (json!({"name": "  ", "query": query}), "name"),
        (json!({"name": "x".repeat(101), "query": query}), "name"),
        (
            json!({"name": "ok", "query": {"groupBy": ["issue"]}}),
            "period",
        ),
        (
            json!({"name": "ok", "query": {"period": {"month": "2026-11-01"}, "groupBy": ["colour"]}}),
            "groupBy[0]",
        ),
        (
            json!({"name": "ok", "query": query, "sharedWith": ["no-such-group"]}),
            "sharedWith[0]",
        ),
    ] {
        let e = host.run("report.save", input).unwrap_err();
        assert!(e.is_invalid_input(), "{e}");
        assert!(e.message().contains(field), "{field}: {e}");
    }
    let saved = host
        .run(
            "report.save",
            json!({"name": " Team hours ", "query": query, "sharedWith": ["team-leads"]}),
        )
        .unwrap();
    let id = saved["id"].as_str().unwrap().to_owned();
    assert_eq!(saved["name"], "Team hours");
    assert_eq!(saved["owner"], json!(id_of(&sim, "alice")));
    assert_eq!(saved["sharedWith"], json!(["team-leads"]));
    host.now_ms += 1000;
    let private = host
        .run("report.save", json!({"name": "Mine", "query": query}))
        .unwrap();
    let names = |host: &mut FakeHost| -> Vec<String> {
        host.run("report.list", json!({})).unwrap()["reports"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["name"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(names(&mut host), ["Mine", "Team hours"]);
    // carol is in team-leads: she sees the shared one, not the private one.
    act(&mut host, &sim, Some("carol"));
    assert_eq!(names(&mut host), ["Team hours"]);
    // bob is not; nor is dave, administrator or not.
    for other in ["bob", "dave"] {
        act(&mut host, &sim, Some(other));
        assert!(names(&mut host).is_empty(), "{other}");
    }
    // Only alice changes or deletes them.
    for other in ["carol", "dave"] {
        act(&mut host, &sim, Some(other));
        let e = host
            .run(
                "report.save",
                json!({"id": id, "name": "Mine now", "query": query}),
            )
            .unwrap_err();
        assert!(e.is_forbidden(), "{other}: {e}");
        let e = host.run("report.delete", json!({"id": id})).unwrap_err();
        assert!(e.is_forbidden(), "{other}: {e}");
    }
    act(&mut host, &sim, Some("alice"));
    let renamed = host
        .run(
            "report.save",
            json!({"id": id, "name": "Renamed", "query": query}),
        )
        .unwrap();
    assert_eq!(renamed["sharedWith"], json!([]));
    assert_eq!(
        host.run("report.delete", json!({"id": private["id"]}))
            .unwrap(),
        json!({"deleted": true, "id": private["id"]})
    );
    assert!(host
        .run("report.delete", json!({"id": private["id"]}))
        .unwrap_err()
        .is_not_found());
    assert_eq!(names(&mut host), ["Renamed"]);
    act(&mut host, &sim, Some("carol"));
    assert!(names(&mut host).is_empty());
}

#[test]
fn three_twenty_minute_worklogs_are_one_hour() {
    let sim = sim();
    let mut host = indexed(&sim);
    act(&mut host, &sim, Some("alice"));
    for minute in [0, 20, 40] {
        host.run(
            "worklog.log",
            json!({"issue": "ALPHA-2", "started": format!("2026-11-24T08:{minute:02}:00Z"), "seconds": 1200}),
        )
        .unwrap();
    }
    let query = json!({"timeZone": "UTC", "period": {"day": "2026-11-24"}, "groupBy": ["issue"]});
    let report = host.run("report.run", query.clone()).unwrap();
    assert_eq!(report["hours"], "1.00");
    assert_eq!(report["groups"][0]["key"], "ALPHA-2");
    assert!(report["groups"][0]["label"]
        .as_str()
        .unwrap()
        .starts_with("ALPHA-2 "));
    let (bytes, _) = export_all(
        &mut host,
        "export.run",
        json!({"query": query, "format": "csv"}),
    );
    let rows = csv_rows(&bytes);
    assert_eq!(rows.len(), 3);
    assert!(rows.iter().all(|r| r["hours"] == "0.33"));
    let total: i64 = rows
        .iter()
        .map(|r| r["seconds"].parse::<i64>().unwrap())
        .sum();
    assert_eq!(total, 3600);
    // XLSX: a workbook (zip) whose totals row sums seconds.
    let (bytes, answers) = export_all(
        &mut host,
        "export.run",
        json!({"query": query, "format": "xlsx"}),
    );
    assert_eq!(&bytes[..2], b"PK");
    assert!(answers[0]["fileName"]
        .as_str()
        .unwrap()
        .ends_with("2026-11-24-2026-11-24.xlsx"));
}

/// The file `report.run` answers with `format`, decoded.
fn report_file(host: &mut FakeHost, input: Json) -> (Vec<u8>, Json) {
    let answer = host.run("report.run", input).unwrap();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(answer["piece"].as_str().unwrap())
        .unwrap();
    (bytes, answer)
}

#[test]
fn a_report_answers_its_groups_as_a_file() {
    let sim = sim();
    let mut host = indexed(&sim);
    // The time axis is listed first; the file has it innermost, as the
    // nested answer has.
    let mut query = november();
    query["groupBy"] = json!(["week", "person"]);
    let nested = host.run("report.run", query.clone()).unwrap();
    assert_eq!(nested["groupBy"], json!(["person", "week"]));
    let leaves: Vec<(String, String, u64)> = nested["groups"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|person| {
            person["groups"].as_array().unwrap().iter().map(|week| {
                (
                    person["key"].as_str().unwrap().to_owned(),
                    week["key"].as_str().unwrap().to_owned(),
                    week["seconds"].as_u64().unwrap(),
                )
            })
        })
        .collect();

    query["format"] = json!("csv");
    let (bytes, answer) = report_file(&mut host, query.clone());
    let text = String::from_utf8(bytes.clone()).unwrap();
    // The measures asked for only: no `count` column, though the nested
    // answer always counts worklogs.
    assert!(
        text.starts_with("person_account_id,person_name,week_start,seconds,hours\r\n"),
        "{text}"
    );
    let rows = csv_rows(&bytes);
    let flat: Vec<(String, String, u64)> = rows
        .iter()
        .map(|r| {
            (
                r["person_account_id"].clone(),
                r["week_start"].clone(),
                r["seconds"].parse().unwrap(),
            )
        })
        .collect();
    assert_eq!(flat, leaves, "one row per innermost group, in order");
    assert_eq!(answer["rows"], json!(leaves.len()));
    assert_eq!(answer["worklogs"], nested["worklogs"]);
    assert!(answer["mediaType"]
        .as_str()
        .unwrap()
        .starts_with("text/csv"));
    assert_eq!(answer["fileName"], "report-2026-11-01-2026-11-23.csv");
    assert!(answer.get("chart").is_none() && answer.get("continuation").is_none());
    let sum: u64 = flat.iter().map(|(_, _, s)| s).sum();
    assert_eq!(json!(sum), nested["totalSeconds"]);

    // CSV options, as export.run takes them.
    query["options"] = json!({"delimiter": ";", "decimalSeparator": ","});
    let (bytes, _) = report_file(&mut host, query.clone());
    assert!(String::from_utf8(bytes)
        .unwrap()
        .starts_with("person_account_id;person_name;week_start;seconds;hours\r\n"));

    // Months as their month, hours with the query's decimals, asked-for
    // measures as columns.
    let query = json!({"timeZone": "UTC", "period": {"from": "2026-11-01", "to": "2026-11-23"},
                       "groupBy": ["parent", "month"], "hoursDecimals": 1,
                       "measures": ["count"], "format": "json"});
    let (bytes, answer) = report_file(&mut host, query);
    assert!(answer["mediaType"]
        .as_str()
        .unwrap()
        .starts_with("application/json"));
    let rows: Vec<Json> = serde_json::from_slice(&bytes).unwrap();
    assert!(
        !rows.is_empty() && rows.iter().all(|r| r["month"] == "2026-11"),
        "{rows:?}"
    );
    assert!(rows.iter().all(|r| {
        let hours = r["hours"].as_str().unwrap();
        hours.split_once('.').map(|(_, d)| d.len()) == Some(1) && r["count"].is_u64()
    }));

    // XLSX and NDJSON.
    let mut query = november();
    query["format"] = json!("xlsx");
    let (bytes, answer) = report_file(&mut host, query.clone());
    assert_eq!(&bytes[..2], b"PK");
    assert!(answer["fileName"].as_str().unwrap().ends_with(".xlsx"));
    query["format"] = json!("ndjson");
    let (bytes, _) = report_file(&mut host, query);
    let lines = String::from_utf8(bytes).unwrap();
    assert!(lines
        .lines()
        .all(|l| serde_json::from_str::<Json>(l).unwrap().is_object()));
}

#[test]
fn formulas_in_exported_text_are_neutralised() {
    let sim = sim();
    let mut host = indexed(&sim);
    act(&mut host, &sim, Some("alice"));
    host.run(
        "worklog.log",
        json!({"issue": "ALPHA-2", "started": "2026-11-24T08:00:00Z", "seconds": 60,
               "comment": "=HYPERLINK(\"http://evil\")"}),
    )
    .unwrap();
    let query = json!({"timeZone": "UTC", "period": {"day": "2026-11-24"}});
    let (bytes, _) = export_all(
        &mut host,
        "export.run",
        json!({"query": query, "format": "csv"}),
    );
    let rows = csv_rows(&bytes);
    assert_eq!(rows[0]["comment"], "'=HYPERLINK(\"http://evil\")");
}

#[test]
fn bad_input_names_the_field_and_the_value() {
    let sim = sim();
    let mut host = FakeHost::new(Some("alice")).on_sim(&sim);
    for (op, input, needle) in [
        ("report.run", json!({"groupBy": ["person"]}), "period"),
        (
            "report.run",
            json!({"period": {"day": "2026-11-31"}}),
            "2026-11-31",
        ),
        (
            "report.run",
            json!({"period": {"day": "2026-11-03"}, "chart": "pie"}),
            "pie",
        ),
        (
            "report.run",
            json!({"period": {"day": "2026-11-03"}, "timeZone": "Mars/Olympus"}),
            "Mars/Olympus",
        ),
        (
            "report.run",
            json!({"period": {"day": "2026-11-03"}, "format": "pdf"}),
            "pdf",
        ),
        (
            "report.run",
            json!({"period": {"day": "2026-11-03"}, "options": {"bom": true}}),
            "options",
        ),
        (
            "report.run",
            json!({"period": {"day": "2026-11-03"}, "format": "csv", "options": {"delimiter": "|"}}),
            "options",
        ),
        (
            "export.run",
            json!({"query": {"period": {"day": "2026-11-03"}}, "format": "pdf"}),
            "pdf",
        ),
        (
            "export.run",
            json!({"query": {"period": {"day": "2026-11-03"}}, "format": "csv", "continuation": "nope!"}),
            "continuation",
        ),
        (
            "export.run",
            json!({"query": {"period": {"day": "2026-11-03"}}, "format": "csv", "parts": 65}),
            "parts",
        ),
        (
            "export.run",
            json!({"query": {"period": {"day": "2026-11-03"}}, "format": "csv", "parts": 2, "continuation": "x"}),
            "first call",
        ),
        // No piece larger than a Forge answer holds, nor uselessly small.
        (
            "export.run",
            json!({"query": {"period": {"day": "2026-11-03"}}, "format": "csv", "pieceBytes": 3_145_729}),
            "3145729",
        ),
        (
            "export.changes",
            json!({"since": "2026-11-01T00:00:00Z", "format": "csv", "pieceBytes": 1000}),
            "pieceBytes",
        ),
        (
            "export.changes",
            json!({"since": "yesterday", "format": "csv"}),
            "yesterday",
        ),
        (
            "export.changes",
            json!({"since": "2026-11-01T00:00:00Z", "format": "xlsx"}),
            "xlsx",
        ),
        (
            "access.save",
            json!({"grants": [{"group": " ", "teams": ["a"]}]}),
            "grants[0].group",
        ),
        (
            "access.save",
            json!({"grants": [{"group": "a", "teams": []}]}),
            "grants[0].teams",
        ),
    ] {
        let e = host.run(op, input).unwrap_err();
        assert!(e.is_invalid_input(), "{op}: {e}");
        assert!(e.message().contains(needle), "{op}: {needle} in {e}");
    }
}

#[test]
fn a_report_needs_no_zone_but_uses_the_users() {
    let sim = sim();
    let mut host = indexed(&sim);
    act(&mut host, &sim, Some("alice"));
    let report = host
        .run(
            "report.run",
            json!({"period": {"week": "2026-11-16"}, "groupBy": ["day"]}),
        )
        .unwrap();
    assert_eq!(report["timeZone"], "Europe/Berlin");
    assert_eq!(report["from"], "2026-11-16");
    assert_eq!(report["to"], "2026-11-22");
    assert_eq!(report["groupBy"], json!(["day"]));
    assert_eq!(report["chart"].as_array().unwrap().len(), 7);
}

/// Figures for `docs/reports.md`: effects and time of a report and an
/// export over a generated site (`cargo test --release -p worklogs-app
/// report_figures -- --ignored --nocapture`).
#[test]
#[ignore = "a measurement, run by hand"]
#[allow(clippy::disallowed_methods)] // a wall clock, in a test only
fn report_figures() {
    let mut world = World::generate(
        7,
        jira_sim::GenOptions {
            worklogs: Some(100_000),
            months: 12,
            ..jira_sim::GenOptions::default()
        },
    );
    world.set_time(NOW);
    let sim = Sim::new(world);
    let mut host = indexed(&sim);
    for viewer in [None, Some("dave"), Some("alice")] {
        act(&mut host, &sim, viewer);
        let query = json!({"timeZone": "UTC", "period": {"from": "2025-11-24", "to": "2026-11-23"},
                           "groupBy": ["person", "project"]});
        let before = (host.batches.len(), host.effects);
        let start = std::time::Instant::now();
        let report = host.run("report.run", query.clone()).unwrap();
        let took = start.elapsed();
        println!(
            "report.run as {viewer:?}: {} worklogs, {} batches, {} effects, {took:?}",
            report["worklogs"],
            host.batches.len() - before.0,
            host.effects - before.1
        );
        let before = (host.batches.len(), host.effects);
        let start = std::time::Instant::now();
        let (bytes, answers) = export_all(
            &mut host,
            "export.run",
            json!({"query": query, "format": "csv"}),
        );
        println!(
            "export.run csv as {viewer:?}: {} bytes in {} pieces, {} batches, {} effects, {:?}",
            bytes.len(),
            answers.len(),
            host.batches.len() - before.0,
            host.effects - before.1,
            start.elapsed()
        );
    }
}

#[test]
fn jql_and_group_filters_are_resolved_with_the_viewers_rights() {
    let sim = sim();
    let mut host = indexed(&sim);
    act(&mut host, &sim, Some("dave"));
    let period = json!({"from": "2026-11-01", "to": "2026-11-23"});
    let total = |host: &mut FakeHost, filter: Json| -> Json {
        host.run(
            "report.run",
            json!({"timeZone": "UTC", "period": period, "filter": filter}),
        )
        .unwrap()["totalSeconds"]
            .clone()
    };
    let beta = total(&mut host, json!({"projects": ["BETA"]}));
    assert_ne!(beta, json!(0));
    assert_eq!(total(&mut host, json!({"jql": "project = BETA"})), beta);
    let alpha_team = total(&mut host, json!({"groups": ["team-alpha"]}));
    let alice_and_bob = total(
        &mut host,
        json!({"people": [id_of(&sim, "alice"), id_of(&sim, "bob")]}),
    );
    assert_eq!(alpha_team, alice_and_bob);
    let e = host
        .run(
            "report.run",
            json!({"period": period, "filter": {"groups": ["team-alpha", "nobody-here"]}}),
        )
        .unwrap_err();
    assert!(e.message().contains("filter.groups"), "{e}");
    assert!(e.message().contains("nobody-here"), "{e}");
    let e = host
        .run(
            "report.run",
            json!({"period": period, "filter": {"jql": "colour = red"}}),
        )
        .unwrap_err();
    assert!(e.is_invalid_input(), "{e}");
    assert!(e.message().contains("filter.jql"), "{e}");
    // Filters never widen: alice asking for OPS or for frank's time gets none.
    act(&mut host, &sim, Some("alice"));
    assert_eq!(total(&mut host, json!({"projects": ["OPS"]})), json!(0));
    // Jira answers alice as if OPS did not exist.
    let e = host
        .run(
            "report.run",
            json!({"period": period, "filter": {"jql": "project = OPS"}}),
        )
        .unwrap_err();
    assert!(e.message().contains("filter.jql"), "{e}");
    assert_eq!(
        total(&mut host, json!({"people": [id_of(&sim, "frank")]})),
        json!(0)
    );
}

/// The rates of the cost tests: a default, a project rate and a person-on-project
/// rate starting on 2026-11-24, a person rate in another currency.
pub(super) fn cost_rates(sim: &Sim) -> Json {
    json!({"rates": [
        {"scope": "default", "hourly": "100", "currency": "EUR", "effectiveFrom": "2026-01-01"},
        {"scope": "project", "project": "10000", "hourly": "80", "currency": "EUR", "effectiveFrom": "2026-11-24"},
        {"scope": "person", "person": id_of(sim, "alice"), "hourly": "50", "currency": "USD", "effectiveFrom": "2026-01-01"},
        {"scope": "personProject", "person": id_of(sim, "alice"), "project": "10000", "hourly": "60",
         "currency": "USD", "effectiveFrom": "2026-11-24"}
    ]})
}

fn cost_query() -> Json {
    json!({"timeZone": "UTC", "period": {"from": "2026-11-23", "to": "2026-11-24"},
           "filter": {"issues": ["ALPHA-2"]}, "groupBy": ["person"], "measures": ["cost"]})
}

#[test]
fn cost_uses_the_rate_in_effect_per_worklog() {
    let sim = sim();
    let mut host = indexed(&sim);
    // Without rates, cost is refused, naming the field and what to do.
    act(&mut host, &sim, Some("dave"));
    let e = host.run("report.run", cost_query()).unwrap_err();
    assert!(e.is_invalid_input(), "{e}");
    assert_eq!(
        e.message(),
        "invalid input: field \"measures\": \"cost\" needs the site's hourly rates, and none are \
         saved: a jira administrator must save them with rate.save"
    );
    // Only an administrator saves rates.
    act(&mut host, &sim, Some("alice"));
    let e = host.run("rate.save", cost_rates(&sim)).unwrap_err();
    assert!(e.is_forbidden(), "{e}");
    let e = host.run("rate.list", json!({})).unwrap_err();
    assert!(e.is_forbidden(), "{e}");
    act(&mut host, &sim, Some("dave"));
    host.run("rate.save", cost_rates(&sim)).unwrap();

    // ALPHA-2 has no worklogs in the demo; these are all it has.
    for (who, started, seconds) in [
        ("alice", "2026-11-23T10:00:00Z", 1200), // person rate: 50 USD (the project one starts tomorrow)
        ("alice", "2026-11-24T08:00:00Z", 1200), // person on project from today: 60 USD
        ("alice", "2026-11-24T08:20:00Z", 1200), // 60 USD
        ("bob", "2026-11-23T10:00:00Z", 3600),   // default: 100 EUR
        ("bob", "2026-11-24T10:00:00Z", 1800),   // project from today: 80 EUR
    ] {
        act(&mut host, &sim, Some(who));
        host.run(
            "worklog.log",
            json!({"issue": "ALPHA-2", "started": started, "seconds": seconds}),
        )
        .unwrap();
    }

    act(&mut host, &sim, Some("dave"));
    let report = host.run("report.run", cost_query()).unwrap();
    // alice: (1200 × 50 + 2400 × 60) / 3600 = 56.666… → 56.67 USD, rounded once.
    // bob: (3600 × 100 + 1800 × 80) / 3600 = 140 EUR.
    let alice = json!({"key": id_of(&sim, "alice"), "label": "Alice Andersen", "seconds": 3600,
        "hours": "1.00", "worklogs": 3, "cost": [{"amount": "56.67", "currency": "USD"}],
        "unpricedSeconds": 0});
    let bob = json!({"key": id_of(&sim, "bob"), "label": "Bob Baker", "seconds": 5400,
        "hours": "1.50", "worklogs": 2, "cost": [{"amount": "140.00", "currency": "EUR"}],
        "unpricedSeconds": 0});
    assert_eq!(report["groups"], json!([alice, bob]));
    assert_eq!(
        report["cost"],
        json!([{"amount": "140.00", "currency": "EUR"}, {"amount": "56.67", "currency": "USD"}])
    );
    assert_eq!(report["unpricedSeconds"], 0);

    // alice may not measure cost until a "see costs" grant names her group:
    // cost ÷ hours per person would reveal the rates.
    act(&mut host, &sim, Some("alice"));
    let e = host.run("report.run", cost_query()).unwrap_err();
    assert!(e.is_forbidden(), "{e}");
    assert!(e.message().contains("see costs"), "{e}");
    act(&mut host, &sim, Some("dave"));
    host.run(
        "access.save",
        json!({"grants": [], "costViewers": ["team-alpha"]}),
    )
    .unwrap();
    // Then her cost covers only the time she sees (her own).
    act(&mut host, &sim, Some("alice"));
    let report = host.run("report.run", cost_query()).unwrap();
    assert_eq!(report["groups"], json!([alice]));
    assert_eq!(
        report["cost"],
        json!([{"amount": "56.67", "currency": "USD"}])
    );

    // Without the default rate, bob's first worklog has no rate in effect.
    act(&mut host, &sim, Some("dave"));
    let mut rates = cost_rates(&sim);
    if let Some(list) = rates["rates"].as_array_mut() {
        list.remove(0);
    }
    host.run("rate.save", rates).unwrap();
    let report = host.run("report.run", cost_query()).unwrap();
    assert_eq!(report["groups"][1]["unpricedSeconds"], 3600);
    assert_eq!(
        report["groups"][1]["cost"],
        json!([{"amount": "40.00", "currency": "EUR"}])
    );
    assert_eq!(report["unpricedSeconds"], 3600);

    // Saving no rates at all brings the refusal back.
    host.run("rate.save", json!({"rates": []})).unwrap();
    let e = host.run("report.run", cost_query()).unwrap_err();
    assert!(e.message().contains("rate.save"), "{e}");
}

/// The query that trapped the component (all of time, by day) is refused
/// before anything is read; a long report by month still draws its day chart.
#[test]
fn periods_are_bounded_and_long_reports_still_chart() {
    let sim = sim();
    let mut host = indexed(&sim);
    act(&mut host, &sim, Some("alice"));
    let batches = host.batches.len();
    let e = host
        .run(
            "report.run",
            json!({"period": {"from": "0001-01-01", "to": "9999-12-31"},
                   "groupBy": ["person", "issue", "day"]}),
        )
        .unwrap_err();
    assert_eq!(e.code(), crate::ErrorCode::Limit, "{e}");
    assert!(e.message().contains("at most 731 grouped by day"), "{e}");
    assert_eq!(host.batches.len(), batches, "nothing was read");
    let e = host
        .run(
            "report.run",
            json!({"period": {"from": "2000-01-01", "to": "2026-12-31"}, "groupBy": ["month"]}),
        )
        .unwrap_err();
    assert_eq!(e.code(), crate::ErrorCode::Limit, "{e}");
    assert!(e.message().contains("at most 3653 in one report"), "{e}");

    let five_years = host
        .run(
            "report.run",
            json!({"timeZone": "UTC", "period": {"from": "2022-01-01", "to": "2026-12-31"},
                   "groupBy": ["month"]}),
        )
        .unwrap();
    assert_eq!(five_years["chart"].as_array().map(Vec::len), Some(1826));
}

/// A deletion whose task started before the last incremental export's window
/// ended, but whose statements ran after that export read the tombstones, is
/// still listed by the next export (it reads deletions from a grace period
/// before `since`).
#[test]
fn a_late_tombstone_is_not_missed_by_the_next_incremental_export() {
    let sim = sim();
    let mut host = indexed(&sim);
    act(&mut host, &sim, Some("alice"));
    let logged = host
        .run(
            "worklog.log",
            json!({"issue": "ALPHA-2", "started": "2026-11-24T08:00:00Z", "seconds": 600}),
        )
        .unwrap();
    let id = logged["id"].as_str().unwrap().to_owned();
    // The deleting task started at `now`...
    host.run("worklog.delete", json!({"issue": "ALPHA-2", "id": id}))
        .unwrap();
    // ...and the next export's `since` is five minutes later (the previous
    // export ended its window while the deletion was still being written).
    let since_ms = host.now_ms + 5 * 60 * 1000;
    host.now_ms = since_ms + 60 * 1000;
    let since = worklogs_core::calendar::format_utc(worklogs_core::calendar::Instant::from_millis(
        since_ms,
    ))
    .unwrap();
    let (_, answers) = export_all(
        &mut host,
        "export.changes",
        json!({"since": since, "format": "csv"}),
    );
    let deleted: Vec<String> = answers
        .iter()
        .flat_map(|a| a["deleted"].as_array().cloned().unwrap_or_default())
        .map(|d| d["worklogId"].as_str().unwrap().to_owned())
        .collect();
    assert!(deleted.contains(&id), "{deleted:?} lacks {id}");
}

/// A person's saved reports are capped: the next one is `limit`, and one
/// can be saved again after a deletion.
#[test]
fn saved_reports_per_person_are_capped() {
    let sim = sim();
    let mut host = FakeHost::new(None).on_sim(&sim);
    act(&mut host, &sim, Some("alice"));
    let query = json!({"period": {"month": "2026-11-01"}, "groupBy": ["issue"]});
    let mut first = None;
    for n in 0..super::saved::MAX_OWNED {
        let saved = host
            .run(
                "report.save",
                json!({"name": format!("r{n}"), "query": query}),
            )
            .unwrap();
        first.get_or_insert(saved["id"].as_str().unwrap().to_owned());
    }
    let e = host
        .run("report.save", json!({"name": "one more", "query": query}))
        .unwrap_err();
    assert_eq!(e.code(), crate::ErrorCode::Limit, "{e}");
    assert!(e.message().contains("at most 200"), "{e}");
    // Someone else is not affected.
    act(&mut host, &sim, Some("bob"));
    host.run("report.save", json!({"name": "bob's", "query": query}))
        .unwrap();
    act(&mut host, &sim, Some("alice"));
    host.run("report.delete", json!({"id": first.unwrap()}))
        .unwrap();
    host.run("report.save", json!({"name": "one more", "query": query}))
        .unwrap();
}

/// A restricted worklog whose visibility cannot be resolved (its dictionary
/// entry is missing, of another kind, or holds a text that is not the one its
/// id was made from) is hidden, never shown as unrestricted.
#[test]
fn an_unresolvable_visibility_hides_the_worklog() {
    let sim = sim();
    let mut host = indexed(&sim);
    let count = |host: &mut FakeHost| {
        let report = host
            .run(
                "report.run",
                json!({"timeZone": "UTC", "period": {"from": "2025-12-01", "to": "2026-11-30"}}),
            )
            .unwrap();
        report["worklogs"].as_u64().unwrap()
    };
    let restricted: Vec<i64> = {
        let mut statement = host
            .db
            .prepare("SELECT DISTINCT visibility FROM worklogs WHERE visibility <> 0")
            .unwrap();
        statement
            .query_map([], |row| row.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    assert!(!restricted.is_empty(), "the demo has restricted worklogs");
    // erin (stakeholders) sees the time of every team, but not the
    // restricted worklogs (she is in none of their groups or roles).
    act(&mut host, &sim, Some("dave"));
    host.run(
        "access.save",
        json!({"grants": [{"group": "stakeholders", "teams": ["team-alpha", "team-beta", "jira-users"]}]}),
    )
    .unwrap();
    act(&mut host, &sim, Some("erin"));
    let before = count(&mut host);
    act(&mut host, &sim, None);
    let everything = count(&mut host);
    assert!(before < everything, "erin does not see every worklog");
    act(&mut host, &sim, Some("erin"));
    let tamper = |host: &mut FakeHost, sql: &str| {
        for id in &restricted {
            host.db.execute(sql, [id]).unwrap();
        }
    };
    // Overwritten by a text of another kind, or a text that is not its own...
    tamper(&mut host, "UPDATE dict SET kind = 1 WHERE id = ?1");
    assert_eq!(count(&mut host), before, "another kind");
    tamper(
        &mut host,
        r#"UPDATE dict SET kind = 2, value = '{"type":"group","value":"stakeholders"}' WHERE id = ?1"#,
    );
    assert_eq!(count(&mut host), before, "a text that is not its own");
    // ...or gone.
    tamper(&mut host, "DELETE FROM dict WHERE id = ?1");
    assert_eq!(count(&mut host), before, "missing");
}

/// An export of other people's time is one audit entry per run, whatever its
/// pieces; an export of one's own time is none.
#[test]
fn exports_of_other_peoples_time_are_audited_once_per_run() {
    let sim = sim();
    let mut host = indexed(&sim);
    let audited = |host: &FakeHost, action: &str| {
        host.query(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE action = '{action}'"
        ))[0][0]
            .clone()
    };
    host.act_as(Some(&id_of(&sim, "dave")));
    let (_, answers) = export_all(
        &mut host,
        "export.run",
        json!({"query": {"timeZone": "UTC", "period": {"from": "2026-01-01", "to": "2026-11-23"}},
               "format": "csv", "pieceBytes": 65536}),
    );
    assert!(answers.len() > 1, "several pieces: {}", answers.len());
    assert_eq!(audited(&host, "export.run"), crate::protocol::Value::Int(1));
    let entry = host.query("SELECT actor_kind, subject, after_value FROM audit_log");
    assert_eq!(entry[0][0], crate::protocol::Value::Text("person".into()));
    assert_eq!(entry[0][1], crate::protocol::Value::Text("worklogs".into()));
    // Erin sees only her own time: no entry.
    host.act_as(Some(&id_of(&sim, "erin")));
    export_all(
        &mut host,
        "export.run",
        json!({"query": november(), "format": "csv", "pieceBytes": 65536}),
    );
    assert_eq!(audited(&host, "export.run"), crate::protocol::Value::Int(1));
}

/// The chart points of `report` as (key, label, seconds).
fn chart_points(report: &Json) -> Vec<(String, String, u64)> {
    report["chart"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["key"].as_str().unwrap().to_owned(),
                p["label"].as_str().unwrap().to_owned(),
                p["seconds"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// The day chart's seconds summed into the buckets `first_of` gives, in
/// order of the buckets' first dates.
fn day_sums(
    days: &[(String, String, u64)],
    first_of: impl Fn(chrono::NaiveDate) -> chrono::NaiveDate,
) -> BTreeMap<String, u64> {
    let mut sums = BTreeMap::new();
    for (key, _, seconds) in days {
        let first = first_of(key.parse().unwrap()).to_string();
        *sums.entry(first).or_insert(0) += seconds;
    }
    sums
}

/// A week chart over a period that starts on a Thursday and ends past the
/// demo's history: one point a week from the Monday before the first day
/// (ISO week labels), the empty weeks too, each the sum of the day chart's
/// days of that week; a month chart likewise; the groups are the report's
/// whatever the chart.
#[test]
fn week_and_month_charts_zero_fill_and_sum_the_day_chart() {
    use chrono::{Datelike, Days, NaiveDate};
    let sim = sim();
    let mut host = indexed(&sim);
    act(&mut host, &sim, Some("dave"));
    let query = |chart: &str| {
        json!({"timeZone": "UTC", "period": {"from": "2026-10-15", "to": "2026-12-20"},
               "groupBy": ["person", "week"], "chart": chart})
    };
    let before = host.effects;
    let by_day = host.run("report.run", query("day")).unwrap();
    let day_effects = host.effects - before;
    let before = host.effects;
    let by_week = host.run("report.run", query("week")).unwrap();
    let week_effects = host.effects - before;
    let by_month = host.run("report.run", query("month")).unwrap();
    assert!(by_day["totalSeconds"].as_u64() > Some(0), "{by_day}");
    for other in [&by_week, &by_month] {
        assert_eq!(other["groups"], by_day["groups"]);
        assert_eq!(other["totalSeconds"], by_day["totalSeconds"]);
    }
    // A weekly report with a weekly chart reads no more than with days.
    assert!(
        week_effects <= day_effects,
        "{week_effects} > {day_effects}"
    );

    let days = chart_points(&by_day);
    assert_eq!(days.len(), 67);
    let monday = |d: NaiveDate| d - Days::new(u64::from(d.weekday().num_days_from_monday()));
    let weekly = day_sums(&days, monday);
    let weeks = chart_points(&by_week);
    assert_eq!(weeks.len(), 10, "{weeks:?}");
    assert_eq!(weeks[0].0, "2026-10-12", "the Monday before the Thursday");
    assert_eq!(weeks[0].1, "2026-W42");
    assert_eq!(weeks[9].0, "2026-12-14");
    assert_eq!(weeks[9].1, "2026-W51");
    let listed: Vec<(String, u64)> = weeks.iter().map(|(k, _, s)| (k.clone(), *s)).collect();
    let expected: Vec<(String, u64)> = weekly.into_iter().collect();
    assert_eq!(listed, expected, "each week the sum of its days");
    assert!(
        weeks.iter().any(|w| w.2 == 0) && weeks.iter().any(|w| w.2 > 0),
        "empty weeks listed: {weeks:?}"
    );
    let total: u64 = weeks.iter().map(|w| w.2).sum();
    assert_eq!(Some(total), by_day["totalSeconds"].as_u64());

    let months = chart_points(&by_month);
    let first_day = |d: NaiveDate| d.with_day(1).unwrap();
    let monthly: Vec<(String, u64)> = day_sums(&days, first_day).into_iter().collect();
    assert_eq!(
        months
            .iter()
            .map(|(k, l, _)| (k.as_str(), l.as_str()))
            .collect::<Vec<_>>(),
        [
            ("2026-10-01", "2026-10"),
            ("2026-11-01", "2026-11"),
            ("2026-12-01", "2026-12")
        ]
    );
    let listed: Vec<(String, u64)> = months.iter().map(|(k, _, s)| (k.clone(), *s)).collect();
    assert_eq!(listed, monthly, "each month the sum of its days");
    assert_eq!(months[2].2, 0, "December is after the history, and listed");
}

/// With weeks starting on Sunday the week chart's points are Sundays,
/// labelled by their date, from the Sunday before the period's first day.
#[test]
fn a_week_chart_starts_its_weeks_on_the_querys_week_start() {
    use chrono::{Datelike, Weekday};
    let sim = sim();
    let mut host = indexed(&sim);
    act(&mut host, &sim, Some("dave"));
    let report = host
        .run(
            "report.run",
            json!({"timeZone": "UTC", "period": {"from": "2026-10-15", "to": "2026-11-23"},
                   "weekStart": "sunday", "groupBy": ["project"], "chart": "week"}),
        )
        .unwrap();
    let weeks = chart_points(&report);
    assert_eq!(weeks.first().map(|w| w.0.as_str()), Some("2026-10-11"));
    assert_eq!(weeks.last().map(|w| w.0.as_str()), Some("2026-11-22"));
    assert_eq!(weeks.len(), 7);
    for (key, label, _) in &weeks {
        let date: chrono::NaiveDate = key.parse().unwrap();
        assert_eq!(date.weekday(), Weekday::Sun, "{key}");
        assert_eq!(label, key);
    }
    let total: u64 = weeks.iter().map(|w| w.2).sum();
    assert_eq!(Some(total), report["totalSeconds"].as_u64());
}

/// An unknown chart is refused naming the field and every chart there is.
#[test]
fn an_unknown_chart_is_refused_listing_the_charts() {
    let sim = sim();
    let mut host = FakeHost::new(Some("alice")).on_sim(&sim);
    for chart in [json!("year"), json!(7)] {
        let e = host
            .run(
                "report.run",
                json!({"period": {"day": "2026-11-03"}, "chart": chart}),
            )
            .unwrap_err();
        assert!(e.is_invalid_input(), "{e}");
        assert!(e.message().contains("field \"chart\""), "{e}");
        assert!(
            e.message()
                .contains(r#"expected "day", "week", "month" or "person""#),
            "{e}"
        );
    }
}

/// A continuation's JSON, changed by `change`, encoded again: what a client
/// could send.
fn forged(continuation: &str, change: impl FnOnce(&mut Json)) -> String {
    let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let mut c: Json = serde_json::from_slice(&engine.decode(continuation).unwrap()).unwrap();
    change(&mut c);
    engine.encode(serde_json::to_vec(&c).unwrap())
}

/// The start-time range of every page of worklogs read in the batches from
/// the `from`th on.
fn page_ranges(host: &FakeHost, from: usize) -> Vec<(i64, i64)> {
    host.sql_statements(from)
        .iter()
        .filter(|s| {
            s.sql.contains("FROM worklogs w LEFT JOIN issues i")
                && s.sql.contains("ORDER BY w.started")
        })
        .filter_map(|s| match s.params[..] {
            [_, crate::protocol::Value::Int(from), crate::protocol::Value::Int(until), ..] => {
                Some((from, until))
            }
            _ => None,
        })
        .collect()
}

#[test]
fn an_export_in_parts_is_the_export_in_one() {
    let sim = sim();
    let mut host = indexed(&sim);
    host.act_as(Some(&id_of(&sim, "dave")));
    let query =
        json!({"timeZone": "Asia/Kolkata", "period": {"from": "2026-01-01", "to": "2026-11-23"}});
    let input = json!({"query": query, "format": "csv", "pieceBytes": 65536});
    let mark = host.batches.len();
    let (whole, _) = export_all(&mut host, "export.run", input.clone());
    assert!(csv_rows(&whole).len() > 100);
    let period = page_ranges(&host, mark)
        .into_iter()
        .fold((i64::MAX, i64::MIN), |(lo, hi), (from, until)| {
            (lo.min(from), hi.max(until))
        });

    let mut asked = input.clone();
    asked["parts"] = json!(3);
    let plan = host.run("export.run", asked.clone()).unwrap();
    assert_eq!(plan["piece"], json!(""));
    assert_eq!(plan["rows"], json!(0));
    assert!(plan.get("continuation").is_none());
    let parts: Vec<String> = serde_json::from_value(plan["parts"].clone()).unwrap();
    assert_eq!(parts.len(), 3);
    let mut joined = Vec::new();
    let mut rows = 0;
    for part in &parts {
        let mut input = input.clone();
        input["continuation"] = json!(part);
        let (bytes, answers) = export_all(&mut host, "export.run", input);
        rows += answers.last().unwrap()["rows"].as_u64().unwrap();
        joined.extend(bytes);
    }
    assert_eq!(
        String::from_utf8(joined).unwrap(),
        String::from_utf8(whole.clone()).unwrap()
    );
    assert_eq!(rows, csv_rows(&whole).len() as u64);
    // Other people's time: one audit entry for the export in one, one for the
    // export in parts.
    let audited = host.query("SELECT COUNT(*) FROM audit_log WHERE action = 'export.run'");
    assert_eq!(audited[0][0], crate::protocol::Value::Int(2));

    // A part's span narrows the period, never widens it: the first part
    // stretched over all time is the whole export, no more (the query's
    // period filter sees to the rows), and reads no page outside the period
    // (the span is cut to it).
    let mut input_wide = input.clone();
    input_wide["continuation"] = json!(forged(&parts[0], |c| {
        c["span"] = json!([-62_135_596_800_000_i64, 253_402_300_799_999_i64]);
    }));
    let mark = host.batches.len();
    let (wide, _) = export_all(&mut host, "export.run", input_wide);
    assert_eq!(wide, whole);
    let ranges = page_ranges(&host, mark);
    assert!(!ranges.is_empty());
    for (from, until) in ranges {
        assert!(
            from >= period.0 && until <= period.1,
            "read {from}..{until} outside {period:?}"
        );
    }
    let mut empty = input.clone();
    empty["continuation"] = json!(forged(&parts[1], |c| c["span"] = json!([5, 5])));
    let err = host.run("export.run", empty).unwrap_err();
    assert!(
        err.to_string().contains("continuation") && err.to_string().contains("span is empty"),
        "{err}"
    );

    // Formats whose file cannot be written in parts, and a period of one
    // day, answer their first piece as usual.
    for (format, period) in [
        ("json", json!({"from": "2026-01-01", "to": "2026-11-23"})),
        ("xlsx", json!({"from": "2026-01-01", "to": "2026-11-23"})),
        ("csv", json!({"day": "2026-11-03"})),
    ] {
        let answer = host
            .run(
                "export.run",
                json!({"query": {"timeZone": "UTC", "period": period}, "format": format, "parts": 4}),
            )
            .unwrap();
        assert!(answer.get("parts").is_none(), "{format}");
        assert_ne!(answer["piece"], json!(""), "{format}");
    }
}
