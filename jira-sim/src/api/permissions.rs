//! Permissions by the issue: `permissions/check` (bulk permissions of a user on
//! projects and issues) and `project/{projectKeyOrId}/permissionscheme` (who
//! holds what in a project).

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::{json, Value};

use super::{ok, parse_body, Caller, Params};
use crate::error::{JiraError, Result};
use crate::state::Sim;
use crate::world::{GlobalPerm, Grant, ProjectPerm, World};

/// The most projects, and the most issues, one `permissions/check` looks up.
const MAX_CHECKED: usize = 1000;

/// Reads a list of strings or ids from `value[key]`, naming the field when it
/// is not one.
fn list(value: &Value, key: &str) -> Result<Vec<Value>> {
    match value.get(key) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => Ok(items.iter().filter(|v| !v.is_null()).cloned().collect()),
        Some(_) => Err(JiraError::field(key, "must be an array")),
    }
}

/// `POST permissions/check`: `BulkPermissionGrants` for the caller (or, for a
/// Jira administrator or the app, the user `accountId` names). Invalid project
/// and issue ids are ignored, as Jira does; at most 1000 of each.
pub(crate) async fn bulk_check(
    State(sim): State<Sim>,
    caller: Caller,
    body: Bytes,
) -> Result<Response> {
    let body = parse_body(&body)?;
    let global_wanted = list(&body, "globalPermissions")?;
    let project_wanted = list(&body, "projectPermissions")?;
    let answer = sim.with_world(|w| {
        let caller_access = w.access(caller.account);
        let access = match body.get("accountId").and_then(Value::as_str) {
            Some(id) if w.accounts[caller.account as usize].account_id != id => {
                if !caller_access.has_global(GlobalPerm::Administer) {
                    return Err(JiraError::forbidden(
                        "You need the Administer Jira global permission to check the permissions of other users.",
                    ));
                }
                let other = w
                    .find_account(id)
                    .ok_or_else(|| JiraError::field("accountId", "The user does not exist."))?;
                w.access(other)
            }
            _ => caller_access,
        };
        let global: Vec<&str> = global_wanted
            .iter()
            .filter_map(Value::as_str)
            .filter_map(GlobalPerm::parse)
            .filter(|&g| access.has_global(g))
            .map(GlobalPerm::key)
            .collect();
        let mut grants = Vec::new();
        for entry in &project_wanted {
            let permissions = list(entry, "permissions")?;
            if permissions.is_empty() {
                return Err(JiraError::field("permissions", "Project permissions are required."));
            }
            let ids = |key: &str| -> Result<Vec<u64>> {
                let values = list(entry, key)?;
                if values.len() > MAX_CHECKED {
                    return Err(JiraError::bad_request(format!(
                        "A maximum of {MAX_CHECKED} {key} can be checked."
                    )));
                }
                Ok(values.iter().filter_map(Value::as_u64).collect())
            };
            let (projects, issues) = (ids("projects")?, ids("issues")?);
            for permission in permissions.iter().filter_map(Value::as_str) {
                if permission.is_empty() {
                    continue;
                }
                let perm = ProjectPerm::parse(permission).ok_or_else(|| {
                    JiraError::bad_request(format!("Permission key '{permission}' does not exist."))
                })?;
                let held_projects: Vec<u64> = projects
                    .iter()
                    .copied()
                    .filter(|&id| {
                        w.projects
                            .iter()
                            .position(|p| p.id == id)
                            .is_some_and(|p| access.has(p as u32, perm))
                    })
                    .collect();
                let held_issues: Vec<u64> = issues
                    .iter()
                    .copied()
                    .filter(|&id| {
                        w.find_issue(&id.to_string()).is_some_and(|i| {
                            access.can_browse_issue(w, i)
                                && (perm == ProjectPerm::BrowseProjects
                                    || access.has(w.issues[i as usize].project, perm))
                        })
                    })
                    .collect();
                grants.push(json!({
                    "permission": permission,
                    "projects": held_projects,
                    "issues": held_issues,
                }));
            }
        }
        Ok(json!({ "globalPermissions": global, "projectPermissions": grants }))
    })?;
    Ok(ok(&answer))
}

/// `GET project/{projectKeyOrId}/permissionscheme[?expand=…]`: the project's
/// `PermissionScheme`; with any `expand`, its grants (`permissions`). Jira
/// administrators, the project's administrators and the app only.
pub(crate) async fn permission_scheme(
    State(sim): State<Sim>,
    caller: Caller,
    Path(key): Path<String>,
    q: Params,
) -> Result<Response> {
    let expand = q.get("expand").is_some_and(|e| !e.is_empty());
    let answer = sim.with_world(|w| {
        let access = w.access(caller.account);
        let p = w.visible_project(&access, &key)?;
        if !(access.has_global(GlobalPerm::Administer)
            || access.has(p, ProjectPerm::AdministerProjects))
        {
            return Err(JiraError::forbidden(
                "You don't have permission to view the permission scheme of this project.",
            ));
        }
        Ok(scheme_json(w, p, &caller.base, expand))
    })?;
    Ok(ok(&answer))
}

/// One scheme per project in the simulator: its id is 10000 plus the project's index.
fn scheme_json(w: &World, p: u32, base: &str, expand: bool) -> Value {
    let project = &w.projects[p as usize];
    let id = 10_000 + u64::from(p);
    let mut scheme = json!({
        "expand": "permissions,user,group,projectRole,field,all",
        "id": id,
        "self": format!("{base}/rest/api/3/permissionscheme/{id}"),
        "name": format!("{} permission scheme", project.name),
        "description": format!("The permissions of {}.", project.key),
    });
    if expand {
        let mut grants = Vec::new();
        for perm in ProjectPerm::ALL {
            for (n, grant) in project.grants[perm as usize].iter().enumerate() {
                let holder = match *grant {
                    Grant::Group(g) => {
                        let group = &w.groups[g as usize];
                        json!({ "type": "group", "parameter": group.name, "value": group.id })
                    }
                    Grant::Role(r) => {
                        let role = w.roles[r as usize].id.to_string();
                        json!({ "type": "projectRole", "parameter": role, "value": role })
                    }
                    Grant::Reporter => json!({ "type": "reporter" }),
                    Grant::Assignee => json!({ "type": "assignee" }),
                };
                let grant_id = id * 1000 + (perm as u64) * 50 + n as u64;
                grants.push(json!({
                    "id": grant_id,
                    "self": format!("{base}/rest/api/3/permissionscheme/{id}/permission/{grant_id}"),
                    "holder": holder,
                    "permission": perm.key(),
                }));
            }
        }
        scheme["permissions"] = Value::Array(grants);
    }
    scheme
}
