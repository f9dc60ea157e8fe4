//! People, projects and groups by name or by id: the one home of the
//! look-ups behind the pickers (`people.search`, `project.search`,
//! `group.search`) and the names shown for saved ids (`rate.list`).
//!
//! Every look-up is asked on the caller's behalf (the acting user, or the app
//! for a task without one), so Jira applies their permissions: a person who may
//! not browse users finds nobody, a project they may not see is not named.
//! Nothing is kept beyond the call.

use serde::{Deserialize, Serialize};

use super::types::{self, ValuesPage};
use super::{Call, JiraPath};
use crate::executor::Ctx;
use crate::protocol::Principal;
use crate::Error;

/// Account ids per `user/bulk` request.
const USERS_PER_REQUEST: usize = 100;
/// Project ids per `project/search?id=` request (Jira's page size cap is 100).
const PROJECTS_PER_REQUEST: usize = 50;

/// A person: account id and display name.
#[derive(Serialize, Debug, Clone, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Person {
    /// The account id.
    pub account_id: String,
    /// The display name.
    pub display_name: String,
}

/// A project: id, key and name.
#[derive(Serialize, Debug, Clone, PartialEq, Eq)]
pub struct Project {
    /// The numeric id, as a string.
    pub id: String,
    /// The key, such as `ALPHA`.
    pub key: String,
    /// The name.
    pub name: String,
}

impl From<types::Project> for Project {
    fn from(p: types::Project) -> Self {
        Self {
            id: p.id,
            key: p.key,
            name: p.name,
        }
    }
}

/// A Jira group: name and id.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Group {
    /// The name (what reviewer rules and grants name).
    pub name: String,
    /// The group id.
    #[serde(default)]
    pub group_id: String,
}

/// The answer of `groups/picker` (`FoundGroups`).
#[derive(Deserialize)]
struct FoundGroups {
    #[serde(default)]
    groups: Vec<Group>,
}

/// A user of `user/search`, with its kind.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Found {
    #[serde(default)]
    account_id: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    account_type: String,
}

/// The principal of the caller's own questions: the user, or the app for a
/// task without one (as `access::principal`, which `jira` may not import).
fn principal(ctx: &Ctx) -> Principal {
    if ctx.acting_user().is_ok() {
        Principal::User
    } else {
        Principal::App
    }
}

/// People whose name or e-mail address starts with `query` (Jira's
/// `user/search`), at most `max`, apps left out. Jira answers an empty list to
/// a caller without *Browse users and groups*.
///
/// # Errors
///
/// Jira's errors, mapped.
pub async fn search_people(ctx: &Ctx, query: &str, max: usize) -> Result<Vec<Person>, Error> {
    let path = JiraPath::api(&["user", "search"])
        .query("query", query)
        .query("maxResults", &max.to_string());
    let found: Vec<Found> = Call::get(path).by(principal(ctx)).json(ctx).await?;
    Ok(found
        .into_iter()
        .filter(|u| u.account_type != "app" && !u.account_id.is_empty())
        .take(max)
        .map(|u| Person {
            account_id: u.account_id,
            display_name: u.display_name,
        })
        .collect())
}

/// Projects whose key or name contains `query` (Jira's `project/search`),
/// by key, at most `max`.
///
/// # Errors
///
/// Jira's errors, mapped.
pub async fn search_projects(ctx: &Ctx, query: &str, max: usize) -> Result<Vec<Project>, Error> {
    let path = JiraPath::api(&["project", "search"])
        .query("query", query)
        .query("orderBy", "key")
        .query("maxResults", &max.to_string());
    let page: ValuesPage<types::Project> = Call::get(path).by(principal(ctx)).json(ctx).await?;
    Ok(page
        .values
        .into_iter()
        .take(max)
        .map(Project::from)
        .collect())
}

/// Groups whose name contains `query`, case-insensitively (Jira's
/// `groups/picker`), by name, at most `max`. Jira answers an empty list to a
/// caller without *Browse projects*, and only an exact match to one without
/// *Browse users and groups*.
///
/// # Errors
///
/// Jira's errors, mapped.
pub async fn search_groups(ctx: &Ctx, query: &str, max: usize) -> Result<Vec<Group>, Error> {
    let path = JiraPath::api(&["groups", "picker"])
        .query("query", query)
        .query("caseInsensitive", "true")
        .query("maxResults", &max.to_string());
    let found: FoundGroups = Call::get(path).by(principal(ctx)).json(ctx).await?;
    Ok(found
        .groups
        .into_iter()
        .filter(|g| !g.name.is_empty())
        .take(max)
        .collect())
}

/// The people among `ids` Jira tells the caller about (`user/bulk`), in
/// requests of [`USERS_PER_REQUEST`] sent together. A caller who may not
/// browse users gets nobody rather than an error; unknown ids are left out.
///
/// # Errors
///
/// Jira's errors other than `forbidden`.
pub async fn people_by_id(ctx: &Ctx, ids: &[String]) -> Result<Vec<Person>, Error> {
    let who = &principal(ctx);
    let asks = ids.chunks(USERS_PER_REQUEST).map(|chunk| async move {
        let mut path =
            JiraPath::api(&["user", "bulk"]).query("maxResults", &USERS_PER_REQUEST.to_string());
        for id in chunk {
            path = path.query("accountId", id);
        }
        let page: Result<ValuesPage<types::User>, Error> = Call::get(path).by(who).json(ctx).await;
        page
    });
    let mut out = Vec::new();
    for page in futures::future::join_all(asks).await {
        match page {
            Ok(page) => out.extend(page.values.into_iter().map(|u| Person {
                account_id: u.account_id,
                display_name: u.display_name,
            })),
            Err(e) if e.is_forbidden() => {}
            Err(e) => return Err(e),
        }
    }
    Ok(out)
}

/// The projects among `ids` the caller may see (`project/search?id=`), in
/// requests of [`PROJECTS_PER_REQUEST`] sent together; ids that are not
/// numbers, unknown or hidden are left out.
///
/// # Errors
///
/// Jira's errors other than `forbidden`.
pub async fn projects_by_id(ctx: &Ctx, ids: &[String]) -> Result<Vec<Project>, Error> {
    let who = &principal(ctx);
    let numeric: Vec<&String> = ids
        .iter()
        .filter(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()))
        .collect();
    let asks = numeric
        .chunks(PROJECTS_PER_REQUEST)
        .map(|chunk| async move {
            let mut path = JiraPath::api(&["project", "search"])
                .query("maxResults", &PROJECTS_PER_REQUEST.to_string());
            for id in chunk {
                path = path.query("id", id);
            }
            let page: Result<ValuesPage<types::Project>, Error> =
                Call::get(path).by(who).json(ctx).await;
            page
        });
    let mut out = Vec::new();
    for page in futures::future::join_all(asks).await {
        match page {
            Ok(page) => out.extend(page.values.into_iter().map(Project::from)),
            Err(e) if e.is_forbidden() => {}
            Err(e) => return Err(e),
        }
    }
    Ok(out)
}
