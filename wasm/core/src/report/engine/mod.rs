//! The report engine: worklogs in, fed in pages; groups, subtotals and a total out.
//!
//! [`ReportBuilder`] never holds the worklogs: each one is filtered, assigned to the
//! local date of its start in the report's zone, and added to accumulators at once.
//! Group keys are dictionary-encoded: each level interns its values (account ids,
//! project keys, labels…) into `u32` ids, a group key is a fixed `[u32; 4]` (three
//! levels and the time axis), and a hash map goes from key to accumulators. Memory
//! grows with the number of distinct groups, not of worklogs; the hasher is
//! deterministic (`rustc-hash`), as the core reads no random source.
//!
//! Per worklog, in order:
//!
//! 1. the filters (billable, approval state, people and groups, projects, issues and JQL, attribute
//!    values), then the period by the worklog's local date (of its start, in the
//!    report's zone, [`crate::calendar::local_date`]);
//! 2. with a `perWorklog` rounding rule, its seconds are rounded
//!    ([`crate::rounding::round_duration`]);
//! 3. with `cost`, its rate is looked up ([`RateTable::lookup`]; the person, the
//!    project id, the attributes in key order, the local date); a worklog without a
//!    rate counts in `unpricedSeconds` instead;
//! 4. it is added once to its group, once to each enclosing subtotal, once to its
//!    period total and once to the grand total. Under a multi-valued level
//!    (`component`, `label`) it is added to each of its values' groups (each value
//!    once, none to a "no value" group): **the groups' sum then exceeds the total**,
//!    which still counts every worklog once.
//!
//! At the end ([`ReportBuilder::finish`]) seconds are rounded per group for a `total`
//! rule, converted to hours once per group, and costs rounded once per group. With
//! single-valued levels a subtotal's and the total's cost are the sums of their rounded
//! lines (an invoice adds up); with a multi-valued level they are rounded from their
//! own exact sums. Cost follows the seconds a worklog counts with: rounded ones under a
//! `perWorklog` rule, exact ones under a `total` rule (rates differ per worklog, so a
//! rounded group total has no single price). Civil rounding
//! ([`crate::rounding::round_civil`]) needs each author's zone and is not applied here.
//!
//! Output order is deterministic: groups sort by their keys' display values level by
//! level (people by display name, projects, parents and issues by key, others by
//! value; digit runs compare as numbers, so `WEB-9` precedes `WEB-10`), ties by id,
//! "no value" last, periods by date.

mod finish;
mod groups;
mod keys;
mod state;
#[cfg(test)]
mod tests;

use rustc_hash::{FxHashMap, FxHashSet};

use super::query::{Dimension, Measure, ReportQuery, Resolution, MAX_LEVELS};
use crate::calendar::local_date;
use crate::duration::{Seconds, TimeTrackingSettings};
use crate::error::{quote, Error};
use crate::money::{CostTotals, Rate, RateQuery, RateTable};
use crate::rounding::{round_duration, RoundMode, Target};
pub use crate::worklog::Worklog;
pub use keys::time_key;
pub use state::BuilderState;

use groups::{for_each_combination, values_of};
use keys::bucket;

/// A group key: an interned id per level, then the time bucket (0 = unused).
type Key = [u32; MAX_LEVELS + 1];
const TIME: usize = MAX_LEVELS;
/// The id of "no value" at every level.
const NONE: u32 = 0;

/// Interned values of one level.
#[derive(Debug, Default)]
struct Interner {
    map: FxHashMap<Box<str>, u32>,
    /// Index = id; index 0 is "no value".
    ids: Vec<Box<str>>,
    labels: Vec<Option<Box<str>>>,
}

impl Interner {
    fn new() -> Self {
        Interner {
            map: FxHashMap::default(),
            ids: vec![Box::from("")],
            labels: vec![None],
        }
    }

    fn intern(&mut self, id: &str, label: Option<&str>) -> Result<u32, Error> {
        let label = label.filter(|l| !l.is_empty());
        if let Some(&n) = self.map.get(id) {
            if let (Some(slot), Some(label)) = (self.labels.get_mut(n as usize), label) {
                if slot.is_none() {
                    *slot = Some(Box::from(label));
                }
            }
            return Ok(n);
        }
        let n = u32::try_from(self.ids.len()).map_err(|_| {
            Error::limit(
                "too-many-groups",
                "too many distinct group values".to_owned(),
            )
        })?;
        self.ids.push(Box::from(id));
        self.labels.push(label.map(Box::from));
        self.map.insert(Box::from(id), n);
        Ok(n)
    }
}

/// Which enclosing group a sum of lines is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Slot {
    /// A subtotal by prefix length − 1.
    Subtotal(usize),
    /// A period total.
    Period,
    /// The grand total.
    Total,
}

/// Sums of one group.
#[derive(Clone, Debug, Default)]
struct Acc {
    seconds: u64,
    billable: u64,
    count: u64,
    unpriced: u64,
    cost: Option<CostTotals>,
}

/// One worklog's contribution, or a homogeneous group's.
struct Contribution<'r> {
    /// The seconds of all the worklogs it stands for.
    seconds: Seconds,
    /// How many worklogs it stands for.
    count: u64,
    billable: bool,
    rate: Option<&'r Rate>,
    priced: bool,
}

impl Acc {
    fn add(&mut self, c: &Contribution<'_>) -> Result<(), Error> {
        let overflow = || Error::overflow("the group's seconds");
        let seconds = c.seconds.get();
        self.seconds = self.seconds.checked_add(seconds).ok_or_else(overflow)?;
        if c.billable {
            self.billable = self.billable.checked_add(seconds).ok_or_else(overflow)?;
        }
        self.count = self.count.saturating_add(c.count);
        if let Some(rate) = c.rate {
            self.cost
                .get_or_insert_with(CostTotals::default)
                .add(c.seconds, rate)?;
        } else if !c.priced {
            self.unpriced = self.unpriced.checked_add(seconds).ok_or_else(overflow)?;
        }
        Ok(())
    }
}

/// A level's state: what it groups by and its interned values.
#[derive(Debug)]
struct Level {
    dimension: Dimension,
    values: Interner,
}

/// Aggregates worklogs into a [`ReportResult`]; see the module docs.
///
/// # Example
///
/// ```
/// use worklogs_core::calendar::parse_instant;
/// use worklogs_core::duration::{Seconds, TimeTrackingSettings};
/// use worklogs_core::export::flat::FlatRow;
/// use worklogs_core::report::{ReportBuilder, ReportQuery, Resolution};
///
/// let query = ReportQuery::from_json(r#"{"timeZone": "Europe/Berlin", "groupBy": ["person"]}"#)?;
/// let mut report = ReportBuilder::new(query, Resolution::default(), TimeTrackingSettings::default(), None)?;
/// let row = FlatRow {
///     author_account_id: "acc-1".into(),
///     author_display_name: "Ann".into(),
///     started: parse_instant("2026-03-25T09:00:00Z")?,
///     seconds: Seconds::from_minutes(20)?,
///     ..FlatRow::default()
/// };
/// for page in [vec![row.clone(), row.clone()], vec![row]] {
///     report.push_page(&page)?; // pages as they come from SQL or a file
/// }
/// let result = report.finish()?;
/// assert_eq!(result.rows[0].keys[0].label.as_deref(), Some("Ann"));
/// assert_eq!(result.total.seconds, 3600);
/// assert_eq!(result.total.hours.to_string(), "1.00");
/// # Ok::<(), worklogs_core::Error>(())
/// ```
#[derive(Debug)]
pub struct ReportBuilder {
    query: ReportQuery,
    settings: TimeTrackingSettings,
    rates: Option<RateTable>,
    people: Option<FxHashSet<Box<str>>>,
    projects: Option<FxHashSet<Box<str>>>,
    issues: Option<FxHashSet<Box<str>>>,
    attributes: Vec<(String, FxHashSet<Box<str>>)>,
    levels: Vec<Level>,
    leaf: FxHashMap<Key, Acc>,
    /// Subtotals by prefix length − 1.
    subtotals: Vec<FxHashMap<Key, Acc>>,
    periods: FxHashMap<u32, Acc>,
    total: Acc,
    /// Per level, the ids of the current worklog.
    scratch: [Vec<u32>; MAX_LEVELS],
    worklogs: u64,
}

fn set_of<'a, I: IntoIterator<Item = &'a String>>(values: I) -> FxHashSet<Box<str>> {
    values.into_iter().map(|v| Box::from(v.as_str())).collect()
}

impl ReportBuilder {
    /// A builder for `query`, with the caller's `resolution` of its groups and JQL,
    /// the site's time tracking `settings` (for the `time` display) and `rates` (for
    /// `cost`).
    ///
    /// # Errors
    ///
    /// Invalid input `unresolved-group` (field `filter.groups`) for a group missing
    /// from the resolution, `unresolved-jql` (field `filter.jql`) without JQL
    /// results, `missing-rates` (field `measures`) for `cost` without rates.
    ///
    /// # Example
    ///
    /// See [`ReportBuilder`].
    pub fn new(
        query: ReportQuery,
        resolution: Resolution,
        settings: TimeTrackingSettings,
        rates: Option<RateTable>,
    ) -> Result<Self, Error> {
        let filter = query.filter();
        let mut people = filter.people.as_ref().map(set_of);
        if !filter.groups.is_empty() {
            let set = people.get_or_insert_with(FxHashSet::default);
            for group in &filter.groups {
                let members = resolution.group_members.get(group).ok_or_else(|| {
                    Error::invalid(
                        "unresolved-group",
                        format!(
                            "invalid filter.groups {}: the caller did not resolve its members",
                            quote(group)
                        ),
                    )
                    .field_name("filter.groups")
                })?;
                set.extend(members.iter().map(|m| Box::from(m.as_str())));
            }
        }
        let mut issues = filter.issues.as_ref().map(set_of);
        if filter.jql.is_some() {
            let found = resolution.jql_issues.as_ref().ok_or_else(|| {
                Error::invalid(
                    "unresolved-jql",
                    "invalid filter.jql: the caller did not resolve it into issue keys".to_owned(),
                )
                .field_name("filter.jql")
            })?;
            let found = set_of(found);
            issues = Some(match issues {
                Some(listed) => listed.into_iter().filter(|k| found.contains(k)).collect(),
                None => found,
            });
        }
        if query.has(Measure::Cost) && rates.is_none() {
            return Err(Error::invalid(
                "missing-rates",
                "invalid measures: cost needs the site's rates".to_owned(),
            )
            .field_name("measures"));
        }
        let levels: Vec<Level> = query
            .levels()
            .iter()
            .map(|dimension| Level {
                dimension: dimension.clone(),
                values: Interner::new(),
            })
            .collect();
        let subtotal_levels = levels
            .len()
            .saturating_sub(usize::from(query.time_axis().is_none()));
        Ok(ReportBuilder {
            projects: filter.projects.as_ref().map(set_of),
            attributes: filter
                .attributes
                .iter()
                .map(|(k, v)| (k.clone(), set_of(v)))
                .collect(),
            people,
            issues,
            subtotals: (0..subtotal_levels).map(|_| FxHashMap::default()).collect(),
            levels,
            leaf: FxHashMap::default(),
            periods: FxHashMap::default(),
            total: Acc::default(),
            scratch: Default::default(),
            worklogs: 0,
            query,
            settings,
            rates,
        })
    }

    /// Groups so far (the innermost level): what the report's memory grows with,
    /// for a caller that caps it.
    pub fn groups(&self) -> usize {
        self.leaf.len()
    }

    /// Worklogs counted so far (those that passed the filters and the period).
    pub fn worklogs(&self) -> u64 {
        self.worklogs
    }

    /// Adds every worklog of a page.
    ///
    /// # Errors
    ///
    /// As [`ReportBuilder::push`]; the worklogs before the failing one are counted.
    pub fn push_page<W: Worklog>(&mut self, page: &[W]) -> Result<(), Error> {
        page.iter().try_for_each(|w| self.push(w))
    }

    /// Whether [`push`](ReportBuilder::push) would count `w`: it passes the
    /// query's filters and its local date is in the period. Exports use it to
    /// write the worklogs a report with the same query counts.
    ///
    /// # Errors
    ///
    /// Invalid input `out-of-range` for a start instant beyond chrono's dates.
    pub fn accepts<W: Worklog + ?Sized>(&self, w: &W) -> Result<bool, Error> {
        if !self.matches(w) {
            return Ok(false);
        }
        let date = local_date(w.started(), self.query.zone())?;
        Ok(self.query.dates().is_none_or(|d| d.contains(date)))
    }

    fn matches<W: Worklog + ?Sized>(&self, w: &W) -> bool {
        let filter = self.query.filter();
        if filter.billable.is_some_and(|b| b != w.billable()) {
            return false;
        }
        if filter
            .approval_states
            .as_ref()
            .is_some_and(|s| !s.contains(&w.approval_state()))
        {
            return false;
        }
        if self
            .people
            .as_ref()
            .is_some_and(|s| !s.contains(w.author_account_id()))
        {
            return false;
        }
        if self
            .projects
            .as_ref()
            .is_some_and(|s| !s.contains(w.project_key()))
        {
            return false;
        }
        if self
            .issues
            .as_ref()
            .is_some_and(|s| !s.contains(w.issue_key()))
        {
            return false;
        }
        self.attributes
            .iter()
            .all(|(key, allowed)| w.attribute(key).is_some_and(|v| allowed.contains(v)))
    }

    /// Adds one worklog (see the module docs for the steps).
    ///
    /// # Errors
    ///
    /// Invalid input `out-of-range` for a start instant beyond chrono's dates;
    /// overflow when a sum passes what can be represented; limit `too-many-groups`.
    pub fn push<W: Worklog + ?Sized>(&mut self, w: &W) -> Result<(), Error> {
        self.push_group(w, 1)
    }

    /// Adds `count` worklogs at once, as SQL grouped them: `w` carries their
    /// summed seconds and everything else they share. The result is the one
    /// [`push`](ReportBuilder::push) of each would give when they are equal in
    /// every field the query reads ([`crate::report::Reads::of`]): then every
    /// filter, group, rate and local date is the same for each, and sums
    /// (seconds, billable seconds, `seconds × rate`) add up exactly. Under a
    /// per-worklog rounding rule they must also have equal seconds (each is
    /// `w.seconds() / count`, rounded, times `count`). A `count` of 0 adds
    /// nothing.
    ///
    /// # Errors
    ///
    /// As [`push`](ReportBuilder::push); invalid input `uneven-group` when a
    /// per-worklog rounding rule meets seconds that `count` does not divide.
    pub fn push_group<W: Worklog + ?Sized>(&mut self, w: &W, count: u64) -> Result<(), Error> {
        if count == 0 || !self.matches(w) {
            return Ok(());
        }
        let date = local_date(w.started(), self.query.zone())?;
        if self.query.dates().is_some_and(|d| !d.contains(date)) {
            return Ok(());
        }
        let rule = self.query.rounding();
        let seconds = if rule.target() == Target::PerWorklog && rule.mode() != RoundMode::None {
            let total = w.seconds().get();
            let each = total.checked_div(count).unwrap_or(0);
            if each.checked_mul(count) != Some(total) {
                return Err(Error::invalid(
                    "uneven-group",
                    format!(
                        "invalid group: {count} worklogs of {total} seconds in all cannot be \
                         rounded one by one"
                    ),
                ));
            }
            let rounded = round_duration(Seconds::new(each)?, &rule)?.get();
            Seconds::new(
                rounded
                    .checked_mul(count)
                    .ok_or_else(|| Error::overflow("the group's seconds"))?,
            )?
        } else {
            w.seconds()
        };
        let bucket = match self.query.time_axis() {
            None => NONE,
            Some(axis) => bucket(date, axis, self.query.week_start())?,
        };
        let rates = self
            .rates
            .as_ref()
            .filter(|_| self.query.has(Measure::Cost));
        let (rate, priced) = match rates {
            None => (None, true),
            Some(table) => {
                let mut attributes: Vec<(&str, &str)> = Vec::new();
                w.for_each_attribute(&mut |k, v| attributes.push((k, v)));
                // The lookup borrows the worklog's strings only for its duration.
                let found = table.lookup(&RateQuery {
                    person: w.author_account_id(),
                    project: w.project_id(),
                    attributes: &attributes,
                    date,
                });
                match found {
                    Ok(rate) => (Some(rate), true),
                    Err(e) if e.is_not_found() => (None, false),
                    Err(e) => return Err(e),
                }
            }
        };
        let contribution = Contribution {
            seconds,
            count,
            billable: w.billable(),
            rate,
            priced,
        };

        for (level, ids) in self.levels.iter_mut().zip(self.scratch.iter_mut()) {
            ids.clear();
            values_of(level, w, ids)?;
        }
        let depth = self.levels.len();
        let mut key: Key = [NONE; MAX_LEVELS + 1];
        key[TIME] = bucket;
        // Groups: every combination of the levels' values.
        for_each_combination(&self.scratch, depth, &mut key, &mut |key| {
            self.leaf.entry(*key).or_default().add(&contribution)
        })?;
        // Subtotals: every combination of each shorter prefix (the whole prefix too
        // when a time axis follows), without the time bucket.
        for (index, map) in self.subtotals.iter_mut().enumerate() {
            let mut key: Key = [NONE; MAX_LEVELS + 1];
            for_each_combination(
                &self.scratch,
                index.saturating_add(1),
                &mut key,
                &mut |key| map.entry(*key).or_default().add(&contribution),
            )?;
        }
        if self.query.time_axis().is_some() {
            self.periods.entry(bucket).or_default().add(&contribution)?;
        }
        self.total.add(&contribution)?;
        self.worklogs = self.worklogs.saturating_add(count);
        Ok(())
    }
}
