//! Jira administrators: the one check of Jira's global `ADMINISTER`, for
//! what only the app stores (settings, grants, rates…) and for whose time a
//! viewer sees.

use crate::executor::Ctx;
use crate::jira::types::MyPermissions;
use crate::jira::{Call, JiraPath};
use crate::Error;

/// The global permission of Jira administrators.
const ADMINISTER: &str = "ADMINISTER";

/// Whether the acting user holds Jira's global `ADMINISTER`, asked with
/// `GET /rest/api/3/mypermissions?permissions=ADMINISTER` (false without an
/// acting user: the app is not a person).
///
/// # Errors
///
/// Jira's errors, mapped.
pub async fn is_jira_admin(ctx: &Ctx) -> Result<bool, Error> {
    if ctx.acting_user().is_err() {
        return Ok(false);
    }
    let call = Call::get(JiraPath::api(&["mypermissions"]).query("permissions", ADMINISTER));
    let answer: MyPermissions = call.json(ctx).await?;
    Ok(answer.has(ADMINISTER))
}

/// Refuses anyone but a Jira administrator ([`is_jira_admin`]); `what` says
/// what they asked to do, as in "change the hourly rates".
///
/// # Errors
///
/// `forbidden` without an acting user or when they do not administer Jira
/// ("only users with the jira permission ADMINISTER may …"); Jira's errors,
/// mapped.
pub async fn require_admin(ctx: &Ctx, what: &str) -> Result<(), Error> {
    ctx.acting_user()?;
    if is_jira_admin(ctx).await? {
        Ok(())
    } else {
        Err(Error::forbidden(format!(
            "only users with the jira permission {ADMINISTER} may {what}"
        )))
    }
}
