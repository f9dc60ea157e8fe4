//! The sync through the real component on both engines: SQLite always, and a
//! MySQL-compatible server (MariaDB in CI) named by `WORKLOGS_TEST_MYSQL_URL`
//! (`mysql://user:pass@127.0.0.1:PORT/`, a user that may create databases; each
//! test gets its own). Without that variable the MariaDB half is skipped,
//! except under `CI`, where it fails.
//!
//! `scripts/mariadb.sh start` starts a private MariaDB and prints its URL.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::common::{int, query, text};
use crate::engines::{engines, sim, start_app};
use serde_json::{json, Value as Json};
use worklogs_host::protocol::{Answer, Context, EntryPoint, Request};
use worklogs_host::sync::run_slices;
use worklogs_host::{App, Performer};

/// A worklog as both sides can tell it.
type Fact = (
    i64,
    i64,
    String,
    i64,
    i64,
    i64,
    Option<(String, String)>,
    Option<Json>,
    bool,
);

async fn index_facts(app: &App) -> BTreeMap<i64, Fact> {
    query(
        app,
        "SELECT w.id, w.issue, w.project, a.value, w.started, w.seconds, w.updated, v.value, t.value, w.note \
         FROM worklogs w JOIN dict a ON a.site = w.site AND a.id = w.author \
         LEFT JOIN dict v ON v.site = w.site AND v.id = w.visibility \
         LEFT JOIN dict t ON t.site = w.site AND t.id = w.attrs ORDER BY w.id LIMIT 100000",
    )
    .await
    .into_iter()
    .map(|r| {
        let visibility = text(&r[7]).map(|v| {
            let v: Json = serde_json::from_str(&v).expect("JSON");
            (v["type"].as_str().unwrap().to_owned(), v["value"].as_str().unwrap().to_owned())
        });
        let attributes = text(&r[8]).map(|t| serde_json::from_str(&t).expect("JSON"));
        let fact = (
            int(&r[1]),
            int(&r[2]),
            text(&r[3]).unwrap(),
            int(&r[4]),
            int(&r[5]),
            int(&r[6]),
            visibility,
            attributes,
            int(&r[9]) != 0,
        );
        (int(&r[0]), fact)
    })
    .collect()
}

fn jira_facts(app: &App) -> BTreeMap<i64, Fact> {
    sim(app)
        .with_world(|w| w.worklog_facts())
        .into_iter()
        .map(|f| {
            let fact = (
                f.issue_id as i64,
                f.project_id as i64,
                f.author,
                f.started_ms,
                f.seconds,
                f.updated_ms,
                f.visibility,
                f.attributes,
                f.comment.is_some(),
            );
            (f.id as i64, fact)
        })
        .collect()
}

/// The index holds Jira's worklogs, and their issues with Jira's key, project,
/// parent and status.
async fn assert_index_is_jira(app: &App, engine: &str) {
    let (ours, theirs) = (index_facts(app).await, jira_facts(app));
    assert_eq!(ours.len(), theirs.len(), "{engine}: worklog count");
    for (id, fact) in &theirs {
        assert_eq!(ours.get(id), Some(fact), "{engine}: worklog {id}");
    }
    let issues: BTreeMap<i64, (String, i64, i64, String)> = query(
        app,
        "SELECT i.id, i.issue_key, i.project, i.parent, s.value FROM issues i \
         JOIN dict s ON s.site = i.site AND s.id = i.status ORDER BY i.id LIMIT 100000",
    )
    .await
    .into_iter()
    .map(|r| {
        let status: Json = serde_json::from_str(&text(&r[4]).unwrap()).unwrap();
        (
            int(&r[0]),
            (
                text(&r[1]).unwrap(),
                int(&r[2]),
                int(&r[3]),
                status["name"].as_str().unwrap().to_owned(),
            ),
        )
    })
    .collect();
    for fact in theirs.values() {
        let f = sim(app)
            .with_world(|w| w.issue_facts(&fact.0.to_string()))
            .unwrap();
        let expected = (
            f.key,
            f.project_id as i64,
            f.parent_id.map_or(0, |p| p as i64),
            f.status,
        );
        assert_eq!(
            issues.get(&fact.0),
            Some(&expected),
            "{engine}: issue {}",
            fact.0
        );
    }
}

async fn sync(app: &App, operation: &str, input: Json) -> Vec<worklogs_host::sync::Slice> {
    run_slices(app.host(), operation, &input.to_string(), 1000, |_| {})
        .await
        .unwrap_or_else(|err| panic!("{operation}: {err}"))
}

/// Moves the simulator's clock past the feeds' quiet minute.
fn later(app: &App) {
    sim(app).with_world(|w| w.advance_time(120_000));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_and_incremental_sync_on_both_engines() {
    for database in engines("sync") {
        let engine = if database.is_some() {
            "mariadb"
        } else {
            "sqlite"
        };
        let (app, _data) = start_app(database.as_deref()).await;
        let slices = sync(
            &app,
            "sync.full",
            json!({"maxWorklogs": 1000, "parallel": 2}),
        )
        .await;
        assert!(slices.len() >= 2, "{engine}");
        assert_eq!(
            slices.last().unwrap().result["totals"]["written"],
            1537,
            "{engine}"
        );
        assert_index_is_jira(&app, engine).await;

        // The app's own write, edits and deletions in Jira, a move and a new parent.
        let ctx = |who: &str| {
            let mut ctx = app.host().context(
                EntryPoint::Person,
                Some(app.demo().unwrap().account_id(who)),
            );
            ctx.time_zone = "Europe/Berlin".into();
            ctx
        };
        app.host()
            .run(
                &ctx("alice"),
                "worklog.log",
                &json!({"issue": "ALPHA-2", "started": "2026-11-24T09:00:00+01:00", "timeSpent": "1h 30m"}).to_string(),
            )
            .await
            .unwrap_or_else(|err| panic!("{engine}: {err}"));
        let facts = sim(&app).with_world(|w| w.worklog_facts());
        let (edit, gone) = (&facts[10], &facts[20]);
        let jira = tokio::task::spawn_blocking({
            let sim = sim(&app).clone();
            let (edit, gone) = (edit.clone(), gone.clone());
            move || {
                let client = jira_sim::InProcess::new(&sim).unwrap();
                let put = client.send(
                    jira_sim::Caller::App,
                    "PUT",
                    &format!("/rest/api/3/issue/{}/worklog/{}", edit.issue_id, edit.id),
                    Some(r#"{"timeSpentSeconds": 4500, "visibility": {"type": "role", "value": "Developers"}}"#),
                );
                let delete = client.send(
                    jira_sim::Caller::App,
                    "DELETE",
                    &format!("/rest/api/3/issue/{}/worklog/{}", gone.issue_id, gone.id),
                    None,
                );
                (put.status, delete.status)
            }
        })
        .await
        .unwrap();
        assert_eq!(jira, (200, 204), "{engine}");
        sim(&app).with_world(|w| {
            w.move_issue("BETA-3", "OPS").unwrap();
            assert!(w.set_parent("ALPHA-4", Some("BETA-1")));
        });
        later(&app);
        let slices = sync(&app, "sync.incremental", json!({})).await;
        let totals = &slices.last().unwrap().result["totals"];
        assert_eq!(totals["deleted"], 1, "{engine}: {totals}");
        assert_index_is_jira(&app, engine).await;

        let verified = sync(
            &app,
            "sync.verify",
            json!({"from": "2026-10-01", "to": "2026-11-24"}),
        )
        .await;
        assert_eq!(
            verified[0].result["driftCount"], 0,
            "{engine}: {}",
            verified[0].result
        );
    }
}

/// Performs effects with the host's performer until `left` runs out in the
/// middle of a batch: the first effects of that batch are performed (SQL in
/// order), then the task is stopped for good, as a killed process would be.
struct Killer<'a> {
    inner: &'a worklogs_host::Effects,
    left: AtomicU64,
    killed: tokio::sync::Notify,
}

impl Performer for Killer<'_> {
    async fn perform(&self, ctx: &Context, requests: Vec<Request>) -> Vec<Answer> {
        let n = requests.len() as u64;
        let left = self.left.load(Ordering::SeqCst);
        if left >= n {
            self.left.store(left - n, Ordering::SeqCst);
            return self.inner.perform(ctx, requests).await;
        }
        let prefix: Vec<Request> = requests.into_iter().take(left as usize).collect();
        if !prefix.is_empty() {
            let _ = self.inner.perform(ctx, prefix).await;
        }
        self.left.store(0, Ordering::SeqCst);
        self.killed.notify_one();
        std::future::pending().await
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sync_killed_at_random_effects_loses_and_duplicates_nothing() {
    for database in engines("crash") {
        let engine = if database.is_some() {
            "mariadb"
        } else {
            "sqlite"
        };
        let (app, _data) = start_app(database.as_deref()).await;
        let mut seed: u64 = 0x00c0_ffee_u64 ^ u64::from(database.is_some());
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        // The most effects one slice takes, on a twin site run without kills:
        // kill points are drawn below it, so most attempts are killed.
        let longest = {
            let (twin, _data) = start_app(None).await;
            let counter = Killer {
                inner: twin.host().effects(),
                left: AtomicU64::new(u64::MAX),
                killed: tokio::sync::Notify::new(),
            };
            let mut longest = 0;
            loop {
                let before = counter.left.load(Ordering::SeqCst);
                let input = json!({"maxWorklogs": 1000, "parallel": 1}).to_string();
                let result = twin
                    .host()
                    .runtime()
                    .run(
                        &twin.host().context(EntryPoint::Job, None),
                        "sync.full",
                        &input,
                        &counter,
                    )
                    .await
                    .unwrap();
                longest = longest.max(before - counter.left.load(Ordering::SeqCst));
                if serde_json::from_str::<Json>(&result).unwrap()["more"] == json!(false) {
                    break longest;
                }
            }
        };
        let mut kills = 0;
        for operation in ["sync.full", "sync.incremental"] {
            if operation == "sync.incremental" {
                // Changes for the incremental run to find.
                sim(&app).with_world(|w| {
                    w.move_issue("ALPHA-9", "BETA").unwrap();
                });
                app.host()
                    .run(
                        &app.host().context(EntryPoint::Person, Some(app.demo().unwrap().account_id("bob"))),
                        "worklog.log",
                        &json!({"issue": "BETA-2", "started": "2026-11-24T09:00:00-05:00", "seconds": 600}).to_string(),
                    )
                    .await
                    .unwrap();
                later(&app);
            }
            let mut finished = false;
            for _ in 0..300 {
                let killer = Killer {
                    inner: app.host().effects(),
                    left: AtomicU64::new(1 + next() % longest),
                    killed: tokio::sync::Notify::new(),
                };
                let ctx = app.host().context(EntryPoint::Job, None);
                let input = json!({"maxWorklogs": 1000, "parallel": 1}).to_string();
                let run = app.host().runtime().run(&ctx, operation, &input, &killer);
                tokio::select! {
                    result = run => {
                        let result: Json = serde_json::from_str(&result.unwrap_or_else(|err| panic!("{engine}: {err}"))).unwrap();
                        if result["more"] == json!(false) {
                            finished = true;
                            break;
                        }
                    }
                    () = killer.killed.notified() => kills += 1,
                }
            }
            assert!(finished, "{engine}: {operation} never finished");
        }
        assert!(kills >= 5, "{engine}: only {kills} kills");
        assert_index_is_jira(&app, engine).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_host_waits_when_jira_is_busy() {
    let (app, _data) = start_app(None).await;
    sim(&app).inject(jira_sim::Fault::status("/rest/api/3/worklog/updated", 429).retry_after(1));
    let started = std::time::Instant::now();
    let slices = sync(&app, "sync.full", json!({})).await;
    assert!(started.elapsed() >= std::time::Duration::from_secs(1));
    let retries: u64 = slices
        .iter()
        .filter_map(|s| s.result["slice"]["retries"].as_u64())
        .sum();
    assert_eq!(retries, 1);
    assert_index_is_jira(&app, "sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_migration_applies_on_both_engines() {
    for database in engines("migrations") {
        let (app, _data) = start_app(database.as_deref()).await;
        let tables = query(&app, "SELECT COUNT(*) FROM worklogs").await;
        assert_eq!(int(&tables[0][0]), 0);
        // The context names the engine: the journal's size estimate is its.
        worklogs_host::sync::run_slices(app.host(), "sync.full", "{}", 100, |_| {})
            .await
            .unwrap();
        let (engine, bytes) = match database {
            None => ("sqlite", 250),
            Some(_) => ("mysql", 387),
        };
        let dave = app.demo().unwrap().account_id("dave");
        let ctx = app
            .host()
            .context(worklogs_host::protocol::EntryPoint::Person, Some(dave));
        app.host()
            .run(
                &ctx,
                "journal.settings.save",
                r#"{"retentionDays": null, "comments": true}"#,
            )
            .await
            .unwrap();
        let journal: serde_json::Value = serde_json::from_str(
            &app.host()
                .run(&ctx, "journal.settings.get", "{}")
                .await
                .unwrap(),
        )
        .unwrap();
        assert_eq!(journal["engine"], engine, "{journal}");
        let versions = journal["versions"].as_i64().unwrap();
        assert!(versions > 0, "{journal}");
        assert_eq!(
            journal["approxBytes"].as_i64(),
            Some(versions * bytes),
            "{journal}"
        );
    }
}
