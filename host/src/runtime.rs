//! The wasmtime runtime: the component compiled once, a fresh instance per task,
//! and the task loop.
//!
//! A task is driven as the protocol describes: construct a `run` with the context,
//! `resume([])`, perform the `wait` batch, resume with the answers, repeat until
//! `done`. A batch is performed in parts (its SQL statements together, after the
//! task's earlier ones; each other effect alone), and the component is resumed
//! with the answers of the parts that have completed, so it works on them while
//! the others are performed. The loop holds no business rule; it only enforces
//! platform limits:
//!
//! - the invocation budget, in wall time for the whole task, effects included.
//!   Inside the component it is enforced with epoch interruption (a ticker thread
//!   advances the engine's epoch; at each tick the store checks the deadline and
//!   either yields to the async executor or stops the component);
//! - the invoke payload size, for the input and the result;
//! - the memory of an instance (growing past it traps).
//!
//! Any error from a call into the component is a trap: it is logged to stderr
//! with the operation's name and answered as an `internal` error. The instance
//! is dropped with its store, and the next task gets a fresh one: nothing that
//! trapped is ever called again.

use std::future::Future;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Instant;

use futures::stream::{FuturesUnordered, StreamExt};
use futures::FutureExt;
use wasmtime::component::{Linker, ResourceAny, ResourceTable};
use wasmtime::{Config, Engine, Store, StoreLimits, StoreLimitsBuilder, UpdateDeadline};
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};

use crate::limits::{human, human_bytes, Limits};
use crate::protocol::{
    Answer, Context, Effect, Migration, Request, Step, TaskError, Worklogs, WorklogsPre,
};
use crate::Error;

/// Performs the effects of one `wait` batch and answers each request.
///
/// The host's implementation is [`Effects`](crate::Effects) (SQL and Jira);
/// tests and benchmarks answer from memory.
pub trait Performer: Sync {
    /// Performs `requests` for the task running with `ctx` and returns one answer
    /// per request, echoing its id, in any order.
    ///
    /// Failures are answers (`err` outcomes), never a failed future.
    fn perform(
        &self,
        ctx: &Context,
        requests: Vec<Request>,
    ) -> impl Future<Output = Vec<Answer>> + Send;

    /// Whether the task loop may hand this performer a batch in parts (its
    /// SQL statements together, each other effect alone) and answer the
    /// component as each part completes; otherwise it performs whole batches,
    /// one at a time. A fault plan answers whole batches: it counts effects by
    /// their position, which must not depend on which answer came first.
    fn in_parts(&self) -> bool {
        true
    }
}

/// The compiled component, ready to be instantiated once per task.
///
/// Compiling is the slow part (hundreds of milliseconds); do it once per process.
/// Instantiating is cheap and happens for every task.
pub struct Runtime {
    compiled: Arc<Compiled>,
    limits: Limits,
}

/// The compiled and linked component, and the ticker of its engine.
struct Compiled {
    pre: WorklogsPre<State>,
    _ticker: Ticker,
}

impl Runtime {
    /// Compiles the component in the file at `path`, or maps what an earlier
    /// process compiled from the cache (`WORKLOGS_CACHE_DIR`, see
    /// `docs/operations.md`).
    ///
    /// # Errors
    ///
    /// When the file cannot be read or is not a component implementing the
    /// `worklogs` world.
    pub fn load(path: &Path, limits: Limits) -> Result<Runtime, Error> {
        let bytes = std::fs::read(path).map_err(|err| {
            Error::component(format!(
                "cannot read the component {}: {err} (build it with `make build`)",
                path.display()
            ))
        })?;
        Runtime::compile(&bytes, limits, crate::precompiled::cache_dir().as_deref())
            .map_err(|err| Error::component(format!("{}: {err}", path.display())))
    }

    /// Compiles a component from its binary encoding.
    ///
    /// # Errors
    ///
    /// When `bytes` is not a valid component, or it imports something the host
    /// does not provide (anything beyond WASI 0.2), or it does not export the
    /// `worklogs` world.
    pub fn from_binary(bytes: &[u8], limits: Limits) -> Result<Runtime, Error> {
        Runtime::compile(bytes, limits, None)
    }

    /// [`Runtime::from_binary`], mapping the compiled component from `cache`
    /// when it holds it, and saving it there when not (`crate::precompiled`).
    fn compile(bytes: &[u8], limits: Limits, cache: Option<&Path>) -> Result<Runtime, Error> {
        let mut config = Config::new();
        config.epoch_interruption(true);
        if std::env::var_os("WORKLOGS_PERFMAP").is_some() {
            config.profiler(wasmtime::ProfilingStrategy::PerfMap);
        }
        let engine = Engine::new(&config)
            .map_err(|err| Error::component(format!("cannot configure wasmtime: {err}")))?;
        let component = crate::precompiled::component(&engine, bytes, cache)
            .map_err(|err| Error::component(format!("cannot compile the component: {err}")))?;
        let mut linker = Linker::<State>::new(&engine);
        wasmtime_wasi::p2::add_to_linker_async(&mut linker)
            .map_err(|err| Error::component(format!("cannot link WASI: {err}")))?;
        let pre = linker
            .instantiate_pre(&component)
            .and_then(WorklogsPre::new)
            .map_err(|err| Error::component(format!("cannot link the component: {err}")))?;
        let ticker = Ticker::start(engine, limits.epoch_tick)
            .map_err(|err| Error::io(format!("cannot start the epoch ticker: {err}")))?;
        Ok(Runtime {
            compiled: Arc::new(Compiled {
                pre,
                _ticker: ticker,
            }),
            limits,
        })
    }

    /// The same compiled component under other `limits`, without compiling it
    /// again. The epoch tick stays the one the component was compiled with.
    pub fn with_limits(&self, limits: Limits) -> Runtime {
        Runtime {
            compiled: Arc::clone(&self.compiled),
            limits,
        }
    }

    /// The limits every task runs under.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// A fresh instance whose calls must finish within the invocation budget,
    /// counted from now.
    ///
    /// # Errors
    ///
    /// `internal` when instantiation traps, `limit` when it outlasts the budget.
    pub async fn instantiate(&self) -> Result<Instance, TaskError> {
        let deadline = Instant::now() + self.limits.invocation_budget;
        let pre = &self.compiled.pre;
        let mut store = Store::new(
            pre.engine(),
            State {
                wasi: WasiCtx::builder().inherit_stderr().build(),
                table: ResourceTable::new(),
                limits: StoreLimitsBuilder::new()
                    .memory_size(self.limits.memory_bytes)
                    .trap_on_grow_failure(true)
                    .build(),
            },
        );
        store.limiter(|state| &mut state.limits);
        store.set_epoch_deadline(1);
        store.epoch_deadline_callback(move |_| {
            if Instant::now() >= deadline {
                Err(wasmtime::Error::new(BudgetSpent))
            } else {
                Ok(UpdateDeadline::Yield(1))
            }
        });
        let mut instance = Instance {
            store,
            bindings: None,
            deadline,
            budget: self.limits.clone(),
            label: "(instantiation)".into(),
        };
        let bindings = pre.instantiate_async(&mut instance.store).await;
        instance.bindings = Some(instance.instantiated(bindings)?);
        Ok(instance)
    }

    /// The component's migrations, in order.
    ///
    /// # Errors
    ///
    /// When the component traps.
    pub async fn migrations(&self) -> Result<Vec<Migration>, Error> {
        let mut instance = self.instantiate().await.map_err(component_error)?;
        instance.migrations().await.map_err(component_error)
    }

    /// The names of the operations the component can run.
    ///
    /// # Errors
    ///
    /// When the component traps.
    pub async fn operations(&self) -> Result<Vec<String>, Error> {
        let mut instance = self.instantiate().await.map_err(component_error)?;
        instance.operations().await.map_err(component_error)
    }

    /// Runs `operation` with the JSON `input` to its end on a fresh instance,
    /// performing its effects with `performer`, and returns its JSON result.
    ///
    /// # Errors
    ///
    /// The task's own error, or `limit` when the input or result exceeds the
    /// invoke payload limit or the task outlasts the invocation budget, or
    /// `internal` when the component traps or breaks the protocol.
    pub async fn run<P: Performer>(
        &self,
        ctx: &Context,
        operation: &str,
        input: &str,
        performer: &P,
    ) -> Result<String, TaskError> {
        let max = self.limits.invoke_payload_bytes;
        if input.len() > max {
            return Err(TaskError::limit(format!(
                "the input is {} bytes, over the invoke payload limit of {}",
                input.len(),
                human_bytes(max)
            )));
        }
        let mut task = self
            .instantiate()
            .await?
            .start(ctx, operation, input)
            .await?;
        let mut answers = Vec::new();
        let sql_turns = tokio::sync::watch::Sender::new(0u64);
        let mut in_flight = FuturesUnordered::new();
        let mut sql_parts = 0u64;
        loop {
            let step = task.resume(&answers).await?;
            if matches!(step, Step::Done(_)) {
                // An operation may end while effects it gave up on are still
                // being performed (a failed member of a join): the task ends
                // after them, as it would have with the whole batch.
                let rest = async { while in_flight.next().await.is_some() {} };
                let _ = tokio::time::timeout_at(task.deadline().into(), rest).await;
            }
            match step {
                Step::Done(Ok(result)) if result.len() > max => {
                    return Err(TaskError::limit(format!(
                        "the result is {} bytes, over the invoke payload limit of {}",
                        result.len(),
                        human_bytes(max)
                    )));
                }
                Step::Done(result) => return result,
                Step::Wait(requests) => {
                    for (part, turn) in parts(requests, performer.in_parts(), &mut sql_parts) {
                        in_flight.push(perform_part(performer, ctx, part, turn, &sql_turns));
                    }
                    if in_flight.is_empty() {
                        return Err(TaskError::internal(
                            "the component waits, and none of its effects is in flight",
                        ));
                    }
                    let first = tokio::time::timeout_at(task.deadline().into(), in_flight.next())
                        .await
                        .map_err(|_| budget_error(&self.limits))?;
                    answers = first.unwrap_or_default();
                    // Every other part that has completed meanwhile goes with it.
                    while let Some(Some(more)) = in_flight.next().now_or_never() {
                        answers.extend(more);
                    }
                }
            }
        }
    }
}

/// A `wait` batch as the parts the task loop performs: when `in_parts`, the
/// SQL statements together, in order, with their turn among the task's SQL
/// parts, and each other effect alone; otherwise the whole batch, in the
/// task's turn.
fn parts(
    requests: Vec<Request>,
    in_parts: bool,
    sql_parts: &mut u64,
) -> Vec<(Vec<Request>, Option<u64>)> {
    let mut turn = || {
        let turn = *sql_parts;
        *sql_parts += 1;
        Some(turn)
    };
    if requests.is_empty() {
        return Vec::new();
    }
    if !in_parts {
        return vec![(requests, turn())];
    }
    let (sql, others): (Vec<_>, Vec<_>) = requests
        .into_iter()
        .partition(|r| matches!(r.effect, Effect::Sql(_)));
    let mut parts: Vec<_> = others.into_iter().map(|r| (vec![r], None)).collect();
    if !sql.is_empty() {
        parts.push((sql, turn()));
    }
    parts
}

/// Performs one part of a batch. A part with a turn waits until the parts
/// before it are done: the database performs a task's statements in the
/// order the component asked for them, across batches too.
async fn perform_part<P: Performer>(
    performer: &P,
    ctx: &Context,
    requests: Vec<Request>,
    turn: Option<u64>,
    turns: &tokio::sync::watch::Sender<u64>,
) -> Vec<Answer> {
    let Some(turn) = turn else {
        return performer.perform(ctx, requests).await;
    };
    // The sender lives as long as the task loop, so the wait cannot fail.
    let _ = turns.subscribe().wait_for(|done| *done == turn).await;
    let answers = performer.perform(ctx, requests).await;
    turns.send_modify(|done| *done += 1);
    answers
}

fn component_error(err: TaskError) -> Error {
    Error::component(err.message)
}

/// One instance of the component, in its own store. Used for one task, then
/// dropped.
pub struct Instance {
    store: Store<State>,
    bindings: Option<Worklogs>,
    deadline: Instant,
    budget: Limits,
    /// What the instance is running, for the log line of a trap.
    label: String,
}

impl Instance {
    /// Starts `operation` with `ctx` and the JSON `input`.
    ///
    /// # Errors
    ///
    /// `internal` when the constructor traps (a trap while the input is copied
    /// in, for example, when it does not fit in the instance's memory), `limit`
    /// when the budget is spent.
    pub async fn start(
        mut self,
        ctx: &Context,
        operation: &str,
        input: &str,
    ) -> Result<Task, TaskError> {
        self.label = format!("operation {operation:?}");
        let bindings = self.take_bindings()?;
        let run = bindings
            .worklogs_app_task()
            .run()
            .call_constructor(&mut self.store, ctx, operation, input)
            .await;
        let run = self.check(run, bindings)?;
        Ok(Task {
            instance: self,
            run,
        })
    }

    /// The component's migrations, in order.
    ///
    /// # Errors
    ///
    /// `internal` when the component traps.
    pub async fn migrations(&mut self) -> Result<Vec<Migration>, TaskError> {
        self.label = "migrations".into();
        let bindings = self.take_bindings()?;
        let result = bindings
            .worklogs_app_task()
            .call_migrations(&mut self.store)
            .await;
        self.check(result, bindings)
    }

    /// The names of the component's operations.
    ///
    /// # Errors
    ///
    /// `internal` when the component traps.
    pub async fn operations(&mut self) -> Result<Vec<String>, TaskError> {
        self.label = "operations".into();
        let bindings = self.take_bindings()?;
        let result = bindings
            .worklogs_app_task()
            .call_operations(&mut self.store)
            .await;
        self.check(result, bindings)
    }

    /// The instance's exports, taken out for one call: [`Instance::check`] puts
    /// them back only when the call succeeds.
    fn take_bindings(&mut self) -> Result<Worklogs, TaskError> {
        self.bindings
            .take()
            .ok_or_else(|| TaskError::internal("the instance trapped before and is not reused"))
    }

    /// Turns a wasmtime error into the task's error. After an error the
    /// `bindings` are dropped, so nothing in this store is called again.
    fn check<T>(
        &mut self,
        result: wasmtime::Result<T>,
        bindings: Worklogs,
    ) -> Result<T, TaskError> {
        let value = result.map_err(|err| self.classify(err))?;
        self.bindings = Some(bindings);
        Ok(value)
    }

    fn instantiated(&mut self, result: wasmtime::Result<Worklogs>) -> Result<Worklogs, TaskError> {
        result.map_err(|err| self.classify(err))
    }

    /// The task's error for a failed call: `limit` when the budget is spent,
    /// else a trap, logged and answered as `internal`.
    fn classify(&self, err: wasmtime::Error) -> TaskError {
        if err.is::<BudgetSpent>() || Instant::now() >= self.deadline {
            budget_error(&self.budget)
        } else {
            eprintln!("worklogs: the component trapped in {}: {err:?}", self.label);
            TaskError::internal(format!("the component trapped: {}", err.root_cause()))
        }
    }
}

/// A running operation: the instance it runs in and its `run` resource.
pub struct Task {
    instance: Instance,
    run: ResourceAny,
}

impl Task {
    /// Hands `answers` to the run and advances it (the first call passes none).
    ///
    /// # Errors
    ///
    /// `internal` when the component traps (and on any call after that),
    /// `limit` when the invocation budget is spent.
    pub async fn resume(&mut self, answers: &[Answer]) -> Result<Step, TaskError> {
        let bindings = self.instance.take_bindings()?;
        if Instant::now() >= self.instance.deadline {
            return Err(budget_error(&self.instance.budget));
        }
        let step = bindings
            .worklogs_app_task()
            .run()
            .call_resume(&mut self.instance.store, self.run, answers)
            .await;
        self.instance.check(step, bindings)
    }

    /// When the task's invocation budget runs out.
    pub fn deadline(&self) -> Instant {
        self.instance.deadline
    }
}

fn budget_error(limits: &Limits) -> TaskError {
    TaskError::limit(format!(
        "the operation ran longer than its invocation budget of {}",
        human(limits.invocation_budget)
    ))
}

/// The error an epoch callback raises when the invocation budget is spent.
#[derive(Debug)]
struct BudgetSpent;

impl std::fmt::Display for BudgetSpent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the invocation budget is spent")
    }
}

impl std::error::Error for BudgetSpent {}

/// What a store holds: WASI with no preopens, no environment and no network,
/// and the store's resource limits.
struct State {
    wasi: WasiCtx,
    table: ResourceTable,
    limits: StoreLimits,
}

impl WasiView for State {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

/// A thread that advances the engine's epoch every tick, until dropped.
struct Ticker {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Ticker {
    fn start(engine: Engine, tick: std::time::Duration) -> std::io::Result<Ticker> {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let thread = std::thread::Builder::new()
            .name("worklogs-epoch".into())
            .spawn(move || {
                while !flag.load(Ordering::Relaxed) {
                    std::thread::park_timeout(tick);
                    engine.increment_epoch();
                }
            })?;
        Ok(Ticker {
            stop,
            thread: Some(thread),
        })
    }
}

impl Drop for Ticker {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            thread.thread().unpark();
            let _ = thread.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;
    use std::time::Duration;

    use futures::stream::{FuturesUnordered, StreamExt};

    use super::{parts, perform_part, Performer};
    use crate::protocol::{
        Answer, Context, Effect, EntryPoint, JiraRequest, Principal, Request, SqlEngine,
        SqlStatement, TaskError,
    };

    fn sql(id: u32) -> Request {
        Request {
            id,
            effect: Effect::Sql(SqlStatement {
                sql: "SELECT 1".into(),
                params: Vec::new(),
            }),
        }
    }

    fn jira(id: u32) -> Request {
        Request {
            id,
            effect: Effect::Jira(JiraRequest {
                principal: Principal::App,
                method: "GET".into(),
                path: "/a/path".into(),
                body: None,
            }),
        }
    }

    fn ids(part: &[Request]) -> Vec<u32> {
        part.iter().map(|r| r.id).collect()
    }

    #[test]
    fn a_batch_is_performed_as_its_statements_together_and_each_other_effect_alone() {
        let mut turns = 0;
        let batch = vec![sql(1), jira(2), sql(3), jira(4)];
        let split: Vec<_> = parts(batch, true, &mut turns)
            .into_iter()
            .map(|(part, turn)| (ids(&part), turn))
            .collect();
        assert_eq!(
            split,
            vec![(vec![2], None), (vec![4], None), (vec![1, 3], Some(0))]
        );
        let next: Vec<_> = parts(vec![sql(5)], true, &mut turns)
            .into_iter()
            .map(|(part, turn)| (ids(&part), turn))
            .collect();
        assert_eq!(next, vec![(vec![5], Some(1))], "the task's next turn");
        let whole: Vec<_> = parts(vec![sql(6), jira(7)], false, &mut turns)
            .into_iter()
            .map(|(part, turn)| (ids(&part), turn))
            .collect();
        assert_eq!(whole, vec![(vec![6, 7], Some(2))], "a whole batch, in turn");
    }

    /// Logs when each part starts and ends; the part holding request 1 is slow.
    #[derive(Default)]
    struct Logged {
        log: Mutex<Vec<String>>,
    }

    impl Performer for Logged {
        async fn perform(&self, _ctx: &Context, requests: Vec<Request>) -> Vec<Answer> {
            let first = requests.first().map_or(0, |r| r.id);
            self.log.lock().unwrap().push(format!("start {first}"));
            if first == 1 {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            self.log.lock().unwrap().push(format!("end {first}"));
            requests
                .iter()
                .map(|r| r.fail(TaskError::upstream("answered in this test")))
                .collect()
        }
    }

    #[tokio::test]
    async fn statements_keep_their_order_across_batches_while_other_answers_go_ahead() {
        let ctx = Context {
            installation: "test".into(),
            account_id: None,
            time_zone: "UTC".into(),
            locale: "en-US".into(),
            now_ms: 0,
            entry_point: EntryPoint::Job,
            sql_engine: SqlEngine::Sqlite,
        };
        let performer = Logged::default();
        let turns = tokio::sync::watch::Sender::new(0u64);
        let mut count = 0;
        let mut in_flight = FuturesUnordered::new();
        // A slow statement, then (another batch) a request and a statement.
        for batch in [vec![sql(1)], vec![jira(2), sql(3)]] {
            for (part, turn) in parts(batch, true, &mut count) {
                in_flight.push(perform_part(&performer, &ctx, part, turn, &turns));
            }
        }
        let mut answered = Vec::new();
        while let Some(answers) = in_flight.next().await {
            answered.push(ids_of(&answers));
        }
        assert_eq!(
            answered,
            vec![vec![2], vec![1], vec![3]],
            "the request is answered before the slow statement ends"
        );
        let log = performer.log.lock().unwrap().clone();
        let position = |entry: &str| log.iter().position(|e| e == entry).unwrap();
        assert!(
            position("end 1") < position("start 3"),
            "the second statement waits for the first: {log:?}"
        );
    }

    fn ids_of(answers: &[Answer]) -> Vec<u32> {
        answers.iter().map(|a| a.id).collect()
    }
}
