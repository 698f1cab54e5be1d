//! Every handoff can be answered: before the promise the visitor is asked for a way to
//! reply (unless the page identified them), then the issue type's checklist, each
//! skippable; what they give reaches the ticket as follow-ups, and the promise says
//! where the reply goes.

mod common;

use std::collections::BTreeMap;

use deflect::conversation::{Asking, Start};
use deflect::ticket::FollowUp;
use deflect::{Conversation, Engine, Reply};

fn asked_checklist(reply: &Reply) -> Option<&str> {
    match &reply.asking {
        Some(Asking::Details { checklist }) => Some(checklist.id.as_str()),
        _ => None,
    }
}

fn asks_contact(reply: &Reply) -> bool {
    matches!(reply.asking, Some(Asking::Contact { .. }))
}

/// Gives the email and returns the checklist asked next (if any) with its reply.
fn give_email(chat: &mut Conversation, engine: &Engine, email: &str) -> Reply {
    chat.give_contact(engine, Some(email), Some("Maya"), 50)
        .unwrap()
}

fn assert_promises_reply_to(reply: &Reply, email: &str) {
    let line = reply.messages.join(" ");
    assert!(line.contains(&format!("reply to {email}")), "{reply:?}");
}

fn values(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn follow_up_schema_errors(follow_up: &FollowUp) -> Vec<String> {
    common::schema_errors("follow-up.v2.json", follow_up)
}

#[test]
fn each_kind_of_escalation_asks_for_the_email_then_its_checklist() {
    let engine = common::sample_engine();
    // (what leads to the handoff, the checklist it must ask; None: the contact only)
    type Lead = fn(&mut Conversation, &Engine) -> Reply;
    let cases: [(&str, Lead, Option<&str>); 5] = [
        (
            "a chargeback is billing",
            |c, e| {
                c.say(e, "I already filed a dispute with my bank", 2)
                    .unwrap()
            },
            Some("billing"),
        ),
        (
            "a legal threat asks only for the contact",
            |c, e| c.say(e, "My lawyer will hear about this", 2).unwrap(),
            None,
        ),
        (
            "a refund after troubleshooting is billing",
            |c, e| {
                c.say(e, "my download link expired", 2).unwrap();
                c.say(e, "just give me a refund", 3).unwrap()
            },
            Some("billing"),
        ),
        (
            "talk to a person after a download article takes the article's issue type",
            |c, e| {
                c.say(e, "my download link expired", 2).unwrap();
                c.request_human(e, 3)
            },
            Some("delivery"),
        ),
        (
            "answers that did not help, twice, take the article's issue type",
            |c, e| {
                let reply = c.say(e, "my download link expired", 2).unwrap();
                let id = reply.articles[0].id.clone();
                c.feedback(e, &id, false, 3).unwrap();
                let reply = c.say(e, "the zip file will not open", 4).unwrap();
                let id = reply.articles[0].id.clone();
                c.feedback(e, &id, false, 5).unwrap()
            },
            Some("delivery"),
        ),
    ];
    for (name, lead, checklist) in cases {
        let mut chat = common::start(&engine);
        let reply = lead(&mut chat, &engine);
        assert!(reply.handoff.is_some(), "{name}: {reply:?}");
        assert!(
            asks_contact(&reply),
            "{name}: the contact comes first: {reply:?}"
        );
        assert!(
            !reply.messages.join(" ").contains("will reply"),
            "{name}: no promise before there is a way to keep it: {reply:?}"
        );
        let reply = give_email(&mut chat, &engine, "maya@example.com");
        assert_eq!(asked_checklist(&reply), checklist, "{name}: {reply:?}");
        let reply = match checklist {
            Some(_) => chat.skip_details(&engine, 60).unwrap(),
            None => reply,
        };
        assert!(
            reply
                .messages
                .join(" ")
                .contains("reply to maya@example.com within 24 hours"),
            "{name}: the promise says where the reply goes: {reply:?}"
        );
        assert!(reply.asking.is_none(), "{name}: nothing more to ask");
        let ticket = chat.ticket(&engine).unwrap();
        assert_eq!(ticket.customer.email.as_deref(), Some("maya@example.com"));
        assert_eq!(ticket.customer.name.as_deref(), Some("Maya"));
    }
}

#[test]
fn the_contact_and_the_answers_reach_the_ticket_as_follow_ups_valid_against_the_schema() {
    let engine = common::sample_engine();
    let mut chat = common::start(&engine);
    let reply = chat.say(&engine, "I'm doing a chargeback", 2).unwrap();
    let ticket_id = reply.handoff.unwrap().ticket_id;
    assert!(
        chat.ticket(&engine).unwrap().customer.email.is_none(),
        "sent at once, without a contact"
    );
    let reply = give_email(&mut chat, &engine, " maya@example.com ");
    let contact = reply
        .follow_up
        .clone()
        .expect("the contact is delivered to the ticket");
    assert_eq!(contact.ticket_id, ticket_id);
    assert_eq!(contact.contact.as_ref().unwrap().email, "maya@example.com");
    assert!(
        follow_up_schema_errors(&contact).is_empty(),
        "{:?}",
        follow_up_schema_errors(&contact)
    );
    let answers = values(&[
        ("invoice_number", "BA-10432"),
        ("billing_email", ""),
        ("payment_method", "Card"),
        ("card_last4", "4242"),
    ]);
    let reply = chat.submit_details(&engine, &answers, 70).unwrap();
    let details = reply
        .follow_up
        .clone()
        .expect("the answers are delivered to the ticket");
    assert_ne!(
        details.id, contact.id,
        "each addition has its own idempotency key"
    );
    assert_eq!(details.details["invoice_number"], "BA-10432");
    assert_eq!(details.details["card_last4"], "4242");
    assert!(
        !details.details.contains_key("billing_email"),
        "a skipped question is left out"
    );
    assert!(
        follow_up_schema_errors(&details).is_empty(),
        "{:?}",
        follow_up_schema_errors(&details)
    );
    let ticket = chat.ticket(&engine).unwrap();
    assert_eq!(ticket.details["invoice_number"], "BA-10432");
    assert!(
        reply.messages.join(" ").contains("maya@example.com"),
        "{reply:?}"
    );
}

#[test]
fn answers_are_checked_by_kind_and_a_full_card_number_is_never_taken() {
    let engine = common::sample_engine();
    let mut chat = common::start(&engine);
    chat.say(&engine, "I'm doing a chargeback", 2).unwrap();
    let reply = chat
        .give_contact(&engine, Some("maya at example"), None, 3)
        .unwrap();
    assert!(reply.errors["email"].contains("not an email"), "{reply:?}");
    assert!(asks_contact(&reply), "asked again");
    give_email(&mut chat, &engine, "maya@example.com");
    let reply = chat
        .submit_details(
            &engine,
            &values(&[("card_last4", "4111 1111 1111 1111")]),
            4,
        )
        .unwrap();
    assert!(
        reply.errors["card_last4"].contains("last 4 digits"),
        "{reply:?}"
    );
    assert_eq!(asked_checklist(&reply), Some("billing"), "asked again");
    assert!(reply.follow_up.is_none());
    let ticket = serde_json::to_string(&chat.ticket(&engine).unwrap()).unwrap();
    assert!(!ticket.contains("4111 1111 1111 1111") && !ticket.contains("4111111111111111"));
}

#[test]
fn an_identified_visitor_is_not_asked_for_a_contact() {
    let engine = common::sample_engine();
    let start = Start {
        id: "5c1d7e2a-3b4f-4a6e-8d9c-0e1f2a3b4c5d".into(),
        lang: "en".into(),
        now: 1,
        customer: deflect::ticket::Customer {
            email: Some("maya@example.com".into()),
            ..Default::default()
        },
        ..Start::default()
    };
    let (mut chat, _) = Conversation::start(&engine, start);
    let reply = chat
        .say(&engine, "I filed a dispute with my bank", 2)
        .unwrap();
    assert_eq!(asked_checklist(&reply), Some("billing"), "{reply:?}");
    let reply = chat.skip_details(&engine, 3).unwrap();
    assert_promises_reply_to(&reply, "maya@example.com");
}

#[test]
fn an_email_given_in_a_flow_is_the_way_to_reply_and_its_checklist_is_not_asked_twice() {
    let engine = common::sample_engine();
    let mut chat = common::start(&engine);
    let reply = chat.start_flow(&engine, "cant-log-in", 2).unwrap();
    let step = reply.step.unwrap();
    let other = step
        .choices
        .iter()
        .position(|c| c == "Something else")
        .unwrap();
    chat.choose(&engine, other, 3).unwrap();
    let reply = chat
        .submit_details(&engine, &values(&[("signup_email", "maya@example.com")]), 4)
        .unwrap();
    assert!(reply.handoff.is_some(), "{reply:?}");
    assert!(reply.asking.is_none(), "the flow asked it all: {reply:?}");
    assert_promises_reply_to(&reply, "maya@example.com");
}

#[test]
fn a_visitor_who_gives_no_contact_still_has_a_ticket_and_is_told_to_keep_the_reference() {
    let engine = common::sample_engine();
    let mut chat = common::start(&engine);
    let reply = chat.say(&engine, "my lawyer will sue you", 2).unwrap();
    assert!(reply.handoff.is_some());
    let reply = chat.give_contact(&engine, None, None, 3).unwrap();
    assert!(reply.follow_up.is_none(), "nothing to deliver");
    let line = reply.messages.join(" ");
    assert!(
        line.contains("can't write to you") && line.contains("reference"),
        "{line}"
    );
    let ticket = chat.ticket(&engine).unwrap();
    assert!(ticket.customer.email.is_none());
    assert!(
        chat.give_contact(&engine, Some("late@example.com"), None, 4)
            .is_err(),
        "asked once"
    );
}

#[test]
fn a_spanish_visitor_is_asked_in_spanish_with_the_checklist_in_spanish() {
    let engine = common::sample_engine();
    let mut chat = common::start_in(&engine, "es-ES");
    let reply = chat
        .say(&engine, "Presenté un chargeback con mi banco", 2)
        .unwrap();
    assert!(reply.handoff.is_some(), "{reply:?}");
    assert!(
        reply
            .messages
            .join(" ")
            .contains("¿A qué correo te respondemos?"),
        "{reply:?}"
    );
    let reply = give_email(&mut chat, &engine, "ana@example.com");
    assert!(reply.messages.join(" ").contains("Unos datos"), "{reply:?}");
    let Some(Asking::Details { checklist }) = &reply.asking else {
        panic!("the billing checklist is asked: {reply:?}");
    };
    assert_eq!(checklist.title, "Consulta de facturación");
    assert_eq!(
        checklist.fields[0].label,
        "Número de pedido o de factura (BA-…)"
    );
    let reply = chat
        .submit_details(&engine, &values(&[("card_last4", "12")]), 3)
        .unwrap();
    assert!(
        reply.errors["card_last4"].contains("últimos dígitos"),
        "{reply:?}"
    );
    let reply = chat.skip_details(&engine, 4).unwrap();
    assert!(
        reply
            .messages
            .join(" ")
            .contains("te responderá a ana@example.com en menos de 24 horas"),
        "{reply:?}"
    );
}

#[test]
fn rules_that_defer_to_the_conversation_take_its_route_and_rule_cases_state_checklists() {
    let engine = common::sample_engine();
    let mut chat = common::start(&engine);
    chat.say(&engine, "how do I update my payment method", 2)
        .unwrap();
    let reply = chat.say(&engine, "talk to a person", 3).unwrap();
    assert!(reply.handoff.is_some(), "{reply:?}");
    let reply = give_email(&mut chat, &engine, "maya@example.com");
    assert_eq!(asked_checklist(&reply), Some("billing"), "{reply:?}");
}

/// A name field is free text: a card number typed into it is masked like one typed
/// into the chat, in the ticket and in the follow-up that carries the contact.
#[test]
fn a_card_number_typed_as_the_name_is_masked() {
    let engine = common::sample_engine();
    let mut chat = common::start(&engine);
    chat.request_human(&engine, 1);
    let reply = chat
        .give_contact(
            &engine,
            Some("maya@example.com"),
            Some("4111 1111 1111 1111"),
            2,
        )
        .unwrap();
    let contact = reply.follow_up.unwrap().contact.unwrap();
    assert_eq!(contact.name.as_deref(), Some("**** **** **** 1111"));
    let ticket = chat.ticket(&engine).unwrap();
    assert_eq!(ticket.customer.name.as_deref(), Some("**** **** **** 1111"));
    assert_eq!(ticket.redactions.card_numbers, 1);
}
