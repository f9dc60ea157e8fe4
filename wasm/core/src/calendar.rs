//! Calendars: instants, IANA time zones, local dates and times, weeks and periods.
//!
//! An [`Instant`] is a point in time in milliseconds since the Unix epoch (UTC), as
//! stored in SQL and carried in the task context. People see instants as local dates
//! and times in a [`Zone`] (an IANA name such as `Europe/Berlin`, validated). The caller
//! always passes the zone: a worklog belongs to the local date of its *start* in the
//! zone the report asks for (the author's or the viewer's).
//!
//! # Daylight saving time
//!
//! Instant → local time is always unambiguous. Local time → instant
//! ([`from_local`]) is not, and a [`Disambiguation`] says what to do:
//!
//! - In a **gap** (clocks jump forward, such as 02:30 on 2026-03-29 in Berlin), the
//!   default [`Gap::Forward`] moves the time forward by the length of the gap (02:30
//!   becomes 03:30), as Java's `ZonedDateTime` and RFC 9557 "compatible" do;
//!   [`Gap::Reject`] returns an error.
//! - In an **overlap** (clocks fall back, such as 02:30 on 2026-10-25 in Berlin), the
//!   default [`Overlap::Earlier`] picks the first occurrence; [`Overlap::Later`] the
//!   second; [`Overlap::Reject`] returns an error.
//!
//! A local **day** is the half-open range `[start of the date, start of the next date)`
//! ([`day_range`]), where the start of a date is its first instant: local midnight, or
//! the end of the gap when midnight does not exist (as in `America/Santiago`). So a day
//! lasts 23 or 25 hours on DST changes (23.5 or 24.5 in `Australia/Lord_Howe`), and
//! every instant lies in exactly one local day.
//!
//! # Weeks and periods
//!
//! Weeks start on Monday, Sunday or Saturday ([`WeekStart`]); week *numbers* are ISO
//! 8601 ([`iso_week`]: weeks start on Monday and week 1 holds the year's first
//! Thursday, so 2026-12-31 and 2027-01-03 are in week 53 of 2026). A [`Period`] (day,
//! week, month or custom range of dates) becomes a [`DateRange`] of local dates and an
//! [`InstantRange`] `[start, end)` in a zone.
//!
//! # Example
//!
//! ```
//! use worklogs_core::calendar::{local_date, parse_instant, Period, WeekStart, Zone};
//! use worklogs_core::NaiveDate;
//!
//! let berlin = Zone::parse("Europe/Berlin")?;
//! let started = parse_instant("2026-03-28T23:30:00.000+0000")?;
//! assert_eq!(local_date(started, berlin)?, NaiveDate::from_ymd_opt(2026, 3, 29).unwrap());
//! let day = Period::Day { date: NaiveDate::from_ymd_opt(2026, 3, 29).unwrap() }.instants(berlin)?;
//! assert_eq!(day.end.millis() - day.start.millis(), 23 * 3_600_000);
//! assert!(day.contains(started));
//! # Ok::<(), worklogs_core::Error>(())
//! ```

use std::fmt;
use std::str::FromStr;

use chrono::{
    DateTime, Datelike, Days, LocalResult, Months, NaiveDate, NaiveDateTime, Offset, TimeZone, Utc,
    Weekday,
};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::duration::Seconds;
use crate::error::{quote, Error};

/// Milliseconds per second.
const MS: i64 = 1000;
/// Seconds per civil day.
const DAY_SECONDS: i64 = 86_400;

/// A point in time: milliseconds since 1970-01-01T00:00:00Z.
///
/// It serializes as a plain JSON integer.
///
/// # Example
///
/// ```
/// use worklogs_core::calendar::{format_utc, Instant};
/// let t = Instant::from_millis(1_795_512_600_000);
/// assert_eq!(format_utc(t)?, "2026-11-24T09:30:00.000Z");
/// # Ok::<(), worklogs_core::Error>(())
/// ```
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Instant(i64);

impl Instant {
    /// The instant `millis` milliseconds after the Unix epoch.
    pub const fn from_millis(millis: i64) -> Self {
        Instant(millis)
    }

    /// Milliseconds since the Unix epoch.
    pub const fn millis(self) -> i64 {
        self.0
    }

    /// `self + seconds`, or `None` beyond the range of `i64` milliseconds.
    pub fn checked_add(self, seconds: Seconds) -> Option<Instant> {
        i64::from(seconds)
            .checked_mul(MS)
            .and_then(|ms| self.0.checked_add(ms))
            .map(Instant)
    }

    fn to_utc(self) -> Result<DateTime<Utc>, Error> {
        DateTime::from_timestamp_millis(self.0).ok_or_else(|| {
            Error::invalid(
                "out-of-range",
                format!(
                    "invalid instant {} ms: out of range (expected a date between the years -262143 and 262142)",
                    self.0
                ),
            )
        })
    }
}

/// A validated IANA time zone, such as `Europe/Berlin` or `UTC`.
///
/// Serializes as its name; deserializing validates the name.
///
/// # Example
///
/// ```
/// use worklogs_core::calendar::Zone;
/// assert_eq!(Zone::parse("Asia/Kolkata")?.name(), "Asia/Kolkata");
/// assert_eq!(Zone::parse("asia/kolkata").unwrap_err().reason(), "unknown-time-zone");
/// # Ok::<(), worklogs_core::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Zone(Tz);

impl Zone {
    /// Coordinated Universal Time.
    pub const UTC: Zone = Zone(Tz::UTC);

    /// The zone with this exact IANA name (case-sensitive, as Jira sends it).
    ///
    /// # Errors
    ///
    /// Invalid input `unknown-time-zone` when the name is not in the IANA database.
    ///
    /// # Example
    ///
    /// ```
    /// use worklogs_core::calendar::Zone;
    /// let err = Zone::parse("Europe/Berln").unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     r#"invalid time zone "Europe/Berln": unknown IANA zone name (expected a name such as Europe/Berlin)"#
    /// );
    /// ```
    pub fn parse(name: &str) -> Result<Zone, Error> {
        Tz::from_str(name).map(Zone).map_err(|_| {
            Error::invalid(
                "unknown-time-zone",
                format!(
                    "invalid time zone {}: unknown IANA zone name (expected a name such as Europe/Berlin)",
                    quote(name)
                ),
            )
        })
    }

    /// The IANA name.
    pub fn name(self) -> &'static str {
        self.0.name()
    }

    /// The zone's offset from UTC at `instant`, in seconds (east positive).
    ///
    /// # Errors
    ///
    /// Invalid input `out-of-range` for instants chrono cannot represent.
    ///
    /// # Example
    ///
    /// ```
    /// use worklogs_core::calendar::{Instant, Zone};
    /// let kolkata = Zone::parse("Asia/Kolkata")?;
    /// assert_eq!(kolkata.offset_seconds(Instant::from_millis(0))?, 19_800);
    /// # Ok::<(), worklogs_core::Error>(())
    /// ```
    pub fn offset_seconds(self, instant: Instant) -> Result<i32, Error> {
        let utc = instant.to_utc()?;
        Ok(self.offset_at(utc.naive_utc()))
    }

    fn offset_at(self, utc: NaiveDateTime) -> i32 {
        self.0
            .offset_from_utc_datetime(&utc)
            .fix()
            .local_minus_utc()
    }
}

impl FromStr for Zone {
    type Err = Error;
    fn from_str(name: &str) -> Result<Self, Error> {
        Zone::parse(name)
    }
}

impl fmt::Display for Zone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for Zone {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for Zone {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        Zone::parse(&name).map_err(serde::de::Error::custom)
    }
}

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

/// The half-open range of instants `[start, end)` that make up `date` in `zone`.
///
/// # Errors
///
/// As [`day_start`].
///
/// # Example
///
/// ```
/// use worklogs_core::calendar::{day_range, Zone};
/// use worklogs_core::NaiveDate;
/// let berlin = Zone::parse("Europe/Berlin")?;
/// let day = day_range(NaiveDate::from_ymd_opt(2026, 10, 25).unwrap(), berlin)?;
/// assert_eq!(day.end.millis() - day.start.millis(), 25 * 3_600_000);
/// # Ok::<(), worklogs_core::Error>(())
/// ```
pub fn day_range(date: NaiveDate, zone: Zone) -> Result<InstantRange, Error> {
    DateRange::new(date, next_day(date)?)?.instants(zone)
}

fn next_day(date: NaiveDate) -> Result<NaiveDate, Error> {
    date.succ_opt().ok_or_else(|| date_out_of_range(date))
}

fn date_out_of_range(date: NaiveDate) -> Error {
    Error::invalid(
        "out-of-range",
        format!("invalid date {date}: out of range (no date follows it)"),
    )
}

/// The first day of a week.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WeekStart {
    /// Monday (ISO 8601, most of Europe).
    #[default]
    Monday,
    /// Sunday (United States, Canada, Japan…).
    Sunday,
    /// Saturday (much of the Middle East).
    Saturday,
}

impl WeekStart {
    /// The weekday a week starts on.
    pub fn weekday(self) -> Weekday {
        match self {
            WeekStart::Monday => Weekday::Mon,
            WeekStart::Sunday => Weekday::Sun,
            WeekStart::Saturday => Weekday::Sat,
        }
    }
}

/// The first date of the week holding `date`.
///
/// # Errors
///
/// Invalid input `out-of-range` at the very start of chrono's date range.
///
/// # Example
///
/// ```
/// use worklogs_core::calendar::{week_start, WeekStart};
/// use worklogs_core::NaiveDate;
/// let wednesday = NaiveDate::from_ymd_opt(2026, 3, 25).unwrap();
/// assert_eq!(week_start(wednesday, WeekStart::Sunday)?.to_string(), "2026-03-22");
/// assert_eq!(week_start(wednesday, WeekStart::Saturday)?.to_string(), "2026-03-21");
/// # Ok::<(), worklogs_core::Error>(())
/// ```
pub fn week_start(date: NaiveDate, start: WeekStart) -> Result<NaiveDate, Error> {
    let back = date.weekday().days_since(start.weekday());
    date.checked_sub_days(Days::new(u64::from(back)))
        .ok_or_else(|| {
            Error::invalid(
                "out-of-range",
                format!(
                    "invalid date {date}: out of range (its week starts before the earliest date)"
                ),
            )
        })
}

/// An ISO 8601 week: the week-based year and the week number (1 to 53).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct IsoWeek {
    /// The ISO week-based year, which differs from the calendar year around 1 January.
    pub year: i32,
    /// The week number, 1 to 53.
    pub week: u32,
}

impl fmt::Display for IsoWeek {
    /// `2026-W53`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-W{:02}", self.year, self.week)
    }
}

/// The ISO 8601 week of `date`.
///
/// # Example
///
/// ```
/// use worklogs_core::calendar::iso_week;
/// use worklogs_core::NaiveDate;
/// let d = NaiveDate::from_ymd_opt(2027, 1, 1).unwrap();
/// assert_eq!(iso_week(d).to_string(), "2026-W53");
/// ```
pub fn iso_week(date: NaiveDate) -> IsoWeek {
    let week = date.iso_week();
    IsoWeek {
        year: week.year(),
        week: week.week(),
    }
}

/// A half-open range of local dates `[first, end)`.
///
/// Serializes as `{"first": "2026-03-01", "end": "2026-04-01"}`; deserializing validates.
///
/// # Example
///
/// ```
/// use worklogs_core::calendar::DateRange;
/// use worklogs_core::NaiveDate;
/// let march = DateRange::inclusive(
///     NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
///     NaiveDate::from_ymd_opt(2026, 3, 31).unwrap(),
/// )?;
/// assert_eq!(march.len(), 31);
/// assert_eq!(march.end().to_string(), "2026-04-01");
/// # Ok::<(), worklogs_core::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "RawDateRange")]
pub struct DateRange {
    first: NaiveDate,
    end: NaiveDate,
}

#[derive(Deserialize)]
struct RawDateRange {
    first: NaiveDate,
    end: NaiveDate,
}

impl TryFrom<RawDateRange> for DateRange {
    type Error = Error;
    fn try_from(raw: RawDateRange) -> Result<Self, Error> {
        DateRange::new(raw.first, raw.end)
    }
}

impl DateRange {
    /// The dates from `first` up to but not including `end`.
    ///
    /// # Errors
    ///
    /// Invalid input `reversed-range` (field `end`) when `end` is before `first`.
    ///
    /// # Example
    ///
    /// ```
    /// use worklogs_core::calendar::DateRange;
    /// use worklogs_core::NaiveDate;
    /// let d = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
    /// assert!(DateRange::new(d, d)?.is_empty());
    /// assert!(DateRange::new(d.succ_opt().unwrap(), d).is_err());
    /// # Ok::<(), worklogs_core::Error>(())
    /// ```
    pub fn new(first: NaiveDate, end: NaiveDate) -> Result<Self, Error> {
        if end < first {
            return Err(Error::invalid(
                "reversed-range",
                format!("invalid date range: end {end} is before first {first}"),
            )
            .field_name("end"));
        }
        Ok(DateRange { first, end })
    }

    /// The dates from `first` to `last`, both included.
    ///
    /// # Errors
    ///
    /// As [`DateRange::new`], and `out-of-range` when `last` is chrono's last date.
    ///
    /// # Example
    ///
    /// ```
    /// use worklogs_core::calendar::DateRange;
    /// use worklogs_core::NaiveDate;
    /// let d = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
    /// assert_eq!(DateRange::inclusive(d, d)?.len(), 1);
    /// # Ok::<(), worklogs_core::Error>(())
    /// ```
    pub fn inclusive(first: NaiveDate, last: NaiveDate) -> Result<Self, Error> {
        DateRange::new(first, next_day(last)?)
    }

    /// The first date.
    pub fn first(&self) -> NaiveDate {
        self.first
    }

    /// The date after the last one.
    pub fn end(&self) -> NaiveDate {
        self.end
    }

    /// The number of dates.
    pub fn len(&self) -> u64 {
        u64::try_from(self.end.signed_duration_since(self.first).num_days()).unwrap_or(0)
    }

    /// True when the range holds no date.
    pub fn is_empty(&self) -> bool {
        self.first == self.end
    }

    /// True when `date` is in the range.
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.first <= date && date < self.end
    }

    /// The dates in order.
    pub fn iter(&self) -> impl Iterator<Item = NaiveDate> {
        let end = self.end;
        self.first.iter_days().take_while(move |d| *d < end)
    }

    /// The instants `[start of first, start of end)` in `zone`.
    ///
    /// # Errors
    ///
    /// As [`day_start`].
    ///
    /// # Example
    ///
    /// ```
    /// use worklogs_core::calendar::{format_utc, DateRange, Zone};
    /// use worklogs_core::NaiveDate;
    /// let d = NaiveDate::from_ymd_opt(2026, 3, 8).unwrap();
    /// let r = DateRange::inclusive(d, d)?.instants(Zone::parse("America/New_York")?)?;
    /// assert_eq!(format_utc(r.start)?, "2026-03-08T05:00:00.000Z");
    /// assert_eq!(format_utc(r.end)?, "2026-03-09T04:00:00.000Z");
    /// # Ok::<(), worklogs_core::Error>(())
    /// ```
    pub fn instants(&self, zone: Zone) -> Result<InstantRange, Error> {
        Ok(InstantRange {
            start: day_start(self.first, zone)?,
            end: day_start(self.end, zone)?,
        })
    }
}

/// A half-open range of instants `[start, end)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct InstantRange {
    /// The first instant in the range.
    pub start: Instant,
    /// The first instant after the range.
    pub end: Instant,
}

impl InstantRange {
    /// True when `start <= instant < end`.
    pub fn contains(&self, instant: Instant) -> bool {
        self.start <= instant && instant < self.end
    }
}

/// A reporting period of local dates.
///
/// Serializes with a `kind` tag: `{"kind": "week", "containing": "2026-03-25",
/// "start": "sunday"}`, `{"kind": "month", "year": 2026, "month": 3}`,
/// `{"kind": "day", "date": "2026-03-29"}`, `{"kind": "custom", "first": "…", "end": "…"}`.
///
/// # Example
///
/// ```
/// use worklogs_core::calendar::{Period, WeekStart};
/// use worklogs_core::NaiveDate;
/// let week = Period::Week { containing: NaiveDate::from_ymd_opt(2026, 3, 25).unwrap(), start: WeekStart::Sunday };
/// assert_eq!(week.dates()?.first().to_string(), "2026-03-22");
/// let feb = Period::Month { year: 2026, month: 2 };
/// assert_eq!(feb.dates()?.len(), 28);
/// # Ok::<(), worklogs_core::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Period {
    /// One date.
    Day {
        /// The date.
        date: NaiveDate,
    },
    /// The week holding a date.
    Week {
        /// Any date in the week.
        containing: NaiveDate,
        /// The week's first day.
        #[serde(default)]
        start: WeekStart,
    },
    /// A calendar month.
    Month {
        /// The year.
        year: i32,
        /// The month, 1 to 12.
        month: u32,
    },
    /// Any range of dates.
    Custom(DateRange),
}

impl Period {
    /// The local dates of the period.
    ///
    /// # Errors
    ///
    /// Invalid input `invalid-month` (field `month`) for a month outside 1 to 12 or a
    /// year chrono cannot represent, `out-of-range` at the edges of chrono's dates.
    ///
    /// # Example
    ///
    /// ```
    /// use worklogs_core::calendar::Period;
    /// assert_eq!(Period::Month { year: 2026, month: 13 }.dates().unwrap_err().field(), Some("month"));
    /// ```
    pub fn dates(&self) -> Result<DateRange, Error> {
        match *self {
            Period::Day { date } => DateRange::inclusive(date, date),
            Period::Week { containing, start } => {
                let first = week_start(containing, start)?;
                let end = first
                    .checked_add_days(Days::new(7))
                    .ok_or_else(|| date_out_of_range(first))?;
                DateRange::new(first, end)
            }
            Period::Month { year, month } => {
                let first = NaiveDate::from_ymd_opt(year, month, 1).ok_or_else(|| {
                    Error::invalid(
                        "invalid-month",
                        format!("invalid month {year}-{month}: expected a month from 1 to 12 in a supported year"),
                    )
                    .field_name("month")
                })?;
                let end = first
                    .checked_add_months(Months::new(1))
                    .ok_or_else(|| date_out_of_range(first))?;
                DateRange::new(first, end)
            }
            Period::Custom(range) => Ok(range),
        }
    }

    /// The instants `[start, end)` of the period in `zone`.
    ///
    /// # Errors
    ///
    /// As [`Period::dates`] and [`day_start`].
    ///
    /// # Example
    ///
    /// ```
    /// use worklogs_core::calendar::{Period, Zone};
    /// let march = Period::Month { year: 2026, month: 3 }.instants(Zone::parse("Europe/Berlin")?)?;
    /// assert_eq!(march.end.millis() - march.start.millis(), (31 * 24 - 1) * 3_600_000);
    /// # Ok::<(), worklogs_core::Error>(())
    /// ```
    pub fn instants(&self, zone: Zone) -> Result<InstantRange, Error> {
        self.dates()?.instants(zone)
    }
}

/// Jira's `started` format, such as `2026-11-24T09:30:00.000+0000`.
const JIRA_FORMAT: &str = "%Y-%m-%dT%H:%M:%S%.3f%z";

/// Parses an instant in Jira's `started` format (`2026-11-24T09:30:00.000+0000`,
/// milliseconds optional) or RFC 3339 with an offset (`2026-11-24T09:30:00Z`,
/// `2026-11-24T10:30:00+01:00`). Digits below the millisecond are dropped.
///
/// # Errors
///
/// Invalid input `invalid-instant` for anything else, including a date and time
/// without an offset.
///
/// # Example
///
/// ```
/// use worklogs_core::calendar::parse_instant;
/// let a = parse_instant("2026-11-24T09:30:00.000+0000")?;
/// let b = parse_instant("2026-11-24T10:30:00+01:00")?;
/// assert_eq!(a, b);
/// assert_eq!(parse_instant("2026-11-24T09:30:00").unwrap_err().reason(), "invalid-instant");
/// # Ok::<(), worklogs_core::Error>(())
/// ```
pub fn parse_instant(text: &str) -> Result<Instant, Error> {
    let parsed = DateTime::parse_from_rfc3339(text)
        .or_else(|_| DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f%z"));
    match parsed {
        Ok(datetime) => Ok(Instant(datetime.timestamp_millis())),
        Err(err) => Err(Error::invalid(
            "invalid-instant",
            format!(
                "invalid instant {}: {err} (expected Jira's format such as 2026-11-24T09:30:00.000+0000 or RFC 3339 such as 2026-11-24T09:30:00Z)",
                quote(text)
            ),
        )),
    }
}

/// Formats `instant` in Jira's `started` format with the offset of `zone`
/// (`2026-11-24T10:30:00.000+0100`), as Jira expects when creating a worklog.
///
/// # Errors
///
/// Invalid input `out-of-range` for instants chrono cannot represent.
///
/// # Example
///
/// ```
/// use worklogs_core::calendar::{format_jira, parse_instant, Zone};
/// let t = parse_instant("2026-11-24T09:30:00Z")?;
/// assert_eq!(format_jira(t, Zone::UTC)?, "2026-11-24T09:30:00.000+0000");
/// assert_eq!(format_jira(t, Zone::parse("Asia/Kolkata")?)?, "2026-11-24T15:00:00.000+0530");
/// # Ok::<(), worklogs_core::Error>(())
/// ```
pub fn format_jira(instant: Instant, zone: Zone) -> Result<String, Error> {
    Ok(instant
        .to_utc()?
        .with_timezone(&zone.0)
        .format(JIRA_FORMAT)
        .to_string())
}

/// Formats `instant` as ISO 8601 in UTC with milliseconds: `2026-11-24T09:30:00.000Z`.
///
/// # Errors
///
/// Invalid input `out-of-range` for instants chrono cannot represent.
///
/// # Example
///
/// ```
/// use worklogs_core::calendar::{format_utc, Instant};
/// assert_eq!(format_utc(Instant::from_millis(0))?, "1970-01-01T00:00:00.000Z");
/// # Ok::<(), worklogs_core::Error>(())
/// ```
pub fn format_utc(instant: Instant) -> Result<String, Error> {
    Ok(instant
        .to_utc()?
        .format("%Y-%m-%dT%H:%M:%S%.3fZ")
        .to_string())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use proptest::prelude::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn zone(name: &str) -> Zone {
        Zone::parse(name).unwrap()
    }

    fn at(text: &str) -> Instant {
        parse_instant(text).unwrap()
    }

    fn utc(t: Instant) -> String {
        format_utc(t).unwrap()
    }

    #[test]
    fn day_lengths_on_dst_changes() {
        let table: &[(&str, NaiveDate, &str, &str, i64)] = &[
            (
                "Europe/Berlin",
                date(2026, 3, 29),
                "2026-03-28T23:00:00.000Z",
                "2026-03-29T22:00:00.000Z",
                23 * 60,
            ),
            (
                "Europe/Berlin",
                date(2026, 10, 25),
                "2026-10-24T22:00:00.000Z",
                "2026-10-25T23:00:00.000Z",
                25 * 60,
            ),
            (
                "Europe/Berlin",
                date(2026, 6, 1),
                "2026-05-31T22:00:00.000Z",
                "2026-06-01T22:00:00.000Z",
                24 * 60,
            ),
            (
                "America/New_York",
                date(2026, 3, 8),
                "2026-03-08T05:00:00.000Z",
                "2026-03-09T04:00:00.000Z",
                23 * 60,
            ),
            (
                "America/New_York",
                date(2026, 11, 1),
                "2026-11-01T04:00:00.000Z",
                "2026-11-02T05:00:00.000Z",
                25 * 60,
            ),
            (
                "Asia/Kolkata",
                date(2026, 11, 24),
                "2026-11-23T18:30:00.000Z",
                "2026-11-24T18:30:00.000Z",
                24 * 60,
            ),
            // Lord Howe shifts by 30 minutes: +10:30 standard, +11 summer.
            (
                "Australia/Lord_Howe",
                date(2026, 10, 4),
                "2026-10-03T13:30:00.000Z",
                "2026-10-04T13:00:00.000Z",
                23 * 60 + 30,
            ),
            (
                "Australia/Lord_Howe",
                date(2026, 4, 5),
                "2026-04-04T13:00:00.000Z",
                "2026-04-05T13:30:00.000Z",
                24 * 60 + 30,
            ),
            (
                "Pacific/Kiritimati",
                date(2026, 1, 1),
                "2025-12-31T10:00:00.000Z",
                "2026-01-01T10:00:00.000Z",
                24 * 60,
            ),
        ];
        for &(name, d, start, end, minutes) in table {
            let range = day_range(d, zone(name)).unwrap();
            assert_eq!(utc(range.start), start, "{name} {d}");
            assert_eq!(utc(range.end), end, "{name} {d}");
            assert_eq!(
                range.end.millis() - range.start.millis(),
                minutes * 60_000,
                "{name} {d}"
            );
        }
    }

    #[test]
    fn local_times_in_gaps_and_overlaps() {
        let dflt = Disambiguation::default();
        let later = Disambiguation {
            overlap: Overlap::Later,
            ..dflt
        };
        let strict = Disambiguation {
            gap: Gap::Reject,
            overlap: Overlap::Reject,
        };
        /// (zone, date, local time, default result, with `Overlap::Later`)
        type Case<'a> = (&'a str, NaiveDate, (u32, u32), &'a str, &'a str);
        let table: &[Case] = &[
            (
                "Europe/Berlin",
                date(2026, 3, 29),
                (2, 30),
                "2026-03-29T01:30:00.000Z",
                "2026-03-29T01:30:00.000Z",
            ),
            (
                "Europe/Berlin",
                date(2026, 10, 25),
                (2, 30),
                "2026-10-25T00:30:00.000Z",
                "2026-10-25T01:30:00.000Z",
            ),
            (
                "America/New_York",
                date(2026, 3, 8),
                (2, 30),
                "2026-03-08T07:30:00.000Z",
                "2026-03-08T07:30:00.000Z",
            ),
            (
                "America/New_York",
                date(2026, 11, 1),
                (1, 30),
                "2026-11-01T05:30:00.000Z",
                "2026-11-01T06:30:00.000Z",
            ),
            (
                "Australia/Lord_Howe",
                date(2026, 10, 4),
                (2, 15),
                "2026-10-03T15:45:00.000Z",
                "2026-10-03T15:45:00.000Z",
            ),
            (
                "Australia/Lord_Howe",
                date(2026, 4, 5),
                (1, 45),
                "2026-04-04T14:45:00.000Z",
                "2026-04-04T15:15:00.000Z",
            ),
        ];
        for &(name, d, (h, m), expected, expected_later) in table {
            let local = d.and_hms_opt(h, m, 0).unwrap();
            let z = zone(name);
            assert_eq!(
                utc(from_local(local, z, dflt).unwrap()),
                expected,
                "{name} {local}"
            );
            assert_eq!(
                utc(from_local(local, z, later).unwrap()),
                expected_later,
                "{name} {local}"
            );
            let reason = from_local(local, z, strict).unwrap_err().reason();
            assert!(
                reason == "nonexistent-local-time" || reason == "ambiguous-local-time",
                "{reason}"
            );
        }
        // The gap's moved time reads back as the local time shifted by the gap.
        let t = from_local(
            date(2026, 10, 4).and_hms_opt(2, 15, 0).unwrap(),
            zone("Australia/Lord_Howe"),
            dflt,
        )
        .unwrap();
        assert_eq!(
            to_local(t, zone("Australia/Lord_Howe"))
                .unwrap()
                .to_string(),
            "2026-10-04 02:45:00"
        );
    }

    #[test]
    fn midnight_gap_starts_the_day_at_the_gap_end() {
        // Chile moves clocks from 24:00 to 01:00 on the first Sunday of September.
        let santiago = zone("America/Santiago");
        let d = date(2026, 9, 6);
        let start = day_start(d, santiago).unwrap();
        assert_eq!(
            to_local(start, santiago).unwrap().to_string(),
            "2026-09-06 01:00:00"
        );
        let before = Instant::from_millis(start.millis() - 1);
        assert_eq!(local_date(before, santiago).unwrap(), date(2026, 9, 5));
        assert_eq!(
            day_range(d, santiago).unwrap().end.millis() - start.millis(),
            23 * 3_600_000
        );
    }

    #[test]
    fn local_dates_follow_the_zone() {
        let table: &[(&str, &str, NaiveDate)] = &[
            (
                "2026-11-24T18:29:59.999Z",
                "Asia/Kolkata",
                date(2026, 11, 24),
            ),
            (
                "2026-11-24T18:30:00.000Z",
                "Asia/Kolkata",
                date(2026, 11, 25),
            ),
            (
                "2025-12-31T09:59:59.999Z",
                "Pacific/Kiritimati",
                date(2025, 12, 31),
            ),
            (
                "2025-12-31T10:00:00.000Z",
                "Pacific/Kiritimati",
                date(2026, 1, 1),
            ),
            (
                "2026-03-28T22:59:59.999Z",
                "Europe/Berlin",
                date(2026, 3, 28),
            ),
            (
                "2026-03-28T23:00:00.000Z",
                "Europe/Berlin",
                date(2026, 3, 29),
            ),
            (
                "2026-11-01T04:30:00.000Z",
                "America/New_York",
                date(2026, 11, 1),
            ),
            (
                "2026-11-01T03:59:59.999Z",
                "America/New_York",
                date(2026, 10, 31),
            ),
        ];
        for &(text, name, expected) in table {
            assert_eq!(
                local_date(at(text), zone(name)).unwrap(),
                expected,
                "{text} {name}"
            );
        }
    }

    #[test]
    fn iso_weeks_across_year_ends() {
        let table: &[(NaiveDate, i32, u32)] = &[
            (date(2025, 12, 29), 2026, 1),
            (date(2026, 1, 1), 2026, 1),
            (date(2026, 12, 27), 2026, 52),
            (date(2026, 12, 28), 2026, 53),
            (date(2026, 12, 31), 2026, 53),
            (date(2027, 1, 1), 2026, 53),
            (date(2027, 1, 3), 2026, 53),
            (date(2027, 1, 4), 2027, 1),
        ];
        for &(d, year, week) in table {
            assert_eq!(iso_week(d), IsoWeek { year, week }, "{d}");
        }
        assert_eq!(iso_week(date(2026, 12, 31)).to_string(), "2026-W53");
        // Week 53 of 2026 as a Monday week: 2026-12-28 to 2027-01-03.
        let week = Period::Week {
            containing: date(2027, 1, 2),
            start: WeekStart::Monday,
        }
        .dates()
        .unwrap();
        assert_eq!(
            (week.first(), week.end()),
            (date(2026, 12, 28), date(2027, 1, 4))
        );
    }

    #[test]
    fn weeks_start_on_the_chosen_day() {
        let table: &[(NaiveDate, WeekStart, NaiveDate)] = &[
            (date(2026, 3, 29), WeekStart::Monday, date(2026, 3, 23)),
            (date(2026, 3, 29), WeekStart::Sunday, date(2026, 3, 29)),
            (date(2026, 3, 29), WeekStart::Saturday, date(2026, 3, 28)),
            (date(2026, 3, 25), WeekStart::Monday, date(2026, 3, 23)),
            (date(2026, 3, 25), WeekStart::Sunday, date(2026, 3, 22)),
            (date(2026, 3, 25), WeekStart::Saturday, date(2026, 3, 21)),
            (date(2027, 1, 2), WeekStart::Saturday, date(2027, 1, 2)),
            (date(2027, 1, 1), WeekStart::Saturday, date(2026, 12, 26)),
            (date(2027, 1, 1), WeekStart::Sunday, date(2026, 12, 27)),
        ];
        for &(d, start, expected) in table {
            assert_eq!(week_start(d, start).unwrap(), expected, "{d} {start:?}");
        }
        // The Sunday week holding Berlin's spring change lasts 167 hours.
        let week = Period::Week {
            containing: date(2026, 3, 29),
            start: WeekStart::Sunday,
        };
        let range = week.instants(zone("Europe/Berlin")).unwrap();
        assert_eq!(utc(range.start), "2026-03-28T23:00:00.000Z");
        assert_eq!(range.end.millis() - range.start.millis(), 167 * 3_600_000);
    }

    #[test]
    fn periods_from_json() {
        let p: Period =
            serde_json::from_str(r#"{"kind":"week","containing":"2026-03-25","start":"saturday"}"#)
                .unwrap();
        assert_eq!(p.dates().unwrap().first(), date(2026, 3, 21));
        let p: Period =
            serde_json::from_str(r#"{"kind":"custom","first":"2026-03-01","end":"2026-03-15"}"#)
                .unwrap();
        assert_eq!(p.dates().unwrap().len(), 14);
        assert!(serde_json::from_str::<Period>(
            r#"{"kind":"custom","first":"2026-03-15","end":"2026-03-01"}"#
        )
        .is_err());
        let p: Period = serde_json::from_str(r#"{"kind":"day","date":"2026-03-29"}"#).unwrap();
        assert_eq!(
            p,
            Period::Day {
                date: date(2026, 3, 29)
            }
        );
        let err = Period::Month {
            year: 2026,
            month: 0,
        }
        .dates()
        .unwrap_err();
        assert_eq!(err.reason(), "invalid-month");
    }

    #[test]
    fn instants_parse_and_format() {
        let table: &[(&str, &str)] = &[
            ("2026-11-24T09:30:00.000+0000", "2026-11-24T09:30:00.000Z"),
            ("2026-11-24T09:30:00+0000", "2026-11-24T09:30:00.000Z"),
            ("2026-11-24T15:00:00.000+0530", "2026-11-24T09:30:00.000Z"),
            ("2026-11-24T09:30:00Z", "2026-11-24T09:30:00.000Z"),
            ("2026-11-24T09:30:00.123456Z", "2026-11-24T09:30:00.123Z"),
            ("2026-11-24T04:30:00-05:00", "2026-11-24T09:30:00.000Z"),
            ("2026-01-01T00:00:00.000+1400", "2025-12-31T10:00:00.000Z"),
        ];
        for &(text, expected) in table {
            assert_eq!(utc(at(text)), expected, "{text}");
        }
        for bad in [
            "",
            "2026-11-24",
            "2026-11-24T09:30:00",
            "2026-13-01T00:00:00Z",
            "yesterday",
        ] {
            let err = parse_instant(bad).unwrap_err();
            assert_eq!(err.reason(), "invalid-instant", "{bad}");
            assert!(err.to_string().starts_with("invalid instant "), "{err}");
        }
        let t = at("2026-07-01T08:00:00Z");
        assert_eq!(
            format_jira(t, zone("Europe/Berlin")).unwrap(),
            "2026-07-01T10:00:00.000+0200"
        );
        assert_eq!(
            parse_instant(&format_jira(t, zone("Australia/Lord_Howe")).unwrap()).unwrap(),
            t
        );
    }

    #[test]
    fn out_of_range_instants_are_errors() {
        for ms in [i64::MIN, i64::MAX] {
            let t = Instant::from_millis(ms);
            assert_eq!(to_local(t, Zone::UTC).unwrap_err().reason(), "out-of-range");
            assert!(format_utc(t).is_err());
            assert!(format_jira(t, Zone::UTC).is_err());
        }
        assert!(day_range(NaiveDate::MAX, Zone::UTC).is_err());
        assert!(
            week_start(NaiveDate::MIN, WeekStart::Sunday).is_err()
                || NaiveDate::MIN.weekday() == Weekday::Sun
        );
    }

    #[test]
    fn zones_serialize_by_name() {
        let z: Zone = serde_json::from_str(r#""America/New_York""#).unwrap();
        assert_eq!(serde_json::to_string(&z).unwrap(), r#""America/New_York""#);
        assert!(serde_json::from_str::<Zone>(r#""Nowhere/Special""#).is_err());
    }

    const ZONES: &[&str] = &[
        "UTC",
        "Europe/Berlin",
        "America/New_York",
        "Asia/Kolkata",
        "Australia/Lord_Howe",
        "Pacific/Kiritimati",
        "America/Santiago",
        "Asia/Kathmandu",
        "America/St_Johns",
    ];

    /// DST changes of 2026 (UTC milliseconds) in the zones above.
    pub(crate) const TRANSITIONS: &[i64] = &[
        1_774_746_000_000, // 2026-03-29T01:00Z Europe/Berlin
        1_792_890_000_000, // 2026-10-25T01:00Z Europe/Berlin
        1_772_953_200_000, // 2026-03-08T07:00Z America/New_York
        1_793_512_800_000, // 2026-11-01T06:00Z America/New_York
        1_775_314_800_000, // 2026-04-04T15:00Z Australia/Lord_Howe
        1_791_041_400_000, // 2026-10-03T15:30Z Australia/Lord_Howe
        1_775_358_000_000, // 2026-04-05T03:00Z America/Santiago
        1_788_667_200_000, // 2026-09-06T04:00Z America/Santiago
    ];

    /// Instants from 1970 to 2100, and many within four hours of a DST change.
    pub(crate) fn any_instant() -> impl Strategy<Value = Instant> {
        prop_oneof![
            (0_i64..4_102_444_800_000).prop_map(Instant::from_millis),
            (0..TRANSITIONS.len(), -14_400_000_i64..14_400_000)
                .prop_map(|(i, delta)| Instant::from_millis(TRANSITIONS[i] + delta)),
        ]
    }

    #[test]
    fn transition_table_is_right() {
        // Each listed instant is a change of offset in one of the zones.
        for &ms in TRANSITIONS {
            let changed = ZONES.iter().any(|name| {
                let z = zone(name);
                z.offset_seconds(Instant::from_millis(ms - 1)).unwrap()
                    != z.offset_seconds(Instant::from_millis(ms)).unwrap()
            });
            assert!(changed, "{}", utc(Instant::from_millis(ms)));
        }
    }

    proptest! {
        #[test]
        fn every_instant_lies_in_its_local_day(
            t in any_instant(),
            index in 0..ZONES.len(),
        ) {
            let z = zone(ZONES[index]);
            let d = local_date(t, z).unwrap();
            let range = day_range(d, z).unwrap();
            prop_assert!(range.contains(t), "{} {} {:?}", ZONES[index], d, range);
            // Neighbouring days do not contain it.
            let prev = day_range(d.pred_opt().unwrap(), z).unwrap();
            prop_assert!(!prev.contains(t));
            prop_assert_eq!(prev.end, range.start);
        }

        #[test]
        fn local_round_trip_picks_one_of_the_two(
            t in any_instant(),
            index in 0..ZONES.len(),
        ) {
            let z = zone(ZONES[index]);
            let local = to_local(t, z).unwrap();
            let earlier = from_local(local, z, Disambiguation::default()).unwrap();
            let later = from_local(local, z, Disambiguation { overlap: Overlap::Later, ..Disambiguation::default() }).unwrap();
            prop_assert!(earlier == t || later == t);
        }
    }
}
