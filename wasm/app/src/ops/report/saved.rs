//! Saved reports: `report.list`, `report.save`, `report.delete`.
//!
//! A saved report is a name, a report query and the Jira groups it is shared
//! with, owned by the person who created it. Everyone sees their own and those
//! shared with a group they are in; only the owner changes or deletes one.
//! Running a shared report shows each viewer only what they may see: the
//! query is saved, never its results.

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use super::query::QueryJson;
use crate::access::{check_groups, my_groups};
use crate::executor::Ctx;
use crate::index::hash_text;
use crate::index::saved::{self as table, SavedRow};
use crate::{input, Error};

/// Most saved reports one list reads (own and shared).
pub const MAX_LISTED: usize = 1000;
/// Longest name, in characters.
pub const MAX_NAME_CHARS: usize = 100;
/// Most groups a report is shared with.
pub const MAX_SHARED: usize = 20;
/// Most saved reports one person owns: a new one past it is `limit`.
pub const MAX_OWNED: i64 = 200;

/// A saved report as the operations answer it.
#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Saved {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// The report query.
    pub query: Json,
    /// The owner's account id.
    pub owner: String,
    /// The groups it is shared with.
    pub shared_with: Vec<String>,
    /// When it was last saved (RFC 3339).
    pub updated: String,
}

/// `report.list`'s output.
#[derive(Serialize, Debug)]
pub struct List {
    /// Own reports and those shared with the user, by name.
    pub reports: Vec<Saved>,
}

fn saved_of(row: SavedRow) -> Saved {
    Saved {
        id: row.id,
        owner: row.owner,
        name: row.name,
        query: serde_json::from_str(&row.query).unwrap_or(Json::Null),
        shared_with: serde_json::from_str(&row.shared).unwrap_or_default(),
        updated: chrono::DateTime::from_timestamp_millis(row.updated)
            .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
            .unwrap_or_default(),
    }
}

/// Lists the user's own saved reports and those shared with their groups.
///
/// # Errors
///
/// `forbidden` without an acting user; Jira's and the database's errors.
pub async fn list(ctx: &Ctx, _: crate::ops::NoInput) -> Result<List, Error> {
    let me = ctx.acting_user()?.to_owned();
    let read = table::list_saved(ctx, &me, MAX_LISTED);
    let (rows, groups) = futures::join!(read, my_groups(ctx));
    let (rows, groups) = (rows?, groups?);
    let mut reports: Vec<Saved> = rows
        .into_iter()
        .map(saved_of)
        .filter(|s| s.owner == me || s.shared_with.iter().any(|g| groups.contains(g)))
        .collect();
    reports.sort_by(|a, b| {
        a.name
            .to_lowercase()
            .cmp(&b.name.to_lowercase())
            .then(a.id.cmp(&b.id))
    });
    Ok(List { reports })
}

/// `report.save`'s input, raw.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SaveRaw {
    #[serde(default)]
    id: Option<String>,
    name: String,
    query: Json,
    #[serde(default)]
    shared_with: Option<Vec<String>>,
}

/// `report.save`'s input.
pub struct SaveInput {
    id: Option<String>,
    name: String,
    query: QueryJson,
    shared_with: Vec<String>,
}

fn check_id(value: &str) -> Result<String, Error> {
    if value.is_empty() || value.len() > 32 || !value.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(Error::invalid_field(
            "id",
            format_args!("{}: not a saved report id", input::quote(value)),
        ));
    }
    Ok(value.to_owned())
}

impl input::Input for SaveInput {
    type Raw = SaveRaw;

    fn validate(raw: SaveRaw) -> Result<Self, Error> {
        let name = raw.name.trim().to_owned();
        if name.is_empty()
            || name.chars().count() > MAX_NAME_CHARS
            || name.chars().any(char::is_control)
        {
            return Err(Error::invalid_field(
                "name",
                format_args!(
                    "{}: expected 1 to {MAX_NAME_CHARS} characters, not blank, without control characters",
                    input::quote(&raw.name)
                ),
            ));
        }
        let mut shared = Vec::new();
        for (i, group) in raw.shared_with.unwrap_or_default().into_iter().enumerate() {
            let trimmed = group.trim();
            if trimmed.is_empty() || trimmed.len() > 255 {
                return Err(Error::invalid_field(
                    &format!("sharedWith[{i}]"),
                    format_args!("{}: expected a jira group name", input::quote(&group)),
                ));
            }
            if !shared.iter().any(|g: &String| g == trimmed) {
                shared.push(trimmed.to_owned());
            }
        }
        if shared.len() > MAX_SHARED {
            return Err(Error::invalid_field(
                "sharedWith",
                format_args!("{} groups: at most {MAX_SHARED}", shared.len()),
            ));
        }
        Ok(Self {
            id: raw.id.as_deref().map(check_id).transpose()?,
            name,
            query: QueryJson::check("query.", raw.query)?,
            shared_with: shared,
        })
    }
}

async fn read_one(ctx: &Ctx, id: &str) -> Result<Option<Saved>, Error> {
    Ok(table::read_saved(ctx, id).await?.map(saved_of))
}

/// Reads a saved report the user owns.
async fn owned(ctx: &Ctx, id: &str, what: &str) -> Result<Saved, Error> {
    let me = ctx.acting_user()?;
    let Some(saved) = read_one(ctx, id).await? else {
        return Err(Error::not_found(format!(
            "no saved report {}",
            input::quote(id)
        )));
    };
    if saved.owner != me {
        return Err(Error::forbidden(format!(
            "only the owner of saved report {} may {what} it",
            input::quote(id)
        )));
    }
    Ok(saved)
}

/// Creates (no `id`) or replaces (the owner only) a saved report.
///
/// # Errors
///
/// `forbidden` without an acting user or for someone else's report;
/// `not-found` for an unknown id; `invalid-input` for a bad name, query or
/// group; `conflict` when a new id collides.
pub async fn save(ctx: &Ctx, input: SaveInput) -> Result<Saved, Error> {
    let me = ctx.acting_user()?.to_owned();
    let now = ctx.context().now_ms;
    let shared_fields: Vec<(String, String)> = input
        .shared_with
        .iter()
        .enumerate()
        .map(|(i, g)| (format!("sharedWith[{i}]"), g.clone()))
        .collect();
    let id = match &input.id {
        Some(id) => {
            let (existing, groups) =
                futures::join!(owned(ctx, id, "change"), check_groups(ctx, &shared_fields));
            existing?;
            groups?;
            id.clone()
        }
        None => {
            let id = format!(
                "{:014x}",
                hash_text(0x52, &format!("{me}\n{now}\n{}", input.name))
            );
            let (existing, groups, count) = futures::join!(
                read_one(ctx, &id),
                check_groups(ctx, &shared_fields),
                table::count_owned(ctx, &me)
            );
            groups?;
            let count = count?;
            if count >= MAX_OWNED {
                return Err(Error::limit(format!(
                    "you have {count} saved reports, at most {MAX_OWNED}: delete one first"
                )));
            }
            if existing?.is_some() {
                return Err(Error::new(
                    crate::ErrorCode::Conflict,
                    "a saved report was created at the same instant with this name: save again",
                ));
            }
            id
        }
    };
    let query = input.query.to_value_unzoned();
    let shared = serde_json::to_string(&input.shared_with)
        .map_err(|e| Error::internal(format!("the groups could not be written: {e}")))?;
    let row = SavedRow {
        id,
        owner: me,
        name: input.name,
        query: query.to_string(),
        shared,
        updated: now,
    };
    table::replace_saved(ctx, &row).await?;
    Ok(saved_of(row))
}

/// `report.delete`'s input, raw.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeleteRaw {
    id: String,
}

/// `report.delete`'s input.
pub struct DeleteInput {
    id: String,
}

impl input::Input for DeleteInput {
    type Raw = DeleteRaw;

    fn validate(raw: DeleteRaw) -> Result<Self, Error> {
        Ok(Self {
            id: check_id(&raw.id)?,
        })
    }
}

/// `report.delete`'s output.
#[derive(Serialize, Debug)]
pub struct DeleteOutput {
    /// Always true.
    pub deleted: bool,
    /// The id.
    pub id: String,
}

/// Deletes a saved report (the owner only).
///
/// # Errors
///
/// `forbidden` without an acting user or for someone else's report;
/// `not-found` for an unknown id.
pub async fn delete(ctx: &Ctx, input: DeleteInput) -> Result<DeleteOutput, Error> {
    owned(ctx, &input.id, "delete").await?;
    table::delete_saved(ctx, &input.id).await?;
    Ok(DeleteOutput {
        deleted: true,
        id: input.id,
    })
}
