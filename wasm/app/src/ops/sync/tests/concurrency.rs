//! Concurrent invocations of one installation, interleaved batch by batch
//! ([`FakeHost::run_interleaved`]): every run reads, calls Jira and writes while
//! the others do, at every offset. The defined outcomes are in
//! `docs/reliability.md` ("Concurrency"): Jira decides, the index follows
//! Jira, and no interleaving doubles a row or loses a change.

use super::*;

/// The offsets (in batches) at which the second run starts after the first.
const OFFSETS: std::ops::Range<usize> = 0..12;

/// Runs `slices` of each operation interleaved until every one says no more
/// remains; returns each run's last result.
fn interleaved_to_the_end(host: &mut FakeHost, runs: &[(usize, Option<&str>, &str, Json)]) {
    let mut pending: Vec<(usize, Option<&str>, &str, Json)> = runs.to_vec();
    for _ in 0..200 {
        if pending.is_empty() {
            return;
        }
        let results = host.run_interleaved(&pending);
        let mut next = Vec::new();
        for (run, result) in pending.iter().zip(results) {
            let result = result.unwrap_or_else(|e| panic!("{} failed: {e}", run.2));
            if result["more"] == json!(true) {
                next.push((0, run.1, run.2, run.3.clone()));
            }
        }
        pending = next;
    }
    panic!("the interleaved runs did not finish in 200 rounds");
}

#[test]
fn two_people_editing_the_same_worklog_leave_jiras_last_write_in_the_index() {
    for offset in OFFSETS {
        let sim = sim();
        let mut host = job(&sim);
        slices(&mut host, "sync.full", json!({}));
        host.act_as(Some("alice"));
        let logged = host
            .run(
                "worklog.log",
                json!({"issue": "ALPHA-2", "started": "2026-11-24T09:00:00+01:00", "seconds": 3600}),
            )
            .unwrap();
        let id = logged["id"].as_str().unwrap().to_owned();
        // The author and an administrator change it at once.
        let results = host.run_interleaved(&[
            (
                0,
                Some("alice"),
                "worklog.update",
                json!({"issue": "ALPHA-2", "id": id, "seconds": 1800, "comment": "alice's"}),
            ),
            (
                offset,
                Some("dave"),
                "worklog.update",
                json!({"issue": "ALPHA-2", "id": id, "seconds": 5400, "comment": "dave's"}),
            ),
        ]);
        for result in &results {
            assert!(result.is_ok(), "offset {offset}: {result:?}");
        }
        // Jira keeps the last write (no version check on a worklog: last writer
        // wins), and the index holds exactly what Jira holds.
        let seconds = sim.with_world(|w| {
            w.worklog_facts()
                .into_iter()
                .find(|f| f.id.to_string() == id)
                .map(|f| f.seconds)
        });
        assert!(
            matches!(seconds, Some(1800 | 5400)),
            "offset {offset}: {seconds:?}"
        );
        assert_index_is_jira(&host, &sim, &[]);
    }
}

#[test]
fn a_worklog_event_during_a_sync_slice_leaves_the_index_equal_to_jira() {
    for offset in OFFSETS {
        let sim = sim();
        let mut host = job(&sim);
        slices(&mut host, "sync.full", json!({}));
        let jira = InProcess::new(&sim).unwrap();
        let reply = jira.send(
            Caller::Account("alice"),
            "POST",
            "/rest/api/3/issue/ALPHA-2/worklog",
            Some(r#"{"started": "2026-11-24T10:00:00.000+0100", "timeSpentSeconds": 900}"#),
        );
        let created: Json = serde_json::from_str(&reply.body).unwrap();
        let id = created["id"].as_str().unwrap().to_owned();
        // Edited in Jira too, so the feed and the event both carry it.
        jira.send(
            Caller::Account("alice"),
            "PUT",
            &format!("/rest/api/3/issue/ALPHA-2/worklog/{id}"),
            Some(r#"{"timeSpentSeconds": 2700}"#),
        );
        later(&sim, &mut host);
        let event = json!({"eventType": "avi:jira:updated:worklog", "atlassianId": "x",
                           "worklog": {"id": id, "issueId": created["issueId"]}});
        let results = host.run_interleaved(&[
            (0, None, "sync.incremental", json!({})),
            (offset, None, "sync.worklog-event", event),
        ]);
        for result in &results {
            assert!(result.is_ok(), "offset {offset}: {result:?}");
        }
        assert_index_is_jira(&host, &sim, &[]);
        // A deletion in Jira, its event and the next slice, at once.
        jira.send(
            Caller::Account("alice"),
            "DELETE",
            &format!("/rest/api/3/issue/ALPHA-2/worklog/{id}"),
            None,
        );
        later(&sim, &mut host);
        let event = json!({"eventType": "avi:jira:deleted:worklog", "atlassianId": "x",
                           "worklog": {"id": id, "issueId": created["issueId"]}});
        let results = host.run_interleaved(&[
            (offset, None, "sync.worklog-event", event),
            (0, None, "sync.incremental", json!({})),
        ]);
        for result in &results {
            assert!(result.is_ok(), "offset {offset}: {result:?}");
        }
        assert_index_is_jira(&host, &sim, &[]);
    }
}

#[test]
fn two_full_imports_started_at_once_never_double_a_row_and_end_equal_to_jira() {
    for offset in OFFSETS.step_by(3) {
        let sim = sim();
        let mut host = job(&sim);
        // The scheduled import and an administrator's, slice against slice.
        interleaved_to_the_end(
            &mut host,
            &[
                (
                    0,
                    None,
                    "sync.full",
                    json!({"maxWorklogs": 1000, "parallel": 1}),
                ),
                (
                    offset,
                    Some("dave"),
                    "sync.full",
                    json!({"maxWorklogs": 1000, "parallel": 2}),
                ),
            ],
        );
        let rows = host.query("SELECT COUNT(*), COUNT(DISTINCT id) FROM worklogs");
        assert_eq!(rows[0][0], rows[0][1], "offset {offset}");
        assert_index_is_jira(&host, &sim, &[]);
        let status = host.run("sync.status", json!({})).unwrap();
        assert_eq!(status["imported"], true, "offset {offset}: {status}");
        assert_eq!(status["running"], Json::Null, "offset {offset}: {status}");
    }
}

#[test]
fn the_scheduled_sync_overlapping_a_manual_one_loses_no_change() {
    for offset in OFFSETS.step_by(2) {
        let sim = sim();
        let mut host = job(&sim);
        slices(&mut host, "sync.full", json!({}));
        let jira = InProcess::new(&sim).unwrap();
        // Changes in Jira: new worklogs, an edit, a deletion.
        let mut ids = Vec::new();
        for minutes in [15, 30, 45] {
            let reply = jira.send(
                Caller::Account("alice"),
                "POST",
                "/rest/api/3/issue/ALPHA-3/worklog",
                Some(&format!(
                    r#"{{"started": "2026-11-23T10:00:00.000+0100", "timeSpentSeconds": {}}}"#,
                    minutes * 60
                )),
            );
            let created: Json = serde_json::from_str(&reply.body).unwrap();
            ids.push(created["id"].as_str().unwrap().to_owned());
        }
        jira.send(
            Caller::Account("alice"),
            "PUT",
            &format!("/rest/api/3/issue/ALPHA-3/worklog/{}", ids[0]),
            Some(r#"{"timeSpentSeconds": 600}"#),
        );
        jira.send(
            Caller::Account("alice"),
            "DELETE",
            &format!("/rest/api/3/issue/ALPHA-3/worklog/{}", ids[1]),
            None,
        );
        later(&sim, &mut host);
        interleaved_to_the_end(
            &mut host,
            &[
                (0, None, "sync.incremental", json!({})),
                (offset, Some("dave"), "sync.incremental", json!({})),
            ],
        );
        assert_index_is_jira(&host, &sim, &[]);
        // The next run (the cursor the last checkpoint left) finds nothing missed.
        later(&sim, &mut host);
        let next = slices(&mut host, "sync.incremental", json!({}));
        assert_index_is_jira(&host, &sim, &[]);
        assert_eq!(next.last().unwrap()["more"], false);
    }
}

#[test]
fn a_report_during_a_full_import_counts_what_is_indexed_so_far() {
    let sim = sim();
    let mut host = job(&sim);
    let first = host
        .run("sync.full", json!({"maxWorklogs": 1000, "parallel": 1}))
        .unwrap();
    assert_eq!(first["more"], true, "{first}");
    let indexed = host.query("SELECT COUNT(*) FROM worklogs")[0][0].clone();
    host.act_as(Some("dave"));
    let status = host.run("sync.status", json!({})).unwrap();
    assert_eq!(status["imported"], false, "{status}");
    assert!(status["running"].is_object(), "{status}");
    let query = json!({"period": {"from": "2020-01-01", "to": "2026-11-24"}, "timeZone": "UTC"});
    let partial = host.run("report.run", query.clone()).unwrap();
    let counted = partial["worklogs"].as_i64().unwrap();
    assert!(
        counted > 0 && counted <= int(&indexed),
        "{counted} of {indexed:?}"
    );
    // It says that it is partial, and up to when the index holds worklogs.
    assert_eq!(partial["indexComplete"], false, "{partial}");
    let missing = partial["indexMissing"].as_str().unwrap_or_default();
    assert!(
        missing.starts_with("a full import is running: worklogs updated after "),
        "{partial}"
    );
    // A report interleaved with the import's next slices answers, too.
    let results = host.run_interleaved(&[
        (
            0,
            None,
            "sync.full",
            json!({"maxWorklogs": 1000, "parallel": 1}),
        ),
        (3, Some("dave"), "report.run", query.clone()),
    ]);
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    host.act_as(None);
    slices(&mut host, "sync.full", json!({}));
    host.act_as(Some("dave"));
    let whole = host.run("report.run", query).unwrap();
    assert!(
        whole["worklogs"].as_i64().unwrap() > counted,
        "{whole} after {counted}"
    );
    assert_eq!(whole["indexComplete"], true, "{whole}");
    assert!(whole.get("indexMissing").is_none(), "{whole}");
}

/// One worklog's seconds in the index.
fn indexed_seconds(host: &FakeHost, id: &str) -> i64 {
    int(&host.query(&format!("SELECT seconds FROM worklogs WHERE id = {id}"))[0][0])
}

#[test]
fn a_slow_writer_never_leaves_its_older_copy_over_a_newer_one() {
    // Alice's update takes `k` batches (her PUT is in the first), then Dave's
    // whole update runs, then Alice's finishes: her copy of the worklog is
    // older than Dave's, which Jira keeps.
    for k in 1..8 {
        let sim = sim();
        let mut host = job(&sim);
        slices(&mut host, "sync.full", json!({}));
        host.act_as(Some("alice"));
        let logged = host
            .run(
                "worklog.log",
                json!({"issue": "ALPHA-2", "started": "2026-11-24T09:00:00+01:00", "seconds": 3600}),
            )
            .unwrap();
        let id = logged["id"].as_str().unwrap().to_owned();
        host.act_as(None);
        let mut turns = vec![0; k];
        turns.extend([1; 20]);
        let results = host.run_in_turns(
            &[
                (
                    Some("alice"),
                    "worklog.update",
                    json!({"issue": "ALPHA-2", "id": id, "seconds": 1800}),
                ),
                (
                    Some("dave"),
                    "worklog.update",
                    json!({"issue": "ALPHA-2", "id": id, "seconds": 5400}),
                ),
            ],
            &turns,
        );
        assert!(results.iter().all(Result::is_ok), "k {k}: {results:?}");
        let in_jira = sim.with_world(|w| {
            w.worklog_facts()
                .into_iter()
                .find(|f| f.id.to_string() == id)
                .map(|f| f.seconds)
        });
        // Jira keeps the last PUT (which one depends on k).
        let in_jira = in_jira.unwrap();
        // The index holds Jira's copy at once: the slower writer's row is
        // written only where the index's copy is not newer.
        assert_eq!(indexed_seconds(&host, &id), in_jira, "k {k}, at once");
        // The next incremental sync reads the worklog again (its update time
        // is after the last cursor) and the index holds Jira's copy.
        later(&sim, &mut host);
        slices(&mut host, "sync.incremental", json!({}));
        assert_eq!(indexed_seconds(&host, &id), in_jira, "k {k}");
        assert_index_is_jira(&host, &sim, &[]);
    }
}

#[test]
fn an_older_copy_of_a_worklog_never_replaces_a_newer_one_in_the_index() {
    let sim = sim();
    let mut host = job(&sim);
    slices(&mut host, "sync.full", json!({}));
    let row = host.query("SELECT id, issue, updated FROM worklogs ORDER BY id LIMIT 1");
    let (id, issue, updated) = (int(&row[0][0]), int(&row[0][1]), int(&row[0][2]));
    // As if a concurrent write had stored a copy Jira made later than the one
    // an event is about to read.
    host.exec(&format!(
        "UPDATE worklogs SET seconds = 1, updated = {} WHERE id = {id}",
        updated + 1000
    ));
    let event = json!({"eventType": "avi:jira:updated:worklog", "atlassianId": "x",
                       "worklog": {"id": id.to_string(), "issueId": issue.to_string()}});
    host.run("sync.worklog-event", event).unwrap();
    assert_eq!(indexed_seconds(&host, &id.to_string()), 1);
    // A repair writes Jira's copy whatever the index holds.
    let day = host.query(&format!("SELECT started FROM worklogs WHERE id = {id}"));
    let day = chrono::DateTime::from_timestamp_millis(int(&day[0][0]))
        .unwrap()
        .date_naive()
        .to_string();
    slices(
        &mut host,
        "sync.verify",
        json!({"from": day, "to": day, "repair": true}),
    );
    assert_index_is_jira(&host, &sim, &[]);
}
