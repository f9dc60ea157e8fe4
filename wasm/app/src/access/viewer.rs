//! The viewer of a task: who they are, the projects they may browse and whose
//! time they see, resolved once.

use std::collections::{BTreeMap, BTreeSet};

use super::{group_members, is_jira_admin, load_grants, my_groups};
use crate::executor::Ctx;
use crate::index::{dict_id, Kind};
use crate::jira::types::ValuesPage;
use crate::jira::{self, Call, JiraPath};
use crate::protocol::Principal;
use crate::Error;

/// Most projects read for a viewer (100 a page).
const MAX_PROJECTS: usize = 10_000;

/// The principal for the viewer's own questions: the user, or the app for a
/// task without one.
pub fn principal(ctx: &Ctx) -> Principal {
    if ctx.acting_user().is_ok() {
        Principal::User
    } else {
        Principal::App
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
        let page: ValuesPage<jira::types::Project> =
            Call::get(path).by(&principal).json(ctx).await?;
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
    /// Per project id, filled lazily ([`Viewer::load_roles`]): the roles held
    /// (names and ids), and whether they may edit all worklogs there (which
    /// shows every restricted worklog, as Jira does).
    pub(super) roles: BTreeMap<i64, (BTreeSet<String>, bool)>,
    /// The site's open projects ([`super::issues`]), once the reader has set
    /// them; until then every project counts as not open.
    pub(super) open_projects: Option<BTreeSet<i64>>,
    /// Per issue id, what Jira answered about browsing it ([`super::issues`]).
    pub(super) issues: BTreeMap<i64, bool>,
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
                open_projects: None,
                issues: BTreeMap::new(),
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
            let teams = grants.teams_for(&groups);
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
            open_projects: None,
            issues: BTreeMap::new(),
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
    /// [`super::may_view_time_of`]).
    pub fn sees_person(&self, account: &str) -> bool {
        self.people.as_ref().is_none_or(|p| p.contains(account))
    }
}
