//! `timesheet.week`: one person's worklogs in one week across issues, with the
//! days of the week in their zone and the hours the site's schedule requires
//! each day.
//!
//! The worklogs are found in the index (author and start, one bounded range of
//! `worklogs_author`), then read from Jira on the viewer's behalf with
//! `POST /rest/api/3/worklog/list`: Jira answers only the worklogs the viewer
//! may see (browse permission on the project, group or role visibility), so
//! the index never reveals time the viewer could not see in Jira.
//!
//! `timesheet.shortfall`: the acting user's required, logged and short time in
//! the current and the previous period, by the same reads and the core's rule
//! (`worklogs_core::schedule::balance`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::schedule;
use super::worklog::{JiraWorklog, Worklog};
use crate::access;
use crate::executor::Ctx;
use crate::index;
use crate::input::{quote, Input};
use crate::jira::{Call, JiraPath};
use crate::{store, Error};
use worklogs_core::approval::Refusal;
use worklogs_core::calendar::{local_date, DateRange, Instant, Period, Zone};
use worklogs_core::duration::Seconds;
use worklogs_core::schedule::{balance, short_on};
use worklogs_core::NaiveDate;

/// The most worklogs one week may hold (one `worklog/list` call).
pub const MAX_WORKLOGS: usize = 1000;

/// The input of `timesheet.week`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct WeekRaw {
    date: String,
    account_id: Option<String>,
}

/// `timesheet.week`, validated.
pub struct WeekInput {
    pub(crate) date: NaiveDate,
    pub(crate) account_id: Option<String>,
}

impl Input for WeekInput {
    type Raw = WeekRaw;

    fn validate(raw: WeekRaw) -> Result<Self, Error> {
        let date = NaiveDate::parse_from_str(&raw.date, "%Y-%m-%d").map_err(|_| {
            Error::invalid_field(
                "date",
                format_args!("{} is not a date (expected yyyy-MM-dd)", quote(&raw.date)),
            )
        })?;
        let account_id = match raw.account_id {
            Some(id)
                if id.is_empty()
                    || id.len() > 128
                    || !id
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, ':' | '-' | '_')) =>
            {
                return Err(Error::invalid_field(
                    "accountId",
                    format_args!("{} is not an account id", quote(&id)),
                ))
            }
            other => other,
        };
        Ok(Self { date, account_id })
    }
}

/// One day of the week.
#[derive(Serialize, Debug)]
#[serde(rename_all = "camelCase")]
pub struct Day {
    date: String,
    required_seconds: u64,
    logged_seconds: u64,
    short_seconds: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    holiday: Option<String>,
}

/// An issue as a timesheet row names it.
#[derive(Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct IssueSummary {
    id: String,
    key: String,
    summary: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    project_key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    issue_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<String>,
}

/// One issue's worklogs in the week.
#[derive(Serialize, Debug)]
pub struct Row {
    issue: IssueSummary,
    worklogs: Vec<Worklog>,
}

/// The answer of `timesheet.week`.
#[derive(Serialize, Debug)]
#[serde(rename_all = "camelCase")]
pub struct Week {
    account_id: String,
    time_zone: String,
    today: String,
    days: Vec<Day>,
    rows: Vec<Row>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct JiraUser {
    #[serde(default)]
    time_zone: Option<String>,
}

/// The week holding `date` for the acting user, or for `accountId` when the
/// viewer may see their time ([`access::may_view_time_of`]) or `review`, asked
/// only then, finds that they review that person's period holding `date`
/// (`ops::approval::timesheet_week` passes `approval::reviews`: a reviewer
/// rule or a Jira administrator; the approvals build on the timesheet, not
/// the other way round).
///
/// # Errors
///
/// `forbidden` without an acting user or for someone whose time the viewer may
/// neither see nor review; `limit` above [`MAX_WORKLOGS`] worklogs in the week; Jira's and the
/// database's errors.
pub async fn week(
    ctx: &Ctx,
    input: WeekInput,
    review: impl std::future::Future<Output = Result<Result<String, Refusal>, Error>>,
) -> Result<Week, Error> {
    let user = ctx.acting_user()?.to_owned();
    let person = input.account_id.unwrap_or_else(|| user.clone());
    let zone_name = if person == user {
        ctx.context().time_zone.clone()
    } else {
        if !access::may_view_time_of(ctx, &person).await? {
            // A reviewer sees the timesheet of the people they review (the
            // period holding the date), read-only as every timesheet read.
            if let Err(refusal) = review.await? {
                return Err(Error::forbidden(format!(
                    "you may not see the time of {}: you may not see their time, and {}",
                    quote(&person),
                    refusal.message
                )));
            }
        }
        let path = JiraPath::api(&["user"]).query("accountId", &person);
        let found: JiraUser = Call::get(path).json(ctx).await?;
        found
            .time_zone
            .unwrap_or_else(|| ctx.context().time_zone.clone())
    };
    let zone = Zone::parse(&zone_name).map_err(|e| {
        Error::upstream(format!(
            "the time zone of {}: {}",
            quote(&person),
            e.message()
        ))
    })?;
    let (site, plan) = futures::join!(index::site(ctx), store::load::<schedule::SiteSchedule>(ctx));
    let (site, plan) = (site?, plan?);
    let dates = Period::Week {
        containing: input.date,
        start: plan.week_start,
    }
    .dates()
    .map_err(|e| Error::invalid_field("date", e.message()))?;
    let today = today_in(ctx, zone)?;
    let rows = rows_in(ctx, site, &person, zone, dates).await?;
    let logged = logged_by_day(&rows, zone)?;
    let days = dates
        .iter()
        .map(|date| {
            let required = plan.required_on(date);
            let done = logged.get(&date).copied().unwrap_or(Seconds::ZERO);
            Day {
                date: date.to_string(),
                required_seconds: required.get(),
                logged_seconds: done.get(),
                short_seconds: short_on(date, today, required, done).get(),
                holiday: holiday_name(&plan, date),
            }
        })
        .collect();
    Ok(Week {
        account_id: person,
        time_zone: zone.name().to_owned(),
        today: today.to_string(),
        days,
        rows,
    })
}

/// The name a holiday on `date` is shown with ("Holiday" when unnamed).
fn holiday_name(plan: &schedule::SiteSchedule, date: NaiveDate) -> Option<String> {
    plan.holiday_on(date).map(|h| {
        if h.name.is_empty() {
            "Holiday".to_owned()
        } else {
            h.name.clone()
        }
    })
}

/// Today's date in `zone`, from the context's clock.
fn today_in(ctx: &Ctx, zone: Zone) -> Result<NaiveDate, Error> {
    local_date(Instant::from_millis(ctx.context().now_ms), zone)
        .map_err(|e| Error::internal(format!("the context's clock: {}", e.message())))
}

/// The worklogs of `person` started on `dates` (in `zone`) that the viewer may
/// see, as timesheet rows.
async fn rows_in(
    ctx: &Ctx,
    site: i64,
    person: &str,
    zone: Zone,
    dates: DateRange,
) -> Result<Vec<Row>, Error> {
    let range = dates
        .instants(zone)
        .map_err(|e| Error::invalid_field("date", e.message()))?;
    let found = index::worklogs::by_author(
        ctx,
        site,
        person,
        range.start.millis(),
        range.end.millis(),
        MAX_WORKLOGS + 1,
    )
    .await?;
    if found.len() > MAX_WORKLOGS {
        return Err(Error::limit(format!(
            "the days from {} to {} hold more than {MAX_WORKLOGS} worklogs of {}; use a report",
            dates.first(),
            dates.end().pred_opt().unwrap_or(dates.end()),
            quote(person)
        )));
    }
    let found: Vec<(i64, i64)> = found.iter().map(|f| (f.id, f.issue)).collect();
    if found.is_empty() {
        Ok(Vec::new())
    } else {
        visible_rows(ctx, site, &found).await
    }
}

/// The seconds the rows' worklogs log on each local date in `zone` (a worklog
/// counts on the date it starts).
fn logged_by_day(rows: &[Row], zone: Zone) -> Result<BTreeMap<NaiveDate, Seconds>, Error> {
    let mut out: BTreeMap<NaiveDate, Seconds> = BTreeMap::new();
    for worklog in rows.iter().flat_map(|r| &r.worklogs) {
        let date = local_date(worklog.started_instant()?, zone)
            .map_err(|e| Error::upstream(e.message().to_owned()))?;
        let add =
            Seconds::new(worklog.seconds()).map_err(|e| Error::upstream(e.message().to_owned()))?;
        let total = out.entry(date).or_insert(Seconds::ZERO);
        *total = total
            .checked_add(add)
            .ok_or_else(|| Error::limit(format!("the time logged on {date} is too large")))?;
    }
    Ok(out)
}

/// The input of `timesheet.shortfall`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ShortfallRaw {
    date: Option<String>,
}

/// `timesheet.shortfall`, validated: the date whose period is the current one
/// (today in the person's zone without it).
pub struct ShortfallInput {
    date: Option<NaiveDate>,
}

impl Input for ShortfallInput {
    type Raw = ShortfallRaw;

    fn validate(raw: ShortfallRaw) -> Result<Self, Error> {
        let date = raw
            .date
            .map(|text| {
                NaiveDate::parse_from_str(&text, "%Y-%m-%d").map_err(|_| {
                    Error::invalid_field(
                        "date",
                        format_args!("{} is not a date (expected yyyy-MM-dd)", quote(&text)),
                    )
                })
            })
            .transpose()?;
        Ok(Self { date })
    }
}

/// A short day of a period.
#[derive(Serialize, Debug)]
#[serde(rename_all = "camelCase")]
pub struct ShortDay {
    date: String,
    required_seconds: u64,
    logged_seconds: u64,
    short_seconds: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    holiday: Option<String>,
}

/// One period's balance.
#[derive(Serialize, Debug)]
#[serde(rename_all = "camelCase")]
pub struct PeriodBalance {
    /// The period's first date.
    first: String,
    /// Its last date (inclusive).
    last: String,
    required_seconds: u64,
    required_to_date_seconds: u64,
    logged_seconds: u64,
    short_seconds: u64,
    short_days: Vec<ShortDay>,
}

/// The answer of `timesheet.shortfall`.
#[derive(Serialize, Debug)]
#[serde(rename_all = "camelCase")]
pub struct Shortfall {
    account_id: String,
    time_zone: String,
    today: String,
    /// What a period is: `week` (the site's week, from its `weekStart`).
    period: &'static str,
    current: PeriodBalance,
    previous: PeriodBalance,
}

/// The period holding `date`: the site's week today. A monthly (or approval)
/// period plugs in here, as another [`Period`]; the balance does not change.
fn period_of(
    plan: &schedule::SiteSchedule,
    date: NaiveDate,
) -> Result<(&'static str, DateRange), Error> {
    let dates = Period::Week {
        containing: date,
        start: plan.week_start,
    }
    .dates()
    .map_err(|e| Error::invalid_field("date", e.message()))?;
    Ok(("week", dates))
}

/// The acting user's required, logged and short time in the current period
/// (the one holding `date`, or today) and the one before, with the short days
/// ([`worklogs_core::schedule::balance`]: up to and including today, in their
/// zone).
///
/// # Errors
///
/// `forbidden` without an acting user; `limit` above [`MAX_WORKLOGS`] worklogs
/// in a period; Jira's and the database's errors.
pub async fn shortfall(ctx: &Ctx, input: ShortfallInput) -> Result<Shortfall, Error> {
    let person = ctx.acting_user()?.to_owned();
    let zone_name = ctx.context().time_zone.clone();
    let zone = Zone::parse(&zone_name).map_err(|e| {
        Error::upstream(format!(
            "the time zone of {}: {}",
            quote(&person),
            e.message()
        ))
    })?;
    let today = today_in(ctx, zone)?;
    let (site, plan) = futures::join!(index::site(ctx), store::load::<schedule::SiteSchedule>(ctx));
    let (site, plan) = (site?, plan?);
    let (kind, current) = period_of(&plan, input.date.unwrap_or(today))?;
    let before = current.first().pred_opt().ok_or_else(|| {
        Error::invalid_field("date", format_args!("{} is out of range", current.first()))
    })?;
    let (_, previous) = period_of(&plan, before)?;
    let (now_rows, then_rows) = futures::join!(
        rows_in(ctx, site, &person, zone, current),
        rows_in(ctx, site, &person, zone, previous)
    );
    let current = period_balance(&plan, current, &now_rows?, zone, today)?;
    let previous = period_balance(&plan, previous, &then_rows?, zone, today)?;
    Ok(Shortfall {
        account_id: person,
        time_zone: zone.name().to_owned(),
        today: today.to_string(),
        period: kind,
        current,
        previous,
    })
}

/// The balance of `person`'s `dates` in `zone` as of `today`, from the
/// worklogs Jira shows the viewer (an approval period's).
///
/// # Errors
///
/// As [`shortfall`].
pub(super) async fn balance_of(
    ctx: &Ctx,
    site: i64,
    plan: &schedule::SiteSchedule,
    person: &str,
    zone: Zone,
    dates: DateRange,
    today: NaiveDate,
) -> Result<PeriodBalance, Error> {
    let rows = rows_in(ctx, site, person, zone, dates).await?;
    period_balance(plan, dates, &rows, zone, today)
}

/// Each date of `dates` with its required and logged seconds (what Jira
/// shows the viewer of `person`'s worklogs), in order.
///
/// # Errors
///
/// As [`shortfall`].
pub(super) async fn days_of(
    ctx: &Ctx,
    site: i64,
    plan: &schedule::SiteSchedule,
    person: &str,
    zone: Zone,
    dates: DateRange,
) -> Result<Vec<(NaiveDate, Seconds, Seconds)>, Error> {
    let rows = rows_in(ctx, site, person, zone, dates).await?;
    let logged = logged_by_day(&rows, zone)?;
    Ok(dates
        .iter()
        .map(|date| {
            (
                date,
                plan.required_on(date),
                logged.get(&date).copied().unwrap_or(Seconds::ZERO),
            )
        })
        .collect())
}

fn period_balance(
    plan: &schedule::SiteSchedule,
    dates: DateRange,
    rows: &[Row],
    zone: Zone,
    today: NaiveDate,
) -> Result<PeriodBalance, Error> {
    let logged = logged_by_day(rows, zone)?;
    let days: Vec<(NaiveDate, Seconds, Seconds)> = dates
        .iter()
        .map(|date| {
            (
                date,
                plan.required_on(date),
                logged.get(&date).copied().unwrap_or(Seconds::ZERO),
            )
        })
        .collect();
    let b = balance(&days, today).map_err(|e| Error::limit(e.message().to_owned()))?;
    Ok(PeriodBalance {
        first: dates.first().to_string(),
        last: dates.end().pred_opt().unwrap_or(dates.end()).to_string(),
        required_seconds: b.required.get(),
        required_to_date_seconds: b.required_to_date.get(),
        logged_seconds: b.logged.get(),
        short_seconds: b.short.get(),
        short_days: b
            .short_days
            .iter()
            .map(|s| ShortDay {
                date: s.date.to_string(),
                required_seconds: s.required.get(),
                logged_seconds: s.logged.get(),
                short_seconds: s.missing.get(),
                holiday: holiday_name(plan, s.date),
            })
            .collect(),
    })
}

/// The worklogs `found` (id, issue id; in start order) that the viewer may
/// see, read from Jira as the viewer, grouped by issue in key order.
async fn visible_rows(ctx: &Ctx, site: i64, found: &[(i64, i64)]) -> Result<Vec<Row>, Error> {
    let mut issue_ids: Vec<i64> = found.iter().map(|(_, issue)| *issue).collect();
    issue_ids.sort_unstable();
    issue_ids.dedup();
    let path = JiraPath::api(&["worklog", "list"]);
    let body = serde_json::json!({ "ids": found.iter().map(|(id, _)| *id).collect::<Vec<_>>() });
    let call = Call::post(path, body.to_string());
    let (visible, issues) = futures::join!(
        call.json::<Vec<JiraWorklog>>(ctx),
        index::issues::summaries(ctx, site, &issue_ids)
    );
    let (visible, issues) = (visible?, issues?);
    let mut summaries: BTreeMap<i64, IssueSummary> = BTreeMap::new();
    for issue in issues {
        let status = issue.status.and_then(|json| {
            serde_json::from_str::<serde_json::Value>(&json)
                .ok()
                .and_then(|v| v.get("name").and_then(|n| n.as_str()).map(str::to_owned))
        });
        summaries.insert(
            issue.id,
            IssueSummary {
                id: issue.id.to_string(),
                project_key: issue
                    .key
                    .rsplit_once('-')
                    .map(|(project, _)| project.to_owned()),
                key: issue.key,
                summary: issue.summary,
                issue_type: issue.issue_type,
                status,
            },
        );
    }
    let mut by_id: BTreeMap<String, JiraWorklog> = visible
        .into_iter()
        .map(|w| (w.id().to_owned(), w))
        .collect();
    let mut grouped: BTreeMap<i64, Vec<Worklog>> = BTreeMap::new();
    for (id, issue) in found {
        if let Some(worklog) = by_id.remove(&id.to_string()) {
            grouped
                .entry(*issue)
                .or_default()
                .push(worklog.into_worklog()?);
        }
    }
    let mut rows: Vec<Row> = grouped
        .into_iter()
        .map(|(issue, worklogs)| Row {
            issue: summaries
                .get(&issue)
                .cloned()
                .unwrap_or_else(|| IssueSummary {
                    id: issue.to_string(),
                    key: issue.to_string(),
                    summary: String::new(),
                    project_key: None,
                    issue_type: None,
                    status: None,
                }),
            worklogs,
        })
        .collect();
    rows.sort_by_key(|a| natural_key(&a.issue.key));
    Ok(rows)
}

/// `ALPHA-10` after `ALPHA-9`: the project, then the number.
fn natural_key(key: &str) -> (String, u64) {
    match key.rsplit_once('-') {
        Some((project, number)) => (project.to_owned(), number.parse().unwrap_or(0)),
        None => (key.to_owned(), 0),
    }
}

#[cfg(test)]
mod tests {
    use jira_sim::{Sim, World};
    use serde_json::{json, Value as Json};

    use crate::protocol::Value;
    use crate::testing::{http, FakeHost};

    /// 2026-11-24T12:00:00Z, when the demo's history ends.
    const NOW: i64 = 1_795_521_600_000;

    /// The demo site (seed 1), fully indexed.
    fn indexed() -> (Sim, FakeHost) {
        let mut world = World::demo(1);
        world.set_time(NOW);
        let sim = Sim::new(world);
        let mut host = FakeHost::new(None).on_sim(&sim);
        host.now_ms = NOW;
        for _ in 0..100 {
            if host.run("sync.full", json!({})).unwrap()["more"] != json!(true) {
                break;
            }
        }
        (sim, host)
    }

    fn account(sim: &Sim, alias: &str) -> String {
        sim.with_world(|w| w.account_id(alias).map(str::to_owned))
            .unwrap()
    }

    fn ids(week: &Json) -> Vec<String> {
        let mut out: Vec<String> = week["rows"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|r| r["worklogs"].as_array().unwrap().iter())
            .map(|w| w["id"].as_str().unwrap().to_owned())
            .collect();
        out.sort();
        out
    }

    #[test]
    fn a_week_from_the_index_for_the_person_and_for_an_administrator() {
        let (sim, mut host) = indexed();
        let carol = account(&sim, "carol");
        // A worklog of carol's restricted to the group team-leads, from the index.
        let restricted = host.query(&format!(
            "SELECT w.id, w.started FROM worklogs w JOIN dict d ON d.site = w.site AND d.id = w.visibility \
             WHERE w.author = {} AND d.value LIKE '%team-leads%' ORDER BY w.started DESC LIMIT 1",
            crate::index::dict_id(crate::index::Kind::Account, &carol)
        ));
        let (Value::Int(id), Value::Int(started)) = (&restricted[0][0], &restricted[0][1]) else {
            panic!("{restricted:?}");
        };
        let date = chrono::DateTime::from_timestamp_millis(*started)
            .unwrap()
            .date_naive()
            .to_string();

        host.act_as(Some(&carol));
        let own = host.run("timesheet.week", json!({"date": date})).unwrap();
        assert_eq!(own["accountId"], json!(carol));
        assert_eq!(own["days"].as_array().unwrap().len(), 7);
        assert!(ids(&own).contains(&id.to_string()), "{own}");
        for row in own["rows"].as_array().unwrap() {
            assert!(row["issue"]["key"].as_str().unwrap().contains('-'));
            for w in row["worklogs"].as_array().unwrap() {
                assert_eq!(w["author"]["accountId"], json!(carol));
                assert_eq!(w["issueId"], row["issue"]["id"]);
            }
        }

        // dave (a Jira administrator: not in team-leads, but allowed to edit
        // every worklog, so Jira shows him restricted ones) sees carol's week
        // as she does, in her zone.
        let dave = account(&sim, "dave");
        host.act_as(Some(&dave));
        let theirs = host
            .run("timesheet.week", json!({"date": date, "accountId": carol}))
            .unwrap();
        assert_eq!(theirs["timeZone"], "Asia/Kolkata");
        assert_eq!(ids(&theirs), ids(&own));

        // bob may not see carol's time at all.
        let bob = account(&sim, "bob");
        host.act_as(Some(&bob));
        let e = host
            .run("timesheet.week", json!({"date": date, "accountId": carol}))
            .unwrap_err();
        assert!(e.is_forbidden(), "{e}");
    }

    /// A reviewer sees the timesheet of the people a reviewer rule gives them,
    /// without a grant to see their time; nobody else does.
    #[test]
    fn a_reviewer_sees_the_timesheet_of_whom_they_review() {
        let (sim, mut host) = indexed();
        let (alice, carol, erin, frank) = (
            account(&sim, "alice"),
            account(&sim, "carol"),
            account(&sim, "erin"),
            account(&sim, "frank"),
        );
        let week = json!({"date": "2026-11-18", "accountId": alice});
        // erin (stakeholders, no grant) may not see alice's time yet.
        host.act_as(Some(&erin));
        let e = host.run("timesheet.week", week.clone()).unwrap_err();
        assert!(e.is_forbidden(), "{e}");
        assert!(
            e.message()
                .contains("no reviewer rule names a group of yours"),
            "{e}"
        );
        // The rule: stakeholders review team-alpha.
        host.act_as(Some(&account(&sim, "dave")));
        host.run(
            "approval.rules.save",
            json!({"rules": [{"reviewers": "stakeholders", "teams": ["team-alpha"]}]}),
        )
        .unwrap();
        host.act_as(Some(&alice));
        let own = host
            .run("timesheet.week", json!({"date": "2026-11-18"}))
            .unwrap();
        assert!(!ids(&own).is_empty());
        host.act_as(Some(&erin));
        let reviewed = host.run("timesheet.week", week.clone()).unwrap();
        assert_eq!(reviewed["accountId"], json!(alice));
        assert_eq!(reviewed["timeZone"], "Europe/Berlin");
        assert_eq!(ids(&reviewed), ids(&own));
        // Not someone outside the rule's teams.
        let e = host
            .run(
                "timesheet.week",
                json!({"date": "2026-11-18", "accountId": carol}),
            )
            .unwrap_err();
        assert!(e.is_forbidden(), "{e}");
        assert!(e.message().contains("none of the teams of rule 1"), "{e}");
        // frank reviews nobody and has no grant.
        host.act_as(Some(&frank));
        let e = host.run("timesheet.week", week).unwrap_err();
        assert!(e.is_forbidden(), "{e}");
        // Read-only: the reviewer may not change the reviewee's worklogs.
        host.act_as(Some(&erin));
        let first = reviewed["rows"][0]["worklogs"][0]["id"].clone();
        let issue = reviewed["rows"][0]["issue"]["key"].clone();
        let e = host
            .run(
                "worklog.update",
                json!({"issue": issue, "id": first, "seconds": 60}),
            )
            .unwrap_err();
        assert!(e.is_forbidden() || e.message().contains("may not"), "{e:?}");
    }

    /// Jira's `worklog/list` answers, as the viewer, only the worklogs they may
    /// see: the others (and their issues) never reach the timesheet.
    #[test]
    fn worklogs_jira_hides_from_the_viewer_are_left_out() {
        let mut host = FakeHost::new(Some("ann")).on_jira(|request| {
            assert_eq!(request.path, "/rest/api/3/worklog/list");
            assert_eq!(request.principal, crate::protocol::Principal::User);
            let asked: Json = serde_json::from_str(request.body.as_deref().unwrap()).unwrap();
            assert_eq!(asked, json!({"ids": [100, 101]}));
            http(200, &json!([{
                "id": "100", "issueId": "10002",
                "author": {"accountId": "ann", "displayName": "Ann"},
                "started": "2026-11-24T09:00:00.000+0100", "timeSpentSeconds": 3600,
                "created": "2026-11-24T10:00:00.000+0000", "updated": "2026-11-24T10:00:00.000+0000"
            }]).to_string())
        });
        let author = crate::index::dict_id(crate::index::Kind::Account, "ann");
        host.exec("INSERT INTO sites VALUES ('site-1', 1)");
        // 2026-11-24T08:00Z and 2026-11-25T08:00Z.
        host.exec(&format!(
            "INSERT INTO worklogs VALUES (1, 100, 10002, 10000, {author}, 1795507200000, 3600, 0, 0, 0, 0), \
             (1, 101, 10003, 10000, {author}, 1795593600000, 1800, 0, 0, 0, 0)"
        ));
        host.exec(
            "INSERT INTO issues VALUES (1, 10002, 'ALPHA-2', 'Two', 10000, 0, 0, 0, 0, 0, 0, 0, 0, 0), \
             (1, 10003, 'ALPHA-3', 'Secret', 10000, 0, 0, 0, 0, 0, 0, 0, 0, 0)",
        );
        let out = host
            .run("timesheet.week", json!({"date": "2026-11-24"}))
            .unwrap();
        assert_eq!(out["rows"].as_array().unwrap().len(), 1, "{out}");
        assert_eq!(
            out["rows"][0]["issue"],
            json!({"id": "10002", "key": "ALPHA-2", "summary": "Two", "projectKey": "ALPHA"})
        );
        assert_eq!(out["rows"][0]["worklogs"][0]["id"], "100");
        assert!(!out.to_string().contains("Secret"));
    }

    #[test]
    fn an_empty_week_asks_jira_nothing_and_has_the_schedule() {
        let mut host = FakeHost::new(Some("ann")).on_jira(|r| panic!("asked {}", r.path));
        host.exec(
            "INSERT INTO settings VALUES ('site-1', 'schedule', \
             '{\"workingDays\":[\"mon\",\"tue\"],\"hoursPerDay\":6,\"weekStart\":\"sunday\",\
             \"holidays\":[{\"date\":\"2026-11-24\",\"name\":\"\",\"kind\":\"half\"}]}', 0)",
        );
        let out = host
            .run("timesheet.week", json!({"date": "2026-11-25"}))
            .unwrap();
        assert_eq!(
            out,
            json!({"accountId": "ann", "timeZone": "Europe/Berlin", "today": "2026-11-24", "rows": [], "days": [
                {"date": "2026-11-22", "requiredSeconds": 0, "loggedSeconds": 0, "shortSeconds": 0},
                {"date": "2026-11-23", "requiredSeconds": 21600, "loggedSeconds": 0, "shortSeconds": 21600},
                {"date": "2026-11-24", "requiredSeconds": 10800, "loggedSeconds": 0, "shortSeconds": 10800,
                 "holiday": "Holiday"},
                {"date": "2026-11-25", "requiredSeconds": 0, "loggedSeconds": 0, "shortSeconds": 0},
                {"date": "2026-11-26", "requiredSeconds": 0, "loggedSeconds": 0, "shortSeconds": 0},
                {"date": "2026-11-27", "requiredSeconds": 0, "loggedSeconds": 0, "shortSeconds": 0},
                {"date": "2026-11-28", "requiredSeconds": 0, "loggedSeconds": 0, "shortSeconds": 0}]})
        );
    }

    #[test]
    fn bad_input_names_the_field() {
        let mut host = FakeHost::new(Some("ann")).on_jira(|_| http(500, ""));
        for (input, message) in [
            (
                json!({"date": "24.11.2026"}),
                r#"invalid input: field "date": "24.11.2026" is not a date (expected yyyy-MM-dd)"#,
            ),
            (
                json!({"date": "2026-11-24", "accountId": "a b"}),
                r#"invalid input: field "accountId": "a b" is not an account id"#,
            ),
        ] {
            assert_eq!(
                host.run("timesheet.week", input).unwrap_err().message(),
                message
            );
        }
        assert!(host.batches.is_empty());
    }
    /// A fresh demo world (seed 42, nothing indexed) at `NOW`, acting as `alias`.
    fn fresh(alias: &str) -> (Sim, FakeHost, String) {
        let mut world = World::demo(42);
        world.set_time(NOW);
        let sim = Sim::new(world);
        let mut host = FakeHost::new(None).on_sim(&sim);
        host.now_ms = NOW;
        let who = account(&sim, alias);
        host.act_as(Some(&who));
        (sim, host, who)
    }

    fn log(host: &mut FakeHost, issue: &str, started: &str, seconds: u64) {
        host.run(
            "worklog.log",
            json!({"issue": issue, "started": started, "seconds": seconds}),
        )
        .unwrap();
    }

    /// Days up to and including today (2026-11-24, a Tuesday, in Berlin) with
    /// less than required are short; later days never are; a Saturday-start
    /// week and a whole holiday shape the period and what it requires.
    #[test]
    fn short_days_in_the_week_and_the_shortfall_of_this_period_and_the_last() {
        let (sim, mut host, alice) = fresh("alice");
        let dave = account(&sim, "dave");
        host.act_as(Some(&dave));
        host.run(
            "schedule.save",
            json!({"workingDays": ["mon", "tue", "wed", "thu", "fri"], "hoursPerDay": 8,
                   "weekStart": "saturday",
                   "holidays": [{"date": "2026-11-19", "name": "Founders' Day"}]}),
        )
        .unwrap();
        host.act_as(Some(&alice));
        // This week (Sat 21 to Fri 27): Mon 8 h, Tue 3 h, Thu 2 h (future).
        log(&mut host, "ALPHA-2", "2026-11-23T09:00:00+01:00", 8 * 3600);
        log(&mut host, "ALPHA-2", "2026-11-24T09:00:00+01:00", 3600);
        log(&mut host, "ALPHA-3", "2026-11-24T13:00:00+01:00", 2 * 3600);
        log(&mut host, "ALPHA-2", "2026-11-26T09:00:00+01:00", 2 * 3600);
        // Last week (Sat 14 to Fri 20): Mon 16 8 h, Fri 20 at 23:30 in Berlin
        // (22:30 UTC): Berlin's Friday, 4 h; Thu 19 is a holiday.
        log(&mut host, "ALPHA-2", "2026-11-16T09:00:00+01:00", 8 * 3600);
        log(&mut host, "ALPHA-2", "2026-11-20T22:30:00Z", 4 * 3600);

        let week = host
            .run("timesheet.week", json!({"date": "2026-11-24"}))
            .unwrap();
        assert_eq!(week["today"], "2026-11-24");
        let days: Vec<(String, u64, u64, u64)> = week["days"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                (
                    d["date"].as_str().unwrap().to_owned(),
                    d["requiredSeconds"].as_u64().unwrap(),
                    d["loggedSeconds"].as_u64().unwrap(),
                    d["shortSeconds"].as_u64().unwrap(),
                )
            })
            .collect();
        let h = |n: u64| n * 3600;
        let expected = [
            ("2026-11-21", 0, 0, 0),
            ("2026-11-22", 0, 0, 0),
            ("2026-11-23", h(8), h(8), 0),
            ("2026-11-24", h(8), h(3), h(5)),
            ("2026-11-25", h(8), 0, 0),
            ("2026-11-26", h(8), h(2), 0),
            ("2026-11-27", h(8), 0, 0),
        ];
        assert_eq!(
            days,
            expected
                .iter()
                .map(|(d, r, l, s)| ((*d).to_owned(), *r, *l, *s))
                .collect::<Vec<_>>()
        );

        let out = host.run("timesheet.shortfall", json!({})).unwrap();
        assert_eq!(
            out,
            json!({
                "accountId": alice, "timeZone": "Europe/Berlin", "today": "2026-11-24",
                "period": "week",
                "current": {
                    "first": "2026-11-21", "last": "2026-11-27",
                    "requiredSeconds": h(40), "requiredToDateSeconds": h(16),
                    "loggedSeconds": h(13), "shortSeconds": h(5),
                    "shortDays": [{"date": "2026-11-24", "requiredSeconds": h(8),
                                   "loggedSeconds": h(3), "shortSeconds": h(5)}]
                },
                "previous": {
                    "first": "2026-11-14", "last": "2026-11-20",
                    "requiredSeconds": h(32), "requiredToDateSeconds": h(32),
                    "loggedSeconds": h(12), "shortSeconds": h(20),
                    "shortDays": [
                        {"date": "2026-11-17", "requiredSeconds": h(8), "loggedSeconds": 0, "shortSeconds": h(8)},
                        {"date": "2026-11-18", "requiredSeconds": h(8), "loggedSeconds": 0, "shortSeconds": h(8)},
                        {"date": "2026-11-20", "requiredSeconds": h(8), "loggedSeconds": h(4), "shortSeconds": h(4)}
                    ]
                }
            })
        );

        // A date picks the period; it stays the acting user's own.
        let earlier = host
            .run("timesheet.shortfall", json!({"date": "2026-11-18"}))
            .unwrap();
        assert_eq!(earlier["current"]["first"], "2026-11-14");
        assert_eq!(earlier["previous"]["first"], "2026-11-07");
        let e = host
            .run("timesheet.shortfall", json!({"accountId": dave}))
            .unwrap_err();
        assert!(e.is_invalid_input(), "{e}");
        let e = host
            .run("timesheet.shortfall", json!({"date": "2026-02-30"}))
            .unwrap_err();
        assert!(e.message().contains("field \"date\""), "{e}");
        host.act_as(None);
        let e = host.run("timesheet.shortfall", json!({})).unwrap_err();
        assert!(!e.is_invalid_input(), "{e}");
    }

    /// Time on an issue Jira no longer shows the person counts nowhere: the
    /// balance is made of what Jira answers the viewer, as the timesheet is.
    #[test]
    fn the_shortfall_counts_only_what_jira_shows_the_viewer() {
        let mut host = FakeHost::new(Some("ann")).on_jira(|request| {
            assert_eq!(request.path, "/rest/api/3/worklog/list");
            let asked: Json = serde_json::from_str(request.body.as_deref().unwrap()).unwrap();
            let ids = asked["ids"].as_array().unwrap();
            let shown: Vec<Json> = ids
                .iter()
                .filter(|id| **id == json!(100))
                .map(|_| json!({
                    "id": "100", "issueId": "10002",
                    "author": {"accountId": "ann", "displayName": "Ann"},
                    "started": "2026-11-24T09:00:00.000+0100", "timeSpentSeconds": 3600,
                    "created": "2026-11-24T10:00:00.000+0000", "updated": "2026-11-24T10:00:00.000+0000"
                }))
                .collect();
            http(200, &Json::Array(shown).to_string())
        });
        let author = crate::index::dict_id(crate::index::Kind::Account, "ann");
        host.exec("INSERT INTO sites VALUES ('site-1', 1)");
        host.exec(&format!(
            "INSERT INTO worklogs VALUES (1, 100, 10002, 10000, {author}, 1795507200000, 3600, 0, 0, 0, 0), \
             (1, 101, 10003, 10000, {author}, 1795510800000, 7200, 0, 0, 0, 0)"
        ));
        host.exec(
            "INSERT INTO issues VALUES (1, 10002, 'ALPHA-2', 'Two', 10000, 0, 0, 0, 0, 0, 0, 0, 0, 0), \
             (1, 10003, 'ALPHA-3', 'Secret', 10000, 0, 0, 0, 0, 0, 0, 0, 0, 0)",
        );
        let out = host.run("timesheet.shortfall", json!({})).unwrap();
        assert_eq!(out["current"]["loggedSeconds"], 3600, "{out}");
        assert_eq!(
            out["current"]["shortDays"][1]["shortSeconds"],
            7 * 3600,
            "{out}"
        );
    }
}
