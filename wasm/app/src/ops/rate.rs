//! `rate.list` and `rate.save`: the site's hourly rates, stored as one settings
//! row (`rates`), validated by [`worklogs_core::money::RateTable`]. `report.run`
//! reads them for the `cost` measure ([`load`]).
//!
//! Who may read them: Jira administrators and the app. Team viewers may not:
//! rates are pay data; a report's `cost` shows only amounts over the time the
//! viewer may see, never the rates themselves.

use std::collections::BTreeSet;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::NoInput;
use crate::access::require_admin;
use crate::executor::Ctx;
use crate::input::{quote, Input};
use crate::jira::directory::{self, Person, Project};
use crate::store;
use crate::Error;
use worklogs_core::money::{Currency, Rate, RateScope, RateTable};
use worklogs_core::{Decimal, NaiveDate};

/// The settings row holding the rates, in the shape of `rate.list`.
pub const SETTING: &str = "rates";
/// The most rates a site may save.
pub const MAX_RATES: usize = 1000;
/// The largest hourly amount.
const MAX_HOURLY: i64 = 1_000_000_000;
/// The most digits after the decimal point of an hourly amount.
const MAX_DECIMALS: u32 = 6;
/// The longest account id, project id, attribute key or value.
const MAX_TEXT: usize = 255;
/// The most bytes of the stored row: MySQL's `TEXT` (Forge SQL) holds 65,535.
pub const MAX_STORED_BYTES: usize = store::MAX_BYTES;

/// `rate.save`'s input (and the stored row).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RatesRaw {
    rates: Vec<RateRaw>,
}

/// One rate as given.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RateRaw {
    scope: String,
    person: Option<String>,
    project: Option<String>,
    key: Option<String>,
    value: Option<String>,
    hourly: serde_json::Value,
    currency: String,
    effective_from: String,
}

/// The site's rates, validated.
#[derive(Clone, Debug, Default)]
pub struct Rates(RateTable);

impl Rates {
    /// The table, for the report engine.
    pub fn into_table(self) -> RateTable {
        self.0
    }

    /// True when no rate is saved.
    pub fn is_empty(&self) -> bool {
        self.0.rates().is_empty()
    }
}

fn text(field: &str, value: Option<String>, what: &str) -> Result<String, Error> {
    let value =
        value.ok_or_else(|| Error::invalid_field(field, format_args!("{what} is required")))?;
    let trimmed = value.trim();
    if trimmed.is_empty() || trimmed.len() > MAX_TEXT {
        return Err(Error::invalid_field(
            field,
            format_args!(
                "{}: expected {what} of 1 to {MAX_TEXT} characters",
                quote(&value)
            ),
        ));
    }
    Ok(trimmed.to_owned())
}

fn unused(prefix: &str, name: &str, value: &Option<String>, scope: &str) -> Result<(), Error> {
    match value {
        None => Ok(()),
        Some(v) => Err(Error::invalid_field(
            &format!("{prefix}.{name}"),
            format_args!("{}: not used by scope {}", quote(v), quote(scope)),
        )),
    }
}

fn scope_of(prefix: &str, raw: &mut RateRaw) -> Result<RateScope, Error> {
    let field = |name: &str| format!("{prefix}.{name}");
    let scope = raw.scope.clone();
    let (person, project, key, value) = (
        raw.person.take(),
        raw.project.take(),
        raw.key.take(),
        raw.value.take(),
    );
    let project_id = |value: Option<String>| -> Result<String, Error> {
        let id = text(&field("project"), value, "a jira project id")?;
        if id.bytes().all(|b| b.is_ascii_digit()) && id.len() <= 18 {
            Ok(id)
        } else {
            Err(Error::invalid_field(
                &field("project"),
                format_args!(
                    "{}: expected a jira project id (digits, such as 10000), not a key",
                    quote(&id)
                ),
            ))
        }
    };
    let found = match scope.as_str() {
        "default" => {
            unused(prefix, "person", &person, &scope)?;
            unused(prefix, "project", &project, &scope)?;
            RateScope::Default
        }
        "project" => {
            unused(prefix, "person", &person, &scope)?;
            RateScope::Project {
                project: project_id(project)?,
            }
        }
        "person" => {
            unused(prefix, "project", &project, &scope)?;
            RateScope::Person {
                person: text(&field("person"), person, "an account id")?,
            }
        }
        "personProject" => RateScope::PersonProject {
            person: text(&field("person"), person, "an account id")?,
            project: project_id(project)?,
        },
        "attribute" => {
            unused(prefix, "person", &person, &scope)?;
            unused(prefix, "project", &project, &scope)?;
            let scope = RateScope::Attribute {
                key: text(&field("key"), key, "an attribute key")?,
                value: text(&field("value"), value, "an attribute value")?,
            };
            return Ok(scope);
        }
        other => {
            return Err(Error::invalid_field(
                &field("scope"),
                format_args!(
                    "{}: expected default, project, person, personProject or attribute",
                    quote(other)
                ),
            ))
        }
    };
    unused(prefix, "key", &key, &scope)?;
    unused(prefix, "value", &value, &scope)?;
    Ok(found)
}

fn hourly_of(field: &str, value: &serde_json::Value) -> Result<Decimal, Error> {
    let text = match value {
        serde_json::Value::String(s) => s.trim().to_owned(),
        serde_json::Value::Number(n) => n.to_string(),
        other => {
            return Err(Error::invalid_field(
                field,
                format_args!("{other}: expected a decimal amount such as \"95.50\""),
            ))
        }
    };
    let amount = Decimal::from_str(&text).map_err(|_| {
        Error::invalid_field(
            field,
            format_args!(
                "{}: expected a decimal amount such as \"95.50\"",
                quote(&text)
            ),
        )
    })?;
    if amount.is_sign_negative() && !amount.is_zero() {
        return Err(Error::invalid_field(
            field,
            format_args!("{}: negative (expected zero or more)", quote(&text)),
        ));
    }
    if amount > Decimal::from(MAX_HOURLY) || amount.scale() > MAX_DECIMALS {
        return Err(Error::invalid_field(
            field,
            format_args!(
                "{}: expected at most {MAX_HOURLY} with at most {MAX_DECIMALS} decimals",
                quote(&text)
            ),
        ));
    }
    Ok(amount)
}

impl Input for Rates {
    type Raw = RatesRaw;

    fn validate(raw: RatesRaw) -> Result<Self, Error> {
        if raw.rates.len() > MAX_RATES {
            return Err(Error::invalid_field(
                "rates",
                format_args!("{} rates, more than {MAX_RATES}", raw.rates.len()),
            ));
        }
        let mut rates: Vec<Rate> = Vec::with_capacity(raw.rates.len());
        for (i, mut r) in raw.rates.into_iter().enumerate() {
            let prefix = format!("rates[{i}]");
            let scope = scope_of(&prefix, &mut r)?;
            let hourly = hourly_of(&format!("{prefix}.hourly"), &r.hourly)?;
            let currency = Currency::parse(&r.currency)
                .map_err(|e| Error::invalid_field(&format!("{prefix}.currency"), e.message()))?;
            let from = NaiveDate::parse_from_str(&r.effective_from, "%Y-%m-%d").map_err(|_| {
                Error::invalid_field(
                    &format!("{prefix}.effectiveFrom"),
                    format_args!(
                        "{} is not a date (expected yyyy-MM-dd)",
                        quote(&r.effective_from)
                    ),
                )
            })?;
            if let Some(j) = rates
                .iter()
                .position(|other| other.scope == scope && other.effective_from == from)
            {
                return Err(Error::invalid_field(
                    &format!("{prefix}.effectiveFrom"),
                    format_args!(
                        "{}: rates[{j}] has the same scope and date (one rate per scope and date)",
                        quote(&r.effective_from)
                    ),
                ));
            }
            let rate = Rate::new(scope, hourly, currency, from)
                .map_err(|e| Error::invalid_field(&format!("{prefix}.hourly"), e.message()))?;
            rates.push(rate);
        }
        let table =
            RateTable::new(rates).map_err(|e| Error::invalid_field("rates", e.message()))?;
        Ok(Self(table))
    }
}

/// One rate as answered (and stored).
#[derive(Serialize, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct RateOut {
    scope: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    person: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    project: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<String>,
    hourly: String,
    currency: String,
    effective_from: String,
}

/// `rate.save`'s output (and the stored row).
#[derive(Serialize, Debug)]
pub struct RatesOut {
    rates: Vec<RateOut>,
}

/// `rate.list`'s output: the rates, and the people and projects they name as
/// the caller may see them (ids Jira does not tell them about are left out).
#[derive(Serialize, Debug)]
pub struct RatesListOut {
    rates: Vec<RateOut>,
    people: Vec<Person>,
    projects: Vec<Project>,
}

impl Rates {
    fn to_out(&self) -> RatesOut {
        let rates = self
            .0
            .rates()
            .iter()
            .map(|r| {
                let (scope, person, project, key, value) = match &r.scope {
                    RateScope::Default => ("default", None, None, None, None),
                    RateScope::Project { project } => {
                        ("project", None, Some(project.clone()), None, None)
                    }
                    RateScope::Person { person } => {
                        ("person", Some(person.clone()), None, None, None)
                    }
                    RateScope::PersonProject { person, project } => (
                        "personProject",
                        Some(person.clone()),
                        Some(project.clone()),
                        None,
                        None,
                    ),
                    RateScope::Attribute { key, value } => (
                        "attribute",
                        None,
                        None,
                        Some(key.clone()),
                        Some(value.clone()),
                    ),
                };
                RateOut {
                    scope,
                    person,
                    project,
                    key,
                    value,
                    hourly: r.hourly.to_string(),
                    currency: r.currency.code().to_owned(),
                    effective_from: r.effective_from.to_string(),
                }
            })
            .collect();
        RatesOut { rates }
    }
}

/// The rates stored as the settings row [`SETTING`], in the shape of
/// `rate.list`.
impl store::Setting for Rates {
    const NAME: &'static str = SETTING;
    const WHAT: &'static str = "a valid list of rates";
    const MAX_BYTES: usize = MAX_STORED_BYTES;

    fn decode(text: &str) -> Result<Self, String> {
        crate::input::parse::<Rates>(text).map_err(|e| e.message().to_owned())
    }

    fn encode(&self) -> Result<String, String> {
        store::to_json(&self.to_out())
    }
}

/// The site's rates, most specific scope first, then by effective date, with
/// the names of the people and projects they name ([`directory`], asked
/// together, as the caller).
///
/// # Errors
///
/// `forbidden` for anyone but a Jira administrator or the app; as [`load`];
/// Jira's errors (but `forbidden`) while naming.
pub async fn list(ctx: &Ctx, _: NoInput) -> Result<RatesListOut, Error> {
    if ctx.acting_user().is_ok() {
        require_admin(ctx, "read the hourly rates").await?;
    }
    let rates = store::load::<Rates>(ctx).await?.to_out().rates;
    let people: Vec<String> = rates
        .iter()
        .filter_map(|r| r.person.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let projects: Vec<String> = rates
        .iter()
        .filter_map(|r| r.project.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let (people, projects) = futures::join!(
        async {
            if people.is_empty() {
                Ok(Vec::new())
            } else {
                directory::people_by_id(ctx, &people).await
            }
        },
        async {
            if projects.is_empty() {
                Ok(Vec::new())
            } else {
                directory::projects_by_id(ctx, &projects).await
            }
        }
    );
    Ok(RatesListOut {
        rates,
        people: people?,
        projects: projects?,
    })
}

/// Replaces the site's rates (Jira administrators only).
///
/// # Errors
///
/// `forbidden` for anyone but a Jira administrator; `invalid-input` naming
/// `rates` past [`MAX_STORED_BYTES`] stored; the database's errors.
pub async fn save(ctx: &Ctx, rates: Rates) -> Result<RatesOut, Error> {
    require_admin(ctx, "change the hourly rates").await?;
    let out = rates.to_out();
    let size = store::Setting::encode(&rates)
        .map_err(|e| Error::internal(format!("the rates could not be written: {e}")))?
        .len();
    if size > MAX_STORED_BYTES {
        return Err(Error::invalid_field(
            "rates",
            format_args!(
                "{} rates take {size} bytes once stored, more than {MAX_STORED_BYTES}: save fewer rates",
                out.rates.len(),
            ),
        ));
    }
    store::save(ctx, &rates).await?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use crate::protocol::Principal;
    use crate::testing::{http, query_param, FakeHost};
    use serde_json::json;

    use crate::testing::admin_answer as jira;

    /// Jira for an administrator: `mypermissions`, and names for `ann` and
    /// project 10000 (`zed` and project 99 are unknown).
    fn named(request: &crate::protocol::JiraRequest) -> crate::protocol::HttpResponse {
        let path = request.path.as_str();
        if path.starts_with("/rest/api/3/user/bulk?") {
            assert!(path.contains("accountId=ann"), "{path}");
            return http(
                200,
                &json!({"isLast": true, "values": [
                {"accountId": "ann", "displayName": "Ann Archer", "accountType": "atlassian"}]})
                .to_string(),
            );
        }
        if path.starts_with("/rest/api/3/project/search?") {
            assert_eq!(query_param(path, "id").as_deref(), Some("10000"), "{path}");
            return http(
                200,
                &json!({"isLast": true, "values": [
                {"id": "10000", "key": "ALPHA", "name": "Alpha"}]})
                .to_string(),
            );
        }
        jira(true)(request)
    }

    #[test]
    fn administrators_save_and_read_them() {
        let mut host = FakeHost::new(Some("admin")).on_jira(named);
        assert_eq!(
            host.run("rate.list", json!({})).unwrap(),
            json!({"rates": [], "people": [], "projects": []})
        );
        let rates = json!({"rates": [
            {"scope": "default", "hourly": "100", "currency": "eur", "effectiveFrom": "2026-01-01"},
            {"scope": "project", "project": "10000", "hourly": 80.5, "currency": "EUR", "effectiveFrom": "2026-11-24"},
            {"scope": "personProject", "person": "ann", "project": "10000", "hourly": "60.00", "currency": "USD", "effectiveFrom": "2026-11-24"},
            {"scope": "attribute", "key": "workType", "value": "consulting", "hourly": "150", "currency": "JPY", "effectiveFrom": "2026-01-01"},
            {"scope": "person", "person": "ann", "hourly": "50", "currency": "USD", "effectiveFrom": "2026-01-01"}
        ]});
        let out = host.run("rate.save", rates).unwrap();
        let expected = json!({"rates": [
            {"scope": "attribute", "key": "workType", "value": "consulting", "hourly": "150", "currency": "JPY", "effectiveFrom": "2026-01-01"},
            {"scope": "personProject", "person": "ann", "project": "10000", "hourly": "60.00", "currency": "USD", "effectiveFrom": "2026-11-24"},
            {"scope": "person", "person": "ann", "hourly": "50", "currency": "USD", "effectiveFrom": "2026-01-01"},
            {"scope": "project", "project": "10000", "hourly": "80.5", "currency": "EUR", "effectiveFrom": "2026-11-24"},
            {"scope": "default", "hourly": "100", "currency": "EUR", "effectiveFrom": "2026-01-01"}
        ]});
        assert_eq!(out, expected);
        let mut listed = expected.clone();
        listed["people"] = json!([{"accountId": "ann", "displayName": "Ann Archer"}]);
        listed["projects"] = json!([{"id": "10000", "key": "ALPHA", "name": "Alpha"}]);
        assert_eq!(host.run("rate.list", json!({})).unwrap(), listed);
        let asked = host.jira_requests();
        let names: Vec<_> = asked.iter().rev().take(2).collect();
        assert!(
            names.iter().all(|r| r.principal == Principal::User),
            "{names:?}"
        );
        // The app (no acting user) reads them, naming them as the app.
        host.act_as(None);
        let before = host.jira_requests().len();
        assert_eq!(host.run("rate.list", json!({})).unwrap(), listed);
        let asked = host.jira_requests();
        assert_eq!(asked.len() - before, 2, "user/bulk and project/search only");
        assert!(asked[before..]
            .iter()
            .all(|r| r.principal == Principal::App));
        // Saving an empty list clears them.
        host.act_as(Some("admin"));
        assert_eq!(
            host.run("rate.save", json!({"rates": []})).unwrap(),
            json!({"rates": []})
        );
    }

    #[test]
    fn unknown_or_hidden_names_are_left_out() {
        let mut host = FakeHost::new(Some("admin")).on_jira(|request| {
            let path = request.path.as_str();
            if path.starts_with("/rest/api/3/user/bulk?") {
                // A caller who may not browse users.
                return http(403, r#"{"errorMessages":["no"]}"#);
            }
            if path.starts_with("/rest/api/3/project/search?") {
                return http(200, r#"{"isLast": true, "values": []}"#);
            }
            jira(true)(request)
        });
        let rates = json!({"rates": [
            {"scope": "personProject", "person": "zed", "project": "99", "hourly": "1", "currency": "EUR", "effectiveFrom": "2026-01-01"}
        ]});
        host.run("rate.save", rates).unwrap();
        let out = host.run("rate.list", json!({})).unwrap();
        assert_eq!(
            (out["people"].clone(), out["projects"].clone()),
            (json!([]), json!([]))
        );
        assert_eq!(out["rates"][0]["person"], "zed");
    }

    #[test]
    fn others_may_neither_read_nor_save_them() {
        let mut host = FakeHost::new(Some("bob")).on_jira(jira(false));
        let rates = json!({"rates": [
            {"scope": "default", "hourly": "1", "currency": "EUR", "effectiveFrom": "2026-01-01"}
        ]});
        for (op, input) in [("rate.save", rates), ("rate.list", json!({}))] {
            let e = host.run(op, input).unwrap_err();
            assert!(e.is_forbidden(), "{op}: {e}");
            assert!(e.message().contains("ADMINISTER"), "{op}: {e}");
        }
        // Nothing was written: an administrator still reads none.
        let mut host = host.on_jira(jira(true));
        host.act_as(Some("admin"));
        assert_eq!(
            host.run("rate.list", json!({})).unwrap(),
            json!({"rates": [], "people": [], "projects": []})
        );
    }

    #[test]
    fn bad_rates_name_the_field_and_value() {
        let mut host = FakeHost::new(Some("admin"));
        let ok = json!({"scope": "default", "hourly": "1", "currency": "EUR", "effectiveFrom": "2026-01-01"});
        let with = |i: usize, bad: serde_json::Value| {
            let mut rates = vec![ok.clone(), ok.clone(), ok.clone()];
            rates[0]["effectiveFrom"] = json!("2025-01-01");
            rates[1]["effectiveFrom"] = json!("2025-06-01");
            rates[i] = bad;
            json!({ "rates": rates })
        };
        let table = [
            (
                with(
                    2,
                    json!({"scope": "default", "hourly": "1", "currency": "EURO", "effectiveFrom": "2026-01-01"}),
                ),
                r#"invalid input: field "rates[2].currency": invalid currency "EURO": expected a three-letter ISO 4217 code such as EUR"#,
            ),
            (
                with(
                    2,
                    json!({"scope": "default", "hourly": "-5", "currency": "EUR", "effectiveFrom": "2026-01-01"}),
                ),
                r#"invalid input: field "rates[2].hourly": "-5": negative (expected zero or more)"#,
            ),
            (
                with(
                    1,
                    json!({"scope": "default", "hourly": "ten", "currency": "EUR", "effectiveFrom": "2026-01-01"}),
                ),
                r#"invalid input: field "rates[1].hourly": "ten": expected a decimal amount such as "95.50""#,
            ),
            (
                with(
                    1,
                    json!({"scope": "default", "hourly": true, "currency": "EUR", "effectiveFrom": "2026-01-01"}),
                ),
                r#"invalid input: field "rates[1].hourly": true: expected a decimal amount such as "95.50""#,
            ),
            (
                with(
                    2,
                    json!({"scope": "default", "hourly": "1", "currency": "EUR", "effectiveFrom": "2026-02-30"}),
                ),
                r#"invalid input: field "rates[2].effectiveFrom": "2026-02-30" is not a date (expected yyyy-MM-dd)"#,
            ),
            (
                with(
                    2,
                    json!({"scope": "default", "hourly": "2", "currency": "USD", "effectiveFrom": "2025-06-01"}),
                ),
                r#"invalid input: field "rates[2].effectiveFrom": "2025-06-01": rates[1] has the same scope and date (one rate per scope and date)"#,
            ),
            (
                with(
                    0,
                    json!({"scope": "team", "hourly": "1", "currency": "EUR", "effectiveFrom": "2026-01-01"}),
                ),
                r#"invalid input: field "rates[0].scope": "team": expected default, project, person, personProject or attribute"#,
            ),
            (
                with(
                    0,
                    json!({"scope": "project", "project": "ALPHA", "hourly": "1", "currency": "EUR", "effectiveFrom": "2026-01-01"}),
                ),
                r#"invalid input: field "rates[0].project": "ALPHA": expected a jira project id (digits, such as 10000), not a key"#,
            ),
            (
                with(
                    0,
                    json!({"scope": "person", "hourly": "1", "currency": "EUR", "effectiveFrom": "2026-01-01"}),
                ),
                r#"invalid input: field "rates[0].person": an account id is required"#,
            ),
            (
                with(
                    0,
                    json!({"scope": "default", "person": "ann", "hourly": "1", "currency": "EUR", "effectiveFrom": "2026-01-01"}),
                ),
                r#"invalid input: field "rates[0].person": "ann": not used by scope "default""#,
            ),
            (
                with(
                    0,
                    json!({"scope": "attribute", "key": "workType", "value": " ", "hourly": "1", "currency": "EUR", "effectiveFrom": "2026-01-01"}),
                ),
                r#"invalid input: field "rates[0].value": " ": expected an attribute value of 1 to 255 characters"#,
            ),
            (
                with(
                    0,
                    json!({"scope": "default", "hourly": "1.1234567", "currency": "EUR", "effectiveFrom": "2026-01-01"}),
                ),
                r#"invalid input: field "rates[0].hourly": "1.1234567": expected at most 1000000000 with at most 6 decimals"#,
            ),
        ];
        for (input, message) in table {
            let e = host.run("rate.save", input).unwrap_err();
            assert_eq!(e.message(), message);
        }
        let e = host
            .run("rate.save", json!({"rates": [{"scope": "default"}]}))
            .unwrap_err();
        assert!(e.is_invalid_input(), "{e}");
        let many: Vec<_> = (0..1001).map(|_| ok.clone()).collect();
        let e = host.run("rate.save", json!({ "rates": many })).unwrap_err();
        assert!(e.message().contains("1001 rates, more than 1000"), "{e}");
        assert!(host.batches.is_empty());
        // 1000 rates of long account ids do not fit the settings row.
        let mut host = FakeHost::new(Some("admin")).on_jira(jira(true));
        let long: Vec<_> = (0..1000)
            .map(|i| {
                json!({"scope": "person", "person": format!("{i:0>100}"), "hourly": "1",
                            "currency": "EUR", "effectiveFrom": "2026-01-01"})
            })
            .collect();
        let e = host.run("rate.save", json!({ "rates": long })).unwrap_err();
        assert!(e.is_invalid_input(), "{e}");
        assert!(
            e.message()
                .starts_with("invalid input: field \"rates\": 1000 rates take "),
            "{e}"
        );
        assert!(
            e.message().ends_with("more than 65535: save fewer rates"),
            "{e}"
        );
    }
}
