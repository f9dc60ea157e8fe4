//! Finding things in the site: issues by key or id, accounts by id, alias or
//! e-mail, groups, roles, projects and worklogs, and the tables that make those
//! look-ups fast.

use std::collections::HashMap;

use super::{Issue, World, WORKLOG_BASE_ID};

/// Lookup tables rebuilt from the data.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Index {
    pub issue_by_key: HashMap<String, u32>,
    pub issue_by_id: HashMap<u64, u32>,
    pub account_by_id: HashMap<String, u32>,
    pub account_by_alias: HashMap<String, u32>,
    pub account_by_email: HashMap<String, u32>,
}

impl World {
    /// The key of an issue, such as `ALPHA-7`.
    pub(crate) fn issue_key(&self, issue: &Issue) -> String {
        format!(
            "{}-{}",
            self.projects[issue.project as usize].key, issue.num
        )
    }

    /// Finds an issue by key (any case) or numeric id.
    pub(crate) fn find_issue(&self, key_or_id: &str) -> Option<u32> {
        if !key_or_id.is_empty() && key_or_id.bytes().all(|b| b.is_ascii_digit()) {
            let id: u64 = key_or_id.parse().ok()?;
            return self.index.issue_by_id.get(&id).copied();
        }
        self.index
            .issue_by_key
            .get(&key_or_id.to_ascii_uppercase())
            .copied()
    }

    /// Finds an account by account id, alias or e-mail address.
    pub(crate) fn find_account(&self, who: &str) -> Option<u32> {
        self.index
            .account_by_id
            .get(who)
            .or_else(|| self.index.account_by_alias.get(who))
            .or_else(|| self.index.account_by_email.get(&who.to_ascii_lowercase()))
            .copied()
    }

    /// The accounts `user/search?query=` finds, by display name: those whose
    /// display name, or one of its words, or whose e-mail address starts with
    /// `query` (any case), as Jira matches. An empty query finds nobody.
    pub(crate) fn search_accounts(&self, query: &str) -> Vec<u32> {
        let query = query.trim().to_lowercase();
        if query.is_empty() {
            return Vec::new();
        }
        let mut found: Vec<u32> = (0..self.accounts.len() as u32)
            .filter(|&a| {
                let acc = &self.accounts[a as usize];
                let name = acc.display_name.to_lowercase();
                name.starts_with(&query)
                    || name.split_whitespace().any(|w| w.starts_with(&query))
                    || acc
                        .email
                        .as_deref()
                        .is_some_and(|e| e.to_lowercase().starts_with(&query))
            })
            .collect();
        found.sort_by(|&a, &b| {
            self.accounts[a as usize]
                .display_name
                .cmp(&self.accounts[b as usize].display_name)
        });
        found
    }

    /// The groups `groups/picker` finds for `query`, by name: those whose
    /// name contains it (case-insensitively when asked), or with `exact`
    /// only the one named exactly `query`; none whose name or id is in
    /// `exclude`.
    pub(crate) fn groups_matching(
        &self,
        query: &str,
        case_insensitive: bool,
        exact: bool,
        exclude: &[&str],
    ) -> Vec<u32> {
        let folded = query.to_lowercase();
        let mut found: Vec<u32> = (0..self.groups.len() as u32)
            .filter(|&g| {
                let group = &self.groups[g as usize];
                if exclude.iter().any(|e| *e == group.name || *e == group.id) {
                    return false;
                }
                if exact {
                    group.name == query
                } else if case_insensitive {
                    group.name.to_lowercase().contains(&folded)
                } else {
                    group.name.contains(query)
                }
            })
            .collect();
        found.sort_by(|&a, &b| {
            self.groups[a as usize]
                .name
                .cmp(&self.groups[b as usize].name)
        });
        found
    }

    /// Finds a group by name or group id.
    pub(crate) fn find_group(&self, name_or_id: &str) -> Option<u32> {
        self.groups
            .iter()
            .position(|g| g.name == name_or_id || g.id == name_or_id)
            .map(|i| i as u32)
    }

    /// Finds a project role by name or id.
    pub(crate) fn find_role(&self, name_or_id: &str) -> Option<u32> {
        self.roles
            .iter()
            .position(|r| r.name == name_or_id || r.id.to_string() == name_or_id)
            .map(|i| i as u32)
    }

    /// Finds a project by key (any case), id or name.
    pub(crate) fn find_project(&self, key: &str) -> Option<u32> {
        self.projects
            .iter()
            .position(|p| {
                p.key.eq_ignore_ascii_case(key) || p.id.to_string() == key || p.name == key
            })
            .map(|i| i as u32)
    }

    /// The worklog with this id, deleted or not.
    pub(crate) fn worklog_by_id(&self, id: u64) -> Option<u32> {
        let i = id.checked_sub(WORKLOG_BASE_ID)?;
        (i < self.worklogs.len() as u64).then_some(i as u32)
    }

    /// The id of the worklog at index `i`.
    pub(crate) fn worklog_id(i: u32) -> u64 {
        WORKLOG_BASE_ID + u64::from(i)
    }

    /// The same site as another Jira site would hold it: every person's account
    /// id with `account_prefix` instead of its own (`712020:…` becomes
    /// `<account_prefix>:…`) and every project id `project_offset` higher;
    /// keys, issues and worklogs unchanged. For moving app data between sites
    /// with a mapping of ids.
    pub fn moved(mut self, account_prefix: &str, project_offset: u64) -> World {
        for account in self.accounts.iter_mut().filter(|a| !a.app) {
            if let Some((_, rest)) = account.account_id.split_once(':') {
                account.account_id = format!("{account_prefix}:{rest}");
            }
        }
        for project in &mut self.projects {
            project.id += project_offset;
        }
        self.reindex();
        self
    }

    /// Rebuilds the lookup tables and the update index from the data.
    pub(crate) fn reindex(&mut self) {
        let mut index = Index::default();
        for (i, issue) in self.issues.iter().enumerate() {
            let key = format!(
                "{}-{}",
                self.projects[issue.project as usize].key, issue.num
            );
            index.issue_by_key.insert(key, i as u32);
            index.issue_by_id.insert(issue.id, i as u32);
        }
        for (i, a) in self.accounts.iter().enumerate() {
            index.account_by_id.insert(a.account_id.clone(), i as u32);
            index.account_by_alias.insert(a.alias.clone(), i as u32);
            if let Some(email) = &a.email {
                index
                    .account_by_email
                    .insert(email.to_ascii_lowercase(), i as u32);
            }
        }
        self.index = index;
        self.updated_index = self
            .worklogs
            .iter()
            .enumerate()
            .filter(|(_, w)| !w.deleted)
            .map(|(i, w)| (w.updated, World::worklog_id(i as u32)))
            .collect();
        let newest = self.worklogs.iter().map(|w| w.updated).max().unwrap_or(0);
        let newest_issue = self.issues.iter().map(|i| i.updated).max().unwrap_or(0);
        let newest_tomb = self.tombstones.last().map(|t| t.0).unwrap_or(0);
        self.last_stamp = self
            .last_stamp
            .max(newest)
            .max(newest_issue)
            .max(newest_tomb);
    }
}
