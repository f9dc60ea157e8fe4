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

mod local;
mod periods;
#[cfg(test)]
pub(crate) mod tests;
mod text;

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::duration::Seconds;
use crate::error::{quote, Error};

pub use local::{day_start, from_local, local_date, to_local, Disambiguation, Gap, Overlap};
pub(crate) use local::{resolve, Resolved};
pub use periods::{day_range, iso_week, week_start, DateRange, IsoWeek, Period, WeekStart};
pub use text::{format_jira, format_utc, parse_instant};

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
