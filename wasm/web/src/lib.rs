//! The core's pure functions for the UI, exported with wasm-bindgen.
//!
//! Forge's Custom UI may not compile WebAssembly, so this crate is turned into plain
//! JavaScript (the recipe is in this crate's `Cargo.toml` and in docs/architecture.md,
//! "The UI"). Like the core, it performs no I/O and reads no clock.
//!
//! Every function takes and returns JSON-friendly values: durations as whole seconds in
//! a JavaScript `number` (exact: at most 2^53 − 1), decimals as strings, settings as
//! Jira's JSON text (an empty string means Jira's defaults). Failures throw a
//! [`CoreError`] with the core's `reason`, `message`, `position` and `field`, so the UI
//! shows exactly the messages the component returns.
//!
//! ```
//! use worklogs_web::{format_duration, parse_duration};
//!
//! let seconds = parse_duration("1h 30m", "")?;
//! assert_eq!(seconds, 5400.0);
//! assert_eq!(format_duration(seconds, r#"{"timeFormat": "hours"}"#, None)?, "1.5h");
//! # Ok::<(), worklogs_web::CoreError>(())
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

use wasm_bindgen::prelude::*;
use worklogs_core::duration::{self, Seconds, Style, TimeTrackingSettings};
use worklogs_core::{hours, Decimal};

/// An error thrown to JavaScript: the core's error as plain fields.
#[wasm_bindgen]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CoreError {
    reason: String,
    message: String,
    position: Option<u32>,
    field: Option<String>,
}

#[wasm_bindgen]
impl CoreError {
    /// A stable kebab-case name of what went wrong, such as `unknown-unit`.
    #[wasm_bindgen(getter)]
    pub fn reason(&self) -> String {
        self.reason.clone()
    }

    /// The message to show, such as `invalid duration "3x": unknown unit "x" at
    /// position 2 (expected w, d, h, m or s)`.
    #[wasm_bindgen(getter)]
    pub fn message(&self) -> String {
        self.message.clone()
    }

    /// The 1-based character position in the input text, when there is one.
    #[wasm_bindgen(getter)]
    pub fn position(&self) -> Option<u32> {
        self.position
    }

    /// The input field the error is about, when known.
    #[wasm_bindgen(getter)]
    pub fn field(&self) -> Option<String> {
        self.field.clone()
    }

    /// The message, so that `String(error)` reads well.
    #[wasm_bindgen(js_name = toString)]
    pub fn to_js_string(&self) -> String {
        self.message.clone()
    }
}

impl std::fmt::Display for CoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CoreError {}

impl From<worklogs_core::Error> for CoreError {
    fn from(err: worklogs_core::Error) -> Self {
        CoreError {
            reason: err.reason().to_owned(),
            message: err.message().to_owned(),
            position: err.position().and_then(|p| u32::try_from(p).ok()),
            field: err.field().map(str::to_owned),
        }
    }
}

fn settings(json: &str) -> Result<TimeTrackingSettings, CoreError> {
    if json.trim().is_empty() {
        return Ok(TimeTrackingSettings::default());
    }
    Ok(TimeTrackingSettings::from_json(json)?)
}

/// A JavaScript number as whole seconds.
fn seconds(value: f64) -> Result<Seconds, CoreError> {
    let max = Seconds::MAX.get() as f64;
    if !(value.is_finite() && value >= 0.0 && value <= max && value.fract() == 0.0) {
        return Err(CoreError {
            reason: "invalid-seconds".to_owned(),
            message: format!(
                "invalid seconds {value}: expected a whole number from 0 to {}",
                Seconds::MAX.get()
            ),
            position: None,
            field: Some("seconds".to_owned()),
        });
    }
    // Checked above: a whole number in 0..=2^53 − 1 converts exactly.
    Ok(Seconds::new(value as u64)?)
}

fn js_number(seconds: Seconds) -> f64 {
    // At most 2^53 − 1: exact as an f64.
    seconds.get() as f64
}

fn style(name: Option<String>, settings: &TimeTrackingSettings) -> Result<Style, CoreError> {
    match name {
        Some(name) => Ok(name.parse::<Style>()?),
        None => Ok(settings.format()),
    }
}

/// A site's time tracking settings, parsed once (`new TimeTracking(json)`).
#[wasm_bindgen]
#[derive(Clone, Debug)]
pub struct TimeTracking(TimeTrackingSettings);

#[wasm_bindgen]
impl TimeTracking {
    /// Settings from Jira's JSON; an empty string means Jira's defaults.
    ///
    /// # Errors
    ///
    /// `invalid-json` or `out-of-range`, as `TimeTrackingSettings::from_json`.
    #[wasm_bindgen(constructor)]
    pub fn new(settings_json: &str) -> Result<TimeTracking, CoreError> {
        settings(settings_json).map(TimeTracking)
    }

    /// Parses a duration (zero allowed) into whole seconds.
    ///
    /// # Errors
    ///
    /// As `worklogs_core::duration::parse`.
    pub fn parse(&self, text: &str) -> Result<f64, CoreError> {
        Ok(js_number(duration::parse(text, &self.0)?))
    }

    /// Parses a duration and rejects zero, as when logging work.
    ///
    /// # Errors
    ///
    /// As `worklogs_core::duration::parse_nonzero`.
    #[wasm_bindgen(js_name = parseNonzero)]
    pub fn parse_nonzero(&self, text: &str) -> Result<f64, CoreError> {
        Ok(js_number(duration::parse_nonzero(text, &self.0)?))
    }

    /// Formats whole seconds in `style` (`pretty`, `days`, `hours`) or the site's.
    ///
    /// # Errors
    ///
    /// `invalid-seconds` for anything but a whole number of seconds in range,
    /// `unknown-style` for an unknown style.
    pub fn format(
        &self,
        seconds_value: f64,
        style_name: Option<String>,
    ) -> Result<String, CoreError> {
        let style = style(style_name, &self.0)?;
        Ok(duration::format_as(seconds(seconds_value)?, &self.0, style))
    }
}

/// Parses a duration in Jira's syntax into whole seconds (zero allowed).
///
/// # Errors
///
/// The settings' errors, then `worklogs_core::duration::parse`'s.
///
/// # Example
///
/// ```
/// let err = worklogs_web::parse_duration("3x", "").unwrap_err();
/// assert_eq!(err.position(), Some(2));
/// ```
#[wasm_bindgen(js_name = parseDuration)]
pub fn parse_duration(text: &str, settings_json: &str) -> Result<f64, CoreError> {
    TimeTracking::new(settings_json)?.parse(text)
}

/// Parses a duration and rejects zero.
///
/// # Errors
///
/// As [`parse_duration`], plus `zero`.
///
/// # Example
///
/// ```
/// assert_eq!(worklogs_web::parse_duration_nonzero("0m", "").unwrap_err().reason(), "zero");
/// ```
#[wasm_bindgen(js_name = parseDurationNonzero)]
pub fn parse_duration_nonzero(text: &str, settings_json: &str) -> Result<f64, CoreError> {
    TimeTracking::new(settings_json)?.parse_nonzero(text)
}

/// Formats whole seconds in `style` (`pretty`, `days`, `hours`), or in the settings'
/// `timeFormat` when `style` is absent.
///
/// # Errors
///
/// The settings' errors, `invalid-seconds`, `unknown-style`.
///
/// # Example
///
/// ```
/// assert_eq!(worklogs_web::format_duration(214_200.0, "", None)?, "1w 2d 3h 30m");
/// # Ok::<(), worklogs_web::CoreError>(())
/// ```
#[wasm_bindgen(js_name = formatDuration)]
pub fn format_duration(
    seconds_value: f64,
    settings_json: &str,
    style_name: Option<String>,
) -> Result<String, CoreError> {
    TimeTracking::new(settings_json)?.format(seconds_value, style_name)
}

/// Whole seconds as decimal hours, rounded half up to `decimals` (default 2), as a
/// string with exactly that many decimals (`"1.00"`).
///
/// # Errors
///
/// `invalid-seconds`, `too-many-decimals`.
///
/// # Example
///
/// ```
/// assert_eq!(worklogs_web::seconds_to_hours(1200.0, None)?, "0.33");
/// # Ok::<(), worklogs_web::CoreError>(())
/// ```
#[wasm_bindgen(js_name = secondsToHours)]
pub fn seconds_to_hours(seconds_value: f64, decimals: Option<u32>) -> Result<String, CoreError> {
    let decimals = decimals.unwrap_or(hours::DEFAULT_DECIMALS);
    Ok(hours::rounded(seconds(seconds_value)?, decimals)?.to_string())
}

/// The total of whole seconds as decimal hours: summed first, converted once.
///
/// # Errors
///
/// `invalid-seconds`, `overflow`, `too-many-decimals`.
///
/// # Example
///
/// ```
/// assert_eq!(worklogs_web::total_hours(vec![1200.0, 1200.0, 1200.0], None)?, "1.00");
/// # Ok::<(), worklogs_web::CoreError>(())
/// ```
#[wasm_bindgen(js_name = totalHours)]
pub fn total_hours(parts: Vec<f64>, decimals: Option<u32>) -> Result<String, CoreError> {
    let parts = parts
        .into_iter()
        .map(seconds)
        .collect::<Result<Vec<_>, _>>()?;
    let decimals = decimals.unwrap_or(hours::DEFAULT_DECIMALS);
    Ok(hours::total(parts, decimals)?.to_string())
}

/// Decimal hours as typed (`"1.25"`, `"1,25"`) to whole seconds, rounded half up.
///
/// # Errors
///
/// `invalid-hours`, `negative`, `too-large`.
///
/// # Example
///
/// ```
/// assert_eq!(worklogs_web::hours_to_seconds("1,25")?, 4500.0);
/// # Ok::<(), worklogs_web::CoreError>(())
/// ```
#[wasm_bindgen(js_name = hoursToSeconds)]
pub fn hours_to_seconds(text: &str) -> Result<f64, CoreError> {
    Ok(js_number(hours::parse(text)?))
}

/// Exact decimal hours (no rounding) of whole seconds, as a string.
///
/// # Errors
///
/// `invalid-seconds`.
///
/// # Example
///
/// ```
/// assert_eq!(worklogs_web::exact_hours(5400.0)?, "1.5");
/// # Ok::<(), worklogs_web::CoreError>(())
/// ```
#[wasm_bindgen(js_name = exactHours)]
pub fn exact_hours(seconds_value: f64) -> Result<String, CoreError> {
    let exact: Decimal = hours::exact(seconds(seconds_value)?);
    Ok(exact.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_keep_the_core_messages() {
        let err = parse_duration("3x", "").unwrap_err();
        assert_eq!(err.reason(), "unknown-unit");
        assert_eq!(err.position(), Some(2));
        assert_eq!(
            err.message(),
            r#"invalid duration "3x": unknown unit "x" at position 2 (expected w, d, h, m or s)"#
        );
        let err = parse_duration("1h", r#"{"workingHoursPerDay": 30}"#).unwrap_err();
        assert_eq!(err.field().as_deref(), Some("workingHoursPerDay"));
        let err = format_duration(1.0, "", Some("fancy".into())).unwrap_err();
        assert_eq!(err.reason(), "unknown-style");
    }

    #[test]
    fn seconds_must_be_whole_and_in_range() {
        for bad in [-1.0, 0.5, f64::NAN, f64::INFINITY, 9_007_199_254_740_992.0] {
            let err = format_duration(bad, "", None).unwrap_err();
            assert_eq!(err.reason(), "invalid-seconds", "{bad}");
        }
        assert_eq!(
            format_duration(9_007_199_254_740_991.0, "", Some("hours".into()))
                .map(|s| s.is_empty()),
            Ok(false)
        );
    }

    #[test]
    fn round_trips_through_js_numbers() {
        let tt = TimeTracking::new(r#"{"workingHoursPerDay": 7.5, "timeFormat": "days"}"#).unwrap();
        for text in ["1w 2d 3h 30m", "7.5h", "20m", "1m 1s"] {
            let s = tt.parse(text).unwrap();
            let formatted = tt.format(s, None).unwrap();
            assert_eq!(tt.parse(&formatted), Ok(s), "{text} -> {formatted}");
        }
        assert_eq!(total_hours(vec![1200.0; 3], Some(2)), Ok("1.00".to_owned()));
        assert_eq!(
            hours_to_seconds("abc").unwrap_err().reason(),
            "invalid-hours"
        );
    }
}
