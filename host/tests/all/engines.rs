//! What the tests on both engines share: SQLite always, and a MySQL-compatible
//! server (MariaDB in CI) named by `WORKLOGS_TEST_MYSQL_URL`
//! (`mysql://user:pass@127.0.0.1:PORT/`, a user that may create databases; each
//! test gets its own). Without that variable the MariaDB half is skipped,
//! except under `CI`, where it fails. `scripts/mariadb.sh start` starts a
//! private MariaDB and prints its URL.
//!
//! Apart from `common` because the command line's tests include `common` and
//! have no MySQL client.

use std::sync::Arc;

use mysql::prelude::Queryable;
use worklogs_host::{App, Config, JiraTarget, Limits, Runtime};

use crate::common;

/// The MySQL-compatible server's URL, when there is one.
pub fn mysql_url() -> Option<String> {
    match std::env::var("WORKLOGS_TEST_MYSQL_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI is set but WORKLOGS_TEST_MYSQL_URL is not: start MariaDB with `scripts/mariadb.sh start`"
            );
            eprintln!(
                "WORKLOGS_TEST_MYSQL_URL is not set: the MariaDB half of this test is skipped"
            );
            None
        }
    }
}

/// A fresh database on the server for one test; its URL. The databases
/// earlier runs of this test left (`worklogs_{test}_{pid}` of a process that
/// has ended) are dropped first, so a developer's server keeps at most the
/// last run's, to look into after a failure.
fn fresh_mysql_database(base: &str, test: &str) -> String {
    let prefix = format!("worklogs_{test}_");
    let name = format!("{prefix}{}", std::process::id());
    let mut admin = mysql::Conn::new(mysql::Opts::from_url(base).expect("a MySQL URL"))
        .unwrap_or_else(|err| panic!("cannot reach {base}: {err}"));
    // Which processes live, from `/proc` (Linux); elsewhere none is dropped.
    let proc = std::path::Path::new("/proc");
    let existing: Vec<String> = if proc.join("self").exists() {
        admin.query("SHOW DATABASES").expect("the databases")
    } else {
        Vec::new()
    };
    for old in existing {
        let ended = old
            .strip_prefix(&prefix)
            .filter(|pid| !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()))
            .is_some_and(|pid| !proc.join(pid).exists());
        if ended {
            admin
                .query_drop(format!("DROP DATABASE IF EXISTS {old}"))
                .expect("an old test database dropped");
        }
    }
    admin
        .query_drop(format!("DROP DATABASE IF EXISTS {name}"))
        .and_then(|()| admin.query_drop(format!("CREATE DATABASE {name}")))
        .expect("a test database");
    format!("{}/{name}", base.trim_end_matches('/'))
}

/// The engines a test runs on: `None` for SQLite, `Some(url)` for MySQL.
pub fn engines(test: &str) -> Vec<Option<String>> {
    let mut out = vec![None];
    if let Some(base) = mysql_url() {
        out.push(Some(fresh_mysql_database(&base, test)));
    }
    out
}

/// The shared component with a job's budget (900 s), for runs in slices.
pub fn job_runtime() -> Arc<Runtime> {
    common::runtime_with(Limits {
        invocation_budget: std::time::Duration::from_secs(900),
        ..Limits::default()
    })
}

/// A host on `jira` with its data on `database` (SQLite in a temporary
/// directory when none), under a job's budget.
pub async fn start_on(jira: JiraTarget, database: Option<&str>) -> (App, tempfile::TempDir) {
    let data = tempfile::tempdir().expect("a temporary directory");
    let config = Config {
        data_dir: data.path().to_path_buf(),
        installation: "local".into(),
        jira,
    };
    let app = App::start_on(job_runtime(), config, database)
        .await
        .unwrap_or_else(|err| panic!("the host does not start: {err}"));
    (app, data)
}

/// A host on the in-process simulator (seed 1, 1537 worklogs), with its data
/// on `database`, under a job's budget.
pub async fn start_app(database: Option<&str>) -> (App, tempfile::TempDir) {
    start_on(JiraTarget::Demo { seed: 1 }, database).await
}

/// The in-process simulator of a host started on the demo.
pub fn sim(app: &App) -> &jira_sim::Sim {
    app.demo().expect("the simulator").sim()
}
