//! Hourly rates: whom or what each is for, and the table that finds the one
//! that applies to a worklog (see "Rates and precedence" in the module docs of
//! [`crate::money`]).

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::Currency;
use crate::error::{quote, Category, Error};

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
