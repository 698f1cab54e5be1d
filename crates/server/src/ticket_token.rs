//! The ticket's secret: whoever created a ticket gets a random token with the 201, and
//! only a request carrying it may add to the ticket (follow-ups, screenshots). Knowing
//! a ticket id (it is the visitor's reference, read out on the phone, pasted in emails)
//! is not enough. The inbox keeps only the token's SHA-256: a copy of the database
//! lets no one write to a ticket.

use axum::http::{HeaderMap, StatusCode};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::api_error::{ApiError, blocking};
use super::store::Store;

/// The request header that carries the token (a header, not the body: the screenshot
/// upload's body is the image).
pub const TICKET_TOKEN_HEADER: &str = "deflect-ticket-token";

/// 256 random bits, far beyond guessing.
const TOKEN_BYTES: usize = 32;

/// A new token, as hex.
pub(crate) fn new_token() -> String {
    let mut bytes = [0u8; TOKEN_BYTES];
    getrandom::fill(&mut bytes).expect("the system's random source is available");
    hex::encode(bytes)
}

/// What the inbox stores of `token`.
pub(crate) fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The SHA-256 of a request body, as hex: a repeat delivery gets a token only if its
/// body is the first delivery's, byte for byte.
pub(crate) fn body_hash(body: &str) -> String {
    hash(body)
}

/// Whether `presented` is one of the tokens whose hashes are `stored` (constant time
/// per comparison, so response times say nothing about how close a guess was).
pub(crate) fn matches(stored: &[String], presented: &str) -> bool {
    if presented.is_empty() {
        return false;
    }
    let presented = hash(presented);
    stored.iter().fold(false, |found, s| {
        found | bool::from(s.as_bytes().ct_eq(presented.as_bytes()))
    })
}

/// The token a request carries, if any.
pub(crate) fn presented(headers: &HeaderMap) -> Option<String> {
    headers
        .get(TICKET_TOKEN_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

/// Whether `token` opens ticket `ticket_id`; `None` when no such ticket is stored.
pub(crate) async fn opens(
    store: &Store,
    ticket_id: &str,
    token: Option<String>,
) -> Result<Option<bool>, ApiError> {
    let (store, id) = (store.clone(), ticket_id.to_owned());
    blocking(
        move || store.token_opens(&id, token.as_deref().unwrap_or_default()),
        "could not read ticket",
    )
    .await
}

/// The 403 for a request to a stored ticket without its token (`given`: one that is
/// not its token).
pub(crate) fn refused(ticket_id: &str, given: bool) -> ApiError {
    let message = if given {
        format!("{TICKET_TOKEN_HEADER} is not ticket {ticket_id:?}'s token")
    } else {
        format!(
            "missing {TICKET_TOKEN_HEADER} header: only the sender of ticket {ticket_id:?} may add to it (its token came with the ticket's 201)"
        )
    };
    ApiError::new(StatusCode::FORBIDDEN, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_only_their_own_hash_matches() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 2 * TOKEN_BYTES);
        let stored = vec![hash(&b), hash(&a)];
        assert!(matches(&stored, &a));
        assert!(!matches(&stored, &new_token()));
        assert!(!matches(&[], &a));
        assert!(
            !matches(&stored, &hash(&a)),
            "the stored hash is not a token"
        );
    }
}
