//! Atlassian's personal data reporting API for apps, and its `/sim/` switch.
//!
//! `POST /app/report-accounts` (Forge's `privacy.reportPersonalData` sends it
//! without the trailing slash; Atlassian documents it with one, and both are
//! served) takes `{"accounts": [{"accountId", "updatedAt"}]}`, at most 90
//! accounts, each with the time the app last changed or fetched what it stores
//! about the account (ISO 8601). It answers, as Atlassian documents:
//!
//! - **200** with `{"accounts": [{"accountId", "status"}]}` listing only the
//!   accounts the app must act on: `closed` (erase what you store) or `updated`
//!   (the profile changed after `updatedAt`: refresh what you cache);
//! - **204** with no body when none needs action;
//! - **400** for a malformed body, no accounts or more than 90, or an entry
//!   without a well-formed `accountId` or `updatedAt`;
//! - **403** when a person rather than the app calls (only apps may report);
//! - faults (a 429 with `Retry-After`) come from `/sim/faults`, as on any path.
//!
//! An account id the site does not know is not reported on: Atlassian answers
//! only for accounts it knows.
//!
//! `POST /sim/accounts/{alias or accountId}` with `{"status": "closed" |
//! "updated" | "deactivated" | "active"}` changes what the API reports on an
//! account: closed, its profile changed now (the simulator's clock), or
//! neither; `deactivated` switches the account off on the site (Jira reports it
//! `active: false`, and every request as it, `X-Sim-Account` or Basic auth, is
//! refused with 401, as Jira refuses a deactivated user and Forge refuses to
//! impersonate one), and `active` switches it on again.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use super::{ok, parse_body, Caller};
use crate::error::{JiraError, Result};
use crate::state::Sim;
use crate::world::Personal;

/// The most accounts one report may carry.
pub(crate) const MAX_ACCOUNTS: usize = 90;

/// `POST /app/report-accounts`: which of the reported accounts need action.
pub(crate) async fn report(
    caller: Caller,
    State(sim): State<Sim>,
    body: Bytes,
) -> Result<Response> {
    if sim.with_world(|w| w.app_account) != caller.account {
        return Err(JiraError::forbidden(
            "Only apps may report personal data (call as the app).",
        ));
    }
    let body = parse_body(&body)?;
    let accounts = body
        .get("accounts")
        .and_then(Value::as_array)
        .ok_or_else(|| JiraError::field("accounts", "An array of accounts is required."))?;
    if accounts.is_empty() || accounts.len() > MAX_ACCOUNTS {
        return Err(JiraError::field(
            "accounts",
            format!(
                "Between 1 and {MAX_ACCOUNTS} accounts may be reported at once, not {}.",
                accounts.len()
            ),
        ));
    }
    let mut reported = Vec::with_capacity(accounts.len());
    for (i, account) in accounts.iter().enumerate() {
        let id = account
            .get("accountId")
            .and_then(Value::as_str)
            .filter(|id| !id.trim().is_empty())
            .ok_or_else(|| {
                JiraError::field(
                    format!("accounts[{i}].accountId"),
                    "An account id is required.",
                )
            })?;
        let updated_at = account
            .get("updatedAt")
            .and_then(Value::as_str)
            .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
            .ok_or_else(|| {
                JiraError::field(
                    format!("accounts[{i}].updatedAt"),
                    "An ISO 8601 date-time such as 2017-05-14T12:11:35.563Z is required.",
                )
            })?;
        reported.push((id.to_owned(), updated_at.timestamp_millis()));
    }
    let answers: Vec<Value> = sim.with_world(|w| {
        reported
            .iter()
            .filter_map(|(id, updated_at)| {
                let index = *w.index.account_by_id.get(id)?;
                let personal = w.personal.get(&index).copied().unwrap_or_default();
                let status = if personal.closed {
                    "closed"
                } else if personal.updated_ms.is_some_and(|t| t > *updated_at) {
                    "updated"
                } else {
                    return None;
                };
                Some(json!({ "accountId": id, "status": status }))
            })
            .collect()
    });
    if answers.is_empty() {
        return Ok(StatusCode::NO_CONTENT.into_response());
    }
    Ok(ok(&json!({ "accounts": answers })))
}

/// `POST /sim/accounts/{who}`: `{"status": "closed" | "updated" | "deactivated" | "active"}`;
/// answers the account's new state.
pub(crate) async fn set_account(
    Path(who): Path<String>,
    State(sim): State<Sim>,
    body: Bytes,
) -> Result<Response> {
    let body = parse_body(&body)?;
    let status = body.get("status").and_then(Value::as_str).unwrap_or("");
    sim.with_world(|w| {
        let index = w
            .find_account(&who)
            .ok_or_else(|| JiraError::not_found(format!("No account {who:?}.")))?;
        let now = w.now_ms();
        let personal = w.personal.entry(index).or_insert_with(Personal::default);
        match status {
            "closed" => personal.closed = true,
            "updated" => personal.updated_ms = Some(now),
            "deactivated" => personal.deactivated = true,
            "active" => *personal = Personal::default(),
            _ => {
                return Err(JiraError::field(
                    "status",
                    "One of \"closed\", \"updated\", \"deactivated\" or \"active\" is required.",
                ))
            }
        }
        let personal = *personal;
        let account = &w.accounts[index as usize];
        Ok(ok(&json!({
            "accountId": account.account_id,
            "closed": personal.closed,
            "updatedMs": personal.updated_ms,
            "deactivated": personal.deactivated,
        })))
    })
}
