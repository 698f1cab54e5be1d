//! Matching questions to articles and flows at query time: the index is written by
//! `deflect-compile` and opened read-only from a bundle's bytes.

pub mod classifier;
mod entries;
pub mod expansion;
mod matcher;
mod postings;
pub mod schema;
pub mod vectors;

pub use entries::{Entry, EntryKind, entries, languages};
pub use matcher::{Explanation, Features, Match, SearchIndex, WordMatch};
