//! `worklog.update`: changes a worklog as the acting user, with
//! `PUT /rest/api/3/issue/{issue}/worklog/{id}`. Only the fields given change.

use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::estimate::{Estimate, EstimateRaw, For};
use super::{
    checked_attributes, insert_properties, time_spent, with_notify, write_worklog, TimeSpent,
    Worklog,
};
use crate::access::WorklogAction;
use crate::adf;
use crate::executor::Ctx;
use crate::input::{
    self, whole_number, Input, IssueRef, Started, Visibility, VisibilityRaw, WorklogId,
};
use crate::jira::JiraPath;
use crate::protocol::Method;
use crate::Error;
use worklogs_core::approval::State;
use worklogs_core::finance::Mirror;

/// The input of `worklog.update`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct UpdateRaw {
    issue: String,
    id: String,
    started: Option<String>,
    #[serde(default, deserialize_with = "whole_number")]
    seconds: Option<i64>,
    time_spent: Option<String>,
    comment: Option<String>,
    estimate: Option<EstimateRaw>,
    notify_users: Option<bool>,
    visibility: Option<VisibilityRaw>,
    attributes: Option<Map<String, Value>>,
}

/// `worklog.update`, validated: at least one of `started`, `seconds`, `comment`
/// `visibility` and `attributes`.
pub struct UpdateInput {
    issue: IssueRef,
    id: WorklogId,
    started: Option<Started>,
    time_spent: Option<TimeSpent>,
    comment: Option<String>,
    estimate: Option<Estimate>,
    notify_users: Option<bool>,
    visibility: Option<Visibility>,
    attributes: Option<Map<String, Value>>,
}

impl Input for UpdateInput {
    type Raw = UpdateRaw;

    fn validate(raw: UpdateRaw) -> Result<Self, Error> {
        let input = Self {
            issue: IssueRef::parse("issue", &raw.issue)?,
            id: WorklogId::parse("id", &raw.id)?,
            started: raw
                .started
                .map(|s| Started::parse("started", &s))
                .transpose()?,
            time_spent: time_spent(raw.seconds, raw.time_spent, false)?,
            comment: raw
                .comment
                .map(|c| input::comment("comment", c))
                .transpose()?,
            estimate: raw
                .estimate
                .map(|e| Estimate::validate(e, For::Update))
                .transpose()?,
            notify_users: raw.notify_users,
            visibility: raw
                .visibility
                .map(|v| Visibility::validate("visibility", v))
                .transpose()?,
            attributes: raw.attributes,
        };
        if input.started.is_none()
            && input.time_spent.is_none()
            && input.comment.is_none()
            && input.visibility.is_none()
            && input.attributes.is_none()
        {
            return Err(Error::invalid_input(
                "nothing to change: give at least one of the fields \"started\", \"seconds\", \"timeSpent\", \"comment\", \"visibility\", \"attributes\"",
            ));
        }
        Ok(input)
    }
}

/// Changes a worklog and returns it as Jira has it now.
///
/// # Errors
///
/// `forbidden` without an acting user or when Jira refuses (not the author and
/// no permission to edit all worklogs); `not-found` for an issue or worklog the
/// user may not see; Jira's other errors, mapped.
pub async fn update(ctx: &Ctx, input: UpdateInput) -> Result<Worklog, Error> {
    let user = ctx.acting_user()?.to_owned();
    let moved_to = input.started.as_ref().map(Started::millis);
    crate::access::lock::check_change(ctx, input.id.as_str(), &user, moved_to).await?;
    // Attributes given replace the whole set, so they are checked in full;
    // without them the worklog keeps its own (nothing is read).
    let (seconds, attributes) = futures::join!(
        async {
            match input.time_spent {
                Some(time_spent) => time_spent.resolve_rounded(ctx).await.map(Some),
                None => Ok(None),
            }
        },
        async {
            match input.attributes {
                Some(values) => checked_attributes(ctx, Some(values)).await.map(Some),
                None => Ok(None),
            }
        }
    );
    let (seconds, attributes) = (seconds?, attributes?);
    let path = JiraPath::api(&["issue", input.issue.as_str(), "worklog", input.id.as_str()]);
    let mut path = with_notify(path, input.notify_users);
    if let Some(estimate) = input.estimate {
        path = estimate.apply(path, For::Update);
    }
    let mut body = Map::new();
    if let Some(started) = input.started {
        body.insert("started".into(), json!(started.to_jira()));
    }
    if let Some(seconds) = seconds {
        body.insert("timeSpentSeconds".into(), json!(seconds));
    }
    if let Some(comment) = input.comment {
        // An empty comment clears it.
        body.insert("comment".into(), adf::from_plain_text(&comment));
    }
    if let Some(visibility) = input.visibility {
        body.insert("visibility".into(), visibility.to_jira());
    }
    // New attributes may change whether it is billable: the finance property
    // goes with them (the period is open: the lock refused a locked one).
    let mirror = attributes.as_ref().map(|a| Mirror {
        billable: a.billable,
        approval_state: State::Open,
        attributes_valid: true,
    });
    insert_properties(&mut body, attributes.and_then(|a| a.values), mirror);
    let target = (&input.issue, Some(&input.id));
    // With its properties, so the index keeps the worklog's attributes.
    let path = path.query("expand", "properties");
    write_worklog(
        ctx,
        Method::Put,
        &path,
        body,
        target,
        WorklogAction::Edit,
        mirror,
    )
    .await
}

#[cfg(test)]
mod tests {
    use crate::testing::{http, FakeHost};
    use serde_json::{json, Value};

    fn updated(request: &crate::protocol::JiraRequest) -> crate::protocol::HttpResponse {
        let sent: Value = serde_json::from_str(request.body.as_deref().unwrap()).unwrap();
        let mut worklog = json!({
            "id": "10100", "issueId": "10002",
            "author": {"accountId": "alice", "displayName": "Alice Andersen"},
            "started": "2026-11-24T08:30:00.000+0000", "timeSpentSeconds": 3600,
            "created": "2026-11-24T11:00:00.000+0000", "updated": "2026-11-24T12:00:00.000+0000",
        });
        for (k, v) in sent.as_object().unwrap() {
            worklog[k] = v.clone();
        }
        http(200, &worklog.to_string())
    }

    #[test]
    fn sends_only_what_changes() {
        let mut host = FakeHost::new(Some("carol")).on_jira(updated);
        let out = host
            .run(
                "worklog.update",
                json!({"issue": "ALPHA-2", "id": "10100", "seconds": 7200,
                       "estimate": {"adjust": "new", "newEstimateSeconds": 36000}}),
            )
            .unwrap();
        let request = host.jira_requests().remove(0);
        assert_eq!(request.method, "PUT");
        assert_eq!(
            request.path,
            "/rest/api/3/issue/ALPHA-2/worklog/10100?adjustEstimate=new&newEstimate=600m&expand=properties"
        );
        assert_eq!(
            request.body.as_deref(),
            Some(r#"{"timeSpentSeconds":7200}"#)
        );
        assert_eq!(out["timeSpentSeconds"], 7200);
        assert_eq!(out["updated"], "2026-11-24T12:00:00.000+00:00");
    }

    #[test]
    fn attributes_replace_the_set_and_are_checked_in_full() {
        let mut host = FakeHost::new(Some("alice")).on_jira(updated);
        super::super::log::tests::define_attributes(&mut host);
        let out = host
            .run(
                "worklog.update",
                json!({"issue": "ALPHA-2", "id": "10100", "attributes": {"work_type": "Dev", "hours": 2}}),
            )
            .unwrap();
        let request = host.jira_requests().remove(0);
        let sent: Value = serde_json::from_str(request.body.as_deref().unwrap()).unwrap();
        assert_eq!(
            sent,
            json!({"properties": [
                {"key": "worklogs.attributes", "value": {"work_type": "Dev", "hours": 2}},
                {"key": "worklogs.finance", "value":
                    {"billable": false, "approvalState": "open", "attributesValid": true}}]})
        );
        assert_eq!(out["attributes"], json!({"work_type": "Dev", "hours": 2}));
        // Without attributes nothing is read or sent about them.
        let mut host = FakeHost::new(Some("alice")).on_jira(updated);
        super::super::log::tests::define_attributes(&mut host);
        host.run(
            "worklog.update",
            json!({"issue": "ALPHA-2", "id": "10100", "seconds": 60}),
        )
        .unwrap();
        let request = host.jira_requests().remove(0);
        assert_eq!(request.body.as_deref(), Some(r#"{"timeSpentSeconds":60}"#));
        // A set without a required one is refused before any write.
        let mut host = FakeHost::new(Some("alice")).on_jira(updated);
        super::super::log::tests::define_attributes(&mut host);
        let e = host
            .run(
                "worklog.update",
                json!({"issue": "ALPHA-2", "id": "10100", "attributes": {"hours": 2}}),
            )
            .unwrap_err();
        assert_eq!(
            e.message(),
            r#"invalid input: field "attributes.work_type": "Work type" is required"#
        );
        assert!(host.jira_requests().is_empty());
    }

    #[test]
    fn time_spent_is_parsed_with_the_site_settings() {
        let mut host = FakeHost::new(Some("alice")).on_jira(|request| {
            if request.path == "/rest/api/3/configuration/timetracking/options" {
                http(403, "")
            } else {
                updated(request)
            }
        });
        let out = host
            .run(
                "worklog.update",
                json!({"issue": "ALPHA-2", "id": "10100", "timeSpent": "1d"}),
            )
            .unwrap();
        assert_eq!(out["timeSpentSeconds"], 28_800);
        let e = host
            .run(
                "worklog.update",
                json!({"issue": "ALPHA-2", "id": "10100", "timeSpent": "1h", "seconds": 60}),
            )
            .unwrap_err();
        assert!(e.message().contains("not both"), "{e}");
    }

    #[test]
    fn an_empty_comment_clears_it() {
        let mut host = FakeHost::new(Some("alice")).on_jira(updated);
        let out = host
            .run(
                "worklog.update",
                json!({"issue": "ALPHA-2", "id": "10100", "comment": ""}),
            )
            .unwrap();
        assert_eq!(out["comment"], "");
        let sent: Value =
            serde_json::from_str(host.jira_requests()[0].body.as_deref().unwrap()).unwrap();
        assert_eq!(
            sent["comment"],
            json!({"type": "doc", "version": 1, "content": []})
        );
    }

    /// A Jira where alice wrote worklog 10100 and `held` are the caller's
    /// (own, all) edit permissions.
    fn refusing(
        held: (bool, bool),
    ) -> impl FnMut(&crate::protocol::JiraRequest) -> crate::protocol::HttpResponse {
        move |request| {
            match (request.method.as_str(), request.path.as_str()) {
            (
                "GET",
                "/rest/api/3/mypermissions?issueKey=ALPHA-2&permissions=EDIT_OWN_WORKLOGS%2CEDIT_ALL_WORKLOGS",
            ) => http(
                200,
                &json!({"permissions": {
                    "EDIT_OWN_WORKLOGS": {"havePermission": held.0},
                    "EDIT_ALL_WORKLOGS": {"havePermission": held.1}}})
                .to_string(),
            ),
            ("GET", "/rest/api/3/issue/ALPHA-2/worklog/10100") => {
                http(200, r#"{"id":"10100","author":{"accountId":"alice"}}"#)
            }
            ("PUT", _) => http(
                400,
                r#"{"errorMessages":["You do not have the permission to update this worklog."],"errors":{}}"#,
            ),
            other => panic!("unexpected {other:?}"),
        }
        }
    }

    fn change(host: &mut FakeHost) -> crate::Error {
        host.run(
            "worklog.update",
            json!({"issue": "ALPHA-2", "id": "10100", "seconds": 60}),
        )
        .unwrap_err()
    }

    #[test]
    fn someone_elses_worklog_is_forbidden() {
        let mut host = FakeHost::new(Some("bob")).on_jira(refusing((true, false)));
        let e = change(&mut host);
        assert!(e.is_forbidden(), "{e}");
        assert!(
            e.message()
                .contains("EDIT_ALL_WORKLOGS, or EDIT_OWN_WORKLOGS for their own"),
            "{e}"
        );
        assert!(
            e.message()
                .ends_with("You do not have the permission to update this worklog."),
            "{e}"
        );
        // The permissions and the author are asked for together.
        let jira_batches: Vec<usize> = host
            .batches
            .iter()
            .map(|b| {
                b.iter()
                    .filter(|r| matches!(r.effect, crate::protocol::Effect::Jira(_)))
                    .count()
            })
            .filter(|&n| n > 0)
            .collect();
        assert_eq!(jira_batches, vec![1, 2]);
    }

    #[test]
    fn a_refusal_despite_the_permission_stays_invalid_input() {
        let mut own = FakeHost::new(Some("alice")).on_jira(refusing((true, false)));
        assert!(change(&mut own).is_invalid_input());
        let mut lead = FakeHost::new(Some("carol")).on_jira(refusing((false, true)));
        assert!(change(&mut lead).is_invalid_input());
        let mut none = FakeHost::new(Some("alice")).on_jira(refusing((false, false)));
        assert!(change(&mut none).is_forbidden());
    }

    #[test]
    fn a_failed_explanation_keeps_the_original_error() {
        let mut host = FakeHost::new(Some("bob")).on_jira(|request| {
            if request.method == "PUT" {
                http(400, r#"{"errorMessages":["no"]}"#)
            } else {
                http(503, "")
            }
        });
        let e = change(&mut host);
        assert!(e.is_invalid_input(), "{e}");
        assert!(e.message().ends_with(": no"), "{e}");
    }

    #[test]
    fn invalid_updates() {
        let mut host = FakeHost::new(Some("alice"));
        let table = [
            (
                json!({"issue": "ALPHA-2", "id": "10100"}),
                "nothing to change",
            ),
            (
                json!({"issue": "ALPHA-2", "id": "10100", "estimate": {"adjust": "leave"}}),
                "nothing to change",
            ),
            (
                json!({"issue": "ALPHA-2", "id": "abc", "seconds": 60}),
                "field \"id\"",
            ),
            (
                json!({"issue": "ALPHA-2", "id": 10100, "seconds": 60}),
                "field \"id\": invalid type",
            ),
            (
                json!({"issue": "ALPHA-2", "id": "10100", "seconds": 0}),
                "field \"seconds\"",
            ),
            (
                json!({"issue": "ALPHA-2", "id": "10100", "seconds": 60,
                    "estimate": {"adjust": "manual", "reduceBySeconds": 60}}),
                "field \"estimate.adjust\"",
            ),
            (
                json!({"issue": "ALPHA-2", "id": "10100", "started": "tomorrow"}),
                "field \"started\"",
            ),
        ];
        for (input, expected) in table {
            let e = host.run("worklog.update", input.clone()).unwrap_err();
            assert!(
                e.is_invalid_input() && e.message().contains(expected),
                "{input}: {e}"
            );
        }
        assert!(host.batches.is_empty());
    }
}
