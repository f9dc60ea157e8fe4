//! The site's clock: the system clock unless a test freezes or shifts it, and
//! the unique, increasing stamps every write takes from it.

use std::time::{SystemTime, UNIX_EPOCH};

use super::World;

/// The site's clock: the system clock, shifted or frozen by tests.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Clock {
    offset_ms: i64,
    frozen_ms: Option<i64>,
}

impl Clock {
    fn now_ms(&self) -> i64 {
        match self.frozen_ms {
            Some(t) => t,
            None => {
                let system = SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .map(|d| d.as_millis() as i64)
                    .unwrap_or(0);
                system + self.offset_ms
            }
        }
    }
}

impl World {
    /// The site's current time, in milliseconds since the Unix epoch.
    pub fn now_ms(&self) -> i64 {
        self.clock.now_ms()
    }

    /// Freezes the site's clock at `ms` (milliseconds since the Unix epoch).
    pub fn set_time(&mut self, ms: i64) {
        self.clock.frozen_ms = Some(ms);
    }

    /// Moves the site's clock by `ms`, frozen or not. Handy to let `worklog/updated`
    /// see changes from the last minute, which Jira leaves out.
    pub fn advance_time(&mut self, ms: i64) {
        match &mut self.clock.frozen_ms {
            Some(t) => *t += ms,
            None => self.clock.offset_ms += ms,
        }
    }

    /// Whether the clock is frozen.
    pub fn clock_frozen(&self) -> bool {
        self.clock.frozen_ms.is_some()
    }

    /// Returns to the system clock (with no shift).
    pub fn use_system_time(&mut self) {
        self.clock = Clock::default();
    }

    /// A fresh stamp: the current time, or one millisecond after the last stamp if
    /// the clock has not moved on (or was set back).
    pub(crate) fn stamp(&mut self) -> i64 {
        let t = self.now_ms().max(self.last_stamp + 1);
        self.last_stamp = t;
        t
    }
}
