//! The executor: drives an operation (an ordinary `async fn`) over effect futures.
//!
//! An operation gets a [`Ctx`]. [`Ctx::sql`] and [`Ctx::jira`] return futures that,
//! when first polled, register a request with a fresh id and stay pending until
//! its answer arrives. [`Run::resume`] polls the operation; when it is pending,
//! every request registered since the last step forms the `wait` batch, so
//! requests joined with `futures::join!` or `join_all` go out together. The next
//! `resume` checks the answers (each for a request in flight, no stranger, no
//! duplicate, of the right kind), wakes the futures they belong to and polls
//! again. The host may answer any part of what is in flight, as its effects
//! complete: the futures answered go on while the others still wait (a `wait`
//! step may then hold no new request).
//!
//! The top-level poll uses a no-op waker: the executor polls after every resume
//! anyway. Effect futures still keep and wake their own waker, because
//! combinators such as `join_all` over many futures (a `FuturesOrdered` inside)
//! only re-poll children that were woken.
//!
//! Nothing here panics: a broken protocol ends the run with an `internal` error.
//!
//! Here: [`Ctx`], what an operation sees. In [`future`]: the effect futures. In
//! [`run`]: the run loop and its checks on the host's answers.

use std::any::Any;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;
use std::task::Waker;

use crate::protocol::{
    Context, Effect, HttpResponse, JiraRequest, Outcome, Request, SqlRows, SqlStatement, Value,
};
use crate::{Error, ErrorCode};
use futures::future::LocalBoxFuture;

mod future;
mod run;

pub use future::{EffectFuture, FromOutcome};
pub use run::{is_dml, OperationFuture, Run, DML_PER_SECOND, DML_WAIT_MS};

/// How many times [`Ctx::sql`] sends a write again that the platform refused
/// for its DML rate, a pacing wait before each.
pub const SQL_RATE_RETRIES: u32 = 8;

/// What an operation sees of the world: its context, and the effects it may ask for.
///
/// Cheap to clone; every clone belongs to the same run.
#[derive(Clone)]
pub struct Ctx {
    shared: Rc<Shared>,
}

struct Shared {
    context: Context,
    io: RefCell<Io>,
    /// What parts of the run remember for later parts ([`Ctx::local`]), one
    /// value per type.
    locals: RefCell<Vec<Box<dyn Any>>>,
}

/// Requests and answers in flight between the run and its effect futures.
#[derive(Default)]
struct Io {
    /// The id the next request gets.
    next_id: u32,
    /// Registered since the last step, not yet handed to the host.
    unsent: Vec<Request>,
    /// Delivered by `resume`, not yet taken by their future.
    answers: BTreeMap<u32, Outcome>,
    /// The wakers of futures waiting for an answer.
    wakers: BTreeMap<u32, Waker>,
    /// Effects registered so far, by kind.
    counts: EffectCounts,
    /// Registered, held back until the DML rate allows them
    /// ([`run::DML_PER_SECOND`]), in order.
    held: Vec<Request>,
    /// DML statements handed to the host since the last pacing wait.
    dml_in_window: u32,
    /// The ids of DML statements handed to the host and not yet answered.
    dml_in_flight: std::collections::BTreeSet<u32>,
    /// The id of the pacing wait in flight, if any.
    pacing: Option<u32>,
}

/// How many effects of each kind a run has asked for so far.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EffectCounts {
    /// SQL statements.
    pub sql: u64,
    /// Jira requests.
    pub jira: u64,
    /// Waits of some time (a yield to the host is not one).
    pub sleep: u64,
}

impl Ctx {
    fn new(context: Context) -> Self {
        Self {
            shared: Rc::new(Shared {
                context,
                io: RefCell::new(Io {
                    next_id: 1,
                    ..Io::default()
                }),
                locals: RefCell::new(Vec::new()),
            }),
        }
    }

    /// The context the run was started with.
    pub fn context(&self) -> &Context {
        &self.shared.context
    }

    /// The acting user's account id.
    ///
    /// # Errors
    ///
    /// `forbidden` when the task has no acting user (a trigger or a job), since
    /// the operation acts on a person's behalf.
    pub fn acting_user(&self) -> Result<&str, Error> {
        self.shared
            .context
            .account_id
            .as_deref()
            .filter(|id| !id.is_empty())
            .ok_or_else(|| {
                Error::forbidden("this operation needs an acting user, and there is none")
            })
    }

    /// Runs one SQL statement with `?` placeholders.
    ///
    /// A write the platform refuses for its DML rate (`throttled`: Forge
    /// SQL's 150 statements a second per installation, which another
    /// invocation of the same site may have used up) was not performed, so it
    /// is sent again after a pacing wait, up to [`SQL_RATE_RETRIES`] times;
    /// then the refusal is an `upstream` error.
    ///
    /// # Errors
    ///
    /// The host's error when it could not run the statement.
    pub fn sql(
        &self,
        sql: &str,
        params: Vec<Value>,
    ) -> LocalBoxFuture<'static, Result<SqlRows, Error>> {
        let statement = SqlStatement {
            sql: sql.to_owned(),
            params,
        };
        // Only writes count against the rate: a read is never kept for a retry.
        let again = is_dml(sql).then(|| statement.clone());
        let first = EffectFuture::<SqlRows>::new(self, Effect::Sql(statement));
        let ctx = self.clone();
        Box::pin(async move {
            let mut result = first.await;
            let mut refused = 0;
            loop {
                match (result, &again) {
                    (Err(e), Some(statement)) if e.code() == ErrorCode::Throttled => {
                        refused += 1;
                        if refused > SQL_RATE_RETRIES {
                            return Err(Error::upstream(format!(
                                "{} (refused {refused} times for the platform's write rate)",
                                e.message()
                            )));
                        }
                        ctx.sleep(DML_WAIT_MS).await?;
                        result = EffectFuture::new(&ctx, Effect::Sql(statement.clone())).await;
                    }
                    (Err(e), None) if e.code() == ErrorCode::Throttled => {
                        return Err(Error::upstream(e.message()));
                    }
                    (other, _) => return other,
                }
            }
        })
    }

    /// Sends one Jira request (operations build it with [`crate::jira::Call`]).
    /// A response with an error status is still `Ok`.
    ///
    /// # Errors
    ///
    /// The host's error when it could not perform the request at all.
    pub fn jira(&self, request: JiraRequest) -> EffectFuture<HttpResponse> {
        EffectFuture::new(self, Effect::Jira(request))
    }
}

impl Ctx {
    /// Waits `ms` milliseconds: the host answers when the time has passed. The
    /// core has no clock, so this is how it backs off before a retry.
    pub fn sleep(&self, ms: u32) -> EffectFuture<()> {
        EffectFuture::new(self, Effect::Sleep(ms))
    }

    /// Lets the host go on with the effects asked for so far while the run
    /// computes: a wait of no time, which a host that answers effects as they
    /// complete answers at once, the others still in flight. Joined with
    /// effects and followed by work that needs none of them (encoding a page
    /// while the next one is read), it puts the two side by side.
    ///
    /// # Errors
    ///
    /// The host's error when it cannot wait.
    pub async fn yield_to_host(&self) -> Result<(), Error> {
        self.sleep(0).await
    }

    /// Calls `f` with the run's value of type `T` (its default the first
    /// time): what one part of a run learns and a later part reads, such as
    /// the rate-limit headers of Jira's last answer. Never held across an
    /// effect; a nested call for the same type sees a fresh default.
    pub fn local<T: Default + 'static, R>(&self, f: impl FnOnce(&mut T) -> R) -> R {
        let Ok(mut locals) = self.shared.locals.try_borrow_mut() else {
            return f(&mut T::default());
        };
        let at = match locals.iter().position(|b| b.is::<T>()) {
            Some(at) => at,
            None => {
                locals.push(Box::new(T::default()));
                locals.len().saturating_sub(1)
            }
        };
        match locals.get_mut(at).and_then(|b| b.downcast_mut::<T>()) {
            Some(value) => f(value),
            None => f(&mut T::default()),
        }
    }

    /// How many effects of each kind the run has asked for so far.
    pub fn effect_counts(&self) -> EffectCounts {
        self.shared
            .io
            .try_borrow()
            .map(|io| io.counts)
            .unwrap_or_default()
    }
}
#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::Principal;
    use crate::testing::{context, http};
    use futures::future::try_join_all;

    use crate::protocol::{Answer, EffectKind, Step};

    fn sql_ok() -> Outcome {
        Outcome::Sql(Ok(SqlRows::default()))
    }

    fn jira_ok(body: &str) -> Outcome {
        Outcome::Jira(Ok(http(200, body)))
    }

    fn get(principal: Principal, p: &str) -> JiraRequest {
        JiraRequest {
            principal,
            method: "GET".to_owned(),
            path: format!("/rest/api/3/{p}"),
            body: None,
        }
    }

    fn wait_ids(step: &Step) -> Vec<u32> {
        match step {
            Step::Wait(batch) => batch.iter().map(|r| r.id).collect(),
            other => panic!("expected wait, got {other:?}"),
        }
    }

    fn done(step: Step) -> Result<String, Error> {
        match step {
            Step::Done(r) => r,
            other => panic!("expected done, got {other:?}"),
        }
    }

    /// Two sequential requests, then a joined pair.
    fn sample() -> Run {
        Run::with(context(Some("a")), |ctx| {
            Box::pin(async move {
                let first = ctx.jira(get(Principal::User, "one")).await?;
                let (a, b) = futures::join!(
                    ctx.sql("SELECT 1", vec![]),
                    ctx.jira(get(Principal::App, "two"))
                );
                Ok(format!("{}+{}+{}", first.body, a?.rows.len(), b?.body))
            })
        })
    }

    #[test]
    fn runs_sequential_then_batched_requests() {
        let mut run = sample();
        let step = run.resume(vec![]);
        assert_eq!(wait_ids(&step), vec![1]);
        let step = run.resume(vec![Answer {
            id: 1,
            outcome: jira_ok("x"),
        }]);
        assert_eq!(wait_ids(&step), vec![2, 3]);
        let Step::Wait(batch) = &step else {
            unreachable!()
        };
        assert_eq!(batch[0].effect.kind(), EffectKind::Sql);
        assert_eq!(batch[1].effect.kind(), EffectKind::Jira);
        // Answers may come in any order.
        let step = run.resume(vec![
            Answer {
                id: 3,
                outcome: jira_ok("y"),
            },
            Answer {
                id: 2,
                outcome: sql_ok(),
            },
        ]);
        assert_eq!(done(step), Ok("x+0+y".to_owned()));
    }

    #[test]
    fn resume_after_done_returns_the_same_step() {
        let mut run = Run::with(context(None), |_| Box::pin(async { Ok("42".to_owned()) }));
        let first = run.resume(vec![]);
        assert_eq!(first, Step::Done(Ok("42".to_owned())));
        assert_eq!(run.resume(vec![]), first);
        assert_eq!(
            run.resume(vec![Answer {
                id: 9,
                outcome: sql_ok()
            }]),
            first
        );
    }

    #[test]
    fn answers_before_any_request_are_internal() {
        let mut run = sample();
        let e = done(run.resume(vec![Answer {
            id: 1,
            outcome: sql_ok(),
        }]))
        .unwrap_err();
        assert!(e.is_internal(), "{e}");
        assert!(e.message().contains("before any request"), "{e}");
    }

    #[test]
    fn unknown_id_is_internal() {
        let mut run = sample();
        run.resume(vec![]);
        let e = done(run.resume(vec![Answer {
            id: 7,
            outcome: jira_ok("x"),
        }]))
        .unwrap_err();
        assert!(e.is_internal());
        assert!(e.message().contains("answer 7"), "{e}");
    }

    #[test]
    fn repeated_id_is_internal() {
        let mut run = sample();
        run.resume(vec![]);
        let answer = Answer {
            id: 1,
            outcome: jira_ok("x"),
        };
        let e = done(run.resume(vec![answer.clone(), answer])).unwrap_err();
        assert!(e.is_internal());
        assert!(e.message().contains("repeated"), "{e}");
    }

    #[test]
    fn answers_may_come_in_parts_as_effects_complete() {
        let mut run = sample();
        run.resume(vec![]);
        run.resume(vec![Answer {
            id: 1,
            outcome: jira_ok("x"),
        }]);
        // The statement is answered, the request is still in flight: nothing
        // new to perform, and the run goes on waiting.
        let step = run.resume(vec![Answer {
            id: 2,
            outcome: sql_ok(),
        }]);
        assert_eq!(step, Step::Wait(vec![]));
        // An answer given already answers no request in flight.
        let mut again = sample();
        again.resume(vec![]);
        again.resume(vec![Answer {
            id: 1,
            outcome: jira_ok("x"),
        }]);
        again.resume(vec![Answer {
            id: 2,
            outcome: sql_ok(),
        }]);
        let e = done(again.resume(vec![Answer {
            id: 2,
            outcome: sql_ok(),
        }]))
        .unwrap_err();
        assert!(e.is_internal());
        assert_eq!(e.message(), "answer 2 answers no request in flight");
        // The last answer ends the run.
        let step = run.resume(vec![Answer {
            id: 3,
            outcome: jira_ok("y"),
        }]);
        assert_eq!(done(step), Ok("x+0+y".to_owned()));
    }

    #[test]
    fn stale_id_from_an_earlier_batch_is_internal() {
        let mut run = sample();
        run.resume(vec![]);
        run.resume(vec![Answer {
            id: 1,
            outcome: jira_ok("x"),
        }]);
        let e = done(run.resume(vec![
            Answer {
                id: 1,
                outcome: jira_ok("x"),
            },
            Answer {
                id: 2,
                outcome: sql_ok(),
            },
            Answer {
                id: 3,
                outcome: jira_ok("y"),
            },
        ]))
        .unwrap_err();
        assert!(e.is_internal());
        assert!(e.message().contains("answer 1"), "{e}");
    }

    #[test]
    fn kind_mismatch_is_internal() {
        let mut run = sample();
        run.resume(vec![]);
        let e = done(run.resume(vec![Answer {
            id: 1,
            outcome: sql_ok(),
        }]))
        .unwrap_err();
        assert!(e.is_internal());
        assert_eq!(
            e.message(),
            "answer 1 is an sql outcome but request 1 is a jira effect"
        );
    }

    #[test]
    fn host_errors_reach_the_operation_with_their_code() {
        let mut run = sample();
        run.resume(vec![]);
        let e = done(run.resume(vec![Answer {
            id: 1,
            outcome: Outcome::Jira(Err(Error::limit("response too large"))),
        }]))
        .unwrap_err();
        assert_eq!(e, Error::limit("response too large"));
    }

    #[test]
    fn pending_without_requests_is_internal() {
        let mut run = Run::with(context(None), |_| {
            Box::pin(async {
                futures::future::pending::<()>().await;
                Ok(String::new())
            })
        });
        let e = done(run.resume(vec![])).unwrap_err();
        assert!(e.is_internal());
        assert!(e.message().contains("requested nothing"), "{e}");
    }

    #[test]
    fn join_all_over_thirty_futures_is_woken() {
        // Regression: `join_all` over more than 30 futures uses `FuturesOrdered`,
        // which only re-polls children that were woken.
        let mut run = Run::with(context(None), |ctx| {
            Box::pin(async move {
                let futures = (0..50).map(|i| ctx.sql("SELECT ?", vec![Value::Int(i)]));
                let rows = try_join_all(futures).await?;
                Ok(rows.len().to_string())
            })
        });
        let ids = wait_ids(&run.resume(vec![]));
        assert_eq!(ids.len(), 50);
        let answers = ids
            .into_iter()
            .rev()
            .map(|id| Answer {
                id,
                outcome: sql_ok(),
            })
            .collect();
        assert_eq!(done(run.resume(answers)), Ok("50".to_owned()));
    }

    #[test]
    fn dropped_unsent_requests_are_not_sent() {
        let mut run = Run::with(context(None), |ctx| {
            Box::pin(async move {
                let kept = ctx.sql("SELECT 1", vec![]);
                let mut dropped = ctx.sql("SELECT 2", vec![]);
                // Poll the second once, so it registers, then drop it.
                let _ = futures::poll!(&mut dropped);
                drop(dropped);
                kept.await?;
                Ok("ok".to_owned())
            })
        });
        let step = run.resume(vec![]);
        let Step::Wait(batch) = &step else {
            panic!("{step:?}")
        };
        assert_eq!(batch.len(), 1);
        let Effect::Sql(statement) = &batch[0].effect else {
            panic!()
        };
        assert_eq!(statement.sql, "SELECT 1");
        let id = batch[0].id;
        assert_eq!(
            done(run.resume(vec![Answer {
                id,
                outcome: sql_ok()
            }])),
            Ok("ok".to_owned())
        );
    }

    #[test]
    fn answers_for_dropped_futures_are_discarded() {
        let mut run = Run::with(context(None), |ctx| {
            Box::pin(async move {
                let first = ctx.sql("SELECT 1", vec![]);
                let second = ctx.sql("SELECT 2", vec![]);
                // Both are sent; the loser of the race is dropped with its answer.
                let winner = match futures::future::select(first, second).await {
                    futures::future::Either::Left((rows, _)) => rows?,
                    futures::future::Either::Right((rows, _)) => rows?,
                };
                let after = ctx.sql("SELECT 3", vec![]).await?;
                Ok(format!("{}/{}", winner.rows_affected, after.rows_affected))
            })
        });
        let ids = wait_ids(&run.resume(vec![]));
        assert_eq!(ids, vec![1, 2]);
        let rows = |n| {
            Outcome::Sql(Ok(SqlRows {
                rows_affected: n,
                ..SqlRows::default()
            }))
        };
        let step = run.resume(vec![
            Answer {
                id: 2,
                outcome: rows(2),
            },
            Answer {
                id: 1,
                outcome: rows(1),
            },
        ]);
        assert_eq!(wait_ids(&step), vec![3]);
        let step = run.resume(vec![Answer {
            id: 3,
            outcome: rows(3),
        }]);
        assert_eq!(done(step), Ok("1/3".to_owned()));
    }

    #[test]
    fn failing_member_of_try_join_all_ends_the_operation() {
        let mut run = Run::with(context(None), |ctx| {
            Box::pin(async move {
                let all = try_join_all([ctx.sql("SELECT 1", vec![]), ctx.sql("SELECT 2", vec![])]);
                all.await?;
                Ok("unreachable".to_owned())
            })
        });
        let ids = wait_ids(&run.resume(vec![]));
        let step = run.resume(vec![
            Answer {
                id: ids[0],
                outcome: Outcome::Sql(Err(Error::upstream("gone"))),
            },
            Answer {
                id: ids[1],
                outcome: sql_ok(),
            },
        ]);
        assert_eq!(done(step), Err(Error::upstream("gone")));
    }

    #[test]
    fn acting_user_is_required_where_asked() {
        let mut run = Run::with(context(None), |ctx| {
            Box::pin(async move { ctx.acting_user().map(str::to_owned) })
        });
        assert!(done(run.resume(vec![])).unwrap_err().is_forbidden());
    }

    /// Answers every request of a step: SQL with no rows, a wait at once.
    fn answer_all(step: &Step) -> Vec<Answer> {
        let Step::Wait(batch) = step else {
            panic!("expected wait, got {step:?}")
        };
        batch
            .iter()
            .map(|r| Answer {
                id: r.id,
                outcome: match r.effect {
                    Effect::Sleep(_) => Outcome::Sleep,
                    _ => sql_ok(),
                },
            })
            .collect()
    }

    #[test]
    fn a_pacing_wait_starts_only_once_every_write_before_it_is_answered() {
        // 160 writes at once, answered one by one, the latest first, by a
        // host that answers effects as they complete.
        let mut run = Run::with(context(None), |ctx| {
            Box::pin(async move {
                let writes =
                    (0..160).map(|i| ctx.sql(&format!("INSERT INTO t VALUES ({i})"), vec![]));
                try_join_all(writes).await?;
                Ok("done".to_owned())
            })
        });
        let mut step = run.resume(vec![]);
        let mut in_flight: Vec<Request> = Vec::new();
        let (mut sent, mut since_wait, mut waits) = (0, 0, 0);
        loop {
            match step {
                Step::Done(result) => {
                    assert_eq!(result, Ok("done".to_owned()));
                    break;
                }
                Step::Wait(batch) => {
                    for r in &batch {
                        if let Effect::Sleep(_) = r.effect {
                            assert!(
                                in_flight.is_empty(),
                                "a pacing wait while {} writes are in flight",
                                in_flight.len()
                            );
                            since_wait = 0;
                            waits += 1;
                        } else {
                            sent += 1;
                            since_wait += 1;
                            assert!(since_wait <= DML_PER_SECOND, "{since_wait} in a second");
                        }
                    }
                    in_flight.extend(batch);
                    let Some(last) = in_flight.pop() else {
                        panic!("the run waits with nothing in flight")
                    };
                    step = run.resume(answer_all(&Step::Wait(vec![last])));
                }
            }
        }
        assert_eq!((sent, waits), (160, 1));
    }

    #[test]
    fn dml_goes_out_at_most_150_between_pacing_waits_in_the_order_asked() {
        // 420 writes in batches of 100 with a read among them, then a read.
        let mut run = Run::with(context(None), |ctx| {
            Box::pin(async move {
                for batch in 0..4 {
                    let mut all = vec![ctx.sql("SELECT 1", vec![])];
                    all.extend((0..100).map(|i| {
                        ctx.sql(&format!("REPLACE INTO t VALUES ({batch}{i:03})"), vec![])
                    }));
                    try_join_all(all).await?;
                }
                let more = (0..20).map(|_| ctx.sql("  update t SET a = 1", vec![]));
                try_join_all(more).await?;
                ctx.sql("SELECT 2", vec![]).await?;
                Ok("done".to_owned())
            })
        });
        let (mut step, mut since_wait, mut waits, mut order) = (run.resume(vec![]), 0, 0, vec![]);
        while let Step::Wait(batch) = &step {
            for r in batch {
                match &r.effect {
                    Effect::Sleep(ms) => {
                        assert_eq!((*ms, batch.len()), (DML_WAIT_MS, 1), "a pacing wait alone");
                        since_wait = 0;
                        waits += 1;
                    }
                    Effect::Sql(s) if is_dml(&s.sql) => {
                        since_wait += 1;
                        assert!(
                            since_wait <= DML_PER_SECOND,
                            "{since_wait} writes in a second"
                        );
                        order.push(r.id);
                    }
                    _ => {}
                }
            }
            let answers = answer_all(&step);
            step = run.resume(answers);
        }
        assert_eq!(done(step), Ok("done".to_owned()));
        assert_eq!(order.len(), 420);
        assert!(order.windows(2).all(|w| w[0] < w[1]), "in the order asked");
        assert_eq!(waits, 2, "420 writes: two waits");
        assert_eq!(run.resume(vec![]), Step::Done(Ok("done".to_owned())));
    }

    #[test]
    fn what_counts_as_dml() {
        for sql in [
            "INSERT INTO t VALUES (1)",
            " replace INTO t",
            "UPDATE t SET",
            "DELETE FROM t",
        ] {
            assert!(is_dml(sql), "{sql}");
        }
        for sql in [
            "SELECT 1",
            "CREATE TABLE t (a INT)",
            "",
            "WITH x AS (SELECT 1) SELECT 1",
        ] {
            assert!(!is_dml(sql), "{sql}");
        }
    }

    fn refused() -> Outcome {
        Outcome::Sql(Err(Error::new(
            ErrorCode::Throttled,
            "forge sql: rate limit exceeded: more than 150 dml statements per second",
        )))
    }

    /// Drives a run whose one statement is refused `times` times: the steps
    /// it takes, as the effects' kinds, and its end.
    fn refused_times(sql: &'static str, times: usize) -> (Vec<EffectKind>, Result<String, Error>) {
        let mut run = Run::with(context(Some("a")), move |ctx| {
            Box::pin(async move {
                let rows = ctx.sql(sql, vec![]).await?;
                Ok(rows.rows.len().to_string())
            })
        });
        let mut kinds = Vec::new();
        let mut answers = vec![];
        let mut refusals = 0;
        loop {
            match run.resume(answers) {
                Step::Done(result) => return (kinds, result),
                Step::Wait(batch) => {
                    assert_eq!(batch.len(), 1, "{batch:?}");
                    let request = &batch[0];
                    kinds.push(request.effect.kind());
                    let outcome = match &request.effect {
                        Effect::Sleep(ms) => {
                            assert_eq!(*ms, DML_WAIT_MS);
                            Outcome::Sleep
                        }
                        Effect::Sql(s) if refusals < times => {
                            assert_eq!(s.sql, sql, "the same statement again");
                            refusals += 1;
                            refused()
                        }
                        _ => sql_ok(),
                    };
                    answers = vec![Answer {
                        id: request.id,
                        outcome,
                    }];
                }
            }
        }
    }

    #[test]
    fn a_write_refused_for_the_rate_is_sent_again_after_a_wait() {
        let (kinds, result) = refused_times("INSERT INTO t VALUES (1)", 2);
        assert_eq!(result, Ok("0".to_owned()));
        use EffectKind::{Sleep, Sql};
        assert_eq!(kinds, vec![Sql, Sleep, Sql, Sleep, Sql]);
    }

    #[test]
    fn a_write_refused_past_the_retries_is_upstream() {
        let times = usize::try_from(SQL_RATE_RETRIES).unwrap_or(usize::MAX) + 1;
        let (kinds, result) = refused_times("DELETE FROM t", times);
        let e = result.unwrap_err();
        assert_eq!(e.code(), ErrorCode::Upstream, "{e}");
        assert!(e.message().contains("refused 9 times"), "{e}");
        assert_eq!(
            kinds.iter().filter(|k| **k == EffectKind::Sql).count(),
            times
        );
    }

    #[test]
    fn a_read_refused_for_the_rate_is_upstream_at_once() {
        let (kinds, result) = refused_times("SELECT 1", 1);
        assert_eq!(result.unwrap_err().code(), ErrorCode::Upstream);
        assert_eq!(kinds, vec![EffectKind::Sql]);
    }
}
