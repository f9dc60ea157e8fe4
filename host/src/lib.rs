//! The local Worklogs host: runs the Worklogs component in wasmtime and performs
//! its effects.
//!
//! The component never performs I/O: it runs an operation as a task that asks for
//! batches of effects (SQL statements, Jira REST requests) and finishes with a
//! result. This crate is the host side of that protocol (`wit/worklogs.wit`), and
//! it is deliberately generic: it starts a task, performs effects, resumes,
//! repeats; it enforces Forge's platform limits so that what passes here runs
//! there; and it catches traps. It knows nothing about what the operations do.
//!
//! - [`Runtime`]: the component compiled once, a fresh instance per task, the
//!   task loop and its limits ([`Limits`]).
//! - [`Effects`]: SQL ([`Sqlite`], behind the [`Database`] trait) and Jira
//!   ([`Jira`]: the simulator or a Jira Cloud site).
//! - [`faults`]: a deterministic fault plan applied to any performer's effects.
//! - [`Host`]: a runtime and its effects for one installation, migrated.
//! - [`App`]: the host as the CLI runs it, with the in-process simulator
//!   ([`Demo`]); [`server`] serves it over HTTP; [`jobs`] runs the scheduled
//!   jobs; [`sync`] runs an operation a slice at a time.
//!
//! The command line (`worklogs`) is its own crate, `worklogs-cli`, which uses
//! this library.
//!
//! ```no_run
//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {
//! use std::sync::Arc;
//! use worklogs_host::protocol::EntryPoint;
//! use worklogs_host::{locate_component, App, Config, JiraTarget, Limits, Runtime};
//!
//! let runtime = Arc::new(Runtime::load(&locate_component(None)?, Limits::default())?);
//! let config = Config {
//!     data_dir: ".data".into(),
//!     installation: "local".into(),
//!     jira: JiraTarget::Demo { seed: 42 },
//! };
//! let app = App::start(runtime, config).await?;
//! let result = app
//!     .call(EntryPoint::Person, Some("alice"), None, None, "some.operation", "{}")
//!     .await?;
//! println!("{result}");
//! # Ok(())
//! # }
//! ```

mod app;
mod demo;
mod effects;
mod error;
pub mod faults;
mod host;
pub mod jira;
pub mod jobs;
pub mod keys;
mod limits;
mod locate;
pub mod odata;
mod precompiled;
pub mod protocol;
mod runtime;
pub mod server;
pub mod signin;
mod sleep;
mod sql;
mod status;
pub mod sync;

pub use app::{App, Config, JiraTarget, SignInOptions, DEMO_CLIENT_ID};
pub use demo::{Demo, Person};
pub use effects::Effects;
pub use error::Error;
pub use host::{now_ms, Host, DEFAULT_LOCALE, DEFAULT_TIME_ZONE};
pub use jira::Jira;
pub use limits::Limits;
pub use locate::{locate_component, COMPONENT_ENV};
pub use precompiled::CACHE_ENV;
pub use protocol::TaskError;
pub use runtime::{Instance, Performer, Runtime, Task};
pub use sql::{migrate, Database, MySql, Sqlite};

/// `bytes` as text, read as UTF-8 with U+FFFD for what is not (as
/// `String::from_utf8_lossy`), but checked first by the standard library's
/// fast validation: the lossy path walks valid text a character chunk at a
/// time, and nearly every body and cell is valid.
pub(crate) fn utf8_text(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => String::from_utf8_lossy(bytes).into_owned(),
    }
}
