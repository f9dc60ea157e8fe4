//! Worklog writes Jira refused: [`explain_refusal`] tells a missing permission
//! from bad input, which Jira answers alike.

use serde::Deserialize;

use crate::executor::Ctx;
use crate::input::{IssueRef, WorklogId};
use crate::jira::types::{MyPermissions, User};
use crate::jira::{Call, JiraPath};
use crate::Error;

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

/// A worklog, as far as its author.
#[derive(Deserialize)]
struct Author {
    #[serde(default)]
    author: Option<User>,
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
    let permissions = Call::get(
        JiraPath::api(&["mypermissions"])
            .query(issue_param, issue.as_str())
            .query("permissions", &keys),
    );
    let held = async {
        let answer: MyPermissions = permissions.json(ctx).await?;
        Ok::<_, Error>((answer.has(own), answer.has(all)))
    };
    let allowed = match worklog {
        None => held.await.map(|(own, _)| own),
        Some(id) => {
            let worklog_call = Call::get(JiraPath::api(&[
                "issue",
                issue.as_str(),
                "worklog",
                id.as_str(),
            ]));
            let author = async {
                let answer: Author = worklog_call.json(ctx).await?;
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
