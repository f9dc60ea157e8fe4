//! The engine of `sync.full` and `sync.incremental`: the phases of a run, in
//! rounds, each ending with a checkpoint.
//!
//! - **worklogs**: read `worklog/updated` from the run's position, a round of
//!   up to `parallel` pages (1000 ids each); fetch the worklogs with
//!   `worklog/list` (`expand=properties`), every page of the round in one
//!   batch; store them with their issues; record the feed's position. While a
//!   round is being stored, the next round's feed pages are read and its
//!   worklogs fetched.
//! - **deletions**: read `worklog/deleted` likewise and delete the rows.
//! - **issues** (incremental runs): sweep the issues Jira updated since the
//!   last sweep (`updated >= -Nm`, ids only) and fetch again those the index
//!   holds: moves between projects, new parents, edited fields.
//! - **refresh** (after the custom fields changed, or a rebuild): fetch every
//!   indexed issue again, in keyset order.
//! - **done**: the run's positions become the next run's start.
//!
//! Before each round the engine asks whether Jira's quota, as its last answer
//! stated it, can pay for the round ([`pace`]): if not, it waits for a window
//! that ends soon, or ends the slice at its checkpoint, so that a spent quota
//! never cuts a round in the middle (which the next run would read again).

use futures::future::try_join_all;
use serde::Deserialize;
use serde_json::json;

use super::state::{Finished, Phase, State, SWEEP_MARGIN_MS};
use super::{IdPage, Slice};
use crate::executor::Ctx;
use crate::index::{self, fetch_issues, IssueFetch, Plan, RawWorklog, Stored, WorklogRow, Written};
use crate::jira::call::pace;
use crate::jira::{Call, JiraPath};
use crate::Error;

/// Ids per feed page and per `worklog/list` call (Jira's limit).
const PAGE: usize = 1000;

/// Issue ids per page of the sweep (Jira's limit when only ids are asked for).
const SWEEP_PAGE: usize = 5000;

/// Issues per refresh round.
const REFRESH_ROUND: usize = 1000;

/// The points of Jira's quota a round of `ids` worklog ids costs, about: a
/// point a request and one an object returned, for the feed's pages, the
/// worklogs' and the new issues' (some one for 20 worklogs).
fn round_points(ids: usize) -> u64 {
    let pages = ids.div_ceil(PAGE) as u64;
    let ids = ids as u64;
    2 * ids + ids / 20 + 4 * pages + 4
}

/// The points storing a round of `ids` read ids costs, about.
fn store_points(ids: usize) -> u64 {
    round_points(ids) - ids as u64
}

/// One page of `worklog/updated` or `worklog/deleted`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct FeedPage {
    #[serde(default)]
    values: Vec<Change>,
    #[serde(default)]
    until: i64,
    #[serde(default)]
    last_page: Option<bool>,
    #[serde(default)]
    next_page: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Change {
    worklog_id: i64,
    #[serde(default)]
    updated_time: i64,
}

/// Which feed.
#[derive(Clone, Copy)]
enum Feed {
    Updated,
    Deleted,
}

/// Feed pages read together.
struct Round {
    /// Worklog ids, without repeats, in feed order.
    ids: Vec<i64>,
    /// The feed's position after these pages.
    until: i64,
    /// Whether the feed has no more pages now.
    last: bool,
    /// The time of the first change in the round.
    first_time: Option<i64>,
}

/// Reads feed pages from `since` until `want` ids are gathered or the feed ends.
async fn walk(ctx: &Ctx, feed: Feed, since: i64, want: usize) -> Result<Round, Error> {
    // Literal paths, so that the scope check (tests/node/scopes.mjs) finds them.
    let feed_path = match feed {
        Feed::Updated => JiraPath::api(&["worklog", "updated"]),
        Feed::Deleted => JiraPath::api(&["worklog", "deleted"]),
    };
    let mut round = Round {
        ids: Vec::new(),
        until: since,
        last: false,
        first_time: None,
    };
    let mut seen = std::collections::BTreeSet::new();
    let mut position = since;
    loop {
        let path = feed_path.clone().query("since", &position.to_string());
        let page: FeedPage = Call::get(path).as_app().patient().json(ctx).await?;
        let full_page = page.values.len() >= PAGE;
        for change in &page.values {
            round.first_time.get_or_insert(change.updated_time);
            if seen.insert(change.worklog_id) {
                round.ids.push(change.worklog_id);
            }
        }
        let last = page.last_page.unwrap_or(page.next_page.is_none());
        if last {
            round.last = true;
            round.until = page.until.max(position);
            return Ok(round);
        }
        // A full page ends at its last item's time, which the next page repeats.
        // Should a whole page share one instant, step past it rather than loop.
        position = if page.until > position || !full_page {
            page.until.max(position)
        } else {
            position + 1
        };
        round.until = position;
        if round.ids.len() >= want {
            return Ok(round);
        }
    }
}

/// Fetches worklogs by id with their properties, 1000 per call, all at once.
async fn list_worklogs(ctx: &Ctx, ids: &[i64]) -> Result<Vec<WorklogRow>, Error> {
    let path = JiraPath::api(&["worklog", "list"]).query("expand", "properties");
    let pages = try_join_all(ids.chunks(PAGE).map(|chunk| {
        let body = json!({ "ids": chunk }).to_string();
        let call = Call::post(path.clone(), body).as_app().patient();
        async move { call.json::<Vec<RawWorklog>>(ctx).await }
    }))
    .await?;
    let app = index::app_account_for(ctx, pages.iter().flatten()).await?;
    pages
        .iter()
        .flatten()
        .map(|raw| WorklogRow::from_jira(raw, app.as_deref()))
        .collect()
}

/// A round's worklogs, read ahead while the round before is written.
enum Ahead {
    /// Nothing read yet.
    None,
    /// Listed; planned once the round before is written.
    Listed(Vec<WorklogRow>),
    /// Listed and planned against the index as the round before leaves it.
    Planned(Box<Plan>),
}

/// Plans a round's store: the approvals' watch, then the store's reads
/// and decisions ([`index::plan_worklogs`]).
#[derive(Clone, Copy)]
struct Planner<'a> {
    ctx: &'a Ctx,
    site: i64,
    fetch: &'a IssueFetch,
}

impl Planner<'_> {
    fn how(&self) -> index::How<'_> {
        index::How {
            site: self.site,
            fetch: self.fetch,
            source: index::JournalSource::Sync,
            force: false,
        }
    }

    /// Plans a round's store after the approvals' watch, as every store of
    /// Jira's worklogs is: a restore the watch makes writes the index, which
    /// the plan then reads.
    async fn plan(self, rows: Vec<WorklogRow>) -> Result<Plan, Error> {
        crate::ops::approval::drift::watch(self.ctx, &rows, &[]).await?;
        index::plan_worklogs(self.ctx, &self.how(), &rows, None).await
    }

    /// Plans a round's store beside the write of the round before, reading
    /// the index as `before` leaves it, when no period is locked: the watch
    /// would find nothing, so it is left out. `None` when a period is locked:
    /// a restore the watch made would write the index beside that write, so
    /// the round is planned after it ([`Planner::plan`]).
    async fn plan_beside(
        self,
        rows: &[WorklogRow],
        before: &Written,
    ) -> Result<Option<Plan>, Error> {
        let how = self.how();
        let (locked, plan) = futures::join!(
            index::approvals::any_locked(self.ctx),
            index::plan_worklogs(self.ctx, &how, rows, Some(before))
        );
        if locked? {
            return Ok(None);
        }
        plan.map(Some)
    }
}

/// A run's phases, driven for one slice.
pub struct Engine<'a> {
    /// The run's context.
    pub ctx: &'a Ctx,
    /// The installation's site number.
    pub site: i64,
    /// How issues are fetched.
    pub fetch: &'a IssueFetch,
    /// The slice's budget.
    pub slice: Slice,
    /// The checkpoint, as it is being advanced.
    pub state: State,
    /// Items handled in this slice (against the budget).
    pub handled: u64,
    /// What this slice stored.
    pub stored: Stored,
}

impl<'a> Engine<'a> {
    /// Runs phases until the slice's budget is spent or the run is finished.
    ///
    /// # Errors
    ///
    /// Jira's and the database's errors; the checkpoint stays at the last
    /// round that was completely written.
    pub async fn run(&mut self) -> Result<(), Error> {
        let now = self.ctx.context().now_ms;
        if let Some(until) = self.state.quota_until_ms.filter(|u| *u > now) {
            return Err(pace::not_yet(until - now));
        }
        loop {
            let Some(run) = &self.state.run else {
                return Ok(());
            };
            let phase = run.phase;
            if phase != Phase::Done && self.handled >= self.slice.max_worklogs {
                return Ok(());
            }
            if phase != Phase::Done {
                let points = round_points(self.slice.parallel * PAGE);
                if !pace::room_for(self.ctx, points).await? {
                    return self.paced(points).await;
                }
            }
            match phase {
                Phase::Worklogs => self.worklogs().await?,
                Phase::Deletions => self.deletions().await?,
                Phase::Issues => self.sweep().await?,
                Phase::Refresh => self.refresh().await?,
                Phase::Done => return self.finish().await,
            }
        }
    }

    /// Ends the slice because Jira's quota cannot pay for the next round of
    /// `points` before a window that ends later: at its checkpoint when it
    /// wrote a round, or with `upstream` when it did nothing yet. Records
    /// when the window ends, so the next slice sends nothing before.
    async fn paced(&mut self, points: u64) -> Result<(), Error> {
        if let Some(ms) = pace::known(self.ctx).reset_in_ms {
            let now = self.ctx.context().now_ms;
            self.state.quota_until_ms = Some(now.saturating_add(i64::from(ms)));
            self.state.save(self.ctx).await?;
        }
        if self.handled > 0 {
            Ok(())
        } else {
            Err(pace::spent(self.ctx, points))
        }
    }

    /// Advances the run in the state (after a round was written) and saves it.
    async fn checkpoint(
        &mut self,
        stored: Stored,
        handled: u64,
        advance: impl FnOnce(&mut State),
    ) -> Result<(), Error> {
        advance(&mut self.state);
        if let Some(run) = &mut self.state.run {
            run.totals.add(stored);
        }
        self.state.save(self.ctx).await?;
        self.stored.add(stored);
        self.handled += handled;
        Ok(())
    }

    /// The phase after deletions.
    fn after_deletions(&self) -> Phase {
        match &self.state.run {
            Some(run) if !run.full => Phase::Issues,
            _ => self.after_sweep(),
        }
    }

    fn after_sweep(&self) -> Phase {
        if self.state.refresh_after.is_some() {
            Phase::Refresh
        } else {
            Phase::Done
        }
    }

    async fn worklogs(&mut self) -> Result<(), Error> {
        let ctx = self.ctx;
        let want = self.slice.parallel * PAGE;
        let since = self.state.run.as_ref().map_or(0, |r| r.updated_since);
        let mut round = walk(ctx, Feed::Updated, since, want).await?;
        let mut ahead = Ahead::None;
        // The round after `round`, read while `round` was written.
        let mut after: Option<(Round, Vec<WorklogRow>)> = None;
        loop {
            let store = store_points(round.ids.len());
            if !pace::room_for(ctx, store).await? {
                return self.paced(store).await;
            }
            let mut plan = match ahead {
                Ahead::Planned(plan) => *plan,
                Ahead::Listed(listed) => self.plan(listed).await?,
                Ahead::None => {
                    let listed = list_worklogs(ctx, &round.ids).await?;
                    self.plan(listed).await?
                }
            };
            let handled = self.handled + round.ids.len() as u64;
            // Another round after this one only when the quota can pay for
            // both (this round is stored while the next one is read).
            let ends = round.last
                || handled >= self.slice.max_worklogs
                || !pace::affords(ctx, store + round_points(want));
            if ends {
                return self.write_round(&round, plan).await;
            }
            // Write this round while the next one is planned, against the
            // index as this round leaves it, and the one after is read: Jira
            // answers and the component works while the database writes. The
            // next round was read while this one was written, so its reads go
            // out with this round's first write (the first round of a slice
            // reads it first).
            let written = plan.take_written();
            let planner = self.as_planner();
            let max = self.slice.max_worklogs;
            let (stored, following) = futures::join!(self.write_round(&round, plan), async {
                let (next, listed) = match after.take() {
                    Some(read) => read,
                    None => {
                        let next = walk(ctx, Feed::Updated, round.until, want).await?;
                        let listed = list_worklogs(ctx, &next.ids).await?;
                        (next, listed)
                    }
                };
                let next_store = store_points(next.ids.len());
                let read_on = !next.last
                    && handled + (next.ids.len() as u64) < max
                    && pace::affords(ctx, next_store + round_points(want));
                let planned = async {
                    let beside = match &written {
                        Some(written) if pace::affords(ctx, next_store) => {
                            planner.plan_beside(&listed, written).await?
                        }
                        _ => None,
                    };
                    Ok::<_, Error>(match beside {
                        Some(plan) => Ahead::Planned(Box::new(plan)),
                        None => Ahead::Listed(listed),
                    })
                };
                let read = async {
                    if !read_on {
                        return Ok(None);
                    }
                    let later = walk(ctx, Feed::Updated, next.until, want).await?;
                    let listed = list_worklogs(ctx, &later.ids).await?;
                    Ok::<_, Error>(Some((later, listed)))
                };
                let (planned, read) = futures::join!(planned, read);
                Ok::<_, Error>((next, planned?, read?))
            });
            stored?;
            (round, ahead, after) = following?;
        }
    }

    /// What planning a round needs of the engine, apart from its state.
    fn as_planner(&self) -> Planner<'a> {
        Planner {
            ctx: self.ctx,
            site: self.site,
            fetch: self.fetch,
        }
    }

    async fn plan(&self, rows: Vec<WorklogRow>) -> Result<Plan, Error> {
        self.as_planner().plan(rows).await
    }

    async fn write_round(&mut self, round: &Round, plan: Plan) -> Result<(), Error> {
        let stored = plan.write(self.ctx).await?;
        let next_phase = round.last.then_some(Phase::Deletions);
        let (until, first) = (round.until, round.first_time);
        self.checkpoint(stored, round.ids.len() as u64, |state| {
            if let Some(run) = &mut state.run {
                run.updated_since = until;
                if run.first_ms.is_none() {
                    run.first_ms = first;
                }
                if let Some(phase) = next_phase {
                    run.phase = phase;
                }
            }
        })
        .await
    }

    async fn deletions(&mut self) -> Result<(), Error> {
        let since = self.state.run.as_ref().map_or(0, |r| r.deleted_since);
        let round = walk(self.ctx, Feed::Deleted, since, self.slice.parallel * PAGE).await?;
        let deleted = if round.ids.is_empty() {
            0
        } else {
            crate::ops::approval::drift::watch(self.ctx, &[], &round.ids).await?;
            index::delete_worklogs(self.ctx, self.site, &round.ids, index::JournalSource::Sync)
                .await?
        };
        let next_phase = round.last.then(|| self.after_deletions());
        let stored = Stored {
            deleted,
            ..Stored::default()
        };
        self.checkpoint(stored, round.ids.len() as u64, |state| {
            if let Some(run) = &mut state.run {
                run.deleted_since = round.until;
                if let Some(phase) = next_phase {
                    run.phase = phase;
                }
            }
        })
        .await
    }

    /// Fetches again the indexed issues that Jira updated since the last sweep.
    async fn sweep(&mut self) -> Result<(), Error> {
        let ctx = self.ctx;
        let now = ctx.context().now_ms;
        let (since, started) = match &mut self.state.run {
            Some(run) => (run.issues_since, *run.sweep_started_ms.get_or_insert(now)),
            None => return Ok(()),
        };
        let minutes = (started - since + SWEEP_MARGIN_MS).max(0) / 60_000 + 1;
        let jql = format!("updated >= \"-{minutes}m\" ORDER BY id");
        let path = JiraPath::api(&["search", "jql"]);
        let mut token: Option<String> = None;
        let mut stored = Stored::default();
        let mut seen = 0u64;
        loop {
            let mut body = json!({ "jql": jql, "maxResults": SWEEP_PAGE });
            if let (Some(token), Some(fields)) = (&token, body.as_object_mut()) {
                fields.insert("nextPageToken".to_owned(), json!(token));
            }
            let call = Call::post(path.clone(), body.to_string())
                .as_app()
                .patient();
            let page: IdPage = call.json(ctx).await?;
            let ids: Vec<i64> = page
                .issues
                .iter()
                .filter_map(|i| i.id.parse().ok())
                .collect();
            seen += ids.len() as u64;
            let indexed = index::issues::indexed(ctx, self.site, &ids).await?;
            if !indexed.is_empty() {
                let (issues, gone) = fetch_issues(ctx, &indexed, self.fetch).await?;
                stored.add(
                    index::store_issues(ctx, self.site, issues, &gone, index::JournalSource::Sync)
                        .await?,
                );
            }
            match page.next_page_token {
                Some(next) if !ids.is_empty() && token.as_deref() != Some(next.as_str()) => {
                    token = Some(next)
                }
                _ => break,
            }
        }
        let next_phase = self.after_sweep();
        self.checkpoint(stored, seen / 10, |state| {
            if let Some(run) = &mut state.run {
                run.issues_since = started;
                run.phase = next_phase;
            }
        })
        .await
    }

    /// Fetches the next indexed issues again, in id order.
    async fn refresh(&mut self) -> Result<(), Error> {
        let ctx = self.ctx;
        let after = self.state.refresh_after.unwrap_or(0);
        let ids = index::issues::ids_after(ctx, self.site, after, REFRESH_ROUND).await?;
        let Some(&last) = ids.last() else {
            let next_phase = Phase::Done;
            return self
                .checkpoint(Stored::default(), 0, |state| {
                    state.refresh_after = None;
                    if let Some(run) = &mut state.run {
                        run.phase = next_phase;
                    }
                })
                .await;
        };
        let (issues, gone) = fetch_issues(ctx, &ids, self.fetch).await?;
        let stored =
            index::store_issues(ctx, self.site, issues, &gone, index::JournalSource::Sync).await?;
        self.checkpoint(stored, ids.len() as u64, |state| {
            state.refresh_after = Some(last);
        })
        .await
    }

    /// Makes the run's positions the next run's start.
    async fn finish(&mut self) -> Result<(), Error> {
        let Some(run) = self.state.run.take() else {
            return Ok(());
        };
        let now = self.ctx.context().now_ms;
        self.state.updated_since = run.updated_since;
        self.state.deleted_since = run.deleted_since;
        self.state.issues_since = if run.full {
            run.started_ms
        } else {
            run.sweep_started_ms.unwrap_or(run.issues_since)
        };
        if run.full {
            self.state.imported = true;
        }
        let finished = Finished {
            full: run.full,
            started_ms: run.started_ms,
            finished_ms: now,
            totals: run.totals,
        };
        if run.full {
            self.state.last_full = Some(finished.clone());
        } else {
            self.state.last_incremental = Some(finished.clone());
        }
        self.state.last = Some(finished);
        self.state.save(self.ctx).await
    }
}
