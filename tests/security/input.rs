//! Attacks with hostile text and numbers.
