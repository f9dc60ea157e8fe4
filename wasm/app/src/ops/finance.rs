//! The finance mirror (`docs/power-bi.md`): what finance needs of a worklog,
//! whether it is billable, the approval state of its period and whether its
//! attributes fit the site's definitions, written to
//! the worklog property `worklogs.finance` ([`index::FINANCE_PROPERTY`]) so
//! that a tool reading Jira's REST API alone (Power BI's query over
//! `worklog/list?expand=properties`) sees what the flat export says.
//!
//! The core decides the values ([`Definitions::billable`],
//! [`worklog_approval_state`], [`Mirror`]); this module gathers the facts and
//! writes:
//!
//! - every worklog the app writes carries the property
//!   (`worklog.log`, `worklog.update` with attributes, put-back and restore:
//!   [`mirror_of`], [`property`]);
//! - `finance.mirror`, a job in slices, walks the index, computes what each
//!   worklog's property must hold now (after a change of the attribute
//!   definitions, a period's submission, approval, rejection or reopening,
//!   the lock's repair) and writes the ones that differ from what it last
//!   wrote (`finance_mirror`). It resumes where it stopped, and does nothing
//!   while its inputs are those of the last finished pass.
//!
//! No rate and no amount is mirrored: anyone who may see a worklog may read
//! its properties.

use std::collections::BTreeMap;

use futures::future::join_all;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value as Json};

use worklogs_core::approval::{worklog_approval_state, PeriodSpan, State};
use worklogs_core::attributes::Definitions;
use worklogs_core::calendar::Instant;
use worklogs_core::finance::Mirror;

use super::{NoInput, Progress};
use crate::executor::Ctx;
use crate::index::{self, approvals, dict_id, finance as table, Kind, FINANCE_PROPERTY};
use crate::jira::{Call, JiraPath};
use crate::protocol::Method;
use crate::store::{self, JsonSetting};
use crate::Error;

/// Worklogs read a slice.
const PAGE: usize = 500;
/// Properties written a slice, at most.
const MAX_WRITES: usize = 100;
/// Properties written at once.
const PARALLEL: usize = 10;

/// The property entry of a worklog body (`properties: [...]`).
pub fn property(mirror: Mirror) -> Json {
    json!({"key": FINANCE_PROPERTY, "value": mirror.to_json()})
}

/// The approval state of a worklog of `author` (an account id) starting at
/// `started` (epoch milliseconds): one indexed probe on a site with no locked
/// period, else the author's locked periods holding it.
///
/// # Errors
///
/// The database's errors.
pub async fn approval_state(ctx: &Ctx, author: &str, started: i64) -> Result<State, Error> {
    if !approvals::any_locked(ctx).await? {
        return Ok(State::Open);
    }
    let key = dict_id(Kind::Account, author);
    let periods = approvals::locked_overlapping(ctx, &[key], (started, started)).await?;
    Ok(state_in(started, &periods))
}

/// [`worklog_approval_state`] over stored period rows (a state that does not
/// parse counts as open).
fn state_in(started: i64, periods: &[approvals::PeriodRow]) -> State {
    let spans: Vec<PeriodSpan> = periods
        .iter()
        .map(|p| PeriodSpan {
            start_ms: p.start_ms,
            end_ms: p.end_ms,
            state: State::parse(&p.state).unwrap_or_default(),
        })
        .collect();
    worklog_approval_state(&spans, Instant::from_millis(started))
}

/// What the property of a worklog of `author` starting at `started`, with
/// the attribute set `attributes` (its JSON), must hold: the site's
/// definitions and the author's periods, read in one batch.
///
/// # Errors
///
/// The database's errors.
pub async fn mirror_of(
    ctx: &Ctx,
    author: &str,
    started: i64,
    attributes: Option<&str>,
) -> Result<Mirror, Error> {
    let (definitions, state) = futures::join!(
        store::load::<Definitions>(ctx),
        approval_state(ctx, author, started)
    );
    let definitions = definitions?;
    Ok(Mirror {
        billable: definitions.billable(attributes),
        approval_state: state?,
        attributes_valid: definitions.fits(attributes),
    })
}

/// Records, best effort, what the app wrote to a worklog's property with the
/// worklog itself (a failure only makes the next pass write it again).
pub async fn written(ctx: &Ctx, site: i64, id: &str, mirror: Mirror) {
    if let Ok(id) = id.parse::<i64>() {
        let _ = table::record(ctx, site, &[(id, mirror)]).await;
    }
}

/// The inputs a pass starts from: a hash of the attribute definitions, then
/// [`table::inputs`].
type Inputs = [i64; 5];

/// A pass under way.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Pass {
    /// The last worklog done: (author key, started, id).
    after: table::Cursor,
    /// The inputs it started from.
    inputs: Inputs,
    /// Worklogs checked so far.
    checked: u64,
    /// Properties written so far.
    written: u64,
    /// Worklogs Jira no longer has (404), left to the sync.
    skipped: u64,
}

/// The checkpoint (the settings row `finance.mirror`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MirrorState {
    /// The pass under way.
    #[serde(default)]
    pass: Option<Pass>,
    /// The inputs the last finished pass started from.
    #[serde(default)]
    done: Option<Inputs>,
}

impl JsonSetting for MirrorState {
    const NAME: &'static str = "finance.mirror";
    const WHAT: &'static str = "a valid finance mirror checkpoint";
    const AUDITED: bool = false;
}

/// `finance.mirror`'s output, in the slice shape.
#[derive(Serialize, Debug)]
pub struct MirrorOut {
    more: bool,
    progress: Progress,
    slice: MirrorSlice,
}

/// What one slice did.
#[derive(Serialize, Debug, Default)]
pub struct MirrorSlice {
    checked: u64,
    written: u64,
    skipped: u64,
}

/// Writes one worklog's property as the app: `false` when Jira no longer
/// has the worklog (404).
async fn put(ctx: &Ctx, c: &table::Candidate, mirror: Mirror) -> Result<bool, Error> {
    let path = JiraPath::api(&[
        "issue",
        &c.issue.to_string(),
        "worklog",
        &c.id.to_string(),
        "properties",
        FINANCE_PROPERTY,
    ]);
    // A property's PUT is idempotent: retried when Jira is busy.
    let call = Call::new(Method::Put, path, Some(mirror.to_json().to_string()))
        .as_app()
        .patient();
    let response = call.send(ctx).await?;
    if response.status == 404 {
        return Ok(false);
    }
    call.success(response)?;
    Ok(true)
}

fn count(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

/// `finance.mirror` (jobs only): one slice of the pass that brings every
/// worklog's property `worklogs.finance` in line with what the flat export
/// says (billable, approval state). Reads [`PAGE`] worklogs of the index in
/// (author, start) order with the author's locked periods over them, and
/// writes at most [`MAX_WRITES`] properties, those whose value differs from
/// the one recorded; `more` while the pass goes on. A pass starts when the
/// inputs (the attribute definitions, the index's worklogs, the periods)
/// differ from those of the last finished one; otherwise the slice does
/// nothing.
///
/// # Errors
///
/// Jira's errors writing a property (after retries; what was written is
/// recorded and the slice is done again next time); the database's errors.
pub async fn mirror(ctx: &Ctx, _: NoInput) -> Result<MirrorOut, Error> {
    let site = index::site(ctx).await?;
    let (state, definitions, figures) = futures::join!(
        store::load::<MirrorState>(ctx),
        store::load::<Definitions>(ctx),
        table::inputs(ctx, site)
    );
    let (mut state, definitions, figures) = (state?, definitions?, figures?);
    let definitions_text = serde_json::to_string(&definitions)
        .map_err(|e| Error::internal(format!("the attribute definitions: {e}")))?;
    let [a, b, c, d] = figures;
    let now: Inputs = [index::hash_text(0xfd, &definitions_text), a, b, c, d];
    let mut pass = match state.pass.take() {
        Some(pass) => pass,
        None if state.done == Some(now) => {
            return Ok(MirrorOut {
                more: false,
                progress: Progress {
                    done: 0,
                    total: 0,
                    label: "every worklog's finance property is current".to_owned(),
                },
                slice: MirrorSlice::default(),
            })
        }
        None => Pass {
            after: table::START,
            inputs: now,
            ..Pass::default()
        },
    };
    let page = table::page(ctx, site, pass.after, PAGE).await?;
    let last_page = page.len() < PAGE;

    // Each author's locked periods over their worklogs of the page.
    let mut ranges: BTreeMap<i64, (i64, i64)> = BTreeMap::new();
    for c in &page {
        let range = ranges.entry(c.author).or_insert((c.started, c.started));
        range.0 = range.0.min(c.started);
        range.1 = range.1.max(c.started);
    }
    let any_locked = approvals::any_locked(ctx).await?;
    let mut periods: BTreeMap<i64, Vec<approvals::PeriodRow>> = BTreeMap::new();
    if any_locked {
        let reads = join_all(ranges.iter().map(|(key, range)| async move {
            (
                *key,
                approvals::locked_overlapping(ctx, &[*key], *range).await,
            )
        }))
        .await;
        for (key, rows) in reads {
            periods.insert(key, rows?);
        }
    }

    // What each must hold; the differences, up to MAX_WRITES.
    let mut writes = Vec::new();
    let mut processed = 0usize;
    for c in &page {
        let attributes = c.attributes.as_deref();
        let expected = Mirror {
            billable: !c.attributes_missing && definitions.billable(attributes),
            approval_state: state_in(
                c.started,
                periods.get(&c.author).map_or(&[][..], Vec::as_slice),
            ),
            attributes_valid: !c.attributes_missing && definitions.fits(attributes),
        };
        processed = processed.saturating_add(1);
        if c.mirrored != Some(expected) {
            writes.push((c, expected));
            if writes.len() >= MAX_WRITES {
                break;
            }
        }
    }

    let mut slice = MirrorSlice {
        checked: count(processed),
        ..MirrorSlice::default()
    };
    for chunk in writes.chunks(PARALLEL) {
        let answers = join_all(chunk.iter().map(|(c, m)| put(ctx, c, *m))).await;
        let mut recorded = Vec::new();
        let mut failed = None;
        for ((c, m), answer) in chunk.iter().zip(answers) {
            match answer {
                Ok(true) => recorded.push((c.id, *m)),
                Ok(false) => slice.skipped = slice.skipped.saturating_add(1),
                Err(e) => failed = failed.or(Some(e)),
            }
        }
        table::record(ctx, site, &recorded).await?;
        slice.written = slice.written.saturating_add(count(recorded.len()));
        if let Some(e) = failed {
            // The cursor stays: the slice is done again, and what was
            // written now matches and is not written twice.
            return Err(e);
        }
    }

    let finished = last_page && processed == page.len();
    if let Some(last) = processed.checked_sub(1).and_then(|i| page.get(i)) {
        pass.after = (last.author, last.started, last.id);
    }
    pass.checked = pass.checked.saturating_add(slice.checked);
    pass.written = pass.written.saturating_add(slice.written);
    pass.skipped = pass.skipped.saturating_add(slice.skipped);
    let progress = Progress {
        done: pass.checked,
        total: u64::try_from(pass.inputs[1]).unwrap_or(0).max(pass.checked),
        label: format!(
            "{} worklogs checked, {} finance properties written",
            pass.checked, pass.written
        ),
    };
    if finished {
        state.done = Some(pass.inputs);
        state.pass = None;
    } else {
        state.pass = Some(pass);
    }
    store::save(ctx, &state).await?;
    Ok(MirrorOut {
        more: !finished,
        progress,
        slice,
    })
}

#[cfg(test)]
mod tests;
