//! A worklog request body, validated as Jira validates it: known fields only,
//! a positive time spent, a strict `started`, an ADF comment, a visibility the
//! caller may use.

use chrono::DateTime;
use serde_json::Value;

use super::properties::check_property;
use crate::duration;
use crate::error::{JiraError, Result};
use crate::world::{Access, Visibility, World};

/// The format of `started` in requests: `2026-11-24T09:30:00.000+0100`.
pub(crate) const STARTED_FORMAT: &str = "%Y-%m-%dT%H:%M:%S%.3f%z";

/// A validated worklog body. `None` fields are left as they are on update.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct WorklogInput {
    pub started: Option<i64>,
    pub seconds: Option<u32>,
    /// `Some(None)` removes the comment.
    pub comment: Option<Option<Value>>,
    pub visibility: Option<Visibility>,
    /// Properties to set with the worklog.
    pub properties: Vec<(String, Value)>,
}

/// Fields of Jira's `Worklog` bean. Read-only ones are accepted and ignored, so a
/// worklog read from Jira can be sent back; anything else is rejected, as Jira's
/// JSON reader does.
const WORKLOG_FIELDS: &[&str] = &[
    "self",
    "author",
    "updateAuthor",
    "comment",
    "created",
    "updated",
    "visibility",
    "started",
    "timeSpent",
    "timeSpentSeconds",
    "id",
    "issueId",
    "properties",
];

/// Parses `started` in Jira's strict format `yyyy-MM-dd'T'HH:mm:ss.SSSZ`.
pub(crate) fn parse_started(s: &str) -> Option<i64> {
    // Jira wants exactly this shape: 3 fraction digits and a `+hhmm` offset.
    let b = s.as_bytes();
    if b.len() != 28 || b[19] != b'.' || !matches!(b[23], b'+' | b'-') {
        return None;
    }
    if !b[24..].iter().all(u8::is_ascii_digit) || !b[20..23].iter().all(u8::is_ascii_digit) {
        return None;
    }
    DateTime::parse_from_str(s, STARTED_FORMAT)
        .ok()
        .map(|d| d.timestamp_millis())
}

impl WorklogInput {
    /// Validates a worklog request body for the project.
    ///
    /// # Errors
    ///
    /// 400 with Jira's messages: unknown fields, a missing or non-positive time
    /// spent, a malformed `started`, a comment that is not an ADF document, a
    /// visibility naming an unknown group or role or one the caller is not in.
    pub(crate) fn parse(
        world: &World,
        access: &Access,
        project: u32,
        body: &Value,
        creating: bool,
    ) -> Result<WorklogInput> {
        let Some(obj) = body.as_object() else {
            return Err(JiraError::bad_request(
                "The request body must be a JSON object (a worklog).",
            ));
        };
        if let Some(k) = obj.keys().find(|k| !WORKLOG_FIELDS.contains(&k.as_str())) {
            return Err(JiraError::bad_request(format!(
                "Unrecognized field \"{k}\" (class Worklog), not marked as ignorable"
            )));
        }
        let mut errors = JiraError::field("", "");
        errors.errors.clear();

        let seconds = match (obj.get("timeSpentSeconds"), obj.get("timeSpent")) {
            (Some(v), _) if !v.is_null() => match v.as_i64() {
                Some(s) if s <= 0 => {
                    errors.errors.insert(
                        "timeLogged".into(),
                        "You must indicate the time spent working.".into(),
                    );
                    None
                }
                Some(s) => match u32::try_from(s) {
                    Ok(s) => Some(s),
                    Err(_) => {
                        errors
                            .errors
                            .insert("timeLogged".into(), "Invalid time duration entered.".into());
                        None
                    }
                },
                None => {
                    return Err(JiraError::bad_request(
                        "Cannot deserialize value of type `long` for field \"timeSpentSeconds\"",
                    ))
                }
            },
            (_, Some(Value::String(text))) => match duration::parse(text, &world.config) {
                Some(0) => {
                    errors.errors.insert(
                        "timeLogged".into(),
                        "You must indicate the time spent working.".into(),
                    );
                    None
                }
                Some(s) => match u32::try_from(s) {
                    Ok(s) => Some(s),
                    Err(_) => {
                        errors
                            .errors
                            .insert("timeLogged".into(), "Invalid time duration entered.".into());
                        None
                    }
                },
                None => {
                    errors
                        .errors
                        .insert("timeLogged".into(), "Invalid time duration entered.".into());
                    None
                }
            },
            (_, Some(v)) if !v.is_null() => {
                return Err(JiraError::bad_request(
                    "Cannot deserialize value of type `String` for field \"timeSpent\"",
                ))
            }
            _ => {
                if creating {
                    errors.errors.insert(
                        "timeLogged".into(),
                        "You must indicate the time spent working.".into(),
                    );
                }
                None
            }
        };

        let started = match obj.get("started") {
            Some(Value::String(s)) => match parse_started(s) {
                Some(ms) => Some(ms),
                None => {
                    errors.errors.insert(
                        "started".into(),
                        format!("Invalid date \"{s}\": the expected format is yyyy-MM-dd'T'HH:mm:ss.SSSZ, such as 2026-11-24T09:30:00.000+0100."),
                    );
                    None
                }
            },
            Some(Value::Null) | None => {
                if creating {
                    errors.errors.insert(
                        "started".into(),
                        "You must specify a date on which the work occurred.".into(),
                    );
                }
                None
            }
            Some(_) => {
                errors
                    .errors
                    .insert("started".into(), "The date must be a string.".into());
                None
            }
        };

        let comment = match obj.get("comment") {
            None => None,
            Some(Value::Null) => Some(None),
            Some(v) if is_adf_doc(v) => Some(Some(v.clone())),
            Some(_) => {
                errors.errors.insert(
                    "comment".into(),
                    "Comment: Operation value must be an Atlassian Document (see the Atlassian Document Format)".into(),
                );
                None
            }
        };

        let properties = match obj.get("properties") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => {
                let mut out = Vec::new();
                for item in items {
                    let (Some(key), Some(value)) =
                        (item.get("key").and_then(Value::as_str), item.get("value"))
                    else {
                        return Err(JiraError::bad_request(
                            "Each worklog property needs a \"key\" and a \"value\".",
                        ));
                    };
                    check_property(key, value)?;
                    out.push((key.to_owned(), value.clone()));
                }
                out
            }
            Some(_) => return Err(JiraError::bad_request("\"properties\" must be an array.")),
        };

        if !errors.errors.is_empty() {
            return Err(errors);
        }
        let visibility = match obj.get("visibility") {
            None => None,
            Some(Value::Null) => Some(Visibility::All),
            Some(v) => Some(parse_visibility(world, access, project, v)?),
        };
        Ok(WorklogInput {
            started,
            seconds,
            comment,
            visibility,
            properties,
        })
    }
}

/// Whether a value looks like an ADF document: `{"type": "doc", "version": 1, ...}`.
fn is_adf_doc(v: &Value) -> bool {
    v.get("type").and_then(Value::as_str) == Some("doc")
        && v.get("version").and_then(Value::as_i64) == Some(1)
        && v.get("content").is_none_or(Value::is_array)
}

/// Resolves a visibility against the site and checks the caller may set it.
fn parse_visibility(world: &World, access: &Access, project: u32, v: &Value) -> Result<Visibility> {
    let kind = v.get("type").and_then(Value::as_str);
    let name = v
        .get("identifier")
        .and_then(Value::as_str)
        .or_else(|| v.get("value").and_then(Value::as_str));
    let Some(name) = name else {
        return Err(JiraError::bad_request(
            "A visibility needs an \"identifier\" or a \"value\".",
        ));
    };
    match kind {
        Some("group") => {
            let g = world
                .find_group(name)
                .ok_or_else(|| JiraError::bad_request(format!("Group: {name} does not exist.")))?;
            if !access.app && !access.in_group(g) {
                return Err(JiraError::bad_request(format!(
                    "You are currently not a member of the group: {}.",
                    world.groups[g as usize].name
                )));
            }
            Ok(Visibility::Group(g))
        }
        Some("role") => {
            let r = world.find_role(name).ok_or_else(|| {
                JiraError::bad_request(format!("Project role: {name} does not exist."))
            })?;
            if !access.app && !access.in_role(project, r) {
                return Err(JiraError::bad_request(format!(
                    "You are currently not a member of the project role: {}.",
                    world.roles[r as usize].name
                )));
            }
            Ok(Visibility::Role(r))
        }
        _ => Err(JiraError::bad_request(
            "The visibility type must be \"group\" or \"role\".",
        )),
    }
}
