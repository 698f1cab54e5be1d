//! The loop that empties the outbox: claim what is due, send the claims concurrently,
//! record each outcome as it comes; when nothing is due, sleep until a ticket is stored
//! here, a delivery finishes, or the next poll (which picks up retries coming due and,
//! with PostgreSQL, what other instances queued).

use std::sync::Arc;
use std::time::Duration;

use tokio::task::JoinSet;

use super::Relay;
use super::outbox::Claim;
use crate::store::now_ms;

/// Deliveries in flight at once: several destinations kept busy, and one that hangs
/// holds up only its own slots, never the rest.
const IN_FLIGHT: usize = 32;

/// How often an idle worker looks for deliveries it was not woken for.
const POLL: Duration = Duration::from_millis(500);

/// Runs until aborted (when the server stops). Free slots are filled with due claims as
/// soon as they free up; a round that fails (database down) is logged and tried again
/// at the next poll: nothing is lost, the rows stay due.
pub async fn run(relay: Arc<Relay>) {
    let wake = relay.store.relay_wake();
    let mut sending = JoinSet::new();
    loop {
        let room = IN_FLIGHT - sending.len();
        let claimed = if room > 0 {
            claim(&relay, room).await
        } else {
            Vec::new()
        };
        let full = !claimed.is_empty() && claimed.len() == room;
        for claim in claimed {
            sending.spawn(settle_one(Arc::clone(&relay), claim));
        }
        if full {
            // Every slot is busy: wait for one to free up before claiming more.
            sending.join_next().await;
            continue;
        }
        tokio::select! {
            Some(_) = sending.join_next(), if !sending.is_empty() => {}
            () = wake.notified() => {}
            () = tokio::time::sleep(POLL) => {}
        }
    }
}

/// Up to `limit` due claims; none when the outbox cannot be read (logged).
async fn claim(relay: &Relay, limit: usize) -> Vec<Claim> {
    let (store, lease) = (relay.store.clone(), relay.lease);
    match tokio::task::spawn_blocking(move || store.claim_due(lease, limit)).await {
        Ok(Ok(claims)) => claims,
        Ok(Err(err)) => {
            eprintln!("deflect relay: could not read the outbox: {err}");
            Vec::new()
        }
        Err(err) => {
            eprintln!("deflect relay: reading the outbox failed: {err}");
            Vec::new()
        }
    }
}

/// Sends one claim and records how it went.
async fn settle_one(relay: Arc<Relay>, claim: Claim) {
    let attempt = relay.send(&claim).await;
    let outcome = super::backoff::outcome(attempt, &claim, &relay.retry, now_ms());
    let store = relay.store.clone();
    let settled = tokio::task::spawn_blocking(move || {
        let result = store.settle(&claim, &outcome);
        (claim, outcome, result)
    })
    .await;
    match settled {
        Ok((claim, outcome, Err(err))) => eprintln!(
            "deflect relay: could not record {outcome:?} for {} / {} / {}: {err} \
             (it will be sent again when its lease ends)",
            claim.ticket_id, claim.event_key, claim.destination
        ),
        Ok(_) => {}
        Err(err) => eprintln!("deflect relay: recording a delivery failed: {err}"),
    }
}
