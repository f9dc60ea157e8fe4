//! Jira groups: the acting user's, a group's members, and whether groups exist.

use std::collections::BTreeSet;

use serde::Deserialize;

use crate::executor::Ctx;
use crate::jira::types::{User, ValuesPage};
use crate::jira::{Call, JiraPath};
use crate::protocol::Principal;
use crate::Error;

/// Most members read per group (50 a page, Jira's cap).
const MAX_MEMBERS: usize = 5_000;

#[derive(Deserialize)]
struct Myself {
    #[serde(default)]
    groups: Option<GroupList>,
}

#[derive(Deserialize)]
struct GroupList {
    #[serde(default)]
    items: Vec<GroupName>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct GroupName {
    #[serde(default)]
    name: String,
    #[serde(default)]
    group_id: Option<String>,
}

/// The acting user's groups, by name and by id (both, since a worklog
/// visibility may name either).
///
/// # Errors
///
/// `forbidden` without an acting user; Jira's errors.
pub async fn my_groups(ctx: &Ctx) -> Result<BTreeSet<String>, Error> {
    let call = Call::get(JiraPath::api(&["myself"]).query("expand", "groups"));
    let me: Myself = call.json(ctx).await?;
    let mut out = BTreeSet::new();
    for group in me.groups.map(|g| g.items).unwrap_or_default() {
        if let Some(id) = group.group_id.filter(|id| !id.is_empty()) {
            out.insert(id);
        }
        out.insert(group.name);
    }
    Ok(out)
}

/// The account ids of a group's members (`group/member`, 50 a page).
///
/// # Errors
///
/// `not-found` for an unknown group; Jira's other errors; `limit` past
/// 5,000 members.
pub async fn group_members(
    ctx: &Ctx,
    principal: Principal,
    group: &str,
) -> Result<Vec<String>, Error> {
    let mut out = Vec::new();
    let mut start = 0usize;
    loop {
        let path = JiraPath::api(&["group", "member"])
            .query("groupname", group)
            .query("startAt", &start.to_string())
            .query("maxResults", "50");
        let page: ValuesPage<User> = Call::get(path).by(&principal).json(ctx).await?;
        let n = page.values.len();
        out.extend(page.values.into_iter().map(|m| m.account_id));
        start += n;
        let done =
            page.is_last.unwrap_or(true) || n == 0 || page.total.is_some_and(|t| start as u64 >= t);
        if done {
            return Ok(out);
        }
        if start >= MAX_MEMBERS {
            return Err(Error::limit(format!(
                "group {} has more than {MAX_MEMBERS} members: too many to resolve",
                crate::input::quote(group)
            )));
        }
    }
}

/// Checks that each group exists in Jira (asked as the app, in one batch);
/// `groups` pairs each group with the input field that named it.
///
/// # Errors
///
/// `invalid-input` naming the field and the group when Jira does not know it.
pub async fn check_groups(ctx: &Ctx, groups: &[(String, String)]) -> Result<(), Error> {
    let checks = groups.iter().map(|(_, group)| async move {
        let path = JiraPath::api(&["group", "member"])
            .query("groupname", group)
            .query("maxResults", "1");
        let r: Result<ValuesPage<User>, Error> = Call::get(path).as_app().json(ctx).await;
        r
    });
    let answers = futures::future::join_all(checks).await;
    for ((field, group), answer) in groups.iter().zip(answers) {
        match answer {
            Ok(_) => {}
            Err(e) if e.is_not_found() => {
                return Err(Error::invalid_field(
                    field,
                    format_args!("{}: no such jira group", crate::input::quote(group)),
                ))
            }
            Err(e) => return Err(e),
        }
    }
    Ok(())
}
