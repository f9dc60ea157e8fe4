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
//! 1. the filters (billable, people and groups, projects, issues and JQL, attribute
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

use std::cmp::Ordering;
use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use rustc_hash::{FxHashMap, FxHashSet};

use super::query::{Dimension, Measure, ReportQuery, Resolution, TimeAxis, TimeFormat, MAX_LEVELS};
use super::result::{GroupRow, KeyValue, ReportResult, Values, RESULT_VERSION};
use crate::calendar::{iso_week, local_date, week_start, Instant, WeekStart};
use crate::duration::{format_as, Seconds, TimeTrackingSettings};
use crate::error::{quote, Error};
use crate::hours;
use crate::money::{sum_lines, CostTotals, Money, Rate, RateQuery, RateTable};
use crate::rounding::{round_duration, RoundMode, Target};

/// What the engine reads of a worklog. [`crate::export::flat::FlatRow`] implements
/// it; so can a view over a SQL row or a CSV record, without copying strings.
pub trait Worklog {
    /// When the work started.
    fn started(&self) -> Instant;
    /// Time spent.
    fn seconds(&self) -> Seconds;
    /// The author's account id.
    fn author_account_id(&self) -> &str;
    /// The author's display name (may be empty).
    fn author_display_name(&self) -> &str;
    /// The project id (for rates).
    fn project_id(&self) -> &str;
    /// The project key.
    fn project_key(&self) -> &str;
    /// The project name.
    fn project_name(&self) -> &str;
    /// The issue key.
    fn issue_key(&self) -> &str;
    /// The issue summary.
    fn issue_summary(&self) -> &str;
    /// The parent issue's key.
    fn parent_key(&self) -> Option<&str>;
    /// The parent issue's summary.
    fn parent_summary(&self) -> Option<&str>;
    /// The issue status's name.
    fn issue_status(&self) -> &str;
    /// Whether the time is billable.
    fn billable(&self) -> bool;
    /// An attribute's value.
    fn attribute(&self, key: &str) -> Option<&str>;
    /// Calls `f` with each attribute, in key order.
    fn for_each_attribute<'a>(&'a self, f: &mut dyn FnMut(&'a str, &'a str));
    /// Calls `f` with each component name.
    fn for_each_component<'a>(&'a self, f: &mut dyn FnMut(&'a str));
    /// Calls `f` with each label.
    fn for_each_label<'a>(&'a self, f: &mut dyn FnMut(&'a str));
}

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

/// One worklog's contribution.
struct Contribution<'r> {
    seconds: Seconds,
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
        self.count = self.count.saturating_add(1);
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
        if !self.matches(w) {
            return Ok(());
        }
        let date = local_date(w.started(), self.query.zone())?;
        if self.query.dates().is_some_and(|d| !d.contains(date)) {
            return Ok(());
        }
        let rule = self.query.rounding();
        let seconds = if rule.target() == Target::PerWorklog && rule.mode() != RoundMode::None {
            round_duration(w.seconds(), &rule)?
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
        self.worklogs = self.worklogs.saturating_add(1);
        Ok(())
    }

    /// The result: groups, subtotals, period totals and the total, sorted.
    ///
    /// # Errors
    ///
    /// Overflow when a sum passes [`Seconds::MAX`] or a cost what a decimal holds.
    pub fn finish(mut self) -> Result<ReportResult, Error> {
        let ranks: Vec<Vec<u32>> = self.levels.iter().map(rank).collect();
        let order = |key: &Key, depth: usize| -> Vec<u32> {
            let mut order: Vec<u32> = key
                .iter()
                .take(depth)
                .zip(&ranks)
                .map(|(id, ranks)| ranks.get(*id as usize).copied().unwrap_or(u32::MAX))
                .collect();
            order.push(key[TIME]);
            order
        };
        let multi = self.levels.iter().any(|l| l.dimension.is_multi_valued());
        let depth = self.levels.len();

        let mut leaf: Vec<(Vec<u32>, Key, Acc)> = std::mem::take(&mut self.leaf)
            .into_iter()
            .map(|(key, acc)| (order(&key, depth), key, acc))
            .collect();
        leaf.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let mut rows = Vec::with_capacity(leaf.len());
        for (_, key, acc) in &leaf {
            rows.push((key, self.values(acc)?));
        }

        // Costs of enclosing groups as sums of rounded lines, when lines do not
        // overlap (see the module docs).
        let lines = !multi && (depth > 0 || self.query.time_axis().is_some());
        let mut line_sums: BTreeMap<(Slot, Key), Vec<Money>> = BTreeMap::new();
        if lines && self.query.has(Measure::Cost) {
            for (key, values) in &rows {
                let money = values.cost.clone().unwrap_or_default();
                for p in 0..self.subtotals.len() {
                    let mut prefix: Key = [NONE; MAX_LEVELS + 1];
                    prefix
                        .iter_mut()
                        .zip(key.iter())
                        .take(p.saturating_add(1))
                        .for_each(|(a, b)| *a = *b);
                    line_sums
                        .entry((Slot::Subtotal(p), prefix))
                        .or_default()
                        .extend(money.iter().copied());
                }
                let mut period: Key = [NONE; MAX_LEVELS + 1];
                period[TIME] = key[TIME];
                line_sums
                    .entry((Slot::Period, period))
                    .or_default()
                    .extend(money.iter().copied());
                line_sums
                    .entry((Slot::Total, [NONE; MAX_LEVELS + 1]))
                    .or_default()
                    .extend(money.iter().copied());
            }
        }
        let summed = |slot: (Slot, Key)| -> Result<Option<Vec<Money>>, Error> {
            match line_sums.get(&slot) {
                Some(lines) => sum_lines(lines.iter().copied()).map(Some),
                None => Ok(None),
            }
        };

        let time_axis = self.query.time_axis();
        let key_values = |key: &Key, depth: usize| -> Vec<KeyValue> {
            let mut keys: Vec<KeyValue> = self
                .levels
                .iter()
                .zip(key.iter())
                .take(depth)
                .map(|(level, id)| key_value(level, *id))
                .collect();
            if let Some(axis) = time_axis {
                if key[TIME] != NONE {
                    keys.push(time_value(key[TIME], axis, self.query.week_start()));
                }
            }
            keys
        };
        let rows: Vec<GroupRow> = rows
            .into_iter()
            .map(|(key, values)| GroupRow {
                keys: key_values(key, depth),
                values,
            })
            .collect();

        let mut subtotals: Vec<(Vec<u32>, GroupRow)> = Vec::new();
        for (p, map) in self.subtotals.iter().enumerate() {
            let length = p.saturating_add(1);
            for (key, acc) in map {
                let mut values = self.values(acc)?;
                if let Some(cost) = summed((Slot::Subtotal(p), *key))? {
                    values.cost = Some(cost);
                }
                let mut order = order(key, length);
                order.pop(); // no time bucket in subtotals
                subtotals.push((
                    order,
                    GroupRow {
                        keys: key_values(key, length),
                        values,
                    },
                ));
            }
        }
        subtotals.sort_by(|a, b| a.0.cmp(&b.0));

        let mut periods: Vec<(&u32, &Acc)> = self.periods.iter().collect();
        periods.sort_by_key(|(bucket, _)| **bucket);
        let mut period_totals = Vec::with_capacity(periods.len());
        for (bucket, acc) in periods {
            let mut key: Key = [NONE; MAX_LEVELS + 1];
            key[TIME] = *bucket;
            let mut values = self.values(acc)?;
            if let Some(cost) = summed((Slot::Period, key))? {
                values.cost = Some(cost);
            }
            period_totals.push(GroupRow {
                keys: key_values(&key, 0),
                values,
            });
        }

        let mut total = self.values(&self.total)?;
        if lines && self.query.has(Measure::Cost) {
            total.cost = Some(summed((Slot::Total, [NONE; MAX_LEVELS + 1]))?.unwrap_or_default());
        }
        let mut dimensions: Vec<String> = self
            .query
            .levels()
            .iter()
            .map(ToString::to_string)
            .collect();
        if let Some(axis) = time_axis {
            dimensions.push(axis.to_string());
        }
        Ok(ReportResult {
            schema_version: RESULT_VERSION,
            time_zone: self.query.zone().name().to_owned(),
            first: self.query.dates().map(|d| d.first()),
            last: self.query.dates().and_then(|d| d.end().pred_opt()),
            week_start: self.query.week_start(),
            dimensions,
            measures: self
                .query
                .measures()
                .iter()
                .map(ToString::to_string)
                .collect(),
            hours_decimals: self.query.hours_decimals(),
            multi_valued: multi,
            worklogs: self.worklogs,
            rows,
            subtotals: subtotals.into_iter().map(|(_, row)| row).collect(),
            period_totals,
            total,
        })
    }

    /// A group's values: rounded for a `total` rule, hours once, display text.
    fn values(&self, acc: &Acc) -> Result<Values, Error> {
        let rule = self.query.rounding();
        let finish = |raw: u64| -> Result<Seconds, Error> {
            let seconds = Seconds::new(raw).map_err(|_| Error::overflow("the group's seconds"))?;
            if rule.target() == Target::Total {
                round_duration(seconds, &rule)
            } else {
                Ok(seconds)
            }
        };
        let decimals = self.query.hours_decimals();
        let seconds = finish(acc.seconds)?;
        let time = match self.query.time_format() {
            TimeFormat::Decimal => hours::rounded(seconds, decimals)?.to_string(),
            format => format_as(seconds, &self.settings, format.style().unwrap_or_default()),
        };
        let billable = if self.query.has(Measure::BillableSeconds) {
            Some(finish(acc.billable)?)
        } else {
            None
        };
        let cost = if self.query.has(Measure::Cost) {
            Some(match &acc.cost {
                Some(cost) => cost.totals()?,
                None => Vec::new(),
            })
        } else {
            None
        };
        Ok(Values {
            seconds: seconds.get(),
            hours: hours::rounded(seconds, decimals)?,
            time,
            billable_seconds: billable.map(Seconds::get),
            billable_hours: billable.map(|b| hours::rounded(b, decimals)).transpose()?,
            count: self.query.has(Measure::Count).then_some(acc.count),
            cost,
            unpriced_seconds: self.query.has(Measure::Cost).then_some(acc.unpriced),
        })
    }
}

/// The ids of a worklog's values at `level`, each once; "no value" when it has none.
fn values_of<W: Worklog + ?Sized>(
    level: &mut Level,
    w: &W,
    ids: &mut Vec<u32>,
) -> Result<(), Error> {
    let values = &mut level.values;
    let single =
        |values: &mut Interner, id: Option<&str>, label: Option<&str>| -> Result<u32, Error> {
            match id.filter(|v| !v.is_empty()) {
                Some(id) => values.intern(id, label),
                None => Ok(NONE),
            }
        };
    let id = match &level.dimension {
        Dimension::Person => single(
            values,
            Some(w.author_account_id()),
            Some(w.author_display_name()),
        )?,
        Dimension::Project => single(values, Some(w.project_key()), Some(w.project_name()))?,
        Dimension::Parent => single(values, w.parent_key(), w.parent_summary())?,
        Dimension::Issue => single(values, Some(w.issue_key()), Some(w.issue_summary()))?,
        Dimension::Status => single(values, Some(w.issue_status()), None)?,
        Dimension::Attribute(key) => single(values, w.attribute(key), None)?,
        Dimension::Component | Dimension::Label => {
            let mut failed = None;
            let mut each = |value: &str| {
                if value.is_empty() || failed.is_some() {
                    return;
                }
                match values.intern(value, None) {
                    Ok(id) => ids.push(id),
                    Err(e) => failed = Some(e),
                }
            };
            if level.dimension == Dimension::Component {
                w.for_each_component(&mut each);
            } else {
                w.for_each_label(&mut each);
            }
            if let Some(e) = failed {
                return Err(e);
            }
            ids.sort_unstable();
            ids.dedup();
            if ids.is_empty() {
                ids.push(NONE);
            }
            return Ok(());
        }
    };
    ids.push(id);
    Ok(())
}

/// Calls `f` with every key combining one value of each of the first `depth` lists
/// (the rest of `key` as given).
fn for_each_combination(
    lists: &[Vec<u32>; MAX_LEVELS],
    depth: usize,
    key: &mut Key,
    f: &mut dyn FnMut(&Key) -> Result<(), Error>,
) -> Result<(), Error> {
    fn walk(
        lists: &[Vec<u32>; MAX_LEVELS],
        level: usize,
        depth: usize,
        key: &mut Key,
        f: &mut dyn FnMut(&Key) -> Result<(), Error>,
    ) -> Result<(), Error> {
        if level >= depth {
            return f(key);
        }
        let Some(values) = lists.get(level) else {
            return f(key);
        };
        for id in values {
            if let Some(slot) = key.get_mut(level) {
                *slot = *id;
            }
            walk(lists, level.saturating_add(1), depth, key, f)?;
        }
        Ok(())
    }
    walk(lists, 0, depth, key, f)
}

/// The time bucket of `date`: the days from the common era of its first date.
fn bucket(date: NaiveDate, axis: TimeAxis, start: WeekStart) -> Result<u32, Error> {
    let first = match axis {
        TimeAxis::Day => date,
        TimeAxis::Week => week_start(date, start)?,
        TimeAxis::Month => date.with_day(1).unwrap_or(date),
    };
    u32::try_from(first.num_days_from_ce())
        .ok()
        .filter(|days| *days > 0)
        .ok_or_else(|| {
            Error::invalid(
                "out-of-range",
                format!("invalid date {date}: out of range for reports (expected the common era)"),
            )
        })
}

fn bucket_date(bucket: u32) -> NaiveDate {
    i32::try_from(bucket)
        .ok()
        .and_then(NaiveDate::from_num_days_from_ce_opt)
        .unwrap_or_default()
}

/// The key of a time bucket: id = its first date, label = the period's name.
fn time_value(bucket: u32, axis: TimeAxis, start: WeekStart) -> KeyValue {
    let first = bucket_date(bucket);
    let label = match axis {
        TimeAxis::Day => first.to_string(),
        TimeAxis::Week if start == WeekStart::Monday => iso_week(first).to_string(),
        TimeAxis::Week => first.to_string(),
        TimeAxis::Month => first.format("%Y-%m").to_string(),
    };
    KeyValue {
        id: Some(first.to_string()),
        label: Some(label),
    }
}

fn key_value(level: &Level, id: u32) -> KeyValue {
    if id == NONE {
        return KeyValue {
            id: None,
            label: None,
        };
    }
    let index = id as usize;
    let value = level.values.ids.get(index).map(|v| v.to_string());
    let label = level
        .values
        .labels
        .get(index)
        .and_then(|l| l.as_deref())
        .map(str::to_owned)
        .or_else(|| value.clone());
    KeyValue { id: value, label }
}

/// Each id's position in display order; "no value" last.
fn rank(level: &Level) -> Vec<u32> {
    let values = &level.values;
    let by_label = matches!(level.dimension, Dimension::Person);
    let display = |id: usize| -> &str {
        let value = values.ids.get(id).map_or("", |v| v);
        if by_label {
            values
                .labels
                .get(id)
                .and_then(|l| l.as_deref())
                .unwrap_or(value)
        } else {
            value
        }
    };
    let mut ids: Vec<usize> = (1..values.ids.len()).collect();
    ids.sort_by(|a, b| {
        natural_cmp(display(*a), display(*b))
            .then_with(|| values.ids.get(*a).cmp(&values.ids.get(*b)))
    });
    let mut ranks = vec![u32::MAX; values.ids.len()];
    for (position, id) in ids.into_iter().enumerate() {
        if let Some(slot) = ranks.get_mut(id) {
            *slot = u32::try_from(position).unwrap_or(u32::MAX);
        }
    }
    ranks
}

/// Compares text for people: case-insensitively first, digit runs as numbers
/// (`WEB-9` < `WEB-10`), then exactly, so the order is total.
pub(crate) fn natural_cmp(a: &str, b: &str) -> Ordering {
    let mut x = a.chars().peekable();
    let mut y = b.chars().peekable();
    loop {
        match (x.peek().copied(), y.peek().copied()) {
            (None, None) => return a.cmp(b),
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(c), Some(d)) if c.is_ascii_digit() && d.is_ascii_digit() => {
                let run = |it: &mut std::iter::Peekable<std::str::Chars<'_>>| {
                    let mut digits = String::new();
                    while let Some(c) = it.peek().copied().filter(char::is_ascii_digit) {
                        digits.push(c);
                        it.next();
                    }
                    digits
                };
                let (m, n) = (run(&mut x), run(&mut y));
                let (m, n) = (m.trim_start_matches('0'), n.trim_start_matches('0'));
                let order = m.len().cmp(&n.len()).then_with(|| m.cmp(n));
                if order != Ordering::Equal {
                    return order;
                }
            }
            (Some(c), Some(d)) => {
                let order = c.to_lowercase().cmp(d.to_lowercase());
                if order != Ordering::Equal {
                    return order;
                }
                x.next();
                y.next();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::parse_instant;
    use crate::export::flat::FlatRow;
    use crate::money::{Currency, RateScope};
    use crate::report::query::Filter;
    use crate::rounding::RoundingRule;
    use proptest::prelude::*;
    use rust_decimal::Decimal;

    fn row(person: &str, project: &str, started: &str, minutes: u64) -> FlatRow {
        FlatRow {
            worklog_id: format!("{person}-{started}"),
            author_account_id: person.into(),
            author_display_name: person.to_uppercase(),
            project_id: format!("id-{project}"),
            project_key: project.into(),
            project_name: format!("{project} project"),
            issue_key: format!("{project}-1"),
            issue_status: "Done".into(),
            started: parse_instant(started).unwrap(),
            seconds: Seconds::from_minutes(minutes).unwrap(),
            ..FlatRow::default()
        }
    }

    fn query(json: &str) -> ReportQuery {
        ReportQuery::from_json(json).unwrap()
    }

    fn run(query: ReportQuery, rows: &[FlatRow]) -> ReportResult {
        let mut builder = ReportBuilder::new(
            query,
            Resolution::default(),
            TimeTrackingSettings::default(),
            None,
        )
        .unwrap();
        builder.push_page(rows).unwrap();
        assert!(builder.groups() <= rows.len().max(1) * 27);
        assert!(builder.worklogs() <= rows.len() as u64);
        builder.finish().unwrap()
    }

    fn ids(result: &ReportResult) -> Vec<Vec<Option<String>>> {
        result
            .rows
            .iter()
            .map(|r| r.keys.iter().map(|k| k.id.clone()).collect())
            .collect()
    }

    #[test]
    fn three_twenty_minute_worklogs_are_one_hour() {
        let rows = vec![row("ann", "WEB", "2026-03-25T09:00:00Z", 20); 3];
        let result = run(
            query(r#"{"timeZone": "UTC", "groupBy": ["person"]}"#),
            &rows,
        );
        assert_eq!(result.rows[0].values.hours.to_string(), "1.00");
        assert_eq!(result.total.hours.to_string(), "1.00");
        assert_eq!(result.total.seconds, 3600);
        assert_eq!(result.worklogs, 3);
        // Per worklog the hours would be 0.33 each: summing them is wrong.
        assert_eq!(
            hours::rounded(Seconds::from_minutes(20).unwrap(), 2)
                .unwrap()
                .to_string(),
            "0.33"
        );
    }

    #[test]
    fn a_late_utc_start_belongs_to_the_next_local_date() {
        let rows = vec![row("ann", "WEB", "2026-03-28T23:30:00Z", 30)];
        let berlin = run(
            query(r#"{"timeZone": "Europe/Berlin", "groupBy": ["day"]}"#),
            &rows,
        );
        assert_eq!(ids(&berlin), [[Some("2026-03-29".to_owned())]]);
        let utc = run(query(r#"{"timeZone": "UTC", "groupBy": ["day"]}"#), &rows);
        assert_eq!(ids(&utc), [[Some("2026-03-28".to_owned())]]);
        // The period follows the local date too.
        let march_28 = run(
            query(r#"{"timeZone": "Europe/Berlin", "period": {"day": "2026-03-28"}}"#),
            &rows,
        );
        assert_eq!(march_28.worklogs, 0);
    }

    #[test]
    fn weeks_can_start_on_sunday() {
        let rows = vec![
            row("ann", "WEB", "2026-03-21T12:00:00Z", 60), // Saturday
            row("ann", "WEB", "2026-03-22T12:00:00Z", 60), // Sunday
            row("ann", "WEB", "2026-03-28T12:00:00Z", 60), // Saturday
        ];
        let sunday = run(
            query(r#"{"timeZone": "UTC", "weekStart": "sunday", "groupBy": ["week"]}"#),
            &rows,
        );
        assert_eq!(
            ids(&sunday),
            [
                [Some("2026-03-15".to_owned())],
                [Some("2026-03-22".to_owned())]
            ]
        );
        assert_eq!(sunday.rows[1].values.seconds, 7200);
        assert_eq!(sunday.rows[1].keys[0].label.as_deref(), Some("2026-03-22"));
        let monday = run(query(r#"{"timeZone": "UTC", "groupBy": ["week"]}"#), &rows);
        assert_eq!(
            ids(&monday),
            [
                [Some("2026-03-16".to_owned())],
                [Some("2026-03-23".to_owned())]
            ]
        );
        assert_eq!(monday.rows[0].keys[0].label.as_deref(), Some("2026-W12"));
    }

    #[test]
    fn a_worklog_counts_under_each_label_and_once_in_the_total() {
        let mut a = row("ann", "WEB", "2026-03-25T09:00:00Z", 60);
        a.labels = vec!["x".into(), "y".into(), "x".into()];
        let mut b = row("bob", "WEB", "2026-03-25T10:00:00Z", 60);
        b.labels = vec!["x".into()];
        let c = row("cy", "WEB", "2026-03-25T11:00:00Z", 60);
        let result = run(
            query(r#"{"timeZone": "UTC", "groupBy": ["label", "person"], "measures": ["count"]}"#),
            &[a, b, c],
        );
        assert!(result.multi_valued);
        let label_totals: Vec<(Option<String>, u64)> = result
            .subtotals
            .iter()
            .map(|s| (s.keys[0].id.clone(), s.values.seconds))
            .collect();
        assert_eq!(
            label_totals,
            [
                (Some("x".into()), 7200),
                (Some("y".into()), 3600),
                (None, 3600)
            ]
        );
        let sum: u64 = result.rows.iter().map(|r| r.values.seconds).sum();
        assert_eq!(sum, 4 * 3600, "ann's hour counts under x and y");
        assert_eq!(result.total.seconds, 3 * 3600);
        assert_eq!(result.total.count, Some(3));
    }

    #[test]
    fn rounding_per_worklog_or_on_totals() {
        let rows = vec![row("ann", "WEB", "2026-03-25T09:00:00Z", 10); 3];
        let each = run(
            query(
                r#"{"timeZone": "UTC", "groupBy": ["person"], "rounding": {"mode": "up", "incrementMinutes": 15}}"#,
            ),
            &rows,
        );
        assert_eq!(each.total.seconds, 45 * 60);
        assert_eq!(each.rows[0].values.hours.to_string(), "0.75");
        let once = run(
            query(
                r#"{"timeZone": "UTC", "groupBy": ["person"], "rounding": {"mode": "up", "incrementMinutes": 15, "target": "total"}}"#,
            ),
            &rows,
        );
        assert_eq!(once.total.seconds, 30 * 60);
        assert_eq!(once.rows[0].values.seconds, 30 * 60);
    }

    #[test]
    fn filters_and_their_resolution() {
        let mut rows = vec![
            row("ann", "WEB", "2026-03-25T09:00:00Z", 60),
            row("bob", "API", "2026-03-25T09:00:00Z", 60),
            row("cy", "WEB", "2026-03-25T09:00:00Z", 60),
        ];
        rows[0].billable = true;
        rows[0].attributes.insert("work_type".into(), "dev".into());
        rows[1]
            .attributes
            .insert("work_type".into(), "review".into());
        let count = |json: &str, resolution: Resolution| {
            let mut b = ReportBuilder::new(
                query(json),
                resolution,
                TimeTrackingSettings::default(),
                None,
            )
            .unwrap();
            b.push_page(&rows).unwrap();
            b.finish().unwrap().worklogs
        };
        assert_eq!(
            count(
                r#"{"timeZone": "UTC", "filter": {"billable": true}}"#,
                Resolution::default()
            ),
            1
        );
        assert_eq!(
            count(
                r#"{"timeZone": "UTC", "filter": {"billable": false}}"#,
                Resolution::default()
            ),
            2
        );
        assert_eq!(
            count(
                r#"{"timeZone": "UTC", "filter": {"projects": ["WEB"]}}"#,
                Resolution::default()
            ),
            2
        );
        assert_eq!(
            count(
                r#"{"timeZone": "UTC", "filter": {"attributes": {"work_type": ["dev", "review"]}}}"#,
                Resolution::default()
            ),
            2
        );
        let team = Resolution {
            group_members: [("team".to_owned(), vec!["bob".to_owned()])].into(),
            jql_issues: Some(vec!["WEB-1".to_owned(), "API-1".to_owned()]),
        };
        assert_eq!(
            count(
                r#"{"timeZone": "UTC", "filter": {"people": ["ann"], "groups": ["team"]}}"#,
                team.clone()
            ),
            2
        );
        assert_eq!(
            count(
                r#"{"timeZone": "UTC", "filter": {"issues": ["WEB-1"], "jql": "x"}}"#,
                team
            ),
            2
        );
        let err = ReportBuilder::new(
            query(r#"{"timeZone": "UTC", "filter": {"groups": ["team"]}}"#),
            Resolution::default(),
            TimeTrackingSettings::default(),
            None,
        )
        .unwrap_err();
        assert_eq!(
            (err.reason(), err.field()),
            ("unresolved-group", Some("filter.groups"))
        );
        let err = ReportBuilder::new(
            query(r#"{"timeZone": "UTC", "measures": ["cost"]}"#),
            Resolution::default(),
            TimeTrackingSettings::default(),
            None,
        )
        .unwrap_err();
        assert_eq!(err.reason(), "missing-rates");
    }

    #[test]
    fn groups_sort_by_display_values_with_no_value_last() {
        let mut rows = Vec::new();
        for (n, person) in ["zed", "amy", "bob"].iter().enumerate() {
            let mut r = row(person, "WEB", "2026-03-25T09:00:00Z", 10);
            r.issue_key = format!("WEB-{}", [10, 9, 100][n]);
            rows.push(r);
        }
        rows[2].parent_key = Some("WEB-1".into());
        let by_issue = run(query(r#"{"timeZone": "UTC", "groupBy": ["issue"]}"#), &rows);
        assert_eq!(
            ids(&by_issue),
            [
                [Some("WEB-9".to_owned())],
                [Some("WEB-10".to_owned())],
                [Some("WEB-100".to_owned())]
            ]
        );
        let by_parent = run(
            query(r#"{"timeZone": "UTC", "groupBy": ["parent"]}"#),
            &rows,
        );
        assert_eq!(ids(&by_parent), [[Some("WEB-1".to_owned())], [None]]);
        let by_person = run(
            query(r#"{"timeZone": "UTC", "groupBy": ["person"]}"#),
            &rows,
        );
        let labels: Vec<_> = by_person
            .rows
            .iter()
            .map(|r| r.keys[0].label.clone().unwrap())
            .collect();
        assert_eq!(labels, ["AMY", "BOB", "ZED"]);
        assert_eq!(natural_cmp("a2", "a10"), Ordering::Less);
        assert_eq!(natural_cmp("B", "a"), Ordering::Greater);
        assert_eq!(
            natural_cmp("a01", "a1"),
            Ordering::Less,
            "total order: exact tie-break"
        );
    }

    #[test]
    fn subtotals_and_period_totals() {
        let rows = vec![
            row("ann", "WEB", "2026-03-25T09:00:00Z", 60),
            row("ann", "API", "2026-03-26T09:00:00Z", 30),
            row("bob", "WEB", "2026-04-02T09:00:00Z", 15),
        ];
        let result = run(
            query(
                r#"{"timeZone": "UTC", "groupBy": ["person", "project", "month"], "timeFormat": "pretty"}"#,
            ),
            &rows,
        );
        assert_eq!(result.dimensions, ["person", "project", "month"]);
        let subtotals: Vec<(usize, u64)> = result
            .subtotals
            .iter()
            .map(|s| (s.keys.len(), s.values.seconds))
            .collect();
        // ann, ann/API, ann/WEB, bob, bob/WEB: each level-1 subtotal before its children.
        assert_eq!(
            subtotals,
            [(1, 5400), (2, 1800), (2, 3600), (1, 900), (2, 900)]
        );
        let periods: Vec<(String, u64)> = result
            .period_totals
            .iter()
            .map(|p| (p.keys[0].label.clone().unwrap(), p.values.seconds))
            .collect();
        assert_eq!(
            periods,
            [("2026-03".to_owned(), 5400), ("2026-04".to_owned(), 900)]
        );
        assert_eq!(result.total.time, "1h 45m");
    }

    #[test]
    fn costs_round_once_per_line_and_totals_add_up() {
        let eur = Currency::parse("EUR").unwrap();
        let jan = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let rates = RateTable::new(vec![
            Rate::new(RateScope::Default, Decimal::from(100), eur, jan).unwrap(),
            Rate::new(
                RateScope::Person {
                    person: "bob".into(),
                },
                Decimal::new(3333, 2),
                eur,
                jan,
            )
            .unwrap(),
        ])
        .unwrap();
        let mut rows = vec![row("ann", "WEB", "2026-03-25T09:00:00Z", 20); 3];
        rows.push(row("bob", "WEB", "2026-03-25T09:00:00Z", 20));
        rows.push(row("bob", "WEB", "2025-12-25T09:00:00Z", 20)); // before any rate
        let mut builder = ReportBuilder::new(
            query(r#"{"timeZone": "UTC", "groupBy": ["person"], "measures": ["cost"]}"#),
            Resolution::default(),
            TimeTrackingSettings::default(),
            Some(rates),
        )
        .unwrap();
        builder.push_page(&rows).unwrap();
        let result = builder.finish().unwrap();
        let cost = |v: &Values| v.cost.as_ref().unwrap()[0].to_string();
        assert_eq!(
            cost(&result.rows[0].values),
            "100.00 EUR",
            "three 20-minute worklogs at 100/h"
        );
        assert_eq!(cost(&result.rows[1].values), "11.11 EUR");
        assert_eq!(cost(&result.total), "111.11 EUR", "the sum of the lines");
        assert_eq!(result.rows[1].values.unpriced_seconds, Some(1200));
        let names: Vec<String> = result.columns().into_iter().map(|c| c.name).collect();
        assert!(names.contains(&"cost_eur".to_owned()), "{names:?}");
    }

    #[test]
    fn results_serialize_with_decimal_strings() {
        let rows = vec![row("ann", "WEB", "2026-03-25T09:00:00Z", 20); 3];
        let result = run(
            query(r#"{"timeZone": "UTC", "groupBy": ["person", "week"]}"#),
            &rows,
        );
        let json = serde_json::to_value(&result).unwrap();
        assert_eq!(json["total"]["hours"], "1.00");
        assert_eq!(json["rows"][0]["keys"][1]["label"], "2026-W13");
        assert_eq!(json["periodTotals"][0]["seconds"], 3600);
        let back: ReportResult = serde_json::from_value(json).unwrap();
        assert_eq!(back, result);
    }

    fn arb_rows() -> impl Strategy<Value = Vec<FlatRow>> {
        let one = (
            0..4_usize,
            0..3_usize,
            0..2_000_000_i64,
            0..20_000_u64,
            any::<bool>(),
            0..4_usize,
        );
        prop::collection::vec(one, 0..60).prop_map(|items| {
            items
                .into_iter()
                .map(|(p, j, minutes, seconds, billable, labels)| FlatRow {
                    author_account_id: ["a", "b", "c", "d"][p].into(),
                    project_key: ["P", "Q", "R"][j].into(),
                    issue_key: format!("{}-{}", ["P", "Q", "R"][j], p),
                    started: Instant::from_millis(1_767_225_600_000 + minutes * 60_000),
                    seconds: Seconds::new(seconds).unwrap(),
                    billable,
                    labels: ["x", "y", "z"]
                        .iter()
                        .take(labels)
                        .map(|s| (*s).to_owned())
                        .collect(),
                    ..FlatRow::default()
                })
                .collect()
        })
    }

    fn grouping() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec![
            r#"["person"]"#,
            r#"["project", "week"]"#,
            r#"["person", "project", "issue", "day"]"#,
            r#"["month", "project"]"#,
            r#"["label", "person"]"#,
        ])
    }

    proptest! {
        #[test]
        fn group_seconds_sum_to_the_total(rows in arb_rows(), group_by in grouping(), tz in prop::sample::select(vec!["UTC", "Asia/Kolkata", "America/New_York"])) {
            let q = query(&format!(r#"{{"timeZone": "{tz}", "groupBy": {group_by}, "measures": ["count", "billableSeconds"]}}"#));
            let result = run(q, &rows);
            let exact: u64 = rows.iter().map(|r| r.seconds.get()).sum();
            prop_assert_eq!(result.total.seconds, exact);
            prop_assert_eq!(result.total.count, Some(rows.len() as u64));
            let sum: u64 = result.rows.iter().map(|r| r.values.seconds).sum();
            if result.multi_valued {
                prop_assert!(sum >= exact);
            } else {
                prop_assert_eq!(sum, exact);
                let periods: u64 = result.period_totals.iter().map(|r| r.values.seconds).sum();
                prop_assert!(result.period_totals.is_empty() || periods == exact);
                let level_one: u64 = result.subtotals.iter().filter(|s| s.keys.len() == 1).map(|s| s.values.seconds).sum();
                prop_assert!(result.subtotals.is_empty() || level_one == exact);
            }
        }

        #[test]
        fn paging_does_not_change_the_result(rows in arb_rows(), group_by in grouping(), sizes in prop::collection::vec(1..7_usize, 1..20)) {
            let json = format!(r#"{{"timeZone": "Europe/Berlin", "groupBy": {group_by}, "measures": ["count"]}}"#);
            let whole = run(query(&json), &rows);
            let mut builder = ReportBuilder::new(query(&json), Resolution::default(), TimeTrackingSettings::default(), None).unwrap();
            let mut rest = &rows[..];
            for size in sizes.iter().cycle() {
                if rest.is_empty() { break; }
                let (page, tail) = rest.split_at((*size).min(rest.len()));
                builder.push_page(page).unwrap();
                rest = tail;
            }
            prop_assert_eq!(builder.finish().unwrap(), whole);
        }

        #[test]
        fn rounding_per_worklog_stays_within_its_bound(rows in arb_rows(), increment in 1..60_u32) {
            let rule = RoundingRule::new(RoundMode::Nearest, increment, Target::PerWorklog).unwrap();
            let q = ReportQuery::grouped(crate::calendar::Zone::UTC, WeekStart::Monday, &[]).unwrap().with_rounding(rule);
            let rounded = run(q, &rows).total.seconds;
            let exact: u64 = rows.iter().map(|r| r.seconds.get()).sum();
            let bound = rule.max_total_deviation(rows.len() as u64).get() + u64::from(increment) * 60;
            prop_assert!(rounded.abs_diff(exact) <= bound.max(rows.len() as u64 * u64::from(increment) * 30));
        }
    }

    #[test]
    fn the_filter_builder_methods_apply() {
        let rows = vec![
            row("ann", "WEB", "2026-03-25T09:00:00Z", 60),
            row("bob", "WEB", "2026-03-25T09:00:00Z", 60),
        ];
        let filter = Filter {
            people: Some(["bob".to_owned()].into()),
            ..Filter::default()
        };
        let q = ReportQuery::grouped(crate::calendar::Zone::UTC, WeekStart::Monday, &["person"])
            .unwrap()
            .with_filter(filter)
            .with_measures(&[Measure::Count]);
        let result = run(q, &rows);
        assert_eq!(result.total.count, Some(1));
    }

    /// A report as a file: one row per innermost group with the keys of every
    /// level, in the engine's order (by name), the time axis innermost
    /// wherever the query lists it, text quoted and neutralised, hours with the query's decimals, and a group
    /// without a value under empty keys. This is what `report.run` answers
    /// with `format` and what `worklogs report --input` writes.
    #[test]
    fn a_report_renders_one_row_per_innermost_group() {
        use crate::export::{ExportFormat, ExportOptions};
        let worklog = |person: &str, name: &str, started: &str, minutes: u64| FlatRow {
            author_display_name: name.into(),
            ..row(person, "WEB", started, minutes)
        };
        let rows = vec![
            worklog("acc-1", "Ann, \"the\" lead", "2026-11-16T09:00:00Z", 60),
            worklog("acc-1", "Ann, \"the\" lead", "2026-11-23T09:00:00Z", 60),
            worklog("acc-1", "Ann, \"the\" lead", "2026-11-24T09:00:00Z", 30),
            worklog("acc-2", "=Bob", "2026-11-23T10:00:00Z", 60),
        ];
        let result = run(
            query(r#"{"timeZone": "UTC", "groupBy": ["week", "person"]}"#),
            &rows,
        );
        assert_eq!(result.dimensions, ["person", "week"], "time axis innermost");
        let csv = result
            .render(&ExportOptions::new(ExportFormat::Csv))
            .unwrap();
        assert_eq!(
            String::from_utf8(csv).unwrap(),
            "person_account_id,person_name,week_start,seconds,hours\r\n\
             acc-2,'=Bob,2026-11-23,3600,1.00\r\n\
             acc-1,\"Ann, \"\"the\"\" lead\",2026-11-16,3600,1.00\r\n\
             acc-1,\"Ann, \"\"the\"\" lead\",2026-11-23,5400,1.50\r\n"
        );
        let sum: u64 = result.rows.iter().map(|r| r.values.seconds).sum();
        assert_eq!(sum, result.total.seconds);

        let orphan = vec![row("ann", "WEB", "2026-03-25T09:00:00Z", 1)];
        let result = run(
            query(r#"{"timeZone": "UTC", "groupBy": ["month", "parent"], "hoursDecimals": 1}"#),
            &orphan,
        );
        let json = result
            .render(&ExportOptions::new(ExportFormat::Json))
            .unwrap();
        let json = String::from_utf8(json).unwrap();
        assert!(
            json.contains(
                r#"{"parent_key":null,"parent_summary":null,"month":"2026-03","seconds":60,"hours":"0.0"}"#
            ),
            "{json}"
        );
    }
}
