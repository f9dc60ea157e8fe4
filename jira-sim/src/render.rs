//! JSON as Jira Cloud writes it.
//!
//! A [`Render`] holds what every response depends on: the site's base URL (from
//! the request's `Host`, so `self` links point back at the simulator), the
//! caller's time zone (Jira Cloud writes dates in the caller's zone, such as
//! `2026-11-24T10:30:00.000+0100`; the app user gets UTC) and the caller's access.
//! Shapes follow the REST v3 spec: `User`, `UserDetails`, `Worklog`, `IssueBean`,
//! `Project`.
//!
//! Most shapes are built as [`Value`]s. Worklogs, which pages and feeds return by
//! the thousand, serialise straight from the world instead ([`WorklogJson`]), with
//! each person's `UserDetails` rendered once per [`Render`]; the text is the same,
//! keys in the sorted order in which a [`Map`] writes them.

use std::cell::OnceCell;

use chrono::{DateTime, Datelike, Offset, TimeZone, Timelike};
use chrono_tz::Tz;
use serde::Serialize;
use serde_json::value::RawValue;
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
    /// Each account's `UserDetails` as JSON text, rendered on first use: a page
    /// of worklogs names the same people again and again.
    users: Vec<OnceCell<Box<RawValue>>>,
}

/// A `Worklog`, serialised straight from the world.
///
/// Fields are in sorted key order, as a [`Map`] writes them, so the text is
/// what a `Value` of the same worklog would give (a test checks this).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct WorklogJson<'r> {
    author: &'r RawValue,
    #[serde(skip_serializing_if = "Option::is_none")]
    comment: Option<&'r Value>,
    created: String,
    id: String,
    issue_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<Properties<'r>>,
    #[serde(rename = "self")]
    link: String,
    started: String,
    time_spent: String,
    time_spent_seconds: u32,
    update_author: &'r RawValue,
    updated: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    visibility: Option<VisibilityJson<'r>>,
}

/// A worklog's `visibility`.
#[derive(Serialize)]
struct VisibilityJson<'r> {
    identifier: &'r str,
    #[serde(rename = "type")]
    kind: &'static str,
    value: &'r str,
}

/// A worklog's properties as `EntityProperty` objects.
struct Properties<'r>(&'r [(String, Value)]);

/// One `EntityProperty`.
#[derive(Serialize)]
struct Property<'r> {
    key: &'r str,
    value: &'r Value,
}

impl Serialize for Properties<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(|(key, value)| Property { key, value }))
    }
}

/// Jira's format for instants, such as `2026-11-24T10:30:00.000+0100`.
const TIME_FORMAT: &str = "%Y-%m-%dT%H:%M:%S%.3f%z";

/// An instant in [`TIME_FORMAT`], written directly rather than by having chrono
/// interpret the format string on every call.
fn jira_time(t: &DateTime<Tz>) -> String {
    let year = t.year();
    if !(0..=9999).contains(&year) {
        // Chrono signs and widens such years.
        return t.format(TIME_FORMAT).to_string();
    }
    let offset = t.offset().fix().local_minus_utc();
    // `%z` rounds an offset with seconds (old local mean times) to the minute.
    let offset_minutes = (offset.unsigned_abs() + 30) / 60;
    let mut s = String::with_capacity(28);
    push_digits(&mut s, year.unsigned_abs(), 4);
    s.push('-');
    push_digits(&mut s, t.month(), 2);
    s.push('-');
    push_digits(&mut s, t.day(), 2);
    s.push('T');
    push_digits(&mut s, t.hour(), 2);
    s.push(':');
    push_digits(&mut s, t.minute(), 2);
    s.push(':');
    push_digits(&mut s, t.second(), 2);
    s.push('.');
    push_digits(&mut s, t.nanosecond() / 1_000_000 % 1000, 3);
    s.push(if offset < 0 { '-' } else { '+' });
    push_digits(&mut s, offset_minutes / 60, 2);
    push_digits(&mut s, offset_minutes % 60, 2);
    s
}

/// Appends the last `width` decimal digits of `n`, zero-padded.
fn push_digits(s: &mut String, n: u32, width: u32) {
    for place in (0..width).rev() {
        let digit = n / 10u32.pow(place) % 10;
        s.push(char::from(b'0' + digit as u8));
    }
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
            users: world.accounts.iter().map(|_| OnceCell::new()).collect(),
        }
    }

    /// An instant in Jira's format, in the caller's time zone.
    pub(crate) fn time(&self, ms: i64) -> String {
        match self.tz.timestamp_millis_opt(ms).single() {
            Some(t) => jira_time(&t),
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

    /// [`Render::user_details`] as JSON text, rendered once per account.
    fn user_details_json(&self, a: u32) -> &RawValue {
        self.users[a as usize].get_or_init(|| {
            serde_json::value::to_raw_value(&self.user_details(a))
                .expect("a Value always serialises")
        })
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
    pub(crate) fn worklog(&self, w: u32, with_properties: bool) -> WorklogJson<'_> {
        let world = self.world;
        let wl = &world.worklogs[w as usize];
        let issue = &world.issues[wl.issue as usize];
        let id = World::worklog_id(w);
        let visibility = match wl.visibility {
            Visibility::All => None,
            Visibility::Group(g) => {
                let group = &world.groups[g as usize];
                Some(VisibilityJson {
                    identifier: &group.id,
                    kind: "group",
                    value: &group.name,
                })
            }
            Visibility::Role(r) => {
                let role = &world.roles[r as usize];
                Some(VisibilityJson {
                    identifier: &role.name,
                    kind: "role",
                    value: &role.name,
                })
            }
        };
        WorklogJson {
            author: self.user_details_json(wl.author),
            comment: wl.comment.map(|c| &world.comments[c as usize]),
            created: self.time(wl.created),
            id: id.to_string(),
            issue_id: issue.id.to_string(),
            properties: with_properties.then(|| Properties(world.worklog_properties(w))),
            link: format!("{}/rest/api/3/issue/{}/worklog/{}", self.base, issue.id, id),
            started: self.time(wl.started),
            time_spent: self.duration(i64::from(wl.seconds)),
            time_spent_seconds: wl.seconds,
            update_author: self.user_details_json(wl.update_author),
            updated: self.time(wl.updated),
            visibility,
        }
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
            let shown: Vec<WorklogJson> = visible
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

    #[test]
    fn times_as_chrono_formats_them() {
        let zones: [Tz; 5] = [
            Tz::UTC,
            Tz::Europe__Berlin,
            Tz::America__St_Johns,
            Tz::Pacific__Kiritimati,
            // Local mean time until 1972: an offset of -0:44:30.
            Tz::Africa__Monrovia,
        ];
        let instants = [
            0,
            1_795_000_123_456,
            -1_000_000_000_000,
            -62_000_000_000_000, // year 5
            -62_200_000_000_000, // before year 1
            253_402_300_799_999, // the end of 9999
            253_402_300_800_000, // year 10000
        ];
        for tz in zones {
            for ms in instants
                .into_iter()
                .chain((0..400).map(|i| i * 987_654_321_017))
            {
                let t = tz.timestamp_millis_opt(ms).unwrap();
                let chrono = t.format(TIME_FORMAT).to_string();
                assert_eq!(jira_time(&t), chrono, "{ms} in {tz}");
            }
        }
    }

    #[test]
    fn worklogs_serialise_with_sorted_keys() {
        let world = World::demo(1);
        let access = world.access(world.app_account);
        let r = Render::new(&world, "http://jira", &access);
        let mut optional = std::collections::BTreeSet::new();
        for w in 0..world.worklogs.len() as u32 {
            for with_properties in [false, true] {
                let text = serde_json::to_string(&r.worklog(w, with_properties)).unwrap();
                // A `Value` holds its keys sorted: the text must not change.
                let value: Value = serde_json::from_str(&text).unwrap();
                assert_eq!(text, value.to_string());
                for key in ["comment", "visibility", "properties"] {
                    if value.get(key).is_some_and(|v| *v != json!([])) {
                        optional.insert(key);
                    }
                }
            }
        }
        // The demo site has worklogs with every optional field.
        assert_eq!(optional.len(), 3, "{optional:?}");
    }
}
