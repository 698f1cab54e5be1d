//! Follow-ups v2 end to end: a contact and checklist answers given after the handoff
//! reach the stored ticket, decide where an agent replies (`reply_to`), and show on the
//! inbox page; v1 follow-ups and databases written before v2 keep working.

use deflect::ticket::{Customer, Ticket};
use deflect_server::{InboxOptions, Store};
use serde_json::{Value, json};

mod common;
use common::inbox::{Server, error_of, to_json, with_server};

/// A follow-up of `ticket_id` in the version and with the fields the engine sends.
fn follow_up(ticket_id: &str, n: u32, extra: Value) -> Value {
    let mut value = json!({
        "schema_version": 2,
        "id": format!("{ticket_id}-{n}"),
        "ticket_id": ticket_id,
        "at_ms": 1_767_000_200_000u64 + u64::from(n),
        "text": format!("message {n}"),
    });
    for (key, field) in extra.as_object().expect("extra fields").clone() {
        value[key] = field;
    }
    value
}

/// Sends a follow-up with its ticket's token (`None`: a ticket from before tokens).
fn send(server: &Server, follow_up: &Value, token: Option<&str>) -> (u16, Value) {
    server.post_follow_up(follow_up, token)
}

fn schema_accepts(follow_up: &Value) -> bool {
    common::schema_errors("follow-up.v2.json", follow_up).is_empty()
}

/// A ticket from a visitor the page did not identify.
fn anonymous(id: &str) -> Ticket {
    let mut ticket = Ticket::example(id);
    ticket.customer = Customer::default();
    ticket
}

#[test]
fn a_contact_given_after_the_handoff_becomes_reply_to_with_its_answers() {
    let (_dir, server) = with_server(InboxOptions::default());
    let token = server.post_ticket_for_token(&anonymous("v2-contact-0001"));
    assert_eq!(server.listed("v2-contact-0001")["reply_to"], Value::Null);

    let first = follow_up(
        "v2-contact-0001",
        3,
        json!({"contact": {"email": "mya@example.com"}}),
    );
    let corrected = follow_up(
        "v2-contact-0001",
        5,
        json!({"contact": {"email": "maya@example.com", "name": "Maya <b>"}}),
    );
    let answers = follow_up(
        "v2-contact-0001",
        7,
        json!({"details": {"order_id": "BA-10442", "browser": "Firefox 140"}}),
    );
    for f in [&first, &corrected, &answers] {
        assert!(schema_accepts(f), "{f}");
        assert_eq!(send(&server, f, Some(&token)).0, 201, "{f}");
    }
    assert_eq!(
        send(&server, &corrected, Some(&token)).0,
        200,
        "a repeat is stored once"
    );

    let ticket = server.listed("v2-contact-0001");
    assert_eq!(
        ticket["reply_to"],
        json!({"email": "maya@example.com", "name": "Maya <b>"}),
        "the latest contact, even with answers sent after it"
    );
    let follow_ups = ticket["follow_ups"].as_array().unwrap();
    assert_eq!(follow_ups.len(), 3);
    assert_eq!(follow_ups[1]["contact"]["email"], "maya@example.com");
    assert_eq!(follow_ups[1]["schema_version"], 2);
    assert_eq!(follow_ups[2]["details"]["order_id"], "BA-10442");
    assert!(follow_ups[2].get("contact").is_none(), "{}", follow_ups[2]);
    assert!(follow_ups[1].get("details").is_none(), "{}", follow_ups[1]);

    let (_, page) = server.get_text("/inbox");
    assert!(page.contains("maya@example.com"), "{page}");
    assert!(page.contains("Maya &lt;b&gt;") && !page.contains("Maya <b>"));
    assert!(page.contains("order_id") && page.contains("BA-10442"));
    assert!(!page.contains("No way to reply"), "{page}");
}

#[test]
fn a_ticket_without_any_email_is_listed_under_no_way_to_reply() {
    let (_dir, server) = with_server(InboxOptions::default());
    let mut no_email = anonymous("no-reply-0001");
    no_email.customer.name = Some("Kim".to_owned());
    no_email.reason = "Nobody to write to".to_owned();
    let mut blank = Ticket::example("blank-mail-0001");
    blank.customer.email = Some("  ".to_owned());
    let mut identified = Ticket::example("identified-0001");
    identified.reason = "Customer the page knows".to_owned();
    let token = server.post_ticket_for_token(&no_email);
    for ticket in [&blank, &identified] {
        assert_eq!(server.post_ticket(ticket).0, 201);
    }
    // Only a text message after the handoff: still nobody to write to.
    let text_only = follow_up("no-reply-0001", 3, json!({}));
    assert_eq!(send(&server, &text_only, Some(&token)).0, 201);

    assert_eq!(server.listed("no-reply-0001")["reply_to"], Value::Null);
    assert_eq!(server.listed("blank-mail-0001")["reply_to"], Value::Null);
    assert_eq!(
        server.listed("identified-0001")["reply_to"],
        json!({"email": "ada@example.com", "name": "Ada"})
    );

    let (_, page) = server.get_text("/inbox");
    let (answerable, unanswerable) = page
        .split_once("<h2>No way to reply</h2>")
        .unwrap_or_else(|| panic!("no section heading in {page}"));
    assert!(answerable.contains("Customer the page knows"));
    assert!(!answerable.contains("Nobody to write to"));
    assert!(unanswerable.contains("Nobody to write to"));
    // The reference the visitor was given, so an agent recognises them when they return.
    assert!(unanswerable.contains("NOREPLY0"), "{unanswerable}");
    assert!(unanswerable.contains("BLANKMAI"), "{unanswerable}");
}

#[test]
fn a_v1_follow_up_is_still_accepted_and_keeps_the_customers_email() {
    let (_dir, server) = with_server(InboxOptions::default());
    let token = server.post_ticket_for_token(&Ticket::example("v1-still-0001"));
    let mut v1 = follow_up("v1-still-0001", 3, json!({}));
    v1["schema_version"] = json!(1);
    assert!(common::schema_errors("follow-up.v1.json", &v1).is_empty());
    assert_eq!(send(&server, &v1, Some(&token)).0, 201);

    let ticket = server.listed("v1-still-0001");
    assert_eq!(ticket["follow_ups"][0]["schema_version"], 1);
    assert_eq!(ticket["follow_ups"][0]["text"], "message 3");
    assert_eq!(
        ticket["reply_to"],
        json!({"email": "ada@example.com", "name": "Ada"})
    );
}

/// Every rule the server enforces with 422 is a rule of the published schema too.
#[test]
fn invalid_contacts_and_answers_are_422_and_the_schema_agrees() {
    let (_dir, server) = with_server(InboxOptions::default());
    let token = server.post_ticket_for_token(&Ticket::example("bad-v2-0001"));
    let many: serde_json::Map<String, Value> =
        (0..51).map(|i| (format!("f{i}"), json!("x"))).collect();
    let cases = [
        ("schema_version", json!({"schema_version": 3})),
        ("contact.email", json!({"contact": {"email": "maya"}})),
        (
            "contact.email",
            json!({"contact": {"email": "maya@example"}}),
        ),
        ("contact.email", json!({"contact": {"email": "maya@.com"}})),
        ("contact.email", json!({"contact": {"email": "m a@x.com"}})),
        ("contact.email", json!({"contact": {"email": "a@b@c.com"}})),
        (
            "contact.email",
            json!({"contact": {"email": "a@b.com\u{1}"}}),
        ),
        (
            "contact.email",
            json!({"contact": {"email": format!("{}@example.com", "a".repeat(250))}}),
        ),
        (
            "contact.name",
            json!({"contact": {"email": "a@b.co", "name": "n".repeat(201)}}),
        ),
        ("details", json!({"details": many})),
        ("details", json!({"details": {"no spaces": "x"}})),
        ("details", json!({"details": {"": "x"}})),
        ("details", json!({"details": {"k".repeat(65): "x"}})),
        (
            "details.note",
            json!({"details": {"note": "v".repeat(2001)}}),
        ),
        ("text", json!({"text": ""})),
    ];
    for (n, (field, extra)) in (3..).zip(cases) {
        let bad = follow_up("bad-v2-0001", n, extra);
        assert!(!schema_accepts(&bad), "schema accepts {bad}");
        let (status, body) = send(&server, &bad, Some(&token));
        assert_eq!(status, 422, "{field}: {body}");
        assert!(error_of(&body).contains(field), "{field}: {body}");
    }
    let stored = server.store.get("bad-v2-0001").unwrap().unwrap();
    assert!(stored.follow_ups.is_empty(), "{:?}", stored.follow_ups);

    // The boundaries themselves are accepted by both.
    let edge = follow_up(
        "bad-v2-0001",
        99,
        json!({
            "contact": {"email": "x@y.z", "name": "n".repeat(200)},
            "details": {"k".repeat(64): "v".repeat(2000), "a_b-C9": "attachment:abcd-1234"},
        }),
    );
    assert!(schema_accepts(&edge));
    assert_eq!(send(&server, &edge, Some(&token)).0, 201);
}

/// The `follow_ups` table as `deflect serve` created it before follow-ups v2.
const OLD_SCHEMA: &str = "
CREATE TABLE tickets (
    id             TEXT PRIMARY KEY NOT NULL,
    received_at_ms INTEGER NOT NULL,
    queue          TEXT NOT NULL,
    priority       TEXT NOT NULL,
    reason         TEXT NOT NULL,
    customer_email TEXT,
    json           TEXT NOT NULL,
    deliveries     INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE follow_ups (
    id             TEXT PRIMARY KEY NOT NULL,
    ticket_id      TEXT NOT NULL REFERENCES tickets (id),
    at_ms          INTEGER NOT NULL,
    received_at_ms INTEGER NOT NULL,
    text           TEXT NOT NULL
);
";

#[test]
fn a_database_from_before_follow_ups_v2_opens_and_takes_contacts() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("inbox.sqlite");
    let ticket = anonymous("old-db-0001");
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute_batch(OLD_SCHEMA).unwrap();
        conn.execute(
            "INSERT INTO tickets (id, received_at_ms, queue, priority, reason, json)
             VALUES (?1, 1, 'Billing', 'high', 'old', ?2)",
            [&ticket.id, &to_json(&ticket)],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO follow_ups VALUES ('old-db-0001-3', 'old-db-0001', 5, 6, 'old text')",
            [],
        )
        .unwrap();
    }

    let server = Server::start(&db, InboxOptions::default());
    let before = server.listed("old-db-0001");
    assert_eq!(
        before["follow_ups"],
        json!([{"schema_version": 1, "id": "old-db-0001-3", "ticket_id": "old-db-0001",
                "at_ms": 5, "text": "old text"}])
    );
    assert_eq!(before["reply_to"], Value::Null);
    // Its row gained the verdict columns: a ticket from then is unverified and unchecked.
    assert_eq!(before["customer_verified"], false);
    assert_eq!(before["server_check"], Value::Null);
    let contact = follow_up(
        "old-db-0001",
        7,
        json!({"contact": {"email": "late@example.com"}}),
    );
    // Its browser was never given a token, so its ticket takes follow-ups as before.
    assert_eq!(send(&server, &contact, None).0, 201);
    drop(server);

    // Opening the migrated file again changes nothing and loses nothing.
    let store = Store::open(&db).unwrap();
    let stored = store.get("old-db-0001").unwrap().unwrap();
    assert_eq!(stored.follow_ups.len(), 2);
    assert_eq!(stored.reply_to.unwrap().email, "late@example.com");
}
