//! The platform limits the local host enforces.
//!
//! What passes locally must run on Forge, so the host applies Forge's limits and
//! fails loudly: a task that runs too long, an SQL statement or result that is too
//! large, an invoke payload over 5 MB. [`Limits::default`] holds Forge's values;
//! tests shrink them to provoke each failure quickly.

use std::time::Duration;

/// Limits applied to every task, with Forge's values by default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Wall time for a whole task, from the first call into the component to its
    /// result, effects included (Forge resolver invocations: 25 s). Exceeding it
    /// ends the task with a `limit` error; a loop inside the component is stopped
    /// by epoch interruption.
    pub invocation_budget: Duration,
    /// How often the epoch ticker advances, which is how late a runaway
    /// computation inside the component may notice the budget is spent.
    pub epoch_tick: Duration,
    /// Largest operation input and largest result, in bytes (Forge: keep invoke
    /// payloads under 5 MB).
    pub invoke_payload_bytes: usize,
    /// Largest SQL request: the statement text plus its parameters, in bytes
    /// (Forge SQL: 1 MiB).
    pub sql_request_bytes: usize,
    /// Largest SQL response: the sum of the sizes of every cell, in bytes (Forge
    /// SQL: 4 MiB). Integers and reals count 8 bytes, nulls none.
    pub sql_response_bytes: usize,
    /// How long a read-only statement may run (Forge SQL: 5 s).
    pub sql_select_timeout: Duration,
    /// How long any other statement may run (Forge SQL: 10 s).
    pub sql_write_timeout: Duration,
    /// Total time an installation's statements may take in any minute
    /// (Forge SQL: 62.5 s); past it statements are refused with `limit`.
    pub sql_query_time_per_minute: Duration,
    /// DML statements (`INSERT`, `UPDATE`, `DELETE`, `REPLACE`) an installation
    /// may send in any second (Forge SQL: 150).
    pub sql_dml_per_second: usize,
    /// How long one Jira request may take before it is answered with `upstream`
    /// (a local choice: Forge bounds requests only by the invocation budget).
    pub jira_request_timeout: Duration,
    /// Linear memory one component instance may grow to (Forge functions:
    /// 512 MiB by default). Growing past it traps.
    pub memory_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        const MIB: usize = 1024 * 1024;
        Limits {
            invocation_budget: Duration::from_secs(25),
            epoch_tick: Duration::from_millis(10),
            invoke_payload_bytes: 5_000_000,
            sql_request_bytes: MIB,
            sql_response_bytes: 4 * MIB,
            sql_select_timeout: Duration::from_secs(5),
            sql_write_timeout: Duration::from_secs(10),
            sql_query_time_per_minute: Duration::from_millis(62_500),
            sql_dml_per_second: 150,
            jira_request_timeout: Duration::from_secs(20),
            memory_bytes: 512 * MIB,
        }
    }
}

/// `duration` for a person: `25 s`, `250 ms`.
pub(crate) fn human(duration: Duration) -> String {
    if duration.subsec_millis() == 0 && duration.as_secs() > 0 {
        format!("{} s", duration.as_secs())
    } else {
        format!("{} ms", duration.as_millis())
    }
}

/// `bytes` for a person: `4 MiB`, `5000000 bytes`.
pub(crate) fn human_bytes(bytes: usize) -> String {
    const MIB: usize = 1024 * 1024;
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else {
        format!("{bytes} bytes")
    }
}
