//! The task protocol (`wit/worklogs.wit`), as Rust types.
//!
//! `wasmtime::component::bindgen!` generates the types of the `task` interface and
//! the typed exports of the `worklogs` world from the WIT file itself, so the host
//! cannot drift from the contract. This module re-exports those types and adds the
//! few helpers every host needs: error constructors and the stable names of the
//! error codes.

mod generated {
    wasmtime::component::bindgen!({
        path: "../wit",
        world: "worklogs",
        exports: { default: async },
    });
}

pub(crate) use generated::{Worklogs, WorklogsPre};

pub use generated::exports::worklogs::app::task::{
    Answer, Context, Effect, EntryPoint, Error as TaskError, ErrorCode, HttpResponse, JiraRequest,
    Migration, Outcome, Principal, Request, SqlEngine, SqlRows, SqlStatement, Step, Value,
};

impl TaskError {
    /// An error with `code` and `message`.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        TaskError {
            code,
            message: message.into(),
        }
    }

    /// An `internal` error: a bug on one side of the protocol.
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Internal, message)
    }

    /// A `limit` error: a platform limit was reached.
    pub fn limit(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Limit, message)
    }

    /// An `upstream` error: Jira or the database failed or was unavailable.
    pub fn upstream(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Upstream, message)
    }

    /// An `invalid-input` error.
    pub fn invalid_input(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidInput, message)
    }
}

impl std::fmt::Display for TaskError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code.name(), self.message)
    }
}

impl std::error::Error for TaskError {}

impl ErrorCode {
    /// The code's name in the WIT file and in JSON, such as `invalid-input`.
    pub fn name(self) -> &'static str {
        match self {
            ErrorCode::InvalidInput => "invalid-input",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::NotFound => "not-found",
            ErrorCode::Conflict => "conflict",
            ErrorCode::Upstream => "upstream",
            ErrorCode::Limit => "limit",
            ErrorCode::Internal => "internal",
            ErrorCode::Throttled => "throttled",
        }
    }

    /// The code named `name` (as [`ErrorCode::name`] spells it), if there is one.
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "invalid-input" => ErrorCode::InvalidInput,
            "forbidden" => ErrorCode::Forbidden,
            "not-found" => ErrorCode::NotFound,
            "conflict" => ErrorCode::Conflict,
            "upstream" => ErrorCode::Upstream,
            "limit" => ErrorCode::Limit,
            "internal" => ErrorCode::Internal,
            "throttled" => ErrorCode::Throttled,
            _ => return None,
        })
    }
}

impl Request {
    /// The outcome that answers this request with `err`, of the request's kind.
    pub fn fail(&self, error: TaskError) -> Answer {
        let outcome = match self.effect {
            Effect::Sql(_) => Outcome::Sql(Err(error)),
            Effect::Jira(_) => Outcome::Jira(Err(error)),
            // A wait cannot fail: it is over.
            Effect::Sleep(_) => Outcome::Sleep,
        };
        Answer {
            id: self.id,
            outcome,
        }
    }
}
