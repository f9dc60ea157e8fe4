//! The operations: one `async fn` per operation, each taking the run's [`Ctx`] and
//! its validated input, returning a serializable result.
//!
//! [`dispatch`] maps an operation's name to its function; every input is parsed
//! and validated ([`crate::input`]) before the operation performs any effect.

mod me;
pub mod privacy;
mod settings;
mod sync;
mod worklog;

use serde::Serialize;

use crate::executor::Ctx;
use crate::input;
use crate::Error;

/// The name of every operation, as callers give it.
pub const OPERATIONS: &[&str] = &[
    "me",
    "timetracking.settings",
    "timetracking.settings.save",
    "worklog.list",
    "worklog.log",
    "worklog.update",
    "worklog.delete",
    "sync.full",
    "sync.incremental",
    "sync.worklog-event",
    "sync.verify",
    "sync.status",
    "sync.settings.save",
    "privacy.report",
];

/// Runs the named operation on a JSON input and returns its JSON result.
///
/// # Errors
///
/// `invalid-input` for an unknown operation (naming it and the known ones) or
/// a bad input; otherwise whatever the operation returns.
pub async fn dispatch(ctx: &Ctx, operation: &str, text: &str) -> Result<String, Error> {
    match operation {
        "me" => to_json(me::me(ctx, input::parse(text)?).await?),
        "timetracking.settings" => to_json(settings::read(ctx, input::parse(text)?).await?),
        "timetracking.settings.save" => to_json(settings::save(ctx, input::parse(text)?).await?),
        "worklog.list" => to_json(worklog::list(ctx, input::parse(text)?).await?),
        "worklog.log" => to_json(worklog::log(ctx, input::parse(text)?).await?),
        "worklog.update" => to_json(worklog::update(ctx, input::parse(text)?).await?),
        "worklog.delete" => to_json(worklog::delete(ctx, input::parse(text)?).await?),
        "sync.full" => to_json(sync::full(ctx, input::parse(text)?).await?),
        "sync.incremental" => to_json(sync::incremental(ctx, input::parse(text)?).await?),
        "sync.worklog-event" => to_json(sync::worklog_event(ctx, input::parse(text)?).await?),
        "sync.verify" => to_json(sync::verify(ctx, input::parse(text)?).await?),
        "sync.status" => to_json(sync::status(ctx, input::parse(text)?).await?),
        "sync.settings.save" => to_json(sync::save_settings(ctx, input::parse(text)?).await?),
        "privacy.report" => to_json(privacy::report(ctx, input::parse(text)?).await?),
        other => Err(Error::invalid_input(format_args!(
            "unknown operation {} (known: {})",
            input::quote(other),
            OPERATIONS.join(", ")
        ))),
    }
}

fn to_json(output: impl Serialize) -> Result<String, Error> {
    serde_json::to_string(&output)
        .map_err(|e| Error::internal(format!("the result could not be written as JSON: {e}")))
}

/// The input of operations that take none: `{}` (or an empty input).
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoInputRaw {}

/// No input.
pub struct NoInput;

impl input::Input for NoInput {
    type Raw = NoInputRaw;

    fn validate(_: NoInputRaw) -> Result<Self, Error> {
        Ok(Self)
    }
}
