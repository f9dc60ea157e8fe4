//! `GET` and `POST search/jql`: the enhanced JQL search with `nextPageToken`.

use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;
use base64::Engine;
use serde_json::{json, Value};

use super::{ok, parse_body, Caller, Params};
use crate::error::{JiraError, Result};
use crate::jql::{Env, Query};
use crate::render::{FieldSet, Render};
use crate::state::Sim;

/// Most issues per page when only ids or keys are requested.
const MAX_IDS_PAGE: i64 = 5000;
/// Most issues per page with fields.
const MAX_FIELDS_PAGE: i64 = 100;

/// A search request, from the query string or the body.
struct SearchRequest {
    jql: String,
    token: Option<String>,
    max: i64,
    /// `None`: no `fields` given, only ids are returned.
    fields: Option<FieldSet>,
}

/// `GET search/jql`.
pub(crate) async fn search_get(
    State(sim): State<Sim>,
    caller: Caller,
    q: Params,
) -> Result<Response> {
    q.bool("fieldsByKeys", false)?;
    q.bool("failFast", false)?;
    let req = SearchRequest {
        jql: q.get("jql").unwrap_or("").to_owned(),
        token: q.get("nextPageToken").map(str::to_owned),
        max: q.int("maxResults", 50, 400)?,
        fields: FieldSet::parse(q.all("fields")),
    };
    run(&sim, &caller, req)
}

/// Fields of `SearchAndReconcileRequestBean`.
const BODY_FIELDS: &[&str] = &[
    "expand",
    "fields",
    "fieldsByKeys",
    "jql",
    "maxResults",
    "nextPageToken",
    "properties",
    "reconcileIssues",
    "failFast",
];

/// `POST search/jql` with a `SearchAndReconcileRequestBean`.
pub(crate) async fn search_post(
    State(sim): State<Sim>,
    caller: Caller,
    body: Bytes,
) -> Result<Response> {
    let body = parse_body(&body)?;
    let Some(obj) = body.as_object() else {
        return Err(JiraError::bad_request(
            "The request body must be a JSON object.",
        ));
    };
    if let Some(k) = obj.keys().find(|k| !BODY_FIELDS.contains(&k.as_str())) {
        return Err(JiraError::bad_request(format!(
            "Unrecognized field \"{k}\"."
        )));
    }
    let text = |k: &str| -> Result<Option<String>> {
        match obj.get(k) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(JiraError::bad_request(format!("\"{k}\" must be a string."))),
        }
    };
    let max = match obj.get("maxResults") {
        None | Some(Value::Null) => 50,
        Some(v) => v
            .as_i64()
            .ok_or_else(|| JiraError::bad_request("\"maxResults\" must be an integer."))?,
    };
    let fields = match obj.get("fields") {
        None | Some(Value::Null) => None,
        Some(Value::Array(items)) => {
            let names: Option<Vec<&str>> = items.iter().map(Value::as_str).collect();
            let names = names
                .ok_or_else(|| JiraError::bad_request("\"fields\" must be a list of strings."))?;
            FieldSet::parse(names)
        }
        Some(_) => {
            return Err(JiraError::bad_request(
                "\"fields\" must be a list of strings.",
            ))
        }
    };
    let req = SearchRequest {
        jql: text("jql")?.unwrap_or_default(),
        token: text("nextPageToken")?,
        max,
        fields,
    };
    run(&sim, &caller, req)
}

fn encode_token(offset: usize) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("sim-offset:{offset}"))
}

fn decode_token(token: &str) -> Option<usize> {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(token)
        .ok()?;
    String::from_utf8(bytes)
        .ok()?
        .strip_prefix("sim-offset:")?
        .parse()
        .ok()
}

fn run(sim: &Sim, caller: &Caller, req: SearchRequest) -> Result<Response> {
    let offset = match &req.token {
        None => 0,
        Some(t) => decode_token(t).ok_or_else(|| {
            JiraError::bad_request(format!("The nextPageToken '{t}' is not valid."))
        })?,
    };
    if req.max < 0 {
        return Err(JiraError::bad_request(
            "The 'maxResults' parameter must not be negative.",
        ));
    }
    let cap = if req.fields.is_none_or(FieldSet::is_empty) {
        MAX_IDS_PAGE
    } else {
        MAX_FIELDS_PAGE
    };
    let max = req.max.min(cap) as usize;
    let body = sim.with_world(|w| {
        let access = w.access(caller.account);
        let env = Env {
            world: w,
            access: &access,
            tz: w.accounts[caller.account as usize].tz,
            now_ms: w.now_ms(),
        };
        let query = Query::parse(&req.jql, &env)?;
        if query.is_unbounded() {
            return Err(JiraError::bad_request(
                "Unbounded JQL queries are not allowed here. Please add a search restriction to your query.",
            ));
        }
        let hits = query.run(&env);
        let r = Render::new(w, &caller.base, &access);
        let issues: Vec<Value> = hits
            .iter()
            .skip(offset)
            .take(max)
            .map(|&i| match req.fields {
                None => json!({ "id": w.issues[i as usize].id.to_string() }),
                Some(f) => r.issue(i, f),
            })
            .collect();
        let end = offset + issues.len();
        let mut out = json!({ "issues": issues, "isLast": end >= hits.len() });
        if end < hits.len() {
            out["nextPageToken"] = json!(encode_token(end));
        }
        Ok(out)
    })?;
    Ok(ok(&body))
}
