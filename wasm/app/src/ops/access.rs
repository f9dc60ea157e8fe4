//! `access.get` and `access.save`: the grants that let members of a group see
//! the time of members of other groups (see [`crate::access`]). Jira
//! administrators only; the app (no acting user) may read them.

use serde::Deserialize;

use crate::access::{check_groups, load_grants, require_admin, Grant, Grants};
use crate::executor::Ctx;
use crate::ops::NoInput;
use crate::{input, store, Error};

/// Most grants, and most teams per grant.
pub const MAX_GRANTS: usize = 100;

/// The grants.
///
/// # Errors
///
/// `forbidden` for anyone but a Jira administrator or the app.
pub async fn get(ctx: &Ctx, _: NoInput) -> Result<Grants, Error> {
    if ctx.acting_user().is_ok() {
        require_admin(ctx, "read the access grants").await?;
    }
    load_grants(ctx).await
}

/// `access.save`'s input, raw.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SaveRaw {
    grants: Vec<GrantRaw>,
    #[serde(default, rename = "costViewers")]
    cost_viewers: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GrantRaw {
    group: String,
    teams: Vec<String>,
}

/// `access.save`'s input.
pub struct SaveInput(Grants);

fn group_name(field: &str, value: &str) -> Result<String, Error> {
    let trimmed = value.trim();
    if trimmed.is_empty() || trimmed.len() > 255 {
        return Err(Error::invalid_field(
            field,
            format_args!("{}: expected a jira group name", input::quote(value)),
        ));
    }
    Ok(trimmed.to_owned())
}

impl input::Input for SaveInput {
    type Raw = SaveRaw;

    fn validate(raw: SaveRaw) -> Result<Self, Error> {
        if raw.grants.len() > MAX_GRANTS {
            return Err(Error::invalid_field(
                "grants",
                format_args!("{} grants: at most {MAX_GRANTS}", raw.grants.len()),
            ));
        }
        let mut grants: Vec<Grant> = Vec::new();
        for (i, g) in raw.grants.into_iter().enumerate() {
            let group = group_name(&format!("grants[{i}].group"), &g.group)?;
            if g.teams.is_empty() || g.teams.len() > MAX_GRANTS {
                return Err(Error::invalid_field(
                    &format!("grants[{i}].teams"),
                    format_args!("{} teams: expected 1 to {MAX_GRANTS}", g.teams.len()),
                ));
            }
            let mut teams: Vec<String> = Vec::new();
            for (j, t) in g.teams.iter().enumerate() {
                let team = group_name(&format!("grants[{i}].teams[{j}]"), t)?;
                if !teams.contains(&team) {
                    teams.push(team);
                }
            }
            match grants.iter_mut().find(|x| x.group == group) {
                Some(existing) => {
                    for team in teams {
                        if !existing.teams.contains(&team) {
                            existing.teams.push(team);
                        }
                    }
                }
                None => grants.push(Grant { group, teams }),
            }
        }
        if raw.cost_viewers.len() > MAX_GRANTS {
            return Err(Error::invalid_field(
                "costViewers",
                format_args!("{} groups: at most {MAX_GRANTS}", raw.cost_viewers.len()),
            ));
        }
        let mut cost_viewers: Vec<String> = Vec::new();
        for (i, g) in raw.cost_viewers.iter().enumerate() {
            let group = group_name(&format!("costViewers[{i}]"), g)?;
            if !cost_viewers.contains(&group) {
                cost_viewers.push(group);
            }
        }
        Ok(Self(Grants {
            grants,
            cost_viewers,
        }))
    }
}

/// Replaces the grants, after checking every group exists in Jira.
///
/// # Errors
///
/// `forbidden` for anyone but a Jira administrator; `invalid-input` naming an
/// unknown group; Jira's and the database's errors.
pub async fn save(ctx: &Ctx, input: SaveInput) -> Result<Grants, Error> {
    require_admin(ctx, "change the access grants").await?;
    let grants = input.0;
    let mut named: Vec<(String, String)> = Vec::new();
    for (i, g) in grants.grants.iter().enumerate() {
        named.push((format!("grants[{i}].group"), g.group.clone()));
        for (j, t) in g.teams.iter().enumerate() {
            named.push((format!("grants[{i}].teams[{j}]"), t.clone()));
        }
    }
    for (i, g) in grants.cost_viewers.iter().enumerate() {
        named.push((format!("costViewers[{i}]"), g.clone()));
    }
    check_groups(ctx, &named).await?;
    store::save(ctx, &grants).await?;
    Ok(grants)
}
