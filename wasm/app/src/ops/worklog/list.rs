//! `worklog.list`: every worklog of one issue that the acting user may see.
//!
//! Reads the first page of `GET /rest/api/3/issue/{issue}/worklog`, then every
//! remaining page in one batch (Jira's `total` says how many there are).

use std::collections::BTreeSet;

use futures::future::try_join_all;
use serde::{Deserialize, Serialize};

use super::{JiraWorklog, Worklog};
use crate::executor::Ctx;
use crate::input::{Input, IssueRef};
use crate::jira::types::WorklogPage;
use crate::jira::{Call, JiraPath};
use crate::Error;

/// Worklogs asked for per page.
const PAGE_SIZE: usize = 1000;

/// Most pages read after the first: with Jira's page sizes, tens of thousands of
/// worklogs on one issue, well past what Jira Cloud keeps per issue.
const MAX_MORE_PAGES: usize = 50;

/// The input of `worklog.list`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListRaw {
    issue: String,
}

/// `worklog.list`, validated.
pub struct ListInput {
    issue: IssueRef,
}

impl Input for ListInput {
    type Raw = ListRaw;

    fn validate(raw: ListRaw) -> Result<Self, Error> {
        Ok(Self {
            issue: IssueRef::parse("issue", &raw.issue)?,
        })
    }
}

/// The output of `worklog.list`.
#[derive(Serialize, Debug)]
#[serde(rename_all = "camelCase")]
pub struct WorklogList {
    /// The issue, as given.
    issue: String,
    /// How many worklogs there are.
    total: usize,
    /// Their time spent, added up.
    total_seconds: i64,
    /// In Jira's order.
    worklogs: Vec<Worklog>,
}

async fn page(
    ctx: &Ctx,
    issue: &IssueRef,
    start_at: usize,
) -> Result<WorklogPage<JiraWorklog>, Error> {
    let path = JiraPath::api(&["issue", issue.as_str(), "worklog"])
        .query("startAt", &start_at.to_string())
        .query("maxResults", &PAGE_SIZE.to_string())
        .query("expand", "properties");
    Call::get(path).json(ctx).await
}

/// Lists an issue's worklogs.
///
/// # Errors
///
/// `forbidden` without an acting user; Jira's errors, mapped (an issue the user
/// may not see is `not-found`); `limit` for more pages than
/// [`MAX_MORE_PAGES`]; `upstream` for answers that make no sense.
pub async fn list(ctx: &Ctx, input: ListInput) -> Result<WorklogList, Error> {
    ctx.acting_user()?;
    let issue = &input.issue;
    let first = page(ctx, issue, 0).await?;
    let step = first.worklogs.len();
    let mut raw = first.worklogs;
    if step < first.total {
        if step == 0 {
            return Err(Error::upstream(format!(
                "jira answered an empty first page of worklogs for {} although it counts {}",
                issue.as_str(),
                first.total
            )));
        }
        // Counted before anything is built: Jira's total is not ours to trust.
        let more_pages = (first.total - step).div_ceil(step);
        if more_pages > MAX_MORE_PAGES {
            return Err(Error::limit(format!(
                "issue {} has {} worklogs, more than the {} the app reads at once",
                issue.as_str(),
                first.total,
                (MAX_MORE_PAGES + 1) * step
            )));
        }
        let starts = (step..first.total).step_by(step);
        let pages = try_join_all(starts.map(|start| page(ctx, issue, start))).await?;
        raw.extend(pages.into_iter().flat_map(|p| p.worklogs));
    }
    // Pages read while others log work may overlap: keep the first of each id.
    let mut seen = BTreeSet::new();
    let worklogs = raw
        .into_iter()
        .filter(|w| seen.insert(w.id.clone()))
        .map(JiraWorklog::into_worklog)
        .collect::<Result<Vec<_>, _>>()?;
    let total_seconds = worklogs
        .iter()
        .fold(0i64, |sum, w| sum.saturating_add(w.time_spent_seconds));
    Ok(WorklogList {
        issue: issue.as_str().to_owned(),
        total: worklogs.len(),
        total_seconds,
        worklogs,
    })
}

#[cfg(test)]
mod tests {
    use crate::testing::{http, query_param, FakeHost};
    use serde_json::json;

    fn worklog(id: usize) -> serde_json::Value {
        json!({
            "id": id.to_string(), "issueId": "10002",
            "author": {"accountId": "alice", "displayName": "Alice Andersen"},
            "started": "2026-11-24T09:30:00.000+0000",
            "created": "2026-11-24T10:00:00.000+0000",
            "updated": "2026-11-24T10:00:00.000+0000",
            "timeSpentSeconds": 60,
        })
    }

    /// A Jira that serves `total` worklogs, at most `cap` a page.
    fn paging(
        total: usize,
        cap: usize,
    ) -> impl FnMut(&crate::protocol::JiraRequest) -> crate::protocol::HttpResponse {
        move |request| {
            assert!(
                request
                    .path
                    .starts_with("/rest/api/3/issue/ALPHA-2/worklog?"),
                "{}",
                request.path
            );
            let start: usize = query_param(&request.path, "startAt")
                .unwrap()
                .parse()
                .unwrap();
            let max: usize = query_param(&request.path, "maxResults")
                .unwrap()
                .parse()
                .unwrap();
            let end = total.min(start + max.min(cap));
            let page: Vec<_> = (start..end).map(worklog).collect();
            http(200, &json!({"startAt": start, "maxResults": max.min(cap), "total": total, "worklogs": page}).to_string())
        }
    }

    #[test]
    fn one_page() {
        let mut host = FakeHost::new(Some("alice")).on_jira(paging(3, 1000));
        let out = host
            .run("worklog.list", json!({"issue": "ALPHA-2"}))
            .unwrap();
        assert_eq!(out["total"], 3);
        assert_eq!(out["totalSeconds"], 180);
        assert_eq!(out["issue"], "ALPHA-2");
        assert_eq!(
            out["worklogs"][0]["started"],
            "2026-11-24T09:30:00.000+00:00"
        );
        assert_eq!(out["worklogs"][0]["comment"], "");
        assert_eq!(host.batches.len(), 1);
    }

    #[test]
    fn remaining_pages_go_out_in_one_batch() {
        let mut host = FakeHost::new(Some("alice")).on_jira(paging(2345, 500));
        let out = host
            .run("worklog.list", json!({"issue": "ALPHA-2"}))
            .unwrap();
        assert_eq!(out["total"], 2345);
        assert_eq!(out["worklogs"].as_array().unwrap().len(), 2345);
        assert_eq!(host.batches.len(), 2);
        assert_eq!(host.batches[1].len(), 4);
    }

    #[test]
    fn empty_issue() {
        let mut host = FakeHost::new(Some("alice")).on_jira(paging(0, 1000));
        let out = host
            .run("worklog.list", json!({"issue": "ALPHA-2"}))
            .unwrap();
        assert_eq!(
            out,
            json!({"issue": "ALPHA-2", "total": 0, "totalSeconds": 0, "worklogs": []})
        );
    }

    #[test]
    fn too_many_pages_is_a_limit() {
        let mut host = FakeHost::new(Some("alice")).on_jira(paging(100_000, 100));
        let e = host
            .run("worklog.list", json!({"issue": "ALPHA-2"}))
            .unwrap_err();
        assert_eq!(e.code(), crate::ErrorCode::Limit, "{e}");
    }

    /// A total of worklogs no host could hold is refused before any page is
    /// planned (it used to build the list of pages first).
    #[test]
    fn a_huge_total_is_a_limit_before_any_page_is_planned() {
        let mut host = FakeHost::new(Some("alice")).on_jira(|_| {
            http(
                200,
                &format!(
                    r#"{{"startAt":0,"maxResults":1,"total":{},"worklogs":[{{"id":"1","issueId":"2","started":"2026-11-24T09:30:00.000+0000","created":"x","updated":"y","timeSpentSeconds":60}}]}}"#,
                    u64::MAX / 2
                ),
            )
        });
        let e = host
            .run("worklog.list", json!({"issue": "ALPHA-2"}))
            .unwrap_err();
        assert_eq!(e.code(), crate::ErrorCode::Limit, "{e}");
        assert_eq!(host.batches.len(), 1, "only the first page was asked for");
    }

    #[test]
    fn a_lying_total_is_upstream() {
        let mut host = FakeHost::new(Some("alice")).on_jira(|_| {
            http(
                200,
                r#"{"startAt":0,"maxResults":1000,"total":5,"worklogs":[]}"#,
            )
        });
        let e = host
            .run("worklog.list", json!({"issue": "ALPHA-2"}))
            .unwrap_err();
        assert!(e.is_upstream(), "{e}");
    }

    #[test]
    fn hidden_issue_is_not_found() {
        let mut host = FakeHost::new(Some("alice")).on_jira(|_| {
            http(404, r#"{"errorMessages":["Issue does not exist or you do not have permission to see it."],"errors":{}}"#)
        });
        let e = host
            .run("worklog.list", json!({"issue": "OPS-2"}))
            .unwrap_err();
        assert!(e.is_not_found(), "{e}");
        assert!(e.message().contains("Issue does not exist"), "{e}");
    }

    #[test]
    fn bad_issue_is_rejected_before_any_effect() {
        let mut host = FakeHost::new(Some("alice"));
        for input in [
            json!({"issue": "alpha-2"}),
            json!({"issue": 2}),
            json!({}),
            json!({"issue": "A-1", "x": 1}),
        ] {
            let e = host.run("worklog.list", input.clone()).unwrap_err();
            assert!(e.is_invalid_input(), "{input}: {e}");
        }
        assert!(host.batches.is_empty());
    }
}
