//! The audit log: entries for every audited change, refusals, tampering
//! detected by `audit.verify`, pruning behind an anchor, and erasure.

use serde_json::{json, Value as Json};

use crate::testing::{admin_answer, FakeHost};

const DAY_MS: i64 = 86_400_000;

fn admin() -> FakeHost {
    FakeHost::new(Some("admin-1")).on_jira(admin_answer(true))
}

fn rate(hourly: &str) -> Json {
    json!({"rates": [{"scope": "default", "hourly": hourly, "currency": "EUR", "effectiveFrom": "2026-01-01"}]})
}

/// Saves `n` changes of the default rate.
fn changes(host: &mut FakeHost, n: usize) {
    for i in 0..n {
        host.run("rate.save", rate(&format!("{}", 100 + i)))
            .unwrap();
    }
}

fn verify(host: &mut FakeHost) -> Json {
    let mut input = json!({"restart": true, "slice": 2});
    for _ in 0..100 {
        let out = host.run("audit.verify", input).unwrap();
        if out["more"] == json!(false) {
            return out;
        }
        input = json!({"slice": 2});
    }
    panic!("audit.verify did not finish");
}

#[test]
fn a_rate_change_is_an_entry_with_who_when_and_before_after() {
    let mut host = admin();
    host.run("rate.save", rate("100")).unwrap();
    host.run("rate.save", rate("120")).unwrap();
    // An unchanged save is no change.
    host.run("rate.save", rate("120")).unwrap();
    let out = host.run("audit.list", json!({})).unwrap();
    let entries = out["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 2, "{out}");
    let newest = &entries[0];
    assert_eq!(newest["seq"], json!(2));
    assert_eq!(newest["action"], json!("setting.save"));
    assert_eq!(newest["subject"], json!("rates"));
    assert_eq!(newest["actorKind"], json!("person"));
    assert_eq!(newest["accountId"], json!("admin-1"));
    assert_eq!(newest["atMs"], json!(host.now_ms));
    assert!(newest["before"].as_str().unwrap().contains("\"100\""));
    assert!(newest["after"].as_str().unwrap().contains("\"120\""));
    assert_eq!(entries[1]["before"], Json::Null);
    assert_eq!(out["next"], Json::Null);
    assert_eq!(out["settings"], json!({"retentionDays": null}));
    // Filters: subject, who, period, pages.
    let none = host
        .run("audit.list", json!({"subject": "schedule"}))
        .unwrap();
    assert_eq!(none["entries"], json!([]));
    let someone_else = host
        .run("audit.list", json!({"accountId": "someone"}))
        .unwrap();
    assert_eq!(someone_else["entries"], json!([]));
    let mine = host
        .run("audit.list", json!({"accountId": "admin-1", "limit": 1}))
        .unwrap();
    assert_eq!(mine["entries"].as_array().unwrap().len(), 1);
    assert_eq!(mine["next"], json!(2));
    let older = host
        .run("audit.list", json!({"before": 2, "limit": 1}))
        .unwrap();
    assert_eq!(older["entries"][0]["seq"], json!(1));
    let later = host
        .run("audit.list", json!({"fromMs": host.now_ms + 1}))
        .unwrap();
    assert_eq!(later["entries"], json!([]));
    // The app's bookkeeping is not audited.
    let subjects = host.query("SELECT DISTINCT subject FROM audit_log");
    assert_eq!(subjects.len(), 1);
}

#[test]
fn every_audit_operation_refuses_a_person_who_is_not_an_administrator() {
    for (operation, input) in [
        ("audit.list", json!({})),
        ("audit.export", json!({})),
        ("audit.verify", json!({})),
        ("audit.settings.save", json!({"retentionDays": null})),
    ] {
        let mut host = FakeHost::new(Some("ann")).on_jira(admin_answer(false));
        let e = host.run(operation, input).unwrap_err();
        assert!(e.is_forbidden(), "{operation}: {e}");
        assert!(e.message().contains("ADMINISTER"), "{operation}: {e}");
    }
    let mut host = FakeHost::new(Some("ann"));
    let e = host.run("audit.prune", json!({})).unwrap_err();
    assert!(e.is_forbidden(), "{e}");
}

#[test]
fn bad_input_names_the_field() {
    let mut host = admin();
    for (operation, input, field) in [
        ("audit.list", json!({"limit": 0}), "limit"),
        ("audit.list", json!({"fromMs": 5, "toMs": 1}), "toMs"),
        ("audit.list", json!({"format": "csv"}), "format"),
        ("audit.export", json!({"format": "xml"}), "format"),
        ("audit.export", json!({"before": 3}), "before"),
        ("audit.verify", json!({"slice": 0}), "slice"),
        (
            "audit.settings.save",
            json!({"retentionDays": 3}),
            "retentionDays",
        ),
    ] {
        let e = host.run(operation, input).unwrap_err();
        assert!(e.is_invalid_input(), "{operation}: {e}");
        assert!(
            e.message().contains(&format!("\"{field}\"")),
            "{operation}: {e}"
        );
    }
}

#[test]
fn an_intact_chain_verifies_in_slices() {
    let mut host = admin();
    changes(&mut host, 5);
    let first = host
        .run("audit.verify", json!({"restart": true, "slice": 2}))
        .unwrap();
    assert_eq!(first["more"], json!(true));
    assert_eq!(first["progress"]["done"], json!(2));
    assert_eq!(first["progress"]["total"], json!(5));
    assert_eq!(first["ok"], Json::Null);
    let out = verify(&mut host);
    assert_eq!(out["ok"], json!(true), "{out}");
    assert_eq!(out["progress"]["done"], json!(5));
    // A job may verify too.
    host.act_as(None);
    let out = host.run("audit.verify", json!({})).unwrap();
    assert_eq!(out["ok"], json!(true), "{out}");
}

#[test]
fn an_edited_entry_is_named() {
    let mut host = admin();
    changes(&mut host, 4);
    host.exec("UPDATE audit_log SET after_value = '{\"rates\": []}' WHERE seq = 3");
    let out = verify(&mut host);
    assert_eq!(out["ok"], json!(false));
    assert_eq!(out["broken"]["seq"], json!(3));
    assert_eq!(out["broken"]["reason"], json!("edited"));
}

#[test]
fn a_rehashed_entry_is_named_by_its_broken_link() {
    let mut host = admin();
    changes(&mut host, 4);
    // Rewriting the record and its own hash still breaks the next link.
    host.exec("UPDATE audit_log SET hash = 'ab' WHERE seq = 2");
    let out = verify(&mut host);
    assert_eq!(out["broken"]["seq"], json!(2), "{out}");
    assert_eq!(out["broken"]["reason"], json!("edited"));
}

#[test]
fn a_deleted_entry_is_named() {
    let mut host = admin();
    changes(&mut host, 4);
    host.exec("DELETE FROM audit_log WHERE seq = 2");
    let out = verify(&mut host);
    assert_eq!(out["broken"]["seq"], json!(2), "{out}");
    assert_eq!(out["broken"]["reason"], json!("deleted"));
    // The newest one too.
    let mut host = admin();
    changes(&mut host, 3);
    host.exec("DELETE FROM audit_log WHERE seq = 3");
    let out = verify(&mut host);
    assert_eq!(out["broken"]["seq"], json!(3), "{out}");
    assert_eq!(out["broken"]["reason"], json!("deleted"));
}

#[test]
fn swapped_entries_are_named() {
    let mut host = admin();
    changes(&mut host, 4);
    host.exec("UPDATE audit_log SET seq = -2 WHERE seq = 2");
    host.exec("UPDATE audit_log SET seq = 2 WHERE seq = 3");
    host.exec("UPDATE audit_log SET seq = 3 WHERE seq = -2");
    let out = verify(&mut host);
    assert_eq!(out["broken"]["seq"], json!(2), "{out}");
    assert_eq!(out["broken"]["reason"], json!("reordered"));
}

#[test]
fn export_gives_csv_and_json_in_pieces() {
    let mut host = admin();
    changes(&mut host, 2);
    let csv = host.run("audit.export", json!({})).unwrap();
    assert_eq!(csv["more"], json!(false));
    assert_eq!(csv["rows"], json!(2));
    let text = csv["content"].as_str().unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(&rows[0][0], "1");
    assert_eq!(&rows[1][3], "admin-1");
    assert!(rows[1][8].contains("\"101\""));
    let json_out = host
        .run("audit.export", json!({"format": "json", "after": 1}))
        .unwrap();
    let entries: Json = serde_json::from_str(json_out["content"].as_str().unwrap()).unwrap();
    assert_eq!(entries.as_array().unwrap().len(), 1);
    assert_eq!(entries[0]["seq"], json!(2));
}

#[test]
fn pruning_keeps_the_retention_and_the_chain_verifiable() {
    let mut host = admin();
    changes(&mut host, 3);
    host.run("audit.settings.save", json!({"retentionDays": 365}))
        .unwrap();
    // A year and a half later, one more change; then the job prunes.
    host.now_ms += 400 * DAY_MS;
    changes(&mut host, 1);
    host.act_as(None);
    let out = host.run("audit.prune", json!({})).unwrap();
    assert_eq!(out["pruned"], json!(4), "{out}");
    assert_eq!(out["anchor"], json!(4));
    let kept: Vec<i64> = host
        .query("SELECT seq FROM audit_log ORDER BY seq")
        .iter()
        .map(|r| match r[0] {
            crate::protocol::Value::Int(n) => n,
            _ => panic!(),
        })
        .collect();
    // The change within the retention stays; the prune is an entry itself.
    assert_eq!(kept, vec![5, 6]);
    let again = host.run("audit.prune", json!({})).unwrap();
    assert_eq!(again["pruned"], json!(0));
    let out = verify(&mut host);
    assert_eq!(out["ok"], json!(true), "{out}");
    assert_eq!(out["anchor"], json!(4));
    // Forever prunes nothing.
    let mut host = admin();
    changes(&mut host, 2);
    host.now_ms += 4000 * DAY_MS;
    host.act_as(None);
    assert_eq!(
        host.run("audit.prune", json!({})).unwrap()["pruned"],
        json!(0)
    );
}

#[test]
fn erasing_an_actor_keeps_the_chain_and_shows_the_entry_as_erased() {
    let mut host = admin();
    changes(&mut host, 2);
    // As privacy.report's erasure of the audit source does.
    let site = crate::index::privacy::SOURCES
        .iter()
        .find(|s| s.name() == "audit_actors")
        .expect("audit_actors is a privacy source");
    let done = host
        .run_with(move |ctx| {
            Box::pin(async move {
                let erased = site.erase(&ctx, 0, "admin-1", "Former user 1", 100).await?;
                Ok(erased.done.to_string())
            })
        })
        .unwrap();
    assert_eq!(done, json!(true));
    assert!(host.query("SELECT account FROM audit_actors").is_empty());
    let out = host.run("audit.list", json!({})).unwrap();
    assert_eq!(out["entries"][0]["accountId"], Json::Null);
    assert_eq!(out["entries"][0]["erased"], json!(true));
    assert_eq!(verify(&mut host)["ok"], json!(true));
}

#[test]
fn large_values_are_stored_as_their_hash_and_size() {
    let big = "x".repeat(crate::store::audit::MAX_VALUE_BYTES + 1);
    let stored = crate::store::audit::bounded(Some(big.clone())).unwrap();
    let value: Json = serde_json::from_str(&stored).unwrap();
    assert_eq!(value["bytes"], json!(big.len()));
    assert_eq!(value["sha256"].as_str().unwrap().len(), 64);
    assert_eq!(
        crate::store::audit::bounded(Some("a".into())),
        Some("a".into())
    );
}

#[test]
fn csv_cells_never_run_as_formulas() {
    assert_eq!(
        super::csv_field("=HYPERLINK(\"x\")"),
        "\"'=HYPERLINK(\"\"x\"\")\""
    );
    assert_eq!(super::csv_field("@SUM(A1)"), "'@SUM(A1)");
    assert_eq!(super::csv_field("plain, text"), "\"plain, text\"");
}

/// An administrator whose next write of the audit head fails (the entry is
/// written, the setting is not) once `armed` is set.
fn failing_after_entry(armed: std::rc::Rc<std::cell::Cell<bool>>) -> FakeHost {
    use crate::protocol::Value;
    FakeHost::new(Some("admin-1"))
        .on_jira(admin_answer(true))
        .refuse_sql(move |statement, _| {
            let head = statement.params.contains(&Value::Text("audit.head".into()));
            (head && armed.replace(false)).then(|| crate::Error::upstream("the database went away"))
        })
}

fn rate_entries(host: &FakeHost) -> usize {
    host.query("SELECT seq FROM audit_log WHERE subject = 'rates' LIMIT 100")
        .len()
}

#[test]
fn a_change_saved_again_after_a_failure_behind_its_entry_is_recorded_once() {
    let armed = std::rc::Rc::new(std::cell::Cell::new(false));
    let mut host = failing_after_entry(armed.clone());
    host.run("rate.save", rate("100")).unwrap();
    armed.set(true);
    let err = host.run("rate.save", rate("120")).unwrap_err();
    assert_eq!(err.code(), crate::ErrorCode::Upstream, "{err:?}");
    // The entry is there, the change is not.
    assert_eq!(rate_entries(&host), 2);
    let rates = host.run("rate.list", json!({})).unwrap();
    assert!(rates.to_string().contains("\"100\""), "{rates}");
    // The administrator saves again a minute later: one entry for the change.
    host.now_ms += 60_000;
    host.run("rate.save", rate("120")).unwrap();
    assert_eq!(rate_entries(&host), 2);
    let rates = host.run("rate.list", json!({})).unwrap();
    assert!(rates.to_string().contains("\"120\""), "{rates}");
    assert_eq!(verify(&mut host)["ok"], json!(true));
    // A change made again (back and forth) is a new entry each time.
    host.run("rate.save", rate("100")).unwrap();
    host.run("rate.save", rate("120")).unwrap();
    assert_eq!(rate_entries(&host), 4);
}

#[test]
fn a_failed_change_made_again_later_or_by_someone_else_is_recorded_again() {
    let armed = std::rc::Rc::new(std::cell::Cell::new(true));
    let mut host = failing_after_entry(armed);
    host.run("rate.save", rate("100")).unwrap_err();
    assert_eq!(rate_entries(&host), 1);
    // Past the retry window: the failed attempt's entry stays as it was, and
    // the change gets its own.
    host.now_ms += crate::store::audit::RETRY_MS + 1;
    host.run("rate.save", rate("100")).unwrap();
    assert_eq!(rate_entries(&host), 2);

    let armed = std::rc::Rc::new(std::cell::Cell::new(true));
    let mut host = failing_after_entry(armed);
    host.run("rate.save", rate("100")).unwrap_err();
    // Another administrator makes the same change.
    host.act_as(Some("admin-2"));
    host.run("rate.save", rate("100")).unwrap();
    assert_eq!(rate_entries(&host), 2);

    // An archive restored since (which puts settings back without an entry
    // for each): the change is recorded again.
    let armed = std::rc::Rc::new(std::cell::Cell::new(true));
    let mut host = failing_after_entry(armed);
    host.run("rate.save", rate("100")).unwrap_err();
    host.exec(&format!(
        "INSERT INTO audit_log (installation, seq, at_ms, actor_kind, actor, action, subject, \
         before_value, after_value, prev_hash, hash) \
         SELECT installation, seq + 1, at_ms, 'person', actor, '{}', 'app data', \
         NULL, '{{}}', hash, hash FROM audit_log",
        crate::store::audit::ARCHIVE_RESTORED
    ));
    host.run("rate.save", rate("100")).unwrap();
    assert_eq!(rate_entries(&host), 2);
}
