//! Group keys as people see them: time buckets and their periods, values and
//! labels, and the display order.

use std::cmp::Ordering;

use chrono::{Datelike, NaiveDate};

use super::{Level, NONE};
use crate::calendar::{iso_week, week_start, WeekStart};
use crate::error::Error;
use crate::report::query::{Dimension, TimeAxis};
use crate::report::result::KeyValue;

/// The time bucket of `date`: the days from the common era of its first date.
pub(super) fn bucket(date: NaiveDate, axis: TimeAxis, start: WeekStart) -> Result<u32, Error> {
    let first = match axis {
        TimeAxis::Day => date,
        TimeAxis::Week => week_start(date, start)?,
        TimeAxis::Month => date.with_day(1).unwrap_or(date),
    };
    u32::try_from(first.num_days_from_ce())
        .ok()
        .filter(|days| *days > 0)
        .ok_or_else(|| {
            Error::invalid(
                "out-of-range",
                format!("invalid date {date}: out of range for reports (expected the common era)"),
            )
        })
}

pub(super) fn bucket_date(bucket: u32) -> NaiveDate {
    i32::try_from(bucket)
        .ok()
        .and_then(NaiveDate::from_num_days_from_ce_opt)
        .unwrap_or_default()
}

/// The key of a time bucket: id = its first date, label = the period's name.
pub(super) fn time_value(bucket: u32, axis: TimeAxis, start: WeekStart) -> KeyValue {
    let first = bucket_date(bucket);
    let label = match axis {
        TimeAxis::Day => first.to_string(),
        TimeAxis::Week if start == WeekStart::Monday => iso_week(first).to_string(),
        TimeAxis::Week => first.to_string(),
        TimeAxis::Month => first.format("%Y-%m").to_string(),
    };
    KeyValue {
        id: Some(first.to_string()),
        label: Some(label),
    }
}

/// The `(id, label)` of the time bucket (on `axis`, weeks starting on
/// `start`) that holds `date`, as a report's rows key it: id = the bucket's
/// first date (`YYYY-MM-DD`, before `date` for a week or month begun
/// earlier), label = the period's name (`2026-01-05`, `2026-W02` for a week
/// starting on Monday, the first date for other weeks, `2026-01` for a
/// month). For callers that list a period's buckets, such as a chart that
/// shows the empty ones too.
///
/// # Errors
///
/// `out-of-range` for a date whose bucket begins before the common era.
pub fn time_key(
    date: NaiveDate,
    axis: TimeAxis,
    start: WeekStart,
) -> Result<(String, String), Error> {
    let value = time_value(bucket(date, axis, start)?, axis, start);
    Ok((
        value.id.unwrap_or_default(),
        value.label.unwrap_or_default(),
    ))
}

pub(super) fn key_value(level: &Level, id: u32) -> KeyValue {
    if id == NONE {
        return KeyValue {
            id: None,
            label: None,
        };
    }
    let index = id as usize;
    let value = level.values.ids.get(index).map(|v| v.to_string());
    let label = level
        .values
        .labels
        .get(index)
        .and_then(|l| l.as_deref())
        .map(str::to_owned)
        .or_else(|| value.clone());
    KeyValue { id: value, label }
}

/// Each id's position in display order; "no value" last.
pub(super) fn rank(level: &Level) -> Vec<u32> {
    let values = &level.values;
    let by_label = matches!(level.dimension, Dimension::Person);
    let display = |id: usize| -> &str {
        let value = values.ids.get(id).map_or("", |v| v);
        if by_label {
            values
                .labels
                .get(id)
                .and_then(|l| l.as_deref())
                .unwrap_or(value)
        } else {
            value
        }
    };
    let mut ids: Vec<usize> = (1..values.ids.len()).collect();
    ids.sort_by(|a, b| {
        natural_cmp(display(*a), display(*b))
            .then_with(|| values.ids.get(*a).cmp(&values.ids.get(*b)))
    });
    let mut ranks = vec![u32::MAX; values.ids.len()];
    for (position, id) in ids.into_iter().enumerate() {
        if let Some(slot) = ranks.get_mut(id) {
            *slot = u32::try_from(position).unwrap_or(u32::MAX);
        }
    }
    ranks
}

/// Compares text for people: case-insensitively first, digit runs as numbers
/// (`WEB-9` < `WEB-10`), then exactly, so the order is total.
pub(crate) fn natural_cmp(a: &str, b: &str) -> Ordering {
    let mut x = a.chars().peekable();
    let mut y = b.chars().peekable();
    loop {
        match (x.peek().copied(), y.peek().copied()) {
            (None, None) => return a.cmp(b),
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(c), Some(d)) if c.is_ascii_digit() && d.is_ascii_digit() => {
                let run = |it: &mut std::iter::Peekable<std::str::Chars<'_>>| {
                    let mut digits = String::new();
                    while let Some(c) = it.peek().copied().filter(char::is_ascii_digit) {
                        digits.push(c);
                        it.next();
                    }
                    digits
                };
                let (m, n) = (run(&mut x), run(&mut y));
                let (m, n) = (m.trim_start_matches('0'), n.trim_start_matches('0'));
                let order = m.len().cmp(&n.len()).then_with(|| m.cmp(n));
                if order != Ordering::Equal {
                    return order;
                }
            }
            (Some(c), Some(d)) => {
                let order = c.to_lowercase().cmp(d.to_lowercase());
                if order != Ordering::Equal {
                    return order;
                }
                x.next();
                y.next();
            }
        }
    }
}
