//! Agent passwords: hashed with argon2id (the `argon2` crate's defaults: 19 MiB, two
//! passes, as OWASP recommends) into a PHC string that carries its own salt and
//! parameters, so they can be raised later without breaking stored hashes.

use std::sync::OnceLock;

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

use super::AuthError;

/// Fewer characters than this are refused when an agent is added.
pub const MIN_PASSWORD_CHARS: usize = 12;
/// More bytes than this are refused, at login too, so nobody makes the server hash
/// megabytes.
pub const MAX_PASSWORD_BYTES: usize = 1024;

/// Refuses a password too short to resist guessing or too long to hash cheaply.
pub(crate) fn check_strength(password: &str) -> Result<(), AuthError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(AuthError::ShortPassword);
    }
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(AuthError::LongPassword);
    }
    Ok(())
}

/// The argon2id PHC string of `password` with a fresh random salt.
pub(crate) fn hash(password: &str) -> Result<String, AuthError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|phc| phc.to_string())
        .map_err(|e| AuthError::Hash(e.to_string()))
}

/// Whether `password` matches `stored`. With no stored hash (no such agent) it checks
/// against a dummy hash and answers false, so an unknown email takes as long as a
/// wrong password and the answer tells nothing about which addresses exist.
pub(crate) fn verify(password: &str, stored: Option<&str>) -> bool {
    if password.len() > MAX_PASSWORD_BYTES {
        return false;
    }
    let known = stored.is_some();
    let phc: &str = match stored {
        Some(phc) => phc,
        None => dummy_hash(),
    };
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    let matches = Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok();
    known && matches
}

/// The hash of a random password nobody knows, made once per process.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(salt.as_str().as_bytes(), &salt)
            .map(|phc| phc.to_string())
            .unwrap_or_default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_phc_strings_that_verify() {
        let phc = hash("correct horse battery").unwrap();
        assert!(phc.starts_with("$argon2id$v=19$"), "{phc}");
        assert!(!phc.contains("correct horse"));
        assert!(verify("correct horse battery", Some(&phc)));
        assert!(!verify("correct horse batterY", Some(&phc)));
        assert!(!verify("correct horse battery", None));
        assert_ne!(phc, hash("correct horse battery").unwrap(), "salted");
    }

    #[test]
    fn short_and_huge_passwords_are_refused() {
        assert!(matches!(
            check_strength("short"),
            Err(AuthError::ShortPassword)
        ));
        assert!(matches!(
            check_strength(&"x".repeat(MAX_PASSWORD_BYTES + 1)),
            Err(AuthError::LongPassword)
        ));
        assert!(check_strength("twelve chars").is_ok());
    }
}
