//! A site's time tracking settings: Jira's `TimeTrackingConfiguration`,
//! validated.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{Style, Unit, HOUR};
use crate::error::Error;

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
}
