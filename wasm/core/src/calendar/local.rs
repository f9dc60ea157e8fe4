//! Local time in a zone: from instants to wall-clock dates and times and back,
//! through daylight saving gaps and overlaps (see the module docs of
//! [`crate::calendar`]).

use chrono::{DateTime, LocalResult, NaiveDate, NaiveDateTime, Offset, TimeZone};
use serde::{Deserialize, Serialize};

use super::{Instant, Zone, DAY_SECONDS, MS};
use crate::error::Error;

/// What [`from_local`] does with a local time that does not exist (clocks jumped
/// forward over it).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Gap {
    /// Move forward by the length of the gap: 02:30 in a 02:00→03:00 gap is 03:30.
    #[default]
    Forward,
    /// Return an invalid-input error (`nonexistent-local-time`).
    Reject,
}

/// What [`from_local`] does with a local time that happens twice (clocks fell back).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Overlap {
    /// The first occurrence (the offset before the change).
    #[default]
    Earlier,
    /// The second occurrence (the offset after the change).
    Later,
    /// Return an invalid-input error (`ambiguous-local-time`).
    Reject,
}

/// How to turn a local time into an instant around DST changes. The default moves
/// gaps forward and picks the earlier of an overlap.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Disambiguation {
    /// The rule for nonexistent local times.
    pub gap: Gap,
    /// The rule for repeated local times.
    pub overlap: Overlap,
}

/// A local time resolved in a zone, in UTC milliseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Resolved {
    /// The local time happens once.
    Single(i64),
    /// The local time happens twice: earlier, later.
    Ambiguous(i64, i64),
    /// The local time does not exist: the gap's first valid instant, and the local
    /// time moved forward by the gap's length.
    Gap { first: i64, shifted: i64 },
}

/// The instant in UTC milliseconds of `local` read with offset `offset` seconds.
fn minus_offset(local_ms: i64, offset: i32) -> Option<i64> {
    local_ms.checked_sub(i64::from(offset).checked_mul(MS)?)
}

/// Local wall time (as if UTC) of a UTC second, for the gap search.
fn wall_seconds(zone: Zone, utc_seconds: i64) -> Option<i64> {
    let utc = DateTime::from_timestamp(utc_seconds, 0)?.naive_utc();
    utc_seconds.checked_add(i64::from(zone.offset_at(utc)))
}

/// Resolves `local` in `zone`, reporting gaps and overlaps.
pub(crate) fn resolve(local: NaiveDateTime, zone: Zone) -> Result<Resolved, Error> {
    let out_of_range = || {
        Error::invalid(
            "out-of-range",
            format!(
                "invalid local time {local}: out of range in {}",
                zone.name()
            ),
        )
    };
    let local_ms = local.and_utc().timestamp_millis();
    match zone.0.offset_from_local_datetime(&local) {
        LocalResult::Single(offset) => minus_offset(local_ms, offset.fix().local_minus_utc())
            .map(Resolved::Single)
            .ok_or_else(out_of_range),
        LocalResult::Ambiguous(a, b) => {
            let a = minus_offset(local_ms, a.fix().local_minus_utc()).ok_or_else(out_of_range)?;
            let b = minus_offset(local_ms, b.fix().local_minus_utc()).ok_or_else(out_of_range)?;
            Ok(Resolved::Ambiguous(a.min(b), a.max(b)))
        }
        LocalResult::None => {
            // Binary search for the transition: the first UTC second whose wall time is
            // at or after `local`. Offsets are under a day, so the answer lies within a
            // day either side of `local` read as UTC. chrono-tz does not expose its
            // transition table, hence the search (at most 18 steps).
            let target = local.and_utc().timestamp();
            let mut lo = target.checked_sub(DAY_SECONDS).ok_or_else(out_of_range)?;
            let mut hi = target.checked_add(DAY_SECONDS).ok_or_else(out_of_range)?;
            while hi.saturating_sub(lo) > 1 {
                let mid = lo.saturating_add(hi.saturating_sub(lo) / 2);
                let wall = wall_seconds(zone, mid).ok_or_else(out_of_range)?;
                if wall < target {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            let before = DateTime::from_timestamp(lo, 0)
                .ok_or_else(out_of_range)?
                .naive_utc();
            let first = hi.checked_mul(MS).ok_or_else(out_of_range)?;
            let shifted =
                minus_offset(local_ms, zone.offset_at(before)).ok_or_else(out_of_range)?;
            Ok(Resolved::Gap {
                first,
                shifted: shifted.max(first),
            })
        }
    }
}

/// The local date and time of `instant` in `zone`.
///
/// # Errors
///
/// Invalid input `out-of-range` for instants chrono cannot represent (beyond the years
/// ±262 000).
///
/// # Example
///
/// ```
/// use worklogs_core::calendar::{parse_instant, to_local, Zone};
/// let t = parse_instant("2026-11-24T09:30:00Z")?;
/// let local = to_local(t, Zone::parse("Asia/Kolkata")?)?;
/// assert_eq!(local.to_string(), "2026-11-24 15:00:00");
/// # Ok::<(), worklogs_core::Error>(())
/// ```
pub fn to_local(instant: Instant, zone: Zone) -> Result<NaiveDateTime, Error> {
    Ok(instant.to_utc()?.with_timezone(&zone.0).naive_local())
}

/// The local date of `instant` in `zone`: the date a worklog starting then belongs to.
///
/// # Errors
///
/// As [`to_local`].
///
/// # Example
///
/// ```
/// use worklogs_core::calendar::{local_date, parse_instant, Zone};
/// let t = parse_instant("2025-12-31T10:00:00Z")?;
/// let kiritimati = Zone::parse("Pacific/Kiritimati")?; // UTC+14
/// assert_eq!(local_date(t, kiritimati)?.to_string(), "2026-01-01");
/// # Ok::<(), worklogs_core::Error>(())
/// ```
pub fn local_date(instant: Instant, zone: Zone) -> Result<NaiveDate, Error> {
    Ok(to_local(instant, zone)?.date())
}

/// The instant of a local date and time in `zone`, resolving DST gaps and overlaps as
/// `rule` says (see the module docs).
///
/// # Errors
///
/// Invalid input: `nonexistent-local-time` in a gap with [`Gap::Reject`],
/// `ambiguous-local-time` in an overlap with [`Overlap::Reject`], `out-of-range` at the
/// edges of chrono's range.
///
/// # Example
///
/// ```
/// use worklogs_core::calendar::{format_utc, from_local, Disambiguation, Overlap, Zone};
/// use worklogs_core::NaiveDate;
///
/// let berlin = Zone::parse("Europe/Berlin")?;
/// let day = NaiveDate::from_ymd_opt(2026, 3, 29).unwrap();
/// let gap = day.and_hms_opt(2, 30, 0).unwrap(); // does not exist
/// let t = from_local(gap, berlin, Disambiguation::default())?;
/// assert_eq!(format_utc(t)?, "2026-03-29T01:30:00.000Z"); // 03:30 CEST
///
/// let autumn = NaiveDate::from_ymd_opt(2026, 10, 25).unwrap().and_hms_opt(2, 30, 0).unwrap();
/// let later = Disambiguation { overlap: Overlap::Later, ..Disambiguation::default() };
/// assert_eq!(format_utc(from_local(autumn, berlin, later)?)?, "2026-10-25T01:30:00.000Z");
/// # Ok::<(), worklogs_core::Error>(())
/// ```
pub fn from_local(
    local: NaiveDateTime,
    zone: Zone,
    rule: Disambiguation,
) -> Result<Instant, Error> {
    match resolve(local, zone)? {
        Resolved::Single(ms) => Ok(Instant(ms)),
        Resolved::Ambiguous(earlier, later) => match rule.overlap {
            Overlap::Earlier => Ok(Instant(earlier)),
            Overlap::Later => Ok(Instant(later)),
            Overlap::Reject => Err(Error::invalid(
                "ambiguous-local-time",
                format!(
                    "ambiguous local time {local} in {}: it happens twice as clocks fall back",
                    zone.name()
                ),
            )),
        },
        Resolved::Gap { shifted, .. } => match rule.gap {
            Gap::Forward => Ok(Instant(shifted)),
            Gap::Reject => Err(Error::invalid(
                "nonexistent-local-time",
                format!(
                    "nonexistent local time {local} in {}: clocks jump over it",
                    zone.name()
                ),
            )),
        },
    }
}

/// The first instant of `date` in `zone`: local midnight, the earlier one if it
/// happens twice, or the end of the gap if midnight does not exist.
///
/// # Errors
///
/// Invalid input `out-of-range` at the edges of chrono's range.
///
/// # Example
///
/// ```
/// use worklogs_core::calendar::{day_start, format_utc, Zone};
/// use worklogs_core::NaiveDate;
/// let ny = Zone::parse("America/New_York")?;
/// let t = day_start(NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(), ny)?;
/// assert_eq!(format_utc(t)?, "2026-11-01T04:00:00.000Z");
/// # Ok::<(), worklogs_core::Error>(())
/// ```
pub fn day_start(date: NaiveDate, zone: Zone) -> Result<Instant, Error> {
    let midnight = date.and_time(chrono::NaiveTime::MIN);
    Ok(Instant(match resolve(midnight, zone)? {
        Resolved::Single(ms) => ms,
        Resolved::Ambiguous(earlier, _) => earlier,
        Resolved::Gap { first, .. } => first,
    }))
}

pub(super) fn next_day(date: NaiveDate) -> Result<NaiveDate, Error> {
    date.succ_opt().ok_or_else(|| date_out_of_range(date))
}

pub(super) fn date_out_of_range(date: NaiveDate) -> Error {
    Error::invalid(
        "out-of-range",
        format!("invalid date {date}: out of range (no date follows it)"),
    )
}
