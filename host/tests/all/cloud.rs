//! A real Jira site reached with an API token: every request runs as the
//! token's owner, whom the host asks the component for once at start. The
//! simulator stands in for the site (it takes HTTP Basic auth with an
//! account's e-mail address as the user name).

use crate::common;

use worklogs_host::{App, Config, JiraTarget};

/// The demo world's simulator on a free port, and alice's account id.
async fn site() -> (jira_sim::SimHandle, String) {
    let sim = jira_sim::Sim::new(jira_sim::World::demo(common::SEED));
    let alice = sim.with_world(|w| w.account_id("alice").map(str::to_owned));
    let handle = jira_sim::spawn(sim, ([127, 0, 0, 1], 0).into())
        .await
        .unwrap();
    (handle, alice.unwrap())
}

async fn start(
    base_url: &str,
    email: &str,
) -> (Result<App, worklogs_host::Error>, tempfile::TempDir) {
    let data = tempfile::tempdir().unwrap();
    let config = Config {
        data_dir: data.path().to_path_buf(),
        installation: "local".into(),
        jira: JiraTarget::Cloud {
            base_url: base_url.to_owned(),
            email: email.to_owned(),
            token: "any".into(),
        },
    };
    let app = App::start(common::runtime_with(Default::default()), config).await;
    (app, data)
}

#[tokio::test(flavor = "multi_thread")]
async fn the_acting_user_is_the_tokens_owner() {
    let (site, alice) = site().await;
    let (app, _data) = start(&site.base_url, "alice@example.com").await;
    let app = app.unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(app.acting_user(None).as_deref(), Some(alice.as_str()));
    assert_eq!(
        app.acting_user(Some("bob")).as_deref(),
        Some(alice.as_str())
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_token_the_site_refuses_is_a_start_error_naming_the_variables() {
    let (site, _) = site().await;
    let (app, _data) = start(&site.base_url, "nobody@example.com").await;
    let err = app.err().expect("the host does not start").to_string();
    assert!(err.contains(&site.base_url), "{err}");
    assert!(err.contains("check JIRA_EMAIL and JIRA_API_TOKEN"), "{err}");
}
