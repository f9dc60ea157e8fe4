//! Worklog visibility: a worklog restricted to a group or a project role is seen
//! only by members and by people who may edit all worklogs (and the app), in
//! every route that returns worklogs.

use crate::common;

use crate::common::{Client, Who};
use serde_json::{json, Value};

const PEOPLE: [&str; 6] = ["alice", "bob", "carol", "dave", "erin", "frank"];

/// Who sees a worklog, per person, through get, list, bulk list, the feed and
/// the issue's embedded worklogs.
async fn who_sees(c: &Client, issue: &str, id: &str) -> Vec<&'static str> {
    let mut out = Vec::new();
    let idn: i64 = id.parse().expect("numeric id");
    for who in PEOPLE {
        let get = c
            .get(&format!("/rest/api/3/issue/{issue}/worklog/{id}"), who)
            .await;
        let list = c
            .get(&format!("/rest/api/3/issue/{issue}/worklog"), who)
            .await;
        let in_list = list.json["worklogs"]
            .as_array()
            .is_some_and(|w| w.iter().any(|w| w["id"] == id));
        let bulk = c
            .post(
                "/rest/api/3/worklog/list",
                who,
                &json!({ "ids": [idn] }).to_string(),
            )
            .await;
        let in_bulk = bulk.json.as_array().is_some_and(|a| a.len() == 1);
        let feed = c
            .get("/rest/api/3/worklog/updated?since=1795000000000", who)
            .await;
        let in_feed = feed.json["values"]
            .as_array()
            .is_some_and(|v| v.iter().any(|v| v["worklogId"] == idn));
        // The issue embeds its first 20 worklogs and counts the visible ones.
        let issue_json = c
            .get(&format!("/rest/api/3/issue/{issue}?fields=worklog"), who)
            .await;
        let embedded = &issue_json.json["fields"]["worklog"];
        assert_eq!(embedded["total"], list.json["total"], "{who} on {issue}");
        let in_embedded = embedded["worklogs"]
            .as_array()
            .is_some_and(|w| w.iter().any(|w| w["id"] == id));
        let sees = get.status == 200;
        let embeddable = list.json["total"].as_u64().is_some_and(|t| t <= 20);
        assert_eq!(
            [in_list, in_bulk, in_feed, in_embedded || !embeddable],
            [sees, sees, sees, sees || !embeddable],
            "{who} on {issue} worklog {id}: get {} list {in_list} bulk {in_bulk} feed {in_feed} issue {in_embedded}",
            get.status
        );
        if !sees {
            assert_eq!(get.status, 404, "{who}");
        }
        if sees {
            out.push(who);
        }
    }
    out
}

async fn log_with(c: &Client, issue: &str, who: &str, visibility: Value) -> common::Resp {
    let body = json!({ "started": "2026-11-23T10:00:00.000+0000", "timeSpent": "1h", "visibility": visibility });
    c.post_worklog(issue, "", who, &body).await
}

#[tokio::test]
async fn restricted_worklogs_are_hidden_everywhere() {
    let c = Client::demo();
    // The feed leaves out the last minute: look from later.
    let leads = log_with(
        &c,
        "ALPHA-2",
        "carol",
        json!({ "type": "group", "value": "team-leads" }),
    )
    .await;
    assert_eq!(leads.status, 201, "{}", leads.error_text());
    assert_eq!(leads.json["visibility"]["type"], "group");
    assert_eq!(leads.json["visibility"]["value"], "team-leads");
    assert!(leads.json["visibility"]["identifier"].is_string());
    let devs = log_with(
        &c,
        "ALPHA-2",
        "alice",
        json!({ "type": "role", "value": "Developers" }),
    )
    .await;
    assert_eq!(devs.status, 201, "{}", devs.error_text());
    let open = log_with(&c, "ALPHA-2", "bob", Value::Null).await;
    assert_eq!(open.status, 201, "{}", open.error_text());
    assert!(open.json.get("visibility").is_none());
    let ops = log_with(
        &c,
        "OPS-2",
        "frank",
        json!({ "type": "role", "identifier": "Developers" }),
    )
    .await;
    assert_eq!(ops.status, 201, "{}", ops.error_text());
    c.sim.with_world(|w| w.advance_time(120_000));

    let id = common::Resp::id;
    assert_eq!(
        who_sees(&c, "ALPHA-2", &id(&leads)).await,
        ["carol", "dave"]
    );
    assert_eq!(
        who_sees(&c, "ALPHA-2", &id(&devs)).await,
        ["alice", "bob", "carol", "dave"]
    );
    assert_eq!(
        who_sees(&c, "ALPHA-2", &id(&open)).await,
        ["alice", "bob", "carol", "dave", "erin", "frank"]
    );
    assert_eq!(who_sees(&c, "OPS-2", &id(&ops)).await, ["dave", "frank"]);

    // The app sees everything.
    let app = c
        .call(
            "GET",
            &format!("/rest/api/3/issue/ALPHA-2/worklog/{}", id(&leads)),
            Who::App,
            None,
        )
        .await;
    assert_eq!(app.status, 200);
    let total = |who: &'static str| {
        let c = c.clone();
        async move { c.get("/rest/api/3/issue/ALPHA-2/worklog", who).await.json["total"].clone() }
    };
    assert_eq!(total("erin").await, 1);
    assert_eq!(total("bob").await, 2);
    assert_eq!(total("carol").await, 3);

    // Lifting the restriction shows it to everyone.
    let url = format!("/rest/api/3/issue/ALPHA-2/worklog/{}", id(&leads));
    let r = c.put(&url, "carol", r#"{"visibility":null}"#).await;
    assert_eq!(r.status, 200, "{}", r.error_text());
    assert_eq!(c.get(&url, "erin").await.status, 200);
}

#[tokio::test]
async fn only_members_may_restrict_to_a_group_or_role() {
    let c = Client::demo();
    let r = log_with(
        &c,
        "ALPHA-2",
        "alice",
        json!({ "type": "group", "value": "team-leads" }),
    )
    .await;
    assert_eq!(r.status, 400);
    assert!(r
        .error_text()
        .contains("You are currently not a member of the group: team-leads."));
    // dave may edit all worklogs but is not a Developer.
    let r = log_with(
        &c,
        "ALPHA-2",
        "dave",
        json!({ "type": "role", "value": "Developers" }),
    )
    .await;
    assert_eq!(r.status, 400);
    assert!(r
        .error_text()
        .contains("not a member of the project role: Developers"));
    let r = log_with(
        &c,
        "ALPHA-2",
        "alice",
        json!({ "type": "role", "value": "Testers" }),
    )
    .await;
    assert_eq!(r.status, 400);
    // Groups by id, as Jira Cloud's `identifier`.
    let groups = c
        .get(
            &format!(
                "/rest/api/3/user/groups?accountId={}",
                c.sim
                    .with_world(|w| w.account_id("alice").map(str::to_owned))
                    .expect("alice")
            ),
            "alice",
        )
        .await;
    let team = groups
        .json
        .as_array()
        .and_then(|g| g.iter().find(|g| g["name"] == "team-alpha"))
        .cloned();
    let gid = team
        .and_then(|g| g["groupId"].as_str().map(str::to_owned))
        .expect("group id");
    let r = log_with(
        &c,
        "ALPHA-2",
        "alice",
        json!({ "type": "group", "identifier": gid }),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.error_text());
    assert_eq!(r.json["visibility"]["value"], "team-alpha");
    // The app may set any visibility.
    let r = c
        .call(
            "POST",
            "/rest/api/3/issue/BETA-2/worklog",
            Who::App,
            Some(r#"{"started":"2026-11-23T10:00:00.000+0000","timeSpent":"1h","visibility":{"type":"group","value":"team-leads"}}"#),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.error_text());
    assert_eq!(r.json["author"]["accountType"], "app");
}

#[tokio::test]
async fn generated_restricted_worklogs_follow_the_rules() {
    let c = Client::demo();
    // Every generated worklog the app sees; compare with what erin sees.
    let mut restricted = 0;
    for issue in ["ALPHA-3", "ALPHA-4", "BETA-3", "BETA-4"] {
        let all = c
            .call(
                "GET",
                &format!("/rest/api/3/issue/{issue}/worklog"),
                Who::App,
                None,
            )
            .await;
        let erin = c
            .get(&format!("/rest/api/3/issue/{issue}/worklog"), "erin")
            .await;
        let all = all.json["worklogs"].as_array().cloned().unwrap_or_default();
        let hidden = all.iter().filter(|w| w.get("visibility").is_some()).count();
        restricted += hidden;
        assert_eq!(
            erin.json["total"].as_u64(),
            Some((all.len() - hidden) as u64),
            "{issue}"
        );
        for w in &all {
            if w["visibility"]["value"] == "team-leads" {
                assert_eq!(w["author"]["displayName"], "Carol Chen");
            }
        }
    }
    assert!(restricted > 0, "the demo has restricted worklogs");
}
