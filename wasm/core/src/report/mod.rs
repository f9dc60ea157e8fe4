//! Reports: worklogs grouped, summed and totalled, without holding the worklogs.
//!
//! - [`query`]: the report query as JSON, validated in two stages into a
//!   [`ReportQuery`] (period in a zone, filters, grouping, measures, rounding).
//! - [`engine`]: the [`ReportBuilder`], fed worklogs in pages (anything that
//!   implements [`Worklog`]), aggregating them into dictionary-encoded groups.
//! - [`result`]: the [`ReportResult`], as JSON and as a table for the exporters
//!   ([`crate::export`]).
//!
//! The rules: a worklog belongs to the local date of its start in the report's zone;
//! hours come from summed seconds, converted once; a worklog counts under each of its
//! labels and components but once in the total; output order is deterministic. The
//! [`engine`] docs give the steps; `docs/export-schema.md` the exported columns.
//!
//! ```
//! use worklogs_core::calendar::parse_instant;
//! use worklogs_core::duration::{Seconds, TimeTrackingSettings};
//! use worklogs_core::export::flat::FlatRow;
//! use worklogs_core::report::{ReportBuilder, ReportQuery, Resolution};
//!
//! let query = ReportQuery::from_json(
//!     r#"{"timeZone": "Europe/Berlin", "period": {"day": "2026-03-29"}, "groupBy": ["project", "day"]}"#,
//! )?;
//! let mut builder = ReportBuilder::new(query, Resolution::default(), TimeTrackingSettings::default(), None)?;
//! builder.push(&FlatRow {
//!     project_key: "WEB".into(),
//!     started: parse_instant("2026-03-28T23:30:00Z")?, // 00:30 on the 29th in Berlin
//!     seconds: Seconds::new(1800)?,
//!     ..FlatRow::default()
//! })?;
//! let result = builder.finish()?;
//! assert_eq!(result.rows[0].keys[1].id.as_deref(), Some("2026-03-29"));
//! assert_eq!(result.total.hours.to_string(), "0.50");
//! # Ok::<(), worklogs_core::Error>(())
//! ```

pub mod engine;
pub mod query;
pub mod reads;
pub mod result;

pub use engine::{time_key, BuilderState, ReportBuilder, Worklog};
pub use query::{Dimension, Filter, Measure, ReportQuery, Resolution, TimeAxis, TimeFormat};
pub use reads::{offset_spans, DateRead, OffsetSpan, Reads};
pub use result::{GroupRow, KeyValue, ReportResult, Values};
