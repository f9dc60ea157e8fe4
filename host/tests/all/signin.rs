//! Sign-in on a team server, over HTTP, against the in-process simulator's
//! authorization server: the whole OAuth flow with PKCE, and one test per
//! rule (the state, the verifier, the CSRF token, the session's end, the
//! refresh token's rotation, the personal access key's revocation, the
//! person's own credential).

use crate::common;

use std::collections::HashMap;
use std::sync::Arc;

use base64::Engine;
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use reqwest::{redirect, Client, StatusCode, Url};
use serde_json::{json, Value as Json};
use worklogs_host::protocol::{JiraRequest, Principal};
use worklogs_host::{server, App, Config, JiraTarget, Limits, SignInOptions};

const TOKEN: &str = "0123456789abcdef0123456789abcdef";
const CLIENT_ID: &str = "test-app";
const CLIENT_SECRET: &str = "test-secret";

struct Server {
    url: String,
    app: Arc<App>,
    client: Client,
    _stop: tokio::sync::oneshot::Sender<()>,
    _data: tempfile::TempDir,
}

/// A signed-in browser: its session cookie and the session's CSRF token.
struct Browser {
    session: String,
    csrf: String,
}

impl Browser {
    fn cookie(&self) -> String {
        format!("worklogs_session={}", self.session)
    }
}

async fn start(token_seconds: u64, session_seconds: u64) -> Server {
    let data = tempfile::tempdir().unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let url = format!("http://127.0.0.1:{port}");
    let config = Config {
        data_dir: data.path().to_path_buf(),
        installation: "local".into(),
        jira: JiraTarget::Demo { seed: common::SEED },
    };
    let options = SignInOptions {
        client_id: Some(CLIENT_ID.into()),
        client_secret: Some(CLIENT_SECRET.into()),
        public_url: url.clone(),
        session_seconds,
        demo_token_seconds: token_seconds,
    };
    let app = App::start_serving(
        common::runtime_with(Limits::default()),
        config,
        None,
        Some(options),
    )
    .await
    .unwrap();
    let app = Arc::new(app);
    let guard = server::Guard::with_token(port, TOKEN.to_owned())
        .with_public_url(&url)
        .unwrap();
    let router = server::router(
        Arc::clone(&app),
        guard,
        data.path().join("no-ui"),
        server::placeholder_page("curl ..."),
    );
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(server::serve(listener, router, async {
        let _ = stopped.await;
    }));
    Server {
        url,
        app,
        client: Client::builder()
            .redirect(redirect::Policy::none())
            .build()
            .unwrap(),
        _stop: stop,
        _data: data,
    }
}

fn set_cookie(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| {
            let first = v.split(';').next()?;
            let (k, value) = first.split_once('=')?;
            (k == name).then(|| value.to_owned())
        })
}

fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get(LOCATION)
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned()
}

fn query(url: &str) -> HashMap<String, String> {
    Url::parse(url)
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect()
}

impl Server {
    fn account(&self, alias: &str) -> String {
        self.app.demo().unwrap().account_id(alias).to_owned()
    }

    /// `/auth/login`: the authorization request and the login cookie.
    async fn login(&self) -> (String, String) {
        let response = self
            .client
            .get(format!("{}/auth/login", self.url))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let bound = set_cookie(&response, "worklogs_login").unwrap();
        (location(&response), bound)
    }

    /// The person `alias` consents on the simulator's page: the callback URL.
    async fn consent(&self, authorize: &str, alias: &str) -> String {
        let mut form = query(authorize);
        form.insert("account".into(), self.account(alias));
        form.insert("consent".into(), "accept".into());
        let page = self.client.get(authorize).send().await.unwrap();
        assert_eq!(page.status(), StatusCode::OK);
        assert!(page.text().await.unwrap().contains("Log in to continue"));
        let target = Url::parse(authorize).unwrap().join("/authorize").unwrap();
        let response = self.client.post(target).form(&form).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        location(&response)
    }

    async fn callback(&self, callback: &str, bound: Option<&str>) -> reqwest::Response {
        let mut request = self.client.get(callback);
        if let Some(bound) = bound {
            request = request.header(COOKIE, format!("worklogs_login={bound}"));
        }
        request.send().await.unwrap()
    }

    async fn sign_in(&self, alias: &str) -> Browser {
        let (authorize, bound) = self.login().await;
        let callback = self.consent(&authorize, alias).await;
        let response = self.callback(&callback, Some(&bound)).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&response), format!("{}/", self.url));
        let cookie_header = response
            .headers()
            .get_all(SET_COOKIE)
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .find(|v| v.starts_with("worklogs_session="))
            .unwrap();
        for attribute in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age="] {
            assert!(cookie_header.contains(attribute), "{cookie_header}");
        }
        let session = set_cookie(&response, "worklogs_session").unwrap();
        let answer: Json = self
            .client
            .get(format!("{}/auth/session", self.url))
            .header(COOKIE, format!("worklogs_session={session}"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(answer["signedIn"], true, "{answer}");
        assert_eq!(answer["accountId"], self.account(alias));
        Browser {
            session,
            csrf: answer["csrf"].as_str().unwrap().to_owned(),
        }
    }

    async fn post(
        &self,
        path: &str,
        browser: &Browser,
        csrf: Option<&str>,
        body: Json,
    ) -> (u16, Json) {
        let mut request = self
            .client
            .post(format!("{}{path}", self.url))
            .header(COOKIE, browser.cookie())
            .json(&body);
        if let Some(csrf) = csrf {
            request = request.header("X-Worklogs-CSRF", csrf);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Json::Null))
    }

    async fn invoke(&self, browser: &Browser, operation: &str) -> (u16, Json) {
        self.post(
            "/api/invoke",
            browser,
            Some(&browser.csrf),
            json!({"operation": operation, "input": {}}),
        )
        .await
    }

    async fn get(&self, path: &str, cookie: Option<String>) -> u16 {
        let mut request = self.client.get(format!("{}{path}", self.url));
        if let Some(cookie) = cookie {
            request = request.header(COOKIE, cookie);
        }
        request.send().await.unwrap().status().as_u16()
    }

    async fn stored_refresh_token(&self, account: &str) -> String {
        let rows = common::query(
            &self.app,
            &format!("SELECT refresh_token FROM _signin_tokens WHERE account = '{account}'"),
        )
        .await;
        match rows.first().and_then(|r| r.first()) {
            Some(worklogs_host::protocol::Value::Text(t)) => t.clone(),
            other => panic!("no refresh token for {account}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn a_signed_in_person_acts_as_themselves_whatever_a_header_says() {
    let server = start(3600, 3600).await;
    let bob = server.sign_in("bob").await;
    let response = server
        .client
        .post(format!("{}/api/invoke", server.url))
        .header(COOKIE, bob.cookie())
        .header("X-Worklogs-CSRF", &bob.csrf)
        .header("X-Worklogs-Account", "alice")
        .json(&json!({"operation": "me", "input": {}}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let answer: Json = response.json().await.unwrap();
    assert_eq!(answer["ok"]["accountId"], server.account("bob"), "{answer}");
    // The person's Jira requests carry their own bearer token, not the
    // simulator's account header: a request naming alice goes as bob.
    let store = server.app.signin_store();
    let bearer = server
        .app
        .signin()
        .unwrap()
        .credential(&store, &server.account("bob"), worklogs_host::now_ms())
        .await
        .unwrap();
    let myself = JiraRequest {
        principal: Principal::User,
        method: "GET".into(),
        path: "/rest/api/3/myself".into(),
        body: None,
    };
    let jira = server.app.host().effects().jira();
    let answer = jira
        .perform_as(
            Some(server.account("alice").as_str()),
            Some(&bearer),
            &myself,
        )
        .await
        .unwrap();
    let me: Json = serde_json::from_str(&answer.body).unwrap();
    assert_eq!(me["accountId"], server.account("bob"));
    // The per-start token and an account header are no way in.
    let response = server
        .client
        .post(format!("{}/api/invoke", server.url))
        .header("X-Worklogs-Token", TOKEN)
        .header("X-Worklogs-Account", "alice")
        .json(&json!({"operation": "me", "input": {}}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
}

#[tokio::test]
async fn a_callback_needs_the_state_this_browser_started() {
    let server = start(3600, 3600).await;
    let (authorize, bound) = server.login().await;
    let callback = server.consent(&authorize, "alice").await;
    // Without the login cookie (another browser, a forged link): refused.
    let response = server.callback(&callback, None).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(set_cookie(&response, "worklogs_session").is_none());
    // A state this server never issued, bound or not: refused.
    let mut forged = Url::parse(&callback).unwrap();
    forged.set_query(Some(&format!(
        "code={}&state=forged",
        query(&callback)["code"]
    )));
    let response = server.callback(forged.as_str(), Some("forged")).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    // The right one still works, once.
    let response = server.callback(&callback, Some(&bound)).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let response = server.callback(&callback, Some(&bound)).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_code_needs_the_verifier_of_its_challenge() {
    let server = start(3600, 3600).await;
    let (authorize, _) = server.login().await;
    let callback = server.consent(&authorize, "alice").await;
    let code = query(&callback)["code"].clone();
    let wrong = "w".repeat(43);
    let err = server.app.finish_sign_in(&code, wrong).await.err().unwrap();
    assert_eq!(err.code, worklogs_host::protocol::ErrorCode::Forbidden);
    assert!(err.message.contains("invalid_grant"), "{err:?}");
}

#[tokio::test]
async fn changes_need_the_sessions_csrf_token() {
    let server = start(3600, 3600).await;
    let alice = server.sign_in("alice").await;
    for csrf in [None, Some("wrong")] {
        let (status, _) = server
            .post(
                "/api/invoke",
                &alice,
                csrf,
                json!({"operation": "me", "input": {}}),
            )
            .await;
        assert_eq!(status, 403, "invoke with CSRF {csrf:?}");
        let (status, _) = server
            .post("/api/keys", &alice, csrf, json!({"name": "x"}))
            .await;
        assert_eq!(status, 403, "a new key with CSRF {csrf:?}");
        let (status, _) = server
            .post("/api/keys/revoke", &alice, csrf, json!({"id": "x"}))
            .await;
        assert_eq!(status, 403, "a revocation with CSRF {csrf:?}");
        let (status, _) = server.post("/auth/logout", &alice, csrf, json!({})).await;
        assert_eq!(status, 403, "a sign-out with CSRF {csrf:?}");
    }
    // Another person's token is not this session's.
    let bob = server.sign_in("bob").await;
    let (status, _) = server
        .post(
            "/api/invoke",
            &alice,
            Some(&bob.csrf),
            json!({"operation": "me", "input": {}}),
        )
        .await;
    assert_eq!(status, 403);
    // Reading needs none; the session still works.
    assert_eq!(server.get("/api/keys", Some(alice.cookie())).await, 200);
    let (status, _) = server.invoke(&alice, "me").await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn a_session_ends_when_it_expires_or_its_person_signs_out() {
    let server = start(3600, 1).await;
    let alice = server.sign_in("alice").await;
    assert_eq!(server.get("/api/keys", Some(alice.cookie())).await, 200);
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    assert_eq!(server.get("/api/keys", Some(alice.cookie())).await, 401);
    let (status, _) = server.invoke(&alice, "me").await;
    assert_eq!(status, 401);

    let server = start(3600, 3600).await;
    let alice = server.sign_in("alice").await;
    let (status, answer) = server
        .post("/auth/logout", &alice, Some(&alice.csrf), json!({}))
        .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(server.get("/api/keys", Some(alice.cookie())).await, 401);
    assert_eq!(server.get("/api/keys", None).await, 401);
}

#[tokio::test]
async fn an_expired_access_token_is_refreshed_and_the_refresh_token_rotates() {
    let server = start(1, 3600).await;
    let alice = server.sign_in("alice").await;
    let account = server.account("alice");
    let first = server.stored_refresh_token(&account).await;
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    let (status, answer) = server.invoke(&alice, "me").await;
    assert_eq!(status, 200, "{answer}");
    let second = server.stored_refresh_token(&account).await;
    assert_ne!(first, second, "the refresh token rotated");
    // The used refresh token is refused by the authorization server.
    let sim = server.app.demo().unwrap().base_url().to_owned();
    let response = server
        .client
        .post(format!("{sim}/oauth/token"))
        .form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", first.as_str()),
            ("client_id", CLIENT_ID),
            ("client_secret", CLIENT_SECRET),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let body: Json = response.json().await.unwrap();
    assert_eq!(body["error"], "invalid_grant", "{body}");
}

#[tokio::test]
async fn a_personal_access_key_works_until_revoked() {
    let server = start(3600, 3600).await;
    let alice = server.sign_in("alice").await;
    let (status, created) = server
        .post(
            "/api/keys",
            &alice,
            Some(&alice.csrf),
            json!({"name": "Power BI"}),
        )
        .await;
    assert_eq!(status, 200, "{created}");
    let secret = created["ok"]["secret"].as_str().unwrap().to_owned();
    let id = created["ok"]["key"]["id"].as_str().unwrap().to_owned();
    let account = server.account("alice");
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("{account}:{secret}"));
    let feed = |basic: String| {
        server
            .client
            .get(format!("{}/odata/", server.url))
            .header("Authorization", format!("Basic {basic}"))
            .send()
    };
    let first = feed(basic.clone()).await.unwrap();
    let status = first.status();
    let text = first.text().await.unwrap();
    assert_eq!(status, 200, "{text}");
    let (status, _) = server
        .post(
            "/api/keys/revoke",
            &alice,
            Some(&alice.csrf),
            json!({"id": id}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(feed(basic).await.unwrap().status(), 401);
}

#[tokio::test]
async fn the_host_tells_the_ui_what_it_offers() {
    let server = start(3600, 3600).await;
    let alice = server.sign_in("alice").await;
    let answer: Json = server
        .client
        .get(format!("{}/api/host", server.url))
        .header(COOKIE, alice.cookie())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(answer["personalAccessKeys"], true);
    assert_eq!(answer["signIn"], true);
}
