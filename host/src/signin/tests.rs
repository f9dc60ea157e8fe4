//! The sign-in rules that need no authorization server: the state's binding
//! and single use, the sessions' expiry and their CSRF token, the cookies'
//! attributes. The whole flow against the simulator is in
//! `host/tests/all/signin.rs`.

use super::*;
use crate::sql::Sqlite;

fn signin() -> SignIn {
    SignIn::new(
        SignInConfig {
            client_id: "app".into(),
            client_secret: "secret".into(),
            public_url: "http://127.0.0.1:9".into(),
            provider: Provider::Simulator {
                base: "http://127.0.0.1:9".into(),
            },
            session_seconds: 60,
        },
        "http://127.0.0.1:9",
    )
    .unwrap()
}

#[test]
fn the_authorization_request_carries_pkce_s256_and_the_state() {
    let (url, state) = signin().begin(0);
    let url = Url::parse(&url).unwrap();
    let query: HashMap<String, String> = url.query_pairs().into_owned().collect();
    assert_eq!(url.path(), "/authorize");
    assert_eq!(query["client_id"], "app");
    assert_eq!(query["response_type"], "code");
    assert_eq!(query["code_challenge_method"], "S256");
    assert_eq!(query["code_challenge"].len(), 43);
    assert_eq!(query["state"], state);
    assert_eq!(query["redirect_uri"], "http://127.0.0.1:9/auth/callback");
    assert!(query["scope"].contains("offline_access"), "{query:?}");
}

#[test]
fn a_state_is_taken_once_by_the_browser_that_started_it_in_time() {
    let signin = signin();
    let (_, state) = signin.begin(1_000);
    // Another browser (no cookie, another state in it): refused, and the
    // state is still there for the right one.
    assert!(signin.take_state(&state, None, 1_001).is_err());
    assert!(signin.take_state(&state, Some("other"), 1_001).is_err());
    let verifier = signin.take_state(&state, Some(&state), 1_002).unwrap();
    assert!(verifier.len() >= 43);
    // Used: refused.
    assert!(signin.take_state(&state, Some(&state), 1_003).is_err());
    // Unknown: refused.
    assert!(signin.take_state("nope", Some("nope"), 1_003).is_err());
    // Too late: refused.
    let (_, late) = signin.begin(0);
    let err = signin.take_state(&late, Some(&late), LOGIN_MS).unwrap_err();
    assert!(err.message.contains("too long"), "{err:?}");
}

#[test]
fn plain_http_is_for_this_machine_only() {
    let mut config = signin().config.clone();
    config.public_url = "http://worklogs.example.com".into();
    assert!(SignIn::new(config.clone(), "http://127.0.0.1:9").is_err());
    config.public_url = "https://worklogs.example.com".into();
    let signin = SignIn::new(config, "http://127.0.0.1:9").unwrap();
    assert!(signin.secure_cookies());
}

#[tokio::test]
async fn sessions_expire_and_end() {
    let dir = tempfile::tempdir().unwrap();
    let limits = Limits::default();
    let database = Sqlite::open(dir.path(), &limits).unwrap();
    let store = Store::new(&database, &limits, "local");
    let id = random_hex(32).unwrap();
    let session = Session {
        account: "acc-a".into(),
        display_name: "A".into(),
        csrf: random_hex(32).unwrap(),
        expires_ms: 2_000,
    };
    store.put_session(&id, &session, 1_000).await.unwrap();
    assert_eq!(
        store.session(&id, 1_999).await.unwrap(),
        Some(session.clone())
    );
    // Another installation's store does not see it.
    let other = Store::new(&database, &limits, "elsewhere");
    assert_eq!(other.session(&id, 1_999).await.unwrap(), None);
    // Expired: none, and deleted.
    assert_eq!(store.session(&id, 2_000).await.unwrap(), None);
    assert_eq!(store.session(&id, 1_999).await.unwrap(), None);
    // Ended: none.
    let id = random_hex(32).unwrap();
    store.put_session(&id, &session, 1_000).await.unwrap();
    store.end(&id).await.unwrap();
    assert_eq!(store.session(&id, 1_500).await.unwrap(), None);
    // Only the id's hash is stored.
    let rows = store
        .run(vec![statement(
            "SELECT id_sha256 FROM _signin_sessions",
            vec![],
        )])
        .await
        .unwrap();
    assert!(rows[0].rows.iter().all(|r| text(r.first()) != id));
    // Malformed ids are none without a query.
    assert_eq!(store.session("x", 0).await.unwrap(), None);
}

#[test]
fn the_csrf_token_must_be_given_and_equal() {
    let session = Session {
        account: "acc-a".into(),
        display_name: String::new(),
        csrf: "abc".into(),
        expires_ms: 1,
    };
    assert!(session.csrf_matches(Some(b"abc")));
    assert!(!session.csrf_matches(Some(b"abd")));
    assert!(!session.csrf_matches(Some(b"")));
    assert!(!session.csrf_matches(None));
    let empty = Session {
        csrf: String::new(),
        ..session
    };
    assert!(
        !empty.csrf_matches(Some(b"")),
        "an empty token matches nothing"
    );
}

#[test]
fn cookies_are_http_only_lax_and_secure_over_https() {
    let plain = set_cookie(SESSION_COOKIE, "v", "/", 60, false);
    assert_eq!(
        plain,
        "worklogs_session=v; Path=/; Max-Age=60; HttpOnly; SameSite=Lax"
    );
    assert!(set_cookie(SESSION_COOKIE, "v", "/", 60, true).ends_with("; Secure"));
    let mut headers = axum::http::HeaderMap::new();
    headers.insert(
        axum::http::header::COOKIE,
        "a=1; worklogs_session=abc; b=2".parse().unwrap(),
    );
    assert_eq!(cookie(&headers, SESSION_COOKIE), Some("abc"));
    assert_eq!(cookie(&headers, LOGIN_COOKIE), None);
}

#[tokio::test]
async fn tokens_are_sealed_at_rest_and_unreadable_ones_end_the_sign_in() {
    let dir = tempfile::tempdir().unwrap();
    let limits = Limits::default();
    let database = Sqlite::open(dir.path(), &limits).unwrap();
    let store = Store::new(&database, &limits, "local");
    let signin = signin();
    let far = i64::MAX / 4;
    let grant = |access: &str, refresh: Option<&str>| Grant {
        access: access.into(),
        refresh: refresh.map(Into::into),
        expires_ms: far,
        api_base: "http://127.0.0.1:9".into(),
    };
    let a = grant("access-a", Some("refresh-a"));
    store
        .put_tokens(&signin.seal, "acc-a", &a, 1)
        .await
        .unwrap();
    let b = grant("access-b", None);
    store
        .put_tokens(&signin.seal, "acc-b", &b, 1)
        .await
        .unwrap();
    let session = Session {
        account: "acc-a".into(),
        display_name: "A".into(),
        csrf: random_hex(32).unwrap(),
        expires_ms: far,
    };
    let id = random_hex(32).unwrap();
    store.put_session(&id, &session, 1).await.unwrap();

    // The database holds no token in the clear.
    let raw = store
        .run(vec![statement(
            "SELECT access_token, refresh_token FROM _signin_tokens ORDER BY account",
            vec![],
        )])
        .await
        .unwrap();
    let raw: Vec<(String, String)> = raw[0]
        .rows
        .iter()
        .map(|r| (text(r.first()), text(r.get(1))))
        .collect();
    for (access, refresh) in &raw {
        assert!(
            access.starts_with("v1.") && !access.contains("access"),
            "{raw:?}"
        );
        assert!(!refresh.contains("refresh"), "{raw:?}");
    }
    // With the key, they read back.
    let tokens = store.tokens(&signin.seal, "acc-a").await.unwrap().unwrap();
    assert_eq!(tokens.access, "access-a");
    assert_eq!(tokens.refresh.as_deref(), Some("refresh-a"));
    let tokens = store.tokens(&signin.seal, "acc-b").await.unwrap().unwrap();
    assert_eq!((tokens.access.as_str(), tokens.refresh), ("access-b", None));
    assert!(store.tokens(&signin.seal, "acc-c").await.unwrap().is_none());

    // A's sealed access token copied into B's row does not act for B: B's
    // tokens are deleted and B signs in again.
    store
        .run(vec![statement(
            "UPDATE _signin_tokens SET access_token = ? WHERE account = 'acc-b'",
            vec![Value::Text(raw[0].0.clone())],
        )])
        .await
        .unwrap();
    let err = store.tokens(&signin.seal, "acc-b").await.err().unwrap();
    assert_eq!(err.code, ErrorCode::Forbidden);
    assert!(err.message.contains("sign in again"), "{err:?}");
    assert!(store.tokens(&signin.seal, "acc-b").await.unwrap().is_none());

    // Another client secret (rotated, or a stolen database elsewhere) reads
    // nothing, and A's sessions end with their tokens.
    let mut config = signin.config.clone();
    config.client_secret = "rotated".into();
    let rotated = SignIn::new(config, "http://127.0.0.1:9").unwrap();
    let err = rotated.credential(&store, "acc-a", 2).await.err().unwrap();
    assert_eq!(err.code, ErrorCode::Forbidden);
    assert!(err.message.contains("cannot be read"), "{err:?}");
    assert_eq!(store.session(&id, 2).await.unwrap(), None);
    assert!(store.tokens(&signin.seal, "acc-a").await.unwrap().is_none());
}
