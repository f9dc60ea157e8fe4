//! `timetracking.settings` and `timetracking.settings.save`: the site's time
//! tracking settings (working hours per day, days per week, display format,
//! default unit).
//!
//! Jira only lets `ADMINISTER` read them. So reading asks Jira as the user and,
//! in the same batch, reads the app's stored copy: Jira's answer wins (and is
//! stored when it differs, so other users get it later); when Jira says 401 or
//! 403 the stored copy is used, and without one Jira's defaults. Saving is for
//! administrators and only changes the stored copy.

use serde::{Deserialize, Serialize};

use super::NoInput;
use crate::access::require_admin;
use crate::executor::Ctx;
use crate::input::{self, number, quote, Input};
use crate::jira::{Call, JiraPath};
use crate::store;
use crate::Error;
use worklogs_core::duration::TimeTrackingSettings;

/// The `settings` row that holds the stored copy.
const SETTING: &str = "timetracking";

/// The site's time tracking settings, validated.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TimeTracking {
    hours_per_day: f64,
    days_per_week: f64,
    time_format: TimeFormat,
    default_unit: DefaultUnit,
}

/// How Jira shows time spent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TimeFormat {
    /// `1w 2d 3h`
    Pretty,
    /// Days.
    Days,
    /// Hours.
    Hours,
}

/// The unit Jira assumes for a bare number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DefaultUnit {
    /// Minutes.
    Minute,
    /// Hours.
    Hour,
    /// Days.
    Day,
    /// Weeks.
    Week,
}

/// Where the settings came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// Read from Jira just now.
    Jira,
    /// The copy stored by the app.
    Stored,
    /// Jira's defaults: nothing could be read or was stored.
    Default,
}

impl TimeTracking {
    /// Jira's defaults: 8 hours a day, 5 days a week, `pretty`, `minute`.
    pub const DEFAULT: Self = Self {
        hours_per_day: 8.0,
        days_per_week: 5.0,
        time_format: TimeFormat::Pretty,
        default_unit: DefaultUnit::Minute,
    };

    /// The domain core's form, for parsing and formatting durations.
    ///
    /// # Errors
    ///
    /// `internal` if the core refuses settings this type accepted (both check
    /// the same ranges, so this is a bug).
    pub fn to_core(self) -> Result<TimeTrackingSettings, Error> {
        let json = serde_json::json!({
            "workingHoursPerDay": json_number(self.hours_per_day),
            "workingDaysPerWeek": json_number(self.days_per_week),
            "timeFormat": self.time_format,
            "defaultUnit": self.default_unit,
        });
        TimeTrackingSettings::from_json(&json.to_string()).map_err(|e| {
            Error::internal(format!(
                "the time tracking settings {json} are not usable by the core: {e}"
            ))
        })
    }

    /// Checks each part; `names` are the field names used in messages.
    fn new(
        names: [&str; 4],
        hours_per_day: Option<f64>,
        days_per_week: Option<f64>,
        time_format: Option<&str>,
        default_unit: Option<&str>,
    ) -> Result<Self, Error> {
        let [hours_name, days_name, format_name, unit_name] = names;
        let required =
            |name: &str| Error::invalid_input(format_args!("field \"{name}\" is required"));
        let hours_per_day = hours_per_day.ok_or_else(|| required(hours_name))?;
        if !(hours_per_day > 0.0 && hours_per_day <= 24.0) {
            return Err(Error::invalid_field(
                hours_name,
                format_args!("{hours_per_day} is out of range (more than 0, at most 24 hours)"),
            ));
        }
        let days_per_week = days_per_week.ok_or_else(|| required(days_name))?;
        if !(days_per_week > 0.0 && days_per_week <= 7.0) {
            return Err(Error::invalid_field(
                days_name,
                format_args!("{days_per_week} is out of range (more than 0, at most 7 days)"),
            ));
        }
        let time_format = match time_format.ok_or_else(|| required(format_name))? {
            "pretty" => TimeFormat::Pretty,
            "days" => TimeFormat::Days,
            "hours" => TimeFormat::Hours,
            other => {
                return Err(Error::invalid_field(
                    format_name,
                    format_args!("{} is not one of pretty, days, hours", quote(other)),
                ))
            }
        };
        let default_unit = match default_unit.ok_or_else(|| required(unit_name))? {
            "minute" => DefaultUnit::Minute,
            "hour" => DefaultUnit::Hour,
            "day" => DefaultUnit::Day,
            "week" => DefaultUnit::Week,
            other => {
                return Err(Error::invalid_field(
                    unit_name,
                    format_args!("{} is not one of minute, hour, day, week", quote(other)),
                ))
            }
        };
        Ok(Self {
            hours_per_day,
            days_per_week,
            time_format,
            default_unit,
        })
    }

    fn output(self, source: Source) -> Settings {
        Settings {
            hours_per_day: json_number(self.hours_per_day),
            days_per_week: json_number(self.days_per_week),
            time_format: self.time_format,
            default_unit: self.default_unit,
            source,
        }
    }
}

/// The stored copy, as the settings row [`SETTING`]: the same JSON as the
/// input of `timetracking.settings.save`.
impl store::Setting for TimeTracking {
    const NAME: &'static str = SETTING;
    const WHAT: &'static str = "valid time tracking settings";

    fn decode(text: &str) -> Result<Self, String> {
        input::parse(text).map_err(|e| e.message().to_owned())
    }

    fn encode(&self) -> Result<String, String> {
        Ok(serde_json::json!({
            "hoursPerDay": json_number(self.hours_per_day),
            "daysPerWeek": json_number(self.days_per_week),
            "timeFormat": self.time_format,
            "defaultUnit": self.default_unit,
        })
        .to_string())
    }
}

/// A whole number as a JSON integer (`8`, not `8.0`), anything else as is.
fn json_number(value: f64) -> serde_json::Value {
    const EXACT: f64 = 9_007_199_254_740_992.0;
    if value.fract() == 0.0 && value.abs() <= EXACT {
        #[allow(clippy::cast_possible_truncation)]
        serde_json::Value::from(value as i64)
    } else {
        serde_json::Value::from(value)
    }
}

/// The input of `timetracking.settings.save`, and the stored form.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TimeTrackingRaw {
    #[serde(default, deserialize_with = "number")]
    hours_per_day: Option<f64>,
    #[serde(default, deserialize_with = "number")]
    days_per_week: Option<f64>,
    time_format: Option<String>,
    default_unit: Option<String>,
}

impl Input for TimeTracking {
    type Raw = TimeTrackingRaw;

    fn validate(raw: TimeTrackingRaw) -> Result<Self, Error> {
        Self::new(
            ["hoursPerDay", "daysPerWeek", "timeFormat", "defaultUnit"],
            raw.hours_per_day,
            raw.days_per_week,
            raw.time_format.as_deref(),
            raw.default_unit.as_deref(),
        )
    }
}

/// Jira's `TimeTrackingConfiguration`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct JiraTimeTracking {
    #[serde(default, deserialize_with = "number")]
    working_hours_per_day: Option<f64>,
    #[serde(default, deserialize_with = "number")]
    working_days_per_week: Option<f64>,
    time_format: Option<String>,
    default_unit: Option<String>,
}

/// The output of both operations.
#[derive(Serialize, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    hours_per_day: serde_json::Value,
    days_per_week: serde_json::Value,
    time_format: TimeFormat,
    default_unit: DefaultUnit,
    source: Source,
}

/// `timetracking.settings`: Jira's settings when the user may read them, else
/// the stored copy, else Jira's defaults.
///
/// # Errors
///
/// As [`load`].
pub async fn read(ctx: &Ctx, _: NoInput) -> Result<Settings, Error> {
    let (settings, source) = load(ctx).await?;
    Ok(settings.output(source))
}

/// Loads the site's time tracking settings as `timetracking.settings` does, for
/// any operation that needs them: one batch asks Jira as the acting user and
/// reads the stored copy; Jira's answer wins (and is stored when it differs),
/// on 401 or 403 the stored copy is used, and without one Jira's defaults.
///
/// # Errors
///
/// `forbidden` without an acting user; Jira's errors other than 401/403,
/// mapped; `upstream` when Jira answers settings out of range; the database's
/// errors; `internal` when the stored copy is unreadable and needed.
pub async fn load(ctx: &Ctx) -> Result<(TimeTracking, Source), Error> {
    ctx.acting_user()?;
    let call = Call::get(JiraPath::api(&["configuration", "timetracking", "options"]));
    // Independent: asked for in one batch.
    let (response, stored) = futures::join!(call.send(ctx), store::load_text(ctx, SETTING));
    let response = response?;
    match response.status {
        200..=299 => {
            let raw: JiraTimeTracking = call.parse(&response)?;
            let settings = TimeTracking::new(
                [
                    "workingHoursPerDay",
                    "workingDaysPerWeek",
                    "timeFormat",
                    "defaultUnit",
                ],
                raw.working_hours_per_day,
                raw.working_days_per_week,
                raw.time_format.as_deref(),
                raw.default_unit.as_deref(),
            )
            .map_err(|e| {
                Error::upstream(format!(
                    "jira answered GET {} with settings the app cannot use: {}",
                    call.path().as_str(),
                    e.message()
                ))
            })?;
            let unchanged = stored?
                .as_deref()
                .map(store::decode::<TimeTracking>)
                .is_some_and(|s| s.as_ref() == Ok(&settings));
            if !unchanged {
                store::save(ctx, &settings).await?;
            }
            Ok((settings, Source::Jira))
        }
        401 | 403 => match stored? {
            Some(text) => Ok((store::decode(&text)?, Source::Stored)),
            None => Ok((TimeTracking::DEFAULT, Source::Default)),
        },
        _ => Err(call.error_for(&response)),
    }
}

/// `timetracking.settings.save`: stores the settings, for administrators only.
///
/// # Errors
///
/// `forbidden` without an acting user or without `ADMINISTER`; Jira's errors,
/// mapped; the database's errors.
pub async fn save(ctx: &Ctx, settings: TimeTracking) -> Result<Settings, Error> {
    require_admin(ctx, "change the time tracking settings").await?;
    store::save(ctx, &settings).await?;
    Ok(settings.output(Source::Stored))
}

#[cfg(test)]
mod tests {
    use crate::protocol::Effect;
    use crate::testing::{http, FakeHost};
    use serde_json::json;

    const OPTIONS: &str = "/rest/api/3/configuration/timetracking/options";

    fn jira_options(
        body: &'static str,
    ) -> impl FnMut(&crate::protocol::JiraRequest) -> crate::protocol::HttpResponse {
        move |request| {
            assert_eq!(request.path, OPTIONS);
            http(200, body)
        }
    }

    fn refused(_: &crate::protocol::JiraRequest) -> crate::protocol::HttpResponse {
        http(403, r#"{"errorMessages":["You are not an administrator"]}"#)
    }

    fn stored(host: &FakeHost) -> Option<String> {
        host.query_text(
            "SELECT value FROM settings WHERE installation = 'site-1' AND name = 'timetracking'",
        )
    }

    #[test]
    fn admin_reads_from_jira_and_stores_once() {
        let mut host = FakeHost::new(Some("dave")).on_jira(jira_options(
            r#"{"workingHoursPerDay":7.5,"workingDaysPerWeek":5,"timeFormat":"pretty","defaultUnit":"hour"}"#,
        ));
        let out = host.run("timetracking.settings", json!({})).unwrap();
        assert_eq!(
            out,
            json!({"hoursPerDay": 7.5, "daysPerWeek": 5, "timeFormat": "pretty",
                   "defaultUnit": "hour", "source": "jira"})
        );
        // The read from Jira and from the store go out in one batch, then the
        // write (and its audit entry: the copy changed).
        assert_eq!(host.batches[0].len(), 2);
        assert_eq!(writes(&host), 1);
        assert_eq!(
            host.query_text("SELECT subject FROM audit_log WHERE seq = 1"),
            Some("timetracking".into())
        );
        let copy: serde_json::Value = serde_json::from_str(&stored(&host).unwrap()).unwrap();
        assert_eq!(
            copy,
            json!({"hoursPerDay": 7.5, "daysPerWeek": 5, "timeFormat": "pretty", "defaultUnit": "hour"})
        );
        // Unchanged: no second write.
        host.batches.clear();
        host.run("timetracking.settings", json!({})).unwrap();
        assert_eq!(host.batches.len(), 1);
    }

    #[test]
    fn others_get_the_stored_copy_or_the_defaults() {
        let mut host = FakeHost::new(Some("alice")).on_jira(refused);
        let out = host.run("timetracking.settings", json!({})).unwrap();
        assert_eq!(
            out,
            json!({"hoursPerDay": 8, "daysPerWeek": 5, "timeFormat": "pretty",
                   "defaultUnit": "minute", "source": "default"})
        );
        host.exec(
            "INSERT INTO settings VALUES ('site-1', 'timetracking', \
             '{\"hoursPerDay\":6,\"daysPerWeek\":4.5,\"timeFormat\":\"hours\",\"defaultUnit\":\"day\"}', 0)",
        );
        let out = host.run("timetracking.settings", json!({})).unwrap();
        assert_eq!(
            out,
            json!({"hoursPerDay": 6, "daysPerWeek": 4.5, "timeFormat": "hours",
                   "defaultUnit": "day", "source": "stored"})
        );
    }

    #[test]
    fn other_jira_errors_are_errors() {
        let mut host = FakeHost::new(Some("alice")).on_jira(|_| http(503, ""));
        let e = host.run("timetracking.settings", json!({})).unwrap_err();
        assert!(e.is_upstream(), "{e}");
    }

    #[test]
    fn nonsense_from_jira_is_upstream() {
        let mut host = FakeHost::new(Some("dave")).on_jira(jira_options(
            r#"{"workingHoursPerDay":25,"workingDaysPerWeek":5,"timeFormat":"pretty","defaultUnit":"hour"}"#,
        ));
        let e = host.run("timetracking.settings", json!({})).unwrap_err();
        assert!(e.is_upstream(), "{e}");
        assert!(e.message().contains("workingHoursPerDay"), "{e}");
    }

    #[test]
    fn corrupt_stored_copy_is_internal() {
        let mut host = FakeHost::new(Some("alice")).on_jira(refused);
        host.exec("INSERT INTO settings VALUES ('site-1', 'timetracking', 'not json', 0)");
        let e = host.run("timetracking.settings", json!({})).unwrap_err();
        assert!(e.is_internal(), "{e}");
    }

    fn permissions(
        admin: bool,
    ) -> impl FnMut(&crate::protocol::JiraRequest) -> crate::protocol::HttpResponse {
        move |request| {
            assert_eq!(
                request.path,
                "/rest/api/3/mypermissions?permissions=ADMINISTER"
            );
            http(
                200,
                &json!({"permissions": {"ADMINISTER": {"key": "ADMINISTER", "havePermission": admin}}})
                    .to_string(),
            )
        }
    }

    /// How many times the runs so far wrote the settings row `timetracking`.
    fn writes(host: &FakeHost) -> usize {
        host.batches
            .iter()
            .flatten()
            .filter(|r| {
                matches!(&r.effect, Effect::Sql(s)
                    if s.sql.starts_with("REPLACE INTO settings")
                        && s.params.get(1) == Some(&crate::protocol::Value::Text("timetracking".into())))
            })
            .count()
    }

    #[test]
    fn admins_save() {
        let mut host = FakeHost::new(Some("dave")).on_jira(permissions(true));
        let input = json!({"hoursPerDay": 7.6, "daysPerWeek": 5.5, "timeFormat": "days", "defaultUnit": "week"});
        let out = host.run("timetracking.settings.save", input).unwrap();
        assert_eq!(out["source"], "stored");
        assert_eq!(out["hoursPerDay"], 7.6);
        assert_eq!(writes(&host), 1);
        // Then a user who may not read Jira's gets them.
        let mut host = host.on_jira(refused);
        let out = host.run("timetracking.settings", json!({})).unwrap();
        assert_eq!(
            out,
            json!({"hoursPerDay": 7.6, "daysPerWeek": 5.5, "timeFormat": "days",
                   "defaultUnit": "week", "source": "stored"})
        );
    }

    #[test]
    fn others_may_not_save() {
        let mut host = FakeHost::new(Some("alice")).on_jira(permissions(false));
        let input = json!({"hoursPerDay": 8, "daysPerWeek": 5, "timeFormat": "pretty", "defaultUnit": "minute"});
        let e = host.run("timetracking.settings.save", input).unwrap_err();
        assert!(e.is_forbidden(), "{e}");
        assert_eq!(stored(&host), None);
    }

    #[test]
    fn save_validates_before_any_effect() {
        let mut host = FakeHost::new(Some("dave"));
        let table = [
            (
                json!({"hoursPerDay": 0, "daysPerWeek": 5, "timeFormat": "pretty", "defaultUnit": "minute"}),
                "hoursPerDay",
            ),
            (
                json!({"hoursPerDay": 24.5, "daysPerWeek": 5, "timeFormat": "pretty", "defaultUnit": "minute"}),
                "hoursPerDay",
            ),
            (
                json!({"hoursPerDay": 8, "daysPerWeek": 7.5, "timeFormat": "pretty", "defaultUnit": "minute"}),
                "daysPerWeek",
            ),
            (
                json!({"hoursPerDay": 8, "daysPerWeek": -1, "timeFormat": "pretty", "defaultUnit": "minute"}),
                "daysPerWeek",
            ),
            (
                json!({"hoursPerDay": 8, "daysPerWeek": 5, "timeFormat": "ugly", "defaultUnit": "minute"}),
                "timeFormat",
            ),
            (
                json!({"hoursPerDay": 8, "daysPerWeek": 5, "timeFormat": "pretty", "defaultUnit": "year"}),
                "defaultUnit",
            ),
            (
                json!({"hoursPerDay": "8", "daysPerWeek": 5, "timeFormat": "pretty", "defaultUnit": "minute"}),
                "hoursPerDay",
            ),
            (
                json!({"daysPerWeek": 5, "timeFormat": "pretty", "defaultUnit": "minute"}),
                "hoursPerDay",
            ),
            (
                json!({"hoursPerDay": 8, "daysPerWeek": 5, "timeFormat": "pretty", "defaultUnit": "minute", "x": 1}),
                "x",
            ),
        ];
        for (input, field) in table {
            let e = host
                .run("timetracking.settings.save", input.clone())
                .unwrap_err();
            assert!(e.is_invalid_input(), "{input}: {e}");
            assert!(e.message().contains(field), "{input}: {e}");
        }
        assert!(host.batches.is_empty());
    }
}
