//! JSON as Jira Cloud writes it.
//!
//! A [`Render`] holds what every response depends on: the site's base URL (from
//! the request's `Host`, so `self` links point back at the simulator), the
//! caller's time zone (Jira Cloud writes dates in the caller's zone, such as
//! `2026-11-24T10:30:00.000+0100`; the app user gets UTC) and the caller's access.
//! Shapes follow the REST v3 spec: `User`, `UserDetails`, `Worklog`, `IssueBean`,
//! `Project`.

use chrono::TimeZone;
use chrono_tz::Tz;
use serde_json::{json, Map, Value};

use crate::duration;
use crate::world::{Access, Visibility, World};

/// Issue fields the simulator knows, and whether each is navigable
/// (`*navigable` includes it).
pub(crate) const ISSUE_FIELDS: &[(&str, bool)] = &[
    ("summary", true),
    ("issuetype", true),
    ("status", true),
    ("project", true),
    ("parent", true),
    ("components", true),
    ("labels", true),
    ("fixVersions", true),
    ("security", true),
    ("assignee", true),
    ("reporter", true),
    ("created", true),
    ("updated", true),
    ("timespent", true),
    ("timeoriginalestimate", true),
    ("timeestimate", true),
    ("aggregatetimespent", true),
    ("aggregatetimeoriginalestimate", true),
    ("aggregatetimeestimate", true),
    ("timetracking", false),
    ("worklog", false),
    ("customfield_10100", true),
    ("customfield_10101", true),
];

/// How many worklogs the issue's `worklog` field embeds, as in Jira.
const EMBEDDED_WORKLOGS: usize = 20;

/// A set of issue fields (a bit per entry of [`ISSUE_FIELDS`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FieldSet(u32);

impl FieldSet {
    /// Every field (`*all`).
    pub(crate) fn all() -> FieldSet {
        FieldSet((1 << ISSUE_FIELDS.len()) - 1)
    }

    /// Whether no field is selected.
    pub(crate) fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Parses Jira's `fields` list: names, `*all`, `*navigable`, and `-name` to
    /// leave one out. Unknown names are ignored, as Jira does; `None` when the list
    /// is empty (the caller's default applies).
    pub(crate) fn parse<'a>(items: impl IntoIterator<Item = &'a str>) -> Option<FieldSet> {
        let mut set = 0u32;
        let mut seen = false;
        for item in items.into_iter().flat_map(|s| s.split(',')) {
            let item = item.trim();
            if item.is_empty() {
                continue;
            }
            seen = true;
            match item {
                "*all" => set = FieldSet::all().0,
                "*navigable" => {
                    for (i, (_, nav)) in ISSUE_FIELDS.iter().enumerate() {
                        if *nav {
                            set |= 1 << i;
                        }
                    }
                }
                _ => {
                    let (remove, name) = match item.strip_prefix('-') {
                        Some(n) => (true, n),
                        None => (false, item),
                    };
                    if let Some(i) = ISSUE_FIELDS.iter().position(|(n, _)| *n == name) {
                        if remove {
                            set &= !(1 << i);
                        } else {
                            set |= 1 << i;
                        }
                    }
                }
            }
        }
        seen.then_some(FieldSet(set))
    }

    fn has(self, name: &str) -> bool {
        ISSUE_FIELDS
            .iter()
            .position(|(n, _)| *n == name)
            .is_some_and(|i| self.0 & (1 << i) != 0)
    }
}

/// Renders JSON for one caller.
pub(crate) struct Render<'a> {
    pub world: &'a World,
    pub base: &'a str,
    pub access: &'a Access,
    tz: Tz,
}

/// Percent-encodes a query or path value.
pub(crate) fn encode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Percent-encodes a path segment (a space is `%20` there, not `+`).
pub(crate) fn encode_path(s: &str) -> String {
    encode(s).replace('+', "%20")
}

impl<'a> Render<'a> {
    /// A renderer for the caller described by `access`.
    pub(crate) fn new(world: &'a World, base: &'a str, access: &'a Access) -> Render<'a> {
        let tz = world.accounts[access.account as usize].tz;
        Render {
            world,
            base,
            access,
            tz,
        }
    }

    /// An instant in Jira's format, in the caller's time zone.
    pub(crate) fn time(&self, ms: i64) -> String {
        match self.tz.timestamp_millis_opt(ms).single() {
            Some(t) => t.format("%Y-%m-%dT%H:%M:%S%.3f%z").to_string(),
            None => "1970-01-01T00:00:00.000+0000".to_owned(),
        }
    }

    /// A duration in the site's time format.
    pub(crate) fn duration(&self, seconds: i64) -> String {
        duration::format(seconds, &self.world.config)
    }

    /// `avatarUrls` for a name: the simulator serves small SVG avatars itself.
    pub(crate) fn avatar_urls(&self, name: &str) -> Value {
        let name = encode_path(name);
        let mut m = Map::new();
        for size in [48, 24, 16, 32] {
            m.insert(
                format!("{size}x{size}"),
                Value::String(format!("{}/sim/avatar/{name}?s={size}", self.base)),
            );
        }
        Value::Object(m)
    }

    /// `UserDetails` (worklog authors, assignees).
    pub(crate) fn user_details(&self, a: u32) -> Value {
        let acc = &self.world.accounts[a as usize];
        let mut v = json!({
            "self": format!("{}/rest/api/3/user?accountId={}", self.base, encode(&acc.account_id)),
            "accountId": acc.account_id,
            "avatarUrls": self.avatar_urls(&acc.display_name),
            "displayName": acc.display_name,
            "active": !self.world.is_deactivated(a),
            "timeZone": acc.tz.name(),
            "accountType": if acc.app { "app" } else { "atlassian" },
        });
        if let Some(email) = &acc.email {
            v["emailAddress"] = json!(email);
        }
        v
    }

    /// `User` (`myself`, `user`, `user/bulk`), with `expand=groups,applicationRoles`.
    pub(crate) fn user(&self, a: u32, expand: &str) -> Value {
        let acc = &self.world.accounts[a as usize];
        let mut v = self.user_details(a);
        let expanded = |what: &str| expand.split(',').any(|e| e.trim() == what);
        let groups: Vec<Value> = if expanded("groups") {
            acc.groups.iter().map(|&g| self.group(g)).collect()
        } else {
            Vec::new()
        };
        let roles: Vec<Value> = if expanded("applicationRoles") && !acc.app {
            vec![json!({ "key": "jira-software", "name": "Jira" })]
        } else {
            Vec::new()
        };
        v["locale"] = json!(acc.locale);
        v["groups"] = json!({ "size": acc.groups.len(), "items": groups });
        v["applicationRoles"] = json!({ "size": if acc.app { 0 } else { 1 }, "items": roles });
        v["expand"] = json!("groups,applicationRoles");
        v
    }

    /// `GroupName`.
    pub(crate) fn group(&self, g: u32) -> Value {
        let group = &self.world.groups[g as usize];
        json!({
            "name": group.name,
            "groupId": group.id,
            "self": format!("{}/rest/api/3/group?groupId={}", self.base, group.id),
        })
    }

    /// `Worklog`; `properties` only when asked for with `expand=properties`.
    pub(crate) fn worklog(&self, w: u32, with_properties: bool) -> Value {
        let wl = &self.world.worklogs[w as usize];
        let issue = &self.world.issues[wl.issue as usize];
        let id = World::worklog_id(w);
        let mut v = json!({
            "self": format!("{}/rest/api/3/issue/{}/worklog/{}", self.base, issue.id, id),
            "author": self.user_details(wl.author),
            "updateAuthor": self.user_details(wl.update_author),
            "created": self.time(wl.created),
            "updated": self.time(wl.updated),
            "started": self.time(wl.started),
            "timeSpent": self.duration(i64::from(wl.seconds)),
            "timeSpentSeconds": wl.seconds,
            "id": id.to_string(),
            "issueId": issue.id.to_string(),
        });
        if let Some(c) = wl.comment {
            v["comment"] = self.world.comments[c as usize].clone();
        }
        match wl.visibility {
            Visibility::All => {}
            Visibility::Group(g) => {
                let group = &self.world.groups[g as usize];
                v["visibility"] =
                    json!({ "type": "group", "value": group.name, "identifier": group.id });
            }
            Visibility::Role(r) => {
                let role = &self.world.roles[r as usize];
                v["visibility"] =
                    json!({ "type": "role", "value": role.name, "identifier": role.name });
            }
        }
        if with_properties {
            v["properties"] = self.properties(w);
        }
        v
    }

    /// A worklog's properties as `EntityProperty` objects.
    pub(crate) fn properties(&self, w: u32) -> Value {
        Value::Array(
            self.world
                .worklog_properties(w)
                .iter()
                .map(|(k, v)| json!({ "key": k, "value": v }))
                .collect(),
        )
    }

    /// `Project` (project search).
    pub(crate) fn project(&self, p: u32) -> Value {
        let project = &self.world.projects[p as usize];
        json!({
            "expand": "description,lead,issueTypes,url,projectKeys,permissions,insight",
            "self": format!("{}/rest/api/3/project/{}", self.base, project.id),
            "id": project.id.to_string(),
            "key": project.key,
            "name": project.name,
            "avatarUrls": self.avatar_urls(&project.key),
            "projectTypeKey": "software",
            "simplified": false,
            "style": "classic",
            "isPrivate": false,
            "properties": {},
        })
    }

    /// `ProjectDetails` (an issue's `project` field).
    fn project_details(&self, p: u32) -> Value {
        let project = &self.world.projects[p as usize];
        json!({
            "self": format!("{}/rest/api/3/project/{}", self.base, project.id),
            "id": project.id.to_string(),
            "key": project.key,
            "name": project.name,
            "projectTypeKey": "software",
            "simplified": false,
            "avatarUrls": self.avatar_urls(&project.key),
        })
    }

    fn issue_type(&self, t: crate::world::IssueType) -> Value {
        json!({
            "self": format!("{}/rest/api/3/issuetype/{}", self.base, t.id()),
            "id": t.id(),
            "iconUrl": format!("{}/sim/avatar/{}?s=16", self.base, t.name()),
            "name": t.name(),
            "subtask": false,
            "avatarId": 10300 + t.id().parse::<i64>().unwrap_or(0) % 100,
            "hierarchyLevel": t.level(),
        })
    }

    fn status(&self, s: crate::world::Status) -> Value {
        let (cid, ckey, colour, cname) = s.category();
        json!({
            "self": format!("{}/rest/api/3/status/{}", self.base, s.id()),
            "description": "",
            "iconUrl": format!("{}/sim/avatar/{}?s=16", self.base, encode_path(s.name())),
            "name": s.name(),
            "id": s.id(),
            "statusCategory": {
                "self": format!("{}/rest/api/3/statuscategory/{cid}", self.base),
                "id": cid,
                "key": ckey,
                "colorName": colour,
                "name": cname,
            },
        })
    }

    /// `IssueBean` with the fields in `fields`.
    pub(crate) fn issue(&self, i: u32, fields: FieldSet) -> Value {
        let world = self.world;
        let issue = &world.issues[i as usize];
        let project = &world.projects[issue.project as usize];
        let key = world.issue_key(issue);
        let secs = |v: Option<i64>| v.map_or(Value::Null, |s| json!(s));
        let spent = (issue.spent > 0).then_some(issue.spent);
        let mut f = Map::new();
        let mut put = |name: &str, value: Value| {
            if fields.has(name) {
                f.insert(name.to_owned(), value);
            }
        };
        put("summary", json!(issue.summary));
        put("issuetype", self.issue_type(issue.issue_type));
        put("status", self.status(issue.status));
        put("project", self.project_details(issue.project));
        if let Some(p) = issue.parent {
            let parent = &world.issues[p as usize];
            put(
                "parent",
                json!({
                    "id": parent.id.to_string(),
                    "key": world.issue_key(parent),
                    "self": format!("{}/rest/api/3/issue/{}", self.base, parent.id),
                    "fields": {
                        "summary": parent.summary,
                        "status": self.status(parent.status),
                        "issuetype": self.issue_type(parent.issue_type),
                    },
                }),
            );
        }
        put(
            "components",
            Value::Array(
                issue
                    .components
                    .iter()
                    .map(|&c| {
                        let c = &project.components[c as usize];
                        json!({
                            "self": format!("{}/rest/api/3/component/{}", self.base, c.id),
                            "id": c.id.to_string(),
                            "name": c.name,
                        })
                    })
                    .collect(),
            ),
        );
        put("labels", json!(issue.labels));
        put(
            "security",
            issue
                .security
                .and_then(|l| world.security_levels.get(l as usize))
                .map_or(Value::Null, |l| {
                    json!({
                        "self": format!("{}/rest/api/3/securitylevel/{}", self.base, l.id),
                        "id": l.id.to_string(),
                        "name": l.name,
                        "description": l.description,
                    })
                }),
        );
        put(
            "fixVersions",
            Value::Array(
                issue
                    .fix_versions
                    .iter()
                    .map(|&v| {
                        let v = &project.versions[v as usize];
                        let mut j = json!({
                            "self": format!("{}/rest/api/3/version/{}", self.base, v.id),
                            "id": v.id.to_string(),
                            "name": v.name,
                            "archived": false,
                            "released": v.released,
                        });
                        if let Some(d) = v.release_date {
                            j["releaseDate"] = json!(d.format("%Y-%m-%d").to_string());
                        }
                        j
                    })
                    .collect(),
            ),
        );
        put(
            "assignee",
            issue.assignee.map_or(Value::Null, |a| self.user_details(a)),
        );
        put("reporter", self.user_details(issue.reporter));
        put("created", json!(self.time(issue.created)));
        put("updated", json!(self.time(issue.updated)));
        put("timespent", secs(spent));
        put("timeoriginalestimate", secs(issue.original));
        put("timeestimate", secs(issue.remaining));
        put("aggregatetimespent", secs(spent));
        put("aggregatetimeoriginalestimate", secs(issue.original));
        put("aggregatetimeestimate", secs(issue.remaining));
        for (field, _, _) in crate::world::CUSTOM_FIELDS {
            let mut value = issue
                .custom
                .iter()
                .find(|(id, _)| id == field)
                .map_or(Value::Null, |(_, v)| v.clone());
            // A select list's option comes with its own link, as in Jira.
            if let Some(option) = value.get("id").and_then(Value::as_str).map(str::to_owned) {
                value["self"] = json!(format!(
                    "{}/rest/api/3/customFieldOption/{option}",
                    self.base
                ));
            }
            put(field, value);
        }
        if fields.has("timetracking") {
            let mut tt = Map::new();
            if let Some(o) = issue.original {
                tt.insert("originalEstimate".into(), json!(self.duration(o)));
                tt.insert("originalEstimateSeconds".into(), json!(o));
            }
            if let Some(r) = issue.remaining {
                tt.insert("remainingEstimate".into(), json!(self.duration(r)));
                tt.insert("remainingEstimateSeconds".into(), json!(r));
            }
            if let Some(s) = spent {
                tt.insert("timeSpent".into(), json!(self.duration(s)));
                tt.insert("timeSpentSeconds".into(), json!(s));
            }
            f.insert("timetracking".into(), Value::Object(tt));
        }
        if fields.has("worklog") {
            let visible: Vec<u32> = issue
                .worklogs
                .iter()
                .copied()
                .filter(|&w| self.access.can_see(world, &world.worklogs[w as usize]))
                .collect();
            let shown: Vec<Value> = visible
                .iter()
                .take(EMBEDDED_WORKLOGS)
                .map(|&w| self.worklog(w, false))
                .collect();
            f.insert(
                "worklog".into(),
                json!({
                    "startAt": 0,
                    "maxResults": EMBEDDED_WORKLOGS,
                    "total": visible.len(),
                    "worklogs": shown,
                }),
            );
        }
        json!({
            "expand": "renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations",
            "id": issue.id.to_string(),
            "self": format!("{}/rest/api/3/issue/{}", self.base, issue.id),
            "key": key,
            "fields": f,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_lists() {
        assert_eq!(FieldSet::parse([]), None);
        assert_eq!(FieldSet::parse(["*all"]), Some(FieldSet::all()));
        let nav = FieldSet::parse(["*navigable"]).unwrap_or(FieldSet(0));
        assert!(nav.has("summary") && !nav.has("worklog") && !nav.has("timetracking"));
        let some = FieldSet::parse(["summary, worklog", "nonsense"]).unwrap_or(FieldSet(0));
        assert!(some.has("summary") && some.has("worklog") && !some.has("status"));
        let minus = FieldSet::parse(["*all,-worklog"]).unwrap_or(FieldSet(0));
        assert!(minus.has("summary") && !minus.has("worklog"));
        assert_eq!(FieldSet::parse(["id"]), Some(FieldSet(0)));
    }
}
