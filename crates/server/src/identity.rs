//! Signed identity, in the convention of Help Scout Beacon's secure mode and Intercom's
//! identity verification: the creator's server signs who the visitor is with a secret
//! only it and `deflect serve` hold, and the page passes the signature on
//! (`Deflect('identify', {email, tier, signature})` or `data-signature`). A browser can
//! claim any email or tier; only a claim with a valid signature is believed.
//!
//! The signed message is the email, trimmed and lower-cased, a line feed, then the
//! tier, trimmed and lower-cased (nothing when there is none); the signature is the
//! HMAC-SHA256 of that message under the secret, as hex. An email is required: a tier
//! signed for nobody would be anybody's.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use hmac::{Hmac, Mac};
use sha2::Sha256;

use deflect_engine::ticket::Customer;

/// The environment variable `deflect serve` reads the secret from.
pub const IDENTITY_SECRET_ENV: &str = "DEFLECT_IDENTITY_SECRET";

/// Shorter secrets can be guessed offline from one signature.
const MIN_SECRET_BYTES: usize = 16;

type HmacSha256 = Hmac<Sha256>;

/// Why no identity secret could be had.
#[derive(Debug, thiserror::Error)]
pub enum IdentityError {
    /// The file named for the secret could not be read.
    #[error("{}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A short secret would let anyone who sees one signature find it.
    #[error(
        "the identity secret has {0} bytes; use at least {MIN_SECRET_BYTES} (e.g. `openssl rand -hex 32`)"
    )]
    TooShort(usize),
}

/// The secret shared with the creator's server; never printed.
#[derive(Clone)]
pub struct IdentitySecret(Arc<[u8]>);

impl fmt::Debug for IdentitySecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("IdentitySecret(..)")
    }
}

impl IdentitySecret {
    /// The secret as given, without surrounding whitespace (a trailing newline in a
    /// file or an env var is not part of it).
    pub fn new(secret: &[u8]) -> Result<Self, IdentityError> {
        let secret = secret.trim_ascii();
        if secret.len() < MIN_SECRET_BYTES {
            return Err(IdentityError::TooShort(secret.len()));
        }
        Ok(Self(secret.into()))
    }

    /// The secret kept in a file (e.g. a Docker or systemd credential).
    pub fn from_file(path: &Path) -> Result<Self, IdentityError> {
        let bytes = std::fs::read(path).map_err(|source| IdentityError::Read {
            path: path.to_owned(),
            source,
        })?;
        Self::new(&bytes)
    }

    /// The secret in [`IDENTITY_SECRET_ENV`], if that is set and not empty.
    pub fn from_env() -> Result<Option<Self>, IdentityError> {
        match std::env::var_os(IDENTITY_SECRET_ENV) {
            Some(value) if !value.is_empty() => Self::new(value.as_encoded_bytes()).map(Some),
            _ => Ok(None),
        }
    }

    /// The signature of `email` and `tier`, as the creator's server computes it.
    pub fn sign(&self, email: &str, tier: Option<&str>) -> String {
        let mut mac = self.mac();
        mac.update(signed_message(email, tier).as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// Whether `customer`'s email and tier carry a valid signature (compared in
    /// constant time).
    pub fn verifies(&self, customer: &Customer) -> bool {
        let email = customer.email.as_deref().unwrap_or_default();
        let signature = customer.signature.as_deref().unwrap_or_default();
        let Ok(signature) = hex::decode(signature.trim()) else {
            return false;
        };
        if email.trim().is_empty() {
            return false;
        }
        let mut mac = self.mac();
        mac.update(signed_message(email, customer.tier.as_deref()).as_bytes());
        mac.verify_slice(&signature).is_ok()
    }

    fn mac(&self) -> HmacSha256 {
        HmacSha256::new_from_slice(&self.0).expect("HMAC takes a key of any length")
    }
}

/// What is signed: `lowercase(trim(email)) + "\n" + lowercase(trim(tier))`.
pub fn signed_message(email: &str, tier: Option<&str>) -> String {
    let tier = tier.unwrap_or_default().trim().to_lowercase();
    format!("{}\n{tier}", email.trim().to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn customer(email: &str, tier: Option<&str>, signature: String) -> Customer {
        Customer {
            email: Some(email.into()),
            tier: tier.map(str::to_string),
            signature: Some(signature),
            ..Customer::default()
        }
    }

    #[test]
    fn the_message_is_trimmed_lower_cased_email_newline_tier() {
        assert_eq!(
            signed_message(" Maya@Example.com ", Some("VIP")),
            "maya@example.com\nvip"
        );
        assert_eq!(signed_message("a@b.co", None), "a@b.co\n");
    }

    #[test]
    fn matches_an_independent_hmac_sha256() {
        // printf 'maya@example.com\nvip' | openssl dgst -sha256 -hmac 0123456789abcdef
        let secret = IdentitySecret::new(b"0123456789abcdef").unwrap();
        assert_eq!(
            secret.sign("maya@example.com", Some("vip")),
            "cb86a867ff83f8f0ecce7d6a5cdfe31bb557ef18ce9125242c477d5a44052722"
        );
    }

    /// What the README's Node, Python, PHP and Ruby snippets print for these inputs
    /// (each run with DEFLECT_IDENTITY_SECRET=0123456789abcdef0123456789abcdef).
    #[test]
    fn matches_the_readme_snippets() {
        let secret = IdentitySecret::new(b"0123456789abcdef0123456789abcdef").unwrap();
        assert_eq!(
            secret.sign(" Maya@Example.com ", Some("VIP")),
            "6f4074c2e9e89b24dc5b7946b3000a5a8aef386ecff89bfa3c939f762921bd62"
        );
        assert_eq!(
            secret.sign("maya@example.com", None),
            "6f1b0f81ddcb15641dfa50b58ca4105d9f303f8d88aa781cf190d841177a9010"
        );
    }

    #[test]
    fn only_the_signed_email_and_tier_verify() {
        let secret = IdentitySecret::new(b"a long enough test secret").unwrap();
        let signature = secret.sign("maya@example.com", Some("vip"));
        assert!(secret.verifies(&customer(
            "MAYA@example.com ",
            Some("vip"),
            signature.clone()
        )));
        assert!(secret.verifies(&customer(
            "maya@example.com",
            Some("vip"),
            signature.to_uppercase()
        )));
        assert!(!secret.verifies(&customer("ceo@example.com", Some("vip"), signature.clone())));
        assert!(!secret.verifies(&customer(
            "maya@example.com",
            Some("partner"),
            signature.clone()
        )));
        assert!(!secret.verifies(&customer("maya@example.com", None, signature)));
        assert!(!secret.verifies(&customer("maya@example.com", Some("vip"), "zz".into())));
        let other = IdentitySecret::new(b"another long secret!").unwrap();
        let forged = other.sign("maya@example.com", Some("vip"));
        assert!(!secret.verifies(&customer("maya@example.com", Some("vip"), forged)));
    }

    #[test]
    fn short_secrets_are_refused() {
        assert!(matches!(
            IdentitySecret::new(b"  short \n"),
            Err(IdentityError::TooShort(5))
        ));
    }
}
