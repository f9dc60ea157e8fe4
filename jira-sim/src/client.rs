//! The simulator called in-process, without a socket: for synchronous tests
//! (such as a component's fake host) that want the real Jira routes, their
//! permissions and their faults, one request at a time.

use axum::body::Body;
use axum::http::{Method, Request};
use axum::Router;
use tower::ServiceExt;

use crate::state::Sim;

/// Who a request runs as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caller<'a> {
    /// The app itself (`X-Sim-Principal: app`).
    App,
    /// A person, by account id or alias (`X-Sim-Account`).
    Account(&'a str),
}

/// A response as received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// The HTTP status.
    pub status: u16,
    /// Headers, names in lower case.
    pub headers: Vec<(String, String)>,
    /// The body, as text.
    pub body: String,
}

/// Sends requests to a [`Sim`]'s router on a private single-threaded runtime.
pub struct InProcess {
    runtime: tokio::runtime::Runtime,
    router: Router,
}

impl std::fmt::Debug for InProcess {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InProcess").finish_non_exhaustive()
    }
}

impl InProcess {
    /// A client of `sim`.
    ///
    /// # Errors
    ///
    /// When the runtime cannot be built.
    pub fn new(sim: &Sim) -> std::io::Result<InProcess> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()?;
        Ok(InProcess {
            runtime,
            router: sim.router(),
        })
    }

    /// Sends one request (`path` with its query, starting with `/`) and waits for
    /// the answer. Must not be called from inside a tokio runtime.
    pub fn send(&self, caller: Caller<'_>, method: &str, path: &str, body: Option<&str>) -> Reply {
        let mut request = Request::builder()
            .method(Method::from_bytes(method.as_bytes()).unwrap_or(Method::GET))
            .uri(path)
            .header("host", "sim.local");
        request = match caller {
            Caller::App => request.header("x-sim-principal", "app"),
            Caller::Account(who) => request.header("x-sim-account", who),
        };
        if body.is_some() {
            request = request.header("content-type", "application/json");
        }
        let request = match request.body(Body::from(body.unwrap_or("").to_owned())) {
            Ok(request) => request,
            Err(err) => {
                return Reply {
                    status: 400,
                    headers: Vec::new(),
                    body: format!("{{\"errorMessages\":[\"bad request: {err}\"]}}"),
                }
            }
        };
        let router = self.router.clone();
        self.runtime.block_on(async move {
            let response = match router.oneshot(request).await {
                Ok(response) => response,
                Err(never) => match never {},
            };
            let status = response.status().as_u16();
            let headers = response
                .headers()
                .iter()
                .map(|(k, v)| {
                    (
                        k.as_str().to_ascii_lowercase(),
                        v.to_str().unwrap_or("").to_owned(),
                    )
                })
                .collect();
            let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
                .await
                .unwrap_or_default();
            Reply {
                status,
                headers,
                body: String::from_utf8_lossy(&bytes).into_owned(),
            }
        })
    }
}
