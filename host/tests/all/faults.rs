//! Every operation that writes, with a fault at each of its effects in turn
//! ([`worklogs_host::faults`]), through the real component on wasmtime over
//! SQLite and the in-process simulator.
//!
//! For each operation: a run without faults counts its SQL statements and
//! Jira requests; then one run per (position, fault). After each: the answer
//! is `ok` or a clean error (never `internal` for a transient fault, never a
//! trap); then the repair a person or the platform would make (the next
//! `sync.incremental`, or the same call again for a setting) leaves the index
//! equal to Jira's worklogs, nothing lost or doubled, and the setting as
//! saved. The bounded test runs the first positions of each kind; the ignored
//! one every position: `cargo test --release -p worklogs-host --test all --
//! --ignored --nocapture faults::`.

use std::collections::BTreeMap;

use crate::common::{int, query, text};
use crate::engines::{sim, start_app};
use serde_json::{json, Value as Json};
use worklogs_host::faults::{Counts, Fault, FaultPlan, Faulty, Target};
use worklogs_host::protocol::{Context, EntryPoint, ErrorCode, TaskError, Value};
use worklogs_host::sync::run_slices;
use worklogs_host::App;

/// A host on the in-process simulator (seed 1, 1537 worklogs), imported.
async fn imported_app() -> (App, tempfile::TempDir) {
    let (app, data) = start_app(None).await;
    sync(&app).await;
    (app, data)
}

/// Runs `sync.incremental` to its end, past the feeds' quiet minute.
async fn sync(app: &App) {
    sim(app).with_world(|w| w.advance_time(120_000));
    run_slices(app.host(), "sync.incremental", "{}", 1000, |_| {})
        .await
        .unwrap_or_else(|err| panic!("sync.incremental: {err}"));
}

/// A worklog as both sides tell it: issue, author, started, seconds, updated,
/// attributes.
type Fact = (i64, String, i64, i64, i64, Option<Json>);

async fn index_facts(app: &App) -> BTreeMap<i64, Fact> {
    query(
        app,
        "SELECT w.id, w.issue, a.value, w.started, w.seconds, w.updated, t.value \
         FROM worklogs w JOIN dict a ON a.site = w.site AND a.id = w.author \
         LEFT JOIN dict t ON t.site = w.site AND t.id = w.attrs ORDER BY w.id LIMIT 100000",
    )
    .await
    .into_iter()
    .map(|r| {
        let attributes = text(&r[6]).map(|t| serde_json::from_str(&t).expect("JSON"));
        (
            int(&r[0]),
            (
                int(&r[1]),
                text(&r[2]).unwrap(),
                int(&r[3]),
                int(&r[4]),
                int(&r[5]),
                attributes,
            ),
        )
    })
    .collect()
}

fn jira_facts(app: &App) -> BTreeMap<i64, Fact> {
    sim(app)
        .with_world(|w| w.worklog_facts())
        .into_iter()
        .map(|f| {
            (
                f.id as i64,
                (
                    f.issue_id as i64,
                    f.author,
                    f.started_ms,
                    f.seconds,
                    f.updated_ms,
                    f.attributes,
                ),
            )
        })
        .collect()
}

/// The index holds exactly Jira's worklogs.
async fn assert_index_is_jira(app: &App, case: &str) {
    let (ours, theirs) = (index_facts(app).await, jira_facts(app));
    let missing: Vec<_> = theirs.keys().filter(|k| !ours.contains_key(k)).collect();
    let extra: Vec<_> = ours.keys().filter(|k| !theirs.contains_key(k)).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{case}: missing {missing:?}, extra {extra:?}"
    );
    for (id, fact) in &theirs {
        assert_eq!(ours.get(id), Some(fact), "{case}: worklog {id}");
    }
}

/// When the logs of [`Op::Log`] start: 2026-11-20T09:00+01:00.
const LOGGED_AT_MS: i64 = 1_795_161_600_000;

/// An operation under test: who runs it, its input for case `n`, what to
/// prepare first, and how to repair and check after a fault.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Log,
    Update,
    Delete,
    AttributeSave,
    ScheduleSave,
    SyncSlice,
    Submit,
    Approve,
    Reject,
    Reopen,
    Restore,
    Backup,
    BackupRestore,
    Privacy,
}

impl Op {
    /// In this order: the erasure comes last, since it leaves the index
    /// naming a closed account differently from Jira.
    const ALL: [Op; 14] = [
        Op::Log,
        Op::Update,
        Op::Delete,
        Op::AttributeSave,
        Op::ScheduleSave,
        Op::SyncSlice,
        Op::Submit,
        Op::Approve,
        Op::Reject,
        Op::Reopen,
        Op::Restore,
        Op::Backup,
        Op::BackupRestore,
        Op::Privacy,
    ];

    fn name(self) -> &'static str {
        match self {
            Op::Log => "worklog.log",
            Op::Update => "worklog.update",
            Op::Delete => "worklog.delete",
            Op::AttributeSave => "attribute.save",
            Op::ScheduleSave => "schedule.save",
            Op::SyncSlice => "sync.incremental",
            Op::Submit => "approval.submit",
            Op::Approve => "approval.approve",
            Op::Reject => "approval.reject",
            Op::Reopen => "approval.reopen",
            Op::Restore => "restore.run",
            Op::Backup => "backup.create",
            Op::BackupRestore => "backup.restore.run",
            Op::Privacy => "privacy.report",
        }
    }

    /// For an approval operation: the state it starts from and the state it
    /// leads to.
    fn transition(self) -> Option<(&'static str, &'static str)> {
        match self {
            Op::Submit => Some(("open", "submitted")),
            Op::Approve => Some(("submitted", "approved")),
            Op::Reject => Some(("submitted", "open")),
            Op::Reopen => Some(("approved", "open")),
            _ => None,
        }
    }

    /// For an approval operation: what its history and audit entries call it.
    fn done(self) -> Option<&'static str> {
        match self {
            Op::Submit => Some("submitted"),
            Op::Approve => Some("approved"),
            Op::Reject => Some("rejected"),
            Op::Reopen => Some("reopened"),
            _ => None,
        }
    }

    fn context(self, app: &App) -> Context {
        let demo = app.demo().unwrap();
        match self {
            Op::Log | Op::Update | Op::Delete | Op::Submit => app
                .host()
                .context(EntryPoint::Person, Some(demo.account_id("alice"))),
            Op::AttributeSave
            | Op::ScheduleSave
            | Op::Approve
            | Op::Reject
            | Op::Reopen
            | Op::Restore
            | Op::BackupRestore => app
                .host()
                .context(EntryPoint::Person, Some(demo.account_id("dave"))),
            Op::SyncSlice | Op::Backup | Op::Privacy => app.host().context(EntryPoint::Job, None),
        }
    }

    /// Prepares case `n` and returns its input.
    async fn prepare(self, app: &App, n: u32) -> Json {
        match self {
            Op::Log => json!({"issue": "ALPHA-3", "seconds": 60 * (n + 1),
                              "started": "2026-11-20T09:00:00.000+01:00"}),
            Op::Update | Op::Delete => {
                let ctx = Op::Log.context(app);
                let input = json!({"issue": "ALPHA-3", "seconds": 600,
                                   "started": "2026-11-19T09:00:00.000+01:00"});
                let out = app
                    .host()
                    .run(&ctx, "worklog.log", &input.to_string())
                    .await
                    .unwrap_or_else(|e| panic!("setting up: {e}"));
                let id = serde_json::from_str::<Json>(&out).unwrap()["id"].clone();
                if self == Op::Update {
                    json!({"issue": "ALPHA-3", "id": id, "seconds": 60 * (n + 1)})
                } else {
                    json!({"issue": "ALPHA-3", "id": id})
                }
            }
            Op::AttributeSave => json!({"attributes": [
                {"key": "billable", "name": format!("Billable {n}"), "type": "boolean", "required": false}
            ]}),
            Op::ScheduleSave => json!({"workingDays": ["mon", "tue", "wed", "thu", "fri"],
                                       "hoursPerDay": 4 + (n % 5)}),
            Op::SyncSlice => {
                // A change in Jira the app has not seen: a worklog logged by bob.
                let url = format!(
                    "{}/rest/api/3/issue/BETA-4/worklog",
                    app.demo().unwrap().base_url()
                );
                let reply = reqwest::Client::new()
                    .post(url)
                    .header("x-sim-account", "bob")
                    .json(&json!({"started": "2026-11-20T10:00:00.000+0100",
                                  "timeSpentSeconds": 60 * (n + 1)}))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(reply.status().as_u16(), 201);
                sim(app).with_world(|w| w.advance_time(120_000));
                json!({})
            }
            Op::Submit | Op::Approve | Op::Reject | Op::Reopen => {
                let (from, _) = self.transition().unwrap();
                let start = period_in(app, from).await;
                let alice = app.demo().unwrap().account_id("alice");
                match self {
                    Op::Submit => json!({"date": PERIOD_DAY}),
                    Op::Approve => json!({"accountId": alice, "periodStart": start}),
                    _ => json!({"accountId": alice, "periodStart": start,
                                "reason": format!("the fault matrix, case {n}")}),
                }
            }
            Op::Restore => {
                // A worklog alice logged, deleted in Jira itself (outside the
                // app) and seen by the sync: the restore brings it back from
                // the journal.
                let seconds = 60 * (i64::from(n) + 1) + 7;
                let logged = person(
                    app,
                    "alice",
                    "worklog.log",
                    &json!({"issue": "ALPHA-3", "seconds": seconds, "started": RESTORED_AT}),
                )
                .await
                .unwrap_or_else(|e| panic!("setting up: {e}"));
                tokio::time::sleep(std::time::Duration::from_millis(5)).await;
                let from_ms = worklogs_host::now_ms();
                let url = format!(
                    "{}/rest/api/3/issue/ALPHA-3/worklog/{}",
                    app.demo().unwrap().base_url(),
                    logged["id"].as_str().unwrap()
                );
                let reply = reqwest::Client::new()
                    .delete(url)
                    .header("x-sim-account", "alice")
                    .send()
                    .await
                    .unwrap();
                assert_eq!(reply.status().as_u16(), 204);
                sync(app).await;
                tokio::time::sleep(std::time::Duration::from_millis(5)).await;
                json!({"fromMs": from_ms, "toMs": worklogs_host::now_ms() + 1,
                       "issue": logged["issueId"].as_str().map_or_else(|| logged["issueId"].to_string(), str::to_owned),
                       CHECK: seconds})
            }
            Op::Backup => json!({}),
            Op::BackupRestore => {
                // An archive of the app's data, made once and restored by
                // every case.
                let archive = ARCHIVE.lock().unwrap().clone();
                let archive = match archive {
                    Some(archive) => archive,
                    None => {
                        let archive = backup_until_done(app, &json!({}), "setting up").await;
                        *ARCHIVE.lock().unwrap() = Some(archive.clone());
                        archive
                    }
                };
                json!({ "archive": archive })
            }
            Op::Privacy => {
                // A stored account closed (each case on a fresh host: erasure
                // sticks).
                let stored = query(
                    app,
                    "SELECT value FROM dict WHERE kind = 1 ORDER BY value LIMIT 1",
                )
                .await;
                let closing = text(&stored[0][0]).unwrap();
                set_account(app, &closing, "closed").await;
                *CLOSED.lock().unwrap() = closing;
                json!({})
            }
        }
    }

    /// What the answer says of Jira: an `ok` log is in Jira once, an `ok`
    /// update has changed it, an `ok` delete has removed it; a log is never in
    /// Jira twice.
    fn check_answer(self, app: &App, input: &Json, ok: bool, case: &str) {
        let facts = jira_facts(app);
        let seconds = input["seconds"].as_i64().unwrap_or(0);
        let id = input["id"].as_str().and_then(|id| id.parse::<i64>().ok());
        match self {
            Op::Log => {
                let alice = app.demo().unwrap().account_id("alice");
                let logged = facts
                    .values()
                    .filter(|f| f.1 == alice && f.3 == seconds && f.2 == LOGGED_AT_MS)
                    .count();
                assert!(logged <= 1, "{case}: logged {logged} times");
                if ok {
                    assert_eq!(logged, 1, "{case}");
                }
            }
            Op::Update if ok => {
                let fact = &facts[&id.unwrap()];
                assert_eq!(fact.3, seconds, "{case}");
            }
            Op::Delete if ok => assert!(!facts.contains_key(&id.unwrap()), "{case}"),
            Op::Restore => {
                let back = restored(app, input);
                assert!(back <= 1, "{case}: restored {back} times");
                if ok {
                    assert_eq!(back, 1, "{case}");
                }
            }
            _ => {}
        }
    }

    /// What a person or the platform does next, and the check that follows.
    async fn repair_and_check(self, app: &App, input: &Json, case: &str) {
        match self {
            Op::AttributeSave | Op::ScheduleSave => {
                // The person saves again; what is read back is what was saved.
                let ctx = self.context(app);
                let saved = app
                    .host()
                    .run(&ctx, self.name(), &input.to_string())
                    .await
                    .unwrap_or_else(|e| panic!("{case}: saving again: {e}"));
                let read = if self == Op::AttributeSave {
                    "attribute.list"
                } else {
                    "schedule.get"
                };
                let back = app
                    .host()
                    .run(&ctx, read, "{}")
                    .await
                    .unwrap_or_else(|e| panic!("{case}: {read}: {e}"));
                let (saved, back): (Json, Json) = (
                    serde_json::from_str(&saved).unwrap(),
                    serde_json::from_str(&back).unwrap(),
                );
                if self == Op::AttributeSave {
                    assert_eq!(back["attributes"], input["attributes"], "{case}");
                    assert_eq!(saved["attributes"], input["attributes"], "{case}");
                } else {
                    assert_eq!(back, saved, "{case}");
                }
                // The change is in the audit log, whatever the fault: its
                // newest entry of the setting holds the stored text.
                let name = if self == Op::AttributeSave {
                    "attributes"
                } else {
                    "schedule"
                };
                let stored = query(
                    app,
                    &format!("SELECT value FROM settings WHERE name = '{name}' LIMIT 1"),
                )
                .await;
                let stored = text(&stored[0][0]).unwrap();
                let log = app
                    .host()
                    .run(
                        &ctx,
                        "audit.list",
                        &json!({"subject": name, "limit": 1}).to_string(),
                    )
                    .await
                    .unwrap_or_else(|e| panic!("{case}: audit.list: {e}"));
                let log: Json = serde_json::from_str(&log).unwrap();
                assert_eq!(log["entries"][0]["after"], json!(stored), "{case}: {log}");
            }
            Op::Submit | Op::Approve | Op::Reject | Op::Reopen => {
                // An error leaves the period where it was or where the call
                // took it; the person calls again if it did not land; then
                // the period is where the call leads, the decision is in the
                // audit log, and the index is Jira's.
                let (from, to) = self.transition().unwrap();
                let after = period_state(app).await;
                assert!(after == from || after == to, "{case}: {after}");
                if after == from {
                    let ctx = self.context(app);
                    app.host()
                        .run(&ctx, self.name(), &op_input(input).to_string())
                        .await
                        .unwrap_or_else(|e| panic!("{case}: {} again: {e}", self.name()));
                }
                assert_eq!(period_state(app).await, to, "{case}");
                let log = person(app, "dave", "audit.list", &json!({"limit": 5}))
                    .await
                    .unwrap();
                let verb = self.name().trim_start_matches("approval.");
                assert!(
                    log["entries"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|e| { format!("{} {}", e["action"], e["subject"]).contains(verb) }),
                    "{case}: {log}"
                );
                sync(app).await;
                assert_index_is_jira(app, case).await;
            }
            Op::Restore => {
                // Dave runs the same restore again until it ends: the
                // worklog is in Jira once, as alice's, and the index is
                // Jira's.
                let selection = op_input(input);
                for slices in 0.. {
                    let again = person(app, "dave", "restore.run", &selection)
                        .await
                        .unwrap_or_else(|e| panic!("{case}: restore.run again: {e}"));
                    if again["more"] != json!(true) {
                        break;
                    }
                    assert!(slices < 50, "{case}: restore.run does not end");
                }
                let back = restored(app, input);
                if back != 1 && KNOWN_DUPLICATE.contains(&case) {
                    eprintln!("{case}: KNOWN FAILURE, restored {back} times (a recreate whose answer was lost)");
                } else {
                    assert_eq!(back, 1, "{case}: restored {back} times");
                }
                sync(app).await;
                assert_index_is_jira(app, case).await;
            }
            Op::Backup => {
                // The job runs again until it ends: the newest archive is
                // complete and every part verifies.
                let archive = backup_until_done(app, input, case).await;
                let list = person(app, "dave", "backup.list", &json!({}))
                    .await
                    .unwrap();
                let entry = list["archives"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|a| a["archive"] == json!(archive))
                    .cloned()
                    .unwrap_or_else(|| panic!("{case}: {archive} is not listed: {list}"));
                assert_eq!(entry["complete"], json!(true), "{case}: {entry}");
                let plan = until_done(
                    app,
                    "backup.restore.plan",
                    &json!({"archive": archive}),
                    case,
                )
                .await;
                assert_eq!(plan["verified"], json!(true), "{case}: {plan}");
            }
            Op::BackupRestore => {
                // Dave runs the same restore again until it ends: the app's
                // tables hold the archive's rows, none lost or doubled (the
                // audit log one more: the restore's own entry).
                until_done(app, "backup.restore.run", &op_input(input), case).await;
                let plan = until_done(app, "backup.restore.plan", &op_input(input), case).await;
                assert_eq!(plan["verified"], json!(true), "{case}: {plan}");
                for table in plan["plan"]["tables"].as_array().unwrap() {
                    let (archived, current) = (
                        table["archiveRows"].as_u64().unwrap(),
                        table["currentRows"].as_u64().unwrap(),
                    );
                    match table["table"].as_str().unwrap() {
                        "audit_log" => assert!(current > archived, "{case}: {table}"),
                        // The settings hold the jobs' checkpoints besides
                        // the archive's rows.
                        "settings" => assert!(current >= archived, "{case}: {table}"),
                        _ => assert_eq!(current, archived, "{case}: {table}"),
                    }
                }
                sync(app).await;
                assert_index_is_jira(app, case).await;
            }
            Op::Privacy => {
                // The job runs again: the closed account is erased, no
                // worklog is lost.
                run_slices(app.host(), "privacy.report", "{}", 100, |_| {})
                    .await
                    .unwrap_or_else(|e| panic!("{case}: privacy.report again: {e}"));
                let closed = CLOSED.lock().unwrap().clone();
                assert_eq!(stored_accounts(app, &closed).await, 0, "{case}");
                let ours: Vec<i64> = query(app, "SELECT id FROM worklogs ORDER BY id LIMIT 100000")
                    .await
                    .iter()
                    .map(|r| int(&r[0]))
                    .collect();
                let theirs: Vec<i64> = jira_facts(app).into_keys().collect();
                assert_eq!(ours, theirs, "{case}: worklogs differ");
            }
            _ => {
                sync(app).await;
                assert_index_is_jira(app, case).await;
            }
        }
    }
}

/// The key of an input that the test keeps for its checks and does not send.
const CHECK: &str = "_check";

/// The operation's input without the test's own key.
fn op_input(input: &Json) -> Json {
    let mut input = input.clone();
    if let Some(object) = input.as_object_mut() {
        object.remove(CHECK);
    }
    input
}

/// Runs `operation` as the demo person `who`; its answer as JSON.
async fn person(app: &App, who: &str, operation: &str, input: &Json) -> Result<Json, TaskError> {
    let ctx = app.host().context(
        EntryPoint::Person,
        Some(app.demo().unwrap().account_id(who)),
    );
    let out = app.host().run(&ctx, operation, &input.to_string()).await?;
    Ok(serde_json::from_str(&out).expect("JSON"))
}

/// Runs a sliced operation as dave until it answers `more: false`; its last
/// answer.
async fn until_done(app: &App, operation: &str, input: &Json, case: &str) -> Json {
    for _ in 0..100 {
        let answer = person(app, "dave", operation, input)
            .await
            .unwrap_or_else(|e| panic!("{case}: {operation}: {e}"));
        if answer["more"] != json!(true) {
            return answer;
        }
    }
    panic!("{case}: {operation} does not end")
}

/// Runs the backup job until it ends; the archive it made.
async fn backup_until_done(app: &App, input: &Json, case: &str) -> String {
    let ctx = app.host().context(EntryPoint::Job, None);
    let mut archive = None;
    for _ in 0..100 {
        let out = app
            .host()
            .run(&ctx, "backup.create", &input.to_string())
            .await
            .unwrap_or_else(|e| panic!("{case}: backup.create: {e}"));
        let answer: Json = serde_json::from_str(&out).unwrap();
        if let Some(a) = answer["archive"].as_str() {
            archive = Some(a.to_owned());
        }
        if answer["more"] != json!(true) {
            return archive.unwrap_or_else(|| panic!("{case}: no archive: {answer}"));
        }
    }
    panic!("{case}: backup.create does not end")
}

/// A day of alice's period that the approval operations move through the
/// workflow (the week of 2026-11-02: no other operation logs there).
const PERIOD_DAY: &str = "2026-11-04";

/// When the worklogs [`Op::Restore`] brings back start: 2026-11-18T09:00+01:00
/// (a day no other operation uses).
const RESTORED_AT: &str = "2026-11-18T09:00:00.000+01:00";
const RESTORED_AT_MS: i64 = 1_794_988_800_000;

/// The state of alice's period holding [`PERIOD_DAY`].
async fn period_state(app: &App) -> String {
    let status = person(
        app,
        "alice",
        "approval.status",
        &json!({"date": PERIOD_DAY}),
    )
    .await
    .unwrap_or_else(|e| panic!("approval.status: {e}"));
    status["state"].as_str().unwrap().to_owned()
}

/// Brings alice's period to `state` through the workflow; its first day.
async fn period_in(app: &App, state: &str) -> String {
    let alice = app.demo().unwrap().account_id("alice");
    for _ in 0..4 {
        let status = person(
            app,
            "alice",
            "approval.status",
            &json!({"date": PERIOD_DAY}),
        )
        .await
        .unwrap_or_else(|e| panic!("approval.status: {e}"));
        let (now, start) = (status["state"].as_str().unwrap(), status["start"].clone());
        if now == state {
            return start.as_str().unwrap().to_owned();
        }
        let reason = "the fault matrix starts again";
        let next = match now {
            "approved" => {
                person(
                    app,
                    "dave",
                    "approval.reopen",
                    &json!({"accountId": alice, "periodStart": start, "reason": reason}),
                )
                .await
            }
            "submitted" if state == "approved" => {
                person(
                    app,
                    "dave",
                    "approval.approve",
                    &json!({"accountId": alice, "periodStart": start}),
                )
                .await
            }
            "submitted" => {
                person(
                    app,
                    "dave",
                    "approval.reject",
                    &json!({"accountId": alice, "periodStart": start, "reason": reason}),
                )
                .await
            }
            _ => {
                person(
                    app,
                    "alice",
                    "approval.submit",
                    &json!({"date": PERIOD_DAY}),
                )
                .await
            }
        };
        next.unwrap_or_else(|e| panic!("from {now} towards {state}: {e}"));
    }
    panic!("alice's period does not reach {state}")
}

/// How many times Jira holds the worklog [`Op::Restore`] deleted (alice's, at
/// [`RESTORED_AT`], of the case's seconds).
fn restored(app: &App, input: &Json) -> usize {
    let alice = app.demo().unwrap().account_id("alice");
    let seconds = input[CHECK].as_i64().unwrap();
    jira_facts(app)
        .values()
        .filter(|f| f.1 == alice && f.3 == seconds && f.2 == RESTORED_AT_MS)
        .count()
}

/// The archive [`Op::BackupRestore`] restores.
static ARCHIVE: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);

/// Cases of `restore.run` known to recreate a worklog twice: a recreate
/// whose answer is lost (Jira performed the `POST`, the app does not know)
/// and whose copy the next run does not recognise. Empty when none is known.
const KNOWN_DUPLICATE: &[&str] = &[];

/// Sets a demo account's state in the simulator (`active`, `closed`).
async fn set_account(app: &App, who: &str, status: &str) {
    let url = format!("{}/sim/accounts/{who}", app.demo().unwrap().base_url());
    let reply = reqwest::Client::new()
        .post(url)
        .json(&json!({ "status": status }))
        .send()
        .await
        .unwrap();
    assert!(reply.status().is_success(), "{}", reply.status());
}

/// The account [`Op::Privacy`] closed last.
static CLOSED: std::sync::Mutex<String> = std::sync::Mutex::new(String::new());

/// How many times the index stores the account id `id` (0 or 1).
async fn stored_accounts(app: &App, id: &str) -> usize {
    assert!(id
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == ':' || c == '-'));
    query(
        app,
        &format!("SELECT id FROM dict WHERE kind = 1 AND value = '{id}' LIMIT 10"),
    )
    .await
    .len()
}

/// What a case's run and repair wrote to the audit log and to the approval
/// history: each change once, whatever the fault. A fault between an entry
/// and the change it records, repaired by the same call again, must not leave
/// two entries (or two history rows) for one change.
struct Written {
    /// The newest audit entry before the case.
    seq: i64,
    /// History rows of the operation's kind before the case.
    history: i64,
}

impl Written {
    async fn now(app: &App, op: Op) -> Self {
        let seq = query(app, "SELECT COALESCE(MAX(seq), 0) FROM audit_log LIMIT 1").await;
        Self {
            seq: int(&seq[0][0]),
            history: history_rows(app, op).await,
        }
    }

    async fn assert_once(&self, app: &App, op: Op, case: &str) {
        let entries: Vec<Vec<String>> = query(
            app,
            &format!(
                "SELECT action, subject, before_value, after_value, actor_kind, actor \
                 FROM audit_log WHERE seq > {} ORDER BY seq LIMIT 1000",
                self.seq
            ),
        )
        .await
        .iter()
        .map(|r| {
            r.iter()
                .map(|v| match v {
                    Value::Int(i) => i.to_string(),
                    other => text(other).unwrap_or_else(|| "NULL".to_owned()),
                })
                .collect()
        })
        .collect();
        let mut seen = std::collections::BTreeSet::new();
        for entry in &entries {
            assert!(
                seen.insert(entry),
                "{case}: an audit entry twice: {entry:?}"
            );
        }
        if let Some(done) = op.done() {
            let action = format!("approval.{done}");
            let recorded = entries.iter().filter(|e| e[0] == action).count();
            assert_eq!(
                recorded, 1,
                "{case}: {recorded} entries of {action}: {entries:?}"
            );
            let rows = history_rows(app, op).await - self.history;
            assert_eq!(rows, 1, "{case}: {rows} history rows of {done}");
        }
    }
}

/// The approval history's rows of `op`'s kind (0 for other operations).
async fn history_rows(app: &App, op: Op) -> i64 {
    match op.done() {
        Some(done) => int(&query(
            app,
            &format!("SELECT COUNT(*) FROM approval_history WHERE action = '{done}' LIMIT 1"),
        )
        .await[0][0]),
        None => 0,
    }
}

/// Runs `op` on `input` under `plan`; its answer and the effects it made.
async fn run(
    app: &App,
    op: Op,
    input: &Json,
    plan: FaultPlan,
) -> (Result<String, TaskError>, Counts) {
    let faulty = Faulty::new(app.host().effects(), plan).instant_waits();
    let ctx = op.context(app);
    let result = app
        .host()
        .runtime()
        .run(&ctx, op.name(), &op_input(input).to_string(), &faulty)
        .await;
    (result, faulty.counts())
}

/// The whole matrix, the first `cap` positions of each kind per operation;
/// the number of cases run.
async fn matrix(cap: u32) -> usize {
    let (shared, _data) = imported_app().await;
    // The operations whose cases each need a host of their own (a demo host
    // starts afresh: its world and its index).
    let mut fresh: Option<(App, tempfile::TempDir)> = None;
    let mut cases = 0;
    let mut n = 0;
    let mut answers: BTreeMap<(String, String), u32> = BTreeMap::new();
    for op in Op::ALL {
        n += 1;
        let own = op == Op::Privacy;
        if own {
            fresh = Some(imported_app().await);
        }
        let app = match &fresh {
            Some((app, _)) if own => app,
            _ => &shared,
        };
        let input = op.prepare(app, n).await;
        let (result, counts) = run(app, op, &input, FaultPlan::none()).await;
        result.unwrap_or_else(|e| panic!("{}: {e}", op.name()));
        op.repair_and_check(app, &input, op.name()).await;
        let mut per_op = 0;
        for (target, total, faults) in [
            (Target::Sql, counts.sql, &Fault::SQL[..]),
            (Target::Jira, counts.jira, &Fault::JIRA[..]),
        ] {
            // An erasure's cases each import afresh: one position of each kind
            // in the bounded run.
            let cap = if own && cap < u32::MAX { 1 } else { cap };
            for position in 1..=total.min(cap) {
                for &fault in faults {
                    assert_eq!(fault.target(), target);
                    n += 1;
                    let case = format!("{} with {fault:?} at {target:?} {position}", op.name());
                    if own {
                        fresh = Some(imported_app().await);
                    }
                    let app = match &fresh {
                        Some((app, _)) if own => app,
                        _ => &shared,
                    };
                    let input = op.prepare(app, n).await;
                    let before = Written::now(app, op).await;
                    let (result, _) =
                        run(app, op, &input, FaultPlan::none().at(position, fault)).await;
                    op.check_answer(app, &input, result.is_ok(), &case);
                    let answer = match &result {
                        Ok(_) => "ok".to_owned(),
                        Err(e) => e.code.name().to_owned(),
                    };
                    *answers.entry((format!("{fault:?}"), answer)).or_default() += 1;
                    if let Err(e) = &result {
                        assert!(
                            e.code != ErrorCode::Internal || !fault.transient(),
                            "{case}: a transient fault answered internal: {}",
                            e.message
                        );
                        assert!(!e.message.contains("trap"), "{case}: {}", e.message);
                    }
                    op.repair_and_check(app, &input, &case).await;
                    before.assert_once(app, op, &case).await;
                    cases += 1;
                    per_op += 1;
                }
            }
        }
        eprintln!(
            "{}: {} SQL statements, {} Jira requests without faults; {per_op} cases",
            op.name(),
            counts.sql,
            counts.jira
        );
    }
    for ((fault, answer), count) in &answers {
        eprintln!("  {fault:<12} {answer:<10} {count}");
    }
    cases
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_write_survives_a_fault_at_each_of_its_first_effects() {
    // FAULT_POSITIONS: the first N positions of each kind (default 3), or
    // `all` (the benchmark: every position).
    let cap = match std::env::var("FAULT_POSITIONS").as_deref() {
        Ok("all") => u32::MAX,
        Ok(n) => n.parse().expect("FAULT_POSITIONS: a number or `all`"),
        Err(_) => 3,
    };
    let cases = matrix(cap).await;
    eprintln!("{cases} (operation, position, fault) cases");
    assert!(cases >= 100, "{cases}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "every position of every operation: 2,013 cases, some 7 minutes"]
async fn every_write_survives_a_fault_at_each_of_its_effects() {
    let cases = matrix(u32::MAX).await;
    eprintln!("{cases} (operation, position, fault) cases");
}

/// The sync under Jira Cloud's rate limits, on wasmtime with real waits: a
/// simulator whose endpoints hold 2 requests refilled at 1 a second and whose
/// quota is 1000 points in 2 s (the import costs some 3200) refuses many
/// requests; the full import still indexes every worklog, honouring each
/// `Retry-After`, within the retry budget (a request that ran out of it would
/// fail the run).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_import_finishes_under_jiras_rate_limits() {
    let (app, _data) = start_app(None).await;
    let limits = jira_sim::RateLimits {
        quota: Some(jira_sim::Quota {
            points: 1000,
            window_ms: 2000,
            per_object: 1,
            reason: jira_sim::QUOTA_TENANT,
        }),
        reads: Some(jira_sim::Bucket {
            capacity: 2,
            per_second: 1,
        }),
        ..jira_sim::RateLimits::documented()
    };
    sim(&app).set_rate_limits(Some(limits));
    let slices = run_slices(
        app.host(),
        "sync.full",
        r#"{"parallel": 4, "maxWorklogs": 1000}"#,
        100,
        |_| {},
    )
    .await
    .unwrap_or_else(|e| panic!("sync.full: {e}"));
    assert_eq!(slices.last().unwrap().result["totals"]["written"], 1537);
    let stats = sim(&app).rate_limit_stats().unwrap();
    eprintln!("under the limits: {stats}");
    let refused: u64 = stats["refused"]
        .as_object()
        .unwrap()
        .values()
        .filter_map(Json::as_u64)
        .sum();
    assert!(refused > 0, "{stats}");
    sim(&app).set_rate_limits(None);
    assert_index_is_jira(&app, "under rate limits").await;
}
