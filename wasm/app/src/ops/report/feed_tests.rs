//! `export.feed` against `export.run`: the same rows for each viewer, paged,
//! filtered, ordered and counted; deletions for those who could see them.

use std::collections::BTreeMap;

use serde_json::{json, Value as Json};

use super::tests::{act, csv_rows, export_all, grants, indexed, november, sim, Oracle};

use crate::testing::FakeHost;

/// Every row of a feed query, following its skip tokens.
fn feed_all(host: &mut FakeHost, mut input: Json) -> (Vec<Json>, Vec<Json>) {
    let mut rows = Vec::new();
    let mut answers = Vec::new();
    for _ in 0..500 {
        let answer = host.run("export.feed", input.clone()).unwrap();
        rows.extend(answer["rows"].as_array().unwrap().iter().cloned());
        let next = answer.get("skipToken").cloned();
        answers.push(answer);
        match next {
            Some(Json::String(t)) => input["skipToken"] = json!(t),
            _ => return (rows, answers),
        }
    }
    panic!("export.feed did not finish");
}

/// November 1 to 23 in Berlin, the tasks' zone here.
fn in_november() -> Json {
    json!({"and": [
        {"column": "started_utc", "op": "ge", "value": {"dateTime": "2026-11-01T00:00:00+01:00"}},
        {"column": "started_utc", "op": "lt", "value": {"dateTime": "2026-11-24T00:00:00+01:00"}}
    ]})
}

/// The same period as an export query.
fn november_in_berlin() -> Json {
    let mut query = november();
    query["timeZone"] = json!("Europe/Berlin");
    query
}

const HOUR_MS: i64 = 3_600_000;

/// A CSV cell as the feed's JSON writes it.
fn as_text(value: &Json) -> String {
    match value {
        Json::Null => String::new(),
        Json::String(s) => s.clone(),
        Json::Array(items) => items
            .iter()
            .map(|i| i.as_str().unwrap_or_default().to_owned())
            .collect::<Vec<_>>()
            .join("; "),
        other => other.to_string(),
    }
}

#[test]
fn the_feed_equals_the_export_for_each_viewer() {
    let sim = sim();
    let mut host = indexed(&sim);
    act(&mut host, &sim, Some("dave"));
    host.run("access.save", grants()).unwrap();
    let oracle = Oracle::new(&sim);
    let facts = sim.with_world(|w| w.worklog_facts());
    let mut seen = BTreeMap::new();
    for who in ["alice", "bob", "carol", "dave", "erin", "frank"] {
        act(&mut host, &sim, Some(who));
        let (bytes, _) = export_all(
            &mut host,
            "export.run",
            json!({"query": november_in_berlin(), "format": "csv"}),
        );
        let exported = csv_rows(&bytes);
        let (rows, answers) = feed_all(
            &mut host,
            json!({"set": "Worklogs", "filter": in_november(), "pageRows": 97}),
        );
        assert_eq!(rows.len(), exported.len(), "{who}");
        if rows.len() > 97 {
            assert!(answers.len() > 1, "{who}: several pages");
        }
        for (row, csv) in rows.iter().zip(&exported) {
            for (column, value) in csv {
                // CSV neutralises formulas with a leading quote; the feed never alters text.
                let cell = &row[column.as_str()];
                let csv = value.strip_prefix('\'').unwrap_or(value);
                if let Json::Number(n) = cell {
                    let number: f64 = csv.parse().unwrap();
                    assert_eq!(n.as_f64(), Some(number), "{who}: {column}");
                } else {
                    assert_eq!(
                        as_text(cell),
                        csv,
                        "{who}: {column} of {}",
                        row["worklog_id"]
                    );
                }
            }
        }
        // The oracle: exactly the worklogs the viewer may see.
        let mut ids: Vec<u64> = rows
            .iter()
            .map(|r| r["worklog_id"].as_str().unwrap().parse().unwrap())
            .collect();
        ids.sort_unstable();
        let mut expected: Vec<u64> = facts
            .iter()
            .filter(|f| {
                f.started_ms >= super::tests::FROM_MS - HOUR_MS
                    && f.started_ms < super::tests::TO_MS - HOUR_MS
                    && oracle.sees(Some(who), f)
            })
            .map(|f| f.id)
            .collect();
        expected.sort_unstable();
        assert_eq!(ids, expected, "{who}");
        seen.insert(who, ids);
    }
    assert_ne!(
        seen["alice"], seen["dave"],
        "different rights, different rows"
    );
}

#[test]
fn order_count_select_top_and_skip() {
    let sim = sim();
    let mut host = indexed(&sim);
    act(&mut host, &sim, Some("alice"));
    let (all, _) = feed_all(
        &mut host,
        json!({"set": "Worklogs", "filter": in_november()}),
    );
    assert!(all.len() > 20);
    let input = json!({"set": "Worklogs", "filter": in_november(), "count": true,
        "orderBy": [{"column": "seconds", "descending": true}, {"column": "worklog_id"}],
        "select": [{"column": "worklog_id"}, {"column": "seconds"}],
        "skip": 3, "top": 15, "pageRows": 4});
    let (rows, answers) = feed_all(&mut host, input);
    assert_eq!(answers[0]["count"], json!(all.len()));
    assert_eq!(rows.len(), 15);
    assert_eq!(answers.len(), 4);
    let mut expected: Vec<(i64, String)> = all
        .iter()
        .map(|r| {
            (
                r["seconds"].as_i64().unwrap(),
                r["worklog_id"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    expected.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    let got: Vec<(i64, String)> = rows
        .iter()
        .map(|r| {
            assert_eq!(r.as_object().unwrap().len(), 2, "{r}");
            (
                r["seconds"].as_i64().unwrap(),
                r["worklog_id"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(got, expected[3..18].to_vec());
    // Keyset pages with skip and top.
    let (rows, _) = feed_all(
        &mut host,
        json!({"set": "Worklogs", "filter": in_november(), "skip": 5, "top": 11, "pageRows": 3}),
    );
    assert_eq!(rows, all[5..16].to_vec());
    // A filter on text and numbers.
    let (rows, _) = feed_all(
        &mut host,
        json!({"set": "Worklogs", "filter": {"and": [in_november(),
            {"or": [{"column": "project_key", "op": "eq", "value": {"text": "ALPHA"}},
                    {"not": {"column": "seconds", "op": "le", "value": {"number": "3600"}}}]}]}}),
    );
    let expected: Vec<Json> = all
        .iter()
        .filter(|r| r["project_key"] == json!("ALPHA") || r["seconds"].as_i64().unwrap() > 3600)
        .cloned()
        .collect();
    assert_eq!(rows, expected);
}

#[test]
fn bad_queries_name_the_option_and_the_position() {
    let sim = sim();
    let mut host = indexed(&sim);
    act(&mut host, &sim, Some("alice"));
    let cases = [
        (
            json!({"set": "Worklogs", "filter": {"column": "nope", "op": "eq", "value": {"text": "x"}, "at": 4}}),
            "$filter",
            "position 4",
        ),
        (
            json!({"set": "Worklogs", "filter": {"column": "seconds", "op": "eq", "value": {"text": "x"}, "at": 9}}),
            "$filter",
            "position 9",
        ),
        (
            json!({"set": "Worklogs", "orderBy": [{"column": "labels", "at": 2}]}),
            "$orderby",
            "position 2",
        ),
        (
            json!({"set": "Worklogs", "select": [{"column": "rate", "at": 7}]}),
            "$select",
            "position 7",
        ),
        (
            json!({"set": "Worklogs", "skipToken": "forged"}),
            "$skiptoken",
            "forged",
        ),
        (
            json!({"set": "Worklogs", "filter": {"xor": []}}),
            "$filter",
            "filter",
        ),
    ];
    for (input, option, text) in cases {
        let e = host.run("export.feed", input.clone()).unwrap_err();
        assert!(e.is_invalid_input(), "{input}: {e}");
        assert!(e.message().contains(option), "{input}: {e}");
        assert!(e.message().contains(text), "{input}: {e}");
    }
    assert!(host
        .run("export.feed", json!({"set": "Rates"}))
        .unwrap_err()
        .is_not_found());
    act(&mut host, &sim, None);
    assert!(host
        .run("export.feed", json!({"set": "Worklogs"}))
        .unwrap_err()
        .is_forbidden());
}

#[test]
fn deletions_are_listed_to_those_who_could_see_them() {
    let sim = sim();
    let mut host = indexed(&sim);
    act(&mut host, &sim, Some("alice"));
    let logged = host
        .run(
            "worklog.log",
            json!({"issue": "ALPHA-2", "started": "2026-11-24T08:00:00Z", "seconds": 600}),
        )
        .unwrap();
    let id = logged["id"].as_str().unwrap().to_owned();
    host.run("worklog.delete", json!({"issue": "ALPHA-2", "id": id}))
        .unwrap();
    let (rows, _) = feed_all(&mut host, json!({"set": "Deleted"}));
    assert!(
        rows.iter().any(|r| r["worklog_id"] == json!(id)),
        "{rows:?}"
    );
    assert!(rows[0]["deleted_utc"].as_str().unwrap().ends_with('Z'));
    // Someone who never saw alice's time is not told of the deletion.
    act(&mut host, &sim, Some("frank"));
    let (rows, _) = feed_all(&mut host, json!({"set": "Deleted"}));
    assert!(
        !rows.iter().any(|r| r["worklog_id"] == json!(id)),
        "{rows:?}"
    );
    let described = host.run("export.feed", json!({})).unwrap();
    let names: Vec<&str> = described["sets"][0]["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    let fixed: Vec<&str> = worklogs_core::export::flat::fixed_column_names().collect();
    assert_eq!(names[..fixed.len()], fixed[..]);
}

#[test]
fn display_names_are_asked_of_jira_only_when_the_feed_uses_them() {
    let sim = sim();
    let mut host = indexed(&sim);
    act(&mut host, &sim, Some("alice"));
    let asked = |host: &FakeHost| {
        host.jira_requests()
            .iter()
            .filter(|r| r.path.contains("/user/bulk"))
            .count()
    };
    let query = |columns: &[&str]| {
        let select: Vec<Json> = columns.iter().map(|c| json!({"column": c})).collect();
        json!({"set": "Worklogs", "filter": in_november(), "select": select})
    };
    let before = asked(&host);
    let (lean, _) = feed_all(&mut host, query(&["worklog_id", "author_account_id"]));
    assert!(lean.len() > 20);
    assert_eq!(
        asked(&host),
        before,
        "no names were selected, filtered or ordered by"
    );
    let (named, _) = feed_all(
        &mut host,
        query(&["worklog_id", "author_account_id", "author_display_name"]),
    );
    assert!(asked(&host) > before);
    assert_eq!(lean.len(), named.len());
    for (l, n) in lean.iter().zip(&named) {
        assert_eq!(l["worklog_id"], n["worklog_id"]);
        assert_eq!(l["author_account_id"], n["author_account_id"]);
        assert!(
            !n["author_display_name"].as_str().unwrap().is_empty(),
            "{n}"
        );
    }
    // A filter on the names reads them, though they are not selected.
    let mut filtered = query(&["worklog_id"]);
    filtered["filter"] = json!({"and": [in_november(),
        {"column": "author_display_name", "op": "ne", "value": {"text": ""}}]});
    let at = asked(&host);
    let (rows, _) = feed_all(&mut host, filtered);
    assert_eq!(rows.len(), lean.len());
    assert!(asked(&host) > at);
}
