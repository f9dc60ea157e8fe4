//! `export.feed`: the flat export (`docs/export-schema.md`) as a queryable
//! feed, for the local host's OData service (`docs/odata.md`).
//!
//! Without `set`, it describes the feed: its tables (`Worklogs`, the flat
//! export's columns with the site's attributes; `Deleted`, the ids and
//! deletion times of worklogs the viewer could see) and their columns' kinds.
//! With `set`, it answers one page of that table's rows for what the viewer
//! may see, exactly as `export.run` reads them (the same [`Reader`], the same
//! [`Viewer`], the same [`FlatSchema`] cells), filtered, ordered and selected
//! by the core's [`Query`]; the host only parses the query's syntax into the
//! typed tree this input takes and writes the answer in its protocol.
//!
//! Rows in the reader's key order (`started_utc`, or `updated_utc` when asked
//! or when only it is bounded; `deleted_utc` for `Deleted`) page by keyset:
//! each page ends with a `skipToken` that says where the next one starts.
//! Any other order, and `count`, need every matching row: they are read in one
//! call, at most [`MAX_PAGES_PER_CALL`] index pages (a `limit` error past it,
//! asking for a narrower filter), sorted in the core and paged by offset.

use base64::Engine;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::Value as Json;
use worklogs_core::calendar::{Instant, Zone};
use worklogs_core::export::feed::{compare_cells, Filter, Named, Query};
use worklogs_core::export::flat::FlatSchema;
use worklogs_core::export::{Cell, Column, ColumnKind};

use super::export::{attribute_keys, MAX_PAGES_PER_CALL};
use super::query::{core_error, shows_others};
use super::rows::{Order, Range, Reader, Row, PAGE_ROWS};
use crate::access::Viewer;
use crate::executor::Ctx;
use crate::{index, input, Error};

/// The feed's namespace (its schema's name).
const NAMESPACE: &str = "Worklogs";
/// The table of worklogs.
const WORKLOGS: &str = "Worklogs";
/// The table of deleted worklogs.
const DELETED: &str = "Deleted";
/// Rows per answer when the caller asks for no size.
pub const DEFAULT_PAGE_ROWS: usize = 1000;
/// The most rows per answer.
pub const MAX_PAGE_ROWS: usize = 5000;

/// `export.feed`'s input, raw.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FeedRaw {
    #[serde(default)]
    set: Option<String>,
    #[serde(default)]
    filter: Option<Json>,
    #[serde(default)]
    order_by: Vec<Named>,
    #[serde(default)]
    select: Vec<Named>,
    #[serde(default)]
    top: Option<u64>,
    #[serde(default)]
    skip: Option<u64>,
    #[serde(default)]
    count: bool,
    #[serde(default)]
    skip_token: Option<String>,
    #[serde(default)]
    page_rows: Option<u64>,
}

/// `export.feed`'s input.
pub struct FeedInput {
    set: Option<String>,
    filter: Option<Filter>,
    order_by: Vec<Named>,
    select: Vec<Named>,
    top: Option<u64>,
    skip: u64,
    count: bool,
    token: Option<Token>,
    page_rows: usize,
}

impl input::Input for FeedInput {
    type Raw = FeedRaw;

    fn validate(raw: FeedRaw) -> Result<Self, Error> {
        let filter = raw
            .filter
            .map(|f| {
                serde_json::from_value::<Filter>(f).map_err(|e| {
                    Error::invalid_field("$filter", format_args!("not a filter tree: {e}"))
                })
            })
            .transpose()?;
        let page_rows = match raw.page_rows {
            None => DEFAULT_PAGE_ROWS,
            Some(n) if (1..=MAX_PAGE_ROWS as u64).contains(&n) => {
                usize::try_from(n).unwrap_or(DEFAULT_PAGE_ROWS)
            }
            Some(n) => {
                return Err(Error::invalid_field(
                    "pageRows",
                    format_args!("{n}: expected 1 to {MAX_PAGE_ROWS}"),
                ))
            }
        };
        Ok(Self {
            set: raw.set,
            filter,
            order_by: raw.order_by,
            select: raw.select,
            top: raw.top,
            skip: raw.skip.unwrap_or(0),
            count: raw.count,
            token: raw.skip_token.as_deref().map(Token::decode).transpose()?,
            page_rows,
        })
    }
}

/// Where the next page starts (the opaque `skipToken`: base64 of this JSON).
#[derive(Serialize, Deserialize, Debug, Clone, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Token {
    v: u32,
    /// The columns' attribute keys, fixed by the first page.
    attributes: Vec<String>,
    /// Keyset: the last key read, the rows still to skip and to answer.
    after: Option<(i64, i64)>,
    skip: u64,
    top: Option<u64>,
    /// Sorted: the offset of the next row.
    offset: u64,
}

impl Token {
    fn encode(&self) -> Result<String, Error> {
        let text = serde_json::to_vec(self)
            .map_err(|e| Error::internal(format!("the skip token could not be written: {e}")))?;
        Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text))
    }

    fn decode(text: &str) -> Result<Self, Error> {
        let bad = || {
            Error::invalid_field(
                "$skiptoken",
                format_args!("{}: not from a previous answer", input::quote(text)),
            )
        };
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(text)
            .map_err(|_| bad())?;
        let t: Self = serde_json::from_slice(&bytes).map_err(|_| bad())?;
        if t.v != 1 {
            return Err(bad());
        }
        Ok(t)
    }
}

/// A column as the feed describes it.
#[derive(Serialize, Debug)]
#[serde(rename_all = "camelCase")]
pub struct FeedColumn {
    name: String,
    /// `text`, `integer`, `decimal`, `boolean`, `date`, `dateTime` or `list`.
    kind: &'static str,
    /// Decimals of a `decimal`.
    #[serde(skip_serializing_if = "Option::is_none")]
    decimals: Option<u32>,
}

/// A table of the feed.
#[derive(Serialize, Debug)]
#[serde(rename_all = "camelCase")]
pub struct FeedSet {
    name: &'static str,
    /// The name of one row's type.
    entity_type: &'static str,
    /// The key column.
    key: &'static str,
    columns: Vec<FeedColumn>,
}

/// `export.feed`'s answer.
#[derive(Serialize, Debug)]
#[serde(rename_all = "camelCase")]
pub struct FeedAnswer {
    /// Without `set`: the namespace and the tables.
    #[serde(skip_serializing_if = "Option::is_none")]
    namespace: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sets: Option<Vec<FeedSet>>,
    /// With `set`: this page's rows, each a JSON object by column name.
    #[serde(skip_serializing_if = "Option::is_none")]
    rows: Option<Vec<Box<RawValue>>>,
    /// With `count`: the matching rows in all (before `top` and `skip`).
    #[serde(skip_serializing_if = "Option::is_none")]
    count: Option<u64>,
    /// Where the next page starts; absent on the last.
    #[serde(skip_serializing_if = "Option::is_none")]
    skip_token: Option<String>,
}

fn kind_name(kind: ColumnKind) -> &'static str {
    match kind {
        ColumnKind::Text => "text",
        ColumnKind::Integer => "integer",
        ColumnKind::Decimal => "decimal",
        ColumnKind::Boolean => "boolean",
        ColumnKind::Date | ColumnKind::Month => "date",
        ColumnKind::DateTime => "dateTime",
        ColumnKind::List => "list",
    }
}

fn describe(columns: &[Column]) -> Vec<FeedColumn> {
    columns
        .iter()
        .map(|c| FeedColumn {
            name: c.name.clone(),
            kind: kind_name(c.kind),
            decimals: (c.kind == ColumnKind::Decimal).then_some(c.decimals),
        })
        .collect()
}

/// The columns of `Deleted`.
fn deleted_columns() -> Vec<Column> {
    vec![
        Column::new("worklog_id", ColumnKind::Text),
        Column::new("deleted_utc", ColumnKind::DateTime),
    ]
}

fn engine(field: &'static str) -> impl Fn(worklogs_core::Error) -> Error {
    move |e| core_error(&format!("{field}: "), &e)
}

/// A row read: a worklog, or a deletion.
enum Item {
    Flat(Box<Row>),
    Deleted { id: String, at: Instant },
}

impl Item {
    fn cells<'a>(&'a self, schema: &FlatSchema) -> Result<Vec<Cell<'a>>, Error> {
        match self {
            Item::Flat(row) => schema.cells(&row.flat).map_err(engine("$select")),
            Item::Deleted { id, at } => Ok(vec![Cell::text(id), Cell::DateTime(*at)]),
        }
    }
}

/// Reads pages of one table in its key order.
struct Source {
    reader: Reader,
    deleted: bool,
    range: Range,
}

impl Source {
    async fn page(
        &mut self,
        ctx: &Ctx,
        viewer: &mut Viewer,
        after: Option<(i64, i64)>,
    ) -> Result<(Vec<((i64, i64), Item)>, Option<(i64, i64)>, bool), Error> {
        if self.deleted {
            let (found, last, more) = self
                .reader
                .deletions(ctx, viewer, &self.range, after, PAGE_ROWS)
                .await?;
            let items = found
                .into_iter()
                .map(|(id, at)| {
                    let item = Item::Deleted {
                        id: id.to_string(),
                        at: Instant::from_millis(at),
                    };
                    ((at, id), item)
                })
                .collect();
            Ok((items, last, more))
        } else {
            let (rows, last, more) = self
                .reader
                .page(ctx, viewer, &self.range, after, PAGE_ROWS)
                .await?;
            let items = rows
                .into_iter()
                .map(|row| ((row.at, row.id), Item::Flat(Box::new(row))))
                .collect();
            Ok((items, last, more))
        }
    }
}

/// The feed's description, or a page of one table (see the module docs).
///
/// # Errors
///
/// `forbidden` without an acting user; `invalid-input` naming the query option (`$filter`, `$orderby`,
/// `$select`, `$skiptoken`, `set`) and the position; `limit` when an order
/// or a count needs more rows than one call reads; Jira's and the database's
/// errors.
pub async fn feed(ctx: &Ctx, input: FeedInput) -> Result<FeedAnswer, Error> {
    // A feed is always a person's: never the app's view of everything.
    ctx.acting_user()?;
    let zone_name = ctx.context().time_zone.clone();
    let zone = zone_name.parse::<Zone>().map_err(|_| {
        Error::invalid_field(
            "timeZone",
            format_args!("{}: unknown", input::quote(&zone_name)),
        )
    })?;
    let (viewer, site) = futures::join!(Viewer::resolve(ctx), index::site(ctx));
    let (mut viewer, site) = (viewer?, site?);
    let attributes = match &input.token {
        Some(t) => t.attributes.clone(),
        None => attribute_keys(ctx, site).await?,
    };
    let schema = FlatSchema::new(zone, attributes.iter(), 2).map_err(engine("attributes"))?;
    let Some(set) = input.set.as_deref() else {
        return Ok(FeedAnswer {
            namespace: Some(NAMESPACE),
            sets: Some(vec![
                FeedSet {
                    name: WORKLOGS,
                    entity_type: "Worklog",
                    key: "worklog_id",
                    columns: describe(schema.columns()),
                },
                FeedSet {
                    name: DELETED,
                    entity_type: "DeletedWorklog",
                    key: "worklog_id",
                    columns: describe(&deleted_columns()),
                },
            ]),
            rows: None,
            count: None,
            skip_token: None,
        });
    };
    let deleted = match set {
        WORKLOGS => false,
        DELETED => true,
        other => {
            return Err(Error::not_found(format!(
                "no table {} (tables: {WORKLOGS}, {DELETED})",
                input::quote(other)
            )))
        }
    };
    let columns = if deleted {
        deleted_columns()
    } else {
        schema.columns().to_vec()
    };
    Query::check(&columns, input.filter.as_ref(), &[], &[]).map_err(engine("$filter"))?;
    Query::check(&columns, None, &input.order_by, &[]).map_err(engine("$orderby"))?;
    Query::check(&columns, None, &[], &input.select).map_err(engine("$select"))?;
    let query = Query::check(
        &columns,
        input.filter.as_ref(),
        &input.order_by,
        &input.select,
    )
    .map_err(engine("$filter"))?;
    let index_of = |name: &str| columns.iter().position(|c| c.name == name).unwrap_or(0);
    let (started, updated, key) = if deleted {
        (index_of("deleted_utc"), usize::MAX, index_of("worklog_id"))
    } else {
        (
            index_of("started_utc"),
            index_of("updated_utc"),
            index_of("worklog_id"),
        )
    };
    // The reader's key order serves the order asked for: none, or its column
    // ascending (then the id).
    let natural = |column: usize| match query.order() {
        [] => true,
        [(c, false)] => *c == column,
        [(c, false), (k, false)] => *c == column && *k == key,
        _ => false,
    };
    let by_updated = !deleted
        && (matches!(query.order().first(), Some((c, false)) if *c == updated)
            || (query.order().is_empty()
                && query.bounds_column(updated)
                && !query.bounds_column(started)));
    let order_column = if by_updated { updated } else { started };
    let keyset = natural(order_column) && !input.count;
    let (from, until) = query.bounds(order_column);
    // Comments and display names (`user/bulk`) come from Jira, page by page:
    // read them only when the answer or the query needs them.
    let uses = |column: &str| {
        input.select.is_empty()
            || input.select.iter().any(|n| n.column == column)
            || input.order_by.iter().any(|n| n.column == column)
            || input.filter.as_ref().is_some_and(|f| mentions(f, column))
    };
    let comments = uses("comment");
    let mut source = Source {
        reader: Reader::new(
            site,
            if by_updated {
                Order::Updated
            } else {
                Order::Started
            },
            comments,
            (None, None),
        ),
        deleted,
        range: Range { from, until },
    };
    if !uses("author_display_name") {
        source.reader.without_names();
    }
    let first_page = input.token.is_none();
    if first_page
        && !deleted
        && shows_others(viewer.account.as_deref(), viewer.author_ids().as_deref())
    {
        // One audit entry per read of other people's time, at its first page.
        crate::store::audit::record_export(ctx, "export.feed", serde_json::json!({ "set": set }))
            .await?;
    }
    let mut token = input.token.unwrap_or(Token {
        v: 1,
        attributes,
        after: None,
        skip: input.skip,
        top: input.top,
        offset: 0,
    });
    let mut rows: Vec<Box<RawValue>> = Vec::new();
    let raw = |text: String| {
        RawValue::from_string(text).map_err(|e| Error::internal(format!("a row is not JSON: {e}")))
    };
    if keyset {
        let mut after = token.after;
        for _ in 0..MAX_PAGES_PER_CALL {
            let (items, last, more) = source.page(ctx, &mut viewer, after).await?;
            for (item_key, item) in &items {
                if token.top == Some(0) {
                    return answer(rows, None, None);
                }
                let cells = item.cells(&schema)?;
                after = Some(*item_key);
                if !query.accepts(&cells) {
                    continue;
                }
                if token.skip > 0 {
                    token.skip = token.skip.saturating_sub(1);
                    continue;
                }
                rows.push(raw(query
                    .row_json(&columns, &cells)
                    .map_err(engine("$select"))?)?);
                token.top = token.top.map(|t| t.saturating_sub(1));
                if rows.len() >= input.page_rows {
                    token.after = after;
                    let next = (token.top != Some(0)).then(|| token.encode()).transpose()?;
                    return answer(rows, None, next);
                }
            }
            after = last;
            if !more {
                return answer(rows, None, None);
            }
        }
        // Time is up before the page is full: answer what there is.
        token.after = after;
        return answer(rows, None, Some(token.encode()?));
    }
    // Every matching row, in one call, sorted here.
    let mut items = Vec::new();
    let mut after = None;
    let mut complete = false;
    for _ in 0..MAX_PAGES_PER_CALL {
        let (page, last, more) = source.page(ctx, &mut viewer, after).await?;
        for (_, item) in page {
            if query.accepts(&item.cells(&schema)?) {
                items.push(item);
            }
        }
        after = last;
        if !more {
            complete = true;
            break;
        }
    }
    if !complete {
        let option = if input.count { "$count" } else { "$orderby" };
        return Err(Error::limit(format!(
            "{option}: more than {} rows to read in one request; narrow $filter (on started_utc or updated_utc), or leave out $orderby and $count to page in the index's order",
            MAX_PAGES_PER_CALL.saturating_mul(PAGE_ROWS)
        )));
    }
    let mut keyed = Vec::with_capacity(items.len());
    for item in &items {
        keyed.push(item.cells(&schema)?);
    }
    let key_order = [(order_column, false), (key, false)];
    keyed.sort_by(|a, b| {
        query.compare(a, b).then_with(|| {
            key_order
                .iter()
                .fold(std::cmp::Ordering::Equal, |o, (i, _)| {
                    o.then_with(|| {
                        let x = a.get(*i).unwrap_or(&Cell::Empty);
                        let y = b.get(*i).unwrap_or(&Cell::Empty);
                        compare_cells(x, y)
                    })
                })
        })
    });
    let total = u64::try_from(keyed.len()).unwrap_or(u64::MAX);
    let start = token.offset.max(input.skip);
    let end = input
        .top
        .map_or(total, |t| input.skip.saturating_add(t).min(total));
    let page_end = start
        .saturating_add(u64::try_from(input.page_rows).unwrap_or(u64::MAX))
        .min(end);
    for cells in keyed
        .iter()
        .skip(usize::try_from(start).unwrap_or(usize::MAX))
        .take(usize::try_from(page_end.saturating_sub(start)).unwrap_or(0))
    {
        rows.push(raw(query
            .row_json(&columns, cells)
            .map_err(engine("$select"))?)?);
    }
    let next = if page_end < end {
        token.offset = page_end;
        Some(token.encode()?)
    } else {
        None
    };
    answer(rows, input.count.then_some(total), next)
}

/// Whether `filter` compares `column`.
fn mentions(filter: &Filter, column: &str) -> bool {
    match filter {
        Filter::And(a, b) | Filter::Or(a, b) => mentions(a, column) || mentions(b, column),
        Filter::Not(a) => mentions(a, column),
        Filter::Compare { column: c, .. } => c == column,
    }
}

fn answer(
    rows: Vec<Box<RawValue>>,
    count: Option<u64>,
    skip_token: Option<String>,
) -> Result<FeedAnswer, Error> {
    Ok(FeedAnswer {
        namespace: None,
        sets: None,
        rows: Some(rows),
        count,
        skip_token,
    })
}
