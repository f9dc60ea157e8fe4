//! The host's performer: SQL statements in order, Jira requests and waits
//! concurrently.
//!
//! One batch holds whatever the component asked for at once. The SQL statements
//! run one after the other in the order given, while every Jira request of the
//! batch is in flight at the same time; the two kinds proceed side by side.

use std::sync::Arc;

use futures::future::{join, join_all};

use crate::jira::{Bearer, Jira};
use crate::limits::Limits;
use crate::protocol::{Answer, Context, Effect, Outcome, Request};
use crate::runtime::Performer;
use crate::sql::{self, Database, Quotas};

/// Performs effects against a database and a Jira site.
pub struct Effects {
    database: Arc<dyn Database>,
    jira: Jira,
    limits: Limits,
    quotas: Quotas,
}

impl Effects {
    /// Effects on `database` and `jira`, under `limits`.
    pub fn new(database: Arc<dyn Database>, jira: Jira, limits: Limits) -> Effects {
        Effects {
            database,
            jira,
            quotas: Quotas::new(&limits),
            limits,
        }
    }

    /// The database statements run on.
    pub fn database(&self) -> &dyn Database {
        &*self.database
    }

    /// The SQL quotas per installation (query time per minute, DML rate).
    pub fn quotas(&self) -> &Quotas {
        &self.quotas
    }

    /// The Jira site requests go to.
    pub fn jira(&self) -> &Jira {
        &self.jira
    }
}

impl Performer for Effects {
    async fn perform(&self, ctx: &Context, requests: Vec<Request>) -> Vec<Answer> {
        self.perform_as(ctx, None, requests).await
    }
}

/// The effects of a task run for a signed-in person: their user requests to
/// Jira carry their [`Bearer`] credential.
pub struct AsPerson<'a> {
    /// The host's effects.
    pub effects: &'a Effects,
    /// The person's credential.
    pub bearer: &'a Bearer,
}

impl Performer for AsPerson<'_> {
    async fn perform(&self, ctx: &Context, requests: Vec<Request>) -> Vec<Answer> {
        self.effects
            .perform_as(ctx, Some(self.bearer), requests)
            .await
    }
}

impl Effects {
    /// Performs `requests` for `ctx`, the user's Jira requests with `bearer`
    /// when given.
    async fn perform_as(
        &self,
        ctx: &Context,
        bearer: Option<&Bearer>,
        requests: Vec<Request>,
    ) -> Vec<Answer> {
        let mut sql_ids = Vec::new();
        let mut statements = Vec::new();
        let mut calls = Vec::new();
        let mut waits = Vec::new();
        for request in requests {
            match request.effect {
                Effect::Sql(statement) => {
                    sql_ids.push(request.id);
                    statements.push(statement);
                }
                Effect::Jira(call) => calls.push((request.id, call)),
                Effect::Sleep(ms) => waits.push((request.id, ms)),
            }
        }
        let waits = crate::sleep::perform(waits);
        let account = ctx.account_id.as_deref();
        let jira = join_all(calls.iter().map(|(id, call)| async move {
            Answer {
                id: *id,
                outcome: Outcome::Jira(self.jira.perform_as(account, bearer, call).await),
            }
        }));
        // Forge SQL's quotas: refused statements never reach the engine; the
        // batch's time counts against the installation's minute.
        let (admitted, paced) = self.quotas.admit(&ctx.installation, &statements);
        let passed: Vec<_> = statements
            .into_iter()
            .zip(&admitted)
            .filter_map(|(statement, admitted)| admitted.is_ok().then_some(statement))
            .collect();
        let installation = &ctx.installation;
        let sql = async move {
            if !paced.is_zero() {
                tokio::time::sleep(paced).await;
            }
            let any = !passed.is_empty();
            let started = std::time::Instant::now();
            let (done, took) = sql::perform_timed(&*self.database, &self.limits, passed).await;
            let mut done = done.into_iter();
            if any {
                self.quotas
                    .spend(installation, took.unwrap_or_else(|| started.elapsed()));
            }
            admitted
                .into_iter()
                .map(|admitted| match admitted {
                    Ok(()) => done.next().unwrap_or_else(|| {
                        Err(crate::protocol::TaskError::internal(
                            "the database skipped a statement",
                        ))
                    }),
                    Err(refused) => Err(refused),
                })
                .collect::<Vec<_>>()
        };
        let ((rows, mut answers), waited) = join(join(sql, jira), waits).await;
        answers.extend(waited);
        answers.extend(sql_ids.into_iter().zip(rows).map(|(id, rows)| Answer {
            id,
            outcome: Outcome::Sql(rows),
        }));
        answers
    }
}
