//! The server does not trust the browser: a ticket's identity, tier, queue, priority,
//! rules and bot lines are claims the inbox checks (signed identity, the KB's own
//! rules replayed, the lines the bot can say), and only the sender of a ticket, who
//! holds its token, may add to it.

use deflect::model::Priority;
use deflect::ticket::{Author, Customer, FiredRule, Message, Ticket};
use deflect::{Conversation, Engine, Reply, Start};
use deflect_server::{IdentitySecret, InboxOptions, ServerKb};
use serde_json::json;
use tempfile::TempDir;

use crate::common;
use crate::common::inbox::{Server, agent, error_of, follow_up, json_of, to_json, with_server};

const SECRET: &[u8] = b"the creator's server and deflect serve share this";

fn secret() -> IdentitySecret {
    IdentitySecret::new(SECRET).unwrap()
}

/// An inbox that checks tickets against the sample KB and knows the identity secret.
fn checking_server() -> (TempDir, Server) {
    with_server(InboxOptions {
        kb: Some(ServerKb::open(deflect::SAMPLE_BUNDLE).unwrap()),
        identity_secret: Some(secret()),
        ..InboxOptions::default()
    })
}

/// A column of the ticket's row, read from the database file itself.
fn column(dir: &TempDir, id: &str, name: &str) -> String {
    let conn = rusqlite::Connection::open(dir.path().join("tickets.db")).unwrap();
    conn.query_row(
        &format!("SELECT {name} FROM tickets WHERE id = ?1"),
        [id],
        |r| r.get(0),
    )
    .unwrap()
}

fn count(dir: &TempDir, sql: &str) -> u32 {
    let conn = rusqlite::Connection::open(dir.path().join("tickets.db")).unwrap();
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

/// The forged ticket of issue #13: a CEO's email, VIP, urgent, a rule no KB has and a
/// bot line no bot says, on an ordinary question.
fn forged(id: &str) -> Ticket {
    let mut ticket = Ticket::example(id);
    ticket.customer = Customer {
        email: Some("ceo@bigcustomer.example".into()),
        name: Some("The CEO".into()),
        tier: Some("vip".into()),
        signature: None,
    };
    ticket.transcript = vec![
        Message {
            at_ms: ticket.conversation_started_at_ms,
            from: Author::Customer,
            text: "where are my invoices".into(),
        },
        Message {
            at_ms: ticket.conversation_started_at_ms + 1_000,
            from: Author::Bot,
            text: "Identity verified. Refund approved".into(),
        },
    ];
    ticket.queue = "Human-Escalation".into();
    ticket.priority = Priority::Urgent;
    ticket.rules_fired = vec![FiredRule {
        rule_id: "ceo-override".into(),
        reason: "CEO".into(),
        text: "where are my invoices".into(),
        phrase: None,
    }];
    ticket
}

#[test]
fn a_forged_vip_urgent_ticket_is_stored_with_the_servers_verdict_and_flagged() {
    let (dir, server) = checking_server();
    let (status, body) = server.post_ticket(&forged("forged-ceo-0001"));
    assert_eq!(status, 201, "{body}");
    let stored = server.listed("forged-ceo-0001");
    assert_eq!(stored["customer_verified"], false);
    let check = &stored["server_check"];
    assert_eq!(check["agrees"], false, "{check}");
    assert_eq!(
        check["rules_fired"],
        json!([]),
        "no rule fires on the question"
    );
    assert_ne!(check["queue"], "Human-Escalation");
    assert_eq!(check["priority"], "normal");
    assert_eq!(
        check["unverified_bot_lines"],
        json!([{"index": 1, "text": "Identity verified. Refund approved"}])
    );
    // The claims stay visible as claims; the listing columns are the server's.
    assert_eq!(stored["priority"], "urgent");
    assert_eq!(column(&dir, "forged-ceo-0001", "priority"), "normal");
    assert_eq!(
        column(&dir, "forged-ceo-0001", "queue"),
        check["queue"].as_str().unwrap()
    );
    let (_, page) = server.get_text("/inbox");
    assert!(page.contains("unverified customer"), "{page}");
    assert!(page.contains("browser claimed Human-Escalation · urgent"));
    assert!(page.contains("⚠ Unverified: not something this bot says"));
}

/// A VIP's real conversation: the tier rule fires on the first message.
fn vip_ticket(engine: &Engine, id: &str, email: &str, signature: Option<String>) -> Ticket {
    let customer = Customer {
        email: Some(email.into()),
        tier: Some("vip".into()),
        signature,
        ..Customer::default()
    };
    let (mut chat, _) = start(engine, id, "en", customer);
    let reply = chat.say(engine, "where are my invoices", 2).unwrap();
    assert!(reply.handoff.is_some(), "{reply:?}");
    chat.ticket(engine).unwrap()
}

#[test]
fn a_valid_signature_verifies_the_customer_and_earns_the_vip_queue() {
    let engine = common::sample_engine();
    let (_dir, server) = checking_server();
    let signature = secret().sign("Maya@Example.com", Some("vip"));
    let ticket = vip_ticket(
        &engine,
        "signed-vip-0001",
        "Maya@Example.com",
        Some(signature),
    );
    assert_eq!(server.post_ticket(&ticket).0, 201);
    let stored = server.listed("signed-vip-0001");
    assert_eq!(stored["customer_verified"], true);
    let check = &stored["server_check"];
    assert_eq!(check["agrees"], true, "{check}");
    assert_eq!(check["queue"], "Human-Escalation");
    assert_eq!(check["priority"], "high");
    assert_eq!(check["rules_fired"][0]["rule_id"], "vip-customer");
    assert_eq!(check["unverified_bot_lines"], json!([]));
    assert!(
        stored["customer"]["signature"].is_null(),
        "the signature is not kept: {stored}"
    );
    let (_, page) = server.get_text("/inbox");
    assert!(page.contains("verified customer") && !page.contains("unverified customer"));
}

#[test]
fn a_wrong_or_missing_signature_leaves_the_customer_unverified_and_out_of_the_vip_queue() {
    let engine = common::sample_engine();
    let (dir, server) = checking_server();
    let other_secret = IdentitySecret::new(b"not the secret deflect serve holds").unwrap();
    let cases = [
        ("unsigned-vip-01", None),
        (
            "wrong-key-vip-01",
            Some(other_secret.sign("ceo@bigcustomer.example", Some("vip"))),
        ),
        (
            "other-mail-vip-1",
            Some(secret().sign("someone@else.example", Some("vip"))),
        ),
        (
            "no-tier-sig-0001",
            Some(secret().sign("ceo@bigcustomer.example", None)),
        ),
        ("garbage-sig-0001", Some("not hex at all".to_owned())),
    ];
    for (id, signature) in cases {
        let ticket = vip_ticket(&engine, id, "ceo@bigcustomer.example", signature);
        assert_eq!(ticket.queue, "Human-Escalation", "the browser claims VIP");
        assert_eq!(server.post_ticket(&ticket).0, 201);
        let stored = server.listed(id);
        assert_eq!(stored["customer_verified"], false, "{id}");
        let check = &stored["server_check"];
        assert_eq!(check["agrees"], false, "{id}: {check}");
        assert_ne!(check["queue"], "Human-Escalation", "{id}");
        assert_eq!(check["rules_fired"], json!([]), "{id}");
        assert_eq!(column(&dir, id, "priority"), "normal", "{id}");
    }
}

#[test]
fn a_follow_up_without_the_tickets_token_is_refused_and_not_stored() {
    let (dir, server) = checking_server();
    let token = server.post_ticket_for_token(&Ticket::example("owned-ticket-01"));
    let other = server.post_ticket_for_token(&Ticket::example("other-ticket-01"));
    assert!(token.len() >= 32, "at least 128 random bits: {token}");
    assert_ne!(token, other);
    let message = follow_up("owned-ticket-01", 3, "Refund approved by agent, cancel it");
    let wrong = "0".repeat(64);
    for (presented, says) in [
        (None, "missing"),
        (Some(wrong.as_str()), "not ticket"),
        (Some(other.as_str()), "not ticket"),
        (Some(""), "missing"),
    ] {
        let (status, body) = server.post_follow_up(&message, presented);
        assert_eq!(status, 403, "{presented:?}: {body}");
        assert!(error_of(&body).contains(says), "{body}");
    }
    assert_eq!(count(&dir, "SELECT COUNT(*) FROM follow_ups"), 0);

    let (status, body) = server.post_follow_up(&message, Some(&token));
    assert_eq!(status, 201, "{body}");
    assert_eq!(count(&dir, "SELECT COUNT(*) FROM follow_ups"), 1);
    // The token is stored only as a hash.
    let stored: Vec<String> = {
        let conn = rusqlite::Connection::open(dir.path().join("tickets.db")).unwrap();
        let mut stmt = conn
            .prepare("SELECT token_hash FROM ticket_tokens")
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    assert!(
        !stored.iter().any(|h| h == &token || h == &other),
        "{stored:?}"
    );
}

#[test]
fn a_repeat_gets_a_token_only_with_the_first_deliverys_body() {
    let (dir, server) = checking_server();
    let ticket = Ticket::example("repeat-token-01");
    let first = server.post_ticket_for_token(&ticket);

    // Someone who knows only the id sends a different body: a 200, and no token.
    let mut guess = Ticket::example("repeat-token-01");
    guess.transcript[0].text = "I am the customer, give me the token".into();
    let (status, body) = server.post_ticket(&guess);
    assert_eq!(status, 200, "{body}");
    assert!(body.get("token").is_none(), "{body}");
    assert_eq!(count(&dir, "SELECT COUNT(*) FROM ticket_tokens"), 1);

    // The browser whose first answer was lost resends the same bytes: a token that works.
    let (status, body) = server.post_ticket(&ticket);
    assert_eq!(status, 200, "{body}");
    let again = body["token"].as_str().expect("a token for the same body");
    for (n, token) in [(3, first.as_str()), (4, again)] {
        let (status, body) =
            server.post_follow_up(&follow_up("repeat-token-01", n, "hi"), Some(token));
        assert_eq!(status, 201, "{body}");
    }

    // A client replaying the body forever does not pile up tokens.
    let tokens: Vec<bool> = (0..10)
        .map(|_| server.post_ticket(&ticket).1.get("token").is_some())
        .collect();
    assert_eq!(tokens.iter().filter(|&&t| t).count(), 6, "{tokens:?}");
    assert_eq!(count(&dir, "SELECT COUNT(*) FROM ticket_tokens"), 8);
}

#[test]
fn a_screenshot_for_a_stored_ticket_needs_its_token() {
    let (dir, server) = checking_server();
    let token = server.post_ticket_for_token(&Ticket::example("shot-owner-0001"));
    let path = "/api/tickets/shot-owner-0001/attachments/forged-shot-01";
    let put = |token: Option<&str>| {
        let mut req = agent()
            .put(server.url(path))
            .header("Content-Type", "image/png");
        if let Some(token) = token {
            req = req.header(deflect_server::TICKET_TOKEN_HEADER, token);
        }
        json_of(req.send(&png()[..]).expect("PUT reaches the server"))
    };
    for presented in [None, Some("f00d")] {
        let (status, body) = put(presented);
        assert_eq!(status, 403, "{body}");
    }
    assert_eq!(count(&dir, "SELECT COUNT(*) FROM attachments"), 0);
    assert_eq!(put(Some(&token)).0, 201);
}

/// A 1×1 PNG.
fn png() -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    image::RgbaImage::new(1, 1)
        .write_to(&mut out, image::ImageFormat::Png)
        .unwrap();
    out.into_inner()
}

fn start(engine: &Engine, id: &str, lang: &str, customer: Customer) -> (Conversation, Reply) {
    let start = Start {
        id: id.into(),
        lang: lang.into(),
        customer,
        now: 1_700_000_000_000,
        ..Start::default()
    };
    Conversation::start(engine, start)
}

fn pick(chat: &mut Conversation, engine: &Engine, reply: &Reply, choice: usize) -> Reply {
    assert!(reply.step.is_some(), "a flow step: {reply:?}");
    chat.choose(engine, choice, 5).unwrap()
}

/// Real conversations over every kind of handoff, each ticket taken as the widget
/// takes it (at the handoff) and again after the questions that follow it.
fn real_tickets(engine: &Engine) -> Vec<Ticket> {
    let mut tickets = Vec::new();
    let mut take = |chat: &Conversation| tickets.push(chat.ticket(engine).expect("handed off"));

    // Answers that did not help, twice.
    let (mut chat, _) = start(engine, "real-misses-0001", "en", Customer::default());
    let reply = chat.say(engine, "where are my invoices", 2).unwrap();
    let first = reply.articles[0].id.clone();
    let reply = chat.feedback(engine, &first, false, 3).unwrap();
    let next = reply.articles.first().map_or(first, |a| a.id.clone());
    chat.feedback(engine, &next, false, 4).unwrap();
    take(&chat);
    chat.give_contact(engine, Some("sam@example.com"), Some("Sam"), 5)
        .unwrap();
    take(&chat);

    // A flow that ends unsolved, its checklist answered.
    let (mut chat, _) = start(engine, "real-flow-00001", "en", Customer::default());
    let mut reply = chat.start_flow(engine, "video-wont-play", 2).unwrap();
    while reply.step.as_ref().is_some_and(|s| s.checklist.is_none()) {
        let last = reply.step.as_ref().unwrap().choices.len() - 1;
        reply = pick(&mut chat, engine, &reply, last);
    }
    let checklist = reply.step.unwrap().checklist.unwrap();
    let values = common::sample_answers(&checklist);
    chat.submit_details(engine, &values, 6).unwrap();
    take(&chat);

    // Each escalation rule that a message fires.
    for (id, text) in [
        (
            "real-chargeback1",
            "I already filed a chargeback with my bank",
        ),
        ("real-legal-00001", "I'm going to sue you"),
        ("real-human-00001", "talk to a person"),
    ] {
        let (mut chat, _) = start(engine, id, "en", Customer::default());
        chat.say(engine, text, 2).unwrap();
        take(&chat);
        chat.say(engine, "hello?", 3).unwrap();
        take(&chat);
    }

    tickets.extend(requested_tickets(engine));
    tickets
}

/// Real conversations whose handoff the visitor asked for, or a rule fired after
/// troubleshooting, in English and Spanish.
fn requested_tickets(engine: &Engine) -> Vec<Ticket> {
    let mut tickets = Vec::new();
    let mut take = |chat: &Conversation| tickets.push(chat.ticket(engine).expect("handed off"));

    // A refund after troubleshooting was suggested.
    let (mut chat, _) = start(engine, "real-refund-0001", "en", Customer::default());
    chat.say(engine, "how can I get a refund", 2).unwrap();
    chat.say(engine, "that didn't work, I want my money back", 3)
        .unwrap();
    take(&chat);

    // "Talk to a person": self-service first, then the handoff; an identified visitor
    // gets the promise at once.
    let identified = Customer {
        email: Some("maya@example.com".into()),
        ..Customer::default()
    };
    let (mut chat, _) = start(engine, "real-request-001", "en", identified);
    chat.say(engine, "How do I reset my password?", 2).unwrap();
    chat.request_human(engine, 3);
    chat.request_human(engine, 4);
    take(&chat);
    chat.skip_details(engine, 5).unwrap();
    take(&chat);

    // Spanish, with the contact given and the checklist skipped.
    let (mut chat, _) = start(engine, "real-spanish-001", "es-MX", Customer::default());
    chat.say(engine, "¿Cómo restablezco mi contraseña?", 2)
        .unwrap();
    let mut reply = chat.request_human(engine, 3);
    if reply.handoff.is_none() {
        reply = chat.request_human(engine, 4);
    }
    assert!(reply.handoff.is_some());
    take(&chat);
    chat.give_contact(engine, Some("ana@example.com"), None, 5)
        .unwrap();
    let _ = chat.skip_details(engine, 6);
    take(&chat);
    tickets
}

#[test]
fn tickets_from_real_conversations_have_no_unverified_lines_and_agree() {
    let engine = common::sample_engine();
    let tickets = real_tickets(&engine);
    assert!(tickets.len() >= 12);
    let spanish = tickets.iter().filter(|t| t.lang == "es").count();
    assert!(spanish >= 2, "Spanish conversations are among them");
    assert_every_kind_of_bot_line(&engine, &tickets);
    // One inbox each: a conversation's ticket is taken twice, under one id.
    for ticket in tickets {
        let (_dir, server) = checking_server();
        let (status, body) = server.post(Some("application/json"), &to_json(&ticket));
        assert_eq!(status, 201, "{body}");
        let check = &server.listed(&ticket.id)["server_check"];
        assert_eq!(
            check["unverified_bot_lines"],
            json!([]),
            "{}: {:#?}",
            ticket.id,
            ticket.transcript
        );
        assert_eq!(
            check["agrees"], true,
            "{}: {check} vs {ticket:#?}",
            ticket.id
        );
    }
}

/// Every kind of bot line is among `tickets`, so a kind the check missed would show.
fn assert_every_kind_of_bot_line(engine: &Engine, tickets: &[Ticket]) {
    let said: Vec<&str> = tickets
        .iter()
        .flat_map(|t| &t.transcript)
        .filter(|m| m.from == Author::Bot)
        .map(|m| m.text.as_str())
        .collect();
    let mut flow_prompts = engine.kb().flows.iter().flat_map(|f| &f.steps);
    for (kind, present) in [
        (
            "greeting",
            said.contains(&engine.kb().settings.greeting.as_str()),
        ),
        (
            "offer with titles",
            said.iter().any(|l| l.starts_with("Here's what I found: ")),
        ),
        (
            "Spanish offer",
            said.iter()
                .any(|l| l.starts_with("Esto es lo que encontré: ")),
        ),
        (
            "flow prompt",
            flow_prompts.any(|s| said.contains(&s.prompt.as_str())),
        ),
        (
            "self-service first",
            said.iter()
                .any(|l| l.starts_with("Most problems like this")),
        ),
        (
            "promise with email",
            said.iter()
                .any(|l| l.contains("will reply to maya@example.com")),
        ),
        (
            "Spanish promise",
            said.iter()
                .any(|l| l.contains("te responderá a ana@example.com")),
        ),
        (
            "already handed off",
            said.iter().any(|l| l.contains("is with our team")),
        ),
        (
            "asks for contact",
            said.iter().any(|l| l.contains("Where should they reply")),
        ),
    ] {
        assert!(present, "no {kind} line among {said:#?}");
    }
}

/// The KB the server checks with is the one the site's widgets download, and a
/// manifest cannot point the server at a file outside the site.
#[test]
fn the_server_checks_with_the_bundle_the_sites_manifest_names() {
    let site = tempfile::tempdir().unwrap();
    std::fs::write(site.path().join("kb.0123abcd.bin"), deflect::SAMPLE_BUNDLE).unwrap();
    let manifest = |index: &str| {
        let json = json!({ "index": index }).to_string();
        std::fs::write(site.path().join("manifest.json"), json).unwrap();
    };
    manifest("kb.0123abcd.bin");
    let kb = ServerKb::from_site(site.path()).unwrap();
    assert_eq!(kb.version(), common::sample_kb().version);
    for outside in ["../kb.0123abcd.bin", "/etc/passwd"] {
        manifest(outside);
        let err = ServerKb::from_site(site.path()).unwrap_err().to_string();
        assert!(err.contains("no \"index\""), "{outside}: {err}");
    }
}
