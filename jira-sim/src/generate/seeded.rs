//! The seeded part of a site: extra people, extra issues and months of
//! worklogs, drawn from ChaCha8 so that a seed gives the same world everywhere.

use chrono::{Datelike, Duration, Months, NaiveDate, Weekday};
use rand::RngExt;
use rand_chacha::ChaCha8Rng;
use serde_json::{json, Value};

use super::data::{
    fixed_issue_shape, ALPHA_ISSUES, BETA_ISSUES, COMMENTS, EXTRA_SUMMARY_NOUNS,
    EXTRA_SUMMARY_VERBS, EXTRA_ZONES, FIRST_NAMES, LABELS, LAST_NAMES, OPS_ISSUES,
};
use super::{local_ms, GenOptions, LAST_DAY};
use crate::ids;
use crate::world::{Account, Issue, IssueType, ProjectPerm, Status, Visibility, Worklog, World};

/// `user0001`, … in `team-alpha`, `team-beta` or `ops`.
pub(super) fn add_extra_users(world: &mut World, rng: &mut ChaCha8Rng, n: usize) {
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
pub(super) fn history(months: u32) -> (NaiveDate, NaiveDate) {
    let (y, m, d) = LAST_DAY;
    let last = NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default();
    let first = last
        .checked_sub_months(Months::new(months.max(1)))
        .unwrap_or(last)
        + Duration::days(1);
    (first, last)
}

/// Day number (from the Unix epoch) of `date`.
pub(super) fn epoch_day(date: NaiveDate) -> i64 {
    i64::from(date.num_days_from_ce()) - 719_163
}

/// The fixed issues of each project, then generated ones.
pub(super) fn add_issues(world: &mut World, rng: &mut ChaCha8Rng, opts: &GenOptions) {
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
                security: None,
            });
            next_id += 1;
        }
    }
    world.reindex();
}

/// The values of the site's custom fields for an issue, derived from its id (not
/// drawn from the seeded generator, so adding them changed no other data): every
/// issue but an epic has an `Account`, stories have `Story Points`.
pub(super) fn custom_fields(id: u64, issue_type: IssueType) -> Vec<(String, Value)> {
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
pub(super) fn worklog_attributes(i: usize) -> Option<Value> {
    let h = ids::mix64(i as u64 ^ 0x0a77_1b5e);
    if !h.is_multiple_of(4) {
        return None;
    }
    let work_type = ["development", "review", "meeting", "support"][((h >> 8) % 4) as usize];
    Some(json!({ "billable": !(h >> 16).is_multiple_of(3), "workType": work_type }))
}

/// What a person does in the app when a demo site starts, so that the app's
/// own data matches the demo world: `(alias, operation, input)`, in order. The
/// demo's worklogs carry attributes ([`worklog_attributes`]), so their
/// definitions are saved, by the administrator.
pub fn demo_app_setup() -> Vec<(&'static str, &'static str, Value)> {
    vec![(DEMO_ADMIN, "attribute.save", demo_attribute_definitions())]
}

/// The worklog attribute definitions that describe what [`worklog_attributes`]
/// writes, as `attribute.save` takes them.
pub fn demo_attribute_definitions() -> Value {
    json!({ "attributes": [
        { "key": "billable", "name": "Billable", "type": "boolean" },
        { "key": "work_type", "name": "Work type", "type": "select",
          "options": ["development", "review", "meeting", "support"] }
    ] })
}

/// The demo person who administers Jira.
pub const DEMO_ADMIN: &str = "dave";

/// Months of worklogs; see the module documentation.
pub(super) fn add_worklogs(world: &mut World, rng: &mut ChaCha8Rng, opts: &GenOptions) {
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
