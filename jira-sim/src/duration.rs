//! Jira durations: parsing `"1w 2d 3h 30m"` and formatting seconds back.
//!
//! Jira reads durations in weeks, days, hours and minutes, where a day and a week
//! are the site's *working* day and week (`workingHoursPerDay`,
//! `workingDaysPerWeek`), and a bare number is in the default unit. It formats them
//! in the configured `timeFormat`: `pretty` (`1w 2d 3h 30m`), `days` (`7.44d`) or
//! `hours` (`59.5h`). Seconds below a minute are not shown, as in Jira.

use crate::time_tracking::{TimeFormat, TimeTracking, TimeUnit};

/// Seconds in one working day under `cfg`.
fn day_seconds(cfg: &TimeTracking) -> i64 {
    (cfg.working_hours_per_day * 3600.0).round() as i64
}

/// Seconds in one working week under `cfg`.
fn week_seconds(cfg: &TimeTracking) -> i64 {
    (cfg.working_hours_per_day * cfg.working_days_per_week * 3600.0).round() as i64
}

/// Seconds in one `unit` under `cfg`.
fn unit_seconds(cfg: &TimeTracking, unit: TimeUnit) -> i64 {
    match unit {
        TimeUnit::Minute => 60,
        TimeUnit::Hour => 3600,
        TimeUnit::Day => day_seconds(cfg),
        TimeUnit::Week => week_seconds(cfg),
    }
}

/// Parses a Jira duration such as `2d`, `1h 30m`, `1.5h`, `1w2d` or `90` (a bare
/// number is in the configured default unit) into seconds.
///
/// Returns `None` for an empty, negative or malformed duration.
pub(crate) fn parse(input: &str, cfg: &TimeTracking) -> Option<i64> {
    let s = input.trim();
    if s.is_empty() {
        return None;
    }
    let mut total: f64 = 0.0;
    let mut rest = s;
    let mut parts = 0;
    while !rest.is_empty() {
        rest = rest.trim_start();
        let num_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        if num_len == 0 {
            return None;
        }
        let number: f64 = rest[..num_len].parse().ok()?;
        rest = rest[num_len..].trim_start();
        let unit = match rest.chars().next() {
            Some('w') | Some('W') => Some(TimeUnit::Week),
            Some('d') | Some('D') => Some(TimeUnit::Day),
            Some('h') | Some('H') => Some(TimeUnit::Hour),
            Some('m') | Some('M') => Some(TimeUnit::Minute),
            None => None,
            Some(_) => return None,
        };
        let unit = match unit {
            Some(u) => {
                rest = &rest[1..];
                u
            }
            // A bare number is only allowed on its own.
            None if parts == 0 => cfg.default_unit,
            None => return None,
        };
        total += number * unit_seconds(cfg, unit) as f64;
        parts += 1;
    }
    if !total.is_finite() || total > 1e15 {
        return None;
    }
    Some(total.round() as i64)
}

/// Formats `seconds` in the configured time format.
pub(crate) fn format(seconds: i64, cfg: &TimeTracking) -> String {
    let seconds = seconds.max(0);
    match cfg.time_format {
        TimeFormat::Pretty => pretty(seconds, cfg),
        TimeFormat::Days => decimal(seconds as f64 / day_seconds(cfg).max(1) as f64, "d"),
        TimeFormat::Hours => decimal(seconds as f64 / 3600.0, "h"),
    }
}

/// `1w 2d 3h 30m`: the largest units first, zero parts left out, `0m` for nothing.
fn pretty(seconds: i64, cfg: &TimeTracking) -> String {
    let week = week_seconds(cfg).max(60);
    let day = day_seconds(cfg).max(60);
    let mut rest = seconds;
    let mut parts = Vec::new();
    for (size, suffix) in [(week, "w"), (day, "d"), (3600, "h"), (60, "m")] {
        let n = rest / size;
        if n > 0 {
            parts.push(format!("{n}{suffix}"));
            rest -= n * size;
        }
    }
    if parts.is_empty() {
        "0m".to_owned()
    } else {
        parts.join(" ")
    }
}

/// A number with at most two decimals, trailing zeros removed, and a unit suffix.
fn decimal(value: f64, suffix: &str) -> String {
    let text = format!("{value:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    format!("{text}{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg() -> TimeTracking {
        TimeTracking::default()
    }

    #[test]
    fn parses_jira_durations() {
        let c = cfg();
        for (text, secs) in [
            ("1h", 3600),
            ("1h 30m", 5400),
            ("1h30m", 5400),
            ("2d", 2 * 8 * 3600),
            ("1w", 5 * 8 * 3600),
            ("1w 1d 1h 1m", 40 * 3600 + 8 * 3600 + 3600 + 60),
            ("1.5h", 5400),
            ("90", 5400),
            ("0", 0),
            ("0m", 0),
            (" 3H ", 3 * 3600),
        ] {
            assert_eq!(parse(text, &c), Some(secs), "{text}");
        }
        for bad in ["", "h", "1x", "-1h", "1h 30", "1..5h", "abc"] {
            assert_eq!(parse(bad, &c), None, "{bad:?}");
        }
    }

    #[test]
    fn formats_pretty_with_working_days_and_weeks() {
        let c = cfg();
        for (secs, text) in [
            (0, "0m"),
            (59, "0m"),
            (60, "1m"),
            (3600, "1h"),
            (5400, "1h 30m"),
            (8 * 3600, "1d"),
            (40 * 3600, "1w"),
            (49 * 3600 + 60, "1w 1d 1h 1m"),
        ] {
            assert_eq!(format(secs, &c), text, "{secs}");
        }
    }

    #[test]
    fn formats_days_and_hours() {
        let mut c = cfg();
        c.time_format = TimeFormat::Hours;
        assert_eq!(format(5400, &c), "1.5h");
        assert_eq!(format(7200, &c), "2h");
        c.time_format = TimeFormat::Days;
        assert_eq!(format(12 * 3600, &c), "1.5d");
    }

    #[test]
    fn round_trips_pretty() {
        let c = cfg();
        for secs in (0..200_000).step_by(660) {
            let minutes = secs / 60 * 60;
            assert_eq!(parse(&format(secs, &c), &c), Some(minutes));
        }
    }
}
