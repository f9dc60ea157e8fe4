//! Shared test helpers: the demo site, in-process clients for the simulator's
//! router (async [`Client`] with typed answers, and the crate's own synchronous
//! `InProcess` through [`send_json`]), worklog requests, and an OpenAPI
//! response validator.
#![allow(dead_code)]

pub mod spec;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use jira_sim::{Caller, InProcess, Sim, World};
use serde_json::Value;
use tower::ServiceExt;

/// The `Host` every test request sends; `self` links must use it.
pub const HOST: &str = "sim.test:8080";

/// 2026-11-24T12:00:00Z, the tests' "now": the demo data ends the day before.
pub const NOW_MS: i64 = 1_795_521_600_000;

/// An answer: status, `Retry-After`, raw body and the body as JSON (`Null` when
/// empty or not JSON).
#[derive(Debug, Clone)]
pub struct Resp {
    pub status: u16,
    pub retry_after: Option<String>,
    pub content_type: Option<String>,
    pub raw: Vec<u8>,
    pub json: Value,
}

impl Resp {
    /// The id of a created or updated thing (a worklog), after checking the
    /// status is 200 or 201.
    pub fn id(&self) -> String {
        assert!(
            self.status == 201 || self.status == 200,
            "{} {}",
            self.status,
            self.error_text()
        );
        self.json["id"].as_str().expect("id").to_owned()
    }

    /// The body's `errorMessages` and `errors` values, joined, for assertions.
    pub fn error_text(&self) -> String {
        format!("{} {}", self.json["errorMessages"], self.json["errors"])
    }
}

/// The demo site (seed 1), its clock frozen at [`NOW_MS`].
pub fn demo_sim() -> Sim {
    let mut world = World::demo(1);
    world.set_time(NOW_MS);
    Sim::new(world)
}

/// A request through the crate's synchronous in-process client; returns the
/// status and the body as JSON (`Null` when empty or not JSON).
pub fn send_json(
    client: &InProcess,
    caller: Caller<'_>,
    method: &str,
    path: &str,
    body: Option<&str>,
) -> (u16, Value) {
    let reply = client.send(caller, method, path, body);
    (
        reply.status,
        serde_json::from_str(&reply.body).unwrap_or(Value::Null),
    )
}

/// Who calls.
#[derive(Debug, Clone, Copy)]
pub enum Who<'a> {
    /// `X-Sim-Account: <alias or id>`.
    User(&'a str),
    /// `X-Sim-Principal: app`.
    App,
    /// No credentials.
    Anonymous,
    /// HTTP Basic with this user name.
    Basic(&'a str),
}

/// A client calling the router in process.
#[derive(Clone)]
pub struct Client {
    pub sim: Sim,
    router: Router,
}

impl Client {
    /// A client for a fresh demo site (seed 1), its clock frozen at [`NOW_MS`].
    pub fn demo() -> Client {
        Client::new(demo_sim())
    }

    /// A client for `sim`.
    pub fn new(sim: Sim) -> Client {
        let router = sim.router();
        Client { sim, router }
    }

    /// Sends a request; `body` is sent as JSON text.
    pub async fn call(&self, method: &str, uri: &str, who: Who<'_>, body: Option<&str>) -> Resp {
        let mut req = Request::builder()
            .method(method)
            .uri(uri)
            .header("host", HOST);
        req = match who {
            Who::User(a) => req.header("x-sim-account", a),
            Who::App => req.header("x-sim-principal", "app"),
            Who::Anonymous => req,
            Who::Basic(user) => {
                use base64::Engine;
                let token =
                    base64::engine::general_purpose::STANDARD.encode(format!("{user}:secret"));
                req.header("authorization", format!("Basic {token}"))
            }
        };
        if body.is_some() {
            req = req.header("content-type", "application/json");
        }
        let req = req
            .body(body.map_or_else(Body::empty, |b| Body::from(b.to_owned())))
            .expect("request");
        let res = self.router.clone().oneshot(req).await.expect("infallible");
        let status: StatusCode = res.status();
        let header = |name: &str| {
            res.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let retry_after = header("retry-after");
        let content_type = header("content-type");
        let raw = axum::body::to_bytes(res.into_body(), usize::MAX)
            .await
            .expect("body")
            .to_vec();
        let json = serde_json::from_slice(&raw).unwrap_or(Value::Null);
        Resp {
            status: status.as_u16(),
            retry_after,
            content_type,
            raw,
            json,
        }
    }

    /// `GET` as a user.
    pub async fn get(&self, uri: &str, who: &str) -> Resp {
        self.call("GET", uri, Who::User(who), None).await
    }

    /// `POST` a JSON body as a user.
    pub async fn post(&self, uri: &str, who: &str, body: &str) -> Resp {
        self.call("POST", uri, Who::User(who), Some(body)).await
    }

    /// `PUT` a JSON body as a user.
    pub async fn put(&self, uri: &str, who: &str, body: &str) -> Resp {
        self.call("PUT", uri, Who::User(who), Some(body)).await
    }

    /// `DELETE` as a user.
    pub async fn delete(&self, uri: &str, who: &str) -> Resp {
        self.call("DELETE", uri, Who::User(who), None).await
    }

    /// `POST /rest/api/3/issue/{issue}/worklog{query}` with `body` as `who`.
    pub async fn post_worklog(&self, issue: &str, query: &str, who: &str, body: &Value) -> Resp {
        self.post(
            &format!("/rest/api/3/issue/{issue}/worklog{query}"),
            who,
            &body.to_string(),
        )
        .await
    }

    /// Logs `seconds` on `issue` as `who` and returns the new worklog's id.
    pub async fn log(&self, issue: &str, who: &str, seconds: u32, extra: &str) -> String {
        let body = format!(
            r#"{{"started":"2026-11-20T09:00:00.000+0000","timeSpentSeconds":{seconds}{extra}}}"#
        );
        let body: Value = serde_json::from_str(&body).expect("a worklog body");
        let r = self
            .post_worklog(issue, "?adjustEstimate=leave", who, &body)
            .await;
        assert_eq!(r.status, 201, "log on {issue} as {who}: {}", r.error_text());
        r.id()
    }

    /// The issue's time tracking numbers: (spent, remaining, original), in seconds.
    pub async fn times(&self, issue: &str) -> (Option<i64>, Option<i64>, Option<i64>) {
        let r = self
            .call(
                "GET",
                &format!(
                    "/rest/api/3/issue/{issue}?fields=timespent,timeestimate,timeoriginalestimate"
                ),
                Who::App,
                None,
            )
            .await;
        assert_eq!(r.status, 200);
        let f = &r.json["fields"];
        (
            f["timespent"].as_i64(),
            f["timeestimate"].as_i64(),
            f["timeoriginalestimate"].as_i64(),
        )
    }
}
