//! Credentials the server hands out (session cookies, API tokens): random, shown once,
//! and kept in the database only as a SHA-256 digest, so a copy of the database (a
//! backup, a leaked file) logs nobody in. 256 random bits need no slow hash.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

use super::AuthError;

/// A new credential: `prefix` then 32 random bytes from the OS, base64url.
pub(crate) fn random_token(prefix: &str) -> Result<String, AuthError> {
    Ok(format!(
        "{prefix}{}",
        URL_SAFE_NO_PAD.encode(random_bytes()?)
    ))
}

/// 32 random bytes from the OS.
pub(crate) fn random_bytes() -> Result<[u8; 32], AuthError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| AuthError::Random(e.to_string()))?;
    Ok(bytes)
}

/// What the database keeps of a credential: its SHA-256, hex.
pub(crate) fn digest(token: &str) -> String {
    format!("{:x}", Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_only_their_digest_is_kept() {
        let a = random_token("dfl_").unwrap();
        let b = random_token("dfl_").unwrap();
        assert_ne!(a, b);
        assert!(a.starts_with("dfl_") && a.len() == 4 + 43, "{a}");
        assert_eq!(digest(&a).len(), 64);
        assert!(!digest(&a).contains(&a[4..]));
        assert_eq!(digest(&a), digest(&a.clone()));
    }
}
