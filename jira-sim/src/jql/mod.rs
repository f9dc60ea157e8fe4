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

mod lex;
mod parse;
#[cfg(test)]
mod tests;

use chrono::{NaiveDate, TimeZone};
use chrono_tz::Tz;

use crate::world::{Access, IssueType, Status, World};

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

impl Query {
    /// Whether the query has no search restriction (Jira refuses those here).
    pub(crate) fn is_unbounded(&self) -> bool {
        self.filter.is_none()
    }

    /// The issues the caller may browse that match, in the query's order
    /// (default: by id).
    pub(crate) fn run(&self, env: &Env<'_>) -> Vec<u32> {
        let world = env.world;
        let mut hits: Vec<u32> = (0..world.issues.len() as u32)
            .filter(|&i| env.access.can_browse_issue(world, i))
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
