//! The flat worklog export: one row per worklog, schema version [`SCHEMA_VERSION`].
//!
//! [`FlatRow`] is a worklog with the issue, project and person fields a report or a
//! BI tool needs; [`FlatSchema`] turns rows into [`Cell`]s under stable column names
//! for any [`super::Exporter`]. The schema (column names, kinds, nullability, how
//! Power BI should type each column, the incremental contract) is documented in
//! `docs/export-schema.md`; keep the two in step.
//!
//! Columns, in order: `worklog_id`, `issue_id`, `issue_key`, `issue_summary`,
//! `issue_type`, `issue_status`, `parent_key`, `parent_summary`, `project_id`,
//! `project_key`, `project_name`, `author_account_id`, `author_display_name`,
//! `started_utc`, `local_date` (of the start, in the export's zone), `seconds`,
//! `hours` (from `seconds`, rounded half up to the schema's decimals), `billable`,
//! `components`, `labels`, `comment` (plain text), `updated_utc`,
//! `attributes_valid` (false when the worklog's attributes do not fit the
//! site's definitions and were left out), `approval_state` (`open`,
//! `submitted` or `approved`: its author's period holding it), then one
//! `attr_<key>` column per worklog attribute the site defines, sorted by key.
//!
//! ```
//! use worklogs_core::calendar::{parse_instant, Zone};
//! use worklogs_core::duration::Seconds;
//! use worklogs_core::export::flat::{FlatRow, FlatSchema};
//! use worklogs_core::export::Cell;
//!
//! let schema = FlatSchema::new(Zone::parse("Europe/Berlin")?, ["work_type"], 2)?;
//! let row = FlatRow {
//!     worklog_id: "10001".into(),
//!     started: parse_instant("2026-03-28T23:30:00Z")?,
//!     seconds: Seconds::new(1200)?,
//!     attributes: [("work_type".to_owned(), "review".to_owned())].into(),
//!     ..FlatRow::default()
//! };
//! let cells = schema.cells(&row)?;
//! let column = |name: &str| schema.columns().iter().position(|c| c.name == name).unwrap();
//! assert_eq!(cells[column("local_date")], Cell::Date("2026-03-29".parse().unwrap()));
//! assert_eq!(cells[column("hours")], Cell::Decimal("0.33".parse().unwrap()));
//! assert_eq!(cells[column("attr_work_type")], Cell::text("review"));
//! # Ok::<(), worklogs_core::Error>(())
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{Cell, Column, ColumnKind, TotalRule};
use crate::approval::State;
use crate::calendar::{local_date, Instant, Zone};
use crate::duration::Seconds;
use crate::error::{quote, Error};
use crate::hours;
use crate::worklog::Worklog;

/// The version of the flat export's columns. A new column added at the end keeps
/// the version; renaming, removing, reordering or retyping a column bumps it.
/// Version 2 added `approval_state` after `attributes_valid`, which moved the
/// `attr_<key>` columns one place right.
pub const SCHEMA_VERSION: u32 = 2;

/// The prefix of attribute columns.
pub const ATTRIBUTE_PREFIX: &str = "attr_";

/// One worklog with what reports and exports need of its issue, project and person.
///
/// The app fills it from its index; the offline tools read it from a flat file.
/// Serializes with the export's column names, instants as epoch milliseconds (the
/// exporters write `started_utc` and `updated_utc` as ISO 8601 text).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlatRow {
    /// Jira's worklog id.
    pub worklog_id: String,
    /// Jira's issue id.
    pub issue_id: String,
    /// The issue key, such as `WEB-12`.
    pub issue_key: String,
    /// The issue summary.
    pub issue_summary: String,
    /// The issue type's name, such as `Bug`.
    pub issue_type: String,
    /// The issue status's name, such as `In Progress`.
    pub issue_status: String,
    /// The parent issue's key (an epic, or the story of a sub-task).
    pub parent_key: Option<String>,
    /// The parent issue's summary.
    pub parent_summary: Option<String>,
    /// Jira's project id (rates refer to projects by id).
    pub project_id: String,
    /// The project key, such as `WEB`.
    pub project_key: String,
    /// The project name.
    pub project_name: String,
    /// The author's Atlassian account id.
    pub author_account_id: String,
    /// The author's display name at export time.
    pub author_display_name: String,
    /// When the work started.
    #[serde(rename = "started_ms")]
    pub started: Instant,
    /// Time spent.
    pub seconds: Seconds,
    /// Whether the time is billable (the site's `billable` attribute, or its default).
    pub billable: bool,
    /// The issue's component names.
    pub components: Vec<String>,
    /// The issue's labels.
    pub labels: Vec<String>,
    /// The worklog comment as plain text.
    pub comment: String,
    /// When the worklog was last updated.
    #[serde(rename = "updated_ms")]
    pub updated: Instant,
    /// Worklog attribute values by key (`work_type` → `review`).
    pub attributes: BTreeMap<String, String>,
    /// The worklog's attributes do not fit the site's definitions (written
    /// through Jira's REST API, past the app): they are left out (`billable`
    /// false, no values), and the `attributes_valid` column says so.
    #[serde(default)]
    pub attributes_invalid: bool,
    /// The state of its author's approval period holding it (open when the
    /// period is not stored): the `approval_state` column.
    #[serde(default)]
    pub approval_state: State,
}

impl Worklog for FlatRow {
    fn started(&self) -> Instant {
        self.started
    }
    fn seconds(&self) -> Seconds {
        self.seconds
    }
    fn author_account_id(&self) -> &str {
        &self.author_account_id
    }
    fn author_display_name(&self) -> &str {
        &self.author_display_name
    }
    fn project_id(&self) -> &str {
        &self.project_id
    }
    fn project_key(&self) -> &str {
        &self.project_key
    }
    fn project_name(&self) -> &str {
        &self.project_name
    }
    fn issue_key(&self) -> &str {
        &self.issue_key
    }
    fn issue_summary(&self) -> &str {
        &self.issue_summary
    }
    fn parent_key(&self) -> Option<&str> {
        self.parent_key.as_deref()
    }
    fn parent_summary(&self) -> Option<&str> {
        self.parent_summary.as_deref()
    }
    fn issue_status(&self) -> &str {
        &self.issue_status
    }
    fn billable(&self) -> bool {
        self.billable
    }
    fn attribute(&self, key: &str) -> Option<&str> {
        self.attributes.get(key).map(String::as_str)
    }
    fn for_each_attribute<'a>(&'a self, f: &mut dyn FnMut(&'a str, &'a str)) {
        for (key, value) in &self.attributes {
            f(key, value);
        }
    }
    fn for_each_component<'a>(&'a self, f: &mut dyn FnMut(&'a str)) {
        self.components.iter().for_each(|c| f(c));
    }
    fn for_each_label<'a>(&'a self, f: &mut dyn FnMut(&'a str)) {
        self.labels.iter().for_each(|l| f(l));
    }
    fn approval_state(&self) -> State {
        self.approval_state
    }
}

/// The fixed columns, in order: name, kind, width.
const FIXED: [(&str, ColumnKind, u16); 24] = [
    ("worklog_id", ColumnKind::Text, 12),
    ("issue_id", ColumnKind::Text, 10),
    ("issue_key", ColumnKind::Text, 12),
    ("issue_summary", ColumnKind::Text, 40),
    ("issue_type", ColumnKind::Text, 12),
    ("issue_status", ColumnKind::Text, 14),
    ("parent_key", ColumnKind::Text, 12),
    ("parent_summary", ColumnKind::Text, 30),
    ("project_id", ColumnKind::Text, 10),
    ("project_key", ColumnKind::Text, 12),
    ("project_name", ColumnKind::Text, 24),
    ("author_account_id", ColumnKind::Text, 26),
    ("author_display_name", ColumnKind::Text, 24),
    ("started_utc", ColumnKind::DateTime, 20),
    ("local_date", ColumnKind::Date, 11),
    ("seconds", ColumnKind::Integer, 10),
    ("hours", ColumnKind::Decimal, 8),
    ("billable", ColumnKind::Boolean, 9),
    ("components", ColumnKind::List, 20),
    ("labels", ColumnKind::List, 20),
    ("comment", ColumnKind::Text, 60),
    ("updated_utc", ColumnKind::DateTime, 20),
    ("attributes_valid", ColumnKind::Boolean, 9),
    ("approval_state", ColumnKind::Text, 10),
];

/// The names of the fixed columns, in order.
pub fn fixed_column_names() -> impl Iterator<Item = &'static str> {
    FIXED.iter().map(|(name, _, _)| *name)
}

/// The index of the `seconds` column.
const SECONDS: usize = 15;

/// The columns of a flat export: the fixed ones, then the site's attributes.
///
/// # Example
///
/// See the module docs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlatSchema {
    zone: Zone,
    attribute_keys: Vec<String>,
    hours_decimals: u32,
    columns: Vec<Column>,
}

impl FlatSchema {
    /// The schema for exports in `zone` (for `local_date`), with a column per
    /// attribute key (sorted, duplicates dropped) and `hours` rounded to
    /// `hours_decimals`.
    ///
    /// # Errors
    ///
    /// Invalid input `invalid-attribute-key` (field `attributes`) for a key that is
    /// not lower snake case (`[a-z][a-z0-9_]*`, at most 64 characters);
    /// `too-many-decimals` (field `hoursDecimals`) above
    /// [`hours::MAX_DECIMALS`].
    ///
    /// # Example
    ///
    /// ```
    /// use worklogs_core::calendar::Zone;
    /// use worklogs_core::export::flat::FlatSchema;
    /// let schema = FlatSchema::new(Zone::UTC, ["account", "work_type"], 2)?;
    /// assert_eq!(schema.columns().last().unwrap().name, "attr_work_type");
    /// assert!(FlatSchema::new(Zone::UTC, ["Work Type"], 2).is_err());
    /// # Ok::<(), worklogs_core::Error>(())
    /// ```
    pub fn new<I, S>(zone: Zone, attribute_keys: I, hours_decimals: u32) -> Result<Self, Error>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        if hours_decimals > hours::MAX_DECIMALS {
            return Err(Error::invalid(
                "too-many-decimals",
                format!(
                    "invalid hoursDecimals {hours_decimals}: too many (expected at most {})",
                    hours::MAX_DECIMALS
                ),
            )
            .field_name("hoursDecimals"));
        }
        let mut keys: Vec<String> = attribute_keys.into_iter().map(Into::into).collect();
        for key in &keys {
            check_attribute_key(key).map_err(|e| e.field_name("attributes"))?;
        }
        keys.sort();
        keys.dedup();
        let mut columns: Vec<Column> = FIXED
            .iter()
            .map(|&(name, kind, width)| Column {
                width,
                ..Column::new(name, kind)
            })
            .collect();
        if let Some(first) = columns.first_mut() {
            first.total = TotalRule::Label;
        }
        if let Some(seconds) = columns.get_mut(SECONDS) {
            seconds.total = TotalRule::Sum;
        }
        if let Some(hours) = columns.get_mut(SECONDS.saturating_add(1)) {
            hours.decimals = hours_decimals;
            hours.total = TotalRule::HoursOf { seconds: SECONDS };
        }
        columns.extend(
            keys.iter()
                .map(|key| Column::text(&format!("{ATTRIBUTE_PREFIX}{key}"), 16)),
        );
        Ok(FlatSchema {
            zone,
            attribute_keys: keys,
            hours_decimals,
            columns,
        })
    }

    /// The columns, in order.
    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    /// The zone of `local_date`.
    pub fn zone(&self) -> Zone {
        self.zone
    }

    /// The attribute keys, sorted.
    pub fn attribute_keys(&self) -> &[String] {
        &self.attribute_keys
    }

    /// The decimals of `hours`.
    pub fn hours_decimals(&self) -> u32 {
        self.hours_decimals
    }

    /// The cells of `row`, one per column.
    ///
    /// # Errors
    ///
    /// Invalid input `out-of-range` for instants beyond chrono's dates.
    ///
    /// # Example
    ///
    /// See the module docs.
    pub fn cells<'a>(&self, row: &'a FlatRow) -> Result<Vec<Cell<'a>>, Error> {
        let mut cells = Vec::with_capacity(self.columns.len());
        cells.extend([
            Cell::text(&row.worklog_id),
            Cell::text(&row.issue_id),
            Cell::text(&row.issue_key),
            Cell::text(&row.issue_summary),
            Cell::text(&row.issue_type),
            Cell::text(&row.issue_status),
            Cell::opt_text(row.parent_key.as_deref()),
            Cell::opt_text(row.parent_summary.as_deref()),
            Cell::text(&row.project_id),
            Cell::text(&row.project_key),
            Cell::text(&row.project_name),
            Cell::text(&row.author_account_id),
            Cell::text(&row.author_display_name),
            Cell::DateTime(row.started),
            Cell::Date(local_date(row.started, self.zone)?),
            Cell::Integer(i64::from(row.seconds)),
            Cell::Decimal(hours::rounded(row.seconds, self.hours_decimals)?),
            Cell::Boolean(row.billable),
            Cell::List(&row.components),
            Cell::List(&row.labels),
            Cell::text(&row.comment),
            Cell::DateTime(row.updated),
            Cell::Boolean(!row.attributes_invalid),
            Cell::text(row.approval_state.as_str()),
        ]);
        cells.extend(
            self.attribute_keys
                .iter()
                .map(|key| Cell::opt_text(row.attributes.get(key).map(String::as_str))),
        );
        Ok(cells)
    }
}

/// Checks an attribute key: lower snake case, 1 to 64 characters.
pub(crate) fn check_attribute_key(key: &str) -> Result<(), Error> {
    let mut chars = key.chars();
    let valid = key.len() <= 64
        && chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if valid {
        Ok(())
    } else {
        Err(Error::invalid(
            "invalid-attribute-key",
            format!(
                "invalid attribute key {}: expected lower snake case such as work_type (a-z, 0-9, _; at most 64 characters)",
                quote(key)
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::parse_instant;

    #[test]
    fn the_fixed_columns_are_stable() {
        // Renaming or reordering these breaks every consumer: bump SCHEMA_VERSION.
        let names: Vec<&str> = fixed_column_names().collect();
        assert_eq!(
            names.join(","),
            "worklog_id,issue_id,issue_key,issue_summary,issue_type,issue_status,parent_key,\
             parent_summary,project_id,project_key,project_name,author_account_id,\
             author_display_name,started_utc,local_date,seconds,hours,billable,components,\
             labels,comment,updated_utc,attributes_valid,approval_state"
        );
        assert_eq!(FIXED[SECONDS].0, "seconds");
        assert_eq!(SCHEMA_VERSION, 2);
    }

    #[test]
    fn cells_follow_the_columns() {
        let schema =
            FlatSchema::new(Zone::parse("Europe/Berlin").unwrap(), ["b", "a", "a"], 2).unwrap();
        assert_eq!(schema.attribute_keys(), ["a", "b"]);
        let row = FlatRow {
            started: parse_instant("2026-03-28T23:30:00Z").unwrap(),
            seconds: Seconds::new(5400).unwrap(),
            attributes: [("b".to_owned(), "x".to_owned())].into(),
            ..FlatRow::default()
        };
        let cells = schema.cells(&row).unwrap();
        assert_eq!(cells.len(), schema.columns().len());
        crate::export::check_row(schema.columns(), &cells).unwrap();
        assert_eq!(cells[cells.len() - 2], Cell::Empty);
        assert_eq!(cells[cells.len() - 1], Cell::text("x"));
        assert_eq!(cells[16], Cell::Decimal("1.50".parse().unwrap()));
    }

    #[test]
    fn attribute_keys_are_checked() {
        for bad in ["", "Work", "work type", "1st", "é"] {
            let err = FlatSchema::new(Zone::UTC, [bad], 2).unwrap_err();
            assert_eq!(err.reason(), "invalid-attribute-key", "{bad}");
            assert_eq!(err.field(), Some("attributes"));
        }
        assert_eq!(
            FlatSchema::new(Zone::UTC, ["a"], 13).unwrap_err().field(),
            Some("hoursDecimals")
        );
    }
}
