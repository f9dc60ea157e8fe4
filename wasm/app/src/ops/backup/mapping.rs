//! Mapping account ids and projects between sites on restore: an archive from
//! site A restored on site B rewrites every account id, project id or key and
//! issue key's project where app data holds one, and reports those the
//! mapping does not name.
//!
//! Where they occur (`docs/backup.md`): columns marked [`Role::Account`] and
//! [`Role::IssueKey`] in the registry (`saved_reports.owner`,
//! `timers.account`, `timers.issue_key`, `audit_actors.account`), and inside
//! JSON texts ([`Role::Json`]: settings values and saved report queries) the
//! fields named in [`ACCOUNT_FIELDS`], [`PROJECT_FIELDS`] and
//! [`ISSUE_FIELDS`], at any depth, as a string or a list of strings (rates:
//! `person`, `project`; report filters: `people`, `projects`, `issues`).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use crate::input::{quote, Input};
use crate::protocol::Value;
use crate::store::backup_rows::{Role, Table};
use crate::Error;

/// How one id is mapped: [`Mapping::account`], [`Mapping::project`] or
/// [`Mapping::issue_key`].
type MapOne = fn(&Mapping, &str, &mut Seen) -> Option<String>;

/// JSON fields holding account ids.
pub const ACCOUNT_FIELDS: &[&str] = &[
    "person",
    "people",
    "account",
    "accounts",
    "accountId",
    "accountIds",
    "owner",
    "author",
    "authors",
    "approver",
    "approvers",
    "reviewer",
    "reviewers",
];
/// JSON fields holding project ids or keys.
pub const PROJECT_FIELDS: &[&str] = &[
    "project",
    "projects",
    "projectId",
    "projectIds",
    "projectKey",
    "projectKeys",
];
/// JSON fields holding issue keys (`PROJ-12`), whose project key is mapped.
pub const ISSUE_FIELDS: &[&str] = &["issues", "issueKey", "issueKeys"];

/// The most ids one side of a mapping may name.
pub const MAX_ENTRIES: usize = 10_000;

/// The mapping as given: `{"accounts": {old: new}, "projects": {old: new}}`,
/// projects by id or key (both may be given).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Mapping {
    /// Account ids, old to new.
    #[serde(default)]
    pub accounts: BTreeMap<String, String>,
    /// Project ids or keys, old to new.
    #[serde(default)]
    pub projects: BTreeMap<String, String>,
}

impl Input for Mapping {
    type Raw = Mapping;

    fn validate(raw: Mapping) -> Result<Self, Error> {
        for (field, map) in [("accounts", &raw.accounts), ("projects", &raw.projects)] {
            if map.len() > MAX_ENTRIES {
                return Err(Error::invalid_field(
                    &format!("mapping.{field}"),
                    format_args!("{} entries, more than {MAX_ENTRIES}", map.len()),
                ));
            }
            for (old, new) in map {
                for v in [old, new] {
                    if v.trim().is_empty() || v.len() > 128 {
                        return Err(Error::invalid_field(
                            &format!("mapping.{field}"),
                            format_args!("{} is empty or longer than 128 bytes", quote(v)),
                        ));
                    }
                }
            }
        }
        Ok(raw)
    }
}

/// The ids met while mapping (kept up to [`MAX_SEEN`] each).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Seen {
    /// Account ids the mapping does not name.
    pub accounts: BTreeSet<String>,
    /// Project ids or keys the mapping does not name.
    pub projects: BTreeSet<String>,
    /// Values mapped.
    pub mapped: u64,
}

/// The most unmapped ids kept of each kind.
pub const MAX_SEEN: usize = 1_000;

impl Mapping {
    fn account(&self, v: &str, seen: &mut Seen) -> Option<String> {
        map_one(&self.accounts, v, &mut seen.accounts, &mut seen.mapped)
    }

    fn project(&self, v: &str, seen: &mut Seen) -> Option<String> {
        map_one(&self.projects, v, &mut seen.projects, &mut seen.mapped)
    }

    fn issue_key(&self, v: &str, seen: &mut Seen) -> Option<String> {
        let (project, number) = v.rsplit_once('-')?;
        self.project(project, seen).map(|p| format!("{p}-{number}"))
    }

    /// Maps the values of one row of `table` in place.
    pub fn row(&self, table: &Table, row: &mut [Value], seen: &mut Seen) {
        for (column, value) in table.columns.iter().zip(row.iter_mut()) {
            let Value::Text(text) = value else { continue };
            let new = match column.role {
                Role::Plain => None,
                Role::Account => self.account(text, seen),
                Role::IssueKey => self.issue_key(text, seen),
                Role::Json => self.json_text(text, seen),
            };
            if let Some(new) = new {
                *text = new;
            }
        }
    }

    /// A JSON text with its ids mapped; none when nothing changed (the text
    /// is then kept byte for byte) or it is not JSON.
    pub fn json_text(&self, text: &str, seen: &mut Seen) -> Option<String> {
        let mut json: Json = serde_json::from_str(text).ok()?;
        self.json(&mut json, seen).then(|| json.to_string())
    }

    fn json(&self, json: &mut Json, seen: &mut Seen) -> bool {
        let mut changed = false;
        match json {
            Json::Object(map) => {
                for (key, value) in map.iter_mut() {
                    let one: Option<MapOne> = if ACCOUNT_FIELDS.contains(&key.as_str()) {
                        Some(Self::account)
                    } else if PROJECT_FIELDS.contains(&key.as_str()) {
                        Some(Self::project)
                    } else if ISSUE_FIELDS.contains(&key.as_str()) {
                        Some(Self::issue_key)
                    } else {
                        None
                    };
                    match one {
                        Some(f) => changed |= strings(value, |s| f(self, s, seen)),
                        None => changed |= self.json(value, seen),
                    }
                }
            }
            Json::Array(items) => {
                for item in items {
                    changed |= self.json(item, seen);
                }
            }
            _ => {}
        }
        changed
    }
}

/// Applies `f` to a string or to each string of a list; whether any changed.
fn strings(value: &mut Json, mut f: impl FnMut(&str) -> Option<String>) -> bool {
    let mut changed = false;
    let mut one = |v: &mut Json| {
        if let Json::String(s) = v {
            if let Some(new) = f(s) {
                *s = new;
                changed = true;
            }
        }
    };
    match value {
        Json::Array(items) => items.iter_mut().for_each(&mut one),
        other => one(other),
    }
    changed
}

fn map_one(
    map: &BTreeMap<String, String>,
    v: &str,
    unmapped: &mut BTreeSet<String>,
    mapped: &mut u64,
) -> Option<String> {
    if v.is_empty() {
        return None;
    }
    match map.get(v) {
        Some(new) => {
            *mapped = mapped.saturating_add(1);
            (new != v).then(|| new.clone())
        }
        None => {
            if unmapped.len() < MAX_SEEN {
                unmapped.insert(v.to_owned());
            }
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ids_are_mapped_wherever_they_occur_and_the_rest_reported() {
        let m = Mapping {
            accounts: BTreeMap::from([("a1".into(), "b1".into())]),
            projects: BTreeMap::from([
                ("10000".into(), "20000".into()),
                ("WEB".into(), "SITE".into()),
            ]),
        };
        let mut seen = Seen::default();
        let rates = json!({"rates": [
            {"scope": "person", "person": "a1", "hourly": "1"},
            {"scope": "personProject", "person": "a2", "project": "10000"},
            {"scope": "project", "project": "10001"}]})
        .to_string();
        let out: Json = serde_json::from_str(&m.json_text(&rates, &mut seen).unwrap()).unwrap();
        assert_eq!(out["rates"][0]["person"], "b1");
        assert_eq!(out["rates"][1]["person"], "a2");
        assert_eq!(out["rates"][1]["project"], "20000");
        let query =
            json!({"filter": {"people": ["a1"], "projects": ["WEB"], "issues": ["WEB-7", "X-1"]}})
                .to_string();
        let out: Json = serde_json::from_str(&m.json_text(&query, &mut seen).unwrap()).unwrap();
        assert_eq!(
            out["filter"],
            json!({"people": ["b1"], "projects": ["SITE"], "issues": ["SITE-7", "X-1"]})
        );
        assert_eq!(seen.accounts, BTreeSet::from(["a2".to_owned()]));
        assert_eq!(
            seen.projects,
            BTreeSet::from(["10001".to_owned(), "X".to_owned()])
        );
        // Nothing to change: none, so the text is kept byte for byte.
        assert_eq!(m.json_text(r#"{"b": 1,  "a": "a1x"}"#, &mut seen), None);
    }
}
