//! What a report sums per group ([`Measure`]) and how it shows durations
//! ([`TimeFormat`]).

use std::fmt;

use crate::duration::Style;

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
    pub(super) fn parse(text: &str) -> Option<Self> {
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
