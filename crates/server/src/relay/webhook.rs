//! The webhook request for an event, signed as Standard Webhooks
//! (<https://www.standardwebhooks.com/>): a JSON body
//! `{"type": "ticket.created" | "ticket.follow_up", "timestamp": RFC 3339, "data": …}`
//! whose `data` is the ticket as `GET /api/tickets` returns it (plus `follow_up` for a
//! follow-up), and the headers `webhook-id` (the same on every retry of one event to
//! one destination, so a receiver keeps one), `webhook-timestamp` (seconds, at send
//! time) and `webhook-signature: v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`.
//! Signing is the reference crate's (`standardwebhooks`); any of the reference
//! libraries verifies it. Slack and Discord take their own shapes
//! ([`super::chat_webhook`]).

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use standardwebhooks::Webhook;

use super::chat_webhook;
use super::compose_error::ComposeError;
use super::event::RelayEvent;

/// The prefix of a Standard Webhooks secret; the rest is base64.
pub const SECRET_PREFIX: &str = "whsec_";
/// Key lengths the spec allows, in bytes.
const KEY_BYTES: std::ops::RangeInclusive<usize> = 24..=64;

/// A webhook signing secret, `whsec_<base64 of 24 to 64 random bytes>`: shown by
/// `Debug` only as redacted, so it never reaches a log.
#[derive(Clone)]
pub struct WebhookSecret(Arc<Webhook>);

impl fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WebhookSecret(redacted)")
    }
}

impl WebhookSecret {
    /// The secret from its `whsec_…` text (as the receiver was given it).
    pub fn parse(text: &str) -> Result<Self, ComposeError> {
        let encoded = text
            .trim()
            .strip_prefix(SECRET_PREFIX)
            .ok_or_else(|| ComposeError::Secret(format!("must start with {SECRET_PREFIX:?}")))?;
        let key = base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .map_err(|e| {
                ComposeError::Secret(format!(
                    "the part after {SECRET_PREFIX:?} is not base64: {e}"
                ))
            })?;
        if !KEY_BYTES.contains(&key.len()) {
            return Err(ComposeError::Secret(format!(
                "{} bytes; Standard Webhooks keys are 24 to 64 bytes (e.g. `openssl rand -base64 32`)",
                key.len()
            )));
        }
        let webhook = Webhook::from_bytes(key).map_err(|e| ComposeError::Secret(e.to_string()))?;
        Ok(Self(Arc::new(webhook)))
    }

    /// `v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`.
    pub fn sign(&self, id: &str, timestamp: i64, body: &str) -> String {
        self.0
            .sign(id, timestamp, body.as_bytes())
            .expect("a &str body is UTF-8, the one thing signing checks")
    }
}

/// How a destination wants its requests.
#[derive(Debug, Clone)]
pub enum WebhookShape {
    /// Standard Webhooks, signed with the destination's secret.
    Standard(WebhookSecret),
    /// A Slack incoming webhook (unsigned: Slack authenticates by the URL's secret).
    Slack,
    /// A Discord webhook (unsigned: Discord authenticates by the URL's token).
    Discord,
}

/// A request ready to POST: its id (stable per event and destination), JSON body and
/// headers (content type, and for Standard Webhooks the three signature headers).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookRequest {
    pub id: String,
    pub body: String,
    pub headers: Vec<(&'static str, String)>,
}

/// The request for `event` to `destination` (its URL), shaped as it wants, signed at
/// `now`; `inbox_url` (the inbox's public URL) is linked from chat messages.
pub fn request(
    event: &RelayEvent<'_>,
    destination: &str,
    shape: &WebhookShape,
    inbox_url: Option<&str>,
    now: SystemTime,
) -> Result<WebhookRequest, ComposeError> {
    let id = event.delivery_id(destination);
    let content_type = ("content-type", "application/json".to_owned());
    let body = match shape {
        WebhookShape::Standard(secret) => return standard(event, id, secret, now),
        WebhookShape::Slack => chat_webhook::slack(event, inbox_url),
        WebhookShape::Discord => chat_webhook::discord(event, inbox_url),
    };
    Ok(WebhookRequest {
        id,
        body: body.to_string(),
        headers: vec![content_type],
    })
}

/// The Standard Webhooks request: payload, id, timestamp and signature.
fn standard(
    event: &RelayEvent<'_>,
    id: String,
    secret: &WebhookSecret,
    now: SystemTime,
) -> Result<WebhookRequest, ComposeError> {
    let body = serde_json::to_string(&payload(event)?)?;
    let timestamp = now
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
    let signature = secret.sign(&id, timestamp, &body);
    Ok(WebhookRequest {
        headers: vec![
            ("content-type", "application/json".to_owned()),
            (standardwebhooks::HEADER_WEBHOOK_ID, id.clone()),
            (
                standardwebhooks::HEADER_WEBHOOK_TIMESTAMP,
                timestamp.to_string(),
            ),
            (standardwebhooks::HEADER_WEBHOOK_SIGNATURE, signature),
        ],
        id,
        body,
    })
}

/// `{"type", "timestamp", "data"}`: `timestamp` is when the event happened
/// ([`RelayEvent::at_ms`]), `data` the stored ticket (and the follow-up).
pub fn payload(event: &RelayEvent<'_>) -> Result<serde_json::Value, ComposeError> {
    let mut data = serde_json::to_value(event.ticket())?;
    if let (Some(follow_up), Some(object)) = (event.follow_up(), data.as_object_mut()) {
        object.insert("follow_up".to_owned(), serde_json::to_value(follow_up)?);
    }
    let at = UNIX_EPOCH + Duration::from_millis(event.at_ms());
    Ok(serde_json::json!({
        "type": event.kind(),
        "timestamp": humantime::format_rfc3339_millis(at).to_string(),
        "data": data,
    }))
}

#[cfg(test)]
mod tests {
    use super::super::fixture;
    use super::*;

    /// The reference implementation's own test vector (standardwebhooks 1.0.1).
    const SPEC_SECRET: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";

    #[test]
    fn signatures_match_the_reference_vector() {
        let secret = WebhookSecret::parse(SPEC_SECRET).unwrap();
        assert_eq!(
            secret.sign(
                "msg_27UH4WbU6Z5A5EzD8u03UvzRbpk",
                1_649_367_553,
                r#"{"email":"test@example.com","username":"test_user"}"#
            ),
            "v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw="
        );
        assert_eq!(format!("{secret:?}"), "WebhookSecret(redacted)");
    }

    #[test]
    fn secrets_that_are_not_whsec_base64_of_24_to_64_bytes_are_refused() {
        for bad in [
            "C2FVsBQIhrscChlQIMV+b5sSYspob7oD",
            "whsec_not base64!",
            "whsec_c2hvcnQ=",
        ] {
            assert!(WebhookSecret::parse(bad).is_err(), "{bad}");
        }
    }

    fn header<'a>(request: &'a WebhookRequest, name: &str) -> &'a str {
        &request.headers.iter().find(|(n, _)| *n == name).unwrap().1
    }

    #[test]
    fn a_follow_up_request_is_signed_verifiably_with_a_stable_id() {
        let (stored, follow_up) = (fixture::stored(), fixture::follow_up());
        let event = RelayEvent::FollowUp {
            ticket: &stored,
            follow_up: &follow_up,
        };
        let shape = WebhookShape::Standard(WebhookSecret::parse(SPEC_SECRET).unwrap());
        let url = "https://hooks.example/deflect";
        let now = SystemTime::now();
        let request = super::request(&event, url, &shape, None, now).unwrap();
        let later =
            super::request(&event, url, &shape, None, now + Duration::from_secs(90)).unwrap();
        assert_eq!(header(&request, "webhook-id"), header(&later, "webhook-id"));
        assert_ne!(
            header(&request, "webhook-timestamp"),
            header(&later, "webhook-timestamp")
        );

        let mut headers = axum::http::HeaderMap::new();
        for (name, value) in &request.headers {
            headers.insert(*name, value.parse().unwrap());
        }
        let verifier = standardwebhooks::Webhook::new(SPEC_SECRET).unwrap();
        verifier.verify(request.body.as_bytes(), &headers).unwrap();
        headers.insert("webhook-signature", "v1,AAAA".parse().unwrap());
        assert!(verifier.verify(request.body.as_bytes(), &headers).is_err());

        let body: serde_json::Value = serde_json::from_str(&request.body).unwrap();
        assert_eq!(body["type"], "ticket.follow_up");
        assert_eq!(body["timestamp"], "2025-12-29T09:23:20.000Z");
        assert_eq!(body["data"]["id"], fixture::TICKET_ID);
        assert_eq!(body["data"]["follow_up"]["id"], follow_up.id);
        assert_eq!(body["data"]["server_check"]["queue"], "Billing");
    }
}
