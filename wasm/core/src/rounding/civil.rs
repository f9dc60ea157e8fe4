//! Civil rounding: a worklog's start and end moved to the grid of wall-clock
//! times in its author's zone (see "Order of steps" in the module docs of
//! [`crate::rounding`]).

use chrono::{NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Timelike};
use serde::{Deserialize, Serialize};

use super::{RoundMode, RoundingRule, DAY_MS, MINUTE_MS};
use crate::calendar::{self, Instant, Resolved, Zone};
use crate::duration::Seconds;
use crate::error::Error;

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
