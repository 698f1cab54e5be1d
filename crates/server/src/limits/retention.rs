//! Analytics events are kept for [`Limits::events_retention_days`] and then deleted, at
//! start and every hour, so the events table (and the time an insights report takes)
//! stays bounded however long the inbox runs. Age is the server's receipt time: the
//! time an event claims comes from a browser and is not trusted for this.

use std::time::Duration;

use super::Limits;
use crate::db::args;
use crate::store::{Store, StoreError, now_ms};

/// How often old events are deleted while the inbox runs.
const PRUNE_EVERY: Duration = Duration::from_secs(60 * 60);

/// Rows deleted per statement, each its own transaction: a ticket waits for one batch
/// at most, not for the whole clean-up.
const BATCH: usize = 5_000;

const DAY_MS: u64 = 24 * 60 * 60 * 1000;

/// Deletes events received more than `days` days ago; how many.
pub fn prune_events(store: &Store, days: u32) -> Result<usize, StoreError> {
    let cutoff = now_ms().saturating_sub(u64::from(days) * DAY_MS);
    let mut deleted = 0;
    loop {
        let n = store.write(|tx| {
            tx.execute(
                "DELETE FROM events WHERE id IN
                 (SELECT id FROM events WHERE received_at_ms < ?1 LIMIT ?2)",
                args![cutoff, BATCH],
            )
        })?;
        deleted += n;
        if n < BATCH {
            return Ok(deleted);
        }
    }
}

/// Deletes old events once, off the async workers; a failure is logged, not fatal (the
/// next round tries again).
pub(crate) async fn prune_once(store: &Store, limits: &Limits) {
    let (store, days) = (store.clone(), limits.events_retention_days);
    match tokio::task::spawn_blocking(move || prune_events(&store, days)).await {
        Ok(Ok(_)) => {}
        Ok(Err(err)) => eprintln!("deflect inbox: could not delete old events: {err}"),
        Err(err) => eprintln!("deflect inbox: deleting old events failed: {err}"),
    }
}

/// Prunes every [`PRUNE_EVERY`] from now on, forever (the caller aborts it).
pub(crate) async fn keep_pruning(store: Store, limits: Limits) {
    let mut every = tokio::time::interval(PRUNE_EVERY);
    every.tick().await; // the first tick is now; the inbox pruned as it started
    loop {
        every.tick().await;
        prune_once(&store, &limits).await;
    }
}
