//! Reading a query: the raw JSON (serde, unknown fields refused), then every value
//! checked into a [`ReportQuery`]; and the query the offline CLI builds from its
//! flags.

use chrono::{Datelike, NaiveDate};
use serde::Deserialize;

use super::bounds::{check_period, MAX_LEVELS};
use super::filter::RawFilter;
use super::grouping::{Dimension, TimeAxis};
use super::measures::{Measure, TimeFormat};
use super::{invalid, ReportQuery};
use crate::calendar::{DateRange, Period, WeekStart, Zone};
use crate::error::{quote, Error};
use crate::hours;
use crate::rounding::{RoundMode, RoundingRule, Target};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RawQuery {
    time_zone: String,
    #[serde(default)]
    period: Option<RawPeriod>,
    #[serde(default)]
    week_start: Option<String>,
    #[serde(default)]
    filter: RawFilter,
    #[serde(default)]
    group_by: Vec<String>,
    #[serde(default)]
    measures: Option<Vec<String>>,
    #[serde(default)]
    rounding: Option<RawRounding>,
    #[serde(default)]
    time_format: Option<String>,
    #[serde(default)]
    hours_decimals: Option<u32>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RawPeriod {
    from: Option<String>,
    to: Option<String>,
    day: Option<String>,
    week: Option<String>,
    month: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RawRounding {
    mode: String,
    #[serde(default)]
    increment_minutes: Option<u32>,
    #[serde(default)]
    target: Option<String>,
}

fn parse_date(text: &str, field: &str) -> Result<NaiveDate, Error> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
        invalid(
            "invalid-date",
            field,
            format!("{}: expected a date such as 2026-03-25", quote(text)),
        )
    })
}

impl ReportQuery {
    /// Parses and validates a query (see the module docs).
    ///
    /// # Errors
    ///
    /// Invalid input, with the field as a JSON path: `invalid-query` for malformed
    /// JSON, unknown fields or wrong types; `unknown-time-zone`; `invalid-date`,
    /// `invalid-period` (not exactly one form), `reversed-range`; `unknown-week-start`;
    /// `unknown-dimension`, `duplicate-dimension`, `too-many-levels`,
    /// `too-many-time-axes`, `invalid-attribute-key`; `unknown-measure`,
    /// `duplicate-measure`; `unknown-rounding-mode`, `unknown-rounding-target`,
    /// `out-of-range` (`rounding.incrementMinutes`); `unknown-time-format`;
    /// `too-many-decimals`; `invalid-value` for an empty filter value.
    ///
    /// # Example
    ///
    /// See [`ReportQuery`].
    pub fn from_json(text: &str) -> Result<Self, Error> {
        let deserializer = &mut serde_json::Deserializer::from_str(text);
        let raw: RawQuery = serde_path_to_error::deserialize(deserializer).map_err(|err| {
            let path = err.path().to_string();
            let message = format!("invalid report query at {path}: {}", err.inner());
            Error::invalid("invalid-query", message).field_name(&path)
        })?;
        Self::from_raw(raw)
    }

    fn from_raw(raw: RawQuery) -> Result<Self, Error> {
        let zone = Zone::parse(&raw.time_zone).map_err(|e| e.with_field("timeZone"))?;
        let week_start = match raw.week_start.as_deref() {
            None | Some("monday") => WeekStart::Monday,
            Some("sunday") => WeekStart::Sunday,
            Some("saturday") => WeekStart::Saturday,
            Some(other) => {
                return Err(invalid(
                    "unknown-week-start",
                    "weekStart",
                    format!("{}: expected monday, sunday or saturday", quote(other)),
                ))
            }
        };
        let dates = raw
            .period
            .map(|period| Self::period(period, week_start))
            .transpose()?;
        if raw.group_by.len() > MAX_LEVELS + 1 {
            return Err(Error::limit(
                "too-many-levels",
                format!(
                    "invalid groupBy: {} entries, at most {MAX_LEVELS} levels and a time axis",
                    raw.group_by.len()
                ),
            )
            .field_name("groupBy"));
        }

        let mut levels = Vec::new();
        let mut time = None;
        for (index, name) in raw.group_by.iter().enumerate() {
            let field = format!("groupBy[{index}]");
            if let Some(axis) = TimeAxis::parse(name) {
                if time.is_some() {
                    return Err(invalid(
                        "too-many-time-axes",
                        &field,
                        format!(
                            "{}: only one of day, week and month may be given",
                            quote(name)
                        ),
                    ));
                }
                time = Some(axis);
                continue;
            }
            let dimension = Dimension::parse(name)
                .ok_or_else(|| {
                    invalid(
                        "unknown-dimension",
                        &field,
                        format!(
                            "{}: unknown dimension (expected person, project, parent, issue, component, label, attribute:<key>, status, approvalState, day, week or month)",
                            quote(name)
                        ),
                    )
                })?
                .map_err(|e| e.with_field(&field))?;
            if levels.contains(&dimension) {
                return Err(invalid(
                    "duplicate-dimension",
                    &field,
                    format!("{}: already grouped by it", quote(name)),
                ));
            }
            if levels.len() == MAX_LEVELS {
                return Err(invalid(
                    "too-many-levels",
                    &field,
                    format!(
                        "{}: at most {MAX_LEVELS} levels besides the time axis",
                        quote(name)
                    ),
                ));
            }
            levels.push(dimension);
        }

        let mut measures = vec![Measure::Seconds];
        for (index, name) in raw.measures.unwrap_or_default().iter().enumerate() {
            let field = format!("measures[{index}]");
            let measure = Measure::parse(name).ok_or_else(|| {
                invalid(
                    "unknown-measure",
                    &field,
                    format!(
                        "{}: expected seconds, billableSeconds, cost or count",
                        quote(name)
                    ),
                )
            })?;
            if measure != Measure::Seconds && measures.contains(&measure) {
                return Err(invalid(
                    "duplicate-measure",
                    &field,
                    format!("{}: listed twice", quote(name)),
                ));
            }
            if !measures.contains(&measure) {
                measures.push(measure);
            }
        }

        let rounding = match raw.rounding {
            None => RoundingRule::NONE,
            Some(raw) => Self::raw_rounding(raw)?,
        };
        let time_format = match raw.time_format.as_deref() {
            None | Some("decimal") => TimeFormat::Decimal,
            Some("pretty") => TimeFormat::Pretty,
            Some("days") => TimeFormat::Days,
            Some("hours") => TimeFormat::Hours,
            Some(other) => {
                return Err(invalid(
                    "unknown-time-format",
                    "timeFormat",
                    format!("{}: expected pretty, days, hours or decimal", quote(other)),
                ))
            }
        };
        let hours_decimals = raw.hours_decimals.unwrap_or(hours::DEFAULT_DECIMALS);
        if hours_decimals > hours::MAX_DECIMALS {
            return Err(invalid(
                "too-many-decimals",
                "hoursDecimals",
                format!(
                    "{hours_decimals}: too many (expected at most {})",
                    hours::MAX_DECIMALS
                ),
            ));
        }
        let filter = Self::raw_filter(raw.filter)?;
        check_period(dates, time)?;
        Ok(ReportQuery {
            zone,
            dates,
            week_start,
            filter,
            levels,
            time,
            measures,
            rounding,
            time_format,
            hours_decimals,
        })
    }

    fn period(raw: RawPeriod, week_start: WeekStart) -> Result<DateRange, Error> {
        let forms = [
            raw.from.is_some() || raw.to.is_some(),
            raw.day.is_some(),
            raw.week.is_some(),
            raw.month.is_some(),
        ];
        if forms.iter().filter(|f| **f).count() != 1 {
            return Err(invalid(
                "invalid-period",
                "period",
                "form: expected exactly one of {from, to}, {day}, {week} or {month}".to_owned(),
            ));
        }
        let period = match (raw.from, raw.to, raw.day, raw.week, raw.month) {
            (Some(from), Some(to), ..) => {
                let first = parse_date(&from, "period.from")?;
                let last = parse_date(&to, "period.to")?;
                if last < first {
                    return Err(invalid(
                        "reversed-range",
                        "period.to",
                        format!("{last}: before period.from {first}"),
                    ));
                }
                return DateRange::inclusive(first, last).map_err(|e| e.with_field("period.to"));
            }
            (Some(_), None, ..) | (None, Some(_), ..) => {
                return Err(invalid(
                    "invalid-period",
                    "period",
                    "form: from and to go together".to_owned(),
                ))
            }
            (_, _, Some(day), ..) => Period::Day {
                date: parse_date(&day, "period.day")?,
            },
            (_, _, _, Some(week), _) => Period::Week {
                containing: parse_date(&week, "period.week")?,
                start: week_start,
            },
            (_, _, _, _, Some(month)) => {
                let date = parse_date(&month, "period.month")?;
                Period::Month {
                    year: date.year(),
                    month: date.month(),
                }
            }
            _ => {
                return Err(invalid(
                    "invalid-period",
                    "period",
                    "form: expected exactly one of {from, to}, {day}, {week} or {month}".to_owned(),
                ))
            }
        };
        period.dates().map_err(|e| e.with_field("period"))
    }

    fn raw_rounding(raw: RawRounding) -> Result<RoundingRule, Error> {
        let mode = match raw.mode.as_str() {
            "none" => RoundMode::None,
            "up" => RoundMode::Up,
            "down" => RoundMode::Down,
            "nearest" => RoundMode::Nearest,
            other => {
                return Err(invalid(
                    "unknown-rounding-mode",
                    "rounding.mode",
                    format!("{}: expected none, up, down or nearest", quote(other)),
                ))
            }
        };
        let target = match raw.target.as_deref() {
            None | Some("perWorklog") => Target::PerWorklog,
            Some("total") => Target::Total,
            Some(other) => {
                return Err(invalid(
                    "unknown-rounding-target",
                    "rounding.target",
                    format!("{}: expected perWorklog or total", quote(other)),
                ))
            }
        };
        let increment = raw.increment_minutes.unwrap_or(1);
        RoundingRule::new(mode, increment, target).map_err(|e| {
            invalid(
                e.reason(),
                "rounding.incrementMinutes",
                format!(
                    "{increment}: out of range (expected 1 to {})",
                    crate::rounding::MAX_INCREMENT_MINUTES
                ),
            )
        })
    }

    /// A query over every worklog given, grouped by `levels` and `time`, in `zone`,
    /// with the default measures, rounding and formats: what the offline CLI builds
    /// from its flags.
    ///
    /// # Errors
    ///
    /// As [`ReportQuery::from_json`] for the level names.
    ///
    /// # Example
    ///
    /// ```
    /// use worklogs_core::calendar::{WeekStart, Zone};
    /// use worklogs_core::report::ReportQuery;
    /// let q = ReportQuery::grouped(Zone::UTC, WeekStart::Sunday, &["person", "week"])?;
    /// assert_eq!(q.levels().len(), 1);
    /// assert!(ReportQuery::grouped(Zone::UTC, WeekStart::Monday, &["nope"]).is_err());
    /// # Ok::<(), worklogs_core::Error>(())
    /// ```
    pub fn grouped(zone: Zone, week_start: WeekStart, group_by: &[&str]) -> Result<Self, Error> {
        let week_start = match week_start {
            WeekStart::Monday => "monday",
            WeekStart::Sunday => "sunday",
            WeekStart::Saturday => "saturday",
        };
        Self::from_raw(RawQuery {
            time_zone: zone.name().to_owned(),
            period: None,
            week_start: Some(week_start.to_owned()),
            filter: RawFilter::default(),
            group_by: group_by.iter().map(|s| (*s).to_owned()).collect(),
            measures: None,
            rounding: None,
            time_format: None,
            hours_decimals: None,
        })
    }
}
