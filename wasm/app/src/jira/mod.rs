//! How the component talks to Jira Cloud's REST API v3.
//!
//! - [`Call`]: the one way to send a request: on whose behalf, once or
//!   patiently ([`call::retry`]: jobs back off and retry when Jira is busy), and
//!   its answer checked and parsed.
//! - [`JiraPath`]: paths built from percent-encoded parts.
//! - [`directory`]: people and projects by name or id (pickers, names of
//!   saved ids), as the caller sees them.
//! - [`types`]: Jira's wire types that several parts read (visibility,
//!   permissions, users, pages).
//! - [`error_for`]: Jira's statuses as stable error codes.
//!
//! Jira's error statuses map as follows, keeping Jira's own message
//! (`errorMessages` and `errors` joined): 400 → `invalid-input`, 401 and 403 →
//! `forbidden`, 404 → `not-found`, 409 → `conflict`, 413 → `limit`, 429 and 5xx →
//! `upstream` (saying that Jira is busy or unavailable and to retry, with
//! `Retry-After` when given), anything else that is not 2xx → `upstream`.

pub mod call;
pub mod directory;
mod path;
pub mod types;

use std::fmt::Write as _;

use serde::Deserialize;

use crate::protocol::{HttpResponse, Method};
use crate::{Error, ErrorCode};

pub use call::Call;
pub use path::JiraPath;
pub use types::{id_string, minutes};

/// How much of a non-JSON error body is kept in a message.
const MAX_QUOTED_BODY: usize = 300;

/// Jira's error collection; every part optional, since proxies send other bodies.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct ErrorCollection {
    #[serde(default)]
    error_messages: Vec<String>,
    #[serde(default)]
    errors: serde_json::Map<String, serde_json::Value>,
}

/// Jira's message from an error body: `errorMessages` and `errors` joined with
/// `; `, the body itself (shortened) when it is not an error collection, or
/// nothing when it is empty.
fn jira_message(body: &str) -> String {
    let body = body.trim();
    if body.is_empty() {
        return String::new();
    }
    match serde_json::from_str::<ErrorCollection>(body) {
        Ok(collection) => {
            let mut parts = collection.error_messages;
            for (field, message) in collection.errors {
                match message {
                    serde_json::Value::String(text) => parts.push(format!("{field}: {text}")),
                    other => parts.push(format!("{field}: {other}")),
                }
            }
            parts.join("; ")
        }
        Err(_) => {
            let mut quoted: String = body.chars().take(MAX_QUOTED_BODY).collect();
            if quoted.len() < body.len() {
                quoted.push('…');
            }
            quoted
        }
    }
}

/// The stable error for a non-2xx Jira response, keeping Jira's message.
///
/// ```
/// use worklogs_app::jira::{error_for, JiraPath};
/// use worklogs_app::{ErrorCode, HttpResponse, Method};
/// let response = HttpResponse {
///     status: 404,
///     headers: vec![],
///     body: r#"{"errorMessages":["Issue does not exist"],"errors":{}}"#.into(),
/// };
/// let e = error_for(&response, Method::Get, &JiraPath::api(&["issue", "OPS-2"]));
/// assert_eq!(e.code(), ErrorCode::NotFound);
/// assert!(e.message().ends_with("Issue does not exist"));
/// ```
pub fn error_for(response: &HttpResponse, method: Method, path: &JiraPath) -> Error {
    let status = response.status;
    let code = match status {
        400 => ErrorCode::InvalidInput,
        401 | 403 => ErrorCode::Forbidden,
        404 => ErrorCode::NotFound,
        409 => ErrorCode::Conflict,
        413 => ErrorCode::Limit,
        _ => ErrorCode::Upstream,
    };
    let mut message = match status {
        429 => format!(
            "jira is busy (429) and refused {} {}",
            method.as_str(),
            path.as_str()
        ),
        500..=599 => format!(
            "jira is unavailable ({status}) for {} {}",
            method.as_str(),
            path.as_str()
        ),
        _ => format!(
            "jira answered {status} to {} {}",
            method.as_str(),
            path.as_str()
        ),
    };
    if status == 429 || (500..=599).contains(&status) {
        match response.header("retry-after").map(str::trim) {
            Some("1") => message.push_str("; retry after 1 second"),
            Some(after) if !after.is_empty() && after.bytes().all(|b| b.is_ascii_digit()) => {
                let _ = write!(message, "; retry after {after} seconds");
            }
            Some(after) if !after.is_empty() => {
                let _ = write!(message, "; retry after {after}");
            }
            _ => message.push_str("; retry later"),
        }
    }
    let detail = jira_message(&response.body);
    if !detail.is_empty() {
        message.push_str(": ");
        message.push_str(&detail);
    }
    Error::new(code, message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::http;

    fn with_header(mut response: HttpResponse, name: &str, value: &str) -> HttpResponse {
        response.headers.push((name.to_owned(), value.to_owned()));
        response
    }

    fn map(response: &HttpResponse) -> Error {
        error_for(response, Method::Put, &JiraPath::api(&["issue", "A-1"]))
    }

    #[test]
    fn statuses_map_to_stable_codes() {
        let table = [
            (400, ErrorCode::InvalidInput),
            (401, ErrorCode::Forbidden),
            (403, ErrorCode::Forbidden),
            (404, ErrorCode::NotFound),
            (409, ErrorCode::Conflict),
            (413, ErrorCode::Limit),
            (429, ErrorCode::Upstream),
            (500, ErrorCode::Upstream),
            (503, ErrorCode::Upstream),
            (302, ErrorCode::Upstream),
            (418, ErrorCode::Upstream),
        ];
        for (status, code) in table {
            assert_eq!(map(&http(status, "")).code(), code, "status {status}");
        }
    }

    #[test]
    fn jira_messages_are_kept() {
        let e = map(&http(
            400,
            r#"{"errorMessages":["Worklog must not be null."],"errors":{"timeLogged":"You must indicate the time spent working."}}"#,
        ));
        assert_eq!(
            e.message(),
            "jira answered 400 to PUT /rest/api/3/issue/A-1: Worklog must not be null.; timeLogged: You must indicate the time spent working."
        );
    }

    #[test]
    fn busy_and_unavailable_say_when_to_retry() {
        let e = map(&with_header(http(429, ""), "retry-after", "30"));
        assert_eq!(
            e.message(),
            "jira is busy (429) and refused PUT /rest/api/3/issue/A-1; retry after 30 seconds"
        );
        let e = map(&http(503, "<html>down</html>"));
        assert_eq!(
            e.message(),
            "jira is unavailable (503) for PUT /rest/api/3/issue/A-1; retry later: <html>down</html>"
        );
    }

    #[test]
    fn long_non_json_bodies_are_shortened() {
        let e = map(&http(500, &"x".repeat(1000)));
        assert!(e.message().ends_with("x…"), "{e}");
        assert!(e.message().len() < 450);
    }
}
