//! Changes Jira makes outside the app's REST subset (moves, parents, statuses,
//! custom fields, permissions), the facts tests compare with, the generated
//! attributes and custom fields, and the in-process client.

use crate::common::{demo_sim as sim, send_json, NOW_MS};
use jira_sim::{Caller, InProcess, Sim, World};
use serde_json::{json, Value};

fn get(client: &InProcess, caller: Caller<'_>, path: &str) -> (u16, Value) {
    send_json(client, caller, "GET", path, None)
}

#[test]
fn an_issue_moves_to_another_project_with_its_worklogs() {
    let sim = sim();
    let client = InProcess::new(&sim).unwrap();
    let before = sim.with_world(|w| w.issue_facts("ALPHA-5")).unwrap();
    let worklogs = sim.with_world(|w| {
        w.worklog_facts()
            .iter()
            .filter(|f| f.issue_id == before.id)
            .count()
    });
    assert!(worklogs > 0);
    let key = sim.with_world(|w| w.move_issue("ALPHA-5", "BETA")).unwrap();
    assert!(key.starts_with("BETA-"), "{key}");
    let after = sim.with_world(|w| w.issue_facts(&key)).unwrap();
    assert_eq!(after.id, before.id);
    assert_eq!(after.project_id, 10001);
    assert!(after.components.is_empty() && after.fix_versions.is_empty());
    assert!(after.updated_ms >= NOW_MS);
    assert_eq!(
        sim.with_world(|w| w
            .worklog_facts()
            .iter()
            .filter(|f| f.issue_id == before.id && f.project_id == 10001)
            .count()),
        worklogs
    );
    let (status, _) = get(&client, Caller::App, "/rest/api/3/issue/ALPHA-5");
    assert_eq!(status, 404);
    let (status, issue) = get(
        &client,
        Caller::App,
        &format!("/rest/api/3/issue/{}?fields=project", before.id),
    );
    assert_eq!(status, 200);
    assert_eq!(issue["key"], json!(key));
    assert_eq!(issue["fields"]["project"]["key"], "BETA");
    // Moving to the same project changes nothing.
    assert_eq!(sim.with_world(|w| w.move_issue(&key, "BETA")), Some(key));
}

#[test]
fn parents_statuses_and_custom_fields_change_and_stamp_the_issue() {
    let sim = sim();
    assert!(sim.with_world(|w| w.set_parent("ALPHA-6", Some("BETA-1"))));
    assert!(sim.with_world(|w| w.edit_issue("ALPHA-6", Some("Renamed"), Some("Done"))));
    assert!(sim.with_world(|w| w.set_custom_field(
        "ALPHA-6",
        "customfield_10100",
        Some(json!({"id": "10202", "value": "Client B"}))
    )));
    let facts = sim.with_world(|w| w.issue_facts("ALPHA-6")).unwrap();
    let epic = sim.with_world(|w| w.issue_facts("BETA-1")).unwrap();
    assert_eq!(facts.parent_id, Some(epic.id));
    assert_eq!(
        (facts.summary.as_str(), facts.status.as_str()),
        ("Renamed", "Done")
    );
    assert!(facts.custom.contains(&(
        "customfield_10100".into(),
        json!({"id": "10202", "value": "Client B"})
    )));
    assert!(!sim.with_world(|w| w.edit_issue("ALPHA-6", None, Some("Nonsense"))));
    assert!(!sim.with_world(|w| w.set_custom_field("ALPHA-6", "customfield_1", None)));
    assert!(!sim.with_world(|w| w.set_parent("ALPHA-6", Some("NOPE-1"))));

    let client = InProcess::new(&sim).unwrap();
    let (_, issue) = get(
        &client,
        Caller::App,
        "/rest/api/3/issue/ALPHA-6?fields=customfield_10100,customfield_10101,parent",
    );
    assert_eq!(issue["fields"]["customfield_10100"]["value"], "Client B");
    assert_eq!(
        issue["fields"]["customfield_10100"]["self"],
        "http://sim.local/rest/api/3/customFieldOption/10202"
    );
    assert_eq!(issue["fields"]["parent"]["key"], "BETA-1");
}

#[test]
fn browse_permissions_change_without_a_stamp() {
    let sim = sim();
    let client = InProcess::new(&sim).unwrap();
    let before = sim.with_world(|w| w.issue_facts("BETA-2")).unwrap();
    assert_eq!(
        get(
            &client,
            Caller::Account("alice"),
            "/rest/api/3/issue/BETA-2"
        )
        .0,
        200
    );
    assert!(sim.with_world(|w| w.set_browse_groups("BETA", &["ops"])));
    assert_eq!(
        get(
            &client,
            Caller::Account("alice"),
            "/rest/api/3/issue/BETA-2"
        )
        .0,
        404
    );
    assert_eq!(
        get(
            &client,
            Caller::Account("frank"),
            "/rest/api/3/issue/BETA-2"
        )
        .0,
        200
    );
    assert_eq!(get(&client, Caller::App, "/rest/api/3/issue/BETA-2").0, 200);
    let after = sim.with_world(|w| w.issue_facts("BETA-2")).unwrap();
    assert_eq!(after.updated_ms, before.updated_ms);
    assert!(!sim.with_world(|w| w.set_browse_groups("BETA", &["no-such-group"])));
}

#[test]
fn a_quarter_of_the_worklogs_carry_attributes() {
    let world = World::demo(1);
    let facts = world.worklog_facts();
    let with = facts.iter().filter(|f| f.attributes.is_some()).count();
    assert!(
        (facts.len() / 5..facts.len() / 3).contains(&with),
        "{with} of {}",
        facts.len()
    );
    for f in facts.iter().filter_map(|f| f.attributes.as_ref()) {
        assert!(
            f["billable"].is_boolean() && f["workType"].is_string(),
            "{f}"
        );
    }
    // They come with the worklog when asked for.
    let sim = Sim::new(world);
    let client = InProcess::new(&sim).unwrap();
    let id = facts.iter().find(|f| f.attributes.is_some()).unwrap().id;
    let reply = client.send(
        Caller::App,
        "POST",
        "/rest/api/3/worklog/list?expand=properties",
        Some(&json!({ "ids": [id] }).to_string()),
    );
    let listed: Value = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(listed[0]["properties"][0]["key"], "worklogs.attributes");
}
