//! `configuration/timetracking/options`: read and change the time tracking
//! settings; only for holders of `ADMINISTER`, as on Jira.

use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;
use serde_json::Value;

use super::{ok, parse_body, Caller};
use crate::error::{JiraError, Result};
use crate::state::Sim;
use crate::time_tracking::{TimeFormat, TimeTracking, TimeUnit};
use crate::world::{GlobalPerm, World};

fn require_admin(w: &World, caller: &Caller) -> Result<()> {
    if w.access(caller.account).has_global(GlobalPerm::Administer) {
        Ok(())
    } else {
        Err(JiraError::forbidden(
            "You must have global administrator rights in order to view or modify the time tracking configuration.",
        ))
    }
}

/// `GET configuration/timetracking/options`: `TimeTrackingConfiguration`.
pub(crate) async fn get_options(State(sim): State<Sim>, caller: Caller) -> Result<Response> {
    let body = sim.with_world(|w| {
        require_admin(w, &caller)?;
        Ok::<_, JiraError>(w.config.to_json())
    })?;
    Ok(ok(&body))
}

/// Validates a `TimeTrackingConfiguration` body: all four fields, known enum
/// values, 0 < hours per day ≤ 24 and 0 < days per week ≤ 7.
fn parse_config(body: &Value) -> Result<TimeTracking> {
    let Some(obj) = body.as_object() else {
        return Err(JiraError::bad_request(
            "The request body must be a JSON object.",
        ));
    };
    const FIELDS: [&str; 4] = [
        "workingHoursPerDay",
        "workingDaysPerWeek",
        "timeFormat",
        "defaultUnit",
    ];
    if let Some(k) = obj.keys().find(|k| !FIELDS.contains(&k.as_str())) {
        return Err(JiraError::bad_request(format!(
            "Unrecognized field \"{k}\"."
        )));
    }
    let mut err = JiraError::field("", "");
    err.errors.clear();
    let mut number = |name: &str, max: f64| match obj.get(name).and_then(Value::as_f64) {
        Some(v) if v > 0.0 && v <= max => Some(v),
        Some(_) => {
            err.errors.insert(
                name.into(),
                format!("The value must be greater than 0 and at most {max}."),
            );
            None
        }
        None => {
            err.errors
                .insert(name.into(), "A number is required.".into());
            None
        }
    };
    let hours = number("workingHoursPerDay", 24.0);
    let days = number("workingDaysPerWeek", 7.0);
    let format = obj
        .get("timeFormat")
        .and_then(Value::as_str)
        .and_then(TimeFormat::parse);
    if format.is_none() {
        err.errors.insert(
            "timeFormat".into(),
            "Expected one of pretty, days, hours.".into(),
        );
    }
    let unit = obj
        .get("defaultUnit")
        .and_then(Value::as_str)
        .and_then(TimeUnit::parse);
    if unit.is_none() {
        err.errors.insert(
            "defaultUnit".into(),
            "Expected one of minute, hour, day, week.".into(),
        );
    }
    match (hours, days, format, unit) {
        (Some(h), Some(d), Some(f), Some(u)) => Ok(TimeTracking {
            working_hours_per_day: h,
            working_days_per_week: d,
            time_format: f,
            default_unit: u,
        }),
        _ => Err(err),
    }
}

/// `PUT configuration/timetracking/options`: sets and returns the settings.
pub(crate) async fn put_options(
    State(sim): State<Sim>,
    caller: Caller,
    body: Bytes,
) -> Result<Response> {
    let body = parse_body(&body)?;
    let out = sim.with_world(|w| {
        require_admin(w, &caller)?;
        w.config = parse_config(&body)?;
        Ok::<_, JiraError>(w.config.to_json())
    })?;
    Ok(ok(&out))
}
