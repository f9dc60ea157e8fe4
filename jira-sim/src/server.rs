//! The simulator as a service: shared state, fault injection, request counts,
//! the router and a server on the current tokio runtime.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde_json::{json, Value};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::api::{self, control, privacy};
use crate::error::JiraError;
use crate::world::World;

/// A fault to inject: the next `count` requests whose path starts with `path` are
/// delayed by `delay_ms`, then answered with `status` (and Jira's error body, and
/// `Retry-After: retry_after` if set) instead of normally, if `status` is set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    /// Path prefix, such as `/rest/api/3/issue/`.
    pub path: String,
    /// Status to answer with; `None` to only delay.
    pub status: Option<u16>,
    /// Seconds for the `Retry-After` header.
    pub retry_after: Option<u64>,
    /// How many requests it applies to.
    pub count: u32,
    /// Delay before answering, milliseconds.
    pub delay_ms: u64,
}

impl Fault {
    /// Answer the next request under `path` with `status`.
    pub fn status(path: impl Into<String>, status: u16) -> Fault {
        Fault {
            path: path.into(),
            status: Some(status),
            retry_after: None,
            count: 1,
            delay_ms: 0,
        }
    }

    /// Delay the next request under `path` by `ms` milliseconds.
    pub fn delay(path: impl Into<String>, ms: u64) -> Fault {
        Fault {
            path: path.into(),
            status: None,
            retry_after: None,
            count: 1,
            delay_ms: ms,
        }
    }

    /// Apply to the next `count` matching requests instead of one.
    pub fn times(mut self, count: u32) -> Fault {
        self.count = count;
        self
    }

    /// Send `Retry-After: seconds`.
    pub fn retry_after(mut self, seconds: u64) -> Fault {
        self.retry_after = Some(seconds);
        self
    }
}

/// Request counters.
#[derive(Debug, Default)]
struct Stats {
    routes: BTreeMap<String, u64>,
    total: u64,
    faulted: u64,
}

struct Inner {
    world: Mutex<World>,
    faults: Mutex<Vec<Fault>>,
    stats: Mutex<Stats>,
}

/// A running simulated site: the [`World`] behind a mutex, plus fault
/// injection and request counts. Cheap to clone; clones share the state.
#[derive(Clone)]
pub struct Sim {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Sim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sim").finish_non_exhaustive()
    }
}

/// Locks a mutex; a panic elsewhere cannot leave these structures half-updated
/// in a way that matters to a simulator, so poisoning is ignored.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Sim {
    /// A simulator serving `world`.
    pub fn new(world: World) -> Sim {
        Sim {
            inner: Arc::new(Inner {
                world: Mutex::new(world),
                faults: Mutex::new(Vec::new()),
                stats: Mutex::new(Stats::default()),
            }),
        }
    }

    /// Runs `f` with the world locked. Keep `f` short: every request waits for it.
    pub fn with_world<R>(&self, f: impl FnOnce(&mut World) -> R) -> R {
        f(&mut lock(&self.inner.world))
    }

    /// Queues a fault (see [`Fault`]).
    pub fn inject(&self, fault: Fault) {
        if fault.count > 0 {
            lock(&self.inner.faults).push(fault);
        }
    }

    /// Drops every pending fault.
    pub fn clear_faults(&self) {
        lock(&self.inner.faults).clear();
    }

    /// The pending faults.
    pub fn faults(&self) -> Vec<Fault> {
        lock(&self.inner.faults).clone()
    }

    /// Requests served per route, such as `"GET /rest/api/3/issue/{issueIdOrKey}"`
    /// (`"GET (unmatched)"` for unknown paths). `/sim/` routes are not counted.
    pub fn stats(&self) -> BTreeMap<String, u64> {
        lock(&self.inner.stats).routes.clone()
    }

    /// Resets the request counters.
    pub fn reset_stats(&self) {
        *lock(&self.inner.stats) = Stats::default();
    }

    pub(crate) fn stats_json(&self) -> Value {
        let s = lock(&self.inner.stats);
        json!({ "routes": s.routes, "total": s.total, "faulted": s.faulted })
    }

    /// Takes one use of the first pending fault matching `path`.
    fn take_fault(&self, path: &str) -> Option<Fault> {
        let mut faults = lock(&self.inner.faults);
        let i = faults.iter().position(|f| path.starts_with(&f.path))?;
        let fault = faults[i].clone();
        faults[i].count -= 1;
        if faults[i].count == 0 {
            faults.remove(i);
        }
        Some(fault)
    }

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
            .route("/sim/avatar/{name}", get(control::avatar))
            .route("/sim/accounts/{who}", post(privacy::set_account))
            // Atlassian's app API for personal data reporting (not Jira's).
            .route("/app/report-accounts", post(privacy::report))
            .route("/app/report-accounts/", post(privacy::report))
            .fallback(api::not_found)
            .layer(middleware::from_fn_with_state(
                self.clone(),
                count_and_fault,
            ))
            .with_state(self.clone())
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
    {
        let mut stats = lock(&sim.inner.stats);
        *stats.routes.entry(key).or_default() += 1;
        stats.total += 1;
        if fault.as_ref().is_some_and(|f| f.status.is_some()) {
            stats.faulted += 1;
        }
    }
    let Some(fault) = fault else {
        return jira_error_body(next.run(req).await).await;
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
