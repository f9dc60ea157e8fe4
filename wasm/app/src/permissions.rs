//! Permission checks the app makes itself, by asking Jira about the acting user.
//!
//! Most permissions need no check here: user-initiated requests go to Jira on
//! the user's behalf, and Jira refuses what they may not do. [`require_global`]
//! guards what only the app stores; [`explain_refusal`] tells a refused worklog
//! write from a malformed one, which Jira answers alike.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::executor::Ctx;
use crate::input::{IssueRef, WorklogId};
use crate::jira::{self, JiraPath};
use crate::protocol::Method;
use crate::Error;

#[derive(Deserialize)]
struct Permissions {
    #[serde(default)]
    permissions: BTreeMap<String, Permission>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Permission {
    #[serde(default)]
    have_permission: bool,
}

/// Checks that the acting user holds the global permission `key`, such as
/// `ADMINISTER`, with `GET /rest/api/3/mypermissions?permissions=KEY`.
///
/// # Errors
///
/// `forbidden` without an acting user or without the permission (`what` says
/// what was refused); Jira's errors, mapped.
pub async fn require_global(ctx: &Ctx, key: &str, what: &str) -> Result<(), Error> {
    ctx.acting_user()?;
    let path = JiraPath::api(&["mypermissions"]).query("permissions", key);
    let answer: Permissions = jira::call(ctx, Method::Get, &path, None).await?;
    if answer
        .permissions
        .get(key)
        .is_some_and(|p| p.have_permission)
    {
        Ok(())
    } else {
        Err(Error::forbidden(format!(
            "only users with the jira permission {key} may {what}"
        )))
    }
}

/// What a worklog write tried to do, for [`explain_refusal`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WorklogAction {
    /// Log work (`WORK_ON_ISSUES`).
    Log,
    /// Edit a worklog (`EDIT_OWN_WORKLOGS` / `EDIT_ALL_WORKLOGS`).
    Edit,
    /// Delete a worklog (`DELETE_OWN_WORKLOGS` / `DELETE_ALL_WORKLOGS`).
    Delete,
}

#[derive(Deserialize)]
struct Author {
    #[serde(default)]
    author: Option<AuthorId>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AuthorId {
    #[serde(default)]
    account_id: String,
}

/// Tells a missing permission from bad input after Jira answered 400 to a
/// worklog write.
///
/// Jira's REST API answers a write the user may not make with 400 and a message
/// in the user's language, just like a malformed one, so the status and the
/// text cannot tell them apart. Only on that failure path, this asks Jira which
/// worklog permissions the user holds on the issue (and, to edit or delete,
/// who wrote the worklog), in one batch. Without the permission, `original`
/// becomes `forbidden`, keeping its message; otherwise it is returned as is,
/// as it is when the questions themselves fail.
pub async fn explain_refusal(
    ctx: &Ctx,
    issue: &IssueRef,
    worklog: Option<&WorklogId>,
    action: WorklogAction,
    original: Error,
) -> Error {
    let Ok(user) = ctx.acting_user() else {
        return original;
    };
    let (own, all) = match action {
        WorklogAction::Log => ("WORK_ON_ISSUES", "WORK_ON_ISSUES"),
        WorklogAction::Edit => ("EDIT_OWN_WORKLOGS", "EDIT_ALL_WORKLOGS"),
        WorklogAction::Delete => ("DELETE_OWN_WORKLOGS", "DELETE_ALL_WORKLOGS"),
    };
    let keys = if own == all {
        own.to_owned()
    } else {
        format!("{own},{all}")
    };
    let issue_param = if issue.is_id() { "issueId" } else { "issueKey" };
    let path = JiraPath::api(&["mypermissions"])
        .query(issue_param, issue.as_str())
        .query("permissions", &keys);
    let held = async {
        let answer: Permissions = jira::call(ctx, Method::Get, &path, None).await?;
        let has = |key: &str| {
            answer
                .permissions
                .get(key)
                .is_some_and(|p| p.have_permission)
        };
        Ok::<_, Error>((has(own), has(all)))
    };
    let allowed = match worklog {
        None => held.await.map(|(own, _)| own),
        Some(id) => {
            let worklog_path = JiraPath::api(&["issue", issue.as_str(), "worklog", id.as_str()]);
            let author = async {
                let answer: Author = jira::call(ctx, Method::Get, &worklog_path, None).await?;
                Ok::<_, Error>(answer.author.map(|a| a.account_id))
            };
            // Independent: asked for in one batch.
            match futures::join!(held, author) {
                (Ok((own, all)), Ok(author)) => Ok(all || (own && author.as_deref() == Some(user))),
                (Err(e), _) | (_, Err(e)) => Err(e),
            }
        }
    };
    match allowed {
        Ok(false) => {
            let verb = match action {
                WorklogAction::Log => "log work on",
                WorklogAction::Edit => "edit this worklog on",
                WorklogAction::Delete => "delete this worklog on",
            };
            let which = if own == all {
                own.to_owned()
            } else {
                format!("{all}, or {own} for their own")
            };
            Error::forbidden(format!(
                "you may not {verb} {} (jira permission {which}): {}",
                issue.as_str(),
                original.message()
            ))
        }
        Ok(true) | Err(_) => original,
    }
}
