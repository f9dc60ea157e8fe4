//! The operations: one `async fn` per operation, each taking the run's [`Ctx`] and
//! its validated input, returning a serializable result.
//!
//! [`OPERATIONS`] is the one table of operations: name, who may start it (the
//! context's entry point), a line of documentation and the function.
//! [`dispatch`] finds the entry, refuses entry points the table does not list
//! ([`admit`]), then parses and validates the input ([`crate::input`]) before
//! the operation performs any effect.

mod access;
pub mod approval;
mod attribute;
pub mod audit;
pub mod backup;
mod directory;
pub mod finance;
mod issue_search;
pub mod journal;
mod me;
pub mod privacy;
pub mod rate;
pub mod report;
pub mod restore;
pub mod rounding;
mod schedule;
mod settings;
mod sync;
mod timer;
mod timesheet;
mod worklog;

pub use worklog::put_back;

use futures::future::LocalBoxFuture;
use serde::Serialize;

use crate::executor::{Ctx, Run};
use crate::input;
use crate::protocol::{Context, EntryPoint};
use crate::Error;

/// How far an operation in slices is: the generic form hosts show as a
/// progress bar (`docs/operations.md`, conventions).
#[derive(Serialize, Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    /// Units done so far.
    pub done: u64,
    /// Units in all, as far as known (an estimate while it is not counted).
    pub total: u64,
    /// What is being done, for a person.
    pub label: String,
}

/// How an operation is started: its validated input parsed from JSON, its
/// result written as JSON.
pub type Handler = for<'a> fn(&'a Ctx, &'a str) -> LocalBoxFuture<'a, Result<String, Error>>;

/// One entry of the operation table.
pub struct Operation {
    /// The name callers give.
    pub name: &'static str,
    /// Who may start it (the task context's entry point); every other entry
    /// point is refused with `forbidden` before the input is read.
    pub starts: &'static [EntryPoint],
    /// One line for the docs.
    pub doc: &'static str,
    /// The function that runs it.
    pub handler: Handler,
}

/// A person through the UI, or the local operator's command line.
const PEOPLE: &[EntryPoint] = &[EntryPoint::Person, EntryPoint::Operator];
/// People (each operation checks its own rights) and the app's jobs.
const PEOPLE_AND_JOBS: &[EntryPoint] = &[
    EntryPoint::Person,
    EntryPoint::Job,
    EntryPoint::Consumer,
    EntryPoint::Operator,
];
/// Only the app's jobs (scheduled, queued) and the local operator.
const JOBS: &[EntryPoint] = &[EntryPoint::Job, EntryPoint::Consumer, EntryPoint::Operator];
/// Only Jira's product triggers, and the local operator (who replays events).
const TRIGGERS: &[EntryPoint] = &[EntryPoint::Trigger, EntryPoint::Operator];

/// An entry of [`OPERATIONS`]: the handler parses the input into the
/// function's input type ([`input::parse`]) and writes its result as JSON.
macro_rules! operation {
    ($name:literal, $starts:expr, $doc:literal, $function:path) => {{
        fn handler<'a>(ctx: &'a Ctx, text: &'a str) -> LocalBoxFuture<'a, Result<String, Error>> {
            Box::pin(async move { to_json($function(ctx, input::parse(text)?).await?) })
        }
        Operation {
            name: $name,
            starts: $starts,
            doc: $doc,
            handler,
        }
    }};
}

/// Every operation: the one table from which [`crate::operations`], dispatch
/// and the list in `docs/operations.md` (checked by a test) are derived.
pub const OPERATIONS: &[Operation] = &[
    operation!(
        "me",
        PEOPLE,
        "who the acting user is, and what they may do",
        me::me
    ),
    operation!(
        "timetracking.settings",
        PEOPLE,
        "Jira's time tracking settings",
        settings::read
    ),
    operation!(
        "timetracking.settings.save",
        PEOPLE,
        "save Jira's time tracking settings (administrators)",
        settings::save
    ),
    operation!(
        "worklog.list",
        PEOPLE,
        "an issue's worklogs the acting user may see",
        worklog::list
    ),
    operation!("worklog.log", PEOPLE, "log time on an issue", worklog::log),
    operation!(
        "worklog.update",
        PEOPLE,
        "change a worklog",
        worklog::update
    ),
    operation!(
        "worklog.delete",
        PEOPLE,
        "delete a worklog",
        worklog::delete
    ),
    operation!(
        "sync.full",
        PEOPLE_AND_JOBS,
        "import every worklog into the index, in slices (jobs; administrators)",
        sync::full
    ),
    operation!(
        "sync.incremental",
        PEOPLE_AND_JOBS,
        "bring the index up to date with Jira's changes (jobs; administrators)",
        sync::incremental
    ),
    operation!(
        "sync.worklog-event",
        TRIGGERS,
        "apply one of Jira's worklog events to the index (product triggers only)",
        sync::worklog_event
    ),
    operation!(
        "sync.verify",
        PEOPLE_AND_JOBS,
        "compare the index with Jira, optionally repair (jobs; administrators)",
        sync::verify
    ),
    operation!(
        "sync.status",
        PEOPLE_AND_JOBS,
        "the index's state",
        sync::status
    ),
    operation!(
        "sync.settings.save",
        PEOPLE,
        "choose the issue fields the index keeps (administrators)",
        sync::save_settings
    ),
    operation!(
        "report.run",
        PEOPLE_AND_JOBS,
        "a report over the index, for what the viewer may see",
        report::run::run
    ),
    operation!(
        "export.run",
        PEOPLE_AND_JOBS,
        "the flat export over the index, in pieces",
        report::export::run
    ),
    operation!(
        "export.changes",
        PEOPLE_AND_JOBS,
        "rows changed and ids deleted since an instant",
        report::export::changes
    ),
    operation!(
        "export.feed",
        PEOPLE,
        "the flat export as a feed: filtered, ordered, paged rows, and deletions",
        report::feed::feed
    ),
    operation!(
        "report.list",
        PEOPLE,
        "the viewer's saved reports and those shared with them",
        report::saved::list
    ),
    operation!("report.save", PEOPLE, "save a report", report::saved::save),
    operation!(
        "report.delete",
        PEOPLE,
        "delete one of the viewer's saved reports",
        report::saved::delete
    ),
    operation!("access.get", PEOPLE, "the access grants", access::get),
    operation!(
        "access.save",
        PEOPLE,
        "save the access grants (administrators)",
        access::save
    ),
    operation!(
        "timesheet.week",
        PEOPLE,
        "a person's week of worklogs",
        approval::timesheet_week
    ),
    operation!(
        "timesheet.shortfall",
        PEOPLE,
        "the acting user's required, logged and short time this period and the last",
        timesheet::shortfall
    ),
    operation!(
        "issue.search",
        PEOPLE,
        "issues for the picker",
        issue_search::search
    ),
    operation!(
        "people.search",
        PEOPLE,
        "people by name for the pickers, as the acting user may see them",
        directory::people
    ),
    operation!(
        "project.search",
        PEOPLE,
        "projects by key or name for the pickers, as the acting user may see them",
        directory::projects
    ),
    operation!(
        "group.search",
        PEOPLE,
        "Jira groups by name for the reviewer rules' editor (Jira administrators)",
        directory::groups
    ),
    operation!(
        "attribute.list",
        PEOPLE,
        "the worklog attribute definitions",
        attribute::list
    ),
    operation!(
        "attribute.save",
        PEOPLE,
        "save the worklog attribute definitions (administrators)",
        attribute::save
    ),
    operation!(
        "schedule.get",
        PEOPLE,
        "working days, hours and holidays",
        schedule::get
    ),
    operation!(
        "schedule.save",
        PEOPLE,
        "save working days, hours and holidays (administrators)",
        schedule::save
    ),
    operation!(
        "privacy.report",
        JOBS,
        "report stored account ids to Atlassian and erase closed ones (jobs only)",
        privacy::report
    ),
    operation!(
        "rate.list",
        PEOPLE,
        "the hourly rates (administrators)",
        rate::list
    ),
    operation!(
        "rate.save",
        PEOPLE,
        "save the hourly rates (administrators)",
        rate::save
    ),
    operation!(
        "rounding.get",
        PEOPLE,
        "the site's rounding rule and timer limit",
        rounding::get
    ),
    operation!(
        "rounding.save",
        PEOPLE,
        "save the site's rounding rule and timer limit (administrators)",
        rounding::save
    ),
    operation!(
        "rounding.preview",
        PEOPLE,
        "sample durations rounded by a rule",
        rounding::preview
    ),
    operation!(
        "timer.list",
        PEOPLE,
        "the acting person's timers",
        timer::list
    ),
    operation!(
        "timer.start",
        PEOPLE,
        "start a timer on an issue",
        timer::start
    ),
    operation!("timer.pause", PEOPLE, "pause one's timer", timer::pause),
    operation!("timer.resume", PEOPLE, "resume one's timer", timer::resume),
    operation!(
        "timer.update",
        PEOPLE,
        "change one's timer's comment or attributes",
        timer::update
    ),
    operation!(
        "timer.stop",
        PEOPLE,
        "stop one's timer: log its time or discard it",
        timer::stop
    ),
    operation!(
        "timer.sweep",
        JOBS,
        "stop forgotten timers at their limit, unlogged (jobs only)",
        timer::sweep
    ),
    operation!(
        "audit.list",
        PEOPLE,
        "the audit log, newest first, filtered and paged (administrators)",
        audit::list
    ),
    operation!(
        "audit.export",
        PEOPLE,
        "the audit log as CSV or JSON, in pieces (administrators)",
        audit::export
    ),
    operation!(
        "audit.verify",
        PEOPLE_AND_JOBS,
        "check the audit log's hash chain, in slices (jobs; administrators)",
        audit::verify
    ),
    operation!(
        "audit.settings.save",
        PEOPLE,
        "save the audit log's retention (administrators)",
        audit::save_settings
    ),
    operation!(
        "audit.prune",
        JOBS,
        "delete audit entries past the retention, keeping the chain verifiable (jobs only)",
        audit::prune
    ),
    operation!(
        "restore.plan",
        PEOPLE,
        "the dry run of a restore of worklogs from the journal: what would be recreated or reverted (administrators)",
        restore::plan
    ),
    operation!(
        "restore.run",
        PEOPLE,
        "restore worklogs deleted or changed in a window from the journal, in slices (administrators)",
        restore::run
    ),
    operation!(
        "restore.status",
        PEOPLE,
        "the current or last restore of worklogs (administrators)",
        restore::status
    ),
    operation!(
        "restore.cancel",
        PEOPLE,
        "stop the restore of worklogs under way (administrators)",
        restore::cancel
    ),
    operation!(
        "journal.settings.get",
        PEOPLE,
        "the worklog journal's retention, comment switch and size (administrators)",
        journal::get_settings
    ),
    operation!(
        "journal.settings.save",
        PEOPLE,
        "save the worklog journal's retention and comment switch (administrators)",
        journal::save_settings
    ),
    operation!(
        "journal.list",
        PEOPLE,
        "versions of worklogs the app has seen, filtered and paged (administrators)",
        journal::list
    ),
    operation!(
        "journal.prune",
        JOBS,
        "delete journal versions past the retention, clear comments turned off (jobs only)",
        journal::prune
    ),
    operation!(
        "approval.settings.get",
        PEOPLE,
        "the approval settings",
        approval::settings_get
    ),
    operation!(
        "approval.settings.save",
        PEOPLE,
        "save the approval settings (administrators)",
        approval::settings_save
    ),
    operation!(
        "approval.rules.list",
        PEOPLE,
        "who reviews whom: the reviewer rules",
        approval::rules_list
    ),
    operation!(
        "approval.rules.save",
        PEOPLE,
        "save the reviewer rules (administrators)",
        approval::rules_save
    ),
    operation!(
        "approval.status",
        PEOPLE,
        "a person's approval period holding a date",
        approval::status
    ),
    operation!(
        "approval.team",
        PEOPLE,
        "the periods of the people the viewer reviews",
        approval::workflow::team
    ),
    operation!(
        "approval.submit",
        PEOPLE,
        "submit one's period for approval",
        approval::workflow::submit
    ),
    operation!(
        "approval.approve",
        PEOPLE,
        "approve a submitted period (reviewers)",
        approval::workflow::approve
    ),
    operation!(
        "approval.approveMany",
        PEOPLE,
        "approve several people's submitted periods (reviewers)",
        approval::workflow::approve_many
    ),
    operation!(
        "approval.reject",
        PEOPLE,
        "reject a submitted period with a reason (reviewers)",
        approval::workflow::reject
    ),
    operation!(
        "approval.reopen",
        PEOPLE,
        "reopen an approved period with a reason (reviewers)",
        approval::workflow::reopen
    ),
    operation!(
        "approval.pending",
        PEOPLE,
        "the submitted periods awaiting the viewer's review",
        approval::workflow::pending
    ),
    operation!(
        "approval.drift.list",
        PEOPLE,
        "outside edits to locked periods",
        approval::drift::list
    ),
    operation!(
        "approval.drift.resolve",
        PEOPLE,
        "restore or accept an outside edit, with a reason (reviewers)",
        approval::drift::resolve
    ),
    operation!(
        "backup.create",
        PEOPLE_AND_JOBS,
        "back up the app's data into its own storage, in slices (jobs; administrators)",
        backup::create
    ),
    operation!(
        "backup.list",
        PEOPLE,
        "the stored backups and the schedule (administrators)",
        backup::list
    ),
    operation!(
        "backup.download",
        PEOPLE,
        "a stored backup, one part a call (administrators)",
        backup::download
    ),
    operation!(
        "backup.upload",
        PEOPLE,
        "store one part of a backup made elsewhere (administrators)",
        backup::upload
    ),
    operation!(
        "backup.delete",
        PEOPLE,
        "delete a stored backup (administrators)",
        backup::delete
    ),
    operation!(
        "backup.restore.plan",
        PEOPLE,
        "check a backup and say what restoring it would do, in slices (administrators)",
        backup::restore_plan
    ),
    operation!(
        "backup.restore.run",
        PEOPLE,
        "replace the app's data with a backup's, mapping ids, in slices (administrators)",
        backup::restore_run
    ),
    operation!(
        "backup.settings.save",
        PEOPLE,
        "save the backup schedule and retention (administrators)",
        backup::save_settings
    ),
    operation!(
        "backup.prune",
        JOBS,
        "delete scheduled backups the retention does not keep (jobs only)",
        backup::prune
    ),
    operation!(
        "finance.mirror",
        JOBS,
        "bring the worklog property worklogs.finance (billable, approval state) up to date, in slices (jobs only)",
        finance::mirror
    ),
];

/// The table's entry for `name`.
pub fn find(name: &str) -> Option<&'static Operation> {
    OPERATIONS.iter().find(|op| op.name == name)
}

impl Run {
    /// A run of the named operation with a JSON input. Nothing is validated or
    /// performed until the first [`Run::resume`]; an unknown operation, an entry
    /// point that may not start it, or a bad input ends the run then.
    ///
    /// ```
    /// use worklogs_app::{Context, EntryPoint, Run, SqlEngine, Step};
    /// let context = Context {
    ///     installation: "site".into(),
    ///     account_id: None,
    ///     time_zone: "UTC".into(),
    ///     locale: "en-US".into(),
    ///     now_ms: 0,
    ///     entry_point: EntryPoint::Operator,
    ///     sql_engine: SqlEngine::Sqlite,
    /// };
    /// let mut run = Run::new(context, "no.such.operation", "{}");
    /// match run.resume(Vec::new()) {
    ///     Step::Done(Err(e)) => assert!(e.is_invalid_input()),
    ///     other => panic!("{other:?}"),
    /// }
    /// ```
    pub fn new(context: Context, operation: &str, input: &str) -> Self {
        let operation = operation.to_owned();
        let input = input.to_owned();
        Self::with(context, move |ctx| {
            Box::pin(async move { dispatch(&ctx, &operation, &input).await })
        })
    }
}

/// Whether `entry_point` may start `operation`, and with this context.
///
/// # Errors
///
/// `forbidden` naming the operation and the entry point when the table does
/// not list it, and for a person's call without an account id: no acting user
/// never silently means the app with every right.
pub fn admit(operation: &Operation, context: &Context) -> Result<(), Error> {
    let entry = context.entry_point;
    if !operation.starts.contains(&entry) {
        let allowed: Vec<&str> = operation.starts.iter().map(|e| e.as_str()).collect();
        return Err(Error::forbidden(format!(
            "{} may not be started by a {} (only by: {})",
            input::quote(operation.name),
            entry.as_str(),
            allowed.join(", ")
        )));
    }
    let anonymous = context.account_id.as_deref().is_none_or(str::is_empty);
    if entry == EntryPoint::Person && anonymous {
        return Err(Error::forbidden(format!(
            "{} was started by a person without an account id",
            input::quote(operation.name)
        )));
    }
    Ok(())
}

/// Runs the named operation on a JSON input and returns its JSON result.
///
/// # Errors
///
/// `invalid-input` for an unknown operation (naming it and the known ones) or
/// a bad input; `forbidden` when the run's entry point may not start it
/// ([`admit`]); otherwise whatever the operation returns.
pub async fn dispatch(ctx: &Ctx, operation: &str, text: &str) -> Result<String, Error> {
    let Some(entry) = find(operation) else {
        let known: Vec<&str> = OPERATIONS.iter().map(|op| op.name).collect();
        return Err(Error::invalid_input(format_args!(
            "unknown operation {} (known: {})",
            input::quote(operation),
            known.join(", ")
        )));
    };
    admit(entry, ctx.context())?;
    (entry.handler)(ctx, text).await
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
