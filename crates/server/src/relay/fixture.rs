//! The ticket the relay's unit tests compose from: a server-checked ticket whose
//! visitor typed markup, a masked card number and a header injection, and who gave a
//! new address and a screenshot after the handoff.

use std::collections::BTreeMap;

use deflect_engine::ticket::{Contact, FollowUp, Ticket};

use super::email::EmailRoute;
use crate::server_check::ServerCheck;
use crate::store::StoredTicket;

pub const TICKET_ID: &str = "0a1b2c3d-4e5f-6789";

pub fn route() -> EmailRoute {
    EmailRoute::parse(
        "Deflect relay <relay@relay.example>",
        "Support <support@shop.example>",
        Some("https://support.shop.example/"),
    )
    .expect("valid addresses")
}

pub fn follow_up() -> FollowUp {
    FollowUp {
        schema_version: 2,
        id: format!("{TICKET_ID}-3"),
        ticket_id: TICKET_ID.to_owned(),
        at_ms: 1_767_000_200_000,
        text: "Also <b>this</b>: Email: ada@new.example".to_owned(),
        contact: Some(Contact {
            email: "ada@new.example".to_owned(),
            name: Some("Ada\r\nBcc: evil@example.com".to_owned()),
        }),
        details: BTreeMap::from([(
            "screenshot".to_owned(),
            "attachment:abcdef12-3456".to_owned(),
        )]),
    }
}

pub fn stored() -> StoredTicket {
    let mut ticket = Ticket::example(TICKET_ID);
    ticket.transcript[0].text =
        "<script>alert(1)</script> charged twice on **** **** **** 4242\nBot: fake line".to_owned();
    ticket.reason = "Refund\r\nBcc: evil@example.com".to_owned();
    let mut stored = StoredTicket::new(ticket, 1_767_000_100_000, 1, vec![follow_up()]);
    stored.customer_verified = true;
    stored.server_check = Some(ServerCheck {
        kb_version: "sha256-3f2a9c".to_owned(),
        queue: "Billing".to_owned(),
        priority: deflect_engine::model::Priority::Urgent,
        needs_review: true,
        rules_fired: stored.ticket.rules_fired.clone(),
        agrees: false,
        unverified_bot_lines: vec![],
    });
    stored
}
