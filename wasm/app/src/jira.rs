//! How the component talks to Jira Cloud's REST API v3: paths built from
//! percent-encoded parts, responses checked and mapped to stable error codes.
//!
//! Jira's error statuses map as follows, keeping Jira's own message
//! (`errorMessages` and `errors` joined): 400 → `invalid-input`, 401 and 403 →
//! `forbidden`, 404 → `not-found`, 409 → `conflict`, 413 → `limit`, 429 and 5xx →
//! `upstream` (saying that Jira is busy or unavailable and to retry, with
//! `Retry-After` when given), anything else that is not 2xx → `upstream`.

use std::fmt::Write as _;

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::executor::Ctx;
use crate::protocol::{HttpResponse, Method, Principal};
use crate::{Error, ErrorCode};

/// Everything but RFC 3986's unreserved characters (`A-Z a-z 0-9 - . _ ~`) is
/// encoded, in path segments and in query names and values alike.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// How much of a non-JSON error body is kept in a message.
const MAX_QUOTED_BODY: usize = 300;

/// A Jira REST path and query, built only from percent-encoded parts.
///
/// ```
/// use worklogs_app::jira::JiraPath;
/// let path = JiraPath::api(&["issue", "ALPHA-2", "worklog"]).query("startAt", "0");
/// assert_eq!(path.as_str(), "/rest/api/3/issue/ALPHA-2/worklog?startAt=0");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JiraPath {
    path: String,
    has_query: bool,
}

impl JiraPath {
    /// `/rest/api/3/` followed by the segments, each percent-encoded.
    pub fn api(segments: &[&str]) -> Self {
        let mut path = String::from("/rest/api/3");
        for segment in segments {
            path.push('/');
            path.extend(utf8_percent_encode(segment, COMPONENT));
        }
        Self {
            path,
            has_query: false,
        }
    }

    /// `/app/` followed by the segments, each percent-encoded: one of
    /// Atlassian's APIs for apps (such as `/app/report-accounts`, personal data
    /// reporting), which hosts send as the app to Atlassian rather than to the
    /// site.
    ///
    /// ```
    /// use worklogs_app::jira::JiraPath;
    /// assert_eq!(JiraPath::app(&["report-accounts"]).as_str(), "/app/report-accounts");
    /// ```
    pub fn app(segments: &[&str]) -> Self {
        let mut path = String::from("/app");
        for segment in segments {
            path.push('/');
            path.extend(utf8_percent_encode(segment, COMPONENT));
        }
        Self {
            path,
            has_query: false,
        }
    }

    /// Appends the query parameter `name=value`, both percent-encoded.
    pub fn query(mut self, name: &str, value: &str) -> Self {
        self.path.push(if self.has_query { '&' } else { '?' });
        self.has_query = true;
        self.path.extend(utf8_percent_encode(name, COMPONENT));
        self.path.push('=');
        self.path.extend(utf8_percent_encode(value, COMPONENT));
        self
    }

    /// The path and query as sent.
    pub fn as_str(&self) -> &str {
        &self.path
    }
}

/// Sends a request on the acting user's behalf and parses a 2xx JSON answer.
///
/// # Errors
///
/// The mapped error of a non-2xx status ([`error_for`]), the host's error, or
/// `upstream` when the body is not the JSON expected.
pub async fn call<T: DeserializeOwned>(
    ctx: &Ctx,
    method: Method,
    path: &JiraPath,
    body: Option<String>,
) -> Result<T, Error> {
    let response = ctx.jira(Principal::User, method, path, body).await?;
    let response = success(response, method, path)?;
    parse(&response, method, path)
}

/// The response itself when its status is 2xx.
///
/// # Errors
///
/// The mapped error otherwise ([`error_for`]).
pub fn success(
    response: HttpResponse,
    method: Method,
    path: &JiraPath,
) -> Result<HttpResponse, Error> {
    if (200..300).contains(&response.status) {
        Ok(response)
    } else {
        Err(error_for(&response, method, path))
    }
}

/// Parses a JSON body.
///
/// # Errors
///
/// `upstream`, naming the request and what was wrong, when the body is not the
/// JSON expected.
pub fn parse<T: DeserializeOwned>(
    response: &HttpResponse,
    method: Method,
    path: &JiraPath,
) -> Result<T, Error> {
    serde_json::from_str(&response.body).map_err(|e| {
        Error::upstream(format!(
            "jira answered {} {} with an unexpected body: {e}",
            method.as_str(),
            path.as_str()
        ))
    })
}

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

/// A duration for Jira's `newEstimate`, `reduceBy` and `increaseBy` parameters, in
/// minutes (Jira's `#m`): days and weeks would depend on the site's working
/// hours, minutes never do. `seconds` is a whole number of minutes (validated).
///
/// ```
/// assert_eq!(worklogs_app::jira::minutes(5400), "90m");
/// ```
pub fn minutes(seconds: i64) -> String {
    format!("{}m", seconds / 60)
}

/// Deserializes one of Jira's ids: a string, or (tolerated) a number.
///
/// # Errors
///
/// When the value is neither.
pub fn id_string<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    struct Id;

    impl serde::de::Visitor<'_> for Id {
        type Value = String;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("an id")
        }

        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<String, E> {
            Ok(v.to_owned())
        }

        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<String, E> {
            Ok(v.to_string())
        }

        fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<String, E> {
            Ok(v.to_string())
        }
    }

    deserializer.deserialize_any(Id)
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
    fn path_segments_and_queries_are_encoded() {
        let path = JiraPath::api(&["issue", "A B/../x?y#z", "worklog"])
            .query("adjust Estimate", "1h 30m&x=y")
            .query("ü", "é");
        assert_eq!(
            path.as_str(),
            "/rest/api/3/issue/A%20B%2F..%2Fx%3Fy%23z/worklog?adjust%20Estimate=1h%2030m%26x%3Dy&%C3%BC=%C3%A9"
        );
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
