//! Parsing durations in Jira's syntax (see the module docs of
//! [`crate::duration`]).

use super::settings::TimeTrackingSettings;
use super::{Seconds, Unit, HOUR, MAX_DECIMALS, MINUTE};
use crate::error::{quote, Error};

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
                None if components == 0 => settings.default_unit().into(),
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
                .checked_mul(u128::from(unit_seconds(settings, unit)));
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

/// Seconds in one `unit` under `settings`.
fn unit_seconds(settings: &TimeTrackingSettings, unit: ParsedUnit) -> u64 {
    match unit {
        ParsedUnit::Week => settings.seconds_per_week(),
        ParsedUnit::Day => settings.seconds_per_day(),
        ParsedUnit::Hour => HOUR,
        ParsedUnit::Minute => MINUTE,
        ParsedUnit::Second => 1,
    }
}
