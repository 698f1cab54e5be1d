//! Card numbers are masked once more before a ticket leaves the server. The widget
//! masks what the visitor types, but the server takes tickets from any client, and a
//! helpdesk, a chat channel or an automation tool is no place for a card number. The
//! masking is the engine's (`mask_card_numbers`, pinned by `tests/vectors/masking.json`
//! in Rust and JS), applied to every field a person typed.

use deflect_engine::conversation::mask_card_numbers;

use crate::store::StoredTicket;

/// `stored` with every card number in what people typed masked to its last four digits;
/// `redactions.card_numbers` counts the ones masked here too.
pub fn masked(mut stored: StoredTicket) -> StoredTicket {
    let mut count = 0;
    let mut mask = |text: &mut String| {
        let (clean, n) = mask_card_numbers(text);
        if n > 0 {
            *text = clean;
            count += n;
        }
    };
    let ticket = &mut stored.ticket;
    ticket.transcript.iter_mut().for_each(|m| mask(&mut m.text));
    ticket
        .rules_fired
        .iter_mut()
        .for_each(|r| mask(&mut r.text));
    ticket
        .flow_path
        .iter_mut()
        .for_each(|s| mask(&mut s.answer));
    ticket.details.values_mut().for_each(&mut mask);
    ticket.customer.name.iter_mut().for_each(&mut mask);
    mask(&mut ticket.reason);
    for follow_up in &mut stored.follow_ups {
        mask(&mut follow_up.text);
        follow_up.details.values_mut().for_each(&mut mask);
        if let Some(contact) = &mut follow_up.contact {
            contact.name.iter_mut().for_each(&mut mask);
        }
    }
    if let Some(contact) = &mut stored.reply_to {
        contact.name.iter_mut().for_each(&mut mask);
    }
    stored.ticket.redactions.card_numbers += count;
    stored
}

#[cfg(test)]
mod tests {
    use super::*;
    use deflect_engine::ticket::{FollowUp, Ticket};

    #[test]
    fn every_typed_field_is_masked_and_counted() {
        let card = "4242 4242 4242 4242";
        let mut ticket = Ticket::example("t");
        ticket.transcript[0].text = format!("my card is {card}");
        ticket.flow_path[0].answer = card.to_owned();
        ticket.details.insert("card".into(), card.replace(' ', "-"));
        ticket.customer.name = Some(card.replace(' ', ""));
        ticket.redactions.card_numbers = 0;
        let follow_up = FollowUp {
            id: "f".into(),
            ticket_id: "t".into(),
            at_ms: 1,
            text: format!("again {card}"),
            schema_version: 2,
            contact: None,
            details: Default::default(),
        };
        let stored = StoredTicket::new(ticket, 1, 1, vec![follow_up]);
        let masked = masked(stored);
        let json = serde_json::to_string(&masked).unwrap();
        assert!(!json.contains("4242 4242 4242 4242"), "{json}");
        assert!(!json.contains("4242-4242"), "{json}");
        assert!(!json.contains("4242424242424242"), "{json}");
        // Transcript, flow answer, detail, name, follow-up, and the name in `reply_to`.
        assert_eq!(masked.ticket.redactions.card_numbers, 6);
        assert!(masked.ticket.transcript[0].text.ends_with("4242"));
    }
}
