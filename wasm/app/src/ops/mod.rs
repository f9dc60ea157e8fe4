//! The operations: one `async fn` per operation, each taking the run's [`Ctx`] and
//! its validated input, returning a serializable result.
//!
//! [`dispatch`] maps an operation's name to its function; every input is parsed
//! and validated ([`crate::input`]) before the operation performs any effect.

mod access;
mod attribute;
mod issue_search;
mod me;
pub mod privacy;
pub mod rate;
pub mod report;
mod schedule;
mod settings;
mod sync;
mod timesheet;
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
    "report.run",
    "export.run",
    "export.changes",
    "report.list",
    "report.save",
    "report.delete",
    "access.get",
    "access.save",
    "timesheet.week",
    "issue.search",
    "attribute.list",
    "attribute.save",
    "schedule.get",
    "schedule.save",
    "privacy.report",
    "rate.list",
    "rate.save",
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
        "report.run" => to_json(report::run::run(ctx, input::parse(text)?).await?),
        "export.run" => to_json(report::export::run(ctx, input::parse(text)?).await?),
        "export.changes" => to_json(report::export::changes(ctx, input::parse(text)?).await?),
        "report.list" => to_json(report::saved::list(ctx, input::parse(text)?).await?),
        "report.save" => to_json(report::saved::save(ctx, input::parse(text)?).await?),
        "report.delete" => to_json(report::saved::delete(ctx, input::parse(text)?).await?),
        "access.get" => to_json(access::get(ctx, input::parse(text)?).await?),
        "access.save" => to_json(access::save(ctx, input::parse(text)?).await?),
        "timesheet.week" => to_json(timesheet::week(ctx, input::parse(text)?).await?),
        "issue.search" => to_json(issue_search::search(ctx, input::parse(text)?).await?),
        "attribute.list" => to_json(attribute::list(ctx, input::parse(text)?).await?),
        "attribute.save" => to_json(attribute::save(ctx, input::parse(text)?).await?),
        "schedule.get" => to_json(schedule::get(ctx, input::parse(text)?).await?),
        "schedule.save" => to_json(schedule::save(ctx, input::parse(text)?).await?),
        "privacy.report" => to_json(privacy::report(ctx, input::parse(text)?).await?),
        "rate.list" => to_json(rate::list(ctx, input::parse(text)?).await?),
        "rate.save" => to_json(rate::save(ctx, input::parse(text)?).await?),
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
