//! `deflect learn` end to end: a real `deflect serve` receives analytics events and
//! tickets over its HTTP API, an agent logs in and resolves a ticket with an article
//! through the inbox's form, then `deflect learn` reads that inbox, proposes questions
//! (deduplicated, capped, never with personal data, with where each came from), the
//! author accepts the proposal and the KB builds with it.

mod common;

use std::path::Path;
use std::time::Duration;

use common::{Serving, copy_dir, succeeded};

use deflect_engine::ticket::Ticket;
use serde_json::{Value, json};

const AGENT: &str = "ann@shop.example";
const PASSWORD: &str = "a long passphrase";

fn deflect(args: &[&str], stdin: &str) -> std::process::Output {
    common::deflect(args, None, stdin)
}

/// `deflect learn` on the inbox at `db` for the KB at `kb`, three questions per article.
fn learn(db: &str, kb: &str) -> String {
    let args = [
        "learn",
        "--database",
        db,
        "--kb",
        kb,
        "--max-per-article",
        "3",
    ];
    succeeded(&deflect(&args, ""))
}

/// `deflect serve` checking tickets against `kb`; its base URL.
fn serve(db: &Path, site: &Path, kb: &Path) -> (Serving, String) {
    let args = [
        Path::new("--site"),
        site,
        Path::new("--kb"),
        kb,
        Path::new("--database"),
        db,
    ];
    common::serve(&args)
}

fn client() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into()
}

/// One analytics event as the widget sends it.
fn event(
    n: usize,
    conversation: &str,
    kind: &str,
    article: Option<&str>,
    text: Option<&str>,
) -> Value {
    json!({
        "id": format!("learn-event-{n:04}"),
        "at_ms": 1_767_000_000_000u64 + n as u64,
        "conversation_id": format!("learn-conv-{conversation}"),
        "kind": kind,
        "article": article,
        "text": text,
        "lang": "en",
    })
}

/// The visitors' side: "Did this help?" Yes with questions (some with personal data,
/// some the article already has, more than the cap), and questions nothing answered.
fn post_events(base: &str) {
    let refund = Some("refund-policy");
    let helped = [
        ("a1", refund, "Can I get my money back?"),
        ("a2", refund, "can i get my  money back"),
        ("a3", refund, "CAN I GET MY MONEY BACK"),
        ("a3", refund, "can i get my money back"), // the same conversation counts once
        ("b1", refund, "money back please"),
        ("b2", refund, "Money back, please!"),
        ("c1", refund, "how do refunds work here"),
        ("c2", refund, "return my payment"),
        ("c3", refund, "i'd like my cash returned"),
        ("d1", refund, "I want my money back"), // an example the article has
        ("p1", refund, "refund to 4242 4242 4242 4242 please"),
        ("p2", refund, "email me at maya@example.com about a refund"),
        ("p3", refund, "refund for order BA-10432"),
        ("p4", refund, "call me on 555 123 4567 about my refund"),
        (
            "p5",
            refund,
            "https://shop.example/account?token=8f3a9c refund",
        ),
        (
            "r1",
            Some("reset-password"),
            "the reset mail never shows up",
        ),
    ];
    let mut events: Vec<Value> = helped
        .iter()
        .enumerate()
        .map(|(n, (conv, article, text))| event(n, conv, "helped", *article, Some(text)))
        .collect();
    // An older widget's Yes, without the question: nothing to learn from it.
    events.push(event(100, "e1", "helped", refund, None));
    for (n, (conv, text)) in [
        ("g1", "do you sell easels"),
        ("g2", "Do you sell easels?"),
        ("g3", "do you sell easels"),
        ("g4", "my email is bob@example.com"),
    ]
    .iter()
    .enumerate()
    {
        events.push(event(200 + n, conv, "unanswered", None, Some(text)));
    }
    let resp = client()
        .post(format!("{base}/api/events"))
        .header("Content-Type", "application/json")
        .send(&json!({ "events": events }).to_string())
        .unwrap();
    assert_eq!(resp.status(), 200);
}

/// The `name=value` of the cookie `name` the response sets.
fn cookie(resp: &ureq::http::Response<ureq::Body>, name: &str) -> String {
    resp.headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_owned())
        .find(|c| c.starts_with(&format!("{name}=")))
        .unwrap_or_else(|| panic!("no {name} cookie"))
}

fn csrf_in(html: &str) -> String {
    let rest = html.split("name=\"csrf\" value=\"").nth(1).expect("a form");
    rest.split('"').next().unwrap().to_owned()
}

/// Logs in through the login form; the session cookie.
fn log_in(base: &str) -> String {
    let mut form = client().get(format!("{base}/login")).call().unwrap();
    let login_cookie = cookie(&form, "deflect_login");
    let csrf = csrf_in(&form.body_mut().read_to_string().unwrap());
    let resp = client()
        .post(format!("{base}/login"))
        .header("Cookie", &login_cookie)
        .send_form([
            ("email", AGENT),
            ("password", PASSWORD),
            ("csrf", csrf.as_str()),
        ])
        .unwrap();
    assert_eq!(resp.status(), 303);
    cookie(&resp, "deflect_session")
}

fn inbox_page(base: &str, session: &str) -> String {
    let mut page = client()
        .get(format!("{base}/inbox"))
        .header("Cookie", session)
        .call()
        .unwrap();
    assert_eq!(page.status(), 200);
    page.body_mut().read_to_string().unwrap()
}

/// The agents' side: two tickets arrive; an agent resolves one with an article through
/// the inbox's form (a form without its CSRF token, or naming no article of the KB, is
/// refused).
fn resolve_a_ticket(base: &str) {
    for id in ["learn-ticket-0001", "learn-ticket-0002"] {
        let ticket = serde_json::to_string(&Ticket::example(id)).unwrap();
        let resp = client()
            .post(format!("{base}/api/tickets"))
            .header("Content-Type", "application/json")
            .send(&ticket)
            .unwrap();
        assert_eq!(resp.status(), 201);
    }
    let session = log_in(base);
    let html = inbox_page(base, &session);
    assert!(
        html.contains("<option value=\"duplicate-charge\">"),
        "the form offers the KB's articles"
    );
    let csrf = csrf_in(&html);
    let url = format!("{base}/inbox/tickets/learn-ticket-0001/resolve");
    let post = |fields: &[(&str, &str)]| {
        client()
            .post(&url)
            .header("Cookie", &session)
            .send_form(fields.iter().copied())
            .unwrap()
            .status()
    };
    assert_eq!(post(&[("article", "duplicate-charge")]), 403);
    assert_eq!(
        post(&[("article", "no-such-article"), ("csrf", &csrf)]),
        422
    );
    assert_eq!(
        post(&[("article", "duplicate-charge"), ("csrf", &csrf)]),
        303
    );
    let html = inbox_page(base, &session);
    assert!(html.contains("Resolved with <code>duplicate-charge</code> by ann@shop.example"));
}

/// The proposal's questions for `article`, read as TOML.
fn proposed(kb: &Path, article: &str) -> Vec<String> {
    let text = std::fs::read_to_string(kb.join("learned-questions.proposed.toml")).unwrap();
    let file: toml::Value = toml::from_str(&text).unwrap();
    file["article"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["id"].as_str() == Some(article))
        .flat_map(|a| a["questions"].as_array().unwrap().iter())
        .map(|q| q.as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn the_inbox_traffic_becomes_a_reviewed_proposal_that_builds() {
    let work = tempfile::tempdir().unwrap();
    let kb = work.path().join("kb");
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../../kb"), &kb);
    let db = work.path().join("inbox.sqlite");
    let db_arg = db.to_str().unwrap();
    let kb_arg = kb.to_str().unwrap();
    succeeded(&deflect(
        &[
            "agent",
            "add",
            AGENT,
            "--password-stdin",
            "--database",
            db_arg,
        ],
        &format!("{PASSWORD}\n"),
    ));
    {
        let site = tempfile::tempdir().unwrap();
        let (_serving, base) = serve(&db, site.path(), &kb);
        post_events(&base);
        resolve_a_ticket(&base);
    }

    let out = learn(db_arg, kb_arg);
    assert!(
        out.contains("read 16 helped questions, 1 resolved tickets and 4 unanswered questions"),
        "{out}"
    );
    assert!(out.contains("left out: 1 already example questions, 2 over the cap, 0 for articles the KB no longer has, 6 with personal data (1 a card number, 1 a phone number, 1 a web address with a token, 2 an email address, 1 an order number; never proposed)"), "{out}");
    assert!(out.contains("matching tests: 17/17 pass now, "), "{out}");
    let text = std::fs::read_to_string(kb.join("learned-questions.proposed.toml")).unwrap();
    for secret in ["4242", "maya@", "bob@", "BA-10432", "555 123", "token="] {
        assert!(
            !text.contains(secret) && !out.contains(secret),
            "{secret} in\n{text}\n{out}"
        );
    }
    let refund = proposed(&kb, "refund-policy");
    assert_eq!(refund.len(), 3, "{refund:?}");
    assert_eq!(
        &refund[..2],
        ["Can I get my money back?", "money back please"]
    );
    assert!(
        text.contains(
            "\"Can I get my money back?\",  # visitors said it helped: 3 conversations; last seen "
        ),
        "{text}"
    );
    assert_eq!(
        proposed(&kb, "reset-password"),
        ["the reset mail never shows up"]
    );
    assert_eq!(
        proposed(&kb, "duplicate-charge"),
        ["I was charged twice, I want a refund"]
    );
    assert!(
        text.contains("# agents resolved 1 ticket with it; last seen "),
        "{text}"
    );
    assert!(
        text.contains("#   \"do you sell easels\" (asked in 3 conversations)"),
        "{text}"
    );

    let out = succeeded(&deflect(&["learn", "accept", "--kb", kb_arg], ""));
    assert!(out.contains("accepted 5 questions"), "{out}");
    assert!(!kb.join("learned-questions.proposed.toml").exists());
    let checked = succeeded(&deflect(&["check", "--kb", kb_arg], ""));
    assert!(
        checked.contains("matching cases: 17 passed, 0 failed"),
        "{checked}"
    );

    // What was accepted is an example question now: it is not proposed again.
    let out = learn(db_arg, kb_arg);
    assert!(
        out.contains("left out: 6 already example questions, 0 over the cap"),
        "{out}"
    );
    assert!(!proposed(&kb, "refund-policy").contains(&"Can I get my money back?".to_owned()));
    succeeded(&deflect(&["learn", "reject", "--kb", kb_arg], ""));
    assert!(!kb.join("learned-questions.proposed.toml").exists());
}

/// A mistyped inbox path is named, not created empty and learned nothing from.
#[test]
fn a_missing_inbox_database_is_named() {
    let work = tempfile::tempdir().unwrap();
    let kb = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../kb");
    let missing = work.path().join("no-such-inbox.sqlite");
    let out = deflect(
        &[
            "learn",
            "--database",
            missing.to_str().unwrap(),
            "--kb",
            kb.to_str().unwrap(),
        ],
        "",
    );
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("no-such-inbox.sqlite: no inbox database there"),
        "{stderr}"
    );
    assert!(!missing.exists());
    assert!(!kb.join("learned-questions.proposed.toml").exists());
}
