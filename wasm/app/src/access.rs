//! Who may see whose time, and which worklogs of the index a viewer may see.
//!
//! Two questions, both answered from Jira once per task:
//!
//! - **Whose time** ([`may_view_time_of`], [`Viewer::people`]): a person's own
//!   always; the time of the members of a grant's `teams` for the members of
//!   its `group` (grants are the app's setting `access.grants`, edited by Jira
//!   administrators with `access.save`); everyone's for Jira administrators
//!   (global permission `ADMINISTER`) and for a task with no acting user (the
//!   app itself: CLI, scheduled jobs).
//! - **Which worklogs** ([`Viewer::sees`]): those on projects the viewer may
//!   browse (`project/search?action=browse`, as the user) whose visibility
//!   admits them: no restriction, a group they are in (`myself?expand=groups`)
//!   or a project role they hold in the worklog's project
//!   (`project/{id}/roledetails?currentMember=true`, asked lazily, only for
//!   projects with role-restricted worklogs). Whatever Jira refuses to tell
//!   counts as "no": a failed role lookup hides the worklogs it guards.
//!
//! Reports filter projects and people in SQL ([`Viewer::project_ids`],
//! [`Viewer::author_ids`]) and visibility per row.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::executor::Ctx;
use crate::index::{dict_id, Kind};
use crate::jira::{self, JiraPath};
use crate::protocol::{HttpResponse, Method, Principal};
use crate::{store, Error};

/// The setting that holds the grants (JSON, [`Grants`]).
pub const GRANTS_SETTING: &str = "access.grants";

/// Most projects read for a viewer (100 a page).
const MAX_PROJECTS: usize = 10_000;
/// Most members read per group (50 a page, Jira's cap).
const MAX_MEMBERS: usize = 5_000;

/// One grant: members of `group` see the time of members of `teams`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Grant {
    /// The Jira group whose members get the sight.
    pub group: String,
    /// The Jira groups whose members' time they see.
    pub teams: Vec<String>,
}

/// Every grant of the site.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Grants {
    /// The grants, in the order saved.
    pub grants: Vec<Grant>,
    /// The Jira groups whose members may measure `cost` (the "see costs"
    /// grant): anyone who sees cost and hours per person can divide one by
    /// the other, so cost reveals hourly rates. Jira administrators always may.
    #[serde(default, rename = "costViewers", skip_serializing_if = "Vec::is_empty")]
    pub cost_viewers: Vec<String>,
}

/// The name of the grant that lets people measure cost, for refusals.
pub const COST_GRANT: &str = "see costs (access grants: costViewers)";

/// Whether the task may measure cost: the app's jobs and the operator, Jira
/// administrators, and members of a group the "see costs" grant names.
///
/// # Errors
///
/// `forbidden` naming the grant for anyone else; Jira's and the database's
/// errors (a failed check refuses).
pub async fn require_cost_viewer(ctx: &Ctx) -> Result<(), Error> {
    if ctx.acting_user().is_err() {
        // Jobs and the local operator run as the app, which owns the rates.
        return Ok(());
    }
    let (admin, grants) = futures::join!(is_jira_admin(ctx), load_grants(ctx));
    if admin? {
        return Ok(());
    }
    let grants = grants?;
    if !grants.cost_viewers.is_empty() {
        let mine = my_groups(ctx).await?;
        if grants.cost_viewers.iter().any(|g| mine.contains(g)) {
            return Ok(());
        }
    }
    Err(Error::forbidden(format!(
        "measuring cost reveals hourly rates: it needs the grant \"{COST_GRANT}\" \
         (a Jira administrator adds one of your groups to it)"
    )))
}

impl store::Setting for Grants {
    const NAME: &'static str = GRANTS_SETTING;
    const WHAT: &'static str = "a list of access grants";

    fn decode(text: &str) -> Result<Self, String> {
        store::from_json(text)
    }

    fn encode(&self) -> Result<String, String> {
        store::to_json(self)
    }
}

/// Reads the site's grants (none when never saved).
///
/// # Errors
///
/// The database's errors; `internal` when the stored JSON is unreadable.
pub async fn load_grants(ctx: &Ctx) -> Result<Grants, Error> {
    store::load(ctx).await
}

/// The principal for the viewer's own questions: the user, or the app for a
/// task without one.
pub fn principal(ctx: &Ctx) -> Principal {
    if ctx.acting_user().is_ok() {
        Principal::User
    } else {
        Principal::App
    }
}

/// Sends a request as `principal` and parses a 2xx JSON answer.
///
/// # Errors
///
/// Jira's errors, mapped ([`jira::error_for`]).
pub async fn call_as<T: serde::de::DeserializeOwned>(
    ctx: &Ctx,
    principal: Principal,
    method: Method,
    path: &JiraPath,
    body: Option<String>,
) -> Result<T, Error> {
    let response: HttpResponse = ctx.jira(principal, method, path, body).await?;
    let response = jira::success(response, method, path)?;
    jira::parse(&response, method, path)
}

#[derive(Deserialize)]
struct Permissions {
    #[serde(default)]
    permissions: BTreeMap<String, Held>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Held {
    #[serde(default)]
    have_permission: bool,
}

/// Whether the acting user holds Jira's global `ADMINISTER` (false without
/// one: the app is not a person).
///
/// # Errors
///
/// Jira's errors.
pub async fn is_jira_admin(ctx: &Ctx) -> Result<bool, Error> {
    if ctx.acting_user().is_err() {
        return Ok(false);
    }
    let path = JiraPath::api(&["mypermissions"]).query("permissions", "ADMINISTER");
    let answer: Permissions = jira::call(ctx, Method::Get, &path, None).await?;
    Ok(answer
        .permissions
        .get("ADMINISTER")
        .is_some_and(|p| p.have_permission))
}

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
    let path = JiraPath::api(&["myself"]).query("expand", "groups");
    let me: Myself = jira::call(ctx, Method::Get, &path, None).await?;
    let mut out = BTreeSet::new();
    for group in me.groups.map(|g| g.items).unwrap_or_default() {
        if let Some(id) = group.group_id.filter(|id| !id.is_empty()) {
            out.insert(id);
        }
        out.insert(group.name);
    }
    Ok(out)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct UserGroup {
    #[serde(default)]
    name: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct MemberPage {
    #[serde(default)]
    values: Vec<Member>,
    #[serde(default)]
    is_last: Option<bool>,
    #[serde(default)]
    total: Option<u64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Member {
    #[serde(default)]
    account_id: String,
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
        let page: MemberPage = call_as(ctx, principal, Method::Get, &path, None).await?;
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
        let r: Result<MemberPage, Error> =
            call_as(ctx, Principal::App, Method::Get, &path, None).await;
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

/// Whether the acting user may see the time of `account_id`: always for
/// themselves and for the app; for Jira administrators; for members of a
/// grant's group when `account_id` is in one of its teams.
///
/// # Errors
///
/// Jira's and the database's errors.
pub async fn may_view_time_of(ctx: &Ctx, account_id: &str) -> Result<bool, Error> {
    let Ok(me) = ctx.acting_user() else {
        return Ok(true);
    };
    if me == account_id {
        return Ok(true);
    }
    let (admin, grants, groups) =
        futures::join!(is_jira_admin(ctx), load_grants(ctx), my_groups(ctx));
    if admin? {
        return Ok(true);
    }
    let groups = groups?;
    let grants = grants?;
    let teams: BTreeSet<&str> = grants
        .grants
        .iter()
        .filter(|g| groups.contains(&g.group))
        .flat_map(|g| g.teams.iter().map(String::as_str))
        .collect();
    if teams.is_empty() {
        return Ok(false);
    }
    let path = JiraPath::api(&["user", "groups"]).query("accountId", account_id);
    let theirs: Result<Vec<UserGroup>, Error> =
        call_as(ctx, Principal::App, Method::Get, &path, None).await;
    match theirs {
        Ok(theirs) => Ok(theirs.iter().any(|g| teams.contains(g.name.as_str()))),
        Err(e) if e.is_not_found() => Ok(false),
        Err(e) => Err(e),
    }
}

/// A project the viewer may browse.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Project {
    /// The key, such as `ALPHA`.
    pub key: String,
    /// The name.
    pub name: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ProjectPage {
    #[serde(default)]
    values: Vec<RawProject>,
    #[serde(default)]
    is_last: Option<bool>,
}

#[derive(Deserialize)]
struct RawProject {
    #[serde(deserialize_with = "jira::id_string")]
    id: String,
    #[serde(default)]
    key: String,
    #[serde(default)]
    name: String,
}

/// The projects `principal` may browse, by id.
async fn browsable_projects(
    ctx: &Ctx,
    principal: Principal,
) -> Result<BTreeMap<i64, Project>, Error> {
    let mut out = BTreeMap::new();
    let mut start = 0usize;
    loop {
        let path = JiraPath::api(&["project", "search"])
            .query("action", "browse")
            .query("startAt", &start.to_string())
            .query("maxResults", "100");
        let page: ProjectPage = call_as(ctx, principal, Method::Get, &path, None).await?;
        let n = page.values.len();
        for p in page.values {
            if let Ok(id) = p.id.parse::<i64>() {
                out.insert(
                    id,
                    Project {
                        key: p.key,
                        name: p.name,
                    },
                );
            }
        }
        start += n;
        if page.is_last.unwrap_or(true) || n == 0 {
            return Ok(out);
        }
        if start >= MAX_PROJECTS {
            return Err(Error::limit(format!(
                "more than {MAX_PROJECTS} projects: too many to resolve"
            )));
        }
    }
}

#[derive(Deserialize)]
struct RoleDetails {
    #[serde(default)]
    id: Option<serde_json::Value>,
    #[serde(default)]
    name: String,
}

/// The viewer of a task: what they may see, resolved once.
#[derive(Debug)]
pub struct Viewer {
    /// The acting user; `None` for the app.
    pub account: Option<String>,
    /// Jira administrator (sees everyone's time).
    pub admin: bool,
    /// Projects they may browse (every project for the app), by id.
    pub projects: BTreeMap<i64, Project>,
    /// Their groups, names and ids.
    pub groups: BTreeSet<String>,
    /// Whose time they see; `None`: everyone's.
    pub people: Option<BTreeSet<String>>,
    /// Per project id, filled lazily: the roles held (names and ids), and
    /// whether they may edit all worklogs there (which shows every
    /// restricted worklog, as Jira does).
    roles: BTreeMap<i64, (BTreeSet<String>, bool)>,
}

/// A worklog visibility as the index stores it.
#[derive(Deserialize)]
struct Visibility {
    #[serde(rename = "type", default)]
    kind: String,
    #[serde(default)]
    value: Option<String>,
    #[serde(default)]
    identifier: Option<String>,
}

impl Viewer {
    /// Resolves the task's viewer: in one batch, whether they administer Jira,
    /// their groups, the grants and the projects they may browse; then the
    /// members of the teams their grants show.
    ///
    /// # Errors
    ///
    /// Jira's and the database's errors.
    pub async fn resolve(ctx: &Ctx) -> Result<Self, Error> {
        let Ok(me) = ctx.acting_user() else {
            let projects = browsable_projects(ctx, Principal::App).await?;
            return Ok(Self {
                account: None,
                admin: false,
                projects,
                groups: BTreeSet::new(),
                people: None,
                roles: BTreeMap::new(),
            });
        };
        let me = me.to_owned();
        let (admin, groups, grants, projects) = futures::join!(
            is_jira_admin(ctx),
            my_groups(ctx),
            load_grants(ctx),
            browsable_projects(ctx, Principal::User)
        );
        let (admin, groups, grants, projects) = (admin?, groups?, grants?, projects?);
        let people = if admin {
            None
        } else {
            let teams: BTreeSet<&String> = grants
                .grants
                .iter()
                .filter(|g| groups.contains(&g.group))
                .flat_map(|g| g.teams.iter())
                .collect();
            let lookups = teams
                .iter()
                .map(|team| group_members(ctx, Principal::App, team));
            let mut people = BTreeSet::from([me.clone()]);
            for members in futures::future::join_all(lookups).await {
                match members {
                    Ok(members) => people.extend(members),
                    // A team deleted in Jira since it was granted shows nobody.
                    Err(e) if e.is_not_found() => {}
                    Err(e) => return Err(e),
                }
            }
            Some(people)
        };
        Ok(Self {
            account: Some(me),
            admin,
            projects,
            groups,
            people,
            roles: BTreeMap::new(),
        })
    }

    /// True for the app (no acting user).
    pub fn is_app(&self) -> bool {
        self.account.is_none()
    }

    /// The project ids to read; `None`: every project (the app).
    pub fn project_ids(&self) -> Option<Vec<i64>> {
        (!self.is_app()).then(|| self.projects.keys().copied().collect())
    }

    /// The index's author ids to read; `None`: everyone.
    pub fn author_ids(&self) -> Option<Vec<i64>> {
        self.people
            .as_ref()
            .map(|people| people.iter().map(|p| dict_id(Kind::Account, p)).collect())
    }

    /// Whether the viewer may see time of `account` (the set form of
    /// [`may_view_time_of`]).
    pub fn sees_person(&self, account: &str) -> bool {
        self.people.as_ref().is_none_or(|p| p.contains(account))
    }

    /// Asks Jira, in one batch, which roles the viewer holds in each of
    /// `projects` not asked before (`roledetails?currentMember=true`) and
    /// whether they may edit all worklogs there (`mypermissions`). A refusal
    /// counts as none.
    ///
    /// # Errors
    ///
    /// None so far: refusals and failures hide the restricted worklogs.
    pub async fn load_roles(&mut self, ctx: &Ctx, projects: &BTreeSet<i64>) -> Result<(), Error> {
        if self.is_app() {
            return Ok(());
        }
        let wanted: Vec<i64> = projects
            .iter()
            .copied()
            .filter(|p| !self.roles.contains_key(p))
            .collect();
        let asks = wanted.iter().map(|project| async move {
            let id = project.to_string();
            let roles_path =
                JiraPath::api(&["project", &id, "roledetails"]).query("currentMember", "true");
            let perms_path = JiraPath::api(&["mypermissions"])
                .query("projectId", &id)
                .query("permissions", "EDIT_ALL_WORKLOGS");
            let (roles, perms) = futures::join!(
                call_as::<Vec<RoleDetails>>(ctx, Principal::User, Method::Get, &roles_path, None),
                call_as::<Permissions>(ctx, Principal::User, Method::Get, &perms_path, None)
            );
            (roles, perms)
        });
        let answers = futures::future::join_all(asks).await;
        for (project, (roles, perms)) in wanted.into_iter().zip(answers) {
            let mut held = BTreeSet::new();
            if let Ok(roles) = roles {
                for role in roles {
                    match role.id {
                        Some(serde_json::Value::Number(n)) => {
                            held.insert(n.to_string());
                        }
                        Some(serde_json::Value::String(s)) => {
                            held.insert(s);
                        }
                        _ => {}
                    }
                    held.insert(role.name);
                }
            }
            let edit_all = perms.is_ok_and(|p| {
                p.permissions
                    .get("EDIT_ALL_WORKLOGS")
                    .is_some_and(|p| p.have_permission)
            });
            self.roles.insert(project, (held, edit_all));
        }
        Ok(())
    }

    /// Whether a worklog visibility (the index's JSON, `None`: unrestricted)
    /// needs [`Viewer::load_roles`] for its project: any restriction does.
    pub fn needs_roles(visibility: Option<&str>) -> bool {
        visibility.is_some()
    }

    /// Whether the viewer may see a worklog on `project` with this visibility
    /// and author. Unknown visibility kinds and unreadable ones hide it.
    pub fn sees(&self, project: i64, author: &str, visibility: Option<&str>) -> bool {
        if self.is_app() {
            return true;
        }
        if !self.projects.contains_key(&project) || !self.sees_person(author) {
            return false;
        }
        let Some(text) = visibility else {
            return true;
        };
        let Ok(v) = serde_json::from_str::<Visibility>(text) else {
            return false;
        };
        let names = [v.value.as_deref(), v.identifier.as_deref()];
        let (held, edit_all) = match self.roles.get(&project) {
            Some((held, edit_all)) => (Some(held), *edit_all),
            None => (None, false),
        };
        if edit_all {
            return true;
        }
        match v.kind.as_str() {
            "group" => names.iter().flatten().any(|n| self.groups.contains(*n)),
            "role" => held.is_some_and(|held| names.iter().flatten().any(|n| held.contains(*n))),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn viewer() -> Viewer {
        Viewer {
            account: Some("me".into()),
            admin: false,
            projects: BTreeMap::from([(
                1,
                Project {
                    key: "A".into(),
                    name: "A".into(),
                },
            )]),
            groups: BTreeSet::from(["devs".to_owned()]),
            people: Some(BTreeSet::from(["me".to_owned()])),
            roles: BTreeMap::from([(1, (BTreeSet::from(["10001".to_owned()]), false))]),
        }
    }

    #[test]
    fn visibility_admits_members_only() {
        let v = viewer();
        assert!(v.sees(1, "me", None));
        assert!(!v.sees(2, "me", None), "a project they cannot browse");
        assert!(
            !v.sees(1, "other", None),
            "someone whose time is not theirs to see"
        );
        assert!(v.sees(1, "me", Some(r#"{"type":"group","value":"devs"}"#)));
        assert!(!v.sees(1, "me", Some(r#"{"type":"group","value":"admins"}"#)));
        assert!(v.sees(
            1,
            "me",
            Some(r#"{"identifier":"10001","type":"role","value":"Developers"}"#)
        ));
        assert!(!v.sees(1, "me", Some(r#"{"type":"role","value":"Administrators"}"#)));
        assert!(!v.sees(1, "me", Some(r#"{"type":"mystery"}"#)));
        assert!(!v.sees(1, "me", Some("not json")));
        let mut lead = viewer();
        lead.roles.insert(1, (BTreeSet::new(), true));
        assert!(lead.sees(1, "me", Some(r#"{"type":"group","value":"admins"}"#)));
    }
}
