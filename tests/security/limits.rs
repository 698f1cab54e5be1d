//! Attacks on the inbox's origin rule and its bounds: posts from foreign pages, bursts
//! from one client, tickets grown without end, connections that never finish, bodies
//! that drip, and an events table so large its report held up every ticket.

use std::io::{Cursor, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use deflect::ticket::Ticket;
use deflect_server::{
    InboxOptions, Limits, TICKET_TOKEN_HEADER, TicketCaps, insights, limits::prune_events,
};
use image::{DynamicImage, ImageFormat, RgbImage};
use serde_json::{Value, json};

use crate::common::inbox::{
    Server, agent, error_of, insights_response, json_of, to_json, with_server,
};

fn with_limits(limits: Limits) -> (tempfile::TempDir, Server) {
    with_server(InboxOptions {
        limits,
        ..InboxOptions::default()
    })
}

/// A request with the given headers; the status, JSON body and `Retry-After`.
fn send(
    server: &Server,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> (u16, Value, Option<u64>) {
    let mut req = match method {
        "PUT" => agent().put(server.url(path)),
        _ => agent().post(server.url(path)),
    };
    for (name, value) in headers {
        req = req.header(*name, *value);
    }
    let resp = req.send(body).expect("the request reaches the server");
    let retry_after = resp
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().parse().expect("Retry-After in seconds"));
    let (status, body) = json_of(resp);
    (status, body, retry_after)
}

fn post_json(server: &Server, path: &str, headers: &[(&str, &str)], body: &str) -> (u16, Value) {
    let mut all = vec![("Content-Type", "application/json")];
    all.extend_from_slice(headers);
    let (status, body, _) = send(server, "POST", path, &all, body.as_bytes());
    (status, body)
}

fn follow_up(ticket_id: &str, n: u32, text: &str) -> String {
    json!({
        "schema_version": 2,
        "id": format!("{ticket_id}-{n}"),
        "ticket_id": ticket_id,
        "at_ms": 1_767_000_100_000u64 + u64::from(n),
        "text": text,
    })
    .to_string()
}

fn events(conversation: &str, n: usize) -> String {
    let events: Vec<Value> = (0..n)
        .map(|i| {
            json!({
                "id": format!("evt-{conversation}-{i:05}"),
                "at_ms": 1_767_000_000_000u64 + i as u64,
                "conversation_id": conversation,
                "kind": "unanswered",
                "text": format!("question number {i}"),
            })
        })
        .collect();
    json!({ "events": events }).to_string()
}

fn png() -> Vec<u8> {
    let mut bytes = Vec::new();
    DynamicImage::ImageRgb8(RgbImage::new(4, 4))
        .write_to(&mut Cursor::new(&mut bytes), ImageFormat::Png)
        .expect("encode a PNG");
    bytes
}

fn stored_follow_ups(server: &Server, ticket: &str) -> usize {
    let stored = server.store.get(ticket).unwrap().expect("ticket stored");
    stored.follow_ups.len()
}

/// A page on another site can make a visitor's browser post `text/plain` without a
/// preflight; its `Origin` (or `Referer`) gives it away and nothing is stored. The
/// inbox's own pages, listed origins and clients that are no browser still write.
#[test]
fn a_foreign_page_cannot_write_through_a_visitors_browser() {
    let (_dir, server) = with_server(InboxOptions {
        allowed_origins: vec!["https://shop.example".to_owned()],
        ..InboxOptions::default()
    });
    let ticket = to_json(&Ticket::example("foreign-ticket-1"));
    for (content_type, from) in [
        ("application/json", ("Origin", "https://evil.example")),
        (
            "text/plain;charset=UTF-8",
            ("Origin", "https://evil.example"),
        ),
        ("text/plain", ("Origin", "null")),
        ("text/plain", ("Referer", "https://evil.example/page")),
    ] {
        let headers = [("Content-Type", content_type), from];
        let (status, body, _) = send(&server, "POST", "/api/tickets", &headers, ticket.as_bytes());
        assert_eq!(status, 403, "{from:?} {content_type}: {body}");
        assert!(error_of(&body).contains(from.1), "{body}");
    }
    let evil = [
        ("Origin", "https://evil.example"),
        ("Content-Type", "text/plain"),
    ];
    let (status, _, _) = send(
        &server,
        "POST",
        "/api/events",
        &evil,
        events("conv-evil-1", 3).as_bytes(),
    );
    assert_eq!(status, 403);
    let (status, _, _) = send(
        &server,
        "PUT",
        "/api/tickets/foreign-ticket-1/attachments/shot-00001",
        &[
            ("Origin", "https://evil.example"),
            ("Content-Type", "image/png"),
        ],
        &png(),
    );
    assert_eq!(status, 403);
    assert_eq!(server.store.count().unwrap(), 0);
    assert_eq!(server.insights()["conversations"], 0);

    let own = server.running.base.clone();
    for (n, headers) in [
        vec![("Origin", own.as_str())],
        vec![("Referer", &*format!("{own}/help"))],
        vec![("Origin", "https://shop.example")],
        vec![],
    ]
    .into_iter()
    .enumerate()
    {
        let ticket = to_json(&Ticket::example(&format!("welcome-ticket-{n}")));
        let (status, body) = post_json(&server, "/api/tickets", &headers, &ticket);
        assert_eq!(status, 201, "{headers:?}: {body}");
    }
    assert_eq!(server.store.count().unwrap(), 4);
}

/// 2,000 tickets from one client in a few seconds all used to be stored; now the
/// client gets its burst, then 429 with a Retry-After, and what was accepted is stored
/// once. A forged X-Forwarded-For does not buy a fresh allowance.
#[test]
fn a_burst_from_one_client_is_answered_429_with_retry_after() {
    let (_dir, server) = with_limits(Limits {
        write_burst: 5,
        writes_per_minute: 1,
        ..Limits::default()
    });
    let mut statuses = Vec::new();
    for n in 0..12 {
        let forged = format!("198.51.100.{n}");
        let ticket = to_json(&Ticket::example(&format!("burst-ticket-{n:02}")));
        let headers = [
            ("Content-Type", "application/json"),
            ("X-Forwarded-For", forged.as_str()),
        ];
        let (status, body, retry_after) =
            send(&server, "POST", "/api/tickets", &headers, ticket.as_bytes());
        if status == 429 {
            let wait = retry_after.expect("a 429 says when to try again");
            assert!((1..=61).contains(&wait), "Retry-After {wait}");
            assert!(error_of(&body).contains("too many requests"), "{body}");
        }
        statuses.push(status);
    }
    assert_eq!(statuses[..5], [201; 5], "{statuses:?}");
    assert_eq!(statuses[5..], [429; 7], "{statuses:?}");
    assert_eq!(server.store.count().unwrap(), 5);
    for n in 0..5 {
        let stored = server
            .store
            .get(&format!("burst-ticket-{n:02}"))
            .unwrap()
            .unwrap();
        assert_eq!(stored.deliveries, 1);
    }
}

/// Behind a reverse proxy that says who the client is, clients are told apart by it:
/// one client's burst does not stop the next.
#[test]
fn behind_a_trusted_proxy_clients_are_counted_by_forwarded_for() {
    let (_dir, server) = with_limits(Limits {
        write_burst: 2,
        writes_per_minute: 1,
        trust_proxy_headers: true,
        ..Limits::default()
    });
    let post = |n: u32, client: &str| {
        let ticket = to_json(&Ticket::example(&format!("proxied-ticket-{n}")));
        post_json(
            &server,
            "/api/tickets",
            &[("X-Forwarded-For", client)],
            &ticket,
        )
        .0
    };
    assert_eq!(
        [
            post(1, "203.0.113.1"),
            post(2, "203.0.113.1"),
            post(3, "203.0.113.1")
        ],
        [201, 201, 429]
    );
    assert_eq!(post(4, "203.0.113.2"), 201);
    assert_eq!(server.store.count().unwrap(), 3);
}

/// A widget on an allowed origin reads the 429 and its Retry-After: the refusal passes
/// through CORS like any answer, so the retry queue waits as long as it is told.
#[test]
fn an_allowed_page_can_read_the_429_and_its_retry_after() {
    let (_dir, server) = with_server(InboxOptions {
        allowed_origins: vec!["https://shop.example".to_owned()],
        limits: Limits {
            write_burst: 1,
            writes_per_minute: 1,
            ..Limits::default()
        },
        ..InboxOptions::default()
    });
    let post = |id: &str| {
        agent()
            .post(server.url("/api/tickets"))
            .header("Origin", "https://shop.example")
            .header("Content-Type", "application/json")
            .send(to_json(&Ticket::example(id)))
            .expect("POST reaches the server")
    };
    assert_eq!(post("cors-burst-1").status().as_u16(), 201);
    let refused = post("cors-burst-2");
    assert_eq!(refused.status().as_u16(), 429);
    let header = |name: &str| {
        refused
            .headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_ascii_lowercase())
    };
    assert_eq!(
        header("access-control-allow-origin").as_deref(),
        Some("https://shop.example")
    );
    assert!(
        header("access-control-expose-headers").is_some_and(|h| h.contains("retry-after")),
        "{:?}",
        refused.headers()
    );
    assert!(header("retry-after").is_some());
    assert_eq!(server.store.count().unwrap(), 1);
}

/// A client that waits as long as Retry-After says is let in again: the widget's
/// retry queue does exactly that, so a limited ticket is delayed, not lost.
#[test]
fn waiting_for_retry_after_is_enough() {
    let (_dir, server) = with_limits(Limits {
        write_burst: 1,
        writes_per_minute: 60,
        ..Limits::default()
    });
    let first = to_json(&Ticket::example("patient-ticket-1"));
    let second = to_json(&Ticket::example("patient-ticket-2"));
    let json = [("Content-Type", "application/json")];
    assert_eq!(
        send(&server, "POST", "/api/tickets", &json, first.as_bytes()).0,
        201
    );
    let (status, _, retry_after) = send(&server, "POST", "/api/tickets", &json, second.as_bytes());
    assert_eq!(status, 429);
    std::thread::sleep(Duration::from_secs(retry_after.unwrap()));
    assert_eq!(
        send(&server, "POST", "/api/tickets", &json, second.as_bytes()).0,
        201
    );
    assert_eq!(server.store.count().unwrap(), 2);
}

/// 10,000 follow-ups on one ticket used to be stored; past the cap they are refused
/// for good (422, which the widget does not retry) and a retry of one stored still
/// hears 200.
#[test]
fn a_ticket_past_its_follow_up_cap_is_refused() {
    let caps = TicketCaps {
        follow_ups: 3,
        ..TicketCaps::default()
    };
    let (_dir, server) = with_limits(Limits {
        caps,
        ..Limits::default()
    });
    let id = "capped-ticket-1";
    let token = server.post_ticket_for_token(&Ticket::example(id));
    let with_token = [(TICKET_TOKEN_HEADER, token.as_str())];
    let path = format!("/api/tickets/{id}/messages");
    for n in 1..=3 {
        assert_eq!(
            post_json(&server, &path, &with_token, &follow_up(id, n, "more")).0,
            201
        );
    }
    let (status, body) = post_json(
        &server,
        &path,
        &with_token,
        &follow_up(id, 4, "one too many"),
    );
    assert_eq!(status, 422, "{body}");
    assert!(
        error_of(&body).contains("already has 3 follow-ups"),
        "{body}"
    );
    assert_eq!(
        post_json(&server, &path, &with_token, &follow_up(id, 2, "more")).0,
        200
    );
    assert_eq!(stored_follow_ups(&server, id), 3);
}

/// Megabyte tickets and follow-ups grew the database by hundreds of MB in seconds; a
/// ticket and its follow-ups together now hold at most the cap (413), and a refused
/// follow-up leaves nothing behind.
#[test]
fn a_ticket_cannot_grow_past_its_byte_cap() {
    let caps = TicketCaps {
        bytes: 16 * 1024,
        ..TicketCaps::default()
    };
    let (_dir, server) = with_limits(Limits {
        caps,
        ..Limits::default()
    });
    let id = "heavy-ticket-1";
    let token = server.post_ticket_for_token(&Ticket::example(id));
    let with_token = [(TICKET_TOKEN_HEADER, token.as_str())];
    let path = format!("/api/tickets/{id}/messages");
    let ten_k = "x".repeat(10 * 1024);
    assert_eq!(
        post_json(&server, &path, &with_token, &follow_up(id, 1, &ten_k)).0,
        201
    );
    let (status, body) = post_json(&server, &path, &with_token, &follow_up(id, 2, &ten_k));
    assert_eq!(status, 413, "{body}");
    assert!(error_of(&body).contains("16384"), "{body}");
    assert_eq!(stored_follow_ups(&server, id), 1);

    let mut big = Ticket::example("heavy-ticket-2");
    big.transcript[0].text = "y".repeat(20 * 1024);
    let (status, body) = server.post_ticket(&big);
    assert_eq!(status, 413, "{body}");
    assert!(server.store.get("heavy-ticket-2").unwrap().is_none());
}

/// Screenshots per ticket are capped like follow-ups.
#[test]
fn a_ticket_past_its_screenshot_cap_is_refused() {
    let caps = TicketCaps {
        attachments: 2,
        ..TicketCaps::default()
    };
    let (_dir, server) = with_limits(Limits {
        caps,
        ..Limits::default()
    });
    let image = png();
    let put = |id: &str| {
        let path = format!("/api/tickets/shots-ticket-1/attachments/{id}");
        send(
            &server,
            "PUT",
            &path,
            &[("Content-Type", "image/png")],
            &image,
        )
    };
    assert_eq!(put("shot-00001").0, 201);
    assert_eq!(put("shot-00002").0, 201);
    let (status, body, _) = put("shot-00003");
    assert_eq!(status, 422, "{body}");
    assert!(
        error_of(&body).contains("already has 2 screenshots"),
        "{body}"
    );
    assert_eq!(put("shot-00001").0, 200);
    let (status, _) = server.get_text("/inbox/attachments/shot-00003");
    assert_eq!(status, 404);
}

/// A batch of more events than the widget ever sends is refused whole.
#[test]
fn an_oversize_event_batch_is_refused_whole() {
    let (_dir, server) = with_server(InboxOptions::default());
    let (status, body) = post_json(&server, "/api/events", &[], &events("conv-flood-1", 501));
    assert_eq!(status, 422, "{body}");
    assert!(error_of(&body).contains("at most 500"), "{body}");
    assert_eq!(server.insights()["conversations"], 0);
}

/// Opens a connection to the inbox from `source` (any 127.0.0.0/8 address is this
/// machine), so one test can be several clients.
fn connect_from(source: &str, server: &Server) -> TcpStream {
    let to: SocketAddr = server
        .running
        .base
        .trim_start_matches("http://")
        .parse()
        .unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()
        .unwrap();
    let stream = runtime.block_on(async {
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.bind(format!("{source}:0").parse().unwrap()).unwrap();
        socket.connect(to).await.expect("connect")
    });
    let stream = stream.into_std().unwrap();
    stream.set_nonblocking(false).unwrap();
    stream
}

/// Whether the server closed `stream` within `within` (reading whatever it sent).
fn closed_within(stream: &mut TcpStream, within: Duration) -> bool {
    let until = Instant::now() + within;
    let mut buf = [0; 1024];
    loop {
        let left = until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return false;
        }
        stream.set_read_timeout(Some(left)).unwrap();
        match stream.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => continue,
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                return false;
            }
            Err(_) => return true, // reset: closed too
        }
    }
}

/// Connections that never finish their headers used to stay open for ever, and
/// 20,000 of them made real requests time out. Now a real request is served beside
/// them, and each is closed once the header timeout passes.
#[test]
fn connections_that_never_finish_their_headers_are_closed() {
    let (_dir, server) = with_limits(Limits {
        header_timeout: Duration::from_secs(1),
        max_connections_per_ip: 1000,
        ..Limits::default()
    });
    let mut idle: Vec<TcpStream> = (0..300)
        .map(|_| {
            let mut stream = connect_from("127.0.0.1", &server);
            stream
                .write_all(b"POST /api/tickets HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Ty")
                .unwrap();
            stream
        })
        .collect();
    let started = Instant::now();
    assert_eq!(server.post_ticket(&Ticket::example("beside-idle-1")).0, 201);
    for stream in &mut idle {
        assert!(
            closed_within(stream, Duration::from_secs(15)),
            "an idle connection stayed open"
        );
    }
    assert!(started.elapsed() < Duration::from_secs(15));
    assert_eq!(server.store.count().unwrap(), 1);
}

/// One address gets a bounded number of connections: the next is closed at once, while
/// another address is still served.
#[test]
fn connections_past_the_per_address_bound_are_closed_at_once() {
    let (_dir, server) = with_limits(Limits {
        header_timeout: Duration::from_secs(60),
        max_connections_per_ip: 20,
        ..Limits::default()
    });
    let _held: Vec<TcpStream> = (0..20)
        .map(|_| connect_from("127.0.0.2", &server))
        .collect();
    let mut over = connect_from("127.0.0.2", &server);
    assert!(
        closed_within(&mut over, Duration::from_secs(10)),
        "the 21st connection from one address was kept"
    );
    assert_eq!(
        server.post_ticket(&Ticket::example("other-address-1")).0,
        201
    );
}

/// A body sent a few bytes at a time is cut off at the body timeout with a 408, and
/// nothing of it is stored.
#[test]
fn a_body_that_drips_is_answered_408() {
    let (_dir, server) = with_limits(Limits {
        body_timeout: Duration::from_secs(1),
        ..Limits::default()
    });
    let mut stream = connect_from("127.0.0.1", &server);
    let host = server.running.base.trim_start_matches("http://").to_owned();
    let head = format!(
        "POST /api/tickets HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{{\"id\""
    );
    stream.write_all(head.as_bytes()).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("did not arrive within 1 s"), "{answer}");
    assert_eq!(server.store.count().unwrap(), 0);
}

/// Insights over 200,000 junk events held the database lock for 15 s, and every ticket
/// waited behind it. They now run on a read-only connection of their own: in the middle
/// of the report's query (its progress callback), a ticket is posted and answered 201.
/// Were the report holding the writer's lock, that POST could not finish.
#[test]
fn a_ticket_is_stored_while_insights_are_computed() {
    let (_dir, server) = with_server(InboxOptions::default());
    let (status, body) = post_json(&server, "/api/events", &[], &events("conv-report-1", 500));
    assert_eq!(status, 200, "{body}");

    let url = server.url("/api/tickets");
    let (answered, answer) = mpsc::channel();
    let mut posted = false;
    let report = insights::compute_watched(&server.store, move || {
        if !posted {
            posted = true;
            let status = agent()
                .post(&url)
                .header("Content-Type", "application/json")
                .send(to_json(&Ticket::example("during-report-1")))
                .map_or(0, |r| r.status().as_u16());
            answered.send(status).unwrap();
        }
        false
    })
    .unwrap()
    .expect("the report ran to its end");
    assert_eq!(
        answer.recv().unwrap(),
        201,
        "the ticket waited for the report"
    );
    assert_eq!(report.counts.unanswered, 500);
    assert!(server.store.get("during-report-1").unwrap().is_some());
}

/// However many events there are, a report stops at its time budget with a clear 503
/// instead of running on.
#[test]
fn insights_past_their_time_budget_are_a_503() {
    let (_dir, server) = with_limits(Limits {
        insights_time: Duration::ZERO,
        ..Limits::default()
    });
    for batch in 0..4 {
        let body = events(&format!("conv-budget-{batch}"), 500);
        assert_eq!(post_json(&server, "/api/events", &[], &body).0, 200);
    }
    let (status, body) = insights_response(&server.running.base, &server.token);
    assert_eq!(status, 503, "{body}");
    assert!(
        error_of(&body).contains("--events-retention-days"),
        "{body}"
    );
}

/// Events older than the retention are deleted when the inbox starts; newer ones stay.
#[test]
fn old_events_are_deleted_when_the_inbox_starts() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("inbox.sqlite");
    {
        let server = Server::start(&db, InboxOptions::default());
        assert_eq!(
            post_json(&server, "/api/events", &[], &events("conv-old-1", 3)).0,
            200
        );
    }
    let hundred_days_ms: i64 = 100 * 24 * 60 * 60 * 1000;
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute(
            "UPDATE events SET received_at_ms = received_at_ms - ?1",
            [hundred_days_ms],
        )
        .unwrap();

    let server = Server::start(&db, InboxOptions::default());
    assert_eq!(
        post_json(&server, "/api/events", &[], &events("conv-new-1", 2)).0,
        200
    );
    let report = server.insights();
    assert_eq!(report["conversations"], 1, "{report}");
    assert_eq!(report["counts"]["unanswered"], 2, "{report}");
    assert_eq!(prune_events(&server.store, 90).unwrap(), 0);
}
