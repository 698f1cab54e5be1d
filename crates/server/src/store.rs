//! Durable, idempotent ticket storage in one SQLite file.
//!
//! The widget may deliver the same ticket more than once (retries, `sendBeacon` on page
//! unload), so the ticket id is the primary key and a repeat only bumps a delivery
//! counter. Every write is a single autocommitted statement on a WAL database with
//! `synchronous=FULL`: once [`Store::insert`] returns, the ticket survives a crash or
//! power loss, which is what lets the HTTP layer acknowledge it.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rusqlite::{Connection, OpenFlags, OptionalExtension, Row, params};
use serde::Serialize;

use deflect_engine::ticket::{Contact, FollowUp, Ticket};

use super::limits::{CapExceeded, TicketCaps};
use super::paging::{Cursor, PageRequest, TicketPage};
use super::receipt::Arrival;
use super::relay::outbox::{self, DeliveryState};
use super::server_check::{Assessment, ServerCheck};
use super::{attachments, auth, events, follow_ups, receipt};

/// Everything that can go wrong talking to the ticket database.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("ticket database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// WAL is what makes concurrent readers and crash-safe appends cheap; refuse to run
    /// without it rather than silently lose the durability guarantee.
    #[error("ticket database refused WAL journal mode (got {0:?})")]
    NoWal(String),
    /// A stored row no longer parses as a [`Ticket`], e.g. after an incompatible edit.
    #[error("stored ticket {id:?} is not valid ticket JSON: {source}")]
    CorruptRow {
        id: String,
        source: serde_json::Error,
    },
    /// A stored follow-up's contact or answers no longer parse.
    #[error("stored follow-up {id:?} has invalid contact or details JSON: {source}")]
    CorruptFollowUp {
        id: String,
        source: serde_json::Error,
    },
    #[error("could not encode ticket field: {0}")]
    Encode(serde_json::Error),
    /// The write would take a ticket past one of its caps; nothing was written.
    #[error(transparent)]
    Cap(#[from] CapExceeded),
}

/// Result of [`Store::insert`] and [`Store::add_follow_up`]; the HTTP layer maps it to
/// 201 or 200.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Inserted {
    /// First delivery of this id: a new row was written.
    Created,
    /// The id was already stored; only its delivery count went up.
    Duplicate,
}

/// A ticket as the inbox holds it: the wire ticket plus receipt bookkeeping.
///
/// Serializes flat (the ticket's fields plus `received_at_ms`, `deliveries`,
/// `follow_ups`, `reply_to`, `customer_verified` and `server_check`), which is the
/// shape `GET /api/tickets` returns. The ticket's own `queue`, `priority` and
/// `rules_fired` are what the browser claimed; `server_check` holds the inbox's.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredTicket {
    #[serde(flatten)]
    pub ticket: Ticket,
    /// When the first delivery arrived, Unix time in milliseconds (server clock).
    pub received_at_ms: u64,
    /// How many times this id has been delivered (1 = no duplicates).
    pub deliveries: u64,
    /// What the visitor added after the ticket was sent, oldest first.
    pub follow_ups: Vec<FollowUp>,
    /// Where an agent answers: the latest contact given after the handoff, else the
    /// customer the page identified; `None` (JSON `null`) means no way to reply, so the
    /// visitor has only the reference and an agent must wait for them to come back.
    pub reply_to: Option<Contact>,
    /// The customer's email and tier carried a valid signature (see `identity`);
    /// otherwise they are only what the browser claimed.
    pub customer_verified: bool,
    /// The inbox's own queue, priority and rules for the transcript, and the bot lines
    /// the bot cannot have said; `None` for a ticket stored without a KB to check it.
    pub server_check: Option<ServerCheck>,
    /// Where the relay has delivered it and its follow-ups (empty without a relay).
    #[serde(rename = "relayed", skip_serializing_if = "Vec::is_empty")]
    pub deliveries_out: Vec<DeliveryState>,
}

impl StoredTicket {
    /// A stored ticket with its follow-ups, and where to reply worked out from both.
    pub fn new(
        ticket: Ticket,
        received_at_ms: u64,
        deliveries: u64,
        follow_ups: Vec<FollowUp>,
    ) -> Self {
        let reply_to = reply_to(&ticket, &follow_ups);
        Self {
            ticket,
            received_at_ms,
            deliveries,
            follow_ups,
            reply_to,
            customer_verified: false,
            server_check: None,
            deliveries_out: Vec::new(),
        }
    }
}

/// A contact given after the handoff supersedes the ticket's, and a later one an
/// earlier one (the visitor corrected a typo); a blank customer email is no address.
fn reply_to(ticket: &Ticket, follow_ups: &[FollowUp]) -> Option<Contact> {
    if let Some(contact) = follow_ups.iter().rev().find_map(|f| f.contact.as_ref()) {
        return Some(contact.clone());
    }
    let customer = &ticket.customer;
    let email = customer.email.as_deref().map(str::trim)?;
    (!email.is_empty()).then(|| Contact {
        email: email.to_owned(),
        name: customer.name.clone().filter(|n| !n.trim().is_empty()),
    })
}

/// Handle to the ticket database; cheap to clone and share between tokio tasks.
///
/// One connection behind a mutex keeps the reference receiver simple: SQLite
/// serializes writers anyway, and tickets arrive at human rates. The methods block, so
/// async callers should run them in `tokio::task::spawn_blocking`.
#[derive(Debug, Clone)]
pub struct Store {
    conn: Arc<Mutex<Connection>>,
    /// The database file, for readers that must not wait for the writer's lock.
    path: Arc<PathBuf>,
    /// What one ticket may hold; every write checks it under the lock.
    caps: TicketCaps,
    /// The relay's destinations: each new ticket and follow-up is queued for them in
    /// the transaction that stores it (`relay::outbox`).
    relay_destinations: Arc<[String]>,
    /// Rung when something is queued, so the relay sends it now rather than at its
    /// next poll.
    relay_wake: Arc<tokio::sync::Notify>,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS tickets (
    id             TEXT PRIMARY KEY NOT NULL,
    received_at_ms INTEGER NOT NULL,
    queue          TEXT NOT NULL,
    priority       TEXT NOT NULL,
    reason         TEXT NOT NULL,
    customer_email TEXT,
    json           TEXT NOT NULL,
    deliveries     INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX IF NOT EXISTS tickets_received ON tickets (received_at_ms);
";

/// Columns read back by [`Store::list`] and [`Store::get`], in `from_row` order.
const SELECT: &str = "SELECT id, json, received_at_ms, deliveries, customer_verified,
                      server_check_json, rowid FROM tickets";

/// Newest first, ties by insertion order: the order of the `tickets_received` index
/// (which holds the rowid too), so a page is a walk along it.
const NEWEST_FIRST: &str = "ORDER BY received_at_ms DESC, rowid DESC LIMIT ?3";

impl Store {
    /// Opens (creating if needed) the database at `path` in WAL mode with
    /// `synchronous=FULL`.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        let path = path.as_ref();
        let mut conn = Connection::open(path)?;
        // Another process (e.g. `sqlite3` inspecting the file) may hold a lock briefly.
        conn.busy_timeout(Duration::from_secs(5))?;
        let mode: String =
            conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::NoWal(mode));
        }
        // In WAL mode NORMAL may lose the last commits on power loss; FULL syncs the
        // WAL on every commit, so an acknowledged ticket is on disk.
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.execute_batch(SCHEMA)?;
        follow_ups::ensure_schema(&mut conn)?;
        attachments::ensure_schema(&conn)?;
        receipt::ensure_schema(&mut conn)?;
        auth::ensure_schema(&conn)?;
        events::ensure_schema(&conn)?;
        outbox::ensure_schema(&conn)?;
        Ok(Self {
            conn: Arc::new(Mutex::new(conn)),
            path: Arc::new(path.to_owned()),
            caps: TicketCaps::default(),
            relay_destinations: Arc::from([]),
            relay_wake: Arc::default(),
        })
    }

    /// The same database with other caps on what one ticket may hold.
    pub fn with_caps(mut self, caps: TicketCaps) -> Self {
        self.caps = caps;
        self
    }

    /// What one ticket may hold.
    pub fn caps(&self) -> &TicketCaps {
        &self.caps
    }

    /// The same database, queueing each new ticket and follow-up for these relay
    /// destinations (their names in the config file).
    pub fn with_relay_destinations(mut self, names: Vec<String>) -> Self {
        self.relay_destinations = Arc::from(names);
        self
    }

    /// Where new tickets and follow-ups are queued for.
    pub(crate) fn relay_destinations(&self) -> &[String] {
        &self.relay_destinations
    }

    /// What the relay waits on between polls.
    pub(crate) fn relay_wake(&self) -> Arc<tokio::sync::Notify> {
        Arc::clone(&self.relay_wake)
    }

    /// Tells the relay something was queued (after the commit, so it can see it).
    pub(crate) fn wake_relay(&self) {
        if !self.relay_destinations.is_empty() {
            self.relay_wake.notify_one();
        }
    }

    /// A read-only connection of its own: WAL lets it read beside the writer, so a long
    /// report never holds up a ticket (nor waits for one).
    pub(super) fn reader(&self) -> Result<Connection, StoreError> {
        let conn = Connection::open_with_flags(
            self.path.as_path(),
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(Duration::from_secs(5))?;
        Ok(conn)
    }

    /// Stores `ticket` unless its id is already known, in which case it counts another
    /// delivery and keeps the first copy: unverified and unchecked, listed as the
    /// ticket says (tools and tests; the HTTP endpoint uses [`Store::receive`]).
    ///
    /// `raw_json` must be the JSON `ticket` was parsed from; it is kept verbatim so the
    /// inbox shows exactly what arrived. The upsert is one atomic statement, so
    /// concurrent deliveries of one id yield exactly one [`Inserted::Created`].
    pub fn insert(&self, ticket: &Ticket, raw_json: &str) -> Result<Inserted, StoreError> {
        let unchecked = Assessment {
            customer_verified: false,
            check: None,
        };
        let arrival = Arrival {
            body: raw_json,
            assessment: &unchecked,
        };
        Ok(self.receive(ticket, raw_json, arrival)?.inserted)
    }

    /// One page of tickets, newest first (ties broken by insertion order); reads only
    /// that page's rows and follow-ups.
    pub fn list(&self, page: PageRequest) -> Result<TicketPage, StoreError> {
        let conn = self.lock();
        let mut stmt = conn.prepare_cached(&page_query(page.before.is_some()))?;
        let (at, rowid) = page.before.map(|c| (c.received_at_ms, c.rowid)).unzip();
        // One more than the page, to know whether another follows.
        let mut rows = stmt
            .query_map(params![at, rowid, page.limit + 1], RawRow::read)?
            .collect::<Result<Vec<_>, _>>()?;
        let more = rows.len() > page.limit as usize;
        rows.truncate(page.limit as usize);
        let next = more.then(|| rows.last().map(RawRow::cursor)).flatten();
        let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
        let mut follow_ups = follow_ups::by_ticket(&conn, &ids)?;
        let mut relayed = outbox::by_ticket(&conn, &ids)?;
        let tickets = rows
            .into_iter()
            .map(|row| {
                let own = follow_ups.remove(&row.id).unwrap_or_default();
                let deliveries = relayed.remove(&row.id).unwrap_or_default();
                row.parse(own, deliveries)
            })
            .collect::<Result<_, _>>()?;
        Ok(TicketPage { tickets, next })
    }

    /// The ticket with this id, if stored.
    pub fn get(&self, id: &str) -> Result<Option<StoredTicket>, StoreError> {
        let conn = self.lock();
        conn.query_row(&format!("{SELECT} WHERE id = ?1"), [id], RawRow::read)
            .optional()?
            .map(|row| {
                let own = follow_ups::by_ticket(&conn, &[id])?
                    .remove(id)
                    .unwrap_or_default();
                let deliveries = outbox::by_ticket(&conn, &[id])?
                    .remove(id)
                    .unwrap_or_default();
                row.parse(own, deliveries)
            })
            .transpose()
    }

    /// Number of distinct tickets stored.
    pub fn count(&self) -> Result<u64, StoreError> {
        Ok(self
            .lock()
            .query_row("SELECT COUNT(*) FROM tickets", [], |row| row.get(0))?)
    }

    /// A panic while holding the lock cannot leave a half-written ticket (each write is
    /// one autocommitted statement), so a poisoned lock is safe to keep using.
    pub(super) fn lock(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The query of one page: `?1`, `?2` the cursor (both NULL for the first page), `?3`
/// how many rows.
fn page_query(after_cursor: bool) -> String {
    let filter = match after_cursor {
        true => "WHERE (received_at_ms, rowid) < (?1, ?2)",
        false => "WHERE ?1 IS NULL AND ?2 IS NULL",
    };
    format!("{SELECT} {filter} {NEWEST_FIRST}")
}

/// A row as read from SQLite, before its JSON is parsed (parsing errors are ours, not
/// rusqlite's, so they are reported outside the row callback).
struct RawRow {
    id: String,
    json: String,
    received_at_ms: u64,
    deliveries: u64,
    customer_verified: Option<bool>,
    server_check: Option<String>,
    rowid: i64,
}

impl RawRow {
    fn read(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            id: row.get(0)?,
            json: row.get(1)?,
            received_at_ms: row.get(2)?,
            deliveries: row.get(3)?,
            customer_verified: row.get(4)?,
            server_check: row.get(5)?,
            rowid: row.get(6)?,
        })
    }

    fn cursor(&self) -> Cursor {
        Cursor {
            received_at_ms: self.received_at_ms,
            rowid: self.rowid,
        }
    }

    fn parse(
        self,
        follow_ups: Vec<FollowUp>,
        deliveries: Vec<DeliveryState>,
    ) -> Result<StoredTicket, StoreError> {
        let (customer_verified, server_check) =
            receipt::verdict_of(&self.id, self.customer_verified, self.server_check)?;
        let ticket = serde_json::from_str(&self.json).map_err(|source| StoreError::CorruptRow {
            id: self.id,
            source,
        })?;
        let mut stored =
            StoredTicket::new(ticket, self.received_at_ms, self.deliveries, follow_ups);
        stored.customer_verified = customer_verified;
        stored.server_check = server_check;
        stored.deliveries_out = deliveries;
        Ok(stored)
    }
}

/// The server clock, Unix time in milliseconds.
pub(super) fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A page is a walk along the `(received_at_ms, rowid)` index that stops after the
    /// page, never a scan and sort of every ticket.
    #[test]
    fn a_page_walks_the_received_index() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path().join("db.sqlite")).unwrap();
        let conn = store.lock();
        for after_cursor in [false, true] {
            let sql = format!("EXPLAIN QUERY PLAN {}", page_query(after_cursor));
            let mut stmt = conn.prepare(&sql).unwrap();
            let plan: Vec<String> = stmt
                .query_map(params![1, 1, 50], |row| row.get(3))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            assert!(
                plan.iter()
                    .any(|step| step.contains("INDEX tickets_received")),
                "{plan:?}"
            );
            assert!(
                !plan.iter().any(|step| step.contains("TEMP B-TREE")),
                "{plan:?}"
            );
        }
    }
}
