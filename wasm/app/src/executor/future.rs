//! Effect futures: what [`Ctx::sql`], [`Ctx::jira`] and [`Ctx::sleep`] return.
//!
//! A future registers its request with a fresh id when first polled, and stays
//! pending until [`super::Run::resume`] delivers its answer; dropped, it is
//! forgotten (unsent, never sent; sent, its answer is discarded).

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Poll, Waker};

use super::{Ctx, Shared};
use crate::protocol::{Effect, EffectKind, HttpResponse, Outcome, Request, SqlRows};
use crate::Error;

impl Shared {
    fn register(&self, effect: Effect, waker: &Waker) -> Result<u32, Error> {
        let mut io = self
            .io
            .try_borrow_mut()
            .map_err(|_| Error::internal("the executor's state is busy (re-entrant poll)"))?;
        let id = io.next_id;
        io.next_id = id
            .checked_add(1)
            .ok_or_else(|| Error::internal("a run issued more than 4294967295 requests"))?;
        match &effect {
            Effect::Sql(_) => io.counts.sql += 1,
            Effect::Jira(_) => io.counts.jira += 1,
            // A yield to the host (`Ctx::yield_to_host`) waits for nothing.
            Effect::Sleep(0) => {}
            Effect::Sleep(_) => io.counts.sleep += 1,
        }
        io.unsent.push(Request { id, effect });
        io.wakers.insert(id, waker.clone());
        Ok(id)
    }

    fn take_answer(&self, id: u32, waker: &Waker) -> Result<Option<Outcome>, Error> {
        let mut io = self
            .io
            .try_borrow_mut()
            .map_err(|_| Error::internal("the executor's state is busy (re-entrant poll)"))?;
        match io.answers.remove(&id) {
            Some(outcome) => {
                io.wakers.remove(&id);
                Ok(Some(outcome))
            }
            None => {
                io.wakers.insert(id, waker.clone());
                Ok(None)
            }
        }
    }

    /// Forgets a request whose future was dropped: unsent, it is never sent; sent,
    /// its answer is still expected but discarded.
    fn forget(&self, id: u32) {
        if let Ok(mut io) = self.io.try_borrow_mut() {
            io.unsent.retain(|r| r.id != id);
            io.held.retain(|r| r.id != id);
            io.answers.remove(&id);
            io.wakers.remove(&id);
        }
    }
}

/// Converts an outcome into what an effect future yields.
pub trait FromOutcome: Sized {
    /// `internal` when the outcome is of the wrong kind (the executor checks
    /// kinds first, so this is a second line of defence).
    fn from_outcome(outcome: Outcome) -> Result<Self, Error>;
}

impl FromOutcome for SqlRows {
    fn from_outcome(outcome: Outcome) -> Result<Self, Error> {
        match outcome {
            Outcome::Sql(result) => result,
            other => Err(mismatch(&other, EffectKind::Sql)),
        }
    }
}

impl FromOutcome for HttpResponse {
    fn from_outcome(outcome: Outcome) -> Result<Self, Error> {
        match outcome {
            Outcome::Jira(result) => result,
            other => Err(mismatch(&other, EffectKind::Jira)),
        }
    }
}

impl FromOutcome for () {
    fn from_outcome(outcome: Outcome) -> Result<Self, Error> {
        match outcome {
            Outcome::Sleep => Ok(()),
            other => Err(mismatch(&other, EffectKind::Sleep)),
        }
    }
}

fn mismatch(outcome: &Outcome, expected: EffectKind) -> Error {
    Error::internal(format!(
        "a {} outcome answered a {} request",
        outcome.kind().as_str(),
        expected.as_str()
    ))
}

/// A future for the outcome of one effect; see [`Ctx::sql`] and [`Ctx::jira`].
#[must_use = "an effect is only requested when its future is polled"]
pub struct EffectFuture<T> {
    shared: Rc<Shared>,
    state: State,
    _output: PhantomData<fn() -> T>,
}

enum State {
    New(Effect),
    Waiting(u32),
    Finished,
}

impl<T> EffectFuture<T> {
    pub(super) fn new(ctx: &Ctx, effect: Effect) -> Self {
        Self {
            shared: Rc::clone(&ctx.shared),
            state: State::New(effect),
            _output: PhantomData,
        }
    }
}

impl<T: FromOutcome> Future for EffectFuture<T> {
    type Output = Result<T, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> Poll<Self::Output> {
        // `EffectFuture` holds no self-references, so it is `Unpin`.
        let this = self.get_mut();
        match std::mem::replace(&mut this.state, State::Finished) {
            State::New(effect) => match this.shared.register(effect, cx.waker()) {
                Ok(id) => {
                    this.state = State::Waiting(id);
                    Poll::Pending
                }
                Err(e) => Poll::Ready(Err(e)),
            },
            State::Waiting(id) => match this.shared.take_answer(id, cx.waker()) {
                Ok(Some(outcome)) => Poll::Ready(T::from_outcome(outcome)),
                Ok(None) => {
                    this.state = State::Waiting(id);
                    Poll::Pending
                }
                Err(e) => Poll::Ready(Err(e)),
            },
            State::Finished => Poll::Ready(Err(Error::internal(
                "an effect future was polled after it completed",
            ))),
        }
    }
}

impl<T> Drop for EffectFuture<T> {
    fn drop(&mut self) {
        if let State::Waiting(id) = self.state {
            self.shared.forget(id);
        }
    }
}
