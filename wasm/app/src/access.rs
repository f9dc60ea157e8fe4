//! Who may see whose time.
//!
//! Placeholder: the reports branch replaces this module with the app roles
//! chosen on the admin page (`access.get` / `access.save`); only the signature
//! of [`may_view_time_of`] is the contract between the two.

use crate::executor::Ctx;
use crate::permissions;
use crate::Error;

/// Whether the acting user may see the time logged by `account_id`: their own
/// always; anyone's for a Jira administrator (global permission `ADMINISTER`).
/// What the viewer sees of it is still filtered by Jira's browse and worklog
/// visibility rules.
///
/// # Errors
///
/// `forbidden` without an acting user; Jira's errors, mapped.
pub async fn may_view_time_of(ctx: &Ctx, account_id: &str) -> Result<bool, Error> {
    let user = ctx.acting_user()?;
    if user == account_id {
        return Ok(true);
    }
    match permissions::require_global(ctx, "ADMINISTER", "see the time of others").await {
        Ok(()) => Ok(true),
        Err(e) if e.is_forbidden() => Ok(false),
        Err(e) => Err(e),
    }
}
