//! `issue.search`: issues the acting user may browse whose key or summary
//! matches a text, with Jira's issue picker
//! (`GET /rest/api/3/issue/picker`), asked on the user's behalf so Jira
//! applies their browse permission.

use serde::{Deserialize, Serialize};

use crate::executor::Ctx;
use crate::input::{quote, Input};
use crate::jira::{self, Call, JiraPath};
use crate::Error;

/// The most issues asked for.
pub const MAX_LIMIT: i64 = 50;
/// The longest query, in characters.
pub const MAX_QUERY: usize = 200;

/// The input of `issue.search`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SearchRaw {
    query: String,
    #[serde(default, deserialize_with = "crate::input::whole_number")]
    limit: Option<i64>,
}

/// `issue.search`, validated.
pub struct SearchInput {
    query: String,
    limit: usize,
}

impl Input for SearchInput {
    type Raw = SearchRaw;

    fn validate(raw: SearchRaw) -> Result<Self, Error> {
        let query = raw.query.trim().to_owned();
        if query.chars().count() > MAX_QUERY {
            return Err(Error::invalid_field(
                "query",
                format_args!("{} is longer than {MAX_QUERY} characters", quote(&query)),
            ));
        }
        let limit = match raw.limit {
            None => 20,
            Some(n @ 1..=MAX_LIMIT) => usize::try_from(n).unwrap_or(20),
            Some(n) => {
                return Err(Error::invalid_field(
                    "limit",
                    format_args!("{n} is out of range (expected 1 to {MAX_LIMIT})"),
                ))
            }
        };
        Ok(Self { query, limit })
    }
}

/// An issue found.
#[derive(Serialize, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Found {
    id: String,
    key: String,
    summary: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    project_key: Option<String>,
}

/// The answer of `issue.search`.
#[derive(Serialize, Debug)]
pub struct SearchOut {
    issues: Vec<Found>,
}

#[derive(Deserialize)]
struct Picker {
    #[serde(default)]
    sections: Vec<Section>,
}

#[derive(Deserialize)]
struct Section {
    #[serde(default)]
    issues: Vec<Suggested>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Suggested {
    #[serde(deserialize_with = "jira::id_string")]
    id: String,
    key: String,
    #[serde(default)]
    summary_text: String,
}

/// Issues matching `query`, the picker's order (its history section first),
/// each once, at most `limit`. An empty query answers nothing without asking.
///
/// # Errors
///
/// `forbidden` without an acting user; Jira's errors, mapped.
pub async fn search(ctx: &Ctx, input: SearchInput) -> Result<SearchOut, Error> {
    ctx.acting_user()?;
    if input.query.is_empty() {
        return Ok(SearchOut { issues: Vec::new() });
    }
    let path = JiraPath::api(&["issue", "picker"])
        .query("query", &input.query)
        .query("showSubTasks", "true")
        .query("showSubTaskParent", "true");
    let picker: Picker = Call::get(path).json(ctx).await?;
    let mut issues: Vec<Found> = Vec::new();
    for issue in picker.sections.into_iter().flat_map(|s| s.issues) {
        if issues.len() >= input.limit {
            break;
        }
        if issues.iter().any(|f| f.id == issue.id) {
            continue;
        }
        issues.push(Found {
            project_key: issue.key.rsplit_once('-').map(|(p, _)| p.to_owned()),
            id: issue.id,
            key: issue.key,
            summary: issue.summary_text,
        });
    }
    Ok(SearchOut { issues })
}

#[cfg(test)]
mod tests {
    use crate::testing::{http, query_param, FakeHost};
    use serde_json::json;

    #[test]
    fn asks_the_picker_as_the_user_and_dedupes() {
        let mut host = FakeHost::new(Some("ann")).on_jira(|request| {
            assert!(request.path.starts_with("/rest/api/3/issue/picker?"), "{}", request.path);
            assert_eq!(query_param(&request.path, "query").as_deref(), Some("login%20bug"));
            http(200, &json!({"sections": [
                {"label": "History Search", "id": "hs", "issues": [
                    {"id": 10002, "key": "ALPHA-2", "keyHtml": "ALPHA-2", "summary": "<b>Login</b>", "summaryText": "Login page", "img": "x"}]},
                {"label": "Current Search", "id": "cs", "issues": [
                    {"id": 10002, "key": "ALPHA-2", "summaryText": "Login page"},
                    {"id": 10007, "key": "BETA-7", "summaryText": "Login bug"},
                    {"id": 10008, "key": "BETA-8", "summaryText": "Login bug 2"}]}
            ]}).to_string())
        });
        let out = host
            .run("issue.search", json!({"query": " login bug ", "limit": 2}))
            .unwrap();
        assert_eq!(
            out,
            json!({"issues": [
            {"id": "10002", "key": "ALPHA-2", "summary": "Login page", "projectKey": "ALPHA"},
            {"id": "10007", "key": "BETA-7", "summary": "Login bug", "projectKey": "BETA"}]})
        );
        assert_eq!(
            host.jira_requests()[0].principal,
            crate::protocol::Principal::User
        );
    }

    #[test]
    fn bad_input_names_the_field() {
        let mut host = FakeHost::new(Some("ann"));
        let e = host
            .run("issue.search", json!({"query": "x", "limit": 0}))
            .unwrap_err();
        assert_eq!(
            e.message(),
            r#"invalid input: field "limit": 0 is out of range (expected 1 to 50)"#
        );
        assert_eq!(
            host.run("issue.search", json!({"query": "  "})).unwrap(),
            json!({"issues": []})
        );
        assert!(host.batches.is_empty());
    }
}
