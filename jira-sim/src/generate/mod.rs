//! The demo site and the data generator.
//!
//! The fixed part (people, groups, roles, projects, permission schemes and the
//! first issues of each project) is exactly what `docs/demo-world.md` describes
//! and does not depend on the seed. The seed drives everything else: extra issues,
//! extra people and months of worklogs. Generation uses ChaCha8 seeded from the
//! seed and only fixed-width integer and `f64` draws, so the same seed gives the
//! same world on every run and every platform.
//!
//! Worklogs fall on each author's working days (Monday to Friday in the author's
//! time zone) in the months before 2026-11-24, on issues the author may work on,
//! and each author's day starts between 08:00 and 10:00 local time. Worklog ids
//! follow creation order, and update stamps are unique.

mod data;
mod fixed;
mod seeded;

use chrono::{Duration, NaiveDate, NaiveTime, TimeZone};
use chrono_tz::Tz;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde_json::{json, Value};

use crate::world::World;
use fixed::fixed_world;
use seeded::{add_extra_users, add_issues, add_worklogs};
pub use seeded::{demo_app_setup, demo_attribute_definitions, DEMO_ADMIN};

/// The last day with worklogs; the data ends before 2026-11-24.
const LAST_DAY: (i32, u32, u32) = (2026, 11, 23);

/// Options for [`World::generate`]; the defaults give the demo site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenOptions {
    /// People generated on top of the six demo people (`user0001`, …), each in
    /// `team-alpha`, `team-beta` or `ops`.
    pub extra_users: usize,
    /// Exactly this many worklogs, spread evenly over the authors' working days;
    /// `None` for a natural amount (most working days filled with one to four
    /// worklogs).
    pub worklogs: Option<usize>,
    /// Issues per project, counting the fixed ones; `None` for the fixed ones plus
    /// up to four more.
    pub issues_per_project: Option<usize>,
    /// Months of history, ending 2026-11-23.
    pub months: u32,
}

impl Default for GenOptions {
    fn default() -> GenOptions {
        GenOptions {
            extra_users: 0,
            worklogs: None,
            issues_per_project: None,
            months: 6,
        }
    }
}

/// Milliseconds since the epoch of a local date and time in `tz`.
fn local_ms(tz: Tz, date: NaiveDate, minutes: u32) -> i64 {
    let naive = date.and_time(NaiveTime::MIN) + Duration::minutes(i64::from(minutes));
    tz.from_local_datetime(&naive)
        .earliest()
        // A gap in local time (spring forward): take the same wall time an hour on.
        .or_else(|| {
            tz.from_local_datetime(&(naive + Duration::hours(1)))
                .earliest()
        })
        .map(|d| d.timestamp_millis())
        .unwrap_or_else(|| naive.and_utc().timestamp_millis())
}

/// The ADF document for a plain-text comment.
pub(crate) fn adf(text: &str) -> Value {
    json!({
        "type": "doc",
        "version": 1,
        "content": [{ "type": "paragraph", "content": [{ "type": "text", "text": text }] }],
    })
}

impl World {
    /// The demo site of `docs/demo-world.md`, with worklogs generated from `seed`.
    pub fn demo(seed: u64) -> World {
        World::generate(seed, GenOptions::default())
    }

    /// A site with the demo's fixed part and data generated from `seed` as `opts`
    /// asks; use it for large datasets (a million worklogs take a few seconds).
    pub fn generate(seed: u64, opts: GenOptions) -> World {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut world = fixed_world();
        add_extra_users(&mut world, &mut rng, opts.extra_users);
        add_issues(&mut world, &mut rng, &opts);
        add_worklogs(&mut world, &mut rng, &opts);
        world.reindex();
        world
    }
}
