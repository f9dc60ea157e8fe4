//! Worklogs' domain logic as deterministic pure functions: this crate contains no I/O,
//! never reads a clock, a random source or the environment, and never panics on any
//! input.
//!
//! The current instant and the time zones arrive as arguments; every failure is an
//! [`Error`] value. It covers durations, calendars and zones, exact hours, rounding,
//! money and schedules, and builds for the host, `wasm32-wasip2` (inside the component)
//! and `wasm32-unknown-unknown` (the UI's JavaScript build). Clippy's
//! `disallowed-methods` (see `clippy.toml`) bans clock reads here.
//!
//! Modules, one concept each:
//!
//! - [`duration`]: Jira's `1w 2d 3h 30m` syntax, the site's time tracking settings,
//!   formatting in Jira's `pretty`, `days` and `hours` styles.
//! - [`calendar`]: instants, IANA zones, local dates, DST gaps and overlaps, weeks
//!   starting Monday, Sunday or Saturday, ISO week numbers, periods as half-open
//!   ranges, Jira's `started` format.
//! - [`hours`]: seconds to decimal hours, exactly, converted once per total.
//! - [`rounding`]: rounding rules for durations and for civil start and end times.
//! - [`money`]: hourly rates and their precedence, amounts rounded once per line.
//! - [`schedule`]: working days, hours and holidays; required time and shortfalls.
//! - [`timer`]: timers' states and transitions, the forgotten rule, the time they log.
//! - [`report`]: report queries and the engine that groups worklogs streamed in pages.
//! - [`export`]: the flat worklog export and the CSV, JSON and XLSX exporters, whole
//!   or in chunks.
//!
//! The rules are written down in `docs/domain.md`.
//!
//! ```
//! use worklogs_core::duration::{format, parse, TimeTrackingSettings};
//!
//! let settings = TimeTrackingSettings::default();
//! let seconds = parse("1h 30m", &settings)?;
//! assert_eq!(seconds.get(), 5400);
//! assert_eq!(format(seconds, &settings), "1h 30m");
//! # Ok::<(), worklogs_core::Error>(())
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing,
        clippy::arithmetic_side_effects,
        clippy::disallowed_methods,
        clippy::unreachable,
        clippy::todo
    )
)]

pub mod approval;
pub mod attributes;
pub mod calendar;
pub mod duration;
mod error;
pub mod export;
pub mod finance;
pub mod hours;
pub mod money;
pub mod report;
pub mod retention;
pub mod rounding;
pub mod schedule;
mod serde_util;
pub mod timer;
mod worklog;

pub use chrono::{NaiveDate, NaiveDateTime, NaiveTime, Weekday};
pub use error::Error;
pub use rust_decimal::Decimal;
