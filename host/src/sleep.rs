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
        tokio::time::sleep(Duration::from_millis(u64::from(ms))).await;
        Answer {
            id,
            outcome: Outcome::Sleep,
        }
    }))
    .await
}
