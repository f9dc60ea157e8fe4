//! The local host as the CLI and the dev server run it: a [`Host`] wired to SQLite
//! and to a Jira site (the in-process simulator or a real Jira Cloud site), with
//! the rule for who the acting user is.
//!
//! With the simulator, the caller names the acting user (an account id or a demo
//! alias). With a real site, every request runs as the API token's owner, so the
//! acting user is that person whatever the caller says; the host asks the
//! component who that is once at start.

use std::path::PathBuf;
use std::sync::Arc;

use serde::Deserialize;

use crate::demo::{Demo, Person};
use crate::effects::Effects;
use crate::host::Host;
use crate::jira::Jira;
use crate::protocol::{EntryPoint, TaskError};
use crate::runtime::Runtime;
use crate::signin::{NewSession, Provider, SignIn, SignInConfig, Store};
use crate::sql::{Database, MySql, Sqlite};
use crate::Error;

/// The Jira site a local host talks to.
#[derive(Clone)]
pub enum JiraTarget {
    /// The simulator, started in-process with `World::demo(seed)`.
    Demo {
        /// The demo world's seed.
        seed: u64,
    },
    /// A simulator already running at `base_url` (`jira-sim --port …`), such as
    /// one holding a million worklogs for a benchmark. Its world outlives this
    /// host, so the app data in the data directory is kept between starts.
    Simulator {
        /// Such as `http://127.0.0.1:8081`.
        base_url: String,
    },
    /// A real Jira Cloud site, with an API token. Both principals use it.
    Cloud {
        /// Such as `https://yoursite.atlassian.net`.
        base_url: String,
        /// The token owner's e-mail address (`JIRA_EMAIL`).
        email: String,
        /// The API token (`JIRA_API_TOKEN`).
        token: String,
    },
}

/// The API token never reaches `Debug` output (nor logs that print it).
impl std::fmt::Debug for JiraTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            JiraTarget::Demo { seed } => f.debug_struct("Demo").field("seed", seed).finish(),
            JiraTarget::Simulator { base_url } => f
                .debug_struct("Simulator")
                .field("base_url", base_url)
                .finish(),
            JiraTarget::Cloud {
                base_url, email, ..
            } => f
                .debug_struct("Cloud")
                .field("base_url", base_url)
                .field("email", email)
                .field("token", &"<redacted>")
                .finish(),
        }
    }
}

/// How to start a local host.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where the SQLite database lives.
    pub data_dir: PathBuf,
    /// The installation id in every task's context (`local` for the demo).
    pub installation: String,
    /// The Jira site.
    pub jira: JiraTarget,
}

/// A running local host.
pub struct App {
    host: Host,
    demo: Option<Demo>,
    /// The simulator's people (in-process or not), to resolve aliases.
    people: Vec<Person>,
    token_owner: Option<String>,
    signin: Option<SignIn>,
}

/// The component's operation that answers the acting user as Jira knows them
/// (`{"accountId": …}`): with a real site, the API token's owner.
const WHO_AM_I: &str = "me";

impl App {
    /// Starts the simulator (for [`JiraTarget::Demo`]), opens the database, applies
    /// migrations and, for a real site, looks up the token's owner.
    ///
    /// # Errors
    ///
    /// When any of these fails.
    pub async fn start(runtime: Arc<Runtime>, config: Config) -> Result<App, Error> {
        Self::start_on(runtime, config, None).await
    }

    /// As [`App::start`], with the app data in the MySQL-compatible server at
    /// `database` (`mysql://user:password@host:port/database`) when given,
    /// instead of SQLite in the data directory.
    ///
    /// # Errors
    ///
    /// As [`App::start`]; when the server cannot be reached.
    pub async fn start_on(
        runtime: Arc<Runtime>,
        config: Config,
        database: Option<&str>,
    ) -> Result<App, Error> {
        Self::start_serving(runtime, config, database, None).await
    }

    /// As [`App::start_on`], with sign-in ([`crate::signin`]) when `sign_in`
    /// is given: every request with an acting user then runs as a signed-in
    /// person (or a personal access key's owner), with their own credential.
    /// With the in-process simulator and no client id, the host registers a
    /// client with the simulator's authorization server itself.
    ///
    /// # Errors
    ///
    /// As [`App::start_on`]; a sign-in configuration error.
    pub async fn start_serving(
        runtime: Arc<Runtime>,
        config: Config,
        database: Option<&str>,
        sign_in: Option<SignInOptions>,
    ) -> Result<App, Error> {
        let limits = runtime.limits().clone();
        let cloud = matches!(config.jira, JiraTarget::Cloud { .. });
        let (jira, demo) = match config.jira {
            JiraTarget::Demo { seed } => {
                let demo = Demo::start(seed).await?;
                (Jira::simulator(demo.base_url(), &limits)?, Some(demo))
            }
            JiraTarget::Simulator { base_url } => (Jira::simulator(&base_url, &limits)?, None),
            JiraTarget::Cloud {
                base_url,
                email,
                token,
            } => (Jira::cloud(&base_url, email, token, &limits)?, None),
        };
        let signin = match sign_in {
            Some(options) => Some(sign_in_for(options, demo.as_ref(), cloud, jira.base_url())?),
            None => None,
        };
        let people = match (&demo, cloud) {
            (Some(demo), _) => demo.people().to_vec(),
            (None, false) => {
                crate::demo::read_people(&reqwest::Client::new(), jira.base_url()).await?
            }
            (None, true) => Vec::new(),
        };
        // The simulator's world is made afresh on every start, so the demo's app data
        // must be too: otherwise it would describe worklogs that no longer exist.
        let database: Arc<dyn Database> = match database {
            Some(url) => Arc::new(MySql::connect(url, &limits)?),
            None => {
                let data_dir = match demo {
                    Some(_) => fresh_dir(&config.data_dir.join("demo"))?,
                    None => config.data_dir,
                };
                Arc::new(Sqlite::open(&data_dir, &limits)?)
            }
        };
        let effects = Effects::new(database, jira, limits);
        let host = Host::start(runtime, effects, config.installation).await?;
        if let Some(demo) = &demo {
            set_up_demo(&host, demo).await?;
        }
        let token_owner = match cloud {
            true => Some(token_owner(&host).await?),
            false => None,
        };
        Ok(App {
            host,
            demo,
            people,
            token_owner,
            signin,
        })
    }

    /// The host.
    pub fn host(&self) -> &Host {
        &self.host
    }

    /// The in-process simulator, when running the demo.
    pub fn demo(&self) -> Option<&Demo> {
        self.demo.as_ref()
    }

    /// The acting user's account id when the caller names `who` (an account id
    /// or, with the simulator, in-process or not, a demo alias; none for a task
    /// with no acting user). With a real site it is always the token's owner.
    ///
    /// With sign-in, the caller (the server) names the signed-in person or
    /// the key's owner, never the API token's owner.
    pub fn acting_user(&self, who: Option<&str>) -> Option<String> {
        match &self.token_owner {
            Some(owner) if self.signin.is_none() => Some(owner.clone()),
            _ => who.map(|who| crate::demo::resolve_alias(&self.people, who)),
        }
    }

    /// Sign-in, when this server has it.
    pub fn signin(&self) -> Option<&SignIn> {
        self.signin.as_ref()
    }

    /// Finishes a sign-in: exchanges `code` with the PKCE `verifier`, asks
    /// Jira who signed in (the component's `me`, with the new token) and
    /// opens their session.
    ///
    /// # Errors
    ///
    /// `not-found` without sign-in; as [`SignIn::exchange`]; the component's
    /// or the database's.
    pub async fn finish_sign_in(
        &self,
        code: &str,
        verifier: String,
    ) -> Result<NewSession, TaskError> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Me {
            account_id: String,
            #[serde(default)]
            display_name: String,
        }
        let signin = self.signin.as_ref().ok_or_else(|| {
            TaskError::new(
                crate::protocol::ErrorCode::NotFound,
                "this server has no sign-in",
            )
        })?;
        let now = crate::now_ms();
        let grant = signin.exchange(code, verifier, now).await?;
        // Who the token belongs to is not known yet: the context names no one
        // the simulator would recognise, and the token decides.
        let ctx = self
            .host
            .context(EntryPoint::Person, Some("signing-in".into()));
        let answer = self
            .host
            .run_as(&ctx, &grant.bearer()?, WHO_AM_I, "{}")
            .await?;
        let me: Me = serde_json::from_str(&answer).map_err(|err| {
            TaskError::upstream(format!("unexpected answer from {WHO_AM_I}: {err}"))
        })?;
        signin
            .open(
                &self.signin_store(),
                &grant,
                &me.account_id,
                &me.display_name,
                now,
            )
            .await
    }

    /// The sessions and the signed-in people's tokens.
    pub fn signin_store(&self) -> Store<'_> {
        Store::new(
            self.host.effects().database(),
            self.host.runtime().limits(),
            self.host.installation(),
        )
    }

    /// Runs `operation` with the JSON `input` for `who` (see
    /// [`App::acting_user`]), in `time_zone` and `locale` (defaults: UTC, en-US),
    /// started through `entry_point` (the HTTP server: a person; the command
    /// line: the operator).
    ///
    /// # Errors
    ///
    /// The operation's error, or a host error as [`Runtime::run`] describes.
    pub async fn call(
        &self,
        entry_point: EntryPoint,
        who: Option<&str>,
        time_zone: Option<&str>,
        locale: Option<&str>,
        operation: &str,
        input: &str,
    ) -> Result<String, TaskError> {
        let mut ctx = self.host.context(entry_point, self.acting_user(who));
        if let Some(zone) = time_zone {
            ctx.time_zone = zone.into();
        }
        if let Some(locale) = locale {
            ctx.locale = locale.into();
        }
        // With sign-in, a task with an acting user runs with that person's
        // own credential, or not at all.
        match (&self.signin, &ctx.account_id) {
            (Some(signin), Some(account)) => {
                let bearer = signin
                    .credential(&self.signin_store(), account, crate::now_ms())
                    .await?;
                self.host.run_as(&ctx, &bearer, operation, input).await
            }
            _ => self.host.run(&ctx, operation, input).await,
        }
    }
}

/// Sign-in as `options` say, to the site at `site`: Atlassian's
/// authorization server for a real site, the simulator's otherwise.
fn sign_in_for(
    options: SignInOptions,
    demo: Option<&Demo>,
    cloud: bool,
    site: &str,
) -> Result<SignIn, Error> {
    let provider = match cloud {
        true => Provider::Atlassian,
        false => Provider::Simulator {
            base: site.to_owned(),
        },
    };
    let (client_id, client_secret) = match (options.client_id, options.client_secret, demo) {
        (Some(id), Some(secret), _) => (id, secret),
        (None, None, Some(_)) => {
            // The demo registers its own app with the simulator.
            let mut bytes = [0u8; 16];
            getrandom::fill(&mut bytes)
                .map_err(|err| Error::io(format!("no random source for a secret: {err}")))?;
            let secret: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
            (DEMO_CLIENT_ID.to_owned(), secret)
        }
        _ => {
            return Err(Error::io(
                "sign-in needs the OAuth app's client id and secret: --oauth-client-id and \
                 WORKLOGS_OAUTH_CLIENT_SECRET (see docs/self-hosting.md)",
            ))
        }
    };
    if let Some(demo) = demo {
        demo.sim().register_oauth_client(jira_sim::OAuthClient {
            id: client_id.clone(),
            secret: client_secret.clone(),
            redirect_uri: format!("{}/auth/callback", options.public_url.trim_end_matches('/')),
            access_token_seconds: options.demo_token_seconds,
        });
    }
    SignIn::new(
        SignInConfig {
            client_id,
            client_secret,
            public_url: options.public_url,
            provider,
            session_seconds: options.session_seconds,
        },
        site,
    )
}

/// The client id the demo registers with its simulator when none is given.
pub const DEMO_CLIENT_ID: &str = "worklogs-demo";

/// Sign-in as the server's flags set it up.
#[derive(Clone)]
pub struct SignInOptions {
    /// The OAuth app's client id (the demo registers its own when none).
    pub client_id: Option<String>,
    /// The OAuth app's secret.
    pub client_secret: Option<String>,
    /// The address people open, without a trailing slash.
    pub public_url: String,
    /// How long a session lasts, seconds.
    pub session_seconds: u64,
    /// With the in-process simulator: how long its access tokens live, seconds.
    pub demo_token_seconds: u64,
}

/// The secret never reaches `Debug` output.
impl std::fmt::Debug for SignInOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignInOptions")
            .field("client_id", &self.client_id)
            .field("public_url", &self.public_url)
            .field("session_seconds", &self.session_seconds)
            .finish_non_exhaustive()
    }
}

/// Runs what a person does in the app when a demo starts
/// ([`jira_sim::demo_app_setup`]): the demo's app data starts afresh on every
/// start and must match its world.
async fn set_up_demo(host: &Host, demo: &Demo) -> Result<(), Error> {
    for (who, operation, input) in jira_sim::demo_app_setup() {
        let ctx = host.context(EntryPoint::Person, Some(demo.account_id(who)));
        host.run(&ctx, operation, &input.to_string())
            .await
            .map_err(|err| {
                Error::jira(format!(
                    "setting up the demo failed: {operation} answered {}: {}",
                    err.code.name(),
                    err.message
                ))
            })?;
    }
    Ok(())
}

/// The account id of the API token's owner, from the component's [`WHO_AM_I`]
/// operation: with a real site every request runs as the token's owner,
/// whoever the context names.
async fn token_owner(host: &Host) -> Result<String, Error> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Me {
        account_id: String,
    }
    let site = host.effects().jira().base_url().to_owned();
    let ctx = host.context(EntryPoint::Person, Some("api-token-owner".into()));
    let answer = host.run(&ctx, WHO_AM_I, "{}").await.map_err(|err| {
        Error::jira(format!(
            "cannot find the API token's owner on {site} ({WHO_AM_I} answered {}: {}): \
             check JIRA_EMAIL and JIRA_API_TOKEN",
            err.code.name(),
            err.message
        ))
    })?;
    serde_json::from_str::<Me>(&answer)
        .map(|me| me.account_id)
        .map_err(|err| {
            Error::jira(format!(
                "unexpected answer from {WHO_AM_I} on {site}: {err}"
            ))
        })
}

/// Empties (or creates) `dir` and returns it.
fn fresh_dir(dir: &std::path::Path) -> Result<PathBuf, Error> {
    match std::fs::remove_dir_all(dir) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(Error::io(format!("cannot clear {}: {e}", dir.display()))),
    }
    Ok(dir.to_path_buf())
}
