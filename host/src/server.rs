//! The dev server: the component's operations over HTTP, and the UI's files.
//!
//! - `POST /api/invoke` with `{"operation": ..., "input": {...}}` runs one
//!   operation. Headers: `X-Worklogs-Account` (the acting user: an account id or,
//!   with the simulator, a demo alias), `X-Worklogs-Timezone` and
//!   `X-Worklogs-Locale` (defaults: UTC, en-US). It answers `{"ok": result}` with
//!   200, or `{"error": {"code", "message"}}` with a status for the code (see
//!   [`status_for`]).
//! - `GET /api/demo` (only with the simulator) is the simulator's `GET /sim/demo`.
//! - `GET /api/keys`, `POST /api/keys` `{"name"}` and `POST /api/keys/revoke`
//!   `{"id"}`: the acting user's personal access keys ([`crate::keys`]); a new
//!   key's secret is in the answer once.
//! - `GET /odata/…`: the OData service ([`crate::odata`]), as the acting user,
//!   or with HTTP Basic credentials `name:key` (a personal access key, which
//!   acts as its owner only) instead of the token.
//! - `GET /api/host`: what this host offers the UI beyond the operations
//!   (`{"personalAccessKeys": true, "signIn": …}`).
//! - `GET /auth/login`, `GET /auth/callback`, `POST /auth/logout` and
//!   `GET /auth/session`: sign-in on a team server ([`crate::signin`]).
//! - Anything else is a file of the UI bundle, or a page saying it is not built.
//!
//! The server runs on a developer's machine, where any web page the browser
//! opens can send it requests. So every `/api/` request must pass the [`Guard`]:
//! its `Host` is this server's own address (no DNS rebinding), its `Origin`,
//! when sent, is this server (no other site), a POST's body is
//! `application/json` (a form or `text/plain` from another page is refused
//! before it is read), and it carries the per-start random token in
//! `X-Worklogs-Token` (printed with the URL as `#token=…`: a fragment, so it
//! never reaches a server log or a `Referer`; the UI keeps it in the tab's
//! session storage). `POST /api/invoke` also needs the acting user: there is
//! no anonymous call that would run as the app.
//!
//! With sign-in (a team server), the per-start token is not accepted: an
//! `/api/` request needs a live session's cookie (the acting user is the
//! session's person, whatever a header says), and a POST with it also needs
//! the session's CSRF token in `X-Worklogs-CSRF` (fail closed: missing or
//! wrong is 403). The server's own public address (`--public-url`) is
//! accepted as `Host` and `Origin` besides the loopback ones.

use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::Extension;
use axum::Router;
use serde::Deserialize;
use serde_json::value::RawValue;
use tower_http::services::ServeDir;

use crate::app::App;
use crate::odata;
use crate::protocol::{EntryPoint, ErrorCode, TaskError};
use crate::signin::{cookie, Session, CSRF_HEADER, SESSION_COOKIE};
pub use crate::status::status_for;

mod auth;

/// The header naming the acting user.
pub const ACCOUNT_HEADER: &str = "x-worklogs-account";
/// The header naming the acting user's time zone.
pub const TIME_ZONE_HEADER: &str = "x-worklogs-timezone";
/// The header naming the acting user's locale.
pub const LOCALE_HEADER: &str = "x-worklogs-locale";
/// The header carrying the server's per-start token.
pub const TOKEN_HEADER: &str = "x-worklogs-token";

/// Who may call the API: requests addressed to this server, from no other
/// origin, carrying its per-start token (see the module docs).
#[derive(Clone)]
pub struct Guard {
    token: String,
    /// The `Host` values this server answers to, such as `127.0.0.1:8080`.
    hosts: Vec<String>,
    /// The `Origin` values of this server's own pages.
    origins: Vec<String>,
}

/// The token never reaches `Debug` output.
impl std::fmt::Debug for Guard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Guard")
            .field("token", &"<redacted>")
            .field("hosts", &self.hosts)
            .finish()
    }
}

impl Guard {
    /// A guard for a server on loopback `port`, with a fresh random token
    /// (128 bits from the operating system).
    ///
    /// # Errors
    ///
    /// When the operating system has no random source.
    pub fn new(port: u16) -> Result<Guard, crate::Error> {
        let mut bytes = [0u8; 16];
        getrandom::fill(&mut bytes)
            .map_err(|err| crate::Error::io(format!("no random source for the token: {err}")))?;
        let token = bytes.iter().map(|b| format!("{b:02x}")).collect();
        Ok(Self::with_token(port, token))
    }

    /// A guard for a server on loopback `port` with a given token (tests).
    pub fn with_token(port: u16, token: String) -> Guard {
        let hosts: Vec<String> = ["127.0.0.1", "localhost", "[::1]"]
            .iter()
            .map(|host| format!("{host}:{port}"))
            .collect();
        let origins = hosts.iter().map(|h| format!("http://{h}")).collect();
        Guard {
            token,
            hosts,
            origins,
        }
    }

    /// Also answers to the public address `url` (such as
    /// `https://worklogs.example.com`, behind a reverse proxy).
    ///
    /// # Errors
    ///
    /// When `url` is not an http(s) URL with a host.
    pub fn with_public_url(mut self, url: &str) -> Result<Guard, crate::Error> {
        let parsed = reqwest::Url::parse(url)
            .ok()
            .filter(|u| u.has_host())
            .ok_or_else(|| {
                crate::Error::io(format!(
                    "--public-url {url:?}: expected http(s)://host[:port]"
                ))
            })?;
        let host = parsed.host_str().unwrap_or_default();
        let authority = match parsed.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_owned(),
        };
        let origin = parsed.origin().ascii_serialization();
        if !self
            .hosts
            .iter()
            .any(|h| h.eq_ignore_ascii_case(&authority))
        {
            self.hosts.push(authority);
        }
        if !self.origins.iter().any(|o| o.eq_ignore_ascii_case(&origin)) {
            self.origins.push(origin);
        }
        Ok(self)
    }

    /// The token, to print with the URL once.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// Why `request` may not reach the API whoever sends it (not this
    /// server's `Host`, another `Origin`, a POST that is not JSON), if so.
    fn foreign(&self, request: &Request) -> Option<(StatusCode, String)> {
        let headers = request.headers();
        let text = |name: header::HeaderName| {
            headers
                .get(&name)
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        };
        let host = text(header::HOST).unwrap_or_default();
        if !self.hosts.iter().any(|h| h.eq_ignore_ascii_case(&host)) {
            return Some((
                StatusCode::FORBIDDEN,
                format!(
                    "header Host {host:?} is not this server (expected one of {})",
                    self.hosts.join(", ")
                ),
            ));
        }
        if let Some(origin) = text(header::ORIGIN) {
            let ours = self.origins.iter().any(|o| origin.eq_ignore_ascii_case(o));
            if !ours {
                return Some((
                    StatusCode::FORBIDDEN,
                    format!("header Origin {origin:?} is not this server: requests from other sites are refused"),
                ));
            }
        }
        if request.method() == axum::http::Method::POST {
            let media = text(header::CONTENT_TYPE).unwrap_or_default();
            let essence = media.split(';').next().unwrap_or_default().trim();
            if !essence.eq_ignore_ascii_case("application/json") {
                return Some((
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    format!("header Content-Type {media:?}: the API takes application/json only"),
                ));
            }
        }
        None
    }

    /// Why `request` may not reach the API of a server without sign-in, if
    /// it may not: the status and a message naming the header and its value.
    fn refusal(&self, request: &Request) -> Option<(StatusCode, String)> {
        if let Some(refused) = self.foreign(request) {
            return Some(refused);
        }
        let headers = request.headers();
        // A feed request with Basic credentials (a personal access key) is
        // checked by the feed itself: tools such as Power BI cannot send the
        // per-start token.
        let basic = headers
            .get(header::AUTHORIZATION)
            .is_some_and(|v| v.as_bytes().starts_with(b"Basic "));
        if basic && request.uri().path().starts_with(crate::odata::ROOT) {
            return None;
        }
        let given = headers
            .get(TOKEN_HEADER)
            .map(|v| v.as_bytes())
            .unwrap_or_default();
        let same: bool = subtle::ConstantTimeEq::ct_eq(given, self.token.as_bytes()).into();
        if !same {
            let what = if given.is_empty() { "missing" } else { "wrong" };
            return Some((
                StatusCode::UNAUTHORIZED,
                format!(
                    "header X-Worklogs-Token is {what}: use the address `worklogs serve` printed (it ends in #token=…)"
                ),
            ));
        }
        None
    }
}

/// The signed-in person of a request that came with a live session.
#[derive(Clone, Debug)]
pub struct Signed(pub Session);

/// Lets only requests the [`Guard`] admits reach the API; with sign-in, only
/// those of a live session (a POST with its CSRF token), or feed requests
/// with Basic credentials (checked by the feed), and marks them [`Signed`].
async fn guarded(
    State((guard, app)): State<(Arc<Guard>, Arc<App>)>,
    mut request: Request,
    next: Next,
) -> Response {
    let refuse = |status: StatusCode, message: String| {
        let body = serde_json::json!({ "error": { "code": "forbidden", "message": message } });
        json(status, body.to_string())
    };
    if app.signin().is_none() {
        return match guard.refusal(&request) {
            Some((status, message)) => refuse(status, message),
            None => next.run(request).await,
        };
    }
    if let Some((status, message)) = guard.foreign(&request) {
        return refuse(status, message);
    }
    // Owned: nothing borrowed from the request is held across an await.
    let headers = request.headers().clone();
    let basic = headers
        .get(header::AUTHORIZATION)
        .is_some_and(|v| v.as_bytes().starts_with(b"Basic "));
    if basic && request.uri().path().starts_with(crate::odata::ROOT) {
        return next.run(request).await;
    }
    let Some(id) = cookie(&headers, SESSION_COOKIE).map(str::to_owned) else {
        return refuse(
            StatusCode::UNAUTHORIZED,
            "not signed in: sign in at /auth/login".into(),
        );
    };
    let session = match app.signin_store().session(&id, crate::now_ms()).await {
        Ok(Some(session)) => session,
        Ok(None) => {
            return refuse(
                StatusCode::UNAUTHORIZED,
                "the session expired or ended: sign in again at /auth/login".into(),
            )
        }
        Err(err) => return error(err),
    };
    if request.method() != axum::http::Method::GET
        && !session.csrf_matches(headers.get(CSRF_HEADER).map(HeaderValue::as_bytes))
    {
        return refuse(
            StatusCode::FORBIDDEN,
            "header X-Worklogs-CSRF is missing or wrong: a change needs the session's CSRF token (GET /auth/session)".into(),
        );
    }
    request.extensions_mut().insert(Signed(session));
    next.run(request).await
}

/// The router for `app`, serving the UI from `ui_dir` when it holds an
/// `index.html`. `page` is shown instead when it does not. Every `/api/`
/// request must pass `guard`.
pub fn router(app: Arc<App>, guard: Guard, ui_dir: PathBuf, page: String) -> Router {
    let body_limit = app.host().runtime().limits().invoke_payload_bytes * 2 + 64 * 1024;
    let guard = Arc::new(guard);
    let api = Router::new()
        .route("/api/invoke", post(invoke))
        .route("/api/demo", get(demo))
        .route("/api/host", get(host_features))
        .route("/api/keys", get(list_keys).post(create_key))
        .route("/api/keys/revoke", post(revoke_key))
        .route("/odata", get(odata))
        .route("/odata/", get(odata))
        .route("/odata/{*rest}", get(odata))
        .layer(DefaultBodyLimit::max(body_limit))
        .route_layer(middleware::from_fn_with_state(
            (Arc::clone(&guard), Arc::clone(&app)),
            guarded,
        ))
        .merge(auth::routes(guard))
        .with_state(app);
    if ui_dir.join("index.html").is_file() {
        api.fallback_service(ServeDir::new(ui_dir))
    } else {
        let page = Arc::new(page);
        api.fallback(move || {
            let page = Arc::clone(&page);
            async move { Html(page.as_str().to_owned()) }
        })
    }
}

/// Serves `router` on `listener` until `shutdown` completes, then finishes the
/// requests in flight.
///
/// # Errors
///
/// When the listener fails.
pub async fn serve(
    listener: tokio::net::TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown)
        .await
}

#[derive(Deserialize)]
struct Invoke<'a> {
    operation: String,
    #[serde(borrow)]
    input: Option<&'a RawValue>,
}

async fn invoke(
    State(app): State<Arc<App>>,
    signed: Option<Extension<Signed>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let call: Invoke<'_> = match serde_json::from_slice(&body) {
        Ok(call) => call,
        Err(err) => {
            return error(TaskError::invalid_input(format!(
                "invalid request body: {err} (expected {{\"operation\": ..., \"input\": {{...}}}})"
            )))
        }
    };
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    // A signed-in person acts as themselves; the header names the acting user
    // only on a server without sign-in.
    let who = match &signed {
        Some(Extension(Signed(session))) => Some(session.account.as_str()),
        None => header(ACCOUNT_HEADER),
    };
    if who.is_none_or(|who| who.trim().is_empty()) {
        return json(
            StatusCode::UNAUTHORIZED,
            serde_json::json!({"error": {"code": "forbidden",
                "message": "no acting user: name one in the X-Worklogs-Account header (an account id or a demo alias)"}})
            .to_string(),
        );
    }
    let input = call.input.map_or("{}", RawValue::get);
    let result = app
        .call(
            EntryPoint::Person,
            who,
            header(TIME_ZONE_HEADER),
            header(LOCALE_HEADER),
            &call.operation,
            input,
        )
        .await;
    match result {
        Ok(result) if serde_json::from_str::<serde::de::IgnoredAny>(&result).is_ok() => {
            json(StatusCode::OK, format!("{{\"ok\":{result}}}"))
        }
        Ok(_) => error(TaskError::internal(
            "the component returned a result that is not JSON",
        )),
        Err(err) => error(err),
    }
}

/// `GET /odata/…`: the OData service ([`crate::odata`]), as the acting user.
async fn odata(
    State(app): State<Arc<App>>,
    signed: Option<Extension<Signed>>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let named = match &signed {
        Some(Extension(Signed(session))) => Some(session.account.as_str()),
        None if app.signin().is_some() => None,
        None => header(ACCOUNT_HEADER),
    };
    let account = match basic_owner(&app, &headers).await {
        Some(Ok(owner)) => owner,
        Some(Err(why)) => {
            let mut refused = odata::error(StatusCode::UNAUTHORIZED, "unauthorized", &why, None);
            refused.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"odata\", charset=\"UTF-8\""),
            );
            return refused;
        }
        None => match named.filter(|who| !who.trim().is_empty()) {
            Some(who) => who.to_owned(),
            None => {
                let mut refused = odata::error(
                    StatusCode::UNAUTHORIZED,
                    "unauthorized",
                    "no credentials: use Basic authentication with your name and a personal access key",
                    None,
                );
                refused.headers_mut().insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Basic realm=\"odata\", charset=\"UTF-8\""),
                );
                return refused;
            }
        },
    };
    let caller = odata::Caller {
        account,
        time_zone: header(TIME_ZONE_HEADER).map(str::to_owned),
    };
    let rest = uri
        .path()
        .strip_prefix(odata::ROOT)
        .unwrap_or_default()
        .trim_start_matches('/');
    let query = uri.query().unwrap_or_default();
    match rest.split_once('/') {
        None if rest.is_empty() => odata::service_document(&app, &caller, &headers).await,
        None if rest == "$metadata" => odata::metadata(&app, &caller, &headers, query).await,
        None => odata::collection(&app, &caller, &headers, rest, false, query).await,
        Some((set, "$count")) => odata::collection(&app, &caller, &headers, set, true, query).await,
        Some(_) => odata::error(
            StatusCode::NOT_FOUND,
            "not-found",
            &format!("no resource {:?} in this service", uri.path()),
            None,
        ),
    }
}

/// The person a request's Basic credentials (`user:key`) act as: `None`
/// without them; an error naming what is wrong when the key is unknown,
/// revoked, or not the user's.
async fn basic_owner(app: &App, headers: &HeaderMap) -> Option<Result<String, String>> {
    use base64::Engine;
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok();
    let encoded = value.and_then(|v| v.strip_prefix("Basic "))?;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok());
    let Some((user, key)) = decoded.as_deref().and_then(|d| d.rsplit_once(':')) else {
        return Some(Err("malformed Basic credentials: expected name:key".into()));
    };
    let owner = match keys(app).owner(key).await {
        Ok(Some(owner)) => {
            if let Err(err) = keys(app).used(key, crate::now_ms()).await {
                return Some(Err(format!("the keys cannot be written: {}", err.message)));
            }
            owner
        }
        Ok(None) => return Some(Err("the personal access key is unknown or revoked".into())),
        Err(err) => return Some(Err(format!("the keys cannot be read: {}", err.message))),
    };
    // A key acts as its owner only: the name given must be the owner's.
    if app.acting_user(Some(user)).as_deref() != Some(owner.as_str()) {
        return Some(Err(format!(
            "the personal access key is not {user:?}'s: give the name of its owner"
        )));
    }
    Some(Ok(owner))
}

/// The personal access keys of this server's installation.
fn keys(app: &App) -> crate::keys::Keys<'_> {
    let host = app.host();
    crate::keys::Keys::new(
        host.effects().database(),
        host.runtime().limits(),
        host.installation(),
    )
}

/// The acting user of a key request, resolved (aliases to account ids), or
/// the 401 answer.
fn key_owner(
    app: &App,
    signed: Option<&Extension<Signed>>,
    headers: &HeaderMap,
) -> Result<String, Box<Response>> {
    if let Some(Extension(Signed(session))) = signed {
        return Ok(session.account.clone());
    }
    if app.signin().is_some() {
        return Err(Box::new(json(
            StatusCode::UNAUTHORIZED,
            serde_json::json!({"error": {"code": "forbidden",
                "message": "not signed in: keys belong to a person"}})
            .to_string(),
        )));
    }
    headers
        .get(ACCOUNT_HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|who| !who.trim().is_empty())
        .and_then(|who| app.acting_user(Some(who)))
        .ok_or_else(|| {
            Box::new(json(
                StatusCode::UNAUTHORIZED,
                serde_json::json!({"error": {"code": "forbidden",
                    "message": "no acting user: keys belong to a person"}})
                .to_string(),
            ))
        })
}

/// `GET /api/keys`: the acting user's keys (never their secrets).
async fn list_keys(
    State(app): State<Arc<App>>,
    signed: Option<Extension<Signed>>,
    headers: HeaderMap,
) -> Response {
    let owner = match key_owner(&app, signed.as_ref(), &headers) {
        Ok(owner) => owner,
        Err(refused) => return *refused,
    };
    match keys(&app).list(&owner).await {
        Ok(list) => json(
            StatusCode::OK,
            serde_json::json!({ "ok": { "keys": list } }).to_string(),
        ),
        Err(err) => error(err),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewKey {
    name: String,
}

/// `POST /api/keys` `{"name"}`: a new key for the acting user, shown once.
async fn create_key(
    State(app): State<Arc<App>>,
    signed: Option<Extension<Signed>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let owner = match key_owner(&app, signed.as_ref(), &headers) {
        Ok(owner) => owner,
        Err(refused) => return *refused,
    };
    let Ok(new) = serde_json::from_slice::<NewKey>(&body) else {
        return error(TaskError::invalid_input(
            "invalid request body: expected {\"name\": ...}",
        ));
    };
    match keys(&app).create(&owner, &new.name, crate::now_ms()).await {
        Ok((info, key)) => json(
            StatusCode::OK,
            serde_json::json!({ "ok": { "key": info, "secret": key } }).to_string(),
        ),
        Err(err) => error(err),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RevokeKey {
    id: String,
}

/// `POST /api/keys/revoke` `{"id"}`: revokes one of the acting user's keys.
async fn revoke_key(
    State(app): State<Arc<App>>,
    signed: Option<Extension<Signed>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let owner = match key_owner(&app, signed.as_ref(), &headers) {
        Ok(owner) => owner,
        Err(refused) => return *refused,
    };
    let Ok(revoke) = serde_json::from_slice::<RevokeKey>(&body) else {
        return error(TaskError::invalid_input(
            "invalid request body: expected {\"id\": ...}",
        ));
    };
    match keys(&app).revoke(&owner, &revoke.id, crate::now_ms()).await {
        Ok(()) => json(
            StatusCode::OK,
            serde_json::json!({ "ok": { "revoked": revoke.id } }).to_string(),
        ),
        Err(err) => error(err),
    }
}

/// `GET /api/host`: what this host offers besides the operations. Personal
/// access keys (and the feed) exist wherever this server runs, never on Forge.
async fn host_features(State(app): State<Arc<App>>) -> Response {
    json(
        StatusCode::OK,
        serde_json::json!({
            "personalAccessKeys": true,
            "odata": crate::odata::ROOT,
            "signIn": app.signin().is_some(),
        })
        .to_string(),
    )
}

async fn demo(State(app): State<Arc<App>>) -> Response {
    let Some(demo) = app.demo() else {
        return error(TaskError::new(
            ErrorCode::NotFound,
            "there is no demo: the host talks to a real Jira site",
        ));
    };
    match demo.listing().await {
        Ok(listing) => json(StatusCode::OK, listing),
        Err(err) => error(TaskError::upstream(err.to_string())),
    }
}

/// The error envelope, with the status for its code.
pub(crate) fn error(err: TaskError) -> Response {
    let body = serde_json::json!({
        "error": { "code": err.code.name(), "message": err.message }
    });
    json(status_for(err.code), body.to_string())
}

pub(crate) fn json(status: StatusCode, body: String) -> Response {
    (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response()
}

/// The page shown in place of the UI when the UI is not built: how to build it
/// and how to call the API meanwhile (`example` is a command line).
pub fn placeholder_page(example: &str) -> String {
    let example = example
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>Worklogs</title></head>\n<body style=\"font-family: sans-serif; max-width: 48rem; margin: 3rem auto\">\n\
         <h1>Worklogs</h1>\n<p>The UI is not built yet (its files go to <code>ui/dist</code>). \
         The API works already: <code>POST /api/invoke</code> with \
         <code>{{\"operation\": ..., \"input\": {{...}}}}</code> and the acting user in the \
         <code>X-Worklogs-Account</code> header. For example:</p>\n<pre>{example}</pre>\n\
         <p><code>GET /api/demo</code> describes the demo world.</p>\n</body></html>\n"
    )
}

/// A command line that calls `operation` with an empty input as `who`, with
/// the token in `$WORKLOGS_TOKEN` (never written out).
pub fn example_curl(url: &str, who: Option<&str>, operation: &str) -> String {
    let account = who.map_or_else(String::new, |who| {
        format!(" -H 'X-Worklogs-Account: {who}'")
    });
    format!(
        "curl -s {url}/api/invoke{account} -H \"X-Worklogs-Token: $WORKLOGS_TOKEN\" -H 'Content-Type: application/json' -d '{{\"operation\":\"{operation}\",\"input\":{{}}}}'"
    )
}
