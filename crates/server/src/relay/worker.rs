//! The loop that empties the outbox: claim what is due, send each claim concurrently,
//! record the outcome; sleep until a new ticket is stored here or the next poll (which
//! picks up retries coming due and, with PostgreSQL, what other instances queued).

use std::sync::Arc;
use std::time::Duration;

use tokio::task::JoinSet;

use super::Relay;
use super::outbox::Claim;
use crate::store::now_ms;

/// Claims taken per round: enough to keep several destinations busy at once, few
/// enough that one instance does not hold what another could be sending.
const BATCH: usize = 16;

/// How often an idle worker looks for deliveries it was not woken for.
const POLL: Duration = Duration::from_millis(500);

/// Runs until aborted (when the server stops). A round that fails (database down) is
/// logged and tried again after the poll interval; nothing is lost, the rows stay due.
pub async fn run(relay: Arc<Relay>) {
    let wake = relay.store.relay_wake();
    loop {
        let claims = {
            let (store, lease) = (relay.store.clone(), relay.lease);
            tokio::task::spawn_blocking(move || store.claim_due(lease, BATCH)).await
        };
        let claims = match claims {
            Ok(Ok(claims)) => claims,
            Ok(Err(err)) => {
                eprintln!("deflect relay: could not read the outbox: {err}");
                Vec::new()
            }
            Err(err) => {
                eprintln!("deflect relay: reading the outbox failed: {err}");
                Vec::new()
            }
        };
        if claims.is_empty() {
            tokio::select! {
                () = wake.notified() => {}
                () = tokio::time::sleep(POLL) => {}
            }
            continue;
        }
        let mut sending = JoinSet::new();
        for claim in claims {
            sending.spawn(settle_one(Arc::clone(&relay), claim));
        }
        while sending.join_next().await.is_some() {}
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
