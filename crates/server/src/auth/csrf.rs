//! CSRF tokens for the inbox's forms. A form's token is an HMAC-SHA256 of a secret only
//! the agent's browser holds, in an `HttpOnly; SameSite=Strict` cookie: the session
//! token once logged in, a random login cookie before. A page on another site can
//! neither read that cookie nor compute the token, so a form it submits is refused even
//! by a browser that sends the cookie along.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use axum::http::StatusCode;

use super::extract::Credential;
use crate::api_error::ApiError;

type HmacSha256 = Hmac<Sha256>;

/// Which form a token is for, so a token for one is never accepted by another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FormKind {
    /// `POST /login`, keyed by the login cookie.
    Login,
    /// Forms shown to a signed-in agent (`POST /logout`, later inbox actions), keyed by
    /// the session.
    Inbox,
}

impl FormKind {
    fn label(self) -> &'static [u8] {
        match self {
            Self::Login => b"deflect csrf v1: login",
            Self::Inbox => b"deflect csrf v1: inbox",
        }
    }
}

fn mac(secret: &str, kind: FormKind) -> HmacSha256 {
    // HMAC accepts keys of any length.
    let mut mac = HmacSha256::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(kind.label());
    mac
}

/// The token to put in a `kind` form shown to the holder of `secret`.
pub(crate) fn token(secret: &str, kind: FormKind) -> String {
    URL_SAFE_NO_PAD.encode(mac(secret, kind).finalize().into_bytes())
}

/// Whether `given` is the token of a `kind` form for `secret` (compared in constant
/// time).
pub(crate) fn is_valid(secret: &str, kind: FormKind, given: &str) -> bool {
    URL_SAFE_NO_PAD
        .decode(given.trim())
        .is_ok_and(|bytes| mac(secret, kind).verify_slice(&bytes).is_ok())
}

/// Whether a form the inbox page shows (`doing`: "retrying", "resolving") came from a
/// logged-in agent's own page: a session (an API token has no forms) and its token.
pub(crate) fn check_inbox_form(
    agent: &Credential,
    given: &str,
    doing: &str,
) -> Result<(), ApiError> {
    let Some(session) = agent.session() else {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            format!("{doing} is a form on the inbox page: log in there"),
        ));
    };
    if is_valid(session, FormKind::Inbox, given) {
        return Ok(());
    }
    Err(ApiError::new(
        StatusCode::FORBIDDEN,
        format!(
            "the form for {doing} expired or came from another site; reload the inbox and try again"
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_fits_only_its_secret_and_its_form() {
        let t = token("session-a", FormKind::Inbox);
        assert!(is_valid("session-a", FormKind::Inbox, &t));
        assert!(!is_valid("session-b", FormKind::Inbox, &t));
        assert!(!is_valid("session-a", FormKind::Login, &t));
        assert!(!is_valid("session-a", FormKind::Inbox, ""));
        assert!(!is_valid("session-a", FormKind::Inbox, "not base64!"));
    }
}
