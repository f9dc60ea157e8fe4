//! What the index fetches from Jira about issues, and how: the custom fields an
//! administrator chose ([`IndexFields`]), and issues by id with the index's
//! fields ([`fetch_issues`], `search/jql` as the app), narrowing down the ids
//! Jira refuses.

use std::collections::BTreeSet;

use futures::future::{try_join_all, LocalBoxFuture};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::rows::ISSUE_FIELDS;
use super::{IssueRow, RawIssue, RawWorklog};
use crate::executor::Ctx;
use crate::jira::types::SearchPage;
use crate::jira::{Call, JiraPath};
use crate::{store, Error};

/// The setting that lists the custom fields the index keeps (a JSON array of
/// field ids such as `customfield_10100`), chosen by an administrator.
pub const FIELDS_SETTING: &str = "sync.fields";

/// Issues per `search/jql` request (Jira's page size when fields are asked for).
const ISSUES_PER_SEARCH: usize = 100;

/// How to fetch issues: which custom fields, and how many requests at once.
#[derive(Clone, Debug)]
pub struct IssueFetch {
    /// The custom fields to keep.
    pub custom: Vec<String>,
    /// Requests in flight at once.
    pub parallel: usize,
    /// Whether to retry as jobs do ([`Call::patient`]); a person's operation answers
    /// at once instead, and leaves what failed to the next sync.
    pub patient: bool,
}

/// The custom fields chosen for the index, stored as the settings row
/// [`FIELDS_SETTING`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct IndexFields(pub Vec<String>);

impl store::JsonSetting for IndexFields {
    const NAME: &'static str = FIELDS_SETTING;
    const WHAT: &'static str = "a list of field ids";
}

/// The custom fields chosen for the index (none until an administrator
/// chooses some).
///
/// # Errors
///
/// The database's errors; `internal` when the setting is not a list of field ids.
pub async fn load_fields(ctx: &Ctx) -> Result<Vec<String>, Error> {
    Ok(store::load::<IndexFields>(ctx).await?.0)
}

/// One `search/jql` for these ids with the index's fields; `Ok(None)` when
/// Jira refuses the query (400: an id it does not know), so the caller can
/// narrow it down.
async fn search_ids(
    ctx: &Ctx,
    ids: &[i64],
    fetch: &IssueFetch,
) -> Result<Option<Vec<IssueRow>>, Error> {
    let path = JiraPath::api(&["search", "jql"]);
    let jql = format!(
        "id in ({})",
        ids.iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    );
    let mut fields: Vec<&str> = ISSUE_FIELDS.to_vec();
    fields.extend(fetch.custom.iter().map(String::as_str));
    let mut token: Option<String> = None;
    let mut out = Vec::new();
    loop {
        let mut body = json!({ "jql": jql, "fields": fields, "maxResults": ISSUES_PER_SEARCH });
        if let (Some(token), Some(fields)) = (&token, body.as_object_mut()) {
            fields.insert("nextPageToken".to_owned(), json!(token));
        }
        let mut call = Call::post(path.clone(), body.to_string()).as_app();
        if fetch.patient {
            call = call.patient();
        }
        let response = call.send(ctx).await?;
        if response.status == 400 {
            return Ok(None);
        }
        let response = call.success(response)?;
        let page: SearchPage<RawIssue> = call.parse(&response)?;
        for raw in &page.issues {
            out.push(IssueRow::from_jira(raw, &fetch.custom)?);
        }
        match page.next_page_token {
            Some(next) if !page.issues.is_empty() && token.as_deref() != Some(next.as_str()) => {
                token = Some(next);
            }
            _ => return Ok(Some(out)),
        }
    }
}

/// Fetches issues by id, [`ISSUES_PER_SEARCH`] per request and
/// `fetch.parallel` requests at once. A request Jira refuses because an id is
/// unknown (deleted, or hidden from the app) is split in halves until the
/// unknown ids are found. Returns the issues and the unknown ids.
///
/// # Errors
///
/// Jira's errors after retries; `upstream` for answers that are not issues.
pub async fn fetch_issues(
    ctx: &Ctx,
    ids: &[i64],
    fetch: &IssueFetch,
) -> Result<(Vec<IssueRow>, Vec<i64>), Error> {
    let mut pending: Vec<Vec<i64>> = ids.chunks(ISSUES_PER_SEARCH).map(<[i64]>::to_vec).collect();
    let mut issues = Vec::new();
    let mut gone = Vec::new();
    while !pending.is_empty() {
        let wave: Vec<Vec<i64>> = pending
            .drain(..pending.len().min(fetch.parallel.max(1)))
            .collect();
        let answers = try_join_all(
            wave.iter()
                .map(|chunk| -> LocalBoxFuture<'_, _> { Box::pin(search_ids(ctx, chunk, fetch)) }),
        )
        .await?;
        for (chunk, answer) in wave.into_iter().zip(answers) {
            match answer {
                Some(found) => {
                    let seen: BTreeSet<i64> = found.iter().map(|i| i.id).collect();
                    gone.extend(chunk.iter().filter(|id| !seen.contains(id)));
                    issues.extend(found);
                }
                None if chunk.len() == 1 => gone.extend(chunk),
                None => {
                    let (a, b) = chunk.split_at(chunk.len() / 2);
                    pending.push(a.to_vec());
                    pending.push(b.to_vec());
                }
            }
        }
    }
    Ok((issues, gone))
}

/// `myself` as Jira answers it to the app: its account id and type.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Myself {
    #[serde(default)]
    account_id: String,
    #[serde(default)]
    account_type: String,
}

/// This app's own account id, when reading `raws` needs it (one of them is
/// an app's worklog naming an original author, [`RawWorklog::names_origin`]):
/// Jira's `myself` asked as the app, kept only when Jira says it is an app
/// account (`accountType: "app"`; on Forge the app's own user, on a host that
/// calls Jira with a person's token a person, and then no worklog's origin is
/// taken). `None` without asking when no worklog names an origin.
///
/// # Errors
///
/// Jira's errors after retries.
pub async fn app_account_for<'a>(
    ctx: &Ctx,
    raws: impl IntoIterator<Item = &'a RawWorklog>,
) -> Result<Option<String>, Error> {
    if !raws.into_iter().any(RawWorklog::names_origin) {
        return Ok(None);
    }
    app_account(ctx).await
}

/// This app's own account id: Jira's `myself` asked as the app, when Jira
/// says it is an app account (see [`app_account_for`]).
///
/// # Errors
///
/// Jira's errors after retries.
pub async fn app_account(ctx: &Ctx) -> Result<Option<String>, Error> {
    let me: Myself = Call::get(JiraPath::api(&["myself"]))
        .as_app()
        .patient()
        .json(ctx)
        .await?;
    Ok((me.account_type == "app" && !me.account_id.is_empty()).then_some(me.account_id))
}
