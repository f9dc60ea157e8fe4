//! Printing durations in a [`Style`], so that they parse back to the same
//! seconds.

use std::fmt::Write as _;

use super::settings::TimeTrackingSettings;
use super::{Seconds, Style, HOUR, MAX_DECIMALS, MINUTE};

/// Formats a duration in the settings' [`Style`].
///
/// # Example
///
/// ```
/// use worklogs_core::duration::{format, Seconds, TimeTrackingSettings};
/// assert_eq!(format(Seconds::new(5400)?, &TimeTrackingSettings::default()), "1h 30m");
/// # Ok::<(), worklogs_core::Error>(())
/// ```
pub fn format(seconds: Seconds, settings: &TimeTrackingSettings) -> String {
    format_as(seconds, settings, settings.format())
}

/// Formats a duration in the given style; the result always parses back to `seconds`
/// with the same settings.
///
/// - [`Style::Pretty`]: the largest units first, `1w 2d 3h 30m 15s`; zero is `0m`.
/// - [`Style::Days`]: working days with up to four decimals when that is exact
///   (`7.4375d`), else whole days and the rest in hours, minutes and seconds
///   (`7d 3h 20m`); zero is `0d`.
/// - [`Style::Hours`]: hours with up to four decimals when exact (`59.5h`), else whole
///   hours and the rest in minutes and seconds (`59h 20m`); zero is `0h`.
///
/// # Example
///
/// ```
/// use worklogs_core::duration::{format_as, Seconds, Style, TimeTrackingSettings};
///
/// let s = TimeTrackingSettings::default();
/// let d = Seconds::from_minutes(20)?;
/// assert_eq!(format_as(d, &s, Style::Hours), "20m");
/// assert_eq!(format_as(Seconds::from_minutes(45)?, &s, Style::Hours), "0.75h");
/// # Ok::<(), worklogs_core::Error>(())
/// ```
pub fn format_as(seconds: Seconds, settings: &TimeTrackingSettings, style: Style) -> String {
    let total = seconds.get();
    let mut out = String::new();
    match style {
        Style::Pretty => {
            let mut units = [
                (settings.seconds_per_week(), 'w'),
                (settings.seconds_per_day(), 'd'),
                (HOUR, 'h'),
                (MINUTE, 'm'),
                (1, 's'),
            ];
            // Fractional days per week can make a week shorter than a day.
            units.sort_by_key(|unit| std::cmp::Reverse(unit.0));
            push_units(&mut out, total, &units);
            if out.is_empty() {
                out.push_str("0m");
            }
        }
        Style::Days => push_decimal_or_split(
            &mut out,
            total,
            settings.seconds_per_day(),
            'd',
            &[(HOUR, 'h'), (MINUTE, 'm'), (1, 's')],
        ),
        Style::Hours => {
            push_decimal_or_split(&mut out, total, HOUR, 'h', &[(MINUTE, 'm'), (1, 's')])
        }
    }
    out
}

/// Appends `total` greedily in `units` (largest first), skipping zero parts.
fn push_units(out: &mut String, mut total: u64, units: &[(u64, char)]) {
    for &(size, letter) in units {
        let (Some(count), Some(rest)) = (total.checked_div(size), total.checked_rem(size)) else {
            continue;
        };
        if count > 0 {
            if !out.is_empty() {
                out.push(' ');
            }
            // Writing to a String cannot fail.
            let _ = write!(out, "{count}{letter}");
            total = rest;
        }
    }
}

/// Appends `total / unit` as an exact decimal with at most [`MAX_DECIMALS`] digits, or
/// whole units followed by the remainder in `rest` units.
fn push_decimal_or_split(
    out: &mut String,
    total: u64,
    unit: u64,
    letter: char,
    rest: &[(u64, char)],
) {
    if let Some(text) = exact_decimal(total, unit) {
        out.push_str(&text);
        out.push(letter);
        return;
    }
    let (Some(whole), Some(remainder)) = (total.checked_div(unit), total.checked_rem(unit)) else {
        return;
    };
    if whole > 0 {
        let _ = write!(out, "{whole}{letter}");
    }
    push_units(out, remainder, rest);
}

/// `numerator / unit` as a decimal string with the fewest digits (at most
/// [`MAX_DECIMALS`]) when that is exact.
fn exact_decimal(numerator: u64, unit: u64) -> Option<String> {
    let unit = u128::from(unit);
    let mut power: u128 = 1;
    for digits in 0..=MAX_DECIMALS {
        let scaled = u128::from(numerator).checked_mul(power)?;
        if scaled.checked_rem(unit)? == 0 {
            let quotient = scaled.checked_div(unit)?;
            let whole = quotient.checked_div(power)?;
            let fraction = quotient.checked_rem(power)?;
            return Some(if digits == 0 {
                whole.to_string()
            } else {
                format!("{whole}.{fraction:0width$}", width = digits as usize)
            });
        }
        power = power.checked_mul(10)?;
    }
    None
}
