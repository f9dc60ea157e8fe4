//! `timesheet.week`: one person's worklogs in one week across issues, with the
//! days of the week in their zone and the hours the site's schedule requires
//! each day.
//!
//! The worklogs are found in the index (author and start, one bounded range of
//! `worklogs_author`), then read from Jira on the viewer's behalf with
//! `POST /rest/api/3/worklog/list`: Jira answers only the worklogs the viewer
//! may see (browse permission on the project, group or role visibility), so
//! the index never reveals time the viewer could not see in Jira.

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
use chrono::Days;
use worklogs_core::calendar::{week_start, DateRange, Zone};
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
    date: NaiveDate,
    account_id: Option<String>,
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
/// viewer may see their time ([`access::may_view_time_of`]).
///
/// # Errors
///
/// `forbidden` without an acting user or for someone whose time the viewer may
/// not see; `limit` above [`MAX_WORKLOGS`] worklogs in the week; Jira's and the
/// database's errors.
pub async fn week(ctx: &Ctx, input: WeekInput) -> Result<Week, Error> {
    let user = ctx.acting_user()?.to_owned();
    let person = input.account_id.unwrap_or_else(|| user.clone());
    let zone_name = if person == user {
        ctx.context().time_zone.clone()
    } else {
        if !access::may_view_time_of(ctx, &person).await? {
            return Err(Error::forbidden(format!(
                "you may not see the time of {}",
                quote(&person)
            )));
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
    let first = week_start(input.date, plan.week_start)
        .map_err(|e| Error::invalid_field("date", e.message()))?;
    let end = first.checked_add_days(Days::new(7)).ok_or_else(|| {
        Error::invalid_field("date", format_args!("{} is out of range", input.date))
    })?;
    let dates =
        DateRange::new(first, end).map_err(|e| Error::invalid_field("date", e.message()))?;
    let range = dates
        .instants(zone)
        .map_err(|e| Error::invalid_field("date", e.message()))?;
    let days = dates
        .iter()
        .map(|date| Day {
            date: date.to_string(),
            required_seconds: plan.required_on(date).get(),
            holiday: plan.holiday_on(date).map(|h| {
                if h.name.is_empty() {
                    "Holiday".to_owned()
                } else {
                    h.name.clone()
                }
            }),
        })
        .collect();
    let found = index::worklogs::by_author(
        ctx,
        site,
        &person,
        range.start.millis(),
        range.end.millis(),
        MAX_WORKLOGS + 1,
    )
    .await?;
    if found.len() > MAX_WORKLOGS {
        return Err(Error::limit(format!(
            "the week from {first} holds more than {MAX_WORKLOGS} worklogs of {}; use a report",
            quote(&person)
        )));
    }
    let found: Vec<(i64, i64)> = found.iter().map(|f| (f.id, f.issue)).collect();
    let out_rows = if found.is_empty() {
        Vec::new()
    } else {
        visible_rows(ctx, site, &found).await?
    };
    Ok(Week {
        account_id: person,
        time_zone: zone.name().to_owned(),
        days,
        rows: out_rows,
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
            json!({"accountId": "ann", "timeZone": "Europe/Berlin", "rows": [], "days": [
                {"date": "2026-11-22", "requiredSeconds": 0},
                {"date": "2026-11-23", "requiredSeconds": 21600},
                {"date": "2026-11-24", "requiredSeconds": 10800, "holiday": "Holiday"},
                {"date": "2026-11-25", "requiredSeconds": 0},
                {"date": "2026-11-26", "requiredSeconds": 0},
                {"date": "2026-11-27", "requiredSeconds": 0},
                {"date": "2026-11-28", "requiredSeconds": 0}]})
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
}
