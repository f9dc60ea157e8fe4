//! Timers: `timer.list`, `timer.start`, `timer.pause`, `timer.resume`,
//! `timer.update`, `timer.stop` for the acting person, and `timer.sweep` for
//! the scheduled job. The state machine, the forgotten rule and the seconds a
//! timer logs are the core's (`worklogs_core::timer`); the rows are
//! `index::timers`'s; a timer's time is logged through `worklog.log`'s own
//! code path (permissions, attributes, the index).
//!
//! **Owner only.** Every read and write of a person's timers names the acting
//! user's account id in the key, so another person's timer id answers
//! `not-found`, exactly like an id that does not exist: nothing reveals that
//! it does.
//!
//! **Time comes from the context** (`nowMs`): the component reads no clock.

#[cfg(test)]
mod tests;

use super::Progress;
use futures::future::try_join_all;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::rounding::{describe, RoundingSettings};
use super::worklog::{self, LogInput, Worklog};
use super::NoInput;
use crate::executor::Ctx;
use crate::index::hash_text;
use crate::index::timers::{self as table, TimerRow};
use crate::input::{self, parse_date_time, quote, rfc3339, Input, IssueRef, Started};
use crate::jira::types::MyPermissions;
use crate::jira::{id_string, Call, JiraPath};
use crate::{store, Error, ErrorCode};
use worklogs_core::attributes::Definitions;
use worklogs_core::calendar::{format_jira, Instant, Zone};
use worklogs_core::rounding::RoundingRule;
use worklogs_core::timer::{logged_seconds, State, StopAt, StopReason, Timer};

/// The most timers one person keeps at once.
pub const MAX_TIMERS: usize = 20;
/// The most timers one sweep slice stops.
pub const SWEEP_PAGE: usize = 500;
/// Statements written at once by the sweep.
const SWEEP_BATCH: usize = 50;
/// The longest timer id: 16 hex digits are made.
const MAX_ID: usize = 32;
/// The permission to log work on an issue.
const WORK_ON_ISSUES: &str = "WORK_ON_ISSUES";

fn conflict(message: impl Into<String>) -> Error {
    Error::new(ErrorCode::Conflict, message)
}

/// A timer id as given: 1 to 32 lower-case hex digits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimerId(String);

impl TimerId {
    fn parse(value: &str) -> Result<Self, Error> {
        let valid = !value.is_empty()
            && value.len() <= MAX_ID
            && value
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if valid {
            Ok(Self(value.to_owned()))
        } else {
            Err(Error::invalid_field(
                "id",
                format_args!("{} is not a timer id", quote(value)),
            ))
        }
    }
}

/// What to do with the person's running timer when another one starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Other {
    /// Refuse with `conflict` (the default).
    Refuse,
    /// Pause the running one.
    Pause,
    /// Stop the running one and log its time.
    Stop,
}

fn other(value: Option<&str>) -> Result<Other, Error> {
    match value {
        None | Some("refuse") => Ok(Other::Refuse),
        Some("pause") => Ok(Other::Pause),
        Some("stop") => Ok(Other::Stop),
        Some(v) => Err(Error::invalid_field(
            "other",
            format_args!("{} is not one of refuse, pause, stop", quote(v)),
        )),
    }
}

fn comment(value: Option<String>) -> Result<Option<String>, Error> {
    value.map(|c| input::comment("comment", c)).transpose()
}

/// `timer.start`'s input.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StartRaw {
    issue: String,
    comment: Option<String>,
    attributes: Option<Map<String, Value>>,
    other: Option<String>,
}

/// `timer.start`, validated.
pub struct StartInput {
    issue: IssueRef,
    comment: String,
    attributes: Map<String, Value>,
    other: Other,
}

impl Input for StartInput {
    type Raw = StartRaw;

    fn validate(raw: StartRaw) -> Result<Self, Error> {
        Ok(Self {
            issue: IssueRef::parse("issue", &raw.issue)?,
            comment: comment(raw.comment)?.unwrap_or_default(),
            attributes: raw.attributes.unwrap_or_default(),
            other: other(raw.other.as_deref())?,
        })
    }
}

/// The input of `timer.pause`: `{id}`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdRaw {
    id: String,
}

/// `timer.pause`, validated.
pub struct IdInput {
    id: TimerId,
}

impl Input for IdInput {
    type Raw = IdRaw;

    fn validate(raw: IdRaw) -> Result<Self, Error> {
        Ok(Self {
            id: TimerId::parse(&raw.id)?,
        })
    }
}

/// The input of `timer.resume`: `{id, other?}`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResumeRaw {
    id: String,
    other: Option<String>,
}

/// `timer.resume`, validated.
pub struct ResumeInput {
    id: TimerId,
    other: Other,
}

impl Input for ResumeInput {
    type Raw = ResumeRaw;

    fn validate(raw: ResumeRaw) -> Result<Self, Error> {
        Ok(Self {
            id: TimerId::parse(&raw.id)?,
            other: other(raw.other.as_deref())?,
        })
    }
}

/// The input of `timer.update`: `{id, comment?, attributes?}`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateRaw {
    id: String,
    comment: Option<String>,
    attributes: Option<Map<String, Value>>,
}

/// `timer.update`, validated: at least one change.
pub struct UpdateInput {
    id: TimerId,
    comment: Option<String>,
    attributes: Option<Map<String, Value>>,
}

impl Input for UpdateInput {
    type Raw = UpdateRaw;

    fn validate(raw: UpdateRaw) -> Result<Self, Error> {
        let input = Self {
            id: TimerId::parse(&raw.id)?,
            comment: comment(raw.comment)?,
            attributes: raw.attributes,
        };
        if input.comment.is_none() && input.attributes.is_none() {
            return Err(Error::invalid_input(
                "nothing to change: give field \"comment\" or field \"attributes\"",
            ));
        }
        Ok(input)
    }
}

/// The input of `timer.stop`: `{id?, action}`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StopRaw {
    id: Option<String>,
    action: String,
}

/// `timer.stop`, validated: a timer by id, or (none given) the person's
/// running timer, as an automation rule or an agent asks for it.
pub struct StopInput {
    id: Option<TimerId>,
    log: bool,
}

impl Input for StopInput {
    type Raw = StopRaw;

    fn validate(raw: StopRaw) -> Result<Self, Error> {
        let id = raw.id.as_deref().map(TimerId::parse).transpose()?;
        let log = match raw.action.as_str() {
            "log" => true,
            "discard" => false,
            other => {
                return Err(Error::invalid_field(
                    "action",
                    format_args!("{} is not one of log, discard", quote(other)),
                ))
            }
        };
        Ok(Self { id, log })
    }
}

/// A timer's issue.
#[derive(Serialize, Debug)]
pub struct IssueOut {
    id: String,
    key: String,
}

/// A timer as the operations answer it.
#[derive(Serialize, Debug)]
#[serde(rename_all = "camelCase")]
pub struct TimerOut {
    id: String,
    issue: IssueOut,
    state: &'static str,
    /// The first start: the worklog's start.
    started: String,
    /// Running time as of the context's now, in whole seconds.
    elapsed_seconds: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    running_since: Option<String>,
    /// Running: when the sweep stops it; forgotten: when it was stopped.
    #[serde(skip_serializing_if = "Option::is_none")]
    stop_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    stop_reason: Option<&'static str>,
    comment: String,
    attributes: Map<String, Value>,
    updated: String,
}

/// `timer.list`'s output.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListOut {
    timers: Vec<TimerOut>,
    limit_minutes: u32,
    rounding: RoundingRule,
}

/// The result of stopping a timer.
#[derive(Serialize, Debug)]
#[serde(rename_all = "camelCase")]
pub struct StopOut {
    id: String,
    action: &'static str,
    elapsed_seconds: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    logged_seconds: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    worklog: Option<Worklog>,
}

/// `timer.start`'s and `timer.resume`'s output: the timer, and what happened
/// to the one that was running.
#[derive(Serialize)]
pub struct ChangeOut {
    timer: TimerOut,
    #[serde(skip_serializing_if = "Option::is_none")]
    paused: Option<TimerOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    stopped: Option<StopOut>,
}

/// A stored timer with its state as the core's value.
struct Loaded {
    row: TimerRow,
    timer: Timer,
}

impl Loaded {
    /// Reads a row.
    ///
    /// # Errors
    ///
    /// `internal` when the stored state is not one.
    fn of(row: TimerRow) -> Result<Self, Error> {
        let state = State::parse(&row.state).ok_or_else(|| {
            Error::internal(format!(
                "the stored timer {} has no valid state: {}",
                quote(&row.id),
                quote(&row.state)
            ))
        })?;
        let stop = match (
            row.stop_at,
            row.stop_reason.as_deref().and_then(StopReason::parse),
        ) {
            (Some(at), Some(reason)) => Some(StopAt {
                at: Instant::from_millis(at),
                reason,
            }),
            _ => None,
        };
        let timer = Timer::from_parts(
            state,
            Instant::from_millis(row.first_start),
            row.accumulated_ms,
            row.running_since.map(Instant::from_millis),
            stop,
        );
        Ok(Self { row, timer })
    }

    fn zone(&self) -> Zone {
        Zone::parse(&self.row.zone).unwrap_or(Zone::UTC)
    }

    /// The row holding `timer`, written at `now`.
    fn with(&self, timer: Timer, now: i64) -> TimerRow {
        TimerRow {
            state: timer.state().as_str().to_owned(),
            accumulated_ms: timer.accumulated_ms(),
            running_since: timer.running_since().map(Instant::millis),
            stop_at: timer.stop().map(|s| s.at.millis()),
            stop_reason: timer.stop().map(|s| s.reason.as_str().to_owned()),
            updated: now,
            ..self.row.clone()
        }
    }

    /// The answer's shape, as of `now`.
    fn out(&self, now: Instant) -> TimerOut {
        let zone = self.zone();
        let stop = self.timer.stop();
        TimerOut {
            id: self.row.id.clone(),
            issue: IssueOut {
                id: self.row.issue_id.to_string(),
                key: self.row.issue_key.clone(),
            },
            state: self.timer.state().as_str(),
            started: show(self.timer.first_start(), zone),
            elapsed_seconds: self
                .timer
                .elapsed_seconds(now)
                .map(|s| s.get())
                .unwrap_or(0),
            running_since: self.timer.running_since().map(|t| show(t, zone)),
            stop_at: stop.map(|s| show(s.at, zone)),
            stop_reason: stop.map(|s| s.reason.as_str()),
            comment: self.row.comment.clone(),
            attributes: attributes_of(&self.row.attributes),
            updated: show(Instant::from_millis(self.row.updated), zone),
        }
    }
}

/// A stored JSON object of attribute values (an empty one when unreadable:
/// the values are checked again when the timer is logged).
fn attributes_of(text: &str) -> Map<String, Value> {
    serde_json::from_str(text).unwrap_or_default()
}

/// An instant as RFC 3339 with milliseconds, in its offset in `zone`.
fn show(instant: Instant, zone: Zone) -> String {
    format_jira(instant, zone)
        .ok()
        .and_then(|t| parse_date_time(&t))
        .map(|t| rfc3339(&t))
        .unwrap_or_default()
}

/// The context's instant.
fn now(ctx: &Ctx) -> Instant {
    Instant::from_millis(ctx.context().now_ms)
}

/// The acting person's zone, from the context.
fn person_zone(ctx: &Ctx) -> Result<Zone, Error> {
    let name = &ctx.context().time_zone;
    Zone::parse(name).map_err(|_| {
        Error::invalid_input(format_args!(
            "the context's time zone {} is not an IANA zone",
            quote(name)
        ))
    })
}

/// The acting person's timers (at most [`MAX_TIMERS`] + 1 are read).
async fn my_timers(ctx: &Ctx, me: &str) -> Result<Vec<Loaded>, Error> {
    table::list_timers(ctx, me, MAX_TIMERS.saturating_add(1))
        .await?
        .into_iter()
        .map(Loaded::of)
        .collect()
}

/// The acting person's timer `id`; `not-found` for an id that is not theirs,
/// whether or not someone else has one.
async fn my_timer(ctx: &Ctx, me: &str, id: &TimerId) -> Result<Loaded, Error> {
    match table::read_timer(ctx, me, &id.0).await? {
        Some(row) => Loaded::of(row),
        None => Err(not_found(id)),
    }
}

/// The timer `timer.stop` names: `id`, or without one the person's running
/// timer (`not-found` when none runs).
async fn stopped_timer(ctx: &Ctx, me: &str, id: Option<&TimerId>) -> Result<Loaded, Error> {
    if let Some(id) = id {
        return my_timer(ctx, me, id).await;
    }
    my_timers(ctx, me)
        .await?
        .into_iter()
        .find(|t| t.timer.state() == State::Running)
        .ok_or_else(|| {
            Error::not_found(
                "you have no running timer: give field \"id\" to stop a paused or forgotten one",
            )
        })
}

fn not_found(id: &TimerId) -> Error {
    Error::not_found(format!("you have no timer {}", quote(&id.0)))
}

/// Applies the forgotten rule at `now` and stores a timer it stopped.
async fn settle(ctx: &Ctx, loaded: Loaded, at: Instant) -> Result<Loaded, Error> {
    let settled = loaded.timer.settle(at);
    if settled == loaded.timer {
        return Ok(loaded);
    }
    let row = loaded.with(settled, at.millis());
    table::write_timer(ctx, &row).await?;
    Ok(Loaded {
        row,
        timer: settled,
    })
}

fn why(reason: StopReason, limit_minutes: u32) -> String {
    match reason {
        StopReason::Limit => format!("the site's limit of {limit_minutes} minutes"),
        StopReason::Midnight => "midnight".to_owned(),
    }
}

/// `conflict` for a forgotten timer that was asked to run or be logged at once.
fn forgotten(loaded: &Loaded, settings: &RoundingSettings, at: Instant) -> Error {
    let stop = loaded.timer.stop();
    conflict(format!(
        "timer {} on {} ran past {} and was stopped at {} with {} seconds: check its time, then stop it with action \"log\" or \"discard\"",
        quote(&loaded.row.id),
        loaded.row.issue_key,
        stop.map_or_else(|| "its limit".to_owned(), |s| why(s.reason, settings.timer_limit_minutes)),
        stop.map_or_else(String::new, |s| show(s.at, loaded.zone())),
        loaded.timer.elapsed_seconds(at).map(|s| s.get()).unwrap_or(0),
    ))
}

/// The issue the person starts a timer on, as `(id, key)`, once Jira says
/// they may log work on it: the issue (`GET issue/{issue}`, which answers 404
/// for an issue they may not see) and their `WORK_ON_ISSUES` on it
/// (`mypermissions`), in one batch, as the user.
async fn loggable_issue(ctx: &Ctx, issue: &IssueRef) -> Result<(i64, String), Error> {
    #[derive(Deserialize)]
    struct Found {
        #[serde(deserialize_with = "id_string")]
        id: String,
        key: String,
    }
    let get = Call::get(JiraPath::api(&["issue", issue.as_str()]).query("fields", "summary"));
    let param = if issue.is_id() { "issueId" } else { "issueKey" };
    let permissions = Call::get(
        JiraPath::api(&["mypermissions"])
            .query(param, issue.as_str())
            .query("permissions", WORK_ON_ISSUES),
    );
    let (found, held) = futures::join!(
        get.json::<Found>(ctx),
        permissions.json::<MyPermissions>(ctx)
    );
    let found = found?;
    if !held?.has(WORK_ON_ISSUES) {
        return Err(Error::forbidden(format!(
            "you may not log work on {} (jira permission {WORK_ON_ISSUES})",
            found.key
        )));
    }
    let id = found.id.parse::<i64>().map_err(|_| {
        Error::upstream(format!(
            "jira answered an issue id that is not a number: {}",
            quote(&found.id)
        ))
    })?;
    Ok((id, found.key))
}

/// Checks attribute values as `worklog.log` does, except that required ones
/// may still be missing (they are required when the timer is logged).
async fn check_attributes(ctx: &Ctx, values: &Map<String, Value>) -> Result<(), Error> {
    if values.is_empty() {
        return Ok(());
    }
    let definitions = store::load::<Definitions>(ctx).await?;
    let optional: Vec<_> = definitions
        .as_slice()
        .iter()
        .cloned()
        .map(|mut d| {
            d.required = false;
            d
        })
        .collect();
    let optional = Definitions::new(optional)
        .map_err(|e| Error::internal(format!("the stored attribute definitions: {e}")))?;
    optional.check(values).map_err(|e| {
        let field = e.field().unwrap_or("attributes").to_owned();
        let message = e.message();
        let message = message
            .strip_prefix(&format!("{field}: "))
            .unwrap_or(message);
        Error::invalid_field(&field, message)
    })
}

/// Stops `loaded` (already settled) and logs its time through `worklog.log`'s
/// code path, then removes it.
///
/// # Errors
///
/// `conflict` when its time rounds to 0 seconds (the timer is kept);
/// `worklog.log`'s errors (the timer is kept); the database's.
async fn log_and_remove(
    ctx: &Ctx,
    me: &str,
    loaded: &Loaded,
    settings: &RoundingSettings,
    at: Instant,
) -> Result<StopOut, Error> {
    let elapsed = loaded
        .timer
        .elapsed_seconds(at)
        .map_err(|e| Error::internal(e.to_string()))?;
    let logged = logged_seconds(elapsed, &settings.rule)
        .map_err(|e| Error::internal(e.to_string()))?
        .get();
    if logged == 0 {
        return Err(conflict(format!(
            "timer {} on {} has {} seconds, which round to 0 under the site's rule ({}), and jira refuses a worklog of no time: resume it, or stop it with action \"discard\"",
            quote(&loaded.row.id),
            loaded.row.issue_key,
            elapsed.get(),
            describe(&settings.rule)
        )));
    }
    let seconds = i64::try_from(logged).map_err(|_| Error::internal("the logged time"))?;
    let started = format_jira(loaded.timer.first_start(), loaded.zone())
        .map_err(|e| Error::internal(e.to_string()))?;
    let input = LogInput::for_timer(
        IssueRef::parse("issue", &loaded.row.issue_id.to_string())?,
        Started::parse("started", &started)?,
        seconds,
        loaded.row.comment.clone(),
        attributes_of(&loaded.row.attributes),
    );
    let written = worklog::log(ctx, input).await?;
    table::delete_timer(ctx, me, &loaded.row.id)
        .await
        .map_err(|e| {
            Error::upstream(format!(
                "worklog {} was logged, but timer {} could not be removed ({}): stop it with action \"discard\"",
                written.id(),
                quote(&loaded.row.id),
                e.message()
            ))
        })?;
    Ok(StopOut {
        id: loaded.row.id.clone(),
        action: "log",
        elapsed_seconds: elapsed.get(),
        logged_seconds: Some(logged),
        worklog: Some(written),
    })
}

/// Settles the person's timers but `except`, and makes way for another to
/// run: the one running is paused or stopped as `other` says, or the start is
/// refused.
async fn make_way(
    ctx: &Ctx,
    me: &str,
    timers: Vec<Loaded>,
    except: Option<&str>,
    other: Other,
    settings: &RoundingSettings,
    at: Instant,
) -> Result<(Option<TimerOut>, Option<StopOut>), Error> {
    let others = timers
        .into_iter()
        .filter(|t| Some(t.row.id.as_str()) != except);
    let settled = try_join_all(others.map(|t| settle(ctx, t, at))).await?;
    let Some(running) = settled
        .into_iter()
        .find(|t| t.timer.state() == State::Running)
    else {
        return Ok((None, None));
    };
    match other {
        Other::Refuse => Err(conflict(format!(
            "your timer {} on {} is running: give \"other\": \"pause\" or \"stop\" to pause it or stop and log it first",
            quote(&running.row.id),
            running.row.issue_key
        ))),
        Other::Pause => {
            let paused = running
                .timer
                .pause(at)
                .map_err(|e| Error::internal(e.to_string()))?;
            let row = running.with(paused, at.millis());
            table::write_timer(ctx, &row).await?;
            let loaded = Loaded { row, timer: paused };
            Ok((Some(loaded.out(at)), None))
        }
        Other::Stop => Ok((
            None,
            Some(log_and_remove(ctx, me, &running, settings, at).await?),
        )),
    }
}

/// A new timer id for `me`, not among `taken`.
fn new_id(me: &str, at: Instant, issue: &str, taken: &[Loaded]) -> String {
    let mut attempt: u32 = 0;
    loop {
        let id = format!(
            "{:016x}",
            hash_text(0x54, &format!("{me}\n{}\n{issue}\n{attempt}", at.millis()))
        );
        if attempt >= 1000 || !taken.iter().any(|t| t.row.id == id) {
            return id;
        }
        attempt = attempt.saturating_add(1);
    }
}

/// The acting person's timers with their running time as of the context's
/// now (the forgotten rule applied, nothing written), in the order they were
/// started; the site's limit and rule.
///
/// # Errors
///
/// `forbidden` without an acting user; the database's errors.
pub async fn list(ctx: &Ctx, _: NoInput) -> Result<ListOut, Error> {
    let me = ctx.acting_user()?;
    let at = now(ctx);
    let (timers, settings) =
        futures::join!(my_timers(ctx, me), store::load::<RoundingSettings>(ctx));
    let (timers, settings) = (timers?, settings?);
    let mut timers: Vec<Loaded> = timers
        .into_iter()
        .take(MAX_TIMERS)
        .map(|t| Loaded {
            timer: t.timer.settle(at),
            row: t.row,
        })
        .collect();
    timers.sort_by(|a, b| {
        a.row
            .first_start
            .cmp(&b.row.first_start)
            .then_with(|| a.row.id.cmp(&b.row.id))
    });
    Ok(ListOut {
        timers: timers.iter().map(|t| t.out(at)).collect(),
        limit_minutes: settings.timer_limit_minutes,
        rounding: settings.rule,
    })
}

/// Starts a timer on an issue the person may log work on.
///
/// # Errors
///
/// `not-found` for an issue they may not see; `forbidden` without
/// `WORK_ON_ISSUES`; `invalid-input` for attribute values that do not fit the
/// definitions; `limit` at [`MAX_TIMERS`]; `conflict` while another timer runs
/// and `other` is `refuse`; as `timer.stop` when `other` is `stop`.
pub async fn start(ctx: &Ctx, input: StartInput) -> Result<ChangeOut, Error> {
    let me = ctx.acting_user()?;
    let at = now(ctx);
    let zone = person_zone(ctx)?;
    let (issue, timers, settings, attributes) = futures::join!(
        loggable_issue(ctx, &input.issue),
        my_timers(ctx, me),
        store::load::<RoundingSettings>(ctx),
        check_attributes(ctx, &input.attributes)
    );
    let (issue_id, issue_key) = issue?;
    attributes?;
    let (timers, settings) = (timers?, settings?);
    if timers.len() >= MAX_TIMERS {
        return Err(Error::limit(format!(
            "you have {} timers, the most one person may keep ({MAX_TIMERS}): stop one first",
            timers.len()
        )));
    }
    let id = new_id(me, at, input.issue.as_str(), &timers);
    let timer = Timer::start(at, zone, settings.limit_seconds())
        .map_err(|e| Error::invalid_input(e.message()))?;
    let (paused, stopped) = make_way(ctx, me, timers, None, input.other, &settings, at).await?;
    let attributes = Value::Object(input.attributes).to_string();
    let loaded = Loaded {
        row: TimerRow {
            account: me.to_owned(),
            id,
            issue_id,
            issue_key,
            state: String::new(),
            first_start: at.millis(),
            accumulated_ms: 0,
            running_since: None,
            stop_at: None,
            stop_reason: None,
            zone: zone.name().to_owned(),
            comment: input.comment,
            attributes,
            updated: at.millis(),
        },
        timer,
    };
    let row = loaded.with(timer, at.millis());
    table::write_timer(ctx, &row).await?;
    Ok(ChangeOut {
        timer: Loaded { row, timer }.out(at),
        paused,
        stopped,
    })
}

/// Pauses one of the person's timers. A paused or forgotten timer is answered
/// as it is; a running one past its stop instant becomes forgotten.
///
/// # Errors
///
/// `not-found` for an id that is not one of theirs; the database's errors.
pub async fn pause(ctx: &Ctx, input: IdInput) -> Result<TimerOut, Error> {
    let me = ctx.acting_user()?;
    let at = now(ctx);
    let loaded = settle(ctx, my_timer(ctx, me, &input.id).await?, at).await?;
    if loaded.timer.state() != State::Running {
        return Ok(loaded.out(at));
    }
    let paused = loaded
        .timer
        .pause(at)
        .map_err(|e| Error::internal(e.to_string()))?;
    let row = loaded.with(paused, at.millis());
    table::write_timer(ctx, &row).await?;
    Ok(Loaded { row, timer: paused }.out(at))
}

/// Resumes one of the person's paused timers; a running one is answered as it
/// is.
///
/// # Errors
///
/// `not-found` for an id that is not one of theirs; `conflict` for a
/// forgotten timer (log or discard it), or while another runs and `other` is
/// `refuse`; as `timer.stop` when `other` is `stop`.
pub async fn resume(ctx: &Ctx, input: ResumeInput) -> Result<ChangeOut, Error> {
    let me = ctx.acting_user()?;
    let at = now(ctx);
    let zone = person_zone(ctx)?;
    let (timers, settings) =
        futures::join!(my_timers(ctx, me), store::load::<RoundingSettings>(ctx));
    let (timers, settings) = (timers?, settings?);
    let Some(target) = timers.iter().position(|t| t.row.id == input.id.0) else {
        return Err(not_found(&input.id));
    };
    let mut timers = timers;
    let target = settle(ctx, timers.swap_remove(target), at).await?;
    match target.timer.state() {
        State::Running => {
            return Ok(ChangeOut {
                timer: target.out(at),
                paused: None,
                stopped: None,
            })
        }
        State::Forgotten => return Err(forgotten(&target, &settings, at)),
        State::Paused => {}
    }
    let (paused, stopped) = make_way(
        ctx,
        me,
        timers,
        Some(&input.id.0),
        input.other,
        &settings,
        at,
    )
    .await?;
    let resumed = target
        .timer
        .resume(at, zone, settings.limit_seconds())
        .map_err(|e| Error::invalid_input(e.message()))?;
    let row = TimerRow {
        zone: zone.name().to_owned(),
        ..target.with(resumed, at.millis())
    };
    table::write_timer(ctx, &row).await?;
    Ok(ChangeOut {
        timer: Loaded {
            row,
            timer: resumed,
        }
        .out(at),
        paused,
        stopped,
    })
}

/// Changes a timer's comment or attributes (which replace the whole set), in
/// any state.
///
/// # Errors
///
/// `not-found` for an id that is not one of theirs; `invalid-input` for
/// attribute values that do not fit the definitions.
pub async fn update(ctx: &Ctx, input: UpdateInput) -> Result<TimerOut, Error> {
    let me = ctx.acting_user()?;
    let at = now(ctx);
    let empty = Map::new();
    let (loaded, checked) = futures::join!(
        my_timer(ctx, me, &input.id),
        check_attributes(ctx, input.attributes.as_ref().unwrap_or(&empty))
    );
    let loaded = loaded?;
    checked?;
    let loaded = settle(ctx, loaded, at).await?;
    let row = TimerRow {
        comment: input.comment.unwrap_or_else(|| loaded.row.comment.clone()),
        attributes: input.attributes.map_or_else(
            || loaded.row.attributes.clone(),
            |a| Value::Object(a).to_string(),
        ),
        updated: at.millis(),
        ..loaded.row.clone()
    };
    table::write_timer(ctx, &row).await?;
    Ok(Loaded {
        row,
        timer: loaded.timer,
    }
    .out(at))
}

/// Stops one of the person's timers: `log` logs its time (the first start,
/// the running time after the site's rule) through `worklog.log`'s code path
/// and removes it; `discard` removes it.
///
/// # Errors
///
/// `not-found` for an id that is not one of theirs; `conflict` when `log`
/// finds a running timer past its stop instant (it is stored as forgotten, to
/// be confirmed) or a time that rounds to 0 seconds; `worklog.log`'s errors.
pub async fn stop(ctx: &Ctx, input: StopInput) -> Result<StopOut, Error> {
    let me = ctx.acting_user()?;
    let at = now(ctx);
    let (loaded, settings) = futures::join!(
        stopped_timer(ctx, me, input.id.as_ref()),
        store::load::<RoundingSettings>(ctx)
    );
    let (loaded, settings) = (loaded?, settings?);
    let was = loaded.timer.state();
    let loaded = settle(ctx, loaded, at).await?;
    if !input.log {
        table::delete_timer(ctx, me, &loaded.row.id).await?;
        return Ok(StopOut {
            id: loaded.row.id.clone(),
            action: "discard",
            elapsed_seconds: loaded
                .timer
                .elapsed_seconds(at)
                .map(|s| s.get())
                .unwrap_or(0),
            logged_seconds: None,
            worklog: None,
        });
    }
    if was == State::Running && loaded.timer.state() == State::Forgotten {
        // Never logged without the person seeing the time it was cut to.
        return Err(forgotten(&loaded, &settings, at));
    }
    log_and_remove(ctx, me, &loaded, &settings, at).await
}

/// `timer.sweep`'s output, in the slice shape.
#[derive(Serialize)]
pub struct SweepOut {
    more: bool,
    progress: Progress,
    slice: SweepSlice,
}

/// What one sweep slice did.
#[derive(Serialize)]
pub struct SweepSlice {
    stopped: u64,
}

/// Stops every running timer of the installation whose stop instant has come
/// (past the site's limit, or at local midnight) at that instant, and marks it
/// forgotten with the reason; never logs one. At most [`SWEEP_PAGE`] a slice,
/// earliest first; `more` while there are others.
///
/// # Errors
///
/// The database's errors.
pub async fn sweep(ctx: &Ctx, _: NoInput) -> Result<SweepOut, Error> {
    let at = now(ctx);
    let due = table::due_timers(ctx, at.millis(), SWEEP_PAGE.saturating_add(1)).await?;
    let more = due.len() > SWEEP_PAGE;
    let mut rows = Vec::new();
    for row in due.into_iter().take(SWEEP_PAGE) {
        let loaded = Loaded::of(row)?;
        let settled = loaded.timer.settle(at);
        // A row the rule does not stop (its stop lost) is paused, so the
        // sweep always moves on.
        let settled = if settled.state() == State::Running {
            settled
                .pause(at)
                .map_err(|e| Error::internal(e.to_string()))?
        } else {
            settled
        };
        rows.push(loaded.with(settled, at.millis()));
    }
    for chunk in rows.chunks(SWEEP_BATCH) {
        try_join_all(chunk.iter().map(|row| table::write_timer(ctx, row))).await?;
    }
    let stopped = u64::try_from(rows.len()).unwrap_or(u64::MAX);
    Ok(SweepOut {
        more,
        progress: Progress {
            done: stopped,
            total: stopped.saturating_add(u64::from(more)),
            label: format!("{stopped} forgotten timers stopped"),
        },
        slice: SweepSlice { stopped },
    })
}
