//! Deflect's engine, as an embedder uses it: everything of [`deflect_engine`], plus the
//! sample knowledge base in `kb/`, which `build.rs` validates, tests and indexes on
//! every native build (so a KB mistake fails `cargo build` like a compile error).
//!
//! ```
//! use deflect::{Conversation, Engine, Start};
//!
//! let engine = Engine::open(deflect::SAMPLE_BUNDLE).unwrap();
//!
//! let best = &engine.search("How do I reset my password?", "en", 3).unwrap()[0];
//! assert_eq!(best.id, "reset-password");
//!
//! let start = Start { id: "c0ffee00-0000-4000-8000-000000000000".into(), lang: "en".into(), ..Start::default() };
//! let (mut chat, _greeting) = Conversation::start(&engine, start);
//! let reply = chat.say(&engine, "I already contacted my bank about a chargeback", 0).unwrap();
//! assert!(reply.handoff.is_some());
//! assert_eq!(chat.ticket(&engine).unwrap().queue, "Human-Escalation");
//! ```
//!
//! The other units of the workspace: `deflect-compile` (kb/ → bundle), `deflect-wasm`
//! (the browser binding), `deflect-server` (the ticket inbox), `deflect-eval`
//! (measuring matching) and `deflect-cli` (the `deflect` command); see
//! `docs/architecture.md`.

pub use deflect_engine::*;

/// The sample KB (`kb/`, or `$DEFLECT_KB`) as a bundle, written by `build.rs` with the
/// same code as `deflect index`: what the browser downloads for the demo site.
pub const SAMPLE_BUNDLE: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/kb.bundle"));
