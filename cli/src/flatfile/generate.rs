//! A realistic, deterministic flat export for demos, tests and benchmarks.
//!
//! The world: 200 people in six time zones, each on one to three home projects; 20
//! projects with components; 5,000 issues (epics, stories, tasks, bugs, sub-tasks;
//! parents, statuses, labels). Worklogs spread over one calendar year, mostly on
//! working days in the author's working hours in their own zone (some late at night,
//! so the export's local date differs from the UTC date), mostly in quarter hours;
//! attributes `work_type` and `account`; comments that are empty or short, and some
//! with commas, quotes, newlines, non-ASCII text and formula-looking text
//! (`=HYPERLINK(…)`, `+49…`, `-1`, `@channel`). The same seed gives the same bytes.

use std::io::{BufWriter, Write};

use chrono::{Datelike, Days, NaiveDate, NaiveTime, Weekday};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use worklogs_core::approval::State;
use worklogs_core::calendar::{from_local, Disambiguation, Instant, Zone};
use worklogs_core::duration::Seconds;
use worklogs_core::export::flat::{FlatRow, FlatSchema};
use worklogs_core::export::{self, ExportFormat, ExportOptions, Exporter, Totals};

use super::Error;

/// What to generate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GenerateOptions {
    /// How many worklogs.
    pub worklogs: u64,
    /// The random seed.
    pub seed: u64,
    /// The zone of the export's `local_date` column.
    pub zone: Zone,
    /// The calendar year the worklogs fall in.
    pub year: i32,
    /// Export options (CSV by default; any format works).
    pub export: ExportOptions,
}

impl GenerateOptions {
    /// `worklogs` worklogs from `seed`, in 2025, with `local_date` in Europe/Berlin,
    /// as CSV.
    pub fn new(worklogs: u64, seed: u64) -> Self {
        GenerateOptions {
            worklogs,
            seed,
            zone: Zone::parse("Europe/Berlin").unwrap_or(Zone::UTC),
            year: 2025,
            export: ExportOptions::new(ExportFormat::Csv),
        }
    }
}

/// Writes `worklogs` generated worklogs from `seed` as a flat CSV export (see the
/// module docs). This is what `worklogs demo-data --worklogs N --seed S --out
/// FILE.csv` calls.
///
/// # Errors
///
/// I/O errors of `writer`.
///
/// # Example
///
/// ```
/// let mut a = Vec::new();
/// let mut b = Vec::new();
/// worklogs_cli::flatfile::generate(50, 42, &mut a)?;
/// worklogs_cli::flatfile::generate(50, 42, &mut b)?;
/// assert_eq!(a, b);
/// assert!(String::from_utf8(a).unwrap().starts_with("worklog_id,issue_id,issue_key,"));
/// # Ok::<(), worklogs_cli::flatfile::Error>(())
/// ```
pub fn generate<W: Write>(worklogs: u64, seed: u64, writer: W) -> Result<(), Error> {
    generate_with(&GenerateOptions::new(worklogs, seed), writer)
}

const FIRST: [&str; 24] = [
    "Anna", "Ben", "Chloé", "David", "Elif", "Farid", "Grace", "Hiro", "Ingrid", "José", "Kavya",
    "Liam", "Mei", "Noah", "Olga", "Priya", "Quentin", "Rosa", "Sven", "Tomás", "Uma", "Viktor",
    "Wen", "Zoë",
];
const LAST: [&str; 20] = [
    "Müller",
    "Smith",
    "Dubois",
    "García",
    "Kowalski",
    "Nakamura",
    "Rossi",
    "Singh",
    "O'Brien",
    "Johansson",
    "Novák",
    "Silva",
    "Chen",
    "Yılmaz",
    "Kim",
    "Andersen",
    "Fischer",
    "Lopez",
    "Ivanova",
    "Okafor",
];
const ZONES: [(&str, u32); 6] = [
    ("Europe/Berlin", 50),
    ("Europe/London", 15),
    ("America/New_York", 15),
    ("Asia/Kolkata", 10),
    ("America/Los_Angeles", 6),
    ("Australia/Sydney", 4),
];
const PROJECTS: [(&str, &str); 20] = [
    ("WEB", "Website"),
    ("API", "Public API"),
    ("OPS", "Operations"),
    ("MOB", "Mobile app"),
    ("DATA", "Data platform"),
    ("SEC", "Security"),
    ("INF", "Infrastructure"),
    ("CRM", "CRM integration"),
    ("ERP", "ERP, finance & billing"),
    ("HR", "People tools"),
    ("FIN", "Finance reporting"),
    ("QA", "Quality \"assurance\""),
    ("DOC", "Documentation"),
    ("UX", "Design system"),
    ("ML", "Recommendations"),
    ("PAY", "Payments"),
    ("AUTH", "Identity"),
    ("SRCH", "Search"),
    ("NOTE", "Notifications"),
    ("SUP", "Customer support"),
];
const COMPONENTS: [&str; 12] = [
    "Backend",
    "Frontend",
    "API",
    "Database",
    "UI, UX",
    "Billing \"v2\"",
    "Mobile",
    "Infrastructure",
    "Reporting",
    "Auth",
    "Search",
    "Émails",
];
const LABELS: [&str; 10] = [
    "backend",
    "frontend",
    "urgent",
    "tech-debt",
    "customer",
    "q1",
    "q2",
    "security",
    "performance",
    "needs-review",
];
const TYPES: [&str; 4] = ["Story", "Task", "Bug", "Sub-task"];
const STATUSES: [&str; 5] = ["To Do", "In Progress", "In Review", "Done", "Done"];
const VERBS: [&str; 10] = [
    "Fix",
    "Add",
    "Refactor",
    "Migrate",
    "Document",
    "Investigate",
    "Remove",
    "Speed up",
    "Redesign",
    "Test",
];
const NOUNS: [&str; 14] = [
    "login flow",
    "invoice export",
    "search index",
    "payment retries",
    "user settings",
    "CSV import, again",
    "\"Save\" button",
    "dashboard widgets",
    "rate limits",
    "audit log",
    "mobile onboarding",
    "e-mail templates",
    "caching layer",
    "SSO (SAML)",
];
const WORK_TYPES: [&str; 6] = [
    "development",
    "review",
    "meeting",
    "support",
    "design",
    "testing",
];
const COMMENTS: [&str; 16] = [
    "Worked on the ticket",
    "Code review, left comments",
    "Pairing with the team",
    "Call with customer, discussed \"next steps\"",
    "Fixed failing tests\nDeployed to staging",
    "Überprüfung der Änderungen ✓",
    "Investigated the issue; root cause: cache",
    "Sprint planning",
    "Wrote docs, see \"How to\" page",
    "Reproduced, then fixed, then verified",
    "Stand-up and follow-ups",
    "Performance profiling\n- first pass\n- second pass",
    "Merged PR #1234",
    "Meeting notes: budget, timeline, risks",
    "日本語のコメント",
    "Support ticket, customer said: \"it works now\"",
];
/// Comments that a spreadsheet would run as formulas if not neutralised.
const RISKY: [&str; 6] = [
    "=HYPERLINK(\"http://example.com\",\"click\")",
    "+49 30 1234567 called back",
    "-1 regression fixed",
    "@channel deploy done",
    "=1+1",
    "\tindented note",
];

struct Person {
    account_id: String,
    name: String,
    zone: Zone,
    projects: Vec<usize>,
}

struct Project {
    id: String,
    key: &'static str,
    name: &'static str,
    components: Vec<&'static str>,
    issues: Vec<usize>,
    billable: f64,
}

struct Issue {
    id: String,
    key: String,
    summary: String,
    kind: &'static str,
    status: &'static str,
    parent: Option<usize>,
    project: usize,
    components: Vec<String>,
    labels: Vec<String>,
}

fn pick(rng: &mut ChaCha8Rng, n: usize) -> usize {
    rng.random_range(0..n.max(1) as u32) as usize
}

/// An index skewed towards the start: a few busy people and hot issues.
fn skewed(rng: &mut ChaCha8Rng, n: usize) -> usize {
    let x: f64 = rng.random::<f64>();
    ((x * x * n as f64) as usize).min(n.saturating_sub(1))
}

fn hex(rng: &mut ChaCha8Rng, digits: usize) -> String {
    (0..digits)
        .map(|_| char::from_digit(rng.random_range(0..16_u32), 16).unwrap_or('0'))
        .collect()
}

struct World {
    people: Vec<Person>,
    projects: Vec<Project>,
    issues: Vec<Issue>,
}

fn world(rng: &mut ChaCha8Rng) -> World {
    let total_weight: u32 = ZONES.iter().map(|(_, w)| w).sum();
    let people = (0..200)
        .map(|i| {
            let mut roll = rng.random_range(0..total_weight);
            let zone = ZONES
                .iter()
                .find(|(_, w)| {
                    let hit = roll < *w;
                    roll = roll.saturating_sub(*w);
                    hit
                })
                .map_or("UTC", |(z, _)| z);
            let account_id = if i % 10 == 9 {
                format!("712020:{}-{}-{}", hex(rng, 8), hex(rng, 4), hex(rng, 12))
            } else {
                hex(rng, 24)
            };
            let home = 1 + pick(rng, 3);
            Person {
                account_id,
                name: format!(
                    "{} {}",
                    FIRST[pick(rng, FIRST.len())],
                    LAST[pick(rng, LAST.len())]
                ),
                zone: Zone::parse(zone).unwrap_or(Zone::UTC),
                projects: (0..home).map(|_| skewed(rng, PROJECTS.len())).collect(),
            }
        })
        .collect();
    let mut projects: Vec<Project> = PROJECTS
        .iter()
        .enumerate()
        .map(|(i, (key, name))| Project {
            id: (10_000 + i).to_string(),
            key,
            name,
            components: (0..pick(rng, 5))
                .map(|_| COMPONENTS[pick(rng, COMPONENTS.len())])
                .collect(),
            issues: Vec::new(),
            billable: [0.9, 0.6, 0.3][i % 3],
        })
        .collect();
    let mut issues: Vec<Issue> = Vec::with_capacity(5000);
    let mut numbers = vec![0_u32; projects.len()];
    for i in 0..5000 {
        let project = skewed(rng, projects.len());
        numbers[project] += 1;
        let key = format!("{}-{}", projects[project].key, numbers[project]);
        let in_project = &projects[project].issues;
        let epics: Vec<usize> = in_project
            .iter()
            .copied()
            .filter(|&j| issues[j].kind == "Epic")
            .collect();
        let (kind, parent) = if numbers[project] <= 3 || rng.random_bool(0.03) {
            ("Epic", None)
        } else {
            let kind = TYPES[pick(rng, TYPES.len())];
            let parent = if kind == "Sub-task" {
                let stories: Vec<usize> = in_project
                    .iter()
                    .copied()
                    .filter(|&j| issues[j].kind == "Story")
                    .collect();
                (!stories.is_empty()).then(|| stories[pick(rng, stories.len())])
            } else if !epics.is_empty() && rng.random_bool(0.6) {
                Some(epics[pick(rng, epics.len())])
            } else {
                None
            };
            (
                if kind == "Sub-task" && parent.is_none() {
                    "Task"
                } else {
                    kind
                },
                parent,
            )
        };
        let components = &projects[project].components;
        let mut labels: Vec<String> = (0..pick(rng, 4))
            .map(|_| LABELS[pick(rng, LABELS.len())].to_owned())
            .collect();
        labels.sort();
        labels.dedup();
        let mut chosen: Vec<String> = if components.is_empty() {
            Vec::new()
        } else {
            (0..pick(rng, 3))
                .map(|_| components[pick(rng, components.len())].to_owned())
                .collect()
        };
        chosen.sort();
        chosen.dedup();
        issues.push(Issue {
            id: (20_000 + i).to_string(),
            summary: format!(
                "{} {}",
                VERBS[pick(rng, VERBS.len())],
                NOUNS[pick(rng, NOUNS.len())]
            ),
            key,
            kind,
            status: STATUSES[pick(rng, STATUSES.len())],
            parent,
            project,
            components: chosen,
            labels,
        });
        projects[project].issues.push(i);
    }
    World {
        people,
        projects,
        issues,
    }
}

/// Writes generated worklogs as `options` says (see the module docs).
///
/// # Errors
///
/// I/O errors of `writer`; a core error for XLSX past Excel's row limit.
///
/// # Example
///
/// ```
/// use worklogs_core::export::{ExportFormat, ExportOptions};
/// use worklogs_cli::flatfile::GenerateOptions;
/// let options = GenerateOptions { export: ExportOptions::new(ExportFormat::Ndjson), ..GenerateOptions::new(5, 1) };
/// let mut out = Vec::new();
/// worklogs_cli::flatfile::generate_with(&options, &mut out)?;
/// assert_eq!(String::from_utf8(out).unwrap().lines().count(), 5);
/// # Ok::<(), worklogs_cli::flatfile::Error>(())
/// ```
pub fn generate_with<W: Write>(options: &GenerateOptions, writer: W) -> Result<(), Error> {
    generate_with_progress(options, writer, |_| {})
}

/// As [`generate_with`], calling `progress` with the number of worklogs written
/// so far after each mebibyte of output and at the end (for a progress bar).
///
/// # Errors
///
/// As [`generate_with`].
pub fn generate_with_progress<W: Write>(
    options: &GenerateOptions,
    writer: W,
    mut progress: impl FnMut(u64),
) -> Result<(), Error> {
    let mut rng = ChaCha8Rng::seed_from_u64(options.seed);
    let world = world(&mut rng);
    let schema = FlatSchema::new(options.zone, ["account", "work_type"], 2)?;
    let mut exporter: Box<dyn Exporter> =
        export::exporter(&options.export, schema.columns().to_vec())?;
    let mut writer = BufWriter::with_capacity(1 << 20, writer);
    let mut out = Vec::with_capacity(1 << 21);
    let mut encoded = Vec::new();
    exporter.begin(&mut out)?;
    let first = NaiveDate::from_ymd_opt(options.year, 1, 1).unwrap_or_default();
    let days = NaiveDate::from_ymd_opt(options.year.saturating_add(1), 1, 1)
        .unwrap_or_default()
        .signed_duration_since(first)
        .num_days()
        .max(1) as u64;
    for n in 0..options.worklogs {
        let row = worklog(&mut rng, &world, options, first, days, n)?;
        let cells = schema.cells(&row)?;
        encoded.clear();
        exporter.encode_row(&cells, &mut encoded)?;
        exporter.write_row(&cells, &encoded, &mut out)?;
        if out.len() >= 1 << 20 {
            writer.write_all(&out)?;
            out.clear();
            progress(n + 1);
        }
    }
    exporter.finish(Totals::Formulas, &mut out)?;
    writer.write_all(&out)?;
    writer.flush()?;
    progress(options.worklogs);
    Ok(())
}

fn worklog(
    rng: &mut ChaCha8Rng,
    world: &World,
    options: &GenerateOptions,
    first: NaiveDate,
    days: u64,
    n: u64,
) -> Result<FlatRow, Error> {
    // Dates advance with n, so the file is in rough date order, as an export is.
    let offset = n.saturating_mul(days) / options.worklogs.max(1);
    let mut date = first + Days::new(offset);
    if matches!(date.weekday(), Weekday::Sat | Weekday::Sun) && rng.random_bool(0.85) {
        let back = if date.weekday() == Weekday::Sat { 1 } else { 2 };
        date = date - Days::new(back);
    }
    let person = &world.people[skewed(rng, world.people.len())];
    let project_index = if rng.random_bool(0.85) {
        person.projects[pick(rng, person.projects.len())]
    } else {
        pick(rng, world.projects.len())
    };
    let project = &world.projects[project_index];
    let issue = &world.issues[if project.issues.is_empty() {
        pick(rng, world.issues.len())
    } else {
        project.issues[skewed(rng, project.issues.len())]
    }];
    let project = &world.projects[issue.project];
    let (hour, minute) = if rng.random_bool(0.02) {
        ((22 + pick(rng, 5) as u32) % 24, 15 * pick(rng, 4) as u32)
    } else {
        (7 + pick(rng, 11) as u32, 15 * pick(rng, 4) as u32)
    };
    let local = date.and_time(NaiveTime::from_hms_opt(hour, minute, 0).unwrap_or_default());
    let started = from_local(local, person.zone, Disambiguation::default())?;
    let roll: f64 = rng.random::<f64>();
    let seconds = if roll < 0.85 {
        900 * (1 + pick(rng, 16) as u64)
    } else if roll < 0.95 {
        60 * (1 + pick(rng, 240) as u64)
    } else {
        1 + pick(rng, 20_000) as u64
    };
    let billable = rng.random_bool(project.billable);
    let mut attributes = std::collections::BTreeMap::new();
    attributes.insert(
        "work_type".to_owned(),
        WORK_TYPES[skewed(rng, WORK_TYPES.len())].to_owned(),
    );
    if billable || rng.random_bool(0.2) {
        attributes.insert(
            "account".to_owned(),
            format!("ACC-{:03}", 100 + issue.project * 7 + pick(rng, 3)),
        );
    }
    let comment = match rng.random_range(0..100_u32) {
        0..=39 => String::new(),
        40 => RISKY[pick(rng, RISKY.len())].to_owned(),
        41..=44 => format!("{}: {}", issue.key, issue.summary),
        _ => COMMENTS[pick(rng, COMMENTS.len())].to_owned(),
    };
    let updated = Instant::from_millis(
        started.millis()
            + (seconds as i64) * 1000
            + i64::from(rng.random_range(0..259_200_u32)) * 1000,
    );
    let parent = issue.parent.map(|p| &world.issues[p]);
    // Weeks are approved but the last two: the one before last submitted,
    // the last open (the same for every person, as a team that reviews
    // weekly).
    let week = |d: NaiveDate| {
        d.num_days_from_ce() - i32::try_from(d.weekday().num_days_from_monday()).unwrap_or(0)
    };
    let last = first + Days::new(days.saturating_sub(1));
    let approval_state = match (week(last) - week(date)) / 7 {
        0 => State::Open,
        1 => State::Submitted,
        _ => State::Approved,
    };
    Ok(FlatRow {
        worklog_id: (100_000 + n).to_string(),
        issue_id: issue.id.clone(),
        issue_key: issue.key.clone(),
        issue_summary: issue.summary.clone(),
        issue_type: issue.kind.to_owned(),
        issue_status: issue.status.to_owned(),
        parent_key: parent.map(|p| p.key.clone()),
        parent_summary: parent.map(|p| p.summary.clone()),
        project_id: project.id.clone(),
        project_key: project.key.to_owned(),
        project_name: project.name.to_owned(),
        author_account_id: person.account_id.clone(),
        author_display_name: person.name.clone(),
        started,
        seconds: Seconds::new(seconds)?,
        billable,
        components: issue.components.clone(),
        labels: issue.labels.clone(),
        comment,
        updated,
        attributes,
        attributes_invalid: false,
        approval_state,
    })
}
