//! The last stage: groups, subtotals, period totals and the total, rounded,
//! converted and sorted into a [`ReportResult`].

use std::collections::BTreeMap;

use super::keys::{key_value, rank, time_value};
use super::{Acc, Key, ReportBuilder, Slot, NONE, TIME};
use crate::duration::{format_as, Seconds};
use crate::error::Error;
use crate::hours;
use crate::money::{sum_lines, Money};
use crate::report::query::{Measure, TimeFormat, MAX_LEVELS};
use crate::report::result::{GroupRow, KeyValue, ReportResult, Values, RESULT_VERSION};
use crate::rounding::{round_duration, Target};

impl ReportBuilder {
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
