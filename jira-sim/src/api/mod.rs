//! The HTTP surface: Jira's REST v3 routes and the `/sim/` control routes.
//!
//! Handlers are thin: they read the caller, the query and the body, take the
//! world's lock once, do their work through [`World`](crate::World) methods and
//! build the JSON inside the lock, and serialise it after releasing it. Worklogs
//! are the exception: they serialise straight from the world
//! ([`WorklogJson`](crate::render::WorklogJson)), so inside the lock
//! ([`json_text`]).
//!
//! Query strings and bodies are read by hand rather than with axum's `Query` and
//! `Json` extractors, whose rejections are plain text: a malformed request must
//! get Jira's `ErrorCollection` body.

mod config;
pub(crate) mod control;
mod issues;
mod permissions;
pub(crate) mod privacy;
mod search;
mod sync;
mod users;
mod worklogs;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put, MethodRouter};
use base64::Engine;
use serde::Serialize;
use serde_json::Value;

use crate::error::{JiraError, Result};
use crate::state::Sim;

/// The Jira routes the simulator serves: method, path (axum syntax, which is
/// OpenAPI's `{name}` syntax), handler.
///
/// Path parameters keep the spec's names where the router allows it; axum needs
/// one name per position, so the worklog id is `{id}` also under `properties`
/// (the spec says `{worklogId}` there).
pub(crate) fn routes() -> Vec<(&'static str, &'static str, MethodRouter<Sim>)> {
    const ISSUE: &str = "/rest/api/3/issue/{issueIdOrKey}";
    const WORKLOGS: &str = "/rest/api/3/issue/{issueIdOrKey}/worklog";
    const WORKLOG: &str = "/rest/api/3/issue/{issueIdOrKey}/worklog/{id}";
    const PROPS: &str = "/rest/api/3/issue/{issueIdOrKey}/worklog/{id}/properties";
    const PROP: &str = "/rest/api/3/issue/{issueIdOrKey}/worklog/{id}/properties/{propertyKey}";
    const TT: &str = "/rest/api/3/configuration/timetracking/options";
    const JQL: &str = "/rest/api/3/search/jql";
    vec![
        ("GET", "/rest/api/3/myself", get(users::myself)),
        ("GET", "/rest/api/3/user", get(users::user)),
        ("GET", "/rest/api/3/user/bulk", get(users::bulk)),
        ("GET", "/rest/api/3/user/search", get(users::search)),
        ("GET", "/rest/api/3/user/groups", get(users::groups)),
        ("GET", "/rest/api/3/group/member", get(users::group_members)),
        ("GET", "/rest/api/3/groups/picker", get(users::group_picker)),
        (
            "GET",
            "/rest/api/3/project/{projectIdOrKey}/roledetails",
            get(users::role_details),
        ),
        (
            "GET",
            "/rest/api/3/project/search",
            get(users::project_search),
        ),
        (
            "GET",
            "/rest/api/3/mypermissions",
            get(users::my_permissions),
        ),
        (
            "POST",
            "/rest/api/3/permissions/check",
            post(permissions::bulk_check),
        ),
        (
            "GET",
            "/rest/api/3/project/{projectKeyOrId}/permissionscheme",
            get(permissions::permission_scheme),
        ),
        ("GET", "/rest/api/3/issue/picker", get(issues::picker)),
        ("GET", ISSUE, get(issues::get_issue)),
        ("GET", WORKLOGS, get(worklogs::list)),
        ("POST", WORKLOGS, post(worklogs::create)),
        ("GET", WORKLOG, get(worklogs::get_one)),
        ("PUT", WORKLOG, put(worklogs::update)),
        ("DELETE", WORKLOG, delete(worklogs::remove)),
        ("GET", PROPS, get(worklogs::property_keys)),
        ("GET", PROP, get(worklogs::get_property)),
        ("PUT", PROP, put(worklogs::put_property)),
        ("DELETE", PROP, delete(worklogs::delete_property)),
        ("GET", TT, get(config::get_options)),
        ("PUT", TT, put(config::put_options)),
        ("GET", "/rest/api/3/worklog/updated", get(sync::updated)),
        ("GET", "/rest/api/3/worklog/deleted", get(sync::deleted)),
        ("POST", "/rest/api/3/worklog/list", post(sync::list)),
        ("GET", JQL, get(search::search_get)),
        ("POST", JQL, post(search::search_post)),
    ]
}

impl IntoResponse for JiraError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::BAD_REQUEST);
        json_response(status, &self.body())
    }
}

/// A JSON response.
pub(crate) fn json_response(status: StatusCode, body: &impl Serialize) -> Response {
    json_text_response(status, json_text(body))
}

/// 200 with a JSON body.
pub(crate) fn ok(body: &impl Serialize) -> Response {
    json_response(StatusCode::OK, body)
}

/// A body as JSON text, for bodies that borrow the world and so must be
/// serialised while its lock is held.
pub(crate) fn json_text(body: &impl Serialize) -> Vec<u8> {
    serde_json::to_vec(body).unwrap_or_default()
}

/// A response with a body already serialised by [`json_text`].
pub(crate) fn json_text_response(status: StatusCode, text: Vec<u8>) -> Response {
    let mut res = (status, text).into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json;charset=UTF-8"),
    );
    res
}

/// The answer for paths the simulator does not serve.
pub(crate) async fn not_found(uri: axum::http::Uri) -> Response {
    JiraError::not_found(format!("null for uri: {uri}")).into_response()
}

/// Who is calling, and the base URL for `self` links.
#[derive(Debug, Clone)]
pub(crate) struct Caller {
    /// Index in the world's accounts.
    pub account: u32,
    /// `http://host:port`, from the request's `Host`.
    pub base: String,
}

/// The base URL of a request: `http://` and its `Host`.
pub(crate) fn base_url(parts: &Parts) -> String {
    let host = parts
        .headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_owned)
        .or_else(|| parts.uri.authority().map(|a| a.to_string()))
        .unwrap_or_else(|| "localhost".to_owned());
    format!("http://{host}")
}

impl FromRequestParts<Sim> for Caller {
    type Rejection = JiraError;

    /// Authenticates: `X-Sim-Principal: app`, `X-Sim-Account: <accountId or
    /// alias>`, HTTP Basic auth with an account's e-mail address as the user
    /// name (any password), or `Authorization: Bearer <access token>` from the
    /// authorization server ([`crate::oauth`]; expired or unknown: 401). A
    /// deactivated account is refused (401).
    async fn from_request_parts(parts: &mut Parts, sim: &Sim) -> Result<Caller> {
        let header = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok());
        let account = if let Some(p) = header("x-sim-principal") {
            if !p.trim().eq_ignore_ascii_case("app") {
                return Err(JiraError::unauthorized());
            }
            sim.with_world(|w| w.app_account)
        } else if let Some(who) = header("x-sim-account") {
            let who = who.trim().to_owned();
            sim.with_world(|w| w.find_account(&who))
                .ok_or_else(JiraError::unauthorized)?
        } else if let Some(token) = header("authorization").and_then(|a| a.strip_prefix("Bearer "))
        {
            sim.with_oauth(|o| o.bearer(token.trim()))
                .ok_or_else(JiraError::unauthorized)?
        } else if let Some(auth) = header("authorization") {
            let email = auth
                .strip_prefix("Basic ")
                .and_then(|b| {
                    base64::engine::general_purpose::STANDARD
                        .decode(b.trim())
                        .ok()
                })
                .and_then(|b| String::from_utf8(b).ok())
                .and_then(|s| s.split_once(':').map(|(u, _)| u.to_owned()))
                .ok_or_else(JiraError::unauthorized)?;
            sim.with_world(|w| {
                w.index
                    .account_by_email
                    .get(&email.to_ascii_lowercase())
                    .copied()
            })
            .ok_or_else(JiraError::unauthorized)?
        } else {
            return Err(JiraError::unauthorized());
        };
        if sim.with_world(|w| w.is_deactivated(account)) {
            return Err(JiraError::new(
                401,
                "The account is deactivated: it cannot be authenticated or impersonated.",
            ));
        }
        Ok(Caller {
            account,
            base: base_url(parts),
        })
    }
}

/// The query string as decoded pairs, in order (repeated keys kept).
#[derive(Debug, Clone, Default)]
pub(crate) struct Params(Vec<(String, String)>);

impl<S: Send + Sync> FromRequestParts<S> for Params {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        _: &S,
    ) -> std::result::Result<Params, Self::Rejection> {
        Ok(Params::parse(parts.uri.query().unwrap_or("")))
    }
}

impl Params {
    /// Pairs decoded elsewhere (a form body, a JSON object).
    pub(crate) fn from_pairs(pairs: Vec<(String, String)>) -> Params {
        Params(pairs)
    }

    /// Decodes a query string.
    pub(crate) fn parse(query: &str) -> Params {
        Params(
            form_urlencoded::parse(query.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    /// The first value of `key`.
    pub(crate) fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of `key`, each split at commas, trimmed, empty ones dropped.
    pub(crate) fn list(&self, key: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == key)
            .flat_map(|(_, v)| v.split(','))
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect()
    }

    /// Every raw value of `key`.
    pub(crate) fn all(&self, key: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// An integer parameter, or `default` when absent.
    ///
    /// # Errors
    ///
    /// `status` (400 for most routes) when the value is not an integer.
    pub(crate) fn int(&self, key: &str, default: i64, status: u16) -> Result<i64> {
        match self.get(key) {
            None | Some("") => Ok(default),
            Some(v) => v.trim().parse().map_err(|_| {
                JiraError::new(
                    status,
                    format!("The value '{v}' of the parameter '{key}' is not a valid number."),
                )
            }),
        }
    }

    /// An optional integer parameter.
    ///
    /// # Errors
    ///
    /// 400 when the value is not an integer.
    pub(crate) fn opt_int(&self, key: &str) -> Result<Option<i64>> {
        match self.get(key) {
            None | Some("") => Ok(None),
            Some(_) => self.int(key, 0, 400).map(Some),
        }
    }

    /// A boolean parameter.
    ///
    /// # Errors
    ///
    /// 400 when the value is neither `true` nor `false`.
    pub(crate) fn bool(&self, key: &str, default: bool) -> Result<bool> {
        match self.get(key).map(str::to_ascii_lowercase).as_deref() {
            None | Some("") => Ok(default),
            Some("true") => Ok(true),
            Some("false") => Ok(false),
            Some(v) => Err(JiraError::bad_request(format!(
                "The value '{v}' of the parameter '{key}' is not a valid boolean."
            ))),
        }
    }

    /// Whether `expand` lists `what`.
    pub(crate) fn expands(&self, what: &str) -> bool {
        self.list("expand").contains(&what)
    }

    /// This query with `key` set to `value` (for `nextPage` links).
    pub(crate) fn with(&self, key: &str, value: &str) -> String {
        let mut s = form_urlencoded::Serializer::new(String::new());
        let mut replaced = false;
        for (k, v) in &self.0 {
            if k == key {
                if !replaced {
                    s.append_pair(k, value);
                    replaced = true;
                }
            } else {
                s.append_pair(k, v);
            }
        }
        if !replaced {
            s.append_pair(key, value);
        }
        s.finish()
    }

    /// The query string again.
    pub(crate) fn query(&self) -> String {
        let mut s = form_urlencoded::Serializer::new(String::new());
        for (k, v) in &self.0 {
            s.append_pair(k, v);
        }
        s.finish()
    }
}

/// Parses a JSON request body.
///
/// # Errors
///
/// 400 with the parser's message when the body is empty or not JSON.
pub(crate) fn parse_body(body: &[u8]) -> Result<Value> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(JiraError::bad_request(
            "No content to map due to end-of-input",
        ));
    }
    serde_json::from_slice(body).map_err(|e| {
        JiraError::bad_request(format!("Unexpected character in the request body: {e}"))
    })
}

/// Pagination arguments checked as Jira does: `startAt` ≥ 0, `maxResults` ≥ 0
/// capped at `cap`.
///
/// # Errors
///
/// `status` for malformed numbers, 400 for negative ones.
pub(crate) fn paging(
    q: &Params,
    default_max: i64,
    cap: i64,
    status: u16,
) -> Result<(usize, usize)> {
    let start = q.int("startAt", 0, status)?;
    let max = q.int("maxResults", default_max, status)?;
    if start < 0 || max < 0 {
        return Err(JiraError::bad_request(
            "The 'startAt' and 'maxResults' parameters must not be negative.",
        ));
    }
    Ok((start as usize, max.min(cap) as usize))
}
