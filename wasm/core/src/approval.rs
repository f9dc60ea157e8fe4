//! Timesheet approvals (`docs/approvals.md`): a person's **period** (the
//! site's week or a calendar month, in the person's own zone), its
//! **workflow** (open → submitted → approved; rejected back to open with a
//! reason; an approved period reopened with a reason), **who reviews whom**
//! (reviewer rules over Jira groups, administrators, the self-approval
//! setting) and the **submission check** against the required time.
//!
//! Pure: the app gathers the facts (the viewer's and the person's groups,
//! the projects of the period's worklogs, the days' required and logged
//! seconds) and this module decides. Every refusal is a [`Refusal`] whose
//! kind the app maps to its error code and whose message names the rule.

use std::collections::BTreeSet;
use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::calendar::{week_start, DateRange, Instant, Period, WeekStart};
use crate::duration::Seconds;
use crate::error::Error;
use crate::schedule::{balance, Shortfall};

/// What a period is, site-wide.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PeriodKind {
    /// The site's week (its schedule's week start).
    #[default]
    Weekly,
    /// A calendar month.
    Monthly,
}

impl PeriodKind {
    /// The name in JSON and messages.
    pub fn as_str(self) -> &'static str {
        match self {
            PeriodKind::Weekly => "weekly",
            PeriodKind::Monthly => "monthly",
        }
    }
}

/// The local dates of the period holding `date`: the week starting on
/// `start` (weekly) or the calendar month (monthly). The dates are the same
/// in every zone; the instants they cover are the person's
/// ([`DateRange::instants`]), so a week across a DST change lasts 167 or 169
/// hours.
///
/// # Errors
///
/// Invalid input `out-of-range` at the edges of chrono's dates.
///
/// # Example
///
/// ```
/// use worklogs_core::approval::{period_of, PeriodKind};
/// use worklogs_core::calendar::WeekStart;
/// use worklogs_core::NaiveDate;
/// let d = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
/// let week = period_of(PeriodKind::Weekly, WeekStart::Sunday, d)?;
/// assert_eq!(week.first().to_string(), "2026-11-22");
/// let month = period_of(PeriodKind::Monthly, WeekStart::Monday, d)?;
/// assert_eq!((month.first().to_string(), month.len()), ("2026-11-01".to_owned(), 30));
/// # Ok::<(), worklogs_core::Error>(())
/// ```
pub fn period_of(kind: PeriodKind, start: WeekStart, date: NaiveDate) -> Result<DateRange, Error> {
    match kind {
        PeriodKind::Weekly => Period::Week {
            containing: date,
            start,
        }
        .dates(),
        PeriodKind::Monthly => Period::Month {
            year: date.year(),
            month: date.month(),
        }
        .dates(),
    }
}

/// Whether `date` is the first day of its period.
pub fn is_period_start(kind: PeriodKind, start: WeekStart, date: NaiveDate) -> bool {
    match kind {
        PeriodKind::Weekly => week_start(date, start).is_ok_and(|first| first == date),
        PeriodKind::Monthly => date.day() == 1,
    }
}

/// A period's state. A rejected period is [`State::Open`] again; the
/// rejection stays as its last decision and in its history.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum State {
    /// Being filled in; the person's worklogs change freely.
    #[default]
    Open,
    /// Handed in for review: locked.
    Submitted,
    /// Approved: locked, and its worklogs' approved version is kept.
    Approved,
}

impl State {
    /// The name in JSON, SQL and messages.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Open => "open",
            State::Submitted => "submitted",
            State::Approved => "approved",
        }
    }

    /// The state named `text`.
    pub fn parse(text: &str) -> Option<State> {
        match text {
            "open" => Some(State::Open),
            "submitted" => Some(State::Submitted),
            "approved" => Some(State::Approved),
            _ => None,
        }
    }

    /// Whether the person's worklogs in the period are locked.
    pub fn is_locked(self) -> bool {
        matches!(self, State::Submitted | State::Approved)
    }
}

/// A stored period as a worklog's state needs it: the instants it covers
/// (fixed in its person's zone when it was stored) and its state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PeriodSpan {
    /// The first instant, epoch milliseconds.
    pub start_ms: i64,
    /// The instant after the last, epoch milliseconds.
    pub end_ms: i64,
    /// The period's state.
    pub state: State,
}

/// The approval state of a worklog started at `started` whose author's
/// stored periods are `periods`: the state of the period holding its start
/// (the local date of its start in its author's zone, as the period's
/// instants were fixed in it), [`State::Open`] when none is stored. Should
/// stored periods overlap (the site moved from weekly to monthly periods),
/// the one starting last decides, of those the one ending last, then the
/// later state: so every worklog whose latest-starting period starts at the
/// same instant gets the same state (what lets SQL group worklogs by that
/// instant, `index::report::group_page`).
///
/// # Example
///
/// ```
/// use worklogs_core::approval::{worklog_approval_state, PeriodSpan, State};
/// use worklogs_core::calendar::Instant;
/// let week = PeriodSpan { start_ms: 1_000, end_ms: 2_000, state: State::Approved };
/// assert_eq!(worklog_approval_state(&[week], Instant::from_millis(1_500)), State::Approved);
/// assert_eq!(worklog_approval_state(&[week], Instant::from_millis(2_000)), State::Open);
/// ```
pub fn worklog_approval_state(periods: &[PeriodSpan], started: Instant) -> State {
    let at = started.millis();
    periods
        .iter()
        .filter(|p| p.start_ms <= at && at < p.end_ms)
        .max_by_key(|p| (p.start_ms, p.end_ms, p.state))
        .map_or(State::Open, |p| p.state)
}

/// A transition of the workflow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    /// The person hands the period in (open → submitted).
    Submit,
    /// A reviewer approves it (submitted → approved).
    Approve,
    /// A reviewer rejects it (submitted → open), with a reason.
    Reject,
    /// A reviewer or an administrator reopens it (approved → open), with a reason.
    Reopen,
}

impl Action {
    /// The past tense recorded in the history: `submitted`, `approved`…
    pub fn done(self) -> &'static str {
        match self {
            Action::Submit => "submitted",
            Action::Approve => "approved",
            Action::Reject => "rejected",
            Action::Reopen => "reopened",
        }
    }

    fn verb(self) -> &'static str {
        match self {
            Action::Submit => "submit",
            Action::Approve => "approve",
            Action::Reject => "reject",
            Action::Reopen => "reopen",
        }
    }

    /// Whether the action is a reviewer's (every one but submitting).
    pub fn is_review(self) -> bool {
        !matches!(self, Action::Submit)
    }
}

/// The most characters of a reason.
pub const MAX_REASON_CHARS: usize = 2000;

/// What kind of refusal: the app maps it to its error code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RefusalKind {
    /// The input is wrong (a missing reason).
    InvalidInput,
    /// The viewer may not (a rule, self-approval).
    Forbidden,
    /// The period's state does not allow it now.
    Conflict,
}

/// Why something was refused, for a person.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    /// The kind, for the error code.
    pub kind: RefusalKind,
    /// The message: what was refused and which rule or state refused it.
    pub message: String,
}

impl Refusal {
    fn new(kind: RefusalKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// The state after `action` on a period in `state`. Rejecting and reopening
/// need a reason (trimmed, 1 to [`MAX_REASON_CHARS`] characters).
///
/// # Errors
///
/// `InvalidInput` for a missing or too long reason; `Conflict` naming the
/// state when the action does not apply to it.
///
/// # Example
///
/// ```
/// use worklogs_core::approval::{next, Action, State};
/// assert_eq!(next(State::Open, Action::Submit, None), Ok(State::Submitted));
/// assert_eq!(next(State::Submitted, Action::Reject, Some("hours missing on Friday")), Ok(State::Open));
/// assert!(next(State::Submitted, Action::Reject, Some("  ")).is_err());
/// assert!(next(State::Open, Action::Approve, None).is_err());
/// ```
pub fn next(state: State, action: Action, reason: Option<&str>) -> Result<State, Refusal> {
    if matches!(action, Action::Reject | Action::Reopen) {
        let reason = reason.map(str::trim).unwrap_or_default();
        if reason.is_empty() {
            return Err(Refusal::new(
                RefusalKind::InvalidInput,
                format!("a reason is required to {}", action.verb()),
            ));
        }
        if reason.chars().count() > MAX_REASON_CHARS {
            return Err(Refusal::new(
                RefusalKind::InvalidInput,
                format!("a reason has at most {MAX_REASON_CHARS} characters"),
            ));
        }
    }
    let to = match (state, action) {
        (State::Open, Action::Submit) => State::Submitted,
        (State::Submitted, Action::Approve) => State::Approved,
        (State::Submitted, Action::Reject) | (State::Approved, Action::Reopen) => State::Open,
        (state, action) => {
            let expected = match action {
                Action::Submit => "open",
                Action::Approve | Action::Reject => "submitted",
                Action::Reopen => "approved",
            };
            return Err(Refusal::new(
                RefusalKind::Conflict,
                format!(
                    "the period is {}: only a period that is {expected} can be {}",
                    state.as_str(),
                    action.done()
                ),
            ));
        }
    };
    Ok(to)
}

/// One reviewer rule: members of the group `reviewers` review the periods of
/// members of any group in `teams`, limited to periods whose worklogs are all
/// in `projects` when it is not empty.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// The Jira group whose members review.
    pub reviewers: String,
    /// The Jira groups whose members they review.
    pub teams: Vec<String>,
    /// Project keys the rule is limited to; every project when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub projects: Vec<String>,
}

impl Rule {
    /// The rule in words, for messages: `rule 2 (team-leads reviews
    /// team-alpha, team-beta in ALPHA)`.
    pub fn describe(&self, index: usize) -> String {
        let mut out = format!(
            "rule {} ({} reviews {}",
            index.saturating_add(1),
            self.reviewers,
            self.teams.join(", ")
        );
        if !self.projects.is_empty() {
            out.push_str(" in ");
            out.push_str(&self.projects.join(", "));
        }
        out.push(')');
        out
    }
}

/// The most rules, teams per rule and projects per rule.
pub const MAX_RULES: usize = 100;
/// As [`MAX_RULES`], for a rule's teams and projects.
pub const MAX_RULE_ITEMS: usize = 50;

/// Checks rules before they are saved: a group name of 1 to 255 characters,
/// 1 to [`MAX_RULE_ITEMS`] teams, project keys such as `ALPHA`.
///
/// # Errors
///
/// Invalid input naming the field (`rules[1].teams[0]`) and the value.
pub fn validate_rules(rules: &[Rule]) -> Result<(), Error> {
    let bad =
        |field: String, message: String| Error::invalid("invalid-rule", message).with_field(&field);
    if rules.len() > MAX_RULES {
        return Err(bad(
            "rules".to_owned(),
            format!("{} rules: at most {MAX_RULES}", rules.len()),
        ));
    }
    let group_ok = |g: &str| !g.trim().is_empty() && g.chars().count() <= 255;
    for (i, rule) in rules.iter().enumerate() {
        if !group_ok(&rule.reviewers) {
            return Err(bad(
                format!("rules[{i}].reviewers"),
                format!(
                    "{:?} is not a group name (1 to 255 characters)",
                    rule.reviewers
                ),
            ));
        }
        if rule.teams.is_empty() || rule.teams.len() > MAX_RULE_ITEMS {
            return Err(bad(
                format!("rules[{i}].teams"),
                format!(
                    "a rule names 1 to {MAX_RULE_ITEMS} teams, not {}",
                    rule.teams.len()
                ),
            ));
        }
        for (j, team) in rule.teams.iter().enumerate() {
            if !group_ok(team) {
                return Err(bad(
                    format!("rules[{i}].teams[{j}]"),
                    format!("{team:?} is not a group name (1 to 255 characters)"),
                ));
            }
        }
        if rule.projects.len() > MAX_RULE_ITEMS {
            return Err(bad(
                format!("rules[{i}].projects"),
                format!(
                    "at most {MAX_RULE_ITEMS} projects, not {}",
                    rule.projects.len()
                ),
            ));
        }
        for (j, key) in rule.projects.iter().enumerate() {
            let mut chars = key.chars();
            let ok = chars.next().is_some_and(|c| c.is_ascii_uppercase())
                && chars.all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
                && key.len() <= 255;
            if !ok {
                return Err(bad(
                    format!("rules[{i}].projects[{j}]"),
                    format!("{key:?} is not a project key such as ALPHA"),
                ));
            }
        }
    }
    Ok(())
}

/// Who asks to review.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reviewer {
    /// Their account id.
    pub account: String,
    /// Whether they hold Jira's global `ADMINISTER`.
    pub admin: bool,
    /// Their Jira groups (names).
    pub groups: BTreeSet<String>,
}

/// Whose period, as far as the rules need to know.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Subject {
    /// Their account id.
    pub account: String,
    /// Their Jira groups (names).
    pub groups: BTreeSet<String>,
    /// The keys of the projects of the period's worklogs.
    pub projects: BTreeSet<String>,
}

/// Whether `reviewer` may review `subject`'s period, and why: `Ok` with the
/// reason (`a Jira administrator`, or the rule in words). Self-review is
/// refused first unless `allow_self` (administrators included); then an
/// administrator may; then the first rule whose reviewers group holds the
/// reviewer, whose teams hold the subject and whose projects (if any) hold
/// every project of the period.
///
/// # Errors
///
/// `Forbidden`, naming the self-approval setting, or the rules that do not
/// cover the person or the period's projects.
pub fn may_review(
    rules: &[Rule],
    reviewer: &Reviewer,
    subject: &Subject,
    allow_self: bool,
) -> Result<String, Refusal> {
    if reviewer.account == subject.account && !allow_self {
        return Err(Refusal::new(
            RefusalKind::Forbidden,
            "nobody reviews their own period: the setting allowSelfApproval is off",
        ));
    }
    if reviewer.admin {
        return Ok("a Jira administrator".to_owned());
    }
    let mut limited: Vec<String> = Vec::new();
    for (i, rule) in rules.iter().enumerate() {
        if !reviewer.groups.contains(&rule.reviewers) {
            continue;
        }
        if !rule.teams.iter().any(|t| subject.groups.contains(t)) {
            continue;
        }
        let outside: Vec<&str> = subject
            .projects
            .iter()
            .filter(|p| !rule.projects.is_empty() && !rule.projects.contains(p))
            .map(String::as_str)
            .collect();
        if outside.is_empty() {
            return Ok(rule.describe(i));
        }
        limited.push(format!(
            "{} does not cover their time in {}",
            rule.describe(i),
            outside.join(", ")
        ));
    }
    if !limited.is_empty() {
        return Err(Refusal::new(
            RefusalKind::Forbidden,
            format!(
                "you may not review the period of {}: {}",
                subject.account,
                limited.join("; ")
            ),
        ));
    }
    let mine: Vec<String> = rules
        .iter()
        .enumerate()
        .filter(|(_, r)| reviewer.groups.contains(&r.reviewers))
        .map(|(i, r)| r.describe(i))
        .collect();
    let why = if mine.is_empty() {
        "no reviewer rule names a group of yours, and you are not a Jira administrator".to_owned()
    } else {
        format!("they are in none of the teams of {}", mine.join(", "))
    };
    Err(Refusal::new(
        RefusalKind::Forbidden,
        format!(
            "you may not review the period of {}: {why}",
            subject.account
        ),
    ))
}

/// The short days of a period as of its end (every day of it counts, future
/// ones too): what a submission warns about, or, with `require`, refuses.
/// `days` are each date with its required and logged seconds, in order.
///
/// # Errors
///
/// `Conflict` listing the short days when `require` and any day is short;
/// `InvalidInput` when a total overflows.
pub fn submit_check(
    days: &[(NaiveDate, Seconds, Seconds)],
    require: bool,
) -> Result<Vec<Shortfall>, Refusal> {
    let Some(last) = days.last().map(|d| d.0) else {
        return Ok(Vec::new());
    };
    let b = balance(days, last)
        .map_err(|e| Refusal::new(RefusalKind::InvalidInput, e.message().to_owned()))?;
    if require && !b.short_days.is_empty() {
        let listed: Vec<String> = b
            .short_days
            .iter()
            .map(|s| format!("{} ({} s short)", s.date, s.missing.get()))
            .collect();
        return Err(Refusal::new(
            RefusalKind::Conflict,
            format!(
                "the period is short of its required time (the setting requireRequiredTime is on): {}",
                listed.join(", ")
            ),
        ));
    }
    Ok(b.short_days)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::Zone;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn weeks_start_on_the_site_s_day_and_months_on_the_first() {
        let wed = d(2026, 11, 25);
        for (start, first) in [
            (WeekStart::Monday, d(2026, 11, 23)),
            (WeekStart::Sunday, d(2026, 11, 22)),
            (WeekStart::Saturday, d(2026, 11, 21)),
        ] {
            let week = period_of(PeriodKind::Weekly, start, wed).unwrap();
            assert_eq!((week.first(), week.len()), (first, 7), "{start:?}");
            assert!(is_period_start(PeriodKind::Weekly, start, first));
            assert!(!is_period_start(PeriodKind::Weekly, start, wed));
        }
        // Month ends: 28, 29, 30 and 31 days; December into January.
        for (date, first, len) in [
            (d(2026, 2, 14), d(2026, 2, 1), 28),
            (d(2028, 2, 29), d(2028, 2, 1), 29),
            (d(2026, 11, 30), d(2026, 11, 1), 30),
            (d(2026, 12, 31), d(2026, 12, 1), 31),
            (d(2027, 1, 1), d(2027, 1, 1), 31),
        ] {
            let month = period_of(PeriodKind::Monthly, WeekStart::Monday, date).unwrap();
            assert_eq!((month.first(), month.len()), (first, len), "{date}");
            assert!(month.contains(date));
        }
        assert!(is_period_start(
            PeriodKind::Monthly,
            WeekStart::Sunday,
            d(2026, 3, 1)
        ));
        assert!(!is_period_start(
            PeriodKind::Monthly,
            WeekStart::Sunday,
            d(2026, 3, 2)
        ));
        // A week across the year's end.
        let week = period_of(PeriodKind::Weekly, WeekStart::Sunday, d(2027, 1, 1)).unwrap();
        assert_eq!(week.first(), d(2026, 12, 27));
    }

    /// A period's instants are in the person's zone: the week of the spring
    /// change in Berlin lasts 167 hours, in New York (two weeks earlier) too,
    /// and in Kolkata 168.
    #[test]
    fn periods_across_dst_changes_are_in_the_person_s_zone() {
        let hours = |range: DateRange, zone: &str| {
            let i = range.instants(Zone::parse(zone).unwrap()).unwrap();
            (i.end.millis() - i.start.millis()) / 3_600_000
        };
        let spring = period_of(PeriodKind::Weekly, WeekStart::Monday, d(2026, 3, 29)).unwrap();
        assert_eq!(spring.first(), d(2026, 3, 23));
        assert_eq!(hours(spring, "Europe/Berlin"), 167);
        assert_eq!(hours(spring, "Asia/Kolkata"), 168);
        let autumn = period_of(PeriodKind::Weekly, WeekStart::Sunday, d(2026, 10, 25)).unwrap();
        assert_eq!(autumn.first(), d(2026, 10, 25));
        assert_eq!(hours(autumn, "Europe/Berlin"), 169);
        let ny = period_of(PeriodKind::Weekly, WeekStart::Saturday, d(2026, 3, 8)).unwrap();
        assert_eq!(ny.first(), d(2026, 3, 7));
        assert_eq!(hours(ny, "America/New_York"), 167);
        let october = period_of(PeriodKind::Monthly, WeekStart::Monday, d(2026, 10, 25)).unwrap();
        assert_eq!(hours(october, "Europe/Berlin"), 31 * 24 + 1);
        // The same dates start at different instants in different zones.
        let berlin = spring
            .instants(Zone::parse("Europe/Berlin").unwrap())
            .unwrap();
        let kolkata = spring
            .instants(Zone::parse("Asia/Kolkata").unwrap())
            .unwrap();
        assert!(kolkata.start < berlin.start);
    }

    #[test]
    fn the_workflow_moves_only_along_its_arrows() {
        use Action::*;
        use State::*;
        assert_eq!(next(Open, Submit, None), Ok(Submitted));
        assert_eq!(next(Submitted, Approve, None), Ok(Approved));
        assert_eq!(next(Submitted, Reject, Some("Friday is missing")), Ok(Open));
        assert_eq!(next(Approved, Reopen, Some("a late correction")), Ok(Open));
        for (state, action) in [
            (Open, Approve),
            (Open, Reject),
            (Open, Reopen),
            (Submitted, Submit),
            (Submitted, Reopen),
            (Approved, Submit),
            (Approved, Approve),
            (Approved, Reject),
        ] {
            let e = next(state, action, Some("why")).unwrap_err();
            assert_eq!(e.kind, RefusalKind::Conflict, "{state:?} {action:?}");
            assert!(e.message.contains(state.as_str()), "{e}");
        }
        for action in [Reject, Reopen] {
            let from = if action == Reject {
                Submitted
            } else {
                Approved
            };
            for reason in [None, Some(""), Some(" \n ")] {
                let e = next(from, action, reason).unwrap_err();
                assert_eq!(e.kind, RefusalKind::InvalidInput);
                assert!(e.message.contains("reason is required"), "{e}");
            }
            let long = "x".repeat(MAX_REASON_CHARS + 1);
            assert_eq!(
                next(from, action, Some(&long)).unwrap_err().kind,
                RefusalKind::InvalidInput
            );
        }
        assert!(Submitted.is_locked() && Approved.is_locked() && !Open.is_locked());
        for s in [Open, Submitted, Approved] {
            assert_eq!(State::parse(s.as_str()), Some(s));
        }
    }

    fn set(items: &[&str]) -> BTreeSet<String> {
        items.iter().map(|s| (*s).to_owned()).collect()
    }

    fn rules() -> Vec<Rule> {
        vec![
            Rule {
                reviewers: "team-leads".into(),
                teams: vec!["team-alpha".into()],
                projects: vec![],
            },
            Rule {
                reviewers: "ops-leads".into(),
                teams: vec!["team-alpha".into(), "ops".into()],
                projects: vec!["OPS".into()],
            },
        ]
    }

    fn reviewer(account: &str, admin: bool, groups: &[&str]) -> Reviewer {
        Reviewer {
            account: account.into(),
            admin,
            groups: set(groups),
        }
    }

    fn subject(account: &str, groups: &[&str], projects: &[&str]) -> Subject {
        Subject {
            account: account.into(),
            groups: set(groups),
            projects: set(projects),
        }
    }

    #[test]
    fn reviewers_are_chosen_by_rules_administrators_and_the_self_setting() {
        let rules = rules();
        let alice = subject("alice", &["team-alpha"], &["ALPHA", "BETA"]);
        // A rule's group reviews its teams.
        let carol = reviewer("carol", false, &["team-leads"]);
        assert_eq!(
            may_review(&rules, &carol, &alice, false),
            Ok("rule 1 (team-leads reviews team-alpha)".to_owned())
        );
        // Outside the rules.
        let bob = reviewer("bob", false, &["team-alpha"]);
        let e = may_review(&rules, &bob, &alice, false).unwrap_err();
        assert_eq!(e.kind, RefusalKind::Forbidden);
        assert!(
            e.message
                .contains("no reviewer rule names a group of yours"),
            "{e}"
        );
        let frank = subject("frank", &["ops"], &["OPS"]);
        let e = may_review(&rules, &carol, &frank, false).unwrap_err();
        assert!(e.message.contains("none of the teams of rule 1"), "{e}");
        // A rule limited to projects covers only periods all in them.
        let olga = reviewer("olga", false, &["ops-leads"]);
        assert_eq!(
            may_review(&rules, &olga, &frank, false),
            Ok("rule 2 (ops-leads reviews team-alpha, ops in OPS)".to_owned())
        );
        let e = may_review(&rules, &olga, &alice, false).unwrap_err();
        assert_eq!(
            e.message,
            "you may not review the period of alice: rule 2 (ops-leads reviews team-alpha, ops in OPS) \
             does not cover their time in ALPHA, BETA"
        );
        // Administrators review anyone, but not themselves unless allowed.
        let dave = reviewer("dave", true, &[]);
        assert_eq!(
            may_review(&rules, &dave, &alice, false),
            Ok("a Jira administrator".to_owned())
        );
        let own = subject("dave", &[], &[]);
        let e = may_review(&rules, &dave, &own, false).unwrap_err();
        assert!(e.message.contains("allowSelfApproval"), "{e}");
        assert!(may_review(&rules, &dave, &own, true).is_ok());
        // A reviewer in their own team: refused, unless allowed.
        let lead = reviewer("carol", false, &["team-leads", "team-alpha"]);
        let herself = subject("carol", &["team-leads", "team-alpha"], &[]);
        assert_eq!(
            may_review(&rules, &lead, &herself, false).unwrap_err().kind,
            RefusalKind::Forbidden
        );
        assert!(may_review(&rules, &lead, &herself, true).is_ok());
    }

    #[test]
    fn a_worklog_has_the_state_of_the_latest_period_holding_it() {
        let span = |start_ms, end_ms, state| PeriodSpan {
            start_ms,
            end_ms,
            state,
        };
        let at = Instant::from_millis;
        assert_eq!(worklog_approval_state(&[], at(5)), State::Open);
        let periods = [
            span(0, 30, State::Approved),   // a month
            span(7, 14, State::Submitted),  // a week inside it, stored later
            span(14, 21, State::Open),      // a week sent back
            span(21, 28, State::Submitted), // a week of the same start as the next
            span(21, 35, State::Approved),  // a longer one
        ];
        assert_eq!(worklog_approval_state(&periods, at(3)), State::Approved);
        assert_eq!(worklog_approval_state(&periods, at(7)), State::Submitted);
        assert_eq!(worklog_approval_state(&periods, at(15)), State::Open);
        assert_eq!(worklog_approval_state(&periods, at(22)), State::Approved);
        assert_eq!(worklog_approval_state(&periods, at(34)), State::Approved);
        assert_eq!(worklog_approval_state(&periods, at(35)), State::Open);
        assert_eq!(worklog_approval_state(&periods, at(-1)), State::Open);
    }

    #[test]
    fn rules_are_checked_before_they_are_saved() {
        assert!(validate_rules(&rules()).is_ok());
        let mut bad = rules();
        bad[1].teams.clear();
        assert_eq!(
            validate_rules(&bad).unwrap_err().field(),
            Some("rules[1].teams")
        );
        let mut bad = rules();
        bad[0].projects = vec!["alpha".into()];
        let e = validate_rules(&bad).unwrap_err();
        assert_eq!(e.field(), Some("rules[0].projects[0]"));
        assert!(
            e.message().contains("\"alpha\" is not a project key"),
            "{e}"
        );
        let mut bad = rules();
        bad[0].reviewers = " ".into();
        assert_eq!(
            validate_rules(&bad).unwrap_err().field(),
            Some("rules[0].reviewers")
        );
    }

    #[test]
    fn a_submission_warns_of_short_days_or_is_refused_by_the_setting() {
        let h = |n: u64| Seconds::new(n * 3600).unwrap();
        let days = [
            (d(2026, 11, 23), h(8), h(8)),
            (d(2026, 11, 24), h(8), h(6)),
            (d(2026, 11, 28), h(0), h(0)),
        ];
        let short = submit_check(&days, false).unwrap();
        assert_eq!(short.len(), 1);
        assert_eq!((short[0].date, short[0].missing), (d(2026, 11, 24), h(2)));
        let e = submit_check(&days, true).unwrap_err();
        assert_eq!(e.kind, RefusalKind::Conflict);
        assert!(e.message.contains("2026-11-24 (7200 s short)"), "{e}");
        let full = [(d(2026, 11, 23), h(8), h(9))];
        assert!(submit_check(&full, true).unwrap().is_empty());
        assert!(submit_check(&[], true).unwrap().is_empty());
    }
}
