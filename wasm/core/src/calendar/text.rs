//! Instants as text: Jira's `started` format and UTC in ISO 8601.

use std::fmt::Write as _;

use chrono::{DateTime, Datelike, Timelike};

use super::{Instant, Zone};
use crate::error::{quote, Error};

/// Jira's `started` format, such as `2026-11-24T09:30:00.000+0000`.
const JIRA_FORMAT: &str = "%Y-%m-%dT%H:%M:%S%.3f%z";

/// Parses an instant in Jira's `started` format (`2026-11-24T09:30:00.000+0000`,
/// milliseconds optional) or RFC 3339 with an offset (`2026-11-24T09:30:00Z`,
/// `2026-11-24T10:30:00+01:00`). Digits below the millisecond are dropped.
///
/// # Errors
///
/// Invalid input `invalid-instant` for anything else, including a date and time
/// without an offset.
///
/// # Example
///
/// ```
/// use worklogs_core::calendar::parse_instant;
/// let a = parse_instant("2026-11-24T09:30:00.000+0000")?;
/// let b = parse_instant("2026-11-24T10:30:00+01:00")?;
/// assert_eq!(a, b);
/// assert_eq!(parse_instant("2026-11-24T09:30:00").unwrap_err().reason(), "invalid-instant");
/// # Ok::<(), worklogs_core::Error>(())
/// ```
pub fn parse_instant(text: &str) -> Result<Instant, Error> {
    let parsed = DateTime::parse_from_rfc3339(text)
        .or_else(|_| DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f%z"));
    match parsed {
        Ok(datetime) => Ok(Instant(datetime.timestamp_millis())),
        Err(err) => Err(Error::invalid(
            "invalid-instant",
            format!(
                "invalid instant {}: {err} (expected Jira's format such as 2026-11-24T09:30:00.000+0000 or RFC 3339 such as 2026-11-24T09:30:00Z)",
                quote(text)
            ),
        )),
    }
}

/// Formats `instant` in Jira's `started` format with the offset of `zone`
/// (`2026-11-24T10:30:00.000+0100`), as Jira expects when creating a worklog.
///
/// # Errors
///
/// Invalid input `out-of-range` for instants chrono cannot represent.
///
/// # Example
///
/// ```
/// use worklogs_core::calendar::{format_jira, parse_instant, Zone};
/// let t = parse_instant("2026-11-24T09:30:00Z")?;
/// assert_eq!(format_jira(t, Zone::UTC)?, "2026-11-24T09:30:00.000+0000");
/// assert_eq!(format_jira(t, Zone::parse("Asia/Kolkata")?)?, "2026-11-24T15:00:00.000+0530");
/// # Ok::<(), worklogs_core::Error>(())
/// ```
pub fn format_jira(instant: Instant, zone: Zone) -> Result<String, Error> {
    Ok(instant
        .to_utc()?
        .with_timezone(&zone.0)
        .format(JIRA_FORMAT)
        .to_string())
}

/// Formats `instant` as ISO 8601 in UTC with milliseconds: `2026-11-24T09:30:00.000Z`.
///
/// # Errors
///
/// Invalid input `out-of-range` for instants chrono cannot represent.
///
/// # Example
///
/// ```
/// use worklogs_core::calendar::{format_utc, Instant};
/// assert_eq!(format_utc(Instant::from_millis(0))?, "1970-01-01T00:00:00.000Z");
/// # Ok::<(), worklogs_core::Error>(())
/// ```
pub fn format_utc(instant: Instant) -> Result<String, Error> {
    let t = instant.to_utc()?;
    if !(0..=9999).contains(&t.year()) {
        // `chrono` writes these years with a sign and more digits.
        return Ok(t.format(UTC_FORM).to_string());
    }
    // Written field by field: `chrono`'s `format` interprets the pattern for
    // every value, and exports write two instants a row
    // (`format_utc_writes_what_chrono_writes`).
    let mut out = String::with_capacity(24);
    // Writing into a `String` cannot fail.
    let _ = write!(
        out,
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        t.year(),
        t.month(),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.timestamp_subsec_millis()
    );
    Ok(out)
}

/// The form [`format_utc`] writes, as a `chrono` pattern.
const UTC_FORM: &str = "%Y-%m-%dT%H:%M:%S%.3fZ";

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// From year -2000 to 20000: the same text as `chrono`'s pattern.
        #[test]
        fn format_utc_writes_what_chrono_writes(ms in -125_000_000_000_000i64..=570_000_000_000_000) {
            let instant = Instant::from_millis(ms);
            let expected = instant.to_utc().map(|t| t.format(UTC_FORM).to_string());
            proptest::prop_assert_eq!(format_utc(instant).ok(), expected.ok());
        }
    }

    #[test]
    fn format_utc_at_the_edges_of_four_digit_years() {
        for (ms, text) in [
            (0, "1970-01-01T00:00:00.000Z"),
            (-1, "1969-12-31T23:59:59.999Z"),
            (253_402_300_799_999, "9999-12-31T23:59:59.999Z"),
            (253_402_300_800_000, "+10000-01-01T00:00:00.000Z"),
            (-62_167_219_200_000, "0000-01-01T00:00:00.000Z"),
            (-62_167_219_200_001, "-0001-12-31T23:59:59.999Z"),
        ] {
            assert_eq!(format_utc(Instant::from_millis(ms)).unwrap(), text, "{ms}");
        }
    }
}
