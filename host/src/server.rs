//! The dev server: the component's operations over HTTP, and the UI's files.
//!
//! - `POST /api/invoke` with `{"operation": ..., "input": {...}}` runs one
//!   operation. Headers: `X-Worklogs-Account` (the acting user: an account id or,
//!   with the simulator, a demo alias), `X-Worklogs-Timezone` and
//!   `X-Worklogs-Locale` (defaults: UTC, en-US). It answers `{"ok": result}` with
//!   200, or `{"error": {"code", "message"}}` with a status for the code (see
//!   [`status_for`]).
//! - `GET /api/demo` (only with the simulator) is the simulator's `GET /sim/demo`.
//! - Anything else is a file of the UI bundle, or a page saying it is not built.

use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use serde_json::value::RawValue;
use tower_http::services::ServeDir;

use crate::app::App;
use crate::protocol::{EntryPoint, ErrorCode, TaskError};

/// The header naming the acting user.
pub const ACCOUNT_HEADER: &str = "x-worklogs-account";
/// The header naming the acting user's time zone.
pub const TIME_ZONE_HEADER: &str = "x-worklogs-timezone";
/// The header naming the acting user's locale.
pub const LOCALE_HEADER: &str = "x-worklogs-locale";

/// The HTTP status for an error code.
pub fn status_for(code: ErrorCode) -> StatusCode {
    match code {
        ErrorCode::InvalidInput => StatusCode::BAD_REQUEST,
        ErrorCode::Forbidden => StatusCode::FORBIDDEN,
        ErrorCode::NotFound => StatusCode::NOT_FOUND,
        ErrorCode::Conflict => StatusCode::CONFLICT,
        ErrorCode::Limit => StatusCode::PAYLOAD_TOO_LARGE,
        ErrorCode::Upstream => StatusCode::BAD_GATEWAY,
        ErrorCode::Internal => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// The router for `app`, serving the UI from `ui_dir` when it holds an
/// `index.html`. `page` is shown instead when it does not.
pub fn router(app: Arc<App>, ui_dir: PathBuf, page: String) -> Router {
    let body_limit = app.host().runtime().limits().invoke_payload_bytes * 2 + 64 * 1024;
    let api = Router::new()
        .route("/api/invoke", post(invoke))
        .route("/api/demo", get(demo))
        .layer(DefaultBodyLimit::max(body_limit))
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

async fn invoke(State(app): State<Arc<App>>, headers: HeaderMap, body: Bytes) -> Response {
    let call: Invoke<'_> = match serde_json::from_slice(&body) {
        Ok(call) => call,
        Err(err) => {
            return error(TaskError::invalid_input(format!(
                "invalid request body: {err} (expected {{\"operation\": ..., \"input\": {{...}}}})"
            )))
        }
    };
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let input = call.input.map_or("{}", RawValue::get);
    let result = app
        .call(
            EntryPoint::Person,
            header(ACCOUNT_HEADER),
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
fn error(err: TaskError) -> Response {
    let body = serde_json::json!({
        "error": { "code": err.code.name(), "message": err.message }
    });
    json(status_for(err.code), body.to_string())
}

fn json(status: StatusCode, body: String) -> Response {
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

/// A command line that calls `operation` with an empty input as `who`.
pub fn example_curl(url: &str, who: Option<&str>, operation: &str) -> String {
    let account = who.map_or_else(String::new, |who| {
        format!(" -H 'X-Worklogs-Account: {who}'")
    });
    format!(
        "curl -s {url}/api/invoke{account} -d '{{\"operation\":\"{operation}\",\"input\":{{}}}}'"
    )
}
