use serde_json::{json, Value as Json};

use crate::testing::{admin_answer, FakeHost};

/// Runs a sliced operation until it answers `more: false`.
fn slices(host: &mut FakeHost, op: &str, input: Json) -> Result<Json, crate::Error> {
    for _ in 0..1000 {
        let out = host.run(op, input.clone())?;
        if out["more"] != json!(true) {
            return Ok(out);
        }
    }
    panic!("{op} never finished")
}

fn admin() -> FakeHost {
    FakeHost::new(Some("admin")).on_jira(admin_answer(true))
}

/// Some app data of every table.
fn seed(host: &FakeHost) {
    host.exec(
        r#"INSERT INTO settings VALUES ('site-1', 'rates', '{"rates":[{"scope":"person","person":"acc-ann","hourly":"90","currency":"EUR","effectiveFrom":"2026-01-01"},{"scope":"project","project":"10000","hourly":"80","currency":"EUR","effectiveFrom":"2026-01-01"}]}', 5)"#,
    );
    host.exec(r#"INSERT INTO settings VALUES ('site-1', 'sync.state', '{"run": 1}', 5)"#);
    host.exec(
        r#"INSERT INTO saved_reports VALUES ('site-1', 'r1', 'acc-ann', 'Mine', '{"filter":{"people":["acc-ann","acc-bob"],"projects":["ALPHA"],"issues":["ALPHA-2"]}}', '["devs"]', 7)"#,
    );
    host.exec(
        "INSERT INTO timers VALUES ('site-1', 'acc-ann', 't1', 10001, 'ALPHA-2', 'paused', 1, 2, NULL, NULL, NULL, 'UTC', 'it''s \"quoted\"\nand multi-line', '{}', 3)",
    );
    for i in 0..120 {
        host.exec(&format!(
            "INSERT INTO audit_log VALUES ('site-1', {}, {i}, 'person', 1, 'setting.save', 'rates', NULL, '{}', 'p', 'h')",
            i + 1,
            "x".repeat(20_000)
        ));
    }
    host.exec("INSERT INTO audit_actors VALUES ('site-1', 1, 'acc-ann', 0)");
}

fn dump(host: &FakeHost) -> Vec<Vec<Vec<crate::protocol::Value>>> {
    [
        "settings",
        "saved_reports",
        "timers",
        "audit_log",
        "audit_actors",
    ]
    .iter()
    .map(|t| host.query(&format!("SELECT * FROM {t} ORDER BY 1, 2, 3")))
    .collect()
}

#[test]
fn backup_wipe_restore_gives_every_row_back() {
    let mut host = admin();
    seed(&host);
    let before = dump(&host);
    let made = slices(&mut host, "backup.create", json!({})).unwrap();
    let archive = made["archive"].as_str().unwrap().to_owned();
    // 120 entries of 20 kB: several parts, over several slices.
    let parts = host.query(&format!(
        "SELECT COUNT(*) FROM backup_parts WHERE archive = '{archive}'"
    ));
    assert!(
        matches!(parts[0][0], crate::protocol::Value::Int(n) if n > 4),
        "{parts:?}"
    );
    for t in [
        "settings",
        "saved_reports",
        "timers",
        "audit_log",
        "audit_actors",
    ] {
        host.exec(&format!("DELETE FROM {t}"));
    }
    let plan = plan_of(&mut host, &archive).unwrap();
    assert_eq!(plan["verified"], json!(true));
    assert_eq!(plan["plan"]["sameSite"], json!(true));
    let restored = slices(&mut host, "backup.restore.run", json!({"archive": archive})).unwrap();
    assert_eq!(restored["plan"]["tables"][3]["archiveRows"], json!(121));
    let after = dump(&host);
    // Byte for byte, but for the audit entries the backup and the restore
    // appended, and the site's own bookkeeping (never in an archive).
    let mut expected = before.clone();
    expected[0].retain(|r| r[1] != crate::protocol::Value::Text("sync.state".into()));
    let mut got = after.clone();
    got[0].retain(|r| {
        !matches!(&r[1], crate::protocol::Value::Text(n) if n.starts_with("audit.head") || n.starts_with("backup."))
    });
    expected[0].retain(|r| {
        !matches!(&r[1], crate::protocol::Value::Text(n) if n.starts_with("audit.head") || n.starts_with("backup."))
    });
    assert_eq!(got[0], expected[0]);
    assert_eq!(got[1..3], expected[1..3]);
    assert_eq!(got[3][..120], expected[3][..120]);
    let actions: Vec<String> = got[3][120..]
        .iter()
        .map(|r| format!("{:?}", r[5]))
        .collect();
    assert_eq!(
        actions,
        ["Text(\"backup.create\")", "Text(\"backup.restore\")"]
    );
}

/// The dry run of restoring `archive`, to its end.
fn plan_of(host: &mut FakeHost, archive: &str) -> Result<Json, crate::Error> {
    slices(host, "backup.restore.plan", json!({"archive": archive}))
}

fn made(host: &mut FakeHost) -> String {
    seed(host);
    let out = slices(host, "backup.create", json!({})).unwrap();
    out["archive"].as_str().unwrap().to_owned()
}

#[test]
fn a_flipped_byte_a_missing_part_and_a_newer_version_are_refused_by_name() {
    let mut host = admin();
    let archive = made(&mut host);
    let name = "saved_reports/00001.jsonl";
    // A flipped byte.
    host.exec(&format!(
        "UPDATE backup_parts SET content = replace(content, 'Mine', 'Mina') WHERE archive = '{archive}' AND name = '{name}'"
    ));
    let e = plan_of(&mut host, &archive).unwrap_err();
    assert!(e.is_invalid_input(), "{e}");
    assert!(
        e.message().contains(name) && e.message().contains("SHA-256"),
        "{e}"
    );
    // Truncated.
    host.exec(&format!(
        "UPDATE backup_parts SET content = substr(content, 1, 10) WHERE archive = '{archive}' AND name = '{name}'"
    ));
    let e = slices(&mut host, "backup.restore.run", json!({"archive": archive})).unwrap_err();
    assert!(
        e.message().contains(name) && e.message().contains("truncated"),
        "{e}"
    );
    // Nothing was replaced.
    assert_eq!(
        host.query("SELECT COUNT(*) FROM saved_reports")[0][0],
        crate::protocol::Value::Int(1)
    );
    // Missing.
    host.exec(&format!(
        "DELETE FROM backup_parts WHERE archive = '{archive}' AND name = '{name}'"
    ));
    let e = plan_of(&mut host, &archive).unwrap_err();
    assert_eq!(
        e.message(),
        format!("invalid input: part \"{name}\" is missing")
    );
    // A newer format version.
    host.exec(&format!(
        "UPDATE backup_parts SET content = replace(content, '\"version\": 1', '\"version\": 2') WHERE archive = '{archive}' AND seq = 0"
    ));
    let e = plan_of(&mut host, &archive).unwrap_err();
    assert!(
        e.message().contains("manifest.json") && e.message().contains("version 2 is newer"),
        "{e}"
    );
}

#[test]
fn a_restore_on_another_site_maps_ids_and_names_the_unmapped() {
    let mut a = admin();
    let archive = made(&mut a);
    // Carry the archive to site B by download and upload.
    let mut b = admin();
    b.exec("UPDATE settings SET installation = 'other'");
    let mut seq = Some(0);
    let mut target: Option<String> = None;
    while let Some(s) = seq {
        let piece = a
            .run("backup.download", json!({"archive": archive, "seq": s}))
            .unwrap();
        let mut input = json!({"name": piece["name"], "content": piece["content"]});
        if let Some(t) = &target {
            input["archive"] = json!(t);
        }
        let up = b.run("backup.upload", input).unwrap();
        target = Some(up["archive"].as_str().unwrap().to_owned());
        seq = piece["next"].as_i64();
    }
    let target = target.unwrap();
    let mapping =
        json!({"accounts": {"acc-ann": "b-ann"}, "projects": {"10000": "20000", "ALPHA": "BETA"}});
    let plan = slices(
        &mut b,
        "backup.restore.plan",
        json!({"archive": target, "mapping": mapping}),
    )
    .unwrap();
    assert_eq!(
        plan["plan"]["unmapped"],
        json!({"accounts": ["acc-bob", "admin"], "projects": []})
    );
    slices(
        &mut b,
        "backup.restore.run",
        json!({"archive": target, "mapping": mapping}),
    )
    .unwrap();
    let rates = b
        .query_text("SELECT value FROM settings WHERE name = 'rates'")
        .unwrap();
    assert!(
        rates.contains("\"person\":\"b-ann\"") && rates.contains("\"project\":\"20000\""),
        "{rates}"
    );
    let report = b.query("SELECT owner, query FROM saved_reports");
    assert_eq!(
        format!("{report:?}"),
        r#"[[Text("b-ann"), Text("{\"filter\":{\"issues\":[\"BETA-2\"],\"people\":[\"b-ann\",\"acc-bob\"],\"projects\":[\"BETA\"]}}")]]"#
    );
    assert_eq!(
        b.query_text("SELECT account FROM audit_actors WHERE actor = 1")
            .unwrap(),
        "b-ann"
    );
    assert_eq!(
        b.query_text("SELECT issue_key FROM timers").unwrap(),
        "BETA-2"
    );
}

#[test]
fn only_administrators_back_up_and_restore() {
    let mut host = FakeHost::new(Some("ann")).on_jira(admin_answer(false));
    for (op, input) in [
        ("backup.create", json!({})),
        ("backup.list", json!({})),
        ("backup.restore.plan", json!({"archive": "x"})),
        ("backup.restore.run", json!({"archive": "x"})),
        ("backup.download", json!({"archive": "x"})),
    ] {
        let e = host.run(op, input).unwrap_err();
        assert!(e.is_forbidden(), "{op}: {e}");
    }
}

#[test]
fn prune_keeps_what_the_retention_says() {
    let host = admin();
    const DAY: i64 = 86_400_000;
    for d in 0..40 {
        host.exec(&format!(
            "INSERT INTO backup_parts VALUES ('site-1', 'a{d:02}', 0, 'manifest.json', 'scheduled', {}, 0, 2, 'x', '{{}}')",
            1_795_521_600_000 - d * DAY
        ));
    }
    host.exec("INSERT INTO backup_parts VALUES ('site-1', 'mine', 0, 'manifest.json', 'manual', 0, 0, 2, 'x', '{}')");
    // The scheduled job: the app, no acting user.
    let mut job = host;
    job.act_as(None);
    let rows = job.query("SELECT COUNT(*) FROM backup_parts");
    assert_eq!(rows[0][0], crate::protocol::Value::Int(41));
    let out = job.run("backup.prune", json!({})).unwrap();
    // 7 days, and the newest of each month beyond them (2 more months back).
    let left = job.query("SELECT archive FROM backup_parts ORDER BY archive");
    assert_eq!(out["kept"], json!(left.len() - 1), "{left:?}");
    assert!(left.len() >= 8 && left.len() <= 10, "{left:?}");
    assert!(left
        .iter()
        .any(|r| r[0] == crate::protocol::Value::Text("mine".into())));
}

#[test]
fn a_page_after_a_key_asks_the_index_for_the_range_from_that_key() {
    // The `OR` of a keyset condition is no range an engine seeks by: each
    // page after the first must bound the key's first column by the last
    // key read, or every page scans the table from its start again.
    let bounds = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
    let seen = bounds.clone();
    let mut host = admin().refuse_sql(move |statement, _| {
        if statement.sql.starts_with("SELECT") && statement.sql.contains(" FROM timers ") {
            let bounded = statement.sql.contains("AND account >= ?");
            seen.borrow_mut()
                .push((bounded, statement.params.get(1).cloned()));
        }
        None
    });
    for i in 0..25 {
        host.exec(&format!(
            "INSERT INTO timers VALUES ('site-1', 'acc-{}', 't{i:02}', 10001, 'ALPHA-2', 'paused', 1, 2, NULL, NULL, NULL, 'UTC', '', '{{}}', 3)",
            i % 3
        ));
    }
    let read = host
        .run_with(|ctx| {
            Box::pin(async move {
                let timers = crate::store::backup_rows::TABLES
                    .iter()
                    .find(|t| t.name == "timers")
                    .expect("the timers table");
                let mut after: Option<Vec<crate::protocol::Value>> = None;
                let mut keys = Vec::new();
                loop {
                    let rows =
                        crate::store::backup_rows::page(&ctx, timers, after.as_deref(), 10).await?;
                    let Some(last) = rows.last() else { break };
                    after = Some(last.iter().take(timers.key).cloned().collect());
                    keys.extend(rows.iter().map(|r| format!("{:?}", &r[..2])));
                }
                Ok(json!(keys).to_string())
            })
        })
        .unwrap();
    let keys: Vec<String> = serde_json::from_value(read).unwrap();
    assert_eq!(keys.len(), 25, "every row once: {keys:?}");
    let mut sorted = keys.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), 25, "no row twice");
    use crate::protocol::Value;
    let text = |s: &str| Some(Value::Text(s.to_owned()));
    assert_eq!(
        *bounds.borrow(),
        [
            (false, None),
            (true, text("acc-1")),
            (true, text("acc-2")),
            (true, text("acc-2")),
        ],
        "each page after the first is bounded by the last key's account"
    );
}

/// A host whose process "dies" at the statement after the first entry of
/// `action` went into the audit log: that statement fails (it runs, as the
/// refusing host runs every statement, but it only writes the audit head),
/// so the job stops between its entry and its checkpoint.
fn dying_after_entry(action: &'static str) -> FakeHost {
    use crate::protocol::Value;
    let step = std::rc::Rc::new(std::cell::Cell::new(0u8));
    FakeHost::new(Some("admin"))
        .on_jira(admin_answer(true))
        .refuse_sql(move |statement, _| match step.get() {
            0 if statement.sql.starts_with("INSERT INTO audit_log")
                && statement.params.contains(&Value::Text(action.into())) =>
            {
                step.set(1);
                None
            }
            1 => {
                step.set(2);
                Some(crate::Error::upstream("the process was killed"))
            }
            _ => None,
        })
}

fn entries(host: &FakeHost, action: &str) -> Vec<String> {
    host.query(&format!(
        "SELECT after_value FROM audit_log WHERE action = '{action}' ORDER BY seq"
    ))
    .into_iter()
    .map(|r| match &r[0] {
        crate::protocol::Value::Text(t) => t.clone(),
        other => panic!("{other:?}"),
    })
    .collect()
}

#[test]
fn a_backup_stopped_right_after_its_audit_entry_writes_it_once() {
    let mut host = dying_after_entry("backup.create");
    seed(&host);
    let killed = slices(&mut host, "backup.create", json!({})).unwrap_err();
    assert!(killed.message().contains("killed"), "{}", killed.message());
    assert_eq!(entries(&host, "backup.create").len(), 1);
    let out = slices(&mut host, "backup.create", json!({})).unwrap();
    let archive = out["archive"].as_str().unwrap();
    let made = entries(&host, "backup.create");
    assert_eq!(made.len(), 1, "{made:?}");
    assert!(made[0].contains(archive), "{made:?} names {archive}");
    let archives = host.query("SELECT DISTINCT archive FROM backup_parts");
    assert_eq!(archives.len(), 1, "{archives:?}");
    // The archive holds its own making, once.
    let plan = plan_of(&mut host, archive).unwrap();
    assert_eq!(plan["verified"], json!(true));
}

#[test]
fn an_archive_restore_stopped_right_after_its_audit_entry_writes_it_once() {
    let mut host = dying_after_entry("backup.restore");
    let archive = made(&mut host);
    host.exec("DELETE FROM saved_reports");
    let input = json!({"archive": archive});
    let killed = slices(&mut host, "backup.restore.run", input.clone()).unwrap_err();
    assert!(killed.message().contains("killed"), "{}", killed.message());
    let restored = slices(&mut host, "backup.restore.run", input).unwrap();
    assert_eq!(restored["more"], json!(false));
    assert_eq!(entries(&host, "backup.restore").len(), 1);
    assert_eq!(host.query("SELECT * FROM saved_reports").len(), 1);
}

#[test]
fn an_audit_entry_whose_answer_was_lost_is_not_written_again() {
    // The entry's INSERT ran but its answer was lost (a connection dropped
    // after the commit): the next attempt finds it as the newest entry.
    use crate::protocol::Value;
    let lost = std::rc::Rc::new(std::cell::Cell::new(false));
    let mut host = FakeHost::new(Some("admin"))
        .on_jira(admin_answer(true))
        .refuse_sql(move |statement, _| {
            (statement.sql.starts_with("INSERT INTO audit_log")
                && statement
                    .params
                    .contains(&Value::Text("backup.create".into()))
                && !lost.replace(true))
            .then(|| crate::Error::upstream("Lost connection to MySQL server during query"))
        });
    slices(&mut host, "backup.create", json!({})).unwrap();
    assert_eq!(entries(&host, "backup.create").len(), 1);
    let verified = host.run("audit.verify", json!({})).unwrap();
    assert_eq!(verified["ok"], json!(true), "{verified}");
}
