//! The sync under Jira Cloud's rate limits: the simulator's limiter on the
//! site's clock, which every wait the component asks for moves on, so that an
//! hour of quota costs no real time.

use jira_sim::{Bucket, Quota, RateLimits, Sim, BURST, QUOTA_TENANT};
use serde_json::{json, Value as Json};

use super::{assert_index_is_jira, later, sim, slices};
use crate::jira::call::retry::{ATTEMPTS, MAX_RETRY_AFTER_MS, MAX_TOTAL_WAIT_MS};
use crate::testing::FakeHost;

/// A job whose waits pass on the simulator's clock.
fn patient_job(sim: &Sim) -> FakeHost {
    let clock = sim.clone();
    let mut host = FakeHost::new(None)
        .on_sim(sim)
        .on_sleep(move |ms| clock.with_world(|w| w.advance_time(i64::from(ms))));
    host.now_ms = sim.with_world(|w| w.now_ms());
    host
}

/// Tight limits the demo site (1537 worklogs) meets many times: a quota of
/// 1200 points a 10 s window (a full import costs some 3500), endpoints of
/// 2 requests refilled at 1 a second, and Jira's per-issue write windows.
fn tight() -> RateLimits {
    RateLimits {
        quota: Some(Quota {
            points: 1200,
            window_ms: 10_000,
            per_object: 1,
            reason: QUOTA_TENANT,
        }),
        reads: Some(Bucket {
            capacity: 2,
            per_second: 1,
        }),
        ..RateLimits::documented()
    }
}

fn refused(sim: &Sim, reason: &str) -> u64 {
    sim.rate_limit_stats().unwrap()["refused"][reason]
        .as_u64()
        .unwrap_or(0)
}

/// Every wait honours the rules: none over the longest `Retry-After` waited
/// for (plus its jitter), and the run never gave up (which it does when a
/// request runs out of attempts or of waiting).
fn assert_within_budget(host: &FakeHost) {
    let longest = MAX_RETRY_AFTER_MS + MAX_RETRY_AFTER_MS / 5;
    assert!(
        host.slept.iter().all(|ms| *ms <= longest),
        "{:?}",
        host.slept
    );
    const { assert!(ATTEMPTS >= 2 && MAX_TOTAL_WAIT_MS >= MAX_RETRY_AFTER_MS) };
}

#[test]
fn full_and_incremental_syncs_finish_under_jiras_rate_limits_within_the_retry_budget() {
    let sim = sim();
    sim.set_rate_limits(Some(tight()));
    let mut host = patient_job(&sim);
    let started = sim.with_world(|w| w.now_ms());
    let out = slices(
        &mut host,
        "sync.full",
        json!({"maxWorklogs": 1000, "parallel": 4}),
    );
    assert_eq!(out.last().unwrap()["totals"]["written"], 1537);
    let (bursts, quotas) = (refused(&sim, BURST), refused(&sim, QUOTA_TENANT));
    sim.set_rate_limits(None);
    assert_index_is_jira(&host, &sim, &[]);
    assert!(bursts > 0 && quotas > 0, "{bursts} bursts, {quotas} quotas");
    assert_within_budget(&host);
    let took = sim.with_world(|w| w.now_ms()) - started;
    eprintln!(
        "full import of 1537 worklogs under tight limits: {took} ms of site time, \
         {} waits, {bursts} bursts and {quotas} quotas refused",
        host.slept.len()
    );

    // Changes in Jira, then an incremental run under the same limits.
    sim.set_rate_limits(None);
    let jira = jira_sim::InProcess::new(&sim).unwrap();
    for (issue, seconds) in [("ALPHA-3", 1800), ("BETA-4", 3600), ("ALPHA-3", 600)] {
        let body = json!({"started": "2026-11-24T09:00:00.000+0100", "timeSpentSeconds": seconds});
        let reply = jira.send(
            jira_sim::Caller::Account("alice"),
            "POST",
            &format!("/rest/api/3/issue/{issue}/worklog"),
            Some(&body.to_string()),
        );
        assert_eq!(reply.status, 201, "{}", reply.body);
    }
    later(&sim, &mut host);
    sim.set_rate_limits(Some(tight()));
    let slept = host.slept.len();
    let out = slices(&mut host, "sync.incremental", json!({"parallel": 4}));
    let last: &Json = out.last().unwrap();
    assert_eq!(last["mode"], "incremental");
    assert_eq!(last["totals"]["written"], 3);
    let refused_now = refused(&sim, BURST) + refused(&sim, QUOTA_TENANT);
    sim.set_rate_limits(None);
    assert_index_is_jira(&host, &sim, &[]);
    assert_within_budget(&host);
    eprintln!(
        "incremental run: {} waits, {refused_now} requests refused",
        host.slept.len() - slept
    );
}
