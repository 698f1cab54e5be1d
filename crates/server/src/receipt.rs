//! What the inbox records about a ticket besides the ticket: its own verdict (whether
//! the customer is verified, the server check), the hash of the first delivery's body,
//! and the hashes of the tokens that may add to it. The columns were added after the
//! tickets table was released, so an older database gains them when opened; its
//! tickets show as unverified and unchecked, and take follow-ups without a token as
//! before (their browsers were never given one).

use rusqlite::Connection;

use deflect_engine::model::Priority;
use deflect_engine::ticket::Ticket;

use super::columns;
use super::db::{Table, Tx, args};
use super::limits::caps;
use super::relay::event::CREATED_KEY;
use super::relay::outbox;
use super::server_check::{Assessment, ServerCheck};
use super::store::{Inserted, Store, StoreError, now_ms};
use super::ticket_token;

/// Columns of `tickets` added for the server's verdict.
const ADDED_COLUMNS: [(&str, &str); 3] = [
    ("customer_verified", "INTEGER"),
    ("server_check_json", "TEXT"),
    ("body_sha256", "TEXT"),
];

const TOKENS_SQLITE: &str = "
CREATE TABLE IF NOT EXISTS ticket_tokens (
    token_hash     TEXT PRIMARY KEY NOT NULL,
    ticket_id      TEXT NOT NULL REFERENCES tickets (id),
    created_at_ms  INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS ticket_tokens_ticket ON ticket_tokens (ticket_id);
";

/// Tokens one ticket may have: the first delivery's and those of identical repeats
/// (each repeat whose answer may have been lost gets its own). Enough for any retrying
/// browser; a client replaying one body forever gets no more.
const MAX_TOKENS_PER_TICKET: u32 = 8;

/// The verdict columns and the token table; PostgreSQL's `tickets` has the columns
/// from the start.
pub(super) const TABLE: Table = Table {
    sqlite: ensure_sqlite,
    postgres: "
CREATE TABLE IF NOT EXISTS ticket_tokens (
    token_hash     TEXT PRIMARY KEY NOT NULL,
    ticket_id      TEXT NOT NULL REFERENCES tickets (id),
    created_at_ms  BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS ticket_tokens_ticket ON ticket_tokens (ticket_id);
",
};

/// Adds the verdict columns and the token table to a database that lacks them.
fn ensure_sqlite(conn: &Connection) -> Result<(), StoreError> {
    columns::add_missing(conn, "tickets", &ADDED_COLUMNS)?;
    conn.execute_batch(TOKENS_SQLITE)?;
    Ok(())
}

/// How a ticket arrived, for [`Store::receive`].
#[derive(Debug, Clone, Copy)]
pub struct Arrival<'a> {
    /// The body exactly as received.
    pub body: &'a str,
    pub assessment: &'a Assessment,
}

/// What [`Store::receive`] did, and the token for the sender if it gets one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    pub inserted: Inserted,
    /// For the first delivery, and for a repeat whose body is the first's.
    pub token: Option<String>,
}

/// The wire name of a priority ("urgent"), as the listing column holds it.
pub(super) fn priority_name(priority: Priority) -> String {
    match serde_json::to_value(priority) {
        Ok(serde_json::Value::String(name)) => name,
        _ => format!("{priority:?}").to_lowercase(),
    }
}

impl Store {
    /// Stores `ticket` (as `stored_json`) with the server's verdict, listed under the
    /// server's queue and priority when it checked them; a repeat counts a delivery.
    /// One transaction, so concurrent deliveries of an id get one `Created` and the
    /// token stored with it.
    pub fn receive(
        &self,
        ticket: &Ticket,
        stored_json: &str,
        arrival: Arrival<'_>,
    ) -> Result<Received, StoreError> {
        caps::check_ticket(self.caps(), &ticket.id, stored_json.len())?;
        let check = arrival.assessment.check.as_ref();
        let (queue, priority) = match check {
            Some(c) => (c.queue.as_str(), c.priority),
            None => (ticket.queue.as_str(), ticket.priority),
        };
        let check_json = check
            .map(serde_json::to_string)
            .transpose()
            .map_err(StoreError::Encode)?;
        let body_sha = ticket_token::body_hash(arrival.body);
        let received = self.write(|tx| -> Result<_, StoreError> {
            let row = tx.query_one(
                "INSERT INTO tickets
                 (id, received_at_ms, queue, priority, reason, customer_email, json, deliveries,
                  customer_verified, server_check_json, body_sha256)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 1, ?8, ?9, ?10)
             ON CONFLICT (id) DO UPDATE SET deliveries = tickets.deliveries + 1
             RETURNING deliveries, body_sha256",
                args![
                    ticket.id,
                    now_ms(),
                    queue,
                    priority_name(priority),
                    ticket.reason,
                    ticket.customer.email,
                    stored_json,
                    arrival.assessment.customer_verified,
                    check_json,
                    body_sha,
                ],
            )?;
            let deliveries: u64 = row.get(0)?;
            let first_body: Option<String> = row.get(1)?;
            let inserted = if deliveries == 1 {
                Inserted::Created
            } else {
                Inserted::Duplicate
            };
            let same_body = first_body.as_deref() == Some(body_sha.as_str());
            if inserted == Inserted::Created {
                let has_contact = ticket
                    .customer
                    .email
                    .as_deref()
                    .is_some_and(|e| !e.trim().is_empty());
                let destinations = self.relay_destinations();
                outbox::enqueue(tx, &ticket.id, CREATED_KEY, destinations, has_contact)?;
            }
            let token = match inserted {
                Inserted::Created => Some(add_token(tx, &ticket.id)?),
                Inserted::Duplicate
                    if same_body && token_count(tx, &ticket.id)? < MAX_TOKENS_PER_TICKET =>
                {
                    Some(add_token(tx, &ticket.id)?)
                }
                Inserted::Duplicate => None,
            };
            Ok(Received { inserted, token })
        })?;
        if received.inserted == Inserted::Created {
            self.wake_relay();
        }
        Ok(received)
    }

    /// Whether `token` may add to ticket `id`; `None` when no such ticket is stored.
    /// A ticket stored by a `deflect serve` from before tokens (no body hash, no token)
    /// is open as it was then: its browser was never given a token to send.
    pub fn token_opens(&self, id: &str, token: &str) -> Result<Option<bool>, StoreError> {
        self.read(|tx| {
            let Some(row) =
                tx.query_opt("SELECT body_sha256 FROM tickets WHERE id = ?1", args![id])?
            else {
                return Ok(None);
            };
            let body_hash: Option<String> = row.get(0)?;
            let hashes = tx
                .query(
                    "SELECT token_hash FROM ticket_tokens WHERE ticket_id = ?1",
                    args![id],
                )?
                .iter()
                .map(|row| row.get::<String>(0))
                .collect::<Result<Vec<_>, _>>()?;
            let from_before_tokens = body_hash.is_none() && hashes.is_empty();
            Ok(Some(
                from_before_tokens || ticket_token::matches(&hashes, token),
            ))
        })
    }
}

/// A new token for ticket `id`: its hash is stored, the token itself returned once.
fn add_token(tx: &mut Tx<'_>, id: &str) -> Result<String, StoreError> {
    let token = ticket_token::new_token();
    tx.execute(
        "INSERT INTO ticket_tokens (token_hash, ticket_id, created_at_ms) VALUES (?1, ?2, ?3)",
        args![ticket_token::hash(&token), id, now_ms()],
    )?;
    Ok(token)
}

fn token_count(tx: &mut Tx<'_>, id: &str) -> Result<u32, StoreError> {
    tx.query_one(
        "SELECT COUNT(*) FROM ticket_tokens WHERE ticket_id = ?1",
        args![id],
    )?
    .get(0)
}

/// The verdict columns of a row: whether the customer was verified, and the check.
pub(super) fn verdict_of(
    id: &str,
    verified: Option<bool>,
    check_json: Option<String>,
) -> Result<(bool, Option<ServerCheck>), StoreError> {
    let check = check_json
        .map(|json| serde_json::from_str(&json))
        .transpose()
        .map_err(|source| StoreError::CorruptRow {
            id: id.to_owned(),
            source,
        })?;
    Ok((verified.unwrap_or(false), check))
}
