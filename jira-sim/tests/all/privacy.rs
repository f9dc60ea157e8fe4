//! Atlassian's personal data reporting API (`POST /app/report-accounts`) and
//! the `/sim/accounts/{who}` switch that closes or updates accounts.

use crate::common;

use crate::common::{Client, Who};
use serde_json::{json, Value};

const REPORT: &str = "/app/report-accounts";

async fn account_id(c: &Client, alias: &str) -> String {
    let demo = c.call("GET", "/sim/demo", Who::Anonymous, None).await;
    demo.json["accounts"]
        .as_array()
        .expect("accounts")
        .iter()
        .find(|a| a["alias"] == json!(alias))
        .and_then(|a| a["accountId"].as_str())
        .expect("a demo person")
        .to_owned()
}

async fn set(c: &Client, who: &str, status: &str) -> common::Resp {
    c.call(
        "POST",
        &format!("/sim/accounts/{who}"),
        Who::Anonymous,
        Some(&json!({ "status": status }).to_string()),
    )
    .await
}

fn body(accounts: &[(&str, &str)]) -> String {
    let accounts: Vec<Value> = accounts
        .iter()
        .map(|(id, at)| json!({ "accountId": id, "updatedAt": at }))
        .collect();
    json!({ "accounts": accounts }).to_string()
}

#[tokio::test]
async fn nothing_to_do_is_204_without_a_body() {
    let c = Client::demo();
    let alice = account_id(&c, "alice").await;
    for path in [REPORT, "/app/report-accounts/"] {
        let r = c
            .call(
                "POST",
                path,
                Who::App,
                Some(&body(&[(&alice, "2026-11-24T12:00:00.000Z")])),
            )
            .await;
        assert_eq!(r.status, 204, "{path}: {}", r.error_text());
        assert!(r.raw.is_empty());
    }
}

#[tokio::test]
async fn closed_and_updated_accounts_are_listed_and_only_those() {
    let c = Client::demo();
    let (alice, bob, carol) = (
        account_id(&c, "alice").await,
        account_id(&c, "bob").await,
        account_id(&c, "carol").await,
    );
    let r = set(&c, "bob", "closed").await;
    assert_eq!(r.status, 200, "{}", r.error_text());
    assert_eq!(r.json["accountId"], json!(bob));
    assert_eq!(r.json["closed"], json!(true));
    // carol's profile changes at the simulator's now (2026-11-24T12:00Z).
    assert_eq!(set(&c, &carol, "updated").await.status, 200);
    let r = c
        .call(
            "POST",
            REPORT,
            Who::App,
            Some(&body(&[
                (&alice, "2026-01-01T00:00:00Z"),
                (&bob, "2026-11-24T13:00:00.000Z"),
                (&carol, "2026-11-01T00:00:00.000+01:00"),
                ("unknown-account", "2026-11-01T00:00:00Z"),
            ])),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.error_text());
    assert_eq!(
        r.json,
        json!({ "accounts": [
            { "accountId": bob, "status": "closed" },
            { "accountId": carol, "status": "updated" },
        ] })
    );
    // Reported after the change, carol needs nothing.
    let r = c
        .call(
            "POST",
            REPORT,
            Who::App,
            Some(&body(&[(&carol, "2026-11-24T12:00:00.001Z")])),
        )
        .await;
    assert_eq!(r.status, 204);
    // Back to active: nothing to report on bob either.
    assert_eq!(set(&c, "bob", "active").await.status, 200);
    let r = c
        .call(
            "POST",
            REPORT,
            Who::App,
            Some(&body(&[(&bob, "2020-01-01T00:00:00Z")])),
        )
        .await;
    assert_eq!(r.status, 204);
}

#[tokio::test]
async fn only_the_app_may_report() {
    let c = Client::demo();
    let alice = account_id(&c, "alice").await;
    let report = body(&[(&alice, "2026-11-24T12:00:00Z")]);
    let r = c
        .call("POST", REPORT, Who::User("alice"), Some(&report))
        .await;
    assert_eq!(r.status, 403);
    let r = c.call("POST", REPORT, Who::Anonymous, Some(&report)).await;
    assert_eq!(r.status, 401);
}

#[tokio::test]
async fn malformed_reports_are_400_naming_the_field() {
    let c = Client::demo();
    let too_many: Vec<(String, &str)> = (0..91)
        .map(|i| (format!("a-{i}"), "2026-11-24T12:00:00Z"))
        .collect();
    let too_many: Vec<(&str, &str)> = too_many.iter().map(|(a, t)| (a.as_str(), *t)).collect();
    let cases = [
        ("", ""),
        ("{}", "accounts"),
        (r#"{"accounts": []}"#, "accounts"),
        (&body(&too_many) as &str, "accounts"),
        (
            r#"{"accounts": [{"updatedAt": "2026-11-24T12:00:00Z"}]}"#,
            "accounts[0].accountId",
        ),
        (
            r#"{"accounts": [{"accountId": "a", "updatedAt": "yesterday"}]}"#,
            "accounts[0].updatedAt",
        ),
    ];
    for (report, field) in cases {
        let r = c.call("POST", REPORT, Who::App, Some(report)).await;
        assert_eq!(r.status, 400, "{report}");
        assert!(
            r.error_text().contains(field),
            "{report}: {}",
            r.error_text()
        );
    }
}

#[tokio::test]
async fn the_switch_refuses_unknown_people_and_statuses() {
    let c = Client::demo();
    assert_eq!(set(&c, "nobody", "closed").await.status, 404);
    let r = set(&c, "alice", "deleted").await;
    assert_eq!(r.status, 400);
    assert!(r.error_text().contains("status"), "{}", r.error_text());
}

#[tokio::test]
async fn busy_answers_come_from_faults() {
    let c = Client::demo();
    let fault = json!({ "path": REPORT, "status": 429, "retryAfter": 3 }).to_string();
    let r = c
        .call("POST", "/sim/faults", Who::Anonymous, Some(&fault))
        .await;
    assert_eq!(r.status, 204);
    let alice = account_id(&c, "alice").await;
    let report = body(&[(&alice, "2026-11-24T12:00:00Z")]);
    let r = c.call("POST", REPORT, Who::App, Some(&report)).await;
    assert_eq!(r.status, 429);
    assert_eq!(r.retry_after.as_deref(), Some("3"));
    let r = c.call("POST", REPORT, Who::App, Some(&report)).await;
    assert_eq!(r.status, 204);
}
