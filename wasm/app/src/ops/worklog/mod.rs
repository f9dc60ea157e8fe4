//! The worklog operations: `worklog.list`, `worklog.log`, `worklog.update` and
//! `worklog.delete`, over Jira's native worklogs, always on the acting user's
//! behalf so that Jira enforces who may see, log, edit and delete what.
//!
//! They share one output shape ([`Worklog`]), the estimate options
//! ([`estimate`]) and the time spent rules ([`time_spent`]).

mod delete;
mod estimate;
mod list;
mod log;
mod update;

pub use delete::delete;
pub use list::list;
pub use log::log;
pub use update::update;

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize};

use crate::adf;
use crate::executor::Ctx;
use crate::input::{self, parse_date_time, quote, IssueRef, WorklogId};
use crate::jira::{self, JiraPath};
use crate::permissions::{self, WorklogAction};
use crate::protocol::{HttpResponse, Method, Principal};
use crate::Error;

/// A worklog as the app shows it.
#[derive(Serialize, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Worklog {
    id: String,
    issue_id: String,
    author: Author,
    /// RFC 3339 with milliseconds, in the offset Jira gave.
    started: String,
    time_spent_seconds: i64,
    /// Plain text; empty when there is none.
    comment: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    visibility: Option<VisibilityOut>,
    created: String,
    updated: String,
}

/// Who wrote a worklog.
#[derive(Serialize, Deserialize, Debug, Default, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Author {
    #[serde(default)]
    account_id: String,
    #[serde(default)]
    display_name: String,
}

/// Who may see a worklog.
#[derive(Serialize, Debug, PartialEq, Eq)]
pub struct VisibilityOut {
    #[serde(rename = "type")]
    kind: String,
    value: String,
}

/// A worklog as Jira gives it (only the fields used).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JiraWorklog {
    #[serde(deserialize_with = "id_string")]
    id: String,
    #[serde(deserialize_with = "id_string")]
    issue_id: String,
    #[serde(default)]
    author: Option<Author>,
    started: String,
    time_spent_seconds: i64,
    #[serde(default)]
    comment: serde_json::Value,
    #[serde(default)]
    visibility: Option<JiraVisibility>,
    created: String,
    updated: String,
}

#[derive(Deserialize)]
struct JiraVisibility {
    #[serde(rename = "type", default)]
    kind: String,
    #[serde(default)]
    value: Option<String>,
    #[serde(default)]
    identifier: Option<String>,
}

/// Jira's ids are strings; tolerate numbers too.
fn id_string<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    struct Id;

    impl Visitor<'_> for Id {
        type Value = String;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an id")
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
            Ok(v.to_owned())
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
            Ok(v.to_string())
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
            Ok(v.to_string())
        }
    }

    deserializer.deserialize_any(Id)
}

impl JiraWorklog {
    /// The app's shape.
    ///
    /// # Errors
    ///
    /// `upstream` when a date-time is not one.
    pub fn into_worklog(self) -> Result<Worklog, Error> {
        let instant = |field: &str, value: &str| {
            parse_date_time(value)
                .map(|t| input::rfc3339(&t))
                .ok_or_else(|| {
                    Error::upstream(format!(
                        "jira gave worklog {} a \"{field}\" that is not a date-time: {}",
                        self.id,
                        quote(value)
                    ))
                })
        };
        Ok(Worklog {
            started: instant("started", &self.started)?,
            created: instant("created", &self.created)?,
            updated: instant("updated", &self.updated)?,
            comment: adf::to_plain_text(&self.comment),
            visibility: self.visibility.map(|v| VisibilityOut {
                kind: v.kind,
                value: v.value.or(v.identifier).unwrap_or_default(),
            }),
            author: self.author.unwrap_or_default(),
            time_spent_seconds: self.time_spent_seconds,
            issue_id: self.issue_id,
            id: self.id,
        })
    }
}

/// Sends a worklog write on the acting user's behalf and checks its status.
///
/// Jira answers a write the user may not make with 400, like a malformed one;
/// [`permissions::explain_refusal`] tells the two apart on that path only.
///
/// # Errors
///
/// The mapped error of a non-2xx status (`forbidden` for a missing
/// permission), or the host's error.
async fn write(
    ctx: &Ctx,
    method: Method,
    path: &JiraPath,
    body: Option<String>,
    target: (&IssueRef, Option<&WorklogId>),
    action: WorklogAction,
) -> Result<HttpResponse, Error> {
    let response = ctx.jira(Principal::User, method, path, body).await?;
    if response.status == 400 {
        let original = jira::error_for(&response, method, path);
        let (issue, worklog) = target;
        return Err(permissions::explain_refusal(ctx, issue, worklog, action, original).await);
    }
    jira::success(response, method, path)
}

/// Resolves the time spent, given as `seconds` or (later) `timeSpent`.
///
/// Exactly one of the two is accepted. Human durations such as `1h 30m` are
/// parsed by the domain core once it provides them; until then `timeSpent` is
/// rejected as not supported yet.
///
/// # Errors
///
/// `invalid-input` when both are given, when `required` and neither is, or when
/// the value is out of range ([`input::seconds`]).
pub fn time_spent(
    seconds: Option<i64>,
    time_spent: Option<String>,
    required: bool,
) -> Result<Option<i64>, Error> {
    match (seconds, time_spent) {
        (Some(_), Some(_)) => Err(Error::invalid_input(
            "give either field \"seconds\" or field \"timeSpent\", not both",
        )),
        (None, Some(text)) => Err(Error::invalid_field(
            "timeSpent",
            format_args!(
                "{} is a human duration, which is not supported yet (give \"seconds\")",
                quote(&text)
            ),
        )),
        (Some(value), None) => input::seconds("seconds", value).map(Some),
        (None, None) if required => Err(Error::invalid_input("field \"seconds\" is required")),
        (None, None) => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn jira_worklogs_take_the_app_shape() {
        let raw: JiraWorklog = serde_json::from_value(json!({
            "self": "https://x/rest/api/3/issue/10001/worklog/100",
            "id": "100", "issueId": 10001,
            "author": {"accountId": "a1", "displayName": "Alice", "active": true},
            "started": "2026-11-24T09:30:00.000+0100",
            "created": "2026-11-24T10:00:00.123+0000",
            "updated": "2026-11-24T10:00:00.123Z",
            "timeSpentSeconds": 3600, "timeSpent": "1h",
            "comment": {"type": "doc", "version": 1, "content": [
                {"type": "paragraph", "content": [{"type": "text", "text": "hi"}]}]},
            "visibility": {"type": "group", "identifier": "g-1"}
        }))
        .unwrap();
        let out = serde_json::to_value(raw.into_worklog().unwrap()).unwrap();
        assert_eq!(
            out,
            json!({
                "id": "100", "issueId": "10001",
                "author": {"accountId": "a1", "displayName": "Alice"},
                "started": "2026-11-24T09:30:00.000+01:00",
                "timeSpentSeconds": 3600, "comment": "hi",
                "visibility": {"type": "group", "value": "g-1"},
                "created": "2026-11-24T10:00:00.123+00:00",
                "updated": "2026-11-24T10:00:00.123+00:00"
            })
        );
    }

    #[test]
    fn bad_dates_from_jira_are_upstream() {
        let raw: JiraWorklog = serde_json::from_value(json!({
            "id": "1", "issueId": "2", "started": "yesterday", "created": "x", "updated": "y",
            "timeSpentSeconds": 60
        }))
        .unwrap();
        let e = raw.into_worklog().unwrap_err();
        assert!(
            e.is_upstream() && e.message().contains("\"started\""),
            "{e}"
        );
    }

    #[test]
    fn time_spent_takes_exactly_one() {
        assert_eq!(time_spent(Some(60), None, true), Ok(Some(60)));
        assert_eq!(time_spent(None, None, false), Ok(None));
        assert!(time_spent(None, None, true).is_err());
        assert!(time_spent(Some(60), Some("1m".into()), true).is_err());
        let e = time_spent(None, Some("1h 30m".into()), true).unwrap_err();
        assert!(e.message().contains("timeSpent"), "{e}");
    }
}
