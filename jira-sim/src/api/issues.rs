//! `GET issue/{issueIdOrKey}`.

use axum::extract::{Path, State};
use axum::response::Response;

use super::{ok, Caller, Params};
use crate::error::{JiraError, Result};
use crate::render::{FieldSet, Render};
use crate::server::Sim;

/// `GET issue/{issueIdOrKey}`: `IssueBean` with the requested `fields` (default
/// `*all`); 404 when the issue does not exist or the caller cannot browse it.
pub(crate) async fn get_issue(
    State(sim): State<Sim>,
    caller: Caller,
    Path(key): Path<String>,
    q: Params,
) -> Result<Response> {
    let fields = FieldSet::parse(q.all("fields")).unwrap_or_else(FieldSet::all);
    q.bool("fieldsByKeys", false)?;
    q.bool("updateHistory", false)?;
    q.bool("failFast", false)?;
    let body = sim.with_world(|w| {
        let access = w.access(caller.account);
        let issue = w.visible_issue(&access, &key)?;
        Ok::<_, JiraError>(Render::new(w, &caller.base, &access).issue(issue, fields))
    })?;
    Ok(ok(&body))
}
