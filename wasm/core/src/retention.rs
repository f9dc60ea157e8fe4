//! Which backups a retention rule keeps: the newest backup of each of the last
//! `daily` days, `monthly` months and `yearly` years that have one (the
//! "grandfather-father-son" rule, e.g. 7 daily, 12 monthly, 5 yearly). The
//! newest backup is always kept. Days, months and years are UTC calendar
//! periods of the backups' creation instants (epoch milliseconds).
//!
//! The same function decides for the app's own storage (`backup.prune`) and
//! for each destination of the local host, so every copy follows one rule.

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike};
use serde::{Deserialize, Serialize};

/// How many backups to keep per kind of period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Retention {
    /// Days (the newest backup of each).
    pub daily: u32,
    /// Months (the newest backup of each).
    pub monthly: u32,
    /// Years (the newest backup of each).
    pub yearly: u32,
}

impl Default for Retention {
    /// 7 daily, 12 monthly, 5 yearly.
    fn default() -> Self {
        Self {
            daily: 7,
            monthly: 12,
            yearly: 5,
        }
    }
}

/// The period keys of an instant: (day, month, year) numbers.
fn periods(created_ms: i64) -> (i64, i64, i64) {
    let Some(at) = DateTime::from_timestamp_millis(created_ms) else {
        return (i64::MIN, i64::MIN, i64::MIN);
    };
    let date = at.date_naive();
    let year = i64::from(date.year());
    let month = year
        .saturating_mul(12)
        .saturating_add(i64::from(date.month()));
    let day = i64::from(date.num_days_from_ce());
    (day, month, year)
}

/// The indexes (into `created_ms`) of the backups `rule` keeps; the others
/// are pruned. Ties in the same instant keep the later index.
///
/// ```
/// use worklogs_core::retention::{keep, Retention};
/// const DAY: i64 = 86_400_000;
/// let created: Vec<i64> = (0..30).map(|d| d * DAY).collect();
/// let kept = keep(&created, Retention { daily: 7, monthly: 0, yearly: 0 });
/// assert_eq!(kept.len(), 7);
/// assert!(kept.contains(&29));
/// ```
pub fn keep(created_ms: &[i64], rule: Retention) -> BTreeSet<usize> {
    let mut order: Vec<usize> = (0..created_ms.len()).collect();
    // Newest first.
    order.sort_by_key(|&i| std::cmp::Reverse((created_ms.get(i).copied().unwrap_or(0), i)));
    let mut kept = BTreeSet::new();
    if let Some(&newest) = order.first() {
        kept.insert(newest);
    }
    let mut pick = |select: fn((i64, i64, i64)) -> i64, limit: u32| {
        let mut seen = BTreeSet::new();
        for &i in &order {
            if seen.len() >= limit as usize {
                break;
            }
            let key = select(periods(created_ms.get(i).copied().unwrap_or(0)));
            if seen.insert(key) {
                kept.insert(i);
            }
        }
    };
    pick(|p| p.0, rule.daily);
    pick(|p| p.1, rule.monthly);
    pick(|p| p.2, rule.yearly);
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400_000;

    #[test]
    fn two_years_of_daily_backups_keep_7_12_5() {
        // 2025-01-01 .. 2026-12-31, one backup a day at 01:00 and a second on Sundays.
        let start = 1_735_693_200_000; // 2025-01-01T01:00:00Z
        let mut created: Vec<i64> = (0..730).map(|d| start + d * DAY).collect();
        created.push(start + 729 * DAY + 3_600_000);
        let kept = keep(&created, Retention::default());
        // 7 days + 11 more months (this month is among the days) + 1 more year.
        assert_eq!(kept.len(), 7 + 11 + 1, "{kept:?}");
        assert!(kept.contains(&730), "the newest");
        assert!(!kept.contains(&729), "the older one of the same day");
    }

    #[test]
    fn nothing_kept_but_the_newest_with_a_zero_rule() {
        let rule = Retention {
            daily: 0,
            monthly: 0,
            yearly: 0,
        };
        assert_eq!(keep(&[5, 9, 1], rule), BTreeSet::from([1]));
        assert!(keep(&[], rule).is_empty());
    }
}
