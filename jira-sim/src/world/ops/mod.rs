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

mod input;
mod properties;
#[cfg(test)]
mod tests;

use serde_json::Value;

use super::{Access, ProjectPerm, Visibility, Worklog, World};
use crate::duration;
use crate::error::{JiraError, Result};

pub(crate) use input::WorklogInput;
pub(crate) use properties::property_not_found;
use properties::set_property;

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
    /// The project `key` (key, id or name) if the caller may browse it.
    ///
    /// # Errors
    ///
    /// 404 if it does not exist or the caller cannot browse it.
    pub(crate) fn visible_project(&self, access: &Access, key: &str) -> Result<u32> {
        self.find_project(key)
            .filter(|&p| access.can_browse(p))
            .ok_or_else(|| {
                JiraError::not_found(format!("No project could be found with key '{key}'."))
            })
    }

    /// The issue `key_or_id` if the caller may browse it.
    ///
    /// # Errors
    ///
    /// 404 if it does not exist or the caller cannot browse it.
    pub(crate) fn visible_issue(&self, access: &Access, key_or_id: &str) -> Result<u32> {
        self.find_issue(key_or_id)
            .filter(|&i| access.can_browse_issue(self, i))
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

    /// Stores an ADF comment and returns its index.
    fn add_comment(&mut self, doc: Value) -> u32 {
        self.comments.push(doc);
        (self.comments.len() - 1) as u32
    }
}
