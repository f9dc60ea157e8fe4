//! The simulator as a service: the router over a [`Sim`], the middleware that
//! counts requests and applies faults, and a server on the current tokio runtime.

use std::net::SocketAddr;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::api::{self, control, privacy};
use crate::error::JiraError;
use crate::limits::{self, Ask};
use crate::oauth;
use crate::state::Sim;

impl Sim {
    /// The HTTP service: Jira's routes (see [`jira_routes`]), the `/sim/` control
    /// routes, and Jira's 404 body for anything else.
    pub fn router(&self) -> Router {
        let mut router = Router::new();
        for (_, path, handler) in api::routes() {
            router = router.route(path, handler);
        }
        router
            .route("/sim/demo", get(control::demo))
            .route(
                "/sim/faults",
                get(control::list_faults)
                    .post(control::add_fault)
                    .delete(control::clear_faults),
            )
            .route(
                "/sim/stats",
                get(control::stats).delete(control::reset_stats),
            )
            .route(
                "/sim/clock",
                get(control::get_clock).post(control::set_clock),
            )
            .route(
                "/sim/ratelimits",
                get(control::get_rate_limits)
                    .post(control::set_rate_limits)
                    .delete(control::clear_rate_limits),
            )
            .route("/sim/avatar/{name}", get(control::avatar))
            .route("/sim/accounts/{who}", post(privacy::set_account))
            .route("/sim/projects/{key}/browse", post(control::set_browse))
            .route("/sim/issues/{key}/security", post(control::set_security))
            // Atlassian's app API for personal data reporting (not Jira's).
            .route("/app/report-accounts", post(privacy::report))
            .route("/app/report-accounts/", post(privacy::report))
            .fallback(api::not_found)
            .layer(middleware::from_fn_with_state(
                self.clone(),
                count_and_fault,
            ))
            .with_state(self.clone())
            // The authorization server (not Jira's REST API): HTML pages and
            // OAuth's own JSON errors, outside the counting and Jira's bodies.
            .merge(
                Router::new()
                    .route(
                        "/authorize",
                        get(oauth::authorize_page).post(oauth::authorize_consent),
                    )
                    .route("/oauth/token", post(oauth::token))
                    .route(
                        "/oauth/token/accessible-resources",
                        get(oauth::accessible_resources),
                    )
                    .with_state(self.clone()),
            )
    }
}

/// The Jira routes the simulator serves, as `(method, path)` with OpenAPI-style
/// `{parameters}`.
pub fn jira_routes() -> Vec<(&'static str, &'static str)> {
    api::routes().into_iter().map(|(m, p, _)| (m, p)).collect()
}

/// Middleware: counts Jira requests per route and applies pending faults.
async fn count_and_fault(State(sim): State<Sim>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    if path.starts_with("/sim/") {
        return next.run(req).await;
    }
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or("(unmatched)", MatchedPath::as_str);
    let key = format!("{} {route}", req.method());
    let fault = sim.take_fault(&path);
    sim.count_request(
        key.clone(),
        fault.as_ref().is_some_and(|f| f.status.is_some()),
    );
    let Some(fault) = fault else {
        // Jira's rate limits are Jira's: Atlassian's APIs for apps (`/app/`) are not under them.
        if path.starts_with("/app/") {
            return jira_error_body(next.run(req).await).await;
        }
        return limited(&sim, &key, &path, req, next).await;
    };
    if fault.delay_ms > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(fault.delay_ms)).await;
    }
    let Some(status) = fault.status else {
        return jira_error_body(next.run(req).await).await;
    };
    let code = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let message = match status {
        429 => "Rate limit exceeded.".to_owned(),
        _ => code.canonical_reason().unwrap_or("Error").to_owned(),
    };
    let mut res = JiraError::new(status, message).into_response();
    *res.status_mut() = code;
    if let Some(secs) = fault.retry_after {
        if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
            res.headers_mut().insert(header::RETRY_AFTER, v);
        }
    }
    res
}

/// The `POST`s that only read.
const READING_POSTS: [&str; 3] = [
    "/rest/api/3/worklog/list",
    "/rest/api/3/search/jql",
    "/rest/api/3/permissions/check",
];

/// Answers a Jira request under the rate limits, if any ([`crate::limits`]):
/// refused with Jira's 429 and headers, or answered and charged, with the
/// quota's headers.
async fn limited(sim: &Sim, key: &str, path: &str, req: Request, next: Next) -> Response {
    let (method, route) = key.split_once(' ').unwrap_or(("GET", key));
    let write = method != "GET" && !READING_POSTS.contains(&route);
    let issue = route
        .starts_with("/rest/api/3/issue/{issueIdOrKey}")
        .then(|| path.split('/').nth(5))
        .flatten();
    let ask = Ask {
        route: key,
        write,
        issue,
    };
    match sim.limit_admit(ask) {
        None => return jira_error_body(next.run(req).await).await,
        Some(Err((refusal, now))) => {
            let mut res = JiraError::new(429, "Rate limit exceeded.").into_response();
            let headers = res.headers_mut();
            let mut set = |name: &'static str, value: String| {
                if let Ok(v) = HeaderValue::from_str(&value) {
                    headers.insert(name, v);
                }
            };
            set("retry-after", refusal.retry_after(now).to_string());
            set("x-ratelimit-reset", limits::reset_header(refusal.until_ms));
            set("ratelimit-reason", refusal.reason.to_owned());
            for (name, value) in sim.limit_quota_headers() {
                set(name, value);
            }
            return res;
        }
        Some(Ok(())) => {}
    }
    let res = jira_error_body(next.run(req).await).await;
    let ok = res.status().is_success();
    let (res, objects) = if ok && !write {
        let (parts, body) = res.into_parts();
        let bytes = axum::body::to_bytes(body, usize::MAX)
            .await
            .unwrap_or_default();
        let objects = limits::objects_in(&bytes);
        (
            Response::from_parts(parts, axum::body::Body::from(bytes)),
            objects,
        )
    } else {
        (res, 0)
    };
    let mut res = res;
    let headers = res.headers_mut();
    for (name, value) in sim.limit_charge(write, objects) {
        if let Ok(v) = HeaderValue::from_str(&value) {
            headers.insert(name, v);
        }
    }
    res
}

/// Gives error answers that are not JSON (axum's own rejections: a path that is
/// not UTF-8, a body over the size limit, a method a route does not serve) Jira's
/// error body, keeping their status and text.
async fn jira_error_body(res: Response) -> Response {
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if res.status().as_u16() < 400 || is_json {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let text = axum::body::to_bytes(body, 64 * 1024)
        .await
        .map(|b| String::from_utf8_lossy(&b).trim().to_owned())
        .unwrap_or_default();
    let text = if text.is_empty() {
        parts
            .status
            .canonical_reason()
            .unwrap_or("Error")
            .to_owned()
    } else {
        text
    };
    let json = JiraError::new(parts.status.as_u16(), text).into_response();
    let (json_parts, json_body) = json.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    for name in [header::CONTENT_TYPE] {
        if let Some(v) = json_parts.headers.get(&name) {
            parts.headers.insert(name, v.clone());
        }
    }
    Response::from_parts(parts, json_body)
}

/// A simulator served over HTTP; stops when dropped or on [`SimHandle::shutdown`].
#[derive(Debug)]
pub struct SimHandle {
    /// `http://127.0.0.1:PORT`.
    pub base_url: String,
    /// The address the server listens on.
    pub addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

impl SimHandle {
    /// Stops the server and waits until it has finished.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for SimHandle {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Serves `sim` on `addr` (port 0 picks a free port) on the current tokio
/// runtime.
///
/// # Errors
///
/// When the address cannot be bound.
pub async fn spawn(sim: Sim, addr: SocketAddr) -> std::io::Result<SimHandle> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    let (stop, stopped) = oneshot::channel::<()>();
    let app = sim.router();
    let task = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await
    });
    let host = if local.ip().is_unspecified() {
        SocketAddr::new([127, 0, 0, 1].into(), local.port())
    } else {
        local
    };
    Ok(SimHandle {
        base_url: format!("http://{host}"),
        addr: local,
        stop: Some(stop),
        task: Some(task),
    })
}
