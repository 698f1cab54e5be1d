//! What the relay delivers: a stored ticket, or a follow-up added to one. Each event
//! has a kind (the webhook `type`), a key that is stable for its ticket (the outbox
//! stores ticket id × event key × destination), and from those a delivery id that is
//! the same on every retry: the email's Message-ID and the webhook's `webhook-id` are
//! built from it, so a destination that sees a retry can tell it is one.

use sha2::{Digest, Sha256};

use deflect_engine::ticket::FollowUp;

use crate::store::StoredTicket;

/// The event key of a ticket's creation (a follow-up's is its own id).
pub const CREATED_KEY: &str = "created";

/// Hex characters of the destination's hash in a delivery id: enough that two
/// destinations of one server never share one, short enough to read.
const DESTINATION_HASH_CHARS: usize = 12;

/// Something that happened to a stored ticket that its destinations must hear of.
#[derive(Debug, Clone, Copy)]
pub enum RelayEvent<'a> {
    /// The ticket was stored for the first time.
    Created { ticket: &'a StoredTicket },
    /// The visitor added `follow_up` to the stored `ticket` after the handoff.
    FollowUp {
        ticket: &'a StoredTicket,
        follow_up: &'a FollowUp,
    },
}

impl<'a> RelayEvent<'a> {
    /// The event an outbox row names by `key` ([`RelayEvent::key`]), once its ticket
    /// is loaded again: `None` when `key` is no follow-up of `ticket`.
    pub fn for_key(ticket: &'a StoredTicket, key: &str) -> Option<Self> {
        if key == CREATED_KEY {
            return Some(Self::Created { ticket });
        }
        let follow_up = ticket.follow_ups.iter().find(|f| f.id == key)?;
        Some(Self::FollowUp { ticket, follow_up })
    }

    /// The event type, as Standard Webhooks' `type` field: `ticket.created` or
    /// `ticket.follow_up`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Created { .. } => "ticket.created",
            Self::FollowUp { .. } => "ticket.follow_up",
        }
    }

    /// Stable within the ticket: [`CREATED_KEY`], or the follow-up's id.
    pub fn key(&self) -> &'a str {
        match self {
            Self::Created { .. } => CREATED_KEY,
            Self::FollowUp { follow_up, .. } => &follow_up.id,
        }
    }

    /// The stored ticket the event is about.
    pub fn ticket(&self) -> &'a StoredTicket {
        match self {
            Self::Created { ticket } | Self::FollowUp { ticket, .. } => ticket,
        }
    }

    /// The follow-up, for a follow-up event.
    pub fn follow_up(&self) -> Option<&'a FollowUp> {
        match self {
            Self::Created { .. } => None,
            Self::FollowUp { follow_up, .. } => Some(follow_up),
        }
    }

    /// When it happened, Unix milliseconds: the inbox's clock for a ticket, the
    /// visitor's browser's for a follow-up (the one time a follow-up carries).
    pub fn at_ms(&self) -> u64 {
        match self {
            Self::Created { ticket } => ticket.received_at_ms,
            Self::FollowUp { follow_up, .. } => follow_up.at_ms,
        }
    }

    /// [`delivery_id`] of this event for `destination`.
    pub fn delivery_id(&self, destination: &str) -> String {
        delivery_id(&self.ticket().ticket.id, self.key(), destination)
    }
}

/// `<ticket id>.<event key>.<hash of destination>`: the same for every retry of one
/// event to one destination, different for every other. `destination` is where it
/// goes (an email address, a webhook URL); ticket ids and event keys are letters,
/// digits and `-` (`validate`), so the id is a valid Message-ID left part.
pub fn delivery_id(ticket_id: &str, event_key: &str, destination: &str) -> String {
    let hash = hex::encode(Sha256::digest(destination.as_bytes()));
    format!(
        "{ticket_id}.{event_key}.{}",
        &hash[..DESTINATION_HASH_CHARS]
    )
}

#[cfg(test)]
mod tests {
    use deflect_engine::ticket::Ticket;

    use super::*;

    #[test]
    fn delivery_ids_are_stable_per_event_and_destination() {
        let stored = StoredTicket::new(Ticket::example("t-0001-abcd"), 1, 1, vec![]);
        let created = RelayEvent::Created { ticket: &stored };
        let id = created.delivery_id("support@shop.example");
        assert_eq!(id, created.delivery_id("support@shop.example"));
        assert!(id.starts_with("t-0001-abcd.created."), "{id}");
        assert_ne!(id, created.delivery_id("https://hooks.example/deflect"));
        assert_eq!(created.kind(), "ticket.created");
        assert_eq!(created.key(), CREATED_KEY);
    }

    #[test]
    fn an_outbox_key_names_its_event_again() {
        let stored = super::super::fixture::stored();
        let follow_up = &stored.follow_ups[0];
        let event = RelayEvent::for_key(&stored, &follow_up.id).unwrap();
        assert_eq!(event.kind(), "ticket.follow_up");
        assert_eq!(event.key(), follow_up.id);
        assert_eq!(event.at_ms(), follow_up.at_ms);
        let created = RelayEvent::for_key(&stored, CREATED_KEY).unwrap();
        assert_eq!(created.at_ms(), stored.received_at_ms);
        assert!(RelayEvent::for_key(&stored, "0a1b2c3d-4e5f-6789-99").is_none());
    }
}
