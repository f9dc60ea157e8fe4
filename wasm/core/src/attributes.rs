//! Worklog attribute definitions: the fields (billable, work type…) a site asks
//! people to fill in when they log time, and the check of a worklog's values
//! against them.
//!
//! A definition has a key (lower snake case, the column name in exports), a name
//! for people, a type (`text`, `select`, `boolean`, `number`), the options of a
//! `select`, and whether a value is required. [`Definitions::new`] validates a
//! site's whole list; [`Definitions::check`] validates one worklog's values.
//!
//! ```
//! use worklogs_core::attributes::{Definition, Definitions, Kind};
//! let defs = Definitions::new(vec![Definition {
//!     key: "work_type".into(), name: "Work type".into(), kind: Kind::Select,
//!     options: vec!["Development".into(), "Meeting".into()], required: true,
//! }])?;
//! let ok = serde_json::json!({"work_type": "Meeting"});
//! assert!(defs.check(ok.as_object().unwrap()).is_ok());
//! let bad = serde_json::json!({"work_type": "Lunch"});
//! assert!(defs.check(bad.as_object().unwrap()).is_err());
//! # Ok::<(), worklogs_core::Error>(())
//! ```

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::{quote, Error};
use crate::export::flat::check_attribute_key;

/// The most definitions a site may have.
pub const MAX_DEFINITIONS: usize = 50;
/// The most options of one `select`.
pub const MAX_OPTIONS: usize = 100;
/// The longest name or option, in characters.
pub const MAX_LABEL: usize = 100;
/// The longest `text` value, in characters.
pub const MAX_TEXT: usize = 1000;

/// The type of an attribute's values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Free text.
    Text,
    /// One of the definition's options.
    Select,
    /// `true` or `false`.
    Boolean,
    /// A finite number.
    Number,
}

/// One attribute definition.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Definition {
    /// Lower snake case, unique in the site.
    pub key: String,
    /// The label people see.
    pub name: String,
    /// The type of its values.
    #[serde(rename = "type")]
    pub kind: Kind,
    /// The choices of a `select` (none for the other types).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
    /// Whether every worklog must have a value.
    #[serde(default)]
    pub required: bool,
}

/// A site's validated attribute definitions, in their order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Definitions(Vec<Definition>);

fn invalid(field: &str, reason: &'static str, message: String) -> Error {
    Error::invalid(reason, format!("{field}: {message}")).field_name(field)
}

fn check_label(field: &str, text: &str) -> Result<(), Error> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(invalid(field, "empty", "must not be empty".to_owned()));
    }
    if trimmed.chars().count() > MAX_LABEL || trimmed.len() != text.len() {
        return Err(invalid(
            field,
            "malformed-label",
            format!(
                "{} must have no leading or trailing spaces and at most {MAX_LABEL} characters",
                quote(text)
            ),
        ));
    }
    Ok(())
}

impl Definitions {
    /// Validates a site's definitions: at most [`MAX_DEFINITIONS`], keys well
    /// formed and unique, names and options non-empty and at most [`MAX_LABEL`]
    /// characters, a `select` with 1 to [`MAX_OPTIONS`] distinct options and
    /// the other types with none.
    ///
    /// # Errors
    ///
    /// Invalid input naming the field (`attributes[1].options`) and the value.
    pub fn new(definitions: Vec<Definition>) -> Result<Self, Error> {
        if definitions.len() > MAX_DEFINITIONS {
            return Err(invalid(
                "attributes",
                "too-many",
                format!(
                    "{} definitions, more than {MAX_DEFINITIONS}",
                    definitions.len()
                ),
            ));
        }
        for (i, def) in definitions.iter().enumerate() {
            let at = |name: &str| format!("attributes[{i}].{name}");
            check_attribute_key(&def.key)
                .map_err(|e| invalid(&at("key"), e.reason(), e.message().to_owned()))?;
            if definitions.iter().take(i).any(|d| d.key == def.key) {
                return Err(invalid(
                    &at("key"),
                    "duplicate-key",
                    format!("{} is used by an earlier attribute", quote(&def.key)),
                ));
            }
            check_label(&at("name"), &def.name)?;
            match def.kind {
                Kind::Select => {
                    if def.options.is_empty() || def.options.len() > MAX_OPTIONS {
                        return Err(invalid(
                            &at("options"),
                            "bad-options",
                            format!(
                                "a select needs 1 to {MAX_OPTIONS} options, got {}",
                                def.options.len()
                            ),
                        ));
                    }
                    for (j, option) in def.options.iter().enumerate() {
                        let field = format!("attributes[{i}].options[{j}]");
                        check_label(&field, option)?;
                        if def.options.iter().take(j).any(|o| o == option) {
                            return Err(invalid(
                                &field,
                                "duplicate-option",
                                format!("{} is listed twice", quote(option)),
                            ));
                        }
                    }
                }
                Kind::Text | Kind::Boolean | Kind::Number => {
                    if !def.options.is_empty() {
                        return Err(invalid(
                            &at("options"),
                            "bad-options",
                            format!("only a select has options, not a {:?}", def.kind)
                                .to_lowercase(),
                        ));
                    }
                }
            }
        }
        Ok(Self(definitions))
    }

    /// The definitions, in order.
    pub fn as_slice(&self) -> &[Definition] {
        &self.0
    }

    /// Checks one worklog's attribute values (a JSON object by key): every key
    /// defined, every required one present and not null, each value of its
    /// type, a select's among its options.
    ///
    /// # Errors
    ///
    /// Invalid input naming the field (`attributes.work_type`) and the value.
    pub fn check(&self, values: &Map<String, Value>) -> Result<(), Error> {
        for key in values.keys() {
            if !self.0.iter().any(|d| &d.key == key) {
                let known: Vec<&str> = self.0.iter().map(|d| d.key.as_str()).collect();
                return Err(invalid(
                    &format!("attributes.{key}"),
                    "unknown-attribute",
                    format!(
                        "no attribute {} is defined (known: {})",
                        quote(key),
                        known.join(", ")
                    ),
                ));
            }
        }
        for def in &self.0 {
            let field = format!("attributes.{}", def.key);
            let value = values.get(&def.key).unwrap_or(&Value::Null);
            let fits = match (def.kind, value) {
                (_, Value::Null) => {
                    if def.required {
                        return Err(invalid(
                            &field,
                            "required",
                            format!("{} is required", quote(&def.name)),
                        ));
                    }
                    true
                }
                (Kind::Text, Value::String(s)) => s.chars().count() <= MAX_TEXT,
                (Kind::Select, Value::String(s)) => def.options.contains(s),
                (Kind::Boolean, Value::Bool(_)) => true,
                (Kind::Number, Value::Number(_)) => true,
                _ => false,
            };
            if !fits {
                let expected = match def.kind {
                    Kind::Text => format!("text of at most {MAX_TEXT} characters"),
                    Kind::Select => format!("one of {}", def.options.join(", ")),
                    Kind::Boolean => "true or false".to_owned(),
                    Kind::Number => "a number".to_owned(),
                };
                let shown = match value {
                    Value::String(s) => quote(s),
                    other => other.to_string(),
                };
                return Err(invalid(
                    &field,
                    "bad-value",
                    format!("{shown} is not allowed (expected {expected})"),
                ));
            }
        }
        Ok(())
    }

    /// Checks an attribute set as stored on a worklog (the JSON text of its
    /// property), which anyone who may edit the worklog can write through
    /// Jira's REST API, past the app: a JSON object that passes
    /// [`Definitions::check`].
    ///
    /// # Errors
    ///
    /// As [`Definitions::check`]; invalid input `not-an-object` for any other
    /// JSON or for text that is not JSON.
    pub fn check_stored(&self, text: &str) -> Result<(), Error> {
        match serde_json::from_str::<Value>(text) {
            Ok(Value::Object(values)) => self.check(
                &values
                    .into_iter()
                    .map(|(key, value)| (property_key(&key), value))
                    .collect(),
            ),
            _ => Err(invalid(
                "attributes",
                "not-an-object",
                "the worklog's attributes are not a JSON object".to_owned(),
            )),
        }
    }
}

impl Definitions {
    /// Whether a worklog's stored attribute set (`None` without one) fits the
    /// definitions, as the flat export's `attributes_valid` says
    /// ([`Definitions::check_stored`]); no set fits.
    ///
    /// ```
    /// use worklogs_core::attributes::Definitions;
    /// assert!(Definitions::default().fits(None));
    /// assert!(Definitions::default().fits(Some("{}")));
    /// assert!(!Definitions::default().fits(Some(r#"{"billable": true}"#)));
    /// ```
    pub fn fits(&self, stored: Option<&str>) -> bool {
        stored.is_none_or(|text| self.check_stored(text).is_ok())
    }

    /// Whether a worklog is billable, as reports and the flat export count it
    /// (`billable`): its stored attribute set (the property's JSON text;
    /// `None` without one) fits the definitions ([`Definitions::check_stored`])
    /// and holds `"billable": true`. Without the value, or when the set does
    /// not fit (written past the app), the worklog is not billable: the site
    /// has no other default.
    ///
    /// ```
    /// use worklogs_core::attributes::{Definition, Definitions, Kind};
    /// let defs = Definitions::new(vec![Definition {
    ///     key: "billable".into(), name: "Billable".into(), kind: Kind::Boolean,
    ///     options: vec![], required: false,
    /// }])?;
    /// assert!(defs.billable(Some(r#"{"billable": true}"#)));
    /// assert!(!defs.billable(Some(r#"{"billable": false}"#)));
    /// assert!(!defs.billable(Some(r#"{"billable": "yes"}"#)));
    /// assert!(!defs.billable(None));
    /// assert!(!Definitions::default().billable(Some(r#"{"billable": true}"#)));
    /// # Ok::<(), worklogs_core::Error>(())
    /// ```
    pub fn billable(&self, stored: Option<&str>) -> bool {
        let Some(text) = stored else {
            return false;
        };
        if !self.fits(Some(text)) {
            return false;
        }
        serde_json::from_str::<Value>(text)
            .ok()
            .and_then(|v| v.get("billable").and_then(Value::as_bool))
            .unwrap_or(false)
    }
}

/// The attribute key of a key in a worklog's stored property: lower snake
/// case as defined (`work_type`); a camelCase key (`workType`, as earlier
/// versions and other tools wrote it) maps to the same.
///
/// ```
/// use worklogs_core::attributes::property_key;
/// assert_eq!(property_key("workType"), "work_type");
/// assert_eq!(property_key("billable"), "billable");
/// ```
pub fn property_key(key: &str) -> String {
    let mut out = String::with_capacity(key.len().saturating_add(4));
    for c in key.chars() {
        if c.is_ascii_uppercase() {
            if !out.is_empty() {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn stored_sets_are_checked_like_written_ones() {
        let defs = Definitions::new(vec![
            def("billable", Kind::Boolean, &[], false),
            def("work_type", Kind::Select, &["Dev", "Review"], false),
        ])
        .unwrap();
        assert_eq!(
            defs.check_stored(r#"{"billable": true, "work_type": "Dev"}"#),
            Ok(())
        );
        for bad in [
            r#"{"work_type": "Lunch"}"#,
            r#"{"billable": "yes"}"#,
            r#"{"colour": 1}"#,
            "[1]",
            "{",
        ] {
            assert!(defs.check_stored(bad).is_err(), "{bad}");
        }
        assert_eq!(defs.check_stored(r#"{"workType": "Review"}"#), Ok(()));
        // A site without definitions accepts no attribute at all.
        assert!(Definitions::default()
            .check_stored(r#"{"billable": true}"#)
            .is_err());
        assert_eq!(Definitions::default().check_stored("{}"), Ok(()));
    }

    fn def(key: &str, kind: Kind, options: &[&str], required: bool) -> Definition {
        Definition {
            key: key.into(),
            name: key.replace('_', " "),
            kind,
            options: options.iter().map(|s| (*s).to_owned()).collect(),
            required,
        }
    }

    #[test]
    fn definitions_are_validated_naming_the_field() {
        let table: Vec<(Vec<Definition>, &str)> = vec![
            (
                vec![def("Work", Kind::Text, &[], false)],
                "attributes[0].key: invalid attribute key \"Work\"",
            ),
            (
                vec![
                    def("a", Kind::Text, &[], false),
                    def("a", Kind::Boolean, &[], false),
                ],
                "attributes[1].key: \"a\" is used by an earlier attribute",
            ),
            (
                vec![def("a", Kind::Select, &[], false)],
                "attributes[0].options: a select needs 1 to 100 options, got 0",
            ),
            (
                vec![def("a", Kind::Select, &["x", "x"], false)],
                "attributes[0].options[1]: \"x\" is listed twice",
            ),
            (
                vec![def("a", Kind::Number, &["x"], false)],
                "attributes[0].options: only a select has options, not a number",
            ),
            (
                vec![def("a", Kind::Select, &[" x"], false)],
                "attributes[0].options[0]: \" x\" must have no leading",
            ),
        ];
        for (defs, expected) in table {
            let e = Definitions::new(defs).unwrap_err();
            assert!(e.is_invalid_input());
            assert!(
                e.message().starts_with(expected),
                "{} / {expected}",
                e.message()
            );
        }
        let mut empty_name = def("a", Kind::Text, &[], false);
        empty_name.name = "  ".into();
        assert_eq!(
            Definitions::new(vec![empty_name]).unwrap_err().field(),
            Some("attributes[0].name")
        );
        let many: Vec<Definition> = (0..51)
            .map(|i| def(&format!("a{i}"), Kind::Text, &[], false))
            .collect();
        assert!(Definitions::new(many).is_err());
    }

    #[test]
    fn values_are_checked_against_the_definitions() {
        let defs = Definitions::new(vec![
            def("billable", Kind::Boolean, &[], true),
            def("work_type", Kind::Select, &["Dev", "Meeting"], false),
            def("hours", Kind::Number, &[], false),
            def("note", Kind::Text, &[], false),
        ])
        .unwrap();
        let check = |v: Value| {
            defs.check(v.as_object().unwrap())
                .map_err(|e| e.message().to_owned())
        };
        assert_eq!(
            check(json!({"billable": true, "work_type": "Dev", "hours": 1.5, "note": "x"})),
            Ok(())
        );
        assert_eq!(check(json!({"billable": false})), Ok(()));
        assert_eq!(
            check(json!({})),
            Err("attributes.billable: \"billable\" is required".into())
        );
        assert_eq!(
            check(json!({"billable": true, "work_type": "Lunch"})),
            Err(
                "attributes.work_type: \"Lunch\" is not allowed (expected one of Dev, Meeting)"
                    .into()
            )
        );
        assert!(check(json!({"billable": "yes"}))
            .unwrap_err()
            .starts_with("attributes.billable: "));
        assert!(check(json!({"billable": true, "colour": "red"}))
            .unwrap_err()
            .contains("no attribute \"colour\""));
    }
}
