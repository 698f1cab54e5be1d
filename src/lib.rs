//! Deflect's engine: answers support questions from a knowledge base, walks visitors
//! through troubleshooting flows, applies escalation rules and builds the ticket when a
//! person must take over. The same code runs natively (CLI, tests) and in the browser
//! (wasm, see `wasm.rs`).
//!
//! ```
//! use deflect::{Conversation, Engine, Start};
//!
//! let kb = deflect::compile::compile_dir("kb".as_ref()).expect("valid KB").kb;
//! let engine = Engine::open(&deflect::bundle::write(&kb).unwrap()).unwrap();
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

pub mod analysis;
pub mod bundle;
pub mod conversation;
mod engine;
pub mod error;
pub mod escalation;
pub mod model;
pub mod search;
mod stemmer;
pub mod ticket;

#[cfg(not(target_arch = "wasm32"))]
pub mod compile;
#[cfg(not(target_arch = "wasm32"))]
pub mod eval;
#[cfg(not(target_arch = "wasm32"))]
pub mod inbox;
#[cfg(not(target_arch = "wasm32"))]
pub mod site;
#[cfg(target_arch = "wasm32")]
mod wasm;

pub use conversation::{Conversation, Reply, Start};
pub use engine::Engine;
pub use error::{Error, Result};
