//! The worklog change feeds, bulk reads, JQL paging, properties, fault
//! injection, statistics, the clock, and serving over real TCP.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use crate::common::{Client, Who, NOW_MS};
use jira_sim::{spawn, Fault, Sim, World};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Follows a feed from `since` to its last page; returns the items (deduped by
/// id, last time wins) and the final `until`.
async fn follow(c: &Client, feed: &str, since: i64, who: Who<'_>) -> (Vec<(i64, i64)>, i64) {
    let mut url = format!("/rest/api/3/{feed}?since={since}");
    let mut items: Vec<(i64, i64)> = Vec::new();
    for _ in 0..100 {
        let r = c.call("GET", &url, who, None).await;
        assert_eq!(r.status, 200, "{}", r.error_text());
        let values = r.json["values"].as_array().cloned().unwrap_or_default();
        assert!(values.len() <= 1000);
        let times: Vec<i64> = values
            .iter()
            .filter_map(|v| v["updatedTime"].as_i64())
            .collect();
        assert!(times.windows(2).all(|w| w[0] <= w[1]), "oldest first");
        for v in &values {
            let id = v["worklogId"].as_i64().expect("id");
            items.retain(|(i, _)| *i != id);
            items.push((id, v["updatedTime"].as_i64().expect("time")));
        }
        if r.json["lastPage"] == true {
            assert!(r.json.get("nextPage").is_none());
            return (items, r.json["until"].as_i64().expect("until"));
        }
        assert_eq!(r.json["until"], *times.last().expect("a full page"));
        let next = r.json["nextPage"].as_str().expect("nextPage");
        url = next
            .split_once("/rest/api/3/")
            .map(|(_, p)| format!("/rest/api/3/{p}"))
            .expect("path");
    }
    panic!("the feed did not end");
}

#[tokio::test]
async fn updated_feed_pages_through_everything_and_skips_the_last_minute() {
    let c = Client::demo();
    let total = c.sim.with_world(|w| w.worklog_count());
    let (all, until) = follow(&c, "worklog/updated", 0, Who::App).await;
    assert_eq!(all.len(), total, "every worklog once");
    assert_eq!(until, NOW_MS - 60_000);

    // A new worklog is left out for a minute.
    let id: i64 = c
        .log("ALPHA-2", "alice", 900, "")
        .await
        .parse()
        .expect("id");
    let (fresh, _) = follow(&c, "worklog/updated", until, Who::App).await;
    assert!(fresh.is_empty(), "{fresh:?}");
    c.sim.with_world(|w| w.advance_time(61_000));
    let (fresh, until2) = follow(&c, "worklog/updated", until, Who::App).await;
    assert_eq!(fresh.iter().map(|x| x.0).collect::<Vec<_>>(), [id]);
    assert_eq!(until2, NOW_MS + 1_000);

    // Users see only what they may see.
    let (erin, _) = follow(&c, "worklog/updated", 0, Who::User("erin")).await;
    let (dave, _) = follow(&c, "worklog/updated", 0, Who::User("dave")).await;
    assert!(erin.len() < dave.len());
    assert_eq!(dave.len(), total + 1, "dave sees every worklog");

    // An update moves the worklog to the end of the feed.
    let r = c
        .put(
            &format!("/rest/api/3/issue/ALPHA-2/worklog/{id}"),
            "alice",
            r#"{"timeSpent":"1h"}"#,
        )
        .await;
    assert_eq!(r.status, 200);
    c.sim.with_world(|w| w.advance_time(61_000));
    let (later, _) = follow(&c, "worklog/updated", until2, Who::App).await;
    assert_eq!(later.iter().map(|x| x.0).collect::<Vec<_>>(), [id]);
}

#[tokio::test]
async fn deleted_feed_keeps_tombstones() {
    let c = Client::demo();
    let (none, until) = follow(&c, "worklog/deleted", 0, Who::App).await;
    assert!(none.is_empty());
    let ids: Vec<String> = {
        let r = c
            .call(
                "GET",
                "/rest/api/3/issue/ALPHA-3/worklog?maxResults=3",
                Who::App,
                None,
            )
            .await;
        r.json["worklogs"]
            .as_array()
            .expect("worklogs")
            .iter()
            .map(|w| w["id"].as_str().unwrap_or("").to_owned())
            .collect()
    };
    for id in &ids {
        let r = c
            .call(
                "DELETE",
                &format!("/rest/api/3/issue/ALPHA-3/worklog/{id}"),
                Who::App,
                None,
            )
            .await;
        assert_eq!(r.status, 204);
    }
    c.sim.with_world(|w| w.advance_time(61_000));
    let (gone, _) = follow(&c, "worklog/deleted", until, Who::User("erin")).await;
    let gone: Vec<String> = gone.iter().map(|x| x.0.to_string()).collect();
    assert_eq!(gone, ids);
    let (live, _) = follow(&c, "worklog/updated", 0, Who::App).await;
    assert!(live.iter().all(|(id, _)| !ids.contains(&id.to_string())));
    // Deleted worklogs are gone from bulk reads too.
    let body =
        json!({ "ids": ids.iter().map(|i| i.parse::<i64>().unwrap_or(0)).collect::<Vec<_>>() });
    let r = c
        .call(
            "POST",
            "/rest/api/3/worklog/list",
            Who::App,
            Some(&body.to_string()),
        )
        .await;
    assert_eq!(r.json, json!([]));
}

#[tokio::test]
async fn properties_travel_with_worklogs() {
    let c = Client::demo();
    let id = c
        .log(
            "BETA-2",
            "carol",
            1800,
            r#","properties":[{"key":"worklogs","value":{"billable":true,"workType":"dev"}}]"#,
        )
        .await;
    let url = format!("/rest/api/3/issue/BETA-2/worklog/{id}");
    let plain = c.get(&url, "carol").await;
    assert!(
        plain.json.get("properties").is_none(),
        "only with expand=properties"
    );
    let expanded = c.get(&format!("{url}?expand=properties"), "carol").await;
    assert_eq!(
        expanded.json["properties"],
        json!([{"key": "worklogs", "value": {"billable": true, "workType": "dev"}}])
    );
    assert_eq!(
        c.put(
            &format!("{url}/properties/worklogs"),
            "carol",
            r#"{"billable":false}"#
        )
        .await
        .status,
        200
    );
    c.sim.with_world(|w| w.advance_time(61_000));
    let feed = c
        .call(
            "GET",
            &format!(
                "/rest/api/3/worklog/updated?since={}&expand=properties",
                NOW_MS - 1
            ),
            Who::App,
            None,
        )
        .await;
    let item = feed.json["values"]
        .as_array()
        .and_then(|v| {
            v.iter()
                .find(|v| v["worklogId"].as_u64() == id.parse().ok())
        })
        .cloned();
    assert_eq!(
        item.map(|i| i["properties"].clone()),
        Some(json!([{"key": "worklogs", "value": {"billable": false}}]))
    );
    let bulk = c
        .post(
            "/rest/api/3/worklog/list?expand=properties",
            "carol",
            &format!(r#"{{"ids":[{id},{id}]}}"#),
        )
        .await;
    assert_eq!(
        bulk.json.as_array().map(Vec::len),
        Some(1),
        "duplicates collapse"
    );
    assert_eq!(bulk.json[0]["properties"][0]["value"]["billable"], false);
    let too_long = format!("\"{}\"", "x".repeat(40_000));
    assert_eq!(
        c.put(&format!("{url}/properties/big"), "carol", &too_long)
            .await
            .status,
        400
    );
}

#[tokio::test]
async fn jql_pages_with_tokens() {
    let c = Client::demo();
    let mut seen = BTreeSet::new();
    let mut token: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut url = "/rest/api/3/search/jql?jql=project%20in%20(ALPHA,BETA)%20ORDER%20BY%20key&maxResults=7&fields=summary".to_owned();
        if let Some(t) = &token {
            url.push_str(&format!("&nextPageToken={t}"));
        }
        let r = c.get(&url, "erin").await;
        assert_eq!(r.status, 200, "{}", r.error_text());
        pages += 1;
        for issue in r.json["issues"].as_array().expect("issues") {
            assert!(
                seen.insert(issue["key"].as_str().expect("key").to_owned()),
                "no duplicates"
            );
        }
        match r.json["nextPageToken"].as_str() {
            Some(t) => {
                assert_eq!(r.json["isLast"], false);
                token = Some(t.to_owned());
            }
            None => {
                assert_eq!(r.json["isLast"], true);
                break;
            }
        }
    }
    let count = c
        .post(
            "/rest/api/3/search/jql",
            "erin",
            r#"{"jql":"project in (ALPHA, BETA)","maxResults":5000}"#,
        )
        .await;
    let ids = count.json["issues"].as_array().expect("issues");
    assert_eq!(ids.len(), seen.len());
    assert!(
        ids.iter().all(|i| i
            .as_object()
            .is_some_and(|o| o.len() == 1 && o.contains_key("id"))),
        "ids only by default"
    );
    assert!(pages > 1);
    let bad = c
        .get(
            "/rest/api/3/search/jql?jql=project%3DALPHA&nextPageToken=garbage",
            "erin",
        )
        .await;
    assert_eq!(bad.status, 400);
    // Issues worked on recently by someone, as a sync would ask.
    let r = c
        .post(
            "/rest/api/3/search/jql",
            "dave",
            r#"{"jql":"worklogDate >= -7d AND worklogAuthor = carol","fields":["key"]}"#,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.error_text());
}

#[tokio::test]
async fn faults_and_stats() {
    let c = Client::demo();
    c.sim.inject(
        Fault::status("/rest/api/3/issue/", 429)
            .retry_after(2)
            .times(2),
    );
    for _ in 0..2 {
        let r = c.get("/rest/api/3/issue/ALPHA-3", "alice").await;
        assert_eq!(r.status, 429);
        assert_eq!(r.retry_after.as_deref(), Some("2"));
        assert!(r.json["errorMessages"].is_array());
    }
    assert_eq!(
        c.get("/rest/api/3/issue/ALPHA-3", "alice").await.status,
        200
    );
    // Other paths are untouched.
    c.sim.inject(Fault::status("/rest/api/3/worklog/", 503));
    assert_eq!(c.get("/rest/api/3/myself", "alice").await.status, 200);
    assert_eq!(
        c.get("/rest/api/3/worklog/updated", "alice").await.status,
        503
    );

    // Over HTTP.
    let r = c
        .call(
            "POST",
            "/sim/faults",
            Who::Anonymous,
            Some(r#"{"path":"/rest/api/3/myself","delayMs":150,"count":1}"#),
        )
        .await;
    assert_eq!(r.status, 204);
    let t = Instant::now();
    assert_eq!(c.get("/rest/api/3/myself", "alice").await.status, 200);
    assert!(t.elapsed() >= Duration::from_millis(150));
    let r = c
        .call(
            "POST",
            "/sim/faults",
            Who::Anonymous,
            Some(r#"{"path":"/rest/api/3/","status":500,"count":5}"#),
        )
        .await;
    assert_eq!(r.status, 204);
    let pending = c.call("GET", "/sim/faults", Who::Anonymous, None).await;
    assert_eq!(pending.json[0]["count"], 5);
    assert_eq!(
        c.call("DELETE", "/sim/faults", Who::Anonymous, None)
            .await
            .status,
        204
    );
    assert_eq!(c.get("/rest/api/3/myself", "alice").await.status, 200);
    assert_eq!(
        c.call(
            "POST",
            "/sim/faults",
            Who::Anonymous,
            Some(r#"{"path":"/x"}"#)
        )
        .await
        .status,
        400
    );

    let stats = c.call("GET", "/sim/stats", Who::Anonymous, None).await;
    assert_eq!(
        stats.json["routes"]["GET /rest/api/3/issue/{issueIdOrKey}"],
        3
    );
    assert_eq!(stats.json["routes"]["GET /rest/api/3/myself"], 3);
    assert_eq!(stats.json["faulted"], 3);
    assert_eq!(
        c.call("DELETE", "/sim/stats", Who::Anonymous, None)
            .await
            .status,
        204
    );
    assert_eq!(c.sim.stats().len(), 0);
}

#[tokio::test]
async fn the_clock_can_be_set_over_http() {
    let c = Client::demo();
    let r = c.call("GET", "/sim/clock", Who::Anonymous, None).await;
    assert_eq!(r.json, json!({ "nowMs": NOW_MS, "frozen": true }));
    let r = c
        .call(
            "POST",
            "/sim/clock",
            Who::Anonymous,
            Some(r#"{"advanceMs":5000}"#),
        )
        .await;
    assert_eq!(r.json["nowMs"], NOW_MS + 5000);
    let r = c
        .call(
            "POST",
            "/sim/clock",
            Who::Anonymous,
            Some(r#"{"system":true}"#),
        )
        .await;
    assert_eq!(r.json["frozen"], false);
    let r = c
        .call("POST", "/sim/clock", Who::Anonymous, Some(r#"{}"#))
        .await;
    assert_eq!(r.status, 400);
    let avatar = c
        .call(
            "GET",
            "/sim/avatar/Alice%20Andersen?s=24",
            Who::Anonymous,
            None,
        )
        .await;
    assert_eq!(avatar.content_type.as_deref(), Some("image/svg+xml"));
    assert!(String::from_utf8_lossy(&avatar.raw).contains(">AA<"));
}

/// One HTTP/1.1 request over a fresh TCP connection; returns status and body.
async fn raw_get(addr: std::net::SocketAddr, path: &str, who: &str) -> (u16, Value) {
    let mut s = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let req = format!(
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nX-Sim-Account: {who}\r\nConnection: close\r\n\r\n"
    );
    s.write_all(req.as_bytes()).await.expect("write");
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).await.expect("read");
    let text = String::from_utf8_lossy(&buf).to_string();
    let status = text.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b).unwrap_or("");
    (status, serde_json::from_str(body).unwrap_or(Value::Null))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serves_over_tcp_concurrently() {
    let sim = Sim::new(World::demo(1));
    let handle = spawn(sim.clone(), "127.0.0.1:0".parse().expect("addr"))
        .await
        .expect("spawn");
    assert!(handle.base_url.starts_with("http://127.0.0.1:"));
    let addr = handle.addr;
    let (status, me) = raw_get(addr, "/rest/api/3/myself", "alice").await;
    assert_eq!(status, 200);
    assert_eq!(
        me["self"].as_str().map(|s| s.starts_with(&handle.base_url)),
        Some(true)
    );
    let t = Instant::now();
    let tasks: Vec<_> = (0..32)
        .map(|i| {
            tokio::spawn(async move {
                let issue = format!("/rest/api/3/issue/ALPHA-{}/worklog", 3 + i % 10);
                raw_get(addr, &issue, ["alice", "bob", "carol", "dave"][i % 4])
                    .await
                    .0
            })
        })
        .collect();
    for t in tasks {
        assert_eq!(t.await.expect("task"), 200);
    }
    println!(
        "32 concurrent worklog lists over TCP in {:.2?}",
        t.elapsed()
    );
    assert_eq!(
        sim.stats()
            .get("GET /rest/api/3/issue/{issueIdOrKey}/worklog"),
        Some(&32)
    );
    handle.shutdown().await;
    assert!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "stopped"
    );
}

#[tokio::test]
async fn malformed_requests_get_jira_error_bodies() {
    let c = Client::demo();
    // A path that is not UTF-8, a method the route does not serve, a huge body.
    let r = c.get("/rest/api/3/issue/%FF%FE/worklog", "alice").await;
    assert_eq!(r.status, 400);
    assert!(
        r.json["errorMessages"].is_array(),
        "{:?}",
        String::from_utf8_lossy(&r.raw)
    );
    let r = c
        .call(
            "PATCH",
            "/rest/api/3/myself",
            Who::User("alice"),
            Some("{}"),
        )
        .await;
    assert_eq!(r.status, 405);
    assert!(r.json["errorMessages"].is_array());
    let big = format!("{{\"ids\":[{}]}}", "1,".repeat(2_000_000) + "1");
    let r = c.post("/rest/api/3/worklog/list", "alice", &big).await;
    assert_eq!(r.status, 413);
    assert!(r.json["errorMessages"].is_array());
    // JQL periods that overflow are errors, not panics.
    let r = c
        .get(
            "/rest/api/3/search/jql?jql=updated%20%3E%20-99999999999999999w",
            "alice",
        )
        .await;
    assert_eq!(r.status, 400);
    let r = c
        .get(
            "/rest/api/3/search/jql?jql=updated%20%3E%20-5%C3%A9",
            "alice",
        )
        .await;
    assert_eq!(r.status, 400);
}
