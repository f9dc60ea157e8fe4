//! The limits every query stays within: grouping levels, the period's length,
//! filter lists and JQL; and the check of the period's length.

use super::grouping::TimeAxis;
use crate::calendar::DateRange;
use crate::error::Error;

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

/// Refuses a period longer than [`MAX_PERIOD_DAYS`], or than [`MAX_DAY_AXIS_DAYS`]
/// when grouped by day.
pub(super) fn check_period(dates: Option<DateRange>, time: Option<TimeAxis>) -> Result<(), Error> {
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
    Ok(())
}
