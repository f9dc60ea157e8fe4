//! Drives every operation of the component with arbitrary input, through every
//! entry point, against a host that answers plausibly: a real SQLite database
//! with the app's migrations, and a Jira that answers each request with one of
//! a few statuses and bodies the fuzzer picks (an empty object, an empty list,
//! 404, 403, 429 without a wait, 500). Whatever happens, the run ends in a step
//! (no panic: a trap would kill a Forge instance) and never in `internal`
//! (which would be a bug: the host keeps the protocol and the database is
//! sound).
//!
//! Input layout: the operation (one byte, modulo the number of operations),
//! the entry point and acting user (one byte), the Jira answers to cycle
//! through (one byte each, until a 0xff byte), then the operation's input text.

#![no_main]

use libfuzzer_sys::fuzz_target;
use rusqlite::types::Value as Sqlite;
use worklogs_app::{
    Answer, Context, Effect, EntryPoint, ErrorCode, HttpResponse, Outcome, Run, SqlEngine, SqlRows,
    SqlStatement, Step, Value,
};

/// What Jira answers, by the fuzzer's choice.
fn jira(choice: u8) -> HttpResponse {
    let (status, body) = match choice % 6 {
        0 => (200, "{}"),
        1 => (200, "[]"),
        2 => (
            404,
            r#"{"errorMessages":["Issue does not exist"],"errors":{}}"#,
        ),
        3 => (403, r#"{"errorMessages":["forbidden"],"errors":{}}"#),
        4 => (429, ""),
        _ => (500, ""),
    };
    HttpResponse {
        status,
        headers: vec![("content-type".into(), "application/json".into())],
        body: body.into(),
    }
}

fn sql(
    db: &rusqlite::Connection,
    statement: &SqlStatement,
) -> Result<SqlRows, worklogs_app::Error> {
    let fail = |e: rusqlite::Error| worklogs_app::Error::upstream(format!("sqlite: {e}"));
    let mut prepared = db.prepare(&statement.sql).map_err(fail)?;
    let params = rusqlite::params_from_iter(statement.params.iter().map(|v| match v {
        Value::Null => Sqlite::Null,
        Value::Int(i) => Sqlite::Integer(*i),
        Value::Real(r) => Sqlite::Real(*r),
        Value::Text(t) => Sqlite::Text(t.clone()),
        Value::Blob(b) => Sqlite::Blob(b.clone()),
    }));
    let columns: Vec<String> = prepared
        .column_names()
        .into_iter()
        .map(str::to_owned)
        .collect();
    if columns.is_empty() {
        let changed = prepared.execute(params).map_err(fail)?;
        return Ok(SqlRows {
            columns,
            rows: Vec::new(),
            rows_affected: changed as u64,
        });
    }
    let width = columns.len();
    let rows = prepared
        .query_map(params, |row| {
            (0..width)
                .map(|i| {
                    row.get::<_, Sqlite>(i).map(|v| match v {
                        Sqlite::Null => Value::Null,
                        Sqlite::Integer(i) => Value::Int(i),
                        Sqlite::Real(r) => Value::Real(r),
                        Sqlite::Text(t) => Value::Text(t),
                        Sqlite::Blob(b) => Value::Blob(b),
                    })
                })
                .collect::<Result<Vec<_>, _>>()
        })
        .map_err(fail)?
        .collect::<Result<Vec<_>, _>>()
        .map_err(fail)?;
    Ok(SqlRows {
        columns,
        rows,
        rows_affected: 0,
    })
}

fuzz_target!(|data: &[u8]| {
    let operations = worklogs_app::operations();
    let [op, who, rest @ ..] = data else { return };
    let operation = operations[usize::from(*op) % operations.len()];
    let entry_point = EntryPoint::ALL[usize::from(*who % 5)];
    let account = (who / 5 % 2 == 0).then(|| "712020:alice".to_owned());
    let split = rest.iter().position(|b| *b == 0xff).unwrap_or(0);
    let (choices, input) = rest.split_at(split);
    let input = String::from_utf8_lossy(input.get(1..).unwrap_or_default());

    let db = rusqlite::Connection::open_in_memory().expect("sqlite");
    for migration in worklogs_app::migrations() {
        db.execute(migration.statement, []).expect(migration.name);
    }
    let context = Context {
        installation: "fuzz".into(),
        account_id: account,
        time_zone: "Europe/Berlin".into(),
        locale: "en-US".into(),
        now_ms: 1_795_521_600_000,
        entry_point,
        // The engine only changes estimates: any of them, by the fuzzer's choice.
        sql_engine: [SqlEngine::Sqlite, SqlEngine::MySql, SqlEngine::ForgeSql]
            [usize::from(*who / 5 % 3)],
    };
    let mut run = Run::new(context, operation, &input);
    let mut answers = Vec::new();
    let mut jira_answers = choices.iter().copied().chain(std::iter::repeat(2)).cycle();
    for _ in 0..2_000 {
        match run.resume(answers) {
            Step::Done(Ok(text)) => {
                assert!(
                    serde_json::from_str::<serde_json::Value>(&text).is_ok(),
                    "{operation}: not JSON"
                );
                return;
            }
            Step::Done(Err(e)) => {
                assert!(
                    e.code() != ErrorCode::Internal,
                    "{operation} {input:?}: {e}"
                );
                return;
            }
            Step::Wait(batch) => {
                answers = batch
                    .iter()
                    .map(|request| Answer {
                        id: request.id,
                        outcome: match &request.effect {
                            Effect::Sql(statement) => Outcome::Sql(sql(&db, statement)),
                            Effect::Jira(_) => {
                                Outcome::Jira(Ok(jira(jira_answers.next().unwrap_or(2))))
                            }
                            Effect::Sleep(_) => Outcome::Sleep,
                        },
                    })
                    .collect();
            }
        }
    }
    // A run that keeps asking: bounded by the caller's limits, not a failure.
});
