//! Full-text search over articles and flows: the index is built natively at build time
//! and opened read-only from bytes in the browser.

mod build;
pub mod classifier;
mod entries;
pub mod expansion;
mod explain;
mod matcher;
mod matching_cases;
mod postings;
mod schema;
pub mod vectors;

pub use build::{IndexFiles, build_index_files};
pub use entries::{Entry, EntryKind};
pub use explain::{Explanation, WordMatch};
pub use matcher::{Features, Match, SearchIndex};
pub use matching_cases::{MatchingCaseReport, index_and_check, run_matching_cases};
