//! The demo: the Jira simulator, started in-process with a generated world.
//!
//! The simulator lists its people at `GET /sim/demo`; the host reads that listing
//! once to resolve aliases (`alice`) to account ids and to show who can act.

use serde::Deserialize;

use crate::Error;

/// A person of the demo world, as the simulator lists them.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Person {
    /// The short name used on the command line and in scenarios, such as `alice`.
    pub alias: String,
    /// The Atlassian account id.
    pub account_id: String,
    /// The name to show.
    pub display_name: String,
    /// The person's IANA time zone.
    pub time_zone: String,
}

#[derive(Deserialize)]
struct Listing {
    accounts: Vec<Person>,
}

/// The simulator running in this process, with its demo world.
pub struct Demo {
    sim: jira_sim::Sim,
    handle: jira_sim::SimHandle,
    people: Vec<Person>,
    client: reqwest::Client,
}

impl Demo {
    /// Starts the simulator with `jira_sim::World::demo(seed)` on a free loopback port.
    ///
    /// # Errors
    ///
    /// When no port can be bound or the simulator's listing cannot be read.
    pub async fn start(seed: u64) -> Result<Demo, Error> {
        let sim = jira_sim::Sim::new(jira_sim::World::demo(seed));
        let addr = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
        let handle = jira_sim::spawn(sim.clone(), addr)
            .await
            .map_err(|err| Error::io(format!("cannot start the Jira simulator: {err}")))?;
        let client = reqwest::Client::new();
        let people = read_people(&client, handle.base_url.trim_end_matches('/')).await?;
        Ok(Demo {
            sim,
            handle,
            people,
            client,
        })
    }

    /// The simulator's base URL, such as `http://127.0.0.1:4100`.
    pub fn base_url(&self) -> &str {
        self.handle.base_url.trim_end_matches('/')
    }

    /// The simulator itself, to inject faults or inspect its world.
    pub fn sim(&self) -> &jira_sim::Sim {
        &self.sim
    }

    /// The people of the demo world.
    pub fn people(&self) -> &[Person] {
        &self.people
    }

    /// The person with alias or account id `who`.
    pub fn person(&self, who: &str) -> Option<&Person> {
        self.people
            .iter()
            .find(|p| p.alias == who || p.account_id == who)
    }

    /// The account id of `who`: an alias is resolved, anything else is taken
    /// as an account id.
    pub fn account_id(&self, who: &str) -> String {
        resolve_alias(&self.people, who)
    }

    /// The simulator's listing of its world (`GET /sim/demo`), as JSON text.
    ///
    /// # Errors
    ///
    /// When the simulator cannot be reached.
    pub async fn listing(&self) -> Result<String, Error> {
        listing(&self.client, self.base_url()).await
    }
}

/// The listing of the simulator at `base_url` (`GET /sim/demo`), as JSON text.
async fn listing(client: &reqwest::Client, base_url: &str) -> Result<String, Error> {
    let url = format!("{base_url}/sim/demo");
    let fail = |err: reqwest::Error| Error::jira(format!("cannot read {url}: {err}"));
    client
        .get(&url)
        .send()
        .await
        .and_then(reqwest::Response::error_for_status)
        .map_err(fail)?
        .text()
        .await
        .map_err(fail)
}

/// The people of the simulator at `base_url`, in-process or not: aliases
/// resolve the same way with `--demo` and `--jira-sim`.
///
/// # Errors
///
/// When the simulator cannot be reached or its listing is not one.
pub async fn read_people(client: &reqwest::Client, base_url: &str) -> Result<Vec<Person>, Error> {
    let listing: Listing = serde_json::from_str(&listing(client, base_url).await?)
        .map_err(|err| Error::jira(format!("unexpected simulator listing: {err}")))?;
    Ok(listing.accounts)
}

/// An alias (`alice`) or account id: the account id. `people` is the
/// simulator's listing; anything it does not name is taken as an account id.
pub fn resolve_alias(people: &[Person], who: &str) -> String {
    people
        .iter()
        .find(|p| p.alias == who || p.account_id == who)
        .map_or_else(|| who.to_owned(), |p| p.account_id.clone())
}
