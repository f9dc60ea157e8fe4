//! The task protocol's types, as plain Rust.
//!
//! These mirror the records and variants of `wit/worklogs.wit` one for one, so the
//! executor and the operations are target-independent and unit-tested natively.
//! The component's bindings (only built for wasm32) convert between these and the
//! generated types, field by field.

use crate::Error;

/// Who runs a task, for which site, and when. See `context` in the WIT.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Context {
    /// The Jira site (Forge installation); all app data is scoped to it.
    pub installation: String,
    /// The acting user's Atlassian account id; none for triggers and jobs.
    pub account_id: Option<String>,
    /// The acting user's IANA time zone, such as `Europe/Berlin`.
    pub time_zone: String,
    /// The acting user's locale, such as `en-US`.
    pub locale: String,
    /// The current instant in milliseconds since the Unix epoch.
    pub now_ms: i64,
    /// How the task was started, set by the host from how it was invoked.
    pub entry_point: EntryPoint,
    /// The engine the task's SQL effects run on. See `sql-engine` in the WIT.
    pub sql_engine: SqlEngine,
}

/// The engine behind the host's SQL effects. See `sql-engine` in the WIT.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SqlEngine {
    /// SQLite.
    Sqlite,
    /// MySQL or MariaDB (InnoDB).
    MySql,
    /// Forge SQL (TiDB).
    ForgeSql,
}

/// How a task was started. See `entry-point` in the WIT.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum EntryPoint {
    /// A person through the UI (Forge resolver, the local HTTP server).
    Person,
    /// A product trigger (Forge worklog events).
    Trigger,
    /// A scheduled trigger, or the local host's job loop.
    Job,
    /// The Forge queue consumer.
    Consumer,
    /// The operator of a local host, through its command line.
    Operator,
}

impl EntryPoint {
    /// Every entry point, in the WIT's order.
    pub const ALL: [EntryPoint; 5] = [
        EntryPoint::Person,
        EntryPoint::Trigger,
        EntryPoint::Job,
        EntryPoint::Consumer,
        EntryPoint::Operator,
    ];

    /// The WIT case's name.
    pub fn as_str(self) -> &'static str {
        match self {
            EntryPoint::Person => "person",
            EntryPoint::Trigger => "trigger",
            EntryPoint::Job => "job",
            EntryPoint::Consumer => "consumer",
            EntryPoint::Operator => "operator",
        }
    }
}

impl SqlEngine {
    /// The WIT case's name.
    pub fn as_str(self) -> &'static str {
        match self {
            SqlEngine::Sqlite => "sqlite",
            SqlEngine::MySql => "mysql",
            SqlEngine::ForgeSql => "forge-sql",
        }
    }
}

/// One SQL value: a statement parameter or a result cell.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// SQL `NULL`.
    Null,
    /// An integer.
    Int(i64),
    /// A floating-point number.
    Real(f64),
    /// A string.
    Text(String),
    /// Bytes.
    Blob(Vec<u8>),
}

impl Value {
    /// The cell as an integer, whichever way the engine typed it: an integer,
    /// a whole real (MariaDB's `SUM` is a decimal), or a text of digits.
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            #[allow(clippy::cast_possible_truncation)]
            Value::Real(r) if r.fract() == 0.0 && r.abs() < 9.0e15 => Some(*r as i64),
            Value::Text(t) => t.trim().parse().ok(),
            _ => None,
        }
    }
}

/// One SQL statement with `?` placeholders and its parameters, in order.
#[derive(Clone, Debug, PartialEq)]
pub struct SqlStatement {
    /// Exactly one statement.
    pub sql: String,
    /// The parameters, one per placeholder.
    pub params: Vec<Value>,
}

/// On whose behalf a Jira request runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Principal {
    /// The acting user: Jira enforces their permissions.
    User,
    /// The app itself.
    App,
    /// The person with this account id, by offline user impersonation: Jira
    /// enforces their permissions and records them as the author. A host that
    /// cannot impersonate answers `forbidden`.
    Impersonate(String),
}

impl From<&Principal> for Principal {
    fn from(principal: &Principal) -> Self {
        principal.clone()
    }
}

/// An HTTP method the component uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// `GET`
    Get,
    /// `POST`
    Post,
    /// `PUT`
    Put,
    /// `DELETE`
    Delete,
}

impl Method {
    /// The method as sent on the wire, such as `GET`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
            Self::Put => "PUT",
            Self::Delete => "DELETE",
        }
    }
}

/// One Jira Cloud REST request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JiraRequest {
    /// On whose behalf it runs.
    pub principal: Principal,
    /// `GET`, `POST`, `PUT` or `DELETE`.
    pub method: String,
    /// Path and query, starting with `/rest/`, every part percent-encoded.
    pub path: String,
    /// A JSON body, for `POST` and `PUT`.
    pub body: Option<String>,
}

/// Something the core needs the host to do.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    /// Run one SQL statement.
    Sql(SqlStatement),
    /// Send one Jira request.
    Jira(JiraRequest),
    /// Wait this many milliseconds, then answer (the core has no clock: this is
    /// how it backs off before retrying).
    Sleep(u32),
}

impl Effect {
    /// Which kind of effect this is.
    pub fn kind(&self) -> EffectKind {
        match self {
            Self::Sql(_) => EffectKind::Sql,
            Self::Jira(_) => EffectKind::Jira,
            Self::Sleep(_) => EffectKind::Sleep,
        }
    }
}

/// The kind of an effect or of an outcome, to check that an answer fits its request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EffectKind {
    /// An SQL statement.
    Sql,
    /// A Jira request.
    Jira,
    /// A wait.
    Sleep,
}

impl EffectKind {
    /// `sql`, `jira` or `sleep`, as in the WIT.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sql => "sql",
            Self::Jira => "jira",
            Self::Sleep => "sleep",
        }
    }
}

/// An effect with the id its answer must echo.
#[derive(Clone, Debug, PartialEq)]
pub struct Request {
    /// Unique within a run.
    pub id: u32,
    /// What to do.
    pub effect: Effect,
}

/// The rows a statement returned, and what it changed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SqlRows {
    /// Column names, in order.
    pub columns: Vec<String>,
    /// Rows, each with one value per column.
    pub rows: Vec<Vec<Value>>,
    /// Rows inserted, updated or deleted.
    pub rows_affected: u64,
}

/// A Jira response as received, with any status.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpResponse {
    /// The HTTP status.
    pub status: u16,
    /// Headers, names in lower case.
    pub headers: Vec<(String, String)>,
    /// The body, usually JSON.
    pub body: String,
}

impl HttpResponse {
    /// The first value of header `name` (compared without regard to case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// The outcome of one effect: `Err` when the host could not perform it at all.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// The outcome of an SQL statement.
    Sql(Result<SqlRows, Error>),
    /// The outcome of a Jira request; an error status is still `Ok`.
    Jira(Result<HttpResponse, Error>),
    /// The wait is over.
    Sleep,
}

impl Outcome {
    /// Which kind of effect this outcome answers.
    pub fn kind(&self) -> EffectKind {
        match self {
            Self::Sql(_) => EffectKind::Sql,
            Self::Jira(_) => EffectKind::Jira,
            Self::Sleep => EffectKind::Sleep,
        }
    }
}

/// The answer to the request with the same id.
#[derive(Clone, Debug, PartialEq)]
pub struct Answer {
    /// The id of the request answered.
    pub id: u32,
    /// What happened.
    pub outcome: Outcome,
}

/// What a run asks for next.
#[derive(Clone, Debug, PartialEq)]
pub enum Step {
    /// Perform these effects and resume with one answer each.
    Wait(Vec<Request>),
    /// Finished: a JSON document or an error.
    Done(Result<String, Error>),
}

/// One schema change, applied once per installation, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Migration {
    /// A stable, unique name, such as `0001-settings`.
    pub name: &'static str,
    /// Exactly one DDL statement in the portable SQL subset.
    pub statement: &'static str,
}
