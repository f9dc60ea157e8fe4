//! Jira Cloud's rate limits, as Atlassian documents them ("Rate limiting" and
//! "Build an app that respects rate limits" in the Jira Cloud platform docs):
//! three independent limits checked on every request, any of which answers
//! `429 Too Many Requests` with `Retry-After` (seconds), `X-RateLimit-Reset`
//! (an ISO 8601 instant, `yyyy-MM-ddTHH:mmZ`) and `RateLimit-Reason`:
//!
//! - **the points-based quota** (`jira-quota-global-based` for the app's Tier 1
//!   global pool, `jira-quota-tenant-based` for a Tier 2 per-site pool): points
//!   an hour; a request costs 1 point, a read 1 more for every object it returns
//!   (a write only the 1);
//! - **the burst limit** (`jira-burst-based`): per endpoint and HTTP method, a
//!   bucket of requests refilled every second;
//! - **the per-issue write limit** (`jira-per-issue-on-write`): writes to one
//!   issue in a short and a long window (20 in 2 s, 100 in 30 s).
//!
//! Every answer while a quota is set carries `X-RateLimit-Limit` and
//! `X-RateLimit-Remaining` (the quota's points), `X-RateLimit-NearLimit:
//! true` when less than a fifth of it remains, and the beta headers Jira Cloud
//! sends in the shape of the IETF draft "RateLimit header fields for HTTP"
//! (structured fields, one item per policy): `Beta-RateLimit-Policy:
//! "<policy>";q=<points>;w=<window in seconds>` and `Beta-RateLimit:
//! "<policy>";r=<points remaining>;t=<seconds until the window ends>`, the
//! policy named after the quota's `RateLimit-Reason`. These are what a client
//! paces by before it meets a 429 (Jira sends nothing before a burst or an
//! issue's writes are refused).
//!
//! The limiter is off unless configured ([`crate::Sim::set_rate_limits`], the
//! control route `/sim/ratelimits`, `jira-sim --rate-limits documented`), and it
//! reads the site's own clock ([`crate::World::now_ms`]), which tests freeze and
//! move (`/sim/clock`, [`crate::World::advance_time`]) so that waiting costs no
//! real time. Refused requests consume nothing.

use std::collections::{BTreeMap, HashMap, VecDeque};

use serde_json::{json, Value};

/// `RateLimit-Reason` of the Tier 1 quota, shared by every site of an app.
pub const QUOTA_GLOBAL: &str = "jira-quota-global-based";
/// `RateLimit-Reason` of the Tier 2 quota, one per site.
pub const QUOTA_TENANT: &str = "jira-quota-tenant-based";
/// `RateLimit-Reason` of the per-second limit of one endpoint and method.
pub const BURST: &str = "jira-burst-based";
/// `RateLimit-Reason` of the write limit of one issue.
pub const PER_ISSUE_WRITE: &str = "jira-per-issue-on-write";

/// The points-based quota.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quota {
    /// Points a window.
    pub points: u64,
    /// The window, in milliseconds (an hour in Jira); windows start at
    /// multiples of it, as Jira's reset falls on the hour.
    pub window_ms: i64,
    /// Extra points a read costs for each object it returns (1 in Jira).
    pub per_object: u64,
    /// Which pool answers: [`QUOTA_GLOBAL`] or [`QUOTA_TENANT`].
    pub reason: &'static str,
}

/// A bucket of requests for one endpoint and method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bucket {
    /// Requests it holds when full (the burst buffer).
    pub capacity: u32,
    /// Requests it regains a second (the steady rate).
    pub per_second: u32,
}

/// At most `writes` writes to one issue in any `window_ms`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WriteWindow {
    /// Writes allowed in the window.
    pub writes: u32,
    /// The window, in milliseconds.
    pub window_ms: i64,
}

/// Which limits apply; `None` and an empty list turn one off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateLimits {
    /// The points-based quota.
    pub quota: Option<Quota>,
    /// The bucket of each `GET` and `POST` endpoint.
    pub reads: Option<Bucket>,
    /// The bucket of each `PUT` and `DELETE` endpoint.
    pub writes: Option<Bucket>,
    /// The per-issue write windows.
    pub issue_writes: Vec<WriteWindow>,
}

impl RateLimits {
    /// Jira Cloud's documented values: the Tier 1 global pool of 65,000 points
    /// an hour (1 point a request, 1 more per object read); 100 requests a
    /// second for each `GET`/`POST` endpoint and 50 for `PUT`/`DELETE`; 20
    /// writes to one issue in 2 s and 100 in 30 s.
    pub fn documented() -> RateLimits {
        RateLimits {
            quota: Some(Quota {
                points: 65_000,
                window_ms: 3_600_000,
                per_object: 1,
                reason: QUOTA_GLOBAL,
            }),
            reads: Some(Bucket {
                capacity: 100,
                per_second: 100,
            }),
            writes: Some(Bucket {
                capacity: 50,
                per_second: 50,
            }),
            issue_writes: vec![
                WriteWindow {
                    writes: 20,
                    window_ms: 2_000,
                },
                WriteWindow {
                    writes: 100,
                    window_ms: 30_000,
                },
            ],
        }
    }

    /// The same limits with the quota's points divided by `factor` (at least
    /// 1): a world `factor` times smaller spends it as often as the full one
    /// spends the full quota. The per-second and per-issue limits stay: they
    /// bound how fast requests go, not how many a world needs.
    pub fn scaled_down(mut self, factor: u64) -> RateLimits {
        let factor = factor.max(1);
        if let Some(q) = &mut self.quota {
            q.points = (q.points / factor).max(1);
        }
        self
    }

    /// Reads `{"preset": "documented"}` and/or the fields `quotaPoints`,
    /// `quotaWindowMs`, `pointsPerObject`, `quotaReason` (`"global"` or
    /// `"tenant"`), `readCapacity`, `readPerSecond`, `writeCapacity`,
    /// `writePerSecond` and `issueWrites` (`[[writes, windowMs], …]`); a field
    /// given `null` turns its limit off; fields without a preset start from
    /// no limits.
    ///
    /// # Errors
    ///
    /// A message naming the field and what was wrong.
    pub fn from_json(body: &Value) -> Result<RateLimits, String> {
        let obj = body.as_object().ok_or("the body must be a JSON object")?;
        const FIELDS: [&str; 10] = [
            "preset",
            "quotaPoints",
            "quotaWindowMs",
            "pointsPerObject",
            "quotaReason",
            "readCapacity",
            "readPerSecond",
            "writeCapacity",
            "writePerSecond",
            "issueWrites",
        ];
        if let Some(k) = obj.keys().find(|k| !FIELDS.contains(&k.as_str())) {
            return Err(format!("unrecognized field \"{k}\""));
        }
        let mut limits = match obj.get("preset") {
            None => RateLimits::none(),
            Some(Value::String(p)) if p == "documented" => RateLimits::documented(),
            Some(other) => return Err(format!("\"preset\": {other} is not \"documented\"")),
        };
        let uint = |k: &str| -> Result<Option<Option<u64>>, String> {
            match obj.get(k) {
                None => Ok(None),
                Some(Value::Null) => Ok(Some(None)),
                Some(v) => v
                    .as_u64()
                    .filter(|n| *n > 0)
                    .map(|n| Some(Some(n)))
                    .ok_or_else(|| format!("\"{k}\": {v} is not a positive integer")),
            }
        };
        let small = |n: u64, k: &str| -> Result<u32, String> {
            u32::try_from(n).map_err(|_| format!("\"{k}\": {n} is too large"))
        };
        if let Some(points) = uint("quotaPoints")? {
            limits.quota = points.map(|points| Quota {
                points,
                ..limits.quota.clone().unwrap_or(Quota {
                    points,
                    window_ms: 3_600_000,
                    per_object: 1,
                    reason: QUOTA_GLOBAL,
                })
            });
        }
        if let Some(q) = &mut limits.quota {
            if let Some(Some(ms)) = uint("quotaWindowMs")? {
                q.window_ms = i64::try_from(ms).map_err(|_| "\"quotaWindowMs\" is too large")?;
            }
            match obj.get("pointsPerObject") {
                None => {}
                Some(v) => {
                    q.per_object = v
                        .as_u64()
                        .ok_or_else(|| format!("\"pointsPerObject\": {v} is not an integer"))?
                }
            }
            match obj.get("quotaReason").map(|v| v.as_str()) {
                None => {}
                Some(Some("global")) => q.reason = QUOTA_GLOBAL,
                Some(Some("tenant")) => q.reason = QUOTA_TENANT,
                Some(_) => return Err("\"quotaReason\" is \"global\" or \"tenant\"".into()),
            }
        }
        for (bucket, capacity, rate) in [
            (&mut limits.reads, "readCapacity", "readPerSecond"),
            (&mut limits.writes, "writeCapacity", "writePerSecond"),
        ] {
            match (uint(capacity)?, uint(rate)?) {
                (Some(None), _) | (_, Some(None)) => *bucket = None,
                (None, None) => {}
                (c, r) => {
                    let old = bucket.unwrap_or(Bucket {
                        capacity: 1,
                        per_second: 1,
                    });
                    *bucket = Some(Bucket {
                        capacity: match c.flatten() {
                            Some(n) => small(n, capacity)?,
                            None => old.capacity,
                        },
                        per_second: match r.flatten() {
                            Some(n) => small(n, rate)?,
                            None => old.per_second,
                        },
                    });
                }
            }
        }
        match obj.get("issueWrites") {
            None => {}
            Some(Value::Null) => limits.issue_writes.clear(),
            Some(Value::Array(windows)) => {
                limits.issue_writes = windows
                    .iter()
                    .map(|w| match w.as_array().map(Vec::as_slice) {
                        Some([n, ms]) => match (n.as_u64(), ms.as_i64()) {
                            (Some(n), Some(ms)) if n > 0 && ms > 0 => Ok(WriteWindow {
                                writes: small(n, "issueWrites")?,
                                window_ms: ms,
                            }),
                            _ => Err(format!("\"issueWrites\": {w} is not [writes, windowMs]")),
                        },
                        _ => Err(format!("\"issueWrites\": {w} is not [writes, windowMs]")),
                    })
                    .collect::<Result<_, _>>()?;
            }
            Some(v) => return Err(format!("\"issueWrites\": {v} is not a list")),
        }
        Ok(limits)
    }

    /// No limit at all.
    pub fn none() -> RateLimits {
        RateLimits {
            quota: None,
            reads: None,
            writes: None,
            issue_writes: Vec::new(),
        }
    }

    /// The limits as `/sim/ratelimits` shows them.
    pub fn to_json(&self) -> Value {
        json!({
            "quotaPoints": self.quota.as_ref().map(|q| q.points),
            "quotaWindowMs": self.quota.as_ref().map(|q| q.window_ms),
            "pointsPerObject": self.quota.as_ref().map(|q| q.per_object),
            "quotaReason": self.quota.as_ref().map(|q| q.reason),
            "readCapacity": self.reads.map(|b| b.capacity),
            "readPerSecond": self.reads.map(|b| b.per_second),
            "writeCapacity": self.writes.map(|b| b.capacity),
            "writePerSecond": self.writes.map(|b| b.per_second),
            "issueWrites": self.issue_writes.iter().map(|w| json!([w.writes, w.window_ms])).collect::<Vec<_>>(),
        })
    }
}

/// One request as the limiter sees it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ask<'a> {
    /// `"GET /rest/api/3/…/{param}"`: the endpoint and method.
    pub route: &'a str,
    /// Whether it changes something (charged the base cost only).
    pub write: bool,
    /// The issue a write goes to, as the path names it.
    pub issue: Option<&'a str>,
}

/// Why a request is refused, and for how long.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Refusal {
    /// `RateLimit-Reason`.
    pub reason: &'static str,
    /// When the limit lets the request through, in epoch milliseconds.
    pub until_ms: i64,
}

impl Refusal {
    /// `Retry-After`: whole seconds from `now_ms`, at least 1.
    pub fn retry_after(&self, now_ms: i64) -> i64 {
        let ms = self.until_ms.saturating_sub(now_ms).max(1);
        (ms + 999) / 1000
    }
}

/// The limiter's state: the quota's window, the buckets, the recent writes to
/// each issue, and counts.
#[derive(Debug)]
pub(crate) struct Limiter {
    limits: RateLimits,
    window_start: i64,
    used: u64,
    /// Per route: thousandths of a request held, and when last refilled.
    buckets: HashMap<String, (u64, i64)>,
    /// Per issue: the instants of its recent writes, oldest first.
    writes: HashMap<String, VecDeque<i64>>,
    refused: BTreeMap<&'static str, u64>,
    points: u64,
}

impl Limiter {
    pub fn new(limits: RateLimits) -> Limiter {
        Limiter {
            limits,
            window_start: i64::MIN,
            used: 0,
            buckets: HashMap::new(),
            writes: HashMap::new(),
            refused: BTreeMap::new(),
            points: 0,
        }
    }

    pub fn limits(&self) -> &RateLimits {
        &self.limits
    }

    /// Moves the quota's window to the one holding `now`.
    fn roll(&mut self, now: i64) {
        if let Some(q) = &self.limits.quota {
            let start = now - now.rem_euclid(q.window_ms.max(1));
            if start != self.window_start {
                self.window_start = start;
                self.used = 0;
            }
        }
    }

    /// Lets `ask` through at `now` (taking a request from its bucket and
    /// recording a write), or says which limit refuses it until when.
    pub fn admit(&mut self, now: i64, ask: Ask<'_>) -> Result<(), Refusal> {
        let refusal = self.check(now, ask);
        if let Err(refusal) = &refusal {
            *self.refused.entry(refusal.reason).or_default() += 1;
            return Err(refusal.clone());
        }
        if let Some(bucket) = self.bucket_of(ask) {
            let held = self.refill(now, ask.route, bucket);
            self.buckets
                .insert(ask.route.to_owned(), (held - 1000, now));
        }
        if let (true, Some(issue)) = (ask.write && !self.limits.issue_writes.is_empty(), ask.issue)
        {
            let longest = self
                .limits
                .issue_writes
                .iter()
                .map(|w| w.window_ms)
                .max()
                .unwrap_or(0);
            let times = self.writes.entry(issue.to_owned()).or_default();
            while times.front().is_some_and(|t| *t <= now - longest) {
                times.pop_front();
            }
            times.push_back(now);
        }
        Ok(())
    }

    fn check(&mut self, now: i64, ask: Ask<'_>) -> Result<(), Refusal> {
        self.roll(now);
        if let Some(q) = &self.limits.quota {
            if self.used >= q.points {
                return Err(Refusal {
                    reason: q.reason,
                    until_ms: self.window_start + q.window_ms,
                });
            }
        }
        if let Some(bucket) = self.bucket_of(ask) {
            let held = self.refill(now, ask.route, bucket);
            if held < 1000 {
                let rate = u64::from(bucket.per_second.max(1));
                let wait = (1000 - held).saturating_mul(1000).div_ceil(rate * 1000);
                return Err(Refusal {
                    reason: BURST,
                    until_ms: now + i64::try_from(wait).unwrap_or(i64::MAX / 2),
                });
            }
        }
        if let (true, Some(issue)) = (ask.write, ask.issue) {
            if let Some(times) = self.writes.get(issue) {
                for w in &self.limits.issue_writes {
                    let recent: Vec<i64> = times
                        .iter()
                        .copied()
                        .filter(|t| *t > now - w.window_ms)
                        .collect();
                    if recent.len() >= w.writes as usize {
                        // Free again when the oldest write that keeps it full leaves the window.
                        let oldest = recent[recent.len() - w.writes as usize];
                        return Err(Refusal {
                            reason: PER_ISSUE_WRITE,
                            until_ms: oldest + w.window_ms,
                        });
                    }
                }
            }
        }
        Ok(())
    }

    fn bucket_of(&self, ask: Ask<'_>) -> Option<Bucket> {
        let method = ask.route.split(' ').next().unwrap_or("");
        match method {
            "PUT" | "DELETE" => self.limits.writes,
            _ => self.limits.reads,
        }
    }

    /// The thousandths of a request `route`'s bucket holds at `now`.
    fn refill(&self, now: i64, route: &str, bucket: Bucket) -> u64 {
        let full = u64::from(bucket.capacity) * 1000;
        match self.buckets.get(route) {
            None => full,
            Some(&(held, at)) => {
                let elapsed = u64::try_from(now.saturating_sub(at)).unwrap_or(0);
                held.saturating_add(elapsed.saturating_mul(u64::from(bucket.per_second)))
                    .min(full)
            }
        }
    }

    /// Charges an answered request: 1 point, and for a read 1 per object more.
    pub fn charge(&mut self, now: i64, write: bool, objects: u64) {
        self.roll(now);
        let per_object = self.limits.quota.as_ref().map_or(0, |q| q.per_object);
        let cost = if write {
            1
        } else {
            1 + objects.saturating_mul(per_object)
        };
        self.used = self.used.saturating_add(cost);
        self.points = self.points.saturating_add(cost);
    }

    /// `(limit, remaining)` of the quota, if one is set.
    #[cfg(test)]
    pub fn quota_left(&self) -> Option<(u64, u64)> {
        self.limits
            .quota
            .as_ref()
            .map(|q| (q.points, q.points.saturating_sub(self.used)))
    }

    /// The quota's headers at `now` (see the module's documentation); none
    /// without a quota.
    pub fn quota_headers(&mut self, now: i64) -> Vec<(&'static str, String)> {
        self.roll(now);
        let Some(q) = &self.limits.quota else {
            return Vec::new();
        };
        let remaining = q.points.saturating_sub(self.used);
        let window = q.window_ms.max(1);
        let reset_ms = self.window_start.saturating_add(window).saturating_sub(now);
        let mut headers = vec![
            ("x-ratelimit-limit", q.points.to_string()),
            ("x-ratelimit-remaining", remaining.to_string()),
            (
                "beta-ratelimit-policy",
                format!(
                    "\"{}\";q={};w={}",
                    q.reason,
                    q.points,
                    (window + 999) / 1000
                ),
            ),
            (
                "beta-ratelimit",
                format!(
                    "\"{}\";r={remaining};t={}",
                    q.reason,
                    (reset_ms.max(0) + 999) / 1000
                ),
            ),
        ];
        if remaining.saturating_mul(5) < q.points {
            headers.push(("x-ratelimit-nearlimit", "true".to_owned()));
        }
        headers
    }

    /// `{"points": charged in all, "refused": {reason: count}}`.
    pub fn stats_json(&self) -> Value {
        json!({ "points": self.points, "refused": self.refused })
    }
}

/// How many objects a read's JSON answer holds: the length of a top-level
/// list, or the sum of the lengths of the lists an object holds at its top
/// level (`values`, `worklogs`, `issues`…).
pub(crate) fn objects_in(body: &[u8]) -> u64 {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Array(items)) => items.len() as u64,
        Ok(Value::Object(fields)) => fields
            .values()
            .filter_map(Value::as_array)
            .map(|a| a.len() as u64)
            .sum(),
        _ => 0,
    }
}

/// `X-RateLimit-Reset`'s format: `yyyy-MM-ddTHH:mmZ`, rounded up to the minute.
pub(crate) fn reset_header(until_ms: i64) -> String {
    let minute = until_ms.div_euclid(60_000) + i64::from(until_ms.rem_euclid(60_000) != 0);
    chrono::DateTime::from_timestamp(minute * 60, 0)
        .map(|t| t.format("%Y-%m-%dT%H:%MZ").to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: i64 = 1_795_521_600_000; // on the hour

    fn read(route: &str) -> Ask<'_> {
        Ask {
            route,
            write: false,
            issue: None,
        }
    }

    fn write_to(issue: &str) -> Ask<'_> {
        Ask {
            route: "PUT /rest/api/3/issue/{issueIdOrKey}/worklog/{id}",
            write: true,
            issue: Some(issue),
        }
    }

    #[test]
    fn the_quota_counts_points_and_resets_on_the_window() {
        let mut limits = RateLimits::none();
        limits.quota = Some(Quota {
            points: 10,
            window_ms: 3_600_000,
            per_object: 1,
            reason: QUOTA_TENANT,
        });
        let mut l = Limiter::new(limits);
        assert!(l.admit(T0, read("GET /a")).is_ok());
        l.charge(T0, false, 8); // 9 points
        assert_eq!(l.quota_left(), Some((10, 1)));
        assert!(l.admit(T0 + 1, write_to("A-1")).is_ok());
        l.charge(T0 + 1, true, 5); // a write costs 1 whatever it returns
        let refusal = l.admit(T0 + 1_000, read("GET /a")).unwrap_err();
        assert_eq!(refusal.reason, QUOTA_TENANT);
        assert_eq!(refusal.until_ms, T0 + 3_600_000);
        assert_eq!(refusal.retry_after(T0 + 1_000), 3599);
        assert_eq!(reset_header(refusal.until_ms), "2026-11-24T13:00Z");
        // The next hour starts afresh.
        assert!(l.admit(T0 + 3_600_000, read("GET /a")).is_ok());
        assert_eq!(l.stats_json()["refused"][QUOTA_TENANT], 1);
        assert_eq!(l.stats_json()["points"], 10);
    }

    #[test]
    fn bursts_empty_a_bucket_per_endpoint_that_refills_every_second() {
        let mut limits = RateLimits::none();
        limits.reads = Some(Bucket {
            capacity: 3,
            per_second: 2,
        });
        let mut l = Limiter::new(limits);
        for _ in 0..3 {
            assert!(l.admit(T0, read("GET /a")).is_ok());
        }
        let refusal = l.admit(T0, read("GET /a")).unwrap_err();
        assert_eq!(refusal.reason, BURST);
        assert_eq!(refusal.until_ms, T0 + 500);
        assert_eq!(refusal.retry_after(T0), 1);
        // Another endpoint has its own bucket.
        assert!(l.admit(T0, read("POST /a")).is_ok());
        // Half a second gives one request back.
        assert!(l.admit(T0 + 500, read("GET /a")).is_ok());
        assert!(l.admit(T0 + 500, read("GET /a")).is_err());
        // A quiet while fills it, never above its capacity.
        for _ in 0..3 {
            assert!(l.admit(T0 + 60_000, read("GET /a")).is_ok());
        }
        assert!(l.admit(T0 + 60_000, read("GET /a")).is_err());
    }

    #[test]
    fn writes_to_one_issue_are_limited_in_both_windows() {
        let mut l = Limiter::new(RateLimits {
            quota: None,
            reads: None,
            writes: None,
            ..RateLimits::documented()
        });
        // 20 writes in 2 s to one issue; the 21st waits for the first to leave.
        for i in 0..20 {
            assert!(l.admit(T0 + i, write_to("A-1")).is_ok());
        }
        let refusal = l.admit(T0 + 100, write_to("A-1")).unwrap_err();
        assert_eq!(
            (refusal.reason, refusal.until_ms),
            (PER_ISSUE_WRITE, T0 + 2_000)
        );
        // Other issues and reads are not held up.
        assert!(l.admit(T0 + 100, write_to("A-2")).is_ok());
        assert!(l
            .admit(T0 + 100, read("GET /rest/api/3/issue/{issueIdOrKey}"))
            .is_ok());
        // 100 in 30 s: five rounds of 20, then the long window refuses.
        let mut t = T0;
        let mut written = 20;
        while written < 100 {
            t += 2_020;
            for _ in 0..20 {
                assert!(l.admit(t, write_to("A-1")).is_ok());
                written += 1;
            }
        }
        t += 2_020;
        let refusal = l.admit(t, write_to("A-1")).unwrap_err();
        assert_eq!(
            (refusal.reason, refusal.until_ms),
            (PER_ISSUE_WRITE, T0 + 30_000)
        );
    }

    #[test]
    fn limits_read_from_json() {
        let l = RateLimits::from_json(&json!({"preset": "documented"})).unwrap();
        assert_eq!(l, RateLimits::documented());
        let l = RateLimits::from_json(
            &json!({"quotaPoints": 500, "quotaWindowMs": 10000, "quotaReason": "tenant",
                    "readCapacity": 4, "readPerSecond": 2, "issueWrites": [[2, 1000]]}),
        )
        .unwrap();
        assert_eq!(
            l.quota,
            Some(Quota {
                points: 500,
                window_ms: 10_000,
                per_object: 1,
                reason: QUOTA_TENANT
            })
        );
        assert_eq!(
            l.reads,
            Some(Bucket {
                capacity: 4,
                per_second: 2
            })
        );
        assert_eq!(l.writes, None);
        assert_eq!(l.issue_writes.len(), 1);
        let l =
            RateLimits::from_json(&json!({"preset": "documented", "quotaPoints": null})).unwrap();
        assert_eq!(l.quota, None);
        assert!(RateLimits::from_json(&json!({"quota": 1}))
            .unwrap_err()
            .contains("\"quota\""));
        assert!(RateLimits::from_json(&json!({"readCapacity": -1}))
            .unwrap_err()
            .contains("readCapacity"));
        assert_eq!(
            RateLimits::from_json(
                &RateLimits::documented()
                    .to_json()
                    .as_object()
                    .map(|o| {
                        let mut o = o.clone();
                        o.insert("quotaReason".into(), json!("global"));
                        Value::Object(o)
                    })
                    .unwrap()
            )
            .unwrap(),
            RateLimits::documented()
        );
    }

    #[test]
    fn the_simulator_answers_429_with_jiras_headers() {
        use crate::{Caller, InProcess, Sim, World};
        let mut world = World::demo(1);
        world.set_time(T0);
        let sim = Sim::new(world);
        let jira = InProcess::new(&sim).unwrap();
        let get = |path: &str| jira.send(Caller::App, "GET", path, None);
        // Off by default: no headers.
        let reply = get("/rest/api/3/myself");
        assert!(!reply
            .headers
            .iter()
            .any(|(k, _)| k.starts_with("x-ratelimit")));

        let mut limits = RateLimits::none();
        limits.quota = Some(Quota {
            points: 30,
            window_ms: 60_000,
            per_object: 1,
            reason: QUOTA_GLOBAL,
        });
        limits.reads = Some(Bucket {
            capacity: 2,
            per_second: 1,
        });
        sim.set_rate_limits(Some(limits));
        let header = |reply: &crate::Reply, name: &str| {
            reply
                .headers
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        };
        // A read costs 1 point and 1 per object it returns.
        let reply = get("/rest/api/3/project/search");
        assert_eq!(reply.status, 200);
        let listed = objects_in(reply.body.as_bytes());
        assert!(listed >= 2, "{listed}");
        assert_eq!(header(&reply, "x-ratelimit-limit").as_deref(), Some("30"));
        let remaining = 29 - listed;
        assert_eq!(
            header(&reply, "x-ratelimit-remaining"),
            Some(remaining.to_string())
        );
        get("/rest/api/3/myself");
        // The bucket of GET myself still holds one request, then none.
        get("/rest/api/3/myself");
        let refused = get("/rest/api/3/myself");
        assert_eq!(refused.status, 429);
        assert_eq!(header(&refused, "ratelimit-reason").as_deref(), Some(BURST));
        assert_eq!(header(&refused, "retry-after").as_deref(), Some("1"));
        assert_eq!(
            header(&refused, "x-ratelimit-reset").as_deref(),
            Some("2026-11-24T12:01Z")
        );
        assert!(
            refused.body.contains("Rate limit exceeded."),
            "{}",
            refused.body
        );
        // Spend the quota: a fifth left says so, none left refuses until the window ends.
        sim.set_rate_limits(Some(RateLimits {
            quota: Some(Quota {
                points: 5,
                window_ms: 60_000,
                per_object: 1,
                reason: QUOTA_GLOBAL,
            }),
            ..RateLimits::none()
        }));
        for _ in 0..4 {
            get("/rest/api/3/myself");
        }
        let last = get("/rest/api/3/myself");
        assert_eq!(header(&last, "x-ratelimit-remaining").as_deref(), Some("0"));
        // The beta headers: the policy, and what is left until the window ends.
        assert_eq!(
            header(&last, "beta-ratelimit-policy").as_deref(),
            Some("\"jira-quota-global-based\";q=5;w=60")
        );
        assert_eq!(
            header(&last, "beta-ratelimit").as_deref(),
            Some("\"jira-quota-global-based\";r=0;t=60")
        );
        assert_eq!(
            header(&last, "x-ratelimit-nearlimit").as_deref(),
            Some("true")
        );
        sim.with_world(|w| w.advance_time(1_000));
        let refused = get("/rest/api/3/myself");
        assert_eq!(refused.status, 429);
        assert_eq!(
            header(&refused, "ratelimit-reason").as_deref(),
            Some(QUOTA_GLOBAL)
        );
        assert_eq!(header(&refused, "retry-after").as_deref(), Some("59"));
        assert_eq!(
            header(&refused, "x-ratelimit-remaining").as_deref(),
            Some("0")
        );
        let stats = sim.rate_limit_stats().unwrap();
        assert_eq!(stats["refused"][QUOTA_GLOBAL], 1);
        assert_eq!(stats["points"], 5);
        sim.set_rate_limits(None);
        assert_eq!(get("/rest/api/3/myself").status, 200);
    }

    #[test]
    fn objects_are_counted_in_lists_at_the_top() {
        assert_eq!(objects_in(br#"[1,2,3]"#), 3);
        assert_eq!(objects_in(br#"{"values":[1,2],"lastPage":true}"#), 2);
        assert_eq!(objects_in(br#"{"accountId":"x"}"#), 0);
        assert_eq!(objects_in(b"not json"), 0);
    }
}
