//! Agent accounts, in the inbox's own database: an email (the login name), an optional
//! display name, and the argon2id hash of the password. Managed from the terminal
//! (`deflect agent add|list|remove`), never over HTTP.

use serde::Serialize;

use super::{AuthError, password};
use crate::db::args;
use crate::store::{Store, StoreError, now_ms};

/// An agent as `deflect agent list` shows it (never with the hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AgentAccount {
    pub email: String,
    pub name: Option<String>,
    pub created_at_ms: u64,
}

/// An agent whose credentials were just checked: who is signed in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SignedIn {
    pub agent_id: i64,
    pub email: String,
}

impl Store {
    /// Adds an agent who logs in with `email` and `password` (checked for length).
    pub fn add_agent(
        &self,
        email: &str,
        name: Option<&str>,
        password: &str,
    ) -> Result<AgentAccount, AuthError> {
        let email = normalize_email(email)?;
        password::check_strength(password)?;
        let phc = password::hash(password)?;
        let name = name.map(str::trim).filter(|n| !n.is_empty());
        let created_at_ms = now_ms();
        let added = self.write(|tx| {
            tx.execute(
                "INSERT INTO agents (email, name, password_hash, created_at_ms)
             VALUES (?1, ?2, ?3, ?4) ON CONFLICT (email) DO NOTHING",
                args![email, name, phc, created_at_ms],
            )
        })?;
        if added == 0 {
            return Err(AuthError::AgentExists(email));
        }
        Ok(AgentAccount {
            email,
            name: name.map(str::to_owned),
            created_at_ms,
        })
    }

    /// Every agent, oldest first.
    pub fn agents(&self) -> Result<Vec<AgentAccount>, AuthError> {
        self.read(|tx| {
            tx.query(
                "SELECT email, name, created_at_ms FROM agents ORDER BY id",
                &[],
            )?
            .iter()
            .map(|row| {
                Ok(AgentAccount {
                    email: row.get(0)?,
                    name: row.get(1)?,
                    created_at_ms: row.get(2)?,
                })
            })
            .collect()
        })
    }

    /// Removes an agent and ends their sessions at once.
    pub fn remove_agent(&self, email: &str) -> Result<(), AuthError> {
        let email = normalize_email(email)?;
        let removed = self.write(|tx| {
            tx.execute(
                "DELETE FROM agent_sessions WHERE agent_id IN (SELECT id FROM agents WHERE email = ?1)",
                args![email],
            )?;
            tx.execute("DELETE FROM agents WHERE email = ?1", args![email])
        })?;
        match removed {
            0 => Err(AuthError::NoSuchAgent(email)),
            _ => Ok(()),
        }
    }

    /// The agent `email` names if `password` is theirs. Takes as long for an unknown
    /// email as for a wrong password (see [`password::verify`]).
    pub(crate) fn check_password(
        &self,
        email: &str,
        password: &str,
    ) -> Result<Option<SignedIn>, StoreError> {
        let email = normalize_email(email).unwrap_or_default();
        let found: Option<(i64, String)> = self.read(|tx| {
            tx.query_opt(
                "SELECT id, password_hash FROM agents WHERE email = ?1",
                args![email],
            )?
            .map(|row| Ok::<_, StoreError>((row.get(0)?, row.get(1)?)))
            .transpose()
        })?;
        // The connection is released before hashing: argon2 takes tens of milliseconds.
        let stored = found.as_ref().map(|(_, phc)| phc.as_str());
        Ok(match (password::verify(password, stored), found) {
            (true, Some((agent_id, _))) => Some(SignedIn { agent_id, email }),
            _ => None,
        })
    }
}

/// The address as agents are stored: trimmed and lower-cased, one `@` with text on
/// both sides, no spaces or control characters, at most 254 bytes (RFC 5321).
pub(crate) fn normalize_email(email: &str) -> Result<String, AuthError> {
    let email = email.trim().to_lowercase();
    let valid = email.len() <= 254
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        && matches!(email.split_once('@'), Some((user, host))
            if !user.is_empty() && !host.is_empty() && !host.contains('@'));
    if valid {
        Ok(email)
    } else {
        Err(AuthError::InvalidEmail(email))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalized_or_refused() {
        assert_eq!(
            normalize_email(" Ann@Shop.Example ").unwrap(),
            "ann@shop.example"
        );
        for bad in ["", "ann", "@shop", "ann@", "a b@shop", "a@b@c"] {
            assert!(normalize_email(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn agents_are_added_listed_checked_and_removed() {
        crate::test_stores::on_both(|store| {
            store
                .add_agent("Ann@Shop.example", Some("Ann"), "a long passphrase")
                .unwrap();
            assert!(matches!(
                store.add_agent("ann@shop.example", None, "another long one"),
                Err(AuthError::AgentExists(_))
            ));
            assert!(matches!(
                store.add_agent("bob@shop.example", None, "short"),
                Err(AuthError::ShortPassword)
            ));
            let listed = store.agents().unwrap();
            assert_eq!(listed.len(), 1);
            assert_eq!(listed[0].email, "ann@shop.example");
            assert_eq!(listed[0].name.as_deref(), Some("Ann"));
            let ok = store
                .check_password("ANN@shop.example", "a long passphrase")
                .unwrap();
            assert_eq!(ok.map(|s| s.email).as_deref(), Some("ann@shop.example"));
            assert_eq!(
                store.check_password("ann@shop.example", "wrong").unwrap(),
                None
            );
            assert_eq!(
                store
                    .check_password("nobody@x", "a long passphrase")
                    .unwrap(),
                None
            );
            store.remove_agent("ann@shop.example").unwrap();
            assert!(matches!(
                store.remove_agent("ann@shop.example"),
                Err(AuthError::NoSuchAgent(_))
            ));
            assert_eq!(
                store
                    .check_password("ann@shop.example", "a long passphrase")
                    .unwrap(),
                None
            );
        });
    }
}
