//! `worklogs`: the local Worklogs host.
//!
//! Glue only: parse the flags, start the host, run the command. The logic lives
//! in the `worklogs_cli` library and the host in the `worklogs_host` library.
//!
//! Exit codes: 0 success; 1 the operation answered an error (`call`, `sync`,
//! `report`, `export`, `backup`, `restore`), a backup destination failed or a
//! flat file is malformed; 2 the command line is wrong;
//! 3 the host could not start or serve (component not built, database, Jira
//! unreachable, port taken).

use std::error::Error as StdError;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::{ArgGroup, Args, Parser, Subcommand};
use worklogs_cli::backup_command::{self, BackupFlags, RestoreFlags};
use worklogs_cli::destinations::{self, DestinationFlags};
use worklogs_cli::report_command::{self, DemoDataFlags, ExportFlags, ReportFlags};
use worklogs_cli::scheduled;
use worklogs_host::protocol::EntryPoint;
use worklogs_host::server::{example_curl, placeholder_page, router, serve, Guard};
use worklogs_host::{
    locate_component, App, Config, JiraTarget, Limits, Runtime, SignInOptions, COMPONENT_ENV,
};

type Result<T> = std::result::Result<T, Box<dyn StdError>>;

/// The local Worklogs host: runs the Worklogs component with SQLite and Jira.
#[derive(Parser)]
#[command(name = "worklogs", version, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API and the UI over HTTP on 127.0.0.1.
    Serve(ServeArgs),
    /// Run one operation and print its JSON result (exit code 1 on an error).
    Call(CallArgs),
    /// Bring the worklog index up to date with Jira (exit code 1 on an error).
    Sync(SyncArgs),
    /// Run a report, one row per group (keys, seconds, hours): over the index
    /// with --demo or --jira-url, or over a flat CSV file with --input.
    Report(ReportArgs),
    /// Export worklogs to CSV, JSON or XLSX: from the index with --demo or
    /// --jira-url, or convert a flat CSV file with --input.
    Export(ExportArgs),
    /// Write a generated flat export file (a realistic year of worklogs).
    DemoData(DemoDataFlags),
    /// Back up the app's data now to a directory and/or S3-compatible storage
    /// (exit code 1 when a destination failed; the others are written).
    Backup(BackupArgs),
    /// Restore the app's data from an archive: a dry run unless --yes.
    Restore(RestoreArgs),
}

/// Where the host's Jira, data and component come from.
#[derive(Args)]
#[command(group(ArgGroup::new("site").required(true).args(["demo", "jira_url", "jira_sim"])))]
struct Common {
    /// Use the built-in Jira simulator with a generated demo world.
    #[arg(long)]
    demo: bool,
    /// Use a real Jira Cloud site, with an API token from JIRA_EMAIL and
    /// JIRA_API_TOKEN; every request then runs as the token's owner.
    #[arg(long, value_name = "URL")]
    jira_url: Option<String>,
    /// Use a Jira simulator already running at URL (`jira-sim`), keeping the
    /// app data in --data between runs (for large worlds and benchmarks).
    #[arg(long, value_name = "URL")]
    jira_sim: Option<String>,
    /// The demo world's seed.
    #[arg(long, value_name = "S", default_value_t = 42)]
    seed: u64,
    /// The directory of the SQLite database.
    #[arg(long, value_name = "DIR", default_value = ".data")]
    data: PathBuf,
    /// Keep the app data in a MySQL-compatible server instead of SQLite. Prefer
    /// the environment variable: a password in a flag shows in the process list.
    #[arg(
        long,
        value_name = "mysql://USER:PASS@HOST:PORT/DB",
        env = "WORKLOGS_DATABASE_URL",
        hide_env_values = true
    )]
    database: Option<String>,
    /// The installation id in every task's context.
    #[arg(long, value_name = "ID", default_value = "local")]
    installation: String,
    /// The component file (default: found in cargo's target directory).
    #[arg(long, value_name = "FILE", env = COMPONENT_ENV)]
    component: Option<PathBuf>,
}

#[derive(Args)]
struct ServeArgs {
    #[command(flatten)]
    common: Common,
    /// The port on 127.0.0.1 (0 for any free port).
    #[arg(long, value_name = "N", default_value_t = 8080)]
    port: u16,
    /// The directory of the built UI.
    #[arg(long, value_name = "DIR", default_value = "ui/dist")]
    ui: PathBuf,
    /// Seconds between incremental syncs of the worklog index, as Forge's
    /// scheduled trigger runs them (0: no sync, not even the first import).
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    sync_every: u64,
    /// Where the daily scheduled backup is also written (then pruned by the
    /// retention); none: it stays in the app's own storage only.
    #[command(flatten)]
    backups: DestinationFlags,
    /// Seconds between scheduled backups (daily by default).
    #[arg(long, value_name = "SECONDS", default_value_t = scheduled::BACKUP_EVERY.as_secs(),
          value_parser = clap::value_parser!(u64).range(1..))]
    backup_every: u64,
    #[command(flatten)]
    sign_in: SignInFlags,
}

/// Sign-in for a team server (docs/self-hosting.md).
#[derive(Args)]
struct SignInFlags {
    /// Sign people in with their Atlassian account (OAuth 2.0 with PKCE):
    /// every request then runs as the signed-in person, with their own
    /// token. Without it, the server is one person's (the per-start token).
    #[arg(long, env = "WORKLOGS_SIGN_IN")]
    sign_in: bool,
    /// The OAuth app's client id (developer.atlassian.com). With --demo and
    /// none, the demo registers its own app with the simulator.
    #[arg(long, value_name = "ID", env = "WORKLOGS_OAUTH_CLIENT_ID")]
    oauth_client_id: Option<String>,
    /// The OAuth app's secret. Prefer the environment variable: a secret in a
    /// flag shows in the process list.
    #[arg(
        long,
        value_name = "SECRET",
        env = "WORKLOGS_OAUTH_CLIENT_SECRET",
        hide_env_values = true
    )]
    oauth_client_secret: Option<String>,
    /// The address people open, such as https://worklogs.example.com (a
    /// reverse proxy with TLS in front of this server). The OAuth callback is
    /// URL/auth/callback; cookies are Secure when it is https. Default: this
    /// server's loopback address.
    #[arg(long, value_name = "URL", env = "WORKLOGS_PUBLIC_URL")]
    public_url: Option<String>,
    /// How long a sign-in lasts, seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 8 * 3600)]
    session_seconds: u64,
    /// With --demo: how long the simulator's access tokens live, seconds
    /// (short, to see them refreshed).
    #[arg(long, value_name = "SECONDS", default_value_t = 3600)]
    demo_token_seconds: u64,
}

#[derive(Args)]
struct CallArgs {
    #[command(flatten)]
    common: Common,
    /// The acting user: an account id or a demo alias (none: a task with no
    /// acting user, as a trigger or a job runs).
    #[arg(long = "as", value_name = "ACCOUNT")]
    account: Option<String>,
    /// The acting user's IANA time zone.
    #[arg(long, value_name = "ZONE", default_value = worklogs_host::DEFAULT_TIME_ZONE)]
    time_zone: String,
    /// The acting user's locale.
    #[arg(long, value_name = "LOCALE", default_value = worklogs_host::DEFAULT_LOCALE)]
    locale: String,
    /// The operation to run.
    operation: String,
    /// Its input, as JSON.
    #[arg(default_value = "{}")]
    input: String,
}

#[derive(Args)]
struct SyncArgs {
    #[command(flatten)]
    common: Common,
    #[command(flatten)]
    sync: worklogs_cli::sync_command::SyncFlags,
}

#[derive(Args)]
struct ReportArgs {
    #[command(flatten)]
    common: Common,
    #[command(flatten)]
    report: ReportFlags,
}

#[derive(Args)]
struct BackupArgs {
    #[command(flatten)]
    common: Common,
    #[command(flatten)]
    backup: BackupFlags,
}

#[derive(Args)]
struct RestoreArgs {
    #[command(flatten)]
    common: Common,
    #[command(flatten)]
    restore: RestoreFlags,
}

#[derive(Args)]
struct ExportArgs {
    #[command(flatten)]
    common: Common,
    #[command(flatten)]
    export: ExportFlags,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = tokio::runtime::Runtime::new()
        .map_err(Into::into)
        .and_then(|runtime| runtime.block_on(run(cli)));
    outcome.unwrap_or_else(|err| {
        eprintln!("worklogs: {err}");
        ExitCode::from(3)
    })
}

async fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Serve(args) => serve_command(args).await,
        Command::Call(args) => call_command(args).await,
        Command::Sync(args) => sync_command(args).await,
        Command::Report(args) => report_command(args).await,
        Command::Export(args) => export_command(args).await,
        Command::Backup(args) => {
            let app = start_with(&args.common, job_limits(), None).await?;
            Ok(backup_command::backup(app.host(), &args.backup).await)
        }
        Command::Restore(args) => {
            let app = start_with(&args.common, job_limits(), None).await?;
            Ok(backup_command::restore(app.host(), &args.restore).await)
        }
        Command::DemoData(flags) => Ok(report_command::demo_data(&flags)
            .map_or_else(|failure| failure.report(), |()| ExitCode::SUCCESS)),
    }
}

/// `worklogs report`: over a flat file, or over the index.
async fn report_command(args: ReportArgs) -> Result<ExitCode> {
    let outcome = match &args.report.input {
        Some(input) => report_command::report_file(input, &args.report).map(|_| ()),
        None => {
            // A report over a whole site is a batch job: it gets a queue
            // consumer's budget, not a resolver's 25 s (docs/reports.md).
            let app = start_with(&args.common, job_limits(), None).await?;
            match report_command::sync_demo(&app).await {
                Ok(()) => report_command::report_index(&app, &args.report)
                    .await
                    .map(|_| ()),
                Err(failure) => Err(failure),
            }
        }
    };
    Ok(outcome.map_or_else(|failure| failure.report(), |()| ExitCode::SUCCESS))
}

/// `worklogs export`: converts a flat file, or exports from the index.
async fn export_command(args: ExportArgs) -> Result<ExitCode> {
    let outcome = match &args.export.input {
        Some(input) => report_command::export_file(input, &args.export).map(|_| ()),
        None => {
            let app = std::sync::Arc::new(start(&args.common).await?);
            match report_command::sync_demo(&app).await {
                Ok(()) => report_command::export_index(std::sync::Arc::clone(&app), &args.export)
                    .await
                    .map(|_| ()),
                Err(failure) => Err(failure),
            }
        }
    };
    Ok(outcome.map_or_else(|failure| failure.report(), |()| ExitCode::SUCCESS))
}

/// `worklogs serve`.
async fn serve_command(args: ServeArgs) -> Result<ExitCode> {
    let backup_to = destinations::configured(&args.backups)?;
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", args.port))
        .await
        .map_err(|err| format!("cannot listen on 127.0.0.1:{}: {err}", args.port))?;
    let port = listener.local_addr()?.port();
    let url = format!("http://127.0.0.1:{port}");
    let flags = &args.sign_in;
    let public_url = flags
        .public_url
        .as_deref()
        .unwrap_or(&url)
        .trim_end_matches('/')
        .to_owned();
    let sign_in = flags.sign_in.then(|| SignInOptions {
        client_id: flags.oauth_client_id.clone(),
        client_secret: flags.oauth_client_secret.clone(),
        public_url: public_url.clone(),
        session_seconds: flags.session_seconds,
        demo_token_seconds: flags.demo_token_seconds,
    });
    let signing_in = sign_in.is_some();
    let app = Arc::new(start_with(&args.common, Limits::default(), sign_in).await?);
    if args.sync_every > 0 && app.demo().is_some() {
        // The demo world is small: import it before serving, so that the first
        // report already counts every worklog. A real site's import runs in the
        // background (the scheduled jobs below), reports growing as it goes.
        if let Err(err) = worklogs_host::jobs::run(&app, scheduled::FIRST_IMPORT).await {
            eprintln!("the first import of the index failed: {}", err.message);
        }
    }
    let mut guard = Guard::new(port)?;
    if signing_in {
        guard = guard.with_public_url(&public_url)?;
    }
    let operations = app.host().runtime().operations().await?;
    let who = app
        .demo()
        .and_then(|demo| demo.people().first())
        .map(|p| p.alias.as_str());
    let example = example_curl(
        &url,
        who,
        operations.first().map_or("OPERATION", String::as_str),
    );

    if signing_in {
        println!("Worklogs is running at {url} for {public_url}, with sign-in");
        println!("(people sign in at {public_url}/auth/login; scripts use personal access keys on /odata/)");
    } else {
        println!("Worklogs is running at {url}/#token={}", guard.token());
        println!(
            "(open that address: the token is this start's key to the API; for scripts: export WORKLOGS_TOKEN={})",
            guard.token()
        );
    }
    match app.demo() {
        Some(demo) => {
            println!(
                "Jira: the simulator at {} (seed {})",
                demo.base_url(),
                args.common.seed
            );
            println!("Acting users (header X-Worklogs-Account: alias or account id):");
            for person in demo.people() {
                println!(
                    "  {:<8} {:<20} {:<22} {}",
                    person.alias, person.display_name, person.time_zone, person.account_id
                );
            }
        }
        None if args.common.jira_sim.is_some() => println!(
            "Jira: the simulator at {} (acting user: header X-Worklogs-Account)",
            app.host().effects().jira().base_url()
        ),
        None => println!(
            "Jira: {} (every request runs as the API token's owner)",
            app.host().effects().jira().base_url()
        ),
    }
    println!("Data: {}", args.common.data.display());
    println!("Operations: {}", operations.join(", "));
    println!("Try:\n  {example}");
    println!("Press Ctrl-C to stop.");

    let sync_every = (args.sync_every > 0).then(|| Duration::from_secs(args.sync_every));
    let backup_every = Duration::from_secs(args.backup_every);
    worklogs_host::jobs::spawn(
        Arc::clone(&app),
        scheduled::jobs(sync_every, backup_to.is_empty().then_some(backup_every)),
    );
    if !backup_to.is_empty() {
        let names: Vec<&str> = backup_to.iter().map(|d| d.name.as_str()).collect();
        println!("Daily backups to: {}", names.join(", "));
        scheduled::spawn_backups(Arc::clone(&app), backup_to, backup_every);
    }
    let router = router(Arc::clone(&app), guard, args.ui, placeholder_page(&example));
    serve(listener, router, async {
        let _ = tokio::signal::ctrl_c().await;
        println!("\nShutting down.");
    })
    .await?;
    Ok(ExitCode::SUCCESS)
}

/// `worklogs call`.
async fn call_command(args: CallArgs) -> Result<ExitCode> {
    let app = start(&args.common).await?;
    let result = app
        .call(
            EntryPoint::Operator,
            args.account.as_deref(),
            Some(&args.time_zone),
            Some(&args.locale),
            &args.operation,
            &args.input,
        )
        .await;
    match result {
        Ok(result) => {
            println!("{}", pretty(&result));
            Ok(ExitCode::SUCCESS)
        }
        Err(err) => {
            let error = serde_json::json!({
                "error": { "code": err.code.name(), "message": err.message }
            });
            eprintln!("{error:#}");
            Ok(ExitCode::from(1))
        }
    }
}

/// `worklogs sync`: runs as a queue consumer does on Forge, so its slices get
/// the consumer's 900 s budget.
async fn sync_command(args: SyncArgs) -> Result<ExitCode> {
    let app = start_with(&args.common, job_limits(), None).await?;
    Ok(worklogs_cli::sync_command::run(app.host(), &args.sync).await)
}

/// The limits of a job: Forge's queue consumer runs for up to 900 s.
fn job_limits() -> Limits {
    Limits {
        invocation_budget: Duration::from_secs(900),
        ..Limits::default()
    }
}

/// Compiles the component, then starts the host as the flags say.
async fn start(common: &Common) -> Result<App> {
    start_with(common, Limits::default(), None).await
}

/// [`start`] under `limits`, with sign-in when `sign_in` is given.
async fn start_with(
    common: &Common,
    limits: Limits,
    sign_in: Option<SignInOptions>,
) -> Result<App> {
    let component = locate_component(common.component.as_deref())?;
    let runtime = Arc::new(Runtime::load(&component, limits)?);
    let jira = match (&common.jira_url, &common.jira_sim) {
        (Some(base_url), _) => JiraTarget::Cloud {
            base_url: base_url.clone(),
            email: env("JIRA_EMAIL")?,
            token: env("JIRA_API_TOKEN")?,
        },
        (None, Some(base_url)) => JiraTarget::Simulator {
            base_url: base_url.clone(),
        },
        (None, None) => JiraTarget::Demo { seed: common.seed },
    };
    let config = Config {
        data_dir: common.data.clone(),
        installation: common.installation.clone(),
        jira,
    };
    Ok(App::start_serving(runtime, config, common.database.as_deref(), sign_in).await?)
}

fn env(name: &str) -> Result<String> {
    std::env::var(name).map_err(|_| {
        format!("{name} is not set (a real Jira site needs JIRA_EMAIL and JIRA_API_TOKEN)").into()
    })
}

/// `json` indented, or as it is when it is not JSON.
fn pretty(json: &str) -> String {
    serde_json::from_str::<serde_json::Value>(json)
        .ok()
        .and_then(|value| serde_json::to_string_pretty(&value).ok())
        .unwrap_or_else(|| json.to_owned())
}
