//! The run loop: [`Run`] polls an operation's future, hands the requests it
//! registered to the host as a `wait` step, and checks the host's answers
//! before it wakes the futures they belong to.

use std::collections::{BTreeMap, BTreeSet};
use std::task::{Poll, Waker};

use futures::future::LocalBoxFuture;

use super::Ctx;
use crate::protocol::{Answer, Context, EffectKind, Step};
use crate::Error;

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

    /// Hands the answers to the previous `wait` to the run and advances it. The
    /// first call passes no answers.
    ///
    /// Every request of the previous `wait` must be answered exactly once, with an
    /// outcome of its kind; otherwise the run ends with `internal`. Once `done`,
    /// every call returns the same step.
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
                    Self::poll(ctx, future)
                }
            },
            RunState::Running {
                ctx,
                future,
                in_flight,
            } => match deliver(&ctx, in_flight, answers) {
                Ok(()) => Self::poll(ctx, future),
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

    fn poll(ctx: Ctx, mut future: OperationFuture) -> (RunState, Step) {
        let mut cx = std::task::Context::from_waker(Waker::noop());
        match future.as_mut().poll(&mut cx) {
            Poll::Ready(result) => Self::finish(result),
            Poll::Pending => {
                let batch = match ctx.shared.io.try_borrow_mut() {
                    Ok(mut io) => std::mem::take(&mut io.unsent),
                    Err(_) => {
                        return Self::finish(Err(Error::internal("the executor's state is busy")))
                    }
                };
                if batch.is_empty() {
                    return Self::finish(Err(Error::internal(
                        "the operation is waiting but requested nothing",
                    )));
                }
                let in_flight = batch.iter().map(|r| (r.id, r.effect.kind())).collect();
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

/// Checks the answers against the requests in flight and hands each to its future.
fn deliver(
    ctx: &Ctx,
    mut in_flight: BTreeMap<u32, EffectKind>,
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
    if !in_flight.is_empty() {
        let missing: Vec<String> = in_flight.keys().map(u32::to_string).collect();
        return Err(Error::internal(format!(
            "no answer for request {}",
            missing.join(", ")
        )));
    }
    let wakers: Vec<Waker> = {
        let mut io = ctx
            .shared
            .io
            .try_borrow_mut()
            .map_err(|_| Error::internal("the executor's state is busy"))?;
        let mut wakers = Vec::with_capacity(checked.len());
        for answer in checked {
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
