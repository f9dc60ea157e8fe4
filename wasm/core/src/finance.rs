//! What finance needs of a worklog, mirrored into a worklog property so that
//! tools reading Jira's REST API alone (Power BI over `worklog/list`,
//! `docs/power-bi.md`) see what the flat export says: whether the worklog is
//! billable and the approval state of its period.
//!
//! The app writes it as the worklog property `worklogs.finance`, beside the
//! attributes (`worklogs.attributes`, untouched). It holds no rate and no
//! amount: anyone who may see a worklog may read its properties. With them,
//! whether the attributes fit the site's definitions (the export's
//! `attributes_valid`), which a reader of Jira alone cannot check.
//!
//! ```
//! use worklogs_core::approval::State;
//! use worklogs_core::finance::Mirror;
//! let mirror = Mirror { billable: true, approval_state: State::Submitted, attributes_valid: true };
//! assert_eq!(
//!     mirror.to_json().to_string(),
//!     r#"{"approvalState":"submitted","attributesValid":true,"billable":true}"#
//! );
//! assert_eq!(Mirror::from_json(&mirror.to_json()), Some(mirror));
//! ```

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::approval::State;

/// The mirrored values of one worklog: `{"billable": bool, "approvalState":
/// "open" | "submitted" | "approved", "attributesValid": bool}`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Mirror {
    /// The export's `billable` ([`crate::attributes::Definitions::billable`]).
    pub billable: bool,
    /// The export's `approval_state`
    /// ([`crate::approval::worklog_approval_state`]).
    pub approval_state: State,
    /// The export's `attributes_valid`
    /// ([`crate::attributes::Definitions::fits`]).
    pub attributes_valid: bool,
}

impl Mirror {
    /// The property's value.
    pub fn to_json(self) -> Value {
        serde_json::json!({
            "approvalState": self.approval_state.as_str(),
            "attributesValid": self.attributes_valid,
            "billable": self.billable,
        })
    }

    /// The mirror in a property's value; `None` for anything else.
    pub fn from_json(value: &Value) -> Option<Self> {
        serde_json::from_value(value.clone()).ok()
    }
}
