//! Forge SQL's per-installation quotas, imitated so that what passes locally
//! passes on Forge: a total query time per minute (62.5 s), DML statements
//! per second (150), and the query policy that refuses restricted functions
//! (`SQL_POLICY_VIOLATION`).
//!
//! The time of every batch of statements counts against its installation's
//! last 60 seconds (SQLite's: the CPU time of its thread, since waiting for a
//! core or for its one writer is not query time on Forge SQL's servers; a
//! server's: the round trips' wall time, see `Database::execute_timed`);
//! once they hold the budget, statements are refused with
//! `limit` until enough of it has aged out, as Forge refuses them. A refused
//! statement never reaches the engine and costs nothing, and neither do the
//! statements after it in its batch (they are refused with it): a batch's
//! statements run in order, and the index's crash safety relies on a later
//! one never running without an earlier one.
//!
//! DML past 150 a second is **paced**, not refused: the batch waits until its
//! statements fit the last second's allowance. Forge refuses them instead;
//! pacing here keeps the local host's answers those of a host within the
//! limit, while [`Quotas::paced`] counts how long statements waited, so a
//! workload that would meet Forge's limit shows (`docs/performance.md`).

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::limits::{human, Limits};
use crate::protocol::{SqlStatement, TaskError};

/// The window both rates are counted over.
const MINUTE: Duration = Duration::from_secs(60);
const SECOND: Duration = Duration::from_secs(1);

/// Functions and clauses Forge SQL's policy refuses (a local list of the
/// ones that could reach the server's files, locks or clock), upper case.
const RESTRICTED: [&str; 9] = [
    "SLEEP(",
    "BENCHMARK(",
    "LOAD_FILE(",
    "GET_LOCK(",
    "RELEASE_LOCK(",
    "INTO OUTFILE",
    "INTO DUMPFILE",
    "LOAD DATA",
    "SYSTEM_USER(",
];

#[derive(Default)]
struct Usage {
    /// When each batch ended, and how long it took.
    time: VecDeque<(Instant, Duration)>,
    /// When each DML statement was (or will be, when paced) admitted.
    dml: VecDeque<Instant>,
    /// How long DML statements waited for the rate, in total.
    paced: Duration,
}

impl Usage {
    fn forget_before(&mut self, now: Instant) {
        while self
            .time
            .front()
            .is_some_and(|(at, _)| now.duration_since(*at) >= MINUTE)
        {
            self.time.pop_front();
        }
        while self
            .dml
            .front()
            .is_some_and(|at| now.duration_since(*at) >= SECOND)
        {
            self.dml.pop_front();
        }
    }

    fn spent(&self) -> Duration {
        self.time.iter().map(|(_, d)| *d).sum()
    }
}

/// The quotas' state, per installation.
pub struct Quotas {
    per_minute: Duration,
    dml_per_second: usize,
    usage: Mutex<HashMap<String, Usage>>,
}

/// Whether `sql` changes data (counts against the DML rate).
fn is_dml(sql: &str) -> bool {
    let head: String = sql
        .trim_start()
        .chars()
        .take(8)
        .collect::<String>()
        .to_ascii_uppercase();
    ["INSERT", "UPDATE", "DELETE", "REPLACE"]
        .iter()
        .any(|verb| head.starts_with(verb))
}

/// The restricted function or clause `sql` uses, if any.
fn restricted(sql: &str) -> Option<&'static str> {
    let upper: String = sql
        .to_ascii_uppercase()
        .chars()
        .filter(|c| !c.is_whitespace() || *c == ' ')
        .collect();
    let squeezed = upper.replace(" (", "(");
    RESTRICTED.iter().copied().find(|f| squeezed.contains(f))
}

impl Quotas {
    /// Quotas with `limits`' values.
    pub fn new(limits: &Limits) -> Quotas {
        Quotas {
            per_minute: limits.sql_query_time_per_minute,
            dml_per_second: limits.sql_dml_per_second,
            usage: Mutex::new(HashMap::new()),
        }
    }

    /// Which of `statements` `installation` may run: each `Ok`, or `limit`
    /// naming the quota it is past (query time in the last minute) or the
    /// policy it breaks, and every statement after a refused one refused with
    /// it; and how long the batch must wait first so that its DML fits the
    /// rate (admitted DML counts at once, at the instant it may run).
    pub fn admit(
        &self,
        installation: &str,
        statements: &[SqlStatement],
    ) -> (Vec<Result<(), TaskError>>, Duration) {
        let now = Instant::now();
        let mut all = self.usage.lock().unwrap_or_else(|e| e.into_inner());
        let usage = all.entry(installation.to_owned()).or_default();
        usage.forget_before(now);
        let spent = usage.spent();
        let mut wait = Duration::ZERO;
        let mut refused: Option<TaskError> = None;
        let answers = statements
            .iter()
            .map(|statement| {
                if let Some(e) = &refused {
                    return Err(e.clone());
                }
                let answer = self.admit_one(usage, statement, spent, now, &mut wait);
                if let Err(e) = &answer {
                    refused = Some(e.clone());
                }
                answer
            })
            .collect();
        usage.paced += wait;
        (answers, wait)
    }

    /// How long statements of `installation` have waited for the DML rate.
    pub fn paced(&self, installation: &str) -> Duration {
        let all = self.usage.lock().unwrap_or_else(|e| e.into_inner());
        all.get(installation).map_or(Duration::ZERO, |u| u.paced)
    }

    fn admit_one(
        &self,
        usage: &mut Usage,
        statement: &SqlStatement,
        spent: Duration,
        now: Instant,
        wait: &mut Duration,
    ) -> Result<(), TaskError> {
        if let Some(f) = restricted(&statement.sql) {
            return Err(TaskError::limit(format!(
                "SQL_POLICY_VIOLATION: Forge SQL refuses {}…)",
                f.trim_end_matches('(')
            )));
        }
        if spent >= self.per_minute {
            let wait = usage.time.front().map_or(Duration::ZERO, |(at, _)| {
                MINUTE.saturating_sub(now.duration_since(*at))
            });
            return Err(TaskError::limit(format!(
                "Forge SQL's query time per minute is spent: {} in the last minute of \
                         {} allowed; statements are taken again in {}",
                human_ms(spent),
                human(self.per_minute),
                human_ms(wait)
            )));
        }
        if is_dml(&statement.sql) {
            // The earliest instant with fewer than the rate's DML in
            // the second before it, and never before the last one.
            let mut at = now;
            let len = usage.dml.len();
            if self.dml_per_second > 0 && len >= self.dml_per_second {
                if let Some(first) = usage.dml.get(len - self.dml_per_second) {
                    at = at.max(*first + SECOND);
                }
            }
            if let Some(last) = usage.dml.back() {
                at = at.max(*last);
            }
            usage.dml.push_back(at);
            *wait = (*wait).max(at.saturating_duration_since(now));
        }
        Ok(())
    }

    /// Counts `took` (a batch's time in the database) against
    /// `installation`'s minute.
    pub fn spend(&self, installation: &str, took: Duration) {
        let now = Instant::now();
        let mut all = self.usage.lock().unwrap_or_else(|e| e.into_inner());
        let usage = all.entry(installation.to_owned()).or_default();
        usage.forget_before(now);
        usage.time.push_back((now, took));
    }

    /// How long until `installation` may run statements again, when its
    /// query time for the minute is spent (none when it is not): until
    /// enough of the minute's batches leave the window to bring the rest
    /// under the budget.
    pub fn refill_in(&self, installation: &str) -> Option<Duration> {
        let now = Instant::now();
        let mut all = self.usage.lock().unwrap_or_else(|e| e.into_inner());
        let usage = all.entry(installation.to_owned()).or_default();
        usage.forget_before(now);
        let mut spent = usage.spent();
        if spent < self.per_minute {
            return None;
        }
        for (at, took) in &usage.time {
            spent = spent.saturating_sub(*took);
            if spent < self.per_minute {
                return Some(MINUTE.saturating_sub(now.duration_since(*at)));
            }
        }
        Some(MINUTE)
    }

    /// The query time `installation` spent in the last minute.
    pub fn spent(&self, installation: &str) -> Duration {
        let now = Instant::now();
        let mut all = self.usage.lock().unwrap_or_else(|e| e.into_inner());
        let usage = all.entry(installation.to_owned()).or_default();
        usage.forget_before(now);
        usage.spent()
    }
}

/// `duration` in milliseconds for a person.
fn human_ms(duration: Duration) -> String {
    format!("{} ms", duration.as_millis())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn statement(sql: &str) -> SqlStatement {
        SqlStatement {
            sql: sql.to_owned(),
            params: Vec::new(),
        }
    }

    #[test]
    fn the_minute_budget_refuses_once_spent_per_installation() {
        let limits = Limits {
            sql_query_time_per_minute: Duration::from_millis(100),
            ..Limits::default()
        };
        let quotas = Quotas::new(&limits);
        let read = [statement("SELECT 1")];
        assert!(quotas.admit("a", &read).0[0].is_ok());
        quotas.spend("a", Duration::from_millis(60));
        assert!(quotas.admit("a", &read).0[0].is_ok());
        quotas.spend("a", Duration::from_millis(60));
        let refused = quotas.admit("a", &read).0.remove(0).unwrap_err();
        assert!(
            refused.message.contains("query time per minute"),
            "{}",
            refused.message
        );
        assert!(
            quotas.admit("b", &read).0[0].is_ok(),
            "another installation"
        );
        assert_eq!(quotas.spent("a"), Duration::from_millis(120));
        // It refills when the first batch leaves the minute: in just under
        // a minute; nothing to wait for another installation.
        let wait = quotas.refill_in("a").unwrap();
        assert!(wait > Duration::from_secs(59) && wait <= MINUTE, "{wait:?}");
        assert_eq!(quotas.refill_in("b"), None);
    }

    #[test]
    fn dml_is_paced_and_restricted_functions_refused_with_the_rest_of_their_batch() {
        let limits = Limits {
            sql_dml_per_second: 2,
            ..Limits::default()
        };
        let quotas = Quotas::new(&limits);
        let writes = [
            statement("INSERT INTO t VALUES (1)"),
            statement(" update t SET a = 1"),
            statement("DELETE FROM t"),
            statement("SELECT 1"),
        ];
        let (answers, wait) = quotas.admit("a", &writes);
        assert!(answers.iter().all(Result::is_ok));
        // The third DML waits for the first to leave the second.
        assert!(wait > Duration::from_millis(900), "{wait:?}");
        assert_eq!(quotas.paced("a"), wait);
        let (answers, _) = quotas.admit(
            "b",
            &[
                statement("INSERT INTO t VALUES (1)"),
                statement("SELECT sleep (5)"),
                statement("INSERT INTO t VALUES (2)"),
            ],
        );
        assert!(answers[0].is_ok());
        let policy = answers[1].as_ref().unwrap_err();
        assert!(policy.message.starts_with("SQL_POLICY_VIOLATION"));
        // The statement after a refused one does not run either.
        assert_eq!(answers[2].as_ref().unwrap_err().message, policy.message);
    }
}
