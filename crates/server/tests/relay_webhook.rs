//! The relay's webhook requests as a real receiver takes them: composed and signed by
//! `deflect_server::relay::webhook`, POSTed over loopback, and verified by
//! `tests/relay/webhook-receiver.mjs` with the Standard Webhooks reference library
//! (npm `standardwebhooks`), not with Deflect's code. A retry carries the same
//! `webhook-id`, so the receiver counts it as a duplicate, not a second delivery.

mod common;

use std::time::{Duration, SystemTime};

use deflect_server::relay::event::RelayEvent;
use deflect_server::relay::webhook::{self, WebhookRequest, WebhookSecret, WebhookShape};

use common::{NodeServer, stored};

/// A secret as an operator makes one (`openssl rand -base64 32`, prefixed).
const SECRET: &str = "whsec_9NaW1v1qv2a7aVn2GWdXQ3vG0n0s8cR1mZ6m0m2zq2s=";

fn post(port: u16, request: &WebhookRequest) -> u16 {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(10)))
        .build()
        .into();
    let mut call = agent.post(format!("http://127.0.0.1:{port}/hooks"));
    for (name, value) in &request.headers {
        call = call.header(*name, value);
    }
    call.send(request.body.as_str())
        .expect("the receiver answers")
        .status()
        .as_u16()
}

#[test]
fn the_reference_library_verifies_both_events_and_sees_a_retry_as_the_same_id() {
    let mut receiver = NodeServer::start("webhook-receiver.mjs", &["--secret", SECRET]);
    let url = format!("http://127.0.0.1:{}/hooks", receiver.port);
    let shape = WebhookShape::Standard(WebhookSecret::parse(SECRET).unwrap());
    let (stored, follow_up) = stored();
    let created = RelayEvent::Created { ticket: &stored };
    let added = RelayEvent::FollowUp {
        ticket: &stored,
        follow_up: &follow_up,
    };
    let now = SystemTime::now();
    for event in [&created, &added] {
        let request = webhook::request(event, &url, &shape, None, now).unwrap();
        assert_eq!(post(receiver.port, &request), 204);
        let delivery = receiver.next("delivery");
        assert_eq!(delivery["id"], request.id.as_str());
        assert_eq!(delivery["type"], event.kind());
        assert_eq!(delivery["duplicate"], false);
    }

    let retry = webhook::request(&created, &url, &shape, None, now + Duration::from_secs(30));
    assert_eq!(post(receiver.port, &retry.unwrap()), 204);
    assert_eq!(
        receiver.next("delivery")["duplicate"],
        true,
        "same id on a retry"
    );

    let other = WebhookShape::Standard(
        WebhookSecret::parse("whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD").unwrap(),
    );
    let forged = webhook::request(&created, &url, &other, None, now).unwrap();
    assert_eq!(post(receiver.port, &forged), 401);
    receiver.next("rejected-signature");
}
