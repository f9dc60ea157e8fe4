//! `privacy.report` against the real simulator (in-process) and SQLite: closed
//! accounts erased from the index in bounded, resumable slices, updated ones
//! counted, retries, and refusals.

use jira_sim::{Caller, Fault, InProcess, Sim, World};
use serde_json::{json, Value as Json};

use crate::index::{dict_id, Kind};
use crate::protocol::{Effect, Value};
use crate::testing::{http, FakeHost};

/// 2026-11-24T12:00:00Z, when the demo's history ends.
const NOW: i64 = 1_795_521_600_000;

fn sim() -> Sim {
    let mut world = World::demo(1);
    world.set_time(NOW);
    Sim::new(world)
}

/// A job on the simulator, with the index imported.
fn imported(sim: &Sim) -> FakeHost {
    let mut host = FakeHost::new(None).on_sim(sim);
    host.now_ms = NOW;
    let out = host.run("sync.full", json!({})).unwrap();
    assert_eq!(out["more"], json!(false));
    host
}

/// Marks a demo person's account `closed`, `updated` or `active`.
fn set_account(sim: &Sim, alias: &str, status: &str) -> String {
    let client = InProcess::new(sim).unwrap();
    let reply = client.send(
        Caller::App,
        "POST",
        &format!("/sim/accounts/{alias}"),
        Some(&json!({ "status": status }).to_string()),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    let body: Json = serde_json::from_str(&reply.body).unwrap();
    body["accountId"].as_str().unwrap().to_owned()
}

fn count(host: &FakeHost, sql: &str) -> i64 {
    match host.query(sql).first().and_then(|r| r.first()) {
        Some(Value::Int(n)) => *n,
        other => panic!("{sql}: {other:?}"),
    }
}

fn authored(host: &FakeHost, account: &str) -> i64 {
    count(
        host,
        &format!(
            "SELECT COUNT(*) FROM worklogs WHERE author = {}",
            dict_id(Kind::Account, account)
        ),
    )
}

/// Runs slices until done; returns them.
fn slices(host: &mut FakeHost, input: Json) -> Vec<Json> {
    let mut out = Vec::new();
    for _ in 0..1000 {
        let result = host.run("privacy.report", input.clone()).unwrap();
        let more = result["more"] == json!(true);
        out.push(result);
        if !more {
            return out;
        }
    }
    panic!("privacy.report did not finish in 1000 slices");
}

#[test]
fn a_person_is_refused_before_anything_is_read() {
    let mut host = FakeHost::new(Some("alice"));
    let e = host.run("privacy.report", json!({})).unwrap_err();
    assert!(e.is_forbidden(), "{e}");
    assert!(
        e.message().contains("may not be started by a person"),
        "{e}"
    );
    assert!(host.batches.is_empty());
}

#[test]
fn bad_input_names_the_field_and_the_value() {
    let mut host = FakeHost::new(None);
    let e = host
        .run("privacy.report", json!({"maxItems": 0}))
        .unwrap_err();
    assert_eq!(
        e.message(),
        "invalid input: field \"maxItems\": 0 is out of range (1 to 200000)"
    );
    let e = host
        .run("privacy.report", json!({"maxAccounts": 5}))
        .unwrap_err();
    assert!(e.is_invalid_input(), "{e}");
}

#[test]
fn an_empty_index_reports_nothing() {
    let mut host = FakeHost::new(None);
    let out = host.run("privacy.report", json!({})).unwrap();
    assert_eq!(out["more"], json!(false));
    assert_eq!(out["phase"], json!("done"));
    assert_eq!(out["totals"]["reported"], json!(0));
    assert!(host.jira_requests().is_empty());
}

#[test]
fn every_stored_account_is_reported_as_the_app_and_nothing_changes_when_all_are_active() {
    let sim = sim();
    let mut host = imported(&sim);
    let authors = count(&host, "SELECT COUNT(DISTINCT author) FROM worklogs");
    let entries = count(&host, "SELECT COUNT(*) FROM dict WHERE kind = 1");
    let worklogs = count(&host, "SELECT COUNT(*) FROM worklogs");
    host.batches.clear();
    let out = host.run("privacy.report", json!({})).unwrap();
    assert_eq!(out["more"], json!(false), "{out}");
    assert_eq!(out["totals"]["reported"], json!(entries));
    assert!(entries >= authors && authors > 1);
    assert_eq!(out["totals"]["closed"], json!(0));
    let reports: Vec<_> = host
        .jira_requests()
        .into_iter()
        .filter(|r| r.path == "/app/report-accounts")
        .collect();
    assert!(!reports.is_empty());
    for request in &reports {
        assert_eq!(request.principal, crate::protocol::Principal::App);
        assert_eq!(request.method, "POST");
        let body: Json = serde_json::from_str(request.body.as_deref().unwrap()).unwrap();
        let accounts = body["accounts"].as_array().unwrap();
        assert!(!accounts.is_empty() && accounts.len() <= 90);
        for account in accounts {
            let at = account["updatedAt"].as_str().unwrap();
            assert!(at.ends_with('Z') && at.len() == 24, "{at}");
        }
    }
    assert_eq!(count(&host, "SELECT COUNT(*) FROM worklogs"), worklogs);
}

#[test]
fn a_closed_account_is_anonymised_and_its_worklogs_still_count() {
    let sim = sim();
    let mut host = imported(&sim);
    let bob = set_account(&sim, "bob", "closed");
    set_account(&sim, "alice", "updated");
    let seconds = count(&host, "SELECT SUM(seconds) FROM worklogs");
    let worklogs = count(&host, "SELECT COUNT(*) FROM worklogs");
    let bobs = authored(&host, &bob);
    assert!(bobs > 0);

    let out = host.run("privacy.report", json!({})).unwrap();
    assert_eq!(out["more"], json!(false), "{out}");
    assert_eq!(out["totals"]["closed"], json!(1));
    assert_eq!(out["totals"]["updated"], json!(1));
    assert_eq!(out["totals"]["erased"], json!(1));

    // The account id is gone from every table; the numbers are not.
    assert_eq!(authored(&host, &bob), 0);
    let dump = host.query("SELECT value FROM dict");
    assert!(dump
        .iter()
        .all(|r| !matches!(&r[0], Value::Text(t) if t.contains(&bob))));
    let settings = host.query("SELECT value FROM settings");
    assert!(settings
        .iter()
        .all(|r| !matches!(&r[0], Value::Text(t) if t.contains(&bob))));
    assert_eq!(count(&host, "SELECT SUM(seconds) FROM worklogs"), seconds);
    assert_eq!(count(&host, "SELECT COUNT(*) FROM worklogs"), worklogs);
    let label = dict_id(Kind::FormerUser, "Former user 1");
    assert_eq!(
        count(
            &host,
            &format!("SELECT COUNT(*) FROM worklogs WHERE author = {label}")
        ),
        bobs
    );
    assert_eq!(
        host.query_text("SELECT value FROM dict WHERE kind = 10")
            .as_deref(),
        Some("Former user 1")
    );

    // The next run no longer reports the account.
    let again = host.run("privacy.report", json!({})).unwrap();
    assert_eq!(
        again["totals"]["reported"].as_u64().unwrap() + 1,
        out["totals"]["reported"].as_u64().unwrap()
    );
    assert_eq!(again["totals"]["closed"], json!(0));
}

#[test]
fn closed_accounts_in_custom_field_values_become_the_label() {
    let sim = sim();
    let mut host = imported(&sim);
    let carol = set_account(&sim, "carol", "closed");
    let entry = format!(r#"{{"customfield_10200":["{carol}","x_%"]}}"#);
    host.exec(&format!(
        "INSERT INTO dict (site, id, kind, value) VALUES (1, 7, 9, '{entry}')"
    ));
    host.run("privacy.report", json!({})).unwrap();
    let value = host
        .query_text("SELECT value FROM dict WHERE id = 7")
        .unwrap();
    assert!(!value.contains(&carol), "{value}");
    assert!(value.contains("\"Former user 1\""), "{value}");
}

#[test]
fn small_slices_resume_and_end_where_one_run_ends() {
    let sim = sim();
    let mut whole = imported(&sim);
    let mut sliced = imported(&sim);
    for alias in ["bob", "carol"] {
        set_account(&sim, alias, "closed");
    }
    let one = whole.run("privacy.report", json!({})).unwrap();
    let many = slices(&mut sliced, json!({"maxItems": 7}));
    assert!(many.len() > 5, "{}", many.len());
    assert!(many.iter().any(|s| s["phase"] == json!("erasing")));
    let last = many.last().unwrap();
    assert_eq!(last["totals"], one["totals"]);
    let dump = "SELECT site, id, author, seconds FROM worklogs ORDER BY id";
    assert_eq!(whole.query(dump), sliced.query(dump));
    let dict = "SELECT id, kind, value FROM dict ORDER BY id";
    assert_eq!(whole.query(dict), sliced.query(dict));
}

#[test]
fn a_run_killed_anywhere_resumes_without_losing_an_erasure() {
    let first = sim();
    let mut reference = imported(&first);
    let bob = set_account(&first, "bob", "closed");
    let bobs = authored(&reference, &bob);
    reference
        .run("privacy.report", json!({"maxItems": 50}))
        .unwrap();
    while reference.run("privacy.report", json!({})).unwrap()["more"] == json!(true) {}
    let worklogs = "SELECT id, author, seconds FROM worklogs ORDER BY id";
    let expected = reference.query(worklogs);

    let mut seed: u64 = 0x5eed;
    for _ in 0..12 {
        let sim2 = sim();
        set_account(&sim2, "bob", "closed");
        let mut host = imported(&sim2);
        let mut finished = false;
        for _ in 0..200 {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            let kill_after = 1 + (seed >> 33) % 40;
            match host.run_until("privacy.report", r#"{"maxItems": 50}"#, kill_after) {
                Some(Ok(out)) if out["more"] == json!(false) => {
                    finished = true;
                    break;
                }
                Some(Ok(_)) | None => {}
                Some(Err(e)) => panic!("{e}"),
            }
        }
        assert!(finished);
        assert_eq!(authored(&host, &bob), 0);
        // The same rows, each under one label (numbers may differ when a kill
        // fell between the report and its checkpoint, which asks again).
        let rows = host.query(worklogs);
        assert_eq!(rows.len(), expected.len());
        let labelled = count(
            &host,
            "SELECT COUNT(*) FROM worklogs w JOIN dict d ON d.id = w.author WHERE d.kind = 10",
        );
        assert_eq!(labelled, bobs);
        assert_eq!(
            count(
                &host,
                "SELECT COUNT(*) FROM worklogs w LEFT JOIN dict d ON d.id = w.author WHERE d.id IS NULL"
            ),
            0
        );
    }
}

#[test]
fn busy_answers_are_retried_after_retry_after() {
    let sim = sim();
    let mut host = imported(&sim);
    sim.inject(Fault::status("/app/report-accounts", 429).retry_after(2));
    let out = host.run("privacy.report", json!({})).unwrap();
    assert_eq!(out["more"], json!(false));
    assert_eq!(out["slice"]["retries"], json!(1));
    // Retry-After, never less, at most a fifth more (jitter).
    assert_eq!(host.slept.len(), 1);
    assert!((2000..=2400).contains(&host.slept[0]), "{:?}", host.slept);
}

#[test]
fn a_failing_api_fails_the_slice_and_the_next_one_resumes() {
    let sim = sim();
    let mut host = imported(&sim);
    sim.inject(Fault::status("/app/report-accounts", 503).times(5));
    let e = host.run("privacy.report", json!({})).unwrap_err();
    assert!(e.is_upstream(), "{e}");
    assert!(e.message().contains("/app/report-accounts"), "{e}");
    let out = host.run("privacy.report", json!({})).unwrap();
    assert_eq!(out["more"], json!(false));
}

#[test]
fn only_accounts_of_the_page_are_acted_on() {
    let mut host = FakeHost::new(None).on_jira(|request| {
        assert_eq!(request.path, "/app/report-accounts");
        http(
            200,
            r#"{"accounts":[{"accountId":"someone-else","status":"closed"},{"accountId":"a-1","status":"novel"}]}"#,
        )
    });
    host.exec("INSERT INTO sites (installation, site) VALUES ('site-1', 1)");
    host.exec(&format!(
        "INSERT INTO dict (site, id, kind, value) VALUES (1, {}, 1, 'a-1')",
        dict_id(Kind::Account, "a-1")
    ));
    let out = host.run("privacy.report", json!({})).unwrap();
    assert_eq!(out["totals"]["reported"], json!(1));
    assert_eq!(out["totals"]["closed"], json!(0));
    assert_eq!(count(&host, "SELECT COUNT(*) FROM dict WHERE kind = 1"), 1);
}

#[test]
fn an_unexpected_answer_is_upstream() {
    let mut host = FakeHost::new(None).on_jira(|_| http(200, "not json"));
    host.exec("INSERT INTO sites (installation, site) VALUES ('site-1', 1)");
    host.exec("INSERT INTO dict (site, id, kind, value) VALUES (1, 5, 1, 'a-1')");
    let e = host.run("privacy.report", json!({})).unwrap_err();
    assert!(e.is_upstream(), "{e}");
    let mut host = FakeHost::new(None).on_jira(|_| http(403, r#"{"message":"no scope"}"#));
    host.exec("INSERT INTO sites (installation, site) VALUES ('site-1', 1)");
    host.exec("INSERT INTO dict (site, id, kind, value) VALUES (1, 5, 1, 'a-1')");
    let e = host.run("privacy.report", json!({})).unwrap_err();
    assert!(e.is_forbidden(), "{e}");
}

#[test]
fn column_sources_page_by_account_and_delete_rows() {
    use crate::executor::Run;
    use crate::index::privacy::{Column, Scope, Source};
    let source = Source::Column(Column {
        table: "grants",
        scope: Scope::Installation,
        account: "account",
        updated: "updated_ms",
    });
    let mut host = FakeHost::new(None);
    host.exec(
        "CREATE TABLE grants (installation VARCHAR(255), account VARCHAR(128), updated_ms BIGINT)",
    );
    host.exec(
        "INSERT INTO grants VALUES ('site-1', 'b', 5), ('site-1', 'a', 3), ('site-1', 'a', 9), \
         ('other', 'c', 1)",
    );
    let run_page = |host: &mut FakeHost| {
        let mut run = Run::with(crate::testing::context(None), move |ctx| {
            Box::pin(async move {
                let page = source.page(&ctx, 1, None, 0).await?;
                let erased = source.erase(&ctx, 1, "a", "unused", 10).await?;
                Ok(format!("{page:?} {erased:?}"))
            })
        });
        let mut step = run.resume(vec![]);
        loop {
            match step {
                crate::protocol::Step::Done(r) => return r.unwrap(),
                crate::protocol::Step::Wait(batch) => {
                    let answers = batch
                        .iter()
                        .map(|r| {
                            let Effect::Sql(s) = &r.effect else { panic!() };
                            let rows = host.query_params(&s.sql, &s.params);
                            crate::protocol::Answer {
                                id: r.id,
                                outcome: crate::protocol::Outcome::Sql(Ok(rows)),
                            }
                        })
                        .collect();
                    step = run.resume(answers);
                }
            }
        }
    };
    let text = run_page(&mut host);
    assert!(text.contains(r#"account: "a", updated_ms: 9"#), "{text}");
    assert!(text.contains(r#"account: "b", updated_ms: 5"#), "{text}");
    assert!(!text.contains(r#""c""#), "{text}");
    assert!(text.contains("rows: 2, done: true"), "{text}");
    assert_eq!(count(&host, "SELECT COUNT(*) FROM grants"), 2);
}

#[test]
fn verification_accepts_erased_authors_as_no_drift() {
    let sim = sim();
    let mut host = imported(&sim);
    let verify = json!({"from": "2026-10-26", "to": "2026-11-24"});
    let before = host.run("sync.verify", verify.clone()).unwrap();
    assert_eq!(before["driftCount"], json!(0), "{before}");
    let bob = set_account(&sim, "bob", "closed");
    host.run("privacy.report", json!({})).unwrap();
    assert_eq!(authored(&host, &bob), 0);
    let after = host.run("sync.verify", verify).unwrap();
    assert_eq!(after["driftCount"], json!(0), "{after}");
    assert!(after["indexWorklogs"].as_u64().unwrap() > 0);
}

/// After erasure, a sync that reads the closed account's worklogs from Jira
/// again (a full re-import, or their events) writes the label, never the id.
#[test]
fn erasure_sticks_through_later_syncs() {
    let sim = sim();
    let mut host = imported(&sim);
    let bob = set_account(&sim, "bob", "closed");
    let bobs = authored(&host, &bob);
    assert!(bobs > 0);
    host.run("privacy.report", json!({})).unwrap();
    assert_eq!(authored(&host, &bob), 0);
    let stored = host.query("SELECT hash FROM erased_accounts");
    assert_eq!(stored.len(), 1);
    assert!(stored
        .iter()
        .all(|r| !matches!(&r[0], Value::Text(t) if t.contains(&bob))));

    // Every worklog written again, from Jira (as a rebuilt index would).
    host.exec("DELETE FROM worklogs");
    for _ in 0..100 {
        let out = host.run("sync.full", json!({"restart": true})).unwrap();
        if out["more"] == json!(false) {
            break;
        }
    }
    host.run(
        "sync.verify",
        json!({"from": "2026-11-01", "to": "2026-11-24", "repair": true}),
    )
    .unwrap();
    assert_eq!(authored(&host, &bob), 0, "the id came back");
    let label = dict_id(Kind::FormerUser, "Former user 1");
    assert_eq!(
        count(
            &host,
            &format!("SELECT COUNT(*) FROM worklogs WHERE author = {label}")
        ),
        bobs,
        "the time still counts, under the label"
    );
    let dump = host.query("SELECT value FROM dict");
    assert!(dump
        .iter()
        .all(|r| !matches!(&r[0], Value::Text(t) if t.contains(&bob))));
}

/// Every text of the approval tables, to look for an account id in.
fn approval_texts(host: &FakeHost) -> Vec<String> {
    let mut out = Vec::new();
    for sql in [
        "SELECT account, decided_by, reason FROM approval_periods",
        "SELECT account, actor, replaced FROM approval_history",
        "SELECT account, body, fingerprint FROM approval_snapshots",
        "SELECT account, before_body, after_body, resolved_by FROM approval_drift",
    ] {
        for row in host.query(sql) {
            for cell in row {
                if let Value::Text(t) = cell {
                    out.push(t);
                }
            }
        }
    }
    out
}

/// The approval tables are a source: a reviewer stored only there is
/// reported, and a closed person's and reviewer's ids become their labels in
/// columns and inside the snapshots' JSON, while the approved time keeps its
/// state in reports.
#[test]
fn approval_data_is_reported_and_erased_to_labels() {
    let sim = sim();
    let mut host = imported(&sim);
    let id = |alias: &str| {
        sim.with_world(|w| w.account_id(alias).map(str::to_owned))
            .unwrap()
    };
    let (alice, erin) = (id("alice"), id("erin"));
    host.act_as(Some(&id("dave")));
    host.run(
        "approval.rules.save",
        json!({"rules": [{"reviewers": "stakeholders", "teams": ["team-alpha"]}]}),
    )
    .unwrap();
    host.act_as(Some(&alice));
    let view = host
        .run("approval.submit", json!({"date": "2026-11-18"}))
        .unwrap();
    host.act_as(Some(&erin));
    host.run(
        "approval.approve",
        json!({"accountId": alice, "periodStart": view["start"]}),
    )
    .unwrap();
    let approved_query = json!({"timeZone": "UTC", "period": {"from": "2026-11-01", "to": "2026-11-30"},
                                "filter": {"approvalStates": ["approved"]}});
    host.act_as(None);
    let approved = host.run("report.run", approved_query.clone()).unwrap();
    assert!(approved["totalSeconds"].as_u64().unwrap() > 0, "{approved}");
    assert!(approval_texts(&host).iter().any(|t| t.contains(&erin)));
    assert!(approval_texts(&host).iter().any(|t| t.contains(&alice)));
    // erin logs no work: only the approval tables store her id.
    assert_eq!(authored(&host, &erin), 0);

    host.batches.clear();
    let out = host.run("privacy.report", json!({})).unwrap();
    assert_eq!(out["totals"]["closed"], json!(0));
    let reported: Vec<String> = host
        .jira_requests()
        .into_iter()
        .filter(|r| r.path == "/app/report-accounts")
        .flat_map(|r| {
            let body: Json = serde_json::from_str(r.body.as_deref().unwrap()).unwrap();
            body["accounts"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a["accountId"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(reported.contains(&erin), "{reported:?}");
    assert!(reported.iter().filter(|a| **a == alice).count() >= 2);

    set_account(&sim, "alice", "closed");
    set_account(&sim, "erin", "closed");
    let out = host.run("privacy.report", json!({})).unwrap();
    assert_eq!(out["more"], json!(false), "{out}");
    assert!(out["totals"]["rows"].as_u64().unwrap() > 0, "{out}");
    let texts = approval_texts(&host);
    assert!(!texts.is_empty());
    for t in &texts {
        assert!(!t.contains(&alice) && !t.contains(&erin), "{t}");
    }
    // alice's period under the label the index gave her worklogs.
    let rows = host.query("SELECT account, account_key, decided_by, state FROM approval_periods");
    assert_eq!(rows.len(), 1);
    let Value::Text(label) = &rows[0][0] else {
        panic!("{rows:?}")
    };
    assert!(label.starts_with("Former user "), "{label}");
    assert_eq!(rows[0][1], Value::Int(dict_id(Kind::FormerUser, label)));
    assert!(
        count(
            &host,
            &format!(
                "SELECT COUNT(*) FROM worklogs WHERE author = {}",
                dict_id(Kind::FormerUser, label)
            )
        ) > 0
    );
    assert!(matches!(&rows[0][2], Value::Text(t) if t.starts_with("Former user ") && t != label));
    let snapshots = host.query("SELECT body FROM approval_snapshots");
    assert!(!snapshots.is_empty());
    assert!(snapshots
        .iter()
        .all(|r| matches!(&r[0], Value::Text(t) if t.contains(&format!("\"{label}\"")))));
    // The approved time still counts as approved, under the label.
    let after = host.run("report.run", approved_query).unwrap();
    assert_eq!(after["totalSeconds"], approved["totalSeconds"]);
    // A later run reports neither id again, nor the labels.
    host.batches.clear();
    let again = host.run("privacy.report", json!({})).unwrap();
    assert_eq!(again["totals"]["closed"], json!(0), "{again}");
    for r in host.jira_requests() {
        if r.path == "/app/report-accounts" {
            let body = r.body.unwrap();
            assert!(
                !body.contains(&alice) && !body.contains(&erin) && !body.contains("Former user")
            );
        }
    }
}
