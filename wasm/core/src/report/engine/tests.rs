//! Tests of the report engine.

use std::cmp::Ordering;

use chrono::NaiveDate;

use super::keys::natural_cmp;
use super::*;
use crate::calendar::{parse_instant, Instant, WeekStart};
use crate::export::flat::FlatRow;
use crate::hours;
use crate::money::{Currency, RateScope};
use crate::report::query::Filter;
use crate::report::result::{ReportResult, Values};
use crate::rounding::RoundingRule;
use proptest::prelude::*;
use rust_decimal::Decimal;

fn row(person: &str, project: &str, started: &str, minutes: u64) -> FlatRow {
    FlatRow {
        worklog_id: format!("{person}-{started}"),
        author_account_id: person.into(),
        author_display_name: person.to_uppercase(),
        project_id: format!("id-{project}"),
        project_key: project.into(),
        project_name: format!("{project} project"),
        issue_key: format!("{project}-1"),
        issue_status: "Done".into(),
        started: parse_instant(started).unwrap(),
        seconds: Seconds::from_minutes(minutes).unwrap(),
        ..FlatRow::default()
    }
}

fn query(json: &str) -> ReportQuery {
    ReportQuery::from_json(json).unwrap()
}

fn run(query: ReportQuery, rows: &[FlatRow]) -> ReportResult {
    let mut builder = ReportBuilder::new(
        query,
        Resolution::default(),
        TimeTrackingSettings::default(),
        None,
    )
    .unwrap();
    builder.push_page(rows).unwrap();
    assert!(builder.groups() <= rows.len().max(1) * 27);
    assert!(builder.worklogs() <= rows.len() as u64);
    builder.finish().unwrap()
}

fn ids(result: &ReportResult) -> Vec<Vec<Option<String>>> {
    result
        .rows
        .iter()
        .map(|r| r.keys.iter().map(|k| k.id.clone()).collect())
        .collect()
}

#[test]
fn three_twenty_minute_worklogs_are_one_hour() {
    let rows = vec![row("ann", "WEB", "2026-03-25T09:00:00Z", 20); 3];
    let result = run(
        query(r#"{"timeZone": "UTC", "groupBy": ["person"]}"#),
        &rows,
    );
    assert_eq!(result.rows[0].values.hours.to_string(), "1.00");
    assert_eq!(result.total.hours.to_string(), "1.00");
    assert_eq!(result.total.seconds, 3600);
    assert_eq!(result.worklogs, 3);
    // Per worklog the hours would be 0.33 each: summing them is wrong.
    assert_eq!(
        hours::rounded(Seconds::from_minutes(20).unwrap(), 2)
            .unwrap()
            .to_string(),
        "0.33"
    );
}

#[test]
fn a_late_utc_start_belongs_to_the_next_local_date() {
    let rows = vec![row("ann", "WEB", "2026-03-28T23:30:00Z", 30)];
    let berlin = run(
        query(r#"{"timeZone": "Europe/Berlin", "groupBy": ["day"]}"#),
        &rows,
    );
    assert_eq!(ids(&berlin), [[Some("2026-03-29".to_owned())]]);
    let utc = run(query(r#"{"timeZone": "UTC", "groupBy": ["day"]}"#), &rows);
    assert_eq!(ids(&utc), [[Some("2026-03-28".to_owned())]]);
    // The period follows the local date too.
    let march_28 = run(
        query(r#"{"timeZone": "Europe/Berlin", "period": {"day": "2026-03-28"}}"#),
        &rows,
    );
    assert_eq!(march_28.worklogs, 0);
}

#[test]
fn weeks_can_start_on_sunday() {
    let rows = vec![
        row("ann", "WEB", "2026-03-21T12:00:00Z", 60), // Saturday
        row("ann", "WEB", "2026-03-22T12:00:00Z", 60), // Sunday
        row("ann", "WEB", "2026-03-28T12:00:00Z", 60), // Saturday
    ];
    let sunday = run(
        query(r#"{"timeZone": "UTC", "weekStart": "sunday", "groupBy": ["week"]}"#),
        &rows,
    );
    assert_eq!(
        ids(&sunday),
        [
            [Some("2026-03-15".to_owned())],
            [Some("2026-03-22".to_owned())]
        ]
    );
    assert_eq!(sunday.rows[1].values.seconds, 7200);
    assert_eq!(sunday.rows[1].keys[0].label.as_deref(), Some("2026-03-22"));
    let monday = run(query(r#"{"timeZone": "UTC", "groupBy": ["week"]}"#), &rows);
    assert_eq!(
        ids(&monday),
        [
            [Some("2026-03-16".to_owned())],
            [Some("2026-03-23".to_owned())]
        ]
    );
    assert_eq!(monday.rows[0].keys[0].label.as_deref(), Some("2026-W12"));
}

/// `time_key` (what a chart lists, empty buckets too) names every bucket as
/// the report's rows key it.
#[test]
fn time_key_names_a_chart_bucket_as_the_rows_do() {
    use crate::report::query::TimeAxis;
    let day = |d: &str| NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap();
    let key = |d: &str, axis, start| {
        let (id, label) = time_key(day(d), axis, start).unwrap();
        (id, label)
    };
    let pair = |a: &str, b: &str| (a.to_owned(), b.to_owned());
    // Thursday 2026-01-08.
    assert_eq!(
        key("2026-01-08", TimeAxis::Day, WeekStart::Monday),
        pair("2026-01-08", "2026-01-08")
    );
    assert_eq!(
        key("2026-01-08", TimeAxis::Week, WeekStart::Monday),
        pair("2026-01-05", "2026-W02")
    );
    assert_eq!(
        key("2026-01-08", TimeAxis::Week, WeekStart::Sunday),
        pair("2026-01-04", "2026-01-04")
    );
    assert_eq!(
        key("2026-01-08", TimeAxis::Week, WeekStart::Saturday),
        pair("2026-01-03", "2026-01-03")
    );
    assert_eq!(
        key("2026-01-08", TimeAxis::Month, WeekStart::Monday),
        pair("2026-01-01", "2026-01")
    );
    // An ISO week of the year before.
    assert_eq!(
        key("2021-01-03", TimeAxis::Week, WeekStart::Monday),
        pair("2020-12-28", "2020-W53")
    );
    // The same as the rows of a report over those days.
    let rows = vec![
        row("ann", "WEB", "2026-03-21T12:00:00Z", 60),
        row("ann", "WEB", "2026-03-22T12:00:00Z", 60),
    ];
    for (json, axis, start) in [
        (
            r#"{"timeZone": "UTC", "groupBy": ["week"]}"#,
            TimeAxis::Week,
            WeekStart::Monday,
        ),
        (
            r#"{"timeZone": "UTC", "weekStart": "sunday", "groupBy": ["week"]}"#,
            TimeAxis::Week,
            WeekStart::Sunday,
        ),
        (
            r#"{"timeZone": "UTC", "groupBy": ["month"]}"#,
            TimeAxis::Month,
            WeekStart::Monday,
        ),
    ] {
        let result = run(query(json), &rows);
        for (row, date) in result.rows.iter().zip(["2026-03-21", "2026-03-22"]) {
            let (id, label) = key(date, axis, start);
            assert_eq!(row.keys[0].id.as_deref(), Some(id.as_str()), "{json}");
            assert_eq!(row.keys[0].label.as_deref(), Some(label.as_str()), "{json}");
        }
    }
    assert!(time_key(NaiveDate::MIN, TimeAxis::Week, WeekStart::Monday).is_err());
}

#[test]
fn a_worklog_counts_under_each_label_and_once_in_the_total() {
    let mut a = row("ann", "WEB", "2026-03-25T09:00:00Z", 60);
    a.labels = vec!["x".into(), "y".into(), "x".into()];
    let mut b = row("bob", "WEB", "2026-03-25T10:00:00Z", 60);
    b.labels = vec!["x".into()];
    let c = row("cy", "WEB", "2026-03-25T11:00:00Z", 60);
    let result = run(
        query(r#"{"timeZone": "UTC", "groupBy": ["label", "person"], "measures": ["count"]}"#),
        &[a, b, c],
    );
    assert!(result.multi_valued);
    let label_totals: Vec<(Option<String>, u64)> = result
        .subtotals
        .iter()
        .map(|s| (s.keys[0].id.clone(), s.values.seconds))
        .collect();
    assert_eq!(
        label_totals,
        [
            (Some("x".into()), 7200),
            (Some("y".into()), 3600),
            (None, 3600)
        ]
    );
    let sum: u64 = result.rows.iter().map(|r| r.values.seconds).sum();
    assert_eq!(sum, 4 * 3600, "ann's hour counts under x and y");
    assert_eq!(result.total.seconds, 3 * 3600);
    assert_eq!(result.total.count, Some(3));
}

#[test]
fn rounding_per_worklog_or_on_totals() {
    let rows = vec![row("ann", "WEB", "2026-03-25T09:00:00Z", 10); 3];
    let each = run(
        query(
            r#"{"timeZone": "UTC", "groupBy": ["person"], "rounding": {"mode": "up", "incrementMinutes": 15}}"#,
        ),
        &rows,
    );
    assert_eq!(each.total.seconds, 45 * 60);
    assert_eq!(each.rows[0].values.hours.to_string(), "0.75");
    let once = run(
        query(
            r#"{"timeZone": "UTC", "groupBy": ["person"], "rounding": {"mode": "up", "incrementMinutes": 15, "target": "total"}}"#,
        ),
        &rows,
    );
    assert_eq!(once.total.seconds, 30 * 60);
    assert_eq!(once.rows[0].values.seconds, 30 * 60);
}

#[test]
fn filters_and_their_resolution() {
    let mut rows = vec![
        row("ann", "WEB", "2026-03-25T09:00:00Z", 60),
        row("bob", "API", "2026-03-25T09:00:00Z", 60),
        row("cy", "WEB", "2026-03-25T09:00:00Z", 60),
    ];
    rows[0].billable = true;
    rows[0].attributes.insert("work_type".into(), "dev".into());
    rows[1]
        .attributes
        .insert("work_type".into(), "review".into());
    let count = |json: &str, resolution: Resolution| {
        let mut b = ReportBuilder::new(
            query(json),
            resolution,
            TimeTrackingSettings::default(),
            None,
        )
        .unwrap();
        b.push_page(&rows).unwrap();
        b.finish().unwrap().worklogs
    };
    assert_eq!(
        count(
            r#"{"timeZone": "UTC", "filter": {"billable": true}}"#,
            Resolution::default()
        ),
        1
    );
    assert_eq!(
        count(
            r#"{"timeZone": "UTC", "filter": {"billable": false}}"#,
            Resolution::default()
        ),
        2
    );
    assert_eq!(
        count(
            r#"{"timeZone": "UTC", "filter": {"projects": ["WEB"]}}"#,
            Resolution::default()
        ),
        2
    );
    assert_eq!(
        count(
            r#"{"timeZone": "UTC", "filter": {"attributes": {"work_type": ["dev", "review"]}}}"#,
            Resolution::default()
        ),
        2
    );
    let team = Resolution {
        group_members: [("team".to_owned(), vec!["bob".to_owned()])].into(),
        jql_issues: Some(vec!["WEB-1".to_owned(), "API-1".to_owned()]),
    };
    assert_eq!(
        count(
            r#"{"timeZone": "UTC", "filter": {"people": ["ann"], "groups": ["team"]}}"#,
            team.clone()
        ),
        2
    );
    assert_eq!(
        count(
            r#"{"timeZone": "UTC", "filter": {"issues": ["WEB-1"], "jql": "x"}}"#,
            team
        ),
        2
    );
    let err = ReportBuilder::new(
        query(r#"{"timeZone": "UTC", "filter": {"groups": ["team"]}}"#),
        Resolution::default(),
        TimeTrackingSettings::default(),
        None,
    )
    .unwrap_err();
    assert_eq!(
        (err.reason(), err.field()),
        ("unresolved-group", Some("filter.groups"))
    );
    let err = ReportBuilder::new(
        query(r#"{"timeZone": "UTC", "measures": ["cost"]}"#),
        Resolution::default(),
        TimeTrackingSettings::default(),
        None,
    )
    .unwrap_err();
    assert_eq!(err.reason(), "missing-rates");
}

#[test]
fn groups_sort_by_display_values_with_no_value_last() {
    let mut rows = Vec::new();
    for (n, person) in ["zed", "amy", "bob"].iter().enumerate() {
        let mut r = row(person, "WEB", "2026-03-25T09:00:00Z", 10);
        r.issue_key = format!("WEB-{}", [10, 9, 100][n]);
        rows.push(r);
    }
    rows[2].parent_key = Some("WEB-1".into());
    let by_issue = run(query(r#"{"timeZone": "UTC", "groupBy": ["issue"]}"#), &rows);
    assert_eq!(
        ids(&by_issue),
        [
            [Some("WEB-9".to_owned())],
            [Some("WEB-10".to_owned())],
            [Some("WEB-100".to_owned())]
        ]
    );
    let by_parent = run(
        query(r#"{"timeZone": "UTC", "groupBy": ["parent"]}"#),
        &rows,
    );
    assert_eq!(ids(&by_parent), [[Some("WEB-1".to_owned())], [None]]);
    let by_person = run(
        query(r#"{"timeZone": "UTC", "groupBy": ["person"]}"#),
        &rows,
    );
    let labels: Vec<_> = by_person
        .rows
        .iter()
        .map(|r| r.keys[0].label.clone().unwrap())
        .collect();
    assert_eq!(labels, ["AMY", "BOB", "ZED"]);
    assert_eq!(natural_cmp("a2", "a10"), Ordering::Less);
    assert_eq!(natural_cmp("B", "a"), Ordering::Greater);
    assert_eq!(
        natural_cmp("a01", "a1"),
        Ordering::Less,
        "total order: exact tie-break"
    );
}

#[test]
fn subtotals_and_period_totals() {
    let rows = vec![
        row("ann", "WEB", "2026-03-25T09:00:00Z", 60),
        row("ann", "API", "2026-03-26T09:00:00Z", 30),
        row("bob", "WEB", "2026-04-02T09:00:00Z", 15),
    ];
    let result = run(
        query(
            r#"{"timeZone": "UTC", "groupBy": ["person", "project", "month"], "timeFormat": "pretty"}"#,
        ),
        &rows,
    );
    assert_eq!(result.dimensions, ["person", "project", "month"]);
    let subtotals: Vec<(usize, u64)> = result
        .subtotals
        .iter()
        .map(|s| (s.keys.len(), s.values.seconds))
        .collect();
    // ann, ann/API, ann/WEB, bob, bob/WEB: each level-1 subtotal before its children.
    assert_eq!(
        subtotals,
        [(1, 5400), (2, 1800), (2, 3600), (1, 900), (2, 900)]
    );
    let periods: Vec<(String, u64)> = result
        .period_totals
        .iter()
        .map(|p| (p.keys[0].label.clone().unwrap(), p.values.seconds))
        .collect();
    assert_eq!(
        periods,
        [("2026-03".to_owned(), 5400), ("2026-04".to_owned(), 900)]
    );
    assert_eq!(result.total.time, "1h 45m");
}

#[test]
fn costs_round_once_per_line_and_totals_add_up() {
    let eur = Currency::parse("EUR").unwrap();
    let jan = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    let rates = RateTable::new(vec![
        Rate::new(RateScope::Default, Decimal::from(100), eur, jan).unwrap(),
        Rate::new(
            RateScope::Person {
                person: "bob".into(),
            },
            Decimal::new(3333, 2),
            eur,
            jan,
        )
        .unwrap(),
    ])
    .unwrap();
    let mut rows = vec![row("ann", "WEB", "2026-03-25T09:00:00Z", 20); 3];
    rows.push(row("bob", "WEB", "2026-03-25T09:00:00Z", 20));
    rows.push(row("bob", "WEB", "2025-12-25T09:00:00Z", 20)); // before any rate
    let mut builder = ReportBuilder::new(
        query(r#"{"timeZone": "UTC", "groupBy": ["person"], "measures": ["cost"]}"#),
        Resolution::default(),
        TimeTrackingSettings::default(),
        Some(rates),
    )
    .unwrap();
    builder.push_page(&rows).unwrap();
    let result = builder.finish().unwrap();
    let cost = |v: &Values| v.cost.as_ref().unwrap()[0].to_string();
    assert_eq!(
        cost(&result.rows[0].values),
        "100.00 EUR",
        "three 20-minute worklogs at 100/h"
    );
    assert_eq!(cost(&result.rows[1].values), "11.11 EUR");
    assert_eq!(cost(&result.total), "111.11 EUR", "the sum of the lines");
    assert_eq!(result.rows[1].values.unpriced_seconds, Some(1200));
    let names: Vec<String> = result.columns().into_iter().map(|c| c.name).collect();
    assert!(names.contains(&"cost_eur".to_owned()), "{names:?}");
}

#[test]
fn results_serialize_with_decimal_strings() {
    let rows = vec![row("ann", "WEB", "2026-03-25T09:00:00Z", 20); 3];
    let result = run(
        query(r#"{"timeZone": "UTC", "groupBy": ["person", "week"]}"#),
        &rows,
    );
    let json = serde_json::to_value(&result).unwrap();
    assert_eq!(json["total"]["hours"], "1.00");
    assert_eq!(json["rows"][0]["keys"][1]["label"], "2026-W13");
    assert_eq!(json["periodTotals"][0]["seconds"], 3600);
    let back: ReportResult = serde_json::from_value(json).unwrap();
    assert_eq!(back, result);
}

fn arb_rows() -> impl Strategy<Value = Vec<FlatRow>> {
    let one = (
        0..4_usize,
        0..3_usize,
        0..2_000_000_i64,
        0..20_000_u64,
        any::<bool>(),
        0..4_usize,
    );
    prop::collection::vec(one, 0..60).prop_map(|items| {
        items
            .into_iter()
            .map(|(p, j, minutes, seconds, billable, labels)| FlatRow {
                author_account_id: ["a", "b", "c", "d"][p].into(),
                project_key: ["P", "Q", "R"][j].into(),
                issue_key: format!("{}-{}", ["P", "Q", "R"][j], p),
                started: Instant::from_millis(1_767_225_600_000 + minutes * 60_000),
                seconds: Seconds::new(seconds).unwrap(),
                billable,
                labels: ["x", "y", "z"]
                    .iter()
                    .take(labels)
                    .map(|s| (*s).to_owned())
                    .collect(),
                ..FlatRow::default()
            })
            .collect()
    })
}

fn grouping() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        r#"["person"]"#,
        r#"["project", "week"]"#,
        r#"["person", "project", "issue", "day"]"#,
        r#"["month", "project"]"#,
        r#"["label", "person"]"#,
    ])
}

proptest! {
    #[test]
    fn group_seconds_sum_to_the_total(rows in arb_rows(), group_by in grouping(), tz in prop::sample::select(vec!["UTC", "Asia/Kolkata", "America/New_York"])) {
        let q = query(&format!(r#"{{"timeZone": "{tz}", "groupBy": {group_by}, "measures": ["count", "billableSeconds"]}}"#));
        let result = run(q, &rows);
        let exact: u64 = rows.iter().map(|r| r.seconds.get()).sum();
        prop_assert_eq!(result.total.seconds, exact);
        prop_assert_eq!(result.total.count, Some(rows.len() as u64));
        let sum: u64 = result.rows.iter().map(|r| r.values.seconds).sum();
        if result.multi_valued {
            prop_assert!(sum >= exact);
        } else {
            prop_assert_eq!(sum, exact);
            let periods: u64 = result.period_totals.iter().map(|r| r.values.seconds).sum();
            prop_assert!(result.period_totals.is_empty() || periods == exact);
            let level_one: u64 = result.subtotals.iter().filter(|s| s.keys.len() == 1).map(|s| s.values.seconds).sum();
            prop_assert!(result.subtotals.is_empty() || level_one == exact);
        }
    }

    #[test]
    fn paging_does_not_change_the_result(rows in arb_rows(), group_by in grouping(), sizes in prop::collection::vec(1..7_usize, 1..20)) {
        let json = format!(r#"{{"timeZone": "Europe/Berlin", "groupBy": {group_by}, "measures": ["count"]}}"#);
        let whole = run(query(&json), &rows);
        let mut builder = ReportBuilder::new(query(&json), Resolution::default(), TimeTrackingSettings::default(), None).unwrap();
        let mut rest = &rows[..];
        for size in sizes.iter().cycle() {
            if rest.is_empty() { break; }
            let (page, tail) = rest.split_at((*size).min(rest.len()));
            builder.push_page(page).unwrap();
            rest = tail;
        }
        prop_assert_eq!(builder.finish().unwrap(), whole);
    }

    #[test]
    fn a_builder_resumed_from_its_state_finishes_as_one_built_in_one_go(rows in arb_rows(), group_by in grouping(), cuts in prop::collection::vec(0..60_usize, 0..6)) {
        let eur = Currency::parse("EUR").unwrap();
        let jan = NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
        let rates = || Some(RateTable::new(vec![
            Rate::new(RateScope::Default, Decimal::new(3333, 2), eur, jan).unwrap(),
        ]).unwrap());
        let json = format!(r#"{{"timeZone": "Europe/Berlin", "groupBy": {group_by}, "measures": ["count", "billableSeconds", "cost"]}}"#);
        let new = || ReportBuilder::new(query(&json), Resolution::default(), TimeTrackingSettings::default(), rates()).unwrap();
        let mut whole = new();
        whole.push_page(&rows).unwrap();
        let whole = whole.finish().unwrap();
        let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(rows.len())).collect();
        cuts.sort_unstable();
        cuts.push(rows.len());
        let mut builder = new();
        let mut from = 0;
        for cut in cuts {
            builder.push_page(&rows[from..cut]).unwrap();
            from = cut;
            // Through its text, as a continuation carries it.
            let text = serde_json::to_string(&builder.state()).unwrap();
            let state: BuilderState = serde_json::from_str(&text).unwrap();
            prop_assert_eq!(&state, &builder.state());
            builder = ReportBuilder::resume(query(&json), Resolution::default(), TimeTrackingSettings::default(), rates(), state).unwrap();
        }
        prop_assert_eq!(builder.finish().unwrap(), whole);
    }

    #[test]
    fn rounding_per_worklog_stays_within_its_bound(rows in arb_rows(), increment in 1..60_u32) {
        let rule = RoundingRule::new(RoundMode::Nearest, increment, Target::PerWorklog).unwrap();
        let q = ReportQuery::grouped(crate::calendar::Zone::UTC, WeekStart::Monday, &[]).unwrap().with_rounding(rule);
        let rounded = run(q, &rows).total.seconds;
        let exact: u64 = rows.iter().map(|r| r.seconds.get()).sum();
        let bound = rule.max_total_deviation(rows.len() as u64).get() + u64::from(increment) * 60;
        prop_assert!(rounded.abs_diff(exact) <= bound.max(rows.len() as u64 * u64::from(increment) * 30));
    }
}

#[test]
fn the_filter_builder_methods_apply() {
    let rows = vec![
        row("ann", "WEB", "2026-03-25T09:00:00Z", 60),
        row("bob", "WEB", "2026-03-25T09:00:00Z", 60),
    ];
    let filter = Filter {
        people: Some(["bob".to_owned()].into()),
        ..Filter::default()
    };
    let q = ReportQuery::grouped(crate::calendar::Zone::UTC, WeekStart::Monday, &["person"])
        .unwrap()
        .with_filter(filter)
        .with_measures(&[Measure::Count]);
    let result = run(q, &rows);
    assert_eq!(result.total.count, Some(1));
}

#[test]
fn a_state_that_does_not_fit_the_query_is_refused() {
    let rows = vec![row("ann", "WEB", "2026-03-25T09:00:00Z", 20)];
    let json = r#"{"timeZone": "UTC", "groupBy": ["person", "project"]}"#;
    let mut builder = ReportBuilder::new(
        query(json),
        Resolution::default(),
        TimeTrackingSettings::default(),
        None,
    )
    .unwrap();
    builder.push_page(&rows).unwrap();
    let state = serde_json::to_value(builder.state()).unwrap();
    let resume = |json: &str, state: &serde_json::Value| {
        ReportBuilder::resume(
            query(json),
            Resolution::default(),
            TimeTrackingSettings::default(),
            None,
            serde_json::from_value(state.clone()).unwrap(),
        )
    };
    assert!(resume(json, &state).is_ok());
    // Another grouping.
    let e = resume(r#"{"timeZone": "UTC", "groupBy": ["person"]}"#, &state).unwrap_err();
    assert_eq!(e.reason(), "bad-report-state");
    // A key naming a value the state does not hold.
    let mut bad = state.clone();
    bad["leaf"][0][0][1] = serde_json::json!(7);
    assert_eq!(resume(json, &bad).unwrap_err().reason(), "bad-report-state");
    // A value listed twice.
    let mut twice = state.clone();
    let ann = twice["levels"][0][0].clone();
    twice["levels"][0].as_array_mut().unwrap().push(ann);
    assert_eq!(
        resume(json, &twice).unwrap_err().reason(),
        "bad-report-state"
    );
    // A period without a time axis.
    let mut timed = state;
    timed["leaf"][0][0][3] = serde_json::json!(739_000);
    assert_eq!(
        resume(json, &timed).unwrap_err().reason(),
        "bad-report-state"
    );
}

/// A report as a file: one row per innermost group with the keys of every
/// level, in the engine's order (by name), the time axis innermost
/// wherever the query lists it, text quoted and neutralised, hours with the query's decimals, and a group
/// without a value under empty keys. This is what `report.run` answers
/// with `format` and what `worklogs report --input` writes.
#[test]
fn a_report_renders_one_row_per_innermost_group() {
    use crate::export::{ExportFormat, ExportOptions};
    let worklog = |person: &str, name: &str, started: &str, minutes: u64| FlatRow {
        author_display_name: name.into(),
        ..row(person, "WEB", started, minutes)
    };
    let rows = vec![
        worklog("acc-1", "Ann, \"the\" lead", "2026-11-16T09:00:00Z", 60),
        worklog("acc-1", "Ann, \"the\" lead", "2026-11-23T09:00:00Z", 60),
        worklog("acc-1", "Ann, \"the\" lead", "2026-11-24T09:00:00Z", 30),
        worklog("acc-2", "=Bob", "2026-11-23T10:00:00Z", 60),
    ];
    let result = run(
        query(r#"{"timeZone": "UTC", "groupBy": ["week", "person"]}"#),
        &rows,
    );
    assert_eq!(result.dimensions, ["person", "week"], "time axis innermost");
    let csv = result
        .render(&ExportOptions::new(ExportFormat::Csv))
        .unwrap();
    assert_eq!(
        String::from_utf8(csv).unwrap(),
        "person_account_id,person_name,week_start,seconds,hours\r\n\
         acc-2,'=Bob,2026-11-23,3600,1.00\r\n\
         acc-1,\"Ann, \"\"the\"\" lead\",2026-11-16,3600,1.00\r\n\
         acc-1,\"Ann, \"\"the\"\" lead\",2026-11-23,5400,1.50\r\n"
    );
    let sum: u64 = result.rows.iter().map(|r| r.values.seconds).sum();
    assert_eq!(sum, result.total.seconds);

    let orphan = vec![row("ann", "WEB", "2026-03-25T09:00:00Z", 1)];
    let result = run(
        query(r#"{"timeZone": "UTC", "groupBy": ["month", "parent"], "hoursDecimals": 1}"#),
        &orphan,
    );
    let json = result
        .render(&ExportOptions::new(ExportFormat::Json))
        .unwrap();
    let json = String::from_utf8(json).unwrap();
    assert!(
        json.contains(
            r#"{"parent_key":null,"parent_summary":null,"month":"2026-03","seconds":60,"hours":"0.0"}"#
        ),
        "{json}"
    );
}

#[test]
fn approval_states_filter_and_group() {
    use crate::approval::State;
    let with = |state: State, minutes: u64, person: &str| FlatRow {
        approval_state: state,
        ..row(person, "WEB", "2026-03-25T09:00:00Z", minutes)
    };
    let rows = [
        with(State::Approved, 60, "ann"),
        with(State::Approved, 30, "bob"),
        with(State::Submitted, 20, "ann"),
        with(State::Open, 10, "ann"),
    ];
    let approved = run(
        query(
            r#"{"timeZone": "UTC", "filter": {"approvalStates": ["approved"]}, "groupBy": ["person"]}"#,
        ),
        &rows,
    );
    assert_eq!(approved.total.seconds, 90 * 60);
    assert_eq!(approved.rows.len(), 2);
    let by_state = run(
        query(r#"{"timeZone": "UTC", "groupBy": ["approvalState", "person"]}"#),
        &rows,
    );
    let keys: Vec<(String, u64)> = by_state
        .rows
        .iter()
        .map(|r| (r.keys[0].id.clone().unwrap(), r.values.seconds))
        .collect();
    assert_eq!(
        keys,
        [
            ("approved".to_owned(), 3600),
            ("approved".to_owned(), 1800),
            ("open".to_owned(), 600),
            ("submitted".to_owned(), 1200)
        ]
    );
    assert_eq!(by_state.dimensions[0], "approvalState");
    let both = run(
        query(r#"{"timeZone": "UTC", "filter": {"approvalStates": ["open", "submitted"]}}"#),
        &rows,
    );
    assert_eq!(both.total.seconds, 30 * 60);
    for bad in [r#"["closed"]"#, "[]"] {
        let e = ReportQuery::from_json(&format!(
            r#"{{"timeZone": "UTC", "filter": {{"approvalStates": {bad}}}}}"#
        ))
        .unwrap_err();
        assert!(
            e.field().unwrap().starts_with("filter.approvalStates"),
            "{e}"
        );
    }
    let reads = crate::report::Reads::of(&query(
        r#"{"timeZone": "UTC", "filter": {"approvalStates": ["approved"]}}"#,
    ));
    assert!(reads.author && reads.approval);
    assert_eq!(reads.date, crate::report::DateRead::Day);
}

#[test]
fn a_weekly_axis_alone_reads_the_week_and_anything_finer_the_day() {
    use crate::calendar::WeekStart;
    use crate::report::{DateRead, Reads};
    let date = |json: &str| Reads::of(&query(json)).date;
    assert_eq!(
        date(r#"{"timeZone": "UTC", "groupBy": ["person", "week"]}"#),
        DateRead::Week(WeekStart::Monday)
    );
    assert_eq!(
        date(r#"{"timeZone": "UTC", "weekStart": "sunday", "groupBy": ["week"]}"#),
        DateRead::Week(WeekStart::Sunday)
    );
    assert_eq!(
        date(r#"{"timeZone": "UTC", "groupBy": ["person"]}"#),
        DateRead::None
    );
    for finer in [
        r#"{"timeZone": "UTC", "groupBy": ["person", "day"]}"#,
        r#"{"timeZone": "UTC", "groupBy": ["person", "month"]}"#,
        // Rates are chosen by the date.
        r#"{"timeZone": "UTC", "groupBy": ["person", "week"], "measures": ["seconds", "cost"]}"#,
        // The approval state is the author's period's.
        r#"{"timeZone": "UTC", "groupBy": ["approvalState", "week"]}"#,
        r#"{"timeZone": "UTC", "groupBy": ["week"], "filter": {"approvalStates": ["approved"]}}"#,
    ] {
        assert_eq!(date(finer), DateRead::Day, "{finer}");
    }
    let monday = DateRead::Week(WeekStart::Monday);
    assert_eq!(monday.union(DateRead::None), monday);
    assert_eq!(DateRead::None.union(monday), monday);
    assert_eq!(monday.union(monday), monday);
    assert_eq!(
        monday.union(DateRead::Week(WeekStart::Saturday)),
        DateRead::Day
    );
    assert_eq!(monday.union(DateRead::Day), DateRead::Day);
}
