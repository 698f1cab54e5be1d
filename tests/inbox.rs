//! End-to-end tests of the reference inbox: a real server on a free local port, a real
//! SQLite file, and HTTP requests from a real client.

use std::path::Path;
use std::sync::Barrier;
use std::thread;

use deflect::ticket::{Customer, SCHEMA_VERSION, Ticket};
use deflect_server::paging::PageRequest;
use deflect_server::{self as inbox, InboxOptions, Store};
use serde_json::{Value, json};
use ureq::http::Response;

mod common;
use common::inbox::{Server, agent, error_of, to_json, with_server};

/// The published ticket schema, compiled.
fn schema_validator() -> jsonschema::Validator {
    published_schema("ticket.v1.json")
}

/// A schema from `schema/`, compiled.
fn published_schema(name: &str) -> jsonschema::Validator {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("schema")
            .join(name),
    )
    .expect("schema file readable");
    let schema: Value = serde_json::from_str(&text).expect("schema is JSON");
    jsonschema::validator_for(&schema).expect("schema compiles")
}

#[test]
fn sample_ticket_matches_published_schema() {
    let validator = schema_validator();
    let mut sample = serde_json::to_value(Ticket::example("sample-0001")).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&sample)
        .map(|e| e.to_string())
        .collect();
    assert!(
        errors.is_empty(),
        "sample ticket violates schema: {errors:?}"
    );

    // Optional values serialize as null, which the schema must accept too.
    let mut anonymous = Ticket::example("sample-0002");
    anonymous.customer = Customer::default();
    anonymous.articles_shown[0].helped = None;
    anonymous.rules_fired[0].phrase = None;
    assert!(validator.is_valid(&serde_json::to_value(&anonymous).unwrap()));

    // And the schema is not vacuous: it rejects what the struct would reject.
    sample["surprise"] = json!(true);
    assert!(!validator.is_valid(&sample));
}

#[test]
fn create_then_duplicate_is_stored_once() {
    let (_dir, server) = with_server(InboxOptions::default());
    let ticket = Ticket::example("dup-test-0001");

    // Each answer carries a token for the sender (a repeat of the same body too, in
    // case the first answer was lost); the rest of the answer is exactly this.
    let without_token = |mut body: serde_json::Value| {
        let token = body["token"].take();
        assert!(token.as_str().is_some_and(|t| t.len() == 64), "{body}");
        body.as_object_mut().unwrap().remove("token");
        body
    };
    let (status, body) = server.post_ticket(&ticket);
    assert_eq!(
        (status, without_token(body)),
        (201, json!({"id": "dup-test-0001", "status": "created"}))
    );

    let (status, body) = server.post_ticket(&ticket);
    assert_eq!(
        (status, without_token(body)),
        (200, json!({"id": "dup-test-0001", "status": "duplicate"}))
    );

    let list = server.get_json("/api/tickets");
    let list = list.as_array().expect("array");
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["id"], "dup-test-0001");
    assert_eq!(list[0]["deliveries"], 2);
    assert!(list[0]["received_at_ms"].as_u64().unwrap() > 0);

    // The listed item is the ticket plus bookkeeping fields, nothing lost.
    assert_eq!(list[0]["follow_ups"], json!([]));
    assert_eq!(
        list[0]["reply_to"],
        json!({"email": "ada@example.com", "name": "Ada"})
    );
    let mut item = list[0].clone();
    let obj = item.as_object_mut().unwrap();
    for bookkeeping in [
        "received_at_ms",
        "deliveries",
        "follow_ups",
        "reply_to",
        "customer_verified",
        "server_check",
    ] {
        obj.remove(bookkeeping);
    }
    let back: Ticket = serde_json::from_value(item).expect("listed item is a ticket");
    assert_eq!(back, ticket);
}

fn follow_up(ticket_id: &str, n: u32, text: &str) -> Value {
    json!({
        "schema_version": SCHEMA_VERSION,
        "id": format!("{ticket_id}-{n}"),
        "ticket_id": ticket_id,
        "at_ms": 1_767_000_100_000u64 + u64::from(n),
        "text": text,
    })
}

#[test]
fn follow_ups_join_their_ticket_once_each_and_match_the_schema() {
    let (_dir, server) = with_server(InboxOptions::default());
    let token = server.post_ticket_for_token(&Ticket::example("follow-up-0001"));
    let later = follow_up("follow-up-0001", 5, "Also: my order is <b>BA-10442</b>");
    let first = follow_up("follow-up-0001", 3, "It happened again today");
    assert!(published_schema("follow-up.v1.json").is_valid(&later));
    for (body, expected) in [(&later, 201), (&first, 201), (&later, 200)] {
        let (status, reply) = server.post_follow_up(body, Some(&token));
        assert_eq!(status, expected, "{reply}");
    }
    let list = server.get_json("/api/tickets");
    let texts: Vec<&str> = list[0]["follow_ups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["text"].as_str().unwrap())
        .collect();
    assert_eq!(
        texts,
        [
            "It happened again today",
            "Also: my order is <b>BA-10442</b>"
        ],
        "in the order sent, once each"
    );
    let (_, page) = server.get_text("/inbox");
    assert!(page.contains("Added after the handoff"), "{page}");
    assert!(page.contains("&lt;b&gt;BA-10442&lt;/b&gt;") && !page.contains("<b>BA-10442"));
}

#[test]
fn a_follow_up_needs_its_ticket_and_must_name_it() {
    let (_dir, server) = with_server(InboxOptions::default());
    let unknown = follow_up("never-sent-0001", 3, "hello?");
    let (status, body) = server.post_to(
        "/api/tickets/never-sent-0001/messages",
        Some("application/json"),
        &unknown.to_string(),
    );
    assert_eq!(status, 404, "{body}");
    assert!(
        error_of(&body).contains("send the ticket before its follow-ups"),
        "{body}"
    );

    server.post_ticket(&Ticket::example("follow-up-0002"));
    let other = follow_up("follow-up-0003", 3, "wrong ticket");
    let (status, body) = server.post_to(
        "/api/tickets/follow-up-0002/messages",
        Some("application/json"),
        &other.to_string(),
    );
    assert_eq!(status, 422, "{body}");
    assert!(error_of(&body).contains("ticket_id"), "{body}");
    let (status, body) = server.post_to(
        "/api/tickets/follow-up-0002/messages",
        Some("application/json"),
        "{\"text\": 1}",
    );
    assert_eq!(status, 400, "{body}");
    assert_eq!(
        server
            .store
            .get("follow-up-0002")
            .unwrap()
            .unwrap()
            .follow_ups,
        vec![]
    );
}

#[test]
fn concurrent_duplicates_create_exactly_one() {
    const CLIENTS: usize = 30;
    let (_dir, server) = with_server(InboxOptions::default());
    let body = to_json(&Ticket::example("race-0000-0001"));
    let barrier = Barrier::new(CLIENTS);

    let statuses: Vec<u16> = thread::scope(|s| {
        let handles: Vec<_> = (0..CLIENTS)
            .map(|_| {
                s.spawn(|| {
                    barrier.wait();
                    server.post(Some("application/json"), &body)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                let (status, body) = h.join().expect("client thread");
                let expected = if status == 201 {
                    "created"
                } else {
                    "duplicate"
                };
                assert_eq!(body["status"], expected, "status {status}: {body}");
                status
            })
            .collect()
    });

    assert_eq!(
        statuses.iter().filter(|&&s| s == 201).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(statuses.iter().filter(|&&s| s == 200).count(), CLIENTS - 1);
    assert_eq!(server.store.count().unwrap(), 1);
    let stored = server.store.get("race-0000-0001").unwrap().expect("stored");
    assert_eq!(stored.deliveries, CLIENTS as u64);
    assert_eq!(server.get_json("/api/tickets").as_array().unwrap().len(), 1);
}

#[test]
fn malformed_json_is_400_with_message() {
    let (_dir, server) = with_server(InboxOptions::default());
    let (status, body) = server.post(Some("application/json"), r#"{"schema_version": 1, "id": "#);
    assert_eq!(status, 400);
    let message = error_of(&body);
    assert!(message.contains("line 1 column"), "{message}");
    assert_eq!(server.store.count().unwrap(), 0);
}

#[test]
fn unknown_and_missing_fields_are_400_naming_them() {
    let (_dir, server) = with_server(InboxOptions::default());
    let mut value = serde_json::to_value(Ticket::example("fields-0001")).unwrap();
    value["customer"]["phone"] = json!("+44 20 7946 0000");
    let (status, body) = server.post(Some("application/json"), &value.to_string());
    assert_eq!(status, 400);
    assert!(error_of(&body).contains("unknown field `phone`"), "{body}");

    let mut value = serde_json::to_value(Ticket::example("fields-0002")).unwrap();
    value.as_object_mut().unwrap().remove("queue");
    let (status, body) = server.post(Some("application/json"), &value.to_string());
    assert_eq!(status, 400);
    assert!(error_of(&body).contains("missing field `queue`"), "{body}");

    let mut value = serde_json::to_value(Ticket::example("fields-0003")).unwrap();
    value.as_object_mut().unwrap().remove("redactions");
    let (status, body) = server.post(Some("application/json"), &value.to_string());
    assert_eq!(status, 400);
    assert!(
        error_of(&body).contains("missing field `redactions`"),
        "{body}"
    );

    let mut value = serde_json::to_value(Ticket::example("fields-0004")).unwrap();
    value["redactions"]["card_numbers"] = json!(-1);
    let (status, body) = server.post(Some("application/json"), &value.to_string());
    assert_eq!(status, 400);
    assert!(
        error_of(&body).contains("redactions.card_numbers: invalid value: integer `-1`"),
        "the field is named: {body}"
    );

    let (status, body) = server.post(
        Some("application/json"),
        &format!("{} trailing", to_json(&Ticket::example("fields-0005"))),
    );
    assert_eq!(status, 400);
    assert!(error_of(&body).contains("trailing characters"), "{body}");

    assert_eq!(server.store.count().unwrap(), 0);
}

/// Each rule the server enforces with 422 is also a rule of the published schema, so a
/// sender validating against the schema never meets a surprise.
#[test]
fn invalid_values_are_422_and_schema_agrees() {
    let (_dir, server) = with_server(InboxOptions::default());
    let validator = schema_validator();
    type Mutation = fn(&mut Ticket);
    let cases: [(&str, Mutation); 7] = [
        ("schema_version", |t| t.schema_version = SCHEMA_VERSION + 1),
        ("id", |t| t.id = "short".to_owned()),
        ("id", |t| t.id = "has space in-it".to_owned()),
        ("id", |t| t.id = "x".repeat(65)),
        ("queue", |t| t.queue.clear()),
        ("reason", |t| t.reason.clear()),
        ("transcript", |t| t.transcript.clear()),
    ];
    for (field, mutate) in cases {
        let mut ticket = Ticket::example("valid-id-0001");
        mutate(&mut ticket);
        assert!(
            !validator.is_valid(&serde_json::to_value(&ticket).unwrap()),
            "schema accepts what the server rejects ({field})"
        );
        let (status, body) = server.post_ticket(&ticket);
        assert_eq!(status, 422, "{field}: {body}");
        assert!(error_of(&body).contains(field), "{field}: {body}");
    }
    assert_eq!(server.store.count().unwrap(), 0);

    // The boundaries themselves are accepted.
    for id in ["abcd-123", &"Z".repeat(64)] {
        let (status, body) = server.post_ticket(&Ticket::example(id));
        assert_eq!(status, 201, "{id}: {body}");
    }
}

/// A ticket whose JSON is exactly `len` bytes, padded in the first message.
fn ticket_json_of_len(id: &str, len: usize) -> String {
    let mut ticket = Ticket::example(id);
    ticket.transcript[0].text.clear();
    let base = to_json(&ticket).len();
    ticket.transcript[0].text = "a".repeat(len - base);
    let json = to_json(&ticket);
    assert_eq!(json.len(), len);
    json
}

#[test]
fn oversize_body_is_413() {
    let (_dir, server) = with_server(InboxOptions::default());
    let limit = inbox::MAX_BODY_BYTES;
    // Just over the limit, and far over it: the client must see the JSON 413 either
    // way, not a reset connection.
    for len in [limit + 1, 4 * limit] {
        let (status, body) = server.post(
            Some("application/json"),
            &ticket_json_of_len("big-ticket-0001", len),
        );
        assert_eq!(status, 413, "{len} bytes: {body}");
        assert!(error_of(&body).contains("limit"), "{body}");
    }
    assert_eq!(server.store.count().unwrap(), 0);

    // Exactly at the limit is allowed.
    let (status, body) = server.post(
        Some("application/json"),
        &ticket_json_of_len("big-ticket-0002", limit),
    );
    assert_eq!(status, 201, "{body}");
}

#[test]
fn content_type_must_be_json_or_plain_text() {
    let (_dir, server) = with_server(InboxOptions::default());
    let body = to_json(&Ticket::example("ctype-0001"));
    for bad in [
        Some("application/x-www-form-urlencoded"),
        Some("text/html"),
        None,
    ] {
        let (status, reply) = server.post(bad, &body);
        assert_eq!(status, 415, "{bad:?}: {reply}");
        assert!(error_of(&reply).contains("Content-Type"), "{reply}");
    }
    assert_eq!(server.store.count().unwrap(), 0);

    // What fetch and navigator.sendBeacon actually send.
    let (status, _) = server.post(Some("text/plain;charset=UTF-8"), &body);
    assert_eq!(status, 201);
    let body = to_json(&Ticket::example("ctype-0002"));
    let (status, _) = server.post(Some("Application/JSON; charset=utf-8"), &body);
    assert_eq!(status, 201);
}

fn preflight(server: &Server, origin: &str) -> Response<ureq::Body> {
    agent()
        .options(server.url("/api/tickets"))
        .header("Origin", origin)
        .header("Access-Control-Request-Method", "POST")
        .header("Access-Control-Request-Headers", "content-type")
        .call()
        .expect("OPTIONS")
}

fn allow_origin(resp: &Response<ureq::Body>) -> Option<String> {
    resp.headers()
        .get("access-control-allow-origin")
        .map(|v| v.to_str().unwrap().to_owned())
}

#[test]
fn cors_answers_only_allowed_origins() {
    let (_dir, server) = with_server(InboxOptions {
        allowed_origins: vec!["https://shop.example".to_owned()],
        ..InboxOptions::default()
    });

    let ok = preflight(&server, "https://shop.example");
    assert!(ok.status().is_success(), "{}", ok.status());
    assert_eq!(allow_origin(&ok).as_deref(), Some("https://shop.example"));
    let methods = ok.headers()["access-control-allow-methods"]
        .to_str()
        .unwrap();
    assert!(methods.contains("POST"), "{methods}");
    let headers = ok.headers()["access-control-allow-headers"]
        .to_str()
        .unwrap();
    assert!(
        headers.to_ascii_lowercase().contains("content-type"),
        "{headers}"
    );

    assert_eq!(
        allow_origin(&preflight(&server, "https://evil.example")),
        None
    );

    // The actual POST from the allowed origin carries the header too.
    let resp = agent()
        .post(server.url("/api/tickets"))
        .header("Origin", "https://shop.example")
        .header("Content-Type", "application/json")
        .send(to_json(&Ticket::example("cors-0001")))
        .unwrap();
    assert_eq!(resp.status().as_u16(), 201);
    assert_eq!(allow_origin(&resp).as_deref(), Some("https://shop.example"));
}

#[test]
fn cors_star_allows_any_origin() {
    let (_dir, server) = with_server(InboxOptions {
        allowed_origins: vec!["*".to_owned()],
        ..InboxOptions::default()
    });
    assert_eq!(
        allow_origin(&preflight(&server, "https://anyone.example")).as_deref(),
        Some("*")
    );

    // With no origins configured, nobody gets CORS.
    let (_dir2, closed) = with_server(InboxOptions::default());
    assert_eq!(
        allow_origin(&preflight(&closed, "https://anyone.example")),
        None
    );
}

#[test]
fn inbox_page_escapes_customer_text() {
    let (_dir, server) = with_server(InboxOptions::default());
    let (status, html) = server.get_text("/inbox");
    assert_eq!(status, 200);
    assert!(html.contains("No tickets yet"), "{html}");
    assert!(html.contains("<meta charset=\"utf-8\">"));
    // Without a site directory, the root leads to the inbox.
    assert_eq!(server.get_text("/"), (200, html));

    let mut ticket = Ticket::example("xss-test-0001");
    ticket.transcript[0].text = "<script>alert('x')</script> & more".to_owned();
    ticket.customer.email = Some("\"><img src=x onerror=alert(1)>@example.com".to_owned());
    ticket
        .details
        .insert("note".to_owned(), "<b>bold</b>".to_owned());
    assert_eq!(server.post_ticket(&ticket).0, 201);

    let (status, html) = server.get_text("/inbox");
    assert_eq!(status, 200);
    assert!(!html.contains("<script"), "unescaped script tag in page");
    assert!(!html.contains("<img"), "unescaped img tag in page");
    assert!(!html.contains("<b>bold"), "unescaped markup in details");
    assert!(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; more"));
    assert!(html.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;@example.com"));
    // The agent sees the whole story.
    for expected in [
        "xss-test-0001",
        "Billing",
        "high",
        "Customer asked for a refund",
        "refund-request",
        "Which charge looks wrong?",
        "The second one",
        "order_id",
        "billing, refund",
        "How refunds work",
    ] {
        assert!(html.contains(expected), "page lacks {expected:?}");
    }
    assert!(!html.contains("No tickets yet"));
}

#[test]
fn list_is_newest_first() {
    let (_dir, server) = with_server(InboxOptions::default());
    for id in ["order-0001", "order-0002", "order-0003"] {
        assert_eq!(server.post_ticket(&Ticket::example(id)).0, 201);
    }
    // A repeat of the oldest does not move it to the top.
    assert_eq!(server.post_ticket(&Ticket::example("order-0001")).0, 200);
    let list = server.get_json("/api/tickets");
    let ids: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["order-0003", "order-0002", "order-0001"]);
    let stored: Vec<String> = server
        .store
        .list(PageRequest::default())
        .unwrap()
        .tickets
        .into_iter()
        .map(|s| s.ticket.id)
        .collect();
    assert_eq!(stored, ids);
}

#[test]
fn tickets_survive_reopening_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("tickets.db");
    let ticket = Ticket::example("durable-0001");
    {
        let server = Server::start(&db, InboxOptions::default());
        assert_eq!(server.post_ticket(&ticket).0, 201);
    } // server stopped, store dropped

    let store = Store::open(&db).unwrap();
    assert_eq!(store.count().unwrap(), 1);
    let stored = store
        .get("durable-0001")
        .unwrap()
        .expect("ticket persisted");
    assert_eq!(stored.ticket, ticket);
    assert_eq!(stored.deliveries, 1);
    assert!(store.get("missing-0001").unwrap().is_none());

    // Idempotency holds across restarts too.
    assert_eq!(
        store.insert(&ticket, &to_json(&ticket)).unwrap(),
        inbox::Inserted::Duplicate
    );
    drop(store);
    let server = Server::start(&db, InboxOptions::default());
    let (status, body) = server.post_ticket(&ticket);
    assert_eq!((status, body["status"].as_str()), (200, Some("duplicate")));
    assert_eq!(
        server
            .store
            .get("durable-0001")
            .unwrap()
            .unwrap()
            .deliveries,
        3
    );
}

#[test]
fn site_dir_is_served_but_inbox_routes_win() {
    let site = tempfile::tempdir().unwrap();
    std::fs::write(site.path().join("index.html"), "<h1>demo site</h1>").unwrap();
    std::fs::write(site.path().join("inbox"), "shadowed").unwrap();
    std::fs::write(site.path().join("app.js"), "console.log(1)").unwrap();
    std::fs::write(site.path().join("app.js.gz"), b"pretend-gzip").unwrap();
    let (_dir, server) = with_server(InboxOptions {
        site_dir: Some(site.path().to_owned()),
        ..InboxOptions::default()
    });

    assert_eq!(server.get_text("/"), (200, "<h1>demo site</h1>".to_owned()));
    let (status, html) = server.get_text("/inbox");
    assert_eq!(status, 200);
    assert!(html.contains("No tickets yet"));
    assert!(
        server
            .get_json("/api/tickets")
            .as_array()
            .unwrap()
            .is_empty()
    );

    let mut resp = agent()
        .get(server.url("/app.js"))
        .header("Accept-Encoding", "gzip")
        .call()
        .unwrap();
    assert_eq!(resp.headers()["content-encoding"], "gzip");
    assert_eq!(resp.body_mut().read_to_vec().unwrap(), b"pretend-gzip");
    assert_eq!(server.get_text("/missing.html").0, 404);
}
