//! Jira's wire types that more than one part of the component reads: only the
//! fields used, each defaulted when Jira may leave it out, so that a sparse
//! answer still parses.

use std::collections::BTreeMap;

use serde::Deserialize;

/// Deserializes one of Jira's ids: a string, or (tolerated) a number.
///
/// # Errors
///
/// When the value is neither.
pub fn id_string<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    struct Id;

    impl serde::de::Visitor<'_> for Id {
        type Value = String;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("an id")
        }

        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<String, E> {
            Ok(v.to_owned())
        }

        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<String, E> {
            Ok(v.to_string())
        }

        fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<String, E> {
            Ok(v.to_string())
        }
    }

    deserializer.deserialize_any(Id)
}

/// A duration for Jira's `newEstimate`, `reduceBy` and `increaseBy` parameters, in
/// minutes (Jira's `#m`): days and weeks would depend on the site's working
/// hours, minutes never do. `seconds` is a whole number of minutes (validated).
///
/// ```
/// assert_eq!(worklogs_app::jira::minutes(5400), "90m");
/// ```
pub fn minutes(seconds: i64) -> String {
    format!("{}m", seconds / 60)
}

/// Who may see a worklog, as Jira gives it (and as the index stores it): a
/// `group` or a `role`, named by `value`, `identifier` or both.
#[derive(Deserialize, Debug, Clone, Default, PartialEq, Eq)]
pub struct Visibility {
    /// `group` or `role` (others are possible and admit nobody).
    #[serde(rename = "type", default)]
    pub kind: String,
    /// The group's or role's name.
    #[serde(default)]
    pub value: Option<String>,
    /// The group's or role's id.
    #[serde(default)]
    pub identifier: Option<String>,
}

/// A user, as far as the app reads one.
#[derive(Deserialize, Debug, Clone, Default, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct User {
    /// The account id.
    #[serde(default)]
    pub account_id: String,
    /// The display name (empty when not given).
    #[serde(default)]
    pub display_name: String,
}

/// A project, as far as the app reads one (`project/search`).
#[derive(Deserialize, Debug, Clone, Default, PartialEq, Eq)]
pub struct Project {
    /// The numeric id, as a string.
    #[serde(deserialize_with = "id_string")]
    pub id: String,
    /// The key, such as `ALPHA`.
    #[serde(default)]
    pub key: String,
    /// The name.
    #[serde(default)]
    pub name: String,
}

/// The answer of `mypermissions`: which of the asked permissions the acting
/// user holds.
#[derive(Deserialize, Debug, Default)]
pub struct MyPermissions {
    #[serde(default)]
    permissions: BTreeMap<String, Held>,
}

#[derive(Deserialize, Debug, Default)]
#[serde(rename_all = "camelCase")]
struct Held {
    #[serde(default)]
    have_permission: bool,
}

impl MyPermissions {
    /// Whether the answer says the permission `key` is held (not when absent).
    pub fn has(&self, key: &str) -> bool {
        self.permissions.get(key).is_some_and(|p| p.have_permission)
    }
}

/// A page of Jira's paged lists (`values`, such as `group/member`,
/// `project/search`, `user/bulk`).
#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
pub struct ValuesPage<T> {
    /// The page's items.
    #[serde(default = "Vec::new")]
    pub values: Vec<T>,
    /// Whether this is the last page, when Jira says.
    #[serde(default)]
    pub is_last: Option<bool>,
    /// How many items in all, when Jira says.
    #[serde(default)]
    pub total: Option<u64>,
}

/// A page of `search/jql`.
#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
pub struct SearchPage<T> {
    /// The issues found, with the fields asked for.
    #[serde(default = "Vec::new")]
    pub issues: Vec<T>,
    /// The token of the next page; none on the last.
    #[serde(default)]
    pub next_page_token: Option<String>,
}

/// A page of an issue's worklogs (`issue/{key}/worklog`).
#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
pub struct WorklogPage<T> {
    /// The index of the page's first worklog.
    #[serde(default)]
    pub start_at: usize,
    /// How many worklogs the issue has.
    #[serde(default)]
    pub total: usize,
    /// The page's worklogs, in Jira's order.
    #[serde(default = "Vec::new")]
    pub worklogs: Vec<T>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparse_answers_parse() {
        let page: ValuesPage<User> = serde_json::from_str(r#"{"values":[{}]}"#).unwrap();
        assert_eq!(
            (page.values.len(), page.is_last, page.total),
            (1, None, None)
        );
        let perms: MyPermissions = serde_json::from_str(
            r#"{"permissions":{"ADMINISTER":{"havePermission":true},"BROWSE":{}}}"#,
        )
        .unwrap();
        assert!(perms.has("ADMINISTER"));
        assert!(!perms.has("BROWSE"));
        assert!(!perms.has("EDIT_ALL_WORKLOGS"));
        let v: Visibility = serde_json::from_str(r#"{"type":"group","identifier":"g-1"}"#).unwrap();
        assert_eq!((v.kind.as_str(), v.value), ("group", None));
    }
}
