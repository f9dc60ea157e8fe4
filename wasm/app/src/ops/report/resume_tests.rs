//! `report.run` across invocations: a report read a few grouped reads per
//! call, resumed from its continuation, must end exactly equal to the report
//! read in one go and to the worklog-by-worklog reference (the core fed every
//! worklog); the continuation is refused for another person, another report
//! or when altered; the answer says when the index is incomplete.

use base64::Engine;
use jira_sim::{GenOptions, Sim, World};
use serde_json::{json, Value as Json};

use super::resume::MAX_TOKEN_BYTES;
use super::run::ROWS_PATH;
use super::tests::{act, cost_rates, grants, indexed, sim};
use crate::testing::FakeHost;
use crate::Error;

/// Runs `query` to the end through its continuations, at most `reads`
/// grouped reads per call (the default without); answers the finished
/// answer and the calls it took. Checks every answer on the way: progress
/// never goes back, `more` with a continuation until the last, which has
/// none and has read every day.
pub(super) fn to_the_end(
    host: &mut FakeHost,
    query: &Json,
    reads: Option<u64>,
) -> Result<(Json, usize), Error> {
    let mut input = query.clone();
    if let Some(n) = reads {
        input["readsPerCall"] = json!(n);
    }
    let mut last = 0;
    let mut worklogs = 0;
    for calls in 1..=5000 {
        let answer = host.run("report.run", input.clone())?;
        let progress = &answer["progress"];
        let (done, total) = (
            progress["done"].as_u64().unwrap(),
            progress["total"].as_u64().unwrap(),
        );
        assert!(last <= done && done <= total, "{query}: {progress}");
        assert!(progress["label"].as_str().is_some_and(|l| !l.is_empty()));
        last = done;
        // Partial sums only grow.
        let counted = answer["worklogs"].as_u64().unwrap();
        assert!(counted >= worklogs, "{query}: {counted} after {worklogs}");
        worklogs = counted;
        assert_eq!(answer["indexComplete"], json!(true), "{answer}");
        if answer["more"] != json!(true) {
            assert_eq!(answer["more"], json!(false), "{answer}");
            assert!(answer.get("continuation").is_none(), "{answer}");
            assert_eq!(done, total, "{query}: finished at {progress}");
            return Ok((answer, calls));
        }
        let token = answer["continuation"].as_str().unwrap();
        assert!(token.len() <= MAX_TOKEN_BYTES);
        input["continuation"] = json!(token);
    }
    panic!("{query}: not finished in 5000 calls");
}

/// The report by the worklog-by-worklog reference, in one call.
fn by_rows(host: &mut FakeHost, query: &Json) -> Result<Json, Error> {
    ROWS_PATH.with(|p| p.set(true));
    let answer = host.run("report.run", query.clone());
    ROWS_PATH.with(|p| p.set(false));
    answer
}

/// A report file's bytes.
fn file_of(answer: &Json) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD
        .decode(answer["piece"].as_str().unwrap())
        .unwrap()
}

fn generated() -> Sim {
    let mut world = World::generate(
        5,
        GenOptions {
            extra_users: 20,
            worklogs: Some(8_000),
            issues_per_project: Some(30),
            months: 12,
        },
    );
    world.set_time(1_795_521_600_000);
    Sim::new(world)
}

#[test]
fn a_report_resumed_read_by_read_equals_the_one_shot_report_and_the_reference() {
    let sim = generated();
    let mut host = indexed(&sim);
    act(&mut host, &sim, Some("dave"));
    host.run("access.save", grants()).unwrap();
    host.run("attribute.save", jira_sim::demo_attribute_definitions())
        .unwrap();
    host.run("rate.save", cost_rates(&sim)).unwrap();
    let period = json!({"from": "2025-11-24", "to": "2026-11-23"});
    let queries = [
        json!({"timeZone": "Europe/Berlin", "period": period, "groupBy": ["person", "week"],
               "measures": ["seconds", "count"]}),
        json!({"timeZone": "America/St_Johns", "period": period, "groupBy": ["issue", "day"],
               "measures": ["seconds", "billableSeconds"]}),
        json!({"timeZone": "Australia/Lord_Howe", "period": period,
               "groupBy": ["component", "person"], "chart": "person"}),
        json!({"timeZone": "Asia/Kolkata", "period": period, "groupBy": ["person", "project"],
               "measures": ["seconds", "cost"],
               "rounding": {"mode": "up", "incrementMinutes": 15, "target": "perWorklog"}}),
        json!({"timeZone": "Europe/Berlin", "period": period, "groupBy": ["project", "month"],
               "format": "csv", "measures": ["seconds", "count"]}),
    ];
    let mut resumed = 0;
    for viewer in [None, Some("carol"), Some("alice")] {
        act(&mut host, &sim, viewer);
        for query in &queries {
            let reference = match by_rows(&mut host, query) {
                Ok(answer) => answer,
                Err(e) => {
                    // Refused (cost without the grant): refused alike in steps.
                    let stepped = to_the_end(&mut host, query, Some(1)).unwrap_err();
                    assert_eq!(stepped.message(), e.message(), "{viewer:?} {query}");
                    continue;
                }
            };
            let (once, _) = to_the_end(&mut host, query, None).unwrap();
            let (read_by_read, calls) = to_the_end(&mut host, query, Some(1)).unwrap();
            let (two_by_two, _) = to_the_end(&mut host, query, Some(2)).unwrap();
            assert!(calls >= 4, "{query}: only {calls} calls");
            resumed += calls;
            if query.get("format").is_some() {
                assert_eq!(file_of(&read_by_read), file_of(&reference), "{query}");
                assert_eq!(file_of(&once), file_of(&reference), "{query}");
                assert_eq!(file_of(&two_by_two), file_of(&reference), "{query}");
            }
            assert_eq!(read_by_read, reference, "{viewer:?} {query}");
            assert_eq!(once, reference, "{viewer:?} {query}");
            assert_eq!(two_by_two, reference, "{viewer:?} {query}");
            if viewer.is_none() {
                assert!(reference["worklogs"].as_u64() > Some(1000), "{reference}");
            }
        }
    }
    assert!(resumed > 60, "{resumed}");
}

#[test]
fn an_unfinished_answer_shows_the_part_read_so_far() {
    let sim = sim();
    let mut host = indexed(&sim);
    let query = json!({"timeZone": "UTC", "period": {"from": "2026-05-01", "to": "2026-11-23"},
                       "groupBy": ["person"], "readsPerCall": 1});
    let first = host.run("report.run", query.clone()).unwrap();
    assert_eq!(first["more"], json!(true));
    // The first read (a day) found nothing, and the site's first worklog
    // starts on 2026-05-24: the days before it are read.
    assert_eq!(
        first["progress"]["done"],
        json!(23),
        "{}",
        first["progress"]
    );
    assert_eq!(first["progress"]["total"], json!(207));
    // The chart covers the whole period, zeros for what is not read yet.
    assert_eq!(first["chart"].as_array().unwrap().len(), 207);
    let (last, _) = to_the_end(&mut host, &query, None).unwrap();
    assert!(first["worklogs"].as_u64() < last["worklogs"].as_u64());
    // As a file: no piece before the end.
    let mut file = query.clone();
    file["format"] = json!("csv");
    let pending = host.run("report.run", file).unwrap();
    assert_eq!(pending["more"], json!(true));
    assert!(pending.get("piece").is_none() && pending["continuation"].is_string());
}

fn refused(result: Result<Json, Error>, wanted: &str) {
    let e = result.unwrap_err();
    assert!(e.is_invalid_input(), "{e:?}");
    assert!(
        e.message().contains("field \"continuation\"") && e.message().contains(wanted),
        "{}",
        e.message()
    );
}

#[test]
fn a_continuation_is_refused_for_another_person_another_report_or_altered() {
    let sim = sim();
    let mut host = indexed(&sim);
    let query = json!({"timeZone": "UTC", "period": {"from": "2026-05-01", "to": "2026-11-23"},
                       "groupBy": ["person"], "readsPerCall": 1});
    act(&mut host, &sim, Some("alice"));
    let first = host.run("report.run", query.clone()).unwrap();
    let token = first["continuation"].as_str().unwrap().to_owned();
    let with = |token: &str, change: &dyn Fn(&mut Json)| {
        let mut input = query.clone();
        input["continuation"] = json!(token);
        change(&mut input);
        input
    };
    // Alice goes on.
    host.run("report.run", with(&token, &|_| {})).unwrap();
    // Another report definition: the grouping, the chart, the period, a file.
    for change in [
        &(|q: &mut Json| q["groupBy"] = json!(["project"])) as &dyn Fn(&mut Json),
        &|q: &mut Json| q["chart"] = json!("person"),
        &|q: &mut Json| q["period"]["from"] = json!("2026-05-02"),
        &|q: &mut Json| q["format"] = json!("csv"),
    ] {
        refused(
            host.run("report.run", with(&token, change)),
            "another report definition",
        );
    }
    // Another person, and a job.
    act(&mut host, &sim, Some("bob"));
    refused(
        host.run("report.run", with(&token, &|_| {})),
        "another person",
    );
    act(&mut host, &sim, None);
    refused(
        host.run("report.run", with(&token, &|_| {})),
        "another person",
    );
    // Altered: the sums, the hash, or not a token at all.
    act(&mut host, &sim, Some("alice"));
    let (payload, seal) = token.split_once('.').unwrap();
    let flip = |text: &str, at: usize| {
        let mut bytes = text.as_bytes().to_vec();
        bytes[at] = if bytes[at] == b'A' { b'B' } else { b'A' };
        String::from_utf8(bytes).unwrap()
    };
    refused(
        host.run(
            "report.run",
            with(&format!("{payload}.{}", flip(seal, 3)), &|_| {}),
        ),
        "altered or damaged",
    );
    let altered = format!("{}.{seal}", flip(payload, payload.len() / 2));
    let e = host.run("report.run", with(&altered, &|_| {})).unwrap_err();
    assert!(
        e.message().contains("altered or damaged") || e.message().contains("not a continuation"),
        "{}",
        e.message()
    );
    refused(
        host.run("report.run", with("nope!", &|_| {})),
        "not a continuation of report.run",
    );
    let e = host
        .run(
            "report.run",
            with(&token, &|q| q["continuation"] = json!(5)),
        )
        .unwrap_err();
    assert!(
        e.message().contains("field \"continuation\""),
        "{}",
        e.message()
    );
    // The budget is bounded.
    for reads in [json!(0), json!(9), json!("1"), json!(1.5)] {
        let e = host
            .run(
                "report.run",
                with(&token, &|q| q["readsPerCall"] = reads.clone()),
            )
            .unwrap_err();
        assert!(
            e.message().contains("field \"readsPerCall\""),
            "{}",
            e.message()
        );
    }
}

#[test]
fn the_answer_says_when_the_index_is_incomplete() {
    let sim = generated();
    let mut host = FakeHost::new(None).on_sim(&sim);
    host.now_ms = sim.with_world(|w| w.now_ms());
    let query = json!({"timeZone": "UTC", "period": {"from": "2026-05-01", "to": "2026-11-23"},
                       "groupBy": ["person"]});
    let before = host.run("report.run", query.clone()).unwrap();
    assert_eq!(before["indexComplete"], json!(false));
    assert!(
        before["indexMissing"]
            .as_str()
            .unwrap()
            .contains("no full import has finished"),
        "{before}"
    );
    let slice = host.run("sync.full", json!({"maxWorklogs": 1000})).unwrap();
    assert_eq!(slice["more"], json!(true));
    let during = host.run("report.run", query.clone()).unwrap();
    assert_eq!(during["indexComplete"], json!(false));
    assert!(
        during["indexMissing"]
            .as_str()
            .unwrap()
            .contains("a full import is running"),
        "{during}"
    );
    let mut file = query.clone();
    file["format"] = json!("csv");
    let as_file = host.run("report.run", file.clone()).unwrap();
    assert_eq!(as_file["indexComplete"], json!(false));
    for _ in 0..100 {
        if host.run("sync.full", json!({})).unwrap()["more"] != json!(true) {
            break;
        }
    }
    let after = host.run("report.run", query).unwrap();
    assert_eq!(after["indexComplete"], json!(true));
    assert!(after.get("indexMissing").is_none(), "{after}");
    assert!(after["worklogs"].as_u64() > during["worklogs"].as_u64());
    assert_eq!(
        host.run("report.run", file).unwrap()["indexComplete"],
        json!(true)
    );
}

/// Worklogs a grouped read's answer counts (its `n` column), if `statement`
/// is a grouped read of the report.
fn grouped_worklogs(
    statement: &crate::protocol::SqlStatement,
    rows: &crate::protocol::SqlRows,
) -> Option<i64> {
    if !statement
        .sql
        .starts_with("SELECT COUNT(*) AS n, SUM(w.seconds)")
    {
        return None;
    }
    let n = rows.columns.iter().position(|c| c == "n")?;
    Some(
        rows.rows
            .iter()
            .filter_map(|row| match row.get(n) {
                Some(crate::protocol::Value::Int(n)) => Some(*n),
                _ => None,
            })
            .sum(),
    )
}

#[test]
fn a_read_the_database_refuses_as_too_slow_is_read_again_in_halves_and_the_answer_is_exact() {
    let sim = generated();
    let refusals = std::rc::Rc::new(std::cell::Cell::new(0));
    let counted = refusals.clone();
    // As if every grouped read of more than 2,000 worklogs ran past Forge
    // SQL's 5 s per SELECT.
    let mut host = indexed(&sim).refuse_sql(move |statement, rows| {
        let n = grouped_worklogs(statement, rows)?;
        (n > 2_000).then(|| {
            counted.set(counted.get() + 1);
            Error::limit("the SQL statement ran longer than Forge SQL's limit of 5 s")
        })
    });
    act(&mut host, &sim, Some("dave"));
    let period = json!({"from": "2025-11-24", "to": "2026-11-23"});
    for query in [
        json!({"timeZone": "Europe/Berlin", "period": period, "groupBy": ["person", "week"],
               "measures": ["seconds", "count"]}),
        json!({"timeZone": "America/St_Johns", "period": period, "groupBy": ["project", "month"],
               "format": "csv", "measures": ["seconds", "count"]}),
    ] {
        let reference = by_rows(&mut host, &query).unwrap();
        let before = refusals.get();
        let (answer, calls) = to_the_end(&mut host, &query, None).unwrap();
        assert!(refusals.get() > before, "{query}: no read was refused");
        assert!(calls > 1, "{query}: a refusal after a read ends the call");
        assert_eq!(answer, reference, "{query}");
    }
}

#[test]
fn a_refusal_that_halving_does_not_cure_ends_the_report_with_the_databases_limit() {
    let sim = generated();
    let reads = std::rc::Rc::new(std::cell::Cell::new(0));
    let counted = reads.clone();
    // As Forge SQL refuses every statement once the installation's query time
    // for the minute is spent.
    let mut host = indexed(&sim).refuse_sql(move |statement, rows| {
        grouped_worklogs(statement, rows)?;
        counted.set(counted.get() + 1);
        Some(Error::limit(
            "the installation's SQL query time for this minute is spent",
        ))
    });
    act(&mut host, &sim, Some("dave"));
    let query = json!({"timeZone": "UTC", "period": {"from": "2025-11-24", "to": "2026-11-23"},
                       "groupBy": ["person"]});
    let e = host.run("report.run", query).unwrap_err();
    assert_eq!(e.code(), crate::ErrorCode::Limit);
    assert!(e.message().contains("query time"), "{}", e.message());
    // The first read and four halvings, then the error: no endless retries.
    assert_eq!(reads.get(), 5);
}

#[test]
fn a_carried_aim_stays_within_what_a_read_may_cost() {
    use super::run::{carried_aim, WORKLOGS_PER_READ};
    // A continuation's hash does not stop its caller from editing it.
    assert_eq!(carried_aim(u64::MAX), WORKLOGS_PER_READ);
    assert_eq!(carried_aim(0), 1_000);
    assert_eq!(carried_aim(25_000), 25_000);
}

/// A grouped read's range (`w.started >= ? AND w.started < ?`) and the
/// worklogs it counted, if `statement` is one.
fn grouped_range(
    statement: &crate::protocol::SqlStatement,
    rows: &crate::protocol::SqlRows,
) -> Option<(i64, i64, i64)> {
    let n = grouped_worklogs(statement, rows)?;
    let at = statement.sql.find("w.started >= ? AND w.started < ?")?;
    let first = statement.sql[..at].matches('?').count();
    match (statement.params.get(first), statement.params.get(first + 1)) {
        (Some(crate::protocol::Value::Int(from)), Some(crate::protocol::Value::Int(until))) => {
            Some((*from, *until, n))
        }
        _ => None,
    }
}

#[test]
fn a_period_that_begins_long_before_the_first_worklog_meets_it_with_a_narrow_read() {
    let sim = generated();
    let reads = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
    let seeks = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
    let (seen, sought) = (reads.clone(), seeks.clone());
    let mut host = indexed(&sim).refuse_sql(move |statement, rows| {
        if let Some(read) = grouped_range(statement, rows) {
            seen.borrow_mut().push(read);
        }
        if statement
            .sql
            .starts_with("SELECT w.started FROM worklogs w")
        {
            sought.borrow_mut().push(statement.sql.clone());
        }
        None
    });
    act(&mut host, &sim, Some("dave"));
    let first = host.query("SELECT MIN(started) FROM worklogs")[0][0].clone();
    let crate::protocol::Value::Int(first) = first else {
        panic!("no worklog: {first:?}");
    };
    // Six years with nothing, then the site's history.
    let query = json!({"timeZone": "Europe/Berlin", "groupBy": ["person", "week"],
                       "format": "csv", "period": {"from": "2020-01-01", "to": "2026-12-31"}});
    let reference = by_rows(&mut host, &query).unwrap();
    reads.borrow_mut().clear();
    let (answer, _) = to_the_end(&mut host, &query, None).unwrap();
    assert_eq!(answer, reference);
    let reads = reads.borrow();
    // The read that finds the first worklogs starts at the first worklog:
    // the empty years were stepped over, not read in ever wider ranges.
    let (from, until, _) = *reads.iter().find(|(_, _, n)| *n > 0).unwrap();
    assert_eq!(from, first, "{reads:?}");
    assert!(until - from <= 8 * 86_400_000, "{reads:?}");
    // A handful of empty reads, one per offset span at most and the first.
    let empty = reads.iter().filter(|(_, _, n)| *n == 0).count();
    assert!(empty <= 16, "{empty} empty reads: {reads:?}");
    // Each seek is narrowed to the viewer's projects, as the reads are: the
    // position tells nothing of worklogs outside them.
    let seeks = seeks.borrow();
    assert!(!seeks.is_empty());
    assert!(
        seeks.iter().all(|sql| sql.contains(" AND w.project IN (")),
        "{seeks:?}"
    );
}
