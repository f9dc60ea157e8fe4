//! Reports and exports by approval state, against periods moved through the
//! workflow: the approved-only total is the sum of the approved periods'
//! logged time, each state's group holds the worklogs of its periods, and
//! the flat export's `approval_state` says each worklog's period state.

use std::collections::BTreeMap;

use serde_json::{json, Value as Json};
use worklogs_core::approval::{worklog_approval_state, PeriodSpan, State};
use worklogs_core::calendar::{parse_instant, Instant};

use super::tests::{act, csv_rows, export_all, id_of, indexed, sim};
use crate::testing::FakeHost;

/// The stored periods by account: (start, end, state).
fn stored(host: &FakeHost) -> BTreeMap<String, Vec<PeriodSpan>> {
    let mut out: BTreeMap<String, Vec<PeriodSpan>> = BTreeMap::new();
    for row in host.query("SELECT account, start_ms, end_ms, state FROM approval_periods") {
        let text = |i: usize| match &row[i] {
            crate::protocol::Value::Text(t) => t.clone(),
            other => panic!("{other:?}"),
        };
        let int = |i: usize| crate::index::int(&row[i]).unwrap();
        out.entry(text(0)).or_default().push(PeriodSpan {
            start_ms: int(1),
            end_ms: int(2),
            state: State::parse(&text(3)).unwrap(),
        });
    }
    out
}

#[test]
fn approved_only_totals_equal_the_sum_of_approved_periods() {
    let sim = sim();
    let mut host = indexed(&sim);
    // alice's and carol's weeks approved, bob's submitted, erin's rejected
    // (stored, open again).
    let mut approved_logged = 0;
    for (alias, date, decision) in [
        ("alice", "2026-11-18", "approve"),
        ("carol", "2026-11-10", "approve"),
        ("bob", "2026-11-18", ""),
        ("erin", "2026-11-04", "reject"),
    ] {
        act(&mut host, &sim, Some(alias));
        let view = host.run("approval.submit", json!({"date": date})).unwrap();
        if decision.is_empty() {
            continue;
        }
        act(&mut host, &sim, Some("dave"));
        let mut input = json!({"accountId": id_of(&sim, alias), "periodStart": view["start"]});
        if decision == "reject" {
            input["reason"] = json!("checked");
        }
        host.run(&format!("approval.{decision}"), input).unwrap();
        if decision == "approve" {
            approved_logged += view["balance"]["loggedSeconds"].as_u64().unwrap();
        }
    }
    assert!(approved_logged > 0);
    let periods = stored(&host);
    let state_of = |author: &str, started: i64| {
        periods.get(author).map_or(State::Open, |p| {
            worklog_approval_state(p, Instant::from_millis(started))
        })
    };
    act(&mut host, &sim, None);
    let month = |extra: Json| {
        let mut q =
            json!({"timeZone": "UTC", "period": {"from": "2026-11-01", "to": "2026-11-30"}});
        for (k, v) in extra.as_object().unwrap() {
            q[k] = v.clone();
        }
        q
    };

    // Approved only: the sum of the approved periods.
    let approved = host
        .run(
            "report.run",
            month(json!({"groupBy": ["person"], "filter": {"approvalStates": ["approved"]}})),
        )
        .unwrap();
    assert_eq!(
        approved["totalSeconds"],
        json!(approved_logged),
        "{approved}"
    );
    let people: Vec<&str> = approved["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["key"].as_str().unwrap())
        .collect();
    let mut expected_people = vec![id_of(&sim, "alice"), id_of(&sim, "carol")];
    expected_people.sort();
    let mut got = people.iter().map(|p| (*p).to_owned()).collect::<Vec<_>>();
    got.sort();
    assert_eq!(got, expected_people);

    // By state: each group holds the worklogs of its periods, and the three
    // add up to the total.
    let facts = sim.with_world(|w| w.worklog_facts());
    let (from, to) = (
        parse_instant("2026-11-01T00:00:00Z").unwrap().millis(),
        parse_instant("2026-12-01T00:00:00Z").unwrap().millis(),
    );
    let mut expected: BTreeMap<&str, u64> = BTreeMap::new();
    for f in facts.iter().filter(|f| (from..to).contains(&f.started_ms)) {
        *expected
            .entry(state_of(&f.author, f.started_ms).as_str())
            .or_default() += u64::try_from(f.seconds).unwrap();
    }
    let by_state = host
        .run("report.run", month(json!({"groupBy": ["approvalState"]})))
        .unwrap();
    let got: BTreeMap<&str, u64> = by_state["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| (g["key"].as_str().unwrap(), g["seconds"].as_u64().unwrap()))
        .collect();
    assert_eq!(got, expected, "{by_state}");
    assert_eq!(expected["approved"], approved_logged);
    assert!(expected["submitted"] > 0 && expected["open"] > 0);
    let submitted_or_approved = host
        .run(
            "report.run",
            month(json!({"filter": {"approvalStates": ["submitted", "approved"]}})),
        )
        .unwrap();
    assert_eq!(
        submitted_or_approved["totalSeconds"],
        json!(expected["submitted"] + expected["approved"])
    );

    // The flat export says each worklog's state.
    let (bytes, _) = export_all(
        &mut host,
        "export.run",
        json!({"query": month(json!({})), "format": "csv"}),
    );
    let rows = csv_rows(&bytes);
    assert!(rows.len() > 100);
    let mut seen = BTreeMap::new();
    for row in rows {
        let started = parse_instant(&row["started_utc"]).unwrap().millis();
        let state = state_of(&row["author_account_id"], started);
        assert_eq!(row["approval_state"], state.as_str(), "{row:?}");
        *seen.entry(state).or_insert(0) += 1;
    }
    assert_eq!(seen.len(), 3, "{seen:?}");
}

#[test]
fn bad_approval_filters_and_groupings_name_the_field() {
    let sim = sim();
    let mut host = indexed(&sim);
    act(&mut host, &sim, Some("alice"));
    let base = json!({"timeZone": "UTC", "period": {"from": "2026-11-01", "to": "2026-11-23"}});
    let mut bad = base.clone();
    bad["filter"] = json!({"approvalStates": ["approved", "done"]});
    let e = host.run("report.run", bad).unwrap_err();
    assert!(
        e.message().contains("filter.approvalStates[1]") && e.message().contains("\"done\""),
        "{e:?}"
    );
    let mut empty = base.clone();
    empty["filter"] = json!({"approvalStates": []});
    let e = host.run("report.run", empty).unwrap_err();
    assert!(e.message().contains("filter.approvalStates"), "{e:?}");
    let mut twice = base;
    twice["groupBy"] = json!(["approvalState", "approvalState"]);
    let e = host.run("report.run", twice).unwrap_err();
    assert!(e.message().contains("groupBy[1]"), "{e:?}");
}
