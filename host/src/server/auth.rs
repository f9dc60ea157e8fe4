//! The sign-in routes of a team server ([`crate::signin`]):
//!
//! - `GET /auth/login`: to the authorization server, with the state bound to
//!   this browser in a short-lived cookie.
//! - `GET /auth/callback`: finishes the sign-in, sets the session cookie and
//!   goes to the app; a refusal is a page saying why.
//! - `POST /auth/logout`: ends the session; it needs the session's CSRF token
//!   (`X-Worklogs-CSRF`) and passes the guard's checks (this server's `Host`
//!   and `Origin`, a JSON body).
//! - `GET /auth/session`: `{"signIn", "signedIn", "accountId", "displayName",
//!   "csrf", "expiresMs"}` for the UI (the CSRF token goes to this server's
//!   own pages only: another site cannot read the answer).
//!
//! On a server without sign-in they answer 404, except `/auth/session`
//! (`{"signIn": false}`).

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;

use super::{error, json, Guard};
use crate::app::App;
use crate::protocol::{ErrorCode, TaskError};
use crate::signin::{cookie, set_cookie, CSRF_HEADER, LOGIN_COOKIE, LOGIN_MS, SESSION_COOKIE};

/// The sign-in routes, `guard` checking the sign-out's origin.
pub(super) fn routes(guard: Arc<Guard>) -> Router<Arc<App>> {
    Router::new()
        .route("/auth/login", get(login))
        .route("/auth/callback", get(callback))
        .route(
            "/auth/logout",
            post(move |state: State<Arc<App>>, request: Request| {
                logout(state, Arc::clone(&guard), request)
            }),
        )
        .route("/auth/session", get(session))
}

fn no_sign_in() -> Response {
    error(TaskError::new(
        ErrorCode::NotFound,
        "this server has no sign-in: it runs as one person (start it with --sign-in for a team)",
    ))
}

fn no_store(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn redirect(to: &str, cookies: &[String]) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(location) = HeaderValue::from_str(to) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    for value in cookies {
        if let Ok(value) = HeaderValue::from_str(value) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    no_store(response)
}

/// A page saying why a sign-in was refused, with a link to start again.
fn refused_page(status: StatusCode, message: &str) -> Response {
    let message = message
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    let body = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Worklogs: sign-in failed</title></head>\n\
         <body style=\"font-family: sans-serif; max-width: 40rem; margin: 3rem auto\">\n\
         <h1>Sign-in failed</h1>\n<p role=\"alert\">{message}</p>\n<p><a href=\"/auth/login\">Sign in again</a></p>\n</body></html>\n"
    );
    no_store((status, Html(body)).into_response())
}

/// `GET /auth/login`.
async fn login(State(app): State<Arc<App>>) -> Response {
    let Some(signin) = app.signin() else {
        return no_sign_in();
    };
    let (url, state) = signin.begin(crate::now_ms());
    let bind = set_cookie(
        LOGIN_COOKIE,
        &state,
        "/auth/",
        u64::try_from(LOGIN_MS / 1000).unwrap_or(600),
        signin.secure_cookies(),
    );
    redirect(&url, &[bind])
}

/// `GET /auth/callback?code=…&state=…` (or `?error=…`).
async fn callback(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    uri: axum::http::Uri,
) -> Response {
    let Some(signin) = app.signin() else {
        return no_sign_in();
    };
    let params: Vec<(String, String)> =
        form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
    let param = |key: &str| {
        params
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    };
    if let Some(why) = param("error") {
        return refused_page(
            StatusCode::FORBIDDEN,
            &format!("the authorization server answered {why:?}"),
        );
    }
    let (Some(code), Some(state)) = (param("code"), param("state")) else {
        return refused_page(
            StatusCode::BAD_REQUEST,
            "the callback needs the parameters code and state",
        );
    };
    let now = crate::now_ms();
    let verifier = match signin.take_state(state, cookie(&headers, LOGIN_COOKIE), now) {
        Ok(verifier) => verifier,
        Err(err) => return refused_page(StatusCode::FORBIDDEN, &err.message),
    };
    match app.finish_sign_in(code, verifier).await {
        Ok(new) => {
            let secure = signin.secure_cookies();
            let session = set_cookie(
                SESSION_COOKIE,
                &new.id,
                "/",
                signin.session_seconds(),
                secure,
            );
            let unbind = set_cookie(LOGIN_COOKIE, "", "/auth/", 0, secure);
            redirect(&format!("{}/", signin.public_url()), &[session, unbind])
        }
        Err(err) => {
            let status = match err.code {
                ErrorCode::Forbidden => StatusCode::FORBIDDEN,
                _ => StatusCode::BAD_GATEWAY,
            };
            refused_page(status, &err.message)
        }
    }
}

/// `POST /auth/logout`.
async fn logout(State(app): State<Arc<App>>, guard: Arc<Guard>, request: Request) -> Response {
    let Some(signin) = app.signin() else {
        return no_sign_in();
    };
    let forbidden = |status: StatusCode, message: &str| {
        let body = serde_json::json!({ "error": { "code": "forbidden", "message": message } });
        json(status, body.to_string())
    };
    if let Some((status, message)) = guard.foreign(&request) {
        return forbidden(status, &message);
    }
    // Owned: nothing borrowed from the request is held across an await.
    let headers = request.headers().clone();
    drop(request);
    let Some(id) = cookie(&headers, SESSION_COOKIE) else {
        return forbidden(StatusCode::UNAUTHORIZED, "not signed in");
    };
    let store = app.signin_store();
    let session = match store.session(id, crate::now_ms()).await {
        Ok(Some(session)) => session,
        Ok(None) => return forbidden(StatusCode::UNAUTHORIZED, "the session expired or ended"),
        Err(err) => return error(err),
    };
    if !session.csrf_matches(headers.get(CSRF_HEADER).map(HeaderValue::as_bytes)) {
        return forbidden(
            StatusCode::FORBIDDEN,
            "header X-Worklogs-CSRF is missing or wrong: signing out needs the session's CSRF token",
        );
    }
    if let Err(err) = store.end(id).await {
        return error(err);
    }
    let mut response = json(
        StatusCode::OK,
        serde_json::json!({ "ok": { "signedOut": true } }).to_string(),
    );
    let clear = set_cookie(SESSION_COOKIE, "", "/", 0, signin.secure_cookies());
    if let Ok(value) = HeaderValue::from_str(&clear) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    no_store(response)
}

/// `GET /auth/session`.
async fn session(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    if app.signin().is_none() {
        return no_store(json(
            StatusCode::OK,
            serde_json::json!({ "signIn": false }).to_string(),
        ));
    }
    let live = match cookie(&headers, SESSION_COOKIE) {
        Some(id) => match app.signin_store().session(id, crate::now_ms()).await {
            Ok(live) => live,
            Err(err) => return error(err),
        },
        None => None,
    };
    let body = match live {
        Some(session) => serde_json::json!({
            "signIn": true,
            "signedIn": true,
            "accountId": session.account,
            "displayName": session.display_name,
            "csrf": session.csrf,
            "expiresMs": session.expires_ms,
        }),
        None => serde_json::json!({ "signIn": true, "signedIn": false, "login": "/auth/login" }),
    };
    no_store(json(StatusCode::OK, body.to_string()))
}
