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
//!              "attributes": {"work_type": ["review", "dev"]}, "billable": true,
//!              "approvalStates": ["approved"]},
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
//!   `approvalStates` (`open`, `submitted`, `approved`) keeps the worklogs whose
//!   author's period holding them is in one of the states
//!   ([`crate::approval::worklog_approval_state`], given by the caller).
//! - `groupBy`: up to three of `person`, `project`, `parent`, `issue`, `component`,
//!   `label`, `attribute:<key>`, `status`, `approvalState`, plus at most one time axis `day`, `week` or
//!   `month`, which is always the innermost level wherever it is listed.
//! - `measures`: `seconds` (always computed, with `hours`), `billableSeconds`, `cost`
//!   (needs rates), `count`.
//! - `rounding`: a [`RoundingRule`]; `perWorklog` rounds each worklog before
//!   summing, `total` rounds each group's sum.
//! - `timeFormat`: how [`crate::report::Values::time`] shows a duration: `pretty`,
//!   `days`, `hours` (Jira's styles) or `decimal` hours (default).
//! - `hoursDecimals`: decimals of `hours` (0 to 12, default 2).
//!
//! The files: the names a query groups by and measures (`grouping.rs`,
//! `measures.rs`), the filter and what the caller resolves for it (`filter.rs`), the
//! limits every query stays within (`bounds.rs`), and reading the JSON into a query
//! (`parse.rs`). This file holds the validated query and what it answers.

mod bounds;
mod filter;
mod grouping;
mod measures;
mod parse;
#[cfg(test)]
mod tests;

use crate::calendar::{DateRange, InstantRange, WeekStart, Zone};
use crate::error::Error;
use crate::rounding::RoundingRule;

pub use bounds::{
    MAX_DAY_AXIS_DAYS, MAX_FILTER_VALUES, MAX_JQL_CHARS, MAX_LEVELS, MAX_PERIOD_DAYS,
};
pub use filter::{Filter, Resolution};
pub use grouping::{Dimension, TimeAxis};
pub use measures::{Measure, TimeFormat};

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

/// An invalid-input error naming `field` (a JSON path) and the bad value.
fn invalid(reason: &'static str, field: &str, message: String) -> Error {
    Error::invalid(reason, format!("invalid {field} {message}")).field_name(field)
}

impl ReportQuery {
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
