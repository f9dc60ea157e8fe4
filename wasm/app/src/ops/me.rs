//! `me`: who the acting user is, as Jira knows them.

use serde::{Deserialize, Serialize};

use super::NoInput;
use crate::access::require_cost_viewer;
use crate::executor::Ctx;
use crate::jira::{Call, JiraPath};
use crate::Error;

/// The acting user, as Jira's `GET /rest/api/3/myself` gives them.
#[derive(Serialize, Deserialize, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
struct Myself {
    account_id: String,
    display_name: String,
    /// Absent when the user's privacy settings hide it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    email_address: Option<String>,
    time_zone: String,
    locale: String,
}

/// The acting user, and what the UI offers them.
#[derive(Serialize, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Me {
    #[serde(flatten)]
    myself: Myself,
    /// Whether they may measure `cost` in `report.run` (the "see costs"
    /// grant, [`require_cost_viewer`]); false when that cannot be checked.
    /// The UI only offers cost when true; `report.run` checks it again.
    may_measure_cost: bool,
}

/// Reads the acting user from Jira, and whether they may see costs.
///
/// # Errors
///
/// `forbidden` without an acting user; Jira's errors, mapped.
pub async fn me(ctx: &Ctx, _: NoInput) -> Result<Me, Error> {
    ctx.acting_user()?;
    let call = Call::get(JiraPath::api(&["myself"]));
    let (myself, cost) = futures::join!(call.json::<Myself>(ctx), require_cost_viewer(ctx));
    Ok(Me {
        myself: myself?,
        may_measure_cost: cost.is_ok(),
    })
}

#[cfg(test)]
mod tests {
    use crate::protocol::{HttpResponse, JiraRequest};
    use crate::testing::{http, FakeHost};
    use serde_json::json;

    /// Jira answering `myself` with `body`, and `mypermissions` with whether
    /// the user administers Jira.
    fn jira(body: &'static str, admin: bool) -> impl FnMut(&JiraRequest) -> HttpResponse {
        move |request| {
            if request.path.starts_with("/rest/api/3/mypermissions") {
                http(
                    200,
                    &json!({"permissions": {"ADMINISTER": {"havePermission": admin}}}).to_string(),
                )
            } else {
                assert_eq!(request.path, "/rest/api/3/myself");
                http(200, body)
            }
        }
    }

    #[test]
    fn reads_myself_as_the_user() {
        let mut host = FakeHost::new(Some("acc-alice")).on_jira(jira(
            r#"{"accountId":"acc-alice","displayName":"Alice Andersen","emailAddress":"alice@example.com",
                "timeZone":"Europe/Berlin","locale":"en_US","active":true}"#,
            true,
        ));
        let out = host.run("me", json!({})).unwrap();
        assert_eq!(
            out,
            json!({"accountId": "acc-alice", "displayName": "Alice Andersen",
                   "emailAddress": "alice@example.com", "timeZone": "Europe/Berlin", "locale": "en_US",
                   "mayMeasureCost": true})
        );
        assert_eq!(
            host.batches.len(),
            1,
            "myself and the cost check in one batch"
        );
    }

    #[test]
    fn says_who_may_not_measure_cost() {
        // Not an administrator, and no "see costs" grant saved.
        let mut host = FakeHost::new(Some("acc-bob")).on_jira(jira(
            r#"{"accountId":"acc-bob","displayName":"Bob","timeZone":"UTC","locale":"en_US"}"#,
            false,
        ));
        let out = host.run("me", json!({})).unwrap();
        assert_eq!(out["mayMeasureCost"], json!(false), "{out}");
    }

    #[test]
    fn hidden_email_is_left_out() {
        let mut host = FakeHost::new(Some("acc-bob")).on_jira(jira(
            r#"{"accountId":"acc-bob","displayName":"Bob","timeZone":"UTC","locale":"en_US"}"#,
            false,
        ));
        let out = host.run("me", json!({})).unwrap();
        assert!(out.get("emailAddress").is_none());
    }

    #[test]
    fn needs_an_acting_user() {
        let mut host = FakeHost::new(None);
        assert!(host.run("me", json!({})).unwrap_err().is_forbidden());
        assert!(host.batches.is_empty());
    }

    #[test]
    fn rejects_input() {
        let mut host = FakeHost::new(Some("acc-alice"));
        let e = host.run("me", json!({"x": 1})).unwrap_err();
        assert!(
            e.is_invalid_input() && e.message().contains("unknown field `x`"),
            "{e}"
        );
        let mut host = FakeHost::new(Some("acc-bob")).on_jira(jira(
            r#"{"accountId":"acc-bob","displayName":"Bob","timeZone":"UTC","locale":"en_US"}"#,
            false,
        ));
        assert!(
            host.run_text("me", "").is_ok(),
            "an empty input reads as {{}}"
        );
    }
}
