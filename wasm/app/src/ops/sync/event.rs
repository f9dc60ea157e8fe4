//! `sync.worklog-event`: one of Jira's worklog events, as a Forge product
//! trigger delivers it (`avi:jira:created:worklog`, `avi:jira:updated:worklog`,
//! `avi:jira:deleted:worklog`):
//!
//! ```json
//! { "eventType": "avi:jira:updated:worklog", "atlassianId": "5b10…",
//!   "worklog": { "id": "10017", "issueId": "10031", "author": {…}, "updateAuthor": {…},
//!                "started": "…", "timeSpent": "2h", "timeSpentSeconds": 7200,
//!                "created": "…", "updated": "…" } }
//! ```
//!
//! The event is taken as a hint, never as data: for a creation or an update the
//! worklog is read again from Jira (`worklog/list` with its properties, so the
//! attributes come along, as the app), and stored, or deleted from the index if
//! Jira no longer shows it; for a deletion the row is deleted. So events that
//! arrive late, twice or out of order leave the index as Jira is now.

use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::executor::Ctx;
use crate::index::{self, IssueFetch, RawWorklog, WorklogRow};
use crate::input::{quote, Input, WorklogId};
use crate::jira::{id_string, Call, JiraPath};
use crate::ops::approval;
use crate::Error;

/// The event as delivered. Fields beyond these (Forge adds some) are ignored:
/// this input comes from Jira, not from a person.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventRaw {
    event_type: String,
    worklog: EventWorklog,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct EventWorklog {
    #[serde(deserialize_with = "id_string")]
    id: String,
}

/// What happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum What {
    Created,
    Updated,
    Deleted,
}

/// A validated event.
pub struct Event {
    what: What,
    id: WorklogId,
}

impl Input for Event {
    type Raw = EventRaw;

    fn validate(raw: EventRaw) -> Result<Self, Error> {
        let what = match raw.event_type.as_str() {
            "avi:jira:created:worklog" => What::Created,
            "avi:jira:updated:worklog" => What::Updated,
            "avi:jira:deleted:worklog" => What::Deleted,
            other => {
                return Err(Error::invalid_field(
                    "eventType",
                    format_args!(
                        "{} is not one of avi:jira:created:worklog, avi:jira:updated:worklog, avi:jira:deleted:worklog",
                        quote(other)
                    ),
                ))
            }
        };
        Ok(Self {
            what,
            id: WorklogId::parse("worklog.id", &raw.worklog.id)?,
        })
    }
}

/// The output: what the index did.
#[derive(Serialize, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct EventOutput {
    /// `created`, `updated` or `deleted`.
    event: &'static str,
    /// The worklog id.
    worklog: String,
    /// `indexed` (written), `unchanged` (already as Jira has it), `removed`
    /// (deleted from the index), `absent` (neither in Jira nor in the index),
    /// `skipped` (its issue is not visible to the app).
    action: &'static str,
}

/// `sync.worklog-event`.
///
/// # Errors
///
/// `invalid-input` for another event type or a malformed id; Jira's errors
/// after retries; the database's errors.
pub async fn worklog_event(ctx: &Ctx, event: Event) -> Result<EventOutput, Error> {
    let id: i64 = event
        .id
        .as_str()
        .parse()
        .map_err(|_| Error::invalid_field("worklog.id", "is not a number"))?;
    let name = match event.what {
        What::Created => "created",
        What::Updated => "updated",
        What::Deleted => "deleted",
    };
    let output = |action| EventOutput {
        event: name,
        worklog: event.id.as_str().to_owned(),
        action,
    };
    if event.what == What::Deleted {
        let site = index::site(ctx).await?;
        approval::drift::watch(ctx, &[], &[id]).await?;
        let removed = index::delete_worklogs(ctx, site, &[id], index::JournalSource::Event).await?;
        return Ok(output(if removed > 0 { "removed" } else { "absent" }));
    }
    let path = JiraPath::api(&["worklog", "list"]).query("expand", "properties");
    let body = json!({ "ids": [id] }).to_string();
    let call = Call::post(path, body).as_app().patient();
    let (site, custom, found) = futures::join!(
        index::site(ctx),
        index::load_fields(ctx),
        call.json::<Vec<RawWorklog>>(ctx)
    );
    let (site, custom, found) = (site?, custom?, found?);
    let app = index::app_account_for(ctx, &found).await?;
    let rows = found
        .iter()
        .map(|raw| WorklogRow::from_jira(raw, app.as_deref()))
        .collect::<Result<Vec<_>, _>>()?;
    if rows.is_empty() {
        approval::drift::watch(ctx, &[], &[id]).await?;
        let removed = index::delete_worklogs(ctx, site, &[id], index::JournalSource::Event).await?;
        return Ok(output(if removed > 0 { "removed" } else { "absent" }));
    }
    let fetch = IssueFetch {
        custom,
        parallel: 1,
        patient: true,
    };
    approval::drift::watch(ctx, &rows, &[]).await?;
    let stored =
        index::store_worklogs(ctx, site, rows, &fetch, index::JournalSource::Event).await?;
    Ok(output(if stored.written > 0 {
        "indexed"
    } else if stored.unchanged > 0 {
        "unchanged"
    } else {
        "skipped"
    }))
}
