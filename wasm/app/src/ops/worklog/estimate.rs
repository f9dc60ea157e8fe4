//! How logging, changing or deleting work adjusts the remaining
//! estimate: Jira's `adjustEstimate` and its companion parameter, which differ
//! by method (checked against Jira's REST v3 spec):
//!
//! | operation        | `adjust` values            | companion of `new`   | companion of `manual` |
//! |------------------|----------------------------|----------------------|-----------------------|
//! | `worklog.log`    | auto, leave, new, manual   | `newEstimateSeconds` | `reduceBySeconds` (Jira `reduceBy`) |
//! | `worklog.update` | auto, leave, new           | `newEstimateSeconds` | (none: Jira's PUT has no manual amount) |
//! | `worklog.delete` | auto, leave, new, manual   | `newEstimateSeconds` | `increaseBySeconds` (Jira `increaseBy`) |
//!
//! Amounts are whole minutes, sent to Jira as `#m` (such as `90m`); a
//! companion is required with its `adjust` value and refused with any other.

use serde::Deserialize;

use crate::input::{quote, whole_number};
use crate::jira::{self, JiraPath};
use crate::Error;

/// The largest estimate or adjustment accepted: 10,000 hours, in seconds.
pub const MAX_ESTIMATE_SECONDS: i64 = 10_000 * 3600;

/// `estimate` as given.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct EstimateRaw {
    adjust: String,
    #[serde(default, deserialize_with = "whole_number")]
    new_estimate_seconds: Option<i64>,
    #[serde(default, deserialize_with = "whole_number")]
    reduce_by_seconds: Option<i64>,
    #[serde(default, deserialize_with = "whole_number")]
    increase_by_seconds: Option<i64>,
}

/// Which operation the estimate is for: each takes different options.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum For {
    /// `worklog.log` (POST).
    Log,
    /// `worklog.update` (PUT).
    Update,
    /// `worklog.delete` (DELETE).
    Delete,
}

impl For {
    /// The companion field of `manual`, if this operation has one.
    fn manual_field(self) -> Option<&'static str> {
        match self {
            Self::Log => Some("reduceBySeconds"),
            Self::Update => None,
            Self::Delete => Some("increaseBySeconds"),
        }
    }

    fn adjust_values(self) -> &'static str {
        match self {
            Self::Update => "auto, leave, new",
            Self::Log | Self::Delete => "auto, leave, new, manual",
        }
    }
}

/// A validated estimate adjustment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Estimate {
    /// Jira adjusts by the time spent (its default).
    Auto,
    /// The estimate is left as it is.
    Leave,
    /// The estimate becomes this many seconds.
    New(i64),
    /// The estimate is reduced (log) or increased (delete) by this many seconds.
    Manual(i64),
}

impl Estimate {
    /// Checks a raw estimate for the operation `op`.
    ///
    /// # Errors
    ///
    /// `invalid-input` naming the field: an `adjust` value the operation does
    /// not take, a missing or refused companion, an amount out of range or not
    /// whole minutes.
    pub fn validate(raw: EstimateRaw, op: For) -> Result<Self, Error> {
        let manual_field = op.manual_field();
        // The adjust value, and the companion it takes, if any.
        let (adjust, wanted) = match raw.adjust.as_str() {
            "auto" => (Self::Auto, None),
            "leave" => (Self::Leave, None),
            "new" => (Self::New(0), Some("newEstimateSeconds")),
            "manual" => match manual_field {
                Some(field) => (Self::Manual(0), Some(field)),
                None => {
                    return Err(Error::invalid_field(
                        "estimate.adjust",
                        format_args!(
                            "\"manual\" is not one of {} (jira takes no manual amount when a worklog changes)",
                            op.adjust_values()
                        ),
                    ))
                }
            },
            other => {
                return Err(Error::invalid_field(
                    "estimate.adjust",
                    format_args!("{} is not one of {}", quote(other), op.adjust_values()),
                ))
            }
        };
        let given = [
            ("newEstimateSeconds", raw.new_estimate_seconds),
            ("reduceBySeconds", raw.reduce_by_seconds),
            ("increaseBySeconds", raw.increase_by_seconds),
        ];
        for (field, value) in given {
            if value.is_some() && Some(field) != wanted {
                let reason = if field == "newEstimateSeconds" {
                    "only goes with adjust \"new\"".to_owned()
                } else if Some(field) == manual_field {
                    "only goes with adjust \"manual\"".to_owned()
                } else {
                    let instead = manual_field.map_or_else(String::new, |m| format!(", or {m}"));
                    format!("is not taken by this operation (it takes newEstimateSeconds{instead})")
                };
                return Err(Error::invalid_input(format_args!(
                    "field \"estimate.{field}\" {reason}"
                )));
            }
        }
        Ok(match adjust {
            Self::New(_) => Self::New(companion(
                "newEstimateSeconds",
                raw.new_estimate_seconds,
                true,
            )?),
            Self::Manual(_) => {
                let (field, value) = if op == For::Delete {
                    ("increaseBySeconds", raw.increase_by_seconds)
                } else {
                    ("reduceBySeconds", raw.reduce_by_seconds)
                };
                Self::Manual(companion(field, value, false)?)
            }
            other => other,
        })
    }

    /// Appends `adjustEstimate` and its companion to a Jira path.
    pub fn apply(self, path: JiraPath, op: For) -> JiraPath {
        match self {
            Self::Auto => path.query("adjustEstimate", "auto"),
            Self::Leave => path.query("adjustEstimate", "leave"),
            Self::New(seconds) => path
                .query("adjustEstimate", "new")
                .query("newEstimate", &jira::minutes(seconds)),
            Self::Manual(seconds) => {
                let companion = if op == For::Delete {
                    "increaseBy"
                } else {
                    "reduceBy"
                };
                path.query("adjustEstimate", "manual")
                    .query(companion, &jira::minutes(seconds))
            }
        }
    }
}

/// Checks a companion amount: present, whole minutes, within range, and
/// positive unless `zero_ok` (a new estimate may be zero).
fn companion(field: &str, value: Option<i64>, zero_ok: bool) -> Result<i64, Error> {
    let path = format!("estimate.{field}");
    let Some(value) = value else {
        return Err(Error::invalid_input(format_args!(
            "field \"{path}\" is required with this adjust value"
        )));
    };
    let low = i64::from(!zero_ok);
    if value < low || value > MAX_ESTIMATE_SECONDS {
        let lowest = if zero_ok { "0" } else { "60" };
        return Err(Error::invalid_field(
            &path,
            format_args!("{value} is not between {lowest} and {MAX_ESTIMATE_SECONDS} seconds"),
        ));
    }
    if value % 60 != 0 {
        return Err(Error::invalid_field(
            &path,
            format_args!(
                "{value} is not a whole number of minutes (jira takes estimates in minutes)"
            ),
        ));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(
        adjust: &str,
        new: Option<i64>,
        reduce: Option<i64>,
        increase: Option<i64>,
    ) -> EstimateRaw {
        EstimateRaw {
            adjust: adjust.to_owned(),
            new_estimate_seconds: new,
            reduce_by_seconds: reduce,
            increase_by_seconds: increase,
        }
    }

    fn query(raw: EstimateRaw, op: For) -> Result<String, String> {
        Estimate::validate(raw, op)
            .map(|e| e.apply(JiraPath::api(&["x"]), op).as_str().to_owned())
            .map_err(|e| e.message().to_owned())
    }

    #[test]
    fn each_operation_takes_its_options() {
        use For::*;
        let ok = [
            (
                raw("auto", None, None, None),
                Log,
                "/rest/api/3/x?adjustEstimate=auto",
            ),
            (
                raw("leave", None, None, None),
                Update,
                "/rest/api/3/x?adjustEstimate=leave",
            ),
            (
                raw("new", Some(5400), None, None),
                Log,
                "/rest/api/3/x?adjustEstimate=new&newEstimate=90m",
            ),
            (
                raw("new", Some(0), None, None),
                Update,
                "/rest/api/3/x?adjustEstimate=new&newEstimate=0m",
            ),
            (
                raw("new", Some(3600), None, None),
                Delete,
                "/rest/api/3/x?adjustEstimate=new&newEstimate=60m",
            ),
            (
                raw("manual", None, Some(1800), None),
                Log,
                "/rest/api/3/x?adjustEstimate=manual&reduceBy=30m",
            ),
            (
                raw("manual", None, None, Some(7200)),
                Delete,
                "/rest/api/3/x?adjustEstimate=manual&increaseBy=120m",
            ),
        ];
        for (raw, op, expected) in ok {
            assert_eq!(query(raw, op), Ok(expected.to_owned()));
        }
    }

    #[test]
    fn wrong_combinations_name_the_field() {
        use For::*;
        let bad = [
            (
                raw("manual", None, Some(60), None),
                Update,
                "estimate.adjust",
            ),
            (raw("sometimes", None, None, None), Log, "estimate.adjust"),
            (
                raw("new", None, None, None),
                Log,
                "estimate.newEstimateSeconds",
            ),
            (
                raw("new", Some(90), None, None),
                Log,
                "estimate.newEstimateSeconds",
            ),
            (
                raw("new", Some(-60), None, None),
                Log,
                "estimate.newEstimateSeconds",
            ),
            (
                raw("new", Some(MAX_ESTIMATE_SECONDS + 60), None, None),
                Log,
                "estimate.newEstimateSeconds",
            ),
            (
                raw("manual", None, None, None),
                Log,
                "estimate.reduceBySeconds",
            ),
            (
                raw("manual", None, Some(0), None),
                Log,
                "estimate.reduceBySeconds",
            ),
            (
                raw("manual", None, None, Some(60)),
                Log,
                "estimate.increaseBySeconds",
            ),
            (
                raw("manual", None, Some(60), None),
                Delete,
                "estimate.reduceBySeconds",
            ),
            (
                raw("auto", Some(60), None, None),
                Log,
                "estimate.newEstimateSeconds",
            ),
            (
                raw("leave", None, Some(60), None),
                Log,
                "estimate.reduceBySeconds",
            ),
            (
                raw("new", Some(60), None, Some(60)),
                Delete,
                "estimate.increaseBySeconds",
            ),
        ];
        for (raw, op, field) in bad {
            let adjust = raw.adjust.clone();
            let message = query(raw, op).unwrap_err();
            assert!(
                message.starts_with(&format!("invalid input: field \"{field}\"")),
                "{adjust} for {op:?}: {message}"
            );
        }
    }
}
