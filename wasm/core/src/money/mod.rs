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

mod rates;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::fmt;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::duration::Seconds;
use crate::error::{quote, Error};

pub use rates::{Rate, RateQuery, RateScope, RateTable};

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
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
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
