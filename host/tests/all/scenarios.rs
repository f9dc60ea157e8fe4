//! Runs the cross-host scenarios (`tests/scenarios/*.json`, format in
//! `tests/scenarios/README.md`) on the wasmtime host against the in-process Jira
//! simulator: one fresh world and one empty database per scenario. Every failing
//! step is reported, with what was expected and what came back.
//!
//! `SCENARIO=text cargo test --release -p worklogs-host --test all -- scenarios::` runs only
//! the scenarios whose file name contains `text`; `SCENARIOS_DIR=dir` runs the
//! scenarios of another directory.
//!
//! Every step that succeeds is also checked against the operation contract
//! (`wit/operations.schema.json`): its input and its result ([`contract`]).

use crate::common;
#[path = "common/contract.rs"]
mod contract;

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;
use serde_json::{json, Value};
use worklogs_host::protocol::EntryPoint;
use worklogs_host::{App, Config, JiraTarget, Limits};

/// `2026-11-24T12:00:00Z`, the scenarios' default now.
const DEFAULT_NOW_MS: i64 = 1_795_521_600_000;
const DEFAULT_LOCALE: &str = "en-US";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Scenario {
    name: String,
    #[serde(default = "default_seed")]
    seed: u64,
    steps: Vec<Value>,
}

fn default_seed() -> u64 {
    42
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Step {
    #[serde(rename = "as", default)]
    who: Option<String>,
    /// How the step is started: `person`, `trigger`, `job`, `consumer` or
    /// `operator`; by default a person when `as` names one, else a job.
    #[serde(default)]
    via: Option<String>,
    operation: String,
    #[serde(default = "empty_object")]
    input: Value,
    #[serde(default)]
    context: Option<ContextOverrides>,
    #[serde(default)]
    expect: Option<Expect>,
    #[serde(default)]
    save: HashMap<String, String>,
}

fn empty_object() -> Value {
    json!({})
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct ContextOverrides {
    time_zone: Option<String>,
    locale: Option<String>,
    now_ms: Option<i64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "lowercase")]
enum Expect {
    Ok(Value),
    Error(ExpectedError),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpectedError {
    code: String,
    message: Option<String>,
}

fn scenario_files() -> Vec<PathBuf> {
    let dir = std::env::var_os("SCENARIOS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/scenarios"));
    let filter = std::env::var("SCENARIO").unwrap_or_default();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|err| panic!("cannot read {}: {err}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .filter(|path| {
            path.file_name()
                .unwrap()
                .to_string_lossy()
                .contains(&filter)
        })
        .collect();
    files.sort();
    files
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scenarios() {
    let files = scenario_files();
    let mut report = String::new();
    let mut failed = 0;
    for file in &files {
        let failures = run_file(file).await;
        if !failures.is_empty() {
            failed += 1;
            let name = file.file_name().unwrap().to_string_lossy();
            let _ = writeln!(report, "\n{name}:");
            for failure in failures {
                let _ = writeln!(report, "  {}", failure.replace('\n', "\n    "));
            }
        }
    }
    println!("{} scenarios, {failed} failed", files.len());
    assert!(
        failed == 0,
        "{failed} of {} scenarios failed:{report}",
        files.len()
    );
    contract_covered().await;
}

/// After every scenario ran: the contract's operations against the
/// component's ([`contract::summary`]).
async fn contract_covered() {
    let operations = common::runtime().operations().await.expect("operations()");
    let every_scenario_ran =
        std::env::var_os("SCENARIO").is_none() && std::env::var_os("SCENARIOS_DIR").is_none();
    let problems = contract::summary(&operations, every_scenario_ran);
    assert!(
        problems.is_empty(),
        "{}:\n  {}",
        contract::CONTRACT_PATH,
        problems.join("\n  ")
    );
}

/// Runs one scenario file and returns its failures.
async fn run_file(file: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(file).expect("a readable scenario");
    let scenario: Scenario = match serde_json::from_str(&text) {
        Ok(scenario) => scenario,
        Err(err) => return vec![format!("not a scenario: {err}")],
    };
    let data = tempfile::tempdir().unwrap();
    let config = Config {
        data_dir: data.path().to_path_buf(),
        installation: "local".into(),
        jira: JiraTarget::Demo {
            seed: scenario.seed,
        },
    };
    let runtime = common::runtime_with(Limits::default());
    let app = match App::start(Arc::clone(&runtime), config).await {
        Ok(app) => app,
        Err(err) => return vec![format!("{}: the host does not start: {err}", scenario.name)],
    };
    let mut run = Run {
        app: &app,
        saved: HashMap::new(),
        failures: Vec::new(),
    };
    for (index, step) in scenario.steps.iter().enumerate() {
        run.step(index + 1, step).await;
    }
    run.failures
        .into_iter()
        .map(|failure| format!("{}: {failure}", scenario.name))
        .collect()
}

struct Run<'a> {
    app: &'a App,
    saved: HashMap<String, String>,
    failures: Vec<String>,
}

impl Run<'_> {
    async fn step(&mut self, number: usize, step: &Value) {
        let step = match self.substitute(step) {
            Ok(step) => step,
            Err(err) => return self.failures.push(format!("step {number}: {err}")),
        };
        if let Some(fault) = step.get("fault") {
            if let Err(err) = self.fault(fault).await {
                self.failures.push(format!("step {number} (fault): {err}"));
            }
            return;
        }
        if let Some(change) = step.get("sim") {
            let result = match (change["path"].as_str(), change.get("body")) {
                (Some(path), Some(body)) if path.starts_with("/sim/") => {
                    self.sim_post(path, body).await
                }
                _ => Err("a sim step needs a \"path\" under /sim/ and a \"body\"".to_owned()),
            };
            if let Err(err) = result {
                self.failures.push(format!("step {number} (sim): {err}"));
            }
            return;
        }
        if let Some(call) = step.get("jira") {
            if let Err(err) = self.jira(call, step.get("save")).await {
                self.failures.push(format!("step {number} (jira): {err}"));
            }
            return;
        }
        if let Some(account) = step.get("account") {
            if let Err(err) = self.account(account).await {
                self.failures
                    .push(format!("step {number} (account): {err}"));
            }
            return;
        }
        let step: Step = match serde_json::from_value(step) {
            Ok(step) => step,
            Err(err) => {
                return self
                    .failures
                    .push(format!("step {number}: not a step: {err}"))
            }
        };
        let label = format!(
            "step {number} ({} as {})",
            step.operation,
            step.who.as_deref().unwrap_or("nobody")
        );
        let demo = self.app.demo().expect("scenarios run on the simulator");
        let person = step.who.as_deref().and_then(|who| demo.person(who));
        let host = self.app.host();
        let entry_point = match step.via.as_deref() {
            None if step.who.is_some() => EntryPoint::Person,
            None | Some("job") => EntryPoint::Job,
            Some("person") => EntryPoint::Person,
            Some("trigger") => EntryPoint::Trigger,
            Some("consumer") => EntryPoint::Consumer,
            Some("operator") => EntryPoint::Operator,
            Some(other) => {
                return self
                    .failures
                    .push(format!("step {number}: unknown \"via\": {other:?}"))
            }
        };
        let mut ctx = host.context(
            entry_point,
            step.who.as_deref().map(|who| demo.account_id(who)),
        );
        let overrides = step.context.as_ref();
        ctx.time_zone = overrides
            .and_then(|o| o.time_zone.clone())
            .or_else(|| person.map(|p| p.time_zone.clone()))
            .unwrap_or_else(|| "UTC".into());
        ctx.locale = overrides
            .and_then(|o| o.locale.clone())
            .unwrap_or_else(|| DEFAULT_LOCALE.into());
        ctx.now_ms = overrides.and_then(|o| o.now_ms).unwrap_or(DEFAULT_NOW_MS);

        let result = host
            .run(&ctx, &step.operation, &step.input.to_string())
            .await;
        let actual = match &result {
            Ok(text) => match serde_json::from_str::<Value>(text) {
                Ok(value) => Ok(value),
                Err(err) => {
                    let failure = format!("{label}: the result is not JSON ({err}): {text}");
                    return self.failures.push(failure);
                }
            },
            Err(err) => Err(err),
        };
        if let Ok(value) = &actual {
            for problem in contract::check(&step.operation, &step.input, value) {
                self.failures.push(format!("{label}: {problem}"));
            }
        }
        if let Some(expect) = &step.expect {
            let mismatches = match (expect, &actual) {
                (Expect::Ok(expected), Ok(value)) => {
                    let mut out = Vec::new();
                    contains(expected, value, "", &mut out);
                    out
                }
                (Expect::Error(expected), Err(err)) => {
                    let mut out = Vec::new();
                    if err.code.name() != expected.code {
                        out.push(format!(
                            "code {:?}, expected {:?}",
                            err.code.name(),
                            expected.code
                        ));
                    }
                    if let Some(part) = &expected.message {
                        if !err.message.contains(part.as_str()) {
                            out.push(format!("the message does not contain {part:?}"));
                        }
                    }
                    out
                }
                (Expect::Ok(_), Err(_)) => vec!["an error, expected ok".into()],
                (Expect::Error(_), Ok(_)) => vec!["ok, expected an error".into()],
            };
            if !mismatches.is_empty() {
                let expected = match expect {
                    Expect::Ok(value) => json!({ "ok": value }),
                    Expect::Error(e) => {
                        json!({ "error": { "code": e.code, "message": e.message } })
                    }
                };
                let actual = match &actual {
                    Ok(value) => json!({ "ok": value }),
                    Err(e) => json!({ "error": { "code": e.code.name(), "message": e.message } }),
                };
                self.failures.push(format!(
                    "{label}: {}\nexpected: {}\nactual:   {}",
                    mismatches.join("; "),
                    expected,
                    abbreviate(&actual.to_string())
                ));
            }
        }
        for (name, pointer) in &step.save {
            match actual
                .as_ref()
                .ok()
                .and_then(|value| value.pointer(pointer))
            {
                Some(Value::String(text)) => {
                    self.saved.insert(name.clone(), text.clone());
                }
                Some(value) => {
                    self.saved.insert(name.clone(), value.to_string());
                }
                None => self.failures.push(format!(
                    "{label}: cannot save {name:?}: nothing at {pointer:?}"
                )),
            }
        }
    }

    /// Configures the simulator with a `fault` step, through its HTTP API.
    async fn fault(&self, fault: &Value) -> Result<(), String> {
        self.sim_post("/sim/faults", fault).await
    }

    /// An `account` step: `{"who": alias, "status": "closed" | "updated" |
    /// "active"}`, what Atlassian's personal data API reports on the account.
    async fn account(&self, account: &Value) -> Result<(), String> {
        let who = account["who"]
            .as_str()
            .ok_or("an account step needs \"who\"")?;
        let body = json!({ "status": account["status"] });
        self.sim_post(&format!("/sim/accounts/{who}"), &body).await
    }

    /// Posts `body` to one of the simulator's `/sim/` routes.
    /// Calls Jira's REST API on the simulator as a person, past the app (an
    /// edit in Jira's own UI, automation or mobile): `{as, method, path,
    /// body?}`; a 2xx answer is required, and `save` takes from it.
    async fn jira(&mut self, call: &Value, save: Option<&Value>) -> Result<(), String> {
        let demo = self.app.demo().expect("scenarios run on the simulator");
        let (Some(who), Some(method), Some(path)) = (
            call["as"].as_str(),
            call["method"].as_str(),
            call["path"].as_str(),
        ) else {
            return Err("a jira step needs \"as\", \"method\" and \"path\"".to_owned());
        };
        let method = reqwest::Method::from_bytes(method.as_bytes()).map_err(|e| e.to_string())?;
        let mut request = reqwest::Client::new()
            .request(method, format!("{}{path}", demo.base_url()))
            .header("X-Sim-Account", demo.account_id(who));
        if let Some(body) = call.get("body") {
            request = request.json(body);
        }
        let response = request.send().await.map_err(|err| err.to_string())?;
        let status = response.status();
        let text = response.text().await.unwrap_or_default();
        if !status.is_success() {
            return Err(format!("the simulator answered {status}: {text}"));
        }
        let answer: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        for (name, pointer) in save.and_then(Value::as_object).into_iter().flatten() {
            let found = pointer.as_str().and_then(|p| answer.pointer(p));
            match found {
                Some(Value::String(text)) => {
                    self.saved.insert(name.clone(), text.clone());
                }
                Some(value) => {
                    self.saved.insert(name.clone(), value.to_string());
                }
                None => return Err(format!("cannot save {name:?}: nothing at {pointer}")),
            }
        }
        Ok(())
    }

    async fn sim_post(&self, path: &str, body: &Value) -> Result<(), String> {
        let demo = self.app.demo().expect("scenarios run on the simulator");
        let response = reqwest::Client::new()
            .post(format!("{}{path}", demo.base_url()))
            .json(body)
            .send()
            .await
            .map_err(|err| err.to_string())?;
        if response.status().is_success() {
            Ok(())
        } else {
            let status = response.status();
            Err(format!(
                "the simulator answered {status}: {}",
                response.text().await.unwrap_or_default()
            ))
        }
    }

    /// `step` with `${name}` and `${alias:NAME}` replaced in every string.
    fn substitute(&self, step: &Value) -> Result<Value, String> {
        Ok(match step {
            Value::String(text) => Value::String(self.substitute_text(text)?),
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .map(|item| self.substitute(item))
                    .collect::<Result<_, _>>()?,
            ),
            Value::Object(fields) => Value::Object(
                fields
                    .iter()
                    .map(|(key, value)| Ok((key.clone(), self.substitute(value)?)))
                    .collect::<Result<_, String>>()?,
            ),
            other => other.clone(),
        })
    }

    fn substitute_text(&self, text: &str) -> Result<String, String> {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let end = after
                .find('}')
                .ok_or_else(|| format!("unclosed ${{ in {text:?}"))?;
            let name = &after[..end];
            let value = match name.strip_prefix("alias:") {
                Some(alias) => {
                    let demo = self.app.demo().expect("scenarios run on the simulator");
                    demo.person(alias)
                        .map(|p| p.account_id.clone())
                        .ok_or_else(|| format!("unknown alias {alias:?}"))?
                }
                None => self
                    .saved
                    .get(name)
                    .cloned()
                    .ok_or_else(|| format!("nothing saved as {name:?}"))?,
            };
            out.push_str(&value);
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }
}

/// Whether `actual` contains `expected` as the scenario format says: objects key
/// by key (extra keys allowed), arrays element by element with the same length,
/// `"*"` any present value, other values equal (numbers by value). Each mismatch
/// is pushed to `out` with its JSON pointer.
fn contains(expected: &Value, actual: &Value, at: &str, out: &mut Vec<String>) {
    let here = if at.is_empty() { "/" } else { at };
    match (expected, actual) {
        (Value::String(star), _) if star == "*" => {}
        (Value::Object(expected), Value::Object(actual)) => {
            for (key, value) in expected {
                let path = format!("{at}/{}", key.replace('~', "~0").replace('/', "~1"));
                match actual.get(key) {
                    Some(found) => contains(value, found, &path, out),
                    None => out.push(format!("{path}: missing")),
                }
            }
        }
        (Value::Array(expected), Value::Array(actual)) => {
            if expected.len() != actual.len() {
                out.push(format!(
                    "{here}: {} elements, expected {}",
                    actual.len(),
                    expected.len()
                ));
            } else {
                for (index, (e, a)) in expected.iter().zip(actual).enumerate() {
                    contains(e, a, &format!("{at}/{index}"), out);
                }
            }
        }
        (Value::Number(e), Value::Number(a)) => {
            let equal = match (e.as_i64(), a.as_i64()) {
                (Some(e), Some(a)) => e == a,
                _ => e.as_f64() == a.as_f64(),
            };
            if !equal {
                out.push(format!("{here}: {a}, expected {e}"));
            }
        }
        (expected, actual) if expected == actual => {}
        (expected, actual) => out.push(format!(
            "{here}: {}, expected {expected}",
            abbreviate(&actual.to_string())
        )),
    }
}

fn abbreviate(text: &str) -> String {
    const MAX: usize = 2000;
    match text.char_indices().nth(MAX) {
        Some((end, _)) => format!("{}… ({} bytes)", &text[..end], text.len()),
        None => text.to_owned(),
    }
}

#[test]
fn matching_follows_the_scenario_format() {
    let check = |expected: Value, actual: Value| {
        let mut out = Vec::new();
        contains(&expected, &actual, "", &mut out);
        out
    };
    assert!(check(json!({"a": 1}), json!({"a": 1, "b": 2})).is_empty());
    assert!(check(json!({"a": "*"}), json!({"a": null})).is_empty());
    assert!(check(json!({"a": 1.0}), json!({"a": 1})).is_empty());
    assert!(check(json!([{"a": 1}]), json!([{"a": 1, "b": 2}])).is_empty());
    assert_eq!(check(json!({"a": "*"}), json!({})), ["/a: missing"]);
    assert_eq!(
        check(json!([1, 2]), json!([1])),
        ["/: 1 elements, expected 2"]
    );
    assert_eq!(
        check(json!({"a": [1, {"b": "x"}]}), json!({"a": [1, {"b": "y"}]})),
        ["/a/1/b: \"y\", expected \"x\""]
    );
}
