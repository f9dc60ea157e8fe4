//! `people.search`, `project.search` and `group.search`: the pickers'
//! look-ups, as the acting user (Jira's `user/search`, `project/search` and
//! `groups/picker`, so Jira decides whom and what they may see), bounded and
//! never kept ([`crate::jira::directory`]).

use serde::{Deserialize, Serialize};

use crate::access;
use crate::executor::Ctx;
use crate::input::{quote, Input};
use crate::jira::directory::{self, Group, Person, Project};
use crate::Error;

/// The longest query, in characters.
pub const MAX_QUERY: usize = 100;
/// The most results answered.
pub const MAX_RESULTS: usize = 20;

/// The input of both searches.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QueryRaw {
    query: String,
    #[serde(default, deserialize_with = "crate::input::whole_number")]
    limit: Option<i64>,
}

/// A search, validated: the trimmed text and how many to answer.
pub struct QueryInput {
    query: String,
    limit: usize,
}

impl Input for QueryInput {
    type Raw = QueryRaw;

    fn validate(raw: QueryRaw) -> Result<Self, Error> {
        let query = raw.query.trim().to_owned();
        if query.chars().count() > MAX_QUERY {
            let shown: String = query.chars().take(40).collect();
            return Err(Error::invalid_field(
                "query",
                format_args!("{}… is longer than {MAX_QUERY} characters", quote(&shown)),
            ));
        }
        let limit = match raw.limit {
            None => MAX_RESULTS,
            Some(n) if (1..=MAX_RESULTS as i64).contains(&n) => {
                usize::try_from(n).unwrap_or(MAX_RESULTS)
            }
            Some(n) => {
                return Err(Error::invalid_field(
                    "limit",
                    format_args!("{n} is out of range (expected 1 to {MAX_RESULTS})"),
                ))
            }
        };
        Ok(Self { query, limit })
    }
}

/// The answer of `people.search`.
#[derive(Serialize, Debug)]
pub struct PeopleOut {
    people: Vec<Person>,
}

/// The answer of `project.search`.
#[derive(Serialize, Debug)]
pub struct ProjectsOut {
    projects: Vec<Project>,
}

/// The answer of `group.search`.
#[derive(Serialize, Debug)]
pub struct GroupsOut {
    groups: Vec<Group>,
}

/// People whose name (or e-mail address) starts with the query, as Jira shows
/// them to the acting user. An empty query answers nobody without asking.
///
/// # Errors
///
/// `forbidden` without an acting user; Jira's errors, mapped.
pub async fn people(ctx: &Ctx, input: QueryInput) -> Result<PeopleOut, Error> {
    ctx.acting_user()?;
    if input.query.is_empty() {
        return Ok(PeopleOut { people: Vec::new() });
    }
    let people = directory::search_people(ctx, &input.query, input.limit).await?;
    Ok(PeopleOut { people })
}

/// Projects whose key or name contains the query, among those the acting user
/// may see, by key. An empty query answers none without asking.
///
/// # Errors
///
/// `forbidden` without an acting user; Jira's errors, mapped.
pub async fn projects(ctx: &Ctx, input: QueryInput) -> Result<ProjectsOut, Error> {
    ctx.acting_user()?;
    if input.query.is_empty() {
        return Ok(ProjectsOut {
            projects: Vec::new(),
        });
    }
    let projects = directory::search_projects(ctx, &input.query, input.limit).await?;
    Ok(ProjectsOut { projects })
}

/// Jira groups whose name contains the query (case-insensitively), by name,
/// for the reviewer rules' editor: Jira administrators only, as only they
/// edit the rules (`approval.rules.save`). An empty query answers none
/// without asking.
///
/// # Errors
///
/// `forbidden` for anyone but a Jira administrator; Jira's errors, mapped.
pub async fn groups(ctx: &Ctx, input: QueryInput) -> Result<GroupsOut, Error> {
    access::require_admin(ctx, "search the groups for the reviewer rules").await?;
    if input.query.is_empty() {
        return Ok(GroupsOut { groups: Vec::new() });
    }
    let groups = directory::search_groups(ctx, &input.query, input.limit).await?;
    Ok(GroupsOut { groups })
}

#[cfg(test)]
mod tests {
    use crate::protocol::Principal;
    use crate::testing::{http, query_param, FakeHost};
    use serde_json::json;

    #[test]
    fn people_are_searched_as_the_user_and_apps_left_out() {
        let mut host = FakeHost::new(Some("ann")).on_jira(|request| {
            assert!(
                request.path.starts_with("/rest/api/3/user/search?"),
                "{}",
                request.path
            );
            assert_eq!(query_param(&request.path, "query").as_deref(), Some("bo%20b"));
            assert_eq!(query_param(&request.path, "maxResults").as_deref(), Some("20"));
            http(
                200,
                &json!([
                    {"accountId": "712020:bob", "displayName": "Bob Baker", "accountType": "atlassian", "active": true},
                    {"accountId": "app-1", "displayName": "Bobbot", "accountType": "app"}
                ])
                .to_string(),
            )
        });
        let out = host
            .run("people.search", json!({"query": " bo b "}))
            .unwrap();
        assert_eq!(
            out,
            json!({"people": [{"accountId": "712020:bob", "displayName": "Bob Baker"}]})
        );
        assert_eq!(host.jira_requests()[0].principal, Principal::User);
    }

    #[test]
    fn projects_are_searched_as_the_user() {
        let mut host = FakeHost::new(Some("ann")).on_jira(|request| {
            assert!(
                request.path.starts_with("/rest/api/3/project/search?"),
                "{}",
                request.path
            );
            assert_eq!(query_param(&request.path, "query").as_deref(), Some("alp"));
            assert_eq!(query_param(&request.path, "maxResults").as_deref(), Some("5"));
            http(
                200,
                &json!({"isLast": true, "values": [{"id": "10000", "key": "ALPHA", "name": "Alpha"}]})
                    .to_string(),
            )
        });
        let out = host
            .run("project.search", json!({"query": "alp", "limit": 5}))
            .unwrap();
        assert_eq!(
            out,
            json!({"projects": [{"id": "10000", "key": "ALPHA", "name": "Alpha"}]})
        );
        assert_eq!(host.jira_requests()[0].principal, Principal::User);
    }

    #[test]
    fn bad_input_names_the_field_and_value() {
        let mut host = FakeHost::new(Some("ann"));
        for op in ["people.search", "project.search"] {
            let e = host
                .run(op, json!({"query": "x", "limit": 21}))
                .unwrap_err();
            assert_eq!(
                e.message(),
                r#"invalid input: field "limit": 21 is out of range (expected 1 to 20)"#
            );
            let e = host.run(op, json!({"query": "a".repeat(101)})).unwrap_err();
            assert!(
                e.message()
                    .starts_with(r#"invalid input: field "query": "aaaa"#),
                "{e}"
            );
            assert!(
                e.message().ends_with("is longer than 100 characters"),
                "{e}"
            );
            let e = host.run(op, json!({"query": "x", "other": 1})).unwrap_err();
            assert!(e.is_invalid_input(), "{e}");
        }
        assert_eq!(
            host.run("people.search", json!({"query": "  "})).unwrap(),
            json!({"people": []})
        );
        assert_eq!(
            host.run("project.search", json!({"query": ""})).unwrap(),
            json!({"projects": []})
        );
        assert!(host.batches.is_empty());
    }

    #[test]
    fn the_simulator_answers_what_the_person_may_see() {
        let mut world = jira_sim::World::demo(1);
        world.set_time(1_795_521_600_000);
        let sim = jira_sim::Sim::new(world);
        let alice = sim.with_world(|w| w.account_id("alice").map(str::to_owned));
        let mut host = FakeHost::new(alice.as_deref()).on_sim(&sim);
        let out = host.run("people.search", json!({"query": "bob"})).unwrap();
        let names: Vec<&str> = out["people"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["displayName"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["Bob Baker"]);
        let out = host.run("project.search", json!({"query": "alp"})).unwrap();
        assert_eq!(out["projects"][0]["key"], "ALPHA");
        assert_eq!(out["projects"].as_array().map(Vec::len), Some(1));
    }

    /// Only a Jira administrator searches groups (who edits the reviewer
    /// rules); the search is Jira's `groups/picker`, as them, bounded.
    #[test]
    fn groups_are_searched_by_administrators_only() {
        let mut world = jira_sim::World::demo(1);
        world.set_time(1_795_521_600_000);
        let sim = jira_sim::Sim::new(world);
        let id = |alias: &str| sim.with_world(|w| w.account_id(alias).map(str::to_owned));
        let mut host = FakeHost::new(id("dave").as_deref()).on_sim(&sim);
        let out = host.run("group.search", json!({"query": "TEAM"})).unwrap();
        assert_eq!(
            out["groups"]
                .as_array()
                .unwrap()
                .iter()
                .map(|g| g["name"].as_str().unwrap())
                .collect::<Vec<_>>(),
            ["team-alpha", "team-beta", "team-leads"]
        );
        assert!(out["groups"][0]["groupId"]
            .as_str()
            .is_some_and(|g| !g.is_empty()));
        let picked = host
            .jira_requests()
            .into_iter()
            .find(|r| r.path.starts_with("/rest/api/3/groups/picker?"))
            .unwrap();
        assert_eq!(picked.principal, Principal::User);
        assert_eq!(
            query_param(&picked.path, "maxResults").as_deref(),
            Some("20")
        );
        let out = host
            .run("group.search", json!({"query": "team", "limit": 1}))
            .unwrap();
        assert_eq!(out["groups"].as_array().map(Vec::len), Some(1));
        assert_eq!(
            host.run("group.search", json!({"query": " "})).unwrap(),
            json!({"groups": []})
        );
        let e = host
            .run("group.search", json!({"query": "x", "limit": 21}))
            .unwrap_err();
        assert!(e.is_invalid_input(), "{e}");
        let e = host
            .run("group.search", json!({"query": "a".repeat(101)}))
            .unwrap_err();
        assert!(e.message().contains("longer than 100 characters"), "{e}");
        // alice (no ADMINISTER) is refused, and Jira's picker is not asked.
        host.act_as(id("alice").as_deref());
        let before = host
            .jira_requests()
            .iter()
            .filter(|r| r.path.contains("groups/picker"))
            .count();
        let e = host
            .run("group.search", json!({"query": "team"}))
            .unwrap_err();
        assert!(e.is_forbidden(), "{e}");
        assert!(e.message().contains("ADMINISTER"), "{e}");
        let after = host
            .jira_requests()
            .iter()
            .filter(|r| r.path.contains("groups/picker"))
            .count();
        assert_eq!(before, after);
    }
}
