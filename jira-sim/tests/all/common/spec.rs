//! Validates simulator responses against Atlassian's Jira Cloud OpenAPI spec.
//!
//! A small validator for the OpenAPI 3.0 schema subset the spec uses: `$ref`,
//! `type`, `properties`, `required`, `items`, `allOf`/`anyOf`/`oneOf`,
//! `additionalProperties`, `enum`, `nullable`, `maxLength`, and the `date-time`,
//! `uri` and `int32` formats. Hand-written rather than the `jsonschema` crate
//! because OpenAPI 3.0 schemas are not JSON Schema (`nullable`, component
//! `$ref`s), because we want to be stricter than JSON Schema (an object schema
//! that declares `properties` and says nothing about `additionalProperties`
//! admits no other keys here, to catch typos), and to keep a large dependency
//! tree out of the build.
//!
//! The spec is read from `JIRA_OPENAPI_SPEC`, or from
//! `../shared/reference/jira-cloud-platform-openapi-v3.json` next to the
//! repository. A missing spec fails the test.

use std::path::PathBuf;

use serde_json::{json, Value};

/// The loaded spec.
pub struct Spec {
    doc: Value,
}

/// Replaces every `{name}` in a path with `{}`, so route and spec parameter
/// names need not agree.
pub fn normalize(path: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for c in path.chars() {
        match c {
            '{' => {
                depth += 1;
                out.push('{');
            }
            '}' => {
                depth -= 1;
                out.push('}');
            }
            _ if depth > 0 => {}
            _ => out.push(c),
        }
    }
    out
}

impl Spec {
    /// Loads the spec.
    ///
    /// # Panics
    ///
    /// When the spec is missing or not JSON: the test fails.
    pub fn load() -> Spec {
        let path = std::env::var_os("JIRA_OPENAPI_SPEC")
            .map(PathBuf::from)
            .unwrap_or_else(|| {
                PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                    .join("../../shared/reference/jira-cloud-platform-openapi-v3.json")
            });
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "the Jira OpenAPI spec is required (set JIRA_OPENAPI_SPEC): {}: {e}",
                path.display()
            )
        });
        Spec {
            doc: serde_json::from_str(&text).expect("the spec is JSON"),
        }
    }

    /// The operation for `method` and a path template, matching parameter
    /// positions whatever their names.
    pub fn operation(&self, method: &str, path: &str) -> Option<&Value> {
        let want = normalize(path);
        let paths = self.doc["paths"].as_object()?;
        paths
            .iter()
            .find(|(p, _)| normalize(p) == want)
            .and_then(|(_, item)| item.get(method.to_ascii_lowercase()))
    }

    /// A component schema by name.
    pub fn schema(&self, name: &str) -> Value {
        json!({ "$ref": format!("#/components/schemas/{name}") })
    }

    fn resolve<'a>(&'a self, schema: &'a Value) -> &'a Value {
        let mut s = schema;
        for _ in 0..32 {
            match s.get("$ref").and_then(Value::as_str) {
                Some(r) => {
                    let name = r.trim_start_matches("#/components/schemas/");
                    s = &self.doc["components"]["schemas"][name];
                }
                None => break,
            }
        }
        s
    }

    /// Checks a response: the status must be declared for the operation, and the
    /// body must match the declared schema. Error statuses the spec gives no
    /// schema for must carry Jira's `ErrorCollection`; `204` must be empty.
    /// Returns the problems found.
    pub fn check_response(
        &self,
        method: &str,
        path: &str,
        status: u16,
        body: &Value,
        raw: &[u8],
    ) -> Vec<String> {
        let mut errs = Vec::new();
        let Some(op) = self.operation(method, path) else {
            return vec![format!("{method} {path} is not in the spec")];
        };
        let responses = &op["responses"];
        let Some(resp) = responses
            .get(status.to_string())
            .or_else(|| responses.get("default"))
        else {
            return vec![format!("{method} {path}: status {status} is not declared")];
        };
        if status == 204 {
            if !raw.is_empty() {
                errs.push(format!("{method} {path}: 204 with a body"));
            }
            return errs;
        }
        let schema = resp["content"]["application/json"]["schema"].clone();
        let schema = if status >= 400 && (schema.is_null() || schema == json!({})) {
            self.schema("ErrorCollection")
        } else {
            schema
        };
        if status >= 400 {
            for key in ["errorMessages", "errors"] {
                if body.get(key).is_none() {
                    errs.push(format!(
                        "{method} {path} {status}: error body lacks {key}: {body}"
                    ));
                }
            }
        }
        if schema.is_null() || schema == json!({}) {
            // No schema (such as a property PUT answering an empty body).
            return errs;
        }
        if raw.is_empty() {
            errs.push(format!(
                "{method} {path} {status}: empty body where JSON is declared"
            ));
            return errs;
        }
        self.validate(&schema, body, "$", &mut errs);
        errs.iter_mut()
            .for_each(|e| *e = format!("{method} {path} {status}: {e}"));
        errs
    }

    /// Validates `value` against `schema`, pushing problems with their JSON path.
    pub fn validate(&self, schema: &Value, value: &Value, at: &str, errs: &mut Vec<String>) {
        let nullable = schema.get("nullable").and_then(Value::as_bool) == Some(true);
        let s = self.resolve(schema);
        let nullable = nullable || s.get("nullable").and_then(Value::as_bool) == Some(true);
        if s.as_object().is_some_and(|o| o.is_empty()) {
            return; // {}: anything
        }
        if value.is_null() {
            if !nullable {
                errs.push(format!("{at}: null where the schema is not nullable"));
            }
            return;
        }
        if let Some(all) = s.get("allOf").and_then(Value::as_array) {
            for sub in all {
                self.validate(sub, value, at, errs);
            }
        }
        for key in ["anyOf", "oneOf"] {
            if let Some(any) = s.get(key).and_then(Value::as_array) {
                let ok = any.iter().any(|sub| {
                    let mut e = Vec::new();
                    self.validate(sub, value, at, &mut e);
                    e.is_empty()
                });
                if !ok {
                    errs.push(format!("{at}: matches none of {key}"));
                }
            }
        }
        if let Some(values) = s.get("enum").and_then(Value::as_array) {
            if !values.contains(value) {
                errs.push(format!(
                    "{at}: {value} is not one of {}",
                    Value::Array(values.clone())
                ));
            }
        }
        let ty = s.get("type").and_then(Value::as_str);
        let type_ok = match ty {
            None => true,
            Some("string") => value.is_string(),
            Some("integer") => value.is_i64() || value.is_u64(),
            Some("number") => value.is_number(),
            Some("boolean") => value.is_boolean(),
            Some("array") => value.is_array(),
            Some("object") => value.is_object(),
            Some(_) => true,
        };
        if !type_ok {
            errs.push(format!("{at}: expected {}, got {value}", ty.unwrap_or("?")));
            return;
        }
        if let Some(text) = value.as_str() {
            if let Some(max) = s.get("maxLength").and_then(Value::as_u64) {
                if text.chars().count() as u64 > max {
                    errs.push(format!("{at}: longer than {max}"));
                }
            }
            match s.get("format").and_then(Value::as_str) {
                Some("date-time") if !is_jira_datetime(text) => errs.push(format!(
                    "{at}: {text:?} is not yyyy-MM-ddTHH:mm:ss.SSS+hhmm"
                )),
                Some("uri") if !text.starts_with("http://") && !text.starts_with("https://") => {
                    errs.push(format!("{at}: {text:?} is not an absolute URI"))
                }
                _ => {}
            }
        }
        if s.get("format").and_then(Value::as_str) == Some("int32") {
            if let Some(n) = value.as_i64() {
                if i32::try_from(n).is_err() {
                    errs.push(format!("{at}: {n} does not fit int32"));
                }
            }
        }
        if let Some(items) = value.as_array() {
            if let Some(item_schema) = s.get("items") {
                for (i, item) in items.iter().enumerate() {
                    self.validate(item_schema, item, &format!("{at}[{i}]"), errs);
                }
            }
        }
        if let Some(obj) = value.as_object() {
            let props = s.get("properties").and_then(Value::as_object);
            if let Some(required) = s.get("required").and_then(Value::as_array) {
                for r in required.iter().filter_map(Value::as_str) {
                    if !obj.contains_key(r) {
                        errs.push(format!("{at}: missing required {r:?}"));
                    }
                }
            }
            // Properties declared by allOf parts count as declared too.
            let declared_elsewhere = |k: &str| {
                s.get("allOf").and_then(Value::as_array).is_some_and(|all| {
                    all.iter()
                        .any(|sub| self.resolve(sub)["properties"].get(k).is_some())
                })
            };
            for (k, v) in obj {
                match props.and_then(|p| p.get(k)) {
                    Some(ps) => self.validate(ps, v, &format!("{at}.{k}"), errs),
                    None if declared_elsewhere(k) => {}
                    None => match s.get("additionalProperties") {
                        Some(Value::Bool(true)) => {}
                        Some(Value::Bool(false)) => {
                            errs.push(format!("{at}: property {k:?} is not declared"))
                        }
                        Some(extra) => self.validate(extra, v, &format!("{at}.{k}"), errs),
                        None if props.is_some() => {
                            errs.push(format!("{at}: property {k:?} is not declared"))
                        }
                        None => {}
                    },
                }
            }
        }
    }
}

/// Jira's date-time shape: `2026-11-24T09:30:00.000+0000`.
pub fn is_jira_datetime(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 28
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[13] == b':'
        && b[16] == b':'
        && b[19] == b'.'
        && matches!(b[23], b'+' | b'-')
        && chrono::DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.3f%z").is_ok()
}
