//! Login sessions: a random token in an `HttpOnly; SameSite=Strict` cookie, kept in the
//! database only as its digest, with an expiry after which it is refused and deleted.

use std::time::Duration;

use super::{AuthError, SignedIn, secret};
use crate::db::args;
use crate::store::{Store, StoreError, now_ms};

/// How long a login lasts; an agent logs in again after a working day.
pub const SESSION_LIFETIME: Duration = Duration::from_secs(12 * 60 * 60);

/// What every session token starts with.
const PREFIX: &str = "dfs_";

fn lifetime_ms() -> u64 {
    u64::try_from(SESSION_LIFETIME.as_millis()).unwrap_or(u64::MAX)
}

/// A new session token, for the cookie; [`Store::start_session`] makes it live.
pub(crate) fn new_session_token() -> Result<String, AuthError> {
    secret::random_token(PREFIX)
}

impl Store {
    /// Makes `token` a session of `agent` until it expires. Sessions that have expired
    /// are deleted on the way.
    pub(crate) fn start_session(&self, token: &str, agent: &SignedIn) -> Result<(), StoreError> {
        let now = now_ms();
        self.write(|tx| {
            tx.execute(
                "DELETE FROM agent_sessions WHERE expires_at_ms <= ?1",
                args![now],
            )?;
            tx.execute(
                "INSERT INTO agent_sessions (token_hash, agent_id, created_at_ms, expires_at_ms)
             VALUES (?1, ?2, ?3, ?4)",
                args![
                    secret::digest(token),
                    agent.agent_id,
                    now,
                    now.saturating_add(lifetime_ms())
                ],
            )?;
            Ok(())
        })
    }

    /// The agent whose live session `token` is.
    pub(crate) fn session_agent(&self, token: &str) -> Result<Option<SignedIn>, StoreError> {
        if !token.starts_with(PREFIX) {
            return Ok(None);
        }
        self.read(|tx| {
            tx.query_opt(
                "SELECT agents.id, agents.email FROM agent_sessions
                 JOIN agents ON agents.id = agent_sessions.agent_id
                 WHERE token_hash = ?1 AND expires_at_ms > ?2",
                args![secret::digest(token), now_ms()],
            )?
            .map(|row| {
                Ok(SignedIn {
                    agent_id: row.get(0)?,
                    email: row.get(1)?,
                })
            })
            .transpose()
        })
    }

    /// Ends the session `token` is; it is refused from now on.
    pub(crate) fn end_session(&self, token: &str) -> Result<(), StoreError> {
        self.write(|tx| {
            tx.execute(
                "DELETE FROM agent_sessions WHERE token_hash = ?1",
                args![secret::digest(token)],
            )
        })?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_stores::on_both;

    /// One agent of `store`, signed in: who, and the session.
    fn signed_in(store: &Store) -> (SignedIn, String) {
        store
            .add_agent("ann@shop.example", None, "a long passphrase")
            .unwrap();
        let ann = store
            .check_password("ann@shop.example", "a long passphrase")
            .unwrap()
            .unwrap();
        let token = new_session_token().unwrap();
        store.start_session(&token, &ann).unwrap();
        (ann, token)
    }

    #[test]
    fn sessions_start_resolve_and_end() {
        on_both(|store| {
            let (ann, token) = signed_in(store);
            assert_eq!(store.session_agent(&token).unwrap(), Some(ann));
            store.end_session(&token).unwrap();
            assert_eq!(store.session_agent(&token).unwrap(), None);
        });
    }

    #[test]
    fn an_expired_session_is_refused() {
        on_both(|store| {
            let (_, token) = signed_in(store);
            store
                .write(|tx| tx.execute("UPDATE agent_sessions SET expires_at_ms = 1", &[]))
                .unwrap();
            assert_eq!(store.session_agent(&token).unwrap(), None);
        });
    }
}
