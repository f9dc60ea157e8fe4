//! Reports and exports over the worklog index, for what the viewer may see
//! (`docs/reports.md`).
//!
//! - [`run`]: `report.run`, a grouped report with totals and a chart.
//! - [`export`]: `export.run` (the flat export in pieces) and
//!   `export.changes` (the incremental export for scheduled refreshes).
//! - [`feed`]: `export.feed`, the flat export as a queryable feed (OData).
//! - [`saved`]: `report.list`, `report.save`, `report.delete`.
//! - [`resume`]: `report.run`'s continuation, for a report read over
//!   several invocations.
//! - [`rows`] reads the index in keyset pages, filtered by [`crate::access`];
//!   [`query`] takes the report query and resolves its groups and JQL.

pub mod export;
pub mod feed;
pub mod query;
pub mod resume;
pub mod rows;
pub mod run;
pub mod saved;

#[cfg(test)]
mod approval_tests;
#[cfg(test)]
mod attribute_tests;
#[cfg(test)]
mod feed_tests;
#[cfg(test)]
mod group_tests;
#[cfg(test)]
mod issue_tests;
#[cfg(test)]
mod page_tests;
#[cfg(test)]
mod resume_tests;
#[cfg(test)]
mod tests;
