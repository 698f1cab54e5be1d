//! Attacks on who may read the inbox: anonymous reads, DNS rebinding, cross-origin
//! reads, password guessing, forged forms, stolen or revoked credentials, and a list
//! so long it takes the server down.

use std::io::{Read, Write};
use std::net::TcpStream;

use deflect::ticket::Ticket;
use deflect_server::auth::PublicUrl;
use deflect_server::{InboxOptions, TICKET_TOKEN_HEADER};
use ureq::http::Response;

use crate::common::inbox::{Server, agent, get_as_agent, no_redirects, with_server};

/// The customer address every attack tries to read.
const SECRET_EMAIL: &str = "private-customer@example.com";
const AGENT: &str = "ann@shop.example";
const PASSWORD: &str = "correct horse battery staple";

/// An inbox holding one ticket from [`SECRET_EMAIL`] (with a screenshot) and one agent.
fn inbox_with_a_ticket(options: InboxOptions) -> (tempfile::TempDir, Server) {
    let (dir, server) = with_server(options);
    let mut ticket = Ticket::example("secret-ticket-01");
    ticket.customer.email = Some(SECRET_EMAIL.to_owned());
    let token = server.post_ticket_for_token(&ticket);
    let png = {
        let mut bytes = Vec::new();
        image::RgbImage::new(2, 2)
            .write_to(
                &mut std::io::Cursor::new(&mut bytes),
                image::ImageFormat::Png,
            )
            .unwrap();
        bytes
    };
    let resp = agent()
        .put(server.url("/api/tickets/secret-ticket-01/attachments/secret-shot-01"))
        .header("Content-Type", "image/png")
        .header(TICKET_TOKEN_HEADER, &token)
        .send(&png[..])
        .unwrap();
    assert_eq!(resp.status().as_u16(), 201);
    server
        .store
        .add_agent(AGENT, Some("Ann"), PASSWORD)
        .unwrap();
    (dir, server)
}

fn text(mut resp: Response<ureq::Body>) -> (u16, String) {
    let status = resp.status().as_u16();
    (status, resp.body_mut().read_to_string().unwrap_or_default())
}

fn header(resp: &Response<ureq::Body>, name: &str) -> Option<String> {
    resp.headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_owned())
}

/// The `name=value` part of each `Set-Cookie` the response sets for `name`, with its
/// attributes.
fn set_cookie(resp: &Response<ureq::Body>, name: &str) -> Option<String> {
    resp.headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with(&format!("{name}=")))
}

/// `name=value` of a Set-Cookie line.
fn pair(set_cookie: &str) -> String {
    set_cookie.split(';').next().unwrap().to_owned()
}

/// What a browser holds after showing the login form: its login cookie and the form's
/// CSRF token.
struct LoginForm {
    cookie: String,
    csrf: String,
}

fn login_form(server: &Server) -> LoginForm {
    let resp = no_redirects().get(server.url("/login")).call().unwrap();
    let cookie = pair(&set_cookie(&resp, "deflect_login").expect("a login cookie"));
    let (status, html) = text(resp);
    assert_eq!(status, 200);
    let csrf = value_after(&html, "name=\"csrf\" value=\"").expect("a CSRF field");
    LoginForm { cookie, csrf }
}

/// The quoted value that follows the first `marker` in `html`.
fn value_after(html: &str, marker: &str) -> Option<String> {
    let rest = html.split(marker).nth(1)?;
    rest.split('"').next().map(str::to_owned)
}

/// Posts the login form as a browser would (no redirects followed).
fn post_login(server: &Server, cookie: &str, fields: &[(&str, &str)]) -> Response<ureq::Body> {
    no_redirects()
        .post(server.url("/login"))
        .header("Cookie", cookie)
        .send_form(fields.iter().copied())
        .unwrap()
}

fn log_in(server: &Server, email: &str, password: &str) -> Response<ureq::Body> {
    let form = login_form(server);
    post_login(
        server,
        &form.cookie,
        &[
            ("email", email),
            ("password", password),
            ("csrf", &form.csrf),
        ],
    )
}

/// Logs in as [`AGENT`]; the session cookie's `name=value`.
fn session(server: &Server) -> String {
    let resp = log_in(server, AGENT, PASSWORD);
    assert_eq!(resp.status().as_u16(), 303);
    pair(&set_cookie(&resp, "deflect_session").expect("a session cookie"))
}

fn get_with_cookie(server: &Server, path: &str, cookie: &str) -> Response<ureq::Body> {
    no_redirects()
        .get(server.url(path))
        .header("Cookie", cookie)
        .call()
        .unwrap()
}

/// Sessions in the inbox's database file, read as anyone with the file would.
fn sessions_stored(dir: &tempfile::TempDir) -> u64 {
    let conn = rusqlite::Connection::open(dir.path().join("tickets.db")).unwrap();
    conn.query_row("SELECT COUNT(*) FROM agent_sessions", [], |row| row.get(0))
        .unwrap()
}

/// Nobody reads tickets, insights or screenshots without logging in: the JSON reads
/// answer 401 with `WWW-Authenticate: Bearer`, the pages send the browser to the login
/// page, and no answer holds a customer's address.
#[test]
fn anonymous_reads_of_every_route_are_refused() {
    let (_dir, server) = inbox_with_a_ticket(InboxOptions::default());
    for path in ["/api/tickets", "/api/insights"] {
        for authorization in [None, Some("Bearer dfl_guessed"), Some("Basic YW5uOnB3")] {
            let mut req = no_redirects().get(server.url(path));
            if let Some(value) = authorization {
                req = req.header("Authorization", value);
            }
            let resp = req.call().unwrap();
            let challenge = header(&resp, "www-authenticate").unwrap_or_default();
            let (status, body) = text(resp);
            assert_eq!(status, 401, "{path} {authorization:?}");
            assert!(challenge.starts_with("Bearer"), "{path}: {challenge}");
            assert!(body.contains("\"error\""), "{path}: {body}");
            assert!(!body.contains(SECRET_EMAIL), "{path}: {body}");
        }
    }
    for path in [
        "/inbox",
        "/inbox/insights",
        "/inbox/attachments/secret-shot-01",
        "/inbox?limit=5",
    ] {
        let resp = no_redirects().get(server.url(path)).call().unwrap();
        let location = header(&resp, "location").unwrap_or_default();
        let (status, body) = text(resp);
        assert_eq!(status, 303, "{path}");
        let next = path
            .replace('/', "%2F")
            .replace('?', "%3F")
            .replace('=', "%3D");
        assert_eq!(location, format!("/login?next={next}"), "{path}");
        assert!(!body.contains(SECRET_EMAIL), "{path}: {body}");
    }
    // The same reads as an agent see the ticket.
    let (status, body) = text(server.read("/api/tickets"));
    assert_eq!(status, 200);
    assert!(body.contains(SECRET_EMAIL));
}

/// One HTTP/1.1 request over a raw socket, so the Host header is exactly what a
/// rebinding attacker's page would send.
fn raw_request(server: &Server, request: &str) -> (u16, String) {
    let addr = server.running.base.trim_start_matches("http://");
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let status = answer
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, answer)
}

/// DNS rebinding: a page on attacker.example resolves its name to 127.0.0.1 and reads
/// the inbox with a logged-in agent's credentials; the request names attacker.example,
/// so it is refused (421) before any handler runs, reads and writes alike.
#[test]
fn a_request_for_another_host_name_is_refused() {
    let public: PublicUrl = "https://support.shop.example".parse().unwrap();
    let (_dir, server) = inbox_with_a_ticket(InboxOptions {
        public_urls: vec![public],
        ..InboxOptions::default()
    });
    let port = server.running.base.rsplit(':').next().unwrap().to_owned();
    let read = |host: &str| {
        raw_request(
            &server,
            &format!(
                "GET /api/tickets HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {}\r\nConnection: close\r\n\r\n",
                server.token
            ),
        )
    };
    for host in [
        format!("attacker.example:{port}"),
        "attacker.example".to_owned(),
        "support.shop.example.attacker.example".to_owned(),
        format!("127.0.0.1:{}", port.parse::<u16>().unwrap() + 1),
    ] {
        let (status, answer) = read(&host);
        assert_eq!(status, 421, "{host}: {answer}");
        assert!(!answer.contains(SECRET_EMAIL), "{host}");
    }
    let ticket = serde_json::to_string(&Ticket::example("rebound-0001")).unwrap();
    let (status, _) = raw_request(
        &server,
        &format!(
            "POST /api/tickets HTTP/1.1\r\nHost: attacker.example:{port}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{ticket}",
            ticket.len()
        ),
    );
    assert_eq!(status, 421);
    assert_eq!(server.store.get("rebound-0001").unwrap(), None);
    assert_eq!(server.store.count().unwrap(), 1);

    // The public name and the loopback names at the bound port are ours.
    for host in [
        "support.shop.example".to_owned(),
        format!("localhost:{port}"),
        format!("127.0.0.1:{port}"),
    ] {
        let (status, answer) = read(&host);
        assert_eq!(status, 200, "{host}");
        assert!(answer.contains(SECRET_EMAIL), "{host}");
    }
}

/// With `--allow-origin`, even `*`, a script on another site can post tickets but never
/// read them: reads carry no `Access-Control-Allow-Origin`, and a preflight for a GET
/// (with the Authorization header it would need) is not granted.
#[test]
fn cors_never_lets_another_site_read() {
    for allowed in ["https://shop.example", "*"] {
        let (_dir, server) = inbox_with_a_ticket(InboxOptions {
            allowed_origins: vec![allowed.to_owned()],
            ..InboxOptions::default()
        });
        for path in ["/api/tickets", "/api/insights", "/inbox"] {
            let resp = agent()
                .get(server.url(path))
                .header("Origin", "https://shop.example")
                .header("Authorization", format!("Bearer {}", server.token))
                .call()
                .unwrap();
            assert_eq!(resp.status().as_u16(), 200, "{allowed} {path}");
            assert_eq!(
                header(&resp, "access-control-allow-origin"),
                None,
                "{allowed} {path}"
            );
            assert_eq!(header(&resp, "access-control-allow-credentials"), None);
            let preflight = agent()
                .options(server.url(path))
                .header("Origin", "https://shop.example")
                .header("Access-Control-Request-Method", "GET")
                .header("Access-Control-Request-Headers", "authorization")
                .call()
                .unwrap();
            let methods = header(&preflight, "access-control-allow-methods").unwrap_or_default();
            let granted = header(&preflight, "access-control-allow-origin").is_some()
                && methods.contains("GET");
            assert!(
                !granted,
                "{allowed} {path}: preflight grants GET ({methods})"
            );
        }
        // The widget's writes still work from the shop.
        let resp = agent()
            .post(server.url("/api/tickets"))
            .header("Origin", "https://shop.example")
            .header("Content-Type", "application/json")
            .send(serde_json::to_string(&Ticket::example("cors-write-01")).unwrap())
            .unwrap();
        assert_eq!(resp.status().as_u16(), 201);
        assert!(header(&resp, "access-control-allow-origin").is_some());
    }
}

/// A wrong password and an unknown email get the same answer (401, the same message),
/// and neither starts a session.
#[test]
fn a_wrong_password_or_unknown_email_logs_nobody_in() {
    let (dir, server) = inbox_with_a_ticket(InboxOptions::default());
    let mut answers = Vec::new();
    for (email, password) in [
        (AGENT, "not the password at all"),
        ("nobody@shop.example", PASSWORD),
    ] {
        let resp = log_in(&server, email, password);
        assert_eq!(set_cookie(&resp, "deflect_session"), None, "{email}");
        let (status, body) = text(resp);
        assert_eq!(status, 401, "{email}");
        assert!(body.contains("Wrong email or password."), "{email}");
        assert!(!body.contains(SECRET_EMAIL));
        answers.push(body.replace(email, ""));
    }
    assert_eq!(sessions_stored(&dir), 0);
    // Past the email typed back into the form, the two pages are alike but for the token.
    let strip = |page: &str| page.split("name=\"csrf\"").next().unwrap().to_owned();
    assert_eq!(strip(&answers[0]), strip(&answers[1]));
}

/// Guessing passwords: after five attempts on one account the next is refused with
/// 429 and `Retry-After`, before the password is even checked (the right one too).
#[test]
fn guessing_passwords_is_rate_limited() {
    let (dir, server) = inbox_with_a_ticket(InboxOptions::default());
    for n in 0..5 {
        let resp = log_in(&server, AGENT, &format!("guess number {n}"));
        assert_eq!(resp.status().as_u16(), 401, "guess {n}");
    }
    let resp = log_in(&server, AGENT, PASSWORD);
    let retry_after: u64 = header(&resp, "retry-after")
        .expect("Retry-After")
        .parse()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 429);
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    assert_eq!(set_cookie(&resp, "deflect_session"), None);
    assert_eq!(sessions_stored(&dir), 0);

    // From one address, spraying many accounts hits the per-address limit.
    let mut statuses = Vec::new();
    for n in 0..20 {
        statuses.push(
            log_in(&server, &format!("user{n}@shop.example"), "whatever it is")
                .status()
                .as_u16(),
        );
    }
    assert!(statuses.contains(&429), "{statuses:?}");
}

/// A login form posted without its CSRF token, with a wrong one, or with another
/// browser's, is refused (403) and starts no session.
#[test]
fn a_forged_login_form_is_refused() {
    let (dir, server) = inbox_with_a_ticket(InboxOptions::default());
    let mine = login_form(&server);
    let theirs = login_form(&server);
    let credentials = [("email", AGENT), ("password", PASSWORD)];
    let attempts: [(&str, Option<&str>); 4] = [
        (&mine.cookie, None),
        (&mine.cookie, Some("forged")),
        (&mine.cookie, Some(&theirs.csrf)),
        ("", Some(&mine.csrf)),
    ];
    for (cookie, csrf) in attempts {
        let mut fields = credentials.to_vec();
        if let Some(csrf) = csrf {
            fields.push(("csrf", csrf));
        }
        let resp = post_login(&server, cookie, &fields);
        assert_eq!(resp.status().as_u16(), 403, "{cookie:?} {csrf:?}");
        assert_eq!(set_cookie(&resp, "deflect_session"), None);
    }
    assert_eq!(sessions_stored(&dir), 0);
}

/// The session cookie is `HttpOnly; SameSite=Strict; Path=/`, `Secure` behind an https
/// public URL, and only its digest is stored; the session reads the inbox.
#[test]
fn the_session_cookie_carries_its_flags() {
    for (public, secure) in [(None, false), (Some("https://support.shop.example"), true)] {
        let (_dir, server) = inbox_with_a_ticket(InboxOptions {
            public_urls: public.map(|u| u.parse().unwrap()).into_iter().collect(),
            ..InboxOptions::default()
        });
        let resp = log_in(&server, AGENT, PASSWORD);
        assert_eq!(resp.status().as_u16(), 303);
        assert_eq!(header(&resp, "location").as_deref(), Some("/inbox"));
        let cookie = set_cookie(&resp, "deflect_session").unwrap();
        for flag in ["HttpOnly", "SameSite=Strict", "Path=/", "Max-Age="] {
            assert!(cookie.contains(flag), "{cookie}");
        }
        assert_eq!(cookie.contains("Secure"), secure, "{cookie}");
        let (status, page) = text(get_with_cookie(&server, "/inbox", &pair(&cookie)));
        assert_eq!(status, 200);
        assert!(page.contains(SECRET_EMAIL));
        assert!(page.contains(&format!("Signed in as {AGENT}")));
    }
}

/// Logging out needs the form's CSRF token (403 without, the session lives on); with
/// it the session ends and its cookie reads nothing any more.
#[test]
fn logging_out_kills_the_session() {
    let (dir, server) = inbox_with_a_ticket(InboxOptions::default());
    let cookie = session(&server);
    let (_, page) = text(get_with_cookie(&server, "/inbox", &cookie));
    let marker = "action=\"/logout\"><input type=\"hidden\" name=\"csrf\" value=\"";
    let csrf = value_after(&page, marker).expect("a log out form");
    let log_out = |fields: &[(&str, &str)]| {
        no_redirects()
            .post(server.url("/logout"))
            .header("Cookie", &cookie)
            .send_form(fields.iter().copied())
            .unwrap()
            .status()
            .as_u16()
    };
    assert_eq!(log_out(&[]), 403);
    assert_eq!(log_out(&[("csrf", "forged")]), 403);
    assert_eq!(
        get_with_cookie(&server, "/inbox", &cookie)
            .status()
            .as_u16(),
        200
    );
    assert_eq!(log_out(&[("csrf", &csrf)]), 303);
    assert_eq!(sessions_stored(&dir), 0);
    let resp = get_with_cookie(&server, "/inbox", &cookie);
    assert_eq!(resp.status().as_u16(), 303);
    let (status, body) = text(get_with_cookie(&server, "/api/tickets", &cookie));
    assert_eq!(status, 401);
    assert!(!body.contains(SECRET_EMAIL));
}

/// Removing an agent (`deflect agent remove`) ends their sessions at once: a stolen or
/// still-open browser reads nothing more.
#[test]
fn removing_an_agent_ends_their_sessions() {
    let (dir, server) = inbox_with_a_ticket(InboxOptions::default());
    let cookie = session(&server);
    assert_eq!(
        get_with_cookie(&server, "/inbox", &cookie)
            .status()
            .as_u16(),
        200
    );
    server.store.remove_agent(AGENT).unwrap();
    assert_eq!(sessions_stored(&dir), 0);
    let (status, body) = text(get_with_cookie(&server, "/api/tickets", &cookie));
    assert_eq!(status, 401);
    assert!(!body.contains(SECRET_EMAIL));
    assert_eq!(log_in(&server, AGENT, PASSWORD).status().as_u16(), 401);
}

/// A login returns only to a page of this site: `next` pointing elsewhere lands on the
/// inbox.
#[test]
fn a_login_returns_only_to_this_site() {
    let (_dir, server) = inbox_with_a_ticket(InboxOptions::default());
    for (next, landing) in [
        ("/inbox/insights", "/inbox/insights"),
        ("https://evil.example/", "/inbox"),
        ("//evil.example/", "/inbox"),
        ("/\\evil.example", "/inbox"),
    ] {
        let form = login_form(&server);
        let resp = post_login(
            &server,
            &form.cookie,
            &[
                ("email", AGENT),
                ("password", PASSWORD),
                ("csrf", &form.csrf),
                ("next", next),
            ],
        );
        assert_eq!(resp.status().as_u16(), 303, "{next}");
        assert_eq!(
            header(&resp, "location").as_deref(),
            Some(landing),
            "{next}"
        );
    }
}

/// A revoked API token reads nothing.
#[test]
fn a_revoked_token_is_refused() {
    let (_dir, server) = inbox_with_a_ticket(InboxOptions::default());
    let token = server.store.create_token("exporter").unwrap();
    let url = server.url("/api/tickets");
    assert_eq!(get_as_agent(&url, &token).status().as_u16(), 200);
    server.store.revoke_token("exporter").unwrap();
    let (status, body) = text(get_as_agent(&url, &token));
    assert_eq!(status, 401);
    assert!(!body.contains(SECRET_EMAIL));
}

/// A copy of the database (a backup, a stolen file) holds no password, API token or
/// session token, only their hashes.
#[test]
fn passwords_and_tokens_are_not_stored_in_plain_text() {
    let (dir, server) = inbox_with_a_ticket(InboxOptions::default());
    let token = server.store.create_token("exporter").unwrap();
    let cookie = session(&server);
    let session_token = cookie.split_once('=').unwrap().1.to_owned();
    let mut bytes = Vec::new();
    for file in ["tickets.db", "tickets.db-wal"] {
        if let Ok(content) = std::fs::read(dir.path().join(file)) {
            bytes.extend(content);
        }
    }
    let contains = |needle: &str| bytes.windows(needle.len()).any(|w| w == needle.as_bytes());
    assert!(contains(AGENT), "the file is readable as it is");
    assert!(contains("$argon2id$"), "the password is an argon2id hash");
    for secret in [
        PASSWORD,
        token.as_str(),
        &token[4..],
        session_token.as_str(),
        &server.token,
    ] {
        assert!(!contains(secret), "{secret:?} is in the database file");
    }
}

/// 300 tickets: a page holds at most 50, and its `Link: rel="next"` (JSON) and "Older
/// tickets" link (page) walk all of them once, newest first.
#[test]
fn a_page_holds_at_most_fifty_tickets_and_links_the_next() {
    let (_dir, server) = with_server(InboxOptions::default());
    for n in 0..300 {
        let ticket = Ticket::example(&format!("paged-{n:04}"));
        let json = serde_json::to_string(&ticket).unwrap();
        server.store.insert(&ticket, &json).unwrap();
    }
    let mut seen = Vec::new();
    let mut next = Some("/api/tickets".to_owned());
    while let Some(path) = next.take() {
        let resp = server.read(&path);
        assert_eq!(resp.status().as_u16(), 200, "{path}");
        next = header(&resp, "link").map(|link| {
            let (target, rel) = link.split_once(">; ").unwrap();
            assert_eq!(rel, "rel=\"next\"");
            target.trim_start_matches('<').to_owned()
        });
        let page: Vec<serde_json::Value> = serde_json::from_str(&text(resp).1).unwrap();
        assert!(
            !page.is_empty() && page.len() <= 50,
            "{path}: {}",
            page.len()
        );
        seen.extend(page.iter().map(|t| t["id"].as_str().unwrap().to_owned()));
    }
    let newest_first: Vec<String> = (0..300).rev().map(|n| format!("paged-{n:04}")).collect();
    assert_eq!(seen, newest_first);

    let (status, html) = server.get_text("/inbox");
    assert_eq!(status, 200);
    assert_eq!(html.matches("<article>").count(), 50);
    assert!(html.contains("300 tickets"));
    let older = html
        .split("<a href=\"")
        .find_map(|rest| rest.split_once("\" rel=\"next\">Older tickets"))
        .expect("an Older tickets link")
        .0
        .replace("&amp;", "&");
    let (status, html) = server.get_text(&older);
    assert_eq!(status, 200);
    assert!(
        html.contains("paged-0249") && !html.contains("paged-0250"),
        "{older}"
    );

    for bad in [
        "/api/tickets?limit=201",
        "/api/tickets?limit=0",
        "/api/tickets?before=x",
    ] {
        let (status, body) = text(server.read(bad));
        assert_eq!(status, 400, "{bad}: {body}");
        assert!(body.contains("\"error\""), "{bad}");
    }
}
