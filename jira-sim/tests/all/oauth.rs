//! The simulator's authorization server: what `/authorize` refuses, the code
//! exchange with PKCE, refresh token rotation, expiry, accessible resources,
//! and Jira's REST API with a bearer token.

use axum::body::Body;
use axum::http::{header, Request};
use axum::Router;
use jira_sim::{s256, OAuthClient, Sim, World};
use serde_json::{json, Value};
use tower::ServiceExt;

const CALLBACK: &str = "http://127.0.0.1:9/auth/callback";
const VERIFIER: &str = "a-verifier-of-at-least-forty-three-characters-0123456789";

struct Answer {
    status: u16,
    location: String,
    body: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }
}

async fn send(
    router: &Router,
    method: &str,
    uri: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Answer {
    let mut request = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::HOST, "sim.local");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = router
        .clone()
        .oneshot(request.body(Body::from(body.to_owned())).unwrap())
        .await
        .unwrap();
    let status = response.status().as_u16();
    let location = response
        .headers()
        .get(header::LOCATION)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    Answer {
        status,
        location,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

fn site(token_seconds: u64) -> (Sim, Router) {
    let sim = Sim::new(World::demo(42));
    sim.register_oauth_client(OAuthClient {
        id: "app".into(),
        secret: "secret".into(),
        redirect_uri: CALLBACK.into(),
        access_token_seconds: token_seconds,
    });
    let router = sim.router();
    (sim, router)
}

fn authorize_query(overrides: &[(&str, &str)]) -> String {
    let challenge = s256(VERIFIER);
    let mut pairs = vec![
        ("client_id", "app"),
        ("redirect_uri", CALLBACK),
        ("response_type", "code"),
        ("scope", "read:jira-work write:jira-work offline_access"),
        ("state", "s1"),
        ("code_challenge", challenge.as_str()),
        ("code_challenge_method", "S256"),
    ];
    for (k, v) in overrides {
        pairs.retain(|(key, _)| key != k);
        pairs.push((k, v));
    }
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

/// Consents as `alias`; the code from the callback URL.
async fn code(sim: &Sim, router: &Router, alias: &str) -> String {
    let account = sim.with_world(|w| w.account_id(alias).unwrap().to_owned());
    let form = format!("{}&account={account}&consent=accept", authorize_query(&[]));
    let answer = send(router, "POST", "/authorize", &[], &form).await;
    assert_eq!(answer.status, 303, "{}", answer.body);
    assert!(answer.location.starts_with(CALLBACK), "{}", answer.location);
    let query = answer.location.split_once('?').unwrap().1;
    let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    assert!(pairs.contains(&("state".into(), "s1".into())));
    pairs.into_iter().find(|(k, _)| k == "code").unwrap().1
}

async fn token(router: &Router, body: Value) -> Answer {
    send(
        router,
        "POST",
        "/oauth/token",
        &[("content-type", "application/json")],
        &body.to_string(),
    )
    .await
}

#[tokio::test]
async fn authorize_refuses_what_atlassian_refuses() {
    let (_, router) = site(60);
    let ok = send(
        &router,
        "GET",
        &format!("/authorize?{}", authorize_query(&[])),
        &[],
        "",
    )
    .await;
    assert_eq!(ok.status, 200);
    assert!(
        ok.body.contains("Alice Andersen"),
        "the page lists the people"
    );
    for bad in [
        ("client_id", "other"),
        ("redirect_uri", "http://evil.example/cb"),
        ("response_type", "token"),
        ("code_challenge_method", "plain"),
        ("code_challenge", "short"),
        ("scope", "manage:jira-configuration"),
    ] {
        let answer = send(
            &router,
            "GET",
            &format!("/authorize?{}", authorize_query(&[bad])),
            &[],
            "",
        )
        .await;
        assert_eq!(answer.status, 400, "{bad:?}");
        assert!(answer.body.contains(bad.0), "{bad:?}: {}", answer.body);
    }
}

#[tokio::test]
async fn a_code_needs_its_verifier_and_is_good_once() {
    let (sim, router) = site(60);
    let code1 = code(&sim, &router, "alice").await;
    let wrong = token(
        &router,
        json!({"grant_type": "authorization_code", "client_id": "app",
        "client_secret": "secret", "code": code1, "redirect_uri": CALLBACK,
        "code_verifier": "x".repeat(43)}),
    )
    .await;
    assert_eq!(wrong.status, 403);
    assert_eq!(wrong.json()["error"], "invalid_grant");
    // The code was spent by the failed try.
    let again = token(&router, json!({"grant_type": "authorization_code", "client_id": "app",
        "client_secret": "secret", "code": code1, "redirect_uri": CALLBACK, "code_verifier": VERIFIER}))
    .await;
    assert_eq!(again.status, 403);
    // A wrong secret is the client's error.
    let code2 = code(&sim, &router, "alice").await;
    let answer = token(&router, json!({"grant_type": "authorization_code", "client_id": "app",
        "client_secret": "nope", "code": code2, "redirect_uri": CALLBACK, "code_verifier": VERIFIER}))
    .await;
    assert_eq!(answer.status, 401);
    assert_eq!(answer.json()["error"], "invalid_client");
}

#[tokio::test]
async fn bearer_tokens_act_as_their_account_expire_and_refresh_with_rotation() {
    let (sim, router) = site(1);
    let code = code(&sim, &router, "bob").await;
    let answer = token(&router, json!({"grant_type": "authorization_code", "client_id": "app",
        "client_secret": "secret", "code": code, "redirect_uri": CALLBACK, "code_verifier": VERIFIER}))
    .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let tokens = answer.json();
    assert_eq!(tokens["token_type"], "Bearer");
    assert_eq!(tokens["expires_in"], 1);
    let bearer = format!("Bearer {}", tokens["access_token"].as_str().unwrap());
    let me = send(
        &router,
        "GET",
        "/rest/api/3/myself",
        &[("authorization", &bearer)],
        "",
    )
    .await;
    assert_eq!(me.status, 200);
    let bob = sim.with_world(|w| w.account_id("bob").unwrap().to_owned());
    assert_eq!(me.json()["accountId"], bob);
    let sites = send(
        &router,
        "GET",
        "/oauth/token/accessible-resources",
        &[("authorization", &bearer)],
        "",
    )
    .await;
    assert_eq!(sites.status, 200);
    assert_eq!(sites.json()[0]["url"], "http://sim.local");
    assert_eq!(sites.json()[0]["id"], jira_sim::CLOUD_ID);

    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    let expired = send(
        &router,
        "GET",
        "/rest/api/3/myself",
        &[("authorization", &bearer)],
        "",
    )
    .await;
    assert_eq!(expired.status, 401);

    let refresh = tokens["refresh_token"].as_str().unwrap();
    let body = format!(
        "grant_type=refresh_token&client_id=app&client_secret=secret&refresh_token={refresh}"
    );
    let form = [("content-type", "application/x-www-form-urlencoded")];
    let renewed = send(&router, "POST", "/oauth/token", &form, &body).await;
    assert_eq!(renewed.status, 200, "{}", renewed.body);
    assert_ne!(
        renewed.json()["refresh_token"].as_str(),
        Some(refresh),
        "rotated"
    );
    let bearer = format!(
        "Bearer {}",
        renewed.json()["access_token"].as_str().unwrap()
    );
    let me = send(
        &router,
        "GET",
        "/rest/api/3/myself",
        &[("authorization", &bearer)],
        "",
    )
    .await;
    assert_eq!(me.status, 200);
    // The used refresh token is spent.
    let reused = send(&router, "POST", "/oauth/token", &form, &body).await;
    assert_eq!(reused.status, 403);
    assert_eq!(reused.json()["error"], "invalid_grant");
}
