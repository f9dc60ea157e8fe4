//! A report's result: groups, subtotals, period totals and the grand total, as JSON
//! for the UI and as a table for the exporters.
//!
//! JSON (camelCase; decimals as strings):
//!
//! ```json
//! {"schemaVersion": 1, "timeZone": "Europe/Berlin", "first": "2026-03-01", "last": "2026-03-31",
//!  "weekStart": "monday", "dimensions": ["person", "week"], "measures": ["seconds", "count"],
//!  "hoursDecimals": 2, "multiValued": false, "worklogs": 3,
//!  "rows": [{"keys": [{"id": "5b10…", "label": "Ann"}, {"id": "2026-03-23", "label": "2026-W13"}],
//!            "seconds": 3600, "hours": "1.00", "time": "1.00", "count": 3}],
//!  "subtotals": [{"keys": [{"id": "5b10…", "label": "Ann"}], "seconds": 3600, …}],
//!  "periodTotals": [{"keys": [{"id": "2026-03-23", "label": "2026-W13"}], …}],
//!  "total": {"seconds": 3600, "hours": "1.00", "time": "1.00", "count": 3}}
//! ```
//!
//! A key with `id: null` is the group of worklogs without a value (no parent, no
//! label, no such attribute). `subtotals` hold every enclosing level (a level-1
//! subtotal before its level-2 ones); `periodTotals` one per period of the time
//! axis. With `multiValued` (a `component` or `label` level), a worklog counts under
//! each of its values, so the groups' sum can exceed `total`.
//!
//! As a table ([`ReportResult::columns`], [`ReportResult::cells`]): per level an id
//! and a name column (`person_account_id`, `person_name`; `project_key`,
//! `project_name`; `parent_key`, `parent_summary`; `issue_key`, `issue_summary`) or
//! one value column (`component`, `label`, `status`, `attr_<key>`, `approval_state`), the time axis as a
//! date column (`date`, `week_start`, `month`), then `seconds`, `hours` and the other
//! measures (`billable_seconds`, `billable_hours`, `count`, `cost_<currency>` per
//! currency, `unpriced_seconds`).

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::calendar::WeekStart;
use crate::error::Error;
use crate::export::{render, Cell, Column, ColumnKind, ExportOptions, Totals};
use crate::money::{Currency, Money};

/// The version of the result's JSON shape.
pub const RESULT_VERSION: u32 = 1;

/// A group's key at one level.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct KeyValue {
    /// The value's id (account id, project key, the period's first date…), `None`
    /// for "no value".
    pub id: Option<String>,
    /// What to show (display name, project name, `2026-W13`…), `None` for "no
    /// value".
    pub label: Option<String>,
}

/// What a group sums.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Values {
    /// Seconds, summed exactly (and rounded as the rule says).
    pub seconds: u64,
    /// Hours from `seconds`, converted once, with the query's decimals.
    pub hours: Decimal,
    /// `seconds` in the query's time format.
    pub time: String,
    /// Billable seconds, when asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billable_seconds: Option<u64>,
    /// Billable hours, when asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billable_hours: Option<Decimal>,
    /// Worklogs, when asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u64>,
    /// Cost per currency, rounded once, when asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<Vec<Money>>,
    /// Seconds without a rate, when cost was asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unpriced_seconds: Option<u64>,
}

/// One group (or subtotal, or period total).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupRow {
    /// The keys, outermost level first, the time axis last.
    pub keys: Vec<KeyValue>,
    /// The sums.
    #[serde(flatten)]
    pub values: Values,
}

/// A report's result (see the module docs).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportResult {
    /// [`RESULT_VERSION`].
    pub schema_version: u32,
    /// The report's zone.
    pub time_zone: String,
    /// The period's first date, if the query had a period.
    pub first: Option<NaiveDate>,
    /// The period's last date.
    pub last: Option<NaiveDate>,
    /// The first day of weeks.
    pub week_start: WeekStart,
    /// The grouping levels, then the time axis: `person`, `attribute:work_type`,
    /// `week`.
    pub dimensions: Vec<String>,
    /// The measures asked for.
    pub measures: Vec<String>,
    /// Decimals of the hours.
    pub hours_decimals: u32,
    /// True when a worklog can count in several groups.
    pub multi_valued: bool,
    /// Worklogs counted.
    pub worklogs: u64,
    /// The groups, sorted.
    pub rows: Vec<GroupRow>,
    /// Subtotals of enclosing levels, sorted, each before its inner ones.
    pub subtotals: Vec<GroupRow>,
    /// Totals per period of the time axis.
    pub period_totals: Vec<GroupRow>,
    /// The grand total: every worklog once.
    pub total: Values,
}

/// The id and name columns of a dimension.
fn key_columns(dimension: &str) -> Vec<Column> {
    let pair = |id: &str, name: &str, width| vec![Column::text(id, 14), Column::text(name, width)];
    match dimension {
        "person" => pair("person_account_id", "person_name", 24),
        "project" => pair("project_key", "project_name", 24),
        "parent" => pair("parent_key", "parent_summary", 30),
        "issue" => pair("issue_key", "issue_summary", 40),
        "day" => vec![Column::new("date", ColumnKind::Date)],
        "week" => vec![Column::new("week_start", ColumnKind::Date)],
        "month" => vec![Column::new("month", ColumnKind::Month)],
        // As the flat export's column.
        "approvalState" => vec![Column::text("approval_state", 12)],
        other => {
            let name = match other.strip_prefix("attribute:") {
                Some(key) => format!("attr_{key}"),
                None => other.to_owned(),
            };
            vec![Column::text(&name, 18)]
        }
    }
}

fn is_pair(dimension: &str) -> bool {
    matches!(dimension, "person" | "project" | "parent" | "issue")
}

fn is_time(dimension: &str) -> bool {
    matches!(dimension, "day" | "week" | "month")
}

impl ReportResult {
    /// Every currency in the costs, in code order.
    fn currencies(&self) -> Vec<Currency> {
        let mut currencies: Vec<Currency> = self
            .rows
            .iter()
            .map(|r| &r.values)
            .chain(std::iter::once(&self.total))
            .filter_map(|v| v.cost.as_ref())
            .flatten()
            .map(|m| m.currency)
            .collect();
        currencies.sort();
        currencies.dedup();
        currencies
    }

    fn has(&self, measure: &str) -> bool {
        self.measures.iter().any(|m| m == measure)
    }

    /// The export columns (see the module docs).
    ///
    /// # Example
    ///
    /// ```
    /// use worklogs_core::duration::TimeTrackingSettings;
    /// use worklogs_core::report::{ReportBuilder, ReportQuery, Resolution};
    /// let query = ReportQuery::from_json(r#"{"timeZone": "UTC", "groupBy": ["person", "week"], "measures": ["count"]}"#)?;
    /// let result = ReportBuilder::new(query, Resolution::default(), TimeTrackingSettings::default(), None)?.finish()?;
    /// let names: Vec<String> = result.columns().into_iter().map(|c| c.name).collect();
    /// assert_eq!(names, ["person_account_id", "person_name", "week_start", "seconds", "hours", "count"]);
    /// # Ok::<(), worklogs_core::Error>(())
    /// ```
    pub fn columns(&self) -> Vec<Column> {
        let mut columns: Vec<Column> = self
            .dimensions
            .iter()
            .flat_map(|d| key_columns(d))
            .collect();
        columns.push(Column::integer("seconds"));
        columns.push(Column::decimal("hours", self.hours_decimals));
        if self.has("billableSeconds") {
            columns.push(Column::integer("billable_seconds"));
            columns.push(Column::decimal("billable_hours", self.hours_decimals));
        }
        if self.has("count") {
            columns.push(Column::integer("count"));
        }
        if self.has("cost") {
            for currency in self.currencies() {
                let name = format!("cost_{}", currency.code().to_lowercase());
                columns.push(Column::decimal(&name, currency.minor_units()));
            }
            columns.push(Column::integer("unpriced_seconds"));
        }
        columns
    }

    fn value_cells<'a>(&self, values: &'a Values, cells: &mut Vec<Cell<'a>>) {
        let int = |n: u64| i64::try_from(n).map_or(Cell::Empty, Cell::Integer);
        cells.push(int(values.seconds));
        cells.push(Cell::Decimal(values.hours));
        if self.has("billableSeconds") {
            cells.push(values.billable_seconds.map_or(Cell::Empty, int));
            cells.push(values.billable_hours.map_or(Cell::Empty, Cell::Decimal));
        }
        if self.has("count") {
            cells.push(values.count.map_or(Cell::Empty, int));
        }
        if self.has("cost") {
            for currency in self.currencies() {
                let amount = values
                    .cost
                    .iter()
                    .flatten()
                    .find(|m| m.currency == currency)
                    .map_or(Cell::Empty, |m| Cell::Decimal(m.amount));
                cells.push(amount);
            }
            cells.push(values.unpriced_seconds.map_or(Cell::Empty, int));
        }
    }

    /// The cells of one group, matching [`ReportResult::columns`].
    ///
    /// # Example
    ///
    /// See [`ReportResult::render`].
    pub fn cells<'a>(&self, row: &'a GroupRow) -> Vec<Cell<'a>> {
        let mut cells = Vec::new();
        for (dimension, key) in self.dimensions.iter().zip(&row.keys) {
            if is_time(dimension) {
                let date = key
                    .id
                    .as_deref()
                    .and_then(|id| NaiveDate::parse_from_str(id, "%Y-%m-%d").ok());
                cells.push(date.map_or(Cell::Empty, Cell::Date));
            } else if is_pair(dimension) {
                cells.push(Cell::opt_text(key.id.as_deref()));
                cells.push(Cell::opt_text(key.label.as_deref()));
            } else {
                cells.push(Cell::opt_text(key.id.as_deref()));
            }
        }
        self.value_cells(&row.values, &mut cells);
        cells
    }

    /// The grand total's cells: `Total` in the first text column, the total's
    /// values under the measures.
    pub fn total_cells(&self) -> Vec<Cell<'_>> {
        let mut cells: Vec<Cell<'_>> = Vec::new();
        let mut labelled = false;
        for column in self.dimensions.iter().flat_map(|d| key_columns(d)) {
            if !labelled && column.kind == ColumnKind::Text {
                cells.push(Cell::text("Total"));
                labelled = true;
            } else {
                cells.push(Cell::Empty);
            }
        }
        self.value_cells(&self.total, &mut cells);
        cells
    }

    /// The groups as a file: one row per group, and in XLSX a totals row with the
    /// grand total (computed, not summed: see the module docs).
    ///
    /// # Errors
    ///
    /// As [`crate::export::render`].
    ///
    /// # Example
    ///
    /// ```
    /// use worklogs_core::duration::TimeTrackingSettings;
    /// use worklogs_core::export::{ExportFormat, ExportOptions};
    /// use worklogs_core::report::{ReportBuilder, ReportQuery, Resolution};
    /// let query = ReportQuery::from_json(r#"{"timeZone": "UTC", "groupBy": ["project"]}"#)?;
    /// let result = ReportBuilder::new(query, Resolution::default(), TimeTrackingSettings::default(), None)?.finish()?;
    /// let csv = result.render(&ExportOptions::new(ExportFormat::Csv))?;
    /// assert_eq!(String::from_utf8(csv).unwrap(), "project_key,project_name,seconds,hours\r\n");
    /// # Ok::<(), worklogs_core::Error>(())
    /// ```
    pub fn render(&self, options: &ExportOptions) -> Result<Vec<u8>, Error> {
        let rows: Vec<Vec<Cell<'_>>> = self.rows.iter().map(|r| self.cells(r)).collect();
        let totals = self.total_cells();
        render(
            options,
            self.columns(),
            rows.iter().map(Vec::as_slice),
            Totals::Values(&totals),
        )
    }
}
