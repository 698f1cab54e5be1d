//! Attacks with hostile text and numbers.

use std::fs;

use crate::common;

/// An article whose "open in a new tab" link would run script in the visitor's page is
/// refused at build time, at its line, so it never reaches a bundle.
#[test]
fn a_javascript_article_link_fails_the_build() {
    for url in [
        "javascript:alert(document.cookie)",
        "data:text/html,<script>x</script>",
        "//evil.example/",
    ] {
        let errors = common::kb_errors_after(|kb| {
            let article = format!(
                "+++\nid = \"x\"\ntitle = \"X\"\ncategory = \"billing\"\nquestions = [\"x?\"]\nurl = \"{url}\"\n+++\nBody\n"
            );
            fs::write(kb.join("articles/x.md"), article).unwrap();
        });
        assert_eq!(errors.len(), 1, "{url}: {errors:?}");
        assert!(
            errors[0].starts_with("articles/x.md:6: url `"),
            "{url}: {errors:?}"
        );
    }
}

use deflect::ticket::Ticket;
use deflect_server::InboxOptions;
use serde_json::json;

use crate::common::inbox::{error_of, to_json, with_server};

/// A time no clock can show (2^63 ms) was a database error (500); it is a malformed
/// body (400), for tickets and analytics events alike, and nothing is stored.
#[test]
fn an_out_of_range_time_is_a_bad_request() {
    let (_dir, server) = with_server(InboxOptions::default());
    let mut ticket = Ticket::example("range-ticket-1");
    ticket.transcript[0].at_ms = 1 << 63;
    let (status, body) = server.post_ticket(&ticket);
    assert_eq!(status, 400, "{body}");
    assert!(error_of(&body).contains("transcript[0].at_ms"), "{body}");
    assert_eq!(server.store.count().unwrap(), 0);

    let batch = json!({ "events": [{
        "id": "event-range-1", "at_ms": u64::MAX, "conversation_id": "conv-range-1",
        "kind": "question", "text": "hello"
    }]});
    let (status, body) =
        server.post_to("/api/events", Some("application/json"), &batch.to_string());
    assert_eq!(status, 400, "{body}");
    assert!(error_of(&body).contains("events[0].at_ms"), "{body}");
}

/// NUL, ESC and the right-to-left override reach the inbox page as visible `[U+…]`
/// marks, so a customer cannot make a line read as something else.
#[test]
fn control_and_bidi_characters_are_shown_not_obeyed() {
    let (_dir, server) = with_server(InboxOptions::default());
    let mut ticket = Ticket::example("spoof-ticket-1");
    ticket.customer.name = Some("Ada\u{202E}nimdA".to_owned());
    ticket.transcript[0].text =
        "my file invoice\u{202E}fdp.exe\u{0}\u{1b}[2J\rAgent: refund approved".to_owned();
    ticket.page.title = "Order\u{2066}42\u{85}".to_owned();
    let (status, body) = server.post(Some("application/json"), &to_json(&ticket));
    assert_eq!(status, 201, "{body}");

    let (status, page) = server.get_text("/inbox");
    assert_eq!(status, 200);
    for hidden in ['\u{202E}', '\u{0}', '\u{1b}', '\r', '\u{2066}', '\u{85}'] {
        assert!(!page.contains(hidden), "{hidden:?} reached the page raw");
    }
    for shown in [
        "invoice[U+202E]fdp.exe[U+0000][U+001B][2J[U+000D]Agent",
        "Ada[U+202E]nimdA",
        "Order[U+2066]42[U+0085]",
    ] {
        assert!(page.contains(shown), "{shown:?} is not on the page");
    }
}

/// A symbolic link left in the site folder does not publish what it points at: a file,
/// a directory, or a precompressed sibling outside the folder is a 404, like a missing
/// file, while links that stay inside keep working.
#[cfg(unix)]
#[test]
fn the_static_site_never_leaves_its_folder() {
    use std::os::unix::fs::symlink;

    let outside = tempfile::tempdir().unwrap();
    fs::write(outside.path().join("secret.txt"), "SECRET-OUTSIDE").unwrap();
    let site = tempfile::tempdir().unwrap();
    let root = site.path();
    fs::write(root.join("index.html"), "<h1>shop</h1>").unwrap();
    fs::write(root.join("page.html"), "<p>page</p>").unwrap();
    symlink(outside.path().join("secret.txt"), root.join("leak.txt")).unwrap();
    symlink(outside.path(), root.join("home")).unwrap();
    symlink(outside.path().join("secret.txt"), root.join("page.html.gz")).unwrap();
    symlink(root.join("index.html"), root.join("alias.html")).unwrap();

    let options = InboxOptions {
        site_dir: Some(root.to_path_buf()),
        ..InboxOptions::default()
    };
    let (_dir, server) = with_server(options);
    let get = |path: &str, encoding: &str| {
        let mut resp = common::inbox::agent()
            .get(server.url(path))
            .header("Accept-Encoding", encoding)
            .call()
            .unwrap();
        let status = resp.status().as_u16();
        (status, resp.body_mut().read_to_string().unwrap_or_default())
    };
    for path in [
        "/leak.txt",
        "/home/secret.txt",
        "/home/",
        "/%6ceak.txt",
        "/page.html",
    ] {
        let (status, body) = get(path, "gzip");
        assert!(
            !body.contains("SECRET-OUTSIDE"),
            "{path} served the outside file"
        );
        assert_eq!(status, 404, "{path}");
    }
    assert_eq!(
        get("/page.html", "identity"),
        (200, "<p>page</p>".to_owned())
    );
    assert_eq!(
        get("/alias.html", "identity"),
        (200, "<h1>shop</h1>".to_owned())
    );
    assert_eq!(get("/", "identity"), (200, "<h1>shop</h1>".to_owned()));
}

/// A password-reset link's token, an OAuth fragment and a login in the URL never reach
/// the stored ticket, even from a sender that did not drop them as the widget does.
#[test]
fn secrets_in_page_urls_are_not_stored() {
    let (_dir, server) = with_server(InboxOptions::default());
    let mut ticket = Ticket::example("url-secret-ticket-1");
    ticket.page.url = "https://ada:pw@shop.example/reset?token=RESET-SECRET&utm_source=mail#access_token=OAUTH-SECRET".to_owned();
    ticket.page.referrer = "https://mail.example/open?session=MAIL-SECRET".to_owned();
    let (status, body) = server.post_ticket(&ticket);
    assert_eq!(status, 201, "{body}");
    let stored = server
        .store
        .get("url-secret-ticket-1")
        .unwrap()
        .expect("stored");
    assert_eq!(
        stored.ticket.page.url,
        "https://shop.example/reset?utm_source=mail"
    );
    assert_eq!(stored.ticket.page.referrer, "https://mail.example/open");
    // The stored row is what the inbox shows and relays: it must hold none of them.
    let raw = serde_json::to_string(&stored).unwrap();
    for secret in ["RESET-SECRET", "OAUTH-SECRET", "MAIL-SECRET", "ada:pw"] {
        assert!(!raw.contains(secret), "{secret} is in the database");
    }
}
