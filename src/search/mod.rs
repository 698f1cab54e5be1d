//! Full-text search over articles and flows: the index is built natively at build time
//! and opened read-only from bytes in the browser.

mod build;
mod entries;
mod matcher;
mod schema;

pub use build::build_index_files;
pub use entries::{Entry, EntryKind};
pub use matcher::{Match, SearchIndex};
