//! API tokens, for machines reading the inbox (`Authorization: Bearer <token>`): made
//! by `deflect token create`, shown once, stored only as a digest, revoked by name.

use serde::Serialize;

use super::{AuthError, secret};
use crate::db::args;
use crate::store::{Store, StoreError, now_ms};

/// What every token starts with, so a leaked one is recognisable (secret scanners).
const PREFIX: &str = "dfl_";

/// How stale "last used" may get: it tells an operator which tokens are dead, for which
/// a minute is exact enough, and writing it on every read would cost a synced commit
/// (the database runs `synchronous=FULL`) per request of a machine polling the inbox.
const LAST_USED_PRECISION_MS: u64 = 60_000;

/// A token as `deflect token list` shows it (never the token itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiToken {
    pub name: String,
    pub created_at_ms: u64,
    /// When it last authenticated a request; `None` if never.
    pub last_used_at_ms: Option<u64>,
}

impl Store {
    /// Makes a token called `name` and returns it; only its digest is stored, so this
    /// is the only time anyone sees it.
    pub fn create_token(&self, name: &str) -> Result<String, AuthError> {
        let name = name.trim();
        let plain = !name.is_empty()
            && name.len() <= 64
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
        if !plain {
            return Err(AuthError::InvalidTokenName(name.to_owned()));
        }
        let token = secret::random_token(PREFIX)?;
        let added = self.write(|tx| {
            tx.execute(
                "INSERT INTO api_tokens (name, token_hash, created_at_ms) VALUES (?1, ?2, ?3)
             ON CONFLICT (name) DO NOTHING",
                args![name, secret::digest(&token), now_ms()],
            )
        })?;
        match added {
            0 => Err(AuthError::TokenExists(name.to_owned())),
            _ => Ok(token),
        }
    }

    /// Every token, oldest first (by name within a millisecond).
    pub fn tokens(&self) -> Result<Vec<ApiToken>, AuthError> {
        self.read(|tx| {
            tx.query(
                "SELECT name, created_at_ms, last_used_at_ms FROM api_tokens
                 ORDER BY created_at_ms, name",
                &[],
            )?
            .iter()
            .map(|row| {
                Ok(ApiToken {
                    name: row.get(0)?,
                    created_at_ms: row.get(1)?,
                    last_used_at_ms: row.get(2)?,
                })
            })
            .collect()
        })
    }

    /// Revokes the token called `name`: from now on it is refused.
    pub fn revoke_token(&self, name: &str) -> Result<(), AuthError> {
        let name = name.trim();
        match self.write(|tx| tx.execute("DELETE FROM api_tokens WHERE name = ?1", args![name]))? {
            0 => Err(AuthError::NoSuchToken(name.to_owned())),
            _ => Ok(()),
        }
    }

    /// The name of the token `token` is, if it is a live one; notes its use. Looked up
    /// by digest, so the comparison never touches the secret itself.
    pub(crate) fn token_name(&self, token: &str) -> Result<Option<String>, StoreError> {
        if !token.starts_with(PREFIX) {
            return Ok(None);
        }
        let digest = secret::digest(token);
        let found: Option<(String, Option<u64>)> = self.read(|tx| {
            tx.query_opt(
                "SELECT name, last_used_at_ms FROM api_tokens WHERE token_hash = ?1",
                args![digest],
            )?
            .map(|row| Ok::<_, StoreError>((row.get(0)?, row.get(1)?)))
            .transpose()
        })?;
        let Some((name, last_used)) = found else {
            return Ok(None);
        };
        let now = now_ms();
        if last_used.is_none_or(|at| now.saturating_sub(at) >= LAST_USED_PRECISION_MS) {
            self.write(|tx| {
                tx.execute(
                    "UPDATE api_tokens SET last_used_at_ms = ?2 WHERE token_hash = ?1",
                    args![digest, now],
                )
            })?;
        }
        Ok(Some(name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_created_once_listed_used_and_revoked() {
        crate::test_stores::on_both(|store| {
            let token = store.create_token("ci-export").unwrap();
            assert!(matches!(
                store.create_token("ci-export"),
                Err(AuthError::TokenExists(_))
            ));
            assert!(matches!(
                store.create_token("no spaces"),
                Err(AuthError::InvalidTokenName(_))
            ));
            assert_eq!(store.tokens().unwrap()[0].last_used_at_ms, None);
            assert_eq!(
                store.token_name(&token).unwrap().as_deref(),
                Some("ci-export")
            );
            assert!(store.tokens().unwrap()[0].last_used_at_ms.is_some());
            assert_eq!(store.token_name("dfl_guess").unwrap(), None);
            store.revoke_token("ci-export").unwrap();
            assert_eq!(store.token_name(&token).unwrap(), None);
            assert!(matches!(
                store.revoke_token("ci-export"),
                Err(AuthError::NoSuchToken(_))
            ));
        });
    }
}
