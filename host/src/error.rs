//! The host's error type for everything outside a task: loading the component,
//! opening the database, starting the simulator, reaching Jira at start-up.
//!
//! Failures inside a task never use this type: they become a [`TaskError`]
//! (`crate::TaskError`) answered to the component or returned as the task's result.

use std::fmt;

/// Why the host could not start or could not do its own bookkeeping.
#[derive(Debug)]
pub struct Error {
    kind: Kind,
    message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Component,
    Database,
    Jira,
    Io,
}

impl Error {
    pub(crate) fn component(message: impl Into<String>) -> Self {
        Self::new(Kind::Component, message)
    }

    pub(crate) fn database(message: impl Into<String>) -> Self {
        Self::new(Kind::Database, message)
    }

    pub(crate) fn jira(message: impl Into<String>) -> Self {
        Self::new(Kind::Jira, message)
    }

    pub(crate) fn io(message: impl Into<String>) -> Self {
        Self::new(Kind::Io, message)
    }

    fn new(kind: Kind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
        }
    }

    /// The component could not be found, compiled, instantiated or called.
    pub fn is_component(&self) -> bool {
        self.kind == Kind::Component
    }

    /// The database could not be opened or migrated.
    pub fn is_database(&self) -> bool {
        self.kind == Kind::Database
    }

    /// Jira (or the simulator) could not be reached or answered unexpectedly.
    pub fn is_jira(&self) -> bool {
        self.kind == Kind::Jira
    }

    /// A file, directory or socket could not be used.
    pub fn is_io(&self) -> bool {
        self.kind == Kind::Io
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}
