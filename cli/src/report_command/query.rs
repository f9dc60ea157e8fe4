//! The flags that describe a report query ([`QueryFlags`]) and the core's query
//! JSON they make: the `--query` file's object, then each flag given.

use std::path::PathBuf;

use clap::Args;
use serde_json::{json, Map, Value};

use super::Failure;

/// The flags that describe a report query.
#[derive(Args, Debug, Clone, Default, PartialEq, Eq)]
pub struct QueryFlags {
    /// The whole report query as a JSON file (docs/operations.md); the other
    /// query flags override its fields.
    #[arg(long, value_name = "FILE.json")]
    pub query: Option<PathBuf>,
    /// The first local date of the period (yyyy-MM-dd), with --to.
    #[arg(long, value_name = "DATE", requires = "to", conflicts_with = "period")]
    pub from: Option<String>,
    /// The last local date of the period (yyyy-MM-dd), with --from.
    #[arg(long, value_name = "DATE", requires = "from")]
    pub to: Option<String>,
    /// The period as day:DATE, week:DATE or month:DATE (the one holding DATE),
    /// such as week:2026-11-23.
    #[arg(long, value_name = "KIND:DATE")]
    pub period: Option<String>,
    /// The grouping levels, outermost first: person, project, parent, issue,
    /// component, label, status, attribute:KEY, and a time axis day, week or month
    /// [default: person,week, unless --query gives groupBy].
    #[arg(long, value_name = "LEVELS")]
    pub group_by: Option<String>,
    /// The IANA time zone whose local dates the report uses (over the index:
    /// also the acting user's zone; default there: the context's zone).
    #[arg(long = "tz", value_name = "ZONE")]
    pub time_zone: Option<String>,
    /// The first day of weeks: monday, sunday or saturday.
    #[arg(long, value_name = "DAY")]
    pub week_start: Option<String>,
    /// Only these projects (keys; repeat or separate with commas).
    #[arg(long, value_name = "KEY", value_delimiter = ',')]
    pub project: Vec<String>,
    /// Only these authors (account ids, or demo aliases over the demo index;
    /// repeat or separate with commas).
    #[arg(long, value_name = "ACCOUNT", value_delimiter = ',')]
    pub author: Vec<String>,
}

impl QueryFlags {
    /// The query as JSON: the `--query` file's object, then each flag given.
    /// `accounts` maps `--author` values to account ids.
    ///
    /// # Errors
    ///
    /// [`Failure::Usage`] naming the flag and the value.
    pub fn to_json(&self, accounts: &dyn Fn(&str) -> String) -> Result<Value, Failure> {
        let mut query = match &self.query {
            None => Map::new(),
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|err| {
                    Failure::Usage(format!("cannot read --query {}: {err}", path.display()))
                })?;
                match serde_json::from_str::<Value>(&text) {
                    Ok(Value::Object(map)) => map,
                    Ok(_) => {
                        return Err(Failure::Usage(format!(
                            "invalid --query {}: expected a JSON object",
                            path.display()
                        )))
                    }
                    Err(err) => {
                        return Err(Failure::Usage(format!(
                            "invalid --query {}: {err}",
                            path.display()
                        )))
                    }
                }
            }
        };
        if let (Some(from), Some(to)) = (&self.from, &self.to) {
            query.insert("period".into(), json!({ "from": from, "to": to }));
        }
        if let Some(period) = &self.period {
            query.insert("period".into(), parse_period(period)?);
        }
        match &self.group_by {
            Some(group_by) => {
                let levels: Vec<&str> = group_by
                    .split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .collect();
                query.insert("groupBy".into(), json!(levels));
            }
            None => {
                query
                    .entry("groupBy")
                    .or_insert_with(|| json!(["person", "week"]));
            }
        }
        if let Some(zone) = &self.time_zone {
            query.insert("timeZone".into(), json!(zone));
        }
        if let Some(week_start) = &self.week_start {
            query.insert("weekStart".into(), json!(week_start));
        }
        if !self.project.is_empty() || !self.author.is_empty() {
            let filter = query
                .entry("filter")
                .or_insert_with(|| json!({}))
                .as_object_mut()
                .ok_or_else(|| Failure::Usage("invalid --query: filter is not an object".into()))?;
            if !self.project.is_empty() {
                filter.insert("projects".into(), json!(self.project));
            }
            if !self.author.is_empty() {
                let people: Vec<String> = self.author.iter().map(|a| accounts(a)).collect();
                filter.insert("people".into(), json!(people));
            }
        }
        Ok(Value::Object(query))
    }

    /// The flag that sets the query field `field` (a JSON path such as
    /// `groupBy[1]`), for error messages.
    pub(super) fn flag_of(&self, field: &str) -> &'static str {
        let root = field.split(['.', '[']).next().unwrap_or_default();
        match root {
            "timeZone" if self.time_zone.is_some() => "--tz",
            "weekStart" if self.week_start.is_some() => "--week-start",
            "groupBy" if self.group_by.is_some() || self.query.is_none() => "--group-by",
            "period" if self.period.is_some() => "--period",
            "period" if self.from.is_some() => "--from/--to",
            "filter" if field.starts_with("filter.projects") && !self.project.is_empty() => {
                "--project"
            }
            "filter" if field.starts_with("filter.people") && !self.author.is_empty() => "--author",
            _ if self.query.is_some() => "--query",
            "timeZone" => "--tz",
            _ => "the query",
        }
    }
}

/// `day:2026-03-25`, `week:…` or `month:…` as the query's period object.
fn parse_period(text: &str) -> Result<Value, Failure> {
    match text.split_once(':') {
        Some((kind @ ("day" | "week" | "month"), date)) if !date.trim().is_empty() => {
            Ok(json!({ kind: date.trim() }))
        }
        _ => Err(Failure::Usage(format!(
            "invalid --period {text:?}: expected day:DATE, week:DATE or month:DATE (such as week:2026-11-23)"
        ))),
    }
}
