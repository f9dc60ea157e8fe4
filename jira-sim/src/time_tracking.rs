//! The site's time tracking settings: the working day and week, how durations
//! are shown (`timeFormat`) and the unit of a bare number (`defaultUnit`).

use serde_json::{json, Value};

/// How Jira formats durations (`timeFormat`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TimeFormat {
    /// `1w 2d 3h 30m`.
    Pretty,
    /// Decimal days, `7.44d`.
    Days,
    /// Decimal hours, `59.5h`.
    Hours,
}

impl TimeFormat {
    /// The name in Jira's API.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            TimeFormat::Pretty => "pretty",
            TimeFormat::Days => "days",
            TimeFormat::Hours => "hours",
        }
    }

    /// Parses the name in Jira's API.
    pub(crate) fn parse(s: &str) -> Option<TimeFormat> {
        [TimeFormat::Pretty, TimeFormat::Days, TimeFormat::Hours]
            .into_iter()
            .find(|f| f.as_str() == s)
    }
}

/// The unit of a bare number in a duration (`defaultUnit`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TimeUnit {
    Minute,
    Hour,
    Day,
    Week,
}

impl TimeUnit {
    /// The name in Jira's API.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            TimeUnit::Minute => "minute",
            TimeUnit::Hour => "hour",
            TimeUnit::Day => "day",
            TimeUnit::Week => "week",
        }
    }

    /// Parses the name in Jira's API.
    pub(crate) fn parse(s: &str) -> Option<TimeUnit> {
        [
            TimeUnit::Minute,
            TimeUnit::Hour,
            TimeUnit::Day,
            TimeUnit::Week,
        ]
        .into_iter()
        .find(|u| u.as_str() == s)
    }
}

/// The site's time tracking configuration.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TimeTracking {
    pub working_hours_per_day: f64,
    pub working_days_per_week: f64,
    pub time_format: TimeFormat,
    pub default_unit: TimeUnit,
}

impl Default for TimeTracking {
    fn default() -> TimeTracking {
        TimeTracking {
            working_hours_per_day: 8.0,
            working_days_per_week: 5.0,
            time_format: TimeFormat::Pretty,
            default_unit: TimeUnit::Minute,
        }
    }
}

impl TimeTracking {
    /// The configuration as Jira's `TimeTrackingConfiguration`.
    pub(crate) fn to_json(&self) -> Value {
        json!({
            "workingHoursPerDay": self.working_hours_per_day,
            "workingDaysPerWeek": self.working_days_per_week,
            "timeFormat": self.time_format.as_str(),
            "defaultUnit": self.default_unit.as_str(),
        })
    }
}
