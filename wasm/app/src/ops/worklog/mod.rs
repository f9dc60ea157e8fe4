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
pub mod put_back;
mod update;

pub use delete::delete;
pub use list::list;
pub use log::{log, LogInput};
pub use update::update;

use serde::{Deserialize, Serialize};

use crate::access::{self, WorklogAction};
use crate::adf;
use crate::executor::Ctx;
use crate::index;
use crate::input::{self, parse_date_time, quote, IssueRef, WorklogId};
use crate::jira::types::Visibility;
use crate::jira::{id_string, Call, JiraPath};
use crate::protocol::{HttpResponse, Method};
use crate::{store, Error};
use worklogs_core::duration::{self, TimeTrackingSettings};

use super::{finance, settings};
use worklogs_core::finance::Mirror;

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
    /// The worklog's attribute values (the property `worklogs.attributes`),
    /// when it has them and Jira was asked for its properties.
    #[serde(skip_serializing_if = "Option::is_none")]
    attributes: Option<serde_json::Map<String, serde_json::Value>>,
}

impl Worklog {
    /// When the work started, as an instant.
    ///
    /// # Errors
    ///
    /// `upstream` when `started` is not a date-time (it was read from Jira).
    pub fn started_instant(&self) -> Result<worklogs_core::calendar::Instant, Error> {
        worklogs_core::calendar::parse_instant(&self.started).map_err(|e| {
            Error::upstream(format!(
                "jira gave worklog {} a \"started\" that is not a date-time: {}",
                self.id,
                e.message()
            ))
        })
    }

    /// The time spent, in seconds (zero when Jira gave a negative number).
    pub fn seconds(&self) -> u64 {
        u64::try_from(self.time_spent_seconds).unwrap_or(0)
    }

    /// Its id.
    pub fn id(&self) -> &str {
        &self.id
    }
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
    visibility: Option<Visibility>,
    created: String,
    updated: String,
    #[serde(default)]
    properties: Option<Vec<JiraProperty>>,
}

#[derive(Deserialize)]
struct JiraProperty {
    #[serde(default)]
    key: String,
    #[serde(default)]
    value: serde_json::Value,
}

impl JiraWorklog {
    /// The worklog's id.
    pub fn id(&self) -> &str {
        &self.id
    }

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
        let attributes = self
            .properties
            .unwrap_or_default()
            .into_iter()
            .find(|p| p.key == index::ATTRIBUTES_PROPERTY)
            .and_then(|p| match p.value {
                serde_json::Value::Object(values) => Some(values),
                _ => None,
            });
        Ok(Worklog {
            attributes,
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
/// [`access::explain_refusal`] tells the two apart on that path only.
///
/// # Errors
///
/// The mapped error of a non-2xx status (`forbidden` for a missing
/// permission), or the host's error.
async fn write(
    ctx: &Ctx,
    call: &Call,
    target: (&IssueRef, Option<&WorklogId>),
    action: WorklogAction,
) -> Result<HttpResponse, Error> {
    let response = call.send(ctx).await?;
    if response.status == 400 {
        let original = call.error_for(&response);
        let (issue, worklog) = target;
        return Err(access::explain_refusal(ctx, issue, worklog, action, original).await);
    }
    call.success(response)
}

/// The shared write path of `worklog.log` and `worklog.update`: sends `body`
/// with [`write`], reads the worklog Jira answers into the app's shape, and
/// takes it into the index ([`index_written`]). The index's site and fields
/// are read in the same batch as the write.
///
/// # Errors
///
/// As [`write`]; `upstream` when Jira's answer is not a worklog.
///
/// `mirror`, when the body carries the finance property, is recorded as
/// written ([`finance::written`]).
async fn write_worklog(
    ctx: &Ctx,
    method: Method,
    path: &JiraPath,
    body: serde_json::Map<String, serde_json::Value>,
    target: (&IssueRef, Option<&WorklogId>),
    action: WorklogAction,
    mirror: Option<Mirror>,
) -> Result<Worklog, Error> {
    let body = serde_json::Value::Object(body).to_string();
    let call = Call::new(method, path.clone(), Some(body));
    let (response, index) = futures::join!(write(ctx, &call, target, action), index_target(ctx));
    let response = response?;
    let written: JiraWorklog = call.parse(&response)?;
    let written = written.into_worklog()?;
    let site = index.0.as_ref().ok().copied();
    index_written(ctx, index, &response).await;
    if let (Some(site), Some(mirror)) = (site, mirror) {
        finance::written(ctx, site, &written.id, mirror).await;
    }
    Ok(written)
}

/// The worklog attribute values as given (`attributes`), checked against the
/// site's definitions (read with one statement) by [`Definitions::check`]:
/// every key defined, each value of its type, a select's among its options,
/// the required ones present (the values given replace the whole set, on
/// `worklog.update` too).
///
/// `None` when nothing is to be written: no values given and none required.
///
/// # Errors
///
/// `invalid-input` naming the field (`attributes.work_type`) and the value;
/// the database's errors.
async fn checked_attributes(
    ctx: &Ctx,
    values: Option<serde_json::Map<String, serde_json::Value>>,
) -> Result<Checked, Error> {
    let definitions = store::load::<worklogs_core::attributes::Definitions>(ctx).await?;
    let given = values.is_some();
    let values = values.unwrap_or_default();
    definitions.check(&values).map_err(|e| {
        let field = e.field().unwrap_or("attributes").to_owned();
        let message = e.message();
        let message = message
            .strip_prefix(&format!("{field}: "))
            .unwrap_or(message);
        Error::invalid_field(&field, message)
    })?;
    // Whether the worklog is billable as the export counts it, from the same
    // definitions: the finance property written with it.
    let billable =
        definitions.billable(Some(&serde_json::Value::Object(values.clone()).to_string()));
    Ok(Checked {
        values: given.then_some(serde_json::Value::Object(values)),
        billable,
    })
}

/// Attribute values checked by [`checked_attributes`].
struct Checked {
    /// The values to write; `None` when nothing is to be written.
    values: Option<serde_json::Value>,
    /// Whether they make the worklog billable ([`Definitions::billable`]).
    ///
    /// [`Definitions::billable`]: worklogs_core::attributes::Definitions::billable
    billable: bool,
}

/// Puts the attribute values and the finance mirror into a worklog body as
/// the worklog properties `worklogs.attributes` and `worklogs.finance`
/// (Jira's `properties: [{key, value}]`), so that the worklog and its
/// properties are written in one request. Nothing when both are absent.
fn insert_properties(
    body: &mut serde_json::Map<String, serde_json::Value>,
    attributes: Option<serde_json::Value>,
    mirror: Option<Mirror>,
) {
    let mut properties = Vec::new();
    if let Some(attributes) = attributes {
        properties
            .push(serde_json::json!({"key": index::ATTRIBUTES_PROPERTY, "value": attributes}));
    }
    if let Some(mirror) = mirror {
        properties.push(finance::property(mirror));
    }
    if !properties.is_empty() {
        body.insert("properties".into(), serde_json::Value::Array(properties));
    }
}

/// `path` with Jira's `notifyUsers` option when given.
fn with_notify(path: JiraPath, notify: Option<bool>) -> JiraPath {
    match notify {
        Some(notify) => path.query("notifyUsers", if notify { "true" } else { "false" }),
        None => path,
    }
}

/// What the index needs to take a write in: the site number and the custom
/// fields, read in the same batch as the write itself.
type IndexTarget = (Result<i64, Error>, Result<Vec<String>, Error>);

/// Reads the index's site and custom fields (to be joined with the write).
async fn index_target(ctx: &Ctx) -> IndexTarget {
    futures::join!(index::site(ctx), index::load_fields(ctx))
}

/// Takes a written worklog (Jira's answer to the write) into the index at once.
///
/// Best effort: the write has happened in Jira, so a failure here must not fail
/// the operation (the person would try again and log twice); the next sync
/// brings the index up to date. No retries and no waiting either: a person is
/// waiting for the answer.
async fn index_written(ctx: &Ctx, target: IndexTarget, response: &HttpResponse) {
    let (Ok(site), Ok(custom)) = target else {
        return;
    };
    let Ok(raw) = serde_json::from_str::<index::RawWorklog>(&response.body) else {
        return;
    };
    let Ok(app) = index::app_account_for(ctx, [&raw]).await else {
        return;
    };
    let Ok(row) = index::WorklogRow::from_jira(&raw, app.as_deref()) else {
        return;
    };
    let fetch = index::IssueFetch {
        custom,
        parallel: 1,
        patient: false,
    };
    let _ = index::store_worklogs(ctx, site, vec![row], &fetch, index::JournalSource::App).await;
}

/// Removes a deleted worklog from the index at once; best effort, as
/// [`index_written`].
async fn index_deleted(ctx: &Ctx, site: Result<i64, Error>, id: &WorklogId) {
    if let (Ok(site), Ok(id)) = (site, id.as_str().parse::<i64>()) {
        let _ = index::delete_worklogs(ctx, site, &[id], index::JournalSource::App).await;
    }
}

/// The time spent as given: `seconds`, or `timeSpent` in Jira's duration syntax.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TimeSpent {
    /// Whole seconds, already in range.
    Seconds(i64),
    /// A duration such as `1h 30m`, syntactically valid; its length depends on
    /// the site's working day and week.
    Text(String),
}

/// Checks the time spent, given as `seconds` or as `timeSpent` (`"1h 30m"`).
///
/// Exactly one of the two is accepted. `timeSpent` is checked for syntax here
/// (so a typo is refused before anything is sent); its length, which depends on
/// the site's working day and week, is resolved by [`TimeSpent::resolve`].
///
/// # Errors
///
/// `invalid-input` when both are given, when `required` and neither is, when
/// `seconds` is out of range ([`input::seconds`]) or `timeSpent` is not a
/// duration (naming the parser's position).
pub fn time_spent(
    seconds: Option<i64>,
    time_spent: Option<String>,
    required: bool,
) -> Result<Option<TimeSpent>, Error> {
    match (seconds, time_spent) {
        (Some(_), Some(_)) => Err(Error::invalid_input(
            "give either field \"seconds\" or field \"timeSpent\", not both",
        )),
        (None, Some(text)) => {
            // Syntax does not depend on the settings: check it with the defaults.
            parse_time_spent(&text, &TimeTrackingSettings::default())?;
            Ok(Some(TimeSpent::Text(text)))
        }
        (Some(value), None) => {
            input::seconds("seconds", value).map(|s| Some(TimeSpent::Seconds(s)))
        }
        (None, None) if required => Err(Error::invalid_input(
            "field \"seconds\" or field \"timeSpent\" is required",
        )),
        (None, None) => Ok(None),
    }
}

impl TimeSpent {
    /// The time spent in seconds. A `timeSpent` text is parsed with the site's
    /// time tracking settings, loaded as `timetracking.settings` does (one
    /// batch: Jira as the user and the stored copy).
    ///
    /// # Errors
    ///
    /// `invalid-input` for a duration of zero or over one week; the errors of
    /// loading the settings.
    pub async fn resolve(self, ctx: &Ctx) -> Result<i64, Error> {
        match self {
            Self::Seconds(seconds) => Ok(seconds),
            Self::Text(text) => {
                let (settings, _) = settings::load(ctx).await?;
                parse_time_spent(&text, &settings.to_core()?)
            }
        }
    }
}

impl TimeSpent {
    /// The field it was given as: `seconds` or `timeSpent`.
    fn field(&self) -> &'static str {
        match self {
            Self::Seconds(_) => "seconds",
            Self::Text(_) => "timeSpent",
        }
    }

    /// [`TimeSpent::resolve`], then, when the site's rounding settings say
    /// `applyToManual`, rounded by the site's rule (read in the same batch).
    ///
    /// # Errors
    ///
    /// As [`TimeSpent::resolve`]; `invalid-input` naming the field when the
    /// time rounds to 0 seconds; the database's errors.
    pub async fn resolve_rounded(self, ctx: &Ctx) -> Result<i64, Error> {
        let field = self.field();
        let (seconds, rounding) = futures::join!(
            self.resolve(ctx),
            store::load::<super::rounding::RoundingSettings>(ctx)
        );
        let (seconds, rounding) = (seconds?, rounding?);
        if rounding.apply_to_manual {
            rounding.round(field, seconds)
        } else {
            Ok(seconds)
        }
    }
}

/// Parses `timeSpent` with `settings`: at least one second, at most one week
/// ([`input::MAX_WORKLOG_SECONDS`], as for `seconds`).
///
/// # Errors
///
/// `invalid-input` naming the field, the value and the parser's position.
pub fn parse_time_spent(text: &str, settings: &TimeTrackingSettings) -> Result<i64, Error> {
    let seconds = duration::parse_nonzero(text, settings)
        .map_err(|e| Error::invalid_field("timeSpent", e))?
        .get();
    match i64::try_from(seconds) {
        Ok(value) if value <= input::MAX_WORKLOG_SECONDS => Ok(value),
        _ => Err(Error::invalid_field(
            "timeSpent",
            format_args!(
                "{} is {seconds} seconds, more than one week ({} seconds)",
                quote(text),
                input::MAX_WORKLOG_SECONDS
            ),
        )),
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
        assert_eq!(
            time_spent(Some(60), None, true),
            Ok(Some(TimeSpent::Seconds(60)))
        );
        assert_eq!(time_spent(None, None, false), Ok(None));
        assert!(time_spent(None, None, true).is_err());
        assert!(time_spent(Some(60), Some("1m".into()), true).is_err());
        assert_eq!(
            time_spent(None, Some("1h 30m".into()), true),
            Ok(Some(TimeSpent::Text("1h 30m".into())))
        );
    }

    #[test]
    fn time_spent_syntax_is_checked_before_any_effect() {
        let e = time_spent(None, Some("3x".into()), true).unwrap_err();
        assert_eq!(
            e.message(),
            r#"invalid input: field "timeSpent": invalid duration "3x": unknown unit "x" at position 2 (expected w, d, h, m or s)"#
        );
    }

    #[test]
    fn time_spent_is_parsed_with_the_site_settings() {
        let eight = TimeTrackingSettings::default();
        let table = [
            ("1h 30m", Ok(5400)),
            ("1d", Ok(28_800)),
            ("1w", Ok(144_000)),
            ("90", Ok(5400)),
            ("1.5h", Ok(5400)),
        ];
        for (text, expected) in table {
            assert_eq!(
                parse_time_spent(text, &eight).map_err(|e| e.to_string()),
                expected,
                "{text}"
            );
        }
        let six = TimeTrackingSettings::from_json(r#"{"workingHoursPerDay": 6}"#).unwrap();
        assert_eq!(parse_time_spent("1d", &six), Ok(21_600));
        let e = parse_time_spent("0h", &eight).unwrap_err();
        assert!(
            e.is_invalid_input() && e.message().contains("timeSpent"),
            "{e}"
        );
        // The same maximum as `seconds`: one week of wall time.
        let e = parse_time_spent("5w", &eight).unwrap_err();
        assert_eq!(
            e.message(),
            r#"invalid input: field "timeSpent": "5w" is 720000 seconds, more than one week (604800 seconds)"#
        );
        assert_eq!(parse_time_spent("168h", &eight), Ok(604_800));
    }
}
