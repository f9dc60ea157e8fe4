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

use chrono::{NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Timelike};
use serde::{Deserialize, Serialize};

use crate::calendar::{self, Instant, Resolved, Zone};
use crate::duration::Seconds;
use crate::error::Error;

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

/// A worklog's start and duration after [`round_civil`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CivilWorklog {
    /// The rounded start.
    pub start: Instant,
    /// The rounded duration: rounded end minus rounded start.
    pub duration: Seconds,
}

/// Which way to move a time to the grid.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Direction {
    Floor,
    Ceil,
    Nearest,
}

/// Rounds a worklog's start and end on the wall clock of `zone` (see the module's order
/// of steps). The grid is aligned to local midnight: with a 15-minute increment times
/// round to :00, :15, :30, :45; with an increment that does not divide a day, the last
/// step of a day is shorter and midnight is always on the grid. The rule's target is
/// not used: civil times are rounded per worklog.
///
/// # Errors
///
/// Invalid input `out-of-range` for instants outside chrono's range; overflow when the
/// end passes the range of instants.
///
/// # Example
///
/// ```
/// use worklogs_core::calendar::{format_utc, parse_instant, Zone};
/// use worklogs_core::duration::Seconds;
/// use worklogs_core::rounding::{round_civil, RoundMode, RoundingRule, Target};
///
/// let kolkata = Zone::parse("Asia/Kolkata")?;
/// let rule = RoundingRule::new(RoundMode::Nearest, 60, Target::PerWorklog)?;
/// let start = parse_instant("2026-11-24T09:40:00.000+0530")?;
/// let rounded = round_civil(start, Seconds::from_minutes(50)?, kolkata, &rule)?;
/// assert_eq!(format_utc(rounded.start)?, "2026-11-24T04:30:00.000Z"); // 10:00 local
/// assert_eq!(rounded.duration.get(), 3600); // 10:00 to 11:00 local
/// # Ok::<(), worklogs_core::Error>(())
/// ```
pub fn round_civil(
    start: Instant,
    duration: Seconds,
    zone: Zone,
    rule: &RoundingRule,
) -> Result<CivilWorklog, Error> {
    let (start_way, end_way) = match rule.mode {
        RoundMode::None => return Ok(CivilWorklog { start, duration }),
        RoundMode::Up => (Direction::Floor, Direction::Ceil),
        RoundMode::Down => (Direction::Ceil, Direction::Floor),
        RoundMode::Nearest => (Direction::Nearest, Direction::Nearest),
    };
    let end = start
        .checked_add(duration)
        .ok_or_else(|| Error::overflow("the worklog's end"))?;
    let increment = i64::from(rule.increment_minutes).saturating_mul(MINUTE_MS);
    let new_start = round_instant(start, zone, increment, start_way)?;
    let new_end = round_instant(end, zone, increment, end_way)?.max(new_start);
    let millis = new_end.millis().saturating_sub(new_start.millis());
    let seconds = u64::try_from(millis / 1000).unwrap_or(0);
    Ok(CivilWorklog {
        start: new_start,
        duration: Seconds::new(seconds)?,
    })
}

fn local_at(date: NaiveDate, ms_of_day: i64) -> Result<NaiveDateTime, Error> {
    TimeDelta::try_milliseconds(ms_of_day)
        .and_then(|delta| date.and_time(NaiveTime::MIN).checked_add_signed(delta))
        .ok_or_else(|| {
            Error::invalid(
                "out-of-range",
                format!("invalid date {date}: out of range for rounding"),
            )
        })
}

/// Rounds one instant on the wall clock of `zone` to a grid of `increment` ms.
fn round_instant(
    instant: Instant,
    zone: Zone,
    increment: i64,
    way: Direction,
) -> Result<Instant, Error> {
    let local = calendar::to_local(instant, zone)?;
    let offset_ms = i64::from(zone.offset_seconds(instant)?).saturating_mul(1000);
    let time = local.time();
    // All values below lie in 0..=DAY_MS, so saturating arithmetic never saturates.
    let ms = i64::from(time.num_seconds_from_midnight())
        .saturating_mul(1000)
        .saturating_add(i64::from(time.nanosecond() / 1_000_000))
        .min(DAY_MS.saturating_sub(1));
    let floor = ms.saturating_sub(ms.checked_rem(increment).unwrap_or(0));
    let ceil = if floor == ms {
        ms
    } else {
        floor.saturating_add(increment).min(DAY_MS)
    };
    let chosen = match way {
        Direction::Floor => floor,
        Direction::Ceil => ceil,
        Direction::Nearest if ms.saturating_sub(floor) >= ceil.saturating_sub(ms) => ceil,
        Direction::Nearest => floor,
    };
    let (mut date, mut ms_of_day) = (local.date(), chosen);
    // Bounded: a gap is at most a day or so, and each step moves at least a minute.
    for _ in 0..3000 {
        if ms_of_day >= DAY_MS {
            date = date.succ_opt().ok_or_else(|| {
                Error::invalid(
                    "out-of-range",
                    format!("invalid date {date}: out of range for rounding"),
                )
            })?;
            ms_of_day = 0;
        }
        let candidate = local_at(date, ms_of_day)?;
        let wall = candidate.and_utc().timestamp_millis();
        match calendar::resolve(candidate, zone)? {
            Resolved::Single(utc) => return Ok(Instant::from_millis(utc)),
            Resolved::Ambiguous(earlier, later) => {
                // Keep the offset the worklog had, so a time in the repeated hour
                // stays in the same pass.
                let keep = if wall.saturating_sub(later) == offset_ms {
                    later
                } else {
                    earlier
                };
                return Ok(Instant::from_millis(keep));
            }
            Resolved::Gap { first, .. } if way == Direction::Floor => {
                return Ok(Instant::from_millis(first));
            }
            Resolved::Gap { .. } => {
                ms_of_day = ms_of_day.saturating_add(increment).min(DAY_MS);
            }
        }
    }
    Err(Error::invalid(
        "out-of-range",
        format!(
            "invalid local time {local} in {zone}: no time on the rounding grid exists after it"
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::{format_utc, parse_instant, to_local};
    use proptest::prelude::*;

    fn s(n: u64) -> Seconds {
        Seconds::new(n).unwrap()
    }

    fn rule(mode: RoundMode, minutes: u32) -> RoundingRule {
        RoundingRule::new(mode, minutes, Target::PerWorklog).unwrap()
    }

    #[test]
    fn duration_table() {
        use RoundMode::*;
        let table: &[(RoundMode, u32, u64, u64)] = &[
            (None, 15, 61, 61),
            (Up, 15, 0, 0),
            (Up, 15, 1, 900),
            (Up, 15, 900, 900),
            (Up, 15, 901, 1800),
            (Down, 15, 899, 0),
            (Down, 15, 1799, 900),
            (Nearest, 15, 449, 0),
            (Nearest, 15, 450, 900),
            (Nearest, 15, 1349, 900),
            (Nearest, 15, 1350, 1800),
            (Nearest, 6, 180, 360),
            (Nearest, 1, 29, 0),
            (Nearest, 1, 30, 60),
            (Up, 1440, 1, 86_400),
        ];
        for &(mode, minutes, input, expected) in table {
            assert_eq!(
                round_duration(s(input), &rule(mode, minutes))
                    .unwrap()
                    .get(),
                expected,
                "{mode:?} {minutes} {input}"
            );
        }
        assert!(round_duration(Seconds::MAX, &rule(Up, 15))
            .unwrap_err()
            .is_overflow());
    }

    #[test]
    fn per_worklog_and_total_differ_within_bounds() {
        let parts = [s(1200), s(1200), s(1200)];
        let each = rule(RoundMode::Nearest, 30);
        let once = RoundingRule::new(RoundMode::Nearest, 30, Target::Total).unwrap();
        assert_eq!(round_total(parts, &each).unwrap().get(), 3 * 1800);
        assert_eq!(round_total(parts, &once).unwrap().get(), 3600);
        assert_eq!(each.max_total_deviation(3).get(), 1800);
    }

    #[test]
    fn civil_rounding_uses_the_wall_clock() {
        use RoundMode::*;
        // (zone, local start, minutes, mode, increment, rounded local start, rounded minutes)
        let table: &[(&str, &str, u64, RoundMode, u32, &str, u64)] = &[
            (
                "Asia/Kolkata",
                "2026-11-24T09:40:00+05:30",
                50,
                Nearest,
                60,
                "2026-11-24 10:00:00",
                60,
            ),
            (
                "Asia/Kolkata",
                "2026-11-24T09:40:00+05:30",
                50,
                Up,
                60,
                "2026-11-24 09:00:00",
                120,
            ),
            (
                "Asia/Kolkata",
                "2026-11-24T09:40:00+05:30",
                50,
                Down,
                60,
                "2026-11-24 10:00:00",
                0,
            ),
            (
                "Asia/Kathmandu",
                "2026-11-24T09:07:00+05:45",
                22,
                Nearest,
                15,
                "2026-11-24 09:00:00",
                30,
            ),
            (
                "Europe/Berlin",
                "2026-06-01T08:52:00+02:00",
                67,
                Up,
                15,
                "2026-06-01 08:45:00",
                75,
            ),
            (
                "Europe/Berlin",
                "2026-06-01T23:50:00+02:00",
                5,
                Nearest,
                60,
                "2026-06-02 00:00:00",
                0,
            ),
            // 7-minute grid restarts at midnight: 23:58 rounds up to 00:00.
            (
                "UTC",
                "2026-06-01T23:58:00Z",
                1,
                Up,
                7,
                "2026-06-01 23:55:00",
                5,
            ),
            // A start rounded up into Berlin's spring gap moves to the next grid time.
            (
                "Europe/Berlin",
                "2026-03-29T01:58:00+01:00",
                10,
                Nearest,
                15,
                "2026-03-29 03:00:00",
                15,
            ),
            (
                "Europe/Berlin",
                "2026-03-29T01:58:00+01:00",
                30,
                Down,
                15,
                "2026-03-29 03:00:00",
                15,
            ),
            // Lord Howe's 30-minute gap (02:00 to 02:30): rounding down lands at its end.
            (
                "Australia/Lord_Howe",
                "2026-10-04T02:40:00+11:00",
                20,
                Up,
                60,
                "2026-10-04 02:30:00",
                30,
            ),
        ];
        for &(name, start, minutes, mode, increment, expected_start, expected_minutes) in table {
            let zone = Zone::parse(name).unwrap();
            let r = round_civil(
                parse_instant(start).unwrap(),
                Seconds::from_minutes(minutes).unwrap(),
                zone,
                &rule(mode, increment),
            )
            .unwrap();
            assert_eq!(
                to_local(r.start, zone).unwrap().to_string(),
                expected_start,
                "{name} {start} {mode:?}"
            );
            assert_eq!(
                r.duration.get(),
                expected_minutes * 60,
                "{name} {start} {mode:?}"
            );
            let again = round_civil(r.start, r.duration, zone, &rule(mode, increment)).unwrap();
            assert_eq!(again, r, "idempotent: {name} {start} {mode:?}");
        }
    }

    #[test]
    fn civil_rounding_keeps_the_pass_in_an_overlap() {
        // 02:20 CET, in Berlin's second 02:00–03:00 on 2026-10-25, rounds to 02:15 CET.
        let berlin = Zone::parse("Europe/Berlin").unwrap();
        let start = parse_instant("2026-10-25T02:20:00+01:00").unwrap();
        let r = round_civil(start, s(600), berlin, &rule(RoundMode::Down, 15)).unwrap();
        assert_eq!(format_utc(r.start).unwrap(), "2026-10-25T01:30:00.000Z");
        let first_pass = parse_instant("2026-10-25T02:20:00+02:00").unwrap();
        let r = round_civil(first_pass, s(600), berlin, &rule(RoundMode::Up, 15)).unwrap();
        assert_eq!(format_utc(r.start).unwrap(), "2026-10-25T00:15:00.000Z");
    }

    #[test]
    fn unix_rounding_would_be_wrong_in_kolkata() {
        // The regression this module exists for: rounding the instant to the hour in
        // UTC gives 09:30 local, a half-hour grid nobody in Kolkata asked for.
        let kolkata = Zone::parse("Asia/Kolkata").unwrap();
        let start = parse_instant("2026-11-24T09:40:00+05:30").unwrap();
        let unix = Instant::from_millis(start.millis() - start.millis().rem_euclid(3_600_000));
        assert_eq!(
            to_local(unix, kolkata).unwrap().to_string(),
            "2026-11-24 09:30:00"
        );
        let civil = round_civil(start, s(60), kolkata, &rule(RoundMode::Up, 60)).unwrap();
        assert_eq!(
            to_local(civil.start, kolkata).unwrap().to_string(),
            "2026-11-24 09:00:00"
        );
    }

    #[test]
    fn rules_from_json() {
        let r: RoundingRule = serde_json::from_str(
            r#"{"mode":"nearest","incrementMinutes":15,"target":"perWorklog"}"#,
        )
        .unwrap();
        assert_eq!(
            (r.mode(), r.increment_minutes(), r.target()),
            (RoundMode::Nearest, 15, Target::PerWorklog)
        );
        let err = serde_json::from_str::<RoundingRule>(r#"{"mode":"up","incrementMinutes":0}"#)
            .unwrap_err();
        assert!(
            err.to_string().contains("invalid incrementMinutes 0"),
            "{err}"
        );
        assert_eq!(
            serde_json::from_str::<RoundingRule>("{}").unwrap(),
            RoundingRule::NONE
        );
    }

    fn any_rule() -> impl Strategy<Value = RoundingRule> {
        let modes = prop_oneof![
            Just(RoundMode::None),
            Just(RoundMode::Up),
            Just(RoundMode::Down),
            Just(RoundMode::Nearest)
        ];
        let increments = prop_oneof![
            Just(1_u32),
            Just(5),
            Just(6),
            Just(7),
            Just(10),
            Just(15),
            Just(30),
            Just(60),
            Just(90),
            Just(1440),
            1_u32..=1440
        ];
        let targets = prop_oneof![Just(Target::PerWorklog), Just(Target::Total)];
        (modes, increments, targets).prop_map(|(m, i, t)| RoundingRule::new(m, i, t).unwrap())
    }

    const ZONES: &[&str] = &[
        "UTC",
        "Europe/Berlin",
        "America/New_York",
        "Asia/Kolkata",
        "Australia/Lord_Howe",
        "Pacific/Kiritimati",
        "America/Santiago",
    ];

    proptest! {
        #[test]
        fn duration_rounding_is_idempotent(seconds in 0_u64..10_000_000, rule in any_rule()) {
            let once = round_duration(s(seconds), &rule).unwrap();
            prop_assert_eq!(round_duration(once, &rule).unwrap(), once);
            let step = u64::from(rule.increment_minutes()) * 60;
            prop_assert_eq!(
                once.get().is_multiple_of(step),
                rule.mode() != RoundMode::None || seconds.is_multiple_of(step)
            );
        }

        #[test]
        fn rounded_parts_stay_within_the_documented_bound(
            parts in proptest::collection::vec(0_u64..100_000, 0..40),
            rule in any_rule(),
        ) {
            let parts: Vec<Seconds> = parts.into_iter().map(s).collect();
            let each = RoundingRule::new(rule.mode(), rule.increment_minutes(), Target::PerWorklog).unwrap();
            let once = RoundingRule::new(rule.mode(), rule.increment_minutes(), Target::Total).unwrap();
            let per_part = round_total(parts.iter().copied(), &each).unwrap().get() as i128;
            let total = round_total(parts.iter().copied(), &once).unwrap().get() as i128;
            let bound = rule.max_total_deviation(parts.len() as u64).get() as i128;
            let diff = per_part - total;
            prop_assert!(diff.abs() <= bound, "diff {} bound {}", diff, bound);
            match rule.mode() {
                RoundMode::Up => prop_assert!(diff >= 0),
                RoundMode::Down => prop_assert!(diff <= 0),
                _ => {}
            }
        }

        #[test]
        fn civil_rounding_is_idempotent_and_keeps_its_direction(
            start in crate::calendar::tests::any_instant(),
            minutes in 0_u64..1000,
            index in 0..ZONES.len(),
            rule in any_rule(),
        ) {
            let zone = Zone::parse(ZONES[index]).unwrap();
            let duration = Seconds::from_minutes(minutes).unwrap();
            let once = round_civil(start, duration, zone, &rule).unwrap();
            let twice = round_civil(once.start, once.duration, zone, &rule).unwrap();
            prop_assert_eq!(twice, once);
            match rule.mode() {
                RoundMode::Up => {
                    prop_assert!(once.start <= start);
                    prop_assert!(once.duration >= duration);
                }
                RoundMode::Down => {
                    prop_assert!(once.start >= start);
                    prop_assert!(once.duration <= duration);
                }
                _ => {}
            }
        }
    }
}
