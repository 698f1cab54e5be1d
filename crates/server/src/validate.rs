//! The rules of the published wire formats (`schema/ticket.v1.json`,
//! `schema/follow-up.v2.json`) that serde's types cannot express. Each refusal is a 422
//! listing every problem at once, so a sender can fix them in one round.

use std::collections::BTreeMap;

use axum::http::StatusCode;
use deflect_engine::ticket::{
    Contact, FOLLOW_UP_SCHEMA_VERSION, FollowUp, SCHEMA_VERSION, Ticket, is_email,
};

use super::api_error::ApiError;

/// The longest address SMTP carries (RFC 5321's path limit).
const MAX_NAME_CHARS: usize = 200;
/// Checklist answers in one follow-up: a checklist has a handful of fields, so more is
/// a misbehaving sender.
const MAX_DETAILS: usize = 50;
const MAX_DETAIL_KEY_CHARS: usize = 64;
const MAX_DETAIL_VALUE_CHARS: usize = 2000;

/// The last instant a browser can state: ECMAScript dates end 8.64e15 ms after 1970.
/// Anything later is not a time (and would not fit SQLite's signed integers).
pub(super) const MAX_TIME_MS: u64 = 8_640_000_000_000_000;

/// 400 naming the first time field beyond [`MAX_TIME_MS`]: a number out of range is a
/// malformed body, like a string where a number belongs.
pub(super) fn times_in_range(
    what: &str,
    times: impl IntoIterator<Item = (String, u64)>,
) -> Result<(), ApiError> {
    match times.into_iter().find(|(_, ms)| *ms > MAX_TIME_MS) {
        None => Ok(()),
        Some((field, ms)) => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            format!("invalid {what}: {field} = {ms} is not a time (at most {MAX_TIME_MS} ms)"),
        )),
    }
}

/// Every time a ticket states, by its field path.
fn ticket_times(t: &Ticket) -> Vec<(String, u64)> {
    let mut times = vec![
        ("created_at_ms".to_owned(), t.created_at_ms),
        (
            "conversation_started_at_ms".to_owned(),
            t.conversation_started_at_ms,
        ),
    ];
    let mut list = |name: &str, all: Vec<u64>| {
        let named = all.into_iter().enumerate();
        times.extend(named.map(|(i, ms)| (format!("{name}[{i}].at_ms"), ms)));
    };
    list("transcript", t.transcript.iter().map(|m| m.at_ms).collect());
    list(
        "articles_shown",
        t.articles_shown.iter().map(|a| a.at_ms).collect(),
    );
    list("flow_path", t.flow_path.iter().map(|f| f.at_ms).collect());
    times
}

/// A ticket the inbox can store.
pub(super) fn ticket(ticket: &Ticket) -> Result<(), ApiError> {
    times_in_range("ticket", ticket_times(ticket))?;
    let mut problems = Vec::new();
    if ticket.schema_version != SCHEMA_VERSION {
        problems.push(format!(
            "schema_version: unsupported version {}, this inbox accepts {SCHEMA_VERSION}",
            ticket.schema_version
        ));
    }
    if !is_id(&ticket.id, 8..=64) {
        problems.push("id: must be 8 to 64 characters of A-Z, a-z, 0-9 and '-'".to_owned());
    }
    if ticket.queue.is_empty() {
        problems.push("queue: must not be empty".to_owned());
    }
    if ticket.reason.is_empty() {
        problems.push("reason: must not be empty".to_owned());
    }
    if ticket.transcript.is_empty() {
        problems.push("transcript: must hold at least one message".to_owned());
    }
    if let Some(a) = ticket
        .articles_shown
        .iter()
        .find(|a| !(0.0..=1.0).contains(&a.confidence))
    {
        problems.push(format!(
            "articles_shown: confidence of {:?} must be between 0 and 1",
            a.id
        ));
    }
    all_or_nothing("ticket", &problems)
}

/// A follow-up (version 1, text only, or 2, with a contact and answers) of the ticket
/// named in the URL.
pub(super) fn follow_up(follow_up: &FollowUp, ticket_id: &str) -> Result<(), ApiError> {
    times_in_range("follow-up", [("at_ms".to_owned(), follow_up.at_ms)])?;
    let mut problems = Vec::new();
    if !(1..=FOLLOW_UP_SCHEMA_VERSION).contains(&follow_up.schema_version) {
        problems.push(format!(
            "schema_version: unsupported version {}, this inbox accepts 1 to {FOLLOW_UP_SCHEMA_VERSION}",
            follow_up.schema_version
        ));
    }
    if follow_up.ticket_id != ticket_id {
        problems.push(format!(
            "ticket_id: {:?} is not the ticket in the URL, {ticket_id:?}",
            follow_up.ticket_id
        ));
    }
    if !follow_up.id.starts_with(&format!("{ticket_id}-")) || !is_id(&follow_up.id, 10..=80) {
        problems.push("id: must be the ticket id, '-' and a number".to_owned());
    }
    if follow_up.text.trim().is_empty() {
        problems.push("text: must not be empty".to_owned());
    }
    if let Some(contact) = &follow_up.contact {
        contact_problems(contact, &mut problems);
    }
    details_problems(&follow_up.details, &mut problems);
    all_or_nothing("follow-up", &problems)
}

/// A way to reply an agent can actually write to.
fn contact_problems(contact: &Contact, problems: &mut Vec<String>) {
    if !is_email(&contact.email) {
        problems.push(format!(
            "contact.email: {:?} is not an email address",
            contact.email
        ));
    }
    if contact
        .name
        .as_ref()
        .is_some_and(|n| n.chars().count() > MAX_NAME_CHARS)
    {
        problems.push(format!(
            "contact.name: must be at most {MAX_NAME_CHARS} characters"
        ));
    }
}

/// Checklist answers by field id, bounded so a sender cannot flood a ticket.
fn details_problems(details: &BTreeMap<String, String>, problems: &mut Vec<String>) {
    if details.len() > MAX_DETAILS {
        problems.push(format!(
            "details: {} answers, at most {MAX_DETAILS} are accepted",
            details.len()
        ));
    }
    let field_id = |k: &str| {
        (1..=MAX_DETAIL_KEY_CHARS).contains(&k.len())
            && k.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    if let Some(key) = details.keys().find(|k| !field_id(k)) {
        problems.push(format!(
            "details: field id {key:?} must be 1 to {MAX_DETAIL_KEY_CHARS} characters of A-Z, a-z, 0-9, '_' and '-'"
        ));
    }
    if let Some((key, _)) = details
        .iter()
        .find(|(_, v)| v.chars().count() > MAX_DETAIL_VALUE_CHARS)
    {
        problems.push(format!(
            "details.{key}: must be at most {MAX_DETAIL_VALUE_CHARS} characters"
        ));
    }
}

/// 422 listing every problem found in a `what`, so a sender can fix them in one round.
fn all_or_nothing(what: &str, problems: &[String]) -> Result<(), ApiError> {
    if problems.is_empty() {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("invalid {what}: {}", problems.join("; ")),
        ))
    }
}

/// An id of `len` characters of A-Z, a-z, 0-9 and '-' (tickets, follow-ups, events,
/// attachments).
pub(super) fn is_id(id: &str, len: std::ops::RangeInclusive<usize>) -> bool {
    len.contains(&id.chars().count()) && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_follow_the_engine_rule() {
        for ok in ["maya@example.com", "a.b+c@mail.example.co.uk", "x@y.z"] {
            assert!(is_email(ok), "{ok}");
        }
        let long = format!("{}@example.com", "a".repeat(250));
        for bad in [
            "maya",
            "@example.com",
            "maya@example",
            "maya@.example.com",
            "maya@example.com.",
            "maya@@example.com",
            "ma ya@example.com",
            "maya@exa\u{7}mple.com",
            &long,
        ] {
            assert!(!is_email(bad), "{bad}");
        }
    }
}
