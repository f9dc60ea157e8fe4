//! The worklog change feeds: `worklog/updated`, `worklog/deleted` and
//! `worklog/list`.
//!
//! Feeds list changes oldest first, at most 1000 a page, from `since`
//! (inclusive, epoch milliseconds), and leave out the last minute, as Jira does.
//! On a full page, `until` is the last item's time and `nextPage` asks for
//! `since=until` (so that item comes again; dedupe by id). On the last page,
//! `until` is the cutoff (one minute ago): the next sync starts there and misses
//! nothing, since every later change gets a later stamp.

use std::collections::HashSet;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{json, Value};

use super::{json_text, json_text_response, ok, parse_body, Caller, Params};
use crate::error::{JiraError, Result};
use crate::render::Render;
use crate::state::Sim;
use crate::world::World;

/// Items per feed page and ids per `worklog/list` call.
const PAGE: usize = 1000;

/// Changes newer than this are left out of the feeds.
const QUIET_MS: i64 = 60_000;

/// Builds a `ChangedWorklogs` page from `(time, id, properties)` items.
fn feed(
    base: &str,
    path: &str,
    q: &Params,
    since: i64,
    cutoff: i64,
    items: Vec<(i64, u64, Value)>,
    more: bool,
) -> Value {
    let until = if more {
        items.last().map_or(cutoff, |i| i.0)
    } else {
        cutoff
    };
    let values: Vec<Value> = items
        .into_iter()
        .map(|(t, id, props)| json!({ "worklogId": id, "updatedTime": t, "properties": props }))
        .collect();
    let mut out = json!({
        "values": values,
        "since": since,
        "until": until,
        "self": format!("{base}{path}?{}", q.query()),
        "lastPage": !more,
    });
    if more {
        out["nextPage"] = json!(format!(
            "{base}{path}?{}",
            q.with("since", &until.to_string())
        ));
    }
    out
}

/// `GET worklog/updated?since=&expand=properties`: ids and update times of the
/// worklogs the caller may see.
pub(crate) async fn updated(State(sim): State<Sim>, caller: Caller, q: Params) -> Result<Response> {
    let since = q.int("since", 0, 400)?;
    let props = q.expands("properties");
    let body = sim.with_world(|w| {
        let access = w.access(caller.account);
        let cutoff = w.now_ms() - QUIET_MS;
        let r = Render::new(w, &caller.base, &access);
        let mut items = Vec::new();
        let mut more = false;
        for &(t, id) in w.updated_index.range((since, 0)..) {
            if t >= cutoff {
                break;
            }
            let Some(i) = w.worklog_by_id(id) else {
                continue;
            };
            if !access.can_see(w, &w.worklogs[i as usize]) {
                continue;
            }
            if items.len() == PAGE {
                more = true;
                break;
            }
            let p = if props { r.properties(i) } else { json!([]) };
            items.push((t, id, p));
        }
        feed(
            &caller.base,
            "/rest/api/3/worklog/updated",
            &q,
            since,
            cutoff,
            items,
            more,
        )
    });
    Ok(ok(&body))
}

/// `GET worklog/deleted?since=`: ids and deletion times of deleted worklogs.
pub(crate) async fn deleted(State(sim): State<Sim>, caller: Caller, q: Params) -> Result<Response> {
    let since = q.int("since", 0, 400)?;
    let body = sim.with_world(|w| {
        let cutoff = w.now_ms() - QUIET_MS;
        let from = w.tombstones.partition_point(|&(t, _)| t < since);
        let mut items: Vec<(i64, u64, Value)> = w.tombstones[from..]
            .iter()
            .take_while(|&&(t, _)| t < cutoff)
            .take(PAGE + 1)
            .map(|&(t, id)| (t, id, json!([])))
            .collect();
        let more = items.len() > PAGE;
        items.truncate(PAGE);
        feed(
            &caller.base,
            "/rest/api/3/worklog/deleted",
            &q,
            since,
            cutoff,
            items,
            more,
        )
    });
    Ok(ok(&body))
}

/// `POST worklog/list` with `{"ids": [...]}` (1 to 1000 ids): the worklogs the
/// caller may see, in the order asked; unknown and deleted ids are left out.
pub(crate) async fn list(
    State(sim): State<Sim>,
    caller: Caller,
    q: Params,
    body: Bytes,
) -> Result<Response> {
    let props = q.expands("properties");
    let body = parse_body(&body)?;
    let Some(obj) = body.as_object() else {
        return Err(JiraError::bad_request(
            "The request body must be a JSON object.",
        ));
    };
    if let Some(k) = obj.keys().find(|k| k.as_str() != "ids") {
        return Err(JiraError::bad_request(format!(
            "Unrecognized field \"{k}\"."
        )));
    }
    let Some(raw) = obj.get("ids").and_then(Value::as_array) else {
        return Err(JiraError::field(
            "ids",
            "The list of worklog ids is required.",
        ));
    };
    let ids: Option<Vec<u64>> = raw.iter().map(Value::as_u64).collect();
    let Some(ids) = ids else {
        return Err(JiraError::bad_request(
            "Worklog ids must be positive integers.",
        ));
    };
    if ids.is_empty() || ids.len() > PAGE {
        return Err(JiraError::bad_request(format!(
            "The number of worklog ids must be between 1 and {PAGE}; got {}.",
            ids.len()
        )));
    }
    let out = sim.with_world(|w| {
        let access = w.access(caller.account);
        let r = Render::new(w, &caller.base, &access);
        let mut seen = HashSet::with_capacity(ids.len());
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            let Some(i) = World::worklog_by_id(w, id) else {
                continue;
            };
            if access.can_see(w, &w.worklogs[i as usize]) && seen.insert(i) {
                out.push(r.worklog(i, props));
            }
        }
        json_text(&out)
    });
    Ok(json_text_response(StatusCode::OK, out))
}
