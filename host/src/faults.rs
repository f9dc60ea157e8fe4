//! A deterministic fault plan: fail the Nth SQL statement or the Nth Jira
//! request of a task with a chosen failure, as the platform would.
//!
//! [`Faulty`] wraps any [`Performer`] (the host's [`Effects`](crate::Effects))
//! and counts the task's effects by kind, in the order the batches hold them;
//! an effect the [`FaultPlan`] names is answered with its [`Fault`] instead of,
//! or after, being performed. Everything else passes through unchanged. The
//! plan knows positions and failures only, never what a statement or a request
//! is for: a test first runs a task without faults to count its effects
//! ([`Faulty::counts`]), then once per position and failure.
//!
//! Failures happen where the platform makes them happen: a deadlock or a lock
//! wait time-out (as TiDB, Forge SQL's engine, reports them) refuses a
//! statement before it changes anything; a connection lost during a statement
//! loses the answer of a statement that was performed; Jira's 429, 500 and
//! 503 and a dropped connection answer a request Jira never performed; a
//! time-out and a truncated body lose or damage the answer of a request Jira
//! did perform (the worst case for a write).

use std::sync::Mutex;

use crate::protocol::{
    Answer, Context, Effect, ErrorCode, HttpResponse, Outcome, Request, TaskError,
};
use crate::runtime::Performer;

/// Which effects a position counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    /// SQL statements.
    Sql,
    /// Jira requests.
    Jira,
}

/// A failure to inject.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Fault {
    /// SQL, not performed: `ERROR 1213 (40001): Deadlock found when trying to
    /// get lock; try restarting transaction` (`upstream`).
    Deadlock,
    /// SQL, not performed: `ERROR 1205 (HY000): Lock wait timeout exceeded;
    /// try restarting transaction` (`upstream`).
    LockWait,
    /// SQL, performed, its answer lost: `ERROR 2013 (HY000): Lost connection to
    /// MySQL server during query` (`upstream`).
    Lost,
    /// SQL, not performed: a statement the engine rejects (`internal`: a bug,
    /// not a transient failure).
    Rejected,
    /// SQL, not performed: refused for the DML rate, as Forge SQL refuses past
    /// 150 statements a second (`throttled`).
    Throttled,
    /// Jira, not performed: `429` with `Retry-After: 1`.
    Busy,
    /// Jira, not performed: `500`.
    ServerError,
    /// Jira, not performed: `503`.
    Unavailable,
    /// Jira, performed, its answer lost: the request timed out (`upstream`).
    TimedOut,
    /// Jira, not performed: the connection dropped before it was sent (`upstream`).
    Dropped,
    /// Jira, performed: the answer's body cut in half.
    Truncated,
}

impl Fault {
    /// Every SQL failure.
    pub const SQL: [Fault; 5] = [
        Fault::Deadlock,
        Fault::LockWait,
        Fault::Lost,
        Fault::Rejected,
        Fault::Throttled,
    ];
    /// Every Jira failure.
    pub const JIRA: [Fault; 6] = [
        Fault::Busy,
        Fault::ServerError,
        Fault::Unavailable,
        Fault::TimedOut,
        Fault::Dropped,
        Fault::Truncated,
    ];

    /// The effects it applies to.
    pub fn target(self) -> Target {
        match self {
            Fault::Deadlock
            | Fault::LockWait
            | Fault::Lost
            | Fault::Rejected
            | Fault::Throttled => Target::Sql,
            _ => Target::Jira,
        }
    }

    /// Whether the effect is performed before the failure (its answer is lost
    /// or damaged) rather than instead of it.
    pub fn performed(self) -> bool {
        matches!(self, Fault::Lost | Fault::TimedOut | Fault::Truncated)
    }

    /// Whether it is transient: a later attempt may succeed.
    pub fn transient(self) -> bool {
        self != Fault::Rejected
    }

    /// The answer it gives instead of the effect's own.
    fn answer(self, performed: Option<Outcome>) -> Outcome {
        let sql =
            |message: &str| Outcome::Sql(Err(TaskError::upstream(format!("mysql: {message}"))));
        let status = |status: u16, headers: Vec<(String, String)>| {
            Outcome::Jira(Ok(HttpResponse {
                status,
                headers,
                body: format!(r#"{{"errorMessages":["injected {status}"],"errors":{{}}}}"#),
            }))
        };
        match self {
            Fault::Deadlock => sql("ERROR 1213 (40001): Deadlock found when trying to get lock; try restarting transaction"),
            Fault::LockWait => sql("ERROR 1205 (HY000): Lock wait timeout exceeded; try restarting transaction"),
            Fault::Lost => sql("ERROR 2013 (HY000): Lost connection to MySQL server during query"),
            Fault::Rejected => Outcome::Sql(Err(TaskError::internal(
                "mysql: ERROR 1105 (HY000): injected: the statement was rejected",
            ))),
            Fault::Throttled => Outcome::Sql(Err(TaskError::new(
                ErrorCode::Throttled,
                "forge sql: throttled: more than 150 DML statements in a second (injected)",
            ))),
            Fault::Busy => status(429, vec![("retry-after".into(), "1".into())]),
            Fault::ServerError => status(500, Vec::new()),
            Fault::Unavailable => status(503, Vec::new()),
            Fault::TimedOut => Outcome::Jira(Err(TaskError::upstream(
                "the request timed out after it was sent (injected)",
            ))),
            Fault::Dropped => Outcome::Jira(Err(TaskError::upstream(
                "the connection was reset before the request was sent (injected)",
            ))),
            Fault::Truncated => match performed {
                Some(Outcome::Jira(Ok(mut response))) => {
                    let mut cut = response.body.len() / 2;
                    while !response.body.is_char_boundary(cut) {
                        cut -= 1;
                    }
                    response.body.truncate(cut);
                    Outcome::Jira(Ok(response))
                }
                Some(other) => other,
                None => Outcome::Jira(Err(TaskError::upstream("no answer to truncate"))),
            },
        }
    }
}

/// Which effects fail, and how: positions count from 1 among a task's
/// effects of the fault's [`Target`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FaultPlan {
    faults: Vec<(u32, Fault)>,
}

impl FaultPlan {
    /// No fault.
    pub fn none() -> FaultPlan {
        FaultPlan::default()
    }

    /// The same plan, failing the `nth` effect of `fault`'s target with it.
    pub fn at(mut self, nth: u32, fault: Fault) -> FaultPlan {
        self.faults.push((nth, fault));
        self
    }

    fn find(&self, target: Target, nth: u32) -> Option<Fault> {
        self.faults
            .iter()
            .find(|(n, f)| *n == nth && f.target() == target)
            .map(|(_, f)| *f)
    }
}

/// Effects counted so far, by kind, and the faults injected.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// SQL statements.
    pub sql: u32,
    /// Jira requests.
    pub jira: u32,
    /// Waits.
    pub sleep: u32,
    /// Effects answered with a fault.
    pub injected: u32,
}

/// A performer that applies a [`FaultPlan`] to the effects `inner` performs.
/// Use one per task: positions count the effects it has seen.
pub struct Faulty<'a, P> {
    inner: &'a P,
    plan: FaultPlan,
    counts: Mutex<Counts>,
    instant_waits: bool,
}

impl<'a, P: Performer> Faulty<'a, P> {
    /// `inner`'s effects, failed as `plan` says.
    pub fn new(inner: &'a P, plan: FaultPlan) -> Self {
        Faulty {
            inner,
            plan,
            counts: Mutex::new(Counts::default()),
            instant_waits: false,
        }
    }

    /// The same, answering every wait at once (time is not what is tested).
    pub fn instant_waits(mut self) -> Self {
        self.instant_waits = true;
        self
    }

    /// The effects seen so far.
    pub fn counts(&self) -> Counts {
        *self.counts.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl<P: Performer> Performer for Faulty<'_, P> {
    fn in_parts(&self) -> bool {
        false
    }

    async fn perform(&self, ctx: &Context, requests: Vec<Request>) -> Vec<Answer> {
        // Decide each request's fate in the batch's order.
        let mut passed = Vec::with_capacity(requests.len());
        let mut answers = Vec::new();
        let mut after: Vec<(u32, Fault)> = Vec::new();
        {
            let mut counts = self.counts.lock().unwrap_or_else(|e| e.into_inner());
            for request in requests {
                let planned = match &request.effect {
                    Effect::Sql(_) => {
                        counts.sql += 1;
                        self.plan.find(Target::Sql, counts.sql)
                    }
                    Effect::Jira(_) => {
                        counts.jira += 1;
                        self.plan.find(Target::Jira, counts.jira)
                    }
                    Effect::Sleep(_) => {
                        counts.sleep += 1;
                        if self.instant_waits {
                            answers.push(Answer {
                                id: request.id,
                                outcome: Outcome::Sleep,
                            });
                            continue;
                        }
                        None
                    }
                };
                match planned {
                    None => passed.push(request),
                    Some(fault) => {
                        counts.injected += 1;
                        if fault.performed() {
                            after.push((request.id, fault));
                            passed.push(request);
                        } else {
                            answers.push(Answer {
                                id: request.id,
                                outcome: fault.answer(None),
                            });
                        }
                    }
                }
            }
        }
        let performed = if passed.is_empty() {
            Vec::new()
        } else {
            self.inner.perform(ctx, passed).await
        };
        answers.extend(performed.into_iter().map(|answer| {
            match after.iter().find(|(id, _)| *id == answer.id) {
                Some((_, fault)) => Answer {
                    id: answer.id,
                    outcome: fault.answer(Some(answer.outcome)),
                },
                None => answer,
            }
        }));
        answers
    }
}
