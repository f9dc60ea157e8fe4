//! `report.run`: a report over the index, for what the viewer may see: as
//! nested groups with a chart (for the UI), or with `format` as a file of one
//! row per group rendered by the core's exporters (for the command line and
//! downloads), so that no caller re-shapes the groups or repeats the core's
//! rules for columns, the time axis or hours.

use std::collections::BTreeMap;

use base64::Engine;
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use worklogs_core::duration::TimeTrackingSettings;
use worklogs_core::export::chunk::DEFAULT_BUDGET;
use worklogs_core::export::csv::CsvOptions;
use worklogs_core::export::{ExportFormat, ExportOptions};
use worklogs_core::money::{Money, RateTable};
use worklogs_core::report::{
    offset_spans, Dimension, GroupRow, KeyValue, Measure, OffsetSpan, Reads, ReportBuilder,
    ReportResult, TimeAxis, Values,
};

use super::export::format_of;
use super::query::{core_error, resolve, scope, QueryJson};
#[cfg(test)]
use super::rows::PAGE_ROWS;
use super::rows::{Counted, Order, Range, Reader};
use crate::access::Viewer;
use crate::executor::Ctx;
use crate::index::report::GroupColumns;
use crate::ops::rate;
use crate::{index, input, store, Error};

/// What the chart shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Chart {
    /// Every day of the period, zero-filled.
    Day,
    /// Every person with time, in order.
    Person,
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
        let chart = match map.remove("chart") {
            None | Some(Json::Null) => Chart::Day,
            Some(Json::String(s)) if s == "day" => Chart::Day,
            Some(Json::String(s)) if s == "person" => Chart::Person,
            Some(other) => {
                return Err(Error::invalid_field(
                    "chart",
                    format_args!("{other}: expected \"day\" or \"person\""),
                ))
            }
        };
        let file = file_of(&mut map)?;
        Ok(Self {
            query: QueryJson::check("", Json::Object(map))?,
            chart,
            file,
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
    pub piece: String,
    /// Rows of groups written.
    pub rows: u64,
    /// Worklogs counted.
    pub worklogs: u64,
}

/// `report.run`'s answer: the nested groups, or the file.
#[derive(Serialize, Debug)]
#[serde(untagged)]
pub enum RunAnswer {
    /// Without `format`.
    Groups(RunOutput),
    /// With `format`.
    File(ReportFile),
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
        piece: base64::engine::general_purpose::STANDARD.encode(&bytes),
        rows: result.rows.len() as u64,
        worklogs: result.worklogs,
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
/// inside Forge SQL's 5 s per SELECT.
const WORKLOGS_PER_READ: u64 = 100_000;

/// The next read's range after one of `width` ms found `counted`: aiming at
/// half of [`GROUPS_PER_READ`] groups and at most [`WORKLOGS_PER_READ`]
/// worklogs, growing at most 8 times, at least 1 ms.
fn next_width(width: i64, counted: Counted) -> i64 {
    let width = i128::from(width);
    let by_groups = i128::try_from(GROUPS_PER_READ / 2)
        .unwrap_or(1)
        .saturating_mul(width)
        / i128::try_from(counted.groups.max(1)).unwrap_or(1);
    let by_worklogs =
        i128::from(WORKLOGS_PER_READ).saturating_mul(width) / i128::from(counted.worklogs.max(1));
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

/// Feeds the report (and its chart) with groups SQL forms: per span of one
/// offset in the report's zone, ranges of at most a week, each read grouped
/// by what the checks and the query read (`reads`) and the local day; a
/// range with too many groups is split in halves. Each group is checked for
/// the viewer as a worklog is, then counted with its worklogs
/// ([`ReportBuilder::push_group`]): the result is the worklog-by-worklog one.
///
/// # Errors
///
/// The database's, Jira's and the core's errors; `limit` for a millisecond
/// with more than [`GROUPS_PER_READ`] groups.
async fn read_groups(
    ctx: &Ctx,
    reader: &mut Reader,
    viewer: &mut Viewer,
    reads: Reads,
    spans: &[OffsetSpan],
    builder: &mut ReportBuilder,
    shape: &mut Shape,
) -> Result<(), Error> {
    let mut width = FIRST_READ_MS;
    for span in spans {
        let mut from = span.start_ms;
        while from < span.end_ms {
            let until = from.saturating_add(width).min(span.end_ms);
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
                day_offset_ms: reads.date.then_some(span.offset_ms),
            };
            let Some((groups, counted)) = reader
                .groups(ctx, viewer, &columns, &range, GROUPS_PER_READ)
                .await?
            else {
                if until.saturating_sub(from) <= 1 {
                    return Err(Error::limit(format!(
                        "more than {GROUPS_PER_READ} groups of worklogs started in one millisecond"
                    )));
                }
                width = until.saturating_sub(from) / 2;
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
            width = next_width(until.saturating_sub(from), counted);
            from = until;
        }
    }
    Ok(())
}

/// Runs a report (see `docs/reports.md`).
///
/// # Errors
///
/// `invalid-input` for a bad query, an unknown group or a refused JQL;
/// `limit` for more than [`GROUPS_PER_READ`] groups in one millisecond, and
/// when the database refuses a read (Forge SQL's quotas); Jira's and the
/// database's errors.
pub async fn run(ctx: &Ctx, input: RunInput) -> Result<RunAnswer, Error> {
    let zone = ctx.context().time_zone.clone();
    let query = input.query.parse("", &zone)?;
    let count_asked = query.has(Measure::Count);
    let query = query.with_measures(&[Measure::Count]);
    let chart_query = match input.chart {
        Chart::Day => query.for_chart(None, Some(TimeAxis::Day)),
        Chart::Person => query.for_chart(Some(Dimension::Person), None),
    };
    let costed = query.has(Measure::Cost);
    let (viewer, site, resolution, rates) = futures::join!(
        Viewer::resolve(ctx),
        index::site(ctx),
        resolve(ctx, "", &query),
        rates_for(ctx, costed)
    );
    let (mut viewer, site, resolution, rates) = (viewer?, site?, resolution?, rates?);
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
    let spans = offset_spans(query.zone(), instants).map_err(|e| core_error("", &e))?;
    let settings = TimeTrackingSettings::default();
    let mut builder = ReportBuilder::new(query, resolution.clone(), settings.clone(), rates)
        .map_err(|e| core_error("", &e))?;
    // A file has no chart.
    let mut shape = match input.file {
        Some(options) => Shape::File(options),
        None => Shape::Groups(Box::new(
            ReportBuilder::new(chart_query, resolution, settings, None)
                .map_err(|e| core_error("", &e))?,
        )),
    };
    let mut reader = Reader::new(site, Order::Started, false, narrowed);
    #[cfg(test)]
    if ROWS_PATH.with(std::cell::Cell::get) {
        read_rows(
            ctx,
            &mut reader,
            &mut viewer,
            &instants,
            &mut builder,
            &mut shape,
        )
        .await?;
    } else {
        read_groups(
            ctx,
            &mut reader,
            &mut viewer,
            reads,
            &spans,
            &mut builder,
            &mut shape,
        )
        .await?;
    }
    #[cfg(not(test))]
    read_groups(
        ctx,
        &mut reader,
        &mut viewer,
        reads,
        &spans,
        &mut builder,
        &mut shape,
    )
    .await?;
    let result = builder.finish().map_err(|e| core_error("", &e))?;
    let last = dates.end().pred_opt().unwrap_or(dates.first());
    let chart = match shape {
        Shape::File(options) => {
            let dates = (dates.first().to_string(), last.to_string());
            let file = render(result, &options, count_asked, dates.clone())?;
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
    let points = match input.chart {
        Chart::Day => {
            let by_day: BTreeMap<String, u64> = chart
                .rows
                .iter()
                .filter_map(|r| {
                    r.keys
                        .first()
                        .and_then(|k| k.id.clone())
                        .map(|d| (d, r.values.seconds))
                })
                .collect();
            dates
                .iter()
                .map(|date| {
                    let key = date.to_string();
                    Point {
                        seconds: by_day.get(&key).copied().unwrap_or(0),
                        label: key.clone(),
                        key,
                    }
                })
                .collect()
        }
        Chart::Person => chart
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
    }))
}
