//! Permissions: what one caller may see and do.
//!
//! Jira grants a project permission to groups and project roles through the
//! project's permission scheme, and global permissions to groups. An [`Access`]
//! is computed once per request from the caller's groups; every check after that
//! is a table lookup, so filtering a million worklogs stays cheap.
//!
//! Two kinds of grant depend on the issue: *Browse projects* granted to the
//! reporter or the assignee lets someone browse a project but see only the
//! issues they reported or are assigned ([`Access::can_browse_issue`]); and an
//! issue security level hides an issue from everyone who is not a member of the
//! level, whatever the project grants.
//!
//! The app user (Forge `asApp`) holds every permission and sees every worklog.

use super::{Grant, Visibility, Worklog, World};

/// Project permissions the simulator models (Jira's keys).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ProjectPerm {
    BrowseProjects,
    WorkOnIssues,
    EditOwnWorklogs,
    EditAllWorklogs,
    DeleteOwnWorklogs,
    DeleteAllWorklogs,
    AdministerProjects,
}

impl ProjectPerm {
    /// Every modelled project permission, in `as usize` order.
    pub(crate) const ALL: [ProjectPerm; 7] = [
        ProjectPerm::BrowseProjects,
        ProjectPerm::WorkOnIssues,
        ProjectPerm::EditOwnWorklogs,
        ProjectPerm::EditAllWorklogs,
        ProjectPerm::DeleteOwnWorklogs,
        ProjectPerm::DeleteAllWorklogs,
        ProjectPerm::AdministerProjects,
    ];

    /// Jira's key.
    pub(crate) fn key(self) -> &'static str {
        match self {
            ProjectPerm::BrowseProjects => "BROWSE_PROJECTS",
            ProjectPerm::WorkOnIssues => "WORK_ON_ISSUES",
            ProjectPerm::EditOwnWorklogs => "EDIT_OWN_WORKLOGS",
            ProjectPerm::EditAllWorklogs => "EDIT_ALL_WORKLOGS",
            ProjectPerm::DeleteOwnWorklogs => "DELETE_OWN_WORKLOGS",
            ProjectPerm::DeleteAllWorklogs => "DELETE_ALL_WORKLOGS",
            ProjectPerm::AdministerProjects => "ADMINISTER_PROJECTS",
        }
    }

    /// Parses Jira's key.
    pub(crate) fn parse(key: &str) -> Option<ProjectPerm> {
        ProjectPerm::ALL.into_iter().find(|p| p.key() == key)
    }
}

/// Global permissions the simulator models.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum GlobalPerm {
    /// Administer Jira.
    Administer,
    /// Site administration.
    SystemAdmin,
    /// Browse users and groups.
    UserPicker,
}

impl GlobalPerm {
    /// Every modelled global permission.
    pub(crate) const ALL: [GlobalPerm; 3] = [
        GlobalPerm::Administer,
        GlobalPerm::SystemAdmin,
        GlobalPerm::UserPicker,
    ];

    /// Jira's key.
    pub(crate) fn key(self) -> &'static str {
        match self {
            GlobalPerm::Administer => "ADMINISTER",
            GlobalPerm::SystemAdmin => "SYSTEM_ADMIN",
            GlobalPerm::UserPicker => "USER_PICKER",
        }
    }

    /// Parses Jira's key.
    pub(crate) fn parse(key: &str) -> Option<GlobalPerm> {
        GlobalPerm::ALL.into_iter().find(|p| p.key() == key)
    }
}

/// What one caller holds, computed once per request.
#[derive(Debug, Clone)]
pub(crate) struct Access {
    /// The caller's index in [`World::accounts`].
    pub account: u32,
    /// The caller is the app user.
    pub app: bool,
    /// Per project: a bit per [`ProjectPerm`].
    perms: Vec<u16>,
    /// A bit per [`GlobalPerm`].
    global: u8,
    /// Per group: whether the caller is a member.
    groups: Vec<bool>,
    /// Per project: a bit per role the caller has there.
    roles: Vec<u64>,
    /// Per project: *Browse projects* held only through issue-level holders
    /// (reporter, assignee), so it covers only some of the project's issues.
    browse_by_issue: Vec<Vec<Grant>>,
}

impl World {
    /// Computes what the account at index `account` may do.
    pub(crate) fn access(&self, account: u32) -> Access {
        let acc = &self.accounts[account as usize];
        let app = acc.app;
        let mut groups = vec![app; self.groups.len()];
        for &g in &acc.groups {
            groups[g as usize] = true;
        }
        let mut roles = Vec::with_capacity(self.projects.len());
        let mut perms = Vec::with_capacity(self.projects.len());
        let mut browse_by_issue = Vec::with_capacity(self.projects.len());
        for project in &self.projects {
            let mut role_bits = 0u64;
            for (role, members) in &project.role_actors {
                if app || members.iter().any(|&g| groups[g as usize]) {
                    role_bits |= 1 << role;
                }
            }
            let mut bits = 0u16;
            for (p, grants) in project.grants.iter().enumerate() {
                let held = app
                    || grants.iter().any(|g| match *g {
                        Grant::Group(g) => groups[g as usize],
                        Grant::Role(r) => role_bits & (1 << r) != 0,
                        Grant::Reporter | Grant::Assignee => false,
                    });
                if held {
                    bits |= 1 << p;
                }
            }
            let by_issue: Vec<Grant> = project.grants[ProjectPerm::BrowseProjects as usize]
                .iter()
                .copied()
                .filter(|g| g.by_issue())
                .collect();
            roles.push(role_bits);
            perms.push(bits);
            browse_by_issue.push(by_issue);
        }
        let mut global = 0u8;
        for (perm, holders) in &self.global_grants {
            if app || holders.iter().any(|&g| groups[g as usize]) {
                global |= 1 << (*perm as u8);
            }
        }
        Access {
            account,
            app,
            perms,
            global,
            groups,
            roles,
            browse_by_issue,
        }
    }
}

impl Access {
    /// Whether the caller holds `perm` in the project at index `project`. For
    /// *Browse projects*, as Jira answers without an issue: also when it is
    /// granted to reporters or assignees, who then see some of its issues.
    pub(crate) fn has(&self, project: u32, perm: ProjectPerm) -> bool {
        self.holds_project_wide(project, perm)
            || (perm == ProjectPerm::BrowseProjects
                && self
                    .browse_by_issue
                    .get(project as usize)
                    .is_some_and(|g| !g.is_empty()))
    }

    /// Whether the caller holds `perm` in the project through a holder that
    /// covers the whole project (a group or a role).
    fn holds_project_wide(&self, project: u32, perm: ProjectPerm) -> bool {
        self.perms
            .get(project as usize)
            .is_some_and(|bits| bits & (1 << perm as u16) != 0)
    }

    /// Whether the caller may browse the issue at index `issue`: *Browse
    /// projects* in its project, through a project-wide holder or as its
    /// reporter or assignee where those hold it; and, when the issue has a
    /// security level, membership of the level.
    pub(crate) fn can_browse_issue(&self, world: &World, issue: u32) -> bool {
        let Some(i) = world.issues.get(issue as usize) else {
            return false;
        };
        if self.app {
            return true;
        }
        let browse = self.holds_project_wide(i.project, ProjectPerm::BrowseProjects)
            || self
                .browse_by_issue
                .get(i.project as usize)
                .is_some_and(|holders| holders.iter().any(|&g| self.holds(i, g)));
        browse
            && i.security.is_none_or(|level| {
                world
                    .security_levels
                    .get(level as usize)
                    .is_some_and(|l| l.members.iter().any(|&g| self.holds(i, g)))
            })
    }

    /// Whether the caller is the holder `grant` on issue `i`.
    fn holds(&self, i: &super::Issue, grant: Grant) -> bool {
        match grant {
            Grant::Group(g) => self.in_group(g),
            Grant::Role(r) => self.in_role(i.project, r),
            Grant::Reporter => i.reporter == self.account,
            Grant::Assignee => i.assignee == Some(self.account),
        }
    }

    /// Whether the caller holds `perm` in any project.
    pub(crate) fn has_anywhere(&self, perm: ProjectPerm) -> bool {
        (0..self.perms.len() as u32).any(|p| self.has(p, perm))
    }

    /// Whether the caller holds the global permission `perm`.
    pub(crate) fn has_global(&self, perm: GlobalPerm) -> bool {
        self.global & (1 << perm as u8) != 0
    }

    /// Whether the caller may browse the project at index `project`.
    pub(crate) fn can_browse(&self, project: u32) -> bool {
        self.has(project, ProjectPerm::BrowseProjects)
    }

    /// Whether the caller is in the group at index `group`.
    pub(crate) fn in_group(&self, group: u32) -> bool {
        self.groups.get(group as usize).copied().unwrap_or(false)
    }

    /// Whether the caller has the role at index `role` in the project.
    pub(crate) fn in_role(&self, project: u32, role: u32) -> bool {
        self.roles
            .get(project as usize)
            .is_some_and(|bits| bits & (1 << role) != 0)
    }

    /// Whether the caller may see this worklog: they can browse its issue, and its
    /// visibility admits them (member of the group or role) or they may edit all
    /// worklogs in the project.
    pub(crate) fn can_see(&self, world: &World, w: &Worklog) -> bool {
        if w.deleted {
            return false;
        }
        let project = world.issues[w.issue as usize].project;
        self.can_browse_issue(world, w.issue) && self.passes_visibility(project, w.visibility)
    }

    /// Whether a worklog visibility in `project` admits the caller.
    pub(crate) fn passes_visibility(&self, project: u32, v: Visibility) -> bool {
        self.app
            || match v {
                Visibility::All => true,
                Visibility::Group(g) => self.in_group(g),
                Visibility::Role(r) => self.in_role(project, r),
            }
            || self.has(project, ProjectPerm::EditAllWorklogs)
    }

    /// Whether the caller may edit this (visible) worklog.
    pub(crate) fn can_edit(&self, world: &World, w: &Worklog) -> bool {
        let project = world.issues[w.issue as usize].project;
        self.has(project, ProjectPerm::EditAllWorklogs)
            || (w.author == self.account && self.has(project, ProjectPerm::EditOwnWorklogs))
    }

    /// Whether the caller may delete this (visible) worklog.
    pub(crate) fn can_delete(&self, world: &World, w: &Worklog) -> bool {
        let project = world.issues[w.issue as usize].project;
        self.has(project, ProjectPerm::DeleteAllWorklogs)
            || (w.author == self.account && self.has(project, ProjectPerm::DeleteOwnWorklogs))
    }
}
