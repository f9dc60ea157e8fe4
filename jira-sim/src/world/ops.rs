//! Worklog operations as Jira performs them: validation, permissions, estimates.
//!
//! Each operation checks in Jira's order: the issue must be visible (else 404),
//! the worklog must exist and be visible (else 404), the caller must hold the
//! permission (else 400 for worklogs, as Jira's REST API answers, and 403 for
//! worklog properties), then the body and the estimate options are validated
//! (400 with the field errors).
//!
//! Estimates follow Jira's `adjustEstimate` rules:
//!
//! | operation | `auto` | `new` | `manual` | `leave` |
//! |---|---|---|---|---|
//! | create | remaining − logged, not below 0 | `newEstimate` | remaining − `reduceBy`, not below 0 | unchanged |
//! | update | remaining − (new − old), not below 0 | `newEstimate` | unchanged | unchanged |
//! | delete | remaining + logged | `newEstimate` | remaining + `increaseBy` | unchanged |
//!
//! With no remaining estimate, `auto` leaves it unset, and `manual` starts from 0.
//! Time spent is always the sum of the issue's live worklogs.

use chrono::DateTime;
use serde_json::Value;

use super::{Access, ProjectPerm, Visibility, Worklog, World};
use crate::duration;
use crate::error::{JiraError, Result};

/// The format of `started` in requests: `2026-11-24T09:30:00.000+0100`.
pub(crate) const STARTED_FORMAT: &str = "%Y-%m-%dT%H:%M:%S%.3f%z";

/// Largest property value Jira accepts, in characters of JSON.
const MAX_PROPERTY_VALUE: usize = 32768;

/// Largest property key Jira accepts.
const MAX_PROPERTY_KEY: usize = 255;

/// How an operation changes the issue's remaining estimate (`adjustEstimate`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Adjust {
    Auto,
    Leave,
    /// Set the remaining estimate to this many seconds.
    New(i64),
    /// Reduce (create) or increase (delete) by this many seconds.
    Manual(i64),
}

/// Which operation estimate options are parsed for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    Create,
    Update,
    Delete,
}

impl Adjust {
    /// Parses `adjustEstimate` with its companion `newEstimate` and, for `manual`,
    /// `reduceBy` (create) or `increaseBy` (delete).
    ///
    /// # Errors
    ///
    /// 400 for an unknown option, or a missing or malformed companion value.
    pub(crate) fn parse(
        op: Op,
        adjust: Option<&str>,
        new_estimate: Option<&str>,
        manual_amount: Option<&str>,
        world: &World,
    ) -> Result<Adjust> {
        let option = adjust.unwrap_or("auto").to_ascii_lowercase();
        match option.as_str() {
            "auto" => Ok(Adjust::Auto),
            "leave" => Ok(Adjust::Leave),
            "new" => new_estimate
                .and_then(|s| duration::parse(s, &world.config))
                .map(Adjust::New)
                .ok_or_else(|| {
                    JiraError::field("newEstimate", "You must supply a valid new estimate.")
                }),
            "manual" => {
                let (field, verb) = match op {
                    Op::Create => ("reduceBy", "reduce"),
                    Op::Delete => ("increaseBy", "increase"),
                    // Jira documents no manual adjustment on update: the estimate stays.
                    Op::Update => return Ok(Adjust::Leave),
                };
                manual_amount
                    .and_then(|s| duration::parse(s, &world.config))
                    .map(Adjust::Manual)
                    .ok_or_else(|| {
                        JiraError::field(
                            field,
                            format!(
                                "You must supply a valid amount of time to {verb} the estimate by."
                            ),
                        )
                    })
            }
            _ => Err(JiraError::bad_request(format!(
                "Invalid value '{}' for adjustEstimate: expected one of auto, leave, new, manual.",
                adjust.unwrap_or_default()
            ))),
        }
    }
}

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
    /// Validates a worklog request body for the issue's project.
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

/// Checks a property key and value against Jira's limits.
fn check_property(key: &str, value: &Value) -> Result<()> {
    if key.is_empty() || key.chars().count() > MAX_PROPERTY_KEY {
        return Err(JiraError::bad_request(format!(
            "The property key must be between 1 and {MAX_PROPERTY_KEY} characters long."
        )));
    }
    if value.to_string().chars().count() > MAX_PROPERTY_VALUE {
        return Err(JiraError::bad_request(format!(
            "The property value cannot be longer than {MAX_PROPERTY_VALUE} characters."
        )));
    }
    Ok(())
}

/// The remaining estimate after an operation.
pub(crate) fn adjust_remaining(
    op: Op,
    adjust: Adjust,
    remaining: Option<i64>,
    old: i64,
    new: i64,
) -> Option<i64> {
    match (op, adjust) {
        (_, Adjust::Leave) => remaining,
        (_, Adjust::New(v)) => Some(v),
        (Op::Create, Adjust::Auto) => remaining.map(|r| (r - new).max(0)),
        (Op::Create, Adjust::Manual(d)) => Some((remaining.unwrap_or(0) - d).max(0)),
        (Op::Update, Adjust::Auto) => remaining.map(|r| (r - (new - old)).max(0)),
        (Op::Update, Adjust::Manual(_)) => remaining,
        (Op::Delete, Adjust::Auto) => remaining.map(|r| r + old),
        (Op::Delete, Adjust::Manual(d)) => Some(remaining.unwrap_or(0) + d),
    }
}

impl World {
    /// The issue `key_or_id` if the caller may browse it.
    ///
    /// # Errors
    ///
    /// 404 if it does not exist or the caller cannot browse it.
    pub(crate) fn visible_issue(&self, access: &Access, key_or_id: &str) -> Result<u32> {
        self.find_issue(key_or_id)
            .filter(|&i| access.can_browse(self.issues[i as usize].project))
            .ok_or_else(JiraError::issue_not_found)
    }

    /// The worklog `id` of `issue` if the caller may see it.
    ///
    /// # Errors
    ///
    /// 404 if it does not exist, is deleted, belongs to another issue or its
    /// visibility hides it from the caller.
    pub(crate) fn visible_worklog(&self, access: &Access, issue: u32, id: &str) -> Result<u32> {
        id.parse::<u64>()
            .ok()
            .and_then(|id| self.worklog_by_id(id))
            .filter(|&w| {
                let wl = &self.worklogs[w as usize];
                wl.issue == issue && access.can_see(self, wl)
            })
            .ok_or_else(|| JiraError::worklog_not_found(id))
    }

    /// Adds a worklog to a visible issue and adjusts its estimate.
    ///
    /// # Errors
    ///
    /// 400 if the caller may not work on the issue, or the body or the estimate
    /// options are invalid.
    pub(crate) fn create_worklog(
        &mut self,
        access: &Access,
        issue: u32,
        body: &Value,
        adjust: (Option<&str>, Option<&str>, Option<&str>),
    ) -> Result<u32> {
        let project = self.issues[issue as usize].project;
        if !(access.has(project, ProjectPerm::BrowseProjects)
            && access.has(project, ProjectPerm::WorkOnIssues))
        {
            return Err(JiraError::bad_request(
                "You do not have the permission to associate a worklog to this issue.",
            ));
        }
        let input = WorklogInput::parse(self, access, project, body, true)?;
        let adjust = Adjust::parse(Op::Create, adjust.0, adjust.1, adjust.2, self)?;
        let (Some(started), Some(seconds)) = (input.started, input.seconds) else {
            return Err(JiraError::field(
                "timeLogged",
                "You must indicate the time spent working.",
            ));
        };
        let now = self.stamp();
        let comment = input.comment.flatten().map(|c| self.add_comment(c));
        let idx = self.worklogs.len() as u32;
        self.worklogs.push(Worklog {
            issue,
            author: access.account,
            update_author: access.account,
            seconds,
            started,
            created: now,
            updated: now,
            comment,
            visibility: input.visibility.unwrap_or(Visibility::All),
            deleted: false,
        });
        let id = World::worklog_id(idx);
        self.updated_index.insert((now, id));
        if !input.properties.is_empty() {
            let props = self.properties.entry(id).or_default();
            for (k, v) in input.properties {
                set_property(props, k, v);
            }
        }
        let is = &mut self.issues[issue as usize];
        is.worklogs.push(idx);
        is.spent += i64::from(seconds);
        is.remaining = adjust_remaining(Op::Create, adjust, is.remaining, 0, i64::from(seconds));
        is.updated = now;
        Ok(idx)
    }

    /// Updates a visible worklog and adjusts its issue's estimate.
    ///
    /// # Errors
    ///
    /// 400 if the caller may not edit it, or the body or options are invalid.
    pub(crate) fn update_worklog(
        &mut self,
        access: &Access,
        wl: u32,
        body: &Value,
        adjust: (Option<&str>, Option<&str>),
    ) -> Result<()> {
        let w = &self.worklogs[wl as usize];
        if !access.can_edit(self, w) {
            return Err(JiraError::bad_request(
                "You do not have the permission to update this worklog.",
            ));
        }
        let issue = w.issue;
        let project = self.issues[issue as usize].project;
        let input = WorklogInput::parse(self, access, project, body, false)?;
        let adjust = Adjust::parse(Op::Update, adjust.0, adjust.1, None, self)?;
        let now = self.stamp();
        let comment = input.comment.map(|c| c.map(|c| self.add_comment(c)));
        let id = World::worklog_id(wl);
        let w = &mut self.worklogs[wl as usize];
        let old = i64::from(w.seconds);
        self.updated_index.remove(&(w.updated, id));
        if let Some(s) = input.started {
            w.started = s;
        }
        if let Some(s) = input.seconds {
            w.seconds = s;
        }
        if let Some(c) = comment {
            w.comment = c;
        }
        if let Some(v) = input.visibility {
            w.visibility = v;
        }
        w.update_author = access.account;
        w.updated = now;
        let new = i64::from(w.seconds);
        self.updated_index.insert((now, id));
        if !input.properties.is_empty() {
            let props = self.properties.entry(id).or_default();
            for (k, v) in input.properties {
                set_property(props, k, v);
            }
        }
        let is = &mut self.issues[issue as usize];
        is.spent += new - old;
        is.remaining = adjust_remaining(Op::Update, adjust, is.remaining, old, new);
        is.updated = now;
        Ok(())
    }

    /// Deletes a visible worklog, leaves a tombstone and adjusts the estimate.
    ///
    /// # Errors
    ///
    /// 400 if the caller may not delete it or the estimate options are invalid.
    pub(crate) fn delete_worklog(
        &mut self,
        access: &Access,
        wl: u32,
        adjust: (Option<&str>, Option<&str>, Option<&str>),
    ) -> Result<()> {
        let w = &self.worklogs[wl as usize];
        if !access.can_delete(self, w) {
            return Err(JiraError::bad_request(
                "You do not have the permission to delete this worklog.",
            ));
        }
        let adjust = Adjust::parse(Op::Delete, adjust.0, adjust.1, adjust.2, self)?;
        let now = self.stamp();
        let id = World::worklog_id(wl);
        let w = &mut self.worklogs[wl as usize];
        w.deleted = true;
        let (issue, old, updated) = (w.issue, i64::from(w.seconds), w.updated);
        self.updated_index.remove(&(updated, id));
        self.tombstones.push((now, id));
        self.properties.remove(&id);
        let is = &mut self.issues[issue as usize];
        is.worklogs.retain(|&x| x != wl);
        is.spent -= old;
        is.remaining = adjust_remaining(Op::Delete, adjust, is.remaining, old, 0);
        is.updated = now;
        Ok(())
    }

    /// Sets a property on a visible worklog. Returns whether it was created.
    ///
    /// # Errors
    ///
    /// 403 if the caller may not edit the worklog; 400 for a key or value over
    /// Jira's limits.
    pub(crate) fn put_worklog_property(
        &mut self,
        access: &Access,
        wl: u32,
        key: &str,
        value: Value,
    ) -> Result<bool> {
        if !access.can_edit(self, &self.worklogs[wl as usize]) {
            return Err(JiraError::forbidden(
                "You do not have the permission to edit this worklog.",
            ));
        }
        check_property(key, &value)?;
        let props = self.properties.entry(World::worklog_id(wl)).or_default();
        Ok(set_property(props, key.to_owned(), value))
    }

    /// Deletes a property of a visible worklog.
    ///
    /// # Errors
    ///
    /// 403 if the caller may not edit the worklog; 404 if there is no such property.
    pub(crate) fn delete_worklog_property(
        &mut self,
        access: &Access,
        wl: u32,
        key: &str,
    ) -> Result<()> {
        if !access.can_edit(self, &self.worklogs[wl as usize]) {
            return Err(JiraError::forbidden(
                "You do not have the permission to edit this worklog.",
            ));
        }
        let id = World::worklog_id(wl);
        let props = self.properties.get_mut(&id);
        let found = props.and_then(|p| p.iter().position(|(k, _)| k == key).map(|i| (p, i)));
        match found {
            Some((p, i)) => {
                p.remove(i);
                if p.is_empty() {
                    self.properties.remove(&id);
                }
                Ok(())
            }
            None => Err(property_not_found(key)),
        }
    }

    /// The properties of a worklog, in key order.
    pub(crate) fn worklog_properties(&self, wl: u32) -> &[(String, Value)] {
        self.properties
            .get(&World::worklog_id(wl))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// Stores an ADF comment and returns its index.
    fn add_comment(&mut self, doc: Value) -> u32 {
        self.comments.push(doc);
        (self.comments.len() - 1) as u32
    }
}

/// The 404 for a missing entity property.
pub(crate) fn property_not_found(key: &str) -> JiraError {
    JiraError::not_found(format!("The property with key '{key}' does not exist."))
}

/// Inserts or replaces a property, keeping key order. Returns whether it is new.
fn set_property(props: &mut Vec<(String, Value)>, key: String, value: Value) -> bool {
    match props.binary_search_by(|(k, _)| k.as_str().cmp(&key)) {
        Ok(i) => {
            props[i].1 = value;
            false
        }
        Err(i) => {
            props.insert(i, (key, value));
            true
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn estimate_table() {
        use Adjust::*;
        use Op::*;
        let h = 3600;
        for (op, adj, rem, old, new, want) in [
            (Create, Auto, Some(5 * h), 0, 2 * h, Some(3 * h)),
            (Create, Auto, Some(h), 0, 2 * h, Some(0)),
            (Create, Auto, None, 0, 2 * h, None),
            (Create, Leave, Some(h), 0, 2 * h, Some(h)),
            (Create, New(7 * h), Some(h), 0, 2 * h, Some(7 * h)),
            (Create, Manual(h), Some(3 * h), 0, 2 * h, Some(2 * h)),
            (Create, Manual(5 * h), Some(3 * h), 0, 2 * h, Some(0)),
            (Create, Manual(h), None, 0, 2 * h, Some(0)),
            (Update, Auto, Some(5 * h), 2 * h, 3 * h, Some(4 * h)),
            (Update, Auto, Some(5 * h), 3 * h, h, Some(7 * h)),
            (Update, Auto, Some(h), h, 4 * h, Some(0)),
            (Update, Leave, Some(h), h, 4 * h, Some(h)),
            (Update, New(0), Some(h), h, 4 * h, Some(0)),
            (Delete, Auto, Some(h), 2 * h, 0, Some(3 * h)),
            (Delete, Auto, None, 2 * h, 0, None),
            (Delete, Manual(h), Some(h), 2 * h, 0, Some(2 * h)),
            (Delete, Leave, Some(h), 2 * h, 0, Some(h)),
            (Delete, New(h / 2), Some(h), 2 * h, 0, Some(h / 2)),
        ] {
            assert_eq!(
                adjust_remaining(op, adj, rem, old, new),
                want,
                "{op:?} {adj:?} {rem:?}"
            );
        }
    }

    #[test]
    fn started_is_strict() {
        assert_eq!(
            parse_started("2026-11-24T09:30:00.000+0000"),
            Some(1_795_512_600_000)
        );
        assert_eq!(
            parse_started("2026-11-24T10:30:00.000+0100"),
            Some(1_795_512_600_000)
        );
        for bad in [
            "2026-11-24T09:30:00+0000",
            "2026-11-24T09:30:00.000Z",
            "2026-11-24T09:30:00.000+01:00",
            "2026-11-24 09:30:00.000+0000",
            "2026-13-24T09:30:00.000+0000",
            "",
        ] {
            assert_eq!(parse_started(bad), None, "{bad}");
        }
    }
}
