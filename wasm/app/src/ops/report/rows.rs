//! Reading the index for reports and exports: bounded keyset pages of
//! worklogs, filtered for the viewer, turned into the core's [`FlatRow`]s.
//!
//! A page is one `SELECT` over `worklogs` (joined with its issue; the reads
//! are [`crate::index::report`]'s), in
//! `(started, id)` or `(updated, id)` order after the last key read, with the
//! viewer's projects and people as `IN` lists (so SQL skips what they may not
//! see) and `LIMIT`. The dictionary entries and parent issues the page refers
//! to are read next, in one batch, and kept for the task. Then each row's
//! visibility is checked ([`Viewer::sees`]), and the issues whose project or
//! security level leaves it open are checked with Jira
//! ([`Viewer::check_issues`]). What the rows it may see need comes last, in
//! one batch: display names from Jira (`user/bulk`, kept for the task),
//! comments (exports only) from the journal or `worklog/list`
//! ([`Reader::comments`]), and the authors' locked approval periods.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;
use serde_json::Value as Json;
use worklogs_core::approval::{worklog_approval_state, PeriodSpan, State as ApprovalState};
use worklogs_core::attributes::{property_key, Definitions};
use worklogs_core::calendar::Instant;
use worklogs_core::duration::Seconds;
use worklogs_core::export::flat::FlatRow;

use crate::access::{principal, Viewer};
use crate::adf;
use crate::executor::Ctx;
use crate::index::journal::JournalSettings;
use crate::index::report::{GroupColumns, IssueCheck, ParentRow, ReportRow};
pub use crate::index::report::{Order, Range};
use crate::index::{self, dict_id, Kind};
use crate::jira::types::{User, ValuesPage};
use crate::jira::{self, Call, JiraPath};
use crate::{store, Error};

/// Rows per SQL page: as many as stay under the page's response cap
/// (3.5 MiB, under Forge SQL's 4 MiB) whatever the rows hold
/// ([`index::report::MAX_PAGE_ROWS`]: 1,692 rows of at most 2,168 bytes).
#[cfg(not(test))]
pub const PAGE_ROWS: usize = index::report::MAX_PAGE_ROWS;
/// Smaller pages in tests, so that the demo's 1537 worklogs take several.
#[cfg(test)]
pub const PAGE_ROWS: usize = 300;
/// Account ids per `user/bulk` request.
const USERS_PER_REQUEST: usize = 100;

/// A row read, with its key for the next page.
#[derive(Debug)]
pub struct Row {
    /// The order column's value.
    pub at: i64,
    /// The worklog id.
    pub id: i64,
    /// The row as the exporters and the engine take it.
    pub flat: FlatRow,
}

/// What one grouped read answered, seen or not.
#[derive(Clone, Copy, Debug, Default)]
pub struct Counted {
    /// Groups.
    pub groups: usize,
    /// Worklogs in them.
    pub worklogs: u64,
    /// Whether the database was asked (not when the viewer may see no
    /// project or no author at all).
    pub asked: bool,
}

/// The most issues with a security level a grouped read lists
/// ([`index::report::MAX_LISTED_SECURED`]; tests may lower it).
fn listed_secured() -> usize {
    #[cfg(test)]
    if let Some(cap) = LISTED_SECURED.with(std::cell::Cell::get) {
        return cap;
    }
    index::report::MAX_LISTED_SECURED
}

#[cfg(test)]
thread_local! {
    /// Tests only: lists at most this many issues with a security level
    /// (`Some(0)`: a site with any joins `issues`).
    pub(crate) static LISTED_SECURED: std::cell::Cell<Option<usize>> =
        const { std::cell::Cell::new(None) };
}

/// What stands for a visibility that cannot be resolved: no visibility
/// parses from it, so [`Viewer::sees`] hides the row.
const UNRESOLVED: &str = "<unresolved visibility>";

/// Reads pages of one site in one order, keeping what rows refer to for the
/// task.
#[derive(Debug)]
pub struct Reader {
    site: i64,
    order: Order,
    comments: bool,
    projects: Option<Vec<i64>>,
    authors: Option<Vec<i64>>,
    dict: BTreeMap<i64, String>,
    /// The kind of each dictionary entry read (`dict.kind`).
    kinds: BTreeMap<i64, i64>,
    /// The visibility entries whose text hashes to their id
    /// ([`Reader::visibility_text`]), checked once per entry.
    visibilities: BTreeSet<i64>,
    /// What entries the rows refer to read as, decoded once per entry.
    decoded: Decoded,
    parents: BTreeMap<i64, ParentRow>,
    /// Display names by author (dictionary id), once looked up.
    names: BTreeMap<i64, String>,
    /// Whether display names are looked up at all ([`Reader::without_names`]).
    want_names: bool,
    /// The site's attribute definitions, once read.
    definitions: Option<Definitions>,
    /// Per attribute set (dictionary id): whether it fits the definitions.
    attributes_fit: BTreeMap<i64, bool>,
    /// Whether any period of the installation is locked, once asked: without
    /// one, every worklog is open and no period is read.
    any_locked: Option<bool>,
    /// Whether the next [`Reader::page`] reads the page after it while Jira
    /// answers for its comments ([`Reader::read_ahead`]).
    read_ahead: bool,
    /// The next page's rows, so read, with what they were read for.
    ahead: Option<ReadAhead>,
    /// Whether the worklog journal keeps comments, once read: then comments
    /// are read from it rather than from Jira ([`Reader::comments`]).
    journal_comments: Option<bool>,
    /// The site's issues with a security level, once read for a grouped
    /// read that can name them (inside: `None` when too many to list;
    /// [`index::report::secured_issues`]).
    secured: Option<Option<BTreeMap<i64, i64>>>,
}

/// A page read ahead: the rows after `after` in `range` for the scope
/// `(projects, authors)`, at most `limit`.
#[derive(Debug)]
struct ReadAhead {
    range: (i64, i64),
    after: Option<(i64, i64)>,
    scope: (Option<Vec<i64>>, Option<Vec<i64>>),
    limit: usize,
    rows: Vec<ReportRow>,
}

/// The locked periods of each author (dictionary id) a page refers to.
type Periods = BTreeMap<i64, Vec<PeriodSpan>>;

/// Dictionary entries decoded as the rows use them, by entry id: each text
/// is parsed once per task, not once per row that refers to it.
#[derive(Debug, Default)]
struct Decoded {
    /// Statuses' names.
    statuses: BTreeMap<i64, String>,
    /// Components and labels.
    lists: BTreeMap<i64, Vec<String>>,
    /// Attribute sets that fit the definitions: billable, and the values.
    attributes: BTreeMap<i64, (bool, BTreeMap<String, String>)>,
}

/// Whether `key` is an export attribute key (lower snake case, ≤ 64).
fn is_attribute_key(key: &str) -> bool {
    let mut chars = key.chars();
    key.len() <= 64
        && chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// A worklog's attributes (the property's canonical JSON): whether it is
/// billable, and the other values by snake-case key.
pub fn attributes(text: Option<&str>) -> (bool, BTreeMap<String, String>) {
    let mut billable = false;
    let mut out = BTreeMap::new();
    let Some(Ok(Json::Object(map))) = text.map(serde_json::from_str::<Json>) else {
        return (billable, out);
    };
    for (key, value) in map {
        if key == "billable" {
            billable = value.as_bool().unwrap_or(false);
            continue;
        }
        let key = property_key(&key);
        if !is_attribute_key(&key) {
            continue;
        }
        let value = match value {
            Json::String(s) => s,
            Json::Null => continue,
            other => other.to_string(),
        };
        out.insert(key, value);
    }
    (billable, out)
}

fn list(text: Option<&str>) -> Vec<String> {
    text.and_then(|t| serde_json::from_str::<Vec<String>>(t).ok())
        .unwrap_or_default()
}

#[derive(Deserialize)]
struct Status {
    #[serde(default)]
    name: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Commented {
    #[serde(deserialize_with = "jira::id_string")]
    id: String,
    #[serde(default)]
    comment: Option<Json>,
}

impl Reader {
    /// A reader of `site` in `order`; with `comments`, rows carry their
    /// comment's plain text ([`Reader::comments`]).
    /// `projects` and `authors` (index ids; `None`: all) narrow the rows
    /// in SQL; the viewer's own limits apply on top.
    pub fn new(
        site: i64,
        order: Order,
        comments: bool,
        (projects, authors): (Option<Vec<i64>>, Option<Vec<i64>>),
    ) -> Self {
        Self {
            site,
            order,
            comments,
            projects,
            authors,
            dict: BTreeMap::new(),
            kinds: BTreeMap::new(),
            visibilities: BTreeSet::new(),
            decoded: Decoded::default(),
            parents: BTreeMap::new(),
            names: BTreeMap::new(),
            want_names: true,
            definitions: None,
            attributes_fit: BTreeMap::new(),
            any_locked: None,
            read_ahead: false,
            ahead: None,
            journal_comments: None,
            secured: None,
        }
    }

    /// Leaves Jira's display names out, for a caller whose answer and query
    /// do not use them (a feed's `$select`): no `user/bulk` request, and
    /// `author_display_name` is empty (an erased account's label stays).
    pub fn without_names(&mut self) {
        self.want_names = false;
    }

    /// Whether the next [`Reader::page`] also reads the page after it, in the
    /// same batch of effects as the requests for its names, comments and
    /// periods: a round trip less a page when the caller goes on,
    /// a page read for nothing when it stops. For callers that read page
    /// after page and know when another one is likely.
    pub fn read_ahead(&mut self, yes: bool) {
        self.read_ahead = yes;
    }

    /// Reads, the first time, what decides how pages are read: whether the
    /// journal keeps comments (when comments are asked for) and whether any
    /// period is locked.
    ///
    /// # Errors
    ///
    /// The database's errors.
    async fn settings(&mut self, ctx: &Ctx) -> Result<(), Error> {
        let journal = async {
            if self.comments && self.journal_comments.is_none() {
                store::load::<JournalSettings>(ctx)
                    .await
                    .map(|settings| Some(settings.comments))
            } else {
                Ok(self.journal_comments)
            }
        };
        let locked = async {
            match self.any_locked {
                None => index::approvals::any_locked(ctx).await.map(Some),
                known => Ok(known),
            }
        };
        let (journal, locked) = futures::join!(journal, locked);
        self.journal_comments = journal?;
        self.any_locked = locked?;
        Ok(())
    }

    /// The locked approval periods of the rows' authors overlapping the rows'
    /// starts (none read on a site without a locked period).
    ///
    /// # Errors
    ///
    /// The database's errors.
    async fn periods(&self, ctx: &Ctx, rows: &[&ReportRow]) -> Result<Periods, Error> {
        let mut periods = Periods::new();
        let (Some(first), Some(last)) = (
            rows.iter().map(|r| r.started).min(),
            rows.iter().map(|r| r.started).max(),
        ) else {
            return Ok(periods);
        };
        // Unknown until `settings` asked: read the periods.
        if self.any_locked == Some(false) {
            return Ok(periods);
        }
        let keys: Vec<i64> = rows
            .iter()
            .map(|r| r.author)
            .filter(|a| *a != 0)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let spans =
            index::approvals::locked_spans(ctx, &keys, (first, last.saturating_add(1))).await?;
        for span in spans {
            let Some(state) = ApprovalState::parse(&span.state) else {
                continue;
            };
            periods
                .entry(span.account_key)
                .or_default()
                .push(PeriodSpan {
                    start_ms: span.start_ms,
                    end_ms: span.end_ms,
                    state,
                });
        }
        Ok(periods)
    }

    /// Reads the next page after `after` (`(at, id)` of the last row read):
    /// the rows the viewer may see, and the key of the last row read (seen or
    /// not) with whether more rows may follow.
    ///
    /// # Errors
    ///
    /// The database's and Jira's errors; `upstream` for a malformed row.
    pub async fn page(
        &mut self,
        ctx: &Ctx,
        viewer: &mut Viewer,
        range: &Range,
        after: Option<(i64, i64)>,
        limit: usize,
    ) -> Result<(Vec<Row>, Option<(i64, i64)>, bool), Error> {
        // No page past the response cap, whatever the caller asks.
        let limit = limit.min(index::report::MAX_PAGE_ROWS);
        let projects = self.projects.clone().or_else(|| viewer.project_ids());
        let authors = self.authors.clone().or_else(|| viewer.author_ids());
        if projects.as_ref().is_some_and(Vec::is_empty)
            || authors.as_ref().is_some_and(Vec::is_empty)
        {
            return Ok((Vec::new(), after, false));
        }
        let scope = (projects, authors);
        let (site, order) = (self.site, self.order);
        let read = |after| {
            index::report::worklog_page(
                ctx,
                site,
                order,
                range,
                after,
                (scope.0.as_deref(), scope.1.as_deref()),
                limit,
            )
        };
        let raws = match self.ahead.take() {
            Some(ahead)
                if ahead.range == (range.from, range.until)
                    && ahead.after == after
                    && ahead.scope == scope
                    && ahead.limit == limit =>
            {
                ahead.rows
            }
            _ => read(after).await?,
        };
        let more = raws.len() >= limit;
        let last = raws
            .last()
            .map(|r| {
                let at = match self.order {
                    Order::Started => r.started,
                    Order::Updated => r.updated,
                };
                (at, r.id)
            })
            .or(after);
        self.settings(ctx).await?;
        let seen = self.visible(ctx, viewer, &raws, false).await?;
        // The page's display names, comments (the journal's, or Jira's) and
        // locked periods in one batch of effects; with `read_ahead`, the next
        // page is read in it too.
        let next = async {
            match last.filter(|_| more && self.read_ahead) {
                Some(key) => read(Some(key)).await.map(Some),
                None => Ok(None),
            }
        };
        let (names, comments, periods, next) = futures::join!(
            self.names(ctx, &seen),
            self.comments(ctx, &seen),
            self.periods(ctx, &seen),
            next
        );
        if let Some(rows) = next? {
            self.ahead = Some(ReadAhead {
                range: (range.from, range.until),
                after: last,
                scope: scope.clone(),
                limit,
                rows,
            });
        }
        let (comments, periods) = (comments?, periods?);
        self.names.extend(names?);
        self.decode(&seen);
        let mut rows = Vec::with_capacity(seen.len());
        for r in seen {
            rows.push(self.flat(viewer, r, &comments, &periods)?);
        }
        Ok((rows, last, more))
    }

    /// The rows of `raws` the viewer may see, with what they refer to read:
    /// dictionary entries and parents, roles for restricted rows, Jira's
    /// answers for issues whose sight needs one, attribute checks and names.
    /// With `by_list`, the rows were read without their author, with the
    /// viewer's people as the `IN` list: whose time they are is checked
    /// there.
    async fn visible<'r>(
        &mut self,
        ctx: &Ctx,
        viewer: &mut Viewer,
        raws: &'r [ReportRow],
        by_list: bool,
    ) -> Result<Vec<&'r ReportRow>, Error> {
        self.lookups(ctx, raws).await?;
        // Roles, for projects with role-restricted rows.
        let role_projects: BTreeSet<i64> = raws
            .iter()
            .filter(|r| Viewer::needs_roles(self.visibility_text(r.visibility)))
            .map(|r| r.project)
            .collect();
        if !role_projects.is_empty() {
            viewer.load_roles(ctx, &role_projects).await?;
        }
        let seen: Vec<&ReportRow> = raws
            .iter()
            .filter(|r| {
                let visibility = self.visibility_text(r.visibility);
                if by_list {
                    viewer.sees_visible(r.project, visibility)
                } else {
                    viewer.sees(
                        r.project,
                        self.dict_text(r.author).unwrap_or(""),
                        visibility,
                    )
                }
            })
            .collect();
        self.check_issues(ctx, viewer, &seen).await?;
        let seen: Vec<&ReportRow> = seen
            .into_iter()
            .filter(|r| viewer.may_browse_issue(r.issue, r.project, r.security))
            .collect();
        self.check_attributes(ctx, &seen).await?;
        Ok(seen)
    }

    /// The earliest start at or after `from` of a worklog of the site in the
    /// viewer's projects and people ([`index::report::next_start`]).
    ///
    /// # Errors
    ///
    /// The database's errors.
    pub async fn next_start(
        &self,
        ctx: &Ctx,
        viewer: &Viewer,
        from: i64,
    ) -> Result<Option<i64>, Error> {
        let projects = self.projects.clone().or_else(|| viewer.project_ids());
        let authors = self.authors.clone().or_else(|| viewer.author_ids());
        index::report::next_start(
            ctx,
            self.site,
            from,
            (projects.as_deref(), authors.as_deref()),
        )
        .await
    }

    /// Reads the groups SQL forms of the worklogs started in `range`
    /// ([`index::report::group_page`], keyed by `columns`), keeps those the
    /// viewer may see (each group is alike in everything the checks look at:
    /// project, author, visibility, and the issue wherever its security or
    /// project needs Jira's answer), and answers them as rows carrying the
    /// group's summed seconds with its worklog count, with how many groups
    /// and worklogs SQL answered (seen or not); `None` when the range holds
    /// more than `limit` groups.
    ///
    /// # Errors
    ///
    /// The database's and Jira's errors; `upstream` for a malformed row.
    pub async fn groups(
        &mut self,
        ctx: &Ctx,
        viewer: &mut Viewer,
        columns: &GroupColumns,
        range: &Range,
        limit: usize,
    ) -> Result<Option<(Vec<(FlatRow, u64)>, Counted)>, Error> {
        let projects = self.projects.clone().or_else(|| viewer.project_ids());
        let authors = self.authors.clone().or_else(|| viewer.author_ids());
        if projects.as_ref().is_some_and(Vec::is_empty)
            || authors.as_ref().is_some_and(Vec::is_empty)
        {
            return Ok(Some((Vec::new(), Counted::default())));
        }
        let check = if viewer.is_app() {
            IssueCheck::Never
        } else {
            let secured = async {
                match &self.secured {
                    Some(_) => Ok(None),
                    // A read of the issue's own columns joins `issues` anyway.
                    None if columns.reads_issue_columns() => Ok(None),
                    None => index::report::secured_issues(ctx, self.site, listed_secured())
                        .await
                        .map(Some),
                }
            };
            let (open, secured) =
                futures::join!(viewer.read_open_projects(ctx, self.site), secured);
            open?;
            if let Some(secured) = secured? {
                self.secured = Some(secured);
            }
            IssueCheck::Unless {
                open: viewer.open_project_ids(),
                secured: self.secured.as_ref().and_then(Option::as_ref),
            }
        };
        let Some(mut raws) = index::report::group_page(
            ctx,
            self.site,
            columns,
            &check,
            range,
            (projects.as_deref(), authors.as_deref()),
            limit,
        )
        .await?
        else {
            return Ok(None);
        };
        if columns.issue {
            // Keys and summaries once per issue, not per group.
            let wanted: Vec<i64> = raws
                .iter()
                .map(|r| r.issue)
                .filter(|id| *id != 0 && !self.parents.contains_key(id))
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect();
            for issue in index::report::parents(ctx, self.site, &wanted).await? {
                self.parents.insert(issue.id, issue);
            }
            for r in &mut raws {
                if let Some(issue) = self.parents.get(&r.issue) {
                    r.key.clone_from(&issue.key);
                    r.summary.clone_from(&issue.summary);
                }
            }
        }
        if columns.approval {
            self.settings(ctx).await?;
        }
        let seen = self.visible(ctx, viewer, &raws, !columns.author).await?;
        let none = BTreeMap::new();
        // Keyed by author and locked period ([`GroupColumns::approval`]), a
        // group's earliest start has the state of each of its worklogs.
        let periods = async {
            if columns.approval {
                self.periods(ctx, &seen).await
            } else {
                Ok(Periods::new())
            }
        };
        let (names, periods) = futures::join!(self.names(ctx, &seen), periods);
        let periods = periods?;
        self.names.extend(names?);
        self.decode(&seen);
        let mut out = Vec::with_capacity(seen.len());
        for r in seen {
            let count = u64::try_from(r.count).unwrap_or(0);
            out.push((self.flat(viewer, r, &none, &periods)?.flat, count));
        }
        let counted = Counted {
            groups: raws.len(),
            worklogs: raws
                .iter()
                .map(|r| u64::try_from(r.count).unwrap_or(0))
                .sum(),
            asked: true,
        };
        Ok(Some((out, counted)))
    }

    /// Reads the next page of tombstones (`worklog_deletions`) deleted in
    /// `range`, after `after` (`(deleted, id)`): the ids the viewer may know
    /// of (they could see the worklog) with when they were deleted, the last
    /// key read and whether more may follow.
    ///
    /// # Errors
    ///
    /// The database's and Jira's errors.
    pub async fn deletions(
        &mut self,
        ctx: &Ctx,
        viewer: &mut Viewer,
        range: &Range,
        after: Option<(i64, i64)>,
        limit: usize,
    ) -> Result<(Vec<(i64, i64)>, Option<(i64, i64)>, bool), Error> {
        let projects = viewer.project_ids();
        let authors = viewer.author_ids();
        if projects.as_ref().is_some_and(Vec::is_empty)
            || authors.as_ref().is_some_and(Vec::is_empty)
        {
            return Ok((Vec::new(), after, false));
        }
        let raws = index::report::deletion_page(
            ctx,
            self.site,
            range,
            after,
            (projects.as_deref(), authors.as_deref()),
            limit,
        )
        .await?;
        let more = raws.len() >= limit;
        let last = raws.last().map(|r| (r.updated, r.id)).or(after);
        self.lookups(ctx, &raws).await?;
        let role_projects: BTreeSet<i64> = raws
            .iter()
            .filter(|r| Viewer::needs_roles(self.visibility_text(r.visibility)))
            .map(|r| r.project)
            .collect();
        if !role_projects.is_empty() {
            viewer.load_roles(ctx, &role_projects).await?;
        }
        let seen = raws
            .iter()
            .filter(|r| {
                viewer.sees(
                    r.project,
                    self.dict_text(r.author).unwrap_or(""),
                    self.visibility_text(r.visibility),
                )
            })
            .map(|r| (r.id, r.updated))
            .collect();
        Ok((seen, last, more))
    }

    /// Asks Jira, as the viewer, about the rows' issues and parents whose
    /// project or security level leaves it open whether the viewer may browse
    /// them ([`Viewer::check_issues`]); reads the site's open projects first.
    async fn check_issues(
        &mut self,
        ctx: &Ctx,
        viewer: &mut Viewer,
        rows: &[&ReportRow],
    ) -> Result<(), Error> {
        if viewer.is_app() {
            return Ok(());
        }
        viewer.read_open_projects(ctx, self.site).await?;
        let mut ids = BTreeSet::new();
        for r in rows {
            if viewer.needs_issue_check(r.project, r.security) {
                ids.insert(r.issue);
            }
            if let Some(p) = self.parents.get(&r.parent) {
                if viewer.needs_issue_check(p.project, p.security) {
                    ids.insert(r.parent);
                }
            }
        }
        viewer.check_issues(ctx, &ids).await
    }

    /// Checks the rows' attribute sets not checked yet against the site's
    /// definitions (read once): a set written past the app, through Jira's
    /// REST API, that does not fit them is left out of billable time, filters,
    /// rates and attribute columns, and flagged (`attributes_valid`). A set
    /// whose dictionary entry is missing counts as not fitting.
    async fn check_attributes(&mut self, ctx: &Ctx, rows: &[&ReportRow]) -> Result<(), Error> {
        let unchecked: BTreeSet<i64> = rows
            .iter()
            .map(|r| r.attrs)
            .filter(|id| *id != 0 && !self.attributes_fit.contains_key(id))
            .collect();
        if unchecked.is_empty() {
            return Ok(());
        }
        let definitions = match self.definitions.take() {
            Some(definitions) => definitions,
            None => store::load::<Definitions>(ctx).await?,
        };
        for id in unchecked {
            let fits = self
                .dict
                .get(&id)
                .filter(|_| self.kinds.get(&id) == Some(&(Kind::Attributes as i64)))
                .is_some_and(|text| definitions.check_stored(text).is_ok());
            self.attributes_fit.insert(id, fits);
        }
        self.definitions = Some(definitions);
        Ok(())
    }

    /// A row's visibility for [`Viewer::sees`]: `None` for none (id 0); the
    /// entry's JSON when it is a visibility entry whose text hashes to its id;
    /// otherwise [`UNRESOLVED`], which hides the row. A missing entry, one of
    /// another kind, or one whose text was overwritten never reads as "no
    /// restriction": the check fails closed.
    fn visibility_text(&self, id: i64) -> Option<&str> {
        if id == 0 {
            return None;
        }
        let verified = self
            .dict
            .get(&id)
            .filter(|_| self.visibilities.contains(&id));
        Some(verified.map_or(UNRESOLVED, String::as_str))
    }

    /// Decodes the entries `rows` refer to that are not decoded yet (after
    /// [`Reader::check_attributes`]: a set that does not fit is never
    /// decoded).
    fn decode(&mut self, rows: &[&ReportRow]) {
        for r in rows {
            if r.status != 0 && !self.decoded.statuses.contains_key(&r.status) {
                let name = self
                    .dict_text(r.status)
                    .and_then(|s| serde_json::from_str::<Status>(s).ok())
                    .map(|s| s.name)
                    .unwrap_or_default();
                self.decoded.statuses.insert(r.status, name);
            }
            for id in [r.components, r.labels] {
                if id != 0 && !self.decoded.lists.contains_key(&id) {
                    let values = list(self.dict_text(id));
                    self.decoded.lists.insert(id, values);
                }
            }
            let fits = self.attributes_fit.get(&r.attrs) == Some(&true);
            if r.attrs != 0 && fits && !self.decoded.attributes.contains_key(&r.attrs) {
                let values = attributes(self.dict_text(r.attrs));
                self.decoded.attributes.insert(r.attrs, values);
            }
        }
    }

    fn dict_text(&self, id: i64) -> Option<&str> {
        (id != 0)
            .then(|| self.dict.get(&id).map(String::as_str))
            .flatten()
    }

    /// Reads the dictionary entries and parents the rows refer to that the
    /// task has not read yet, in one batch.
    async fn lookups(&mut self, ctx: &Ctx, raws: &[ReportRow]) -> Result<(), Error> {
        let ids: BTreeSet<i64> = raws
            .iter()
            .flat_map(|r| {
                [
                    r.author,
                    r.visibility,
                    r.attrs,
                    r.issue_type,
                    r.status,
                    r.components,
                    r.labels,
                ]
            })
            .filter(|id| *id != 0 && !self.dict.contains_key(id))
            .collect();
        let parents: BTreeSet<i64> = raws
            .iter()
            .map(|r| r.parent)
            .filter(|id| *id != 0 && !self.parents.contains_key(id))
            .collect();
        let ids: Vec<i64> = ids.into_iter().collect();
        let parents: Vec<i64> = parents.into_iter().collect();
        let (entries, parents) = futures::join!(
            index::dict::entries(ctx, self.site, &ids),
            index::report::parents(ctx, self.site, &parents)
        );
        for entry in entries? {
            // An erased author (`privacy.report`) is shown by its label and
            // never looked up in Jira.
            if entry.kind == Kind::FormerUser as i64 {
                self.names.insert(entry.id, entry.value.clone());
            }
            if entry.kind == Kind::Visibility as i64
                && dict_id(Kind::Visibility, &entry.value) == entry.id
            {
                self.visibilities.insert(entry.id);
            }
            self.kinds.insert(entry.id, entry.kind);
            self.dict.insert(entry.id, entry.value);
        }
        for parent in parents? {
            self.parents.insert(parent.id, parent);
        }
        Ok(())
    }

    /// Display names of the rows' authors not known yet (`user/bulk`), by
    /// author (dictionary id), for the caller to keep.
    async fn names(&self, ctx: &Ctx, rows: &[&ReportRow]) -> Result<Vec<(i64, String)>, Error> {
        if !self.want_names {
            return Ok(Vec::new());
        }
        let wanted: Vec<(i64, &str)> = rows
            .iter()
            .map(|r| r.author)
            .filter(|a| !self.names.contains_key(a))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .filter_map(|a| self.dict_text(a).filter(|t| !t.is_empty()).map(|t| (a, t)))
            .collect();
        let ids: Vec<&str> = wanted
            .iter()
            .map(|(_, account)| *account)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let who = &principal(ctx);
        let asks = ids.chunks(USERS_PER_REQUEST).map(|chunk| async move {
            let mut path = JiraPath::api(&["user", "bulk"])
                .query("maxResults", &USERS_PER_REQUEST.to_string());
            for id in chunk {
                path = path.query("accountId", id);
            }
            let page: Result<ValuesPage<User>, Error> = Call::get(path).by(who).json(ctx).await;
            page
        });
        let mut found = BTreeMap::new();
        for page in futures::future::join_all(asks).await {
            match page {
                Ok(page) => {
                    for user in page.values {
                        found.insert(user.account_id, user.display_name);
                    }
                }
                // A viewer who may not browse users gets account ids, not a
                // failed report.
                Err(e) if e.is_forbidden() => {}
                Err(e) => return Err(e),
            }
        }
        // Unknown to Jira (closed accounts): remembered as nameless.
        Ok(wanted
            .into_iter()
            .map(|(author, account)| (author, found.get(account).cloned().unwrap_or_default()))
            .collect())
    }

    /// Comments of the rows that have one, as plain text. From the worklog
    /// journal when it keeps comments: a row's comment is the text of a
    /// version carrying the comment the row names (the same 31-bit hash,
    /// `note`, the journal's own test of a changed comment), the text the app
    /// saw with the rest of the row; no Jira request, and none of the Jira
    /// quota a large export would spend. The rest (comments off, a version
    /// journaled without its comment, a journal read too large for one
    /// answer) from Jira (`worklog/list`, 1000 ids a request, as the viewer).
    /// Only rows the viewer may see are asked for, either way. None for a
    /// reader without comments (reports).
    async fn comments(
        &self,
        ctx: &Ctx,
        rows: &[&ReportRow],
    ) -> Result<BTreeMap<i64, String>, Error> {
        if !self.comments {
            return Ok(BTreeMap::new());
        }
        let with = || rows.iter().filter(|r| r.note != 0);
        let journaled = if self.journal_comments == Some(true) {
            let wanted: Vec<(i64, i64)> = with().map(|r| (r.id, r.note)).collect();
            match index::journal::comments(ctx, self.site, &wanted).await {
                Ok(journaled) => journaled,
                // Comments too long for one answer: Jira's pages are its own.
                Err(e) if e.code() == crate::ErrorCode::Limit => BTreeMap::new(),
                Err(e) => return Err(e),
            }
        } else {
            BTreeMap::new()
        };
        let mut out: BTreeMap<i64, String> = journaled
            .iter()
            .map(|(id, comment)| (*id, adf::text_to_plain(comment)))
            .collect();
        let ids: Vec<i64> = with()
            .map(|r| r.id)
            .filter(|id| !journaled.contains_key(id))
            .collect();
        if ids.is_empty() {
            return Ok(out);
        }
        let who = &principal(ctx);
        let asks = ids.chunks(1000).map(|chunk| async move {
            let body = serde_json::json!({ "ids": chunk }).to_string();
            let call = Call::post(JiraPath::api(&["worklog", "list"]), body).by(who);
            let r: Result<Vec<Commented>, Error> = call.json(ctx).await;
            r
        });
        for answer in futures::future::join_all(asks).await {
            for w in answer? {
                if let (Ok(id), Some(comment)) = (w.id.parse::<i64>(), w.comment) {
                    out.insert(id, adf::to_plain_text(&comment));
                }
            }
        }
        Ok(out)
    }

    fn flat(
        &self,
        viewer: &Viewer,
        r: &ReportRow,
        comments: &BTreeMap<i64, String>,
        periods: &Periods,
    ) -> Result<Row, Error> {
        let author = self.dict_text(r.author).unwrap_or("").to_owned();
        let fits = r.attrs == 0 || self.attributes_fit.get(&r.attrs) == Some(&true);
        let (billable, attributes) = match self.decoded.attributes.get(&r.attrs) {
            Some((billable, values)) if fits => (*billable, values.clone()),
            _ => (false, BTreeMap::new()),
        };
        let seconds = u64::try_from(r.seconds)
            .ok()
            .and_then(|s| Seconds::new(s).ok())
            .ok_or_else(|| {
                Error::upstream(format!(
                    "the index holds worklog {} with {} seconds",
                    r.id, r.seconds
                ))
            })?;
        let (project_key, project_name) = match viewer.projects.get(&r.project) {
            Some(p) => (p.key.clone(), p.name.clone()),
            None => {
                let key = r.key.split('-').next().unwrap_or("").to_owned();
                (key.clone(), key)
            }
        };
        // A parent (epic) the viewer may not browse is not named.
        let parent = self
            .parents
            .get(&r.parent)
            .filter(|p| viewer.may_browse_issue(r.parent, p.project, p.security));
        let status = self
            .decoded
            .statuses
            .get(&r.status)
            .cloned()
            .unwrap_or_default();
        let list = |id: i64| self.decoded.lists.get(&id).cloned().unwrap_or_default();
        let flat = FlatRow {
            worklog_id: r.id.to_string(),
            issue_id: r.issue.to_string(),
            issue_key: r.key.clone(),
            issue_summary: r.summary.clone(),
            issue_type: self.dict_text(r.issue_type).unwrap_or("").to_owned(),
            issue_status: status,
            parent_key: parent.map(|p| p.key.clone()),
            parent_summary: parent.map(|p| p.summary.clone()),
            project_id: r.project.to_string(),
            project_key,
            project_name,
            author_display_name: self.names.get(&r.author).cloned().unwrap_or_default(),
            author_account_id: author,
            started: Instant::from_millis(r.started),
            seconds,
            billable,
            components: list(r.components),
            labels: list(r.labels),
            comment: comments.get(&r.id).cloned().unwrap_or_default(),
            updated: Instant::from_millis(r.updated),
            attributes,
            attributes_invalid: !fits,
            approval_state: periods.get(&r.author).map_or(ApprovalState::Open, |p| {
                worklog_approval_state(p, Instant::from_millis(r.started))
            }),
        };
        let at = match self.order {
            Order::Started => r.started,
            Order::Updated => r.updated,
        };
        Ok(Row { at, id: r.id, flat })
    }
}
