//! Reading flat CSV files record by record, as views the core's engine reads
//! without copying.

use std::io::{BufReader, Read};

use worklogs_core::approval::State;
use worklogs_core::calendar::{parse_instant, Instant, Zone};
use worklogs_core::duration::Seconds;
use worklogs_core::export::csv::unneutralize;
use worklogs_core::export::flat::{FlatSchema, ATTRIBUTE_PREFIX};
use worklogs_core::export::{Cell, Column, ColumnKind};
use worklogs_core::report::Worklog;
use worklogs_core::{Decimal, NaiveDate, NaiveTime};

use super::{buffered, sniff_delimiter, Error};

/// Where each known column is in the file.
#[derive(Debug)]
struct Layout {
    columns: Vec<Column>,
    author_account_id: usize,
    started: usize,
    seconds: usize,
    author_display_name: Option<usize>,
    project_id: Option<usize>,
    project_key: Option<usize>,
    project_name: Option<usize>,
    issue_key: Option<usize>,
    issue_summary: Option<usize>,
    parent_key: Option<usize>,
    parent_summary: Option<usize>,
    issue_status: Option<usize>,
    billable: Option<usize>,
    components: Option<usize>,
    labels: Option<usize>,
    approval_state: Option<usize>,
    /// Attribute key and column, sorted by key.
    attributes: Vec<(String, usize)>,
    /// For each column of kind list, its position among the list columns.
    list_slots: Vec<Option<usize>>,
}

impl Layout {
    fn new(header: &csv::StringRecord) -> Result<Self, Error> {
        let names: Vec<String> = header
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let name = if i == 0 {
                    name.trim_start_matches('\u{feff}')
                } else {
                    name
                };
                name.trim().to_owned()
            })
            .collect();
        let find = |wanted: &str| names.iter().position(|n| n == wanted);
        let require = |wanted: &str| {
            find(wanted).ok_or_else(|| Error::Csv {
                line: Some(1),
                message: format!("missing column {wanted:?} in the header"),
            })
        };
        let mut attributes: Vec<(String, usize)> = names
            .iter()
            .enumerate()
            .filter_map(|(i, n)| n.strip_prefix(ATTRIBUTE_PREFIX).map(|k| (k.to_owned(), i)))
            .collect();
        attributes.sort();
        // Type each column by the flat schema; unknown columns are text.
        let keys: Vec<&str> = attributes
            .iter()
            .map(|(k, _)| k.as_str())
            .filter(|k| FlatSchema::new(Zone::UTC, [*k], 2).is_ok())
            .collect();
        let schema = FlatSchema::new(Zone::UTC, keys, 2)?;
        let columns: Vec<Column> = names
            .iter()
            .map(|name| {
                schema
                    .columns()
                    .iter()
                    .find(|c| &c.name == name)
                    .cloned()
                    .unwrap_or_else(|| Column::text(name, 20))
            })
            .collect();
        let mut next_slot = 0;
        let list_slots = columns
            .iter()
            .map(|c| {
                (c.kind == ColumnKind::List).then(|| {
                    next_slot += 1;
                    next_slot - 1
                })
            })
            .collect();
        Ok(Layout {
            author_account_id: require("author_account_id")?,
            started: require("started_utc")?,
            seconds: require("seconds")?,
            author_display_name: find("author_display_name"),
            project_id: find("project_id"),
            project_key: find("project_key"),
            project_name: find("project_name"),
            issue_key: find("issue_key"),
            issue_summary: find("issue_summary"),
            parent_key: find("parent_key"),
            parent_summary: find("parent_summary"),
            issue_status: find("issue_status"),
            billable: find("billable"),
            components: find("components"),
            labels: find("labels"),
            approval_state: find("approval_state"),
            attributes,
            list_slots,
            columns,
        })
    }
}

/// A streaming reader of flat CSV files: one reusable record at a time.
///
/// # Example
///
/// ```
/// use worklogs_core::report::Worklog;
/// let mut file = Vec::new();
/// worklogs_cli::flatfile::generate(3, 1, &mut file)?;
/// let mut reader = worklogs_cli::flatfile::FlatReader::new(&file[..])?;
/// let mut seconds = 0;
/// while let Some(record) = reader.next_record()? {
///     seconds += record.seconds().get();
/// }
/// assert!(seconds > 0);
/// # Ok::<(), worklogs_cli::flatfile::Error>(())
/// ```
#[derive(Debug)]
pub struct FlatReader<R: Read> {
    csv: csv::Reader<BufReader<R>>,
    layout: Layout,
    record: csv::StringRecord,
}

impl<R: Read> FlatReader<R> {
    /// Reads the header of a flat CSV file.
    ///
    /// # Errors
    ///
    /// I/O errors; [`Error::Csv`] for a malformed header or missing
    /// `author_account_id`, `started_utc` or `seconds`.
    pub fn new(reader: R) -> Result<Self, Error> {
        let mut buffered = buffered(reader);
        let delimiter = sniff_delimiter(&mut buffered)?;
        let mut csv = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(true)
            .from_reader(buffered);
        let header = csv.headers()?.clone();
        Ok(FlatReader {
            layout: Layout::new(&header)?,
            csv,
            record: csv::StringRecord::new(),
        })
    }

    /// The file's columns, typed by the flat schema (unknown columns as text).
    pub fn columns(&self) -> Vec<Column> {
        self.layout.columns.clone()
    }

    /// The next record, or `None` at the end.
    ///
    /// # Errors
    ///
    /// I/O errors; [`Error::Csv`] for malformed CSV; [`Error::Core`] or
    /// [`Error::Csv`] with the line for a bad `started_utc`, `seconds` or
    /// `billable`.
    pub fn next_record(&mut self) -> Result<Option<FlatRecord<'_>>, Error> {
        if !self.csv.read_record(&mut self.record)? {
            return Ok(None);
        }
        // csv counts the line a record's start follows; people count from the start.
        let line = self
            .record
            .position()
            .map_or(0, |p| p.line().saturating_add(1));
        let layout = &self.layout;
        let field = |i: usize| self.record.get(i).unwrap_or_default();
        let started_text = field(layout.started);
        let started = match parse_utc(started_text) {
            Some(instant) => instant,
            None => parse_instant(started_text).map_err(|error| Error::Core {
                line: Some(line),
                error: error.with_field("started_utc"),
            })?,
        };
        let seconds_text = field(layout.seconds);
        let seconds = seconds_text
            .parse::<u64>()
            .ok()
            .and_then(|s| Seconds::new(s).ok())
            .ok_or_else(|| Error::Csv {
                line: Some(line),
                message: format!(
                    "invalid seconds {seconds_text:?}: expected a whole number of seconds"
                ),
            })?;
        let billable = match layout.billable.map(field) {
            None | Some("" | "false" | "0") => false,
            Some("true" | "1") => true,
            Some(other) => {
                return Err(Error::Csv {
                    line: Some(line),
                    message: format!("invalid billable {other:?}: expected true or false"),
                })
            }
        };
        // A file of schema version 1 has no approval states: every worklog
        // counts as open.
        let approval_state = match layout.approval_state.map(field) {
            None | Some("") => State::Open,
            Some(text) => State::parse(text).ok_or_else(|| Error::Csv {
                line: Some(line),
                message: format!(
                    "invalid approval_state {text:?}: expected open, submitted or approved"
                ),
            })?,
        };
        Ok(Some(FlatRecord {
            record: &self.record,
            layout,
            started,
            seconds,
            billable,
            approval_state,
            line,
        }))
    }
}

/// One record of a flat file, read as a worklog.
#[derive(Debug)]
pub struct FlatRecord<'r> {
    record: &'r csv::StringRecord,
    layout: &'r Layout,
    started: Instant,
    seconds: Seconds,
    billable: bool,
    approval_state: State,
    line: u64,
}

/// Parses `2026-03-25T09:30:00.000Z` without the general parser's cost; `None` for
/// any other shape (the caller then uses the general parser).
fn parse_utc(text: &str) -> Option<Instant> {
    let b = text.as_bytes();
    if b.len() != 24
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
        || b[19] != b'.'
        || b[23] != b'Z'
    {
        return None;
    }
    let number = |from: usize, to: usize| -> Option<u32> {
        b[from..to].iter().try_fold(0_u32, |n, d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        })
    };
    let date = NaiveDate::from_ymd_opt(
        i32::try_from(number(0, 4)?).ok()?,
        number(5, 7)?,
        number(8, 10)?,
    )?;
    let time = NaiveTime::from_hms_milli_opt(
        number(11, 13)?,
        number(14, 16)?,
        number(17, 19)?,
        number(20, 23)?,
    )?;
    Some(Instant::from_millis(
        date.and_time(time).and_utc().timestamp_millis(),
    ))
}

/// Parses `2026-03-25` (chrono's general parser is several times slower).
fn parse_date(text: &str) -> Option<NaiveDate> {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let number = |from: usize, to: usize| -> Option<u32> {
        b[from..to].iter().try_fold(0_u32, |n, d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        })
    };
    NaiveDate::from_ymd_opt(
        i32::try_from(number(0, 4)?).ok()?,
        number(5, 7)?,
        number(8, 10)?,
    )
}

impl<'r> FlatRecord<'r> {
    /// The 1-based line where the record starts.
    pub fn line(&self) -> u64 {
        self.line
    }

    fn text(&self, index: Option<usize>) -> &'r str {
        index
            .and_then(|i| self.record.get(i))
            .map_or("", unneutralize)
    }

    fn list(&self, index: Option<usize>, f: &mut dyn FnMut(&'r str)) {
        let text = self.text(index);
        for value in text.split(';').map(str::trim).filter(|v| !v.is_empty()) {
            f(value);
        }
    }

    /// Fills `lists` with the values of each list column, in column order.
    pub fn list_values(&self, lists: &mut Vec<Vec<String>>) {
        lists.clear();
        for (index, slot) in self.layout.list_slots.iter().enumerate() {
            if slot.is_some() {
                let mut values = Vec::new();
                self.list(Some(index), &mut |v| values.push(v.to_owned()));
                lists.push(values);
            }
        }
    }

    /// The record as typed cells for the exporters, with list values from
    /// [`FlatRecord::list_values`].
    ///
    /// # Errors
    ///
    /// [`Error::Csv`] or [`Error::Core`] (with the line) for a value that does not
    /// parse as its column's kind.
    pub fn cells<'a>(&'a self, lists: &'a [Vec<String>]) -> Result<Vec<Cell<'a>>, Error> {
        let line = self.line;
        let bad = |column: &Column, value: &str| Error::Csv {
            line: Some(line),
            message: format!(
                "invalid {} {value:?}: expected {:?}",
                column.name, column.kind
            ),
        };
        let mut cells = Vec::with_capacity(self.layout.columns.len());
        for (index, column) in self.layout.columns.iter().enumerate() {
            let raw = self.record.get(index).unwrap_or_default();
            if raw.is_empty() && column.kind != ColumnKind::List {
                cells.push(Cell::Empty);
                continue;
            }
            let cell = match column.kind {
                ColumnKind::Text => Cell::text(unneutralize(raw)),
                ColumnKind::Integer => Cell::Integer(raw.parse().map_err(|_| bad(column, raw))?),
                ColumnKind::Decimal => Cell::Decimal(
                    raw.replace(',', ".")
                        .parse::<Decimal>()
                        .map_err(|_| bad(column, raw))?,
                ),
                ColumnKind::Boolean => match raw {
                    "true" | "1" => Cell::Boolean(true),
                    "false" | "0" => Cell::Boolean(false),
                    _ => return Err(bad(column, raw)),
                },
                ColumnKind::Date => Cell::Date(parse_date(raw).ok_or_else(|| bad(column, raw))?),
                ColumnKind::Month => {
                    Cell::Date(parse_date(&format!("{raw}-01")).ok_or_else(|| bad(column, raw))?)
                }
                ColumnKind::DateTime => Cell::DateTime(match parse_utc(raw) {
                    Some(instant) => instant,
                    None => parse_instant(raw).map_err(|error| Error::Core {
                        line: Some(line),
                        error: error.with_field(&column.name),
                    })?,
                }),
                ColumnKind::List => {
                    let slot = self.layout.list_slots.get(index).copied().flatten();
                    match slot.and_then(|s| lists.get(s)) {
                        Some(values) => Cell::List(values),
                        None => Cell::Empty,
                    }
                }
            };
            cells.push(cell);
        }
        Ok(cells)
    }
}

impl Worklog for FlatRecord<'_> {
    fn started(&self) -> Instant {
        self.started
    }
    fn seconds(&self) -> Seconds {
        self.seconds
    }
    fn author_account_id(&self) -> &str {
        self.text(Some(self.layout.author_account_id))
    }
    fn author_display_name(&self) -> &str {
        self.text(self.layout.author_display_name)
    }
    fn project_id(&self) -> &str {
        self.text(self.layout.project_id)
    }
    fn project_key(&self) -> &str {
        self.text(self.layout.project_key)
    }
    fn project_name(&self) -> &str {
        self.text(self.layout.project_name)
    }
    fn issue_key(&self) -> &str {
        self.text(self.layout.issue_key)
    }
    fn issue_summary(&self) -> &str {
        self.text(self.layout.issue_summary)
    }
    fn parent_key(&self) -> Option<&str> {
        Some(self.text(self.layout.parent_key)).filter(|s| !s.is_empty())
    }
    fn parent_summary(&self) -> Option<&str> {
        Some(self.text(self.layout.parent_summary)).filter(|s| !s.is_empty())
    }
    fn issue_status(&self) -> &str {
        self.text(self.layout.issue_status)
    }
    fn billable(&self) -> bool {
        self.billable
    }
    fn attribute(&self, key: &str) -> Option<&str> {
        let (_, index) = self.layout.attributes.iter().find(|(k, _)| k == key)?;
        Some(self.text(Some(*index))).filter(|s| !s.is_empty())
    }
    fn for_each_attribute<'a>(&'a self, f: &mut dyn FnMut(&'a str, &'a str)) {
        for (key, index) in &self.layout.attributes {
            let value = self.text(Some(*index));
            if !value.is_empty() {
                f(key, value);
            }
        }
    }
    fn for_each_component<'a>(&'a self, f: &mut dyn FnMut(&'a str)) {
        self.list(self.layout.components, f);
    }
    fn for_each_label<'a>(&'a self, f: &mut dyn FnMut(&'a str)) {
        self.list(self.layout.labels, f);
    }
    fn approval_state(&self) -> State {
        self.approval_state
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fast_instant_parser_agrees_with_the_core() {
        for text in [
            "2026-03-25T09:30:00.000Z",
            "1970-01-01T00:00:00.000Z",
            "2024-02-29T23:59:59.999Z",
        ] {
            assert_eq!(
                parse_utc(text),
                Some(parse_instant(text).unwrap()),
                "{text}"
            );
        }
        assert_eq!(
            parse_date("2026-03-25"),
            NaiveDate::from_ymd_opt(2026, 3, 25)
        );
        assert_eq!(parse_date("2026-02-30"), None);
        assert_eq!(parse_date("2026-3-25"), None);
        for text in [
            "2026-02-30T09:30:00.000Z",
            "2026-03-25T09:30:00Z",
            "2026-03-25T25:30:00.000Z",
            "2026-03-25T09:30:00.000+",
        ] {
            assert_eq!(parse_utc(text), None, "{text}");
        }
    }
}
