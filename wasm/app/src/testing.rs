//! A fake host for tests, in the spirit of quinn-proto's `Pair`: it runs an
//! operation to completion with no I/O, answering SQL effects with an in-memory
//! SQLite database (migrated like a real installation's) and Jira effects with a
//! closure, and records every batch so tests can check what went out together.

use rusqlite::types::Value as SqliteValue;
use serde_json::Value as Json;

use crate::executor::Run;
use crate::protocol::{
    Answer, Context, Effect, EntryPoint, HttpResponse, JiraRequest, Outcome, Request, SqlRows,
    SqlStatement, Step, Value,
};
use crate::schema::MIGRATIONS;
use crate::Error;

/// The installation every fake run belongs to.
pub const INSTALLATION: &str = "site-1";

/// A context for `account` at 2026-11-24T12:00:00Z: a person's call through the
/// UI, or with no account the local operator's command line (which may start
/// every operation, as the app). [`context_via`] chooses the entry point.
pub fn context(account: Option<&str>) -> Context {
    let entry_point = if account.is_some() {
        EntryPoint::Person
    } else {
        EntryPoint::Operator
    };
    context_via(entry_point, account)
}

/// A context for `account`, started through `entry_point`.
pub fn context_via(entry_point: EntryPoint, account: Option<&str>) -> Context {
    Context {
        entry_point,
        installation: INSTALLATION.to_owned(),
        account_id: account.map(str::to_owned),
        time_zone: "Europe/Berlin".to_owned(),
        locale: "en-US".to_owned(),
        now_ms: 1_795_521_600_000,
        sql_engine: crate::protocol::SqlEngine::Sqlite,
    }
}

/// A JSON response with this status and body.
pub fn http(status: u16, body: &str) -> HttpResponse {
    HttpResponse {
        status,
        headers: vec![("content-type".to_owned(), "application/json".to_owned())],
        body: body.to_owned(),
    }
}

/// Jira answering `mypermissions?permissions=ADMINISTER`: whether the acting
/// user administers Jira (for operations that only administrators may run).
pub fn admin_answer(admin: bool) -> impl FnMut(&JiraRequest) -> HttpResponse {
    move |_| {
        http(
            200,
            &serde_json::json!({"permissions": {"ADMINISTER": {"havePermission": admin}}})
                .to_string(),
        )
    }
}

/// The raw value of query parameter `name` in a path.
pub fn query_param(path: &str, name: &str) -> Option<String> {
    let (_, query) = path.split_once('?')?;
    query.split('&').find_map(|pair| {
        let (n, v) = pair.split_once('=')?;
        (n == name).then(|| v.to_owned())
    })
}

/// Forge SQL's largest response, which the fake refuses past as Forge does.
pub const SQL_RESPONSE_BYTES: usize = 4 * 1024 * 1024;

type JiraHandler = Box<dyn FnMut(&JiraRequest) -> Result<HttpResponse, Error>>;

/// Runs operations against an in-memory database and a scripted Jira.
pub struct FakeHost {
    account: Option<String>,
    /// The acting user, shared with a simulator's handler.
    acting: std::rc::Rc<std::cell::RefCell<Option<String>>>,
    /// The instant every run's context carries.
    pub now_ms: i64,
    /// The SQL engine every run's context names (the statements run on
    /// SQLite whatever it says).
    pub sql_engine: crate::protocol::SqlEngine,
    /// Effects performed so far, by every run.
    pub effects: u64,
    jira: JiraHandler,
    pub db: rusqlite::Connection,
    /// Every batch of every run, in order.
    pub batches: Vec<Vec<Request>>,
    /// Every wait asked for, in milliseconds (answered at once: time is virtual).
    pub slept: Vec<u32>,
    /// Told of every wait, to move a simulated clock on by it.
    on_sleep: Option<Box<dyn FnMut(u32)>>,
    /// Shown every statement's answer; may refuse it instead, as a database
    /// refuses a statement that runs too long.
    refuse_sql: Option<RefuseSql>,
    /// Shown every statement before it runs; may fail it instead, as a
    /// database fails a statement that does nothing (a lock wait timeout).
    fail_sql: Option<FailSql>,
}

type FailSql = Box<dyn FnMut(&SqlStatement) -> Option<Error>>;

type RefuseSql = Box<dyn FnMut(&SqlStatement, &SqlRows) -> Option<Error>>;

impl FakeHost {
    /// A host acting for `account`, with a migrated, empty database and a Jira
    /// that fails the test when asked anything.
    pub fn new(account: Option<&str>) -> Self {
        let db = rusqlite::Connection::open_in_memory().expect("in-memory sqlite");
        for migration in MIGRATIONS {
            db.execute(migration.statement, []).expect(migration.name);
        }
        Self {
            account: account.map(str::to_owned),
            acting: std::rc::Rc::new(std::cell::RefCell::new(account.map(str::to_owned))),
            now_ms: context(None).now_ms,
            sql_engine: crate::protocol::SqlEngine::Sqlite,
            effects: 0,
            jira: Box::new(|request| panic!("unexpected jira request {request:?}")),
            db,
            batches: Vec::new(),
            slept: Vec::new(),
            on_sleep: None,
            refuse_sql: None,
            fail_sql: None,
        }
    }

    /// Shows `refuse` every SQL statement with its answer, and answers the
    /// error it returns instead (the statement's effects stay: a time-out
    /// after a read has read).
    pub fn refuse_sql(
        mut self,
        refuse: impl FnMut(&SqlStatement, &SqlRows) -> Option<Error> + 'static,
    ) -> Self {
        self.refuse_sql = Some(Box::new(refuse));
        self
    }

    /// Shows `fail` every SQL statement before it runs, and answers the
    /// error it returns instead of running it.
    pub fn fail_sql(mut self, fail: impl FnMut(&SqlStatement) -> Option<Error> + 'static) -> Self {
        self.fail_sql = Some(Box::new(fail));
        self
    }

    /// Calls `handler` with every wait the component asks for (after which
    /// the wait is over), such as to move a simulator's clock on.
    pub fn on_sleep(mut self, handler: impl FnMut(u32) + 'static) -> Self {
        self.on_sleep = Some(Box::new(handler));
        self
    }

    /// Answers Jira requests with `handler`.
    pub fn on_jira(self, mut handler: impl FnMut(&JiraRequest) -> HttpResponse + 'static) -> Self {
        self.on_jira_outcome(move |request| Ok(handler(request)))
    }

    /// Answers Jira requests with `handler`, which may fail like a host does.
    pub fn on_jira_outcome(
        mut self,
        handler: impl FnMut(&JiraRequest) -> Result<HttpResponse, Error> + 'static,
    ) -> Self {
        self.jira = Box::new(handler);
        self
    }

    /// Runs `operation` on a JSON input to completion.
    pub fn run(&mut self, operation: &str, input: Json) -> Result<Json, Error> {
        self.run_text(operation, &input.to_string())
    }

    /// Runs `operation` on an input text to completion.
    pub fn run_text(&mut self, operation: &str, input: &str) -> Result<Json, Error> {
        match self.run_until(operation, input, u64::MAX) {
            Some(result) => result,
            None => unreachable!("no limit was set"),
        }
    }

    /// Runs `operation` as the process would until it is killed after
    /// `effects` more effects: the effects of each batch are performed in order
    /// (SQL statements as the host does), and when the limit falls inside a
    /// batch, the rest of it is never performed and the run is dropped. `None`
    /// when killed; else the run's result.
    pub fn run_until(
        &mut self,
        operation: &str,
        input: &str,
        effects: u64,
    ) -> Option<Result<Json, Error>> {
        let mut ctx = context(self.account.as_deref());
        ctx.now_ms = self.now_ms;
        ctx.sql_engine = self.sql_engine;
        let run = Run::new(ctx, operation, input);
        self.drive(run, operation, effects)
    }

    /// Runs any future over a [`crate::Ctx`] to completion (to test functions
    /// that are not operations).
    pub fn run_with(
        &mut self,
        start: impl FnOnce(crate::Ctx) -> crate::executor::OperationFuture + 'static,
    ) -> Result<Json, Error> {
        let mut ctx = context(self.account.as_deref());
        ctx.now_ms = self.now_ms;
        ctx.sql_engine = self.sql_engine;
        let run = Run::with(ctx, start);
        match self.drive(run, "a future", u64::MAX) {
            Some(result) => result,
            None => unreachable!("no limit was set"),
        }
    }

    fn drive(
        &mut self,
        mut run: Run,
        operation: &str,
        effects: u64,
    ) -> Option<Result<Json, Error>> {
        let mut answers = Vec::new();
        let mut left = effects;
        for _ in 0..100_000 {
            match run.resume(answers) {
                Step::Done(result) => {
                    return Some(
                        result.map(|text| serde_json::from_str(&text).expect("the result is JSON")),
                    )
                }
                Step::Wait(batch) => {
                    let mut performed = Vec::with_capacity(batch.len());
                    for request in &batch {
                        if left == 0 {
                            return None;
                        }
                        left -= 1;
                        self.effects += 1;
                        performed.push(self.perform(request));
                    }
                    answers = performed;
                    self.batches.push(batch);
                }
            }
        }
        panic!("{operation} did not finish in 100000 steps");
    }

    /// Runs several operations at once, as concurrent invocations of the same
    /// installation do: each `(start, account, operation, input)` begins once
    /// `start` batches (of every run) have been performed, and then the runs
    /// take turns, one whole batch each, every run as its own acting user. So
    /// one run's reads can come before, and its writes after, another's. The
    /// results, in the order given.
    pub fn run_interleaved(
        &mut self,
        runs: &[(usize, Option<&str>, &str, Json)],
    ) -> Vec<Result<Json, Error>> {
        struct Slot {
            run: Option<Run>,
            answers: Vec<Answer>,
            result: Option<Result<Json, Error>>,
        }
        let mut slots: Vec<Slot> = runs
            .iter()
            .map(|_| Slot {
                run: None,
                answers: Vec::new(),
                result: None,
            })
            .collect();
        let mut performed = 0usize;
        for _ in 0..100_000 {
            if slots.iter().all(|s| s.result.is_some()) {
                *self.acting.borrow_mut() = self.account.clone();
                return slots.into_iter().filter_map(|s| s.result).collect();
            }
            let mut progressed = false;
            for (slot, (start, account, operation, input)) in slots.iter_mut().zip(runs) {
                if slot.result.is_some() || (slot.run.is_none() && performed < *start) {
                    continue;
                }
                let run = slot.run.get_or_insert_with(|| {
                    let mut ctx = context(*account);
                    ctx.now_ms = self.now_ms;
                    Run::new(ctx, operation, &input.to_string())
                });
                *self.acting.borrow_mut() = account.map(str::to_owned);
                progressed = true;
                match run.resume(std::mem::take(&mut slot.answers)) {
                    Step::Done(result) => {
                        slot.result =
                            Some(result.map(|text| {
                                serde_json::from_str(&text).expect("the result is JSON")
                            }));
                    }
                    Step::Wait(batch) => {
                        slot.answers = batch.iter().map(|r| self.perform(r)).collect();
                        self.effects += batch.len() as u64;
                        performed += 1;
                        self.batches.push(batch);
                    }
                }
            }
            if !progressed {
                // Every started run is done and the next starts later than
                // there are batches: start it now.
                performed = usize::MAX;
            }
        }
        panic!("the interleaved runs did not finish in 100000 turns");
    }

    /// Runs several operations at once in a given order of turns: `turns`
    /// names, one batch at a time, which run goes next (a finished run's turn
    /// is passed); after the last turn the unfinished runs take turns in
    /// order. So one run can read and call Jira, another run start and finish,
    /// and the first write afterwards. Each run acts as its own account. The
    /// results, in the order given.
    pub fn run_in_turns(
        &mut self,
        runs: &[(Option<&str>, &str, Json)],
        turns: &[usize],
    ) -> Vec<Result<Json, Error>> {
        let mut live: Vec<(Run, Vec<Answer>)> = runs
            .iter()
            .map(|(account, operation, input)| {
                let mut ctx = context(*account);
                ctx.now_ms = self.now_ms;
                (Run::new(ctx, operation, &input.to_string()), Vec::new())
            })
            .collect();
        let mut results: Vec<Option<Result<Json, Error>>> = runs.iter().map(|_| None).collect();
        let rest = (0..100_000).map(|i| i % runs.len());
        for i in turns.iter().copied().chain(rest) {
            if results.iter().all(Option::is_some) {
                break;
            }
            if results[i].is_some() {
                continue;
            }
            *self.acting.borrow_mut() = runs[i].0.map(str::to_owned);
            let (run, answers) = &mut live[i];
            match run.resume(std::mem::take(answers)) {
                Step::Done(result) => {
                    results[i] = Some(
                        result.map(|text| serde_json::from_str(&text).expect("the result is JSON")),
                    );
                }
                Step::Wait(batch) => {
                    *answers = batch.iter().map(|r| self.perform(r)).collect();
                    self.effects += batch.len() as u64;
                    self.batches.push(batch);
                }
            }
        }
        *self.acting.borrow_mut() = self.account.clone();
        results
            .into_iter()
            .map(|r| r.expect("the runs in turns did not finish in 100000 turns"))
            .collect()
    }

    /// Answers Jira requests with the simulator, in-process: `principal: app`
    /// as the app, `user` as the acting user.
    pub fn on_sim(self, sim: &jira_sim::Sim) -> Self {
        let client = jira_sim::InProcess::new(sim).expect("a runtime for the simulator");
        let acting = std::rc::Rc::clone(&self.acting);
        self.on_jira(move |request| {
            let who = acting.borrow().clone();
            let caller = match (&request.principal, who.as_deref()) {
                (crate::protocol::Principal::User, Some(who)) => jira_sim::Caller::Account(who),
                (crate::protocol::Principal::Impersonate(account), _) => {
                    jira_sim::Caller::Account(account)
                }
                _ => jira_sim::Caller::App,
            };
            let reply = client.send(
                caller,
                &request.method,
                &request.path,
                request.body.as_deref(),
            );
            HttpResponse {
                status: reply.status,
                headers: reply.headers,
                body: reply.body,
            }
        })
    }

    /// Every row of a query.
    pub fn query(&self, sql: &str) -> Vec<Vec<Value>> {
        self.sql(&SqlStatement {
            sql: sql.to_owned(),
            params: Vec::new(),
        })
        .expect(sql)
        .rows
    }

    /// Runs a statement with parameters, as a host would.
    pub fn query_params(&self, sql: &str, params: &[Value]) -> SqlRows {
        self.sql(&SqlStatement {
            sql: sql.to_owned(),
            params: params.to_vec(),
        })
        .expect(sql)
    }

    /// Acts as another user (or none) from now on.
    pub fn act_as(&mut self, account: Option<&str>) {
        self.account = account.map(str::to_owned);
        *self.acting.borrow_mut() = self.account.clone();
    }

    fn perform(&mut self, request: &Request) -> Answer {
        let outcome = match &request.effect {
            Effect::Sql(statement) => {
                let failed = self.fail_sql.as_mut().and_then(|fail| fail(statement));
                let answer = failed.map_or_else(|| self.sql(statement), Err);
                Outcome::Sql(match (answer, &mut self.refuse_sql) {
                    (Ok(rows), Some(refuse)) => refuse(statement, &rows).map_or(Ok(rows), Err),
                    (answer, _) => answer,
                })
            }
            Effect::Jira(jira) => Outcome::Jira((self.jira)(jira)),
            Effect::Sleep(ms) => {
                self.slept.push(*ms);
                if let Some(handler) = &mut self.on_sleep {
                    handler(*ms);
                }
                Outcome::Sleep
            }
        };
        Answer {
            id: request.id,
            outcome,
        }
    }

    fn sql(&self, statement: &SqlStatement) -> Result<SqlRows, Error> {
        let fail = |e: rusqlite::Error| Error::upstream(format!("sqlite: {e}"));
        let mut prepared = self.db.prepare(&statement.sql).map_err(fail)?;
        let params = rusqlite::params_from_iter(statement.params.iter().map(|v| match v {
            Value::Null => SqliteValue::Null,
            Value::Int(i) => SqliteValue::Integer(*i),
            Value::Real(r) => SqliteValue::Real(*r),
            Value::Text(t) => SqliteValue::Text(t.clone()),
            Value::Blob(b) => SqliteValue::Blob(b.clone()),
        }));
        let columns: Vec<String> = prepared.column_names().map(str::to_owned).collect();
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
                        row.get::<_, SqliteValue>(i).map(|v| match v {
                            SqliteValue::Null => Value::Null,
                            SqliteValue::Integer(i) => Value::Int(i),
                            SqliteValue::Real(r) => Value::Real(r),
                            SqliteValue::Text(t) => Value::Text(t),
                            SqliteValue::Blob(b) => Value::Blob(b),
                        })
                    })
                    .collect::<Result<Vec<_>, _>>()
            })
            .map_err(fail)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(fail)?;
        // Forge SQL refuses a response over 4 MiB (every cell's size: text
        // and blobs their bytes, numbers 8, nulls none), as the local host does.
        let bytes: usize = rows
            .iter()
            .flatten()
            .map(|v| match v {
                Value::Null => 0,
                Value::Int(_) | Value::Real(_) => 8,
                Value::Text(t) => t.len(),
                Value::Blob(b) => b.len(),
            })
            .sum();
        if bytes > SQL_RESPONSE_BYTES {
            return Err(Error::limit(format!(
                "the SQL response exceeds Forge SQL's response limit of 4 MiB ({bytes} bytes)"
            )));
        }
        Ok(SqlRows {
            columns,
            rows,
            rows_affected: 0,
        })
    }

    /// Every Jira request sent so far, in order.
    pub fn jira_requests(&self) -> Vec<JiraRequest> {
        self.batches
            .iter()
            .flatten()
            .filter_map(|r| match &r.effect {
                Effect::Jira(jira) => Some(jira.clone()),
                Effect::Sql(_) | Effect::Sleep(_) => None,
            })
            .collect()
    }

    /// Every wait asked for so far (milliseconds), in order.
    pub fn sleeps(&self) -> Vec<u32> {
        self.batches
            .iter()
            .flatten()
            .filter_map(|r| match &r.effect {
                Effect::Sleep(ms) => Some(*ms),
                Effect::Sql(_) | Effect::Jira(_) => None,
            })
            .collect()
    }

    /// Every SQL statement sent in the batches from the `from`th on, in order.
    pub fn sql_statements(&self, from: usize) -> Vec<SqlStatement> {
        self.batches
            .iter()
            .skip(from)
            .flatten()
            .filter_map(|r| match &r.effect {
                Effect::Sql(statement) => Some(statement.clone()),
                Effect::Jira(_) | Effect::Sleep(_) => None,
            })
            .collect()
    }

    /// Runs a statement directly on the database (to set a test up).
    pub fn exec(&self, sql: &str) {
        self.db.execute(sql, []).expect(sql);
    }

    /// The first column of the first row of a query, as text.
    pub fn query_text(&self, sql: &str) -> Option<String> {
        self.db
            .query_row(sql, [], |row| row.get::<_, String>(0))
            .ok()
    }
}

/// Writes a worklog's `worklogs.attributes` property straight through Jira's
/// REST API (as the app, past the app's own checks), as any author may.
pub fn write_attributes_in_jira(sim: &jira_sim::Sim, issue: u64, worklog: u64, value: &str) {
    let jira = jira_sim::InProcess::new(sim).expect("a runtime for the simulator");
    let reply = jira.send(
        jira_sim::Caller::App,
        "PUT",
        &format!("/rest/api/3/issue/{issue}/worklog/{worklog}/properties/worklogs.attributes"),
        Some(value),
    );
    assert!(reply.status < 300, "{}", reply.body);
}
