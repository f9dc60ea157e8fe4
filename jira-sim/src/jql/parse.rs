//! JQL tokens into a [`Query`]: the grammar, and the names (projects, issues,
//! people, dates) resolved against the caller's view of the site.

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};

use super::lex::{syntax, tokenize, Token};
use super::{Cmp, Env, Operand, Pred, Query, SortKey};
use crate::error::{JiraError, Result};
use crate::world::{IssueType, Status};

impl Query {
    /// Parses and resolves `jql` for the caller in `env`.
    ///
    /// # Errors
    ///
    /// 400 with Jira-like messages for syntax errors, unknown fields, unsupported
    /// operators and values that do not exist (projects, issues, users).
    pub(crate) fn parse(jql: &str, env: &Env<'_>) -> Result<Query> {
        let mut p = Parser {
            tokens: tokenize(jql)?,
            pos: 0,
            env,
        };
        let filter = if p.peek().is_none() || p.at_order_by() {
            None
        } else {
            Some(p.or()?)
        };
        let mut order = Vec::new();
        if p.at_order_by() {
            p.pos += 2;
            loop {
                let Some(Token::Word(f)) = p.next() else {
                    return Err(syntax("expecting a field name after 'order by'"));
                };
                let key = match f.to_ascii_lowercase().as_str() {
                    "key" | "issuekey" => SortKey::Key,
                    "id" => SortKey::Id,
                    "created" => SortKey::Created,
                    "updated" => SortKey::Updated,
                    _ => {
                        return Err(JiraError::bad_request(format!(
                            "Field '{f}' does not exist or you do not have permission to view it."
                        )))
                    }
                };
                let desc = if is_kw(p.peek(), "desc") {
                    p.pos += 1;
                    true
                } else {
                    if is_kw(p.peek(), "asc") {
                        p.pos += 1;
                    }
                    false
                };
                order.push((key, desc));
                if p.peek() == Some(&Token::Comma) {
                    p.pos += 1;
                } else {
                    break;
                }
            }
        }
        if let Some(t) = p.peek() {
            return Err(syntax(&format!(
                "unexpected {t:?} at position {}",
                p.pos + 1
            )));
        }
        Ok(Query { filter, order })
    }
}

struct Parser<'a, 'e> {
    tokens: Vec<Token>,
    pos: usize,
    env: &'a Env<'e>,
}

fn is_kw(t: Option<&Token>, kw: &str) -> bool {
    matches!(t, Some(Token::Word(w)) if w.eq_ignore_ascii_case(kw))
}

impl Parser<'_, '_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn next(&mut self) -> Option<Token> {
        let t = self.tokens.get(self.pos).cloned();
        self.pos += 1;
        t
    }

    fn at_order_by(&self) -> bool {
        is_kw(self.peek(), "order") && is_kw(self.tokens.get(self.pos + 1), "by")
    }

    fn or(&mut self) -> Result<Pred> {
        let mut left = self.and()?;
        while is_kw(self.peek(), "or") {
            self.pos += 1;
            left = Pred::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Pred> {
        let mut left = self.not()?;
        while is_kw(self.peek(), "and") {
            self.pos += 1;
            left = Pred::And(Box::new(left), Box::new(self.not()?));
        }
        Ok(left)
    }

    fn not(&mut self) -> Result<Pred> {
        if is_kw(self.peek(), "not") {
            self.pos += 1;
            return Ok(Pred::Not(Box::new(self.not()?)));
        }
        if self.peek() == Some(&Token::LParen) {
            self.pos += 1;
            let inner = self.or()?;
            if self.next() != Some(Token::RParen) {
                return Err(syntax("expecting ')'"));
            }
            return Ok(inner);
        }
        self.clause()
    }

    fn operand(&mut self) -> Result<Operand> {
        match self.next() {
            Some(Token::Str(s)) => Ok(Operand::Text(s)),
            Some(Token::Word(w)) => {
                if self.peek() == Some(&Token::LParen) {
                    self.pos += 1;
                    if self.next() != Some(Token::RParen) {
                        return Err(syntax("functions with arguments are not supported"));
                    }
                    Ok(Operand::Func(w.to_ascii_lowercase()))
                } else {
                    // Periods such as `-4w 2d` span several words.
                    let mut text = w;
                    while text.starts_with(['-', '+'])
                        || text.chars().next().is_some_and(|c| c.is_ascii_digit())
                    {
                        match self.peek() {
                            Some(Token::Word(n))
                                if n.len() > 1
                                    && n.chars().next().is_some_and(|c| c.is_ascii_digit())
                                    && n.ends_with(['w', 'd', 'h', 'm'])
                                    && text.ends_with(['w', 'd', 'h', 'm']) =>
                            {
                                text = format!("{text} {n}");
                                self.pos += 1;
                            }
                            _ => break,
                        }
                    }
                    Ok(Operand::Text(text))
                }
            }
            other => Err(syntax(&format!("expecting a value but got {other:?}"))),
        }
    }

    fn clause(&mut self) -> Result<Pred> {
        let Some(Token::Word(field)) = self.next() else {
            return Err(syntax("expecting a field name"));
        };
        let lower = field.to_ascii_lowercase();
        // IS [NOT] EMPTY
        if is_kw(self.peek(), "is") {
            self.pos += 1;
            let negate = is_kw(self.peek(), "not");
            if negate {
                self.pos += 1;
            }
            if !(is_kw(self.peek(), "empty") || is_kw(self.peek(), "null")) {
                return Err(syntax("expecting EMPTY or NULL after IS"));
            }
            self.pos += 1;
            let pred = match lower.as_str() {
                "parent" => Pred::Parent(vec![None]),
                "labels" => Pred::Label(vec![None]),
                "component" => Pred::Component(vec![None]),
                "assignee" => Pred::Assignee(vec![None]),
                _ => return Err(unsupported_op(if negate { "is not" } else { "is" }, &field)),
            };
            return Ok(if negate {
                Pred::Not(Box::new(pred))
            } else {
                pred
            });
        }
        // [NOT] IN (list) or a comparison
        let (cmp, values, negate_in) = if is_kw(self.peek(), "in")
            || (is_kw(self.peek(), "not") && is_kw(self.tokens.get(self.pos + 1), "in"))
        {
            let negate = is_kw(self.peek(), "not");
            self.pos += if negate { 2 } else { 1 };
            if self.next() != Some(Token::LParen) {
                return Err(syntax("expecting '(' after IN"));
            }
            let mut values = Vec::new();
            loop {
                values.push(self.operand()?);
                match self.next() {
                    Some(Token::Comma) => continue,
                    Some(Token::RParen) => break,
                    _ => return Err(syntax("expecting ',' or ')' in a list")),
                }
            }
            (None, values, negate)
        } else {
            let cmp = match self.next() {
                Some(Token::Op("=")) => Cmp::Eq,
                Some(Token::Op("!=")) => Cmp::Ne,
                Some(Token::Op("<")) => Cmp::Lt,
                Some(Token::Op("<=")) => Cmp::Le,
                Some(Token::Op(">")) => Cmp::Gt,
                Some(Token::Op(">=")) => Cmp::Ge,
                Some(Token::Op(op)) => return Err(unsupported_op(op, &field)),
                other => {
                    return Err(syntax(&format!(
                        "expecting an operator after '{field}' but got {other:?}"
                    )))
                }
            };
            (Some(cmp), vec![self.operand()?], false)
        };

        let env = self.env;
        let time_field = matches!(lower.as_str(), "created" | "updated" | "worklogdate");
        if time_field {
            let Some(cmp) = cmp else {
                return Err(unsupported_op("in", &field));
            };
            let ms = self.instant(&values[0], &field)?;
            return Ok(match lower.as_str() {
                "created" => Pred::Created(cmp, ms),
                "updated" => Pred::Updated(cmp, ms),
                _ => {
                    let date = env
                        .tz
                        .timestamp_millis_opt(ms)
                        .single()
                        .map(|t| t.date_naive())
                        .unwrap_or_default();
                    Pred::WorklogDate(cmp, date)
                }
            });
        }
        let negate = match cmp {
            None => negate_in,
            Some(Cmp::Eq) => false,
            Some(Cmp::Ne) => true,
            Some(c) => {
                let op = match c {
                    Cmp::Lt => "<",
                    Cmp::Le => "<=",
                    Cmp::Gt => ">",
                    _ => ">=",
                };
                return Err(unsupported_op(op, &field));
            }
        };
        let pred = match lower.as_str() {
            "project" => Pred::Project(self.each(&values, |s| {
                env.world
                    .find_project(s)
                    .filter(|&p| env.access.can_browse(p))
                    .ok_or_else(|| no_value(s, "project"))
            })?),
            "key" | "issuekey" | "issue" | "id" => Pred::Issue(self.each(&values, |s| {
                env.world
                    .find_issue(s)
                    .filter(|&i| env.access.can_browse_issue(env.world, i))
                    .ok_or_else(|| {
                        JiraError::bad_request(format!(
                            "An issue with key '{s}' does not exist for field '{field}'."
                        ))
                    })
            })?),
            "parent" => Pred::Parent(self.each(&values, |s| {
                env.world
                    .find_issue(s)
                    .map(Some)
                    .ok_or_else(|| no_value(s, "parent"))
            })?),
            "issuetype" | "type" => Pred::Type(self.each(&values, |s| {
                IssueType::ALL
                    .into_iter()
                    .find(|t| t.name().eq_ignore_ascii_case(s) || t.id() == s)
                    .ok_or_else(|| no_value(s, "issuetype"))
            })?),
            "status" => Pred::Status(self.each(&values, |s| {
                Status::ALL
                    .into_iter()
                    .find(|t| t.name().eq_ignore_ascii_case(s) || t.id() == s)
                    .ok_or_else(|| no_value(s, "status"))
            })?),
            "labels" => Pred::Label(self.each(&values, |s| Ok(Some(s.to_owned())))?),
            "component" => Pred::Component(self.each(&values, |s| Ok(Some(s.to_owned())))?),
            "assignee" => {
                Pred::Assignee(self.users(&values, &field)?.into_iter().map(Some).collect())
            }
            "reporter" => Pred::Reporter(self.users(&values, &field)?),
            "worklogauthor" => Pred::WorklogAuthor(self.users(&values, &field)?),
            _ => {
                return Err(JiraError::bad_request(format!(
                    "Field '{field}' does not exist or you do not have permission to view it."
                )))
            }
        };
        Ok(if negate {
            Pred::Not(Box::new(pred))
        } else {
            pred
        })
    }

    fn each<T>(&self, values: &[Operand], mut f: impl FnMut(&str) -> Result<T>) -> Result<Vec<T>> {
        values
            .iter()
            .map(|v| match v {
                Operand::Text(s) => f(s),
                Operand::Func(name) => Err(JiraError::bad_request(format!(
                    "Error in the JQL Query: the function '{name}' is not supported here."
                ))),
            })
            .collect()
    }

    fn users(&self, values: &[Operand], field: &str) -> Result<Vec<u32>> {
        values
            .iter()
            .map(|v| match v {
                Operand::Func(f) if f == "currentuser" => Ok(self.env.access.account),
                Operand::Text(s) => self.env.world.find_account(s).ok_or_else(|| {
                    JiraError::bad_request(format!(
                        "The value '{s}' does not exist for the field '{field}'."
                    ))
                }),
                Operand::Func(f) => Err(JiraError::bad_request(format!(
                    "Error in the JQL Query: the function '{f}' is not supported here."
                ))),
            })
            .collect()
    }

    /// A date value as an instant in the caller's zone.
    fn instant(&self, v: &Operand, field: &str) -> Result<i64> {
        let env = self.env;
        let bad = |s: &str| {
            JiraError::bad_request(format!(
                "Date value '{s}' for field '{field}' is invalid. Valid formats include: \
                 'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period \
                 format e.g. '-5d', '4w 2d'."
            ))
        };
        let s = match v {
            Operand::Func(f) if f == "now" => return Ok(env.now_ms),
            Operand::Func(f) => return Err(bad(&format!("{f}()"))),
            Operand::Text(s) => s.as_str(),
        };
        if let Some(offset) = period_ms(s) {
            return Ok(env.now_ms.saturating_add(offset));
        }
        let naive = ["%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M"]
            .iter()
            .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
            .or_else(|| {
                ["%Y-%m-%d", "%Y/%m/%d"]
                    .iter()
                    .find_map(|f| NaiveDate::parse_from_str(s, f).ok())
                    .map(|d| d.and_time(NaiveTime::MIN))
            })
            .ok_or_else(|| bad(s))?;
        env.tz
            .from_local_datetime(&naive)
            .earliest()
            .map(|t| t.timestamp_millis())
            .ok_or_else(|| bad(s))
    }
}

/// A JQL period such as `-5d`, `4w 2d` or `-30m`, in milliseconds (weeks are
/// calendar weeks, days 24 hours).
pub(super) fn period_ms(s: &str) -> Option<i64> {
    let (sign, rest) = match s.strip_prefix('-') {
        Some(r) => (-1, r),
        None => (1, s.strip_prefix('+').unwrap_or(s)),
    };
    let mut total = Duration::zero();
    let mut any = false;
    for part in rest.split_whitespace() {
        let (at, unit) = part.char_indices().last()?;
        let n: i64 = part[..at].parse().ok()?;
        let d = match unit {
            'w' => Duration::try_weeks(n),
            'd' => Duration::try_days(n),
            'h' => Duration::try_hours(n),
            'm' => Duration::try_minutes(n),
            _ => None,
        }?;
        total = total.checked_add(&d)?;
        any = true;
    }
    any.then(|| sign * total.num_milliseconds())
}

fn unsupported_op(op: &str, field: &str) -> JiraError {
    JiraError::bad_request(format!(
        "The operator '{op}' is not supported by the '{field}' field."
    ))
}

fn no_value(value: &str, field: &str) -> JiraError {
    JiraError::bad_request(format!(
        "The value '{value}' does not exist for the field '{field}'."
    ))
}
