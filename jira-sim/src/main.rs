//! `jira-sim`: the Jira Cloud simulator as a standalone server.
//!
//! ```text
//! jira-sim --port 8081 --seed 1                       # the demo site
//! jira-sim --port 8081 --worklogs 1000000 --users 1200 # a large site
//! jira-sim --rate-limits documented                  # under Jira Cloud's rate limits
//! jira-sim --oauth-client app:secret:http://127.0.0.1:8080/auth/callback  # OAuth sign-in
//! ```

use std::net::SocketAddr;
use std::time::Instant;

use clap::Parser;
use jira_sim::{spawn, GenOptions, OAuthClient, RateLimits, Sim, World};

/// Serve a simulated Jira Cloud site (REST v3) with deterministic demo data.
#[derive(Debug, Parser)]
#[command(name = "jira-sim", version)]
struct Args {
    /// Port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 8081)]
    port: u16,
    /// Address to bind.
    #[arg(long, default_value = "127.0.0.1")]
    bind: std::net::IpAddr,
    /// Seed for the generated data.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Generate exactly this many worklogs (default: a natural amount).
    #[arg(long)]
    worklogs: Option<usize>,
    /// Extra generated people (default: one per 800 requested worklogs).
    #[arg(long)]
    users: Option<usize>,
    /// Issues per project (default: the fixed ones plus a few).
    #[arg(long)]
    issues: Option<usize>,
    /// Months of worklog history before 2026-11-24.
    #[arg(long, default_value_t = 6)]
    months: u32,
    /// Apply Jira Cloud's rate limits: `documented` (the documented values:
    /// 65,000 points an hour, 100 requests a second per endpoint, 20 writes to
    /// an issue in 2 s and 100 in 30 s) or `off`. `/sim/ratelimits` changes them.
    #[arg(long, default_value = "off", value_parser = ["off", "documented"])]
    rate_limits: String,
    /// With `--rate-limits documented`: the quota's points an hour instead.
    #[arg(long)]
    quota_points: Option<u64>,
    /// Register an OAuth app with the authorization server (`/authorize`,
    /// `/oauth/token`): `CLIENT_ID:SECRET:CALLBACK_URL`. Repeatable.
    #[arg(long, value_name = "ID:SECRET:URL")]
    oauth_client: Vec<String>,
    /// How long the authorization server's access tokens live, seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 3600)]
    oauth_token_seconds: u64,
}

fn main() -> std::io::Result<()> {
    let args = Args::parse();
    let opts = GenOptions {
        extra_users: args
            .users
            .unwrap_or_else(|| args.worklogs.map_or(0, |n| n / 800)),
        worklogs: args.worklogs,
        issues_per_project: args.issues,
        months: args.months,
    };
    let started = Instant::now();
    let world = World::generate(args.seed, opts);
    eprintln!(
        "generated {} issues and {} worklogs in {:.2?}",
        world.issue_count(),
        world.worklog_count(),
        started.elapsed()
    );
    let summary = world.summary();
    let sim = Sim::new(world);
    if args.rate_limits == "documented" {
        let mut limits = RateLimits::documented();
        if let (Some(q), Some(points)) = (&mut limits.quota, args.quota_points) {
            q.points = points;
        }
        sim.set_rate_limits(Some(limits));
    }
    for client in &args.oauth_client {
        let mut parts = client.splitn(3, ':');
        let (Some(id), Some(secret), Some(redirect_uri)) =
            (parts.next(), parts.next(), parts.next())
        else {
            eprintln!("--oauth-client {client:?}: expected CLIENT_ID:SECRET:CALLBACK_URL");
            std::process::exit(2);
        };
        sim.register_oauth_client(OAuthClient {
            id: id.to_owned(),
            secret: secret.to_owned(),
            redirect_uri: redirect_uri.to_owned(),
            access_token_seconds: args.oauth_token_seconds,
        });
    }
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(run(sim, SocketAddr::new(args.bind, args.port), summary))
}

async fn run(sim: Sim, addr: SocketAddr, summary: serde_json::Value) -> std::io::Result<()> {
    let handle = spawn(sim, addr).await?;
    println!("jira-sim serving {}", handle.base_url);
    if let Some(accounts) = summary["accounts"].as_array() {
        for a in accounts.iter().take(6) {
            println!(
                "  {:<6} {:<16} {}",
                a["alias"].as_str().unwrap_or(""),
                a["displayName"].as_str().unwrap_or(""),
                a["accountId"].as_str().unwrap_or("")
            );
        }
    }
    println!("authenticate with the header 'X-Sim-Account: <alias or accountId>' or 'X-Sim-Principal: app'");
    tokio::signal::ctrl_c().await?;
    handle.shutdown().await;
    Ok(())
}
