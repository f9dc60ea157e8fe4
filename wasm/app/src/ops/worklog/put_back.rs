//! Putting a worklog back in Jira as it was: the one mechanism under restoring
//! deleted or overwritten worklogs (`restore.run`) and the approval lock
//! (reverting an edit of an approved worklog).
//!
//! - [`find`]: what Jira holds now for some versions of one issue's worklogs:
//!   the worklog with the original id, or a copy the app put back earlier
//!   (its property [`ORIGIN_PROPERTY`] names the original id), or nothing.
//! - [`route`]: whether a missing worklog can be recreated as its author
//!   (Forge's offline user impersonation) or only as the app, asked of Jira
//!   without writing anything, so a dry run can say it.
//! - [`put_back`]: the write itself: recreate, revert, or nothing when Jira
//!   already holds the version; then the index takes the answer in.
//!
//! Every copy carries the property [`ORIGIN_PROPERTY`], `{"id", "author",
//! "path"}`: the original id (Jira gives a recreated worklog a new one), the
//! original author and the path taken (`author` or `app`). A copy written by
//! the app counts for the original author in the index
//! ([`crate::index::WorklogRow::from_jira`]).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value as Json};

use super::index_target;
use crate::adf;
use crate::executor::Ctx;
use crate::index::{self, ATTRIBUTES_PROPERTY, ORIGIN_PROPERTY};
use crate::input::parse_date_time;
use crate::jira::call::retry;
use crate::jira::types::Visibility;
use crate::jira::{id_string, Call, JiraPath};
use crate::ops::finance;
use crate::protocol::{HttpResponse, Method, Principal};
use crate::{Error, ErrorCode};
use worklogs_core::finance::Mirror;

/// The most worklogs Jira gives in one page of an issue's worklogs.
const PAGE: usize = 5000;

/// One version of a worklog: what it should be in Jira.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Version {
    /// The worklog's original id (the one Jira gave it when it was written).
    pub id: i64,
    /// Its issue's id.
    pub issue: i64,
    /// Its author's account id.
    pub author: String,
    /// When work started, epoch milliseconds.
    pub started: i64,
    /// Time spent, seconds (at least 1).
    pub seconds: i64,
    /// The comment as plain text; `None` when it was not kept (the journal
    /// with comments switched off): a recreated worklog then has none, and a
    /// reverted one keeps the comment Jira has.
    pub comment: Option<String>,
    /// Who may see it, `{"type": "group" | "role", "value"?, "identifier"?}`;
    /// `None` for everyone who sees the issue.
    pub visibility: Option<Json>,
    /// The attribute values (the property `worklogs.attributes`); `None`
    /// without them.
    pub attributes: Option<Json>,
}

/// What Jira holds now for a [`Version`] (see [`find`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Current {
    /// The worklog's id in Jira now: the original id, or the copy's.
    pub id: i64,
    /// The author Jira records (the app's account for a copy made as the app).
    pub author: String,
    /// Whether the author is an app account.
    pub by_app: bool,
    /// When work started, epoch milliseconds.
    pub started: i64,
    /// Time spent, seconds.
    pub seconds: i64,
    /// The comment, plain text (empty without one).
    pub comment: String,
    /// Who may see it, as [`Version::visibility`].
    pub visibility: Option<Json>,
    /// The attribute values.
    pub attributes: Option<Json>,
    /// The original id in [`ORIGIN_PROPERTY`], when this is a copy.
    pub origin: Option<i64>,
}

/// How a missing worklog is recreated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Path {
    /// As its author, by offline user impersonation: Jira records them as the
    /// author.
    Author,
    /// As the app, the original author in [`ORIGIN_PROPERTY`]: Jira records
    /// the app as the author, the app's index counts the time for the person.
    App,
}

impl Path {
    /// `author` or `app`, as in [`ORIGIN_PROPERTY`] and the operations' output.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Author => "author",
            Self::App => "app",
        }
    }
}

/// The path to take for one worklog, and why when it is the app's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Route {
    /// The path.
    pub path: Path,
    /// Why not as the author (for a person): `None` on [`Path::Author`].
    pub reason: Option<String>,
}

impl Route {
    fn author() -> Self {
        Self {
            path: Path::Author,
            reason: None,
        }
    }

    fn app(reason: impl Into<String>) -> Self {
        Self {
            path: Path::App,
            reason: Some(reason.into()),
        }
    }
}

/// What [`put_back`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "action")]
pub enum PutBack {
    /// Jira already held the version (as the original or a copy): nothing written.
    Unchanged {
        /// The worklog's id in Jira.
        id: i64,
    },
    /// The worklog was updated back to the version.
    Reverted {
        /// Its id in Jira (unchanged).
        id: i64,
    },
    /// The worklog was missing and was created again.
    Recreated {
        /// Its new id in Jira.
        id: i64,
        /// As whom.
        path: Path,
    },
}

/// What Jira holds now for the `originals` (original worklog ids, each with
/// its author) of one issue: for each id found, the worklog with that id, or a
/// copy the app put back (its [`ORIGIN_PROPERTY`] names the id; the original
/// wins when both exist). Ids absent from the answer are missing in Jira.
///
/// A copy is recognised only when it names the original's author and was
/// written by that author (a copy made as them) or by this app's own account
/// ([`index::app_account`]): a worklog of another person or another app that
/// carries the property is not taken for a copy, so it can neither stop a
/// restore nor be overwritten by one.
///
/// Reads every page of the issue's worklogs with their properties, as the
/// app, patiently (a job's request).
///
/// # Errors
///
/// `not-found` when the issue no longer exists (or the app may not see it: a
/// deleted project not restored in Jira); Jira's other errors after retries.
pub async fn find(
    ctx: &Ctx,
    issue: i64,
    originals: &[(i64, &str)],
) -> Result<BTreeMap<i64, Current>, Error> {
    let issue_id = issue.to_string();
    let mut found = BTreeMap::new();
    let mut start = 0usize;
    // This app's account id, asked once when an app's copy is first seen.
    let mut app: Option<Option<String>> = None;
    loop {
        let path = JiraPath::api(&["issue", &issue_id, "worklog"])
            .query("startAt", &start.to_string())
            .query("maxResults", &PAGE.to_string())
            .query("expand", "properties");
        let page: Page = Call::get(path).as_app().patient().json(ctx).await?;
        let count = page.worklogs.len();
        for raw in page.worklogs {
            let (current, origin_author) = raw.current()?;
            let original = |id: i64| originals.iter().find(|(o, _)| *o == id).map(|(_, a)| *a);
            let key = if original(current.id).is_some() {
                current.id
            } else if let Some((origin, author)) = current
                .origin
                .and_then(|o| original(o).map(|author| (o, author)))
            {
                if found.contains_key(&origin) || origin_author.as_deref() != Some(author) {
                    continue;
                }
                let by_this_app = if current.by_app {
                    if app.is_none() {
                        app = Some(index::app_account(ctx).await?);
                    }
                    app.as_ref()
                        .and_then(Option::as_deref)
                        .is_some_and(|a| a == current.author)
                } else {
                    false
                };
                if !by_this_app && current.author != author {
                    continue;
                }
                origin
            } else {
                continue;
            };
            found.insert(key, current);
        }
        start = start.saturating_add(count);
        if count == 0 || start >= page.total {
            return Ok(found);
        }
    }
}

/// Whether a missing worklog of `author` on `issue` can be recreated as its
/// author, asked without writing: Jira is asked, impersonating the author,
/// whether they may log work on the issue (`mypermissions`, `WORK_ON_ISSUES`).
/// [`Path::App`] with the reason when the host cannot impersonate, the
/// platform refuses to (a deactivated account: 401 or 403), the person may no
/// longer work on the issue, or there is no person (an empty author, or an
/// app's account: the app's own worklog is recreated by the app). Usable in
/// a dry run. [`put_back`] still falls back to the app when the write itself
/// is refused.
///
/// # Errors
///
/// `not-found` when the issue is gone; Jira's other errors after retries.
pub async fn route(ctx: &Ctx, author: &str, issue: i64) -> Result<Route, Error> {
    if author.is_empty() {
        return Ok(Route::app("the worklog has no author"));
    }
    let path = JiraPath::api(&["mypermissions"])
        .query("issueId", &issue.to_string())
        .query("permissions", "WORK_ON_ISSUES");
    let call = Call::get(path)
        .by(Principal::Impersonate(author.to_owned()))
        .patient();
    let response = match call.send(ctx).await {
        Ok(response) => response,
        Err(e) if e.code() == ErrorCode::Forbidden => {
            return Ok(Route::app(format!(
                "the app cannot act as {author}: {}",
                e.message()
            )))
        }
        Err(e) => return Err(e),
    };
    match response.status {
        401 | 403 => {
            return Ok(Route::app(format!(
                "the app cannot act as {author} (jira answered {}: a deactivated account \
                 or no consent to impersonation)",
                response.status
            )))
        }
        // The person cannot see the issue any more; the app can (checked by
        // the caller, who read its worklogs).
        404 => {
            return Ok(Route::app(format!(
                "{author} may no longer see issue {issue}"
            )))
        }
        _ => {}
    }
    let answer: Permissions = call.parse(&call.success(response)?)?;
    let may = answer
        .permissions
        .get("WORK_ON_ISSUES")
        .is_some_and(|p| p.have_permission);
    Ok(if may {
        Route::author()
    } else {
        Route::app(format!("{author} may no longer log work on issue {issue}"))
    })
}

/// Puts one worklog back in Jira as `version`, given what Jira holds now
/// (`current`, from [`find`]: `None` when it is missing), and takes Jira's
/// answer into the index.
///
/// - `current` equal to `version` (start, seconds, visibility, attributes, and
///   the comment when `version` has one): nothing is written,
///   [`PutBack::Unchanged`]. This is what makes a restore idempotent.
/// - `current` different: it is updated back to `version` (`PUT`, the
///   estimate left alone), as the app, or impersonating its Jira author when
///   the app may not edit it; the author and id do not change
///   ([`PutBack::Reverted`]). Its properties are replaced by the version's
///   attributes (and the copy's [`ORIGIN_PROPERTY`], kept).
/// - `current` missing: it is created again on `version.issue` (`POST`, the
///   estimate left alone) with the version's start, seconds, comment,
///   visibility and attributes, and [`ORIGIN_PROPERTY`] `{"id":
///   version.id, "author": version.author, "path"}`. As the author
///   (`Principal::Impersonate`) when `path` (from [`route`]; `None`: ask it
///   now) says so, falling back to the app when the write as the author is
///   refused (401, 403, or 400 from a lost permission, or the host's
///   `forbidden`); as the app otherwise ([`PutBack::Recreated`] with the path
///   taken). The original id's row leaves the index and the copy's enters it,
///   counted for `version.author`.
///
/// Requests are patient (a job's): a 429 or a 5xx is retried. Nothing is
/// read from or written to the app's tables besides the index; the caller
/// records the audit entry and its checkpoint.
///
/// # Errors
///
/// `not-found` when the issue is gone; `invalid-input` when Jira refuses the
/// version itself (such as a visibility group that no longer exists); Jira's
/// other errors after retries; the database's errors from the index.
pub async fn put_back(
    ctx: &Ctx,
    version: &Version,
    current: Option<&Current>,
    path: Option<Path>,
) -> Result<PutBack, Error> {
    if let Some(current) = current.filter(|c| same(version, c)) {
        return Ok(PutBack::Unchanged { id: current.id });
    }
    // The finance property goes with the version put back: billable by its
    // attributes, and its period's approval state (a locked one, when the
    // lock repairs an outside edit).
    let attributes = attributes_key(version.attributes.as_ref());
    let mirror =
        finance::mirror_of(ctx, &version.author, version.started, attributes.as_deref()).await?;
    match current {
        Some(current) => revert(ctx, version, current, mirror).await,
        None => recreate(ctx, version, path, mirror).await,
    }
}

/// Whether Jira's worklog already is the version.
pub fn same(version: &Version, current: &Current) -> bool {
    version.started == current.started
        && version.seconds == current.seconds
        && version
            .comment
            .as_ref()
            .is_none_or(|c| c.trim() == current.comment.trim())
        && visibility_key(version.visibility.as_ref())
            == visibility_key(current.visibility.as_ref())
        && attributes_key(version.attributes.as_ref())
            == attributes_key(current.attributes.as_ref())
}

/// A visibility compared by kind and name (or id when there is no name).
fn visibility_key(visibility: Option<&Json>) -> Option<(String, String)> {
    let v = visibility?;
    let text = |k: &str| v.get(k).and_then(Json::as_str).map(str::to_owned);
    Some((
        text("type").unwrap_or_default(),
        text("value")
            .or_else(|| text("identifier"))
            .unwrap_or_default(),
    ))
}

/// Attributes compared as canonical JSON, an empty object as none.
fn attributes_key(attributes: Option<&Json>) -> Option<String> {
    attributes
        .filter(|a| !a.is_null() && a.as_object().is_none_or(|o| !o.is_empty()))
        .map(index::canonical_json)
}

/// The body of a create or an update (`update`: an empty comment is written
/// to clear Jira's, and no comment kept leaves Jira's alone): the version's
/// fields and properties.
fn body(
    version: &Version,
    origin: Option<Json>,
    update: bool,
    mirror: Mirror,
) -> Result<String, Error> {
    let started = chrono::DateTime::from_timestamp_millis(version.started).ok_or_else(|| {
        Error::invalid_field("started", format!("{} is not an instant", version.started))
    })?;
    let mut body = Map::new();
    body.insert(
        "started".into(),
        json!(started.format("%Y-%m-%dT%H:%M:%S%.3f+0000").to_string()),
    );
    body.insert("timeSpentSeconds".into(), json!(version.seconds));
    if let Some(comment) = version.comment.as_ref().filter(|c| update || !c.is_empty()) {
        body.insert("comment".into(), adf::from_plain_text(comment));
    }
    if let Some(visibility) = &version.visibility {
        let mut out = Map::new();
        for key in ["type", "value", "identifier"] {
            if let Some(v) = visibility.get(key).filter(|v| !v.is_null()) {
                out.insert(key.into(), v.clone());
            }
        }
        body.insert("visibility".into(), Json::Object(out));
    }
    let mut properties = Vec::new();
    if attributes_key(version.attributes.as_ref()).is_some() {
        properties.push(json!({"key": ATTRIBUTES_PROPERTY, "value": version.attributes}));
    }
    if let Some(origin) = origin {
        properties.push(json!({"key": ORIGIN_PROPERTY, "value": origin}));
    }
    properties.push(finance::property(mirror));
    if !properties.is_empty() {
        body.insert("properties".into(), Json::Array(properties));
    }
    Ok(Json::Object(body).to_string())
}

/// The [`ORIGIN_PROPERTY`] value of a copy of `version` made on `path`.
fn origin(version: &Version, path: Path) -> Json {
    json!({"id": version.id.to_string(), "author": version.author, "path": path.as_str()})
}

/// Whether a refused write is worth trying again as someone else.
fn refused(status: u16) -> bool {
    matches!(status, 400 | 401 | 403)
}

async fn recreate(
    ctx: &Ctx,
    version: &Version,
    path: Option<Path>,
    mirror: Mirror,
) -> Result<PutBack, Error> {
    let path = match path {
        Some(path) => path,
        None => route(ctx, &version.author, version.issue).await?.path,
    };
    let target = JiraPath::api(&["issue", &version.issue.to_string(), "worklog"])
        .query("adjustEstimate", "leave")
        .query("expand", "properties");
    if path == Path::Author {
        let body = body(version, Some(origin(version, Path::Author)), false, mirror)?;
        let call = Call::new(Method::Post, target.clone(), Some(body))
            .by(Principal::Impersonate(version.author.clone()))
            .patient_once();
        let answer = match create_once(ctx, &call, version).await {
            Ok(Created::Answer(response)) if refused(response.status) => None,
            Ok(created) => Some(created),
            Err(e) if e.code() == ErrorCode::Forbidden => None,
            Err(e) => return Err(e),
        };
        if let Some(created) = answer {
            return created.taken_in(ctx, &call, version).await;
        }
    }
    let body = body(version, Some(origin(version, Path::App)), false, mirror)?;
    let call = Call::new(Method::Post, target, Some(body))
        .as_app()
        .patient_once();
    create_once(ctx, &call, version)
        .await?
        .taken_in(ctx, &call, version)
        .await
}

/// What sending a create came to.
enum Created {
    /// Jira's answer (any status but a 5xx).
    Answer(HttpResponse),
    /// Jira's answer was a 5xx or lost, and it had created the copy after all:
    /// the copy found.
    Adopted(Current),
}

impl Created {
    /// The copy's id and path, after taking it into the index in place of
    /// the original.
    async fn taken_in(self, ctx: &Ctx, call: &Call, version: &Version) -> Result<PutBack, Error> {
        match self {
            Self::Answer(response) => {
                let response = call.success(response)?;
                let id = written_id(call, &response)?;
                taken_in(ctx, &response, version.id).await;
                let path = if matches!(call.request().principal, Principal::Impersonate(_)) {
                    Path::Author
                } else {
                    Path::App
                };
                Ok(PutBack::Recreated { id, path })
            }
            Self::Adopted(copy) => {
                let one = JiraPath::api(&[
                    "issue",
                    &version.issue.to_string(),
                    "worklog",
                    &copy.id.to_string(),
                ])
                .query("expand", "properties");
                let read = Call::get(one).as_app().patient();
                if let Ok(response) = read.send(ctx).await {
                    if (200..300).contains(&response.status) {
                        taken_in(ctx, &response, version.id).await;
                    }
                }
                Ok(PutBack::Recreated {
                    id: copy.id,
                    path: if copy.by_app { Path::App } else { Path::Author },
                })
            }
        }
    }
}

/// Sends a create of a copy of `version` ([`Call::patient_once`]), never
/// making two: when Jira answers a 5xx or the answer is lost, Jira may have
/// created it all the same, so the issue's worklogs are read ([`find`]) and a
/// copy carrying the original id in [`ORIGIN_PROPERTY`] is adopted; only when
/// there is none is the create sent again, after backing off (1 s, 2 s, …),
/// at most [`retry::ATTEMPTS`] times in all.
///
/// # Errors
///
/// The last attempt's error, or the 5xx answered to it, mapped; Jira's errors
/// reading the issue's worklogs.
async fn create_once(ctx: &Ctx, call: &Call, version: &Version) -> Result<Created, Error> {
    let mut attempt: u32 = 1;
    loop {
        let outcome = call.send(ctx).await;
        let unsure = match &outcome {
            Ok(response) => response.status >= 500,
            Err(e) => e.code() == ErrorCode::Upstream,
        };
        if !unsure {
            return outcome.map(Created::Answer);
        }
        let mut found = find(ctx, version.issue, &[(version.id, version.author.as_str())]).await?;
        if let Some(copy) = found.remove(&version.id).filter(|c| c.id != version.id) {
            return Ok(Created::Adopted(copy));
        }
        if attempt >= retry::ATTEMPTS {
            let response = outcome?;
            return Err(call.error_for(&response));
        }
        ctx.sleep(1_000u32.saturating_mul(1 << (attempt - 1).min(4)))
            .await?;
        attempt += 1;
    }
}

async fn revert(
    ctx: &Ctx,
    version: &Version,
    current: &Current,
    mirror: Mirror,
) -> Result<PutBack, Error> {
    let origin = current.origin.map(|_| {
        let path = if current.by_app {
            Path::App
        } else {
            Path::Author
        };
        origin(version, path)
    });
    let body = body(version, origin, true, mirror)?;
    let target = JiraPath::api(&[
        "issue",
        &version.issue.to_string(),
        "worklog",
        &current.id.to_string(),
    ])
    .query("adjustEstimate", "leave")
    .query("expand", "properties");
    if attributes_key(version.attributes.as_ref()).is_none()
        && attributes_key(current.attributes.as_ref()).is_some()
    {
        // The version had no attributes: the property goes (a `PUT` only sets
        // the properties it names).
        let property = JiraPath::api(&[
            "issue",
            &version.issue.to_string(),
            "worklog",
            &current.id.to_string(),
            "properties",
            ATTRIBUTES_PROPERTY,
        ]);
        let call = Call::new(Method::Delete, property, None).as_app().patient();
        let response = call.send(ctx).await?;
        if response.status != 404 {
            call.success(response)?;
        }
    }
    let call = Call::new(Method::Put, target, Some(body))
        .as_app()
        .patient();
    let mut response = call.send(ctx).await?;
    if refused(response.status) && !current.by_app && !current.author.is_empty() {
        let as_author = call
            .clone()
            .by(Principal::Impersonate(current.author.clone()));
        match as_author.send(ctx).await {
            Ok(second) if (200..300).contains(&second.status) => response = second,
            _ => {}
        }
    }
    let response = call.success(response)?;
    taken_in(ctx, &response, 0).await;
    Ok(PutBack::Reverted { id: current.id })
}

/// The id of the worklog Jira answered a write with.
fn written_id(call: &Call, response: &HttpResponse) -> Result<i64, Error> {
    let written: IdOnly = call.parse(response)?;
    written.id.parse().map_err(|_| {
        Error::upstream(format!(
            "jira answered {} {} with a worklog id that is not a number: {:?}",
            call.method().as_str(),
            call.path().as_str(),
            written.id
        ))
    })
}

/// Takes a written worklog into the index and, for a copy, removes the
/// original's row (`replaced`, 0 for none). Best effort, as the index is a
/// cache: the next sync repairs a failure.
async fn taken_in(ctx: &Ctx, response: &HttpResponse, replaced: i64) {
    let (Ok(site), Ok(custom)) = index_target(ctx).await else {
        return;
    };
    if replaced > 0 {
        let _ = index::delete_worklogs(ctx, site, &[replaced], index::JournalSource::Restore).await;
    }
    let Ok(raw) = serde_json::from_str::<index::RawWorklog>(&response.body) else {
        return;
    };
    let Ok(app) = index::app_account_for(ctx, [&raw]).await else {
        return;
    };
    let Ok(row) = index::WorklogRow::from_jira(&raw, app.as_deref()) else {
        return;
    };
    let fetch = index::IssueFetch {
        custom,
        parallel: 1,
        patient: true,
    };
    let _ =
        index::store_worklogs(ctx, site, vec![row], &fetch, index::JournalSource::Restore).await;
}

/// A page of an issue's worklogs.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Page {
    #[serde(default)]
    total: usize,
    #[serde(default)]
    worklogs: Vec<RawCurrent>,
}

#[derive(Deserialize)]
struct IdOnly {
    #[serde(deserialize_with = "id_string")]
    id: String,
}

/// `mypermissions`' answer.
#[derive(Deserialize)]
struct Permissions {
    #[serde(default)]
    permissions: BTreeMap<String, Held>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Held {
    #[serde(default)]
    have_permission: bool,
}

/// A worklog of the page, the fields compared.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawCurrent {
    #[serde(deserialize_with = "id_string")]
    id: String,
    #[serde(default)]
    author: Option<RawAuthor>,
    started: String,
    time_spent_seconds: i64,
    #[serde(default)]
    comment: Option<Json>,
    #[serde(default)]
    visibility: Option<Visibility>,
    #[serde(default)]
    properties: Vec<RawProperty>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct RawAuthor {
    #[serde(default)]
    account_id: String,
    #[serde(default)]
    account_type: String,
}

#[derive(Deserialize)]
struct RawProperty {
    #[serde(default)]
    key: String,
    #[serde(default)]
    value: Json,
}

impl RawCurrent {
    /// The worklog, and the original author its [`ORIGIN_PROPERTY`] names.
    fn current(self) -> Result<(Current, Option<String>), Error> {
        let id = self.id.parse::<i64>().map_err(|_| {
            Error::upstream(format!(
                "jira sent a worklog id that is not a number: {:?}",
                self.id
            ))
        })?;
        let started = parse_date_time(&self.started)
            .map(|t| t.timestamp_millis())
            .ok_or_else(|| {
                Error::upstream(format!(
                    "jira gave worklog {id} a \"started\" that is not a date-time: {:?}",
                    self.started
                ))
            })?;
        let property = |key: &str| {
            self.properties
                .iter()
                .find(|p| p.key == key)
                .map(|p| p.value.clone())
                .filter(|v| !v.is_null())
        };
        let origin_property = property(ORIGIN_PROPERTY);
        let origin = origin_property
            .as_ref()
            .and_then(|o| o.get("id").cloned())
            .and_then(|id| match id {
                Json::String(text) => text.parse::<i64>().ok(),
                Json::Number(n) => n.as_i64(),
                _ => None,
            });
        let origin_author = origin_property
            .as_ref()
            .and_then(|o| o.get("author"))
            .and_then(Json::as_str)
            .map(str::to_owned);
        let author = self.author.unwrap_or_default();
        let current = Current {
            id,
            by_app: author.account_type == "app",
            author: author.account_id,
            started,
            seconds: self.time_spent_seconds,
            comment: self
                .comment
                .as_ref()
                .map(adf::to_plain_text)
                .unwrap_or_default(),
            visibility: self.visibility.map(|v| {
                let mut out = Map::new();
                out.insert("type".into(), json!(v.kind));
                if let Some(value) = v.value {
                    out.insert("value".into(), json!(value));
                }
                if let Some(identifier) = v.identifier {
                    out.insert("identifier".into(), json!(identifier));
                }
                Json::Object(out)
            }),
            attributes: property(ATTRIBUTES_PROPERTY),
            origin,
        };
        Ok((current, origin_author))
    }
}

#[cfg(test)]
mod tests {
    use jira_sim::{Caller, InProcess, Sim, World};
    use serde_json::{json, Value as Json};

    use super::*;
    use crate::index::{dict_id, Kind};
    use crate::testing::FakeHost;

    /// 2026-11-24T12:00:00Z, when the demo's history ends.
    const NOW: i64 = 1_795_521_600_000;

    fn indexed() -> (Sim, FakeHost) {
        let mut world = World::demo(1);
        world.set_time(NOW);
        let sim = Sim::new(world);
        let mut host = FakeHost::new(None).on_sim(&sim);
        host.now_ms = NOW;
        for _ in 0..100 {
            if host.run("sync.full", json!({})).unwrap()["more"] != json!(true) {
                break;
            }
        }
        (sim, host)
    }

    fn id_of(sim: &Sim, alias: &str) -> String {
        sim.with_world(|w| w.account_id(alias).map(str::to_owned))
            .unwrap()
    }

    /// The version of a live worklog of `author`, as the journal would hold it.
    fn version_of(sim: &Sim, author: &str) -> Version {
        let facts = sim.with_world(|w| w.worklog_facts());
        let f = facts
            .into_iter()
            .find(|f| f.author == author && f.comment.is_some())
            .expect("a worklog of the author with a comment");
        Version {
            id: f.id as i64,
            issue: f.issue_id as i64,
            author: f.author,
            started: f.started_ms,
            seconds: f.seconds,
            comment: f.comment.as_ref().map(adf::to_plain_text),
            visibility: f.visibility.map(|(k, v)| json!({"type": k, "value": v})),
            attributes: f.attributes,
        }
    }

    fn delete_in_jira(sim: &Sim, v: &Version) {
        let reply = InProcess::new(sim).unwrap().send(
            Caller::App,
            "DELETE",
            &format!("/rest/api/3/issue/{}/worklog/{}", v.issue, v.id),
            None,
        );
        assert_eq!(reply.status, 204, "{}", reply.body);
    }

    /// Finds, routes and puts back one version, as a restore does.
    fn restore(host: &mut FakeHost, v: &Version) -> (Option<Route>, PutBack) {
        let v = v.clone();
        let out = host
            .run_with(move |ctx| {
                Box::pin(async move {
                    let found = find(&ctx, v.issue, &[(v.id, v.author.as_str())]).await?;
                    let current = found.get(&v.id);
                    let route = match current {
                        None => Some(route(&ctx, &v.author, v.issue).await?),
                        Some(_) => None,
                    };
                    let done = put_back(&ctx, &v, current, route.as_ref().map(|r| r.path)).await?;
                    Ok(json!({
                        "route": route.map(|r| json!({"path": r.path, "reason": r.reason})),
                        "done": done,
                    })
                    .to_string())
                })
            })
            .unwrap();
        let route = match &out["route"] {
            Json::Null => None,
            r => Some(Route {
                path: serde_json::from_value(r["path"].clone()).unwrap(),
                reason: r["reason"].as_str().map(str::to_owned),
            }),
        };
        let done = match out["done"]["action"].as_str().unwrap() {
            "unchanged" => PutBack::Unchanged {
                id: out["done"]["id"].as_i64().unwrap(),
            },
            "reverted" => PutBack::Reverted {
                id: out["done"]["id"].as_i64().unwrap(),
            },
            _ => PutBack::Recreated {
                id: out["done"]["id"].as_i64().unwrap(),
                path: serde_json::from_value(out["done"]["path"].clone()).unwrap(),
            },
        };
        (route, done)
    }

    /// The index's row of a worklog: (author's dictionary id, started, seconds).
    fn indexed_row(host: &FakeHost, id: i64) -> Option<(i64, i64, i64)> {
        let rows = host.query(&format!(
            "SELECT author, started, seconds FROM worklogs WHERE id = {id}"
        ));
        rows.first().map(|r| {
            let int = |i: usize| crate::index::int(&r[i]).unwrap();
            (int(0), int(1), int(2))
        })
    }

    fn facts_of(sim: &Sim, id: i64) -> jira_sim::WorklogFacts {
        sim.with_world(|w| w.worklog_facts())
            .into_iter()
            .find(|f| f.id as i64 == id)
            .expect("the worklog is in jira")
    }

    fn origin_of(sim: &Sim, issue: i64, id: i64) -> Json {
        let reply = InProcess::new(sim).unwrap().send(
            Caller::App,
            "GET",
            &format!("/rest/api/3/issue/{issue}/worklog/{id}/properties/{ORIGIN_PROPERTY}"),
            None,
        );
        assert_eq!(reply.status, 200, "{}", reply.body);
        serde_json::from_str::<Json>(&reply.body).unwrap()["value"].clone()
    }

    #[test]
    fn a_deleted_worklog_comes_back_as_its_author_once() {
        let (sim, mut host) = indexed();
        let v = version_of(&sim, &id_of(&sim, "alice"));
        delete_in_jira(&sim, &v);
        let (route, done) = restore(&mut host, &v);
        assert_eq!(route.unwrap().path, Path::Author);
        let PutBack::Recreated { id, path } = done else {
            panic!("{done:?}")
        };
        assert_eq!(path, Path::Author);
        assert_ne!(id, v.id);
        let f = facts_of(&sim, id);
        assert_eq!(
            (
                f.author.as_str(),
                f.started_ms,
                f.seconds,
                f.issue_id as i64
            ),
            (v.author.as_str(), v.started, v.seconds, v.issue)
        );
        assert_eq!(f.comment.as_ref().map(adf::to_plain_text), v.comment);
        assert_eq!(f.attributes, v.attributes);
        assert_eq!(
            origin_of(&sim, v.issue, id),
            json!({"id": v.id.to_string(), "author": v.author, "path": "author"})
        );
        // The index: the copy in, the original out, counted for the author.
        assert_eq!(indexed_row(&host, v.id), None);
        assert_eq!(
            indexed_row(&host, id),
            Some((dict_id(Kind::Account, &v.author), v.started, v.seconds))
        );
        // Again: Jira already holds it; nothing is written.
        let before = sim.with_world(|w| w.worklog_facts()).len();
        let (route, done) = restore(&mut host, &v);
        assert_eq!((route, done), (None, PutBack::Unchanged { id }));
        assert_eq!(sim.with_world(|w| w.worklog_facts()).len(), before);
    }

    #[test]
    fn a_deactivated_authors_worklog_comes_back_as_the_app_and_counts_for_them() {
        let (sim, mut host) = indexed();
        let bob = id_of(&sim, "bob");
        let v = version_of(&sim, &bob);
        delete_in_jira(&sim, &v);
        let reply = InProcess::new(&sim).unwrap().send(
            Caller::App,
            "POST",
            "/sim/accounts/bob",
            Some(r#"{"status":"deactivated"}"#),
        );
        assert_eq!(reply.status, 200, "{}", reply.body);
        let (route, done) = restore(&mut host, &v);
        let route = route.unwrap();
        assert_eq!(route.path, Path::App);
        assert!(route.reason.unwrap().contains("cannot act as"));
        let PutBack::Recreated { id, path } = done else {
            panic!("{done:?}")
        };
        assert_eq!(path, Path::App);
        let f = facts_of(&sim, id);
        assert_eq!(f.author, id_of(&sim, "app"));
        assert_eq!((f.started_ms, f.seconds), (v.started, v.seconds));
        assert_eq!(
            origin_of(&sim, v.issue, id),
            json!({"id": v.id.to_string(), "author": bob, "path": "app"})
        );
        assert_eq!(
            indexed_row(&host, id),
            Some((dict_id(Kind::Account, &bob), v.started, v.seconds))
        );
        // A sync reads the copy the same way.
        host.run("sync.full", json!({})).unwrap();
        assert_eq!(
            indexed_row(&host, id).map(|r| r.0),
            Some(dict_id(Kind::Account, &bob))
        );
        let (_, done) = restore(&mut host, &v);
        assert_eq!(done, PutBack::Unchanged { id });
    }

    #[test]
    fn a_refused_impersonation_falls_back_to_the_app() {
        // The route said author, but the write as the author is refused (the
        // account was deactivated in between): the app writes it.
        let (sim, mut host) = indexed();
        let carol = id_of(&sim, "carol");
        let v = version_of(&sim, &carol);
        delete_in_jira(&sim, &v);
        InProcess::new(&sim).unwrap().send(
            Caller::App,
            "POST",
            "/sim/accounts/carol",
            Some(r#"{"status":"deactivated"}"#),
        );
        let w = v.clone();
        let out = host
            .run_with(move |ctx| {
                Box::pin(async move {
                    let done = put_back(&ctx, &w, None, Some(Path::Author)).await?;
                    Ok(serde_json::to_string(&done).unwrap_or_default())
                })
            })
            .unwrap();
        assert_eq!(out["path"], "app");
        let impersonated = host
            .jira_requests()
            .iter()
            .filter(|r| r.principal == Principal::Impersonate(carol.clone()))
            .count();
        assert_eq!(impersonated, 1, "one attempt as the author");
    }

    #[test]
    fn an_overwritten_worklog_is_reverted_in_place() {
        let (sim, mut host) = indexed();
        let v = version_of(&sim, &id_of(&sim, "alice"));
        let reply = InProcess::new(&sim).unwrap().send(
            Caller::App,
            "PUT",
            &format!("/rest/api/3/issue/{}/worklog/{}", v.issue, v.id),
            Some(r#"{"timeSpentSeconds": 60, "comment": {"type":"doc","version":1,"content":[]}}"#),
        );
        assert_eq!(reply.status, 200, "{}", reply.body);
        let (route, done) = restore(&mut host, &v);
        assert_eq!((route, done), (None, PutBack::Reverted { id: v.id }));
        let f = facts_of(&sim, v.id);
        assert_eq!((f.seconds, f.started_ms), (v.seconds, v.started));
        assert_eq!(f.comment.as_ref().map(adf::to_plain_text), v.comment);
        assert_eq!(
            indexed_row(&host, v.id),
            Some((dict_id(Kind::Account, &v.author), v.started, v.seconds))
        );
        let (_, done) = restore(&mut host, &v);
        assert_eq!(done, PutBack::Unchanged { id: v.id });
    }

    #[test]
    fn a_host_that_cannot_impersonate_routes_to_the_app() {
        let mut host = FakeHost::new(None).on_jira_outcome(|request| match &request.principal {
            Principal::Impersonate(_) => Err(Error::forbidden("no impersonation with a token")),
            _ => Ok(crate::testing::http(500, "")),
        });
        let out = host
            .run_with(|ctx| {
                Box::pin(async move {
                    let r = route(&ctx, "acc-1", 10001).await?;
                    Ok(json!({"path": r.path, "reason": r.reason}).to_string())
                })
            })
            .unwrap();
        assert_eq!(out["path"], "app");
        assert!(out["reason"].as_str().unwrap().contains("no impersonation"));
    }

    /// A host over the simulator whose first create of a worklog is
    /// performed by Jira but answered with `lost` (a 5xx, or the connection
    /// lost), as when Jira created the worklog and the answer did not arrive.
    fn losing_first_create(sim: &Sim, lost: fn() -> Result<HttpResponse, Error>) -> FakeHost {
        let client = InProcess::new(sim).unwrap();
        let mut lost_once = false;
        let mut host = FakeHost::new(None).on_jira_outcome(move |request| {
            let caller = match &request.principal {
                Principal::Impersonate(account) => Caller::Account(account),
                _ => Caller::App,
            };
            let reply = client.send(
                caller,
                &request.method,
                &request.path,
                request.body.as_deref(),
            );
            let create = request.method == "POST" && request.path.contains("/worklog?");
            if create && !lost_once && (200..300).contains(&reply.status) {
                lost_once = true;
                return lost();
            }
            Ok(HttpResponse {
                status: reply.status,
                headers: reply.headers,
                body: reply.body,
            })
        });
        host.now_ms = NOW;
        host
    }

    #[test]
    fn a_create_whose_answer_is_lost_is_adopted_not_repeated() {
        let lost: [fn() -> Result<HttpResponse, Error>; 2] = [
            || Ok(crate::testing::http(500, "oops")),
            || Err(Error::upstream("the request timed out")),
        ];
        for (n, lost) in lost.into_iter().enumerate() {
            let (sim, _) = indexed();
            let mut host = losing_first_create(&sim, lost);
            for _ in 0..100 {
                if host.run("sync.full", json!({})).unwrap()["more"] != json!(true) {
                    break;
                }
            }
            // bob is deactivated on the second round: the copy is the app's.
            let bob = id_of(&sim, "bob");
            let author = if n == 0 {
                id_of(&sim, "alice")
            } else {
                bob.clone()
            };
            let v = version_of(&sim, &author);
            delete_in_jira(&sim, &v);
            if n == 1 {
                InProcess::new(&sim).unwrap().send(
                    Caller::App,
                    "POST",
                    "/sim/accounts/bob",
                    Some(r#"{"status":"deactivated"}"#),
                );
            }
            let (_, done) = restore(&mut host, &v);
            let PutBack::Recreated { id, path } = done else {
                panic!("{done:?}")
            };
            assert_eq!(path, if n == 0 { Path::Author } else { Path::App });
            let copies: Vec<_> = sim
                .with_world(|w| w.worklog_facts())
                .into_iter()
                .filter(|f| {
                    f.issue_id as i64 == v.issue
                        && f.started_ms == v.started
                        && f.seconds == v.seconds
                })
                .collect();
            assert_eq!(copies.len(), 1, "one copy, not two: {copies:?}");
            assert_eq!(copies[0].id as i64, id);
            let creates = host
                .jira_requests()
                .iter()
                .filter(|r| r.method == "POST" && r.path.contains("/worklog?"))
                .count();
            assert_eq!(creates, 1, "the create was not sent again");
            // The index holds the copy, counted for the author.
            assert_eq!(
                indexed_row(&host, id),
                Some((dict_id(Kind::Account, &v.author), v.started, v.seconds))
            );
            // And a second restore changes nothing.
            let (_, again) = restore(&mut host, &v);
            assert_eq!(again, PutBack::Unchanged { id });
        }
    }

    #[test]
    fn another_apps_or_persons_origin_property_is_no_copy() {
        // A worklog carrying the origin property of a deleted worklog, written
        // by someone else: the restore does not take it for the copy.
        let (sim, mut host) = indexed();
        let alice = id_of(&sim, "alice");
        let v = version_of(&sim, &alice);
        delete_in_jira(&sim, &v);
        let claim = json!({
            "started": "2026-11-20T09:00:00.000+0000", "timeSpentSeconds": 60,
            "properties": [{"key": ORIGIN_PROPERTY,
                            "value": {"id": v.id.to_string(), "author": alice, "path": "app"}}]
        });
        let carol = id_of(&sim, "carol");
        let reply = InProcess::new(&sim).unwrap().send(
            Caller::Account(&carol),
            "POST",
            &format!("/rest/api/3/issue/{}/worklog", v.issue),
            Some(&claim.to_string()),
        );
        assert!((200..300).contains(&reply.status), "{}", reply.body);
        let (_, done) = restore(&mut host, &v);
        assert!(
            matches!(
                done,
                PutBack::Recreated {
                    path: Path::Author,
                    ..
                }
            ),
            "{done:?}"
        );
    }
}
