//! Exact hours: converting whole seconds to decimal hours for reports and exports.
//!
//! Time is kept and summed as whole [`Seconds`]; hours are derived from a total *once*,
//! at the end. Totals are never summed from rounded hours unless a
//! [rounding rule](crate::rounding) says so: three 20-minute worklogs total
//! exactly `1.00` hour, not `0.33 + 0.33 + 0.33 = 0.99`.
//!
//! - [`exact`] gives the hours as a [`Decimal`]: exact whenever the hours have a
//!   terminating decimal expansion (any multiple of 9 seconds), otherwise correct to
//!   28 significant digits.
//! - [`rounded`] gives the hours rounded to a number of decimals
//!   ([`DEFAULT_DECIMALS`] = 2 for display), **half up** (`0.125 h` → `0.13 h`; hours are
//!   never negative, so this is also "half away from zero", commercial rounding). It
//!   is computed with integers straight from the seconds, so there is no intermediate
//!   rounding.
//! - [`total`] sums seconds and converts once.
//!
//! ```
//! use worklogs_core::duration::Seconds;
//! use worklogs_core::hours;
//!
//! let twenty = Seconds::from_minutes(20)?;
//! assert_eq!(hours::total([twenty; 3], 2)?.to_string(), "1.00");
//! assert_eq!(hours::rounded(twenty, 2)?.to_string(), "0.33");
//! # Ok::<(), worklogs_core::Error>(())
//! ```

use rust_decimal::Decimal;

use crate::duration::Seconds;
use crate::error::{quote, Error};

/// Decimals shown for hours by default.
pub const DEFAULT_DECIMALS: u32 = 2;

/// The most decimals [`rounded`] accepts.
pub const MAX_DECIMALS: u32 = 12;

const HOUR: u128 = 3600;

/// The hours in `seconds`: exact when terminating, else to 28 significant digits.
///
/// # Example
///
/// ```
/// use worklogs_core::duration::Seconds;
/// use worklogs_core::hours;
/// assert_eq!(hours::exact(Seconds::new(5400)?).to_string(), "1.5");
/// assert_eq!(hours::exact(Seconds::new(1)?).to_string(), "0.0002777777777777777777777778");
/// # Ok::<(), worklogs_core::Error>(())
/// ```
pub fn exact(seconds: Seconds) -> Decimal {
    // Seconds::MAX / 3600 is far inside Decimal's range, so division cannot fail.
    Decimal::from(seconds.get())
        .checked_div(Decimal::from(3600))
        .unwrap_or_default()
        .normalize()
}

/// The hours in `seconds`, rounded half up to `decimals` decimals and keeping that many
/// decimals (`1.00`, not `1`).
///
/// # Errors
///
/// Invalid input `too-many-decimals` (field `decimals`) above [`MAX_DECIMALS`].
///
/// # Example
///
/// ```
/// use worklogs_core::duration::Seconds;
/// use worklogs_core::hours;
/// assert_eq!(hours::rounded(Seconds::new(450)?, 2)?.to_string(), "0.13"); // 0.125 rounds up
/// assert_eq!(hours::rounded(Seconds::new(3600)?, 2)?.to_string(), "1.00");
/// assert_eq!(hours::rounded(Seconds::new(5400)?, 0)?.to_string(), "2");
/// # Ok::<(), worklogs_core::Error>(())
/// ```
pub fn rounded(seconds: Seconds, decimals: u32) -> Result<Decimal, Error> {
    if decimals > MAX_DECIMALS {
        return Err(Error::invalid(
            "too-many-decimals",
            format!("invalid decimals {decimals}: too many (expected at most {MAX_DECIMALS})"),
        )
        .field_name("decimals"));
    }
    // seconds ≤ 2^53 and 10^12 · 2 < 2^41, so every product fits in a u128; the
    // quotient (< 2^82) fits in Decimal's 96-bit mantissa.
    let scale = 10_u128.pow(decimals);
    let twice = u128::from(seconds.get())
        .saturating_mul(scale)
        .saturating_mul(2);
    let quotient = twice.saturating_add(HOUR) / (2 * HOUR);
    let mantissa = i128::try_from(quotient).map_err(|_| Error::overflow("the hours"))?;
    Decimal::try_from_i128_with_scale(mantissa, decimals).map_err(|_| Error::overflow("the hours"))
}

/// The total of `parts` in hours, rounded half up to `decimals`: the seconds are summed
/// first and converted once.
///
/// # Errors
///
/// Overflow when the sum exceeds [`Seconds::MAX`]; invalid input as [`rounded`].
///
/// # Example
///
/// ```
/// use worklogs_core::duration::Seconds;
/// use worklogs_core::hours;
/// let parts = [Seconds::new(1200)?, Seconds::new(1200)?, Seconds::new(1200)?];
/// assert_eq!(hours::total(parts, 2)?.to_string(), "1.00");
/// # Ok::<(), worklogs_core::Error>(())
/// ```
pub fn total<I: IntoIterator<Item = Seconds>>(parts: I, decimals: u32) -> Result<Decimal, Error> {
    rounded(Seconds::sum(parts)?, decimals)
}

/// Whole seconds in `hours` (such as a timesheet cell `1.25`), rounded half up to the
/// nearest second.
///
/// # Errors
///
/// Invalid input `negative` for negative hours, `too-large` above [`Seconds::MAX`].
///
/// # Example
///
/// ```
/// use rust_decimal::Decimal;
/// use worklogs_core::hours;
/// assert_eq!(hours::to_seconds(Decimal::new(125, 2))?.get(), 4500);
/// assert!(hours::to_seconds(Decimal::new(-1, 0)).is_err());
/// # Ok::<(), worklogs_core::Error>(())
/// ```
pub fn to_seconds(hours: Decimal) -> Result<Seconds, Error> {
    if hours.is_sign_negative() && !hours.is_zero() {
        return Err(Error::invalid(
            "negative",
            format!(
                "invalid hours {}: negative (expected zero or more)",
                hours.normalize()
            ),
        ));
    }
    let too_large = || {
        Error::invalid(
            "too-large",
            format!(
                "invalid hours {}: too large (expected at most {} seconds)",
                hours.normalize(),
                Seconds::MAX.get()
            ),
        )
    };
    let seconds = hours
        .checked_mul(Decimal::from(3600))
        .ok_or_else(too_large)?
        .round_dp_with_strategy(0, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    let seconds = u64::try_from(seconds).map_err(|_| too_large())?;
    Seconds::new(seconds).map_err(|_| too_large())
}

/// Parses decimal hours as typed or sent by the UI (`1.25`, `1,25`), then converts
/// them like [`to_seconds`].
///
/// # Errors
///
/// Invalid input `invalid-hours` when the text is not a plain decimal number; as
/// [`to_seconds`] otherwise.
///
/// # Example
///
/// ```
/// use worklogs_core::hours;
/// assert_eq!(hours::parse("1,5")?.get(), 5400);
/// assert_eq!(hours::parse("abc").unwrap_err().reason(), "invalid-hours");
/// # Ok::<(), worklogs_core::Error>(())
/// ```
pub fn parse(text: &str) -> Result<Seconds, Error> {
    let normalized = text.trim().replace(',', ".");
    let valid = !normalized.is_empty()
        && normalized
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == '-')
        && normalized.chars().filter(|&c| c == '.').count() <= 1;
    let hours = valid
        .then(|| normalized.parse::<Decimal>().ok())
        .flatten()
        .ok_or_else(|| {
            Error::invalid(
                "invalid-hours",
                format!(
                    "invalid hours {}: expected a decimal number such as 1.25",
                    quote(text)
                ),
            )
        })?;
    to_seconds(hours)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn s(n: u64) -> Seconds {
        Seconds::new(n).unwrap()
    }

    #[test]
    fn three_twenty_minute_worklogs_total_one_hour() {
        let parts = [s(1200), s(1200), s(1200)];
        assert_eq!(total(parts, 2).unwrap().to_string(), "1.00");
        let rounded_parts: Decimal = parts.iter().map(|p| rounded(*p, 2).unwrap()).sum();
        assert_eq!(rounded_parts.to_string(), "0.99");
    }

    #[test]
    fn rounding_table() {
        let table: &[(u64, u32, &str)] = &[
            (0, 2, "0.00"),
            (1, 2, "0.00"),
            (18, 2, "0.01"), // 0.005 h: half up
            (17, 2, "0.00"),
            (450, 2, "0.13"), // 0.125 h
            (1200, 2, "0.33"),
            (2400, 2, "0.67"),
            (5400, 0, "2"), // 1.5 h half up
            (5399, 0, "1"),
            (1, 12, "0.000277777778"),
            (Seconds::MAX.get(), 2, "2501999792983.61"),
        ];
        for &(seconds, decimals, expected) in table {
            assert_eq!(
                rounded(s(seconds), decimals).unwrap().to_string(),
                expected,
                "{seconds}"
            );
        }
        assert_eq!(rounded(s(1), 13).unwrap_err().field(), Some("decimals"));
    }

    #[test]
    fn hours_to_seconds() {
        for (text, expected) in [
            ("1.25", 4500),
            ("0", 0),
            ("0.0001", 0),
            ("0.0002", 1),
            (" 2,5 ", 9000),
            ("-0", 0),
        ] {
            assert_eq!(parse(text).map(Seconds::get), Ok(expected), "{text}");
        }
        for (text, reason) in [
            ("-1", "negative"),
            ("", "invalid-hours"),
            ("1e3", "invalid-hours"),
            ("1.2.3", "invalid-hours"),
            ("99999999999999", "too-large"),
        ] {
            assert_eq!(parse(text).unwrap_err().reason(), reason, "{text}");
        }
    }

    /// The shared vectors in `tests/vectors/hours.json`, also run by the UI's tests.
    #[test]
    fn shared_vectors() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/vectors/hours.json"
        );
        let doc: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let mut count = 0;
        for case in doc["hours"].as_array().unwrap() {
            let seconds = s(case["seconds"].as_u64().unwrap());
            let decimals = case["decimals"].as_u64().unwrap() as u32;
            assert_eq!(
                rounded(seconds, decimals).unwrap().to_string(),
                case["hours"].as_str().unwrap(),
                "{case}"
            );
            count += 1;
        }
        for case in doc["totals"].as_array().unwrap() {
            let parts: Vec<Seconds> = case["parts"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| s(p.as_u64().unwrap()))
                .collect();
            let decimals = case["decimals"].as_u64().unwrap() as u32;
            assert_eq!(
                total(parts.clone(), decimals).unwrap().to_string(),
                case["total"].as_str().unwrap(),
                "{case}"
            );
            let sum_of_rounded: Decimal =
                parts.iter().map(|p| rounded(*p, decimals).unwrap()).sum();
            assert_eq!(
                sum_of_rounded.to_string(),
                case["sumOfRoundedParts"].as_str().unwrap(),
                "{case}"
            );
            count += 1;
        }
        assert!(count >= 10, "only {count} vectors");
    }

    proptest! {
        #[test]
        fn rounded_is_within_half_a_unit(seconds in 0_u64..=Seconds::MAX.get(), decimals in 0_u32..=6) {
            let r = rounded(s(seconds), decimals).unwrap();
            let diff = (r - Decimal::from(seconds) / Decimal::from(3600)).abs();
            let half = Decimal::new(5, decimals + 1);
            prop_assert!(diff <= half, "{} {}", seconds, r);
        }

        #[test]
        fn seconds_survive_a_trip_through_four_decimals(seconds in 0_u64..=10_000_000) {
            // 0.0001 h = 0.36 s, so four decimals identify every whole second.
            let h = rounded(s(seconds), 4).unwrap();
            prop_assert_eq!(to_seconds(h).unwrap().get(), seconds);
        }
    }
}
