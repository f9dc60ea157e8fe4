//! The operation contract (`wit/operations.schema.json`, described in
//! `docs/architecture.md`) checked against the component's real answers: the
//! scenarios call [`check`] on every step that succeeds, so each input the
//! component accepted must be valid against its operation's input schema and
//! each result against its output schema; [`summary`] then compares the
//! contract's operations with the component's `operations()` and names the
//! operations that no step checked.
//!
//! Validation uses the `jsonschema` crate (draft 2020-12, the draft the file's
//! `$defs` follow) rather than a hand-written validator: it is maintained,
//! follows the specification's test suite, and with its default features off
//! resolves no remote references (the contract has only local `#/$defs/` ones)
//! and pulls in no HTTP or TLS stack. The UI keeps its own small validator for
//! the same subset (`ui/scripts/schema-lib.mjs`) for the browser tests.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::{LazyLock, Mutex};

use jsonschema::Validator;
use serde_json::Value;

/// The contract file, relative to the workspace.
pub const CONTRACT_PATH: &str = "wit/operations.schema.json";

/// One operation's compiled schemas.
struct Operation {
    input: Validator,
    output: Validator,
}

/// Every operation of the contract, by name, compiled once per test binary.
static CONTRACT: LazyLock<BTreeMap<String, Operation>> = LazyLock::new(load);

/// The operations whose input and output [`check`] validated, with how many
/// steps each.
static CHECKED: LazyLock<Mutex<BTreeMap<String, usize>>> =
    LazyLock::new(|| Mutex::new(BTreeMap::new()));

fn load() -> BTreeMap<String, Operation> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(CONTRACT_PATH);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()));
    let document: Value = serde_json::from_str(&text)
        .unwrap_or_else(|err| panic!("{CONTRACT_PATH} is not JSON: {err}"));
    let defs = document.get("$defs").cloned().unwrap_or(Value::Null);
    let operations = document
        .get("operations")
        .and_then(Value::as_object)
        .unwrap_or_else(|| panic!("{CONTRACT_PATH} has no \"operations\" object"));
    let compile = |name: &str, side: &str, definition: &Value| {
        let mut schema = definition
            .get(side)
            .cloned()
            .unwrap_or_else(|| panic!("{CONTRACT_PATH}: {name} has no {side} schema"));
        // Each schema is compiled on its own, with the shared definitions beside
        // it so that its `#/$defs/…` references resolve.
        match schema.as_object_mut() {
            Some(object) => {
                object.insert("$defs".into(), defs.clone());
            }
            None => panic!("{CONTRACT_PATH}: the {side} schema of {name} is not an object"),
        }
        jsonschema::draft202012::new(&schema)
            .unwrap_or_else(|err| panic!("{CONTRACT_PATH}: the {side} schema of {name}: {err}"))
    };
    operations
        .iter()
        .map(|(name, definition)| {
            let operation = Operation {
                input: compile(name, "input", definition),
                output: compile(name, "output", definition),
            };
            (name.clone(), operation)
        })
        .collect()
}

/// The problems of a step that succeeded: its input against the operation's
/// input schema, its result against the output schema, each naming the JSON
/// pointer and what is wrong. None when both are valid.
pub fn check(operation: &str, input: &Value, output: &Value) -> Vec<String> {
    let Some(schemas) = CONTRACT.get(operation) else {
        return vec![format!("{operation} has no schema in {CONTRACT_PATH}")];
    };
    let mut problems = Vec::new();
    for (side, validator, value) in [
        ("input", &schemas.input, input),
        ("output", &schemas.output, output),
    ] {
        for error in validator.iter_errors(value) {
            let at = error.instance_path().to_string();
            let at = if at.is_empty() { "/".to_owned() } else { at };
            problems.push(format!(
                "the {side} does not match {CONTRACT_PATH} at {at}: {error}"
            ));
        }
    }
    if let Ok(mut checked) = CHECKED.lock() {
        *checked.entry(operation.to_owned()).or_default() += 1;
    }
    problems
}

/// The contract's problems once every step ran: the differences between its
/// operations and the component's `operations()` (an operation without a
/// schema, a schema for an operation the component does not have) and, when
/// `every_scenario_ran`, the operations that no successful step checked. Prints
/// what was checked.
pub fn summary(component: &[String], every_scenario_ran: bool) -> Vec<String> {
    let checked = CHECKED.lock().map(|c| c.clone()).unwrap_or_default();
    println!(
        "{CONTRACT_PATH}: {} operations, {} checked against {} successful steps",
        CONTRACT.len(),
        checked.len(),
        checked.values().sum::<usize>()
    );
    let component: BTreeSet<&str> = component.iter().map(String::as_str).collect();
    let contract: BTreeSet<&str> = CONTRACT.keys().map(String::as_str).collect();
    let mut problems: Vec<String> = component
        .difference(&contract)
        .map(|op| format!("the component's operation {op} has no schema"))
        .collect();
    problems.extend(
        contract
            .difference(&component)
            .map(|op| format!("a schema for {op}, which the component does not have")),
    );
    if every_scenario_ran {
        problems.extend(
            component
                .iter()
                .filter(|op| !checked.contains_key(**op))
                .map(|op| format!("no successful scenario step checks {op}")),
        );
    }
    problems
}
