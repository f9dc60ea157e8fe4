//! What the host's integration tests share: the component, compiled once per
//! test binary, and hosts on temporary data directories.

#![allow(dead_code)]

use std::sync::{Arc, OnceLock};

use worklogs_host::protocol::{SqlStatement, Value};
use worklogs_host::{locate_component, App, Config, JiraTarget, Limits, Runtime};

/// The demo world's seed in tests.
pub const SEED: u64 = 42;

/// The component compiled once for this test binary, with Forge's limits and a
/// fine epoch tick (so that tests with a short budget stop promptly).
///
/// # Panics
///
/// When the component is not built, with a message saying how to build it.
pub fn runtime() -> &'static Runtime {
    static RUNTIME: OnceLock<Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        let path = locate_component(None).unwrap_or_else(|err| {
            panic!("{err}\n(`make test` builds the component before running the tests)")
        });
        let limits = Limits {
            epoch_tick: std::time::Duration::from_millis(1),
            ..Limits::default()
        };
        Runtime::load(&path, limits).unwrap_or_else(|err| panic!("{err}"))
    })
}

/// The shared component under `limits` (its epoch tick stays 1 ms).
pub fn runtime_with(limits: Limits) -> Arc<Runtime> {
    Arc::new(runtime().with_limits(limits))
}

/// A host on the in-process simulator with a fresh demo world and an empty
/// database in a temporary directory, which lives as long as the returned guard.
pub async fn demo_app(runtime: Arc<Runtime>) -> (App, tempfile::TempDir) {
    let data = tempfile::tempdir().expect("a temporary directory");
    let config = Config {
        data_dir: data.path().to_path_buf(),
        installation: "local".into(),
        jira: JiraTarget::Demo { seed: SEED },
    };
    let app = App::start(runtime, config)
        .await
        .unwrap_or_else(|err| panic!("the host does not start: {err}"));
    (app, data)
}

/// Every row of a query on the host's database.
pub async fn query(app: &App, sql: &str) -> Vec<Vec<Value>> {
    let statement = SqlStatement {
        sql: sql.into(),
        params: Vec::new(),
    };
    let mut answers = app
        .host()
        .effects()
        .database()
        .execute(vec![statement])
        .await;
    answers
        .remove(0)
        .unwrap_or_else(|err| panic!("{sql}: {err}"))
        .rows
}

/// An integer cell (SQLite answers integers, MariaDB sometimes text).
pub fn int(v: &Value) -> i64 {
    match v {
        Value::Int(i) => *i,
        Value::Text(t) => t.parse().expect("an integer"),
        other => panic!("not an integer: {other:?}"),
    }
}

/// A text cell; `None` for NULL.
pub fn text(v: &Value) -> Option<String> {
    match v {
        Value::Text(t) => Some(t.clone()),
        Value::Null => None,
        other => panic!("not text: {other:?}"),
    }
}
