//! `worklog.delete`: deletes a worklog as the acting user, with
//! `DELETE /rest/api/3/issue/{issue}/worklog/{id}`.

use serde::{Deserialize, Serialize};

use super::estimate::{Estimate, EstimateRaw, For};
use super::{index_deleted, write};
use crate::access::WorklogAction;
use crate::executor::Ctx;
use crate::input::{Input, IssueRef, WorklogId};
use crate::jira::{Call, JiraPath};
use crate::protocol::Method;
use crate::Error;

/// The input of `worklog.delete`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct DeleteRaw {
    issue: String,
    id: String,
    estimate: Option<EstimateRaw>,
    notify_users: Option<bool>,
}

/// `worklog.delete`, validated.
pub struct DeleteInput {
    issue: IssueRef,
    id: WorklogId,
    estimate: Option<Estimate>,
    notify_users: Option<bool>,
}

impl Input for DeleteInput {
    type Raw = DeleteRaw;

    fn validate(raw: DeleteRaw) -> Result<Self, Error> {
        Ok(Self {
            issue: IssueRef::parse("issue", &raw.issue)?,
            id: WorklogId::parse("id", &raw.id)?,
            estimate: raw
                .estimate
                .map(|e| Estimate::validate(e, For::Delete))
                .transpose()?,
            notify_users: raw.notify_users,
        })
    }
}

/// The output of `worklog.delete`.
#[derive(Serialize, Debug)]
pub struct Deleted {
    /// Always `true`.
    deleted: bool,
    /// The issue, as given.
    issue: String,
    /// The worklog's id.
    id: String,
}

/// Deletes a worklog.
///
/// # Errors
///
/// `forbidden` without an acting user or when Jira refuses; `not-found` for an
/// issue or worklog the user may not see; Jira's other errors, mapped.
pub async fn delete(ctx: &Ctx, input: DeleteInput) -> Result<Deleted, Error> {
    let user = ctx.acting_user()?.to_owned();
    crate::access::lock::check_change(ctx, input.id.as_str(), &user, None).await?;
    let mut path = JiraPath::api(&["issue", input.issue.as_str(), "worklog", input.id.as_str()]);
    if let Some(notify) = input.notify_users {
        path = path.query("notifyUsers", if notify { "true" } else { "false" });
    }
    if let Some(estimate) = input.estimate {
        path = estimate.apply(path, For::Delete);
    }
    let target = (&input.issue, Some(&input.id));
    let call = Call::new(Method::Delete, path, None);
    let (response, site) = futures::join!(
        write(ctx, &call, target, WorklogAction::Delete),
        crate::index::site(ctx)
    );
    response?;
    index_deleted(ctx, site, &input.id).await;
    Ok(Deleted {
        deleted: true,
        issue: input.issue.as_str().to_owned(),
        id: input.id.as_str().to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use crate::testing::{http, FakeHost};
    use serde_json::json;

    #[test]
    fn deletes_with_an_estimate_increase() {
        let mut host = FakeHost::new(Some("alice")).on_jira(|_| http(204, ""));
        let out = host
            .run(
                "worklog.delete",
                json!({"issue": "ALPHA-2", "id": "10100",
                       "estimate": {"adjust": "manual", "increaseBySeconds": 5400}}),
            )
            .unwrap();
        assert_eq!(
            out,
            json!({"deleted": true, "issue": "ALPHA-2", "id": "10100"})
        );
        let request = host.jira_requests().pop().unwrap();
        assert_eq!(request.method, "DELETE");
        assert_eq!(request.body, None);
        assert_eq!(
            request.path,
            "/rest/api/3/issue/ALPHA-2/worklog/10100?adjustEstimate=manual&increaseBy=90m"
        );
    }

    #[test]
    fn someone_elses_worklog_is_forbidden() {
        let mut host = FakeHost::new(Some("bob")).on_jira(|request| match request.method.as_str() {
            "DELETE" => http(400, r#"{"errorMessages":["You do not have the permission to delete this worklog."]}"#),
            _ if request.path.starts_with("/rest/api/3/mypermissions?issueId=10002&permissions=DELETE_OWN_WORKLOGS%2CDELETE_ALL_WORKLOGS") => http(
                200,
                r#"{"permissions":{"DELETE_OWN_WORKLOGS":{"havePermission":true},"DELETE_ALL_WORKLOGS":{"havePermission":false}}}"#,
            ),
            _ => http(200, r#"{"author":{"accountId":"alice"}}"#),
        });
        let e = host
            .run("worklog.delete", json!({"issue": "10002", "id": "10100"}))
            .unwrap_err();
        assert!(e.is_forbidden(), "{e}");
        assert!(
            e.message()
                .starts_with("you may not delete this worklog on 10002"),
            "{e}"
        );
    }

    #[test]
    fn missing_worklog_is_not_found() {
        let mut host = FakeHost::new(Some("alice")).on_jira(|_| {
            http(
                404,
                r#"{"errorMessages":["Cannot find worklog with id: 999"]}"#,
            )
        });
        let e = host
            .run("worklog.delete", json!({"issue": "ALPHA-2", "id": "999"}))
            .unwrap_err();
        assert!(e.is_not_found(), "{e}");
    }

    #[test]
    fn reduce_is_not_an_option_of_delete() {
        let mut host = FakeHost::new(Some("alice"));
        let e = host
            .run(
                "worklog.delete",
                json!({"issue": "ALPHA-2", "id": "1", "estimate": {"adjust": "manual", "reduceBySeconds": 60}}),
            )
            .unwrap_err();
        assert!(e.message().contains("estimate.reduceBySeconds"), "{e}");
        assert!(host.batches.is_empty());
    }
}
