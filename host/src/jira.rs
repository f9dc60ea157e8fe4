//! The Jira performer: REST requests to the simulator or to a Jira Cloud site.
//!
//! A request's principal becomes credentials: with the simulator, the headers
//! `X-Sim-Account: <the context's account id>` (user), `X-Sim-Account: <the
//! impersonated account id>` (impersonate; the simulator refuses a deactivated
//! account with 401, as Forge refuses to impersonate one) or
//! `X-Sim-Principal: app` (app); with a real site, HTTP Basic auth with an API
//! token for the user and the app, so every request runs as the token's owner
//! and Jira enforces that person's permissions (there is no app identity outside
//! Forge). Impersonating someone else is impossible with an API token, so such a
//! request is refused with `forbidden` without being sent: the core then knows
//! that impersonation is unavailable (and, putting back a worklog, writes it as
//! the app).
//!
//! A Jira response with any status is an answer; only a request that cannot be
//! performed (a transport failure, a timeout) is `upstream`. Paths must start
//! with `/rest/` and stay on the configured site: anything else is `internal`,
//! as defence in depth against a core that builds a wrong path.
//!
//! A task run for a signed-in person ([`crate::signin`]) carries their
//! [`Bearer`] credential: its user requests go with `Authorization: Bearer` to
//! the site's REST API for that token (`api.atlassian.com/ex/jira/{cloudId}`,
//! or the simulator itself), so Jira enforces that person's permissions; the
//! app's requests keep the configured credentials.
//!
//! Paths under `/app/` are Atlassian's APIs for apps (`/app/report-accounts`,
//! personal data reporting), which Forge's `requestAtlassian` sends as the app.
//! The simulator serves them, as the app only; a real site reached with an API
//! token has no app identity, so they are refused there (`upstream`, saying
//! why): personal data reporting is done by the app on Forge.

use std::time::Duration;

use reqwest::header::{ACCEPT, CONTENT_TYPE};
use reqwest::{Client, Method, Url};

use crate::limits::{human, Limits};
use crate::protocol::{ErrorCode, HttpResponse, JiraRequest, Principal, TaskError};
use crate::Error;

/// How requests authenticate.
#[derive(Clone)]
enum Auth {
    /// The simulator's impersonation headers.
    Simulator,
    /// A Jira Cloud API token, for both principals.
    Basic { email: String, token: String },
}

impl std::fmt::Debug for Auth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Auth::Simulator => f.write_str("Simulator"),
            Auth::Basic { email, .. } => write!(f, "Basic({email}, <token>)"),
        }
    }
}

/// A signed-in person's credential for one task: an OAuth access token and
/// the REST API's base for it.
#[derive(Clone)]
pub struct Bearer {
    base: Url,
    token: String,
}

/// The token never reaches `Debug` output.
impl std::fmt::Debug for Bearer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Bearer({}, <token>)", self.base)
    }
}

impl Bearer {
    /// The access token `token` for the REST API at `base`.
    ///
    /// # Errors
    ///
    /// `internal` when `base` is not an http(s) URL, or plain http to another
    /// machine (a token only travels over TLS).
    pub fn new(base: &str, token: String) -> Result<Bearer, TaskError> {
        let base = Url::parse(base.trim_end_matches('/'))
            .ok()
            .filter(|url| {
                url.scheme() == "https" || (url.scheme() == "http" && is_loopback(url))
            })
            .ok_or_else(|| {
                TaskError::internal(format!(
                    "invalid REST API base {base:?} for a bearer token (expected https://, or http:// to this machine)"
                ))
            })?;
        Ok(Bearer { base, token })
    }
}

/// A Jira site the host sends the component's requests to.
#[derive(Debug, Clone)]
pub struct Jira {
    client: Client,
    base: Url,
    auth: Auth,
    timeout: Duration,
}

impl Jira {
    /// The simulator at `base_url` (such as `http://127.0.0.1:4100`).
    ///
    /// # Errors
    ///
    /// When `base_url` is not an http(s) URL.
    pub fn simulator(base_url: &str, limits: &Limits) -> Result<Jira, Error> {
        Jira::new(base_url, Auth::Simulator, limits)
    }

    /// A Jira Cloud site (such as `https://yoursite.atlassian.net`), with an API
    /// token for `email`. Both principals use these credentials.
    ///
    /// # Errors
    ///
    /// When `base_url` is not an http(s) URL.
    pub fn cloud(
        base_url: &str,
        email: String,
        token: String,
        limits: &Limits,
    ) -> Result<Jira, Error> {
        require_tls(base_url)?;
        Jira::new(base_url, Auth::Basic { email, token }, limits)
    }

    fn new(base_url: &str, auth: Auth, limits: &Limits) -> Result<Jira, Error> {
        let base = Url::parse(base_url.trim_end_matches('/'))
            .ok()
            .filter(|url| matches!(url.scheme(), "http" | "https") && url.has_host())
            .ok_or_else(|| {
                Error::jira(format!(
                    "invalid Jira URL {base_url:?} (expected http(s)://host)"
                ))
            })?;
        let client = Client::builder()
            .user_agent(concat!("worklogs-host/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|err| Error::jira(format!("cannot set up the HTTP client: {err}")))?;
        Ok(Jira {
            client,
            base,
            auth,
            timeout: limits.jira_request_timeout,
        })
    }

    /// Whether requests go to the simulator.
    pub fn is_simulator(&self) -> bool {
        matches!(self.auth, Auth::Simulator)
    }

    /// The site's base URL, without a trailing slash.
    pub fn base_url(&self) -> &str {
        self.base.as_str().trim_end_matches('/')
    }

    /// Performs `request` for the acting user `account_id` (used only by the
    /// simulator, for the user principal).
    ///
    /// # Errors
    ///
    /// `internal` for a path outside `/rest/`, an unknown method or a user
    /// request with no acting user (simulator); `upstream` when the request
    /// cannot be sent or its response read, or it times out.
    pub async fn perform(
        &self,
        account_id: Option<&str>,
        request: &JiraRequest,
    ) -> Result<HttpResponse, TaskError> {
        self.perform_as(account_id, None, request).await
    }

    /// As [`Jira::perform`], with the signed-in person's credential `bearer`
    /// for the user principal's requests, when given.
    ///
    /// # Errors
    ///
    /// As [`Jira::perform`].
    pub async fn perform_as(
        &self,
        account_id: Option<&str>,
        bearer: Option<&Bearer>,
        request: &JiraRequest,
    ) -> Result<HttpResponse, TaskError> {
        let bearer = bearer.filter(|_| matches!(request.principal, Principal::User));
        let url = match bearer {
            Some(bearer) => url_on(&bearer.base, &request.path)?,
            None => self.url(&request.path)?,
        };
        if request.path.starts_with("/app/") {
            if !matches!(request.principal, Principal::App) {
                return Err(TaskError::internal(format!(
                    "a request to {} must be made as the app",
                    request.path
                )));
            }
            if !self.is_simulator() {
                return Err(TaskError::upstream(format!(
                    "{} is one of Atlassian's APIs for Forge apps, which a site reached with \
                     an API token cannot call: personal data reporting runs in the app on Forge",
                    request.path
                )));
            }
        }
        let method = match request.method.as_str() {
            "GET" => Method::GET,
            "POST" => Method::POST,
            "PUT" => Method::PUT,
            "DELETE" => Method::DELETE,
            other => {
                return Err(TaskError::internal(format!(
                    "invalid HTTP method {other:?} (expected GET, POST, PUT or DELETE)"
                )))
            }
        };
        let mut builder = self
            .client
            .request(method, url)
            .timeout(self.timeout)
            .header(ACCEPT, "application/json");
        builder = match (&self.auth, &request.principal) {
            (_, Principal::User) if bearer.is_some() => {
                builder.bearer_auth(bearer.map_or("", |b| b.token.as_str()))
            }
            (Auth::Simulator, Principal::App) => builder.header("X-Sim-Principal", "app"),
            (Auth::Simulator, Principal::Impersonate(account)) => {
                builder.header("X-Sim-Account", account.as_str())
            }
            (Auth::Basic { .. }, Principal::Impersonate(account)) => {
                return Err(TaskError::new(
                    ErrorCode::Forbidden,
                    format!(
                        "cannot send {} {} as account {account:?}: a site reached with an \
                         API token cannot impersonate anyone (offline user impersonation \
                         is a Forge feature)",
                        request.method,
                        request.path.split('?').next().unwrap_or_default()
                    ),
                ))
            }
            (Auth::Simulator, Principal::User) => {
                let account = account_id.ok_or_else(|| {
                    TaskError::internal(format!(
                        "a request to {} as the user in a task with no acting user",
                        request.path
                    ))
                })?;
                builder.header("X-Sim-Account", account)
            }
            (Auth::Basic { email, token }, _) => builder.basic_auth(email, Some(token)),
        };
        if let Some(body) = &request.body {
            builder = builder
                .header(CONTENT_TYPE, "application/json")
                .body(body.clone());
        }
        let path = request.path.split('?').next().unwrap_or_default();
        let fail = |err: reqwest::Error| {
            let cause = if err.is_timeout() {
                format!("timed out after {}", human(self.timeout))
            } else {
                root_cause(&err)
            };
            TaskError::upstream(format!(
                "jira request {} {path} failed: {cause}",
                request.method
            ))
        };
        let response = builder.send().await.map_err(fail)?;
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(name, value)| {
                let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
                (name.as_str().to_ascii_lowercase(), value)
            })
            .collect();
        let body = crate::utf8_text(&response.bytes().await.map_err(fail)?);
        Ok(HttpResponse {
            status,
            headers,
            body,
        })
    }

    /// The URL of `path` on this site, if `path` is an acceptable REST path.
    fn url(&self, path: &str) -> Result<Url, TaskError> {
        url_on(&self.base, path)
    }
}

/// The URL of `path` under `base`, if `path` is an acceptable REST path.
fn url_on(base: &Url, path: &str) -> Result<Url, TaskError> {
    let reject = |why: &str| TaskError::internal(format!("invalid Jira path {path:?}: {why}"));
    if !path.starts_with("/rest/") && !path.starts_with("/app/") {
        return Err(reject(
            "it must start with /rest/ (or /app/ for the app APIs)",
        ));
    }
    if path
        .bytes()
        .any(|b| b.is_ascii_control() || b == b' ' || b == b'#' || b == b'\\')
    {
        return Err(reject("it must be percent-encoded"));
    }
    if path.split(['?', '/']).any(|part| part == "..") || path.contains("//") {
        return Err(reject("it must not leave /rest/"));
    }
    let url = Url::parse(&format!("{}{path}", base.as_str().trim_end_matches('/')))
        .map_err(|err| reject(&err.to_string()))?;
    if url.origin() != base.origin() {
        return Err(reject("it must stay on the Jira site"));
    }
    Ok(url)
}

/// The innermost cause of `err`, which names what actually failed (a refused
/// connection, a DNS failure) rather than only that a request failed.
fn root_cause(err: &reqwest::Error) -> String {
    let mut cause: &dyn std::error::Error = err;
    while let Some(source) = cause.source() {
        cause = source;
    }
    cause.to_string()
}

/// A real site's credentials only travel over TLS: `https://`, or plain
/// `http://` to a loopback address (a proxy or a simulator on this machine).
///
/// # Errors
///
/// A configuration error naming `--jira-url` and the value.
pub fn require_tls(base_url: &str) -> Result<(), Error> {
    let refused = || {
        Error::jira(format!(
            "--jira-url {base_url:?}: the API token is only sent over https:// (or http:// to this machine: 127.0.0.1, localhost, [::1])"
        ))
    };
    let url = reqwest::Url::parse(base_url).map_err(|_| refused())?;
    match url.scheme() {
        "https" => Ok(()),
        "http" if is_loopback(&url) => Ok(()),
        _ => Err(refused()),
    }
}

/// Whether `url`'s host is this machine (127.0.0.1, localhost, [::1]).
pub fn is_loopback(url: &Url) -> bool {
    let host = url.host_str().unwrap_or_default();
    host.eq_ignore_ascii_case("localhost")
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> Jira {
        Jira::simulator("http://127.0.0.1:9/", &Limits::default()).unwrap()
    }

    #[test]
    fn paths_outside_rest_are_rejected() {
        for path in [
            "/sim/faults",
            "rest/api",
            "/rest/../sim/faults",
            "/rest//evil.example/x",
            "/rest/x y",
            "/rest/x#frag",
        ] {
            assert!(site().url(path).is_err(), "{path:?} is rejected");
        }
    }

    #[test]
    fn app_paths_go_to_the_simulator_as_the_app_only() {
        let url = site().url("/app/some-api").unwrap();
        assert_eq!(url.as_str(), "http://127.0.0.1:9/app/some-api");
        assert!(site().url("/app/../sim/faults").is_err());
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let request = |principal| JiraRequest {
            principal,
            method: "POST".into(),
            path: "/app/some-api".into(),
            body: Some("{}".into()),
        };
        let err = runtime
            .block_on(site().perform(Some("alice"), &request(Principal::User)))
            .unwrap_err();
        assert!(err.message.contains("must be made as the app"), "{err:?}");
        let cloud = Jira::cloud(
            "https://example.atlassian.net",
            "a@example.com".into(),
            "token".into(),
            &Limits::default(),
        )
        .unwrap();
        let err = runtime
            .block_on(cloud.perform(None, &request(Principal::App)))
            .unwrap_err();
        assert!(err.message.contains("Forge apps"), "{err:?}");
    }

    #[test]
    fn impersonation_is_refused_on_a_cloud_site_without_sending() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let cloud = Jira::cloud(
            "https://example.atlassian.net",
            "a@example.com".into(),
            "token".into(),
            &Limits::default(),
        )
        .unwrap();
        let request = JiraRequest {
            principal: Principal::Impersonate("acc-bob".into()),
            method: "POST".into(),
            path: "/rest/x/1?y=z".into(),
            body: Some("{}".into()),
        };
        let err = runtime.block_on(cloud.perform(None, &request)).unwrap_err();
        assert_eq!(err.code, ErrorCode::Forbidden);
        assert!(err.message.contains("cannot impersonate"), "{err:?}");
        assert!(err.message.contains("/rest/x/1 as"), "{err:?}");
    }

    #[test]
    fn rest_paths_keep_their_query() {
        let url = site().url("/rest/x/1?expand=a%20b").unwrap();
        assert_eq!(url.as_str(), "http://127.0.0.1:9/rest/x/1?expand=a%20b");
    }
}
