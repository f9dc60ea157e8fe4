//! Worklog properties: Jira's limits on keys and values, and setting, deleting
//! and listing them.

use serde_json::Value;

use crate::error::{JiraError, Result};
use crate::world::{Access, World};

/// Largest property value Jira accepts, in characters of JSON.
const MAX_PROPERTY_VALUE: usize = 32768;

/// Largest property key Jira accepts.
const MAX_PROPERTY_KEY: usize = 255;

/// Checks a property key and value against Jira's limits.
pub(super) fn check_property(key: &str, value: &Value) -> Result<()> {
    if key.is_empty() || key.chars().count() > MAX_PROPERTY_KEY {
        return Err(JiraError::bad_request(format!(
            "The property key must be between 1 and {MAX_PROPERTY_KEY} characters long."
        )));
    }
    if value.to_string().chars().count() > MAX_PROPERTY_VALUE {
        return Err(JiraError::bad_request(format!(
            "The property value cannot be longer than {MAX_PROPERTY_VALUE} characters."
        )));
    }
    Ok(())
}

impl World {
    /// Sets a property on a visible worklog. Returns whether it was created.
    ///
    /// # Errors
    ///
    /// 403 if the caller may not edit the worklog; 400 for a key or value over
    /// Jira's limits.
    pub(crate) fn put_worklog_property(
        &mut self,
        access: &Access,
        wl: u32,
        key: &str,
        value: Value,
    ) -> Result<bool> {
        if !access.can_edit(self, &self.worklogs[wl as usize]) {
            return Err(JiraError::forbidden(
                "You do not have the permission to edit this worklog.",
            ));
        }
        check_property(key, &value)?;
        let props = self.properties.entry(World::worklog_id(wl)).or_default();
        Ok(set_property(props, key.to_owned(), value))
    }

    /// Deletes a property of a visible worklog.
    ///
    /// # Errors
    ///
    /// 403 if the caller may not edit the worklog; 404 if there is no such property.
    pub(crate) fn delete_worklog_property(
        &mut self,
        access: &Access,
        wl: u32,
        key: &str,
    ) -> Result<()> {
        if !access.can_edit(self, &self.worklogs[wl as usize]) {
            return Err(JiraError::forbidden(
                "You do not have the permission to edit this worklog.",
            ));
        }
        let id = World::worklog_id(wl);
        let props = self.properties.get_mut(&id);
        let found = props.and_then(|p| p.iter().position(|(k, _)| k == key).map(|i| (p, i)));
        match found {
            Some((p, i)) => {
                p.remove(i);
                if p.is_empty() {
                    self.properties.remove(&id);
                }
                Ok(())
            }
            None => Err(property_not_found(key)),
        }
    }

    /// The properties of a worklog, in key order.
    pub(crate) fn worklog_properties(&self, wl: u32) -> &[(String, Value)] {
        self.properties
            .get(&World::worklog_id(wl))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }
}

/// The 404 for a missing entity property.
pub(crate) fn property_not_found(key: &str) -> JiraError {
    JiraError::not_found(format!("The property with key '{key}' does not exist."))
}

/// Inserts or replaces a property, keeping key order. Returns whether it is new.
pub(super) fn set_property(props: &mut Vec<(String, Value)>, key: String, value: Value) -> bool {
    match props.binary_search_by(|(k, _)| k.as_str().cmp(&key)) {
        Ok(i) => {
            props[i].1 = value;
            false
        }
        Err(i) => {
            props.insert(i, (key, value));
            true
        }
    }
}
