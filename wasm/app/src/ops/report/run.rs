//! `report.run`: a report over the index, for what the viewer may see: as
//! nested groups with a chart (for the UI), or with `format` as a file of one
//! row per group rendered by the core's exporters (for the command line and
//! downloads), so that no caller re-shapes the groups or repeats the core's
//! rules for columns, the time axis or hours.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use worklogs_core::calendar::{local_date, Instant, Zone};
use worklogs_core::duration::TimeTrackingSettings;
use worklogs_core::export::chunk::DEFAULT_BUDGET;
use worklogs_core::export::csv::CsvOptions;
use worklogs_core::export::{ExportFormat, ExportOptions};
use worklogs_core::money::{Money, RateTable};
use worklogs_core::report::{
    offset_spans, time_key, BuilderState, DateRead, Dimension, GroupRow, KeyValue, Measure,
    OffsetSpan, Reads, ReportBuilder, ReportQuery, ReportResult, Resolution, TimeAxis, Values,
};

use super::export::{format_of, Base64};
use super::query::{core_error, resolve, scope, QueryJson};
use super::resume::{self, Carried, Position};
#[cfg(test)]
use super::rows::PAGE_ROWS;
use super::rows::{Counted, Order, Range, Reader};
use crate::access::Viewer;
use crate::executor::Ctx;
use crate::index::refused_for_cost;
use crate::index::report::GroupColumns;
use crate::ops::{rate, Progress};
use crate::{index, input, store, Error};

/// What the chart shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Chart {
    /// Every day of the period, zero-filled.
    Day,
    /// Every week that holds a day of the period (starting on the query's
    /// week start), zero-filled.
    Week,
    /// Every month that holds a day of the period, zero-filled.
    Month,
    /// Every person with time, in order.
    Person,
}

impl Chart {
    /// The time axis of a chart over the period; none for people.
    fn axis(self) -> Option<TimeAxis> {
        match self {
            Chart::Day => Some(TimeAxis::Day),
            Chart::Week => Some(TimeAxis::Week),
            Chart::Month => Some(TimeAxis::Month),
            Chart::Person => None,
        }
    }
}

/// `report.run`'s input, raw.
#[derive(Deserialize)]
pub struct RunRaw {
    #[serde(flatten)]
    query: serde_json::Map<String, Json>,
}

/// `report.run`'s input: the query, and the chart or the file to render.
pub struct RunInput {
    query: QueryJson,
    chart: Chart,
    /// With `format`: the file to render instead of the nested groups.
    file: Option<ExportOptions>,
    /// The continuation of an earlier answer, as given.
    continuation: Option<String>,
    /// Grouped reads this call makes at most.
    reads_per_call: usize,
    /// The input without `continuation` and `readsPerCall`: what a
    /// continuation is bound to.
    definition: serde_json::Map<String, Json>,
}

/// `continuation` and `readsPerCall` taken out of the input.
fn resumption_of(
    map: &mut serde_json::Map<String, Json>,
) -> Result<(Option<String>, usize), Error> {
    let continuation = match map.remove("continuation") {
        None | Some(Json::Null) => None,
        Some(Json::String(text)) => Some(text),
        Some(other) => {
            return Err(Error::invalid_field(
                "continuation",
                format_args!("{other}: expected the text of an earlier answer's continuation"),
            ))
        }
    };
    let reads = match map.remove("readsPerCall") {
        None | Some(Json::Null) => READS_PER_CALL,
        Some(value) => value
            .as_u64()
            .and_then(|n| usize::try_from(n).ok())
            .filter(|n| (1..=READS_PER_CALL).contains(n))
            .ok_or_else(|| {
                Error::invalid_field(
                    "readsPerCall",
                    format_args!("{value}: expected a whole number from 1 to {READS_PER_CALL}"),
                )
            })?,
    };
    Ok((continuation, reads))
}

/// The formats a report renders to.
const FILE_FORMATS: [ExportFormat; 4] = [
    ExportFormat::Csv,
    ExportFormat::Xlsx,
    ExportFormat::Json,
    ExportFormat::Ndjson,
];

/// `format` and `options` taken out of the input, as the file's options.
fn file_of(map: &mut serde_json::Map<String, Json>) -> Result<Option<ExportOptions>, Error> {
    let format = match map.remove("format") {
        None | Some(Json::Null) => None,
        Some(Json::String(text)) => Some(format_of(&text, &FILE_FORMATS)?),
        Some(other) => {
            return Err(Error::invalid_field(
                "format",
                format_args!("{other}: expected csv, xlsx, json or ndjson"),
            ))
        }
    };
    let csv = match map.remove("options") {
        None | Some(Json::Null) => None,
        Some(options) => Some(
            serde_json::from_value::<CsvOptions>(options)
                .map_err(|e| Error::invalid_field("options", format_args!("{e}")))?,
        ),
    };
    match (format, csv) {
        (None, None) => Ok(None),
        (None, Some(_)) => Err(Error::invalid_field(
            "options",
            "the file's options need a format",
        )),
        (Some(format), csv) => {
            let mut options = ExportOptions::new(format);
            if let Some(csv) = csv {
                options.csv = csv;
            }
            Ok(Some(options))
        }
    }
}

impl input::Input for RunInput {
    type Raw = RunRaw;

    fn validate(raw: RunRaw) -> Result<Self, Error> {
        let mut map = raw.query;
        let (continuation, reads_per_call) = resumption_of(&mut map)?;
        let definition = map.clone();
        let chart = match map.remove("chart") {
            None | Some(Json::Null) => Chart::Day,
            Some(Json::String(s)) if s == "day" => Chart::Day,
            Some(Json::String(s)) if s == "week" => Chart::Week,
            Some(Json::String(s)) if s == "month" => Chart::Month,
            Some(Json::String(s)) if s == "person" => Chart::Person,
            Some(other) => {
                return Err(Error::invalid_field(
                    "chart",
                    format_args!("{other}: expected \"day\", \"week\", \"month\" or \"person\""),
                ))
            }
        };
        let file = file_of(&mut map)?;
        Ok(Self {
            query: QueryJson::check("", Json::Object(map))?,
            chart,
            file,
            continuation,
            reads_per_call,
            definition,
        })
    }
}

/// One group of the output, nested.
#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Group {
    /// Stable key: account id, project key, issue key, date ("" for none).
    pub key: String,
    /// What to show.
    pub label: String,
    /// Seconds.
    pub seconds: u64,
    /// Hours, exact decimal.
    pub hours: String,
    /// Worklogs counted.
    pub worklogs: u64,
    /// Billable seconds, when measured.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub billable_seconds: Option<u64>,
    /// Cost per currency, when measured.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost: Option<Vec<Money>>,
    /// Seconds without a rate in effect, when cost is measured.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unpriced_seconds: Option<u64>,
    /// The next level's groups.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<Group>,
}

/// One point of the chart.
#[derive(Serialize, Debug, Clone, PartialEq, Eq)]
pub struct Point {
    /// Date or account id.
    pub key: String,
    /// What to show.
    pub label: String,
    /// Seconds.
    pub seconds: u64,
}

/// `report.run`'s output.
#[derive(Serialize, Debug)]
#[serde(rename_all = "camelCase")]
pub struct RunOutput {
    /// The period's first date.
    pub from: String,
    /// The period's last date.
    pub to: String,
    /// The report's zone.
    pub time_zone: String,
    /// The levels, then the time axis.
    pub group_by: Vec<String>,
    /// Every worklog once.
    pub total_seconds: u64,
    /// Hours of the total.
    pub hours: String,
    /// Worklogs counted.
    pub worklogs: u64,
    /// Billable seconds, when measured.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub billable_seconds: Option<u64>,
    /// Cost, when measured.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost: Option<Vec<Money>>,
    /// Seconds without a rate in effect, when cost is measured.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unpriced_seconds: Option<u64>,
    /// The groups.
    pub groups: Vec<Group>,
    /// The chart.
    pub chart: Vec<Point>,
    /// Whether the report is not finished: the groups, totals and chart are
    /// those of the part read so far; call again with `continuation`.
    pub more: bool,
    /// How much of the period is read, in days.
    pub progress: Progress,
    /// Where the next call goes on; absent on the finished report.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub continuation: Option<String>,
    /// Whether the index holds every worklog (a full import has finished
    /// and none is running).
    pub index_complete: bool,
    /// What the index lacks, when it is not complete.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index_missing: Option<String>,
}

/// `report.run`'s output with `format`: the report as a file, one row per
/// group (the core's [`ReportResult::render`]).
#[derive(Serialize, Debug)]
#[serde(rename_all = "camelCase")]
pub struct ReportFile {
    /// The file's name.
    pub file_name: String,
    /// Its media type.
    pub media_type: String,
    /// The whole file, base64 (as `export.run`'s last piece).
    pub piece: Base64,
    /// Rows of groups written.
    pub rows: u64,
    /// Worklogs counted.
    pub worklogs: u64,
    /// Always false: the file comes with the finished report.
    pub more: bool,
    /// How much of the period is read, in days (all of it).
    pub progress: Progress,
    /// As in [`RunOutput`].
    pub index_complete: bool,
    /// As in [`RunOutput`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index_missing: Option<String>,
}

/// `report.run`'s answer with `format` before the report is finished: no
/// file yet, where to go on.
#[derive(Serialize, Debug)]
#[serde(rename_all = "camelCase")]
pub struct ReportPending {
    /// Always true.
    pub more: bool,
    /// How much of the period is read, in days.
    pub progress: Progress,
    /// Where the next call goes on.
    pub continuation: String,
    /// Worklogs counted so far.
    pub worklogs: u64,
    /// As in [`RunOutput`].
    pub index_complete: bool,
    /// As in [`RunOutput`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index_missing: Option<String>,
}

/// `report.run`'s answer: the nested groups, or the file.
#[derive(Serialize, Debug)]
#[serde(untagged)]
pub enum RunAnswer {
    /// Without `format`.
    Groups(RunOutput),
    /// With `format`.
    File(ReportFile),
    /// With `format`, not finished.
    Pending(ReportPending),
}

/// What a report builds besides its groups: the chart's builder, or the
/// options of the file it answers instead.
enum Shape {
    Groups(Box<ReportBuilder>),
    File(ExportOptions),
}

/// The file of `result` in `options`, with the measures the query asked for
/// (the `count` every nested answer carries is a column only when asked).
///
/// # Errors
///
/// The core's; `limit` when the file is larger than one answer holds.
fn render(
    mut result: ReportResult,
    options: &ExportOptions,
    count_asked: bool,
    dates: (String, String),
    progress: Progress,
    index_missing: Option<String>,
) -> Result<ReportFile, Error> {
    if !count_asked {
        let count = Measure::Count.to_string();
        result.measures.retain(|m| *m != count);
    }
    let bytes = result.render(options).map_err(|e| core_error("", &e))?;
    if bytes.len() > DEFAULT_BUDGET {
        return Err(Error::limit(format!(
            "the report's file is {} bytes, more than one answer holds ({DEFAULT_BUDGET}): \
             group it less finely, or export the worklogs with export.run",
            bytes.len()
        )));
    }
    let format = options.format;
    Ok(ReportFile {
        file_name: format!("report-{}-{}.{}", dates.0, dates.1, format.extension()),
        media_type: format.media_type().to_owned(),
        piece: Base64::encode(&bytes)?,
        rows: result.rows.len() as u64,
        worklogs: result.worklogs,
        more: false,
        progress,
        index_complete: index_missing.is_none(),
        index_missing,
    })
}

fn label_of(dimension: &str, key: &KeyValue) -> (String, String) {
    let Some(id) = key.id.clone() else {
        return (String::new(), "(none)".to_owned());
    };
    let label = key.label.clone().filter(|l| !l.is_empty());
    let shown = match (dimension, label) {
        ("issue" | "parent", Some(summary)) => format!("{id} {summary}"),
        (_, Some(label)) => label,
        (_, None) => id.clone(),
    };
    (id, shown)
}

fn group_of(dimension: &str, key: &KeyValue, values: &Values) -> Group {
    let (key, label) = label_of(dimension, key);
    Group {
        key,
        label,
        seconds: values.seconds,
        hours: values.hours.to_string(),
        worklogs: values.count.unwrap_or(0),
        billable_seconds: values.billable_seconds,
        cost: values.cost.clone(),
        unpriced_seconds: values.unpriced_seconds,
        groups: Vec::new(),
    }
}

/// The result's rows as a tree: each level's groups, in the engine's order,
/// with subtotals as the inner nodes' sums.
pub fn tree(result: &ReportResult) -> Vec<Group> {
    let subtotals: BTreeMap<Vec<Option<String>>, &GroupRow> = result
        .subtotals
        .iter()
        .map(|row| (row.keys.iter().map(|k| k.id.clone()).collect(), row))
        .collect();
    let mut top: Vec<Group> = Vec::new();
    for row in &result.rows {
        let mut level = &mut top;
        let depth = row.keys.len();
        for (i, key) in row.keys.iter().enumerate() {
            let dimension = result.dimensions.get(i).map_or("", String::as_str);
            let wanted = key.id.clone().unwrap_or_default();
            let position = match level.iter().position(|g| g.key == wanted) {
                Some(p) => p,
                None => {
                    let values = if i + 1 == depth {
                        &row.values
                    } else {
                        let prefix: Vec<Option<String>> =
                            row.keys.iter().take(i + 1).map(|k| k.id.clone()).collect();
                        subtotals.get(&prefix).map_or(&row.values, |r| &r.values)
                    };
                    level.push(group_of(dimension, key, values));
                    level.len() - 1
                }
            };
            let Some(node) = level.get_mut(position) else {
                break;
            };
            level = &mut node.groups;
        }
    }
    top
}

/// The site's rates when the report measures `cost` (one SQL read), else none.
///
/// # Errors
///
/// `invalid-input` naming `measures` when no rate is saved; the database's
/// errors; `internal` when the stored rates are not valid.
async fn rates_for(ctx: &Ctx, costed: bool) -> Result<Option<RateTable>, Error> {
    if !costed {
        return Ok(None);
    }
    crate::access::require_cost_viewer(ctx).await?;
    let rates = store::load::<rate::Rates>(ctx).await?;
    if rates.is_empty() {
        return Err(Error::invalid_field(
            "measures",
            "\"cost\" needs the site's hourly rates, and none are saved: \
             a jira administrator must save them with rate.save",
        ));
    }
    Ok(Some(rates.into_table()))
}

/// Groups one grouped read answers at most: about 150 bytes each in the
/// protocol, so 3 MiB, under Forge SQL's 4 MiB response.
pub const GROUPS_PER_READ: usize = 20_000;

/// The range the first grouped read covers (a day); the next ones are sized
/// by what the reads so far found a millisecond ([`next_width`]), and a range
/// holding more than [`GROUPS_PER_READ`] groups is read again in halves.
const FIRST_READ_MS: i64 = 86_400_000;

/// Worklogs one grouped read aims at: SQLite groups them in some 0.3 s, far
/// inside Forge SQL's 5 s per SELECT. A read the database refuses (`limit`:
/// past 5 s, 16 MiB or 4 MiB) halves the aim from then on ([`Position::aim`]).
pub const WORKLOGS_PER_READ: u64 = 100_000;

/// The aim of a report's first read (the serde default of [`Position::aim`]).
pub(super) fn default_aim() -> u64 {
    WORKLOGS_PER_READ
}

/// The fewest worklogs a read aims at after refusals: below that, halving
/// cannot be what the database minds.
const MIN_AIM: u64 = 1_000;

/// Refused reads one call reads again in halves before it gives up (with the
/// database's `limit`): a refusal that halving does not cure (the per-minute
/// query time of an installation) ends the report after a few quick tries.
const SPLITS_PER_CALL: usize = 4;

/// The aim a continuation carries, within [`MIN_AIM`] and
/// [`WORKLOGS_PER_READ`]: its hash guards against damage, not against its
/// caller, and an aim past the default would make reads that cost the whole
/// installation's query time (0 would crawl a millisecond a read).
pub(super) fn carried_aim(aim: u64) -> u64 {
    aim.clamp(MIN_AIM, WORKLOGS_PER_READ)
}

/// The next read's range after one of `width` ms found `counted`: aiming at
/// half of [`GROUPS_PER_READ`] groups and at most `aim` worklogs, growing at
/// most 8 times, at least 1 ms.
fn next_width(width: i64, counted: Counted, aim: u64) -> i64 {
    let width = i128::from(width);
    let by_groups = i128::try_from(GROUPS_PER_READ / 2)
        .unwrap_or(1)
        .saturating_mul(width)
        / i128::try_from(counted.groups.max(1)).unwrap_or(1);
    let by_worklogs = i128::from(aim).saturating_mul(width) / i128::from(counted.worklogs.max(1));
    let wanted = by_groups.min(by_worklogs).min(width.saturating_mul(8));
    i64::try_from(wanted).unwrap_or(i64::MAX).max(1)
}

#[cfg(test)]
thread_local! {
    /// Tests only: read worklog by worklog (the reference path the grouped
    /// reads are compared with).
    pub(crate) static ROWS_PATH: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Feeds the report (and its chart) worklog by worklog, in keyset pages: the
/// path exports take, kept in tests as the reference for [`read_groups`].
#[cfg(test)]
async fn read_rows(
    ctx: &Ctx,
    reader: &mut Reader,
    viewer: &mut Viewer,
    instants: &worklogs_core::calendar::InstantRange,
    builder: &mut ReportBuilder,
    shape: &mut Shape,
) -> Result<(), Error> {
    let range = Range {
        from: instants.start.millis(),
        until: instants.end.millis(),
    };
    let mut after = None;
    loop {
        let (rows, last, more) = reader.page(ctx, viewer, &range, after, PAGE_ROWS).await?;
        for row in &rows {
            builder.push(&row.flat).map_err(|e| core_error("", &e))?;
            if let Shape::Groups(chart) = shape {
                chart.push(&row.flat).map_err(|e| core_error("", &e))?;
            }
        }
        if !more {
            return Ok(());
        }
        after = last;
    }
}

/// Grouped reads one call makes at most, so that it ends well within Forge's
/// 25 s per invocation: each aims at [`WORKLOGS_PER_READ`] worklogs (some
/// 0.3 s on SQLite, a few seconds at most on Forge SQL). A report that needs
/// more answers what it read so far with a continuation.
pub const READS_PER_CALL: usize = 8;

/// Feeds the report (and its chart) with groups SQL forms, from `at` on, at
/// most `budget` reads: per span of one offset in the report's zone, ranges
/// sized by [`next_width`], each read grouped by what the checks and the query
/// read (`reads`) and the local day; a range with too many groups is split in
/// halves, and so is a range the database refuses as too slow or too big
/// (`limit`: the next call retries it when this one has read already, so a
/// 5 s time-out costs no more than one call's budget). Each group is checked
/// for the viewer as a worklog is, then counted with its worklogs
/// ([`ReportBuilder::push_group`]): the result is the worklog-by-worklog one.
/// Answers whether every span is read; `at` is where the next call goes on.
///
/// # Errors
///
/// The database's, Jira's and the core's errors; `limit` for a millisecond
/// with more than [`GROUPS_PER_READ`] groups, and the database's `limit`
/// when [`SPLITS_PER_CALL`] halvings in a row did not cure it.
#[allow(clippy::too_many_arguments)]
async fn read_groups(
    ctx: &Ctx,
    reader: &mut Reader,
    viewer: &mut Viewer,
    reads: Reads,
    spans: &[OffsetSpan],
    builder: &mut ReportBuilder,
    shape: &mut Shape,
    at: &mut Position,
    budget: usize,
) -> Result<bool, Error> {
    let (mut done, mut refusals, mut read_any) = (0, 0, false);
    while let Some(span) = spans.get(at.span) {
        at.from = at.from.max(span.start_ms);
        if at.from >= span.end_ms {
            at.span = at.span.saturating_add(1);
            continue;
        }
        if done >= budget {
            return Ok(false);
        }
        done += 1;
        let from = at.from;
        let until = from.saturating_add(at.width.max(1)).min(span.end_ms);
        let range = Range { from, until };
        let columns = GroupColumns {
            author: reads.author,
            issue: reads.issue,
            parent: reads.parent,
            status: reads.status,
            components: reads.components,
            labels: reads.labels,
            attributes: reads.attributes,
            each_seconds: reads.each_seconds,
            approval: reads.approval,
            day_offset_ms: (reads.date != DateRead::None).then_some(span.offset_ms),
            week: match reads.date {
                DateRead::Week(start) => Some(start),
                DateRead::None | DateRead::Day => None,
            },
        };
        let read = match reader
            .groups(ctx, viewer, &columns, &range, GROUPS_PER_READ)
            .await
        {
            Err(e) if refused_for_cost(&e) && until.saturating_sub(from) > 1 => {
                // Too slow or too big for the database: half the range, and
                // half the worklogs from now on. A call that has read already
                // leaves the retry to the next call's fresh time budget.
                refusals += 1;
                if refusals > SPLITS_PER_CALL {
                    return Err(e);
                }
                at.width = until.saturating_sub(from) / 2;
                at.aim = (at.aim / 2).max(MIN_AIM);
                if read_any {
                    return Ok(false);
                }
                continue;
            }
            other => other?,
        };
        read_any = true;
        let Some((groups, counted)) = read else {
            if until.saturating_sub(from) <= 1 {
                return Err(Error::limit(format!(
                    "more than {GROUPS_PER_READ} groups of worklogs started in one millisecond"
                )));
            }
            at.width = until.saturating_sub(from) / 2;
            continue;
        };
        for (row, count) in &groups {
            builder
                .push_group(row, *count)
                .map_err(|e| core_error("", &e))?;
            if let Shape::Groups(chart) = shape {
                chart
                    .push_group(row, *count)
                    .map_err(|e| core_error("", &e))?;
            }
        }
        at.width = next_width(until.saturating_sub(from), counted, at.aim);
        at.from = until;
        if counted.asked && counted.worklogs == 0 {
            // Nothing here: when there is nothing to read before some later
            // start (one seek, narrowed as the reads are), go on from there.
            // The width keeps what the empty reads taught (they grow it at
            // most 8 times a read), so a period that begins months before a
            // site's first worklog does not meet its dense part with a range
            // sized for emptiness.
            match reader.next_start(ctx, viewer, until).await? {
                None => at.span = spans.len(),
                Some(next) => at.from = at.from.max(next),
            }
        }
    }
    Ok(true)
}

/// How much of the period `at` has read, in days of the period (`total`):
/// the share of the spans' milliseconds before `at`.
fn progress_at(spans: &[OffsetSpan], at: &Position, total: u64, zone: Zone) -> Progress {
    let length = |s: &OffsetSpan| i128::from(s.end_ms.saturating_sub(s.start_ms).max(0));
    let all: i128 = spans.iter().map(length).sum();
    let read: i128 = spans
        .iter()
        .take(at.span)
        .map(length)
        .sum::<i128>()
        .saturating_add(spans.get(at.span).map_or(0, |s| {
            i128::from(
                at.from
                    .clamp(s.start_ms, s.end_ms)
                    .saturating_sub(s.start_ms),
            )
        }));
    let done = if all > 0 {
        u64::try_from(read.saturating_mul(i128::from(total)) / all).unwrap_or(total)
    } else {
        total
    }
    .min(total);
    let label = match spans.get(at.span) {
        Some(s) => {
            let day = local_date(Instant::from_millis(at.from.max(s.start_ms)), zone)
                .map(|d| d.to_string())
                .unwrap_or_default();
            format!("reading worklogs started from {day}: {done} of {total} days read")
        }
        None => format!("{total} of {total} days read"),
    };
    Progress { done, total, label }
}

/// The builder for `query`: new, or resumed from a continuation's `state`.
fn builder_of(
    query: ReportQuery,
    resolution: Resolution,
    rates: Option<RateTable>,
    state: Option<BuilderState>,
) -> Result<ReportBuilder, Error> {
    let settings = TimeTrackingSettings::default();
    match state {
        None => ReportBuilder::new(query, resolution, settings, rates),
        Some(state) => ReportBuilder::resume(query, resolution, settings, rates, state),
    }
    .map_err(|e| match e.field() {
        None if e.reason() == "bad-report-state" => {
            Error::invalid_field("continuation", format_args!("{e}"))
        }
        _ => core_error("", &e),
    })
}

/// Runs a report (see `docs/reports.md`): as far as [`READS_PER_CALL`] reads
/// (or `readsPerCall`) go; a report that needs more answers the part read so
/// far with `more`, `progress` and a `continuation` to call again with.
///
/// # Errors
///
/// `invalid-input` for a bad query, an unknown group or a refused JQL, or a
/// continuation that is not this caller's for this report; `limit` for more
/// than [`GROUPS_PER_READ`] groups in one millisecond, for a report whose sums
/// outgrow a continuation, and when the database refuses a read (Forge SQL's
/// quotas); Jira's and the database's errors.
pub async fn run(ctx: &Ctx, input: RunInput) -> Result<RunAnswer, Error> {
    let zone = ctx.context().time_zone.clone();
    let who = resume::caller(ctx.context().account_id.as_deref());
    let definition = resume::definition(&input.definition, &zone);
    let carried = input
        .continuation
        .as_deref()
        .map(|token| Carried::decode(token, &who, &definition))
        .transpose()?;
    let query = input.query.parse("", &zone)?;
    let count_asked = query.has(Measure::Count);
    let query = query.with_measures(&[Measure::Count]);
    let week_start = query.week_start();
    let chart_query = match input.chart.axis() {
        Some(axis) => query.for_chart(None, Some(axis)),
        None => query.for_chart(Some(Dimension::Person), None),
    };
    let costed = query.has(Measure::Cost);
    let (viewer, site, resolution, rates, missing) = futures::join!(
        Viewer::resolve(ctx),
        index::site(ctx),
        resolve(ctx, "", &query),
        rates_for(ctx, costed),
        crate::ops::sync::index_missing(ctx)
    );
    let (mut viewer, site, resolution, rates, missing) =
        (viewer?, site?, resolution?, rates?, missing?);
    let narrowed = scope(&viewer, &query, &resolution);
    let others = super::query::shows_others(viewer.account.as_deref(), narrowed.1.as_deref());
    let instants = query
        .instants()
        .map_err(|e| core_error("", &e))?
        .ok_or_else(|| Error::invalid_field("period", "a period is required"))?;
    let dates = query
        .dates()
        .ok_or_else(|| Error::invalid_field("period", "a period is required"))?;
    let reads = match input.file {
        Some(_) => Reads::of(&query),
        None => Reads::of(&query).union(Reads::of(&chart_query)),
    };
    let report_zone = query.zone();
    let spans = offset_spans(report_zone, instants).map_err(|e| core_error("", &e))?;
    let (mut at, calls, report_state, chart_state) = match carried {
        Some(c) => (
            Position {
                aim: carried_aim(c.at.aim),
                ..c.at
            },
            c.calls,
            Some(c.report),
            c.chart,
        ),
        None => (
            Position {
                span: 0,
                from: instants.start.millis(),
                width: FIRST_READ_MS,
                aim: WORKLOGS_PER_READ,
            },
            0,
            None,
            None,
        ),
    };
    let mut builder = builder_of(query, resolution.clone(), rates, report_state)?;
    // A file has no chart.
    let mut shape = match input.file {
        Some(options) => Shape::File(options),
        None => Shape::Groups(Box::new(builder_of(
            chart_query,
            resolution,
            None,
            chart_state,
        )?)),
    };
    let mut reader = Reader::new(site, Order::Started, false, narrowed);
    #[cfg(test)]
    let finished = if ROWS_PATH.with(std::cell::Cell::get) {
        read_rows(
            ctx,
            &mut reader,
            &mut viewer,
            &instants,
            &mut builder,
            &mut shape,
        )
        .await?;
        at.span = spans.len();
        true
    } else {
        read_groups(
            ctx,
            &mut reader,
            &mut viewer,
            reads,
            &spans,
            &mut builder,
            &mut shape,
            &mut at,
            input.reads_per_call,
        )
        .await?
    };
    #[cfg(not(test))]
    let finished = read_groups(
        ctx,
        &mut reader,
        &mut viewer,
        reads,
        &spans,
        &mut builder,
        &mut shape,
        &mut at,
        input.reads_per_call,
    )
    .await?;
    let progress = progress_at(&spans, &at, dates.len(), report_zone);
    let continuation = if finished {
        None
    } else {
        let chart = match &shape {
            Shape::Groups(chart) => Some(chart.state()),
            Shape::File(_) => None,
        };
        Some(
            Carried::new(
                who,
                definition,
                at,
                calls.saturating_add(1),
                builder.state(),
                chart,
            )
            .encode()?,
        )
    };
    let last = dates.end().pred_opt().unwrap_or(dates.first());
    let chart = match shape {
        Shape::File(_) if !finished => {
            return Ok(RunAnswer::Pending(ReportPending {
                more: true,
                progress,
                continuation: continuation.unwrap_or_default(),
                worklogs: builder.worklogs(),
                index_complete: missing.is_none(),
                index_missing: missing,
            }));
        }
        Shape::File(options) => {
            let result = builder.finish().map_err(|e| core_error("", &e))?;
            let dates = (dates.first().to_string(), last.to_string());
            let file = render(
                result,
                &options,
                count_asked,
                dates.clone(),
                progress,
                missing,
            )?;
            if others {
                // A report file of other people's time is an export: audited.
                crate::store::audit::record_export(
                    ctx,
                    "report.run",
                    serde_json::json!({"from": dates.0, "to": dates.1, "file": true}),
                )
                .await?;
            }
            return Ok(RunAnswer::File(file));
        }
        Shape::Groups(chart) => chart.finish().map_err(|e| core_error("", &e))?,
    };
    let result = builder.finish().map_err(|e| core_error("", &e))?;
    let points = match input.chart.axis() {
        Some(axis) => {
            let by_bucket: BTreeMap<String, u64> = chart
                .rows
                .iter()
                .filter_map(|r| {
                    r.keys
                        .first()
                        .and_then(|k| k.id.clone())
                        .map(|d| (d, r.values.seconds))
                })
                .collect();
            // Every bucket that holds a day of the period, once, in order,
            // keyed and labelled as the core keys the chart's rows.
            let mut points: Vec<Point> = Vec::new();
            for date in dates.iter() {
                let (key, label) =
                    time_key(date, axis, week_start).map_err(|e| core_error("", &e))?;
                if points.last().is_some_and(|p| p.key == key) {
                    continue;
                }
                points.push(Point {
                    seconds: by_bucket.get(&key).copied().unwrap_or(0),
                    label,
                    key,
                });
            }
            points
        }
        None => chart
            .rows
            .iter()
            .filter_map(|r| {
                let key = r.keys.first()?;
                let (key, label) = label_of("person", key);
                Some(Point {
                    key,
                    label,
                    seconds: r.values.seconds,
                })
            })
            .collect(),
    };
    Ok(RunAnswer::Groups(RunOutput {
        from: dates.first().to_string(),
        to: last.to_string(),
        time_zone: result.time_zone.clone(),
        group_by: result.dimensions.clone(),
        total_seconds: result.total.seconds,
        hours: result.total.hours.to_string(),
        worklogs: result.worklogs,
        billable_seconds: result.total.billable_seconds,
        cost: result.total.cost.clone(),
        unpriced_seconds: result.total.unpriced_seconds,
        groups: tree(&result),
        chart: points,
        more: !finished,
        progress,
        continuation,
        index_complete: missing.is_none(),
        index_missing: missing,
    }))
}
