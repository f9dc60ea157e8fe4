//! Pacing by Jira's rate-limit headers: slowing down before Jira refuses,
//! rather than after.
//!
//! Jira Cloud's points-based quota (an hour of points, `RateLimit-Reason:
//! jira-quota-global-based` or `jira-quota-tenant-based`) says on every answer
//! how much of it is left: `X-RateLimit-Limit` and `X-RateLimit-Remaining`,
//! and the beta headers in the shape of the IETF draft "RateLimit header
//! fields for HTTP", `Beta-RateLimit-Policy: "<policy>";q=<points>;w=<window
//! seconds>` and `Beta-RateLimit: "<policy>";r=<points left>;t=<seconds until
//! the window ends>`. Jira says nothing before a burst or an issue's writes are
//! refused; those 429s are waited out after their `Retry-After` ([`super::retry`]).
//!
//! What a run learns from each answer of a patient request ([`observe`]) it
//! keeps for the rest of the run ([`Ctx::local`]): the points left, when the
//! window ends, and the most points one request cost so far (the drop between
//! two answers). Then:
//!
//! - **before a patient request** ([`before_request`]): when the points left
//!   cannot pay for another request like the dearest so far and the window
//!   ends within [`MAX_RETRY_AFTER_MS`], wait until it ends
//!   instead of being refused;
//! - **before a round of the sync** ([`room_for`]): when the points left cannot
//!   pay for a round, wait for a window that ends soon; otherwise end the slice
//!   at its checkpoint (when it has done something) or fail at once with
//!   `upstream` saying when Jira takes requests again (when it has not), so a
//!   round is never cut in the middle by a spent quota and read again by the
//!   next run.
//!
//! The core has no clock: the window's end is counted from the answer that
//! said it, so a wait is never shorter than needed.

use crate::executor::Ctx;
use crate::protocol::HttpResponse;
use crate::Error;

/// The longest `Retry-After` waited for, in milliseconds; a longer one ends the
/// run at once (retrying earlier would only be refused again).
pub const MAX_RETRY_AFTER_MS: u32 = 60_000;

/// What the run knows of Jira's quota, from the newest answer that said.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Quota {
    /// Whether an answer has said anything yet.
    pub known: bool,
    /// Points a window (`X-RateLimit-Limit`, or `q` of the policy).
    pub limit: Option<u64>,
    /// Points left (`X-RateLimit-Remaining`, or `r`).
    pub remaining: u64,
    /// Milliseconds from that answer until the window ends (`t`), when said.
    pub reset_in_ms: Option<u32>,
    /// The most points one request of this run cost (the largest drop of
    /// `remaining` between two answers).
    pub dearest: u64,
}

/// The quota an answer states, if it states one.
pub fn read(response: &HttpResponse) -> Option<Quota> {
    let beta = response.header("beta-ratelimit").map(parameters);
    let policy = response.header("beta-ratelimit-policy").map(parameters);
    let remaining = response
        .header("x-ratelimit-remaining")
        .and_then(|v| v.trim().parse::<u64>().ok())
        .or_else(|| beta.as_ref().and_then(|b| b.remaining));
    let remaining = remaining?;
    let limit = response
        .header("x-ratelimit-limit")
        .and_then(|v| v.trim().parse::<u64>().ok())
        .or_else(|| policy.as_ref().and_then(|p| p.quota));
    let reset_in_ms = beta
        .and_then(|b| b.reset_s)
        .map(|s| u32::try_from(s.saturating_mul(1000)).unwrap_or(u32::MAX));
    Some(Quota {
        known: true,
        limit,
        remaining,
        reset_in_ms,
        dearest: 0,
    })
}

/// The numbers of a structured-field header (`"<policy>";r=5;t=60`): the
/// first item's `r`, `t` and `q` (a header may list several policies; the
/// first is the one that binds).
#[derive(Default)]
struct Parameters {
    remaining: Option<u64>,
    reset_s: Option<u64>,
    quota: Option<u64>,
}

fn parameters(value: &str) -> Parameters {
    let first = value.split(',').next().unwrap_or_default();
    let mut out = Parameters::default();
    for parameter in first.split(';').skip(1) {
        let Some((key, number)) = parameter.split_once('=') else {
            continue;
        };
        let number = number.trim().parse::<u64>().ok();
        match key.trim() {
            "r" => out.remaining = number,
            "t" => out.reset_s = number,
            "q" => out.quota = number,
            _ => {}
        }
    }
    out
}

/// Takes in what an answer says of the quota.
pub fn observe(ctx: &Ctx, response: &HttpResponse) {
    let Some(seen) = read(response) else {
        return;
    };
    ctx.local(|known: &mut Quota| {
        let dearest = if known.known && seen.remaining <= known.remaining {
            known.dearest.max(known.remaining - seen.remaining)
        } else {
            known.dearest
        };
        *known = Quota { dearest, ..seen };
    });
}

/// What the run knows of the quota now.
pub fn known(ctx: &Ctx) -> Quota {
    ctx.local(|q: &mut Quota| *q)
}

/// Forgets the points left after waiting for the window's end (the next
/// answer says them again).
fn waited(ctx: &Ctx) {
    ctx.local(|q: &mut Quota| {
        q.known = false;
        q.reset_in_ms = None;
    });
}

/// Before a patient request: when the points left cannot pay for a request
/// like the dearest so far and the window ends soon, waits for it.
///
/// # Errors
///
/// The host's error when it cannot wait.
pub async fn before_request(ctx: &Ctx) -> Result<(), Error> {
    let q = known(ctx);
    if q.known && q.remaining < q.dearest.max(1) {
        if let Some(ms) = q.reset_in_ms.filter(|ms| *ms <= MAX_RETRY_AFTER_MS) {
            ctx.sleep(ms.max(1)).await?;
            waited(ctx);
        }
    }
    Ok(())
}

/// Whether the quota can pay `points` more, as far as the run knows (without
/// waiting).
pub fn affords(ctx: &Ctx, points: u64) -> bool {
    let q = known(ctx);
    !q.known || q.remaining >= needed(&q, points)
}

/// `points`, or the whole window's points when a round costs more than that
/// (then a round starts on a fresh window).
fn needed(q: &Quota, points: u64) -> u64 {
    q.limit.map_or(points, |limit| points.min(limit))
}

/// Whether the quota can pay `points` more, after waiting for a window that
/// ends within [`MAX_RETRY_AFTER_MS`] if it cannot. `false`: it cannot before
/// a window that ends later (the caller ends its slice at its checkpoint).
///
/// # Errors
///
/// The host's error when it cannot wait.
pub async fn room_for(ctx: &Ctx, points: u64) -> Result<bool, Error> {
    let q = known(ctx);
    if !q.known || q.remaining >= needed(&q, points) {
        return Ok(true);
    }
    match q.reset_in_ms {
        Some(ms) if ms <= MAX_RETRY_AFTER_MS => {
            ctx.sleep(ms.max(1)).await?;
            waited(ctx);
            Ok(true)
        }
        _ => Ok(false),
    }
}

/// The error of a run that stops before doing anything because the quota
/// cannot pay for its first round: `upstream`, with the points left and when
/// Jira takes requests again.
pub fn spent(ctx: &Ctx, points: u64) -> Error {
    let q = known(ctx);
    let limit = q.limit.map(|l| format!(" of {l}")).unwrap_or_default();
    let again = q
        .reset_in_ms
        .map(|ms| format!("; jira takes requests again in {} s", ms.div_ceil(1000)))
        .unwrap_or_default();
    Error::upstream(format!(
        "jira's rate limit quota has {}{limit} points left, too few for the next round of \
         some {points} (paced by X-RateLimit-Remaining, so no request was refused){again}; \
         what was done is kept, and running the same operation again later resumes from there",
        q.remaining
    ))
}

/// The error of a run that does not start because an earlier one found the
/// quota spent until `ms_left` milliseconds from now.
pub fn not_yet(ms_left: i64) -> Error {
    Error::upstream(format!(
        "jira's rate limit quota was spent by the previous slice (paced by X-RateLimit-Remaining, \
         no request sent); jira takes requests again in {} s; running the same operation again \
         then resumes from where it stopped",
        ms_left.max(0).saturating_add(999) / 1000
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::http;

    fn with(headers: &[(&str, &str)]) -> HttpResponse {
        let mut response = http(200, "{}");
        response.headers = headers
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        response
    }

    #[test]
    fn reads_the_classic_and_the_beta_headers() {
        let q = read(&with(&[
            ("X-RateLimit-Limit", "65000"),
            ("X-RateLimit-Remaining", "1200"),
            (
                "Beta-RateLimit",
                "\"jira-quota-global-based\";r=1200;t=2400",
            ),
        ]))
        .unwrap();
        assert_eq!(
            (q.limit, q.remaining, q.reset_in_ms),
            (Some(65000), 1200, Some(2_400_000))
        );
        // The beta headers alone.
        let q = read(&with(&[
            (
                "beta-ratelimit-policy",
                "\"jira-quota-tenant-based\";q=100000;w=3600",
            ),
            ("beta-ratelimit", "\"jira-quota-tenant-based\";r=7;t=5"),
        ]))
        .unwrap();
        assert_eq!(
            (q.limit, q.remaining, q.reset_in_ms),
            (Some(100_000), 7, Some(5000))
        );
        // Nothing said, or nonsense: nothing known.
        assert_eq!(read(&with(&[])), None);
        assert_eq!(read(&with(&[("x-ratelimit-remaining", "many")])), None);
        assert_eq!(read(&with(&[("beta-ratelimit", "\"p\";t=5")])), None);
    }
}
