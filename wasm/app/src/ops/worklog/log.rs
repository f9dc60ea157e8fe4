//! `worklog.log`: logs work on an issue as the acting user, with
//! `POST /rest/api/3/issue/{issue}/worklog`.

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
use crate::input::{self, whole_number, Input, IssueRef, Started, Visibility, VisibilityRaw};
use crate::jira::JiraPath;
use crate::protocol::Method;
use crate::Error;
use worklogs_core::approval::State;
use worklogs_core::finance::Mirror;

/// The input of `worklog.log`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct LogRaw {
    issue: String,
    started: String,
    #[serde(default, deserialize_with = "whole_number")]
    seconds: Option<i64>,
    time_spent: Option<String>,
    comment: Option<String>,
    estimate: Option<EstimateRaw>,
    notify_users: Option<bool>,
    visibility: Option<VisibilityRaw>,
    attributes: Option<Map<String, Value>>,
}

/// `worklog.log`, validated.
pub struct LogInput {
    issue: IssueRef,
    started: Started,
    time_spent: TimeSpent,
    comment: Option<String>,
    estimate: Option<Estimate>,
    notify_users: Option<bool>,
    visibility: Option<Visibility>,
    attributes: Option<Map<String, Value>>,
}

impl Input for LogInput {
    type Raw = LogRaw;

    fn validate(raw: LogRaw) -> Result<Self, Error> {
        let issue = IssueRef::parse("issue", &raw.issue)?;
        let started = Started::parse("started", &raw.started)?;
        let Some(time_spent) = time_spent(raw.seconds, raw.time_spent, true)? else {
            return Err(Error::invalid_input(
                "field \"seconds\" or field \"timeSpent\" is required",
            ));
        };
        Ok(Self {
            issue,
            started,
            time_spent,
            comment: raw
                .comment
                .map(|c| input::comment("comment", c))
                .transpose()?,
            estimate: raw
                .estimate
                .map(|e| Estimate::validate(e, For::Log))
                .transpose()?,
            notify_users: raw.notify_users,
            visibility: raw
                .visibility
                .map(|v| Visibility::validate("visibility", v))
                .transpose()?,
            attributes: raw.attributes,
        })
    }
}

impl LogInput {
    /// A log of a timer's time: its issue, its first start, the seconds after
    /// the site's rule, its comment and attributes (checked again when logged).
    pub(crate) fn for_timer(
        issue: IssueRef,
        started: Started,
        seconds: i64,
        comment: String,
        attributes: Map<String, Value>,
    ) -> Self {
        Self {
            issue,
            started,
            time_spent: TimeSpent::Seconds(seconds),
            comment: Some(comment),
            estimate: None,
            notify_users: None,
            visibility: None,
            attributes: Some(attributes),
        }
    }
}

/// Logs work and returns the worklog Jira created.
///
/// # Errors
///
/// `forbidden` without an acting user or when Jira refuses (no permission to
/// work on the issue); `not-found` for an issue the user may not see; Jira's
/// other errors, mapped.
pub async fn log(ctx: &Ctx, input: LogInput) -> Result<Worklog, Error> {
    let user = ctx.acting_user()?.to_owned();
    // The settings (for a `timeSpent` text), the attribute definitions and
    // the approval lock, in one batch; all before anything is written.
    let (locked, seconds, attributes) = futures::join!(
        crate::access::lock::check_log(ctx, &user, input.started.millis()),
        input.time_spent.resolve_rounded(ctx),
        checked_attributes(ctx, input.attributes)
    );
    locked?;
    let seconds = seconds?;
    let checked = attributes?;
    // No empty property on a new worklog.
    let attributes = checked
        .values
        .filter(|a| a.as_object().is_some_and(|o| !o.is_empty()));
    // The finance property: the period is open (the lock refused a locked one).
    let mirror = Mirror {
        billable: checked.billable,
        approval_state: State::Open,
        attributes_valid: true,
    };
    let mut path = JiraPath::api(&["issue", input.issue.as_str(), "worklog"]);
    if attributes.is_some() {
        // With its properties, so the answer (and the index) has the attributes.
        path = path.query("expand", "properties");
    }
    let mut path = with_notify(path, input.notify_users);
    if let Some(estimate) = input.estimate {
        path = estimate.apply(path, For::Log);
    }
    let mut body = Map::new();
    body.insert("started".into(), json!(input.started.to_jira()));
    body.insert("timeSpentSeconds".into(), json!(seconds));
    if let Some(comment) = input.comment.filter(|c| !c.is_empty()) {
        body.insert("comment".into(), adf::from_plain_text(&comment));
    }
    if let Some(visibility) = input.visibility {
        body.insert("visibility".into(), visibility.to_jira());
    }
    insert_properties(&mut body, attributes, Some(mirror));
    let target = (&input.issue, None);
    write_worklog(
        ctx,
        Method::Post,
        &path,
        body,
        target,
        WorklogAction::Log,
        Some(mirror),
    )
    .await
}

#[cfg(test)]
pub(crate) mod tests {
    use crate::testing::{http, FakeHost};
    use serde_json::{json, Value};

    fn echo(request: &crate::protocol::JiraRequest) -> crate::protocol::HttpResponse {
        let sent: Value = serde_json::from_str(request.body.as_deref().unwrap()).unwrap();
        let mut created = json!({
            "id": "10100", "issueId": "10002",
            "author": {"accountId": "alice", "displayName": "Alice Andersen"},
            "created": "2026-11-24T11:00:00.000+0000", "updated": "2026-11-24T11:00:00.000+0000",
        });
        for (k, v) in sent.as_object().unwrap() {
            created[k] = v.clone();
        }
        http(201, &created.to_string())
    }

    #[test]
    fn logs_with_every_option() {
        let mut host = FakeHost::new(Some("alice")).on_jira(echo);
        let out = host
            .run(
                "worklog.log",
                json!({
                    "issue": "ALPHA-2", "started": "2026-11-24T09:30:00+01:00", "seconds": 5400,
                    "comment": "pairing\nwith bob", "notifyUsers": false,
                    "estimate": {"adjust": "manual", "reduceBySeconds": 3600},
                    "visibility": {"type": "role", "value": "Developers"}
                }),
            )
            .unwrap();
        let request = host.jira_requests().remove(0);
        assert_eq!(request.method, "POST");
        assert_eq!(
            request.path,
            "/rest/api/3/issue/ALPHA-2/worklog?notifyUsers=false&adjustEstimate=manual&reduceBy=60m"
        );
        let sent: Value = serde_json::from_str(request.body.as_deref().unwrap()).unwrap();
        assert_eq!(sent["started"], "2026-11-24T09:30:00.000+0100");
        assert_eq!(sent["timeSpentSeconds"], 5400);
        assert_eq!(sent["comment"]["content"].as_array().unwrap().len(), 2);
        assert_eq!(
            sent["visibility"],
            json!({"type": "role", "value": "Developers"})
        );
        assert_eq!(
            out,
            json!({
                "id": "10100", "issueId": "10002",
                "author": {"accountId": "alice", "displayName": "Alice Andersen"},
                "started": "2026-11-24T09:30:00.000+01:00", "timeSpentSeconds": 5400,
                "comment": "pairing\nwith bob",
                "visibility": {"type": "role", "value": "Developers"},
                "created": "2026-11-24T11:00:00.000+00:00", "updated": "2026-11-24T11:00:00.000+00:00"
            })
        );
    }

    /// A Jira where the acting user may not read the time tracking settings
    /// (so the stored copy or the defaults apply) and worklogs are echoed.
    fn echo_without_settings(
        request: &crate::protocol::JiraRequest,
    ) -> crate::protocol::HttpResponse {
        if request.path == "/rest/api/3/configuration/timetracking/options" {
            http(403, r#"{"errorMessages":["no"]}"#)
        } else {
            echo(request)
        }
    }

    #[test]
    fn time_spent_is_parsed_with_the_site_settings() {
        for (text, seconds) in [("1h 30m", 5400), ("1d", 28_800), ("90", 5400)] {
            let mut host = FakeHost::new(Some("alice")).on_jira(echo_without_settings);
            let out = host
                .run(
                    "worklog.log",
                    json!({"issue": "ALPHA-2", "started": "2026-11-24T09:30:00Z", "timeSpent": text}),
                )
                .unwrap();
            assert_eq!(out["timeSpentSeconds"], seconds, "{text}");
            let sent: Value =
                serde_json::from_str(host.jira_requests()[1].body.as_deref().unwrap()).unwrap();
            assert_eq!(sent["timeSpentSeconds"], seconds, "{text}");
        }
        // A stored copy with a 6-hour day makes 1d six hours.
        let mut host = FakeHost::new(Some("alice")).on_jira(echo_without_settings);
        host.exec(
            "INSERT INTO settings VALUES ('site-1', 'timetracking', \
             '{\"hoursPerDay\":6,\"daysPerWeek\":5,\"timeFormat\":\"pretty\",\"defaultUnit\":\"minute\"}', 0)",
        );
        let out = host
            .run(
                "worklog.log",
                json!({"issue": "ALPHA-2", "started": "2026-11-24T09:30:00Z", "timeSpent": "1d"}),
            )
            .unwrap();
        assert_eq!(out["timeSpentSeconds"], 21_600);
    }

    #[test]
    fn time_spent_over_a_week_is_refused_after_reading_the_settings() {
        let mut host = FakeHost::new(Some("alice")).on_jira(echo_without_settings);
        let e = host
            .run(
                "worklog.log",
                json!({"issue": "ALPHA-2", "started": "2026-11-24T09:30:00Z", "timeSpent": "5w"}),
            )
            .unwrap_err();
        assert_eq!(
            e.message(),
            r#"invalid input: field "timeSpent": "5w" is 720000 seconds, more than one week (604800 seconds)"#
        );
        // The settings were read, nothing was logged.
        assert!(host.jira_requests().iter().all(|r| r.method == "GET"));
    }

    /// Stores the site's attribute definitions: a required select and an
    /// optional boolean, number and text.
    pub(crate) fn define_attributes(host: &mut FakeHost) {
        host.exec(
            "INSERT INTO settings VALUES ('site-1', 'attributes', '[\
             {\"key\":\"work_type\",\"name\":\"Work type\",\"type\":\"select\",\"options\":[\"Dev\",\"Meeting\"],\"required\":true},\
             {\"key\":\"billable\",\"name\":\"Billable\",\"type\":\"boolean\",\"required\":false},\
             {\"key\":\"hours\",\"name\":\"Hours\",\"type\":\"number\",\"required\":false},\
             {\"key\":\"note\",\"name\":\"Note\",\"type\":\"text\",\"required\":false}]', 0)",
        );
    }

    #[test]
    fn attributes_are_written_as_the_worklog_property_in_one_request() {
        let mut host = FakeHost::new(Some("alice")).on_jira(echo);
        define_attributes(&mut host);
        let attributes =
            json!({"work_type": "Meeting", "billable": true, "hours": 1.5, "note": "x"});
        let out = host
            .run(
                "worklog.log",
                json!({"issue": "ALPHA-2", "started": "2026-11-24T09:30:00Z", "seconds": 60,
                       "attributes": attributes}),
            )
            .unwrap();
        // One write (the other requests are the index reading the issue).
        let requests: Vec<_> = host
            .jira_requests()
            .into_iter()
            .filter(|r| r.path.contains("/worklog"))
            .collect();
        assert_eq!(requests.len(), 1);
        assert_eq!(
            requests[0].path,
            "/rest/api/3/issue/ALPHA-2/worklog?expand=properties"
        );
        let sent: Value = serde_json::from_str(requests[0].body.as_deref().unwrap()).unwrap();
        // With the finance property: billable as the export counts it.
        assert_eq!(
            sent["properties"],
            json!([{"key": "worklogs.attributes", "value": attributes},
                   {"key": "worklogs.finance", "value":
                       {"billable": true, "approvalState": "open", "attributesValid": true}}])
        );
        assert_eq!(out["attributes"], attributes);
    }

    #[test]
    fn bad_attributes_name_the_field_and_value_before_any_write() {
        let table = [
            (
                json!({"work_type": "Lunch"}),
                r#"invalid input: field "attributes.work_type": "Lunch" is not allowed (expected one of Dev, Meeting)"#,
            ),
            (
                json!({"work_type": "Dev", "colour": "red"}),
                r#"invalid input: field "attributes.colour": no attribute "colour" is defined (known: work_type, billable, hours, note)"#,
            ),
            (
                json!({"work_type": "Dev", "billable": "yes"}),
                r#"invalid input: field "attributes.billable": "yes" is not allowed (expected true or false)"#,
            ),
            (
                json!({"work_type": "Dev", "hours": "2"}),
                r#"invalid input: field "attributes.hours": "2" is not allowed (expected a number)"#,
            ),
            (
                json!({"work_type": "Dev", "note": 5}),
                r#"invalid input: field "attributes.note": 5 is not allowed (expected text of at most 1000 characters)"#,
            ),
            (
                json!({"billable": true}),
                r#"invalid input: field "attributes.work_type": "Work type" is required"#,
            ),
        ];
        for (attributes, expected) in table {
            let mut host = FakeHost::new(Some("alice")).on_jira(echo);
            define_attributes(&mut host);
            let e = host
                .run(
                    "worklog.log",
                    json!({"issue": "ALPHA-2", "started": "2026-11-24T09:30:00Z", "seconds": 60,
                           "attributes": attributes}),
                )
                .unwrap_err();
            assert_eq!(e.message(), expected);
            assert!(host.jira_requests().is_empty(), "{expected}");
        }
        // Required ones are required when no attributes are given at all.
        let mut host = FakeHost::new(Some("alice")).on_jira(echo);
        define_attributes(&mut host);
        let e = host
            .run(
                "worklog.log",
                json!({"issue": "ALPHA-2", "started": "2026-11-24T09:30:00Z", "seconds": 60}),
            )
            .unwrap_err();
        assert_eq!(
            e.message(),
            r#"invalid input: field "attributes.work_type": "Work type" is required"#
        );
        assert!(host.jira_requests().is_empty());
    }

    #[test]
    fn without_definitions_no_attribute_property_is_sent() {
        let mut host = FakeHost::new(Some("alice")).on_jira(echo);
        let out = host
            .run(
                "worklog.log",
                json!({"issue": "ALPHA-2", "started": "2026-11-24T09:30:00Z", "seconds": 60,
                       "attributes": {}}),
            )
            .unwrap();
        let request = host.jira_requests().remove(0);
        assert_eq!(request.path, "/rest/api/3/issue/ALPHA-2/worklog");
        let sent: Value = serde_json::from_str(request.body.as_deref().unwrap()).unwrap();
        assert_eq!(
            sent["properties"],
            json!([{"key": "worklogs.finance", "value":
                       {"billable": false, "approvalState": "open", "attributesValid": true}}])
        );
        assert!(out.get("attributes").is_none());
        let e = host
            .run(
                "worklog.log",
                json!({"issue": "ALPHA-2", "started": "2026-11-24T09:30:00Z", "seconds": 60,
                       "attributes": {"billable": true}}),
            )
            .unwrap_err();
        assert!(
            e.message().starts_with(
                r#"invalid input: field "attributes.billable": no attribute "billable""#
            ),
            "{e}"
        );
    }

    #[test]
    fn minimal_log_sends_no_options() {
        let mut host = FakeHost::new(Some("alice")).on_jira(echo);
        host.run(
            "worklog.log",
            json!({"issue": "10002", "started": "2026-11-24T09:30:00.000+0000", "seconds": 60, "comment": ""}),
        )
        .unwrap();
        let request = host.jira_requests().remove(0);
        assert_eq!(request.path, "/rest/api/3/issue/10002/worklog");
        let sent: Value = serde_json::from_str(request.body.as_deref().unwrap()).unwrap();
        assert_eq!(
            sent,
            json!({"started": "2026-11-24T09:30:00.000+0000", "timeSpentSeconds": 60,
                   "properties": [{"key": "worklogs.finance", "value":
                       {"billable": false, "approvalState": "open", "attributesValid": true}}]})
        );
    }

    #[test]
    fn jira_refusals_map_to_codes() {
        let table = [
            (400, crate::ErrorCode::InvalidInput),
            (401, crate::ErrorCode::Forbidden),
            (403, crate::ErrorCode::Forbidden),
            (404, crate::ErrorCode::NotFound),
            (413, crate::ErrorCode::Limit),
            (429, crate::ErrorCode::Upstream),
            (500, crate::ErrorCode::Upstream),
        ];
        for (status, code) in table {
            let mut host = FakeHost::new(Some("erin"))
                .on_jira(move |_| http(status, r#"{"errorMessages":["no"]}"#));
            let e = host
                .run(
                    "worklog.log",
                    json!({"issue": "ALPHA-2", "started": "2026-11-24T09:30:00Z", "seconds": 60}),
                )
                .unwrap_err();
            assert_eq!(e.code(), code, "{status}: {e}");
            assert!(e.message().ends_with(": no"), "{e}");
        }
    }

    /// Jira's answer to a write the user may not make: 400, like bad input.
    fn no_permission(
        request: &crate::protocol::JiraRequest,
        held: bool,
    ) -> crate::protocol::HttpResponse {
        if request.path.starts_with("/rest/api/3/mypermissions") {
            assert_eq!(
                request.path,
                "/rest/api/3/mypermissions?issueKey=ALPHA-2&permissions=WORK_ON_ISSUES"
            );
            http(
                200,
                &json!({"permissions": {"WORK_ON_ISSUES": {"havePermission": held}}}).to_string(),
            )
        } else {
            http(
                400,
                r#"{"errorMessages":["Sie haben keine Berechtigung."],"errors":{}}"#,
            )
        }
    }

    #[test]
    fn a_refusal_without_the_permission_is_forbidden() {
        let mut host = FakeHost::new(Some("erin")).on_jira(|r| no_permission(r, false));
        let e = host
            .run(
                "worklog.log",
                json!({"issue": "ALPHA-2", "started": "2026-11-24T09:30:00Z", "seconds": 60}),
            )
            .unwrap_err();
        assert!(e.is_forbidden(), "{e}");
        assert!(
            e.message()
                .starts_with("you may not log work on ALPHA-2 (jira permission WORK_ON_ISSUES): "),
            "{e}"
        );
        assert!(
            e.message().ends_with("Sie haben keine Berechtigung."),
            "{e}"
        );
    }

    #[test]
    fn a_refusal_with_the_permission_stays_invalid_input() {
        let mut host = FakeHost::new(Some("alice")).on_jira(|r| no_permission(r, true));
        let e = host
            .run(
                "worklog.log",
                json!({"issue": "ALPHA-2", "started": "2026-11-24T09:30:00Z", "seconds": 60}),
            )
            .unwrap_err();
        assert!(e.is_invalid_input(), "{e}");
    }

    #[test]
    fn host_failures_keep_their_code() {
        let mut host = FakeHost::new(Some("alice"))
            .on_jira_outcome(|_| Err(crate::Error::limit("the invocation ran out of time")));
        let e = host
            .run(
                "worklog.log",
                json!({"issue": "ALPHA-2", "started": "2026-11-24T09:30:00Z", "seconds": 60}),
            )
            .unwrap_err();
        assert_eq!(e, crate::Error::limit("the invocation ran out of time"));
    }

    #[test]
    fn invalid_input_is_rejected_before_any_effect() {
        let base =
            json!({"issue": "ALPHA-2", "started": "2026-11-24T09:30:00+01:00", "seconds": 3600});
        let with = |key: &str, value: Value| {
            let mut input = base.clone();
            input[key] = value;
            input
        };
        let without = |key: &str| {
            let mut input = base.clone();
            input.as_object_mut().unwrap().remove(key);
            input
        };
        let table = [
            (with("issue", json!("alpha 2")), "field \"issue\""),
            (
                with("issue", json!("ALPHA-2/../../myself")),
                "field \"issue\"",
            ),
            (
                with("seconds", json!(0)),
                "field \"seconds\": 0 is not a positive",
            ),
            (
                with("seconds", json!(-5)),
                "field \"seconds\": -5 is not a positive number of seconds",
            ),
            (
                with("seconds", json!(604_801)),
                "field \"seconds\": 604801 is more than one week",
            ),
            (with("seconds", json!(1e12)), "field \"seconds\""),
            (
                with("seconds", json!("3600")),
                "field \"seconds\": invalid type: string \"3600\"",
            ),
            (
                with("seconds", json!(1.5)),
                "field \"seconds\": invalid type: floating point",
            ),
            (
                with("started", json!("2026-11-24 09:30")),
                "field \"started\"",
            ),
            (
                with("started", json!("2026-11-24T09:30:00")),
                "field \"started\"",
            ),
            (
                with("started", json!("2026-02-30T09:30:00Z")),
                "field \"started\"",
            ),
            (
                with("started", json!(1_764_000_000)),
                "field \"started\": invalid type",
            ),
            (
                with("comment", json!("x".repeat(32_768))),
                "field \"comment\"",
            ),
            (
                with("comment", json!(["x"])),
                "field \"comment\": invalid type",
            ),
            (
                with("notifyUsers", json!("no")),
                "field \"notifyUsers\": invalid type",
            ),
            (with("timeSpent", json!("1h")), "not both"),
            (
                with("visibility", json!({"type": "user", "value": "bob"})),
                "field \"visibility.type\"",
            ),
            (
                with("visibility", json!({"type": "group", "value": ""})),
                "field \"visibility.value\"",
            ),
            (
                with("visibility", json!({"type": "group"})),
                "missing field `value`",
            ),
            (
                with("estimate", json!({"adjust": "new"})),
                "field \"estimate.newEstimateSeconds\"",
            ),
            (
                with("estimate", json!({"adjust": "auto", "by": 1})),
                "unknown field `by`",
            ),
            (with("worklogId", json!("1")), "unknown field `worklogId`"),
            (
                without("seconds"),
                "field \"seconds\" or field \"timeSpent\" is required",
            ),
            (without("started"), "missing field `started`"),
            (without("issue"), "missing field `issue`"),
        ];
        let mut host = FakeHost::new(Some("alice"));
        for (input, expected) in table {
            let e = host.run("worklog.log", input.clone()).unwrap_err();
            assert!(e.is_invalid_input(), "{input}: {e}");
            assert!(e.message().contains(expected), "{input}: {e}");
        }
        let mut input = without("seconds");
        input["timeSpent"] = json!("3x");
        let e = host.run("worklog.log", input).unwrap_err();
        assert!(e.message().contains("at position 2"), "{e}");
        assert!(host.batches.is_empty());
    }
}
