//! Agents log in. Everything the inbox shows (tickets, insights, screenshots) is for the
//! creator's agents only:
//!
//! - `accounts`: agent accounts with argon2id password hashes (`password`);
//! - `sessions`: login sessions in an `HttpOnly; SameSite=Strict` cookie (`cookies`),
//!   `tokens`: API tokens for machines; both kept only as digests (`secret`);
//! - `login` and `login_page`: the login and logout forms, CSRF-protected (`csrf`) and
//!   rate-limited (`rate_limit`), returning only to pages of this site (`redirect`);
//! - `extract`: the guards handlers take to require an agent;
//! - `host`: the Host check against DNS rebinding.

mod accounts;
mod cookies;
pub(crate) mod csrf;
mod error;
mod extract;
mod host;
mod login;
mod login_page;
mod password;
mod rate_limit;
mod redirect;
mod secret;
mod sessions;
mod tokens;

use std::sync::Arc;

use axum::extract::FromRef;
use rusqlite::Connection;

pub use accounts::AgentAccount;
pub(crate) use accounts::SignedIn;
pub use error::AuthError;
pub(crate) use extract::{ApiAgent, PageAgent, see_other};
pub(crate) use host::{AllowedHosts, check_host};
pub use host::{InvalidPublicUrl, PublicUrl};
pub(crate) use login::routes;
pub use password::MIN_PASSWORD_CHARS;
pub use sessions::SESSION_LIFETIME;
pub use tokens::ApiToken;

use crate::state::AppState;
use crate::store::Store;
use rate_limit::LoginLimits;

/// What the login routes and the guards share.
#[derive(Debug, Clone)]
pub(crate) struct Auth {
    store: Store,
    limits: Arc<LoginLimits>,
    /// The inbox is served over https: cookies get `Secure`.
    secure_cookies: bool,
}

impl Auth {
    pub(crate) fn new(store: Store, public_urls: &[PublicUrl]) -> Self {
        Self {
            store,
            limits: Arc::default(),
            secure_cookies: public_urls.iter().any(|url| url.https),
        }
    }
}

impl FromRef<AppState> for Auth {
    fn from_ref(state: &AppState) -> Auth {
        state.auth.clone()
    }
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS agents (
    id            INTEGER PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    name          TEXT,
    password_hash TEXT NOT NULL,
    created_at_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS agent_sessions (
    token_hash    TEXT PRIMARY KEY NOT NULL,
    agent_id      INTEGER NOT NULL,
    created_at_ms INTEGER NOT NULL,
    expires_at_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS api_tokens (
    name            TEXT PRIMARY KEY NOT NULL,
    token_hash      TEXT NOT NULL UNIQUE,
    created_at_ms   INTEGER NOT NULL,
    last_used_at_ms INTEGER
);
";

/// Creates the agents, sessions and tokens tables if missing.
pub(crate) fn ensure_schema(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch(SCHEMA)
}
