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

/// Name of the expansion table among the index files.
pub const FILE: &str = "deflect-expansion.bin";

/// How many KB words one customer word may expand to.
#[cfg(not(target_arch = "wasm32"))]
const PER_WORD: usize = 3;

/// Similarities below this are not shipped.
#[cfg(not(target_arch = "wasm32"))]
const MIN_SIMILARITY: f32 = 0.6;

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

/// The table's English words, restricted to the part that leads to `vocabulary`
/// (the KB's English terms, stemmed), stemmed with the KB's English analyser.
#[cfg(not(target_arch = "wasm32"))]
pub fn for_vocabulary(vocabulary: &std::collections::HashSet<String>) -> Expansion {
    use std::io::Read;
    const TABLE: &[u8] = include_bytes!("../../data/word-neighbours.tsv.gz");
    let mut text = String::new();
    if flate2::read::GzDecoder::new(TABLE)
        .read_to_string(&mut text)
        .is_err()
        || vocabulary.is_empty()
    {
        return Expansion::default();
    }
    let mut analyzer = crate::analysis::analyzer("en");
    let mut stem_cache = std::collections::HashMap::<String, Option<String>>::new();
    let mut stem = |word: &str| -> Option<String> {
        stem_cache
            .entry(word.to_string())
            .or_insert_with(|| {
                let terms = crate::analysis::terms(&mut analyzer, word, "en");
                (terms.len() == 1).then(|| terms[0].clone())
            })
            .clone()
    };
    let mut map: BTreeMap<String, Vec<(String, u8)>> = BTreeMap::new();
    for line in text.lines() {
        let Some((word, neighbours)) = line.split_once('\t') else {
            continue;
        };
        let Some(from) = stem(word) else { continue };
        for item in neighbours.split(' ') {
            let Some((other, similarity)) = item.split_once(':') else {
                continue;
            };
            let Ok(similarity) = similarity.parse::<f32>() else {
                continue;
            };
            let Some(to) = stem(other) else { continue };
            if similarity < MIN_SIMILARITY || to == from || !vocabulary.contains(&to) {
                continue;
            }
            let score = (similarity * 100.0).round() as u8;
            let list = map.entry(from.clone()).or_default();
            match list.iter_mut().find(|(t, _)| *t == to) {
                Some(existing) => existing.1 = existing.1.max(score),
                None => list.push((to, score)),
            }
        }
    }
    for list in map.values_mut() {
        list.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        list.truncate(PER_WORD);
    }
    Expansion {
        by_lang: BTreeMap::from([("en".to_string(), map)]),
    }
}
