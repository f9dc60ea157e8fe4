//! The crate's one public error type.
//!
//! Every fallible function in this crate returns [`Error`]. Each module keeps its own
//! private error kinds and turns them into an `Error` with a stable [`reason`](Error::reason)
//! (kebab-case, never changes meaning), an optional [`field`](Error::field) and
//! [`position`](Error::position), and a message that names the bad value, such as
//! `invalid duration "3x": unknown unit "x" at position 2 (expected w, d, h, m or s)`.
//!
//! Callers branch on the predicates ([`is_invalid_input`](Error::is_invalid_input),
//! [`is_not_found`](Error::is_not_found), [`is_overflow`](Error::is_overflow),
//! [`is_limit`](Error::is_limit)), never on the message text.

use std::fmt;

/// What went wrong, broadly: the predicates on [`Error`] answer from this.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Category {
    /// The input was malformed or out of range.
    InvalidInput,
    /// A lookup found nothing (such as no rate in effect on a date).
    NotFound,
    /// Arithmetic on valid values exceeded what the crate can represent.
    Overflow,
    /// Valid input that exceeds a limit of an output format or of the platform, such
    /// as Excel's 1,048,576 rows per sheet.
    Limit,
}

/// An error from the Worklogs core.
///
/// Errors are values: no function in this crate panics on any input.
///
/// # Example
///
/// ```
/// use worklogs_core::duration::{parse, TimeTrackingSettings};
///
/// let err = parse("3x", &TimeTrackingSettings::default()).unwrap_err();
/// assert!(err.is_invalid_input());
/// assert_eq!(err.reason(), "unknown-unit");
/// assert_eq!(err.position(), Some(2));
/// assert_eq!(
///     err.to_string(),
///     r#"invalid duration "3x": unknown unit "x" at position 2 (expected w, d, h, m or s)"#
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    inner: Box<Inner>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Inner {
    category: Category,
    reason: &'static str,
    field: Option<String>,
    position: Option<usize>,
    message: String,
}

impl Error {
    /// Builds an error; modules call this from their private kinds.
    pub(crate) fn new(category: Category, reason: &'static str, message: String) -> Self {
        Self {
            inner: Box::new(Inner {
                category,
                reason,
                field: None,
                position: None,
                message,
            }),
        }
    }

    /// An invalid-input error.
    pub(crate) fn invalid(reason: &'static str, message: String) -> Self {
        Self::new(Category::InvalidInput, reason, message)
    }

    /// An overflow error (arithmetic on valid values exceeded the limits).
    pub(crate) fn overflow(what: &str) -> Self {
        Self::new(
            Category::Overflow,
            "overflow",
            format!("{what} is too large to represent"),
        )
    }

    /// A limit error (valid input, but too much of it for a format or the platform).
    pub(crate) fn limit(reason: &'static str, message: String) -> Self {
        Self::new(Category::Limit, reason, message)
    }

    /// Records the 1-based character position the error refers to.
    pub(crate) fn at(mut self, position: usize) -> Self {
        self.inner.position = Some(position);
        self
    }

    /// Records the field the error refers to, without changing the message (which
    /// already names it).
    pub(crate) fn field_name(mut self, field: &str) -> Self {
        self.inner.field = Some(field.to_owned());
        self
    }

    /// Names the input field this error came from, for errors raised on a value the
    /// caller took from a larger request: sets [`field`](Error::field) and prefixes the
    /// message with `field: `.
    ///
    /// # Example
    ///
    /// ```
    /// use worklogs_core::calendar::Zone;
    ///
    /// let err = Zone::parse("Mars/Olympus").unwrap_err().with_field("timeZone");
    /// assert_eq!(err.field(), Some("timeZone"));
    /// assert!(err.to_string().starts_with("timeZone: invalid time zone \"Mars/Olympus\""));
    /// ```
    #[must_use]
    pub fn with_field(mut self, field: &str) -> Self {
        self.inner.message = format!("{field}: {}", self.inner.message);
        self.inner.field = Some(field.to_owned());
        self
    }

    /// True when the input was malformed or out of range (maps to the task protocol's
    /// `invalid-input`).
    pub fn is_invalid_input(&self) -> bool {
        self.inner.category == Category::InvalidInput
    }

    /// True when a lookup found nothing, such as no hourly rate in effect on a date.
    pub fn is_not_found(&self) -> bool {
        self.inner.category == Category::NotFound
    }

    /// True when arithmetic on valid values exceeded what can be represented, such as a
    /// total above [`Seconds::MAX`](crate::duration::Seconds::MAX).
    pub fn is_overflow(&self) -> bool {
        self.inner.category == Category::Overflow
    }

    /// True when valid input exceeds a limit of an output format or of the platform,
    /// such as Excel's 1,048,576 rows per sheet (maps to the task protocol's `limit`).
    pub fn is_limit(&self) -> bool {
        self.inner.category == Category::Limit
    }

    /// A stable, kebab-case name of what went wrong, such as `unknown-unit` or
    /// `unknown-time-zone`. Tests and the UI may match on it; it never changes meaning.
    pub fn reason(&self) -> &'static str {
        self.inner.reason
    }

    /// The input field the error refers to, when known (JSON names such as
    /// `workingHoursPerDay`).
    pub fn field(&self) -> Option<&str> {
        self.inner.field.as_deref()
    }

    /// The 1-based character position in the input text the error refers to, when the
    /// input was text (durations, instants).
    pub fn position(&self) -> Option<usize> {
        self.inner.position
    }

    /// The human-readable message: lower case, no trailing period, naming the bad value.
    pub fn message(&self) -> &str {
        &self.inner.message
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.inner.message)
    }
}

impl std::error::Error for Error {}

/// Quotes a user-supplied value for a message: escaped like a Rust string literal and
/// shortened to 60 characters, so a huge or hostile input cannot flood a log line.
pub(crate) fn quote(value: &str) -> String {
    const LIMIT: usize = 60;
    if value.chars().count() <= LIMIT {
        format!("{value:?}")
    } else {
        let head: String = value.chars().take(LIMIT).collect();
        format!("{:?}…", head)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn predicates_follow_the_category() {
        let invalid = Error::invalid("bad", "bad thing".into());
        assert!(invalid.is_invalid_input());
        assert!(!invalid.is_not_found());
        assert!(!invalid.is_overflow());
        let overflow = Error::overflow("the total");
        assert!(overflow.is_overflow());
        assert_eq!(overflow.to_string(), "the total is too large to represent");
        let missing = Error::new(Category::NotFound, "no-rate", "no rate".into());
        assert!(missing.is_not_found());
        let limit = Error::limit("too-many-rows", "too many rows".into());
        assert!(limit.is_limit());
        assert!(!limit.is_invalid_input());
    }

    #[test]
    fn with_field_prefixes_the_message_once() {
        let err = Error::invalid("bad", "bad thing".into()).with_field("x");
        assert_eq!(err.field(), Some("x"));
        assert_eq!(err.message(), "x: bad thing");
    }

    #[test]
    fn quote_escapes_and_shortens() {
        assert_eq!(quote("a\"b"), r#""a\"b""#);
        let long = "x".repeat(100);
        let quoted = quote(&long);
        assert!(quoted.ends_with('…'));
        assert_eq!(quoted.chars().count(), 60 + 3);
    }
}
