//! Full-text search over articles and flows: the index is built natively at build time
//! and opened read-only from bytes in the browser.

mod build;
pub mod classifier;
mod entries;
pub mod expansion;
mod explain;
mod matcher;
mod postings;
mod schema;
pub mod vectors;

pub use build::build_index_files;
pub use entries::{Entry, EntryKind};
pub use explain::{Explanation, WordMatch};
pub use matcher::{Features, Match, SearchIndex};
