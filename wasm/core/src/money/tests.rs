//! Tests of currencies, rates and costs.

use chrono::NaiveDate;

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
