//! The grants: members of a group see the time of members of other groups
//! (the app's setting `access.grants`, edited with `access.save`), and
//! [`may_view_time_of`], whose time one viewer sees.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::{is_jira_admin, my_groups};
use crate::executor::Ctx;
use crate::jira::{Call, JiraPath};
use crate::{store, Error};

/// The setting that holds the grants (JSON, [`Grants`]).
pub const GRANTS_SETTING: &str = "access.grants";

/// One grant: members of `group` see the time of members of `teams`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Grant {
    /// The Jira group whose members get the sight.
    pub group: String,
    /// The Jira groups whose members' time they see.
    pub teams: Vec<String>,
}

/// Every grant of the site.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Grants {
    /// The grants, in the order saved.
    pub grants: Vec<Grant>,
    /// The Jira groups whose members may measure `cost` (the "see costs"
    /// grant): anyone who sees cost and hours per person can divide one by
    /// the other, so cost reveals hourly rates. Jira administrators always may.
    #[serde(default, rename = "costViewers", skip_serializing_if = "Vec::is_empty")]
    pub cost_viewers: Vec<String>,
}

/// The name of the grant that lets people measure cost, for refusals.
pub const COST_GRANT: &str = "see costs (access grants: costViewers)";

/// Whether the task may measure cost: the app's jobs and the operator, Jira
/// administrators, and members of a group the "see costs" grant names.
///
/// # Errors
///
/// `forbidden` naming the grant for anyone else; Jira's and the database's
/// errors (a failed check refuses).
pub async fn require_cost_viewer(ctx: &Ctx) -> Result<(), Error> {
    if ctx.acting_user().is_err() {
        // Jobs and the local operator run as the app, which owns the rates.
        return Ok(());
    }
    let (admin, grants) = futures::join!(is_jira_admin(ctx), load_grants(ctx));
    if admin? {
        return Ok(());
    }
    let grants = grants?;
    if !grants.cost_viewers.is_empty() {
        let mine = my_groups(ctx).await?;
        if grants.cost_viewers.iter().any(|g| mine.contains(g)) {
            return Ok(());
        }
    }
    Err(Error::forbidden(format!(
        "measuring cost reveals hourly rates: it needs the grant \"{COST_GRANT}\" \
         (a Jira administrator adds one of your groups to it)"
    )))
}

impl store::JsonSetting for Grants {
    const NAME: &'static str = GRANTS_SETTING;
    const WHAT: &'static str = "a list of access grants";
}

impl Grants {
    /// The teams whose members' time someone in `groups` sees.
    pub fn teams_for<'a>(&'a self, groups: &BTreeSet<String>) -> BTreeSet<&'a str> {
        self.grants
            .iter()
            .filter(|g| groups.contains(&g.group))
            .flat_map(|g| g.teams.iter().map(String::as_str))
            .collect()
    }
}

/// Reads the site's grants (none when never saved).
///
/// # Errors
///
/// The database's errors; `internal` when the stored JSON is unreadable.
pub async fn load_grants(ctx: &Ctx) -> Result<Grants, Error> {
    store::load(ctx).await
}

#[derive(Deserialize)]
struct UserGroup {
    #[serde(default)]
    name: String,
}

/// Whether the acting user may see the time of `account_id`: always for
/// themselves and for the app; for Jira administrators; for members of a
/// grant's group when `account_id` is in one of its teams.
///
/// # Errors
///
/// Jira's and the database's errors.
pub async fn may_view_time_of(ctx: &Ctx, account_id: &str) -> Result<bool, Error> {
    let Ok(me) = ctx.acting_user() else {
        return Ok(true);
    };
    if me == account_id {
        return Ok(true);
    }
    let (admin, grants, groups) =
        futures::join!(is_jira_admin(ctx), load_grants(ctx), my_groups(ctx));
    if admin? {
        return Ok(true);
    }
    let groups = groups?;
    let grants = grants?;
    let teams = grants.teams_for(&groups);
    if teams.is_empty() {
        return Ok(false);
    }
    let call =
        Call::get(JiraPath::api(&["user", "groups"]).query("accountId", account_id)).as_app();
    let theirs: Result<Vec<UserGroup>, Error> = call.json(ctx).await;
    match theirs {
        Ok(theirs) => Ok(theirs.iter().any(|g| teams.contains(g.name.as_str()))),
        Err(e) if e.is_not_found() => Ok(false),
        Err(e) => Err(e),
    }
}
