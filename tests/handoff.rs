//! Handoff end to end, natively: every kind of trigger, the queue it routes to, the
//! context the ticket carries, and card numbers masked before anything is recorded.

mod common;

use std::collections::BTreeMap;

use deflect::conversation::Status;
use deflect::model::Priority;
use deflect::ticket::{Author, Ticket};
use deflect::{Conversation, Engine, Reply};

fn choose_label(chat: &mut Conversation, engine: &Engine, reply: &Reply, label: &str) -> Reply {
    let step = reply.step.as_ref().expect("a flow step");
    let index = step
        .choices
        .iter()
        .position(|c| c == label)
        .unwrap_or_else(|| panic!("no choice {label:?} in {:?}", step.choices));
    chat.choose(engine, index, 10).unwrap()
}

fn schema_errors(ticket: &Ticket) -> Vec<String> {
    common::schema_errors("ticket.v1.json", ticket)
}

fn customer_texts(ticket: &Ticket) -> Vec<&str> {
    ticket
        .transcript
        .iter()
        .filter(|m| m.from == Author::Customer)
        .map(|m| m.text.as_str())
        .collect()
}

#[test]
fn a_card_number_typed_in_the_chat_never_reaches_the_ticket() {
    let engine = common::sample_engine();
    let mut chat = common::start(&engine);
    chat.say(
        &engine,
        "I was charged twice on 4111 1111 1111 1111, order BA-10442",
        2,
    )
    .unwrap();
    chat.say(
        &engine,
        "I contacted my bank about card 5555-5555-5555-4444",
        3,
    )
    .unwrap();
    let ticket = chat.ticket(&engine).expect("the chargeback handed off");
    let json = serde_json::to_string(&ticket).unwrap();
    for digits in [
        "4111 1111 1111 1111",
        "5555-5555-5555-4444",
        "5555555555554444",
    ] {
        assert!(!json.contains(digits), "{digits} leaked: {json}");
    }
    assert_eq!(
        customer_texts(&ticket),
        [
            "I was charged twice on **** **** **** 1111, order BA-10442",
            "I contacted my bank about card ****-****-****-4444",
        ]
    );
    assert_eq!(
        ticket.rules_fired[0].text,
        "I contacted my bank about card ****-****-****-4444"
    );
    assert_eq!(ticket.redactions.card_numbers, 2);
    assert!(
        schema_errors(&ticket).is_empty(),
        "{:?}",
        schema_errors(&ticket)
    );
}

#[test]
fn a_card_number_in_a_checklist_is_masked_in_details_and_flow_path() {
    let engine = common::sample_engine();
    let mut chat = common::start(&engine);
    let reply = chat.start_flow(&engine, "cant-log-in", 2).unwrap();
    let reply = choose_label(&mut chat, &engine, &reply, "Something else");
    assert!(reply.step.as_ref().unwrap().checklist.is_some());
    let values: BTreeMap<String, String> = [
        ("signup_email", "maya@example.com"),
        ("failed_at", "right after paying with 378282246310005"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let reply = chat.submit_details(&engine, &values, 11).unwrap();
    assert!(reply.handoff.is_some(), "{reply:?}");
    let ticket = chat.ticket(&engine).unwrap();
    assert_eq!(
        ticket.details["failed_at"],
        "right after paying with ***********0005"
    );
    let last = ticket.flow_path.last().unwrap();
    assert!(last.answer.contains("***********0005"), "{last:?}");
    assert!(
        !serde_json::to_string(&ticket)
            .unwrap()
            .contains("378282246310005")
    );
    assert_eq!(ticket.redactions.card_numbers, 1);
}

#[test]
fn a_card_number_in_an_order_number_field_is_refused_not_recorded() {
    let engine = common::sample_engine();
    let mut chat = common::start(&engine);
    let reply = chat.start_flow(&engine, "paid-no-access", 2).unwrap();
    let reply = choose_label(&mut chat, &engine, &reply, "No confirmation email");
    let reply = choose_label(&mut chat, &engine, &reply, "There's a charge but no email");
    assert!(reply.step.as_ref().unwrap().checklist.is_some());
    let values: BTreeMap<String, String> = [
        ("invoice_number", "378282246310005"),
        ("billing_email", "maya@example.com"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let reply = chat.submit_details(&engine, &values, 11).unwrap();
    assert!(reply.handoff.is_none(), "{reply:?}");
    assert!(
        reply.errors["invoice_number"].contains("order or invoice number"),
        "{reply:?}"
    );
}

#[test]
fn order_numbers_and_phone_numbers_are_not_masked() {
    let engine = common::sample_engine();
    let mut chat = common::start(&engine);
    let text = "order 4111111111111112, call me on +44 20 7946 0958";
    chat.say(&engine, text, 2).unwrap();
    chat.request_human(&engine, 3);
    let ticket = chat.ticket(&engine).unwrap();
    assert_eq!(customer_texts(&ticket), [text]);
    assert_eq!(ticket.redactions.card_numbers, 0);
}

#[test]
fn a_ticket_without_redactions_does_not_match_the_schema() {
    let engine = common::sample_engine();
    let mut chat = common::start(&engine);
    chat.request_human(&engine, 2);
    let ticket = chat.ticket(&engine).unwrap();
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("../schema/ticket.v1.json")).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let mut json = serde_json::to_value(&ticket).unwrap();
    assert!(validator.is_valid(&json));
    json.as_object_mut().unwrap().remove("redactions");
    assert!(!validator.is_valid(&json));
    assert!(serde_json::from_value::<Ticket>(json).is_err());
}

#[test]
fn start_over_returns_to_the_first_step_and_keeps_what_was_answered() {
    let engine = common::sample_engine();
    let mut chat = common::start(&engine);
    let first = chat.start_flow(&engine, "cant-log-in", 2).unwrap();
    let reply = choose_label(&mut chat, &engine, &first, "I forgot my password");
    assert_eq!(reply.step.as_ref().unwrap().step_id, "reset");
    let again = chat.start_over(&engine, 11).unwrap();
    let step = again.step.expect("the first step again");
    assert_eq!(step.step_id, "what-happens");
    assert!(!step.can_go_back, "history starts afresh");
    assert_eq!(again.messages, [first.step.unwrap().prompt]);
    // The answer given before starting over is still there for a human.
    chat.request_human(&engine, 12);
    let ticket = chat.ticket(&engine).unwrap();
    assert_eq!(ticket.flow_path.len(), 1);
    assert_eq!(ticket.flow_path[0].answer, "I forgot my password");
}

#[test]
fn start_over_without_a_flow_is_an_error_not_a_panic() {
    let engine = common::sample_engine();
    let mut chat = common::start(&engine);
    assert!(chat.start_over(&engine, 2).is_err());
    let reply = chat.start_flow(&engine, "cant-log-in", 3).unwrap();
    choose_label(&mut chat, &engine, &reply, "I forgot my password");
    chat.choose(&engine, 0, 4).unwrap(); // "Yes, I'm in": solved, the flow is over
    assert_eq!(chat.status(), Status::Solved);
    assert!(chat.start_over(&engine, 5).is_err());
}

#[test]
fn back_then_a_different_answer_records_both_answers() {
    let engine = common::sample_engine();
    let mut chat = common::start(&engine);
    let first = chat.start_flow(&engine, "cant-log-in", 2).unwrap();
    choose_label(&mut chat, &engine, &first, "I forgot my password");
    let back = chat.back(&engine, 11).unwrap();
    assert_eq!(back.step.as_ref().unwrap().step_id, "what-happens");
    let details = choose_label(&mut chat, &engine, &back, "Something else");
    assert!(details.step.unwrap().checklist.is_some());
    chat.request_human(&engine, 12);
    let answers: Vec<String> = chat
        .ticket(&engine)
        .unwrap()
        .flow_path
        .into_iter()
        .map(|s| s.answer)
        .collect();
    assert_eq!(answers, ["I forgot my password", "Something else"]);
}

#[test]
fn a_refund_after_troubleshooting_goes_to_a_person() {
    let engine = common::sample_engine();
    let mut chat = common::start(&engine);
    // Before any article was suggested a refund question is answered, not escalated.
    let reply = chat.say(&engine, "how can I get a refund", 2).unwrap();
    assert!(reply.handoff.is_none() && !reply.articles.is_empty());
    let reply = chat
        .say(&engine, "that didn't work, I want my money back", 3)
        .unwrap();
    let handoff = reply.handoff.expect("handoff");
    assert_eq!(handoff.queue, "Human-Escalation");
    let ticket = chat.ticket(&engine).unwrap();
    assert_eq!(
        ticket.rules_fired[0].rule_id,
        "refund-after-troubleshooting"
    );
    assert_eq!(ticket.priority, Priority::High);
    assert!(ticket.needs_review);
}

#[test]
fn answers_that_did_not_help_twice_hand_off_to_the_topic_queue() {
    let engine = common::sample_engine();
    let mut chat = common::start(&engine);
    let reply = chat.say(&engine, "where are my invoices", 2).unwrap();
    let first = reply.articles[0].id.clone();
    assert_eq!(first, "invoices-receipts");
    let reply = chat.feedback(&engine, &first, false, 3).unwrap();
    assert!(reply.handoff.is_none(), "one miss is not enough: {reply:?}");
    let next = reply
        .articles
        .first()
        .map(|a| a.id.clone())
        .unwrap_or(first);
    let reply = chat.feedback(&engine, &next, false, 4).unwrap();
    let handoff = reply.handoff.expect("the second miss hands off");
    assert_eq!(handoff.reason, "Suggested answers did not help");
    let ticket = chat.ticket(&engine).unwrap();
    assert_eq!(ticket.queue, "Billing", "tags {:?}", ticket.tags);
    assert!(ticket.rules_fired.is_empty());
    assert!(
        ticket
            .articles_shown
            .iter()
            .any(|a| a.helped == Some(false))
    );
}

#[test]
fn a_billing_refund_that_is_not_escalated_needs_review_in_billing() {
    let engine = common::sample_engine();
    let mut chat = common::start(&engine);
    chat.say(&engine, "how can I get a refund", 2).unwrap();
    chat.request_human(&engine, 3);
    let ticket = chat.ticket(&engine).unwrap();
    assert_eq!(ticket.queue, "Billing");
    assert!(ticket.needs_review);
    assert_eq!(ticket.priority, Priority::High);
}

#[test]
fn a_tech_flow_that_ends_unsolved_goes_to_tech() {
    let engine = common::sample_engine();
    let mut chat = common::start(&engine);
    let mut reply = chat.start_flow(&engine, "video-wont-play", 2).unwrap();
    // Take the last choice of each step until the checklist; it is the "still broken" path.
    while reply.step.as_ref().is_some_and(|s| s.checklist.is_none()) {
        let last = reply.step.as_ref().unwrap().choices.len() - 1;
        reply = chat.choose(&engine, last, 3).unwrap();
    }
    let step = reply.step.clone().expect("the flow asks for details");
    let checklist = step.checklist.unwrap();
    let values = common::sample_answers(&checklist);
    let reply = chat.submit_details(&engine, &values, 4).unwrap();
    assert!(reply.handoff.is_some(), "{reply:?}");
    let ticket = chat.ticket(&engine).unwrap();
    assert_eq!(ticket.queue, "Tech");
    assert_eq!(
        ticket.details["lesson_url"],
        "https://brushwork.example/lesson/3"
    );
    assert!(!ticket.flow_path.is_empty());
}

#[test]
fn an_explicit_request_for_a_person_hands_off() {
    let engine = common::sample_engine();
    for text in ["agent", "Can I talk to a person please?", "Human please!"] {
        let mut chat = common::start(&engine);
        let reply = chat.say(&engine, text, 2).unwrap();
        assert!(reply.handoff.is_some(), "{text:?}: {reply:?}");
        assert_eq!(
            chat.ticket(&engine).unwrap().rules_fired[0].rule_id,
            "human-request"
        );
    }
}

#[test]
fn negated_and_quoted_triggers_keep_the_bot_helping() {
    let engine = common::sample_engine();
    for text in [
        "this is not a chargeback, I just don't recognise the charge",
        "the email said \"chargeback notice\" — what is that?",
        "The banking module won't load",
    ] {
        let mut chat = common::start(&engine);
        let reply = chat.say(&engine, text, 2).unwrap();
        assert!(reply.handoff.is_none(), "{text:?}: {reply:?}");
        assert_eq!(chat.status(), Status::Open);
    }
}

#[test]
fn a_handed_off_conversation_says_so_instead_of_answering() {
    let engine = common::sample_engine();
    let mut chat = common::start(&engine);
    chat.say(&engine, "I'm going to sue you", 2).unwrap();
    let reference = chat.ticket(&engine).unwrap().id[..8].to_uppercase();
    let reply = chat.say(&engine, "How do I reset my password?", 3).unwrap();
    assert!(reply.articles.is_empty() && reply.flows.is_empty() && reply.step.is_none());
    assert!(
        reply.messages[0].contains(&reference) && reply.messages[0].contains("within 24 hours"),
        "{:?}",
        reply.messages
    );
    let again = chat.request_human(&engine, 4);
    assert!(again.handoff.is_none(), "no second ticket: {again:?}");
    assert_eq!(chat.ticket(&engine).unwrap().created_at_ms, 2);
}

#[test]
fn a_sign_in_problem_offers_self_service_before_a_person_once() {
    let engine = common::sample_engine();
    let mut chat = common::start(&engine);
    chat.say(&engine, "How do I reset my password?", 2).unwrap();
    let first = chat.request_human(&engine, 3);
    assert!(first.handoff.is_none(), "{first:?}");
    assert!(
        first.flows.iter().any(|f| f.id == "cant-log-in"),
        "{:?}",
        first.flows
    );
    assert_eq!(chat.status(), Status::Open);
    let second = chat.request_human(&engine, 4);
    let handoff = second.handoff.expect("asking again hands off");
    assert_eq!(handoff.queue, "Tier-1");
}

#[test]
fn self_service_is_not_offered_again_after_the_visitor_tried_it() {
    let engine = common::sample_engine();
    let mut chat = common::start(&engine);
    let reply = chat.start_flow(&engine, "cant-log-in", 2).unwrap();
    choose_label(&mut chat, &engine, &reply, "I forgot my password");
    assert!(chat.request_human(&engine, 3).handoff.is_some());
}

#[test]
fn routes_without_self_service_first_hand_off_at_once() {
    let engine = common::sample_engine();
    let mut chat = common::start(&engine);
    chat.say(&engine, "the video keeps buffering", 2).unwrap();
    let reply = chat.request_human(&engine, 3);
    assert_eq!(reply.handoff.expect("handoff").queue, "Tech");
}

#[test]
fn a_tier_given_after_the_chat_started_counts_on_the_next_message() {
    let engine = common::sample_engine();
    let mut chat = common::start(&engine);
    let reply = chat.say(&engine, "where are my invoices", 2).unwrap();
    assert!(reply.handoff.is_none());
    chat.identify(deflect::ticket::Customer {
        email: Some("vip@example.com".into()),
        name: None,
        tier: Some("vip".into()),
        signature: None,
    });
    let reply = chat.say(&engine, "and my certificate?", 3).unwrap();
    assert!(reply.handoff.is_some(), "{reply:?}");
    let ticket = chat.ticket(&engine).unwrap();
    assert_eq!(ticket.rules_fired[0].rule_id, "vip-customer");
    assert_eq!(ticket.customer.email.as_deref(), Some("vip@example.com"));
}

#[test]
fn identifying_with_the_same_tier_does_not_fire_again() {
    let engine = common::sample_engine();
    let mut chat = common::start(&engine);
    chat.say(&engine, "where are my invoices", 2).unwrap();
    chat.identify(deflect::ticket::Customer {
        email: Some("sam@example.com".into()),
        name: None,
        tier: None,
        signature: None,
    });
    let reply = chat.say(&engine, "and my certificate?", 3).unwrap();
    assert!(reply.handoff.is_none(), "{reply:?}");
}

#[test]
fn a_spanish_visitor_is_answered_and_handed_off_in_spanish() {
    let engine = common::sample_engine();
    let mut chat = common::start_in(&engine, "es-MX");
    let reply = chat
        .say(&engine, "¿Cómo restablezco mi contraseña?", 2)
        .unwrap();
    assert_eq!(reply.messages, ["Esto es lo que encontré:"], "{reply:?}");
    let mut reply = chat.request_human(&engine, 3);
    if reply.handoff.is_none() {
        reply = chat.request_human(&engine, 4); // self-service was offered first
    }
    assert!(reply.handoff.is_some(), "{reply:?}");
    assert!(
        reply
            .messages
            .join(" ")
            .contains("¿A qué correo te respondemos?"),
        "{reply:?}"
    );
    let reply = chat
        .give_contact(&engine, Some("ana@example.com"), None, 5)
        .unwrap();
    let reply = chat.skip_details(&engine, 6).unwrap_or(reply);
    let line = reply.messages.join(" ");
    assert!(
        line.contains("Gracias") && line.contains("en menos de 24 horas"),
        "the handoff speaks Spanish with the KB's Spanish response time: {line}"
    );
    let ticket = chat.ticket(&engine).unwrap();
    assert_eq!(
        ticket.reason, "Visitor asked to talk to a person",
        "reasons stay in the team's language"
    );
}

#[test]
fn what_the_visitor_adds_after_the_handoff_becomes_a_follow_up_of_the_ticket() {
    let engine = common::sample_engine();
    let mut chat = common::start(&engine);
    let reply = chat.request_human(&engine, 3);
    assert!(reply.handoff.is_some(), "{reply:?}");
    assert!(
        reply.follow_up.is_none(),
        "the handoff itself is the ticket"
    );
    let again = chat.request_human(&engine, 3);
    assert!(
        again.follow_up.is_none(),
        "pressing the button again adds nothing"
    );
    let reply = chat
        .say(
            &engine,
            "Forgot to say: card 4111 1111 1111 1111 was charged",
            4,
        )
        .unwrap();
    let follow_up = reply.follow_up.expect("a follow-up to deliver");
    let ticket = chat.ticket(&engine).unwrap();
    assert_eq!(follow_up.ticket_id, ticket.id);
    assert!(follow_up.id.starts_with(&format!("{}-", ticket.id)));
    assert_eq!(follow_up.at_ms, 4);
    assert_eq!(
        follow_up.text,
        "Forgot to say: card **** **** **** 1111 was charged"
    );
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("../schema/follow-up.v2.json")).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    assert!(validator.is_valid(&serde_json::to_value(&follow_up).unwrap()));
    let next = chat.say(&engine, "Thanks", 5).unwrap().follow_up.unwrap();
    assert_ne!(next.id, follow_up.id, "each message has its own id");
}
