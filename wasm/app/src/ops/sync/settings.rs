//! `sync.status` (where the sync stands, how big the index is) and
//! `sync.settings.save` (which custom fields the index keeps).

use serde::{Deserialize, Serialize};

use super::authorize;
use super::history::{self, RunError};
use super::state::{Finished, State};
use super::verify::VerifyState;
use crate::access::require_admin;
use crate::executor::Ctx;
use crate::index::{self, IndexFields};
use crate::input::{quote, Input};
use crate::ops::NoInput;
use crate::{store, Error};

/// The most custom fields the index keeps.
const MAX_FIELDS: usize = 20;

/// The output of `sync.status`.
#[derive(Serialize, Debug)]
#[serde(rename_all = "camelCase")]
pub struct Status {
    /// Whether a full import has completed.
    imported: bool,
    /// The run in progress: `{mode, phase, progress}`.
    running: Option<serde_json::Value>,
    /// The last finished run.
    last: Option<Finished>,
    /// The last finished full import.
    last_full: Option<Finished>,
    /// The last finished incremental run.
    last_incremental: Option<Finished>,
    /// The verification in progress and the last finished one.
    verify: serde_json::Value,
    /// The errors of the last failed runs, the latest first.
    errors: Vec<RunError>,
    /// The custom fields the index keeps.
    custom_fields: Vec<String>,
    /// Rows in the index.
    worklogs: i64,
    /// Issue rows in the index.
    issues: i64,
}

/// `sync.status`.
///
/// # Errors
///
/// `forbidden` for an acting user who is not a Jira administrator; the
/// database's errors.
pub async fn status(ctx: &Ctx, _: NoInput) -> Result<Status, Error> {
    authorize(ctx).await?;
    let site = index::site(ctx).await?;
    let (state, fields, size, verify, errors) = futures::join!(
        State::load(ctx),
        index::load_fields(ctx),
        index::size(ctx, site),
        store::load::<VerifyState>(ctx),
        history::load(ctx)
    );
    let (state, size) = (state?, size?);
    let of_mode = |full: bool| state.last.clone().filter(|l| l.full == full);
    let now = ctx.context().now_ms;
    Ok(Status {
        imported: state.imported,
        running: state.run.as_ref().map(|run| {
            serde_json::json!({
                "mode": if run.full { "full" } else { "incremental" },
                "phase": run.phase.name(),
                "progress": run.progress(now),
            })
        }),
        last_full: state.last_full.clone().or_else(|| of_mode(true)),
        last_incremental: state.last_incremental.clone().or_else(|| of_mode(false)),
        last: state.last.clone(),
        verify: verify?.status(),
        errors: errors?,
        custom_fields: fields?,
        worklogs: size.worklogs,
        issues: size.issues,
    })
}

/// The input of `sync.settings.save`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SyncSettingsRaw {
    custom_fields: Vec<String>,
}

/// `sync.settings.save`, validated.
pub struct SyncSettings {
    custom_fields: Vec<String>,
}

impl Input for SyncSettings {
    type Raw = SyncSettingsRaw;

    fn validate(raw: SyncSettingsRaw) -> Result<Self, Error> {
        if raw.custom_fields.len() > MAX_FIELDS {
            return Err(Error::invalid_field(
                "customFields",
                format_args!(
                    "{} fields is more than {MAX_FIELDS}",
                    raw.custom_fields.len()
                ),
            ));
        }
        let mut fields = Vec::new();
        for (i, field) in raw.custom_fields.into_iter().enumerate() {
            let digits = field.strip_prefix("customfield_").unwrap_or("");
            if digits.is_empty() || digits.len() > 18 || !digits.bytes().all(|b| b.is_ascii_digit())
            {
                return Err(Error::invalid_field(
                    &format!("customFields[{i}]"),
                    format_args!(
                        "{} is not a custom field id such as customfield_10100",
                        quote(&field)
                    ),
                ));
            }
            if !fields.contains(&field) {
                fields.push(field);
            }
        }
        fields.sort();
        Ok(Self {
            custom_fields: fields,
        })
    }
}

/// The output of `sync.settings.save`.
#[derive(Serialize, Debug)]
#[serde(rename_all = "camelCase")]
pub struct SavedSettings {
    custom_fields: Vec<String>,
    /// Whether the indexed issues will be fetched again by the next sync run.
    refresh: bool,
}

/// `sync.settings.save`: the custom fields the index keeps, for Jira
/// administrators. When they change, the next sync run fetches every indexed
/// issue again.
///
/// # Errors
///
/// `forbidden` without an acting user or without `ADMINISTER`; the database's
/// errors.
pub async fn save_settings(ctx: &Ctx, input: SyncSettings) -> Result<SavedSettings, Error> {
    require_admin(ctx, "choose the fields the index keeps").await?;
    let (current, state) = futures::join!(index::load_fields(ctx), State::load(ctx));
    let (current, mut state) = (current?, state?);
    let refresh = current != input.custom_fields;
    if refresh {
        store::save(ctx, &IndexFields(input.custom_fields.clone())).await?;
        // The setting first, then the request to refresh: a stop in between
        // leaves the new fields for issues fetched from now on.
        state.refresh_after = Some(0);
        state.save(ctx).await?;
    }
    Ok(SavedSettings {
        custom_fields: input.custom_fields,
        refresh,
    })
}
