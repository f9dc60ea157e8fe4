//! The archive format (`docs/backup.md`): the manifest, the canonical line of
//! a row, and the checks that refuse a tampered, truncated, incomplete or
//! newer archive, naming the part.

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use crate::input::quote;
use crate::protocol::Value;
use crate::store::audit::sha256_hex;
use crate::store::backup_rows::{int, Kind, Table};
use crate::Error;

/// What the manifest's `format` says.
pub const FORMAT: &str = "worklogs-backup";
/// The format version this app writes, and the newest it reads.
pub const VERSION: u32 = 1;
/// The manifest's name in an archive.
pub const MANIFEST: &str = "manifest.json";
/// The most bytes of a part: an upload of it (escaped as JSON) stays below the
/// component's 1 MiB input, and storing it below Forge SQL's 1 MiB request.
pub const PART_BYTES: usize = 700_000;

/// One table as the manifest describes it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TableEntry {
    /// The table's name.
    pub name: String,
    /// Its columns, in the order of each line's values.
    pub columns: Vec<String>,
    /// Rows in the archive.
    pub rows: u64,
}

/// One part as the manifest describes it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PartEntry {
    /// Its name: `<table>/<n>.jsonl`.
    pub name: String,
    /// The table its rows belong to.
    pub table: String,
    /// Rows (lines) it holds.
    pub rows: u64,
    /// Its length in bytes.
    pub bytes: u64,
    /// Its SHA-256, lower-case hex.
    pub sha256: String,
}

/// The manifest: what the archive holds and how to check it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Manifest {
    /// Always [`FORMAT`].
    pub format: String,
    /// The format version.
    pub version: u32,
    /// The archive's id where it was made.
    pub archive: String,
    /// How it was made: `manual` or `scheduled`.
    pub kind: String,
    /// When it was made, epoch milliseconds.
    pub created_at_ms: i64,
    /// The installation (site) it was made on.
    pub installation: String,
    /// Every table, in restore order.
    pub tables: Vec<TableEntry>,
    /// Every part, in order.
    pub parts: Vec<PartEntry>,
}

/// A part's name: `<table>/<n>.jsonl`, `n` from 1 with five digits.
pub fn part_name(table: &str, n: u32) -> String {
    format!("{table}/{n:05}.jsonl")
}

/// The canonical line of a row: a JSON array of its values in column order
/// (numbers, strings, `null`), serialised compactly, ended by `\n`.
///
/// # Errors
///
/// `internal` when a value does not fit its column's kind (the app's own
/// data gone bad), naming the table and column.
pub fn line(table: &Table, row: &[Value]) -> Result<String, Error> {
    let mut values = Vec::with_capacity(table.columns.len());
    for (column, value) in table.columns.iter().zip(row) {
        let bad = || {
            Error::internal(format!(
                "the stored {}.{} is not a valid {:?}: {value:?}",
                table.name, column.name, column.kind
            ))
        };
        let json = match (column.kind, value) {
            (Kind::OptInt | Kind::OptText, Value::Null) => Json::Null,
            (Kind::Int | Kind::OptInt, v) => Json::from(int(v).ok_or_else(bad)?),
            (Kind::Text | Kind::OptText, Value::Text(t)) => Json::from(t.clone()),
            _ => return Err(bad()),
        };
        values.push(json);
    }
    let mut text = Json::Array(values).to_string();
    text.push('\n');
    Ok(text)
}

/// The rows of a part, each as its columns' values, checked against the
/// table's columns.
///
/// # Errors
///
/// `invalid-input` naming the part and the line.
pub fn rows(table: &Table, part: &str, content: &str) -> Result<Vec<Vec<Value>>, Error> {
    let mut out = Vec::new();
    for (i, text) in content.split_terminator('\n').enumerate() {
        let n = i.saturating_add(1);
        let bad = |why: String| {
            Error::invalid_input(format_args!(
                "part {} line {n} is not a row of {}: {why}",
                quote(part),
                table.name
            ))
        };
        let values: Vec<Json> = serde_json::from_str(text).map_err(|e| bad(e.to_string()))?;
        if values.len() != table.columns.len() {
            return Err(bad(format!(
                "{} values, expected {}",
                values.len(),
                table.columns.len()
            )));
        }
        let mut row = Vec::with_capacity(values.len());
        for (column, value) in table.columns.iter().zip(values) {
            let v = match (column.kind, value) {
                (Kind::OptInt | Kind::OptText, Json::Null) => Value::Null,
                (Kind::Int | Kind::OptInt, Json::Number(n)) => {
                    Value::Int(n.as_i64().ok_or_else(|| {
                        bad(format!("{} is not a whole number: {n}", column.name))
                    })?)
                }
                (Kind::Text | Kind::OptText, Json::String(s)) => Value::Text(s),
                (_, other) => {
                    return Err(bad(format!(
                        "{} is not a {:?}: {other}",
                        column.name, column.kind
                    )))
                }
            };
            row.push(v);
        }
        out.push(row);
    }
    Ok(out)
}

/// Reads a manifest, refusing another format and a newer version.
///
/// # Errors
///
/// `invalid-input` naming the manifest: not JSON, not this format, or a
/// version newer than [`VERSION`].
pub fn manifest(text: &str) -> Result<Manifest, Error> {
    // The version first, so a newer archive is named as such even when its
    // manifest has fields this app does not know.
    let head: Json = serde_json::from_str(text)
        .map_err(|e| Error::invalid_input(format_args!("part \"{MANIFEST}\" is not JSON: {e}")))?;
    if head.get("format").and_then(Json::as_str) != Some(FORMAT) {
        return Err(Error::invalid_input(format_args!(
            "part \"{MANIFEST}\" is not a {FORMAT} manifest (format {})",
            head.get("format").unwrap_or(&Json::Null)
        )));
    }
    match head.get("version").and_then(Json::as_u64) {
        Some(v) if v > u64::from(VERSION) => {
            return Err(Error::invalid_input(format_args!(
                "part \"{MANIFEST}\": format version {v} is newer than this app reads ({VERSION}): update the app first"
            )))
        }
        Some(v) if v >= 1 => {}
        other => {
            return Err(Error::invalid_input(format_args!(
                "part \"{MANIFEST}\": version {other:?} is not a format version"
            )))
        }
    }
    serde_json::from_value(head).map_err(|e| {
        Error::invalid_input(format_args!(
            "part \"{MANIFEST}\" is not a valid manifest: {e}"
        ))
    })
}

/// Checks a part's content against its manifest entry: length (a shorter one
/// is truncated), SHA-256 (any other change) and row count.
///
/// # Errors
///
/// `invalid-input` naming the part and what is wrong.
pub fn check_part(entry: &PartEntry, content: &str) -> Result<(), Error> {
    let bytes = u64::try_from(content.len()).unwrap_or(u64::MAX);
    if bytes != entry.bytes {
        let how = if bytes < entry.bytes {
            "truncated"
        } else {
            "altered"
        };
        return Err(Error::invalid_input(format_args!(
            "part {} is {bytes} bytes, the manifest says {}: {how}",
            quote(&entry.name),
            entry.bytes
        )));
    }
    let sha = sha256_hex(content.as_bytes());
    if sha != entry.sha256 {
        return Err(Error::invalid_input(format_args!(
            "part {} does not match its SHA-256 in the manifest (it is {sha}): altered",
            quote(&entry.name)
        )));
    }
    let lines = u64::try_from(content.split_terminator('\n').count()).unwrap_or(u64::MAX);
    if lines != entry.rows {
        return Err(Error::invalid_input(format_args!(
            "part {} holds {lines} rows, the manifest says {}",
            quote(&entry.name),
            entry.rows
        )));
    }
    Ok(())
}
