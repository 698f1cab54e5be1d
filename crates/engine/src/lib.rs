//! Deflect's engine core: answers support questions from a knowledge base, walks
//! visitors through troubleshooting flows, applies escalation rules and builds the
//! ticket when a person must take over.
//!
//! Pure: no I/O, no web types, no platform switches. The same code runs natively (the
//! CLI, the server, tests) and in the browser (`deflect-wasm`). It opens bundles that
//! `deflect-compile` writes from `kb/`.
//!
//! ```
//! use deflect_engine::Engine;
//!
//! // Not a bundle: a clear error, never a panic.
//! assert!(Engine::open(b"not a bundle").is_err());
//! ```

pub mod analysis;
pub mod bundle;
pub mod conversation;
mod engine;
pub mod error;
pub mod escalation;
mod feedback;
pub mod model;
pub mod search;
pub mod stemmer;
pub mod ticket;

pub use bundle::Bundle;
pub use conversation::{Conversation, Reply, Start};
pub use engine::Engine;
pub use error::{Error, Result};
pub use feedback::CONTRADICTED_AT;
