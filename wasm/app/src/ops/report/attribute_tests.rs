//! Attributes written past the app: anyone who may edit a worklog can write its
//! `worklogs.attributes` property through Jira's REST API. Reports and exports
//! check every stored set against the site's definitions and leave a set that
//! does not fit out of billable time, filters and attribute columns, flagging
//! the row (`attributes_valid`); `sync.verify` lists them. The oracle reads the
//! simulator's facts.

use std::collections::BTreeSet;

use jira_sim::WorklogFacts;
use serde_json::{json, Value as Json};

use crate::testing::write_attributes_in_jira;

use super::tests::{act, csv_rows, export_all, indexed, november, sim, FROM_MS, TO_MS};

/// Whether a stored set fits the demo's definitions, written out apart from
/// the code under test: `billable` a boolean, `work_type` (or `workType`) one
/// of the four options, nothing else.
fn fits(attributes: &Option<Json>) -> bool {
    let Some(value) = attributes else {
        return true;
    };
    let Some(map) = value.as_object() else {
        return false;
    };
    map.iter().all(|(key, value)| match key.as_str() {
        "billable" => value.is_boolean() || value.is_null(),
        "workType" | "work_type" => {
            value
                .as_str()
                .is_some_and(|v| ["development", "review", "meeting", "support"].contains(&v))
                || value.is_null()
        }
        _ => false,
    })
}

fn billable(f: &WorklogFacts) -> bool {
    fits(&f.attributes)
        && f.attributes
            .as_ref()
            .and_then(|a| a.get("billable"))
            .and_then(Json::as_bool)
            .unwrap_or(false)
}

#[test]
fn attributes_that_do_not_fit_the_definitions_are_left_out_flagged_and_listed() {
    let sim = sim();
    let mut host = indexed(&sim);
    let query = json!({"timeZone": "UTC", "period": {"from": "2026-11-01", "to": "2026-11-23"},
                       "measures": ["seconds", "billableSeconds"]});

    // No definitions: no stored set can fit (the app never wrote one).
    act(&mut host, &sim, None);
    let r = host.run("report.run", query.clone()).unwrap();
    assert_eq!(r["billableSeconds"], json!(0), "{r}");

    act(&mut host, &sim, Some("dave"));
    host.run("attribute.save", jira_sim::demo_attribute_definitions())
        .unwrap();

    // Two sets forged through Jira's REST API, past the app.
    let facts = sim.with_world(|w| w.worklog_facts());
    let mut in_november = facts
        .iter()
        .filter(|f| (FROM_MS..TO_MS).contains(&f.started_ms));
    let with_attributes = in_november
        .find(|f| f.attributes.is_some())
        .unwrap()
        .clone();
    let without = in_november
        .find(|f| f.attributes.is_none())
        .unwrap()
        .clone();
    write_attributes_in_jira(
        &sim,
        with_attributes.issue_id,
        with_attributes.id,
        r#"{"billable": true, "workType": "lunch"}"#,
    );
    write_attributes_in_jira(&sim, without.issue_id, without.id, r#"{"billable": "yes"}"#);
    let forged: BTreeSet<u64> = [with_attributes.id, without.id].into();

    // sync.verify lists them (and its repair indexes them).
    act(&mut host, &sim, None);
    let verified = host
        .run(
            "sync.verify",
            json!({"from": "2026-11-01", "to": "2026-11-23", "repair": true}),
        )
        .unwrap();
    let facts = sim.with_world(|w| w.worklog_facts());
    let in_period: Vec<&WorklogFacts> = facts
        .iter()
        .filter(|f| (FROM_MS..TO_MS).contains(&f.started_ms))
        .collect();
    let not_fitting: BTreeSet<u64> = in_period
        .iter()
        .filter(|f| !fits(&f.attributes))
        .map(|f| f.id)
        .collect();
    assert_eq!(
        not_fitting, forged,
        "the demo's own sets fit its definitions"
    );
    assert_eq!(verified["invalidAttributesCount"], json!(2), "{verified}");
    let listed: BTreeSet<u64> = verified["invalidAttributes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["worklogId"].as_str().unwrap().parse().unwrap())
        .collect();
    assert_eq!(listed, forged);
    let problems = verified["invalidAttributes"].to_string();
    assert!(
        problems.contains("lunch") && problems.contains("work_type"),
        "{problems}"
    );

    // Reports count only billable time whose set fits.
    let expected: i64 = in_period
        .iter()
        .filter(|f| billable(f))
        .map(|f| f.seconds)
        .sum();
    let r = host.run("report.run", query).unwrap();
    assert_eq!(r["billableSeconds"], json!(expected), "{r}");
    let naive: i64 = in_period
        .iter()
        .filter(|f| {
            f.attributes
                .as_ref()
                .and_then(|a| a.get("billable"))
                .is_some_and(|b| b == &json!(true))
        })
        .map(|f| f.seconds)
        .sum();
    assert!(naive > expected, "the forged billable would have counted");

    // Exports flag the rows and leave their values out; filters do not see them.
    let (bytes, _) = export_all(
        &mut host,
        "export.run",
        json!({"query": november(), "format": "csv"}),
    );
    for row in csv_rows(&bytes) {
        let id: u64 = row["worklog_id"].parse().unwrap();
        let valid = !forged.contains(&id);
        assert_eq!(row["attributes_valid"], valid.to_string(), "{id}");
        if !valid {
            assert_eq!(row["billable"], "false", "{id}");
            assert_eq!(row["attr_work_type"], "", "{id}");
        }
    }
    let lunch = json!({"timeZone": "UTC", "period": {"from": "2026-11-01", "to": "2026-11-23"},
                       "filter": {"attributes": {"work_type": ["lunch"]}}});
    let r = host.run("report.run", lunch).unwrap();
    assert_eq!(r["totalSeconds"], json!(0), "{r}");
}
