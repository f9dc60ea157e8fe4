//! A builder's sums between calls: a report too large for one invocation is
//! built in parts, and what the parts so far summed is carried to the next
//! one as a [`BuilderState`] ([`ReportBuilder::state`], then
//! [`ReportBuilder::resume`] with the same query).
//!
//! The state holds the interned values of each level and the exact sums of
//! every group, subtotal, period and the total (seconds, billable and
//! unpriced seconds, counts, `seconds × rate` per currency): nothing rounded,
//! so a report resumed any number of times finishes exactly as one built in
//! one go. Its size grows with the groups, not with the worklogs.

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use super::{Acc, Interner, Key, ReportBuilder, NONE, TIME};
use crate::duration::TimeTrackingSettings;
use crate::error::Error;
use crate::money::{CostTotals, RateTable};
use crate::report::query::{ReportQuery, Resolution};

/// Sums of one group: seconds, billable seconds, worklogs, unpriced seconds,
/// and the exact cost per currency when measured.
type Sums = (u64, u64, u64, u64, Option<CostTotals>);

/// What a [`ReportBuilder`] summed so far, to be resumed later (see the
/// module docs). Serializes as compact JSON; entries in key order, so equal
/// sums give equal text.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct BuilderState {
    /// Per level, its values after "no value", in id order: `(id, label)`.
    levels: Vec<Vec<(String, Option<String>)>>,
    leaf: Vec<(Key, Sums)>,
    subtotals: Vec<Vec<(Key, Sums)>>,
    periods: Vec<(u32, Sums)>,
    total: Sums,
    worklogs: u64,
}

impl BuilderState {
    /// Groups held (the innermost level's), for a caller that caps the state.
    pub fn groups(&self) -> usize {
        self.leaf.len()
    }

    /// Worklogs counted so far.
    pub fn worklogs(&self) -> u64 {
        self.worklogs
    }
}

fn sums(acc: &Acc) -> Sums {
    (
        acc.seconds,
        acc.billable,
        acc.count,
        acc.unpriced,
        acc.cost.clone(),
    )
}

fn acc(sums: Sums) -> Acc {
    Acc {
        seconds: sums.0,
        billable: sums.1,
        count: sums.2,
        unpriced: sums.3,
        cost: sums.4,
    }
}

fn sorted<K: Ord + Copy>(map: &FxHashMap<K, Acc>) -> Vec<(K, Sums)> {
    let mut entries: Vec<(K, Sums)> = map.iter().map(|(k, a)| (*k, sums(a))).collect();
    entries.sort_unstable_by_key(|e| e.0);
    entries
}

fn bad(why: String) -> Error {
    Error::invalid("bad-report-state", format!("invalid report state: {why}"))
}

impl ReportBuilder {
    /// What the builder summed so far (see the module docs).
    pub fn state(&self) -> BuilderState {
        BuilderState {
            levels: self
                .levels
                .iter()
                .map(|level| {
                    level
                        .values
                        .ids
                        .iter()
                        .zip(&level.values.labels)
                        .skip(1)
                        .map(|(id, label)| (id.to_string(), label.as_deref().map(str::to_owned)))
                        .collect()
                })
                .collect(),
            leaf: sorted(&self.leaf),
            subtotals: self.subtotals.iter().map(sorted).collect(),
            periods: sorted(&self.periods),
            total: sums(&self.total),
            worklogs: self.worklogs,
        }
    }

    /// A builder for `query` (as [`ReportBuilder::new`]) that goes on from
    /// `state`, taken from a builder of the same query: pushing the rest of
    /// the worklogs and finishing gives what one builder fed all of them
    /// gives.
    ///
    /// # Errors
    ///
    /// As [`ReportBuilder::new`]; invalid input `bad-report-state` when the
    /// state does not fit the query (other levels, a value listed twice, a key
    /// naming a value the state does not hold).
    ///
    /// # Example
    ///
    /// ```
    /// use worklogs_core::calendar::parse_instant;
    /// use worklogs_core::duration::{Seconds, TimeTrackingSettings};
    /// use worklogs_core::export::flat::FlatRow;
    /// use worklogs_core::report::{ReportBuilder, ReportQuery, Resolution};
    ///
    /// let json = r#"{"timeZone": "UTC", "groupBy": ["person", "day"]}"#;
    /// let new = || ReportBuilder::new(ReportQuery::from_json(json)?, Resolution::default(), TimeTrackingSettings::default(), None);
    /// let row = |who: &str, at: &str| -> Result<FlatRow, worklogs_core::Error> {
    ///     Ok(FlatRow { author_account_id: who.into(), started: parse_instant(at)?, seconds: Seconds::new(600)?, ..FlatRow::default() })
    /// };
    /// let (a, b) = (row("acc-1", "2026-03-02T09:00:00Z")?, row("acc-2", "2026-03-03T09:00:00Z")?);
    /// let mut first = new()?;
    /// first.push(&a)?;
    /// let text = serde_json::to_string(&first.state())?;
    /// let mut second = ReportBuilder::resume(
    ///     ReportQuery::from_json(json)?, Resolution::default(), TimeTrackingSettings::default(), None,
    ///     serde_json::from_str(&text)?,
    /// )?;
    /// second.push(&b)?;
    /// let mut once = new()?;
    /// once.push_page(&[a, b])?;
    /// assert_eq!(second.finish()?, once.finish()?);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn resume(
        query: ReportQuery,
        resolution: Resolution,
        settings: TimeTrackingSettings,
        rates: Option<RateTable>,
        state: BuilderState,
    ) -> Result<Self, Error> {
        let mut builder = ReportBuilder::new(query, resolution, settings, rates)?;
        if state.levels.len() != builder.levels.len() {
            return Err(bad(format!(
                "{} levels, the query has {}",
                state.levels.len(),
                builder.levels.len()
            )));
        }
        if state.subtotals.len() != builder.subtotals.len() {
            return Err(bad(format!(
                "{} subtotal levels, the query has {}",
                state.subtotals.len(),
                builder.subtotals.len()
            )));
        }
        let mut sizes = Vec::with_capacity(state.levels.len());
        for (level, values) in builder.levels.iter_mut().zip(state.levels) {
            let mut interner = Interner::new();
            for (id, label) in values {
                if id.is_empty() || interner.map.contains_key(id.as_str()) {
                    return Err(bad(format!("the value {id:?} is listed twice or empty")));
                }
                interner.intern(&id, label.as_deref())?;
            }
            sizes.push(interner.ids.len());
            level.values = interner;
        }
        let timed = builder.query.time_axis().is_some();
        let check = |key: &Key, depth: usize, time: bool| -> Result<(), Error> {
            for (i, id) in key.iter().enumerate().take(TIME) {
                let fits = if i < depth {
                    sizes.get(i).is_some_and(|n| (*id as usize) < *n)
                } else {
                    *id == NONE
                };
                if !fits {
                    return Err(bad(format!("the key {key:?} names no value it holds")));
                }
            }
            if !time && key[TIME] != NONE {
                return Err(bad(format!(
                    "the key {key:?} has a period without a time axis"
                )));
            }
            Ok(())
        };
        let depth = builder.levels.len();
        let mut leaf = FxHashMap::default();
        for (key, s) in state.leaf {
            check(&key, depth, timed)?;
            leaf.insert(key, acc(s));
        }
        builder.leaf = leaf;
        for (index, (map, entries)) in builder
            .subtotals
            .iter_mut()
            .zip(state.subtotals)
            .enumerate()
        {
            for (key, s) in entries {
                check(&key, index.saturating_add(1), false)?;
                map.insert(key, acc(s));
            }
        }
        if !timed && !state.periods.is_empty() {
            return Err(bad("period totals without a time axis".to_owned()));
        }
        builder.periods = state
            .periods
            .into_iter()
            .map(|(b, s)| (b, acc(s)))
            .collect();
        builder.total = acc(state.total);
        builder.worklogs = state.worklogs;
        Ok(builder)
    }
}
