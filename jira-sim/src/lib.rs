//! A Jira Cloud REST v3 simulator for Worklogs' tests, demos and benchmarks.
//!
//! It serves the subset of Jira's API the app uses (worklogs and their
//! properties, issues, users, projects, permissions, time tracking settings, the
//! worklog change feeds and JQL search) with the shapes, status codes and error
//! bodies of Atlassian's OpenAPI spec, and enforces Jira's permissions and
//! worklog visibility per caller. Its data is a [`World`]: the fixed demo site of
//! `docs/demo-world.md` plus a deterministic, seeded generator that scales to
//! millions of worklogs.
//!
//! Callers authenticate with `X-Sim-Account: <accountId or alias>`,
//! `X-Sim-Principal: app` (the Forge app acting `asApp`), or HTTP Basic auth with
//! an account's e-mail address. Routes under `/sim/` control the simulator:
//! fault injection, the clock, request statistics.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use jira_sim::{spawn, Fault, Sim, World};
//! let sim = Sim::new(World::demo(1));
//! sim.inject(Fault::status("/rest/api/3/issue/", 429).retry_after(1));
//! let handle = spawn(sim.clone(), "127.0.0.1:0".parse().unwrap()).await?;
//! println!("Jira at {}", handle.base_url);
//! # Ok(()) }
//! ```

mod api;
mod client;
mod duration;
mod error;
mod generate;
mod grants;
mod ids;
mod jql;
mod limits;
mod oauth;
mod render;
mod server;
mod state;
mod time_tracking;
mod world;

pub use client::{Caller, InProcess, Reply};
pub use error::JiraError;
pub use generate::{demo_app_setup, demo_attribute_definitions, GenOptions, DEMO_ADMIN};
pub use limits::{
    Bucket, Quota, RateLimits, WriteWindow, BURST, PER_ISSUE_WRITE, QUOTA_GLOBAL, QUOTA_TENANT,
};
pub use oauth::{s256, OAuthClient, CLOUD_ID};
pub use server::{jira_routes, spawn, SimHandle};
pub use state::{Fault, Sim};
pub use world::{IssueFacts, WorklogFacts, World};
