//! The runtime's guarantees, against the real component: traps are caught and
//! never poison the next task, Forge's limits are enforced, migrations apply once,
//! effects are performed as the protocol says, and the HTTP API keeps its shapes.
//!
//! These tests name no operation: they take the component's own list.

use crate::common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use worklogs_host::protocol::{
    Answer, Context, Effect, EntryPoint, ErrorCode, JiraRequest, Outcome, Principal, Request,
    SqlEngine, SqlStatement, Value,
};
use worklogs_host::{Effects, Host, Jira, Limits, Performer, Sqlite};

/// A name no component will ever use for an operation.
const UNKNOWN: &str = "no-such-operation";

fn context(account: Option<&str>) -> Context {
    Context {
        installation: "test".into(),
        account_id: account.map(str::to_owned),
        time_zone: "UTC".into(),
        locale: "en-US".into(),
        now_ms: 1_795_521_600_000,
        entry_point: if account.is_some() {
            EntryPoint::Person
        } else {
            EntryPoint::Job
        },
        sql_engine: SqlEngine::Sqlite,
    }
}

/// Answers every effect with `upstream`, after `delay`.
struct Unavailable {
    delay: Duration,
}

impl Performer for Unavailable {
    async fn perform(&self, _ctx: &Context, requests: Vec<Request>) -> Vec<Answer> {
        tokio::time::sleep(self.delay).await;
        requests
            .iter()
            .map(|request| {
                request.fail(worklogs_host::TaskError::upstream(
                    "unavailable in this test",
                ))
            })
            .collect()
    }
}

const NO_DELAY: Unavailable = Unavailable {
    delay: Duration::ZERO,
};

#[tokio::test]
async fn an_unknown_operation_is_invalid_input() {
    let runtime = common::runtime();
    let err = runtime
        .run(&context(Some("someone")), UNKNOWN, "{}", &NO_DELAY)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput, "{err}");
}

#[tokio::test]
async fn a_trap_is_internal_and_the_next_task_runs_on_a_fresh_instance() {
    // An input larger than the instance's memory: copying it in traps.
    let runtime = common::runtime_with(Limits {
        memory_bytes: 16 << 20,
        invoke_payload_bytes: 64 << 20,
        ..Limits::default()
    });
    let operations = runtime.operations().await.expect("the operations");
    let huge = format!("\"{}\"", "x".repeat(24 << 20));
    let err = runtime
        .run(&context(Some("someone")), &operations[0], &huge, &NO_DELAY)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Internal, "{err}");
    assert!(err.message.starts_with("the component trapped"), "{err}");

    for _ in 0..2 {
        let err = runtime
            .run(&context(Some("someone")), UNKNOWN, "{}", &NO_DELAY)
            .await
            .unwrap_err();
        assert_eq!(
            err.code,
            ErrorCode::InvalidInput,
            "a fresh instance answers: {err}"
        );
    }
}

#[tokio::test]
async fn the_payload_limit_applies_to_the_input() {
    let runtime = common::runtime_with(Limits {
        invoke_payload_bytes: 1000,
        ..Limits::default()
    });
    let input = format!("\"{}\"", "x".repeat(1000));
    let err = runtime
        .run(&context(None), UNKNOWN, &input, &NO_DELAY)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Limit, "{err}");
    assert!(
        err.message.contains("invoke payload limit of 1000 bytes"),
        "{err}"
    );
}

#[tokio::test]
async fn a_spent_budget_is_limit() {
    let runtime = common::runtime_with(Limits {
        invocation_budget: Duration::ZERO,
        ..Limits::default()
    });
    let err = runtime
        .run(&context(None), UNKNOWN, "{}", &NO_DELAY)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Limit, "{err}");
    assert!(err.message.contains("invocation budget of 0 ms"), "{err}");
}

/// Every operation, whatever it does, ends within the budget: effects slower
/// than the budget, or a computation that runs too long, end it with `limit`.
#[tokio::test]
async fn no_operation_outlives_the_invocation_budget() {
    let budget = Duration::from_millis(300);
    let runtime = common::runtime_with(Limits {
        invocation_budget: budget,
        ..Limits::default()
    });
    let slow = Unavailable { delay: budget * 4 };
    let mut limited = Vec::new();
    for operation in runtime.operations().await.expect("the operations") {
        let started = Instant::now();
        let result = runtime
            .run(&context(Some("someone")), &operation, "{}", &slow)
            .await;
        let took = started.elapsed();
        assert!(took < budget * 2, "{operation} took {took:?}");
        if let Err(err) = result {
            if err.code == ErrorCode::Limit {
                assert!(err.message.contains("invocation budget of 300 ms"), "{err}");
                limited.push(operation);
            }
        }
    }
    assert!(
        !limited.is_empty(),
        "no operation waited for an effect with an empty input"
    );
}

/// A host's SQL and Jira performer on a temporary database and a Jira URL where
/// nothing listens.
fn new_effects(limits: &Limits) -> (Effects, tempfile::TempDir) {
    let data = tempfile::tempdir().unwrap();
    let database = Arc::new(Sqlite::open(data.path(), limits).unwrap());
    let jira = Jira::simulator("http://127.0.0.1:9", limits).unwrap();
    (Effects::new(database, jira, limits.clone()), data)
}

fn sql(id: u32, sql: &str, params: Vec<Value>) -> Request {
    Request {
        id,
        effect: Effect::Sql(SqlStatement {
            sql: sql.into(),
            params,
        }),
    }
}

fn jira(id: u32, path: &str) -> Request {
    Request {
        id,
        effect: Effect::Jira(JiraRequest {
            principal: Principal::App,
            method: "GET".into(),
            path: path.into(),
            body: None,
        }),
    }
}

/// Performs `requests` and returns the SQL outcomes by id.
async fn perform(effects: &Effects, requests: Vec<Request>) -> Vec<Answer> {
    let mut answers = effects.perform(&context(None), requests).await;
    answers.sort_by_key(|a| a.id);
    answers
}

fn code(answer: &Answer) -> Option<ErrorCode> {
    match &answer.outcome {
        Outcome::Sql(Err(err)) | Outcome::Jira(Err(err)) => Some(err.code),
        _ => None,
    }
}

fn message(answer: &Answer) -> String {
    match &answer.outcome {
        Outcome::Sql(Err(err)) | Outcome::Jira(Err(err)) => err.message.clone(),
        other => format!("{other:?}"),
    }
}

#[tokio::test]
async fn sql_statements_of_a_batch_run_in_order() {
    let (effects, _data) = new_effects(&Limits::default());
    let answers = perform(
        &effects,
        vec![
            sql(1, "CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)", vec![]),
            sql(
                2,
                "INSERT INTO t (k, v) VALUES (?, ?), (?, ?)",
                vec![
                    Value::Int(1),
                    Value::Text("one".into()),
                    Value::Int(2),
                    Value::Null,
                ],
            ),
            sql(3, "SELECT k, v FROM t ORDER BY k", vec![]),
        ],
    )
    .await;
    let Outcome::Sql(Ok(inserted)) = &answers[1].outcome else {
        panic!("{:?}", answers[1]);
    };
    assert_eq!(inserted.rows_affected, 2);
    let Outcome::Sql(Ok(rows)) = &answers[2].outcome else {
        panic!("{:?}", answers[2]);
    };
    assert_eq!(rows.columns, ["k", "v"]);
    assert_eq!(rows.rows.len(), 2);
    assert!(matches!(&rows.rows[0][..], [Value::Int(1), Value::Text(t)] if t == "one"));
    assert!(matches!(&rows.rows[1][..], [Value::Int(2), Value::Null]));
}

#[tokio::test]
async fn an_sql_response_over_the_limit_is_limit() {
    let (effects, _data) = new_effects(&Limits::default());
    let answers = perform(
        &effects,
        vec![
            sql(1, "SELECT zeroblob(?)", vec![Value::Int(4 << 20)]),
            sql(2, "SELECT zeroblob(?)", vec![Value::Int((4 << 20) + 1)]),
        ],
    )
    .await;
    assert_eq!(code(&answers[0]), None, "{}", message(&answers[0]));
    assert_eq!(code(&answers[1]), Some(ErrorCode::Limit));
    assert!(
        message(&answers[1]).contains("response limit of 4 MiB"),
        "{}",
        message(&answers[1])
    );

    // Many small rows count as much as one large cell.
    let (effects, _data) = new_effects(&Limits {
        sql_response_bytes: 1000,
        ..Limits::default()
    });
    let many = "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c LIMIT 200) \
                SELECT n, 'abcdefgh' FROM c";
    let answers = perform(&effects, vec![sql(1, many, vec![])]).await;
    assert_eq!(
        code(&answers[0]),
        Some(ErrorCode::Limit),
        "{}",
        message(&answers[0])
    );
}

#[tokio::test]
async fn an_sql_request_over_the_limit_is_limit() {
    let (effects, _data) = new_effects(&Limits::default());
    let big = Value::Text("x".repeat(1 << 20));
    let answers = perform(&effects, vec![sql(1, "SELECT length(?)", vec![big])]).await;
    assert_eq!(code(&answers[0]), Some(ErrorCode::Limit));
    assert!(
        message(&answers[0]).contains("request limit of 1 MiB"),
        "{}",
        message(&answers[0])
    );
}

#[tokio::test]
async fn several_statements_in_one_effect_are_internal() {
    let (effects, _data) = new_effects(&Limits::default());
    let answers = perform(
        &effects,
        vec![
            sql(1, "CREATE TABLE t (k INTEGER); DROP TABLE t", vec![]),
            sql(2, "SELECT ';' AS semicolon;", vec![]),
        ],
    )
    .await;
    assert_eq!(code(&answers[0]), Some(ErrorCode::Internal));
    assert!(message(&answers[0]).contains("more than one statement"));
    assert_eq!(code(&answers[1]), None, "{}", message(&answers[1]));
}

#[tokio::test]
async fn sql_failures_are_classified() {
    let (effects, _data) = new_effects(&Limits::default());
    let answers = perform(
        &effects,
        vec![
            sql(1, "CREATE TABLE t (k INTEGER PRIMARY KEY)", vec![]),
            sql(2, "INSERT INTO t (k) VALUES (1)", vec![]),
            sql(3, "INSERT INTO t (k) VALUES (1)", vec![]),
            sql(4, "SELEC nonsense", vec![]),
        ],
    )
    .await;
    assert_eq!(
        code(&answers[2]),
        Some(ErrorCode::Conflict),
        "{}",
        message(&answers[2])
    );
    assert_eq!(
        code(&answers[3]),
        Some(ErrorCode::Internal),
        "{}",
        message(&answers[3])
    );
}

#[tokio::test]
async fn a_long_statement_is_stopped() {
    let (effects, _data) = new_effects(&Limits {
        sql_select_timeout: Duration::from_millis(100),
        ..Limits::default()
    });
    let endless = "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c) \
                   SELECT count(*) FROM c";
    let started = Instant::now();
    let answers = perform(&effects, vec![sql(1, endless, vec![])]).await;
    assert_eq!(
        code(&answers[0]),
        Some(ErrorCode::Limit),
        "{}",
        message(&answers[0])
    );
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn jira_paths_outside_rest_are_internal_and_failures_upstream() {
    let (effects, _data) = new_effects(&Limits::default());
    let answers = perform(
        &effects,
        vec![jira(1, "/sim/faults"), jira(2, "/rest/anything/1?x=1")],
    )
    .await;
    assert_eq!(
        code(&answers[0]),
        Some(ErrorCode::Internal),
        "{}",
        message(&answers[0])
    );
    assert_eq!(
        code(&answers[1]),
        Some(ErrorCode::Upstream),
        "{}",
        message(&answers[1])
    );
    assert!(
        message(&answers[1]).contains("/rest/anything/1"),
        "{}",
        message(&answers[1])
    );
}

#[tokio::test]
async fn migrations_apply_once_each_across_restarts() {
    let limits = Limits::default();
    let data = tempfile::tempdir().unwrap();
    let migrations = common::runtime().migrations().await.unwrap();
    assert!(!migrations.is_empty());
    let start = || async {
        let database = Arc::new(Sqlite::open(data.path(), &limits).unwrap());
        let jira = Jira::simulator("http://127.0.0.1:9", &limits).unwrap();
        let effects = Effects::new(database, jira, limits.clone());
        Host::start(common::runtime_with(limits.clone()), effects, "test")
            .await
            .unwrap()
    };
    let count = |host: Host| async move {
        let request = sql(
            1,
            "SELECT name FROM _migrations WHERE installation = 'test' ORDER BY applied_ms",
            vec![],
        );
        let answers = host.effects().perform(&context(None), vec![request]).await;
        let Outcome::Sql(Ok(rows)) = &answers[0].outcome else {
            panic!("{answers:?}");
        };
        rows.rows.len()
    };

    let host = start().await;
    assert_eq!(count(host).await, migrations.len());
    let host = start().await;
    assert_eq!(host.migrate().await.unwrap(), Vec::<String>::new());
    assert_eq!(count(host).await, migrations.len());
}

mod http {
    //! The HTTP API, on the in-process simulator.

    use super::*;
    use worklogs_host::server;

    const TOKEN: &str = "0123456789abcdef0123456789abcdef";

    struct Server {
        url: String,
        port: u16,
        client: reqwest::Client,
        _stop: tokio::sync::oneshot::Sender<()>,
        _data: tempfile::TempDir,
    }

    async fn start() -> Server {
        let (app, data) = common::demo_app(common::runtime_with(Limits::default())).await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let url = format!("http://127.0.0.1:{port}");
        let ui = data.path().join("no-ui");
        let guard = server::Guard::with_token(port, TOKEN.to_owned());
        let router = server::router(
            Arc::new(app),
            guard,
            ui,
            server::placeholder_page("curl ..."),
        );
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(server::serve(listener, router, async {
            let _ = stopped.await;
        }));
        Server {
            url,
            port,
            client: reqwest::Client::new(),
            _stop: stop,
            _data: data,
        }
    }

    impl Server {
        async fn invoke(&self, who: Option<&str>, body: &str) -> (u16, serde_json::Value) {
            let mut request = self
                .client
                .post(format!("{}/api/invoke", self.url))
                .header("Content-Type", "application/json")
                .header("X-Worklogs-Token", TOKEN)
                .body(body.to_owned());
            if let Some(who) = who {
                request = request.header("X-Worklogs-Account", who);
            }
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            (status, response.json().await.unwrap())
        }
    }

    fn status_for(code: &str) -> u16 {
        server::status_for(
            ErrorCode::from_name(code).unwrap_or_else(|| panic!("unknown code {code}")),
        )
        .as_u16()
    }

    #[tokio::test]
    async fn an_unknown_operation_is_400_invalid_input() {
        let server = start().await;
        let body = format!(r#"{{"operation":"{UNKNOWN}","input":{{}}}}"#);
        let (status, json) = server.invoke(Some("alice"), &body).await;
        assert_eq!(status, 400, "{json}");
        assert_eq!(json["error"]["code"], "invalid-input", "{json}");
        assert!(json["error"]["message"].is_string(), "{json}");
    }

    #[tokio::test]
    async fn a_malformed_body_is_400_invalid_input() {
        let server = start().await;
        let (status, json) = server.invoke(Some("alice"), "{not json").await;
        assert_eq!(status, 400, "{json}");
        assert_eq!(json["error"]["code"], "invalid-input", "{json}");
    }

    /// Every operation answers either `{"ok": ...}` with 200 or `{"error": ...}`
    /// with the status of its code, and at least one answers ok.
    #[tokio::test]
    async fn every_operation_answers_an_envelope_with_its_status() {
        let server = start().await;
        let mut ok = 0;
        for operation in common::runtime().operations().await.unwrap() {
            let body = format!(r#"{{"operation":"{operation}","input":{{}}}}"#);
            let (status, json) = server.invoke(Some("alice"), &body).await;
            let object = json.as_object().unwrap();
            assert_eq!(object.len(), 1, "{operation}: {json}");
            if object.contains_key("ok") {
                assert_eq!(status, 200, "{operation}: {json}");
                ok += 1;
            } else {
                let code = json["error"]["code"].as_str().unwrap();
                assert_eq!(status, status_for(code), "{operation}: {json}");
                assert!(json["error"]["message"].is_string(), "{operation}: {json}");
            }
        }
        assert!(ok > 0, "no operation answered ok with an empty input");
    }

    #[tokio::test]
    async fn the_demo_listing_is_served() {
        let server = start().await;
        let response = server
            .client
            .get(format!("{}/api/demo", server.url))
            .header("X-Worklogs-Token", TOKEN)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let json: serde_json::Value = response.json().await.unwrap();
        let accounts = json["accounts"].as_array().expect("accounts");
        assert!(accounts.iter().any(|a| a["alias"] == "alice"), "{json}");
    }

    #[tokio::test]
    async fn without_a_ui_a_page_says_how_to_call_the_api() {
        let server = start().await;
        let response = server
            .client
            .get(format!("{}/", server.url))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let page = response.text().await.unwrap();
        assert!(page.contains("/api/invoke"), "{page}");
    }

    /// A request as a hostile page or a careless script would send it:
    /// `headers` on top of a valid call as alice.
    async fn attempt(server: &Server, headers: &[(&str, &str)], omit: &[&str]) -> (u16, String) {
        let base = [
            ("Content-Type", "application/json"),
            ("X-Worklogs-Token", TOKEN),
            ("X-Worklogs-Account", "alice"),
        ];
        let mut request = server.client.post(format!("{}/api/invoke", server.url));
        for (name, value) in base {
            if !omit.contains(&name) && !headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(name)) {
                request = request.header(name, value);
            }
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request
            .body(r#"{"operation":"me","input":{}}"#)
            .send()
            .await
            .unwrap();
        (response.status().as_u16(), response.text().await.unwrap())
    }

    /// Each check of the guard, with the request that only it refuses.
    #[tokio::test]
    async fn the_api_refuses_what_a_hostile_page_can_send() {
        let server = start().await;
        let (status, body) = attempt(&server, &[], &[]).await;
        assert_eq!(status, 200, "a proper call passes: {body}");

        // CSRF: a form or text/plain POST from another page.
        for media in [
            "text/plain",
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ] {
            let (status, body) = attempt(&server, &[("Content-Type", media)], &[]).await;
            assert_eq!(status, 415, "{media}: {body}");
            assert!(
                body.contains("Content-Type") && body.contains(media),
                "{body}"
            );
        }
        let (status, _) = attempt(&server, &[], &["Content-Type"]).await;
        assert_eq!(status, 415);
        // Another site's page.
        let (status, body) = attempt(&server, &[("Origin", "http://evil.example")], &[]).await;
        assert_eq!(status, 403, "{body}");
        assert!(
            body.contains("Origin") && body.contains("evil.example"),
            "{body}"
        );
        let ours = format!("http://127.0.0.1:{}", server.port);
        let (status, body) = attempt(&server, &[("Origin", &ours)], &[]).await;
        assert_eq!(status, 200, "our own origin passes: {body}");
        // DNS rebinding: a foreign name resolving to 127.0.0.1.
        let rebound = format!("evil.example:{}", server.port);
        let (status, body) = attempt(&server, &[("Host", &rebound)], &[]).await;
        assert_eq!(status, 403, "{body}");
        assert!(
            body.contains("Host") && body.contains("evil.example"),
            "{body}"
        );
        // No token, or a wrong one.
        let (status, body) = attempt(&server, &[], &["X-Worklogs-Token"]).await;
        assert_eq!(status, 401, "{body}");
        assert!(body.contains("missing"), "{body}");
        let (status, body) = attempt(
            &server,
            &[("X-Worklogs-Token", "00000000000000000000000000000000")],
            &[],
        )
        .await;
        assert_eq!(status, 401, "{body}");
        assert!(body.contains("wrong"), "{body}");
        // The demo listing too.
        let response = server
            .client
            .get(format!("{}/api/demo", server.url))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401);
        // No acting user: never the app.
        let (status, body) = attempt(&server, &[], &["X-Worklogs-Account"]).await;
        assert_eq!(status, 401, "{body}");
        assert!(body.contains("no acting user"), "{body}");
        let (status, body) = attempt(&server, &[("X-Worklogs-Account", " ")], &[]).await;
        assert_eq!(status, 401, "{body}");
    }

    #[test]
    fn tokens_are_random_and_never_in_debug_output() {
        let a = server::Guard::new(8080).unwrap();
        let b = server::Guard::new(8080).unwrap();
        assert_eq!(a.token().len(), 32);
        assert_ne!(a.token(), b.token());
        let debug = format!("{a:?}");
        assert!(!debug.contains(a.token()), "{debug}");
        let target = worklogs_host::JiraTarget::Cloud {
            base_url: "https://site.atlassian.net".into(),
            email: "me@example.com".into(),
            token: "secret-api-token".into(),
        };
        assert!(!format!("{target:?}").contains("secret-api-token"));
    }

    #[test]
    fn a_real_site_is_reached_over_tls_only() {
        for url in [
            "https://site.atlassian.net",
            "http://127.0.0.1:8081",
            "http://localhost:9000",
            "http://[::1]:9000",
        ] {
            assert!(worklogs_host::jira::require_tls(url).is_ok(), "{url}");
        }
        for url in [
            "http://site.atlassian.net",
            "http://10.0.0.1",
            "ftp://x",
            "not a url",
        ] {
            let e = worklogs_host::jira::require_tls(url)
                .unwrap_err()
                .to_string();
            assert!(e.contains("--jira-url") && e.contains(url), "{e}");
        }
    }

    /// An alias names the same person whether the simulator runs in-process
    /// (`--demo`) or apart (`--jira-sim`).
    #[tokio::test]
    async fn aliases_resolve_alike_with_an_external_simulator() {
        let sim = jira_sim::Sim::new(jira_sim::World::demo(common::SEED));
        let handle = jira_sim::spawn(sim, std::net::SocketAddr::from(([127, 0, 0, 1], 0)))
            .await
            .unwrap();
        let data = tempfile::tempdir().unwrap();
        let config = worklogs_host::Config {
            data_dir: data.path().to_path_buf(),
            installation: "local".into(),
            jira: worklogs_host::JiraTarget::Simulator {
                base_url: handle.base_url.clone(),
            },
        };
        let external = worklogs_host::App::start(common::runtime_with(Limits::default()), config)
            .await
            .unwrap();
        let (demo, _data) = common::demo_app(common::runtime_with(Limits::default())).await;
        for app in [&external, &demo] {
            let me = app
                .call(EntryPoint::Person, Some("alice"), None, None, "me", "{}")
                .await
                .unwrap();
            let me: serde_json::Value = serde_json::from_str(&me).unwrap();
            assert_eq!(me["displayName"], "Alice Andersen", "{me}");
            assert_eq!(
                me["accountId"].as_str(),
                Some(demo.demo().unwrap().account_id("alice").as_str())
            );
        }
    }
}
