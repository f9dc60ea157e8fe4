//! `me`: who the acting user is, as Jira knows them.

use serde::{Deserialize, Serialize};

use super::NoInput;
use crate::executor::Ctx;
use crate::jira::{Call, JiraPath};
use crate::Error;

/// The acting user, as Jira's `GET /rest/api/3/myself` gives them.
#[derive(Serialize, Deserialize, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Me {
    account_id: String,
    display_name: String,
    /// Absent when the user's privacy settings hide it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    email_address: Option<String>,
    time_zone: String,
    locale: String,
}

/// Reads the acting user from Jira.
///
/// # Errors
///
/// `forbidden` without an acting user; Jira's errors, mapped.
pub async fn me(ctx: &Ctx, _: NoInput) -> Result<Me, Error> {
    ctx.acting_user()?;
    Call::get(JiraPath::api(&["myself"])).json(ctx).await
}

#[cfg(test)]
mod tests {
    use crate::testing::{http, FakeHost};
    use serde_json::json;

    #[test]
    fn reads_myself_as_the_user() {
        let mut host = FakeHost::new(Some("acc-alice")).on_jira(|request| {
            assert_eq!(request.path, "/rest/api/3/myself");
            http(
                200,
                r#"{"accountId":"acc-alice","displayName":"Alice Andersen","emailAddress":"alice@example.com",
                    "timeZone":"Europe/Berlin","locale":"en_US","active":true}"#,
            )
        });
        let out = host.run("me", json!({})).unwrap();
        assert_eq!(
            out,
            json!({"accountId": "acc-alice", "displayName": "Alice Andersen",
                   "emailAddress": "alice@example.com", "timeZone": "Europe/Berlin", "locale": "en_US"})
        );
        assert_eq!(host.batches.len(), 1);
    }

    #[test]
    fn hidden_email_is_left_out() {
        let mut host = FakeHost::new(Some("acc-bob")).on_jira(|_| {
            http(
                200,
                r#"{"accountId":"acc-bob","displayName":"Bob","timeZone":"UTC","locale":"en_US"}"#,
            )
        });
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
        let mut host = FakeHost::new(Some("acc-bob")).on_jira(|_| {
            http(
                200,
                r#"{"accountId":"acc-bob","displayName":"Bob","timeZone":"UTC","locale":"en_US"}"#,
            )
        });
        assert!(
            host.run_text("me", "").is_ok(),
            "an empty input reads as {{}}"
        );
    }
}
