//! The relay's outbox: one row per ticket event × destination, written in the same
//! transaction that stores the ticket or follow-up, so a delivery can never be lost
//! between "stored" and "sent". A worker claims due rows for a lease, sends them and
//! marks the outcome; a worker killed mid-send leaves a row whose lease runs out and
//! which is then claimed again, by this instance or another. On PostgreSQL a claim
//! skips the rows another instance is claiming at that moment (`FOR UPDATE SKIP
//! LOCKED`), and every attempt is fenced by its attempt number, so a late answer from
//! an older attempt cannot overwrite a newer one.

use std::collections::BTreeMap;
use std::time::Duration;

use rusqlite::Connection;
use serde::Serialize;

use super::config::CONFIRMATION;
use super::event::CREATED_KEY as CREATED;
use crate::db::{Row, Table, ToValue, Tx, args};
use crate::store::{Store, StoreError, now_ms};

/// One schema for both databases (`BIGINT` is an integer to SQLite too).
const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS outbox (
    ticket_id         TEXT NOT NULL,
    event_key         TEXT NOT NULL,
    destination       TEXT NOT NULL,
    accepted_at_ms    BIGINT NOT NULL,
    retrying_since_ms BIGINT NOT NULL,
    attempts          BIGINT NOT NULL DEFAULT 0,
    next_try_ms       BIGINT NOT NULL,
    claimed_until_ms  BIGINT,
    last_error        TEXT,
    delivered_at_ms   BIGINT,
    gave_up_at_ms     BIGINT,
    skipped           BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (ticket_id, event_key, destination)
);
CREATE INDEX IF NOT EXISTS outbox_due ON outbox (next_try_ms)
    WHERE delivered_at_ms IS NULL AND gave_up_at_ms IS NULL;
";

pub(crate) const TABLE: Table = Table {
    sqlite: ensure_sqlite,
    postgres: SCHEMA,
};

fn ensure_sqlite(conn: &Connection) -> Result<(), StoreError> {
    Ok(conn.execute_batch(SCHEMA)?)
}

/// Queues `event_key` of `ticket_id` for each destination, inside the caller's
/// transaction; a repeat of the event queues nothing new. The customer's confirmation
/// is queued once, as part of the ticket's creation, when there is first an address to
/// send it to (`has_contact`): with the ticket, or with the follow-up that gives one.
pub(crate) fn enqueue(
    tx: &mut Tx<'_>,
    ticket_id: &str,
    event_key: &str,
    destinations: &[String],
    has_contact: bool,
) -> Result<(), StoreError> {
    let now = now_ms();
    for destination in destinations {
        let key = match destination == CONFIRMATION {
            true if has_contact => CREATED,
            true => continue,
            false => event_key,
        };
        tx.execute(
            "INSERT INTO outbox (ticket_id, event_key, destination, accepted_at_ms,
                                 retrying_since_ms, next_try_ms)
             VALUES (?1, ?2, ?3, ?4, ?4, ?4)
             ON CONFLICT DO NOTHING",
            args![ticket_id, key, destination, now],
        )?;
    }
    Ok(())
}

/// One delivery a worker holds until its lease runs out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    pub ticket_id: String,
    pub event_key: String,
    pub destination: String,
    /// This attempt's number (1 for the first): the fence for [`Store::settle`].
    pub attempt: u32,
    /// When the ticket or follow-up was stored, Unix ms: deliveries are timed from it.
    pub accepted_at_ms: u64,
    /// Since when it has been retried: its acceptance, or an operator's retry. Retries
    /// stop a configured time after it.
    pub retrying_since_ms: u64,
}

/// How one attempt ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The destination took it.
    Delivered,
    /// Try again at this time (Unix ms).
    RetryAt { at_ms: u64, error: String },
    /// Stop trying: the destination refused for good, or retries ran out. An operator
    /// can still retry it from the inbox.
    GaveUp { error: String },
    /// Not to be sent at all, for `reason`; no retry brings it back.
    Skipped { reason: String },
}

/// Where one destination's delivery of one event stands, as the inbox shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeliveryState {
    pub event: String,
    pub destination: String,
    /// `pending`, `sending`, `delivered`, `failed` or `skipped`.
    pub status: &'static str,
    pub attempts: u32,
    pub last_error: Option<String>,
    pub delivered_at_ms: Option<u64>,
    /// When the next attempt is due, for a pending delivery.
    pub next_try_ms: Option<u64>,
}

impl Store {
    /// Claims up to `limit` due deliveries for `lease`: the oldest due first, skipping
    /// those another worker holds or is claiming.
    pub fn claim_due(&self, lease: Duration, limit: usize) -> Result<Vec<Claim>, StoreError> {
        let now = now_ms();
        let until = now + u64::try_from(lease.as_millis()).unwrap_or(u64::MAX / 2);
        self.write(|tx| {
            let sql = format!(
                "UPDATE outbox SET attempts = attempts + 1, claimed_until_ms = ?2
                 WHERE (ticket_id, event_key, destination) IN (
                     SELECT ticket_id, event_key, destination FROM outbox
                     WHERE delivered_at_ms IS NULL AND gave_up_at_ms IS NULL
                       AND next_try_ms <= ?1
                       AND (claimed_until_ms IS NULL OR claimed_until_ms <= ?1)
                     ORDER BY next_try_ms LIMIT ?3{})
                 RETURNING ticket_id, event_key, destination, attempts, accepted_at_ms,
                           retrying_since_ms",
                tx.dialect().skip_locked()
            );
            tx.query(&sql, args![now, until, limit as u64])?
                .iter()
                .map(|row| {
                    Ok(Claim {
                        ticket_id: row.get(0)?,
                        event_key: row.get(1)?,
                        destination: row.get(2)?,
                        attempt: row.get(3)?,
                        accepted_at_ms: row.get(4)?,
                        retrying_since_ms: row.get(5)?,
                    })
                })
                .collect()
        })
    }

    /// Records how `claim`'s attempt ended; `false` when a newer attempt owns the row
    /// (this one's lease ran out and it was claimed again), which then decides.
    pub fn settle(&self, claim: &Claim, outcome: &Outcome) -> Result<bool, StoreError> {
        let now = now_ms();
        let (delivered, next_try, gave_up, error) = match outcome {
            Outcome::Delivered => (Some(now), None, None, None),
            Outcome::RetryAt { at_ms, error } => (None, Some(*at_ms), None, Some(error)),
            Outcome::GaveUp { error } => (None, None, Some(now), Some(error)),
            Outcome::Skipped { reason } => (None, None, Some(now), Some(reason)),
        };
        let skipped = matches!(outcome, Outcome::Skipped { .. });
        let changed = self.write(|tx| {
            tx.execute(
                "UPDATE outbox SET claimed_until_ms = NULL, delivered_at_ms = ?5,
                     next_try_ms = COALESCE(?6, next_try_ms), gave_up_at_ms = ?7,
                     last_error = COALESCE(?8, last_error), skipped = ?9
                 WHERE ticket_id = ?1 AND event_key = ?2 AND destination = ?3
                   AND attempts = ?4",
                args![
                    claim.ticket_id,
                    claim.event_key,
                    claim.destination,
                    claim.attempt,
                    delivered,
                    next_try,
                    gave_up,
                    error,
                    skipped,
                ],
            )
        })?;
        Ok(changed == 1)
    }

    /// An operator's retry: every undelivered delivery of `ticket_id` (failed or
    /// waiting for its next try, not one skipped by design) is due now and retried
    /// afresh; how many.
    pub fn retry_deliveries(&self, ticket_id: &str) -> Result<usize, StoreError> {
        self.write(|tx| {
            tx.execute(
                "UPDATE outbox SET gave_up_at_ms = NULL, next_try_ms = ?2, retrying_since_ms = ?2
                 WHERE ticket_id = ?1 AND delivered_at_ms IS NULL AND NOT skipped",
                args![ticket_id, now_ms()],
            )
        })
    }
}

/// Every delivery of the tickets `ticket_ids` names (one inbox page), by ticket.
pub(crate) fn by_ticket(
    tx: &mut Tx<'_>,
    ticket_ids: &[&str],
) -> Result<BTreeMap<String, Vec<DeliveryState>>, StoreError> {
    let mut by_ticket: BTreeMap<String, Vec<DeliveryState>> = BTreeMap::new();
    if ticket_ids.is_empty() {
        return Ok(by_ticket);
    }
    // One placeholder per id (a page holds at most 200): the same SQL on both.
    let placeholders: Vec<String> = (1..=ticket_ids.len()).map(|i| format!("?{i}")).collect();
    let sql = format!(
        "SELECT ticket_id, event_key, destination, attempts, last_error, delivered_at_ms,
                gave_up_at_ms, claimed_until_ms, next_try_ms, skipped
         FROM outbox WHERE ticket_id IN ({})
         ORDER BY ticket_id, accepted_at_ms, destination",
        placeholders.join(", ")
    );
    let ids: Vec<_> = ticket_ids.iter().map(ToValue::to_value).collect();
    let now = now_ms();
    for row in tx.query(&sql, &ids)? {
        let (ticket_id, state) = delivery_state(&row, now)?;
        by_ticket.entry(ticket_id).or_default().push(state);
    }
    Ok(by_ticket)
}

/// A row of [`by_ticket`]'s query: its ticket, and where the delivery stands at `now`.
fn delivery_state(row: &Row, now: u64) -> Result<(String, DeliveryState), StoreError> {
    let delivered: Option<u64> = row.get(5)?;
    let gave_up: Option<u64> = row.get(6)?;
    let claimed: Option<u64> = row.get(7)?;
    let skipped: bool = row.get(9)?;
    let status = match (delivered, gave_up, claimed) {
        (Some(_), _, _) => "delivered",
        (None, Some(_), _) if skipped => "skipped",
        (None, Some(_), _) => "failed",
        (None, None, Some(until)) if until > now => "sending",
        _ => "pending",
    };
    let next_try: u64 = row.get(8)?;
    let state = DeliveryState {
        event: row.get(1)?,
        destination: row.get(2)?,
        status,
        attempts: row.get(3)?,
        last_error: row.get(4)?,
        delivered_at_ms: delivered,
        next_try_ms: (status == "pending").then_some(next_try),
    };
    Ok((row.get(0)?, state))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_stores::{TempPostgres, on_both};
    use deflect_engine::ticket::{Contact, FollowUp, Ticket};

    impl Store {
        /// Every delivery of one ticket, as the inbox shows them.
        pub fn deliveries_of(&self, ticket_id: &str) -> Result<Vec<DeliveryState>, StoreError> {
            self.read(|tx| {
                Ok(by_ticket(tx, &[ticket_id])?
                    .remove(ticket_id)
                    .unwrap_or_default())
            })
        }
    }

    fn relaying(store: &Store, destinations: &[&str]) -> Store {
        let names = destinations.iter().map(|d| (*d).to_owned()).collect();
        store.clone().with_relay_destinations(names)
    }

    fn store_ticket(store: &Store, id: &str) {
        let ticket = Ticket::example(id);
        let json = serde_json::to_string(&ticket).unwrap();
        store.insert(&ticket, &json).unwrap();
    }

    #[test]
    fn a_stored_ticket_is_queued_once_per_destination_and_a_repeat_adds_nothing() {
        on_both(|store| {
            let store = relaying(store, &["desk", "zap"]);
            store_ticket(&store, "t-1");
            store_ticket(&store, "t-1");
            let claims = store.claim_due(Duration::from_secs(60), 10).unwrap();
            let mut names: Vec<_> = claims.iter().map(|c| c.destination.as_str()).collect();
            names.sort_unstable();
            assert_eq!(names, ["desk", "zap"]);
            assert!(
                claims
                    .iter()
                    .all(|c| c.attempt == 1 && c.event_key == CREATED)
            );
            // Held by their lease: nobody else gets them.
            assert!(
                store
                    .claim_due(Duration::from_secs(60), 10)
                    .unwrap()
                    .is_empty()
            );
        });
    }

    #[test]
    fn follow_ups_are_queued_but_the_confirmation_waits_for_an_address() {
        on_both(|store| {
            let store = relaying(store, &["desk", CONFIRMATION]);
            let mut ticket = Ticket::example("t-2");
            ticket.customer.email = None;
            store
                .insert(&ticket, &serde_json::to_string(&ticket).unwrap())
                .unwrap();
            let follow_up = |id: &str, contact: bool| FollowUp {
                id: id.into(),
                ticket_id: "t-2".into(),
                at_ms: 1,
                text: "more".into(),
                schema_version: 2,
                contact: contact.then(|| Contact {
                    email: "ana@example.com".into(),
                    name: None,
                }),
                details: Default::default(),
            };
            store.add_follow_up(&follow_up("t-2-1", false)).unwrap();
            store.add_follow_up(&follow_up("t-2-2", true)).unwrap();
            let mut queued: Vec<(String, String)> = store
                .claim_due(Duration::from_secs(60), 10)
                .unwrap()
                .into_iter()
                .map(|c| (c.event_key, c.destination))
                .collect();
            queued.sort();
            let expected = [
                (CREATED, CONFIRMATION),
                (CREATED, "desk"),
                ("t-2-1", "desk"),
                ("t-2-2", "desk"),
            ]
            .map(|(e, d)| (e.to_owned(), d.to_owned()));
            assert_eq!(queued, expected);
        });
    }

    #[test]
    fn a_lapsed_lease_is_claimed_again_and_the_older_attempt_cannot_settle() {
        on_both(|store| {
            let store = relaying(store, &["desk"]);
            store_ticket(&store, "t-3");
            let first = store.claim_due(Duration::ZERO, 10).unwrap().remove(0);
            // The first worker died (or hangs) past its lease: the row is due again.
            let second = store
                .claim_due(Duration::from_secs(60), 10)
                .unwrap()
                .remove(0);
            assert_eq!(second.attempt, 2);
            assert!(!store.settle(&first, &Outcome::Delivered).unwrap());
            assert!(store.settle(&second, &Outcome::Delivered).unwrap());
            let shown = &store.deliveries_of("t-3").unwrap()[0];
            assert_eq!((shown.status, shown.attempts), ("delivered", 2));
            assert!(store.claim_due(Duration::ZERO, 10).unwrap().is_empty());
        });
    }

    #[test]
    fn a_retry_waits_for_its_time_and_an_operator_can_bring_a_failed_one_back() {
        on_both(|store| {
            let store = relaying(store, &["desk"]);
            store_ticket(&store, "t-4");
            let claim = store
                .claim_due(Duration::from_secs(60), 10)
                .unwrap()
                .remove(0);
            let later = Outcome::RetryAt {
                at_ms: now_ms() + 3_600_000,
                error: "451 try later".into(),
            };
            assert!(store.settle(&claim, &later).unwrap());
            assert!(
                store
                    .claim_due(Duration::from_secs(60), 10)
                    .unwrap()
                    .is_empty()
            );
            assert_eq!(store.deliveries_of("t-4").unwrap()[0].status, "pending");
            store.retry_deliveries("t-4").unwrap();
            let claim = store
                .claim_due(Duration::from_secs(60), 10)
                .unwrap()
                .remove(0);
            let refused = Outcome::GaveUp {
                error: "550 no such mailbox".into(),
            };
            assert!(store.settle(&claim, &refused).unwrap());
            let shown = &store.deliveries_of("t-4").unwrap()[0];
            assert_eq!(shown.status, "failed");
            assert_eq!(shown.last_error.as_deref(), Some("550 no such mailbox"));
            assert_eq!(store.retry_deliveries("t-4").unwrap(), 1);
            let claim = store.claim_due(Duration::ZERO, 10).unwrap().remove(0);
            // Skipped by design is final: not failed, and not retried.
            let skipped = Outcome::Skipped {
                reason: "not verified".into(),
            };
            assert!(store.settle(&claim, &skipped).unwrap());
            assert_eq!(store.deliveries_of("t-4").unwrap()[0].status, "skipped");
            assert_eq!(store.retry_deliveries("t-4").unwrap(), 0);
            assert!(store.claim_due(Duration::ZERO, 10).unwrap().is_empty());
        });
    }

    /// Two instances on one PostgreSQL database claiming at once, in small batches,
    /// until nothing is due: every delivery is claimed by exactly one of them.
    #[test]
    fn two_instances_never_claim_the_same_delivery() {
        let pg = TempPostgres::start();
        let open = || {
            let store = Store::open_postgres(&pg.url()).unwrap();
            relaying(&store, &["desk", "zap", "chat"])
        };
        let (a, b) = (open(), open());
        for n in 0..200 {
            store_ticket(if n % 2 == 0 { &a } else { &b }, &format!("t-{n}"));
        }
        let drain = |store: Store| {
            std::thread::spawn(move || {
                let mut mine = Vec::new();
                loop {
                    let claims = store.claim_due(Duration::from_secs(600), 7).unwrap();
                    if claims.is_empty() {
                        return mine;
                    }
                    mine.extend(claims.into_iter().map(|c| (c.ticket_id, c.destination)));
                }
            })
        };
        let (from_a, from_b) = (drain(a), drain(b));
        let (from_a, from_b) = (from_a.join().unwrap(), from_b.join().unwrap());
        assert!(
            !from_a.is_empty() && !from_b.is_empty(),
            "both instances worked"
        );
        let mut all: Vec<_> = from_a.into_iter().chain(from_b).collect();
        let claimed = all.len();
        all.sort();
        all.dedup();
        assert_eq!(claimed, all.len(), "a delivery was claimed twice");
        assert_eq!(all.len(), 600);
    }
}
