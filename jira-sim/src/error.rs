//! Jira's error responses.
//!
//! Every failure the simulator answers is a [`JiraError`]: an HTTP status and
//! Jira's `ErrorCollection` body, `{"errorMessages": [...], "errors": {...}}`, where
//! `errorMessages` holds general messages and `errors` maps a field name to what is
//! wrong with it. The messages imitate Jira Cloud's wording.

use std::collections::BTreeMap;

use serde_json::{json, Value};

/// An error answer: a status code and Jira's error collection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JiraError {
    /// The HTTP status code.
    pub status: u16,
    /// General messages (`errorMessages`).
    pub messages: Vec<String>,
    /// Messages per field (`errors`).
    pub errors: BTreeMap<String, String>,
}

impl JiraError {
    /// An error with one general message.
    pub fn new(status: u16, message: impl Into<String>) -> JiraError {
        JiraError {
            status,
            messages: vec![message.into()],
            errors: BTreeMap::new(),
        }
    }

    /// A 400 error about one field.
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> JiraError {
        let mut errors = BTreeMap::new();
        errors.insert(field.into(), message.into());
        JiraError {
            status: 400,
            messages: Vec::new(),
            errors,
        }
    }

    /// 400 Bad Request with a general message.
    pub fn bad_request(message: impl Into<String>) -> JiraError {
        JiraError::new(400, message)
    }

    /// 401: no or unknown credentials.
    pub fn unauthorized() -> JiraError {
        JiraError::new(
            401,
            "You are not authenticated. Authentication required to perform this operation.",
        )
    }

    /// 403 Forbidden with a message.
    pub fn forbidden(message: impl Into<String>) -> JiraError {
        JiraError::new(403, message)
    }

    /// 404 Not Found with a message.
    pub fn not_found(message: impl Into<String>) -> JiraError {
        JiraError::new(404, message)
    }

    /// The 404 Jira answers for an issue that does not exist or that the caller
    /// cannot browse: the two cases are indistinguishable on purpose.
    pub fn issue_not_found() -> JiraError {
        JiraError::not_found("Issue does not exist or you do not have permission to see it.")
    }

    /// The 404 for a worklog that does not exist, belongs to another issue or is
    /// hidden from the caller by its visibility.
    pub fn worklog_not_found(id: &str) -> JiraError {
        JiraError::not_found(format!("Cannot find worklog with id: {id}."))
    }

    /// The error collection as JSON.
    pub fn body(&self) -> Value {
        json!({ "errorMessages": self.messages, "errors": self.errors })
    }
}

impl std::fmt::Display for JiraError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.status, self.body())
    }
}

impl std::error::Error for JiraError {}

/// Results of simulator operations.
pub type Result<T, E = JiraError> = std::result::Result<T, E>;
