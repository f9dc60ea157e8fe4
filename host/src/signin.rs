//! Sign-in for a team server: OAuth 2.0 authorization code grant ("3LO") with
//! PKCE against Atlassian's authorization server (or the simulator's), and
//! server-side sessions.
//!
//! - `GET /auth/login` makes a PKCE verifier (its S256 challenge goes in the
//!   authorization request) and a random `state`, keeps both here for ten
//!   minutes, puts the state in a short-lived cookie too (so a callback can only
//!   finish a sign-in that this browser started) and redirects to `/authorize`.
//! - `GET /auth/callback` takes the state once (unknown, expired or not this
//!   browser's: refused), exchanges the code with the verifier, finds the site
//!   among the token's accessible resources, asks Jira who the person is
//!   (the component's `me`, with the new token) and creates a session.
//! - A session is a random id (256 bits) in a cookie; only its SHA-256 is
//!   stored, with the account, a per-session CSRF token and the expiry.
//! - The person's tokens are stored per account (the latest sign-in's, so a
//!   personal access key can act for its owner between sign-ins), sealed
//!   with a key derived from the OAuth app's secret ([`seal`]), and never
//!   leave the server. An access token about to expire is refreshed with the
//!   refresh token, which Atlassian rotates: the new one replaces it. A refused
//!   refresh ends the person's sessions and deletes the tokens.
//!
//! The OAuth protocol itself (URLs, PKCE, the token requests and answers) is
//! the `oauth2` crate's; this module adds the sessions and the bookkeeping, in
//! the app's database (`_signin_sessions`, `_signin_tokens`) like the
//! personal access keys.

use std::collections::HashMap;
use std::sync::Mutex;

use oauth2::basic::{BasicClient, BasicErrorResponseType};
use oauth2::{
    AuthType, AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointNotSet,
    EndpointSet, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, RefreshToken, RequestTokenError,
    Scope, TokenResponse, TokenUrl,
};
use reqwest::Url;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::jira::Bearer;
use crate::limits::Limits;
use crate::protocol::{ErrorCode, SqlRows, SqlStatement, TaskError, Value};
use crate::sql::{perform, Database};
use crate::Error;

mod seal;
use seal::{Field, Seal};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "worklogs_session";
/// The cookie binding a sign-in in progress to the browser that started it.
pub const LOGIN_COOKIE: &str = "worklogs_login";
/// The header carrying the session's CSRF token on state-changing requests.
pub const CSRF_HEADER: &str = "x-worklogs-csrf";
/// How long a sign-in may take between `/auth/login` and the callback, ms.
pub const LOGIN_MS: i64 = 10 * 60 * 1000;
/// The most sign-ins in progress at once (older ones are dropped first).
const MAX_PENDING: usize = 10_000;
/// An access token is refreshed when it expires within this, ms.
const REFRESH_MARGIN_MS: i64 = 5_000;
/// The scopes asked for: Jira's classic scopes, and `offline_access` for a
/// refresh token.
pub const SCOPES: &[&str] = &[
    "read:jira-user",
    "read:jira-work",
    "write:jira-work",
    "offline_access",
];

const CREATE_SESSIONS: &str = "CREATE TABLE IF NOT EXISTS _signin_sessions (\
    installation VARCHAR(255) NOT NULL, \
    id_sha256 VARCHAR(64) NOT NULL, \
    account VARCHAR(255) NOT NULL, \
    display_name VARCHAR(255) NOT NULL, \
    csrf VARCHAR(64) NOT NULL, \
    created_ms BIGINT NOT NULL, \
    expires_ms BIGINT NOT NULL, \
    PRIMARY KEY (installation, id_sha256))";
const CREATE_TOKENS: &str = "CREATE TABLE IF NOT EXISTS _signin_tokens (\
    installation VARCHAR(255) NOT NULL, \
    account VARCHAR(255) NOT NULL, \
    access_token TEXT NOT NULL, \
    refresh_token TEXT, \
    access_expires_ms BIGINT NOT NULL, \
    api_base VARCHAR(1024) NOT NULL, \
    updated_ms BIGINT NOT NULL, \
    PRIMARY KEY (installation, account))";

/// Where the authorization server and the REST API are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Provider {
    /// Atlassian's: `auth.atlassian.com`, and the REST API of a site through
    /// `api.atlassian.com/ex/jira/{cloudId}`.
    Atlassian,
    /// The simulator at `base` (such as `http://127.0.0.1:4100`), which serves
    /// the authorization server and the REST API itself.
    Simulator {
        /// Its base URL.
        base: String,
    },
}

impl Provider {
    fn authorize_url(&self) -> String {
        match self {
            Provider::Atlassian => "https://auth.atlassian.com/authorize".into(),
            Provider::Simulator { base } => format!("{}/authorize", base.trim_end_matches('/')),
        }
    }

    fn token_url(&self) -> String {
        match self {
            Provider::Atlassian => "https://auth.atlassian.com/oauth/token".into(),
            Provider::Simulator { base } => format!("{}/oauth/token", base.trim_end_matches('/')),
        }
    }

    fn resources_url(&self) -> String {
        match self {
            Provider::Atlassian => {
                "https://api.atlassian.com/oauth/token/accessible-resources".into()
            }
            Provider::Simulator { base } => format!(
                "{}/oauth/token/accessible-resources",
                base.trim_end_matches('/')
            ),
        }
    }

    /// The base of the REST API of the site `resource` with a bearer token.
    fn api_base(&self, resource: &Resource) -> String {
        match self {
            Provider::Atlassian => format!("https://api.atlassian.com/ex/jira/{}", resource.id),
            Provider::Simulator { .. } => resource.url.trim_end_matches('/').to_owned(),
        }
    }
}

/// How sign-in is set up.
#[derive(Clone)]
pub struct SignInConfig {
    /// The OAuth app's client id.
    pub client_id: String,
    /// The OAuth app's secret.
    pub client_secret: String,
    /// The address people open (`https://worklogs.example.com`); the callback
    /// is `{public_url}/auth/callback`, and cookies are `Secure` when it is
    /// https.
    pub public_url: String,
    /// The authorization server.
    pub provider: Provider,
    /// How long a session lasts, seconds.
    pub session_seconds: u64,
}

/// The secret never reaches `Debug` output.
impl std::fmt::Debug for SignInConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignInConfig")
            .field("client_id", &self.client_id)
            .field("client_secret", &"<redacted>")
            .field("public_url", &self.public_url)
            .field("provider", &self.provider)
            .field("session_seconds", &self.session_seconds)
            .finish()
    }
}

/// A signed-in person's session.
#[derive(Clone, PartialEq, Eq)]
pub struct Session {
    /// Their account id.
    pub account: String,
    /// Their name, to show.
    pub display_name: String,
    /// The session's CSRF token, which state-changing requests carry.
    pub csrf: String,
    /// When the session ends, epoch ms.
    pub expires_ms: i64,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("account", &self.account)
            .field("expires_ms", &self.expires_ms)
            .finish_non_exhaustive()
    }
}

impl Session {
    /// Whether `given` is this session's CSRF token (constant time).
    pub fn csrf_matches(&self, given: Option<&[u8]>) -> bool {
        let given = given.unwrap_or_default();
        !given.is_empty() && bool::from(subtle::ConstantTimeEq::ct_eq(given, self.csrf.as_bytes()))
    }
}

/// A new session: the cookie's value (never stored) and the session.
pub struct NewSession {
    /// The random id for the cookie.
    pub id: String,
    /// The session.
    pub session: Session,
}

/// A site the token may reach, as `accessible-resources` lists it.
#[derive(Debug, Clone, Deserialize)]
struct Resource {
    id: String,
    url: String,
}

/// A person's tokens and their site's REST API base: what a code is
/// exchanged for, and what is stored for them.
pub struct Grant {
    access: String,
    refresh: Option<String>,
    expires_ms: i64,
    api_base: String,
}

impl Grant {
    /// The credential for requests with this grant.
    ///
    /// # Errors
    ///
    /// `internal` for an API base that is not https (nor this machine).
    pub fn bearer(&self) -> Result<Bearer, TaskError> {
        Bearer::new(&self.api_base, self.access.clone())
    }
}

struct Pending {
    verifier: String,
    started_ms: i64,
}

type OAuthClient =
    BasicClient<EndpointSet, EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointSet>;

/// Sign-in: the OAuth client, the sign-ins in progress and the sessions.
pub struct SignIn {
    config: SignInConfig,
    client: OAuthClient,
    /// For the token endpoint and the APIs: redirects are not followed (the
    /// `oauth2` crate's advice against request forgery).
    http: reqwest::Client,
    /// The Jira site people sign in to, without a trailing slash.
    site: String,
    pending: Mutex<HashMap<String, Pending>>,
    /// One refresh at a time: a rotated refresh token is good for one use.
    refreshing: tokio::sync::Mutex<()>,
    /// The tokens' seal at rest.
    seal: Seal,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn random_hex(bytes: usize) -> Result<String, TaskError> {
    let mut buffer = vec![0u8; bytes];
    getrandom::fill(&mut buffer)
        .map_err(|err| TaskError::internal(format!("no random source for a session: {err}")))?;
    Ok(hex(&buffer))
}

fn digest(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

fn text(value: Option<&Value>) -> String {
    match value {
        Some(Value::Text(t)) => t.clone(),
        _ => String::new(),
    }
}

fn int(value: Option<&Value>) -> Option<i64> {
    match value {
        Some(Value::Int(i)) => Some(*i),
        _ => None,
    }
}

fn refused(message: impl Into<String>) -> TaskError {
    TaskError::new(ErrorCode::Forbidden, message)
}

fn statement(sql: &str, params: Vec<Value>) -> SqlStatement {
    SqlStatement {
        sql: sql.into(),
        params,
    }
}

impl SignIn {
    /// Sign-in to the Jira site `site` (its base URL) as `config` says.
    ///
    /// # Errors
    ///
    /// A configuration error naming the flag when a URL is invalid, or the
    /// public URL is plain http to another machine.
    pub fn new(config: SignInConfig, site: &str) -> Result<SignIn, Error> {
        let public = Url::parse(&config.public_url)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https") && u.has_host())
            .ok_or_else(|| {
                Error::io(format!(
                    "--public-url {:?}: expected http(s)://host[:port]",
                    config.public_url
                ))
            })?;
        if public.scheme() == "http" && !crate::jira::is_loopback(&public) {
            return Err(Error::io(format!(
                "--public-url {:?}: a team server is reached over https:// (a reverse proxy with TLS); plain http:// is for this machine only",
                config.public_url
            )));
        }
        if config.client_id.trim().is_empty() || config.client_secret.is_empty() {
            return Err(Error::io(
                "sign-in needs the OAuth app's client id and secret (--oauth-client-id, WORKLOGS_OAUTH_CLIENT_SECRET)",
            ));
        }
        let url = |what: &str, value: String| {
            Url::parse(&value)
                .map_err(|err| Error::io(format!("invalid {what} URL {value:?}: {err}")))
        };
        let redirect = format!("{}/auth/callback", config.public_url.trim_end_matches('/'));
        let client = BasicClient::new(ClientId::new(config.client_id.clone()))
            .set_client_secret(ClientSecret::new(config.client_secret.clone()))
            .set_auth_uri(AuthUrl::from_url(url(
                "authorization",
                config.provider.authorize_url(),
            )?))
            .set_token_uri(TokenUrl::from_url(url(
                "token",
                config.provider.token_url(),
            )?))
            .set_redirect_uri(RedirectUrl::from_url(url("callback", redirect)?))
            // Atlassian takes the client's credentials in the request body.
            .set_auth_type(AuthType::RequestBody);
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("worklogs-host/", env!("CARGO_PKG_VERSION")))
            .timeout(std::time::Duration::from_secs(30))
            .build()
            .map_err(|err| Error::io(format!("cannot set up the HTTP client: {err}")))?;
        Ok(SignIn {
            seal: Seal::new(&config.client_secret),
            config,
            client,
            http,
            site: site.trim_end_matches('/').to_owned(),
            pending: Mutex::new(HashMap::new()),
            refreshing: tokio::sync::Mutex::new(()),
        })
    }

    /// Whether cookies must be `Secure` (the public URL is https).
    pub fn secure_cookies(&self) -> bool {
        self.config.public_url.starts_with("https://")
    }

    /// The public URL, without a trailing slash.
    pub fn public_url(&self) -> &str {
        self.config.public_url.trim_end_matches('/')
    }

    /// How long a session lasts, seconds.
    pub fn session_seconds(&self) -> u64 {
        self.config.session_seconds
    }

    fn pending(&self) -> std::sync::MutexGuard<'_, HashMap<String, Pending>> {
        self.pending.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Starts a sign-in at `now_ms`: the authorization server's address to
    /// send the browser to, and the state to bind to the browser.
    pub fn begin(&self, now_ms: i64) -> (String, String) {
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state) = self
            .client
            .authorize_url(CsrfToken::new_random)
            .add_scopes(SCOPES.iter().map(|s| Scope::new((*s).to_owned())))
            .add_extra_param("audience", "api.atlassian.com")
            .add_extra_param("prompt", "consent")
            .set_pkce_challenge(challenge)
            .url();
        let mut pending = self.pending();
        pending.retain(|_, p| now_ms - p.started_ms < LOGIN_MS);
        if pending.len() >= MAX_PENDING {
            if let Some(oldest) = pending
                .iter()
                .min_by_key(|(_, p)| p.started_ms)
                .map(|(k, _)| k.clone())
            {
                pending.remove(&oldest);
            }
        }
        pending.insert(
            state.secret().clone(),
            Pending {
                verifier: verifier.secret().clone(),
                started_ms: now_ms,
            },
        );
        (url.to_string(), state.secret().clone())
    }

    /// Takes the sign-in in progress for `state` if this browser (whose login
    /// cookie holds `bound`) started it less than [`LOGIN_MS`] ago: its PKCE
    /// verifier. A state is good for one callback.
    ///
    /// # Errors
    ///
    /// `forbidden` when the state is unknown, used, expired or another
    /// browser's.
    pub fn take_state(
        &self,
        state: &str,
        bound: Option<&str>,
        now_ms: i64,
    ) -> Result<String, TaskError> {
        let same: bool = bound
            .is_some_and(|b| subtle::ConstantTimeEq::ct_eq(b.as_bytes(), state.as_bytes()).into());
        if !same {
            return Err(refused(
                "the sign-in's state is not the one this browser started: start again at /auth/login",
            ));
        }
        let pending = self.pending().remove(state);
        match pending {
            Some(p) if now_ms - p.started_ms < LOGIN_MS => Ok(p.verifier),
            Some(_) => Err(refused(
                "the sign-in took too long: start again at /auth/login",
            )),
            None => Err(refused(
                "the sign-in's state is unknown or was used: start again at /auth/login",
            )),
        }
    }

    /// Exchanges `code` with `verifier` at `now_ms` and finds the site among
    /// the token's accessible resources: the grant, whose person is not known
    /// yet (the component asks Jira, see [`crate::App::finish_sign_in`]).
    ///
    /// # Errors
    ///
    /// `forbidden` when the authorization server refuses the code (a wrong
    /// verifier, a used code) or the account cannot reach the site;
    /// `upstream` when a server cannot be reached.
    pub async fn exchange(
        &self,
        code: &str,
        verifier: String,
        now_ms: i64,
    ) -> Result<Grant, TaskError> {
        let answer = self
            .client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .set_pkce_verifier(PkceCodeVerifier::new(verifier))
            .request_async(&self.http)
            .await
            .map_err(token_error)?;
        let access = answer.access_token().secret().clone();
        let resources: Vec<Resource> = self
            .get_json(&self.config.provider.resources_url(), &access)
            .await?;
        let Some(resource) = resources
            .iter()
            .find(|r| r.url.trim_end_matches('/').eq_ignore_ascii_case(&self.site))
        else {
            return Err(refused(format!(
                "the account that signed in cannot reach {} (its sites: {})",
                self.site,
                resources
                    .iter()
                    .map(|r| r.url.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        };
        Ok(Grant {
            access,
            refresh: answer.refresh_token().map(|r| r.secret().clone()),
            expires_ms: now_ms.saturating_add(lifetime_ms(answer.expires_in())),
            api_base: self.config.provider.api_base(resource),
        })
    }

    /// Stores `grant` as `account`'s tokens and opens a session for them at
    /// `now_ms`.
    ///
    /// # Errors
    ///
    /// The database's.
    pub async fn open(
        &self,
        store: &Store<'_>,
        grant: &Grant,
        account: &str,
        display_name: &str,
        now_ms: i64,
    ) -> Result<NewSession, TaskError> {
        let id = random_hex(32)?;
        let csrf = random_hex(32)?;
        let session_ends = now_ms.saturating_add(
            i64::try_from(self.config.session_seconds)
                .unwrap_or(i64::MAX / 2_000)
                .saturating_mul(1000),
        );
        store.put_tokens(&self.seal, account, grant, now_ms).await?;
        let session = Session {
            account: account.to_owned(),
            display_name: display_name.to_owned(),
            csrf,
            expires_ms: session_ends,
        };
        store.put_session(&id, &session, now_ms).await?;
        Ok(NewSession { id, session })
    }

    async fn get_json<T: serde::de::DeserializeOwned>(
        &self,
        url: &str,
        access: &str,
    ) -> Result<T, TaskError> {
        let response = self
            .http
            .get(url)
            .bearer_auth(access)
            .header(reqwest::header::ACCEPT, "application/json")
            .send()
            .await
            .map_err(|err| TaskError::upstream(format!("GET {url} failed: {err}")))?;
        let status = response.status();
        let body = response
            .text()
            .await
            .map_err(|err| TaskError::upstream(format!("GET {url} failed: {err}")))?;
        if !status.is_success() {
            return Err(refused(format!(
                "GET {url} answered {status} with the new access token"
            )));
        }
        serde_json::from_str(&body)
            .map_err(|err| TaskError::upstream(format!("GET {url}: unexpected answer: {err}")))
    }

    /// The credential for `account`'s Jira requests at `now_ms`: their access
    /// token, refreshed first when it is about to expire (the rotated
    /// refresh token replaces the old one).
    ///
    /// # Errors
    ///
    /// `forbidden` when the person has not signed in, or the refresh is
    /// refused (their sessions then end: they sign in again); `upstream`
    /// when the authorization server cannot be reached; the database's.
    pub async fn credential(
        &self,
        store: &Store<'_>,
        account: &str,
        now_ms: i64,
    ) -> Result<Bearer, TaskError> {
        let tokens = store.tokens(&self.seal, account).await?.ok_or_else(|| {
            refused(format!(
                "account {account:?} has not signed in to this server: sign in (/auth/login) so it can act for you"
            ))
        })?;
        if tokens.expires_ms - REFRESH_MARGIN_MS > now_ms {
            return Bearer::new(&tokens.api_base, tokens.access);
        }
        let _one_at_a_time = self.refreshing.lock().await;
        // Another request may have refreshed while this one waited.
        let tokens = store
            .tokens(&self.seal, account)
            .await?
            .ok_or_else(|| refused(format!("account {account:?} has signed out")))?;
        if tokens.expires_ms - REFRESH_MARGIN_MS > now_ms {
            return Bearer::new(&tokens.api_base, tokens.access);
        }
        let Some(refresh) = tokens.refresh else {
            store.forget(account).await?;
            return Err(refused(
                "the access token expired and there is no refresh token: sign in again",
            ));
        };
        let answer = self
            .client
            .exchange_refresh_token(&RefreshToken::new(refresh.clone()))
            .request_async(&self.http)
            .await;
        let answer = match answer {
            Ok(answer) => answer,
            Err(err) => {
                let err = token_error(err);
                if err.code == ErrorCode::Forbidden {
                    store.forget(account).await?;
                }
                return Err(err);
            }
        };
        let access = answer.access_token().secret().clone();
        // Rotation: the answer's refresh token replaces the used one.
        let rotated = answer
            .refresh_token()
            .map_or(refresh, |r| r.secret().clone());
        let renewed = Grant {
            access,
            refresh: Some(rotated),
            expires_ms: now_ms.saturating_add(lifetime_ms(answer.expires_in())),
            api_base: tokens.api_base,
        };
        store
            .put_tokens(&self.seal, account, &renewed, now_ms)
            .await?;
        renewed.bearer()
    }
}

fn lifetime_ms(expires_in: Option<std::time::Duration>) -> i64 {
    expires_in.map_or(3_600_000, |d| {
        i64::try_from(d.as_millis()).unwrap_or(i64::MAX / 2)
    })
}

/// The authorization server's refusal (`invalid_grant`: a wrong verifier, a
/// used code, a rotated refresh token) as `forbidden`; anything else that
/// failed as `upstream`. Never the tokens.
fn token_error<E: std::error::Error>(
    err: RequestTokenError<E, oauth2::StandardErrorResponse<BasicErrorResponseType>>,
) -> TaskError {
    match err {
        RequestTokenError::ServerResponse(response) => {
            let description = response
                .error_description()
                .map(|d| format!(": {d}"))
                .unwrap_or_default();
            refused(format!(
                "the authorization server refused: {}{description}",
                response.error().as_ref()
            ))
        }
        RequestTokenError::Request(err) => {
            TaskError::upstream(format!("the authorization server cannot be reached: {err}"))
        }
        RequestTokenError::Parse(err, _) => TaskError::upstream(format!(
            "the authorization server's answer is not a token answer: {err}"
        )),
        RequestTokenError::Other(what) => {
            TaskError::upstream(format!("the token request failed: {what}"))
        }
    }
}

/// The sessions and tokens of one installation in its database.
pub struct Store<'a> {
    database: &'a dyn Database,
    limits: &'a Limits,
    installation: &'a str,
}

impl<'a> Store<'a> {
    /// The sign-in bookkeeping of `installation` in `database`.
    pub fn new(database: &'a dyn Database, limits: &'a Limits, installation: &'a str) -> Self {
        Store {
            database,
            limits,
            installation,
        }
    }

    fn inst(&self) -> Value {
        Value::Text(self.installation.into())
    }

    async fn run(&self, statements: Vec<SqlStatement>) -> Result<Vec<SqlRows>, TaskError> {
        let mut all = vec![
            statement(CREATE_SESSIONS, vec![]),
            statement(CREATE_TOKENS, vec![]),
        ];
        all.extend(statements);
        let answers = perform(self.database, self.limits, all).await;
        let mut rows = Vec::new();
        for answer in answers.into_iter().skip(2) {
            rows.push(answer?);
        }
        Ok(rows)
    }

    async fn put_tokens(
        &self,
        seal: &Seal,
        account: &str,
        grant: &Grant,
        now_ms: i64,
    ) -> Result<(), TaskError> {
        self.run(vec![
            statement(
                "DELETE FROM _signin_tokens WHERE installation = ? AND account = ?",
                vec![self.inst(), Value::Text(account.into())],
            ),
            statement(
                "INSERT INTO _signin_tokens (installation, account, access_token, refresh_token, \
                 access_expires_ms, api_base, updated_ms) VALUES (?, ?, ?, ?, ?, ?, ?)",
                vec![
                    self.inst(),
                    Value::Text(account.into()),
                    Value::Text(seal.seal(
                        self.installation,
                        account,
                        Field::Access,
                        &grant.access,
                    )?),
                    match &grant.refresh {
                        Some(refresh) => Value::Text(seal.seal(
                            self.installation,
                            account,
                            Field::Refresh,
                            refresh,
                        )?),
                        None => Value::Null,
                    },
                    Value::Int(grant.expires_ms),
                    Value::Text(grant.api_base.clone()),
                    Value::Int(now_ms),
                ],
            ),
        ])
        .await?;
        Ok(())
    }

    /// `account`'s tokens; none when they have not signed in.
    ///
    /// # Errors
    ///
    /// `forbidden` when the stored tokens do not open with `seal` (the OAuth
    /// app's secret changed, the row was copied or damaged, or it was stored
    /// unsealed by an older version): they are deleted and the person's
    /// sessions end, so they sign in again.
    async fn tokens(&self, seal: &Seal, account: &str) -> Result<Option<Grant>, TaskError> {
        let rows = self
            .run(vec![statement(
                "SELECT access_token, refresh_token, access_expires_ms, api_base \
                 FROM _signin_tokens WHERE installation = ? AND account = ?",
                vec![self.inst(), Value::Text(account.into())],
            )])
            .await?;
        let Some(row) = rows.first().and_then(|r| r.rows.first()) else {
            return Ok(None);
        };
        let access = seal.open(
            self.installation,
            account,
            Field::Access,
            &text(row.first()),
        );
        let refresh = match row.get(1) {
            None | Some(Value::Null) => Some(None),
            Some(stored) => seal
                .open(
                    self.installation,
                    account,
                    Field::Refresh,
                    &text(Some(stored)),
                )
                .map(Some),
        };
        let (Some(access), Some(refresh)) = (access, refresh) else {
            self.forget(account).await?;
            return Err(refused(format!(
                "the stored sign-in of account {account:?} cannot be read (the OAuth app's secret changed, or the database was altered): sign in again (/auth/login)"
            )));
        };
        Ok(Some(Grant {
            access,
            refresh,
            expires_ms: int(row.get(2)).unwrap_or_default(),
            api_base: text(row.get(3)),
        }))
    }

    /// Ends every session of `account` and deletes their tokens.
    async fn forget(&self, account: &str) -> Result<(), TaskError> {
        self.run(vec![
            statement(
                "DELETE FROM _signin_sessions WHERE installation = ? AND account = ?",
                vec![self.inst(), Value::Text(account.into())],
            ),
            statement(
                "DELETE FROM _signin_tokens WHERE installation = ? AND account = ?",
                vec![self.inst(), Value::Text(account.into())],
            ),
        ])
        .await?;
        Ok(())
    }

    async fn put_session(&self, id: &str, session: &Session, now_ms: i64) -> Result<(), TaskError> {
        self.run(vec![
            statement(
                "DELETE FROM _signin_sessions WHERE installation = ? AND expires_ms <= ?",
                vec![self.inst(), Value::Int(now_ms)],
            ),
            statement(
                "INSERT INTO _signin_sessions (installation, id_sha256, account, display_name, csrf, \
                 created_ms, expires_ms) VALUES (?, ?, ?, ?, ?, ?, ?)",
                vec![
                    self.inst(),
                    Value::Text(digest(id)),
                    Value::Text(session.account.clone()),
                    Value::Text(session.display_name.clone()),
                    Value::Text(session.csrf.clone()),
                    Value::Int(now_ms),
                    Value::Int(session.expires_ms),
                ],
            ),
        ])
        .await?;
        Ok(())
    }

    /// The live session with cookie value `id` at `now_ms`; an expired one
    /// is deleted and is none.
    ///
    /// # Errors
    ///
    /// The database's.
    pub async fn session(&self, id: &str, now_ms: i64) -> Result<Option<Session>, TaskError> {
        if id.len() != 64 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Ok(None);
        }
        let key = Value::Text(digest(id));
        let rows = self
            .run(vec![statement(
                "SELECT account, display_name, csrf, expires_ms FROM _signin_sessions \
                 WHERE installation = ? AND id_sha256 = ?",
                vec![self.inst(), key.clone()],
            )])
            .await?;
        let Some(row) = rows.first().and_then(|r| r.rows.first()) else {
            return Ok(None);
        };
        let session = Session {
            account: text(row.first()),
            display_name: text(row.get(1)),
            csrf: text(row.get(2)),
            expires_ms: int(row.get(3)).unwrap_or_default(),
        };
        if session.expires_ms <= now_ms {
            self.run(vec![statement(
                "DELETE FROM _signin_sessions WHERE installation = ? AND id_sha256 = ?",
                vec![self.inst(), key],
            )])
            .await?;
            return Ok(None);
        }
        Ok(Some(session))
    }

    /// Ends the session with cookie value `id`.
    ///
    /// # Errors
    ///
    /// The database's.
    pub async fn end(&self, id: &str) -> Result<(), TaskError> {
        self.run(vec![statement(
            "DELETE FROM _signin_sessions WHERE installation = ? AND id_sha256 = ?",
            vec![self.inst(), Value::Text(digest(id))],
        )])
        .await?;
        Ok(())
    }
}

/// The value of cookie `name` in `headers`, if sent.
pub fn cookie<'h>(headers: &'h axum::http::HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// A `Set-Cookie` value: `HttpOnly`, `SameSite=Lax`, on `path`, for
/// `max_age` seconds (0: delete it), `Secure` when `secure`.
pub fn set_cookie(name: &str, value: &str, path: &str, max_age: u64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{name}={value}; Path={path}; Max-Age={max_age}; HttpOnly; SameSite=Lax{secure}")
}

#[cfg(test)]
mod tests;
