//! The workflow: `approval.submit`, `approval.approve`, `approval.approveMany`,
//! `approval.reject`, `approval.reopen`; and what reviewers look at:
//! `approval.team` and `approval.pending`.
//!
//! A transition writes, in order: the audit entry, the snapshot (the locked
//! version of the period's worklogs, at submission and again at approval;
//! dropped when the period opens again), the history entry, then the period
//! row, whose state is the commit point: a run that fails half-way leaves the
//! period as it was, and running it again completes it.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::{
    account_id, account_key, date, drift, last_date, refused, view, Facts, Located, PeriodView,
};
use crate::executor::Ctx;
use crate::index::approvals::{self as rows, HistoryRow, PeriodRow};
use crate::input::{quote, Input};
use crate::jira::types::ValuesPage;
use crate::jira::{Call, JiraPath};
use crate::store::audit;
use crate::Error;
use worklogs_core::approval::{next, submit_check, Action, State};
use worklogs_core::calendar::Zone;
use worklogs_core::NaiveDate;

/// The input of `approval.submit`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SubmitRaw {
    date: String,
}

/// `approval.submit`, validated.
pub struct SubmitInput {
    date: NaiveDate,
}

impl Input for SubmitInput {
    type Raw = SubmitRaw;

    fn validate(raw: SubmitRaw) -> Result<Self, Error> {
        Ok(Self {
            date: date("date", &raw.date)?,
        })
    }
}

/// The input of `approval.approve`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct DecideRaw {
    account_id: String,
    period_start: String,
}

/// A decision on one person's period, validated.
pub struct DecideInput {
    account_id: String,
    period_start: NaiveDate,
    reason: Option<String>,
}

impl Input for DecideInput {
    type Raw = DecideRaw;

    fn validate(raw: DecideRaw) -> Result<Self, Error> {
        Ok(Self {
            account_id: account_id("accountId", raw.account_id)?,
            period_start: date("periodStart", &raw.period_start)?,
            reason: None,
        })
    }
}

/// The input of `approval.reject` and `approval.reopen`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ReasonRaw {
    account_id: String,
    period_start: String,
    reason: String,
}

/// A decision with a reason, validated.
pub struct ReasonInput(DecideInput);

impl Input for ReasonInput {
    type Raw = ReasonRaw;

    fn validate(raw: ReasonRaw) -> Result<Self, Error> {
        Ok(Self(DecideInput {
            account_id: account_id("accountId", raw.account_id)?,
            period_start: date("periodStart", &raw.period_start)?,
            reason: Some(raw.reason),
        }))
    }
}

/// `approval.submit`: the acting user submits their period holding `date`.
///
/// # Errors
///
/// `conflict` when it is not open, or (with `requireRequiredTime`) short of
/// its required time, listing the short days; Jira's and the database's
/// errors.
pub async fn submit(ctx: &Ctx, input: SubmitInput) -> Result<PeriodView, Error> {
    let me = ctx.acting_user()?.to_owned();
    let facts = Facts::load(ctx).await?;
    let at = facts.locate(ctx, "date", &me, input.date).await?;
    let to = next(at.state(), Action::Submit, None).map_err(refused)?;
    let days =
        super::timesheet::days_of(ctx, facts.site, &facts.plan, &me, at.zone, at.dates).await?;
    let short = submit_check(&days, facts.settings.require_required_time).map_err(refused)?;
    let warnings = short
        .iter()
        .map(|s| {
            format!(
                "{}: {} s logged of {} s required ({} s short)",
                s.date,
                s.logged.get(),
                s.required.get(),
                s.missing.get()
            )
        })
        .collect();
    let at = transition(ctx, &facts, at, Action::Submit, to, None).await?;
    view(ctx, &facts, &at, warnings).await
}

/// `approval.approve`.
///
/// # Errors
///
/// As [`decide`].
pub async fn approve(ctx: &Ctx, input: DecideInput) -> Result<PeriodView, Error> {
    ctx.acting_user()?;
    let facts = Facts::load(ctx).await?;
    let at = decide(ctx, &facts, &input, Action::Approve).await?;
    view(ctx, &facts, &at, Vec::new()).await
}

/// `approval.reject`.
///
/// # Errors
///
/// As [`decide`]; `invalid-input` without a reason.
pub async fn reject(ctx: &Ctx, input: ReasonInput) -> Result<PeriodView, Error> {
    ctx.acting_user()?;
    let facts = Facts::load(ctx).await?;
    let at = decide(ctx, &facts, &input.0, Action::Reject).await?;
    view(ctx, &facts, &at, Vec::new()).await
}

/// `approval.reopen`.
///
/// # Errors
///
/// As [`decide`]; `invalid-input` without a reason.
pub async fn reopen(ctx: &Ctx, input: ReasonInput) -> Result<PeriodView, Error> {
    ctx.acting_user()?;
    let facts = Facts::load(ctx).await?;
    let at = decide(ctx, &facts, &input.0, Action::Reopen).await?;
    view(ctx, &facts, &at, Vec::new()).await
}

/// A reviewer's decision on a period: the reason's check, the period start's,
/// who may review (the rules, administrators, self-approval), the state's,
/// then the transition.
///
/// # Errors
///
/// `invalid-input` for a date that does not start a period or a missing
/// reason; `forbidden` naming the rule or the setting; `conflict` naming the
/// state; Jira's and the database's errors.
async fn decide(
    ctx: &Ctx,
    facts: &Facts,
    input: &DecideInput,
    action: Action,
) -> Result<Located, Error> {
    ctx.acting_user()?;
    let reason = input.reason.as_deref();
    // The reason first: a missing one is the caller's mistake whatever the state.
    if reason.is_some() {
        let from = if action == Action::Reject {
            State::Submitted
        } else {
            State::Approved
        };
        next(from, action, reason).map_err(refused)?;
    }
    facts.check_start("periodStart", input.period_start)?;
    let at = facts
        .locate(ctx, "periodStart", &input.account_id, input.period_start)
        .await?;
    facts.review(ctx, &at).await?.map_err(refused)?;
    let to = next(at.state(), action, reason).map_err(refused)?;
    transition(
        ctx,
        facts,
        at,
        action,
        to,
        reason.map(|r| r.trim().to_owned()),
    )
    .await
}

/// Records a transition: audit entry, snapshot, history, period row.
async fn transition(
    ctx: &Ctx,
    facts: &Facts,
    at: Located,
    action: Action,
    to: State,
    reason: Option<String>,
) -> Result<Located, Error> {
    let now = ctx.context().now_ms;
    let me = ctx.acting_user()?.to_owned();
    let from = at.state();
    let subject = format!("approval:{}:{}", at.account, at.start());
    let detail =
        |state: State| serde_json::json!({"state": state.as_str(), "reason": reason}).to_string();
    // The entry first, then what it records; the same decision made again
    // after a failure keeps the entry ([`audit::record_change`]) and the
    // history row.
    audit::record_change(
        ctx,
        &format!("approval.{}", action.done()),
        &subject_bounded(&subject),
        Some(detail(from)),
        Some(detail(to)),
    )
    .await?;
    match to {
        State::Submitted | State::Approved => drift::take_snapshot(ctx, facts, &at).await?,
        State::Open => rows::replace_snapshot(ctx, &at.account, &at.start(), &[]).await?,
    }
    let id = history_id(ctx, &at, action, &me, reason.as_deref()).await?;
    rows::add_history(
        ctx,
        &HistoryRow {
            account: at.account.clone(),
            start_date: at.start(),
            id,
            at_ms: now,
            action: action.done().to_owned(),
            actor: Some(me.clone()),
            reason: reason.clone(),
            worklog: None,
            replaced: None,
        },
    )
    .await?;
    let mut row = at.row.clone().unwrap_or_else(|| PeriodRow {
        account: at.account.clone(),
        start_date: at.start(),
        end_date: at.end(),
        account_key: account_key(&at.account),
        zone: at.zone.name().to_owned(),
        start_ms: at.range.start.millis(),
        end_ms: at.range.end.millis(),
        ..PeriodRow::default()
    });
    row.state = to.as_str().to_owned();
    row.updated = now;
    if action.is_review() {
        row.decision = Some(action.done().to_owned());
        row.decided_by = Some(me);
        row.decided_ms = Some(now);
        row.reason = reason;
    }
    rows::write_period(ctx, &row).await?;
    Ok(Located {
        row: Some(row),
        ..at
    })
}

/// The id of a decision's history row: the next by the period's count; or,
/// when the newest row is this decision by this person with this reason, its
/// id. The period row is written last, so such a row while the period is
/// still in the state the decision moves it out of is a failed attempt's, and
/// the same decision made again replaces it rather than adding a second.
///
/// # Errors
///
/// The database's errors.
async fn history_id(
    ctx: &Ctx,
    at: &Located,
    action: Action,
    me: &str,
    reason: Option<&str>,
) -> Result<String, Error> {
    let newest = rows::newest_history(ctx, &at.account, &at.start()).await?;
    if let Some(row) = newest.filter(|row| {
        row.action == action.done()
            && row.actor.as_deref() == Some(me)
            && row.reason.as_deref() == reason
    }) {
        return Ok(row.id);
    }
    let count = rows::history_count(ctx, &at.account, &at.start()).await?;
    Ok(format!("{count:08}-{}", action.done()))
}

/// The audit log's subject is at most 64 bytes: a long account id is cut.
fn subject_bounded(subject: &str) -> String {
    subject.chars().take(64).collect()
}

/// The input of `approval.approveMany`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ManyRaw {
    account_ids: Vec<String>,
    period_start: String,
}

/// `approval.approveMany`, validated.
pub struct ManyInput {
    account_ids: Vec<String>,
    period_start: NaiveDate,
}

/// The most people approved at once.
pub const MAX_MANY: usize = 100;

impl Input for ManyInput {
    type Raw = ManyRaw;

    fn validate(raw: ManyRaw) -> Result<Self, Error> {
        if raw.account_ids.is_empty() || raw.account_ids.len() > MAX_MANY {
            return Err(Error::invalid_field(
                "accountIds",
                format_args!("1 to {MAX_MANY} account ids, not {}", raw.account_ids.len()),
            ));
        }
        let mut ids = Vec::new();
        for (i, id) in raw.account_ids.into_iter().enumerate() {
            let id = account_id(&format!("accountIds[{i}]"), id)?;
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        Ok(Self {
            account_ids: ids,
            period_start: date("periodStart", &raw.period_start)?,
        })
    }
}

/// One person's outcome in `approval.approveMany`.
#[derive(Serialize, Debug)]
#[serde(rename_all = "camelCase")]
pub struct ManyResult {
    account_id: String,
    ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    state: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<ManyError>,
}

/// Why one person's period was not approved.
#[derive(Serialize, Debug)]
pub struct ManyError {
    code: &'static str,
    message: String,
}

/// The answer of `approval.approveMany`.
#[derive(Serialize, Debug)]
pub struct ManyOutput {
    results: Vec<ManyResult>,
}

/// `approval.approveMany`: each period decided on its own, in the order
/// given (the groups asked once for the run).
///
/// # Errors
///
/// `invalid-input` for a date that does not start a period; the database's
/// errors reading the settings. Each person's refusal is in their result.
pub async fn approve_many(ctx: &Ctx, input: ManyInput) -> Result<ManyOutput, Error> {
    ctx.acting_user()?;
    let facts = Facts::load(ctx).await?;
    facts.check_start("periodStart", input.period_start)?;
    let mut results = Vec::new();
    for account in input.account_ids {
        let one = DecideInput {
            account_id: account.clone(),
            period_start: input.period_start,
            reason: None,
        };
        results.push(match decide(ctx, &facts, &one, Action::Approve).await {
            Ok(at) => ManyResult {
                account_id: account,
                ok: true,
                state: Some(at.state().as_str()),
                error: None,
            },
            Err(e) => ManyResult {
                account_id: account,
                ok: false,
                state: None,
                error: Some(ManyError {
                    code: e.code().as_str(),
                    message: e.message().to_owned(),
                }),
            },
        });
    }
    Ok(ManyOutput { results })
}

/// A member of a group, as `group/member` gives them.
#[derive(Deserialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
struct Member {
    #[serde(default)]
    account_id: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    time_zone: Option<String>,
    #[serde(default)]
    account_type: Option<String>,
}

/// The most people in a team grid.
pub const MAX_TEAM: usize = 200;

/// The members of `group` (as the app, 50 a page, at most [`MAX_TEAM`]).
async fn members(ctx: &Ctx, group: &str) -> Result<Vec<Member>, Error> {
    let mut out: Vec<Member> = Vec::new();
    let mut start = 0usize;
    loop {
        let path = JiraPath::api(&["group", "member"])
            .query("groupname", group)
            .query("startAt", &start.to_string())
            .query("maxResults", "50");
        let page: ValuesPage<Member> = Call::get(path).as_app().json(ctx).await?;
        let n = page.values.len();
        out.extend(page.values);
        start = start.saturating_add(n);
        if page.is_last.unwrap_or(true) || n == 0 || start > MAX_TEAM {
            return Ok(out);
        }
    }
}

/// The groups whose members the viewer reviews: the teams of the rules whose
/// reviewers group holds them (every rule's teams for an administrator).
async fn reviewed_teams(ctx: &Ctx, facts: &Facts) -> Result<BTreeSet<String>, Error> {
    let viewer = facts.viewer(ctx).await?;
    Ok(facts
        .rules
        .rules
        .iter()
        .filter(|r| viewer.admin || viewer.groups.contains(&r.reviewers))
        .flat_map(|r| r.teams.iter().cloned())
        .collect())
}

/// The input of `approval.team`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TeamRaw {
    date: String,
    group: Option<String>,
}

/// `approval.team`, validated.
pub struct TeamInput {
    date: NaiveDate,
    group: Option<String>,
}

impl Input for TeamInput {
    type Raw = TeamRaw;

    fn validate(raw: TeamRaw) -> Result<Self, Error> {
        if let Some(group) = &raw.group {
            if group.trim().is_empty() || group.chars().count() > 255 {
                return Err(Error::invalid_field(
                    "group",
                    format_args!("{} is not a group name", quote(group)),
                ));
            }
        }
        Ok(Self {
            date: date("date", &raw.date)?,
            group: raw.group,
        })
    }
}

/// One row of the team grid.
#[derive(Serialize, Debug)]
#[serde(rename_all = "camelCase")]
pub struct TeamRow {
    account_id: String,
    display_name: String,
    time_zone: String,
    start: String,
    end: String,
    state: &'static str,
    logged_seconds: u64,
    required_seconds: u64,
    short_seconds: u64,
    open_drifts: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    decision: Option<super::Decision>,
}

/// The answer of `approval.team`.
#[derive(Serialize, Debug)]
pub struct Team {
    period: &'static str,
    start: String,
    end: String,
    rows: Vec<TeamRow>,
}

/// `approval.team`: the periods holding `date` of the people the viewer
/// reviews (or of one group's members among them), by display name.
///
/// # Errors
///
/// `forbidden` for a group the viewer reviews no one in (administrators may
/// name any); `limit` past [`MAX_TEAM`] people; Jira's and the database's
/// errors.
pub async fn team(ctx: &Ctx, input: TeamInput) -> Result<Team, Error> {
    ctx.acting_user()?;
    let facts = Facts::load(ctx).await?;
    let dates = facts.dates("date", input.date)?;
    let teams = reviewed_teams(ctx, &facts).await?;
    let viewer = facts.viewer(ctx).await?;
    let groups: Vec<String> = match input.group {
        Some(group) => {
            if !viewer.admin && !teams.contains(&group) {
                return Err(Error::forbidden(format!(
                    "you review no one in the group {}: no reviewer rule of yours names it as a team",
                    quote(&group)
                )));
            }
            vec![group]
        }
        None => teams.into_iter().collect(),
    };
    let lists = futures::future::try_join_all(groups.iter().map(|g| members(ctx, g))).await?;
    let mut people: Vec<Member> = Vec::new();
    for member in lists.into_iter().flatten() {
        let human = member
            .account_type
            .as_deref()
            .is_none_or(|t| t == "atlassian");
        if human && !people.iter().any(|p| p.account_id == member.account_id) {
            people.push(member);
        }
    }
    if people.len() > MAX_TEAM {
        return Err(Error::limit(format!(
            "the teams hold more than {MAX_TEAM} people: choose one group"
        )));
    }
    people.sort_by(|a, b| a.display_name.cmp(&b.display_name));
    let start = dates.first().to_string();
    let accounts: Vec<String> = people.iter().map(|p| p.account_id.clone()).collect();
    let (stored, drifts) = futures::join!(
        rows::periods_of(ctx, &accounts, &start),
        rows::open_drift_counts(ctx, &accounts, &start)
    );
    let (stored, drifts) = (stored?, drifts?);
    let balances = futures::future::try_join_all(people.iter().map(|p| {
        let stored = stored.iter().find(|r| r.account == p.account_id);
        let zone = stored
            .and_then(|r| Zone::parse(&r.zone).ok())
            .or_else(|| p.time_zone.as_deref().and_then(|z| Zone::parse(z).ok()))
            .unwrap_or_else(|| Zone::parse(&ctx.context().time_zone).unwrap_or(Zone::UTC));
        let facts = &facts;
        async move {
            let today = worklogs_core::calendar::local_date(
                worklogs_core::calendar::Instant::from_millis(ctx.context().now_ms),
                zone,
            )
            .map_err(|e| Error::internal(e.message().to_owned()))?;
            let b =
                super::timesheet::days_of(ctx, facts.site, &facts.plan, &p.account_id, zone, dates)
                    .await?;
            let balance = worklogs_core::schedule::balance(&b, today)
                .map_err(|e| Error::limit(e.message().to_owned()))?;
            Ok::<_, Error>((zone, balance))
        }
    }))
    .await?;
    let rows = people
        .into_iter()
        .zip(balances)
        .map(|(p, (zone, b))| {
            let row = stored.iter().find(|r| r.account == p.account_id);
            TeamRow {
                state: row
                    .and_then(|r| State::parse(&r.state))
                    .unwrap_or_default()
                    .as_str(),
                decision: super::decision_of(row),
                open_drifts: drifts
                    .iter()
                    .find(|(a, _)| *a == p.account_id)
                    .map_or(0, |(_, n)| *n),
                display_name: p.display_name,
                time_zone: zone.name().to_owned(),
                start: start.clone(),
                end: last_date(dates).to_string(),
                logged_seconds: b.logged.get(),
                required_seconds: b.required.get(),
                short_seconds: b.short.get(),
                account_id: p.account_id,
            }
        })
        .collect();
    Ok(Team {
        period: facts.settings.period.as_str(),
        start,
        end: last_date(dates).to_string(),
        rows,
    })
}

/// One period awaiting review.
#[derive(Serialize, Debug)]
#[serde(rename_all = "camelCase")]
pub struct Pending {
    account_id: String,
    period_start: String,
    end: String,
}

/// The answer of `approval.pending`.
#[derive(Serialize, Debug)]
pub struct PendingOutput {
    count: usize,
    periods: Vec<Pending>,
}

/// The most submitted periods looked at.
const MAX_PENDING_SCAN: usize = 1000;

/// `approval.pending`: the submitted periods the viewer may review.
///
/// # Errors
///
/// Jira's and the database's errors.
pub async fn pending(ctx: &Ctx, _: super::NoInput) -> Result<PendingOutput, Error> {
    ctx.acting_user()?;
    let facts = Facts::load(ctx).await?;
    let submitted = rows::submitted(ctx, MAX_PENDING_SCAN).await?;
    let mut periods = Vec::new();
    let mut count = 0usize;
    for row in submitted {
        let Ok(zone) = Zone::parse(&row.zone) else {
            continue;
        };
        let Ok(first) = NaiveDate::parse_from_str(&row.start_date, "%Y-%m-%d") else {
            continue;
        };
        let Ok(dates) = facts.dates("periodStart", first) else {
            continue;
        };
        let at = Located {
            account: row.account.clone(),
            dates,
            zone,
            range: worklogs_core::calendar::InstantRange {
                start: worklogs_core::calendar::Instant::from_millis(row.start_ms),
                end: worklogs_core::calendar::Instant::from_millis(row.end_ms),
            },
            row: Some(row.clone()),
        };
        if facts.review(ctx, &at).await?.is_ok() {
            count = count.saturating_add(1);
            if periods.len() < 100 {
                periods.push(Pending {
                    account_id: row.account,
                    period_start: row.start_date,
                    end: row.end_date,
                });
            }
        }
    }
    Ok(PendingOutput { count, periods })
}
