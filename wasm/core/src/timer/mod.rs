//! Timers: a person's running record of work on one issue, as pure transitions
//! over instants the caller gives (the core never reads a clock).
//!
//! A [`Timer`] is its first start, the milliseconds of its closed running
//! segments, and, while it runs, when the current segment began together with
//! the instant it must stop ([`Timer::start`], [`Timer::resume`]). Pausing
//! closes the segment; stopping is a pause followed by logging or discarding,
//! which is the caller's business.
//!
//! # States
//!
//! ```text
//!            start            pause
//!  (none) ─────────▶ running ───────▶ paused
//!                      ▲   ◀───────   │
//!                      │     resume   │
//!       settle at/after│its stop      │
//!                      ▼              │
//!                   forgotten         │
//!  stop (log or discard) ends any state
//! ```
//!
//! # The forgotten rule
//!
//! A running segment must end at the earlier of
//!
//! - the instant the timer's running time (its closed segments plus this one)
//!   reaches the site's limit ([`StopReason::Limit`]), and
//! - the first local midnight after the segment began, in the person's zone
//!   when it began ([`StopReason::Midnight`]); DST-correct: the start of the
//!   next local date ([`crate::calendar::day_start`]), so a day of 23 or 25
//!   hours counts as it lasts.
//!
//! [`stop_rule`] computes that instant when the segment begins, and the timer
//! keeps it: a limit saved later applies to segments begun after it.
//! [`Timer::settle`] applies it: a running timer whose stop instant is not
//! after `now` becomes [`State::Forgotten`], its running time counted up to
//! the stop instant and no further. A forgotten timer is never logged by
//! itself: the person confirms (logs) or discards it.
//!
//! # Time and rounding
//!
//! Elapsed time is real elapsed time: instants are UTC milliseconds, so a
//! segment across a DST change counts the hours that passed, not the wall
//! clock's difference. The time logged is the elapsed whole seconds (rounded
//! down from milliseconds) rounded by the site's rule ([`logged_seconds`]:
//! [`crate::rounding::round_duration`] when the rule's target is each worklog;
//! a rule on totals leaves each worklog exact); the worklog's start is the
//! timer's first start, exact.
//!
//! ```
//! use worklogs_core::calendar::{Instant, Zone};
//! use worklogs_core::timer::{State, Timer};
//!
//! let berlin = Zone::parse("Europe/Berlin")?;
//! let nine = Instant::from_millis(1_795_507_200_000); // 2026-11-24T08:00Z, 09:00 in Berlin
//! let limit = 12 * 3600;
//! let t = Timer::start(nine, berlin, limit)?;
//! let t = t.pause(Instant::from_millis(nine.millis() + 20 * 60_000))?;
//! assert_eq!(t.elapsed_ms(Instant::from_millis(nine.millis() + 99 * 60_000)), 20 * 60_000);
//! let t = t.resume(Instant::from_millis(nine.millis() + 30 * 60_000), berlin, limit)?;
//! // Forgotten: still running two days later; stopped at 12 hours of running time.
//! let t = t.settle(Instant::from_millis(nine.millis() + 2 * 86_400_000));
//! assert_eq!(t.state(), State::Forgotten);
//! assert_eq!(t.elapsed_ms(Instant::from_millis(0)), 12 * 3_600_000);
//! # Ok::<(), worklogs_core::Error>(())
//! ```

#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

use crate::calendar::{day_start, local_date, Instant, Zone};
use crate::duration::Seconds;
use crate::error::Error;
use crate::rounding::{round_duration, RoundingRule, Target};

/// Milliseconds per second.
const MS: i64 = 1000;

/// Where a timer stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    /// Counting time.
    Running,
    /// Not counting; resumable.
    Paused,
    /// Stopped by the forgotten rule at its stop instant; waits for its owner
    /// to log or discard it.
    Forgotten,
}

impl State {
    /// The name stored and shown: `running`, `paused`, `forgotten`.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Running => "running",
            State::Paused => "paused",
            State::Forgotten => "forgotten",
        }
    }

    /// The state named `name`, if any.
    pub fn parse(name: &str) -> Option<State> {
        match name {
            "running" => Some(State::Running),
            "paused" => Some(State::Paused),
            "forgotten" => Some(State::Forgotten),
            _ => None,
        }
    }
}

/// Why a running segment ends (or ended) by the forgotten rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StopReason {
    /// The running time reached the site's limit.
    Limit,
    /// The segment reached the next local midnight in the person's zone.
    Midnight,
}

impl StopReason {
    /// The name stored and shown: `limit` or `midnight`.
    pub fn as_str(self) -> &'static str {
        match self {
            StopReason::Limit => "limit",
            StopReason::Midnight => "midnight",
        }
    }

    /// The reason named `name`, if any.
    pub fn parse(name: &str) -> Option<StopReason> {
        match name {
            "limit" => Some(StopReason::Limit),
            "midnight" => Some(StopReason::Midnight),
            _ => None,
        }
    }
}

/// When a running segment must stop, and why.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct StopAt {
    /// The instant.
    pub at: Instant,
    /// Why.
    pub reason: StopReason,
}

/// A timer's state and times (see the module docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Timer {
    /// Its state.
    state: State,
    /// When it was first started: the worklog's start.
    first_start: Instant,
    /// Milliseconds of its closed running segments (never negative).
    accumulated_ms: i64,
    /// When the current segment began (a running timer only).
    running_since: Option<Instant>,
    /// A running timer: when and why the forgotten rule stops it; a forgotten
    /// one: when and why it was stopped.
    stop: Option<StopAt>,
}

/// The instant a running segment begun at `since` must stop: the earlier of
/// its running time reaching `limit_seconds` (with `accumulated_ms` already
/// run) and the next local midnight in `zone` after `since`. At a tie, the
/// limit.
///
/// # Errors
///
/// Invalid input `out-of-range` for instants outside the calendar's range.
///
/// # Example
///
/// ```
/// use worklogs_core::calendar::{format_utc, parse_instant, Zone};
/// use worklogs_core::timer::{stop_rule, StopReason};
/// let berlin = Zone::parse("Europe/Berlin")?;
/// let since = parse_instant("2026-11-24T20:00:00+01:00")?;
/// let stop = stop_rule(since, 0, berlin, 12 * 3600)?;
/// assert_eq!(stop.reason, StopReason::Midnight);
/// assert_eq!(format_utc(stop.at)?, "2026-11-24T23:00:00.000Z");
/// # Ok::<(), worklogs_core::Error>(())
/// ```
pub fn stop_rule(
    since: Instant,
    accumulated_ms: i64,
    zone: Zone,
    limit_seconds: u32,
) -> Result<StopAt, Error> {
    let left = i64::from(limit_seconds)
        .saturating_mul(MS)
        .saturating_sub(accumulated_ms.max(0))
        .max(0);
    let limit = Instant::from_millis(since.millis().saturating_add(left));
    let date = local_date(since, zone)?;
    let next = date.succ_opt().ok_or_else(|| {
        Error::invalid(
            "out-of-range",
            format!("invalid date {date}: out of range (no date follows it)"),
        )
    })?;
    let midnight = day_start(next, zone)?;
    Ok(if midnight < limit {
        StopAt {
            at: midnight,
            reason: StopReason::Midnight,
        }
    } else {
        StopAt {
            at: limit,
            reason: StopReason::Limit,
        }
    })
}

fn forgotten_error() -> Error {
    Error::invalid(
        "timer-forgotten",
        "the timer was stopped by the forgotten rule: log or discard it".to_owned(),
    )
}

impl Timer {
    /// A timer started at `now` by a person in `zone`, with the site's limit of
    /// running time in seconds.
    ///
    /// # Errors
    ///
    /// As [`stop_rule`].
    pub fn start(now: Instant, zone: Zone, limit_seconds: u32) -> Result<Timer, Error> {
        Ok(Timer {
            state: State::Running,
            first_start: now,
            accumulated_ms: 0,
            running_since: Some(now),
            stop: Some(stop_rule(now, 0, zone, limit_seconds)?),
        })
    }

    /// A timer from its stored parts, made consistent: a running timer without
    /// its segment's start reads as paused, a negative accumulated time as
    /// zero, a paused timer has no stop instant.
    pub fn from_parts(
        state: State,
        first_start: Instant,
        accumulated_ms: i64,
        running_since: Option<Instant>,
        stop: Option<StopAt>,
    ) -> Timer {
        let accumulated_ms = accumulated_ms.max(0);
        match (state, running_since, stop) {
            (State::Running, Some(since), Some(stop)) => Timer {
                state,
                first_start,
                accumulated_ms,
                running_since: Some(since),
                stop: Some(stop),
            },
            (State::Forgotten, _, Some(stop)) => Timer {
                state,
                first_start,
                accumulated_ms,
                running_since: None,
                stop: Some(stop),
            },
            _ => Timer {
                state: State::Paused,
                first_start,
                accumulated_ms,
                running_since: None,
                stop: None,
            },
        }
    }

    /// Its state.
    pub fn state(&self) -> State {
        self.state
    }

    /// When it was first started.
    pub fn first_start(&self) -> Instant {
        self.first_start
    }

    /// Milliseconds of its closed segments.
    pub fn accumulated_ms(&self) -> i64 {
        self.accumulated_ms
    }

    /// When the current segment began, while running.
    pub fn running_since(&self) -> Option<Instant> {
        self.running_since
    }

    /// When and why the forgotten rule stops it (running) or stopped it
    /// (forgotten).
    pub fn stop(&self) -> Option<StopAt> {
        self.stop
    }

    /// Its running time as of `now`, in milliseconds: the closed segments plus,
    /// while running, the time since the segment began (none when `now` is
    /// before it). Never negative.
    pub fn elapsed_ms(&self, now: Instant) -> i64 {
        let open = match self.running_since {
            Some(since) if self.state == State::Running => {
                now.millis().saturating_sub(since.millis()).max(0)
            }
            _ => 0,
        };
        self.accumulated_ms.saturating_add(open).max(0)
    }

    /// Applies the forgotten rule at `now`: a running timer whose stop instant
    /// is not after `now` becomes forgotten, with its running time counted up
    /// to the stop instant. Anything else is returned unchanged.
    #[must_use]
    pub fn settle(self, now: Instant) -> Timer {
        match (self.state, self.stop) {
            (State::Running, Some(stop)) if stop.at <= now => Timer {
                state: State::Forgotten,
                accumulated_ms: self.elapsed_ms(stop.at),
                running_since: None,
                ..self
            },
            _ => self,
        }
    }

    /// Pauses at `now` (after [`Timer::settle`]): a running timer's segment is
    /// closed. Pausing a paused timer changes nothing.
    ///
    /// # Errors
    ///
    /// Invalid input `timer-forgotten` when the timer is (or becomes, by the
    /// rule) forgotten.
    pub fn pause(self, now: Instant) -> Result<Timer, Error> {
        let timer = self.settle(now);
        match timer.state {
            State::Forgotten => Err(forgotten_error()),
            State::Paused => Ok(timer),
            State::Running => Ok(Timer {
                state: State::Paused,
                accumulated_ms: timer.elapsed_ms(now),
                running_since: None,
                stop: None,
                ..timer
            }),
        }
    }

    /// Resumes at `now` for a person in `zone` (after [`Timer::settle`]): a new
    /// segment begins, with its stop instant by [`stop_rule`]. Resuming a
    /// running timer changes nothing.
    ///
    /// # Errors
    ///
    /// Invalid input `timer-forgotten` when the timer is (or becomes, by the
    /// rule) forgotten; as [`stop_rule`].
    pub fn resume(self, now: Instant, zone: Zone, limit_seconds: u32) -> Result<Timer, Error> {
        let timer = self.settle(now);
        match timer.state {
            State::Forgotten => Err(forgotten_error()),
            State::Running => Ok(timer),
            State::Paused => {
                let stop = stop_rule(now, timer.accumulated_ms, zone, limit_seconds)?;
                // A timer that has run its limit already stops at once.
                Ok(Timer {
                    state: State::Running,
                    running_since: Some(now),
                    stop: Some(stop),
                    ..timer
                }
                .settle(now))
            }
        }
    }

    /// The whole seconds it has run as of `now` (after [`Timer::settle`]),
    /// milliseconds rounded down.
    ///
    /// # Errors
    ///
    /// Never in practice: an elapsed time is far below [`Seconds::MAX`].
    pub fn elapsed_seconds(&self, now: Instant) -> Result<Seconds, Error> {
        let seconds = self
            .settle(now)
            .elapsed_ms(now)
            .checked_div(MS)
            .unwrap_or(0);
        Seconds::try_from(seconds)
    }
}

/// The seconds a worklog of `elapsed` seconds gets under the site's rule:
/// rounded with [`round_duration`] when the rule's target is each worklog;
/// exact when it rounds only totals (that is the reports' business).
///
/// # Errors
///
/// Overflow when rounding up passes [`Seconds::MAX`].
///
/// # Example
///
/// ```
/// use worklogs_core::duration::Seconds;
/// use worklogs_core::rounding::{RoundMode, RoundingRule, Target};
/// use worklogs_core::timer::logged_seconds;
/// let up = RoundingRule::new(RoundMode::Up, 15, Target::PerWorklog)?;
/// assert_eq!(logged_seconds(Seconds::from_minutes(7)?, &up)?.get(), 900);
/// let totals = RoundingRule::new(RoundMode::Up, 15, Target::Total)?;
/// assert_eq!(logged_seconds(Seconds::from_minutes(20)?, &totals)?.get(), 1200);
/// # Ok::<(), worklogs_core::Error>(())
/// ```
pub fn logged_seconds(elapsed: Seconds, rule: &RoundingRule) -> Result<Seconds, Error> {
    match rule.target() {
        Target::PerWorklog => round_duration(elapsed, rule),
        Target::Total => Ok(elapsed),
    }
}
