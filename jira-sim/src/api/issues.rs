//! `GET issue/{issueIdOrKey}` and `GET issue/picker`.

use axum::extract::{Path, State};
use axum::response::Response;

use serde_json::{json, Value};

use super::{ok, Caller, Params};
use crate::error::{JiraError, Result};
use crate::render::{FieldSet, Render};
use crate::state::Sim;

/// `GET issue/{issueIdOrKey}`: `IssueBean` with the requested `fields` (default
/// `*all`); 404 when the issue does not exist or the caller cannot browse it.
pub(crate) async fn get_issue(
    State(sim): State<Sim>,
    caller: Caller,
    Path(key): Path<String>,
    q: Params,
) -> Result<Response> {
    let fields = FieldSet::parse(q.all("fields")).unwrap_or_else(FieldSet::all);
    q.bool("fieldsByKeys", false)?;
    q.bool("updateHistory", false)?;
    q.bool("failFast", false)?;
    let body = sim.with_world(|w| {
        let access = w.access(caller.account);
        let issue = w.visible_issue(&access, &key)?;
        Ok::<_, JiraError>(Render::new(w, &caller.base, &access).issue(issue, fields))
    })?;
    Ok(ok(&body))
}

/// Most issues in the picker's "Current Search" section.
const PICKER_MAX: usize = 20;

/// `GET issue/picker`: `IssuePickerSuggestions` for `query`, issues the caller
/// may browse whose key starts with it or whose summary contains it (any case),
/// key matches first. Two sections as Jira gives them: "History Search" (the
/// simulator keeps no history, so it is empty) and "Current Search".
pub(crate) async fn picker(State(sim): State<Sim>, caller: Caller, q: Params) -> Result<Response> {
    q.bool("showSubTasks", true)?;
    q.bool("showSubTaskParent", true)?;
    let query = q.get("query").unwrap_or("").trim().to_lowercase();
    let body = sim.with_world(|w| {
        let access = w.access(caller.account);
        let mut by_key = Vec::new();
        let mut by_summary = Vec::new();
        if !query.is_empty() {
            for (i, issue) in w.issues.iter().enumerate() {
                if !access.can_browse_issue(w, i as u32) {
                    continue;
                }
                let key = w.issue_key(issue);
                if key.to_lowercase().starts_with(&query) {
                    by_key.push((issue, key));
                } else if issue.summary.to_lowercase().contains(&query) {
                    by_summary.push((issue, key));
                }
            }
        }
        let total = by_key.len() + by_summary.len();
        let issues: Vec<Value> = by_key
            .into_iter()
            .chain(by_summary)
            .take(PICKER_MAX)
            .map(|(issue, key)| {
                json!({
                    "id": issue.id,
                    "key": key,
                    "keyHtml": html_escape(&key),
                    "img": format!("{}/sim/avatar/{}?s=16", caller.base, issue.issue_type.name()),
                    "summary": highlight(&issue.summary, &query),
                    "summaryText": issue.summary,
                })
            })
            .collect();
        let shown = issues.len();
        json!({ "sections": [
            { "label": "History Search", "sub": "Showing 0 of 0 matching issues", "id": "hs", "issues": [] },
            { "label": "Current Search", "sub": format!("Showing {shown} of {total} matching issues"), "id": "cs", "issues": issues },
        ]})
    });
    Ok(ok(&body))
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The summary as HTML with the first match of `query` in bold, as Jira does.
fn highlight(summary: &str, query: &str) -> String {
    let lower = summary.to_lowercase();
    let at = if query.is_empty() || lower.len() != summary.len() {
        None
    } else {
        lower.find(query)
    };
    match at.and_then(|i| {
        Some((
            summary.get(..i)?,
            summary.get(i..i + query.len())?,
            summary.get(i + query.len()..)?,
        ))
    }) {
        Some((before, hit, after)) => format!(
            "{}<b>{}</b>{}",
            html_escape(before),
            html_escape(hit),
            html_escape(after)
        ),
        None => html_escape(summary),
    }
}
