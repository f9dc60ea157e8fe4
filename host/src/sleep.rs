//! The `sleep` effect: the core asks the host to wait before it retries (it
//! has no clock of its own). Generic: a wait is a timer, answered when it ends,
//! side by side with the other effects of the batch. The task loop's
//! invocation budget bounds it like any other effect.

use std::time::Duration;

use futures::future::join_all;

use crate::protocol::{Answer, Outcome};

/// Waits for every `(id, milliseconds)` at once and answers each when its
/// time has passed.
pub async fn perform(waits: Vec<(u32, u32)>) -> Vec<Answer> {
    join_all(waits.into_iter().map(|(id, ms)| async move {
        // A wait of no time is the core yielding while other effects are in
        // flight: answered at once, not at the timer's next tick (a
        // millisecond later).
        if ms > 0 {
            tokio::time::sleep(Duration::from_millis(u64::from(ms))).await;
        }
        Answer {
            id,
            outcome: Outcome::Sleep,
        }
    }))
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wait_of_no_time_needs_no_timer() {
        // A runtime without a time driver: a timer would panic.
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a runtime");
        let answers = runtime.block_on(perform(vec![(4, 0)]));
        assert_eq!(answers.len(), 1);
        assert_eq!(answers[0].id, 4);
        assert!(matches!(answers[0].outcome, Outcome::Sleep));
    }
}
