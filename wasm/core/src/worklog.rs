//! What reports and exports read of a worklog, whatever it is stored as.

use crate::approval::State;
use crate::calendar::Instant;
use crate::duration::Seconds;

/// What the engine reads of a worklog. [`crate::export::flat::FlatRow`] implements
/// it; so can a view over a SQL row or a CSV record, without copying strings.
pub trait Worklog {
    /// When the work started.
    fn started(&self) -> Instant;
    /// Time spent.
    fn seconds(&self) -> Seconds;
    /// The author's account id.
    fn author_account_id(&self) -> &str;
    /// The author's display name (may be empty).
    fn author_display_name(&self) -> &str;
    /// The project id (for rates).
    fn project_id(&self) -> &str;
    /// The project key.
    fn project_key(&self) -> &str;
    /// The project name.
    fn project_name(&self) -> &str;
    /// The issue key.
    fn issue_key(&self) -> &str;
    /// The issue summary.
    fn issue_summary(&self) -> &str;
    /// The parent issue's key.
    fn parent_key(&self) -> Option<&str>;
    /// The parent issue's summary.
    fn parent_summary(&self) -> Option<&str>;
    /// The issue status's name.
    fn issue_status(&self) -> &str;
    /// Whether the time is billable.
    fn billable(&self) -> bool;
    /// An attribute's value.
    fn attribute(&self, key: &str) -> Option<&str>;
    /// Calls `f` with each attribute, in key order.
    fn for_each_attribute<'a>(&'a self, f: &mut dyn FnMut(&'a str, &'a str));
    /// Calls `f` with each component name.
    fn for_each_component<'a>(&'a self, f: &mut dyn FnMut(&'a str));
    /// Calls `f` with each label.
    fn for_each_label<'a>(&'a self, f: &mut dyn FnMut(&'a str));
    /// The approval state of its author's period holding it
    /// ([`crate::approval::worklog_approval_state`]).
    fn approval_state(&self) -> State;
}
