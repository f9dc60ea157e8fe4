//! `issue/{issueIdOrKey}/worklog…`: list, get, create, update, delete, properties.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::json;

use super::{json_text, json_text_response, ok, paging, parse_body, Caller, Params};
use crate::error::{JiraError, Result};
use crate::render::{Render, WorklogJson};
use crate::state::Sim;
use crate::world::World;

/// Most worklogs one page of `GET issue/{key}/worklog` returns.
const MAX_WORKLOGS_PAGE: i64 = 5000;

/// `PageOfWorklogs` (fields in sorted key order, as a `serde_json::Map` writes
/// them).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PageOfWorklogs<'r> {
    max_results: usize,
    start_at: usize,
    total: usize,
    worklogs: Vec<WorklogJson<'r>>,
}

/// `GET issue/{issueIdOrKey}/worklog`: `PageOfWorklogs`, oldest first, only the
/// worklogs the caller may see; `startedAfter` (inclusive) and `startedBefore`
/// (exclusive) in epoch milliseconds.
pub(crate) async fn list(
    State(sim): State<Sim>,
    caller: Caller,
    Path(key): Path<String>,
    q: Params,
) -> Result<Response> {
    // Jira answers 404 for non-numeric paging values here.
    let (start, max) = paging(&q, MAX_WORKLOGS_PAGE, MAX_WORKLOGS_PAGE, 404)?;
    let after = q.opt_int("startedAfter")?;
    let before = q.opt_int("startedBefore")?;
    let props = q.expands("properties");
    let body = sim.with_world(|w| {
        let access = w.access(caller.account);
        let issue = w.visible_issue(&access, &key)?;
        let visible: Vec<u32> = w.issues[issue as usize]
            .worklogs
            .iter()
            .copied()
            .filter(|&i| {
                let wl = &w.worklogs[i as usize];
                access.can_see(w, wl)
                    && after.is_none_or(|a| wl.started >= a)
                    && before.is_none_or(|b| wl.started < b)
            })
            .collect();
        let r = Render::new(w, &caller.base, &access);
        Ok::<_, JiraError>(json_text(&PageOfWorklogs {
            max_results: max,
            start_at: start,
            total: visible.len(),
            worklogs: visible
                .iter()
                .skip(start)
                .take(max)
                .map(|&i| r.worklog(i, props))
                .collect(),
        }))
    })?;
    Ok(json_text_response(StatusCode::OK, body))
}

/// `GET issue/{issueIdOrKey}/worklog/{id}`.
pub(crate) async fn get_one(
    State(sim): State<Sim>,
    caller: Caller,
    Path((key, id)): Path<(String, String)>,
    q: Params,
) -> Result<Response> {
    let props = q.expands("properties");
    let body = sim.with_world(|w| {
        let access = w.access(caller.account);
        let issue = w.visible_issue(&access, &key)?;
        let wl = w.visible_worklog(&access, issue, &id)?;
        let r = Render::new(w, &caller.base, &access);
        Ok::<_, JiraError>(json_text(&r.worklog(wl, props)))
    })?;
    Ok(json_text_response(StatusCode::OK, body))
}

/// `POST issue/{issueIdOrKey}/worklog`: 201 with the new worklog.
pub(crate) async fn create(
    State(sim): State<Sim>,
    caller: Caller,
    Path(key): Path<String>,
    q: Params,
    body: Bytes,
) -> Result<Response> {
    q.bool("notifyUsers", true)?;
    q.bool("overrideEditableFlag", false)?;
    let props = q.expands("properties");
    let input = parse_body(&body)?;
    let out = sim.with_world(|w| {
        let access = w.access(caller.account);
        let issue = w.visible_issue(&access, &key)?;
        let wl = w.create_worklog(
            &access,
            issue,
            &input,
            (
                q.get("adjustEstimate"),
                q.get("newEstimate"),
                q.get("reduceBy"),
            ),
        )?;
        let r = Render::new(w, &caller.base, &access);
        Ok::<_, JiraError>(json_text(&r.worklog(wl, props)))
    })?;
    Ok(json_text_response(StatusCode::CREATED, out))
}

/// `PUT issue/{issueIdOrKey}/worklog/{id}`: 200 with the updated worklog.
pub(crate) async fn update(
    State(sim): State<Sim>,
    caller: Caller,
    Path((key, id)): Path<(String, String)>,
    q: Params,
    body: Bytes,
) -> Result<Response> {
    q.bool("notifyUsers", true)?;
    q.bool("overrideEditableFlag", false)?;
    let props = q.expands("properties");
    let input = parse_body(&body)?;
    let out = sim.with_world(|w| {
        let access = w.access(caller.account);
        let issue = w.visible_issue(&access, &key)?;
        let wl = w.visible_worklog(&access, issue, &id)?;
        w.update_worklog(
            &access,
            wl,
            &input,
            (q.get("adjustEstimate"), q.get("newEstimate")),
        )?;
        let r = Render::new(w, &caller.base, &access);
        Ok::<_, JiraError>(json_text(&r.worklog(wl, props)))
    })?;
    Ok(json_text_response(StatusCode::OK, out))
}

/// `DELETE issue/{issueIdOrKey}/worklog/{id}`: 204.
pub(crate) async fn remove(
    State(sim): State<Sim>,
    caller: Caller,
    Path((key, id)): Path<(String, String)>,
    q: Params,
) -> Result<Response> {
    q.bool("notifyUsers", true)?;
    q.bool("overrideEditableFlag", false)?;
    sim.with_world(|w| {
        let access = w.access(caller.account);
        let issue = w.visible_issue(&access, &key)?;
        let wl = w.visible_worklog(&access, issue, &id)?;
        w.delete_worklog(
            &access,
            wl,
            (
                q.get("adjustEstimate"),
                q.get("newEstimate"),
                q.get("increaseBy"),
            ),
        )
    })?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Resolves the issue and worklog of a property route; a non-numeric worklog id
/// is a 400 there, as the spec says.
fn property_target(
    w: &World,
    caller: &Caller,
    key: &str,
    id: &str,
) -> Result<(crate::world::Access, u32)> {
    let access = w.access(caller.account);
    let issue = w.visible_issue(&access, key)?;
    if id.parse::<u64>().is_err() {
        return Err(JiraError::bad_request(format!(
            "The worklog id '{id}' is not valid."
        )));
    }
    let wl = w.visible_worklog(&access, issue, id)?;
    Ok((access, wl))
}

/// `GET issue/{issueIdOrKey}/worklog/{worklogId}/properties`: `PropertyKeys`.
pub(crate) async fn property_keys(
    State(sim): State<Sim>,
    caller: Caller,
    Path((key, id)): Path<(String, String)>,
) -> Result<Response> {
    let body = sim.with_world(|w| {
        let (_, wl) = property_target(w, &caller, &key, &id)?;
        let issue_id = w.issues[w.worklogs[wl as usize].issue as usize].id;
        let keys: Vec<_> = w
            .worklog_properties(wl)
            .iter()
            .map(|(k, _)| {
                json!({
                    "key": k,
                    "self": format!(
                        "{}/rest/api/3/issue/{issue_id}/worklog/{id}/properties/{}",
                        caller.base,
                        crate::render::encode_path(k)
                    ),
                })
            })
            .collect();
        Ok::<_, JiraError>(json!({ "keys": keys }))
    })?;
    Ok(ok(&body))
}

/// `GET …/properties/{propertyKey}`: `EntityProperty`.
pub(crate) async fn get_property(
    State(sim): State<Sim>,
    caller: Caller,
    Path((key, id, prop)): Path<(String, String, String)>,
) -> Result<Response> {
    let body = sim.with_world(|w| {
        let (_, wl) = property_target(w, &caller, &key, &id)?;
        w.worklog_properties(wl)
            .iter()
            .find(|(k, _)| *k == prop)
            .map(|(k, v)| json!({ "key": k, "value": v }))
            .ok_or_else(|| crate::world::property_not_found(&prop))
    })?;
    Ok(ok(&body))
}

/// `PUT …/properties/{propertyKey}`: 201 when created, 200 when replaced.
pub(crate) async fn put_property(
    State(sim): State<Sim>,
    caller: Caller,
    Path((key, id, prop)): Path<(String, String, String)>,
    body: Bytes,
) -> Result<Response> {
    let value = parse_body(&body)?;
    let created = sim.with_world(|w| {
        let (access, wl) = property_target(w, &caller, &key, &id)?;
        w.put_worklog_property(&access, wl, &prop, value)
    })?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok(status.into_response())
}

/// `DELETE …/properties/{propertyKey}`: 204.
pub(crate) async fn delete_property(
    State(sim): State<Sim>,
    caller: Caller,
    Path((key, id, prop)): Path<(String, String, String)>,
) -> Result<Response> {
    sim.with_world(|w| {
        let (access, wl) = property_target(w, &caller, &key, &id)?;
        w.delete_worklog_property(&access, wl, &prop)
    })?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
