//! The worklog journal (`index::journal`): every version the index stores is
//! journaled once, from where it was seen; a deletion keeps the last state.

use super::*;
use crate::index::journal::{self, Filter, Version};
use crate::index::WorklogRow;

/// `(worklog, seq, source, deleted, comment is stored)` of every version.
fn versions(host: &FakeHost) -> Vec<(i64, i64, i64, i64, bool)> {
    host.query(
        "SELECT worklog, seq, source, deleted, comment FROM worklog_journal ORDER BY worklog, seq",
    )
    .iter()
    .map(|r| {
        (
            int(&r[0]),
            int(&r[1]),
            int(&r[2]),
            int(&r[3]),
            r[4] != Value::Null,
        )
    })
    .collect()
}

fn latest(host: &mut FakeHost, id: i64, at_ms: Option<i64>) -> Option<Version> {
    let out = host
        .run_with(move |ctx| {
            Box::pin(async move {
                let site = crate::index::site(&ctx).await?;
                let found = match at_ms {
                    Some(at) => journal::latest_before(&ctx, site, &[id], at).await?,
                    None => journal::latest(&ctx, site, &[id]).await?,
                };
                Ok(serde_json::to_string(&found.get(&id)).unwrap())
            })
        })
        .unwrap();
    serde_json::from_value(out).unwrap()
}

fn window(host: &mut FakeHost, filter: Filter) -> Vec<Version> {
    let out = host
        .run_with(move |ctx| {
            Box::pin(async move {
                let site = crate::index::site(&ctx).await?;
                let mut all = Vec::new();
                let mut after = None;
                loop {
                    let page = journal::versions(&ctx, site, &filter, after, 40).await?;
                    let Some(last) = page.last() else { break };
                    after = Some(last.cursor());
                    all.extend(page);
                }
                Ok(serde_json::to_string(&all).unwrap())
            })
        })
        .unwrap();
    serde_json::from_value(out).unwrap()
}

#[test]
fn a_sync_journals_every_worklog_once_and_a_second_sync_nothing() {
    let sim = sim();
    let mut host = job(&sim);
    slices(&mut host, "sync.full", json!({}));
    let first = versions(&host);
    let worklogs = jira_worklogs(&sim);
    assert_eq!(first.len(), worklogs.len());
    assert!(first.iter().all(|v| v.1 == 1 && v.2 == 3 && v.3 == 0));
    // Comments are kept by default.
    let with_comment = worklogs.values().filter(|f| f.note != 0).count();
    assert_eq!(first.iter().filter(|v| v.4).count(), with_comment);
    // Again from the start: the index is rewritten, the journal is not.
    slices(&mut host, "sync.full", json!({"restart": true}));
    later(&sim, &mut host);
    slices(&mut host, "sync.incremental", json!({}));
    assert_eq!(versions(&host), first);
    // Every version of the window, paged, equals the table.
    let all = window(
        &mut host,
        Filter {
            from_ms: 0,
            to_ms: i64::MAX,
            ..Filter::default()
        },
    );
    assert_eq!(all.len(), first.len());
    let project = all[0].project;
    let in_project = window(
        &mut host,
        Filter {
            from_ms: 0,
            to_ms: i64::MAX,
            project: Some(project),
            ..Filter::default()
        },
    );
    assert!(!in_project.is_empty() && in_project.len() < all.len());
    assert!(in_project.iter().all(|v| v.project == project));
    assert!(in_project.iter().all(|v| v.comment.is_none()));
}

#[test]
fn edits_events_own_writes_and_deletions_are_versions() {
    let sim = sim();
    let mut host = job(&sim);
    slices(&mut host, "sync.full", json!({}));
    let synced_at = host.now_ms;
    later(&sim, &mut host);
    // The app's own write, then its event: one version, from the app.
    host.act_as(Some("alice"));
    let logged = host
        .run(
            "worklog.log",
            json!({"issue": "ALPHA-2", "started": "2026-11-24T09:00:00+01:00", "timeSpent": "1h",
                   "comment": "Pairing on the parser"}),
        )
        .unwrap();
    let id: i64 = logged["id"].as_str().unwrap().parse().unwrap();
    let issue_id = logged["issueId"].clone();
    host.act_as(None);
    let event = |kind: &str| {
        json!({"eventType": format!("avi:jira:{kind}:worklog"), "atlassianId": "x",
               "worklog": {"id": id.to_string(), "issueId": issue_id}})
    };
    host.run("sync.worklog-event", event("created")).unwrap();
    let mine: Vec<_> = versions(&host).into_iter().filter(|v| v.0 == id).collect();
    assert_eq!(mine, vec![(id, 1, 1, 0, true)]);
    let logged_at = host.now_ms;

    // Changed in Jira: the event journals it; the sync after it adds nothing.
    later(&sim, &mut host);
    let jira = InProcess::new(&sim).unwrap();
    let reply = jira.send(
        Caller::Account("alice"),
        "PUT",
        &format!("/rest/api/3/issue/ALPHA-2/worklog/{id}"),
        Some(r#"{"timeSpentSeconds": 5400}"#),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    host.run("sync.worklog-event", event("updated")).unwrap();
    later(&sim, &mut host);
    slices(&mut host, "sync.incremental", json!({}));
    let mine: Vec<_> = versions(&host).into_iter().filter(|v| v.0 == id).collect();
    assert_eq!(mine, vec![(id, 1, 1, 0, true), (id, 2, 2, 0, true)]);

    // Deleted in Jira: the sync journals the last state as deleted, once.
    later(&sim, &mut host);
    let reply = jira.send(
        Caller::App,
        "DELETE",
        &format!("/rest/api/3/issue/ALPHA-2/worklog/{id}"),
        None,
    );
    assert_eq!(reply.status, 204, "{}", reply.body);
    later(&sim, &mut host);
    slices(&mut host, "sync.incremental", json!({}));
    host.run("sync.worklog-event", event("deleted")).unwrap();
    let mine: Vec<_> = versions(&host).into_iter().filter(|v| v.0 == id).collect();
    assert_eq!(
        mine,
        vec![
            (id, 1, 1, 0, true),
            (id, 2, 2, 0, true),
            (id, 3, 3, 1, true)
        ]
    );
    let last = latest(&mut host, id, None).unwrap();
    assert!(last.deleted);
    assert_eq!(last.seconds, 5400);
    let alice = last.author.clone().expect("the author's account id");
    assert_eq!(
        crate::adf::to_plain_text(last.comment.as_ref().unwrap()),
        "Pairing on the parser"
    );
    // As it was when first logged, and nothing before that.
    let first = latest(&mut host, id, Some(logged_at)).unwrap();
    assert_eq!((first.seq, first.seconds, first.deleted), (1, 3600, false));
    assert_eq!(first.source, journal::Source::App);
    assert_eq!(latest(&mut host, id, Some(synced_at)), None);
    // By person, in the window since the import.
    let alices = window(
        &mut host,
        Filter {
            from_ms: synced_at + 1,
            to_ms: i64::MAX,
            author: Some(alice),
            comments: true,
            ..Filter::default()
        },
    );
    assert_eq!(alices.len(), 3);
    assert!(alices
        .iter()
        .all(|v| v.worklog == id && v.comment.is_some()));
}

#[test]
fn with_comments_off_no_comment_is_journaled() {
    let sim = sim();
    let mut host = job(&sim);
    host.exec(
        "INSERT INTO settings VALUES ('site-1', 'journal', '{\"retentionDays\":null,\"comments\":false}', 0)",
    );
    slices(&mut host, "sync.full", json!({}));
    let all = versions(&host);
    assert_eq!(all.len(), jira_worklogs(&sim).len());
    assert!(all.iter().all(|v| !v.4));
    // The comment's hash is still kept, so a changed comment is a version.
    let noted: i64 = int(&host.query("SELECT COUNT(*) FROM worklog_journal WHERE note <> 0")[0][0]);
    assert!(noted > 0);
}

#[test]
fn erasure_relabels_a_closed_accounts_versions_and_prune_keeps_current_ones() {
    let sim = sim();
    let mut host = job(&sim);
    slices(&mut host, "sync.full", json!({}));
    let (account, id) = {
        let r = host.query(
            "SELECT a.value, j.worklog FROM worklog_journal j JOIN dict a ON a.site = j.site \
             AND a.id = j.author WHERE j.comment IS NOT NULL ORDER BY j.worklog LIMIT 1",
        );
        (text(&r[0][0]).unwrap(), int(&r[0][1]))
    };
    let source = crate::index::privacy::SOURCES[0];
    let erased = host
        .run_with(move |ctx| {
            Box::pin(async move {
                let site = crate::index::site(&ctx).await?;
                let e = source
                    .erase(&ctx, site, &account, "Former user 1", 100_000)
                    .await?;
                Ok(e.done.to_string())
            })
        })
        .unwrap();
    assert_eq!(erased, json!(true));
    let version = latest(&mut host, id, None).unwrap();
    assert_eq!(version.author, None);
    assert_eq!(version.author_label.as_deref(), Some("Former user 1"));
    assert_eq!(version.comment, None);

    // Retention: a second version of one worklog, then everything is old.
    host.exec(&format!(
        "INSERT INTO worklog_journal SELECT site, worklog, 2, issue, project, author, started, \
         seconds + 60, updated, visibility, attrs, note, NULL, 0, seen_at, source, hash + 1 \
         FROM worklog_journal WHERE worklog = {id}"
    ));
    let before = versions(&host).len();
    host.exec(
        "INSERT INTO settings VALUES ('site-1', 'journal', '{\"retentionDays\":1,\"comments\":true}', 0)",
    );
    host.now_ms += 3 * 86_400_000;
    let out = host.run("journal.prune", json!({})).unwrap();
    assert_eq!(out, json!({"more": false, "pruned": 1, "cleared": 0}));
    assert_eq!(versions(&host).len(), before - 1);
    assert_eq!(latest(&mut host, id, None).unwrap().seq, 2);
}

/// Plans a store of `second` beside (before) the write of a store of `first`,
/// as a sync plans its next round while one is written, then writes both in
/// order; `overlay`: the second plan reads the index as the first leaves it.
fn plan_beside_a_write(host: &mut FakeHost, first: WorklogRow, second: WorklogRow, overlay: bool) {
    host.run_with(move |ctx| {
        Box::pin(async move {
            let site = crate::index::site(&ctx).await?;
            let fetch = crate::index::IssueFetch {
                custom: Vec::new(),
                parallel: 1,
                patient: true,
            };
            let how = crate::index::How {
                site,
                fetch: &fetch,
                source: crate::index::JournalSource::Sync,
                force: false,
            };
            let mut plan = crate::index::plan_worklogs(&ctx, &how, &[first], None).await?;
            let written = plan.take_written();
            let before = written.as_ref().filter(|_| overlay);
            let next = crate::index::plan_worklogs(&ctx, &how, &[second], before).await?;
            plan.write(&ctx).await?;
            next.write(&ctx).await?;
            Ok("null".to_owned())
        })
    })
    .unwrap();
}

#[test]
fn a_round_planned_beside_a_write_journals_after_it() {
    // A worklog changed again between two rounds of a sync is in both: the
    // second round, planned while the first is written, numbers its version
    // after the first round's, never over it (the journal's REPLACE would
    // lose a version).
    let sim = sim();
    let mut host = job(&sim);
    slices(&mut host, "sync.full", json!({}));
    let row = &host.query("SELECT id, issue, started, seconds, updated FROM worklogs LIMIT 1")[0];
    let (id, issue, started, seconds, updated) = (
        int(&row[0]),
        int(&row[1]),
        int(&row[2]),
        int(&row[3]),
        int(&row[4]),
    );
    let author = host
        .query_text(&format!(
            "SELECT d.value FROM worklogs w JOIN dict d ON d.id = w.author WHERE w.id = {id}"
        ))
        .unwrap();
    let version = |seconds: i64, updated: i64| WorklogRow {
        id,
        issue,
        author: author.clone(),
        started,
        seconds,
        updated,
        visibility: None,
        attributes: None,
        note: 0,
        comment: None,
    };
    let seqs = |host: &FakeHost| -> Vec<(i64, i64)> {
        host.query(&format!(
            "SELECT seq, seconds FROM worklog_journal WHERE worklog = {id} ORDER BY seq"
        ))
        .iter()
        .map(|r| (int(&r[0]), int(&r[1])))
        .collect()
    };
    let first = seqs(&host);
    assert_eq!(first.len(), 1, "{first:?}");
    plan_beside_a_write(
        &mut host,
        version(seconds + 60, updated + 1000),
        version(seconds + 120, updated + 2000),
        true,
    );
    assert_eq!(
        seqs(&host),
        vec![first[0], (2, seconds + 60), (3, seconds + 120)]
    );
    let indexed = host.query(&format!(
        "SELECT seconds, updated FROM worklogs WHERE id = {id}"
    ));
    assert_eq!(
        (int(&indexed[0][0]), int(&indexed[0][1])),
        (seconds + 120, updated + 2000)
    );
}

#[test]
fn while_a_period_is_locked_every_round_is_watched_before_it_is_planned() {
    // The approvals' watch may restore a worklog, which writes the index: a
    // round is planned beside the write before only while nothing is locked,
    // otherwise after it, the watch first (it reads the rows' snapshots).
    let sim = sim();
    let mut host = job(&sim);
    host.exec(&format!(
        "INSERT INTO approval_periods (installation, account, start_date, end_date, \
         account_key, zone, start_ms, end_ms, state, updated) VALUES ('{}', 'someone', \
         '2020-01-06', '2020-01-12', 0, 'UTC', 0, 1, 'approved', 0)",
        crate::testing::INSTALLATION
    ));
    slices(&mut host, "sync.full", json!({"parallel": 1}));
    let rounds = host
        .jira_requests()
        .iter()
        .filter(|r| r.path.contains("/worklog/list"))
        .count();
    // Each watched worklog's id is a parameter of a snapshot read (a worklog
    // the feed repeats across rounds is watched twice).
    let watched: usize = host
        .sql_statements(0)
        .iter()
        .filter(|s| s.sql.contains("FROM approval_snapshots"))
        .map(|s| s.params.len() - 1)
        .sum();
    let indexed = int(&host.query("SELECT COUNT(*) FROM worklogs")[0][0]);
    assert!(rounds >= 2, "{rounds} rounds");
    assert!(watched as i64 >= indexed, "{watched} of {indexed} watched");
}

#[test]
fn a_sync_that_plans_beside_its_writes_counts_no_waits() {
    // The plan beside a write yields to the host once its reads answer: a
    // wait of no time, which the slice's count of waits before retries
    // does not take for one.
    let sim = sim();
    let mut host = job(&sim);
    let out = slices(&mut host, "sync.full", json!({"parallel": 1}));
    let rounds = host
        .jira_requests()
        .iter()
        .filter(|r| r.path.contains("/worklog/list"))
        .count();
    assert!(rounds >= 2, "{rounds} rounds");
    let yields = host.sleeps().iter().filter(|ms| **ms == 0).count();
    assert!(yields >= 1, "no round was planned beside a write");
    let waits: Vec<&Json> = out.iter().map(|o| &o["slice"]["retries"]).collect();
    assert!(waits.iter().all(|w| **w == json!(0)), "{waits:?}");
}
