//! The security suite: every test is one attack on a real `deflect serve` (a real HTTP
//! server on a free loopback port, a real SQLite file), and asserts both the refusal a
//! client sees (401, 403, 429, 400) and that nothing was stored that should not be.
//!
//! One module per line of defence:
//! - `input`: hostile text and numbers (card numbers, control and bidi characters,
//!   secrets in page URLs, out-of-range numbers, symlinks out of the site folder).
//! - `limits`: writes from foreign pages, bursts, tickets grown without end, slow
//!   headers and bodies, reports that held up tickets, events kept for ever.

#[path = "../common/mod.rs"]
mod common;

mod input;
mod limits;
