//! The report query as operations take it: the core's query JSON
//! (`worklogs_core::report::query`), with `timeZone` optional (the acting
//! user's zone from the context) and `period` required; and its resolution
//! (groups and JQL, through Jira, with the viewer's rights).

use std::collections::BTreeSet;

use serde::Deserialize;
use serde_json::Value as Json;
use worklogs_core::report::{ReportQuery, Resolution};

use crate::access::{group_members, principal, Viewer};
use crate::executor::Ctx;
use crate::index::{dict_id, Kind};
use crate::jira::types::SearchPage;
use crate::jira::{Call, JiraPath};
use crate::Error;

/// Issues per JQL page (ids and keys only).
const JQL_PAGE: usize = 5000;
/// Most issues a JQL filter may find.
const MAX_JQL_ISSUES: usize = 50_000;

/// A core error as the app's: invalid input names the field under `prefix`.
pub fn core_error(prefix: &str, e: &worklogs_core::Error) -> Error {
    if e.is_invalid_input() {
        Error::invalid_input(format_args!("{prefix}{}", e.message()))
    } else if e.is_limit() {
        Error::limit(e.message().to_owned())
    } else {
        Error::internal(e.message().to_owned())
    }
}

/// A report query, checked for the app's rules, not yet given its zone.
#[derive(Clone, Debug)]
pub struct QueryJson(serde_json::Map<String, Json>);

impl QueryJson {
    /// Checks `value` (under the field `prefix`, such as `query.`): an object
    /// with a `period`, valid as the core reads it (with UTC standing in for a
    /// missing zone).
    ///
    /// # Errors
    ///
    /// `invalid-input` naming the field and the value.
    pub fn check(prefix: &str, value: Json) -> Result<Self, Error> {
        let Json::Object(map) = value else {
            return Err(Error::invalid_input(format_args!(
                "{}the report query must be a JSON object",
                prefix
            )));
        };
        if map.get("period").is_none_or(Json::is_null) {
            return Err(Error::invalid_field(
                &format!("{prefix}period"),
                "a period is required, such as {\"from\": \"2026-03-01\", \"to\": \"2026-03-31\"}",
            ));
        }
        let query = Self(map);
        query.parse(prefix, "UTC")?;
        Ok(query)
    }

    /// The query JSON with its zone (the given one or `zone`).
    pub fn to_value(&self, zone: &str) -> Json {
        let mut map = self.0.clone();
        if map.get("timeZone").is_none_or(Json::is_null) {
            map.insert("timeZone".to_owned(), Json::String(zone.to_owned()));
        }
        Json::Object(map)
    }

    /// The query JSON as given (a saved report keeps no zone it was not
    /// given: it runs in each viewer's).
    pub fn to_value_unzoned(&self) -> Json {
        Json::Object(self.0.clone())
    }

    /// The core's query, with `zone` when the query names none.
    ///
    /// # Errors
    ///
    /// `invalid-input` naming the field and the value.
    pub fn parse(&self, prefix: &str, zone: &str) -> Result<ReportQuery, Error> {
        ReportQuery::from_json(&self.to_value(zone).to_string()).map_err(|e| core_error(prefix, &e))
    }
}

#[derive(Deserialize)]
struct FoundIssue {
    #[serde(default)]
    key: Option<String>,
}

/// Resolves the query's `groups` (members, `group/member`) and `jql` (issue
/// keys, `search/jql`), with the viewer's rights.
///
/// # Errors
///
/// `invalid-input` for an unknown group (`filter.groups`, naming it) or a JQL Jira
/// refuses (`filter.jql`); `limit` past 50,000 issues; Jira's errors.
pub async fn resolve(ctx: &Ctx, prefix: &str, query: &ReportQuery) -> Result<Resolution, Error> {
    let who = &principal(ctx);
    let filter = query.filter();
    let groups = futures::future::join_all(
        filter
            .groups
            .iter()
            .map(|group| group_members(ctx, who.clone(), group)),
    );
    let jql = async {
        let Some(jql) = &filter.jql else {
            return Ok(None);
        };
        let mut keys = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let body = match &token {
                None => serde_json::json!({"jql": jql, "fields": ["key"], "maxResults": JQL_PAGE}),
                Some(t) => serde_json::json!({
                    "jql": jql, "fields": ["key"], "maxResults": JQL_PAGE, "nextPageToken": t
                }),
            };
            let call = Call::post(JiraPath::api(&["search", "jql"]), body.to_string()).by(who);
            let page: Result<SearchPage<FoundIssue>, Error> = call.json(ctx).await;
            let page = page.map_err(|e| {
                if e.is_invalid_input() {
                    Error::invalid_field(&format!("{prefix}filter.jql"), e.message())
                } else {
                    e
                }
            })?;
            keys.extend(page.issues.into_iter().filter_map(|i| i.key));
            if keys.len() > MAX_JQL_ISSUES {
                return Err(Error::limit(format!(
                    "the jql filter finds more than {MAX_JQL_ISSUES} issues: narrow it"
                )));
            }
            match page.next_page_token {
                Some(t) if !t.is_empty() => token = Some(t),
                _ => return Ok(Some(keys)),
            }
        }
    };
    let (groups, jql) = futures::join!(groups, jql);
    let mut resolution = Resolution {
        jql_issues: jql?,
        ..Resolution::default()
    };
    for (group, members) in filter.groups.iter().zip(groups) {
        match members {
            Ok(members) => {
                resolution.group_members.insert(group.clone(), members);
            }
            // The core keeps the groups as a set: the value, not its index,
            // names the bad one.
            Err(e) if e.is_not_found() => {
                return Err(Error::invalid_field(
                    &format!("{prefix}filter.groups"),
                    format_args!("{}: no such jira group", crate::input::quote(group)),
                ))
            }
            Err(e) => return Err(e),
        }
    }
    Ok(resolution)
}

/// The projects and authors to read in SQL: the viewer's, narrowed by the
/// query's `projects` and `people` / `groups` filters. `None`: all.
pub fn scope(
    viewer: &Viewer,
    query: &ReportQuery,
    resolution: &Resolution,
) -> (Option<Vec<i64>>, Option<Vec<i64>>) {
    let filter = query.filter();
    let projects = match (&filter.projects, viewer.is_app()) {
        (None, true) => None,
        (None, false) => Some(viewer.projects.keys().copied().collect()),
        (Some(keys), _) => Some(
            viewer
                .projects
                .iter()
                .filter(|(_, p)| keys.contains(&p.key))
                .map(|(id, _)| *id)
                .collect(),
        ),
    };
    let mut wanted: Option<BTreeSet<&str>> = filter
        .people
        .as_ref()
        .map(|p| p.iter().map(String::as_str).collect());
    if !filter.groups.is_empty() {
        let set = wanted.get_or_insert_with(BTreeSet::new);
        for group in &filter.groups {
            if let Some(members) = resolution.group_members.get(group) {
                set.extend(members.iter().map(String::as_str));
            }
        }
    }
    let authors = match (wanted, &viewer.people) {
        (None, None) => None,
        (Some(w), None) => Some(w.into_iter().map(|a| dict_id(Kind::Account, a)).collect()),
        (None, Some(p)) => Some(p.iter().map(|a| dict_id(Kind::Account, a)).collect()),
        (Some(w), Some(p)) => Some(
            w.into_iter()
                .filter(|a| p.contains(*a))
                .map(|a| dict_id(Kind::Account, a))
                .collect(),
        ),
    };
    (projects, authors)
}

/// Whether a report or export over `authors` (the author ids it reads, `None`
/// for everyone: [`scope`]) shows time of people
/// other than the viewer `account`.
pub fn shows_others(account: Option<&str>, authors: Option<&[i64]>) -> bool {
    match (account, authors) {
        (_, None) | (None, Some(_)) => true,
        (Some(me), Some(ids)) => {
            let me = dict_id(Kind::Account, me);
            ids.iter().any(|id| *id != me)
        }
    }
}
