//! Patient Jira requests ([`Call::patient`]) for jobs (sync), which retry what
//! is worth retrying.
//!
//! The core has no clock, so it cannot sleep: it asks the host to wait with a
//! `sleep` effect ([`Ctx::sleep`]) and sends the request again. The rules:
//!
//! - **429** (busy): wait as long as `Retry-After` says (whole seconds), plus
//!   up to a fifth more so that requests refused together do not come back
//!   together (never less: Jira refuses a request sent again before its
//!   `Retry-After` has passed, with the same or a longer one), or back off as
//!   below when it is missing. Jira's three limits (`RateLimit-Reason`) differ
//!   only in how long they ask for: a burst (`jira-burst-based`) or an
//!   issue's writes (`jira-per-issue-on-write`) a second or two, a spent
//!   quota (`jira-quota-global-based`, `jira-quota-tenant-based`) until its
//!   hour ends. A wait longer than [`MAX_RETRY_AFTER_MS`], or than the
//!   request's budget has left, is not waited for at all: the run fails at
//!   once with `upstream`, naming the limit and when Jira takes requests
//!   again, and the next run resumes from the checkpoint.
//! - **500, 502, 503, 504** and a request the host could not perform at all
//!   (`upstream`: a timeout, a dropped connection): back off exponentially,
//!   1 s, 2 s, 4 s, 8 s, each stretched or shrunk by up to a fifth (a jitter
//!   derived from the request and the attempt, so runs stay deterministic);
//!   a `Retry-After` on a 503 (Jira sends one when a resource limit is
//!   reached) is honoured as on a 429.
//! - At most [`ATTEMPTS`] attempts and [`MAX_TOTAL_WAIT_MS`] of waiting per
//!   request; then the run fails with `upstream`, saying what Jira answered, how
//!   long the app waited and what to do.
//! - Nothing else is retried: a 4xx is an answer, and a `limit` or `internal`
//!   failure of the host would fail again.
//! - A write that must not happen twice ([`Call::patient_once`]) waits out a
//!   429 only: a 5xx or a lost answer may mean Jira did it, so it goes back
//!   to the caller, who looks before sending it again (a restore's recreate).
//!
//! - Before each attempt, [`super::pace`] may wait for the quota's window to
//!   end when the points left cannot pay for the request (Jira says them on
//!   every answer), so that a spent quota is met less often at all.
//!
//! User-initiated operations do not use this: they answer the person at once
//! (a retried `POST` could also log work twice). The exception is the
//! administrator check that begins each slice of a worklog restore, a long
//! job a person drives ([`crate::access::require_admin_patiently`]). Only idempotent requests go
//! through here: reads, and `POST`s that only read (`worklog/list`,
//! `search/jql`).

use super::Call;
use crate::executor::Ctx;
use crate::jira::JiraPath;
use crate::protocol::HttpResponse;
use crate::{Error, ErrorCode};

/// Attempts per request, the first included.
pub const ATTEMPTS: u32 = 5;

use super::pace::MAX_RETRY_AFTER_MS;

/// The most a request waits in total before the run gives up, in milliseconds.
pub const MAX_TOTAL_WAIT_MS: u32 = 120_000;

/// The first back-off, in milliseconds; it doubles with each attempt.
const FIRST_BACKOFF_MS: u32 = 1_000;

/// The longest back-off, in milliseconds.
const MAX_BACKOFF_MS: u32 = 30_000;

/// Why an attempt failed in a way worth retrying.
enum Failure {
    /// A response with a retryable status.
    Status(HttpResponse),
    /// The host could not perform the request.
    Host(Error),
}

/// Sends a request, retrying as the module describes, and returns the first
/// response that is not worth retrying (whatever its status).
///
/// # Errors
///
/// `upstream` when every attempt failed (the message says what Jira answered,
/// how long the app waited and that a later run resumes); the host's error when
/// it is not worth retrying.
pub(super) async fn send(ctx: &Ctx, call: &Call) -> Result<HttpResponse, Error> {
    let request = call.request();
    let mut waited: u32 = 0;
    let mut attempt = 1;
    loop {
        super::pace::before_request(ctx).await?;
        let outcome = ctx.jira(request.clone()).await;
        if let Ok(response) = &outcome {
            super::pace::observe(ctx, response);
        }
        let failure = match outcome {
            // Perhaps done: for a write sent once, the caller decides.
            Ok(response) if response.status >= 500 && !call.again_when_unsure() => {
                return Ok(response)
            }
            Err(e) if e.code() == ErrorCode::Upstream && !call.again_when_unsure() => {
                return Err(e)
            }
            Ok(response) if retryable(response.status) => Failure::Status(response),
            Ok(response) => return Ok(response),
            Err(e) if e.code() == ErrorCode::Upstream => Failure::Host(e),
            Err(e) => return Err(e),
        };
        let wait = match wait_ms(&failure, call.path(), attempt) {
            Wait::For(ms) => ms,
            Wait::TooLong(ms) => return Err(give_up(&failure, call, attempt, waited, Some(ms))),
        };
        if attempt >= ATTEMPTS || waited.saturating_add(wait) > MAX_TOTAL_WAIT_MS {
            let asked = asked_ms(&failure);
            return Err(give_up(&failure, call, attempt, waited, asked));
        }
        ctx.sleep(wait).await?;
        waited = waited.saturating_add(wait);
        attempt += 1;
    }
}

/// Whether a status is worth another attempt.
fn retryable(status: u16) -> bool {
    matches!(status, 429 | 500 | 502 | 503 | 504)
}

/// How long to wait before the next attempt.
enum Wait {
    /// This many milliseconds.
    For(u32),
    /// Jira asks for this many milliseconds, more than the app waits.
    TooLong(u32),
}

/// What Jira asked for with `Retry-After`, in milliseconds (a 429, or a 503
/// when a resource limit is reached).
fn asked_ms(failure: &Failure) -> Option<u32> {
    match failure {
        Failure::Status(response) if matches!(response.status, 429 | 503) => {
            retry_after_seconds(response).map(|s| s.saturating_mul(1000))
        }
        _ => None,
    }
}

/// How long to wait before attempt `attempt + 1`.
fn wait_ms(failure: &Failure, path: &JiraPath, attempt: u32) -> Wait {
    let jitter = |base: u32, spread_fifths: bool| -> i64 {
        // A deterministic jitter from the path and the attempt: in [-20 %, +20 %]
        // of `base`, or in [0, +20 %] when it may only lengthen the wait.
        let h = crate::hash::hash_text(0xff, &format!("{}#{attempt}", path.as_str()));
        let spread = u64::from(base / 5);
        if spread == 0 {
            0
        } else if spread_fifths {
            (h.unsigned_abs() % (2 * spread + 1)) as i64 - spread as i64
        } else {
            (h.unsigned_abs() % (spread + 1)) as i64
        }
    };
    if let Some(asked) = asked_ms(failure) {
        if asked > MAX_RETRY_AFTER_MS {
            return Wait::TooLong(asked);
        }
        let asked = asked.max(1);
        return Wait::For(u32::try_from(i64::from(asked) + jitter(asked, false)).unwrap_or(asked));
    }
    let base = FIRST_BACKOFF_MS
        .saturating_mul(1 << (attempt.saturating_sub(1)).min(16))
        .min(MAX_BACKOFF_MS);
    Wait::For(u32::try_from(i64::from(base) + jitter(base, true)).unwrap_or(base))
}

/// `Retry-After` in whole seconds (Jira sends seconds; an HTTP date is ignored).
fn retry_after_seconds(response: &HttpResponse) -> Option<u32> {
    let value = response.header("retry-after")?.trim();
    value.parse::<u32>().ok()
}

fn give_up(
    failure: &Failure,
    call: &Call,
    attempts: u32,
    waited: u32,
    asked: Option<u32>,
) -> Error {
    let what = match failure {
        Failure::Status(response) => {
            let mut what = call.error_for(response).message().to_owned();
            if let Some(reason) = response.header("ratelimit-reason") {
                what.push_str(&format!(" (RateLimit-Reason: {})", reason.trim()));
            }
            what
        }
        Failure::Host(e) => format!(
            "{} {} could not be sent: {}",
            call.method().as_str(),
            call.path().as_str(),
            e.message()
        ),
    };
    let again = match asked {
        Some(ms) => {
            let reset = match failure {
                Failure::Status(response) => response
                    .header("x-ratelimit-reset")
                    .map(|r| format!(", at {}", r.trim()))
                    .unwrap_or_default(),
                Failure::Host(_) => String::new(),
            };
            format!(
                "; jira takes requests again in {} s{reset}",
                ms.div_ceil(1000)
            )
        }
        None => String::new(),
    };
    Error::upstream(format!(
        "{what} (gave up after {attempts} attempts and {} s of waiting{again}; \
         what was done is kept, and running the same operation again later resumes from there)",
        waited.div_ceil(1000)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::executor::Run;
    use crate::protocol::{Answer, Effect, Outcome, Step};
    use crate::testing::{context, http};

    /// Runs one patient GET against scripted outcomes; returns the result and
    /// the waits asked for.
    fn run(outcomes: Vec<Result<HttpResponse, Error>>) -> (Result<u16, Error>, Vec<u32>) {
        let mut run = Run::with(context(None), |ctx| {
            Box::pin(async move {
                let call = Call::get(JiraPath::api(&["worklog", "updated"]))
                    .as_app()
                    .patient();
                call.send(&ctx).await.map(|r| r.status.to_string())
            })
        });
        let mut outcomes = outcomes.into_iter();
        let mut waits = Vec::new();
        let mut step = run.resume(vec![]);
        loop {
            match step {
                Step::Done(result) => {
                    return (result.map(|s| s.parse().unwrap()), waits);
                }
                Step::Wait(batch) => {
                    let answers = batch
                        .iter()
                        .map(|request| Answer {
                            id: request.id,
                            outcome: match &request.effect {
                                Effect::Sleep(ms) => {
                                    waits.push(*ms);
                                    Outcome::Sleep
                                }
                                Effect::Jira(_) => Outcome::Jira(outcomes.next().unwrap()),
                                Effect::Sql(_) => panic!("no sql here"),
                            },
                        })
                        .collect();
                    step = run.resume(answers);
                }
            }
        }
    }

    fn busy(after: Option<&str>) -> Result<HttpResponse, Error> {
        let mut response = http(429, r#"{"errorMessages":["Rate limit exceeded."]}"#);
        if let Some(after) = after {
            response
                .headers
                .push(("retry-after".to_owned(), after.to_owned()));
        }
        Ok(response)
    }

    /// A 429 as Jira sends it under its rate limits.
    fn limited(after: &str, reason: &str) -> Result<HttpResponse, Error> {
        let mut response = busy(Some(after))?;
        response.headers.extend([
            ("ratelimit-reason".to_owned(), reason.to_owned()),
            (
                "x-ratelimit-reset".to_owned(),
                "2026-11-24T13:00Z".to_owned(),
            ),
        ]);
        Ok(response)
    }

    #[test]
    fn retry_after_is_honoured_never_less_and_at_most_a_fifth_more() {
        let (result, waits) = run(vec![busy(Some("3")), busy(Some("1")), Ok(http(200, "{}"))]);
        assert_eq!(result, Ok(200));
        assert_eq!(waits.len(), 2);
        assert!((3000..=3600).contains(&waits[0]), "{waits:?}");
        assert!((1000..=1200).contains(&waits[1]), "{waits:?}");
        // Every limit's reason is waited for the same way; a 503 with
        // Retry-After (a resource limit) too.
        let mut unavailable = http(503, "");
        unavailable
            .headers
            .push(("retry-after".to_owned(), "5".to_owned()));
        let (result, waits) = run(vec![
            limited("1", "jira-burst-based"),
            limited("2", "jira-per-issue-on-write"),
            Ok(unavailable),
            Ok(http(200, "{}")),
        ]);
        assert_eq!(result, Ok(200));
        assert!((1000..=1200).contains(&waits[0]), "{waits:?}");
        assert!((2000..=2400).contains(&waits[1]), "{waits:?}");
        assert!((5000..=6000).contains(&waits[2]), "{waits:?}");
    }

    #[test]
    fn a_spent_quota_ends_the_run_at_once_saying_when_jira_takes_requests_again() {
        // Retrying before an hour's quota resets would only be refused again:
        // no wait, no second attempt.
        let (result, waits) = run(vec![limited("2400", "jira-quota-global-based")]);
        assert!(waits.is_empty(), "{waits:?}");
        let e = result.unwrap_err();
        assert!(e.is_upstream(), "{e}");
        assert!(
            e.message()
                .contains("RateLimit-Reason: jira-quota-global-based"),
            "{e}"
        );
        assert!(
            e.message()
                .contains("jira takes requests again in 2400 s, at 2026-11-24T13:00Z"),
            "{e}"
        );
        assert!(e.message().contains("gave up after 1 attempts"), "{e}");
        // A short one (a quota with little of its window left) is waited for.
        let (result, waits) = run(vec![
            limited("20", "jira-quota-tenant-based"),
            Ok(http(200, "{}")),
        ]);
        assert_eq!(result, Ok(200));
        assert!((20_000..=24_000).contains(&waits[0]), "{waits:?}");
    }

    #[test]
    fn unavailable_and_timeouts_back_off_exponentially() {
        let (result, waits) = run(vec![
            Ok(http(503, "")),
            Err(Error::upstream("timed out")),
            Ok(http(502, "")),
            Ok(http(200, "{}")),
        ]);
        assert_eq!(result, Ok(200));
        assert_eq!(waits.len(), 3);
        for (wait, base) in waits.iter().zip([1000u32, 2000, 4000]) {
            assert!(
                (base * 4 / 5..=base * 6 / 5).contains(wait),
                "{wait} for {base}"
            );
        }
    }

    #[test]
    fn gives_up_with_a_message_a_person_can_act_on() {
        let (result, waits) = run(vec![
            busy(None),
            busy(None),
            busy(None),
            busy(None),
            busy(None),
        ]);
        assert_eq!(waits.len(), 4);
        let e = result.unwrap_err();
        assert!(e.is_upstream(), "{e}");
        assert!(
            e.message()
                .starts_with("jira is busy (429) and refused GET /rest/api/3/worklog/updated"),
            "{e}"
        );
        assert!(e.message().contains("gave up after 5 attempts"), "{e}");
        assert!(
            e.message()
                .contains("running the same operation again later resumes"),
            "{e}"
        );
    }

    #[test]
    fn the_total_wait_is_bounded() {
        let (result, waits) = run(vec![busy(Some("50")), busy(Some("50")), busy(Some("50"))]);
        let e = result.unwrap_err();
        assert_eq!(waits.len(), 2, "{waits:?}");
        assert!(waits.iter().sum::<u32>() <= MAX_TOTAL_WAIT_MS, "{waits:?}");
        assert!(
            e.message().contains("jira takes requests again in 50 s"),
            "{e}"
        );
    }

    #[test]
    fn answers_and_other_failures_are_not_retried() {
        let (result, waits) = run(vec![Ok(http(404, ""))]);
        assert_eq!(result, Ok(404));
        assert!(waits.is_empty());
        let (result, waits) = run(vec![Err(Error::limit("the invocation ran out of time"))]);
        assert_eq!(result, Err(Error::limit("the invocation ran out of time")));
        assert!(waits.is_empty());
    }
}
