//! Permissions by the issue: an issue security level hides an issue (and its
//! worklogs) from everyone outside the level, and *Browse projects* granted only
//! to reporters and assignees shows each person the project's issues they
//! reported or are assigned, in every route that returns issues or worklogs.

use crate::common::{Client, Who};
use serde_json::{json, Value};

/// The ids of the issues `who` finds with `jql`.
async fn found(c: &Client, who: &str, jql: &str) -> Vec<String> {
    let r = c
        .post(
            "/rest/api/3/search/jql",
            who,
            &json!({ "jql": jql, "maxResults": 5000 }).to_string(),
        )
        .await;
    assert_eq!(r.status, 200, "{who} {jql}: {:?}", r.json);
    r.json["issues"]
        .as_array()
        .expect("issues")
        .iter()
        .map(|i| i["id"].as_str().expect("id").to_owned())
        .collect()
}

/// The issues among `ids` that `permissions/check` says `who` may browse.
async fn browsable(c: &Client, who: &str, ids: &[u64]) -> Vec<u64> {
    let body =
        json!({ "projectPermissions": [ { "permissions": ["BROWSE_PROJECTS"], "issues": ids } ] });
    let r = c
        .post("/rest/api/3/permissions/check", who, &body.to_string())
        .await;
    assert_eq!(r.status, 200, "{:?}", r.json);
    r.json["projectPermissions"][0]["issues"]
        .as_array()
        .expect("issues")
        .iter()
        .map(|v| v.as_u64().expect("id"))
        .collect()
}

#[tokio::test]
async fn a_security_level_hides_the_issue_and_its_worklogs_from_non_members() {
    let c = Client::demo();
    let issue = c
        .get("/rest/api/3/issue/ALPHA-3?fields=security,worklog", "alice")
        .await;
    assert_eq!(issue.status, 200);
    assert_eq!(issue.json["fields"]["security"], Value::Null);
    let id: u64 = issue.json["id"].as_str().unwrap().parse().unwrap();
    let worklog = issue.json["fields"]["worklog"]["worklogs"][0]["id"]
        .as_str()
        .expect("ALPHA-3 has worklogs")
        .to_owned();

    let r = c
        .post(
            "/sim/issues/ALPHA-3/security",
            "dave",
            &json!({ "level": "Leads only", "members": ["group:team-leads"] }).to_string(),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.json);

    for (who, sees) in [
        ("alice", false),
        ("bob", false),
        ("carol", true),
        ("dave", false),
    ] {
        let get = c.get("/rest/api/3/issue/ALPHA-3", who).await;
        assert_eq!(get.status == 200, sees, "{who} gets the issue");
        let wl = c
            .get(&format!("/rest/api/3/issue/ALPHA-3/worklog/{worklog}"), who)
            .await;
        assert_eq!(wl.status == 200, sees, "{who} gets its worklog");
        let bulk = c
            .post(
                "/rest/api/3/worklog/list",
                who,
                &json!({ "ids": [worklog.parse::<u64>().unwrap()] }).to_string(),
            )
            .await;
        assert_eq!(
            bulk.json.as_array().map(Vec::len),
            Some(usize::from(sees)),
            "{who} bulk"
        );
        let in_search = found(&c, who, "project = ALPHA")
            .await
            .contains(&id.to_string());
        assert_eq!(in_search, sees, "{who} finds it");
        assert_eq!(
            browsable(&c, who, &[id]).await == [id],
            sees,
            "{who} permissions/check"
        );
    }
    // A Jira administrator outside the level does not see it either; the app does.
    let app = c
        .call(
            "GET",
            "/rest/api/3/issue/ALPHA-3?fields=security",
            Who::App,
            None,
        )
        .await;
    assert_eq!(app.status, 200);
    assert_eq!(app.json["fields"]["security"]["name"], "Leads only");

    // Cleared, everyone who may browse ALPHA sees it again.
    let r = c
        .post(
            "/sim/issues/ALPHA-3/security",
            "dave",
            &json!({ "level": null }).to_string(),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(
        c.get("/rest/api/3/issue/ALPHA-3", "alice").await.status,
        200
    );
}

#[tokio::test]
async fn browse_for_reporters_and_assignees_shows_only_their_issues() {
    let c = Client::demo();
    let all = found(&c, "dave", "project = BETA").await;
    assert!(!all.is_empty());
    let r = c
        .post(
            "/sim/projects/BETA/browse",
            "dave",
            &json!({ "holders": ["reporter", "assignee"] }).to_string(),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.json);

    // The project is still listed (Jira answers "may browse" without an issue)…
    let projects = c
        .get("/rest/api/3/project/search?action=browse", "alice")
        .await;
    let keys: Vec<&str> = projects.json["values"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["key"].as_str())
        .collect();
    assert!(keys.contains(&"BETA"), "{keys:?}");
    // …but each person finds only the issues they reported or are assigned.
    for who in ["alice", "bob", "carol", "dave"] {
        let mine = found(&c, who, "project = BETA").await;
        let theirs = found(
            &c,
            who,
            &format!("project = BETA AND (reporter = {who} OR assignee = {who})"),
        )
        .await;
        assert_eq!(mine, theirs, "{who}");
        let ids: Vec<u64> = all.iter().map(|i| i.parse().unwrap()).collect();
        let expected: Vec<u64> = mine.iter().map(|i| i.parse().unwrap()).collect();
        assert_eq!(
            browsable(&c, who, &ids).await,
            expected,
            "{who} permissions/check"
        );
    }
    assert!(found(&c, "alice", "project = BETA").await.is_empty());

    // The scheme says so, to whoever may read it.
    let scheme = c
        .call(
            "GET",
            "/rest/api/3/project/BETA/permissionscheme?expand=permissions",
            Who::App,
            None,
        )
        .await;
    assert_eq!(scheme.status, 200);
    let browse: Vec<&Value> = scheme.json["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|g| g["permission"] == "BROWSE_PROJECTS")
        .collect();
    let types: Vec<&str> = browse
        .iter()
        .filter_map(|g| g["holder"]["type"].as_str())
        .collect();
    assert_eq!(types, ["reporter", "assignee"]);
    let refused = c
        .get("/rest/api/3/project/BETA/permissionscheme", "alice")
        .await;
    assert_eq!(refused.status, 403);
}

#[tokio::test]
async fn holders_and_levels_are_checked() {
    let c = Client::demo();
    let r = c
        .post(
            "/sim/projects/BETA/browse",
            "dave",
            &json!({ "holders": ["group:nobody"] }).to_string(),
        )
        .await;
    assert_eq!(r.status, 400);
    let r = c
        .post(
            "/sim/issues/ALPHA-3/security",
            "dave",
            &json!({ "level": "X", "members": ["owner"] }).to_string(),
        )
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(
        c.get("/rest/api/3/issue/ALPHA-3", "alice").await.status,
        200
    );
}
