//! Full-text search over articles and flows: the index is built natively at build time
//! and opened read-only from bytes in the browser.

mod build;
pub mod classifier;
mod entries;
pub mod expansion;
mod explain;
mod matcher;
// Matching tests run where the KB is compiled (build.rs, the CLI), never in the browser.
#[cfg(not(target_arch = "wasm32"))]
mod matching_cases;
mod postings;
mod schema;
pub mod vectors;

pub use build::{IndexFiles, build_index_files};
pub use entries::{Entry, EntryKind};
pub use explain::{Explanation, WordMatch};
pub use matcher::{Features, Match, SearchIndex};
#[cfg(not(target_arch = "wasm32"))]
pub use matching_cases::{MatchingCaseReport, index_and_check, run_matching_cases};
