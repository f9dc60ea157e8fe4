//! What a report reads of each worklog, so that a caller can let SQL group the
//! worklogs first (see `docs/performance.md`, "Reports where the rows are").
//!
//! The engine counts a group of worklogs exactly as it counts each of them when
//! the group is homogeneous in everything the query reads: its filters, its
//! levels, its measures, its rounding and its time axis. [`Reads`] names those
//! fields; each [`Dimension`] states its own ([`Dimension::reads`]), so a new
//! dimension is one definition here. The project is always read (filters,
//! cost, and every caller's permission checks need it); a caller whose checks
//! need the author keys by it whatever the query reads.
//!
//! [`offset_spans`] splits a period into spans of one UTC offset in the report's
//! zone, so that within a span a worklog's local day is integer arithmetic on
//! its start instant (`(started + offset) - (started + offset) % 86400000`),
//! and so is its local week ([`DateRead::Week`]): when a weekly time axis is
//! all that reads the date, a read keys by the week and forms about a fifth as
//! many groups.

use super::query::{Dimension, Measure, ReportQuery, TimeAxis};
use crate::calendar::{Instant, InstantRange, WeekStart, Zone};
use crate::error::Error;
use crate::rounding::{RoundMode, Target};

/// The fields of a worklog a report reads besides its project.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Reads {
    /// The author (the person level, people and group filters, rates).
    pub author: bool,
    /// The issue (key and summary).
    pub issue: bool,
    /// The parent issue.
    pub parent: bool,
    /// The issue's status.
    pub status: bool,
    /// The issue's components (a set).
    pub components: bool,
    /// The issue's labels (a set).
    pub labels: bool,
    /// The worklog's attributes (billable and the others, as one set).
    pub attributes: bool,
    /// The local date of the start (the time axis, rates, the day chart),
    /// as finely as they need it.
    pub date: DateRead,
    /// Each worklog's own seconds (a per-worklog rounding rule).
    pub each_seconds: bool,
    /// The author's approval period holding the start (the approval state:
    /// a group is then within one stored period of its author, so that its
    /// earliest start has the state of each of its worklogs).
    pub approval: bool,
}

/// How finely a report reads the local date of a worklog's start.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum DateRead {
    /// Not at all.
    #[default]
    None,
    /// Only the local week starting on this day: what a weekly time axis
    /// reads. Worklogs of one local week count alike for it.
    Week(WeekStart),
    /// The local day: a daily or monthly axis, the day chart, rates (chosen
    /// by date) and the approval state (by the author's period).
    Day,
}

impl DateRead {
    /// What both need: the finer of the two (a day when their weeks start on
    /// different days).
    #[must_use]
    pub fn union(self, other: DateRead) -> DateRead {
        match (self, other) {
            (DateRead::None, read) | (read, DateRead::None) => read,
            (DateRead::Week(a), DateRead::Week(b)) if a == b => DateRead::Week(a),
            _ => DateRead::Day,
        }
    }
}

impl Reads {
    /// Both sets of fields.
    #[must_use]
    pub fn union(self, other: Reads) -> Reads {
        Reads {
            author: self.author || other.author,
            issue: self.issue || other.issue,
            parent: self.parent || other.parent,
            status: self.status || other.status,
            components: self.components || other.components,
            labels: self.labels || other.labels,
            attributes: self.attributes || other.attributes,
            date: self.date.union(other.date),
            each_seconds: self.each_seconds || other.each_seconds,
            approval: self.approval || other.approval,
        }
    }

    /// What `query` reads: its levels', filters', measures', rounding's and
    /// time axis' fields.
    pub fn of(query: &ReportQuery) -> Reads {
        let filter = query.filter();
        let mut reads = Reads {
            author: filter.people.is_some() || !filter.groups.is_empty(),
            issue: filter.issues.is_some() || filter.jql.is_some(),
            attributes: filter.billable.is_some()
                || !filter.attributes.is_empty()
                || query.has(Measure::BillableSeconds),
            date: match query.time_axis() {
                None => DateRead::None,
                Some(TimeAxis::Week) => DateRead::Week(query.week_start()),
                Some(TimeAxis::Day | TimeAxis::Month) => DateRead::Day,
            },
            ..Reads::default()
        };
        if filter.approval_states.is_some() {
            reads = reads.union(Dimension::Approval.reads());
        }
        if query.has(Measure::Cost) {
            // Rates are chosen by person, project, attributes and local date.
            reads.author = true;
            reads.attributes = true;
            reads.date = DateRead::Day;
        }
        let rule = query.rounding();
        if rule.target() == Target::PerWorklog && rule.mode() != RoundMode::None {
            reads.each_seconds = true;
        }
        query
            .levels()
            .iter()
            .fold(reads, |reads, level| reads.union(level.reads()))
    }
}

impl Dimension {
    /// The worklog fields this level groups by (author and project are always
    /// read).
    pub fn reads(&self) -> Reads {
        let none = Reads::default();
        match self {
            Dimension::Person => Reads {
                author: true,
                ..none
            },
            Dimension::Project => none,
            Dimension::Parent => Reads {
                parent: true,
                ..none
            },
            Dimension::Issue => Reads {
                issue: true,
                ..none
            },
            Dimension::Component => Reads {
                components: true,
                ..none
            },
            Dimension::Label => Reads {
                labels: true,
                ..none
            },
            Dimension::Attribute(_) => Reads {
                attributes: true,
                ..none
            },
            Dimension::Status => Reads {
                status: true,
                ..none
            },
            // The author's period holding the local date of the start in
            // the author's zone.
            Dimension::Approval => Reads {
                author: true,
                date: DateRead::Day,
                approval: true,
                ..none
            },
        }
    }
}

/// A part of a period with one UTC offset in the report's zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OffsetSpan {
    /// First instant, epoch ms (inclusive).
    pub start_ms: i64,
    /// End, epoch ms (exclusive).
    pub end_ms: i64,
    /// The zone's offset from UTC throughout, ms.
    pub offset_ms: i64,
}

/// The step at which offsets are sampled: zones change their offset at most
/// once in six hours (transitions are months apart in every zone of the
/// database; Samoa's skipped day of 2011 is one transition).
const SAMPLE_MS: i64 = 6 * 3_600_000;

/// Splits `range` into spans of constant offset in `zone`, in order, each
/// transition found to the millisecond.
///
/// # Errors
///
/// Invalid input `out-of-range` for instants beyond chrono's dates.
///
/// # Example
///
/// ```
/// use worklogs_core::calendar::{parse_instant, InstantRange, Zone};
/// use worklogs_core::report::reads::offset_spans;
///
/// let berlin = Zone::parse("Europe/Berlin")?;
/// let range = InstantRange {
///     start: parse_instant("2026-03-28T23:00:00Z")?,
///     end: parse_instant("2026-03-29T22:00:00Z")?,
/// };
/// let spans = offset_spans(berlin, range)?;
/// assert_eq!(spans.len(), 2);
/// assert_eq!(spans[0].offset_ms, 3_600_000);
/// assert_eq!(spans[1].offset_ms, 7_200_000);
/// assert_eq!(spans[1].start_ms, parse_instant("2026-03-29T01:00:00Z")?.millis());
/// # Ok::<(), worklogs_core::Error>(())
/// ```
pub fn offset_spans(zone: Zone, range: InstantRange) -> Result<Vec<OffsetSpan>, Error> {
    let offset = |ms: i64| -> Result<i64, Error> {
        Ok(i64::from(zone.offset_seconds(Instant::from_millis(ms))?).saturating_mul(1000))
    };
    let (start, end) = (range.start.millis(), range.end.millis());
    let mut spans = Vec::new();
    if start >= end {
        return Ok(spans);
    }
    let mut span_start = start;
    let mut current = offset(start)?;
    let last = end.saturating_sub(1);
    let mut at = start;
    loop {
        let next = at.saturating_add(SAMPLE_MS).min(last);
        if next <= at {
            break;
        }
        if offset(next)? == current {
            at = next;
            continue;
        }
        // The first instant in (at, next] with another offset.
        let (mut low, mut high) = (at, next);
        while high.saturating_sub(low) > 1 {
            let middle = low.saturating_add(high.saturating_sub(low) / 2);
            if offset(middle)? == current {
                low = middle;
            } else {
                high = middle;
            }
        }
        spans.push(OffsetSpan {
            start_ms: span_start,
            end_ms: high,
            offset_ms: current,
        });
        span_start = high;
        current = offset(high)?;
        at = high;
    }
    spans.push(OffsetSpan {
        start_ms: span_start,
        end_ms: end,
        offset_ms: current,
    });
    Ok(spans)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::{local_date, parse_instant};

    fn range(a: &str, b: &str) -> InstantRange {
        InstantRange {
            start: parse_instant(a).unwrap(),
            end: parse_instant(b).unwrap(),
        }
    }

    /// Every minute of a year in each zone: the span's integer day equals the
    /// zone's local date.
    #[test]
    fn spans_give_local_days_by_integer_arithmetic() {
        for name in [
            "UTC",
            "Europe/Berlin",
            "Asia/Kolkata",
            "Pacific/Kiritimati",
            "America/St_Johns",
            "Australia/Lord_Howe",
            "Pacific/Apia",
            "America/Sao_Paulo",
        ] {
            let zone = Zone::parse(name).unwrap();
            let spans =
                offset_spans(zone, range("2011-01-01T00:00:00Z", "2012-01-02T00:00:00Z")).unwrap();
            let mut at = spans[0].start_ms;
            for span in &spans {
                assert_eq!(span.start_ms, at, "{name}: spans are contiguous");
                assert!(span.start_ms < span.end_ms);
                at = span.end_ms;
                let mut t = span.start_ms;
                while t < span.end_ms {
                    for probe in [t, (t + 59_999).min(span.end_ms - 1)] {
                        let shifted = probe + span.offset_ms;
                        let day = (shifted - shifted.rem_euclid(86_400_000)) / 86_400_000;
                        let date = local_date(Instant::from_millis(probe), zone).unwrap();
                        let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
                        assert_eq!((date - epoch).num_days(), day, "{name} at {probe}");
                    }
                    t += 17 * 60_000;
                }
            }
            assert_eq!(at, parse_instant("2012-01-02T00:00:00Z").unwrap().millis());
        }
    }

    #[test]
    fn a_span_per_offset() {
        let zone = Zone::parse("America/St_Johns").unwrap();
        let spans =
            offset_spans(zone, range("2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z")).unwrap();
        assert_eq!(spans.len(), 3);
        assert_eq!(spans[0].offset_ms, -12_600_000);
        assert_eq!(spans[1].offset_ms, -9_000_000);
        let kolkata = Zone::parse("Asia/Kolkata").unwrap();
        let one = offset_spans(
            kolkata,
            range("2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z"),
        )
        .unwrap();
        assert_eq!(one.len(), 1);
        assert!(offset_spans(
            kolkata,
            range("2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z")
        )
        .unwrap()
        .is_empty());
    }
}
