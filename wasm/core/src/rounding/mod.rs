//! Rounding rules for logged time, as types applied by pure functions.
//!
//! A [`RoundingRule`] has a [`RoundMode`] (`none`, `up`, `down`, `nearest`), an increment
//! in minutes and a [`Target`]: each worklog, or only the total.
//!
//! - [`round_duration`] rounds one duration to a multiple of the increment.
//!   `nearest` rounds halves up (7m30s → 15m with a 15-minute increment).
//! - [`round_total`] applies the rule to a group: with [`Target::PerWorklog`] each part
//!   is rounded and the rounded parts are summed; with [`Target::Total`] the exact
//!   seconds are summed and the sum is rounded once.
//! - [`round_civil`] rounds a worklog's start and end as the person's wall clock shows
//!   them, in their zone. Rounding raw Unix time would be wrong wherever the offset is
//!   not a whole number of increments (09:40 in Kolkata, +05:30, rounds to 10:00 local,
//!   not to 09:30 local as rounding the UTC instant to the hour would).
//!
//! Every function is idempotent: applying a rule to its own result changes nothing.
//!
//! # Order of steps
//!
//! 1. Start from each worklog's exact start instant and seconds, as Jira stores them.
//! 2. If the rule rounds civil times, [`round_civil`]: convert start and end
//!    (start + seconds) to local date-times in the person's zone; round the start
//!    *down* and the end *up* for `up` (logged time never shrinks), the start up and
//!    the end down for `down` (never grows; an end before the start becomes the start),
//!    both to the nearest for `nearest`; convert back to instants (a rounded time keeps
//!    its original UTC offset when it exists with it; if it falls in a DST gap, a
//!    start rounded down becomes the end of the gap, any other time moves on to the
//!    next grid time that exists). The worklog's local date is taken from the rounded
//!    start.
//! 3. Otherwise, with [`Target::PerWorklog`], round each worklog's seconds.
//! 4. Sum the seconds of a group (exact integers).
//! 5. With [`Target::Total`], round the group's sum.
//! 6. Convert to hours once ([`crate::hours`]) and to money once ([`crate::money`]),
//!    rounding only for display or to the currency's minor unit.
//!
//! Rounding each part instead of the total moves the total by at most
//! [`RoundingRule::max_total_deviation`]: `⌊n/2⌋ × increment` for `nearest`,
//! `(n − 1) × increment` for `up` (never less) and for `down` (never more).
//!
//! ```
//! use worklogs_core::duration::Seconds;
//! use worklogs_core::rounding::{round_duration, RoundMode, RoundingRule, Target};
//!
//! let rule = RoundingRule::new(RoundMode::Up, 15, Target::PerWorklog)?;
//! assert_eq!(round_duration(Seconds::from_minutes(16)?, &rule)?.get(), 30 * 60);
//! # Ok::<(), worklogs_core::Error>(())
//! ```

mod civil;
#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

use crate::duration::Seconds;
use crate::error::Error;

pub use civil::{round_civil, CivilWorklog};

/// How to round.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RoundMode {
    /// Leave time as logged.
    #[default]
    None,
    /// Round up to the next multiple of the increment.
    Up,
    /// Round down to the previous multiple of the increment.
    Down,
    /// Round to the nearest multiple; halves round up.
    Nearest,
}

/// What a rule rounds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Target {
    /// Each worklog, before summing.
    #[default]
    PerWorklog,
    /// Only the total of a group.
    Total,
}

/// A validated rounding rule.
///
/// JSON: `{"mode": "nearest", "incrementMinutes": 15, "target": "perWorklog"}`.
///
/// # Example
///
/// ```
/// use worklogs_core::rounding::{RoundMode, RoundingRule, Target};
/// let rule: RoundingRule = serde_json::from_str(r#"{"mode":"up","incrementMinutes":6,"target":"total"}"#)?;
/// assert_eq!(rule.increment_minutes(), 6);
/// assert!(RoundingRule::new(RoundMode::Up, 0, Target::Total).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "RawRule", into = "RawRule")]
pub struct RoundingRule {
    mode: RoundMode,
    increment_minutes: u32,
    target: Target,
}

#[derive(Clone, Copy, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawRule {
    #[serde(default)]
    mode: RoundMode,
    #[serde(default = "one")]
    increment_minutes: u32,
    #[serde(default)]
    target: Target,
}

fn one() -> u32 {
    1
}

impl TryFrom<RawRule> for RoundingRule {
    type Error = Error;
    fn try_from(raw: RawRule) -> Result<Self, Error> {
        RoundingRule::new(raw.mode, raw.increment_minutes, raw.target)
    }
}

impl From<RoundingRule> for RawRule {
    fn from(rule: RoundingRule) -> Self {
        RawRule {
            mode: rule.mode,
            increment_minutes: rule.increment_minutes,
            target: rule.target,
        }
    }
}

/// The largest increment: one day.
pub const MAX_INCREMENT_MINUTES: u32 = 1440;

const MINUTE_MS: i64 = 60_000;
const DAY_MS: i64 = 86_400_000;

impl RoundingRule {
    /// A rule that changes nothing.
    pub const NONE: RoundingRule = RoundingRule {
        mode: RoundMode::None,
        increment_minutes: 1,
        target: Target::PerWorklog,
    };

    /// A rule rounding to multiples of `increment_minutes`.
    ///
    /// # Errors
    ///
    /// Invalid input `out-of-range` (field `incrementMinutes`) unless the increment is
    /// 1 to [`MAX_INCREMENT_MINUTES`].
    ///
    /// # Example
    ///
    /// ```
    /// use worklogs_core::rounding::{RoundMode, RoundingRule, Target};
    /// let err = RoundingRule::new(RoundMode::Nearest, 2000, Target::Total).unwrap_err();
    /// assert_eq!(err.to_string(), "invalid incrementMinutes 2000: out of range (expected 1 to 1440)");
    /// ```
    pub fn new(mode: RoundMode, increment_minutes: u32, target: Target) -> Result<Self, Error> {
        if !(1..=MAX_INCREMENT_MINUTES).contains(&increment_minutes) {
            return Err(Error::invalid(
                "out-of-range",
                format!(
                    "invalid incrementMinutes {increment_minutes}: out of range (expected 1 to {MAX_INCREMENT_MINUTES})"
                ),
            )
            .field_name("incrementMinutes"));
        }
        Ok(RoundingRule {
            mode,
            increment_minutes,
            target,
        })
    }

    /// The mode.
    pub fn mode(&self) -> RoundMode {
        self.mode
    }

    /// The increment in minutes.
    pub fn increment_minutes(&self) -> u32 {
        self.increment_minutes
    }

    /// What the rule rounds.
    pub fn target(&self) -> Target {
        self.target
    }

    fn increment_seconds(&self) -> u64 {
        u64::from(self.increment_minutes).saturating_mul(60)
    }

    /// The most by which a total of `parts` rounded parts can differ from the rounded
    /// total of the same parts (either sign for `nearest`; the parts' total is never
    /// less for `up` and never more for `down`).
    ///
    /// # Example
    ///
    /// ```
    /// use worklogs_core::rounding::{RoundMode, RoundingRule, Target};
    /// let rule = RoundingRule::new(RoundMode::Nearest, 15, Target::PerWorklog)?;
    /// assert_eq!(rule.max_total_deviation(3).get(), 15 * 60); // ⌊3/2⌋ × 15 min
    /// # Ok::<(), worklogs_core::Error>(())
    /// ```
    pub fn max_total_deviation(&self, parts: u64) -> Seconds {
        let steps = match self.mode {
            RoundMode::None => 0,
            RoundMode::Nearest => parts / 2,
            RoundMode::Up | RoundMode::Down => parts.saturating_sub(1),
        };
        let seconds = steps.saturating_mul(self.increment_seconds());
        Seconds::new(seconds.min(Seconds::MAX.get())).unwrap_or(Seconds::MAX)
    }
}

impl Default for RoundingRule {
    fn default() -> Self {
        RoundingRule::NONE
    }
}

/// Rounds one duration to a multiple of the rule's increment, ignoring its target.
///
/// # Errors
///
/// Overflow when rounding up passes [`Seconds::MAX`].
///
/// # Example
///
/// ```
/// use worklogs_core::duration::Seconds;
/// use worklogs_core::rounding::{round_duration, RoundMode, RoundingRule, Target};
/// let nearest = RoundingRule::new(RoundMode::Nearest, 15, Target::PerWorklog)?;
/// assert_eq!(round_duration(Seconds::new(450)?, &nearest)?.get(), 900); // 7m30s: half up
/// assert_eq!(round_duration(Seconds::new(449)?, &nearest)?.get(), 0);
/// # Ok::<(), worklogs_core::Error>(())
/// ```
pub fn round_duration(seconds: Seconds, rule: &RoundingRule) -> Result<Seconds, Error> {
    let increment = rule.increment_seconds();
    let value = seconds.get();
    let (down, remainder) = match (value.checked_div(increment), value.checked_rem(increment)) {
        (Some(quotient), Some(remainder)) => (quotient.saturating_mul(increment), remainder),
        _ => return Ok(seconds),
    };
    let up = || {
        down.checked_add(increment)
            .and_then(|up| Seconds::new(up).ok())
            .ok_or_else(|| Error::overflow("the rounded duration"))
    };
    match rule.mode {
        RoundMode::None => Ok(seconds),
        _ if remainder == 0 => Ok(seconds),
        RoundMode::Down => Seconds::new(down),
        RoundMode::Up => up(),
        RoundMode::Nearest if remainder.saturating_mul(2) >= increment => up(),
        RoundMode::Nearest => Seconds::new(down),
    }
}

/// The total of a group under the rule: rounded parts summed ([`Target::PerWorklog`])
/// or the exact sum rounded ([`Target::Total`]).
///
/// # Errors
///
/// Overflow when the total passes [`Seconds::MAX`].
///
/// # Example
///
/// ```
/// use worklogs_core::duration::Seconds;
/// use worklogs_core::rounding::{round_total, RoundMode, RoundingRule, Target};
/// let parts = [Seconds::from_minutes(10)?, Seconds::from_minutes(10)?, Seconds::from_minutes(10)?];
/// let each = RoundingRule::new(RoundMode::Up, 15, Target::PerWorklog)?;
/// let once = RoundingRule::new(RoundMode::Up, 15, Target::Total)?;
/// assert_eq!(round_total(parts, &each)?.get(), 45 * 60);
/// assert_eq!(round_total(parts, &once)?.get(), 30 * 60);
/// # Ok::<(), worklogs_core::Error>(())
/// ```
pub fn round_total<I: IntoIterator<Item = Seconds>>(
    parts: I,
    rule: &RoundingRule,
) -> Result<Seconds, Error> {
    match rule.target {
        Target::PerWorklog => parts.into_iter().try_fold(Seconds::ZERO, |sum, part| {
            sum.checked_add(round_duration(part, rule)?)
                .ok_or_else(|| Error::overflow("the total duration"))
        }),
        Target::Total => round_duration(Seconds::sum(parts)?, rule),
    }
}
