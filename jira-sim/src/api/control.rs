//! The simulator's own routes under `/sim/` (not Jira): the demo summary, fault
//! injection, the rate limits, the clock, request statistics, avatars, and who may browse a
//! project or an issue.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use super::{ok, parse_body, Params};
use crate::error::{JiraError, Result};
use crate::ids;
use crate::limits::RateLimits;
use crate::state::{Fault, Sim};

/// `GET /sim/demo`: people, projects, a few issues, time tracking settings.
pub(crate) async fn demo(State(sim): State<Sim>) -> Response {
    ok(&sim.with_world(|w| w.summary()))
}

/// Parses `{"path", "status", "retryAfter", "count", "delayMs"}`.
fn parse_fault(body: &Value) -> Result<Fault> {
    let Some(obj) = body.as_object() else {
        return Err(JiraError::bad_request(
            "The request body must be a JSON object.",
        ));
    };
    const FIELDS: [&str; 5] = ["path", "status", "retryAfter", "count", "delayMs"];
    if let Some(k) = obj.keys().find(|k| !FIELDS.contains(&k.as_str())) {
        return Err(JiraError::bad_request(format!(
            "Unrecognized field \"{k}\"."
        )));
    }
    let uint = |k: &str| -> Result<Option<u64>> {
        match obj.get(k) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => v
                .as_u64()
                .map(Some)
                .ok_or_else(|| JiraError::field(k, "must be a non-negative integer")),
        }
    };
    let path = obj.get("path").and_then(Value::as_str).ok_or_else(|| {
        JiraError::field(
            "path",
            "a path prefix is required, such as /rest/api/3/issue/",
        )
    })?;
    let status = match uint("status")? {
        None => None,
        Some(s @ 100..=599) => Some(s as u16),
        Some(_) => return Err(JiraError::field("status", "must be an HTTP status code")),
    };
    let delay_ms = uint("delayMs")?.unwrap_or(0);
    if status.is_none() && delay_ms == 0 {
        return Err(JiraError::bad_request(
            "A fault needs a \"status\" or a \"delayMs\".",
        ));
    }
    Ok(Fault {
        path: path.to_owned(),
        status,
        retry_after: uint("retryAfter")?,
        count: uint("count")?.unwrap_or(1).min(u64::from(u32::MAX)) as u32,
        delay_ms,
    })
}

/// `POST /sim/faults`: queue a fault; 204.
pub(crate) async fn add_fault(State(sim): State<Sim>, body: Bytes) -> Result<Response> {
    let fault = parse_fault(&parse_body(&body)?)?;
    sim.inject(fault);
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `GET /sim/faults`: the faults still pending.
pub(crate) async fn list_faults(State(sim): State<Sim>) -> Response {
    let faults: Vec<Value> = sim
        .faults()
        .into_iter()
        .map(|f| {
            json!({
                "path": f.path, "status": f.status, "retryAfter": f.retry_after,
                "count": f.count, "delayMs": f.delay_ms,
            })
        })
        .collect();
    ok(&Value::Array(faults))
}

/// `DELETE /sim/faults`: drop every pending fault; 204.
pub(crate) async fn clear_faults(State(sim): State<Sim>) -> Response {
    sim.clear_faults();
    StatusCode::NO_CONTENT.into_response()
}

/// `GET /sim/stats`: requests per route (`"GET /rest/api/3/myself"`), total and
/// faulted.
pub(crate) async fn stats(State(sim): State<Sim>) -> Response {
    ok(&sim.stats_json())
}

/// `DELETE /sim/stats`: reset the counters; 204.
pub(crate) async fn reset_stats(State(sim): State<Sim>) -> Response {
    sim.reset_stats();
    StatusCode::NO_CONTENT.into_response()
}

/// `GET /sim/ratelimits`: `{"limits": … or null, "stats": {"points", "refused"}}`.
pub(crate) async fn get_rate_limits(State(sim): State<Sim>) -> Response {
    ok(&json!({
        "limits": sim.rate_limits().map(|l| l.to_json()),
        "stats": sim.rate_limit_stats(),
    }))
}

/// `POST /sim/ratelimits` with `{"preset": "documented"}` and/or limits
/// ([`RateLimits::from_json`]): applies them from now on, with fresh windows.
pub(crate) async fn set_rate_limits(State(sim): State<Sim>, body: Bytes) -> Result<Response> {
    let limits = RateLimits::from_json(&parse_body(&body)?).map_err(JiraError::bad_request)?;
    sim.set_rate_limits(Some(limits));
    Ok(get_rate_limits(State(sim)).await)
}

/// `DELETE /sim/ratelimits`: no limits any more; 204.
pub(crate) async fn clear_rate_limits(State(sim): State<Sim>) -> Response {
    sim.set_rate_limits(None);
    StatusCode::NO_CONTENT.into_response()
}

fn clock_json(sim: &Sim) -> Value {
    sim.with_world(|w| json!({ "nowMs": w.now_ms(), "frozen": w.clock_frozen() }))
}

/// `GET /sim/clock`: `{"nowMs", "frozen"}`.
pub(crate) async fn get_clock(State(sim): State<Sim>) -> Response {
    ok(&clock_json(&sim))
}

/// `POST /sim/clock` with `{"nowMs": ms}` (freeze there), `{"advanceMs": ms}`
/// (move on) or `{"system": true}` (back to the system clock).
pub(crate) async fn set_clock(State(sim): State<Sim>, body: Bytes) -> Result<Response> {
    let body = parse_body(&body)?;
    let now = body.get("nowMs").and_then(Value::as_i64);
    let advance = body.get("advanceMs").and_then(Value::as_i64);
    let system = body.get("system").and_then(Value::as_bool) == Some(true);
    sim.with_world(|w| match (now, advance, system) {
        (Some(t), None, false) => {
            w.set_time(t);
            Ok(())
        }
        (None, Some(d), false) => {
            w.advance_time(d);
            Ok(())
        }
        (None, None, true) => {
            w.use_system_time();
            Ok(())
        }
        _ => Err(JiraError::bad_request(
            "Give exactly one of \"nowMs\", \"advanceMs\" or \"system\": true.",
        )),
    })?;
    Ok(ok(&clock_json(&sim)))
}

/// `GET /sim/avatar/{name}?s=48`: an SVG circle with the name's initials.
pub(crate) async fn avatar(Path(name): Path<String>, q: Params) -> Response {
    let size = q.int("s", 48, 400).unwrap_or(48).clamp(8, 512);
    let hue = ids::small_hash(&name) % 360;
    let initials: String = name
        .split(|c: char| !c.is_alphanumeric())
        .filter(|p| !p.is_empty())
        .take(2)
        .filter_map(|p| p.chars().next())
        .flat_map(char::to_uppercase)
        .collect();
    let svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{size}\" height=\"{size}\" viewBox=\"0 0 48 48\">\
         <circle cx=\"24\" cy=\"24\" r=\"24\" fill=\"hsl({hue},55%,45%)\"/>\
         <text x=\"24\" y=\"30\" font-family=\"sans-serif\" font-size=\"18\" fill=\"#fff\" \
         text-anchor=\"middle\">{initials}</text></svg>"
    );
    let mut res = svg.into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("image/svg+xml"),
    );
    res
}

/// Reads `body[key]` as a list of holder strings (`group:NAME`,
/// `projectRole:NAME`, `reporter`, `assignee`).
fn holders(body: &Value, key: &str) -> Result<Vec<String>> {
    body.get(key)
        .and_then(Value::as_array)
        .ok_or_else(|| JiraError::field(key, "a list of holders is required"))?
        .iter()
        .map(|h| {
            h.as_str()
                .map(str::to_owned)
                .ok_or_else(|| JiraError::field(key, "every holder is a string"))
        })
        .collect()
}

/// `POST /sim/projects/{key}/browse`: `{"holders": [...]}` get *Browse
/// projects* in the project, and nobody else
/// ([`World::set_browse_holders`](crate::World::set_browse_holders)).
pub(crate) async fn set_browse(
    Path(key): Path<String>,
    State(sim): State<Sim>,
    body: Bytes,
) -> Result<Response> {
    let body = parse_body(&body)?;
    let holders = holders(&body, "holders")?;
    let refs: Vec<&str> = holders.iter().map(String::as_str).collect();
    sim.with_world(|w| w.set_browse_holders(&key, &refs))
        .map_err(JiraError::bad_request)?;
    Ok(ok(&json!({ "project": key, "holders": holders })))
}

/// `POST /sim/issues/{key}/security`: `{"level": NAME, "members": [...]}` puts
/// the issue at that security level (made with those members the first time),
/// `{"level": null}` clears it
/// ([`World::set_issue_security`](crate::World::set_issue_security)).
pub(crate) async fn set_security(
    Path(key): Path<String>,
    State(sim): State<Sim>,
    body: Bytes,
) -> Result<Response> {
    let body = parse_body(&body)?;
    let level = match body.get("level") {
        None | Some(Value::Null) => None,
        Some(Value::String(name)) => Some((name.clone(), holders(&body, "members")?)),
        Some(_) => return Err(JiraError::field("level", "a level name or null")),
    };
    let refs: Option<(&str, Vec<&str>)> = level
        .as_ref()
        .map(|(name, members)| (name.as_str(), members.iter().map(String::as_str).collect()));
    sim.with_world(|w| w.set_issue_security(&key, refs.as_ref().map(|(n, m)| (*n, m.as_slice()))))
        .map_err(JiraError::bad_request)?;
    Ok(ok(&json!({ "issue": key, "level": body.get("level") })))
}
