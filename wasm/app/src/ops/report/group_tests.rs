//! The grouped reads of `report.run` against the worklog-by-worklog path, on
//! the same index: every viewer of the permission matrix, issue security and
//! reporter-only browse, restricted visibilities, attributes, rates and
//! rounding, in zones with fractional, extreme and changing offsets (periods
//! across their DST changes). Both answers must be equal to the second, every
//! group, subtotal, cost and chart point.

use jira_sim::{GenOptions, Sim, World};
use serde_json::{json, Value as Json};

use super::resume_tests::to_the_end;
use super::run::ROWS_PATH;
use super::tests::{act, cost_rates, grants, id_of, indexed, leads_only, sim, VIEWERS};
use crate::testing::FakeHost;

/// Zones whose local days differ from UTC's in every way: fractional
/// offsets, +14 h, a 30-minute DST shift, both hemispheres' changes.
const ZONES: [&str; 7] = [
    "UTC",
    "Europe/Berlin",
    "Asia/Kolkata",
    "Pacific/Kiritimati",
    "America/St_Johns",
    "Australia/Lord_Howe",
    "America/Los_Angeles",
];

/// The report's answer by both paths (`Null` for an error, equal on both),
/// the grouped one through its continuations when it needs more than one
/// call; panics naming the query when they differ. The grouped path must also read
/// fewer SQL rows' worth of effects, never more.
fn both(host: &mut FakeHost, query: &Json, what: &str) -> Json {
    ROWS_PATH.with(|p| p.set(true));
    let before = host.effects;
    let rows = host.run("report.run", query.clone());
    let by_rows = host.effects - before;
    ROWS_PATH.with(|p| p.set(false));
    let before = host.effects;
    let groups = to_the_end(host, query, None).map(|(answer, _)| answer);
    let by_groups = host.effects - before;
    match (rows, groups) {
        (Ok(rows), Ok(groups)) => {
            assert_eq!(rows, groups, "{what}: {query}");
            // The grouped path's few reads, and after an empty one a look
            // for the site's next worklog.
            assert!(
                by_groups <= by_rows + 10,
                "{what}: {by_groups} effects, {by_rows} by rows"
            );
            groups
        }
        (Err(a), Err(b)) => {
            assert_eq!(a.message(), b.message(), "{what}: {query}");
            Json::Null
        }
        (a, b) => panic!("{what}: {query}: {a:?} against {b:?}"),
    }
}

/// The queries compared: every dimension, multi-valued ones, filters, measures,
/// rounding rules, every chart.
fn queries(zone: &str, period: (&str, &str)) -> Vec<Json> {
    let base = json!({"timeZone": zone, "period": {"from": period.0, "to": period.1}});
    let with = |extra: Json| {
        let mut q = base.clone();
        for (k, v) in extra.as_object().into_iter().flatten() {
            q[k] = v.clone();
        }
        q
    };
    vec![
        with(json!({"groupBy": ["person", "week"], "measures": ["seconds", "count"]})),
        with(json!({"groupBy": ["project", "month"], "chart": "person"})),
        with(json!({"groupBy": ["issue", "day"], "measures": ["seconds", "billableSeconds"]})),
        with(json!({"groupBy": ["component", "person"], "chart": "person"})),
        with(json!({"groupBy": ["label", "parent", "status"]})),
        with(json!({"groupBy": ["attribute:work_type", "week"], "filter": {"billable": true}})),
        with(
            json!({"groupBy": ["person"], "filter": {"projects": ["ALPHA"]},
                    "rounding": {"mode": "up", "incrementMinutes": 15, "target": "perWorklog"}}),
        ),
        with(
            json!({"groupBy": ["project", "week"], "weekStart": "sunday",
                    "rounding": {"mode": "nearest", "incrementMinutes": 30, "target": "total"}}),
        ),
        with(json!({"groupBy": ["person", "project"], "measures": ["seconds", "cost"]})),
        with(json!({"groupBy": ["approvalState", "person"], "chart": "person"})),
        with(
            json!({"groupBy": ["person", "week"], "filter": {"approvalStates": ["approved"]},
                    "measures": ["seconds", "cost"]}),
        ),
        // A weekly axis and no day chart: reads keyed by the local week.
        with(json!({"groupBy": ["person", "week"], "chart": "person"})),
        with(json!({"groupBy": ["project", "week"], "weekStart": "saturday", "format": "csv"})),
        with(
            json!({"groupBy": ["attribute:work_type", "week"], "weekStart": "sunday",
                    "chart": "person", "filter": {"billable": true}}),
        ),
        with(json!({"groupBy": ["project", "approvalState", "day"],
                    "filter": {"approvalStates": ["submitted", "approved"]},
                    "rounding": {"mode": "up", "incrementMinutes": 15, "target": "perWorklog"}})),
        // A weekly axis and a week chart: reads keyed by the local week.
        with(json!({"groupBy": ["person", "week"], "chart": "week"})),
        with(json!({"groupBy": ["issue"], "weekStart": "sunday", "chart": "week"})),
        with(json!({"groupBy": ["project", "month"], "chart": "month"})),
    ]
}

/// Stores approval periods as the workflow would, in each person's own
/// zone (unlike the report's): weeks of several people in every state, a
/// stored open (rejected) week, and a monthly period overlapping weeks (a
/// site that moved from weekly to monthly periods), so that period
/// boundaries fall inside the report's local days.
pub(super) fn store_periods(host: &FakeHost, sim: &Sim) {
    use worklogs_core::approval::{period_of, PeriodKind};
    use worklogs_core::calendar::{WeekStart, Zone};
    let people = [
        ("alice", "Europe/Berlin"),
        ("carol", "Asia/Kolkata"),
        ("frank", "America/Los_Angeles"),
        ("bob", "Pacific/Kiritimati"),
    ];
    let states = ["approved", "submitted", "open", "approved", "approved"];
    let mut n = 0_usize;
    for (p, (alias, zone)) in people.iter().enumerate() {
        let account = id_of(sim, alias);
        let key = crate::index::dict_id(crate::index::Kind::Account, &account);
        let tz = Zone::parse(zone).unwrap();
        let mut periods: Vec<(PeriodKind, &str)> = [
            "2026-10-05",
            "2026-10-12",
            "2026-10-26",
            "2026-11-02",
            "2026-11-09",
            "2026-11-16",
        ]
        .iter()
        .map(|d| (PeriodKind::Weekly, *d))
        .collect();
        if p == 0 {
            periods.push((PeriodKind::Monthly, "2026-09-01"));
            periods.push((PeriodKind::Weekly, "2026-09-14"));
        }
        for (kind, first) in periods {
            let date = first.parse().unwrap();
            let range = period_of(kind, WeekStart::Monday, date).unwrap();
            let instants = range.instants(tz).unwrap();
            let last = range.end().pred_opt().unwrap();
            let state = states[(n + p) % states.len()];
            n += 1;
            host.exec(&format!(
                "INSERT INTO approval_periods (installation, account, start_date, end_date, \
                 account_key, zone, start_ms, end_ms, state, updated) VALUES \
                 ('{}', '{account}', '{first}', '{last}', {key}, '{zone}', {}, {}, '{state}', 1)",
                crate::testing::INSTALLATION,
                instants.start.millis(),
                instants.end.millis(),
            ));
        }
    }
}

#[test]
fn grouped_reads_equal_row_by_row_reads_for_every_viewer_and_zone() {
    let sim = sim();
    sim.with_world(|w| {
        leads_only(w, "ALPHA-3");
        w.set_browse_holders("BETA", &["reporter", "assignee"])
            .unwrap();
    });
    let mut host = indexed(&sim);
    act(&mut host, &sim, Some("dave"));
    host.run("access.save", grants()).unwrap();
    host.run("attribute.save", jira_sim::demo_attribute_definitions())
        .unwrap();
    host.run("rate.save", cost_rates(&sim)).unwrap();
    store_periods(&host, &sim);
    let mut compared = 0;
    for (z, zone) in ZONES.iter().enumerate() {
        for (v, viewer) in VIEWERS.iter().enumerate() {
            act(&mut host, &sim, *viewer);
            for (q, query) in queries(zone, ("2026-05-01", "2026-11-23"))
                .iter()
                .enumerate()
            {
                // Every query for every viewer in two zones; one query a
                // viewer in the others, turn by turn.
                if z >= 2 && (q + v + z) % 3 != 0 {
                    continue;
                }
                let what = format!("{zone} as {viewer:?}");
                let answer = both(&mut host, query, &what);
                if viewer.is_none() && z == 0 {
                    let least = if q == 0 { 1000 } else { 1 };
                    assert!(answer["worklogs"].as_u64() >= Some(least), "{what}: {q}");
                    if q == 8 {
                        assert!(answer["cost"].is_array(), "{what}: {answer}");
                    }
                }
                compared += 1;
            }
        }
    }
    assert!(compared > 150, "{compared}");
}

#[test]
fn issue_levels_listed_or_joined_hide_the_same_worklogs() {
    // A person's grouped reads name the few issues with a security level
    // instead of joining `issues`; past the cap they join. Either way each
    // viewer sees exactly what the row-by-row path shows.
    use super::rows::LISTED_SECURED;
    let sim = sim();
    sim.with_world(|w| {
        leads_only(w, "ALPHA-3");
        leads_only(w, "BETA-2");
    });
    let reads = std::rc::Rc::new(std::cell::RefCell::new(Vec::<String>::new()));
    let seen = reads.clone();
    let mut host = indexed(&sim).refuse_sql(move |statement, _| {
        if statement.sql.starts_with("SELECT COUNT(*) AS n") {
            seen.borrow_mut().push(statement.sql.clone());
        }
        None
    });
    act(&mut host, &sim, Some("dave"));
    host.run("access.save", grants()).unwrap();
    let base =
        json!({"timeZone": "Asia/Kolkata", "period": {"from": "2026-05-01", "to": "2026-11-23"}});
    let mut queries = Vec::new();
    for group_by in [
        json!(["person", "week"]),
        json!(["project", "month"]),
        json!(["issue"]),
    ] {
        let mut q = base.clone();
        q["groupBy"] = group_by;
        queries.push(q);
    }
    let mut answers = Vec::new();
    for cap in [None, Some(0)] {
        LISTED_SECURED.with(|c| c.set(cap));
        for viewer in VIEWERS {
            act(&mut host, &sim, viewer);
            reads.borrow_mut().clear();
            for query in &queries {
                answers.push(both(&mut host, query, &format!("{viewer:?}, cap {cap:?}")));
            }
            let joined = reads
                .borrow()
                .iter()
                .filter(|sql| sql.contains(" JOIN issues "))
                .count();
            let all = reads.borrow().len();
            assert!(all > 0, "{viewer:?}");
            // The app's reads always join (its groups name their project by
            // an issue key); a person's join only past the cap.
            let wanted = if viewer.is_none() || cap == Some(0) {
                all
            } else {
                0
            };
            assert_eq!(joined, wanted, "{viewer:?}, cap {cap:?}");
        }
    }
    LISTED_SECURED.with(|c| c.set(None));
    let (listed, joined) = answers.split_at(answers.len() / 2);
    assert_eq!(listed, joined);
}

#[test]
fn grouped_reads_equal_row_by_row_reads_on_generated_sites() {
    for seed in [3, 11] {
        let mut world = World::generate(
            seed,
            GenOptions {
                extra_users: 30,
                worklogs: Some(12_000),
                issues_per_project: Some(40),
                months: 12,
            },
        );
        world.set_time(1_795_521_600_000);
        let sim = Sim::new(world);
        let mut host = indexed(&sim);
        act(&mut host, &sim, Some("dave"));
        host.run("access.save", grants()).unwrap();
        host.run("attribute.save", jira_sim::demo_attribute_definitions())
            .unwrap();
        host.run("rate.save", cost_rates(&sim)).unwrap();
        for viewer in [None, Some("dave"), Some("carol"), Some("alice")] {
            act(&mut host, &sim, viewer);
            for zone in ["Europe/Berlin", "America/St_Johns", "Asia/Kolkata"] {
                for query in queries(zone, ("2025-11-24", "2026-11-23"))
                    .iter()
                    .step_by(2)
                {
                    both(
                        &mut host,
                        query,
                        &format!("seed {seed} {zone} as {viewer:?}"),
                    );
                }
            }
        }
    }
}

#[test]
fn a_grouped_read_is_answered_from_the_covering_index() {
    // Each grouped read names only columns of `worklogs_covering` after its
    // range, so the engine needs no lookup of each worklog in the table
    // (MariaDB chose a full scan over those lookups for a wide range).
    use crate::protocol::Value;
    let reads = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
    let seen = reads.clone();
    let sim = sim();
    let mut host = indexed(&sim).refuse_sql(move |statement, _| {
        if statement.sql.starts_with("SELECT COUNT(*) AS n") {
            seen.borrow_mut()
                .push((statement.sql.clone(), statement.params.clone()));
        }
        None
    });
    act(&mut host, &sim, Some("dave"));
    host.run("attribute.save", jira_sim::demo_attribute_definitions())
        .unwrap();
    host.run("rate.save", cost_rates(&sim)).unwrap();
    for viewer in [None, Some("dave")] {
        act(&mut host, &sim, viewer);
        for query in queries("Europe/Berlin", ("2026-05-01", "2026-11-23")) {
            host.run("report.run", query.clone()).unwrap();
        }
    }
    let reads: Vec<(String, Vec<Value>)> = reads.borrow().clone();
    assert!(reads.len() >= 10, "{} grouped reads", reads.len());
    for (sql, params) in reads {
        let plan = host.query_params(&format!("EXPLAIN QUERY PLAN {sql}"), &params);
        let detail: Vec<String> = plan
            .rows
            .iter()
            .filter_map(|row| match row.get(3) {
                Some(Value::Text(text)) => Some(text.clone()),
                _ => None,
            })
            .collect();
        assert!(
            detail
                .iter()
                .any(|d| d.starts_with("SEARCH w USING COVERING INDEX worklogs_covering")),
            "{sql}: {detail:?}"
        );
    }
}
