//! Durations in Jira's syntax: parsing `1w 2d 3h 30m` and formatting in Jira's three
//! styles.
//!
//! A duration is a whole number of [`Seconds`], never negative, at most
//! [`Seconds::MAX`]. Weeks and days are *working* weeks and days: their length comes
//! from the site's [`TimeTrackingSettings`] (Jira's `workingHoursPerDay` and
//! `workingDaysPerWeek`), converted to whole seconds the way Jira does (truncated).
//!
//! # Syntax accepted by [`parse`]
//!
//! - One or more *components*, each a number followed by a unit: `w`, `d`, `h`, `m`, or
//!   (our extension) `s`, in upper or lower case, in any order, each unit at most once.
//!   Components may be separated by whitespace or written together: `1h30m`,
//!   `1h 30m`, `1 h 30 m` are the same.
//! - Numbers are plain decimals: `1.5h`, `.5h`, `0,5h` (a comma is taken as the decimal
//!   separator), with at most [`MAX_DECIMALS`] digits after the separator. No signs, no
//!   exponents, no thousands separators.
//! - A bare number with no unit (`90`) is allowed only as the whole input and takes
//!   the site's [`default_unit`](TimeTrackingSettings::default_unit).
//! - Each component's value is computed exactly; the sum is rounded once to the
//!   nearest whole second (halves up).
//!
//! Errors name the 1-based character position and what was expected: empty input,
//! unexpected character, negative value, unknown unit, a unit given twice, a missing
//! unit, too many decimals, a value above [`Seconds::MAX`], and zero (only from
//! [`parse_nonzero`]: the caller decides whether zero is allowed).
//!
//! # Formatting
//!
//! [`format`](fn@format) prints in the site's [`Style`]; [`format_as`] in a given one. Every style
//! round-trips: `parse(&format_as(d, s, style), s) == Ok(d)` for every duration and
//! every valid setting, so the days and hours styles print as many decimals as needed
//! (at most [`MAX_DECIMALS`]) and, where that is not exact, fall back to whole units
//! plus the rest in smaller units (`hours`: `20m` rather than `0.33h`). See
//! `docs/domain.md` for where this differs from Jira.
//!
//! ```
//! use worklogs_core::duration::{format_as, parse, Seconds, Style, TimeTrackingSettings};
//!
//! let settings = TimeTrackingSettings::default(); // 8 h per day, 5 days per week
//! let d = parse("1w 2d 3h 30m", &settings)?;
//! assert_eq!(d, Seconds::new(214_200)?);
//! assert_eq!(format_as(d, &settings, Style::Pretty), "1w 2d 3h 30m");
//! assert_eq!(format_as(d, &settings, Style::Days), "7.4375d");
//! assert_eq!(format_as(d, &settings, Style::Hours), "59.5h");
//! # Ok::<(), worklogs_core::Error>(())
//! ```

use std::fmt;
use std::fmt::Write as _;

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::{quote, Error};

/// The most digits accepted (and printed) after a decimal separator.
pub const MAX_DECIMALS: u32 = 4;

/// Seconds in an hour.
const HOUR: u64 = 3600;
/// Seconds in a minute.
const MINUTE: u64 = 60;

/// A duration in whole seconds: never negative, at most [`Seconds::MAX`].
///
/// It serializes as a plain JSON integer.
///
/// # Example
///
/// ```
/// use worklogs_core::duration::Seconds;
///
/// let twenty_minutes = Seconds::from_minutes(20)?;
/// let hour = Seconds::sum([twenty_minutes; 3])?;
/// assert_eq!(hour.get(), 3600);
/// assert!(Seconds::try_from(-1_i64).is_err());
/// # Ok::<(), worklogs_core::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(into = "u64")]
pub struct Seconds(u64);

impl Seconds {
    /// No time at all.
    pub const ZERO: Seconds = Seconds(0);

    /// The largest duration: 2^53 − 1 seconds, so every duration is exact as a
    /// JavaScript number and as a signed 64-bit SQL integer.
    pub const MAX: Seconds = Seconds(9_007_199_254_740_991);

    /// A duration of `seconds`.
    ///
    /// # Errors
    ///
    /// Invalid input (`too-large`) above [`Seconds::MAX`].
    ///
    /// # Example
    ///
    /// ```
    /// use worklogs_core::duration::Seconds;
    /// assert_eq!(Seconds::new(90)?.get(), 90);
    /// assert!(Seconds::new(u64::MAX).is_err());
    /// # Ok::<(), worklogs_core::Error>(())
    /// ```
    pub fn new(seconds: u64) -> Result<Self, Error> {
        if seconds > Self::MAX.0 {
            Err(Error::invalid(
                "too-large",
                format!(
                    "invalid duration {seconds} seconds: too large (expected at most {} seconds)",
                    Self::MAX.0
                ),
            ))
        } else {
            Ok(Self(seconds))
        }
    }

    /// A duration of whole minutes.
    ///
    /// # Errors
    ///
    /// Invalid input (`too-large`) when the result exceeds [`Seconds::MAX`].
    ///
    /// # Example
    ///
    /// ```
    /// use worklogs_core::duration::Seconds;
    /// assert_eq!(Seconds::from_minutes(90)?.get(), 5400);
    /// # Ok::<(), worklogs_core::Error>(())
    /// ```
    pub fn from_minutes(minutes: u64) -> Result<Self, Error> {
        match minutes.checked_mul(MINUTE) {
            Some(seconds) => Self::new(seconds),
            None => Self::new(u64::MAX),
        }
    }

    /// The number of seconds.
    pub const fn get(self) -> u64 {
        self.0
    }

    /// `self + other`, or `None` above [`Seconds::MAX`].
    pub fn checked_add(self, other: Seconds) -> Option<Seconds> {
        self.0
            .checked_add(other.0)
            .filter(|&sum| sum <= Self::MAX.0)
            .map(Seconds)
    }

    /// `self - other`, or `None` when `other` is larger (durations are never negative).
    pub fn checked_sub(self, other: Seconds) -> Option<Seconds> {
        self.0.checked_sub(other.0).map(Seconds)
    }

    /// `self - other`, or zero when `other` is larger.
    pub fn saturating_sub(self, other: Seconds) -> Seconds {
        Seconds(self.0.saturating_sub(other.0))
    }

    /// The exact sum of `parts`.
    ///
    /// # Errors
    ///
    /// Overflow when the sum exceeds [`Seconds::MAX`].
    ///
    /// # Example
    ///
    /// ```
    /// use worklogs_core::duration::Seconds;
    /// let total = Seconds::sum([Seconds::new(1200)?, Seconds::new(1200)?, Seconds::new(1200)?])?;
    /// assert_eq!(total.get(), 3600);
    /// # Ok::<(), worklogs_core::Error>(())
    /// ```
    pub fn sum<I: IntoIterator<Item = Seconds>>(parts: I) -> Result<Seconds, Error> {
        parts
            .into_iter()
            .try_fold(Seconds::ZERO, Seconds::checked_add)
            .ok_or_else(|| Error::overflow("the total duration"))
    }
}

impl From<Seconds> for u64 {
    fn from(seconds: Seconds) -> u64 {
        seconds.0
    }
}

impl From<Seconds> for i64 {
    fn from(seconds: Seconds) -> i64 {
        // MAX < i64::MAX, so this never saturates.
        i64::try_from(seconds.0).unwrap_or(i64::MAX)
    }
}

impl TryFrom<u64> for Seconds {
    type Error = Error;
    fn try_from(seconds: u64) -> Result<Self, Error> {
        Seconds::new(seconds)
    }
}

impl TryFrom<i64> for Seconds {
    type Error = Error;
    fn try_from(seconds: i64) -> Result<Self, Error> {
        match u64::try_from(seconds) {
            Ok(seconds) => Seconds::new(seconds),
            Err(_) => Err(Error::invalid(
                "negative",
                format!(
                    "invalid duration {seconds} seconds: negative (durations cannot be negative)"
                ),
            )),
        }
    }
}

impl<'de> Deserialize<'de> for Seconds {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let seconds = u64::deserialize(deserializer)?;
        Seconds::new(seconds).map_err(serde::de::Error::custom)
    }
}

/// The unit Jira applies to a bare number (Jira's `defaultUnit`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Unit {
    /// `90` means 90 minutes (Jira's default).
    #[default]
    Minute,
    /// `2` means 2 hours.
    Hour,
    /// `2` means 2 working days.
    Day,
    /// `2` means 2 working weeks.
    Week,
}

/// How durations are printed (Jira's `timeFormat`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Style {
    /// `1w 2d 3h 30m`.
    #[default]
    Pretty,
    /// `7.4375d`: working days with up to four decimals (falls back to `7d 3h 20m`).
    Days,
    /// `59.5h`: hours with up to four decimals (falls back to `59h 20m`).
    Hours,
}

/// A site's time tracking settings, validated: Jira's `TimeTrackingConfiguration`.
///
/// Deserializes from Jira's JSON (`GET /rest/api/3/configuration/timetracking/options`),
/// with numbers or decimal strings; missing fields take Jira's defaults (8 hours per day,
/// 5 days per week, `pretty`, `minute`).
///
/// # Example
///
/// ```
/// use worklogs_core::duration::{parse, TimeTrackingSettings, Unit};
///
/// let settings = TimeTrackingSettings::from_json(
///     r#"{"workingHoursPerDay": 7.5, "workingDaysPerWeek": 4.5,
///         "timeFormat": "hours", "defaultUnit": "hour"}"#,
/// )?;
/// assert_eq!(settings.seconds_per_day(), 27_000);
/// assert_eq!(settings.default_unit(), Unit::Hour);
/// assert_eq!(parse("2", &settings)?.get(), 7200);
/// # Ok::<(), worklogs_core::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawSettings", into = "RawSettings")]
pub struct TimeTrackingSettings {
    hours_per_day: Decimal,
    days_per_week: Decimal,
    default_unit: Unit,
    format: Style,
    seconds_per_day: u64,
    seconds_per_week: u64,
}

/// Settings as they arrive in JSON, before validation.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawSettings {
    #[serde(
        deserialize_with = "crate::serde_util::decimal",
        default = "default_hours"
    )]
    working_hours_per_day: Decimal,
    #[serde(
        deserialize_with = "crate::serde_util::decimal",
        default = "default_days"
    )]
    working_days_per_week: Decimal,
    #[serde(default)]
    time_format: Style,
    #[serde(default)]
    default_unit: Unit,
}

fn default_hours() -> Decimal {
    Decimal::from(8)
}

fn default_days() -> Decimal {
    Decimal::from(5)
}

impl TryFrom<RawSettings> for TimeTrackingSettings {
    type Error = Error;
    fn try_from(raw: RawSettings) -> Result<Self, Error> {
        TimeTrackingSettings::new(
            raw.working_hours_per_day,
            raw.working_days_per_week,
            raw.default_unit,
            raw.time_format,
        )
    }
}

impl From<TimeTrackingSettings> for RawSettings {
    fn from(settings: TimeTrackingSettings) -> Self {
        RawSettings {
            working_hours_per_day: settings.hours_per_day,
            working_days_per_week: settings.days_per_week,
            time_format: settings.format,
            default_unit: settings.default_unit,
        }
    }
}

impl Default for TimeTrackingSettings {
    /// Jira's defaults: 8 hours per day, 5 days per week, `minute`, `pretty`.
    fn default() -> Self {
        TimeTrackingSettings {
            hours_per_day: default_hours(),
            days_per_week: default_days(),
            default_unit: Unit::Minute,
            format: Style::Pretty,
            seconds_per_day: 8 * HOUR,
            seconds_per_week: 5 * 8 * HOUR,
        }
    }
}

impl TimeTrackingSettings {
    /// Validated settings.
    ///
    /// A working day lasts `hours_per_day × 3600` seconds and a working week
    /// `days_per_week ×` that, each truncated to whole seconds as Jira does.
    ///
    /// # Errors
    ///
    /// Invalid input (`out-of-range`, field `workingHoursPerDay` or
    /// `workingDaysPerWeek`) unless `0 < hours_per_day ≤ 24` and `0 < days_per_week ≤ 7`
    /// and a day and a week each last at least one second.
    ///
    /// # Example
    ///
    /// ```
    /// use rust_decimal::Decimal;
    /// use worklogs_core::duration::{Style, TimeTrackingSettings, Unit};
    ///
    /// let s = TimeTrackingSettings::new(Decimal::new(75, 1), Decimal::from(5), Unit::Minute, Style::Pretty)?;
    /// assert_eq!(s.seconds_per_week(), 135_000);
    /// let err = TimeTrackingSettings::new(Decimal::from(25), Decimal::from(5), Unit::Minute, Style::Pretty)
    ///     .unwrap_err();
    /// assert_eq!(err.field(), Some("workingHoursPerDay"));
    /// # Ok::<(), worklogs_core::Error>(())
    /// ```
    pub fn new(
        hours_per_day: Decimal,
        days_per_week: Decimal,
        default_unit: Unit,
        format: Style,
    ) -> Result<Self, Error> {
        let out_of_range = |field: &str, value: Decimal, max: u32| {
            Error::invalid(
                "out-of-range",
                format!(
                    "invalid {field} {}: out of range (expected more than 0 and at most {max})",
                    value.normalize()
                ),
            )
            .field_name(field)
        };
        if hours_per_day <= Decimal::ZERO || hours_per_day > Decimal::from(24) {
            return Err(out_of_range("workingHoursPerDay", hours_per_day, 24));
        }
        if days_per_week <= Decimal::ZERO || days_per_week > Decimal::from(7) {
            return Err(out_of_range("workingDaysPerWeek", days_per_week, 7));
        }
        // Both products are bounded (24 × 3600 × 7), so they cannot overflow.
        let seconds_per_day = hours_per_day
            .checked_mul(Decimal::from(HOUR))
            .and_then(|d| d.trunc().to_u64())
            .unwrap_or(0);
        let seconds_per_week = days_per_week
            .checked_mul(Decimal::from(seconds_per_day))
            .and_then(|d| d.trunc().to_u64())
            .unwrap_or(0);
        let too_short = |field: &str, value: Decimal, what: &str| {
            Error::invalid(
                "out-of-range",
                format!(
                    "invalid {field} {}: a working {what} would last less than one second",
                    value.normalize()
                ),
            )
            .field_name(field)
        };
        if seconds_per_day == 0 {
            return Err(too_short("workingHoursPerDay", hours_per_day, "day"));
        }
        if seconds_per_week == 0 {
            return Err(too_short("workingDaysPerWeek", days_per_week, "week"));
        }
        Ok(TimeTrackingSettings {
            hours_per_day,
            days_per_week,
            default_unit,
            format,
            seconds_per_day,
            seconds_per_week,
        })
    }

    /// Settings from Jira's JSON (see the type's docs).
    ///
    /// # Errors
    ///
    /// Invalid input: `invalid-json` when the text is not the expected JSON object,
    /// `out-of-range` as in [`TimeTrackingSettings::new`].
    ///
    /// # Example
    ///
    /// ```
    /// use worklogs_core::duration::TimeTrackingSettings;
    /// let s = TimeTrackingSettings::from_json("{}")?;
    /// assert_eq!(s, TimeTrackingSettings::default());
    /// assert!(TimeTrackingSettings::from_json(r#"{"timeFormat": "fancy"}"#).is_err());
    /// # Ok::<(), worklogs_core::Error>(())
    /// ```
    pub fn from_json(json: &str) -> Result<Self, Error> {
        let raw: RawSettings = serde_json::from_str(json).map_err(|err| {
            Error::invalid(
                "invalid-json",
                format!("invalid time tracking settings: {err}"),
            )
        })?;
        Self::try_from(raw)
    }

    /// Settings with another display style.
    #[must_use]
    pub fn with_format(mut self, format: Style) -> Self {
        self.format = format;
        self
    }

    /// Settings with another unit for bare numbers.
    #[must_use]
    pub fn with_default_unit(mut self, unit: Unit) -> Self {
        self.default_unit = unit;
        self
    }

    /// Working hours per day, as configured.
    pub fn hours_per_day(&self) -> Decimal {
        self.hours_per_day
    }

    /// Working days per week, as configured.
    pub fn days_per_week(&self) -> Decimal {
        self.days_per_week
    }

    /// The unit of a bare number.
    pub fn default_unit(&self) -> Unit {
        self.default_unit
    }

    /// The display style.
    pub fn format(&self) -> Style {
        self.format
    }

    /// Seconds in one working day (`1d`).
    pub fn seconds_per_day(&self) -> u64 {
        self.seconds_per_day
    }

    /// Seconds in one working week (`1w`).
    pub fn seconds_per_week(&self) -> u64 {
        self.seconds_per_week
    }

    fn unit_seconds(&self, unit: ParsedUnit) -> u64 {
        match unit {
            ParsedUnit::Week => self.seconds_per_week,
            ParsedUnit::Day => self.seconds_per_day,
            ParsedUnit::Hour => HOUR,
            ParsedUnit::Minute => MINUTE,
            ParsedUnit::Second => 1,
        }
    }
}

/// A unit as written in a duration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ParsedUnit {
    Week,
    Day,
    Hour,
    Minute,
    Second,
}

impl ParsedUnit {
    fn from_letter(letter: char) -> Option<Self> {
        match letter.to_ascii_lowercase() {
            'w' => Some(Self::Week),
            'd' => Some(Self::Day),
            'h' => Some(Self::Hour),
            'm' => Some(Self::Minute),
            's' => Some(Self::Second),
            _ => None,
        }
    }

    fn index(self) -> usize {
        match self {
            Self::Week => 0,
            Self::Day => 1,
            Self::Hour => 2,
            Self::Minute => 3,
            Self::Second => 4,
        }
    }
}

impl From<Unit> for ParsedUnit {
    fn from(unit: Unit) -> Self {
        match unit {
            Unit::Minute => Self::Minute,
            Unit::Hour => Self::Hour,
            Unit::Day => Self::Day,
            Unit::Week => Self::Week,
        }
    }
}

/// What went wrong while parsing, before it becomes an [`Error`].
#[derive(Debug)]
enum Kind {
    Empty,
    Unexpected {
        found: Option<char>,
        expected: &'static str,
    },
    Negative,
    UnknownUnit(String),
    DuplicateUnit(char),
    MissingUnit(String),
    TooManyDecimals,
    TooLarge,
    Zero,
}

const UNITS: &str = "w, d, h, m or s";

impl Kind {
    fn reason(&self) -> &'static str {
        match self {
            Kind::Empty => "empty",
            Kind::Unexpected { .. } => "unexpected-character",
            Kind::Negative => "negative",
            Kind::UnknownUnit(_) => "unknown-unit",
            Kind::DuplicateUnit(_) => "duplicate-unit",
            Kind::MissingUnit(_) => "missing-unit",
            Kind::TooManyDecimals => "too-many-decimals",
            Kind::TooLarge => "too-large",
            Kind::Zero => "zero",
        }
    }

    fn into_error(self, input: &str, position: usize) -> Error {
        let detail = match &self {
            Kind::Empty => format!(
                "empty input at position {position} (expected a number and a unit, such as 1h 30m)"
            ),
            Kind::Unexpected {
                found: Some(found),
                expected,
            } => format!(
                "unexpected character {} at position {position} (expected {expected})",
                quote(&found.to_string())
            ),
            Kind::Unexpected {
                found: None,
                expected,
            } => format!("unexpected end of input at position {position} (expected {expected})"),
            Kind::Negative => {
                format!("negative value at position {position} (durations cannot be negative)")
            }
            Kind::UnknownUnit(unit) => format!(
                "unknown unit {} at position {position} (expected {UNITS})",
                quote(unit)
            ),
            Kind::DuplicateUnit(unit) => format!(
                "unit {} given twice at position {position} (each unit may appear once)",
                quote(&unit.to_string())
            ),
            Kind::MissingUnit(number) => format!(
                "missing unit after {} at position {position} (expected {UNITS})",
                quote(number)
            ),
            Kind::TooManyDecimals => format!(
                "too many decimals at position {position} (expected at most {MAX_DECIMALS} digits after the decimal point)"
            ),
            Kind::TooLarge => format!(
                "value too large at position {position} (expected at most {} seconds in total)",
                Seconds::MAX.0
            ),
            Kind::Zero => format!("zero duration at position {position} (expected more than zero)"),
        };
        Error::invalid(
            self.reason(),
            format!("invalid duration {}: {detail}", quote(input)),
        )
        .at(position)
    }
}

/// 10^[`MAX_DECIMALS`]: parsed values are kept as integers in this many parts of a unit.
const SCALE: u128 = 10_000;

/// The most significant integer digits a number may have: 10^16 seconds already
/// exceeds [`Seconds::MAX`].
const MAX_INTEGER_DIGITS: usize = 16;

/// A hand-written scanner: the grammar is tiny, and a parser library would cost more
/// code size in the component than this whole module while giving worse positions in
/// error messages.
struct Parser<'a> {
    input: &'a str,
    chars: Vec<char>,
    /// 0-based index into `chars`.
    pos: usize,
}

/// A number as written: its value in `1 / SCALE` parts and its text.
struct Number {
    scaled: u128,
    start: usize,
    end: usize,
}

impl<'a> Parser<'a> {
    fn new(input: &'a str) -> Self {
        Parser {
            input,
            chars: input.chars().collect(),
            pos: 0,
        }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn fail(&self, kind: Kind, index: usize) -> Error {
        kind.into_error(self.input, index.saturating_add(1))
    }

    fn skip_whitespace(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.pos = self.pos.saturating_add(1);
        }
    }

    fn text(&self, start: usize, end: usize) -> String {
        self.chars
            .get(start..end)
            .map(|chars| chars.iter().collect())
            .unwrap_or_default()
    }

    /// Reads `digits [sep digits] | sep digits` where `sep` is `.` or `,`.
    fn number(&mut self) -> Result<Number, Error> {
        let start = self.pos;
        let mut integer: u128 = 0;
        let mut significant = 0_usize;
        let mut integer_digits = 0_usize;
        while let Some(digit) = self.peek().and_then(|c| c.to_digit(10)) {
            if integer > 0 || digit > 0 {
                significant = significant.saturating_add(1);
            }
            if significant > MAX_INTEGER_DIGITS {
                return Err(self.fail(Kind::TooLarge, start));
            }
            // At most 16 significant digits: this cannot overflow a u128.
            integer = integer.saturating_mul(10).saturating_add(u128::from(digit));
            integer_digits = integer_digits.saturating_add(1);
            self.pos = self.pos.saturating_add(1);
        }
        let mut fraction: u128 = 0;
        let mut fraction_digits = 0_u32;
        if matches!(self.peek(), Some('.' | ',')) {
            self.pos = self.pos.saturating_add(1);
            while let Some(digit) = self.peek().and_then(|c| c.to_digit(10)) {
                if fraction_digits == MAX_DECIMALS {
                    return Err(self.fail(Kind::TooManyDecimals, self.pos));
                }
                fraction = fraction
                    .saturating_mul(10)
                    .saturating_add(u128::from(digit));
                fraction_digits = fraction_digits.saturating_add(1);
                self.pos = self.pos.saturating_add(1);
            }
            if fraction_digits == 0 {
                return Err(self.fail(
                    Kind::Unexpected {
                        found: self.peek(),
                        expected: "a digit after the decimal point",
                    },
                    self.pos,
                ));
            }
        } else if integer_digits == 0 {
            return Err(self.fail(
                Kind::Unexpected {
                    found: self.peek(),
                    expected: "a number",
                },
                self.pos,
            ));
        }
        let fraction_scale = 10_u128.pow(MAX_DECIMALS.saturating_sub(fraction_digits));
        let scaled = integer
            .saturating_mul(SCALE)
            .saturating_add(fraction.saturating_mul(fraction_scale));
        Ok(Number {
            scaled,
            start,
            end: self.pos,
        })
    }

    /// Reads a run of letters as a unit.
    fn unit(&mut self) -> Result<ParsedUnit, Error> {
        let start = self.pos;
        while self.peek().is_some_and(char::is_alphabetic) {
            self.pos = self.pos.saturating_add(1);
        }
        let token = self.text(start, self.pos);
        let mut letters = token.chars();
        match (
            letters.next().and_then(ParsedUnit::from_letter),
            letters.next(),
        ) {
            (Some(unit), None) => Ok(unit),
            _ => Err(self.fail(Kind::UnknownUnit(token), start)),
        }
    }

    fn parse(mut self, settings: &TimeTrackingSettings) -> Result<Seconds, Error> {
        let mut seen = [false; 5];
        let mut total: u128 = 0;
        let mut components = 0_usize;
        // The largest scaled total that still rounds to at most MAX.
        let limit = u128::from(Seconds::MAX.0)
            .saturating_mul(SCALE)
            .saturating_add(SCALE / 2 - 1);
        loop {
            self.skip_whitespace();
            let Some(next) = self.peek() else {
                if components == 0 {
                    return Err(self.fail(Kind::Empty, 0));
                }
                break;
            };
            if next == '-' || next == '\u{2212}' {
                return Err(self.fail(Kind::Negative, self.pos));
            }
            let number = self.number()?;
            self.skip_whitespace();
            let unit = match self.peek() {
                Some(c) if c.is_alphabetic() => {
                    let at = self.pos;
                    let unit = self.unit()?;
                    let slot = seen.get_mut(unit.index());
                    match slot {
                        Some(seen) if *seen => {
                            return Err(self.fail(Kind::DuplicateUnit(c.to_ascii_lowercase()), at));
                        }
                        Some(seen) => *seen = true,
                        None => {}
                    }
                    unit
                }
                None if components == 0 => settings.default_unit.into(),
                Some(c) if !(c.is_ascii_digit() || c == '.' || c == ',') => {
                    return Err(self.fail(
                        Kind::Unexpected {
                            found: Some(c),
                            expected: "a unit: w, d, h, m or s",
                        },
                        self.pos,
                    ));
                }
                _ => {
                    let text = self.text(number.start, number.end);
                    return Err(self.fail(Kind::MissingUnit(text), number.end));
                }
            };
            let value = number
                .scaled
                .checked_mul(u128::from(settings.unit_seconds(unit)));
            total = match value.and_then(|v| total.checked_add(v)) {
                Some(sum) if sum <= limit => sum,
                _ => return Err(self.fail(Kind::TooLarge, number.start)),
            };
            components = components.saturating_add(1);
        }
        // Round half up to whole seconds; the limit check keeps this within MAX.
        let seconds = total.saturating_add(SCALE / 2) / SCALE;
        let seconds = u64::try_from(seconds).unwrap_or(u64::MAX);
        Seconds::new(seconds).map_err(|_| self.fail(Kind::TooLarge, 0))
    }
}

/// Parses a duration in Jira's syntax (see the module docs). Zero (`0m`) is allowed;
/// use [`parse_nonzero`] where it is not.
///
/// # Errors
///
/// Invalid input naming the 1-based [`position`](Error::position), with
/// [`reason`](Error::reason) one of `empty`, `unexpected-character`, `negative`,
/// `unknown-unit`, `duplicate-unit`, `missing-unit`, `too-many-decimals`, `too-large`.
///
/// # Example
///
/// ```
/// use worklogs_core::duration::{parse, TimeTrackingSettings};
///
/// let settings = TimeTrackingSettings::default();
/// assert_eq!(parse("1.5h", &settings)?.get(), 5400);
/// assert_eq!(parse("1H30m", &settings)?.get(), 5400);
/// assert_eq!(parse("90", &settings)?.get(), 5400); // default unit: minute
/// assert_eq!(parse("1h 2h", &settings).unwrap_err().reason(), "duplicate-unit");
/// # Ok::<(), worklogs_core::Error>(())
/// ```
pub fn parse(text: &str, settings: &TimeTrackingSettings) -> Result<Seconds, Error> {
    Parser::new(text).parse(settings)
}

/// Parses a duration like [`parse`] and rejects zero, as Jira does when logging work.
///
/// # Errors
///
/// As [`parse`], plus invalid input `zero` (at position 1) when the duration is zero,
/// including values that round to zero seconds such as `0.0001m`.
///
/// # Example
///
/// ```
/// use worklogs_core::duration::{parse_nonzero, TimeTrackingSettings};
///
/// let err = parse_nonzero("0h", &TimeTrackingSettings::default()).unwrap_err();
/// assert_eq!(err.reason(), "zero");
/// ```
pub fn parse_nonzero(text: &str, settings: &TimeTrackingSettings) -> Result<Seconds, Error> {
    let seconds = parse(text, settings)?;
    if seconds == Seconds::ZERO {
        return Err(Kind::Zero.into_error(text, 1));
    }
    Ok(seconds)
}

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
    format_as(seconds, settings, settings.format)
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
                (settings.seconds_per_week, 'w'),
                (settings.seconds_per_day, 'd'),
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
            settings.seconds_per_day,
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

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Unit::Minute => "minute",
            Unit::Hour => "hour",
            Unit::Day => "day",
            Unit::Week => "week",
        })
    }
}

impl std::str::FromStr for Unit {
    type Err = Error;

    /// `minute`, `hour`, `day` or `week`, as in Jira's JSON.
    fn from_str(text: &str) -> Result<Self, Error> {
        match text {
            "minute" => Ok(Unit::Minute),
            "hour" => Ok(Unit::Hour),
            "day" => Ok(Unit::Day),
            "week" => Ok(Unit::Week),
            _ => Err(Error::invalid(
                "unknown-unit",
                format!(
                    "invalid defaultUnit {}: expected minute, hour, day or week",
                    quote(text)
                ),
            )
            .field_name("defaultUnit")),
        }
    }
}

impl std::str::FromStr for Style {
    type Err = Error;

    /// `pretty`, `days` or `hours`, as in Jira's JSON.
    fn from_str(text: &str) -> Result<Self, Error> {
        match text {
            "pretty" => Ok(Style::Pretty),
            "days" => Ok(Style::Days),
            "hours" => Ok(Style::Hours),
            _ => Err(Error::invalid(
                "unknown-style",
                format!(
                    "invalid timeFormat {}: expected pretty, days or hours",
                    quote(text)
                ),
            )
            .field_name("timeFormat")),
        }
    }
}

impl fmt::Display for Style {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Style::Pretty => "pretty",
            Style::Days => "days",
            Style::Hours => "hours",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    fn settings(hours: &str, days: &str) -> TimeTrackingSettings {
        TimeTrackingSettings::new(
            hours.parse().unwrap(),
            days.parse().unwrap(),
            Unit::Minute,
            Style::Pretty,
        )
        .unwrap()
    }

    #[test]
    fn parses_the_documented_forms() {
        let s = TimeTrackingSettings::default();
        let table: &[(&str, u64)] = &[
            ("1w 2d 3h 30m", 214_200),
            ("1W 2D 3H 30M", 214_200),
            ("30m 3h 2d 1w", 214_200),
            ("1h30m", 5400),
            ("1 h 30 m", 5400),
            ("  1h   30m  ", 5400),
            ("1.5h", 5400),
            ("1,5h", 5400),
            (".5h", 1800),
            ("90m", 5400),
            ("90", 5400),
            ("2d", 57_600),
            ("0m", 0),
            ("0", 0),
            ("45s", 45),
            ("1m 30s", 90),
            ("0.0125m", 1),    // 0.75 s rounds to 1
            ("0.0001h", 0),    // 0.36 s rounds to 0
            ("0.3333h", 1200), // 1199.88 s rounds to 1200
            ("1.25w", 180_000),
            ("007h", 25_200),
        ];
        for &(text, expected) in table {
            assert_eq!(parse(text, &s).map(Seconds::get), Ok(expected), "{text:?}");
        }
    }

    #[test]
    fn default_unit_applies_to_a_bare_number_only() {
        let base = TimeTrackingSettings::default();
        for (unit, expected) in [
            (Unit::Minute, 120),
            (Unit::Hour, 7200),
            (Unit::Day, 57_600),
            (Unit::Week, 288_000),
        ] {
            let s = base.clone().with_default_unit(unit);
            assert_eq!(parse("2", &s).map(Seconds::get), Ok(expected), "{unit}");
        }
        let err = parse("1h 30", &base).unwrap_err();
        assert_eq!(err.reason(), "missing-unit");
        assert_eq!(err.position(), Some(6));
    }

    #[test]
    fn fractional_site_settings() {
        // 7.5 h per day, 4.5 days per week: 1d = 27 000 s, 1w = 121 500 s.
        let s = settings("7.5", "4.5");
        assert_eq!(parse("1w", &s).map(Seconds::get), Ok(121_500));
        assert_eq!(parse("1d", &s).map(Seconds::get), Ok(27_000));
        assert_eq!(parse("1w 1d 1h", &s).map(Seconds::get), Ok(152_100));
        // Jira truncates a day to whole seconds: 7.33333 h = 26 399.988 s -> 26 399 s.
        let s = settings("7.33333", "5");
        assert_eq!(s.seconds_per_day(), 26_399);
        assert_eq!(s.seconds_per_week(), 131_995);
    }

    #[test]
    fn errors_name_position_and_expectation() {
        let s = TimeTrackingSettings::default();
        let table: &[(&str, &str, usize, &str)] = &[
            (
                "",
                "empty",
                1,
                r#"invalid duration "": empty input at position 1 (expected a number and a unit, such as 1h 30m)"#,
            ),
            (
                "   ",
                "empty",
                1,
                r#"invalid duration "   ": empty input at position 1 (expected a number and a unit, such as 1h 30m)"#,
            ),
            (
                "3x",
                "unknown-unit",
                2,
                r#"invalid duration "3x": unknown unit "x" at position 2 (expected w, d, h, m or s)"#,
            ),
            (
                "2 hours",
                "unknown-unit",
                3,
                r#"invalid duration "2 hours": unknown unit "hours" at position 3 (expected w, d, h, m or s)"#,
            ),
            (
                "1h 2H",
                "duplicate-unit",
                5,
                r#"invalid duration "1h 2H": unit "h" given twice at position 5 (each unit may appear once)"#,
            ),
            (
                "-1h",
                "negative",
                1,
                r#"invalid duration "-1h": negative value at position 1 (durations cannot be negative)"#,
            ),
            (
                "1h -30m",
                "negative",
                4,
                r#"invalid duration "1h -30m": negative value at position 4 (durations cannot be negative)"#,
            ),
            (
                "1.23456h",
                "too-many-decimals",
                7,
                r#"invalid duration "1.23456h": too many decimals at position 7 (expected at most 4 digits after the decimal point)"#,
            ),
            (
                "99999999999999999m",
                "too-large",
                1,
                r#"invalid duration "99999999999999999m": value too large at position 1 (expected at most 9007199254740991 seconds in total)"#,
            ),
            (
                "1h 3000000000000w",
                "too-large",
                4,
                r#"invalid duration "1h 3000000000000w": value too large at position 4 (expected at most 9007199254740991 seconds in total)"#,
            ),
            (
                "h",
                "unexpected-character",
                1,
                r#"invalid duration "h": unexpected character "h" at position 1 (expected a number)"#,
            ),
            (
                "1.h",
                "unexpected-character",
                3,
                r#"invalid duration "1.h": unexpected character "h" at position 3 (expected a digit after the decimal point)"#,
            ),
            (
                "1.",
                "unexpected-character",
                3,
                r#"invalid duration "1.": unexpected end of input at position 3 (expected a digit after the decimal point)"#,
            ),
            (
                "+1h",
                "unexpected-character",
                1,
                r#"invalid duration "+1h": unexpected character "+" at position 1 (expected a number)"#,
            ),
            (
                "1h+",
                "unexpected-character",
                3,
                r#"invalid duration "1h+": unexpected character "+" at position 3 (expected a number)"#,
            ),
            (
                "1+",
                "unexpected-character",
                2,
                r#"invalid duration "1+": unexpected character "+" at position 2 (expected a unit: w, d, h, m or s)"#,
            ),
            (
                "1 30m",
                "missing-unit",
                2,
                r#"invalid duration "1 30m": missing unit after "1" at position 2 (expected w, d, h, m or s)"#,
            ),
            (
                "1e3h",
                "unknown-unit",
                2,
                r#"invalid duration "1e3h": unknown unit "e" at position 2 (expected w, d, h, m or s)"#,
            ),
        ];
        for &(text, reason, position, message) in table {
            let err = parse(text, &s).unwrap_err();
            assert!(err.is_invalid_input(), "{text:?}");
            assert_eq!(err.reason(), reason, "{text:?}");
            assert_eq!(err.position(), Some(position), "{text:?}");
            assert_eq!(err.to_string(), message, "{text:?}");
        }
    }

    #[test]
    fn zero_is_the_callers_choice() {
        let s = TimeTrackingSettings::default();
        assert_eq!(parse("0h 0m", &s), Ok(Seconds::ZERO));
        let err = parse_nonzero("0h 0m", &s).unwrap_err();
        assert_eq!(err.reason(), "zero");
        assert_eq!(err.position(), Some(1));
        assert_eq!(parse_nonzero("1m", &s).map(Seconds::get), Ok(60));
    }

    #[test]
    fn positions_count_characters_not_bytes() {
        let err = parse("1h ünits", &TimeTrackingSettings::default()).unwrap_err();
        assert_eq!(err.position(), Some(4));
        let err = parse("éé 1x", &TimeTrackingSettings::default()).unwrap_err();
        assert_eq!(err.position(), Some(1));
    }

    #[test]
    fn formats_in_every_style() {
        let s = TimeTrackingSettings::default();
        let table: &[(u64, &str, &str, &str)] = &[
            (0, "0m", "0d", "0h"),
            (45, "45s", "45s", "0.0125h"),
            (90, "1m 30s", "1m 30s", "0.025h"),
            (61, "1m 1s", "1m 1s", "1m 1s"),
            (1200, "20m", "20m", "20m"),
            (2700, "45m", "45m", "0.75h"), // 0.09375d would need 5 decimals: split
            (5400, "1h 30m", "0.1875d", "1.5h"),
            (28_800, "1d", "1d", "8h"),
            (214_200, "1w 2d 3h 30m", "7.4375d", "59.5h"),
            (144_000, "1w", "5d", "40h"),
        ];
        for &(seconds, pretty, days, hours) in table {
            let d = Seconds::new(seconds).unwrap();
            assert_eq!(format_as(d, &s, Style::Pretty), pretty, "{seconds}");
            assert_eq!(format_as(d, &s, Style::Days), days, "{seconds}");
            assert_eq!(format_as(d, &s, Style::Hours), hours, "{seconds}");
        }
        // 7.5 h days: 59.5 h is 7.9333 days, not exact in four decimals.
        let s = settings("7.5", "5");
        let d = Seconds::new(214_200).unwrap();
        assert_eq!(format_as(d, &s, Style::Days), "7d 7h");
        assert_eq!(format_as(d, &s, Style::Pretty), "1w 2d 7h");
    }

    #[test]
    fn settings_validation_names_the_field() {
        for (json, field) in [
            (r#"{"workingHoursPerDay": 0}"#, "workingHoursPerDay"),
            (r#"{"workingHoursPerDay": 24.5}"#, "workingHoursPerDay"),
            (r#"{"workingHoursPerDay": -8}"#, "workingHoursPerDay"),
            (r#"{"workingDaysPerWeek": 7.01}"#, "workingDaysPerWeek"),
            (r#"{"workingDaysPerWeek": 0}"#, "workingDaysPerWeek"),
            (r#"{"workingHoursPerDay": 0.0002}"#, "workingHoursPerDay"),
        ] {
            let err = TimeTrackingSettings::from_json(json).unwrap_err();
            assert_eq!(err.field(), Some(field), "{json}");
            assert_eq!(err.reason(), "out-of-range", "{json}");
        }
        let err = TimeTrackingSettings::from_json(r#"{"workingHoursPerDay": 25}"#).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid workingHoursPerDay 25: out of range (expected more than 0 and at most 24)"
        );
        let err = TimeTrackingSettings::from_json(r#"{"defaultUnit": "fortnight"}"#).unwrap_err();
        assert_eq!(err.reason(), "invalid-json");
        assert!(err.to_string().contains("fortnight"), "{err}");
        // Accepted through serde's own entry point too.
        let s: TimeTrackingSettings = serde_json::from_str(
            r#"{"workingHoursPerDay": 7.6, "workingDaysPerWeek": 5, "timeFormat": "days", "defaultUnit": "hour"}"#,
        )
        .unwrap();
        assert_eq!(s.seconds_per_day(), 27_360);
        assert_eq!(s.format(), Style::Days);
        let back: TimeTrackingSettings =
            serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
        assert_eq!(back, s);
    }

    #[test]
    fn names_parse_like_jira_json() {
        for style in [Style::Pretty, Style::Days, Style::Hours] {
            assert_eq!(style.to_string().parse::<Style>(), Ok(style));
        }
        for unit in [Unit::Minute, Unit::Hour, Unit::Day, Unit::Week] {
            assert_eq!(unit.to_string().parse::<Unit>(), Ok(unit));
        }
        let err = "Pretty".parse::<Style>().unwrap_err();
        assert_eq!(
            err.to_string(),
            r#"invalid timeFormat "Pretty": expected pretty, days or hours"#
        );
        assert_eq!(
            "weeks".parse::<Unit>().unwrap_err().field(),
            Some("defaultUnit")
        );
    }

    #[test]
    fn seconds_conversions() {
        assert_eq!(Seconds::try_from(-5_i64).unwrap_err().reason(), "negative");
        assert_eq!(Seconds::try_from(5_i64).map(Seconds::get), Ok(5));
        assert!(Seconds::new(Seconds::MAX.get() + 1).is_err());
        assert_eq!(i64::from(Seconds::MAX), 9_007_199_254_740_991);
        assert!(Seconds::MAX.checked_add(Seconds(1)).is_none());
        assert!(Seconds::sum([Seconds::MAX, Seconds(1)])
            .unwrap_err()
            .is_overflow());
        assert!(serde_json::from_str::<Seconds>("-1").is_err());
        assert!(serde_json::from_str::<Seconds>("9007199254740992").is_err());
        assert_eq!(serde_json::to_string(&Seconds(90)).unwrap(), "90");
    }

    /// The shared vectors in `tests/vectors/durations.json`, also run by the UI's tests.
    #[test]
    fn shared_vectors() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/vectors/durations.json"
        );
        let text = std::fs::read_to_string(path).unwrap();
        let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
        let mut named = BTreeMap::new();
        for (name, json) in doc["settings"].as_object().unwrap() {
            let parsed: TimeTrackingSettings = serde_json::from_value(json.clone()).unwrap();
            named.insert(name.clone(), parsed);
        }
        let mut count = 0;
        for case in doc["parse"].as_array().unwrap() {
            let input = case["input"].as_str().unwrap();
            let s = &named[case["settings"].as_str().unwrap()];
            let result = if case["nonzero"].as_bool().unwrap_or(false) {
                parse_nonzero(input, s)
            } else {
                parse(input, s)
            };
            match (&case["seconds"], &case["error"]) {
                (serde_json::Value::Number(n), _) => {
                    assert_eq!(
                        result.map(Seconds::get),
                        Ok(n.as_u64().unwrap()),
                        "{input:?}"
                    );
                }
                (_, error) => {
                    let err = result.unwrap_err();
                    assert_eq!(err.reason(), error["reason"].as_str().unwrap(), "{input:?}");
                    assert_eq!(
                        err.position(),
                        error["position"].as_u64().map(|p| p as usize),
                        "{input:?}"
                    );
                    if let Some(message) = error["message"].as_str() {
                        assert_eq!(err.to_string(), message, "{input:?}");
                    }
                }
            }
            count += 1;
        }
        for case in doc["format"].as_array().unwrap() {
            let seconds = Seconds::new(case["seconds"].as_u64().unwrap()).unwrap();
            let s = &named[case["settings"].as_str().unwrap()];
            for style in [Style::Pretty, Style::Days, Style::Hours] {
                let expected = case[style.to_string()].as_str().unwrap();
                assert_eq!(
                    format_as(seconds, s, style),
                    expected,
                    "{seconds:?} {style}"
                );
                assert_eq!(parse(expected, s), Ok(seconds), "{expected:?}");
            }
            count += 1;
        }
        assert!(count >= 40, "only {count} vectors");
    }

    fn any_settings() -> impl Strategy<Value = TimeTrackingSettings> {
        (1_u32..=2400, 1_u32..=14, 0_usize..4).prop_map(|(centihours, half_days, unit)| {
            let units = [Unit::Minute, Unit::Hour, Unit::Day, Unit::Week];
            TimeTrackingSettings::new(
                Decimal::new(i64::from(centihours), 2),
                Decimal::new(i64::from(half_days) * 5, 1),
                units[unit],
                Style::Pretty,
            )
            .unwrap()
        })
    }

    fn any_seconds() -> impl Strategy<Value = Seconds> {
        prop_oneof![
            (0_u64..=100_000).prop_map(Seconds),
            (0_u64..=10_000_000).prop_map(|m| Seconds(m * 60)),
            (0_u64..=Seconds::MAX.0).prop_map(Seconds),
        ]
    }

    proptest! {
        #[test]
        fn format_then_parse_is_identity(d in any_seconds(), s in any_settings()) {
            for style in [Style::Pretty, Style::Days, Style::Hours] {
                let text = format_as(d, &s, style);
                prop_assert_eq!(parse(&text, &s), Ok(d), "{} {}", style, text);
            }
        }

        #[test]
        fn parse_never_panics_and_is_never_negative(text in "\\PC{0,24}", s in any_settings()) {
            if let Ok(d) = parse(&text, &s) {
                prop_assert!(d <= Seconds::MAX);
                let again = parse(&format(d, &s), &s);
                prop_assert_eq!(again, Ok(d));
            }
        }

        #[test]
        fn parse_of_component_text(
            w in 0_u64..100, d in 0_u64..100, h in 0_u64..100, m in 0_u64..1000,
            s in any_settings(),
        ) {
            let text = format!("{w}w {d}d {h}h {m}m");
            let expected = w * s.seconds_per_week() + d * s.seconds_per_day() + h * 3600 + m * 60;
            prop_assert_eq!(parse(&text, &s).map(Seconds::get), Ok(expected));
        }
    }
}
