//! `schedule.get` and `schedule.save`: the site's default work schedule (working
//! days, hours per day, week start) and its holidays (whole or half days),
//! stored as one settings row (`schedule`). Timesheets take the hours required
//! each day from it with [`worklogs_core::schedule::required_on`].

use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::NoInput;
use crate::access::require_admin;
use crate::executor::Ctx;
use crate::input::{quote, Input};
use crate::store;
use crate::Error;
use worklogs_core::calendar::WeekStart;
use worklogs_core::duration::Seconds;
use worklogs_core::schedule::{
    required_on, Holiday, HolidayCalendar, HolidayKind, ScheduleSpec, WorkSchedule,
};
use worklogs_core::{Decimal, NaiveDate, Weekday};

/// The settings row holding the schedule, in the shape of `schedule.get`.
pub const SETTING: &str = "schedule";
/// The most holidays a site may list.
pub const MAX_HOLIDAYS: usize = 1000;
/// The longest holiday name, in characters.
pub const MAX_NAME: usize = 100;

const DAYS: [(&str, Weekday); 7] = [
    ("mon", Weekday::Mon),
    ("tue", Weekday::Tue),
    ("wed", Weekday::Wed),
    ("thu", Weekday::Thu),
    ("fri", Weekday::Fri),
    ("sat", Weekday::Sat),
    ("sun", Weekday::Sun),
];

/// The input of `schedule.save` (and the stored row).
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ScheduleRaw {
    working_days: Vec<String>,
    hours_per_day: serde_json::Number,
    week_start: Option<String>,
    #[serde(default)]
    holidays: Vec<HolidayRaw>,
}

/// One holiday as given.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HolidayRaw {
    date: String,
    #[serde(default)]
    name: String,
    kind: Option<String>,
}

/// A site's schedule, validated.
#[derive(Clone, Debug)]
pub struct SiteSchedule {
    spec: ScheduleSpec,
    work: WorkSchedule,
    /// The week's first day.
    pub week_start: WeekStart,
    holidays: Vec<Holiday>,
    calendar: HolidayCalendar,
}

impl Default for SiteSchedule {
    /// Monday to Friday, 8 hours, weeks from Monday, no holidays.
    fn default() -> Self {
        Self {
            spec: ScheduleSpec::default(),
            work: WorkSchedule::default(),
            week_start: WeekStart::Monday,
            holidays: Vec::new(),
            calendar: HolidayCalendar::default(),
        }
    }
}

impl Input for SiteSchedule {
    type Raw = ScheduleRaw;

    fn validate(raw: ScheduleRaw) -> Result<Self, Error> {
        let mut working_days = Vec::with_capacity(raw.working_days.len());
        for (i, day) in raw.working_days.iter().enumerate() {
            let field = format!("workingDays[{i}]");
            let Some((_, weekday)) = DAYS.iter().find(|(name, _)| *name == day.as_str()) else {
                return Err(Error::invalid_field(
                    &field,
                    format_args!(
                        "{} is not a weekday (expected mon, tue, wed, thu, fri, sat or sun)",
                        quote(day)
                    ),
                ));
            };
            if working_days.contains(weekday) {
                return Err(Error::invalid_field(
                    &field,
                    format_args!("{} is listed twice", quote(day)),
                ));
            }
            working_days.push(*weekday);
        }
        let text = raw.hours_per_day.to_string();
        let hours_per_day = Decimal::from_str(&text)
            .or_else(|_| Decimal::from_scientific(&text))
            .map_err(|_| {
                Error::invalid_field(
                    "hoursPerDay",
                    format_args!("{text} is not a number of hours"),
                )
            })?;
        let spec = ScheduleSpec {
            working_days,
            hours_per_day,
            weekday_hours: Vec::new(),
        };
        let work = spec
            .build()
            .map_err(|e| Error::invalid_field("hoursPerDay", e.message()))?;
        let week_start = match raw.week_start.as_deref() {
            None | Some("monday") => WeekStart::Monday,
            Some("sunday") => WeekStart::Sunday,
            Some("saturday") => WeekStart::Saturday,
            Some(other) => {
                return Err(Error::invalid_field(
                    "weekStart",
                    format_args!(
                        "{} is not a week start (expected monday, sunday or saturday)",
                        quote(other)
                    ),
                ))
            }
        };
        if raw.holidays.len() > MAX_HOLIDAYS {
            return Err(Error::invalid_field(
                "holidays",
                format_args!("{} holidays, more than {MAX_HOLIDAYS}", raw.holidays.len()),
            ));
        }
        let mut holidays = Vec::with_capacity(raw.holidays.len());
        for (i, h) in raw.holidays.into_iter().enumerate() {
            let date = NaiveDate::parse_from_str(&h.date, "%Y-%m-%d").map_err(|_| {
                Error::invalid_field(
                    &format!("holidays[{i}].date"),
                    format_args!("{} is not a date (expected yyyy-MM-dd)", quote(&h.date)),
                )
            })?;
            if h.name.chars().count() > MAX_NAME {
                return Err(Error::invalid_field(
                    &format!("holidays[{i}].name"),
                    format_args!("{} is longer than {MAX_NAME} characters", quote(&h.name)),
                ));
            }
            let kind = match h.kind.as_deref() {
                None | Some("whole") => HolidayKind::Whole,
                Some("half") => HolidayKind::Half,
                Some(other) => {
                    return Err(Error::invalid_field(
                        &format!("holidays[{i}].kind"),
                        format_args!(
                            "{} is not a holiday kind (expected whole or half)",
                            quote(other)
                        ),
                    ))
                }
            };
            holidays.push(Holiday {
                date,
                kind,
                name: h.name.trim().to_owned(),
            });
        }
        let calendar = HolidayCalendar::new(holidays.clone())
            .map_err(|e| Error::invalid_field("holidays", e.message()))?;
        holidays.sort_by_key(|h| h.date);
        Ok(Self {
            spec,
            work,
            week_start,
            holidays,
            calendar,
        })
    }
}

impl SiteSchedule {
    /// The seconds required on `date`, holidays applied.
    pub fn required_on(&self, date: NaiveDate) -> Seconds {
        required_on(&self.work, &self.calendar, date)
    }

    /// The name of the holiday on `date`, if it is one.
    pub fn holiday_on(&self, date: NaiveDate) -> Option<&Holiday> {
        self.holidays.iter().find(|h| h.date == date)
    }

    fn to_out(&self) -> ScheduleOut {
        let hours = self.spec.hours_per_day.normalize().to_string();
        ScheduleOut {
            working_days: DAYS
                .iter()
                .filter(|(_, d)| self.spec.working_days.contains(d))
                .map(|(name, _)| *name)
                .collect(),
            hours_per_day: serde_json::Number::from_str(&hours)
                .unwrap_or_else(|_| serde_json::Number::from(8)),
            week_start: match self.week_start {
                WeekStart::Monday => "monday",
                WeekStart::Sunday => "sunday",
                WeekStart::Saturday => "saturday",
            },
            holidays: self
                .holidays
                .iter()
                .map(|h| HolidayOut {
                    date: h.date.to_string(),
                    name: h.name.clone(),
                    kind: match h.kind {
                        HolidayKind::Whole => "whole",
                        HolidayKind::Half => "half",
                    },
                })
                .collect(),
        }
    }
}

/// The schedule as `schedule.get` answers.
#[derive(Serialize, Debug)]
#[serde(rename_all = "camelCase")]
pub struct ScheduleOut {
    working_days: Vec<&'static str>,
    hours_per_day: serde_json::Number,
    week_start: &'static str,
    holidays: Vec<HolidayOut>,
}

/// One holiday, as answered.
#[derive(Serialize, Debug)]
pub struct HolidayOut {
    date: String,
    name: String,
    kind: &'static str,
}

/// The schedule stored as the settings row [`SETTING`], in the shape of
/// `schedule.get`.
impl store::Setting for SiteSchedule {
    const NAME: &'static str = SETTING;
    const WHAT: &'static str = "a valid schedule";

    fn decode(text: &str) -> Result<Self, String> {
        crate::input::parse::<SiteSchedule>(text).map_err(|e| e.message().to_owned())
    }

    fn encode(&self) -> Result<String, String> {
        store::to_json(&self.to_out())
    }
}

/// The site's schedule (anyone with an acting user).
///
/// # Errors
///
/// `forbidden` without an acting user; as [`load`].
pub async fn get(ctx: &Ctx, _: NoInput) -> Result<ScheduleOut, Error> {
    ctx.acting_user()?;
    Ok(store::load::<SiteSchedule>(ctx).await?.to_out())
}

/// Replaces the site's schedule (Jira administrators only).
///
/// # Errors
///
/// `forbidden` for anyone without the global permission `ADMINISTER`; the
/// database's errors.
pub async fn save(ctx: &Ctx, schedule: SiteSchedule) -> Result<ScheduleOut, Error> {
    require_admin(ctx, "change the work schedule").await?;
    store::save(ctx, &schedule).await?;
    Ok(schedule.to_out())
}

#[cfg(test)]
mod tests {
    use crate::testing::FakeHost;
    use serde_json::json;

    use crate::testing::admin_answer as jira;

    #[test]
    fn the_default_is_monday_to_friday_eight_hours() {
        let mut host = FakeHost::new(Some("ann"));
        assert_eq!(
            host.run("schedule.get", json!({})).unwrap(),
            json!({"workingDays": ["mon", "tue", "wed", "thu", "fri"], "hoursPerDay": 8,
                   "weekStart": "monday", "holidays": []})
        );
    }

    #[test]
    fn administrators_save_it() {
        let mut host = FakeHost::new(Some("admin")).on_jira(jira(true));
        let schedule = json!({"workingDays": ["sun", "mon", "tue", "wed", "thu"], "hoursPerDay": 7.5,
            "weekStart": "sunday",
            "holidays": [{"date": "2026-12-25", "name": "Christmas"},
                         {"date": "2026-12-24", "name": "Christmas Eve", "kind": "half"}]});
        let out = host.run("schedule.save", schedule).unwrap();
        let expected = json!({"workingDays": ["mon", "tue", "wed", "thu", "sun"], "hoursPerDay": 7.5,
            "weekStart": "sunday",
            "holidays": [{"date": "2026-12-24", "name": "Christmas Eve", "kind": "half"},
                         {"date": "2026-12-25", "name": "Christmas", "kind": "whole"}]});
        assert_eq!(out, expected);
        assert_eq!(host.run("schedule.get", json!({})).unwrap(), expected);
        let mut host = host.on_jira(jira(false));
        host.act_as(Some("bob"));
        let e = host.run("schedule.save", expected.clone()).unwrap_err();
        assert!(e.is_forbidden(), "{e}");
    }

    #[test]
    fn bad_schedules_name_the_field_and_value() {
        let mut host = FakeHost::new(Some("admin"));
        let table = [
            (
                json!({"workingDays": ["monday"], "hoursPerDay": 8, "holidays": []}),
                r#"invalid input: field "workingDays[0]": "monday" is not a weekday (expected mon, tue, wed, thu, fri, sat or sun)"#,
            ),
            (
                json!({"workingDays": ["mon", "mon"], "hoursPerDay": 8, "holidays": []}),
                r#"invalid input: field "workingDays[1]": "mon" is listed twice"#,
            ),
            (
                json!({"workingDays": ["mon"], "hoursPerDay": 25, "holidays": []}),
                r#"invalid input: field "hoursPerDay": invalid hoursPerDay 25: out of range (expected more than 0 and at most 24)"#,
            ),
            (
                json!({"workingDays": ["mon"], "hoursPerDay": 8, "weekStart": "friday", "holidays": []}),
                r#"invalid input: field "weekStart": "friday" is not a week start (expected monday, sunday or saturday)"#,
            ),
            (
                json!({"workingDays": ["mon"], "hoursPerDay": 8, "holidays": [{"date": "2026-02-30", "name": "x"}]}),
                r#"invalid input: field "holidays[0].date": "2026-02-30" is not a date (expected yyyy-MM-dd)"#,
            ),
            (
                json!({"workingDays": ["mon"], "hoursPerDay": 8, "holidays": [{"date": "2026-02-03", "kind": "quarter"}]}),
                r#"invalid input: field "holidays[0].kind": "quarter" is not a holiday kind (expected whole or half)"#,
            ),
            (
                json!({"workingDays": ["mon"], "hoursPerDay": 8, "holidays": [{"date": "2026-02-03"}, {"date": "2026-02-03"}]}),
                r#"invalid input: field "holidays": invalid holidays: 2026-02-03 is listed twice"#,
            ),
        ];
        for (input, message) in table {
            let e = host.run("schedule.save", input).unwrap_err();
            assert_eq!(e.message(), message);
        }
        assert!(host.batches.is_empty());
    }
}
