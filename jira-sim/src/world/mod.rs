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
mod edit;
mod ops;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::{SystemTime, UNIX_EPOCH};

use chrono::NaiveDate;
use chrono_tz::Tz;
use serde_json::{json, Value};

pub(crate) use access::{Access, GlobalPerm, ProjectPerm};
pub use edit::{IssueFacts, WorklogFacts};
pub(crate) use ops::property_not_found;

/// The id of the first worklog; worklog `i` (0-based) has id `WORKLOG_BASE_ID + i`.
pub(crate) const WORKLOG_BASE_ID: u64 = 10000;

/// How Jira formats durations (`timeFormat`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TimeFormat {
    /// `1w 2d 3h 30m`.
    Pretty,
    /// Decimal days, `7.44d`.
    Days,
    /// Decimal hours, `59.5h`.
    Hours,
}

impl TimeFormat {
    /// The name in Jira's API.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            TimeFormat::Pretty => "pretty",
            TimeFormat::Days => "days",
            TimeFormat::Hours => "hours",
        }
    }

    /// Parses the name in Jira's API.
    pub(crate) fn parse(s: &str) -> Option<TimeFormat> {
        [TimeFormat::Pretty, TimeFormat::Days, TimeFormat::Hours]
            .into_iter()
            .find(|f| f.as_str() == s)
    }
}

/// The unit of a bare number in a duration (`defaultUnit`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TimeUnit {
    Minute,
    Hour,
    Day,
    Week,
}

impl TimeUnit {
    /// The name in Jira's API.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            TimeUnit::Minute => "minute",
            TimeUnit::Hour => "hour",
            TimeUnit::Day => "day",
            TimeUnit::Week => "week",
        }
    }

    /// Parses the name in Jira's API.
    pub(crate) fn parse(s: &str) -> Option<TimeUnit> {
        [
            TimeUnit::Minute,
            TimeUnit::Hour,
            TimeUnit::Day,
            TimeUnit::Week,
        ]
        .into_iter()
        .find(|u| u.as_str() == s)
    }
}

/// The site's time tracking configuration.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TimeTracking {
    pub working_hours_per_day: f64,
    pub working_days_per_week: f64,
    pub time_format: TimeFormat,
    pub default_unit: TimeUnit,
}

impl Default for TimeTracking {
    fn default() -> TimeTracking {
        TimeTracking {
            working_hours_per_day: 8.0,
            working_days_per_week: 5.0,
            time_format: TimeFormat::Pretty,
            default_unit: TimeUnit::Minute,
        }
    }
}

impl TimeTracking {
    /// The configuration as Jira's `TimeTrackingConfiguration`.
    pub(crate) fn to_json(&self) -> Value {
        json!({
            "workingHoursPerDay": self.working_hours_per_day,
            "workingDaysPerWeek": self.working_days_per_week,
            "timeFormat": self.time_format.as_str(),
            "defaultUnit": self.default_unit.as_str(),
        })
    }
}

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

/// The site's clock: the system clock, shifted or frozen by tests.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Clock {
    offset_ms: i64,
    frozen_ms: Option<i64>,
}

impl Clock {
    fn now_ms(&self) -> i64 {
        match self.frozen_ms {
            Some(t) => t,
            None => {
                let system = SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .map(|d| d.as_millis() as i64)
                    .unwrap_or(0);
                system + self.offset_ms
            }
        }
    }
}

/// A running hash for [`World::fingerprint`].
struct Fingerprint(u64);

impl Fingerprint {
    fn num(&mut self, n: i64) -> &mut Fingerprint {
        self.0 = crate::ids::mix64(self.0 ^ (n as u64).wrapping_add(0x9e37_79b9_7f4a_7c15));
        self
    }

    fn text(&mut self, s: &str) -> &mut Fingerprint {
        self.num(crate::ids::small_hash(s) as i64)
    }
}

/// Lookup tables rebuilt from the data.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Index {
    pub issue_by_key: HashMap<String, u32>,
    pub issue_by_id: HashMap<u64, u32>,
    pub account_by_id: HashMap<String, u32>,
    pub account_by_alias: HashMap<String, u32>,
    pub account_by_email: HashMap<String, u32>,
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
}

/// An account's state as Atlassian's personal data reporting API reports it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Personal {
    /// The account was closed: apps must erase what they store about it.
    pub closed: bool,
    /// When its profile (name, e-mail, avatar) last changed, epoch milliseconds.
    pub updated_ms: Option<i64>,
}

impl World {
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

    /// The site's current time, in milliseconds since the Unix epoch.
    pub fn now_ms(&self) -> i64 {
        self.clock.now_ms()
    }

    /// Freezes the site's clock at `ms` (milliseconds since the Unix epoch).
    pub fn set_time(&mut self, ms: i64) {
        self.clock.frozen_ms = Some(ms);
    }

    /// Moves the site's clock by `ms`, frozen or not. Handy to let `worklog/updated`
    /// see changes from the last minute, which Jira leaves out.
    pub fn advance_time(&mut self, ms: i64) {
        match &mut self.clock.frozen_ms {
            Some(t) => *t += ms,
            None => self.clock.offset_ms += ms,
        }
    }

    /// Whether the clock is frozen.
    pub fn clock_frozen(&self) -> bool {
        self.clock.frozen_ms.is_some()
    }

    /// Returns to the system clock (with no shift).
    pub fn use_system_time(&mut self) {
        self.clock = Clock::default();
    }

    /// What `GET /sim/demo` returns: the people, projects, a few issues and the time
    /// tracking settings.
    pub fn summary(&self) -> Value {
        let accounts: Vec<Value> = self
            .accounts
            .iter()
            .filter(|a| !a.app)
            .map(|a| {
                json!({
                    "alias": a.alias,
                    "accountId": a.account_id,
                    "displayName": a.display_name,
                    "emailAddress": a.email,
                    "timeZone": a.tz.name(),
                    "locale": a.locale,
                    "groups": a.groups.iter().map(|&g| &self.groups[g as usize].name).collect::<Vec<_>>(),
                })
            })
            .collect();
        let app = &self.accounts[self.app_account as usize];
        let projects: Vec<Value> = self
            .projects
            .iter()
            .map(|p| json!({ "key": p.key, "name": p.name, "id": p.id.to_string() }))
            .collect();
        let mut issues = Vec::new();
        for (pi, _) in self.projects.iter().enumerate() {
            issues.extend(
                self.issues
                    .iter()
                    .filter(|i| i.project as usize == pi)
                    .take(3)
                    .map(|i| self.issue_key(i)),
            );
        }
        json!({
            "accounts": accounts,
            "app": { "alias": app.alias, "accountId": app.account_id, "displayName": app.display_name },
            "projects": projects,
            "issues": issues,
            "issueCount": self.issues.len(),
            "worklogCount": self.worklog_count(),
            "timeTracking": self.config.to_json(),
        })
    }

    /// A hash of the site's data (people, issues, worklogs, properties), stable
    /// across runs and platforms: equal worlds have equal fingerprints. For
    /// determinism checks.
    pub fn fingerprint(&self) -> u64 {
        let mut h = Fingerprint(0x6a09_e667_f3bc_c908);
        for a in &self.accounts {
            h.text(&a.alias)
                .text(&a.account_id)
                .text(&a.display_name)
                .text(a.tz.name());
            a.groups.iter().for_each(|&g| {
                h.num(i64::from(g));
            });
        }
        for i in &self.issues {
            h.text(&self.issue_key(i))
                .text(&i.summary)
                .text(i.issue_type.id())
                .text(i.status.id());
            for n in [
                i.original.unwrap_or(-1),
                i.remaining.unwrap_or(-1),
                i.spent,
                i.created,
                i.updated,
            ] {
                h.num(n);
            }
        }
        for w in &self.worklogs {
            let vis = match w.visibility {
                Visibility::All => 0,
                Visibility::Group(g) => 1 + 2 * i64::from(g),
                Visibility::Role(r) => 2 + 2 * i64::from(r),
            };
            for n in [
                i64::from(w.issue),
                i64::from(w.author),
                i64::from(w.update_author),
                i64::from(w.seconds),
                w.started,
                w.created,
                w.updated,
                w.comment.map_or(-1, i64::from),
                vis,
                i64::from(w.deleted),
            ] {
                h.num(n);
            }
        }
        for (id, props) in &self.properties {
            h.num(*id as i64);
            for (k, v) in props {
                h.text(k).text(&v.to_string());
            }
        }
        h.0
    }

    /// The key of an issue, such as `ALPHA-7`.
    pub(crate) fn issue_key(&self, issue: &Issue) -> String {
        format!(
            "{}-{}",
            self.projects[issue.project as usize].key, issue.num
        )
    }

    /// Finds an issue by key (any case) or numeric id.
    pub(crate) fn find_issue(&self, key_or_id: &str) -> Option<u32> {
        if !key_or_id.is_empty() && key_or_id.bytes().all(|b| b.is_ascii_digit()) {
            let id: u64 = key_or_id.parse().ok()?;
            return self.index.issue_by_id.get(&id).copied();
        }
        self.index
            .issue_by_key
            .get(&key_or_id.to_ascii_uppercase())
            .copied()
    }

    /// Finds an account by account id, alias or e-mail address.
    pub(crate) fn find_account(&self, who: &str) -> Option<u32> {
        self.index
            .account_by_id
            .get(who)
            .or_else(|| self.index.account_by_alias.get(who))
            .or_else(|| self.index.account_by_email.get(&who.to_ascii_lowercase()))
            .copied()
    }

    /// Finds a group by name or group id.
    pub(crate) fn find_group(&self, name_or_id: &str) -> Option<u32> {
        self.groups
            .iter()
            .position(|g| g.name == name_or_id || g.id == name_or_id)
            .map(|i| i as u32)
    }

    /// Finds a project role by name or id.
    pub(crate) fn find_role(&self, name_or_id: &str) -> Option<u32> {
        self.roles
            .iter()
            .position(|r| r.name == name_or_id || r.id.to_string() == name_or_id)
            .map(|i| i as u32)
    }

    /// Finds a project by key (any case), id or name.
    pub(crate) fn find_project(&self, key: &str) -> Option<u32> {
        self.projects
            .iter()
            .position(|p| {
                p.key.eq_ignore_ascii_case(key) || p.id.to_string() == key || p.name == key
            })
            .map(|i| i as u32)
    }

    /// The worklog with this id, deleted or not.
    pub(crate) fn worklog_by_id(&self, id: u64) -> Option<u32> {
        let i = id.checked_sub(WORKLOG_BASE_ID)?;
        (i < self.worklogs.len() as u64).then_some(i as u32)
    }

    /// The id of the worklog at index `i`.
    pub(crate) fn worklog_id(i: u32) -> u64 {
        WORKLOG_BASE_ID + u64::from(i)
    }

    /// A fresh stamp: the current time, or one millisecond after the last stamp if
    /// the clock has not moved on (or was set back).
    pub(crate) fn stamp(&mut self) -> i64 {
        let t = self.now_ms().max(self.last_stamp + 1);
        self.last_stamp = t;
        t
    }

    /// Rebuilds the lookup tables and the update index from the data.
    pub(crate) fn reindex(&mut self) {
        let mut index = Index::default();
        for (i, issue) in self.issues.iter().enumerate() {
            let key = format!(
                "{}-{}",
                self.projects[issue.project as usize].key, issue.num
            );
            index.issue_by_key.insert(key, i as u32);
            index.issue_by_id.insert(issue.id, i as u32);
        }
        for (i, a) in self.accounts.iter().enumerate() {
            index.account_by_id.insert(a.account_id.clone(), i as u32);
            index.account_by_alias.insert(a.alias.clone(), i as u32);
            if let Some(email) = &a.email {
                index
                    .account_by_email
                    .insert(email.to_ascii_lowercase(), i as u32);
            }
        }
        self.index = index;
        self.updated_index = self
            .worklogs
            .iter()
            .enumerate()
            .filter(|(_, w)| !w.deleted)
            .map(|(i, w)| (w.updated, World::worklog_id(i as u32)))
            .collect();
        let newest = self.worklogs.iter().map(|w| w.updated).max().unwrap_or(0);
        let newest_issue = self.issues.iter().map(|i| i.updated).max().unwrap_or(0);
        let newest_tomb = self.tombstones.last().map(|t| t.0).unwrap_or(0);
        self.last_stamp = self
            .last_stamp
            .max(newest)
            .max(newest_issue)
            .max(newest_tomb);
    }
}
