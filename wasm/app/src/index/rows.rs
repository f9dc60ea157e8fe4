//! Rows of the index, from Jira's JSON: a worklog (from `worklog/list`, an
//! issue's worklogs or a write's answer, with `expand=properties`) and an issue
//! (from `search/jql` with the fields the index keeps).

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::{json, Value as Json};

use super::{canonical_json, hash_text};
use crate::adf;
use crate::input::{parse_date_time, quote};
use crate::jira::id_string;
use crate::jira::types::Visibility;
use crate::Error;

/// The worklog property that holds a worklog's attributes.
pub const ATTRIBUTES_PROPERTY: &str = "worklogs.attributes";

/// The worklog property that mirrors what finance needs of a worklog
/// (`worklogs_core::finance::Mirror`): `{"billable", "approvalState"}`, as
/// the flat export computes them, for tools that read Jira's REST API alone
/// (`docs/power-bi.md`). Written with every worklog the app writes, and kept
/// current by `finance.mirror`.
pub const FINANCE_PROPERTY: &str = "worklogs.finance";

/// The worklog property the app writes on a worklog it put back
/// (`ops::worklog::put_back`): `{"id", "author", "path"}`, the original
/// worklog's id and author, and whether it was recreated as the `author` or as
/// the `app`. On a worklog whose Jira author is this app's own account, the
/// index counts the time for `author` (see [`WorklogRow::from_jira`]).
pub const ORIGIN_PROPERTY: &str = "worklogs.origin";

/// The longest summary kept, in characters (Jira's own limit).
const MAX_SUMMARY_CHARS: usize = 255;

/// The longest issue key kept, in characters.
const MAX_KEY_CHARS: usize = 255;

/// A worklog as Jira sends it; only the fields the index keeps.
#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
pub struct RawWorklog {
    #[serde(deserialize_with = "id_string")]
    id: String,
    #[serde(deserialize_with = "id_string")]
    issue_id: String,
    #[serde(default)]
    author: Option<RawAuthor>,
    started: String,
    time_spent_seconds: i64,
    updated: String,
    #[serde(default)]
    comment: Option<Json>,
    #[serde(default)]
    visibility: Option<Visibility>,
    #[serde(default)]
    properties: Option<Vec<RawProperty>>,
}

/// A worklog's author: who, and whether an app (`accountType: "app"`).
///
/// Its own two fields rather than a flattened [`crate::jira::types::User`]:
/// `serde` reads a flattened struct through a buffer of every field the
/// author has (its avatar links too), once per worklog of a full import.
#[derive(Deserialize, Debug, Default)]
#[serde(rename_all = "camelCase")]
struct RawAuthor {
    #[serde(default)]
    account_id: String,
    #[serde(default)]
    account_type: String,
}

#[derive(Deserialize, Debug)]
struct RawProperty {
    #[serde(default)]
    key: String,
    #[serde(default)]
    value: Json,
}

/// One row of `worklogs`, before its issue's project is known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorklogRow {
    /// The worklog id.
    pub id: i64,
    /// Its issue's id.
    pub issue: i64,
    /// The author's account id (stored as a dictionary id).
    pub author: String,
    /// When work started, epoch milliseconds.
    pub started: i64,
    /// Time spent, seconds.
    pub seconds: i64,
    /// Last update, epoch milliseconds.
    pub updated: i64,
    /// Canonical JSON of the visibility; none when everyone who sees the issue
    /// sees the worklog.
    pub visibility: Option<String>,
    /// Canonical JSON of the attributes; none without them.
    pub attributes: Option<String>,
    /// A 31-bit hash of the comment's plain text; 0 without a comment.
    pub note: i64,
    /// The comment as Jira sent it (ADF), as canonical JSON; none without
    /// one. Not stored in the index, only in the journal (when the
    /// administrator keeps comments there: [`super::journal`]).
    pub comment: Option<String>,
}

/// Parses Jira's numeric id text.
fn numeric_id(what: &str, text: &str) -> Result<i64, Error> {
    text.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| {
            Error::upstream(format!(
                "jira sent a {what} id that is not a number: {}",
                quote(text)
            ))
        })
}

/// A worklog or an issue as an error names it (`worklog 10001`).
struct Named(&'static str, i64);

impl std::fmt::Display for Named {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.0, self.1)
    }
}

/// Parses one of Jira's date-times to epoch milliseconds; `what` names the
/// worklog or issue in the error (written only then: a full import reads two
/// date-times a worklog).
fn instant(what: &dyn std::fmt::Display, field: &str, text: &str) -> Result<i64, Error> {
    parse_date_time(text)
        .map(|t| t.timestamp_millis())
        .ok_or_else(|| {
            Error::upstream(format!(
                "jira gave {what} a \"{field}\" that is not a date-time: {}",
                quote(text)
            ))
        })
}

impl WorklogRow {
    /// The row for a worklog as Jira sent it.
    ///
    /// The author is Jira's, except on a worklog written by this app's own
    /// account (`app`: its account id, see [`super::app_account_for`]; its
    /// `accountType` is `app`) that carries the property [`ORIGIN_PROPERTY`]
    /// with an `author`: the app put back someone's deleted worklog and could
    /// not do it as them (a deactivated person), so the time counts for the
    /// original author in reports, timesheets and exports. Nobody else can
    /// claim someone's time this way: neither a person (anyone may set a
    /// property on their own worklog) nor another app, whose worklog is read
    /// as its own; with `app` unknown (`None`), no worklog is.
    ///
    /// # Errors
    ///
    /// `upstream` when an id or a date-time is malformed.
    pub fn from_jira(raw: &RawWorklog, app: Option<&str>) -> Result<Self, Error> {
        let id = numeric_id("worklog", &raw.id)?;
        let what = Named("worklog", id);
        let visibility = raw.visibility.as_ref().map(|v| {
            let mut out = serde_json::Map::new();
            out.insert("type".to_owned(), json!(v.kind));
            if let Some(value) = &v.value {
                out.insert("value".to_owned(), json!(value));
            }
            if let Some(identifier) = &v.identifier {
                out.insert("identifier".to_owned(), json!(identifier));
            }
            canonical_json(&Json::Object(out))
        });
        let attributes = raw
            .properties
            .iter()
            .flatten()
            .find(|p| p.key == ATTRIBUTES_PROPERTY)
            .filter(|p| !p.value.is_null())
            .map(|p| canonical_json(&p.value));
        let note = raw
            .comment
            .as_ref()
            .map_or(0, |c| note(&adf::to_plain_text(c)));
        Ok(Self {
            id,
            issue: numeric_id("issue", &raw.issue_id)?,
            author: author(raw, app),
            started: instant(&what, "started", &raw.started)?,
            seconds: raw.time_spent_seconds,
            updated: instant(&what, "updated", &raw.updated)?,
            visibility,
            attributes,
            note,
            comment: raw
                .comment
                .as_ref()
                .filter(|c| !c.is_null())
                .map(canonical_json),
        })
    }
}

impl RawWorklog {
    /// The original author an app's worklog names in [`ORIGIN_PROPERTY`]:
    /// only for a worklog whose Jira author is an app account; whether it is
    /// this app's is for [`WorklogRow::from_jira`] to check.
    fn origin_author(&self) -> Option<&str> {
        let author = self.author.as_ref()?;
        if author.account_type != "app" {
            return None;
        }
        self.properties
            .iter()
            .flatten()
            .find(|p| p.key == ORIGIN_PROPERTY)
            .and_then(|p| p.value.get("author"))
            .and_then(Json::as_str)
            .filter(|a| !a.is_empty())
    }

    /// Whether reading this worklog needs this app's own account id: an app
    /// wrote it and it names an original author.
    pub fn names_origin(&self) -> bool {
        self.origin_author().is_some()
    }
}

/// Who a worklog counts for: its author, or the original author a put-back
/// copy names in [`ORIGIN_PROPERTY`] when this app (`app`) wrote the copy.
fn author(raw: &RawWorklog, app: Option<&str>) -> String {
    let Some(author) = raw.author.as_ref() else {
        return String::new();
    };
    if let Some(origin) = raw.origin_author() {
        if app.is_some_and(|app| !app.is_empty() && app == author.account_id) {
            return origin.to_owned();
        }
    }
    author.account_id.clone()
}

/// The hash the index keeps of a comment: 0 for none, else 31 bits, never 0.
pub fn note(plain_text: &str) -> i64 {
    if plain_text.is_empty() {
        0
    } else {
        (hash_text(0xfe, plain_text) & 0x7fff_ffff).max(1)
    }
}

/// An issue as `search/jql` sends it, with the fields the index asks for.
#[derive(Deserialize, Debug)]
pub struct RawIssue {
    #[serde(deserialize_with = "id_string")]
    id: String,
    #[serde(default)]
    key: String,
    #[serde(default)]
    fields: BTreeMap<String, Json>,
}

/// One row of `issues`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IssueRow {
    /// The issue id.
    pub id: i64,
    /// Its key, such as `ALPHA-7` (it changes when the issue moves).
    pub key: String,
    /// Its summary, at most 255 characters.
    pub summary: String,
    /// Its project's id.
    pub project: i64,
    /// Its parent's id (the epic); 0 without one.
    pub parent: i64,
    /// The issue type's name.
    pub issue_type: String,
    /// Canonical JSON `{"category", "name"}` of the status.
    pub status: String,
    /// Sorted JSON array of component names; none when empty.
    pub components: Option<String>,
    /// Sorted JSON array of labels; none when empty.
    pub labels: Option<String>,
    /// Sorted JSON array of fix version names; none when empty.
    pub versions: Option<String>,
    /// Canonical JSON object of the chosen custom fields' values; none when
    /// they are all empty.
    pub fields: Option<String>,
    /// Last update, epoch milliseconds.
    pub updated: i64,
    /// Its security level's id; 0 without one.
    pub security: i64,
}

/// The issue fields the index asks `search/jql` for, besides custom fields.
pub const ISSUE_FIELDS: &[&str] = &[
    "summary",
    "issuetype",
    "status",
    "project",
    "parent",
    "components",
    "labels",
    "fixVersions",
    "updated",
    "security",
];

/// A sorted JSON array of the `name` of each object in `value` (or of each
/// string); none when empty.
fn names(value: Option<&Json>, key: &str) -> Option<String> {
    let mut out: Vec<String> = value
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
        .filter_map(|item| match item {
            Json::String(s) => Some(s.clone()),
            other => other.get(key).and_then(Json::as_str).map(str::to_owned),
        })
        .collect();
    if out.is_empty() {
        return None;
    }
    out.sort();
    out.dedup();
    Some(canonical_json(&json!(out)))
}

/// A custom field's value reduced to what reports show: an option's `value`, a
/// user's `accountId`, a version's or group's `name`, lists of those; numbers,
/// strings and booleans as they are; other objects without their `self` links.
pub fn simplify(value: &Json) -> Json {
    match value {
        Json::Array(items) => Json::Array(items.iter().map(simplify).collect()),
        Json::Object(map) => {
            for key in ["value", "accountId", "name", "key"] {
                if let Some(v) = map.get(key).filter(|v| !v.is_object()) {
                    return v.clone();
                }
            }
            let mut out = serde_json::Map::new();
            for (k, v) in map {
                if k != "self" && k != "avatarUrls" && k != "iconUrl" {
                    out.insert(k.clone(), simplify(v));
                }
            }
            Json::Object(out)
        }
        other => other.clone(),
    }
}

impl IssueRow {
    /// The row for an issue as `search/jql` sent it; `custom` lists the custom
    /// fields to keep.
    ///
    /// # Errors
    ///
    /// `upstream` when the id, the project or the update time is missing or
    /// malformed.
    pub fn from_jira(raw: &RawIssue, custom: &[String]) -> Result<Self, Error> {
        let id = numeric_id("issue", &raw.id)?;
        let what = Named("issue", id);
        let field = |name: &str| raw.fields.get(name).filter(|v| !v.is_null());
        let text_of = |name: &str, key: &str| {
            field(name)
                .and_then(|v| v.get(key))
                .and_then(Json::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        let project = field("project")
            .and_then(|p| p.get("id"))
            .and_then(|id| match id {
                Json::String(s) => s.parse().ok(),
                other => other.as_i64(),
            })
            .ok_or_else(|| Error::upstream(format!("jira sent {what} without its project")))?;
        let parent = match field("parent").and_then(|p| p.get("id")) {
            Some(Json::String(s)) => numeric_id("parent issue", s)?,
            Some(other) => other.as_i64().unwrap_or(0),
            None => 0,
        };
        let updated = match field("updated").and_then(Json::as_str) {
            Some(text) => instant(&what, "updated", text)?,
            None => 0,
        };
        let status = canonical_json(&json!({
            "name": text_of("status", "name"),
            "category": field("status")
                .and_then(|s| s.get("statusCategory"))
                .and_then(|c| c.get("key"))
                .and_then(Json::as_str)
                .unwrap_or_default(),
        }));
        let mut values = serde_json::Map::new();
        for name in custom {
            if let Some(value) = field(name) {
                let simple = simplify(value);
                if simple != Json::Array(Vec::new()) {
                    values.insert(name.clone(), simple);
                }
            }
        }
        Ok(Self {
            id,
            key: raw.key.chars().take(MAX_KEY_CHARS).collect(),
            summary: field("summary")
                .and_then(Json::as_str)
                .unwrap_or_default()
                .chars()
                .take(MAX_SUMMARY_CHARS)
                .collect(),
            project,
            parent,
            issue_type: text_of("issuetype", "name"),
            status,
            components: names(field("components"), "name"),
            labels: names(field("labels"), "name"),
            versions: names(field("fixVersions"), "name"),
            fields: (!values.is_empty()).then(|| canonical_json(&Json::Object(values))),
            updated,
            // A level Jira names without a usable id still restricts the issue.
            security: field("security").map_or(0, |level| match level.get("id") {
                Some(Json::String(s)) => s.parse().unwrap_or(-1),
                Some(other) => other.as_i64().unwrap_or(-1),
                None => -1,
            }),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn worklogs_become_rows() {
        let raw: RawWorklog = serde_json::from_value(json!({
            "id": "10100", "issueId": 10002,
            "author": {"accountId": "a-1", "displayName": "Alice"},
            "started": "2026-11-24T09:30:00.000+0100",
            "updated": "2026-11-24T10:00:00.123+0000",
            "created": "2026-11-24T10:00:00.123+0000",
            "timeSpentSeconds": 3600,
            "comment": {"type": "doc", "version": 1, "content": [
                {"type": "paragraph", "content": [{"type": "text", "text": "hi"}]}]},
            "visibility": {"type": "group", "value": "team-leads", "identifier": "g-9"},
            "properties": [{"key": "other", "value": 1},
                           {"key": "worklogs.attributes", "value": {"workType": "dev", "billable": true}}]
        }))
        .unwrap();
        let row = WorklogRow::from_jira(&raw, None).unwrap();
        assert_eq!(row.id, 10100);
        assert_eq!(row.issue, 10002);
        assert_eq!(row.author, "a-1");
        assert_eq!(row.started, 1_795_509_000_000);
        assert_eq!(row.updated, 1_795_514_400_123);
        assert_eq!(
            row.visibility.as_deref(),
            Some(r#"{"identifier":"g-9","type":"group","value":"team-leads"}"#)
        );
        assert_eq!(
            row.attributes.as_deref(),
            Some(r#"{"billable":true,"workType":"dev"}"#)
        );
        assert_eq!(row.note, note("hi"));
        assert!(row.note > 0 && row.note <= 0x7fff_ffff);
    }

    #[test]
    fn bare_worklogs_have_no_extras() {
        let raw: RawWorklog = serde_json::from_value(json!({
            "id": "1", "issueId": "2", "started": "2026-11-24T09:30:00.000+0000",
            "updated": "2026-11-24T09:30:00.000+0000", "timeSpentSeconds": 60
        }))
        .unwrap();
        let row = WorklogRow::from_jira(&raw, None).unwrap();
        assert_eq!((row.visibility, row.attributes, row.note), (None, None, 0));
        assert_eq!(row.author, "");
    }

    /// A worklog with an origin property naming `alice`, written by `by`.
    fn with_origin(by: Json) -> RawWorklog {
        serde_json::from_value(json!({
            "id": "5", "issueId": "2", "started": "2026-11-24T09:30:00.000+0000",
            "updated": "2026-11-24T09:30:00.000+0000", "timeSpentSeconds": 60,
            "author": by,
            "properties": [{"key": ORIGIN_PROPERTY,
                            "value": {"id": "4", "author": "alice", "path": "app"}}]
        }))
        .unwrap()
    }

    #[test]
    fn only_this_apps_copies_count_for_the_origin_author() {
        let ours = with_origin(json!({"accountId": "app-ours", "accountType": "app"}));
        assert!(ours.names_origin());
        assert_eq!(
            WorklogRow::from_jira(&ours, Some("app-ours"))
                .unwrap()
                .author,
            "alice"
        );
        // Another app's worklog naming alice stays that app's time.
        let other = with_origin(json!({"accountId": "app-other", "accountType": "app"}));
        assert!(other.names_origin());
        assert_eq!(
            WorklogRow::from_jira(&other, Some("app-ours"))
                .unwrap()
                .author,
            "app-other"
        );
        // This app's account unknown: nobody's origin is taken.
        assert_eq!(
            WorklogRow::from_jira(&ours, None).unwrap().author,
            "app-ours"
        );
        // A person's worklog with the property is theirs.
        let person = with_origin(json!({"accountId": "bob", "accountType": "atlassian"}));
        assert!(!person.names_origin());
        assert_eq!(
            WorklogRow::from_jira(&person, Some("app-ours"))
                .unwrap()
                .author,
            "bob"
        );
    }

    #[test]
    fn malformed_worklogs_are_upstream() {
        let raw: RawWorklog = serde_json::from_value(json!({
            "id": "x", "issueId": "2", "started": "2026-11-24T09:30:00.000+0000",
            "updated": "2026-11-24T09:30:00.000+0000", "timeSpentSeconds": 60
        }))
        .unwrap();
        assert!(WorklogRow::from_jira(&raw, None).unwrap_err().is_upstream());
    }

    #[test]
    fn issues_become_rows() {
        let raw: RawIssue = serde_json::from_value(json!({
            "id": "10003", "key": "ALPHA-3",
            "fields": {
                "summary": "Build the parser",
                "issuetype": {"id": "10001", "name": "Task"},
                "status": {"name": "In Progress", "statusCategory": {"key": "indeterminate"}},
                "project": {"id": "10000", "key": "ALPHA"},
                "parent": {"id": "10001", "key": "ALPHA-1"},
                "components": [{"id": "1", "name": "UI"}, {"id": "2", "name": "API"}],
                "labels": ["b", "a"],
                "fixVersions": [],
                "updated": "2026-11-24T10:00:00.000+0000",
                "customfield_10100": {"self": "x", "id": "10200", "value": "Internal"},
                "customfield_10101": null,
                "customfield_10999": 5
            }
        }))
        .unwrap();
        let custom = vec![
            "customfield_10100".to_owned(),
            "customfield_10101".to_owned(),
        ];
        let row = IssueRow::from_jira(&raw, &custom).unwrap();
        assert_eq!(row.id, 10003);
        assert_eq!(row.key, "ALPHA-3");
        assert_eq!(row.project, 10000);
        assert_eq!(row.parent, 10001);
        assert_eq!(row.issue_type, "Task");
        assert_eq!(
            row.status,
            r#"{"category":"indeterminate","name":"In Progress"}"#
        );
        assert_eq!(row.components.as_deref(), Some(r#"["API","UI"]"#));
        assert_eq!(row.labels.as_deref(), Some(r#"["a","b"]"#));
        assert_eq!(row.versions, None);
        assert_eq!(
            row.fields.as_deref(),
            Some(r#"{"customfield_10100":"Internal"}"#)
        );
        assert_eq!(row.updated, 1_795_514_400_000);
    }

    #[test]
    fn custom_values_are_simplified() {
        assert_eq!(
            simplify(&json!({"self": "u", "value": "A", "id": "1"})),
            json!("A")
        );
        assert_eq!(
            simplify(&json!([{"accountId": "x", "self": "u"}])),
            json!(["x"])
        );
        assert_eq!(simplify(&json!(3.5)), json!(3.5));
        assert_eq!(
            simplify(&json!({"self": "u", "child": {"value": "B"}})),
            json!({"child": "B"})
        );
    }
}
