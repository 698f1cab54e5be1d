//! What can go wrong managing agents and API tokens, worded for the person at the
//! terminal running `deflect agent` or `deflect token`.

use super::password::{MAX_PASSWORD_BYTES, MIN_PASSWORD_CHARS};
use crate::store::StoreError;

/// A refused or failed account or token operation.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// Short passwords fall to guessing however slow the hash is.
    #[error("the password must be at least {MIN_PASSWORD_CHARS} characters long")]
    ShortPassword,
    /// Hashing megabytes of "password" would let one request tie up a core.
    #[error("the password must be at most {MAX_PASSWORD_BYTES} bytes long")]
    LongPassword,
    /// Not something an agent could log in with.
    #[error("{0:?} is not an email address")]
    InvalidEmail(String),
    /// Each address is one account; remove it first to reset it.
    #[error("an agent with email {0} already exists")]
    AgentExists(String),
    /// `deflect agent remove` named nobody.
    #[error("no agent with email {0}")]
    NoSuchAgent(String),
    /// Names are how a token is revoked, so they must be plain and short.
    #[error("token names are 1 to 64 letters, digits, '.', '_' or '-', got {0:?}")]
    InvalidTokenName(String),
    /// Two tokens with one name could not be told apart when revoking.
    #[error("a token named {0} already exists")]
    TokenExists(String),
    /// `deflect token revoke` named no token.
    #[error("no token named {0}")]
    NoSuchToken(String),
    /// The argon2 library refused (it should not with the default parameters).
    #[error("could not hash the password: {0}")]
    Hash(String),
    /// The operating system gave no randomness for a new credential.
    #[error("no randomness for a new credential: {0}")]
    Random(String),
    /// The database failed underneath.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for AuthError {
    fn from(err: rusqlite::Error) -> Self {
        Self::Store(StoreError::Sqlite(err))
    }
}
