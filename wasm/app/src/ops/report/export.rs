//! `export.run` and `export.changes`: the flat worklog export
//! (`docs/export-schema.md`) of what the viewer may see, in pieces that fit
//! one Forge invocation each.
//!
//! Each call reads keyset pages of the index and pushes rows into the core's
//! [`ExportChunker`] until the piece is full (3 MiB by default, 4 MiB as
//! base64, under Forge's 5 MB), the rows run out or [`MAX_PAGES_PER_CALL`]
//! pages were read (the 25 s budget). The answer's `continuation` carries the
//! exporter's state (for XLSX the zip's offsets and checksums) and the key of
//! the last row written; the next call resumes from it. The permissions are
//! resolved again on every call, so a continuation cannot widen what a caller
//! sees: it only says where to go on.

use std::collections::BTreeSet;

use base64::Engine;
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use worklogs_core::calendar::{format_utc, parse_instant, Zone};
use worklogs_core::duration::TimeTrackingSettings;
use worklogs_core::export::chunk::{DEFAULT_BUDGET, MIN_BUDGET};
use worklogs_core::export::csv::CsvOptions;
use worklogs_core::export::flat::FlatSchema;
use worklogs_core::export::{
    exporter, part_state, resume, ExportChunker, ExportFormat, ExportOptions, ExportState, Fit,
    Totals,
};
use worklogs_core::report::ReportBuilder;

use super::query::{core_error, resolve, scope, QueryJson};
use super::rows::{attributes, Order, Range, Reader, Row, PAGE_ROWS};
use crate::access::Viewer;
use crate::executor::Ctx;
use crate::index::Kind;
use crate::{index, input, store, Error};

/// SQL pages one call reads at most, so that it ends well within 25 s.
pub const MAX_PAGES_PER_CALL: usize = 25;
/// Deletions listed per call.
const DELETIONS_PER_CALL: usize = 1000;
/// The most parts an export is cut into (`parts`).
const MAX_PARTS: u64 = 64;
/// The shortest span of start times a part covers.
const MIN_PART_MS: i64 = 86_400_000;
/// The most bytes of continuations a plan answers: each carries the
/// attribute columns, and a site whose attribute sets hold many keys has
/// long ones; fewer parts then, so that the answer fits a Forge answer.
const MAX_PLAN_BYTES: usize = 1024 * 1024;

/// The rows encoded between two answers of the host while the next page is
/// read (see `stream`): small enough that each of that page's reads finds
/// the component encoding, large enough that the round trips cost little.
const ENCODE_PART_ROWS: usize = 200;

fn engine(prefix: &str) -> impl Fn(worklogs_core::Error) -> Error + '_ {
    move |e| core_error(prefix, &e)
}

/// `text` as one of the `allowed` formats.
///
/// # Errors
///
/// `invalid-input` naming `format` and listing the allowed ones.
pub(super) fn format_of(text: &str, allowed: &[ExportFormat]) -> Result<ExportFormat, Error> {
    let format: Result<ExportFormat, _> = text.parse();
    match format {
        Ok(f) if allowed.contains(&f) => Ok(f),
        _ => Err(Error::invalid_field(
            "format",
            format_args!(
                "{}: expected {}",
                input::quote(text),
                allowed
                    .iter()
                    .map(|f| f.extension())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )),
    }
}

fn piece_budget(bytes: Option<u64>) -> Result<usize, Error> {
    match bytes {
        None => Ok(DEFAULT_BUDGET),
        Some(b) if (MIN_BUDGET as u64..=DEFAULT_BUDGET as u64).contains(&b) => {
            Ok(usize::try_from(b).unwrap_or(DEFAULT_BUDGET))
        }
        Some(b) => Err(Error::invalid_field(
            "pieceBytes",
            format_args!("{b}: expected {MIN_BUDGET} to {DEFAULT_BUDGET}"),
        )),
    }
}

/// Where an export stands between calls (the opaque `continuation`: base64
/// of this JSON).
#[derive(Serialize, Deserialize, Debug, Clone)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Continuation {
    v: u32,
    state: Option<ExportState>,
    after: Option<(i64, i64)>,
    rows: u64,
    attributes: Vec<String>,
    /// `export.changes`: the window, and whether the rows are done.
    #[serde(default)]
    window: Option<(i64, i64)>,
    #[serde(default)]
    deleting: bool,
    /// `export.run` in parts: the part's span of start times, `[from,
    /// until)` in ms; it narrows the query's period, never widens it.
    #[serde(default)]
    span: Option<(i64, i64)>,
}

impl Continuation {
    fn encode(&self) -> Result<String, Error> {
        let text = serde_json::to_vec(self)
            .map_err(|e| Error::internal(format!("the continuation could not be written: {e}")))?;
        Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text))
    }

    fn decode(text: &str) -> Result<Self, Error> {
        let bad = |why: String| {
            Error::invalid_field(
                "continuation",
                format_args!("{}: {why}", input::quote(text)),
            )
        };
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(text)
            .map_err(|e| bad(format!("not from a previous answer ({e})")))?;
        let c: Self = serde_json::from_slice(&bytes)
            .map_err(|e| bad(format!("not from a previous answer ({e})")))?;
        if c.v != 1 {
            return Err(bad(format!("version {} is not understood", c.v)));
        }
        if c.span.is_some_and(|(from, until)| from >= until) {
            return Err(bad("its span is empty".to_owned()));
        }
        Ok(c)
    }
}

/// The site's attribute keys (from every attribute set the index holds), for
/// the export's `attr_<key>` columns.
pub(super) async fn attribute_keys(ctx: &Ctx, site: i64) -> Result<Vec<String>, Error> {
    let texts = index::dict::texts_of_kind(ctx, site, Kind::Attributes).await?;
    let mut keys = BTreeSet::new();
    for text in &texts {
        keys.extend(attributes(Some(text)).1.into_keys());
    }
    Ok(keys.into_iter().collect())
}

/// `export.run`'s input, raw.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ExportRaw {
    query: Json,
    format: String,
    #[serde(default)]
    options: Option<CsvOptions>,
    #[serde(default)]
    continuation: Option<String>,
    #[serde(default)]
    piece_bytes: Option<u64>,
    #[serde(default)]
    parts: Option<u64>,
}

/// `export.run`'s input.
pub struct ExportInput {
    query: QueryJson,
    options: ExportOptions,
    continuation: Option<Continuation>,
    budget: usize,
    /// Parts asked for on the first call (1: one stream of pieces).
    parts: usize,
}

impl input::Input for ExportInput {
    type Raw = ExportRaw;

    fn validate(raw: ExportRaw) -> Result<Self, Error> {
        let format = format_of(
            &raw.format,
            &[ExportFormat::Csv, ExportFormat::Xlsx, ExportFormat::Json],
        )?;
        let mut options = ExportOptions::new(format);
        if let Some(csv) = raw.options {
            options.csv = csv;
        }
        let parts = match (raw.parts, &raw.continuation) {
            (None, _) => 1,
            (Some(n @ 1..=MAX_PARTS), None) => usize::try_from(n).unwrap_or(1),
            (Some(n), None) => {
                return Err(Error::invalid_field(
                    "parts",
                    format_args!("{n}: expected 1 to {MAX_PARTS}"),
                ))
            }
            (Some(n), Some(_)) => {
                return Err(Error::invalid_field(
                    "parts",
                    format_args!("{n}: only a first call (no continuation) is cut into parts"),
                ))
            }
        };
        Ok(Self {
            query: QueryJson::check("query.", raw.query)?,
            options,
            continuation: raw
                .continuation
                .as_deref()
                .map(Continuation::decode)
                .transpose()?,
            budget: piece_budget(raw.piece_bytes)?,
            parts,
        })
    }
}

/// Bytes as the JSON string of their base64 (standard alphabet, padded).
///
/// Written into the answer as it is: base64 never needs escaping, so the
/// megabytes of a piece are checked once (a fast scan) instead of escaped
/// character by character by the serializer.
#[derive(Debug)]
pub struct Base64(Box<serde_json::value::RawValue>);

impl Base64 {
    /// `bytes`, encoded.
    ///
    /// # Errors
    ///
    /// `internal`, never in practice (base64 is valid JSON text).
    pub fn encode(bytes: &[u8]) -> Result<Self, Error> {
        let mut text =
            String::with_capacity(bytes.len().div_ceil(3).saturating_mul(4).saturating_add(2));
        text.push('"');
        base64::engine::general_purpose::STANDARD.encode_string(bytes, &mut text);
        text.push('"');
        serde_json::value::RawValue::from_string(text)
            .map(Self)
            .map_err(|e| Error::internal(format!("a piece could not be written as JSON: {e}")))
    }
}

impl Serialize for Base64 {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

/// One piece of an export.
#[derive(Serialize, Debug)]
#[serde(rename_all = "camelCase")]
pub struct Piece {
    /// The file's name.
    pub file_name: String,
    /// Its media type.
    pub media_type: String,
    /// This piece's bytes, base64.
    pub piece: Base64,
    /// Rows written so far, this piece included.
    pub rows: u64,
    /// `export.changes`: the window's start.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since: Option<String>,
    /// `export.changes`: the window's end, the next run's `since`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub until: Option<String>,
    /// `export.changes`: worklogs deleted in the window (this call's part).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deleted: Option<Vec<Deleted>>,
    /// Where the next call goes on; absent on the last piece.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub continuation: Option<String>,
    /// `export.run` asked for `parts`: each part's first continuation (this
    /// answer's piece is empty); see [`run`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parts: Option<Vec<String>>,
}

/// A deleted worklog.
#[derive(Serialize, Debug)]
#[serde(rename_all = "camelCase")]
pub struct Deleted {
    /// Its id.
    pub worklog_id: String,
    /// When the index learned of the deletion.
    pub deleted: String,
}

/// What a call of the streaming loop ended with.
struct Streamed {
    bytes: Vec<u8>,
    continuation: Option<Continuation>,
    rows: u64,
}

impl Streamed {
    /// The piece so far, and the continuation that goes on after `after`
    /// with the chunker's state.
    fn cut(
        chunker: &mut ExportChunker,
        mut c: Continuation,
        after: Option<(i64, i64)>,
    ) -> Result<Streamed, Error> {
        let bytes = chunker.take().map_err(engine(""))?;
        c.state = Some(chunker.state());
        c.after = after;
        let rows = c.rows;
        Ok(Streamed {
            bytes,
            continuation: Some(c),
            rows,
        })
    }
}

/// Streams rows from `after` into a chunker until it is full or they run out.
#[allow(clippy::too_many_arguments)]
async fn stream(
    ctx: &Ctx,
    viewer: &mut Viewer,
    reader: &mut Reader,
    range: Range,
    filter: Option<&ReportBuilder>,
    schema: &FlatSchema,
    options: &ExportOptions,
    budget: usize,
    mut c: Continuation,
) -> Result<Streamed, Error> {
    let columns = schema.columns().to_vec();
    let mut chunker = match c.state.take() {
        None => ExportChunker::start(exporter(options, columns).map_err(engine(""))?, budget),
        Some(state) => ExportChunker::resume(
            resume(columns, state).map_err(engine("continuation: "))?,
            budget,
        ),
    }
    .map_err(engine(""))?;
    let mut after = c.after;
    // The bytes the last page took in the piece.
    let mut page_bytes: Option<usize> = None;
    // The page read while the one before it was encoded.
    let mut next = None;
    for page in 0..MAX_PAGES_PER_CALL {
        let room = chunker.room();
        // Another page after this one is likely to fit in this piece and
        // this call: read it while Jira answers for this one's comments, and
        // the one after while this one is encoded.
        let likely = page.saturating_add(1) < MAX_PAGES_PER_CALL
            && page_bytes.is_none_or(|bytes| room / 2 > bytes);
        reader.read_ahead(likely);
        let (rows, last, more) = match next.take() {
            Some(read) => read,
            None => reader.page(ctx, viewer, &range, after, PAGE_ROWS).await?,
        };
        let read_next = more && likely;
        // With the next page being read, the page is encoded a part at a
        // time, the host answered in between: each of the next page's reads
        // (its rows, their names, comments and periods) is then performed
        // while this page is encoded, not only the first.
        let encode = async {
            for part in rows.chunks(ENCODE_PART_ROWS) {
                if read_next {
                    ctx.yield_to_host().await?;
                }
                if encode_page(part, filter, schema, &mut chunker, &mut c, &mut after)? == Fit::Full
                {
                    return Ok(Fit::Full);
                }
            }
            Ok(Fit::Added)
        };
        let read = async {
            if read_next {
                reader
                    .page(ctx, viewer, &range, last, PAGE_ROWS)
                    .await
                    .map(Some)
            } else {
                Ok(None)
            }
        };
        let (encoded, read) = futures::join!(encode, read);
        if encoded? == Fit::Full {
            return Streamed::cut(&mut chunker, c, after);
        }
        next = read?;
        after = last;
        page_bytes = Some(room.saturating_sub(chunker.room()));
        if !more {
            let totals = if options.format == ExportFormat::Xlsx {
                Totals::Formulas
            } else {
                Totals::None
            };
            let bytes = chunker.finish(totals).map_err(engine(""))?;
            return Ok(Streamed {
                bytes,
                continuation: None,
                rows: c.rows,
            });
        }
    }
    // Time is up before the piece is full: answer what there is.
    Streamed::cut(&mut chunker, c, after)
}

/// Encodes a page's rows that pass `filter` into the chunker, counting them
/// in `c` and moving `after` past each: `Fit::Full` when a row did not fit
/// (the piece ends before it).
fn encode_page(
    rows: &[Row],
    filter: Option<&ReportBuilder>,
    schema: &FlatSchema,
    chunker: &mut ExportChunker,
    c: &mut Continuation,
    after: &mut Option<(i64, i64)>,
) -> Result<Fit, Error> {
    for row in rows {
        if let Some(filter) = filter {
            if !filter.accepts(&row.flat).map_err(engine(""))? {
                continue;
            }
        }
        let cells = schema.cells(&row.flat).map_err(engine(""))?;
        if chunker.push(&cells).map_err(engine(""))? == Fit::Full {
            return Ok(Fit::Full);
        }
        c.rows += 1;
        *after = Some((row.at, row.id));
    }
    Ok(Fit::Added)
}

fn zone_of(name: &str) -> Result<Zone, Error> {
    name.parse::<Zone>().map_err(|_| {
        Error::invalid_field("timeZone", format_args!("{}: unknown", input::quote(name)))
    })
}

/// Exports the worklogs a report with the same query counts (see the module
/// docs).
///
/// # Errors
///
/// As `report.run`; `invalid-input` for a bad format, options or
/// continuation; `limit` for a single row larger than a piece.
pub async fn run(ctx: &Ctx, input: ExportInput) -> Result<Piece, Error> {
    let zone_name = ctx.context().time_zone.clone();
    let query = input.query.parse("query.", &zone_name)?;
    let (viewer, site, resolution) = futures::join!(
        Viewer::resolve(ctx),
        index::site(ctx),
        resolve(ctx, "query.", &query)
    );
    let (mut viewer, site, resolution) = (viewer?, site?, resolution?);
    let narrowed = scope(&viewer, &query, &resolution);
    let others = super::query::shows_others(viewer.account.as_deref(), narrowed.1.as_deref());
    let instants = query
        .instants()
        .map_err(engine("query."))?
        .ok_or_else(|| Error::invalid_field("query.period", "a period is required"))?;
    let dates = query
        .dates()
        .ok_or_else(|| Error::invalid_field("query.period", "a period is required"))?;
    let zone = query.zone();
    let decimals = query.hours_decimals();
    let filter = ReportBuilder::new(query, resolution, TimeTrackingSettings::default(), None)
        .map_err(engine("query."))?;
    let first_piece = input.continuation.is_none();
    let c = match input.continuation {
        Some(c) => c,
        None => Continuation {
            v: 1,
            state: None,
            after: None,
            rows: 0,
            attributes: attribute_keys(ctx, site).await?,
            window: None,
            deleting: false,
            span: None,
        },
    };
    let schema = FlatSchema::new(zone, c.attributes.iter(), decimals).map_err(engine(""))?;
    let mut range = Range {
        from: instants.start.millis(),
        until: instants.end.millis(),
    };
    if let Some((from, until)) = c.span {
        range.from = range.from.max(from);
        range.until = range.until.min(until);
    }
    let last = dates.end().pred_opt().unwrap_or(dates.first());
    let format = input.options.format;
    let file_name = format!("worklogs-{}-{}.{}", dates.first(), last, format.extension());
    let audit = || async {
        if first_piece && others {
            // One audit entry per export of other people's time, at its first call.
            crate::store::audit::record_export(
                ctx,
                "export.run",
                serde_json::json!({"from": dates.first().to_string(), "to": last.to_string(), "format": format.extension()}),
            )
            .await?;
        }
        Ok::<(), Error>(())
    };
    if first_piece {
        if let Some(parts) = plan(&c, &range, input.parts, &input.options, &schema)? {
            audit().await?;
            return Ok(Piece {
                file_name,
                media_type: format.media_type().to_owned(),
                piece: Base64::encode(&[])?,
                rows: 0,
                since: None,
                until: None,
                deleted: None,
                continuation: None,
                parts: Some(parts),
            });
        }
    }
    let mut reader = Reader::new(site, Order::Started, true, narrowed);
    let streamed = stream(
        ctx,
        &mut viewer,
        &mut reader,
        range,
        Some(&filter),
        &schema,
        &input.options,
        input.budget,
        c,
    )
    .await?;
    audit().await?;
    Ok(Piece {
        file_name,
        media_type: format.media_type().to_owned(),
        piece: Base64::encode(&streamed.bytes)?,
        rows: streamed.rows,
        since: None,
        until: None,
        deleted: None,
        continuation: streamed.continuation.map(|c| c.encode()).transpose()?,
        parts: None,
    })
}

/// The first continuations of an export cut into `parts` parts side by side,
/// or `None` when it is not cut: one part asked for, a format whose file
/// cannot be written in parts ([`part_state`]), a period shorter than two
/// days, or continuations so long that two pass [`MAX_PLAN_BYTES`] (fewer
/// parts than asked when more would). The parts are equal spans of the
/// period's start times, each at least a day: the rows of a part are those
/// of the export that started in its span, in the same order, so the parts'
/// files one after the other are the export's file. Equal spans, not equal
/// numbers of rows: bounds taken from the rows would tell the client, who
/// can read a continuation, when worklogs it may not see started.
fn plan(
    c: &Continuation,
    range: &Range,
    parts: usize,
    options: &ExportOptions,
    schema: &FlatSchema,
) -> Result<Option<Vec<String>>, Error> {
    let length = i128::from(range.until) - i128::from(range.from);
    let days = usize::try_from(length / i128::from(MIN_PART_MS)).unwrap_or(usize::MAX);
    let parts = parts.min(days);
    if parts < 2 {
        return Ok(None);
    }
    let Some(state) = part_state(options, schema.columns().to_vec()).map_err(engine(""))? else {
        return Ok(None);
    };
    // The longest a part's continuation can be: the whole span, a state.
    let longest = Continuation {
        span: Some((range.from, range.until)),
        state: Some(state.clone()),
        ..c.clone()
    }
    .encode()?
    .len();
    let parts = parts.min(MAX_PLAN_BYTES / longest.max(1));
    if parts < 2 {
        return Ok(None);
    }
    let bound = |k: usize| -> i64 {
        let step = length * i128::try_from(k).unwrap_or(0) / i128::try_from(parts).unwrap_or(1);
        i64::try_from(i128::from(range.from) + step).unwrap_or(range.until)
    };
    (0..parts)
        .map(|k| {
            let mut part = c.clone();
            part.span = Some((bound(k), bound(k + 1)));
            // The first part begins the file; the others go on from its
            // beginning.
            part.state = (k > 0).then(|| state.clone());
            part.encode()
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

/// `export.changes`' input, raw.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ChangesRaw {
    since: String,
    format: String,
    #[serde(default)]
    continuation: Option<String>,
    #[serde(default)]
    piece_bytes: Option<u64>,
}

/// `export.changes`' input.
pub struct ChangesInput {
    since: i64,
    format: ExportFormat,
    continuation: Option<Continuation>,
    budget: usize,
}

impl input::Input for ChangesInput {
    type Raw = ChangesRaw;

    fn validate(raw: ChangesRaw) -> Result<Self, Error> {
        let since = parse_instant(&raw.since).map_err(|_| {
            Error::invalid_field(
                "since",
                format_args!(
                    "{}: expected an RFC 3339 instant such as 2026-03-01T00:00:00Z",
                    input::quote(&raw.since)
                ),
            )
        })?;
        Ok(Self {
            since: since.millis(),
            format: format_of(&raw.format, &[ExportFormat::Csv, ExportFormat::Json])?,
            continuation: raw
                .continuation
                .as_deref()
                .map(Continuation::decode)
                .transpose()?,
            budget: piece_budget(raw.piece_bytes)?,
        })
    }
}

/// How far back before `since` deletions are listed again. A tombstone
/// carries the deleting task's `now`, taken when the task started; its
/// statements may run up to a task's longest life later (900 s for a queue
/// consumer), after an export that ended its window past that `now` read the
/// tombstones. Listing deletions from this far back means none is ever missed;
/// one listed twice is harmless (deleting an absent row changes nothing).
pub const DELETION_GRACE_MS: i64 = 20 * 60 * 1000;

/// How far the index is complete: the sync's `worklog/updated` cursor (what
/// Jira changed before it is indexed), never after now. Without a sync, now.
async fn indexed_until(ctx: &Ctx) -> Result<i64, Error> {
    let now = ctx.context().now_ms;
    let cursor = store::load_text(ctx, "sync.state")
        .await?
        .and_then(|text| serde_json::from_str::<Json>(&text).ok())
        .and_then(|state| state.get("updatedSince").and_then(Json::as_i64))
        .filter(|c| *c > 0);
    Ok(cursor.map_or(now, |c| c.min(now)))
}

fn utc(ms: i64) -> Result<String, Error> {
    format_utc(worklogs_core::calendar::Instant::from_millis(ms)).map_err(engine(""))
}

/// The incremental export (see `docs/reports.md`).
///
/// # Errors
///
/// `invalid-input` for a bad `since`, format or continuation; Jira's and the
/// database's errors.
pub async fn changes(ctx: &Ctx, input: ChangesInput) -> Result<Piece, Error> {
    let (viewer, site) = futures::join!(Viewer::resolve(ctx), index::site(ctx));
    let (mut viewer, site) = (viewer?, site?);
    let mut c = match input.continuation {
        Some(c) => c,
        None => {
            let until = indexed_until(ctx).await?.max(input.since);
            Continuation {
                v: 1,
                state: None,
                after: None,
                rows: 0,
                attributes: attribute_keys(ctx, site).await?,
                window: Some((input.since, until)),
                deleting: false,
                span: None,
            }
        }
    };
    let (since, until) = c
        .window
        .ok_or_else(|| Error::invalid_field("continuation", "not from export.changes"))?;
    let zone = zone_of(&ctx.context().time_zone)?;
    let schema = FlatSchema::new(zone, c.attributes.iter(), 2).map_err(engine(""))?;
    let options = ExportOptions::new(input.format);
    let range = Range { from: since, until };
    let mut bytes = Vec::new();
    let mut deleted = Vec::new();
    let mut rows = c.rows;
    let mut next = None;
    if !c.deleting {
        let mut reader = Reader::new(site, Order::Updated, true, (None, None));
        let streamed = stream(
            ctx,
            &mut viewer,
            &mut reader,
            range,
            None,
            &schema,
            &options,
            input.budget,
            c.clone(),
        )
        .await?;
        bytes = streamed.bytes;
        rows = streamed.rows;
        match streamed.continuation {
            Some(more) => next = Some(more),
            None => {
                c.deleting = true;
                c.after = None;
                c.state = None;
                c.rows = rows;
            }
        }
    }
    if next.is_none() {
        // Tombstones carry the index's own time, complete up to now: a
        // deletion after `until` is listed again by the next run, and one
        // stamped before `since` but written after the last run read them is
        // found by looking back DELETION_GRACE_MS (deleting twice is harmless),
        // so none is missed.
        let deletions = Range {
            from: since.saturating_sub(DELETION_GRACE_MS),
            until: until.max(ctx.context().now_ms.saturating_add(1)),
        };
        let mut reader = Reader::new(site, Order::Updated, false, (None, None));
        let (found, last, more) = reader
            .deletions(ctx, &mut viewer, &deletions, c.after, DELETIONS_PER_CALL)
            .await?;
        for (id, at) in found {
            deleted.push(Deleted {
                worklog_id: id.to_string(),
                deleted: utc(at)?,
            });
        }
        if more {
            c.after = last;
            next = Some(c);
        }
    }
    let format = input.format;
    Ok(Piece {
        file_name: format!("worklog-changes.{}", format.extension()),
        media_type: format.media_type().to_owned(),
        piece: Base64::encode(&bytes)?,
        rows,
        since: Some(utc(since)?),
        until: Some(utc(until)?),
        deleted: Some(deleted),
        continuation: next.map(|c| c.encode()).transpose()?,
        parts: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn continuation(attributes: Vec<String>) -> Continuation {
        Continuation {
            v: 1,
            state: None,
            after: None,
            rows: 0,
            attributes,
            window: None,
            deleting: false,
            span: None,
        }
    }

    /// A site whose attribute sets hold thousands of keys gets fewer parts,
    /// so that the plan's answer stays under [`MAX_PLAN_BYTES`]; one with
    /// none gets the parts asked for.
    #[test]
    fn a_plan_with_long_continuations_has_fewer_parts() {
        let year = Range {
            from: 1_767_225_600_000,
            until: 1_798_761_600_000,
        };
        let options = ExportOptions::new(ExportFormat::Csv);
        for (keys, parts) in [(0, 64), (2_000, 6), (40_000, 0)] {
            let attributes: Vec<String> = (0..keys).map(|k| format!("key_{k:0>56}")).collect();
            let schema = FlatSchema::new(Zone::UTC, attributes.iter(), 2).unwrap();
            let plan = plan(&continuation(attributes), &year, 64, &options, &schema).unwrap();
            let answered = plan.as_ref().map_or(0, Vec::len);
            assert_eq!(answered, parts, "{keys} keys");
            let bytes: usize = plan.iter().flatten().map(String::len).sum();
            assert!(bytes <= MAX_PLAN_BYTES, "{keys} keys: {bytes} bytes");
        }
    }
}
