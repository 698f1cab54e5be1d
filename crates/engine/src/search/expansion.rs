//! Query expansion by meaning: for words customers use, the KB's own words that mean
//! nearly the same ("cash" → "money", "stolen" → "theft"), so a question finds an
//! article that words it differently.
//!
//! The source is `data/word-neighbours.tsv.gz`, a word-similarity table distilled at
//! build time from the all-MiniLM-L6-v2 sentence encoder (`scripts/word_neighbours.py`,
//! see `data/README.md`). When a bundle is written, only the part that leads to words
//! this KB uses is kept, stemmed like the index, and shipped inside the index files;
//! nothing is downloaded at run time.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Stemmed customer word → stemmed KB words with their similarity (0–1), per language.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Expansion {
    pub by_lang: BTreeMap<String, BTreeMap<String, Vec<(String, u8)>>>,
}

impl Expansion {
    /// KB words similar to `term`, with similarity 0–1.
    pub fn neighbours(&self, lang: &str, term: &str) -> impl Iterator<Item = (&str, f32)> {
        self.by_lang
            .get(lang)
            .and_then(|m| m.get(term))
            .into_iter()
            .flatten()
            .map(|(t, s)| (t.as_str(), f32::from(*s) / 100.0))
    }
}
