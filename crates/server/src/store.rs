//! Durable, idempotent ticket storage in one SQLite file, or in PostgreSQL when several
//! inboxes share one database (see `db`).
//!
//! The widget may deliver the same ticket more than once (retries, `sendBeacon` on page
//! unload), so the ticket id is the primary key and a repeat only bumps a delivery
//! counter. Every write is one transaction, on a WAL database with `synchronous=FULL`
//! or on PostgreSQL: once [`Store::insert`] returns, the ticket survives a crash or
//! power loss, which is what lets the HTTP layer acknowledge it.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rusqlite::{Connection, OpenFlags};
use serde::Serialize;

use deflect_engine::ticket::{Contact, FollowUp, Ticket};

use super::db::{Database, Dialect, Row, Table, Tx, args};
use super::limits::{CapExceeded, TicketCaps};
use super::paging::{Cursor, PageRequest, TicketPage};
use super::receipt::Arrival;
use super::relay::outbox::{self, DeliveryState};
use super::resolution::{self, Resolution};
use super::server_check::{Assessment, ServerCheck};
use super::{attachments, auth, columns, events, follow_ups, receipt};

/// Everything that can go wrong talking to the ticket database.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("ticket database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// PostgreSQL refused a statement or the connection broke.
    #[error("ticket database error: {0}")]
    Postgres(#[from] postgres::Error),
    /// `--database` looked like a PostgreSQL URL but is not one (the URL is not
    /// repeated: it may hold a password).
    #[error("invalid PostgreSQL URL: {0}")]
    BadUrl(String),
    /// PostgreSQL could not be reached or refused the login.
    #[error("could not connect to PostgreSQL at {target}: {source}")]
    Connect {
        target: String,
        source: postgres::Error,
    },
    /// No pooled connection could be had in time (the database went away).
    #[error("no connection to PostgreSQL at {target}: {message}")]
    Pool { target: String, message: String },
    /// A column holds another type than the code reads it as (a schema mismatch).
    #[error("database column {index} holds {found}, read as {expected}")]
    Column {
        index: usize,
        expected: &'static str,
        found: &'static str,
    },
    /// A query that always selects a row selected none.
    #[error("query selected no row: {0}")]
    NoRow(String),
    /// A PostgreSQL-only operation was asked of a SQLite store.
    #[error("this operation needs a PostgreSQL store")]
    NotPostgres,
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
    /// The KB article an agent said answers it (`resolution`), if one did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resolution: Option<Resolution>,
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
            resolution: None,
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
/// The methods block (SQLite's one connection behind a mutex, or a pooled PostgreSQL
/// connection), so async callers should run them in `tokio::task::spawn_blocking`.
#[derive(Debug, Clone)]
pub struct Store {
    db: Database,
    /// What one ticket may hold; every write checks it in its transaction.
    caps: TicketCaps,
    /// The relay's destinations: each new ticket and follow-up is queued for them in
    /// the transaction that stores it (`relay::outbox`).
    relay_destinations: Arc<[String]>,
    /// Rung when something is queued, so the relay sends it now rather than at its
    /// next poll.
    relay_wake: Arc<tokio::sync::Notify>,
}

/// Every table the store keeps, in creation order (later ones refer to `tickets`).
const TABLES: &[Table] = &[
    TICKETS,
    receipt::TABLE,
    follow_ups::TABLE,
    attachments::TABLE,
    auth::TABLE,
    events::TABLE,
    outbox::TABLE,
    resolution::TABLE,
];

const TICKETS: Table = Table {
    sqlite: tickets_sqlite,
    postgres: "
CREATE TABLE IF NOT EXISTS tickets (
    id                TEXT PRIMARY KEY NOT NULL,
    seq               BIGINT GENERATED ALWAYS AS IDENTITY,
    received_at_ms    BIGINT NOT NULL,
    queue             TEXT NOT NULL,
    priority          TEXT NOT NULL,
    reason            TEXT NOT NULL,
    customer_email    TEXT,
    json              TEXT NOT NULL,
    deliveries        BIGINT NOT NULL DEFAULT 1,
    customer_verified BOOLEAN,
    server_check_json TEXT,
    body_sha256       TEXT
);
CREATE INDEX IF NOT EXISTS tickets_received_seq ON tickets (received_at_ms, seq);
",
};

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
";

/// Pages are ordered by `seq`, a column both databases have. SQLite's is the rowid,
/// copied by a trigger (an added column cannot alias it), and filled in for the rows of
/// a database written before it; the index pages walk replaces the rowid one.
const SEQ_SQLITE: &str = "
UPDATE tickets SET seq = rowid WHERE seq IS NULL;
CREATE TRIGGER IF NOT EXISTS tickets_seq AFTER INSERT ON tickets WHEN NEW.seq IS NULL
BEGIN
    UPDATE tickets SET seq = NEW.rowid WHERE rowid = NEW.rowid;
END;
DROP INDEX IF EXISTS tickets_received;
CREATE INDEX IF NOT EXISTS tickets_received_seq ON tickets (received_at_ms, seq);
";

fn tickets_sqlite(conn: &Connection) -> Result<(), StoreError> {
    conn.execute_batch(SCHEMA)?;
    columns::add_missing(conn, "tickets", &[("seq", "INTEGER")])?;
    conn.execute_batch(SEQ_SQLITE)?;
    Ok(())
}

/// Columns read back by [`Store::list`] and [`Store::get`], in `RawRow::read` order.
const SELECT: &str = "SELECT id, json, received_at_ms, deliveries, customer_verified,
                      server_check_json, seq FROM tickets";

/// Newest first, ties by insertion order: the order of the `tickets_received_seq`
/// index, so a page is a walk along it.
const NEWEST_FIRST: &str = "ORDER BY received_at_ms DESC, seq DESC";

/// The scheme prefixes that make [`Store::open_url`] use PostgreSQL.
const POSTGRES_SCHEMES: [&str; 2] = ["postgres://", "postgresql://"];

impl Store {
    /// Opens (creating if needed) the SQLite database at `path` in WAL mode with
    /// `synchronous=FULL`.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        let path = path.as_ref();
        let conn = Connection::open(path)?;
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
        Ok(Self::on(Database::sqlite(conn, path, TABLES)?))
    }

    /// Opens the PostgreSQL database at `url` (`postgres://user@host:port/db`, any
    /// form libpq takes), creating the tables if needed; safe when several inboxes
    /// start at once on one database. Connections are not encrypted (no TLS): run it
    /// on the same host or a private network.
    pub fn open_postgres(url: &str) -> Result<Self, StoreError> {
        Ok(Self::on(Database::postgres(url, TABLES)?))
    }

    /// PostgreSQL when `location` is a `postgres://` or `postgresql://` URL, else the
    /// SQLite file at that path.
    pub fn open_url(location: &str) -> Result<Self, StoreError> {
        if Self::is_postgres_url(location) {
            Self::open_postgres(location)
        } else {
            Self::open(location)
        }
    }

    /// Whether [`Store::open_url`] would take `location` for a PostgreSQL URL.
    pub fn is_postgres_url(location: &str) -> bool {
        POSTGRES_SCHEMES.iter().any(|scheme| {
            location
                .get(..scheme.len())
                .is_some_and(|start| start.eq_ignore_ascii_case(scheme))
        })
    }

    fn on(db: Database) -> Self {
        Self {
            db,
            caps: TicketCaps::default(),
            relay_destinations: Arc::from([]),
            relay_wake: Arc::default(),
        }
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

    /// Which database this is.
    pub fn dialect(&self) -> Dialect {
        self.db.dialect()
    }

    /// Runs `f` with a connection for reads: no transaction on SQLite (the one
    /// connection is locked meanwhile), autocommit on a pooled PostgreSQL connection.
    pub fn read<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&mut Tx<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        self.db.read(f)
    }

    /// Runs `f` in a write transaction, committed when it returns `Ok` and rolled back
    /// when it returns `Err` (or panics). On SQLite it is `BEGIN IMMEDIATE`: the only
    /// writer, so checks and writes inside it cannot race; on PostgreSQL use
    /// [`Tx::serialize_on`] or row locks where instances could.
    pub fn write<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&mut Tx<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        self.db.write(f)
    }

    pub(crate) fn database(&self) -> &Database {
        &self.db
    }

    /// A read-only SQLite connection of its own: WAL lets it read beside the writer,
    /// so a long report never holds up a ticket (nor waits for one). `None` on
    /// PostgreSQL, where every connection reads beside the writers.
    pub(super) fn reader(&self) -> Result<Option<Connection>, StoreError> {
        let Some(path) = self.db.sqlite_path() else {
            return Ok(None);
        };
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(Duration::from_secs(5))?;
        Ok(Some(conn))
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
        self.read(|tx| {
            // One more than the page, to know whether another follows.
            let rows = match page.before {
                Some(c) => tx.query(
                    &page_query(true),
                    args![c.received_at_ms, c.seq, page.limit + 1],
                )?,
                None => tx.query(&page_query(false), args![page.limit + 1])?,
            };
            let mut rows = rows
                .iter()
                .map(RawRow::read)
                .collect::<Result<Vec<_>, _>>()?;
            let more = rows.len() > page.limit as usize;
            rows.truncate(page.limit as usize);
            let next = more.then(|| rows.last().map(RawRow::cursor)).flatten();
            let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
            let mut follow_ups = follow_ups::by_ticket(tx, &ids)?;
            let mut relayed = outbox::by_ticket(tx, &ids)?;
            let mut resolutions = resolution::by_ticket(tx, &ids)?;
            let tickets = rows
                .into_iter()
                .map(|row| {
                    let own = follow_ups.remove(&row.id).unwrap_or_default();
                    let deliveries = relayed.remove(&row.id).unwrap_or_default();
                    let resolved = resolutions.remove(&row.id);
                    row.parse(own, deliveries, resolved)
                })
                .collect::<Result<_, _>>()?;
            Ok(TicketPage { tickets, next })
        })
    }

    /// The ticket with this id, if stored.
    pub fn get(&self, id: &str) -> Result<Option<StoredTicket>, StoreError> {
        self.read(|tx| {
            let Some(row) = tx.query_opt(&format!("{SELECT} WHERE id = ?1"), args![id])? else {
                return Ok(None);
            };
            let own = follow_ups::by_ticket(tx, &[id])?
                .remove(id)
                .unwrap_or_default();
            let deliveries = outbox::by_ticket(tx, &[id])?.remove(id).unwrap_or_default();
            let resolved = resolution::by_ticket(tx, &[id])?.remove(id);
            RawRow::read(&row)?
                .parse(own, deliveries, resolved)
                .map(Some)
        })
    }

    /// Number of distinct tickets stored.
    pub fn count(&self) -> Result<u64, StoreError> {
        self.read(|tx| tx.query_one("SELECT COUNT(*) FROM tickets", &[])?.get(0))
    }

    /// The SQLite connection itself, for tests of SQLite's query plans.
    #[cfg(test)]
    pub(super) fn sqlite_lock(&self) -> std::sync::MutexGuard<'_, Connection> {
        match &self.db {
            Database::Sqlite { conn, .. } => super::db::lock(conn),
            Database::Postgres { .. } => panic!("not a SQLite store"),
        }
    }
}

/// The query of one page: after the cursor `?1`, `?2` with `?3` rows, or the first
/// page with `?1` rows.
fn page_query(after_cursor: bool) -> String {
    match after_cursor {
        true => format!("{SELECT} WHERE (received_at_ms, seq) < (?1, ?2) {NEWEST_FIRST} LIMIT ?3"),
        false => format!("{SELECT} {NEWEST_FIRST} LIMIT ?1"),
    }
}

/// A ticket row as read, before its JSON is parsed.
struct RawRow {
    id: String,
    json: String,
    received_at_ms: u64,
    deliveries: u64,
    customer_verified: Option<bool>,
    server_check: Option<String>,
    seq: i64,
}

impl RawRow {
    fn read(row: &Row) -> Result<Self, StoreError> {
        Ok(Self {
            id: row.get(0)?,
            json: row.get(1)?,
            received_at_ms: row.get(2)?,
            deliveries: row.get(3)?,
            customer_verified: row.get(4)?,
            server_check: row.get(5)?,
            seq: row.get(6)?,
        })
    }

    fn cursor(&self) -> Cursor {
        Cursor {
            received_at_ms: self.received_at_ms,
            seq: self.seq,
        }
    }

    fn parse(
        self,
        follow_ups: Vec<FollowUp>,
        deliveries: Vec<DeliveryState>,
        resolution: Option<Resolution>,
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
        stored.resolution = resolution;
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

    /// A page is a walk along the `(received_at_ms, seq)` index that stops after the
    /// page, never a scan and sort of every ticket.
    #[test]
    fn a_page_walks_the_received_index() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path().join("db.sqlite")).unwrap();
        let conn = store.sqlite_lock();
        for after_cursor in [false, true] {
            let sql = format!("EXPLAIN QUERY PLAN {}", page_query(after_cursor));
            let mut stmt = conn.prepare(&sql).unwrap();
            let plan: Vec<String> = stmt
                .query_map(
                    rusqlite::params_from_iter(vec![1; stmt.parameter_count()]),
                    |row| row.get(3),
                )
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            assert!(
                plan.iter()
                    .any(|step| step.contains("INDEX tickets_received_seq")),
                "{plan:?}"
            );
            assert!(
                !plan.iter().any(|step| step.contains("TEMP B-TREE")),
                "{plan:?}"
            );
        }
    }

    /// A database written before `seq` existed gains it (its rows numbered as their
    /// rowids, so old cursors still point where they did) and pages as before, with
    /// tickets stored since after them.
    #[test]
    fn an_older_database_gains_seq_and_pages_on() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.sqlite");
        {
            let old = Connection::open(&path).unwrap();
            old.execute_batch(SCHEMA).unwrap();
            for (n, id) in ["old-0001", "old-0002", "old-0003"].into_iter().enumerate() {
                let json = serde_json::to_string(&Ticket::example(id)).unwrap();
                old.execute(
                    "INSERT INTO tickets (id, received_at_ms, queue, priority, reason, json)
                     VALUES (?1, ?2, 'general', 'normal', 'asked', ?3)",
                    rusqlite::params![id, 1000 + n as i64, json],
                )
                .unwrap();
            }
        }
        let store = Store::open(&path).unwrap();
        let new = Ticket::example("new-0001");
        store
            .insert(&new, &serde_json::to_string(&new).unwrap())
            .unwrap();
        let first = store
            .list(PageRequest {
                limit: 2,
                before: None,
            })
            .unwrap();
        let next = first.next.expect("a second page");
        assert_eq!((next.received_at_ms, next.seq), (1002, 3));
        let second = store
            .list(PageRequest {
                limit: 2,
                before: Some(next),
            })
            .unwrap();
        let ids: Vec<String> = [first.tickets, second.tickets]
            .concat()
            .into_iter()
            .map(|t| t.ticket.id)
            .collect();
        assert_eq!(ids, ["new-0001", "old-0003", "old-0002", "old-0001"]);
        let seqs: Vec<i64> = store
            .sqlite_lock()
            .prepare("SELECT seq FROM tickets ORDER BY rowid")
            .unwrap()
            .query_map([], |row| row.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(seqs, [1, 2, 3, 4]);
    }
}
