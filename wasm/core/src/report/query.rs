//! The report query: what to count, over which period, grouped how.
//!
//! A query arrives as JSON and is validated in two stages: serde reads it into a raw
//! struct that rejects unknown fields, then [`ReportQuery::from_json`] checks every
//! value and builds the typed query the engine uses. Errors name the field (as a
//! JSON path such as `groupBy[3]` or `filter.people[0]`) and the bad value.
//!
//! ```json
//! {
//!   "timeZone": "Europe/Berlin",
//!   "period": {"from": "2026-03-01", "to": "2026-03-31"},
//!   "weekStart": "monday",
//!   "filter": {"people": ["5b10…"], "groups": ["developers"], "projects": ["WEB"],
//!              "issues": ["WEB-12"], "jql": "sprint in openSprints()",
//!              "attributes": {"work_type": ["review", "dev"]}, "billable": true},
//!   "groupBy": ["person", "project", "week"],
//!   "measures": ["seconds", "billableSeconds", "cost", "count"],
//!   "rounding": {"mode": "nearest", "incrementMinutes": 15, "target": "perWorklog"},
//!   "timeFormat": "decimal",
//!   "hoursDecimals": 2
//! }
//! ```
//!
//! - `timeZone` (required): the IANA zone whose local dates the report uses.
//! - `period`: `{"from", "to"}` (local dates, both included), or `{"day": date}`,
//!   `{"week": date}` (the week holding it, starting on `weekStart`) or
//!   `{"month": date}` (the month holding it). Without it the report covers every
//!   worklog it is given (the offline CLI); the app requires one.
//! - `filter`: every given filter must match (`people` and `groups` together: the
//!   author is one of the people or in one of the groups). `groups` and `jql` are
//!   resolved by the caller ([`Resolution`]) into account ids and issue keys.
//! - `groupBy`: up to three of `person`, `project`, `parent`, `issue`, `component`,
//!   `label`, `attribute:<key>`, `status`, plus at most one time axis `day`, `week` or
//!   `month`, which is always the innermost level wherever it is listed.
//! - `measures`: `seconds` (always computed, with `hours`), `billableSeconds`, `cost`
//!   (needs rates), `count`.
//! - `rounding`: a [`RoundingRule`]; `perWorklog` rounds each worklog before
//!   summing, `total` rounds each group's sum.
//! - `timeFormat`: how [`crate::report::Values::time`] shows a duration: `pretty`,
//!   `days`, `hours` (Jira's styles) or `decimal` hours (default).
//! - `hoursDecimals`: decimals of `hours` (0 to 12, default 2).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::Deserialize;

use crate::calendar::{DateRange, InstantRange, Period, WeekStart, Zone};
use crate::duration::Style;
use crate::error::{quote, Error};
use crate::export::flat::check_attribute_key;
use crate::hours;
use crate::rounding::{RoundMode, RoundingRule, Target};

/// The most grouping levels besides the time axis.
pub const MAX_LEVELS: usize = 3;
/// Most days a period may span: ten years (leap days included). A report over
/// more is a mistake or an attack, and no host should hold its buckets.
pub const MAX_PERIOD_DAYS: u64 = 3_653;
/// Most days a period may span when grouped by day (every day is a bucket,
/// times every other level's keys): two years.
pub const MAX_DAY_AXIS_DAYS: u64 = 731;
/// Most values in one filter list (people, groups, projects, issues, the values
/// of one attribute), and most attributes filtered at once.
pub const MAX_FILTER_VALUES: usize = 1_000;
/// Most characters in a JQL filter (Jira itself rejects far longer queries in
/// a URL).
pub const MAX_JQL_CHARS: usize = 2_000;

/// A grouping level.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dimension {
    /// The author (account id; shown by display name).
    Person,
    /// The project (key; shown with its name).
    Project,
    /// The parent issue (epic or story), or none.
    Parent,
    /// The issue (key; shown with its summary).
    Issue,
    /// Each component of the issue: a worklog counts under every one.
    Component,
    /// Each label of the issue: a worklog counts under every one.
    Label,
    /// A worklog attribute's value, or none.
    Attribute(String),
    /// The issue's status.
    Status,
}

impl Dimension {
    /// True for dimensions where a worklog can have several values (components,
    /// labels): a worklog then counts under each, so the groups' sum can exceed the
    /// total.
    pub fn is_multi_valued(&self) -> bool {
        matches!(self, Dimension::Component | Dimension::Label)
    }

    fn parse(text: &str) -> Option<Result<Self, Error>> {
        Some(Ok(match text {
            "person" => Dimension::Person,
            "project" => Dimension::Project,
            "parent" => Dimension::Parent,
            "issue" => Dimension::Issue,
            "component" => Dimension::Component,
            "label" => Dimension::Label,
            "status" => Dimension::Status,
            _ => {
                let key = text.strip_prefix("attribute:")?;
                return Some(
                    check_attribute_key(key).map(|()| Dimension::Attribute(key.to_owned())),
                );
            }
        }))
    }
}

impl fmt::Display for Dimension {
    /// The query's name: `person`, …, `attribute:work_type`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Dimension::Person => f.write_str("person"),
            Dimension::Project => f.write_str("project"),
            Dimension::Parent => f.write_str("parent"),
            Dimension::Issue => f.write_str("issue"),
            Dimension::Component => f.write_str("component"),
            Dimension::Label => f.write_str("label"),
            Dimension::Attribute(key) => write!(f, "attribute:{key}"),
            Dimension::Status => f.write_str("status"),
        }
    }
}

/// The time axis: the innermost grouping level, by local date of the start.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TimeAxis {
    /// Each local date.
    Day,
    /// Each week, starting on the query's `weekStart`.
    Week,
    /// Each calendar month.
    Month,
}

impl TimeAxis {
    fn parse(text: &str) -> Option<Self> {
        match text {
            "day" => Some(TimeAxis::Day),
            "week" => Some(TimeAxis::Week),
            "month" => Some(TimeAxis::Month),
            _ => None,
        }
    }
}

impl fmt::Display for TimeAxis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TimeAxis::Day => "day",
            TimeAxis::Week => "week",
            TimeAxis::Month => "month",
        })
    }
}

/// What the report sums per group, besides seconds and hours (always there).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Measure {
    /// Time logged (always computed).
    Seconds,
    /// Time logged on billable worklogs.
    BillableSeconds,
    /// Cost by the rate table, per currency, rounded once per group.
    Cost,
    /// Number of worklogs.
    Count,
}

impl Measure {
    fn parse(text: &str) -> Option<Self> {
        match text {
            "seconds" => Some(Measure::Seconds),
            "billableSeconds" => Some(Measure::BillableSeconds),
            "cost" => Some(Measure::Cost),
            "count" => Some(Measure::Count),
            _ => None,
        }
    }
}

impl fmt::Display for Measure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Measure::Seconds => "seconds",
            Measure::BillableSeconds => "billableSeconds",
            Measure::Cost => "cost",
            Measure::Count => "count",
        })
    }
}

/// How durations are shown in a report's `time` field.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum TimeFormat {
    /// Jira's `pretty`: `1w 2d 3h 30m`.
    Pretty,
    /// Jira's `days`: `7.4375d`.
    Days,
    /// Jira's `hours`: `59.5h`.
    Hours,
    /// Decimal hours with the query's decimals: `59.50`.
    #[default]
    Decimal,
}

impl TimeFormat {
    /// The duration style, for the Jira styles.
    pub fn style(self) -> Option<Style> {
        match self {
            TimeFormat::Pretty => Some(Style::Pretty),
            TimeFormat::Days => Some(Style::Days),
            TimeFormat::Hours => Some(Style::Hours),
            TimeFormat::Decimal => None,
        }
    }
}

/// Which worklogs count; every filter given must match. `None` means no filter.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    /// Authors by account id.
    pub people: Option<BTreeSet<String>>,
    /// Authors in these groups (resolved by the caller).
    pub groups: Vec<String>,
    /// Projects by key.
    pub projects: Option<BTreeSet<String>>,
    /// Issues by key.
    pub issues: Option<BTreeSet<String>>,
    /// A JQL query whose issues count (resolved by the caller into keys).
    pub jql: Option<String>,
    /// Attribute values: each key's value must be one of its set.
    pub attributes: BTreeMap<String, BTreeSet<String>>,
    /// Only billable (`true`) or non-billable (`false`) worklogs.
    pub billable: Option<bool>,
}

/// What the caller resolved for a query's `groups` and `jql`.
///
/// # Example
///
/// ```
/// use worklogs_core::report::Resolution;
/// let resolution = Resolution {
///     group_members: [("developers".to_owned(), vec!["acc-1".to_owned()])].into(),
///     jql_issues: Some(vec!["WEB-1".to_owned()]),
/// };
/// assert_eq!(resolution.group_members["developers"], ["acc-1"]);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Resolution {
    /// The account ids of each group's members.
    pub group_members: BTreeMap<String, Vec<String>>,
    /// The keys of the issues the JQL query found.
    pub jql_issues: Option<Vec<String>>,
}

/// A validated report query (see the module docs).
///
/// # Example
///
/// ```
/// use worklogs_core::report::{Dimension, ReportQuery, TimeAxis};
///
/// let query = ReportQuery::from_json(r#"{"timeZone": "Europe/Berlin",
///     "period": {"week": "2026-03-25"}, "weekStart": "sunday", "groupBy": ["week", "person"]}"#)?;
/// assert_eq!(query.levels(), [Dimension::Person]);
/// assert_eq!(query.time_axis(), Some(TimeAxis::Week));
/// assert_eq!(query.dates().unwrap().first().to_string(), "2026-03-22");
///
/// let err = ReportQuery::from_json(r#"{"timeZone": "UTC", "groupBy": ["person", "colour"]}"#).unwrap_err();
/// assert_eq!(err.field(), Some("groupBy[1]"));
/// assert!(err.to_string().starts_with(r#"invalid groupBy[1] "colour": unknown dimension"#));
/// # Ok::<(), worklogs_core::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportQuery {
    zone: Zone,
    dates: Option<DateRange>,
    week_start: WeekStart,
    filter: Filter,
    levels: Vec<Dimension>,
    time: Option<TimeAxis>,
    measures: Vec<Measure>,
    rounding: RoundingRule,
    time_format: TimeFormat,
    hours_decimals: u32,
}

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

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RawFilter {
    people: Option<Vec<String>>,
    groups: Option<Vec<String>>,
    projects: Option<Vec<String>>,
    issues: Option<Vec<String>>,
    jql: Option<String>,
    attributes: Option<BTreeMap<String, Vec<String>>>,
    billable: Option<bool>,
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

fn invalid(reason: &'static str, field: &str, message: String) -> Error {
    Error::invalid(reason, format!("invalid {field} {message}")).field_name(field)
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

/// A list of non-empty, trimmed values as a set; `None` when absent.
fn value_set(values: Option<Vec<String>>, field: &str) -> Result<Option<BTreeSet<String>>, Error> {
    let Some(values) = values else {
        return Ok(None);
    };
    if values.len() > MAX_FILTER_VALUES {
        return Err(Error::limit(
            "too-many-values",
            format!(
                "invalid {field}: {} values, at most {MAX_FILTER_VALUES}",
                values.len()
            ),
        )
        .field_name(field));
    }
    let mut set = BTreeSet::new();
    for (index, value) in values.into_iter().enumerate() {
        let trimmed = value.trim();
        if trimmed.is_empty() || trimmed.len() > 255 {
            return Err(invalid(
                "invalid-value",
                &format!("{field}[{index}]"),
                format!("{}: expected 1 to 255 characters", quote(&value)),
            ));
        }
        set.insert(trimmed.to_owned());
    }
    Ok(Some(set))
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
                            "{}: unknown dimension (expected person, project, parent, issue, component, label, attribute:<key>, status, day, week or month)",
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
        if let Some(range) = dates {
            let days = range.len();
            let (most, why) = if time == Some(TimeAxis::Day) {
                (MAX_DAY_AXIS_DAYS, "grouped by day")
            } else {
                (MAX_PERIOD_DAYS, "in one report")
            };
            if days > most {
                return Err(Error::limit(
                    "period-too-long",
                    format!("invalid period: {days} days, at most {most} {why}"),
                )
                .field_name("period"));
            }
        }
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

    fn raw_filter(raw: RawFilter) -> Result<Filter, Error> {
        let mut attributes = BTreeMap::new();
        if raw
            .attributes
            .as_ref()
            .is_some_and(|a| a.len() > MAX_FILTER_VALUES)
        {
            return Err(Error::limit(
                "too-many-values",
                format!("invalid filter.attributes: more than {MAX_FILTER_VALUES} attributes"),
            )
            .field_name("filter.attributes"));
        }
        for (key, values) in raw.attributes.unwrap_or_default() {
            let field = format!("filter.attributes.{key}");
            check_attribute_key(&key).map_err(|e| e.with_field("filter.attributes"))?;
            let set = value_set(Some(values), &field)?.unwrap_or_default();
            attributes.insert(key, set);
        }
        let groups = value_set(raw.groups, "filter.groups")?
            .unwrap_or_default()
            .into_iter()
            .collect();
        let jql = match raw.jql {
            Some(jql) if jql.chars().count() > MAX_JQL_CHARS => {
                return Err(Error::limit(
                    "too-long",
                    format!(
                        "invalid filter.jql: {} characters, at most {MAX_JQL_CHARS}",
                        jql.chars().count()
                    ),
                )
                .field_name("filter.jql"));
            }
            Some(jql) if jql.trim().is_empty() => {
                return Err(invalid(
                    "invalid-value",
                    "filter.jql",
                    "\"\": expected a JQL query".to_owned(),
                ))
            }
            jql => jql,
        };
        Ok(Filter {
            people: value_set(raw.people, "filter.people")?,
            groups,
            projects: value_set(raw.projects, "filter.projects")?,
            issues: value_set(raw.issues, "filter.issues")?,
            jql,
            attributes,
            billable: raw.billable,
        })
    }

    /// The zone whose local dates the report uses.
    pub fn zone(&self) -> Zone {
        self.zone
    }

    /// The local dates covered, `None` for every worklog given.
    pub fn dates(&self) -> Option<DateRange> {
        self.dates
    }

    /// The instants covered in the zone (for SQL bounds on `started`), `None` for no
    /// period.
    ///
    /// # Errors
    ///
    /// As [`DateRange::instants`].
    pub fn instants(&self) -> Result<Option<InstantRange>, Error> {
        self.dates.map(|d| d.instants(self.zone)).transpose()
    }

    /// The first day of weeks.
    pub fn week_start(&self) -> WeekStart {
        self.week_start
    }

    /// The filters.
    pub fn filter(&self) -> &Filter {
        &self.filter
    }

    /// The grouping levels, outermost first, without the time axis.
    pub fn levels(&self) -> &[Dimension] {
        &self.levels
    }

    /// The time axis, the innermost level.
    pub fn time_axis(&self) -> Option<TimeAxis> {
        self.time
    }

    /// The measures, `seconds` first.
    pub fn measures(&self) -> &[Measure] {
        &self.measures
    }

    /// True when `measure` was asked for.
    pub fn has(&self, measure: Measure) -> bool {
        self.measures.contains(&measure)
    }

    /// The rounding rule.
    pub fn rounding(&self) -> RoundingRule {
        self.rounding
    }

    /// How durations are shown.
    pub fn time_format(&self) -> TimeFormat {
        self.time_format
    }

    /// Decimals of hours.
    pub fn hours_decimals(&self) -> u32 {
        self.hours_decimals
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

    /// The same query with `measures` (besides seconds).
    #[must_use]
    pub fn with_measures(mut self, measures: &[Measure]) -> Self {
        for m in measures {
            if !self.measures.contains(m) {
                self.measures.push(*m);
            }
        }
        self
    }

    /// The same query grouped by `level` and `time` only, measuring seconds and
    /// counts: a chart beside the report. A chart by day over a period longer
    /// than [`MAX_DAY_AXIS_DAYS`] is allowed here (the period itself is bounded
    /// by [`MAX_PERIOD_DAYS`]): it has one point a day and nothing per person or
    /// issue.
    #[must_use]
    pub fn for_chart(&self, level: Option<Dimension>, time: Option<TimeAxis>) -> Self {
        let mut chart = self.clone();
        chart.levels = level.into_iter().collect();
        chart.time = time;
        chart.measures = vec![Measure::Seconds, Measure::Count];
        chart
    }

    /// The same query with a rounding rule.
    #[must_use]
    pub fn with_rounding(mut self, rounding: RoundingRule) -> Self {
        self.rounding = rounding;
        self
    }

    /// The same query with a filter.
    #[must_use]
    pub fn with_filter(mut self, filter: Filter) -> Self {
        self.filter = filter;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(json: &str) -> Error {
        ReportQuery::from_json(json).unwrap_err()
    }

    #[test]
    fn a_full_query_parses() {
        let q = ReportQuery::from_json(
            r#"{"timeZone": "Europe/Berlin", "period": {"from": "2026-03-01", "to": "2026-03-31"},
                "filter": {"people": ["a", " b "], "attributes": {"work_type": ["dev"]}, "billable": true},
                "groupBy": ["person", "attribute:work_type", "month"],
                "measures": ["count", "cost", "billableSeconds"],
                "rounding": {"mode": "nearest", "incrementMinutes": 15, "target": "total"},
                "timeFormat": "pretty", "hoursDecimals": 4}"#,
        )
        .unwrap();
        assert_eq!(q.dates().unwrap().len(), 31);
        assert_eq!(
            q.levels(),
            [Dimension::Person, Dimension::Attribute("work_type".into())]
        );
        assert_eq!(q.time_axis(), Some(TimeAxis::Month));
        assert_eq!(
            q.measures(),
            [
                Measure::Seconds,
                Measure::Count,
                Measure::Cost,
                Measure::BillableSeconds
            ]
        );
        assert_eq!(q.rounding().target(), Target::Total);
        assert_eq!(q.time_format(), TimeFormat::Pretty);
        assert_eq!(q.hours_decimals(), 4);
        let people: Vec<&str> = q
            .filter()
            .people
            .as_ref()
            .unwrap()
            .iter()
            .map(String::as_str)
            .collect();
        assert_eq!(people, ["a", "b"]);
        assert_eq!(q.filter().billable, Some(true));
        let instants = q.instants().unwrap().unwrap();
        assert_eq!(
            crate::calendar::format_utc(instants.start).unwrap(),
            "2026-02-28T23:00:00.000Z"
        );
    }

    #[test]
    fn every_input_is_bounded() {
        let refused = |json: String| ReportQuery::from_json(&json).unwrap_err();
        // The query that trapped the component: all of time, by day.
        let e = refused(
            r#"{"timeZone": "UTC", "period": {"from": "0001-01-01", "to": "9999-12-31"}, "groupBy": ["person", "issue", "day"]}"#.into(),
        );
        assert!(e.is_limit(), "{e}");
        assert_eq!((e.reason(), e.field()), ("period-too-long", Some("period")));
        assert!(
            e.message()
                .contains("3652059 days, at most 731 grouped by day"),
            "{e}"
        );
        // Without a day axis ten years pass, eleven do not.
        let span = |to: &str, axis: &str| {
            format!(
                r#"{{"timeZone": "UTC", "period": {{"from": "2016-01-01", "to": "{to}"}}, "groupBy": [{axis}]}}"#
            )
        };
        assert!(ReportQuery::from_json(&span("2025-12-31", r#""month""#)).is_ok());
        assert!(refused(span("2026-12-31", r#""month""#)).is_limit());
        assert!(ReportQuery::from_json(&span("2017-12-31", r#""day""#)).is_ok());
        assert!(refused(span("2018-12-31", r#""day""#)).is_limit());
        // Lists in filters.
        let many: Vec<String> = (0..=MAX_FILTER_VALUES)
            .map(|i| format!("\"P{i}\""))
            .collect();
        for list in ["people", "groups", "projects", "issues"] {
            let e = refused(format!(
                r#"{{"timeZone": "UTC", "filter": {{"{list}": [{}]}}}}"#,
                many.join(",")
            ));
            assert!(e.is_limit(), "{list}: {e}");
            assert_eq!(e.field(), Some(format!("filter.{list}").as_str()));
        }
        let e = refused(format!(
            r#"{{"timeZone": "UTC", "filter": {{"attributes": {{"team": [{}]}}}}}}"#,
            many.join(",")
        ));
        assert_eq!(e.field(), Some("filter.attributes.team"), "{e}");
        let e = refused(format!(
            r#"{{"timeZone": "UTC", "filter": {{"jql": "{}"}}}}"#,
            "a".repeat(MAX_JQL_CHARS + 1)
        ));
        assert_eq!((e.is_limit(), e.field()), (true, Some("filter.jql")), "{e}");
        let e = refused(r#"{"timeZone": "UTC", "groupBy": ["person", "issue", "project", "label", "day", "week"]}"#.into());
        assert_eq!((e.is_limit(), e.field()), (true, Some("groupBy")), "{e}");
    }

    #[test]
    fn periods() {
        let dates = |period: &str| {
            let q = ReportQuery::from_json(&format!(
                r#"{{"timeZone": "UTC", "weekStart": "saturday", "period": {period}}}"#
            ))
            .unwrap();
            let d = q.dates().unwrap();
            (d.first().to_string(), d.len())
        };
        assert_eq!(dates(r#"{"day": "2026-03-25"}"#), ("2026-03-25".into(), 1));
        assert_eq!(dates(r#"{"week": "2026-03-25"}"#), ("2026-03-21".into(), 7));
        assert_eq!(
            dates(r#"{"month": "2026-02-14"}"#),
            ("2026-02-01".into(), 28)
        );
    }

    #[test]
    fn errors_name_the_field_and_value() {
        let table: &[(&str, &str, &str, &str)] = &[
            (
                r#"{"timeZone": "Mars/Base"}"#,
                "unknown-time-zone",
                "timeZone",
                "Mars/Base",
            ),
            (
                r#"{"timeZone": "UTC", "colour": 1}"#,
                "invalid-query",
                "colour",
                "unknown field `colour`",
            ),
            (
                r#"{"timeZone": "UTC", "groupBy": "person"}"#,
                "invalid-query",
                "groupBy",
                "invalid type",
            ),
            (
                r#"{"timeZone": "UTC", "filter": {"peeple": []}}"#,
                "invalid-query",
                "filter.peeple",
                "unknown field",
            ),
            (
                r#"{"timeZone": "UTC", "period": {"from": "2026-13-01", "to": "2026-12-01"}}"#,
                "invalid-date",
                "period.from",
                "2026-13-01",
            ),
            (
                r#"{"timeZone": "UTC", "period": {"from": "2026-03-02", "to": "2026-03-01"}}"#,
                "reversed-range",
                "period.to",
                "2026-03-01",
            ),
            (
                r#"{"timeZone": "UTC", "period": {"day": "2026-03-02", "month": "2026-03-01"}}"#,
                "invalid-period",
                "period",
                "exactly one",
            ),
            (
                r#"{"timeZone": "UTC", "period": {"from": "2026-03-02"}}"#,
                "invalid-period",
                "period",
                "together",
            ),
            (
                r#"{"timeZone": "UTC", "weekStart": "friday"}"#,
                "unknown-week-start",
                "weekStart",
                "friday",
            ),
            (
                r#"{"timeZone": "UTC", "groupBy": ["person", "person"]}"#,
                "duplicate-dimension",
                "groupBy[1]",
                "person",
            ),
            (
                r#"{"timeZone": "UTC", "groupBy": ["person", "project", "issue", "label"]}"#,
                "too-many-levels",
                "groupBy[3]",
                "label",
            ),
            (
                r#"{"timeZone": "UTC", "groupBy": ["week", "month"]}"#,
                "too-many-time-axes",
                "groupBy[1]",
                "month",
            ),
            (
                r#"{"timeZone": "UTC", "groupBy": ["attribute:Work Type"]}"#,
                "invalid-attribute-key",
                "groupBy[0]",
                "Work Type",
            ),
            (
                r#"{"timeZone": "UTC", "measures": ["money"]}"#,
                "unknown-measure",
                "measures[0]",
                "money",
            ),
            (
                r#"{"timeZone": "UTC", "measures": ["count", "count"]}"#,
                "duplicate-measure",
                "measures[1]",
                "count",
            ),
            (
                r#"{"timeZone": "UTC", "rounding": {"mode": "sideways"}}"#,
                "unknown-rounding-mode",
                "rounding.mode",
                "sideways",
            ),
            (
                r#"{"timeZone": "UTC", "rounding": {"mode": "up", "incrementMinutes": 0}}"#,
                "out-of-range",
                "rounding.incrementMinutes",
                "0",
            ),
            (
                r#"{"timeZone": "UTC", "rounding": {"mode": "up", "target": "each"}}"#,
                "unknown-rounding-target",
                "rounding.target",
                "each",
            ),
            (
                r#"{"timeZone": "UTC", "timeFormat": "roman"}"#,
                "unknown-time-format",
                "timeFormat",
                "roman",
            ),
            (
                r#"{"timeZone": "UTC", "hoursDecimals": 13}"#,
                "too-many-decimals",
                "hoursDecimals",
                "13",
            ),
            (
                r#"{"timeZone": "UTC", "filter": {"people": ["a", " "]}}"#,
                "invalid-value",
                "filter.people[1]",
                "\" \"",
            ),
            (
                r#"{"timeZone": "UTC", "filter": {"jql": " "}}"#,
                "invalid-value",
                "filter.jql",
                "JQL",
            ),
            (
                r#"{"timeZone": "UTC", "filter": {"attributes": {"Bad": ["x"]}}}"#,
                "invalid-attribute-key",
                "filter.attributes",
                "Bad",
            ),
        ];
        for (json, reason, field, needle) in table {
            let e = err(json);
            assert_eq!(e.reason(), *reason, "{json}: {e}");
            assert_eq!(e.field(), Some(*field), "{json}: {e}");
            assert!(e.to_string().contains(needle), "{json}: {e}");
            assert!(e.is_invalid_input());
        }
    }
}
