//! The simulator's shared state: the [`World`] behind a mutex, pending faults
//! and request counts. The routes (`api`) and the server (`server`) both work on
//! a [`Sim`]; this module knows neither.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::{json, Value};

use crate::grants::OAuth;
use crate::limits::{Ask, Limiter, RateLimits, Refusal};
use crate::world::World;

/// A fault to inject: the next `count` requests whose path starts with `path` are
/// delayed by `delay_ms`, then answered with `status` (and Jira's error body, and
/// `Retry-After: retry_after` if set) instead of normally, if `status` is set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    /// Path prefix, such as `/rest/api/3/issue/`.
    pub path: String,
    /// Status to answer with; `None` to only delay.
    pub status: Option<u16>,
    /// Seconds for the `Retry-After` header.
    pub retry_after: Option<u64>,
    /// How many requests it applies to.
    pub count: u32,
    /// Delay before answering, milliseconds.
    pub delay_ms: u64,
}

impl Fault {
    /// Answer the next request under `path` with `status`.
    pub fn status(path: impl Into<String>, status: u16) -> Fault {
        Fault {
            path: path.into(),
            status: Some(status),
            retry_after: None,
            count: 1,
            delay_ms: 0,
        }
    }

    /// Delay the next request under `path` by `ms` milliseconds.
    pub fn delay(path: impl Into<String>, ms: u64) -> Fault {
        Fault {
            path: path.into(),
            status: None,
            retry_after: None,
            count: 1,
            delay_ms: ms,
        }
    }

    /// Apply to the next `count` matching requests instead of one.
    pub fn times(mut self, count: u32) -> Fault {
        self.count = count;
        self
    }

    /// Send `Retry-After: seconds`.
    pub fn retry_after(mut self, seconds: u64) -> Fault {
        self.retry_after = Some(seconds);
        self
    }
}

/// Request counters.
#[derive(Debug, Default)]
struct Stats {
    routes: BTreeMap<String, u64>,
    total: u64,
    faulted: u64,
}

struct Inner {
    world: Mutex<World>,
    faults: Mutex<Vec<Fault>>,
    stats: Mutex<Stats>,
    limiter: Mutex<Option<Limiter>>,
    oauth: Mutex<OAuth>,
}

/// A running simulated site: the [`World`] behind a mutex, plus fault
/// injection and request counts. Cheap to clone; clones share the state.
#[derive(Clone)]
pub struct Sim {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Sim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sim").finish_non_exhaustive()
    }
}

/// Locks a mutex; a panic elsewhere cannot leave these structures half-updated
/// in a way that matters to a simulator, so poisoning is ignored.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Sim {
    /// A simulator serving `world`.
    pub fn new(world: World) -> Sim {
        Sim {
            inner: Arc::new(Inner {
                world: Mutex::new(world),
                faults: Mutex::new(Vec::new()),
                stats: Mutex::new(Stats::default()),
                limiter: Mutex::new(None),
                oauth: Mutex::new(OAuth::default()),
            }),
        }
    }

    /// Runs `f` with the world locked. Keep `f` short: every request waits for it.
    pub fn with_world<R>(&self, f: impl FnOnce(&mut World) -> R) -> R {
        f(&mut lock(&self.inner.world))
    }

    /// Runs `f` with the authorization server's state locked.
    pub(crate) fn with_oauth<R>(&self, f: impl FnOnce(&mut OAuth) -> R) -> R {
        f(&mut lock(&self.inner.oauth))
    }

    /// Queues a fault (see [`Fault`]).
    pub fn inject(&self, fault: Fault) {
        if fault.count > 0 {
            lock(&self.inner.faults).push(fault);
        }
    }

    /// Drops every pending fault.
    pub fn clear_faults(&self) {
        lock(&self.inner.faults).clear();
    }

    /// The pending faults.
    pub fn faults(&self) -> Vec<Fault> {
        lock(&self.inner.faults).clone()
    }

    /// Requests served per route, such as `"GET /rest/api/3/issue/{issueIdOrKey}"`
    /// (`"GET (unmatched)"` for unknown paths). `/sim/` routes are not counted.
    pub fn stats(&self) -> BTreeMap<String, u64> {
        lock(&self.inner.stats).routes.clone()
    }

    /// Resets the request counters.
    pub fn reset_stats(&self) {
        *lock(&self.inner.stats) = Stats::default();
    }

    pub(crate) fn stats_json(&self) -> Value {
        let limited = lock(&self.inner.limiter).as_ref().map(Limiter::stats_json);
        let s = lock(&self.inner.stats);
        json!({ "routes": s.routes, "total": s.total, "faulted": s.faulted, "limits": limited })
    }

    /// Applies Jira Cloud's rate limits from now on (`None`: none, the
    /// default), with fresh windows and buckets ([`RateLimits`]).
    pub fn set_rate_limits(&self, limits: Option<RateLimits>) {
        *lock(&self.inner.limiter) = limits.map(Limiter::new);
    }

    /// The rate limits in force, if any.
    pub fn rate_limits(&self) -> Option<RateLimits> {
        lock(&self.inner.limiter)
            .as_ref()
            .map(|l| l.limits().clone())
    }

    /// Points charged to the quota since the limits were set, and requests
    /// refused by `RateLimit-Reason` (`None` without limits).
    pub fn rate_limit_stats(&self) -> Option<Value> {
        lock(&self.inner.limiter).as_ref().map(Limiter::stats_json)
    }

    /// Lets a request through the limits, if any, at the site's time.
    pub(crate) fn limit_admit(&self, ask: Ask<'_>) -> Option<Result<(), (Refusal, i64)>> {
        let now = self.with_world(|w| w.now_ms());
        let mut limiter = lock(&self.inner.limiter);
        let limiter = limiter.as_mut()?;
        Some(limiter.admit(now, ask).map_err(|r| (r, now)))
    }

    /// Charges an answered request to the quota; the quota's headers after it.
    pub(crate) fn limit_charge(&self, write: bool, objects: u64) -> Vec<(&'static str, String)> {
        let now = self.with_world(|w| w.now_ms());
        let mut limiter = lock(&self.inner.limiter);
        let Some(limiter) = limiter.as_mut() else {
            return Vec::new();
        };
        limiter.charge(now, write, objects);
        limiter.quota_headers(now)
    }

    /// The quota's headers now, if limits with a quota are set.
    pub(crate) fn limit_quota_headers(&self) -> Vec<(&'static str, String)> {
        let now = self.with_world(|w| w.now_ms());
        lock(&self.inner.limiter)
            .as_mut()
            .map(|l| l.quota_headers(now))
            .unwrap_or_default()
    }

    /// Takes one use of the first pending fault matching `path`.
    pub(crate) fn take_fault(&self, path: &str) -> Option<Fault> {
        let mut faults = lock(&self.inner.faults);
        let i = faults.iter().position(|f| path.starts_with(&f.path))?;
        let fault = faults[i].clone();
        faults[i].count -= 1;
        if faults[i].count == 0 {
            faults.remove(i);
        }
        Some(fault)
    }

    /// Counts one Jira request to `route` (`"GET /rest/api/3/…"`), and whether a
    /// fault answered it instead.
    pub(crate) fn count_request(&self, route: String, faulted: bool) {
        let mut stats = lock(&self.inner.stats);
        *stats.routes.entry(route).or_default() += 1;
        stats.total += 1;
        if faulted {
            stats.faulted += 1;
        }
    }
}
