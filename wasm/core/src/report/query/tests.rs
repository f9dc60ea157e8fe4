//! Tests of the report query.

use super::*;
use crate::rounding::Target;

fn err(json: &str) -> Error {
    ReportQuery::from_json(json).unwrap_err()
}

#[test]
fn a_full_query_parses() {
    let q = ReportQuery::from_json(
        r#"{"timeZone": "Europe/Berlin", "period": {"from": "2026-03-01", "to": "2026-03-31"},
            "filter": {"people": ["a", " b "], "attributes": {"work_type": ["dev"]}, "billable": true},
            "groupBy": ["person", "attribute:work_type", "month"],
            "measures": ["count", "cost", "billableSeconds"],
            "rounding": {"mode": "nearest", "incrementMinutes": 15, "target": "total"},
            "timeFormat": "pretty", "hoursDecimals": 4}"#,
    )
    .unwrap();
    assert_eq!(q.dates().unwrap().len(), 31);
    assert_eq!(
        q.levels(),
        [Dimension::Person, Dimension::Attribute("work_type".into())]
    );
    assert_eq!(q.time_axis(), Some(TimeAxis::Month));
    assert_eq!(
        q.measures(),
        [
            Measure::Seconds,
            Measure::Count,
            Measure::Cost,
            Measure::BillableSeconds
        ]
    );
    assert_eq!(q.rounding().target(), Target::Total);
    assert_eq!(q.time_format(), TimeFormat::Pretty);
    assert_eq!(q.hours_decimals(), 4);
    let people: Vec<&str> = q
        .filter()
        .people
        .as_ref()
        .unwrap()
        .iter()
        .map(String::as_str)
        .collect();
    assert_eq!(people, ["a", "b"]);
    assert_eq!(q.filter().billable, Some(true));
    let instants = q.instants().unwrap().unwrap();
    assert_eq!(
        crate::calendar::format_utc(instants.start).unwrap(),
        "2026-02-28T23:00:00.000Z"
    );
}

#[test]
fn every_input_is_bounded() {
    let refused = |json: String| ReportQuery::from_json(&json).unwrap_err();
    // The query that trapped the component: all of time, by day.
    let e = refused(
        r#"{"timeZone": "UTC", "period": {"from": "0001-01-01", "to": "9999-12-31"}, "groupBy": ["person", "issue", "day"]}"#.into(),
    );
    assert!(e.is_limit(), "{e}");
    assert_eq!((e.reason(), e.field()), ("period-too-long", Some("period")));
    assert!(
        e.message()
            .contains("3652059 days, at most 731 grouped by day"),
        "{e}"
    );
    // Without a day axis ten years pass, eleven do not.
    let span = |to: &str, axis: &str| {
        format!(
            r#"{{"timeZone": "UTC", "period": {{"from": "2016-01-01", "to": "{to}"}}, "groupBy": [{axis}]}}"#
        )
    };
    assert!(ReportQuery::from_json(&span("2025-12-31", r#""month""#)).is_ok());
    assert!(refused(span("2026-12-31", r#""month""#)).is_limit());
    assert!(ReportQuery::from_json(&span("2017-12-31", r#""day""#)).is_ok());
    assert!(refused(span("2018-12-31", r#""day""#)).is_limit());
    // Lists in filters.
    let many: Vec<String> = (0..=MAX_FILTER_VALUES)
        .map(|i| format!("\"P{i}\""))
        .collect();
    for list in ["people", "groups", "projects", "issues"] {
        let e = refused(format!(
            r#"{{"timeZone": "UTC", "filter": {{"{list}": [{}]}}}}"#,
            many.join(",")
        ));
        assert!(e.is_limit(), "{list}: {e}");
        assert_eq!(e.field(), Some(format!("filter.{list}").as_str()));
    }
    let e = refused(format!(
        r#"{{"timeZone": "UTC", "filter": {{"attributes": {{"team": [{}]}}}}}}"#,
        many.join(",")
    ));
    assert_eq!(e.field(), Some("filter.attributes.team"), "{e}");
    let e = refused(format!(
        r#"{{"timeZone": "UTC", "filter": {{"jql": "{}"}}}}"#,
        "a".repeat(MAX_JQL_CHARS + 1)
    ));
    assert_eq!((e.is_limit(), e.field()), (true, Some("filter.jql")), "{e}");
    let e = refused(
        r#"{"timeZone": "UTC", "groupBy": ["person", "issue", "project", "label", "day", "week"]}"#
            .into(),
    );
    assert_eq!((e.is_limit(), e.field()), (true, Some("groupBy")), "{e}");
}

#[test]
fn periods() {
    let dates = |period: &str| {
        let q = ReportQuery::from_json(&format!(
            r#"{{"timeZone": "UTC", "weekStart": "saturday", "period": {period}}}"#
        ))
        .unwrap();
        let d = q.dates().unwrap();
        (d.first().to_string(), d.len())
    };
    assert_eq!(dates(r#"{"day": "2026-03-25"}"#), ("2026-03-25".into(), 1));
    assert_eq!(dates(r#"{"week": "2026-03-25"}"#), ("2026-03-21".into(), 7));
    assert_eq!(
        dates(r#"{"month": "2026-02-14"}"#),
        ("2026-02-01".into(), 28)
    );
}

#[test]
fn errors_name_the_field_and_value() {
    let table: &[(&str, &str, &str, &str)] = &[
        (
            r#"{"timeZone": "Mars/Base"}"#,
            "unknown-time-zone",
            "timeZone",
            "Mars/Base",
        ),
        (
            r#"{"timeZone": "UTC", "colour": 1}"#,
            "invalid-query",
            "colour",
            "unknown field `colour`",
        ),
        (
            r#"{"timeZone": "UTC", "groupBy": "person"}"#,
            "invalid-query",
            "groupBy",
            "invalid type",
        ),
        (
            r#"{"timeZone": "UTC", "filter": {"peeple": []}}"#,
            "invalid-query",
            "filter.peeple",
            "unknown field",
        ),
        (
            r#"{"timeZone": "UTC", "period": {"from": "2026-13-01", "to": "2026-12-01"}}"#,
            "invalid-date",
            "period.from",
            "2026-13-01",
        ),
        (
            r#"{"timeZone": "UTC", "period": {"from": "2026-03-02", "to": "2026-03-01"}}"#,
            "reversed-range",
            "period.to",
            "2026-03-01",
        ),
        (
            r#"{"timeZone": "UTC", "period": {"day": "2026-03-02", "month": "2026-03-01"}}"#,
            "invalid-period",
            "period",
            "exactly one",
        ),
        (
            r#"{"timeZone": "UTC", "period": {"from": "2026-03-02"}}"#,
            "invalid-period",
            "period",
            "together",
        ),
        (
            r#"{"timeZone": "UTC", "weekStart": "friday"}"#,
            "unknown-week-start",
            "weekStart",
            "friday",
        ),
        (
            r#"{"timeZone": "UTC", "groupBy": ["person", "person"]}"#,
            "duplicate-dimension",
            "groupBy[1]",
            "person",
        ),
        (
            r#"{"timeZone": "UTC", "groupBy": ["person", "project", "issue", "label"]}"#,
            "too-many-levels",
            "groupBy[3]",
            "label",
        ),
        (
            r#"{"timeZone": "UTC", "groupBy": ["week", "month"]}"#,
            "too-many-time-axes",
            "groupBy[1]",
            "month",
        ),
        (
            r#"{"timeZone": "UTC", "groupBy": ["attribute:Work Type"]}"#,
            "invalid-attribute-key",
            "groupBy[0]",
            "Work Type",
        ),
        (
            r#"{"timeZone": "UTC", "measures": ["money"]}"#,
            "unknown-measure",
            "measures[0]",
            "money",
        ),
        (
            r#"{"timeZone": "UTC", "measures": ["count", "count"]}"#,
            "duplicate-measure",
            "measures[1]",
            "count",
        ),
        (
            r#"{"timeZone": "UTC", "rounding": {"mode": "sideways"}}"#,
            "unknown-rounding-mode",
            "rounding.mode",
            "sideways",
        ),
        (
            r#"{"timeZone": "UTC", "rounding": {"mode": "up", "incrementMinutes": 0}}"#,
            "out-of-range",
            "rounding.incrementMinutes",
            "0",
        ),
        (
            r#"{"timeZone": "UTC", "rounding": {"mode": "up", "target": "each"}}"#,
            "unknown-rounding-target",
            "rounding.target",
            "each",
        ),
        (
            r#"{"timeZone": "UTC", "timeFormat": "roman"}"#,
            "unknown-time-format",
            "timeFormat",
            "roman",
        ),
        (
            r#"{"timeZone": "UTC", "hoursDecimals": 13}"#,
            "too-many-decimals",
            "hoursDecimals",
            "13",
        ),
        (
            r#"{"timeZone": "UTC", "filter": {"people": ["a", " "]}}"#,
            "invalid-value",
            "filter.people[1]",
            "\" \"",
        ),
        (
            r#"{"timeZone": "UTC", "filter": {"jql": " "}}"#,
            "invalid-value",
            "filter.jql",
            "JQL",
        ),
        (
            r#"{"timeZone": "UTC", "filter": {"attributes": {"Bad": ["x"]}}}"#,
            "invalid-attribute-key",
            "filter.attributes",
            "Bad",
        ),
    ];
    for (json, reason, field, needle) in table {
        let e = err(json);
        assert_eq!(e.reason(), *reason, "{json}: {e}");
        assert_eq!(e.field(), Some(*field), "{json}: {e}");
        assert!(e.to_string().contains(needle), "{json}: {e}");
        assert!(e.is_invalid_input());
    }
}
