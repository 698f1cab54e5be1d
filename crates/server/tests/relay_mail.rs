//! The relay's emails as a real SMTP server receives them: composed by
//! `deflect_server::relay`, sent with lettre's async SMTP transport (AUTH PLAIN, and
//! STARTTLS with AUTH LOGIN), received and parsed by `tests/relay/smtp-sink.mjs`
//! (npm smtp-server + mailparser), and checked on what the sink parsed: threading,
//! Reply-To, the attachment, card numbers still masked, visitor markup escaped.

mod common;

use base64::Engine as _;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use serde_json::Value;

use deflect_server::relay::email::{self, EmailRoute};
use deflect_server::relay::event::RelayEvent;

use common::{NodeServer, root, stored};

/// The sink's account (its defaults).
const USER: &str = "relay";
const PASSWORD: &str = "relay-password";

fn route() -> EmailRoute {
    EmailRoute::parse(
        "Deflect relay <relay@relay.example>",
        "support@shop.example",
        None,
    )
    .unwrap()
}

fn emails() -> (Message, Message) {
    let (stored, follow_up) = stored();
    let created = email::compose(&RelayEvent::Created { ticket: &stored }, &route()).unwrap();
    let event = RelayEvent::FollowUp {
        ticket: &stored,
        follow_up: &follow_up,
    };
    (created, email::compose(&event, &route()).unwrap())
}

fn transport(port: u16, tls: Tls, mechanism: Mechanism) -> AsyncSmtpTransport<Tokio1Executor> {
    AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous("127.0.0.1")
        .port(port)
        .tls(tls)
        .credentials(Credentials::new(USER.to_owned(), PASSWORD.to_owned()))
        .authentication(vec![mechanism])
        .build()
}

#[tokio::test]
async fn created_and_follow_up_arrive_as_one_thread_replying_to_the_customer() {
    let mut sink = NodeServer::start("smtp-sink.mjs", &[]);
    let smtp = transport(sink.port, Tls::None, Mechanism::Plain);
    let (created, follow_up) = emails();
    smtp.send(created)
        .await
        .expect("the sink accepts the created email");
    smtp.send(follow_up)
        .await
        .expect("the sink accepts the follow-up");
    let first = sink.next("message");
    let second = sink.next("message");

    assert_eq!(first["user"], USER, "sent after AUTH PLAIN");
    assert_eq!(first["from"], "relay@relay.example");
    assert_eq!(first["to"], serde_json::json!(["support@shop.example"]));
    assert_eq!(first["replyTo"], "maya@example.com");
    assert!(
        first["subject"].as_str().unwrap().ends_with("Ref 5F1D2E3C"),
        "{}",
        first["subject"]
    );
    let thread = first["messageId"].as_str().unwrap();
    assert!(thread.starts_with("<deflect.5f1d2e3c-aaaa-4bbb-8ccc-0123456789ab.created."));
    assert_eq!(second["inReplyTo"], thread);
    assert_eq!(second["references"], serde_json::json!([thread]));
    assert_eq!(
        second["subject"],
        format!("Re: {}", first["subject"].as_str().unwrap())
    );
    assert_eq!(second["replyTo"], "maya@example.com");

    for mail in [&first, &second] {
        let text = mail["text"].as_str().unwrap();
        let html = mail["html"].as_str().unwrap();
        assert!(text.contains("**** **** **** 4242"), "{text}");
        assert!(html.contains("**** **** **** 4242"));
        assert!(
            html.contains("&lt;script&gt;") && !html.contains("<script>"),
            "{html}"
        );
        let attachment = &mail["attachments"][0];
        assert_eq!(attachment["filename"], "ticket-5F1D2E3C.json");
        assert_eq!(attachment["contentType"], "application/json");
        let json = base64::engine::general_purpose::STANDARD
            .decode(attachment["content"].as_str().unwrap())
            .unwrap();
        let ticket: Value = serde_json::from_slice(&json).unwrap();
        assert_eq!(ticket["id"], "5f1d2e3c-aaaa-4bbb-8ccc-0123456789ab");
        assert_eq!(ticket["reply_to"]["email"], "maya@example.com");
        let transcript = ticket["transcript"][0]["text"].as_str().unwrap();
        assert!(transcript.contains("**** **** **** 4242") && !transcript.contains("4242 4242"));
    }
    assert!(
        second["text"]
            .as_str()
            .unwrap()
            .contains("order_id: BA-10432")
    );
}

#[tokio::test]
async fn a_4xx_is_a_transient_error_and_the_retry_is_the_same_message_once() {
    let mut sink = NodeServer::start(
        "smtp-sink.mjs",
        &["--fail-first", "1", "--fail-code", "451"],
    );
    let smtp = transport(sink.port, Tls::None, Mechanism::Plain);
    let (created, _) = emails();
    let error = smtp.send(created.clone()).await.unwrap_err();
    assert!(error.is_transient(), "451 means try again: {error}");
    assert_eq!(sink.next("rejected")["code"], 451);
    smtp.send(created).await.expect("the retry is accepted");
    let mail = sink.next("message");
    assert!(mail["messageId"].as_str().unwrap().contains(".created."));
}

#[tokio::test]
async fn starttls_with_auth_login_reaches_the_sink_encrypted() {
    let mut sink = NodeServer::start("smtp-sink.mjs", &[]);
    // The sink's self-signed test certificate is the one root trusted: the name and
    // the chain are checked as for a real server.
    let pem = std::fs::read(root().join("tests/relay/tls/localhost.crt")).unwrap();
    let tls = TlsParameters::builder("localhost".to_owned())
        .add_root_certificate(Certificate::from_pem(&pem).unwrap())
        .build_rustls()
        .unwrap();
    let smtp = transport(sink.port, Tls::Required(tls), Mechanism::Login);
    let (created, _) = emails();
    smtp.send(created)
        .await
        .expect("STARTTLS, AUTH LOGIN, DATA");
    let mail = sink.next("message");
    assert_eq!(mail["tls"], true);
    assert_eq!(mail["user"], USER);
}
