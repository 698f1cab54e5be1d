//! The security suite: every test is one attack on a real `deflect serve` (a real HTTP
//! server on a free loopback port, a real SQLite file), and asserts both the refusal a
//! client sees (401, 403, 429, 400) and that nothing was stored that should not be.
//!
//! One module per line of defence:
//! - `fuzz`: arbitrary and mutated input to the KB compiler, the inbox's parsers, the
//!   matcher and whole conversations: no panic, every rejection a clear error.
//! - `input`: hostile text and numbers (card numbers, control and bidi characters,
//!   secrets in page URLs, out-of-range numbers, symlinks out of the site folder).
//! - `auth`: reading the inbox without being an agent (anonymous, DNS rebinding,
//!   cross-origin, guessed passwords, forged forms, revoked tokens, huge lists).
//! - `trust`: forged claims (identity, tier, queue, priority, rules, bot lines) and
//!   writing to someone else's ticket.
//! - `limits`: writes from foreign pages, bursts, tickets grown without end, slow
//!   headers and bodies, reports that held up tickets, events kept for ever.

#[path = "../common/mod.rs"]
mod common;

mod auth;
mod fuzz;
mod input;
mod limits;
mod trust;
