//! App-data backups through the real component (`docs/backup.md`), on both
//! engines (SQLite always; MariaDB when `WORKLOGS_TEST_MYSQL_URL` names a
//! server, as in `sync.rs`):
//!
//! - a round trip: app data in every table, `backup.create`, the app's data
//!   wiped, `backup.restore.run`: every table equals what it was;
//! - a move: site A's archive restored into site B, whose Jira holds the same
//!   work under other account ids and project ids (`World::moved`), through a
//!   mapping: B's reports (saved reports, rates by person and project) equal
//!   A's once B's ids are mapped back.

use crate::common;

use std::collections::BTreeMap;

use crate::common::query;
use crate::engines::{engines, start_on as start};
use serde_json::{json, Value as Json};
use worklogs_host::protocol::{EntryPoint, Value};
use worklogs_host::{App, JiraTarget};

/// Runs `operation` as `who` (none: the local operator), to its end when it
/// is sliced; the last answer.
async fn call(app: &App, who: Option<&str>, operation: &str, input: &Json) -> Json {
    let entry = if who.is_some() {
        EntryPoint::Person
    } else {
        EntryPoint::Operator
    };
    for _ in 0..10_000 {
        let answer = app
            .call(entry, who, None, None, operation, &input.to_string())
            .await
            .unwrap_or_else(|err| {
                panic!("{operation} {input}: {}: {}", err.code.name(), err.message)
            });
        let answer: Json = serde_json::from_str(&answer).expect("JSON");
        if answer["more"] != json!(true) {
            return answer;
        }
    }
    panic!("{operation} did not finish");
}

/// App data in every table an archive holds: settings (attributes, rates by
/// person and by project, approvals), saved reports, a timer, approval
/// periods with their history and snapshots, audit entries and actors.
async fn fill(app: &App) {
    call(app, Some("dave"), "sync.full", &json!({})).await;
    let alpha = project_id(app, "ALPHA").await;
    let alice = app.acting_user(Some("alice")).expect("alice");
    call(
        app,
        Some("dave"),
        "rate.save",
        &json!({"rates": [
            {"scope": "default", "hourly": "50", "currency": "EUR", "effectiveFrom": "2025-01-01"},
            {"scope": "person", "person": alice, "hourly": "120", "currency": "EUR", "effectiveFrom": "2025-01-01"},
            {"scope": "project", "project": alpha, "hourly": "90", "currency": "EUR", "effectiveFrom": "2025-01-01"}
        ]}),
    )
    .await;
    call(
        app,
        Some("dave"),
        "approval.settings.save",
        &json!({"period": "weekly", "requireRequiredTime": false,
                "allowSelfApproval": false, "onOutsideEdit": "flag"}),
    )
    .await;
    call(
        app,
        Some("alice"),
        "report.save",
        &json!({"name": "ALPHA by person", "query": {
            "period": {"from": "2026-09-01", "to": "2026-11-23"},
            "filter": {"projects": ["ALPHA"]}, "groupBy": ["person", "project"],
            "measures": ["seconds"]}}),
    )
    .await;
    call(
        app,
        Some("dave"),
        "report.save",
        &json!({"name": "alice's month", "query": {
            "period": {"from": "2026-11-01", "to": "2026-11-23"},
            "filter": {"people": [alice]}, "groupBy": ["issue"]}}),
    )
    .await;
    call(
        app,
        Some("alice"),
        "timer.start",
        &json!({"issue": "ALPHA-2"}),
    )
    .await;
    call(
        app,
        Some("alice"),
        "approval.submit",
        &json!({"date": "2026-11-18"}),
    )
    .await;
}

/// A project's id, from the index.
async fn project_id(app: &App, key: &str) -> String {
    let rows = query(
        app,
        &format!("SELECT DISTINCT w.project FROM worklogs w JOIN issues i ON i.site = w.site AND i.id = w.issue WHERE i.issue_key LIKE '{key}-%'"),
    )
    .await;
    let first = rows.first().and_then(|r| r.first()).expect("a project");
    common::int(first).to_string()
}

/// The archive's tables and their columns, from a manifest.
async fn tables(app: &App, archive: &str) -> Vec<(String, Vec<String>)> {
    let manifest = call(app, None, "backup.download", &json!({"archive": archive})).await;
    let manifest: Json = serde_json::from_str(manifest["content"].as_str().unwrap()).unwrap();
    manifest["tables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            let columns = t["columns"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c.as_str().unwrap().to_owned())
                .collect();
            (t["name"].as_str().unwrap().to_owned(), columns)
        })
        .collect()
}

/// A cell as text, whatever the engine answered.
fn cell(v: &Value) -> String {
    match v {
        Value::Null => "NULL".to_owned(),
        Value::Int(i) => i.to_string(),
        Value::Real(r) => r.to_string(),
        Value::Text(t) => format!("'{t}'"),
        Value::Blob(b) => format!("'{}'", String::from_utf8_lossy(b)),
    }
}

/// Every table's rows for the installation, sorted.
async fn snapshot(
    app: &App,
    tables: &[(String, Vec<String>)],
) -> BTreeMap<String, Vec<Vec<String>>> {
    let mut out = BTreeMap::new();
    for (name, columns) in tables {
        let mut rows: Vec<Vec<String>> = query(
            app,
            &format!(
                "SELECT {} FROM {name} WHERE installation = 'local'",
                columns.join(", ")
            ),
        )
        .await
        .iter()
        .map(|r| r.iter().map(cell).collect())
        .collect();
        rows.sort();
        out.insert(name.clone(), rows);
    }
    out
}

/// Settings a restore never replaces (the site's bookkeeping) and the audit
/// log's head, which the restore's own entry moves on.
const NOT_RESTORED: &[&str] = &[
    "'sync.state'",
    "'sync.verify'",
    "'sync.errors'",
    "'privacy.state'",
    "'audit.verify'",
    "'backup.create'",
    "'backup.restore'",
    "'restore.run'",
    "'journal.prune'",
    "'audit.head'",
];

/// `tables` as an archive made when the audit log ended at `last_seq` holds them.
fn as_archived(
    mut tables: BTreeMap<String, Vec<Vec<String>>>,
    last_seq: i64,
) -> BTreeMap<String, Vec<Vec<String>>> {
    if let Some(settings) = tables.get_mut("settings") {
        settings.retain(|r| !NOT_RESTORED.contains(&r[0].as_str()));
    }
    if let Some(log) = tables.get_mut("audit_log") {
        log.retain(|r| r[0].parse::<i64>().unwrap() <= last_seq);
    }
    tables
}

async fn last_seq(app: &App) -> i64 {
    let rows = query(
        app,
        "SELECT MAX(seq) FROM audit_log WHERE installation = 'local'",
    )
    .await;
    common::int(&rows[0][0])
}

#[tokio::test(flavor = "multi_thread")]
async fn a_backup_restored_after_the_data_is_wiped_equals_every_table() {
    for database in engines("backup_round_trip") {
        let engine = if database.is_some() {
            "MariaDB"
        } else {
            "SQLite"
        };
        let (app, _data) = start(JiraTarget::Demo { seed: 1 }, database.as_deref()).await;
        fill(&app).await;
        let made = call(&app, None, "backup.create", &json!({"kind": "manual"})).await;
        let archive = made["archive"].as_str().unwrap().to_owned();
        let seq = last_seq(&app).await;
        let tables = tables(&app, &archive).await;
        assert_eq!(tables.len(), 9, "{engine}");
        let before = as_archived(snapshot(&app, &tables).await, seq);
        for (name, rows) in &before {
            if name != "approval_drift" {
                assert!(!rows.is_empty(), "{engine}: no rows in {name} to back up");
            }
        }

        // The app's data is lost (the archive stays in the app's storage).
        for (name, _) in &tables {
            query(
                &app,
                &format!("DELETE FROM {name} WHERE installation = 'local'"),
            )
            .await;
        }
        assert!(snapshot(&app, &tables).await.values().all(Vec::is_empty));

        let restored = call(
            &app,
            None,
            "backup.restore.run",
            &json!({"archive": archive}),
        )
        .await;
        assert_eq!(restored["verified"], json!(true), "{engine}");
        let after = snapshot(&app, &tables).await;
        let entries_after: Vec<String> = after["audit_log"]
            .iter()
            .filter(|r| r[0].parse::<i64>().unwrap() > seq)
            .map(|r| r[4].clone())
            .collect();
        assert_eq!(entries_after, ["'backup.restore'"], "{engine}");
        let after = as_archived(after, seq);
        for (name, rows) in &before {
            assert_eq!(
                &after[name], rows,
                "{engine}: table {name} after the restore"
            );
        }
        let verified = call(&app, Some("dave"), "audit.verify", &json!({})).await;
        assert_eq!(
            verified["ok"],
            json!(true),
            "{engine}: the audit chain after the restore: {verified}"
        );
    }
}

/// Every string in `value` that `ids` names, replaced.
fn map_ids(value: &Json, ids: &BTreeMap<String, String>) -> Json {
    match value {
        Json::String(s) => Json::String(ids.get(s).cloned().unwrap_or_else(|| s.clone())),
        Json::Number(n) => ids
            .get(&n.to_string())
            .and_then(|m| m.parse::<i64>().ok())
            .map_or_else(|| value.clone(), Json::from),
        Json::Array(items) => Json::Array(items.iter().map(|v| map_ids(v, ids)).collect()),
        Json::Object(fields) => Json::Object(
            fields
                .iter()
                .map(|(k, v)| (k.clone(), map_ids(v, ids)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Every saved report of `app`, run, by name.
async fn saved_reports(app: &App, who: &str) -> BTreeMap<String, Json> {
    let listed = call(app, Some(who), "report.list", &json!({})).await;
    let mut out = BTreeMap::new();
    for report in listed["reports"].as_array().expect("reports") {
        let mut input = report["query"].clone();
        input["timeZone"] = json!("UTC");
        let ran = call(app, Some(who), "report.run", &input).await;
        out.insert(report["name"].as_str().unwrap().to_owned(), ran);
    }
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn site_a_restored_into_site_b_through_a_mapping_reports_the_same() {
    let (a, _a_data) = start(JiraTarget::Demo { seed: 1 }, None).await;
    fill(&a).await;

    // Site B: the same work in another Jira, under other ids.
    let world = jira_sim::World::demo(1).moved("712099", 5_000);
    let sim = jira_sim::Sim::new(world);
    let handle = jira_sim::spawn(sim, std::net::SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .expect("a simulator for site B");
    let (b, _b_data) = start(
        JiraTarget::Simulator {
            base_url: handle.base_url.clone(),
        },
        None,
    )
    .await;
    call(&b, Some("dave"), "sync.full", &json!({})).await;

    let mut accounts = serde_json::Map::new();
    let mut back = BTreeMap::new();
    for who in ["alice", "bob", "carol", "dave", "erin", "frank"] {
        let (Some(old), Some(new)) = (a.acting_user(Some(who)), b.acting_user(Some(who))) else {
            continue;
        };
        assert_ne!(old, new);
        back.insert(new.clone(), old.clone());
        accounts.insert(old, json!(new));
    }
    let mut projects = serde_json::Map::new();
    for key in ["ALPHA", "BETA", "OPS"] {
        let old = project_id(&a, key).await;
        let new = project_id(&b, key).await;
        assert_ne!(old, new);
        back.insert(new.clone(), old.clone());
        projects.insert(old, json!(new));
    }
    let mapping = json!({"accounts": accounts, "projects": projects});

    // A's archive, part by part, into B.
    let made = call(&a, None, "backup.create", &json!({"kind": "manual"})).await;
    let archive = made["archive"].as_str().unwrap();
    let mut seq = Some(0);
    let mut uploaded: Option<String> = None;
    while let Some(s) = seq {
        let part = call(
            &a,
            None,
            "backup.download",
            &json!({"archive": archive, "seq": s}),
        )
        .await;
        let mut input = json!({"name": part["name"], "content": part["content"]});
        if let Some(id) = &uploaded {
            input["archive"] = json!(id);
        }
        let answer = call(&b, None, "backup.upload", &input).await;
        uploaded = Some(answer["archive"].as_str().unwrap().to_owned());
        seq = part["next"].as_i64();
    }
    let uploaded = uploaded.unwrap();
    let plan = call(
        &b,
        None,
        "backup.restore.plan",
        &json!({"archive": uploaded, "mapping": mapping}),
    )
    .await;
    assert_eq!(plan["plan"]["unmapped"]["accounts"], json!([]), "{plan}");
    assert!(plan["plan"]["mapped"].as_u64().unwrap() > 0);
    call(
        &b,
        None,
        "backup.restore.run",
        &json!({"archive": uploaded, "mapping": mapping}),
    )
    .await;

    for who in ["alice", "dave"] {
        let on_a = saved_reports(&a, who).await;
        let on_b = saved_reports(&b, who).await;
        assert!(!on_a.is_empty());
        assert_eq!(
            on_a.keys().collect::<Vec<_>>(),
            on_b.keys().collect::<Vec<_>>()
        );
        for (name, report) in &on_a {
            assert!(
                report["worklogs"].as_u64().unwrap_or(0) > 0,
                "{name}: {report}"
            );
            assert_eq!(&map_ids(&on_b[name], &back), report, "{who}'s {name}");
        }
    }
    // Rates moved with the people and projects: the cost of a whole month.
    let month = json!({"timeZone": "UTC", "period": {"from": "2026-11-01", "to": "2026-11-23"},
                       "groupBy": ["person", "project"], "measures": ["cost"]});
    let on_a = call(&a, Some("dave"), "report.run", &month).await;
    let on_b = call(&b, Some("dave"), "report.run", &month).await;
    assert_eq!(map_ids(&on_b, &back), on_a);
}
