//! Worklog pages sized by bytes: a page of the largest rows the index can
//! hold (keys and summaries of 255 four-byte characters) stays under the page
//! cap, and the fake host refuses a response over Forge SQL's 4 MiB as Forge
//! does, so the cap is tested against a real refusal.

use serde_json::json;

use crate::index::report::{
    worklog_page, Order, Range, MAX_PAGE_ROWS, PAGE_RESPONSE_CAP, PAGE_ROW_BYTES,
};
use crate::testing::{FakeHost, SQL_RESPONSE_BYTES};

/// `rows` worklogs, each on its own issue whose key and summary are 255
/// four-byte characters: the largest row a page can answer.
fn largest_rows(rows: usize) -> FakeHost {
    let host = FakeHost::new(None);
    let wide: String = "\u{1D11E}".repeat(255);
    assert_eq!(wide.len(), 1020);
    for n in 1..=rows {
        host.exec(&format!(
            "INSERT INTO issues (site, id, issue_key, summary, project, parent, issue_type, \
             status, components, labels, versions, fields, updated) \
             VALUES (1, {n}, '{wide}', '{wide}', 10, 0, 0, 0, 0, 0, 0, 0, 0)"
        ));
        host.exec(&format!(
            "INSERT INTO worklogs (site, id, issue, project, author, started, seconds, updated, \
             visibility, attrs, note) VALUES (1, {n}, {n}, 10, 0, {n}, 60, 0, 0, 0, 0)"
        ));
    }
    host
}

#[test]
fn a_page_of_the_largest_rows_stays_under_the_cap() {
    const { assert!(MAX_PAGE_ROWS * PAGE_ROW_BYTES <= PAGE_RESPONSE_CAP) };
    const { assert!(PAGE_RESPONSE_CAP < SQL_RESPONSE_BYTES) };
    assert_eq!(MAX_PAGE_ROWS, 1692);
    let mut host = largest_rows(2000);
    let read = |host: &mut FakeHost, limit: usize| {
        host.run_with(move |ctx| {
            Box::pin(async move {
                let rows = worklog_page(
                    &ctx,
                    1,
                    Order::Started,
                    &Range {
                        from: 0,
                        until: i64::MAX,
                    },
                    None,
                    (None, None),
                    limit,
                )
                .await?;
                let bytes: usize = rows
                    .iter()
                    .map(|r| 16 * 8 + r.key.len() + r.summary.len())
                    .sum();
                Ok(json!({"rows": rows.len(), "bytes": bytes}).to_string())
            })
        })
    };
    // Asked for more, a page answers no more rows than fit the cap.
    let page = read(&mut host, 5000).unwrap();
    assert_eq!(page["rows"], json!(MAX_PAGE_ROWS));
    let bytes = page["bytes"].as_u64().unwrap() as usize;
    assert!(bytes <= PAGE_RESPONSE_CAP, "{bytes}");
    assert_eq!(bytes, MAX_PAGE_ROWS * PAGE_ROW_BYTES);
    // The same rows read 2000 at once are over 4 MiB: refused.
    let over = host
        .run_with(|ctx| {
            Box::pin(async move {
                let answer = ctx
                    .sql(
                        "SELECT w.id, w.issue, w.project, w.author, w.started, w.seconds, \
                         w.updated, w.visibility, w.attrs, w.note, i.issue_key, i.summary, \
                         i.parent, i.issue_type, i.status, i.components, i.labels, i.security \
                         FROM worklogs w JOIN issues i ON i.site = w.site AND i.id = w.issue \
                         LIMIT 2000",
                        Vec::new(),
                    )
                    .await?;
                Ok(answer.rows.len().to_string())
            })
        })
        .unwrap_err();
    assert!(over.message().contains("4 MiB"), "{}", over.message());
}

#[test]
fn a_page_after_a_key_asks_the_index_for_the_range_from_that_key() {
    // The `OR` of a keyset condition is no range an engine seeks by: the
    // lower bound must be the key itself, or every page scans the range
    // from its start again.
    let bounds = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
    let seen = bounds.clone();
    let mut host = largest_rows(30).refuse_sql(move |statement, _| {
        if statement.sql.starts_with("SELECT w.id, w.issue") {
            seen.borrow_mut().push(statement.params[1].clone());
        }
        None
    });
    let ids = host
        .run_with(|ctx| {
            Box::pin(async move {
                let range = Range {
                    from: 0,
                    until: i64::MAX,
                };
                let mut after = None;
                let mut ids = Vec::new();
                loop {
                    let rows =
                        worklog_page(&ctx, 1, Order::Started, &range, after, (None, None), 10)
                            .await?;
                    let Some(last) = rows.last() else { break };
                    after = Some((last.started, last.id));
                    ids.extend(rows.iter().map(|r| r.id));
                }
                Ok(json!(ids).to_string())
            })
        })
        .unwrap();
    assert_eq!(ids, json!((1..=30).collect::<Vec<i64>>()));
    use crate::protocol::Value;
    assert_eq!(
        *bounds.borrow(),
        [0, 10, 20, 30].map(Value::Int).to_vec(),
        "each page's lower bound is the last key's start"
    );
}

#[test]
fn an_export_reads_the_next_page_while_its_comments_are_read() {
    use super::rows::PAGE_ROWS;
    use super::tests::{act, csv_rows, export_all, indexed};
    use crate::protocol::{Effect, Request};

    let sim = super::tests::sim();
    let mut host = indexed(&sim);
    act(&mut host, &sim, Some("dave"));
    host.batches.clear();
    let (bytes, answers) = export_all(
        &mut host,
        "export.run",
        json!({"query": {"timeZone": "UTC", "period": {"from": "2026-01-01", "to": "2026-11-30"}},
               "format": "csv"}),
    );
    let rows = csv_rows(&bytes).len();
    assert!(rows > 3 * PAGE_ROWS, "{rows} rows: too few pages");
    let page = |r: &Request| matches!(&r.effect, Effect::Sql(s) if s.sql.starts_with("SELECT w.id, w.issue"));
    // From the journal (or, for what it lacks, from Jira).
    let comments = |r: &Request| match &r.effect {
        Effect::Jira(j) => j.path.contains("/worklog/list"),
        Effect::Sql(s) => s.sql.contains("FROM worklog_journal"),
        _ => false,
    };
    let reads = host.batches.iter().flatten().filter(|r| page(r)).count();
    let together = host
        .batches
        .iter()
        .filter(|b| b.iter().any(page) && b.iter().any(comments))
        .count();
    // Every page after a call's first was read in the batch that asked
    // Jira for the previous page's comments.
    assert!(
        together >= rows / PAGE_ROWS - answers.len(),
        "{together} pages read beside comments, {rows} rows, {} calls",
        answers.len()
    );
    // A page read ahead is used, not read again: at most one read a call
    // for nothing (the page after the call's last).
    assert!(
        reads <= rows.div_ceil(PAGE_ROWS) + 2 * answers.len(),
        "{reads} page reads for {rows} rows in {} calls",
        answers.len()
    );
}

/// The November export as dave, and the ids Jira was asked for comments.
fn november_export(host: &mut FakeHost) -> (Vec<u8>, Vec<String>) {
    use super::tests::export_all;
    use crate::protocol::Effect;
    host.batches.clear();
    let (bytes, _) = export_all(
        host,
        "export.run",
        json!({"query": {"timeZone": "UTC", "period": {"from": "2026-11-01", "to": "2026-11-30"}},
               "format": "csv"}),
    );
    let asked = host
        .batches
        .iter()
        .flatten()
        .filter_map(|r| match &r.effect {
            Effect::Jira(j) if j.path.contains("/worklog/list") => j.body.clone(),
            _ => None,
        })
        .collect();
    (bytes, asked)
}

#[test]
fn an_export_takes_comments_from_the_journal_and_asks_jira_only_for_what_it_lacks() {
    use super::tests::{act, csv_rows, indexed};

    let sim = super::tests::sim();
    let mut host = indexed(&sim);
    act(&mut host, &sim, Some("dave"));
    // The journal keeps comments (the default): Jira is asked for none.
    let (from_journal, asked) = november_export(&mut host);
    assert_eq!(asked, Vec::<String>::new());
    let rows = csv_rows(&from_journal);
    // The ids of the worklogs with a comment, in the file's order.
    let commented: Vec<String> = rows
        .iter()
        .filter(|r| !r["comment"].is_empty())
        .map(|r| r["worklog_id"].clone())
        .collect();
    assert!(
        commented.len() > 10,
        "{} comments in {} rows",
        commented.len(),
        rows.len()
    );

    // One version journaled without its comment (kept before comments were
    // switched on, or cleared): that worklog's comment comes from Jira, and
    // the file is the same.
    let id = &commented[0];
    host.exec(&format!(
        "UPDATE worklog_journal SET comment = NULL WHERE worklog = {id}"
    ));
    let (mixed, asked) = november_export(&mut host);
    assert_eq!(asked.len(), 1, "{asked:?}");
    assert_eq!(asked[0], format!("{{\"ids\":[{id}]}}"));
    assert_eq!(mixed, from_journal);

    // A journal whose newest version names another comment than the index
    // row (the hash differs) is not used for it either.
    let other = &commented[1];
    host.exec(&format!(
        "UPDATE worklog_journal SET note = note + 1 WHERE worklog = {other}"
    ));
    let (again, asked) = november_export(&mut host);
    assert_eq!(asked.len(), 1, "{asked:?}");
    for wanted in [id, other] {
        assert!(
            asked[0].contains(wanted.as_str()),
            "{wanted} not asked for: {asked:?}"
        );
    }
    assert_eq!(again, from_journal);

    // A version of one worklog whose hash is another row's (an older comment
    // of its own that happens to read like the other's current one): the SQL
    // reads it, since the other row asks for that hash, but it is not this
    // worklog's comment; Jira is asked for it, and the file is the same.
    let third = &commented[2];
    let fourth = &commented[3];
    host.exec(&format!(
        "UPDATE worklog_journal SET comment = '\"an older comment\"', \
         note = (SELECT note FROM worklogs WHERE id = {fourth}) WHERE worklog = {third}"
    ));
    let (crossed, asked) = november_export(&mut host);
    assert_eq!(asked.len(), 1, "{asked:?}");
    assert!(
        asked[0].contains(third.as_str()),
        "{third} not asked for: {asked:?}"
    );
    assert_eq!(crossed, from_journal);

    // Comments switched off ("store as little as possible"): every comment
    // from Jira, the same file.
    host.run(
        "journal.settings.save",
        json!({"retentionDays": null, "comments": false}),
    )
    .unwrap();
    let (from_jira, asked) = november_export(&mut host);
    assert!(!asked.is_empty());
    assert_eq!(from_jira, from_journal);
}

#[test]
fn every_row_of_a_long_export_is_its_own_worklogs() {
    use super::rows::PAGE_ROWS;
    use super::tests::{act, csv_rows, export_all, indexed};

    let sim = super::tests::sim();
    let mut host = indexed(&sim);
    act(&mut host, &sim, Some("dave"));
    let (bytes, answers) = export_all(
        &mut host,
        "export.run",
        json!({"query": {"timeZone": "UTC", "period": {"from": "2026-01-01", "to": "2026-11-30"}},
               "format": "csv"}),
    );
    let rows = csv_rows(&bytes);
    // Calls of several pages, each page's names, comments and periods read
    // beside the next page and the encoding of the one before.
    assert!(
        rows.len() > 3 * PAGE_ROWS && answers.len() * 3 < rows.len() / PAGE_ROWS,
        "{} rows in {} calls",
        rows.len(),
        answers.len()
    );
    let facts: std::collections::BTreeMap<String, jira_sim::WorklogFacts> = sim
        .with_world(|w| w.worklog_facts())
        .into_iter()
        .map(|f| (f.id.to_string(), f))
        .collect();
    let (mut with, mut without) = (0, 0);
    for row in &rows {
        let id = &row["worklog_id"];
        let fact = &facts[id];
        let comment = fact
            .comment
            .as_ref()
            .map(crate::adf::to_plain_text)
            .unwrap_or_default();
        assert_eq!(row["comment"], comment, "worklog {id}");
        assert_eq!(row["issue_id"], fact.issue_id.to_string(), "worklog {id}");
        assert_eq!(row["author_account_id"], fact.author, "worklog {id}");
        if comment.is_empty() {
            without += 1;
        } else {
            with += 1;
        }
    }
    assert!(
        with > 10 && without > 10,
        "{with} rows with a comment, {without} without"
    );
}
