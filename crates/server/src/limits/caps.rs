//! What one ticket may hold: follow-ups, screenshots and bytes. Without caps one ticket
//! id could take 10,000 follow-ups of a megabyte each. Every check runs under the
//! write transaction, right before the insert it guards and after the transaction
//! serialized on the ticket (`Tx::serialize_on`), so two requests racing for the last
//! slot cannot both get it, even on two inboxes sharing PostgreSQL, and a refused write
//! stores nothing. A repeat of something
//! already stored is never refused: a retry must still hear 200.

use crate::db::{Tx, args};
use crate::store::StoreError;
use axum::http::StatusCode;

/// The caps of one ticket; `Default` leaves room for any real conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TicketCaps {
    /// Follow-ups (messages, a contact, checklist answers) one ticket may collect.
    pub follow_ups: usize,
    /// Screenshots one ticket may collect.
    pub attachments: usize,
    /// Bytes of the ticket's JSON and all its follow-ups together.
    pub bytes: usize,
}

impl Default for TicketCaps {
    fn default() -> Self {
        Self {
            follow_ups: 50,
            attachments: 10,
            bytes: 2 * 1024 * 1024,
        }
    }
}

/// A write refused because the ticket is full; nothing of it was stored.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CapExceeded {
    /// The ticket already has as many follow-ups as one ticket may.
    #[error("ticket {ticket:?} already has {cap} follow-ups, the most one ticket may have")]
    FollowUps { ticket: String, cap: usize },
    /// The ticket already has as many screenshots as one ticket may.
    #[error("ticket {ticket:?} already has {cap} screenshots, the most one ticket may have")]
    Attachments { ticket: String, cap: usize },
    /// With this write the ticket and its follow-ups would be larger than one ticket may.
    #[error(
        "ticket {ticket:?} would hold {would} bytes with this {what}, more than the {cap} one ticket may hold"
    )]
    Bytes {
        ticket: String,
        what: &'static str,
        would: usize,
        cap: usize,
    },
}

impl CapExceeded {
    /// 413 for bytes, 422 for counts: both final, so the widget does not retry them
    /// (a 429 would have it retry forever).
    pub fn status(&self) -> StatusCode {
        match self {
            Self::Bytes { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::FollowUps { .. } | Self::Attachments { .. } => StatusCode::UNPROCESSABLE_ENTITY,
        }
    }
}

/// A new ticket whose JSON alone is `bytes` long.
pub(crate) fn check_ticket(
    caps: &TicketCaps,
    ticket: &str,
    bytes: usize,
) -> Result<(), StoreError> {
    if bytes > caps.bytes {
        return Err(CapExceeded::Bytes {
            ticket: ticket.to_owned(),
            what: "ticket",
            would: bytes,
            cap: caps.bytes,
        }
        .into());
    }
    Ok(())
}

/// A follow-up `id` of `bytes` (its text, contact and answers as stored) for `ticket`;
/// an id already stored passes, since storing it again changes nothing.
pub(crate) fn check_follow_up(
    tx: &mut Tx<'_>,
    caps: &TicketCaps,
    ticket: &str,
    id: &str,
    bytes: usize,
) -> Result<(), StoreError> {
    if stored(tx, "SELECT 1 FROM follow_ups WHERE id = ?1", id)? {
        return Ok(());
    }
    let row = tx.query_one(
        "SELECT (SELECT COUNT(*) FROM follow_ups WHERE ticket_id = ?1),
                (SELECT COALESCE(octet_length(json), 0) FROM tickets WHERE id = ?1)
              + (SELECT COALESCE(SUM(octet_length(text) + COALESCE(octet_length(contact_json), 0)
                                     + COALESCE(octet_length(details_json), 0)), 0)
                   FROM follow_ups WHERE ticket_id = ?1)",
        args![ticket],
    )?;
    let (count, held): (usize, usize) = (row.get(0)?, row.get(1)?);
    if count >= caps.follow_ups {
        return Err(CapExceeded::FollowUps {
            ticket: ticket.to_owned(),
            cap: caps.follow_ups,
        }
        .into());
    }
    if held + bytes > caps.bytes {
        return Err(CapExceeded::Bytes {
            ticket: ticket.to_owned(),
            what: "follow-up",
            would: held + bytes,
            cap: caps.bytes,
        }
        .into());
    }
    Ok(())
}

/// A screenshot `id` for `ticket`; an id already stored passes (the caller tells a
/// repeat from another ticket's id).
pub(crate) fn check_attachment(
    tx: &mut Tx<'_>,
    caps: &TicketCaps,
    ticket: &str,
    id: &str,
) -> Result<(), StoreError> {
    if stored(tx, "SELECT 1 FROM attachments WHERE id = ?1", id)? {
        return Ok(());
    }
    let count: usize = tx
        .query_one(
            "SELECT COUNT(*) FROM attachments WHERE ticket_id = ?1",
            args![ticket],
        )?
        .get(0)?;
    if count >= caps.attachments {
        return Err(CapExceeded::Attachments {
            ticket: ticket.to_owned(),
            cap: caps.attachments,
        }
        .into());
    }
    Ok(())
}

/// Whether `sql` (selecting by one id) finds a row.
fn stored(tx: &mut Tx<'_>, sql: &str, id: &str) -> Result<bool, StoreError> {
    Ok(tx.query_opt(sql, args![id])?.is_some())
}
