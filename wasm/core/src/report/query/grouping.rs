//! What a report groups by: the [`Dimension`]s and the innermost [`TimeAxis`],
//! and their names in a query.

use std::fmt;

use crate::error::Error;
use crate::export::flat::check_attribute_key;

/// A grouping level.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dimension {
    /// The author (account id; shown by display name).
    Person,
    /// The project (key; shown with its name).
    Project,
    /// The parent issue (epic or story), or none.
    Parent,
    /// The issue (key; shown with its summary).
    Issue,
    /// Each component of the issue: a worklog counts under every one.
    Component,
    /// Each label of the issue: a worklog counts under every one.
    Label,
    /// A worklog attribute's value, or none.
    Attribute(String),
    /// The issue's status.
    Status,
    /// The approval state of the author's period holding the worklog
    /// (`open`, `submitted`, `approved`).
    Approval,
}

impl Dimension {
    /// True for dimensions where a worklog can have several values (components,
    /// labels): a worklog then counts under each, so the groups' sum can exceed the
    /// total.
    pub fn is_multi_valued(&self) -> bool {
        matches!(self, Dimension::Component | Dimension::Label)
    }

    pub(super) fn parse(text: &str) -> Option<Result<Self, Error>> {
        Some(Ok(match text {
            "person" => Dimension::Person,
            "project" => Dimension::Project,
            "parent" => Dimension::Parent,
            "issue" => Dimension::Issue,
            "component" => Dimension::Component,
            "label" => Dimension::Label,
            "status" => Dimension::Status,
            "approvalState" => Dimension::Approval,
            _ => {
                let key = text.strip_prefix("attribute:")?;
                return Some(
                    check_attribute_key(key).map(|()| Dimension::Attribute(key.to_owned())),
                );
            }
        }))
    }
}

impl fmt::Display for Dimension {
    /// The query's name: `person`, …, `attribute:work_type`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Dimension::Person => f.write_str("person"),
            Dimension::Project => f.write_str("project"),
            Dimension::Parent => f.write_str("parent"),
            Dimension::Issue => f.write_str("issue"),
            Dimension::Component => f.write_str("component"),
            Dimension::Label => f.write_str("label"),
            Dimension::Attribute(key) => write!(f, "attribute:{key}"),
            Dimension::Status => f.write_str("status"),
            Dimension::Approval => f.write_str("approvalState"),
        }
    }
}

/// The time axis: the innermost grouping level, by local date of the start.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TimeAxis {
    /// Each local date.
    Day,
    /// Each week, starting on the query's `weekStart`.
    Week,
    /// Each calendar month.
    Month,
}

impl TimeAxis {
    pub(super) fn parse(text: &str) -> Option<Self> {
        match text {
            "day" => Some(TimeAxis::Day),
            "week" => Some(TimeAxis::Week),
            "month" => Some(TimeAxis::Month),
            _ => None,
        }
    }
}

impl fmt::Display for TimeAxis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TimeAxis::Day => "day",
            TimeAxis::Week => "week",
            TimeAxis::Month => "month",
        })
    }
}
