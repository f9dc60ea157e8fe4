//! The sync's figures (not a timed test: it prints numbers for
//! `docs/performance.md`): a full import of a large simulated site, then an
//! incremental sync of 1,000 changes, on SQLite and, when a server is given, on
//! a MySQL-compatible one. For each: worklogs per second, Jira requests and SQL
//! statements per 1,000 worklogs, bytes of database per worklog, and the
//! process's peak memory.
//!
//! ```text
//! jira-sim --port 8081 --worklogs 1000000 --issues 5000 &
//! WORKLOGS_BENCH_JIRA=http://127.0.0.1:8081 cargo bench -p worklogs-host --bench sync
//! ```
//!
//! - `WORKLOGS_BENCH_JIRA`: the simulator to sync from (without it, one is
//!   started in-process with `WORKLOGS_BENCH_WORKLOGS` worklogs, default 100,000,
//!   and its memory counts in the peak);
//! - `WORKLOGS_BENCH_MYSQL_URL`: `mysql://user:pass@host:port/` of a server where
//!   the benchmark may create and drop its own databases;
//! - `WORKLOGS_BENCH_ENGINES`: `sqlite`, `mysql` or both (default: those available).

use std::sync::Arc;
use std::time::Instant;

use mysql::prelude::Queryable;
use serde_json::{json, Value};
use worklogs_host::sync::run_slices;
use worklogs_host::{
    locate_component, Database, Effects, Host, Jira, Limits, MySql, Runtime, Sqlite,
};

/// Changes made between the full import and the incremental sync.
const CHANGES: usize = 1000;

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(bench());
}

async fn bench() {
    let limits = Limits {
        invocation_budget: std::time::Duration::from_secs(900),
        ..Limits::default()
    };
    let component = locate_component(None).unwrap_or_else(|err| panic!("{err} (run `make build`)"));
    let runtime =
        Arc::new(Runtime::load(&component, limits.clone()).unwrap_or_else(|err| panic!("{err}")));
    let mut _sim = None;
    let jira_url = match std::env::var("WORKLOGS_BENCH_JIRA") {
        Ok(url) => url.trim_end_matches('/').to_owned(),
        Err(_) => {
            let worklogs = std::env::var("WORKLOGS_BENCH_WORKLOGS")
                .ok()
                .and_then(|n| n.parse().ok())
                .unwrap_or(100_000usize);
            let opts = jira_sim::GenOptions {
                extra_users: worklogs / 800,
                worklogs: Some(worklogs),
                issues_per_project: Some((worklogs / 200).max(20)),
                months: 6,
            };
            let sim = jira_sim::Sim::new(jira_sim::World::generate(1, opts));
            let handle = jira_sim::spawn(sim, "127.0.0.1:0".parse().expect("an address"))
                .await
                .expect("the simulator starts");
            let url = handle.base_url.clone();
            _sim = Some(handle);
            url
        }
    };
    let mysql_url = std::env::var("WORKLOGS_BENCH_MYSQL_URL").ok();
    let engines = std::env::var("WORKLOGS_BENCH_ENGINES").unwrap_or_else(|_| {
        if mysql_url.is_some() {
            "sqlite,mysql".into()
        } else {
            "sqlite".into()
        }
    });
    let client = reqwest::Client::new();
    let demo: Value = get(&client, &format!("{jira_url}/sim/demo")).await;
    println!(
        "site: {} worklogs on {} issues at {jira_url}",
        demo["worklogCount"], demo["issueCount"]
    );
    for engine in engines.split(',').map(str::trim).filter(|e| !e.is_empty()) {
        let data = tempfile::tempdir().expect("a temporary directory");
        let (database, size): (Arc<dyn Database>, Size) = match engine {
            "sqlite" => (
                Arc::new(Sqlite::open(data.path(), &limits).expect("sqlite")),
                Size::Sqlite(data.path().join("worklogs.sqlite")),
            ),
            "mysql" => {
                let base = mysql_url.clone().expect("WORKLOGS_BENCH_MYSQL_URL");
                let name = format!("worklogs_bench_{}", std::process::id());
                let mut admin =
                    mysql::Conn::new(mysql::Opts::from_url(&base).expect("a MySQL URL"))
                        .expect("the server");
                admin
                    .query_drop(format!("DROP DATABASE IF EXISTS {name}"))
                    .and_then(|()| admin.query_drop(format!("CREATE DATABASE {name}")))
                    .expect("a bench database");
                let url = format!("{}/{name}", base.trim_end_matches('/'));
                let db = Arc::new(MySql::connect(&url, &limits).expect("mysql"));
                (db.clone(), Size::MySql(db, name))
            }
            other => panic!("unknown engine {other}"),
        };
        let jira = Jira::simulator(&jira_url, &limits).expect("the simulator's URL");
        let effects = Effects::new(database, jira, limits.clone());
        let host = Host::start(Arc::clone(&runtime), effects, "bench")
            .await
            .expect("the host starts");

        // The full import.
        reset_peak();
        let _ = client.delete(format!("{jira_url}/sim/stats")).send().await;
        let started = Instant::now();
        let input = json!({"maxWorklogs": 50_000, "parallel": 8}).to_string();
        let slices = run_slices(&host, "sync.full", &input, 10_000, |slice| {
            if let Some(p) = &slice.progress {
                eprint!("\r{engine}: {} / {} {:<60}", p.done, p.total, p.label);
            }
        })
        .await
        .unwrap_or_else(|err| panic!("the full import failed: {err}"));
        eprintln!();
        let full = Figures::new(
            &slices,
            started.elapsed().as_secs_f64(),
            jira_requests(&client, &jira_url).await,
        );
        let bytes = size.bytes().await;

        // 1,000 changes: 600 edits, 300 new worklogs, 100 deletions.
        make_changes(&client, &jira_url).await;
        reset_peak();
        let _ = client.delete(format!("{jira_url}/sim/stats")).send().await;
        let started = Instant::now();
        let slices = run_slices(&host, "sync.incremental", "{}", 10_000, |_| {})
            .await
            .unwrap_or_else(|err| panic!("the incremental sync failed: {err}"));
        let incremental = Figures::new(
            &slices,
            started.elapsed().as_secs_f64(),
            jira_requests(&client, &jira_url).await,
        );

        println!("\n== {engine} ==");
        println!(
            "full import: {} worklogs in {:.1} s = {:.0} worklogs/s; {:.2} Jira requests and {:.2} SQL statements per 1000 worklogs; {} slices; peak RSS {} MiB",
            full.worklogs, full.seconds, full.rate(), full.per_thousand(full.jira), full.per_thousand(full.sql), full.slices, full.peak_mib
        );
        println!(
            "database: {} bytes = {:.0} bytes per worklog",
            bytes,
            bytes as f64 / full.worklogs.max(1) as f64
        );
        println!(
            "incremental ({CHANGES} changes): {} written, {} deleted in {:.2} s; {} Jira requests, {} SQL statements; peak RSS {} MiB",
            incremental.written, incremental.deleted, incremental.seconds, incremental.jira, incremental.sql, incremental.peak_mib
        );
        if let Size::MySql(db, name) = &size {
            let mut conn = db.pool().get_conn().expect("a connection");
            let _ = conn.query_drop(format!("DROP DATABASE {name}"));
        }
    }
}

/// Where the database's size is read.
enum Size {
    Sqlite(std::path::PathBuf),
    MySql(Arc<MySql>, String),
}

impl Size {
    async fn bytes(&self) -> u64 {
        match self {
            Size::Sqlite(path) => {
                let conn = rusqlite::Connection::open(path).expect("the database file");
                let _: i64 = conn
                    .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))
                    .unwrap_or(0);
                let pages: i64 = conn
                    .query_row("PRAGMA page_count", [], |r| r.get(0))
                    .unwrap_or(0);
                let size: i64 = conn
                    .query_row("PRAGMA page_size", [], |r| r.get(0))
                    .unwrap_or(0);
                u64::try_from(pages * size).unwrap_or(0)
            }
            Size::MySql(db, name) => {
                let mut conn = db.pool().get_conn().expect("a connection");
                for table in ["worklogs", "issues", "dict", "sites", "settings"] {
                    let _ = conn.query_drop(format!("ANALYZE TABLE {name}.{table}"));
                }
                conn.query_first::<u64, _>(format!(
                    "SELECT CAST(SUM(data_length + index_length) AS UNSIGNED) FROM information_schema.TABLES WHERE table_schema = '{name}'"
                ))
                .ok()
                .flatten()
                .unwrap_or(0)
            }
        }
    }
}

struct Figures {
    worklogs: u64,
    written: u64,
    deleted: u64,
    jira: u64,
    sql: u64,
    slices: usize,
    seconds: f64,
    peak_mib: u64,
}

impl Figures {
    fn new(slices: &[worklogs_host::sync::Slice], seconds: f64, jira: u64) -> Figures {
        let sum = |key: &str| -> u64 {
            slices
                .iter()
                .filter_map(|s| s.result["slice"][key].as_u64())
                .sum()
        };
        Figures {
            worklogs: sum("written") + sum("unchanged"),
            written: sum("written"),
            deleted: sum("deleted"),
            jira,
            sql: sum("sqlStatements"),
            slices: slices.len(),
            seconds,
            peak_mib: peak_rss_kib() / 1024,
        }
    }

    fn rate(&self) -> f64 {
        self.worklogs as f64 / self.seconds.max(0.001)
    }

    fn per_thousand(&self, n: u64) -> f64 {
        n as f64 * 1000.0 / self.worklogs.max(1) as f64
    }
}

/// Jira requests the simulator served since its counters were reset.
async fn jira_requests(client: &reqwest::Client, jira: &str) -> u64 {
    get(client, &format!("{jira}/sim/stats")).await["total"]
        .as_u64()
        .unwrap_or(0)
}

async fn get(client: &reqwest::Client, url: &str) -> Value {
    client
        .get(url)
        .send()
        .await
        .and_then(reqwest::Response::error_for_status)
        .expect("the simulator answers")
        .json()
        .await
        .expect("JSON")
}

/// 600 edits, 300 new worklogs and 100 deletions, as the app (which may do
/// anything), then the clock two minutes on so the feeds show them.
async fn make_changes(client: &reqwest::Client, jira: &str) {
    let page: Value = client
        .get(format!("{jira}/rest/api/3/worklog/updated?since=0"))
        .header("x-sim-principal", "app")
        .send()
        .await
        .expect("the feed")
        .json()
        .await
        .expect("JSON");
    let ids: Vec<u64> = page["values"]
        .as_array()
        .expect("values")
        .iter()
        .filter_map(|v| v["worklogId"].as_u64())
        .collect();
    let listed: Value = client
        .post(format!("{jira}/rest/api/3/worklog/list"))
        .header("x-sim-principal", "app")
        .json(&json!({ "ids": ids }))
        .send()
        .await
        .expect("the list")
        .json()
        .await
        .expect("JSON");
    let worklogs: Vec<(String, String)> = listed
        .as_array()
        .expect("worklogs")
        .iter()
        .map(|w| {
            (
                w["issueId"].as_str().unwrap_or("").to_owned(),
                w["id"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    assert!(
        worklogs.len() >= 700,
        "the site needs at least 700 worklogs"
    );
    let send = |method: reqwest::Method, path: String, body: Option<Value>| {
        let mut request = client
            .request(method, format!("{jira}{path}"))
            .header("x-sim-principal", "app");
        if let Some(body) = body {
            request = request.json(&body);
        }
        async move {
            let response = request.send().await.expect("a change");
            assert!(
                response.status().is_success(),
                "{path}: {}",
                response.status()
            );
        }
    };
    for (issue, id) in worklogs.iter().take(600) {
        send(
            reqwest::Method::PUT,
            format!("/rest/api/3/issue/{issue}/worklog/{id}"),
            Some(json!({"timeSpentSeconds": 1800})),
        )
        .await;
    }
    for (issue, _) in worklogs.iter().skip(600).take(300) {
        send(
            reqwest::Method::POST,
            format!("/rest/api/3/issue/{issue}/worklog"),
            Some(json!({"started": "2026-11-20T09:00:00.000+0000", "timeSpentSeconds": 900})),
        )
        .await;
    }
    for (issue, id) in worklogs.iter().skip(600).take(100) {
        send(
            reqwest::Method::DELETE,
            format!("/rest/api/3/issue/{issue}/worklog/{id}"),
            None,
        )
        .await;
    }
    let _ = client
        .post(format!("{jira}/sim/clock"))
        .json(&json!({"advanceMs": 120_000}))
        .send()
        .await;
}

/// Resets the process's peak resident set (Linux: `clear_refs` 5).
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// The process's peak resident set since the last reset, in KiB (`VmHWM`).
fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}
