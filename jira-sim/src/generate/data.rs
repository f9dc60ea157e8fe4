//! The demo site's fixed content as data: its people, groups, projects, issue
//! summaries, labels and comments, and the names and zones extra people draw from
//! (see `docs/demo-world.md`).

use chrono_tz::Tz;

use crate::world::{IssueType, Status};

/// A fixed person: alias, display name, time zone, locale, groups.
pub(super) type Person = (
    &'static str,
    &'static str,
    Tz,
    &'static str,
    &'static [&'static str],
);

pub(super) const PEOPLE: [Person; 6] = [
    (
        "alice",
        "Alice Andersen",
        Tz::Europe__Berlin,
        "de_DE",
        &["team-alpha"],
    ),
    (
        "bob",
        "Bob Baker",
        Tz::America__New_York,
        "en_US",
        &["team-alpha"],
    ),
    (
        "carol",
        "Carol Chen",
        Tz::Asia__Kolkata,
        "en_IN",
        &["team-beta", "team-leads"],
    ),
    (
        "dave",
        "Dave Diaz",
        Tz::Australia__Sydney,
        "en_AU",
        &["jira-administrators"],
    ),
    (
        "erin",
        "Erin Evans",
        Tz::Europe__London,
        "en_GB",
        &["stakeholders"],
    ),
    (
        "frank",
        "Frank Fischer",
        Tz::Pacific__Kiritimati,
        "en_US",
        &["ops"],
    ),
];

pub(super) const GROUPS: [&str; 7] = [
    "jira-users",
    "jira-administrators",
    "team-alpha",
    "team-beta",
    "team-leads",
    "ops",
    "stakeholders",
];

/// A fixed project: key, name, lead, components, versions (name, released, date).
pub(super) type ProjectSpec = (
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static [(&'static str, bool, (i32, u32, u32))],
);

pub(super) const PROJECTS: [ProjectSpec; 3] = [
    (
        "ALPHA",
        "Alpha Platform",
        "alice",
        &["API", "Backend", "Web"],
        &[("1.0", true, (2026, 9, 30)), ("1.1", false, (2026, 12, 15))],
    ),
    (
        "BETA",
        "Beta Mobile",
        "carol",
        &["iOS", "Android", "Sync"],
        &[("2.0", true, (2026, 8, 31)), ("2.1", false, (2027, 1, 29))],
    ),
    (
        "OPS",
        "Operations",
        "frank",
        &["Infrastructure", "On-call"],
        &[],
    ),
];

pub(super) const ALPHA_ISSUES: [&str; 20] = [
    "Platform foundations",
    "Set up the demo workspace",
    "Design the public REST API",
    "Rate limiting for API clients",
    "Migrate sessions to the new store",
    "Login page shows a blank screen on Safari",
    "Audit log for admin actions",
    "Paginate the project list",
    "Export reports as CSV",
    "Search returns archived items",
    "Cache issue metadata",
    "Webhook retries with backoff",
    "Dark mode for the web app",
    "Slow dashboard on large sites",
    "Document the authentication flow",
    "Bulk edit for administrators",
    "Timezone bug in the weekly summary",
    "Refactor the permission checks",
    "Upgrade the build toolchain",
    "Accessibility review of forms",
];

pub(super) const BETA_ISSUES: [&str; 12] = [
    "Mobile app 2.0",
    "Offline mode for timesheets",
    "Push notifications for approvals",
    "Crash when rotating the device",
    "Sync conflicts after reconnecting",
    "Biometric login",
    "Redesign the log work screen",
    "Android widget for today's time",
    "Battery drain in background sync",
    "Localise the app into German",
    "App store screenshots",
    "Timer keeps running after logout",
];

pub(super) const OPS_ISSUES: [&str; 6] = [
    "Keep the lights on",
    "Rotate the database credentials",
    "Nightly backup verification",
    "On-call handbook",
    "Disk alerts on the build agents",
    "Certificate renewal automation",
];

pub(super) const EXTRA_SUMMARY_VERBS: [&str; 10] = [
    "Improve", "Fix", "Review", "Automate", "Document", "Speed up", "Test", "Simplify", "Monitor",
    "Clean up",
];

pub(super) const EXTRA_SUMMARY_NOUNS: [&str; 12] = [
    "the billing job",
    "error messages",
    "the settings page",
    "the import wizard",
    "report filters",
    "the release checklist",
    "notification e-mails",
    "the onboarding flow",
    "the search index",
    "audit exports",
    "the calendar view",
    "user invitations",
];

pub(super) const LABELS: [&str; 6] = [
    "backend",
    "frontend",
    "customer",
    "tech-debt",
    "security",
    "quick-win",
];

pub(super) const COMMENTS: [&str; 16] = [
    "Code review",
    "Pairing on the API design",
    "Investigated the failing tests",
    "Wrote the migration and tested it on staging",
    "Customer call about the requirements",
    "Fixed review comments",
    "Sprint planning and estimation",
    "Debugging the sync issue with logs from production",
    "Updated the documentation",
    "Refined the acceptance criteria",
    "Deployed to staging and smoke-tested",
    "Performance profiling",
    "Design discussion with the team",
    "Triaged incoming bugs",
    "Wrote unit tests",
    "Prepared the release notes",
];

pub(super) const FIRST_NAMES: [&str; 16] = [
    "Ana", "Ben", "Chloé", "Dmitri", "Emeka", "Fatima", "Giulia", "Hiro", "Ines", "Jonas", "Kavya",
    "Liam", "Mei", "Nora", "Omar", "Priya",
];

pub(super) const LAST_NAMES: [&str; 16] = [
    "Almeida",
    "Brandt",
    "Costa",
    "Dubois",
    "Eriksen",
    "Fujita",
    "García",
    "Hansen",
    "Iyer",
    "Jansen",
    "Kowalski",
    "Lindqvist",
    "Moreau",
    "Nakamura",
    "Okafor",
    "Petrov",
];

pub(super) const EXTRA_ZONES: [Tz; 10] = [
    Tz::Europe__Berlin,
    Tz::America__New_York,
    Tz::Asia__Kolkata,
    Tz::Australia__Sydney,
    Tz::Europe__London,
    Tz::America__Los_Angeles,
    Tz::Asia__Tokyo,
    Tz::America__Sao_Paulo,
    Tz::Europe__Warsaw,
    Tz::Africa__Lagos,
];

/// Fixed issue attributes by position (0 = the epic): type, status, component,
/// label, original estimate in hours.
pub(super) fn fixed_issue_shape(n: usize) -> (IssueType, Status, usize, usize, Option<i64>) {
    if n == 0 {
        return (IssueType::Epic, Status::InProgress, 0, 0, None);
    }
    // Chosen so that issue 2 (n = 1, the clean demo issue) is a Task, To Do, 1d.
    let kind = [IssueType::Bug, IssueType::Task, IssueType::Story][n % 3];
    let status = [
        Status::InProgress,
        Status::ToDo,
        Status::Done,
        Status::InProgress,
    ][n % 4];
    let hours = [12, 8, 16, 4, 24, 40, 2][n % 7];
    (kind, status, n, n, Some(hours))
}
