//! What the visitor adds to a stored ticket after the handoff, kept once per id: a
//! message, and since follow-ups v2 a way to reply and checklist answers.
//!
//! The table predates v2, so the columns v2 needs are added to a database that lacks
//! them: an inbox.sqlite written by an older `deflect serve` keeps working.

use std::collections::{BTreeMap, HashMap};

use rusqlite::Connection;

use deflect_engine::ticket::{Contact, FollowUp};

use super::columns;
use super::db::{Row, Table, ToValue, Tx, args};
use super::limits::caps;
use super::relay::outbox;
use super::store::{Inserted, Store, StoreError, now_ms};

/// The table as first released; later columns are in [`ADDED_COLUMNS`].
const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS follow_ups (
    id             TEXT PRIMARY KEY NOT NULL,
    ticket_id      TEXT NOT NULL REFERENCES tickets (id),
    at_ms          INTEGER NOT NULL,
    received_at_ms INTEGER NOT NULL,
    text           TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS follow_ups_ticket ON follow_ups (ticket_id, at_ms);
";

/// Columns added since, each nullable so existing rows stay valid: the version the
/// follow-up was sent as (NULL: 1, from before versions were kept), the contact as
/// JSON and the answers as a JSON object (NULL: none).
const ADDED_COLUMNS: [(&str, &str); 3] = [
    ("schema_version", "INTEGER"),
    ("contact_json", "TEXT"),
    ("details_json", "TEXT"),
];

/// The follow-ups table; PostgreSQL's has every column from the start.
pub(super) const TABLE: Table = Table {
    sqlite: ensure_sqlite,
    postgres: "
CREATE TABLE IF NOT EXISTS follow_ups (
    id             TEXT PRIMARY KEY NOT NULL,
    ticket_id      TEXT NOT NULL REFERENCES tickets (id),
    at_ms          BIGINT NOT NULL,
    received_at_ms BIGINT NOT NULL,
    text           TEXT NOT NULL,
    schema_version BIGINT,
    contact_json   TEXT,
    details_json   TEXT
);
CREATE INDEX IF NOT EXISTS follow_ups_ticket ON follow_ups (ticket_id, at_ms);
",
};

/// Creates the table, or brings an older one up to date.
fn ensure_sqlite(conn: &Connection) -> Result<(), StoreError> {
    conn.execute_batch(SCHEMA)?;
    columns::add_missing(conn, "follow_ups", &ADDED_COLUMNS)?;
    Ok(())
}

impl Store {
    /// Adds a follow-up to its ticket unless its id is already stored; `None` when the
    /// ticket is unknown. One transaction holding the ticket's row, so two inboxes
    /// racing for its last follow-up cannot both get it.
    pub fn add_follow_up(&self, follow_up: &FollowUp) -> Result<Option<Inserted>, StoreError> {
        let contact = follow_up
            .contact
            .as_ref()
            .map(serde_json::to_string)
            .transpose()
            .map_err(StoreError::Encode)?;
        let details = (!follow_up.details.is_empty())
            .then(|| serde_json::to_string(&follow_up.details))
            .transpose()
            .map_err(StoreError::Encode)?;
        let bytes = follow_up.text.len()
            + contact.as_ref().map_or(0, String::len)
            + details.as_ref().map_or(0, String::len);
        let inserted = self.write(|tx| -> Result<_, StoreError> {
            tx.serialize_on(&follow_up.ticket_id)?;
            let known: bool = tx
                .query_one(
                    "SELECT EXISTS (SELECT 1 FROM tickets WHERE id = ?1)",
                    args![follow_up.ticket_id],
                )?
                .get(0)?;
            if !known {
                return Ok(None);
            }
            caps::check_follow_up(tx, self.caps(), &follow_up.ticket_id, &follow_up.id, bytes)?;
            let added = tx.execute(
                "INSERT INTO follow_ups (id, ticket_id, at_ms, received_at_ms, text,
                                     schema_version, contact_json, details_json)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT (id) DO NOTHING",
                args![
                    follow_up.id,
                    follow_up.ticket_id,
                    follow_up.at_ms,
                    now_ms(),
                    follow_up.text,
                    follow_up.schema_version,
                    contact,
                    details,
                ],
            )?;
            if added == 1 {
                let destinations = self.relay_destinations();
                let has_contact = follow_up.contact.is_some();
                let (ticket, key) = (&follow_up.ticket_id, &follow_up.id);
                outbox::enqueue(tx, ticket, key, destinations, has_contact)?;
            }
            Ok(Some(if added == 1 {
                Inserted::Created
            } else {
                Inserted::Duplicate
            }))
        })?;
        if inserted == Some(Inserted::Created) {
            self.wake_relay();
        }
        Ok(inserted)
    }
}

/// A follow-up as read, before its JSON columns are parsed.
struct RawFollowUp {
    follow_up: FollowUp,
    contact: Option<String>,
    details: Option<String>,
}

impl RawFollowUp {
    fn read(row: &Row) -> Result<Self, StoreError> {
        Ok(Self {
            follow_up: FollowUp {
                id: row.get(0)?,
                ticket_id: row.get(1)?,
                at_ms: row.get(2)?,
                text: row.get(3)?,
                schema_version: row.get::<Option<u32>>(4)?.unwrap_or(1),
                contact: None,
                details: BTreeMap::new(),
            },
            contact: row.get(5)?,
            details: row.get(6)?,
        })
    }

    fn parse(self) -> Result<FollowUp, StoreError> {
        let mut follow_up = self.follow_up;
        let corrupt = |source| StoreError::CorruptFollowUp {
            id: follow_up.id.clone(),
            source,
        };
        let contact: Option<Contact> = self
            .contact
            .map(|json| serde_json::from_str(&json))
            .transpose()
            .map_err(corrupt)?;
        let details = self
            .details
            .map(|json| serde_json::from_str(&json))
            .transpose()
            .map_err(corrupt)?
            .unwrap_or_default();
        follow_up.contact = contact;
        follow_up.details = details;
        Ok(follow_up)
    }
}

/// Follow-ups by ticket id, each ticket's in the order the visitor sent them: of the
/// tickets `ticket_ids` names (one page of the inbox, or one ticket).
pub(super) fn by_ticket(
    tx: &mut Tx<'_>,
    ticket_ids: &[&str],
) -> Result<HashMap<String, Vec<FollowUp>>, StoreError> {
    let mut by_ticket: HashMap<String, Vec<FollowUp>> = HashMap::new();
    if ticket_ids.is_empty() {
        return Ok(by_ticket);
    }
    // One placeholder per id (a page holds at most 200): the same SQL on both.
    let placeholders: Vec<String> = (1..=ticket_ids.len()).map(|i| format!("?{i}")).collect();
    let sql = format!(
        "SELECT id, ticket_id, at_ms, text, schema_version, contact_json, details_json
         FROM follow_ups
         WHERE ticket_id IN ({}) ORDER BY ticket_id, at_ms, id",
        placeholders.join(", ")
    );
    let ids: Vec<_> = ticket_ids.iter().map(ToValue::to_value).collect();
    for row in tx.query(&sql, &ids)? {
        let follow_up = RawFollowUp::read(&row)?.parse()?;
        by_ticket
            .entry(follow_up.ticket_id.clone())
            .or_default()
            .push(follow_up);
    }
    Ok(by_ticket)
}
