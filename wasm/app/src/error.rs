//! The one error type of the component: a stable [`ErrorCode`] and a message for a
//! person.
//!
//! Every failure, from malformed input to a broken host, ends a run as an
//! [`Error`] value; nothing in this crate panics on purpose. Messages are lower
//! case, have no trailing period and name the field and the value where there is
//! one, such as `invalid input: field "seconds": -5 is not a positive number of
//! seconds`.

use std::fmt;

/// A stable error code. Codes never change meaning; new ones may be added.
///
/// Mirrors the WIT enum `error-code`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// The input was malformed or out of range.
    InvalidInput,
    /// The acting user may not do this.
    Forbidden,
    /// The thing asked for does not exist, or the acting user may not see it.
    NotFound,
    /// The request conflicts with the current state.
    Conflict,
    /// Jira or the database failed or was unavailable.
    Upstream,
    /// A platform limit was reached.
    Limit,
    /// A bug: the core or the host broke its side of the protocol.
    Internal,
    /// In an effect's outcome only: the platform refused the effect before
    /// performing it because of a rate, so it may be sent again after a wait
    /// ([`crate::executor::Ctx::sql`] does). No run ends with it.
    Throttled,
}

impl ErrorCode {
    /// The code as written in the WIT contract and in JSON, such as `invalid-input`.
    ///
    /// ```
    /// use worklogs_app::ErrorCode;
    /// assert_eq!(ErrorCode::NotFound.as_str(), "not-found");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvalidInput => "invalid-input",
            Self::Forbidden => "forbidden",
            Self::NotFound => "not-found",
            Self::Conflict => "conflict",
            Self::Upstream => "upstream",
            Self::Limit => "limit",
            Self::Internal => "internal",
            Self::Throttled => "throttled",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error: a stable code and a message for a person.
///
/// ```
/// use worklogs_app::Error;
/// let e = Error::invalid_field("seconds", "-5 is not a positive number of seconds");
/// assert!(e.is_invalid_input());
/// assert_eq!(
///     e.message(),
///     r#"invalid input: field "seconds": -5 is not a positive number of seconds"#
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    code: ErrorCode,
    message: String,
}

impl Error {
    /// An error with this code and message, as given.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }

    /// Malformed input that is not about one field; the message gets the prefix
    /// `invalid input: `.
    pub fn invalid_input(message: impl fmt::Display) -> Self {
        Self::new(ErrorCode::InvalidInput, format!("invalid input: {message}"))
    }

    /// Malformed input in `field` (a dotted path such as `estimate.adjust`).
    pub fn invalid_field(field: &str, message: impl fmt::Display) -> Self {
        Self::invalid_input(format_args!("field \"{field}\": {message}"))
    }

    /// The acting user may not do this.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Forbidden, message)
    }

    /// Not found, or not visible to the acting user.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::NotFound, message)
    }

    /// Jira or the database failed, or answered something unexpected.
    pub fn upstream(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Upstream, message)
    }

    /// A platform limit was reached.
    pub fn limit(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Limit, message)
    }

    /// A broken protocol or a bug.
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Internal, message)
    }

    /// The stable code.
    pub fn code(&self) -> ErrorCode {
        self.code
    }

    /// The message for a person.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Whether the input was at fault.
    pub fn is_invalid_input(&self) -> bool {
        self.code == ErrorCode::InvalidInput
    }

    /// Whether the acting user was not allowed.
    pub fn is_forbidden(&self) -> bool {
        self.code == ErrorCode::Forbidden
    }

    /// Whether the thing asked for was not found.
    pub fn is_not_found(&self) -> bool {
        self.code == ErrorCode::NotFound
    }

    /// Whether Jira or the database failed.
    pub fn is_upstream(&self) -> bool {
        self.code == ErrorCode::Upstream
    }

    /// Whether the protocol was broken.
    pub fn is_internal(&self) -> bool {
        self.code == ErrorCode::Internal
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for Error {}
