//! Restoring worklogs from the journal through the real component, on both
//! engines (SQLite always; MariaDB when `WORKLOGS_TEST_MYSQL_URL` names a
//! server, as in `sync.rs`), against the simulator under Jira Cloud's
//! documented rate limits: 300 worklogs of two projects deleted in Jira, one
//! of their authors then deactivated; `restore.plan`, then `restore.run` in
//! slices. Afterwards the index and `report.run` equal what they were before,
//! Jira holds every worklog again (the deactivated author's as the app's,
//! naming them), and a second run changes nothing. Prints the restore rate.

use std::collections::BTreeMap;
use std::time::Instant;

use crate::common::{int, query, text};
use crate::engines::{engines, sim, start_app};
use serde_json::{json, Value as Json};
use worklogs_host::protocol::EntryPoint;
use worklogs_host::sync::run_slices;
use worklogs_host::App;

/// A worklog's content, without its id and update time (a recreated worklog
/// has new ones): issue, project, author, started, seconds, visibility,
/// attributes, whether it has a comment.
type Content = (
    i64,
    i64,
    String,
    i64,
    i64,
    Option<String>,
    Option<String>,
    bool,
);

/// The index's worklogs as a sorted list of contents.
async fn index_contents(app: &App) -> Vec<Content> {
    let mut out: Vec<Content> = query(
        app,
        "SELECT w.issue, w.project, a.value, w.started, w.seconds, v.value, t.value, w.note \
         FROM worklogs w JOIN dict a ON a.site = w.site AND a.id = w.author \
         LEFT JOIN dict v ON v.site = w.site AND v.id = w.visibility \
         LEFT JOIN dict t ON t.site = w.site AND t.id = w.attrs ORDER BY w.id LIMIT 100000",
    )
    .await
    .into_iter()
    .map(|r| {
        (
            int(&r[0]),
            int(&r[1]),
            text(&r[2]).unwrap(),
            int(&r[3]),
            int(&r[4]),
            text(&r[5]),
            text(&r[6]),
            int(&r[7]) != 0,
        )
    })
    .collect();
    out.sort();
    out
}

/// A worklog in Jira: issue, project, author, started, seconds, visibility,
/// attributes, comment as plain text.
type JiraContent = (
    i64,
    i64,
    String,
    i64,
    i64,
    Option<(String, String)>,
    Option<Json>,
    String,
);

/// Jira's worklogs, sorted.
fn jira_contents(app: &App) -> Vec<JiraContent> {
    let mut out: Vec<_> = sim(app)
        .with_world(|w| w.worklog_facts())
        .into_iter()
        .map(|f| {
            (
                f.issue_id as i64,
                f.project_id as i64,
                f.author,
                f.started_ms,
                f.seconds,
                f.visibility,
                f.attributes,
                f.comment.as_ref().map(plain).unwrap_or_default(),
            )
        })
        .collect();
    out.sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
    out
}

async fn run_as(app: &App, who: &str, operation: &str, input: &Json) -> Json {
    let ctx = app.host().context(
        EntryPoint::Person,
        Some(app.demo().unwrap().account_id(who)),
    );
    let out = app
        .host()
        .run(&ctx, operation, &input.to_string())
        .await
        .unwrap_or_else(|err| panic!("{operation}: {err}"));
    serde_json::from_str(&out).unwrap()
}

async fn report(app: &App) -> Json {
    let ctx = app.host().context(EntryPoint::Job, None);
    let input = json!({"timeZone": "UTC", "period": {"from": "2026-06-01", "to": "2026-11-24"},
                       "groupBy": ["person", "issue"]});
    let out = app
        .host()
        .run(&ctx, "report.run", &input.to_string())
        .await
        .unwrap_or_else(|err| panic!("report.run: {err}"));
    serde_json::from_str(&out).unwrap()
}

/// Runs `restore.run` as dave until it answers `more: false`; every slice's
/// answer.
async fn restore(app: &App, selection: &Json) -> Vec<Json> {
    let mut slices = Vec::new();
    for _ in 0..100 {
        let out = run_as(app, "dave", "restore.run", selection).await;
        let more = out["more"] == json!(true);
        slices.push(out);
        if !more {
            return slices;
        }
    }
    panic!("restore.run did not finish in 100 slices");
}

/// The text of an ADF document, its paragraphs' texts joined by new lines.
fn plain(doc: &Json) -> String {
    fn walk(node: &Json, out: &mut String) {
        if let Some(t) = node.get("text").and_then(Json::as_str) {
            out.push_str(t);
        }
        if node.get("type").and_then(Json::as_str) == Some("hardBreak") {
            out.push('\n');
        }
        for (i, child) in node
            .get("content")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            if i > 0 && child.get("type").and_then(Json::as_str) == Some("paragraph") {
                out.push('\n');
            }
            walk(child, out);
        }
    }
    let mut out = String::new();
    walk(doc, &mut out);
    out.trim().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_hundred_deleted_worklogs_come_back_from_the_journal() {
    for database in engines("restore") {
        let engine = if database.is_some() {
            "mariadb"
        } else {
            "sqlite"
        };
        let (app, _data) = start_app(database.as_deref()).await;
        run_slices(
            app.host(),
            "sync.full",
            r#"{"maxWorklogs": 1000, "parallel": 2}"#,
            1000,
            |_| {},
        )
        .await
        .unwrap_or_else(|err| panic!("{engine}: sync.full: {err}"));
        let index_before = index_contents(&app).await;
        let report_before = report(&app).await;
        let jira_before = jira_contents(&app);

        // 300 worklogs of ALPHA (10000) and BETA (10001), 150 each.
        let facts = sim(&app).with_world(|w| w.worklog_facts());
        let mut chosen = Vec::new();
        for project in [10000u64, 10001] {
            chosen.extend(
                facts
                    .iter()
                    .filter(|f| f.project_id == project)
                    .take(150)
                    .cloned(),
            );
        }
        assert_eq!(chosen.len(), 300, "{engine}");
        // The author to deactivate: the chosen worklogs' least frequent one,
        // not dave, who restores.
        let dave = app.demo().unwrap().account_id("dave");
        let mut by_author: BTreeMap<String, usize> = BTreeMap::new();
        for f in chosen.iter().filter(|f| f.author != dave) {
            *by_author.entry(f.author.clone()).or_default() += 1;
        }
        let (gone_author, gone_count) = by_author
            .iter()
            .min_by_key(|(_, n)| **n)
            .map(|(a, n)| (a.clone(), *n))
            .unwrap();

        let from_ms = worklogs_host::now_ms();
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        let statuses = tokio::task::spawn_blocking({
            let chosen = chosen.clone();
            let app_sim = sim(&app).clone();
            move || {
                let client = jira_sim::InProcess::new(&app_sim).unwrap();
                chosen
                    .iter()
                    .map(|f| {
                        client
                            .send(
                                jira_sim::Caller::App,
                                "DELETE",
                                &format!("/rest/api/3/issue/{}/worklog/{}", f.issue_id, f.id),
                                None,
                            )
                            .status
                    })
                    .filter(|s| *s != 204)
                    .count()
            }
        })
        .await
        .unwrap();
        assert_eq!(statuses, 0, "{engine}: every deletion succeeds");
        sim(&app).with_world(|w| w.advance_time(120_000));
        let slices = run_slices(app.host(), "sync.incremental", "{}", 1000, |_| {})
            .await
            .unwrap_or_else(|err| panic!("{engine}: sync.incremental: {err}"));
        assert_eq!(
            slices.last().unwrap().result["totals"]["deleted"],
            300,
            "{engine}"
        );
        let gone = tokio::task::spawn_blocking({
            let app_sim = sim(&app).clone();
            let who = gone_author.clone();
            move || {
                jira_sim::InProcess::new(&app_sim)
                    .unwrap()
                    .send(
                        jira_sim::Caller::App,
                        "POST",
                        &format!("/sim/accounts/{who}"),
                        Some(r#"{"status":"deactivated"}"#),
                    )
                    .status
            }
        })
        .await
        .unwrap();
        assert_eq!(gone, 200, "{engine}");

        let selection = json!({"fromMs": from_ms, "toMs": worklogs_host::now_ms() + 3_600_000});
        sim(&app).set_rate_limits(Some(jira_sim::RateLimits::documented()));
        let plan = run_as(&app, "dave", "restore.plan", &selection).await;
        let totals = &plan["totals"];
        assert_eq!(totals["recreate"]["count"], 300, "{engine}: {totals}");
        assert_eq!(totals["cannot"]["count"], 0, "{engine}: {totals}");
        assert_eq!(plan["worklogs"].as_array().unwrap().len(), 300, "{engine}");
        let planned_as_app = plan["worklogs"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|w| w["path"] == "app")
            .count();
        assert!(
            planned_as_app >= gone_count,
            "{engine}: {planned_as_app} as the app"
        );
        for w in plan["worklogs"].as_array().unwrap() {
            if w["author"] == json!(gone_author) {
                assert_eq!(w["path"], "app", "{engine}: {w}");
            }
        }

        let started = Instant::now();
        let slices = restore(&app, &selection).await;
        let took = started.elapsed();
        let last = &slices.last().unwrap()["state"]["totals"];
        assert_eq!(last["recreate"]["count"], 300, "{engine}: {last}");
        assert!(
            last["asApp"]["count"].as_u64().unwrap() >= gone_count as u64,
            "{engine}: {last}"
        );
        eprintln!(
            "{engine}: restored 300 worklogs in {} slices, {:.1} s: {:.1} worklogs/s under the documented rate limits ({})",
            slices.len(),
            took.as_secs_f64(),
            300.0 / took.as_secs_f64(),
            sim(&app).rate_limit_stats().unwrap_or_default()
        );
        sim(&app).set_rate_limits(None);

        // The index and the report as before; Jira as before but for the
        // deactivated author's worklogs, now the app's.
        assert_eq!(index_contents(&app).await, index_before, "{engine}: index");
        assert_eq!(report(&app).await, report_before, "{engine}: report");
        let app_account = sim(&app)
            .with_world(|w| w.account_id("app").map(str::to_owned))
            .unwrap();
        let as_app: Vec<String> = slices
            .iter()
            .flat_map(|s| s["worklogs"].as_array().unwrap().clone())
            .filter(|w| w["path"] == "app")
            .map(|w| w["id"].as_str().unwrap().to_owned())
            .collect();
        let app_ids: Vec<u64> = as_app.iter().map(|i| i.parse().unwrap()).collect();
        let expected: Vec<_> = {
            let mut e = jira_before.clone();
            e.sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
            e
        };
        let mut now: Vec<_> = sim(&app)
            .with_world(|w| w.worklog_facts())
            .into_iter()
            .map(|f| {
                let author = if app_ids.contains(&f.id) {
                    assert_eq!(f.author, app_account, "{engine}: the app's copy");
                    // Counted for the original author: compare as theirs.
                    String::new()
                } else {
                    f.author
                };
                (
                    f.issue_id as i64,
                    f.project_id as i64,
                    author,
                    f.started_ms,
                    f.seconds,
                    f.visibility,
                    f.attributes,
                    f.comment.as_ref().map(plain).unwrap_or_default(),
                )
            })
            .collect();
        assert_eq!(now.len(), expected.len(), "{engine}: worklogs in jira");
        // Every worklog of Jira now is one of before (the app's copies with
        // their author left open).
        let mut unmatched = expected.clone();
        now.sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
        for n in &now {
            let at = unmatched.iter().position(|e| {
                e.0 == n.0
                    && (n.2.is_empty() || e.2 == n.2)
                    && e.3 == n.3
                    && e.4 == n.4
                    && e.5 == n.5
                    && e.6 == n.6
                    && e.7 == n.7
            });
            match at {
                Some(i) => {
                    unmatched.remove(i);
                }
                None => panic!("{engine}: a worklog jira did not hold before: {n:?}"),
            }
        }

        // Again: nothing changes.
        let count = sim(&app).with_world(|w| w.worklog_facts()).len();
        let again = restore(&app, &selection).await;
        let totals = &again.last().unwrap()["state"]["totals"];
        assert_eq!(totals["recreate"]["count"], 0, "{engine}: {totals}");
        assert_eq!(totals["revert"]["count"], 0, "{engine}: {totals}");
        assert_eq!(totals["unchanged"]["count"], 300, "{engine}: {totals}");
        assert_eq!(sim(&app).with_world(|w| w.worklog_facts()).len(), count);
        // A sync reads the copies as the restore wrote them.
        sim(&app).with_world(|w| w.advance_time(120_000));
        run_slices(app.host(), "sync.incremental", "{}", 1000, |_| {})
            .await
            .unwrap_or_else(|err| panic!("{engine}: sync.incremental: {err}"));
        assert_eq!(
            index_contents(&app).await,
            index_before,
            "{engine}: index after a sync"
        );
        let audit = run_as(&app, "dave", "audit.list", &json!({"subject": "worklogs"})).await;
        let entries = audit["entries"].as_array().map_or(0, Vec::len);
        assert!(
            entries >= 2,
            "{engine}: an audit entry per restore: {audit}"
        );
    }
}
