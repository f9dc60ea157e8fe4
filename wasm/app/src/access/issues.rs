//! Which issues a viewer may browse when the project alone does not say:
//! issues with a security level, and every issue of a project whose *Browse
//! projects* goes to issue-level holders (the reporter, the assignee, a user or
//! group picker field). Jira answers for the viewer, as the viewer, with the
//! bulk permission check (`POST permissions/check`, [`MAX_PER_CHECK`] issues a
//! request); answers are kept for the task. When Jira does not answer, the
//! report fails: it never shows what it could not confirm.
//!
//! Which projects are open (every issue visible to whoever browses the
//! project) comes from the index, which the sync fills from the projects'
//! permission schemes ([`open_projects`]).

use std::collections::BTreeSet;

use serde::Deserialize;
use serde_json::json;

use super::Viewer;
use crate::executor::Ctx;
use crate::index;
use crate::jira::{Call, JiraPath};
use crate::{Error, ErrorCode};

/// Issue ids per `permissions/check` request (Jira's maximum).
pub const MAX_PER_CHECK: usize = 1000;

/// Checks in flight at once.
const PARALLEL_CHECKS: usize = 4;

/// The most issues one task checks: beyond this, the report asks for a
/// narrower query rather than send thousands of requests.
pub const MAX_CHECKED_ISSUES: usize = 200_000;

/// The permission every issue check asks about.
const BROWSE: &str = "BROWSE_PROJECTS";

/// Permission holder types that grant on the whole project. Any other
/// (`reporter`, `assignee`, `userCustomField`, `groupCustomField`, and types
/// Jira may add) grants per issue.
const PROJECT_WIDE_HOLDERS: &[&str] = &[
    "anyone",
    "applicationRole",
    "group",
    "projectLead",
    "projectRole",
    "user",
    "sd.customer.portal.only",
];

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Grants {
    #[serde(default)]
    project_permissions: Vec<ProjectGrant>,
}

#[derive(Deserialize)]
struct ProjectGrant {
    #[serde(default)]
    permission: String,
    #[serde(default)]
    issues: Vec<i64>,
}

#[derive(Deserialize)]
struct Scheme {
    #[serde(default)]
    permissions: Vec<SchemeGrant>,
}

#[derive(Deserialize)]
struct SchemeGrant {
    #[serde(default)]
    permission: String,
    holder: Option<Holder>,
}

#[derive(Deserialize)]
struct Holder {
    #[serde(default, rename = "type")]
    kind: String,
}

impl Viewer {
    /// Reads the site's open projects from the index, once per task, for
    /// [`Viewer::needs_issue_check`] (the app needs none).
    ///
    /// # Errors
    ///
    /// The database's errors.
    pub async fn read_open_projects(&mut self, ctx: &Ctx, site: i64) -> Result<(), Error> {
        if self.open_projects.is_none() && !self.is_app() {
            self.open_projects = Some(index::open::open_projects(ctx, site).await?);
        }
        Ok(())
    }

    /// The site's open projects as read ([`Viewer::read_open_projects`]);
    /// none before.
    pub fn open_project_ids(&self) -> Vec<i64> {
        self.open_projects.iter().flatten().copied().collect()
    }

    /// Whether the viewer's sight of an issue (in `project`, at security
    /// level `security`: 0 for none, -1 for not known) needs Jira's answer:
    /// never for the app; always for an issue with a level (or an unknown
    /// one) or in a project not known to be open.
    pub fn needs_issue_check(&self, project: i64, security: i64) -> bool {
        !self.is_app()
            && (security != 0
                || !self
                    .open_projects
                    .as_ref()
                    .is_some_and(|open| open.contains(&project)))
    }

    /// Whether the viewer may browse the issue `id`: yes when it needs no
    /// check, else what Jira answered ([`Viewer::check_issues`]); an issue not
    /// checked counts as hidden.
    pub fn may_browse_issue(&self, id: i64, project: i64, security: i64) -> bool {
        !self.needs_issue_check(project, security) || self.issues.get(&id) == Some(&true)
    }

    /// Asks Jira, as the viewer, which of `ids` they may browse (those not
    /// asked before in this task), [`MAX_PER_CHECK`] a request.
    ///
    /// # Errors
    ///
    /// `limit` past [`MAX_CHECKED_ISSUES`] in one task; Jira's errors, mapped
    /// and prefixed with what was being checked (nothing is shown unconfirmed).
    pub async fn check_issues(&mut self, ctx: &Ctx, ids: &BTreeSet<i64>) -> Result<(), Error> {
        let wanted: Vec<i64> = ids
            .iter()
            .copied()
            .filter(|id| !self.issues.contains_key(id))
            .collect();
        if wanted.is_empty() {
            return Ok(());
        }
        if self.issues.len() + wanted.len() > MAX_CHECKED_ISSUES {
            return Err(Error::limit(format!(
                "more than {MAX_CHECKED_ISSUES} issues with issue-level permissions to check with \
                 Jira; narrow the period or filter by project"
            )));
        }
        let path = JiraPath::api(&["permissions", "check"]);
        let asks: Vec<_> = wanted
            .chunks(MAX_PER_CHECK)
            .map(|chunk| {
                let body = json!({
                    "projectPermissions": [ { "permissions": [BROWSE], "issues": chunk } ]
                });
                Call::post(path.clone(), body.to_string())
            })
            .collect();
        let mut answered = BTreeSet::new();
        for group in asks.chunks(PARALLEL_CHECKS) {
            let answers =
                futures::future::join_all(group.iter().map(|call| call.json::<Grants>(ctx))).await;
            for answer in answers {
                let grants = answer.map_err(|e| {
                    // Jira refusing the request is its failure, not the viewer's input.
                    let code = match e.code() {
                        ErrorCode::InvalidInput => ErrorCode::Upstream,
                        other => other,
                    };
                    Error::new(
                        code,
                        format!(
                            "could not confirm with Jira which issues you may see, so nothing \
                             is shown: {}",
                            e.message()
                        ),
                    )
                })?;
                for grant in grants.project_permissions {
                    if grant.permission == BROWSE {
                        answered.extend(grant.issues);
                    }
                }
            }
        }
        for id in wanted {
            let seen = answered.contains(&id);
            self.issues.insert(id, seen);
        }
        Ok(())
    }
}

/// Which of `projects` are open: their permission scheme (read as the app)
/// grants *Browse projects* only to project-wide holders. A project whose
/// scheme cannot be read is not open, whatever the reason: its issues are then
/// checked one by one.
///
/// # Errors
///
/// None of Jira's: a refused or failed read only closes the project. Reads run
/// [`PARALLEL_CHECKS`] at a time, patiently (as jobs do).
pub async fn open_projects(ctx: &Ctx, projects: &[i64]) -> BTreeSet<i64> {
    let mut open = BTreeSet::new();
    for group in projects.chunks(PARALLEL_CHECKS) {
        let reads = group.iter().map(|&p| async move {
            let path = JiraPath::api(&["project", &p.to_string(), "permissionscheme"])
                .query("expand", "permissions");
            let scheme: Result<Scheme, Error> = Call::get(path).as_app().patient().json(ctx).await;
            (p, scheme)
        });
        for (project, scheme) in futures::future::join_all(reads).await {
            if let Ok(scheme) = scheme {
                if browse_is_project_wide(&scheme) {
                    open.insert(project);
                }
            }
        }
    }
    open
}

/// Whether every *Browse projects* grant of a scheme goes to a project-wide
/// holder (and there is at least one grant, or no one browses at all).
fn browse_is_project_wide(scheme: &Scheme) -> bool {
    scheme
        .permissions
        .iter()
        .filter(|g| g.permission == BROWSE)
        .all(|g| {
            g.holder
                .as_ref()
                .is_some_and(|h| PROJECT_WIDE_HOLDERS.contains(&h.kind.as_str()))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scheme(holders: &[(&str, &str)]) -> Scheme {
        serde_json::from_value(json!({
            "permissions": holders.iter().map(|(perm, kind)| json!({
                "permission": perm, "holder": { "type": kind }
            })).collect::<Vec<_>>()
        }))
        .unwrap()
    }

    #[test]
    fn browse_by_reporter_or_a_field_closes_the_project() {
        assert!(browse_is_project_wide(&scheme(&[
            ("BROWSE_PROJECTS", "group"),
            ("BROWSE_PROJECTS", "projectRole"),
            ("EDIT_ISSUES", "reporter"),
        ])));
        for kind in [
            "reporter",
            "assignee",
            "userCustomField",
            "groupCustomField",
            "somethingNew",
        ] {
            assert!(
                !browse_is_project_wide(&scheme(&[
                    ("BROWSE_PROJECTS", "group"),
                    ("BROWSE_PROJECTS", kind)
                ])),
                "{kind}"
            );
        }
        let no_holder: Scheme = serde_json::from_value(
            json!({ "permissions": [ { "permission": "BROWSE_PROJECTS" } ] }),
        )
        .unwrap();
        assert!(!browse_is_project_wide(&no_holder));
    }
}
