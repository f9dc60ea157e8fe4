//! Money: hourly rates, which rate applies to a worklog, and exact amounts.
//!
//! # Rates and precedence
//!
//! A [`Rate`] is an hourly amount in a [`Currency`], effective from a date, for one
//! [`RateScope`]. For a worklog, [`RateTable::lookup`] tries the scopes from the most
//! to the least specific and takes the first scope that has a rate in effect:
//!
//! 1. an **attribute value** of the worklog (such as work type `consulting`), trying the
//!    worklog's attributes in the order the caller gives them;
//! 2. the **person on the project**;
//! 3. the **person**;
//! 4. the **project**;
//! 5. the site's **default**.
//!
//! Within a scope, the rate in effect is the one with the latest `effective_from` on or
//! before the worklog's *local date* (see [`crate::calendar::local_date`]). A scope whose
//! rates all start later does not apply, and the next scope is tried.
//!
//! # Amounts and rounding
//!
//! Amounts are exact [`Decimal`]s. A group (a report line, an invoice line) accumulates
//! `seconds × hourly rate` per currency exactly ([`CostTotals`]), divides by 3600 once
//! and rounds **once, at the group total**, to the currency's minor unit
//! ([`Currency::minor_units`]), half away from zero. Worklogs are never rounded one by
//! one. A grand total over lines is the sum of the rounded lines ([`sum_lines`]), so
//! an invoice adds up.
//!
//! ```
//! use rust_decimal::Decimal;
//! use worklogs_core::duration::Seconds;
//! use worklogs_core::money::{CostTotals, Currency, Rate, RateScope};
//! use worklogs_core::NaiveDate;
//!
//! let rate = Rate::new(RateScope::Default, Decimal::new(10000, 2), Currency::parse("EUR")?,
//!     NaiveDate::from_ymd_opt(2026, 1, 1).unwrap())?;
//! let mut line = CostTotals::default();
//! for _ in 0..3 {
//!     line.add(Seconds::from_minutes(20)?, &rate)?; // 33.333… each
//! }
//! assert_eq!(line.totals()?[0].to_string(), "100.00 EUR");
//! # Ok::<(), worklogs_core::Error>(())
//! ```

use std::collections::BTreeMap;
use std::fmt;

use chrono::NaiveDate;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::duration::Seconds;
use crate::error::{quote, Category, Error};

/// An ISO 4217 currency code, such as `EUR`.
///
/// Any three ASCII letters are accepted (upper-cased); the table of minor units covers
/// the currencies whose minor unit is not 2.
///
/// # Example
///
/// ```
/// use worklogs_core::money::Currency;
/// assert_eq!(Currency::parse("jpy")?.minor_units(), 0);
/// assert_eq!(Currency::parse("KWD")?.minor_units(), 3);
/// assert_eq!(Currency::parse("EUR")?.minor_units(), 2);
/// assert!(Currency::parse("EURO").is_err());
/// # Ok::<(), worklogs_core::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Currency([u8; 3]);

/// Currencies whose minor unit is not 2 (ISO 4217).
const MINOR_UNITS: &[(&str, u32)] = &[
    ("BHD", 3),
    ("BIF", 0),
    ("CLF", 4),
    ("CLP", 0),
    ("DJF", 0),
    ("GNF", 0),
    ("IQD", 3),
    ("ISK", 0),
    ("JOD", 3),
    ("JPY", 0),
    ("KMF", 0),
    ("KRW", 0),
    ("KWD", 3),
    ("LYD", 3),
    ("OMR", 3),
    ("PYG", 0),
    ("RWF", 0),
    ("TND", 3),
    ("UGX", 0),
    ("UYI", 0),
    ("UYW", 4),
    ("VND", 0),
    ("VUV", 0),
    ("XAF", 0),
    ("XOF", 0),
    ("XPF", 0),
];

impl Currency {
    /// The currency with this code.
    ///
    /// # Errors
    ///
    /// Invalid input `invalid-currency` (field `currency`) unless the code is three
    /// ASCII letters.
    ///
    /// # Example
    ///
    /// ```
    /// use worklogs_core::money::Currency;
    /// assert_eq!(Currency::parse("usd")?.code(), "USD");
    /// # Ok::<(), worklogs_core::Error>(())
    /// ```
    pub fn parse(code: &str) -> Result<Currency, Error> {
        match code.as_bytes() {
            &[a, b, c] if code.bytes().all(|b| b.is_ascii_alphabetic()) => Ok(Currency([
                a.to_ascii_uppercase(),
                b.to_ascii_uppercase(),
                c.to_ascii_uppercase(),
            ])),
            _ => Err(Error::invalid(
                "invalid-currency",
                format!(
                    "invalid currency {}: expected a three-letter ISO 4217 code such as EUR",
                    quote(code)
                ),
            )
            .field_name("currency")),
        }
    }

    /// The code, such as `EUR`.
    pub fn code(&self) -> &str {
        // Always three ASCII letters.
        std::str::from_utf8(&self.0).unwrap_or("XXX")
    }

    /// Digits after the decimal point in the currency's minor unit: 0 for JPY, 3 for
    /// KWD and BHD, 2 unless listed.
    pub fn minor_units(&self) -> u32 {
        MINOR_UNITS
            .binary_search_by(|(code, _)| (*code).cmp(self.code()))
            .ok()
            .and_then(|index| MINOR_UNITS.get(index))
            .map_or(2, |(_, units)| *units)
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl Serialize for Currency {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = String::deserialize(deserializer)?;
        Currency::parse(&code).map_err(serde::de::Error::custom)
    }
}

/// An amount of money. Serializes the amount as a decimal string.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    /// The amount.
    pub amount: Decimal,
    /// The currency.
    pub currency: Currency,
}

impl fmt::Display for Money {
    /// `100.00 EUR`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.amount, self.currency)
    }
}

/// `amount` rounded to `currency`'s minor unit, half away from zero, keeping that many
/// decimals (`100.00`).
///
/// # Example
///
/// ```
/// use rust_decimal::Decimal;
/// use worklogs_core::money::{round_to_minor, Currency};
/// let amount = Decimal::new(12345, 3); // 12.345
/// assert_eq!(round_to_minor(amount, Currency::parse("EUR")?).to_string(), "12.35");
/// assert_eq!(round_to_minor(amount, Currency::parse("JPY")?).to_string(), "12");
/// assert_eq!(round_to_minor(amount, Currency::parse("KWD")?).to_string(), "12.345");
/// # Ok::<(), worklogs_core::Error>(())
/// ```
pub fn round_to_minor(amount: Decimal, currency: Currency) -> Decimal {
    let units = currency.minor_units();
    let mut rounded = amount.round_dp_with_strategy(units, RoundingStrategy::MidpointAwayFromZero);
    // Keep trailing zeros: 100 EUR prints as 100.00. Rescaling up never loses digits,
    // and a Decimal that cannot hold more digits stays as it is.
    if rounded.scale() < units {
        rounded.rescale(units);
    }
    rounded
}

/// Whom or what a rate is for.
///
/// JSON: `{"scope": "personProject", "person": "5b10ac8d82e05b22cc7d4ef5", "project": "10001"}`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "scope", rename_all = "camelCase")]
pub enum RateScope {
    /// The site's default rate.
    Default,
    /// Everyone on a project (by project id).
    Project {
        /// The Jira project id.
        project: String,
    },
    /// A person (by Atlassian account id), on any project.
    Person {
        /// The Atlassian account id.
        person: String,
    },
    /// A person on a project.
    #[serde(rename = "personProject")]
    PersonProject {
        /// The Atlassian account id.
        person: String,
        /// The Jira project id.
        project: String,
    },
    /// Worklogs with an attribute value, such as work type `consulting`.
    Attribute {
        /// The attribute key.
        key: String,
        /// The attribute value.
        value: String,
    },
}

impl RateScope {
    /// The precedence level: lower wins.
    fn level(&self) -> u8 {
        match self {
            RateScope::Attribute { .. } => 0,
            RateScope::PersonProject { .. } => 1,
            RateScope::Person { .. } => 2,
            RateScope::Project { .. } => 3,
            RateScope::Default => 4,
        }
    }
}

/// An hourly rate for a scope, effective from a date (inclusive).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", try_from = "RawRate")]
pub struct Rate {
    /// Whom or what the rate is for.
    #[serde(flatten)]
    pub scope: RateScope,
    /// The amount per hour, zero or more.
    pub hourly: Decimal,
    /// The currency of `hourly`.
    pub currency: Currency,
    /// The first local date the rate applies to.
    pub effective_from: NaiveDate,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawRate {
    #[serde(flatten)]
    scope: RateScope,
    #[serde(deserialize_with = "crate::serde_util::decimal")]
    hourly: Decimal,
    currency: Currency,
    effective_from: NaiveDate,
}

impl TryFrom<RawRate> for Rate {
    type Error = Error;
    fn try_from(raw: RawRate) -> Result<Self, Error> {
        Rate::new(raw.scope, raw.hourly, raw.currency, raw.effective_from)
    }
}

impl Rate {
    /// A validated rate.
    ///
    /// # Errors
    ///
    /// Invalid input `negative` (field `hourly`) for a negative amount.
    ///
    /// # Example
    ///
    /// ```
    /// use rust_decimal::Decimal;
    /// use worklogs_core::money::{Currency, Rate, RateScope};
    /// use worklogs_core::NaiveDate;
    /// let from = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    /// assert!(Rate::new(RateScope::Default, Decimal::from(-1), Currency::parse("EUR")?, from).is_err());
    /// # Ok::<(), worklogs_core::Error>(())
    /// ```
    pub fn new(
        scope: RateScope,
        hourly: Decimal,
        currency: Currency,
        effective_from: NaiveDate,
    ) -> Result<Self, Error> {
        if hourly.is_sign_negative() && !hourly.is_zero() {
            return Err(Error::invalid(
                "negative",
                format!(
                    "invalid hourly {}: negative (expected zero or more)",
                    hourly.normalize()
                ),
            )
            .field_name("hourly"));
        }
        Ok(Rate {
            scope,
            hourly,
            currency,
            effective_from,
        })
    }
}

/// What a worklog offers to the rate lookup.
#[derive(Clone, Copy, Debug)]
pub struct RateQuery<'a> {
    /// The author's Atlassian account id.
    pub person: &'a str,
    /// The issue's project id.
    pub project: &'a str,
    /// The worklog's attribute values as `(key, value)`, in the order attribute rates
    /// should be tried.
    pub attributes: &'a [(&'a str, &'a str)],
    /// The worklog's local date.
    pub date: NaiveDate,
}

/// A validated set of rates (no two for the same scope and date).
///
/// # Example
///
/// ```
/// use rust_decimal::Decimal;
/// use worklogs_core::money::{Currency, Rate, RateQuery, RateScope, RateTable};
/// use worklogs_core::NaiveDate;
///
/// let eur = Currency::parse("EUR")?;
/// let jan = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
/// let table = RateTable::new(vec![
///     Rate::new(RateScope::Default, Decimal::from(80), eur, jan)?,
///     Rate::new(RateScope::Person { person: "ann".into() }, Decimal::from(100), eur, jan)?,
/// ])?;
/// let query = RateQuery { person: "ann", project: "10001", attributes: &[], date: jan };
/// assert_eq!(table.lookup(&query)?.hourly, Decimal::from(100));
/// # Ok::<(), worklogs_core::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Vec<Rate>", into = "Vec<Rate>")]
pub struct RateTable {
    rates: Vec<Rate>,
}

impl TryFrom<Vec<Rate>> for RateTable {
    type Error = Error;
    fn try_from(rates: Vec<Rate>) -> Result<Self, Error> {
        RateTable::new(rates)
    }
}

impl From<RateTable> for Vec<Rate> {
    fn from(table: RateTable) -> Self {
        table.rates
    }
}

impl RateTable {
    /// A table of `rates`.
    ///
    /// # Errors
    ///
    /// Invalid input `duplicate-rate` (field `effectiveFrom`) when two rates share a
    /// scope and an effective date.
    ///
    /// # Example
    ///
    /// ```
    /// use rust_decimal::Decimal;
    /// use worklogs_core::money::{Currency, Rate, RateScope, RateTable};
    /// use worklogs_core::NaiveDate;
    /// let jan = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    /// let rate = Rate::new(RateScope::Default, Decimal::from(80), Currency::parse("EUR")?, jan)?;
    /// assert_eq!(RateTable::new(vec![rate.clone(), rate]).unwrap_err().reason(), "duplicate-rate");
    /// # Ok::<(), worklogs_core::Error>(())
    /// ```
    pub fn new(mut rates: Vec<Rate>) -> Result<Self, Error> {
        rates.sort_by(|a, b| {
            (a.scope.level(), &a.scope, a.effective_from).cmp(&(
                b.scope.level(),
                &b.scope,
                b.effective_from,
            ))
        });
        for pair in rates.windows(2) {
            if let [a, b] = pair {
                if a.scope == b.scope && a.effective_from == b.effective_from {
                    return Err(Error::invalid(
                        "duplicate-rate",
                        format!(
                            "invalid rates: two rates for {:?} effective from {}",
                            a.scope, a.effective_from
                        ),
                    )
                    .field_name("effectiveFrom"));
                }
            }
        }
        Ok(RateTable { rates })
    }

    /// The rates, most specific scope first, then by effective date.
    pub fn rates(&self) -> &[Rate] {
        &self.rates
    }

    /// The rate for a worklog (see the module docs for the precedence).
    ///
    /// # Errors
    ///
    /// Not found (`no-rate`) when no scope has a rate in effect on the date.
    ///
    /// # Example
    ///
    /// ```
    /// use worklogs_core::money::{RateQuery, RateTable};
    /// use worklogs_core::NaiveDate;
    /// let query = RateQuery { person: "ann", project: "1", attributes: &[], date: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() };
    /// assert!(RateTable::default().lookup(&query).unwrap_err().is_not_found());
    /// ```
    pub fn lookup(&self, query: &RateQuery<'_>) -> Result<&Rate, Error> {
        let in_effect = |scope: &RateScope| {
            self.rates
                .iter()
                .filter(|rate| rate.scope == *scope && rate.effective_from <= query.date)
                .max_by_key(|rate| rate.effective_from)
        };
        let person = query.person.to_owned();
        let project = query.project.to_owned();
        let mut scopes: Vec<RateScope> = query
            .attributes
            .iter()
            .map(|(key, value)| RateScope::Attribute {
                key: (*key).to_owned(),
                value: (*value).to_owned(),
            })
            .collect();
        scopes.extend([
            RateScope::PersonProject {
                person: person.clone(),
                project: project.clone(),
            },
            RateScope::Person { person },
            RateScope::Project { project },
            RateScope::Default,
        ]);
        scopes.iter().find_map(in_effect).ok_or_else(|| {
            Error::new(
                Category::NotFound,
                "no-rate",
                format!(
                    "no hourly rate in effect on {} for person {} on project {}",
                    query.date,
                    quote(query.person),
                    quote(query.project)
                ),
            )
        })
    }
}

/// The exact amount for `seconds` at `hourly`: `seconds × hourly / 3600`, unrounded.
///
/// # Errors
///
/// Overflow when the amount exceeds what a [`Decimal`] holds.
///
/// # Example
///
/// ```
/// use rust_decimal::Decimal;
/// use worklogs_core::duration::Seconds;
/// use worklogs_core::money::amount;
/// assert_eq!(amount(Seconds::new(5400)?, Decimal::from(100))?.to_string(), "150");
/// # Ok::<(), worklogs_core::Error>(())
/// ```
pub fn amount(seconds: Seconds, hourly: Decimal) -> Result<Decimal, Error> {
    Decimal::from(seconds.get())
        .checked_mul(hourly)
        .and_then(|product| product.checked_div(Decimal::from(3600)))
        .map(|amount| amount.normalize())
        .ok_or_else(|| Error::overflow("the amount"))
}

/// The exact cost of a group of worklogs, per currency, rounded once when read.
///
/// # Example
///
/// See the module docs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CostTotals {
    /// Σ seconds × hourly rate, per currency: exact, divided by 3600 only when read.
    second_amounts: BTreeMap<Currency, Decimal>,
}

impl CostTotals {
    /// Adds `seconds` of work at `rate`.
    ///
    /// # Errors
    ///
    /// Overflow when the group's total exceeds what a [`Decimal`] holds.
    ///
    /// # Example
    ///
    /// See the module docs.
    pub fn add(&mut self, seconds: Seconds, rate: &Rate) -> Result<(), Error> {
        let product = Decimal::from(seconds.get())
            .checked_mul(rate.hourly)
            .ok_or_else(|| Error::overflow("the amount"))?;
        let slot = self.second_amounts.entry(rate.currency).or_default();
        *slot = slot
            .checked_add(product)
            .ok_or_else(|| Error::overflow("the amount"))?;
        Ok(())
    }

    /// The group's totals, one per currency in code order, each rounded once to its
    /// minor unit.
    ///
    /// # Errors
    ///
    /// Overflow is not possible here in practice; the signature allows for Decimal's
    /// division to fail.
    ///
    /// # Example
    ///
    /// See the module docs.
    pub fn totals(&self) -> Result<Vec<Money>, Error> {
        self.second_amounts
            .iter()
            .map(|(currency, product)| {
                let exact = product
                    .checked_div(Decimal::from(3600))
                    .ok_or_else(|| Error::overflow("the amount"))?;
                Ok(Money {
                    amount: round_to_minor(exact, *currency),
                    currency: *currency,
                })
            })
            .collect()
    }
}

/// The grand total of rounded line amounts, per currency in code order: lines are
/// what is billed, so the total is their sum.
///
/// # Errors
///
/// Overflow when a sum exceeds what a [`Decimal`] holds.
///
/// # Example
///
/// ```
/// use rust_decimal::Decimal;
/// use worklogs_core::money::{sum_lines, Currency, Money};
/// let eur = Currency::parse("EUR")?;
/// let lines = [Money { amount: Decimal::new(3333, 2), currency: eur }; 3];
/// assert_eq!(sum_lines(lines)?[0].to_string(), "99.99 EUR");
/// # Ok::<(), worklogs_core::Error>(())
/// ```
pub fn sum_lines<I: IntoIterator<Item = Money>>(lines: I) -> Result<Vec<Money>, Error> {
    let mut sums: BTreeMap<Currency, Decimal> = BTreeMap::new();
    for line in lines {
        let slot = sums.entry(line.currency).or_default();
        *slot = slot
            .checked_add(line.amount)
            .ok_or_else(|| Error::overflow("the amount"))?;
    }
    Ok(sums
        .into_iter()
        .map(|(currency, amount)| Money {
            amount: round_to_minor(amount, currency),
            currency,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn eur() -> Currency {
        Currency::parse("EUR").unwrap()
    }

    fn rate(scope: RateScope, hourly: i64, from: NaiveDate) -> Rate {
        Rate::new(scope, Decimal::from(hourly), eur(), from).unwrap()
    }

    fn table() -> RateTable {
        let person = |p: &str| RateScope::Person { person: p.into() };
        let project = |p: &str| RateScope::Project { project: p.into() };
        RateTable::new(vec![
            rate(RateScope::Default, 50, date(2020, 1, 1)),
            rate(RateScope::Default, 60, date(2026, 1, 1)),
            rate(project("P1"), 70, date(2026, 1, 1)),
            rate(person("ann"), 90, date(2026, 3, 1)),
            rate(person("ann"), 95, date(2026, 7, 1)),
            rate(
                RateScope::PersonProject {
                    person: "ann".into(),
                    project: "P1".into(),
                },
                110,
                date(2026, 1, 1),
            ),
            rate(
                RateScope::Attribute {
                    key: "workType".into(),
                    value: "consulting".into(),
                },
                150,
                date(2026, 1, 1),
            ),
            rate(
                RateScope::Attribute {
                    key: "account".into(),
                    value: "ACME".into(),
                },
                200,
                date(2026, 5, 1),
            ),
        ])
        .unwrap()
    }

    #[test]
    fn precedence_and_effective_dates() {
        let t = table();
        let consulting: &[(&str, &str)] = &[("workType", "consulting")];
        let acme_first: &[(&str, &str)] = &[("account", "ACME"), ("workType", "consulting")];
        /// (person, project, attributes, date, expected hourly)
        type Case<'a> = (&'a str, &'a str, &'a [(&'a str, &'a str)], NaiveDate, i64);
        let cases: &[Case] = &[
            ("bob", "P9", &[], date(2025, 6, 1), 50),   // default, old
            ("bob", "P9", &[], date(2026, 1, 1), 60),   // default, new from this day
            ("bob", "P9", &[], date(2025, 12, 31), 50), // the day before
            ("bob", "P1", &[], date(2026, 2, 1), 70),   // project
            ("ann", "P9", &[], date(2026, 2, 1), 60),   // person rate not yet in effect
            ("ann", "P9", &[], date(2026, 3, 1), 90),   // person
            ("ann", "P9", &[], date(2026, 7, 1), 95),   // person, latest
            ("ann", "P1", &[], date(2026, 3, 1), 110),  // person on project beats person
            ("ann", "P1", consulting, date(2026, 3, 1), 150), // attribute beats all
            ("ann", "P1", acme_first, date(2026, 4, 1), 150), // ACME not yet: next attribute
            ("ann", "P1", acme_first, date(2026, 5, 1), 200), // caller's attribute order
        ];
        for &(person, project, attributes, d, expected) in cases {
            let q = RateQuery {
                person,
                project,
                attributes,
                date: d,
            };
            assert_eq!(
                t.lookup(&q).unwrap().hourly,
                Decimal::from(expected),
                "{person} {project} {attributes:?} {d}"
            );
        }
        let q = RateQuery {
            person: "bob",
            project: "P9",
            attributes: &[],
            date: date(2019, 1, 1),
        };
        let err = t.lookup(&q).unwrap_err();
        assert!(err.is_not_found());
        assert_eq!(
            err.to_string(),
            r#"no hourly rate in effect on 2019-01-01 for person "bob" on project "P9""#
        );
    }

    #[test]
    fn rounding_happens_once_per_line() {
        let r = rate(RateScope::Default, 100, date(2026, 1, 1));
        let mut line = CostTotals::default();
        for _ in 0..3 {
            line.add(Seconds::from_minutes(20).unwrap(), &r).unwrap();
        }
        assert_eq!(line.totals().unwrap()[0].amount.to_string(), "100.00");
        // Rounding each worklog would have given 3 × 33.33 = 99.99.
        let each = round_to_minor(
            amount(Seconds::from_minutes(20).unwrap(), r.hourly).unwrap(),
            eur(),
        );
        assert_eq!(each.to_string(), "33.33");
    }

    #[test]
    fn minor_units_table() {
        for (code, units, amount, expected) in [
            ("EUR", 2, "10.005", "10.01"),
            ("USD", 2, "10.004", "10.00"),
            ("JPY", 0, "1234.5", "1235"),
            ("KRW", 0, "99.4", "99"),
            ("KWD", 3, "1.2345", "1.235"),
            ("BHD", 3, "7", "7.000"),
            ("CLF", 4, "1.00005", "1.0001"),
            ("XYZ", 2, "1", "1.00"),
        ] {
            let c = Currency::parse(code).unwrap();
            assert_eq!(c.minor_units(), units, "{code}");
            assert_eq!(
                round_to_minor(amount.parse().unwrap(), c).to_string(),
                expected,
                "{code}"
            );
        }
        assert!(
            MINOR_UNITS.windows(2).all(|w| w[0].0 < w[1].0),
            "table must stay sorted"
        );
    }

    #[test]
    fn currencies_are_kept_apart() {
        let usd = Currency::parse("USD").unwrap();
        let mut line = CostTotals::default();
        line.add(
            Seconds::new(3600).unwrap(),
            &rate(RateScope::Default, 10, date(2026, 1, 1)),
        )
        .unwrap();
        line.add(
            Seconds::new(1800).unwrap(),
            &Rate::new(RateScope::Default, Decimal::from(20), usd, date(2026, 1, 1)).unwrap(),
        )
        .unwrap();
        let totals: Vec<String> = line
            .totals()
            .unwrap()
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(totals, ["10.00 EUR", "10.00 USD"]);
    }

    #[test]
    fn rates_from_json() {
        let t: RateTable = serde_json::from_str(
            r#"[{"scope":"personProject","person":"ann","project":"P1","hourly":"110.50","currency":"eur","effectiveFrom":"2026-01-01"},
                {"scope":"default","hourly":80,"currency":"EUR","effectiveFrom":"2026-01-01"}]"#,
        )
        .unwrap();
        assert_eq!(t.rates().len(), 2);
        assert_eq!(t.rates()[0].hourly, Decimal::new(11050, 2));
        let err = serde_json::from_str::<RateTable>(
            r#"[{"scope":"default","hourly":-1,"currency":"EUR","effectiveFrom":"2026-01-01"}]"#,
        )
        .unwrap_err();
        assert!(err.to_string().contains("invalid hourly -1"), "{err}");
        assert!(Currency::parse("E1R").is_err());
        assert!(Currency::parse("€€€").is_err());
    }
}
