//! Reading an endpoint's request body: its Content-Type, its size cap, its text and its
//! JSON, each refused with the [`ApiError`] a sender can act on.

use axum::body::Body;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::http::header::{self, HeaderMap};
use serde::de::DeserializeOwned;

use super::api_error::ApiError;
use super::body::{BodyError, read_capped};
use super::limits::deadline::timed_out;

/// What an endpoint accepts as its body and how its errors word a refusal.
pub(crate) struct BodyRules {
    /// Bytes accepted; a longer body is a 413.
    pub limit: usize,
    /// The body in the 413 and UTF-8 messages: "ticket body", "event batch".
    pub name: &'static str,
    /// Whether the 415 repeats the Content-Type that was sent (the ticket endpoints
    /// do, `/api/events` does not).
    pub echo_content_type: bool,
}

/// The body's bytes, after checking its type and size.
pub(crate) async fn read_body(req: Request, rules: &BodyRules) -> Result<Vec<u8>, ApiError> {
    // Checked before reading the body so a wrong client is told the real problem.
    check_content_type(req.headers(), rules.echo_content_type)?;
    read_limited(req.into_body(), rules).await
}

/// The body's bytes if within `rules.limit`, for endpoints that check their
/// Content-Type themselves (screenshots are images, not JSON).
pub(crate) async fn read_limited(body: Body, rules: &BodyRules) -> Result<Vec<u8>, ApiError> {
    read_capped(body, rules.limit)
        .await
        .map_err(|err| match err {
            BodyError::TooLarge => ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!(
                    "{} is larger than the {} byte limit",
                    rules.name, rules.limit
                ),
            ),
            BodyError::Read(err) => match timed_out(&err) {
                Some(late) => ApiError::new(
                    StatusCode::REQUEST_TIMEOUT,
                    format!("{}: {late}; send it again, at once", rules.name),
                ),
                None => ApiError::new(
                    StatusCode::BAD_REQUEST,
                    format!("could not read request body: {err}"),
                ),
            },
        })
}

/// The body as text, for endpoints that store what was sent as it was sent.
pub(crate) async fn read_text(req: Request, rules: &BodyRules) -> Result<String, ApiError> {
    String::from_utf8(read_body(req, rules).await?).map_err(|_| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            format!("{} is not UTF-8 text", rules.name),
        )
    })
}

/// `application/json` for `fetch`, `text/plain` because `navigator.sendBeacon` cannot
/// send anything else without a preflight; parameters such as `charset` are ignored.
fn check_content_type(headers: &HeaderMap, echo: bool) -> Result<(), ApiError> {
    let value = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let essence = value.split(';').next().unwrap_or("").trim();
    if essence.eq_ignore_ascii_case("application/json")
        || essence.eq_ignore_ascii_case("text/plain")
    {
        return Ok(());
    }
    let mut message = "Content-Type must be application/json or text/plain".to_owned();
    if echo {
        let got = if value.is_empty() { "none" } else { value };
        message.push_str(&format!(", got {got}"));
    }
    Err(ApiError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, message))
}

/// Parses a body, naming the field at fault (`redactions.card_numbers: …`) so a sender
/// can fix it; `what` names the body in the message.
pub(crate) fn parse_json<T: DeserializeOwned>(text: &str, what: &str) -> Result<T, ApiError> {
    let invalid = |detail: String| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            format!("invalid {what} JSON: {detail}"),
        )
    };
    let mut json = serde_json::Deserializer::from_str(text);
    let value = serde_path_to_error::deserialize(&mut json).map_err(|err| {
        let path = err.path().to_string();
        match path.as_str() {
            "." => invalid(err.into_inner().to_string()),
            _ => invalid(format!("{path}: {}", err.into_inner())),
        }
    })?;
    json.end().map_err(|err| invalid(err.to_string()))?;
    Ok(value)
}
