//! Work schedules and holidays: how much time a person should log, and the days they
//! logged less.
//!
//! - A [`ScheduleSpec`] names the working weekdays, the hours of a working day, and
//!   optional hours for particular weekdays (a short Friday). Hours for a weekday that
//!   is not a working day are ignored.
//! - [`Schedules`] holds the site's default spec and per-person overrides (by Atlassian
//!   account id); an override replaces only the fields it sets.
//! - A [`HolidayCalendar`] lists whole and half holidays; each person follows one
//!   calendar (a country's or an office's), chosen by the caller. A whole holiday
//!   requires nothing; a half holiday requires half the day (rounded down to a second).
//! - [`required_seconds`] totals a date range; [`shortfalls`] lists the dates where the
//!   seconds logged (per *local date*, see [`crate::calendar::local_date`]) are below
//!   the requirement.
//!
//! ```
//! use std::collections::BTreeMap;
//! use worklogs_core::calendar::{DateRange, Period, WeekStart};
//! use worklogs_core::duration::Seconds;
//! use worklogs_core::schedule::{required_seconds, shortfalls, HolidayCalendar, WorkSchedule};
//! use worklogs_core::NaiveDate;
//!
//! let week = Period::Week { containing: NaiveDate::from_ymd_opt(2026, 3, 25).unwrap(), start: WeekStart::Monday }.dates()?;
//! let holidays = HolidayCalendar::default();
//! let required = required_seconds(&WorkSchedule::default(), &holidays, week)?;
//! assert_eq!(required.get(), 40 * 3600);
//! let logged = BTreeMap::from([(NaiveDate::from_ymd_opt(2026, 3, 23).unwrap(), Seconds::new(8 * 3600)?)]);
//! assert_eq!(shortfalls(&WorkSchedule::default(), &holidays, week, &logged)?.len(), 4);
//! # Ok::<(), worklogs_core::Error>(())
//! ```

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, Weekday};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::calendar::DateRange;
use crate::duration::Seconds;
use crate::error::Error;
use crate::hours;

/// The longest date range the schedule functions accept: about 100 years.
pub const MAX_DAYS: u64 = 36_600;

/// Hours for one weekday.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayHours {
    /// The weekday (`"mon"`, `"friday"`…; serialized as `"Fri"`).
    pub day: Weekday,
    /// The hours that day, 0 to 24.
    #[serde(deserialize_with = "crate::serde_util::decimal")]
    pub hours: Decimal,
}

/// A work schedule as configured.
///
/// JSON: `{"workingDays": ["mon", "tue", "wed", "thu", "fri"], "hoursPerDay": 8,
/// "weekdayHours": [{"day": "fri", "hours": 6}]}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScheduleSpec {
    /// The working weekdays.
    pub working_days: Vec<Weekday>,
    /// Hours of a working day, more than 0 and at most 24.
    #[serde(deserialize_with = "crate::serde_util::decimal")]
    pub hours_per_day: Decimal,
    /// Hours for particular working weekdays, replacing `hours_per_day` on them.
    #[serde(default)]
    pub weekday_hours: Vec<DayHours>,
}

impl Default for ScheduleSpec {
    /// Monday to Friday, 8 hours.
    fn default() -> Self {
        ScheduleSpec {
            working_days: vec![
                Weekday::Mon,
                Weekday::Tue,
                Weekday::Wed,
                Weekday::Thu,
                Weekday::Fri,
            ],
            hours_per_day: Decimal::from(8),
            weekday_hours: Vec::new(),
        }
    }
}

/// A person's changes to the default schedule: each field set replaces the default's.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScheduleOverride {
    /// Replaces the working weekdays.
    #[serde(default)]
    pub working_days: Option<Vec<Weekday>>,
    /// Replaces the hours of a working day.
    #[serde(default, deserialize_with = "crate::serde_util::opt_decimal")]
    pub hours_per_day: Option<Decimal>,
    /// Replaces the per-weekday hours.
    #[serde(default)]
    pub weekday_hours: Option<Vec<DayHours>>,
}

impl ScheduleSpec {
    /// This spec with `changes` applied.
    #[must_use]
    pub fn with_override(&self, changes: &ScheduleOverride) -> ScheduleSpec {
        ScheduleSpec {
            working_days: changes
                .working_days
                .clone()
                .unwrap_or_else(|| self.working_days.clone()),
            hours_per_day: changes.hours_per_day.unwrap_or(self.hours_per_day),
            weekday_hours: changes
                .weekday_hours
                .clone()
                .unwrap_or_else(|| self.weekday_hours.clone()),
        }
    }

    /// The validated schedule.
    ///
    /// # Errors
    ///
    /// Invalid input `out-of-range` (field `hoursPerDay` or `weekdayHours`) for hours
    /// per day outside (0, 24] or weekday hours outside [0, 24].
    ///
    /// # Example
    ///
    /// ```
    /// use rust_decimal::Decimal;
    /// use worklogs_core::schedule::{DayHours, ScheduleSpec};
    /// use worklogs_core::Weekday;
    /// let spec = ScheduleSpec {
    ///     weekday_hours: vec![DayHours { day: Weekday::Fri, hours: Decimal::from(6) }],
    ///     ..ScheduleSpec::default()
    /// };
    /// let schedule = spec.build()?;
    /// assert_eq!(schedule.required_on_weekday(Weekday::Fri).get(), 6 * 3600);
    /// assert_eq!(schedule.required_on_weekday(Weekday::Sat).get(), 0);
    /// # Ok::<(), worklogs_core::Error>(())
    /// ```
    pub fn build(&self) -> Result<WorkSchedule, Error> {
        let hours_in = |field: &str, value: Decimal, allow_zero: bool| -> Result<Seconds, Error> {
            let in_range = if allow_zero {
                value >= Decimal::ZERO
            } else {
                value > Decimal::ZERO
            } && value <= Decimal::from(24);
            if !in_range {
                let low = if allow_zero {
                    "0 or more"
                } else {
                    "more than 0"
                };
                return Err(Error::invalid(
                    "out-of-range",
                    format!(
                        "invalid {field} {}: out of range (expected {low} and at most 24)",
                        value.normalize()
                    ),
                )
                .field_name(field));
            }
            hours::to_seconds(value).map_err(|err| err.with_field(field))
        };
        let base = hours_in("hoursPerDay", self.hours_per_day, false)?;
        let mut required = [Seconds::ZERO; 7];
        for day in &self.working_days {
            if let Some(slot) = required.get_mut(index(*day)) {
                *slot = base;
            }
        }
        for DayHours { day, hours } in &self.weekday_hours {
            let seconds = hours_in("weekdayHours", *hours, true)?;
            if self.working_days.contains(day) {
                if let Some(slot) = required.get_mut(index(*day)) {
                    *slot = seconds;
                }
            }
        }
        Ok(WorkSchedule { required })
    }
}

fn index(day: Weekday) -> usize {
    day.num_days_from_monday() as usize
}

/// A validated schedule: the seconds required on each weekday.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct WorkSchedule {
    /// Indexed by days from Monday.
    required: [Seconds; 7],
}

impl Default for WorkSchedule {
    /// Monday to Friday, 8 hours.
    fn default() -> Self {
        let day = Seconds::new(8 * 3600).unwrap_or(Seconds::ZERO);
        WorkSchedule {
            required: [day, day, day, day, day, Seconds::ZERO, Seconds::ZERO],
        }
    }
}

impl WorkSchedule {
    /// The seconds required on a weekday, before holidays.
    pub fn required_on_weekday(&self, day: Weekday) -> Seconds {
        self.required
            .get(index(day))
            .copied()
            .unwrap_or(Seconds::ZERO)
    }
}

/// The site's default schedule and per-person overrides.
///
/// JSON: `{"default": {…ScheduleSpec…}, "people": {"<account id>": {"hoursPerDay": 6}}}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schedules {
    /// The schedule of everyone without an override.
    pub default: ScheduleSpec,
    /// Overrides by Atlassian account id.
    #[serde(default)]
    pub people: BTreeMap<String, ScheduleOverride>,
}

impl Schedules {
    /// The schedule of the person with `account_id`.
    ///
    /// # Errors
    ///
    /// As [`ScheduleSpec::build`], for the merged spec.
    ///
    /// # Example
    ///
    /// ```
    /// use worklogs_core::schedule::Schedules;
    /// use worklogs_core::Weekday;
    /// let schedules: Schedules = serde_json::from_str(
    ///     r#"{"default": {"workingDays": ["mon","tue","wed","thu","fri"], "hoursPerDay": 8},
    ///         "people": {"ann": {"hoursPerDay": "7.5"}}}"#,
    /// ).unwrap();
    /// assert_eq!(schedules.for_person("ann")?.required_on_weekday(Weekday::Mon).get(), 27_000);
    /// assert_eq!(schedules.for_person("bob")?.required_on_weekday(Weekday::Mon).get(), 28_800);
    /// # Ok::<(), worklogs_core::Error>(())
    /// ```
    pub fn for_person(&self, account_id: &str) -> Result<WorkSchedule, Error> {
        match self.people.get(account_id) {
            Some(changes) => self.default.with_override(changes).build(),
            None => self.default.build(),
        }
    }
}

/// A whole or a half holiday.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HolidayKind {
    /// Nothing is required.
    #[default]
    Whole,
    /// Half the day is required.
    Half,
}

/// One holiday.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holiday {
    /// The local date.
    pub date: NaiveDate,
    /// Whole (default) or half.
    #[serde(default)]
    pub kind: HolidayKind,
    /// A label, such as `Christmas Eve`.
    #[serde(default)]
    pub name: String,
}

/// The holidays of one calendar (a country's or an office's).
///
/// Deserializes from a list of holidays; no date may appear twice.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Vec<Holiday>", into = "Vec<Holiday>")]
pub struct HolidayCalendar {
    days: BTreeMap<NaiveDate, (HolidayKind, String)>,
}

impl TryFrom<Vec<Holiday>> for HolidayCalendar {
    type Error = Error;
    fn try_from(holidays: Vec<Holiday>) -> Result<Self, Error> {
        HolidayCalendar::new(holidays)
    }
}

impl From<HolidayCalendar> for Vec<Holiday> {
    fn from(calendar: HolidayCalendar) -> Self {
        calendar
            .days
            .into_iter()
            .map(|(date, (kind, name))| Holiday { date, kind, name })
            .collect()
    }
}

impl HolidayCalendar {
    /// A calendar of `holidays`.
    ///
    /// # Errors
    ///
    /// Invalid input `duplicate-holiday` (field `date`) when a date appears twice.
    ///
    /// # Example
    ///
    /// ```
    /// use worklogs_core::schedule::{Holiday, HolidayCalendar, HolidayKind};
    /// use worklogs_core::NaiveDate;
    /// let eve = NaiveDate::from_ymd_opt(2026, 12, 24).unwrap();
    /// let cal = HolidayCalendar::new(vec![Holiday { date: eve, kind: HolidayKind::Half, name: "Christmas Eve".into() }])?;
    /// assert_eq!(cal.kind_on(eve), Some(HolidayKind::Half));
    /// # Ok::<(), worklogs_core::Error>(())
    /// ```
    pub fn new(holidays: Vec<Holiday>) -> Result<Self, Error> {
        let mut days = BTreeMap::new();
        for Holiday { date, kind, name } in holidays {
            if days.insert(date, (kind, name)).is_some() {
                return Err(Error::invalid(
                    "duplicate-holiday",
                    format!("invalid holidays: {date} is listed twice"),
                )
                .field_name("date"));
            }
        }
        Ok(HolidayCalendar { days })
    }

    /// The kind of holiday on `date`, if any.
    pub fn kind_on(&self, date: NaiveDate) -> Option<HolidayKind> {
        self.days.get(&date).map(|(kind, _)| *kind)
    }
}

/// The seconds required on `date`.
///
/// # Example
///
/// ```
/// use worklogs_core::schedule::{required_on, HolidayCalendar, WorkSchedule};
/// use worklogs_core::NaiveDate;
/// let sunday = NaiveDate::from_ymd_opt(2026, 3, 29).unwrap();
/// assert_eq!(required_on(&WorkSchedule::default(), &HolidayCalendar::default(), sunday).get(), 0);
/// ```
pub fn required_on(
    schedule: &WorkSchedule,
    holidays: &HolidayCalendar,
    date: NaiveDate,
) -> Seconds {
    let day = schedule.required_on_weekday(date.weekday());
    match holidays.kind_on(date) {
        None => day,
        Some(HolidayKind::Whole) => Seconds::ZERO,
        Some(HolidayKind::Half) => Seconds::new(day.get() / 2).unwrap_or(Seconds::ZERO),
    }
}

fn check_length(range: DateRange) -> Result<(), Error> {
    if range.len() > MAX_DAYS {
        return Err(Error::invalid(
            "range-too-long",
            format!(
                "invalid date range {} to {}: {} days is too long (expected at most {MAX_DAYS})",
                range.first(),
                range.end(),
                range.len()
            ),
        ));
    }
    Ok(())
}

/// The seconds required over `range`.
///
/// # Errors
///
/// Invalid input `range-too-long` above [`MAX_DAYS`] days.
///
/// # Example
///
/// See the module docs.
pub fn required_seconds(
    schedule: &WorkSchedule,
    holidays: &HolidayCalendar,
    range: DateRange,
) -> Result<Seconds, Error> {
    check_length(range)?;
    Seconds::sum(
        range
            .iter()
            .map(|date| required_on(schedule, holidays, date)),
    )
}

/// A date on which less was logged than required.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Shortfall {
    /// The local date.
    pub date: NaiveDate,
    /// The seconds required.
    pub required: Seconds,
    /// The seconds logged.
    pub logged: Seconds,
    /// `required − logged`.
    pub missing: Seconds,
}

/// The dates in `range` where `logged` (seconds per local date) is below the
/// requirement, in date order.
///
/// # Errors
///
/// Invalid input `range-too-long` above [`MAX_DAYS`] days.
///
/// # Example
///
/// See the module docs.
pub fn shortfalls(
    schedule: &WorkSchedule,
    holidays: &HolidayCalendar,
    range: DateRange,
    logged: &BTreeMap<NaiveDate, Seconds>,
) -> Result<Vec<Shortfall>, Error> {
    check_length(range)?;
    Ok(range
        .iter()
        .filter_map(|date| {
            let required = required_on(schedule, holidays, date);
            let logged = logged.get(&date).copied().unwrap_or(Seconds::ZERO);
            let missing = required
                .checked_sub(logged)
                .filter(|m| *m > Seconds::ZERO)?;
            Some(Shortfall {
                date,
                required,
                logged,
                missing,
            })
        })
        .collect())
}

/// The seconds short on `date`: what `required` asks and `logged` does not reach,
/// on a day up to and including `today` (the person's local date); a later day is
/// never short, since it can still be logged.
///
/// # Example
///
/// ```
/// use worklogs_core::duration::Seconds;
/// use worklogs_core::schedule::short_on;
/// use worklogs_core::NaiveDate;
/// let today = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
/// let (h8, h5) = (Seconds::new(8 * 3600)?, Seconds::new(5 * 3600)?);
/// assert_eq!(short_on(today, today, h8, h5).get(), 3 * 3600);
/// assert_eq!(short_on(today.succ_opt().unwrap(), today, h8, h5).get(), 0);
/// assert_eq!(short_on(today, today, h5, h8).get(), 0);
/// # Ok::<(), worklogs_core::Error>(())
/// ```
pub fn short_on(date: NaiveDate, today: NaiveDate, required: Seconds, logged: Seconds) -> Seconds {
    if date > today {
        Seconds::ZERO
    } else {
        required.saturating_sub(logged)
    }
}

/// A period's balance for one person: what was required, logged and is short,
/// with the short days. The period is any range of dates (a week today; a
/// month or an approval period later), so the same rule serves every one.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Balance {
    /// Required over the whole period.
    pub required: Seconds,
    /// Required on the days up to and including today.
    pub required_to_date: Seconds,
    /// Logged over the whole period.
    pub logged: Seconds,
    /// The sum of the short days' `missing` ([`short_on`]).
    pub short: Seconds,
    /// The short days, in date order.
    pub short_days: Vec<Shortfall>,
}

/// The balance of `days` (each date with its required and logged seconds, in
/// date order) as of `today`: a day is short when it is not after `today` and
/// less was logged than required ([`short_on`]).
///
/// # Errors
///
/// Overflow when a total exceeds [`Seconds::MAX`].
///
/// # Example
///
/// ```
/// use worklogs_core::duration::Seconds;
/// use worklogs_core::schedule::balance;
/// use worklogs_core::NaiveDate;
/// let d = |day| NaiveDate::from_ymd_opt(2026, 11, day).unwrap();
/// let h = |hours: u64| Seconds::new(hours * 3600).unwrap();
/// let days = [(d(23), h(8), h(8)), (d(24), h(8), h(6)), (d(25), h(8), h(0))];
/// let week = balance(&days, d(24))?;
/// assert_eq!((week.required.get(), week.required_to_date.get()), (24 * 3600, 16 * 3600));
/// assert_eq!((week.logged.get(), week.short.get()), (14 * 3600, 2 * 3600));
/// assert_eq!(week.short_days.len(), 1);
/// # Ok::<(), worklogs_core::Error>(())
/// ```
pub fn balance(days: &[(NaiveDate, Seconds, Seconds)], today: NaiveDate) -> Result<Balance, Error> {
    let short_days: Vec<Shortfall> = days
        .iter()
        .filter_map(|&(date, required, logged)| {
            let missing = short_on(date, today, required, logged);
            (missing > Seconds::ZERO).then_some(Shortfall {
                date,
                required,
                logged,
                missing,
            })
        })
        .collect();
    Ok(Balance {
        required: Seconds::sum(days.iter().map(|d| d.1))?,
        required_to_date: Seconds::sum(days.iter().filter(|d| d.0 <= today).map(|d| d.1))?,
        logged: Seconds::sum(days.iter().map(|d| d.2))?,
        short: Seconds::sum(short_days.iter().map(|s| s.missing))?,
        short_days,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::{Period, WeekStart};

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn h(hours: u64) -> Seconds {
        Seconds::new(hours * 3600).unwrap()
    }

    fn holidays() -> HolidayCalendar {
        serde_json::from_str(
            r#"[{"date": "2026-12-24", "kind": "half", "name": "Christmas Eve"},
                {"date": "2026-12-25", "name": "Christmas Day"},
                {"date": "2026-12-31", "kind": "half"}]"#,
        )
        .unwrap()
    }

    #[test]
    fn required_over_periods() {
        let schedules: Schedules = serde_json::from_str(
            r#"{"default": {"workingDays": ["mon","tue","wed","thu","fri"], "hoursPerDay": 8,
                            "weekdayHours": [{"day": "fri", "hours": 6}]},
                "people": {"ann": {"workingDays": ["sun","mon","tue","wed","thu"], "hoursPerDay": "7.5"},
                           "bob": {"weekdayHours": []}}}"#,
        )
        .unwrap();
        let default = schedules.for_person("zed").unwrap();
        let ann = schedules.for_person("ann").unwrap();
        let bob = schedules.for_person("bob").unwrap();
        let cal = holidays();
        let week = |d: NaiveDate, start| {
            Period::Week {
                containing: d,
                start,
            }
            .dates()
            .unwrap()
        };
        let table: &[(&WorkSchedule, DateRange, u64)] = &[
            (
                &default,
                week(date(2026, 3, 25), WeekStart::Monday),
                (4 * 8 + 6) * 3600,
            ),
            (&bob, week(date(2026, 3, 25), WeekStart::Monday), 40 * 3600),
            // Ann works Sunday to Thursday (the Friday hours do not apply to her).
            (&ann, week(date(2026, 3, 25), WeekStart::Sunday), 5 * 27_000),
            // Christmas week: Thu 24 half (4 h), Fri 25 off, 28–30 full, Thu 31 half.
            (
                &default,
                DateRange::inclusive(date(2026, 12, 21), date(2026, 12, 31)).unwrap(),
                (3 * 8 + 4 + 3 * 8 + 4) * 3600,
            ),
            (
                &default,
                Period::Month {
                    year: 2026,
                    month: 2,
                }
                .dates()
                .unwrap(),
                (16 * 8 + 4 * 6) * 3600,
            ),
            (
                &default,
                DateRange::new(date(2026, 3, 1), date(2026, 3, 1)).unwrap(),
                0,
            ),
        ];
        for (schedule, range, expected) in table {
            assert_eq!(
                required_seconds(schedule, &cal, *range).unwrap().get(),
                *expected,
                "{range:?}"
            );
        }
    }

    #[test]
    fn days_with_too_little_time() {
        let cal = holidays();
        let range = DateRange::inclusive(date(2026, 12, 21), date(2026, 12, 27)).unwrap();
        let logged = BTreeMap::from([
            (date(2026, 12, 21), h(8)),
            (date(2026, 12, 22), h(9)),
            (date(2026, 12, 23), h(5)),
            (date(2026, 12, 24), h(3)),
            (date(2026, 12, 26), h(2)), // Saturday: nothing required
        ]);
        let found = shortfalls(&WorkSchedule::default(), &cal, range, &logged).unwrap();
        let summary: Vec<(NaiveDate, u64)> =
            found.iter().map(|s| (s.date, s.missing.get())).collect();
        assert_eq!(
            summary,
            [(date(2026, 12, 23), 3 * 3600), (date(2026, 12, 24), 3600)]
        );
        assert_eq!(found[1].required, h(4));
    }

    #[test]
    fn invalid_specs_name_the_field() {
        for (json, field) in [
            (
                r#"{"workingDays": ["mon"], "hoursPerDay": 0}"#,
                "hoursPerDay",
            ),
            (
                r#"{"workingDays": ["mon"], "hoursPerDay": 25}"#,
                "hoursPerDay",
            ),
            (
                r#"{"workingDays": ["mon"], "hoursPerDay": 8, "weekdayHours": [{"day": "mon", "hours": -1}]}"#,
                "weekdayHours",
            ),
        ] {
            let spec: ScheduleSpec = serde_json::from_str(json).unwrap();
            assert_eq!(spec.build().unwrap_err().field(), Some(field), "{json}");
        }
        assert!(serde_json::from_str::<ScheduleSpec>(
            r#"{"workingDays": ["funday"], "hoursPerDay": 8}"#
        )
        .is_err());
        let twice = serde_json::from_str::<HolidayCalendar>(
            r#"[{"date": "2026-12-25"}, {"date": "2026-12-25"}]"#,
        )
        .unwrap_err();
        assert!(
            twice.to_string().contains("2026-12-25 is listed twice"),
            "{twice}"
        );
        let long = DateRange::new(date(1900, 1, 1), date(2100, 1, 1)).unwrap();
        assert_eq!(
            required_seconds(&WorkSchedule::default(), &HolidayCalendar::default(), long)
                .unwrap_err()
                .reason(),
            "range-too-long"
        );
    }
    #[test]
    fn short_days_are_past_or_today_and_below_the_requirement() {
        let today = date(2026, 12, 24);
        // Sunday-start week, Christmas Eve half (4 h) today, Christmas Day whole.
        let cal = holidays();
        let schedule = WorkSchedule::default();
        let week = Period::Week {
            containing: today,
            start: WeekStart::Sunday,
        }
        .dates()
        .unwrap();
        let logged = BTreeMap::from([
            (date(2026, 12, 21), h(8)),
            (date(2026, 12, 22), h(3)),
            (date(2026, 12, 24), h(4)),
            (date(2026, 12, 25), h(1)),
        ]);
        let days: Vec<_> = week
            .iter()
            .map(|d| {
                (
                    d,
                    required_on(&schedule, &cal, d),
                    logged.get(&d).copied().unwrap_or(Seconds::ZERO),
                )
            })
            .collect();
        let b = balance(&days, today).unwrap();
        let short: Vec<(NaiveDate, u64)> = b
            .short_days
            .iter()
            .map(|s| (s.date, s.missing.get()))
            .collect();
        // Tue 5 h short, Wed 8 h; Thu (today, half holiday) is complete; Fri on.
        assert_eq!(
            short,
            [
                (date(2026, 12, 22), 5 * 3600),
                (date(2026, 12, 23), 8 * 3600)
            ]
        );
        assert_eq!(b.short, h(13));
        assert_eq!(b.required, h(8 * 3 + 4));
        assert_eq!(b.required_to_date, h(8 * 3 + 4));
        assert_eq!(b.logged, h(16));
        // The day after: nothing changes for days still to come.
        assert_eq!(
            short_on(date(2026, 12, 28), today, h(8), h(0)),
            Seconds::ZERO
        );
        assert_eq!(balance(&[], today).unwrap(), Balance::default());
    }
}
