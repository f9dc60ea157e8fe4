//! The simulated Jira site: people, groups, projects, issues, worklogs.
//!
//! [`World`] is plain data with indexes; it knows nothing about HTTP. Worklogs are
//! compact structs in one vector (a worklog's id is its position plus
//! [`WORKLOG_BASE_ID`]), so a million of them fit in well under 100 MB. Deleted
//! worklogs stay in place, flagged, and leave a tombstone; an index ordered by
//! update time serves Jira's `worklog/updated` feed without a scan.
//!
//! Times are milliseconds since the Unix epoch (UTC). The site's clock is the
//! system clock unless a test freezes or shifts it ([`World::set_time`],
//! [`World::advance_time`]); every write takes a unique, increasing stamp from it.

mod access;
mod clock;
mod digest;
mod edit;
mod lookup;
mod ops;

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use chrono_tz::Tz;
use serde_json::Value;

pub(crate) use access::{Access, GlobalPerm, ProjectPerm};
pub(crate) use clock::Clock;
pub use edit::{IssueFacts, WorklogFacts};
pub(crate) use lookup::Index;
pub(crate) use ops::property_not_found;

use crate::time_tracking::TimeTracking;

/// The id of the first worklog; worklog `i` (0-based) has id `WORKLOG_BASE_ID + i`.
pub(crate) const WORKLOG_BASE_ID: u64 = 10000;

/// A person or the app.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Account {
    /// Short name used by tests and the local frame (`alice`); `app` for the app.
    pub alias: String,
    pub account_id: String,
    pub display_name: String,
    /// `alias@example.com` for people; none for the app.
    pub email: Option<String>,
    pub tz: Tz,
    /// Jira's form, such as `en_US`.
    pub locale: String,
    /// Indexes into [`World::groups`].
    pub groups: Vec<u32>,
    /// The app user (`accountType` `app`) rather than a person.
    pub app: bool,
}

/// A Jira group.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Group {
    pub name: String,
    pub id: String,
}

/// A project role (its members are set per project).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Role {
    pub id: u64,
    pub name: String,
}

/// Who holds a project permission.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Grant {
    /// Members of a group.
    Group(u32),
    /// Members of a project role in the project.
    Role(u32),
    /// The issue's reporter (an issue-level holder: it grants the permission on
    /// the issues someone reported, not on the whole project).
    Reporter,
    /// The issue's assignee (issue-level, as [`Grant::Reporter`]).
    Assignee,
}

impl Grant {
    /// Whether the holder depends on the issue (reporter, assignee).
    pub(crate) fn by_issue(self) -> bool {
        matches!(self, Grant::Reporter | Grant::Assignee)
    }
}

/// An issue security level: only its members see the issues it is set on
/// (Jira's issue-level security), whatever the project's permissions say.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SecurityLevel {
    pub id: u64,
    pub name: String,
    pub description: String,
    /// Who sees the issues at this level: groups, project roles (in the issue's
    /// project), the reporter, the assignee.
    pub members: Vec<Grant>,
}

/// A project component.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Component {
    pub id: u64,
    pub name: String,
}

/// A project version (fix version).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Version {
    pub id: u64,
    pub name: String,
    pub released: bool,
    pub release_date: Option<NaiveDate>,
}

/// A project with its permission scheme and role members.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Project {
    pub id: u64,
    pub key: String,
    pub name: String,
    /// Index into [`World::accounts`].
    pub lead: u32,
    pub components: Vec<Component>,
    pub versions: Vec<Version>,
    /// Grants per [`ProjectPerm`], indexed by `perm as usize`.
    pub grants: Vec<Vec<Grant>>,
    /// Groups in each role: `(role index, group indexes)`.
    pub role_actors: Vec<(u32, Vec<u32>)>,
}

/// An issue type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IssueType {
    Epic,
    Task,
    Story,
    Bug,
}

impl IssueType {
    /// All issue types.
    pub(crate) const ALL: [IssueType; 4] = [
        IssueType::Epic,
        IssueType::Task,
        IssueType::Story,
        IssueType::Bug,
    ];

    /// Jira's id.
    pub(crate) fn id(self) -> &'static str {
        match self {
            IssueType::Epic => "10000",
            IssueType::Task => "10001",
            IssueType::Story => "10002",
            IssueType::Bug => "10003",
        }
    }

    /// The display name.
    pub(crate) fn name(self) -> &'static str {
        match self {
            IssueType::Epic => "Epic",
            IssueType::Task => "Task",
            IssueType::Story => "Story",
            IssueType::Bug => "Bug",
        }
    }

    /// The hierarchy level: 1 for epics, 0 for standard issues.
    pub(crate) fn level(self) -> i64 {
        match self {
            IssueType::Epic => 1,
            _ => 0,
        }
    }
}

/// An issue status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    ToDo,
    InProgress,
    Done,
}

impl Status {
    /// All statuses.
    pub(crate) const ALL: [Status; 3] = [Status::ToDo, Status::InProgress, Status::Done];

    /// Jira's id.
    pub(crate) fn id(self) -> &'static str {
        match self {
            Status::ToDo => "10000",
            Status::InProgress => "3",
            Status::Done => "10001",
        }
    }

    /// The display name.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Status::ToDo => "To Do",
            Status::InProgress => "In Progress",
            Status::Done => "Done",
        }
    }

    /// The status category: id, key, colour name, name.
    pub(crate) fn category(self) -> (i64, &'static str, &'static str, &'static str) {
        match self {
            Status::ToDo => (2, "new", "blue-gray", "To Do"),
            Status::InProgress => (4, "indeterminate", "yellow", "In Progress"),
            Status::Done => (3, "done", "green", "Done"),
        }
    }
}

/// An issue with its time tracking.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Issue {
    pub id: u64,
    /// Index into [`World::projects`].
    pub project: u32,
    /// The number in the key (`ALPHA-7` → 7).
    pub num: u32,
    pub summary: String,
    pub issue_type: IssueType,
    pub status: Status,
    /// Index of the parent issue (the epic).
    pub parent: Option<u32>,
    /// Indexes into the project's components.
    pub components: Vec<u32>,
    pub labels: Vec<String>,
    /// Indexes into the project's versions.
    pub fix_versions: Vec<u32>,
    /// Original estimate, seconds.
    pub original: Option<i64>,
    /// Remaining estimate, seconds.
    pub remaining: Option<i64>,
    /// Time spent: the sum of the live worklogs, seconds.
    pub spent: i64,
    pub assignee: Option<u32>,
    pub reporter: u32,
    pub created: i64,
    pub updated: i64,
    /// Worklog indexes, in creation order (deleted ones removed).
    pub worklogs: Vec<u32>,
    /// Custom field values by field id (see [`CUSTOM_FIELDS`]), in id order.
    pub custom: Vec<(String, Value)>,
    /// Index into [`World::security_levels`]: the issue's security level.
    pub security: Option<u32>,
}

/// The custom fields of the site: id, name and Jira's schema type.
pub(crate) const CUSTOM_FIELDS: &[(&str, &str, &str)] = &[
    ("customfield_10100", "Account", "option"),
    ("customfield_10101", "Story Points", "number"),
];

/// Who may see a worklog, besides people who may edit all worklogs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Visibility {
    /// Everyone who can browse the issue.
    All,
    /// Members of a group (index into [`World::groups`]).
    Group(u32),
    /// Members of a project role (index into [`World::roles`]).
    Role(u32),
}

/// A worklog, kept compact: a million of them are a normal load test.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Worklog {
    pub issue: u32,
    pub author: u32,
    pub update_author: u32,
    pub seconds: u32,
    pub started: i64,
    pub created: i64,
    pub updated: i64,
    /// Index into [`World::comments`].
    pub comment: Option<u32>,
    pub visibility: Visibility,
    pub deleted: bool,
}

/// The whole state of a simulated Jira Cloud site.
///
/// Build one with [`World::demo`] or [`World::generate`], hand it to
/// [`Sim::new`](crate::Sim::new), and reach it again with
/// [`Sim::with_world`](crate::Sim::with_world).
#[derive(Debug, Clone, PartialEq)]
pub struct World {
    pub(crate) accounts: Vec<Account>,
    pub(crate) groups: Vec<Group>,
    pub(crate) roles: Vec<Role>,
    pub(crate) projects: Vec<Project>,
    pub(crate) issues: Vec<Issue>,
    pub(crate) worklogs: Vec<Worklog>,
    /// Worklog comments as ADF documents.
    pub(crate) comments: Vec<Value>,
    /// Worklog properties by worklog id, in key order.
    pub(crate) properties: BTreeMap<u64, Vec<(String, Value)>>,
    /// `(updated, worklog id)` of every live worklog.
    pub(crate) updated_index: BTreeSet<(i64, u64)>,
    /// `(deleted at, worklog id)`, in deletion order.
    pub(crate) tombstones: Vec<(i64, u64)>,
    pub(crate) config: TimeTracking,
    /// Global permissions and the groups holding them.
    pub(crate) global_grants: Vec<(GlobalPerm, Vec<u32>)>,
    pub(crate) clock: Clock,
    /// The last stamp handed out; stamps are unique and increasing.
    pub(crate) last_stamp: i64,
    /// Index of the app user in `accounts`.
    pub(crate) app_account: u32,
    pub(crate) index: Index,
    /// What Atlassian's personal data reporting API knows of accounts (by
    /// index in `accounts`): closed, or their profile changed. Absent: active
    /// and unchanged.
    pub(crate) personal: BTreeMap<u32, Personal>,
    /// The site's issue security levels (one scheme for every project).
    pub(crate) security_levels: Vec<SecurityLevel>,
}

/// An account's state as Atlassian's personal data reporting API reports it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Personal {
    /// The account was closed: apps must erase what they store about it.
    pub closed: bool,
    /// When its profile (name, e-mail, avatar) last changed, epoch milliseconds.
    pub updated_ms: Option<i64>,
    /// An administrator deactivated the account: it stays on the site (its
    /// worklogs keep it as author, `active: false`), but it can no longer
    /// authenticate, so no one can act as it (Forge's offline impersonation of
    /// it fails too).
    pub deactivated: bool,
}

impl World {
    /// Whether the account (index in `accounts`) was deactivated.
    pub(crate) fn is_deactivated(&self, account: u32) -> bool {
        self.personal.get(&account).is_some_and(|p| p.deactivated)
    }

    /// The account id of the person with this alias (`alice`), or of the app user
    /// for `app`.
    pub fn account_id(&self, alias: &str) -> Option<&str> {
        let i = *self.index.account_by_alias.get(alias)?;
        Some(&self.accounts[i as usize].account_id)
    }

    /// The number of live (not deleted) worklogs.
    pub fn worklog_count(&self) -> usize {
        self.updated_index.len()
    }

    /// The number of issues.
    pub fn issue_count(&self) -> usize {
        self.issues.len()
    }
}
