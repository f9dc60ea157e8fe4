//! Incremental export: the worklogs changed since a point in time, and the ids of
//! those deleted since then, in pages with a `next` cursor.
//!
//! A consumer (a Power BI dataflow, a warehouse job) keeps a copy of the flat export.
//! Each run:
//!
//! 1. asks with `{"since": "<the asOf of its last complete run>"}` (nothing for a
//!    full copy);
//! 2. upserts every row of `changed` by `worklog_id` and deletes every id of
//!    `deleted`;
//! 3. asks again with `{"cursor": "<next>"}` until `next` is `null`;
//! 4. stores the page's `asOf` as the `since` of its next run.
//!
//! The first page fixes `asOf` (the task's `now`): every page of the run holds
//! changes with `since <= updated < asOf` only, so a worklog edited while the run
//! pages is picked up by the next run rather than skipped or sent twice. Rows come
//! in keyset order `(updated, worklog_id)`, deletions `(deleted, worklog_id)`; the
//! cursor holds the last key of each, so a run survives retries and never holds a
//! database snapshot. A worklog updated and then deleted within one window appears
//! in both lists; deletions apply after upserts, so it ends deleted.
//!
//! This module is pure: the app reads the rows with the bounds of
//! [`IncrementalRequest::changed_keyset`] and [`IncrementalRequest::deleted_keyset`]
//! (`LIMIT limit + 1`, the extra row telling that more follow) and builds the page
//! with [`IncrementalPage::build`].
//!
//! ```
//! use worklogs_core::calendar::{parse_instant, Instant};
//! use worklogs_core::export::flat::{FlatRow, FlatSchema};
//! use worklogs_core::export::incremental::{IncrementalPage, IncrementalRequest};
//!
//! let now = parse_instant("2026-03-02T00:00:00Z")?;
//! let request = IncrementalRequest::from_json(r#"{"since": "2026-03-01T00:00:00Z", "limit": 1}"#, now)?;
//! let keyset = request.changed_keyset().unwrap();
//! assert_eq!((keyset.from, keyset.until), (parse_instant("2026-03-01T00:00:00Z")?, now));
//! // The app reads at most limit + 1 rows; two came back, so a next page follows.
//! let row = |id: &str| FlatRow { worklog_id: id.into(), updated: now, ..FlatRow::default() };
//! let page = IncrementalPage::build(&request, vec![row("1"), row("2")], vec![])?;
//! assert_eq!(page.changed.len(), 1);
//! let next = page.next.clone().unwrap();
//! let again = IncrementalRequest::from_json(&format!(r#"{{"cursor": "{next}"}}"#), now)?;
//! assert_eq!(again.changed_keyset().unwrap().after.unwrap().worklog_id, "1");
//! # Ok::<(), worklogs_core::Error>(())
//! ```

use std::fmt;

use serde::{Deserialize, Serialize};

use super::flat::{FlatRow, FlatSchema, SCHEMA_VERSION};
use super::json::JsonExporter;
use crate::calendar::{format_utc, parse_instant, Instant};
use crate::error::{quote, Error};

/// The most rows of each list in a page: Jira's own page size for worklog changes.
pub const MAX_LIMIT: u32 = 1000;

/// A keyset position: the last row read.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Position {
    /// The row's `updated` (or `deleted`) instant.
    pub at: Instant,
    /// The row's worklog id.
    pub worklog_id: String,
}

/// Where one list of a run stands.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Phase {
    /// Nothing read yet.
    Start,
    /// Read up to and including this position.
    After(Position),
    /// Everything read.
    Done,
}

/// Where a run stands: its window and a phase per list. Travels as the opaque
/// `next` string (`Display` / [`IncrementalCursor::decode`]).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct IncrementalCursor {
    /// Changes at or after this instant.
    pub since: Instant,
    /// Changes before this instant (fixed by the run's first page).
    pub as_of: Instant,
    /// The changed rows' phase.
    pub changed: Phase,
    /// The deletions' phase.
    pub deleted: Phase,
}

/// What to read next from one list: `from <= at < until`, after `after` in
/// `(at, worklog_id)` order, at most `limit + 1` rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Keyset<'a> {
    /// The lower bound (inclusive).
    pub from: Instant,
    /// The upper bound (exclusive).
    pub until: Instant,
    /// The last row already read.
    pub after: Option<&'a Position>,
    /// Rows to return; read one more to learn whether more follow.
    pub limit: u32,
}

const CURSOR_VERSION: &str = "w1";

impl IncrementalCursor {
    fn keyset<'a>(&'a self, phase: &'a Phase, limit: u32) -> Option<Keyset<'a>> {
        let after = match phase {
            Phase::Start => None,
            Phase::After(position) => Some(position),
            Phase::Done => return None,
        };
        Some(Keyset {
            from: self.since,
            until: self.as_of,
            after,
            limit,
        })
    }

    /// Parses a cursor written by `Display`.
    ///
    /// # Errors
    ///
    /// Invalid input `invalid-cursor` (field `cursor`) for anything else.
    ///
    /// # Example
    ///
    /// ```
    /// use worklogs_core::calendar::Instant;
    /// use worklogs_core::export::incremental::{IncrementalCursor, Phase, Position};
    /// let cursor = IncrementalCursor {
    ///     since: Instant::from_millis(0),
    ///     as_of: Instant::from_millis(5000),
    ///     changed: Phase::After(Position { at: Instant::from_millis(4000), worklog_id: "10042".into() }),
    ///     deleted: Phase::Start,
    /// };
    /// let text = cursor.to_string();
    /// assert_eq!(text, "w1.0.5000.4000:10042.s");
    /// assert_eq!(IncrementalCursor::decode(&text)?, cursor);
    /// assert!(IncrementalCursor::decode("w1.0").is_err());
    /// # Ok::<(), worklogs_core::Error>(())
    /// ```
    pub fn decode(text: &str) -> Result<Self, Error> {
        let invalid = || {
            Error::invalid(
                "invalid-cursor",
                format!(
                    "invalid cursor {}: not a cursor this app returned (start again from since)",
                    quote(text)
                ),
            )
            .field_name("cursor")
        };
        let millis = |part: &str| part.parse::<i64>().ok().map(Instant::from_millis);
        let phase = |part: &str| match part {
            "s" => Some(Phase::Start),
            "d" => Some(Phase::Done),
            _ => {
                let (at, id) = part.split_once(':')?;
                valid_id(id).then(|| {
                    millis(at).map(|at| {
                        Phase::After(Position {
                            at,
                            worklog_id: id.to_owned(),
                        })
                    })
                })?
            }
        };
        let parts: Vec<&str> = text.split('.').collect();
        match parts.as_slice() {
            [CURSOR_VERSION, since, as_of, changed, deleted] => {
                let cursor = IncrementalCursor {
                    since: millis(since).ok_or_else(invalid)?,
                    as_of: millis(as_of).ok_or_else(invalid)?,
                    changed: phase(changed).ok_or_else(invalid)?,
                    deleted: phase(deleted).ok_or_else(invalid)?,
                };
                if cursor.as_of < cursor.since {
                    return Err(invalid());
                }
                Ok(cursor)
            }
            _ => Err(invalid()),
        }
    }
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

impl fmt::Display for IncrementalCursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let phase = |p: &Phase| match p {
            Phase::Start => "s".to_owned(),
            Phase::Done => "d".to_owned(),
            Phase::After(position) => format!("{}:{}", position.at.millis(), position.worklog_id),
        };
        write!(
            f,
            "{CURSOR_VERSION}.{}.{}.{}.{}",
            self.since.millis(),
            self.as_of.millis(),
            phase(&self.changed),
            phase(&self.deleted)
        )
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RawRequest {
    #[serde(default)]
    since: Option<String>,
    #[serde(default)]
    cursor: Option<String>,
    #[serde(default)]
    limit: Option<u32>,
}

/// A validated request for one page.
///
/// JSON: `{"since": "2026-03-01T00:00:00Z"}` (or nothing, for everything) on a run's
/// first page, `{"cursor": "w1.…"}` after; `limit` (1 to 1000, default 1000) on any.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IncrementalRequest {
    /// Where the page starts.
    pub cursor: IncrementalCursor,
    /// The most rows of each list in the page.
    pub limit: u32,
}

impl IncrementalRequest {
    /// Parses and validates a request; a first page's window ends at `now`.
    ///
    /// # Errors
    ///
    /// Invalid input `invalid-request` for malformed JSON or unknown fields,
    /// `invalid-instant` (field `since`), `invalid-cursor` (field `cursor`),
    /// `since-and-cursor` when both are given, `out-of-range` (field `limit`), and
    /// `since-in-future` (field `since`) when `since` is after `now`.
    ///
    /// # Example
    ///
    /// See the module docs.
    pub fn from_json(text: &str, now: Instant) -> Result<Self, Error> {
        let raw: RawRequest = serde_json::from_str(text).map_err(|err| {
            Error::invalid(
                "invalid-request",
                format!("invalid incremental export request: {err}"),
            )
        })?;
        let limit = raw.limit.unwrap_or(MAX_LIMIT);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(Error::invalid(
                "out-of-range",
                format!("invalid limit {limit}: out of range (expected 1 to {MAX_LIMIT})"),
            )
            .field_name("limit"));
        }
        let cursor =
            match (raw.since, raw.cursor) {
                (Some(_), Some(_)) => return Err(Error::invalid(
                    "since-and-cursor",
                    "invalid request: give since on a run's first page and cursor after, not both"
                        .to_owned(),
                )),
                (_, Some(cursor)) => IncrementalCursor::decode(&cursor)?,
                (since, None) => {
                    let since = match since {
                        Some(text) => parse_instant(&text).map_err(|e| e.with_field("since"))?,
                        None => Instant::from_millis(0),
                    };
                    if since > now {
                        return Err(Error::invalid(
                            "since-in-future",
                            format!(
                                "invalid since {}: after now ({})",
                                format_utc(since)?,
                                format_utc(now)?
                            ),
                        )
                        .field_name("since"));
                    }
                    IncrementalCursor {
                        since,
                        as_of: now,
                        changed: Phase::Start,
                        deleted: Phase::Start,
                    }
                }
            };
        Ok(IncrementalRequest { cursor, limit })
    }

    /// The bounds for reading changed rows, or `None` when they are all read.
    pub fn changed_keyset(&self) -> Option<Keyset<'_>> {
        self.cursor.keyset(&self.cursor.changed, self.limit)
    }

    /// The bounds for reading deletions, or `None` when they are all read.
    pub fn deleted_keyset(&self) -> Option<Keyset<'_>> {
        self.cursor.keyset(&self.cursor.deleted, self.limit)
    }
}

/// A deleted worklog.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DeletedWorklog {
    /// Jira's worklog id.
    pub worklog_id: String,
    /// When the app learnt of the deletion.
    #[serde(rename = "deleted_ms")]
    pub deleted: Instant,
}

/// One page of an incremental export.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IncrementalPage {
    /// The window's start.
    pub since: Instant,
    /// The window's end: the next run's `since`.
    pub as_of: Instant,
    /// Rows changed in the window, in `(updated, worklog_id)` order.
    pub changed: Vec<FlatRow>,
    /// Worklogs deleted in the window, in `(deleted, worklog_id)` order.
    pub deleted: Vec<DeletedWorklog>,
    /// The cursor of the next page, `None` on the last.
    pub next: Option<IncrementalCursor>,
}

impl IncrementalPage {
    /// A page from the rows the app read for `request` (at most `limit + 1` of each
    /// list it was asked to read, in keyset order; empty for a list whose keyset was
    /// `None`).
    ///
    /// # Errors
    ///
    /// Invalid input `invalid-worklog-id` for an id the cursor cannot carry (ids are
    /// 1 to 64 letters, digits, `-` or `_`).
    ///
    /// # Example
    ///
    /// See the module docs.
    pub fn build(
        request: &IncrementalRequest,
        mut changed: Vec<FlatRow>,
        mut deleted: Vec<DeletedWorklog>,
    ) -> Result<Self, Error> {
        let limit = usize::try_from(request.limit).unwrap_or(usize::MAX);
        let mut cursor = request.cursor.clone();
        let advance = |phase: &Phase, more: bool, last: Option<Position>| -> Result<Phase, Error> {
            Ok(match (phase, more, last) {
                (Phase::Done, _, _) => Phase::Done,
                (_, false, _) => Phase::Done,
                (_, true, Some(position)) => {
                    if !valid_id(&position.worklog_id) {
                        return Err(Error::invalid(
                            "invalid-worklog-id",
                            format!(
                                "invalid worklog id {}: expected 1 to 64 letters, digits, - or _",
                                quote(&position.worklog_id)
                            ),
                        )
                        .field_name("worklog_id"));
                    }
                    Phase::After(position)
                }
                (phase, true, None) => phase.clone(),
            })
        };
        let more_changed = changed.len() > limit;
        changed.truncate(limit);
        let last_changed = changed.last().map(|r| Position {
            at: r.updated,
            worklog_id: r.worklog_id.clone(),
        });
        cursor.changed = advance(&cursor.changed, more_changed, last_changed)?;
        let more_deleted = deleted.len() > limit;
        deleted.truncate(limit);
        let last_deleted = deleted.last().map(|d| Position {
            at: d.deleted,
            worklog_id: d.worklog_id.clone(),
        });
        cursor.deleted = advance(&cursor.deleted, more_deleted, last_deleted)?;
        let finished = cursor.changed == Phase::Done && cursor.deleted == Phase::Done;
        Ok(IncrementalPage {
            since: request.cursor.since,
            as_of: request.cursor.as_of,
            changed,
            deleted,
            next: (!finished).then_some(cursor),
        })
    }

    /// The page as JSON: `{"schemaVersion": 2, "timeZone": "Europe/Berlin", "since":
    /// "…Z", "asOf": "…Z", "changed": [rows as in the JSON export], "deleted":
    /// [{"worklog_id": "…", "deleted_utc": "…Z"}], "next": "w1.…" or null}`.
    ///
    /// # Errors
    ///
    /// As [`FlatSchema::cells`].
    ///
    /// # Example
    ///
    /// ```
    /// use worklogs_core::calendar::{Instant, Zone};
    /// use worklogs_core::export::flat::FlatSchema;
    /// use worklogs_core::export::incremental::{IncrementalPage, IncrementalRequest};
    /// let request = IncrementalRequest::from_json("{}", Instant::from_millis(1000))?;
    /// let page = IncrementalPage::build(&request, vec![], vec![])?;
    /// let json: serde_json::Value = serde_json::from_slice(&page.to_json(&FlatSchema::new(Zone::UTC, [] as [&str; 0], 2)?)?).unwrap();
    /// assert_eq!(json["next"], serde_json::Value::Null);
    /// assert_eq!(json["asOf"], "1970-01-01T00:00:01.000Z");
    /// # Ok::<(), worklogs_core::Error>(())
    /// ```
    pub fn to_json(&self, schema: &FlatSchema) -> Result<Vec<u8>, Error> {
        let rows = JsonExporter::new(schema.columns().to_vec(), true);
        let mut out = Vec::new();
        let head = serde_json::json!({
            "schemaVersion": SCHEMA_VERSION,
            "timeZone": schema.zone().name(),
            "since": format_utc(self.since)?,
            "asOf": format_utc(self.as_of)?,
        })
        .to_string();
        // `{…head…` without its closing brace, then the lists.
        out.extend_from_slice(head.trim_end_matches('}').as_bytes());
        out.extend_from_slice(b",\"changed\":[");
        for (index, row) in self.changed.iter().enumerate() {
            if index > 0 {
                out.push(b',');
            }
            rows.object(&schema.cells(row)?, &mut out)?;
        }
        out.extend_from_slice(b"],\"deleted\":[");
        for (index, deletion) in self.deleted.iter().enumerate() {
            if index > 0 {
                out.push(b',');
            }
            let entry = serde_json::json!({
                "worklog_id": deletion.worklog_id,
                "deleted_utc": format_utc(deletion.deleted)?,
            });
            out.extend_from_slice(entry.to_string().as_bytes());
        }
        out.extend_from_slice(b"],\"next\":");
        match &self.next {
            Some(cursor) => out.extend_from_slice(
                serde_json::to_string(&cursor.to_string())
                    .unwrap_or_default()
                    .as_bytes(),
            ),
            None => out.extend_from_slice(b"null"),
        }
        out.push(b'}');
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::Zone;

    fn at(ms: i64) -> Instant {
        Instant::from_millis(ms)
    }

    #[test]
    fn requests_are_validated() {
        let now = at(10_000);
        for (json, reason, field) in [
            (
                r#"{"since": "yesterday"}"#,
                "invalid-instant",
                Some("since"),
            ),
            (
                r#"{"since": "2999-01-01T00:00:00Z"}"#,
                "since-in-future",
                Some("since"),
            ),
            (
                r#"{"cursor": "w2.0.0.s.s"}"#,
                "invalid-cursor",
                Some("cursor"),
            ),
            (
                r#"{"cursor": "w1.0.0.1:a.b.s"}"#,
                "invalid-cursor",
                Some("cursor"),
            ),
            (
                r#"{"cursor": "w1.9.0.s.s"}"#,
                "invalid-cursor",
                Some("cursor"),
            ),
            (r#"{"limit": 0}"#, "out-of-range", Some("limit")),
            (r#"{"limit": 1001}"#, "out-of-range", Some("limit")),
            (
                r#"{"since": "2026-01-01T00:00:00Z", "cursor": "w1.0.0.s.s"}"#,
                "since-and-cursor",
                None,
            ),
            (r#"{"sinse": 1}"#, "invalid-request", None),
        ] {
            let err = IncrementalRequest::from_json(json, now).unwrap_err();
            assert_eq!(err.reason(), reason, "{json}");
            assert_eq!(err.field(), field, "{json}");
        }
        let full = IncrementalRequest::from_json("{}", now).unwrap();
        assert_eq!(full.cursor.since, at(0));
        assert_eq!(full.cursor.as_of, now);
        assert_eq!(full.limit, MAX_LIMIT);
    }

    #[test]
    fn pages_walk_both_lists_to_the_end() {
        let request = IncrementalRequest::from_json(r#"{"limit": 2}"#, at(100)).unwrap();
        let row = |id: &str, ms| FlatRow {
            worklog_id: id.into(),
            updated: at(ms),
            ..FlatRow::default()
        };
        let gone = |id: &str, ms| DeletedWorklog {
            worklog_id: id.into(),
            deleted: at(ms),
        };
        // Three changed rows read (limit + 1): two go out, the cursor stays after "2".
        let page = IncrementalPage::build(
            &request,
            vec![row("1", 5), row("2", 6), row("3", 7)],
            vec![gone("9", 8)],
        )
        .unwrap();
        assert_eq!(page.changed.len(), 2);
        let next = page.next.clone().unwrap();
        assert_eq!(
            next.changed,
            Phase::After(Position {
                at: at(6),
                worklog_id: "2".into()
            })
        );
        assert_eq!(next.deleted, Phase::Done);
        let request = IncrementalRequest::from_json(
            &format!(r#"{{"cursor": "{next}", "limit": 2}}"#),
            at(999),
        )
        .unwrap();
        assert!(request.deleted_keyset().is_none());
        assert_eq!(request.changed_keyset().unwrap().limit, 2);
        assert_eq!(
            request.cursor.as_of,
            at(100),
            "asOf stays fixed for the run"
        );
        let page = IncrementalPage::build(&request, vec![row("3", 7)], vec![]).unwrap();
        assert!(page.next.is_none());
        let json: serde_json::Value = serde_json::from_slice(
            &page
                .to_json(&FlatSchema::new(Zone::UTC, ["work_type"], 2).unwrap())
                .unwrap(),
        )
        .unwrap();
        assert_eq!(json["changed"][0]["worklog_id"], "3");
        assert_eq!(
            json["changed"][0]["attr_work_type"],
            serde_json::Value::Null
        );
        assert_eq!(json["schemaVersion"], 2);
    }
}
