//! `rounding.get`, `rounding.save` and `rounding.preview`: the site's rounding
//! rule for logged time (`worklogs_core::rounding`), whether it also applies to
//! time entered by hand (`worklog.log`, `worklog.update`), and the limit of a
//! timer's running time (`worklogs_core::timer`), stored as one settings row
//! (`rounding`).

use serde::{Deserialize, Serialize};

use crate::access::require_admin;
use crate::executor::Ctx;
use crate::input::{quote, whole_number, Input, MAX_WORKLOG_SECONDS};
use crate::store::{self, JsonSetting};
use crate::Error;
use worklogs_core::duration::Seconds;
use worklogs_core::rounding::{round_total, RoundMode, RoundingRule, Target};
use worklogs_core::timer::logged_seconds;

use super::NoInput;

/// The settings row.
pub const SETTING: &str = "rounding";
/// A timer's limit of running time when none is saved: 12 hours.
pub const DEFAULT_LIMIT_MINUTES: u32 = 720;
/// The longest limit: a day (a segment stops at local midnight anyway).
pub const MAX_LIMIT_MINUTES: u32 = 1440;
/// The most sample durations `rounding.preview` takes.
pub const MAX_SAMPLES: usize = 50;

/// The site's rounding settings, as stored and answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RoundingSettings {
    /// The rule: `{mode, incrementMinutes, target}`.
    pub rule: RoundingRule,
    /// Whether `worklog.log` and `worklog.update` round the seconds entered.
    pub apply_to_manual: bool,
    /// The most running time of a timer, in minutes, before the scheduled
    /// sweep stops it.
    pub timer_limit_minutes: u32,
}

impl Default for RoundingSettings {
    fn default() -> Self {
        Self {
            rule: RoundingRule::NONE,
            apply_to_manual: false,
            timer_limit_minutes: DEFAULT_LIMIT_MINUTES,
        }
    }
}

impl JsonSetting for RoundingSettings {
    const NAME: &'static str = SETTING;
    const WHAT: &'static str = "a valid rounding setting";
}

impl RoundingSettings {
    /// The timer limit in seconds.
    pub fn limit_seconds(&self) -> u32 {
        self.timer_limit_minutes.saturating_mul(60)
    }

    /// The seconds a worklog of `seconds` gets under the rule (the core's
    /// [`logged_seconds`]).
    ///
    /// # Errors
    ///
    /// `invalid-input` naming `field` when the result is 0 seconds (Jira
    /// refuses a worklog of no time) or the seconds are out of range.
    pub fn round(&self, field: &str, seconds: i64) -> Result<i64, Error> {
        let given = Seconds::try_from(seconds).map_err(|e| Error::invalid_field(field, e))?;
        let rounded = logged_seconds(given, &self.rule)
            .map_err(|e| Error::invalid_field(field, e))?
            .get();
        if rounded == 0 {
            return Err(Error::invalid_field(
                field,
                format_args!(
                    "{seconds} seconds round to 0 under the site's rule ({}), and jira refuses a worklog of no time",
                    describe(&self.rule)
                ),
            ));
        }
        i64::try_from(rounded).map_err(|_| Error::invalid_field(field, "too large"))
    }
}

/// A rule for messages: `down to 15 minutes`.
pub fn describe(rule: &RoundingRule) -> String {
    let mode = match rule.mode() {
        RoundMode::None => return "none".to_owned(),
        RoundMode::Up => "up",
        RoundMode::Down => "down",
        RoundMode::Nearest => "nearest",
    };
    format!("{mode} to {} minutes", rule.increment_minutes())
}

/// A rule as given.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RuleRaw {
    mode: String,
    #[serde(default, deserialize_with = "whole_number")]
    increment_minutes: Option<i64>,
    target: Option<String>,
}

/// Checks a rule read from `field`.
fn rule(field: &str, raw: RuleRaw) -> Result<RoundingRule, Error> {
    let mode = match raw.mode.as_str() {
        "none" => RoundMode::None,
        "up" => RoundMode::Up,
        "down" => RoundMode::Down,
        "nearest" => RoundMode::Nearest,
        other => {
            return Err(Error::invalid_field(
                &format!("{field}.mode"),
                format_args!(
                    "{} is not a rounding mode (expected none, up, down or nearest)",
                    quote(other)
                ),
            ))
        }
    };
    let target = match raw.target.as_deref() {
        None | Some("perWorklog") => Target::PerWorklog,
        Some("total") => Target::Total,
        Some(other) => {
            return Err(Error::invalid_field(
                &format!("{field}.target"),
                format_args!(
                    "{} is not a rounding target (expected perWorklog or total)",
                    quote(other)
                ),
            ))
        }
    };
    let increment = raw.increment_minutes.unwrap_or(1);
    let increment = u32::try_from(increment)
        .ok()
        .and_then(|i| RoundingRule::new(mode, i, target).ok())
        .ok_or_else(|| {
            Error::invalid_field(
                &format!("{field}.incrementMinutes"),
                format_args!(
                    "{increment} is out of range (expected 1 to {})",
                    worklogs_core::rounding::MAX_INCREMENT_MINUTES
                ),
            )
        })?;
    Ok(increment)
}

/// `rounding.save`'s input.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SettingsRaw {
    rule: RuleRaw,
    #[serde(default)]
    apply_to_manual: bool,
    #[serde(default, deserialize_with = "whole_number")]
    timer_limit_minutes: Option<i64>,
}

impl Input for RoundingSettings {
    type Raw = SettingsRaw;

    fn validate(raw: SettingsRaw) -> Result<Self, Error> {
        let rule = rule("rule", raw.rule)?;
        let limit = raw
            .timer_limit_minutes
            .unwrap_or(i64::from(DEFAULT_LIMIT_MINUTES));
        let timer_limit_minutes = u32::try_from(limit)
            .ok()
            .filter(|m| (1..=MAX_LIMIT_MINUTES).contains(m))
            .ok_or_else(|| {
                Error::invalid_field(
                    "timerLimitMinutes",
                    format_args!("{limit} is out of range (expected 1 to {MAX_LIMIT_MINUTES})"),
                )
            })?;
        Ok(Self {
            rule,
            apply_to_manual: raw.apply_to_manual,
            timer_limit_minutes,
        })
    }
}

/// The site's rounding settings, for any acting user (the UI shows the rule).
///
/// # Errors
///
/// `forbidden` without an acting user; the database's errors; `internal` for
/// an unreadable row.
pub async fn get(ctx: &Ctx, _: NoInput) -> Result<RoundingSettings, Error> {
    ctx.acting_user()?;
    store::load(ctx).await
}

/// Stores the site's rounding settings. Jira administrators only.
///
/// # Errors
///
/// `forbidden` for anyone else; the database's errors.
pub async fn save(ctx: &Ctx, input: RoundingSettings) -> Result<RoundingSettings, Error> {
    require_admin(ctx, "change the rounding rule").await?;
    store::save(ctx, &input).await?;
    Ok(input)
}

/// `rounding.preview`'s input.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PreviewRaw {
    rule: RuleRaw,
    seconds: Vec<serde_json::Value>,
}

/// A rule and sample durations, validated.
pub struct Preview {
    rule: RoundingRule,
    seconds: Vec<Seconds>,
}

impl Input for Preview {
    type Raw = PreviewRaw;

    fn validate(raw: PreviewRaw) -> Result<Self, Error> {
        let rule = rule("rule", raw.rule)?;
        if raw.seconds.len() > MAX_SAMPLES {
            return Err(Error::invalid_field(
                "seconds",
                format_args!("{} durations, more than {MAX_SAMPLES}", raw.seconds.len()),
            ));
        }
        let mut seconds = Vec::with_capacity(raw.seconds.len());
        for (i, value) in raw.seconds.iter().enumerate() {
            let field = format!("seconds[{i}]");
            let whole = value
                .as_u64()
                .or_else(|| {
                    value
                        .as_f64()
                        .filter(|f| f.fract() == 0.0 && *f >= 0.0 && *f <= 1e15)
                        .and_then(|f| format!("{f:.0}").parse().ok())
                })
                .filter(|s| *s <= MAX_WORKLOG_SECONDS.unsigned_abs())
                .ok_or_else(|| {
                    Error::invalid_field(
                        &field,
                        format_args!(
                            "{value} is not a number of seconds from 0 to {MAX_WORKLOG_SECONDS}"
                        ),
                    )
                })?;
            seconds.push(Seconds::new(whole).map_err(|e| Error::invalid_field(&field, e))?);
        }
        Ok(Self { rule, seconds })
    }
}

/// One sample's result.
#[derive(Serialize)]
pub struct Rounded {
    seconds: u64,
    rounded: u64,
}

/// `rounding.preview`'s output.
#[derive(Serialize)]
pub struct PreviewOut {
    rule: RoundingRule,
    results: Vec<Rounded>,
    total: Rounded,
}

/// Each sample as a worklog of that length would be logged under the rule
/// (rounded per worklog; exact when the rule rounds only totals), and their
/// total as reports count it. Pure: nothing is read or stored.
///
/// # Errors
///
/// `forbidden` without an acting user; `invalid-input` when rounding overflows.
pub async fn preview(ctx: &Ctx, input: Preview) -> Result<PreviewOut, Error> {
    ctx.acting_user()?;
    let overflow = |e: worklogs_core::Error| Error::invalid_field("seconds", e);
    let mut results = Vec::with_capacity(input.seconds.len());
    for seconds in &input.seconds {
        results.push(Rounded {
            seconds: seconds.get(),
            rounded: logged_seconds(*seconds, &input.rule)
                .map_err(overflow)?
                .get(),
        });
    }
    let exact = Seconds::sum(input.seconds.iter().copied()).map_err(overflow)?;
    let total = round_total(input.seconds.iter().copied(), &input.rule).map_err(overflow)?;
    Ok(PreviewOut {
        rule: input.rule,
        results,
        total: Rounded {
            seconds: exact.get(),
            rounded: total.get(),
        },
    })
}

#[cfg(test)]
mod tests {
    use crate::testing::{admin_answer, FakeHost};
    use serde_json::json;

    #[test]
    fn everyone_reads_the_defaults_until_saved() {
        let mut host = FakeHost::new(Some("erin"));
        let out = host.run("rounding.get", json!({})).unwrap();
        assert_eq!(
            out,
            json!({"rule": {"mode": "none", "incrementMinutes": 1, "target": "perWorklog"},
                   "applyToManual": false, "timerLimitMinutes": 720})
        );
    }

    #[test]
    fn only_administrators_save() {
        let input = json!({"rule": {"mode": "up", "incrementMinutes": 15},
                           "applyToManual": true, "timerLimitMinutes": 600});
        let mut host = FakeHost::new(Some("erin")).on_jira(admin_answer(false));
        let e = host.run("rounding.save", input.clone()).unwrap_err();
        assert!(e.is_forbidden(), "{e}");
        assert_eq!(
            e.message(),
            "only users with the jira permission ADMINISTER may change the rounding rule"
        );
        assert_eq!(
            host.run("rounding.get", json!({})).unwrap()["rule"]["mode"],
            "none"
        );
        let mut host = FakeHost::new(Some("dave")).on_jira(admin_answer(true));
        let out = host.run("rounding.save", input).unwrap();
        assert_eq!(
            out,
            json!({"rule": {"mode": "up", "incrementMinutes": 15, "target": "perWorklog"},
                   "applyToManual": true, "timerLimitMinutes": 600})
        );
        assert_eq!(host.run("rounding.get", json!({})).unwrap(), out);
    }

    #[test]
    fn bad_settings_name_the_field_and_value() {
        let table = [
            (
                json!({"rule": {"mode": "sideways"}}),
                r#"field "rule.mode": "sideways" is not a rounding mode"#,
            ),
            (
                json!({"rule": {"mode": "up", "incrementMinutes": 0}}),
                r#"field "rule.incrementMinutes": 0 is out of range (expected 1 to 1440)"#,
            ),
            (
                json!({"rule": {"mode": "up", "target": "all"}}),
                r#"field "rule.target": "all" is not a rounding target"#,
            ),
            (
                json!({"rule": {"mode": "up"}, "timerLimitMinutes": 1441}),
                r#"field "timerLimitMinutes": 1441 is out of range (expected 1 to 1440)"#,
            ),
            (
                json!({"rule": {"mode": "up", "by": 1}}),
                "unknown field `by`",
            ),
        ];
        let mut host = FakeHost::new(Some("dave"));
        for (input, expected) in table {
            let e = host.run("rounding.save", input.clone()).unwrap_err();
            assert!(e.is_invalid_input(), "{input}: {e}");
            assert!(e.message().contains(expected), "{input}: {e}");
        }
        assert!(host.batches.is_empty());
    }

    #[test]
    fn preview_rounds_each_sample_and_the_total() {
        let mut host = FakeHost::new(Some("erin"));
        let out = host
            .run(
                "rounding.preview",
                json!({"rule": {"mode": "up", "incrementMinutes": 15},
                       "seconds": [420, 1200, 0, 900.0]}),
            )
            .unwrap();
        assert_eq!(
            out,
            json!({"rule": {"mode": "up", "incrementMinutes": 15, "target": "perWorklog"},
                   "results": [{"seconds": 420, "rounded": 900}, {"seconds": 1200, "rounded": 1800},
                               {"seconds": 0, "rounded": 0}, {"seconds": 900, "rounded": 900}],
                   "total": {"seconds": 2520, "rounded": 3600}})
        );
        // Nothing read or stored.
        assert!(host.batches.is_empty());
        let e = host
            .run(
                "rounding.preview",
                json!({"rule": {"mode": "up"}, "seconds": vec![60; 51]}),
            )
            .unwrap_err();
        assert!(e.message().contains("51 durations, more than 50"), "{e}");
        let e = host
            .run(
                "rounding.preview",
                json!({"rule": {"mode": "up"}, "seconds": [1.5]}),
            )
            .unwrap_err();
        assert!(e.message().contains(r#"field "seconds[0]": 1.5"#), "{e}");
    }
}
