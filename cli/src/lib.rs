//! The `worklogs` command line: the local host's commands (`serve`, `call`,
//! `sync`) and the business commands over the index or a flat file (`report`,
//! `export`, `demo-data`).
//!
//! The host ([`worklogs_host`]) runs the component and performs its effects and
//! knows nothing of what the operations do. This crate is the front end: it maps
//! flags to the operations' inputs, shows progress and writes files.
//!
//! - [`sync_command`]: `worklogs sync`, the index's sync a slice at a time.
//! - [`report_command`]: `worklogs report` and `worklogs export` over the index
//!   (the component's operations) or over a flat file, and `worklogs demo-data`.
//! - [`backup_command`]: `worklogs backup` and `worklogs restore`, the app's
//!   data to and from the [`destinations`] (a directory, S3-compatible storage).
//! - [`scheduled`]: the jobs `worklogs serve` runs, as Forge's scheduled
//!   triggers do.
//! - [`flatfile`] reads and writes flat files with the core's pure engine and
//!   exporters (the same code the component runs), streaming.

pub mod backup_command;
pub mod destinations;
pub mod flatfile;
pub mod report_command;
pub mod scheduled;
pub mod sync_command;
