//! Matching questions to articles and flows at query time: the term index is written
//! by `deflect-compile` from tantivy's and opened read-only from a bundle's bytes.

pub mod bm25;
pub mod classifier;
mod entries;
pub mod expansion;
mod front_coded;
mod increasing;
mod matcher;
pub mod postings;
pub mod schema;
pub mod term_index;
pub mod vectors;

pub use entries::{Entry, EntryKind, entries, languages};
pub use matcher::{Explanation, Features, Match, SearchIndex, WordMatch};
