//! A host: the runtime, the effects it performs and the installation it serves.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::effects::{AsPerson, Effects};
use crate::jira::Bearer;
use crate::protocol::{Context, EntryPoint, TaskError};
use crate::runtime::Runtime;
use crate::sql;
use crate::Error;

/// The time zone of a context when none is given.
pub const DEFAULT_TIME_ZONE: &str = "UTC";
/// The locale of a context when none is given.
pub const DEFAULT_LOCALE: &str = "en-US";

/// Runs tasks of one installation against its database and Jira site.
pub struct Host {
    runtime: Arc<Runtime>,
    effects: Effects,
    installation: String,
}

impl Host {
    /// A host for `installation`, after applying the component's migrations
    /// that its database lacks.
    ///
    /// # Errors
    ///
    /// When the component's migrations cannot be read or applied.
    pub async fn start(
        runtime: Arc<Runtime>,
        effects: Effects,
        installation: impl Into<String>,
    ) -> Result<Host, Error> {
        let host = Host {
            runtime,
            effects,
            installation: installation.into(),
        };
        host.migrate().await?;
        Ok(host)
    }

    /// Applies the component's migrations not yet applied for this installation,
    /// in order, and returns their names.
    ///
    /// # Errors
    ///
    /// When the component traps, or a migration or the bookkeeping fails.
    pub async fn migrate(&self) -> Result<Vec<String>, Error> {
        let migrations = self.runtime.migrations().await?;
        sql::migrate(
            self.effects.database(),
            self.runtime.limits(),
            &self.installation,
            &migrations,
            now_ms(),
        )
        .await
    }

    /// A context for this installation and `account_id`, now, in the default
    /// time zone and locale, started through `entry_point` (how this host was
    /// asked: the HTTP server for a person, the command line for the operator,
    /// the job loop for a job).
    pub fn context(&self, entry_point: EntryPoint, account_id: Option<String>) -> Context {
        Context {
            entry_point,
            installation: self.installation.clone(),
            account_id,
            time_zone: DEFAULT_TIME_ZONE.into(),
            locale: DEFAULT_LOCALE.into(),
            now_ms: now_ms(),
            sql_engine: self.effects.database().engine(),
        }
    }

    /// Runs `operation` with the JSON `input` to its end and returns its JSON result.
    ///
    /// # Errors
    ///
    /// The operation's error, or a host error as [`Runtime::run`] describes.
    pub async fn run(
        &self,
        ctx: &Context,
        operation: &str,
        input: &str,
    ) -> Result<String, TaskError> {
        self.runtime.run(ctx, operation, input, &self.effects).await
    }

    /// As [`Host::run`], for a signed-in person whose Jira requests carry
    /// `bearer`.
    ///
    /// # Errors
    ///
    /// As [`Host::run`].
    pub async fn run_as(
        &self,
        ctx: &Context,
        bearer: &Bearer,
        operation: &str,
        input: &str,
    ) -> Result<String, TaskError> {
        let performer = AsPerson {
            effects: &self.effects,
            bearer,
        };
        self.runtime.run(ctx, operation, input, &performer).await
    }

    /// The runtime tasks run in.
    pub fn runtime(&self) -> &Runtime {
        &self.runtime
    }

    /// The effects performer.
    pub fn effects(&self) -> &Effects {
        &self.effects
    }

    /// The installation this host serves.
    pub fn installation(&self) -> &str {
        &self.installation
    }
}

/// Now, in milliseconds since the Unix epoch: the host supplies the clock, the
/// core never reads one.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}
