//! A feed's query over a table of cells (the flat export's rows, or the ids of
//! deleted rows): a typed filter tree, an order and a selection of columns,
//! checked against the table's [`Column`]s and applied to each row's
//! [`Cell`]s, and each row written as a JSON object.
//!
//! A host parses a query syntax (OData's `$filter`, `$orderby`, `$select`)
//! into these types, with the 1-based position of each part in its text; what
//! a row matches, how rows compare and which values a column takes are decided
//! here. Errors name the column and the position (`reason()`:
//! `unknown-column`, `type-mismatch`, `not-comparable`, `too-deep`).
//!
//! ```
//! use worklogs_core::export::feed::{Filter, Query};
//! use worklogs_core::export::{Cell, Column, ColumnKind};
//!
//! let columns = [Column::new("id", ColumnKind::Text), Column::new("seconds", ColumnKind::Integer)];
//! let filter: Filter = serde_json::from_str(
//!     r#"{"and": [{"column": "seconds", "op": "ge", "value": {"number": "3600"}, "at": 1},
//!                 {"not": {"column": "id", "op": "eq", "value": {"text": "7"}, "at": 20}}]}"#,
//! )?;
//! let query = Query::check(&columns, Some(&filter), &[], &[])?;
//! assert!(query.accepts(&[Cell::text("8"), Cell::Integer(5400)]));
//! assert!(!query.accepts(&[Cell::text("7"), Cell::Integer(5400)]));
//! assert_eq!(query.row_json(&columns, &[Cell::text("8"), Cell::Integer(5400)])?, r#"{"id":"8","seconds":5400}"#);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::cmp::Ordering;
use std::fmt::Write as _;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Deserialize;

use super::{Cell, Column, ColumnKind};
use crate::calendar::{format_utc, parse_instant, Instant};
use crate::error::{quote, Error};

/// How deep a filter may nest (`and`, `or`, `not`); deeper is refused.
pub const MAX_DEPTH: usize = 32;

/// A literal of a filter, typed by its syntax (`'text'`, `12.5`,
/// `2026-03-01`, `2026-03-01T00:00:00Z`, `true`, `null`).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Literal {
    /// A text.
    Text(String),
    /// A number, as written (`-12`, `1.50`).
    Number(String),
    /// A date, `yyyy-mm-dd`.
    Date(String),
    /// An instant with its offset (RFC 3339).
    DateTime(String),
    /// `true` or `false`.
    Boolean(bool),
    /// `null`.
    Null,
}

/// A comparison operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Op {
    /// Equal.
    Eq,
    /// Not equal.
    Ne,
    /// Greater than.
    Gt,
    /// Greater than or equal.
    Ge,
    /// Less than.
    Lt,
    /// Less than or equal.
    Le,
}

/// A filter: comparisons of a column with a literal, combined.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Filter {
    /// Both hold.
    And(Box<Filter>, Box<Filter>),
    /// Either holds.
    Or(Box<Filter>, Box<Filter>),
    /// It does not hold.
    Not(Box<Filter>),
    /// `column op value`.
    #[serde(untagged)]
    Compare {
        /// The column's name.
        column: String,
        /// The operator.
        op: Op,
        /// The literal.
        value: Literal,
        /// Where the comparison starts in the query text (1-based; 0: unknown).
        #[serde(default)]
        at: usize,
    },
}

/// A column named in `$orderby` or `$select`, with where it was named.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Named {
    /// The column's name.
    pub column: String,
    /// Descending (order only).
    #[serde(default)]
    pub descending: bool,
    /// Where it was named in the query text (1-based; 0: unknown).
    #[serde(default)]
    pub at: usize,
}

/// A literal checked against its column's kind.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Value {
    Null,
    Text(String),
    Number(Decimal),
    Boolean(bool),
    Date(NaiveDate),
    DateTime(Instant),
}

/// A checked filter: columns by index, literals typed.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Test {
    And(Box<Test>, Box<Test>),
    Or(Box<Test>, Box<Test>),
    Not(Box<Test>),
    Compare { index: usize, op: Op, value: Value },
}

/// A query checked against a table's columns, ready to test, order and write
/// rows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Query {
    test: Option<Test>,
    order: Vec<(usize, bool)>,
    select: Option<Vec<usize>>,
}

fn position(at: usize) -> String {
    if at == 0 {
        String::new()
    } else {
        format!(" at position {at}")
    }
}

fn column_index(columns: &[Column], name: &str, at: usize) -> Result<usize, Error> {
    columns.iter().position(|c| c.name == name).ok_or_else(|| {
        Error::invalid(
            "unknown-column",
            format!(
                "no column {}{} (columns: {})",
                quote(name),
                position(at),
                columns
                    .iter()
                    .map(|c| c.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )
        .at(at)
    })
}

fn kind_name(kind: ColumnKind) -> &'static str {
    match kind {
        ColumnKind::Text => "text",
        ColumnKind::Integer | ColumnKind::Decimal => "a number",
        ColumnKind::Boolean => "a boolean",
        ColumnKind::Date | ColumnKind::Month => "a date",
        ColumnKind::DateTime => "a date-time",
        ColumnKind::List => "a list",
    }
}

fn typed(column: &Column, literal: &Literal, at: usize) -> Result<Value, Error> {
    let mismatch = |what: &str| {
        Error::invalid(
            "type-mismatch",
            format!(
                "column {} is {}, compared with {what}{}",
                quote(&column.name),
                kind_name(column.kind),
                position(at)
            ),
        )
        .at(at)
    };
    let bad = |what: &str, text: &str| {
        Error::invalid(
            "type-mismatch",
            format!("invalid {what} {}{}", quote(text), position(at)),
        )
        .at(at)
    };
    match (column.kind, literal) {
        (ColumnKind::List, _) => Err(Error::invalid(
            "not-comparable",
            format!(
                "column {} is a list: it cannot be compared{}",
                quote(&column.name),
                position(at)
            ),
        )
        .at(at)),
        (_, Literal::Null) => Ok(Value::Null),
        (ColumnKind::Text, Literal::Text(t)) => Ok(Value::Text(t.clone())),
        (ColumnKind::Integer | ColumnKind::Decimal, Literal::Number(n)) => n
            .parse::<Decimal>()
            .or_else(|_| Decimal::from_scientific(n))
            .map(Value::Number)
            .map_err(|_| bad("number", n)),
        (ColumnKind::Boolean, Literal::Boolean(b)) => Ok(Value::Boolean(*b)),
        (ColumnKind::Date | ColumnKind::Month, Literal::Date(d)) => d
            .parse::<NaiveDate>()
            .map(Value::Date)
            .map_err(|_| bad("date", d)),
        (ColumnKind::DateTime, Literal::DateTime(t)) => parse_instant(t)
            .map(Value::DateTime)
            .map_err(|_| bad("date-time", t)),
        (_, Literal::Text(_)) => Err(mismatch("a text")),
        (_, Literal::Number(_)) => Err(mismatch("a number")),
        (_, Literal::Boolean(_)) => Err(mismatch("a boolean")),
        (_, Literal::Date(_)) => Err(mismatch("a date")),
        (_, Literal::DateTime(_)) => Err(mismatch("a date-time")),
    }
}

fn check(columns: &[Column], filter: &Filter, depth: usize) -> Result<Test, Error> {
    if depth > MAX_DEPTH {
        return Err(Error::invalid(
            "too-deep",
            format!("the filter nests deeper than {MAX_DEPTH} levels"),
        ));
    }
    let next = depth.saturating_add(1);
    Ok(match filter {
        Filter::And(a, b) => Test::And(
            Box::new(check(columns, a, next)?),
            Box::new(check(columns, b, next)?),
        ),
        Filter::Or(a, b) => Test::Or(
            Box::new(check(columns, a, next)?),
            Box::new(check(columns, b, next)?),
        ),
        Filter::Not(a) => Test::Not(Box::new(check(columns, a, next)?)),
        Filter::Compare {
            column,
            op,
            value,
            at,
        } => {
            let index = column_index(columns, column, *at)?;
            let kind = columns.get(index).map(|c| typed(c, value, *at));
            let value = kind.ok_or_else(|| Error::invalid("unknown-column", String::new()))??;
            Test::Compare {
                index,
                op: *op,
                value,
            }
        }
    })
}

/// How a cell compares with a value; `None` when either is null.
fn cmp_cell(cell: &Cell, value: &Value) -> Option<Ordering> {
    match (cell, value) {
        (Cell::Text(t), Value::Text(v)) => Some(t.as_ref().cmp(v.as_str())),
        (Cell::Integer(i), Value::Number(v)) => Some(Decimal::from(*i).cmp(v)),
        (Cell::Decimal(d), Value::Number(v)) => Some(d.cmp(v)),
        (Cell::Boolean(b), Value::Boolean(v)) => Some(b.cmp(v)),
        (Cell::Date(d), Value::Date(v)) => Some(d.cmp(v)),
        (Cell::DateTime(t), Value::DateTime(v)) => Some(t.cmp(v)),
        _ => None,
    }
}

fn holds(test: &Test, cells: &[Cell]) -> bool {
    match test {
        Test::And(a, b) => holds(a, cells) && holds(b, cells),
        Test::Or(a, b) => holds(a, cells) || holds(b, cells),
        Test::Not(a) => !holds(a, cells),
        Test::Compare { index, op, value } => {
            let cell = cells.get(*index).unwrap_or(&Cell::Empty);
            let null = matches!(cell, Cell::Empty);
            let ord = cmp_cell(cell, value);
            let equal = match value {
                Value::Null => null,
                _ => ord == Some(Ordering::Equal),
            };
            match op {
                Op::Eq => equal,
                Op::Ne => !equal,
                Op::Gt => ord == Some(Ordering::Greater),
                Op::Ge => matches!(ord, Some(Ordering::Greater | Ordering::Equal)),
                Op::Lt => ord == Some(Ordering::Less),
                Op::Le => matches!(ord, Some(Ordering::Less | Ordering::Equal)),
            }
        }
    }
}

/// How two cells of one column order; nulls first.
pub fn compare_cells(a: &Cell, b: &Cell) -> Ordering {
    match (a, b) {
        (Cell::Empty, Cell::Empty) => Ordering::Equal,
        (Cell::Empty, _) => Ordering::Less,
        (_, Cell::Empty) => Ordering::Greater,
        (Cell::Text(x), Cell::Text(y)) => x.cmp(y),
        (Cell::Integer(x), Cell::Integer(y)) => x.cmp(y),
        (Cell::Decimal(x), Cell::Decimal(y)) => x.cmp(y),
        (Cell::Boolean(x), Cell::Boolean(y)) => x.cmp(y),
        (Cell::Date(x), Cell::Date(y)) => x.cmp(y),
        (Cell::DateTime(x), Cell::DateTime(y)) => x.cmp(y),
        _ => Ordering::Equal,
    }
}

/// The bounds a filter puts on a date-time column, `[from, until)` in
/// milliseconds, when its top-level conjunction compares that column with
/// instants: rows outside them never match, so a reader may skip them.
fn bounds_of(test: &Test, index: usize, out: &mut (i64, i64)) {
    match test {
        Test::And(a, b) => {
            bounds_of(a, index, out);
            bounds_of(b, index, out);
        }
        Test::Compare {
            index: i,
            op,
            value: Value::DateTime(t),
        } if *i == index => {
            let ms = t.millis();
            match op {
                Op::Ge => out.0 = out.0.max(ms),
                Op::Gt => out.0 = out.0.max(ms.saturating_add(1)),
                Op::Lt => out.1 = out.1.min(ms),
                Op::Le => out.1 = out.1.min(ms.saturating_add(1)),
                Op::Eq => {
                    out.0 = out.0.max(ms);
                    out.1 = out.1.min(ms.saturating_add(1));
                }
                Op::Ne => {}
            }
        }
        _ => {}
    }
}

impl Query {
    /// Checks `filter`, `order_by` and `select` against `columns`.
    ///
    /// # Errors
    ///
    /// Invalid input `unknown-column` for a name no column has,
    /// `type-mismatch` for a literal of another type than its column (or
    /// malformed), `not-comparable` for a list column in a comparison or an
    /// order, `too-deep` past [`MAX_DEPTH`]; each with the position given.
    pub fn check(
        columns: &[Column],
        filter: Option<&Filter>,
        order_by: &[Named],
        select: &[Named],
    ) -> Result<Query, Error> {
        let test = filter.map(|f| check(columns, f, 0)).transpose()?;
        let mut order = Vec::with_capacity(order_by.len());
        for named in order_by {
            let index = column_index(columns, &named.column, named.at)?;
            if columns
                .get(index)
                .is_some_and(|c| c.kind == ColumnKind::List)
            {
                return Err(Error::invalid(
                    "not-comparable",
                    format!(
                        "column {} is a list: rows cannot be ordered by it{}",
                        quote(&named.column),
                        position(named.at)
                    ),
                )
                .at(named.at));
            }
            order.push((index, named.descending));
        }
        let select = if select.is_empty() {
            None
        } else {
            let mut indexes = Vec::with_capacity(select.len());
            for named in select {
                let index = column_index(columns, &named.column, named.at)?;
                if !indexes.contains(&index) {
                    indexes.push(index);
                }
            }
            indexes.sort_unstable();
            Some(indexes)
        };
        Ok(Query {
            test,
            order,
            select,
        })
    }

    /// Whether the row `cells` matches the filter (always, without one).
    pub fn accepts(&self, cells: &[Cell]) -> bool {
        self.test.as_ref().is_none_or(|t| holds(t, cells))
    }

    /// The order asked for: column indexes, descending or not.
    pub fn order(&self) -> &[(usize, bool)] {
        &self.order
    }

    /// How two rows compare under the order asked for.
    pub fn compare(&self, a: &[Cell], b: &[Cell]) -> Ordering {
        for (index, descending) in &self.order {
            let x = a.get(*index).unwrap_or(&Cell::Empty);
            let y = b.get(*index).unwrap_or(&Cell::Empty);
            let ord = compare_cells(x, y);
            let ord = if *descending { ord.reverse() } else { ord };
            if ord != Ordering::Equal {
                return ord;
            }
        }
        Ordering::Equal
    }

    /// The range `[from, until)` (epoch milliseconds) the filter's top-level
    /// conjunction allows for the date-time column at `index`;
    /// `(i64::MIN, i64::MAX)` when it sets none.
    pub fn bounds(&self, index: usize) -> (i64, i64) {
        let mut out = (i64::MIN, i64::MAX);
        if let Some(test) = &self.test {
            bounds_of(test, index, &mut out);
        }
        out
    }

    /// Whether the filter bounds the column at `index` at all.
    pub fn bounds_column(&self, index: usize) -> bool {
        self.bounds(index) != (i64::MIN, i64::MAX)
    }

    /// The row as a JSON object: the selected columns (all without a
    /// selection) by name, in the columns' order; text as strings, numbers
    /// (whole and decimal) as JSON numbers, booleans, dates and date-times as
    /// ISO strings, lists as arrays, missing values as `null`.
    ///
    /// # Errors
    ///
    /// Invalid input `out-of-range` for an instant beyond chrono's dates.
    pub fn row_json(&self, columns: &[Column], cells: &[Cell]) -> Result<String, Error> {
        let mut out = String::from("{");
        let mut first = true;
        for (index, (column, cell)) in columns.iter().zip(cells).enumerate() {
            if self.select.as_ref().is_some_and(|s| !s.contains(&index)) {
                continue;
            }
            if !first {
                out.push(',');
            }
            first = false;
            push_json_text(&mut out, &column.name);
            out.push(':');
            match cell {
                Cell::Empty => out.push_str("null"),
                Cell::Text(t) => push_json_text(&mut out, t),
                // Writing into a `String` cannot fail.
                Cell::Integer(i) => {
                    let _ = write!(out, "{i}");
                }
                Cell::Decimal(d) => {
                    let _ = write!(out, "{d}");
                }
                Cell::Boolean(b) => out.push_str(if *b { "true" } else { "false" }),
                // `NaiveDate`'s own text is ISO 8601's (`%Y-%m-%d`).
                Cell::Date(d) => {
                    let _ = write!(out, "\"{d}\"");
                }
                Cell::DateTime(t) => push_json_text(&mut out, &format_utc(*t)?),
                Cell::List(items) => {
                    out.push('[');
                    for (i, item) in items.iter().enumerate() {
                        if i > 0 {
                            out.push(',');
                        }
                        push_json_text(&mut out, item);
                    }
                    out.push(']');
                }
            }
        }
        out.push('}');
        Ok(out)
    }
}

/// `text` as a JSON string. Most texts need no escape (JSON escapes only
/// `"`, `\\` and control characters): those are copied as they are, the
/// rest written by `serde_json`.
fn push_json_text(out: &mut String, text: &str) {
    if text.bytes().any(|b| b == b'"' || b == b'\\' || b < 0x20) {
        // Serializing a string into JSON cannot fail.
        out.push_str(&serde_json::to_string(text).unwrap_or_default());
    } else {
        out.push('"');
        out.push_str(text);
        out.push('"');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_texts_and_dates_are_written_as_serde_json_and_chrono_write_them() {
        for text in [
            "",
            "plain",
            "quote \" back\\slash",
            "tab\tnew\nline\u{1}",
            "ümlaut €",
            "a/b",
        ] {
            let mut out = String::new();
            push_json_text(&mut out, text);
            assert_eq!(out, serde_json::to_string(text).unwrap(), "{text:?}");
        }
        for (y, m, d) in [
            (2026, 5, 24),
            (1, 1, 1),
            (9999, 12, 31),
            (10000, 1, 1),
            (-1, 12, 31),
        ] {
            let date = NaiveDate::from_ymd_opt(y, m, d).unwrap();
            assert_eq!(date.to_string(), date.format("%Y-%m-%d").to_string());
        }
    }

    fn columns() -> Vec<Column> {
        vec![
            Column::new("id", ColumnKind::Text),
            Column::new("started_utc", ColumnKind::DateTime),
            Column::new("local_date", ColumnKind::Date),
            Column::new("seconds", ColumnKind::Integer),
            Column::new("hours", ColumnKind::Decimal),
            Column::new("billable", ColumnKind::Boolean),
            Column::new("labels", ColumnKind::List),
            Column::new("parent", ColumnKind::Text),
        ]
    }

    fn filter(json: &str) -> Filter {
        serde_json::from_str(json).unwrap()
    }

    fn row<'a>(id: &'a str, started: &str, seconds: i64, parent: Option<&'a str>) -> Vec<Cell<'a>> {
        let at = parse_instant(started).unwrap();
        vec![
            Cell::text(id),
            Cell::DateTime(at),
            Cell::Date(crate::calendar::local_date(at, crate::calendar::Zone::UTC).unwrap()),
            Cell::Integer(seconds),
            Cell::Decimal(Decimal::new(seconds * 100 / 3600, 2)),
            Cell::Boolean(seconds > 3000),
            Cell::List(&[]),
            Cell::opt_text(parent),
        ]
    }

    #[test]
    fn comparisons_of_each_type() {
        let c = columns();
        let r = row("7", "2026-03-02T10:00:00Z", 3600, None);
        let yes = [
            r#"{"column":"id","op":"eq","value":{"text":"7"}}"#,
            r#"{"column":"started_utc","op":"ge","value":{"dateTime":"2026-03-02T10:00:00Z"}}"#,
            r#"{"column":"started_utc","op":"lt","value":{"dateTime":"2026-03-02T12:00:00+01:00"}}"#,
            r#"{"column":"local_date","op":"eq","value":{"date":"2026-03-02"}}"#,
            r#"{"column":"seconds","op":"gt","value":{"number":"3599.5"}}"#,
            r#"{"column":"hours","op":"le","value":{"number":"1"}}"#,
            r#"{"column":"billable","op":"eq","value":{"boolean":true}}"#,
            r#"{"column":"parent","op":"eq","value":"null"}"#,
            r#"{"not":{"column":"parent","op":"ne","value":"null"}}"#,
            r#"{"or":[{"column":"id","op":"eq","value":{"text":"x"}},{"column":"id","op":"ne","value":{"text":"x"}}]}"#,
        ];
        for text in yes {
            let q = Query::check(&c, Some(&filter(text)), &[], &[]).unwrap();
            assert!(q.accepts(&r), "{text}");
        }
        let no = [
            r#"{"column":"id","op":"ne","value":{"text":"7"}}"#,
            r#"{"column":"parent","op":"gt","value":{"text":"A"}}"#,
            r#"{"column":"parent","op":"eq","value":{"text":"A"}}"#,
            r#"{"and":[{"column":"seconds","op":"gt","value":{"number":"1"}},{"column":"seconds","op":"lt","value":{"number":"1"}}]}"#,
        ];
        for text in no {
            let q = Query::check(&c, Some(&filter(text)), &[], &[]).unwrap();
            assert!(!q.accepts(&r), "{text}");
        }
    }

    #[test]
    fn errors_name_the_column_and_position() {
        let c = columns();
        let cases = [
            (
                r#"{"column":"nope","op":"eq","value":{"text":"7"},"at":5}"#,
                "unknown-column",
            ),
            (
                r#"{"column":"seconds","op":"eq","value":{"text":"7"},"at":5}"#,
                "type-mismatch",
            ),
            (
                r#"{"column":"started_utc","op":"eq","value":{"date":"2026-01-01"},"at":5}"#,
                "type-mismatch",
            ),
            (
                r#"{"column":"local_date","op":"eq","value":{"date":"2026-02-30"},"at":5}"#,
                "type-mismatch",
            ),
            (
                r#"{"column":"labels","op":"eq","value":{"text":"x"},"at":5}"#,
                "not-comparable",
            ),
        ];
        for (text, reason) in cases {
            let err = Query::check(&c, Some(&filter(text)), &[], &[]).unwrap_err();
            assert_eq!(err.reason(), reason, "{text}");
            assert_eq!(err.position(), Some(5), "{text}");
            assert!(err.message().contains("position 5"), "{}", err.message());
        }
        let mut deep = r#"{"column":"id","op":"eq","value":{"text":"7"}}"#.to_owned();
        for _ in 0..40 {
            deep = format!(r#"{{"not":{deep}}}"#);
        }
        let err = Query::check(&c, Some(&filter(&deep)), &[], &[]).unwrap_err();
        assert_eq!(err.reason(), "too-deep");
    }

    #[test]
    fn order_select_and_bounds() {
        let c = columns();
        let order = [Named {
            column: "seconds".into(),
            descending: true,
            at: 1,
        }];
        let select = [
            Named {
                column: "seconds".into(),
                descending: false,
                at: 1,
            },
            Named {
                column: "id".into(),
                descending: false,
                at: 9,
            },
        ];
        let f = filter(
            r#"{"and":[{"column":"started_utc","op":"ge","value":{"dateTime":"2026-03-01T00:00:00Z"}},
                       {"column":"started_utc","op":"lt","value":{"dateTime":"2026-04-01T00:00:00Z"}}]}"#,
        );
        let q = Query::check(&c, Some(&f), &order, &select).unwrap();
        let a = row("1", "2026-03-02T10:00:00Z", 60, None);
        let b = row("2", "2026-03-02T10:00:00Z", 120, Some("P-1"));
        assert_eq!(q.compare(&a, &b), Ordering::Greater);
        assert_eq!(q.row_json(&c, &b).unwrap(), r#"{"id":"2","seconds":120}"#);
        assert_eq!(q.bounds(1), (1_772_323_200_000, 1_775_001_600_000));
        assert!(!q.bounds_column(2));
        let all = Query::check(&c, None, &[], &[]).unwrap();
        assert_eq!(
            all.row_json(&c, &b).unwrap(),
            r#"{"id":"2","started_utc":"2026-03-02T10:00:00.000Z","local_date":"2026-03-02","seconds":120,"hours":0.03,"billable":false,"labels":[],"parent":"P-1"}"#
        );
        let bad = [Named {
            column: "labels".into(),
            descending: false,
            at: 3,
        }];
        assert_eq!(
            Query::check(&c, None, &bad, &[]).unwrap_err().reason(),
            "not-comparable"
        );
    }
}
