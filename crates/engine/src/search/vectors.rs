//! Sentence vectors: a question and each example question as the weighted mean of
//! static word vectors, compared by cosine. Term matching misses questions worded with
//! none of an article's words ("top up" vs "add money"); their vectors are still close.
//!
//! The word vectors are the Model2Vec recipe applied to all-MiniLM-L6-v2: each WordPiece
//! token encoded alone (`data/token-vectors.bin.gz`, built by `scripts/token_vectors.py`,
//! see `data/README.md`). When a bundle is written, each stemmed English word of the KB
//! gets the mean of its spellings' token vectors, reduced to the KB's own principal axes
//! and 4-bit levels, and only that table ships inside the index files; words a visitor
//! uses that the KB does not are looked up through their meaning-expansion neighbours.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use serde_bytes::ByteBuf;
use tantivy::tokenizer::TextAnalyzer;

/// How much an entry's second-best example question adds to its best one.
const SECOND_SHARE: f32 = 0.3;

/// Stemmed English KB words with a Zipf weight and a 4-bit vector, as shipped.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct VectorTable {
    /// Per dimension: a level (-7..7) times its scale is the value.
    pub scales: Vec<f32>,
    /// Word → (weight × 16, levels + 8, two per byte, high nibble first). The levels
    /// are a byte string, so they are read with one copy rather than byte by byte.
    pub words: BTreeMap<String, (u8, ByteBuf)>,
}

/// The table decoded for scoring: per word, its weight and unit vector.
#[derive(Debug, Default)]
pub struct Vectors {
    words: HashMap<String, (f32, Vec<f32>)>,
}

impl Vectors {
    pub fn decode(table: &VectorTable) -> Self {
        let words = table
            .words
            .iter()
            .map(|(word, (weight, packed))| {
                let vector = unpack(packed, &table.scales);
                (word.clone(), (f32::from(*weight) / 16.0, unit(vector)))
            })
            .collect();
        Vectors { words }
    }

    pub fn contains(&self, word: &str) -> bool {
        self.words.contains_key(word)
    }

    /// The unit-length weighted mean of the words' vectors, each word's weight times
    /// its share (1 for a word itself, the similarity for a neighbour standing in for
    /// it); `None` when no word has a vector.
    pub fn sentence<'a>(
        &self,
        words: impl IntoIterator<Item = (&'a str, f32)>,
    ) -> Option<Vec<f32>> {
        let mut sum: Option<Vec<f32>> = None;
        for (word, share) in words {
            let Some((weight, vector)) = self.words.get(word) else {
                continue;
            };
            let sum = sum.get_or_insert_with(|| vec![0.0; vector.len()]);
            for (s, v) in sum.iter_mut().zip(vector) {
                *s += weight * share * v;
            }
        }
        sum.map(unit)
    }

    /// An English text's sentence vector, every word counting fully: how example
    /// questions are represented.
    pub fn of_text(&self, english: &mut TextAnalyzer, text: &str) -> Option<Vec<f32>> {
        self.of_terms(&crate::analysis::terms(english, text, "en"))
    }

    /// The sentence vector of analysed English terms, every word counting fully.
    pub fn of_terms(&self, terms: &[String]) -> Option<Vec<f32>> {
        self.sentence(terms.iter().map(|t| (t.as_str(), 1.0)))
    }
}

/// Cosine similarity of two unit vectors.
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// How close a question is to an entry: its best example question's cosine plus a
/// share of the second best's (a second close question is extra evidence).
pub fn entry_similarity(question: &[f32], examples: &[Vec<f32>]) -> f32 {
    let (mut first, mut second) = (0.0f32, 0.0f32);
    for example in examples {
        let cosine = cosine(question, example);
        if cosine > first {
            second = first;
            first = cosine;
        } else if cosine > second {
            second = cosine;
        }
    }
    first + SECOND_SHARE * second
}

/// 4-bit levels (two per byte, high nibble first, offset by 8) times their scales:
/// the packing of shipped vectors and of `data/token-vectors.bin.gz` alike.
pub fn unpack(packed: &[u8], scales: &[f32]) -> Vec<f32> {
    packed
        .iter()
        .flat_map(|b| [b >> 4, b & 0x0f])
        .zip(scales)
        .map(|(level, scale)| (f32::from(level) - 8.0) * scale)
        .collect()
}

fn unit(mut v: Vec<f32>) -> Vec<f32> {
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm > 0.0 {
        v.iter_mut().for_each(|x| *x /= norm);
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(words: &[(&str, &[f32])]) -> Vectors {
        Vectors {
            words: words
                .iter()
                .map(|(w, v)| (w.to_string(), (1.0, unit(v.to_vec()))))
                .collect(),
        }
    }

    #[test]
    fn a_sentence_is_the_weighted_mean_of_its_known_words() {
        let vectors = table(&[("card", &[1.0, 0.0]), ("lost", &[0.0, 1.0])]);
        let s = vectors
            .sentence([("card", 1.0), ("lost", 1.0), ("zebra", 1.0)])
            .unwrap();
        assert!((s[0] - s[1]).abs() < 1e-6 && (s[0] - 0.5f32.sqrt()).abs() < 1e-6);
        let s = vectors.sentence([("card", 1.0), ("lost", 0.5)]).unwrap();
        assert!(s[0] > s[1]);
        assert!(vectors.sentence([("zebra", 1.0)]).is_none());
    }

    #[test]
    fn an_entry_scores_its_best_example_plus_a_share_of_the_second() {
        let examples = vec![vec![1.0, 0.0], vec![0.6, 0.8], vec![0.0, 1.0]];
        let score = entry_similarity(&[1.0, 0.0], &examples);
        assert!((score - (1.0 + SECOND_SHARE * 0.6)).abs() < 1e-6);
        assert_eq!(entry_similarity(&[1.0, 0.0], &[]), 0.0);
    }
}
