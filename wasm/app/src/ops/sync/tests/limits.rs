//! The sync under Jira Cloud's rate limits: the simulator's limiter on the
//! site's clock, which every wait the component asks for moves on, so that an
//! hour of quota costs no real time.

use jira_sim::{
    Bucket, GenOptions, Quota, RateLimits, Sim, World, BURST, QUOTA_GLOBAL, QUOTA_TENANT,
};
use serde_json::{json, Value as Json};

use super::{assert_index_is_jira, later, sim, slices, NOW};
use crate::jira::call::pace::MAX_RETRY_AFTER_MS;
use crate::jira::call::retry::{ATTEMPTS, MAX_TOTAL_WAIT_MS};
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
    // Bursts are refused (Jira says nothing before it refuses one); the quota
    // never: the sync paces by its headers, waiting for a window that ends
    // soon.
    assert!(
        bursts > 0 && quotas == 0,
        "{bursts} bursts, {quotas} quotas"
    );
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

/// Paced by the quota's headers (`X-RateLimit-Remaining`, `Beta-RateLimit`),
/// a full import of 20,000 worklogs under the documented limits with a quota
/// ten times smaller (6,500 points an hour: the import needs some 40,000)
/// ends its slices at their checkpoints when the quota cannot pay for another
/// round: each window costs at most one refused request (a new slice's first,
/// before any answer has told it the quota), not a round read again, and
/// every point is spent once, within a few percent.
#[test]
fn a_sync_paced_by_jiras_quota_headers_meets_at_most_one_refusal_a_window() {
    let mut world = World::generate(
        1,
        GenOptions {
            extra_users: 25,
            worklogs: Some(20_000),
            issues_per_project: Some(100),
            months: 6,
        },
    );
    world.set_time(NOW);
    let sim = Sim::new(world);
    let limits = RateLimits::documented().scaled_down(10);
    let quota = limits.quota.clone().unwrap();
    sim.set_rate_limits(Some(limits));
    let mut host = patient_job(&sim);
    let input = json!({"parallel": 1, "maxWorklogs": 20_000});
    let (mut windows, mut slices_run) = (1, 0);
    loop {
        slices_run += 1;
        assert!(slices_run < 500, "no end in sight");
        host.now_ms = sim.with_world(|w| w.now_ms());
        match host.run("sync.full", input.clone()) {
            Ok(out) if out["more"] == json!(true) => {}
            Ok(_) => break,
            Err(e) if e.is_upstream() && e.message().contains("jira takes requests again") => {
                windows += 1;
                sim.with_world(|w| {
                    let now = w.now_ms();
                    w.advance_time(quota.window_ms - now.rem_euclid(quota.window_ms));
                });
            }
            Err(e) => panic!("{e}"),
        }
    }
    let stats = sim.rate_limit_stats().unwrap();
    let points = stats["points"].as_u64().unwrap();
    let refused_quota = refused(&sim, QUOTA_GLOBAL);
    let refused_all: u64 = stats["refused"]
        .as_object()
        .unwrap()
        .values()
        .filter_map(Json::as_u64)
        .sum();
    sim.set_rate_limits(None);
    assert_index_is_jira(&host, &sim, &[]);
    // The points the import needs when nothing stops it.
    let mut unlimited = RateLimits::documented();
    if let Some(q) = &mut unlimited.quota {
        q.points = u64::MAX;
    }
    sim.set_rate_limits(Some(unlimited));
    sim.reset_stats();
    let mut fresh = patient_job(&sim);
    slices(&mut fresh, "sync.full", input);
    let needed = sim.rate_limit_stats().unwrap()["points"].as_u64().unwrap();
    sim.set_rate_limits(None);
    eprintln!(
        "paced: {windows} windows, {slices_run} slices, {points} points spent of {needed} needed, \
         {refused_quota} refused for the quota, {refused_all} refused in all"
    );
    assert!(windows >= 5, "the quota was not met: {windows} windows");
    assert!(
        refused_all <= windows,
        "{refused_all} refusals in {windows} windows"
    );
    assert!(
        points * 100 <= needed * 105,
        "{points} points spent, {needed} needed"
    );
}

/// How long a full import of 1,000,000 worklogs takes under Jira Cloud's
/// documented limits (the Tier 1 pool of 65,000 points an hour), measured on a
/// world `factor` times smaller under a quota `factor` times smaller, on the
/// site's clock: every wait the component asks for passes on it, and when the
/// quota is spent (the slice fails with `upstream`), the next run starts when
/// the hour ends, as the hourly job would. Prints the figures of
/// `docs/reliability.md`.
///
/// `cargo test --release -p worklogs-app -- --ignored --nocapture million`
/// (`WORKLOGS_ESTIMATE_WORKLOGS`, default 100000; `WORKLOGS_ESTIMATE_PARALLEL`,
/// default 1).
#[test]
#[ignore = "an estimate that takes a minute, not a check"]
fn a_million_worklog_import_under_the_documented_limits() {
    let env = |name: &str, default: usize| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let n = env("WORKLOGS_ESTIMATE_WORKLOGS", 100_000);
    let parallel = env("WORKLOGS_ESTIMATE_PARALLEL", 1);
    let factor = (1_000_000 / n).max(1) as u64;
    // The shape of the 1,000,000-worklog world of docs/performance.md: one
    // person per 800 worklogs, one issue per 67.
    let mut world = World::generate(
        1,
        GenOptions {
            extra_users: n / 800,
            worklogs: Some(n),
            issues_per_project: Some((n / 200).max(10)),
            months: 6,
        },
    );
    world.set_time(NOW);
    let sim = Sim::new(world);
    let total = sim.with_world(|w| w.worklog_count());
    let limits = RateLimits::documented().scaled_down(factor);
    let quota = limits.quota.clone().unwrap();
    sim.set_rate_limits(Some(limits));
    let mut host = patient_job(&sim);
    let started = sim.with_world(|w| w.now_ms());
    let input = json!({"parallel": parallel, "maxWorklogs": 20_000});
    let (mut slices_run, mut stops, mut last_done) = (0, 0, u64::MAX);
    loop {
        slices_run += 1;
        assert!(slices_run < 20_000, "no end in sight");
        host.now_ms = sim.with_world(|w| w.now_ms());
        match host.run("sync.full", input.clone()) {
            Ok(out) if out["more"] == json!(true) => {
                last_done = out["progress"]["done"].as_u64().unwrap_or(0);
            }
            Ok(_) => break,
            Err(e) if e.is_upstream() && e.message().contains("jira takes requests again") => {
                stops += 1;
                // The hourly job starts again when the window ends.
                sim.with_world(|w| {
                    let now = w.now_ms();
                    w.advance_time(quota.window_ms - now.rem_euclid(quota.window_ms));
                });
                let done = last_done;
                assert!(stops < 10_000, "stuck at {done}");
            }
            Err(e) => panic!("{e}"),
        }
    }
    let took_ms = sim.with_world(|w| w.now_ms()) - started;
    let stats = sim.rate_limit_stats().unwrap();
    let points = stats["points"].as_u64().unwrap();
    let requests: u64 = sim.stats().values().sum();
    sim.set_rate_limits(None);
    assert_index_is_jira(&host, &sim, &[]);

    // The points a run needs when nothing stops it: a quota it never spends.
    let mut unlimited = RateLimits::documented();
    if let Some(q) = &mut unlimited.quota {
        q.points = u64::MAX;
    }
    sim.set_rate_limits(Some(unlimited));
    sim.reset_stats();
    let mut fresh = patient_job(&sim);
    slices(&mut fresh, "sync.full", input.clone());
    let needed = sim.rate_limit_stats().unwrap()["points"].as_u64().unwrap();
    let needed_requests: u64 = sim.stats().values().sum();
    sim.set_rate_limits(None);
    let per_thousand = |p: u64| p as f64 * 1000.0 / total as f64;
    let hours = took_ms as f64 / 3_600_000.0;
    // A world `factor` times smaller under a quota `factor` times smaller takes
    // as long as the full one under the full quota.
    let scale = 1_000_000.0 / (total as f64 * factor as f64);
    println!(
        "{total} worklogs, parallel {parallel}, quota {} points/h (65,000 / {factor})\n\
         needed: {needed_requests} requests ({:.2} per 1000 worklogs), {needed} points ({:.0} per 1000)\n\
         under the quota: {requests} requests, {points} points (rounds redone after a stop), refused: {}\n\
         site time: {hours:.1} h in {slices_run} slices, {stops} ended by the spent quota\n\
         1,000,000 worklogs under 65,000 points/h: {:.1} h measured; {:.1} h if every point counted once",
        quota.points,
        needed_requests as f64 * 1000.0 / total as f64,
        per_thousand(needed),
        stats["refused"],
        hours * scale,
        per_thousand(needed) * 1000.0 / 65_000.0,
    );
}
