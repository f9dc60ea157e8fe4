//! Durations in Jira's syntax: parsing `1w 2d 3h 30m` and formatting in Jira's three
//! styles.
//!
//! A duration is a whole number of [`Seconds`], never negative, at most
//! [`Seconds::MAX`]. Weeks and days are *working* weeks and days: their length comes
//! from the site's [`TimeTrackingSettings`] (Jira's `workingHoursPerDay` and
//! `workingDaysPerWeek`), converted to whole seconds the way Jira does (truncated).
//!
//! # Syntax accepted by [`parse`]
//!
//! - One or more *components*, each a number followed by a unit: `w`, `d`, `h`, `m`, or
//!   (our extension) `s`, in upper or lower case, in any order, each unit at most once.
//!   Components may be separated by whitespace or written together: `1h30m`,
//!   `1h 30m`, `1 h 30 m` are the same.
//! - Numbers are plain decimals: `1.5h`, `.5h`, `0,5h` (a comma is taken as the decimal
//!   separator), with at most [`MAX_DECIMALS`] digits after the separator. No signs, no
//!   exponents, no thousands separators.
//! - A bare number with no unit (`90`) is allowed only as the whole input and takes
//!   the site's [`default_unit`](TimeTrackingSettings::default_unit).
//! - Each component's value is computed exactly; the sum is rounded once to the
//!   nearest whole second (halves up).
//!
//! Errors name the 1-based character position and what was expected: empty input,
//! unexpected character, negative value, unknown unit, a unit given twice, a missing
//! unit, too many decimals, a value above [`Seconds::MAX`], and zero (only from
//! [`parse_nonzero`]: the caller decides whether zero is allowed).
//!
//! # Formatting
//!
//! [`format`](fn@format) prints in the site's [`Style`]; [`format_as`] in a given one. Every style
//! round-trips: `parse(&format_as(d, s, style), s) == Ok(d)` for every duration and
//! every valid setting, so the days and hours styles print as many decimals as needed
//! (at most [`MAX_DECIMALS`]) and, where that is not exact, fall back to whole units
//! plus the rest in smaller units (`hours`: `20m` rather than `0.33h`). See
//! `docs/domain.md` for where this differs from Jira.
//!
//! ```
//! use worklogs_core::duration::{format_as, parse, Seconds, Style, TimeTrackingSettings};
//!
//! let settings = TimeTrackingSettings::default(); // 8 h per day, 5 days per week
//! let d = parse("1w 2d 3h 30m", &settings)?;
//! assert_eq!(d, Seconds::new(214_200)?);
//! assert_eq!(format_as(d, &settings, Style::Pretty), "1w 2d 3h 30m");
//! assert_eq!(format_as(d, &settings, Style::Days), "7.4375d");
//! assert_eq!(format_as(d, &settings, Style::Hours), "59.5h");
//! # Ok::<(), worklogs_core::Error>(())
//! ```

mod format;
mod parse;
mod settings;
#[cfg(test)]
mod tests;

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{quote, Error};

pub use format::{format, format_as};
pub use parse::{parse, parse_nonzero};
pub use settings::TimeTrackingSettings;

/// The most digits accepted (and printed) after a decimal separator.
pub const MAX_DECIMALS: u32 = 4;

/// Seconds in an hour.
const HOUR: u64 = 3600;
/// Seconds in a minute.
const MINUTE: u64 = 60;

/// A duration in whole seconds: never negative, at most [`Seconds::MAX`].
///
/// It serializes as a plain JSON integer.
///
/// # Example
///
/// ```
/// use worklogs_core::duration::Seconds;
///
/// let twenty_minutes = Seconds::from_minutes(20)?;
/// let hour = Seconds::sum([twenty_minutes; 3])?;
/// assert_eq!(hour.get(), 3600);
/// assert!(Seconds::try_from(-1_i64).is_err());
/// # Ok::<(), worklogs_core::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(into = "u64")]
pub struct Seconds(u64);

impl Seconds {
    /// No time at all.
    pub const ZERO: Seconds = Seconds(0);

    /// The largest duration: 2^53 − 1 seconds, so every duration is exact as a
    /// JavaScript number and as a signed 64-bit SQL integer.
    pub const MAX: Seconds = Seconds(9_007_199_254_740_991);

    /// A duration of `seconds`.
    ///
    /// # Errors
    ///
    /// Invalid input (`too-large`) above [`Seconds::MAX`].
    ///
    /// # Example
    ///
    /// ```
    /// use worklogs_core::duration::Seconds;
    /// assert_eq!(Seconds::new(90)?.get(), 90);
    /// assert!(Seconds::new(u64::MAX).is_err());
    /// # Ok::<(), worklogs_core::Error>(())
    /// ```
    pub fn new(seconds: u64) -> Result<Self, Error> {
        if seconds > Self::MAX.0 {
            Err(Error::invalid(
                "too-large",
                format!(
                    "invalid duration {seconds} seconds: too large (expected at most {} seconds)",
                    Self::MAX.0
                ),
            ))
        } else {
            Ok(Self(seconds))
        }
    }

    /// A duration of whole minutes.
    ///
    /// # Errors
    ///
    /// Invalid input (`too-large`) when the result exceeds [`Seconds::MAX`].
    ///
    /// # Example
    ///
    /// ```
    /// use worklogs_core::duration::Seconds;
    /// assert_eq!(Seconds::from_minutes(90)?.get(), 5400);
    /// # Ok::<(), worklogs_core::Error>(())
    /// ```
    pub fn from_minutes(minutes: u64) -> Result<Self, Error> {
        match minutes.checked_mul(MINUTE) {
            Some(seconds) => Self::new(seconds),
            None => Self::new(u64::MAX),
        }
    }

    /// The number of seconds.
    pub const fn get(self) -> u64 {
        self.0
    }

    /// `self + other`, or `None` above [`Seconds::MAX`].
    pub fn checked_add(self, other: Seconds) -> Option<Seconds> {
        self.0
            .checked_add(other.0)
            .filter(|&sum| sum <= Self::MAX.0)
            .map(Seconds)
    }

    /// `self - other`, or `None` when `other` is larger (durations are never negative).
    pub fn checked_sub(self, other: Seconds) -> Option<Seconds> {
        self.0.checked_sub(other.0).map(Seconds)
    }

    /// `self - other`, or zero when `other` is larger.
    pub fn saturating_sub(self, other: Seconds) -> Seconds {
        Seconds(self.0.saturating_sub(other.0))
    }

    /// The exact sum of `parts`.
    ///
    /// # Errors
    ///
    /// Overflow when the sum exceeds [`Seconds::MAX`].
    ///
    /// # Example
    ///
    /// ```
    /// use worklogs_core::duration::Seconds;
    /// let total = Seconds::sum([Seconds::new(1200)?, Seconds::new(1200)?, Seconds::new(1200)?])?;
    /// assert_eq!(total.get(), 3600);
    /// # Ok::<(), worklogs_core::Error>(())
    /// ```
    pub fn sum<I: IntoIterator<Item = Seconds>>(parts: I) -> Result<Seconds, Error> {
        parts
            .into_iter()
            .try_fold(Seconds::ZERO, Seconds::checked_add)
            .ok_or_else(|| Error::overflow("the total duration"))
    }
}

impl From<Seconds> for u64 {
    fn from(seconds: Seconds) -> u64 {
        seconds.0
    }
}

impl From<Seconds> for i64 {
    fn from(seconds: Seconds) -> i64 {
        // MAX < i64::MAX, so this never saturates.
        i64::try_from(seconds.0).unwrap_or(i64::MAX)
    }
}

impl TryFrom<u64> for Seconds {
    type Error = Error;
    fn try_from(seconds: u64) -> Result<Self, Error> {
        Seconds::new(seconds)
    }
}

impl TryFrom<i64> for Seconds {
    type Error = Error;
    fn try_from(seconds: i64) -> Result<Self, Error> {
        match u64::try_from(seconds) {
            Ok(seconds) => Seconds::new(seconds),
            Err(_) => Err(Error::invalid(
                "negative",
                format!(
                    "invalid duration {seconds} seconds: negative (durations cannot be negative)"
                ),
            )),
        }
    }
}

impl<'de> Deserialize<'de> for Seconds {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let seconds = u64::deserialize(deserializer)?;
        Seconds::new(seconds).map_err(serde::de::Error::custom)
    }
}

/// The unit Jira applies to a bare number (Jira's `defaultUnit`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Unit {
    /// `90` means 90 minutes (Jira's default).
    #[default]
    Minute,
    /// `2` means 2 hours.
    Hour,
    /// `2` means 2 working days.
    Day,
    /// `2` means 2 working weeks.
    Week,
}

/// How durations are printed (Jira's `timeFormat`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Style {
    /// `1w 2d 3h 30m`.
    #[default]
    Pretty,
    /// `7.4375d`: working days with up to four decimals (falls back to `7d 3h 20m`).
    Days,
    /// `59.5h`: hours with up to four decimals (falls back to `59h 20m`).
    Hours,
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Unit::Minute => "minute",
            Unit::Hour => "hour",
            Unit::Day => "day",
            Unit::Week => "week",
        })
    }
}

impl std::str::FromStr for Unit {
    type Err = Error;

    /// `minute`, `hour`, `day` or `week`, as in Jira's JSON.
    fn from_str(text: &str) -> Result<Self, Error> {
        match text {
            "minute" => Ok(Unit::Minute),
            "hour" => Ok(Unit::Hour),
            "day" => Ok(Unit::Day),
            "week" => Ok(Unit::Week),
            _ => Err(Error::invalid(
                "unknown-unit",
                format!(
                    "invalid defaultUnit {}: expected minute, hour, day or week",
                    quote(text)
                ),
            )
            .field_name("defaultUnit")),
        }
    }
}

impl std::str::FromStr for Style {
    type Err = Error;

    /// `pretty`, `days` or `hours`, as in Jira's JSON.
    fn from_str(text: &str) -> Result<Self, Error> {
        match text {
            "pretty" => Ok(Style::Pretty),
            "days" => Ok(Style::Days),
            "hours" => Ok(Style::Hours),
            _ => Err(Error::invalid(
                "unknown-style",
                format!(
                    "invalid timeFormat {}: expected pretty, days or hours",
                    quote(text)
                ),
            )
            .field_name("timeFormat")),
        }
    }
}

impl fmt::Display for Style {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Style::Pretty => "pretty",
            Style::Days => "days",
            Style::Hours => "hours",
        })
    }
}
