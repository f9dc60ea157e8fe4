//! Instants as text: Jira's `started` format and UTC in ISO 8601.

use chrono::DateTime;

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
    Ok(instant
        .to_utc()?
        .format("%Y-%m-%dT%H:%M:%S%.3fZ")
        .to_string())
}
