//! A small subset of JQL, enough for an app that syncs and reports on worklogs.
//!
//! Supported: clauses joined with `AND`, `OR`, `NOT` and parentheses; fields
//! `project`, `key`/`issuekey`/`issue`, `id`, `parent`, `issuetype`/`type`,
//! `status`, `labels`, `component`, `assignee`, `reporter`, `worklogAuthor`
//! (with `=`, `!=`, `IN`, `NOT IN`, `IS [NOT] EMPTY`), and `created`, `updated`,
//! `worklogDate` (with `=`, `!=`, `<`, `<=`, `>`, `>=`); values as words, quoted
//! strings, `currentUser()` and `now()`; dates as `yyyy-MM-dd`, `yyyy/MM/dd`, either
//! with ` HH:mm`, or periods like `-5d` and `-4w 2d` (in the caller's time zone);
//! `ORDER BY key|id|created|updated [ASC|DESC], …`. Anything else is a 400 with a
//! Jira-like message, so an app cannot come to rely on JQL the simulator ignores.
//!
//! A hand-written recursive-descent parser: no maintained crate parses JQL.

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use chrono_tz::Tz;

use crate::error::{JiraError, Result};
use crate::world::{Access, IssueType, Status, World};

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Word(String),
    Str(String),
    Op(&'static str),
    LParen,
    RParen,
    Comma,
}

fn tokenize(input: &str) -> Result<Vec<Token>> {
    let mut out = Vec::new();
    let chars: Vec<char> = input.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            c if c.is_whitespace() => i += 1,
            '(' => {
                out.push(Token::LParen);
                i += 1;
            }
            ')' => {
                out.push(Token::RParen);
                i += 1;
            }
            ',' => {
                out.push(Token::Comma);
                i += 1;
            }
            '"' | '\'' => {
                let mut s = String::new();
                i += 1;
                loop {
                    match chars.get(i) {
                        None => return Err(syntax("a quoted value is not closed")),
                        Some('\\') => {
                            if let Some(&n) = chars.get(i + 1) {
                                s.push(n);
                            }
                            i += 2;
                        }
                        Some(&q) if q == c => {
                            i += 1;
                            break;
                        }
                        Some(&ch) => {
                            s.push(ch);
                            i += 1;
                        }
                    }
                }
                out.push(Token::Str(s));
            }
            '=' | '!' | '<' | '>' | '~' => {
                let next = chars.get(i + 1).copied();
                let (op, len) = match (c, next) {
                    ('!', Some('=')) => ("!=", 2),
                    ('!', Some('~')) => ("!~", 2),
                    ('<', Some('=')) => ("<=", 2),
                    ('>', Some('=')) => (">=", 2),
                    ('=', _) => ("=", 1),
                    ('<', _) => ("<", 1),
                    ('>', _) => (">", 1),
                    ('~', _) => ("~", 1),
                    _ => return Err(syntax("the character '!' is misplaced")),
                };
                out.push(Token::Op(op));
                i += len;
            }
            _ => {
                let start = i;
                while i < chars.len()
                    && !chars[i].is_whitespace()
                    && !"()=,!<>~\"'".contains(chars[i])
                {
                    i += 1;
                }
                out.push(Token::Word(chars[start..i].iter().collect()));
            }
        }
    }
    Ok(out)
}

fn syntax(detail: &str) -> JiraError {
    JiraError::bad_request(format!("Error in the JQL Query: {detail}."))
}

/// A value in a clause.
#[derive(Debug, Clone, PartialEq)]
enum Operand {
    Text(String),
    Func(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cmp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Cmp {
    fn test<T: PartialOrd>(self, a: T, b: T) -> bool {
        match self {
            Cmp::Eq => a == b,
            Cmp::Ne => a != b,
            Cmp::Lt => a < b,
            Cmp::Le => a <= b,
            Cmp::Gt => a > b,
            Cmp::Ge => a >= b,
        }
    }
}

/// A compiled condition on one issue.
#[derive(Debug, Clone, PartialEq)]
enum Pred {
    And(Box<Pred>, Box<Pred>),
    Or(Box<Pred>, Box<Pred>),
    Not(Box<Pred>),
    Project(Vec<u32>),
    Issue(Vec<u32>),
    Parent(Vec<Option<u32>>),
    Type(Vec<IssueType>),
    Status(Vec<Status>),
    Label(Vec<Option<String>>),
    Component(Vec<Option<String>>),
    Assignee(Vec<Option<u32>>),
    Reporter(Vec<u32>),
    WorklogAuthor(Vec<u32>),
    Created(Cmp, i64),
    Updated(Cmp, i64),
    WorklogDate(Cmp, NaiveDate),
}

/// What to sort by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SortKey {
    Key,
    Id,
    Created,
    Updated,
}

/// A compiled query: a filter (none means unbounded) and an order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Query {
    filter: Option<Pred>,
    order: Vec<(SortKey, bool)>,
}

/// What a query is evaluated against.
pub(crate) struct Env<'a> {
    pub world: &'a World,
    pub access: &'a Access,
    pub tz: Tz,
    pub now_ms: i64,
}

struct Parser<'a, 'e> {
    tokens: Vec<Token>,
    pos: usize,
    env: &'a Env<'e>,
}

fn is_kw(t: Option<&Token>, kw: &str) -> bool {
    matches!(t, Some(Token::Word(w)) if w.eq_ignore_ascii_case(kw))
}

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

    /// Whether the query has no search restriction (Jira refuses those here).
    pub(crate) fn is_unbounded(&self) -> bool {
        self.filter.is_none()
    }

    /// The issues the caller may browse that match, in the query's order
    /// (default: by id).
    pub(crate) fn run(&self, env: &Env<'_>) -> Vec<u32> {
        let world = env.world;
        let mut hits: Vec<u32> = (0..world.issues.len() as u32)
            .filter(|&i| env.access.can_browse(world.issues[i as usize].project))
            .filter(|&i| self.filter.as_ref().is_none_or(|p| p.test(env, i)))
            .collect();
        if !self.order.is_empty() {
            hits.sort_by(|&a, &b| {
                let (a, b) = (&world.issues[a as usize], &world.issues[b as usize]);
                for &(key, desc) in &self.order {
                    let ord = match key {
                        SortKey::Key => (&world.projects[a.project as usize].key, a.num)
                            .cmp(&(&world.projects[b.project as usize].key, b.num)),
                        SortKey::Id => a.id.cmp(&b.id),
                        SortKey::Created => a.created.cmp(&b.created),
                        SortKey::Updated => a.updated.cmp(&b.updated),
                    };
                    let ord = if desc { ord.reverse() } else { ord };
                    if ord.is_ne() {
                        return ord;
                    }
                }
                a.id.cmp(&b.id)
            });
        }
        hits
    }
}

impl Pred {
    fn test(&self, env: &Env<'_>, i: u32) -> bool {
        let world = env.world;
        let issue = &world.issues[i as usize];
        match self {
            Pred::And(a, b) => a.test(env, i) && b.test(env, i),
            Pred::Or(a, b) => a.test(env, i) || b.test(env, i),
            Pred::Not(a) => !a.test(env, i),
            Pred::Project(ps) => ps.contains(&issue.project),
            Pred::Issue(is) => is.contains(&i),
            Pred::Parent(ps) => ps.contains(&issue.parent),
            Pred::Type(ts) => ts.contains(&issue.issue_type),
            Pred::Status(ss) => ss.contains(&issue.status),
            Pred::Label(ls) => ls.iter().any(|l| match l {
                None => issue.labels.is_empty(),
                Some(l) => issue.labels.iter().any(|x| x.eq_ignore_ascii_case(l)),
            }),
            Pred::Component(cs) => {
                let project = &world.projects[issue.project as usize];
                cs.iter().any(|c| match c {
                    None => issue.components.is_empty(),
                    Some(c) => issue
                        .components
                        .iter()
                        .any(|&x| project.components[x as usize].name.eq_ignore_ascii_case(c)),
                })
            }
            Pred::Assignee(us) => us.contains(&issue.assignee),
            Pred::Reporter(us) => us.contains(&issue.reporter),
            Pred::WorklogAuthor(us) => issue.worklogs.iter().any(|&w| {
                let wl = &world.worklogs[w as usize];
                us.contains(&wl.author) && env.access.can_see(world, wl)
            }),
            Pred::Created(c, t) => c.test(issue.created, *t),
            Pred::Updated(c, t) => c.test(issue.updated, *t),
            Pred::WorklogDate(c, d) => issue.worklogs.iter().any(|&w| {
                let wl = &world.worklogs[w as usize];
                env.access.can_see(world, wl)
                    && env
                        .tz
                        .timestamp_millis_opt(wl.started)
                        .single()
                        .is_some_and(|t| c.test(t.date_naive(), *d))
            }),
        }
    }
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
                    .filter(|&i| env.access.can_browse(env.world.issues[i as usize].project))
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
fn period_ms(s: &str) -> Option<i64> {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(world: &World, jql: &str, who: &str) -> Result<Vec<String>> {
        let a = world.find_account(who).unwrap_or(0);
        let access = world.access(a);
        let env = Env {
            world,
            access: &access,
            tz: world.accounts[a as usize].tz,
            now_ms: 1_795_500_000_000,
        };
        let q = Query::parse(jql, &env)?;
        Ok(q.run(&env)
            .into_iter()
            .map(|i| world.issue_key(&world.issues[i as usize]))
            .collect())
    }

    #[test]
    fn queries() {
        let w = World::demo(1);
        let alpha = keys(&w, "project = ALPHA", "alice").unwrap_or_default();
        assert!(alpha.len() >= 20 && alpha.iter().all(|k| k.starts_with("ALPHA-")));
        assert_eq!(
            keys(&w, "key in (ALPHA-2, beta-3) ORDER BY key DESC", "alice").unwrap_or_default(),
            ["BETA-3", "ALPHA-2"]
        );
        assert_eq!(
            keys(&w, "project = ALPHA AND issuetype = Epic", "bob").unwrap_or_default(),
            ["ALPHA-1"]
        );
        // OPS is invisible to alice: naming it is an error, as in Jira.
        assert_eq!(
            keys(&w, "project = OPS", "alice").map_err(|e| e.status),
            Err(400)
        );
        assert!(keys(&w, "project in (OPS) OR key = OPS-2", "frank").is_ok_and(|k| k.len() >= 6));
        assert_eq!(
            keys(&w, "nonsense = 1", "alice").map_err(|e| e.status),
            Err(400)
        );
        assert_eq!(
            keys(&w, "project = ", "alice").map_err(|e| e.status),
            Err(400)
        );
        assert_eq!(
            keys(&w, "project ~ ALPHA", "alice").map_err(|e| e.status),
            Err(400)
        );
        let updated =
            keys(&w, "updated >= \"2026-01-01\" AND project = BETA", "carol").unwrap_or_default();
        assert!(!updated.is_empty());
        assert!(keys(&w, "updated >= -4w 2d", "carol").is_ok());
        assert!(keys(
            &w,
            "worklogAuthor = currentUser() AND worklogDate >= 2026-11-01",
            "carol"
        )
        .is_ok_and(|k| !k.is_empty()));
        assert!(keys(&w, "parent = ALPHA-1 AND NOT status = Done", "alice")
            .is_ok_and(|k| !k.is_empty()));
    }

    #[test]
    fn order_by_only_is_unbounded() {
        let w = World::demo(1);
        let access = w.access(0);
        let env = Env {
            world: &w,
            access: &access,
            tz: Tz::UTC,
            now_ms: 0,
        };
        assert!(Query::parse("order by key desc", &env).is_ok_and(|q| q.is_unbounded()));
        assert!(Query::parse("", &env).is_ok_and(|q| q.is_unbounded()));
    }

    #[test]
    fn periods() {
        assert_eq!(period_ms("-5d"), Some(-5 * 86_400_000));
        assert_eq!(period_ms("4w 2d"), Some(30 * 86_400_000));
        assert_eq!(period_ms("-30m"), Some(-1_800_000));
        assert_eq!(period_ms("2026-01-01"), None);
        assert_eq!(period_ms("-5é"), None);
        assert_eq!(period_ms("99999999999999999w"), None);
    }
}
