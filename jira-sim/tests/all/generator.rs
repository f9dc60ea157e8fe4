//! The data generator: deterministic from the seed, true to the demo world's
//! rules, and fast enough for a million worklogs.

use std::time::Instant;

use crate::common::{Client, Who};
use chrono::{DateTime, Datelike, Weekday};
use jira_sim::{GenOptions, Sim, World};
use serde_json::Value;

#[test]
fn same_seed_same_world() {
    let a = World::demo(42);
    let b = World::demo(42);
    assert!(a == b, "two demo(42) worlds differ");
    assert_eq!(a.fingerprint(), b.fingerprint());
    assert_ne!(a.fingerprint(), World::demo(43).fingerprint());
    let opts = GenOptions {
        extra_users: 25,
        worklogs: Some(20_000),
        issues_per_project: Some(40),
        months: 3,
    };
    assert_eq!(
        World::generate(7, opts.clone()).fingerprint(),
        World::generate(7, opts).fingerprint()
    );
}

/// Golden values: the demo world must be the same on every platform and in every
/// release, or scenario files written against it break. Update these only when
/// the generator changes on purpose.
#[test]
fn demo_world_is_stable_across_platforms() {
    let w = World::demo(1);
    println!(
        "demo(1): {} issues, {} worklogs, fingerprint {:#018x}",
        w.issue_count(),
        w.worklog_count(),
        w.fingerprint()
    );
    assert_eq!(
        w.account_id("alice"),
        Some("712020:c5d8cc38-1d3c-d85c-2c73-ab24abb5fabe")
    );
    assert_eq!(w.fingerprint(), GOLDEN_DEMO_1);
}

const GOLDEN_DEMO_1: u64 = 0xeb49_05ad_9349_3a22;

/// All of the app's view of the demo's worklogs, as JSON.
async fn all_worklogs(c: &Client) -> Vec<Value> {
    let mut out = Vec::new();
    let search = c
        .call(
            "GET",
            "/rest/api/3/search/jql?jql=project%20in%20(ALPHA,BETA,OPS)&maxResults=5000",
            Who::App,
            None,
        )
        .await;
    let ids: Vec<String> = search.json["issues"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|i| i["id"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    assert!(ids.len() >= 20 + 12 + 6, "issues: {}", ids.len());
    for id in ids {
        let r = c
            .call(
                "GET",
                &format!("/rest/api/3/issue/{id}/worklog"),
                Who::App,
                None,
            )
            .await;
        out.extend(r.json["worklogs"].as_array().cloned().unwrap_or_default());
    }
    out
}

#[tokio::test]
async fn demo_worklogs_follow_the_rules() {
    let c = Client::demo();
    let logs = all_worklogs(&c).await;
    assert!(logs.len() > 500, "{} worklogs", logs.len());
    let empty = c
        .call("GET", "/rest/api/3/issue/ALPHA-2/worklog", Who::App, None)
        .await;
    assert_eq!(empty.json["total"], 0, "ALPHA-2 starts clean");
    let mut comments = 0;
    for w in &logs {
        let who = w["author"]["displayName"].as_str().unwrap_or("");
        let zone: chrono_tz::Tz = w["author"]["timeZone"]
            .as_str()
            .and_then(|z| z.parse().ok())
            .expect("zone");
        let started = DateTime::parse_from_str(
            w["started"].as_str().unwrap_or(""),
            "%Y-%m-%dT%H:%M:%S%.3f%z",
        )
        .expect("started");
        let local = started.with_timezone(&zone);
        assert!(
            !matches!(local.weekday(), Weekday::Sat | Weekday::Sun),
            "{who} worked on a weekend: {local}"
        );
        let last = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).expect("date");
        assert!(local.date_naive() <= last, "{who}: {local}");
        for field in ["created", "updated"] {
            let t = DateTime::parse_from_str(
                w[field].as_str().unwrap_or(""),
                "%Y-%m-%dT%H:%M:%S%.3f%z",
            )
            .expect(field);
            assert!(
                t.timestamp_millis() < 1_795_478_400_000,
                "{field} before 2026-11-24: {t}"
            );
        }
        assert!(w["timeSpentSeconds"].as_i64().is_some_and(|s| s > 0));
        // Only people who may work on the issue log work there.
        let issue = w["issueId"].as_str().unwrap_or("");
        let key = c
            .call(
                "GET",
                &format!("/rest/api/3/issue/{issue}?fields=project"),
                Who::App,
                None,
            )
            .await;
        let project = key.json["fields"]["project"]["key"]
            .as_str()
            .unwrap_or("")
            .to_owned();
        let allowed: &[&str] = match project.as_str() {
            "OPS" => &["Frank Fischer", "Dave Diaz"],
            _ => &["Alice Andersen", "Bob Baker", "Carol Chen", "Dave Diaz"],
        };
        assert!(allowed.contains(&who), "{who} logged on {project}");
        if w.get("comment").is_some() {
            comments += 1;
            assert_eq!(w["comment"]["type"], "doc");
        }
    }
    assert!(comments > 0 && comments < logs.len());
}

#[test]
fn a_million_worklogs_generate_fast() {
    let opts = GenOptions {
        extra_users: 1_200,
        worklogs: Some(1_000_000),
        issues_per_project: Some(2_000),
        months: 6,
    };
    let t = Instant::now();
    let world = World::generate(3, opts);
    let took = t.elapsed();
    assert_eq!(world.worklog_count(), 1_000_000);
    assert_eq!(world.issue_count(), 6_000);
    let rss = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM"))
                .map(str::to_owned)
        })
        .unwrap_or_default();
    println!("generated 1,000,000 worklogs, 6,000 issues, 1,206 people in {took:.2?} ({rss})");
    // The sim serves it.
    let sim = Sim::new(world);
    let t = Instant::now();
    let n = sim.with_world(|w| w.fingerprint());
    println!(
        "fingerprint of the big world in {:.2?}: {n:#x}",
        t.elapsed()
    );
}
