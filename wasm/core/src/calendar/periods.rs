//! Weeks, ISO weeks, ranges of dates and reporting periods.

use std::fmt;

use chrono::{Datelike, Days, Months, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use super::local::{date_out_of_range, day_start, next_day};
use super::{InstantRange, Zone};
use crate::error::Error;

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
