//! Which worklogs a viewer sees: those whose visibility (a group or a project
//! role) admits them, with the roles they hold asked of Jira lazily.

use std::collections::BTreeSet;

use serde::Deserialize;

use super::Viewer;
use crate::executor::Ctx;
use crate::jira::types::{MyPermissions, Visibility};
use crate::jira::{Call, JiraPath};
use crate::Error;

#[derive(Deserialize)]
struct RoleDetails {
    #[serde(default)]
    id: Option<serde_json::Value>,
    #[serde(default)]
    name: String,
}

impl Viewer {
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
            let roles = Call::get(
                JiraPath::api(&["project", &id, "roledetails"]).query("currentMember", "true"),
            );
            let perms = Call::get(
                JiraPath::api(&["mypermissions"])
                    .query("projectId", &id)
                    .query("permissions", "EDIT_ALL_WORKLOGS"),
            );
            futures::join!(
                roles.json::<Vec<RoleDetails>>(ctx),
                perms.json::<MyPermissions>(ctx)
            )
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
            let edit_all = perms.is_ok_and(|p| p.has("EDIT_ALL_WORKLOGS"));
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
        if !self.sees_person(author) {
            return false;
        }
        self.sees_visible(project, visibility)
    }

    /// [`Viewer::sees`] without the author's check: for rows read with the
    /// viewer's people as the query's `IN` list of authors.
    pub fn sees_visible(&self, project: i64, visibility: Option<&str>) -> bool {
        if self.is_app() {
            return true;
        }
        if !self.projects.contains_key(&project) {
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
    use std::collections::BTreeMap;

    use super::*;
    use crate::access::Project;

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
            open_projects: None,
            issues: BTreeMap::new(),
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
