//! Permissions per demo person, as `docs/demo-world.md` lays them out.

use crate::common::{Client, Who};
use serde_json::{json, Value};

/// (alias, display name, time zone, groups besides jira-users)
const PEOPLE: [(&str, &str, &str, &[&str]); 6] = [
    ("alice", "Alice Andersen", "Europe/Berlin", &["team-alpha"]),
    ("bob", "Bob Baker", "America/New_York", &["team-alpha"]),
    (
        "carol",
        "Carol Chen",
        "Asia/Kolkata",
        &["team-beta", "team-leads"],
    ),
    (
        "dave",
        "Dave Diaz",
        "Australia/Sydney",
        &["jira-administrators"],
    ),
    ("erin", "Erin Evans", "Europe/London", &["stakeholders"]),
    ("frank", "Frank Fischer", "Pacific/Kiritimati", &["ops"]),
];

/// Per person and project (ALPHA, BETA, OPS): browse, work on issues (and
/// edit/delete own worklogs), edit/delete all worklogs.
fn expected(alias: &str) -> [(bool, bool, bool); 3] {
    const T: bool = true;
    const F: bool = false;
    match alias {
        "alice" | "bob" => [(T, T, F), (T, T, F), (F, F, F)],
        "carol" => [(T, T, T), (T, T, T), (F, F, F)],
        "dave" => [(T, T, T), (T, T, T), (T, T, T)],
        "erin" => [(T, F, F), (T, F, F), (F, F, F)],
        "frank" => [(T, F, F), (T, F, F), (T, T, F)],
        _ => unreachable!(),
    }
}

const PROJECTS: [&str; 3] = ["ALPHA", "BETA", "OPS"];

const KEYS: &str = "BROWSE_PROJECTS,WORK_ON_ISSUES,EDIT_OWN_WORKLOGS,DELETE_OWN_WORKLOGS,\
                    EDIT_ALL_WORKLOGS,DELETE_ALL_WORKLOGS,ADMINISTER_PROJECTS,ADMINISTER";

fn have(r: &Value, key: &str) -> bool {
    r["permissions"][key]["havePermission"]
        .as_bool()
        .unwrap_or_else(|| panic!("{key} missing in {r}"))
}

#[tokio::test]
async fn the_demo_people_are_as_documented() {
    let c = Client::demo();
    let demo = c.call("GET", "/sim/demo", Who::Anonymous, None).await;
    assert_eq!(demo.status, 200);
    let accounts = demo.json["accounts"].as_array().expect("accounts");
    assert_eq!(accounts.len(), PEOPLE.len());
    for ((alias, name, tz, groups), a) in PEOPLE.iter().zip(accounts) {
        assert_eq!(a["alias"], *alias);
        assert_eq!(a["displayName"], *name);
        assert_eq!(a["timeZone"], *tz);
        assert_eq!(a["emailAddress"], format!("{alias}@example.com"));
        let mut want: Vec<&str> = vec!["jira-users"];
        want.extend(groups.iter());
        assert_eq!(a["groups"], json!(want), "{alias}");
        let id = a["accountId"].as_str().expect("id");
        assert!(id.starts_with("712020:"), "{id}");
        // The account id works as a credential, and so does the alias.
        for who in [id, alias] {
            let me = c.get("/rest/api/3/myself", who).await;
            assert_eq!(me.json["accountId"], id);
            assert_eq!(me.json["timeZone"], *tz);
        }
    }
    assert_eq!(
        demo.json["projects"]
            .as_array()
            .map(|p| p.iter().map(|p| p["key"].clone()).collect::<Vec<_>>()),
        Some(vec![json!("ALPHA"), json!("BETA"), json!("OPS")])
    );
    assert_eq!(
        demo.json["timeTracking"],
        json!({"workingHoursPerDay": 8.0, "workingDaysPerWeek": 5.0, "timeFormat": "pretty", "defaultUnit": "minute"})
    );
}

#[tokio::test]
async fn mypermissions_per_person_and_project() {
    let c = Client::demo();
    for (alias, ..) in PEOPLE {
        let global = c
            .get(
                &format!("/rest/api/3/mypermissions?permissions={KEYS}"),
                alias,
            )
            .await;
        assert_eq!(global.status, 200);
        assert_eq!(have(&global.json, "ADMINISTER"), alias == "dave", "{alias}");
        for (p, (browse, work, all)) in PROJECTS.iter().zip(expected(alias)) {
            let r = c
                .get(
                    &format!("/rest/api/3/mypermissions?projectKey={p}&permissions={KEYS}"),
                    alias,
                )
                .await;
            if !browse {
                assert_eq!(r.status, 404, "{alias} {p}");
                continue;
            }
            assert_eq!(r.status, 200, "{alias} {p}");
            let j = &r.json;
            assert!(have(j, "BROWSE_PROJECTS"), "{alias} {p}");
            for key in ["WORK_ON_ISSUES", "EDIT_OWN_WORKLOGS", "DELETE_OWN_WORKLOGS"] {
                assert_eq!(have(j, key), work, "{alias} {p} {key}");
            }
            for key in ["EDIT_ALL_WORKLOGS", "DELETE_ALL_WORKLOGS"] {
                assert_eq!(have(j, key), all, "{alias} {p} {key}");
            }
            assert_eq!(
                have(j, "ADMINISTER_PROJECTS"),
                alias == "dave",
                "{alias} {p}"
            );
            // The same answer in an issue's context.
            let i = c
                .get(
                    &format!("/rest/api/3/mypermissions?issueKey={p}-2&permissions={KEYS}"),
                    alias,
                )
                .await;
            assert_eq!(i.json, r.json, "{alias} {p}-2");
        }
    }
    let app = c
        .call(
            "GET",
            &format!("/rest/api/3/mypermissions?projectKey=OPS&permissions={KEYS}"),
            Who::App,
            None,
        )
        .await;
    assert!(app.json["permissions"]
        .as_object()
        .is_some_and(|m| m.values().all(|v| v["havePermission"] == true)));
}

#[tokio::test]
async fn logging_work_needs_browse_and_work_on_issues() {
    let c = Client::demo();
    for (alias, ..) in PEOPLE {
        for (p, (browse, work, _)) in PROJECTS.iter().zip(expected(alias)) {
            let r = c
                .post(
                    &format!("/rest/api/3/issue/{p}-2/worklog"),
                    alias,
                    r#"{"started":"2026-11-23T10:00:00.000+0000","timeSpent":"30m"}"#,
                )
                .await;
            let want = match (browse, work) {
                (false, _) => 404,
                (true, false) => 400,
                (true, true) => 201,
            };
            assert_eq!(r.status, want, "{alias} logs on {p}-2: {}", r.error_text());
            if want == 400 {
                assert!(r
                    .error_text()
                    .contains("You do not have the permission to associate a worklog"));
            }
        }
    }
}

#[tokio::test]
async fn editing_and_deleting_need_own_or_all_rights() {
    let c = Client::demo();
    for (alias, ..) in PEOPLE {
        let (browse, _, all) = expected(alias)[0];
        // A fresh worklog by alice on ALPHA-2 for each try.
        let id = c.log("ALPHA-2", "alice", 3600, "").await;
        let url = format!("/rest/api/3/issue/ALPHA-2/worklog/{id}");
        let may = alias == "alice" || all;
        let r = c.put(&url, alias, r#"{"timeSpent":"2h"}"#).await;
        let want = if !browse {
            404
        } else if may {
            200
        } else {
            400
        };
        assert_eq!(
            r.status,
            want,
            "{alias} edits alice's worklog: {}",
            r.error_text()
        );
        if want == 400 {
            assert!(r
                .error_text()
                .contains("You do not have the permission to update this worklog"));
        }
        let r = c.delete(&url, alias).await;
        let want = if !browse {
            404
        } else if may {
            204
        } else {
            400
        };
        assert_eq!(
            r.status,
            want,
            "{alias} deletes alice's worklog: {}",
            r.error_text()
        );
    }
    // Own rights: bob edits and deletes his own worklog.
    let id = c.log("BETA-2", "bob", 600, "").await;
    let url = format!("/rest/api/3/issue/BETA-2/worklog/{id}");
    assert_eq!(
        c.put(&url, "bob", r#"{"timeSpentSeconds":1200}"#)
            .await
            .status,
        200
    );
    assert_eq!(c.delete(&url, "bob").await.status, 204);
}

#[tokio::test]
async fn time_tracking_settings_are_for_administrators() {
    let c = Client::demo();
    for (alias, ..) in PEOPLE {
        let r = c
            .get("/rest/api/3/configuration/timetracking/options", alias)
            .await;
        assert_eq!(r.status, if alias == "dave" { 200 } else { 403 }, "{alias}");
    }
    let body = r#"{"workingHoursPerDay":7.5,"workingDaysPerWeek":5,"timeFormat":"pretty","defaultUnit":"hour"}"#;
    assert_eq!(
        c.put(
            "/rest/api/3/configuration/timetracking/options",
            "alice",
            body
        )
        .await
        .status,
        403
    );
    let r = c
        .put(
            "/rest/api/3/configuration/timetracking/options",
            "dave",
            body,
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json["workingHoursPerDay"], 7.5);
    // The settings drive duration parsing and formatting: 1d is now 7.5h, and a
    // bare number is in hours.
    let r = c
        .post(
            "/rest/api/3/issue/ALPHA-2/worklog?adjustEstimate=leave",
            "alice",
            r#"{"started":"2026-11-23T10:00:00.000+0000","timeSpent":"1d"}"#,
        )
        .await;
    assert_eq!(r.json["timeSpentSeconds"], 27000);
    assert_eq!(r.json["timeSpent"], "1d");
    let r = c
        .post(
            "/rest/api/3/issue/ALPHA-2/worklog?adjustEstimate=leave",
            "alice",
            r#"{"started":"2026-11-23T10:00:00.000+0000","timeSpent":"2"}"#,
        )
        .await;
    assert_eq!(r.json["timeSpentSeconds"], 7200);
}

#[tokio::test]
async fn projects_and_issues_follow_browse_rights() {
    let c = Client::demo();
    for (alias, ..) in PEOPLE {
        let want: Vec<&str> = PROJECTS
            .iter()
            .zip(expected(alias))
            .filter(|(_, (browse, ..))| *browse)
            .map(|(p, _)| *p)
            .collect();
        let r = c.get("/rest/api/3/project/search", alias).await;
        let got: Vec<&str> = r.json["values"]
            .as_array()
            .map(|v| v.iter().filter_map(|p| p["key"].as_str()).collect())
            .unwrap_or_default();
        assert_eq!(got, want, "{alias}");
        for p in PROJECTS {
            let r = c.get(&format!("/rest/api/3/issue/{p}-1"), alias).await;
            assert_eq!(r.status == 200, want.contains(&p), "{alias} {p}-1");
            if r.status == 404 {
                assert!(r
                    .error_text()
                    .contains("Issue does not exist or you do not have permission to see it."));
            }
        }
    }
}
