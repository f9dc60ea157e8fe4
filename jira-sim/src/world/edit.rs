//! Changes to a site that Jira makes outside the REST subset the app uses (an
//! issue moved to another project, a new parent, a status, a custom field, a
//! project's browse permission), and the plain facts of the site, for tests that
//! compare what an app indexed with what Jira holds.
//!
//! Every issue change stamps the issue's `updated` time, as Jira does; a change
//! of permissions stamps nothing.

use serde_json::Value;

use super::{Grant, ProjectPerm, Visibility, World};

/// A live worklog as the app sees it (`asApp`: every worklog).
#[derive(Debug, Clone, PartialEq)]
pub struct WorklogFacts {
    /// The worklog id.
    pub id: u64,
    /// The id of its issue.
    pub issue_id: u64,
    /// The id of the issue's project.
    pub project_id: u64,
    /// The author's account id.
    pub author: String,
    /// When work started, epoch milliseconds.
    pub started_ms: i64,
    /// Time spent, seconds.
    pub seconds: i64,
    /// Last update, epoch milliseconds.
    pub updated_ms: i64,
    /// `("group", name)` or `("role", name)`; none when everyone may see it.
    pub visibility: Option<(String, String)>,
    /// The comment as an ADF document.
    pub comment: Option<Value>,
    /// The value of the worklog property `worklogs.attributes`.
    pub attributes: Option<Value>,
}

/// An issue's fields as the app indexes them.
#[derive(Debug, Clone, PartialEq)]
pub struct IssueFacts {
    /// The issue id.
    pub id: u64,
    /// The key, such as `ALPHA-7`.
    pub key: String,
    /// The summary.
    pub summary: String,
    /// The project id.
    pub project_id: u64,
    /// The parent issue's id (the epic).
    pub parent_id: Option<u64>,
    /// The issue type's name.
    pub issue_type: String,
    /// The status's name.
    pub status: String,
    /// Component names, in the issue's order.
    pub components: Vec<String>,
    /// Labels.
    pub labels: Vec<String>,
    /// Fix version names, in the issue's order.
    pub fix_versions: Vec<String>,
    /// Custom field values by field id.
    pub custom: Vec<(String, Value)>,
    /// The id of its security level, when it has one.
    pub security_level_id: Option<u64>,
    /// The reporter's account id.
    pub reporter: String,
    /// The assignee's account id, when assigned.
    pub assignee: Option<String>,
    /// Last update, epoch milliseconds.
    pub updated_ms: i64,
}

impl World {
    /// Every live worklog, in id order.
    pub fn worklog_facts(&self) -> Vec<WorklogFacts> {
        self.worklogs
            .iter()
            .enumerate()
            .filter(|(_, w)| !w.deleted)
            .map(|(i, w)| {
                let issue = &self.issues[w.issue as usize];
                let id = World::worklog_id(i as u32);
                WorklogFacts {
                    id,
                    issue_id: issue.id,
                    project_id: self.projects[issue.project as usize].id,
                    author: self.accounts[w.author as usize].account_id.clone(),
                    started_ms: w.started,
                    seconds: i64::from(w.seconds),
                    updated_ms: w.updated,
                    visibility: match w.visibility {
                        Visibility::All => None,
                        Visibility::Group(g) => {
                            Some(("group".into(), self.groups[g as usize].name.clone()))
                        }
                        Visibility::Role(r) => {
                            Some(("role".into(), self.roles[r as usize].name.clone()))
                        }
                    },
                    comment: w.comment.map(|c| self.comments[c as usize].clone()),
                    attributes: self
                        .properties
                        .get(&id)
                        .and_then(|p| p.iter().find(|(k, _)| k == "worklogs.attributes"))
                        .map(|(_, v)| v.clone()),
                }
            })
            .collect()
    }

    /// The issue with this id, key or number, as the app indexes it.
    pub fn issue_facts(&self, key_or_id: &str) -> Option<IssueFacts> {
        let i = self.find_issue(key_or_id)?;
        let issue = &self.issues[i as usize];
        let project = &self.projects[issue.project as usize];
        Some(IssueFacts {
            id: issue.id,
            key: self.issue_key(issue),
            summary: issue.summary.clone(),
            project_id: project.id,
            parent_id: issue.parent.map(|p| self.issues[p as usize].id),
            issue_type: issue.issue_type.name().to_owned(),
            status: issue.status.name().to_owned(),
            components: issue
                .components
                .iter()
                .map(|&c| project.components[c as usize].name.clone())
                .collect(),
            labels: issue.labels.clone(),
            fix_versions: issue
                .fix_versions
                .iter()
                .map(|&v| project.versions[v as usize].name.clone())
                .collect(),
            custom: issue.custom.clone(),
            security_level_id: issue
                .security
                .and_then(|l| self.security_levels.get(l as usize))
                .map(|l| l.id),
            reporter: self.accounts[issue.reporter as usize].account_id.clone(),
            assignee: issue
                .assignee
                .map(|a| self.accounts[a as usize].account_id.clone()),
            updated_ms: issue.updated,
        })
    }

    /// Moves an issue to another project (by key), as Jira's move does: it gets
    /// the next key there, loses the components and fix versions of its old
    /// project, keeps its worklogs. Returns the new key; none when the issue or
    /// the project does not exist.
    pub fn move_issue(&mut self, key_or_id: &str, project_key: &str) -> Option<String> {
        let i = self.find_issue(key_or_id)? as usize;
        let p = self.find_project(project_key)?;
        if self.issues[i].project == p {
            return Some(self.issue_key(&self.issues[i]));
        }
        let num = self
            .issues
            .iter()
            .filter(|is| is.project == p)
            .map(|is| is.num)
            .max()
            .unwrap_or(0)
            + 1;
        let now = self.stamp();
        let issue = &mut self.issues[i];
        issue.project = p;
        issue.num = num;
        issue.components.clear();
        issue.fix_versions.clear();
        issue.updated = now;
        self.reindex();
        Some(self.issue_key(&self.issues[i]))
    }

    /// Sets or clears an issue's parent. Returns whether both issues exist.
    pub fn set_parent(&mut self, key_or_id: &str, parent: Option<&str>) -> bool {
        let Some(i) = self.find_issue(key_or_id) else {
            return false;
        };
        let parent = match parent {
            Some(p) => match self.find_issue(p) {
                Some(p) => Some(p),
                None => return false,
            },
            None => None,
        };
        let now = self.stamp();
        let issue = &mut self.issues[i as usize];
        issue.parent = parent;
        issue.updated = now;
        true
    }

    /// Renames an issue and sets its status (`To Do`, `In Progress`, `Done`).
    /// Returns whether the issue and the status exist.
    pub fn edit_issue(
        &mut self,
        key_or_id: &str,
        summary: Option<&str>,
        status: Option<&str>,
    ) -> bool {
        let Some(i) = self.find_issue(key_or_id) else {
            return false;
        };
        let status = match status {
            Some(name) => match super::Status::ALL.iter().find(|s| s.name() == name) {
                Some(&s) => Some(s),
                None => return false,
            },
            None => None,
        };
        let now = self.stamp();
        let issue = &mut self.issues[i as usize];
        if let Some(summary) = summary {
            summary.clone_into(&mut issue.summary);
        }
        if let Some(status) = status {
            issue.status = status;
        }
        issue.updated = now;
        true
    }

    /// Sets (or, with `None`, clears) a custom field of an issue. Returns whether
    /// the issue and the field exist.
    pub fn set_custom_field(&mut self, key_or_id: &str, field: &str, value: Option<Value>) -> bool {
        let Some(i) = self.find_issue(key_or_id) else {
            return false;
        };
        if !super::CUSTOM_FIELDS.iter().any(|(id, _, _)| *id == field) {
            return false;
        }
        let now = self.stamp();
        let issue = &mut self.issues[i as usize];
        issue.custom.retain(|(id, _)| id != field);
        if let Some(value) = value {
            issue.custom.push((field.to_owned(), value));
            issue.custom.sort_by(|a, b| a.0.cmp(&b.0));
        }
        issue.updated = now;
        true
    }

    /// Lets only these groups browse a project (by key). Returns whether the
    /// project and every group exist. Like Jira, this stamps nothing.
    pub fn set_browse_groups(&mut self, project_key: &str, groups: &[&str]) -> bool {
        let Some(p) = self.find_project(project_key) else {
            return false;
        };
        let mut grants = Vec::new();
        for name in groups {
            match self.find_group(name) {
                Some(g) => grants.push(Grant::Group(g)),
                None => return false,
            }
        }
        self.projects[p as usize].grants[ProjectPerm::BrowseProjects as usize] = grants;
        true
    }

    /// Grants *Browse projects* in a project (by key) to exactly these holders,
    /// as a permission scheme does: `group:NAME`, `projectRole:NAME`,
    /// `reporter` or `assignee`. With only `reporter` and `assignee`, people
    /// see the project's issues they reported or are assigned, and no others.
    ///
    /// # Errors
    ///
    /// The project or a holder that does not exist, by name.
    pub fn set_browse_holders(
        &mut self,
        project_key: &str,
        holders: &[&str],
    ) -> Result<(), String> {
        let p = self
            .find_project(project_key)
            .ok_or_else(|| format!("no project {project_key:?}"))?;
        let grants = holders
            .iter()
            .map(|h| self.parse_holder(h))
            .collect::<Result<Vec<_>, _>>()?;
        self.projects[p as usize].grants[ProjectPerm::BrowseProjects as usize] = grants;
        Ok(())
    }

    /// Puts an issue (by key or id) at the security level `name`, made with
    /// these members (holders as in [`World::set_browse_holders`]) the first
    /// time the name is used; `None` clears the issue's level. Stamps the
    /// issue as updated, as Jira does.
    ///
    /// # Errors
    ///
    /// The issue or a holder that does not exist, by name.
    pub fn set_issue_security(
        &mut self,
        key_or_id: &str,
        level: Option<(&str, &[&str])>,
    ) -> Result<(), String> {
        let i = self
            .find_issue(key_or_id)
            .ok_or_else(|| format!("no issue {key_or_id:?}"))?;
        let security = match level {
            None => None,
            Some((name, members)) => {
                let members = members
                    .iter()
                    .map(|h| self.parse_holder(h))
                    .collect::<Result<Vec<_>, _>>()?;
                match self.security_levels.iter().position(|l| l.name == name) {
                    Some(l) => {
                        self.security_levels[l].members = members;
                        Some(l as u32)
                    }
                    None => {
                        self.security_levels.push(super::SecurityLevel {
                            id: 10_000 + self.security_levels.len() as u64,
                            name: name.to_owned(),
                            description: format!("Only the members of {name} see these issues."),
                            members,
                        });
                        Some(self.security_levels.len() as u32 - 1)
                    }
                }
            }
        };
        let now = self.stamp();
        let issue = &mut self.issues[i as usize];
        issue.security = security;
        issue.updated = now;
        Ok(())
    }

    /// A holder written `group:NAME`, `projectRole:NAME`, `reporter` or `assignee`.
    fn parse_holder(&self, text: &str) -> Result<Grant, String> {
        match text.split_once(':') {
            None if text == "reporter" => Ok(Grant::Reporter),
            None if text == "assignee" => Ok(Grant::Assignee),
            Some(("group", name)) => self
                .find_group(name)
                .map(Grant::Group)
                .ok_or_else(|| format!("no group {name:?}")),
            Some(("projectRole", name)) => self
                .roles
                .iter()
                .position(|r| r.name == name)
                .map(|r| Grant::Role(r as u32))
                .ok_or_else(|| format!("no project role {name:?}")),
            _ => Err(format!(
                "holder {text:?}: expected group:NAME, projectRole:NAME, reporter or assignee"
            )),
        }
    }
}
