//! The demo site and the data generator.
//!
//! The fixed part (people, groups, roles, projects, permission schemes and the
//! first issues of each project) is exactly what `docs/demo-world.md` describes
//! and does not depend on the seed. The seed drives everything else: extra issues,
//! extra people and months of worklogs. Generation uses ChaCha8 seeded from the
//! seed and only fixed-width integer and `f64` draws, so the same seed gives the
//! same world on every run and every platform.
//!
//! Worklogs fall on each author's working days (Monday to Friday in the author's
//! time zone) in the months before 2026-11-24, on issues the author may work on,
//! and each author's day starts between 08:00 and 10:00 local time. Worklog ids
//! follow creation order, and update stamps are unique.

use chrono::{Datelike, Duration, Months, NaiveDate, NaiveTime, TimeZone, Weekday};
use chrono_tz::Tz;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{json, Value};

use crate::ids;
use crate::time_tracking::TimeTracking;
use crate::world::{
    Account, Component, GlobalPerm, Grant, Group, Issue, IssueType, Project, ProjectPerm, Role,
    Status, Version, Visibility, Worklog, World,
};

/// The last day with worklogs; the data ends before 2026-11-24.
const LAST_DAY: (i32, u32, u32) = (2026, 11, 23);

/// Options for [`World::generate`]; the defaults give the demo site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenOptions {
    /// People generated on top of the six demo people (`user0001`, …), each in
    /// `team-alpha`, `team-beta` or `ops`.
    pub extra_users: usize,
    /// Exactly this many worklogs, spread evenly over the authors' working days;
    /// `None` for a natural amount (most working days filled with one to four
    /// worklogs).
    pub worklogs: Option<usize>,
    /// Issues per project, counting the fixed ones; `None` for the fixed ones plus
    /// up to four more.
    pub issues_per_project: Option<usize>,
    /// Months of history, ending 2026-11-23.
    pub months: u32,
}

impl Default for GenOptions {
    fn default() -> GenOptions {
        GenOptions {
            extra_users: 0,
            worklogs: None,
            issues_per_project: None,
            months: 6,
        }
    }
}

/// A fixed person: alias, display name, time zone, locale, groups.
type Person = (
    &'static str,
    &'static str,
    Tz,
    &'static str,
    &'static [&'static str],
);

const PEOPLE: [Person; 6] = [
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

const GROUPS: [&str; 7] = [
    "jira-users",
    "jira-administrators",
    "team-alpha",
    "team-beta",
    "team-leads",
    "ops",
    "stakeholders",
];

/// A fixed project: key, name, lead, components, versions (name, released, date).
type ProjectSpec = (
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static [(&'static str, bool, (i32, u32, u32))],
);

const PROJECTS: [ProjectSpec; 3] = [
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

const ALPHA_ISSUES: [&str; 20] = [
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

const BETA_ISSUES: [&str; 12] = [
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

const OPS_ISSUES: [&str; 6] = [
    "Keep the lights on",
    "Rotate the database credentials",
    "Nightly backup verification",
    "On-call handbook",
    "Disk alerts on the build agents",
    "Certificate renewal automation",
];

const EXTRA_SUMMARY_VERBS: [&str; 10] = [
    "Improve", "Fix", "Review", "Automate", "Document", "Speed up", "Test", "Simplify", "Monitor",
    "Clean up",
];

const EXTRA_SUMMARY_NOUNS: [&str; 12] = [
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

const LABELS: [&str; 6] = [
    "backend",
    "frontend",
    "customer",
    "tech-debt",
    "security",
    "quick-win",
];

const COMMENTS: [&str; 16] = [
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

const FIRST_NAMES: [&str; 16] = [
    "Ana", "Ben", "Chloé", "Dmitri", "Emeka", "Fatima", "Giulia", "Hiro", "Ines", "Jonas", "Kavya",
    "Liam", "Mei", "Nora", "Omar", "Priya",
];

const LAST_NAMES: [&str; 16] = [
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

const EXTRA_ZONES: [Tz; 10] = [
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
fn fixed_issue_shape(n: usize) -> (IssueType, Status, usize, usize, Option<i64>) {
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

/// Milliseconds since the epoch of a local date and time in `tz`.
fn local_ms(tz: Tz, date: NaiveDate, minutes: u32) -> i64 {
    let naive = date.and_time(NaiveTime::MIN) + Duration::minutes(i64::from(minutes));
    tz.from_local_datetime(&naive)
        .earliest()
        // A gap in local time (spring forward): take the same wall time an hour on.
        .or_else(|| {
            tz.from_local_datetime(&(naive + Duration::hours(1)))
                .earliest()
        })
        .map(|d| d.timestamp_millis())
        .unwrap_or_else(|| naive.and_utc().timestamp_millis())
}

/// The ADF document for a plain-text comment.
pub(crate) fn adf(text: &str) -> Value {
    json!({
        "type": "doc",
        "version": 1,
        "content": [{ "type": "paragraph", "content": [{ "type": "text", "text": text }] }],
    })
}

impl World {
    /// The demo site of `docs/demo-world.md`, with worklogs generated from `seed`.
    pub fn demo(seed: u64) -> World {
        World::generate(seed, GenOptions::default())
    }

    /// A site with the demo's fixed part and data generated from `seed` as `opts`
    /// asks; use it for large datasets (a million worklogs take a few seconds).
    pub fn generate(seed: u64, opts: GenOptions) -> World {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut world = fixed_world();
        add_extra_users(&mut world, &mut rng, opts.extra_users);
        add_issues(&mut world, &mut rng, &opts);
        add_worklogs(&mut world, &mut rng, &opts);
        world.reindex();
        world
    }
}

/// Groups, roles, people, the app and the projects with their schemes.
fn fixed_world() -> World {
    let groups: Vec<Group> = GROUPS
        .iter()
        .map(|&name| Group {
            name: name.to_owned(),
            id: ids::group_id(name),
        })
        .collect();
    let g = |name: &str| GROUPS.iter().position(|&n| n == name).unwrap_or(0) as u32;
    let roles = vec![
        Role {
            id: 10002,
            name: "Administrators".to_owned(),
        },
        Role {
            id: 10001,
            name: "Developers".to_owned(),
        },
    ];
    let (administrators, developers) = (0u32, 1u32);

    let mut accounts: Vec<Account> = PEOPLE
        .iter()
        .map(|&(alias, name, tz, locale, groups)| {
            let mut gs = vec![g("jira-users")];
            gs.extend(groups.iter().map(|n| g(n)));
            Account {
                alias: alias.to_owned(),
                account_id: ids::person_account_id(alias),
                display_name: name.to_owned(),
                email: Some(format!("{alias}@example.com")),
                tz,
                locale: locale.to_owned(),
                groups: gs,
                app: false,
            }
        })
        .collect();
    let app_account = accounts.len() as u32;
    accounts.push(Account {
        alias: "app".to_owned(),
        account_id: ids::app_account_id("worklogs"),
        display_name: "Worklogs".to_owned(),
        email: None,
        tz: Tz::UTC,
        locale: "en_US".to_owned(),
        groups: Vec::new(),
        app: true,
    });
    let person = |alias: &str| PEOPLE.iter().position(|p| p.0 == alias).unwrap_or(0) as u32;

    let mut component_id = 10000;
    let mut version_id = 10000;
    let projects = PROJECTS
        .iter()
        .enumerate()
        .map(|(i, &(key, name, lead, components, versions))| {
            let ops = key == "OPS";
            let workers: Vec<Grant> = if ops {
                vec![
                    Grant::Group(g("ops")),
                    Grant::Group(g("jira-administrators")),
                ]
            } else {
                [
                    "team-alpha",
                    "team-beta",
                    "team-leads",
                    "jira-administrators",
                ]
                .iter()
                .map(|n| Grant::Group(g(n)))
                .collect()
            };
            let everyone_all: Vec<Grant> = if ops {
                vec![Grant::Group(g("jira-administrators"))]
            } else {
                vec![
                    Grant::Group(g("team-leads")),
                    Grant::Group(g("jira-administrators")),
                ]
            };
            let browse: Vec<Grant> = if ops {
                workers.clone()
            } else {
                vec![Grant::Group(g("jira-users"))]
            };
            let grants = ProjectPerm::ALL
                .iter()
                .map(|p| match p {
                    ProjectPerm::BrowseProjects => browse.clone(),
                    ProjectPerm::WorkOnIssues
                    | ProjectPerm::EditOwnWorklogs
                    | ProjectPerm::DeleteOwnWorklogs => workers.clone(),
                    ProjectPerm::EditAllWorklogs | ProjectPerm::DeleteAllWorklogs => {
                        everyone_all.clone()
                    }
                    ProjectPerm::AdministerProjects => vec![Grant::Role(administrators)],
                })
                .collect();
            let dev_groups = if ops {
                vec![g("ops")]
            } else {
                vec![g("team-alpha"), g("team-beta")]
            };
            Project {
                id: 10000 + i as u64,
                key: key.to_owned(),
                name: name.to_owned(),
                lead: person(lead),
                components: components
                    .iter()
                    .map(|&n| {
                        component_id += 1;
                        Component {
                            id: component_id - 1,
                            name: n.to_owned(),
                        }
                    })
                    .collect(),
                versions: versions
                    .iter()
                    .map(|&(n, released, (y, m, d))| {
                        version_id += 1;
                        Version {
                            id: version_id - 1,
                            name: n.to_owned(),
                            released,
                            release_date: NaiveDate::from_ymd_opt(y, m, d),
                        }
                    })
                    .collect(),
                grants,
                role_actors: vec![
                    (administrators, vec![g("jira-administrators")]),
                    (developers, dev_groups),
                ],
            }
        })
        .collect();

    World {
        accounts,
        groups,
        roles,
        projects,
        issues: Vec::new(),
        worklogs: Vec::new(),
        comments: COMMENTS.iter().map(|c| adf(c)).collect(),
        properties: Default::default(),
        updated_index: Default::default(),
        tombstones: Vec::new(),
        config: TimeTracking::default(),
        global_grants: vec![
            (GlobalPerm::Administer, vec![g("jira-administrators")]),
            (GlobalPerm::SystemAdmin, vec![g("jira-administrators")]),
            (GlobalPerm::UserPicker, vec![g("jira-users")]),
        ],
        clock: Default::default(),
        last_stamp: 0,
        app_account,
        index: Default::default(),
        personal: Default::default(),
    }
}

/// `user0001`, … in `team-alpha`, `team-beta` or `ops`.
fn add_extra_users(world: &mut World, rng: &mut ChaCha8Rng, n: usize) {
    let team = |name: &str| world.find_group(name).unwrap_or(0);
    let teams = [team("team-alpha"), team("team-beta"), team("ops")];
    let users = team("jira-users");
    for i in 1..=n {
        let alias = format!("user{i:04}");
        let first = FIRST_NAMES[rng.random_range(0..FIRST_NAMES.len() as u32) as usize];
        let last = LAST_NAMES[rng.random_range(0..LAST_NAMES.len() as u32) as usize];
        let tz = EXTRA_ZONES[rng.random_range(0..EXTRA_ZONES.len() as u32) as usize];
        let team = teams[rng.random_range(0..teams.len() as u32) as usize];
        world.accounts.push(Account {
            account_id: ids::person_account_id(&alias),
            display_name: format!("{first} {last} ({i})"),
            email: Some(format!("{alias}@example.com")),
            alias,
            tz,
            locale: "en_US".to_owned(),
            groups: vec![users, team],
            app: false,
        });
    }
}

/// The first and last day of a history of `months` months.
fn history(months: u32) -> (NaiveDate, NaiveDate) {
    let (y, m, d) = LAST_DAY;
    let last = NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default();
    let first = last
        .checked_sub_months(Months::new(months.max(1)))
        .unwrap_or(last)
        + Duration::days(1);
    (first, last)
}

/// Day number (from the Unix epoch) of `date`.
fn epoch_day(date: NaiveDate) -> i64 {
    i64::from(date.num_days_from_ce()) - 719_163
}

/// The fixed issues of each project, then generated ones.
fn add_issues(world: &mut World, rng: &mut ChaCha8Rng, opts: &GenOptions) {
    let day_ms = 86_400_000i64;
    // Issues are created in the month before the history starts.
    let first_day = epoch_day(history(opts.months).0) - 31;
    let per_project = opts.issues_per_project;
    let mut next_id = 10001u64;
    for p in 0..world.projects.len() {
        let fixed: &[&str] = match p {
            0 => &ALPHA_ISSUES,
            1 => &BETA_ISSUES,
            _ => &OPS_ISSUES,
        };
        let count = per_project
            .unwrap_or_else(|| fixed.len() + rng.random_range(0..=4u32) as usize)
            .max(fixed.len());
        let project = &world.projects[p];
        let (n_components, n_versions) = (project.components.len(), project.versions.len());
        let lead = project.lead;
        let epic_idx = world.issues.len() as u32;
        for n in 0..count {
            let (issue_type, status, component, label, hours, summary) = if n < fixed.len() {
                let (t, s, c, l, h) = fixed_issue_shape(n);
                (t, s, c, l, h, fixed[n].to_owned())
            } else {
                let t = [IssueType::Task, IssueType::Story, IssueType::Bug]
                    [rng.random_range(0..3u32) as usize];
                let s = Status::ALL[rng.random_range(0..3u32) as usize];
                let verb = EXTRA_SUMMARY_VERBS[rng.random_range(0..10u32) as usize];
                let noun = EXTRA_SUMMARY_NOUNS[rng.random_range(0..12u32) as usize];
                let hours = [2, 4, 8, 16, 24, 40][rng.random_range(0..6u32) as usize];
                let c = rng.random_range(0..16u32) as usize;
                let l = rng.random_range(0..16u32) as usize;
                (t, s, c, l, Some(hours), format!("{verb} {noun}"))
            };
            let created =
                (first_day + (n as i64 % 30)) * day_ms + 9 * 3_600_000 + n as i64 * 60_000;
            let original = hours.map(|h| h * 3600);
            world.issues.push(Issue {
                id: next_id,
                project: p as u32,
                num: n as u32 + 1,
                summary,
                issue_type,
                status,
                parent: (n > 0).then_some(epic_idx),
                components: if n > 0 && n_components > 0 {
                    vec![(component % n_components) as u32]
                } else {
                    Vec::new()
                },
                labels: if n > 0 && label % 3 != 2 {
                    vec![LABELS[label % LABELS.len()].to_owned()]
                } else {
                    Vec::new()
                },
                fix_versions: if n > 0 && n_versions > 0 && n % 2 == 0 {
                    vec![((n / 2) % n_versions) as u32]
                } else {
                    Vec::new()
                },
                original,
                remaining: original,
                spent: 0,
                assignee: (n > 0).then_some(lead),
                reporter: lead,
                created,
                updated: created,
                worklogs: Vec::new(),
                custom: custom_fields(next_id, issue_type),
            });
            next_id += 1;
        }
    }
    world.reindex();
}

/// The values of the site's custom fields for an issue, derived from its id (not
/// drawn from the seeded generator, so adding them changed no other data): every
/// issue but an epic has an `Account`, stories have `Story Points`.
fn custom_fields(id: u64, issue_type: IssueType) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    if issue_type == IssueType::Epic {
        return out;
    }
    let h = ids::mix64(id ^ 0x00c0_ffee);
    let (option_id, account) = [
        ("10200", "Internal"),
        ("10201", "Client A"),
        ("10202", "Client B"),
    ][(h % 3) as usize];
    out.push((
        "customfield_10100".to_owned(),
        json!({ "id": option_id, "value": account }),
    ));
    if issue_type == IssueType::Story {
        out.push((
            "customfield_10101".to_owned(),
            json!([1, 2, 3, 5, 8, 13][((h >> 8) % 6) as usize]),
        ));
    }
    out
}

/// The `worklogs.attributes` property of generated worklog `i`, derived from its
/// index (not drawn from the seeded generator): about a quarter of the worklogs
/// carry one, as the app would have set it.
fn worklog_attributes(i: usize) -> Option<Value> {
    let h = ids::mix64(i as u64 ^ 0x0a77_1b5e);
    if !h.is_multiple_of(4) {
        return None;
    }
    let work_type = ["development", "review", "meeting", "support"][((h >> 8) % 4) as usize];
    Some(json!({ "billable": !(h >> 16).is_multiple_of(3), "workType": work_type }))
}

/// Months of worklogs; see the module documentation.
fn add_worklogs(world: &mut World, rng: &mut ChaCha8Rng, opts: &GenOptions) {
    let (first, last) = history(opts.months);
    let days: Vec<NaiveDate> = first
        .iter_days()
        .take_while(|d| *d <= last)
        .filter(|d| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun))
        .collect();
    // Nothing may be created or updated on or after 2026-11-24 (UTC).
    let limit = epoch_day(last + Duration::days(1)) * 86_400_000 - 3_600_000;

    // Authors: everyone (but the app) who may work on issues somewhere, with the
    // issues they may log work on.
    let clean = world.find_issue("ALPHA-2");
    let developers = world.find_role("Developers");
    let leads = world.find_group("team-leads");
    let mut authors = Vec::new();
    for (a, acc) in world.accounts.iter().enumerate() {
        if acc.app {
            continue;
        }
        let access = world.access(a as u32);
        let pool: Vec<u32> = world
            .issues
            .iter()
            .enumerate()
            .filter(|(i, is)| {
                access.has(is.project, ProjectPerm::WorkOnIssues)
                    && Some(*i as u32) != clean
                    && is.issue_type != IssueType::Epic
            })
            .map(|(i, _)| i as u32)
            .collect();
        if !pool.is_empty() {
            authors.push((a as u32, access, pool));
        }
    }

    let slots = (authors.len() * days.len()).max(1);
    let mut logs: Vec<Worklog> = Vec::with_capacity(opts.worklogs.unwrap_or(slots * 3));
    let mut slot = 0usize;
    for (author, access, pool) in &authors {
        let tz = world.accounts[*author as usize].tz;
        for &day in &days {
            let k = match opts.worklogs {
                // An even spread: slot s gets floor((s+1)N/S) - floor(sN/S).
                Some(n) => ((slot + 1) * n / slots - slot * n / slots) as u32,
                None => {
                    if rng.random_bool(0.08) {
                        0
                    } else {
                        [1, 2, 2, 3, 3, 4][rng.random_range(0..6u32) as usize]
                    }
                }
            };
            slot += 1;
            if k == 0 {
                continue;
            }
            // The day: start between 08:00 and 10:00, 6 to 8.5 hours of work in
            // quarter hours, cut into k parts.
            let mut minute = 8 * 60 + 15 * rng.random_range(0..=8u32);
            let quarters = rng.random_range(24..=34u32).max(k);
            let mut cuts: Vec<u32> = (0..k - 1)
                .map(|_| rng.random_range(1..quarters.max(2)))
                .collect();
            cuts.sort_unstable();
            let mut prev = 0;
            for i in 0..k {
                let end = if i + 1 == k {
                    quarters
                } else {
                    cuts[i as usize]
                };
                let q = end.saturating_sub(prev).max(1);
                prev = end.max(prev);
                // With many worklogs per day (load tests) a quarter hour each would
                // not fit: fall back to what does.
                let seconds = if k > quarters {
                    (quarters * 900 / k).max(60)
                } else {
                    q * 900
                };
                let started = local_ms(tz, day, minute);
                minute += seconds.div_ceil(60);
                let issue = pool[rng.random_range(0..pool.len() as u32) as usize];
                let project = world.issues[issue as usize].project;
                let created = (started
                    + i64::from(seconds) * 1000
                    + i64::from(rng.random_range(0..7_200_000u32)))
                .min(limit);
                let roll = rng.random_range(0..100u32);
                let visibility = match (roll, developers, leads) {
                    (0..=3, Some(r), _) if access.in_role(project, r) => Visibility::Role(r),
                    (4..=6, _, Some(g)) if access.in_group(g) => Visibility::Group(g),
                    _ => Visibility::All,
                };
                let comment = rng
                    .random_bool(0.4)
                    .then(|| rng.random_range(0..COMMENTS.len() as u32));
                let updated = if rng.random_bool(0.03) {
                    (created + i64::from(rng.random_range(3_600_000..432_000_000u32))).min(limit)
                } else {
                    created
                };
                logs.push(Worklog {
                    issue,
                    author: *author,
                    update_author: *author,
                    seconds,
                    started,
                    created,
                    updated,
                    comment,
                    visibility,
                    deleted: false,
                });
            }
        }
    }

    // Ids follow creation order; creation and update stamps are unique.
    logs.sort_by_key(|w| w.created);
    let mut prev = i64::MIN;
    for w in &mut logs {
        w.created = w.created.max(prev + 1);
        prev = w.created;
        w.updated = w.updated.max(w.created);
    }
    let mut order: Vec<u32> = (0..logs.len() as u32).collect();
    order.sort_by_key(|&i| (logs[i as usize].updated, i));
    let mut prev = i64::MIN;
    for &i in &order {
        let w = &mut logs[i as usize];
        w.updated = w.updated.max(prev + 1);
        prev = w.updated;
    }

    for (i, w) in logs.iter().enumerate() {
        let issue = &mut world.issues[w.issue as usize];
        issue.worklogs.push(i as u32);
        issue.spent += i64::from(w.seconds);
        issue.updated = issue.updated.max(w.updated);
    }
    for issue in &mut world.issues {
        issue.remaining = issue.original.map(|o| (o - issue.spent).max(0));
    }
    for i in 0..logs.len() {
        if let Some(value) = worklog_attributes(i) {
            world.properties.insert(
                World::worklog_id(i as u32),
                vec![("worklogs.attributes".to_owned(), value)],
            );
        }
    }
    world.worklogs = logs;
}
