//! Estimate arithmetic and worklog validation over HTTP, step by step on the
//! clean issue ALPHA-2 (a Task with an original estimate of 1d = 8h).

use crate::common;

use crate::common::Client;
use serde_json::json;

const H: i64 = 3600;
const STARTED: &str = "2026-11-23T10:00:00.000+0000";

async fn post(c: &Client, query: &str, time: &str) -> common::Resp {
    let body = json!({ "started": STARTED, "timeSpent": time });
    c.post_worklog("ALPHA-2", query, "alice", &body).await
}

fn id(r: &common::Resp) -> String {
    r.id()
}

#[tokio::test]
async fn adjust_estimate_options_as_jira_documents() {
    let c = Client::demo();
    assert_eq!(c.times("ALPHA-2").await, (None, Some(8 * H), Some(8 * H)));

    // Create.
    let w1 = id(&post(&c, "", "2h").await); // auto is the default
    assert_eq!(
        c.times("ALPHA-2").await,
        (Some(2 * H), Some(6 * H), Some(8 * H))
    );
    let w2 = id(&post(&c, "?adjustEstimate=leave", "1h").await);
    assert_eq!(
        c.times("ALPHA-2").await,
        (Some(3 * H), Some(6 * H), Some(8 * H))
    );
    let w3 = id(&post(&c, "?adjustEstimate=new&newEstimate=5h", "30m").await);
    assert_eq!(c.times("ALPHA-2").await.1, Some(5 * H));
    let w4 = id(&post(&c, "?adjustEstimate=manual&reduceBy=30m", "1h").await);
    assert_eq!(c.times("ALPHA-2").await.1, Some(5 * H - H / 2));
    let w5 = id(&post(&c, "?adjustEstimate=AUTO", "1w").await);
    assert_eq!(
        c.times("ALPHA-2").await,
        (Some(44 * H + H / 2), Some(0), Some(8 * H)),
        "not below zero"
    );

    // Update: auto moves the estimate by the difference.
    let put = |w: &str, q: &str, body: &str| {
        let c = c.clone();
        let url = format!("/rest/api/3/issue/ALPHA-2/worklog/{w}{q}");
        let body = body.to_owned();
        async move { c.put(&url, "alice", &body).await }
    };
    assert_eq!(put(&w1, "", r#"{"timeSpent":"1h"}"#).await.status, 200);
    assert_eq!(
        c.times("ALPHA-2").await.1,
        Some(H),
        "2h -> 1h gives an hour back"
    );
    assert_eq!(
        put(&w1, "?adjustEstimate=auto", r#"{"timeSpent":"3h"}"#)
            .await
            .status,
        200
    );
    assert_eq!(
        c.times("ALPHA-2").await.1,
        Some(0),
        "1h -> 3h takes 2h, not below zero"
    );
    assert_eq!(
        put(
            &w1,
            "?adjustEstimate=new&newEstimate=1d",
            r#"{"timeSpent":"2h"}"#
        )
        .await
        .status,
        200
    );
    assert_eq!(c.times("ALPHA-2").await.1, Some(8 * H));
    assert_eq!(
        put(&w1, "?adjustEstimate=leave", r#"{"timeSpentSeconds":600}"#)
            .await
            .status,
        200
    );
    assert_eq!(c.times("ALPHA-2").await.1, Some(8 * H));
    assert_eq!(
        c.times("ALPHA-2").await.0,
        Some(600 + H + H / 2 + H + 40 * H)
    );

    // Delete: auto gives the time back, manual adds increaseBy.
    let del = |w: &str, q: &str| {
        let c = c.clone();
        let url = format!("/rest/api/3/issue/ALPHA-2/worklog/{w}{q}");
        async move { c.delete(&url, "alice").await }
    };
    assert_eq!(del(&w2, "").await.status, 204);
    assert_eq!(c.times("ALPHA-2").await.1, Some(9 * H));
    assert_eq!(
        del(&w3, "?adjustEstimate=manual&increaseBy=2h")
            .await
            .status,
        204
    );
    assert_eq!(c.times("ALPHA-2").await.1, Some(11 * H));
    assert_eq!(
        del(&w4, "?adjustEstimate=new&newEstimate=0").await.status,
        204
    );
    assert_eq!(c.times("ALPHA-2").await.1, Some(0));
    assert_eq!(del(&w5, "?adjustEstimate=leave").await.status, 204);
    assert_eq!(c.times("ALPHA-2").await, (Some(600), Some(0), Some(8 * H)));
    assert_eq!(del(&w1, "").await.status, 204);
    assert_eq!(
        c.times("ALPHA-2").await,
        (None, Some(600), Some(8 * H)),
        "no worklogs: timespent is null"
    );

    // The pretty strings follow.
    let r = c
        .get("/rest/api/3/issue/ALPHA-2?fields=timetracking", "bob")
        .await;
    assert_eq!(r.json["fields"]["timetracking"]["remainingEstimate"], "10m");
    assert_eq!(r.json["fields"]["timetracking"]["originalEstimate"], "1d");
    assert!(r.json["fields"]["timetracking"].get("timeSpent").is_none());
}

#[tokio::test]
async fn issues_without_an_estimate() {
    let c = Client::demo();
    // The epic has no estimate: auto leaves it unset, manual starts from zero.
    let (_, remaining, original) = c.times("ALPHA-1").await;
    assert_eq!((remaining, original), (None, None));
    let r = c
        .post(
            "/rest/api/3/issue/ALPHA-1/worklog",
            "alice",
            &format!(r#"{{"started":"{STARTED}","timeSpent":"1h"}}"#),
        )
        .await;
    assert_eq!(r.status, 201);
    assert_eq!(c.times("ALPHA-1").await.1, None);
    let r = c
        .post(
            "/rest/api/3/issue/ALPHA-1/worklog?adjustEstimate=manual&reduceBy=1h",
            "alice",
            &format!(r#"{{"started":"{STARTED}","timeSpent":"1h"}}"#),
        )
        .await;
    assert_eq!(r.status, 201);
    assert_eq!(c.times("ALPHA-1").await.1, Some(0));
}

#[tokio::test]
async fn estimate_options_are_validated() {
    let c = Client::demo();
    let before = c.times("ALPHA-2").await;
    for (query, field) in [
        ("?adjustEstimate=new", "newEstimate"),
        ("?adjustEstimate=new&newEstimate=soon", "newEstimate"),
        ("?adjustEstimate=manual", "reduceBy"),
        ("?adjustEstimate=manual&reduceBy=-1h", "reduceBy"),
    ] {
        let r = post(&c, query, "1h").await;
        assert_eq!(r.status, 400, "{query}");
        assert!(r.json["errors"][field].is_string(), "{query}: {}", r.json);
    }
    let r = post(&c, "?adjustEstimate=sometimes", "1h").await;
    assert_eq!(r.status, 400);
    let w = id(&post(&c, "?adjustEstimate=leave", "1h").await);
    let r = c
        .delete(
            &format!("/rest/api/3/issue/ALPHA-2/worklog/{w}?adjustEstimate=manual"),
            "alice",
        )
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.json["errors"]["increaseBy"],
        "You must supply a valid amount of time to increase the estimate by."
    );
    let r = c
        .put(
            &format!("/rest/api/3/issue/ALPHA-2/worklog/{w}?adjustEstimate=new"),
            "alice",
            r#"{"timeSpent":"2h"}"#,
        )
        .await;
    assert_eq!(
        r.json["errors"]["newEstimate"],
        "You must supply a valid new estimate."
    );
    // Nothing changed through the failed requests.
    let after = c.times("ALPHA-2").await;
    assert_eq!((after.0, after.1), (Some(H), before.1));
}

#[tokio::test]
async fn worklog_bodies_are_validated() {
    let c = Client::demo();
    for (body, field) in [
        (format!(r#"{{"started":"{STARTED}"}}"#), "timeLogged"),
        (
            format!(r#"{{"started":"{STARTED}","timeSpentSeconds":0}}"#),
            "timeLogged",
        ),
        (
            format!(r#"{{"started":"{STARTED}","timeSpentSeconds":-60}}"#),
            "timeLogged",
        ),
        (
            format!(r#"{{"started":"{STARTED}","timeSpent":"lots"}}"#),
            "timeLogged",
        ),
        (
            format!(r#"{{"started":"{STARTED}","timeSpent":"0m"}}"#),
            "timeLogged",
        ),
        (r#"{"timeSpent":"1h"}"#.to_owned(), "started"),
        (
            r#"{"started":"2026-11-23T10:00:00Z","timeSpent":"1h"}"#.to_owned(),
            "started",
        ),
        (
            r#"{"started":"2026-11-23","timeSpent":"1h"}"#.to_owned(),
            "started",
        ),
        (
            format!(r#"{{"started":"{STARTED}","timeSpent":"1h","comment":"plain text"}}"#),
            "comment",
        ),
    ] {
        let r = c
            .post("/rest/api/3/issue/ALPHA-2/worklog", "alice", &body)
            .await;
        assert_eq!(r.status, 400, "{body}");
        assert!(r.json["errors"][field].is_string(), "{body}: {}", r.json);
    }
    for body in [
        format!(r#"{{"started":"{STARTED}","timeSpent":"1h","newEstimate":"2h"}}"#),
        format!(r#"{{"started":"{STARTED}","timeSpentSeconds":"3600"}}"#),
        "[]".to_owned(),
        "".to_owned(),
        format!(
            r#"{{"started":"{STARTED}","timeSpent":"1h","visibility":{{"type":"group","value":"no-such-group"}}}}"#
        ),
        format!(
            r#"{{"started":"{STARTED}","timeSpent":"1h","visibility":{{"type":"mood","value":"happy"}}}}"#
        ),
    ] {
        let r = c
            .post("/rest/api/3/issue/ALPHA-2/worklog", "alice", &body)
            .await;
        assert_eq!(r.status, 400, "{body}");
        assert!(
            r.json["errorMessages"]
                .as_array()
                .is_some_and(|m| !m.is_empty()),
            "{body}: {}",
            r.json
        );
    }
    assert_eq!(c.times("ALPHA-2").await.0, None, "nothing was logged");
    // A worklog read back can be sent back: read-only fields are ignored.
    let w = id(&post(&c, "", "1h").await);
    let url = format!("/rest/api/3/issue/ALPHA-2/worklog/{w}");
    let got = c.get(&url, "alice").await;
    let r = c.put(&url, "alice", &got.json.to_string()).await;
    assert_eq!(r.status, 200, "{}", r.error_text());
    assert_eq!(r.json["timeSpentSeconds"], 3600);
}
