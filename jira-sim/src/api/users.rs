//! People, projects and permissions: `myself`, `user`, `user/bulk`,
//! `user/search`, `user/groups`, `project/search`, `mypermissions`.

use axum::extract::State;
use axum::response::Response;
use serde_json::{json, Map, Value};

use super::{ok, paging, Caller, Params};
use crate::error::{JiraError, Result};
use crate::render::Render;
use crate::state::Sim;
use crate::world::{GlobalPerm, ProjectPerm};

/// `GET myself`: the caller as a `User`; the app user for `asApp` calls.
pub(crate) async fn myself(State(sim): State<Sim>, caller: Caller, q: Params) -> Result<Response> {
    let expand = q.get("expand").unwrap_or("").to_owned();
    let body = sim.with_world(|w| {
        let access = w.access(caller.account);
        Render::new(w, &caller.base, &access).user(caller.account, &expand)
    });
    Ok(ok(&body))
}

fn user_not_found() -> JiraError {
    JiraError::not_found("Specified user does not exist or you do not have required permissions")
}

/// `GET user?accountId=`: a `User`; 404 when unknown.
pub(crate) async fn user(State(sim): State<Sim>, caller: Caller, q: Params) -> Result<Response> {
    let expand = q.get("expand").unwrap_or("").to_owned();
    let id = q.get("accountId").unwrap_or("").to_owned();
    let body = sim.with_world(|w| {
        let access = w.access(caller.account);
        let a = *w.index.account_by_id.get(&id).ok_or_else(user_not_found)?;
        Ok::<_, JiraError>(Render::new(w, &caller.base, &access).user(a, &expand))
    })?;
    Ok(ok(&body))
}

/// `GET user/groups?accountId=`: the user's groups as `GroupName`s.
pub(crate) async fn groups(State(sim): State<Sim>, caller: Caller, q: Params) -> Result<Response> {
    let id = q.get("accountId").unwrap_or("").to_owned();
    let body = sim.with_world(|w| {
        let access = w.access(caller.account);
        if !access.has_global(GlobalPerm::UserPicker) {
            return Err(JiraError::forbidden(
                "You do not have the permission to browse users and groups.",
            ));
        }
        let a = *w.index.account_by_id.get(&id).ok_or_else(user_not_found)?;
        let r = Render::new(w, &caller.base, &access);
        Ok(Value::Array(
            w.accounts[a as usize]
                .groups
                .iter()
                .map(|&g| r.group(g))
                .collect(),
        ))
    })?;
    Ok(ok(&body))
}

/// Most users one `user/bulk` page returns.
const MAX_BULK: i64 = 200;

/// `GET user/bulk?accountId=…&accountId=…`: `PageBeanUser` of the known ones, in
/// the order asked (default page size 10, as in Jira).
pub(crate) async fn bulk(State(sim): State<Sim>, caller: Caller, q: Params) -> Result<Response> {
    let (start, max) = paging(&q, 10, MAX_BULK, 400)?;
    let ids: Vec<String> = q.list("accountId").into_iter().map(str::to_owned).collect();
    if ids.is_empty() {
        return Err(JiraError::bad_request(
            "You must specify at least one accountId.",
        ));
    }
    let body = sim.with_world(|w| {
        let access = w.access(caller.account);
        let r = Render::new(w, &caller.base, &access);
        let mut found: Vec<u32> = Vec::new();
        for id in &ids {
            if let Some(&a) = w.index.account_by_id.get(id) {
                if !found.contains(&a) {
                    found.push(a);
                }
            }
        }
        let values: Vec<Value> = found
            .iter()
            .skip(start)
            .take(max)
            .map(|&a| r.user(a, ""))
            .collect();
        page_bean(
            &caller.base,
            "/rest/api/3/user/bulk",
            &q,
            start,
            max,
            found.len(),
            values,
        )
    });
    Ok(ok(&body))
}

/// Most users one `user/search` answer holds (Jira's cap).
const MAX_SEARCH: i64 = 1000;

/// `GET user/search?query=|accountId=`: a list of `User`s whose display name
/// (a word of it) or e-mail address starts with `query`, by display name, or
/// the one with `accountId`. As in Jira, a caller without *Browse users and
/// groups* gets an empty list, and one of `query`, `accountId` or `property`
/// is required (400).
pub(crate) async fn search(State(sim): State<Sim>, caller: Caller, q: Params) -> Result<Response> {
    let (start, max) = paging(&q, 50, MAX_SEARCH, 400)?;
    let query = q.get("query").map(str::to_owned);
    let account = q.get("accountId").map(str::to_owned);
    if query.is_none() && account.is_none() && q.get("property").is_none() {
        return Err(JiraError::bad_request(
            "The query parameter 'query' or 'accountId' or 'property' must be provided.",
        ));
    }
    let body = sim.with_world(|w| {
        let access = w.access(caller.account);
        if !access.has_global(GlobalPerm::UserPicker) && !access.has_global(GlobalPerm::Administer)
        {
            return Value::Array(Vec::new());
        }
        let mut found = match &query {
            Some(text) => w.search_accounts(text),
            None => (0..w.accounts.len() as u32).collect(),
        };
        if let Some(id) = &account {
            found.retain(|&a| &w.accounts[a as usize].account_id == id);
        }
        let r = Render::new(w, &caller.base, &access);
        Value::Array(
            found
                .iter()
                .skip(start)
                .take(max)
                .map(|&a| r.user(a, ""))
                .collect(),
        )
    });
    Ok(ok(&body))
}

/// A `PageBean…` with `self` and, when more follow, `nextPage`.
fn page_bean(
    base: &str,
    path: &str,
    q: &Params,
    start: usize,
    max: usize,
    total: usize,
    values: Vec<Value>,
) -> Value {
    let is_last = start + values.len() >= total;
    let mut out = json!({
        "self": format!("{base}{path}?{}", q.query()),
        "maxResults": max,
        "startAt": start,
        "total": total,
        "isLast": is_last,
        "values": values,
    });
    if !is_last {
        out["nextPage"] = json!(format!(
            "{base}{path}?{}",
            q.with("startAt", &(start + max).to_string())
        ));
    }
    out
}

/// `GET project/search`: `PageBeanProject` of the projects the caller may
/// browse (`action=edit`: administer), filtered by `keys`, `id` and `query`.
pub(crate) async fn project_search(
    State(sim): State<Sim>,
    caller: Caller,
    q: Params,
) -> Result<Response> {
    let (start, max) = paging(&q, 50, 100, 400)?;
    let keys: Vec<String> = q
        .list("keys")
        .into_iter()
        .map(str::to_ascii_uppercase)
        .collect();
    let ids: Vec<String> = q.list("id").into_iter().map(str::to_owned).collect();
    let text = q.get("query").unwrap_or("").to_lowercase();
    let order = q.get("orderBy").unwrap_or("key").to_owned();
    let action = q.get("action").unwrap_or("view").to_owned();
    let needed = match action.as_str() {
        "view" | "browse" => ProjectPerm::BrowseProjects,
        "edit" => ProjectPerm::AdministerProjects,
        "create" => ProjectPerm::WorkOnIssues,
        other => {
            return Err(JiraError::bad_request(format!(
                "Invalid value '{other}' for 'action': expected view, browse, edit or create."
            )))
        }
    };
    let body = sim.with_world(|w| {
        let access = w.access(caller.account);
        let mut hits: Vec<u32> = (0..w.projects.len() as u32)
            .filter(|&p| access.can_browse(p) && access.has(p, needed))
            .filter(|&p| {
                let project = &w.projects[p as usize];
                (keys.is_empty() || keys.contains(&project.key))
                    && (ids.is_empty() || ids.contains(&project.id.to_string()))
                    && (text.is_empty()
                        || project.key.to_lowercase().contains(&text)
                        || project.name.to_lowercase().contains(&text))
            })
            .collect();
        let (desc, field) = match order.strip_prefix('-') {
            Some(f) => (true, f),
            None => (false, order.strip_prefix('+').unwrap_or(&order)),
        };
        match field {
            "name" => hits.sort_by(|&a, &b| {
                w.projects[a as usize]
                    .name
                    .cmp(&w.projects[b as usize].name)
            }),
            _ => hits.sort_by(|&a, &b| w.projects[a as usize].key.cmp(&w.projects[b as usize].key)),
        }
        if desc {
            hits.reverse();
        }
        let r = Render::new(w, &caller.base, &access);
        let values: Vec<Value> = hits
            .iter()
            .skip(start)
            .take(max)
            .map(|&p| r.project(p))
            .collect();
        page_bean(
            &caller.base,
            "/rest/api/3/project/search",
            &q,
            start,
            max,
            hits.len(),
            values,
        )
    });
    Ok(ok(&body))
}

/// Jira's permission keys: key, id, name, type (`PROJECT` or `GLOBAL`). The
/// simulator models the worklog-related ones ([`ProjectPerm`], [`GlobalPerm`]);
/// the others are accepted and reported as not held (except for the app).
const PERMISSIONS: &[(&str, &str, &str, &str)] = &[
    ("ADMINISTER", "0", "Administer Jira", "GLOBAL"),
    ("SYSTEM_ADMIN", "44", "Jira System Administrators", "GLOBAL"),
    ("USER_PICKER", "27", "Browse users and groups", "GLOBAL"),
    (
        "CREATE_SHARED_OBJECTS",
        "22",
        "Share dashboards and filters",
        "GLOBAL",
    ),
    (
        "MANAGE_GROUP_FILTER_SUBSCRIPTIONS",
        "24",
        "Manage group filter subscriptions",
        "GLOBAL",
    ),
    ("BULK_CHANGE", "33", "Make bulk changes", "GLOBAL"),
    ("BROWSE_PROJECTS", "10", "Browse Projects", "PROJECT"),
    ("WORK_ON_ISSUES", "20", "Work On Issues", "PROJECT"),
    ("EDIT_OWN_WORKLOGS", "40", "Edit Own Worklogs", "PROJECT"),
    ("EDIT_ALL_WORKLOGS", "41", "Edit All Worklogs", "PROJECT"),
    (
        "DELETE_OWN_WORKLOGS",
        "42",
        "Delete Own Worklogs",
        "PROJECT",
    ),
    (
        "DELETE_ALL_WORKLOGS",
        "43",
        "Delete All Worklogs",
        "PROJECT",
    ),
    (
        "ADMINISTER_PROJECTS",
        "23",
        "Administer Projects",
        "PROJECT",
    ),
    ("CREATE_ISSUES", "11", "Create Issues", "PROJECT"),
    ("EDIT_ISSUES", "12", "Edit Issues", "PROJECT"),
    ("ASSIGN_ISSUES", "13", "Assign Issues", "PROJECT"),
    ("RESOLVE_ISSUES", "14", "Resolve Issues", "PROJECT"),
    ("ADD_COMMENTS", "15", "Add Comments", "PROJECT"),
    ("DELETE_ISSUES", "16", "Delete Issues", "PROJECT"),
    ("ASSIGNABLE_USER", "17", "Assignable User", "PROJECT"),
    ("CLOSE_ISSUES", "18", "Close Issues", "PROJECT"),
    ("CREATE_ATTACHMENTS", "19", "Create Attachments", "PROJECT"),
    ("LINK_ISSUES", "21", "Link Issues", "PROJECT"),
    ("MOVE_ISSUES", "25", "Move Issues", "PROJECT"),
    ("SET_ISSUE_SECURITY", "26", "Set Issue Security", "PROJECT"),
    ("SCHEDULE_ISSUES", "28", "Schedule Issues", "PROJECT"),
    ("VIEW_DEV_TOOLS", "29", "View Development Tools", "PROJECT"),
    ("MODIFY_REPORTER", "30", "Modify Reporter", "PROJECT"),
    (
        "VIEW_VOTERS_AND_WATCHERS",
        "31",
        "View Voters and Watchers",
        "PROJECT",
    ),
    ("MANAGE_WATCHERS", "32", "Manage Watchers", "PROJECT"),
    ("EDIT_ALL_COMMENTS", "34", "Edit All Comments", "PROJECT"),
    ("EDIT_OWN_COMMENTS", "35", "Edit Own Comments", "PROJECT"),
    (
        "DELETE_ALL_COMMENTS",
        "36",
        "Delete All Comments",
        "PROJECT",
    ),
    (
        "DELETE_OWN_COMMENTS",
        "37",
        "Delete Own Comments",
        "PROJECT",
    ),
    (
        "DELETE_ALL_ATTACHMENTS",
        "38",
        "Delete All Attachments",
        "PROJECT",
    ),
    (
        "DELETE_OWN_ATTACHMENTS",
        "39",
        "Delete Own Attachments",
        "PROJECT",
    ),
    (
        "VIEW_READONLY_WORKFLOW",
        "45",
        "View Read-Only Workflow",
        "PROJECT",
    ),
    ("TRANSITION_ISSUES", "46", "Transition Issues", "PROJECT"),
];

/// `GET mypermissions?permissions=A,B[&projectKey=|projectId=|issueKey=|issueId=]`:
/// `Permissions` with `havePermission` per key. Without a project or issue, a
/// project permission counts if held in any project.
pub(crate) async fn my_permissions(
    State(sim): State<Sim>,
    caller: Caller,
    q: Params,
) -> Result<Response> {
    let wanted: Vec<String> = q
        .list("permissions")
        .into_iter()
        .map(str::to_owned)
        .collect();
    if wanted.is_empty() {
        return Err(JiraError::bad_request(
            "The 'permissions' query parameter is required: a comma-separated list of permission keys.",
        ));
    }
    let mut rows = Vec::new();
    for key in &wanted {
        match PERMISSIONS.iter().find(|p| p.0 == key) {
            Some(p) => rows.push(*p),
            None => {
                return Err(JiraError::bad_request(format!(
                    "Permission key '{key}' does not exist."
                )))
            }
        }
    }
    let project_q = q
        .get("projectId")
        .or(q.get("projectKey"))
        .map(str::to_owned);
    let issue_q = q.get("issueId").or(q.get("issueKey")).map(str::to_owned);
    let body = sim.with_world(|w| {
        let access = w.access(caller.account);
        let project = if let Some(i) = &issue_q {
            Some(w.issues[w.visible_issue(&access, i)? as usize].project)
        } else if let Some(p) = &project_q {
            Some(w.visible_project(&access, p)?)
        } else {
            None
        };
        let mut out = Map::new();
        for (key, id, name, kind) in rows {
            let held = if let Some(g) = GlobalPerm::parse(key) {
                access.has_global(g)
            } else if let Some(perm) = ProjectPerm::parse(key) {
                match project {
                    Some(p) => access.has(p, perm),
                    None => access.has_anywhere(perm),
                }
            } else {
                access.app
            };
            out.insert(
                key.to_owned(),
                json!({
                    "id": id,
                    "key": key,
                    "name": name,
                    "type": kind,
                    "description": name,
                    "havePermission": held,
                }),
            );
        }
        Ok::<_, JiraError>(json!({ "permissions": out }))
    })?;
    Ok(ok(&body))
}

/// Most groups one `groups/picker` answer holds (Jira's default
/// `jira.ajax.autocomplete.limit`).
const MAX_PICKED: i64 = 20;

/// Escapes text for the picker's `html`.
fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The group's name with the first match of `query` in bold, escaped.
fn highlighted(name: &str, query: &str, case_insensitive: bool) -> String {
    let at = if query.is_empty() {
        None
    } else if case_insensitive {
        // Lower-casing may change lengths: find the match by characters.
        let chars: Vec<char> = name.chars().collect();
        let wanted: Vec<char> = query.chars().collect();
        (0..chars.len().saturating_sub(wanted.len()) + 1)
            .find(|&i| {
                chars[i..]
                    .iter()
                    .zip(&wanted)
                    .all(|(a, b)| a.to_lowercase().eq(b.to_lowercase()))
                    && chars.len() >= i + wanted.len()
            })
            .map(|i| {
                let start: usize = chars[..i].iter().map(|c| c.len_utf8()).sum();
                let len: usize = chars[i..i + wanted.len()]
                    .iter()
                    .map(|c| c.len_utf8())
                    .sum();
                (start, start + len)
            })
    } else {
        name.find(query).map(|i| (i, i + query.len()))
    };
    match at {
        Some((from, to)) => format!(
            "{}<b>{}</b>{}",
            escape_html(&name[..from]),
            escape_html(&name[from..to]),
            escape_html(&name[to..])
        ),
        None => escape_html(name),
    }
}

/// `GET groups/picker?query=&maxResults=&exclude=|excludeId=&caseInsensitive=`:
/// `FoundGroups`, the groups whose name contains the query, by name. A
/// caller without *Browse projects* anywhere gets an empty list; one without
/// *Browse users and groups* only the group named exactly by the query.
pub(crate) async fn group_picker(
    State(sim): State<Sim>,
    caller: Caller,
    q: Params,
) -> Result<Response> {
    let query = q.get("query").unwrap_or("").to_owned();
    let case_insensitive = q.bool("caseInsensitive", false)?;
    let max =
        usize::try_from(q.int("maxResults", MAX_PICKED, 400)?.clamp(0, MAX_PICKED)).unwrap_or(0);
    let exclude = q.list("exclude");
    let exclude_ids = q.list("excludeId");
    if !exclude.is_empty() && !exclude_ids.is_empty() {
        return Err(JiraError::bad_request(
            "Only one of the parameters 'exclude' and 'excludeId' can be specified.",
        ));
    }
    let excluded: Vec<&str> = exclude.into_iter().chain(exclude_ids).collect();
    let body = sim.with_world(|w| {
        let access = w.access(caller.account);
        let found = if access.has_anywhere(ProjectPerm::BrowseProjects) {
            let exact = !access.has_global(GlobalPerm::UserPicker);
            w.groups_matching(&query, case_insensitive, exact, &excluded)
        } else {
            Vec::new()
        };
        let groups: Vec<Value> = found
            .iter()
            .take(max)
            .map(|&g| {
                let group = &w.groups[g as usize];
                json!({
                    "name": group.name,
                    "html": highlighted(&group.name, &query, case_insensitive),
                    "labels": [],
                    "groupId": group.id,
                })
            })
            .collect();
        json!({
            "header": format!("Showing {} of {} matching groups", groups.len(), found.len()),
            "total": found.len(),
            "groups": groups,
        })
    });
    Ok(ok(&body))
}

/// Most users one `group/member` page returns (Jira's cap).
const MAX_MEMBERS: i64 = 50;

/// `GET group/member?groupname=|groupId=`: `PageBeanUserDetails` of the
/// group's members, by display name. Needs *Browse users and groups* or
/// *Administer Jira*; 404 for an unknown group.
pub(crate) async fn group_members(
    State(sim): State<Sim>,
    caller: Caller,
    q: Params,
) -> Result<Response> {
    let (start, max) = paging(&q, MAX_MEMBERS, MAX_MEMBERS, 400)?;
    q.bool("includeInactiveUsers", false)?;
    let name = q.get("groupname").map(str::to_owned);
    let id = q.get("groupId").map(str::to_owned);
    let wanted = match (name, id) {
        (Some(_), Some(_)) => {
            return Err(JiraError::bad_request(
                "Only one parameter of 'groupname' and 'groupId' can be specified.",
            ))
        }
        (None, None) => {
            return Err(JiraError::bad_request(
                "Either a 'groupname' or a 'groupId' must be specified.",
            ))
        }
        (Some(v), None) | (None, Some(v)) => v,
    };
    let body = sim.with_world(|w| {
        let access = w.access(caller.account);
        if !access.has_global(GlobalPerm::UserPicker) && !access.has_global(GlobalPerm::Administer)
        {
            return Err(JiraError::forbidden(
                "You do not have the permission to browse users and groups.",
            ));
        }
        let g = w
            .find_group(&wanted)
            .ok_or_else(|| JiraError::not_found(format!("Group '{wanted}' does not exist.")))?;
        let mut members: Vec<u32> = (0..w.accounts.len() as u32)
            .filter(|&a| w.accounts[a as usize].groups.contains(&g))
            .collect();
        members.sort_by(|&a, &b| {
            w.accounts[a as usize]
                .display_name
                .cmp(&w.accounts[b as usize].display_name)
        });
        let r = Render::new(w, &caller.base, &access);
        let values: Vec<Value> = members
            .iter()
            .skip(start)
            .take(max)
            .map(|&a| r.user_details(a))
            .collect();
        Ok(page_bean(
            &caller.base,
            "/rest/api/3/group/member",
            &q,
            start,
            max,
            members.len(),
            values,
        ))
    })?;
    Ok(ok(&body))
}

/// `GET project/{projectIdOrKey}/roledetails[?currentMember=true]`:
/// `ProjectRoleDetails` of every role, or only of those the caller is in
/// (through a group). 404 when the project does not exist or the caller cannot
/// browse it.
pub(crate) async fn role_details(
    State(sim): State<Sim>,
    caller: Caller,
    axum::extract::Path(key): axum::extract::Path<String>,
    q: Params,
) -> Result<Response> {
    let current = q.bool("currentMember", false)?;
    q.bool("excludeConnectAddons", false)?;
    q.bool("excludeOtherServiceRoles", false)?;
    let body = sim.with_world(|w| {
        let access = w.access(caller.account);
        let p = w.visible_project(&access, &key)?;
        let roles: Vec<Value> = (0..w.roles.len() as u32)
            .filter(|&r| !current || access.in_role(p, r))
            .map(|r| {
                let role = &w.roles[r as usize];
                json!({
                    "self": format!("{}/rest/api/3/project/{}/role/{}", caller.base, w.projects[p as usize].id, role.id),
                    "id": role.id,
                    "name": role.name,
                    "translatedName": role.name,
                    "description": role.name,
                    "admin": false,
                    "default": false,
                    "roleConfigurable": true,
                })
            })
            .collect();
        Ok::<_, JiraError>(Value::Array(roles))
    })?;
    Ok(ok(&body))
}
