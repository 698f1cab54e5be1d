//! The store on both of its databases: every test body here takes a `Store` and runs
//! once on SQLite (a file in a temporary folder) and once on a real PostgreSQL started
//! for the test (`common::postgres`). Then what only PostgreSQL has to show: two
//! inboxes on one database, and `deflect serve`'s HTTP API over it.

mod common;

use std::sync::{Arc, Barrier};
use std::thread;

use deflect::ticket::{FollowUp, Ticket};
use deflect_server::events::{self, Event};
use deflect_server::limits::prune_events;
use deflect_server::paging::PageRequest;
use deflect_server::server_check::Assessment;
use deflect_server::{InboxOptions, Inserted, Store, StoreError, TicketCaps, insights};
use serde_json::json;

use common::inbox::{self as http, Server, to_json};
use common::postgres::TempPostgres;

/// Runs each named body on a SQLite store and on a PostgreSQL one.
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[test]
            fn $name() {
                let dir = tempfile::tempdir().unwrap();
                let store = super::Store::open(dir.path().join("tickets.db")).unwrap();
                super::$name(&store);
            })*
        }
        mod postgres {
            $(#[test]
            fn $name() {
                let pg = super::TempPostgres::start();
                let store = super::Store::open_postgres(&pg.url()).unwrap();
                super::$name(&store);
            })*
        }
    };
}

on_both_backends!(
    a_ticket_is_stored_once_and_its_token_opens_it,
    follow_ups_join_once_within_the_caps,
    pages_walk_newest_first_without_gaps,
    agents_and_api_tokens_are_managed,
    events_count_once_feed_insights_and_expire,
);

fn ticket(id: &str) -> Ticket {
    Ticket::example(id)
}

fn follow_up(ticket_id: &str, n: u32, text: &str) -> FollowUp {
    serde_json::from_value(http::follow_up(ticket_id, n, text)).unwrap()
}

fn a_ticket_is_stored_once_and_its_token_opens_it(store: &Store) {
    let t = ticket("both-0001");
    let unchecked = Assessment {
        customer_verified: false,
        check: None,
    };
    let json = to_json(&t);
    let arrival = deflect_server::Arrival {
        body: &json,
        assessment: &unchecked,
    };
    let first = store.receive(&t, &to_json(&t), arrival).unwrap();
    assert_eq!(first.inserted, Inserted::Created);
    let token = first.token.expect("the first delivery gets a token");
    let again = store.receive(&t, &to_json(&t), arrival).unwrap();
    assert_eq!(again.inserted, Inserted::Duplicate);
    assert!(
        again.token.is_some(),
        "an identical repeat gets a token too"
    );
    assert_eq!(store.insert(&t, &to_json(&t)).unwrap(), Inserted::Duplicate);

    assert_eq!(store.count().unwrap(), 1);
    let stored = store.get("both-0001").unwrap().expect("stored");
    assert_eq!(stored.ticket, t);
    assert_eq!(stored.deliveries, 3);
    assert!(stored.received_at_ms > 0);
    assert!(!stored.customer_verified);
    assert_eq!(store.get("none-0001").unwrap(), None);

    assert_eq!(store.token_opens("both-0001", &token).unwrap(), Some(true));
    assert_eq!(
        store.token_opens("both-0001", "guess").unwrap(),
        Some(false)
    );
    assert_eq!(store.token_opens("none-0001", &token).unwrap(), None);
}

fn follow_ups_join_once_within_the_caps(store: &Store) {
    let store = store.clone().with_caps(TicketCaps {
        follow_ups: 2,
        ..TicketCaps::default()
    });
    assert_eq!(
        store.add_follow_up(&follow_up("fu-0001", 1, "hi")).unwrap(),
        None
    );
    let t = ticket("fu-0001");
    store.insert(&t, &to_json(&t)).unwrap();
    let mut with_contact = follow_up("fu-0001", 1, "reach me here");
    with_contact.contact = Some(deflect::ticket::Contact {
        email: "new@example.com".into(),
        name: None,
    });
    assert_eq!(
        store.add_follow_up(&with_contact).unwrap(),
        Some(Inserted::Created)
    );
    assert_eq!(
        store.add_follow_up(&with_contact).unwrap(),
        Some(Inserted::Duplicate)
    );
    let second = follow_up("fu-0001", 2, "more");
    assert_eq!(
        store.add_follow_up(&second).unwrap(),
        Some(Inserted::Created)
    );
    let third = store.add_follow_up(&follow_up("fu-0001", 3, "too many"));
    assert!(matches!(third, Err(StoreError::Cap(_))), "{third:?}");
    // A repeat of a stored one is never refused.
    assert_eq!(
        store.add_follow_up(&second).unwrap(),
        Some(Inserted::Duplicate)
    );

    let stored = store.get("fu-0001").unwrap().unwrap();
    let texts: Vec<&str> = stored.follow_ups.iter().map(|f| f.text.as_str()).collect();
    assert_eq!(texts, ["reach me here", "more"]);
    assert_eq!(stored.reply_to.unwrap().email, "new@example.com");
}

fn pages_walk_newest_first_without_gaps(store: &Store) {
    let ids: Vec<String> = (0..7).map(|i| format!("page-{i:04}")).collect();
    for id in &ids {
        let t = ticket(id);
        store.insert(&t, &to_json(&t)).unwrap();
    }
    store
        .add_follow_up(&follow_up("page-0003", 1, "on page two"))
        .unwrap();
    let mut seen = Vec::new();
    let mut page = PageRequest {
        limit: 3,
        before: None,
    };
    loop {
        let got = store.list(page).unwrap();
        assert!(got.tickets.len() <= 3);
        for stored in &got.tickets {
            let expected = usize::from(stored.ticket.id == "page-0003");
            assert_eq!(stored.follow_ups.len(), expected, "{}", stored.ticket.id);
        }
        seen.extend(got.tickets.into_iter().map(|s| s.ticket.id));
        match got.next {
            Some(next) => page.before = Some(next),
            None => break,
        }
    }
    let newest_first: Vec<String> = ids.iter().rev().cloned().collect();
    assert_eq!(seen, newest_first);
}

fn agents_and_api_tokens_are_managed(store: &Store) {
    store
        .add_agent("Ann@Shop.example", Some("Ann"), "a long passphrase")
        .unwrap();
    store
        .add_agent("bob@shop.example", None, "another long one")
        .unwrap();
    assert!(
        store
            .add_agent("ann@shop.example", None, "a long passphrase")
            .is_err()
    );
    let agents = store.agents().unwrap();
    let emails: Vec<&str> = agents.iter().map(|a| a.email.as_str()).collect();
    assert_eq!(emails, ["ann@shop.example", "bob@shop.example"]);
    assert_eq!(agents[0].name.as_deref(), Some("Ann"));
    store.remove_agent("ann@shop.example").unwrap();
    assert!(store.remove_agent("ann@shop.example").is_err());
    assert_eq!(store.agents().unwrap().len(), 1);

    let token = store.create_token("export").unwrap();
    assert!(token.starts_with("dfl_"));
    assert!(store.create_token("export").is_err());
    let listed = store.tokens().unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].name, "export");
    assert_eq!(listed[0].last_used_at_ms, None);
    store.revoke_token("export").unwrap();
    assert!(store.revoke_token("export").is_err());
    assert!(store.tokens().unwrap().is_empty());
}

fn event(id: &str, conversation: &str, kind: &str, text: Option<&str>) -> Event {
    serde_json::from_value(json!({
        "id": id, "at_ms": 1_767_000_000_000u64, "conversation_id": conversation,
        "kind": kind, "text": text, "queue": "billing", "rule": "",
    }))
    .unwrap()
}

fn events_count_once_feed_insights_and_expire(store: &Store) {
    let batch = [
        event("ev-000001", "conv-0001", "question", None),
        event("ev-000002", "conv-0001", "deflected", None),
        event("ev-000003", "conv-0002", "handoff", None),
        event("ev-000004", "conv-0002", "unanswered", Some("Refund?")),
        event("ev-000005", "conv-0003", "unanswered", Some(" refund? ")),
    ];
    let stored = events::insert(store, &batch).unwrap();
    assert_eq!((stored.accepted, stored.duplicates), (5, 0));
    let again = events::insert(store, &batch[..2]).unwrap();
    assert_eq!((again.accepted, again.duplicates), (0, 2));

    let report = insights::compute(store).unwrap();
    assert_eq!(report.conversations, 3);
    assert_eq!(report.counts.questions, 1);
    assert_eq!(report.counts.unanswered, 2);
    assert!((report.deflection_rate - 1.0 / 3.0).abs() < 1e-9);
    assert_eq!(report.handoffs.len(), 1);
    assert_eq!(
        (
            report.handoffs[0].queue.as_str(),
            report.handoffs[0].rule.as_str()
        ),
        ("billing", "none")
    );
    assert_eq!(report.knowledge_gaps.len(), 1);
    assert_eq!(report.knowledge_gaps[0].count, 2);

    // Events were received just now: 1 day of retention keeps them, 0 does not.
    assert_eq!(prune_events(store, 1).unwrap(), 0);
    assert_eq!(prune_events(store, 0).unwrap(), 5);
    assert_eq!(insights::compute(store).unwrap().conversations, 0);
}

/// Runs each named body on two handles of one database (two inboxes): two SQLite
/// connections to one file, and two PostgreSQL pools on one database.
macro_rules! on_two_handles {
    ($($name:ident),* $(,)?) => {
        mod two_sqlite_handles {
            $(#[test]
            fn $name() {
                let dir = tempfile::tempdir().unwrap();
                let db = dir.path().join("tickets.db");
                let open = || super::Store::open(&db).unwrap();
                super::$name(open(), open());
            })*
        }
        mod two_postgres_inboxes {
            $(#[test]
            fn $name() {
                let pg = super::TempPostgres::start();
                let open = || super::Store::open_postgres(&pg.url()).unwrap();
                super::$name(open(), open());
            })*
        }
    };
}

on_two_handles!(create_each_ticket_once, share_one_cap);

/// `racers` threads released together, alternating between `a` and `b`; what each did.
fn race<T: Send + 'static>(
    a: &Store,
    b: &Store,
    racers: u32,
    run: impl Fn(Store, u32) -> T + Send + Sync + 'static,
) -> Vec<T> {
    let start = Arc::new(Barrier::new(racers as usize));
    let run = Arc::new(run);
    let threads: Vec<_> = (0..racers)
        .map(|n| {
            let store = if n % 2 == 0 { a.clone() } else { b.clone() };
            let (start, run) = (Arc::clone(&start), Arc::clone(&run));
            thread::spawn(move || {
                start.wait();
                run(store, n)
            })
        })
        .collect();
    threads.into_iter().map(|t| t.join().unwrap()).collect()
}

/// Threads on two inboxes deliver the same tickets at once: each id is created
/// exactly once, the rest are duplicates.
fn create_each_ticket_once(a: Store, b: Store) {
    const IDS: usize = 20;
    const THREADS: u32 = 6;
    let created: usize = race(&a, &b, THREADS, |store, _| {
        (0..IDS)
            .map(|i| {
                let t = ticket(&format!("race-{i:04}"));
                store.insert(&t, &to_json(&t)).unwrap()
            })
            .filter(|r| *r == Inserted::Created)
            .count()
    })
    .into_iter()
    .sum();
    assert_eq!(created, IDS);
    assert_eq!(a.count().unwrap(), IDS as u64);
    let stored = b.get("race-0000").unwrap().unwrap();
    assert_eq!(stored.deliveries, u64::from(THREADS));
}

/// Two inboxes race to add follow-ups to a ticket with room for one more: one gets
/// it, every other is refused, whichever inbox each arrived at (several rounds, so a
/// race that is lost only sometimes shows).
fn share_one_cap(a: Store, b: Store) {
    let caps = TicketCaps {
        follow_ups: 1,
        ..TicketCaps::default()
    };
    let (a, b) = (a.with_caps(caps), b.with_caps(caps));
    for round in 0..8 {
        let id = format!("capped-{round:04}");
        let t = ticket(&id);
        a.insert(&t, &to_json(&t)).unwrap();
        let racing_id = id.clone();
        let results = race(&a, &b, 8, move |store, n| {
            store.add_follow_up(&follow_up(&racing_id, n, "me first"))
        });
        let created = results
            .iter()
            .filter(|r| matches!(r, Ok(Some(Inserted::Created))))
            .count();
        let refused = results
            .iter()
            .filter(|r| matches!(r, Err(StoreError::Cap(_))))
            .count();
        assert_eq!((created, refused), (1, 7), "{results:?}");
        assert_eq!(b.get(&id).unwrap().unwrap().follow_ups.len(), 1);
    }
}

/// Inboxes starting together on an empty database all set up its schema without
/// tripping over each other.
#[test]
fn inboxes_starting_together_share_one_schema() {
    let pg = TempPostgres::start();
    let url = pg.create_database("fresh");
    let start = Arc::new(Barrier::new(4));
    let openers: Vec<_> = (0..4)
        .map(|_| {
            let (url, start) = (url.clone(), Arc::clone(&start));
            thread::spawn(move || {
                start.wait();
                Store::open_postgres(&url).map(|store| store.count().unwrap())
            })
        })
        .collect();
    for opener in openers {
        assert_eq!(opener.join().unwrap().unwrap(), 0);
    }
}

#[test]
fn an_unreachable_or_invalid_database_is_a_clear_error_without_the_password() {
    // Nothing listens on port 1 of the loopback.
    let err = Store::open_url("postgres://ann:s3cret@127.0.0.1:1/inbox").unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains("could not connect to PostgreSQL at 127.0.0.1:1/inbox as ann"),
        "{message}"
    );
    assert!(!message.contains("s3cret"), "{message}");
    let err = Store::open_url("postgres://ann:s3cret@127.0.0.1:notaport/inbox").unwrap_err();
    assert!(
        err.to_string().starts_with("invalid PostgreSQL URL"),
        "{err}"
    );
    assert!(!err.to_string().contains("s3cret"), "{err}");
}

/// `deflect serve` on PostgreSQL: a ticket, its repeat, a follow-up with the ticket's
/// token and a screenshot go in over HTTP, and an agent reads them back.
#[test]
fn the_inbox_serves_from_postgres() {
    let pg = TempPostgres::start();
    let server = Server::on(Store::open_url(&pg.url()).unwrap(), InboxOptions::default());
    let t = ticket("served-0001");
    let token = server.post_ticket_for_token(&t);
    let (status, body) = server.post_ticket(&t);
    assert_eq!((status, body["status"].as_str()), (200, Some("duplicate")));
    let (status, body) = server.post_follow_up(
        &http::follow_up("served-0001", 1, "It happened again"),
        Some(&token),
    );
    assert_eq!(status, 201, "{body}");

    let png = tiny_png();
    let upload = |ticket: &str| {
        http::json_of(
            http::agent()
                .put(server.url(&format!("/api/tickets/{ticket}/attachments/shot-0001")))
                .header("Content-Type", "image/png")
                .header(deflect_server::TICKET_TOKEN_HEADER, &token)
                .send(&png[..])
                .unwrap(),
        )
    };
    let (status, body) = upload("served-0001");
    assert_eq!((status, &body["width"]), (201, &json!(2)), "{body}");
    assert_eq!(upload("served-0001").0, 200, "a repeat is stored once");
    assert_eq!(upload("other-00001").0, 409, "another ticket's image id");

    let listed = server.listed("served-0001");
    assert_eq!(listed["deliveries"], 2);
    assert_eq!(listed["follow_ups"][0]["text"], "It happened again");
    let mut image = server.read("/inbox/attachments/shot-0001");
    assert_eq!(image.status(), 200);
    let bytes = image.body_mut().read_to_vec().unwrap();
    assert!(bytes.starts_with(b"\x89PNG"));
    assert_eq!(server.store.count().unwrap(), 1);
    assert_eq!(server.insights()["conversations"], 0);
}

/// A 2×1 PNG.
fn tiny_png() -> Vec<u8> {
    let mut bytes = Vec::new();
    image::RgbImage::new(2, 1)
        .write_to(
            &mut std::io::Cursor::new(&mut bytes),
            image::ImageFormat::Png,
        )
        .unwrap();
    bytes
}
