//! Operation input, in two stages: deserialize a raw struct (unknown fields
//! rejected), then validate it into the typed value the operation uses.
//! Operations never see unvalidated JSON.
//!
//! Every error is `invalid-input` and names the field and the value:
//! `invalid input: field "seconds": -5 is not a positive number of seconds`.
//! Type errors from the first stage name the field too (the path is tracked by
//! `serde_path_to_error`).
//!
//! This module also holds the validated values shared by several operations:
//! issue and worklog references, start instants, durations, comments and
//! visibility.

use std::fmt;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveTime, TimeZone};
use serde::de::{self, DeserializeOwned, Deserializer, Unexpected, Visitor};
use serde::Deserialize;

use crate::Error;

/// An operation's input: a raw, deserialized form and its validation.
pub trait Input: Sized {
    /// The input as deserialized, with `#[serde(deny_unknown_fields)]`.
    type Raw: DeserializeOwned;

    /// Checks the raw input and builds the typed value.
    ///
    /// # Errors
    ///
    /// `invalid-input`, naming the field and the value.
    fn validate(raw: Self::Raw) -> Result<Self, Error>;
}

/// The largest input, in bytes: a report query that lists a thousand people
/// and a thousand issues, or a thousand rates, fits many times over.
pub const MAX_INPUT_BYTES: usize = 1 << 20;

/// Parses and validates an operation's JSON input. An empty input reads as `{}`.
///
/// # Errors
///
/// `limit` for an input larger than [`MAX_INPUT_BYTES`]; `invalid-input` when
/// the text is not JSON, not an object, has unknown fields, fields of the wrong
/// type, or values out of range.
pub fn parse<T: Input>(text: &str) -> Result<T, Error> {
    if text.len() > MAX_INPUT_BYTES {
        return Err(Error::limit(format!(
            "the input is {} bytes, more than {MAX_INPUT_BYTES}",
            text.len()
        )));
    }
    let text = text.trim();
    let value: serde_json::Value = if text.is_empty() {
        serde_json::Value::Object(serde_json::Map::new())
    } else {
        serde_json::from_str(text)
            .map_err(|e| Error::invalid_input(format_args!("the input is not JSON: {e}")))?
    };
    if !value.is_object() {
        return Err(Error::invalid_input(format_args!(
            "the input must be a JSON object, not {}",
            describe(&value)
        )));
    }
    let raw = serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if path.is_empty() || path == "." {
            Error::invalid_input(inner)
        } else {
            Error::invalid_field(&path, inner)
        }
    })?;
    T::validate(raw)
}

/// A short description of a JSON value's type, for messages.
fn describe(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

/// Deserializes an optional whole number: integers, and floats without a
/// fraction (JavaScript has no other numbers). Errors read "expected a whole
/// number" rather than Rust's "expected i64".
pub fn whole_number<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<i64>, D::Error> {
    struct WholeNumber;

    impl Visitor<'_> for WholeNumber {
        type Value = Option<i64>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a whole number")
        }

        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Some(v))
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            i64::try_from(v)
                .map(Some)
                .map_err(|_| E::invalid_value(Unexpected::Unsigned(v), &"a smaller whole number"))
        }

        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            // Exact in f64 up to 2^53; anything larger is no sensible input here.
            const LIMIT: f64 = 9_007_199_254_740_992.0;
            if v.fract() == 0.0 && v.abs() <= LIMIT {
                #[allow(clippy::cast_possible_truncation)]
                Ok(Some(v as i64))
            } else {
                Err(E::invalid_type(Unexpected::Float(v), &self))
            }
        }
    }

    deserializer.deserialize_any(WholeNumber)
}

/// Deserializes an optional number (integer or not). Errors read "expected a
/// number" rather than Rust's "expected f64".
pub fn number<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<f64>, D::Error> {
    struct Number;

    impl Visitor<'_> for Number {
        type Value = Option<f64>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a number")
        }

        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        #[allow(clippy::cast_precision_loss)]
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Some(v as f64))
        }

        #[allow(clippy::cast_precision_loss)]
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(Some(v as f64))
        }

        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            Ok(Some(v))
        }
    }

    deserializer.deserialize_any(Number)
}

/// A reference to an issue: a key such as `ALPHA-2` or a numeric id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IssueRef(String);

impl IssueRef {
    /// Longest key accepted (Jira's project keys are at most 255 characters).
    const MAX_KEY: usize = 255 + 1 + 18;

    /// Checks `value` as read from `field`: a key `^[A-Z][A-Z0-9_]*-[1-9][0-9]*$`
    /// or an id `^[1-9][0-9]{0,17}$`.
    ///
    /// Hand-written rather than a regex: a few character checks do not justify
    /// a regex engine in the component.
    ///
    /// # Errors
    ///
    /// `invalid-input` naming the field and the value.
    ///
    /// ```
    /// use worklogs_app::input::IssueRef;
    /// assert!(IssueRef::parse("issue", "ALPHA-2").is_ok());
    /// assert!(IssueRef::parse("issue", "10042").is_ok());
    /// assert!(IssueRef::parse("issue", "alpha-2").is_err());
    /// ```
    pub fn parse(field: &str, value: &str) -> Result<Self, Error> {
        let valid = if value.bytes().all(|b| b.is_ascii_digit()) {
            is_id(value)
        } else {
            value.len() <= Self::MAX_KEY
                && value.rsplit_once('-').is_some_and(|(project, number)| {
                    let mut chars = project.bytes();
                    chars.next().is_some_and(|b| b.is_ascii_uppercase())
                        && chars.all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
                        && is_id(number)
                })
        };
        if valid {
            Ok(Self(value.to_owned()))
        } else {
            Err(Error::invalid_field(
                field,
                format_args!(
                    "{} is not an issue key (such as ALPHA-2) or a numeric issue id",
                    quote(value)
                ),
            ))
        }
    }

    /// The key or id, as given.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether this is a numeric id rather than a key.
    pub fn is_id(&self) -> bool {
        self.0.bytes().all(|b| b.is_ascii_digit())
    }
}

/// A worklog id: a positive number, as a string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorklogId(String);

impl WorklogId {
    /// Checks `value` as read from `field`: `^[1-9][0-9]{0,17}$`.
    ///
    /// # Errors
    ///
    /// `invalid-input` naming the field and the value.
    pub fn parse(field: &str, value: &str) -> Result<Self, Error> {
        if is_id(value) {
            Ok(Self(value.to_owned()))
        } else {
            Err(Error::invalid_field(
                field,
                format_args!("{} is not a numeric worklog id", quote(value)),
            ))
        }
    }

    /// The id.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// `^[1-9][0-9]{0,17}$`: a positive number that fits an `i64`.
fn is_id(value: &str) -> bool {
    !value.is_empty()
        && value.len() <= 18
        && !value.starts_with('0')
        && value.bytes().all(|b| b.is_ascii_digit())
}

/// A value in double quotes for a message, shortened when long.
pub fn quote(value: &str) -> String {
    const MAX: usize = 64;
    let mut shown: String = value.chars().take(MAX).collect();
    if shown.len() < value.len() {
        shown.push('…');
    }
    format!("{shown:?}")
}

/// When work started: a date-time with an explicit offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Started(DateTime<FixedOffset>);

impl Started {
    /// Checks `value` as read from `field`: RFC 3339 with an offset
    /// (`2026-11-24T09:30:00+01:00`, `…Z`) or Jira's own form
    /// (`2026-11-24T09:30:00.000+0000`), in the years 1970 to 9999.
    ///
    /// # Errors
    ///
    /// `invalid-input` naming the field and the value.
    ///
    /// ```
    /// use worklogs_app::input::Started;
    /// let started = Started::parse("started", "2026-11-24T09:30:00+01:00").unwrap();
    /// assert_eq!(started.to_jira(), "2026-11-24T09:30:00.000+0100");
    /// assert!(Started::parse("started", "2026-11-24T09:30:00").is_err());
    /// ```
    pub fn parse(field: &str, value: &str) -> Result<Self, Error> {
        let parsed = parse_date_time(value).ok_or_else(|| {
            Error::invalid_field(
                field,
                format_args!(
                    "{} is not a date-time with an offset, such as 2026-11-24T09:30:00+01:00",
                    quote(value)
                ),
            )
        })?;
        if !(1970..=9999).contains(&parsed.year()) {
            return Err(Error::invalid_field(
                field,
                format_args!("{} is not between the years 1970 and 9999", quote(value)),
            ));
        }
        Ok(Self(parsed))
    }

    /// The instant, epoch milliseconds.
    pub fn millis(&self) -> i64 {
        self.0.timestamp_millis()
    }

    /// As Jira takes it: `yyyy-MM-ddTHH:mm:ss.SSS+hhmm`, in the offset given.
    pub fn to_jira(&self) -> String {
        self.0.format("%Y-%m-%dT%H:%M:%S%.3f%z").to_string()
    }
}

/// Parses RFC 3339, or Jira's form with milliseconds and a `+hhmm` offset.
pub fn parse_date_time(value: &str) -> Option<DateTime<FixedOffset>> {
    jira_form(value).or_else(|| {
        DateTime::parse_from_rfc3339(value)
            .or_else(|_| DateTime::parse_from_str(value, JIRA_FORM))
            .ok()
    })
}

/// Jira's own form of a date-time, as `chrono` reads it.
const JIRA_FORM: &str = "%Y-%m-%dT%H:%M:%S%.f%z";

/// Jira's form exactly as Jira writes it (`2026-11-24T09:30:00.000+0000`,
/// 28 characters), read without `chrono`'s format parser: a full import reads
/// two of these per worklog, and the general parser (which first tries RFC
/// 3339, then interprets the format string each time) took a tenth of the
/// component's time there. Anything else, including values the calendar
/// does not hold, is `None` and goes to the general parser, so the answer is
/// always the general parser's (`jira_form_reads_as_chrono_does`).
fn jira_form(value: &str) -> Option<DateTime<FixedOffset>> {
    let b = value.as_bytes();
    let shaped = b.len() == 28
        && [
            (4, b'-'),
            (7, b'-'),
            (10, b'T'),
            (13, b':'),
            (16, b':'),
            (19, b'.'),
        ]
        .iter()
        .all(|&(at, c)| b.get(at) == Some(&c));
    if !shaped {
        return None;
    }
    let num = |from: usize, to: usize| {
        b.get(from..to)?.iter().try_fold(0u32, |n, &d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        })
    };
    let sign = match b.get(23)? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let (offset_hours, offset_minutes) = (num(24, 26)?, num(26, 28)?);
    if offset_minutes >= 60 {
        return None;
    }
    let offset_seconds = i32::try_from(offset_hours * 3600 + offset_minutes * 60).ok()?;
    let offset = FixedOffset::east_opt(sign * offset_seconds)?;
    let date = NaiveDate::from_ymd_opt(i32::try_from(num(0, 4)?).ok()?, num(5, 7)?, num(8, 10)?)?;
    let time =
        NaiveTime::from_hms_milli_opt(num(11, 13)?, num(14, 16)?, num(17, 19)?, num(20, 23)?)?;
    offset.from_local_datetime(&date.and_time(time)).single()
}

/// Formats a Jira date-time as RFC 3339 with milliseconds, keeping its offset
/// (`2026-11-24T09:30:00.000+0000` becomes `2026-11-24T09:30:00.000+00:00`).
pub fn rfc3339(value: &DateTime<FixedOffset>) -> String {
    value.format("%Y-%m-%dT%H:%M:%S%.3f%:z").to_string()
}

/// The longest time one worklog may record: one week, in seconds. Jira itself
/// takes more; anything longer is a typing mistake.
pub const MAX_WORKLOG_SECONDS: i64 = 7 * 24 * 3600;

/// Checks the time spent, in seconds: `0 < seconds <= 604800`.
///
/// # Errors
///
/// `invalid-input` naming the field and the value.
pub fn seconds(field: &str, value: i64) -> Result<i64, Error> {
    if value <= 0 {
        Err(Error::invalid_field(
            field,
            format_args!("{value} is not a positive number of seconds"),
        ))
    } else if value > MAX_WORKLOG_SECONDS {
        Err(Error::invalid_field(
            field,
            format_args!("{value} is more than one week ({MAX_WORKLOG_SECONDS} seconds)"),
        ))
    } else {
        Ok(value)
    }
}

/// The longest comment, in characters (Jira's limit for text fields).
pub const MAX_COMMENT_CHARS: usize = 32_767;

/// Checks a comment's length: at most 32,767 characters.
///
/// # Errors
///
/// `invalid-input` naming the field and the length.
pub fn comment(field: &str, value: String) -> Result<String, Error> {
    let length = value.chars().count();
    if length > MAX_COMMENT_CHARS {
        Err(Error::invalid_field(
            field,
            format_args!("{length} characters is longer than {MAX_COMMENT_CHARS}"),
        ))
    } else {
        Ok(value)
    }
}

/// Who may see a worklog, as given in input.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VisibilityRaw {
    #[serde(rename = "type")]
    kind: String,
    value: String,
}

/// Who may see a worklog: members of a group, or of a project role.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Visibility {
    kind: VisibilityKind,
    value: String,
}

/// Whether visibility is restricted to a group or a project role.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VisibilityKind {
    /// A Jira group, by name.
    Group,
    /// A project role, by name.
    Role,
}

impl Visibility {
    /// The longest group or role name accepted.
    const MAX_NAME: usize = 255;

    /// Checks a raw visibility read from `field`.
    ///
    /// # Errors
    ///
    /// `invalid-input` when the type is not `group` or `role`, or the name is
    /// empty or longer than 255 characters.
    pub fn validate(field: &str, raw: VisibilityRaw) -> Result<Self, Error> {
        let kind = match raw.kind.as_str() {
            "group" => VisibilityKind::Group,
            "role" => VisibilityKind::Role,
            other => {
                return Err(Error::invalid_field(
                    &format!("{field}.type"),
                    format_args!("{} is not one of group, role", quote(other)),
                ))
            }
        };
        let length = raw.value.chars().count();
        if raw.value.trim().is_empty() || length > Self::MAX_NAME {
            return Err(Error::invalid_field(
                &format!("{field}.value"),
                format_args!(
                    "{} is not a group or role name (1 to {} characters)",
                    quote(&raw.value),
                    Self::MAX_NAME
                ),
            ));
        }
        Ok(Self {
            kind,
            value: raw.value,
        })
    }

    /// As Jira takes it: `{"type": "group", "value": "team-leads"}`.
    pub fn to_jira(&self) -> serde_json::Value {
        let kind = match self.kind {
            VisibilityKind::Group => "group",
            VisibilityKind::Role => "role",
        };
        serde_json::json!({ "type": kind, "value": self.value })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The fast reading of Jira's form answers what `chrono` answers,
        /// for every digit in every place (days past a month's end, hour 24,
        /// second 60, offsets past a day included): the same instant and
        /// offset, or no fast answer (then `chrono` decides).
        #[test]
        fn jira_form_reads_as_chrono_does(
            date in (0u32..10_000, 0u32..14, 0u32..33),
            time in (0u32..26, 0u32..62, 0u32..62, 0u32..1000),
            offset in (proptest::sample::select(vec!['+', '-', 'Z']), 0u32..26, 0u32..62),
        ) {
            let ((y, mo, d), (h, mi, sec, ms), (sign, oh, om)) = (date, time, offset);
            let text = format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{sec:02}.{ms:03}{sign}{oh:02}{om:02}");
            let general = DateTime::parse_from_str(&text, JIRA_FORM).ok();
            if let Some(fast) = jira_form(&text) {
                proptest::prop_assert_eq!(Some(fast), general, "{}", text);
                proptest::prop_assert_eq!(Some(fast.offset()), general.as_ref().map(DateTime::offset));
            }
            proptest::prop_assert_eq!(parse_date_time(&text), general, "{}", text);
        }
    }

    #[test]
    fn jira_form_reads_real_values_fast() {
        for text in [
            "2026-11-24T09:30:00.000+0000",
            "2026-03-29T02:30:00.250+0530",
            "1970-01-01T00:00:00.000-1200",
            "9999-12-31T23:59:59.999+1400",
        ] {
            let fast = jira_form(text).expect(text);
            assert_eq!(
                Some(fast),
                DateTime::parse_from_str(text, JIRA_FORM).ok(),
                "{text}"
            );
        }
        // Not Jira's exact form: the general parser's answer.
        assert_eq!(jira_form("2026-11-24T09:30:00+01:00"), None);
        assert!(parse_date_time("2026-11-24T09:30:00+01:00").is_some());
        assert_eq!(jira_form("2026-02-30T09:30:00.000+0000"), None);
        assert_eq!(jira_form("2026-01-01T00:00:00.000+0060"), None);
        assert_eq!(parse_date_time("2026-01-01T00:00:00.000+0060"), None);
        assert_eq!(parse_date_time("2026-02-30T09:30:00.000+0000"), None);
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    struct SampleRaw {
        name: String,
        #[serde(default, deserialize_with = "whole_number")]
        seconds: Option<i64>,
        nested: Option<NestedRaw>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    struct NestedRaw {
        #[serde(default, deserialize_with = "whole_number")]
        new_estimate_seconds: Option<i64>,
    }

    struct Sample(Option<i64>);

    impl Input for Sample {
        type Raw = SampleRaw;
        fn validate(raw: SampleRaw) -> Result<Self, Error> {
            let _ = raw.name;
            Ok(Self(
                raw.nested
                    .and_then(|n| n.new_estimate_seconds)
                    .or(raw.seconds),
            ))
        }
    }

    fn message(text: &str) -> String {
        match parse::<Sample>(text) {
            Ok(_) => panic!("{text} was accepted"),
            Err(e) => {
                assert!(e.is_invalid_input(), "{e}");
                e.message().to_owned()
            }
        }
    }

    #[test]
    fn type_errors_name_the_field() {
        assert_eq!(
            message(r#"{"name": "x", "seconds": "3600"}"#),
            r#"invalid input: field "seconds": invalid type: string "3600", expected a whole number"#
        );
        assert_eq!(
            message(r#"{"name": 5}"#),
            r#"invalid input: field "name": invalid type: integer `5`, expected a string"#
        );
        assert_eq!(
            message(r#"{"name": "x", "nested": {"newEstimateSeconds": 1.5}}"#),
            r#"invalid input: field "nested.newEstimateSeconds": invalid type: floating point `1.5`, expected a whole number"#
        );
    }

    #[test]
    fn unknown_and_missing_fields_are_named() {
        let m = message(r#"{"name": "x", "secs": 1}"#);
        assert!(m.contains("unknown field `secs`"), "{m}");
        let m = message(r#"{"name": "x", "nested": {"x": 1}}"#);
        assert!(
            m.contains("unknown field `x`") && m.contains("nested"),
            "{m}"
        );
        let m = message("{}");
        assert!(m.contains("missing field `name`"), "{m}");
    }

    #[test]
    fn a_huge_input_is_a_limit() {
        let text = format!(r#"{{"name": "{}"}}"#, "x".repeat(MAX_INPUT_BYTES));
        let Err(e) = parse::<Sample>(&text) else {
            panic!("a huge input was accepted")
        };
        assert_eq!(e.code(), crate::ErrorCode::Limit);
        assert!(
            e.message().contains("1048588 bytes, more than 1048576"),
            "{e:?}"
        );
    }

    #[test]
    fn non_objects_are_rejected() {
        assert_eq!(
            message("[1]"),
            "invalid input: the input must be a JSON object, not an array"
        );
        assert!(message("{").starts_with("invalid input: the input is not JSON"));
    }

    #[test]
    fn whole_numbers_accept_integral_floats() {
        let Ok(Sample(n)) = parse::<Sample>(r#"{"name": "x", "seconds": 3600.0}"#) else {
            panic!()
        };
        assert_eq!(n, Some(3600));
        let m = message(r#"{"name": "x", "seconds": 18446744073709551615}"#);
        assert!(m.contains("expected a smaller whole number"), "{m}");
    }

    #[test]
    fn issue_refs() {
        for ok in [
            "ALPHA-2",
            "A-1",
            "A_B2-10",
            "10042",
            "OPS-999999999999999999",
        ] {
            assert!(IssueRef::parse("issue", ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "alpha-2",
            "ALPHA-0",
            "ALPHA-02",
            "ALPHA",
            "-2",
            "2ALPHA-2",
            "ALPHA-2 ",
            "ALPHA-2/..",
            "A-B-2",
            "0",
            "01",
            "ALPHA-1234567890123456789",
            "ÄLPHA-2",
        ] {
            let e = IssueRef::parse("issue", bad).unwrap_err();
            assert!(
                e.message().starts_with("invalid input: field \"issue\": "),
                "{e}"
            );
        }
    }

    #[test]
    fn worklog_ids() {
        assert!(WorklogId::parse("id", "10001").is_ok());
        for bad in ["", "0", "012", "1a", "-1", "1234567890123456789", "../1"] {
            assert!(WorklogId::parse("id", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn started_forms() {
        let table = [
            ("2026-11-24T09:30:00+01:00", "2026-11-24T09:30:00.000+0100"),
            ("2026-11-24T09:30:00Z", "2026-11-24T09:30:00.000+0000"),
            (
                "2026-11-24T09:30:00.5-05:30",
                "2026-11-24T09:30:00.500-0530",
            ),
            (
                "2026-11-24T09:30:00.000+0000",
                "2026-11-24T09:30:00.000+0000",
            ),
            (
                "2026-11-24T09:30:00.123+0530",
                "2026-11-24T09:30:00.123+0530",
            ),
        ];
        for (input, jira) in table {
            assert_eq!(
                Started::parse("started", input).map(|s| s.to_jira()),
                Ok(jira.to_owned()),
                "{input}"
            );
        }
        for bad in [
            "2026-11-24T09:30:00",
            "2026-11-24",
            "2026-13-01T09:30:00Z",
            "2026-02-30T09:30:00Z",
            "2026-11-24T25:00:00Z",
            "24/11/2026 09:30",
            "1969-12-31T23:59:59Z",
            "",
        ] {
            let e = Started::parse("started", bad).unwrap_err();
            assert!(
                e.message()
                    .starts_with("invalid input: field \"started\": "),
                "{bad}: {e}"
            );
        }
    }

    #[test]
    fn seconds_range() {
        assert_eq!(seconds("seconds", 1), Ok(1));
        assert_eq!(seconds("seconds", 604_800), Ok(604_800));
        assert_eq!(
            seconds("seconds", -5).unwrap_err().message(),
            r#"invalid input: field "seconds": -5 is not a positive number of seconds"#
        );
        assert!(seconds("seconds", 0).is_err());
        assert!(seconds("seconds", 604_801).is_err());
    }

    #[test]
    fn comment_length_counts_characters() {
        assert!(comment("comment", "é".repeat(MAX_COMMENT_CHARS)).is_ok());
        assert!(comment("comment", "x".repeat(MAX_COMMENT_CHARS + 1)).is_err());
    }

    #[test]
    fn quoting_shortens() {
        assert_eq!(quote("a\"b"), r#""a\"b""#);
        assert_eq!(quote(&"x".repeat(100)), format!("\"{}…\"", "x".repeat(64)));
    }
}
