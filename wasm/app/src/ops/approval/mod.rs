//! Timesheet approvals (`docs/approvals.md`): the site's settings and
//! reviewer rules, a person's period status, a reviewer's team grid, the
//! workflow ([`workflow`]), the lock on the app's worklog writes
//! ([`crate::access::lock`])
//! and the repair of outside edits ([`drift`]).
//!
//! The core decides (`worklogs_core::approval`: periods, transitions, who
//! reviews whom, the submission check); this module gathers the facts (Jira
//! groups, the period's worklogs and projects, the stored state) and records
//! the outcome: the period row, its history, the audit log.

pub mod drift;
pub mod workflow;

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::schedule::SiteSchedule;
use super::timesheet;
use crate::access::{self, is_jira_admin, my_groups};
use crate::executor::Ctx;
use crate::index::{self, approvals as rows, dict_id, Kind};
use crate::input::{quote, Input};
use crate::jira::{Call, JiraPath};
use crate::store::{self, JsonSetting};
use crate::{Error, ErrorCode};
use worklogs_core::approval::{
    is_period_start, may_review, period_of, validate_rules, PeriodKind, Refusal, RefusalKind,
    Reviewer, Rule, State, Subject,
};
use worklogs_core::calendar::{format_utc, local_date, DateRange, Instant, InstantRange, Zone};
use worklogs_core::NaiveDate;

use super::NoInput;

/// What an outside edit to a locked period does.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OnOutsideEdit {
    /// Put the locked version back in Jira.
    #[default]
    Restore,
    /// Keep Jira's version and flag it for the reviewer.
    Flag,
}

/// The site's approval settings (the settings row `approval.settings`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ApprovalSettings {
    /// Weekly (the schedule's week start) or monthly periods.
    pub period: PeriodKind,
    /// Refuse submissions while the period is short of its required time.
    pub require_required_time: bool,
    /// Let a reviewer review their own period.
    pub allow_self_approval: bool,
    /// Restore or flag outside edits.
    pub on_outside_edit: OnOutsideEdit,
}

impl JsonSetting for ApprovalSettings {
    const NAME: &'static str = "approval.settings";
    const WHAT: &'static str = "valid approval settings";
}

impl Input for ApprovalSettings {
    type Raw = ApprovalSettings;

    fn validate(raw: ApprovalSettings) -> Result<Self, Error> {
        Ok(raw)
    }
}

/// The reviewer rules (the settings row `approval.rules`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApprovalRules {
    /// The rules, in the order saved (the first that covers a period is
    /// named when it is reviewed).
    pub rules: Vec<Rule>,
}

impl JsonSetting for ApprovalRules {
    const NAME: &'static str = "approval.rules";
    const WHAT: &'static str = "a list of approval rules";
}

impl Input for ApprovalRules {
    type Raw = ApprovalRules;

    fn validate(raw: ApprovalRules) -> Result<Self, Error> {
        validate_rules(&raw.rules).map_err(|e| {
            Error::invalid_field(e.field().unwrap_or("rules"), e.message().to_owned())
        })?;
        Ok(raw)
    }
}

/// `approval.settings.get`: the settings (anyone).
///
/// # Errors
///
/// The database's errors.
pub async fn settings_get(ctx: &Ctx, _: NoInput) -> Result<ApprovalSettings, Error> {
    ctx.acting_user()?;
    store::load(ctx).await
}

/// `approval.settings.save`: saves the settings (Jira administrators).
///
/// # Errors
///
/// `forbidden` for anyone else; the database's errors.
pub async fn settings_save(ctx: &Ctx, input: ApprovalSettings) -> Result<ApprovalSettings, Error> {
    access::require_admin(ctx, "change the approval settings").await?;
    store::save(ctx, &input).await?;
    Ok(input)
}

/// `approval.rules.list`: the reviewer rules (anyone).
///
/// # Errors
///
/// The database's errors.
pub async fn rules_list(ctx: &Ctx, _: NoInput) -> Result<ApprovalRules, Error> {
    ctx.acting_user()?;
    store::load(ctx).await
}

/// `approval.rules.save`: replaces the rules (Jira administrators), after
/// checking every group in Jira.
///
/// # Errors
///
/// `invalid-input` naming the field of a group Jira does not know;
/// `forbidden` for anyone but an administrator; Jira's and the database's
/// errors.
pub async fn rules_save(ctx: &Ctx, input: ApprovalRules) -> Result<ApprovalRules, Error> {
    access::require_admin(ctx, "change the approval rules").await?;
    let mut groups: Vec<(String, String)> = Vec::new();
    let mut seen = BTreeSet::new();
    for (i, rule) in input.rules.iter().enumerate() {
        if seen.insert(rule.reviewers.clone()) {
            groups.push((format!("rules[{i}].reviewers"), rule.reviewers.clone()));
        }
        for (j, team) in rule.teams.iter().enumerate() {
            if seen.insert(team.clone()) {
                groups.push((format!("rules[{i}].teams[{j}]"), team.clone()));
            }
        }
    }
    access::check_groups(ctx, &groups).await?;
    store::save(ctx, &input).await?;
    Ok(input)
}

/// An account id from the input.
pub(crate) fn account_id(field: &str, id: String) -> Result<String, Error> {
    let ok = !id.is_empty()
        && id.len() <= 128
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, ':' | '-' | '_'));
    if ok {
        Ok(id)
    } else {
        Err(Error::invalid_field(
            field,
            format_args!("{} is not an account id", quote(&id)),
        ))
    }
}

/// A date from the input.
pub(crate) fn date(field: &str, text: &str) -> Result<NaiveDate, Error> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
        Error::invalid_field(
            field,
            format_args!("{} is not a date (expected yyyy-MM-dd)", quote(text)),
        )
    })
}

/// A core refusal as the app's error.
pub(crate) fn refused(refusal: Refusal) -> Error {
    let code = match refusal.kind {
        RefusalKind::InvalidInput => ErrorCode::InvalidInput,
        RefusalKind::Forbidden => ErrorCode::Forbidden,
        RefusalKind::Conflict => ErrorCode::Conflict,
    };
    match code {
        ErrorCode::InvalidInput => Error::invalid_field("reason", refusal.message),
        code => Error::new(code, refusal.message),
    }
}

/// RFC 3339 UTC with milliseconds, for output.
pub(crate) fn utc(ms: i64) -> String {
    format_utc(Instant::from_millis(ms)).unwrap_or_default()
}

/// What one run knows about the site and the people it looks at: read once
/// each per run (Jira groups are cached per task).
pub struct Facts {
    /// The settings.
    pub settings: ApprovalSettings,
    /// The rules.
    pub rules: ApprovalRules,
    /// The site's schedule (week start, required time).
    pub plan: SiteSchedule,
    /// The index's site number.
    pub site: i64,
    viewer: RefCell<Option<Reviewer>>,
    groups: RefCell<BTreeMap<String, BTreeSet<String>>>,
    zones: RefCell<BTreeMap<String, Zone>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct JiraUser {
    #[serde(default)]
    time_zone: Option<String>,
}

#[derive(Deserialize)]
struct UserGroup {
    #[serde(default)]
    name: String,
}

/// A person's period: its dates, zone and instants, and its stored row.
#[derive(Clone, Debug)]
pub struct Located {
    /// The person.
    pub account: String,
    /// The period's dates.
    pub dates: DateRange,
    /// The person's zone (the stored one for a stored period).
    pub zone: Zone,
    /// The instants the dates cover in that zone.
    pub range: InstantRange,
    /// The stored row, if any.
    pub row: Option<rows::PeriodRow>,
}

impl Located {
    /// The state (open when never stored).
    pub fn state(&self) -> State {
        self.row
            .as_ref()
            .and_then(|r| State::parse(&r.state))
            .unwrap_or_default()
    }

    /// The first date, yyyy-MM-dd.
    pub fn start(&self) -> String {
        self.dates.first().to_string()
    }

    /// The last date (inclusive), yyyy-MM-dd.
    pub fn end(&self) -> String {
        last_date(self.dates).to_string()
    }
}

/// A range's last date.
pub(crate) fn last_date(dates: DateRange) -> NaiveDate {
    dates.end().pred_opt().unwrap_or(dates.end())
}

impl Facts {
    /// Reads the settings, the rules, the schedule and the site in one batch.
    ///
    /// # Errors
    ///
    /// The database's errors.
    pub async fn load(ctx: &Ctx) -> Result<Self, Error> {
        let (settings, rules, plan, site) = futures::join!(
            store::load::<ApprovalSettings>(ctx),
            store::load::<ApprovalRules>(ctx),
            store::load::<SiteSchedule>(ctx),
            index::site(ctx)
        );
        Ok(Self {
            settings: settings?,
            rules: rules?,
            plan: plan?,
            site: site?,
            viewer: RefCell::new(None),
            groups: RefCell::new(BTreeMap::new()),
            zones: RefCell::new(BTreeMap::new()),
        })
    }

    /// The dates of the period holding `date`.
    ///
    /// # Errors
    ///
    /// `invalid-input` at the edges of the calendar.
    pub fn dates(&self, field: &str, date: NaiveDate) -> Result<DateRange, Error> {
        period_of(self.settings.period, self.plan.week_start, date)
            .map_err(|e| Error::invalid_field(field, e.message()))
    }

    /// Checks that `date` starts a period.
    ///
    /// # Errors
    ///
    /// `invalid-input` naming the field and the period's real start.
    pub fn check_start(&self, field: &str, date: NaiveDate) -> Result<(), Error> {
        if is_period_start(self.settings.period, self.plan.week_start, date) {
            return Ok(());
        }
        let first = self.dates(field, date)?.first();
        Err(Error::invalid_field(
            field,
            format_args!(
                "{date} is not the first day of a {} period (that period starts on {first})",
                self.settings.period.as_str()
            ),
        ))
    }

    /// A person's zone: the acting user's from the context, anyone else's
    /// from Jira (`user?accountId=`, as the app), once per run.
    ///
    /// # Errors
    ///
    /// Jira's errors; `upstream` for a zone Jira names that is unknown.
    pub async fn zone(&self, ctx: &Ctx, person: &str) -> Result<Zone, Error> {
        if let Some(zone) = self.zones.borrow().get(person) {
            return Ok(*zone);
        }
        let name = if ctx.acting_user().ok() == Some(person) {
            ctx.context().time_zone.clone()
        } else {
            let path = JiraPath::api(&["user"]).query("accountId", person);
            let found: JiraUser = Call::get(path).as_app().json(ctx).await?;
            found
                .time_zone
                .unwrap_or_else(|| ctx.context().time_zone.clone())
        };
        let zone = Zone::parse(&name).map_err(|e| {
            Error::upstream(format!(
                "the time zone of {}: {}",
                quote(person),
                e.message()
            ))
        })?;
        self.zones.borrow_mut().insert(person.to_owned(), zone);
        Ok(zone)
    }

    /// Remembers a zone known from elsewhere (a group's member list).
    pub fn know_zone(&self, person: &str, zone: Zone) {
        self.zones.borrow_mut().insert(person.to_owned(), zone);
    }

    /// The period of `person` holding `date` (a stored period keeps the zone
    /// and instants it was stored with).
    ///
    /// # Errors
    ///
    /// Jira's and the database's errors.
    pub async fn locate(
        &self,
        ctx: &Ctx,
        field: &str,
        person: &str,
        date: NaiveDate,
    ) -> Result<Located, Error> {
        let dates = self.dates(field, date)?;
        let start = dates.first().to_string();
        let (row, zone) = futures::join!(
            rows::read_period(ctx, person, &start),
            self.zone(ctx, person)
        );
        let row = row?;
        let zone = match &row {
            Some(r) => Zone::parse(&r.zone).unwrap_or(zone?),
            None => zone?,
        };
        let range = dates
            .instants(zone)
            .map_err(|e| Error::invalid_field(field, e.message()))?;
        Ok(Located {
            account: person.to_owned(),
            dates,
            zone,
            range,
            row,
        })
    }

    /// A person's Jira groups (names), asked as the app once per run.
    ///
    /// # Errors
    ///
    /// Jira's errors (an unknown account has none).
    pub async fn groups_of(&self, ctx: &Ctx, person: &str) -> Result<BTreeSet<String>, Error> {
        if let Some(groups) = self.groups.borrow().get(person) {
            return Ok(groups.clone());
        }
        let call =
            Call::get(JiraPath::api(&["user", "groups"]).query("accountId", person)).as_app();
        let found: Result<Vec<UserGroup>, Error> = call.json(ctx).await;
        let groups: BTreeSet<String> = match found {
            Ok(list) => list.into_iter().map(|g| g.name).collect(),
            Err(e) if e.is_not_found() => BTreeSet::new(),
            Err(e) => return Err(e),
        };
        self.groups
            .borrow_mut()
            .insert(person.to_owned(), groups.clone());
        Ok(groups)
    }

    /// The acting user as a reviewer: administrator or not, and their groups.
    ///
    /// # Errors
    ///
    /// `forbidden` without an acting user; Jira's errors.
    pub async fn viewer(&self, ctx: &Ctx) -> Result<Reviewer, Error> {
        if let Some(viewer) = self.viewer.borrow().as_ref() {
            return Ok(viewer.clone());
        }
        let me = ctx.acting_user()?.to_owned();
        let (admin, groups) = futures::join!(is_jira_admin(ctx), my_groups(ctx));
        let viewer = Reviewer {
            account: me,
            admin: admin?,
            groups: groups?,
        };
        *self.viewer.borrow_mut() = Some(viewer.clone());
        Ok(viewer)
    }

    /// The keys of the projects of `person`'s worklogs in the period (from
    /// the index).
    ///
    /// # Errors
    ///
    /// The database's errors; `limit` past 5000 worklogs.
    pub async fn projects_in(&self, ctx: &Ctx, at: &Located) -> Result<BTreeSet<String>, Error> {
        let found = index::worklogs::by_author(
            ctx,
            self.site,
            &at.account,
            at.range.start.millis(),
            at.range.end.millis(),
            MAX_PERIOD_WORKLOGS + 1,
        )
        .await?;
        if found.len() > MAX_PERIOD_WORKLOGS {
            return Err(Error::limit(format!(
                "the period from {} to {} holds more than {MAX_PERIOD_WORKLOGS} worklogs of {}",
                at.start(),
                at.end(),
                quote(&at.account)
            )));
        }
        let mut issues: Vec<i64> = found.iter().map(|f| f.issue).collect();
        issues.sort_unstable();
        issues.dedup();
        if issues.is_empty() {
            return Ok(BTreeSet::new());
        }
        let summaries = index::issues::summaries(ctx, self.site, &issues).await?;
        Ok(summaries
            .into_iter()
            .filter_map(|s| s.key.rsplit_once('-').map(|(p, _)| p.to_owned()))
            .collect())
    }

    /// Whether the acting user may review the period `at`, and why; the
    /// refusal names the rule or the setting.
    ///
    /// # Errors
    ///
    /// Jira's and the database's errors (a check that cannot be made refuses).
    pub async fn review(&self, ctx: &Ctx, at: &Located) -> Result<Result<String, Refusal>, Error> {
        let viewer = self.viewer(ctx).await?;
        let mut subject = Subject {
            account: at.account.clone(),
            ..Subject::default()
        };
        // Administrators and the self rule need no more facts.
        let quick = may_review(&[], &viewer, &subject, self.settings.allow_self_approval);
        if viewer.admin || (viewer.account == at.account && !self.settings.allow_self_approval) {
            return Ok(quick);
        }
        let (groups, projects) =
            futures::join!(self.groups_of(ctx, &at.account), self.projects_in(ctx, at));
        subject.groups = groups?;
        subject.projects = projects?;
        Ok(may_review(
            &self.rules.rules,
            &viewer,
            &subject,
            self.settings.allow_self_approval,
        ))
    }
}

/// The most worklogs a period may hold for the approval checks.
pub const MAX_PERIOD_WORKLOGS: usize = 5000;

/// An entry of a period's history, as output.
#[derive(Serialize, Debug)]
#[serde(rename_all = "camelCase")]
pub struct HistoryEntry {
    action: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    by: Option<String>,
    at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    worklog_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    replaced: Option<serde_json::Value>,
}

/// The last reviewer decision.
#[derive(Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct Decision {
    action: String,
    by: String,
    at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
}

fn decision_of(row: Option<&rows::PeriodRow>) -> Option<Decision> {
    let row = row?;
    Some(Decision {
        action: row.decision.clone()?,
        by: row.decided_by.clone().unwrap_or_default(),
        at: utc(row.decided_ms.unwrap_or(row.updated)),
        reason: row.reason.clone(),
    })
}

/// A person's period, as `approval.status` and the workflow answer it.
#[derive(Serialize, Debug)]
#[serde(rename_all = "camelCase")]
pub struct PeriodView {
    account_id: String,
    time_zone: String,
    period: &'static str,
    start: String,
    end: String,
    state: &'static str,
    locked: bool,
    balance: timesheet::PeriodBalance,
    #[serde(skip_serializing_if = "Option::is_none")]
    decision: Option<Decision>,
    history: Vec<HistoryEntry>,
    open_drifts: i64,
    may_review: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    review_rule: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    warnings: Vec<String>,
}

/// The most history entries shown.
const MAX_HISTORY: usize = 200;

/// The view of the period `at` for the acting user: balance (as Jira shows
/// them the worklogs), history, open drifts, and whether they may review it.
///
/// # Errors
///
/// Jira's and the database's errors.
pub async fn view(
    ctx: &Ctx,
    facts: &Facts,
    at: &Located,
    warnings: Vec<String>,
) -> Result<PeriodView, Error> {
    let today = local_date(Instant::from_millis(ctx.context().now_ms), at.zone)
        .map_err(|e| Error::internal(format!("the context's clock: {}", e.message())))?;
    let start = at.start();
    let (balance, history, drifts, review) = futures::join!(
        timesheet::balance_of(
            ctx,
            facts.site,
            &facts.plan,
            &at.account,
            at.zone,
            at.dates,
            today
        ),
        rows::history(ctx, &at.account, &start, MAX_HISTORY),
        rows::open_drift_counts(ctx, std::slice::from_ref(&at.account), &start),
        facts.review(ctx, at)
    );
    let review = review?;
    let state = at.state();
    Ok(PeriodView {
        account_id: at.account.clone(),
        time_zone: at.zone.name().to_owned(),
        period: facts.settings.period.as_str(),
        start,
        end: at.end(),
        state: state.as_str(),
        locked: state.is_locked(),
        balance: balance?,
        decision: decision_of(at.row.as_ref()),
        history: history?
            .into_iter()
            .map(|h| HistoryEntry {
                action: h.action,
                by: h.actor,
                at: utc(h.at_ms),
                reason: h.reason,
                worklog_id: h.worklog.map(|w| w.to_string()),
                replaced: h
                    .replaced
                    .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
                    .map(|v| drift::version_of(&v)),
            })
            .collect(),
        open_drifts: drifts?.first().map_or(0, |(_, n)| *n),
        may_review: review.is_ok(),
        review_rule: review.ok(),
        warnings,
    })
}

/// The input of `approval.status`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct StatusRaw {
    account_id: Option<String>,
    date: Option<String>,
}

/// `approval.status`, validated.
pub struct StatusInput {
    account_id: Option<String>,
    date: Option<NaiveDate>,
}

impl Input for StatusInput {
    type Raw = StatusRaw;

    fn validate(raw: StatusRaw) -> Result<Self, Error> {
        Ok(Self {
            account_id: raw
                .account_id
                .map(|a| account_id("accountId", a))
                .transpose()?,
            date: raw.date.map(|d| date("date", &d)).transpose()?,
        })
    }
}

/// `approval.status`: a person's period holding a date (today in their zone
/// without it). The acting user's own; someone else's for a viewer who may
/// see their time or review them.
///
/// # Errors
///
/// `forbidden` for anyone else's period the viewer may neither see nor
/// review; Jira's and the database's errors.
pub async fn status(ctx: &Ctx, input: StatusInput) -> Result<PeriodView, Error> {
    let me = ctx.acting_user()?.to_owned();
    let person = input.account_id.unwrap_or_else(|| me.clone());
    let facts = Facts::load(ctx).await?;
    let day = match input.date {
        Some(day) => day,
        None => {
            let zone = facts.zone(ctx, &person).await?;
            local_date(Instant::from_millis(ctx.context().now_ms), zone)
                .map_err(|e| Error::internal(format!("the context's clock: {}", e.message())))?
        }
    };
    let at = facts.locate(ctx, "date", &person, day).await?;
    if person != me && !access::may_view_time_of(ctx, &person).await? {
        if let Err(refusal) = facts.review(ctx, &at).await? {
            return Err(Error::forbidden(format!(
                "you may not see the period of {}: you may not see their time, and {}",
                quote(&person),
                refusal.message
            )));
        }
    }
    view(ctx, &facts, &at, Vec::new()).await
}

/// Whether the acting user reviews `person`'s period holding `date` (a
/// reviewer rule, or a Jira administrator), for reads of that person's time
/// outside the approval operations (`timesheet.week`); the refusal says why.
///
/// # Errors
///
/// Jira's and the database's errors (a check that cannot be made fails).
pub async fn reviews(
    ctx: &Ctx,
    person: &str,
    date: NaiveDate,
) -> Result<Result<String, Refusal>, Error> {
    let facts = Facts::load(ctx).await?;
    let at = facts.locate(ctx, "date", person, date).await?;
    facts.review(ctx, &at).await
}

/// `timesheet.week` ([`timesheet::week`]): a reviewer also reads the
/// timesheet of a person whose period holding the date they review
/// ([`reviews`], asked only when the viewer may not see that person's time).
///
/// # Errors
///
/// As [`timesheet::week`].
pub async fn timesheet_week(
    ctx: &Ctx,
    input: timesheet::WeekInput,
) -> Result<timesheet::Week, Error> {
    let person = input.account_id.clone().unwrap_or_default();
    let date = input.date;
    timesheet::week(ctx, input, reviews(ctx, &person, date)).await
}

/// The dictionary key of an account (as the index's `author`).
pub(crate) fn account_key(account: &str) -> i64 {
    dict_id(Kind::Account, account)
}

#[cfg(test)]
mod tests;
