//! The run loop: [`Run`] polls an operation's future, hands the requests it
//! registered to the host as a `wait` step, and checks the host's answers
//! before it wakes the futures they belong to.
//!
//! **The DML rate.** Forge SQL refuses more than 150 DML statements a second
//! (`INSERT`, `REPLACE`, `UPDATE`, `DELETE`) per installation. The run keeps
//! its own under that whatever the host: it hands the host at most
//! [`DML_PER_SECOND`] of them, then, before the next one, a wait of
//! [`DML_WAIT_MS`] (a `sleep` effect of its own, answered like any other),
//! and so on. The core has no clock, so it counts as if every statement took
//! no time: since a wait starts only after every statement before it was
//! answered (a host that answers effects as they complete may still be
//! performing some), and the next ones go out after it ends, no second ever
//! holds statements of two groups, so never more than [`DML_PER_SECOND`]. The
//! requests after the one held back wait with it, so that the order in which
//! the operation asked for them is the order the host performs them.

use std::collections::{BTreeMap, BTreeSet};
use std::task::{Poll, Waker};

use futures::future::LocalBoxFuture;

use super::Ctx;
use crate::protocol::{Answer, Context, Effect, EffectKind, Request, Step};
use crate::Error;

/// The most DML statements a run hands the host between two pacing waits
/// (Forge SQL's limit is 150 a second).
pub const DML_PER_SECOND: u32 = 150;

/// The pacing wait, in milliseconds: a second, and a little more for a
/// platform that counts whole seconds.
pub const DML_WAIT_MS: u32 = 1_050;

/// Whether a statement writes (`INSERT`, `REPLACE`, `UPDATE`, `DELETE`): what
/// Forge SQL counts against its DML rate.
pub fn is_dml(sql: &str) -> bool {
    let first = sql
        .trim_start()
        .split(|c: char| !c.is_ascii_alphabetic())
        .next()
        .unwrap_or_default();
    ["INSERT", "REPLACE", "UPDATE", "DELETE"]
        .iter()
        .any(|k| first.eq_ignore_ascii_case(k))
}

/// The future of a whole operation: its JSON result or an error.
pub type OperationFuture = LocalBoxFuture<'static, Result<String, Error>>;

type Start = Box<dyn FnOnce(Ctx) -> OperationFuture>;

/// One operation in progress: the `run` resource of the WIT.
pub struct Run {
    state: RunState,
}

enum RunState {
    /// Created; nothing validated or performed yet.
    Ready { context: Context, start: Start },
    /// Waiting for the answers to the requests in `in_flight`.
    Running {
        ctx: Ctx,
        future: OperationFuture,
        in_flight: BTreeMap<u32, EffectKind>,
    },
    /// Finished; every later resume returns the same step.
    Done(Result<String, Error>),
}

impl Run {
    /// A run of any future built from a [`Ctx`]; started at the first resume.
    pub fn with(context: Context, start: impl FnOnce(Ctx) -> OperationFuture + 'static) -> Self {
        Self {
            state: RunState::Ready {
                context,
                start: Box::new(start),
            },
        }
    }

    /// Hands answers to requests in flight to the run and advances it. The
    /// first call passes no answers.
    ///
    /// Every request handed to the host must be answered exactly once, with an
    /// outcome of its kind, in this call or a later one; an answer to no
    /// request in flight ends the run with `internal`. Once `done`, every call
    /// returns the same step.
    pub fn resume(&mut self, answers: Vec<Answer>) -> Step {
        let placeholder = RunState::Done(Err(Error::internal("the run was interrupted")));
        let (state, step) = match std::mem::replace(&mut self.state, placeholder) {
            RunState::Ready { context, start } => match answers.first() {
                Some(answer) => Self::finish(Err(Error::internal(format!(
                    "answer with id {} before any request",
                    answer.id
                )))),
                None => {
                    let ctx = Ctx::new(context);
                    let future = start(ctx.clone());
                    Self::poll(ctx, future, BTreeMap::new())
                }
            },
            RunState::Running {
                ctx,
                future,
                mut in_flight,
            } => match deliver(&ctx, &mut in_flight, answers) {
                Ok(()) => Self::poll(ctx, future, in_flight),
                Err(e) => Self::finish(Err(e)),
            },
            RunState::Done(result) => {
                let step = Step::Done(result.clone());
                (RunState::Done(result), step)
            }
        };
        self.state = state;
        step
    }

    fn finish(result: Result<String, Error>) -> (RunState, Step) {
        (RunState::Done(result.clone()), Step::Done(result))
    }

    fn poll(
        ctx: Ctx,
        mut future: OperationFuture,
        mut in_flight: BTreeMap<u32, EffectKind>,
    ) -> (RunState, Step) {
        let mut cx = std::task::Context::from_waker(Waker::noop());
        match future.as_mut().poll(&mut cx) {
            Poll::Ready(result) => Self::finish(result),
            Poll::Pending => {
                let batch = match ctx.shared.io.try_borrow_mut() {
                    Ok(mut io) => paced(&mut io),
                    Err(_) => {
                        return Self::finish(Err(Error::internal("the executor's state is busy")))
                    }
                };
                let batch = match batch {
                    Ok(batch) => batch,
                    Err(e) => return Self::finish(Err(e)),
                };
                if batch.is_empty() && in_flight.is_empty() {
                    return Self::finish(Err(Error::internal(
                        "the operation is waiting but requested nothing",
                    )));
                }
                in_flight.extend(batch.iter().map(|r| (r.id, r.effect.kind())));
                (
                    RunState::Running {
                        ctx,
                        future,
                        in_flight,
                    },
                    Step::Wait(batch),
                )
            }
        }
    }
}

/// The next batch for the host: the requests held back and the new ones, in
/// order, up to the DML allowance left. When none is left and a DML statement
/// is next, a pacing wait alone (its answer goes to no future), once every
/// DML statement in flight is answered; the allowance is renewed when the wait
/// is answered.
fn paced(io: &mut super::Io) -> Result<Vec<Request>, Error> {
    let mut queue = std::mem::take(&mut io.held);
    queue.append(&mut io.unsent);
    let dml = |r: &Request| matches!(&r.effect, Effect::Sql(s) if is_dml(&s.sql));
    let mut batch = Vec::with_capacity(queue.len());
    let mut rest = queue.into_iter();
    for request in rest.by_ref() {
        if dml(&request) {
            if io.pacing.is_some() || io.dml_in_window >= DML_PER_SECOND {
                io.held.push(request);
                break;
            }
            io.dml_in_window = io.dml_in_window.saturating_add(1);
            io.dml_in_flight.insert(request.id);
        }
        batch.push(request);
    }
    io.held.extend(rest);
    if batch.is_empty() && !io.held.is_empty() && io.pacing.is_none() && io.dml_in_flight.is_empty()
    {
        let id = io.next_id;
        io.next_id = id
            .checked_add(1)
            .ok_or_else(|| Error::internal("a run issued more than 4294967295 requests"))?;
        io.pacing = Some(id);
        batch.push(Request {
            id,
            effect: Effect::Sleep(DML_WAIT_MS),
        });
    }
    Ok(batch)
}

/// Checks the answers against the requests in flight, takes them out of
/// `in_flight` and hands each to its future.
fn deliver(
    ctx: &Ctx,
    in_flight: &mut BTreeMap<u32, EffectKind>,
    answers: Vec<Answer>,
) -> Result<(), Error> {
    let mut seen = BTreeSet::new();
    let mut checked = Vec::with_capacity(answers.len());
    for answer in answers {
        let id = answer.id;
        match in_flight.remove(&id) {
            Some(kind) if kind == answer.outcome.kind() => {
                seen.insert(id);
                checked.push(answer);
            }
            Some(kind) => {
                return Err(Error::internal(format!(
                    "answer {id} is an {} outcome but request {id} is a {} effect",
                    answer.outcome.kind().as_str(),
                    kind.as_str()
                )))
            }
            None if seen.contains(&id) => {
                return Err(Error::internal(format!("answer {id} is repeated")))
            }
            None => {
                return Err(Error::internal(format!(
                    "answer {id} answers no request in flight"
                )))
            }
        }
    }
    let wakers: Vec<Waker> = {
        let mut io = ctx
            .shared
            .io
            .try_borrow_mut()
            .map_err(|_| Error::internal("the executor's state is busy"))?;
        let mut wakers = Vec::with_capacity(checked.len());
        for answer in checked {
            io.dml_in_flight.remove(&answer.id);
            if io.pacing == Some(answer.id) {
                io.pacing = None;
                io.dml_in_window = 0;
            }
            // A request whose future was dropped has no waker: its answer is discarded.
            if let Some(waker) = io.wakers.remove(&answer.id) {
                wakers.push(waker);
                io.answers.insert(answer.id, answer.outcome);
            }
        }
        wakers
    };
    // Woken outside the borrow: a waker may run arbitrary code.
    for waker in wakers {
        waker.wake();
    }
    Ok(())
}
