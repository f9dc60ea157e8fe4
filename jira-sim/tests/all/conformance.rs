//! Spec conformance: every route, in happy and error cases, answers with a status
//! the spec declares for it and a body that matches the spec's schema; every
//! route the simulator serves exists in the spec.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

use crate::common::spec::{normalize, Spec};
use crate::common::{Client, Resp, Who, HOST};
use serde_json::{json, Value};

/// Calls the simulator and validates every answer.
struct Checker {
    client: Client,
    spec: Spec,
    /// (method, route) → statuses seen.
    seen: Mutex<BTreeMap<(String, String), BTreeSet<u16>>>,
    problems: Mutex<Vec<String>>,
}

/// The route template a request path matches, from the simulator's own table.
fn route_for(method: &str, path: &str) -> Option<&'static str> {
    let segs: Vec<&str> = path.split('/').collect();
    jira_sim::jira_routes()
        .into_iter()
        .filter(|(m, _)| *m == method)
        .map(|(_, p)| p)
        .find(|p| {
            let t: Vec<&str> = p.split('/').collect();
            t.len() == segs.len()
                && t.iter()
                    .zip(&segs)
                    .all(|(t, s)| t.starts_with('{') || t == s)
        })
}

/// Schemas for the issue fields the simulator returns (`IssueBean.fields` is
/// free-form in the spec); an undeclared field is a problem.
fn field_schema(spec: &Spec, name: &str) -> Option<Value> {
    let int = json!({ "type": "integer", "nullable": true });
    let array_of = |s: &str| json!({ "type": "array", "items": spec.schema(s) });
    Some(match name {
        "summary" => json!({ "type": "string" }),
        "issuetype" => spec.schema("IssueTypeDetails"),
        "status" => spec.schema("StatusDetails"),
        "project" => spec.schema("ProjectDetails"),
        "parent" => spec.schema("LinkedIssue"),
        "components" => array_of("ProjectComponent"),
        "fixVersions" => array_of("Version"),
        "labels" => json!({ "type": "array", "items": { "type": "string" } }),
        "security" => json!({ "allOf": [spec.schema("SecurityLevel")], "nullable": true }),
        "assignee" => json!({ "allOf": [spec.schema("UserDetails")], "nullable": true }),
        "reporter" => spec.schema("UserDetails"),
        "created" | "updated" => json!({ "type": "string", "format": "date-time" }),
        "timespent"
        | "timeoriginalestimate"
        | "timeestimate"
        | "aggregatetimespent"
        | "aggregatetimeoriginalestimate"
        | "aggregatetimeestimate" => int,
        "timetracking" => spec.schema("TimeTrackingDetails"),
        "worklog" => spec.schema("PageOfWorklogs"),
        // The simulator's custom fields: a select list (Jira sends the option
        // with its id, which the spec's CustomFieldOption leaves out) and a number.
        "customfield_10100" => json!({
            "type": "object", "nullable": true, "additionalProperties": false,
            "properties": {
                "self": { "type": "string", "format": "uri" },
                "value": { "type": "string" },
                "id": { "type": "string" }
            }
        }),
        "customfield_10101" => json!({ "type": "number", "nullable": true }),
        _ => return None,
    })
}

impl Checker {
    fn new() -> Checker {
        Checker {
            client: Client::demo(),
            spec: Spec::load(),
            seen: Mutex::new(BTreeMap::new()),
            problems: Mutex::new(Vec::new()),
        }
    }

    fn problem(&self, p: String) {
        self.problems.lock().expect("lock").push(p);
    }

    /// Calls, validates, records; asserts the expected status.
    async fn call(
        &self,
        method: &str,
        uri: &str,
        who: Who<'_>,
        body: Option<&str>,
        want: u16,
    ) -> Resp {
        let r = self.client.call(method, uri, who, body).await;
        assert_eq!(
            r.status,
            want,
            "{method} {uri}: {}",
            String::from_utf8_lossy(&r.raw)
        );
        let path = uri.split('?').next().unwrap_or(uri);
        let Some(route) = route_for(method, path) else {
            self.problem(format!("{method} {uri}: no route matches"));
            return r;
        };
        self.seen
            .lock()
            .expect("lock")
            .entry((method.to_owned(), route.to_owned()))
            .or_default()
            .insert(r.status);
        for p in self
            .spec
            .check_response(method, route, r.status, &r.json, &r.raw)
        {
            self.problem(format!("{p}\n    request: {method} {uri}"));
        }
        if (200..300).contains(&r.status) && !r.raw.is_empty() {
            let ct = r.content_type.clone().unwrap_or_default();
            if !ct.starts_with("application/json") {
                self.problem(format!("{method} {uri}: content type {ct:?}"));
            }
        }
        // Issue fields, which the spec leaves free-form.
        let issues: Vec<&Value> = if route.ends_with("/issue/{issueIdOrKey}") {
            vec![&r.json]
        } else if route.ends_with("/search/jql") {
            r.json["issues"]
                .as_array()
                .map(|a| a.iter().collect())
                .unwrap_or_default()
        } else {
            Vec::new()
        };
        for issue in issues {
            if let Some(fields) = issue["fields"].as_object() {
                for (name, value) in fields {
                    match field_schema(&self.spec, name) {
                        Some(schema) => {
                            let mut errs = Vec::new();
                            self.spec.validate(
                                &schema,
                                value,
                                &format!("$.fields.{name}"),
                                &mut errs,
                            );
                            for e in errs {
                                self.problem(format!("{method} {uri}: {e}"));
                            }
                        }
                        None => {
                            self.problem(format!("{method} {uri}: undeclared issue field {name:?}"))
                        }
                    }
                }
            }
        }
        // `self` links point back at the host the request named.
        let mut links = Vec::new();
        collect_self_links(&r.json, &mut links);
        for link in links {
            if !link.starts_with(&format!("http://{HOST}/")) {
                self.problem(format!(
                    "{method} {uri}: self link {link:?} ignores the Host"
                ));
            }
        }
        r
    }
}

fn collect_self_links(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                if k == "self" || k == "nextPage" {
                    if let Some(s) = v.as_str() {
                        out.push(s.to_owned());
                    }
                }
                collect_self_links(v, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|v| collect_self_links(v, out)),
        _ => {}
    }
}

const ALICE: Who = Who::User("alice");
const BOB: Who = Who::User("bob");
const DAVE: Who = Who::User("dave");
const ERIN: Who = Who::User("erin");
const APP: Who = Who::App;
const NOBODY: Who = Who::Anonymous;

#[tokio::test]
async fn every_route_conforms_to_the_spec() {
    let c = Checker::new();
    let alice_id = c
        .client
        .sim
        .with_world(|w| w.account_id("alice").map(str::to_owned))
        .expect("alice");
    let bob_id = c
        .client
        .sim
        .with_world(|w| w.account_id("bob").map(str::to_owned))
        .expect("bob");

    // myself
    let me = c.call("GET", "/rest/api/3/myself", ALICE, None, 200).await;
    assert_eq!(me.json["accountId"], json!(alice_id));
    assert_eq!(me.json["timeZone"], "Europe/Berlin");
    let app = c
        .call("GET", "/rest/api/3/myself?expand=groups", APP, None, 200)
        .await;
    assert_eq!(app.json["accountType"], "app");
    c.call(
        "GET",
        "/rest/api/3/myself",
        Who::Basic("alice@example.com"),
        None,
        200,
    )
    .await;
    c.call(
        "GET",
        "/rest/api/3/myself",
        Who::Basic("nobody@example.com"),
        None,
        401,
    )
    .await;
    c.call("GET", "/rest/api/3/myself", NOBODY, None, 401).await;
    c.call(
        "GET",
        "/rest/api/3/myself",
        Who::User("712020:no-such-account"),
        None,
        401,
    )
    .await;

    // users
    let u = c
        .call(
            "GET",
            &format!("/rest/api/3/user?accountId={bob_id}&expand=groups,applicationRoles"),
            ALICE,
            None,
            200,
        )
        .await;
    assert_eq!(u.json["displayName"], "Bob Baker");
    assert_eq!(u.json["groups"]["items"].as_array().map(Vec::len), Some(2));
    c.call(
        "GET",
        "/rest/api/3/user?accountId=712020:nope",
        ALICE,
        None,
        404,
    )
    .await;
    c.call("GET", "/rest/api/3/user", ALICE, None, 404).await;
    c.call("GET", "/rest/api/3/user?accountId=x", NOBODY, None, 401)
        .await;
    let bulk = c
        .call(
            "GET",
            &format!("/rest/api/3/user/bulk?accountId={alice_id}&accountId={bob_id}&accountId=712020:nope&maxResults=1"),
            APP,
            None,
            200,
        )
        .await;
    assert_eq!(bulk.json["total"], 2);
    assert_eq!(bulk.json["isLast"], false);
    c.call("GET", "/rest/api/3/user/bulk", APP, None, 400).await;
    c.call(
        "GET",
        "/rest/api/3/user/bulk?accountId=x",
        NOBODY,
        None,
        401,
    )
    .await;
    // user search: by a word of the display name, any case; nobody for a
    // caller who may not browse users; a query is required
    let found = c
        .call("GET", "/rest/api/3/user/search?query=bak", ALICE, None, 200)
        .await;
    assert_eq!(found.json[0]["displayName"], "Bob Baker");
    assert_eq!(found.json[0]["accountId"], bob_id.as_str());
    let found = c
        .call(
            "GET",
            "/rest/api/3/user/search?query=b&maxResults=1",
            APP,
            None,
            200,
        )
        .await;
    assert_eq!(found.json.as_array().map(Vec::len), Some(1));
    c.call("GET", "/rest/api/3/user/search", ALICE, None, 400)
        .await;
    c.call("GET", "/rest/api/3/user/search?query=b", NOBODY, None, 401)
        .await;
    let groups = c
        .call(
            "GET",
            &format!("/rest/api/3/user/groups?accountId={alice_id}"),
            BOB,
            None,
            200,
        )
        .await;
    assert!(groups
        .json
        .as_array()
        .is_some_and(|g| g.iter().any(|g| g["name"] == "team-alpha")));
    c.call(
        "GET",
        "/rest/api/3/user/groups?accountId=nope",
        BOB,
        None,
        404,
    )
    .await;
    c.call(
        "GET",
        "/rest/api/3/user/groups?accountId=nope",
        NOBODY,
        None,
        401,
    )
    .await;

    // projects
    let projects = c
        .call("GET", "/rest/api/3/project/search", ALICE, None, 200)
        .await;
    assert_eq!(projects.json["total"], 2);
    let page = c
        .call(
            "GET",
            "/rest/api/3/project/search?maxResults=1&orderBy=-key",
            DAVE,
            None,
            200,
        )
        .await;
    assert_eq!(page.json["values"][0]["key"], "OPS");
    assert!(page.json["nextPage"].is_string());
    c.call(
        "GET",
        "/rest/api/3/project/search?keys=ALPHA&query=alpha",
        ALICE,
        None,
        200,
    )
    .await;
    // by a part of the name, any case; by ids (repeated `id`), the others left out
    let alpha = c
        .call(
            "GET",
            "/rest/api/3/project/search?query=LPH",
            ALICE,
            None,
            200,
        )
        .await;
    assert_eq!(alpha.json["values"][0]["key"], "ALPHA");
    let alpha_id = alpha.json["values"][0]["id"]
        .as_str()
        .unwrap_or("")
        .to_owned();
    let by_id = c
        .call(
            "GET",
            &format!("/rest/api/3/project/search?id={alpha_id}&id=1"),
            ALICE,
            None,
            200,
        )
        .await;
    assert_eq!(by_id.json["total"], 1);
    assert_eq!(by_id.json["values"][0]["key"], "ALPHA");
    c.call(
        "GET",
        "/rest/api/3/project/search?startAt=x",
        ALICE,
        None,
        400,
    )
    .await;
    c.call(
        "GET",
        "/rest/api/3/project/search?action=dance",
        ALICE,
        None,
        400,
    )
    .await;
    c.call("GET", "/rest/api/3/project/search", NOBODY, None, 401)
        .await;

    // permissions
    let p = c
        .call("GET", "/rest/api/3/mypermissions?projectKey=ALPHA&permissions=WORK_ON_ISSUES,ADMINISTER,EDIT_ISSUES", ALICE, None, 200)
        .await;
    assert_eq!(
        p.json["permissions"]["WORK_ON_ISSUES"]["havePermission"],
        true
    );
    assert_eq!(p.json["permissions"]["ADMINISTER"]["havePermission"], false);
    c.call(
        "GET",
        "/rest/api/3/mypermissions?issueKey=ALPHA-3&permissions=BROWSE_PROJECTS",
        ERIN,
        None,
        200,
    )
    .await;
    c.call("GET", "/rest/api/3/mypermissions", ALICE, None, 400)
        .await;
    c.call(
        "GET",
        "/rest/api/3/mypermissions?permissions=FLY",
        ALICE,
        None,
        400,
    )
    .await;
    c.call(
        "GET",
        "/rest/api/3/mypermissions?projectKey=OPS&permissions=BROWSE_PROJECTS",
        ALICE,
        None,
        404,
    )
    .await;

    // permissions by the issue
    let alpha3 = c
        .call(
            "GET",
            "/rest/api/3/issue/ALPHA-3?fields=security",
            ALICE,
            None,
            200,
        )
        .await;
    let alpha3_id: u64 = alpha3.json["id"].as_str().unwrap().parse().unwrap();
    let check = json!({
        "globalPermissions": ["ADMINISTER"],
        "projectPermissions": [ { "permissions": ["BROWSE_PROJECTS", "WORK_ON_ISSUES"],
                                  "projects": [10000, 10002], "issues": [alpha3_id, 1] } ]
    })
    .to_string();
    let p = c
        .call(
            "POST",
            "/rest/api/3/permissions/check",
            ALICE,
            Some(&check),
            200,
        )
        .await;
    assert_eq!(
        p.json["projectPermissions"][0]["issues"],
        json!([alpha3_id])
    );
    assert_eq!(p.json["projectPermissions"][0]["projects"], json!([10000]));
    let other = json!({ "accountId": "nobody", "projectPermissions": [] }).to_string();
    c.call(
        "POST",
        "/rest/api/3/permissions/check",
        ALICE,
        Some(&other),
        403,
    )
    .await;
    c.call(
        "GET",
        "/rest/api/3/project/ALPHA/permissionscheme?expand=permissions",
        APP,
        None,
        200,
    )
    .await;
    c.call(
        "GET",
        "/rest/api/3/project/ALPHA/permissionscheme",
        ALICE,
        None,
        403,
    )
    .await;
    c.call(
        "GET",
        "/rest/api/3/mypermissions?issueKey=NOPE-1&permissions=BROWSE_PROJECTS",
        ALICE,
        None,
        404,
    )
    .await;
    c.call(
        "GET",
        "/rest/api/3/mypermissions?permissions=BROWSE_PROJECTS",
        NOBODY,
        None,
        401,
    )
    .await;

    // issues
    let issue = c
        .call("GET", "/rest/api/3/issue/ALPHA-3", ALICE, None, 200)
        .await;
    assert_eq!(issue.json["key"], "ALPHA-3");
    assert_eq!(issue.json["fields"]["parent"]["key"], "ALPHA-1");
    assert!(issue.json["fields"]["worklog"]["worklogs"].is_array());
    let epic = c
        .call(
            "GET",
            "/rest/api/3/issue/alpha-1?fields=*navigable",
            ALICE,
            None,
            200,
        )
        .await;
    assert!(epic.json["fields"].get("parent").is_none());
    assert!(epic.json["fields"].get("worklog").is_none());
    let id = issue.json["id"].as_str().expect("id").to_owned();
    let by_id = c
        .call(
            "GET",
            &format!("/rest/api/3/issue/{id}?fields=summary,timetracking"),
            APP,
            None,
            200,
        )
        .await;
    assert_eq!(by_id.json["fields"].as_object().map(|f| f.len()), Some(2));
    c.call(
        "GET",
        "/rest/api/3/issue/ALPHA-2?fields=*all,-worklog",
        BOB,
        None,
        200,
    )
    .await;
    c.call("GET", "/rest/api/3/issue/OPS-1", ALICE, None, 404)
        .await;
    c.call("GET", "/rest/api/3/issue/ALPHA-9999", ALICE, None, 404)
        .await;
    c.call("GET", "/rest/api/3/issue/ALPHA-1", NOBODY, None, 401)
        .await;

    // issue picker: key prefix or summary text, only browsable issues
    let picked = c
        .call(
            "GET",
            "/rest/api/3/issue/picker?query=alpha-1",
            ALICE,
            None,
            200,
        )
        .await;
    let sections = picked.json["sections"].as_array().expect("sections");
    assert_eq!(sections.len(), 2);
    assert_eq!(sections[1]["issues"][0]["key"], "ALPHA-1");
    let ops = c
        .call(
            "GET",
            "/rest/api/3/issue/picker?query=OPS-",
            ALICE,
            None,
            200,
        )
        .await;
    assert_eq!(ops.json["sections"][1]["issues"], json!([]));
    let ops = c
        .call(
            "GET",
            "/rest/api/3/issue/picker?query=OPS-1&showSubTasks=false",
            APP,
            None,
            200,
        )
        .await;
    assert_eq!(ops.json["sections"][1]["issues"][0]["key"], "OPS-1");
    c.call("GET", "/rest/api/3/issue/picker?query=x", NOBODY, None, 401)
        .await;

    // worklogs: list, create, get, update, delete
    let list = c
        .call(
            "GET",
            "/rest/api/3/issue/ALPHA-3/worklog?maxResults=3&startAt=1",
            ALICE,
            None,
            200,
        )
        .await;
    assert_eq!(list.json["worklogs"].as_array().map(Vec::len), Some(3));
    c.call(
        "GET",
        "/rest/api/3/issue/ALPHA-3/worklog?expand=properties&startedAfter=1780000000000",
        APP,
        None,
        200,
    )
    .await;
    c.call(
        "GET",
        "/rest/api/3/issue/ALPHA-3/worklog?startAt=abc",
        ALICE,
        None,
        404,
    )
    .await;
    c.call("GET", "/rest/api/3/issue/OPS-2/worklog", ALICE, None, 404)
        .await;
    c.call(
        "GET",
        "/rest/api/3/issue/ALPHA-3/worklog",
        NOBODY,
        None,
        401,
    )
    .await;

    let body = r#"{"started":"2026-11-24T09:30:00.000+0100","timeSpentSeconds":3600,
        "comment":{"type":"doc","version":1,"content":[{"type":"paragraph","content":[{"type":"text","text":"Pairing"}]}]},
        "visibility":{"type":"role","value":"Developers"},
        "properties":[{"key":"worklogs.attributes","value":{"billable":true}}]}"#;
    let created = c
        .call(
            "POST",
            "/rest/api/3/issue/ALPHA-2/worklog?adjustEstimate=auto&expand=properties",
            ALICE,
            Some(body),
            201,
        )
        .await;
    assert_eq!(created.json["timeSpent"], "1h");
    assert_eq!(created.json["started"], "2026-11-24T09:30:00.000+0100");
    assert_eq!(created.json["properties"][0]["value"]["billable"], true);
    let wid = created.json["id"].as_str().expect("id").to_owned();
    let one = format!("/rest/api/3/issue/ALPHA-2/worklog/{wid}");
    c.call(
        "POST",
        "/rest/api/3/issue/ALPHA-2/worklog",
        ALICE,
        Some(r#"{"started":"2026-11-24T09:30:00.000+0100"}"#),
        400,
    )
    .await;
    c.call(
        "POST",
        "/rest/api/3/issue/ALPHA-2/worklog",
        ALICE,
        Some("{not json"),
        400,
    )
    .await;
    c.call(
        "POST",
        "/rest/api/3/issue/ALPHA-2/worklog?adjustEstimate=new",
        ALICE,
        Some(r#"{"started":"2026-11-24T09:30:00.000+0100","timeSpent":"1h"}"#),
        400,
    )
    .await;
    c.call(
        "POST",
        "/rest/api/3/issue/ALPHA-2/worklog",
        ERIN,
        Some(r#"{"started":"2026-11-24T09:30:00.000+0000","timeSpent":"1h"}"#),
        400,
    )
    .await;
    c.call(
        "POST",
        "/rest/api/3/issue/OPS-2/worklog",
        ALICE,
        Some(r#"{"started":"2026-11-24T09:30:00.000+0000","timeSpent":"1h"}"#),
        404,
    )
    .await;
    c.call(
        "POST",
        "/rest/api/3/issue/ALPHA-2/worklog",
        NOBODY,
        Some("{}"),
        401,
    )
    .await;

    c.call("GET", &format!("{one}?expand=properties"), ALICE, None, 200)
        .await;
    c.call(
        "GET",
        "/rest/api/3/issue/ALPHA-2/worklog/99999999",
        ALICE,
        None,
        404,
    )
    .await;
    c.call("GET", &one, NOBODY, None, 401).await;

    let updated = c
        .call("PUT", &one, ALICE, Some(r#"{"timeSpent":"2h 30m"}"#), 200)
        .await;
    assert_eq!(updated.json["timeSpentSeconds"], 9000);
    c.call("PUT", &one, BOB, Some(r#"{"timeSpent":"1h"}"#), 400)
        .await;
    c.call(
        "PUT",
        "/rest/api/3/issue/ALPHA-2/worklog/1",
        ALICE,
        Some(r#"{"timeSpent":"1h"}"#),
        404,
    )
    .await;
    c.call("PUT", &one, NOBODY, Some("{}"), 401).await;

    // worklog properties
    let prop = format!("{one}/properties/worklogs.note");
    c.call("PUT", &prop, ALICE, Some(r#"{"text":"hello"}"#), 201)
        .await;
    c.call("PUT", &prop, ALICE, Some(r#"{"text":"again"}"#), 200)
        .await;
    c.call("PUT", &prop, BOB, Some(r#"{"text":"mine"}"#), 403)
        .await;
    c.call(
        "PUT",
        "/rest/api/3/issue/ALPHA-2/worklog/abc/properties/x",
        ALICE,
        Some("1"),
        400,
    )
    .await;
    c.call(
        "PUT",
        "/rest/api/3/issue/ALPHA-2/worklog/1/properties/x",
        ALICE,
        Some("1"),
        404,
    )
    .await;
    c.call("PUT", &prop, NOBODY, Some("1"), 401).await;
    let keys = c
        .call("GET", &format!("{one}/properties"), BOB, None, 200)
        .await;
    assert_eq!(keys.json["keys"].as_array().map(Vec::len), Some(2));
    c.call(
        "GET",
        "/rest/api/3/issue/ALPHA-2/worklog/abc/properties",
        ALICE,
        None,
        400,
    )
    .await;
    c.call(
        "GET",
        "/rest/api/3/issue/ALPHA-2/worklog/1/properties",
        ALICE,
        None,
        404,
    )
    .await;
    c.call("GET", &format!("{one}/properties"), NOBODY, None, 401)
        .await;
    let got = c.call("GET", &prop, BOB, None, 200).await;
    assert_eq!(got.json["value"]["text"], "again");
    c.call(
        "GET",
        &format!("{one}/properties/missing"),
        ALICE,
        None,
        404,
    )
    .await;
    c.call(
        "GET",
        "/rest/api/3/issue/ALPHA-2/worklog/abc/properties/x",
        ALICE,
        None,
        400,
    )
    .await;
    c.call("GET", &prop, NOBODY, None, 401).await;
    c.call("DELETE", &prop, BOB, None, 403).await;
    c.call("DELETE", &prop, ALICE, None, 204).await;
    c.call("DELETE", &prop, ALICE, None, 404).await;
    c.call(
        "DELETE",
        "/rest/api/3/issue/ALPHA-2/worklog/abc/properties/x",
        ALICE,
        None,
        400,
    )
    .await;
    c.call("DELETE", &prop, NOBODY, None, 401).await;

    // time tracking settings
    let tt = c
        .call(
            "GET",
            "/rest/api/3/configuration/timetracking/options",
            DAVE,
            None,
            200,
        )
        .await;
    assert_eq!(
        tt.json,
        json!({"workingHoursPerDay": 8.0, "workingDaysPerWeek": 5.0, "timeFormat": "pretty", "defaultUnit": "minute"})
    );
    c.call(
        "GET",
        "/rest/api/3/configuration/timetracking/options",
        ALICE,
        None,
        403,
    )
    .await;
    c.call(
        "GET",
        "/rest/api/3/configuration/timetracking/options",
        NOBODY,
        None,
        401,
    )
    .await;
    let same = tt.raw.clone();
    let same = std::str::from_utf8(&same).expect("utf8");
    c.call(
        "PUT",
        "/rest/api/3/configuration/timetracking/options",
        DAVE,
        Some(same),
        200,
    )
    .await;
    c.call(
        "PUT",
        "/rest/api/3/configuration/timetracking/options",
        DAVE,
        Some(r#"{"timeFormat":"weird"}"#),
        400,
    )
    .await;
    c.call(
        "PUT",
        "/rest/api/3/configuration/timetracking/options",
        ALICE,
        Some(same),
        403,
    )
    .await;
    c.call(
        "PUT",
        "/rest/api/3/configuration/timetracking/options",
        NOBODY,
        Some(same),
        401,
    )
    .await;

    // feeds and bulk
    c.client.sim.with_world(|w| w.advance_time(120_000));
    let feed = c
        .call("GET", "/rest/api/3/worklog/updated?since=0", APP, None, 200)
        .await;
    assert_eq!(feed.json["lastPage"], false);
    assert_eq!(feed.json["values"].as_array().map(Vec::len), Some(1000));
    c.call(
        "GET",
        "/rest/api/3/worklog/updated?since=1790000000000&expand=properties",
        ALICE,
        None,
        200,
    )
    .await;
    c.call("GET", "/rest/api/3/worklog/updated", NOBODY, None, 401)
        .await;
    c.call("GET", "/rest/api/3/worklog/deleted?since=0", APP, None, 200)
        .await;
    c.call("GET", "/rest/api/3/worklog/deleted", NOBODY, None, 401)
        .await;
    let ids: Vec<i64> = feed.json["values"]
        .as_array()
        .map(|v| {
            v.iter()
                .take(5)
                .filter_map(|x| x["worklogId"].as_i64())
                .collect()
        })
        .unwrap_or_default();
    let listed = c
        .call(
            "POST",
            "/rest/api/3/worklog/list?expand=properties",
            APP,
            Some(&json!({ "ids": ids }).to_string()),
            200,
        )
        .await;
    assert_eq!(listed.json.as_array().map(Vec::len), Some(5));
    c.call(
        "POST",
        "/rest/api/3/worklog/list",
        APP,
        Some(r#"{"ids":[]}"#),
        400,
    )
    .await;
    let too_many: Vec<u64> = (1..=1001).collect();
    c.call(
        "POST",
        "/rest/api/3/worklog/list",
        APP,
        Some(&json!({ "ids": too_many }).to_string()),
        400,
    )
    .await;
    c.call(
        "POST",
        "/rest/api/3/worklog/list",
        NOBODY,
        Some(r#"{"ids":[1]}"#),
        401,
    )
    .await;

    // search
    let found = c
        .call("GET", "/rest/api/3/search/jql?jql=project%20%3D%20ALPHA&maxResults=5&fields=summary,timetracking,worklog", ALICE, None, 200)
        .await;
    assert_eq!(found.json["issues"].as_array().map(Vec::len), Some(5));
    let token = found.json["nextPageToken"]
        .as_str()
        .expect("token")
        .to_owned();
    c.call(
        "GET",
        &format!("/rest/api/3/search/jql?jql=project%3DALPHA&nextPageToken={token}"),
        ALICE,
        None,
        200,
    )
    .await;
    c.call(
        "GET",
        "/rest/api/3/search/jql?jql=order%20by%20key",
        ALICE,
        None,
        400,
    )
    .await;
    c.call(
        "GET",
        "/rest/api/3/search/jql?jql=project%20%3D%20NOPE",
        ALICE,
        None,
        400,
    )
    .await;
    c.call(
        "GET",
        "/rest/api/3/search/jql?jql=project%3DALPHA",
        NOBODY,
        None,
        401,
    )
    .await;
    let posted = c
        .call(
            "POST",
            "/rest/api/3/search/jql",
            ERIN,
            Some(r#"{"jql":"key in (ALPHA-2, BETA-2)","fields":["*all"]}"#),
            200,
        )
        .await;
    assert_eq!(posted.json["issues"].as_array().map(Vec::len), Some(2));
    c.call(
        "POST",
        "/rest/api/3/search/jql",
        ERIN,
        Some(r#"{"jql":"project = BETA","colour":"red"}"#),
        400,
    )
    .await;
    c.call(
        "POST",
        "/rest/api/3/search/jql",
        NOBODY,
        Some(r#"{"jql":"project = BETA"}"#),
        401,
    )
    .await;

    // group members and role details
    let members = c
        .call(
            "GET",
            "/rest/api/3/group/member?groupname=team-alpha&maxResults=1",
            BOB,
            None,
            200,
        )
        .await;
    assert_eq!(members.json["total"], 2);
    assert_eq!(members.json["isLast"], false);
    c.call(
        "GET",
        "/rest/api/3/group/member?groupname=nope",
        BOB,
        None,
        404,
    )
    .await;
    c.call("GET", "/rest/api/3/group/member", BOB, None, 400)
        .await;
    c.call(
        "GET",
        "/rest/api/3/group/member?groupname=ops",
        NOBODY,
        None,
        401,
    )
    .await;
    // the group picker: names containing the query, by name
    let picked = c
        .call(
            "GET",
            "/rest/api/3/groups/picker?query=team",
            BOB,
            None,
            200,
        )
        .await;
    let names: Vec<&str> = picked.json["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["team-alpha", "team-beta", "team-leads"]);
    assert_eq!(picked.json["total"], 3);
    assert_eq!(picked.json["groups"][0]["html"], "<b>team</b>-alpha");
    let first = c
        .call(
            "GET",
            "/rest/api/3/groups/picker?query=TEAM&caseInsensitive=true&maxResults=1&exclude=team-alpha",
            BOB,
            None,
            200,
        )
        .await;
    assert_eq!(first.json["groups"][0]["name"], "team-beta");
    assert_eq!(first.json["total"], 2);
    assert_eq!(first.json["header"], "Showing 1 of 2 matching groups");
    let none = c
        .call(
            "GET",
            "/rest/api/3/groups/picker?query=TEAM",
            BOB,
            None,
            200,
        )
        .await;
    assert_eq!(none.json["total"], 0);
    let roles = c
        .call(
            "GET",
            "/rest/api/3/project/ALPHA/roledetails?currentMember=true",
            ALICE,
            None,
            200,
        )
        .await;
    assert_eq!(roles.json.as_array().map(Vec::len), Some(1));
    assert_eq!(roles.json[0]["name"], "Developers");
    c.call(
        "GET",
        "/rest/api/3/project/OPS/roledetails",
        ALICE,
        None,
        404,
    )
    .await;
    c.call(
        "GET",
        "/rest/api/3/project/ALPHA/roledetails",
        NOBODY,
        None,
        401,
    )
    .await;

    // deleting last, so the feeds above saw the worklog
    c.call("DELETE", &one, BOB, None, 400).await;
    c.call("DELETE", &one, ALICE, None, 204).await;
    c.call("DELETE", &one, ALICE, None, 404).await;
    c.call("DELETE", &one, NOBODY, None, 401).await;

    // Unknown paths get Jira's 404 body.
    let unknown = c.client.get("/rest/api/3/serverInfo", "alice").await;
    assert_eq!(unknown.status, 404);
    assert!(unknown.json["errorMessages"].is_array());

    let problems = c.problems.lock().expect("lock").clone();
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );

    // Every route is in the spec and was exercised in success and error cases.
    let seen = c.seen.lock().expect("lock").clone();
    let mut missing = Vec::new();
    for (method, path) in jira_sim::jira_routes() {
        if c.spec.operation(method, path).is_none() {
            missing.push(format!(
                "{method} {path}: not in the spec ({})",
                normalize(path)
            ));
        }
        let statuses = seen
            .get(&(method.to_owned(), path.to_owned()))
            .cloned()
            .unwrap_or_default();
        // A refusal is asked for where the spec declares one (groups/picker declares 200 only).
        let declares_refusal = c.spec.operation(method, path).is_some_and(|op| {
            op["responses"]
                .as_object()
                .is_some_and(|r| r.keys().any(|k| k.starts_with('4')))
        });
        if !statuses.iter().any(|s| (200..300).contains(s))
            || (declares_refusal && !statuses.iter().any(|s| *s >= 400))
        {
            missing.push(format!("{method} {path}: exercised with {statuses:?} only"));
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

/// The router's statistics name routes by their templates, and those are the
/// routes of the table.
#[tokio::test]
async fn stats_name_routes_by_template() {
    let c = Client::demo();
    c.get("/rest/api/3/issue/ALPHA-3", "alice").await;
    c.get("/rest/api/3/issue/ALPHA-4", "alice").await;
    c.get("/rest/api/3/nothing", "alice").await;
    let stats = c.sim.stats();
    assert_eq!(stats.get("GET /rest/api/3/issue/{issueIdOrKey}"), Some(&2));
    assert_eq!(stats.get("GET (unmatched)"), Some(&1));
    let spec = Spec::load();
    for key in stats.keys().filter(|k| !k.contains("unmatched")) {
        let (method, path) = key.split_once(' ').expect("method and path");
        assert!(
            spec.operation(method, path).is_some(),
            "{key} is not in the spec"
        );
    }
}

/// The validator itself catches what it is meant to: undeclared properties,
/// wrong types, bad enums, nulls, date formats, missing required properties.
#[test]
fn validator_catches_mistakes() {
    let spec = Spec::load();
    let mut errs = Vec::new();
    let worklog = json!({
        "id": "10000",
        "timeSpentSecond": 60,
        "started": "2026-11-24T09:30:00Z",
        "author": null,
        "visibility": { "type": "team", "value": "x" },
        "timeSpentSeconds": "60",
    });
    spec.validate(&spec.schema("Worklog"), &worklog, "$", &mut errs);
    // Worklog allows additional properties, so the typo passes there…
    assert_eq!(errs.len(), 4, "{errs:#?}");
    // …but not in a closed schema.
    errs.clear();
    spec.validate(
        &spec.schema("UserDetails"),
        &json!({ "acountId": "x" }),
        "$",
        &mut errs,
    );
    assert_eq!(errs.len(), 1, "{errs:#?}");
    errs.clear();
    spec.validate(
        &spec.schema("TimeTrackingConfiguration"),
        &json!({ "timeFormat": "pretty" }),
        "$",
        &mut errs,
    );
    assert_eq!(errs.len(), 3, "{errs:#?}");
    let undeclared = spec.check_response("GET", "/rest/api/3/myself", 418, &json!({}), b"{}");
    assert_eq!(undeclared.len(), 1);
}
