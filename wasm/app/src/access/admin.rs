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
    admin_answer(ctx, false).await
}

async fn admin_answer(ctx: &Ctx, patient: bool) -> Result<bool, Error> {
    if ctx.acting_user().is_err() {
        return Ok(false);
    }
    let mut call = Call::get(JiraPath::api(&["mypermissions"]).query("permissions", ADMINISTER));
    if patient {
        call = call.patient();
    }
    let answer: MyPermissions = call.json(ctx).await?;
    Ok(answer.has(ADMINISTER))
}

/// As [`require_admin`], for a slice of a long job a person runs (a worklog
/// restore): the check waits out Jira's 429 as the job's other reads do. The
/// previous slice's permission checks of each author go to the same endpoint
/// (`mypermissions`) and may have spent its burst, so the next slice's
/// first read would otherwise fail at once.
///
/// # Errors
///
/// As [`require_admin`].
pub async fn require_admin_patiently(ctx: &Ctx, what: &str) -> Result<(), Error> {
    require(ctx, what, true).await
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
    require(ctx, what, false).await
}

async fn require(ctx: &Ctx, what: &str, patient: bool) -> Result<(), Error> {
    ctx.acting_user()?;
    if admin_answer(ctx, patient).await? {
        Ok(())
    } else {
        Err(Error::forbidden(format!(
            "only users with the jira permission {ADMINISTER} may {what}"
        )))
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::{admin_answer, http, FakeHost};

    /// Jira refusing the first request for a second (its burst spent), then
    /// answering that the user administers Jira.
    fn busy_once() -> FakeHost {
        let mut first = true;
        let mut admin = admin_answer(true);
        FakeHost::new(Some("acc-admin")).on_jira(move |request| {
            if std::mem::take(&mut first) {
                let mut busy = http(429, r#"{"errorMessages": ["Rate limit exceeded."]}"#);
                busy.headers.push(("retry-after".into(), "1".into()));
                busy.headers
                    .push(("ratelimit-reason".into(), "jira-burst-based".into()));
                return busy;
            }
            admin(request)
        })
    }

    #[test]
    fn a_long_jobs_slice_waits_out_a_busy_jira_for_its_admin_check() {
        let mut host = busy_once();
        let patient = host.run_with(|ctx| {
            Box::pin(async move {
                super::require_admin_patiently(&ctx, "restore worklogs").await?;
                Ok("true".into())
            })
        });
        assert_eq!(patient.unwrap(), serde_json::json!(true));
        // A person's own request answers at once instead.
        let mut host = busy_once();
        let at_once = host.run_with(|ctx| {
            Box::pin(async move {
                super::require_admin(&ctx, "change the rates").await?;
                Ok("true".into())
            })
        });
        assert_eq!(at_once.unwrap_err().code(), crate::ErrorCode::Upstream);
    }
}
