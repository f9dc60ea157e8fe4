//! Which worklogs count: the [`Filter`], what the caller resolves for its groups
//! and JQL ([`Resolution`]), and the query's `filter` read within its bounds.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

use super::bounds::{MAX_FILTER_VALUES, MAX_JQL_CHARS};
use super::{invalid, ReportQuery};
use crate::approval::State;
use crate::error::{quote, Error};
use crate::export::flat::check_attribute_key;

/// Which worklogs count; every filter given must match. `None` means no filter.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    /// Authors by account id.
    pub people: Option<BTreeSet<String>>,
    /// Authors in these groups (resolved by the caller).
    pub groups: Vec<String>,
    /// Projects by key.
    pub projects: Option<BTreeSet<String>>,
    /// Issues by key.
    pub issues: Option<BTreeSet<String>>,
    /// A JQL query whose issues count (resolved by the caller into keys).
    pub jql: Option<String>,
    /// Attribute values: each key's value must be one of its set.
    pub attributes: BTreeMap<String, BTreeSet<String>>,
    /// Only billable (`true`) or non-billable (`false`) worklogs.
    pub billable: Option<bool>,
    /// Only worklogs whose author's period holding them is in one of these
    /// states ([`crate::report::Worklog::approval_state`]).
    pub approval_states: Option<BTreeSet<State>>,
}

/// What the caller resolved for a query's `groups` and `jql`.
///
/// # Example
///
/// ```
/// use worklogs_core::report::Resolution;
/// let resolution = Resolution {
///     group_members: [("developers".to_owned(), vec!["acc-1".to_owned()])].into(),
///     jql_issues: Some(vec!["WEB-1".to_owned()]),
/// };
/// assert_eq!(resolution.group_members["developers"], ["acc-1"]);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Resolution {
    /// The account ids of each group's members.
    pub group_members: BTreeMap<String, Vec<String>>,
    /// The keys of the issues the JQL query found.
    pub jql_issues: Option<Vec<String>>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(super) struct RawFilter {
    people: Option<Vec<String>>,
    groups: Option<Vec<String>>,
    projects: Option<Vec<String>>,
    issues: Option<Vec<String>>,
    jql: Option<String>,
    attributes: Option<BTreeMap<String, Vec<String>>>,
    billable: Option<bool>,
    approval_states: Option<Vec<String>>,
}

/// `filter.approvalStates` as a set of states; `None` when absent.
fn state_set(values: Option<Vec<String>>) -> Result<Option<BTreeSet<State>>, Error> {
    let field = "filter.approvalStates";
    let Some(values) = values else {
        return Ok(None);
    };
    if values.is_empty() || values.len() > MAX_FILTER_VALUES {
        return Err(invalid(
            "invalid-value",
            field,
            format!(
                "{} values: expected 1 to {MAX_FILTER_VALUES} of open, submitted and approved",
                values.len()
            ),
        ));
    }
    let mut set = BTreeSet::new();
    for (index, value) in values.iter().enumerate() {
        let state = State::parse(value).ok_or_else(|| {
            invalid(
                "invalid-value",
                &format!("{field}[{index}]"),
                format!("{}: expected open, submitted or approved", quote(value)),
            )
        })?;
        set.insert(state);
    }
    Ok(Some(set))
}

/// A list of non-empty, trimmed values as a set; `None` when absent.
fn value_set(values: Option<Vec<String>>, field: &str) -> Result<Option<BTreeSet<String>>, Error> {
    let Some(values) = values else {
        return Ok(None);
    };
    if values.len() > MAX_FILTER_VALUES {
        return Err(Error::limit(
            "too-many-values",
            format!(
                "invalid {field}: {} values, at most {MAX_FILTER_VALUES}",
                values.len()
            ),
        )
        .field_name(field));
    }
    let mut set = BTreeSet::new();
    for (index, value) in values.into_iter().enumerate() {
        let trimmed = value.trim();
        if trimmed.is_empty() || trimmed.len() > 255 {
            return Err(invalid(
                "invalid-value",
                &format!("{field}[{index}]"),
                format!("{}: expected 1 to 255 characters", quote(&value)),
            ));
        }
        set.insert(trimmed.to_owned());
    }
    Ok(Some(set))
}

impl ReportQuery {
    pub(super) fn raw_filter(raw: RawFilter) -> Result<Filter, Error> {
        let mut attributes = BTreeMap::new();
        if raw
            .attributes
            .as_ref()
            .is_some_and(|a| a.len() > MAX_FILTER_VALUES)
        {
            return Err(Error::limit(
                "too-many-values",
                format!("invalid filter.attributes: more than {MAX_FILTER_VALUES} attributes"),
            )
            .field_name("filter.attributes"));
        }
        for (key, values) in raw.attributes.unwrap_or_default() {
            let field = format!("filter.attributes.{key}");
            check_attribute_key(&key).map_err(|e| e.with_field("filter.attributes"))?;
            let set = value_set(Some(values), &field)?.unwrap_or_default();
            attributes.insert(key, set);
        }
        let groups = value_set(raw.groups, "filter.groups")?
            .unwrap_or_default()
            .into_iter()
            .collect();
        let jql = match raw.jql {
            Some(jql) if jql.chars().count() > MAX_JQL_CHARS => {
                return Err(Error::limit(
                    "too-long",
                    format!(
                        "invalid filter.jql: {} characters, at most {MAX_JQL_CHARS}",
                        jql.chars().count()
                    ),
                )
                .field_name("filter.jql"));
            }
            Some(jql) if jql.trim().is_empty() => {
                return Err(invalid(
                    "invalid-value",
                    "filter.jql",
                    "\"\": expected a JQL query".to_owned(),
                ))
            }
            jql => jql,
        };
        Ok(Filter {
            people: value_set(raw.people, "filter.people")?,
            groups,
            projects: value_set(raw.projects, "filter.projects")?,
            issues: value_set(raw.issues, "filter.issues")?,
            jql,
            attributes,
            billable: raw.billable,
            approval_states: state_set(raw.approval_states)?,
        })
    }
}
